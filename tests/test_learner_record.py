"""What protects a learner's record, checked with Anki's own importer: a copied bank is a new deck, ids keep
the text the author wrote (quoting one later keeps its note), and a revert reaches learners."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from anki.collection import Collection

from studydeck import check
from studydeck.build import BuildOptions, build
from studydeck.cli import main

from .ankitools import import_package, snapshot

NUMBERS = """
  - id: 010
    source: tides
    passage: "the water forms two bulges at once"
    question: Octal-looking id, octal-looking answer.
    answer: 010

  - id: 8
    source: tides
    passage: "the water forms two bulges at once"
    question: The id YAML 1.1 would make of 010.
    answer: 1.50

  - id: 0x1F
    source: tides
    passage: "the water forms two bulges at once"
    question: Hexadecimal-looking id, a date as answer.
    answer: 2024-01-05

  - id: 31
    source: tides
    passage: "the water forms two bulges at once"
    question: The id YAML 1.1 would make of 0x1F.
    answer: 1_000

  - id: 1_000
    source: tides
    passage: "the water forms two bulges at once"
    question: Underscored id.
    answer: 1e3

  - id: 1000
    source: tides
    passage: "the water forms two bulges at once"
    question: The id YAML 1.1 would make of 1_000.
    answer: +12

  - id: number-choices
    kind: choice
    source: tides
    passage: "the water forms two bulges at once"
    question: Which is the octal-looking one?
    choices: [010, 8, 0x1F, 31, 1.50, 1.5]
    answer: 010
    explanation: 010 is not 8 here.
    tags: [2024, 010]
"""


def _build(project: Path, now: int) -> Path:
    build(project, BuildOptions(formats=("anki",), now=now))
    return project / "decks" / "the-tides.apkg"


def _edit(project: Path, old: str, new: str) -> None:
    questions = project / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    assert old in text
    questions.write_text(text.replace(old, new, 1), encoding="utf-8")


def _fields(collection: Path) -> dict[str, list[str]]:
    """Each note's fields, by its first field (the question)."""
    col = Collection(str(collection))
    try:
        return {col.get_note(n).fields[0]: col.get_note(n).fields for n in col.find_notes("")}
    finally:
        col.close()


@pytest.fixture
def unit1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "unit1"]) == 0
    return tmp_path / "unit1"


def test_a_bank_copied_with_init_from_imports_as_new_notes_and_leaves_the_original(
        unit1: Path, tmp_path: Path) -> None:
    collection = tmp_path / "c.anki2"
    assert import_package(collection, _build(unit1, 1000)).new == 7
    before = snapshot(collection)

    assert main(["init", "--from", "unit1", "unit2"]) == 0
    unit2 = tmp_path / "unit2"
    _edit(unit2, 'title: "The Tides"', 'title: "The Tides, unit 2"')
    _edit(unit2, "answer: Two, one facing the Moon", "answer: Two (unit 2), one facing the Moon")
    build(unit2, BuildOptions(formats=("anki",), now=2000))
    log = import_package(collection, unit2 / "decks" / "the-tides-unit-2.apkg")

    assert (log.new, log.updated, log.duplicate) == (7, 0, 0)
    after = snapshot(collection)
    assert {guid: after["notes"][guid] for guid in before["notes"]} == before["notes"], "unit 1's notes untouched"
    col = Collection(str(collection))
    try:
        assert len(col.find_cards('deck:"The Tides, unit 2"')) == 9
        assert len(col.find_cards('deck:"The Tides" -deck:"The Tides, unit 2*"')) == 9
    finally:
        col.close()


def test_without_its_own_id_a_copy_is_refused_with_the_fix(unit1: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "unit1"]) == 0
    shutil.copytree("unit1", "unit2", ignore=shutil.ignore_patterns("decks"))
    capsys.readouterr()
    assert main(["build", "unit2"]) == 1
    captured = capsys.readouterr()
    assert "unit2/questions.yaml:5:10: error: deck_id" in captured.out
    assert "'studydeck new-id unit2'" in captured.out
    assert "nothing was built" in captured.err and not Path("unit2/decks").exists()


def test_ids_and_answers_keep_the_text_the_author_wrote(unit1: Path, tmp_path: Path) -> None:
    with (unit1 / "questions.yaml").open("a", encoding="utf-8") as f:
        f.write(NUMBERS)
    report = check(unit1)
    assert report.errors == [], [str(p) for p in report.errors]
    assert {q.id: q.answer for q in report.bank.questions if q.prompt.endswith(".") and q.id[0].isdigit()} == {
        "010": "010", "8": "1.50", "0x1F": "2024-01-05", "31": "1_000", "1_000": "1e3", "1000": "+12"}
    choice = next(q for q in report.bank.questions if q.id == "number-choices")
    assert [(c.text, c.correct) for c in choice.choices] == [
        ("010", True), ("8", False), ("0x1F", False), ("31", False), ("1.50", False), ("1.5", False)]
    assert (choice.explanation, choice.tags) == ("010 is not 8 here.", ("2024", "010"))
    collection = tmp_path / "c.anki2"
    assert import_package(collection, _build(unit1, 1000)).new == 14, "the seven new notes stay distinct, none merged"
    answers = {question: fields[1] for question, fields in _fields(collection).items()}
    assert answers["Octal-looking id, octal-looking answer."] == "010"
    assert answers["The id YAML 1.1 would make of 010."] == "1.50"
    assert answers["Hexadecimal-looking id, a date as answer."] == "2024-01-05"


@pytest.mark.parametrize(("written", "message"), [
    ("1:30", "id '1:30' may use only letters, digits, '.', '_' and '-'"),
    ("yes", "'id' reads as the boolean true; put it in quotes: \"yes\""),
])
def test_ids_yaml_would_rewrite_are_refused(unit1: Path, written: str, message: str) -> None:
    _edit(unit1, "  - id: two-bulges ", f"  - id: {written} ")
    assert any(message in str(p) for p in check(unit1).errors), [str(p) for p in check(unit1).errors]


def test_quoting_an_id_later_keeps_its_note(unit1: Path, tmp_path: Path) -> None:
    with (unit1 / "questions.yaml").open("a", encoding="utf-8") as f:
        f.write(NUMBERS)
    collection = tmp_path / "c.anki2"
    import_package(collection, _build(unit1, 1000))
    before = snapshot(collection)
    for written in ("010", "0x1F", "1_000"):
        _edit(unit1, f"  - id: {written}\n", f'  - id: "{written}"\n')
    log = import_package(collection, _build(unit1, 2000))
    assert (log.new, log.updated) == (0, 0)
    assert snapshot(collection)["notes"] == before["notes"], "the same notes: same GUIDs, same note ids"
    _edit(unit1, "    answer: 010\n", "    answer: '010 (octal)'\n")
    log = import_package(collection, _build(unit1, 3000))
    assert (log.new, log.updated) == (0, 1)


def test_a_revert_reaches_learners(unit1: Path, tmp_path: Path) -> None:
    """A, imported; B (a wrong answer and a new card style), imported; then `git revert`: every file back to
    A, decks/ and anki.json included. The rebuild must update the note and the note type again."""
    collection = tmp_path / "c.anki2"
    import_package(collection, _build(unit1, 1000))
    committed_a = {p: p.read_bytes() for p in (unit1 / "questions.yaml", *sorted((unit1 / "decks").iterdir()))}

    _edit(unit1, "answer: Two, one facing the Moon", "answer: Three, one facing the Moon")
    css = unit1 / "templates" / "anki" / "card.css"
    css.parent.mkdir(parents=True)
    css.write_text(".card { color: red; }\n")
    log = import_package(collection, _build(unit1, 2000))
    assert (log.new, log.updated) == (0, 1)

    shutil.rmtree(unit1 / "templates" / "anki")
    for path, data in committed_a.items():
        path.write_bytes(data)
    log = import_package(collection, _build(unit1, 3000))

    assert (log.new, log.updated) == (0, 1)
    assert any(fields[1].startswith("Two, one facing the Moon") for fields in _fields(collection).values())
    col = Collection(str(collection))
    try:
        assert "color: red" not in col.models.by_name("studydeck Basic")["css"]
    finally:
        col.close()
    again = {p.name: p.read_bytes() for p in sorted((unit1 / "decks").iterdir())}
    _build(unit1, 4000)
    assert {p.name: p.read_bytes() for p in sorted((unit1 / "decks").iterdir())} == again, \
        "same inputs, state file and record: the same bytes"
    assert import_package(collection, unit1 / "decks" / "the-tides.apkg").updated == 0


def test_a_revert_built_on_another_machine_is_what_the_readme_says(
        unit1: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only this machine's record knows of B: a machine that never built B rebuilds A as committed."""
    _build(unit1, 1000)
    committed_a = {p: p.read_bytes() for p in (unit1 / "questions.yaml", *sorted((unit1 / "decks").iterdir()))}
    _edit(unit1, "answer: Two, one facing the Moon", "answer: Three, one facing the Moon")
    _build(unit1, 2000)
    for path, data in committed_a.items():
        path.write_bytes(data)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "another-machine"))
    _build(unit1, 3000)
    assert {p: p.read_bytes() for p in committed_a} == committed_a


def test_a_damaged_record_of_note_times_is_a_notice(unit1: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from studydeck.notetimes import record_path

    assert main(["build", "unit1"]) == 0
    deck_id = check("unit1").bank.deck_id
    record_path(deck_id).write_text("{ damaged")
    capsys.readouterr()
    assert main(["build", "unit1"]) == 0
    assert capsys.readouterr().err == (f"note: the record of Anki note times ({record_path(deck_id)}) is damaged; "
                                       "starting it afresh\n")
    assert main(["build", "unit1"]) == 0
    assert capsys.readouterr().err == ""
