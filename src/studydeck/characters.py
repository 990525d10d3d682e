"""Characters no text of a bank may hold, and where a text holds one.

Every output carries a bank's text somewhere it cannot be inert: Anki's fields (joined by U+001F), XML
exports (which cannot hold most control characters at all), terminals (where an escape character starts a
command), and studydeck's own markers (private-use characters, U+E000 and after, stand for the gaps of a
cloze text and for the self-test's data while a page is written). `check` refuses these characters where
they are written, so that nothing later has to guess what they meant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Control characters other than tab and line feed (a carriage return is a line break that YAML and the
# source reader have already turned into one), private-use characters and noncharacters.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff\U000f0000-\U0010ffff]"
)


def describe(char: str) -> str:
    """What a forbidden character is and why it cannot stay, in a few words."""
    code = ord(char)
    name = f"U+{code:04X}"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return (f"the control character {name}, which no output shows as text (Anki and XML exports refuse or "
                "mangle it, a terminal may run it as a command)")
    if 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
        return (f"the private-use character {name}, which has no agreed meaning (each device shows it "
                "differently or as a box) and which studydeck uses for its own markers")
    return f"{name}, which is not a character (Unicode reserves it)"


def first_forbidden(text: str) -> re.Match[str] | None:
    """The first forbidden character of `text`, or None."""
    return FORBIDDEN.search(text)


def locate(char: str, lines: Sequence[str], first_line: int, last_line: int) -> tuple[int, int] | None:
    """Where `char` is written in `lines` (1-based numbers from `first_line` to `last_line`): the character
    itself, or the escape a double-quoted YAML scalar writes it as (`\\x01`, `\\u0001`, `\\ue000`, ...)."""
    code = ord(char)
    needles = [char, f"\\x{code:02x}", f"\\u{code:04x}", f"\\U{code:08x}"]
    needles += {"\x00": ["\\0"], "\x07": ["\\a"], "\x08": ["\\b"], "\x0b": ["\\v"], "\x0c": ["\\f"],
                "\x0d": ["\\r"], "\x1b": ["\\e"], "\x85": ["\\N"]}.get(char, [])
    for number in range(max(first_line, 1), min(last_line, len(lines)) + 1):
        line = lines[number - 1]
        folded = line.lower()
        for needle in needles:
            column = line.find(needle) if needle == char or needle[1] in "0abvfreN" else folded.find(needle.lower())
            if column >= 0:
                return number, column + 1
    return None
