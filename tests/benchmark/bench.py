"""The benchmark: wall time and peak memory of `studydeck check` and `studydeck build`, as whole processes,
on synthetic banks of 1k, 10k and 100k questions, against a reference (bare genanki + PyYAML's C loader).

    .venv/bin/python tests/benchmark/bench.py [--sizes 1000,10000,100000]

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
from synthetic import write_bank  # noqa: E402

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


def bench_size(size: int, root: Path) -> dict[str, Run]:
    bank = write_bank(root / f"bank-{size}", size)
    env = {**os.environ, "STUDYDECK_CACHE_DIR": str(root / f"cache-{size}")}
    studydeck = [sys.executable, "-m", "studydeck"]
    runs = {"reference": measure([sys.executable, str(HERE / "reference.py"), str(bank), str(root / "ref.apkg")], env)}
    runs["check"] = measure([*studydeck, "check", str(bank)], env)
    shutil.rmtree(env["STUDYDECK_CACHE_DIR"])
    runs["build"] = measure([*studydeck, "build", str(bank)], env)  # cold: no cache, no previous decks
    runs["rebuild"] = measure([*studydeck, "build", str(bank)], env)  # nothing changed
    questions = bank / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    edited = text.replace("Question 7 rests on", "Question 7 now rests on", 1)
    assert edited != text
    questions.write_text(edited, encoding="utf-8")
    runs["edit"] = measure([*studydeck, "build", str(bank)], env)  # one question edited
    return runs


def help_seconds() -> float:
    best = min(measure([sys.executable, "-m", "studydeck", "--help"], dict(os.environ)).seconds for _ in range(5))
    return best


def report(results: dict[int, dict[str, Run]], help_time: float) -> str:
    lines = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, with `python tests/benchmark/bench.py "
        f"--sizes {','.join(map(str, results))}`.",
        "",
        "| questions | reference | check | build (cold) | ratio to reference | rebuild, unchanged | rebuild, 1 edit | "
        "edit / cold | peak memory (build) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, runs in results.items():
        ref, cold = runs["reference"], runs["build"]
        lines.append(
            f"| {size:,} | {ref.seconds:.2f} s | {runs['check'].seconds:.2f} s | {cold.seconds:.2f} s | "
            f"{cold.seconds / ref.seconds:.2f}× | {runs['rebuild'].seconds:.2f} s | {runs['edit'].seconds:.2f} s | "
            f"{runs['edit'].seconds / cold.seconds:.2f}× | {max(r.mib for n, r in runs.items() if n != 'reference'):.0f} MiB |"
        )
    if 10_000 in results and 100_000 in results:
        growth = results[100_000]["build"].seconds / results[10_000]["build"].seconds
        lines += ["", f"Cold build time from 10k to 100k questions: {growth:.1f}× (linear would be 10×)."]
    lines += ["", f"`studydeck --help`: {help_time * 1000:.0f} ms (best of 5)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated bank sizes")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="studydeck-bench-") as folder:
        results = {}
        for size in sizes:
            results[size] = bench_size(size, Path(folder))
            print(f"{size}: " + ", ".join(f"{k} {v.seconds:.2f}s/{v.mib:.0f}MiB" for k, v in results[size].items()),
                  file=sys.stderr)
        print(report(results, help_seconds()))


if __name__ == "__main__":
    main()
