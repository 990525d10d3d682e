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
from collections.abc import Iterator
from typing import Any, BinaryIO

import jinja2
from markupsafe import Markup

from .. import cloze
from ..answers import describe_tolerance
from ..build import BuildContext, Rendered
from ..cache import Memo, citation_key
from ..errors import TemplateError
from ..model import Bank, Kind, Question, Source
from ..write import Output
from . import templating
from .templating import environment
from .text import inline, inline_html, plain, quote_html

TEMPLATE = "selftest.html.jinja"
STYLE = "selftest/style.css"
SCRIPT = "selftest/script.js"
ANSWERS = "answers.js"
# A gap's place in a cloze text while the text around it goes through Markdown; private-use characters
# that Markdown leaves alone and that authored text is stripped of first.
_GAP_OPEN, _GAP_CLOSE = "\ue000", "\ue001"
_DATA = templating.PLACEHOLDER + "studydeck: the question data\ue001"  # where it goes while the page is written
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # json.dumps makes one per call
# Applied with chained str.replace: str.translate falls back to a slow per-character path on non-ASCII text.
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def render(bank: Bank, context: BuildContext) -> Rendered:
    """The self-test page for the whole bank, as one self-contained HTML file."""
    env = environment(context.project, context.cache and context.cache / "templates")

    def write(handle: BinaryIO) -> None:
        # The question data streams in where the template puts it: at 100k questions it is 50 MB of JSON.
        page = page_context(bank, env, data=Markup(_DATA))
        templating.write(handle, env, TEMPLATE, page, fill={_DATA: lambda: _page_json(bank, context.memo)})

    return Rendered([Output(f"{bank.name}-selftest.html", write)])


def page_context(bank: Bank, env: jinja2.Environment, memo: Memo | None = None, data: Markup | None = None
                 ) -> dict[str, Any]:
    """What the template sees: the bank, the filters' values, the question data as safe JSON (or `data` in its
    place), style and script.

    The style and script are read verbatim (a project's `templates/selftest/` may replace them), and the
    script's hash goes into the page's Content-Security-Policy, so that no other script can run.
    """
    if data is None:
        data = Markup("".join(_page_json(bank, memo or Memo())))
    filters = page_data(bank, with_questions=False)
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
    }


def _verbatim(env: jinja2.Environment, name: str) -> str:
    """A file from the template folders, as written: CSS and JavaScript are not Jinja templates."""
    try:
        source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    except jinja2.TemplateNotFound as e:
        raise TemplateError(f"template not found: {name}") from e
    return source


def page_data(bank: Bank, with_questions: bool = True) -> dict[str, Any]:
    """Everything the page's script needs, HTML already rendered and escaped (the questions only if asked)."""
    used = sorted({q.source for q in bank.questions})
    present = {q.kind for q in bank.questions}
    data: dict[str, Any] = {
        "bank": bank.name,
        "kinds": {kind.value: kind.label for kind in Kind if kind in present},
        "sources": {sid: _source(bank.sources[sid]) for sid in used},
        "tags": sorted({tag for q in bank.questions for tag in q.tags}),
    }
    if with_questions:
        data["questions"] = [question_data(q, bank.sources[q.source]) for q in bank.questions]
    return data


def _page_json(bank: Bank, memo: Memo) -> Iterator[str]:
    """The pieces of `script_json(page_data(bank))`, each question's JSON reused from earlier builds while the
    question and its source are unchanged (it is most of the page)."""
    rest = page_data(bank, with_questions=False)
    yield str(script_json({k: v for k, v in rest.items() if k < "questions"}))[:-1] + ',"questions":['
    cited = {sid: citation_key(source) for sid, source in bank.sources.items()}
    for start in range(0, len(bank.questions), 1000):  # a thousand at a time: fewer, larger pieces to write
        yield ("," if start else "") + ",".join(
            memo.get(f"selftest/{q.digest}/{cited[q.source]}",
                     lambda q=q: str(script_json(question_data(q, bank.sources[q.source]))))
            for q in bank.questions[start:start + 1000])
    yield "]," + str(script_json({k: v for k, v in rest.items() if k > "questions"}))[1:]


def script_json(data: Any) -> Markup:
    """JSON that is safe inside a `<script>` element: no `<`, `>` or `&`, no JavaScript line separators."""
    text = _JSON.encode(data)
    for character, escaped in _JSON_ESCAPES:
        text = text.replace(character, escaped)
    return Markup(text)


def _source(source: Source) -> dict[str, str]:
    return {"title": source.title, "byline": source.byline, "citation": source.citation()}


def question_data(question: Question, source: Source) -> dict[str, Any]:
    """One question for the page: its HTML, how it is answered and what the feedback shows."""
    data: dict[str, Any] = {
        "id": question.id,
        "kind": question.kind.value,
        "source": question.source,
        "tags": list(question.tags),
        "prompt": inline_html(question.prompt),
        "explanation": inline_html(question.explanation),
        "passage": quote_html(question.passage),
        "citation": source.citation(question.paragraphs),
    }
    data.update(_ANSWERING[question.kind](question))
    return data


def _free_recall(question: Question) -> dict[str, Any]:
    return {"answer": inline_html(question.answer)}


def _type_in(question: Question) -> dict[str, Any]:
    data = {"answer": inline_html(question.answer), "accept": [plain(a) for a in (question.answer, *question.accept)]}
    if question.tolerance:  # only when given: the page's data stays small
        data.update(tolerance=question.tolerance, tolerance_shown=describe_tolerance(question.tolerance))
    return data


def _choice(question: Question) -> dict[str, Any]:
    choices = [inline_html(c.text) for c in question.choices]
    correct = [i for i, c in enumerate(question.choices) if c.correct]
    answer = Markup("; ").join(inline(question.choices[i].text) for i in correct)
    return {"choices": choices, "correct": correct, "answer": str(answer)}


def _true_false(question: Question) -> dict[str, Any]:
    return {"truth": bool(question.truth), "answer": "True" if question.truth else "False"}


def _cloze(question: Question) -> dict[str, Any]:
    gaps = cloze.deletions(question.prompt)
    text = _with_markers(question.prompt)
    blanks = [f'<span class="gap" data-gap="{i}"></span>' for i in range(len(gaps))]
    shown = [f'<mark class="gap-answer">{inline_html(g.text)}</mark>' for g in gaps]
    return {
        "prompt": str(_fill(inline(text), blanks)),
        "answer": str(_fill(inline(text), shown)),
        "gaps": [{"accept": [plain(g.text)], "hint": plain(g.hint), "number": g.number} for g in gaps],
    }


def _with_markers(text: str) -> str:
    """The cloze text with each deletion replaced by a numbered marker that Markdown passes through."""
    text = text.replace(_GAP_OPEN, "").replace(_GAP_CLOSE, "")
    counter = iter(range(len(cloze.deletions(text))))
    return cloze.DELETION.sub(lambda _: f"{_GAP_OPEN}{next(counter)}{_GAP_CLOSE}", text)


def _fill(html: Markup, parts: list[str]) -> Markup:
    """Put each gap's HTML where its marker is in the rendered cloze text."""
    out = str(html)
    for i, part in enumerate(parts):
        out = out.replace(f"{_GAP_OPEN}{i}{_GAP_CLOSE}", str(part), 1)
    return Markup(out)


_ANSWERING = {
    Kind.BASIC: _free_recall,
    Kind.REVERSED: _free_recall,
    Kind.TYPE_IN: _type_in,
    Kind.CHOICE: _choice,
    Kind.TRUE_FALSE: _true_false,
    Kind.CLOZE: _cloze,
}
