"""The newest Anki modification time this machine handed out, per bank and note: what keeps a revert from
going unseen.

Anki updates a note on import only when the package's modification time is newer than the learner's copy. The
times of the last build live in `decks/<bank>.anki.json`, committed with the bank; but `git revert` (or any
checkout of older files) brings back older times with the older content, and learners who imported the newer
build would keep it. So every build also merges its times into `<data folder>/anki-times/<deck_id>.json`, and
the next build on this machine never hands out a time older than that record, and a strictly newer one to a
note whose content differs from the content that got it (see `render/anki.py`). Other machines do not see this
record: it protects what was built here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import userdata

_WHAT = "the record of Anki note times"


def record_path(deck_id: int) -> Path:
    """Where this machine keeps a bank's newest note and note-type times."""
    return userdata.folder() / "anki-times" / f"{deck_id}.json"


def read(deck_id: int) -> tuple[bytes | None, str | None]:
    """The record's bytes for the renderer (None if there is none or it is damaged) and a notice, if any."""
    path = record_path(deck_id)
    found = userdata.read_json(path, _WHAT)
    return (found.raw if found.data is not None else None), found.notice


def update(deck_id: int, state: bytes, record_was_read: bool = False) -> str | None:
    """Merge a build's note times (the anki.json it wrote) into the record; a notice if it cannot be written.
    `record_was_read`: the build read the record whole (so it may skip rewriting it when nothing is new)."""
    path = record_path(deck_id)
    # The digest of the last state merged, in a file of its own, spares an unchanged rebuild reading and
    # writing the whole record (a second on a 100k-question bank). Written only after the record itself.
    merged_mark = path.with_suffix(".merged")
    digest = hashlib.sha256(state).hexdigest()
    try:
        if record_was_read and merged_mark.read_text(encoding="ascii") == digest:
            return None
    except (OSError, UnicodeDecodeError):
        pass
    notice = _merge(path, state)
    return notice or userdata.write_atomic(merged_mark, digest.encode(), _WHAT)


def _merge(path: Path, state: bytes) -> str | None:
    found = userdata.read_json(path, _WHAT)
    if not found.writable:
        return found.notice
    try:
        built = json.loads(state)
    except ValueError:
        return None
    old = found.data if isinstance(found.data, dict) and found.data.get("format") == built.get("format") else {}
    merged = {"format": built.get("format"), **{
        part: {**_entries(old, part), **_entries(built, part)} for part in ("models", "notes")}}
    if merged == old:
        return found.notice
    data = json.dumps(merged, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return userdata.write_atomic(path, data, _WHAT) or found.notice


def _entries(data: dict[str, object], part: str) -> dict[str, object]:
    entries = data.get(part)
    return entries if isinstance(entries, dict) else {}
