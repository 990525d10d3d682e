"""A build depends on its inputs and nothing else: after any sequence of edits, rebuilding a project gives the
same bytes as building a fresh copy of the same inputs (the previous build's Anki state file included, since
it is an input by design). Nothing a build leaves behind, in the project, in this process or anywhere else,
may change what the next one writes.

The number of generated edit sequences is STUDYDECK_PROPERTY_EXAMPLES (default 200; a nightly-sized run:
`STUDYDECK_PROPERTY_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_pipeline.py`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studydeck.build import BuildOptions, build
from studydeck.errors import InputError

from .conftest import DATA, REPO, own_machine

EXAMPLES = int(os.environ.get("STUDYDECK_PROPERTY_EXAMPLES", "200"))
NOW = 1_770_000_000  # a fixed build time: the clock is an input too
BUILTIN_ANKI = REPO / "src" / "studydeck" / "templates" / "anki"
WORDS = st.sampled_from(["tide", "Moon", "**bold**", "日本", "<b>", "x & y", "“quoted”", "1.5", "`code`"])

# A worksheet override that reads what every section shares: the loop, the bank, the document.
SECTION_OVERRIDE = """{{% extends "builtin/worksheet.html.jinja" %}}
{{% block section %}}<p class="part">Part {{{{ loop.index }}}} of {{{{ loop.length }}}} · {{{{ title }}}} · \
{{{{ document.count }}}} questions · {word}</p>{{{{ super() }}}}{{% endblock %}}
"""


class Project:
    """The inputs of a bank as data, written out before each build."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        shutil.copytree(DATA / "printable", folder)
        self.bank: dict[str, Any] = yaml.safe_load((folder / "questions.yaml").read_text(encoding="utf-8"))
        tides = (folder / "sources" / "tides.md").read_text(encoding="utf-8")
        # The same text under another title: a question can move between the two sources and still be quoted.
        self.sources = {"tides.md": tides, "tides-copy.md": tides.replace("How the Moon", "Again, how the Moon")}
        self.templates: dict[str, str] = {}

    def write(self) -> None:
        (self.folder / "questions.yaml").write_text(yaml.safe_dump(self.bank, allow_unicode=True), encoding="utf-8")
        for name, text in self.sources.items():
            (self.folder / "sources" / name).write_text(text, encoding="utf-8")
        for name, text in self.templates.items():
            path = self.folder / "templates" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def _question(project: Project, index: int) -> dict[str, Any]:
    questions = project.bank["questions"]
    return questions[index % len(questions)]


def edit_text(index: int, key: str, word: str) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        question = _question(project, index)
        field = key if key in question else "explanation"
        question[field] = f"{question.get(field, '')} {word}".strip()
    return apply


def toggle_tag(index: int, tag: str) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        tags = _question(project, index).setdefault("tags", [])
        tags.remove(tag) if tag in tags else tags.append(tag)
    return apply


def change_kind(index: int) -> Callable[[Project], None]:
    cycle = {"basic": "reversed", "reversed": "type-in", "type-in": "basic"}

    def apply(project: Project) -> None:
        question = _question(project, index)
        kind = question.get("kind", "basic")
        if kind in cycle:
            question["kind"] = cycle[kind]
            question.pop("accept", None)
    return apply


def move_source(index: int) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        question = _question(project, index)
        other = {"tides": "tides-copy", "tides-copy": "tides"}
        question["source"] = other.get(question["source"], question["source"])
    return apply


def bank_title(word: str) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        project.bank["title"] = f"{project.bank['title']} {word}"
    return apply


def bank_name(suffix: int) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        project.bank["name"] = f"printable-{suffix}"
    return apply


def source_text(word: str) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        text = project.sources["tides.md"].replace('publication: "Your class notes', f'publication: "Notes on {word}', 1)
        project.sources["tides.md"] = f"{text}\nA new paragraph about the {word}.\n"
    return apply


def worksheet_override(word: str) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        project.templates["worksheet.html.jinja"] = SECTION_OVERRIDE.format(word=word)
    return apply


def anki_style(color: int) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        css = (BUILTIN_ANKI / "card.css").read_text(encoding="utf-8")
        project.templates["anki/card.css"] = f"{css}\n.mine {{ color: #{color:06x}; }}\n"
    return apply


def anki_card(word: str) -> Callable[[Project], None]:
    def apply(project: Project) -> None:
        front = (BUILTIN_ANKI / "basic.front.html").read_text(encoding="utf-8")
        project.templates["anki/basic.front.html"] = f"{front}\n<!-- {word} -->\n"
    return apply


_index = st.integers(0, 20)
EDITS = st.one_of(
    st.builds(edit_text, _index, st.sampled_from(["question", "answer", "explanation", "text"]), WORDS),
    st.builds(toggle_tag, _index, st.sampled_from(["moon", "extra", "日本"])),
    st.builds(change_kind, _index),
    st.builds(move_source, _index),
    st.builds(bank_title, WORDS),
    st.builds(bank_name, st.integers(0, 3)),
    st.builds(source_text, st.sampled_from(["sea", "ocean", "harbour"])),
    st.builds(worksheet_override, WORDS),
    st.builds(anki_style, st.integers(0, 0xFFFFFF)),
    st.builds(anki_card, st.sampled_from(["one", "two"])),
)


def _outputs(folder: Path) -> dict[str, bytes] | list[str]:
    """What a build writes (name -> bytes), or the problems that stopped it.

    Each folder builds with a data folder of its own beside it, as on a machine of its own: the machine's record
    of note times is an input like the state file (a fresh copy gets a copy of it), while its record of bank
    folders would take a copy for a second bank with the same deck_id.
    """
    with own_machine(Path(f"{folder}-data")):
        try:
            result = build(folder, BuildOptions(now=NOW))
        except InputError as e:
            return [f"{Path(p.path).name}:{p.line}:{p.column}: {p.message}" for p in e.problems]
    return {path.name: path.read_bytes() for path in result.outputs}


def _fresh_copy(folder: Path, target: Path) -> None:
    """The same inputs: the project (its state file included) and the machine's record of note times."""
    shutil.copytree(folder, target)
    times = Path(f"{folder}-data") / "studydeck" / "anki-times"
    if times.is_dir():
        shutil.copytree(times, Path(f"{target}-data") / "studydeck" / "anki-times")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=3))
def test_a_rebuild_after_any_edits_equals_a_fresh_build(tmp_path_factory: pytest.TempPathFactory,
                                                         edits: list[Callable[[Project], None]]) -> None:
    root = tmp_path_factory.mktemp("edits")
    project = Project(root / "project")
    project.write()
    _outputs(project.folder)
    for step, edit in enumerate(edits):
        edit(project)
        project.write()
        fresh = root / f"fresh-{step}"
        _fresh_copy(project.folder, fresh)
        assert _outputs(project.folder) == _outputs(fresh), f"after edit {step + 1} of {len(edits)}"


def test_a_build_in_another_process_gives_the_same_bytes(tmp_path: Path) -> None:
    """No state of this process (imports, caches of libraries) reaches the outputs: a build in a new process,
    after a sequence of every kind of edit, writes the same bytes."""
    project = Project(tmp_path / "project")
    project.write()
    _outputs(project.folder)
    for edit in (edit_text(0, "answer", "Moon"), toggle_tag(1, "extra"), change_kind(3), move_source(2),
                 bank_title("II"), source_text("sea"), worksheet_override("w"), anki_style(0x123456), anki_card("x")):
        edit(project)
    project.write()
    _fresh_copy(project.folder, tmp_path / "fresh")
    here = _outputs(project.folder)
    env = {**os.environ, "PYTHONHASHSEED": "12345", "XDG_DATA_HOME": f"{tmp_path / 'fresh'}-data"}
    code = f"from studydeck.build import build, BuildOptions; build({str(tmp_path / 'fresh')!r}, BuildOptions(now={NOW}))"
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert isinstance(here, dict)
    assert {name: (tmp_path / "fresh" / "decks" / name).read_bytes() for name in here} == here
