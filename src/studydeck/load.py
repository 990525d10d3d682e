"""Reading a project: `questions.yaml` (the whole file, keeping every line number) and `sources/` -> a `Bank`.

Problems of shape (syntax, types, missing or unknown keys) are collected here, all of them; a question too
broken to build is left out of the bank. Loading judges nothing else: the rules are in `check`. It does
derive one fact every later stage needs, the paragraphs each passage is found in (none when it is not).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from . import characters, media
from .characters import FORBIDDEN
from .errors import Problem, ProjectError, Severity
from .files import MISSING, NOT_REGULAR, TOO_LARGE, Unreadable, read_regular
from .ground import SourceIndex
from .model import Bank, Choice, Embed, Kind, Location, Question, Source
from .overrides import TEMPLATES_DIR, template_problems
from .render.text import embedded
from .sources import load_sources
from .yamltree import BOOL, INT, NULL, STR, Value, YamlSyntaxError, parse

QUESTIONS_FILE = "questions.yaml"
SOURCES_DIR = "sources"

_COMMON = {"id", "kind", "source", "passage", "explanation", "tags"}
_KEYS = {
    Kind.BASIC: {"question", "answer"},
    Kind.REVERSED: {"question", "answer"},
    Kind.TYPE_IN: {"question", "answer", "accept", "tolerance"},
    Kind.CLOZE: {"text"},
    Kind.CHOICE: {"question", "choices", "answer", "shuffle"},
    Kind.TRUE_FALSE: {"question", "answer"},
}
_BANK_KEYS = {"name", "title", "description", "deck_id", "questions"}
# The keys whose text is Markdown, and what an image or a formula in it starts with.
_TEXT_KEYS = ("question", "text", "answer", "explanation", "choices", "accept")
_MAY_EMBED = re.compile(r"!\[|\$|\\[(\[]")
_SPACE = re.compile(r"\s")
# Top-level keys that hold only anchors for questions to merge (`<<: *base`), as in Docker Compose files.
_EXTENSION = re.compile(r"^(x-|\.)")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # always fullmatch: `$` would let a final newline in
# Ids and names become parts of file names (ext4 allows 255 bytes) and identifiers: "short" has a limit.
MAX_NAME_LENGTH = 100
# A bank of 100,000 questions is about 75 MB; a file beyond this is refused before it is read into memory.
MAX_QUESTIONS_BYTES = 256 << 20
# The deck_id the README shows: a bank that copied it would share its deck and notes with every other that did.
EXAMPLE_DECK_ID = 1234567890123


def shown_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when it lies below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


@dataclass(frozen=True)
class Loaded:
    """A project as read: its bank (None when questions.yaml cannot be read at all) and the problems of shape."""

    bank: Bank | None
    problems: tuple[Problem, ...]


def load_project(project: Path) -> Loaded:
    """Read a project directory; raises ProjectError only when it is no project at all."""
    questions_path = project / QUESTIONS_FILE
    shown = shown_path(questions_path)
    data = _read_questions(questions_path, shown_path(project))
    sources, problems = load_sources(project / SOURCES_DIR, shown_path(project / SOURCES_DIR))
    problems += template_problems(project, shown_path(project / TEMPLATES_DIR))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return Loaded(None, (*problems, Problem(shown, 1, 1, f"not UTF-8 text ({e.reason}); save the file as UTF-8")))
    text = text.removeprefix("\ufeff")  # a byte-order mark from a Windows editor is not part of the bank
    try:
        root = parse(text)
    except YamlSyntaxError as e:
        return Loaded(None, (*problems, Problem(shown, e.line, e.column, e.message)))
    reader = _Reader(shown, sources, text)
    bank = reader.bank(root, default_name=project.resolve().name)
    if bank is not None:
        bank = replace(bank, media=media.index(project))
    return Loaded(bank, (*problems, *reader.problems))


def _read_questions(path: Path, project: str) -> bytes:
    """questions.yaml's bytes; ProjectError when there is none, or when it is not a file that can be read
    (a folder, a pipe that would block, a device that never ends, a file too large)."""
    try:
        return read_regular(path, MAX_QUESTIONS_BYTES)
    except Unreadable as e:
        shown = shown_path(path)
        if e.kind == MISSING and path.is_symlink():
            raise ProjectError(f"{shown}: a link to nothing; point it at the bank or remove it") from None
        if e.kind == MISSING:
            raise ProjectError(f"{project}: no {QUESTIONS_FILE} here; run 'studydeck init' to start a bank") from None
        if e.kind == NOT_REGULAR:
            raise ProjectError(f"{shown}: not a regular file (a folder, a pipe or a device); the bank is a YAML "
                               "text file") from None
        if e.kind == TOO_LARGE:
            raise ProjectError(f"{shown}: {e.size >> 20} MiB; studydeck reads banks of up to "
                               f"{MAX_QUESTIONS_BYTES >> 20} MiB (100,000 questions take about 75)") from None
        raise ProjectError(f"{shown}: cannot be read ({e.reason})") from None


@dataclass
class _Reader:
    """Reads the bank's mapping and each question into the model, collecting every problem of shape."""

    path: str
    sources: dict[str, Source]
    written: str  # the file's text
    problems: list[Problem] = field(default_factory=list)
    indexes: dict[str, SourceIndex] = field(default_factory=dict)
    id_lines: dict[str, int] = field(default_factory=dict)

    @cached_property
    def lines(self) -> list[str]:
        """The file's lines, split only when a position must be found in them (most banks never need it)."""
        return self.written.splitlines()

    def problem(self, at: Value | tuple[int, int], message: str, qid: str | None = None,
                severity: Severity = Severity.ERROR) -> None:
        line, column = (at.line, at.column) if isinstance(at, Value) else at
        self.problems.append(Problem(self.path, line, column, message, severity, qid))

    def bank(self, root: Value | None, default_name: str) -> Bank | None:
        if root is None or not root.is_mapping:
            self.problem(root or (1, 1), "questions.yaml must be a mapping with 'title', 'deck_id' and 'questions'")
            return None
        items = root.data
        self.unknown_keys(root, _BANK_KEYS, None, "the bank", extensions=True)
        title = self.one_line(items.get("title"), "title", root) or ""
        deck_id = self.deck_id(items.get("deck_id"), root)
        name = self.text(items["name"], "name") if "name" in items else _slug(title) or _slug(default_name)
        if "name" in items and name is not None and not name.strip():
            self.problem(items["name"], "'name' is empty; it names the files `build` writes (or leave it out: "
                         "the title gives one)")
        elif name and not _NAME.fullmatch(name):
            self.problem(items["name"], "'name' is used for file names: letters, digits, '.', '_' and '-' only")
        elif name and len(name) > MAX_NAME_LENGTH:
            self.problem(items["name"], f"'name' is used for file names: at most {MAX_NAME_LENGTH} characters")
        description = self.text(items["description"], "description") if "description" in items else ""
        questions = self.questions(items.get("questions"), root)
        if not questions and not self.problems:
            self.problem(items.get("questions", root), "the bank has no questions yet: add some under "
                         "'questions:' ('studydeck init' writes an example of every kind)")
        deck_id_at = items.get("deck_id", root)
        return Bank(name or "bank", title, description or "", deck_id, self.sources, tuple(questions),
                    location=Location(self.path, root.line, root.column),
                    deck_id_location=Location(self.path, deck_id_at.line, deck_id_at.column))

    def deck_id(self, value: Value | None, parent: Value) -> int:
        if value is None:
            self.problem(parent, "missing 'deck_id': run 'studydeck new-id' to pick one, then never change it")
            return 0
        number = self.typed(value) if value.tag == INT else None
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number < 2**63:
            self.problem(value, "'deck_id' must be a positive whole number, chosen once and never changed "
                         "('studydeck new-id' picks one)")
            return 0
        if number == EXAMPLE_DECK_ID:
            self.problem(value, f"deck_id {number} is the example in studydeck's README: every bank that copies it "
                         "would share one deck in Anki; run 'studydeck new-id' to give this bank its own")
            return 0
        return number

    def typed(self, value: Value) -> object:
        """A scalar's typed value, or None (with the problem recorded) when YAML cannot build it."""
        try:
            return value.typed()
        except YamlSyntaxError as e:
            self.problem((e.line, e.column), e.message)
            return None

    def questions(self, value: Value | None, parent: Value) -> list[Question]:
        if value is None:
            self.problem(parent, "missing 'questions:' (a list of questions)")
            return []
        if value.is_scalar and value.tag == NULL:
            return []
        if not value.is_sequence:
            self.problem(value, "'questions' must be a list, each item starting with '- id: ...'")
            return []
        # Each question's tree is let go once it is read: a large bank's tree and model never exist whole at once.
        pending, value.data = value.data[::-1], []
        questions = []
        while pending:
            question = self.question(pending.pop())
            if question is not None:
                questions.append(question)
        return questions

    def question(self, item: Value) -> Question | None:
        if not item.is_mapping:
            self.problem(item, "each question must be a mapping of keys such as 'id:' and 'question:'")
            return None
        data = item.data
        qid = self.question_id(data.get("id"), item)
        kind = self.kind(data.get("kind"), qid)
        if kind is None:
            return None
        self.unknown_keys(item, _COMMON | _KEYS[kind], qid, f"a {kind.value} question")
        fields = _FieldReader(self, item, qid)
        prompt_key = "text" if kind is Kind.CLOZE else "question"
        prompt = fields.text(prompt_key, required=True)
        source = fields.text("source", required=True)
        passage = fields.text("passage", required=True)
        explanation = fields.text("explanation") or ""
        tags = fields.tags()
        extra = self.kind_fields(kind, fields)
        if qid is None or fields.broken or prompt is None or source is None or passage is None:
            return None
        positions: list[str | int] = []
        for key, value in data.items():
            positions += (sys.intern(key), value.line, value.column)
        return Question(
            id=qid, kind=kind, source=sys.intern(source), passage=passage, prompt=prompt, explanation=explanation,
            tags=tags, location=Location(self.path, item.line, item.column), field_positions=tuple(positions),
            paragraphs=self.paragraphs(source, passage), embeds=self.embeds(data), **extra,
        )

    def embeds(self, data: dict[str, Value]) -> tuple[Embed, ...]:
        """The images, sounds and formulas of a question's texts, each with the line it is written on."""
        found = []
        for key in _TEXT_KEYS:
            written = data.get(key)
            for value in () if written is None else written.data if written.is_sequence else (written,):
                if not value.is_scalar or not _MAY_EMBED.search(value.data):
                    continue
                for item in embedded(value.data):
                    line, column = self.find(item.target, value)
                    found.append(Embed(item.kind, item.target, item.alt, item.display, line, column))
        return tuple(found)

    def find(self, target: str, value: Value) -> tuple[int, int]:
        """Where a text's image path or formula is written: the first line from the value's own on which it
        (or, in a double-quoted scalar, its escaped form) stands; else the value's position."""
        first = target.strip().splitlines()[0] if target.strip() else ""
        needles = [first, first.replace("\\", "\\\\")] if first else []
        for number in range(value.line, min(len(self.lines), value.line + 200) + 1):
            for needle in needles:
                column = self.lines[number - 1].find(needle)
                if column >= 0:
                    return number, column + 1
        return value.line, value.column

    def kind_fields(self, kind: Kind, fields: _FieldReader) -> dict[str, Any]:
        if kind is Kind.CHOICE:
            return {"choices": fields.choices(), "shuffle": fields.flag("shuffle", default=True)}
        if kind is Kind.TRUE_FALSE:
            return {"truth": fields.truth()}
        if kind is Kind.CLOZE:
            return {}
        extra: dict[str, Any] = {}
        if kind is Kind.TYPE_IN:
            extra = {"accept": fields.text_list("accept"), "tolerance": fields.text("tolerance")}
        return {"answer": fields.text("answer", required=True) or "", **extra}

    def paragraphs(self, source_id: str, passage: str) -> tuple[int, ...]:
        """The numbers of the source paragraphs the passage was found in; () if not found or no such source."""
        source = self.sources.get(source_id)
        if source is None:
            return ()
        index = self.indexes.get(source_id) or self.indexes.setdefault(source_id, SourceIndex.of(source))
        return index.locate(passage)

    def question_id(self, value: Value | None, item: Value) -> str | None:
        if value is None:
            self.problem(item, "missing 'id': give every question a short, stable id such as 'abe-visit-2007'")
            return None
        # The id exactly as written (`010` stays "010"): the note's identity in Anki hangs on it.
        qid = self.text(value, "id")
        if qid is None:
            return None
        if not qid.strip():
            self.problem(value, "'id' must be a short text such as 'abe-visit-2007'")
            return None
        if not _NAME.fullmatch(qid):
            self.problem(value, f"id {qid!r} may use only letters, digits, '.', '_' and '-'", qid)
        elif len(qid) > MAX_NAME_LENGTH:
            self.problem(value, f"id of {len(qid)} characters: an id is short (at most {MAX_NAME_LENGTH}), such "
                         "as 'abe-visit-2007'", qid[:20] + "…")
        return self.unique(qid, (value.line, value.column))

    def unique(self, qid: str, at: tuple[int, int]) -> str:
        if qid in self.id_lines:
            self.problem(at, f"duplicate id; it is already used on line {self.id_lines[qid]}. Ids must be unique", qid)
        else:
            self.id_lines[qid] = at[0]
        return qid

    def kind(self, value: Value | None, qid: str | None) -> Kind | None:
        if value is None:
            return Kind.BASIC
        written = value.data if value.is_scalar else ""
        try:
            return Kind(written)
        except ValueError:
            known = ", ".join(k.value for k in Kind)
            self.problem(value, f"unknown kind {written!r}{_did_you_mean(written, [k.value for k in Kind])}"
                         f" (kinds: {known})", qid)
            return None

    def unknown_keys(self, item: Value, allowed: set[str], qid: str | None, what: str,
                     extensions: bool = False) -> None:
        for key, line, column in item.keys_twice:
            self.problem((line, column), f"key '{key}' is given twice; the second would silently win", qid)
        for key, position in item.keys_at.items():
            if key in allowed or (extensions and _EXTENSION.match(key)):
                continue
            owners = [k.value for k, keys in _KEYS.items() if key in keys]
            hint = (f"; it belongs to {' or '.join(owners)} questions: set 'kind:'" if owners
                    else _did_you_mean(key, sorted(allowed)))
            self.problem(position, f"unknown key '{key}' for {what}{hint}", qid)

    def text(self, value: Value | None, key: str, parent: Value | None = None, qid: str | None = None) -> str | None:
        """A text field as the author wrote it: numbers and dates keep their written form, `null` is empty."""
        if value is not None and value.tag == STR and type(value.data) is str and not FORBIDDEN.search(value.data):
            return value.data  # the usual case, first: a bank has a text field for every line or two
        if value is None:
            if parent is not None:
                self.problem(parent, f"missing '{key}'", qid)
            return None
        if not value.is_scalar:
            self.problem(value, f"'{key}' must be text, not {'a mapping' if value.is_mapping else 'a list'}", qid)
            return None
        if value.tag == BOOL:
            meaning = self.typed(value)
            if meaning is not None:
                self.problem(value, f"'{key}' reads as the boolean {str(meaning).lower()}; put it in quotes: "
                             f"\"{value.data}\"", qid)
            return None
        text = "" if value.tag == NULL else str(value.data)
        bad = characters.first_forbidden(text)
        if bad is not None:
            last = value.line + text.count("\n") + 2
            at = characters.locate(bad.group(), self.lines, value.line, last) or (value.line, value.column)
            self.problem(at, f"'{key}' contains {characters.describe(bad.group())}; remove it", qid)
            return None
        return text

    def one_line(self, value: Value | None, key: str, parent: Value) -> str | None:
        """A text that names something on one line (a title): no line breaks, no Anki deck separator."""
        text = self.text(value, key, parent)
        if text is not None and value is not None:
            if not text.strip():
                self.problem(value, f"'{key}' is empty")
            elif "\n" in text.strip() or "\r" in text:
                self.problem(value, f"'{key}' must be one line")
            elif "::" in text:
                self.problem(value, f"'{key}' may not contain '::' (Anki reads it as a deck inside a deck)")
        return text.strip() if text else text


@dataclass
class _FieldReader:
    """Reads one question's fields, remembering whether anything required was unusable."""

    reader: _Reader
    item: Value
    qid: str | None
    broken: bool = False

    def fail(self, at: Value | tuple[int, int], message: str) -> None:
        self.reader.problem(at, message, self.qid)
        self.broken = True

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.item.data.get(key)
        if value is None:
            if required:
                self.fail(self.item, f"missing '{key}'")
            return None
        before = len(self.reader.problems)
        text = self.reader.text(value, key, qid=self.qid)
        if text is None or len(self.reader.problems) > before:
            self.broken = True
            return None
        if required and not text.strip():
            self.fail(value, f"'{key}' is empty")
        return text.strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.item.data.get(key)
        if value is None:
            return ()
        items = value.data if value.is_sequence else [value]
        texts = [self.reader.text(v, key, qid=self.qid) for v in items]
        if any(t is None or not t.strip() for t in texts):
            self.fail(value, f"'{key}' must be a list of non-empty texts")
            return ()
        return tuple(t.strip() for t in texts if t)

    def tags(self) -> tuple[str, ...]:
        value = self.item.data.get("tags")
        if value is None:
            return ()
        items = value.data if value.is_sequence else [value]
        tags = []
        for tag_value in items:
            tag = self.reader.text(tag_value, "tags", qid=self.qid)
            if tag is None:
                self.broken = True
            elif not tag.strip():
                self.fail(tag_value, "a tag is empty; write the tag, or remove it from the list")
            elif _SPACE.search(tag.strip()):
                self.fail(tag_value, f"tag '{tag}' contains a space; Anki splits tags on spaces, use '-' instead")
            else:
                tags.append(sys.intern(tag.strip()))  # one string per tag, not per question: large banks repeat them
        return tuple(tags)

    def truth(self) -> bool | None:
        value = self.item.data.get("answer")
        if value is None:
            self.fail(self.item, "missing 'answer': a true-false question needs 'answer: true' or 'answer: false'")
            return None
        if not (value.is_scalar and value.tag == BOOL):
            written = value.data if value.is_scalar else "a list or mapping"
            self.fail(value, f"a true-false answer must be true or false (unquoted), not {written!r}")
            return None
        return self._boolean(value)

    def _boolean(self, value: Value) -> bool:
        """A boolean scalar's value; a value YAML cannot build (`!!bool maybe`) is a problem, read as false."""
        before = len(self.reader.problems)
        built = self.reader.typed(value)
        if len(self.reader.problems) > before:
            self.broken = True
        return bool(built)

    def flag(self, key: str, default: bool) -> bool:
        """An optional boolean key, such as `shuffle: false`."""
        value = self.item.data.get(key)
        if value is None:
            return default
        if not (value.is_scalar and value.tag == BOOL):
            written = value.data if value.is_scalar else "a list or mapping"
            self.fail(value, f"'{key}' must be true or false (unquoted), not {written!r}")
            return default
        return self._boolean(value)

    def choices(self) -> tuple[Choice, ...]:
        value = self.item.data.get("choices")
        if value is None or not value.is_sequence:
            self.fail(value or self.item, "a choice question needs 'choices:', a list of at least two options")
            return ()
        options = [self.reader.text(v, "choices", qid=self.qid) for v in value.data]
        if any(o is None for o in options):
            self.broken = True
            return ()
        texts = [o.strip() for o in options if o is not None]
        for text, option in zip(texts, value.data):
            if not text:
                self.fail(option, "a choice is empty; write its text, or remove the line")
        answers = self._choice_answers(texts)
        return tuple(Choice(text, text in answers) for text in texts)

    def _choice_answers(self, options: list[str]) -> set[str]:
        answer = self.item.data.get("answer")
        if answer is None:
            return set()
        found = set()
        for value in answer.data if answer.is_sequence else [answer]:
            text = self.reader.text(value, "answer", qid=self.qid)
            if text is not None and text.strip() not in options:
                self.fail(value, f"answer {text.strip()!r} is not one of the choices{_did_you_mean(text, options)}")
            elif text is not None:
                found.add(text.strip())
        return found


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower())[:MAX_NAME_LENGTH].strip("-")


def _did_you_mean(word: str, candidates: list[str]) -> str:
    import difflib  # only when there is something to suggest

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
