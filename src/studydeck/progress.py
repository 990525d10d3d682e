"""The terminal quiz's memory: one SQLite file per bank, written one answer per transaction.

A card is stored under its question's authored id and the way it is asked (`""`, `"reverse"`, `"c1"`, ...),
never under its text, so editing a question keeps its history. SQLite's journal makes each answer all or
nothing: a Ctrl-C or a killed process loses at most the answer being written and never corrupts the file.
"""

from __future__ import annotations

import sqlite3
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
    """Raised when a progress file cannot be opened or belongs to another bank."""


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
    """An open progress file: read the cards' FSRS state, record answers one transaction each."""

    def __init__(self, path: Path, bank: Bank) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: every transaction below is opened and closed explicitly.
            self.db = sqlite3.connect(path, isolation_level=None)
            self.db.executescript(_SCHEMA)
            self._claim(bank)
        except (sqlite3.DatabaseError, OSError) as e:
            raise ProgressError(f"cannot use {path} as a progress file: {e}") from e

    def _claim(self, bank: Bank) -> None:
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        if meta and meta.get("deck_id") != str(bank.deck_id):
            raise ProgressError(f"{self.path} holds progress for the bank '{meta.get('title')}' "
                                f"(deck_id {meta.get('deck_id')}), not '{bank.title}' (deck_id {bank.deck_id})")
        with self._transaction():
            for key, value in (("format", FORMAT), ("deck_id", str(bank.deck_id)), ("title", bank.title)):
                self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def cards(self) -> dict[CardKey, Card]:
        """Every card answered at least once, with its FSRS state."""
        rows = self.db.execute("SELECT question, card, state, step, stability, difficulty, due, last_review FROM cards")
        return {(q, c): _card(state, step, stability, difficulty, due, last) for q, c, state, step, stability,
                difficulty, due, last in rows}

    def card(self, key: CardKey) -> Card | None:
        """One card's FSRS state, or None if it was never answered."""
        row = self.db.execute("SELECT state, step, stability, difficulty, due, last_review FROM cards "
                              "WHERE question = ? AND card = ?", key).fetchone()
        return _card(*row) if row else None

    def introduced_since(self, since: datetime) -> int:
        """How many cards were answered for the first time at or after `since`."""
        row = self.db.execute("SELECT count(*) FROM cards WHERE introduced >= ?", (stamp(since),)).fetchone()
        return int(row[0])

    def reviewed_since(self, since: datetime) -> set[CardKey]:
        """The cards answered at or after `since`: their siblings stay buried until the next day."""
        rows = self.db.execute("SELECT DISTINCT question, card FROM reviews WHERE reviewed >= ?", (stamp(since),))
        return {(q, c) for q, c in rows}

    def record(self, key: CardKey, card: Card, rating: Rating, correct: bool | None, when: datetime) -> None:
        """Store one answer and the card's new schedule, both or neither."""
        values = (card.state.value, card.step, card.stability, card.difficulty, stamp(card.due),
                  stamp(card.last_review) if card.last_review else None)
        with self._transaction():
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
        self.db.close()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception, KeyboardInterrupt included."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _card(state: int, step: int | None, stability: float | None, difficulty: float | None, due: str,
          last_review: str | None) -> Card:
    # FSRS's card_id only labels its own review logs; ours are keyed by question id and card.
    return Card(card_id=0, state=State(state), step=step, stability=stability, difficulty=difficulty,
                due=parse(due), last_review=parse(last_review) if last_review else None)
