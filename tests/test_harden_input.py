"""Hostile input: every bad bank, source, template, special file or damaged deck state ends in a located
message and a non-zero exit, never a traceback, a hang or a partial build; what `check` passes, `build` builds.

The scenario folders tests/data/hostile-* hold the exact messages of `check`; this file drives `build` and the
cases a scenario folder cannot hold (pipes, links, damaged files made at run time, large sweeps of values).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from studydeck.cli import main

SKELETON = Path(__file__).parent.parent / "src" / "studydeck" / "skeleton"
SOURCE = "sources/tides.md"
ALL_FORMATS = "anki,html,selftest,qti3,qti12,moodle"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """The example bank `init` writes, with a deck_id of its own."""
    project = tmp_path / "bank"
    shutil.copytree(SKELETON, project)
    questions = project / "questions.yaml"
    questions.write_text(questions.read_text().replace("DECK_ID", "1734000000001"))
    return project


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return status, text


def _edit(project: Path, old: str, new: str, file: str = "questions.yaml") -> None:
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def _fails_cleanly(capsys: pytest.CaptureFixture[str], project: Path, *expected: str, command: str = "build") -> str:
    """The command exits 1 with every expected text in its output, and decks/ stays as it was."""
    before = _snapshot(project / "decks")
    args = [command, str(project)] + (["--format", ALL_FORMATS] if command == "build" else [])
    status, text = _run(capsys, *args)
    assert status == 1, text
    for part in expected:
        assert part in text, text
    assert _snapshot(project / "decks") == before
    return text


# Class 2: a value of every wrong type at every key: check refuses it at its line, or build builds it.

_VALUES = {"number": "42", "list": "[a, b]", "mapping": "{a: 1}", "boolean": "true", "null": "null", "empty": '""',
           "blank": '"   "', "newline": '"one\\ntwo"', "final-newline": '"word\\n"', "long": '"' + "x" * 5000 + '"',
           "colons": '"a::b"', "bad-date": "2024-02-30", "bad-int": "!!int abc", "huge-int": "9" * 5000}
_SPOTS = {
    "bank-title": ('title: "The Tides"', "title: {v}", "questions.yaml"),
    "bank-name": ('title: "The Tides"', 'title: "The Tides"\nname: {v}', "questions.yaml"),
    "description": ('description: "Why the sea rises and falls twice a day."', "description: {v}", "questions.yaml"),
    "deck_id": ("deck_id: 1734000000001", "deck_id: {v}", "questions.yaml"),
    "questions": ("questions:\n", "questions: {v}\nx-old:\n", "questions.yaml"),
    "id": ("id: spring-tide-term\n", "id: {v}\n", "questions.yaml"),
    "kind": ("kind: reversed ", "kind: {v} ", "questions.yaml"),
    "source": ("source: tides             # the file", "source: {v} #", "questions.yaml"),
    "passage": ('passage: "the water forms two bulges at once"', "passage: {v}", "questions.yaml"),
    "tags": ("tags: [terms]", "tags: {v}", "questions.yaml"),
    "tag": ("tags: [terms]", "tags: [{v}]", "questions.yaml"),
    "question": ("question: Spring tide", "question: {v}", "questions.yaml"),
    "answer": ("answer: The largest tide, when the Sun, the Moon and the Earth stand in a line.", "answer: {v}",
               "questions.yaml"),
    "cloze-text": ("text: Most coasts see", "text: {v}\n    x-t: Most coasts see", "questions.yaml"),
    "accept": ("accept: [Moon]", "accept: {v}", "questions.yaml"),
    "tolerance": ("accept: [Moon]", "accept: [Moon]\n    tolerance: {v}", "questions.yaml"),
    "choice": ("      - First quarter\n", "      - {v}\n", "questions.yaml"),
    "choice-answer": ("answer: [New moon, Full moon]", "answer: {v}", "questions.yaml"),
    "shuffle": ("answer: [New moon, Full moon]", "answer: [New moon, Full moon]\n    shuffle: {v}", "questions.yaml"),
    "true-false": ("answer: false             # unquoted", "answer: {v} #", "questions.yaml"),
    "source-title": ('title: "How the Moon Makes the Tides"', "title: {v}", SOURCE),
    "authors": ("authors: [Your Name]", "authors: {v}", SOURCE),
    "author": ("authors: [Your Name]", "authors: [{v}]", SOURCE),
    "publication": ('publication: "Your class notes"', "publication: {v}", SOURCE),
    "year": ("year: 2026", "year: {v}", SOURCE),
    "url": ("year: 2026", "year: 2026\nurl: {v}", SOURCE),
    "date": ("year: 2026", "year: 2026\ndate: {v}", SOURCE),
}


@pytest.mark.parametrize("spot", sorted(_SPOTS))
def test_a_value_of_any_type_at_any_key_is_refused_at_its_line_or_built(
        bank: Path, spot: str, capsys: pytest.CaptureFixture[str]) -> None:
    anchor, template, file = _SPOTS[spot]
    original = {name: (bank / name).read_bytes() for name in ("questions.yaml", SOURCE)}
    for name, value in _VALUES.items():
        for path, data in original.items():
            (bank / path).write_bytes(data)
        shutil.rmtree(bank / "decks", ignore_errors=True)
        _edit(bank, anchor, template.replace("{v}", value), file)
        status, text = _run(capsys, "check", str(bank))
        if status == 0:
            status, text = _run(capsys, "build", str(bank), "--format", ALL_FORMATS)
            assert status == 0, f"{spot}={name}: check passed, build failed:\n{text}"
        else:
            assert re.search(r"^\S+:\d+:\d+: error: ", text, re.MULTILINE), f"{spot}={name}:\n{text}"
            # Each message is one line: a newline in the bank's text never splits one.
            assert all(re.match(r"\S+:\d+:\d+: (error|warning): |studydeck: ", line) for line in text.splitlines()), text


def test_an_empty_bank_is_refused_by_check_and_build_with_what_to_do(bank: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = (bank / "questions.yaml").read_text()
    (bank / "questions.yaml").write_text(text[: text.index("questions:")] + "questions: []\n")
    for command in ("check", "build"):
        _fails_cleanly(capsys, bank, "error: the bank has no questions yet", command=command)
    (bank / "questions.yaml").write_text(text[: text.index("questions:")])
    _fails_cleanly(capsys, bank, "missing 'questions:'", command="check")


def test_a_long_title_gives_a_file_name_the_system_can_hold(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(bank, 'title: "The Tides"', 'title: "' + "Tides " * 200 + '"')
    status, text = _run(capsys, "build", str(bank))
    assert status == 0, text
    assert all(len(p.name) < 255 for p in (bank / "decks").iterdir())


# Class 1: YAML that cannot be built, bombs, depth and size.

@pytest.mark.parametrize("file", ["questions.yaml", SOURCE])
def test_alias_merge_and_nesting_bombs_end_in_a_message_quickly(bank: Path, file: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    prefix = "x-" if file == "questions.yaml" else ""
    laughs = f"{prefix}a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{prefix}{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    merges = f"{prefix}m0: &m0 {{{', '.join(f'k{i}: {i}' for i in range(100))}}}\n" + "".join(
        f"{prefix}m{i + 1}: &m{i + 1} {{<<: [*m{i}], n{i}: 1}}\n" for i in range(3000))
    original = (bank / file).read_text()
    marker = "title:" if file == "questions.yaml" else "title:"
    for bomb, expected in ((laughs, None), (merges, "merge keys ('<<') expand to too many entries"),
                           ("z: " + "[" * 100_000 + "]" * 100_000 + "\n", "nest")):
        (bank / file).write_text(original.replace(marker, bomb + marker, 1))
        status, text = _run(capsys, "check", str(bank))
        if expected is not None:
            assert status == 1 and expected in text, text
    # The pure-Python composer (used where libyaml is missing) recurses: it ends in a message too.
    from studydeck import yamltree
    from studydeck.yamltree import YamlSyntaxError

    loader = yamltree._Loader
    try:
        import yaml

        yamltree._Loader = yaml.SafeLoader  # type: ignore[misc]
        with pytest.raises(YamlSyntaxError):
            yamltree.parse("a: " + "[" * 5000 + "]" * 5000)
    finally:
        yamltree._Loader = loader  # type: ignore[misc]


def test_a_huge_or_special_questions_yaml_is_a_clear_message(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = bank / "questions.yaml"
    questions.unlink()
    os.mkfifo(questions)
    assert _run(capsys, "check", str(bank)) == (1, "studydeck: " + str(questions) +
                                               ": not a regular file (a folder, a pipe or a device); "
                                               "the bank is a YAML text file\n")
    questions.unlink()
    questions.symlink_to("/dev/zero")
    assert "not a regular file" in _run(capsys, "check", str(bank))[1]
    questions.unlink()
    questions.symlink_to(bank / "nowhere")
    assert "a link to nothing" in _run(capsys, "check", str(bank))[1]
    questions.unlink()
    with questions.open("wb") as handle:
        handle.truncate(300 << 20)  # sparse: no disk used
    status, text = _run(capsys, "check", str(bank))
    assert status == 1 and "300 MiB; studydeck reads banks of up to 256 MiB" in text


def test_a_file_that_holds_more_than_its_size_says_is_refused_not_cut(
        bank: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # A file of the kernel's says it is empty and holds more (as a file still being written may): the bank is
    # refused whole, never read cut at the limit.
    from studydeck import load, sources

    proc = Path("/proc/self/mountinfo")
    if not proc.is_file() or proc.stat().st_size:
        pytest.skip("needs a /proc file whose size reads as 0")
    monkeypatch.setattr(load, "MAX_QUESTIONS_BYTES", 64)
    questions = bank / "questions.yaml"
    questions.unlink()
    questions.symlink_to(proc)
    status, text = _run(capsys, "check", str(bank))
    assert status == 1 and "studydeck reads banks of up to 0 MiB" in text
    monkeypatch.undo()
    questions.unlink()
    shutil.copy(SKELETON / "questions.yaml", questions)
    _edit(bank, "DECK_ID", "1734000000001")
    monkeypatch.setattr(sources, "MAX_SOURCE_BYTES", 64)
    (bank / SOURCE).unlink()
    (bank / SOURCE).symlink_to(proc)
    status, text = _run(capsys, "check", str(bank))
    assert status == 1 and f"{SOURCE}:1:1: error: is 0 MiB; a source is one article" in text


# Class 4: special files in sources/ and media/.

def test_special_files_in_sources_are_named_and_never_block(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = bank / "sources"
    os.mkfifo(sources / "pipe.md")
    (sources / "folder.md").mkdir()
    (sources / "dangling.md").symlink_to(sources / "nowhere.md")
    (sources / "loop.md").symlink_to(sources / "loop.md")
    (sources / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(sources / "pipe.txt")
    (sources / "notes").mkdir()
    (sources / "tides\n.md").write_bytes((sources / "tides.md").read_bytes())
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sources / "socket.md"))
        status, text = _run(capsys, "check", str(bank))
    assert status == 1
    for name in ("pipe.md", "folder.md", "socket.md", "zero.md"):
        assert f"sources/{name}:1:1: error: is not a regular file" in text
    for name in ("dangling.md", "loop.md"):
        assert f"sources/{name}:1:1: error: cannot be read" in text
    assert "sources/pipe.txt:1:1: warning: not read: not a regular file" in text
    assert "sources/notes:1:1: warning: not read: a folder" in text
    assert "sources/tides\\n.md:1:1: error: a source's file name is its id" in text


def test_sources_that_is_not_a_folder_is_named(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(bank / "sources")
    (bank / "sources").write_text("not a folder")
    _fails_cleanly(capsys, bank, "sources:1:1: error: is not a folder", command="check")


@pytest.mark.parametrize("kind", ["pipe", "folder", "dangling", "loop", "device", "empty", "outside"])
def test_a_media_file_that_cannot_be_read_is_named_at_its_reference(bank: Path, kind: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    image = bank / "media" / "tide-chart.png"
    image.unlink()
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"png")
    {"pipe": lambda: os.mkfifo(image), "folder": image.mkdir, "dangling": lambda: image.symlink_to(bank / "x"),
     "loop": lambda: image.symlink_to(image), "device": lambda: image.symlink_to("/dev/zero"),
     "empty": image.touch, "outside": lambda: image.symlink_to(outside)}[kind]()
    expected = {"pipe": "is not a regular file", "folder": "is not a regular file", "dangling": "is a broken link",
                "loop": "is a broken link", "device": "is a link to a file outside the bank",
                "empty": "is empty (0 bytes)", "outside": "is a link to a file outside the bank"}[kind]
    text = _fails_cleanly(capsys, bank, f"media/tide-chart.png {expected}")
    assert re.search(r"questions\.yaml:\d+:\d+: error: question 'tide-period': media/tide-chart.png", text)


# Class 5: template overrides.

@pytest.mark.parametrize(("name", "content", "expected"), [
    ("worksheet.html.jinja", '{% include "worksheet.html.jinja" %}', "includes, extends or calls itself without end"),
    ("worksheet.html.jinja", '{% extends "worksheet.html.jinja" %}', "includes, extends or calls itself without end"),
    ("key.html.jinja", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "calls itself without end"),
    ("worksheet.html.jinja", "{{ 1 // 0 }}", "worksheet.html.jinja:1: ZeroDivisionError"),
    ("worksheet.html.jinja", "{{ title() }}", "worksheet.html.jinja:1: TypeError: 'str' object is not callable"),
    ("worksheet.html.jinja", '{{ "x" * 10000000000 }}', "repeating a text or list to over 10,000,000 items"),
    ("worksheet.html.jinja", "{{ 10 ** 10000000 }}", "is too large a number"),
    ("worksheet.html.jinja", "{% for i in range(10**12) %}x{% endfor %}", "Range too big"),
    ("worksheet.html.jinja", "{{ ''.__class__.__mro__ }}", "unsafe"),
    # Gigabytes made without a loop: a text added to itself, a width, a constant folded as the template compiles.
    ("worksheet.html.jinja", '{% set a = "x" * 10000000 %}{% set b = a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a ~ a %}\n'
     "{{ (b + b + b + b + b + b + b + b + b + b + b)|length }}", "the template took over 1 GB of memory"),
    ("worksheet.html.jinja", "{{ title.center(1500000000) }}", "the template took over 1 GB of memory"),
    ("key.html.jinja", '{{ "%1500000000d"|format(1) }}', "the template took over 1 GB of memory"),
    ("selftest.html.jinja", "{{ lipsum(10**7) }}", "steps (passes through a loop or a macro)"),
    ("selftest.html.jinja", "{{ nope.x }}", "selftest.html.jinja:1: 'nope' is undefined"),
])
def test_a_failing_template_override_is_a_message_at_its_line(bank: Path, name: str, content: str, expected: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "build", str(bank))[0] == 0
    (bank / "templates").mkdir()
    (bank / "templates" / name).write_text(content)
    text = _fails_cleanly(capsys, bank, expected)
    assert str(bank / "templates" / name) in text
    # What check passes, build builds: check renders the pages too, and names the same place.
    status, checked = _run(capsys, "check", str(bank))
    located = re.search(r"templates/([\w.]+):(\d+): ", text)
    assert status == 1 and located is not None, checked
    assert f"templates/{located[1]}:{located[2]}:1: error: " in checked
    assert expected.split(": ")[-1] in checked


def test_check_names_every_page_a_template_override_breaks(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bank / "templates").mkdir()
    (bank / "templates" / "worksheet.html.jinja").write_text(
        '{% extends "builtin/worksheet.html.jinja" %}\n{% block task %}\n{{ task.nope }}\n{% endblock %}\n')
    (bank / "templates" / "reading.html.jinja").write_text("{{ 1 // 0 }}")
    status, text = _run(capsys, "check", str(bank))
    assert status == 1
    assert "templates/worksheet.html.jinja:3:1: error: 'studydeck.render.html.Task object' has no attribute 'nope'" in text
    assert "templates/reading.html.jinja:1:1: error: ZeroDivisionError: integer division or modulo by zero" in text
    assert "2 error(s)" in text
    (bank / "templates" / "worksheet.html.jinja").unlink()
    (bank / "templates" / "reading.html.jinja").write_text('{% extends "builtin/reading.html.jinja" %}')
    assert _run(capsys, "check", str(bank))[0] == 0


def test_a_template_that_never_stops_writing_is_stopped(bank: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from studydeck.render import templating

    monkeypatch.setattr(templating, "MAX_OUTPUT", 1 << 20)
    (bank / "templates").mkdir()
    (bank / "templates" / "worksheet.html.jinja").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}")
    _fails_cleanly(capsys, bank, "the page grew beyond")


def test_a_template_that_writes_nothing_over_and_over_keeps_to_its_memory(bank: Path) -> None:
    """A runaway loop of empty values adds nothing to the page, and nothing to the memory the build takes."""
    import resource

    (bank / "templates").mkdir()
    (bank / "templates" / "worksheet.html.jinja").write_text(
        "{% for i in range(1200) %}{% for j in range(1200) %}{{ title[:0] }}{% endfor %}{% endfor %}done")

    def limited() -> None:  # the build's address space without the loop (300 MB) and some; kept, 1.4M empties take 180
        resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20))

    run = subprocess.run([sys.executable, "-m", "studydeck", "build", str(bank), "--format", "html"],
                         capture_output=True, text=True, timeout=120, preexec_fn=limited)
    assert run.returncode == 0, run.stderr
    assert (bank / "decks" / "the-tides-worksheet.html").read_text() == "done"


@pytest.mark.parametrize("content", [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",  # writes nothing, for hours
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",  # 2 ** 60 calls
    "{% macro m() %}{{ caller() }}{{ caller() }}{% endmacro %}"  # a call block, its body run twice a call
    "{% for i in range(100000) %}{% call m() %}{{ i }}{% endcall %}{% endfor %}",
])
def test_a_template_that_would_run_for_hours_is_stopped_at_its_line(
        bank: Path, content: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from studydeck.render import templating

    monkeypatch.setattr(templating, "_STEPS", 100_000)  # the same rule, reached sooner
    (bank / "templates").mkdir()
    (bank / "templates" / "key.html.jinja").write_text(content)
    _fails_cleanly(capsys, bank, "templates/key.html.jinja:1: the templates took over 100,",
                   "steps (passes through a loop or a macro)")
    assert "key.html.jinja:1:1: error: the templates took over" in _run(capsys, "check", str(bank))[1]


def test_a_template_that_gathers_a_runaway_loop_keeps_to_its_memory(bank: Path) -> None:
    """A loop inside `{% set %}` is gathered whole before anything is written: its steps stop it first."""
    import resource

    (bank / "templates").mkdir()
    (bank / "templates" / "worksheet.html.jinja").write_text(
        "{% set x %}{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"
        "{% endset %}{{ x|length }}")

    def limited() -> None:  # the build's address space (300 MB) and what 2 million steps may gather
        resource.setrlimit(resource.RLIMIT_AS, (600 << 20, 600 << 20))

    run = subprocess.run([sys.executable, "-m", "studydeck", "build", str(bank), "--format", "html"],
                         capture_output=True, text=True, timeout=120, preexec_fn=limited)
    assert run.returncode == 1
    assert "worksheet.html.jinja:1: the templates took over 2,000," in run.stderr, run.stderr


def test_special_files_among_templates_are_named(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = bank / "templates"
    (templates / "anki").mkdir(parents=True)
    os.mkfifo(templates / "worksheet.html.jinja")
    (templates / "key.html.jinja").symlink_to("/dev/zero")
    (templates / "anki" / "card.css").symlink_to(templates / "nowhere")
    (templates / "anki" / "basic.front.html").write_bytes(b"{{Question}} caf\xe9")
    text = _fails_cleanly(capsys, bank, "templates/worksheet.html.jinja:1:1: error: is not a regular file",
                          "templates/key.html.jinja:1:1: error: is not a regular file",
                          "templates/anki/card.css:1:1: error: a broken link",
                          "templates/anki/basic.front.html:1:17: error: not UTF-8 text")
    assert "4 error(s)" in text


def test_every_built_in_card_template_passes_the_card_check() -> None:
    from studydeck.overrides import anki_file_problems

    folder = SKELETON.parent / "templates" / "anki"
    files = sorted(folder.glob("*.html"))
    assert len(files) > 10
    assert {f.name: anki_file_problems(f.name, f.read_text()) for f in files} == {f.name: [] for f in files}


def test_a_card_template_that_assembles_badly_stops_the_build(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # type-in.js is inserted into the back of type-in cards: Anki would read its '{{' as a field.
    (bank / "templates" / "anki").mkdir(parents=True)
    (bank / "templates" / "anki" / "type-in.js").write_text("var x = '{{Nope}}';\n")
    _fails_cleanly(capsys, bank, "the back of the Anki card 'Type' of studydeck Type-in, as assembled",
                   "no field called 'Nope'")


# Class 6: decks/.

@pytest.mark.parametrize(("content", "expected"), [
    (b"{not json", "is not valid JSON"),
    (b"", "is not valid JSON"),
    (b"\xff\xfe\x00", "is not valid JSON"),
    (b"[1, 2]", "is not a JSON object"),
    (b'{"format": 2}', "has format 2, not 1"),
    (b'{"format": true, "notes": {}, "models": {}}', "has format True, not 1"),
    (b'{"format": 1.0, "notes": {}, "models": {}}', "has format 1.0, not 1"),
    (b'{"format": 1, "notes": [], "models": {}}', "has 'notes' that is not a JSON object"),
    (b'{"format": 1, "notes": {"two-bulges": "x"}, "models": {}}', "has a damaged entry for note 'two-bulges'"),
    (b'{"format": 1, "notes": {"two-bulges": ["a", "b", 1]}, "models": {}}', "has a damaged entry for note"),
    (b'{"format": 1, "notes": {"two-bulges": ["a", 1e400, 1]}, "models": {}}', "has a damaged entry for note"),
    (b'{"format": 1, "notes": {}, "models": {"1": [1]}}', "has a damaged entry for model '1'"),
    (b"[" * 100_000 + b"]" * 100_000, "is not valid JSON"),
    (None, "has a git merge conflict in it"),
])
def test_a_damaged_anki_state_is_refused_with_what_to_do(bank: Path, content: bytes | None, expected: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "build", str(bank))[0] == 0
    state = bank / "decks" / "the-tides.anki.json"
    good = state.read_bytes()
    if content is None:
        lines = good.decode().splitlines(keepends=True)
        content = "".join([*lines[:3], "<<<<<<< HEAD\n", lines[3], "=======\n", lines[3], ">>>>>>> theirs\n",
                           *lines[4:]]).encode()
    state.write_bytes(content)
    _fails_cleanly(capsys, bank, f"{state} {expected}", "restore it from version control", "or delete it")
    state.unlink()
    status, text = _run(capsys, "build", str(bank))
    assert status == 0, text


def test_decks_that_is_a_file_a_pipe_or_a_dangling_link_is_a_message(bank: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    decks = bank / "decks"
    for make in (lambda: decks.write_text("x"), lambda: os.mkfifo(decks), lambda: decks.symlink_to(bank / "a" / "b")):
        make()
        status, text = _run(capsys, "build", str(bank))
        assert status == 1 and "decks" in text and "nothing was" in text, text
        decks.unlink()


def test_a_check_of_a_pipe_in_sources_does_not_hang_in_a_fresh_process(bank: Path) -> None:
    os.mkfifo(bank / "sources" / "pipe.md")
    result = subprocess.run([sys.executable, "-m", "studydeck", "check", str(bank)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pipe.md:1:1: error: is not a regular file" in result.stdout


def test_built_in_templates_compiled_for_a_sandbox_still_build_a_bank_without_overrides(
        bank: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # One process builds a bank with its own templates (sandboxed), then one without: both must work.
    (bank / "templates").mkdir()
    (bank / "templates" / "key.html.jinja").write_text('{% extends "builtin/key.html.jinja" %}')
    assert _run(capsys, "build", str(bank), "--format", "html,selftest")[0] == 0
    plain = tmp_path / "plain"
    shutil.copytree(bank, plain)
    shutil.rmtree(plain / "templates")
    shutil.rmtree(plain / "decks")
    _edit(plain, "deck_id: 1734000000001", "deck_id: 1734000000002")
    status, text = _run(capsys, "build", str(plain), "--format", "html,selftest")
    assert status == 0, text


def test_a_misspelled_card_file_is_a_warning_not_silence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "bank"
    assert main(["init", str(bank)]) == 0
    (bank / "templates" / "anki").mkdir(parents=True, exist_ok=True)
    (bank / "templates" / "anki" / "basic.frnt.html").write_text("{{Question}}")
    capsys.readouterr()
    assert main(["check", str(bank)]) == 0
    assert main(["check", "--strict", str(bank)]) == 1
    out = capsys.readouterr().out
    assert "templates/anki/basic.frnt.html:1:1: warning: replaces no built-in card file, so it is not used" in out
    assert "a misspelled name?" in out


@pytest.mark.parametrize("content", ['{{ "\\ud800" }}', '{{ "%c" % 56320 }}', '{{ "%c"|format(55357) }}'])
def test_a_template_that_writes_half_a_surrogate_pair_is_a_message(bank: Path, content: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A lone surrogate cannot be saved as UTF-8: a message at the template, not an internal error."""
    (bank / "templates").mkdir()
    (bank / "templates" / "worksheet.html.jinja").write_text("<p>\n" + content)
    text = _fails_cleanly(capsys, bank, "half of a UTF-16 pair")
    assert str(bank / "templates" / "worksheet.html.jinja") in text
    status, checked = _run(capsys, "check", str(bank))
    assert status == 1
    assert "templates/worksheet.html.jinja:1:1: error: the page holds \\ud" in checked


def test_a_template_that_uses_a_missing_one_is_named_at_its_line(bank: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (bank / "templates" / "parts").mkdir(parents=True)
    (bank / "templates" / "key.html.jinja").write_text(
        '{% extends "builtin/key.html.jinja" %}\n{% block intro %}\n{% include "parts/gone.jinja" %}\n{% endblock %}\n')
    (bank / "templates" / "reading.html.jinja").write_text('<p>\n{% import "parts/macros.jinja" as m %}')
    text = _fails_cleanly(capsys, bank, "templates/key.html.jinja:3: template not found: parts/gone.jinja")
    status, checked = _run(capsys, "check", str(bank))
    assert status == 1
    assert "templates/key.html.jinja:3:1: error: template not found: parts/gone.jinja" in checked
    assert "templates/reading.html.jinja:2:1: error: template not found: parts/macros.jinja" in checked
    assert str(bank / "templates" / "key.html.jinja") in text
