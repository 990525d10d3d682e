"""Checking a typed answer forgivingly: case, accents, punctuation and spacing do not count.

The self-test page does the same comparison in JavaScript (`templates/selftest/script.js`, `answerKey`);
the two must agree, and the tests check both against the same cases.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from .render.text import plain


def key(text: str) -> str:
    """What is left of an answer once case, accents, punctuation, symbols and spaces are dropped.

    An answer made only of punctuation keeps its trimmed, lower-cased text, so it can still be matched.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(c for c in decomposed if unicodedata.category(c)[0] in "LN")
    return kept or text.strip().lower()


def matches(typed: str, accepted: Iterable[str]) -> bool:
    """Whether a typed answer is one of the accepted ones (each read as plain text, Markdown removed)."""
    typed_key = key(typed)
    return bool(typed.strip()) and any(typed_key == key(plain(answer)) for answer in accepted)
