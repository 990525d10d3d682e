"""Plain text and Markdown to paragraphs.

Markdown keeps its own structure (blank lines, `#` headings, lists, front matter). Plain text may come from
`pdftotext` or a copy from a PDF viewer, hard-wrapped without blank lines and with pages separated by form
feeds: `reflow` finds its paragraphs, running heads and page numbers.
"""

from __future__ import annotations

import datetime
import re

import yaml

from ..errors import StudydeckError
from ..model import Role
from .document import Block, Extracted, Meta, clean
from .reflow import Line, drop_furniture, paragraphs

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_MARKER = re.compile(r"^\[(caption|byline|standfirst|note)\]\s*(.*)$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def decode(data: bytes, name: str) -> str:
    """Bytes as text: UTF-8 (with or without a byte order mark), line ends made plain."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise StudydeckError(f"{name}: not UTF-8 text ({e.reason} at byte {e.start}); save it as UTF-8") from e
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_plain_text(data: bytes, name: str) -> Extracted:
    """Plain text: pages split at form feeds, paragraphs rebuilt from the lines."""
    pages = [[Line(line.rstrip(), number, indent=float(len(line) - len(line.lstrip(" "))))
              for line in page.split("\n")]
             for number, page in enumerate(decode(data, name).expandtabs(4).split("\f"))]
    pages = [_trim(page) for page in pages]
    kept, dropped = drop_furniture(pages)
    kept = [_trim(page) for page in kept]
    # A page break is no paragraph break: pages are joined line to line, and only blank lines count.
    lines = [line for page in kept for line in page]
    return Extracted(Meta(), tuple(paragraphs(lines)), tuple(dropped))


def _trim(page: list[Line]) -> list[Line]:
    """A page without the blank lines above and below its text (so its first and last lines are its edges)."""
    start = next((i for i, line in enumerate(page) if line.text.strip()), len(page))
    end = next((i for i in range(len(page), 0, -1) if page[i - 1].text.strip()), 0)
    return page[start:end]


def read_markdown(data: bytes, name: str) -> Extracted:
    """Markdown: front matter (if any) as attribution, then its blocks; images are left out."""
    text = decode(data, name)
    meta, body = _front_matter(text, name)
    blocks: list[Block] = []
    images = len(_IMAGE.findall(body))
    current: list[str] = []
    current_role = Role.TEXT

    def flush() -> None:
        nonlocal current, current_role
        joined = "\n".join(current) if current_role is Role.LIST else " ".join(current)
        cleaned = "\n".join(filter(None, (clean(part) for part in joined.split("\n"))))
        if cleaned:
            blocks.append(Block(current_role, cleaned))
        current, current_role = [], Role.TEXT

    for raw in body.split("\n"):
        line = _LINK.sub(r"\1", _IMAGE.sub("", raw)).rstrip()
        heading, item, marker = _HEADING.match(line), _ITEM.match(line), _MARKER.match(line.strip())
        if not line.strip():
            flush()
        elif heading:
            flush()
            blocks.append(Block(Role.HEADING, clean(heading.group(2))))
        elif item:
            if current_role is not Role.LIST:
                flush()
            current_role = Role.LIST
            current.append(item.group(1))
        elif marker and not current:
            current_role = Role(marker.group(1))
            current.append(marker.group(2))
        elif current_role is Role.LIST and raw[:1].isspace():
            current[-1] += " " + line.strip()  # an item's continuation line
        else:
            if current_role is Role.LIST:
                flush()
            current.append(line.strip())
    flush()
    return Extracted(meta, tuple(blocks), (f"images ({images})",) if images else ())


def _front_matter(text: str, name: str) -> tuple[Meta, str]:
    """Attribution from a leading `---` block (studydeck's keys, or common ones such as `author`, `date`)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Meta(), text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return Meta(), text
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as e:
        raise StudydeckError(f"{name}: the front matter is not valid YAML ({e})") from e
    if not isinstance(data, dict):
        return Meta(), "\n".join(lines[end + 1:])
    authors = data.get("authors", data.get("author")) or ()
    date = data.get("date")
    if isinstance(date, (datetime.date, datetime.datetime)):
        date = date.isoformat()[:10]
    elif date is None and data.get("year") is not None:
        date = str(data["year"])
    meta = Meta(
        title=_text(data.get("title")),
        authors=(authors,) if isinstance(authors, str) else tuple(str(a) for a in authors),
        publication=_text(data.get("publication", data.get("sitename", data.get("site_name")))),
        date=_text(date),
        url=_text(data.get("url")),
        retrieved=_text(data.get("retrieved")),
    )
    return meta, "\n".join(lines[end + 1:])


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return clean(str(value)) or None
