"""The self-test page, driven in the system's headless Chromium through Playwright.

One browser for the module; each test gets a fresh context (so an empty localStorage) on the same page file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from studydeck.answers import key
from studydeck.build import BuildOptions, build
from studydeck.cli import main
from studydeck.render.selftest import script_json

from .benchmark.synthetic import write_bank
from .conftest import copy_case

EXTRA = """
  - id: which-body
    kind: choice
    source: tides
    passage: "The Sun raises tides too, but less than half as high as the Moon's."
    question: Which body raises the *higher* tides?
    choices: [The Sun, The Moon]
    answer: The Moon
    tags: [moon]

  - id: accents
    kind: type-in
    source: tides
    passage: "The Sun raises tides too"
    question: Type the French name of New Zealand.
    answer: Nouvelle-Zélande

  - id: injection
    source: tides
    passage: "the water forms two bulges at once"
    question: "</script><script>window.pwned = 1</script> How **many**? <img src=x onerror=\\"window.pwned = 2\\">"
    answer: "Two </div><script>window.pwned = 3</script>"
    explanation: "[a link](javascript:window.pwned=4) & \\u2028 [the source](https://example.org/tides)"
    tags: [evil]
"""
# What a learner does to answer each question right, and wrong: (kind of action, right value, wrong value).
ANSWERS = {
    "two-bulges": ("recall", True, False),
    "spring-tide-term": ("recall", True, False),
    "two-high-tides": ("gaps", {0: "Two"}, {0: "three"}),  # its {{c1::...}}; the c2 gap is shown
    "sun-vs-moon": ("type", "  THE moon!! ", "the Sun"),
    "spring-when": ("pick", ["New moon", "Full moon"], ["New moon"]),
    "spring-season": ("pick", ["False"], ["True"]),
    "tide-period": ("recall", True, False),
    "which-body": ("pick", ["The Moon"], ["The Sun"]),
    "accents": ("type", "nouvelle zelande", "Australia"),
    "injection": ("recall", True, False),
    # The further cards of a question (a cloze's {{c2::...}}, a reversed question's other way): never asked on the
    # day another card of the same question is.
    "two-high-tides:c2": ("gaps", {1: " 24 HOURS. "}, {1: "a day"}),
    "spring-tide-term:reverse": ("recall", True, False),
}
ORDER = [qid for qid in ANSWERS if ":" not in qid]  # the first session: one card of each question
DECK_ID = "1357924680135"  # set in the bank below (the page keeps progress under it)
EXTRA_IDS = ("which-body", "accents", "injection")


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scaffold bank (one question of every kind) plus a single-answer choice, accents and an attack."""
    project = tmp_path_factory.mktemp("selftest") / "bank"
    assert main(["init", str(project)]) == 0
    questions = project / "questions.yaml"
    text = re.sub(r"(?m)^deck_id: \d+", f"deck_id: {DECK_ID}", questions.read_text(encoding="utf-8"))
    questions.write_text(text + EXTRA, encoding="utf-8")
    build(project, BuildOptions(formats=("selftest",)))
    return project


@pytest.fixture(scope="module")
def page_url(bank: Path) -> str:
    return (bank / "decks" / "the-tides-selftest.html").as_uri()


@pytest.fixture
def page(browser, page_url: str) -> Iterator:
    """A fresh page (empty storage) on the self-test; fails the test on any script error or network request."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)  # a wait limit on a loaded 2-core machine, not a speed claim
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: errors.append(f"request {r.url}") if not r.url.startswith("file:") else None)
    page.goto(page_url)
    yield page
    context.close()
    assert errors == []


def current_id(page) -> str:
    return page.get_attribute("#card", "data-id")


def answer(page, right: bool) -> str:
    """Answer the question on screen, right or wrong, the way a learner would; return its id."""
    qid = current_id(page)
    action, good, bad = ANSWERS[qid]
    value = good if right else bad
    if action == "recall":
        page.click("#check")
        page.click("#knew" if value else "#didnt")
        return qid
    if action == "gaps":
        for i, text in value.items():
            page.fill(f"input.gap-input[data-gap='{i}']", text)
    elif action == "type":
        page.fill("#typed", value)
    else:
        for choice in value:  # by its text: choices are shuffled on every showing
            page.locator(".option", has_text=choice).click()
    page.click("#check")
    return qid


def open_options(page) -> None:
    if page.get_attribute("#options", "open") is None:
        page.click("#options > summary")


def start(page, **filters: str | bool) -> None:
    """Choose questions in the options panel and start a run."""
    open_options(page)
    for name in ("source", "tag", "kind"):
        page.select_option(f"#f-{name}", str(filters.get(name, "")))
    for name in ("missed", "shuffle"):
        page.set_checked(f"#f-{name}", bool(filters.get(name, False)))
    page.click("#start")


def text(page, selector: str) -> str:
    return page.inner_text(selector)


def test_every_kind_answered_right(page) -> None:
    for n, qid in enumerate(ORDER, start=1):
        assert text(page, "#position") == f"Question {n} of {len(ORDER)}"
        assert current_id(page) == qid
        answer(page, right=True)
        assert text(page, "#score") == f"Score {n} / {n}"
        if ANSWERS[qid][0] != "recall":
            assert text(page, ".verdict") == "✔ Right!"
            assert "How the Moon Makes the Tides" in text(page, ".citation")
            assert text(page, ".passage") != ""
            page.click("#next")
    assert text(page, "#final-score") == f"You got {len(ORDER)} of {len(ORDER)} right (100%)."
    assert "No mistakes" in text(page, "#summary")


def test_every_kind_answered_wrong_shows_the_right_answer(page) -> None:
    seen = {}
    for qid in ORDER:
        kind = ANSWERS[qid][0]
        if kind == "recall":
            page.click("#check")
            seen[qid] = text(page, "#feedback")
            page.click("#didnt")
            continue
        answer(page, right=False)
        assert text(page, ".verdict") == "✘ Not quite."
        seen[qid] = text(page, "#feedback")
        page.click("#next")
    assert "Answer: Two, one facing the Moon and one on the far side." in seen["two-bulges"]
    assert "The Moon pulls the near ocean towards it" in seen["two-bulges"]
    assert "Answer: Most coasts see two high tides in a little more than 24 hours." in seen["two-high-tides"]
    assert "Your answer: the Sun" in seen["sun-vs-moon"] and "Answer: the Moon" in seen["sun-vs-moon"]
    assert "Also accepted: Moon" in seen["sun-vs-moon"]
    assert "Answer: New moon; Full moon" in seen["spring-when"]
    assert "Answer: False" in seen["spring-season"]
    assert "“the water forms two bulges at once”" not in seen["two-bulges"]  # the passage is quoted as is
    assert "the water forms two bulges at once" in seen["two-bulges"]
    assert "— Your Name, “How the Moon Makes the Tides”, Your class notes, 2026, ¶1 [tides#1]" in seen["two-bulges"]
    assert text(page, "#final-score") == f"You got 0 of {len(ORDER)} right (0%)."
    missed = page.eval_on_selector_all("#missed-list li", "items => items.map(i => i.dataset.id)")
    assert missed == ORDER


def test_wrong_choices_and_gaps_are_marked(page) -> None:
    start(page, kind="cloze")
    assert page.get_attribute("input.gap-input[data-gap='0']", "aria-label") == "Gap 1 of 1"
    answer(page, right=False)
    assert page.eval_on_selector_all(".gap-input", "xs => xs.map(x => x.className)") == ["gap-input is-wrong"]
    assert page.eval_on_selector_all(".gap-fix", "xs => xs.map(x => x.textContent)") == ["two"]
    start(page, kind="choice")
    answer(page, right=False)  # spring-when: one of the two right choices
    marks = dict(page.eval_on_selector_all(".option", "xs => xs.map(x => [x.querySelector('.text').textContent, "
                                           "x.className + ':' + x.innerText.split('\\n').pop()])"))
    assert marks == {"New moon": "option is-correct:✔ your choice", "First quarter": "option:First quarter",
                     "Full moon": "option is-correct:✔ correct", "Last quarter": "option:Last quarter"}
    assert page.locator(".option", has_text="First quarter").locator("input").is_disabled()
    colours = dict(page.eval_on_selector_all(".option", "xs => xs.map(x => [x.querySelector('.text').textContent, "
                                             "getComputedStyle(x).backgroundColor])"))
    # a right choice looks right whether it was picked or not
    assert colours["New moon"] == colours["Full moon"] != colours["First quarter"]


def test_summary_groups_by_source_and_tag_and_lists_the_missed(page) -> None:
    for qid in ORDER:
        answer(page, right=qid in ("two-bulges", "which-body", "accents"))
        if page.is_visible("#next"):
            page.click("#next")
    summary = text(page, "#summary")
    assert "You got 3 of 10 right (30%)." in summary
    rows = page.eval_on_selector_all("#summary table >> nth=0 >> tbody tr", "rs => rs.map(r => r.innerText)")
    assert [re.sub(r"\s+", " ", r) for r in rows] == ["How the Moon Makes the Tides 3 / 10 30%"]
    tags = page.eval_on_selector_all("#summary table >> nth=1 >> tbody tr", "rs => rs.map(r => r.innerText)")
    assert [re.sub(r"\s+", " ", r) for r in tags] == [
        "#evil 0 / 1 0%", "#sun 0 / 2 0%", "#terms 0 / 2 0%", "#moon 2 / 6 33%", "#easy 1 / 1 100%"]
    missed = page.eval_on_selector_all("#missed-list li", "items => items.map(i => i.dataset.id)")
    assert missed == [q for q in ORDER if q not in ("two-bulges", "which-body", "accents")]
    page.click("text=Try the 7 missed again")
    assert text(page, "#position") == "Question 1 of 7"
    assert current_id(page) == "spring-tide-term"


def test_filters_choose_the_questions(page) -> None:
    open_options(page)
    page.select_option("#f-kind", "type-in")
    assert text(page, "#f-count") == "2 questions match: 0 due, 2 new."
    start(page, kind="type-in")
    assert page.get_attribute("#options", "open") is None  # closed, so a phone shows the question
    assert text(page, "#position") == "Question 1 of 2"
    assert [current_id(page)] == ["sun-vs-moon"]
    start(page, tag="terms")
    ids = []
    for _ in range(2):
        ids.append(answer(page, right=True))
    assert ids == ["spring-tide-term", "spring-season"]
    start(page, source="tides", tag="moon", kind="choice")
    assert text(page, "#position") == "Question 1 of 2"
    start(page, shuffle=True)
    assert text(page, "#position") == f"Question 1 of {len(ORDER)}"
    # only the ones I missed: miss one, then filter
    start(page, kind="true-false")
    answer(page, right=False)
    open_options(page)
    page.set_checked("#f-missed", True)
    page.select_option("#f-kind", "")
    page.select_option("#f-tag", "")
    assert text(page, "#f-count") == "1 question matches: 1 due, 0 new."  # Again: due in a minute
    page.click("#start")
    assert current_id(page) == "spring-season" and text(page, "#position") == "Question 1 of 1"


def test_progress_survives_a_reload_and_reset_forgets_it(page, bank: Path) -> None:
    answer(page, right=True)
    answer(page, right=False)
    page.reload()
    assert text(page, "#position") == f"Question 3 of {len(ORDER)}"
    assert text(page, "#score") == "Score 1 / 2"
    assert current_id(page) == "two-high-tides"
    open_options(page)
    assert "answered 2 of 12 questions; 1 right the last time; 2 due now." in text(page, "#overall")
    stored = stored_progress(page)
    assert {qid: card["right"] for qid, card in stored["cards"].items()} == {"two-bulges": 1, "spring-tide-term": 0}
    assert set(stored["other"]) == {f"studydeck:{DECK_ID}:run"}
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#reset")
    assert text(page, "#position") == f"Question 1 of {len(ORDER)}"
    assert text(page, "#score") == "Score 0 / 0"
    page.reload()
    assert text(page, "#score") == "Score 0 / 0"
    assert stored_progress(page)["cards"] == {}


def stored_progress(page) -> dict:
    """What the page keeps in localStorage: one entry per card answered, and the others (the session)."""
    entries = page.evaluate("Object.fromEntries(Object.keys(localStorage).map(k => [k, localStorage.getItem(k)]))")
    prefix = f"studydeck:{DECK_ID}:card:"
    return {"cards": {k[len(prefix):]: json.loads(v) for k, v in entries.items() if k.startswith(prefix)},
            "other": [k for k in entries if not k.startswith(prefix)]}


def test_two_banks_with_one_name_keep_their_own_progress(page, browser, tmp_path: Path) -> None:
    """Pages opened from disk share one localStorage: a copy of the bank (same title, own deck_id) must not
    continue the original's run."""
    answer(page, right=True)
    other = tmp_path / "unit2"
    assert main(["init", str(other)]) == 0
    build(other, BuildOptions(formats=("selftest",)))
    second = page.context.new_page()
    second.goto((other / "decks" / "the-tides-selftest.html").as_uri())
    assert text(second, "#position") == f"Question 1 of {len(ORDER) - len(EXTRA_IDS)}"
    assert text(second, "#score") == "Score 0 / 0"
    page.reload()
    assert text(page, "#score") == "Score 1 / 1"


def test_a_finished_run_shows_its_results_after_a_reload(page) -> None:
    start(page, kind="true-false")
    answer(page, right=True)
    page.reload()
    assert text(page, "#final-score") == "You got 1 of 1 right (100%)."


def letter_of(page, choice: str) -> str:
    """The letter a choice has on screen this time (choices are shuffled on every showing)."""
    shown = page.eval_on_selector_all(".option .text", "xs => xs.map(x => x.textContent)")
    return "ABCDEFGHIJ"[shown.index(choice)]


def test_keyboard_only(page) -> None:
    start(page, kind="choice")
    page.keyboard.press(str("ABCD".index(letter_of(page, "New moon")) + 1))  # a digit ...
    page.keyboard.press(letter_of(page, "Full moon").lower())  # ... or a letter
    page.keyboard.press("Enter")
    assert text(page, ".verdict") == "✔ Right!"
    page.keyboard.press("Enter")
    page.keyboard.press(letter_of(page, "The Moon").lower())
    page.keyboard.press("Enter")
    assert text(page, ".verdict") == "✔ Right!"
    start(page, kind="true-false")
    page.keyboard.press("f")
    page.keyboard.press("Enter")
    assert text(page, ".verdict") == "✔ Right!"
    start(page, kind="type-in")
    page.keyboard.type("moon")  # the field has the focus: letters are typed, not shortcuts
    page.keyboard.press("Enter")
    assert text(page, ".verdict") == "✔ Right!"
    page.keyboard.press("Enter")
    assert current_id(page) == "accents"
    start(page, kind="basic")
    page.keyboard.press(" ")
    assert "Answer: Two" in text(page, "#feedback")
    page.keyboard.press("y")
    assert text(page, "#score") == "Score 1 / 1"


def test_script_in_the_bank_stays_text(page) -> None:
    start(page, tag="evil")
    assert text(page, "#prompt").startswith("</script><script>window.pwned = 1</script> How many? <img src=x")
    assert page.eval_on_selector("#prompt", "p => p.querySelector('script, img') === null")
    assert page.inner_html("#prompt").count("<strong>many</strong>") == 1  # Markdown still works
    page.click("#check")
    assert "Two </div><script>window.pwned = 3</script>" in text(page, "#feedback")
    assert page.eval_on_selector("#feedback", "f => f.querySelector('script, a[href^=javascript]') === null")
    assert page.get_attribute("#feedback a", "target") == "_blank"
    page.click("#knew")
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("document.scripts.length") == 2


def test_the_data_cannot_close_its_script_element(bank: Path) -> None:
    html = (bank / "decks" / "the-tides-selftest.html").read_text(encoding="utf-8")
    assert html.count("<script") == 2 and html.count("</script") == 2
    assert "\u2028" not in html and "\u2029" not in html
    assert str(script_json({"a": "</script>&\u2028\u2029"})) == '{"a":"\\u003c/script\\u003e\\u0026\\u2028\\u2029"}'


def test_narrow_phone_screen_has_no_sideways_scrolling(browser, page_url: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    context.set_default_timeout(15000)  # a wait limit on a loaded 2-core machine, not a speed claim
    page = context.new_page()
    page.goto(page_url)
    widths = []
    for _ in ORDER:
        widths.append(page.evaluate("document.documentElement.scrollWidth"))
        answer(page, right=False)
        widths.append(page.evaluate("document.documentElement.scrollWidth"))
        if page.is_visible("#next"):
            page.click("#next")
    open_options(page)
    widths.append(page.evaluate("document.documentElement.scrollWidth"))
    assert page.is_visible("#summary")
    assert max(widths) <= 360
    context.close()


def test_the_page_is_the_same_bytes_on_every_build(bank: Path, tmp_path: Path) -> None:
    build(bank, BuildOptions(formats=("selftest",), out=tmp_path))
    assert (tmp_path / "the-tides-selftest.html").read_bytes() == (bank / "decks" / "the-tides-selftest.html").read_bytes()


def test_a_project_can_replace_the_pages_style_and_script(tmp_path: Path) -> None:
    project = tmp_path / "bank"
    main(["init", str(project)])
    (project / "templates" / "selftest").mkdir(parents=True)
    (project / "templates" / "selftest" / "style.css").write_text("body { color: {{ purple }}; }\n", encoding="utf-8")
    build(project, BuildOptions(formats=("selftest",)))
    html = (project / "decks" / "the-tides-selftest.html").read_text(encoding="utf-8")
    assert "<style>\nbody { color: {{ purple }}; }\n\n</style>" in html  # verbatim: CSS is no Jinja template
    assert "var studydeckAnswers = " in html  # the answer-checking rule, shared with Anki's type-in cards


def test_a_large_banks_page_carries_every_question_in_order(tmp_path: Path) -> None:
    # The data is written into the page in pieces of a thousand questions: a bank of several pieces.
    write_bank(tmp_path / "big", 2500)
    build(tmp_path / "big", BuildOptions(formats=("selftest",)))
    html = (tmp_path / "big" / "decks" / "synthetic-2500-selftest.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert [q["id"] for q in data["questions"]] == [f"q{i:06d}" for i in range(2500)]
    assert set(data) == {"bank", "deck_id", "kinds", "questions", "sources", "tags"}


def test_the_default_banks_page_has_every_gap_and_is_committed_up_to_date(default_bank: Path, tmp_path: Path) -> None:
    from studydeck import load_checked
    from studydeck.render.fields import html_fields
    from studydeck.render.selftest import page_data

    bank = load_checked(default_bank)
    data = page_data(bank, html_fields(bank))
    assert len(data["questions"]) == len(bank.questions) > 200
    for q in data["questions"]:
        assert "\ue000" not in q["prompt"] + q["answer"] and "\ue001" not in q["prompt"] + q["answer"], q["id"]
        if q["kind"] == "cloze":
            assert [int(n) for n in re.findall(r'data-gap="(\d+)"', q["prompt"])] == list(range(len(q["gaps"]))), q["id"]
            assert q["answer"].count('<mark class="gap-answer">') == len(q["gaps"]), q["id"]
        if q["kind"] == "type-in":
            assert all(key(a) for a in q["accept"]), q["id"]
    build(default_bank, BuildOptions(formats=("selftest",), out=tmp_path))
    committed = default_bank / "decks" / "nato-japan-selftest.html"
    assert (tmp_path / "nato-japan-selftest.html").read_bytes() == committed.read_bytes(), (
        "decks/ is out of date: run `.venv/bin/studydeck build` in the repository and commit decks/")


def _histories(count: int, seed: int) -> list[list[tuple[int, int]]]:
    """Review histories as learners make them: (time in ms, rating), minutes to months apart, every rating."""
    import random

    rng = random.Random(seed)
    start = 1_767_225_600_000  # 2026-01-01T00:00Z
    histories = []
    for _ in range(count):
        at, history = start + rng.randrange(86_400_000), []
        for _ in range(rng.randint(1, 12)):
            history.append((at, rng.choice([1, 1, 2, 3, 3, 3, 4])))
            at += rng.choice([30_000, 60_000, 600_000, 3_600_000, 86_400_000, 3 * 86_400_000]) * rng.randint(1, 40)
        histories.append(history)
    return histories


def test_the_pages_fsrs_gives_the_quizs_due_dates(page) -> None:
    """The page's scheduler and the `fsrs` package the quiz uses agree on every card of a few hundred histories."""
    from datetime import UTC, datetime

    from fsrs import Card, Rating, Scheduler

    histories = _histories(300, seed=16)
    scheduler = Scheduler(enable_fuzzing=False)
    expected = []
    for history in histories:
        card = Card(card_id=0)
        for at, rating in history:
            card, _ = scheduler.review_card(card, Rating(rating), datetime.fromtimestamp(at / 1000, UTC))
        expected.append((card.due.timestamp() * 1000, card.state.value, card.step))
    got = page.evaluate("""histories => histories.map(h => {
        let card = null;
        h.forEach(([at, rating]) => { card = StudydeckFSRS.review(card, rating, at, { fuzz: false }); });
        return [card.due, card.state, card.step];
    })""", histories)
    for history, (due, state, step), (their_due, their_state, their_step) in zip(histories, expected, got):
        assert abs(due - their_due) <= 60_000 and (state, step) == (their_state, their_step), history
    assert len({state for _, state, _ in expected}) == 3  # learning, review and relearning cards all compared
    # with fuzzing (as both use it) a review interval stays within FSRS's fuzz range of the unfuzzed one
    spread = page.evaluate("""() => {
        let card = null, dues = new Set();
        for (let i = 0; i < 40; i++) {
          let c = StudydeckFSRS.review(null, 4, 0);
          c = StudydeckFSRS.review(c, 3, 10 * 86400000);
          dues.add(c.due);
        }
        return dues.size;
    }""")
    assert spread > 1


def test_a_session_asks_due_questions_first_then_new_ones(page) -> None:
    # answer three, then let time pass: FSRS's due dates decide the next session, not the bank order
    for _ in range(3):
        answer(page, right=True)
        if page.is_visible("#next"):
            page.click("#next")
    now = page.evaluate("Date.now()")
    page.evaluate("""([deck, now]) => {
        for (const [id, ago] of [["spring-tide-term", 2], ["two-bulges", 1]]) {
          const key = `studydeck:${deck}:card:${id}`, card = JSON.parse(localStorage.getItem(key));
          card.due = now - ago * 3600000; localStorage.setItem(key, JSON.stringify(card));
        }
    }""", [DECK_ID, now])
    page.reload()
    open_options(page)
    page.fill("#f-size", "4")
    page.dispatch_event("#f-size", "change")
    # the third, two-high-tides, is in its 10-minute learning step: due soon enough to count (as in Anki)
    assert text(page, "#f-count") == ("12 questions match: 3 due, 9 new. 2 wait for another day: two cards of a "
                                      "question are never asked on one day.")  # spring-tide-term's other way, c2
    assert text(page, "#start") == "Start 4 questions"
    page.click("#start")
    asked = []
    for _ in range(4):
        asked.append(answer(page, right=True))
        if page.is_visible("#next"):
            page.click("#next")
    assert asked == ["spring-tide-term", "two-bulges", "two-high-tides", "sun-vs-moon"]  # due, earliest first; new


def test_a_reversed_question_is_asked_both_ways_never_on_one_day(page) -> None:
    # As in Anki and the quiz: the term for its meaning, then, on another day, the meaning for its term.
    open_options(page)
    page.select_option("#f-kind", "reversed")
    waits = "One waits for another day: two cards of a question are never asked on one day."
    assert text(page, "#f-count") == f"2 questions match: 0 due, 2 new. {waits}"
    assert text(page, "#start") == "Start 1 question"
    page.click("#start")
    assert current_id(page) == "spring-tide-term"
    assert text(page, "#position") == "Question 1 of 1"  # its other way waits for another day
    assert "What does it mean?" in text(page, "#card") and text(page, "#prompt") == "Spring tide"
    page.click("#check")
    page.click("#knew")
    open_options(page)
    # the term is due again in minutes (a learning step); its other way is not, whatever the session
    assert text(page, "#f-count") == f"2 questions match: 1 due, 1 new. {waits}"
    page.fill("#f-size", "5")
    page.dispatch_event("#f-size", "change")
    assert text(page, "#start") == "Start 1 question"
    page.evaluate("""(deck) => {  // the day after
        const key = `studydeck:${deck}:card:spring-tide-term`, card = JSON.parse(localStorage.getItem(key));
        card.last -= 86400000; card.due += 86400000; localStorage.setItem(key, JSON.stringify(card));
    }""", DECK_ID)
    page.reload()
    start(page, kind="reversed")
    assert current_id(page) == "spring-tide-term:reverse"
    assert "Term and definition, the other way" in text(page, ".meta")
    assert "Which term is this?" in text(page, "#card")
    assert text(page, "#prompt") == "The largest tide, when the Sun, the Moon and the Earth stand in a line."
    page.click("#check")
    assert "Answer: Spring tide" in text(page, "#feedback")
    page.click("#didnt")
    assert "Spring tide" in text(page, "#missed-list")


def test_a_cloze_is_asked_once_per_deletion_number(page) -> None:
    # {{c1::two}} and {{c2::24 hours::a duration}}: two cards, as in Anki, each with the other gap shown.
    start(page, kind="cloze")
    assert current_id(page) == "two-high-tides"
    assert text(page, "#position") == "Question 1 of 1"
    assert text(page, ".gap-shown") == "24 hours" and "Fill in the gap." in text(page, "#card")
    assert "Fill in the blanks, part 1" in text(page, ".meta")
    answer(page, right=True)
    page.evaluate("""(deck) => {  // the day after
        const key = `studydeck:${deck}:card:two-high-tides`, card = JSON.parse(localStorage.getItem(key));
        card.last -= 86400000; card.due += 86400000; localStorage.setItem(key, JSON.stringify(card));
    }""", DECK_ID)
    page.reload()
    start(page, kind="cloze")
    assert current_id(page) == "two-high-tides:c2"
    assert "Fill in the blanks, part 2" in text(page, ".meta")
    assert text(page, ".gap-shown") == "two"
    assert page.get_attribute("input.gap-input[data-gap='1']", "placeholder") == "a duration"
    assert page.get_attribute("input.gap-input[data-gap='1']", "aria-label") == "Gap 1 of 1 (a duration)"
    answer(page, right=False)
    assert page.eval_on_selector_all(".gap-fix", "xs => xs.map(x => x.textContent)") == ["24 hours"]
    assert "Answer: Most coasts see two high tides in a little more than 24 hours." in text(page, "#feedback")
    # the answer marks the gap this card asked, not the one it showed
    assert page.eval_on_selector_all("#feedback mark.gap-answer", "xs => xs.map(x => x.textContent)") == ["24 hours"]


def test_progress_moves_between_devices_as_a_file(browser, page_url: str, tmp_path: Path) -> None:
    laptop = browser.new_context()
    page = laptop.new_page()
    page.goto(page_url)
    answer(page, right=True)
    answer(page, right=False)
    open_options(page)
    with page.expect_download() as download:
        page.click("#export")
    saved = tmp_path / "progress.json"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "the-tides-progress.json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["deck_id"] == DECK_ID and sorted(data["cards"]) == ["spring-tide-term", "two-bulges"]
    assert saved.stat().st_size < 1000
    laptop.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = phone.new_page()
    page.goto(page_url)
    open_options(page)
    note = expect(page.locator("#transfer-note"))  # waits: the file is read in the background
    page.set_input_files("#import", str(saved))
    note.to_have_text("Loaded: 2 questions updated from the file.")
    assert "answered 2 of 12 questions; 1 right the last time" in text(page, "#overall")
    page.set_input_files("#import", str(saved))  # loading it again changes nothing
    note.to_have_text("Loaded: 0 questions updated from the file.")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**data, "deck_id": "42", "bank": "another"}), encoding="utf-8")
    page.set_input_files("#import", str(other))
    note.to_have_text("That file holds progress for another bank (another): nothing was loaded.")
    phone.close()


@pytest.mark.parametrize("which", ["scaffold", "default"])
def test_on_a_phone_the_first_question_is_on_screen_and_no_keys_are_hinted(browser, page_url: str, which: str) -> None:
    from .conftest import REPO

    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = phone.new_page()
    page.goto(page_url if which == "scaffold" else (REPO / "decks" / "nato-japan-selftest.html").as_uri())
    card = page.eval_on_selector("#card", "c => { const r = c.querySelector('#actions').getBoundingClientRect(); "
                                          "return [c.getBoundingClientRect().top, r.bottom]; }")
    assert card[0] >= 0 and card[1] <= 844  # the question, its answers and its button, without scrolling
    assert not page.is_visible("#keys")
    phone.close()
    if which == "default":
        return
    laptop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = laptop.new_page()
    page.goto(page_url)
    assert page.is_visible("#keys")
    laptop.close()


AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def test_the_page_passes_axe_core(browser, page_url: str) -> None:
    assert AXE.is_file(), "axe-core is missing: bash tests/run.sh installs it (npm install --prefix tests axe-core)"
    context = browser.new_context(bypass_csp=True)  # to add axe's script to a page that allows only its own
    page = context.new_page()
    page.goto(page_url)
    checks = []
    for step in ("question", "options", "answered", "summary"):
        if step == "options":
            open_options(page)
        elif step == "answered":
            answer(page, right=False)
        elif step == "summary":
            for _ in ORDER[1:]:
                if page.is_visible("#next"):
                    page.click("#next")
                if page.is_visible("#summary"):
                    break
                answer(page, right=False)
            if page.is_visible("#next"):
                page.click("#next")
            assert page.is_visible("#summary")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
        checks.append((step, [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]))
    assert checks == [(step, []) for step, _ in checks]
    context.close()


PROTOTYPE_NAMES = ("constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf")


def test_ids_and_tags_named_like_javascripts_own_keys_are_just_names(browser, tmp_path: Path) -> None:
    """Ids and tags such as `constructor` or `__proto__` name questions like any other: the score, the
    results by tag and the stored progress stay right."""
    project = copy_case("valid", tmp_path / "protos")
    questions = ["title: Prototypes", "deck_id: 1234567003", "questions:"]
    for n, name in enumerate(PROTOTYPE_NAMES):
        questions += [f"  - id: {name}", "    kind: true-false", "    source: tides",
                      '    passage: "the water forms two bulges at once"',
                      f"    question: The water forms two bulges at once ({n}).", "    answer: true",
                      f"    tags: [{name}, __proto__]"]
    (project / "questions.yaml").write_text("\n".join(questions) + "\n", encoding="utf-8")
    build(project, BuildOptions(formats=("selftest",)))
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((project / "decks" / "prototypes-selftest.html").as_uri())
    seen = []
    for n in range(1, len(PROTOTYPE_NAMES) + 1):
        seen.append(current_id(page))
        page.locator(".option", has_text="True").click()
        page.click("#check")
        assert text(page, "#score") == f"Score {n} / {n}"
        page.click("#next")
    assert sorted(seen) == sorted(PROTOTYPE_NAMES)
    assert text(page, "#final-score") == f"You got {len(PROTOTYPE_NAMES)} of {len(PROTOTYPE_NAMES)} right (100%)."
    for name in (*PROTOTYPE_NAMES, "__proto__"):
        assert name in text(page, "#summary")
    page.reload()
    open_options(page)
    assert f"answered {len(PROTOTYPE_NAMES)} of {len(PROTOTYPE_NAMES)} questions" in text(page, "#overall")
    context.close()
    assert errors == []
