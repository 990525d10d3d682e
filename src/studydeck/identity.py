"""A bank's own identity: a fresh deck_id for a new bank, for a copy (`studydeck init --from`) and for a bank
that needs one (`studydeck new-id`).

The deck_id is rewritten where it stands in questions.yaml, so the author's formatting, comments and line
endings stay exactly as they were.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import registry
from .creating import Creating
from .errors import ProjectError
from .load import EXAMPLE_DECK_ID, QUESTIONS_FILE, shown_path

# What `init --from` copies: a bank's inputs. Not decks/: the copy's outputs are its own.
COPIED = ("sources", "templates", "media")
_BOM = "\ufeff"


def fresh_deck_id() -> int:
    """A random deck_id (40 random bits, so two banks practically never meet) no bank here has used."""
    taken = registry.known_ids() | {EXAMPLE_DECK_ID}
    while True:
        deck_id = 1 << 30 | secrets.randbits(40)
        if deck_id not in taken:
            return deck_id


@dataclass(frozen=True)
class NewId:
    """What `new_id` did: the bank's old deck_id (None if it had none), its new one, and a notice, if any."""

    old: int | None
    new: int
    notice: str | None = None


def new_id(project: Path) -> NewId:
    """Give the bank in `project` a fresh deck_id, written into its questions.yaml, and record it."""
    path = project / QUESTIONS_FILE
    text = _read(path)
    old = _deck_id(text)
    deck_id = fresh_deck_id()
    _replace(path, with_deck_id(text, deck_id, shown_path(path)))
    return NewId(old, deck_id, registry.record(deck_id, project))


def copy_bank(origin: Path, target: Path) -> list[Path]:
    """Copy the bank in `origin` to `target` (questions.yaml with a fresh deck_id, and the folders in COPIED
    that exist); returns what was created. Refuses to overwrite anything."""
    source = origin / QUESTIONS_FILE
    questions = target / QUESTIONS_FILE
    text = _read(source)
    copied = [name for name in COPIED if (origin / name).is_dir()]
    in_the_way = [p for p in (questions, *(target / name for name in copied)) if p.exists()]
    if in_the_way:
        raise ProjectError(f"{shown_path(in_the_way[0])} already exists; init never overwrites a bank")
    updated = with_deck_id(text, fresh_deck_id(), shown_path(source))  # before copying anything: it may fail
    with Creating(target) as creating:  # all of it or, when something cannot be written, none of it
        creating.folder(target)
        for name in copied:
            creating.tree(origin / name, target / name)
        creating.will_make(questions)
        _replace(questions, updated, mode_of=source)
    return [questions, *(target / name for name in copied)]


def with_deck_id(text: str, deck_id: int, shown: str = QUESTIONS_FILE) -> str:
    """`text` (a questions.yaml) with its deck_id set to `deck_id`, everything else untouched; a deck_id line
    is added before the first key when there is none."""
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom):]
    root = _root(body, shown)
    written = [k for k, _ in root.value if isinstance(k, yaml.ScalarNode) and k.value == "deck_id"]
    if len(written) > 1:
        raise ProjectError(f"{shown}:{written[1].start_mark.line + 1}: 'deck_id' is given twice; keep one, then "
                           "run this again")
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "deck_id":
            between = body[key.end_mark.index:value.start_mark.index]
            if not isinstance(value, yaml.ScalarNode) or not re.fullmatch(r"[ \t]*:[ \t]*", between):
                raise ProjectError(f"{shown}:{value.start_mark.line + 1}: write the deck_id as a plain number "
                                   "after 'deck_id: ' to let studydeck change it")
            return bom + body[:value.start_mark.index] + str(deck_id) + body[value.end_mark.index:]
    if root.flow_style or not root.value:
        raise ProjectError(f"{shown}: add a line 'deck_id: {deck_id}' to the bank")
    first = root.value[0][0].start_mark
    column: int = first.column
    at: int = first.index - column
    return bom + body[:at] + " " * column + f"deck_id: {deck_id}\n" + body[at:]


def _root(text: str, shown: str) -> yaml.MappingNode:
    try:
        root: yaml.Node | None = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise ProjectError(f"{shown}: not valid YAML; run 'studydeck check' to see why") from e
    if not isinstance(root, yaml.MappingNode):
        raise ProjectError(f"{shown}: not a bank (a mapping with 'title', 'deck_id' and 'questions')")
    return root


def _deck_id(text: str) -> int | None:
    """The deck_id written in a questions.yaml, if it is a number."""
    from .yamltree import INT, YamlSyntaxError, parse

    try:
        root = parse(text.removeprefix(_BOM))
        value = root.data.get("deck_id") if root is not None and root.is_mapping else None
        typed = value.typed() if value is not None and value.is_scalar and value.tag == INT else None
    except YamlSyntaxError:
        return None
    return typed if isinstance(typed, int) else None


def _read(path: Path) -> str:
    if not path.is_file():
        raise ProjectError(f"{shown_path(path.parent)}: no {QUESTIONS_FILE} here; run 'studydeck init' to start a bank")
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ProjectError(f"cannot read {shown_path(path)}: {e}") from e


def _replace(path: Path, text: str, mode_of: Path | None = None) -> None:
    """Write `text` (line endings as they are) to `path` at once, with the permissions of the file it replaces."""
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        shutil.copymode(mode_of or path, temporary)
        os.replace(temporary, path)
        temporary = None
    except OSError as e:
        raise ProjectError(f"cannot write {shown_path(path)}: {e.strerror}") from e
    finally:
        if temporary is not None:
            os.unlink(temporary)
