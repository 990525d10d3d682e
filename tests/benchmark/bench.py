"""The benchmark: wall time and peak memory of `studydeck check` and `studydeck build`, as whole processes,
on replicas of the default bank (its real sources, Markdown and passages; new ids) of 1k, 10k and 100k
questions, against a reference (bare genanki + PyYAML's C loader) and a floor (the C loader, a bare
sqlite3 + zipfile write of the notes, one precompiled minimal template per HTML output). All three pause
the garbage collector.

    .venv/bin/python tests/benchmark/bench.py [--sizes 1000,10000,100000] [--repeat 3] [--baseline REV]

With `--baseline REV` it also measures studydeck as it was at a git revision (its `src/`, on the same replicas),
for a before-and-after table.

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


def bench_size(size: int, root: Path, repeat: int, baseline: Path | None = None) -> dict[str, Run]:
    """Each measurement `repeat` times, taking turns (so that the machine's slow spells fall on all of them
    alike); the fastest time of each (noise only ever adds time) and the highest peak memory. With `baseline`
    (a checkout of another revision), its check and builds too, as `then-check`, `then-build`, ..."""
    # A data folder of the run's own: the machine's record of bank folders and note times stays untouched.
    env = {**os.environ, "XDG_DATA_HOME": str(root / "data")}
    reference = [sys.executable, str(HERE / "reference.py"), str(root / f"bank-{size}"), str(root / "ref.apkg")]
    floor = [sys.executable, str(HERE / "floor.py"), str(root / f"bank-{size}"), str(root / "floor")]
    runs: dict[str, list[Run]] = {}
    versions = [Version("", root / f"bank-{size}", env)]
    if baseline is not None:
        # Its own bank (the edits must not mix), data and cache folders, its own code first on the path.
        versions.append(Version("then-", root / f"bank-{size}-then", {
            **env, "XDG_DATA_HOME": str(root / "data-then"), "XDG_CACHE_HOME": str(root / "cache-then"),
            "PYTHONPATH": str(baseline / "src")}))
    for version in versions:
        write_bank(version.bank, size)
    for n in range(repeat):
        for name, command in (("floor", floor), ("reference", reference)):
            runs.setdefault(name, []).append(measure(command, env))
        for version in versions:
            for name, run in version.measure_all(n).items():
                runs.setdefault(name, []).append(run)
    return {name: Run(min(r.seconds for r in each), max(r.mib for r in each)) for name, each in runs.items()}


@dataclass(frozen=True)
class Version:
    """One version of studydeck to measure: `prefix` names its measurements, `bank` is its replica."""

    prefix: str
    bank: Path
    env: dict[str, str]

    def cold(self) -> None:  # no earlier build, and no cache (older versions kept one)
        shutil.rmtree(self.bank / "decks", ignore_errors=True)
        if "XDG_CACHE_HOME" in self.env:
            shutil.rmtree(self.env["XDG_CACHE_HOME"], ignore_errors=True)

    def edit(self, n: int) -> None:  # one more question edited since the last build
        questions = self.bank / "questions.yaml"
        text = questions.read_text(encoding="utf-8")
        at = text.index("\n    tags: [", len(text) // 3 + 1000 * n) + len("\n    tags: [")
        questions.write_text(f"{text[:at]}edited{n}, {text[at:]}", encoding="utf-8")

    def measure_all(self, n: int) -> dict[str, Run]:
        studydeck = [sys.executable, "-m", "studydeck"]
        runs = {}
        self.cold()
        runs["check"] = measure([*studydeck, "check", str(self.bank)], self.env)
        self.cold()
        runs["build"] = measure([*studydeck, "build", str(self.bank)], self.env)
        runs["rebuild"] = measure([*studydeck, "build", str(self.bank)], self.env)  # nothing changed
        self.edit(n)
        runs["edit"] = measure([*studydeck, "build", str(self.bank)], self.env)  # one question edited
        return {self.prefix + name: run for name, run in runs.items()}


def help_seconds() -> float:
    best = min(measure([sys.executable, "-m", "studydeck", "--help"], dict(os.environ)).seconds for _ in range(5))
    return best


def report(results: dict[int, dict[str, Run]], help_time: float, repeat: int, baseline_name: str = "") -> str:
    lines = [
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, with `python tests/benchmark/bench.py "
        f"--sizes {','.join(map(str, results))} --repeat {repeat}"
        f"{' --baseline ' + baseline_name.strip('`') if baseline_name else ''}` (times: the fastest of {repeat} runs, "
        "taken in turns; memory: the highest peak).",
        "",
        "| questions | floor | reference | check | build (cold) | cold / floor | cold / reference | "
        "rebuild, unchanged | rebuild, 1 edit | peak memory: floor / reference / build |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, runs in results.items():
        low, ref, cold = runs["floor"], runs["reference"], runs["build"]
        ours = max(r.mib for n, r in runs.items() if n in ("check", "build", "rebuild", "edit"))
        lines.append(
            f"| {size:,} | {low.seconds:.2f} s | {ref.seconds:.2f} s | {runs['check'].seconds:.2f} s | "
            f"{cold.seconds:.2f} s | {cold.seconds / low.seconds:.2f}× | {cold.seconds / ref.seconds:.2f}× | "
            f"{runs['rebuild'].seconds:.2f} s | {runs['edit'].seconds:.2f} s | "
            f"{low.mib:.0f} / {ref.mib:.0f} / {ours:.0f} MiB |"
        )
    if any("then-build" in runs for runs in results.values()):
        lines += ["", f"Against {baseline_name}, on the same replicas, in the same turns:", "",
                  "| questions | version | check | build (cold) | rebuild, unchanged | rebuild, 1 edit | peak memory |",
                  "| ---: | :--- | ---: | ---: | ---: | ---: | ---: |"]
        for size, runs in results.items():
            for label, prefix in ((baseline_name, "then-"), ("this one", "")):
                mib = max(r.mib for n, r in runs.items() if n.startswith(prefix) and n.removeprefix(prefix) in (
                    "check", "build", "rebuild", "edit"))
                lines.append(f"| {size:,} | {label} | " + " | ".join(
                    f"{runs[prefix + n].seconds:.2f} s" for n in ("check", "build", "rebuild", "edit")) + f" | {mib:.0f} MiB |")
    if 10_000 in results and 100_000 in results:
        growth = results[100_000]["build"].seconds / results[10_000]["build"].seconds
        lines += ["", f"Cold build time from 10k to 100k questions: {growth:.1f}× (linear would be 10×)."]
    lines += ["", f"`studydeck --help`: {help_time * 1000:.0f} ms (best of 5)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated bank sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the fastest counts")
    parser.add_argument("--baseline", metavar="REV", help="also measure studydeck as it was at this git revision")
    arguments = parser.parse_args()
    sizes = [int(s) for s in arguments.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="studydeck-bench-") as folder:
        baseline = _checkout(arguments.baseline, Path(folder) / "baseline") if arguments.baseline else None
        # Compiled once, as pip does for an installed package: with PYTHONDONTWRITEBYTECODE set (as on the machine
        # this was written on) every run would otherwise compile studydeck's source again.
        for code in [Path(studydeck.__file__).parent, *([baseline / "src"] if baseline else [])]:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(code)], check=True)
        results = {}
        for size in sizes:
            results[size] = bench_size(size, Path(folder), arguments.repeat, baseline)
            print(f"{size}: " + ", ".join(f"{k} {v.seconds:.2f}s/{v.mib:.0f}MiB" for k, v in results[size].items()),
                  file=sys.stderr)
        print(report(results, help_seconds(), arguments.repeat,
                     f"`{arguments.baseline}`" if arguments.baseline else ""))


def _checkout(revision: str, target: Path) -> Path:
    """The repository's files at `revision`, in `target` (git archive: no worktree left behind)."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(HERE.parent.parent), "archive", revision, "src"], check=True,
                             capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


if __name__ == "__main__":
    main()
