"""A project's own templates (`templates/`), checked before anything is built: each must be a readable UTF-8
file, each Jinja template must parse, and each Anki card template must be one Anki can use.

Anki does not refuse a deck whose card template is malformed: it shows an error on every card of the note
type ("Found '{{Nope}}', but there is no field called 'Nope'", "No cloze found on card"), and genanki
cannot even write a package with an unclosed section. So `check` reads them the way Anki will, and says
where they go wrong, at their file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, Severity
from .files import MISSING, NOT_REGULAR, TOO_LARGE, Unreadable, read_regular

TEMPLATES_DIR = "templates"
# A template is a page's worth of markup; a larger file is refused before it is read into memory.
MAX_TEMPLATE_BYTES = 4 << 20
_MAX_ENTRIES = 1000  # a project's templates/ holds a few files; a larger tree is not walked
# Anki's own field names a card template may use besides the note type's fields.
_SPECIAL = {"Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID"}
_TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


@dataclass(frozen=True)
class CardProblem:
    """What is wrong in a card template, and where (1-based line and column of the template's text)."""

    line: int
    column: int
    message: str


def template_problems(project: Path, shown: str) -> list[Problem]:
    """Every problem of the project's `templates/` folder; `shown` is how messages name that folder."""
    folder = project / TEMPLATES_DIR
    if not folder.exists() and not folder.is_symlink():
        return []
    if not folder.is_dir():
        return [Problem(shown, 1, 1, "is not a folder: templates/ holds the templates that replace the "
                        "built-in ones, file by file")]
    problems: list[Problem] = []
    for path in _entries(folder):
        name = f"{shown}/{path.relative_to(folder).as_posix()}"
        problems += _unknown_card_file(path.relative_to(folder).as_posix(), name)
        text, problem = _read(path, name)
        if problem is not None:
            problems.append(problem)
        elif text is not None:
            problems += _content_problems(path.relative_to(folder).as_posix(), text, name)
    return problems


# The card templates and stylesheet a project may replace: Anki reads no other file, so another name there is
# most likely a misspelling that would leave the built-in one in use without a word.
_ANKI_FILES = frozenset(p.name for p in (Path(__file__).resolve().parent / "templates" / "anki").iterdir())


def _unknown_card_file(relative: str, name: str) -> list[Problem]:
    folder, _, file = relative.rpartition("/")
    if folder != "anki" or file in _ANKI_FILES:
        return []
    return [Problem(name, 1, 1, f"replaces no built-in card file, so it is not used (known: "
                    f"{', '.join(sorted(_ANKI_FILES))}); a misspelled name?", Severity.WARNING)]


def _entries(folder: Path) -> Iterator[Path]:
    """Every entry below `folder` except folders (and hidden names), at most `_MAX_ENTRIES`, in order."""
    count = 0
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.is_dir() and not path.suffix:
            continue  # a folder such as anki/ or selftest/
        count += 1
        if count > _MAX_ENTRIES:
            return
        yield path


def _read(path: Path, name: str) -> tuple[str | None, Problem | None]:
    """A template's text, or the problem that keeps it from being one."""
    try:
        data = read_regular(path, MAX_TEMPLATE_BYTES)
    except Unreadable as e:
        if e.kind == MISSING:
            message = ("a broken link; fix it or remove it (the built-in template is used when there is no file of "
                       "that name)")
        elif e.kind == NOT_REGULAR:
            message = "is not a regular file (a folder, a pipe or a device); a template is a text file: remove it or rename it"
        elif e.kind == TOO_LARGE:
            message = f"is {e.size >> 20} MiB; a template is at most {MAX_TEMPLATE_BYTES >> 20} MiB"
        else:
            message = f"cannot be read ({e.reason})"
        return None, Problem(name, 1, 1, message)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return None, Problem(name, line, column, f"not UTF-8 text ({e.reason}); save the file as UTF-8")


def _content_problems(relative: str, text: str, name: str) -> list[Problem]:
    if relative.endswith(".jinja"):
        return _jinja_problems(relative, text, name)
    if relative.startswith("anki/") and relative.endswith(".html"):
        return [Problem(name, p.line, p.column, p.message) for p in anki_file_problems(relative[5:], text)]
    return []


def _jinja_problems(relative: str, text: str, name: str) -> list[Problem]:
    import jinja2

    try:
        jinja2.Environment().parse(text, relative)
    except jinja2.TemplateSyntaxError as e:
        return [Problem(name, e.lineno or 1, 1, f"template syntax error: {e.message}")]
    return []


def anki_file_problems(file: str, text: str) -> list[CardProblem]:
    """The problems of one file of templates/anki/ (`basic.front.html`, `source.html`, ...)."""
    from .render.anki import CARDS, FIELDS

    if file == "source.html":  # shown within every card: only the fields every note type has
        common = set.intersection(*(set(f) for f in FIELDS.values()))
        return card_problems(text, common, back=True, whole=False)
    stem, _, side = file.removesuffix(".html").rpartition(".")
    kinds = [kind for kind, cards in CARDS.items() if any(s == stem for _, s in cards)]
    if side not in ("front", "back") or not kinds:
        return []
    fields = set.intersection(*(set(FIELDS[kind]) for kind in kinds))
    cloze = any(kind.value == "cloze" for kind in kinds)
    return card_problems(text, fields, back=side == "back", cloze=cloze)


def card_problems(text: str, fields: set[str], back: bool, cloze: bool = False,
                  whole: bool = True) -> list[CardProblem]:
    """What Anki would find wrong in a card template: unclosed tags and sections, fields the note type does
    not have, a front without any field, a cloze card without `{{cloze:Field}}`. `whole` is False for a piece
    of a template (which need not name a field)."""
    problems: list[CardProblem] = []
    known = fields | _SPECIAL | ({"FrontSide"} if back else set())
    sections: list[tuple[str, int]] = []
    used: set[str] = set()
    has_cloze = False
    end = 0
    for match in _TAG.finditer(text):
        end = match.end()
        inside = match.group(1).strip()
        at = match.start()
        if "{{" in match.group(1):
            problems.append(_at(text, at, "'{{' is opened again before '}}' closes it"))
            continue
        marker, name = (inside[0], inside[1:].strip()) if inside[:1] in "#^/" else ("", inside)
        field = name.rsplit(":", 1)[-1].strip()
        if marker in "#^" and marker:
            sections.append((field, at))
        elif marker == "/":
            if not sections or sections[-1][0] != field:
                expected = f"'{{{{/{sections[-1][0]}}}}}'" if sections else "nothing open"
                problems.append(_at(text, at, f"'{{{{/{field}}}}}' closes a section that is not open ({expected})"))
                continue
            sections.pop()
            continue
        if not field:
            problems.append(_at(text, at, "an empty '{{}}': write a field name such as {{Question}}"))
        elif field not in known:
            have = ", ".join(sorted(fields))
            where = "only on the back" if field == "FrontSide" else f"this note type has {have}"
            problems.append(_at(text, at, f"'{match.group()}': there is no field called '{field}' ({where})"))
        else:
            used.add(field)
            has_cloze = has_cloze or (marker == "" and name.split(":")[0].strip() == "cloze")
    rest = text.find("{{", end)
    if rest >= 0:
        problems.append(_at(text, rest, "'{{' is never closed with '}}'"))
    for field, at in sections:
        problems.append(_at(text, at, f"the section '{{{{#{field}}}}}' is never closed: add '{{{{/{field}}}}}'"))
    if whole and not back and not used & fields:
        problems.append(CardProblem(1, 1, "the front shows no field of the note, so every card would be blank: "
                                    f"use one of {', '.join(sorted(fields))}"))
    if whole and cloze and not has_cloze:
        problems.append(CardProblem(1, 1, "a cloze card needs '{{cloze:Text}}' on both sides: Anki shows "
                                    "\"No cloze found on card\" without it"))
    return problems


def _at(text: str, index: int, message: str) -> CardProblem:
    line = text.count("\n", 0, index) + 1
    return CardProblem(line, index - (text.rfind("\n", 0, index) + 1) + 1, message)
