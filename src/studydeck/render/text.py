"""Authored text to safe HTML: inline Markdown rendered, raw HTML escaped, never executed.

Every output's HTML comes through here (see `fields`, which renders each question's text once per build), so
that there is one safe path from the bank to HTML.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt  # only when a text has markup: builds that reuse everything never need it

    # commonmark with html=False turns any raw HTML into text; images would fetch from the network.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image"])
    md.validateLink = lambda url: url.lower().startswith(("http://", "https://", "mailto:"))  # type: ignore[method-assign]
    return md


# Text without any of these characters renders to itself (with quotes escaped): no need to parse it.
_MARKUP_CHARS = frozenset("*_`[]<>&\\!~\n\r")


def inline(text: str) -> Markup:
    """Inline Markdown (bold, italics, code, links) as HTML; everything else escaped."""
    return Markup(inline_html(text))


def inline_html(text: str) -> str:
    """`inline` as a plain string, for HTML that goes into JSON or an Anki field rather than a template."""
    if _MARKUP_CHARS.isdisjoint(text):
        return text.strip().replace('"', "&quot;")
    return str(_markdown().renderInline(text).strip())


def plain(text: str) -> str:
    """Text as a reader sees it, markup removed: for terminals, sorting and answer comparison."""
    if _MARKUP_CHARS.isdisjoint(text):
        return text.strip()
    tokens = _markdown().parseInline(text)
    return "".join(child.content for token in tokens for child in (token.children or []) if child.type in
                   ("text", "code_inline", "softbreak", "hardbreak")).strip()


def quote(text: str) -> Markup:
    """A verbatim passage: escaped, with its line structure kept."""
    return Markup(quote_html(text))


def quote_html(text: str) -> str:
    """`quote` as a plain string (see `inline_html`)."""
    return "<br>".join(str(escape(text)).splitlines())  # escaping leaves line breaks alone
