"""Printable worksheets and answer keys: `decks/<bank>-worksheet.html` and `decks/<bank>-key.html`.

With `--versions N` each version gets a letter (`<bank>-worksheet-A.html`, `<bank>-key-A.html`, ...) and its
own question and choice order, fixed by `--seed`. A worksheet's template only ever sees what a student
may see (`Task`), so no template can leak an answer into it; the key's template gets `Answer`s.

Choices are shuffled even in a single version: authors tend to write the right choice first.
"""

from __future__ import annotations

import hashlib
import math
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial

from markupsafe import Markup

from ..build import BuildContext, Rendered
from ..cache import citation_key
from ..cloze import DELETION
from ..errors import SelectionError
from ..model import Bank, Choice, Kind, Question
from ..select import Selection, shuffled
from ..write import Output
from . import templating
from .text import inline, inline_html, plain, quote

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
    seed: str
    letter: str

    @cached_property
    def choices(self) -> tuple[Choice, ...]:
        return tuple(shuffled(self.question.choices, self.seed, "choices", self.letter, self.question.id))


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
    the text with its gaps filled), other accepted answers, the explanation, the passage and its citation."""

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
    """A group of questions (one source or one kind): heading, short instructions and numbered items."""

    title: str
    intro: str
    items: tuple[Task | Answer, ...]

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


def render(bank: Bank, context: BuildContext) -> Rendered:
    """A worksheet and an answer key per version, and their PDFs with `--pdf`."""
    options = context.options
    questions = select(bank, options.selection)
    env = templating.environment(context.project, context.cache and context.cache / "templates")
    templates = templating.folders_digest(context.project)
    pages: dict[str, tuple[str, dict[str, object], templating.Reuse]] = {}
    for letter in letters(options.versions):
        groups = arrange(bank, questions, options.group_by, options.selection.seed, letter)
        for kind in DOCUMENTS:
            context_ = page_context(bank, groups, kind, letter, options.paper)
            reuse = templating.Reuse("section", "section", context.memo, _scope(templates, context_))
            pages[file_stem(bank, kind, letter)] = (f"{kind}.html.jinja", context_, reuse)
    if not options.pdf:  # each page is written straight to its file when its turn comes
        return Rendered([Output(f"{stem}.html", partial(templating.write, env=env, name=name, context=context_,
                                                        reuse=reuse))
                         for stem, (name, context_, reuse) in pages.items()])
    from .pdf import print_pdfs

    documents = {stem: templating.render(env, *page).encode("utf-8") for stem, page in pages.items()}
    outputs = [Output(f"{stem}.html", data) for stem, data in documents.items()]
    return Rendered(outputs + [Output(f"{stem}.pdf", data) for stem, data in print_pdfs(documents).items()])


def letters(versions: int) -> list[str]:
    """Version letters: `[""]` for a single version, else A, B, C, ..."""
    return [""] if versions <= 1 else list(string.ascii_uppercase[:versions])


def file_stem(bank: Bank, kind: str, letter: str) -> str:
    """e.g. `nato-japan-worksheet` or `nato-japan-key-B`."""
    return f"{bank.name}-{kind}-{letter}" if letter else f"{bank.name}-{kind}"


def select(bank: Bank, selection: Selection) -> list[Question]:
    """The chosen questions; an unknown source or tag, or an empty choice, is a SelectionError."""
    unknown = [f"source '{s}'" for s in selection.sources if s not in bank.sources]
    tags = {t for q in bank.questions for t in q.tags}
    unknown += [f"tag '{t}'" for t in selection.tags if t not in tags]
    if unknown:
        raise SelectionError(f"the bank has no {', no '.join(unknown)}; nothing was built")
    chosen = selection.apply(bank.questions)
    if not chosen:
        raise SelectionError("no question matches the selection; nothing was built")
    return chosen


def arrange(bank: Bank, questions: list[Question], group_by: str, seed: str,
            letter: str) -> list[tuple[str, str, list[Numbered]]]:
    """Group the questions (title, intro, items), order them for this version and number them from 1."""
    groups = _by_kind(questions) if group_by == "kind" else _by_source(bank, questions)
    arranged, number = [], 0
    for key, title, intro, members in groups:
        if letter:
            members = shuffled(members, seed, "questions", letter, key)
        numbered = [Numbered(number + i, question, seed, letter) for i, question in enumerate(members, 1)]
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
                 paper: str) -> dict[str, object]:
    """Everything a worksheet or key template may use; a worksheet's holds no answer.

    Sections are `Fragment`s: each is built only if the template looks inside it, and its key names all it
    shows (its heading and each question's content, number, choice order and citation), so that its rendered
    block can be reused.
    """
    item: Callable[[Numbered, Bank], Task | Answer] = task if kind == "worksheet" else answer
    cited = {sid: citation_key(source) for sid, source in bank.sources.items()}
    sections = []
    for title, intro, numbered in groups:
        shown = "".join(f"{n.question.digest}/{n.number}/{cited[n.question.source]}," for n in numbered)
        key = _digest(title, intro, numbered[0].seed, numbered[0].letter, shown)
        sections.append(templating.Fragment(key, lambda title=title, intro=intro, numbered=numbered:
                                            Section(title, intro, tuple(item(n, bank) for n in numbered))))
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


def _scope(templates: str, page: dict[str, object]) -> str:
    """What a section's block sees besides its section: the template files and the page's values."""
    return _digest(templates, *(f"{k}={v!r}" for k, v in sorted(page.items()) if k != "sections"))


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def task(numbered: Numbered, bank: Bank) -> Task:
    """What the worksheet shows of a question: never its answer, only the space to write it."""
    q, n = numbered.question, numbered.number
    if q.kind is Kind.CLOZE:
        return Task(n, q.kind.value, _with_gaps(q.prompt, _gap))
    if q.kind is Kind.CHOICE:
        texts = [plain(c.text) for c in numbered.choices]
        columns = 2 if len(texts) % 2 == 0 and max(map(len, texts)) <= 32 else 1
        cue = "Tick all that apply." if q.multiple_answers and "all that apply" not in plain(q.prompt) else ""
        return Task(n, q.kind.value, inline(q.prompt), tuple(inline(c.text) for c in numbered.choices), cue=cue,
                    columns=columns)
    if q.kind is Kind.TYPE_IN:
        return Task(n, q.kind.value, inline(q.prompt), width=_clamp(0.7 * _length(q.answer) + 4, 8, 36))
    if q.kind is Kind.TRUE_FALSE:
        return Task(n, q.kind.value, inline(q.prompt))
    return Task(n, q.kind.value, inline(q.prompt), lines=int(_clamp(math.ceil(_length(q.answer) / 65) + 1, 2, 8)))


def answer(numbered: Numbered, bank: Bank) -> Answer:
    """What the key shows of a question: the answer, the explanation and the quoted passage with its citation."""
    q = numbered.question
    letters = ""
    accept: tuple[Markup, ...] = ()
    if q.kind is Kind.CHOICE:
        right = [(string.ascii_uppercase[i], c) for i, c in enumerate(numbered.choices) if c.correct]
        text = Markup("; ").join(inline(c.text) for _, c in right)
        letters = ", ".join(letter for letter, _ in right)
    elif q.kind is Kind.CLOZE:
        text = _with_gaps(q.prompt, _fill)
    elif q.kind is Kind.TRUE_FALSE:
        text = Markup("True" if q.truth else "False")
    else:
        text, accept = inline(q.answer), tuple(map(inline, q.accept))
    return Answer(numbered.number, q.kind.value, text, letters, accept, inline(q.explanation), quote(q.passage),
                  bank.sources[q.source].citation(q.paragraphs))


def _with_gaps(text: str, gap: Callable[[re.Match[str]], Markup]) -> Markup:
    # Deletions are held out as placeholders while the Markdown is rendered, so markup around them survives.
    held: list[re.Match[str]] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match)
        return f"\ue000{len(held) - 1}\ue001"

    html = inline(DELETION.sub(hold, text))
    return Markup(re.sub("\ue000(\\d+)\ue001", lambda m: str(gap(held[int(m.group(1))])), html))


def _gap(deletion: re.Match[str]) -> Markup:
    hidden, hint = deletion.group(2), deletion.group(3)
    width = _clamp(0.7 * _length(hidden) + 2, 3.5, 30)
    # f-strings of already-safe pieces: Markup.format is slow by the 10,000.
    label = f'<span class="hint">{inline_html(hint)}</span>' if hint else ""
    return Markup(f'<span class="gap" style="width: {_number(width)}em">{label}</span>')


def _fill(deletion: re.Match[str]) -> Markup:
    return Markup(f'<span class="fill">{inline_html(deletion.group(2))}</span>')


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

