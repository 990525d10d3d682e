"""A build writes all of its files or none, even when killed at any instant, and builds take turns.

Each build below is killed by the kernel at its N-th rename (`strace` injects SIGKILL), for every N until a
build finishes; the output folder must then hold exactly the previous build's files or exactly the new ones,
and the next build must finish the job and leave nothing behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studydeck.write import output_lock

from .conftest import copy_case

NOW = "2026-03-10T12:00:00+00:00"  # the time changed notes are stamped with: the same in every run
RENAMES = "rename,renameat,renameat2"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def _build(project: Path, *strace: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "studydeck", "build", str(project)]
    # Each copy of the bank builds as if on a machine of its own (this machine's record would take a copy
    # for a second bank with the same deck_id).
    env = {**os.environ, "STUDYDECK_NOW": NOW, "XDG_DATA_HOME": f"{project}-data"}
    return subprocess.run([*strace, *command], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A project built once, then edited: its outputs before the edit and (built in a copy) after it."""
    project = copy_case("printable", tmp_path / "base")
    assert _build(project).returncode == 0
    old = _files(project / "decks")
    questions = project / "questions.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace("Two, one facing", "Two bulges, one facing"),
                         encoding="utf-8")
    shutil.copytree(project, tmp_path / "reference")
    assert _build(tmp_path / "reference").returncode == 0
    new = _files(tmp_path / "reference" / "decks")
    assert old.keys() == new.keys() and old != new
    return project, old, new


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace (bash tests/setup.sh installs it)")
@pytest.mark.parametrize("exchange", [True, False], ids=["atomic-exchange", "rename-aside"])
def test_a_build_killed_at_any_rename_leaves_old_or_new_files(built: tuple[Path, dict[str, bytes], dict[str, bytes]],
                                                               tmp_path: Path, exchange: bool) -> None:
    base, old, new = built
    # Without RENAME_EXCHANGE (refused as by an old kernel or another file system) a build renames the old folder
    # aside first; a kill between its two renames leaves no folder, which the next build puts back.
    refuse = [] if exchange else ["-e", "inject=renameat2:error=ENOSYS"]
    for n in range(1, 10):
        project = tmp_path / f"run-{n}"
        shutil.copytree(base, project)
        strace = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", f"trace={RENAMES}", *refuse,
                  "-e", f"inject={RENAMES}:signal=KILL:when={n}"]
        result = _build(project, *strace)
        after = _files(project / "decks")
        if result.returncode == 0:
            assert after == new
            assert n > 1, "the kill never came"
            break
        assert after in (old, new) or (not exchange and after == {}), f"killed at rename {n}: a mix"
        assert _build(project).returncode == 0, "the next build finishes the job"
        assert _files(project / "decks") == new
        assert sorted(p.name for p in project.iterdir()) == ["decks", "questions.yaml", "sources"], "leftovers"
    else:
        pytest.fail("no build finished")


def test_a_second_build_waits_for_the_first(built: tuple[Path, dict[str, bytes], dict[str, bytes]]) -> None:
    project, _, new = built
    with output_lock(project / "decks"):  # a build in progress holds this
        waiting = subprocess.Popen([sys.executable, "-m", "studydeck", "build", str(project)],
                                   env={**os.environ, "STUDYDECK_NOW": NOW, "XDG_DATA_HOME": f"{project}-data"},
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        assert waiting.poll() is None, "the second build did not wait"
        assert _files(project / "decks") != new, "nothing written while the first holds the folder"
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert _files(project / "decks") == new
