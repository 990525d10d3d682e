"""Hostile input, faults and interruptions (issue 13) in the terminal quiz, its progress file, `init`, the text
every command prints, and the last-resort handler: always a clear message and an exit status, never a
traceback, a hang or unbounded memory, and nothing of the learner's lost or of another program's touched."""

from __future__ import annotations

import io
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from studydeck import progress as progress_module
from studydeck.cli import main
from studydeck.terminal import MAX_REPLY, TOO_LONG, inert, read_reply

NOW = "2026-05-12T12:00:00+09:00"
LATER = "2026-05-12T13:00:00+09:00"  # an hour on: a card answered Again at NOW is due
ADVICE = "move it aside, or use another file with --progress FILE"
# What a terminal would obey: C0 controls but tab and newline, DEL, C1 controls, bidi embeddings, overrides
# and isolates.
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    project = tmp_path / "bank"
    assert main(["init", str(project)]) == 0
    return project


@pytest.fixture
def progress(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


def studydeck(*args: str | Path, stdin: bytes | int | None = b"", now: str = NOW, timeout: float = 60,
              **popen: object) -> subprocess.CompletedProcess[str]:
    """`studydeck ARGS` as a learner runs it from a shell, answers piped in, the clock fixed at `now`."""
    env = {**os.environ, "NO_COLOR": "1", "STUDYDECK_NOW": now, "PYTHONUTF8": "1"}
    piped = {"input": stdin} if isinstance(stdin, bytes) else {"stdin": stdin}
    result = subprocess.run([sys.executable, "-m", "studydeck", *map(str, args)], capture_output=True, env=env,
                            timeout=timeout, **piped, **popen)  # type: ignore[call-overload]
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode("utf-8", "replace"),
                                       result.stderr.decode("utf-8", "replace"))


def clean(run: subprocess.CompletedProcess[str]) -> None:
    """What a user sees has no traceback and nothing a terminal would obey."""
    assert "Traceback" not in run.stdout + run.stderr
    assert not OBEYED.search(run.stdout + run.stderr), OBEYED.findall(run.stdout + run.stderr)


Run = subprocess.CompletedProcess


@pytest.fixture(autouse=True)
def _in_process(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """`inside` below runs studydeck in this process (fast), with the answers and the clock it is given."""
    global _patch, _capture
    _patch, _capture = monkeypatch, capsysbinary


_patch: pytest.MonkeyPatch
_capture: pytest.CaptureFixture[bytes]


def inside(*args: str | Path, stdin: bytes = b"", now: str = NOW) -> Run[str]:
    """`studydeck ARGS` run by `main` in this process: its answers from `stdin`, its clock at `now`."""
    _patch.setenv("STUDYDECK_NOW", now)
    _patch.setenv("NO_COLOR", "1")
    _patch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    _capture.readouterr()
    status = main([str(a) for a in args])
    out, err = _capture.readouterr()
    run = Run(list(args), status, out.decode("utf-8"), err.decode("utf-8"))
    clean(run)
    return run


def quiz(bank: Path, progress: Path, *args: str, stdin: bytes = b"", now: str = NOW) -> Run[str]:
    """`studydeck quiz` in this process, on `progress`."""
    return inside("quiz", bank, "--progress", progress, *args, stdin=stdin, now=now)


def piped(bank: Path, progress: Path, *args: str, stdin: bytes | int | None = b"", now: str = NOW,
          **popen: object) -> Run[str]:
    """`studydeck quiz` in a process of its own, its answers through a pipe (or the file `stdin`)."""
    run = studydeck("quiz", bank, "--progress", progress, *args, stdin=stdin, now=now, **popen)
    clean(run)
    return run


def rows(path: Path, sql: str, *values: object) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, values).fetchall()
    finally:
        db.close()


def change(path: Path, sql: str, *values: object) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(sql, values)
    finally:
        db.close()


def reviews(progress: Path) -> int:
    return int(rows(progress, "SELECT count(*) FROM reviews")[0][0])  # type: ignore[call-overload]


def history(bank: Path, progress: Path) -> None:
    """Two cards answered Again at NOW: both due an hour later."""
    run = quiz(bank, progress, "--new", "2", "--kind", "basic", "--kind", "reversed", stdin=b"\n1\n\n1\n")
    assert run.returncode == 0 and reviews(progress) == 2


# ---- damaged progress values: the bad record is ignored with a notice, the rest of the history is used


DAMAGE = [
    ("state", "'learning'", "state 'learning' is not one of FSRS's"),
    ("state", "7", "state 7 is not one of FSRS's"),
    ("state", "2.5", "state 2.5 is not one of FSRS's"),
    ("step", "-1", "step -1 does not fit its state"),
    ("step", "'two'", "step 'two' does not fit its state"),
    ("step", "NULL", "step None does not fit its state"),
    ("stability", "9e999", "stability inf is not a number FSRS can use"),
    ("stability", "-9e999", "stability -inf is not a number FSRS can use"),
    ("stability", "NULL", "stability None is not a number FSRS can use"),  # how SQLite stores a NaN
    ("stability", "-3.5", "stability -3.5 is not a number FSRS can use"),
    ("stability", "x'00ff'", "stability b'\\x00\\xff' is not a number FSRS can use"),
    ("difficulty", "50", "difficulty 50.0 is not a number FSRS can use"),
    ("difficulty", "'hard'", "difficulty 'hard' is not a number FSRS can use"),
    ("due", "'yesterday'", "due 'yesterday' is not a time"),
    ("due", "'2026-02-30T00:00:00.000000Z'", "due '2026-02-30T00:00:00.000000Z' is not a time"),
    ("due", "'9999-12-31T23:59:59.999999Z'", "due '9999-12-31T23:59:59.999999Z' is not a time"),
    ("due", "12345", "due '12345' is not a time"),
    ("last_review", "'soon'", "last review 'soon' is not a time"),
    ("last_review", "NULL", "it has a memory state without a review, or a review without one"),
]


@pytest.mark.parametrize(("column", "value", "why"), DAMAGE, ids=[f"{c}={v}" for c, v, _ in DAMAGE])
def test_a_damaged_card_record_is_ignored_and_the_rest_of_the_history_kept(bank: Path, progress: Path, column: str,
                                                                          value: str, why: str) -> None:
    history(bank, progress)
    change(progress, f"UPDATE cards SET {column} = {value} WHERE question = 'two-bulges'")
    before = progress.read_bytes()
    run = quiz(bank, progress, "--new", "0", now=LATER)
    assert run.returncode == 0
    assert run.stderr == (f"note: {progress}: ignored 1 damaged card record(s) ('two-bulges': {why}); those cards "
                          "are asked as new, and their record is replaced when answered (their past answers stay in "
                          "the file)\n")
    # the other card is due as scheduled; the damaged one waits among the new cards (none today with --new 0)
    assert "1 due for review, 0 new" in run.stdout and "Which term is this?" not in run.stdout
    assert "Spring tide" in run.stdout
    assert progress.read_bytes() == before  # nothing answered: the file holds what it held


def test_a_damaged_card_is_asked_as_new_and_its_record_replaced_when_answered(bank: Path, progress: Path) -> None:
    history(bank, progress)
    change(progress, "UPDATE cards SET stability = 9e999, question = 'two-bulges' WHERE question = 'two-bulges'")
    run = quiz(bank, progress, "--new", "3", "--kind", "basic", now=LATER, stdin=b"\n4\n")
    assert run.returncode == 0 and "0 due for review, 1 new" in run.stdout and "damaged" in run.stderr
    assert reviews(progress) == 3  # the answers before the damage are all still there
    assert quiz(bank, progress, "--new", "0", now=LATER).stderr == ""  # replaced: nothing damaged any more


def test_damaged_ids_and_rows_of_questions_no_longer_in_the_bank(bank: Path, progress: Path) -> None:
    history(bank, progress)
    change(progress, "INSERT INTO cards SELECT 'a-removed-question', card, state, step, stability, difficulty, "
                     "due, last_review, introduced FROM cards WHERE question = 'two-bulges'")
    assert quiz(bank, progress, "--new", "0", now=LATER).stderr == ""  # a removed question's history is kept
    change(progress, "UPDATE cards SET question = x'ff' WHERE question = 'a-removed-question'")
    change(progress, "INSERT INTO reviews (question, card, reviewed, rating, correct, due) "
                     "VALUES (x'ff', 7, 3.5, 'good', 'yes', x'00')")
    run = quiz(bank, progress, "--new", "0", now=LATER)
    assert run.returncode == 0 and "2 due for review" in run.stdout
    assert "ignored 1 damaged card record(s) (" in run.stderr and ": its question id or card is not text)" in run.stderr


def test_many_damaged_records_are_summed_up_in_one_line(bank: Path, progress: Path) -> None:
    history(bank, progress)
    for n in range(5):
        change(progress, "INSERT INTO cards VALUES (?, '', 9, NULL, NULL, NULL, 'x', NULL, 'x')", f"gone-{n}")
    run = quiz(bank, progress, "--new", "0", now=LATER)
    assert run.returncode == 0 and run.stderr.count("\n") == 1
    assert "ignored 5 damaged card record(s) ('gone-0': state 9 is not one of FSRS's; 'gone-1'" in run.stderr
    assert "; and 2 more); those cards" in run.stderr


# ---- files that are not studydeck's progress: refused with a message, left byte for byte as they were


def refused(bank: Path, progress: Path, message: str, status: int = 1) -> None:
    """The quiz refuses `progress` with `message` and leaves it (and its folder) exactly as it was."""
    before = progress.read_bytes() if progress.is_file() else None
    around = sorted(p.name for p in progress.parent.iterdir())
    run = quiz(bank, progress, stdin=b"\n3\n")
    assert (run.returncode, run.stdout, run.stderr) == (status, "", message)
    if before is not None:
        assert progress.read_bytes() == before
    assert sorted(p.name for p in progress.parent.iterdir()) == around  # no journal or side file left


def another_programs_database(path: Path, schema: str) -> None:
    db = sqlite3.connect(path)
    db.executescript(schema)
    db.commit()
    db.close()


@pytest.mark.parametrize(("schema", "holds"), [
    ("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ann');", "it holds users"),
    ("CREATE TABLE meta (key TEXT, value TEXT); CREATE TABLE notes (x);", "it holds notes"),
    ("CREATE TABLE cards (id INTEGER); CREATE VIEW v AS SELECT 1;", "it holds v"),
    ("CREATE TABLE meta (k, v);", "its tables differ"),
])
def test_another_programs_sqlite_database_is_refused_and_left_untouched(bank: Path, progress: Path, schema: str,
                                                                       holds: str) -> None:
    another_programs_database(progress, schema)
    refused(bank, progress, f"studydeck: {progress} is not a studydeck progress file: it is another program's "
                            f"database ({holds}); studydeck left it untouched. Use another file with --progress FILE\n")


def test_a_database_in_wal_mode_is_refused_without_a_side_file(bank: Path, progress: Path) -> None:
    another_programs_database(progress, "PRAGMA journal_mode=WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);")
    refused(bank, progress, f"studydeck: {progress} is not a studydeck progress file: it is another program's "
                            "database (in WAL mode); studydeck left it untouched. Use another file with --progress "
                            "FILE\n")


def test_tables_of_our_names_with_other_columns_are_refused(bank: Path, progress: Path) -> None:
    another_programs_database(progress, "CREATE TABLE meta (key TEXT, value TEXT); CREATE TABLE reviews (id);"
                                        "CREATE TABLE cards (question, card, state, step, stability, difficulty);")
    refused(bank, progress, f"studydeck: {progress} is not a studydeck progress file: its table 'cards' has other "
                            "columns; studydeck left it untouched. Use another file with --progress FILE\n")


@pytest.mark.parametrize("content", [b"not a database at all\n", b"SQLite format 3\x00" + b"\xff" * 200,
                                     bytes(range(256)) * 40, b"\x00" * 4096])
def test_a_file_that_is_not_sqlite_is_refused(bank: Path, progress: Path, content: bytes) -> None:
    progress.write_bytes(content)
    refused(bank, progress, f"studydeck: {progress} is not a studydeck progress file (not an SQLite database); "
                            f"{ADVICE}\n")


def test_a_truncated_progress_file_is_refused_with_a_way_to_recover_it(bank: Path, progress: Path) -> None:
    history(bank, progress)
    db = sqlite3.connect(progress)
    db.executemany("INSERT INTO reviews (question, card, reviewed, rating, due) VALUES (?, '', ?, 3, ?)",
                   [(f"q{n}" * 20, f"2026-01-01T00:00:{n % 60:02}.000000Z", "x" * 200) for n in range(400)])
    db.commit()
    db.close()
    progress.write_bytes(progress.read_bytes()[: progress.stat().st_size // 2])
    run = quiz(bank, progress)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.startswith(f"studydeck: {progress} is damaged (")
    assert run.stderr.endswith(f"): {ADVICE}; 'sqlite3 {progress} .recover' may save what is left of it\n")


@pytest.mark.parametrize(("written", "message"), [
    ("2", "was written by a newer studydeck (progress format 2; this one reads format 1): update studydeck, or "
          "use another file with --progress FILE"),
    ("17", "was written by a newer studydeck (progress format 17; this one reads format 1): update studydeck, or "
           "use another file with --progress FILE"),
    ("one", f"has an unknown progress format ('one'); {ADVICE}"),
    ("0", f"has an unknown progress format ('0'); {ADVICE}"),
])
def test_a_progress_file_of_another_format_is_refused(bank: Path, progress: Path, written: str, message: str) -> None:
    history(bank, progress)
    change(progress, "UPDATE meta SET value = ? WHERE key = 'format'", written)
    refused(bank, progress, f"studydeck: {progress} {message}\n")


def test_another_banks_progress_is_refused_and_left_untouched(bank: Path, progress: Path, tmp_path: Path) -> None:
    history(bank, progress)
    main(["init", str(tmp_path / "other")])
    before = progress.read_bytes()
    run = quiz(tmp_path / "other", progress)
    assert run.returncode == 1 and "holds progress for the bank 'The Tides'" in run.stderr
    assert run.stderr.endswith("; use another file with --progress FILE\n") and progress.read_bytes() == before


def test_a_folder_a_path_under_a_file_and_a_fifo_are_refused(bank: Path, tmp_path: Path) -> None:
    run = quiz(bank, tmp_path)
    assert run.returncode == 2 and f"File '{tmp_path}' is a directory." in run.stderr
    (tmp_path / "plain").write_text("x")
    under = tmp_path / "plain" / "progress.sqlite3"
    assert quiz(bank, under).stderr == (f"studydeck: cannot use {under}: {tmp_path / 'plain'} is a file, not a "
                                        "folder; use another file with --progress FILE\n")
    deeper = tmp_path / "plain" / "a" / "b" / "progress.sqlite3"
    assert quiz(bank, deeper).stderr == (f"studydeck: cannot use {deeper}: {tmp_path / 'plain'} is a file, not a "
                                         "folder; use another file with --progress FILE\n")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    run = piped(bank, fifo, timeout=20)
    assert (run.returncode, run.stderr) == (1, f"studydeck: {fifo} is not a regular file; use a file with "
                                               "--progress FILE\n")


def test_a_locked_progress_file_is_refused_until_it_is_free(bank: Path, progress: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    history(bank, progress)
    monkeypatch.setattr(progress_module, "BUSY_TIMEOUT", 0.1)
    holder = sqlite3.connect(progress, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        run = quiz(bank, progress)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == 1
    assert run.stderr == (f"studydeck: cannot use {progress}: database is locked; another program "
                                       "(another studydeck quiz?) is using it: finish that first, then try again\n")


class LockingStdin(io.BufferedReader):
    """Answers from `data`; another program locks the progress file just before the grade is read."""

    def __init__(self, data: bytes, progress: Path) -> None:
        super().__init__(io.BytesIO(data))  # type: ignore[arg-type]
        self.progress, self.reads, self.holder = progress, 0, None

    def readline(self, size: int | None = -1) -> bytes:
        self.reads += 1
        if self.reads == 2:
            self.holder = sqlite3.connect(self.progress, isolation_level=None)
            self.holder.execute("BEGIN IMMEDIATE")
        return super().readline(size)


def test_an_answer_that_cannot_be_saved_stops_the_quiz_with_a_message(bank: Path, progress: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    history(bank, progress)
    monkeypatch.setattr(progress_module, "BUSY_TIMEOUT", 0.1)
    stdin = LockingStdin(b"\n3\n", progress)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(stdin))
    monkeypatch.setenv("STUDYDECK_NOW", LATER)
    _capture.readouterr()
    try:
        assert main(["quiz", str(bank), "--progress", str(progress), "--new", "1"]) == 1
    finally:
        assert stdin.holder is not None
        stdin.holder.execute("ROLLBACK")
        stdin.holder.close()
    assert _capture.readouterr().err.decode() == (
        f"studydeck: cannot save this answer (those before it are saved) in {progress}: database is locked; another "
        "program (another studydeck quiz?) is using it: finish that first, then try again\n")
    assert reviews(progress) == 2


# ---- q, quit, Ctrl-D and Ctrl-C stop the quiz at every prompt; "q" in quotes is an answer


# A kind of card, the replies that reach the prompt under test, and that prompt.
PROMPTS = [
    ("basic", b"", "Think of the answer, then press Enter to see it > "),
    ("basic", b"\n", "Grade: 1 Again · 2 Hard · 3 Good · 4 Easy > "),
    ("type-in", b"", "Your answer > "),
    ("type-in", b"Sun\n", "[Enter: Again] > "),
    ("cloze", b"", "Gap > "),
    ("choice", b"", "Your answers (letters, e.g. A C) > "),
    ("true-false", b"", "True or false? [t/f] > "),
    ("true-false", b"t\n", "[Enter: Again] > "),
]


@pytest.mark.parametrize("stop", [b"q\n", b"quit\n", b"  Q \n", b"QUIT", b""], ids=["q", "quit", "Q", "QUIT-eof", "eof"])
@pytest.mark.parametrize(("kind", "before", "prompt"), PROMPTS, ids=[f"{k}-{len(b)}" for k, b, _ in PROMPTS])
def test_q_quit_and_the_end_of_input_stop_at_every_prompt(bank: Path, progress: Path, kind: str, before: bytes,
                                                          prompt: str, stop: bytes) -> None:
    after = b"3\n3\n" if stop.endswith(b"\n") else b""  # what would answer, were the quiz not stopped
    run = quiz(bank, progress, "--kind", kind, stdin=before + stop + after)
    assert run.returncode == 0 and run.stderr == ""
    assert prompt in run.stdout and "Session:" not in run.stdout  # nothing was answered
    assert reviews(progress) == 0


def test_an_answer_that_is_literally_q_is_typed_in_quotes(bank: Path, progress: Path) -> None:
    questions = bank / "questions.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace(
        "    answer: the Moon\n    accept: [Moon]\n", "    answer: q\n"), encoding="utf-8")
    for typed in (b'"q"', b"'q'", b"\xe2\x80\x9cq\xe2\x80\x9d"):
        progress.unlink(missing_ok=True)
        run = quiz(bank, progress, "--kind", "type-in", stdin=typed + b"\n3\n")
        assert "✔ Right." in run.stdout and reviews(progress) == 1


def spawn(bank: Path, progress: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "STUDYDECK_NOW": NOW}
    # As from an interactive shell: Ctrl-C interrupts even when these tests run in the background (`&` makes
    # SIGINT ignored, and Python then installs no handler of its own).
    child = pexpect.spawn(sys.executable, ["-m", "studydeck", "quiz", str(bank), "--progress", str(progress), *args],
                          env=env, encoding="utf-8", dimensions=(40, 250), timeout=20,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    child.delaybeforesend = None
    return child


@pytest.mark.parametrize(("kind", "before", "prompt"), [p for p in PROMPTS if p[0] in ("cloze", "type-in")])
def test_ctrl_c_and_ctrl_d_stop_at_every_prompt_on_a_terminal(bank: Path, progress: Path, kind: str, before: bytes,
                                                              prompt: str) -> None:
    for key, status in (("c", 130), ("d", 0)):
        child = spawn(bank, progress, "--kind", kind)
        for line in before.decode().splitlines():
            child.expect_exact(" > ")
            child.sendline(line)
        child.expect_exact(prompt)
        child.sendcontrol(key)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == status and "Traceback" not in child.before
        assert reviews(progress) == 0


# ---- absurd input through a pipe: never a traceback, a hang or unbounded memory


@pytest.mark.parametrize("typed", [
    b"\xff\xfe\xc0\xaf not UTF-8", b"nul\x00in the middle", b"\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x9b",
    b"\xe2\x80\xae\x08\x08\rbackspaced", b"9" * 4000, b"1e999", b"\x00" * 100,
])
def test_binary_bytes_and_escapes_are_an_answer_shown_inert(bank: Path, progress: Path, typed: bytes) -> None:
    run = quiz(bank, progress, "--kind", "type-in", stdin=typed + b"\n1\n")
    assert run.returncode == 0 and "✘ Not quite." in run.stdout and reviews(progress) == 1


def test_a_line_too_long_is_skipped_and_asked_again(bank: Path, progress: Path) -> None:
    long = b"Moon" * (MAX_REPLY // 4) + b"!"
    run = quiz(bank, progress, "--kind", "type-in", stdin=long + b"\nthe Moon\n3\n")
    assert f"That line is too long (over {MAX_REPLY} bytes) and was ignored." in run.stdout
    assert "✔ Right." in run.stdout and reviews(progress) == 1


def test_a_reply_without_a_final_newline_counts(bank: Path, progress: Path) -> None:
    run = quiz(bank, progress, "--kind", "true-false", stdin=b"f\n4")
    assert "✔ Right." in run.stdout and "Easy 1" in run.stdout and reviews(progress) == 1


def test_endless_replies_that_mean_nothing_end_the_quiz(bank: Path, progress: Path) -> None:
    run = piped(bank, progress, "--kind", "choice", stdin=b"y\n" * 100_000, timeout=30)
    assert run.returncode == 0 and "10 replies in a row were not understood; stopping." in run.stdout
    assert reviews(progress) == 0
    run = piped(bank, progress, "--kind", "type-in", stdin=b"\n" * 100_000, timeout=30)  # always wrong: Again
    assert run.returncode == 0 and "That was this card's 10th time today; it comes back next session." in run.stdout
    assert reviews(progress) == 10


def test_a_closed_or_unreadable_standard_input_ends_the_quiz(bank: Path, progress: Path, tmp_path: Path) -> None:
    closed = piped(bank, progress, "--kind", "type-in", stdin=None, preexec_fn=lambda: os.close(0))
    assert closed.returncode == 0 and "Your answer > " in closed.stdout
    unreadable = os.open(tmp_path / "answers", os.O_WRONLY | os.O_CREAT)  # open for writing only
    try:
        run = piped(bank, progress, "--kind", "type-in", stdin=unreadable)
    finally:
        os.close(unreadable)
    assert run.returncode == 0 and "cannot read the answers: Bad file descriptor" in run.stdout
    assert reviews(progress) == 0


def test_a_huge_line_through_a_pipe_is_read_in_bounded_memory(bank: Path, progress: Path, tmp_path: Path) -> None:
    def peak(answers: Path) -> int:
        with answers.open("rb") as stdin:
            child = subprocess.Popen([sys.executable, "-m", "studydeck", "quiz", str(bank), "--progress",
                                      str(progress), "--kind", "type-in"], stdin=stdin, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env={**os.environ, "STUDYDECK_NOW": NOW})
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
        assert child.returncode == 0
        return usage.ru_maxrss  # KiB on Linux

    small, huge = tmp_path / "small", tmp_path / "huge"
    small.write_bytes(b"x\n")
    with huge.open("wb") as stream:
        for _ in range(256):
            stream.write(b"a" * (1 << 20))  # one line of 256 MB
        stream.write(b"\nx\n")
    assert peak(huge) < peak(small) + 32 * 1024


def test_read_reply_keeps_memory_bounded_and_decodes_anything() -> None:
    stream = io.BytesIO(b"a" * 10_000 + b"\nshort\r\n\xff\x00end")
    assert read_reply(stream, 100) is TOO_LONG
    assert read_reply(stream, 100) == "short"
    assert read_reply(stream, 100) == "\ufffd\x00end"
    assert read_reply(stream, 100) is None
    assert read_reply(io.BytesIO(b"x" * 100 + b"\n"), 100) == "x" * 100
    assert read_reply(io.BytesIO(b"x" * 101), 100) is TOO_LONG


# ---- text that reaches the terminal is inert


def test_inert_escapes_what_a_terminal_obeys_and_keeps_the_rest() -> None:
    assert inert("\x1b]52;c;aGk=\x07") == "\\x1b]52;c;aGk=\\x07"  # OSC 52: the clipboard
    assert inert("\x1b]0;title\x1b\\") == "\\x1b]0;title\\x1b\\"
    assert inert("a\bb\rc\x00d\x7fe") == "a\\x08b\\x0dc\\x00d\\x7fe"
    assert inert("\x85\x9b31m\x80\x9f") == "\\x85\\x9b31m\\x80\\x9f"  # C1 controls, CSI among them
    assert inert("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") == (
        "\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069")
    assert inert("\udcff") == "\\udcff"  # a file name that was not UTF-8
    kept = "tab\tnew\nline é 漢字 ₂ 🙂 \ufffd \u200f \u00ad «»"
    assert inert(kept) == kept and inert("a\nb", newlines=False) == "a\\nb"
    assert inert(inert("\x1b[2J\u202e")) == inert("\x1b[2J\u202e")


def hostile(bank: Path) -> None:
    """Control characters in every kind of bank and source text (YAML escapes, raw bytes in Markdown)."""
    questions = bank / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    for plain, escaped in [
        ('title: "The Tides"', 'title: "The Tides\\e]52;c;aGk=\\a\\u202e"'),
        ("answer: the Moon\n", 'answer: "the Moon\\e]0;title\\a"\n'),
        ("explanation: The name has nothing to do with the season.", 'explanation: "\\x9b31mThe name\\b\\r has"'),
        ('passage: "the water forms two bulges at once"', 'passage: "The ocean \\e]52;c;eA==\\aon that side"'),
        ("question: How many tidal bulges does the Moon raise at the same time?",
         'question: "\\u2066How\\u2069 many\\x85 tidal\\0 bulges?"'),
        ("      - First quarter", '      - "First\\e[2J quarter"'),
        ("{{c2::24 hours::a duration}}", "{{c2::24 hours::a\\e[5m duration}}"),
    ]:
        assert plain in text
        text = text.replace(plain, escaped, 1)
    questions.write_text(text, encoding="utf-8")
    source = bank / "sources" / "tides.md"
    text = source.read_text(encoding="utf-8").replace("The ocean on that side", "The ocean \x1b]52;c;eA==\x07on that side")
    source.write_text(text.replace('"How the Moon Makes the Tides"', '"How the Moon\\e]0;x\\a Makes the Tides"'),
                      encoding="utf-8")


def test_every_command_prints_bank_text_inert(bank: Path, progress: Path, tmp_path: Path) -> None:
    hostile(bank)
    # `check` refuses control characters in a bank, quoting them at their lines as escapes
    refused = inside("check", bank)  # `inside` asserts that nothing the terminal obeys is printed
    assert refused.returncode == 1 and "remove it" in refused.stdout
    for command in ("build", "quiz", "stats"):
        run = inside(command, bank)
        assert run.returncode == 1 or command == "stats"
    # text that `check` lets through but a terminal would obey (direction controls) reaches it escaped
    other = tmp_path / "bidi"
    assert main(["init", str(other)]) == 0
    questions = other / "questions.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace('title: "The Tides"', 'title: "The Tides\\u202e"').replace(
        "question: How many tidal bulges does the Moon raise at the same time?",
        'question: "\\u2066How\\u2069 many tidal bulges?"'), encoding="utf-8")
    assert "ok: 7 questions" in inside("check", other).stdout
    assert inside("stats", other).returncode == 0
    assert inside("build", other, "--format", "html").returncode == 0
    run = quiz(other, progress, "--new", "9", stdin=b"\n1\n" + b"\n" * 40)
    assert "The Tides\\u202e" in run.stdout and "\\u2066How\\u2069 many tidal bulges?" in run.stdout
    # a problem quotes bank text: an id, the closest match of a passage that is not found
    questions.write_text(questions.read_text(encoding="utf-8").replace(
        "id: spring-when", 'id: "spring\\u202ewhen"'), encoding="utf-8")
    for command in ("check", "build", "quiz"):
        assert inside(command, other).returncode == 1
    assert "spring\\u202ewhen" in inside("check", other).stdout
    new_bank = tmp_path / "new\x1b]0;x\x07bank"
    assert "created" in inside("init", new_bank).stdout


def test_a_reply_is_shown_back_inert(bank: Path, progress: Path) -> None:
    run = quiz(bank, progress, "--kind", "cloze", stdin=b"\x1b]52;c;eA==\x07\n1\n")
    assert "you wrote “\\x1b]52;c;eA==\\x07”" in run.stdout


# ---- init into a place that cannot be written: a message, and nothing left half-made


def traced_init(tmp_path: Path, *args: str | Path, fault: str, path: Path) -> Run[str]:
    """`studydeck init ARGS` in `tmp_path` with the system calls in `fault` (strace's inject syntax) failing on
    `path` (named as studydeck names it, relative to `tmp_path`; calls on an open file are matched by its path)."""
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (tests/setup.sh installs it)")
    command = ["strace", "-f", "-qq", "-o", "/dev/null", "-P", str(path if "write" in fault else path.relative_to(tmp_path)), "-e", f"trace={fault.split(':')[0]}",
               "-e", f"inject={fault}", sys.executable, "-m", "studydeck", "init", *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    run = Run(command, result.returncode, result.stdout, result.stderr)
    clean(run)
    return run


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_init_on_a_read_only_file_system_says_so_and_makes_nothing(tmp_path: Path) -> None:
    run = traced_init(tmp_path, "bank", fault="mkdir,mkdirat:error=EROFS", path=tmp_path / "bank")
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == ("studydeck: cannot create the bank in bank: Read-only file system (bank); nothing was "
                          "left behind\n")
    assert not (tmp_path / "bank").exists()


@pytest.mark.parametrize(("fault", "failing", "why"), [
    ("write:error=ENOSPC", "sources/tides.md", "No space left on device"),
    ("openat:error=EACCES", "media/chime.wav", "Permission denied (bank/media/chime.wav)"),
    ("openat:error=EROFS", "questions.yaml", "Read-only file system (bank/questions.yaml)"),
    ("write:error=EIO", "questions.yaml", "Input/output error"),
])
def test_init_that_fails_part_way_removes_what_it_made(tmp_path: Path, fault: str, failing: str, why: str) -> None:
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "notes.txt").write_text("mine")
    run = traced_init(tmp_path, "bank", fault=fault, path=tmp_path / "bank" / failing)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == f"studydeck: cannot create the bank in bank: {why}; nothing was left behind\n"
    assert tree(tmp_path / "bank") == ["notes.txt"]  # the learner's own file stays, nothing of init's does
    assert main(["init", str(tmp_path / "bank")]) == 0  # and init works once the place can be written


def test_init_from_another_bank_that_fails_part_way_removes_the_copy(tmp_path: Path, bank: Path) -> None:
    run = traced_init(tmp_path, "copy", "--from", bank, fault="write,sendfile,copy_file_range:error=ENOSPC",
                      path=tmp_path / "copy" / "media" / "chime.wav")
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == ("studydeck: cannot create the bank in copy: No space left on device (copy/media/chime.wav); "
                          "nothing was left behind\n")
    assert not (tmp_path / "copy").exists()


def test_init_with_a_file_in_the_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("file").write_text("x")
    run = inside("init", "file/bank")
    assert (run.returncode, run.stderr) == (1, "studydeck: cannot create the bank in file/bank: file is a file, not "
                                               "a folder; nothing was left behind\n")
    Path("bank").mkdir()
    Path("bank/sources").write_text("x")
    run = inside("init", "bank")
    assert (run.returncode, run.stderr) == (1, "studydeck: cannot create the bank in bank: bank/sources is a file, "
                                               "not a folder; nothing was left behind\n")
    assert tree(Path("bank")) == ["sources"]
    assert inside("init", "file").returncode == 2  # click: "Directory 'file' is a file."


def test_init_past_the_file_size_limit_removes_what_it_made(tmp_path: Path) -> None:
    """A full disk, as the system's file size limit gives it to anyone, root included."""
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    run = studydeck("init", tmp_path / "bank", preexec_fn=limited)
    clean(run)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == (f"studydeck: cannot create the bank in {tmp_path / 'bank'}: File too large; nothing was "
                          "left behind\n")
    assert not (tmp_path / "bank").exists()


# ---- the last resort: a bug ends in one line and a log, Ctrl-C in status 130, a closed pipe quietly


def test_an_internal_error_ends_in_one_line_and_a_log(bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import studydeck.stats

    def broken(*_: object) -> None:
        raise ZeroDivisionError("a bug\nwith \x1b]0;two lines\x07")

    monkeypatch.setattr(studydeck.stats, "bank_stats", broken)
    run = inside("stats", bank)
    logs = list((Path(os.environ["XDG_CACHE_HOME"]) / "studydeck" / "errors").glob("*.log"))
    assert run.returncode == 70 and len(logs) == 1
    assert run.stderr == ("studydeck: internal error: ZeroDivisionError: a bug with \\x1b]0;two lines\\x07; please "
                          f"report it; the details are in {logs[0]}\n")
    assert "Traceback (most recent call last)" in logs[0].read_text() and "in broken" in logs[0].read_text()


def test_an_internal_error_in_a_process_of_its_own(bank: Path) -> None:
    provoke = ("import sys, studydeck.quiz\n"
               "studydeck.quiz.plan = lambda *a: {}['no such key']\n"
               "from studydeck.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    result = subprocess.run([sys.executable, "-c", provoke, "quiz", str(bank)], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "STUDYDECK_NOW": NOW})
    assert result.returncode == 70 and result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("studydeck: internal error: KeyError: 'no such key'; please report it; the "
                                    f"details are in {os.environ['XDG_CACHE_HOME']}/studydeck/errors/")
    assert len(result.stderr.splitlines()) == 1


def test_an_internal_error_without_a_cache_folder_still_shows_its_details(bank: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import studydeck.stats

    (tmp_path / "cache").write_text("a file where the cache folder goes")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(studydeck.stats, "bank_stats", lambda bank: 1 / 0)
    run = Run([], main(["stats", str(bank)]), "", _capture.readouterr().err.decode())
    assert run.returncode == 70
    assert run.stderr.startswith("studydeck: internal error: ZeroDivisionError: division by zero; please report it "
                                 f"(its details could not be saved: {tmp_path / 'cache' / 'studydeck' / 'errors'}: "
                                 "Not a directory)\nTraceback")


def test_ctrl_c_outside_the_quiz_is_status_130_without_a_traceback(bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import studydeck.stats

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(studydeck.stats, "bank_stats", interrupted)
    run = inside("stats", bank)
    assert (run.returncode, run.stderr) == (130, "\naborted\n")
    child = pexpect.spawn(sys.executable, ["-c", "import time, sys\nfrom studydeck.cli import main\n"
                                           "import studydeck.stats\nstudydeck.stats.bank_stats = "
                                           "lambda b: (print('ready', flush=True), time.sleep(30))\n"
                                           f"sys.exit(main(['stats', {str(bank)!r}]))"], timeout=30, encoding="utf-8",
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    child.expect_exact("ready")
    child.kill(signal.SIGINT)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and "Traceback" not in child.before


def test_output_into_a_closed_pipe_ends_quietly(bank: Path) -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run([sys.executable, "-m", "studydeck", "stats", str(bank)], stdout=write,
                                stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert (result.returncode, result.stderr) == (1, "")  # click's own way: status 1, and not a word
