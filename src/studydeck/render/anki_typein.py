"""What makes Anki's type-in cards check answers as studydeck does: every accepted answer, the same rule.

Anki compares the typed text letter by letter with one field, `Answer`. The note type keeps its fields and
its one card (a changed field or card count would make Anki's importer leave learners' notes alone), so:
- `Answer` holds the answer as plain text (Markdown removed), which Anki compares with;
- the other accepted answers and the tolerance open the `Explanation` field, as a line a learner can read
  ("Also accepted: 2; II") and the card's script can read too (`.accepted .alt`, `data-tolerance`);
- the back of the card runs the shared rule (`templates/answers.js`) and `templates/anki/type-in.js`, which
  reads the typed text out of Anki's comparison and says whether it is right. Where scripts do not run, the
  back still lists what else is accepted.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import escape

from ..answers import describe_tolerance
from ..model import Question
from .text import plain

CHECK_MARKER = "<!--answer-check-->"  # where a card template wants the answer-checking script


def card_script(read: Callable[[str], str]) -> str:
    """The `<script>` of a type-in card's back; `read` finds a file among the card templates."""
    return f"<script>\n{read('../answers.js')}\n{read('type-in.js')}</script>"


def answer_field(question: Question) -> str:
    """The `Answer` field: what Anki compares the typed text with, so plain text, escaped."""
    return str(escape(plain(question.answer)))


def accepted_html(question: Question) -> str:
    """The line that opens the `Explanation` field: the other accepted answers and the tolerance, if any."""
    parts = []
    if question.accept:
        alternatives = "; ".join(f'<span class="alt">{escape(plain(a))}</span>' for a in question.accept)
        parts.append(f"Also accepted: {alternatives}.")
    if question.tolerance:
        shown = escape(describe_tolerance(question.tolerance))
        parts.append(f'Numbers within <span class="tolerance" data-tolerance="{escape(question.tolerance)}">'
                     f"{shown}</span> of the answer are accepted.")
    return f'<div class="accepted">{" ".join(parts)}</div>' if parts else ""
