"""How long `check` takes to suggest the closest runs for misquoted passages in a long source.

    .venv/bin/python tests/benchmark/grounding.py

The case the hostile review timed: 12 misquoted passages against a source of 17,000 words, and the same
source with a soft hyphen in every word (as text copied from a web page has). Prints the fastest of 3 runs.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_bank(folder: Path, soft_hyphens: bool) -> None:
    rng = random.Random(3)
    words = [f"word{rng.randrange(5000)}" for _ in range(17000)]
    text = " ".join(w[:3] + "\u00ad" + w[3:] for w in words) if soft_hyphens else " ".join(words)
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "long.md").write_text(f'---\ntitle: "Long"\n---\n\n{text}\n', encoding="utf-8")
    lines = ["title: Grounding", "deck_id: 1234567002", "questions:"]
    for n in range(12):
        start = rng.randrange(16000)
        quoted = words[start:start + 40]
        quoted[20] = "CHANGED"
        lines += [f"  - id: q{n}", "    source: long", f"    passage: {' '.join(quoted)}",
                  f"    question: Which words, {n}?", "    answer: These."]
    (folder / "questions.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as root:
        for soft in (False, True):
            folder = Path(root) / f"bank-{soft}"
            write_bank(folder, soft)
            times = []
            for _ in range(3):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "studydeck", "check", str(folder)], capture_output=True)
                times.append(time.perf_counter() - start)
            print(f"12 misquotes, 17,000-word source{' with soft hyphens' if soft else ''}: {min(times):.2f} s")


if __name__ == "__main__":
    main()
