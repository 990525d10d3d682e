"""What a bank covers: questions by kind per source, and the paragraphs no question cites yet."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .model import Bank, Kind, Paragraph, Source


@dataclass(frozen=True)
class SourceStats:
    """Counts for one source. `uncovered` are text paragraphs with no question; `skipped` page furniture."""

    source: Source
    kinds: dict[Kind, int]
    covered: tuple[Paragraph, ...]
    uncovered: tuple[Paragraph, ...]
    skipped: tuple[Paragraph, ...]

    @property
    def questions(self) -> int:
        return sum(self.kinds.values())

    @property
    def coverage(self) -> float:
        """The share of text paragraphs that have a question (1.0 for a source with none)."""
        total = len(self.covered) + len(self.uncovered)
        return len(self.covered) / total if total else 1.0


def bank_stats(bank: Bank) -> list[SourceStats]:
    """One entry per source, in id order."""
    return [_source_stats(bank, source) for _, source in sorted(bank.sources.items())]


def _source_stats(bank: Bank, source: Source) -> SourceStats:
    questions = [q for q in bank.questions if q.source == source.id]
    cited = {n for q in questions for n in q.paragraphs}
    counted = [p for p in source.paragraphs if p.role.counts_for_coverage]
    return SourceStats(
        source=source,
        kinds=dict(Counter(q.kind for q in questions)),
        covered=tuple(p for p in counted if p.number in cited),
        uncovered=tuple(p for p in counted if p.number not in cited),
        skipped=tuple(p for p in source.paragraphs if not p.role.counts_for_coverage),
    )
