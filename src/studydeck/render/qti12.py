"""QTI 1.2 in the dialect Canvas imports (Canvas's own quiz export, and what text2qti writes).

One zip: `imsmanifest.xml`, the quiz's settings (`assessment_meta.xml`) and the quiz (`<id>/<id>.xml`).
Choice questions become `multiple_choice_question` or `multiple_answers_question`, true-false
`true_false_question`, type-in `short_answer_question` (Canvas compares short answers without regard to
case), cloze `fill_in_multiple_blanks_question`, basic and reversed `essay_question`. Every item's general
feedback carries the answer, the explanation and the quoted passage with its citation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Bank, Kind, Question
from .fields import QuestionHtml
from .lmsparts import (
    bank_identifier,
    choices_html,
    cloze_parts,
    feedback_html,
    identifier,
    inline_xhtml,
    prompt_html,
    type_in_answers,
    zip_bytes,
)
from .xmlwrite import block, document, element, text

QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_SCHEMA = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CP_NAMESPACE = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NAMESPACE = "http://canvas.instructure.com/xsd/cccv1p0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

QUESTION_TYPES = {
    Kind.TRUE_FALSE: "true_false_question",
    Kind.TYPE_IN: "short_answer_question",
    Kind.CLOZE: "fill_in_multiple_blanks_question",
    Kind.BASIC: "essay_question",
    Kind.REVERSED: "essay_question",
}


def question_type(question: Question) -> str:
    """Canvas's name for the type a question becomes."""
    if question.kind is Kind.CHOICE:
        return "multiple_answers_question" if question.multiple_answers else "multiple_choice_question"
    return QUESTION_TYPES[question.kind]


def render(bank: Bank, fields: Mapping[str, QuestionHtml], questions: Sequence[Question]) -> dict[str, bytes]:
    """`<bank.name>-qti12.zip`: one Canvas quiz with the questions, in their order."""
    quiz = f"{bank_identifier(bank)}-quiz"
    files = {
        "imsmanifest.xml": manifest_xml(bank, quiz),
        "non_cc_assessments/": b"",  # Canvas's own exports have it; its importer looks for it
        f"{quiz}/assessment_meta.xml": meta_xml(bank, fields, quiz, questions),
        f"{quiz}/{quiz}.xml": quiz_xml(bank, fields, quiz, questions),
    }
    return {f"{bank.name}-qti12.zip": zip_bytes(files)}


def points(question: Question, html: QuestionHtml) -> int:
    """Points of a question: one per cloze gap, one otherwise (as in the QTI 3 package)."""
    return len(html.gaps) if question.kind is Kind.CLOZE else 1


def manifest_xml(bank: Bank, quiz: str) -> bytes:
    """The content package manifest: the quiz (QTI 1.2) and its Canvas settings."""
    meta = f"{quiz}-meta"
    root = block(
        "manifest",
        {"identifier": f"{bank_identifier(bank)}-manifest", "xmlns": CP_NAMESPACE,
         "xmlns:imsmd": "http://www.imsglobal.org/xsd/imsmd_v1p2", "xmlns:xsi": XSI,
         "xsi:schemaLocation": f"{CP_NAMESPACE} http://www.imsglobal.org/xsd/imscp_v1p1.xsd "
                               "http://www.imsglobal.org/xsd/imsmd_v1p2 http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd"},
        block("metadata", None, element("schema", None, "IMS Content"), element("schemaversion", None, "1.1.3"),
              element("imsmd:lom", None, element("imsmd:general", None, element(
                  "imsmd:title", None, element("imsmd:string", None, text(bank.title)))))),
        element("organizations"),
        block("resources", None,
              block("resource", {"identifier": quiz, "type": "imsqti_xmlv1p2"},
                    element("file", {"href": f"{quiz}/{quiz}.xml"}), element("dependency", {"identifierref": meta})),
              block("resource", {"identifier": meta,
                                 "type": "associatedcontent/imscc_xmlv1p1/learning-application-resource",
                                 "href": f"{quiz}/assessment_meta.xml"},
                    element("file", {"href": f"{quiz}/assessment_meta.xml"}))),
    )
    return document(root)


def meta_xml(bank: Bank, fields: Mapping[str, QuestionHtml], quiz: str, questions: Sequence[Question]) -> bytes:
    """Canvas's quiz settings: title, description, points; unpublished, as an import should be."""
    total = sum(points(q, fields[q.id]) for q in questions)
    settings = [
        element("title", None, text(bank.title)),
        element("description", None, text(f"<p>{inline_xhtml(bank.description)}</p>" if bank.description else "")),
        element("shuffle_answers", None, "true"),
        element("scoring_policy", None, "keep_highest"),
        element("quiz_type", None, "assignment"),
        element("points_possible", None, f"{total:.1f}"),
        element("show_correct_answers", None, "true"),
        element("allowed_attempts", None, "1"),
        element("one_question_at_a_time", None, "false"),
        element("cant_go_back", None, "false"),
        element("available", None, "false"),
        block("assignment", {"identifier": f"{quiz}-assignment"},
              element("title", None, text(bank.title)),
              element("workflow_state", None, "unpublished"),
              element("quiz_identifierref", None, quiz),
              element("points_possible", None, f"{total:.1f}"),
              element("grading_type", None, "points"),
              element("submission_types", None, "online_quiz")),
    ]
    root = block("quiz", {"identifier": quiz, "xmlns": CANVAS_NAMESPACE, "xmlns:xsi": XSI,
                          "xsi:schemaLocation": f"{CANVAS_NAMESPACE} https://canvas.instructure.com/xsd/cccv1p0.xsd"},
                 *settings)
    return document(root)


def quiz_xml(bank: Bank, fields: Mapping[str, QuestionHtml], quiz: str, questions: Sequence[Question]) -> bytes:
    """The questions as QTI 1.2 items of one assessment."""
    root = block(
        "questestinterop",
        {"xmlns": QTI_NAMESPACE, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{QTI_NAMESPACE} {QTI_SCHEMA}"},
        block("assessment", {"ident": quiz, "title": bank.title},
              block("qtimetadata", None, _field("cc_maxattempts", "1")),
              block("section", {"ident": "root_section"}, *(item(bank, q, fields[q.id]) for q in questions))),
    )
    return document(root)


def item(bank: Bank, question: Question, html: QuestionHtml) -> str:
    """One question as a Canvas QTI 1.2 item."""
    ident = identifier(bank, question)
    presentation, scoring, answer_ids = _PARTS[question.kind](ident, question, html)
    metadata = block("itemmetadata", None, block(
        "qtimetadata", None,
        _field("question_type", question_type(question)),
        _field("points_possible", f"{points(question, html):.1f}"),
        _field("original_answer_ids", ",".join(answer_ids)),
        _field("assessment_question_identifierref", f"{ident}-ref"),
    ))
    resprocessing = block(
        "resprocessing", None,
        block("outcomes", None, element("decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE",
                                                   "vartype": "Decimal"})),
        # The general feedback first, shown whatever the answer (`continue` lets scoring go on after it).
        block("respcondition", {"continue": "Yes"}, element("conditionvar", None, element("other")),
              element("displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})),
        *scoring,
    )
    feedback = block("itemfeedback", {"ident": "general_fb"}, element("flow_mat", None, element(
        "material", None, _html(feedback_html(question, html)))))
    return block("item", {"ident": ident, "title": question.id}, metadata, presentation, resprocessing, feedback)


def _choices(ident: str, question: Question, html: QuestionHtml) -> tuple[str, list[str], list[str]]:
    if question.kind is Kind.TRUE_FALSE:
        options = [(f"{ident}-true", "True", bool(question.truth)), (f"{ident}-false", "False", not question.truth)]
    else:
        options = [(f"{ident}-C{i}", text, c.correct)
                   for i, (c, text) in enumerate(zip(question.choices, choices_html(html)), 1)]
    several = question.kind is Kind.CHOICE and question.multiple_answers
    labels = [block("response_label", {"ident": option}, element("material", None, _html(shown)))
              for option, shown, _ in options]
    presentation = block("presentation", None, element("material", None, _html(prompt_html(question, html))),
                         block("response_lid", {"ident": "response1", "rcardinality": "Multiple" if several else "Single"},
                               block("render_choice", None, *labels)))
    if several:  # all or nothing: every right choice ticked and no wrong one, as Canvas exports it
        tests = [_varequal("response1", option) if right else element("not", None, _varequal("response1", option))
                 for option, _, right in options]
        condition = element("conditionvar", None, element("and", None, *tests))
    else:
        condition = element("conditionvar", None, *(_varequal("response1", o) for o, _, right in options if right))
    return presentation, [_full_marks(condition)], [option for option, _, _ in options]


def _short_answer(ident: str, question: Question, html: QuestionHtml) -> tuple[str, list[str], list[str]]:
    presentation = block("presentation", None, element("material", None, _html(prompt_html(question, html))),
                         _text_response())
    condition = element("conditionvar", None, *(_varequal("response1", a) for a in type_in_answers(html)))
    return presentation, [_full_marks(condition)], []


def _essay(ident: str, question: Question, html: QuestionHtml) -> tuple[str, list[str], list[str]]:
    presentation = block("presentation", None, element("material", None, _html(prompt_html(question, html))),
                         _text_response())
    return presentation, [block("respcondition", {"continue": "No"}, element("conditionvar", None, element("other")))], []


def _blanks(ident: str, question: Question, html: QuestionHtml) -> tuple[str, list[str], list[str]]:
    pieces, gaps = cloze_parts(html)
    shown = [pieces[0]]
    for i, after in enumerate(pieces[1:], 1):
        shown += [f"[gap{i}]", after]
    lids, scoring, answer_ids = [], [], []
    share = f"{100 / len(gaps):.2f}"
    for i, gap in enumerate(gaps, 1):
        answer_id = f"{ident}-gap{i}"
        answer_ids.append(answer_id)
        lids.append(block("response_lid", {"ident": f"response_gap{i}"},
                          element("material", None, element("mattext", None, f"gap{i}")),
                          block("render_choice", None, block("response_label", {"ident": answer_id}, element(
                              "material", None, element("mattext", {"texttype": "text/plain"}, text(gap.answer)))))))
        scoring.append(block("respcondition", None, element("conditionvar", None, _varequal(f"response_gap{i}", answer_id)),
                             element("setvar", {"varname": "SCORE", "action": "Add"}, share)))
    prompt = f"<p>Fill in the blanks.</p><p>{''.join(shown)}</p>"
    presentation = block("presentation", None, element("material", None, _html(prompt)), *lids)
    return presentation, scoring, answer_ids


_PARTS = {
    Kind.CHOICE: _choices,
    Kind.TRUE_FALSE: _choices,
    Kind.TYPE_IN: _short_answer,
    Kind.CLOZE: _blanks,
    Kind.BASIC: _essay,
    Kind.REVERSED: _essay,
}


def _html(html: str) -> str:
    """HTML as Canvas reads it: escaped text of a `mattext` element, in a div as Canvas exports it."""
    return element("mattext", {"texttype": "text/html"}, text(f"<div>{html}</div>"))


def _text_response() -> str:
    return block("response_str", {"ident": "response1", "rcardinality": "Single"},
                 element("render_fib", None, element("response_label", {"ident": "answer1", "rshuffle": "No"})))


def _varequal(respident: str, value: str) -> str:
    return element("varequal", {"respident": respident}, text(value))


def _full_marks(condition: str) -> str:
    return block("respcondition", {"continue": "No"}, condition,
                 element("setvar", {"action": "Set", "varname": "SCORE"}, "100"))


def _field(label: str, entry: str) -> str:
    return element("qtimetadatafield", None, element("fieldlabel", None, label), element("fieldentry", None, text(entry)))
