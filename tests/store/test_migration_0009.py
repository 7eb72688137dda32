"""Revision 0009 (one-stop places counted once per matter) on a file at revision 0006.

The fixture holds two petitions a one-stop centre routed to another unit (c0000022,
c0000047): their ``places`` column was the number of places, and the matter's receiving
case carries the same places. After the upgrade the routing cases hold none (the matter
counts where it ended), every case verifies against its log, and the receiving cases keep
theirs; down to 0008 the old count comes back, and up again it goes.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from mediation import Actor, Engine
from mediation.statistics import case_facts

from ..helpers import alembic, alembic_revision

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema-0006.db"
ROUTED = ("c0000022", "c0000047")


def _places(path: Path) -> dict[str, int | None]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, places FROM cases WHERE body LIKE '%onestop%'")
        return dict(rows.fetchall())


def _all_verify(path: Path) -> None:
    with Engine.sqlite(str(path), reader=Actor.system()) as engine:
        ids = list(_places(path))
        assert ids
        for case_id in ids:
            assert engine.verify(case_id).ok, case_id
            assert case_facts(engine.get(case_id)).places == _places(path)[case_id]


def test_the_routing_cases_count_no_places_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    _all_verify(path)  # opening migrates to head, filling and then correcting the column
    assert alembic_revision(path) == "0010"
    after = _places(path)
    assert {after[c] for c in ROUTED} == {None}
    assert [v for c, v in after.items() if c not in ROUTED and v is not None]

    alembic(path, "downgrade", "0008")
    down = _places(path)
    assert {down[c] for c in ROUTED} == {1}
    assert {c: v for c, v in down.items() if c not in ROUTED} == {
        c: v for c, v in after.items() if c not in ROUTED
    }
    _all_verify(path)  # up again
    assert _places(path) == after
