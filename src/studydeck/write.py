"""Writing outputs all-or-nothing: a build that fails leaves the previous outputs exactly as they were."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError


@dataclass(frozen=True)
class Output:
    """One file a renderer produced: its path below the output folder and its bytes."""

    name: str
    data: bytes


def write_all(folder: Path, outputs: Iterable[Output]) -> list[Path]:
    """Stage every changed output beside its target, then swap them all in; returns the paths that changed.

    If anything fails, files already swapped are put back, so the folder is as it was before.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for output in outputs:
            target = folder / output.name
            if target.is_file() and target.read_bytes() == output.data:
                continue
            if target.exists() and not target.is_file():
                raise BuildError(f"cannot write {target}: something other than a file is in the way; nothing was changed")
            staged.append((_stage(target, output.data), target))
        _swap_in(staged)
    except OSError as e:
        raise BuildError(f"cannot write {e.filename or folder}: {e.strerror}; nothing was changed") from e
    finally:
        _discard(temporary for temporary, _ in staged)
    return [target for _, target in staged]


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


def _stage(target: Path, data: bytes) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
