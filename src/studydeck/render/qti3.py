"""QTI 3.0 content package: a manifest, one assessment item per question and an assessment test.

Choice and true-false questions are choice interactions, type-in a text entry that takes every accepted
answer whatever its case, cloze one inline text entry per gap (a point each), basic and reversed an
extended text scored by a person, with the answer as the declared correct response. After an attempt every
item shows modal feedback with the answer, the explanation and the quoted passage with its citation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..model import Bank, Kind, Question
from .fields import QuestionHtml
from .lmsparts import (
    bank_identifier,
    choices_html,
    cloze_parts,
    feedback_html,
    identifier,
    prompt_html,
    type_in_answers,
    zip_bytes,
)
from .text import plain
from .xmlwrite import block, document, element, text

NAMESPACE = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd"
CP_NAMESPACE = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0p1_imscpv1p2_v1p0.xsd"
LOM_NAMESPACE = "http://ltsc.ieee.org/xsd/LOM"
LOM_SCHEMA = "https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/imsmd_loose_v1p3p2.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_TYPE = "imsqti_item_xmlv3p0"
TEST_TYPE = "imsqti_test_xmlv3p0"
TEST_FILE = "assessment-test.xml"

INTERACTIONS = {
    Kind.CHOICE: "choiceInteraction",
    Kind.TRUE_FALSE: "choiceInteraction",
    Kind.TYPE_IN: "textEntryInteraction",
    Kind.CLOZE: "textEntryInteraction",
    Kind.BASIC: "extendedTextInteraction",
    Kind.REVERSED: "extendedTextInteraction",
}


def render(bank: Bank, fields: Mapping[str, QuestionHtml], questions: Sequence[Question]) -> dict[str, bytes]:
    """`<bank.name>-qti3.zip`: the package of the questions, in their order."""
    files = {item_path(bank, q): item_xml(bank, q, fields[q.id]) for q in questions}
    files[TEST_FILE] = test_xml(bank, questions)
    files["imsmanifest.xml"] = manifest_xml(bank, questions)
    return {f"{bank.name}-qti3.zip": zip_bytes(files)}


def item_path(bank: Bank, question: Question) -> str:
    """Where a question's item lives in the package."""
    return f"items/{identifier(bank, question)}.xml"


# ---- items -----------------------------------------------------------------------------------------------


def item_xml(bank: Bank, question: Question, html: QuestionHtml) -> bytes:
    """One assessment item."""
    declarations, body, processing = _BUILDERS[question.kind](question, html)
    root = block(
        "qti-assessment-item",
        {"xmlns": NAMESPACE, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{NAMESPACE} {SCHEMA}",
         "identifier": identifier(bank, question), "title": question.id, "adaptive": "false",
         "time-dependent": "false", "xml:lang": "en"},
        *declarations,
        *_outcomes(question, html),
        block("qti-item-body", None, *body),
        block("qti-response-processing", None, *processing),
        *_feedback(question, html),
    )
    return document(root)


def _choice(question: Question, html: QuestionHtml) -> tuple[list[str], list[str], list[str]]:
    several = question.multiple_answers
    options = [(f"C{i}", text, c.correct) for i, (c, text) in enumerate(zip(question.choices, choices_html(html)), 1)]
    return _choice_item(prompt_html(question, html), options, several)


def _true_false(question: Question, html: QuestionHtml) -> tuple[list[str], list[str], list[str]]:
    options = [("TRUE", "True", bool(question.truth)), ("FALSE", "False", not question.truth)]
    return _choice_item(prompt_html(question, html), options, several=False)


def _choice_item(prompt: str, options: list[tuple[str, str, bool]], several: bool
                 ) -> tuple[list[str], list[str], list[str]]:
    """A choice interaction; `options` are (identifier, XHTML, correct)."""
    correct = [element("qti-value", None, ident) for ident, _, right in options if right]
    declaration = block("qti-response-declaration",
                        {"identifier": "RESPONSE", "cardinality": "multiple" if several else "single",
                         "base-type": "identifier"},
                        block("qti-correct-response", None, *correct))
    interaction = block(
        "qti-choice-interaction",
        {"response-identifier": "RESPONSE", "max-choices": 0 if several else 1, "shuffle": "false"},
        element("qti-prompt", None, prompt),
        *(element("qti-simple-choice", {"identifier": ident}, html) for ident, html, _ in options),
    )
    return [declaration], [interaction], _all_or_nothing(_match("RESPONSE"))


def _type_in(question: Question, html: QuestionHtml) -> tuple[list[str], list[str], list[str]]:
    answers = type_in_answers(html)
    declaration = _string_response("RESPONSE", answers)
    body = [prompt_html(question, html),
            element("p", None, element("qti-text-entry-interaction",
                                       {"response-identifier": "RESPONSE",
                                        "expected-length": max(len(a) for a in answers)}))]
    matches = [_string_match("RESPONSE", answer) for answer in answers]
    return [declaration], body, _unless_empty("RESPONSE", _all_or_nothing(element("qti-or", None, *matches)),
                                              _zero())


def _cloze(question: Question, html: QuestionHtml) -> tuple[list[str], list[str], list[str]]:
    pieces, gaps = cloze_parts(html)
    names = [f"RESPONSE_{i}" for i in range(1, len(gaps) + 1)]
    declarations = [_string_response(name, [gap.answer]) for name, gap in zip(names, gaps)]
    text_with_gaps = [pieces[0]]
    for name, gap, after in zip(names, gaps, pieces[1:]):
        text_with_gaps.append(element("qti-text-entry-interaction",
                                      {"response-identifier": name, "expected-length": len(gap.answer),
                                       "placeholder-text": gap.hint or None}))
        text_with_gaps.append(after)
    body = [element("p", None, "Fill in the blanks."), element("p", None, *text_with_gaps)]
    processing = [_set("SCORE", _float(0))]
    for name, gap in zip(names, gaps):
        add_one = _condition(_string_match(name, gap.answer),
                             [_set("SCORE", element("qti-sum", None, _var("SCORE"), _float(1)))])
        processing += _unless_empty(name, [add_one])
    processing.append(_condition(element("qti-gte", None, _var("SCORE"), _var("MAXSCORE")),
                                 [_set("FEEDBACK", _identifier("correct"))],
                                 [_set("FEEDBACK", _identifier("incorrect"))]))
    return declarations, body, processing


def _extended(question: Question, html: QuestionHtml) -> tuple[list[str], list[str], list[str]]:
    # The correct response is the model answer: a delivery platform shows it to the person who marks.
    declaration = block("qti-response-declaration",
                        {"identifier": "RESPONSE", "cardinality": "single", "base-type": "string"},
                        block("qti-correct-response", None, element("qti-value", None, text(plain(question.answer)))))
    body = [prompt_html(question, html),
            element("qti-extended-text-interaction",
                    {"response-identifier": "RESPONSE", "expected-lines": 5, "format": "plain"})]
    # Nothing to score automatically: the attempt only opens the feedback with the model answer.
    processing = [_set("FEEDBACK", _identifier("solution"))]
    return [declaration], body, processing


_BUILDERS = {
    Kind.CHOICE: _choice,
    Kind.TRUE_FALSE: _true_false,
    Kind.TYPE_IN: _type_in,
    Kind.CLOZE: _cloze,
    Kind.BASIC: _extended,
    Kind.REVERSED: _extended,
}


def max_score(question: Question, html: QuestionHtml) -> int:
    """Full marks for a question: a point per cloze gap, one otherwise."""
    return len(html.gaps) if question.kind is Kind.CLOZE else 1


def _outcomes(question: Question, html: QuestionHtml) -> list[str]:
    manual = question.kind in (Kind.BASIC, Kind.REVERSED)
    maximum = max_score(question, html)
    return [
        block("qti-outcome-declaration",
              {"identifier": "SCORE", "cardinality": "single", "base-type": "float", "normal-maximum": maximum,
               "external-scored": "human" if manual else None},
              block("qti-default-value", None, element("qti-value", None, "0"))),
        block("qti-outcome-declaration", {"identifier": "MAXSCORE", "cardinality": "single", "base-type": "float"},
              block("qti-default-value", None, element("qti-value", None, str(maximum)))),
        element("qti-outcome-declaration", {"identifier": "FEEDBACK", "cardinality": "single",
                                            "base-type": "identifier"}),
    ]


def _feedback(question: Question, html: QuestionHtml) -> list[str]:
    details = feedback_html(question, html)
    if question.kind in (Kind.BASIC, Kind.REVERSED):
        shown = {"solution": "<p>Compare your answer with this one.</p>"}
    else:
        shown = {"correct": "<p>Right.</p>", "incorrect": "<p>Not quite.</p>"}
    return [element("qti-modal-feedback", {"outcome-identifier": "FEEDBACK", "show-hide": "show", "identifier": ident},
                    element("qti-content-body", None, f'<div class="studydeck-feedback">{verdict}{details}</div>'))
            for ident, verdict in shown.items()]


def _string_response(name: str, answers: list[str]) -> str:
    """A string response whose correct response is the first answer; a mapping lists every answer."""
    entries, seen = [], set()
    for answer in answers:
        if answer.casefold() not in seen:  # map keys must differ once case is ignored
            seen.add(answer.casefold())
            entries.append(element("qti-map-entry", {"map-key": answer, "mapped-value": 1, "case-sensitive": "false"}))
    return block("qti-response-declaration", {"identifier": name, "cardinality": "single", "base-type": "string"},
                 block("qti-correct-response", None, element("qti-value", None, text(answers[0]))),
                 block("qti-mapping", {"default-value": 0}, *entries))


def _all_or_nothing(test: str) -> list[str]:
    """Full marks and the "correct" feedback when `test` holds, zero and "incorrect" otherwise."""
    return [_condition(test, [_set("SCORE", _var("MAXSCORE")), _set("FEEDBACK", _identifier("correct"))], _zero())]


def _zero() -> list[str]:
    return [_set("SCORE", _float(0)), _set("FEEDBACK", _identifier("incorrect"))]


def _unless_empty(name: str, rules: list[str], otherwise: list[str] | None = None) -> list[str]:
    """`rules` only when the response has a value: string matching on an empty response is an error in
    some players (@citolab/qti-components 7 throws), though QTI makes it NULL."""
    return [_condition(element("qti-not", None, element("qti-is-null", None, _var(name))), rules, otherwise)]


def _condition(test: str, then: list[str], otherwise: list[str] | None = None) -> str:
    branches = [block("qti-response-if", None, test, *then)]
    if otherwise:
        branches.append(block("qti-response-else", None, *otherwise))
    return block("qti-response-condition", None, *branches)


def _match(name: str) -> str:
    return element("qti-match", None, _var(name), element("qti-correct", {"identifier": name}))


def _string_match(name: str, answer: str) -> str:
    return element("qti-string-match", {"case-sensitive": "false"}, _var(name),
                   element("qti-base-value", {"base-type": "string"}, text(answer)))


def _set(name: str, value: str) -> str:
    return element("qti-set-outcome-value", {"identifier": name}, value)


def _var(name: str) -> str:
    return element("qti-variable", {"identifier": name})


def _float(value: float) -> str:
    return element("qti-base-value", {"base-type": "float"}, str(value))


def _identifier(value: str) -> str:
    return element("qti-base-value", {"base-type": "identifier"}, value)


# ---- the test and the manifest ---------------------------------------------------------------------------


def categories(question: Question) -> list[str]:
    """A question's source, kind and tags as QTI category identifiers (`source-...`, `kind-...`, `tag-...`)."""
    names = [f"source-{question.source}", f"kind-{question.kind.value}", *(f"tag-{t}" for t in question.tags)]
    return [re.sub(r"[^A-Za-z0-9_.-]", "_", name) for name in names]


def test_xml(bank: Bank, questions: Sequence[Question]) -> bytes:
    """The assessment test: one section per source (in order of first appearance), every item once."""
    by_source: dict[str, list[Question]] = {}
    for question in questions:
        by_source.setdefault(question.source, []).append(question)
    sections = [
        block("qti-assessment-section",
              {"identifier": f"section-{i}", "title": bank.sources[source].title, "visible": "true"},
              *(element("qti-assessment-item-ref",
                        {"identifier": identifier(bank, q), "href": item_path(bank, q),
                         "category": " ".join(categories(q))})
                for q in members))
        for i, (source, members) in enumerate(by_source.items(), 1)
    ]
    root = block(
        "qti-assessment-test",
        {"xmlns": NAMESPACE, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{NAMESPACE} {SCHEMA}",
         "identifier": f"{bank_identifier(bank)}-test", "title": bank.title, "tool-name": "studydeck"},
        block("qti-outcome-declaration", {"identifier": "SCORE", "cardinality": "single", "base-type": "float"},
              block("qti-default-value", None, element("qti-value", None, "0"))),
        block("qti-outcome-declaration", {"identifier": "MAXSCORE", "cardinality": "single", "base-type": "float"},
              block("qti-default-value", None, element("qti-value", None, "0"))),
        block("qti-test-part", {"identifier": "part-1", "navigation-mode": "nonlinear", "submission-mode": "individual"},
              *sections),
        block("qti-outcome-processing", None,
              _sum_of("SCORE"), _sum_of("MAXSCORE")),
    )
    return document(root)


def _sum_of(name: str) -> str:
    return element("qti-set-outcome-value", {"identifier": name},
                   element("qti-sum", None, element("qti-test-variables",
                                                    {"variable-identifier": name, "base-type": "float"})))


def manifest_xml(bank: Bank, questions: Sequence[Question]) -> bytes:
    """imsmanifest.xml: the test and every item as QTI 3 resources, tags and source as LOM keywords."""
    test_id = f"{bank_identifier(bank)}-test"
    test = block("resource", {"identifier": test_id, "type": TEST_TYPE, "href": TEST_FILE},
                 element("file", {"href": TEST_FILE}),
                 *(element("dependency", {"identifierref": identifier(bank, q)}) for q in questions))
    items = [block("resource", {"identifier": identifier(bank, q), "type": ITEM_TYPE, "href": item_path(bank, q)},
                   _item_metadata(bank, q), element("file", {"href": item_path(bank, q)}))
             for q in questions]
    root = block(
        "manifest",
        {"xmlns": CP_NAMESPACE, "xmlns:lom": LOM_NAMESPACE, "xmlns:xsi": XSI,
         "xsi:schemaLocation": f"{CP_NAMESPACE} {CP_SCHEMA} {LOM_NAMESPACE} {LOM_SCHEMA}",
         "identifier": f"{bank_identifier(bank)}-manifest"},
        block("metadata", None, element("schema", None, "QTI Package"), element("schemaversion", None, "3.0.0"),
              _lom(bank.title, bank.description, [])),
        element("organizations"),
        block("resources", None, test, *items),
    )
    return document(root)


def _item_metadata(bank: Bank, question: Question) -> str:
    source = bank.sources[question.source]
    keywords = [f"source:{question.source}", f"kind:{question.kind.value}", *question.tags]
    return block("metadata", None, _lom(question.id, source.citation(question.paragraphs), keywords))


def _lom(title: str, description: str, keywords: list[str]) -> str:
    general = [element("lom:title", None, element("lom:string", {"language": "en"}, text(title)))]
    if description:
        general.append(element("lom:description", None, element("lom:string", {"language": "en"}, text(description))))
    general += [element("lom:keyword", None, element("lom:string", {"language": "en"}, text(k))) for k in keywords]
    return element("lom:lom", None, element("lom:general", None, *general))
