"""Synthetic banks for the benchmark: N questions of mixed kinds over 50 sources of realistic size."""

from __future__ import annotations

import random
from pathlib import Path

WORDS = ["alliance", "deterrence", "maritime", "security", "partner", "treaty", "missile", "summit", "cooperation", "strategy", "region", "defence", "council", "dialogue", "ministry", "forces", "exercise", "navy", "order", "policy", "threat", "budget", "island", "strait", "capability", "agreement", "declaration", "framework", "interoperability", "coalition", "stability"]
KINDS = ("basic", "reversed", "cloze", "type-in", "choice", "true-false")
SOURCES = 50
PARAGRAPHS = 30  # about 10 kB of text per source, like the articles of the default bank


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def write_bank(target: Path, questions: int, seed: int = 7) -> Path:
    """Write `questions.yaml` and `sources/` into `target`; the same arguments give the same files."""
    rng = random.Random(seed)
    sources = target / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    texts = {}
    for s in range(SOURCES):
        paragraphs = [" ".join(_sentence(rng) for _ in range(4)) for _ in range(PARAGRAPHS)]
        texts[f"source-{s:02d}"] = paragraphs
        body = "\n\n".join(paragraphs)
        (sources / f"source-{s:02d}.md").write_text(
            f'---\ntitle: "Synthetic source {s}"\nauthors: [A. Writer]\nyear: 2024\n---\n\n{body}\n', encoding="utf-8")
    lines = ['title: "Synthetic bank"', f"name: synthetic-{questions}", "deck_id: 1234567890", "questions:"]
    for i in range(questions):
        source = f"source-{i % SOURCES:02d}"
        paragraph = texts[source][rng.randrange(PARAGRAPHS)]
        words = paragraph.split()
        start = rng.randrange(len(words) - 12)
        passage = " ".join(words[start : start + 10])
        lines += _question(i, KINDS[i % len(KINDS)], source, passage, rng)
    (target / "questions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _question(i: int, kind: str, source: str, passage: str, rng: random.Random) -> list[str]:
    head = [f"  - id: q{i:06d}", f"    kind: {kind}", f"    source: {source}", f'    passage: "{passage}"']
    words = passage.split()
    # Markdown in one explanation of 20, as in the default bank (14 of its 281 use emphasis).
    emphasis = f"**{words[0]}**" if i % 20 == 0 else words[0]
    tail = [f"    explanation: Question {i} rests on {emphasis} and {words[1]}.", f"    tags: [t{i % 20}, level{i % 3}]"]
    if kind == "cloze":
        body = [f"    text: The passage says {{{{c1::{words[2]}}}}} and {{{{c2::{words[5]}}}}} in item {i}."]
    elif kind == "choice":
        options = [f"{w} option {i}" for w in rng.sample(WORDS, 4)]
        body = [f"    question: Which option is right for item {i}?", f"    choices: [{', '.join(options)}]",
                f"    answer: {options[rng.randrange(4)]}"]
    elif kind == "true-false":
        body = [f"    question: Item {i} says {words[3]} matters.", f"    answer: {str(i % 2 == 0).lower()}"]
    elif kind == "type-in":
        body = [f"    question: Which word opens item {i}?", f"    answer: {words[0]}"]
    else:
        body = [f"    question: What does item {i} say about {words[4]}?", f"    answer: It says {' '.join(words[:6])}."]
    return head + body + tail
