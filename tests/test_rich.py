"""Images, sounds, math and code, checked where a learner meets them: in real Anki, on the printed page (PDF read
back with poppler), in the self-test page in Chromium with no network, in the terminal quiz and in `check`."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.sound import SoundOrVideoTag
from playwright.sync_api import sync_playwright

from studydeck import check
from studydeck.build import BuildOptions, build
from studydeck.cli import main

from .ankitools import import_package
from .conftest import CHROMIUM_ARGS, copy_case, own_machine

MEDIA = Path(__file__).parent / "data" / "rich" / "media"
CHART_BLUE = (59, 130, 246)  # the sea in media/tide-chart.png


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    """A bank with an image, a sound, inline and display math, code blocks, sub- and superscript, and text
    that only looks like Anki markup."""
    return copy_case("rich", tmp_path / "rich")


def _anki_name(file: str) -> str:
    data = (MEDIA / file).read_bytes()
    return f"studydeck-{hashlib.sha256(data).hexdigest()[:16]}{Path(file).suffix}"


def _add(project: Path, yaml: str) -> None:
    with (project / "questions.yaml").open("a", encoding="utf-8") as f:
        f.write(yaml)


# --- check ---------------------------------------------------------------------------------------------------

BROKEN = """
- id: broken
  source: tides
  passage: "the water forms two bulges at once"
  question: |
    First line.
    A missing ![map](media/missing.png) here,
    ![](media/tide-chart.png) without alt,
    ![x](../secret.png) and ![y](https://example.org/y.png),
    ![notes](media/notes.txt) and $\\frac{1}{$ and \\(\\nosuchcommand\\).
  answer: "![big](media/big.png) ![link](media/link.png)"
"""


def test_check_reports_media_and_math_problems_at_their_lines(rich: Path, tmp_path: Path) -> None:
    _add(rich, BROKEN)
    (rich / "media" / "notes.txt").write_text("not an image")
    (rich / "media" / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(6 * 1024 * 1024))
    (tmp_path / "outside.png").write_bytes((MEDIA / "tide-chart.png").read_bytes())
    (rich / "media" / "link.png").symlink_to(tmp_path / "outside.png")
    problems = sorted((p.line, p.column, p.severity.value, p.message) for p in check(rich).problems
                      if p.question_id == "broken")
    first = (rich / "questions.yaml").read_text().splitlines().index("- id: broken") + 1
    assert problems == [
        (first + 5, 22, "error", "media/missing.png not found in media/"),
        (first + 6, 9, "error", ("the image media/tide-chart.png has no alt text; say what it shows, for readers who "
          "cannot see it: ![a map of the tides](media/tide-chart.png)")),
        (first + 7, 10, "error", ("'../secret.png': images and sounds come from the bank's media/ folder, written as "
          "media/<file> (no web address, no '..')")),
        (first + 7, 34, "error", ("'https://example.org/y.png': images and sounds come from the bank's media/ folder, "
          "written as media/<file> (no web address, no '..')")),
        (first + 8, 14, "error", ("'media/notes.txt' is not an image or a sound studydeck knows (images: png, jpg, "
          "gif, webp, svg; sounds: mp3, ogg, opus, wav, m4a, flac)")),
        (first + 8, 36, "error", "cannot draw the formula '\\frac{1}{': no available tokens"),
        (first + 8, 53, "error", "cannot draw the formula '\\nosuchcommand': unknown command \\nosuchcommand"),
        (first + 9, 19, "warning", ("media/big.png is 6.0 MB; every page and deck that shows it carries it: keep "
          "media under 5 MB")),
        (first + 9, 42, "error", "media/link.png is a link to a file outside the bank; copy the file into media/"),
    ]


def test_a_missing_image_is_an_error_with_its_line_and_the_build_stops(rich: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    text = (rich / "questions.yaml").read_text()
    (rich / "questions.yaml").write_text(text.replace("media/tide-chart.png", "media/tide-chrt.png"))
    line = next(n for n, line in enumerate(text.splitlines(), 1) if "(media/tide-chart.png)" in line)
    assert main(["check", str(rich)]) == 1
    out = capsys.readouterr().out
    assert (f"questions.yaml:{line}:42: error: question 'chart': media/tide-chrt.png not found "
            "(did you mean 'media/tide-chart.png'?)") in out
    assert main(["build", str(rich)]) == 1
    assert not (rich / "decks").exists()


# --- Anki ----------------------------------------------------------------------------------------------------

def test_anki_gets_the_media_files_mathjax_and_inert_lookalikes(rich: Path, tmp_path: Path) -> None:
    build(rich, BuildOptions(formats=("anki",), now=1_800_000_000))
    collection = tmp_path / "c.anki2"
    import_package(collection, rich / "decks" / "rich-text.apkg")
    image, sound = _anki_name("tide-chart.png"), _anki_name("chime.wav")
    col = Collection(str(collection))
    try:
        media = Path(col.media.dir())
        assert sorted(p.name for p in media.iterdir()) == sorted([image, sound])
        assert (media / image).read_bytes() == (MEDIA / "tide-chart.png").read_bytes()
        assert (media / sound).read_bytes() == (MEDIA / "chime.wav").read_bytes()
        report = col.media.check()
        assert (list(report.missing), list(report.unused)) == ([], [])
        notes = [col.get_note(nid) for nid in col.find_notes("")]
        chart = next(n for n in notes if "<img" in n.fields[0])
        assert f'<img src="{image}" alt="A tide chart with two high waters"' in chart["Question"]
        assert f"[sound:{sound}]" in chart["Question"]
        assert "\\(T \\approx 12.4\\)" in chart["Question"] and "\\[n = \\frac{24.8}{T}\\]" in chart["Question"]
        assert chart["Answer"] == "Two: \\(24.8 / 12.4 = 2\\)."
        assert '<pre class="code"' in chart["Explanation"] and "<math" not in chart["Question"]

        card = chart.cards()[0]
        question, answer = card.question(), card.answer()
        assert f'<img src="{image}"' in question and "\\(T \\approx 12.4\\)" in question
        assert [t.filename for t in card.question_av_tags() if isinstance(t, SoundOrVideoTag)] == [sound]
        assert "print" in answer and "\\(24.8 / 12.4 = 2\\)" in answer

        cloze = next(n for n in notes if "bulges, so" in n.fields[0]).cards()[0]
        assert "\\[b = 2\\]" in cloze.question() and "\\(x_{1}\\)" in cloze.question()
        assert "[...]" in cloze.question() and "two" in cloze.answer()

        lookalike = next(n for n in notes if "evil" in n.fields[0]).cards()[0]
        assert lookalike.question_av_tags() == []
        assert "&#91;sound:evil.mp3]" in lookalike.note()["Question"]
        assert "&#123;&#123;c1::this&#125;&#125;" in lookalike.note()["Question"]
        assert "[sound:" not in lookalike.question()
    finally:
        col.close()


# --- paper -----------------------------------------------------------------------------------------------------

def _pages(pdf: Path) -> list[str]:
    """Each page's text, as poppler reads it back."""
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                           check=True).stdout).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, count + 1)]


def _pixels(pdf: Path, page: int, folder: Path) -> tuple[int, int, bytes]:
    """A page drawn by poppler at 50 dpi: width, height and RGB bytes."""
    stem = folder / f"{pdf.stem}-{page}"
    subprocess.run(["pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem)],
                   check=True)
    data = stem.with_suffix(".ppm").read_bytes()
    match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert match
    return int(match.group(1)), int(match.group(2)), data[match.end():]


def _box(width: int, rgb: bytes, colour: tuple[int, int, int], tolerance: int = 12) -> tuple[int, int, int, int]:
    """The smallest box (left, top, right, bottom) holding every pixel of a colour."""
    found = [i // 3 for i in range(0, len(rgb), 3) if all(abs(rgb[i + k] - colour[k]) <= tolerance for k in range(3))]
    assert found, "the colour is nowhere on the page"
    xs, ys = [i % width for i in found], [i // width for i in found]
    return min(xs), min(ys), max(xs) + 1, max(ys) + 1


def _count(rgb: bytes, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    return sum(1 for i in range(0, len(rgb), 3)
               if all(abs(rgb[i + k] - colour[k]) <= tolerance for k in range(3)))


def test_the_printed_worksheet_and_key_show_image_formula_and_code(rich: Path, tmp_path: Path) -> None:
    assert main(["build", str(rich), "--pdf"]) == 0
    worksheet, key = rich / "decks" / "rich-text-worksheet.pdf", rich / "decks" / "rich-text-key.pdf"
    pages = _pages(worksheet)
    chart_page = next(n for n, text in enumerate(pages, 1) if "how many come in" in text)
    text = pages[chart_page - 1]
    # The chart is drawn at its own size: its sea's blue spans the picture's width (240 CSS px: 125 px at 50 dpi)
    # and fills much of its box.
    width, _, rgb = _pixels(worksheet, chart_page, tmp_path)
    left, top, right, bottom = _box(width, rgb, CHART_BLUE)
    assert 115 <= right - left <= 130 and 25 <= bottom - top <= 55
    assert _count(rgb, CHART_BLUE) > 0.4 * (right - left) * (bottom - top)
    # The formulas are drawn as math, not left as TeX.
    assert "≈" in text and "12.4" in text and "24.8" in text
    assert "\\frac" not in text and "$" not in text and "\\approx" not in text
    assert "(audio: chime.wav)" in text
    # The code block is whole on one page, highlighted in colour (Pygments' keyword green).
    assert "def highs(hours, period=12.4):" in text and "return hours / period" in text
    assert _count(rgb, (0, 128, 0), tolerance=40) > 0
    # Sub- and superscript are set small (poppler reads them in line), and a trailing backslash breaks the line.
    chemistry = next(text for text in pages if "Sea water" in text)
    assert re.search(r"H\s*2\s*O", chemistry) and re.search(r"divided by 10\s*2\s*\?\s*\n\s*Answer with", chemistry)
    html = (rich / "decks" / "rich-text-worksheet.html").read_text()
    assert "H<sub>2</sub>O; what is 10<sup>3</sup> divided by 10<sup>2</sup>?<br />\nAnswer" in html
    key_text = "".join(_pages(key))
    assert "print(24.8 / 12.4)" in key_text and "In code:" in key_text
    lookalike = "".join(pages)
    assert "[sound:evil.mp3]" in lookalike and "{{c1::this}}" in lookalike and "&#" not in lookalike


def test_a_tall_code_block_does_not_split_across_pages(rich: Path) -> None:
    lines = "\n".join(f"    x{i} = {i}  # line {i}" for i in range(25))
    _add(rich, "".join(f"""
- id: code-{n}
  source: tides
  passage: "the water forms two bulges at once"
  question: |
    Block {n}:

    ```python
{lines}
    ```
  answer: "Nothing."
""" for n in range(4)))
    build(rich, BuildOptions(formats=("html",), pdf=True))
    pages = _pages(rich / "decks" / "rich-text-worksheet.pdf")
    for n in range(4):
        first = next(i for i, text in enumerate(pages) if f"Block {n}:" in text)
        rest = pages[first][pages[first].index(f"Block {n}:"):]
        assert "# line 0" in rest and "# line 24" in rest, f"block {n} is split across pages"


# --- the self-test page ----------------------------------------------------------------------------------------

@pytest.fixture
def page(rich: Path) -> Iterator:
    """The rich bank's self-test page in Chromium: every request but the page itself is refused and recorded,
    as is every console error."""
    build(rich, BuildOptions(formats=("selftest",)))
    url = (rich / "decks" / "rich-text-selftest.html").as_uri()
    chromium = shutil.which("chromium")
    assert chromium, "no system Chromium: bash tests/run.sh installs it"
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        context.set_default_timeout(15000)

        def refuse(route) -> None:
            if route.request.url == url:
                route.continue_()
            else:
                errors.append(f"request {route.request.url}")
                route.abort()

        context.route("**/*", refuse)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        page.goto(url)
        yield page
        context.close()
        browser.close()
    assert errors == []


@pytest.mark.browser
def test_the_self_test_shows_image_formula_sound_and_code_offline(page) -> None:
    assert page.get_attribute("#card", "data-id") == "chart"
    image = page.locator("#prompt img")
    assert image.get_attribute("alt") == "A tide chart with two high waters"
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    assert image.evaluate("i => i.complete && i.naturalWidth") == 240
    boxes = page.eval_on_selector_all("#prompt math", "ms => ms.map(m => [m.getAttribute('display'), "
                                      "m.getBoundingClientRect().width, m.getBoundingClientRect().height])")
    assert [b[0] for b in boxes] == ["inline", "block"] and all(w > 10 and h > 10 for _, w, h in boxes)
    # A fraction is drawn taller than a line of text: MathML laid out, not shown as source.
    assert boxes[1][2] > 1.5 * boxes[0][2] or boxes[1][2] > 30
    assert "\\frac" not in page.inner_text("#prompt")
    page.wait_for_function("document.querySelector('#prompt audio').readyState >= 1")
    assert round(page.eval_on_selector("#prompt audio", "a => a.duration"), 1) == 0.6
    assert page.eval_on_selector("#prompt pre.code", "p => getComputedStyle(p).whiteSpace") == "pre-wrap"
    policy = page.get_attribute("meta[http-equiv='Content-Security-Policy']", "content")
    assert policy.startswith("default-src 'none'; img-src data:; media-src data:; style-src 'unsafe-inline'; ")


# --- the terminal quiz and the bytes of a build ------------------------------------------------------------------

def test_the_quiz_shows_alt_text_path_and_tex(rich: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["", "3"])

    def scripted(prompt: str = "") -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None  # Ctrl-D: the quiz stops

    monkeypatch.setattr("builtins.input", scripted)
    main(["quiz", str(rich), "--progress", str(tmp_path / "p.sqlite3"), "--new", "1"])
    out = capsys.readouterr().out
    assert "[image: A tide chart with two high waters, media/tide-chart.png]" in out
    assert "$T \\approx 12.4$" in out and "$$n = \\frac{24.8}{T}$$" in out
    assert "[audio: media/chime.wav]" in out and "def highs(hours, period=12.4):" in out


def test_builds_are_byte_identical(rich: Path, tmp_path: Path) -> None:
    other = copy_case("rich", tmp_path / "again")
    for project in (rich, other):
        with own_machine(tmp_path / f"data-{project.name}"):  # two copies of one bank, as on two machines
            build(project, BuildOptions(now=1_800_000_000))
    names = sorted(p.name for p in (rich / "decks").iterdir())
    assert names == sorted(p.name for p in (other / "decks").iterdir()) and len(names) == 6
    for name in names:
        assert (rich / "decks" / name).read_bytes() == (other / "decks" / name).read_bytes(), name
    with own_machine(tmp_path / f"data-{rich.name}"):
        build(rich, BuildOptions(now=1_900_000_000))
    assert [(rich / "decks" / n).read_bytes() for n in names] == [(other / "decks" / n).read_bytes() for n in names]


def test_a_media_file_must_hold_what_its_name_says(tmp_path: Path) -> None:
    project = copy_case("rich", tmp_path / "named")
    chart = next(p for p in (project / "media").iterdir() if p.suffix == ".png")
    chart.write_text("not a png")
    sound = next(p for p in (project / "media").iterdir() if p.suffix == ".wav")
    sound.write_bytes((MEDIA / "tide-chart.png").read_bytes())  # a picture named as a sound
    messages = [p.message for p in check(project).errors]
    assert f"media/{chart.name} does not hold what its name says (its bytes show no image or sound format " \
           "studydeck knows); save it in the format its name says, or rename it" in messages
    assert f"media/{sound.name} does not hold what its name says (its bytes show PNG); save it in the format its " \
           "name says, or rename it" in messages
