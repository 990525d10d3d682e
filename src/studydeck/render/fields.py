"""Each question's text as HTML, made once per build and shared by every output.

Markdown is the slowest part of rendering, and every output shows the same prompts, answers, explanations
and passages: they are rendered here, once, and the renderers only arrange them. A cloze text is rendered
with a marker where each deletion stands, so that every output can put its own gap (Anki's `{{c1::…}}`, a
line to write on, an input) in its place without parsing the Markdown again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..cloze import DELETION
from ..model import Bank, Kind, Question
from .text import inline_html, plain, quote_html

# Where each deletion of a cloze text stands in its HTML: private-use characters, which Markdown leaves alone
# and which are removed from authored text first.
GAP_OPEN, GAP_CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{GAP_OPEN}(\\d+){GAP_CLOSE}")


@dataclass(frozen=True)
class Gap:
    """One deletion of a cloze text: its number (c1 -> 1), the hidden words and the hint, as HTML and as text."""

    number: int
    html: str
    text: str
    hint_html: str
    hint: str


@dataclass(frozen=True)
class QuestionHtml:
    """A question's text as safe HTML (plain text where noted).

    `prompt` is the question, the statement, the term or, for a cloze, the text with a marker per deletion
    (see `fill`); `answer` is the answer as shown (for a choice question its right choices joined, for a
    cloze empty); `accept` the plain texts a typed answer may match; `citation` plain text.
    """

    prompt: str
    answer: str
    explanation: str
    passage: str
    citation: str
    choices: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    gaps: tuple[Gap, ...] = ()

    def fill(self, gap: Callable[[int, Gap], str]) -> str:
        """The prompt with each deletion's marker replaced by `gap(index, deletion)`."""
        return _MARKER.sub(lambda m: gap(int(m.group(1)), self.gaps[int(m.group(1))]), self.prompt)


def html_fields(bank: Bank) -> dict[str, QuestionHtml]:
    """Every question's HTML, by question id."""
    return {q.id: question_html(bank, q) for q in bank.questions}


def question_html(bank: Bank, question: Question) -> QuestionHtml:
    """One question's HTML."""
    explanation, passage = inline_html(question.explanation), quote_html(question.passage)
    citation = bank.sources[question.source].citation(question.paragraphs)
    if question.kind is Kind.CLOZE:
        prompt, gaps = _cloze(question.prompt)
        return QuestionHtml(prompt, "", explanation, passage, citation, gaps=gaps)
    prompt = inline_html(question.prompt)
    if question.kind is Kind.CHOICE:
        choices = tuple(inline_html(c.text) for c in question.choices)
        answer = "; ".join(html for html, c in zip(choices, question.choices) if c.correct)
        return QuestionHtml(prompt, answer, explanation, passage, citation, choices=choices)
    if question.kind is Kind.TRUE_FALSE:
        return QuestionHtml(prompt, "True" if question.truth else "False", explanation, passage, citation)
    accept = _accepted(question.answer, question.accept) if question.kind is Kind.TYPE_IN else ()
    return QuestionHtml(prompt, inline_html(question.answer), explanation, passage, citation, accept=accept)


def _accepted(answer: str, others: Sequence[str]) -> tuple[str, ...]:
    return tuple(plain(a) for a in (answer, *others))


def _cloze(text: str) -> tuple[str, tuple[Gap, ...]]:
    text = text.replace(GAP_OPEN, "").replace(GAP_CLOSE, "")
    found: list[re.Match[str]] = []

    def mark(match: re.Match[str]) -> str:
        found.append(match)
        return f"{GAP_OPEN}{len(found) - 1}{GAP_CLOSE}"

    marked = DELETION.sub(mark, text)
    gaps = tuple(Gap(int(m.group(1)), inline_html(m.group(2)), plain(m.group(2)), inline_html(m.group(3) or ""),
                     plain(m.group(3) or "")) for m in found)
    return inline_html(marked), gaps

