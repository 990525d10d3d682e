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


def test_a_full_disk_part_way_changes_nothing(tmp_path: Path) -> None:
    write_all(tmp_path, [Output("a.txt", b"old a"), Output("b.txt", b"old b")])

    def full(handle) -> None:
        handle.write(b"half")
        raise OSError(28, "No space left on device", str(tmp_path / "b.txt"))

    with pytest.raises(BuildError) as raised:
        write_all(tmp_path, [Output("a.txt", b"new a"), Output("b.txt", full)])
    assert "No space left on device" in str(raised.value) and "nothing was changed" in str(raised.value)
    assert (tmp_path / "a.txt").read_bytes() == b"old a"
    assert (tmp_path / "b.txt").read_bytes() == b"old b"
    assert not list(tmp_path.parent.glob(f".{tmp_path.name}.*")), "no staging folder left beside it"


def test_files_that_are_not_outputs_stay_and_unchanged_outputs_keep_their_file(tmp_path: Path) -> None:
    write_all(tmp_path, [Output("a.txt", b"a"), Output("b.txt", b"b")])
    (tmp_path / "notes.md").write_text("mine")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "old.pdf").write_bytes(b"%PDF")
    before = (tmp_path / "a.txt").stat().st_ino
    assert write_all(tmp_path, [Output("a.txt", b"a"), Output("b.txt", b"new b")]) == [tmp_path / "b.txt"]
    assert (tmp_path / "notes.md").read_text() == "mine" and (tmp_path / "sub" / "old.pdf").read_bytes() == b"%PDF"
    assert (tmp_path / "a.txt").stat().st_ino == before, "an unchanged output is the same file"
    assert (tmp_path / "b.txt").read_bytes() == b"new b"


def test_an_output_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "decks").write_text("not a folder")
    with pytest.raises(BuildError, match="it is a file, not a folder"):
        write_all(tmp_path / "decks", [Output("a.txt", b"a")])
    assert (tmp_path / "decks").read_text() == "not a folder"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_changed_paths_are_named_as_the_folder_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert write_all(Path("decks"), [Output("a.txt", b"1")]) == [Path("decks") / "a.txt"]
    assert write_all(Path("decks"), [Output("a.txt", b"1")]) == []
