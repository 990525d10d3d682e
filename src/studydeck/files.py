"""Reading one file of a bank folder, whatever stands at its name: only a regular file is read, never more
than a limit, and nothing at the name (a pipe, a device, a file that grows while it is read) can block or
fill the memory. Each caller says in its own words what a refusal means for its kind of file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

MISSING, NOT_REGULAR, TOO_LARGE, FAILED = "missing", "not a regular file", "too large", "failed"


class Unreadable(Exception):
    """Why a file was not read: `kind` is MISSING (nothing there, or a broken link), NOT_REGULAR (a folder, a
    pipe, a device), TOO_LARGE (`size` bytes, over the limit) or FAILED (`reason`, the system's words)."""

    def __init__(self, kind: str, reason: str = "", size: int = 0) -> None:
        super().__init__(reason or kind)
        self.kind, self.reason, self.size = kind, reason, size


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; Unreadable otherwise."""
    with _regular(path) as (handle, size):
        if size > limit:
            raise Unreadable(TOO_LARGE, size=size)
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while it was read
        raise Unreadable(TOO_LARGE, size=len(data))
    return data


def read_head(path: Path, count: int) -> bytes:
    """The first `count` bytes of the regular file at `path` (all of a shorter one); Unreadable otherwise."""
    with _regular(path) as (handle, _):
        return handle.read(count)


@contextlib.contextmanager
def _regular(path: Path) -> Iterator[tuple[BinaryIO, int]]:
    """The regular file at `path`, open for reading, and its size; Unreadable if there is none."""
    try:
        # Opened before it is looked at, and without waiting: what is checked is what is read, and a pipe with
        # no writer opens at once (and is then refused) instead of blocking.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError as e:
        raise Unreadable(MISSING, e.strerror or "") from None
    except OSError as e:
        raise Unreadable(NOT_REGULAR if _special(path) else FAILED, e.strerror or str(e)) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(NOT_REGULAR)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            yield handle, info.st_size
    except OSError as e:
        raise Unreadable(FAILED, e.strerror or str(e)) from None
    finally:
        os.close(descriptor)


def _special(path: Path) -> bool:
    """Whether something other than a regular file is at `path` (a socket cannot even be opened)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
