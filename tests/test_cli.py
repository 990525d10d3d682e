"""The command line, called through `main([...])` as a user would type it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from studydeck.cli import main


def test_init_scaffolds_a_bank_that_checks_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "my-bank"
    assert main(["init", str(project)]) == 0
    assert (project / "questions.yaml").is_file() and (project / "sources" / "tides.md").is_file()
    assert (project / "templates").is_dir() and (project / "decks").is_dir()
    assert main(["check", str(project)]) == 0
    assert "ok: 7 questions, 0 warning(s)" in capsys.readouterr().out


def test_init_never_overwrites_a_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["init", str(tmp_path)])
    before = (tmp_path / "questions.yaml").read_text()
    assert main(["init", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "questions.yaml").read_text() == before


def test_init_gives_each_bank_its_own_deck_id(tmp_path: Path) -> None:
    main(["init", str(tmp_path / "a")])
    main(["init", str(tmp_path / "b")])
    ids = [next(line for line in (tmp_path / n / "questions.yaml").read_text().splitlines() if line.startswith("deck_id"))
           for n in "ab"]
    assert ids[0] != ids[1]


def test_stats_shows_kinds_and_uncovered_paragraphs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["init", str(tmp_path)])
    questions = tmp_path / "questions.yaml"
    text = questions.read_text()
    questions.write_text(text[: text.index("  - id: spring-tide-term")])  # keep only the first question
    capsys.readouterr()
    assert main(["stats", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "tides: 1 questions (basic 1)"
    assert out[1] == "  coverage: 1/3 paragraphs (33%)"
    assert out[2].startswith("  no question yet: tides#2 (line 12): As the Earth turns")
    assert out[3].startswith("  no question yet: tides#3 (line 16): The Sun raises tides too")
    assert out[4] == "  not counted: 3 paragraphs (caption, heading)"


@pytest.mark.parametrize("command", [[], ["init"], ["check"], ["stats"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    assert "Usage: studydeck" in capsys.readouterr().out


def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "studydeck", "check", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "no questions.yaml here" in result.stderr


def test_build_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    import os
    import pty

    main(["init", str(tmp_path)])
    command = [sys.executable, "-m", "studydeck", "build", str(tmp_path)]
    piped = subprocess.run(command, capture_output=True, text=True)
    assert piped.returncode == 0 and "rendering" not in piped.stderr and "…" not in piped.stderr

    (tmp_path / "questions.yaml").write_text((tmp_path / "questions.yaml").read_text().replace("Two,", "Two bulges,"))
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the build exits
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait() == 0
    assert b"checking the bank" in seen and b"rendering anki (7 questions)" in seen


def test_help_loads_no_heavy_library() -> None:
    """`studydeck --help` must start fast: none of the libraries a build needs is imported for it."""
    probe = ("import sys; from studydeck.cli import main; main(['--help']); "
             "print(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'genanki', 'jinja2', 'yaml', 'markdown_it', 'fsrs', 'sqlite3', 'platformdirs'}))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.strip().splitlines()[-1] == "[]"
