"""The reading packet: `decks/<bank>-reading.html` (and its PDF with `--pdf`), every source as a reader sees it.

Each source starts on a page of its own with its attribution (title, authors, publication, date, URL), then its
text with each paragraph's number in the margin: the numbers the answer key, the Anki cards and the self-test
cite ("¶12"), so a student finds on paper the paragraph a card names. Headings and page furniture (captions,
bylines, standfirsts, notes) are printed, unnumbered, where they stand, as the numbering skips them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import SelectionError
from ..model import Bank, Paragraph, Role, Source
from . import templating
from .base import Output, Rendered, RenderOptions
from .fields import QuestionHtml

# As in render/html.py (renderers import no other renderer): CSS @page size keywords, and the paper as a print
# dialog names it.
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
PAPER_NAMES = {"a4": "A4", "letter": "US Letter"}
LABEL = "Reading packet"
# Characters: a paragraph this short (at most about four printed lines) is never split across pages. Longer ones
# split under `orphans`/`widows`, which Chromium does not always honour when a paragraph has three lines: it
# then leaves one line alone at the head of a page rather than moving the paragraph whole.
KEEP_WHOLE = 400
FURNITURE = {Role.CAPTION: "Caption", Role.BYLINE: "About the author", Role.STANDFIRST: "Standfirst",
             Role.NOTE: "Note"}


@dataclass(frozen=True)
class Document:
    """What base.html.jinja and print.css.jinja need to know of the page: its kind, label and paper."""

    paper: str
    count: int
    kind: str = "reading"
    label: str = LABEL
    version: str = ""

    @property
    def page_size(self) -> str:
        """The CSS @page size: `A4` or `letter`."""
        return PAGE_SIZES[self.paper]

    @property
    def paper_name(self) -> str:
        """The paper as a print dialog names it: `A4` or `US Letter`."""
        return PAPER_NAMES[self.paper]

    @property
    def heading(self) -> str:
        """The running header's right-hand text."""
        return self.label


@dataclass(frozen=True)
class Block:
    """One block of a source as printed. `number` is its "¶" (text and lists only; None for headings and
    furniture), `role` the source role's name, `label` how furniture is introduced ("Caption"), `items` the
    entries of a list; `keep` is True for a paragraph short enough to print whole on one page."""

    number: int | None
    role: str
    text: str
    label: str = ""
    items: tuple[str, ...] = ()
    keep: bool = False

    @property
    def is_heading(self) -> bool:
        """Whether the block is a section heading of the article."""
        return self.role == Role.HEADING.value


@dataclass(frozen=True)
class Reading:
    """A source as the packet prints it: the source itself (attribution: `title`, `byline`, `publication`,
    `year`, `date`, `url`, `retrieved`, `citation()`) and its blocks, numbered as citations count them."""

    source: Source
    blocks: tuple[Block, ...]
    paragraphs: int


def render(bank: Bank, fields: Mapping[str, QuestionHtml], options: RenderOptions) -> Rendered:
    """The reading packet of the sources the build's questions quote, and its PDF with `--pdf`."""
    readings = [reading(source) for source in chosen_sources(bank, options)]
    context = {
        "title": bank.title,
        "description": bank.description,
        "document": Document(options.paper, len(readings)),
        "sources": readings,
    }
    page = templating.render(templating.environment(options.templates, len(bank.questions)), "reading.html.jinja", context)
    stem = f"{bank.name}-reading"
    html = page.encode("utf-8")
    outputs = [Output(f"{stem}.html", html)]
    if options.pdf:
        from .pdf import print_pdfs

        outputs.append(Output(f"{stem}.pdf", print_pdfs({stem: html})[stem]))
    return Rendered(outputs)


def chosen_sources(bank: Bank, options: RenderOptions) -> list[Source]:
    """The sources in the packet, in the order of the answer key (each source's first question), then those
    no question quotes yet by id. With `--source`, only those; otherwise every source of the bank."""
    unknown = [s for s in options.selection.sources if s not in bank.sources]
    if unknown:  # as the worksheet says it
        raise SelectionError(f"the bank has no source '{unknown[0]}'; nothing was built")
    wanted = set(options.selection.sources) or set(bank.sources)
    order = dict.fromkeys(q.source for q in bank.questions if q.source in wanted)
    order |= dict.fromkeys(sorted(wanted))
    return [bank.sources[s] for s in order]


def reading(source: Source) -> Reading:
    """A source's blocks for print."""
    blocks = tuple(_block(p) for p in source.paragraphs)
    return Reading(source, blocks, sum(b.number is not None for b in blocks))


def _block(paragraph: Paragraph) -> Block:
    role, keep = paragraph.role, len(paragraph.text) <= KEEP_WHOLE
    if role is Role.LIST:
        return Block(paragraph.number, role.value, "", items=tuple(paragraph.text.split("\n")), keep=keep)
    return Block(paragraph.number, role.value, paragraph.text, FURNITURE.get(role, ""), keep=keep)
