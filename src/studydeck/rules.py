"""The rules a bank must pass, as pure functions of the bank: every problem of every question at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from . import answers, cloze, mathml
from .errors import Problem, Severity
from .ground import SourceIndex, normalize
from .media import EXPECTED, HUGE_BYTES, MAX_BYTES, MEDIA_DIR, is_audio, media_type, normalise
from .model import Bank, Embed, Kind, MediaFile, Question, Source
from .render.text import plain

Rule = Callable[[Mapping[str, Source], Question], Iterator[Problem]]

SHORT_PASSAGE_WORDS = 4
MAX_CHOICES = 26  # worksheets letter the choices A to Z
LONG_TYPE_IN_WORDS = 6


def check_bank(bank: Bank) -> list[Problem]:
    """Every problem the rules find in a loaded bank, in no particular order."""
    indexes: dict[str, SourceIndex] = {}
    problems = [problem for question in bank.questions for rule in RULES for problem in rule(bank.sources, question)]
    problems += [problem for question in bank.questions for problem in _grounding(bank.sources, question, indexes)]
    problems += [problem for question in bank.questions for problem in _media(bank.media, question)]
    return problems + list(_repeated_prompts(bank))


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


def _unknown_source(sources: Mapping[str, Source], question: Question) -> Iterator[Problem]:
    if question.source not in sources:
        import difflib  # only when there is something to suggest

        close = difflib.get_close_matches(question.source, list(sources), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(sorted(sources)) or 'none'}"
        yield _problem(question, "source", f"unknown source '{question.source}' ({hint}); "
                       f"sources are the files in sources/, named by id")


def _grounding(sources: Mapping[str, Source], question: Question, indexes: dict[str, SourceIndex]
               ) -> Iterator[Problem]:
    source = sources.get(question.source)
    if source is None or question.paragraphs:
        return
    index = indexes.setdefault(source.id, SourceIndex.of(source))
    closest = index.closest(question.passage)
    # A suggestion that reads exactly like the passage would only puzzle: then the words are there, but not in
    # one run of the source's text (say, across a heading).
    hint = (f" (closest match: \"{closest}\")" if closest and " ".join(closest.split()) != " ".join(
        question.passage.split()) else " (its words are in the source, but not as one run of its text)")
    yield _problem(question, "passage", f"passage not found in source '{source.id}'{hint}; quote the source word "
                   "for word")


def _short_passage(sources: Mapping[str, Source], question: Question) -> Iterator[Problem]:
    if len(question.passage.split()) < SHORT_PASSAGE_WORDS:
        yield _problem(question, "passage", f"the passage is under {SHORT_PASSAGE_WORDS} words; quote enough "
                       "of the source to support the answer", Severity.WARNING)


def _cloze(sources: Mapping[str, Source], question: Question) -> Iterator[Problem]:
    if question.kind is Kind.CLOZE:
        for message in cloze.syntax_problems(question.prompt):
            yield _problem(question, "text", message)
    elif cloze.DELETION.search(question.prompt):
        yield _problem(question, "question", "has a {{c1::...}} deletion but is not 'kind: cloze'", Severity.WARNING)


def _choices(sources: Mapping[str, Source], question: Question) -> Iterator[Problem]:
    if question.kind is not Kind.CHOICE:
        return
    if len(question.choices) < 2:
        yield _problem(question, "choices", "a choice question needs at least two choices")
    elif len(question.choices) > MAX_CHOICES:
        yield _problem(question, "choices", f"{len(question.choices)} choices: a choice question has at most "
                       f"{MAX_CHOICES} (lettered A to Z on paper); split it into several questions")
    seen: set[str] = set()
    for choice in question.choices:
        folded = normalize(choice.text).lower()
        if folded in seen:
            yield _problem(question, "choices", f"choice {choice.text!r} is listed twice")
        seen.add(folded)
    if not any(c.correct for c in question.choices):
        yield _problem(question, "answer" if question.has("answer") else "choices",
                       "no correct choice: add 'answer:' with the text of the right choice (a list for several)")
    elif len(question.choices) > 1 and all(c.correct for c in question.choices):
        yield _problem(question, "answer", "every choice is marked correct", Severity.WARNING)


def _type_in(sources: Mapping[str, Source], question: Question) -> Iterator[Problem]:
    if question.kind is Kind.TYPE_IN and len(question.answer.split()) > LONG_TYPE_IN_WORDS:
        yield _problem(question, "answer", f"a type-in answer of over {LONG_TYPE_IN_WORDS} words is hard to type "
                       "exactly; use kind: basic", Severity.WARNING)


def _tolerance(sources: Mapping[str, Source], question: Question) -> Iterator[Problem]:
    if question.tolerance is None:
        return
    try:
        answers.parse_tolerance(question.tolerance)
    except ValueError:
        yield _problem(question, "tolerance", f"tolerance {question.tolerance!r} must be a non-negative number "
                       "such as 0.1 or a percentage such as 5%")
        return
    if answers.number(plain(question.answer)) is None:
        yield _problem(question, "tolerance", f"a tolerance needs a numeric answer such as 1.5 or '5 kg'; "
                       f"{question.answer!r} is not a number")


def _tags(sources: Mapping[str, Source], question: Question) -> Iterator[Problem]:
    for tag in question.tags:
        if re.search(r'["\x00-\x1f]', tag):
            yield _problem(question, "tags", f"tag {tag!r} contains a quote or control character")


def _at(question: Question, embed: Embed, message: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(question.location.path, embed.line, embed.column, message, severity, question.id)


def _math(sources: Mapping[str, Source], question: Question) -> Iterator[Problem]:
    for embed in question.embeds:
        reason = mathml.problem(embed.target) if embed.kind == "math" else None
        if reason:
            yield _at(question, embed, f"cannot draw the formula '{_short(embed.target)}': {reason}")


def _media(files: Mapping[str, MediaFile], question: Question) -> Iterator[Problem]:
    for embed in question.embeds:
        if embed.kind != "media":
            continue
        path = normalise(embed.target)
        if path is None:
            yield _at(question, embed, f"'{embed.target}': images and sounds come from the bank's {MEDIA_DIR}/ "
                      f"folder, written as {MEDIA_DIR}/<file> (no web address, no '..')")
        elif media_type(path) is None:
            yield _at(question, embed, f"'{embed.target}' is not an image or a sound studydeck knows "
                      "(images: png, jpg, gif, webp, svg; sounds: mp3, ogg, opus, wav, m4a, flac)")
        elif path not in files:
            yield _at(question, embed, f"{path} not found{_did_you_mean(path, list(files))}")
        elif files[path].refused:
            yield _at(question, embed, f"{path} is {files[path].refused}; put the image or sound itself there")
        elif files[path].size < 0:
            yield _at(question, embed, f"{path} is a link to a file outside the bank; copy the file into "
                      f"{MEDIA_DIR}/")
        elif files[path].size == 0:
            yield _at(question, embed, f"{path} is empty (0 bytes)")
        elif files[path].size > MAX_BYTES:
            yield _at(question, embed, f"{path} is {files[path].size / 2**20:.0f} MB; studydeck takes media of up "
                      f"to {MAX_BYTES // 2**20} MB (keep them under {HUGE_BYTES // 2**20} MB)")
        elif files[path].content != EXPECTED.get(path.rpartition(".")[2].lower()):
            shown = files[path].content.upper() or "no image or sound format studydeck knows"
            yield _at(question, embed, f"{path} does not hold what its name says (its bytes show "
                      f"{shown}); save it in the format its name says, or rename it")
        else:
            if not is_audio(path) and not embed.alt.strip():
                yield _at(question, embed, f"the image {path} has no alt text; say what it shows, for readers "
                          f"who cannot see it: ![a map of the tides]({path})")
            if files[path].size > HUGE_BYTES:
                yield _at(question, embed, f"{path} is {files[path].size / 2**20:.1f} MB; every page and deck "
                          f"that shows it carries it: keep media under {HUGE_BYTES // 2**20} MB", Severity.WARNING)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _did_you_mean(path: str, candidates: list[str]) -> str:
    import difflib  # only when there is something to suggest
    import posixpath

    # Names are compared without the folder and extension they all share.
    stems = {posixpath.splitext(c)[0]: c for c in candidates}
    close = difflib.get_close_matches(posixpath.splitext(path)[0], list(stems), n=1, cutoff=0.8)
    return f" (did you mean '{stems[close[0]]}'?)" if close else f" in {MEDIA_DIR}/"


RULES: list[Rule] = [_unknown_source, _short_passage, _cloze, _choices, _type_in, _tolerance, _tags, _math]
