"""The small records studydeck keeps about this machine in the user's data folder (platformdirs'
`user_data_path("studydeck")`, on Linux `~/.local/share/studydeck`).

They only ever add safety, so none of them may stop a command: a record that cannot be read or written is
reported in one line (a notice) and the command carries on without it. Every write replaces the whole file
at once (a temporary file, then a rename), so a crash or a concurrent run never leaves half a record.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def folder() -> Path:
    """The user's data folder for studydeck (not created here)."""
    import platformdirs

    return platformdirs.user_data_path("studydeck")


@dataclass(frozen=True)
class Read:
    """A record as read: its JSON data (None when missing or unusable), a notice when it was unusable, whether
    it may be replaced (not when it exists but could not be read: it may be fine for another run), its bytes."""

    data: Any
    notice: str | None = None
    writable: bool = True
    raw: bytes | None = None


def read_json(path: Path, what: str) -> Read:
    """The JSON in `path`; a missing file is no record, a damaged or unreadable one a notice."""
    try:
        text = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # no record yet (or no data folder can exist: see writing)
        return Read(None)
    except OSError as e:
        return Read(None, f"cannot read {what} ({path}: {e.strerror}); going on without it", writable=False)
    try:
        return Read(json.loads(text), raw=text)
    except ValueError:
        return Read(None, f"{what} ({path}) is damaged; starting it afresh")


def write_atomic(path: Path, data: bytes, what: str) -> str | None:
    """Replace `path` with `data` all at once; a notice instead of an error when it cannot be written."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
        temporary = None
    except OSError as e:
        return f"cannot write {what} ({e.filename or path}: {e.strerror}); going on without it"
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass
    return None
