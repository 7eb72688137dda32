"""Random delays and values that depend on a case's level, track or category.

A :class:`Delay` is how long a step takes, in working days (``wd``: office
time on the official calendar), calendar days (``d``) or hours (``h``).
A :class:`Keyed` value is one number (or delay) per level, track, category or
pair of them, looked up most specific first.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Mapping
from typing import Generic, TypeVar

import attrs

from mediation.simulation._toml import Node

__all__ = ["DELAY_UNITS", "DISTRIBUTIONS", "Delay", "KeySpace", "Keyed"]

DISTRIBUTIONS = ("fixed", "exponential", "gamma", "uniform")
"""The delay distributions a scenario may name."""

DELAY_UNITS = ("wd", "d", "h")
"""Working days (office time on working days), calendar days, hours."""

_DELAY_KEYS = frozenset({"dist", "mean", "cv", "low", "high", "unit", "value"})

T = TypeVar("T")


@attrs.frozen(slots=True)
class Delay:
    """A random duration.

    Attributes:
        dist: ``fixed`` (always ``mean``), ``exponential`` (mean ``mean``),
            ``gamma`` (mean ``mean``, coefficient of variation ``cv``) or
            ``uniform`` (from ``low`` to ``high``).
        mean: The mean (the value, for ``fixed``).
        unit: ``wd`` working days, ``d`` calendar days, ``h`` hours.
        cv: Coefficient of variation of a gamma delay.
        low: Lower end of a uniform delay.
        high: Upper end of a uniform delay.
    """

    dist: str
    mean: float
    unit: str = "wd"
    cv: float = 0.0
    low: float = 0.0
    high: float = 0.0

    def sample(self, rng: random.Random) -> float:
        """Draw one duration, in :attr:`unit`."""
        if self.dist == "fixed" or self.mean == 0.0:
            return self.mean if self.dist != "uniform" else rng.uniform(self.low, self.high)
        if self.dist == "exponential":
            return rng.expovariate(1.0 / self.mean)
        if self.dist == "gamma":
            if self.cv == 0.0:
                return self.mean
            shape = 1.0 / (self.cv * self.cv)
            return rng.gammavariate(shape, self.mean / shape)
        return rng.uniform(self.low, self.high)

    @classmethod
    def parse(cls, node: Node, unit: str = "wd") -> Delay:
        """A delay from a number (fixed, in ``unit``) or a table ``{dist, mean, cv, unit}``."""
        if not node.is_table():
            return cls("fixed", node.number(low=0.0), unit)
        node.table(_DELAY_KEYS)
        dist = node.get("dist", "fixed").text(DISTRIBUTIONS)
        unit = node.get("unit", unit).text(DELAY_UNITS)
        if dist == "uniform":
            for key in ("mean", "value", "cv"):
                if node.has(key):
                    raise node.get(key).fail("a uniform delay takes low and high")
            low = node.get("low").number(low=0.0)
            high = node.get("high").number(low=low)
            return cls(dist, (low + high) / 2, unit, low=low, high=high)
        for key in ("low", "high"):
            if node.has(key):
                raise node.get(key).fail(f"only a uniform delay takes {key}")
        name = "value" if node.has("value") else "mean"
        if dist != "fixed" and name == "value":
            raise node.get("value").fail(f"a {dist} delay takes mean, not value")
        mean = node.get(name).number(low=0.0)
        cv = 0.0
        if node.has("cv"):
            if dist != "gamma":
                raise node.get("cv").fail("only a gamma delay takes cv")
            cv = node.get("cv").number(low=0.0, high=10.0)
        elif dist == "gamma":
            cv = 1.0
        return cls(dist, mean, unit, cv=cv)

    @staticmethod
    def is_spec(node: Node) -> bool:
        """Whether ``node`` reads as one delay (a number or a delay table), not a keyed one."""
        return not node.is_table() or bool(_DELAY_KEYS & set(node.value))


@attrs.frozen(slots=True)
class KeySpace:
    """The names a keyed value may use: levels, tracks and categories.

    A key is ``default``, a level, a track, a category, ``<level>.<track>`` or
    ``<category>.<level>``.
    """

    levels: frozenset[str]
    tracks: frozenset[str]
    categories: frozenset[str]

    def check(self, node: Node, key: str) -> None:
        """Refuse a key that names nothing known."""
        if key == "default" or key in self.levels or key in self.tracks or key in self.categories:
            return
        first, _, second = key.partition(".")
        if (first in self.levels and second in self.tracks) or (
            first in self.categories and second in self.levels
        ):
            return
        raise node.get(key).fail(
            "unknown key: default, a level, a track, a category, <level>.<track> "
            "or <category>.<level>"
        )

    def combinations(self) -> list[tuple[str | None, str | None, str]]:
        """Every (level, track, category) a case can be in, for checking sums."""
        levels: list[str | None] = [None, *sorted(self.levels)]
        tracks: list[str | None] = [None, *sorted(self.tracks)]
        return [(lv, tr, cat) for lv in levels for tr in tracks for cat in sorted(self.categories)]


@attrs.frozen(slots=True)
class Keyed(Generic[T]):
    """A value per level, track and category, looked up most specific first.

    Lookup order: ``<category>.<level>``, ``<level>.<track>``, ``<category>``,
    ``<level>``, ``<track>``, ``default``.
    """

    values: Mapping[str, T]

    def get(self, level: str | None, track: str | None, category: str) -> T | None:
        """The value for a case (``None`` if no key applies)."""
        values = self.values
        if len(values) == 1 and "default" in values:
            return values["default"]
        for key in (
            f"{category}.{level}" if level else None,
            f"{level}.{track}" if level and track else None,
            category,
            level,
            track,
            "default",
        ):
            if key is not None and key in values:
                return values[key]
        return None

    def pick(self, level: str | None, track: str | None, category: str) -> T:
        """The value for a case; the first value given when no key applies."""
        found = self.get(level, track, category)
        return next(iter(self.values.values())) if found is None else found

    @classmethod
    def of(cls, value: T) -> Keyed[T]:
        """The same value for every case."""
        return cls({"default": value})

    @classmethod
    def parse(
        cls,
        node: Node,
        space: KeySpace,
        leaf: Callable[[Node], T],
        *,
        single: Callable[[Node], bool] = lambda n: not n.is_table(),
    ) -> Keyed[T]:
        """One value (for every case) or a table of values by key."""
        if single(node):
            return cls.of(leaf(node))
        values: dict[str, T] = {}
        for key, child in node.table().items():
            space.check(node, key)
            values[key] = leaf(child)
        if not values:
            raise node.fail("a value, or a table of values by level, track or category")
        return cls(values)

    def keys(self) -> Collection[str]:
        """The keys given."""
        return self.values.keys()
