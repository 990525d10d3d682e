"""The one Jinja environment factory: a project's `templates/` first, then the built-in ones.

A project's template may extend the built-in one it replaces as `builtin/<name>`, e.g.
`{% extends "builtin/worksheet.html.jinja" %}`.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
import jinja2.sandbox
from markupsafe import Markup

from ..errors import StudydeckError, TemplateError
from .text import inline, plain, quote

BUILTIN = Path(__file__).resolve().parent.parent / "templates"


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process (a program that builds many times, such
    as the tests, compiles each template once). Jinja verifies every entry against a checksum of the template's
    source before using it, so an entry can only ever save time, never change a page."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()
# Sandboxed code differs from plain code for one template source (calls and operators go through the sandbox):
# each kind of environment keeps its own.
_COMPILED_SANDBOXED = _CompiledTemplates()


def environment(templates: Path | None, questions: int = 0) -> jinja2.Environment:
    """A fresh environment: autoescaping on, undefined variables an error, the Markdown filters set.

    `templates` is the project's own template folder, searched before the built-in one; `questions` is how
    many questions the pages show (a project's templates may take steps in proportion, see `_Sandboxed`).
    """
    builtin = jinja2.FileSystemLoader(BUILTIN)
    loaders: list[jinja2.BaseLoader] = []
    own = templates is not None and templates.is_dir() and any(templates.iterdir())
    if own:
        assert templates is not None
        loaders.append(jinja2.FileSystemLoader(templates))
    loaders += [jinja2.PrefixLoader({"builtin": builtin}), builtin]
    # A project's own templates come with a shared bank like its questions: they run sandboxed (no access to
    # Python's internals, bounded ranges, repetition and powers), the built-in ones at full speed.
    kind = _Sandboxed if own else jinja2.Environment
    env = kind(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED_SANDBOXED if own else _COMPILED,
    )
    if isinstance(env, _Sandboxed):
        env.max_steps = _STEPS + _STEPS_PER_QUESTION * questions
        env.filters[_STEP_FILTER] = env.take_step
        env.globals["lipsum"] = env.lipsum
    env.filters.update(md=inline, plain=plain, quote=quote, css_string=css_string)
    env.tests["block"] = is_block_html
    return env


# What one template may produce, in characters: far beyond the largest page of the largest bank (a
# worksheet of 100,000 questions is about 60 million), short of filling a disk or the memory.
MAX_OUTPUT = 1 << 30
# What one `*` or `**` in a project's template may make: a string or list this long, a number of this many bits.
_MAX_PRODUCT = 10_000_000
_MAX_BITS = 100_000


# What memory a project's template may take while a page renders, beyond what the build held when it began: one
# expression, without any loop, can make a text or list of gigabytes (`a ~ a` set over and over, `center(10**9)`,
# `lipsum(10**7)`, `batch(1)` of a long text). Far beyond a page's pieces, which leave in chunks of a megabyte.
MAX_MEMORY = 1 << 30


class _MemoryCap:
    """While a project's template renders (`with cap:`), the process may grow by MAX_MEMORY at most: the system's
    limit on its address space is the one bound every way of making a large value meets (beyond it, the allocation
    fails with MemoryError). Only on Linux, and only when `active`; elsewhere nothing."""

    def __init__(self, active: bool) -> None:
        self.saved: tuple[int, int] | None = None
        if not active or sys.platform != "linux":
            return
        import resource

        self.saved = soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm", encoding="ascii") as statm:
            self.limit = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") + MAX_MEMORY
        for given in (soft, hard):
            if given != resource.RLIM_INFINITY:
                self.limit = min(self.limit, given)

    def __enter__(self) -> None:
        if self.saved is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (self.limit, self.saved[1]))

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, self.saved)

    @contextlib.contextmanager
    def lifted(self) -> Iterator[None]:
        self.__exit__()
        try:
            yield
        finally:
            self.__enter__()


# What a project's templates may do for one build: this many passes through the body of a loop or a macro in
# all, plus so many per question. Far beyond any page (the built-in worksheet and key take 4 per question), short
# of a loop in a loop over large ranges, or a macro calling itself twice, that would run for hours.
_STEPS = 2_000_000
_STEPS_PER_QUESTION = 20
_STEP_FILTER = "studydeck_step"


class _Sandboxed(jinja2.sandbox.SandboxedEnvironment):
    """Jinja's sandbox, with repetition (`"x" * n`, `[a] * n`) and powers kept to sizes a page can hold, and
    the steps its templates take counted: every pass through a loop's or a macro's body (however the loop was
    started: a recursive loop, a nested one, one that writes nothing) counts one, up to `max_steps`."""

    intercepted_binops = frozenset(["*", "**"])
    max_steps = _STEPS
    steps = 0

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        tree = super()._parse(source, name, filename)
        for node in tree.find_all((jinja2.nodes.For, jinja2.nodes.Macro, jinja2.nodes.CallBlock)):
            assert isinstance(node, (jinja2.nodes.For, jinja2.nodes.Macro, jinja2.nodes.CallBlock))
            # A filter is called directly (a call would go through the sandbox's checks: 20 times slower).
            step = jinja2.nodes.Filter(jinja2.nodes.Const(""), _STEP_FILTER, [], [], None, None)
            node.body.insert(0, jinja2.nodes.ExprStmt(step, lineno=node.lineno))
        return tree

    @jinja2.pass_context  # never folded into a constant when the template is compiled
    def take_step(self, context: jinja2.runtime.Context, value: object = "") -> str:
        return self.take_steps(1)

    def take_steps(self, count: int) -> str:
        self.steps += count
        if self.steps > self.max_steps:
            raise jinja2.exceptions.SecurityError(
                f"the templates took over {self.max_steps:,} steps (passes through a loop or a macro); does a loop "
                "run over a range far larger than the bank, or a macro call itself without end?")
        return ""

    def lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        """Jinja's `lipsum`, a step per word it may write: its own loop, and as slow as one."""
        self.take_steps(abs(n) * abs(max))  # a negative count would give steps back
        return jinja2.utils.generate_lorem_ipsum(n, html, min, max)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and \
                abs(left) > 1 and right * max(abs(left).bit_length(), 1) > _MAX_BITS:
            raise jinja2.exceptions.SecurityError(f"{left} ** {right} is too large a number")
        if operator == "*" and _repeated_size(left, right) > _MAX_PRODUCT:
            raise jinja2.exceptions.SecurityError(f"repeating a text or list to over {_MAX_PRODUCT:,} items")
        return super().call_binop(context, operator, left, right)


def _repeated_size(left: Any, right: Any) -> int:
    """The length `left * right` would have when it repeats a sequence (0 for arithmetic)."""
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(times, int):
            return len(sequence) * times
    return 0


_BLOCK_TAG = re.compile(r"<(?:p|pre|div|ul|ol|blockquote|h[1-6]|hr|table)[\s>]")


def is_block_html(html: str) -> bool:
    """Whether rendered text holds blocks (paragraphs, code), which may not stand inside a `<p>`: the test
    `is block` in templates."""
    return "<" in html and _BLOCK_TAG.search(html) is not None


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string (for `content:` in a stylesheet): every character that could end the
    string, the declaration or the <style> element is written as a CSS escape."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&\'' or ord(c) < 32 else c for c in str(text))
    return Markup(f'"{escaped}"')


def render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render one template; any Jinja failure becomes a TemplateError naming the template and line."""
    return "".join(_chunks(env, name, context))


# Placeholders start with this private-use character (see `write`).
PLACEHOLDER = "\ue000"
# What `_chunks` gathers before handing text on: a page is hundreds of thousands of small pieces, and handing
# each on alone (to a file, through an encoder) costs more than making them.
_CHUNK = 1 << 20


def write(handle: BinaryIO, env: jinja2.Environment, name: str, context: Mapping[str, Any],
          fill: Mapping[str, Callable[[], Iterable[str]]] | None = None) -> None:
    """`render` straight into a file as UTF-8, a megabyte at a time: a page of 100,000 questions is never held
    whole.

    `fill` maps placeholders (texts starting with PLACEHOLDER, passed in `context`) to the pieces written where
    each first appears, so that a large value (such as the self-test's data) need not exist as one string.
    """
    waiting = dict(fill or {})
    for chunk in _chunks(env, name, context):
        while waiting and PLACEHOLDER in chunk:
            found = [(chunk.find(p), p) for p in waiting if p in chunk]
            if not found:
                break
            at, placeholder = min(found)  # the first in the text, whatever the order of `fill`
            handle.write(chunk[:at].encode("utf-8"))
            for part in waiting.pop(placeholder)():
                handle.write(part.encode("utf-8"))
            chunk = chunk[at + len(placeholder):]
        handle.write(chunk.encode("utf-8"))


def _chunks(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> Iterator[str]:
    """The rendered template in texts of about `_CHUNK` characters (a placeholder never split between two)."""
    size, flush_at = 0, _CHUNK
    pieces: list[str] = []
    gather = pieces.append
    cap = _MemoryCap(isinstance(env, _Sandboxed))
    try:
        with cap:  # compiling folds constant expressions: `{{ "x"|center(10**9) }}` is made then
            template = env.get_template(name)
        jinja_context = template.new_context(dict(context))
        try:
            with cap:
                for piece in template.root_render_func(jinja_context):
                    if not piece:
                        continue  # adds nothing to the page: kept, a loop of empty values would fill the memory
                    gather(piece)
                    size += len(piece)
                    if size >= flush_at:
                        if size > MAX_OUTPUT:
                            raise TemplateError(f"{name}: the page grew beyond {MAX_OUTPUT >> 30} billion characters; "
                                                "does a loop of the template never end?")
                        chunk = _text(env, template, "".join(pieces))
                        pieces.clear()
                        flush_at = size + _CHUNK
                        with cap.lifted():  # what takes the chunk is not the template's to pay for
                            yield chunk
            yield _text(env, template, "".join(pieces))
        except TemplateError:
            raise
        except Exception:
            env.handle_exception()  # what Template.render does: tracebacks point at template lines
    except TemplateError:
        raise
    except UnicodeDecodeError as e:
        raise TemplateError(f"{name} (or a template it uses) is not UTF-8 text ({e.reason}); save it as UTF-8") from e
    except jinja2.TemplateSyntaxError as e:
        detail = f"template syntax error: {e.message}"
        raise TemplateError(f"{e.filename or e.name}:{e.lineno}: {detail}", e.filename, e.lineno, detail) from e
    except jinja2.TemplateNotFound as e:  # at the line of the template that includes, imports or extends it
        raise _located(e, f"template not found: {e.name}") from e
    except jinja2.UndefinedError as e:
        raise _located(e, e.message or "undefined") from e
    except jinja2.TemplateError as e:
        raise _located(e, e.message or type(e).__name__) from e
    except MemoryError as e:
        raise _located(e, f"the template took over {MAX_MEMORY >> 30} GB of memory; does it make a text or list far "
                       "larger than the page (a text added to itself over and over, a width such as center(10**9))?") from e
    except RecursionError as e:
        raise _located(e, "a template includes, extends or calls itself without end") from e
    except (StudydeckError, OSError):
        raise
    except Exception as e:  # an error of the template's own code: 1 // 0, calling a text, ...
        raise _located(e, f"{type(e).__name__}: {_first_line(e)}") from e


# Half of a UTF-16 pair: a project's template can make one (`"\\ud800"`, `"%c" % 55296`), and no page can hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(env: jinja2.Environment, template: jinja2.Template, chunk: str) -> str:
    """`chunk`, if it can be written as UTF-8 (only a project's own template can make one that cannot)."""
    found = _SURROGATE.search(chunk) if isinstance(env, _Sandboxed) else None
    if found is not None:
        detail = (f"the page holds \\u{ord(found.group()):x}, half of a UTF-16 pair, which is no character and cannot "
                  "be saved; does the template write it as an escape (\"\\ud83d\") or with %c?")
        path = template.filename or template.name or "template"
        raise TemplateError(f"{path}: {detail}", template.filename, 1, detail)
    return chunk


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else "failed"


def _located(error: Exception, detail: str) -> TemplateError:
    """A rendering error as a TemplateError at the template file and line it happened at, from the traceback
    Jinja rewrites (the innermost template line)."""
    tb = error.__traceback__
    found: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".jinja") or "/templates/" in filename:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return TemplateError(f"template: {detail}", detail=detail)
    return TemplateError(f"{found[0]}:{found[1]}: {detail}", found[0], found[1], detail)
