"""Reading a parsed TOML document with every error naming its key path.

A scenario file is read through :class:`Node`: each value knows the dotted
path it was found at (``arrivals.neighbor.rate``), so a bad value becomes a
:class:`~mediation.ValidationError` whose ``field`` is that path.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterator
from typing import Any

from mediation import ValidationError

__all__ = ["Node", "join"]


def join(path: str, key: str) -> str:
    """``path.key``, quoting a key that is not a bare TOML key."""
    bare = key and all(c.isalnum() or c in "-_" for c in key) and key.isascii()
    part = key if bare else f'"{key}"'
    return f"{path}.{part}" if path else part


class Node:
    """A value of the scenario document and the key path it sits at."""

    __slots__ = ("path", "value")

    def __init__(self, value: Any, path: str = "") -> None:
        self.value = value
        self.path = path

    def fail(self, rule: str) -> ValidationError:
        """The error for this value breaking ``rule``."""
        return ValidationError(self.path or "scenario", self.value, rule)

    # -- tables --------------------------------------------------------------------

    def is_table(self) -> bool:
        """Whether the value is a table."""
        return isinstance(self.value, dict)

    def table(self, allowed: Collection[str] | None = None) -> Node:
        """This node, checked to be a table whose keys are all in ``allowed`` (if given)."""
        if not isinstance(self.value, dict):
            raise self.fail("a table")
        if allowed is not None:
            for key in self.value:
                if key not in allowed:
                    raise ValidationError(
                        join(self.path, key),
                        self.value[key],
                        f"unknown key; one of {', '.join(sorted(allowed))}",
                    )
        return self

    def has(self, key: str) -> bool:
        """Whether the table has ``key``."""
        return isinstance(self.value, dict) and key in self.value

    def get(self, key: str, default: Any = None) -> Node:
        """The value at ``key`` (``default`` when absent)."""
        self.table()
        return Node(self.value.get(key, default), join(self.path, key))

    def items(self) -> Iterator[tuple[str, Node]]:
        """The table's entries as (key, node), in file order."""
        self.table()
        for key, value in self.value.items():
            yield key, Node(value, join(self.path, key))

    def entries(self) -> Iterator[Node]:
        """The array's elements as nodes."""
        if not isinstance(self.value, list):
            raise self.fail("an array")
        for i, value in enumerate(self.value):
            yield Node(value, f"{self.path}[{i}]")

    # -- scalars -------------------------------------------------------------------

    def number(self, *, low: float | None = None, high: float | None = None) -> float:
        """A finite number within [low, high]."""
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self.fail("a number")
        if low is not None and v < low:
            raise self.fail(f"a number >= {low:g}")
        if high is not None and v > high:
            raise self.fail(f"a number <= {high:g}")
        return float(v)

    def probability(self) -> float:
        """A number from 0 to 1."""
        return self.number(low=0.0, high=1.0)

    def integer(self, *, low: int | None = None, high: int | None = None) -> int:
        """A whole number within [low, high]."""
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail("a whole number")
        if low is not None and v < low:
            raise self.fail(f"a whole number >= {low}")
        if high is not None and v > high:
            raise self.fail(f"a whole number <= {high}")
        return v

    def text(self, choices: Collection[str] | None = None) -> str:
        """Non-empty text, one of ``choices`` if given."""
        v = self.value
        if not isinstance(v, str) or not v.strip():
            raise self.fail("non-empty text")
        if choices is not None and v not in choices:
            raise self.fail(f"one of {', '.join(sorted(choices))}")
        return v

    def boolean(self) -> bool:
        """``true`` or ``false``."""
        if not isinstance(self.value, bool):
            raise self.fail("true or false")
        return self.value

    def date(self) -> dt.date:
        """A date (TOML local date, or ISO text)."""
        v = self.value
        if isinstance(v, dt.datetime):
            raise self.fail("a date without a time")
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                pass
        raise self.fail("a date (YYYY-MM-DD)")

    def clock_time(self) -> dt.time:
        """A time of day (TOML local time, or ``HH:MM`` text)."""
        v = self.value
        if isinstance(v, dt.time):
            return v
        if isinstance(v, str):
            try:
                return dt.time.fromisoformat(v)
            except ValueError:
                pass
        raise self.fail("a time of day (HH:MM)")

    def instant(self) -> dt.datetime | dt.date:
        """A local date-time or a date (a scripted arrival)."""
        v = self.value
        if isinstance(v, dt.datetime):
            if v.tzinfo is not None:
                raise self.fail("a local date-time without an offset (China Standard Time)")
            return v
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            try:
                return (
                    dt.datetime.fromisoformat(v)
                    if "T" in v or " " in v
                    else dt.date.fromisoformat(v)
                )
            except ValueError:
                pass
        raise self.fail("a date or a local date-time (YYYY-MM-DDTHH:MM)")

    def numbers(self, count: int, *, low: float = 0.0) -> tuple[float, ...]:
        """An array of exactly ``count`` numbers, each >= ``low``."""
        items = list(self.entries())
        if len(items) != count:
            raise self.fail(f"an array of {count} numbers")
        return tuple(item.number(low=low) for item in items)
