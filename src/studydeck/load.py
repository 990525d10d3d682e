"""Reading a project: `questions.yaml` (keeping every line number) and `sources/` -> a `Bank`.

Problems of shape (syntax, types, missing or unknown keys) are collected here, all of them; a
question too broken to build is left out of the bank so later rules do not trip over it.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .cache import QuestionCache, Store, chunk_digest, project_cache
from .chunks import split_questions
from .errors import ProjectError, Problem, Severity
from .ground import SourceIndex
from .rules import check_question
from .model import Bank, Choice, Kind, Location, Question
from .sources import load_sources, source_digest
from .yamlnodes import Value, YamlSyntaxError, parse

QUESTIONS_FILE = "questions.yaml"
SOURCES_DIR = "sources"

_COMMON = {"id", "kind", "source", "passage", "explanation", "tags"}
_KEYS = {
    Kind.BASIC: {"question", "answer"},
    Kind.REVERSED: {"question", "answer"},
    Kind.TYPE_IN: {"question", "answer", "accept", "tolerance"},
    Kind.CLOZE: {"text"},
    Kind.CHOICE: {"question", "choices", "answer"},
    Kind.TRUE_FALSE: {"question", "answer"},
}
_BANK_KEYS = {"name", "title", "description", "deck_id", "questions"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def shown_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def load_bank(project: Path, use_cache: bool = False) -> tuple[Bank | None, list[Problem], int]:
    """Read a project directory: the bank, the problems found, and how many questions came from the cache.

    The bank is None only when questions.yaml cannot be read at all. With `use_cache`, questions whose text
    and source are unchanged since the last run are not parsed again.
    """
    questions_path = project / QUESTIONS_FILE
    if not questions_path.is_file():
        raise ProjectError(f"{shown_path(project)}: no {QUESTIONS_FILE} here; run 'studydeck init' to start a bank")
    shown = shown_path(questions_path)
    sources, problems = _sources(project, use_cache)
    try:
        text = questions_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return None, problems + [Problem(shown, 1, 1, f"not UTF-8 text ({e.reason}); save the file as UTF-8")], 0
    cache = QuestionCache.for_project(project, shown) if use_cache else QuestionCache(None)
    chunked = _load_chunked(text, shown, sources, cache, project)
    if chunked is not None:
        bank, found = chunked
        return bank, problems + found, cache.hits
    try:
        root = parse(text)
    except YamlSyntaxError as e:
        return None, problems + [Problem(shown, e.line, e.column, e.message)], 0
    reader = _Reader(shown, sources)
    bank = reader.bank(root, default_name=project.resolve().name)
    return bank, problems + reader.problems, 0


def _sources(project: Path, use_cache: bool) -> tuple[dict, list[Problem]]:
    """The sources, through the cache when asked: only changed files are read again."""
    folder, shown = project / SOURCES_DIR, shown_path(project / SOURCES_DIR)
    if not use_cache:
        return load_sources(folder, shown)
    store, kept = Store(project_cache(project), "sources"), {}
    found = load_sources(folder, shown, store.load(), kept)
    store.save(kept)
    return found


def _load_chunked(text: str, shown: str, sources: dict, cache: QuestionCache,
                  project: Path) -> tuple[Bank | None, list[Problem]] | None:
    """Load through the cache, parsing only changed questions; None when the file must be parsed whole."""
    split = split_questions(text)
    if split is None:
        return None
    reader = _Reader(shown, sources)
    digests = {sid: source_digest(s) for sid, s in sources.items()}
    keys = [chunk_digest(chunk.text) for chunk in split.chunks]
    try:
        header = parse(split.header)
        # One question at a time: besides the cache, this keeps memory flat on banks of 100k questions.
        built = (_cached_question(reader, cache, digests, chunk, key) for chunk, key in zip(split.chunks, keys))
        questions = [q for q in built if q is not None]
    except YamlSyntaxError:
        return None  # e.g. an alias to another question: let the whole-file parse say what is wrong
    bank = reader.bank(header, default_name=project.resolve().name, questions=questions)
    cache.save()
    return bank, reader.problems


def _parse_item(chunk) -> Value | None:
    parsed = parse(chunk.text, first_line=chunk.line)
    return parsed.data[0] if parsed is not None and parsed.is_sequence and parsed.data else None


def _cached_question(reader: _Reader, cache: QuestionCache, digests: dict[str, str], chunk, key: str
                     ) -> Question | None:
    cached = cache.get(key, chunk.line, digests)
    if cached is not None:
        question, problems = cached
        where = question.where("id")
        reader.unique(question.id, (where.line, where.column))
        reader.problems += problems
        return question
    value = _parse_item(chunk)
    if value is None:
        return None
    before = len(reader.problems)
    question = reader.question(value)
    if question is None:
        return None
    read_cleanly = len(reader.problems) == before
    found = reader.check(question)
    # Only a question that reads cleanly and whose source exists is kept: its problems then depend on nothing else.
    if read_cleanly and question.source in digests:
        cache.put(key, chunk.line, digests[question.source], question, tuple(found))
    return question


@dataclass
class _Reader:
    path: str
    sources: dict
    problems: list[Problem] = field(default_factory=list)
    indexes: dict[str, SourceIndex] = field(default_factory=dict)
    id_lines: dict[str, int] = field(default_factory=dict)

    def problem(self, at: Value | tuple[int, int], message: str, qid: str | None = None,
                severity: Severity = Severity.ERROR) -> None:
        line, column = (at.line, at.column) if isinstance(at, Value) else at
        self.problems.append(Problem(self.path, line, column, message, severity, qid))

    def bank(self, root: Value | None, default_name: str, questions: list[Question] | None = None) -> Bank | None:
        if root is None or not root.is_mapping:
            self.problem(root or (1, 1), "questions.yaml must be a mapping with 'title', 'deck_id' and 'questions'")
            return None
        items = root.data
        self.unknown_keys(root, _BANK_KEYS, None, "the bank")
        title = self.text(items.get("title"), "title", root) or ""
        deck_id = self.deck_id(items.get("deck_id"), root)
        name = self.text(items["name"], "name") if "name" in items else _slug(title) or _slug(default_name)
        if name and not _NAME.match(name):
            self.problem(items["name"], "'name' is used for file names: letters, digits, '.', '_' and '-' only")
        description = self.text(items["description"], "description") if "description" in items else ""
        if questions is None:
            questions = self.questions(items.get("questions"), root)
        return Bank(name or "bank", title, description or "", deck_id, self.sources, tuple(questions),
                    Location(self.path, root.line, root.column))

    def deck_id(self, value: Value | None, parent: Value) -> int:
        if value is None:
            self.problem(parent, "missing 'deck_id': pick a number once (studydeck init does) and never change it")
            return 0
        if not isinstance(value.data, int) or isinstance(value.data, bool) or not 1 <= value.data < 2**63:
            self.problem(value, "'deck_id' must be a positive whole number, chosen once and never changed")
            return 0
        return value.data

    def questions(self, value: Value | None, parent: Value) -> list[Question]:
        if value is None:
            self.problem(parent, "missing 'questions:' (a list of questions)")
            return []
        if value.data is None:
            return []
        if not value.is_sequence:
            self.problem(value, "'questions' must be a list, each item starting with '- id: ...'")
            return []
        questions = []
        for item in value.data:
            question = self.question(item)
            if question is not None:
                self.check(question)
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
        values = dict(
            prompt=fields.text(prompt_key, required=True),
            source=_interned(fields.text("source", required=True)),
            passage=fields.text("passage", required=True),
            explanation=fields.text("explanation") or "",
            tags=fields.tags(),
        )
        values.update(self.kind_fields(kind, fields))
        if qid is None or fields.broken:
            return None
        positions: list[str | int] = []
        for key, value in data.items():
            positions += (sys.intern(key), value.line - item.line, value.column)
        return Question(
            id=qid, kind=kind, location=Location(self.path, item.line, item.column), field_positions=tuple(positions),
            paragraphs=self.paragraphs(values["source"], values["passage"]),
            **values,
        )

    def check(self, question: Question) -> list[Problem]:
        """Run the rules on one question just read; its problems are added to the others and returned."""
        found = check_question(self.sources, question, self.indexes)
        self.problems += found
        return found

    def kind_fields(self, kind: Kind, fields: _FieldReader) -> dict:
        if kind is Kind.CHOICE:
            return {"choices": fields.choices()}
        if kind is Kind.TRUE_FALSE:
            return {"truth": fields.truth()}
        if kind is Kind.CLOZE:
            return {}
        extra: dict[str, object] = {}
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
        if isinstance(value.data, int) and not isinstance(value.data, bool):
            return self.unique(str(value.data), (value.line, value.column))
        if not isinstance(value.data, str) or not value.data.strip():
            self.problem(value, "'id' must be a short text such as 'abe-visit-2007'")
            return None
        if not _NAME.match(value.data):
            self.problem(value, f"id '{value.data}' may use only letters, digits, '.', '_' and '-'", value.data)
        return self.unique(value.data, (value.line, value.column))

    def unique(self, qid: str, at: tuple[int, int]) -> str:
        if qid in self.id_lines:
            self.problem(at, f"duplicate id; it is already used on line {self.id_lines[qid]}. Ids must be unique", qid)
        else:
            self.id_lines[qid] = at[0]
        return qid

    def kind(self, value: Value | None, qid: str | None) -> Kind | None:
        if value is None:
            return Kind.BASIC
        try:
            return Kind(value.data)
        except ValueError:
            known = ", ".join(k.value for k in Kind)
            self.problem(value, f"unknown kind '{value.raw}'{_did_you_mean(str(value.data), [k.value for k in Kind])}"
                         f" (kinds: {known})", qid)
            return None

    def unknown_keys(self, item: Value, allowed: set[str], qid: str | None, what: str) -> None:
        for key, line, column in item.duplicate_keys or ():
            self.problem((line, column), f"key '{key}' is given twice; the second would silently win", qid)
        for key, position in (item.key_positions or {}).items():
            if key in allowed:
                continue
            owners = [k.value for k, keys in _KEYS.items() if key in keys]
            hint = (f"; it belongs to {' or '.join(owners)} questions: set 'kind:'" if owners
                    else _did_you_mean(key, sorted(allowed)))
            self.problem(position, f"unknown key '{key}' for {what}{hint}", qid)

    def text(self, value: Value | None, key: str, parent: Value | None = None, qid: str | None = None) -> str | None:
        if value is None:
            if parent is not None:
                self.problem(parent, f"missing '{key}'", qid)
            return None
        data = value.data
        if isinstance(data, bool):
            self.problem(value, f"'{key}' reads as the boolean {str(data).lower()}; put it in quotes: \"{value.raw}\"",
                         qid)
            return None
        if isinstance(data, (int, float)):
            return value.raw
        if not isinstance(data, str):
            self.problem(value, f"'{key}' must be text, not {_kind_of(data)}", qid)
            return None
        return data


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
            elif not tag.strip() or re.search(r"\s", tag.strip()):
                self.fail(tag_value, f"tag '{tag}' contains a space; Anki splits tags on spaces, use '-' instead")
            else:
                tags.append(sys.intern(tag.strip()))  # one string per tag, not per question: large banks repeat them
        return tuple(tags)

    def truth(self) -> bool | None:
        value = self.item.data.get("answer")
        if value is None:
            self.fail(self.item, "missing 'answer': a true-false question needs 'answer: true' or 'answer: false'")
            return None
        if not isinstance(value.data, bool):
            self.fail(value, f"a true-false answer must be true or false (unquoted), not {value.raw!r}")
            return None
        return value.data

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


def _interned(text: str | None) -> str | None:
    return None if text is None else sys.intern(text)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _kind_of(data: object) -> str:
    names = {dict: "a mapping", list: "a list", type(None): "empty"}
    return names.get(type(data), f"a {type(data).__name__}")


def _did_you_mean(word: str, candidates: list[str]) -> str:
    import difflib  # only when there is something to suggest

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
