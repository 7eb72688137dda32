"""Benchmark: due-date computations per second, per period unit.

Run from the repository root::

    PYTHONPATH=src python bench/clocks.py

Each unit is timed over the same 5,000 start dates (2005-2024, every day
spaced evenly), several repeats; the median rate is printed. The calendar is
warmed first, so this measures arithmetic on cached days, which is the
steady state of a running engine. Target: >= 100,000/s for calendar-day units.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from mediation.rules.calendar import OfficialCalendar, PeriodUnit, RollPolicy, compute_due

CALENDAR = OfficialCalendar()
REPEATS = 7
N_STARTS = 5_000
CASES = [
    ("days (30 日)", PeriodUnit.days, 30, RollPolicy.literal),
    ("days (30 日, weekday roll)", PeriodUnit.days, 30, RollPolicy.weekday),
    ("months (1 个月)", PeriodUnit.months, 1, RollPolicy.literal),
    ("years (2 年)", PeriodUnit.years, 2, RollPolicy.literal),
    ("working_days (5 个工作日)", PeriodUnit.working_days, 5, RollPolicy.literal),
    ("working_days (30 个工作日)", PeriodUnit.working_days, 30, RollPolicy.literal),
]


def rate(starts: list[date], unit: PeriodUnit, length: int, roll: RollPolicy) -> float:
    """Return computations per second for one pass over ``starts``."""
    cal = CALENDAR
    began = time.perf_counter()
    for start in starts:
        compute_due(start, length, unit, calendar=cal, roll=roll)
    return len(starts) / (time.perf_counter() - began)


def main() -> None:
    """Print the median rate of each case."""
    first = date(2005, 1, 1)
    span = (date(2024, 12, 31) - first).days
    starts = [first + timedelta(days=i * span // N_STARTS) for i in range(N_STARTS)]
    for _, unit, length, roll in CASES:  # warm the calendar's year cache
        rate(starts, unit, length, roll)
    print(f"{'case':<32} {'median /s':>12} {'min /s':>12} {'max /s':>12}")
    for name, unit, length, roll in CASES:
        rates = [rate(starts, unit, length, roll) for _ in range(REPEATS)]
        print(
            f"{name:<32} {statistics.median(rates):>12,.0f} {min(rates):>12,.0f} "
            f"{max(rates):>12,.0f}"
        )


if __name__ == "__main__":
    main()
