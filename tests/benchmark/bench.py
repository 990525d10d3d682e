"""The benchmark: wall time and peak memory of `studydeck check` and `studydeck build`, as whole processes,
on replicas of the default bank (its real sources, Markdown and passages; new ids) of 1k, 10k and 100k
questions, against a reference (bare genanki + PyYAML's C loader) and a floor (the C loader, a bare
sqlite3 + zipfile write of the notes, one precompiled minimal template per HTML output). All three pause
the garbage collector.

    .venv/bin/python tests/benchmark/bench.py [--sizes 1000,10000,100000] [--repeat 3]

Not part of the test suite: it takes minutes and measures this machine, it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replica import write_bank

import studydeck

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Run:
    """One process: seconds of wall time and peak resident memory in MiB."""

    seconds: float
    mib: float


def measure(command: list[str], env: dict[str, str]) -> Run:
    """Run a command to completion; its wall time and its own peak memory (from the kernel's rusage)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return Run(seconds, usage.ru_maxrss / 1024)


def bench_size(size: int, root: Path, repeat: int) -> dict[str, Run]:
    """Each measurement `repeat` times, taking turns (so that the machine's slow spells fall on all of them
    alike); the fastest time of each (noise only ever adds time) and the highest peak memory."""
    bank = write_bank(root / f"bank-{size}", size)
    # A data folder of the run's own: the machine's record of bank folders and note times stays untouched.
    env = {**os.environ, "XDG_DATA_HOME": str(root / "data")}
    studydeck = [sys.executable, "-m", "studydeck"]
    reference = [sys.executable, str(HERE / "reference.py"), str(bank), str(root / "ref.apkg")]
    floor = [sys.executable, str(HERE / "floor.py"), str(bank), str(root / "floor")]

    def cold() -> None:  # no earlier build
        shutil.rmtree(bank / "decks", ignore_errors=True)

    def edit(n: int) -> None:  # one more question edited since the last build
        questions = bank / "questions.yaml"
        text = questions.read_text(encoding="utf-8")
        at = text.index("\n    tags: [", len(text) // 3 + 1000 * n) + len("\n    tags: [")
        questions.write_text(f"{text[:at]}edited{n}, {text[at:]}", encoding="utf-8")

    runs: dict[str, list[Run]] = {name: [] for name in ("floor", "reference", "check", "build", "rebuild", "edit")}
    for n in range(repeat):
        runs["floor"].append(measure(floor, env))
        runs["reference"].append(measure(reference, env))
        cold()
        runs["check"].append(measure([*studydeck, "check", str(bank)], env))
        cold()
        runs["build"].append(measure([*studydeck, "build", str(bank)], env))
        runs["rebuild"].append(measure([*studydeck, "build", str(bank)], env))  # nothing changed
        edit(n)
        runs["edit"].append(measure([*studydeck, "build", str(bank)], env))  # one question edited
    return {name: Run(min(r.seconds for r in each), max(r.mib for r in each)) for name, each in runs.items()}


def help_seconds() -> float:
    best = min(measure([sys.executable, "-m", "studydeck", "--help"], dict(os.environ)).seconds for _ in range(5))
    return best


def report(results: dict[int, dict[str, Run]], help_time: float, repeat: int) -> str:
    lines = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, with `python tests/benchmark/bench.py "
        f"--sizes {','.join(map(str, results))} --repeat {repeat}` (times: the fastest of {repeat} runs, "
        "taken in turns; memory: the highest peak).",
        "",
        "| questions | floor | reference | check | build (cold) | cold / floor | cold / reference | "
        "rebuild, unchanged | rebuild, 1 edit | peak memory: floor / reference / build |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, runs in results.items():
        low, ref, cold = runs["floor"], runs["reference"], runs["build"]
        ours = max(r.mib for n, r in runs.items() if n not in ("reference", "floor"))
        lines.append(
            f"| {size:,} | {low.seconds:.2f} s | {ref.seconds:.2f} s | {runs['check'].seconds:.2f} s | "
            f"{cold.seconds:.2f} s | {cold.seconds / low.seconds:.2f}× | {cold.seconds / ref.seconds:.2f}× | "
            f"{runs['rebuild'].seconds:.2f} s | {runs['edit'].seconds:.2f} s | "
            f"{low.mib:.0f} / {ref.mib:.0f} / {ours:.0f} MiB |"
        )
    if 10_000 in results and 100_000 in results:
        growth = results[100_000]["build"].seconds / results[10_000]["build"].seconds
        lines += ["", f"Cold build time from 10k to 100k questions: {growth:.1f}× (linear would be 10×)."]
    lines += ["", f"`studydeck --help`: {help_time * 1000:.0f} ms (best of 5)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated bank sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the fastest counts")
    arguments = parser.parse_args()
    sizes = [int(s) for s in arguments.sizes.split(",")]
    # Compiled once, as pip does for an installed package: with PYTHONDONTWRITEBYTECODE set (as on the machine
    # this was written on) every run would otherwise compile studydeck's source again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(studydeck.__file__).parent)], check=True)
    with tempfile.TemporaryDirectory(prefix="studydeck-bench-") as folder:
        results = {}
        for size in sizes:
            results[size] = bench_size(size, Path(folder), arguments.repeat)
            print(f"{size}: " + ", ".join(f"{k} {v.seconds:.2f}s/{v.mib:.0f}MiB" for k, v in results[size].items()),
                  file=sys.stderr)
        print(report(results, help_seconds(), arguments.repeat))


if __name__ == "__main__":
    main()
