"""Cloze deletions, `{{c1::hidden text}}` or `{{c1::hidden text::hint}}`, as Anki writes them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Anki keeps a card's number in 16 bits: c65536 imports as a card that shows "No cloze found", beyond it the
# whole package is refused (checked with Anki 26's importer).
MAX_NUMBER = 65535
DELETION = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


@dataclass(frozen=True)
class Deletion:
    """One deletion: its number (c1 -> 1), the hidden text and the optional hint."""

    number: int
    text: str
    hint: str


def deletions(text: str) -> list[Deletion]:
    """The deletions of a cloze text, in order of appearance."""
    return [Deletion(int(m.group(1)), m.group(2), m.group(3) or "") for m in DELETION.finditer(text)]


def numbers(text: str) -> list[int]:
    """The distinct deletion numbers, each giving one card."""
    return sorted({d.number for d in deletions(text)})


def syntax_problems(text: str) -> list[str]:
    """What is wrong with a cloze text, in words an author can act on."""
    found = deletions(text)
    if not found:
        return ["cloze text has no deletion; mark the hidden words as {{c1::words}}"]
    problems = []
    if any(d.number == 0 for d in found):
        problems.append("cloze numbers start at c1, not c0")
    if any(d.number > MAX_NUMBER for d in found):
        problems.append(f"cloze numbers go up to c{MAX_NUMBER} (Anki refuses a deck with more); number the "
                        "deletions c1, c2, ...")
    if any(not d.text.strip() for d in found):
        problems.append("a cloze deletion hides nothing: write {{c1::words}}")
    rest = DELETION.sub("", text)
    if "{{" in rest or "}}" in rest:
        problems.append("unbalanced '{{' or '}}' outside a deletion; write deletions as {{c1::words}}")
    return problems


def blank(text: str, shown: str = "[…]") -> str:
    """The text with every deletion replaced by `shown` (a hint, if given, stands in brackets)."""
    return DELETION.sub(lambda m: f"[{m.group(3)}]" if m.group(3) else shown, text)


def reveal(text: str) -> str:
    """The text with every deletion shown as its hidden words."""
    return DELETION.sub(lambda m: m.group(2), text)
