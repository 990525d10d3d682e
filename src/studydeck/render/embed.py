"""Images, sounds and formulas finished for one output.

`render/text.py` leaves each of them in a neutral form (an `<img>` without `src`, a `<span class="audio">`
holding the note printed on paper, a `<span class="math">` holding MathML and its TeX) so that a question's
HTML is made once per build. Each output finishes them its own way:

- `ANKI`: images and sounds become Anki media named by content hash (`studydeck-<sha256[:16]>.png`, so a
  changed file updates and two banks never clash), `<img src="...">` and `[sound:...]`; formulas become
  MathJax's `\\(...\\)` and `\\[...\\]`, which Anki draws itself;
- `PRINT`: images embedded as `data:` URIs (the page stays one file and prints offline) at a size that
  fits the page; a sound stays its note ("(audio: word.mp3)"); formulas stay MathML;
- `PAGE` (the self-test): images and sounds embedded as `data:` URIs (an `<audio controls>` player);
  formulas stay MathML.

Only questions that have such things are touched: a bank without them renders exactly as before.
Files are read from the bank's media index only (see `media.py`), each at most once per output.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_module
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from markupsafe import escape

from ..errors import BuildError
from ..media import media_type
from ..model import Bank, MediaFile
from .fields import QuestionHtml

ANKI, PRINT, PAGE = "anki", "print", "page"

# The neutral forms, as render/text.py writes them (attribute values escaped, so no `"` inside).
_EMBED = re.compile(
    r'<img alt="(?P<alt>[^"]*)" data-media="(?P<image>[^"]*)">'
    r'|<span class="audio" data-media="(?P<audio>[^"]*)">(?P<label>[^<]*?)\(audio: [^<]*\)</span>'
    r'|<span class="math(?P<display> display)?" data-tex="(?P<tex>[^"]*)">.*?</span>', re.DOTALL)
_PRINT_IMAGE = "max-width:100%;max-height:85mm;vertical-align:middle;break-inside:avoid;page-break-inside:avoid"
_SCREEN_IMAGE = "max-width:100%;height:auto;vertical-align:middle"


@dataclass
class Finished:
    """One output's question HTML, and what it embedded: Anki media files (name -> bytes), whether any
    image and any sound were embedded (the self-test's Content-Security-Policy allows exactly those)."""

    fields: Mapping[str, QuestionHtml]
    files: dict[str, bytes] = field(default_factory=dict)
    images: bool = False
    sounds: bool = False


def finish(bank: Bank, fields: Mapping[str, QuestionHtml], target: str) -> Finished:
    """The questions' HTML with their media and formulas finished for `target` (ANKI, PRINT or PAGE)."""
    with_embeds = [q.id for q in bank.questions if q.embeds]
    if not with_embeds:
        return Finished(fields)
    finisher = _Finisher(bank.media, target)
    finished = dict(fields)
    for qid in with_embeds:
        finished[qid] = _map(fields[qid], finisher.finish)
    return Finished(finished, dict(sorted(finisher.files.items())), finisher.images, finisher.sounds)


def _map(html: QuestionHtml, change: Callable[[str], str]) -> QuestionHtml:
    gaps = tuple(replace(g, html=change(g.html), hint_html=change(g.hint_html)) for g in html.gaps)
    return replace(html, prompt=change(html.prompt), answer=change(html.answer),
                   explanation=change(html.explanation), choices=tuple(map(change, html.choices)), gaps=gaps)


@dataclass
class _Finisher:
    media: Mapping[str, MediaFile]
    target: str
    files: dict[str, bytes] = field(default_factory=dict)
    images: bool = False
    sounds: bool = False
    _read: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def finish(self, html: str) -> str:
        if "data-" not in html:
            return html
        return _EMBED.sub(self._one, html)

    def _one(self, match: re.Match[str]) -> str:
        if match.group("tex") is not None:
            return self._math(match)
        path = html_module.unescape(match.group("image") or match.group("audio"))  # as the index names it
        loaded = self._load(path)
        if loaded is None:  # not in the index: `check` reported it; leave the neutral form
            return match.group()
        name, data = loaded
        if match.group("image") is not None:
            self.images = True
            return self._image(name, data, path, match.group("alt"))
        self.sounds = True
        return self._audio(name, data, path, match.group("label"), match.group())

    def _math(self, match: re.Match[str]) -> str:
        if self.target != ANKI:
            return match.group()
        tex = match.group("tex")  # already escaped: Anki's fields are HTML, MathJax reads their text
        return f"\\[{tex}\\]" if match.group("display") else f"\\({tex}\\)"

    def _image(self, name: str, data: bytes, path: str, alt: str) -> str:
        if self.target == ANKI:
            return f'<img src="{name}" alt="{alt}" style="{_SCREEN_IMAGE}">'
        style = _PRINT_IMAGE if self.target == PRINT else _SCREEN_IMAGE
        return f'<img src="{_data_uri(path, data)}" alt="{alt}" style="{style}">'

    def _audio(self, name: str, data: bytes, path: str, label: str, note: str) -> str:
        if self.target == ANKI:
            return f"{label}[sound:{name}]"
        if self.target == PRINT:
            return note
        title = label.strip() or str(escape(posixpath.basename(path)))
        return f'{label}<audio controls preload="metadata" src="{_data_uri(path, data)}" title="{title}"></audio>'

    def _load(self, path: str) -> tuple[str, bytes] | None:
        """The Anki name and bytes of an indexed media file, read once."""
        if path in self._read:
            return self._read[path]
        entry = self.media.get(path)
        if entry is None or entry.size < 0 or media_type(path) is None:
            return None
        try:
            data = Path(entry.path).read_bytes()
        except OSError as e:  # changed since the check, or not readable by this user
            raise BuildError(f"cannot read {path}: {e.strerror}; nothing was written") from e
        name = anki_name(path, data)
        self._read[path] = (name, data)
        if self.target == ANKI:
            self.files[name] = data
        return name, data


def anki_name(path: str, data: bytes) -> str:
    """The name a media file has in Anki: by content, so a changed file is a new name and banks never clash."""
    extension = posixpath.splitext(path)[1].lower()
    return f"studydeck-{hashlib.sha256(data).hexdigest()[:16]}{extension}"


def _data_uri(path: str, data: bytes) -> str:
    return f"data:{media_type(path)};base64,{base64.b64encode(data).decode('ascii')}"

