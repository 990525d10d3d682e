"""questions.yaml is read with the full semantics of PyYAML's safe loader: anchors, aliases and merge keys
included, every value where the safe loader puts it, and every line and column kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from studydeck import check
from studydeck.yamltree import Value, parse

from .conftest import copy_case


def _plain(value: Value) -> Any:
    """A Value tree as the safe loader would build it."""
    if value.is_mapping:
        return {key: _plain(item) for key, item in value.data.items()}
    if value.is_sequence:
        return [_plain(item) for item in value.data]
    return value.typed()


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=12),
                     st.sampled_from(["010", "0x1F", "1_000", "1:30", "yes", "~", "2024-01-05", "1.50", "-.inf"]))
_documents = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) |
                          st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=5), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(document=_documents)
def test_any_document_reads_as_the_safe_loader_reads_it(document: object) -> None:
    text = yaml.safe_dump({"root": document}, allow_unicode=True)
    parsed = parse(text)
    assert parsed is not None and _plain(parsed) == yaml.safe_load(text)


ANCHORS = """\
x-common: &tides
  source: tides
  tags: [moon]
x-kind: &basic {kind: basic}
answers:
  - &two Two bulges.
  - *two
merged:
  <<: [*tides, *basic]
  source: overridden
"""


def test_anchors_aliases_and_merge_keys_as_the_safe_loader_has_them() -> None:
    parsed = parse(ANCHORS)
    assert parsed is not None and _plain(parsed) == yaml.safe_load(ANCHORS)
    merged = parsed.data["merged"]
    assert merged.keys_at["source"] == (10, 3)  # a key written here, where it is written
    assert merged.keys_at["tags"] == (3, 3)  # a merged key, where its anchor wrote it


def test_a_bank_shares_its_source_through_a_merge_key(tmp_path: Path) -> None:
    project = copy_case("valid", tmp_path / "merge")
    questions = project / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    head, body = text.split("questions:\n", 1)
    body = body.replace("  source: tides\n", "  <<: *tides\n")
    questions.write_text(head + "x-defaults: &tides\n  source: tides\nquestions:\n" + body, encoding="utf-8")
    report = check(project)
    assert [str(p) for p in report.errors] == []
    assert report.bank is not None and {q.source for q in report.bank.questions} >= {"tides"}
