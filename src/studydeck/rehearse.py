"""A dry run of a project's own page templates over its bank, for `check`: what check passes, build builds.

Reading a Jinja template finds its syntax errors (`overrides`), but not what goes wrong only while it renders:
a name the context does not have, `1 // 0`, a loop without end. So when a project replaces a page template,
check renders every page the templates make (worksheet, key, reading packet, self-test) and throws the
pages away, turning a failure into a problem at the template's file and line. The built-in templates need no
rehearsal: the tests render them.
"""

from __future__ import annotations

import io
from pathlib import Path

from .errors import Problem, TemplateError
from .load import shown_path
from .model import Bank
from .overrides import TEMPLATES_DIR


class _Discard(io.RawIOBase):
    """A file that keeps nothing: a rehearsed page of a large bank is never held."""

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        return len(data) if isinstance(data, (bytes, bytearray, memoryview)) else 0


def page_template_problems(bank: Bank, project: Path) -> list[Problem]:
    """What goes wrong rendering each page with the project's templates (nothing when it has no page template
    of its own): a problem per failing page, at its template's file and line, each said once."""
    folder = project / TEMPLATES_DIR
    if not folder.is_dir() or not any(folder.rglob("*.jinja")):
        return []
    from .render import html, reading, selftest
    from .render.base import RenderOptions
    from .render.fields import html_fields

    fields = html_fields(bank)
    options = RenderOptions(templates=folder)
    found: dict[Problem, None] = {}  # in order, each once: the worksheet and key share their base template
    for renderer in (html, reading, selftest):
        try:
            for output in renderer.render(bank, fields, options).outputs:
                _rehearse(output.data, folder, found)
        except TemplateError as e:  # a renderer that renders while it is called (the reading packet)
            found[_problem(e, folder)] = None
    return list(found)


def _rehearse(data: object, folder: Path, found: dict[Problem, None]) -> None:
    """Write one page into nothing; its failure, if any, goes into `found`."""
    try:
        if callable(data):
            data(_Discard())
    except TemplateError as e:
        found[_problem(e, folder)] = None


def _problem(error: TemplateError, folder: Path) -> Problem:
    where = shown_path(Path(error.path)) if error.path else shown_path(folder)
    return Problem(where, error.line, 1, error.detail)
