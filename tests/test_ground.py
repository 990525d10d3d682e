"""Passages are proved verbatim whatever a web page hid in the text, and a misquote gets a useful suggestion."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from studydeck import check

SOURCE = """---
title: "Hidden characters"
---

The Alli\u00adance's mari\u00adtime part\u00adners met in Tokyo\u200b on 3\u00a0May, and the cafe\u0301 owners\u2060 watched.

A second paragraph says nothing about the summit.
"""


def _bank(project: Path, passages: list[str]) -> Path:
    (project / "sources").mkdir(parents=True)
    (project / "sources" / "hidden.md").write_text(SOURCE, encoding="utf-8")
    questions = ["title: Hidden", "deck_id: 1234567001", "questions:"]
    for n, passage in enumerate(passages):
        questions += [f"  - id: q{n}", "    source: hidden", f"    passage: {json.dumps(passage)}",
                      f"    question: What happened, part {n}?", "    answer: They met."]
    (project / "questions.yaml").write_text("\n".join(questions) + "\n", encoding="utf-8")
    return project


@pytest.mark.parametrize("passage", [
    "The Alliance's maritime partners met in Tokyo on 3 May",  # typed plainly: the source's hidden characters
    "the caf\u00e9 owners watched",  # composed é against the source's e + combining accent
    "mari\u00adtime part\u200bners",  # the passage's own hidden characters
    "Tokyo on 3\u202fMay",  # a narrow no-break space
])
def test_hidden_characters_never_make_a_true_quote_fail(tmp_path: Path, passage: str) -> None:
    report = check(_bank(tmp_path / "bank", [passage]))
    assert [str(p) for p in report.errors] == []
    assert report.bank is not None and report.bank.questions[0].paragraphs == (1,)


def test_a_misquote_gets_the_closest_run_of_the_source(tmp_path: Path) -> None:
    report = check(_bank(tmp_path / "bank", ["The Alliance's naval partners met in Tokyo"]))
    (error,) = report.errors
    assert error.message == ("passage not found in source 'hidden' (closest match: \"The Alliance's maritime "
                             "partners met in Tokyo\"); quote the source word for word")


def test_a_long_source_and_many_misquotes_get_their_own_closest_runs(case) -> None:
    """The suggestion is the right run even in a long source with soft hyphens (each misquote is one
    changed word of a real run)."""
    project = case("valid")
    rng = random.Random(3)
    words = [f"word{rng.randrange(5000)}" for _ in range(17000)]
    text = " ".join(w[:3] + "\u00ad" + w[3:] for w in words)
    (project / "sources" / "long.md").write_text(f'---\ntitle: "Long"\n---\n\n{text}\n', encoding="utf-8")
    starts = [rng.randrange(16000) for _ in range(12)]
    lines = []
    for n, start in enumerate(starts):
        quoted = words[start:start + 8]
        lines += [f"- id: long-{n}", "  source: long", f"  passage: {' '.join([*quoted[:4], 'CHANGED', *quoted[5:]])}",
                  f"  question: Which words, {n}?", "  answer: These."]
    questions = project / "questions.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(lines) + "\n",
                         encoding="utf-8")
    errors = [p for p in check(project).errors if p.question_id and p.question_id.startswith("long-")]
    assert len(errors) == 12
    for error, start in zip(sorted(errors, key=lambda p: int(p.question_id.split("-")[1])), starts):
        assert f'closest match: "{" ".join(words[start:start + 8])}"' in error.message, error.message
