"""Reading printed documents back: PDF pages and words (poppler's pdftotext), and the items of our HTML."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

MM = 72 / 25.4
PAPERS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_ITEM = re.compile(r'<div class="(?:q|a) (?:q|a)-[a-z-]+">\s*<span class="n">(\d+)\.</span>(.*?)(?=<div class="(?:q|a) |</section>)',
                   re.S)


@dataclass(frozen=True)
class Word:
    """One word as pdftotext finds it, with its box in points from the page's top left corner."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def middle(self) -> float:
        """Half way down the word's box: CJK glyphs have taller boxes than Latin ones on the same line."""
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Page:
    """One printed page: its size in points and its words with their boxes, in the order they were drawn
    (not reading order: Chromium draws a line's text font by font)."""

    number: int
    width: float
    height: float
    words: tuple[Word, ...]

    def lines(self) -> list[list[Word]]:
        """The words in reading order: grouped into lines by height on the page, each line left to right.
        (pdftotext's own reading order puts Japanese words, whose boxes are taller, on lines of their own.)"""
        lines: list[list[Word]] = []
        for word in sorted(self.words, key=lambda w: w.middle):
            if lines and word.middle - lines[-1][0].middle < 4:
                lines[-1].append(word)
            else:
                lines.append([word])
        return [sorted(line, key=lambda w: w.x0) for line in lines]

    @cached_property
    def text(self) -> str:
        """The page's text in reading order, flattened (see `flat`)."""
        return flat("".join(w.text for line in self.lines() for w in line))

    def band(self, top: float, bottom: float) -> str:
        """The characters of the words whose middle lies between `top` and `bottom`, whitespace removed."""
        return squash("".join(w.text for w in self.words if top <= w.middle < bottom))


def read_pdf(path: Path) -> list[Page]:
    """Every page of a PDF with its words and their boxes (`pdftotext -bbox`)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for number, (width, height, body) in enumerate(_PAGE.findall(out), start=1):
        words = tuple(Word(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in
                      _WORD.findall(body))
        pages.append(Page(number, float(width), float(height), words))
    return pages


def pdfinfo(path: Path) -> dict[str, str]:
    """`pdfinfo`'s fields, e.g. {"Pages": "37", "Page size": "594.96 x 841.92 pts (A4)"}."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, value in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def squash(text: str) -> str:
    """Text without any whitespace: what survives a PDF's line breaks."""
    return re.sub(r"\s+", "", text)


def flat(text: str) -> str:
    """Text without whitespace or hyphens, for comparing printed text: a line may break after any hyphen."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def items(page_html: str) -> dict[int, str]:
    """Number -> the HTML of that question (worksheet) or answer (key), number left out."""
    found: dict[int, str] = {}
    for number, body in _ITEM.findall(page_html):
        assert int(number) not in found, f"number {number} twice"
        found[int(number)] = body
    return found


def visible_text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded, whitespace removed."""
    return squash(html.unescape(re.sub(r"<[^>]+>", "", fragment)))
