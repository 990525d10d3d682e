"""Proving that a passage is a verbatim quote of its source.

Matching forgives whitespace and line breaks, straight versus typographic quotes, the various dashes, the
characters a web page hides in its text (soft hyphens, zero-width spaces and joiners, no-break and other
spaces) and the two ways Unicode can write an accented letter (NFC and NFD); nothing else. Each source is
normalised once, so grounding costs the total text plus one substring search per question, never
questions × sources, and the closest match for a misquote is found in time linear in the source's length.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .model import Source

_FOLD = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
}
_FOLDS = tuple(_FOLD.items())
# Invisible in a browser and copied along with the text (Unicode's format characters: soft hyphen, zero-width
# space and joiners, direction marks, word joiner, byte-order mark, ...): they must never make a true quote fail.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
                        "\ufff9-\ufffb\U000e0001-\U000e007f]")


def normalize(text: str) -> str:
    """Fold quotes and dashes, drop invisible characters, compose accents, and bring all runs of whitespace
    (also around a dash; every Unicode space counts) to one form."""
    # str.replace and str.split, not str.translate and regular expressions: several times faster on large banks
    # (translate takes a slow per-character path on non-ASCII text).
    if not text.isascii():
        text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
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
        """The run of the source most like the passage, shortened to `width` characters ("" for none).

        Linear in the source's length: a window as long as the passage slides over the source's words,
        counting the passage's words it holds; only the few windows that hold the most are compared closely.
        """
        import difflib  # only when a passage is not found

        needle = normalize(passage)
        words = self.text.split(" ")
        wanted = Counter(w.lower() for w in needle.split(" "))
        size = max(1, min(len(needle.split(" ")), len(words)))
        starts = _best_windows(words, wanted, size)
        probe = needle[:_PROBE]  # a long misquote is judged by its opening: the close comparison stays bounded
        best, best_score = "", -1.0
        for start in starts:
            window = " ".join(words[start:start + size])
            score = difflib.SequenceMatcher(None, probe, window[:_PROBE], autojunk=False).ratio()
            if score > best_score:
                best, best_score = window, score
        return best if len(best) <= width else best[: width - 1].rstrip() + "…"


_PROBE = 400  # characters of a passage and a window compared closely
_CANDIDATES = 8  # windows compared closely


def _best_windows(words: list[str], wanted: Counter[str], size: int) -> list[int]:
    """The starts of the windows of `size` words that hold the most of the wanted words (each counted as often
    as it is wanted), best first."""
    folded = [w.lower() for w in words]
    held: Counter[str] = Counter()
    score = 0

    def add(word: str, step: int) -> int:
        before = min(held[word], wanted[word])
        held[word] += step
        return min(held[word], wanted[word]) - before

    scores = []
    for i, word in enumerate(folded):
        score += add(word, 1)
        if i >= size:
            score += add(folded[i - size], -1)
        if i >= size - 1:
            scores.append((score, -(i - size + 1)))
    scores.sort(reverse=True)
    return [-start for _, start in scores[:_CANDIDATES]] or [0]
