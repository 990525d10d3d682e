"""`studydeck source add`: a web page, PDF, text or Markdown file turned into a source ready to quote.

The core is pure: `ingest(data, name, ...)` takes bytes and returns the source file's text and a report of what
was kept and dropped. `add_source` does the reading (a file, standard input or a URL) and the writing.
Each format has its own module (html: trafilatura; pdf: pypdf; text: plain text and Markdown), and all of them
hand back an `Extracted` document that `document.source_text` writes in the source format.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from ..errors import StudydeckError
from ..model import Role
from .document import Block, Extracted, Meta, clean, source_text

__all__ = ["Block", "Extracted", "Ingested", "Meta", "detect_kind", "extract", "ingest", "slug"]

KINDS = ("html", "pdf", "markdown", "text")
_SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".md": "markdown",
             ".markdown": "markdown", ".txt": "text", ".text": "text"}


@dataclass(frozen=True)
class Ingested:
    """A source ready to write: its id, the file's text, and what went into it and what did not."""

    id: str
    text: str
    title: str
    paragraphs: int  # text and list paragraphs: the ones questions are written on
    words: int  # in those paragraphs
    furniture: dict[str, int]  # headings, captions, notes... kept but not counted, by role
    dropped: tuple[str, ...]


def detect_kind(data: bytes, name: str, content_type: str | None = None) -> str:
    """Which reader a document needs: from its content type, then its name, then its first bytes."""
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared in ("text/html", "application/xhtml+xml"):
        return "html"
    if declared == "application/pdf":
        return "pdf"
    if declared in ("text/markdown", "text/x-markdown"):
        return "markdown"
    suffix = re.search(r"\.[A-Za-z]+$", name.split("?")[0])
    if suffix and suffix.group(0).lower() in _SUFFIXES:
        return _SUFFIXES[suffix.group(0).lower()]
    head = data[:1024].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if data.startswith(b"---\n") or re.search(rb"^#{1,6} \S", data[:4096], re.MULTILINE):
        return "markdown"
    return "text"


def extract(data: bytes, name: str, kind: str, url: str | None = None) -> Extracted:
    """The document in `data` (read as `kind`), with its title moved from the text to the front matter."""
    if kind == "html":
        from .html import read_html

        extracted = read_html(data, name, url)
    elif kind == "pdf":
        from .pdf import read_pdf

        extracted = read_pdf(data, name)
    elif kind == "markdown":
        from .text import read_markdown

        extracted = read_markdown(data, name)
    else:
        from .text import read_plain_text

        extracted = read_plain_text(data, name)
    return _title_from_text(extracted)


def _title_from_text(extracted: Extracted) -> Extracted:
    """A leading heading is the title: it goes to the front matter (or is dropped if already there)."""
    blocks = extracted.blocks
    if not blocks or blocks[0].role is not Role.HEADING:
        return extracted
    heading, title = blocks[0].text, extracted.meta.title
    if title is None:
        note = f"title “{heading}” (moved to the front matter)"
        return replace(extracted, meta=replace(extracted.meta, title=heading), blocks=blocks[1:],
                       dropped=(note, *extracted.dropped))
    if _words(heading) == _words(title):
        return replace(extracted, blocks=blocks[1:], dropped=("the title heading (it is in the front matter)",
                                                              *extracted.dropped))
    return extracted


def ingest(data: bytes, name: str, *, kind: str | None = None, content_type: str | None = None,
           url: str | None = None, retrieved: str | None = None, source_id: str | None = None) -> Ingested:
    """A document's bytes as a source file. `name` is used in messages and to guess the kind; `url` and
    `retrieved` (an ISO date) are recorded in the front matter; `source_id` overrides the slug of the title."""
    extracted = extract(data, name, kind or detect_kind(data, name, content_type), url)
    if retrieved:
        extracted = extracted.with_meta(retrieved=retrieved, url=extracted.meta.url or url)
    if not any(b.role in (Role.TEXT, Role.LIST) for b in extracted.blocks):
        raise StudydeckError(f"{name}: found no text to quote")
    title = extracted.meta.title or source_id
    if title is None:
        raise StudydeckError(f"{name}: the text has no title to name the source after; give it an --id")
    chosen = source_id or slug(title)
    counted = [b for b in extracted.blocks if b.role in (Role.TEXT, Role.LIST)]
    furniture = Counter(b.role.value for b in extracted.blocks if b.role not in (Role.TEXT, Role.LIST))
    return Ingested(
        id=chosen,
        text=source_text(extracted, title),
        title=title,
        paragraphs=len(counted),
        words=sum(len(b.text.split()) for b in counted),
        furniture=dict(sorted(furniture.items())),
        dropped=extracted.dropped,
    )


def slug(title: str, limit: int = 60) -> str:
    """A source id from a title: lower-case ASCII letters and digits joined by '-', cut at a word."""
    # Accents go (é is e and a combining accent); any other character outside ASCII separates words.
    decomposed = unicodedata.normalize("NFKD", clean(title))
    ascii_title = "".join(c if c.isascii() else "" if unicodedata.combining(c) else " " for c in decomposed)
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out or "source"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", clean(text).lower())
