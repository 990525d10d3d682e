"""Authored text to HTML: Markdown rendered, HTML escaped, plain CommonMark where the bank adds nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from studydeck.render.text import (
    embedded,
    inline,
    plain,
    quote,
)

# Plain CommonMark as its own documentation configures it: texts without studydeck's additions render as it does.
_REFERENCE = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(["image"])
_ALPHABET = list("ab \"'*_`<>&[]()!~^${}\\\n1.#-日")


def test_inline_markdown_renders_and_raw_html_is_escaped() -> None:
    assert inline("**bold**, *italic* and `code`") == "<strong>bold</strong>, <em>italic</em> and <code>code</code>"
    assert inline("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert inline("![img](http://x/y.png)") == "!<a href=\"http://x/y.png\">img</a>"  # no image fetched offline
    assert 'href="javascript' not in inline("[x](javascript:alert(1))")


@given(st.text(alphabet=st.sampled_from([c for c in _ALPHABET if c not in "~^${}"]), max_size=40))
def test_texts_without_the_additions_render_as_commonmark_did(text: str) -> None:
    # Links differ only by our stricter URL check; `\(` and `\[` open formulas; a blank line makes blocks.
    if "](" in text or "\\(" in text or "\\[" in text or "\n\n" in text.replace(" ", ""):
        return
    assert inline(text) == _REFERENCE.renderInline(text).strip()


def test_plain_drops_markup_and_quote_keeps_lines_escaped() -> None:
    assert plain("the **Moon** and `x`") == "the Moon and x"
    assert plain("H~2~O, $x^2$ and ![a map](media/map.png)") == "H2O, $x^2$ and [image: a map, media/map.png]"
    assert quote("a < b\nc") == "a &lt; b<br>c"


def test_sub_and_superscript_and_hard_breaks() -> None:
    assert inline("H~2~O and x^2^") == "H<sub>2</sub>O and x<sup>2</sup>"
    assert inline("one\\\ntwo") == "one<br />\ntwo"
    assert inline("one  \ntwo") == "one<br />\ntwo"


def test_dollars_are_money_unless_they_hold_a_formula() -> None:
    assert inline("costs $5 and $6") == "costs $5 and $6"
    assert inline("US$13 billion") == "US$13 billion"
    assert '<span class="math" data-tex="x^2">' in inline("so $x^2$ grows")


def test_every_delimiter_gives_mathml_with_its_tex() -> None:
    for text, display in (("$a+b$", False), ("\\(a+b\\)", False), ("$$a+b$$", True), ("\\[a+b\\]", True)):
        html = inline(text)
        assert html.startswith('<span class="math display"' if display else '<span class="math"'), html
        assert 'data-tex="a+b"' in html and "<mo>+</mo>" in html
        assert f'display="{"block" if display else "inline"}"' in html


def test_tex_cannot_smuggle_html() -> None:
    html = inline("$\\text{<img src=x onerror=alert(1)>}$")
    assert "<img" not in html and "&lt;img" in html


def test_media_leave_text_as_neutral_elements_and_nothing_is_fetched() -> None:
    assert inline("![a map](media/map.png)") == '<img alt="a map" data-media="media/map.png">'
    assert inline("![](media/word.mp3)") == '<span class="audio" data-media="media/word.mp3">(audio: word.mp3)</span>'
    assert "src=" not in inline("![x](../secret.png)") + inline("![x](media/notes.txt)")
    assert "<a" not in inline("[the map](media/map.png)")


def test_text_that_looks_like_anki_markup_stays_text() -> None:
    html = inline("[sound:x.mp3] [latex]x[/latex] {{c1::z}} `[anki:tts]`")
    for live in ("[sound:", "[latex]", "[/latex]", "[anki:", "{{", "}}"):
        assert live not in html
    assert html == ("&#91;sound:x.mp3] &#91;latex]x&#91;/latex] &#123;&#123;c1::z&#125;&#125; "
                    "<code>&#91;anki:tts]</code>")


def test_a_fenced_block_is_highlighted_and_an_inline_text_stays_inline() -> None:
    html = inline("Look:\n\n```python\ndef f(x):\n    return x < 2\n```")
    assert html.startswith("<p>Look:</p>\n<pre class=\"code\"")
    assert '<span style="color: #008000; font-weight: bold">def</span>' in html and "&lt;" in html
    assert inline("```\n<b>\n```").startswith('<pre class="code"')
    assert "<p>" not in inline("one line with `code`")


def test_embedded_finds_media_and_formulas_in_order() -> None:
    found = embedded("![a](media/a.png) then $x$ and\n\n$$\ny\n$$\n")
    assert [(e.kind, e.target, e.display) for e in found] == [("media", "media/a.png", False), ("math", "x", False),
                                                              ("math", "y", True)]
