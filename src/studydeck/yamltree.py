"""YAML with positions: the whole document as PyYAML composes it, every node keeping its line and column.

Scalars stay the text the author wrote (with the tag YAML resolved for it): a text field takes that text as
written, so `id: 010` stays "010", and only fields that need a typed value (a number, a boolean) construct
one, where a value YAML resolves but cannot build (an impossible date, a number of thousands of digits) is a
located problem instead of a crash. Anchors, aliases and merge keys (`<<: *base`) work as in PyYAML's safe
loader; an alias reuses its anchor's value, so no document can expand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    key_positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    duplicate_keys: list[tuple[str, int, int]] = field(default_factory=list)

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
    """Compose `text` into a tree of `Value`s, or None for an empty document."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError as e:  # the pure-Python composer recurses once per level; libyaml stops at 1000
        raise YamlSyntaxError("the document is nested too deeply", 1, 1) from e
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlSyntaxError(_describe(e), line, column) from e
    except yaml.YAMLError as e:
        raise YamlSyntaxError(f"YAML error: {e}", 1, 1) from e
    if node is None:
        return None
    try:
        return _Converter().convert(node)
    except RecursionError as e:
        raise YamlSyntaxError("the document is nested too deeply", 1, 1) from e


def _describe(e: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (e.context, e.problem) if p]
    message = "YAML syntax error: " + ", ".join(parts)
    start, end = e.context_mark, e.problem_mark
    if start and end and start.line != end.line:
        message += f" (the construct began on line {start.line + 1}, column {start.column + 1})"
    return message


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _at(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _refuse_tag(node: yaml.Node) -> None:
    tag = node.tag.replace(_CORE, "!!")
    what = "a text" if isinstance(node, yaml.ScalarNode) else "a mapping" if isinstance(node, yaml.MappingNode) \
        else "a list"
    raise YamlSyntaxError(f"the tag '{_short(tag)}' on {what} is not one studydeck reads; remove it (a value is "
                          "text, a number, true or false, a list or a mapping)", *_at(node))


class _Converter:
    """Turns nodes into `Value`s; each node is converted once, so an alias shares its anchor's value."""

    def __init__(self) -> None:
        self.done: dict[int, Value] = {}
        self.active: set[int] = set()
        self.merged = 0

    def convert(self, node: yaml.Node) -> Value:
        if type(node) is yaml.ScalarNode:  # the common case first: scalars cannot recurse
            line, column = _at(node)
            if node.tag not in _SCALAR_TAGS:
                _refuse_tag(node)
            return Value(node.value, line, column, node.tag)
        if node.tag not in (_MAPPING_TAGS if isinstance(node, yaml.MappingNode) else _SEQUENCE_TAGS):
            _refuse_tag(node)
        key = id(node)
        if key in self.done:
            return self.done[key]
        line, column = _at(node)
        if key in self.active:
            raise YamlSyntaxError("an alias refers to the value that contains it", line, column)
        self.active.add(key)
        if isinstance(node, yaml.MappingNode):
            value = self._mapping(node, line, column)
        else:
            value = Value([self.convert(item) for item in node.value], line, column, node.tag)
        self.active.discard(key)
        self.done[key] = value
        return value

    def _mapping(self, node: yaml.MappingNode, line: int, column: int) -> Value:
        value = Value({}, line, column, node.tag)
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key_line, key_column = _at(key_node)
            if type(key_node) is not yaml.ScalarNode:
                raise YamlSyntaxError("a key must be a plain word", key_line, key_column)
            name = key_node.value
            if name in value.data:
                value.duplicate_keys.append((name, key_line, key_column))
            value.data[name] = self.convert(value_node)
            value.key_positions[name] = (key_line, key_column)
        for merged in merges:
            self._merge(value, merged)
        return value

    def _merge(self, value: Value, node: yaml.Node) -> None:
        """`<<: *base` or `<<: [*a, *b]`: keys written here win, then earlier sources over later ones."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise YamlSyntaxError("'<<' merges a mapping (an alias such as *base) or a list of them",
                                      *_at(source))
            merged = self.convert(source)
            self.merged += len(merged.data)
            if self.merged > MAX_MERGED_ENTRIES:
                raise YamlSyntaxError("merge keys ('<<') expand to too many entries", *_at(source))
            for name, item in merged.data.items():
                if name not in value.data:
                    value.data[name] = item
                    value.key_positions[name] = merged.key_positions[name]
