"""What every renderer takes and returns: the options of a build and the files it produces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..select import Selection

Writer = Callable[[BinaryIO], None]


@dataclass(frozen=True)
class Output:
    """One file a renderer produces: its name in the output folder, and its bytes or a function that writes
    them to a file (so that a large output never has to be held in memory whole)."""

    name: str
    data: bytes | Writer


@dataclass
class Rendered:
    """A renderer's result: the files to write and notices for the user (e.g. removed questions)."""

    outputs: list[Output] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RenderOptions:
    """Everything a renderer may read besides the bank and its HTML.

    `templates` is the project's own template folder (it may not exist); `paper`, `group_by`, `selection`,
    `versions` and `pdf` shape the printables (`selection` also the learning-platform files of `lms_formats`);
    `anki_state` is the previous build's note times
    (`decks/<bank>.anki.json`, None if there is none), `anki_record` the newest times this machine handed out
    for the bank (`notetimes`, same format, None if none) and `now` the time (seconds) a changed note gets.
    """

    templates: Path | None = None
    paper: str = "a4"
    group_by: str = "source"
    selection: Selection = field(default_factory=Selection)
    versions: int = 1
    pdf: bool = False
    anki_state: bytes | None = None
    anki_record: bytes | None = None
    now: int = 0
    lms_formats: tuple[str, ...] = ()
