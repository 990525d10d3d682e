"""`studydeck build`: check the bank, render every output in memory, then write them all at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import load_checked
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


@dataclass(frozen=True)
class BuildContext:
    """What a renderer may read besides the bank: the project, the output folder and the options."""

    project: Path
    out: Path
    options: BuildOptions


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


Renderer = Callable[[Bank, BuildContext], Rendered]


def _renderers() -> dict[str, Renderer]:
    # Imported here so that `studydeck --help` and `check` never load genanki or Jinja.
    from .render import anki, html

    return {"anki": anki.render, "html": html.render}


def build(project: str | Path, options: BuildOptions | None = None) -> BuildResult:
    """Check the project, refuse to build on errors (InputError), render and write atomically."""
    options = options or BuildOptions()
    project = Path(project)
    bank = load_checked(project, options.strict)
    context = BuildContext(project, options.out or project / "decks", options)
    renderers = _renderers()
    rendered = Rendered()
    for name in options.formats:
        if name in renderers:
            result = renderers[name](bank, context)
            rendered.outputs += result.outputs
            rendered.notices += result.notices
    changed = write_all(context.out, rendered.outputs)
    return BuildResult(tuple(context.out / o.name for o in rendered.outputs), tuple(changed), tuple(rendered.notices))
