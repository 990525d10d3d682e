"""The reading and writing around `ingest`: a file, standard input or a URL in, `sources/<id>.md` out."""

from __future__ import annotations

import datetime
import http.client
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import StudydeckError
from ..sources import MAX_SOURCE_BYTES, SOURCE_ID
from . import Ingested, ingest

FETCH_TIMEOUT = 20.0  # seconds without an answer before a fetch gives up
FETCH_LIMIT = 20 * 1024 * 1024  # bytes: larger pages are refused rather than read into memory


@dataclass(frozen=True)
class Fetched:
    """A page as the server sent it: its bytes, declared content type, and the URL after redirects."""

    data: bytes
    content_type: str | None
    url: str


def fetch(url: str, timeout: float = FETCH_TIMEOUT, limit: int = FETCH_LIMIT) -> Fetched:
    """GET a page with the standard library, within a time and size limit."""
    request = urllib.request.Request(url, headers={"User-Agent": "studydeck source add"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(limit + 1)
            content_type = response.headers.get("Content-Type")
            final_url = response.geturl()
    except urllib.error.HTTPError as e:
        raise StudydeckError(f"{url}: the server answered {e.code} {e.reason}") from e
    except (urllib.error.URLError, TimeoutError, http.client.HTTPException, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        raise StudydeckError(f"{url}: cannot fetch the page ({reason}); save it and add the file instead") from e
    if len(data) > limit:
        raise StudydeckError(f"{url}: larger than {limit // (1024 * 1024)} MB; save it and add the file instead")
    return Fetched(data, content_type, final_url)


def add_source(target: str, project: Path, *, source_id: str | None = None, stdin: BinaryIO | None = None,
               today: datetime.date | None = None) -> tuple[Path, Ingested]:
    """Write `project/sources/<id>.md` from a file, "-" (standard input) or an http(s) URL; never overwrites.

    `today` is the retrieval date recorded for a URL (default: the local date)."""
    if source_id is not None and not SOURCE_ID.match(source_id):
        raise StudydeckError(f"--id {source_id!r}: a source id uses lower-case letters, digits, '.', '_' and '-'")
    if source_id is not None:
        _refuse_existing(project / "sources" / f"{source_id}.md")
    if re.match(r"https?://", target, re.IGNORECASE):
        page = fetch(target)
        retrieved = (today or datetime.date.today()).isoformat()
        result = ingest(page.data, target, content_type=page.content_type, url=page.url, retrieved=retrieved,
                        source_id=source_id)
    elif target == "-":
        if stdin is None:
            raise StudydeckError("standard input is not available")
        result = ingest(_bounded(stdin.read(MAX_INPUT_BYTES + 1), "standard input"), "standard input",
                        source_id=source_id)
    else:
        try:
            with Path(target).open("rb") as handle:
                data = _bounded(handle.read(MAX_INPUT_BYTES + 1), target)
        except OSError as e:
            raise StudydeckError(f"{target}: cannot read ({e.strerror})") from e
        result = ingest(data, target, source_id=source_id)
    size = len(result.text.encode("utf-8"))
    if size > MAX_SOURCE_BYTES:  # `check` would refuse the file: never write it
        raise StudydeckError(f"{target}: its text is {size >> 20} MiB; a source is one article, at most "
                             f"{MAX_SOURCE_BYTES >> 20} MiB: split the document and add each part; nothing was written")
    destination = project / "sources" / f"{result.id}.md"
    _refuse_existing(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        with destination.open("x", encoding="utf-8", newline="\n") as out:  # "x": never replace a source
            out.write(result.text)
    except FileExistsError as e:
        raise _exists(destination) from e
    return destination, result


# A document to read: far above any article with its pictures, far below what would exhaust memory.
MAX_INPUT_BYTES = 64 << 20


def _bounded(data: bytes, name: str) -> bytes:
    if len(data) > MAX_INPUT_BYTES:
        raise StudydeckError(f"{name}: over {MAX_INPUT_BYTES >> 20} MiB; a source is one article: split the "
                             "document and add each part; nothing was written")
    return data


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise _exists(path)


def _exists(path: Path) -> StudydeckError:
    return StudydeckError(f"{path} already exists; studydeck does not overwrite a source "
                          "(remove it first, or give the new one another --id)")
