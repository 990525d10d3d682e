"""The terminal quiz (`studydeck quiz`): the cards FSRS says are due, then a few new ones a day.

A question gives the same cards as in Anki: a reversed question is asked both ways, a cloze question once per
deletion number, every other question once. After each card the learner sees whether they were right, the
answer, the explanation and the quoted passage with its citation, then grades it Again, Hard, Good or Easy
(a checked answer suggests Good when right, Again when wrong; free recall has no default: the learner says).
FSRS schedules the card and the answer is committed to the progress file before the next card is shown.

As in Anki, the cards of one question are siblings: once one is answered, the others are buried until the next
day, so a cloze's second gap never follows its first (which would give it away). Choices are shuffled each time
a card is shown, unless the question says `shuffle: false`.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import click
from fsrs import Card, Rating, Scheduler

from . import cloze
from .answers import describe_tolerance, matches
from .model import Bank, Kind, Question
from .progress import Progress, default_path
from .render.text import plain
from .select import Selection
from .terminal import MAX_REPLY, TooLong, inert, read_reply

# As in Anki: a card that comes due this soon (a learning step) is asked again before the session ends.
LEARN_AHEAD = timedelta(minutes=20)
GRADES = {**{str(int(r)): r for r in Rating}, **{r.name.lower(): r for r in Rating},
          **{r.name[0].lower(): r for r in Rating}}  # 1-4, again/hard/good/easy, a/h/g/e
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STOP_WORDS = ("q", "quit")  # alone on a line, at any prompt
MAX_NOT_UNDERSTOOD = 10  # replies in a row that mean nothing, through a pipe, before the quiz stops
MAX_ASKS = 10  # times one card is asked in a session: one always failed comes back next session, not forever


@dataclass(frozen=True)
class QuizOptions:
    """Which questions to ask, how many new cards a day, and where progress is kept (default: per bank)."""

    selection: Selection = field(default_factory=Selection)
    new_per_day: int = 20
    progress: Path | None = None


@dataclass(frozen=True)
class Item:
    """One card: a question asked one way. `card` is "" for a question's only card, "reverse" for the other
    way of a reversed question, "c1", "c2", ... for each deletion number of a cloze."""

    question: Question
    card: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """The card's key in the progress file: the question's authored id and the way it is asked."""
        return (self.question.id, self.card)


@dataclass(frozen=True)
class Result:
    """One answered card: whether a checked answer was right (None when self-graded) and the grade given."""

    item: Item
    correct: bool | None
    rating: Rating
    due: datetime

    @property
    def right(self) -> bool:
        return self.correct if self.correct is not None else self.rating is not Rating.Again


@dataclass(frozen=True)
class Plan:
    """What a session asks: due cards, earliest first, then new cards in bank order within today's allowance."""

    due: list[Item]
    new: list[Item]
    new_today: int


class Stop(Exception):
    """The learner asked to stop (q, quit, Ctrl-D), or the input ended."""


def items(questions: Iterable[Question]) -> list[Item]:
    """Every card of the questions, in bank order."""
    out = []
    for question in questions:
        if question.kind is Kind.CLOZE:
            out += [Item(question, f"c{n}") for n in cloze.numbers(question.prompt)]
        elif question.kind is Kind.REVERSED:
            out += [Item(question), Item(question, "reverse")]
        else:
            out.append(Item(question))
    return out


def local_now() -> datetime:
    """The quiz's clock: now, in the machine's time zone (whose midnight starts a new day)."""
    return datetime.now().astimezone()


def plan(cards: list[Item], progress: Progress, new_per_day: int, now: datetime) -> Plan:
    """The due cards and today's new ones, one card per question (its siblings are buried for the day).

    "Today" starts at midnight in `now`'s own time zone, so a clock in a fixed zone gives the same plan on any
    machine."""
    known = progress.cards()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    buried = _siblings_of(progress.reviewed_since(midnight))
    due = sorted((i for i in cards if i.key in known and known[i.key].due <= now), key=lambda i: known[i.key].due)
    new_today = progress.introduced_since(midnight)
    new = [i for i in cards if i.key not in known]
    due, new = _one_per_question(due, buried), _one_per_question(new, buried)
    # A question already in the due list buries its new cards too.
    taken = {i.question.id for i in due}
    new = [i for i in new if i.question.id not in taken][: max(new_per_day - new_today, 0)]
    return Plan(due, new, new_today)


def _siblings_of(answered: set[tuple[str, str]]) -> dict[str, set[str]]:
    """Per question id, the cards answered today: any other card of that question is buried."""
    cards: dict[str, set[str]] = {}
    for question, card in answered:
        cards.setdefault(question, set()).add(card)
    return cards


def _one_per_question(cards: list[Item], buried: dict[str, set[str]]) -> list[Item]:
    """The first card of each question, leaving out the siblings of cards answered today."""
    seen: set[str] = set()
    kept = []
    for item in cards:
        qid = item.question.id
        if qid in seen or (qid in buried and item.card not in buried[qid]):
            continue
        seen.add(qid)
        kept.append(item)
    return kept


class Terminal:
    """Plain prompts, so any terminal works; colour only on a terminal, and never with NO_COLOR.

    Everything printed goes through `inert` (a bank's text cannot drive the terminal). Replies are read as bytes,
    a bounded line at a time. `q` or `quit` alone, the end of the input (Ctrl-D) and Ctrl-C stop the quiz at
    every prompt; an answer that is literally "q" is typed with quotes, which answers ignore."""

    STYLES: dict[str, dict[str, Any]] = {
        "right": {"fg": "green", "bold": True},
        "wrong": {"fg": "red", "bold": True},
        "head": {"fg": "cyan", "bold": True},
        "bold": {"bold": True},
        "dim": {"dim": True},
    }

    def __init__(self, stdin: BinaryIO | None = None) -> None:
        tty = sys.stdout.isatty()
        self.color = tty and not os.environ.get("NO_COLOR")
        # Wrapped to the terminal's width; output to a file or a pipe keeps whole lines.
        self.width = min(shutil.get_terminal_size((80, 24)).columns, 100) if tty else None
        self.stdin = stdin
        # Through a pipe, nobody reads "type 1, 2, 3 or 4": endless replies that mean nothing end the quiz.
        self.patience = None if _reads_a_terminal(stdin) else MAX_NOT_UNDERSTOOD
        self.not_understood = 0

    def say(self, text: str = "", style: str | None = None, indent: str = "", wrap: bool = True) -> None:
        """Print text wrapped to the terminal (never inside a word), in a style when colour is on."""
        text = inert(text)
        lines = [indent + text]
        if text and wrap and self.width:
            lines = textwrap.wrap(text, self.width, initial_indent=indent, subsequent_indent=indent,
                                  break_long_words=False, break_on_hyphens=False)
        for line in lines:
            print(self.style(line, style), flush=True)

    def style(self, text: str, style: str | None) -> str:
        return click.style(text, **self.STYLES[style]) if self.color and style else text

    def ask(self, prompt: str) -> str:
        """One line from the learner; q, quit, the end of the input (Ctrl-D) stop the quiz."""
        while True:
            print(inert(prompt, newlines=False), end="", flush=True)
            reply = self._read()
            if reply is None:
                print(flush=True)
                raise Stop
            if not isinstance(reply, TooLong):
                break
            self.retry(f"That line is too long (over {MAX_REPLY} bytes) and was ignored.")
        if reply.strip().lower() in STOP_WORDS:
            raise Stop
        return reply

    def retry(self, message: str) -> None:
        """Say why a reply was not understood; too many in a row through a pipe stop the quiz."""
        self.say(message)
        self.not_understood += 1
        if self.patience is not None and self.not_understood >= self.patience:
            self.say(f"{self.not_understood} replies in a row were not understood; stopping.")
            raise Stop

    def next_card(self) -> None:
        """A new card: the count of replies in a row that were not understood starts again."""
        self.not_understood = 0

    def _read(self) -> str | TooLong | None:
        stream = self.stdin or (sys.stdin.buffer if sys.stdin is not None else None)
        if stream is None:  # standard input closed (`<&-`): there is nothing to read
            return None
        try:
            return read_reply(stream)
        except (OSError, ValueError) as e:  # e.g. standard input is a folder or was closed
            self.say(f"cannot read the answers: {getattr(e, 'strerror', None) or e}")
            return None


def _reads_a_terminal(stdin: BinaryIO | None) -> bool:
    stream = stdin or (sys.stdin.buffer if sys.stdin is not None else None)
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


class Session:
    """Asks cards one by one, schedules each answer with FSRS and records it at once."""

    def __init__(self, bank: Bank, progress: Progress, terminal: Terminal,
                 clock: Callable[[], datetime] | None = None, rng: random.Random | None = None) -> None:
        self.bank = bank
        self.progress = progress
        self.term = terminal
        self.clock = clock or local_now
        self.random = rng or random.Random()
        self.scheduler = Scheduler()
        self.results: list[Result] = []

    def run(self, planned: list[Item]) -> None:
        """Ask every planned card; one that comes due again within LEARN_AHEAD is asked again at the end."""
        queue = [(item, f"[{n}/{len(planned)}]") for n, item in enumerate(planned, start=1)]
        asked: Counter[tuple[str, str]] = Counter()
        while queue:
            item, label = queue.pop(0)
            self.term.say()
            self.term.say(f"{label} {self._heading(item)}", "head")
            result = self.answer(item)
            asked[item.key] += 1
            if result.due - self.clock() <= LEARN_AHEAD:
                if asked[item.key] < MAX_ASKS:
                    queue.append((item, "[again]"))
                else:
                    self.term.say(f"That was this card's {MAX_ASKS}th time today; it comes back next session.", "dim")

    def _heading(self, item: Item) -> str:
        kind = item.question.kind.label + (", the other way" if item.card == "reverse" else "")
        return f"{kind} · {self.bank.sources[item.question.source].title}"

    def answer(self, item: Item) -> Result:
        """Ask one card, show the feedback, take the grade, schedule and record it."""
        self.term.next_card()
        order = self.choice_order(item.question)
        correct = ASK[item.question.kind](self.term, item, order)
        self.feedback(item, correct, order)
        rating = self.grade(correct)
        card = self.progress.card(item.key) or Card(card_id=0)
        now = self.clock().astimezone(UTC)  # FSRS works in UTC
        card, _ = self.scheduler.review_card(card, rating, now)
        self.progress.record(item.key, card, rating, correct, now)
        result = Result(item, correct, rating, card.due)
        self.results.append(result)
        self.term.say(f"Next time: {when(card.due, now)}.", "dim")
        return result

    def choice_order(self, question: Question) -> tuple[int, ...]:
        """The order of a choice question's choices this time: shuffled on every showing, so that the right
        one's position cannot be learnt, unless the author fixed it (`shuffle: false`)."""
        order = list(range(len(question.choices)))
        if question.shuffle:
            self.random.shuffle(order)
        return tuple(order)

    def feedback(self, item: Item, correct: bool | None, order: tuple[int, ...] = ()) -> None:
        question, source = item.question, self.bank.sources[item.question.source]
        if correct is not None:
            self.term.say("✔ Right." if correct else "✘ Not quite.", "right" if correct else "wrong")
        self.term.say(f"Answer: {answer_text(item, order)}", "bold")
        if question.kind is Kind.TYPE_IN and question.accept:
            self.term.say(f"Also accepted: {'; '.join(plain(a) for a in question.accept)}")
        if question.kind is Kind.TYPE_IN and question.tolerance:
            self.term.say(f"Numbers within {describe_tolerance(question.tolerance)} of the answer are accepted.")
        if question.explanation:
            self.term.say(plain(question.explanation))
        self.term.say(f"“{' '.join(question.passage.split())}”", indent="  ")
        self.term.say(f"— {source.citation(question.paragraphs)}", "dim", indent="  ")

    def grade(self, correct: bool | None) -> Rating:
        """The learner's grade. A checked answer suggests one (Enter takes it); free recall has no default, so
        an empty line grades nothing and the question is asked again."""
        default = None if correct is None else Rating.Again if correct is False else Rating.Good
        prompt = "Grade: 1 Again · 2 Hard · 3 Good · 4 Easy" + (f" [Enter: {default.name}]" if default else "") + " > "
        while True:
            reply = self.term.ask(prompt).strip().lower()
            if not reply and default is not None:
                return default
            if reply in GRADES:
                return GRADES[reply]
            self.term.retry("Type 1, 2, 3 or 4 (or a, h, g, e)" + (", or press Enter." if default else "."))


def when(due: datetime, now: datetime) -> str:
    """A due date for people: "in 10 minutes", "in 3 hours", "in 4 days (Tue 12 May)"."""
    seconds = max((due - now).total_seconds(), 0)
    if seconds < 3600:
        minutes = max(round(seconds / 60), 1)
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days = round(seconds / 86400)
    return f"in {days} day{'s' if days != 1 else ''} ({due.astimezone():%a %d %b %Y})"


# ---- asking each kind: each returns whether the answer was right, or None when the learner grades it


def _ask_choice(term: Terminal, item: Item, order: tuple[int, ...]) -> bool:
    """The choices lettered in this showing's `order`; right when the letters picked are exactly the right ones."""
    question = item.question
    right = {shown for shown, authored in enumerate(order) if question.choices[authored].correct}
    several = len(right) > 1
    term.say(plain(question.prompt) + (f" (choose {len(right)})" if several else ""), "bold")
    for shown, authored in enumerate(order):
        term.say(f"{LETTERS[shown]}) {plain(question.choices[authored].text)}", indent="  ")
    last = LETTERS[len(question.choices) - 1]
    while True:
        reply = term.ask("Your answers (letters, e.g. A C) > " if several else "Your answer (letter) > ")
        picked = _letters(reply, len(question.choices))
        if picked is not None and (several or len(picked) == 1):
            return picked == right
        term.retry(f"Type {'one or more letters' if several else 'one letter'} from A to {last}.")


def _letters(reply: str, count: int) -> set[int] | None:
    tokens = re.findall(r"[a-z]|\d+", reply.lower().replace(",", " "))
    if not tokens or re.sub(r"[a-z0-9,\s]", "", reply.lower()):
        return None
    picked = {LETTERS.lower().index(t) if t.isalpha() else int(t) - 1 for t in tokens}
    return picked if all(0 <= p < count for p in picked) else None


def _ask_true_false(term: Terminal, item: Item, order: tuple[int, ...] = ()) -> bool:
    term.say(plain(item.question.prompt), "bold")
    while True:
        reply = term.ask("True or false? [t/f] > ").strip().lower()
        if reply in ("t", "true", "y", "yes", "f", "false", "n", "no"):
            return (reply in ("t", "true", "y", "yes")) == item.question.truth
        term.retry("Type t or f.")


def _ask_type_in(term: Terminal, item: Item, order: tuple[int, ...] = ()) -> bool:
    term.say(plain(item.question.prompt), "bold")
    reply = term.ask("Your answer > ")
    return matches(reply, (item.question.answer, *item.question.accept), item.question.tolerance)


def _ask_cloze(term: Terminal, item: Item, order: tuple[int, ...] = ()) -> bool:
    number = int(item.card[1:])
    gaps = [d for d in cloze.deletions(item.question.prompt) if d.number == number]
    term.say(card_prompt(item), "bold")
    right = True
    for i, gap in enumerate(gaps, start=1):
        label = f"Gap {i}" if len(gaps) > 1 else "Gap"
        reply = term.ask(f"{label}{f' ({plain(gap.hint)})' if gap.hint else ''} > ")
        if not matches(reply, [gap.text]):
            right = False
            wrote = f", you wrote “{reply.strip()}”" if reply.strip() else ""
            term.say(f"{label}: the answer is “{plain(gap.text)}”{wrote}")
    return right


def _blanked(text: str, number: int, numbered: bool) -> str:
    """The cloze text with the asked deletions blank (numbered when several) and the others shown."""
    counter = iter(range(1, 1000))

    def blank(m: re.Match[str]) -> str:
        if int(m.group(1)) != number:
            return str(m.group(2))
        hint = f"…{next(counter) if numbered else ''}"
        return f"[{hint}{': ' + m.group(3) if m.group(3) else ''}]"

    return cloze.DELETION.sub(blank, text)


def _ask_recall(term: Terminal, item: Item, order: tuple[int, ...] = ()) -> None:
    term.say(card_prompt(item), "bold")
    if item.card == "reverse":
        term.say("Which term is this?")
    term.ask("Think of the answer, then press Enter to see it > ")


# Each asks one card (`order`: a choice question's choices as shown this time) and says whether the answer was
# right, or None when the learner grades it.
ASK: dict[Kind, Callable[[Terminal, Item, tuple[int, ...]], bool | None]] = {
    Kind.CHOICE: _ask_choice,
    Kind.TRUE_FALSE: _ask_true_false,
    Kind.TYPE_IN: _ask_type_in,
    Kind.CLOZE: _ask_cloze,
    Kind.BASIC: _ask_recall,
    Kind.REVERSED: _ask_recall,
}


def card_prompt(item: Item) -> str:
    """What a card asks, as plain text: a cloze with its own gaps blank, a reversed card its definition."""
    question = item.question
    if question.kind is Kind.CLOZE:
        number = int(item.card[1:])
        several = sum(d.number == number for d in cloze.deletions(question.prompt)) > 1
        return plain(_blanked(question.prompt, number, several))
    return plain(question.answer if item.card == "reverse" else question.prompt)


def answer_text(item: Item, order: tuple[int, ...] = ()) -> str:
    """The right answer of a card as plain text; a choice question's letters follow `order` (default: authored)."""
    question = item.question
    if question.kind is Kind.CHOICE:
        shown = order or tuple(range(len(question.choices)))
        return ", ".join(f"{LETTERS[i]}) {plain(question.choices[a].text)}" for i, a in enumerate(shown)
                         if question.choices[a].correct)
    if question.kind is Kind.TRUE_FALSE:
        return "True" if question.truth else "False"
    if question.kind is Kind.CLOZE:
        return plain(cloze.reveal(question.prompt))
    if item.card == "reverse":
        return plain(question.prompt)
    return plain(question.answer)


# ---- the whole run


def run_quiz(bank: Bank, options: QuizOptions, terminal: Terminal | None = None,
             clock: Callable[[], datetime] | None = None, rng: random.Random | None = None) -> int:
    """Ask what is due, then print the summary; returns the exit status (130 after Ctrl-C).

    `clock` gives aware datetimes (default `local_now`); its time zone decides when a day starts."""
    term = terminal or Terminal()
    clock = clock or local_now
    progress = Progress(options.progress or default_path(bank), bank)
    try:
        cards = items(options.selection.apply(bank.questions))
        todo = plan(cards, progress, options.new_per_day, clock())
        session = Session(bank, progress, term, clock, rng)
        notice = progress.damage_notice()
        if notice:
            click.echo(f"note: {inert(notice)}", err=True)
        _introduce(term, bank, todo, options.new_per_day, len(cards))
        status = 0
        try:
            session.run(todo.due + todo.new)
        except Stop:
            pass
        except KeyboardInterrupt:
            print(flush=True)
            status = 130
        _summary(term, session.results, cards, progress, clock())
        return status
    finally:
        progress.close()


def _introduce(term: Terminal, bank: Bank, todo: Plan, new_per_day: int, total: int) -> None:
    """What this session holds, before the first card."""
    term.say(bank.title, "head")
    term.say(f"{len(todo.due)} due for review, {len(todo.new)} new (up to {new_per_day} new a day, "
             f"{todo.new_today} already today), out of {total} cards.")
    if todo.due or todo.new:
        term.say("Every answer is saved at once. Type q, or press Ctrl-D or Ctrl-C, to stop.", "dim")
    else:
        term.say("Nothing is due now.")


def _summary(term: Terminal, results: list[Result], cards: list[Item], progress: Progress, now: datetime) -> None:
    term.say()
    if results:
        checked = [r for r in results if r.correct is not None]
        grades = Counter(r.rating for r in results)
        term.say(f"Session: {len(results)} answer(s) to {len({r.item.key for r in results})} card(s).", "head")
        if checked:
            term.say(f"Checked answers right: {sum(r.right for r in checked)} of {len(checked)}.")
        term.say("Grades: " + " · ".join(f"{rating.name} {grades[rating]}" for rating in Rating))
        _by_source(term, results)
        missed = list(dict.fromkeys(r.item for r in results if not r.right))
        if missed:
            term.say("To look at again:")
        for item in missed:
            term.say(f"{item.question.id}: {card_prompt(item)}", indent="  ")
    known = progress.cards()
    upcoming = sorted(known[i.key].due for i in cards if i.key in known)
    if upcoming:
        soon = sum(due <= now + timedelta(days=1) for due in upcoming)
        term.say(f"Next card due {when(upcoming[0], now)}; {soon} due within a day.")
    term.say(f"Progress: {progress.path}", "dim", wrap=False)


def _by_source(term: Terminal, results: list[Result]) -> None:
    tally: dict[str, list[int]] = {}
    for result in results:
        counts = tally.setdefault(result.item.question.source, [0, 0])
        counts[0] += result.right
        counts[1] += 1
    if len(tally) > 1:
        term.say("By source: " + " · ".join(f"{s} {r}/{n}" for s, (r, n) in sorted(tally.items())))
