"""China's official working calendar: which days are rest days and which are working days.

Rest and working days come from the State Council's yearly notices (国务院办公厅
关于部分节假日安排的通知, RULES.md §8) through ``chinese_calendar``, behind the
:class:`Calendar` protocol an embedder can replace, with a library-owned
override table and the caller's own overrides (a province's local rest days,
a newly published year). A day in a year with no data raises
:class:`~mediation._errors.CalendarError` naming the year, unless the calendar
runs in ``estimated`` mode, which answers by weekends alone and says so for
every day it guessed. Period arithmetic on top of it is :mod:`mediation.rules.counting`.

Example:
    >>> from datetime import date
    >>> OfficialCalendar().day_kind(date(2026, 2, 14))  # 调休上班 Saturday
    <DayKind.work: 'work'>
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol, cast

import chinese_calendar as _cc

from mediation._errors import CalendarError, ValidationError

__all__ = [
    "LIBRARY_OVERRIDES",
    "LIBRARY_YEARS",
    "Calendar",
    "DayKind",
    "OfficialCalendar",
    "is_rest_day",
    "is_working_day",
]

_SATURDAY = 5  # date.weekday() of Saturday; Saturday and Sunday are the weekend


class DayKind(StrEnum):
    """Whether a day is a rest day (休息日) or a working day (工作日)."""

    rest = "rest"
    work = "work"


LIBRARY_OVERRIDES: Mapping[date, DayKind] = MappingProxyType({})
"""The library's own override table: date -> rest or work.

Every :class:`OfficialCalendar` applies it under the caller's overrides. To
add a year whose State Council notice (国务院办公厅关于某年部分节假日安排的通知)
is out before ``chinese_calendar`` has it: enter every holiday date as
``DayKind.rest`` and every make-up working weekend day as ``DayKind.work``,
add the year to :data:`LIBRARY_YEARS` (other days then follow the weekday
rule), cite the gov.cn notice URL in a comment, and add the schedule to
``tests/rules/test_calendar.py`` as a cross-check.
"""

LIBRARY_YEARS: frozenset[int] = frozenset()
"""Years whose complete schedule is in :data:`LIBRARY_OVERRIDES`."""

_EMPTY: Mapping[date, DayKind] = MappingProxyType({})


def _package_years() -> range:
    """Return the years ``chinese_calendar`` has notices for."""
    days = cast("Mapping[date, str]", _cc.holidays)
    return range(min(days).year, max(days).year + 1)


def _package_holiday_names() -> Mapping[str, str]:
    """Map ``chinese_calendar``'s English holiday names to Chinese ones."""
    return {cast(str, h.value): cast(str, h.chinese) for h in _cc.Holiday}


_PACKAGE_YEARS = _package_years()
_HOLIDAY_ZH = _package_holiday_names()


class Calendar(Protocol):
    """What period arithmetic needs to know about days."""

    def day_kind(self, day: date) -> DayKind:
        """Return whether ``day`` is a rest day or a working day.

        Raises:
            CalendarError: no data for ``day``'s year.
        """

    def covers(self, year: int) -> bool:
        """Return True if official data covers the whole of ``year``."""

    def is_estimate(self, day: date) -> bool:
        """Return True if :meth:`day_kind` guesses ``day`` (no official data)."""

    def holiday_name(self, day: date) -> str | None:
        """Return the holiday a rest or make-up day belongs to (e.g. "国庆节"), or None."""


def is_rest_day(day: date, calendar: Calendar) -> bool:
    """Return True if ``day`` is a rest day (法定休假日, 《民法典》第二百零三条).

    Raises:
        CalendarError: no data for ``day``'s year.
    """
    return calendar.day_kind(day) is DayKind.rest


def is_working_day(day: date, calendar: Calendar) -> bool:
    """Return True if ``day`` is a working day, make-up weekend days included.

    Raises:
        CalendarError: no data for ``day``'s year.
    """
    return calendar.day_kind(day) is DayKind.work


def _weekday_rule(day: date) -> DayKind:
    return DayKind.rest if day.weekday() >= _SATURDAY else DayKind.work


class OfficialCalendar:
    """The State Council calendar, from ``chinese_calendar`` plus overrides.

    Lookups are cached a whole year at a time, so repeated arithmetic costs a
    dictionary lookup per day.

    Args:
        overrides: Local rest days or working days (e.g. a province's ethnic
            festival). They win over the official data and over
            :data:`LIBRARY_OVERRIDES`, and make their dates answerable even in
            a year without data.
        estimated: Answer years without data by weekends alone (Mon-Fri work,
            Sat-Sun rest) instead of raising; results through such days carry
            ``estimated=True``.
        years: Extra years whose complete schedule is in ``overrides``.

    Example:
        >>> OfficialCalendar().day_kind(date(2026, 10, 10))
        <DayKind.work: 'work'>
    """

    __slots__ = (
        "_estimated",
        "_guesses",
        "_kinds",
        "_loaded",
        "_names",
        "_overrides",
        "_years",
    )

    def __init__(
        self,
        overrides: Mapping[date, DayKind] = _EMPTY,
        *,
        estimated: bool = False,
        years: Collection[int] = (),
    ) -> None:
        """Build the calendar (arguments as in the class docstring)."""
        merged = dict(LIBRARY_OVERRIDES)
        for day, kind in overrides.items():
            if type(day) is not date:
                raise ValidationError("overrides", day, "override keys must be dates")
            merged[day] = DayKind(kind)
        self._overrides: Mapping[date, DayKind] = MappingProxyType(merged)
        self._estimated = estimated
        self._years = frozenset(years) | LIBRARY_YEARS
        self._kinds: dict[date, DayKind] = {}
        self._names: dict[date, str] = {}
        self._guesses: set[date] = set()
        self._loaded: set[int] = set()

    @property
    def estimated(self) -> bool:
        """Whether years without data are answered by weekends alone."""
        return self._estimated

    def covers(self, year: int) -> bool:
        """Return True if official (or library/caller-declared) data covers ``year``."""
        return year in _PACKAGE_YEARS or year in self._years

    def day_kind(self, day: date) -> DayKind:
        """Return whether ``day`` is a rest day or a working day.

        Raises:
            CalendarError: ``day``'s year has no data, the date is not
                overridden and the calendar is not in estimated mode.
        """
        kind = self._kinds.get(day)
        if kind is None:
            kind = self._miss(day)
        return kind

    def is_estimate(self, day: date) -> bool:
        """Return True if ``day``'s kind is a weekends-only guess."""
        if day.year not in self._loaded:
            self._load(day.year)
        return day in self._guesses

    def holiday_name(self, day: date) -> str | None:
        """Return the Chinese holiday name for a holiday or make-up day, else None."""
        if day.year not in self._loaded:
            self._load(day.year)
        return self._names.get(day)

    def _miss(self, day: date) -> DayKind:
        if type(day) is not date:
            raise ValidationError("day", day, "a calendar day must be a datetime.date")
        if day.year not in self._loaded:
            self._load(day.year)
            kind = self._kinds.get(day)
            if kind is not None:
                return kind
        first, last = _PACKAGE_YEARS[0], _PACKAGE_YEARS[-1]
        raise CalendarError(
            f"no official holiday data for {day.year} (date {day.isoformat()}): "
            f"chinese_calendar covers {first}-{last}; add the State Council notice to "
            "LIBRARY_OVERRIDES or use OfficialCalendar(estimated=True)",
            year=day.year,
        )

    def _load(self, year: int) -> None:
        """Fill the caches for every day of ``year`` that can be answered."""
        first = date(year, 1, 1)
        count = 366 if _stdcal.isleap(year) else 365
        days = [first + timedelta(days=i) for i in range(count)]
        if year in _PACKAGE_YEARS:
            for day in days:
                detail = cast("tuple[bool, str | None]", _cc.get_holiday_detail(day))
                self._kinds[day] = DayKind.rest if detail[0] else DayKind.work
                if detail[1] is not None:
                    self._names[day] = _HOLIDAY_ZH.get(detail[1], detail[1])
        elif year in self._years or self._estimated:
            for day in days:
                self._kinds[day] = _weekday_rule(day)
            if year not in self._years:
                self._guesses.update(days)
        for day, kind in self._overrides.items():
            if day.year == year:
                self._kinds[day] = kind
                self._guesses.discard(day)
        self._loaded.add(year)
