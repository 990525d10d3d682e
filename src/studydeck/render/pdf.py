"""HTML to PDF through headless Chromium: the page size and margins come from the document's own @page CSS.

Each document is printed by its own browser process with a fresh profile and a private HOME, so no user
setting, extension or cache can change the result. Chromium stamps the print time into the PDF; it is
replaced by a fixed date of the same length, so the same HTML prints to the same bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import BuildError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
)
TIMEOUT = 120
PARALLEL = 4  # browsers printing at once
_DATE = re.compile(rb"\(D:\d{14}")
_FIXED_DATE = b"(D:20000101000000"


def browser() -> str:
    """The Chromium executable: $STUDYDECK_CHROMIUM if set, else the first Chromium or Chrome on PATH."""
    chosen = os.environ.get("STUDYDECK_CHROMIUM")
    found = shutil.which(chosen) if chosen else next(filter(None, map(shutil.which, BROWSERS)), None)
    if found is None:
        wanted = chosen or " or ".join(BROWSERS[:3])
        raise BuildError(f"--pdf needs Chromium, and {wanted} was not found; install it (Debian/Ubuntu: "
                         "'apt-get install chromium') or set STUDYDECK_CHROMIUM to its path; nothing was built")
    return found


def print_pdfs(documents: Mapping[str, bytes]) -> dict[str, bytes]:
    """Print HTML documents (name -> bytes) to PDF, a few at a time; returns name -> PDF bytes."""
    executable = browser()
    names = list(documents)
    printed: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="studydeck-pdf-") as folder:
        for first in range(0, len(names), PARALLEL):
            batch = names[first:first + PARALLEL]
            printed |= _print_batch(executable, Path(folder), {name: documents[name] for name in batch}, first)
    return printed


def _print_batch(executable: str, folder: Path, documents: Mapping[str, bytes], first: int) -> dict[str, bytes]:
    jobs: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
    try:
        for i, (name, data) in enumerate(documents.items(), start=first):
            jobs[name] = _start(executable, folder / str(i), data)
        return {name: _finish(name, *job) for name, job in jobs.items()}
    finally:
        for process, _ in jobs.values():
            if process.poll() is None:
                process.kill()
                process.wait()


def _start(executable: str, folder: Path, html: bytes) -> tuple[subprocess.Popen[bytes], Path]:
    (folder / "home").mkdir(parents=True)
    page, pdf = folder / "page.html", folder / "page.pdf"
    page.write_bytes(html)
    command = [executable, *FLAGS, f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()]
    env = {**os.environ, "HOME": str(folder / "home"), "XDG_CONFIG_HOME": str(folder / "home" / ".config")}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return process, pdf


def _finish(name: str, process: subprocess.Popen[bytes], pdf: Path) -> bytes:
    try:
        _, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise BuildError(f"Chromium did not print {name} within {TIMEOUT} s; nothing was built") from None
    if process.returncode != 0 or not pdf.is_file():
        tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise BuildError(f"Chromium failed to print {name} (exit {process.returncode}): {' / '.join(tail)}; "
                         "nothing was built")
    return _DATE.sub(_FIXED_DATE, pdf.read_bytes())
