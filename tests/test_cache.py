"""The build cache: only what changed is parsed again, and the result is byte-identical to a cold build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studydeck import check
from studydeck.build import BuildOptions, build
from studydeck.cache import Store
from studydeck.chunks import split_questions
from studydeck.model import Location

from .conftest import REPO


@pytest.fixture
def bank(default_bank: Path) -> Path:
    build(default_bank)  # warm the cache
    return default_bank


def _questions(project: Path) -> int:
    return len(split_questions((project / "questions.yaml").read_text(encoding="utf-8")).chunks)


def _sections(project: Path) -> int:
    """How many sections the printables have: one per source."""
    return len({q.source for q in check(project).bank.questions})


def _cold_copy(project: Path, target: Path) -> dict[str, bytes]:
    """Build a copy of the project with no cache at all and return its outputs."""
    shutil.copytree(project, target)
    shutil.copytree(project / "decks", target / "decks", dirs_exist_ok=True)
    result = build(target, BuildOptions(use_cache=False))
    return {p.name: p.read_bytes() for p in result.outputs}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_rebuild_parses_and_renders_nothing(bank: Path) -> None:
    result = build(bank)
    assert result.reused == _questions(bank)
    assert result.rendered == 0


def test_an_edit_reparses_only_that_question(bank: Path, tmp_path: Path) -> None:
    questions = bank / "questions.yaml"
    _edit(questions, "    tags: [", "    tags: [timeline, ")  # the first question that has tags
    _edit(questions, "\n  - id: ikegami-abe-first-visit", "\n\n\n  - id: ikegami-abe-first-visit")  # lines move
    result = build(bank)
    assert result.reused == _questions(bank) - 1
    assert result.rendered == 4  # its note, its worksheet and key sections, and its self-test question
    assert {p.name: p.read_bytes() for p in result.outputs} == _cold_copy(bank, tmp_path / "cold")


def test_what_an_edited_build_parsed_and_rendered_is_kept_for_the_next(bank: Path) -> None:
    _edit(bank / "questions.yaml", "    tags: [", "    tags: [timeline, ")
    assert build(bank).rendered == 4
    again = build(bank)
    assert (again.reused, again.rendered) == (_questions(bank), 0)


def test_a_deleted_question_is_gone_and_the_rest_reused(bank: Path, tmp_path: Path) -> None:
    questions = bank / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    start = text.index("  - id: nippon-cross-regional-deterrence")
    end = text.index("  - id: ", start + 10)
    questions.write_text(text[:start] + text[end:], encoding="utf-8")
    result = build(bank)
    assert result.reused == _questions(bank)
    assert "nippon-cross-regional-deterrence" in " ".join(result.notices)
    # The notes and the self-test are untouched; each printed section is rendered again, as the question count
    # on the page (which a section's template block can see) changed.
    assert result.rendered == 2 * _sections(bank)
    assert {p.name: p.read_bytes() for p in result.outputs} == _cold_copy(bank, tmp_path / "cold")


def test_a_source_change_reparses_the_questions_of_that_source(bank: Path, tmp_path: Path) -> None:
    _edit(bank / "sources" / "nippon-2024.md", 'publication: "Nippon.com"', 'publication: "nippon.com"')
    nippon = sum(q.source == "nippon-2024" for q in check(bank).bank.questions)
    result = build(bank)
    assert result.reused == _questions(bank) - nippon
    assert {p.name: p.read_bytes() for p in result.outputs} == _cold_copy(bank, tmp_path / "cold")


def test_a_template_change_rebuilds_outputs_from_cached_questions(bank: Path, tmp_path: Path) -> None:
    css = bank / "templates" / "anki" / "card.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    builtin = REPO / "src" / "studydeck" / "templates" / "anki" / "card.css"
    css.write_text(builtin.read_text(encoding="utf-8").replace("#1f2328", "#111111"), encoding="utf-8")
    result = build(bank)
    assert result.reused == _questions(bank)
    assert any(p.suffix == ".apkg" for p in result.changed)
    assert {p.name: p.read_bytes() for p in result.outputs} == _cold_copy(bank, tmp_path / "cold")


def test_a_printable_template_change_rerenders_the_printables_only(bank: Path, tmp_path: Path) -> None:
    worksheet = bank / "templates" / "worksheet.html.jinja"
    _edit(worksheet, "{% block instructions %}", '{% block task %}<div class="mine">{{ super() }}</div>{% endblock %}\n'
                                                 "{% block instructions %}")
    result = build(bank)
    # Every printed section (worksheet and key: any template file may be part of either); no note or self-test part.
    assert result.rendered == 2 * _sections(bank)
    page = (bank / "decks" / "nato-japan-worksheet.html").read_text(encoding="utf-8")
    assert page.count('<div class="mine">') == _questions(bank)
    assert {p.name: p.read_bytes() for p in result.outputs} == _cold_copy(bank, tmp_path / "cold")


def test_a_cached_question_reports_its_warnings_where_it_now_stands(bank: Path) -> None:
    questions = bank / "questions.yaml"
    _edit(questions, "passage: \"Prime Minister Shinzo Abe's visit to Alliance headquarters in January 2007 - the first "
                     "visit by a Japanese head of government - marked a high point in the NATO-Japan relationship, which "
                     "has developed steadily since the early 1990s.\"", 'passage: "Prime Minister Shinzo"')

    def short_passages() -> list[tuple[str, int]]:
        report = check(bank, use_cache=True)
        return [(p.question_id, p.line) for p in report.warnings if "under 4 words" in p.message]

    first = short_passages()
    assert first == [("ikegami-abe-first-visit", 20)]
    assert check(bank, use_cache=True).reused == _questions(bank), "the question and its warning came from the cache"
    _edit(questions, "\n  - id: ikegami-abe-first-visit", "\n\n\n  - id: ikegami-abe-first-visit")
    assert short_passages() == [("ikegami-abe-first-visit", 22)]


def test_a_cache_of_many_megabytes_reads_back_exactly(tmp_path: Path) -> None:
    # Text, tuples of text, and objects of a class (which a pickle names once and then refers back to).
    entries = {f"key{i}": (f"“field” {i} " * 50, "tag") if i % 3 else f"<p>section {i}</p>" * 500 for i in range(3000)}
    entries |= {f"where{i}": Location("questions.yaml", i, 3) for i in range(3000)}
    Store(tmp_path, "big").save(entries)
    assert (tmp_path / "big.pickle").stat().st_size > 5_000_000
    assert Store(tmp_path, "big").load() == entries


def test_a_broken_question_is_never_cached(bank: Path) -> None:
    questions = bank / "questions.yaml"
    _edit(questions, "    tags: [", "    tagz: [")
    assert check(bank, use_cache=True).errors
    assert check(bank, use_cache=True).errors, "the second run reports the problem again"
