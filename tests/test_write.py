"""All-or-nothing output: a failed write leaves the previous files exactly as they were."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studydeck.errors import BuildError
from studydeck.write import Output, write_all


def test_writes_new_files_and_skips_unchanged_ones(tmp_path: Path) -> None:
    assert write_all(tmp_path, [Output("a.txt", b"1"), Output("b.txt", b"2")]) == [tmp_path / "a.txt", tmp_path / "b.txt"]
    assert write_all(tmp_path, [Output("a.txt", b"1"), Output("b.txt", b"3")]) == [tmp_path / "b.txt"]
    assert (tmp_path / "b.txt").read_bytes() == b"3"
    assert oct((tmp_path / "a.txt").stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def test_a_failure_part_way_leaves_every_previous_file(tmp_path: Path) -> None:
    write_all(tmp_path, [Output("a.txt", b"old a"), Output("c.txt", b"old c")])
    (tmp_path / "b.txt").mkdir()  # something in the way of the second output
    with pytest.raises(BuildError) as raised:
        write_all(tmp_path, [Output("a.txt", b"new a"), Output("b.txt", b"new b"), Output("c.txt", b"new c")])
    assert "b.txt" in str(raised.value) and "nothing was changed" in str(raised.value)
    assert (tmp_path / "a.txt").read_bytes() == b"old a"
    assert (tmp_path / "c.txt").read_bytes() == b"old c"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt", "c.txt"], "no temporary files left behind"


def test_streamed_outputs_are_written_compared_and_rolled_back_like_the_rest(tmp_path: Path) -> None:
    def chunks(*parts: bytes):
        return lambda handle: [handle.write(part) for part in parts]

    assert write_all(tmp_path, [Output("a.txt", chunks(b"one ", b"two"))]) == [tmp_path / "a.txt"]
    assert (tmp_path / "a.txt").read_bytes() == b"one two"
    assert write_all(tmp_path, [Output("a.txt", chunks(b"one", b" two"))]) == [], "same bytes: left alone"

    def failing(handle) -> None:
        handle.write(b"half of it")
        raise RuntimeError("a template error half-way")

    with pytest.raises(RuntimeError):
        write_all(tmp_path, [Output("b.txt", b"new b"), Output("a.txt", failing)])
    assert (tmp_path / "a.txt").read_bytes() == b"one two"
    assert sorted(os.listdir(tmp_path)) == ["a.txt"], "nothing staged is left behind"


def test_a_failed_swap_is_rolled_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_all(tmp_path, [Output("a.txt", b"old a"), Output("b.txt", b"old b")])
    real_replace = os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(target)
        if str(target).endswith("b.txt") and str(source).endswith(".partial"):
            raise OSError(28, "No space left on device", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(BuildError):
        write_all(tmp_path, [Output("a.txt", b"new a"), Output("b.txt", b"new b")])
    monkeypatch.undo()
    assert (tmp_path / "a.txt").read_bytes() == b"old a"
    assert (tmp_path / "b.txt").read_bytes() == b"old b"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
