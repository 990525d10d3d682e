"""`studydeck build`: check the bank, render every output, then write them all at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import checked_report, paused_gc
from .cache import Memo, Store, project_cache
from .model import Bank
from .select import Selection
from .write import Output, write_all

FORMATS = ("anki", "html", "selftest")
PAPERS = ("a4", "letter")
GROUPS = ("source", "kind")


@dataclass(frozen=True)
class BuildOptions:
    """What to build and how. `selection`, `paper`, `group_by` and `versions` shape the printable quizzes."""

    out: Path | None = None
    strict: bool = False
    formats: tuple[str, ...] = FORMATS
    paper: str = "a4"
    group_by: str = "source"
    selection: Selection = field(default_factory=Selection)
    versions: int = 1
    pdf: bool = False
    use_cache: bool = True


@dataclass(frozen=True)
class BuildContext:
    """What a renderer may read besides the bank: the project, the output folder and the options."""

    project: Path
    out: Path
    options: BuildOptions
    memo: Memo = field(default_factory=Memo)  # results of earlier builds, for renderers that can reuse them

    @property
    def cache(self) -> Path | None:
        """The folder where this project's builds keep what saves work, or None for a build without a cache."""
        return project_cache(self.project) if self.options.use_cache else None


@dataclass
class Rendered:
    """A renderer's result: the files to write and notices for the user (e.g. removed questions)."""

    outputs: list[Output] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BuildResult:
    """What a build did: every output it produced, those whose bytes changed, and its notices."""

    outputs: tuple[Path, ...]
    changed: tuple[Path, ...]
    notices: tuple[str, ...]
    reused: int = 0  # questions taken from the cache instead of parsed
    rendered: int = 0  # parts of outputs (a note, a printed item, a self-test question) rendered afresh


Renderer = Callable[[Bank, BuildContext], Rendered]


def _renderers() -> dict[str, Renderer]:
    # Imported here so that `studydeck --help` and `check` never load genanki or Jinja.
    from .render import anki, html, selftest

    return {"anki": anki.render, "html": html.render, "selftest": selftest.render}


Progress = Callable[[str], None]


def _quiet(stage: str) -> None:
    """The default progress callback: the library never prints."""


def _render(bank: Bank, context: BuildContext, progress: Progress) -> Rendered:
    """Every renderer's outputs; large ones are written only when `write_all` asks for them."""
    renderers = _renderers()
    rendered = Rendered()
    for name in context.options.formats:
        if name in renderers:
            progress(f"rendering {name} ({len(bank.questions)} questions)")
            result = renderers[name](bank, context)
            rendered.outputs += result.outputs
            rendered.notices += result.notices
    return rendered


def build(project: str | Path, options: BuildOptions | None = None, progress: Progress = _quiet) -> BuildResult:
    """Check the project, refuse to build on errors (InputError), render and write atomically.

    `progress` is called with a short description as each stage starts.
    """
    # The collector stays paused until the bank and everything made from it are gone: turned back on while
    # they live, its first pass would walk all of them.
    with paused_gc():
        return _build(Path(project), options or BuildOptions(), progress)


def _build(project: Path, options: BuildOptions, progress: Progress) -> BuildResult:
    from .render import text

    progress("checking the bank")
    report = checked_report(project, options.strict, options.use_cache)
    bank = report.bank
    assert bank is not None
    context = BuildContext(project, options.out or project / "decks", options)
    store = Store(context.cache, "render") if context.cache is not None else None
    if store is not None:
        context.memo.stored = store.load()
    try:
        rendered = _render(bank, context, progress)
        changed = write_all(context.out, rendered.outputs, lambda name: progress(f"writing {name}"))
    finally:
        text.forget()
    if store is not None:
        store.save(context.memo.used)
    return BuildResult(tuple(context.out / o.name for o in rendered.outputs), tuple(changed), tuple(rendered.notices),
                       report.reused, context.memo.computed)
