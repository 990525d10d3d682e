"""The .apkg, imported and rendered by Anki's own backend, and updated without losing review history."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from anki.collection import Collection

from studydeck.build import BuildOptions, build
from studydeck.cli import main
from studydeck.model import Kind
from studydeck.render.anki import MODEL_NAMES

from .ankitools import import_package, snapshot, study

SCRIPT_QUESTION = """
  - id: injection
    source: tides
    passage: "the water forms two bulges at once"
    question: "<script>alert('x')</script> How **many** bulges? <img src=x onerror=alert(1)>"
    answer: "Two </div><script>bad()</script>"
    explanation: "[link](javascript:alert(1))"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The scaffold bank (one question of every kind) plus a question full of HTML and script."""
    bank = tmp_path / "bank"
    assert main(["init", str(bank)]) == 0
    with (bank / "questions.yaml").open("a", encoding="utf-8") as f:
        f.write(SCRIPT_QUESTION)
    return bank


def _deck(project: Path) -> Path:
    build(project, BuildOptions(formats=("anki",)))
    return project / "decks" / "the-tides.apkg"


def _edit(project: Path, old: str, new: str) -> None:
    questions = project / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    assert old in text
    questions.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fresh_import_has_every_note_and_card(project: Path, tmp_path: Path) -> None:
    log = import_package(tmp_path / "c.anki2", _deck(project))
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        assert (log.new, col.note_count()) == (8, 8)
        # basic (two), type-in, choice, true-false and the script question: 1 card each; reversed 2; cloze c1+c2: 2
        assert col.card_count() == 10
        names = sorted(d.name for d in col.decks.all_names_and_ids())
        assert names == ["Default", "The Tides", "The Tides::How the Moon Makes the Tides"]
        assert len(col.find_cards('deck:"The Tides::How the Moon Makes the Tides"')) == 10
    finally:
        col.close()


def test_every_card_renders_with_answer_passage_and_citation(project: Path, tmp_path: Path) -> None:
    import_package(tmp_path / "c.anki2", _deck(project))
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        for card_id in col.find_cards(""):
            card = col.get_card(card_id)
            question, answer = card.question(), card.answer()
            for rendered in (question, answer):
                assert "{{" not in rendered and "no field called" not in rendered
                assert "template has a problem" not in rendered.lower()
            assert '<blockquote class="passage">' in answer
            assert "“How the Moon Makes the Tides”, Your class notes, 2026, ¶" in answer
        by_id = {col.get_note(n).guid: col.get_note(n) for n in col.find_notes("")}
        cloze = next(n for n in by_id.values() if n.note_type()["name"] == MODEL_NAMES[Kind.CLOZE])
        first = col.get_card(cloze.card_ids()[0])
        assert "[...]" in first.question() and "24 hours" in first.question()
        assert '<span class="cloze"' in first.answer() and ">two<" in first.answer()
    finally:
        col.close()


def test_kinds_render_their_own_way(project: Path, tmp_path: Path) -> None:
    import_package(tmp_path / "c.anki2", _deck(project))
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        def card_of(tag: str):
            return col.get_card(col.find_cards(f"tag:kind::{tag}")[0])

        choice = card_of("choice")
        assert '<ol class="choices" type="A" data-choose="2"><li>New moon</li><li>First quarter</li>' in choice.question()
        assert "Choose 2." in choice.question()
        assert '<li class="correct">New moon</li><li>First quarter</li><li class="correct">Full moon</li>' in choice.answer()
        assert '<div class="verdict">False</div>' in card_of("true-false").answer()
        assert "[[type:Answer]]" in card_of("type-in").question()  # where Anki puts the input box
        reverse = col.get_card(col.find_cards("tag:kind::reversed card:2")[0])
        assert "The largest tide" in reverse.question() and "Spring tide" in reverse.answer()
    finally:
        col.close()


def test_tags_name_source_kind_and_authored_tags(project: Path, tmp_path: Path) -> None:
    import_package(tmp_path / "c.anki2", _deck(project))
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        tags = sorted(tuple(sorted(col.get_note(n).tags)) for n in col.find_notes(""))
        assert ("easy", "kind::basic", "moon", "source::tides") in tags
        assert ("kind::choice", "moon", "source::tides", "sun") in tags
        assert all(any(t.startswith("source::") for t in group) for group in tags)
    finally:
        col.close()


def test_html_and_script_in_fields_arrive_escaped(project: Path, tmp_path: Path) -> None:
    import_package(tmp_path / "c.anki2", _deck(project))
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        card = col.get_card(col.find_cards("alert")[0])
        question, answer = card.question(), card.answer()
        assert "&lt;script&gt;alert('x')&lt;/script&gt;" in question
        assert "<script>" not in question + answer
        assert "<img" not in question
        assert "How <strong>many</strong> bulges?" in question
        assert 'href="javascript' not in answer
        assert "Two &lt;/div&gt;&lt;script&gt;bad()&lt;/script&gt;" in answer
    finally:
        col.close()


def test_rebuild_updates_in_place_and_keeps_review_history(project: Path, tmp_path: Path) -> None:
    collection = tmp_path / "c.anki2"
    import_package(collection, _deck(project))
    study(collection, "The Tides", answers=5)
    before = snapshot(collection)
    assert len(before["revlog"]) == 5

    _edit(project, "answer: Two, one facing the Moon and one on the far side.",
          "answer: Two bulges, one facing the Moon and one on the far side.")
    _edit(project, "  - id: spring-season", """  - id: neap-tides
    source: tides
    passage: "The Sun raises tides too, but less than half as high as the Moon's."
    question: Does the Sun raise tides?
    answer: Yes, less than half as high as the Moon's.

  - id: spring-season""")
    css = project / "templates" / "anki" / "card.css"
    css.parent.mkdir(parents=True)
    builtin = Path(__file__).resolve().parent.parent / "src" / "studydeck" / "templates" / "anki" / "card.css"
    css.write_text(builtin.read_text().replace("font-size: 20px;", "font-size: 22px;"))
    log = import_package(collection, _deck(project))
    after = snapshot(collection)

    # Anki counts a note it already has, unchanged, as a "duplicate": it is left alone, not copied.
    assert (log.new, log.updated, log.duplicate, log.conflicting) == (1, 1, 7, 0)
    changed = [g for g in before["notes"] if before["notes"][g] != after["notes"][g]]
    assert len(changed) == 1
    guid = changed[0]
    assert after["notes"][guid][0] == before["notes"][guid][0], "the edited note keeps its note id"
    assert "Two bulges, one facing" in after["notes"][guid][2]
    assert len(after["notes"]) == len(before["notes"]) + 1
    assert after["revlog"] == before["revlog"]
    assert {cid: row for cid, row in after["cards"].items() if cid in before["cards"]} == before["cards"]
    assert after["notetypes"] == before["notetypes"], "no duplicate note types such as 'studydeck Basic-1a2b3'"
    col = Collection(str(collection))
    try:
        assert "font-size: 22px;" in col.models.by_name(MODEL_NAMES[Kind.BASIC])["css"]
    finally:
        col.close()


def test_an_unchanged_rebuild_is_byte_identical_and_imports_as_no_change(project: Path, tmp_path: Path) -> None:
    first = _deck(project).read_bytes()
    second = _deck(project).read_bytes()
    assert first == second
    import_package(tmp_path / "c.anki2", project / "decks" / "the-tides.apkg")
    log = import_package(tmp_path / "c.anki2", project / "decks" / "the-tides.apkg")
    assert (log.new, log.updated, log.duplicate, log.conflicting) == (0, 0, 8, 0)


def test_the_package_has_fixed_zip_dates(project: Path) -> None:
    with zipfile.ZipFile(_deck(project)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_removed_and_rekinded_questions_are_reported(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(project)]) == 0
    questions = project / "questions.yaml"
    text = questions.read_text()
    start = text.index("  - id: spring-season")
    questions.write_text(text[:start] + text[text.index("\n\n", start) + 2:])
    _edit(project, "    kind: reversed ", "    kind: basic #")
    capsys.readouterr()
    assert main(["build", str(project)]) == 0
    err = capsys.readouterr().err
    assert "1 question(s) left the bank since the last build: spring-season." in err
    assert "question 'spring-tide-term' changed kind" in err


def test_a_bank_with_errors_is_not_built_and_old_outputs_stay(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = _deck(project)
    before = deck.read_bytes()
    _edit(project, "answer: the Moon", "answer: ''")
    _edit(project, 'passage: "these are called', 'passage: "these are named')
    assert main(["build", str(project)]) == 1
    out = capsys.readouterr()
    assert re.search(r"questions.yaml:\d+:\d+: error: question 'sun-vs-moon': 'answer' is empty", out.out)
    assert "question 'spring-season': passage not found" in out.out
    assert "nothing was built" in out.err
    assert deck.read_bytes() == before
