"""Printable worksheets and answer keys: `decks/<bank>-worksheet.html` and `decks/<bank>-key.html`.

With `--versions N` each version gets a letter (`<bank>-worksheet-A.html`, `<bank>-key-A.html`, ...) and its
own question and choice order, fixed by `--seed`. A worksheet's template only ever sees what a student
may see (`Task`), so no template can leak an answer into it; the key's template gets `Answer`s.

Choices are shuffled even in a single version: authors tend to write the right choice first.
"""

from __future__ import annotations

import math
import string
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from typing import BinaryIO

import jinja2
from markupsafe import Markup

from ..model import Bank, Choice, Kind, Question, Source
from ..select import shuffled
from . import templating
from .base import Output, Rendered, RenderOptions
from .embed import PRINT, finish
from .fields import Gap, QuestionHtml
from .text import inline_html, plain

KIND_ORDER = (Kind.TRUE_FALSE, Kind.CHOICE, Kind.CLOZE, Kind.TYPE_IN, Kind.REVERSED, Kind.BASIC)
INSTRUCTIONS = {
    Kind.TRUE_FALSE: "Circle True or False.",
    Kind.CHOICE: "Tick the box of the right answer; tick more than one only where the question says so.",
    Kind.CLOZE: "Write the missing words in the gaps.",
    Kind.TYPE_IN: "Write the exact answer on the line: a name, a number or a few words.",
    Kind.REVERSED: "Explain what each term means, in your own words.",
    Kind.BASIC: "Answer on the lines, in a sentence or two.",
}
DOCUMENTS = {"worksheet": "Worksheet", "key": "Answer key"}
PAGE_SIZES = {"a4": "A4", "letter": "letter"}  # CSS @page size keywords
PAPER_NAMES = {"a4": "A4", "letter": "US Letter"}


@dataclass(frozen=True)
class Numbered:
    """A question as it stands in one version: its number and (from the seed) its choices' order."""

    number: int
    question: Question
    html: QuestionHtml
    seed: str
    letter: str

    @cached_property
    def choices(self) -> tuple[tuple[Choice, str], ...]:
        """The choices with their HTML, in this version's order (the authored one for `shuffle: false`)."""
        paired = list(zip(self.question.choices, self.html.choices))
        if not self.question.shuffle:
            return tuple(paired)
        return tuple(shuffled(paired, self.seed, "choices", self.letter, self.question.id))


@dataclass(frozen=True)
class Task:
    """A worksheet item: only what the student sees, sizes of the answer spaces included.

    `prompt` is the question, the statement, the term (reversed) or the text with its gaps (cloze);
    `cue` is an extra instruction ("Tick all that apply." when several choices are right and the question
    does not say so), `lines` the ruled lines to write on and `width` (em) the length of a type-in answer
    line. `columns` is 2 when the choices are short enough to sit side by side.
    """

    number: int
    kind: str
    prompt: Markup
    choices: tuple[Markup, ...] = ()
    cue: str = ""
    columns: int = 1
    lines: int = 0
    width: float = 0.0


@dataclass(frozen=True)
class Answer:
    """An answer-key item: `letters` of the right choices (choice only), the `answer` itself (for cloze,
    the text with its gaps filled), other accepted answers, the explanation, the passage and its citation:
    the paragraph and reference alone (`¶12 [ikegami-2007#12]`), since the section names the source."""

    number: int
    kind: str
    answer: Markup
    letters: str = ""
    accept: tuple[Markup, ...] = ()
    explanation: Markup = Markup("")
    passage: Markup = Markup("")
    citation: str = ""


@dataclass(frozen=True)
class Section:
    """A group of questions (one source or one kind): heading, short instructions and numbered items.

    `sources` are the sources its questions quote, in order of first use; `source` is the one source of a
    section grouped by source (None in a section grouped by kind).
    """

    title: str
    intro: str
    items: tuple[Task | Answer, ...]
    sources: tuple[Source, ...] = ()
    source: Source | None = None

    @property
    def span(self) -> str:
        """The question numbers it holds, e.g. `1–12`."""
        first, last = self.items[0].number, self.items[-1].number
        return str(first) if first == last else f"{first}–{last}"


@dataclass(frozen=True)
class Document:
    """Which document a template renders, for whom, and on what paper."""

    kind: str
    label: str
    version: str
    paper: str
    page_size: str
    count: int

    @property
    def paper_name(self) -> str:
        """The paper as a print dialog names it: `A4` or `US Letter`."""
        return PAPER_NAMES[self.paper]

    @property
    def heading(self) -> str:
        """e.g. `Worksheet`, or `Answer key · Version B`."""
        return f"{self.label} · Version {self.version}" if self.version else self.label


def render(bank: Bank, fields: Mapping[str, QuestionHtml], options: RenderOptions) -> Rendered:
    """A worksheet and an answer key per version, and their PDFs with `--pdf`."""
    fields = finish(bank, fields, PRINT).fields  # images embedded, sized for paper
    questions = options.selection.chosen(bank)
    env = templating.environment(options.templates, len(questions))
    # Each page's context is made when its turn comes to be written, and let go after: a large bank's worksheet
    # and key never hold their items at once.
    pages: dict[str, tuple[str, Callable[[], dict[str, object]]]] = {}
    for letter in letters(options.versions):
        groups = arrange(bank, fields, questions, options.group_by, options.selection.seed, letter)
        for kind in DOCUMENTS:
            pages[file_stem(bank, kind, letter)] = (f"{kind}.html.jinja", partial(
                page_context, bank, groups, kind, letter, options.paper, options.group_by))
    if not options.pdf:
        return Rendered([Output(f"{stem}.html", partial(_write_page, env=env, name=name, context=context))
                         for stem, (name, context) in pages.items()])
    from .pdf import print_pdfs

    documents = {stem: templating.render(env, name, context()).encode("utf-8") for stem, (name, context) in pages.items()}
    outputs = [Output(f"{stem}.html", data) for stem, data in documents.items()]
    return Rendered(outputs + [Output(f"{stem}.pdf", data) for stem, data in print_pdfs(documents).items()])


def _write_page(handle: BinaryIO, env: jinja2.Environment, name: str, context: Callable[[], dict[str, object]]
                ) -> None:
    templating.write(handle, env, name, context())


def letters(versions: int) -> list[str]:
    """Version letters: `[""]` for a single version, else A, B, C, ..."""
    return [""] if versions <= 1 else list(string.ascii_uppercase[:versions])


def file_stem(bank: Bank, kind: str, letter: str) -> str:
    """e.g. `nato-japan-worksheet` or `nato-japan-key-B`."""
    return f"{bank.name}-{kind}-{letter}" if letter else f"{bank.name}-{kind}"


def arrange(bank: Bank, fields: Mapping[str, QuestionHtml], questions: list[Question], group_by: str, seed: str,
            letter: str) -> list[tuple[str, str, list[Numbered]]]:
    """Group the questions (title, intro, items), order them for this version and number them from 1."""
    groups = _by_kind(questions) if group_by == "kind" else _by_source(bank, questions)
    arranged, number = [], 0
    for key, title, intro, members in groups:
        if letter:
            members = shuffled(members, seed, "questions", letter, key)
        numbered = [Numbered(number + i, question, fields[question.id], seed, letter)
                    for i, question in enumerate(members, 1)]
        number += len(members)
        arranged.append((title, intro, numbered))
    return arranged


def _by_source(bank: Bank, questions: list[Question]) -> list[tuple[str, str, str, list[Question]]]:
    members: dict[str, list[Question]] = {}  # in the order of each source's first question
    for question in questions:
        members.setdefault(question.source, []).append(question)
    groups = []
    for source_id, chosen in members.items():
        source = bank.sources[source_id]
        intro = ", ".join(p for p in (source.byline, source.publication, str(source.year or "")) if p)
        groups.append((source_id, source.title, intro, chosen))
    return groups


def _by_kind(questions: list[Question]) -> list[tuple[str, str, str, list[Question]]]:
    return [(kind.value, kind.label, INSTRUCTIONS[kind], [q for q in questions if q.kind is kind])
            for kind in KIND_ORDER if any(q.kind is kind for q in questions)]


def page_context(bank: Bank, groups: list[tuple[str, str, list[Numbered]]], kind: str, letter: str,
                 paper: str, group_by: str = "source") -> dict[str, object]:
    """Everything a worksheet or key template may use; a worksheet's holds no answer."""
    item: Callable[[Numbered], Task | Answer] = task if kind == "worksheet" else partial(answer, bank=bank)
    sections = [_section(bank, title, intro, tuple(item(n) for n in numbered), numbered, group_by)
                for title, intro, numbered in groups]
    count = sum(len(numbered) for _, _, numbered in groups)
    present = {n.question.kind for _, _, numbered in groups for n in numbered}
    kinds = [k for k in KIND_ORDER if k in present]
    return {
        "title": bank.title,
        "description": bank.description,
        "document": Document(kind, DOCUMENTS[kind], letter, paper, PAGE_SIZES[paper], count),
        "sections": sections,
        "instructions": [(k.label, INSTRUCTIONS[k]) for k in kinds],
    }


def _section(bank: Bank, title: str, intro: str, items: tuple[Task | Answer, ...], numbered: list[Numbered],
             group_by: str) -> Section:
    """A section with the sources its questions quote (the key names each once, above its answers)."""
    sources = tuple(bank.sources[s] for s in dict.fromkeys(n.question.source for n in numbered))
    return Section(title, intro, items, sources, sources[0] if group_by == "source" and sources else None)


def task(numbered: Numbered) -> Task:
    """What the worksheet shows of a question: never its answer, only the space to write it."""
    q, html, n = numbered.question, numbered.html, numbered.number
    prompt = Markup(html.prompt)
    if q.kind is Kind.CLOZE:
        return Task(n, q.kind.value, Markup(html.fill(_gap)))
    if q.kind is Kind.CHOICE:
        texts = [plain(c.text) for c, _ in numbered.choices]
        columns = 2 if len(texts) % 2 == 0 and max(map(len, texts)) <= 32 else 1
        cue = "Tick all that apply." if q.multiple_answers and "all that apply" not in plain(q.prompt) else ""
        return Task(n, q.kind.value, prompt, tuple(Markup(h) for _, h in numbered.choices), cue=cue, columns=columns)
    if q.kind is Kind.TYPE_IN:
        return Task(n, q.kind.value, prompt, width=_clamp(0.7 * _length(q.answer) + 4, 8, 36))
    if q.kind is Kind.TRUE_FALSE:
        return Task(n, q.kind.value, prompt)
    return Task(n, q.kind.value, prompt, lines=int(_clamp(math.ceil(_length(q.answer) / 65) + 1, 2, 8)))


def answer(numbered: Numbered, bank: Bank) -> Answer:
    """What the key shows of a question: the answer, the explanation and the quoted passage with its paragraph."""
    q, html = numbered.question, numbered.html
    letters = ""
    accept: tuple[Markup, ...] = ()
    if q.kind is Kind.CHOICE:
        right = [(string.ascii_uppercase[i], h) for i, (c, h) in enumerate(numbered.choices) if c.correct]
        text = Markup("; ".join(h for _, h in right))
        letters = ", ".join(letter for letter, _ in right)
    elif q.kind is Kind.CLOZE:
        text = Markup(html.fill(_fill))
    else:
        text = Markup(html.answer)
        if q.kind is Kind.TYPE_IN:
            accept = tuple(Markup(inline_html(a)) for a in q.accept)
    return Answer(numbered.number, q.kind.value, text, letters, accept, Markup(html.explanation),
                  Markup(html.passage), bank.sources[q.source].pinpoint(q.paragraphs))


def _gap(index: int, gap: Gap) -> str:
    width = _clamp(0.7 * _length(gap.text) + 2, 3.5, 30)
    label = f'<span class="hint">{gap.hint_html}</span>' if gap.hint_html else ""
    return f'<span class="gap" style="width: {_number(width)}em">{label}</span>'


def _fill(index: int, gap: Gap) -> str:
    return f'<span class="fill">{gap.html}</span>'


def _length(text: str) -> int:
    """How much room a text needs when written by hand, in Latin letters: a CJK character takes two."""
    shown = plain(text)
    if shown.isascii():
        return len(shown)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in shown)


def _clamp(value: float, low: float, high: float) -> float:
    """`value` within [low, high], to one decimal: widths end up in the HTML."""
    return round(max(low, min(high, value)), 1)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")

