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
    """Write every output beside its target, then move them all into place; unchanged files are left alone."""
    staged: list[tuple[str, Path]] = []
    try:
        for output in outputs:
            target = folder / output.name
            if target.is_file() and target.read_bytes() == output.data:
                continue
            staged.append((_stage(target, output.data), target))
    except OSError as e:
        _discard(staged)
        raise BuildError(f"cannot write {e.filename or folder}: {e.strerror}; nothing was changed") from e
    except BaseException:
        _discard(staged)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
    return [target for _, target in staged]


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


def _discard(staged: list[tuple[str, Path]]) -> None:
    for temporary, _ in staged:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
