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
    """The outcome of checking a project: the bank as loaded and every problem found."""

    bank: Bank | None
    problems: tuple[Problem, ...]
    reused: int = 0  # questions taken from the cache instead of parsed

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def passed(self, strict: bool = False) -> bool:
        """True when nothing stops a build (with `strict`, warnings stop it too)."""
        return not self.errors and not (strict and self.warnings)


def check(project: str | Path, use_cache: bool = False) -> Report:
    """Load a project and run every rule; raises ProjectError only if it is no project at all.

    `use_cache` reuses questions parsed by an earlier run when their text is unchanged (only faster).
    """
    from .load import load_bank
    from .rules import check_bank

    with paused_gc():
        bank, problems, reused = load_bank(Path(project), use_cache)
        if bank is not None:
            problems = problems + check_bank(bank)
    return Report(bank, tuple(sorted(problems, key=lambda p: (p.path, p.line, p.column))), reused)


def checked_report(project: str | Path, strict: bool = False, use_cache: bool = False) -> Report:
    """The report of a project that passes (so its bank is set), or InputError with every problem."""
    report = check(project, use_cache)
    if report.bank is None or not report.passed(strict):
        raise InputError(list(report.problems))
    return report


def load_checked(project: str | Path, strict: bool = False, use_cache: bool = False) -> Bank:
    """The project's bank, or InputError with every problem when it does not pass."""
    bank = checked_report(project, strict, use_cache).bank
    assert bank is not None
    return bank


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
