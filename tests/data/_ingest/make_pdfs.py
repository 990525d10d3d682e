"""Print article.txt to the PDF fixtures with headless Chromium: run `python make_pdfs.py` in this folder.

- article.pdf: A6 pages with a running header, "Page N of M" footers and words hyphenated at line ends;
- columns.pdf: A5 landscape pages, the title across the page and the text in two columns below it.
Words are hyphenated as a typesetter would: every long word gets soft hyphens, the page is laid out, and the
soft hyphens where a line broke become a hyphen and a line break, the others are removed (Chromium on Linux has
no hyphenation dictionaries, and a soft hyphen left in the text reaches the PDF's text layer as a stray space).
The PDFs are committed so that the tests need no browser; this script is how they were made. It also writes
article-pdftotext.txt, poppler's `pdftotext` reading of article.pdf (no blank lines, form feeds between pages).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).parent

STYLE = {
    "article": """
@page { size: 105mm 148mm; margin: 16mm 12mm 16mm 12mm;
  @top-center { content: "Maritime History Quarterly \\2014 Vol. 12"; font: italic 7pt serif; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 7pt serif; } }
body { font: 10pt/1.35 serif; margin: 0; width: 81mm; }
h1 { font-size: 14pt; text-align: left; } p { margin: 0 0 0.6em; }
""",
    "columns": """
@page { size: A5 landscape; margin: 14mm;
  @top-right { content: "Keepers of the Light"; font: italic 7pt serif; }
  @bottom-center { content: counter(page); font: 7pt serif; } }
body { font: 9.5pt/1.35 serif; margin: 0; }
h1 { font-size: 16pt; column-span: all; }
.text { column-count: 2; column-gap: 9mm; width: 182mm; } p { margin: 0 0 0.6em; }
""",
}


def soft_hyphens(text: str) -> str:
    """A soft hyphen after the fourth letter of every word of nine or more letters."""
    return re.sub(r"\b([A-Za-z]{4})([a-z]{5,})\b", "\\1\u00ad\\2", text)


# For each soft hyphen in each paragraph, whether the line breaks there (the rectangle of the letter right after a
# broken soft hyphen still sits at the end of the line, so the test looks one letter further).
BROKEN = """() => [...document.querySelectorAll("p")].map(p => {
  const node = p.firstChild, text = node.data, flags = [];
  const top = i => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                     return r.getClientRects()[0]?.top ?? -1; };
  for (let i = 0; i < text.length; i++) if (text[i] === "\\u00ad") flags.push(top(i - 1) !== top(i + 2));
  return flags; })"""


def page(kind: str, broken: list[list[bool]] | None = None) -> str:
    """The article as an HTML page styled for one fixture; `broken` says which soft hyphens end a line."""
    title, *paragraphs = (HERE / "article.txt").read_text(encoding="utf-8").split("\n\n")
    texts = [soft_hyphens(html.escape(p.strip())) for p in paragraphs]
    if broken is not None:
        texts = [_typeset(text, flags) for text, flags in zip(texts, broken, strict=True)]
    body = "\n".join(f"<p>{text}</p>" for text in texts)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{STYLE[kind]}</style></head>'
            f'<body><h1>{html.escape(title)}</h1><div class="text">{body}</div></body></html>')


def _typeset(text: str, flags: list[bool]) -> str:
    parts = text.split("\u00ad")
    return parts[0] + "".join(("-<br>" if flag else "") + part for flag, part in zip(flags, parts[1:], strict=True))


def main() -> None:
    """Write both PDFs beside this script (Playwright drives the system Chromium, which honours @page sizes)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "needs Chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for kind in STYLE:
            tab = browser.new_page()
            tab.set_viewport_size({"width": 1200, "height": 800})
            tab.emulate_media(media="print")
            tab.set_content(page(kind))
            tab.set_content(page(kind, tab.evaluate(BROKEN)))
            tab.pdf(path=str(HERE / f"{kind}.pdf"), prefer_css_page_size=True, print_background=True)
            tab.close()
        browser.close()
    subprocess.run(["pdftotext", str(HERE / "article.pdf"), str(HERE / "article-pdftotext.txt")], check=True)


if __name__ == "__main__":
    main()
