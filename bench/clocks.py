"""Benchmark: due-date computations per second, per period unit.

Run from the repository root::

    .venv/bin/python bench/clocks.py [--no-due]

The last line times ``engine.due``'s first page over 1,000,000 open clocks
(the database is built once and kept, see ``bench/_bigdb.py``).

Each unit is timed over the same 5,000 start dates (2005-2024, every day
spaced evenly), several repeats; the median rate is printed. The calendar is
warmed first, so this measures arithmetic on cached days, which is the
steady state of a running engine. Target: >= 100,000/s for calendar-day units.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from mediation.rules.calendar import OfficialCalendar
from mediation.rules.counting import PeriodUnit, RollPolicy, compute_due

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
    if "--no-due" in sys.argv:
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _bigdb

    path = _bigdb.default_path()
    _bigdb.build(path, 1_000_000)
    due_ms, raw_ms, open_count = _bigdb.time_due(path)
    print(
        f"engine.due first page (100) among {open_count:,} open clocks: median {due_ms:.2f} ms "
        f"(raw indexed query {raw_ms:.2f} ms)"
    )


if __name__ == "__main__":
    main()
