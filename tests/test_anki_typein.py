"""Anki's type-in cards honour every accepted answer, with studydeck's rule: each card rendered by Anki's own
backend (`card.question()`, `card.answer()`, `col.compare_answer`) and answered by typing in Chromium; and
learners who imported the deck studydeck made before get the new cards on re-import."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from anki.collection import Collection
from playwright.sync_api import Browser, Page, sync_playwright

from studydeck import load_checked
from studydeck.build import BuildOptions, build
from studydeck.model import Kind
from studydeck.render.anki import MODEL_NAMES, guid

from .ankitools import import_package, snapshot, study
from .conftest import CHROMIUM_ARGS, DATA, copy_case

if TYPE_CHECKING:  # imported before anki.collection, anki.cards is a circular import
    from anki.cards import Card
    from anki.notes import NoteId

OLDER_DECK = DATA / "_typed" / "older-deck"
TYPE_ANSWER = re.compile(r"\[\[type:.+?\]\]")  # what Anki's backend leaves for the reviewer to fill in
# (question id, what the learner types, right?)
TYPED = [
    ("bulges", "two", True),
    ("bulges", "2", True),
    ("bulges", "ii", True),
    ("bulges", "Two.", True),
    ("bulges", "3", False),
    ("bulges", "twenty", False),
    ("higher", "the Moon", True),
    ("higher", "THE moon", True),
    ("higher", "Moon", True),
    ("higher", "the Sun", False),
    ("ratio", "0.5", True),
    ("ratio", "12", False),
    ("day", "25 hours", True),
    ("day", "25", True),
    ("day", "26 hours", False),
    ("day", "24 minutes", False),
]


@dataclass
class Learner:
    """A collection with the `_typed` bank's deck imported, and each question's note id."""

    col: Collection
    notes: dict[str, NoteId]

    def card(self, qid: str) -> Card:
        return self.col.get_note(self.notes[qid]).cards()[0]


@pytest.fixture(scope="module")
def learner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Learner]:
    folder = tmp_path_factory.mktemp("anki-typein")
    project = copy_case("_typed", folder / "typed")
    build(project, BuildOptions(formats=("anki",)))
    import_package(folder / "c.anki2", project / "decks" / "typed.apkg")
    col = Collection(str(folder / "c.anki2"))
    bank = load_checked(project)
    by_guid = {col.get_note(n).guid: n for n in col.find_notes("")}
    yield Learner(col, {q.id: by_guid[guid(bank, q)] for q in bank.questions})
    col.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        launched = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    """One tab for every card, as Anki's reviewer has one web view (a new tab costs over a second here)."""
    tab = browser.new_page()
    yield tab
    tab.close()


def _page(html: str) -> str:
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body class="card"><div id="qa">{html}</div></body></html>'


def answer_by_typing(page: Page, learner: Learner, qid: str, typed: str) -> None:
    """What Anki's reviewer does: a text box where the front says {{type:...}}, the learner types, then the back
    with Anki's comparison of the typed text and the Answer field where the back says {{type:...}}."""
    card = learner.card(qid)
    front = TYPE_ANSWER.sub('<input type="text" id="typeans">', card.question())
    page.set_content(_page(front))
    page.focus("#typeans")
    page.keyboard.type(typed)
    provided = page.input_value("#typeans")
    comparison = learner.col.compare_answer(card.note()["Answer"], provided)
    page.set_content(_page(TYPE_ANSWER.sub(lambda _: f"<div>{comparison}</div>", card.answer())))


@pytest.mark.browser
@pytest.mark.parametrize(("qid", "typed", "right"), TYPED)
def test_the_card_accepts_every_accepted_answer(learner: Learner, page: Page, qid: str, typed: str, right: bool
                                                ) -> None:
    answer_by_typing(page, learner, qid, typed)
    verdict = page.locator("#studydeck-verdict")
    assert verdict.text_content() == ("✔ Right" if right else "✘ Not quite")
    assert verdict.get_attribute("class") == f"verdict {'right' if right else 'wrong'}"
    if right:  # shown as right, with the answer below it when it was another accepted form
        assert page.locator("#typeans").inner_text() == typed
        assert page.locator("#typeans .typeBad").count() == 0
        answer = learner.card(qid).note()["Answer"]
        shown = page.locator("#typeans + .hint")
        assert shown.all_inner_texts() == ([] if typed == answer else [f"Answer: {answer}"])


@pytest.mark.browser
def test_nothing_typed_shows_the_answer_and_no_verdict(learner: Learner, page: Page) -> None:
    answer_by_typing(page, learner, "bulges", "")
    assert page.locator("#studydeck-verdict").count() == 0
    assert page.locator("#typeans").inner_text() == "two"


def test_a_markdown_answer_is_compared_as_plain_text(learner: Learner) -> None:
    card = learner.card("higher")
    assert card.note()["Answer"] == "the Moon"  # written `*the* Moon`
    assert learner.col.compare_answer(card.note()["Answer"], "the Moon") == \
        "<code id=typeans><span class=typeGood>the Moon</span></code>"


@pytest.mark.browser
def test_without_scripts_the_back_lists_what_else_is_accepted(learner: Learner, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for qid, listed in [("bulges", "Also accepted: 2; II."), ("higher", "Also accepted: Moon."),
                        ("day", "Also accepted: 24. Numbers within ±5% of the answer are accepted.")]:
        card = learner.card(qid)
        page.set_content(_page(TYPE_ANSWER.sub("", card.answer())))
        assert page.locator(".accepted").inner_text() == listed
    page.set_content(_page(TYPE_ANSWER.sub("", learner.card("ratio").answer())))
    assert page.locator(".accepted").count() == 0  # nothing else accepted: nothing to say
    context.close()


def test_reimport_over_the_older_deck_updates_changed_notes_and_keeps_reviews(tmp_path: Path) -> None:
    # A learner imported the deck studydeck made before type-in cards honoured accepted answers, and studied it.
    learner = tmp_path / "c.anki2"
    assert import_package(learner, OLDER_DECK / "typed.apkg").new == 3
    study(learner, "Typed answers", answers=3)
    before = snapshot(learner)
    project = copy_case("_typed", tmp_path / "typed")
    (project / "decks").mkdir()
    shutil.copy(OLDER_DECK / "typed.anki.json", project / "decks")
    build(project, BuildOptions(formats=("anki",)))
    log = import_package(learner, project / "decks" / "typed.apkg")
    # `day` is new; `bulges` and `higher` changed (accepted answers listed, plain-text answer); `ratio` changed only
    # its citation (¶5 became ¶3 when headings and captions stopped counting as paragraphs): all three updated
    assert (log.new, log.updated, log.duplicate, log.conflicting) == (1, 3, 0, 0)
    after = snapshot(learner)
    assert after["notetypes"] == before["notetypes"]  # the same note type, updated, not a copy of it
    assert MODEL_NAMES[Kind.TYPE_IN] in after["notetypes"]
    assert after["revlog"] == before["revlog"]
    assert {cid: row for cid, row in after["cards"].items() if cid in before["cards"]} == before["cards"]
    changed = {g for g, (_, _, fields) in after["notes"].items() if g in before["notes"] and fields != before["notes"][g][2]}
    assert len(changed) == 3
    col = Collection(str(learner))
    try:
        bulges = next(n for n in col.find_notes("") if "Also accepted" in col.get_note(n)["Explanation"])
        assert "<span class=\"alt\">II</span>" in col.get_note(bulges)["Explanation"]
        for note_id in col.find_notes(""):  # the note type's card was updated, for the unchanged note too
            assert "studydeckAnswers" in col.get_note(note_id).cards()[0].answer()
    finally:
        col.close()
