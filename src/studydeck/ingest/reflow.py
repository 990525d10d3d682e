"""Lines of print back into paragraphs: page furniture dropped, paragraph breaks found, hyphenation undone.

Shared by PDF pages (lines with their position and type size) and plain text such as `pdftotext` output
(lines only, pages split by form feeds). The rules are a typesetter's, read backwards:
- a line that sits at the top or bottom of most pages with the same words (digits aside) and the same size
  is a running head or footer; a number alone there (or "Page 3 of 9") is a page number;
- a paragraph ends where the next line is further down than the line spacing, is indented, is set in
  another size, or where a line ends a sentence well short of the measure;
- a word broken with a hyphen at a line end is joined again, unless the document spells it with a hyphen
  elsewhere ("well-known" stays, "arrange-ment" becomes "arrangement").
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import Role
from .document import Block, clean

_EDGE_LINES = 2  # how many lines at the top and at the bottom of a page may be furniture
_PAGE_NUMBER = re.compile(r"^(page|p\.|seite|pág\.?)?\s*[-–—]?\s*(\d+|[ivxlc]+)\s*[-–—]?\s*((of|/)\s*\d+)?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_HYPHENS = ("-", "\u2010", "\u00ad")
_LONGEST_WRAP = 160  # characters: text whose lines are longer than this is not hard-wrapped


@dataclass(frozen=True)
class Line:
    """One printed line. Position and size are in points and known for PDFs only; `indent` is how far the line
    starts right of its column (points, or spaces for plain text)."""

    text: str
    page: int
    column: int = 0
    top: float | None = None
    size: float | None = None
    indent: float = 0.0


def drop_furniture(pages: Sequence[Sequence[Line]]) -> tuple[list[list[Line]], list[str]]:
    """Each page without its running heads, footers and page numbers (top to bottom order expected),
    and a description of what went."""
    repeated = _repeated_edges(pages)
    kept: list[list[Line]] = []
    heads: Counter[str] = Counter()
    numbers = 0
    for page in pages:
        edges = _edge_indexes(len(page))
        keep = []
        for i, line in enumerate(page):
            if i in edges and _PAGE_NUMBER.match(line.text.strip()) and len(pages) > 1:
                numbers += 1
            elif i in edges and _key(line) in repeated:
                heads[line.text.strip()] += 1
            else:
                keep.append(line)
        kept.append(keep)
    dropped = [f"running head or footer “{text}” ({count} pages)" for text, count in sorted(heads.items())]
    # "Page 3 of 9" repeats too (digits aside), but is reported as what it is
    if numbers:
        dropped.append(f"page numbers ({numbers})")
    return kept, dropped


def _edge_indexes(count: int) -> set[int]:
    return set(range(min(_EDGE_LINES, count))) | set(range(max(0, count - _EDGE_LINES), count))


def _key(line: Line) -> tuple[str, int]:
    """What a running head keeps from page to page: its words without numbers, and its size."""
    words = re.sub(r"\d+", "#", " ".join(line.text.lower().split()))
    return words, round(line.size or 0)


def _repeated_edges(pages: Sequence[Sequence[Line]]) -> set[tuple[str, int]]:
    if len(pages) < 2:
        return set()
    seen: Counter[tuple[str, int]] = Counter()
    for page in pages:
        seen.update({_key(page[i]) for i in _edge_indexes(len(page)) if page[i].text.strip()})
    enough = max(2, (len(pages) + 1) // 2)
    return {key for key, count in seen.items() if count >= enough}


def paragraphs(lines: Sequence[Line]) -> list[Block]:
    """Blocks from lines in reading order: headings (larger type, or a short unpunctuated line standing
    alone), small print as notes, and text paragraphs with their lines joined."""
    body_size = _body_size(lines)
    measure = _measure(lines)
    spacing = _spacing(lines)
    hyphenated = _hyphenated_words(lines)
    groups: list[list[Line]] = []
    previous: Line | None = None
    blank = False
    for line in lines:
        if not line.text.strip():
            blank = True
            continue
        if previous is None or (blank and not _continues(previous, line)) or _breaks(
                previous, line, body_size, measure, spacing, len(groups[-1]) == 1):
            groups.append([line])
            previous = line
        else:
            groups[-1].append(line)
            previous = line
        blank = False
    return [_block(group, body_size, measure, hyphenated) for group in groups]


def _body_size(lines: Sequence[Line]) -> float | None:
    sizes: Counter[float] = Counter()
    for line in lines:
        if line.size:
            sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _measure(lines: Sequence[Line]) -> float:
    """The length of a full line, in characters: most lines of a hard-wrapped text come close to it. Lines far
    longer than the median (ones that `pdftotext` joined after a hyphen) are left out, given lines enough to tell."""
    lengths = sorted(len(line.text.rstrip()) for line in lines if line.text.strip())
    if not lengths:
        return 0.0
    median = lengths[len(lengths) // 2]
    usual = [n for n in lengths if n <= median * 1.3] if len(lengths) >= 10 else lengths
    return float(usual[int(len(usual) * 0.9)])


def _spacing(lines: Sequence[Line]) -> float | None:
    """The usual distance from one line to the next within a column."""
    gaps = [b.top - a.top for a, b in itertools.pairwise(lines)
            if a.top is not None and b.top is not None and (a.page, a.column) == (b.page, b.column) and b.top > a.top]
    return statistics.median(gaps) if gaps else None


def _breaks(before: Line, after: Line, body_size: float | None, measure: float, spacing: float | None,
            alone: bool) -> bool:
    """Whether a paragraph ends between two consecutive lines (`alone`: the first is so far a paragraph of its
    own, so it may be a heading)."""
    if before.top is None and measure > _LONGEST_WRAP:
        return True  # lines longer than anyone wraps text at: one paragraph a line
    if _size_class(before, body_size) != _size_class(after, body_size):
        return True
    same_column = (before.page, before.column) == (after.page, after.column)
    if same_column and spacing and before.top is not None and after.top is not None \
            and after.top - before.top > spacing * 1.3:
        return True  # space between paragraphs
    if after.indent > before.indent + (2 if after.top is None else 6):
        return True  # a first-line indent
    return _looks_like_end(before, after, measure) or (alone and _standalone_title(before, after, measure))


def _continues(before: Line, after: Line) -> bool:
    """Whether a line goes on with the sentence of the line before a blank line: `pdftotext` leaves a blank
    line where a column or page ends, wherever the sentence is."""
    return not _SENTENCE_END.search(before.text.rstrip()) and after.text.lstrip()[:1].islower()


def _looks_like_end(line: Line, after: Line, measure: float) -> bool:
    """A line that ends a sentence although the next line's first word would have fitted ends its paragraph.
    A line much longer than the measure is one that `pdftotext` joined after a hyphen: its end may be short."""
    text = line.text.rstrip()
    next_word = after.text.split()[0]
    fits = len(text) + 1 + len(next_word) <= measure or len(text) > measure * 1.3
    return bool(_SENTENCE_END.search(text)) and fits and not next_word[:1].islower()


def _standalone_title(line: Line, after: Line, measure: float) -> bool:
    """A short line without closing punctuation followed by a capitalised line: a heading in plain text."""
    text = line.text.strip()
    return (line.size is None and len(text) < measure * 0.7 and not re.search(r"[.,;:!?\-]$", text)
            and text[:1].isupper() and after.text.strip()[:1].isupper())


def _size_class(line: Line, body_size: float | None) -> str:
    if line.size is None or body_size is None:
        return "body"
    if line.size > body_size * 1.15:
        return "heading"
    if line.size < body_size * 0.85:
        return "small"
    return "body"


def _block(group: list[Line], body_size: float | None, measure: float, hyphenated: set[str]) -> Block:
    text = clean(join_lines([line.text for line in group], hyphenated))
    size_class = _size_class(group[0], body_size)
    if size_class == "heading":
        return Block(Role.HEADING, text)
    if size_class == "small":
        return Block(Role.NOTE, text)
    if len(group) == 1 and body_size is None and _standalone_title(group[0], group[0], measure) and len(text) > 0:
        return Block(Role.HEADING, text)
    return Block(Role.TEXT, text)


def _hyphenated_words(lines: Iterable[Line]) -> set[str]:
    """Words the document spells with a hyphen inside a line, such as "well-known"."""
    found: set[str] = set()
    for line in lines:
        found.update(w.lower() for w in re.findall(r"\w+-\w+", line.text))
    return found


def join_lines(texts: Sequence[str], hyphenated: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """Lines of one paragraph as one line of text, with words broken at a line end joined again."""
    out = ""
    for text in texts:
        text = text.strip()
        if not out:
            out = text
            continue
        broken = re.search(r"(\w+)[" + "".join(_HYPHENS) + r"]$", out)
        after = re.match(r"(\w+)", text)
        if broken and after and text[:1].islower():
            whole = f"{broken.group(1)}-{after.group(1)}".lower()
            out = out[:-1] + ("-" if whole in hyphenated else "") + text
        else:
            out = f"{out} {text}"
    return out


def missing_breaks(lines: Sequence[str]) -> bool:
    """Whether lines given as one paragraph read as several: a line ends a sentence although the next word
    would have fitted on it (hard-wrapped text whose blank lines were lost)."""
    if len(lines) < 3:
        return False
    wrapped = [Line(text, 0) for text in lines]
    measure = _measure(wrapped)
    if measure > _LONGEST_WRAP:
        return False
    return any(_looks_like_end(before, after, measure) for before, after in itertools.pairwise(wrapped))
