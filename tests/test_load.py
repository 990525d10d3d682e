"""The loader never fails with anything but a located problem, whatever the input."""

from __future__ import annotations

import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studydeck import check
from studydeck.errors import Problem

from .conftest import DATA

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=30), st.sampled_from(["tides", "basic", "cloze", "choice", "true-false", "{{c1::x}}", "yes"]),
)
_keys = st.sampled_from(["id", "kind", "source", "passage", "question", "answer", "text", "choices", "tags",
                         "explanation", "accept", "title", "deck_id", "questions", "bogus"])
_documents = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=6),
                          max_leaves=25)


def _run_on(project: Path, text: str) -> None:
    (project / "questions.yaml").write_text(text, encoding="utf-8")
    report = check(project)
    assert all(isinstance(p, Problem) and p.line >= 1 and p.column >= 1 for p in report.problems)
    assert report.bank is not None or report.errors


def _project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("fuzz")
    (project / "sources").mkdir()
    (project / "sources" / "tides.md").write_text((DATA / "_sources" / "tides.md").read_text())
    return project


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_documents)
def test_any_yaml_structure_gives_a_bank_or_located_problems(tmp_path_factory, document) -> None:
    _run_on(_project(tmp_path_factory), yaml.safe_dump({"title": "t", "deck_id": 5, "questions": [document]}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=string.printable + "“”—…é日本", max_size=200))
def test_any_text_gives_a_bank_or_located_problems(tmp_path_factory, text: str) -> None:
    _run_on(_project(tmp_path_factory), text)


def test_aliases_cannot_expand_or_recurse(tmp_path_factory) -> None:
    project = _project(tmp_path_factory)
    laughs = "a: &a [x, x]\n" + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    _run_on(project, laughs + "title: t\ndeck_id: 5\nquestions: []\n")
    _run_on(project, "title: t\ndeck_id: 5\nquestions: &q [*q]\n")


def test_a_choice_question_may_keep_its_authored_order(tmp_path_factory) -> None:
    project = _project(tmp_path_factory)
    question = ("title: t\ndeck_id: 5\nquestions:\n  - id: q\n    kind: choice\n    source: tides\n"
                "    passage: the water forms two bulges at once\n    question: How many?\n"
                "    choices: [One, Two, All of the above]\n    answer: Two\n")
    (project / "questions.yaml").write_text(question + "    shuffle: false\n", encoding="utf-8")
    report = check(project)
    assert report.bank is not None and report.bank.questions[0].shuffle is False
    (project / "questions.yaml").write_text(question, encoding="utf-8")
    assert check(project).bank.questions[0].shuffle is True  # type: ignore[union-attr]
    (project / "questions.yaml").write_text(question + "    shuffle: 'no'\n", encoding="utf-8")
    assert [str(p).split("/")[-1] for p in check(project).errors] == [
        "questions.yaml:11:14: error: question 'q': 'shuffle' must be true or false (unquoted), not 'no'"]
