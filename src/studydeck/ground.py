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
        """The numbers of the paragraphs the passage lies in, or () when it is not in the source."""
        needle = normalize(passage)
        at = self.text.find(needle) if needle else -1
        if at < 0:
            return ()
        first = bisect.bisect_right(self.starts, at) - 1
        last = bisect.bisect_right(self.starts, at + len(needle) - 1) - 1
        return tuple(self.source.paragraphs[i].number for i in range(first, last + 1))

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
