"""A year's State Council holiday notice, loaded as data the day it is published.

The State Council General Office publishes each year's schedule
(国务院办公厅关于某年部分节假日安排的通知) in November or December (RULES.md §8).
An office enters it in a small TOML or JSON file and loads it — no library
release needed — and the engine re-derives every provisional due date
(``Engine.recompute_provisional``).

The file names each holiday with its days off and its make-up working days;
a day may be written alone or as an inclusive range ``first/last``::

    year = 2027
    source = "国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕…号)"
    published = 2026-11-10

    [rest]
    "元旦" = ["2027-01-01/2027-01-03"]
    "春节" = ["2027-02-05/2027-02-12"]

    [work]
    "春节" = ["2027-02-13"]

It is checked when loaded: every day lies inside the year, every make-up day
is a Saturday or Sunday, and no day is both off and worked, or off twice.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from mediation._errors import ValidationError

__all__ = ["Notice"]

_SATURDAY = 5


def _frozen(value: Mapping[dt.date, str]) -> Mapping[dt.date, str]:
    return MappingProxyType(dict(sorted(value.items())))


@attrs.frozen(slots=True)
class Notice:
    """One year's holidays and make-up working days.

    Attributes:
        year: The year.
        rest: Days off (holidays and the days bridged to them) → holiday name.
        work: Make-up working days (调休上班, weekend days) → holiday name.
        source: The notice it comes from (title, number, address).
        published: When the notice was published, if known.
    """

    year: int
    rest: Mapping[dt.date, str] = attrs.field(converter=_frozen)
    work: Mapping[dt.date, str] = attrs.field(converter=_frozen)
    source: str = ""
    published: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if type(self.year) is not int or not 1949 <= self.year <= 2199:
            raise ValidationError("notice.year", self.year, "a year from 1949 to 2199")
        for field, days in (("rest", self.rest), ("work", self.work)):
            for day, name in days.items():
                if type(day) is not dt.date or day.year != self.year:
                    raise ValidationError(
                        f"notice.{field}", str(day), f"a day of {self.year} (the notice's year)"
                    )
                if not isinstance(name, str) or not name.strip():
                    raise ValidationError(f"notice.{field}", str(day), "names its holiday")
        for day in self.work:
            if day.weekday() < _SATURDAY:
                raise ValidationError(
                    "notice.work",
                    day.isoformat(),
                    "a make-up working day (调休上班) is a Saturday or Sunday",
                )
        both = sorted(set(self.rest) & set(self.work))
        if both:
            raise ValidationError("notice", both[0].isoformat(), "a day is both off and worked")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Notice:
        """Build a notice from the file's structure (see the module docstring).

        Raises:
            ValidationError: a missing or malformed key (named), or a check that fails.
        """
        if not isinstance(data, Mapping):
            raise ValidationError("notice", type(data).__name__, "a table of year, rest, work")
        unknown = sorted(set(data) - {"year", "source", "published", "rest", "work"})
        if unknown:
            raise ValidationError(f"notice.{unknown[0]}", None, "not a key of a notice")
        year = data.get("year")
        if type(year) is not int:
            raise ValidationError("notice.year", year, "the year, a whole number")
        published = data.get("published")
        if isinstance(published, str):
            published = _day("notice.published", published)
        if published is not None and type(published) is not dt.date:
            raise ValidationError("notice.published", published, "a date")
        source = data.get("source", "")
        if not isinstance(source, str):
            raise ValidationError("notice.source", source, "text")
        return cls(
            year=year,
            rest=_days("rest", data.get("rest", {})),
            work=_days("work", data.get("work", {})),
            source=source,
            published=published,
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Notice:
        """Read a notice from a ``.toml`` or ``.json`` file.

        Raises:
            ValidationError: unreadable, not TOML/JSON, or not a valid notice.
        """
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError("notice", str(p), f"cannot be read: {exc}") from exc
        try:
            if p.suffix.lower() == ".toml":
                data: Any = tomllib.loads(text)
            elif p.suffix.lower() == ".json":
                data = json.loads(text)
            else:
                raise ValidationError("notice", str(p), "a .toml or .json file")
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError("notice", str(p), f"not valid {p.suffix[1:]}: {exc}") from exc
        return cls.from_mapping(data)


def _day(field: str, value: Any) -> dt.date:
    if type(value) is dt.date:
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(field, value, "a date YYYY-MM-DD")


def _days(field: str, table: Any) -> dict[dt.date, str]:
    if not isinstance(table, Mapping):
        raise ValidationError(f"notice.{field}", table, "a table: holiday name → days")
    out: dict[dt.date, str] = {}
    for name, entries in table.items():
        where = f"notice.{field}.{name}"
        if isinstance(entries, str | dt.date) or not isinstance(entries, list):
            raise ValidationError(where, entries, "a list of days or first/last ranges")
        for entry in entries:
            if isinstance(entry, str) and "/" in entry:
                first_text, last_text = entry.split("/", 1)
                first, last = _day(where, first_text), _day(where, last_text)
                if last < first or (last - first).days > 40:
                    raise ValidationError(where, entry, "a range first/last of at most 40 days")
                days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
            else:
                days = [_day(where, entry)]
            for day in days:
                if day in out:
                    raise ValidationError(where, day.isoformat(), "the day is listed twice")
                out[day] = str(name)
    return out
