"""What builds keep between runs, in the user's cache folder: parsed questions and rendering results.

It only saves work: a cached question is used when its text and its source are unchanged, moved to the
line where it now stands; a rendering result when its inputs are unchanged. Everything is dropped when
studydeck's own code changes. Deleting the cache changes nothing but speed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .errors import Problem
from .model import Location, Question, Source

FORMAT = 5


# Libraries whose output a cache keeps (rendered Markdown and HTML, notes): an upgrade must drop it.
_RENDERING_LIBRARIES = ("markdown_it", "markupsafe", "jinja2", "genanki", "yaml")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of studydeck's own source and of the installed rendering libraries (the size and time of their
    files: an upgrade rewrites them), so that no cache outlives the code that filled it."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(f"{FORMAT} {sys.version}".encode(), digest_size=16)
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    for name in _RENDERING_LIBRARIES:
        spec = importlib.util.find_spec(name)  # finds the library without importing it
        if spec is not None and spec.origin:
            info = os.stat(spec.origin)
            digest.update(f"{name} {info.st_size} {info.st_mtime_ns}".encode())
    return digest.hexdigest()


class Entry(NamedTuple):
    """A question parsed from one chunk, the line the chunk started on, its source's digest and its problems.
    (A named tuple: the cache holds one per question, and tuples unpickle fastest.)"""

    question: Question
    line: int
    source_digest: str
    problems: tuple[Problem, ...] = ()


@dataclass
class QuestionCache:
    """Entries by chunk digest; `used` collects the entries of this run, which are all that is kept."""

    store: Store | None
    entries: dict[str, Entry] = field(default_factory=dict)
    used: dict[str, Entry] = field(default_factory=dict)
    hits: int = 0

    @classmethod
    def for_project(cls, project: Path, shown: str) -> QuestionCache:
        """The cache of one project (by its absolute path); `shown` is how messages name questions.yaml."""
        store = Store(project_cache(project), "questions", shown)
        return cls(store, store.load())

    def get(self, digest: str, line: int, source_digests: dict[str, str]) -> tuple[Question, list[Problem]] | None:
        """The cached question for a chunk and its problems, moved to `line`, or None (also when its source
        changed: `source_digests` holds each source's digest now)."""
        entry = self.entries.get(digest)
        if entry is None:
            return None
        question, first_line, source_digest, problems = entry
        if source_digest != source_digests.get(question.source):
            return None
        self.used[digest] = entry
        self.hits += 1
        delta = line - first_line
        return relocated(question, delta), [replace(p, line=p.line + delta) for p in problems]

    def put(self, digest: str, line: int, source_digest: str, question: Question,
            problems: tuple[Problem, ...]) -> None:
        self.used[digest] = Entry(question, line, source_digest, problems)

    def save(self) -> None:
        if self.store is not None:
            self.store.save(self.used)


@dataclass
class Memo:
    """Results of pure rendering steps (strings) by a key that names all their inputs; only those used are kept.

    `computed` counts the results this build had to compute: what an edit costs.
    """

    stored: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)
    computed: int = 0

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The result for `key`, computed only if no earlier build left it."""
        value = self.used.get(key)
        if value is None:
            value = self.stored.get(key)
            if value is None:
                value = compute()
                self.computed += 1
            self.used[key] = value
        return value


class Store:
    """A dict kept between runs in `<name>.pickle`, plus a journal, `<name>.journal.pickle`, of what was added
    since. A run that adds or drops little writes only the journal: rewriting a 100k-entry cache for one edited
    question would cost more than the edit. Entries are pure functions of their keys, so old ones never mislead.
    """

    COMPACT = 50  # rewrite everything once the journal and the unused entries exceed 1/50 of what is used

    def __init__(self, folder: Path, name: str, tag: str = "") -> None:
        self.base, self.journal = folder / f"{name}.pickle", folder / f"{name}.journal.pickle"
        self.version = (code_version(), tag)
        self.loaded: dict = {}
        self.journaled: set = set()

    def load(self) -> dict:
        """Everything earlier runs kept (empty if none, or if it is of another version or damaged)."""
        base, journal = self._read(self.base), self._read(self.journal)
        self.journaled = set(journal)
        self.loaded = {**base, **journal}
        return self.loaded

    def save(self, used: dict) -> None:
        """Keep what this run used (atomically), if it differs from what was loaded."""
        if not self.loaded:  # the first run, or a new version: everything is new
            if used:
                self._write(self.base, used)
                self.journal.unlink(missing_ok=True)
            return
        added = {k: v for k, v in used.items() if k not in self.loaded}
        unused = len(self.loaded) - (len(used) - len(added))
        if not added and not unused:
            return
        journal = {k: used[k] for k in self.journaled if k in used} | added
        if (len(journal) + unused) * self.COMPACT < len(used):
            self._write(self.journal, journal)
        else:
            self._write(self.base, used)
            self.journal.unlink(missing_ok=True)

    def _read(self, path: Path) -> dict:
        entries: dict = {}
        try:
            with path.open("rb") as handle:  # a run of pickles, each read on its own
                if pickle.load(handle) != self.version:
                    return {}
                while True:
                    try:
                        batch = pickle.load(handle)
                    except EOFError:
                        return entries
                    for key, value in batch.items():
                        if type(value) is bytes:  # a large text, see _packed
                            batch[key] = value.decode()
                    entries.update(batch)
        except Exception:  # noqa: BLE001 - a missing, old or damaged cache is simply not used
            return {}

    def _write(self, path: Path, entries: dict) -> None:
        """The version, then the entries as a run of pickles of about a megabyte each: pickling holds all it
        writes, and every object it wrote, until it is done, which for 100k questions at once costs hundreds of
        megabytes."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as handle:
            pickle.dump(self.version, handle, protocol=pickle.HIGHEST_PROTOCOL)
            batch: dict = {}
            size = 0
            for key, value in entries.items():
                batch[key] = _packed(value)
                size += len(value) if isinstance(value, str) else 1000  # strings may be large, the rest is not
                if size >= 1 << 20:
                    pickle.dump(batch, handle, protocol=pickle.HIGHEST_PROTOCOL)
                    batch, size = {}, 0
            pickle.dump(batch, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)


def _packed(value: Any) -> Any:
    """A large text as UTF-8 bytes: pickling a string that is not pure ASCII keeps a UTF-8 copy of it inside the
    string object for as long as it lives, doubling what large pages take. (Small texts stay text: decoding
    them all would cost more time than their copies take room.)"""
    return value.encode() if type(value) is str and len(value) > 4096 else value


def project_cache(project: Path) -> Path:
    """The cache folder of one project, named by a digest of its absolute path."""
    return cache_root() / hashlib.sha256(str(project.resolve()).encode()).hexdigest()[:16]


def chunk_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def cache_root() -> Path:
    """`$STUDYDECK_CACHE_DIR`, else the platform's user cache folder for studydeck."""
    if "STUDYDECK_CACHE_DIR" in os.environ:
        return Path(os.environ["STUDYDECK_CACHE_DIR"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("studydeck"))


def relocated(question: Question, delta: int) -> Question:
    """The question with every line number moved by `delta`."""
    if delta == 0:
        return question

    start = question.location
    return replace(question, location=Location(start.path, start.line + delta, start.column))


def citation_key(source: Source) -> str:
    """A digest of what a citation shows of a source: part of the key of anything that cites it."""
    meta = repr((source.id, source.title, source.authors, source.publication, source.year, source.url))
    return hashlib.blake2b(meta.encode("utf-8"), digest_size=8).hexdigest()
