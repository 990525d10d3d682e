"""Choice cards as learners use them: rendered by Anki's own backend, then shown in Chromium the two ways Anki's
clients show a card (one page for both sides, as Anki desktop and AnkiMobile do; a new page for the back, as
AnkiDroid does), and with scripts off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection
from playwright.sync_api import Page

from studydeck.build import BuildOptions, build
from studydeck.cli import main
from studydeck.model import Kind
from studydeck.render.anki import FIELDS, MODEL_NAMES

from .ankitools import import_package

pytestmark = pytest.mark.browser

ORIGIN = "http://anki.invalid"  # pages served by the test itself (page.route): nothing leaves the machine
# Anki's reviewer puts each side into #qa and runs its scripts by replacing each <script> with a new one.
READER = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body class="card"><div id="qa"></div><script>
window.showSide = function (html) {
  var qa = document.getElementById("qa");
  qa.innerHTML = html;
  qa.querySelectorAll("script").forEach(function (old) {
    var s = document.createElement("script"); s.textContent = old.textContent; old.replaceWith(s);
  });
};
</script></body></html>"""
FIXED = """
  - id: all-of-them
    kind: choice
    source: tides
    passage: "the water forms two bulges at once"
    question: Which are true?
    choices: [The water forms bulges, There are two bulges, All of the above]
    answer: All of the above
    shuffle: false
"""


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """Front and back of the scaffold's choice card (two right answers of four) and of a fixed-order one, as
    Anki renders them after importing the deck."""
    project = tmp_path_factory.mktemp("choice") / "bank"
    assert main(["init", str(project)]) == 0
    with (project / "questions.yaml").open("a", encoding="utf-8") as f:
        f.write(FIXED)
    build(project, BuildOptions(formats=("anki",)))
    collection = project.parent / "c.anki2"
    import_package(collection, project / "decks" / "the-tides.apkg")
    col = Collection(str(collection))
    try:
        out = {}
        for card_id in col.find_cards("tag:kind::choice"):
            card = col.get_card(card_id)
            out["fixed" if "Which are true" in card.question() else "phases"] = (card.question(), card.answer())
        return out
    finally:
        col.close()


@pytest.fixture
def page(browser) -> Iterator[Page]:
    """A page that fails the test on any script error; ORIGIN serves `/reader`, `/front` and `/back`."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    context.set_default_timeout(15000)  # a wait limit on a loaded 2-core machine, not a speed claim
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.served = {"/reader": READER}  # type: ignore[attr-defined]
    page.route(f"{ORIGIN}/**", lambda route: route.fulfill(
        content_type="text/html; charset=utf-8", body=page.served[route.request.url[len(ORIGIN):]]))  # type: ignore[attr-defined]
    yield page
    context.close()
    assert errors == []


def shown(page: Page) -> list[str]:
    """The choices as the learner sees them, top to bottom, without the marks added on the back."""
    return page.eval_on_selector_all(".sd-choices li", "xs => xs.map(x => x.firstChild.textContent)")


def tap(page: Page, *texts: str) -> None:
    for text in texts:
        page.locator(".sd-choices li", has_text=text).tap()


def marks(page: Page) -> dict[str, str]:
    """Each choice on the back: its mark ("✔ your choice", "✘ your choice", "✔ correct" or "")."""
    return dict(page.eval_on_selector_all(".sd-choices li", "xs => xs.map(x => [x.firstChild.textContent, "
                                          "(x.querySelector('.mark') || {textContent: ''}).textContent])"))


RIGHT = {"New moon", "Full moon"}


@pytest.mark.parametrize("storage", [True, False], ids=["session-storage", "no-storage"])
def test_one_page_clients_tap_shuffle_and_mark_the_back(page: Page, sides: dict[str, tuple[str, str]],
                                                        storage: bool) -> None:
    question, answer = sides["phases"]
    if not storage:  # as on a client whose web view refuses storage: the global variable carries the picks
        page.add_init_script("Object.defineProperty(window, 'sessionStorage', "
                             "{get() { throw new DOMException('denied', 'SecurityError'); }})")
    page.goto(f"{ORIGIN}/reader")
    assert page.evaluate("() => { try { return !!sessionStorage; } catch (e) { return false; } }") is storage
    orders = set()
    for showing in range(10):
        page.evaluate("html => showSide(html)", question)
        order = shown(page)
        orders.add(tuple(order))
        assert sorted(order) == ["First quarter", "Full moon", "Last quarter", "New moon"]
        assert page.get_attribute(".sd-choices ol", "role") == "group"  # several answers: checkboxes
        picks = ["New moon", "Full moon"] if showing % 2 else ["First quarter", "Full moon"]
        tap(page, *picks)
        tap(page, "Last quarter")
        tap(page, "Last quarter")  # a second tap takes a choice back
        assert page.eval_on_selector_all("li[aria-checked=true]", "xs => xs.length") == 2
        page.evaluate("html => showSide(html)", answer)
        assert shown(page) == order  # the back keeps the order the front showed
        got = marks(page)
        for text in order:
            mine, correct = text in picks, text in RIGHT
            assert got[text] == ("✔ your choice" if mine and correct else "✘ your choice" if mine else
                                 "✔ correct" if correct else "")
        verdict = page.inner_text(".verdict")
        assert verdict == ("✔ Right" if set(picks) == RIGHT else "✘ Not quite")
        assert "Spring tides come when the three bodies are aligned." in page.inner_text("#qa")
        assert page.is_visible("blockquote.passage")
    assert len(orders) > 1  # shuffled across showings


def test_clients_that_load_the_back_as_a_new_page_get_the_picks_through_session_storage(
        page: Page, sides: dict[str, tuple[str, str]]) -> None:
    question, answer = sides["phases"]
    page.served.update({"/front": question, "/back": answer})  # type: ignore[attr-defined]
    page.goto(f"{ORIGIN}/front")
    order = shown(page)
    tap(page, "First quarter")
    page.goto(f"{ORIGIN}/back")
    assert shown(page) == order
    assert marks(page) == {"First quarter": "✘ your choice", "New moon": "✔ correct", "Full moon": "✔ correct",
                           "Last quarter": ""}
    assert page.inner_text(".verdict") == "✘ Not quite"


def test_a_single_answer_takes_one_pick_and_a_fixed_order_stays(page: Page, sides: dict[str, tuple[str, str]]) -> None:
    question, answer = sides["fixed"]
    page.goto(f"{ORIGIN}/reader")
    for _ in range(4):
        page.evaluate("html => showSide(html)", question)
        assert shown(page) == ["The water forms bulges", "There are two bulges", "All of the above"]
        assert page.get_attribute(".sd-choices ol", "role") == "radiogroup"
        tap(page, "There are two bulges", "All of the above")  # the second pick replaces the first
        assert page.eval_on_selector_all("li[aria-checked=true]", "xs => xs.map(x => x.textContent)") == [
            "All of the above"]
        page.evaluate("html => showSide(html)", answer)
        assert page.inner_text(".verdict") == "✔ Right"
        assert marks(page)["All of the above"] == "✔ your choice"


def test_the_back_without_picks_or_without_scripts_is_the_static_answer(
        browser, page: Page, sides: dict[str, tuple[str, str]]) -> None:
    question, answer = sides["phases"]
    page.goto(f"{ORIGIN}/reader")
    page.evaluate("html => showSide(html)", question)
    page.evaluate("html => showSide(html)", answer)  # shown without a pick: no verdict, the right ones marked
    assert page.locator(".verdict").count() == 0
    assert page.eval_on_selector_all("li.correct", "xs => xs.map(x => x.textContent)") == ["New moon", "Full moon"] \
        or sorted(page.eval_on_selector_all("li.correct", "xs => xs.map(x => x.textContent)")) == ["Full moon", "New moon"]
    context = browser.new_context(java_script_enabled=False)
    still = context.new_page()
    still.set_content(question)
    assert shown(still) == ["New moon", "First quarter", "Full moon", "Last quarter"]
    assert "Choose 2." in still.inner_text("body")
    still.set_content(answer)
    assert still.eval_on_selector_all("li.correct", "xs => xs.map(x => x.textContent)") == ["New moon", "Full moon"]
    after = still.eval_on_selector("li.correct", "x => getComputedStyle(x, '::after').content")
    assert "✔" in after
    context.close()


# The choice card templates of studydeck before its cards took taps: a deck that learners already have.
STATIC_FRONT = '<div class="prompt">{{Question}}</div>\n{{Choices}}\n'
STATIC_BACK = '<div class="prompt">{{Question}}</div>\n<hr id="answer">\n{{Marked}}\n<!--source-->\n'


def test_importing_over_a_deck_with_static_choice_cards_updates_it_in_place(default_bank: Path, tmp_path: Path) -> None:
    """Same fields and card templates, new template text: Anki updates the note type and the notes in place, and
    no note is 'conflicting'."""
    templates = default_bank / "templates" / "anki"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "choice.front.html").write_text(STATIC_FRONT, encoding="utf-8")
    (templates / "choice.back.html").write_text(STATIC_BACK, encoding="utf-8")
    out = tmp_path / "decks"  # both builds write here: the second reads the first's note times from it
    build(default_bank, BuildOptions(formats=("anki",), out=out))
    collection = tmp_path / "c.anki2"
    first = import_package(collection, out / "nato-japan.apkg")
    for name in ("choice.front.html", "choice.back.html"):
        (templates / name).unlink()
    build(default_bank, BuildOptions(formats=("anki",), out=out))
    second = import_package(collection, out / "nato-japan.apkg")
    assert first.conflicting == second.conflicting == 0 and first.new > 200
    assert second.new == 0  # the notes are the same; their note type is new (checked below)
    col = Collection(str(collection))
    try:
        model = col.models.by_name(MODEL_NAMES[Kind.CHOICE])
        assert model is not None
        assert [f["name"] for f in model["flds"]] == list(FIELDS[Kind.CHOICE]) and len(model["tmpls"]) == 1
        assert "studydeck choice card, front" in model["tmpls"][0]["qfmt"]
        ours = sorted(m["name"] for m in col.models.all() if m["name"].startswith("studydeck"))
        assert set(ours) <= set(MODEL_NAMES.values()) and len(ours) == len(set(ours))  # no copy "...-1a2b3"
        for card_id in col.find_cards("tag:kind::choice"):
            assert 'class="sd-choices"' in col.get_card(card_id).question()
    finally:
        col.close()
