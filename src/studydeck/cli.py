"""The command line: parses arguments, calls the library, prints, and sets the exit status.

studydeck's own errors end in a one-line message. Anything else is a bug: `main` still ends it in one line
(exit status 70) and writes the traceback to a log file under the user's cache folder, named in the message.
Every message goes through `terminal.echo`, so bank and source text reach the terminal inert.
Heavy modules are imported inside the commands so that `studydeck --help` starts fast.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .build import ALL_FORMATS, FORMATS, GROUPS, PAPERS
from .errors import StudydeckError
from .model import Kind
from .terminal import echo, inert

if TYPE_CHECKING:
    from .stats import SourceStats

PROJECT = click.argument("project", default=".", type=click.Path(file_okay=False, path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="studydeck")
def cli() -> None:
    """Turn a source-grounded question bank into Anki decks, printable quizzes and self-tests.

    PROJECT is a directory holding questions.yaml and sources/ (default: the current one).
    """


@cli.command()
@PROJECT
@click.option("--from", "origin", metavar="BANK", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Copy the bank in BANK (questions, sources, templates, media; not decks/) with a deck_id of its own.")
def init(project: Path, origin: Path | None) -> None:
    """Start a new bank in PROJECT with one example question of every kind, or as a copy of another bank."""
    from .identity import copy_bank
    from .scaffold import init_project

    for path in copy_bank(origin, project) if origin is not None else init_project(project):
        echo(f"created {path}")
    if origin is not None:
        echo(f"the copy has a deck_id of its own: in Anki it is a new deck, and {origin}'s notes stay as they are")
        echo(f"next: change its title (Anki shows decks by title), then run 'studydeck check {project}'")
        return
    echo(f"next: edit {project / 'questions.yaml'}, then run 'studydeck check {project}'")


@cli.command("new-id")
@PROJECT
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def new_id(project: Path, yes: bool) -> None:
    """Give the bank in PROJECT a new deck_id: for a copied bank, which would otherwise overwrite the original's
    notes in Anki.

    Learners' notes from this bank are then no longer updated by it: its next deck imports as new notes (their
    old notes, and their history, stay as they were). Progress in 'studydeck quiz' and on the
    self-test page starts afresh too. Only questions.yaml's deck_id line changes.
    """
    from .identity import new_id as give_new_id

    echo("A new deck_id makes this bank a new deck: learners' notes from its current id are no longer "
               "updated by it (the next import adds every question as a new note), and quiz and self-test "
               "progress start afresh.")
    if not yes and not click.confirm(f"Give the bank in {project} a new deck_id?", default=False):
        raise click.exceptions.Exit(_fail("nothing was changed"))
    done = give_new_id(project)
    if done.notice:
        echo(f"note: {done.notice}", err=True)
    was = f"{done.old}" if done.old is not None else "none"
    echo(f"{project / 'questions.yaml'}: deck_id {was} -> {done.new}")


@cli.command()
@PROJECT
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(project: Path, strict: bool) -> None:
    """Validate the bank: every problem with its file, line and column."""
    from . import check as run_check

    report = run_check(project)
    for notice in report.notices:
        echo(f"note: {notice}", err=True)
    for problem in report.problems:
        echo(str(problem))
    errors, warnings = len(report.errors), len(report.warnings)
    questions = len(report.bank.questions) if report.bank else 0
    if not report.passed(strict):
        raise click.exceptions.Exit(_fail(f"{errors} error(s), {warnings} warning(s)"))
    echo(f"ok: {questions} questions, {warnings} warning(s)")


@cli.command()
@PROJECT
@click.option("--strict", is_flag=True, help="Refuse to build when there are warnings too.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: PROJECT/decks).")
@click.option("--paper", type=click.Choice(PAPERS), default="a4", show_default=True,
              help="Paper of the worksheets, answer keys and reading packet.")
@click.option("--group-by", type=click.Choice(GROUPS), default="source", show_default=True,
              help="Group the worksheet's questions by source or by kind.")
@click.option("--source", "sources", multiple=True, metavar="ID", help="Only questions on this source (repeatable).")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="Only questions with this tag (repeatable).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice([k.value for k in Kind]),
              help="Only questions of this kind (repeatable).")
@click.option("--sample", type=click.IntRange(min=1), metavar="N", help="A random sample of N of the chosen questions.")
@click.option("--seed", default="studydeck", show_default=True,
              help="Seed of the sample and of the shuffled orders: the same seed gives the same files.")
@click.option("--versions", type=click.IntRange(1, 26), default=1, show_default=True, metavar="N",
              help="Versions A, B, ... with their own question and choice order, each with its own key.")
@click.option("--pdf", is_flag=True, help="Also print every worksheet, key and the reading packet to PDF (needs Chromium).")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True, metavar="LIST",
              callback=lambda ctx, param, value: _formats(value),
              help=f"What to write, comma-separated, from: {', '.join(ALL_FORMATS)} (qti3: QTI 3.0 package, "
                   "qti12: Canvas's QTI 1.2, moodle: Moodle XML; these take the selection options too).")
def build(project: Path, strict: bool, out: Path | None, paper: str, group_by: str, sources: tuple[str, ...],
          tags: tuple[str, ...], kinds: tuple[str, ...], sample: int | None, seed: str, versions: int,
          pdf: bool, formats: tuple[str, ...]) -> None:
    """Check the bank, then build the Anki deck, printable worksheets and answer keys, and self-test into decks/.

    The options from --paper on shape the worksheets and keys; the Anki deck always holds every question.
    """
    from .build import BuildOptions
    from .build import build as run_build
    from .errors import InputError
    from .select import Selection

    if pdf and not {"html", "reading"} & set(formats):
        raise click.BadParameter("--pdf prints the worksheets, keys and reading packet; add html or reading to "
                                 "--format", param_hint="--pdf")

    selection = Selection(sources, tags, tuple(Kind(k) for k in kinds), sample, seed)
    fixed = _fixed_time()
    options = BuildOptions(out=out, strict=strict, paper=paper, group_by=group_by, selection=selection,
                           versions=versions, pdf=pdf, formats=formats,
                           now=int(fixed.timestamp()) if fixed is not None else None)
    try:
        with _progress_line() as progress:
            result = run_build(project, options, progress)
    except InputError as e:
        for problem in e.problems:
            echo(str(problem))
        raise click.exceptions.Exit(_fail(f"{e}; nothing was built")) from e
    for notice in result.notices:
        echo(f"note: {notice}", err=True)
    for path in result.outputs:
        echo(f"{'wrote' if path in result.changed else 'unchanged'} {path}")


@cli.command()
@PROJECT
def stats(project: Path) -> None:
    """Questions by kind per source, and the paragraphs that have no question yet."""
    from . import check as run_check
    from .stats import bank_stats

    report = run_check(project)
    if report.bank is None:
        raise click.exceptions.Exit(_fail("the bank cannot be read; run 'studydeck check' to see why"))
    for entry in bank_stats(report.bank):
        _print_source_stats(entry)


@cli.command()
@PROJECT
@click.option("--new", "new_per_day", type=click.IntRange(min=0), default=20, show_default=True,
              help="New cards to start per day.")
@click.option("--source", "sources", multiple=True, metavar="ID", help="Only this source (repeatable).")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="Only questions with this tag (repeatable).")
@click.option("--kind", "kinds", multiple=True, help="Only this kind of question (repeatable).",
              type=click.Choice(["basic", "reversed", "cloze", "type-in", "choice", "true-false"]))
@click.option("--progress", type=click.Path(dir_okay=False, path_type=Path),
              help="Progress file (default: one per bank in your data directory).")
def quiz(project: Path, new_per_day: int, sources: tuple[str, ...], tags: tuple[str, ...], kinds: tuple[str, ...],
         progress: Path | None) -> int:
    """Test yourself in the terminal: what spaced repetition (FSRS) says is due, then new cards.

    Every answer is saved at once. q (or quit) alone at any prompt, Ctrl-D or Ctrl-C stop the quiz; to answer
    "q" itself, type it in quotes.
    """
    from . import load_checked
    from .errors import InputError
    from .quiz import QuizOptions, run_quiz
    from .select import Selection

    try:
        bank = load_checked(project)
    except InputError as e:
        for problem in e.problems:
            echo(str(problem))
        raise click.exceptions.Exit(_fail(f"{e}; fix them to take the quiz")) from e
    selection = Selection(sources=sources, tags=tags, kinds=tuple(Kind(k) for k in kinds))
    return run_quiz(bank, QuizOptions(selection=selection, new_per_day=new_per_day, progress=progress), clock=_clock())


def _clock() -> Callable[[], datetime] | None:
    """The quiz's clock: the fixed time of `$STUDYDECK_NOW` when set, else None (the quiz's own local clock)."""
    fixed = _fixed_time()
    return (lambda: fixed) if fixed is not None else None


def _fixed_time() -> datetime | None:
    """`$STUDYDECK_NOW`, an ISO 8601 time with its offset, as `faketime` would fix it: a quiz session or a
    build (the time a changed Anki note is stamped with) can be replayed at a fixed time; tests use it."""
    fixed = os.environ.get("STUDYDECK_NOW")
    if not fixed:
        return None
    try:
        when = datetime.fromisoformat(fixed)
    except ValueError:
        raise click.BadParameter(f"STUDYDECK_NOW={fixed!r} is not an ISO 8601 time such as 2026-03-10T12:00:00+00:00") from None
    if when.tzinfo is None:
        raise click.BadParameter(f"STUDYDECK_NOW={fixed!r} needs its UTC offset, e.g. {fixed}+00:00")
    return when


@cli.group()
def source() -> None:
    """Bring documents into a bank's sources/."""


@source.command("add")
@click.argument("document", metavar="FILE-OR-URL")
@PROJECT
@click.option("--id", "source_id", metavar="ID", help="The source's id and file name (default: from its title).")
def source_add(document: str, project: Path, source_id: str | None) -> None:
    """Turn a web page (saved .html or an http(s) URL), a PDF, a text or Markdown file, or '-' (standard input)
    into PROJECT/sources/ID.md, ready to quote: the article's text without page furniture, its attribution in
    the front matter. An existing source is never overwritten."""
    from .ingest.add import add_source

    stdin = sys.stdin.buffer if document == "-" else None
    path, result = add_source(document, project, source_id=source_id, stdin=stdin)
    furniture = ", ".join(f"{count} {role}" for role, count in result.furniture.items())
    echo(f"wrote {path}: {result.paragraphs} paragraphs, {result.words} words"
               + (f" (also kept, not counted: {furniture})" if furniture else ""))
    for item in result.dropped:
        echo(f"  dropped: {item}")
    echo(f"next: check the text against the original, then quote it in questions.yaml as source '{result.id}'")


def _print_source_stats(entry: SourceStats) -> None:
    kinds = ", ".join(f"{kind.value} {count}" for kind, count in sorted(entry.kinds.items(), key=lambda kv: kv[0].value))
    counted = len(entry.covered) + len(entry.uncovered)
    echo(f"{entry.source.id}: {entry.questions} questions ({kinds or 'none'})")
    echo(f"  coverage: {len(entry.covered)}/{counted} paragraphs ({entry.coverage:.0%})")
    for paragraph in entry.uncovered:
        echo(f"  no question yet: {entry.source.id}#{paragraph.number} (line {paragraph.line}): "
                   f"{_preview(paragraph.text)}")
    if entry.skipped:
        roles = sorted({p.role.value for p in entry.skipped})
        echo(f"  not counted: {len(entry.skipped)} paragraphs ({', '.join(roles)})")


@contextmanager
def _progress_line() -> Iterator[Callable[[str], None]]:
    """A one-line progress display on a terminal's stderr; nothing at all when stderr is not a terminal."""
    stream = sys.stderr
    if not stream.isatty():
        yield lambda stage: None
        return
    start = time.monotonic()

    def show(stage: str) -> None:
        stream.write(f"\r\x1b[K[{time.monotonic() - start:5.1f}s] {stage}…")
        stream.flush()

    try:
        yield show
    finally:
        stream.write("\r\x1b[K")
        stream.flush()


def _formats(value: str) -> tuple[str, ...]:
    """`--format`'s list, each name checked."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in ALL_FORMATS]
    if unknown or not names:
        raise click.BadParameter(f"{unknown[0] if unknown else 'nothing'!r} is not a format; choose from "
                                 f"{', '.join(ALL_FORMATS)}", param_hint="--format")
    return names


def _preview(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _fail(message: str) -> int:
    echo(f"studydeck: {message}", err=True)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status instead of exiting (tests call this)."""
    _tolerant_output()
    try:
        return _run(argv)
    except KeyboardInterrupt:
        echo("studydeck: interrupted", err=True)
        return 130
    except BrokenPipeError:
        _quiet_stdout()  # whoever read the output stopped reading (`| head`): nothing more to say
        return 141
    except Exception as e:  # the last resort: a bug still ends in one line and a log
        return _internal_error(e)


def _run(argv: list[str] | None) -> int:
    try:
        status = cli.main(args=argv, prog_name="studydeck", standalone_mode=False)
    except click.exceptions.Abort:
        echo("aborted", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except StudydeckError as e:
        echo(f"studydeck: {e}", err=True)
        return 1
    return status if isinstance(status, int) else 0


INTERNAL_ERROR = 70  # EX_SOFTWARE in sysexits.h: a bug in studydeck, not in what it was given


def _internal_error(error: Exception) -> int:
    """One line for a bug, its traceback in a log file under the user's cache folder."""
    import traceback

    details = "".join(traceback.format_exception(error))
    log, problem = _write_log(details)
    message = inert(" ".join(str(error).split()), newlines=False)
    message = message if len(message) <= 300 else message[:299] + "…"
    where = f"; the details are in {log}" if log else f" (its details could not be saved: {problem})"
    echo(f"studydeck: internal error: {type(error).__name__}: {message}; please report it{where}", err=True)
    if log is None:
        echo(details.rstrip("\n"), err=True)
    return INTERNAL_ERROR


def _write_log(details: str) -> tuple[Path | None, str]:
    """Write `details` to a new file in the user's cache folder; its path, or None and why not."""
    import platformdirs

    folder = platformdirs.user_cache_path("studydeck") / "errors"
    name = f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(details, encoding="utf-8")
    except OSError as e:
        return None, f"{folder}: {e.strerror}"
    return folder / name, ""


def _tolerant_output() -> None:
    """A terminal whose encoding cannot show a character gets an escape for it, not an error."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
