"""``engine.statistics`` on the SQLite file the tiny simulation wrote: the hand-computed figures.

The scenario is ``tests/simulation/tiny.py`` (owned by the simulation's tests);
the figures below are worked out by hand there (``test_hand_computed.py``):
three neighbour disputes walk in at the village on Mon 2, Tue 3 and Wed 4
March 2026 at 09:00, all settled at the village and closed after 8, 9 and 12
days; every clock is a target, none a duty clock.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mediation import Actor, Engine

simulation = pytest.importorskip("mediation.simulation")

from .simulation.tiny import tiny  # noqa: E402

TINY_BACKLOG = [1, 2, 3, 3, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 0]
"""Cases open at the end of each day from Mon 2 March (A closes on the 10th, B the 12th,
C the 16th)."""


def test_statistics_on_the_tiny_run_match_the_hand_computation(tmp_path: Path) -> None:
    """Received, outcomes, 化解率, levels, durations and the daily backlog read with
    ``engine.statistics`` from the run's SQLite file are the hand-computed figures."""
    db = tmp_path / "tiny.db"
    rep = simulation.simulate(simulation.parse_scenario(tiny()), database=db)
    assert rep.errors == {}
    with Engine.sqlite(db, readonly=True, reader=Actor.system()) as engine:
        s = engine.statistics(since=dt.date(2026, 3, 2), until=dt.date(2026, 5, 30))
        village = engine.statistics(
            within="v1", since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 31)
        )
    assert (s.received, s.by_channel["walk_in"], s.by_category["neighbor"]) == (3, 3, 3)
    assert (s.resolved, s.failed, s.transferred, s.other_ended, s.open) == (3, 0, 0, 0, 0)
    assert dict(s.closed_by) == {"agreement": 3}
    assert s.success_rate == 1.0
    assert dict(s.resolved_by_level) == {"village": 3, "town": 0, "county": 0}
    assert s.resolved_share["village"] == 1.0
    # 8, 9 and 12 days: mean 29/3, nearest-rank median the 2nd (9), p90 the 3rd (12).
    assert s.time_to_close.count == 3
    assert s.time_to_close.mean == pytest.approx(29 / 3)
    assert (s.time_to_close.median, s.time_to_close.p90) == (9.0, 12.0)
    assert [n for _, n in s.backlog_daily[: len(TINY_BACKLOG)]] == TINY_BACKLOG
    assert {n for _, n in s.backlog_daily[len(TINY_BACKLOG) :]} == {0}
    assert s.backlog == 0
    # No duty clock at all (the dispute's clocks are targets): no on-time denominator.
    assert (s.on_time_duty, dict(s.on_time)) == (None, {})
    assert sum(s.satisfaction.values()) == 3  # one callback visit per case
    assert (s.petitions, s.baoan, s.referrals, s.handoffs) == (0, 0, 0, 0)
    assert (village.received, village.resolved, village.backlog) == (3, 3, 0)
