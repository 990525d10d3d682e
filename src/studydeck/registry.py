"""Which bank folder holds each deck_id on this machine, so that a copied bank cannot take over another's notes.

Anki knows a note by its GUID, made from the bank's deck_id and the question's id, and a deck by its id: two
banks with one deck_id overwrite each other's notes in every learner's collection (and share their quiz and
self-test progress). `check`, and so `build`, records each bank it reads in `<data folder>/banks.json`, deck_id
-> the bank folder's resolved path, and refuses a deck_id that a different folder still holds.

A record never locks an id for good: a folder that was moved or deleted, or whose questions.yaml now has another
deck_id, is stale, and the bank that asks next takes the id over. Two git worktrees of one repository holding
the bank at the same place are the same bank (its branches), not a copy. The record only ever adds safety:
one that cannot be read or written is a one-line notice, never an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import userdata
from .errors import Problem
from .load import QUESTIONS_FILE, shown_path
from .model import Bank

RECORD_NAME = "banks.json"
FORMAT = 1
_WHAT = "the record of bank folders"


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a bank's deck_id: the problem when another folder holds it, and notices."""

    problems: tuple[Problem, ...] = ()
    notices: tuple[str, ...] = ()


def record_path() -> Path:
    """The file that maps each deck_id to the bank folder that holds it."""
    return userdata.folder() / RECORD_NAME


def claim(bank: Bank, project: Path) -> Claim:
    """Refuse the bank's deck_id if another existing folder on this machine holds it; else record it as this
    folder's."""
    if not bank.deck_id:  # no usable deck_id: the loader has reported it
        return Claim()
    here = project.resolve()
    read = userdata.read_json(record_path(), _WHAT)
    owner = _banks(read.data).get(str(bank.deck_id))
    if owner is not None and Path(owner) != here and holds(Path(owner), bank.deck_id) \
            and not same_checkout(Path(owner), here):
        return Claim((_conflict(bank, project, Path(owner)),), _notices(read.notice))
    if owner == str(here) or not read.writable:
        return Claim(notices=_notices(read.notice))
    return Claim(notices=_notices(read.notice, record(bank.deck_id, here)))


def record(deck_id: int, folder: Path) -> str | None:
    """Record `folder` as the holder of `deck_id` (and of no other id); a notice if the record cannot be written."""
    path = record_path()
    # Read again just before writing: another run may have recorded a bank meanwhile.
    read = userdata.read_json(path, _WHAT)
    if not read.writable:
        return read.notice
    here = str(folder.resolve())
    banks = {key: owner for key, owner in _banks(read.data).items() if owner != here}
    banks[str(deck_id)] = here
    data = json.dumps({"format": FORMAT, "banks": dict(sorted(banks.items()))}, indent=1, ensure_ascii=False)
    return userdata.write_atomic(path, (data + "\n").encode(), _WHAT) or read.notice


def known_ids() -> set[int]:
    """Every deck_id recorded on this machine (a new id avoids them)."""
    return {int(key) for key in _banks(userdata.read_json(record_path(), _WHAT).data) if key.isdigit()}


def holds(folder: Path, deck_id: int) -> bool:
    """Whether `folder` still has a questions.yaml whose deck_id is `deck_id` (if not, its record is stale)."""
    from .yamltree import INT, YamlSyntaxError, parse

    try:
        text = (folder / QUESTIONS_FILE).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return False
    try:
        root = parse(text)
    except YamlSyntaxError:
        # A bank being edited may not read as YAML for a moment: it still holds the id written on its line.
        written = re.search(r"^deck_id[ \t]*:[ \t]*(\d+)[ \t]*(#.*)?$", text, re.MULTILINE)
        return written is not None and int(written.group(1)) == deck_id
    value = root.data.get("deck_id") if root is not None and root.is_mapping else None
    if value is None or not value.is_scalar or value.tag != INT:
        return False
    try:
        return bool(value.typed() == deck_id)
    except YamlSyntaxError:
        return False


def same_checkout(first: Path, second: Path) -> bool:
    """Whether two folders are the same place in two worktrees of one git repository (one bank's branches)."""
    a, b = _checkout(first), _checkout(second)
    return a is not None and a == b


def _checkout(folder: Path) -> tuple[Path, Path] | None:
    """The repository's common git folder and the folder's path inside its worktree, or None outside git."""
    for top in (folder, *folder.parents):
        dot_git = top / ".git"
        if dot_git.is_dir():
            return dot_git.resolve(), folder.relative_to(top)
        if dot_git.is_file():
            common = _common_dir(dot_git)
            return (common, folder.relative_to(top)) if common is not None else None
    return None


def _common_dir(dot_git: Path) -> Path | None:
    """A linked worktree's `.git` file says `gitdir: <repo>/.git/worktrees/<name>`, whose `commondir` leads
    back to the repository's own git folder."""
    try:
        text = dot_git.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("gitdir:"):
        return None
    gitdir = (dot_git.parent / text.removeprefix("gitdir:").strip()).resolve()
    try:
        common = (gitdir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return gitdir  # a submodule: its git folder is its own
    return (gitdir / common).resolve()


def _banks(data: object) -> dict[str, str]:
    """deck_id -> folder from a record's JSON, leaving out anything malformed."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("banks"), dict):
        return {}
    return {key: value for key, value in data["banks"].items() if isinstance(value, str)}


def _conflict(bank: Bank, project: Path, owner: Path) -> Problem:
    where = bank.deck_id_location
    other, this = shown_path(owner), shown_path(project)
    return Problem(where.path or bank.location.path, where.line, where.column,
                   f"deck_id {bank.deck_id} is already the id of the bank in {other} (checked or built on this "
                   "machine): two banks with one deck_id overwrite each other's notes in Anki and share their "
                   f"progress. If this bank is a copy, give it its own id: 'studydeck new-id {this}' "
                   f"(if {other} is the copy, run it there instead)")


def _notices(*notices: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in notices if n))
