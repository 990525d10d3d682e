"""What reaches the learner's terminal, and what is read from it, made safe.

A bank is shared text: its ids, passages, titles and answers reach the terminal in `quiz`, `stats`, `check`'s
problems and every other command's messages. Raw control characters there would be obeyed by the terminal
(an OSC 52 sequence writes the clipboard, another sets the window title, a carriage return or backspace
overwrites what was printed, a bidi override reorders it), so every line of such text goes through `inert`
before it is printed: those characters are shown as escapes (`\\x1b`, `\\u202e`) instead.

Replies are read with `read_reply`, which never holds more than a bounded line in memory and reads any bytes
(invalid UTF-8 becomes U+FFFD) so that no input through a pipe can crash or exhaust the quiz.
"""

from __future__ import annotations

import re
from typing import BinaryIO

import click

# C0 controls but tab and newline, DEL, C1 controls (U+0080-U+009F), the bidi embeddings and overrides
# (U+202A-U+202E) and isolates (U+2066-U+2069), and lone surrogates (a file name that is not UTF-8; they
# cannot even be encoded for the terminal).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_OR_NEWLINE = re.compile(f"{_UNSAFE.pattern}|[\n\u2028\u2029]")
_NAMED = {"\n": "\\n"}  # a line break in text that must stay on one line, as a programmer writes it

# The longest reply read (in bytes; a terminal's own line editor stops at 4095). A longer line is skipped in
# pieces of this size, so memory stays bounded whatever comes through a pipe.
MAX_REPLY = 4096


def inert(text: str, newlines: bool = True) -> str:
    """`text` with every character a terminal would obey shown as an escape; newlines kept when `newlines`
    (layout), escaped too otherwise (text that must stay on one line). Idempotent: escapes are plain text."""
    return (_UNSAFE if newlines else _UNSAFE_OR_NEWLINE).sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    if match.group() in _NAMED:
        return _NAMED[match.group()]
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def echo(message: str = "", err: bool = False) -> None:
    """click.echo for text that may hold bank, source or user text: made inert first."""
    click.echo(inert(message), err=err)


class TooLong:
    """The reply read was longer than MAX_REPLY bytes; it was skipped whole."""


TOO_LONG = TooLong()


def read_reply(stream: BinaryIO, limit: int = MAX_REPLY) -> str | TooLong | None:
    """One line from `stream` without its line ending, decoded as UTF-8 (invalid bytes replaced); None at the end
    of the input, TOO_LONG (after skipping the rest of the line) when it is longer than `limit` bytes."""
    line = stream.readline(limit + 1)
    if not line:
        return None
    if len(line) > limit and not line.endswith(b"\n"):
        while True:
            rest = stream.readline(limit)
            if not rest or rest.endswith(b"\n"):
                return TOO_LONG
    return line.rstrip(b"\n").removesuffix(b"\r").decode("utf-8", "replace")
