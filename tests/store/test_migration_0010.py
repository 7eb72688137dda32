"""Revision 0010 (each clock counts for the unit that held the case) on a file at 0006.

The fixture holds two labour disputes a village's town office (东门镇 qt-wx) mediated and
then referred up to the county (c0000024, c0000058): their 15-day clocks closed at the town
the day before the referral, and counted for the county, which holds the cases now. After
the upgrade they count for the town; every case verifies against its log (the stored
``unit`` of every clock is what :func:`mediation.statistics.clock_units` reads off it); the
figures the database computes for each unit are the ones Python computes from the cases;
down to 0009 the column goes, and up again it comes back the same.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from mediation import Actor, Engine
from mediation.statistics import StatsQuery, clock_units, tally_cases

from ..helpers import alembic, alembic_revision

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema-0006.db"
MOVED = {("c0000024", "labour_mediation-5"), ("c0000058", "labour_mediation-5")}


def _units(path: Path) -> dict[tuple[str, str], str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT case_id, id, unit FROM deadlines")
        return {(c, d): u for c, d, u in rows.fetchall()}


def _columns(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[1] for r in conn.execute("PRAGMA table_info(deadlines)")]


def test_the_clocks_count_for_the_unit_that_held_the_case_after_the_upgrade(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    with Engine.sqlite(str(path), reader=Actor.system()) as engine:
        assert alembic_revision(path) == "0010"
        units = _units(path)
        assert {units[k] for k in MOVED} == {"qt-wx"}
        cases = [engine.get(i) for i in sorted({c for c, _ in units})]
        for case in cases:
            assert engine.verify(case.id).ok, case.id
            assert [units[(case.id, d.id)] for d in case.deadlines] == list(clock_units(case))
        assert {c.unit for c in cases if c.id in {c for c, _ in MOVED}} == {"qt"}
        # The database's figures for every unit are Python's, over the replayed cases.
        org = engine.policy.org
        assert org is not None
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        end = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
        store = engine._store  # the two tallies side by side
        for unit in [None, *(u.id for u in org)]:
            scope = None if unit is None else frozenset(u.id for u in org if org.within(u.id, unit))
            query = StatsQuery(start, end, end, scope)
            assert store.statistics(query) == tally_cases(cases, query), unit  # type: ignore[attr-defined]
        town = StatsQuery(
            start, end, end, frozenset(u.id for u in org if org.within(u.id, "qt-wx"))
        )
        assert sum(store.statistics(town).clocks.values()) > 0  # type: ignore[attr-defined]

    after = _units(path)
    alembic(path, "downgrade", "0009")
    assert "unit" not in _columns(path)
    with Engine.sqlite(str(path), reader=Actor.system()) as engine:  # up again
        assert alembic_revision(path) == "0010"
        assert _units(path) == after
