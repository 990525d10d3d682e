"""What the learning-platform formats share: identifiers, well-formed XHTML from the bank's HTML, the
feedback every item carries, the cloze gaps and deterministic zips (used by `qti3`, `qti12` and `moodle`).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from io import BytesIO

from ..model import Bank, Kind, Question
from .fields import GAP_CLOSE, GAP_OPEN, QuestionHtml
from .text import inline_html

# The date every zip entry carries, so that the same bank gives the same bytes (zip dates start in 1980).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_GAP_MARK = re.compile(f"{GAP_OPEN}(\\d+){GAP_CLOSE}")
_SAFE_ID = re.compile(r"[A-Za-z0-9_.-]+")
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def identifier(bank: Bank, question: Question) -> str:
    """A question's identifier in every format: from the deck id and the question id, a valid XML name.

    It starts with a letter whatever the question id starts with; an id with characters an XML name
    cannot hold has them replaced and a digest of the id appended, so two ids never share an identifier.
    """
    if _SAFE_ID.fullmatch(question.id):
        return f"sd{bank.deck_id}-{question.id}"
    digest = hashlib.blake2b(question.id.encode("utf-8"), digest_size=4).hexdigest()
    return f"sd{bank.deck_id}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', question.id)}-{digest}"


def bank_identifier(bank: Bank) -> str:
    """The identifier of the bank as a whole (the test, the quiz, the manifest)."""
    return f"sd{bank.deck_id}"


def xml_text(text: str) -> str:
    """Text escaped for an XML element or a double-quoted attribute value, control characters dropped."""
    return _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# Elements the bank's HTML can contain (inline Markdown, quotes and our own feedback), and which are empty.
_VOID = frozenset({"br", "hr"})


class _Xhtml(HTMLParser):
    """Re-serialises an HTML fragment as XHTML: void elements closed, every text and attribute escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        rendered = "".join(f' {name}="{xml_text(value or "")}"' for name, value in attrs)
        if tag in _VOID:
            self.out.append(f"<{tag}{rendered}/>")
        else:
            self.out.append(f"<{tag}{rendered}>")
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self.open:
            return
        while self.open:  # close what was left open inside it, as a browser would
            closed = self.open.pop()
            self.out.append(f"</{closed}>")
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        self.out.append(_NOT_XML.sub("", data).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def xhtml(html: str) -> str:
    """An HTML fragment (from `inline_html`, `quote_html` or ours) as well-formed XHTML."""
    parser = _Xhtml()
    parser.feed(html)
    parser.close()
    if parser.open:  # an element left open: close it and everything inside it
        parser.handle_endtag(parser.open[0])
    return "".join(parser.out)


def inline_xhtml(text: str) -> str:
    """Authored inline Markdown as XHTML (for the bank's own texts; questions come with their HTML made)."""
    return xhtml(inline_html(text))


def feedback_html(question: Question, html: QuestionHtml, with_answer: bool = True) -> str:
    """What every item shows after an answer: the answer, the explanation and the quoted passage with its
    citation, as XHTML."""
    parts = []
    if with_answer:
        parts.append(f"<p><strong>Answer:</strong> {answer_html(question, html)}</p>")
    if question.explanation:
        parts.append(f"<p>{xhtml(html.explanation)}</p>")
    parts.append(f"<blockquote><p>{xhtml(html.passage)}</p></blockquote>")
    parts.append(f"<p><cite>{xml_text(html.citation)}</cite></p>")
    return "".join(parts)


def answer_html(question: Question, html: QuestionHtml) -> str:
    """The right answer as a reader sees it, as XHTML."""
    if question.kind is Kind.CLOZE:
        return "; ".join(xhtml(g.html) for g in html.gaps)
    return xhtml(html.answer)


def prompt_html(question: Question, html: QuestionHtml) -> str:
    """The question as the learner reads it (not for cloze, whose text holds the gaps), as XHTML."""
    prompt = xhtml(html.prompt)
    if question.kind is Kind.REVERSED:
        return f"<p>Explain what this term means, in your own words:</p><p><strong>{prompt}</strong></p>"
    if question.kind is Kind.TRUE_FALSE:
        return f"<p>True or false?</p><p>{prompt}</p>"
    return f"<p>{prompt}</p>"


def choices_html(html: QuestionHtml) -> list[str]:
    """A choice question's choices as XHTML, in authored order."""
    return [xhtml(choice) for choice in html.choices]


@dataclass(frozen=True)
class Gap:
    """One gap of a cloze text: the words that fill it (plain text) and the hint shown in it."""

    answer: str
    hint: str


def cloze_parts(html: QuestionHtml) -> tuple[list[str], list[Gap]]:
    """A cloze text cut at its gaps: the XHTML around them (one more piece than gaps) and the gaps.

    The text was rendered with a marker for each gap (`fields`), so emphasis around a gap survives; every
    occurrence of a deletion is a gap of its own.
    """
    pieces = _GAP_MARK.split(xhtml(html.prompt))
    return pieces[::2], [Gap(g.text, g.hint) for g in html.gaps]


def type_in_answers(html: QuestionHtml) -> list[str]:
    """Every answer a type-in question accepts, as plain text, without repeats, the main answer first."""
    return list(dict.fromkeys(a for a in html.accept if a))


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of the files in name order, every entry with the same date and permissions."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            # A name ending in "/" is a folder (Canvas's packages have an empty one).
            info.external_attr = (0o40755 << 16) | 0x10 if name.endswith("/") else 0o100644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
