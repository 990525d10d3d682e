"""The Anki deck (`decks/<bank>.apkg`), written with genanki: the only module that imports it.

Anki's importer matches notes by GUID and updates one only if its modification time is newer than the
learner's copy. So a note's GUID comes from the authored id, never its text, and its time moves forward
exactly when its content changes: the times of the last build are kept in `decks/<bank>.anki.json`
(commit it). Unchanged inputs therefore rebuild to identical bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import genanki
from markupsafe import escape

from .. import cloze
from ..errors import TemplateError
from ..model import Bank, Kind, Question, Source
from . import anki_typein
from .base import Output, Rendered, RenderOptions
from .embed import ANKI, finish
from .fields import Gap, QuestionHtml
from .text import inline_html

# Chosen once and kept forever: Anki finds our note types by these ids.
MODEL_IDS = {
    Kind.BASIC: 1526992735,
    Kind.REVERSED: 2113580773,
    Kind.CLOZE: 1823092074,
    Kind.TYPE_IN: 1729414615,
    Kind.CHOICE: 1533764733,
    Kind.TRUE_FALSE: 1292246261,
}
MODEL_NAMES = {
    Kind.BASIC: "studydeck Basic",
    Kind.REVERSED: "studydeck Basic (and reversed)",
    Kind.CLOZE: "studydeck Cloze",
    Kind.TYPE_IN: "studydeck Type-in",
    Kind.CHOICE: "studydeck Multiple choice",
    Kind.TRUE_FALSE: "studydeck True/False",
}
_TAIL = ("Explanation", "Passage", "Citation")
FIELDS = {
    Kind.BASIC: ("Question", "Answer", *_TAIL),
    Kind.REVERSED: ("Question", "Answer", *_TAIL),
    Kind.CLOZE: ("Text", *_TAIL),
    Kind.TYPE_IN: ("Question", "Answer", *_TAIL),
    Kind.CHOICE: ("Question", "Choices", "Marked", *_TAIL),
    Kind.TRUE_FALSE: ("Statement", "Answer", *_TAIL),
}
CARDS = {
    Kind.BASIC: [("Card 1", "basic")],
    Kind.REVERSED: [("Card 1", "basic"), ("Card 2", "reversed")],
    Kind.CLOZE: [("Cloze", "cloze")],
    Kind.TYPE_IN: [("Type", "type-in")],
    Kind.CHOICE: [("Choice", "choice")],
    Kind.TRUE_FALSE: [("True or false", "true-false")],
}
STATE_FORMAT = 1
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_DIGEST_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)  # made once: json.dumps makes one per call


def render(bank: Bank, fields: Mapping[str, QuestionHtml], options: RenderOptions) -> Rendered:
    """The .apkg and its state file, plus notices about questions that left the bank."""
    finished = finish(bank, fields, ANKI)  # media named by content, formulas in MathJax's delimiters
    fields, media = finished.fields, finished.files
    previous = _State.read(options.anki_state)
    clock = _Clock(previous, options.now, _State.read(options.anki_record))
    templates = _Templates(options.templates)
    used = {q.kind for q in bank.questions}
    models = {kind: _model(kind, templates, clock) for kind in Kind if kind in used}  # fixed order: same bytes
    decks = _decks(bank, fields, models, clock)
    timestamp = clock.latest()
    rendered = Rendered([Output(f"{bank.name}.apkg", lambda handle: _write_package(decks, timestamp, handle, media)),
                         Output(state_file(bank), clock.state.dump())])
    rendered.notices += _notices(previous, clock.state)
    return rendered


def state_file(bank: Bank) -> str:
    """The name of the file that keeps each note's modification time between builds (commit it)."""
    return f"{bank.name}.anki.json"


def guid(bank: Bank, question: Question) -> str:
    """A note's GUID: from the bank's deck id and the question's authored id, never from its text."""
    return str(genanki.guid_for("studydeck", bank.deck_id, question.id))


def subdeck_id(bank: Bank, source: Source) -> int:
    """A subdeck id derived from the bank's deck id and the source id, the same on every build."""
    digest = hashlib.sha256(f"{bank.deck_id}/{source.id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:5], "big")


@dataclass
class _State:
    """Per note: content digest, modification time and note type; per note type: digest and time."""

    notes: dict[str, list[Any]] = field(default_factory=dict)
    models: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, data: bytes | None) -> _State:
        """The state a previous build wrote (empty for none, or one that `state_problem` finds wrong)."""
        if data is None or state_problem(data) is not None:
            return cls()
        state = json.loads(data)
        return cls(state.get("notes", {}), state.get("models", {}))

    def dump(self) -> bytes:
        """JSON with one note per line: small diffs in version control, quick to write for large banks."""
        def block(entries: dict[str, list[Any]]) -> str:
            return ",\n".join(f"  {_json_text(k)}: [{_json_list(v)}]" for k, v in sorted(entries.items()))

        return (f'{{"format": {STATE_FORMAT},\n"models": {{\n{block(self.models)}\n}},\n'
                f'"notes": {{\n{block(self.notes)}\n}}}}\n').encode()


def state_problem(data: bytes) -> str | None:
    """What is wrong with the contents of a `<bank>.anki.json`, or None when a build can use it.

    A build that misread it would give notes wrong modification times, so that Anki keeps learners' old
    copies: a damaged file (a bad merge, an edit by hand) is refused, not guessed at."""
    try:
        state = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        conflict = b"\n<<<<<<< " in b"\n" + data or b"\n>>>>>>> " in data
        return "has a git merge conflict in it" if conflict else "is not valid JSON"
    if not isinstance(state, dict):
        return "is not a JSON object"
    if not _whole(state.get("format")) or state.get("format") != STATE_FORMAT:  # `true` is not 1 here
        return f"has format {state.get('format')!r}, not {STATE_FORMAT}: another version of studydeck wrote it"
    for part, length in (("notes", 3), ("models", 2)):
        entries = state.get(part, {})
        if not isinstance(entries, dict):
            return f"has '{part}' that is not a JSON object"
        for key, entry in entries.items():
            if not (isinstance(entry, list) and len(entry) >= length - (part == "notes") and
                    isinstance(entry[0], str) and all(_whole(v) for v in entry[1:length])):
                return f"has a damaged entry for {part[:-1]} {key!r}"
    return None


def _whole(value: object) -> bool:
    """A modification time or a note type id: a non-negative whole number that fits Anki's 64-bit columns."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def _json_list(values: list[Any]) -> str:
    """The inside of `json.dumps(values)` for a digest followed by numbers (what the state file holds)."""
    digest, *numbers = values
    return ", ".join([_json_text(digest), *map(str, numbers)])


def _json_text(value: str | int) -> str:
    """`json.dumps` of an id, a digest or a number, without its cost on the many that need no escaping."""
    if isinstance(value, int):
        return str(value)
    return f'"{value}"' if _PLAIN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


_PLAIN = re.compile(r"[A-Za-z0-9._-]*")


class _Clock:
    """Hands out modification times: the previous one while content is unchanged, a newer one otherwise; and
    never one older than this machine handed out (`here`), strictly newer for content other than it got."""

    def __init__(self, previous: _State, now: int, here: _State | None = None) -> None:
        self.previous = previous
        self.here = here or _State()
        self.state = _State()
        self.now = now

    def _mod(self, old: list[Any] | None, digest: str, here: list[Any] | None) -> int:
        if old and old[0] == digest:
            mod = int(old[1])
        else:
            mod = max(self.now, int(old[1]) + 1) if old else self.now
        return self._after(mod, digest, here)

    def _after(self, mod: int, digest: str, here: list[Any] | None) -> int:
        """A reverted note comes back with its old time: learners who imported the newer content here would
        keep it. So a time is never older than the newest handed out here, and newer for other content."""
        if not here:
            return mod
        highest = int(here[1])
        if here[0] == digest:
            return max(mod, highest)
        return mod if mod > highest else max(self.now, highest + 1)

    def note(self, qid: str, digest: str, model_id: int) -> int:
        mod = self._mod(self.previous.notes.get(qid), digest, self.here.notes.get(qid))
        self.state.notes[qid] = [digest, mod, model_id]
        return mod

    def model(self, model_id: int, digest: str) -> int:
        key = str(model_id)
        mod = self._mod(self.previous.models.get(key), digest, self.here.models.get(key))
        self.state.models[key] = [digest, mod]
        return mod

    def latest(self) -> int:
        mods = [m[1] for m in self.state.notes.values()] + [m[1] for m in self.state.models.values()]
        return max(mods, default=0)


class _Templates:
    """Card templates and the stylesheet: a project's `templates/anki/` first, then the built-in ones."""

    def __init__(self, project_templates: Path | None) -> None:
        builtin = Path(__file__).resolve().parent.parent / "templates" / "anki"
        self.folders = ([project_templates / "anki"] if project_templates is not None else []) + [builtin]

    def read(self, name: str) -> str:
        path = next(f / name for f in self.folders if (f / name).is_file())
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:  # `check` said so already, unless it changed since
            raise TemplateError(f"{path}: cannot be read as UTF-8 text ({e}); nothing was written") from e

    def card(self, stem: str, side: str) -> str:
        html = self.read(f"{stem}.{side}.html").replace("<!--source-->", self.read("source.html"))
        return html.replace(anki_typein.CHECK_MARKER, anki_typein.card_script(self.read))


class _Model(genanki.Model):  # type: ignore[misc]
    """A note type whose modification time is its own, not the package's."""

    def __init__(self, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        return dict(super().to_json(self.mod, deck_id))


class _Note(NamedTuple):
    """One note's row and the ordinals of its cards (a named tuple: quick to make by the 100,000)."""

    guid: str
    model_id: int
    mod: int
    tags: str
    question: Question  # its fields are made again when the row is written: a large bank's never all exist at once
    html: QuestionHtml
    due: int
    ords: tuple[int, ...]


def _model(kind: Kind, templates: _Templates, clock: _Clock) -> _Model:
    cards = [{"name": name, "qfmt": templates.card(stem, "front"), "afmt": templates.card(stem, "back")}
             for name, stem in CARDS[kind]]
    _check_cards(kind, cards)
    css = templates.read("card.css")
    digest = _digest([MODEL_NAMES[kind], FIELDS[kind], cards, css])
    return _Model(
        mod=clock.model(MODEL_IDS[kind], digest),
        model_id=MODEL_IDS[kind],
        name=MODEL_NAMES[kind],
        fields=[{"name": name} for name in FIELDS[kind]],
        templates=cards,
        css=css,
        model_type=genanki.Model.CLOZE if kind is Kind.CLOZE else genanki.Model.FRONT_BACK,
    )


def _check_cards(kind: Kind, cards: list[dict[str, str]]) -> None:
    """Each card as assembled (its file, `source.html`, scripts) the way Anki reads it; TemplateError if not."""
    from ..overrides import card_problems

    for card in cards:
        for side, key in (("front", "qfmt"), ("back", "afmt")):
            found = card_problems(card[key], set(FIELDS[kind]), back=side == "back", cloze=kind is Kind.CLOZE)
            if found:
                raise TemplateError(f"the {side} of the Anki card '{card['name']}' of {MODEL_NAMES[kind]}, as "
                                    f"assembled, line {found[0].line}: {found[0].message}; nothing was written")


def _decks(bank: Bank, fields: Mapping[str, QuestionHtml], models: dict[Kind, _Model], clock: _Clock
           ) -> list[tuple[genanki.Deck, list[_Note]]]:
    parent = genanki.Deck(bank.deck_id, bank.title, description=inline_html(bank.description))
    for model in models.values():
        parent.add_model(model)
    subdecks: dict[str, tuple[genanki.Deck, list[_Note]]] = {
        source.id: (genanki.Deck(subdeck_id(bank, source), f"{bank.title}::{source.title}",
                                 description=str(escape(source.citation()))), [])
        for source in sorted(bank.sources.values(), key=lambda s: s.id)
    }
    for position, question in enumerate(bank.questions):
        note_fields_ = note_fields(question, fields[question.id])
        tags = note_tags(question)
        model_id = MODEL_IDS[question.kind]
        mod = clock.note(question.id, _digest([model_id, note_fields_, tags]), model_id)
        note = _Note(guid(bank, question), model_id, mod, f" {' '.join(tags)} ", question, fields[question.id], position,
                     _card_ords(question))
        subdecks[question.source][1].append(note)
    return [(parent, []), *(entry for entry in subdecks.values() if entry[1])]


def _card_ords(question: Question) -> tuple[int, ...]:
    if question.kind is Kind.CLOZE:
        return tuple(n - 1 for n in cloze.numbers(question.prompt))
    return tuple(range(len(CARDS[question.kind])))


def note_fields(question: Question, html: QuestionHtml) -> list[str]:
    """The fields of a question's note, as HTML, in the order of its note type."""
    tail = [html.explanation, html.passage, str(escape(html.citation))]
    if question.kind is Kind.CLOZE:
        return [html.fill(_anki_deletion), *tail]
    if question.kind is Kind.CHOICE:
        return [html.prompt, _choice_list(question, html, marked=False), _choice_list(question, html, marked=True),
                *tail]
    if question.kind is Kind.TRUE_FALSE:
        return [html.prompt, html.answer, *tail]
    if question.kind is Kind.TYPE_IN:
        # Anki compares the typed text with the answer field; the card's script reads the other accepted answers.
        tail[0] = anki_typein.accepted_html(question) + tail[0]
        return [html.prompt, anki_typein.answer_field(question), *tail]
    return [html.prompt, html.answer, *tail]


def _anki_deletion(index: int, gap: Gap) -> str:
    hint = f"::{gap.hint_html}" if gap.hint_html else ""
    return f"{{{{c{gap.number}::{gap.html}{hint}}}}}"


def _choice_list(question: Question, html: QuestionHtml, marked: bool) -> str:
    """The choices as a lettered list; the right ones marked on the back. The front's list tells the card's script
    how many to pick (`data-choose`, when several) and whether to keep the authored order (`data-shuffle`)."""
    items = "".join(
        f'<li class="correct">{text}</li>' if marked and choice.correct else f"<li>{text}</li>"
        for text, choice in zip(html.choices, question.choices)
    )
    right = sum(c.correct for c in question.choices)
    hint = f'<div class="hint">Choose {right}.</div>' if right > 1 and not marked else ""
    # Attributes only where they say something, so the fields of other notes stay as they were.
    attributes = "" if marked else (f' data-choose="{right}"' if right > 1 else "") + (
        ' data-shuffle="no"' if not question.shuffle else "")
    return f'<ol class="choices" type="A"{attributes}>{items}</ol>{hint}'


def note_tags(question: Question) -> list[str]:
    """Tags for the source and the kind (hierarchical, Anki's `::`) and the authored ones."""
    return [f"source::{question.source}", f"kind::{question.kind.value}", *question.tags]


def _digest(value: object) -> str:
    return hashlib.sha256(_DIGEST_JSON.encode(value).encode()).hexdigest()[:16]


def _write_package(decks: list[tuple[genanki.Deck, list[_Note]]], timestamp: int, handle: BinaryIO,
                   media: Mapping[str, bytes]) -> None:
    """The .apkg, into `handle`: genanki writes the collection, decks and note types; the notes and cards go
    in with one statement per table (genanki's row-by-row writing dominates large builds); the zip gets fixed
    dates so that the bytes repeat. `media` (Anki name -> bytes, sorted) are entries "0", "1", ... named in
    the `media` map, as Anki's importer reads them."""
    ids = count(timestamp * 1000)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        cursor = connection.cursor()
        # A scratch file that is zipped, then deleted: no rollback journal, no waiting for the disk.
        cursor.execute("PRAGMA journal_mode = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
        (parent, _), *subdecks = decks
        genanki.Package([parent]).write_to_db(cursor, timestamp, ids)
        # genanki reads and rewrites all decks' JSON for each deck it adds: the subdecks go in at once.
        (decks_json,) = cursor.execute("SELECT decks FROM col").fetchone()
        cursor.execute("UPDATE col SET decks = ?", (json.dumps(
            json.loads(decks_json) | {str(deck.deck_id): deck.to_json() for deck, _ in subdecks}),))
        # Rows go in before the indexes are built: indexing a full table beats updating indexes row by row.
        indexes = cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                 "AND tbl_name IN ('notes', 'cards') ORDER BY name").fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cards: list[tuple[Any, ...]] = []
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", _note_rows(decks, ids, cards))
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cards)
        for _, sql in indexes:
            cursor.execute(sql)
        connection.commit()
        connection.close()
        names = sorted(media)
        index = json.dumps({str(i): name for i, name in enumerate(names)}).encode()
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            with database.open("rb") as collection:  # streamed in: a large bank's database is never held whole
                _zip_entry(archive, "collection.anki2", database.stat().st_size, collection)
            _zip_entry(archive, "media", len(index), io.BytesIO(index))
            for i, name in enumerate(names):
                _zip_entry(archive, str(i), len(media[name]), io.BytesIO(media[name]))


def _zip_entry(archive: zipfile.ZipFile, name: str, size: int, data: BinaryIO) -> None:
    """One entry, as `ZipFile.writestr` writes it, from a file: fixed date, fixed mode, the fastest compression
    (2.5x faster than the default, 1/5 larger)."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.file_size = size
    info._compresslevel = 1  # type: ignore[attr-defined]  # what writestr's `compresslevel` sets
    with archive.open(info, "w") as entry:
        shutil.copyfileobj(data, entry, 1 << 20)


def _note_rows(decks: list[tuple[genanki.Deck, list[_Note]]], ids: Iterator[int], cards: list[tuple[Any, ...]]
               ) -> Iterator[tuple[Any, ...]]:
    """Rows of Anki's notes table, as genanki would write them; the rows of their (new) cards go to `cards`."""
    for deck, deck_notes in decks:
        for note in deck_notes:
            note_id = next(ids)
            values = note_fields(note.question, note.html)
            yield (note_id, note.guid, note.model_id, note.mod, -1, note.tags, "\x1f".join(values), values[0], 0, 0, "")
            cards += [(next(ids), note_id, deck.deck_id, ord_, note.mod, -1, 0, 0, note.due, 0, 0, 0, 0, 0, 0, 0, 0, "")
                      for ord_ in note.ords]


def _notices(previous: _State, current: _State) -> list[str]:
    notices = []
    removed = sorted(set(previous.notes) - set(current.notes))
    if removed:
        notices.append(f"{len(removed)} question(s) left the bank since the last build: {', '.join(removed)}. "
                       "An Anki import never deletes notes: learners who want them gone delete them in Anki.")
    for qid, (_, _, model_id) in sorted(current.notes.items()):
        old = previous.notes.get(qid)
        if old and len(old) > 2 and old[2] != model_id:
            notices.append(f"question '{qid}' changed kind: Anki will not update the note learners already have "
                           "(a note keeps its note type); they get the new one after deleting the old.")
    return notices
