"""Proving that a passage is a verbatim quote of its source.

Matching forgives whitespace and line breaks, straight versus typographic quotes, and the various
dashes; nothing else. Each source is normalised once, so grounding costs the total text plus one
substring search per question, never questions × sources.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .model import Source

_FOLD = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
}
_FOLDS = tuple(_FOLD.items())


def normalize(text: str) -> str:
    """Fold quotes and dashes, and all runs of whitespace (also around a dash) to one form."""
    # str.replace and str.split, not str.translate and regular expressions: several times faster on large banks
    # (translate takes a slow per-character path on non-ASCII text).
    for character, folded in _FOLDS:
        if character in text:
            text = text.replace(character, folded)
    text = " ".join(text.split())
    if "-" in text:
        text = text.replace(" -", "-").replace("- ", "-")
    return text


@dataclass
class SourceIndex:
    """A source's normalised text with the offset where each paragraph starts."""

    source: Source
    text: str
    starts: list[int]

    @classmethod
    def of(cls, source: Source) -> SourceIndex:
        """Normalise a source once; paragraphs are joined by a space so a passage may span two."""
        parts = [normalize(p.text) for p in source.paragraphs]
        starts, offset = [], 0
        for part in parts:
            starts.append(offset)
            offset += len(part) + 1
        return cls(source, " ".join(parts), starts)

    def locate(self, passage: str) -> tuple[int, ...]:
        """The numbers of the paragraphs a citation of the passage names, or () when it is not in the source.

        Only text and list paragraphs have numbers. A passage that runs into a heading or a caption cites the
        numbered paragraphs it touches; one that lies wholly in unnumbered blocks cites the next numbered
        paragraph (the one a heading introduces, a caption or standfirst stands above), or, at the end of the
        text (a closing byline or note), the last one before it.
        """
        needle = normalize(passage)
        at = self.text.find(needle) if needle else -1
        if at < 0:
            return ()
        first = bisect.bisect_right(self.starts, at) - 1
        last = bisect.bisect_right(self.starts, at + len(needle) - 1) - 1
        paragraphs = self.source.paragraphs
        numbers = tuple(n for n in (p.number for p in paragraphs[first:last + 1]) if n is not None)
        if numbers:
            return numbers
        after = (p.number for p in paragraphs[last + 1:] if p.number is not None)
        before = (p.number for p in reversed(paragraphs[:first]) if p.number is not None)
        nearest = next(after, None) or next(before, None)
        return (nearest,) if nearest is not None else ()

    def closest(self, passage: str, width: int = 90) -> str:
        """The run of the source most like the passage (as many words), shortened to `width` characters."""
        import difflib  # only when a passage is not found

        needle = normalize(passage)
        words = self.text.split(" ")
        size = max(1, len(needle.split(" ")))
        windows = (" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1)))
        best, best_score = "", -1.0
        for window in windows:
            matcher = difflib.SequenceMatcher(None, needle, window, autojunk=False)
            if matcher.real_quick_ratio() > best_score and matcher.quick_ratio() > best_score:
                score = matcher.ratio()
                if score > best_score:
                    best, best_score = window, score
        return best if len(best) <= width else best[: width - 1].rstrip() + "…"
