"""Learning-platform exports (QTI 3.0, Canvas QTI 1.2, Moodle XML), checked against real consumers:
the @citolab/qti-components player in Chromium, text2qti's own packages, and Moodle's documented format."""

from __future__ import annotations

import functools
import http.server
import io
import re
import shutil
import threading
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import pytest

import studydeck
from studydeck import cloze
from studydeck.model import Bank, Choice, Kind, Paragraph, Question, Role, Source
from studydeck.render import moodle, qti3, qti12
from studydeck.render.fields import html_fields
from studydeck.render.lms import FormatError, lms_outputs
from studydeck.render.lmsparts import identifier
from studydeck.render.text import plain

ROOT = Path(__file__).resolve().parent.parent
PLAYER = Path(__file__).resolve().parent / "qti-player"
QTI3 = "{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}"
CP3 = "{http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1}"
QTI12 = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP12 = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
# An XML name that may stand alone as an identifier (NCName: no colon), as QTI requires.
NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@pytest.fixture(scope="module")
def bank() -> Bank:
    """The repository's own bank: 281 questions of every kind."""
    return studydeck.load_checked(ROOT)


def small_bank() -> Bank:
    """A bank with awkward text: ids starting with digits or holding odd characters, markup, raw HTML,
    quotes, a wildcard and Moodle's cloze characters."""
    text = 'Tides rise <twice> a day & "fall" again.\nThe Moon * pulls; the Sun {helps} too.'
    source = Source("tides", "Tides & <Moons>", ("A. Author",), "Sea / Sky", 2020, None,
                    (Paragraph(1, Role.TEXT, text, 5),), "sources/tides.md")
    questions = (
        Question("1st-question", Kind.CHOICE, "tides", "Tides rise <twice> a day", "How often do **tides** rise? <b>x</b>",
                 choices=(Choice("*Twice*", True), Choice("Once & never", False), Choice('"Thrice"', False)),
                 explanation="See <script>alert(1)</script> the `text`.", tags=("moon", "easy"), paragraphs=(1,)),
        Question("odd id/ü", Kind.CHOICE, "tides", "The Moon * pulls", "Which pull?",
                 choices=(Choice("Moon", True), Choice("Sun", True), Choice("Mars", False)), paragraphs=(1,)),
        Question("2-tf", Kind.TRUE_FALSE, "tides", "fall", "Tides never fall.", truth=False, paragraphs=(1,)),
        Question("typein", Kind.TYPE_IN, "tides", "The Moon", "Which body pulls?", answer="the Moon",
                 accept=("Moon", "moon", "Luna*"), paragraphs=(1,)),
        Question("gaps", Kind.CLOZE, "tides", "the Sun {helps} too",
                 "The **{{c1::Sun}}** {{c2::helps}} too, in {{c1::a/b}} ways {{c3::#1 ~ \"}\"::a hint}}.", paragraphs=(1,)),
        Question("basic", Kind.BASIC, "tides", "twice a day", "How often?", answer="Twice a *day*.", paragraphs=(1,)),
        Question("term", Kind.REVERSED, "tides", "twice a day", "Semidiurnal", answer="Twice a day", paragraphs=(1,)),
    )
    return Bank("tiny", "Tiny <bank> & co", "A *small* bank.", 4242, {"tides": source}, questions)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# ---- all formats ---------------------------------------------------------------------------------------


def test_default_bank_exports_to_every_format_the_same_bytes_twice(bank: Bank) -> None:
    first = lms_outputs(bank, html_fields(bank), bank.questions, ["qti3", "qti12", "moodle"])
    assert sorted(first) == ["nato-japan-moodle.xml", "nato-japan-qti12.zip", "nato-japan-qti3.zip"]
    assert lms_outputs(bank, html_fields(bank), bank.questions, ["moodle", "qti12", "qti3"]) == first
    for name, data in first.items():
        files = unzip(data) if name.endswith(".zip") else {name: data}
        for member, content in files.items():
            if member.endswith(".xml"):
                ET.fromstring(content)  # well-formed, or this raises
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
                assert archive.namelist() == sorted(archive.namelist())


def test_an_unknown_format_is_named() -> None:
    with pytest.raises(FormatError) as caught:
        lms_outputs(small_bank(), html_fields(small_bank()), small_bank().questions, ["qti3", "scorm"])
    assert "unknown format 'scorm'" in str(caught.value)


def test_identifiers_are_valid_xml_names_and_distinct_even_for_odd_ids() -> None:
    tiny = small_bank()
    names = [identifier(tiny, q) for q in tiny.questions]
    assert all(NCNAME.fullmatch(n) for n in names), names
    assert len(set(names)) == len(names)
    assert names[0] == "sd4242-1st-question"


def test_awkward_text_stays_text_in_every_format() -> None:
    tiny = small_bank()
    outputs = lms_outputs(tiny, html_fields(tiny), tiny.questions, ["qti3", "qti12", "moodle"])
    item = unzip(outputs["tiny-qti3.zip"])[f"items/{identifier(tiny, tiny.questions[0])}.xml"]
    root = ET.fromstring(item)
    body = root.find(f"{QTI3}qti-item-body")
    assert body is not None
    assert [e.tag for e in body.iter() if e.tag in (f"{QTI3}b", f"{QTI3}script")] == []  # raw HTML is text
    assert [e.text for e in body.iter(f"{QTI3}strong")] == ["tides"]  # Markdown is markup
    prompt = "".join(body.itertext())
    assert "<b>x</b>" in prompt
    feedback = "".join(root.find(f"{QTI3}qti-modal-feedback").itertext())  # type: ignore[union-attr]
    assert "<script>alert(1)</script>" in feedback and 'Tides rise <twice> a day' in feedback
    assert "A. Author, “Tides & <Moons>”, Sea / Sky, 2020, ¶1 [tides#1]" in feedback


# ---- QTI 3.0 ----------------------------------------------------------------------------------------------


def test_qti3_package_has_a_manifest_a_test_and_an_item_per_question(bank: Bank) -> None:
    files = unzip(qti3.render(bank, html_fields(bank), bank.questions)["nato-japan-qti3.zip"])
    manifest = ET.fromstring(files["imsmanifest.xml"])
    assert manifest.tag == f"{CP3}manifest"
    assert "imsqtiv3p0p1_imscpv1p2_v1p0.xsd" in manifest.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", "")
    resources = manifest.findall(f"{CP3}resources/{CP3}resource")
    types = [r.get("type") for r in resources]
    assert types.count("imsqti_test_xmlv3p0") == 1 and types.count("imsqti_item_xmlv3p0") == len(bank.questions)
    ids = {r.get("identifier") for r in resources}
    assert len(ids) == len(resources) and all(NCNAME.fullmatch(str(i)) for i in ids)
    for resource in resources:
        assert resource.get("href") in files
        for dependency in resource.findall(f"{CP3}dependency"):
            assert dependency.get("identifierref") in ids
    test = ET.fromstring(files["assessment-test.xml"])
    refs = test.findall(f".//{QTI3}qti-assessment-item-ref")
    assert sorted(r.get("href") or "" for r in refs) == sorted(qti3.item_path(bank, q) for q in bank.questions)
    first = bank.questions[0]
    assert f"source-{first.source}" in (refs[0].get("category") or "").split()
    for question in bank.questions:
        item = ET.fromstring(files[qti3.item_path(bank, question)])
        assert item.get("identifier") == identifier(bank, question)
        interactions = {e.tag.removeprefix(QTI3) for e in item.iter() if e.tag.endswith("-interaction")}
        expected = re.sub(r"([A-Z])", r"-\1", qti3.INTERACTIONS[question.kind]).lower()
        assert interactions == {f"qti-{expected}"}


@dataclass
class PlayerRun:
    """What the player did with one item: the outcomes after each attempt, and the feedback shown."""

    question: str
    attempts: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture(scope="module")
def player_site(tmp_path_factory: pytest.TempPathFactory, bank: Bank) -> Iterator[str]:
    """A 127.0.0.1 web server with the player's bundle, its stylesheet, a page and the default bank's items."""
    library = PLAYER / "node_modules" / "@citolab" / "qti-components"
    if not library.is_dir():
        pytest.fail("the QTI 3 player is not installed: run `bash tests/run.sh` (it runs `npm ci` in tests/qti-player)")
    site = tmp_path_factory.mktemp("qti-player")
    shutil.copy(library / "cdn" / "index.js", site / "index.js")
    shutil.copy(library / "dist" / "item.css", site / "item.css")
    shutil.copy(PLAYER / "player.html", site / "player.html")
    for name, data in unzip(qti3.render(bank, html_fields(bank), bank.questions)["nato-japan-qti3.zip"]).items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


LOAD_ITEM = """async (href) => {
  const xml = await (await fetch(href)).text();
  const stage = document.getElementById('stage');
  stage.innerHTML = window.qti.qtiTransformItem().parse(xml).html();
}"""

# The item is ready when the player has read its declarations and drawn its interactions.
READY = """() => {
  const item = document.querySelector('#stage qti-assessment-item');
  if (!item || !item.variables || !item.variables.some(v => v.identifier === 'FEEDBACK')) return false;
  return [...item.querySelectorAll('qti-choice-interaction, qti-text-entry-interaction, qti-extended-text-interaction')]
    .every(el => el.shadowRoot && el.hasUpdated);
}"""

SCORE = """() => {
  const item = document.querySelector('#stage qti-assessment-item');
  item.processResponse();
  const values = Object.fromEntries(item.variables.map(v => [v.identifier, v.value]));
  return values;
}"""


# The text of the modal feedback the player has opened.
SHOWN = """() => [...document.querySelectorAll('#stage qti-modal-feedback')]
  .filter(f => f.shadowRoot && f.shadowRoot.querySelector('dialog[open]')).map(f => f.textContent)"""


def _answer(page: Any, question: Question, right: bool) -> None:
    """Answer a question through the player's own controls, rightly or wrongly."""
    stage = page.locator("#stage")
    if question.kind in (Kind.CHOICE, Kind.TRUE_FALSE):
        if question.kind is Kind.TRUE_FALSE:
            picks = ["TRUE" if question.truth == right else "FALSE"]
        else:
            picks = [f"C{i}" for i, c in enumerate(question.choices, 1) if c.correct == right]
        for pick in picks:
            stage.locator(f'qti-simple-choice[identifier="{pick}"]').click(force=True)  # a real click; no wait for the choice's hover animation
    elif question.kind is Kind.TYPE_IN:
        # The last accepted answer in capitals: every answer counts, whatever its case.
        typed = accepted(question)[-1].upper() if right else "not the answer"
        _type(stage.locator("qti-text-entry-interaction input"), typed)
    elif question.kind is Kind.CLOZE:
        gaps = cloze.deletions(question.prompt)
        inputs = stage.locator("qti-text-entry-interaction input")
        assert inputs.count() == len(gaps)
        for i, gap in enumerate(gaps):
            _type(inputs.nth(i), plain(gap.text).swapcase() if right else "wrong")
    else:
        _type(stage.locator("qti-extended-text-interaction textarea"), plain(question.answer) if right else "no idea")


def _type(box: Any, value: str) -> None:
    box.fill(value)
    box.press("Tab")  # the player saves a text response on change


@pytest.mark.browser
def test_every_default_item_scores_full_marks_and_zero_in_a_real_qti3_player(bank: Bank, player_site: str) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    current = [""]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page()
        page.on("console", lambda m: errors.append(f"{current[0]}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"{current[0]}: {e}"))
        page.goto(f"{player_site}/player.html")
        page.wait_for_function("window.playerReady === true")
        wrong: list[str] = []
        for question in bank.questions:
            current[0] = question.id
            citation = bank.sources[question.source].ref(question.paragraphs)
            for right in (True, False):
                page.evaluate(LOAD_ITEM, qti3.item_path(bank, question))
                page.wait_for_function(READY)
                _answer(page, question, right)
                outcome = page.evaluate(SCORE)
                manual = question.kind in (Kind.BASIC, Kind.REVERSED)
                if manual:
                    # Scored by a person: the response is recorded, the player leaves the score alone.
                    expected = {"SCORE": "0", "FEEDBACK": "solution"}
                    typed = plain(question.answer) if right else "no idea"
                    ok = outcome["RESPONSE"] == typed and all(outcome[k] == v for k, v in expected.items())
                else:
                    full = str(len(cloze.deletions(question.prompt)) if question.kind is Kind.CLOZE else 1)
                    expected = {"SCORE": full if right else "0", "FEEDBACK": "correct" if right else "incorrect"}
                    ok = all(outcome[k] == v for k, v in expected.items()) and outcome["MAXSCORE"] == full
                shown = page.evaluate(SHOWN)
                if not ok or len(shown) != 1 or citation not in shown[0]:
                    wrong.append(f"{question.id} ({'right' if right else 'wrong'} answer): {outcome}")
        browser.close()
    assert wrong == []
    assert errors == []


# ---- QTI 1.2 (Canvas), against text2qti ---------------------------------------------------------------


def text2qti_markdown(bank: Bank, questions: list[Question]) -> str:
    """The same questions in text2qti's Markdown (which has no cloze)."""
    lines = [f"Quiz title: {bank.title}", ""]
    for n, question in enumerate(questions, 1):
        lines.append(f"Title: {question.id}")
        lines.append(f"{n}.  {question.prompt}")
        if question.kind is Kind.CHOICE:
            for i, choice in enumerate(question.choices):
                if question.multiple_answers:
                    lines.append(f"[{'*' if choice.correct else ' '}] {choice.text}")
                else:
                    letter = "abcdefghijklmnopqrstuvwxyz"[i]
                    lines.append(f"{'*' if choice.correct else ''}{letter}) {choice.text}")
        elif question.kind is Kind.TRUE_FALSE:
            lines += [f"{'*' if question.truth else ''}a) True", f"{'' if question.truth else '*'}b) False"]
        elif question.kind is Kind.TYPE_IN:
            lines += [f"*   {answer}" for answer in accepted(question)]
        else:
            lines.append("____")
        lines.append("")
    return "\n".join(lines)


def text2qti_package(markdown: str) -> bytes:
    from text2qti.config import Config
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz

    return bytes(QTI(Quiz(markdown, config=Config(), source_name="test")).zip_bytes())


@dataclass(frozen=True)
class Canvas:
    """What Canvas reads from one item: its type, its response elements and the responses that score."""

    title: str
    question_type: str
    responses: tuple[tuple[str, str | None], ...]  # (element, rcardinality)
    correct: frozenset[str]  # the right choices' texts, or the accepted strings


def canvas_items(package: bytes) -> tuple[dict[str, bytes], list[Canvas]]:
    files = unzip(package)
    manifest = ET.fromstring(files["imsmanifest.xml"])
    quiz = next(r for r in manifest.iter(f"{CP12}resource") if r.get("type") == "imsqti_xmlv1p2")
    href = quiz.find(f"{CP12}file").get("href")  # type: ignore[union-attr]
    root = ET.fromstring(files[str(href)])
    items = []
    for item in root.iter(f"{QTI12}item"):
        fields = {f.findtext(f"{QTI12}fieldlabel"): f.findtext(f"{QTI12}fieldentry") or ""
                  for f in item.iter(f"{QTI12}qtimetadatafield")}
        labels = {lab.get("ident"): "".join(lab.itertext()).strip() for lab in item.iter(f"{QTI12}response_label")}
        responses = tuple((e.tag.removeprefix(QTI12), e.get("rcardinality"))
                          for e in item.find(f"{QTI12}presentation") or [] if e.tag != f"{QTI12}material")
        scoring = [c for c in item.iter(f"{QTI12}respcondition") if c.find(f"{QTI12}setvar") is not None]
        correct: set[str] = set()
        for condition in scoring:
            negated = {id(v) for n in condition.iter(f"{QTI12}not") for v in n.iter(f"{QTI12}varequal")}
            for value in condition.iter(f"{QTI12}varequal"):
                if id(value) not in negated:
                    text = value.text or ""
                    correct.add(_plain_html(labels[text]) if text in labels else text)
        items.append(Canvas(item.get("title") or "", fields["question_type"], responses, frozenset(correct)))
    return files, items


def accepted(question: Question) -> list[str]:
    """What a type-in question accepts, as the bank says it: its answer and `accept`, as plain text."""
    return list(dict.fromkeys(a for a in (plain(t) for t in (question.answer, *question.accept)) if a))


def _plain_html(html: str) -> str:
    """The text of an HTML fragment (a choice's mattext)."""
    return unescape(re.sub(r"<[^>]*>", "", html)).strip()


def test_canvas_quiz_matches_text2qti_for_the_same_questions(bank: Bank) -> None:
    questions = [q for q in bank.questions if q.kind is not Kind.CLOZE]  # text2qti has no cloze
    ours_files, ours = canvas_items(qti12.render(bank, html_fields(bank), questions)["nato-japan-qti12.zip"])
    theirs_files, theirs = canvas_items(text2qti_package(text2qti_markdown(bank, questions)))
    assert len(ours) == len(theirs) == len(questions)
    for mine, reference, question in zip(ours, theirs, questions):
        assert (mine.title, mine.question_type, mine.responses) == \
            (reference.title, reference.question_type, reference.responses), question.id
        if question.kind is Kind.CHOICE:  # text2qti's choice texts are its Markdown's HTML; compare as text
            assert {plain(c.text) for c in question.choices if c.correct} == mine.correct
            assert len(reference.correct) == len(mine.correct)
        else:
            assert mine.correct == reference.correct, question.id
    # The package around the items, as Canvas looks for it.
    assert _resource_types(ours_files) == _resource_types(theirs_files)
    assert [n for n in ours_files if n.endswith("/")] == [n for n in theirs_files if n.endswith("/")]
    meta = [n for n in ours_files if n.endswith("assessment_meta.xml")]
    assert ET.fromstring(ours_files[meta[0]]).tag == ET.fromstring(
        theirs_files[next(n for n in theirs_files if n.endswith("assessment_meta.xml"))]).tag


def _resource_types(files: dict[str, bytes]) -> list[str]:
    manifest = ET.fromstring(files["imsmanifest.xml"])
    resources = list(manifest.iter(f"{CP12}resource"))
    ids = {r.get("identifier") for r in resources}
    for resource in resources:  # every file and dependency is there
        assert all(f.get("href") in files for f in resource.iter(f"{CP12}file"))
        assert all(d.get("identifierref") in ids for d in resource.iter(f"{CP12}dependency"))
    return sorted(str(r.get("type")) for r in resources)


def test_canvas_cloze_is_fill_in_multiple_blanks_with_a_blank_per_gap(bank: Bank) -> None:
    questions = [q for q in bank.questions if q.kind is Kind.CLOZE] + [small_bank().questions[4]]
    tiny = small_bank()
    for source_bank, question in [(bank, q) for q in questions[:-1]] + [(tiny, questions[-1])]:
        files, (item,) = canvas_items(qti12.render(source_bank, html_fields(source_bank), [question])[f"{source_bank.name}-qti12.zip"])
        gaps = cloze.deletions(question.prompt)
        assert item.question_type == "fill_in_multiple_blanks_question"
        assert item.responses == tuple(("response_lid", None) for _ in gaps)
        assert item.correct == {plain(g.text) for g in gaps}
        quiz = next(n for n in files if n.endswith(".xml") and "/" in n and "meta" not in n)
        shown = ET.fromstring(files[quiz]).find(f".//{QTI12}presentation/{QTI12}material/{QTI12}mattext")
        assert [f"[gap{i}]" in (shown.text or "") for i in range(1, len(gaps) + 1)] == [True] * len(gaps)  # type: ignore[union-attr]


# ---- Moodle XML -------------------------------------------------------------------------------------------


@dataclass
class MoodleQuestion:
    """What Moodle's XML import reads from one question."""

    qtype: str
    name: str
    category: str
    answers: list[tuple[str, str]]  # (fraction, text)
    text: str
    extra: dict[str, str]
    tags: list[str]


def read_moodle(data: bytes) -> list[MoodleQuestion]:
    """A small reader of Moodle XML, for these tests: categories apply to the questions after them."""
    root = ET.fromstring(data)
    assert root.tag == "quiz"
    category, found = "", []
    for element in root.findall("question"):
        qtype = element.get("type", "")
        if qtype == "category":
            category = element.findtext("category/text") or ""
            continue
        answers = [(a.get("fraction", ""), a.findtext("text") or "") for a in element.findall("answer")]
        extra = {child.tag: ("".join(child.itertext())) for child in element
                 if child.tag not in ("answer", "tags", "name", "questiontext")}
        found.append(MoodleQuestion(qtype, element.findtext("name/text") or "", category, answers,
                                    element.findtext("questiontext/text") or "", extra,
                                    [t.findtext("text") or "" for t in element.findall("tags/tag")]))
    return found


CLOZE_GAP = re.compile(r"\{1:SHORTANSWER:=((?:\\.|[^\\}])*)\}")


def test_moodle_xml_round_trips_types_fractions_and_categories(bank: Bank) -> None:
    tiny = small_bank()
    for source_bank in (bank, tiny):
        read = read_moodle(moodle.render(source_bank, html_fields(source_bank), source_bank.questions)[f"{source_bank.name}-moodle.xml"])
        assert [q.name for q in read] == [q.id for q in source_bank.questions]
        for got, question in zip(read, source_bank.questions):
            source = source_bank.sources[question.source]
            assert got.category == f"$course$/top/{source_bank.title.replace('/', '//')}/{source.title.replace('/', '//')}"
            assert got.tags == list(question.tags)
            assert source.ref(question.paragraphs) in got.extra["generalfeedback"]
            _check_moodle_question(got, question)


def _check_moodle_question(got: MoodleQuestion, question: Question) -> None:
    expected_type = {Kind.CHOICE: "multichoice", Kind.TRUE_FALSE: "truefalse", Kind.TYPE_IN: "shortanswer",
                     Kind.CLOZE: "cloze", Kind.BASIC: "essay", Kind.REVERSED: "essay"}[question.kind]
    assert got.qtype == expected_type, question.id
    fractions = [float(f) for f, _ in got.answers]
    if question.kind is Kind.CHOICE:
        assert all(f in moodle.GRADES or f.lstrip("-") in moodle.GRADES for f, _ in got.answers)
        assert got.extra["single"] == ("false" if question.multiple_answers else "true")
        right = [_plain_html(t) for f, t in got.answers if float(f) > 0]
        assert right == [plain(c.text) for c in question.choices if c.correct]
        assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=0.01)
        if question.multiple_answers:  # a wrong tick takes away everything
            assert all(f == -100 for f in fractions if f <= 0)
    elif question.kind is Kind.TRUE_FALSE:
        assert {t: float(f) for f, t in got.answers} == {"true": 100 * bool(question.truth),
                                                               "false": 100 * (not question.truth)}
    elif question.kind is Kind.TYPE_IN:
        assert got.extra["usecase"] == "0"
        assert [t.replace("\\*", "*") for _, t in got.answers] == accepted(question)
        assert fractions == [100] * len(got.answers)
    elif question.kind is Kind.CLOZE:
        html = ET.fromstring(f"<x>{got.text}</x>")
        gaps = [re.sub(r"\\(.)", r"\1", g) for g in CLOZE_GAP.findall("".join(html.itertext()))]
        assert gaps == [plain(d.text) for d in cloze.deletions(question.prompt)]
    else:
        assert plain(question.answer) in _plain_html(got.extra["graderinfo"])
        assert got.extra["responseformat"] == "editor"


def test_moodle_shares_full_marks_between_several_right_choices() -> None:
    assert [moodle.share(n) for n in (1, 2, 3, 4, 6, 7, 9)] == \
        ["100", "50", "33.33333", "25", "16.66667", "14.28571", "11.11111"]


def test_build_format_writes_the_platform_files_with_the_selection(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                                    ) -> None:
    from studydeck.cli import main

    from .conftest import copy_case

    project = copy_case("printable", tmp_path / "printable")
    assert main(["build", str(project), "--format", "qti3,qti12,moodle", "--tag", "terms"]) == 0
    written = sorted(p.name for p in (project / "decks").iterdir())
    assert written == ["printable-moodle.xml", "printable-qti12.zip", "printable-qti3.zip"]
    first = {name: (project / "decks" / name).read_bytes() for name in written}
    moodle_xml = first["printable-moodle.xml"].decode()
    assert "<text>spring-tide-term</text>" in moodle_xml and "<text>two-bulges</text>" not in moodle_xml
    assert main(["build", str(project), "--format", "moodle,qti3,qti12", "--tag", "terms"]) == 0
    assert {name: (project / "decks" / name).read_bytes() for name in written} == first
    capsys.readouterr()
    assert main(["build", str(project), "--format", "qti3,scorm"]) == 2
    assert "'scorm' is not a format; choose from anki, html, reading, selftest, qti3, qti12, moodle" in capsys.readouterr().err


def test_images_and_formulas_travel_inside_the_platform_files(tmp_path: Path) -> None:
    from studydeck.cli import main

    from .conftest import copy_case

    project = copy_case("rich", tmp_path / "rich")
    assert main(["build", str(project), "--format", "qti3,moodle"]) == 0
    package = zipfile.ZipFile(project / "decks" / "rich-text-qti3.zip")
    items = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("items/"))
    assert 'src="data:image/png;base64,' in items and "<math" in items
    moodle_xml = (project / "decks" / "rich-text-moodle.xml").read_text(encoding="utf-8")
    assert "data:image/png;base64," in moodle_xml and "&lt;math" in moodle_xml
    for name in package.namelist():
        ET.fromstring(package.read(name))  # every file still well-formed XML


def test_pdf_without_a_printable_format_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from studydeck.cli import main

    from .conftest import copy_case

    project = copy_case("printable", tmp_path / "printable")
    assert main(["build", str(project), "--format", "qti3", "--pdf"]) == 2
    assert "--pdf prints the worksheets, keys and reading packet; add html or reading" in capsys.readouterr().err
    assert not (project / "decks").exists()
