"""Virtual time follows the official calendar; arrivals follow their profiles and holidays."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation import Policy
from mediation.simulation import parse_scenario
from mediation.simulation._arrivals import generate, poisson
from mediation.simulation._timeline import DAY, Timeline

from .tiny import small

POLICY = Policy()


def timeline(start: str = "2026-02-09") -> Timeline:
    return Timeline(
        dt.date.fromisoformat(start), POLICY.tz, POLICY.calendar, (dt.time(8, 30), dt.time(17, 30))
    )


def test_office_time_skips_the_spring_festival_and_counts_its_make_up_saturday() -> None:
    """From Fri 13 Feb 2026 16:30, one working day ends on Sat 14 Feb (调休上班) 16:30;
    two end on Tue 24 Feb (15-23 Feb are the Spring Festival holiday)."""
    tl = timeline()
    friday = 4 * DAY + 16 * 3600 + 1800
    assert tl.at(tl.add_working(friday, 1)) == dt.datetime(2026, 2, 14, 16, 30, tzinfo=POLICY.tz)
    assert tl.at(tl.add_working(friday, 2)) == dt.datetime(2026, 2, 24, 16, 30, tzinfo=POLICY.tz)


def test_a_step_due_outside_office_hours_is_taken_at_the_next_opening() -> None:
    """Calendar-day delays land on the next office instant: a Sunday evening is Monday 08:30."""
    tl = timeline("2026-03-02")
    sunday_evening = 6 * DAY + 20 * 3600
    assert tl.at(tl.office(sunday_evening)) == dt.datetime(2026, 3, 9, 8, 30, tzinfo=POLICY.tz)
    assert tl.office(DAY + 9 * 3600) == DAY + 9 * 3600


@given(start=st.integers(0, 400 * DAY), days=st.floats(0, 30), more=st.floats(0, 30))
def test_office_time_is_additive_and_never_goes_back(start: int, days: float, more: float) -> None:
    """Adding working days never moves time back, and adding a then b whole office seconds
    equals adding a + b (office time is a consistent clock)."""
    tl = timeline("2026-01-01")
    a, b = round(days * 2) / 2, round(more * 2) / 2  # whole half-days: exact in seconds
    once = tl.add_working(start, a)
    assert once >= tl.office(start) >= start
    assert tl.add_working(once, b) == tl.add_working(start, a + b)
    day, sec = divmod(once, DAY)
    assert tl.working(day)
    assert tl.opens <= sec < tl.closes


def test_poisson_counts_have_the_right_mean_and_variance() -> None:
    """Poisson draws: mean and variance both close to lambda (also beyond the 500 split)."""
    rng = random.Random(5)
    for lam in (0.7, 12.0, 640.0):
        draws = [poisson(rng, lam) for _ in range(4000)]
        assert statistics.fmean(draws) == pytest.approx(lam, rel=0.05)
        assert statistics.pvariance(draws) == pytest.approx(lam, rel=0.12)


def _matters(**top: object) -> list:  # type: ignore[type-arg]
    scenario = parse_scenario(small(**top))
    return generate(
        scenario.arrivals,
        seed=3,
        days=scenario.days,
        scale=scenario.arrival_scale,
        timeline=Timeline(scenario.start, POLICY.tz, POLICY.calendar, scenario.office),
        policy=POLICY,
        receiving=scenario.receiving,
    )


def test_a_year_of_arrivals_matches_the_rate_and_the_channel_shares() -> None:
    """3,650 a year over a whole year: the count is within 4 sigma of 3,650; channel shares
    come out near 0.7 / 0.3; every arrival is within office hours."""
    matters = _matters(
        rate=3650.0,
        scenario={"start": "2026-01-01", "days": 365},
        arrivals={"labour": {"rate": 0.0}},
    )
    assert abs(len(matters) - 3650) < 4 * 3650**0.5
    channels = Counter(m.channel for m in matters)
    assert channels["walk_in"] / len(matters) == pytest.approx(0.7, abs=0.03)
    for m in matters:
        assert 8.5 * 3600 <= m.t % DAY < 17.5 * 3600
    assert [m.t for m in matters] == sorted(m.t for m in matters)


def test_rest_days_follow_the_official_calendar() -> None:
    """With a rest-day factor of 0, nobody arrives on the Spring Festival holiday (15-23 Feb
    2026) or an ordinary weekend, but people do on Saturdays 14 and 28 Feb, the notice's
    make-up working days (调休上班)."""
    matters = _matters(
        rate=20000.0,
        scenario={"start": "2026-02-01", "days": 28},
        profile={"rest_day": 0.0},
        arrivals={"labour": {"rate": 0.0}},
    )
    days = Counter((dt.date(2026, 2, 1) + dt.timedelta(days=m.t // DAY)) for m in matters)
    assert days[dt.date(2026, 2, 14)] > 0
    assert days[dt.date(2026, 2, 28)] > 0
    for holiday in range(15, 24):
        assert days[dt.date(2026, 2, holiday)] == 0
    for weekend in (1, 7, 8):
        assert days[dt.date(2026, 2, weekend)] == 0


def test_the_month_profile_shapes_arrivals() -> None:
    """A month with factor 3 gets about three times the arrivals of a month with factor 1."""
    months = [1.0] * 12
    months[2] = 3.0
    matters = _matters(
        rate=6000.0,
        scenario={"start": "2026-03-01", "days": 61},
        profile={"months": months},
        arrivals={"labour": {"rate": 0.0}},
    )
    march = sum(1 for m in matters if m.t < 31 * DAY)
    april = len(matters) - march
    assert march / april == pytest.approx(3.0 * 31 / 30, rel=0.15)


def test_arrivals_depend_on_the_seed_and_arrival_tables_only() -> None:
    """The same seed gives the same matters; so does a scenario with other capacity (common
    random numbers for comparisons); a higher rate gives more."""
    one = _matters()
    assert one == _matters()
    assert one == _matters(capacity={"village": {"mediators": 9}})
    assert len(_matters(rate=4000.0)) > len(one)
