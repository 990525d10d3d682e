"""The terminal quiz's memory: one SQLite file per bank, written one answer per transaction.

A card is stored under its question's authored id and the way it is asked (`""`, `"reverse"`, `"c1"`, ...),
never under its text, so editing a question keeps its history. SQLite's journal makes each answer all or
nothing: a Ctrl-C or a killed process loses at most the answer being written and never corrupts the file.
"""

from __future__ import annotations

import math
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

from fsrs import Card, Rating, State

from .errors import StudydeckError
from .model import Bank

FORMAT = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards (
    question TEXT NOT NULL,
    card TEXT NOT NULL,
    state INTEGER NOT NULL,
    step INTEGER,
    stability REAL,
    difficulty REAL,
    due TEXT NOT NULL,
    last_review TEXT,
    introduced TEXT NOT NULL,
    PRIMARY KEY (question, card)
);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    card TEXT NOT NULL,
    reviewed TEXT NOT NULL,
    rating INTEGER NOT NULL,
    correct INTEGER,
    due TEXT NOT NULL
);
"""
CardKey = tuple[str, str]


class ProgressError(StudydeckError):
    """Raised when a progress file cannot be used: not a progress file (another program's database, damaged,
    a newer format), another bank's, or not readable and writable; the message names the file and what to do."""


# What a learner can do about a progress file studydeck cannot use.
ADVICE = "move it aside, or use another file with --progress FILE"
# Our tables and their columns, in order: a file with anything else is not ours and is never changed.
COLUMNS = {
    "meta": ("key", "value"),
    "cards": ("question", "card", "state", "step", "stability", "difficulty", "due", "last_review", "introduced"),
    "reviews": ("id", "question", "card", "reviewed", "rating", "correct", "due"),
}
# Times a progress file may hold: FSRS never schedules more than 100 years ahead.
EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(2400, 1, 1, tzinfo=UTC)
MAX_STABILITY = 1e6  # days; FSRS keeps intervals under 36,500
BUSY_TIMEOUT = 5.0  # seconds to wait for another program that is writing the file (another quiz's answer)


def default_path(bank: Bank) -> Path:
    """Where a bank's progress lives: the user's data directory, under the bank's deck id (which never changes)."""
    import platformdirs

    return platformdirs.user_data_path("studydeck") / "progress" / f"{bank.deck_id}.sqlite3"


def stamp(when: datetime) -> str:
    """A UTC time as fixed-width text, so that SQLite compares times as strings in the right order."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(text: str) -> datetime:
    """The inverse of `stamp`: an aware UTC datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class Progress:
    """An open progress file: read the cards' FSRS state, record answers one transaction each.

    A file that is not studydeck's (another program's database, anything but SQLite, a newer format) is refused
    before anything is written to it. Card records whose values make no sense are ignored (listed in `damaged`,
    left in the file); the rest of the learner's history is used as it is."""

    def __init__(self, path: Path, bank: Bank) -> None:
        self.path = path
        self.damaged: dict[CardKey, str] = {}
        fresh = _inspect(path)
        _folder_for(path)
        with self._guard("cannot use"):
            # Autocommit mode: every transaction below is opened and closed explicitly.
            self.db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT)
        with self._guard("cannot use"):
            if fresh:
                self.db.executescript(_SCHEMA)
            self._claim(bank)

    def _guard(self, doing: str) -> _Guard:
        """Turns SQLite's and the system's errors into a ProgressError that names the file and what to do."""
        return _Guard(self.path, doing)

    def _claim(self, bank: Bank) -> None:
        meta = {str(k): str(v) for k, v in self.db.execute("SELECT key, value FROM meta").fetchall()}
        if meta.get("deck_id", str(bank.deck_id)) != str(bank.deck_id):
            raise ProgressError(f"{self.path} holds progress for the bank '{meta.get('title')}' "
                                f"(deck_id {meta.get('deck_id')}), not '{bank.title}' (deck_id {bank.deck_id}); "
                                "use another file with --progress FILE")
        wanted = {"format": FORMAT, "deck_id": str(bank.deck_id), "title": bank.title}
        if all(meta.get(key) == value for key, value in wanted.items()):
            return  # a file that is read and not answered in stays as it was, byte for byte
        with self._transaction():
            for key, value in wanted.items():
                self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def cards(self) -> dict[CardKey, Card]:
        """Every card answered at least once, with its FSRS state; damaged records are left out (see `damaged`)."""
        with self._guard("cannot read"):
            rows = self.db.execute("SELECT question, card, state, step, stability, difficulty, due, last_review "
                                   "FROM cards").fetchall()
        known: dict[CardKey, Card] = {}
        for question, card, *values in rows:
            if not isinstance(question, str) or not isinstance(card, str):
                shown = (question if isinstance(question, str) else _shown(question), str(card))
                self.damaged[shown] = "its question id or card is not text"
                continue
            state = _card(*values)
            if isinstance(state, str):
                self.damaged[(question, card)] = state
            else:
                known[(question, card)] = state
        return known

    def card(self, key: CardKey) -> Card | None:
        """One card's FSRS state, or None if it was never answered (or its record is damaged: asked as new)."""
        with self._guard("cannot read"):
            row = self.db.execute("SELECT state, step, stability, difficulty, due, last_review FROM cards "
                                  "WHERE question = ? AND card = ?", key).fetchone()
        state = _card(*row) if row else None
        if isinstance(state, str):
            self.damaged[key] = state
            return None
        return state

    def introduced_since(self, since: datetime) -> int:
        """How many cards were answered for the first time at or after `since`."""
        with self._guard("cannot read"):
            row = self.db.execute("SELECT count(*) FROM cards WHERE typeof(introduced) = 'text' AND introduced >= ?",
                                  (stamp(since),)).fetchone()
        return int(row[0])

    def reviewed_since(self, since: datetime) -> set[CardKey]:
        """The cards answered at or after `since`: their siblings stay buried until the next day."""
        with self._guard("cannot read"):
            rows = self.db.execute("SELECT DISTINCT question, card FROM reviews WHERE typeof(reviewed) = 'text' "
                                   "AND reviewed >= ?", (stamp(since),)).fetchall()
        return {(q, c) for q, c in rows if isinstance(q, str) and isinstance(c, str)}

    def damage_notice(self) -> str | None:
        """One line about the damaged card records that were ignored, if any."""
        if not self.damaged:
            return None
        shown = "; ".join(f"'{q}'{f' ({c})' if c else ''}: {why}" for (q, c), why in sorted(self.damaged.items())[:3])
        more = f"; and {len(self.damaged) - 3} more" if len(self.damaged) > 3 else ""
        return (f"{self.path}: ignored {len(self.damaged)} damaged card record(s) ({shown}{more}); those cards are "
                "asked as new, and their record is replaced when answered (their past answers stay in the file)")

    def record(self, key: CardKey, card: Card, rating: Rating, correct: bool | None, when: datetime) -> None:
        """Store one answer and the card's new schedule, both or neither."""
        values = (card.state.value, card.step, card.stability, card.difficulty, stamp(card.due),
                  stamp(card.last_review) if card.last_review else None)
        with self._guard("cannot save this answer (those before it are saved) in"), self._transaction():
            self.db.execute(
                "INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (question, card) DO UPDATE SET "
                "state = excluded.state, step = excluded.step, stability = excluded.stability, "
                "difficulty = excluded.difficulty, due = excluded.due, last_review = excluded.last_review",
                (*key, *values, stamp(when)))
            self.db.execute(
                "INSERT INTO reviews (question, card, reviewed, rating, correct, due) VALUES (?, ?, ?, ?, ?, ?)",
                (*key, stamp(when), int(rating), None if correct is None else int(correct), stamp(card.due)))

    def close(self) -> None:
        """Close the file; an answer still being written is dropped, never half-written."""
        try:
            self.db.close()
        except sqlite3.Error:
            pass


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception, KeyboardInterrupt included."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


class _Guard:
    """SQLite's and the system's errors as a ProgressError naming the file, the cause and what to do."""

    def __init__(self, path: Path, doing: str) -> None:
        self.path, self.doing = path, doing

    def __enter__(self) -> None:
        pass

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _: object) -> None:
        if isinstance(error, sqlite3.Error | OSError):
            raise ProgressError(f"{self.doing} {self.path}: {_cause(error)}; {_remedy(error)}") from error


def _cause(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror + (f" ({error.filename})" if error.filename and str(error.filename) else "")
    return str(error)


def _remedy(error: BaseException) -> str:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return "another program (another studydeck quiz?) is using it: finish that first, then try again"
    if "malformed" in text:
        return f"{ADVICE}; 'sqlite3 FILE .recover' may save what is left of it"
    if "readonly" in text or "read-only" in text or isinstance(error, PermissionError):
        return "make it writable, or use another file with --progress FILE"
    return ADVICE


def _inspect(path: Path) -> bool:
    """Look at an existing file, read-only, before anything is written to it. True when it is new or empty (the
    tables are to be created), False when it is a progress file; ProgressError when it is anything else."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):  # a missing folder or a file in its way: see _folder_for
        return True
    except OSError as e:
        raise ProgressError(f"cannot use {path}: {_cause(e)}; {ADVICE}") from e
    if stat.S_ISDIR(info.st_mode):
        raise ProgressError(f"{path} is a folder, not a progress file; give a file name with --progress FILE")
    if not stat.S_ISREG(info.st_mode):
        raise ProgressError(f"{path} is not a regular file; use a file with --progress FILE")
    if info.st_size == 0:
        return True
    _check_header(path)
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as e:
        raise ProgressError(f"cannot use {path}: {e}; {ADVICE}") from e
    try:
        return _shape(db, path)
    except sqlite3.Error as e:
        if "not a database" in str(e):
            raise ProgressError(f"{path} is not a studydeck progress file (not an SQLite database); {ADVICE}") from e
        if "malformed" in str(e):
            raise ProgressError(_damaged(path, str(e))) from e
        raise ProgressError(f"cannot use {path}: {_cause(e)}; {_remedy(e)}") from e
    finally:
        db.close()


def _check_header(path: Path) -> None:
    """Refuse, from its first bytes alone, a file that is not SQLite or is in WAL mode (ours never are: opening
    one, even read-only, would make SQLite add its -wal and -shm files beside it)."""
    try:
        with path.open("rb") as stream:
            header = stream.read(100)
    except OSError as e:
        raise ProgressError(f"cannot use {path}: {_cause(e)}; {_remedy(e)}") from e
    if not header.startswith(b"SQLite format 3\x00"):
        raise ProgressError(f"{path} is not a studydeck progress file (not an SQLite database); {ADVICE}")
    if header[18:20] == b"\x02\x02":
        raise ProgressError(f"{path} is not a studydeck progress file: it is another program's database (in WAL "
                            "mode); studydeck left it untouched. Use another file with --progress FILE")


def _folder_for(path: Path) -> None:
    """Make the progress file's folder; a file standing where a folder goes is named."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        blocking = next((p for p in path.parents if p.exists() or p.is_symlink()), None)
        if blocking is not None and not blocking.is_dir():
            raise ProgressError(f"cannot use {path}: {blocking} is a file, not a folder; "
                                "use another file with --progress FILE") from e
        raise ProgressError(f"cannot use {path}: {_cause(e)}; {_remedy(e)}") from e


def _shape(db: sqlite3.Connection, path: Path) -> bool:
    """Whether an SQLite file holds nothing yet; refuses one that is another program's, damaged or newer."""
    objects = [str(name) for name, in db.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite%'")]
    if not objects:
        return True
    foreign = sorted(set(objects) - set(COLUMNS))
    if foreign or set(objects) != set(COLUMNS):
        listed = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise ProgressError(f"{path} is not a studydeck progress file: it is another program's database "
                            f"({f'it holds {listed}' if foreign else 'its tables differ'}); studydeck left it "
                            "untouched. Use another file with --progress FILE")
    for table, columns in COLUMNS.items():
        if tuple(str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")) != columns:
            raise ProgressError(f"{path} is not a studydeck progress file: its table '{table}' has other columns; "
                                "studydeck left it untouched. Use another file with --progress FILE")
    checked = [str(row[0]) for row in db.execute("PRAGMA quick_check(3)")]
    if checked != ["ok"]:
        raise ProgressError(_damaged(path, checked[0]))
    _check_format(db, path)
    return False


def _damaged(path: Path, cause: str) -> str:
    return f"{path} is damaged ({cause}): {ADVICE}; 'sqlite3 {path} .recover' may save what is left of it"


def _check_format(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a progress file written in a format this version does not know (a newer studydeck's)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    written = None if row is None else str(row[0])
    if written is None or written == FORMAT:
        return  # none yet: its tables were made, but studydeck stopped before it claimed the file
    if written.isdecimal() and written.isascii() and len(written) < 10 and int(written) > int(FORMAT):
        raise ProgressError(f"{path} was written by a newer studydeck (progress format {written}; this one reads "
                            f"format {FORMAT}): update studydeck, or use another file with --progress FILE")
    raise ProgressError(f"{path} has an unknown progress format ({written[:20]!r}); {ADVICE}")


def _card(state: object, step: object, stability: object, difficulty: object, due: object,
          last_review: object) -> Card | str:
    """The FSRS card a record describes, or why the record makes no sense."""
    # FSRS's card_id only labels its own review logs; ours are keyed by question id and card.
    if not isinstance(state, int) or state not in {s.value for s in State}:
        return f"state {_shown(state)} is not one of FSRS's"
    if not _fits(State(state), step):
        return f"step {_shown(step)} does not fit its state"
    numbers = _fsrs_numbers(stability, difficulty)
    if isinstance(numbers, str):
        return numbers
    times = [_time(value) for value in (due, last_review)]
    if isinstance(times[0], str) or times[0] is None:
        return f"due {_shown(due)} is not a time"
    if isinstance(times[1], str):
        return f"last review {_shown(last_review)} is not a time"
    if (numbers[0] is None) != (times[1] is None):
        return "it has a memory state without a review, or a review without one"
    return Card(card_id=0, state=State(state), step=step if isinstance(step, int) else None, stability=numbers[0], difficulty=numbers[1],
                due=times[0], last_review=times[1])


def _fsrs_numbers(stability: object, difficulty: object) -> tuple[float | None, float | None] | str:
    """Stability and difficulty as FSRS takes them: both absent (never reviewed) or finite and in range."""
    if stability is None and difficulty is None:
        return None, None
    kept = _finite(stability)
    if kept is None or not 0 < kept <= MAX_STABILITY:
        return f"stability {_shown(stability)} is not a number FSRS can use"
    hardness = _finite(difficulty)
    if hardness is None or not 1 <= hardness <= 10:
        return f"difficulty {_shown(difficulty)} is not a number FSRS can use"
    return kept, hardness


def _finite(value: object) -> float | None:
    """A stored number as a finite float, or None (text, NaN, infinity, absent)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _fits(state: State, step: object) -> bool:
    """A card in review has no learning step; one learning or relearning has one."""
    if state is State.Review:
        return step is None
    return isinstance(step, int) and not isinstance(step, bool) and 0 <= step < 1000


def _time(value: object) -> datetime | None | str:
    """A stored time, None when absent, or a reason when it is not one."""
    if value is None:
        return None
    try:
        when = parse(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    return when if when is not None and EARLIEST <= when < LATEST else "not a time"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
