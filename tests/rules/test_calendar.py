"""The official calendar, its overrides and estimated mode, and period arithmetic details."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from mediation._errors import CalendarError, MediationError, ValidationError
from mediation.rules.calendar import (
    LIBRARY_OVERRIDES,
    DayKind,
    OfficialCalendar,
    is_rest_day,
    is_working_day,
    statutory_holidays,
)
from mediation.rules.counting import (
    PeriodUnit,
    RollPolicy,
    add_working_days,
    compute_due,
    end_of_day,
    working_days_between,
)

CAL = OfficialCalendar()


def span(first: str, last: str) -> list[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


# RULES.md §8.2 (国务院办公厅关于2025年部分节假日安排的通知, 2024-11-12).
HOLIDAYS_2025 = [
    *span("2025-01-01", "2025-01-01"),
    *span("2025-01-28", "2025-02-04"),
    *span("2025-04-04", "2025-04-06"),
    *span("2025-05-01", "2025-05-05"),
    *span("2025-05-31", "2025-06-02"),
    *span("2025-10-01", "2025-10-08"),
]
MAKE_UP_2025 = [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28),
                date(2025, 10, 11)]  # fmt: skip
# RULES.md §8.3 (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04).
HOLIDAYS_2026 = [
    *span("2026-01-01", "2026-01-03"),
    *span("2026-02-15", "2026-02-23"),
    *span("2026-04-04", "2026-04-06"),
    *span("2026-05-01", "2026-05-05"),
    *span("2026-06-19", "2026-06-21"),
    *span("2026-09-25", "2026-09-27"),
    *span("2026-10-01", "2026-10-07"),
]
MAKE_UP_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                date(2026, 9, 20), date(2026, 10, 10)]  # fmt: skip


@pytest.mark.parametrize(
    ("year", "holidays", "make_up"),
    [(2025, HOLIDAYS_2025, MAKE_UP_2025), (2026, HOLIDAYS_2026, MAKE_UP_2026)],
)
def test_official_schedule_matches_state_council_notice(
    year: int, holidays: list[date], make_up: list[date]
) -> None:
    """Protects: every day of 2025/2026 has the kind the State Council notice gives it.

    Holiday days are rest, make-up days are work, every other day follows
    Mon-Fri work / Sat-Sun rest (RULES.md §8.2, §8.3).
    """
    for day in span(f"{year}-01-01", f"{year}-12-31"):
        if day in holidays:
            expected = DayKind.rest
        elif day in make_up:
            expected = DayKind.work
        else:
            expected = DayKind.rest if day.weekday() >= 5 else DayKind.work
        assert CAL.day_kind(day) is expected, day


def test_make_up_days_are_weekend_days() -> None:
    """Protects: the test schedule itself (every 调休上班 day is a Saturday or Sunday)."""
    assert all(day.weekday() >= 5 for day in MAKE_UP_2025 + MAKE_UP_2026)
    assert len(HOLIDAYS_2025) == 1 + 8 + 3 + 5 + 3 + 8
    assert len(HOLIDAYS_2026) == 3 + 9 + 3 + 5 + 3 + 3 + 7


def test_module_helpers_agree_with_day_kind() -> None:
    """Protects: is_rest_day / is_working_day read the calendar."""
    assert is_rest_day(date(2026, 10, 1), CAL)
    assert is_working_day(date(2026, 10, 10), CAL)
    assert not is_working_day(date(2026, 10, 11), CAL)


def test_holiday_names_are_chinese() -> None:
    """Protects: explanations name the holiday a rolled-past day belongs to."""
    assert CAL.holiday_name(date(2026, 10, 1)) == "国庆节"
    assert CAL.holiday_name(date(2026, 2, 15)) == "春节"
    assert CAL.holiday_name(date(2026, 3, 10)) is None


STRICT = OfficialCalendar(strict=True)


@pytest.mark.parametrize("day", [date(2027, 1, 4), date(2003, 6, 2), date(2030, 5, 1)])
def test_strict_calendar_refuses_a_year_without_data_naming_it(day: date) -> None:
    """Protects: a strict calendar never answers a year without an official notice (RULES.md §8.4)."""
    with pytest.raises(CalendarError) as info:
        STRICT.day_kind(day)
    assert info.value.year == day.year
    assert str(day.year) in str(info.value)
    assert isinstance(info.value, MediationError)


def test_covers_reports_data_years() -> None:
    """Protects: covers() tells callers which years are official (2004-2026 in 1.11)."""
    assert CAL.covers(2004)
    assert CAL.covers(2026)
    assert not CAL.covers(2003)
    assert not CAL.covers(2027)


def test_strict_period_into_2027_raises_with_year() -> None:
    """Protects: a strict calendar refuses to cross into an uncovered year."""
    with pytest.raises(CalendarError, match="2027") as info:
        compute_due(date(2026, 12, 20), 30, PeriodUnit.days, calendar=STRICT)
    assert info.value.year == 2027


def test_a_year_without_a_notice_is_provisional_by_rule() -> None:
    """Protects: 2027 is answered by weekends plus its statutory holidays, and flagged."""
    cal = OfficialCalendar()
    # 2026-12-20 + 30 = Tue 2027-01-19: no holiday near it.
    result = compute_due(date(2026, 12, 20), 30, PeriodUnit.days, calendar=cal)
    assert result.due == date(2027, 1, 19)
    assert result.estimated is True
    # 2027-01-01 (Fri) is 元旦 by rule; the notice may bridge more days, but not fewer.
    assert cal.day_kind(date(2027, 1, 1)) is DayKind.rest
    assert cal.holiday_name(date(2027, 1, 1)) == "元旦"
    assert cal.is_estimate(date(2027, 1, 1))
    assert not cal.covers(2027)
    # 5 working days from Mon 2026-12-28: 29, 30, 31, (1 Jan off), Jan 4, Jan 5.
    working = compute_due(date(2026, 12, 28), 5, PeriodUnit.working_days, calendar=cal)
    assert working.estimated is True
    assert working.due == date(2027, 1, 5)
    # 春节 2027 by the lunar calendar: 除夕 Fri 2-5, 初一-初三 2-6..2-8.
    assert [cal.day_kind(date(2027, 2, d)) for d in (4, 5, 6, 7, 8, 9)] == [
        DayKind.work,
        DayKind.rest,
        DayKind.rest,
        DayKind.rest,
        DayKind.rest,
        DayKind.work,
    ]


def test_a_statutory_day_shared_by_two_holidays_is_still_a_holiday() -> None:
    """Protects: 国庆 is 10-01 to 10-03 (国务院令第795号) whatever day 中秋 falls on; in 2028
    中秋 is 10-03 and the two are one day, which is a rest day and ends no period."""
    cal = OfficialCalendar()
    assert cal.day_kind(date(2028, 10, 3)) is DayKind.rest
    assert cal.holiday_name(date(2028, 10, 3)) == "中秋节、国庆节"
    assert [d for d in statutory_holidays(2028) if d.month == 10] == [
        date(2028, 10, 1),
        date(2028, 10, 2),
        date(2028, 10, 3),
    ]
    assert cal.day_kind(date(2031, 10, 1)) is DayKind.rest  # 中秋 on 国庆's first day
    # 15 days from 2028-09-18 end on Tue 10-03: rolled to Wed 10-04.
    assert compute_due(date(2028, 9, 18), 15, PeriodUnit.days, calendar=cal).due == date(
        2028, 10, 4
    )


def test_years_before_the_current_holiday_law_are_never_guessed() -> None:
    """Protects: 2003 (before the bundled data, under older holiday rules) is refused."""
    with pytest.raises(CalendarError):
        OfficialCalendar().day_kind(date(2003, 6, 2))


def test_covered_results_are_not_flagged() -> None:
    """Protects: a computation inside official years is never flagged."""
    cal = OfficialCalendar()
    result = compute_due(date(2026, 1, 15), 1, PeriodUnit.months, calendar=cal)
    assert result.due == date(2026, 2, 24)
    assert result.estimated is False


def test_overrides_win_over_official_data() -> None:
    """Protects: a local rest day (override) beats the State Council calendar."""
    cal = OfficialCalendar({date(2026, 10, 10): DayKind.rest, date(2026, 10, 12): DayKind.rest})
    assert cal.day_kind(date(2026, 10, 10)) is DayKind.rest
    # 5 working days from 09-30: 8, 9, 13, 14, 15 (10, 11, 12 are rest now).
    due = compute_due(date(2026, 9, 30), 5, PeriodUnit.working_days, calendar=cal)
    assert due.due == date(2026, 10, 15)
    # The shared default calendar is untouched.
    assert CAL.day_kind(date(2026, 10, 10)) is DayKind.work


def test_override_makes_only_its_own_date_answerable_in_uncovered_year() -> None:
    """Protects: in a strict calendar an override answers for its date; neighbours raise."""
    cal = OfficialCalendar({date(2027, 1, 1): DayKind.rest}, strict=True)
    assert cal.day_kind(date(2027, 1, 1)) is DayKind.rest
    assert not cal.is_estimate(date(2027, 1, 1))
    with pytest.raises(CalendarError):
        cal.day_kind(date(2027, 1, 4))


def test_declared_year_from_overrides_is_covered() -> None:
    """Protects: a newly published year entered as overrides + years is answered officially."""
    notice = {date(2027, 1, 1): DayKind.rest, date(2027, 1, 2): DayKind.rest}
    cal = OfficialCalendar(notice, years={2027})
    assert cal.covers(2027)
    assert cal.day_kind(date(2027, 1, 4)) is DayKind.work
    result = compute_due(date(2026, 12, 31), 1, PeriodUnit.days, calendar=cal)
    # 2027-01-01 (Fri) rest, 01-02 (Sat) rest, 01-03 (Sun) rest -> Mon 01-04.
    assert result.due == date(2027, 1, 4)
    assert result.estimated is False


def test_overrides_win_in_a_provisional_year_and_are_not_provisional() -> None:
    """Protects: an override in a provisional year is authoritative for its date."""
    cal = OfficialCalendar({date(2027, 2, 8): DayKind.rest})
    assert cal.day_kind(date(2027, 2, 8)) is DayKind.rest
    assert not cal.is_estimate(date(2027, 2, 8))
    assert cal.is_estimate(date(2027, 2, 9))


def test_library_override_table_is_read_only() -> None:
    """Protects: the library table cannot be mutated by a caller."""
    with pytest.raises(TypeError):
        LIBRARY_OVERRIDES[date(2026, 1, 5)] = DayKind.rest  # type: ignore[index]


def test_bad_override_key_is_refused() -> None:
    """Protects: a datetime key (which would never match a date) fails loudly."""
    with pytest.raises(ValidationError):
        OfficialCalendar({datetime(2026, 1, 5): DayKind.rest})


# --- compute_due details -------------------------------------------------------------------


@pytest.mark.parametrize("field", ["length", "paused", "extension"])
def test_negative_inputs_are_refused(field: str) -> None:
    """Protects: negative lengths, pauses and extensions raise ValidationError naming the field."""
    kwargs = {"length": 3, "paused": 0, "extension": 0, field: -1}
    with pytest.raises(ValidationError) as info:
        compute_due(
            date(2026, 3, 2),
            kwargs["length"],
            PeriodUnit.days,
            calendar=CAL,
            paused=kwargs["paused"],
            extension=kwargs["extension"],
        )
    assert info.value.field == field


def test_datetime_start_is_refused() -> None:
    """Protects: a datetime start (time zone ambiguity) is refused, not silently truncated."""
    with pytest.raises(ValidationError):
        compute_due(datetime(2026, 3, 2, 9), 3, PeriodUnit.days, calendar=CAL)


def test_length_zero_means_same_day_rolled() -> None:
    """Protects: length 0 (当场) is the start day, rolled forward if it is a rest day."""
    assert compute_due(date(2026, 3, 2), 0, PeriodUnit.days, calendar=CAL).due == date(2026, 3, 2)
    assert compute_due(date(2026, 10, 3), 0, PeriodUnit.days, calendar=CAL).due == date(2026, 10, 8)
    assert compute_due(date(2026, 10, 3), 0, PeriodUnit.working_days, calendar=CAL).due == date(
        2026, 10, 8
    )


def test_day_period_start_day_excluded() -> None:
    """Protects: 《民法典》第二百零一条: 1 day from Mon 2026-03-02 ends Tue 03-03."""
    assert compute_due(date(2026, 3, 2), 1, PeriodUnit.days, calendar=CAL).due == date(2026, 3, 3)


def test_weekday_roll_skips_make_up_sunday_after_holiday_block() -> None:
    """Protects: RULES.md §5.4(2): 01-01 -> Sun 01-04 (literal) vs Mon 01-05 (weekday)."""
    lit = compute_due(date(2025, 12, 31), 1, PeriodUnit.days, calendar=CAL)
    wk = compute_due(date(2025, 12, 31), 1, PeriodUnit.days, calendar=CAL, roll=RollPolicy.weekday)
    assert (lit.due, wk.due) == (date(2026, 1, 4), date(2026, 1, 5))
    assert [s.day for s in lit.explanation.steps] == [date(2026, 1, d) for d in (1, 2, 3)]
    assert [s.day for s in wk.explanation.steps] == [date(2026, 1, d) for d in (1, 2, 3, 4)]


def test_explanation_records_inputs_steps_and_basis() -> None:
    """Protects: an explanation a clerk can read and a machine can replay."""
    result = compute_due(date(2026, 1, 15), 1, PeriodUnit.months, calendar=CAL)
    exp = result.explanation
    assert (exp.start, exp.unit, exp.length, exp.raw_end) == (
        date(2026, 1, 15),
        PeriodUnit.months,
        1,
        date(2026, 2, 15),
    )
    assert [s.kind for s in exp.steps] == ["roll"] * 9
    assert "春节" in exp.steps[0].note
    assert "第二百零三条" in exp.basis
    assert exp.replay(CAL) == result.due
    text = exp.describe()
    assert "2026-02-24" in text
    assert len(text.splitlines()) == 1 + 9 + 1


def test_working_day_explanation_cites_5_3() -> None:
    """Protects: working-day results cite their own basis, not 第二百零三条's roll."""
    exp = compute_due(date(2026, 9, 30), 5, PeriodUnit.working_days, calendar=CAL).explanation
    assert "工作日" in exp.basis
    assert exp.raw_end == exp.due == date(2026, 10, 13)


def test_replay_on_another_calendar_can_differ() -> None:
    """Protects: replay really recomputes (it is not a stored copy of the due date)."""
    result = compute_due(date(2026, 9, 30), 5, PeriodUnit.working_days, calendar=CAL)
    local = OfficialCalendar({date(2026, 10, 12): DayKind.rest})
    assert result.explanation.replay(local) == date(2026, 10, 14)


def test_year_period_from_leap_day() -> None:
    """Protects: 第二百零二条 for years: 2024-02-29 + 1 year = 2025-02-28 (Fri)."""
    due = compute_due(date(2024, 2, 29), 1, PeriodUnit.years, calendar=CAL)
    assert due.due == date(2025, 2, 28)


# --- working-day helpers -------------------------------------------------------------------


def test_add_working_days_across_spring_festival() -> None:
    """Protects: make-up Sat 2026-02-14 counts, 春节 02-15..23 does not."""
    assert add_working_days(date(2026, 2, 13), 1, CAL) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2, CAL) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 13), 0, CAL) == date(2026, 2, 13)


def test_add_working_days_refuses_negative() -> None:
    """Protects: no backward counting through add_working_days."""
    with pytest.raises(ValidationError):
        add_working_days(date(2026, 2, 13), -1, CAL)


def test_working_days_between_half_open() -> None:
    """Protects: working_days_between counts (a, b]: 国庆 week 2026 has 3 working days."""
    # (09-30, 10-11]: 10-08, 10-09, Sat 10-10.
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 11), CAL) == 3
    assert working_days_between(date(2026, 10, 9), date(2026, 10, 9), CAL) == 0
    assert working_days_between(date(2026, 10, 12), date(2026, 10, 9), CAL) == 0
    # Whole of 2025 (RULES.md §8.2): 261 weekdays - 18 holidays on weekdays + 5 make-up days.
    assert working_days_between(date(2024, 12, 31), date(2025, 12, 31), CAL) == 248


# --- end of day ----------------------------------------------------------------------------


def test_end_of_day_is_midnight_after_due_in_china_time() -> None:
    """Protects: 《民法典》第二百零三条第二款: a period ends at 24:00 of its last day."""
    instant = end_of_day(date(2026, 2, 24))
    assert instant == datetime(2026, 2, 25, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert instant.utcoffset() == timedelta(hours=8)


def test_end_of_day_at_close_of_business() -> None:
    """Protects: where there are business hours the period ends at the close of business."""
    instant = end_of_day(date(2026, 2, 24), close_of_business=time(17, 30))
    assert instant == datetime(2026, 2, 24, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    utc = end_of_day(date(2026, 2, 24), tz=ZoneInfo("UTC"))
    assert utc == datetime(2026, 2, 25, tzinfo=ZoneInfo("UTC"))


def test_unit_labels() -> None:
    """Protects: Chinese unit labels used in documents."""
    assert [u.label for u in PeriodUnit] == ["日", "个工作日", "个月", "年"]
    assert [str(u) for u in PeriodUnit] == ["days", "working_days", "months", "years"]
    assert [str(r) for r in RollPolicy] == ["literal", "weekday"]
