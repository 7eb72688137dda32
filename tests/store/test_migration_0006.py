"""Revision 0006 (the case list's index): a release 0.1 file goes up through it, down
to 0005 and up again, the cases untouched, and the index serves the state filter."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from mediation import Actor, Engine
from mediation._demo import policy

from ..helpers import alembic, alembic_revision, sqlite_indexes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "release-0.1.db"
INDEX = "ix_cases_state_received"


def _cases(path: Path) -> list[tuple[str, str]]:
    with Engine.sqlite(str(path), policy=policy(), reader=Actor.system()) as engine:
        found = engine.find(limit=100)
        assert all(engine.verify(c.id).ok for c in found)
        return sorted((c.id, c.state) for c in found)


def test_0006_goes_down_and_up_on_a_release_0_1_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    assert INDEX not in sqlite_indexes(path)
    before = _cases(path)  # opening migrates to head
    assert INDEX in sqlite_indexes(path)
    alembic(path, "downgrade", "0005")
    assert alembic_revision(path) == "0005"
    assert INDEX not in sqlite_indexes(path)
    assert _cases(path) == before  # the engine brings it back up
    assert INDEX in sqlite_indexes(path)
    with sqlite3.connect(path) as conn:
        plan = " ".join(
            str(r[-1])
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM cases WHERE state = 'closed' "
                "ORDER BY received_at, id LIMIT 20"
            )
        )
    assert INDEX in plan
