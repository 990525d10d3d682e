"""Making a new bank's files all at once or not at all (`studydeck init`, `init --from`).

A bank made in a place that cannot hold it (a read-only folder or file system, a file in the way, a full disk)
must not be left half-made: the next `init` would refuse it ("already exists") and `check` would report
confusing problems. `Creating` records every folder and file it makes; if anything fails, it removes them
again, newest first, and raises one ProjectError that says where and why. It never overwrites: a file that
appears in the meantime stops the creation too.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path
from types import TracebackType

from .errors import ProjectError
from .load import shown_path


class Creating:
    """A context in which folders and files are made; on any failure they are all removed again."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.made: list[tuple[str, Path]] = []  # ("folder" | "file" | "tree", path), in the order made

    def __enter__(self) -> Creating:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if error is None:
            return
        left = self.undo()
        if isinstance(error, OSError):
            kept = f"; could not remove {', '.join(shown_path(p) for p in left)}" if left else "; nothing was left behind"
            raise ProjectError(f"cannot create the bank in {shown_path(self.target)}: {_why(error)}{kept}") from error

    def folder(self, path: Path) -> None:
        """Make `path` and its missing parents, recording each one made."""
        missing = [p for p in (path, *path.parents) if not p.exists()][::-1]
        for folder in missing:
            try:
                folder.mkdir()
            except FileExistsError:  # a file (or a dangling link) stands where the folder goes
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)) from None
            self.made.append(("folder", folder))

    def file(self, path: Path, data: bytes) -> None:
        """Write a new file (never over an existing one)."""
        with path.open("xb") as stream:
            self.made.append(("file", path))
            stream.write(data)

    def tree(self, source: Path, target: Path) -> None:
        """Copy the folder `source` to `target`, which must not exist yet."""
        self.made.append(("tree", target))
        shutil.copytree(source, target)

    def will_make(self, path: Path) -> None:
        """`path` is about to be made by other means (e.g. an atomic rename): remove it too on failure."""
        self.made.append(("file", path))

    def undo(self) -> list[Path]:
        """Remove what was made, newest first; returns what could not be removed."""
        left = []
        for what, path in reversed(self.made):
            try:
                if what == "tree":
                    if path.exists():
                        shutil.rmtree(path)
                elif what == "folder":
                    path.rmdir()
                else:
                    path.unlink(missing_ok=True)
            except OSError:
                left.append(path)
        self.made.clear()
        return left


def _why(error: OSError) -> str:
    """The cause in a few words, naming what is in the way when a file stands where a folder should be."""
    if isinstance(error, shutil.Error):  # copytree's list of (source, target, the error as text)
        first = error.args[0][0] if error.args and isinstance(error.args[0], list) and error.args[0] else None
        if first is None:
            return str(error)
        reason = re.match(r"\[Errno \d+\] ([^:]+)", str(first[2]))
        return f"{reason[1]} ({shown_path(Path(first[1]))})" if reason else str(first[2])
    if isinstance(error, NotADirectoryError) and error.filename:
        blocking = _file_in_the_way(Path(os.fsdecode(error.filename)))
        if blocking is not None:
            return f"{shown_path(blocking)} is a file, not a folder"
    where = f" ({shown_path(Path(os.fsdecode(error.filename)))})" if error.filename else ""
    return f"{error.strerror or error}{where}"


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest of `path` and its parents that exists and is not a folder."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None
