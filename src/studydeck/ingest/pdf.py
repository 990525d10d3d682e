"""PDF to paragraphs with pypdf (pure Python, BSD-licensed; PyMuPDF would do better layout analysis but is AGPL).

pypdf hands each run of text to a visitor with its text and font matrices: from them come each run's position
and type size. Runs are sorted into columns (a second column shows as many lines starting at the same x, right
of the page's middle third), then into lines, and `reflow` rebuilds the paragraphs.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

from ..errors import StudydeckError
from .document import Extracted, Meta, clean
from .reflow import Line, drop_furniture, paragraphs

_SAME_LINE = 2.0  # points: runs whose baselines differ by less sit on one line


@dataclass(frozen=True)
class _Run:
    text: str
    x: float
    top: float  # from the top of the page
    size: float


def read_pdf(data: bytes, name: str) -> Extracted:
    """A PDF's text as blocks, with its title and author from the document information if it has them."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [_page_lines(number, page) for number, page in enumerate(reader.pages)]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError) as e:
        raise StudydeckError(f"{name}: cannot read this PDF ({e})") from e
    pages, dropped = drop_furniture(pages)
    lines = [line for page in pages for line in sorted(page, key=lambda ln: (ln.column, ln.top or 0))]
    blocks = paragraphs(lines)
    title = clean(str(info.title)) if info and info.title else None
    author = clean(str(info.author)) if info and info.author else None
    meta = Meta(title=title if title and title.lower() not in ("untitled", "about:blank") else None,
                authors=(author,) if author else ())
    return Extracted(meta, tuple(blocks), tuple(dropped))


def _page_lines(number: int, page: object) -> list[Line]:
    """One page's lines, top to bottom (and left column before right where the page has two)."""
    runs = _runs(page)
    split = _column_split(runs, float(page.mediabox.width))  # type: ignore[attr-defined]
    lines: list[Line] = []
    for column in (0, 1):
        chosen = [r for r in runs if (split is not None and r.x >= split - 1) == bool(column)]
        left = min((r.x for r in chosen), default=0.0)
        lines += _lines(chosen, number, column, left)
    return sorted(lines, key=lambda ln: (ln.top or 0, ln.column))


def _runs(page: object) -> list[_Run]:
    runs: list[_Run] = []
    height = float(page.mediabox.height)  # type: ignore[attr-defined]

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        # The text matrix places the run in text space, the current transformation matrix on the page.
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        runs.append(_Run(text.replace("\n", " "), x, height - y, size * scale))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return runs


def _column_split(runs: list[_Run], width: float) -> float | None:
    """The x where a second column starts, if lines start there again and again right of the middle third."""
    starts = Counter(round(r.x) for r in runs if r.x > width / 3)
    if not starts:
        return None
    x, count = starts.most_common(1)[0]
    return float(x) if count >= 3 and count >= len(runs) * 0.15 else None


def _lines(runs: list[_Run], page: int, column: int, left: float) -> list[Line]:
    """Runs with (nearly) the same baseline joined left to right."""
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (r.top, r.x)):
        if lines and abs(lines[-1][0].top - run.top) < _SAME_LINE:
            lines[-1].append(run)
        else:
            lines.append([run])
    return [_line(sorted(group, key=lambda r: r.x), page, column, left) for group in lines]


def _line(group: list[_Run], page: int, column: int, left: float) -> Line:
    text = ""
    for run in group:
        # pypdf keeps the spaces inside a run; between runs (a change of font) a space goes where none is.
        text = text + run.text if not text or text[-1].isspace() or run.text[0].isspace() else f"{text} {run.text}"
    size = max(group, key=lambda r: len(r.text)).size
    return Line(text.strip(), page, column, group[0].top, size, group[0].x - left)
