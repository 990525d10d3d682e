"""`studydeck build`: load, check, render each question's HTML once, render every output, write them at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import check, notetimes, paused_gc
from .errors import BuildError, InputError
from .select import Selection
from .write import output_lock, write_all

FORMATS = ("anki", "html", "reading", "selftest")  # what a build writes unless told otherwise
LMS_FORMATS = ("qti3", "qti12", "moodle")  # learning platforms' import formats, on request
ALL_FORMATS = FORMATS + LMS_FORMATS
PAPERS = ("a4", "letter")
GROUPS = ("source", "kind")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    """What to build and how. `selection`, `paper`, `group_by` and `versions` shape the printable quizzes;
    `now` is the time a changed Anki note is stamped with (None: the clock's)."""

    out: Path | None = None
    strict: bool = False
    formats: tuple[str, ...] = FORMATS
    paper: str = "a4"
    group_by: str = "source"
    selection: Selection = field(default_factory=Selection)
    versions: int = 1
    pdf: bool = False
    now: int | None = None


@dataclass(frozen=True)
class BuildResult:
    """What a build did: every output it produced, those whose bytes changed, and its notices."""

    outputs: tuple[Path, ...]
    changed: tuple[Path, ...]
    notices: tuple[str, ...]


def _quiet(stage: str) -> None:
    """The default progress callback: the library never prints."""


def build(project: str | Path, options: BuildOptions | None = None, progress: Progress = _quiet) -> BuildResult:
    """Check the project, refuse to build on errors (InputError), render and write atomically.

    `progress` is called with a short description as each stage starts.
    """
    # The collector stays paused until the bank and everything made from it are gone: turned back on while
    # they live, its first pass would walk all of them.
    options = options or BuildOptions()
    project = Path(project)
    with paused_gc(), output_lock(options.out or project / "decks", progress):
        return _build(project, options, progress)


def _build(project: Path, options: BuildOptions, progress: Progress) -> BuildResult:
    from .render import anki, html, lms, reading, selftest
    from .render.base import Rendered, RenderOptions
    from .render.fields import html_fields

    progress("checking the bank")
    report = check(project, rehearse=False)  # the pages are rendered below all the same
    if report.bank is None or not report.passed(options.strict):
        raise InputError(list(report.problems))
    bank = report.bank
    out = options.out or project / "decks"
    previous = _previous(out / anki.state_file(bank)) if "anki" in options.formats else None
    damage = anki.state_problem(previous) if previous is not None else None
    if damage is not None:
        raise BuildError(f"{out / anki.state_file(bank)} {damage}. It keeps the times Anki needs to update "
                         "learners' notes: restore it from version control (git checkout -- <file>), or delete "
                         "it (every note is then sent to Anki as updated). Nothing was written")
    record, record_notice = notetimes.read(bank.deck_id) if "anki" in options.formats else (None, None)
    progress(f"rendering the text of {len(bank.questions)} questions")
    fields = html_fields(bank)
    render_options = RenderOptions(
        templates=project / "templates", paper=options.paper, group_by=options.group_by,
        selection=options.selection, versions=options.versions, pdf=options.pdf,
        anki_state=previous, anki_record=record,
        now=int(time.time()) if options.now is None else options.now,
        lms_formats=tuple(f for f in options.formats if f in LMS_FORMATS),
    )
    renderers = {"anki": anki.render, "html": html.render, "reading": reading.render, "selftest": selftest.render,
                 "lms": lms.render}
    wanted = [f for f in options.formats if f in FORMATS] + (["lms"] if render_options.lms_formats else [])
    rendered = Rendered()
    for name in wanted:
        progress(f"rendering {name} ({len(bank.questions)} questions)")
        result = renderers[name](bank, fields, render_options)
        rendered.outputs += result.outputs
        rendered.notices += result.notices
    changed = write_all(out, rendered.outputs, lambda name: progress(f"writing {name}"))
    state = next((o.data for o in rendered.outputs if o.name == anki.state_file(bank)), None)
    if isinstance(state, bytes):
        record_notice = notetimes.update(bank.deck_id, state, record is not None) or record_notice
    notices = (*report.notices, *([record_notice] if record_notice else []), *rendered.notices)
    return BuildResult(tuple(out / o.name for o in rendered.outputs), tuple(changed), notices)


def _previous(path: Path) -> bytes | None:
    """What the last build left in a file, or None if it left nothing readable there."""
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None

