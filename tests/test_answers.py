"""One rule, two languages: the typed-answer check of `studydeck quiz` (Python) and of the self-test page and
Anki cards (JavaScript, run in Chromium) agree with the table in tests/data/answer-cases.json."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pexpect
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from studydeck.answers import key, matches, number, parse_tolerance
from studydeck.build import BuildOptions, build
from studydeck.render.text import plain

from .conftest import CHROMIUM_ARGS, DATA, copy_case

CASES: list[dict[str, Any]] = json.loads((DATA / "answer-cases.json").read_text(encoding="utf-8"))


def _label(case: dict[str, Any]) -> str:
    return f"{case['typed']!r} for {case['accepted']!r}" + (f" ±{case['tolerance']}" if case["tolerance"] else "")


def test_the_table_covers_the_issues_examples() -> None:
    assert len(CASES) >= 60
    wrongs = {(c["typed"], c["accepted"][0]) for c in CASES if not c["expected"]}
    assert {("15", "1.5"), ("5", "-5"), ("12", "1/2"), ("314", "3.14"), ("C", "C++"), ("C", "C#")} <= wrongs
    rights = {(c["typed"], c["accepted"][0]) for c in CASES if c["expected"]}
    assert {("1,5", "1.5"), ("1.50", "1.5"), ("3/2", "1.5"), ("+1.5", "1.5")} <= rights


@pytest.mark.parametrize("case", CASES, ids=_label)
def test_python_agrees_with_the_table(case: dict[str, Any]) -> None:
    assert matches(case["typed"], case["accepted"], case["tolerance"]) is case["expected"], case["why"]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """The self-test page of a real bank, as studydeck builds it, open in Chromium."""
    project = copy_case("_typed", tmp_path_factory.mktemp("answers") / "typed")
    build(project, BuildOptions(formats=("selftest",)))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser: Browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        tab.goto((project / "decks" / "typed-selftest.html").as_uri())
        yield tab
        browser.close()


@pytest.mark.browser
def test_the_pages_javascript_agrees_with_the_table(page: Page) -> None:
    # The page receives accepted answers as plain text (render/selftest.py); so does this call.
    calls = [{"typed": c["typed"], "accepted": [plain(a) for a in c["accepted"]], "tolerance": c["tolerance"]}
             for c in CASES]
    got = page.evaluate("cases => cases.map(c => studydeckAnswers.matches(c.typed, c.accepted, c.tolerance))", calls)
    wrong = [f"{_label(c)}: expected {c['expected']} ({c['why']})" for c, g in zip(CASES, got) if g is not c["expected"]]
    assert not wrong, "\n".join(wrong)


@pytest.mark.browser
def test_the_pages_javascript_forms_the_same_keys_and_numbers(page: Page) -> None:
    texts = sorted({c["typed"] for c in CASES} | {plain(a) for c in CASES for a in c["accepted"]})
    got = page.evaluate("""texts => texts.map(t => {
        const n = studydeckAnswers.number(t);
        return [studydeckAnswers.key(t), n && [String(n.value.n), String(n.value.d), n.currency, n.unit]];
    })""", texts)
    for text, (js_key, js_number) in zip(texts, got):
        parsed = number(text)
        assert js_key == key(text), text
        python_number = parsed and [str(parsed.value.numerator), str(parsed.value.denominator), parsed.currency, parsed.unit]
        assert _reduced(js_number) == python_number, text


def _reduced(js_number: list[str] | None) -> list[str] | None:
    """JavaScript's fraction in lowest terms, as Python's Fraction keeps it."""
    if js_number is None:
        return None
    value = Fraction(int(js_number[0]), int(js_number[1]))
    return [str(value.numerator), str(value.denominator), *js_number[2:]]


@pytest.mark.parametrize("text", ["0.1", "5%", "5 %", "0", "1/10", "0,5"])
def test_a_tolerance_is_a_non_negative_number_or_percentage(text: str) -> None:
    assert parse_tolerance(text).amount >= 0


@pytest.mark.parametrize("text", ["-1", "+1", "a little", "5 kg", "$1", ""])
def test_anything_else_is_no_tolerance(text: str) -> None:
    with pytest.raises(ValueError):
        parse_tolerance(text)


@pytest.mark.browser
def test_the_self_test_page_checks_typed_answers_with_the_rule(page: Page) -> None:
    # The page asks the bank's four type-in questions in order; each answer needs the new rule to count.
    for typed in ["II", "the moon", "0.5", "25"]:
        page.fill("#typed", typed)
        page.click("#check")
        assert page.text_content(".verdict") == "✔ Right!", typed
        page.click("#next")
    assert page.text_content("#final-score") == "You got 4 of 4 right (100%)."


@pytest.mark.browser
def test_the_self_test_page_says_what_else_is_accepted(page: Page) -> None:
    page.click("text=Start again")
    for typed in ["three", "the Sun", "12", "26 hours"]:
        page.fill("#typed", typed)
        page.click("#check")
        assert page.text_content(".verdict") == "✘ Not quite.", typed
        hints = page.locator("#feedback .hint").all_inner_texts()
        if typed == "three":
            assert hints == ["Also accepted: 2; II"]
        if typed == "26 hours":
            assert hints == ["Also accepted: 24", "Numbers within ±5% of the answer are accepted."]
        page.click("#next")


def test_the_quiz_checks_typed_answers_with_the_rule(tmp_path: Path) -> None:
    project = copy_case("_typed", tmp_path / "typed")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")} | {"NO_COLOR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "studydeck", "quiz", str(project), "--progress",
                                           str(tmp_path / "progress.sqlite3")],
                          env=env, encoding="utf-8", dimensions=(40, 250), timeout=10)
    for typed, verdict in [("II", "✔ Right."), ("the moon", "✔ Right."), ("12", "✘ Not quite."), ("25", "✔ Right.")]:
        child.expect_exact("Your answer > ")
        child.sendline(typed)
        child.expect_exact(verdict)
        if typed == "25":
            child.expect_exact("Numbers within ±5% of the answer are accepted.")
        child.expect_exact("] > ")
        child.sendline("q" if typed == "25" else "")  # q: stop before the missed card comes back
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
