"""One rule, two languages: the typed-answer check of `studydeck quiz` (Python) and of the self-test page and
Anki cards (JavaScript, run in Chromium) agree with the table in tests/data/answer-cases.json."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from studydeck.answers import key, matches, number, tolerance
from studydeck.build import BuildOptions, build
from studydeck.render.text import plain

from .conftest import DATA, copy_case

CASES: list[dict[str, Any]] = json.loads((DATA / "answer-cases.json").read_text(encoding="utf-8"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


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
    assert tolerance(text).amount >= 0


@pytest.mark.parametrize("text", ["-1", "+1", "a little", "5 kg", "$1", ""])
def test_anything_else_is_no_tolerance(text: str) -> None:
    with pytest.raises(ValueError):
        tolerance(text)
