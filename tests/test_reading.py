"""The reading packet (`decks/<bank>-reading.html`, and its PDF): every source with its paragraphs numbered as the
key, the Anki cards and the self-test cite them.

What a student relies on: the "¶12" a card names is printed in the margin of paragraph 12, headings and page
furniture carry no number and do not shift the count, no citation names a number the packet does not show, and
the packet prints as the worksheet does (A4 and Letter, running header, page numbers, no paragraph split badly).
The layout is read from the order of the printed words, never from the height of their boxes (which depends on
the fonts installed). The golden HTML is tests/snapshots/printable-reading.html; regenerate it with
    STUDYDECK_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_reading.py
and review the diff.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from anki.collection import Collection

from studydeck import load_checked
from studydeck.build import FORMATS, BuildOptions, build
from studydeck.cli import main
from studydeck.errors import SelectionError
from studydeck.model import Bank, Role

from .ankitools import import_package
from .conftest import REPO, copy_case, own_machine
from .printtools import PAPERS, Page, Word, flat, pdfinfo, read_pdf

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("STUDYDECK_UPDATE_SNAPSHOTS") == "1"
# A citation's reference, `[ikegami-2007#12]` or `[ikegami-2007#12-13]`, after its "¶12" or "¶12–13".
CITED = re.compile(r"¶(\d+)(?:–(\d+))? \[([a-z0-9][a-z0-9._-]*)#(\d+)(?:-(\d+))?\]")
# A numbered paragraph of the packet: its anchor is `<source>-<number>`, its number in the margin.
SHOWN = re.compile(r'<(?:p|ul) class="para p-(?:text|list)(?: keep)?" id="([a-z0-9._-]+)-(\d+)">(?:<li>)?<span class="pn">(\d+)</span>')
# A numbered paragraph's number and its text (a list's entries as HTML).
PARAGRAPH = re.compile(r'<p class="para p-text(?: keep)?" id="[^"]+"><span class="pn">(\d+)</span>(.*?)</p>|'
                       r'<ul class="para p-list(?: keep)?" id="[^"]+"><li><span class="pn">(\d+)</span>(.*?)</ul>', re.S)


# ---- the numbers a reader counts ---------------------------------------------------------------------------

ARTICLE = """\
---
title: "Harbours"
authors: [Ann Author]
publication: "Sea Review"
year: 2021
date: 2021-03-14
retrieved: "2024-10-02"
url: "https://example.org/harbours"
---

[standfirst] Why harbours silt up, and what towns do about it.

[caption] A dredger at work in the outer harbour.

## Silt

Rivers carry fine sand into every harbour they feed.

The tide brings more of it in than it takes out again.

## Dredging

- a dredger lifts the silt;
- barges carry it out to sea.

Dredging never stops in a busy port.

[byline] Ann Author writes about coasts.
"""


def _bank(tmp_path: Path, passages: dict[str, str], article: str = ARTICLE) -> Path:
    """A bank of one source, `article`, with a basic question per passage."""
    (tmp_path / "sources").mkdir(parents=True)
    (tmp_path / "sources" / "harbours.md").write_text(article, encoding="utf-8")
    questions = "".join(f"""
  - id: {qid}
    source: harbours
    passage: {json.dumps(passage)}
    question: What does the text say?
    answer: Something.
""" for qid, passage in passages.items())
    (tmp_path / "questions.yaml").write_text(
        f'title: "Harbours"\ndeck_id: 1523456789012\nquestions:{questions}', encoding="utf-8")
    return tmp_path


def test_only_text_and_list_paragraphs_are_numbered(tmp_path: Path) -> None:
    bank = load_checked(_bank(tmp_path, {"silt": "fine sand into every harbour"}))
    numbered = [(p.role, p.number) for p in bank.sources["harbours"].paragraphs]
    assert numbered == [(Role.STANDFIRST, None), (Role.CAPTION, None), (Role.HEADING, None), (Role.TEXT, 1),
                        (Role.TEXT, 2), (Role.HEADING, None), (Role.LIST, 3), (Role.TEXT, 4), (Role.BYLINE, None)]


def test_the_attribution_keeps_the_date_as_written(tmp_path: Path) -> None:
    source = load_checked(_bank(tmp_path, {"silt": "fine sand into every harbour"})).sources["harbours"]
    assert (source.date, source.retrieved, source.url) == ("2021-03-14", "2024-10-02", "https://example.org/harbours")
    assert source.citation((3, 4)) == "Ann Author, “Harbours”, Sea Review, 2021, ¶3–4 [harbours#3-4]"


@pytest.mark.parametrize(("passage", "cited"), [
    ("fine sand into every harbour", (1,)),
    ("more of it in than it takes out", (2,)),
    ("a dredger lifts the silt; barges carry it", (3,)),  # a list counts as one paragraph
    ("every harbour they feed. The tide brings more", (1, 2)),
    # A passage that runs into a heading or furniture cites the numbered paragraphs it touches ...
    ("Silt Rivers carry fine sand", (1,)),
    ("takes out again. Dredging a dredger lifts", (2, 3)),
    ("never stops in a busy port. Ann Author writes", (4,)),
    # ... and one wholly in unnumbered blocks the next numbered paragraph, or at the end the last one before it.
    ("Why harbours silt up", (1,)),
    ("A dredger at work in the outer harbour", (1,)),
    ("Dredging", (3,)),
    ("Ann Author writes about coasts", (4,)),
])
def test_a_passage_cites_numbers_the_packet_shows(tmp_path: Path, passage: str, cited: tuple[int, ...]) -> None:
    bank = load_checked(_bank(tmp_path, {"q": passage}))
    assert bank.questions[0].paragraphs == cited


def test_every_passage_of_the_default_sources_cites_shown_numbers() -> None:
    """Any run of words of a default source, within a block or across two or three, cites numbers that exist."""
    from studydeck.ground import SourceIndex

    bank = load_checked(REPO)
    for source in bank.sources.values():
        index = SourceIndex.of(source)
        shown = {p.number for p in source.paragraphs if p.number is not None}
        blocks = source.paragraphs
        for i, block in enumerate(blocks):
            for j in range(i, min(i + 3, len(blocks))):
                passage = block.text if i == j else f"{block.text[-30:]} {' '.join(b.text for b in blocks[i + 1:j])} {blocks[j].text[:30]}"
                cited = index.locate(passage)
                assert cited and set(cited) <= shown, (source.id, i, j, cited)
                numbered = [b.number for b in blocks[i:j + 1] if b.number is not None]
                if numbered:
                    assert cited == (numbered[0],) * (len(numbered) == 1) + tuple(numbered) * (len(numbered) > 1)


def test_a_source_with_only_headings_and_furniture_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    article = '---\ntitle: "Harbours"\n---\n\n## Silt\n\n[caption] A dredger at work.\n'
    monkeypatch.chdir(_bank(tmp_path, {"q": "A dredger at work."}, article))
    assert main(["check"]) == 1
    assert ("sources/harbours.md:5:1: error: the source has only headings and page furniture ('## ', '[caption]', "
            "...): add its text, paragraphs separated by blank lines") in capsys.readouterr().out.splitlines()


# ---- the packet's HTML -------------------------------------------------------------------------------------

def _golden(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no snapshot {path}; create it with STUDYDECK_UPDATE_SNAPSHOTS=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs from tests/snapshots/{name}. If the change is intended, regenerate the snapshots with "
        "'STUDYDECK_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_reading.py' and review the diff.")


def test_build_writes_the_packet_by_default(tmp_path: Path) -> None:
    assert "reading" in FORMATS
    project = copy_case("printable", tmp_path / "printable")
    build(project)
    page = (project / "decks" / "printable-reading.html").read_text(encoding="utf-8")
    _golden("printable-reading.html", page)


def test_the_packet_shows_attribution_headings_unnumbered_and_numbered_paragraphs(tmp_path: Path) -> None:
    project = _bank(tmp_path, {"silt": "fine sand into every harbour"})
    build(project, BuildOptions(formats=("reading",)))
    page = (project / "decks" / "harbours-reading.html").read_text(encoding="utf-8")
    shown = [(int(n or m), text or entries) for n, text, m, entries in PARAGRAPH.findall(page)]
    assert [n for n, _ in shown] == [1, 2, 3, 4]
    assert shown[0][1] == "Rivers carry fine sand into every harbour they feed."
    assert shown[2][1] == "a dredger lifts the silt;</li><li>barges carry it out to sea.</li>"
    assert '<h3 class="heading">Silt</h3>' in page and '<h3 class="heading">Dredging</h3>' in page
    assert '<span class="label">Caption</span> A dredger at work in the outer harbour.' in page
    start = page.index('<header class="source-head">')
    head = page[start:page.index("</header>", start)]
    for text in ("Harbours", "Ann Author", "Sea Review", "2021-03-14", "https://example.org/harbours",
                 "retrieved 2024-10-02", "harbours"):
        assert text in head


def test_with_a_source_selection_the_packet_holds_those_sources(tmp_path: Path) -> None:
    project = copy_case("printable", tmp_path / "printable")
    from studydeck.select import Selection

    build(project, BuildOptions(formats=("reading",), selection=Selection(sources=("kantei",))))
    page = (project / "decks" / "printable-reading.html").read_text(encoding="utf-8")
    assert re.findall(r'<article class="source" id="([^"]+)"', page) == ["kantei"]
    with pytest.raises(SelectionError) as refused:
        build(project, BuildOptions(formats=("reading",), selection=Selection(sources=("kanteii",))))
    assert str(refused.value) == "the bank has no source 'kanteii'; nothing was built"


# ---- every citation names a number the packet shows ---------------------------------------------------------

def _shown(page: str) -> set[tuple[str, int]]:
    """The (source, number) pairs printed in a packet's margins, each checked against its own anchor."""
    found = SHOWN.findall(page)
    assert all(anchor == number for _, anchor, number in found)
    return {(source, int(number)) for source, number, _ in found}


def _citations(text: str) -> list[tuple[str, int, int]]:
    """Every "¶N [source#N]" in a text as (source, first, last), its ¶ and its reference checked to agree."""
    cited = []
    for first, last, source, ref_first, ref_last in CITED.findall(text):
        assert (first, last) == (ref_first, ref_last), f"¶{first}–{last} cited as {source}#{ref_first}-{ref_last}"
        cited.append((source, int(first), int(last or first)))
    return cited


def _anki_fields(package: Path, scratch: Path) -> str:
    """Every field of every note, once the package is imported into a real Anki collection."""
    import_package(scratch / "c.anki2", package)
    col = Collection(str(scratch / "c.anki2"))
    try:
        return "\n".join(html.unescape(f) for n in col.find_notes("") for f in col.get_note(n).fields)
    finally:
        col.close()


def test_every_citation_of_the_deck_key_and_selftest_is_in_the_packet(tmp_path: Path) -> None:
    decks = REPO / "decks"  # the committed outputs (test_decks checks that they match a fresh build)
    shown = _shown((decks / "nato-japan-reading.html").read_text(encoding="utf-8"))
    bank = load_checked(REPO)
    expected = {(q.source, q.paragraphs[0], q.paragraphs[-1]) for q in bank.questions}
    texts = {
        "Anki deck": _anki_fields(decks / "nato-japan.apkg", tmp_path),
        "answer key": html.unescape((decks / "nato-japan-key.html").read_text(encoding="utf-8")),
        "self-test": json.loads(re.search(r'<script type="application/json" id="studydeck-data">(.*?)</script>',
                                          (decks / "nato-japan-selftest.html").read_text(encoding="utf-8"),
                                          re.S).group(1).replace("<\\/", "</"))["questions"],
    }
    texts["self-test"] = "\n".join(q["citation"] for q in texts["self-test"])
    for output, text in texts.items():
        cited = _citations(text)
        assert len(cited) >= len(bank.questions), f"{output}: {len(cited)} citations"
        assert set(cited) == expected, output
        missing = [(s, n) for s, first, last in cited for n in (first, last) if (s, n) not in shown]
        assert not missing, f"{output} cites paragraphs the packet does not show: {missing[:5]}"


def test_the_key_names_each_source_once_per_section(tmp_path: Path) -> None:
    key = (REPO / "decks" / "nato-japan-key.html").read_text(encoding="utf-8")
    bank = load_checked(REPO)
    for source in bank.sources.values():  # grouped by source: the section's header names it, with its URL
        assert key.count(f'Cited as <span class="ref">{source.id}</span>') == 1
        assert key.count(f"<h2>{html.escape(source.title)}</h2>") == 1
        if source.url:
            assert key.count(f'<a class="url" href="{source.url}">{source.url}</a>') == 1
    # Each answer cites its paragraph alone: the full citation is not repeated.
    citations = re.findall(r'<span class="citation">(.*?)</span>', key)
    assert len(citations) == len(bank.questions)
    assert all(re.fullmatch(r"¶\d+(–\d+)? \[[a-z0-9-]+#\d+(-\d+)?\]", c) for c in citations), citations[:3]
    kinds = tmp_path / "bank"
    shutil.copytree(REPO, kinds, ignore=shutil.ignore_patterns(".venv", ".git", "decks"))
    with own_machine(tmp_path / "data"):
        build(kinds, BuildOptions(formats=("html",), group_by="kind"))
    by_kind = (kinds / "decks" / "nato-japan-key.html").read_text(encoding="utf-8")
    sections = by_kind.split('<section class="group">')[1:]
    for section in sections:
        listed = re.findall(r'<li><span class="ref">([a-z0-9-]+)</span>: ', section)
        cited = dict.fromkeys(source for source, _, _ in _citations(html.unescape(section)))
        assert listed == list(cited)  # each source the section cites, named once, in order of first use


# ---- printed ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Printed:
    """The default bank's packet on one paper: its HTML and printed pages."""

    paper: str
    page: str
    pages: list[Page]
    pdf: Path


@pytest.fixture(scope="module", params=["a4", "letter"])
def packet(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """The default bank's reading packet printed by studydeck's own --pdf (headless Chromium)."""
    bank = tmp_path_factory.mktemp(f"reading-{request.param}")
    shutil.copy(REPO / "questions.yaml", bank / "questions.yaml")
    for folder in ("sources", "templates"):
        shutil.copytree(REPO / folder, bank / folder)
    with own_machine(tmp_path_factory.mktemp("data")):
        build(bank, BuildOptions(formats=("reading",), paper=request.param, pdf=True))
    decks = bank / "decks"
    pdf = decks / "nato-japan-reading.pdf"
    return Printed(request.param, (decks / "nato-japan-reading.html").read_text(encoding="utf-8"), read_pdf(pdf), pdf)


@dataclass(frozen=True)
class Block:
    """A block of the packet as it should print: how its first line starts (`start`, flat), its source, and its
    margin number (None for a heading, furniture or a source's header)."""

    source: str
    kind: str
    start: str
    number: int | None


def _blocks(page: str) -> list[Block]:
    """Every block of the packet's HTML in reading order."""
    blocks = []
    for article in re.findall(r'<article class="source" id="([^"]+)">(.*?)</article>', page, re.S):
        source, body = article
        title = re.search(r"<h2>(.*?)</h2>", body).group(1)
        blocks.append(Block(source, "head", flat(html.unescape(title)), None))
        for match in re.finditer(r'<h3 class="heading">(.*?)</h3>|<p class="furniture[^"]*">(.*?)</p>|'
                                 + PARAGRAPH.pattern, body, re.S):
            heading, furniture, number, text, list_number, entries = match.groups()
            number, text = number or list_number, text or entries
            if heading is not None:
                blocks.append(Block(source, "heading", flat(html.unescape(heading)), None))
            elif furniture is not None:
                blocks.append(Block(source, "furniture", flat(html.unescape(re.sub(r"<[^>]+>", "", furniture))), None))
            else:
                shown = flat(html.unescape(re.sub(r"<[^>]+>", "", text)))
                blocks.append(Block(source, "para", shown, int(number)))
    return blocks


@dataclass
class Line:
    """A printed line of body text: its words, and the block it belongs to once matched."""

    page: int
    words: list[Word]
    block: int = -1
    first: bool = False

    @property
    def text(self) -> str:
        return flat("".join(w.text for w in self.words))


def _body_lines(printed: Printed, title: str) -> Iterator[Line]:
    """Each page's lines in reading order, without the running header (first line) and the footer (last)."""
    for page in printed.pages:
        lines = page.lines()
        assert flat(lines[0][0].text + "".join(w.text for w in lines[0][1:])) == flat(title) + "Readingpacket", (
            f"page {page.number} has no running header")
        assert flat("".join(w.text for w in lines[-1])) == f"Page{page.number}of{len(printed.pages)}"
        for words in lines[1:-1]:
            yield Line(page.number, words)


def _matched(printed: Printed, bank: Bank) -> tuple[list[Block], list[Line]]:
    """The packet's blocks and printed lines, each line assigned to its block in order: a block starts on the
    line that begins with its text (after its number, in the margin, for a numbered paragraph)."""
    blocks = _blocks(printed.page)
    lines = list(_body_lines(printed, bank.title))
    # The page's left margin (headers start there) and the text column (most lines start there): the numbers
    # stand between the two.
    left = min(line.words[0].x0 for line in lines)
    text_left = Counter(round(line.words[0].x0) for line in lines).most_common(1)[0][0]
    i = -1
    masthead = True
    for line in lines:
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        margin = line.words[0].text.isdigit() and left + 1 < line.words[0].x0 and line.words[0].x1 < text_left - 1
        start = flat("".join(w.text for w in line.words[1 if margin else 0:])).lower()  # labels print upper-case
        expected = following.start.lower() if following is not None else ""
        if following is not None and start and (expected.startswith(start[:40]) or start.startswith(expected[:40])):
            if following.number is not None:
                assert margin and int(line.words[0].text) == following.number, (
                    f"page {line.page}: ¶{following.number} of {following.source} printed without its number "
                    f"beside it: {line.text[:50]}")
            else:
                assert not margin, f"page {line.page}: a number beside a {following.kind}: {line.text[:50]}"
            i += 1
            masthead = False
            line.first = True
        elif not masthead:  # (the masthead, above the first source, is not numbered and may start with a digit)
            assert not margin, f"page {line.page}: a number {line.words[0].text} in the middle of a block"
        line.block = -1 if masthead else i
    assert i == len(blocks) - 1, f"block {blocks[i + 1]} not found in print"
    return blocks, lines


@pytest.mark.browser
def test_pages_have_the_chosen_paper_size_header_and_page_numbers(packet: Printed) -> None:
    width, height = PAPERS[packet.paper]
    assert len(packet.pages) > 5
    for page in packet.pages:
        assert abs(page.width - width) < 1.5 and abs(page.height - height) < 1.5, f"page {page.number}"
    info = pdfinfo(packet.pdf)
    assert info["Page size"].endswith("(A4)" if packet.paper == "a4" else "(letter)")
    assert info["Pages"] == str(len(packet.pages))
    list(_body_lines(packet, load_checked(REPO).title))  # checks each page's header and footer


@pytest.mark.browser
def test_every_paragraph_is_printed_beside_its_number_and_nothing_else_is_numbered(packet: Printed) -> None:
    bank = load_checked(REPO)
    blocks, _ = _matched(packet, bank)
    numbered = {}
    for block in blocks:
        numbered.setdefault(block.source, []).append(block.number)
    for source in bank.sources.values():
        # the source's header, then its blocks: only text and list paragraphs numbered, from 1 without a gap
        assert numbered[source.id] == [None] + [p.number for p in source.paragraphs], source.id
        assert [n for n in numbered[source.id] if n is not None] == list(range(1, len(numbered[source.id])))[
            :sum(p.number is not None for p in source.paragraphs)]
    cited = {(q.source, n) for q in bank.questions for n in q.paragraphs}
    printed = {(b.source, b.number) for b in blocks if b.number is not None}
    assert cited <= printed


@pytest.mark.browser
def test_each_source_starts_a_page_with_its_url(packet: Printed) -> None:
    bank = load_checked(REPO)
    blocks, lines = _matched(packet, bank)
    heads = [line for line in lines if line.first and blocks[line.block].kind == "head"]
    assert len(heads) == len(bank.sources)
    for head in heads[1:]:  # the first follows the packet's masthead
        first_of_page = next(line for line in lines if line.page == head.page)
        assert first_of_page is head, f"{blocks[head.block].source} does not start a page"
    text = "".join(line.text for line in lines)
    for source in bank.sources.values():
        if source.url:
            assert flat(source.url) in text


@pytest.mark.browser
def test_no_paragraph_is_split_badly(packet: Printed) -> None:
    """No block leaves a single line at the foot or head of a page, and a heading is never last on a page."""
    blocks, lines = _matched(packet, load_checked(REPO))
    last_on = {}
    for line in lines:
        last_on[line.page] = line
    for page, last in last_on.items():
        assert last.block >= 0 and blocks[last.block].kind not in ("heading", "head"), f"page {page} ends with a heading"
        following = [line for line in lines if line.page == page + 1]
        if not following or following[0].first:
            continue
        split = last.block
        before = sum(1 for line in lines if line.page == page and line.block == split)
        after = sum(1 for line in following if line.block == split)
        assert before >= 2 and after >= 2, (
            f"page {page}: a block split {before} line(s) / {after} line(s): {blocks[split].start[:40]}")


@pytest.mark.browser
def test_the_date_url_and_retrieval_are_printed(tmp_path: Path) -> None:
    project = _bank(tmp_path, {"silt": "fine sand into every harbour"})
    build(project, BuildOptions(formats=("reading",), pdf=True, paper="letter"))
    pages = read_pdf(project / "decks" / "harbours-reading.pdf")
    text = "".join(page.text for page in pages)
    for shown in ("Harbours", "Ann Author", "Sea Review", "2021-03-14", "https://example.org/harbours",
                  "retrieved 2024-10-02"):
        assert flat(shown) in text, shown

