"""YAML with positions: the whole document as PyYAML composes it, every node keeping its line and column.

Scalars stay the text the author wrote (with the tag YAML resolved for it): a text field takes that text as
written, so `id: 010` stays "010", and only fields that need a typed value (a number, a boolean) construct
one, where a value YAML resolves but cannot build (an impossible date, a number of thousands of digits) is a
located problem instead of a crash. Anchors, aliases and merge keys (`<<: *base`) work as in PyYAML's safe
loader; an alias reuses its anchor's value, so no document can expand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

try:  # the C composer is several times faster on large banks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - only without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_CORE = "tag:yaml.org,2002:"
# The tags a bank's values may have, by kind of node: what YAML resolves plain values to, and the same written
# out (`!!str 010`). Any other (`!!python/object`, `!!set`, `!foo`, `!!map` on a scalar) means something
# studydeck does not read, so it is refused where it is written rather than silently read as text.
_SCALAR_TAGS = {_CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "binary", "merge",
                                                      "value", "yaml")}
_MAPPING_TAGS = {_CORE + "map"}
_SEQUENCE_TAGS = {_CORE + "seq"}
# Merge keys copy entries; a chain of merges could copy quadratically many. Far beyond any real bank.
MAX_MERGED_ENTRIES = 1_000_000


@dataclass(slots=True)
class Value:
    """A YAML value and where it starts (1-based). A mapping holds `Value`s by key, a sequence a list of
    them, a scalar its text as written; `tag` is what YAML resolved a scalar to (e.g. `STR`, `BOOL`)."""

    data: Any
    line: int
    column: int
    tag: str = STR
    # A mapping's keys: where each is written, and those written twice. None for a scalar or a list: a bank of
    # 100k questions has millions of scalars, and an empty dict and list each would cost hundreds of megabytes.
    key_positions: dict[str, tuple[int, int]] | None = None
    duplicate_keys: list[tuple[str, int, int]] | None = None

    @property
    def keys_at(self) -> dict[str, tuple[int, int]]:
        """Where each key of a mapping is written (empty for a scalar or a list)."""
        return self.key_positions or {}

    @property
    def keys_twice(self) -> list[tuple[str, int, int]]:
        """The keys of a mapping written more than once, with where (empty for a scalar or a list)."""
        return self.duplicate_keys or []

    @property
    def is_mapping(self) -> bool:
        """True for a mapping (`key: value` lines)."""
        return isinstance(self.data, dict)

    @property
    def is_sequence(self) -> bool:
        """True for a list."""
        return isinstance(self.data, list)

    @property
    def is_scalar(self) -> bool:
        """True for a single value (text, number, boolean, null)."""
        return isinstance(self.data, str)

    def typed(self) -> object:
        """The scalar as YAML's safe loader would build it (int, float, bool, date, None, str).

        Raises YamlSyntaxError, located, when YAML resolves it but cannot build it.
        """
        node = yaml.ScalarNode(self.tag, self.data)
        try:
            return SafeConstructor().construct_object(node)
        except Exception as e:  # PyYAML raises many kinds: KeyError for `!!bool maybe`, ValueError for a date
            what = _AS.get(self.tag.rpartition(":")[2], "a value")
            reason = getattr(e, "problem", None) or (str(e).splitlines() or [""])[0]
            detail = f" ({reason})" if reason and not isinstance(e, KeyError) and self.data not in reason else ""
            raise YamlSyntaxError(f"cannot read {_short(self.data)!r} as {what}{detail}", self.line,
                                  self.column) from e


_AS = {"bool": "true or false", "int": "a whole number", "float": "a number", "timestamp": "a date",
       "binary": "base64 data", "null": "null"}


class YamlSyntaxError(Exception):
    """Raised when the text is not YAML, or a value cannot be read; `line` and `column` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def parse(text: str) -> Value | None:
    """Compose `text` into a tree of `Value`s, or None for an empty document.

    Built straight from the parser's events, never through PyYAML's own tree of nodes: for a large bank
    that tree (two marks a node) would take several times the room of the text.
    """
    loader = _Loader(text)
    try:
        return _Composer(loader).document()
    except RecursionError as e:  # the pure-Python parser recurses once per level; libyaml stops at 1000
        raise YamlSyntaxError("the document is nested too deeply", 1, 1) from e
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlSyntaxError(_describe(e), line, column) from e
    except yaml.YAMLError as e:
        raise YamlSyntaxError(f"YAML error: {e}", 1, 1) from e
    finally:
        loader.dispose()


def _describe(e: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (e.context, e.problem) if p]
    message = "YAML syntax error: " + ", ".join(parts)
    start, end = e.context_mark, e.problem_mark
    if start and end and start.line != end.line:
        message += f" (the construct began on line {start.line + 1}, column {start.column + 1})"
    return message


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _at(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _refuse_tag(tag: str, kind: str, at: tuple[int, int]) -> None:
    shown = tag.replace(_CORE, "!!")
    raise YamlSyntaxError(f"the tag '{_short(shown)}' on {kind} is not one studydeck reads; remove it (a value is "
                          "text, a number, true or false, a list or a mapping)", *at)


class _Composer:
    """What PyYAML's composer does, from the same events, into `Value`s: tags resolved the same way, an alias
    sharing its anchor's value (so no document can expand), merge keys applied as the safe loader applies them.

    Each event is fetched once and handed down (a bank has hundreds of thousands of them), and a plain scalar's
    tag comes from the loader's own table of implicit resolvers, read once."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.next_event = loader.get_event
        self.anchors: dict[str, Value] = {}
        self.building: set[str] = set()
        self.merged = 0
        resolvers = loader.yaml_implicit_resolvers
        self.plain_resolvers: dict[str, list[tuple[str, Any]]] = {
            first: list(found) + list(resolvers.get(None, [])) for first, found in resolvers.items() if first}
        self.empty_resolvers = list(resolvers.get("", [])) + list(resolvers.get(None, []))
        self.other_resolvers = list(resolvers.get(None, []))

    def document(self) -> Value | None:
        self.next_event()  # the stream's start
        if self.loader.check_event(yaml.StreamEndEvent):
            return None
        self.next_event()  # the document's start
        root = self.value(self.next_event())
        self.next_event()  # the document's end
        if not self.loader.check_event(yaml.StreamEndEvent):
            event = self.next_event()
            raise YamlSyntaxError("YAML syntax error: expected a single document in the stream, but found another "
                                  "document", *_at(event))
        return root

    def value(self, event: Any) -> Value:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            return self._scalar(event)
        if kind is yaml.AliasEvent:
            return self._alias(event)
        anchor = event.anchor
        if anchor is not None:
            self.building.add(anchor)
        built = self._mapping(event) if kind is yaml.MappingStartEvent else self._sequence(event)
        if anchor is not None:
            self.building.discard(anchor)
            self.anchors[anchor] = built
        return built

    def _alias(self, event: yaml.AliasEvent) -> Value:
        if event.anchor in self.building:
            raise YamlSyntaxError("an alias refers to the value that contains it", *_at(event))
        if event.anchor not in self.anchors:
            raise YamlSyntaxError(f"YAML syntax error: found undefined alias '{_short(event.anchor or '')}'", *_at(event))
        return self.anchors[event.anchor]

    def _scalar(self, event: yaml.ScalarEvent) -> Value:
        text = event.value
        tag = event.tag
        if tag is None or tag == "!":
            tag = self._resolve(text, event.implicit)
        if tag not in _SCALAR_TAGS:
            _refuse_tag(tag, "a text", _at(event))
        mark = event.start_mark
        value = Value(text, mark.line + 1, mark.column + 1, tag) if mark is not None else Value(text, 1, 1, tag)
        if event.anchor is not None:
            self.anchors[event.anchor] = value
        return value

    def _resolve(self, text: str, implicit: tuple[bool, bool]) -> str:
        """A scalar's tag as PyYAML's resolver gives it (no path resolvers: the safe loader has none)."""
        if implicit[0]:
            resolvers = self.plain_resolvers.get(text[0], self.other_resolvers) if text else self.empty_resolvers
            for tag, pattern in resolvers:
                if pattern.match(text):
                    return str(tag)
        return STR

    def _tag(self, event: Any, kind: type[yaml.Node], allowed: set[str], what: str) -> str:
        """A list's or mapping's tag as PyYAML's composer resolves it; refused unless `allowed`."""
        tag: str | None = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(kind, None, event.implicit)
        assert tag is not None
        if tag not in allowed:
            _refuse_tag(tag, what, _at(event))
        return tag

    def _sequence(self, event: yaml.SequenceStartEvent) -> Value:
        at = _at(event)
        tag = self._tag(event, yaml.SequenceNode, _SEQUENCE_TAGS, "a list")
        items = []
        next_event, value = self.next_event, self.value
        while type(item := next_event()) is not yaml.SequenceEndEvent:
            items.append(value(item))
        return Value(items, at[0], at[1], tag)

    def _mapping(self, event: yaml.MappingStartEvent) -> Value:
        at = _at(event)
        tag = self._tag(event, yaml.MappingNode, _MAPPING_TAGS, "a mapping")
        positions: dict[str, tuple[int, int]] = {}
        twice: list[tuple[str, int, int]] = []
        data: dict[str, Value] = {}
        merges: list[Value] = []
        next_event, value = self.next_event, self.value
        while type(item := next_event()) is not yaml.MappingEndEvent:
            key = value(item)
            if key.tag == _MERGE:
                merges.append(value(next_event()))
                continue
            if not key.is_scalar:
                raise YamlSyntaxError("a key must be a plain word", key.line, key.column)
            name = key.data
            if name in data:
                twice.append((name, key.line, key.column))
            data[name] = value(next_event())
            positions[name] = (key.line, key.column)
        built = Value(data, at[0], at[1], tag, positions, twice)
        for merged in merges:
            self._merge(built, positions, merged)
        return built

    def _merge(self, value: Value, positions: dict[str, tuple[int, int]], merged: Value) -> None:
        """`<<: *base` or `<<: [*a, *b]`: keys written here win, then earlier sources over later ones."""
        for source in merged.data if merged.is_sequence else [merged]:
            if not source.is_mapping:
                raise YamlSyntaxError("'<<' merges a mapping (an alias such as *base) or a list of them",
                                      source.line, source.column)
            self.merged += len(source.data)
            if self.merged > MAX_MERGED_ENTRIES:
                raise YamlSyntaxError("merge keys ('<<') expand to too many entries", source.line, source.column)
            for name, item in source.data.items():
                if name not in value.data:
                    value.data[name] = item
                    positions[name] = source.keys_at[name]
