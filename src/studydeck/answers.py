"""Checking a typed answer: forgive what does not change its meaning, never what does.

Forgiven: case; accents on Latin letters (é = e, ß = ss); full-width and half-width forms (ＡＢＣ = ABC);
typographic quotes and dashes (’ = ', – = -); spaces and punctuation around the answer (a final period,
quotes, `!`, `?`, `*`); runs of spaces; a comma or period before a space (`Tokyo, Japan` = `Tokyo Japan`);
a hyphen between words (`Nouvelle-Zélande` = `nouvelle zelande`); a space next to a digit
(`24 hours` = `24hours`, `- 5` = `-5`).
Never dropped: signs, decimal points, fraction bars, `+`, `#`, `%`, units, letters of any script
(Cyrillic, Greek and CJK keep their marks: ё is not е, が is not か).

Numbers are compared by value when both the accepted and the typed answer are numbers, each with the same
unit if any (`1.5`, `1.50`, `+1.5`, `3/2`, `1,5` and `15e-1` are one number; `5 kg` = `5.0kg`, but not `5`).
A comma is a decimal comma unless it separates groups of three digits: `1,5` = 1.5, `1,500` = 1500,
`1.500,5` = `1,500.5` = 1500.5; a single period is always a decimal point. A question's `tolerance:` widens
the match: absolute (`0.1`: within 0.1 of the answer) or relative (`5%`: within 5 % of the answer).
Arithmetic is exact (fractions), so a value on the edge of the tolerance counts as right.

The self-test page and Anki's type-in cards run the same rule in JavaScript (`templates/answers.js`); the
tests check both against the cases in `tests/data/answer-cases.json`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from .render.text import plain

# Characters that are typed in several forms for one meaning, and the form they are compared in.
_FOLD = {
    **dict.fromkeys("‘’‚‛", "'"), **dict.fromkeys("“”„‟«»", '"'),
    **dict.fromkeys("‐‑‒–—―−﹣", "-"), "⁄": "/", "…": "...", "ß": "ss", "ς": "σ",
}
_SPACES = frozenset("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")
# Dropped around an answer (not `-`, `+`, `#`, `%`, brackets: they carry meaning).
_AROUND = frozenset(".,;:!?¡¿\"'*_`。、「」『』")
# Dropped inside an answer when a space follows.
_BEFORE_SPACE = frozenset(",;:.!?")
_DIGITS = frozenset("0123456789")
# A number: optional currency sign, sign, digits with grouping and a decimal mark (or a fraction), an optional
# exponent, then an optional unit that starts with none of the characters that would make it arithmetic.
# Digits are ASCII ones (after width folding), as in JavaScript's regular expressions.
_NUMBER = re.compile(r"([$€£¥₹₩₽¢])?([+-])?(?:([0-9]+)/([0-9]+)|([0-9][0-9., ]*[0-9]|[0-9]|\.[0-9]+)"
                     r"(?:e([+-]?[0-9]{1,3}))?)(.*)", re.DOTALL)
_NOT_A_UNIT = frozenset("0123456789.,/+-^*:=")
_MAX_DIGITS = 100  # longer is no answer to compute with (and Python refuses to read over 4300 digits)


def key(text: str) -> str:
    """The form in which typed and accepted answers are compared (see the module's docstring)."""
    folded = _tidy(_fold(text))
    stripped = _strip_around(folded)
    return _tidy_inside(stripped) if stripped else folded.strip(" ")


def _fold(text: str) -> str:
    """Case, Latin accents, widths, typographic quotes and dashes, spaces: each in one form."""
    text = "".join(_width(c) for c in unicodedata.normalize("NFC", text)).lower()
    kept: list[str] = []
    latin = False
    for c in unicodedata.normalize("NFD", text):
        if unicodedata.category(c) == "Mn":
            if not latin:  # a mark on a letter of another script makes another letter: keep it
                kept.append(c)
            continue
        latin = unicodedata.name(c, "").startswith("LATIN ")
        kept.append(" " if c in _SPACES else _FOLD.get(c, c))
    return unicodedata.normalize("NFC", "".join(kept))


def _width(c: str) -> str:
    """Full-width and half-width forms (U+FF00-FFEF), the ideographic space and vulgar fractions, unfolded."""
    if "\uff00" <= c <= "\uffef" or c == "\u3000" or "\u2150" <= c <= "\u215f" or "\u00bc" <= c <= "\u00be":
        return unicodedata.normalize("NFKC", c)
    return c


def _tidy(text: str) -> str:
    """Runs of spaces made one."""
    return re.sub(" +", " ", text)


def _strip_around(text: str) -> str:
    """Spaces and punctuation around the answer dropped, but not the point of a number such as `.5`."""
    start, end = 0, len(text)
    while start < end and (text[start] == " " or text[start] in _AROUND) and not _is_point(text, start):
        start += 1
    while end > start and (text[end - 1] == " " or text[end - 1] in _AROUND):
        end -= 1
    return text[start:end]


def _is_point(text: str, i: int) -> bool:
    return text[i] == "." and i + 1 < len(text) and text[i + 1] in _DIGITS


def _tidy_inside(text: str) -> str:
    """Punctuation before a space, a hyphen between letters, a space next to a digit: forgiven."""
    out: list[str] = []
    for i, c in enumerate(text):
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if c in _BEFORE_SPACE and after == " ":
            continue
        if c == "-" and _is_letter(before) and _is_letter(after):
            c = " "
        if c == " " and (before in _DIGITS) != (after in _DIGITS):
            continue
        out.append(c)
    return _tidy("".join(out))


def _is_letter(c: str) -> bool:
    return bool(c) and unicodedata.category(c).startswith("L")


@dataclass(frozen=True)
class Number:
    """A numeric answer: its exact value, and the currency sign and unit written with it (compared as text)."""

    value: Fraction
    currency: str
    unit: str


def number(text: str) -> Number | None:
    """The number an answer says, or None if it is not a number (possibly with a unit)."""
    match = _NUMBER.fullmatch(key(text))
    if not match:
        return None
    currency, sign, numerator, denominator, decimal, exponent, unit = match.groups()
    if (unit and unit[0] in _NOT_A_UNIT) or len(decimal or numerator + denominator) > _MAX_DIGITS:
        return None
    if numerator is not None:
        if int(denominator) == 0:
            return None
        value = Fraction(int(numerator), int(denominator))
    else:
        parsed = _decimal(decimal)
        if parsed is None:
            return None
        value = parsed * Fraction(10) ** int(exponent or 0)
    return Number(-value if sign == "-" else value, currency or "", unit.strip())


def _decimal(text: str) -> Fraction | None:
    """The value of digits with grouping and a decimal mark (see the module's docstring), or None."""
    if " " in text:  # spaces only between groups of three digits
        if not _SPACED.fullmatch(text):
            return None
        text = text.replace(" ", "")
    parts = _whole_and_fraction(text)
    if parts is None:
        return None
    whole, fraction = parts
    if len(whole) > 1 and whole[0] == "0":
        return None  # 007 and 02134 are codes, not numbers
    return Fraction(int(whole or "0") * 10 ** len(fraction) + int(fraction or "0"), 10 ** len(fraction))


_SPACED = re.compile(r"[0-9]{1,3}( [0-9]{3})+([.,][0-9]+)?")
_PLAIN_DIGITS = re.compile(r"[0-9]+")
_COMMA_GROUPS = re.compile(r"[1-9][0-9]{0,2}(,[0-9]{3})+")  # 1,500 and 12,345,678
_POINT_GROUPS = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3}){2,}")  # 1.000.000 (1.500 is one and a half)
_ONE_MARK = re.compile(r"([0-9]*)[.,]([0-9]+)")
_BOTH_MARKS = (re.compile(r"([1-9][0-9]{0,2}(?:,[0-9]{3})+)\.([0-9]+)"),  # 1,500.25
               re.compile(r"([1-9][0-9]{0,2}(?:\.[0-9]{3})+),([0-9]+)"))  # 1.500,25


def _whole_and_fraction(text: str) -> tuple[str, str] | None:
    """The digits before and after the decimal mark, grouping marks removed; None if the marks make no sense."""
    if _PLAIN_DIGITS.fullmatch(text):
        return text, ""
    if _COMMA_GROUPS.fullmatch(text) or _POINT_GROUPS.fullmatch(text):
        return text.replace(",", "").replace(".", ""), ""
    for pattern in (_ONE_MARK, *_BOTH_MARKS):
        match = pattern.fullmatch(text)
        if match:
            return match[1].replace(",", "").replace(".", ""), match[2]
    return None


@dataclass(frozen=True)
class Tolerance:
    """How far a typed number may be from the answer: an amount, or a fraction of the answer."""

    amount: Fraction
    relative: bool

    def allows(self, typed: Fraction, answer: Fraction) -> bool:
        """Whether `typed` is close enough to `answer`."""
        limit = self.amount * abs(answer) if self.relative else self.amount
        return abs(typed - answer) <= limit


def parse_tolerance(text: str) -> Tolerance:
    """A `tolerance:` as written (`0.1`, `5%`); ValueError if it is not a non-negative number or percentage."""
    parsed = number(text)
    if parsed is None or parsed.value < 0 or parsed.currency or parsed.unit not in ("", "%") or \
            key(text).startswith(("+", "-")):
        raise ValueError(f"tolerance {text!r} must be a non-negative number such as 0.1 or a percentage such as 5%")
    if parsed.unit == "%":
        return Tolerance(parsed.value / 100, relative=True)
    return Tolerance(parsed.value, relative=False)


def matches(typed: str, accepted: Iterable[str], tolerance: str | None = None) -> bool:
    """Whether a typed answer is one of the accepted ones (each read as plain text, Markdown removed),
    numbers compared by value within the tolerance if one is given."""
    if not typed.strip():
        return False
    margin = _tolerance(tolerance)
    typed_key, typed_number = key(typed), number(typed)
    for answer in accepted:
        text = plain(answer)
        answer_number = number(text) if typed_number else None
        if typed_number and answer_number:
            if _same_number(typed_number, answer_number, margin):
                return True
        elif typed_key == key(text):
            return True
    return False


def _tolerance(text: str | None) -> Tolerance:
    return Tolerance(Fraction(0), relative=False) if text is None else parse_tolerance(text)


def _same_number(typed: Number, answer: Number, margin: Tolerance) -> bool:
    return (typed.currency, typed.unit) == (answer.currency, answer.unit) and margin.allows(typed.value, answer.value)


def describe_tolerance(text: str) -> str:
    """How a tolerance reads to a learner: `±0.1`, `±5%`."""
    return f"±{key(text).replace(' ', '')}"
