"""Revision 0008 (one index that every step moves) on files written by earlier releases:
release 0.1's file and a file at revision 0006 go up through it, down to 0007 and up
again, every case intact; afterwards a step moves one index entry of ``cases``, and the
lists by unit and by state within a unit still read in list order through an index."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from mediation import Actor, Engine
from mediation._demo import policy

from ..helpers import alembic, alembic_revision, sqlite_indexes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NEW = "ix_cases_unit_received"
GONE = ("ix_cases_state_unit", "ix_cases_unit")
HEAD = "0010"
"""The newest revision (0009 empties a column's value on some rows; no index changes)."""


def _plan(path: Path, sql: str) -> str:
    with sqlite3.connect(path) as conn:
        return " | ".join(str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def _cases(path: Path) -> list[tuple[str, str, int]]:
    """Every case (id, state, version), each verified, through the engine (which migrates)."""
    with Engine.sqlite(str(path), policy=policy(), reader=Actor.system()) as engine:
        found = engine.find(limit=1000)
        assert found
        assert all(engine.verify(c.id).ok for c in found)
        return sorted((c.id, c.state, c.version) for c in found)


@pytest.mark.parametrize("fixture", ["release-0.1.db", "schema-0006.db"])
def test_0008_goes_up_down_and_up_again_with_every_case_intact(
    tmp_path: Path, fixture: str
) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / fixture, path)
    assert set(GONE) <= sqlite_indexes(path)
    assert NEW not in sqlite_indexes(path)
    before = _cases(path)  # opening migrates to head
    assert alembic_revision(path) == HEAD
    assert NEW in sqlite_indexes(path)
    assert not set(GONE) & sqlite_indexes(path)
    alembic(path, "downgrade", "0007")
    assert alembic_revision(path) == "0007"
    assert set(GONE) <= sqlite_indexes(path)
    assert NEW not in sqlite_indexes(path)
    assert _cases(path) == before
    assert alembic_revision(path) == HEAD


def test_a_unit_and_a_state_within_it_are_read_in_list_order_through_an_index(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-0006.db", path)
    _cases(path)
    order = "ORDER BY received_at, id LIMIT 20"
    by_unit = _plan(path, f"SELECT id FROM cases WHERE unit = 'qt-dm' {order}")
    assert NEW in by_unit
    assert "TEMP B-TREE" not in by_unit  # no sort: the index is in list order
    by_state = _plan(path, f"SELECT id FROM cases WHERE state = 'closed' {order}")
    assert "ix_cases_state_received" in by_state
    assert "TEMP B-TREE" not in by_state
    both = _plan(path, f"SELECT id FROM cases WHERE state = 'closed' AND unit = 'qt-dm' {order}")
    assert "USING INDEX" in both
    assert "SCAN cases" not in both.replace("USING INDEX", "")


def test_a_step_moves_one_index_entry_of_the_cases_table(tmp_path: Path) -> None:
    """The indexes of ``cases`` holding ``state``: one, whatever the backend made."""
    path = tmp_path / "new.db"
    with Engine.sqlite(str(path), policy=policy(), reader=Actor.system()):
        pass
    with sqlite3.connect(path) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' "
                "AND name LIKE 'ix_%'"
            )
        ]
        holding_state = [
            n for n in names if "state" in {r[2] for r in conn.execute(f"PRAGMA index_info({n})")}
        ]
    assert holding_state == ["ix_cases_state_received"]


def test_find_by_unit_and_state_pages_in_list_order(tmp_path: Path) -> None:
    """What the dropped (state, unit) index answered is answered the same, page by page."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-0006.db", path)
    with Engine.sqlite(str(path), reader=Actor.system()) as engine:
        every = engine.find(limit=1000)
        unit, state = max(
            {(c.unit, c.state) for c in every},
            key=lambda us: sum(1 for c in every if (c.unit, c.state) == us),
        )
        expected = [
            c.id
            for c in sorted(every, key=lambda c: (c.received_at, c.id))
            if c.unit == unit and c.state == state
        ]
        assert len(expected) > 3
        pages: list[str] = []
        after: tuple[dt.datetime, str] | None = None
        while True:
            page = engine.find(unit=unit, state=state, limit=2, after=after)
            if not page:
                break
            pages.extend(c.id for c in page)
            after = (page[-1].received_at, page[-1].id)
        assert pages == expected
