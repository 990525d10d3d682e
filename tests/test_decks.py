"""The committed decks/ of the default bank: fresh, deterministic, and importable by Anki."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

from studydeck.build import build

from .ankitools import import_package
from .conftest import REPO

STALE = "decks/ is stale: run '.venv/bin/studydeck build' in the repository and commit decks/"


def _database_dump(package: Path, scratch: Path) -> list[str]:
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", scratch)
    connection = sqlite3.connect(scratch / "collection.anki2")
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_committed_decks_match_a_fresh_build(default_bank: Path, tmp_path: Path) -> None:
    result = build(default_bank)
    for output in result.outputs:
        committed = REPO / "decks" / output.name
        assert committed.is_file(), f"{STALE} ({output.name} is missing)"
        if output.suffix == ".apkg" and committed.read_bytes() != output.read_bytes():
            # SQLite may lay out equal content differently on another machine: compare the content.
            assert _database_dump(committed, tmp_path / "old") == _database_dump(output, tmp_path / "new"), STALE
        elif output.suffix != ".apkg":
            assert committed.read_bytes() == output.read_bytes(), f"{STALE} ({output.name} differs)"


def test_two_builds_of_the_default_bank_are_byte_identical(default_bank: Path) -> None:
    first = {p.name: p.read_bytes() for p in build(default_bank).outputs}
    second = build(default_bank)
    assert second.changed == ()
    assert {p.name: p.read_bytes() for p in second.outputs} == first


def test_the_default_deck_imports_every_question(tmp_path: Path) -> None:
    questions = (REPO / "questions.yaml").read_text(encoding="utf-8").count("\n  - id: ")
    log = import_package(tmp_path / "c.anki2", REPO / "decks" / "nato-japan.apkg")
    assert (log.new, log.conflicting) == (questions, 0)
