"""What an extractor hands back: attribution, blocks of text in reading order, and what it left out.

`source_text` writes it in studydeck's source format (README "Sources"): front matter, then one paragraph a
line with blank lines between, `## ` headings, `- ` list items and `[caption]`-style markers for furniture.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace

from ..model import Role


@dataclass(frozen=True)
class Meta:
    """A document's attribution as far as the file tells it; None where it does not."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    publication: str | None = None
    date: str | None = None  # ISO date of publication, YYYY-MM-DD (or YYYY-MM, YYYY)
    url: str | None = None
    retrieved: str | None = None  # ISO date the page was fetched from `url`

    @property
    def year(self) -> int | None:
        """The year of publication, from `date`."""
        found = re.match(r"(\d{4})", self.date or "")
        return int(found.group(1)) if found else None


@dataclass(frozen=True)
class Block:
    """One paragraph-like block: `text` on one line (a list's items are separated by newlines)."""

    role: Role
    text: str


@dataclass(frozen=True)
class Extracted:
    """A document read from some format: its attribution, blocks in reading order, and what was dropped
    (short human descriptions such as "page numbers (3 pages)")."""

    meta: Meta
    blocks: tuple[Block, ...]
    dropped: tuple[str, ...] = field(default=())

    def with_meta(self, **changes: object) -> Extracted:
        """A copy whose attribution has some fields replaced."""
        return replace(self, meta=replace(self.meta, **changes))  # type: ignore[arg-type]


# Characters that web copies and PDFs carry but a reader never sees; they would make a quote fail to match.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000\t"), " ")
# Typographic ligatures that PDF text layers keep as one character ("ﬂame"); nothing else is decomposed.
_LIGATURES = {c: unicodedata.normalize("NFKC", c) for c in "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"}


def clean(text: str) -> str:
    """Text as a reader sees it: invisible characters removed, odd spaces made plain, ligatures spelled out,
    and whitespace runs collapsed."""
    text = text.translate(_INVISIBLE).translate(_SPACES)
    for ligature, letters in _LIGATURES.items():
        if ligature in text:
            text = text.replace(ligature, letters)
    return " ".join(text.split())


_MARKERS = {Role.CAPTION: "[caption] ", Role.BYLINE: "[byline] ", Role.STANDFIRST: "[standfirst] ",
            Role.NOTE: "[note] "}


def block_text(block: Block) -> str:
    """One block in the source format."""
    if block.role is Role.HEADING:
        return f"## {block.text}"
    if block.role is Role.LIST:
        return "\n".join(f"- {item}" for item in block.text.split("\n"))
    marker = _MARKERS.get(block.role, "")
    text = block.text
    if not marker and (text.startswith(("#", "- ")) or re.match(r"\[(caption|byline|standfirst|note)\]", text)):
        # The loader would read this text as a heading, list or marker; rare enough that a visible escape will do.
        text = "\\" + text
    return marker + text


def front_matter(meta: Meta, fallback_title: str) -> str:
    """The `---` block with every known field; strings are JSON-quoted, which YAML reads unchanged."""
    lines = ["---", f"title: {_quote(meta.title or fallback_title)}",
             f"authors: [{', '.join(_quote(a) for a in meta.authors)}]"]
    if meta.publication:
        lines.append(f"publication: {_quote(meta.publication)}")
    if meta.year is not None:
        lines.append(f"year: {meta.year}")
    if meta.date:
        lines.append(f"date: {_quote(meta.date)}")
    if meta.url:
        lines.append(f"url: {_quote(meta.url)}")
    if meta.retrieved:
        lines.append(f"retrieved: {_quote(meta.retrieved)}")
    lines.append("---")
    return "\n".join(lines)


def source_text(extracted: Extracted, fallback_title: str) -> str:
    """The whole source file: front matter, a blank line, then the blocks separated by blank lines."""
    body = "\n\n".join(block_text(b) for b in extracted.blocks)
    return f"{front_matter(extracted.meta, fallback_title)}\n\n{body}\n"


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
