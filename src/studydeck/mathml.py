"""TeX to MathML with latex2mathml, made safe to put in a page: no script, no network, no raw HTML.

latex2mathml writes its text through `xml.sax.saxutils.unescape`, so `\\text{<b>}` would come out as a live
tag: the element tree is serialised here instead, every text escaped, only MathML elements and harmless
attributes kept. The same conversion serves `check` (which reports TeX it cannot convert) and the renderers,
so a formula that passes `check` is one that prints.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from xml.etree.ElementTree import Element

# MathML Core's elements (and the few latex2mathml also writes); anything else is refused.
_ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mfrac", "msqrt", "mroot", "mstyle", "merror",
    "mpadded", "mphantom", "menclose", "msub", "msup", "msubsup", "munder", "mover", "munderover", "mmultiscripts",
    "mprescripts", "none", "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation", "maction", "mfenced",
})
# Presentation attributes only: no href, no event handlers, no style.
_ATTRIBUTES = frozenset({
    "xmlns", "display", "mathvariant", "mathcolor", "mathbackground", "mathsize", "stretchy", "fence", "separator",
    "lspace", "rspace", "columnalign", "columnlines", "columnspacing", "rowalign", "rowlines", "rowspacing", "frame",
    "framespacing", "width", "height", "depth", "linethickness", "accent", "accentunder", "movablelimits",
    "symmetric", "minsize", "maxsize", "largeop", "form", "displaystyle", "scriptlevel", "notation", "align",
    "voffset", "open", "close", "separators", "encoding",
})
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")


class TexError(ValueError):
    """Raised when a formula cannot be converted; the message says why in an author's words."""


@lru_cache(maxsize=4096)
def mathml(tex: str, display: bool) -> str:
    """The formula as a `<math>` element (display: a block of its own). Raises TexError."""
    # Imported only for banks that have formulas.
    from latex2mathml.converter import convert_to_element

    try:
        root = convert_to_element(tex, display="block" if display else "inline")
    except Exception as e:  # latex2mathml raises many kinds, all meaning "cannot read this TeX"
        raise TexError(_reason(e)) from e
    return _serialise(root)


def problem(tex: str) -> str | None:
    """Why a formula cannot be drawn, or None when it can (used by `check`)."""
    if not tex.strip():
        return "empty formula"
    try:
        mathml(tex, False)
    except TexError as e:
        return str(e)
    return None


def _reason(error: Exception) -> str:
    name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).lower().removesuffix(" error")
    detail = str(error).strip()
    return f"{name}{f' ({detail})' if detail else ''}"


def _serialise(element: Element) -> str:
    if element.tag not in _ELEMENTS:
        raise TexError(f"unsupported construct <{element.tag}>")
    attributes = "".join(f' {name}="{html.escape(html.unescape(value))}"'
                         for name, value in element.attrib.items() if name in _ATTRIBUTES)
    text = _text(element.text, element.tag)
    children = "".join(_serialise(child) + _text(child.tail, element.tag) for child in element)
    return f"<{element.tag}{attributes}>{text}{children}</{element.tag}>"


def _text(value: str | None, tag: str) -> str:
    """An element's text, its entities (latex2mathml writes `&#x0002B;`) decoded and then escaped again."""
    if not value:
        return ""
    decoded = html.unescape(value)
    if tag != "mtext":
        unknown = _UNKNOWN_COMMAND.fullmatch(decoded.strip())
        if unknown:
            raise TexError(f"unknown command {unknown.group()}")
    return html.escape(decoded, quote=False)
