"""Revision 0007 (what the statistics count, kept on the case's row) on a file written by
the release before it: every row is filled as the write path fills it, the figures are
the ones that release computed, and the revision goes down and up again.

``tests/fixtures/schema-0006.db`` was written by commit ``3abcdcf`` (schema revision
0006): ``mediation simulate`` on ``examples/scenarios/baseline.toml`` with
``arrival_scale = 0.005`` and ``drain_days = 90``, one replication, ``--seed 4``,
``--database``; 66 cases (4 petitions, 2 of them repeats, 5 one-stop cases, callback
visits, referrals, hand-offs). ``schema-0006.figures.json`` holds the figures that
commit's ``engine.statistics`` gave on the file, for four windows.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from mediation import Actor, Engine
from mediation.statistics import case_facts
from mediation.store.schema import STATS_COLUMNS

from ..helpers import alembic

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE = FIXTURES / "schema-0006.db"
FIGURES = json.loads((FIXTURES / "schema-0006.figures.json").read_text(encoding="utf-8"))


def _columns(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[1] for r in conn.execute("PRAGMA table_info(cases)")]


def _rows(path: Path) -> dict[str, dict[str, object]]:
    """Every case's statistics columns, by case id."""
    names = tuple(c.name for c in STATS_COLUMNS)
    with sqlite3.connect(path) as conn:
        rows = conn.execute(f"SELECT id, {', '.join(names)} FROM cases")
        return {r[0]: dict(zip(names, r[1:], strict=True)) for r in rows}


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    return path


def test_the_fixture_is_at_revision_0006(old_file: Path) -> None:
    """Guards the fixture itself: the old schema, with the data the revision reads."""
    with sqlite3.connect(old_file) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0006",)
        kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM cases GROUP BY kind").fetchall())
    assert kinds == {"dispute": 62, "petition": 4}
    assert not {c.name for c in STATS_COLUMNS} & set(_columns(old_file))


def test_every_row_is_filled_as_the_write_path_fills_it(old_file: Path) -> None:
    with Engine.sqlite(str(old_file), reader=Actor.system()) as engine:
        rows = _rows(old_file)
        assert len(rows) == 66
        for case_id, row in rows.items():
            assert row == case_facts(engine.get(case_id)).row()
            assert engine.verify(case_id).ok
    # The fill saw every kind of fact the file holds.
    values = list(rows.values())
    assert sum(1 for v in values if v["repeats"]) == 2
    # Five one-stop petitions; two handed their matter on (revision 0009 empties theirs).
    assert sum(1 for v in values if v["places"] is not None) == 3
    assert sum(1 for v in values if v["visits"] is not None) > 30
    assert sum(1 for v in values if v["end_s"] is None) == 4  # open, or ended unresolved
    assert all(isinstance(v["refs"], int) and isinstance(v["hands"], int) for v in values)
    assert any(v["refs"] for v in values)
    assert any(v["hands"] for v in values)


@pytest.mark.parametrize("window", sorted(FIGURES))
def test_the_upgraded_file_gives_the_old_release_s_figures(old_file: Path, window: str) -> None:
    spec = FIGURES[window]
    until = dt.date.fromisoformat(spec["until"])
    with Engine.sqlite(str(old_file), reader=Actor.system()) as engine:
        figures = engine.statistics(
            within=spec["within"],
            since=dt.date.fromisoformat(spec["since"]),
            until=until,
            at=dt.datetime.fromisoformat(spec["as_of"]),
        )
    rows = [list(r) for r in figures.rows()]
    # A channel added to the vocabulary since (fax, 信访工作条例 第十七条) counts nothing here.
    added = [r for r in rows if r[:2] in NEW_CHANNELS]
    assert added == [[*key, 0] for key in NEW_CHANNELS]
    # A figure whose counting was corrected since gives the corrected value, and only it.
    corrected = CORRECTED.get(window, {})
    expected = [
        [*r[:2], corrected[tuple(r[:2])]] if tuple(r[:2]) in corrected else r for r in spec["rows"]
    ]
    assert [r for r in rows if r not in added] == expected


NEW_CHANNELS = [["received.channel", "fax"]]
"""Channels the default vocabulary gained after the fixture's release."""

CORRECTED: dict[str, dict[tuple[str, str], object]] = {
    "year": {("onestop_ended", ""): 3, ("one_place", ""): 3},
}
"""Figures counted otherwise since the fixture was written: two of the five one-stop
petitions handed their matter on to the case it ended in (revision 0009), so the
year's matters are three, each in one place (the rate stays 1.0)."""


def test_0007_goes_down_and_up_again_to_the_same_rows(old_file: Path) -> None:
    with Engine.sqlite(str(old_file), reader=Actor.system()):
        pass
    filled = _rows(old_file)
    alembic(old_file, "downgrade", "0006")
    assert not {c.name for c in STATS_COLUMNS} & set(_columns(old_file))
    with Engine.sqlite(str(old_file), reader=Actor.system()) as engine:
        assert _rows(old_file) == filled
        assert all(engine.verify(i).ok for i in filled)
