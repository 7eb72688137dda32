"""Virtual time: whole seconds since midnight of the first simulated day.

The simulation never reads the wall clock. Its time is an integer number of
seconds since 00:00 of the scenario's first day in the policy's time zone;
:meth:`Timeline.at` turns it into the aware ``datetime`` passed as ``at=`` to
the engine. Office time is counted on the policy's official calendar
(国务院办公厅 holiday notices, make-up working days included), the same
calendar the engine counts its clocks on.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mediation.rules.calendar import Calendar, DayKind

__all__ = ["DAY", "Timeline"]

DAY = 86_400
"""Seconds in a day."""


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


class Timeline:
    """Converts virtual seconds to business instants and counts office time.

    Args:
        start: The first simulated day.
        tz: The business time zone.
        calendar: Which days are working days.
        office: Opening and closing time of a working day.
    """

    def __init__(
        self, start: dt.date, tz: ZoneInfo, calendar: Calendar, office: tuple[dt.time, dt.time]
    ) -> None:
        self.start = start
        self.origin = dt.datetime.combine(start, dt.time(0), tz)
        self.opens = _seconds(office[0])
        self.closes = _seconds(office[1])
        self._calendar = calendar
        self._working: list[bool] = []

    @property
    def office_seconds(self) -> int:
        """Length of a working day's office hours, in seconds."""
        return self.closes - self.opens

    def date(self, day: int) -> dt.date:
        """The calendar date of day ``day`` (0 = the first day)."""
        return self.start + dt.timedelta(days=day)

    def working(self, day: int) -> bool:
        """Whether day ``day`` is a working day on the official calendar."""
        flags = self._working
        while day >= len(flags):
            kind = self._calendar.day_kind(self.date(len(flags)))
            flags.append(kind is DayKind.work)
        return flags[day]

    def at(self, t: int) -> dt.datetime:
        """The business instant of virtual time ``t``."""
        return self.origin + dt.timedelta(seconds=t)

    def office(self, t: int) -> int:
        """The first office instant at or after ``t`` (a working day, within office hours)."""
        day, sec = divmod(t, DAY)
        if sec < self.closes and self.working(day):
            return t if sec >= self.opens else day * DAY + self.opens
        day += 1
        while not self.working(day):
            day += 1
        return day * DAY + self.opens

    def add_working(self, t: int, days: float) -> int:
        """``t`` plus ``days`` working days of office time (from the next office instant)."""
        t = self.office(t)
        remaining = round(days * self.office_seconds)
        day, sec = divmod(t, DAY)
        left = self.closes - sec
        while remaining >= left:
            remaining -= left
            day += 1
            while not self.working(day):
                day += 1
            sec = self.opens
            left = self.office_seconds
        return day * DAY + sec + remaining

    def advance(self, t: int, amount: float, unit: str) -> int:
        """The office instant ``amount`` of ``unit`` (``wd``, ``d``, ``h``) after ``t``."""
        if unit == "wd":
            return self.add_working(t, amount)
        seconds = amount * (DAY if unit == "d" else 3600)
        return self.office(t + round(seconds))
