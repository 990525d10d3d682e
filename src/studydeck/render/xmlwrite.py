"""A few lines of XML writing shared by the learning-platform formats: elements as strings, in a fixed order.

Strings rather than ElementTree because item bodies embed XHTML fragments as they are, and because the
attribute order and namespace prefixes must stay exactly as written for byte-identical packages.
"""

from __future__ import annotations

from .lmsparts import xml_text

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def element(tag: str, attrs: dict[str, str | int | float | None] | None = None, *children: str) -> str:
    """`<tag attrs>children</tag>`, or `<tag attrs/>` without children; attributes that are None are left out.

    Children are XML already (from `element`, `text` or an XHTML fragment).
    """
    rendered = "".join(f' {name}="{xml_text(str(value))}"' for name, value in (attrs or {}).items()
                       if value is not None)
    body = "".join(children)
    return f"<{tag}{rendered}>{body}</{tag}>" if body else f"<{tag}{rendered}/>"


def block(tag: str, attrs: dict[str, str | int | float | None] | None = None, *children: str) -> str:
    """`element`, with each child on a line of its own: for the structure of a file, not for its prose."""
    return element(tag, attrs, *(f"\n{child}" for child in children), "\n") if children else element(tag, attrs)


def text(value: str) -> str:
    """Character data, escaped."""
    return xml_text(value)


def document(root: str) -> bytes:
    """A whole XML file in UTF-8, with its declaration and a final newline."""
    return (DECLARATION + root + "\n").encode("utf-8")
