"""The interactive self-test page (`decks/<bank>-selftest.html`): one file, no network, works offline.

Python does everything that touches authored text: prompts, choices, answers and explanations become
escaped HTML here (render/text.py), and the questions travel to the page's script as JSON inside a
`<script type="application/json">` element, escaped so that nothing in the bank can end that element.
The script only inserts those pre-rendered HTML strings, or plain text through `textContent`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

import jinja2
from markupsafe import Markup

from ..answers import describe_tolerance
from ..errors import TemplateError
from ..model import Bank, Kind, Question, Source
from . import templating
from .base import Output, Rendered, RenderOptions
from .embed import PAGE, finish
from .fields import Gap, QuestionHtml
from .templating import environment
from .text import inline

TEMPLATE = "selftest.html.jinja"
STYLE = "selftest/style.css"
SCRIPT = "selftest/script.js"
ANSWERS = "answers.js"
_DATA = templating.PLACEHOLDER + "studydeck: the question data\ue001"  # where it goes while the page is written
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # json.dumps makes one per call
# Applied with chained str.replace: str.translate falls back to a slow per-character path on non-ASCII text.
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def render(bank: Bank, fields: Mapping[str, QuestionHtml], options: RenderOptions) -> Rendered:
    """The self-test page for the whole bank, as one self-contained HTML file."""
    env = environment(options.templates, len(bank.questions))
    fields = finish(bank, fields, PAGE).fields  # images and sounds embedded: the page stays one offline file

    def write(handle: BinaryIO) -> None:
        # The question data streams in where the template puts it: at 100k questions it is 50 MB of JSON.
        page = page_context(bank, fields, env, data=Markup(_DATA))
        templating.write(handle, env, TEMPLATE, page, fill={_DATA: lambda: _page_json(bank, fields)})

    return Rendered([Output(f"{bank.name}-selftest.html", write)])


def page_context(bank: Bank, fields: Mapping[str, QuestionHtml], env: jinja2.Environment,
                 data: Markup | None = None) -> dict[str, Any]:
    """What the template sees: the bank, the filters' values, the question data as safe JSON (or `data` in its
    place), style and script.

    The style and script are read verbatim (a project's `templates/selftest/` may replace them), and the
    script's hash goes into the page's Content-Security-Policy, so that no other script can run; `media_policy`
    lets it show the images and sounds embedded in it, nothing else.
    """
    if data is None:
        data = Markup("".join(_page_json(bank, fields)))
    filters = page_data(bank, fields, with_questions=False)
    # The answer-checking rule comes first: the page's script and Anki's type-in cards share it.
    script = _verbatim(env, ANSWERS) + "\n" + _verbatim(env, SCRIPT)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return {
        "title": bank.title,
        "description": inline(bank.description),
        "count": len(bank.questions),
        "sources": filters["sources"],
        "tags": filters["tags"],
        "kinds": filters["kinds"],
        "data": data,
        "style": Markup(_verbatim(env, STYLE)),
        "script": Markup(script),
        "script_hash": f"sha256-{digest}",
        "media_policy": media_policy(bank, fields),
    }


def media_policy(bank: Bank, fields: Mapping[str, QuestionHtml]) -> str:
    """The Content-Security-Policy directives that let the page show its own embedded images and sounds
    (`data:` URIs only, and only the kinds it has): empty for a page without them, whose policy stays as strict
    as ever."""
    texts = [text for q in bank.questions if q.embeds for text in _texts(fields[q.id])]
    images = any('<img src="data:' in text for text in texts)
    sounds = any('<audio controls' in text for text in texts)
    return ("img-src data:; " if images else "") + ("media-src data:; " if sounds else "")


def _texts(html: QuestionHtml) -> list[str]:
    return [html.prompt, html.answer, html.explanation, *html.choices, *(g.html for g in html.gaps)]


def _verbatim(env: jinja2.Environment, name: str) -> str:
    """A file from the template folders, as written: CSS and JavaScript are not Jinja templates."""
    try:
        source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    except jinja2.TemplateNotFound as e:
        raise TemplateError(f"template not found: {name}") from e
    return source


def page_data(bank: Bank, fields: Mapping[str, QuestionHtml], with_questions: bool = True) -> dict[str, Any]:
    """Everything the page's script needs, HTML already rendered and escaped (the questions only if asked)."""
    used = sorted({q.source for q in bank.questions})
    present = {q.kind for q in bank.questions}
    data: dict[str, Any] = {
        "bank": bank.name,
        # Progress is stored under the deck_id, the bank's identity (names repeat); as text, since a JavaScript
        # number cannot hold every 63-bit id.
        "deck_id": str(bank.deck_id),
        "kinds": {kind.value: kind.label for kind in Kind if kind in present},
        "sources": {sid: _source(bank.sources[sid]) for sid in used},
        "tags": sorted({tag for q in bank.questions for tag in q.tags}),
    }
    if with_questions:
        data["questions"] = [question_data(q, fields[q.id]) for q in bank.questions]
    return data


def _page_json(bank: Bank, fields: Mapping[str, QuestionHtml]) -> Iterator[str]:
    """The pieces of `script_json(page_data(bank, fields))`, a thousand questions at a time (the questions are
    most of the page: it is never held whole)."""
    rest = page_data(bank, fields, with_questions=False)
    yield str(script_json({k: v for k, v in rest.items() if k < "questions"}))[:-1] + ',"questions":['
    for start in range(0, len(bank.questions), 1000):
        yield ("," if start else "") + ",".join(
            str(script_json(question_data(q, fields[q.id]))) for q in bank.questions[start:start + 1000])
    yield "]," + str(script_json({k: v for k, v in rest.items() if k > "questions"}))[1:]


def script_json(data: Any) -> Markup:
    """JSON that is safe inside a `<script>` element: no `<`, `>` or `&`, no JavaScript line separators."""
    text = _JSON.encode(data)
    for character, escaped in _JSON_ESCAPES:
        text = text.replace(character, escaped)
    return Markup(text)


def _source(source: Source) -> dict[str, str]:
    return {"title": source.title, "byline": source.byline, "citation": source.citation()}


def question_data(question: Question, html: QuestionHtml) -> dict[str, Any]:
    """One question for the page: its HTML, how it is answered and what the feedback shows."""
    data: dict[str, Any] = {
        "id": question.id,
        "kind": question.kind.value,
        "source": question.source,
        "tags": list(question.tags),
        "prompt": html.prompt,
        "answer": html.answer,
        "explanation": html.explanation,
        "passage": html.passage,
        "citation": html.citation,
    }
    if question.kind is Kind.TYPE_IN:
        data["accept"] = list(html.accept)
        if question.tolerance:  # only when given: the page's data stays small
            data.update(tolerance=question.tolerance, tolerance_shown=describe_tolerance(question.tolerance))
    elif question.kind is Kind.CHOICE:
        data["choices"] = list(html.choices)
        data["correct"] = [i for i, c in enumerate(question.choices) if c.correct]
        if not question.shuffle:
            data["shuffle"] = False  # only when set, so that other questions' data stays as it was
    elif question.kind is Kind.TRUE_FALSE:
        data["truth"] = bool(question.truth)
    elif question.kind is Kind.CLOZE:
        data.update(_cloze(html))
    return data


def _cloze(html: QuestionHtml) -> dict[str, Any]:
    return {
        "prompt": html.fill(_blank),
        "answer": html.fill(_shown),
        "gaps": [{"accept": [g.text], "hint": g.hint, "number": g.number, "html": g.html} for g in html.gaps],
    }


def _blank(index: int, gap: Gap) -> str:
    return f'<span class="gap" data-gap="{index}"></span>'


def _shown(index: int, gap: Gap) -> str:
    return f'<mark class="gap-answer">{gap.html}</mark>'
