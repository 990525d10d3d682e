"""Writing outputs all-or-nothing: a build that fails leaves the previous outputs exactly as they were."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import BuildError
from .render.base import Output, Writer


def write_all(folder: Path, outputs: Iterable[Output], progress: Callable[[str], None] = lambda name: None
              ) -> list[Path]:
    """Stage every changed output beside its target, then swap them all in; returns the paths that changed.

    If anything fails (a write, or a writer with any exception), files already swapped are put back and staged
    ones deleted, so the folder is as it was before. `progress` is called with each output's name.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for output in outputs:
            progress(output.name)
            target = folder / output.name
            if target.exists() and not target.is_file():
                raise BuildError(f"cannot write {target}: something other than a file is in the way; nothing was changed")
            if isinstance(output.data, bytes):
                if target.is_file() and target.read_bytes() == output.data:
                    continue
                staged.append((_stage(target, output.data), target))
                continue
            temporary = _stage(target, output.data)
            if target.is_file() and _same_bytes(temporary, target):
                os.unlink(temporary)
                continue
            staged.append((temporary, target))
        _swap_in(staged)
    except OSError as e:
        raise BuildError(f"cannot write {e.filename or folder}: {e.strerror}; nothing was changed") from e
    finally:
        _discard(temporary for temporary, _ in staged)
    return [target for _, target in staged]


def _same_bytes(first: str | Path, second: str | Path) -> bool:
    if os.path.getsize(first) != os.path.getsize(second):
        return False
    with open(first, "rb") as a, open(second, "rb") as b:
        while True:
            block = a.read(1 << 20)
            if block != b.read(1 << 20):
                return False
            if not block:
                return True


def _swap_in(staged: list[tuple[str, Path]]) -> None:
    backups: list[tuple[Path, str | None]] = []
    try:
        for temporary, target in staged:
            backup = None
            if target.exists():
                backup = temporary + ".previous"
                os.replace(target, backup)
            backups.append((target, backup))
            os.replace(temporary, target)
    except BaseException:
        for target, backup in reversed(backups):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        raise
    _discard(backup for _, backup in backups if backup)


def _stage(target: Path, data: bytes | Writer) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                data(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def _umask() -> int:
    # mkstemp creates files only the owner can read; outputs get the modes a plain write would.
    current = os.umask(0)
    os.umask(current)
    return current


def _discard(paths: Iterable[str]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
