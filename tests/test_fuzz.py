"""Hostile banks: thousands of ways to damage the default bank and a source, each ending in success or in
located messages and exit status 1, never a traceback, a hang or an internal error.

A seeded mutator (the same cases on every run) cuts, repeats, swaps and corrupts lines and bytes of a slice
of the default bank and of one of its sources. STUDYDECK_FUZZ_CASES sets how many (default 300; a
nightly-sized run: `STUDYDECK_FUZZ_CASES=5000 .venv/bin/python -m pytest tests/test_fuzz.py`).
"""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import pytest

from studydeck.cli import main

from .conftest import REPO

CASES = int(os.environ.get("STUDYDECK_FUZZ_CASES", "300"))
# What a hostile edit types: YAML's own syntax, quotes, control and invisible characters, private-use and
# other odd code points, Anki's and Jinja's markup, numbers YAML reads as something else.
PIECES = [":", ": ", "- ", "{", "}", "[", "]", "&a ", "*a", "<<: *a", "!!int ", "!!binary ", "!foo ", "|", ">", "'",
          '"', "#", "%", "@", "`", "\\", "\t", "\r", "\x00", "\x1b]52;c;AAAA\x07", "\x85", "\u2028", "\ufeff",
          "\u00ad", "\u200b", "\ue000", "\ue001", "\U0010fffd", "\ud7ff", "{{c1::", "}}", "{{c0::x}}", "{{c999::x}}",
          "[sound:x.mp3]", "[latex]x[/latex]", "{{ x }}", "{% if %}", "<script>", "$", "$$", "\\(", "![", "](",
          "2024-02-30", "0x1F", "010", "1_000", "1:30", "yes", "~", "null", ".nan", "9" * 5000, "é", "日本", "::"]


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        action = rng.randrange(7)
        if action == 0:
            del lines[i]
        elif action == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif action == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == 3:
            at = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:at] + rng.choice(PIECES) + lines[i][at:]
        elif action == 4:
            lines[i] = lines[i][: rng.randint(0, len(lines[i]))]
        elif action == 5:
            lines[i] = re.sub(r"^\s*", lambda m: " " * rng.randint(0, 8), lines[i], count=1)
        else:
            lines[i] = lines[i].replace(": ", ": " + rng.choice(PIECES), 1)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def originals() -> tuple[str, str]:
    """The head of the default bank (its first 25 questions, on the first source) and that source."""
    text = (REPO / "questions.yaml").read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"(?m)^  - id: ", text)]
    return text[: starts[25]], (REPO / "sources" / "ikegami-2007.md").read_text(encoding="utf-8")


def test_damaged_banks_end_in_success_or_located_messages(originals: tuple[str, str], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    questions, source = originals
    rng = random.Random(20261130)
    project = tmp_path / "bank"
    outcomes = {0: 0, 1: 0}
    for case in range(CASES):
        shutil.rmtree(project, ignore_errors=True)
        (project / "sources").mkdir(parents=True)
        target = rng.randrange(3)  # the bank, the source, or both
        bank_text = _mutate(questions, rng) if target != 1 else questions
        source_text = _mutate(source, rng) if target != 0 else source
        data = bank_text.encode("utf-8", "surrogatepass")
        if rng.random() < 0.05:  # now and then, bytes that are not UTF-8 at all
            at = rng.randrange(len(data))
            data = data[:at] + bytes([rng.randrange(128, 256)]) + data[at:]
        (project / "questions.yaml").write_bytes(data)
        (project / "sources" / "ikegami-2007.md").write_bytes(source_text.encode("utf-8", "surrogatepass"))
        command = "build" if case % 10 == 0 else "check"
        status = main([command, str(project)])
        out = capsys.readouterr()
        assert status in (0, 1), f"case {case} ({command}): exit {status}\n{out.err[-2000:]}"
        assert "Traceback" not in out.out + out.err, f"case {case}"
        if status == 1:
            located = [line for line in out.out.splitlines() if re.match(r"^\S+:\d+:\d+: (error|warning): ", line)]
            assert located or out.err.startswith("studydeck: "), f"case {case}: no located message\n{out}"
        outcomes[status] += 1
    assert outcomes[0] and outcomes[1], f"the cases should both pass and fail: {outcomes}"
