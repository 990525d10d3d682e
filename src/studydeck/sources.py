"""Reading `sources/*.md`: attribution front matter, then paragraphs separated by blank lines.

A paragraph is plain text; `## ` starts a heading, lines starting `- ` make a list, and a leading
`[caption]`, `[byline]`, `[standfirst]` or `[note]` marks page furniture that needs no question.

Text and list paragraphs are numbered from 1 as a reader counts them; headings and furniture get no number,
so the "¶" a citation names is the one printed in the margin of the reading packet.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import characters
from .errors import Problem, Severity
from .files import NOT_REGULAR, TOO_LARGE, Unreadable, read_regular
from .ingest.reflow import missing_breaks
from .model import Paragraph, Role, Source
from .yamltree import BOOL, INT, NULL, Value, YamlSyntaxError, parse

_MARKER = re.compile(r"^\[(caption|byline|standfirst|note)\]\s*")
_META_KEYS = {"title", "authors", "publication", "year", "url", "date", "retrieved"}
_LONG_PARAGRAPH = 300  # words: longer text paragraphs have probably lost their breaks
SOURCE_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")  # always fullmatch: `$` would let a final newline in
_MAX_ID_LENGTH = 100  # the id is part of file names and deck names
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def load_sources(folder: Path, shown: str) -> tuple[dict[str, Source], list[Problem]]:
    """Every `*.md` in `folder`, keyed by file stem (the source id), with the problems found."""
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            problems.append(Problem(shown, 1, 1, "is not a folder: sources/ holds the bank's documents, one "
                                    "Markdown file each"))
        return sources, problems
    for path in sorted(folder.glob("*.md")):
        name = f"{shown}/{_printable(path.name)}"
        data, problem = _read_regular(path, name)
        source, found = read_source(path, name, data) if data is not None else (None, [problem])
        problems += [p for p in found if p is not None]
        if source is not None:
            sources[source.id] = source
    return sources, problems + _not_sources(folder, shown)


def _not_sources(folder: Path, shown: str) -> list[Problem]:
    """A warning for each entry of sources/ that is not read because it is not `*.md`, saying why."""
    problems = []
    try:
        entries = sorted(folder.iterdir())
    except OSError as e:
        return [Problem(shown, 1, 1, f"cannot be listed ({e.strerror})")]
    for path in entries:
        if path.suffix == ".md" or path.name.startswith("."):
            continue
        name = f"{shown}/{_printable(path.name)}"
        if path.is_dir():
            why = "a folder: only the '.md' files directly in sources/ are sources"
        elif not path.is_file():
            why = "not a regular file (a pipe, a device, a socket or a broken link)"
        else:
            why = (f"sources are '.md' files; rename it to '{_printable(path.stem)}.md' if it is already in "
                   f"studydeck's source format, or run 'studydeck source add {name}' to make one from it")
        problems.append(Problem(name, 1, 1, f"not read: {why}", Severity.WARNING))
    return problems


def _printable(name: str) -> str:
    """A file name as a message shows it: control characters escaped, so a message stays one line."""
    return characters.FORBIDDEN.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


# A source is an article: far below this. A larger file is refused rather than read whole into memory.
MAX_SOURCE_BYTES = 16 << 20


def _read_regular(path: Path, shown: str) -> tuple[bytes | None, Problem | None]:
    """A regular file's bytes, or the problem that keeps it from being read (never blocking on a FIFO)."""
    try:
        return read_regular(path, MAX_SOURCE_BYTES), None
    except Unreadable as e:
        if e.kind == NOT_REGULAR:
            message = ("is not a regular file (a folder, a pipe or a device); a source is a Markdown file: remove "
                       "it or rename it so it does not end in .md")
        elif e.kind == TOO_LARGE:
            message = (f"is {e.size >> 20} MiB; a source is one article, at most {MAX_SOURCE_BYTES >> 20} MiB: "
                       "split it")
        else:
            message = f"cannot be read ({e.reason}); a broken link? Remove or fix it"
        return None, Problem(shown, 1, 1, message)


def read_source(path: Path, shown: str, data: bytes) -> tuple[Source | None, list[Problem]]:
    """One source file's bytes; `shown` is the path used in messages."""
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark from a Windows editor is not part of the text
    except UnicodeDecodeError as e:
        return None, [Problem(shown, 1, 1, f"not UTF-8 text ({e.reason}); save the file as UTF-8")]
    # Lines end as editors count them (not at the form feeds and separators `splitlines` also breaks at).
    lines = _LINE_BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()
    meta, body_start, problems = _front_matter(lines, shown)
    if not SOURCE_ID.fullmatch(path.stem):
        problems.append(Problem(shown, 1, 1, "a source's file name is its id: use lower-case letters, digits and '-'"))
    elif len(path.stem) > _MAX_ID_LENGTH:
        problems.append(Problem(shown, 1, 1, f"a source's file name is its id: at most {_MAX_ID_LENGTH} characters"))
    problems += _forbidden_characters(lines, shown)
    paragraphs = tuple(_paragraphs(lines, body_start))
    if not paragraphs:
        problems.append(Problem(shown, len(lines) or 1, 1, "the source has no text after its front matter"))
    elif all(p.number is None for p in paragraphs):
        # Every citation names a numbered paragraph: a source of headings and furniture alone has none to name.
        problems.append(Problem(shown, paragraphs[0].line, 1, "the source has only headings and page furniture "
                                "('## ', '[caption]', ...): add its text, paragraphs separated by blank lines"))
    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    problems += _missing_breaks(lines, paragraphs, shown)
    source = Source(
        id=path.stem,
        title=str(meta.get("title", path.stem)),
        authors=tuple(meta.get("authors", ())),
        publication=meta.get("publication"),
        year=meta.get("year"),
        url=meta.get("url"),
        paragraphs=paragraphs,
        path=shown,
        date=meta.get("date"),
        retrieved=meta.get("retrieved"),
    )
    return source, problems


def _forbidden_characters(lines: list[str], shown: str, limit: int = 5) -> list[Problem]:
    """An error for each of the first `limit` lines holding a character no output can carry (see `characters`)."""
    problems = []
    for number, line in enumerate(lines, start=1):
        bad = characters.first_forbidden(line)
        if bad is not None:
            problems.append(Problem(shown, number, bad.start() + 1, f"contains {characters.describe(bad.group())}; "
                                    "remove it"))
            if len(problems) == limit:
                break
    return problems


def _missing_breaks(lines: list[str], paragraphs: tuple[Paragraph, ...], shown: str) -> list[Problem]:
    """Warnings for text paragraphs that look like several run together."""
    problems = []
    for p in paragraphs:
        if p.role is not Role.TEXT:
            continue
        words = len(p.text.split())
        block = list(itertools.takewhile(str.strip, lines[p.line - 1:]))
        if words > _LONG_PARAGRAPH or missing_breaks(block):
            why = f"has {words} words" if words > _LONG_PARAGRAPH else "has lines that end sentences short of the margin"
            problems.append(Problem(shown, p.line, 1, f"paragraph {p.number} {why}: paragraph breaks are probably "
                                    "missing (separate paragraphs with a blank line)", Severity.WARNING))
    return problems


def _front_matter(lines: list[str], shown: str) -> tuple[dict[str, Any], int, list[Problem]]:
    if not lines or lines[0].strip() != "---":
        return {}, 0, [Problem(shown, 1, 1, "a source starts with front matter: a '---' line, 'title: ...', then '---'")]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return {}, 0, [Problem(shown, 1, 1, "the front matter has no closing '---' line")]
    try:
        # Line numbers count from the file's first line: the front matter starts on line 2.
        root = parse("\n" + "\n".join(lines[1:end]))
    except YamlSyntaxError as e:
        return {}, end + 1, [Problem(shown, e.line, e.column, f"front matter: {e.message}")]
    if root is None or not root.is_mapping:
        return {}, end + 1, [Problem(shown, 2, 1, "front matter must be 'key: value' lines, with at least 'title:'")]
    meta, problems = _read_meta(root, shown)
    return meta, end + 1, problems


def _read_meta(root: Value, shown: str) -> tuple[dict[str, Any], list[Problem]]:
    """The attribution, each value checked for its type where it is written."""
    meta: dict[str, Any] = {}
    problems: list[Problem] = []

    def problem(value: Value, message: str) -> None:
        problems.append(Problem(shown, value.line, value.column, message))

    for key, (line, column) in root.keys_at.items():
        if key not in _META_KEYS:
            problems.append(Problem(shown, line, column,
                                    f"unknown front-matter key '{key}' (known: {', '.join(sorted(_META_KEYS))})"))
    for key, value in root.data.items():
        if key in ("title", "publication", "url", "date", "retrieved"):
            text = _one_line(value)
            bad = characters.first_forbidden(text or "")
            if text is None:
                problem(value, f"'{key}' must be one line of text")
            elif bad is not None:
                problem(value, f"'{key}' contains {characters.describe(bad.group())}; remove it")
            elif key == "title" and "::" in text:
                problem(value, "'title' may not contain '::' (Anki reads it as a deck inside a deck)")
            elif text:
                meta[key] = text  # dates as written: they are shown, never read
        elif key == "authors":
            names = [_one_line(v) for v in (value.data if value.is_sequence else [value])]
            if any(not n for n in names):
                problem(value, "'authors' must be a name or a list of names, each one line of text")
            elif any(characters.first_forbidden(n or "") for n in names):
                problem(value, "'authors' contains a control or private-use character; remove it")
            else:
                meta[key] = tuple(n for n in names if n)
        elif key == "year":
            year = _year(value)
            if year is None:
                problem(value, "'year' must be a whole number such as 2007")
            else:
                meta[key] = year
    if "title" not in root.data:
        problems.append(Problem(shown, 2, 1, "the front matter needs a 'title:' (one line of text)"))
    return meta, problems


def _one_line(value: Value) -> str | None:
    """A scalar's text as written, stripped, or None when it is not one line of text."""
    if not value.is_scalar or value.tag in (BOOL, NULL) or "\n" in value.data.strip():
        return None
    return str(value.data).strip()


def _year(value: Value) -> int | None:
    if not value.is_scalar or value.tag != INT:
        return None
    try:
        year = value.typed()
    except YamlSyntaxError:
        return None
    return year if isinstance(year, int) and 0 < year < 10000 else None


def _paragraphs(lines: list[str], start: int) -> Iterator[Paragraph]:
    """The blocks of the body, text and list paragraphs numbered from 1, headings and furniture unnumbered."""
    number, block_line = 0, 0
    block: list[str] = []
    for i in range(start, len(lines) + 1):
        line = lines[i] if i < len(lines) else ""
        if line.strip():
            if not block:
                block_line = i + 1
            block.append(line.strip())
            continue
        if block:
            paragraph = _paragraph(block, block_line)
            if paragraph.role.numbered:
                number += 1
                paragraph = replace(paragraph, number=number)
            yield paragraph
            block = []


def _paragraph(block: list[str], line: int) -> Paragraph:
    """One block, unnumbered, with its role."""
    first = block[0]
    if first.startswith("#"):
        return Paragraph(None, Role.HEADING, " ".join(block).lstrip("#").strip(), line)
    if all(b.startswith("- ") for b in block):
        return Paragraph(None, Role.LIST, "\n".join(b[2:] for b in block), line)
    marker = _MARKER.match(first)
    if marker:
        text = " ".join([first[marker.end():], *block[1:]])
        return Paragraph(None, Role(marker.group(1)), text, line)
    return Paragraph(None, Role.TEXT, " ".join(block), line)
