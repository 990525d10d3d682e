"""Images and sounds: the bank's `media/` folder, and what a reference to it may name.

Only regular files inside `media/` beside questions.yaml are ever read: a reference is a relative path that
stays in that folder (no `..`, no scheme, no absolute path), and a file that is a link to a place outside the
bank is indexed as such and never read.
"""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path
from urllib.parse import unquote

from .files import Unreadable, read_head
from .model import MediaFile

MEDIA_DIR = "media"
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp", ".svg": "image/svg+xml"}
AUDIO_TYPES = {".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg",
               ".wav": "audio/wav", ".m4a": "audio/mp4", ".flac": "audio/flac"}
HUGE_BYTES = 5 * 1024 * 1024  # beyond this a file still works, but bloats every page that embeds it
MAX_BYTES = 100 * 1024 * 1024  # beyond this a file is refused: every output would hold it in memory, base64 and all


def normalise(src: str) -> str | None:
    """The path a Markdown image names, as an index key (`media/map.png`), or None if it may not be read.

    `src` is the destination as Markdown gives it (percent-encoded where needed)."""
    path = unquote(src)
    if not path or "\\" in path or ":" in path or path.startswith("/") or "\x00" in path:
        return None
    clean = posixpath.normpath(path)
    if not clean.startswith(MEDIA_DIR + "/") or ".." in clean.split("/"):
        return None
    return clean


def media_type(path: str) -> str | None:
    """The MIME type of an image or sound, by its extension; None for any other file."""
    extension = posixpath.splitext(path)[1].lower()
    return IMAGE_TYPES.get(extension) or AUDIO_TYPES.get(extension)


def is_audio(path: str) -> bool:
    """Whether a media path names a sound (rather than an image)."""
    return posixpath.splitext(path)[1].lower() in AUDIO_TYPES


def index(project: Path) -> dict[str, MediaFile]:
    """Every file under `project/media`, by key (`media/sub/map.png`): its real path and size in bytes.

    A link that leads outside the project gets size -1 and no path: it is known, so that `check` can say
    why it is refused, but it is never read."""
    root = project / MEDIA_DIR
    if not root.is_dir() or root.is_symlink():
        return {}
    bank = project.resolve()
    found: dict[str, MediaFile] = {}
    for folder, folders, files in os.walk(root):  # does not follow linked folders
        # A name may be a folder, a pipe, a socket, a device or a link to anything: `_entry` says which.
        for name in files + folders:
            path = Path(folder) / name
            found[path.relative_to(project).as_posix()] = _entry(path, bank)
    return dict(sorted(found.items()))


def _entry(path: Path, bank: Path) -> MediaFile:
    """One name of media/: a regular file inside the bank, or why it will not be read."""
    try:
        real = path.resolve(strict=True)
        info = real.stat()
    except (OSError, RuntimeError):  # a broken link, a loop of links, no permission
        return MediaFile("", -1, "a broken link")
    if not real.is_relative_to(bank):
        return MediaFile("", -1)
    if not stat.S_ISREG(info.st_mode):
        return MediaFile("", -1, "not a regular file (a folder, a pipe or a device)")
    return MediaFile(str(real), info.st_size, content=sniff(real))


# What the first bytes of each format are (the formats' own specifications): a file is what it holds,
# whatever its name says.
_MAGIC = (("png", 0, b"\x89PNG\r\n\x1a\n"), ("jpeg", 0, b"\xff\xd8\xff"), ("gif", 0, b"GIF8"),
          ("webp", 8, b"WEBP"), ("wav", 8, b"WAVE"), ("ogg", 0, b"OggS"), ("flac", 0, b"fLaC"),
          ("mp4", 4, b"ftyp"), ("mp3", 0, b"ID3"))
# The format a file's name promises.
EXPECTED = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif", "webp": "webp", "svg": "svg", "wav": "wav",
            "ogg": "ogg", "opus": "ogg", "flac": "flac", "m4a": "mp4", "mp3": "mp3"}


def sniff(path: Path) -> str:
    """The format a file's first bytes show, or "" (unreadable, or no format studydeck knows)."""
    try:
        head = read_head(path, 512)
    except Unreadable:
        return ""
    for name, at, magic in _MAGIC:
        if head[at:at + len(magic)] == magic:
            return name
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mp3"  # an MPEG audio frame without an ID3 tag
    return "svg" if b"<svg" in head.lower() else ""
