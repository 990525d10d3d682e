"""Authored text to HTML: Markdown rendered, HTML escaped, and the fast path identical to the parser."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from studydeck.render.text import inline, plain, quote

# The parser as its own documentation configures it, independently of ours: the reference for the fast paths.
_REFERENCE = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(["image"])


def test_inline_markdown_renders_and_raw_html_is_escaped() -> None:
    assert inline("**bold**, *italic* and `code`") == "<strong>bold</strong>, <em>italic</em> and <code>code</code>"
    assert inline("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert inline("![img](http://x/y.png)") == "!<a href=\"http://x/y.png\">img</a>"  # no image fetched offline
    assert 'href="javascript' not in inline("[x](javascript:alert(1))")


@given(st.text(alphabet=st.sampled_from(list("ab \"'*_`<>&[]()!~\\\n1.#-日")), max_size=40))
def test_the_fast_path_gives_exactly_what_the_parser_gives(text: str) -> None:
    expected = _REFERENCE.renderInline(text).strip()
    assert inline(text) == expected or "](" in text  # links differ only by our stricter URL check


def test_plain_drops_markup_and_quote_keeps_lines_escaped() -> None:
    assert plain("the **Moon** and `x`") == "the Moon and x"
    assert quote("a < b\nc") == "a &lt; b<br>c"


@given(st.text(alphabet=st.sampled_from(list("ab \"'*_`<>&[]()!~\\\n1.#-日")), max_size=40))
def test_plain_fast_path_matches_the_parser(text: str) -> None:
    tokens = _REFERENCE.parseInline(text)
    parsed = "".join(c.content for t in tokens for c in (t.children or [])
                     if c.type in ("text", "code_inline", "softbreak", "hardbreak")).strip()
    assert plain(text) == parsed
