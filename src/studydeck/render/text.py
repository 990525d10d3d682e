"""Authored text to safe HTML: Markdown rendered, raw HTML escaped, never executed.

Every output's HTML comes through here (see `fields`, which renders each question's text once per build), so
that there is one safe path from the bank to HTML.

The dialect is CommonMark without raw HTML, plus: images and sounds from the bank's `media/` folder
(`![alt](media/map.png)`, `![](media/word.mp3)`), math (`$...$`, `$$...$$`, `\\(...\\)`, `\\[...\\]`),
subscript `H~2~O` and superscript `x^2^`, and fenced code blocks highlighted by Pygments. A text with a blank
line or a fenced block is rendered as blocks (paragraphs, code); any other text inline, as it always was.

Media and math leave this module in a form every output can finish (see `render/embed.py`): an image is
`<img alt=".." data-media="media/..">` (no `src`: nothing is fetched until an output says from where), a
sound is a `<span class="audio" data-media="..">` holding the note printed on paper, and a formula is a
`<span class="math" data-tex="..">` holding its MathML. Text that merely looks like Anki markup (`[sound:..]`,
`[latex]`, `{{c1::..}}`) has its brackets written as character references, so that only declared media
become live in Anki.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup, escape

from .. import mathml
from ..media import is_audio, media_type, normalise

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

# How fenced code looks everywhere: a light box with its own colours, so that it reads the same on paper, on a
# white page and in Anki's night mode; never split by a page break.
CODE_STYLE = "default"
_PRE_STYLE = ("background:#f6f8fa;color:#1f2328;border:1px solid #d0d7de;border-radius:4px;padding:0.5em 0.7em;"
              "margin:0.4em 0;font-size:0.9em;line-height:1.35;white-space:pre-wrap;overflow-wrap:anywhere;"
              "text-align:left;break-inside:avoid;page-break-inside:avoid")
# The page's own style for inline code (a tinted background, padding) must not stripe the block.
_CODE_STYLE = "background:none;border:0;padding:0;font-size:inherit;color:inherit"
_WEB = ("http://", "https://", "mailto:")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import (
        MarkdownIt,  # only when a text has markup: builds that reuse everything never need it
    )
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.subscript import sub_plugin
    from mdit_py_plugins.superscript import superscript_plugin

    # commonmark with html=False turns any raw HTML into text.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "highlight": _highlight})
    md.validateLink = _valid_link  # type: ignore[method-assign]
    # `$5 and $6` is money, not math: no space inside the dollars, no digit after the closing one.
    dollarmath_plugin(md, allow_labels=False, allow_space=False, allow_digits=False, allow_blank_lines=False,
                      double_inline=True)
    md.inline.ruler.before("escape", "math_brackets", _bracket_math)
    md.use(sub_plugin).use(superscript_plugin)
    for name in ("math_inline", "math_inline_double", "math_block"):
        md.add_render_rule(name, _render_math)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    return md


def _valid_link(url: str) -> bool:
    """Web links and relative paths (images and sounds are read from the bank's media folder, and `check`
    refuses any other path); never a `javascript:`, `data:` or `file:` address."""
    return url.lower().startswith(_WEB) or _RELATIVE.match(url) is not None


# A path with no scheme and no host: `media/map.png`, `../x.png`.
_RELATIVE = re.compile(r"(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!//)[^\\]")


def _bracket_math(state: StateInline, silent: bool) -> bool:
    """`\\(...\\)` and `\\[...\\]` as math (before CommonMark reads `\\(` as an escaped bracket)."""
    src, start = state.src, state.pos
    if not src.startswith(("\\(", "\\["), start):
        return False
    close = "\\)" if src[start + 1] == "(" else "\\]"
    end = src.find(close, start + 2, state.posMax)
    if end <= start + 2:
        return False
    if not silent:
        token = state.push("math_inline" if close == "\\)" else "math_inline_double", "math", 0)
        token.content = src[start + 2:end]
        token.markup = src[start:start + 2]
    state.pos = end + 2
    return True


def _render_math(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    display = token.type != "math_inline"
    return math_html(token.content.strip(), display) + ("\n" if token.type == "math_block" else "")


def math_html(tex: str, display: bool) -> str:
    """A formula as MathML in its wrapper (see the module's docstring); TeX that cannot be drawn stays text."""
    try:
        body = mathml.mathml(tex, display)
    except mathml.TexError:
        delimiter = "$$" if display else "$"
        return f'<code class="math-error">{escape(delimiter + tex + delimiter)}</code>'
    kind = "math display" if display else "math"
    return f'<span class="{kind}" data-tex="{escape(tex)}">{body}</span>'


def _render_image(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    src = str(token.attrGet("src") or "")
    path = normalise(src)
    if path is None or media_type(path) is None:
        # Not the bank's own media (`check` says so): shown as the link it would have been, never fetched.
        inner = renderer.renderInline(token.children or [], options, env)
        return f'!<a href="{escape(src)}">{inner}</a>' if src.lower().startswith(_WEB) else f"!{inner}"
    if is_audio(path):
        label = f"{escape(alt)} " if alt.strip() else ""
        return (f'<span class="audio" data-media="{escape(path)}">{label}'
                f"(audio: {escape(posixpath.basename(path))})</span>")
    return f'<img alt="{escape(alt)}" data-media="{escape(path)}">'


def _render_link_open(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                      env: EnvType) -> str:
    return renderer.renderToken(tokens, idx, options, env) if _web_link(tokens[idx]) else ""


def _render_link_close(renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                       env: EnvType) -> str:
    opener = next(t for t in reversed(tokens[:idx]) if t.type == "link_open")  # links do not nest
    return renderer.renderToken(tokens, idx, options, env) if _web_link(opener) else ""


def _web_link(token: Token) -> bool:
    """Whether a link goes to the web; a link to a media file is shown as its text only."""
    return str(token.attrGet("href") or "").lower().startswith(_WEB)


def _highlight(code: str, language: str, attributes: str) -> str:
    """A fenced block as a `<pre>` with Pygments' colours as inline styles (no stylesheet to ship or override)."""
    body = str(escape(code.rstrip("\n")))
    if language:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound

        try:
            lexer = get_lexer_by_name(language)
        except ClassNotFound:
            lexer = None
        if lexer is not None:
            formatter = HtmlFormatter(nowrap=True, noclasses=True, style=CODE_STYLE)
            body = highlight(code, lexer, formatter).rstrip("\n")
    label = f' data-language="{escape(language)}"' if language else ""
    return f'<pre class="code" style="{_PRE_STYLE}"{label}><code style="{_CODE_STYLE}">{body}</code></pre>\n'


# Text without any of these characters renders to itself (with quotes escaped): no need to parse it.
_MARKUP_CHARS = frozenset("*_`[]<>&\\!~^$\n\r")
# A text is blocks (paragraphs, code) when it has a blank line or a fenced block; otherwise it is inline.
_BLOCK = re.compile(r"\n[ \t]*\n|^ {0,3}(```|~~~)", re.MULTILINE)
# Anki acts on these wherever they stand in a field: written as character references they are only text.
_ANKI_MARKUP = re.compile(r"\[(?=/?(?:sound:|latex\]|\$\$?\]|anki:))|\{\{|\}\}")
_INERT = {"[": "&#91;", "{{": "&#123;&#123;", "}}": "&#125;&#125;"}


def is_block(text: str) -> bool:
    """Whether a text is rendered as blocks (it has a blank line or a fenced code block)."""
    return _BLOCK.search(text) is not None


def inline(text: str) -> Markup:
    """Authored Markdown as HTML (see `inline_html`)."""
    return Markup(inline_html(text))


def inline_html(text: str) -> str:
    """Authored Markdown as HTML, for JSON, Anki fields and templates: inline, or blocks when `is_block`."""
    if _MARKUP_CHARS.isdisjoint(text) and "{" not in text and "}" not in text:
        return text.strip().replace('"', "&quot;")
    return parsed_html(text)


def parsed_html(text: str) -> str:
    """`inline_html` without its shortcut for texts that have no markup (the reference the shortcut must meet)."""
    md = _markdown()
    html = md.render(text) if is_block(text) else md.renderInline(text)
    return _ANKI_MARKUP.sub(lambda m: _INERT.get(m.group(), "&#91;"), str(html).strip())


def plain(text: str) -> str:
    """Text as a reader sees it, markup removed: for terminals, sorting and answer comparison.

    Images and sounds read `[image: alt, media/map.png]`, formulas show their TeX between dollars."""
    if _MARKUP_CHARS.isdisjoint(text):
        return text.strip()
    return parsed_plain(text)


def parsed_plain(text: str) -> str:
    """`plain` without its shortcut (see `parsed_html`)."""
    return _plain_blocks(text).strip() if is_block(text) else _plain_inline(_markdown().parseInline(text))


def _plain_blocks(text: str) -> str:
    parts = []
    for token in _markdown().parse(text):
        if token.type == "inline":
            parts.append(_plain_inline([token]))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content.rstrip("\n"))
        elif token.type == "math_block":
            parts.append(f"$${token.content.strip()}$$")
    return "\n\n".join(parts)


def _plain_inline(tokens: Sequence[Token]) -> str:
    return "".join(_plain_child(child) for token in tokens for child in (token.children or [])).strip()


def _plain_child(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " " if token.type == "softbreak" else "\n"
    if token.type in ("math_inline", "math_inline_double"):
        dollars = "$" if token.type == "math_inline" else "$$"
        return f"{dollars}{token.content.strip()}{dollars}"
    if token.type == "image":
        alt = "".join(c.content for c in token.children or [])
        src = str(token.attrGet("src") or "")
        path = normalise(src) or src
        return f"[{'audio' if is_audio(path) else 'image'}: {alt + ', ' if alt else ''}{path}]"
    return ""


class Embedded(NamedTuple):
    """An image, a sound or a formula written in a text: `target` is the image's path as written (after
    Markdown's percent-decoding) or the TeX; `alt` the alt text; `display` whether a formula stands alone."""

    kind: str  # "media" or "math"
    target: str
    alt: str = ""
    display: bool = False


def embedded(text: str) -> list[Embedded]:
    """The images, sounds and formulas of a text, in order, found exactly as rendering finds them."""
    if not any(c in text for c in "!$\\"):
        return []
    md = _markdown()
    found: list[Embedded] = []
    for token in md.parse(text) if is_block(text) else md.parseInline(text):
        if token.type == "math_block":
            found.append(Embedded("math", token.content.strip(), display=True))
        found += _embedded_inline(token.children or [])
    return found


def _embedded_inline(children: Sequence[Token]) -> Iterator[Embedded]:
    from urllib.parse import unquote

    for child in children:
        if child.type in ("math_inline", "math_inline_double"):
            yield Embedded("math", child.content.strip(), display=child.type != "math_inline")
        elif child.type == "image":
            alt = "".join(c.content for c in child.children or [])
            yield Embedded("media", unquote(str(child.attrGet("src") or "")), alt)


def quote(text: str) -> Markup:
    """A verbatim passage: escaped, with its line structure kept."""
    return Markup(quote_html(text))


def quote_html(text: str) -> str:
    """`quote` as a plain string (see `inline_html`)."""
    return "<br>".join(str(escape(text)).splitlines())  # escaping leaves line breaks alone
