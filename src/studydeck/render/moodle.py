"""Moodle XML, for the import page of Moodle's question bank.

One question category per source (under one named after the bank), then its questions: choice as
`multichoice` (several right answers share full marks, a wrong tick costs them all), true-false as
`truefalse`, type-in as `shortanswer` (every accepted answer, case ignored), cloze as `cloze` with a
SHORTANSWER gap for each deletion, basic and reversed as `essay` with the answer as information for graders.
The general feedback carries the answer, the explanation and the quoted passage with its citation; the
bank's tags become Moodle tags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..model import Bank, Kind, Question
from .fields import QuestionHtml
from .lmsparts import choices_html, cloze_parts, feedback_html, prompt_html, type_in_answers, xhtml, xml_text
from .xmlwrite import block, document, element, text

# Moodle's grade choices (question_bank::fraction_options_full), in percent as its own export writes them:
# an import refuses other values, or moves them to the nearest, depending on an option of the import page.
GRADES = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30", "25", "20",
          "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0")
PENALTY = "0.3333333"  # Moodle's default penalty for a wrong try in interactive quizzes


def render(bank: Bank, fields: Mapping[str, QuestionHtml], questions: Sequence[Question]) -> dict[str, bytes]:
    """`<bank.name>-moodle.xml`: the questions, in a category per source (in order of first appearance)."""
    by_source: dict[str, list[Question]] = {}
    for question in questions:
        by_source.setdefault(question.source, []).append(question)
    parts = []
    for source_id, members in by_source.items():
        parts.append(_category(bank, source_id))
        parts += [_question(q, fields[q.id]) for q in members]
    return {f"{bank.name}-moodle.xml": document(block("quiz", None, *parts))}


def category_path(bank: Bank, source_id: str) -> str:
    """The category a source's questions go into, below the course's top category."""
    names = [bank.title, bank.sources[source_id].title]
    return "$course$/top/" + "/".join(n.replace("/", "//") for n in names)  # Moodle reads "//" as a slash in a name


def share(correct: int) -> str:
    """Each right choice's fraction when `correct` choices are right: the grade closest to an equal share."""
    return min(GRADES, key=lambda grade: abs(float(grade) - 100 / correct))


def _category(bank: Bank, source_id: str) -> str:
    source = bank.sources[source_id]
    return block("question", {"type": "category"},
                 element("category", None, element("text", None, text(category_path(bank, source_id)))),
                 element("info", {"format": "html"}, _text(f"<p>{xml_text(source.citation())}</p>")))


def _question(question: Question, html: QuestionHtml) -> str:
    qtype, specific = _TYPES[question.kind](question, html)
    common = [
        element("name", None, element("text", None, text(question.id))),
        element("questiontext", {"format": "html"}, _text(_question_html(question, html))),
        element("generalfeedback", {"format": "html"}, _text(feedback_html(question, html))),
        element("defaultgrade", None, str(len(html.gaps) if question.kind is Kind.CLOZE else 1)),
        element("penalty", None, PENALTY),
        element("hidden", None, "0"),
        element("idnumber", None, text(question.id)),
    ]
    tags = [element("tags", None, *(element("tag", None, element("text", None, text(t))) for t in question.tags))]
    return block("question", {"type": qtype}, *common, *specific, *(tags if question.tags else []))


def _question_html(question: Question, html: QuestionHtml) -> str:
    if question.kind is not Kind.CLOZE:
        return prompt_html(question, html)
    pieces, gaps = cloze_parts(html)
    shown = [pieces[0]]
    for gap, after in zip(gaps, pieces[1:]):
        hint = f" ({xml_text(gap.hint)})" if gap.hint else ""
        answer = _cloze_escape(gap.answer).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        shown += ["{1:SHORTANSWER:=" + answer + "}" + hint, after]
    return f"<p>Fill in the blanks.</p><p>{''.join(shown)}</p>"


def _multichoice(question: Question, html: QuestionHtml) -> tuple[str, list[str]]:
    several = question.multiple_answers
    right = share(sum(c.correct for c in question.choices)) if several else "100"
    answers = [_answer(right if c.correct else ("-100" if several else "0"), shown, html=True)
               for c, shown in zip(question.choices, choices_html(html))]
    return "multichoice", [
        element("single", None, "false" if several else "true"),
        element("shuffleanswers", None, "true"),
        element("answernumbering", None, "abc"),
        element("correctfeedback", {"format": "html"}, _text("<p>Your answer is correct.</p>")),
        element("partiallycorrectfeedback", {"format": "html"}, _text("<p>Your answer is partially correct.</p>")),
        element("incorrectfeedback", {"format": "html"}, _text("<p>Your answer is incorrect.</p>")),
        element("shownumcorrect"),
        *answers,
    ]


def _truefalse(question: Question, html: QuestionHtml) -> tuple[str, list[str]]:
    return "truefalse", [_answer("100" if question.truth else "0", "true"),
                         _answer("0" if question.truth else "100", "false")]


def _shortanswer(question: Question, html: QuestionHtml) -> tuple[str, list[str]]:
    answers = [_answer("100", a.replace("*", "\\*")) for a in type_in_answers(html)]  # "*" is a wildcard
    return "shortanswer", [element("usecase", None, "0"), *answers]


def _cloze(question: Question, html: QuestionHtml) -> tuple[str, list[str]]:
    return "cloze", []


def _essay(question: Question, html: QuestionHtml) -> tuple[str, list[str]]:
    grader = f"<p><strong>Model answer:</strong> {xhtml(html.answer)}</p>"
    return "essay", [
        element("responseformat", None, "editor"),
        element("responserequired", None, "1"),
        element("responsefieldlines", None, "5"),
        element("attachments", None, "0"),
        element("attachmentsrequired", None, "0"),
        element("graderinfo", {"format": "html"}, _text(grader)),
        element("responsetemplate", {"format": "html"}, _text("")),
    ]


_TYPES = {
    Kind.CHOICE: _multichoice,
    Kind.TRUE_FALSE: _truefalse,
    Kind.TYPE_IN: _shortanswer,
    Kind.CLOZE: _cloze,
    Kind.BASIC: _essay,
    Kind.REVERSED: _essay,
}


def _answer(fraction: str, value: str, html: bool = False) -> str:
    body = element("text", None, text(value))
    return element("answer", {"fraction": fraction, "format": "html" if html else "moodle_auto_format"},
                   body, element("feedback", {"format": "html"}, element("text")))


def _text(html: str) -> str:
    """HTML in a `<text>` element, escaped as XML text (Moodle takes escaped HTML as well as CDATA)."""
    return element("text", None, text(html))


_CLOZE_SPECIAL = re.compile(r'([\\}#~/"])')


def _cloze_escape(answer: str) -> str:
    """An answer inside a cloze gap: Moodle's special characters backslashed, `*` too (a wildcard)."""
    return _CLOZE_SPECIAL.sub(r"\\\1", answer).replace("*", "\\*")
