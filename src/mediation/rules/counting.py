"""Period arithmetic (期间计算) on China's official working calendar (:mod:`.calendar`).

Periods are counted the way 《民法典》第二百零一条至第二百零三条 (and 《民事诉讼法》
第八十五条) count them (RULES.md §5):

* the start day is excluded: counting begins the next day (第二百零一条);
* a period in months or years ends on the corresponding day of the final
  month, or on its last day when there is none, so 01-31 + 1 month is 02-28
  or 02-29 (第二百零二条);
* a last day that is a statutory rest day (法定休假日: holidays *and* weekend
  rest days, but not a make-up working weekend day, 调休上班) moves to the
  day after the rest ends (第二百零三条第一款);
* the period ends at 24:00 of the last day, or at the close of business
  where there are business hours (第二百零三条第二款), see :func:`end_of_day`.

Working-day periods (工作日, RULES.md §5.3) count the days the State Council
notice makes working days, make-up weekend days included, holidays excluded;
the start day is excluded by analogy with 第二百零一条. Their last day is a
working day by construction, so nothing rolls.

Design decisions (documented here because the law leaves them open):

* **Pauses** (time that does not count, RULES.md §5.6). For working-day
  periods ``paused`` is a number of working days added to the length. For
  days, months and years it is a number of calendar days by which the
  statutory last day moves forward *before* the rest-day roll.
* **Extensions** are in the period's own unit and add to the length.
* **Length 0** means "the same day" (当场): the last day is the start day,
  rolled forward if it is a rest day (for every unit).
* **Roll policy** (RULES.md §5.4). ``literal`` (the default) stops at the first
  day that is not a rest day, even a make-up working Sunday. ``weekday``
  stops at the first Monday-Friday working day on or after the last day, so
  a calendar-unit deadline never falls on a weekend; it never applies to
  working-day periods, whose last day is the counted working day itself.
* **Data and overrides.** :class:`OfficialCalendar` reads the State Council
  notices through ``chinese_calendar`` (2004-2026 in version 1.11) or from
  notice files; an override always wins. A year without a notice is answered
  provisionally (weekends and the statutory holidays by rule), and every result
  computed through such a day is flagged ``estimated`` (provisional); a
  ``strict`` calendar raises :class:`~mediation._errors.CalendarError` instead.

Example:
    >>> from datetime import date
    >>> from mediation.rules.calendar import OfficialCalendar
    >>> cal = OfficialCalendar()
    >>> compute_due(date(2026, 1, 15), 1, PeriodUnit.months, calendar=cal).due
    datetime.date(2026, 2, 24)
"""

from __future__ import annotations

import calendar as _stdcal
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import attrs

from mediation._errors import CalendarError, ValidationError
from mediation.model import LabeledEnum
from mediation.rules.calendar import Calendar, DayKind

__all__ = [
    "BASIS_CIVIL_CODE",
    "BASIS_WORKING_DAYS",
    "DueDate",
    "Explanation",
    "PeriodUnit",
    "RollPolicy",
    "Step",
    "add_working_days",
    "compute_due",
    "end_of_day",
    "working_days_between",
]

_ONE_DAY = timedelta(days=1)
_CHINA_TZ = ZoneInfo("Asia/Shanghai")
_SATURDAY = 5  # date.weekday() of Saturday; Saturday and Sunday are the weekend
_WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
# A calendar with no working day for a year is broken; stop instead of looping.
_MAX_ROLL = 366

BASIS_CIVIL_CODE = "《民法典》第二百零一条至第二百零三条"
BASIS_WORKING_DAYS = (
    "工作日以国务院办公厅节假日安排通知为准（含调休上班日，不含节假日），"
    "起算日不计入，类推适用《民法典》第二百零一条（RULES.md §5.3）"
)


class PeriodUnit(LabeledEnum):
    """The unit a period is written in (《民法典》第二百条); ``label`` as written after the number."""

    days = "days", "日"
    working_days = "working_days", "个工作日"
    months = "months", "个月"
    years = "years", "年"


class RollPolicy(StrEnum):
    """Where a last day that is a rest day moves to (RULES.md §5.4).

    ``literal``: the day after the rest ends (《民法典》第二百零三条), even a
    make-up working Sunday. ``weekday``: the first Monday-Friday working day after the
    rest. A last day that is not a rest day (a make-up working Saturday or Sunday
    included) is not moved under either.
    """

    literal = "literal"
    weekday = "weekday"


@attrs.frozen(slots=True)
class Step:
    """One adjustment made while computing a due date.

    Attributes:
        kind: ``"pause"``, ``"roll"`` (a rest or weekend day passed over at
            the end), ``"skip"`` (a rest day not counted in a working-day
            period) or ``"count"`` (a make-up weekend working day counted).
        day: The day concerned.
        note: What happened, for a clerk.
    """

    kind: str
    day: date
    note: str


@attrs.frozen(slots=True)
class Explanation:
    """How a due date was computed: its inputs, every adjustment, and the law.

    Attributes:
        start: The start day (not counted).
        unit: The period's unit.
        length: The statutory length, without extension.
        paused: Time not counted (working days, or calendar days for the
            other units).
        extension: Extension in the period's unit.
        roll: The roll policy applied.
        raw_end: The last day by plain counting (length + extension), before
            the pause and the rest-day roll.
        due: The resulting last day.
        steps: The adjustments, in order.
        basis: The legal source of the method.
        provisional: A day consulted had no official notice yet: its rest days
            are the statutory holidays by rule, without make-up days (RULES.md §8).
    """

    start: date
    unit: PeriodUnit
    length: int
    paused: int
    extension: int
    roll: RollPolicy
    raw_end: date
    due: date
    steps: tuple[Step, ...]
    basis: str
    provisional: bool = False

    def replay(self, calendar: Calendar) -> date:
        """Recompute the due date from this explanation's inputs on ``calendar``."""
        return compute_due(
            self.start,
            self.length,
            self.unit,
            calendar=calendar,
            paused=self.paused,
            extension=self.extension,
            roll=self.roll,
        ).due

    def describe(self) -> str:
        """Return a Chinese/English account, one line per step."""
        label = self.unit.label
        lines = [
            f"起算日 {self.start.isoformat()}（不计入 / start day excluded），"
            f"期间 {self.length}{label}"
            + (f" + 延长 {self.extension}{label}" if self.extension else "")
            + f" → {self.raw_end.isoformat()}"
        ]
        lines.extend(f"{step.kind}: {step.note}" for step in self.steps)
        lines.append(f"届满日 / due: {self.due.isoformat()}（依据 {self.basis}）")
        if self.provisional:
            lines.append(
                "暂定 / provisional: 该年度节假日安排尚未公布，按法定节假日推算，"
                "公布后重新计算 (no official notice for the year yet)"
            )
        return "\n".join(lines)


@attrs.frozen(slots=True)
class DueDate:
    """The last day of a period.

    Attributes:
        due: The last day; the period ends at its 24:00 (see :func:`end_of_day`).
        estimated: True if any day consulted had no official data (the date is
            provisional).
        explanation: How ``due`` was reached (``None`` for a date read back
            from an audit log).
    """

    due: date
    estimated: bool
    explanation: Explanation | None


def _check_count(field: str, value: int) -> None:
    if type(value) is not int or value < 0:
        raise ValidationError(field, value, "must be a whole number >= 0 (《民法典》第二百条)")


def _add_months(day: date, months: int) -> date:
    """Return the corresponding day ``months`` later, or that month's last day (第二百零二条)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year > date.max.year:
        raise ValidationError("length", months, "the period runs past the year 9999")
    return date(year, month, min(day.day, _stdcal.monthrange(year, month)[1]))


def _day_label(day: date, calendar: Calendar) -> str:
    name = calendar.holiday_name(day)
    weekday = _WEEKDAY_ZH[day.weekday()]
    return f"{day.isoformat()} {weekday}" + (f", {name}" if name else "")


def _roll(day: date, calendar: Calendar, roll: RollPolicy, steps: list[Step]) -> date:
    """Move ``day`` forward past rest days (and, under ``weekday``, past the make-up working
    weekend days a roll lands on).

    A last day that is itself a make-up working day stays there under either policy: it is
    not a rest day (RULES.md §5.4(1)); ``weekday`` only changes where a roll off a rest day
    ends (§5.4(2)).
    """
    rolled = False
    for _ in range(_MAX_ROLL):
        if calendar.day_kind(day) is DayKind.rest:
            rolled = True
            steps.append(
                Step(
                    "roll",
                    day,
                    f"顺延 / rolled past rest day {_day_label(day, calendar)}",
                )
            )
        elif rolled and roll is RollPolicy.weekday and day.weekday() >= _SATURDAY:
            steps.append(
                Step(
                    "roll",
                    day,
                    f"顺延 / rolled past make-up working weekend day "
                    f"{_day_label(day, calendar)} (weekday policy)",
                )
            )
        else:
            return day
        day += _ONE_DAY
    raise CalendarError(f"no working day within {_MAX_ROLL} days of {day.isoformat()}")


def _walk_working_days(
    start: date, count: int, calendar: Calendar, steps: list[Step] | None
) -> tuple[date, bool]:
    """Return the ``count``-th working day after ``start`` and whether any day was a guess."""
    day = start
    guessed = False
    remaining = count
    for _ in range(count * 7 + _MAX_ROLL):
        if remaining == 0:
            return day, guessed
        day += _ONE_DAY
        kind = calendar.day_kind(day)
        guessed = guessed or calendar.is_estimate(day)
        if kind is DayKind.work:
            remaining -= 1
            if steps is not None and day.weekday() >= _SATURDAY:
                steps.append(
                    Step(
                        "count",
                        day,
                        f"计入调休上班日 / counted make-up working day {_day_label(day, calendar)}",
                    )
                )
        elif steps is not None:
            steps.append(
                Step(
                    "skip",
                    day,
                    f"不计休息日 / skipped rest day {_day_label(day, calendar)}",
                )
            )
    raise CalendarError(f"fewer than {count} working days after {start.isoformat()}")


def add_working_days(day: date, n: int, calendar: Calendar) -> date:
    """Return the ``n``-th working day after ``day`` (``day`` itself when ``n`` is 0).

    Make-up weekend working days count; holidays do not (RULES.md §5.3).

    Raises:
        ValidationError: ``n`` is negative.
        CalendarError: a day on the way has no data.
    """
    _check_count("n", n)
    return _walk_working_days(day, n, calendar, None)[0]


def working_days_between(a: date, b: date, calendar: Calendar) -> int:
    """Return the number of working days in ``(a, b]`` (0 when ``b <= a``).

    Raises:
        CalendarError: a day in the range has no data.
    """
    count = 0
    day = a + _ONE_DAY
    while day <= b:
        if calendar.day_kind(day) is DayKind.work:
            count += 1
        day += _ONE_DAY
    return count


def compute_due(
    start: date,
    length: int,
    unit: PeriodUnit,
    *,
    calendar: Calendar,
    paused: int = 0,
    extension: int = 0,
    roll: RollPolicy = RollPolicy.literal,
) -> DueDate:
    """Return the last day of a period, with an explanation.

    Counting follows 《民法典》第二百零一条 (start day excluded), 第二百零二条
    (month and year ends) and 第二百零三条第一款 (a rest day at the end moves to
    the day after the rest); working days follow RULES.md §5.3.

    Args:
        start: The day of the triggering event; not counted.
        length: The statutory length in ``unit``; 0 means the same day.
        unit: The period's unit.
        calendar: Rest and working days.
        paused: Time that does not count: working days for a working-day
            period, otherwise calendar days added to the last day before the
            rest-day roll.
        extension: Approved extension, in ``unit``.
        roll: Where a last day on a rest day moves to.

    Returns:
        The due date, flagged ``estimated`` (provisional) if a provisional day was consulted.

    Raises:
        ValidationError: a negative or non-integer length, pause or extension,
            or a ``datetime`` start.
        CalendarError: a day consulted has no data.
    """
    if type(start) is not date:
        raise ValidationError("start", start, "the start must be a datetime.date")
    _check_count("length", length)
    _check_count("paused", paused)
    _check_count("extension", extension)
    unit = PeriodUnit(unit)
    roll = RollPolicy(roll)
    total = length + extension
    steps: list[Step] = []
    guessed = False
    if unit is PeriodUnit.working_days:
        if total + paused == 0:
            # No working day to count: the start day if it is a working day, else
            # the next working day (make-up weekend days included, as every
            # working-day period counts them), so a pause never makes it earlier.
            raw_end, guessed = start, calendar.is_estimate(start)
            if calendar.day_kind(start) is not DayKind.work:
                raw_end, guessed = _walk_working_days(start, 1, calendar, steps)
        else:
            raw_end, guessed = _walk_working_days(start, total, calendar, steps)
        due = raw_end
        if paused:
            due, more = _walk_working_days(raw_end, paused, calendar, steps)
            guessed = guessed or more
            steps.append(
                Step(
                    "pause",
                    due,
                    f"中止计算 {paused} 个工作日 / paused {paused} working days: "
                    f"{raw_end.isoformat()} → {due.isoformat()}",
                )
            )
        basis = BASIS_WORKING_DAYS
    else:
        try:
            if unit is PeriodUnit.days:
                raw_end = start + timedelta(days=total)
            else:
                raw_end = _add_months(start, total * 12 if unit is PeriodUnit.years else total)
            end = raw_end + timedelta(days=paused)
        except OverflowError as exc:
            raise ValidationError("length", length, "the period runs past the year 9999") from exc
        if paused:
            steps.append(
                Step(
                    "pause",
                    end,
                    f"中止计算 {paused} 日 / paused {paused} days: "
                    f"{raw_end.isoformat()} → {end.isoformat()}",
                )
            )
        due = _roll(end, calendar, roll, steps)
        day = end
        while day <= due:
            guessed = guessed or calendar.is_estimate(day)
            day += _ONE_DAY
        basis = BASIS_CIVIL_CODE
    explanation = Explanation(
        start=start,
        unit=unit,
        length=length,
        paused=paused,
        extension=extension,
        roll=roll,
        raw_end=raw_end,
        due=due,
        steps=tuple(steps),
        basis=basis,
        provisional=guessed,
    )
    return DueDate(due=due, estimated=guessed, explanation=explanation)


def end_of_day(
    due: date,
    *,
    close_of_business: time | None = None,
    tz: ZoneInfo = _CHINA_TZ,
) -> datetime:
    """Return the instant a period whose last day is ``due`` ends.

    24:00 of the last day (returned as 00:00 of the next day), or the close of
    business on the last day where there are business hours (《民法典》
    第二百零三条第二款).

    Example:
        >>> end_of_day(date(2026, 2, 24)).isoformat()
        '2026-02-25T00:00:00+08:00'
    """
    if close_of_business is not None:
        return datetime.combine(due, close_of_business.replace(tzinfo=None), tzinfo=tz)
    return datetime.combine(due + _ONE_DAY, time(0), tzinfo=tz)
