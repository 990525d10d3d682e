"""studydeck: source-grounded question banks rendered into Anki decks, printable quizzes and self-tests.

The library API never prints: `check()` returns a report, the renderers return what they wrote.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Problem, Severity, StudydeckError
from .model import Bank

__all__ = ["Report", "check", "load_checked", "InputError", "StudydeckError", "Problem", "Severity"]
__version__ = "0.1.0"


@dataclass(frozen=True)
class Report:
    """The outcome of checking a project: the bank as loaded, every problem found, in file order, and notices
    (one line each) about what the check could not do, such as reading this machine's record of banks."""

    bank: Bank | None
    problems: tuple[Problem, ...]
    notices: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop a build."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that stop a build only with --strict."""
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def passed(self, strict: bool = False) -> bool:
        """True when nothing stops a build (with `strict`, warnings stop it too)."""
        return not self.errors and not (strict and self.warnings)


def check(project: str | Path, *, claim_id: bool = True, rehearse: bool = True) -> Report:
    """Load a project, then run every rule on it; raises ProjectError only if it is no project at all.

    With `claim_id` (the default), the bank's deck_id is also checked against, and recorded in, this machine's
    record of bank folders (`registry`): a deck_id another existing folder holds is an error. With `rehearse`
    (the default), a bank that passes is rendered with the project's own page templates, if it has any, and
    what fails there is a problem too (`build`, which renders them anyway, leaves it out).
    """
    from .load import load_project
    from .registry import Claim, claim
    from .rehearse import page_template_problems
    from .rules import check_bank

    with paused_gc():
        loaded = load_project(Path(project))
        found = check_bank(loaded.bank) if loaded.bank is not None else []
        if rehearse and loaded.bank is not None and not any(
                p.severity is Severity.ERROR for p in (*loaded.problems, *found)):
            found += page_template_problems(loaded.bank, Path(project))
    claimed = claim(loaded.bank, Path(project)) if claim_id and loaded.bank is not None else Claim()
    problems = sorted((*loaded.problems, *found, *claimed.problems), key=lambda p: (p.path, p.line, p.column))
    return Report(loaded.bank, tuple(problems), claimed.notices)


def load_checked(project: str | Path, strict: bool = False) -> Bank:
    """The project's bank, or InputError with every problem when it does not pass."""
    report = check(project)
    if report.bank is None or not report.passed(strict):
        raise InputError(list(report.problems))
    return report.bank


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a bank is loaded and rendered.

    A bank makes millions of small objects and no cycles worth collecting; left on, the collector's full
    passes over them make a 100k-question build several times slower.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
