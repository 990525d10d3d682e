"""`studydeck check`: one scenario folder per rule, each with the exact messages it must produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from studydeck import check
from studydeck.cli import main

from .conftest import DATA

CASES = sorted(p.name for p in DATA.iterdir()
               if p.is_dir() and not p.name.startswith("_") and p.name not in ("valid", "printable", "rich"))


@pytest.mark.parametrize("name", CASES)
def test_each_rule_reports_exact_messages_with_lines(name: str, case, capsys: pytest.CaptureFixture[str]) -> None:
    case(name)
    status = main(["check"])
    out = capsys.readouterr()
    expected = (DATA / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert status == 1
    assert out.out.splitlines() == expected, "update tests/data/<case>/expected.txt only if the new message is better"


def test_a_valid_bank_passes_with_typography_and_line_breaks_forgiven(case, capsys: pytest.CaptureFixture[str]) -> None:
    case("valid")
    status = main(["check"])
    assert status == 0
    assert capsys.readouterr().out.strip() == "ok: 4 questions, 0 warning(s)"


def test_passages_are_located_in_their_paragraphs(case) -> None:
    report = check(case("valid"))
    located = {q.id: q.paragraphs for q in report.bank.questions}
    # tides.md: a heading, then ¶1 the bulges; quoting.md: a heading, ¶1 the quote over a line break, ¶2 the
    # dashes, ¶3 the list (headings are not counted: the numbers are those a reader counts)
    assert located == {"bulges": (1,), "typography": (1,), "dashes": (2,), "list-item": (3,)}


def test_every_problem_of_a_run_is_reported_at_once(case) -> None:
    report = check(case("choice-invalid"))
    assert [p.question_id for p in report.errors] == ["no-correct", "duplicated", "too-few", "not-a-choice"]


def test_warnings_fail_only_with_strict(case, capsys: pytest.CaptureFixture[str]) -> None:
    project = case("valid")
    questions = project / "questions.yaml"
    questions.write_text(questions.read_text().replace(
        'passage: "the water forms two bulges at once"', 'passage: "two bulges"'))
    assert main(["check"]) == 0
    assert main(["check", "--strict"]) == 1
    assert "warning: question 'bulges': the passage is under 4 words" in capsys.readouterr().out


def test_a_directory_without_a_bank_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", str(tmp_path)])
    assert status == 1
    assert "no questions.yaml here; run 'studydeck init'" in capsys.readouterr().err
