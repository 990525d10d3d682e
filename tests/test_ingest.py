"""`studydeck source add`: saved web pages, PDFs, text and Markdown become sources whose body paragraphs match
the original word for word, without the page furniture; and `check` warns about sources that lost their breaks.

Fixtures in tests/data/_ingest/ (a leading "_": shared data, not a check scenario): three article pages with
different site structures and their chrome, two PDFs printed by Chromium from article.txt (make_pdfs.py made
them), and pdftotext's reading of one of them.
"""

from __future__ import annotations

import http.server
import io
import re
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from studydeck import check
from studydeck.cli import main
from studydeck.errors import Severity, StudydeckError
from studydeck.ingest import ingest, slug
from studydeck.ingest.add import fetch
from studydeck.ingest.document import clean
from studydeck.model import Role
from studydeck.sources import read_source

from .conftest import REPO

DATA = Path(__file__).parent / "data" / "_ingest"
ARTICLE_TITLE, *ARTICLE = [p.strip() for p in (DATA / "article.txt").read_text(encoding="utf-8").split("\n\n")]


def paragraphs_of(text: str, tmp_path: Path, name: str = "added") -> list[tuple[Role, str]]:
    """A written source read back by studydeck's own loader (which must find nothing wrong with it)."""
    path = tmp_path / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    source, problems = read_source(path, path.name, path.read_bytes())
    assert problems == [], problems
    assert source is not None
    return [(p.role, p.text) for p in source.paragraphs]


def texts(paragraphs: list[tuple[Role, str]]) -> list[str]:
    """The paragraphs a reader quotes: text and list items (one per item)."""
    out: list[str] = []
    for role, text in paragraphs:
        if role is Role.TEXT:
            out.append(text)
        elif role is Role.LIST:
            out += text.split("\n")
    return out


# Per page: where its body paragraphs are (read from the fixture itself), and text of its chrome.
PAGES = {
    "news.html": (
        "//div[@class='story-body']/p",
        ["Accept all cookies", "cookies to give you", "Maritime crafts", "Events and open days", "Share on Facebook",
         "Email this story", "Share this article", "Related articles", "last windmills of Flanders",
         "My grandfather worked", "Leave a comment", "Post comment", "All rights reserved", "Privacy policy",
         "Search the archive", "6 min read", "Tags:"],
    ),
    "blog.html": (
        "//div[@class='entry-content']/p | //div[@class='entry-content']/ul/li",
        ["Skip to content", "Starter guide", "Get in touch", "Click to share", "Share this", "Posted in",
         "Tagged", "Previous post", "Next post", "thoughts on", "best loaf I have ever made", "whole wheat flour",
         "Leave a Reply", "will not be published", "Recent Posts", "Newsletter", "No spam", "Sign me up",
         "powered by WordPress", "uses cookies", "Cookie settings", "Slow bread for busy people"],
    ),
    "magazine.html": (
        "//div[@class='article-body']/p | //div[@class='article-body']/blockquote/p",
        ["Accept All Cookies", "storing of cookies", "Subscribe for $1", "Sign in", "Podcasts", "Newsletters",
         "Copy link", "Read more:", "reefs that sing", "newsletter", "every Friday", "Sign up", "Most read",
         "Ten islands", "Advertisement", "You might also like", "darker than you think", "Careers",
         "Media Ltd", "This article was amended"],
    ),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_saved_page_keeps_every_body_paragraph_and_no_chrome(page: str, tmp_path: Path) -> None:
    data = (DATA / page).read_bytes()
    xpath, chrome = PAGES[page]
    expected = [clean(node.text_content()) for node in lxml.html.document_fromstring(data).xpath(xpath)]
    result = ingest(data, page)
    kept = texts(paragraphs_of(result.text, tmp_path))
    assert kept == expected  # every body paragraph, word for word, in order, and nothing else
    for text in chrome:
        assert text.lower() not in result.text.lower(), f"chrome kept: {text}"
    assert result.paragraphs == len(paragraphs_of(result.text, tmp_path)) - sum(
        result.furniture.values())
    assert any("words of navigation" in item for item in result.dropped)


def test_a_page_keeps_its_headings_and_captions_as_furniture(tmp_path: Path) -> None:
    result = ingest((DATA / "news.html").read_bytes(), "news.html")
    paragraphs = paragraphs_of(result.text, tmp_path)
    assert (Role.HEADING, "How a tide mill works") in paragraphs
    assert (Role.HEADING, "Decline and restoration") in paragraphs
    assert (Role.CAPTION, "The restored mill at Le Birlot, on the island of Bréhat, at low tide.") in paragraphs
    # the title is in the front matter, not repeated as the first heading
    assert paragraphs[0] == (Role.TEXT, ARTICLE_NEWS_FIRST)
    assert result.furniture == {"caption": 1, "heading": 2}


ARTICLE_NEWS_FIRST = ("For six centuries the tide mills of the Breton coast ground grain with the sea’s own rhythm. "
                      "A dam closed a creek at high water, and the ebb turned the wheel for a few hours twice a day.")


@pytest.mark.parametrize(("page", "front_matter"), [
    ("news.html", ['title: "The tide mills of Brittany are turning again"', 'authors: ["Anne Le Goff"]',
                   'publication: "Coastal Heritage Review"', "year: 2021", 'date: "2021-03-14"',
                   'url: "https://coastal-heritage.example/features/2021/03/tide-mills-brittany"']),
    ("blog.html", ['title: "Why sourdough needs time"', 'authors: ["Tomasz Wójcik"]',
                   'publication: "The Patient Baker"', "year: 2023", 'date: "2023-11-02"',
                   'url: "https://patientbaker.example/2023/11/why-sourdough-needs-time/"']),
    ("magazine.html", ['title: "Listening to the deep: how whales shaped ocean acoustics"',
                       'authors: ["Grace Okafor", "Lars Henriksen"]', 'publication: "Field & Current"', "year: 2019",
                       'date: "2019-06-21"', 'url: "https://fieldandcurrent.example/ocean/listening-to-the-deep"']),
])
def test_a_page_s_attribution_goes_to_the_front_matter(page: str, front_matter: list[str]) -> None:
    text = ingest((DATA / page).read_bytes(), page).text
    assert text.split("\n---\n")[0].split("\n")[1:] == front_matter  # no `retrieved:` for a saved page


def test_invisible_characters_of_web_copies_are_removed(tmp_path: Path) -> None:
    kept = texts(paragraphs_of(ingest((DATA / "magazine.html").read_bytes(), "magazine.html").text, tmp_path))
    assert "captured by naval hydrophones built" in kept[0]  # a zero-width space inside the word
    assert "four and a half times" in kept[1]  # a no-break space
    assert "one acoustician told us" in kept[3]  # a soft hyphen


@pytest.mark.parametrize("pdf", ["article.pdf", "columns.pdf"])
def test_a_pdf_comes_back_as_its_paragraphs_in_order(pdf: str, tmp_path: Path) -> None:
    """Multi-page with running heads, page numbers and words hyphenated at line ends; the second in two columns."""
    result = ingest((DATA / pdf).read_bytes(), pdf)
    assert texts(paragraphs_of(result.text, tmp_path)) == ARTICLE
    assert 'title: "Keepers of the Light"' in result.text
    assert "Page 1" not in result.text and "Quarterly" not in result.text
    assert any(item.startswith("page numbers") for item in result.dropped)
    assert any(item.startswith("running head") for item in result.dropped)


def test_the_pdf_fixtures_have_what_they_test() -> None:
    """Hyphenated line ends, running heads and page numbers, and two columns side by side (in pdftotext's
    layout mode, a line that holds words of two paragraphs)."""
    import subprocess

    layout = subprocess.run(["pdftotext", "-layout", str(DATA / "columns.pdf"), "-"], capture_output=True,
                            text=True, check=True).stdout
    assert any(re.search(r"\S {3,}\S", line) for line in layout.splitlines()[3:])
    plain = (DATA / "article-pdftotext.txt").read_text(encoding="utf-8")
    assert plain.count("\f") >= 2 and "Page 2 of 3" in plain and plain.count("Maritime History Quarterly") == 3
    raw = subprocess.run(["pdftotext", "-raw", str(DATA / "article.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert re.search(r"[a-z]-\n[a-z]", raw)


def test_pdftotext_output_is_reflowed_into_paragraphs(tmp_path: Path) -> None:
    """No blank lines between paragraphs; page breaks, running heads and page numbers in between."""
    result = ingest((DATA / "article-pdftotext.txt").read_bytes(), "article.txt")
    assert texts(paragraphs_of(result.text, tmp_path)) == ARTICLE
    assert 'title: "Keepers of the Light"' in result.text


def test_hard_wrapped_text_without_blank_lines_is_reflowed(tmp_path: Path) -> None:
    wrapped = "\n".join([ARTICLE_TITLE, *(textwrap.fill(p, 64) for p in ARTICLE)])
    result = ingest(wrapped.encode(), "notes.txt")
    assert texts(paragraphs_of(result.text, tmp_path)) == ARTICLE
    assert result.id == "keepers-of-the-light"


def test_text_with_blank_lines_keeps_its_paragraphs_and_undoes_hyphenation(tmp_path: Path) -> None:
    text = "A well-known harbour\n\nThe harbour was well-\nknown to every sailor, and its entr-\nance was narrow.\n"
    result = ingest(text.encode(), "harbour.txt")
    assert texts(paragraphs_of(result.text, tmp_path)) == [
        "The harbour was well-known to every sailor, and its entrance was narrow."]


def test_markdown_keeps_its_structure_and_front_matter(tmp_path: Path) -> None:
    markdown = textwrap.dedent("""\
        ---
        title: Field notes on tides
        author: Ada Lovelace
        date: 2020-05-01
        ---

        # Field notes on tides

        The sea rose twice a day, as it does
        everywhere on this coast, and [the almanac](https://example.org) said when.

        ![A chart](chart.png)

        ## What we measured

        - the height of each high water;
        - the time it came.

        [caption] The tide gauge at the harbour mouth.
        """)
    result = ingest(markdown.encode(), "notes.md")
    assert paragraphs_of(result.text, tmp_path) == [
        (Role.TEXT, "The sea rose twice a day, as it does everywhere on this coast, and the almanac said when."),
        (Role.HEADING, "What we measured"),
        (Role.LIST, "the height of each high water;\nthe time it came."),
        (Role.CAPTION, "The tide gauge at the harbour mouth."),
    ]
    assert 'authors: ["Ada Lovelace"]' in result.text and 'date: "2020-05-01"' in result.text
    assert "images (1)" in result.dropped


def test_the_same_input_gives_the_same_file() -> None:
    for name in ("news.html", "article.pdf", "article-pdftotext.txt"):
        data = (DATA / name).read_bytes()
        assert ingest(data, name).text == ingest(data, name).text


def test_slugs() -> None:
    assert slug("NATO and Japan : Strengthening Asian stability") == "nato-and-japan-strengthening-asian-stability"
    assert slug("Bréhat’s mills, 1900–1950") == "brehat-s-mills-1900-1950"
    assert slug("!!!") == "source"
    assert len(slug("word " * 40)) <= 60


# --- the command ---------------------------------------------------------------------------------------------


def test_source_add_writes_the_source_and_says_what_it_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    assert main(["source", "add", str(DATA / "article.pdf"), str(tmp_path)]) == 0
    out = capsys.readouterr().out
    written = tmp_path / "sources" / "keepers-of-the-light.md"
    assert f"wrote {written}: 7 paragraphs, {sum(len(p.split()) for p in ARTICLE)} words" in out
    assert "dropped: page numbers (3)" in out
    assert "dropped: running head or footer “Maritime History Quarterly —Vol. 12” (3 pages)" in out
    assert texts(paragraphs_of(written.read_text(encoding="utf-8"), tmp_path)) == ARTICLE


def test_source_add_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["source", "add", str(DATA / "blog.html"), str(tmp_path)]) == 0
    written = tmp_path / "sources" / "why-sourdough-needs-time.md"
    written.write_text("edited by hand", encoding="utf-8")
    capsys.readouterr()
    assert main(["source", "add", str(DATA / "blog.html"), str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"studydeck: {written} already exists; studydeck does not overwrite a source" in err
    assert written.read_text(encoding="utf-8") == "edited by hand"
    assert main(["source", "add", str(DATA / "blog.html"), "--id", "why-sourdough-needs-time", str(tmp_path)]) == 1


def test_source_add_with_an_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["source", "add", str(DATA / "magazine.html"), "--id", "whales-2019", str(tmp_path)]) == 0
    assert (tmp_path / "sources" / "whales-2019.md").exists()
    assert main(["source", "add", str(DATA / "magazine.html"), "--id", "Whales 2019", str(tmp_path)]) == 1
    assert "--id 'Whales 2019': a source id uses lower-case letters" in capsys.readouterr().err


def test_source_add_reads_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    piped = (DATA / "article-pdftotext.txt").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(piped)))
    assert main(["source", "add", "-", "--id", "piped", str(tmp_path)]) == 0
    assert texts(paragraphs_of((tmp_path / "sources" / "piped.md").read_text(encoding="utf-8"), tmp_path)) == ARTICLE


def test_source_add_explains_what_it_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["source", "add", str(tmp_path / "missing.pdf"), str(tmp_path)]) == 1
    assert "missing.pdf: cannot read (No such file or directory)" in capsys.readouterr().err
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 this is not really a PDF")
    assert main(["source", "add", str(tmp_path / "broken.pdf"), str(tmp_path)]) == 1
    assert "broken.pdf: " in capsys.readouterr().err
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait.".encode("latin-1"))
    assert main(["source", "add", str(tmp_path / "latin1.txt"), "--id", "cafe", str(tmp_path)]) == 1
    assert "latin1.txt: not UTF-8 text" in capsys.readouterr().err
    assert not (tmp_path / "sources").exists() or not list((tmp_path / "sources").iterdir())


@pytest.fixture
def server() -> Iterator[str]:
    """A web server on 127.0.0.1 serving the news page at /story (and a redirect to it); no other network."""
    page = (DATA / "news.html").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/old":
                self.send_response(301)
                self.send_header("Location", "/story")
                self.end_headers()
            elif self.path == "/story":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
            else:
                self.send_error(404, "Not Found")

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_source_add_fetches_a_url(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["source", "add", f"{server}/old", "--id", "tide-mills", str(tmp_path)]) == 0
    text = (tmp_path / "sources" / "tide-mills.md").read_text(encoding="utf-8")
    saved = ingest((DATA / "news.html").read_bytes(), "news.html").text
    assert re.search(r'^retrieved: "\d{4}-\d\d-\d\d"$', text, re.MULTILINE)
    assert re.sub(r'retrieved: ".*"\n', "", text) == saved  # the page's canonical URL, as from the saved file
    assert main(["source", "add", f"{server}/nowhere", str(tmp_path)]) == 1
    assert "/nowhere: the server answered 404 Not Found" in capsys.readouterr().err


def test_fetch_refuses_a_page_over_the_size_limit(server: str) -> None:
    with pytest.raises(StudydeckError) as raised:
        fetch(f"{server}/story", limit=1000)
    assert "larger than" in str(raised.value)


# --- the added source in a bank --------------------------------------------------------------------------------


def test_a_passage_quoted_from_an_added_source_is_found(tmp_path: Path) -> None:
    project = tmp_path / "bank"
    assert main(["init", str(project)]) == 0
    assert main(["source", "add", str(DATA / "columns.pdf"), "--id", "keepers", str(project)]) == 0
    assert main(["source", "add", str(DATA / "news.html"), str(project)]) == 0
    with (project / "questions.yaml").open("a", encoding="utf-8") as questions:
        questions.write(textwrap.indent(textwrap.dedent("""
            - id: fresnel-lens
              source: keepers
              passage: "Augustin Fresnel designed a lens built from concentric rings of glass prisms"
              question: Who designed a lens built from rings of glass prisms?
              answer: Augustin Fresnel
            - id: tide-mill-night
              source: the-tide-mills-of-brittany-are-turning-again
              passage: "many worked through the night"
              question: When did many millers work?
              answer: Through the night
            """), "  "))
    report = check(project)
    assert report.passed(strict=True), [str(p) for p in report.problems]
    assert report.bank is not None
    found = {q.id: q.paragraphs for q in report.bank.questions}
    assert found["fresnel-lens"] == (4,)
    assert found["tide-mill-night"] == (3,)  # the third text paragraph: the caption and heading are not counted


# --- check: what is not a source, and paragraphs that lost their breaks ------------------------------------------


def bank_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> list[str]:
    """Warnings of `check` on a new bank with these extra files in sources/ (checked from its folder)."""
    project = tmp_path / "bank"
    assert main(["init", str(project)]) == 0
    for name, text in files.items():
        (project / "sources" / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(project)
    return [str(p) for p in check(".").problems if p.severity is Severity.WARNING]


def test_a_file_in_sources_that_is_not_a_source_gets_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warnings = bank_with(tmp_path, monkeypatch, {"notes.txt": "Some text.\n", ".DS_Store": ""})
    assert warnings == [(
        "sources/notes.txt:1:1: warning: not read: sources are '.md' files; rename it to 'notes.md' if it is "
        "already in studydeck's source format, or run 'studydeck source add sources/notes.txt' to make one from it"
    )]


def test_a_very_long_paragraph_gets_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = " ".join(ARTICLE)  # 375 words run together
    warnings = bank_with(tmp_path, monkeypatch, {"long.md": f"---\ntitle: Long\n---\n\n{body}\n\nShort.\n"})
    assert warnings == [("sources/long.md:5:1: warning: paragraph 1 has 375 words: paragraph breaks are probably "
                         "missing (separate paragraphs with a blank line)")]


def test_a_hard_wrapped_paragraph_that_runs_several_together_gets_a_warning(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    run_together = "\n".join(textwrap.fill(p, 64) for p in ARTICLE[:2])  # 107 words, no blank line between
    wrapped_fine = "\n\n".join(textwrap.fill(p, 64) for p in ARTICLE[2:])
    source = f"---\ntitle: W\n---\n\n{run_together}\n\n{wrapped_fine}\n"
    warnings = bank_with(tmp_path, monkeypatch, {"wrapped.md": source})
    assert warnings == [("sources/wrapped.md:5:1: warning: paragraph 1 has lines that end sentences short of the "
                         "margin: paragraph breaks are probably missing (separate paragraphs with a blank line)")]


def test_the_repository_s_own_bank_stays_free_of_warnings() -> None:
    report = check(REPO)
    assert report.passed(strict=True), [str(p) for p in report.problems]


def test_a_document_too_large_for_a_source_is_refused_before_anything_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import studydeck.ingest.add as add
    from studydeck.cli import main

    monkeypatch.setattr(add, "MAX_SOURCE_BYTES", 4096)  # what `check` accepts, made small for the test
    document = tmp_path / "long.txt"
    document.write_text("\n\n".join(f"Paragraph {n} says something about the sea." for n in range(400)))
    assert main(["source", "add", str(document), "--id", "long", str(tmp_path / "bank")]) == 1
    assert "a source is one article, at most 0 MiB: split the document" in capsys.readouterr().err
    assert not (tmp_path / "bank" / "sources" / "long.md").exists()
