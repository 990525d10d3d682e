"""A bank's identity: `init --from`, `new-id`, and this machine's record of which folder holds each deck_id."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studydeck import check
from studydeck.cli import main
from studydeck.registry import record_path

COMMENTED = """\
# Unit 1 of the course: the tides.\r
title: "The Tides"   # shown on the deck\r
deck_id: 1871492306   # chosen once; never change it\r
questions:\r
  - id: two-bulges    # stable\r
    source: tides\r
    passage: "the water forms two bulges at once"\r
    question: How many tidal bulges does the Moon raise at the same time?\r
    answer: Two.\r
"""


def deck_id(bank: Path) -> int:
    text = (bank / "questions.yaml").read_text(encoding="utf-8")
    match = re.search(r"^deck_id: *(\d+)", text, re.MULTILINE)
    assert match, text
    return int(match.group(1))


@pytest.fixture
def unit1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scaffold bank in tmp_path/unit1, checked once (so recorded), with the working directory at tmp_path."""
    monkeypatch.chdir(tmp_path)
    assert main(["init", "unit1"]) == 0
    assert main(["check", "unit1"]) == 0
    return tmp_path / "unit1"


def test_init_from_copies_the_inputs_with_a_fresh_deck_id_and_the_authors_formatting(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unit1 = tmp_path / "unit1"
    main(["init", str(unit1)])
    (unit1 / "questions.yaml").write_bytes(b"\xef\xbb\xbf" + COMMENTED.encode())
    (unit1 / "media").mkdir(exist_ok=True)
    (unit1 / "media" / "map.png").write_bytes(b"\x89PNG")
    (unit1 / "templates" / "key.html.jinja").write_text("{% extends 'builtin/key.html.jinja' %}")
    (unit1 / "decks" / "the-tides.apkg").write_bytes(b"old deck")
    capsys.readouterr()

    assert main(["init", "--from", str(unit1), str(tmp_path / "unit2")]) == 0
    unit2 = tmp_path / "unit2"
    copied = (unit2 / "questions.yaml").read_bytes()
    new_id = deck_id(unit2)
    assert new_id != 1871492306
    assert copied == b"\xef\xbb\xbf" + COMMENTED.replace("1871492306", str(new_id)).encode(), \
        "only the deck_id changes: comments, BOM and CRLF line endings stay"
    assert (unit2 / "media" / "map.png").read_bytes() == b"\x89PNG"
    assert (unit2 / "templates" / "key.html.jinja").is_file()
    assert (unit2 / "sources" / "tides.md").read_bytes() == (unit1 / "sources" / "tides.md").read_bytes()
    assert not (unit2 / "decks").exists(), "the copy's outputs are its own"
    out = capsys.readouterr().out
    assert "the copy has a deck_id of its own" in out and "change its title" in out
    assert main(["check", str(unit1)]) == 0 and main(["check", str(unit2)]) == 0


def test_init_from_never_overwrites(unit1: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (Path("unit2") / "sources").mkdir(parents=True)
    capsys.readouterr()
    assert main(["init", "--from", "unit1", "unit2"]) == 1
    assert capsys.readouterr().err == "studydeck: unit2/sources already exists; init never overwrites a bank\n"
    assert not (Path("unit2") / "questions.yaml").exists()


def test_a_copied_folder_is_refused_at_its_deck_id_line_with_the_fix(
        unit1: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree("unit1", "unit2")
    capsys.readouterr()
    assert main(["check", "unit2"]) == 1
    out = capsys.readouterr().out
    assert out == (
        f"unit2/questions.yaml:5:10: error: deck_id {deck_id(unit1)} is already the id of the bank in unit1 "
        "(checked or built on this machine): two banks with one deck_id overwrite each other's notes in Anki and "
        "share their progress. If this bank is a copy, give it its own id: 'studydeck new-id unit2' "
        "(if unit1 is the copy, run it there instead)\n")
    assert main(["build", "unit2"]) == 1
    assert not Path("unit2/decks/the-tides.apkg").exists()
    assert main(["check", "unit1"]) == 0, "the original keeps its id"


def test_new_id_changes_only_the_deck_id_line_and_says_what_it_means(
        unit1: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree("unit1", "unit2")
    before = Path("unit2/questions.yaml").read_text()
    old = deck_id(unit1)
    capsys.readouterr()
    assert main(["new-id", "unit2", "--yes"]) == 0
    out = capsys.readouterr().out
    new = deck_id(Path("unit2"))
    assert "learners' notes from its current id are no longer updated by it" in out
    assert f"unit2/questions.yaml: deck_id {old} -> {new}\n" in out
    assert Path("unit2/questions.yaml").read_text() == before.replace(str(old), str(new))
    assert main(["check", "unit2"]) == 0 and main(["check", "unit1"]) == 0


def test_new_id_asks_first(unit1: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = Path("unit1/questions.yaml").read_bytes()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("n\n"))
    assert main(["new-id", "unit1"]) == 1
    assert Path("unit1/questions.yaml").read_bytes() == before


def test_new_id_gives_a_bank_without_a_usable_id_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    main(["init", "bank"])
    questions = Path("bank/questions.yaml")
    text = questions.read_text()
    questions.write_text(re.sub(r"^deck_id: *\d+", "deck_id: DECK_ID", text, flags=re.MULTILINE))
    assert main(["check", "bank"]) == 1
    assert main(["new-id", "bank", "--yes"]) == 0
    assert main(["check", "bank"]) == 0
    questions.write_text(re.sub(r"^deck_id:.*\n", "", text, flags=re.MULTILINE))
    assert main(["new-id", "bank", "--yes"]) == 0
    assert main(["check", "bank"]) == 0


def test_the_readme_example_id_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["init", str(tmp_path)])
    questions = tmp_path / "questions.yaml"
    questions.write_text(re.sub(r"^deck_id: *\d+", "deck_id: 1234567890123", questions.read_text(), flags=re.MULTILINE))
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "deck_id: 1234567890123" in readme
    capsys.readouterr()
    assert main(["check", str(tmp_path)]) == 1
    assert "deck_id 1234567890123 is the example in studydeck's README" in capsys.readouterr().out


def test_a_moved_or_deleted_or_renumbered_original_does_not_lock_the_id(unit1: Path) -> None:
    shutil.copytree("unit1", "copy")
    assert not check("copy").passed()
    Path("unit1").rename("moved")
    assert check("copy").passed(), "the recorded folder no longer exists: its record is stale"
    assert not check("moved").passed(), "now 'copy' holds the id"
    shutil.rmtree("copy")
    assert check("moved").passed()
    shutil.copytree("moved", "again")
    assert main(["new-id", "moved", "--yes"]) == 0
    assert check("again").passed(), "'moved' no longer has that deck_id"


def test_two_worktrees_of_one_repository_are_one_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    monkeypatch.chdir(tmp_path)
    main(["init", "repo/bank"])
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "bank"], ["worktree", "add", "-q", "../branch"]):
        subprocess.run([git, "-C", "repo", *args], check=True, env=env)
    assert check("repo/bank").passed()
    assert check("branch/bank").passed(), "a worktree is the same bank on another branch"
    shutil.copytree("repo", "copied-repo")  # its own .git: a copy, not a worktree
    assert not check("copied-repo/bank").passed()


def test_a_damaged_record_is_a_notice_and_is_started_afresh(unit1: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record_path().write_text('{"format": 1, "banks": {"12')
    capsys.readouterr()
    assert main(["check", "unit1"]) == 0
    err = capsys.readouterr().err
    assert err == f"note: the record of bank folders ({record_path()}) is damaged; starting it afresh\n"
    assert json.loads(record_path().read_text())["banks"] == {str(deck_id(unit1)): str(unit1.resolve())}
    record_path().write_text('["not", "a", "record"]')
    assert main(["check", "unit1"]) == 0
    assert json.loads(record_path().read_text())["banks"] == {str(deck_id(unit1)): str(unit1.resolve())}


def test_an_unreadable_record_is_a_notice_and_left_alone(unit1: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record_path().unlink()
    record_path().mkdir()  # something that cannot be read as a file, even by root
    capsys.readouterr()
    assert main(["build", "unit1"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("note: cannot read the record of bank folders (") and err.count("\n") == 1
    assert record_path().is_dir()


def test_an_unwritable_data_folder_never_blocks_check_or_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))  # the data folder would have to be inside a file
    main(["init", str(tmp_path / "bank")])
    capsys.readouterr()
    assert main(["check", str(tmp_path / "bank")]) == 0
    err = capsys.readouterr().err
    assert re.fullmatch(r"note: cannot write the record of bank folders \(.*\); going on without it\n", err)
    assert main(["build", str(tmp_path / "bank")]) == 0
    assert (tmp_path / "bank" / "decks" / "the-tides.apkg").is_file()
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]
    assert len(notes) == 2 and "record of Anki note times" in notes[1]


def test_concurrent_checks_leave_a_whole_record(tmp_path: Path) -> None:
    banks = [tmp_path / f"bank{i}" for i in range(6)]
    for bank in banks:
        main(["init", str(bank)])
    runs = [subprocess.Popen([sys.executable, "-m", "studydeck", "check", str(bank)], stdout=subprocess.DEVNULL)
            for bank in banks for _ in range(2)]
    assert [run.wait() for run in runs] == [0] * len(runs)
    recorded = json.loads(record_path().read_text())["banks"]
    assert recorded and set(recorded.values()) <= {str(b.resolve()) for b in banks}
    assert not [p for p in record_path().parent.iterdir() if p.name.endswith(".tmp")]


def test_an_original_with_a_yaml_error_still_holds_its_id(unit1: Path) -> None:
    shutil.copytree("unit1", "copy")
    with Path("unit1/questions.yaml").open("a") as f:
        f.write("  - id: [unclosed\n")
    assert not check("copy").passed(), "the original is being edited, not gone"


def test_new_id_refuses_a_deck_id_given_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "twice"
    bank.mkdir()
    text = "title: x\ndeck_id: 5 # c\ndeck_id: 6\nquestions: []\n"
    (bank / "questions.yaml").write_text(text)
    assert main(["new-id", str(bank), "--yes"]) == 1
    assert "questions.yaml:3: 'deck_id' is given twice; keep one, then run this again" in capsys.readouterr().err
    assert (bank / "questions.yaml").read_text() == text
