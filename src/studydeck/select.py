"""Choosing which questions go into an output: by source, tag and kind, then a seeded sample."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .errors import SelectionError
from .model import Bank, Kind, Question

T = TypeVar("T")


@dataclass(frozen=True)
class Selection:
    """Filters combine with AND; values within one filter with OR. Empty filters select everything."""

    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = ()
    sample: int | None = None
    seed: str = "studydeck"

    def apply(self, questions: Iterable[Question]) -> list[Question]:
        """The chosen questions, in authored order (a sample keeps authored order too)."""
        chosen = [q for q in questions if self.matches(q)]
        if self.sample is not None and self.sample < len(chosen):
            keep = set(rng(self.seed, "sample").sample(range(len(chosen)), self.sample))
            chosen = [q for i, q in enumerate(chosen) if i in keep]
        return chosen

    def chosen(self, bank: Bank) -> list[Question]:
        """The bank's chosen questions; an unknown source or tag, or an empty choice, is a SelectionError."""
        unknown = [f"source '{s}'" for s in self.sources if s not in bank.sources]
        tags = {t for q in bank.questions for t in q.tags}
        unknown += [f"tag '{t}'" for t in self.tags if t not in tags]
        if unknown:
            raise SelectionError(f"the bank has no {', no '.join(unknown)}; nothing was built")
        chosen = self.apply(bank.questions)
        if not chosen:
            raise SelectionError("no question matches the selection; nothing was built")
        return chosen

    def matches(self, question: Question) -> bool:
        """Whether one question passes the source, tag and kind filters."""
        return (
            (not self.sources or question.source in self.sources)
            and (not self.tags or any(t in self.tags for t in question.tags))
            and (not self.kinds or question.kind in self.kinds)
        )


def rng(seed: str, *purpose: object) -> random.Random:
    """A generator that gives the same sequence for the same seed and purpose on every machine."""
    return random.Random(":".join([seed, *map(str, purpose)]))


def shuffled(items: Sequence[T], seed: str, *purpose: object) -> list[T]:
    """A copy of `items` in an order fixed by the seed and purpose."""
    out = list(items)
    rng(seed, *purpose).shuffle(out)
    return out
