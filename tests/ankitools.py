"""Driving Anki's own backend from tests: import a package, study cards, read back what changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest


@dataclass
class ImportLog:
    """How many notes Anki's importer reported in each category."""

    new: int
    updated: int
    duplicate: int
    conflicting: int


def import_package(collection_path: Path, package: Path) -> ImportLog:
    """Import with the default options (update notes and note types only if newer), then close."""
    col = Collection(str(collection_path))
    try:
        request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
        log = col.import_anki_package(request).log
        return ImportLog(len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting))
    finally:
        col.close()


def study(collection_path: Path, deck: str, answers: int, rating: int = 3) -> None:
    """Answer `answers` queued cards of `deck` through the scheduler, as a learner pressing Good would."""
    col = Collection(str(collection_path))
    try:
        col.decks.select(col.decks.id(deck))
        for _ in range(answers):
            queued = col.sched.get_queued_cards(fetch_limit=1)
            card = col.get_card(queued.cards[0].card.id)
            card.start_timer()
            col.sched.answer_card(col.sched.build_answer(card=card, states=queued.cards[0].states, rating=rating))
    finally:
        col.close()


def snapshot(collection_path: Path) -> dict:
    """Everything a learner would lose: notes with ids and times, cards with scheduling, the review log."""
    col = Collection(str(collection_path))
    try:
        db = col.db
        return {
            "notes": {guid: (nid, mod, flds) for nid, guid, mod, flds in db.all("select id, guid, mod, flds from notes")},
            "cards": {cid: row for cid, *row in db.all("select id, nid, ord, ivl, due, type, queue, reps from cards")},
            "revlog": db.all("select id, cid, ease, ivl, lastIvl from revlog order by id"),
            "notetypes": sorted(name for (name,) in db.all("select name from notetypes")),
        }
    finally:
        col.close()
