"""A bank for learning platforms: QTI 3.0, Canvas's QTI 1.2 and Moodle XML, from one entry point.

Each format has its own module (`qti3`, `qti12`, `moodle`), a pure function from a bank, its HTML and a
selection of its questions to files (name -> bytes); what they share is in `lmsparts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..errors import StudydeckError
from ..model import Bank, Question
from . import moodle, qti3, qti12
from .base import Output, Rendered, RenderOptions
from .embed import PRINT, finish
from .fields import QuestionHtml

Renderer = Callable[[Bank, Mapping[str, QuestionHtml], Sequence[Question]], dict[str, bytes]]
RENDERERS: dict[str, Renderer] = {"qti3": qti3.render, "qti12": qti12.render, "moodle": moodle.render}


class FormatError(StudydeckError):
    """Raised when an export format is asked for that studydeck does not write."""


FORMATS = tuple(RENDERERS)


def render(bank: Bank, fields: Mapping[str, QuestionHtml], options: RenderOptions) -> Rendered:
    """The learning-platform files of `options.lms_formats`, for the questions the selection chooses.

    Images travel inside the HTML (`data:` URIs, as on paper), formulas as MathML, a sound as its note."""
    fields = finish(bank, fields, PRINT).fields
    files = lms_outputs(bank, fields, options.selection.chosen(bank), options.lms_formats)
    return Rendered([Output(name, data) for name, data in files.items()])


def lms_outputs(bank: Bank, fields: Mapping[str, QuestionHtml], questions: Sequence[Question],
                formats: Sequence[str]) -> dict[str, bytes]:
    """The files of every format asked for ("qti3", "qti12", "moodle"), by file name."""
    renderers = RENDERERS
    unknown = [f for f in formats if f not in renderers]
    if unknown:
        raise FormatError(f"unknown format {unknown[0]!r}: choose among {', '.join(renderers)}")
    files: dict[str, bytes] = {}
    for name in dict.fromkeys(formats):  # each format once, in the order asked
        files.update(renderers[name](bank, fields, questions))
    return files


