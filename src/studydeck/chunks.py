"""Splitting questions.yaml into one piece of text per question, so unchanged questions need no parsing.

Only the plain layout studydeck documents is split: a top-level `questions:` key followed by its list
and nothing after it. Anything else (flow style, several documents, keys after the list) returns None
and the whole file is parsed as usual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUESTIONS_KEY = re.compile(r"^questions:[ \t]*(#.*)?$")
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
    lines = text.split("\n")
    key = next((i for i, line in enumerate(lines) if _QUESTIONS_KEY.match(line)), None)
    if key is None:
        return None
    first = next((i for i in range(key + 1, len(lines)) if _is_content(lines[i])), None)
    if first is None or not (match := _ITEM.match(lines[first])):
        return None
    indent = match.group(1)
    starts = []
    for i in range(first, len(lines)):
        line = lines[i]
        if line.startswith(indent + "- ") and not line[len(indent)].isspace():
            starts.append(i)
        elif _is_content(line) and (not line.startswith(indent + " ") or line.startswith(("---", "..."))):
            return None  # something follows the list at a shallower level
    bounds = [*starts, len(lines)]
    chunks = tuple(Chunk(bounds[n] + 1, "\n".join(lines[bounds[n] : bounds[n + 1]])) for n in range(len(starts)))
    return Split("\n".join(lines[: key + 1]), chunks)


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")
