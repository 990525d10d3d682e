"""YAML with positions: PyYAML's composer keeps a mark on every node, so every later rule can name a line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

try:  # the C loader is several times faster on large banks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - only without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(slots=True)
class Value:
    """A YAML value with where it starts. Mappings hold `Value`s by key, sequences a list of them."""

    data: Any
    line: int
    column: int
    raw: str | None = None  # a scalar as written, to explain surprises such as `yes` read as a boolean
    key_positions: dict[str, tuple[int, int]] | None = None
    duplicate_keys: list[tuple[str, int, int]] | None = None

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.data, dict)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.data, list)


class YamlSyntaxError(Exception):
    """The text is not YAML; `line` and `column` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def parse(text: str, first_line: int = 1) -> Value | None:
    """Compose `text` into a tree of `Value`s, or None for an empty document.

    `first_line` is the line number the text starts on in its file (for a piece cut from a larger file).
    """
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlSyntaxError(_describe(e, offset), line + offset, column) from e
    except yaml.YAMLError as e:
        raise YamlSyntaxError(str(e), 1, 1) from e
    if node is None:
        return None
    try:
        return _Converter(offset).convert(node)
    except RecursionError as e:
        raise YamlSyntaxError("the document is nested too deeply", 1, 1) from e


def _describe(e: yaml.MarkedYAMLError, offset: int) -> str:
    parts = [p for p in (e.context, e.problem) if p]
    message = "YAML syntax error: " + ", ".join(parts)
    start, end = e.context_mark, e.problem_mark
    if start and end and start.line != end.line:
        message += f" (the construct began on line {start.line + 1 + offset}, column {start.column + 1})"
    return message


_STR = "tag:yaml.org,2002:str"


class _Converter:
    """Turns nodes into `Value`s; an alias reuses its anchor's value, so no document can expand."""

    def __init__(self, offset: int = 0) -> None:
        self.offset = offset
        self.constructor = SafeConstructor()
        self.done: dict[int, Value] = {}
        self.active: set[int] = set()

    def convert(self, node: yaml.Node) -> Value:
        if type(node) is yaml.ScalarNode:  # the common case first: scalars cannot recurse
            return self._scalar(node)
        key = id(node)
        if key in self.done:
            return self.done[key]
        line, column = node.start_mark.line + 1 + self.offset, node.start_mark.column + 1
        if key in self.active:
            raise YamlSyntaxError("an alias refers to itself", line, column)
        self.active.add(key)
        value = self._build(node, line, column)
        self.active.discard(key)
        self.done[key] = value
        return value

    def _build(self, node: yaml.Node, line: int, column: int) -> Value:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, line, column)
        return Value([self.convert(item) for item in node.value], line, column)

    def _scalar(self, node: yaml.ScalarNode) -> Value:
        mark = node.start_mark
        line = mark.line + 1 + self.offset
        if node.tag == _STR:
            return Value(node.value, line, mark.column + 1, raw=node.value)
        try:
            data = self.constructor.construct_object(node)
        except ConstructorError as e:
            raise YamlSyntaxError(f"cannot read value: {e.problem}", line, mark.column + 1) from e
        return Value(data, line, mark.column + 1, raw=node.value)

    def _mapping(self, node: yaml.MappingNode, line: int, column: int) -> Value:
        items: dict[str, Value] = {}
        positions: dict[str, tuple[int, int]] = {}
        duplicates: list[tuple[str, int, int]] = []
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            key_line, key_column = mark.line + 1 + self.offset, mark.column + 1
            if type(key_node) is not yaml.ScalarNode:
                raise YamlSyntaxError("a key must be a plain word", key_line, key_column)
            key = key_node.value
            if key in items:
                duplicates.append((key, key_line, key_column))
            items[key] = self.convert(value_node)
            positions[key] = (key_line, key_column)
        return Value(items, line, column, key_positions=positions, duplicate_keys=duplicates)
