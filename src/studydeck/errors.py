"""The exceptions studydeck raises, and the located problems that `check` reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .terminal import inert


class StudydeckError(Exception):
    """Base of every error studydeck raises on purpose; the CLI prints these without a traceback."""


class InputError(StudydeckError):
    """Raised when a bank cannot be used as given: it carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity is Severity.ERROR]
        super().__init__(f"{len(errors)} error(s) in the bank")


class ProjectError(StudydeckError):
    """Raised when a directory is not a studydeck project (no questions.yaml, no sources/)."""


class TemplateError(StudydeckError):
    """Raised when a Jinja template fails to load or render; names the template and line. Where they are known,
    `path` and `line` say them apart and `detail` is the message without them."""

    def __init__(self, message: str, path: str | None = None, line: int = 1, detail: str | None = None) -> None:
        super().__init__(message)
        self.path, self.line, self.detail = path, line, detail or message


class BuildError(StudydeckError):
    """Raised when an output cannot be produced (e.g. no browser to print a PDF) or written; the previous
    outputs are left as they were."""


class SelectionError(StudydeckError):
    """Raised when the options that choose questions name an unknown source or tag, or choose none."""


class Severity(Enum):
    """How bad a problem is: errors stop a build, warnings only do with --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of `check`, located like a compiler's diagnostic (1-based line and column)."""

    path: str
    line: int
    column: int
    message: str
    severity: Severity = Severity.ERROR
    question_id: str | None = None

    def __str__(self) -> str:
        """One line, as a compiler prints it; bank text in it is made inert (see `terminal.inert`): a problem
        quotes ids and passages, which must neither drive the terminal nor break the line."""
        about = f"question '{self.question_id}': " if self.question_id else ""
        return inert(f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {about}{self.message}",
                     newlines=False)
