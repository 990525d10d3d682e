"""Web pages to paragraphs: trafilatura finds the article and its metadata; this module only maps its result.

trafilatura (with `favor_recall`, comments left out) drops navigation, share links, cookie notices, related
links, comment sections and footers, and reads the title, authors, site name, date and canonical URL from the
page's meta tags and JSON-LD. It drops figures whole, so their captions are first turned into marked paragraphs.
"""

from __future__ import annotations

from typing import Any

from ..errors import StudydeckError
from ..model import Role
from .document import Block, Extracted, Meta, clean

# Stands in front of a figure's caption while trafilatura reads the page; letters it keeps as text.
_CAPTION = "STUDYDECKCAPTION"


def read_html(data: bytes, name: str, url: str | None = None) -> Extracted:
    """The article on a web page as blocks, with its metadata; `url` is where the page came from, if known."""
    import trafilatura

    tree = _captions_as_paragraphs(data, name)
    document: Any = trafilatura.bare_extraction(tree, url=url, favor_recall=True, include_comments=False,
                                                include_tables=True, with_metadata=True)
    if document is None or document.body is None:
        raise StudydeckError(f"{name}: found no article text on this page")
    blocks, dropped = _blocks(document.body)
    around = _visible_words(tree) - sum(len(b.text.split()) for b in blocks)
    if around > 0:
        dropped.append(f"about {around} words of navigation, links, comments and other text around the article")
    meta = Meta(
        title=clean(document.title) if document.title else None,
        authors=tuple(clean(a) for a in (document.author or "").split(";") if a.strip()),
        publication=clean(document.sitename) if document.sitename else None,
        date=document.date or None,
        url=document.url or url,
    )
    return Extracted(meta, tuple(blocks), tuple(dropped))


def _captions_as_paragraphs(data: bytes, name: str) -> Any:
    """The parsed page with each captioned <figure> replaced by a paragraph holding its marked caption."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        tree: Any = lxml.html.document_fromstring(data)
    except (ParserError, ValueError) as e:
        raise StudydeckError(f"{name}: cannot read this page as HTML ({e})") from e
    for figure in tree.xpath("//figure[figcaption]"):
        caption = clean(" ".join(figure.find("figcaption").itertext()))
        paragraph = lxml.html.Element("p")
        paragraph.text = f"{_CAPTION} {caption}"
        paragraph.tail = figure.tail
        figure.getparent().replace(figure, paragraph)
    return tree


def _visible_words(tree: Any) -> int:
    """How many words the page shows (roughly: the text of its body, without scripts and styles)."""
    body = tree.find("body")
    if body is None:
        return 0
    hidden = {"script", "style", "noscript", "template"}
    return sum(len((node.text or "").split()) * (node.tag not in hidden) + len((node.tail or "").split())
               for node in body.iter() if isinstance(node.tag, str))


def _blocks(body: Any) -> tuple[list[Block], list[str]]:
    """trafilatura's XML (head, p, list/item, quote, table/row/cell) as blocks."""
    for line_break in body.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    blocks: list[Block] = []
    tables = 0
    for element in body:
        if element.tag == "table":
            tables += 1
            continue
        blocks += _element_blocks(element)
    return blocks, [f"tables ({tables})"] if tables else []


def _element_blocks(element: Any) -> list[Block]:
    if element.tag == "list":
        items = [clean("".join(item.itertext())) for item in element.iter("item")]
        items = [item for item in items if item]
        return [Block(Role.LIST, "\n".join(items))] if items else []
    if element.tag == "quote" and len(element) and all(child.tag == "p" for child in element):
        return [block for child in element for block in _element_blocks(child)]
    text = clean("".join(element.itertext()))
    if not text:
        return []
    if element.tag == "head":
        return [Block(Role.HEADING, text)]
    if text.startswith(_CAPTION):
        caption = text[len(_CAPTION):].strip()
        return [Block(Role.CAPTION, caption)] if caption else []
    return [Block(Role.TEXT, text)]
