"""Writing outputs all-or-nothing, at every instant: the output folder holds either every file of the previous
build or every file of this one, even if the process is killed at any point.

A build writes a complete new folder beside the old one (`.decks.staging-<pid>`: the new outputs, and links to
every other file already there), then swaps the two in one atomic step (Linux's `renameat2` with
`RENAME_EXCHANGE`) and deletes the old one. Where the system cannot swap two folders at once, the old folder
is first renamed aside (`.decks.previous-<pid>`) and the next build puts it back if it finds no folder. A
build's leftovers are removed by the next one; builds into one folder take turns (see `OutputLock`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import BuildError
from .render.base import Output, Writer

__all__ = ["Output", "Writer", "output_lock", "write_all"]

STAGING, PREVIOUS = "staging", "previous"


@contextlib.contextmanager
def output_lock(folder: Path, waiting: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the lock of an output folder (on the folder that contains it) for a whole build, so that two
    builds into one folder take turns and the later one reads the later inputs. `waiting` hears why a build
    waits."""
    parent = folder.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(parent, os.O_RDONLY)
    except OSError as e:
        raise BuildError(f"cannot use {parent} for the outputs: {e.strerror}; nothing was built") from e
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(f"waiting for another build writing into {folder} to finish")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def write_all(folder: Path, outputs: Iterable[Output], progress: Callable[[str], None] = lambda name: None
              ) -> list[Path]:
    """Make `folder` hold the outputs (and whatever else it held), all at once; returns the paths whose bytes
    changed. On any failure, or if killed, the folder is as it was. `progress` hears each output's name."""
    given, folder = folder, folder.absolute()
    recover(folder)
    if folder.exists() and not folder.is_dir():
        raise BuildError(f"cannot write into {folder}: it is a file, not a folder; move it away; nothing was built")
    staging = _sibling(folder, STAGING)
    try:
        changed = _stage(folder, staging, outputs, progress)
        if changed or not folder.exists():
            for path in changed:
                _fsync(staging / path.relative_to(folder))
            _fsync(staging)
            _switch(folder, staging)
    except OSError as e:
        raise BuildError(f"cannot write {e.filename or folder}: {e.strerror}; nothing was changed") from e
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [given / path.relative_to(folder) for path in changed]


def recover(folder: Path) -> None:
    """Finish what an interrupted build left: put back a folder renamed aside, delete every leftover."""
    parent = folder.parent
    if not parent.is_dir():
        return
    leftovers = sorted(parent.glob(f".{folder.name}.*-*"))
    previous = [p for p in leftovers if p.name.startswith(f".{folder.name}.{PREVIOUS}-")]
    if previous and not folder.exists():
        os.rename(previous[0], folder)  # the build died between its two renames: the old outputs come back
    for path in leftovers:
        if path.exists() and _ours(path, folder):
            shutil.rmtree(path, ignore_errors=True)


def _ours(path: Path, folder: Path) -> bool:
    prefix, _, pid = path.name.rpartition("-")
    return prefix in (f".{folder.name}.{STAGING}", f".{folder.name}.{PREVIOUS}") and pid.isdigit()


def _sibling(folder: Path, kind: str) -> Path:
    return folder.parent / f".{folder.name}.{kind}-{os.getpid()}"


def _stage(folder: Path, staging: Path, outputs: Iterable[Output], progress: Callable[[str], None]) -> list[Path]:
    """The new folder: links to everything already there, then each output (replacing its old link)."""
    if folder.is_dir():
        shutil.copytree(folder, staging, symlinks=True, copy_function=_link)
    else:
        staging.mkdir(parents=True)
    changed = []
    for output in outputs:
        progress(output.name)
        old, new = folder / output.name, staging / output.name
        if old.exists() and not old.is_file():
            raise BuildError(f"cannot write {old}: something other than a file is in the way; nothing was changed")
        mode = old.stat().st_mode & 0o777 if old.is_file() else 0o666 & ~_umask()
        new.unlink(missing_ok=True)  # a link to the old file: never written through
        new.parent.mkdir(parents=True, exist_ok=True)
        _write(new, output.data, mode)
        if old.is_file() and _same_bytes(old, new):
            new.unlink()
            _link(str(old), str(new))  # unchanged: the very same file, its time and all
        else:
            changed.append(folder / output.name)
    return changed


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links: a copy keeps the file all the same
        shutil.copy2(source, target)


def _write(path: Path, data: bytes | Writer, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:
            data(handle)
    os.chmod(path, mode)  # as a plain write would leave it, whatever the umask did to O_CREAT


def _switch(folder: Path, staging: Path) -> None:
    """Put the staged folder where `folder` is, in one step where the system allows it."""
    if not folder.exists():
        os.rename(staging, folder)
    elif not _exchange(staging, folder):
        aside = _sibling(folder, PREVIOUS)
        os.rename(folder, aside)  # between these two renames a kill leaves no folder: `recover` puts it back
        os.rename(staging, folder)
        shutil.rmtree(aside, ignore_errors=True)
    _fsync(folder.parent)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux `renameat2`); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _same_bytes(first: Path, second: Path) -> bool:
    if first.stat().st_size != second.stat().st_size:
        return False
    with first.open("rb") as a, second.open("rb") as b:
        while True:
            block = a.read(1 << 20)
            if block != b.read(1 << 20):
                return False
            if not block:
                return True


def _fsync(path: Path) -> None:
    """A file or folder on the disk before the switch makes it visible (a power cut cannot leave it empty)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _umask() -> int:
    # Outputs get the modes a plain write would.
    current = os.umask(0)
    os.umask(current)
    return current
