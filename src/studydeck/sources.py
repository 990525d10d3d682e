"""Reading `sources/*.md`: attribution front matter, then paragraphs separated by blank lines.

A paragraph is plain text; `## ` starts a heading, lines starting `- ` make a list, and a leading
`[caption]`, `[byline]`, `[standfirst]` or `[note]` marks page furniture that needs no question.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path

import yaml

from .errors import Problem, Severity
from .model import Paragraph, Role, Source

_MARKER = re.compile(r"^\[(caption|byline|standfirst|note)\]\s*")
_META_KEYS = {"title", "authors", "publication", "year", "url", "date", "retrieved"}
_LONG_PARAGRAPH = 300  # words: longer text paragraphs have probably lost their breaks
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def source_digest(source: Source) -> str:
    """A digest of everything about a source that grounding and citations depend on."""
    text = "\x1e".join(f"{p.number}\x1f{p.role.value}\x1f{p.text}" for p in source.paragraphs)
    meta = repr((source.title, source.authors, source.publication, source.year, source.url))
    return hashlib.blake2b((meta + text).encode("utf-8"), digest_size=16).hexdigest()


def load_sources(folder: Path, shown: str, known: dict | None = None, kept: dict | None = None
                 ) -> tuple[dict[str, Source], list[Problem]]:
    """Every `*.md` in `folder`, keyed by file stem (the source id), with the problems found.

    `known` holds what earlier runs read, by file and content, and `kept` receives what this run read: a caller
    that keeps them between runs (the build cache) reads only the sources that changed.
    """
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.md")):
        name = f"{shown}/{path.name}"
        data = path.read_bytes()
        key = f"{name}\0{hashlib.blake2b(data, digest_size=16).hexdigest()}"
        source, found = (known or {}).get(key) or read_source(path, name, data)
        if kept is not None:
            kept[key] = (source, found)
        problems += found
        if source is not None:
            sources[source.id] = source
    return sources, problems + _not_sources(folder, shown)


def _not_sources(folder: Path, shown: str) -> list[Problem]:
    """A warning for each file in sources/ that is not read because it is not `*.md`."""
    return [Problem(f"{shown}/{path.name}", 1, 1, f"not read: sources are '.md' files; rename it to "
                    f"'{path.stem}.md' if it is already in studydeck's source format, or run "
                    f"'studydeck source add {shown}/{path.name}' to make one from it", Severity.WARNING)
            for path in sorted(folder.iterdir())
            if path.suffix != ".md" and path.is_file() and not path.name.startswith(".")] if folder.is_dir() else []


def read_source(path: Path, shown: str, data: bytes | None = None) -> tuple[Source | None, list[Problem]]:
    """One source file (its bytes, if already read); `shown` is the path used in messages."""
    try:
        text = (path.read_bytes() if data is None else data).decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [Problem(shown, 1, 1, f"not UTF-8 text ({e.reason}); save the file as UTF-8")]
    lines = text.splitlines()
    meta, body_start, problems = _front_matter(lines, shown)
    if not SOURCE_ID.match(path.stem):
        problems.append(Problem(shown, 1, 1, "a source's file name is its id: use lower-case letters, digits and '-'"))
    paragraphs = tuple(_paragraphs(lines, body_start))
    if not paragraphs:
        problems.append(Problem(shown, len(lines) or 1, 1, "the source has no text after its front matter"))
    if problems and any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    problems += _missing_breaks(lines, paragraphs, shown)
    authors = meta.get("authors") or ()
    source = Source(
        id=path.stem,
        title=str(meta.get("title", path.stem)),
        authors=(authors,) if isinstance(authors, str) else tuple(str(a) for a in authors),
        publication=meta.get("publication"),
        year=meta.get("year"),
        url=meta.get("url"),
        paragraphs=paragraphs,
        path=shown,
    )
    return source, problems


def _missing_breaks(lines: list[str], paragraphs: tuple[Paragraph, ...], shown: str) -> list[Problem]:
    """Warnings for text paragraphs that look like several run together."""
    from .ingest.reflow import missing_breaks

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


def _front_matter(lines: list[str], shown: str) -> tuple[dict, int, list[Problem]]:
    if not lines or lines[0].strip() != "---":
        return {}, 0, [Problem(shown, 1, 1, "a source starts with front matter: a '---' line, 'title: ...', then '---'")]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return {}, 0, [Problem(shown, 1, 1, "the front matter has no closing '---' line")]
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", 0) + 2
        return {}, end + 1, [Problem(shown, line, 1, f"front matter is not valid YAML: {getattr(e, 'problem', e)}")]
    if not isinstance(meta, dict):
        return {}, end + 1, [Problem(shown, 2, 1, "front matter must be 'key: value' lines")]
    return meta, end + 1, _check_meta(meta, lines, shown)


def _check_meta(meta: dict, lines: list[str], shown: str) -> list[Problem]:
    def line_of(key: str) -> int:
        return next((i + 1 for i, l in enumerate(lines) if l.startswith(f"{key}:")), 1)

    problems = [
        Problem(shown, line_of(k), 1, f"unknown front-matter key '{k}' (known: {', '.join(sorted(_META_KEYS))})")
        for k in meta
        if k not in _META_KEYS
    ]
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        problems.append(Problem(shown, 2, 1, "the front matter needs a 'title:'"))
    if "year" in meta and meta["year"] is not None and not isinstance(meta["year"], int):
        problems.append(Problem(shown, line_of("year"), 1, "'year' must be a whole number such as 2007"))
    authors = meta.get("authors")
    if authors is not None and not isinstance(authors, (str, list)):
        problems.append(Problem(shown, line_of("authors"), 1, "'authors' must be a name or a list of names"))
    return problems


def _paragraphs(lines: list[str], start: int):
    number, block, block_line = 0, [], 0
    for i in range(start, len(lines) + 1):
        line = lines[i] if i < len(lines) else ""
        if line.strip():
            if not block:
                block_line = i + 1
            block.append(line.strip())
            continue
        if block:
            number += 1
            yield _paragraph(number, block, block_line)
            block = []


def _paragraph(number: int, block: list[str], line: int) -> Paragraph:
    first = block[0]
    if first.startswith("#"):
        return Paragraph(number, Role.HEADING, " ".join(block).lstrip("#").strip(), line)
    if all(b.startswith("- ") for b in block):
        return Paragraph(number, Role.LIST, "\n".join(b[2:] for b in block), line)
    marker = _MARKER.match(first)
    if marker:
        text = " ".join([first[marker.end():], *block[1:]])
        return Paragraph(number, Role(marker.group(1)), text, line)
    return Paragraph(number, Role.TEXT, " ".join(block), line)
