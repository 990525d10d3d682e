"""The bank as plain, immutable data: what every later stage reads. No YAML, genanki or Jinja here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """The kinds of question a bank can hold; the value is how a bank's YAML spells it."""

    BASIC = "basic"
    REVERSED = "reversed"
    CLOZE = "cloze"
    TYPE_IN = "type-in"
    CHOICE = "choice"
    TRUE_FALSE = "true-false"

    @property
    def label(self) -> str:
        """A human name for headings and summaries."""
        return _LABELS[self]


_LABELS = {
    Kind.BASIC: "Short answer",
    Kind.REVERSED: "Term and definition",
    Kind.CLOZE: "Fill in the blanks",
    Kind.TYPE_IN: "Exact answer",
    Kind.CHOICE: "Multiple choice",
    Kind.TRUE_FALSE: "True or false",
}


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was written: a file and a 1-based line and column."""

    path: str
    line: int
    column: int


class Role(str, Enum):
    """What a paragraph of a source is; only TEXT paragraphs count for coverage."""

    TEXT = "text"
    HEADING = "heading"
    LIST = "list"
    CAPTION = "caption"
    BYLINE = "byline"
    STANDFIRST = "standfirst"
    NOTE = "note"

    @property
    def counts_for_coverage(self) -> bool:
        """Whether an author is expected to write questions on paragraphs of this role."""
        return self in (Role.TEXT, Role.LIST)

    @property
    def numbered(self) -> bool:
        """Whether paragraphs of this role get a number (a "¶"): the ones a reader counts, as for coverage."""
        return self.counts_for_coverage


@dataclass(frozen=True)
class Paragraph:
    """One block of a source; `text` has its markup removed. Text and list paragraphs are numbered from 1 in
    reading order, as a reader counts them; headings and page furniture have no `number` (None)."""

    number: int | None
    role: Role
    text: str
    line: int


@dataclass(frozen=True)
class Source:
    """A quoted document: its attribution and its paragraphs."""

    id: str
    title: str
    authors: tuple[str, ...]
    publication: str | None
    year: int | None
    url: str | None
    paragraphs: tuple[Paragraph, ...]
    path: str
    date: str | None = None  # the day of publication, as the front matter writes it
    retrieved: str | None = None  # the day a web page was read

    def ref(self, paragraphs: tuple[int, ...]) -> str:
        """The stable reference of a run of paragraphs, e.g. `ikegami-2007#12` or `ikegami-2007#12-13`."""
        if not paragraphs:
            return self.id
        first, last = paragraphs[0], paragraphs[-1]
        return f"{self.id}#{first}" if first == last else f"{self.id}#{first}-{last}"

    @property
    def byline(self) -> str:
        """Authors joined for a citation, or the publication when the text names no author."""
        if not self.authors:
            return ""
        if len(self.authors) == 1:
            return self.authors[0]
        return ", ".join(self.authors[:-1]) + " and " + self.authors[-1]

    def citation(self, paragraphs: tuple[int, ...] = ()) -> str:
        """A one-line citation: author, title, publication, year and paragraph reference."""
        parts = [p for p in (self.byline, f"“{self.title}”", self.publication, str(self.year or "")) if p]
        cited = ", ".join(parts)
        return f"{cited}, {self.pinpoint(paragraphs)}" if paragraphs else cited

    def pinpoint(self, paragraphs: tuple[int, ...]) -> str:
        """The paragraph part of a citation alone, e.g. `¶12 [ikegami-2007#12]` (the answer key names the
        source once above its answers)."""
        return f"¶{_span(paragraphs)} [{self.ref(paragraphs)}]" if paragraphs else f"[{self.id}]"


def _span(paragraphs: tuple[int, ...]) -> str:
    first, last = paragraphs[0], paragraphs[-1]
    return str(first) if first == last else f"{first}–{last}"


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice question."""

    text: str
    correct: bool


@dataclass(frozen=True, slots=True)
class Embed:
    """An image, a sound or a formula written in a question's text, and where (1-based line and column).

    `kind` is "media" (`target` the path as written, `alt` its alt text) or "math" (`target` the TeX,
    `display` whether it stands on its own line)."""

    kind: str
    target: str
    alt: str
    display: bool
    line: int
    column: int


@dataclass(frozen=True)
class MediaFile:
    """A file of the bank's `media/` folder: its real path and size in bytes; a link that leads outside the
    bank has no path and size -1 (it is never read), and so has anything else that cannot be read as a file
    (a folder, a pipe, a device, a broken link), `refused` then saying what it is. `content` is the format its
    first bytes show, whatever its name says."""

    path: str
    size: int
    refused: str = ""
    content: str = ""  # the format its first bytes show ("png", "wav", ...), "" when none studydeck knows


@dataclass(frozen=True, slots=True)
class Question:
    """One authored question. Which fields are set depends on `kind`:

    - basic, reversed, type-in: `prompt` and `answer` (`accept` lists other answers a type-in takes, `tolerance`
      how far from a numeric answer a typed number may be);
    - cloze: `prompt` holds the text with `{{c1::...}}` deletions;
    - choice: `prompt` and `choices` (one or several correct); `shuffle` is False when the authored order must
      stay (an "all of the above" list), and every output then keeps it;
    - true-false: `prompt` is the statement and `truth` its value.
    `paragraphs` are the numbers of the source paragraphs the passage was found in (empty if not found).
    """

    id: str
    kind: Kind
    source: str
    passage: str
    prompt: str
    answer: str = ""
    choices: tuple[Choice, ...] = ()
    truth: bool | None = None
    shuffle: bool = True
    accept: tuple[str, ...] = ()
    tolerance: str | None = None  # type-in: how far a typed number may be from the answer, as written ("0.1", "5%")
    explanation: str = ""
    tags: tuple[str, ...] = ()
    paragraphs: tuple[int, ...] = ()
    location: Location = field(default=Location("", 0, 0), compare=False)
    # The images, sounds and formulas of its text (most questions have none).
    embeds: tuple[Embed, ...] = field(default=(), compare=False)
    # Where each key's value is written: key, line and column, flattened (a dict per question would take several
    # times the room in a bank of 100k questions).
    field_positions: tuple[str | int, ...] = field(default=(), compare=False, hash=False, repr=False)

    def has(self, key: str) -> bool:
        """Whether the question was written with `key`."""
        return key in self.field_positions[::3]

    def where(self, key: str) -> Location:
        """The location of one of the question's keys, or of the question itself."""
        positions = self.field_positions
        for i in range(0, len(positions), 3):
            if positions[i] == key:
                line, column = positions[i + 1], positions[i + 2]
                assert isinstance(line, int) and isinstance(column, int)
                return Location(self.location.path, line, column)
        return self.location

    @property
    def multiple_answers(self) -> bool:
        """True for a choice question with more than one correct choice."""
        return sum(c.correct for c in self.choices) > 1


@dataclass(frozen=True)
class Bank:
    """A whole project: its metadata, sources by id and questions in authored order."""

    name: str
    title: str
    description: str
    deck_id: int
    sources: dict[str, Source] = field(hash=False)
    questions: tuple[Question, ...]
    location: Location = field(default=Location("", 0, 0), compare=False)
    # The media/ folder, by path from the bank (`media/map.png`).
    media: dict[str, MediaFile] = field(default_factory=dict, hash=False)
    # Where `deck_id:` is written, for the problems about the bank's identity (the bank's own location if absent).
    deck_id_location: Location = field(default=Location("", 0, 0), compare=False)
