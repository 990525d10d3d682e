"""Splitting questions.yaml into one piece of text per question, so unchanged questions need no parsing.

Only the plain layout studydeck documents is split: a top-level `questions:` key followed by its list
and nothing after it. Anything else (flow style, several documents, keys after the list) returns None
and the whole file is parsed as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUESTIONS_KEY = re.compile(r"^questions:[ \t]*(#.*)?$", re.MULTILINE)
_CONTENT = re.compile(r"^[ \t]*[^ \t\r\n#].*$", re.MULTILINE)  # a line that is neither blank nor a comment
_ITEM = re.compile(r"^([ \t]*)- ")


@dataclass(frozen=True)
class Chunk:
    """The text of one list item and the 1-based line it starts on."""

    line: int
    text: str


@dataclass(frozen=True)
class Split:
    """The file before its first question (ending with `questions:`), and the questions' chunks."""

    header: str
    chunks: tuple[Chunk, ...]


def split_questions(text: str) -> Split | None:
    """The file cut into header and question chunks, or None when its layout is not the plain one."""
    key = _QUESTIONS_KEY.search(text)
    if key is None:
        return None
    first = _CONTENT.search(text, key.end())
    if first is None or not (match := _ITEM.match(first.group())):
        return None
    indent = re.escape(match.group(1))
    body = first.start()
    # Patterns that start with a line break, over the whole text, not a loop over its lines: this runs on every
    # build, and a pattern with a literal start is found by a fast scan.
    if re.compile(rf"\n(?!{indent}- |{indent} )(?![ \t]*(?:#|\r?\n|\r?$))").search(text, body):
        return None  # something follows the list at a shallower level
    starts = [body] + [m.start() + 1 for m in re.compile(rf"\n{indent}- ").finditer(text, body)]
    chunks, line = [], text.count("\n", 0, body) + 1
    for n, start in enumerate(starts):
        end = starts[n + 1] - 1 if n + 1 < len(starts) else len(text)
        chunks.append(Chunk(line, text[start:end]))
        line += text.count("\n", start, end) + 1
    return Split(text[: key.end()], tuple(chunks))
