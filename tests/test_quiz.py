"""`studydeck quiz`, driven through a pseudo-terminal as a learner would use it, and its progress file."""

from __future__ import annotations

import io
import itertools
import os
import re
import signal
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pexpect
import pytest
from fsrs import Card, Rating, Scheduler

from studydeck import quiz
from studydeck.cli import main
from studydeck.model import Kind, Question
from studydeck.progress import parse, stamp
from studydeck.quiz import Item, _letters, answer_text, card_prompt, items, when

GRADE = "Grade: 1 Again · 2 Hard · 3 Good · 4 Easy"
REVEAL = "press Enter to see it > "
# The scaffold bank's cards in bank order: a reversed question gives two, the cloze one per deletion number.
CARDS = [("two-bulges", ""), ("spring-tide-term", ""), ("spring-tide-term", "reverse"), ("two-high-tides", "c1"),
         ("two-high-tides", "c2"), ("sun-vs-moon", ""), ("spring-when", ""), ("spring-season", "")]
# The quiz's clock in every test: noon in Tokyo, whatever the machine's time zone and time of day.
TOKYO = timezone(timedelta(hours=9))
NOON = datetime(2026, 5, 12, 12, 0, tzinfo=TOKYO)
# `studydeck quiz` with its clock set: it starts at the time given first and moves one second per reading.
CLOCKED = """
import itertools, sys
from datetime import datetime, timedelta
import studydeck.quiz
start, ticks = datetime.fromisoformat(sys.argv[1]), itertools.count()
studydeck.quiz.local_now = lambda: start + timedelta(seconds=next(ticks))
from studydeck.cli import main
sys.exit(main(sys.argv[2:]))
"""


def ticking(start: datetime) -> Callable[[], datetime]:
    """A clock that starts at `start` and moves one second each time it is read."""
    ticks = itertools.count()
    return lambda: start + timedelta(seconds=next(ticks))


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quiz run in-process reads the same fixed clock, so no test depends on the machine's midnight."""
    monkeypatch.setattr(quiz, "local_now", ticking(NOON))


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    project = tmp_path / "bank"
    assert main(["init", str(project)]) == 0
    return project


@pytest.fixture
def progress(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


def spawn(bank: Path, progress: Path, *args: str, color: bool = False, at: datetime = NOON) -> pexpect.spawn:
    """`studydeck quiz` in a pseudo-terminal wide enough that no line wraps, its clock starting `at`, in a time
    zone of its own (the machine's, here another one, must not matter)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env["TZ"] = "America/St_Johns"
    if not color:
        env["NO_COLOR"] = "1"
    child = pexpect.spawn(sys.executable, ["-c", CLOCKED, at.isoformat(), "quiz", str(bank), "--progress",
                                           str(progress), *args],
                          env=env, encoding="utf-8", dimensions=(40, 250), timeout=10)
    child.delaybeforesend = None  # every reply waits for its prompt first
    return child


def reply(child: pexpect.spawn, prompt: str, line: str) -> None:
    child.expect_exact(prompt)
    child.sendline(line)


def finish(child: pexpect.spawn) -> tuple[str, int]:
    """The rest of the output and the exit status."""
    child.expect(pexpect.EOF)
    child.close()
    return child.before, child.exitstatus


def rows(progress: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(progress)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def choice_letters(child: pexpect.spawn, prompt: str, *texts: str) -> str:
    """Wait for a choice question's prompt; the letters the choices `texts` got this time (they are shuffled)."""
    child.expect_exact(prompt)
    shown = {text: letter for letter, text in re.findall(r"^  ([A-Z])\) (.+?)\r?$", child.before, re.MULTILINE)}
    return " ".join(sorted(shown[t] for t in texts))


# The cards the first test asks: one per question (a card's siblings are buried until the next day).
ASKED = [("two-bulges", ""), ("spring-tide-term", ""), ("two-high-tides", "c1"), ("sun-vs-moon", ""),
         ("spring-when", ""), ("spring-season", ""), ("tide-period", "")]


def test_a_quiz_over_every_kind_records_grades_and_fsrs_schedules(bank: Path, progress: Path) -> None:
    child = spawn(bank, progress, "--new", "8")
    child.expect_exact("0 due for review, 7 new (up to 8 new a day, 0 already today), out of 9 cards.")
    child.expect_exact("[1/7] Short answer · How the Moon Makes the Tides")
    reply(child, REVEAL, "")
    child.expect_exact("Answer: Two, one facing the Moon and one on the far side.")
    child.expect_exact("The Moon pulls the near ocean towards it and leaves the far ocean behind.")
    child.expect_exact("  “the water forms two bulges at once”")
    child.expect_exact("  — Your Name, “How the Moon Makes the Tides”, Your class notes, 2026, ¶1 [tides#1]")
    reply(child, GRADE + " > ", "")                # free recall: Enter alone grades nothing
    child.expect_exact("Type 1, 2, 3 or 4 (or a, h, g, e).")
    reply(child, GRADE + " > ", "4")
    child.expect_exact("Next time: in ")
    reply(child, REVEAL, "")                      # spring-tide-term
    reply(child, GRADE, "again")
    child.expect_exact("Next time: in 1 minute.")
    # its other way round is a sibling, buried for the day: the cloze comes next, with its first gap only
    child.expect_exact("[3/7] Fill in the blanks")
    child.expect_exact("Most coasts see […] high tides in a little more than 24 hours.")
    reply(child, "Gap > ", " TWO ")
    child.expect_exact("✔ Right.")
    reply(child, "[Enter: Good] > ", "")           # the suggested grade for a right answer
    child.expect_exact("Next time: in 10 minutes.")
    reply(child, "Your answer > ", "  moon! ")     # type-in, forgiving, an accepted alternative
    child.expect_exact("✔ Right.")
    child.expect_exact("Also accepted: Moon")
    reply(child, GRADE, "4")
    child.expect_exact("At which phases of the Moon do spring tides happen? (choose 2)")
    right = choice_letters(child, "Your answers (letters, e.g. A C) > ", "New moon", "Full moon")
    child.sendline("e")
    reply(child, "Type one or more letters from A to D.", right.replace(" ", ", "))
    child.expect_exact("✔ Right.")
    child.expect(r"Answer: (.*?)\r?\n")
    shown = re.findall(r"([A-D])\) (New moon|Full moon)", child.match.group(1))
    assert sorted(letter for letter, _ in shown) == right.split() and len(shown) == 2  # this showing's letters
    child.expect_exact(GRADE)
    child.sendline("4")
    reply(child, "True or false? [t/f] > ", "t")
    child.expect_exact("✘ Not quite.")
    child.expect_exact("Answer: False")
    reply(child, GRADE, "")
    child.expect_exact("[7/7] Short answer")  # the question with an image and a formula: the quiz shows their text
    reply(child, REVEAL, "")
    reply(child, GRADE, "4")
    # the cards that came due again within minutes, in the order they were answered
    child.expect_exact("[again] Term and definition · How")
    reply(child, REVEAL, "")
    reply(child, GRADE, "4")
    child.expect_exact("[again] Fill in the blanks")
    child.expect_exact("Most coasts see […] high tides")
    reply(child, "Gap > ", "two")
    reply(child, GRADE, "")
    child.expect_exact("[again] True or false")
    reply(child, "True or false? [t/f] > ", "false")
    reply(child, GRADE, "4")
    child.expect_exact("Session: 10 answer(s) to 7 card(s).")
    child.expect_exact("Checked answers right: 5 of 6.")
    child.expect_exact("Grades: Again 2 · Hard 0 · Good 2 · Easy 6")
    child.expect_exact("To look at again:")
    child.expect_exact("spring-tide-term: Spring tide")
    child.expect_exact("spring-season: Spring tides happen only in spring.")
    child.expect_exact(f"Progress: {progress}")
    _, status = finish(child)
    assert status == 0

    reviews = rows(progress, "SELECT question, card, rating, correct, reviewed, due FROM reviews ORDER BY id")
    assert [(q, c, r, k) for q, c, r, k, _, _ in reviews] == [
        ("two-bulges", "", 4, None), ("spring-tide-term", "", 1, None), ("two-high-tides", "c1", 3, 1),
        ("sun-vs-moon", "", 4, 1), ("spring-when", "", 4, 1), ("spring-season", "", 1, 0), ("tide-period", "", 4, None),
        ("spring-tide-term", "", 4, None), ("two-high-tides", "c1", 3, 1), ("spring-season", "", 4, 1)]
    # FSRS's learning steps: Again -> 1 minute, Good on a new card -> 10 minutes
    steps = {(q, c, r): parse(due) - parse(at) for q, c, r, _, at, due in reviews[:6]}
    assert steps[("spring-tide-term", "", 1)] == timedelta(minutes=1)
    assert steps[("two-high-tides", "c1", 3)] == timedelta(minutes=10)
    assert NOON < parse(reviews[0][4]) < NOON + timedelta(minutes=1)  # the quiz's own clock, not the machine's
    _assert_cards_match_fsrs(progress, reviews)

    # later the same day the buried siblings stay buried; the next day they are new cards again
    child = spawn(bank, progress, "--new", "8", at=NOON + timedelta(hours=11, minutes=59))
    child.expect_exact("0 due for review, 0 new (up to 8 new a day, 7 already today), out of 9 cards.")
    finish(child)
    child = spawn(bank, progress, "--new", "8", at=NOON + timedelta(hours=12, minutes=1))
    child.expect_exact("new (up to 8 new a day, 0 already today), out of 9 cards.")
    child.sendintr()
    finish(child)


def _assert_cards_match_fsrs(progress: Path, reviews: list[tuple]) -> None:
    """Replaying each card's answers through FSRS gives the stored state; every card has graduated."""
    stored = {(q, c): (state, stability, difficulty, parse(due))
              for q, c, state, stability, difficulty, due in rows(progress,
              "SELECT question, card, state, stability, difficulty, due FROM cards")}
    assert sorted(stored) == sorted(ASKED)
    scheduler = Scheduler(enable_fuzzing=False)
    for key in ASKED:
        card = Card(card_id=0)
        last = None
        for q, c, rating, _, at, _ in reviews:
            if (q, c) == key:
                card, _ = scheduler.review_card(card, Rating(rating), parse(at))
                last = parse(at)
        state, stability, difficulty, due = stored[key]
        assert (state, stability, difficulty) == (card.state.value, pytest.approx(card.stability),
                                                  pytest.approx(card.difficulty))
        assert state == 2 and due - last >= timedelta(days=1)  # Review, days away


def test_a_killed_quiz_keeps_its_answers_and_the_next_run_asks_only_what_is_due(bank: Path, progress: Path) -> None:
    child = spawn(bank, progress, "--new", "3")
    child.expect_exact("0 due for review, 3 new (up to 3 new a day, 0 already today), out of 9 cards.")
    for _ in range(2):
        reply(child, REVEAL, "")
        reply(child, GRADE, "4")
    child.expect_exact("[3/3] Fill in the blanks")
    child.expect_exact("Gap > ")
    child.kill(signal.SIGKILL)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert rows(progress, "PRAGMA integrity_check") == [("ok",)]
    assert rows(progress, "SELECT question, card, rating FROM reviews ORDER BY id") == [
        ("two-bulges", "", 4), ("spring-tide-term", "", 4)]

    # the same day: nothing is due yet, one new card is left of today's three (the reverse of spring-tide-term
    # is buried, as its sibling was answered today)
    child = spawn(bank, progress, "--new", "3", at=NOON + timedelta(minutes=30))
    child.expect_exact("0 due for review, 1 new (up to 3 new a day, 2 already today), out of 9 cards.")
    child.expect_exact("[1/1] Fill in the blanks")
    reply(child, "Gap > ", "two")
    reply(child, GRADE, "4")
    output, status = finish(child)
    assert status == 0 and "[2/" not in output and "Next card due in " in output

    child = spawn(bank, progress, "--new", "3", at=NOON + timedelta(hours=1))
    child.expect_exact("0 due for review, 0 new (up to 3 new a day, 3 already today), out of 9 cards.")
    child.expect_exact("Nothing is due now.")
    output, status = finish(child)
    assert status == 0 and GRADE not in output

    # time passes for one card only: FSRS's stored due date, not the bank order, decides what is asked
    _set_due(progress, "spring-tide-term", "", NOON)
    child = spawn(bank, progress, "--new", "0", at=NOON + timedelta(hours=2))
    child.expect_exact("1 due for review, 0 new (up to 0 new a day, 3 already today), out of 9 cards.")
    child.expect_exact("[1/1] Term and definition · How the Moon Makes the Tides")
    child.expect_exact("Spring tide")
    reply(child, REVEAL, "")
    reply(child, GRADE, "3")
    output, status = finish(child)
    assert status == 0 and "Session: 1 answer(s) to 1 card(s)." in output
    due = parse(rows(progress, "SELECT due FROM cards WHERE question = 'spring-tide-term' AND card = ''")[0][0])
    assert due > NOON + timedelta(days=1)


def _set_due(progress: Path, question: str, card: str, due: datetime) -> None:
    db = sqlite3.connect(progress)
    with db:
        db.execute("UPDATE cards SET due = ? WHERE question = ? AND card = ?", (stamp(due), question, card))
    db.close()


def test_ctrl_c_stops_with_a_summary_and_keeps_the_answers_given(bank: Path, progress: Path) -> None:
    child = spawn(bank, progress, "--kind", "true-false", "--kind", "type-in")
    child.expect_exact("0 due for review, 2 new")
    reply(child, "Your answer > ", "the sun")
    child.expect_exact("✘ Not quite.")
    reply(child, GRADE, "")
    child.expect_exact("True or false? [t/f] > ")
    child.sendintr()
    output, status = finish(child)
    assert status == 130
    assert "Session: 1 answer(s) to 1 card(s)." in output and "sun-vs-moon: Which body" in output
    assert rows(progress, "SELECT question, rating, correct FROM reviews") == [("sun-vs-moon", 1, 0)]


def test_q_stops_without_recording_the_card_on_screen(bank: Path, progress: Path) -> None:
    child = spawn(bank, progress, "--kind", "choice")
    reply(child, "Your answers (letters, e.g. A C) > ", "a c")
    reply(child, GRADE, "q")
    output, status = finish(child)
    assert status == 0 and "Session:" not in output
    assert rows(progress, "SELECT count(*) FROM reviews") == [(0,)]


def test_colour_only_on_a_terminal_without_no_color(bank: Path, progress: Path, capsys, monkeypatch) -> None:
    child = spawn(bank, progress, "--kind", "true-false", color=True)
    reply(child, "True or false? [t/f] > ", "f")
    child.expect_exact("Right.")
    assert "\x1b[" in child.before + child.after
    reply(child, GRADE, "4")
    finish(child)
    scripted(monkeypatch, "t", "")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["quiz", str(bank), "--progress", str(progress), "--kind", "true-false", "--new", "0"]) == 0
    assert "\x1b[" not in capsys.readouterr().out  # stdout is not a terminal here


class Stdin(io.TextIOWrapper):
    """Standard input that answers from `lines`, then ends (Ctrl-D)."""

    def __init__(self, lines: tuple[str, ...]) -> None:
        super().__init__(io.BytesIO("".join(f"{line}\n" for line in lines).encode("utf-8")), encoding="utf-8")


def scripted(monkeypatch: pytest.MonkeyPatch, *lines: str) -> list[str]:
    """Answer the quiz's prompts from `lines`, then Ctrl-D; returns the replies it was fed."""
    monkeypatch.setattr(sys, "stdin", Stdin(lines))
    return list(lines)


def test_filters_choose_the_cards(bank: Path, progress: Path, monkeypatch, capsys) -> None:
    scripted(monkeypatch)
    assert main(["quiz", str(bank), "--progress", str(progress), "--tag", "terms"]) == 0
    # the reversed question's two cards are siblings: one is asked today, the other another day
    assert "0 due for review, 2 new (up to 20 new a day, 0 already today), out of 3 cards." in capsys.readouterr().out
    assert main(["quiz", str(bank), "--progress", str(progress), "--source", "tides", "--kind", "cloze"]) == 0
    assert "out of 2 cards." in capsys.readouterr().out
    assert main(["quiz", str(bank), "--progress", str(progress), "--source", "elsewhere"]) == 0
    assert "Nothing is due now." in capsys.readouterr().out
    assert main(["quiz", str(bank), "--kind", "essay"]) == 2


def test_editing_the_bank_keeps_progress_for_unchanged_ids(bank: Path, progress: Path, monkeypatch, capsys) -> None:
    scripted(monkeypatch, "", "4")
    assert main(["quiz", str(bank), "--progress", str(progress), "--new", "1"]) == 0
    questions = bank / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    text = text.replace("How many tidal bulges does the Moon raise at the same time?", "How many bulges are there?")
    questions.write_text(text.replace("  - id: two-bulges", "  - id: a-new-one\n    source: tides\n"
                                      "    passage: \"the water forms two bulges at once\"\n"
                                      "    question: What forms?\n    answer: Two bulges.\n\n  - id: two-bulges", 1),
                         encoding="utf-8")
    scripted(monkeypatch, "", "4")
    assert main(["quiz", str(bank), "--progress", str(progress), "--new", "2"]) == 0
    out = capsys.readouterr().out
    assert "0 due for review, 1 new (up to 2 new a day, 1 already today), out of 10 cards." in out
    second = out.split("out of 10 cards.")[1]
    assert "What forms?" in second and "How many bulges" not in second and second.count(" > ") == 2
    assert [q for q, in rows(progress, "SELECT question FROM cards ORDER BY introduced")] == ["two-bulges", "a-new-one"]


def test_progress_lives_in_the_users_data_directory_by_default(bank: Path, monkeypatch, capsys) -> None:
    scripted(monkeypatch, "", "3")
    assert main(["quiz", str(bank), "--new", "1"]) == 0
    deck_id = next(line.split()[1] for line in (bank / "questions.yaml").read_text().splitlines()
                   if line.startswith("deck_id:"))
    expected = Path(os.environ["XDG_DATA_HOME"]) / "studydeck" / "progress" / f"{deck_id}.sqlite3"
    assert f"Progress: {expected}" in capsys.readouterr().out
    assert rows(expected, "SELECT count(*) FROM reviews") == [(1,)]


def test_a_progress_file_of_another_bank_is_refused(bank: Path, tmp_path: Path, progress: Path, monkeypatch,
                                                    capsys) -> None:
    other = tmp_path / "other"
    main(["init", str(other)])
    scripted(monkeypatch)
    assert main(["quiz", str(other), "--progress", str(progress)]) == 0
    assert main(["quiz", str(bank), "--progress", str(progress)]) == 1
    assert "holds progress for the bank 'The Tides' (deck_id" in capsys.readouterr().err
    progress.write_bytes(b"not a database at all")
    assert main(["quiz", str(other), "--progress", str(progress)]) == 1
    assert capsys.readouterr().err == (f"studydeck: {progress} is not a studydeck progress file (not an SQLite "
                                       "database); move it aside, or use another file with --progress FILE\n")


def test_a_bank_with_errors_is_not_quizzed(bank: Path, progress: Path, capsys) -> None:
    (bank / "questions.yaml").write_text("title: x\nquestions: 3\n", encoding="utf-8")
    assert main(["quiz", str(bank), "--progress", str(progress)]) == 1
    out, err = capsys.readouterr()
    assert "questions.yaml:2:12: error: 'questions' must be a list" in out
    assert err == "studydeck: 2 error(s) in the bank; fix them to take the quiz\n"
    assert not progress.exists()


def test_letters_and_due_dates_read_naturally() -> None:
    assert _letters("a c", 4) == {0, 2} and _letters("AC", 4) == {0, 2} and _letters("1, 3", 4) == {0, 2}
    assert _letters("e", 4) is None and _letters("a?", 4) is None and _letters("", 4) is None
    now = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
    assert when(now + timedelta(seconds=30), now) == "in 1 minute"
    assert when(now + timedelta(minutes=10), now) == "in 10 minutes"
    assert when(now + timedelta(hours=5), now) == "in 5 hours"
    assert when(now + timedelta(days=4), now).startswith("in 4 days (")


def test_cards_are_the_ones_anki_would_make() -> None:
    text = "The {{c1::Moon}} and the {{c1::Sun}} raise **tides** twice in {{c2::a day::a duration}}."
    gaps = Question("q", Kind.CLOZE, "tides", "p", text)
    term = Question("t", Kind.REVERSED, "tides", "p", "Spring tide", answer="The *largest* tide.")
    assert [i.card for i in items([gaps, term])] == ["c1", "c2", "", "reverse"]
    assert card_prompt(Item(gaps, "c1")) == "The […1] and the […2] raise tides twice in a day."
    assert card_prompt(Item(gaps, "c2")) == "The Moon and the Sun raise tides twice in […: a duration]."
    assert answer_text(Item(gaps, "c2")) == "The Moon and the Sun raise tides twice in a day."
    assert (card_prompt(Item(term, "reverse")), answer_text(Item(term, "reverse"))) == ("The largest tide.", "Spring tide")


class Scripted(quiz.Terminal):
    """A terminal whose learner is a function: it reads what was printed and the prompt, and replies."""

    def __init__(self, learner: Callable[[list[str], str], str]) -> None:
        super().__init__()
        self.color, self.width, self.lines = False, None, []
        self.learner = learner

    def say(self, text: str = "", style: str | None = None, indent: str = "", wrap: bool = True) -> None:
        self.lines.append(indent + text)

    def ask(self, prompt: str) -> str:
        return self.learner(self.lines, prompt)


def picks_right_choices(lines: list[str], prompt: str) -> str:
    """Answers a choice question right by reading the letters of this showing, and grades 3."""
    if prompt.startswith("Grade"):
        return "3"
    shown = {m.group(2): m.group(1) for m in map(re.compile(r"^  ([A-Z])\) (.+)$").match, lines[-6:]) if m}
    return " ".join(shown[t] for t in ("New moon", "Full moon"))


def test_choices_are_shuffled_on_every_showing_unless_the_question_says_not(bank: Path, progress: Path) -> None:
    from studydeck import load_checked
    from studydeck.progress import Progress

    text = (bank / "questions.yaml").read_text(encoding="utf-8")
    loaded = load_checked(bank)
    fixed = text.replace("    answer: [New moon, Full moon]", "    answer: [New moon, Full moon]\n    shuffle: false")
    (bank / "questions.yaml").write_text(fixed, encoding="utf-8")
    for current, expect_shuffled in ((loaded, True), (load_checked(bank), False)):
        question = next(q for q in current.questions if q.kind is Kind.CHOICE)
        assert question.shuffle is expect_shuffled
        term = Scripted(picks_right_choices)
        store = Progress(tmp := progress.with_suffix(f".{expect_shuffled}"), current)
        session = quiz.Session(current, store, term, ticking(NOON), quiz.random.Random(7))
        orders = set()
        for _ in range(12):
            result = session.answer(Item(question))
            assert result.correct is True  # the letters read off the screen are the right ones, whatever the order
            orders.add(tuple(line for line in term.lines if re.match(r"^  [A-D]\) ", line))[-4:])
            answer_line = next(line for line in reversed(term.lines) if line.startswith("Answer: "))
            assert re.findall(r"[A-D]\) (New moon|Full moon)", answer_line) == ["New moon", "Full moon"] or \
                sorted(re.findall(r"[A-D]\) (New moon|Full moon)", answer_line)) == ["Full moon", "New moon"]
        store.close()
        assert tmp.exists()
        if expect_shuffled:
            assert len(orders) > 3
        else:
            assert orders == {("  A) New moon", "  B) First quarter", "  C) Full moon", "  D) Last quarter")}


def test_siblings_are_buried_until_midnight_of_the_clocks_time_zone(bank: Path, progress: Path) -> None:
    from studydeck import load_checked
    from studydeck.progress import Progress

    loaded = load_checked(bank)
    cards = items(loaded.questions)
    store = Progress(progress, loaded)
    late = datetime(2026, 5, 12, 23, 30, tzinfo=TOKYO)
    card, _ = Scheduler().review_card(Card(card_id=0), Rating.Again, late.astimezone(UTC))
    store.record(("spring-tide-term", ""), card, Rating.Again, None, late)

    def planned(now: datetime) -> list[tuple[str, str]]:
        todo = quiz.plan(cards, store, 20, now)
        return [i.key for i in todo.due + todo.new]

    # an hour later in Tokyo it is the next day: the card is due and its sibling (still new) waits for it
    assert planned(late + timedelta(hours=1))[:2] == [("spring-tide-term", ""), ("two-bulges", "")]
    assert ("spring-tide-term", "reverse") not in planned(late + timedelta(hours=1))
    # just before midnight the same day, the sibling is buried too; the next day, once the card is no longer
    # due, the sibling comes as a new card
    assert ("spring-tide-term", "reverse") not in planned(late + timedelta(minutes=10))
    card, _ = Scheduler().review_card(card, Rating.Easy, (late + timedelta(hours=1)).astimezone(UTC))
    store.record(("spring-tide-term", ""), card, Rating.Easy, None, late + timedelta(hours=1))
    assert ("spring-tide-term", "reverse") not in planned(late + timedelta(hours=2))  # answered today (the 13th)
    assert card.due > late + timedelta(days=1, minutes=40)
    assert ("spring-tide-term", "reverse") in planned(late + timedelta(days=1, minutes=40))  # 00:10 on the 14th
    # the same instants on a UTC clock fall on one day (14:30 and 15:30): the day is the clock's, not the machine's
    utc = late.astimezone(UTC)
    assert utc.date() == (utc + timedelta(hours=1)).date()
    store.close()
