"""The rules a bank must pass, as pure functions from a `Bank` to the problems found."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator

from . import cloze
from .errors import Problem, Severity
from .ground import SourceIndex, normalize
from .model import Bank, Kind, Question

Rule = Callable[[Bank, Question], Iterator[Problem]]

SHORT_PASSAGE_WORDS = 4
LONG_TYPE_IN_WORDS = 6


def check_bank(bank: Bank) -> list[Problem]:
    """Every problem of the bank's questions, in file order."""
    problems = list(_repeated_prompts(bank))
    indexes: dict[str, SourceIndex] = {}
    for question in bank.questions:
        for rule in RULES:
            problems += rule(bank, question)
        problems += _grounding(bank, question, indexes)
    return sorted(problems, key=lambda p: (p.path, p.line, p.column))


def _problem(question: Question, key: str, message: str, severity: Severity = Severity.ERROR) -> Problem:
    where = question.where(key)
    return Problem(where.path, where.line, where.column, message, severity, question.id)


def _repeated_prompts(bank: Bank) -> Iterator[Problem]:
    first: dict[tuple[Kind, str], Question] = {}
    for question in bank.questions:
        key = (question.kind, normalize(question.prompt).lower())
        if key in first and first[key].id != question.id:
            yield _problem(question, "question", f"asks the same as question '{first[key].id}'", Severity.WARNING)
        first.setdefault(key, question)


def _unknown_source(bank: Bank, question: Question) -> Iterator[Problem]:
    if question.source not in bank.sources:
        close = difflib.get_close_matches(question.source, list(bank.sources), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(sorted(bank.sources)) or 'none'}"
        yield _problem(question, "source", f"unknown source '{question.source}' ({hint}); "
                       f"sources are the files in sources/, named by id")


def _grounding(bank: Bank, question: Question, indexes: dict[str, SourceIndex]) -> Iterator[Problem]:
    source = bank.sources.get(question.source)
    if source is None or question.paragraphs:
        return
    index = indexes.setdefault(source.id, SourceIndex.of(source))
    yield _problem(question, "passage", f"passage not found in source '{source.id}' "
                   f"(closest match: \"{index.closest(question.passage)}\"); quote the source word for word")


def _short_passage(bank: Bank, question: Question) -> Iterator[Problem]:
    if len(question.passage.split()) < SHORT_PASSAGE_WORDS:
        yield _problem(question, "passage", f"the passage is under {SHORT_PASSAGE_WORDS} words; quote enough "
                       "of the source to support the answer", Severity.WARNING)


def _cloze(bank: Bank, question: Question) -> Iterator[Problem]:
    if question.kind is Kind.CLOZE:
        for message in cloze.syntax_problems(question.prompt):
            yield _problem(question, "text", message)
    elif cloze.DELETION.search(question.prompt):
        yield _problem(question, "question", "has a {{c1::...}} deletion but is not 'kind: cloze'", Severity.WARNING)


def _choices(bank: Bank, question: Question) -> Iterator[Problem]:
    if question.kind is not Kind.CHOICE:
        return
    if len(question.choices) < 2:
        yield _problem(question, "choices", "a choice question needs at least two choices")
    seen: set[str] = set()
    for choice in question.choices:
        folded = normalize(choice.text).lower()
        if folded in seen:
            yield _problem(question, "choices", f"choice {choice.text!r} is listed twice")
        seen.add(folded)
    if not any(c.correct for c in question.choices):
        yield _problem(question, "answer" if "answer" in question.field_positions else "choices",
                       "no correct choice: add 'answer:' with the text of the right choice (a list for several)")
    elif len(question.choices) > 1 and all(c.correct for c in question.choices):
        yield _problem(question, "answer", "every choice is marked correct", Severity.WARNING)


def _type_in(bank: Bank, question: Question) -> Iterator[Problem]:
    if question.kind is Kind.TYPE_IN and len(question.answer.split()) > LONG_TYPE_IN_WORDS:
        yield _problem(question, "answer", f"a type-in answer of over {LONG_TYPE_IN_WORDS} words is hard to type "
                       "exactly; use kind: basic", Severity.WARNING)


def _tags(bank: Bank, question: Question) -> Iterator[Problem]:
    for tag in question.tags:
        if re.search(r'["\x00-\x1f]', tag):
            yield _problem(question, "tags", f"tag {tag!r} contains a quote or control character")


RULES: list[Rule] = [_unknown_source, _short_passage, _cloze, _choices, _type_in, _tags]
