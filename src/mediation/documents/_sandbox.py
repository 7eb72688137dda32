"""The Jinja2 environment every document renders in: a bounded, immutable sandbox.

With :mod:`._limits`, :mod:`._loader` and :mod:`._render`, this is the only
place of the library that imports Jinja2. Official and committee-edited templates render
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

import types
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import StrictUndefined, nodes, pass_eval_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.ext import Extension
from jinja2.filters import FILTERS
from jinja2.lexer import TokenStream
from jinja2.nodes import EvalContext
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer

from mediation.documents._limits import (
    BINOPS,
    RenderLimitError,
    binop,
    budget,
    count_of,
    guard_iterable,
    guarded_filter,
    size,
)
from mediation.documents._loader import TemplateDirs

__all__ = ["SandboxEnvironment"]

# fmt: off
_STR_METHODS = frozenset((
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha",
    "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable",
    "isspace", "istitle", "isupper", "lower", "lstrip", "partition", "removeprefix",
    "removesuffix", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split", "splitlines",
    "startswith", "strip", "swapcase", "title", "upper", "striptags", "unescape",
))
# fmt: on
"""String methods a template may call: none of them can grow a string."""

# fmt: off
_FILTERS = frozenset((
    "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e",
    "escape", "filesizeformat", "first", "float", "forceescape", "groupby", "indent", "int",
    "items", "join", "last", "length", "list", "lower", "map", "max", "min", "pprint", "reject",
    "rejectattr", "replace", "reverse", "round", "select", "selectattr", "slice", "sort",
    "string", "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper",
    "urlencode", "wordcount", "wordwrap", "xmlattr",
))
# fmt: on
"""Built-in filters kept (``safe``, ``format``, ``random``, ``urlize`` are dropped)."""

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


# -- environment ----------------------------------------------------------------


def _blank(value: Any, placeholder: str = "＿＿＿＿") -> Any:
    """Print ``placeholder`` for an empty value (a field to fill in by hand)."""
    return value if value not in (None, "", [], ()) else placeholder


def _autoescape(name: str | None) -> bool:
    return name is not None and name.endswith(".html.j2")


class SandboxEnvironment(ImmutableSandboxedEnvironment):
    """The bounded immutable sandbox documents render in (see the module docstring)."""

    code_generator_class = _GuardedCodeGenerator
    intercepted_binops = frozenset(BINOPS)

    def __init__(self, loader: TemplateDirs) -> None:
        super().__init__(
            loader=loader,
            undefined=StrictUndefined,
            autoescape=_autoescape,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # checked at load: edits need a new renderer
            finalize=self._finalize,
            extensions=[_NoAutoescapeToggle],
        )
        range_ = self.globals["range"]
        self.globals.clear()
        self.globals.update(range=range_, dict=dict, namespace=Namespace)
        self.filters.clear()
        self.filters.update({n: guarded_filter(n, FILTERS[n]) for n in _FILTERS})
        self.filters["blank"] = guarded_filter("blank", _blank)
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
        return guard_iterable(value)

    @staticmethod
    @pass_eval_context
    def guard_concat(eval_ctx: EvalContext, *parts: Any) -> str:
        """``a ~ b``, refused before building a string past the bound."""
        b = budget()
        b.allow(sum(size(p, b.max_output) for p in parts), "concatenation")
        return markup_join(parts) if eval_ctx.autoescape else str_join(parts)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Apply an arithmetic operator within the size bounds."""
        return binop(operator, left, right)

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
            n = count_of(value)
            if n is not None and abs(n) > b.max_output:
                raise RenderLimitError(f"argument {n} is too large")
        b.check(values, "call arguments")
        return b.check(super().call(__context, __obj, *args, **kwargs), "call result")
