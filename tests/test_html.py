"""Printable worksheets and answer keys: golden HTML, what a worksheet must never show, templates, and real
printing through headless Chromium on A4 and Letter, read back with poppler.

Golden files live in tests/snapshots/. After an intended change of the HTML, regenerate them with
    STUDYDECK_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_html.py
and review the diff before committing it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from studydeck import load_checked
from studydeck.build import BuildOptions, build
from studydeck.cli import main
from studydeck.cloze import DELETION, deletions
from studydeck.errors import BuildError, InputError, TemplateError
from studydeck.model import Bank, Kind, Question
from studydeck.render.text import inline, plain
from studydeck.select import Selection

from .conftest import REPO, copy_case, own_machine
from .printtools import MM, PAPERS, Page, flat, items, pdfinfo, read_pdf, squash, visible_text

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("STUDYDECK_UPDATE_SNAPSHOTS") == "1"
JAPANESE = "首相官邸ホームページ"
TOP_MARGIN, GUTTER = 20 * MM, 8 * MM  # from print.css.jinja: @page margin-top, width of the number column


def _build(project: Path, **options: object) -> dict[str, str]:
    """Build only the printable documents; HTML file name -> its text."""
    result = build(project, BuildOptions(formats=("html",), **options))  # type: ignore[arg-type]
    return {p.name: p.read_text(encoding="utf-8") for p in result.outputs if p.suffix == ".html"}


# ---- what a question may show, and what only the key may ----------------------------------------------------

def _shown(question: Question) -> str:
    """The text of a question a student sees (cloze gaps empty, hints shown), squashed."""
    prompt = DELETION.sub(lambda m: m.group(3) or "", question.prompt)
    return squash(plain(prompt) + "".join(plain(c.text) for c in question.choices))


def _answer_only(question: Question) -> list[str]:
    """Texts that belong in the key and never on the worksheet, squashed."""
    texts = [plain(question.explanation), question.passage]
    if question.kind in (Kind.BASIC, Kind.REVERSED, Kind.TYPE_IN):
        texts += [plain(question.answer), *question.accept]
    if question.kind is Kind.CLOZE:
        texts += [plain(d.text) for d in deletions(question.prompt)]
    return [squash(t) for t in texts if t]


def _key_texts(question: Question) -> list[str]:
    """What the key must show of a question, squashed."""
    texts = [plain(question.explanation), question.passage]
    if question.kind is Kind.CHOICE:
        texts += [plain(c.text) for c in question.choices if c.correct]
    elif question.kind is Kind.TRUE_FALSE:
        texts.append("True" if question.truth else "False")
    elif question.kind is Kind.CLOZE:
        texts += [plain(d.text) for d in deletions(question.prompt)]
    else:
        texts += [plain(question.answer), *question.accept]
    return [squash(t) for t in texts if t]


def _checked_answers(bank: Bank) -> list[str]:
    """Answer-only texts long enough to search for, and not shown by any question (a hidden word may be)."""
    shown = flat("".join(_shown(q) for q in bank.questions))
    return [t for q in bank.questions for t in _answer_only(q) if len(t) >= 4 and flat(t) not in shown]


def _match(bank: Bank, worksheet: str) -> dict[int, Question]:
    """Which question each worksheet number asks, found by the text it shows."""
    found = {}
    prompts = [(q, squash(plain(DELETION.sub(lambda m: m.group(3) or "", q.prompt)))) for q in bank.questions]
    for number, body in items(worksheet).items():
        text = visible_text(body)
        candidates = [q for q, prompt in prompts if prompt in text]
        assert candidates, f"worksheet question {number} matches no question of the bank"
        found[number] = max(candidates, key=lambda q: len(q.prompt))
    assert len({q.id for q in found.values()}) == len(found), "two numbers ask the same question"
    return found


def _letters(worksheet_item: str, question: Question) -> str:
    """The letters of the right choices as this worksheet orders them."""
    shown = re.findall(r'<span class="letter">([A-Z])</span><span class="text">(.*?)</span>', worksheet_item)
    right = {squash(plain(c.text)) for c in question.choices if c.correct}
    return ", ".join(letter for letter, text in shown if visible_text(text) in right)


def _assert_key_matches(bank: Bank, worksheet: str, key: str) -> None:
    """The key answers, under each number, the question the worksheet asks under it."""
    asked = _match(bank, worksheet)
    sheet_items, key_items = items(worksheet), items(key)
    assert sorted(key_items) == sorted(asked) == list(range(1, len(asked) + 1))
    for number, question in asked.items():
        entry = visible_text(key_items[number])
        missing = [t for t in _key_texts(question) if t not in entry]
        assert not missing, f"key entry {number} ({question.id}) lacks {missing}"
        if question.kind is Kind.CHOICE:
            letters = re.search(r'<b class="letters">(.*?)</b>', key_items[number]).group(1)  # type: ignore[union-attr]
            assert letters == _letters(sheet_items[number], question), f"key letters of {number}"


def _assert_no_trace(bank: Bank, worksheet: str) -> None:
    """Not one answer in the worksheet file: not in its text, its attributes, its comments or its CSS."""
    assert "<!--" not in worksheet and "<li " not in worksheet
    attributes = re.findall(r'\s([a-z-]+)="([^"]*)"', worksheet)
    for name, value in attributes:
        assert name in ("lang", "charset", "name", "content", "class", "style"), f"attribute {name}={value!r}"
        assert name != "style" or re.fullmatch(r"width: [\d.]+em", value), value
    classes = {c for name, value in attributes if name == "class" for c in value.split()}
    assert not classes & {"correct", "right", "answer", "fill", "letters", "explanation", "passage", "citation"}
    raw, text, unescaped = squash(worksheet), visible_text(worksheet), squash(html.unescape(worksheet))
    checked = _checked_answers(bank)
    leaked = [t for t in checked if t in text or t in raw or t in unescaped]
    assert not leaked, f"answers on the worksheet: {leaked[:5]}"
    blocks = items(worksheet)
    for number, question in _match(bank, worksheet).items():
        if question.kind is Kind.CLOZE:
            block, shown = visible_text(blocks[number]), _shown(question)
            for d in deletions(question.prompt):
                hidden = squash(plain(d.text))
                assert block.count(hidden) == shown.count(hidden), f"cloze {question.id} shows '{d.text}'"


# ---- fixtures --------------------------------------------------------------------------------------------------

@pytest.fixture
def printable(tmp_path: Path) -> Path:
    """The printable test bank: every kind, Japanese text, Markdown, and HTML-looking text."""
    return copy_case("printable", tmp_path / "printable")


@pytest.fixture(scope="module")
def default_questions() -> Bank:
    return load_checked(REPO)


@dataclass(frozen=True)
class Printed:
    """The default bank's worksheet and key, as HTML and as printed pages, on one paper size."""

    paper: str
    worksheet: str
    key: str
    worksheet_pages: list[Page]
    key_pages: list[Page]
    folder: Path


@pytest.fixture(scope="module", params=["a4", "letter"])
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """The whole default bank printed once per paper size by studydeck's own --pdf (headless Chromium)."""
    bank = tmp_path_factory.mktemp(f"print-{request.param}")
    shutil.copy(REPO / "questions.yaml", bank / "questions.yaml")
    for folder in ("sources", "templates"):
        shutil.copytree(REPO / folder, bank / folder)
    with own_machine(tmp_path_factory.mktemp("data")):
        build(bank, BuildOptions(formats=("html",), paper=request.param, pdf=True))
    decks = bank / "decks"
    return Printed(request.param, (decks / "nato-japan-worksheet.html").read_text(encoding="utf-8"),
                   (decks / "nato-japan-key.html").read_text(encoding="utf-8"),
                   read_pdf(decks / "nato-japan-worksheet.pdf"), read_pdf(decks / "nato-japan-key.pdf"), decks)


# ---- printed on paper ------------------------------------------------------------------------------------------

def _numbers(pages: list[Page]) -> dict[int, tuple[Page, float]]:
    """Where each question number is printed: a word like `12.` in the number column left of the text."""
    left = min(w.x0 for page in pages for w in page.words)
    found: dict[int, tuple[Page, float]] = {}
    for page in pages:
        for word in page.words:
            if re.fullmatch(r"\d+\.", word.text) and word.x1 < left + GUTTER:
                assert int(word.text[:-1]) not in found, f"{word.text} printed twice"
                found[int(word.text[:-1])] = (page, word.middle)
    return found


def _body_words(page: Page) -> list:
    """The words between the running header and footer, by the middle of their boxes (which fonts drawn as
    Type 3 glyphs make much taller than the text, but around the same middle)."""
    return [w for w in page.words if TOP_MARGIN - 4 < w.middle < page.height - 15 * MM]


def _headings(page_html: str) -> list[str]:
    """The section headings of a printed page, as `flat` text."""
    return [flat(html.unescape(re.sub(r"<[^>]+>", "", h))) for h in re.findall(r"<h2>(.*?)</h2>", page_html, re.S)]


def test_pages_have_the_chosen_paper_size(printed: Printed) -> None:
    width, height = PAPERS[printed.paper]
    for name, pages in (("worksheet", printed.worksheet_pages), ("key", printed.key_pages)):
        assert len(pages) > 5
        for page in pages:
            assert abs(page.width - width) < 1.5 and abs(page.height - height) < 1.5, f"{name} page {page.number}"
        info = pdfinfo(printed.folder / f"nato-japan-{name}.pdf")
        assert info["Page size"].endswith("(A4)" if printed.paper == "a4" else "(letter)")
        assert info["Pages"] == str(len(pages))


def test_every_page_has_the_title_and_its_page_number(printed: Printed, default_questions: Bank) -> None:
    for pages, label in ((printed.worksheet_pages, "Worksheet"), (printed.key_pages, "Answerkey")):
        for page in pages:
            text = page.text
            assert squash(default_questions.title) in text and label in text
            assert f"Page{page.number}of{len(pages)}" in text


def test_every_question_number_is_printed_once(printed: Printed, default_questions: Bank) -> None:
    expected = list(range(1, len(default_questions.questions) + 1))
    for pages in (printed.worksheet_pages, printed.key_pages):
        assert sorted(_numbers(pages)) == expected


@pytest.mark.parametrize("document", ["worksheet", "key"])
def test_no_question_is_split_across_pages(printed: Printed, document: str) -> None:
    """Each question, stem to last choice, answer line or answer, is printed between its number and the next
    number on the same page (or that page's end). Ruled lines are not text: that none spills over shows in
    every page starting with a number or a heading at the very top."""
    pages = printed.worksheet_pages if document == "worksheet" else printed.key_pages
    page_html = printed.worksheet if document == "worksheet" else printed.key
    where = _numbers(pages)
    for number, body in items(page_html).items():
        page, top = where[number]
        below = [y for p, y in where.values() if p is page and y > top + 1]
        printed_there = Counter(page.band(top - 5, min(below, default=page.height) - 5))
        missing = Counter(visible_text(body)) - printed_there
        assert not missing, f"{document} question {number} is split: {''.join(missing.elements())[:40]}"
    # Each page starts with a question's number or a section heading, never with the rest of a question.
    # (Read from the order of the words, not their boxes: box heights depend on the fonts installed.)
    headings, left = _headings(page_html), min(w.x0 for page in pages for w in page.words)
    for page in pages[1:]:
        top = min(w.middle for w in _body_words(page))
        words = sorted((w for w in _body_words(page) if w.middle - top < 4), key=lambda w: w.x0)
        line = flat("".join(w.text for w in words))
        numbered = re.fullmatch(r"\d+\.", words[0].text) is not None and words[0].x1 < left + GUTTER
        assert numbered or any(line.startswith(h[:20]) for h in headings), (
            f"{document} page {page.number} starts with the rest of a question: {line[:40]}")


def test_no_answer_is_printed_on_the_worksheet(printed: Printed, default_questions: Bank) -> None:
    text = "".join(page.text for page in printed.worksheet_pages)
    checked = _checked_answers(default_questions)
    assert len(checked) > 0.8 * len(default_questions.questions) * 2  # explanations and passages at least
    leaked = [t for t in checked if flat(t) in text]
    assert not leaked, f"answers printed on the worksheet: {leaked[:5]}"


def test_every_answer_is_printed_in_the_key(printed: Printed, default_questions: Bank) -> None:
    asked = _match(default_questions, printed.worksheet)
    where = _numbers(printed.key_pages)
    for number, question in asked.items():
        page = where[number][0].text
        missing = [t for t in _key_texts(question) if flat(t) not in page]
        assert not missing, f"key entry {number} ({question.id}) lacks {missing}"


@pytest.mark.browser
def test_japanese_text_survives_printing(printable: Path) -> None:
    fonts = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True).stdout
    assert "Noto" in fonts, "no Japanese font installed: bash tests/run.sh installs fonts-noto-cjk"
    build(printable, BuildOptions(formats=("html",), pdf=True))
    worksheet = "".join(p.text for p in read_pdf(printable / "decks" / "printable-worksheet.pdf"))
    key = "".join(p.text for p in read_pdf(printable / "decks" / "printable-key.pdf"))
    assert "国会議事堂" in worksheet  # a choice, printed for the student
    assert JAPANESE in key  # a hidden cloze answer, printed only in the key
    assert JAPANESE not in worksheet


# ---- the HTML --------------------------------------------------------------------------------------------------

def _golden(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no snapshot {path}; create it with STUDYDECK_UPDATE_SNAPSHOTS=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs from tests/snapshots/{name}. If the change is intended, regenerate the snapshots with "
        "'STUDYDECK_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_html.py' and review the diff.")


def test_html_matches_the_snapshots(printable: Path) -> None:
    for name, text in _build(printable).items():
        _golden(name, text)
    versions = _build(printable, paper="letter", group_by="kind", versions=2,
                      selection=Selection(seed="snapshot"))
    for name in ("printable-worksheet-B.html", "printable-key-B.html"):
        _golden(name, versions[name])


def test_the_worksheet_holds_no_trace_of_an_answer(printable: Path, default_bank: Path) -> None:
    for project, options in ((printable, {}), (printable, {"versions": 3, "group_by": "kind"}), (default_bank, {})):
        bank = load_checked(project)
        files = _build(project, **options)
        for name, text in files.items():
            if "-worksheet" in name:
                _assert_no_trace(bank, text)
                _assert_key_matches(bank, text, files[name.replace("-worksheet", "-key")])


def test_each_kind_is_laid_out_for_pen_and_paper(printable: Path) -> None:
    worksheet = _build(printable)["printable-worksheet.html"]
    asked = {q.id: body for q, body in zip(_match(load_checked(printable), worksheet).values(),
                                           items(worksheet).values())}
    assert asked["spring-when"].count('<span class="box"></span>') == 4
    assert "Tick all that apply." in asked["spring-when"]
    assert '<p class="tf"><span>True</span><span>False</span></p>' in asked["spring-season"]
    gaps = re.findall(r'<span class="gap" style="width: ([\d.]+)em">', asked["two-high-tides"])
    assert len(gaps) == 2 and float(gaps[0]) < float(gaps[1])  # "two" gets a shorter gap than "24 hours"
    assert '<span class="hint">a duration</span>' in asked["two-high-tides"]
    assert asked["two-bulges"].count('<div class="line"></div>') >= 2
    assert re.search(r'Answer<span class="blank" style="width: [\d.]+em">', asked["sun-vs-moon"])


def test_text_is_escaped_never_run(printable: Path) -> None:
    files = _build(printable)
    for text in files.values():
        assert "<script" not in text and "<img" not in text and "javascript:" not in text.replace(
            "[link](javascript:", "")
        assert "<title>Tides &amp; the &lt;Kantei&gt; · " in text
        assert 'content: "Tides \\26  the \\3c Kantei\\3e ";' in text
    assert "&lt;script&gt;alert('x')&lt;/script&gt; How <strong>many</strong> bulges? &lt;img src=x" in files[
        "printable-worksheet.html"]


def test_documents_are_self_contained_print_ready_and_name_a_cjk_font(printable: Path) -> None:
    for paper, size in (("a4", "A4"), ("letter", "letter")):
        for text in _build(printable, paper=paper).values():
            assert not re.search(r"<(link|script|img|iframe|object|embed)\b|<[^>]+\ssrc=|url\(|@import", text)
            assert f"size: {size};" in text and "counter(page)" in text and "counter(pages)" in text
            assert "break-inside: avoid" in text
            assert '"Noto Serif CJK JP"' in text and '"Noto Sans CJK JP"' in text


def test_versions_are_shuffled_and_reproducible(printable: Path, tmp_path: Path) -> None:
    options = {"versions": 3, "selection": Selection(seed="term-1")}
    first = _build(printable, out=tmp_path / "one", **options)
    again = _build(printable, out=tmp_path / "two", **options)
    other = _build(printable, out=tmp_path / "three", versions=3, selection=Selection(seed="term-2"))
    assert sorted(first) == sorted(f"printable-{kind}-{letter}.html" for kind in ("worksheet", "key")
                                   for letter in "ABC")
    assert first == again
    sheets = [first[f"printable-worksheet-{letter}.html"] for letter in "ABC"]
    assert len(set(sheets)) == 3 and sheets[0] != other["printable-worksheet-A.html"]
    bank = load_checked(printable)
    orders = [[q.id for q in _match(bank, sheet).values()] for sheet in sheets]
    assert all(sorted(order) == sorted(q.id for q in bank.questions) for order in orders)


def test_a_single_version_keeps_the_authored_order_but_shuffles_choices(default_questions: Bank,
                                                                        default_bank: Path) -> None:
    # Authors write the right choice first; a worksheet in authored choice order would give it away.
    worksheet = _build(default_bank)["nato-japan-worksheet.html"]
    asked = _match(default_questions, worksheet)
    by_source = [q.id for s in dict.fromkeys(q.source for q in default_questions.questions)
                 for q in default_questions.questions if q.source == s]
    assert [q.id for q in asked.values()] == by_source
    firsts = [_letters(items(worksheet)[n], q).startswith("A") for n, q in asked.items() if q.kind is Kind.CHOICE]
    assert sum(firsts) < 0.5 * len(firsts)


def test_selection_by_source_tag_kind_and_sample(printable: Path, capsys: pytest.CaptureFixture[str]) -> None:
    decks = printable / "decks"

    def numbers(*args: str) -> int:
        assert main(["build", str(printable), *args]) == 0, capsys.readouterr().err
        return len(items((decks / "printable-worksheet.html").read_text(encoding="utf-8")))

    assert numbers() == 10
    assert numbers("--source", "kantei") == 3
    assert numbers("--tag", "terms", "--tag", "japan") == 5
    assert numbers("--kind", "choice", "--kind", "cloze") == 4
    assert numbers("--source", "tides", "--kind", "true-false") == 1
    assert numbers("--sample", "4", "--seed", "x") == 4
    sample = (decks / "printable-worksheet.html").read_text(encoding="utf-8")
    assert numbers("--sample", "4", "--seed", "x") == 4
    assert (decks / "printable-worksheet.html").read_text(encoding="utf-8") == sample


def test_build_help_lists_the_printing_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--paper [a4|letter]", "--group-by [source|kind]", "--source ID", "--tag TAG", "--kind",
                   "--sample N", "--seed TEXT", "--versions N", "--pdf"):
        assert option in out


def test_selection_errors_are_reported(printable: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(printable), "--source", "tidse", "--tag", "nope"]) == 1
    assert "the bank has no source 'tidse', no tag 'nope'; nothing was built" in capsys.readouterr().err
    assert main(["build", str(printable), "--source", "kantei", "--kind", "basic"]) == 1
    assert "no question matches the selection" in capsys.readouterr().err
    assert not (printable / "decks" / "printable-worksheet.html").exists()


def test_group_by_kind_makes_a_section_per_kind(printable: Path) -> None:
    worksheet = _build(printable, group_by="kind")["printable-worksheet.html"]
    titles = re.findall(r"<h2>(.*?)</h2>", worksheet)
    assert titles == ["True or false", "Multiple choice", "Fill in the blanks", "Exact answer",
                      "Term and definition", "Short answer"]
    assert "Circle True or False." in worksheet


# ---- templates -------------------------------------------------------------------------------------------------

def test_a_bank_template_overrides_and_extends_the_builtin_one(printable: Path) -> None:
    (printable / "templates").mkdir()
    (printable / "templates" / "key.html.jinja").write_text(
        '{% extends "builtin/key.html.jinja" %}\n'
        "{% block fields %}<p class=\"mine\">Keep this key locked away.</p>{{ super() }}{% endblock %}\n",
        encoding="utf-8")
    files = _build(printable)
    assert '<p class="mine">Keep this key locked away.</p>' in files["printable-key.html"]
    assert "For the teacher: 10 answers" in files["printable-key.html"]  # the built-in block still renders
    assert "locked away" not in files["printable-worksheet.html"]
    _assert_key_matches(load_checked(printable), files["printable-worksheet.html"], files["printable-key.html"])


def test_a_template_may_lay_out_items_without_the_item_block(printable: Path) -> None:
    (printable / "templates").mkdir()
    (printable / "templates" / "worksheet.html.jinja").write_text(
        '{% extends "builtin/worksheet.html.jinja" %}\n'
        "{% block content %}{% for section in sections %}{% for task in section.items %}"
        '<p class="own">{{ task.number }}: {{ task.prompt }}</p>{% endfor %}{% endfor %}{% endblock %}\n',
        encoding="utf-8")
    worksheet = _build(printable)["printable-worksheet.html"]
    bank = load_checked(printable)
    assert worksheet.count('<p class="own">') == len(bank.questions)
    assert f'<p class="own">1: {inline(bank.questions[0].prompt)}</p>' in worksheet


def test_the_default_bank_uses_its_own_worksheet_template(default_bank: Path) -> None:
    worksheet = _build(default_bank)["nato-japan-worksheet.html"]
    assert "The questions are on the five articles of the NATO–Japan reader." in worksheet
    count = len(load_checked(default_bank).questions)
    assert f"Answer all {count} questions. How to answer:" in worksheet


@pytest.mark.parametrize(("template", "content", "message"), [
    ("key.html.jinja", '{% extends "builtin/key.html.jinja" %}\n{% block fields %}\n{{ teacher_name }}\n'
                       "{% endblock %}\n", "key.html.jinja:3: 'teacher_name' is undefined"),
    ("worksheet.html.jinja", '{% extends "builtin/worksheet.html.jinja" %}\n{% block intro %}{% if %}{% endblock %}\n',
     # found by `check`, before anything is rendered
     "worksheet.html.jinja:2:1: error: template syntax error: Expected an expression"),
    ("worksheet.html.jinja", '{% extends "builtin/worksheet.html.jinja" %}\n{% block task %}\n{{ task.answer }}\n'
                             "{% endblock %}\n", "worksheet.html.jinja:3: 'studydeck.render.html.Task object' has no "
                                                  "attribute 'answer'"),
])
def test_a_broken_template_fails_the_build_and_changes_nothing(printable: Path, template: str, content: str,
                                                               message: str, capsys: pytest.CaptureFixture[str]
                                                               ) -> None:
    assert main(["build", str(printable)]) == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (printable / "decks").iterdir()}
    (printable / "templates").mkdir()
    (printable / "templates" / template).write_text(content, encoding="utf-8")
    capsys.readouterr()
    assert main(["build", str(printable)]) == 1
    out = capsys.readouterr()
    assert message in out.out + out.err and str(printable / "templates" / template) in out.out + out.err
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (printable / "decks").iterdir()}
    assert after == before
    with pytest.raises((TemplateError, InputError)) as raised:
        build(printable)
    found = raised.value.problems if isinstance(raised.value, InputError) else [raised.value]
    assert any(message in str(p) for p in found)


def test_pdf_without_chromium_is_a_clear_error(printable: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("STUDYDECK_CHROMIUM", "no-such-browser")
    assert main(["build", str(printable), "--pdf"]) == 1
    assert "studydeck: --pdf needs Chromium, and no-such-browser was not found" in capsys.readouterr().err
    assert not (printable / "decks").exists()
    with pytest.raises(BuildError):
        build(printable, BuildOptions(formats=("html",), pdf=True))
