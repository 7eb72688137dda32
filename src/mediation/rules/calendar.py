"""China's official working calendar: which days are rest days and which are working days.

Rest and working days come from the State Council's yearly notices (国务院办公厅
关于部分节假日安排的通知, RULES.md §8): bundled through ``chinese_calendar``, or
loaded from a notice file the day it is published (:mod:`mediation.rules.notices`),
behind the :class:`Calendar` protocol an embedder can replace, with a
library-owned override table and the caller's own overrides (a province's
local rest days).

A year without a notice yet (the State Council publishes each in November or
December) is answered **provisionally**: weekends, plus that year's statutory
holidays computed by rule (《全国年节及纪念日放假办法》, 国务院令第795号: 元旦;
春节 and its eve by the lunar calendar; 清明 by the solar term; 劳动节 5-1 and
5-2; 端午; 中秋; 国庆 10-1 to 10-3) — the lunar and solar-term dates from the
``holidays`` package — with no make-up working days. Every date computed
through such a day is flagged provisional, and the engine re-derives it when
the notice arrives (``Engine.recompute_provisional``). A ``strict`` calendar
refuses instead, with :class:`~mediation._errors.CalendarError` naming the year.
Period arithmetic on top of it is :mod:`mediation.rules.counting`.

Example:
    >>> from datetime import date
    >>> OfficialCalendar().day_kind(date(2026, 2, 14))  # 调休上班 Saturday
    <DayKind.work: 'work'>
"""

from __future__ import annotations

import calendar as _stdcal
import threading
from collections.abc import Collection, Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, cast

import chinese_calendar as _cc
import holidays as _holidays

from mediation._errors import CalendarError, ValidationError

if TYPE_CHECKING:
    from mediation.rules.notices import Notice

__all__ = [
    "LIBRARY_OVERRIDES",
    "LIBRARY_YEARS",
    "Calendar",
    "DayKind",
    "OfficialCalendar",
    "is_rest_day",
    "is_working_day",
    "statutory_holidays",
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
        """Return True if :meth:`day_kind` answers ``day`` provisionally (no official notice)."""

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


_STATUTORY = {
    "New Year's Day": "元旦",
    "Chinese New Year's Eve": "春节",
    "Chinese New Year (Spring Festival)": "春节",
    "Tomb-Sweeping Day": "清明节",
    "Labor Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-Autumn Festival": "中秋节",
    "National Day": "国庆节",
}
"""The statutory holidays of 国务院令第795号 (in force 2025-01-01), as the ``holidays``
package names them, and their Chinese names."""


def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holidays of ``year`` by rule (国务院令第795号): date → Chinese name.

    13 days: 元旦 1; 春节 4 (除夕 and 初一 to 初三, by the lunar calendar);
    清明 1 (the solar term); 劳动节 2; 端午 1; 中秋 1; 国庆 3. Make-up working
    days and bridging days are not rules: only a notice sets them.

    Example:
        >>> sorted(statutory_holidays(2027).items())[:2]
        [(datetime.date(2027, 1, 1), '元旦'), (datetime.date(2027, 2, 5), '春节')]
    """
    found = _holidays.country_holidays("CN", years=year, observed=False, language="en_US")
    out: dict[date, str] = {}
    for day, names in found.items():
        # Two holidays on one day (中秋 within 国庆, as in 2028) come as "A; B": the day is
        # a statutory holiday either way.
        ours = [_STATUTORY[n] for n in str(names).split("; ") if n in _STATUTORY]
        if day.year == year and ours:
            out[day] = "、".join(dict.fromkeys(ours))
    return out


class OfficialCalendar:
    """The State Council calendar: bundled notices, loaded notices, overrides, provisional years.

    Lookups are cached a whole year at a time, so repeated arithmetic costs a
    dictionary lookup per day.

    Args:
        overrides: Local rest days or working days (e.g. a province's ethnic
            festival). They win over every other source and are never provisional.
        strict: Refuse a year without an official notice (:class:`CalendarError`)
            instead of answering it provisionally.
        years: Extra years whose complete schedule is in ``overrides``.
        notices: State Council notices loaded from files
            (:class:`~mediation.rules.notices.Notice`), for years the bundled
            data does not have yet; more can be added with :meth:`add`.

    Attributes:
        version: Grows each time data is added: caches of due dates key on it.

    Example:
        >>> OfficialCalendar().day_kind(date(2026, 10, 10))
        <DayKind.work: 'work'>
    """

    __slots__ = (
        "_guesses",
        "_kinds",
        "_loaded",
        "_lock",
        "_names",
        "_notices",
        "_overrides",
        "_strict",
        "_years",
        "version",
    )

    def __init__(
        self,
        overrides: Mapping[date, DayKind] = _EMPTY,
        *,
        strict: bool = False,
        years: Collection[int] = (),
        notices: Iterable[Notice] = (),
    ) -> None:
        """Build the calendar (arguments as in the class docstring)."""
        merged = dict(LIBRARY_OVERRIDES)
        for day, kind in overrides.items():
            if type(day) is not date:
                raise ValidationError("overrides", day, "override keys must be dates")
            merged[day] = DayKind(kind)
        self._overrides: Mapping[date, DayKind] = MappingProxyType(merged)
        self._strict = strict
        self._years = frozenset(years) | LIBRARY_YEARS
        self._notices: dict[int, Notice] = {}
        self._kinds: dict[date, DayKind] = {}
        self._names: dict[date, str] = {}
        self._guesses: set[date] = set()
        self._loaded: set[int] = set()
        self._lock = threading.Lock()
        self.version = 0
        for notice in notices:
            self.add(notice)

    @property
    def strict(self) -> bool:
        """Whether years without an official notice are refused."""
        return self._strict

    def add(self, notice: Notice) -> None:
        """Load a State Council notice (a year's holidays and make-up working days).

        The year's answers stop being provisional; :attr:`version` grows.

        Raises:
            ValidationError: the year already has bundled data or another notice.
        """
        year = notice.year
        if year in _PACKAGE_YEARS or year in self._years:
            raise ValidationError(
                "notice.year", year, "official data for that year is already bundled"
            )
        known = self._notices.get(year)
        if known is not None and known != notice:
            raise ValidationError("notice.year", year, "another notice for that year is loaded")
        with self._lock:
            self._notices[year] = notice
            self._forget(year)
            self.version += 1

    def _forget(self, year: int) -> None:
        self._loaded.discard(year)
        for cache in (self._kinds, self._names):
            for day in [d for d in cache if d.year == year]:
                del cache[day]
        self._guesses = {d for d in self._guesses if d.year != year}

    def covers(self, year: int) -> bool:
        """Return True if official (bundled, loaded or caller-declared) data covers ``year``."""
        return year in _PACKAGE_YEARS or year in self._years or year in self._notices

    def day_kind(self, day: date) -> DayKind:
        """Return whether ``day`` is a rest day or a working day.

        Raises:
            CalendarError: a strict calendar and a year without an official notice
                (a date not overridden).
        """
        kind = self._kinds.get(day)
        if kind is None:
            kind = self._miss(day)
        return kind

    def is_estimate(self, day: date) -> bool:
        """Return True if ``day``'s kind is provisional (no official notice for its year)."""
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
            f"chinese_calendar covers {first}-{last}; load the State Council notice "
            "(mediation.rules.notices.Notice.from_file) or use a calendar that is not strict "
            "(provisional dates)",
            year=day.year,
        )

    def _load(self, year: int) -> None:
        """Fill the caches for every day of ``year`` that can be answered."""
        with self._lock:
            if year in self._loaded:
                return
            first = date(year, 1, 1)
            count = 366 if _stdcal.isleap(year) else 365
            days = [first + timedelta(days=i) for i in range(count)]
            notice = self._notices.get(year)
            if year in _PACKAGE_YEARS:
                for day in days:
                    detail = cast("tuple[bool, str | None]", _cc.get_holiday_detail(day))
                    self._kinds[day] = DayKind.rest if detail[0] else DayKind.work
                    if detail[1] is not None:
                        self._names[day] = _HOLIDAY_ZH.get(detail[1], detail[1])
            elif notice is not None:
                for day in days:
                    self._kinds[day] = _weekday_rule(day)
                for day, name in notice.rest.items():
                    self._kinds[day] = DayKind.rest
                    self._names[day] = name
                for day, name in notice.work.items():
                    self._kinds[day] = DayKind.work
                    self._names[day] = name
            elif year in self._years:
                for day in days:
                    self._kinds[day] = _weekday_rule(day)
            elif not self._strict and FIRST_RULE_YEAR <= year <= LAST_RULE_YEAR:
                for day in days:
                    self._kinds[day] = _weekday_rule(day)
                for day, name in statutory_holidays(year).items():
                    self._kinds[day] = DayKind.rest
                    self._names[day] = name
                self._guesses.update(days)
            for day, kind in self._overrides.items():
                if day.year == year:
                    self._kinds[day] = kind
                    self._guesses.discard(day)
            self._loaded.add(year)


FIRST_RULE_YEAR, LAST_RULE_YEAR = 2025, 2199
"""Years answered provisionally by rule: the current statutory holidays took effect on
2025-01-01 (国务院令第795号); earlier years without bundled data are refused."""
