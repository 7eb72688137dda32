"""Warning levels (正常 / 黄色预警 / 红色预警 / 已超期) as configurable policy."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation._errors import DefinitionError, ValidationError
from mediation.rules.warnings import DEFAULT_WARNING_POLICY, WarningLevel, WarningPolicy

START = date(2026, 3, 1)
DUE = date(2026, 3, 31)  # 30 days: yellow from day 20 (2/3 of 30)


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (date(2026, 2, 20), WarningLevel.normal),  # before the start
        (START, WarningLevel.normal),
        (date(2026, 3, 20), WarningLevel.normal),  # 19 days elapsed < 20
        (date(2026, 3, 21), WarningLevel.yellow),  # 20 days elapsed = 2/3 of 30
        (date(2026, 3, 30), WarningLevel.yellow),
        (DUE, WarningLevel.red),
        (date(2026, 4, 1), WarningLevel.overdue),
    ],
)
def test_default_levels_at_boundaries(today: date, level: WarningLevel) -> None:
    """Protects: yellow from 2/3 elapsed, red on the due day, overdue the day after."""
    assert DEFAULT_WARNING_POLICY.level(START, DUE, today) is level


def test_yellow_from_matches_first_yellow_day() -> None:
    """Protects: yellow_from is the first day level() answers yellow."""
    assert DEFAULT_WARNING_POLICY.yellow_from(START, DUE) == date(2026, 3, 21)
    # 10-day period: 2/3 * 10 = 6.67 -> 7 days elapsed.
    assert DEFAULT_WARNING_POLICY.yellow_from(START, date(2026, 3, 11)) == date(2026, 3, 8)


def test_custom_fraction() -> None:
    """Protects: a locality may set its own threshold (PRACTICE, RULES.md §7.3)."""
    half = WarningPolicy(Fraction(1, 2))
    assert half.level(START, DUE, date(2026, 3, 16)) is WarningLevel.yellow
    assert half.level(START, DUE, date(2026, 3, 15)) is WarningLevel.normal


def test_same_day_period_is_red_then_overdue() -> None:
    """Protects: a zero-length (当场) deadline is red on its day and overdue after."""
    assert DEFAULT_WARNING_POLICY.level(START, START, START) is WarningLevel.red
    assert DEFAULT_WARNING_POLICY.level(START, START, START + timedelta(1)) is WarningLevel.overdue


def test_labels_are_chinese_and_values_stable() -> None:
    """Protects: stored values and display labels."""
    assert [(str(w), w.label) for w in WarningLevel] == [
        ("normal", "正常"),
        ("yellow", "黄色预警"),
        ("red", "红色预警"),
        ("overdue", "已超期"),
    ]


@pytest.mark.parametrize("bad", [Fraction(-1, 3), Fraction(4, 3), 0.5])
def test_bad_fraction_is_refused(bad: object) -> None:
    """Protects: a threshold outside [0, 1] (or a float) fails when the policy is built."""
    with pytest.raises(DefinitionError):
        WarningPolicy(bad)  # type: ignore[arg-type]


def test_due_before_start_is_refused() -> None:
    """Protects: an inverted deadline is an input error, not a silent 'normal'."""
    with pytest.raises(ValidationError):
        DEFAULT_WARNING_POLICY.level(DUE, START, START)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(0, 400),
    st.integers(-50, 500),
    st.fractions(min_value=0, max_value=1),
)
def test_levels_are_ordered_in_time(start: date, length: int, offset: int, f: Fraction) -> None:
    """Protects: the level never goes back (normal -> yellow -> red -> overdue) as days pass."""
    policy = WarningPolicy(f)
    due = start + timedelta(days=length)
    order = list(WarningLevel)
    today = start + timedelta(days=offset)
    now = order.index(policy.level(start, due, today))
    later = order.index(policy.level(start, due, today + timedelta(days=1)))
    assert later >= now
    yellow = policy.yellow_from(start, due)
    if start <= today < due:
        assert (policy.level(start, due, today) is WarningLevel.yellow) == (today >= yellow)
