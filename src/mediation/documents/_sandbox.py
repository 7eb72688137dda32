"""The Jinja2 environment every document renders in: a bounded, immutable sandbox.

This module (with :mod:`mediation.documents._render`) is the only place of the
library that imports Jinja2. Official and committee-edited templates render
in the same :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`, hardened as
follows:

* **No escape hatches.** Attributes starting with ``_`` (``__class__``,
  ``__mro__``, ``__globals__`` ...) and mutating methods (``list.append``,
  ``dict.update`` ...) are refused by the immutable sandbox; ``str.format`` /
  ``format_map``, ``%``-formatting of strings and the ``format`` filter are
  refused outright; string methods are limited to a non-amplifying allow-list;
  the globals are only ``range`` (capped at 100 000 items), ``dict`` and
  ``namespace`` (no ``lipsum``, ``cycler``, ``joiner``); the ``safe`` filter
  and the ``{% autoescape %}`` tag are removed, so HTML output is always
  escaped.
* **Bounded memory.** Every value a template produces (operators, ``~``
  concatenation, filters, calls, captured blocks, printed values) is measured
  before or right after it is built and refused when it exceeds the output
  bound, so no intermediate value can outgrow ``max_output``.
* **Bounded time** (the cooperative approach, no threads): a per-render budget
  with a monotonic deadline lives in a :class:`~contextvars.ContextVar`; every
  loop iteration (for-loops are rewritten at compile time to iterate through a
  guard), call, operator, filter, concatenation and printed value checks it.
  Since every single step works on bounded values, the render stops within a
  small slack after the deadline and nothing keeps running in the background.
"""

from __future__ import annotations

import functools
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound, nodes, pass_eval_ctx
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.ext import Extension
from jinja2.filters import FILTERS
from jinja2.lexer import TokenStream
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer

__all__ = ["Budget", "LimitExceeded", "SandboxEnvironment", "TemplateDirs", "budget"]

_MAX_INT_BITS = 128
"""Integers a template computes stay below 2**128 (dates and counts need far less)."""

_STR_METHODS = frozenset(
    """capitalize casefold count endswith find index isalnum isalpha isascii isdecimal
    isdigit isidentifier islower isnumeric isprintable isspace istitle isupper lower
    lstrip partition removeprefix removesuffix rfind rindex rpartition rsplit rstrip
    split splitlines startswith strip swapcase title upper striptags unescape""".split()
)
"""String methods a template may call: none of them can grow a string."""

_FILTERS = frozenset(
    """abs attr batch capitalize center count d default dictsort e escape filesizeformat
    first float forceescape groupby indent int items join last length list lower map max
    min pprint reject rejectattr replace reverse round select selectattr slice sort string
    striptags sum title tojson trim truncate unique upper urlencode wordcount wordwrap
    xmlattr""".split()
)
"""Built-in filters kept (``safe``, ``format``, ``random``, ``urlize`` are dropped)."""


class LimitExceeded(SecurityError):
    """A render ran past its time or size budget."""


class Budget:
    """Time and size limits of one render.

    Args:
        max_output: Largest output, and largest value built on the way, in characters.
        timeout: Seconds the render may take.
    """

    __slots__ = ("deadline", "max_output", "timeout")

    def __init__(self, max_output: int, timeout: float) -> None:
        self.max_output = max_output
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout

    def tick(self) -> None:
        """Raise once the deadline has passed."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"render took longer than {self.timeout:g} s (timeout)")

    def check(self, value: Any, what: str) -> Any:
        """Return ``value`` if its size is within the bound, else raise."""
        self.tick()
        if _size(value, self.max_output) > self.max_output:
            raise LimitExceeded(f"{what} would exceed max_output={self.max_output} characters")
        return value

    def allow(self, estimate: int, what: str) -> None:
        """Raise if a value about to be built would be larger than the bound."""
        self.tick()
        if estimate > self.max_output:
            raise LimitExceeded(f"{what} would exceed max_output={self.max_output} characters")


_CURRENT: ContextVar[Budget | None] = ContextVar("mediation_document_budget", default=None)


def budget() -> Budget:
    """The budget of the render in progress (a generous default outside any render)."""
    current = _CURRENT.get()
    return current if current is not None else Budget(2_000_000, 60.0)


def set_budget(value: Budget | None) -> Any:
    """Install ``value`` as the current budget; return the token to reset it."""
    return _CURRENT.set(value)


def reset_budget(token: Any) -> None:
    """Restore the budget in force before :func:`set_budget`."""
    _CURRENT.reset(token)


def _size(value: Any, limit: int) -> int:
    """Estimate the characters ``value`` prints as, stopping once past ``limit``."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 * len(item) + 2
            if total <= limit:
                stack.extend(item)
        elif isinstance(item, Mapping):
            total += 4 * len(item) + 2
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        else:
            total += 16
        if total > limit:
            return total
    return total


# -- guarded operations ---------------------------------------------------------


def _count_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int) else None


def _check_int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > _MAX_INT_BITS:
            raise LimitExceeded(f"integer results are limited to {_MAX_INT_BITS} bits")
    return value


def _guard_iterable(value: Any) -> Iterator[Any]:
    b = budget()
    for count, item in enumerate(value):
        if not count & 0x3F:
            b.tick()
        yield item


_PASSED = (Context, EvalContext, Environment)


def _guarded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a built-in filter: bounded arguments in, bounded value out."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        b = budget()
        skip = 1 if args and isinstance(args[0], _PASSED) else 0
        head, values = args[:skip], list(args[skip:])
        if name == "join" and values and not isinstance(values[0], str | list | tuple):
            values[0] = [b.check(item, "join item") for item in values[0]]
        checked = [*values, *kwargs.values()]
        for value in checked:
            n = _count_of(value)
            if n is not None and abs(n) > b.max_output:
                raise LimitExceeded(f"filter {name!r}: argument {n} is too large")
        b.check(checked, f"filter {name!r} input")
        if values:
            _estimate(name, values, kwargs, b)
        result = func(*head, *values, **kwargs)
        if isinstance(result, types.GeneratorType):
            return _guard_items(result, b, name)
        return b.check(result, f"filter {name!r}")

    return wrapper


def _guard_items(gen: Iterator[Any], b: Budget, name: str) -> Iterator[Any]:
    for item in gen:
        yield b.check(item, f"filter {name!r}")


def _estimate(name: str, values: list[Any], kwargs: Mapping[str, Any], b: Budget) -> None:
    """Refuse the filters whose output can be a product of their inputs."""
    value = values[0]
    if name == "join":
        sep = str(values[1] if len(values) > 1 else kwargs.get("d", ""))
        b.allow(_size(value, b.max_output) + len(value) * len(sep), "join")
    elif name == "replace" and len(values) >= 3:
        text, old, new = str(value), str(values[1]), str(values[2])
        hits = text.count(old) if old else len(text) + 1
        b.allow(len(text) + hits * max(len(new) - len(old), 0), "replace")
    elif name == "indent":
        width = values[1] if len(values) > 1 else kwargs.get("width", 4)
        pad = len(width) if isinstance(width, str) else int(width)
        b.allow(len(str(value)) + (str(value).count("\n") + 1) * pad, "indent")


_BINOPS: Mapping[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
}


def _binop(op: str, left: Any, right: Any) -> Any:
    b = budget()
    b.tick()
    if op == "%" and isinstance(left, str):
        raise SecurityError("%-formatting of strings is not allowed in document templates")
    if op == "*":
        for seq, times in ((left, right), (right, left)):
            n = _count_of(times)
            if isinstance(seq, str | list | tuple) and n is not None:
                b.allow(_size(seq, b.max_output) * max(n, 0), "repetition")
    if op == "**":
        base, exp = _count_of(left), _count_of(right)
        if base is not None and exp is not None and exp > 0:
            if max(abs(base).bit_length() - 1, 0) * exp > _MAX_INT_BITS:
                raise LimitExceeded(f"integer results are limited to {_MAX_INT_BITS} bits")
    if op == "+" and isinstance(left, str | list | tuple):
        b.allow(_size(left, b.max_output) + _size(right, b.max_output), "concatenation")
    return _check_int(_BINOPS[op](left, right))


# -- compile-time rewriting -----------------------------------------------------


class _Guarder(NodeTransformer):
    """Route loops and ``~`` concatenation through the environment's guards."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 - visitor protocol
        self.generic_visit(node)
        node.iter = nodes.Call(
            nodes.EnvironmentAttribute("guard_iter"),
            [node.iter],
            [],
            None,
            None,
            lineno=node.lineno,
        )
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        self.generic_visit(node)
        return nodes.Call(
            nodes.EnvironmentAttribute("guard_concat"),
            list(node.nodes),
            [],
            None,
            None,
            lineno=node.lineno,
        )


class _GuardedCodeGenerator(CodeGenerator):
    def visit_Template(  # noqa: N802 - Jinja's visitor protocol
        self, node: nodes.Template, frame: Frame | None = None
    ) -> None:
        _Guarder().visit(node)
        node.set_environment(self.environment)
        super().visit_Template(node, frame)


class _NoAutoescapeToggle(Extension):
    """Refuse ``{% autoescape %}`` so no template can switch HTML escaping off."""

    def filter_stream(self, stream: TokenStream) -> Iterable[Any]:
        previous = None
        for token in stream:
            if (
                previous is not None
                and previous.type == "block_begin"
                and token.type == "name"
                and token.value == "autoescape"
            ):
                raise TemplateSyntaxError(
                    "the autoescape tag is not allowed in document templates",
                    token.lineno,
                    stream.name,
                    stream.filename,
                )
            previous = token
            yield token


# -- loader ---------------------------------------------------------------------


class TemplateDirs(BaseLoader):
    """Load templates by file name from the overrides directory, then the official one.

    Names are relative paths of plain segments ending in ``.j2``; ``..``, absolute
    paths, hidden segments and symlinks resolving outside the directories are
    refused, so ``{% include %}``/``{% import %}``/``{% extends %}`` cannot reach
    any other file.
    """

    def __init__(self, roots: Iterable[Path], max_bytes: int = 1_000_000) -> None:
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.max_bytes = max_bytes

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        segments = template.split("/")
        if not template.endswith(".j2") or any(
            not s or s.startswith(".") or not all(c.isalnum() or c in "_-." for c in s)
            for s in segments
        ):
            raise TemplateNotFound(f"{template} (not a document template name)")
        for root in self.roots:
            path = root.joinpath(*segments)
            resolved = path.resolve()
            if not resolved.is_relative_to(root) or not resolved.is_file():
                continue
            stat = resolved.stat()
            if stat.st_size > self.max_bytes:
                raise TemplateNotFound(f"{template} (larger than {self.max_bytes} bytes)")
            mtime = stat.st_mtime
            try:
                source = resolved.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise TemplateNotFound(f"{template} (not UTF-8 text)") from exc
            return source, str(resolved), lambda p=resolved, m=mtime: p.stat().st_mtime == m
        raise TemplateNotFound(template)


# -- environment ----------------------------------------------------------------


def _blank(value: Any, placeholder: str = "＿＿＿＿") -> Any:
    """Print ``placeholder`` for an empty value (a field to fill in by hand)."""
    return value if value not in (None, "", [], ()) else placeholder


def _autoescape(name: str | None) -> bool:
    return name is not None and name.endswith(".html.j2")


class SandboxEnvironment(ImmutableSandboxedEnvironment):
    """The bounded immutable sandbox documents render in (see the module docstring)."""

    code_generator_class = _GuardedCodeGenerator
    intercepted_binops = frozenset(_BINOPS)

    def __init__(self, loader: TemplateDirs) -> None:
        super().__init__(
            loader=loader,
            undefined=StrictUndefined,
            autoescape=_autoescape,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=True,
            finalize=self._finalize,
            extensions=[_NoAutoescapeToggle],
        )
        range_ = self.globals["range"]
        self.globals.clear()
        self.globals.update(range=range_, dict=dict, namespace=Namespace)
        self.filters.clear()
        self.filters.update({n: _guarded_filter(n, FILTERS[n]) for n in _FILTERS})
        self.filters["blank"] = _guarded_filter("blank", _blank)
        self.concat = self._concat  # type: ignore[method-assign]

    @staticmethod
    def _finalize(value: Any) -> Any:
        return budget().check(value, "printed value")

    @staticmethod
    def _concat(parts: Iterable[str]) -> str:
        b = budget()
        items = list(parts)
        b.allow(sum(len(p) for p in items), "captured block")
        return "".join(items)

    @staticmethod
    def guard_iter(value: Any) -> Iterator[Any]:
        """Iterate ``value`` checking the deadline (for-loops are rewritten to call this)."""
        return _guard_iterable(value)

    @staticmethod
    @pass_eval_ctx
    def guard_concat(eval_ctx: EvalContext, *parts: Any) -> str:
        """``a ~ b``, refused before building a string past the bound."""
        b = budget()
        b.allow(sum(_size(p, b.max_output) for p in parts), "concatenation")
        return markup_join(parts) if eval_ctx.autoescape else str_join(parts)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Apply an arithmetic operator within the size bounds."""
        return _binop(operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Refuse ``str.format``/``format_map`` (the classic attribute-walk vector)."""
        if (
            isinstance(value, types.MethodType | types.BuiltinMethodType)
            and value.__name__ in ("format", "format_map")
            and isinstance(value.__self__, str)
        ):
            name = value.__name__

            def refused(*args: Any, **kwargs: Any) -> str:
                raise SecurityError(f"str.{name} is not allowed in document templates")

            return refused
        return None

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Call a callable from template code, within the allow-list and the bounds."""
        b = budget()
        b.tick()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", "") not in _STR_METHODS:
            raise SecurityError(
                f"str.{getattr(__obj, '__name__', '?')} is not allowed in document templates"
            )
        values = [v for k, v in kwargs.items() if not k.startswith("_")]
        values.extend(args)
        for value in values:
            n = _count_of(value)
            if n is not None and abs(n) > b.max_output:
                raise LimitExceeded(f"argument {n} is too large")
        b.check(values, "call arguments")
        return b.check(super().call(__context, __obj, *args, **kwargs), "call result")
