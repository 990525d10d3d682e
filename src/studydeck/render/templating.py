"""The one Jinja environment factory: a project's `templates/` first, then the built-in ones.

A project's template may extend the built-in one it replaces as `builtin/<name>`, e.g.
`{% extends "builtin/worksheet.html.jinja" %}`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
from markupsafe import Markup

from ..cache import Memo
from ..errors import TemplateError
from .text import inline, plain, quote

BUILTIN = Path(__file__).resolve().parent.parent / "templates"


def environment(project: Path | None, compiled: Path | None = None) -> jinja2.Environment:
    """A fresh environment: autoescaping on, undefined variables an error, the Markdown filters set.

    `compiled` is a folder where compiled templates are kept between runs (each is checked against its source).
    """
    builtin = jinja2.FileSystemLoader(BUILTIN)
    loaders: list[jinja2.BaseLoader] = []
    if project is not None and (project / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(project / "templates"))
    loaders += [jinja2.PrefixLoader({"builtin": builtin}), builtin]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(_made(compiled))) if compiled is not None else None,
    )
    env.filters.update(md=inline, plain=plain, quote=quote, css_string=css_string)
    return env


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string (for `content:` in a stylesheet): every character that could end the
    string, the declaration or the <style> element is written as a CSS escape."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&\'' or ord(c) < 32 else c for c in str(text))
    return Markup(f'"{escaped}"')


def folders_digest(project: Path | None) -> str:
    """A digest of every file a template may load (the project's and the built-in ones): part of the key of
    anything rendered from templates."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in ([project / "templates"] if project is not None else []) + [BUILTIN]:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(f"{path.relative_to(folder)}\0{path.stat().st_size}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


class Fragment:
    """Something a template loops over (e.g. a section of questions), built only if the template looks inside
    it: an earlier build may have left the HTML of its block (see `Reuse`) under `cache_key`."""

    __slots__ = ("cache_key", "_build", "_item")

    def __init__(self, key: str, build: Callable[[], Any]) -> None:
        self.cache_key, self._build, self._item = key, build, None

    @property
    def item(self) -> Any:
        """The item itself, built on first use."""
        if self._item is None:
            self._item = self._build()
        return self._item

    def release(self) -> None:
        """Forget the built item (it is built again if needed)."""
        self._item = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.item, name)


@dataclass(frozen=True)
class Reuse:
    """Render the scoped `block` once per `Fragment` in loop variable `variable`, then take it from `memo`.

    `scope` must name everything else the block can see (the template files, the page's values, the section),
    so that a reused block is always the one a fresh render would give.
    """

    block: str
    variable: str
    memo: Memo
    scope: str

    def install(self, context: jinja2.runtime.Context) -> None:
        """Put the reusing block in front of the template's own (which Jinja then finds first)."""

        def reusing(block_context: jinja2.runtime.Context) -> Iterable[str]:
            item = block_context.resolve_or_missing(self.variable)
            chain = block_context.blocks[self.block]
            own = chain[chain.index(reusing) + 1]
            if not isinstance(item, Fragment):
                return own(block_context)

            def fresh() -> str:
                block_context.vars[self.variable] = item.item  # the block sees (and errors name) the real item
                html = "".join(own(block_context))
                item.release()  # what the page keeps is the HTML; a section's items would fill memory on large banks
                return html

            return (self.memo.get(f"{self.scope}/{item.cache_key}", fresh),)

        context.blocks.setdefault(self.block, []).insert(0, reusing)


def render(env: jinja2.Environment, name: str, context: Mapping[str, Any], reuse: Reuse | None = None) -> str:
    """Render one template; any Jinja failure becomes a TemplateError naming the template and line."""
    return "".join(_pieces(env, name, context, reuse))


# Placeholders start with this private-use character (see `write`).
PLACEHOLDER = "\ue000"


def write(handle: BinaryIO, env: jinja2.Environment, name: str, context: Mapping[str, Any],
          reuse: Reuse | None = None, fill: Mapping[str, Callable[[], Iterable[str]]] | None = None) -> None:
    """`render` straight into a file, a megabyte at a time: a page of 100,000 questions is never held whole.

    `fill` maps placeholders (texts starting with PLACEHOLDER, passed in `context`) to the pieces written where
    each first appears, so that a large value (such as the self-test's data) need not exist as one string.
    """
    batch: list[str] = []
    size = 0

    def emit(piece: str) -> None:
        nonlocal batch, size
        batch.append(piece)
        size += len(piece)
        if size >= 1 << 20:
            handle.write("".join(batch).encode("utf-8"))
            batch, size = [], 0

    waiting = dict(fill or {})
    for piece in _pieces(env, name, context, reuse):
        if waiting and PLACEHOLDER in piece:
            for placeholder in [p for p in waiting if p in piece]:
                before, piece = piece.split(placeholder, 1)
                emit(before)
                for part in waiting.pop(placeholder)():
                    emit(part)
        emit(piece)
    handle.write("".join(batch).encode("utf-8"))


def _pieces(env: jinja2.Environment, name: str, context: Mapping[str, Any], reuse: Reuse | None) -> Iterator[str]:
    try:
        template = env.get_template(name)
        jinja_context = template.new_context(dict(context))
        if reuse is not None:
            reuse.install(jinja_context)
        try:
            yield from template.root_render_func(jinja_context)  # type: ignore[attr-defined]
        except Exception:
            env.handle_exception()  # what Template.render does: tracebacks point at template lines
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(f"{e.filename or e.name}:{e.lineno}: template syntax error: {e.message}") from e
    except jinja2.TemplateNotFound as e:
        raise TemplateError(f"template not found: {e.name}") from e
    except jinja2.UndefinedError as e:
        raise TemplateError(f"{_where(e)}: {e.message}") from e
    except jinja2.TemplateError as e:
        raise TemplateError(f"{_where(e)}: {e.message}") from e


def _where(error: Exception) -> str:
    """The template file and line a rendering error happened at, from the traceback Jinja rewrites."""
    tb = error.__traceback__
    found = "template"
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".jinja") or "/templates/" in filename:
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
