"""Replicas of the default bank for the benchmark: its five real sources and its real questions (Markdown,
passages, every kind), copied with new ids until the bank has N questions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_ID = re.compile(r"^(  - id: )(\S+)$", re.MULTILINE)


def write_bank(target: Path, questions: int) -> Path:
    """`questions.yaml` with `questions` questions and the default bank's `sources/`, in `target`."""
    text = (REPO / "questions.yaml").read_text(encoding="utf-8")
    head, body = text.split("\nquestions:\n", 1)
    items = [m.start() for m in _ID.finditer(body)]
    pieces = [body[start:end] for start, end in zip(items, items[1:] + [len(body)])]
    copies = []
    for n in range(questions):
        piece = pieces[n % len(pieces)]
        round_ = n // len(pieces)
        copies.append(_ID.sub(rf"\g<1>\g<2>-r{round_}", piece, count=1) if round_ else piece)
    head = head.replace("name: nato-japan", f"name: replica-{questions}")
    head = re.sub(r"(?m)^deck_id: \d+", f"deck_id: {1_900_000_000 + questions}", head)  # a bank of its own
    target.mkdir(parents=True, exist_ok=True)
    (target / "questions.yaml").write_text(f"{head}\nquestions:\n{''.join(copies)}", encoding="utf-8")
    shutil.rmtree(target / "sources", ignore_errors=True)
    shutil.copytree(REPO / "sources", target / "sources")
    return target
