"""Size and time bounds of a render: the budget and the guarded operations.

A :class:`Budget` (output bound and monotonic deadline) is installed in a
:class:`~contextvars.ContextVar` for the duration of one render; the sandbox
routes every loop iteration, call, operator, filter, concatenation and printed
value through the checks here. Values are measured before they are built
wherever the size is predictable (repetition, concatenation, ``join``,
``replace``, ``indent``) and right after otherwise, so no intermediate value can
outgrow ``max_output`` and no step runs on unbounded input.
"""

from __future__ import annotations

import functools
import time
import types
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from jinja2 import Environment, Undefined
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context

__all__ = [
    "BINOPS",
    "Budget",
    "RenderLimitError",
    "binop",
    "budget",
    "count_of",
    "guard_iterable",
    "guarded_filter",
    "reset_budget",
    "set_budget",
    "size",
]

_MAX_INT_BITS = 128
"""Integers a template computes stay below 2**128 (dates and counts need far less)."""


class RenderLimitError(SecurityError):
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
            raise RenderLimitError(f"render took longer than {self.timeout:g} s (timeout)")

    def check(self, value: Any, what: str) -> Any:
        """Return ``value`` if its size is within the bound, else raise."""
        self.tick()
        if size(value, self.max_output) > self.max_output:
            raise RenderLimitError(f"{what} would exceed max_output={self.max_output} characters")
        return value

    def allow(self, estimate: int, what: str) -> None:
        """Raise if a value about to be built would be larger than the bound."""
        self.tick()
        if estimate > self.max_output:
            raise RenderLimitError(f"{what} would exceed max_output={self.max_output} characters")


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


def size(value: Any, limit: int) -> int:
    """Estimate the characters ``value`` prints as, stopping once past ``limit``."""
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Undefined):
            str(item)  # a StrictUndefined (also a sandbox refusal) raises here
            total += 16
        elif isinstance(item, str):
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


def count_of(value: Any) -> int | None:
    """``value`` if it is an integer (not a bool), else ``None``."""
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int) else None


def _check_int(value: Any) -> Any:
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value.bit_length() > _MAX_INT_BITS
    ):
        raise RenderLimitError(f"integer results are limited to {_MAX_INT_BITS} bits")
    return value


def guard_iterable(value: Any) -> Iterator[Any]:
    """Iterate ``value``, checking the deadline every 64 items."""
    b = budget()
    for count, item in enumerate(value):
        if not count & 0x3F:
            b.tick()
        yield item


_PASSED = (Context, EvalContext, Environment)


def guarded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
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
            n = count_of(value)
            if n is not None and abs(n) > b.max_output:
                raise RenderLimitError(f"filter {name!r}: argument {n} is too large")
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
        b.allow(size(value, b.max_output) + len(value) * len(sep), "join")
    elif name == "replace" and len(values) >= 3:
        text, old, new = str(value), str(values[1]), str(values[2])
        hits = text.count(old) if old else len(text) + 1
        b.allow(len(text) + hits * max(len(new) - len(old), 0), "replace")
    elif name == "indent":
        width = values[1] if len(values) > 1 else kwargs.get("width", 4)
        pad = len(width) if isinstance(width, str) else int(width)
        b.allow(len(str(value)) + (str(value).count("\n") + 1) * pad, "indent")


BINOPS: Mapping[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
}


def binop(op: str, left: Any, right: Any) -> Any:
    """Apply an intercepted arithmetic operator within the size bounds."""
    b = budget()
    b.tick()
    if op == "%" and isinstance(left, str):
        raise SecurityError("%-formatting of strings is not allowed in document templates")
    if op == "*":
        for seq, times in ((left, right), (right, left)):
            n = count_of(times)
            if isinstance(seq, str | list | tuple) and n is not None:
                b.allow(size(seq, b.max_output) * max(n, 0), "repetition")
    if op == "**":
        base, exp = count_of(left), count_of(right)
        bits = 0 if base is None or exp is None or exp <= 0 else max(abs(base).bit_length() - 1, 0)
        if exp is not None and bits * exp > _MAX_INT_BITS:
            raise RenderLimitError(f"integer results are limited to {_MAX_INT_BITS} bits")
    if op == "+" and isinstance(left, str | list | tuple):
        b.allow(size(left, b.max_output) + size(right, b.max_output), "concatenation")
    return _check_int(BINOPS[op](left, right))
