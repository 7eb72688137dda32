"""A database written by release 0.1 opens, migrates to the generic case, replays and verifies."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from mediation import Actor, DeadlineStatus, Engine, PartyRole, ValidationError
from mediation._demo import MEDIATOR, at, policy

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "release-0.1.db"


@pytest.fixture
def upgraded(tmp_path: Path) -> Engine:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    engine = Engine.sqlite(str(path), policy=policy(), reader=Actor.system())
    yield engine
    engine.close()


def test_fixture_is_release_0_1(tmp_path: Path) -> None:
    """The committed file really is the old format (guards the fixture itself)."""
    with sqlite3.connect(FIXTURE) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
        assert "track" in columns


def test_every_old_case_replays_and_verifies_after_the_upgrade(upgraded: Engine) -> None:
    """Six cases in six states: the chain holds and replay equals the migrated row."""
    cases = upgraded.find(limit=100)
    assert len(cases) == 6
    assert {c.state for c in cases} == {
        "closed",
        "suspended",
        "accepted",
        "not_accepted",
        "failed",
        "withdrawn",
    }
    for case in cases:
        report = upgraded.verify(case.id)
        assert report.ok, (case.state, report.problem)
        assert upgraded.replay(case.id) == upgraded.get(case.id)


def test_parties_get_ids_and_references_use_them(upgraded: Engine) -> None:
    """Names became ids: the agent's principal and the agreement's signatures."""
    agent_case = next(c for c in upgraded.find(limit=100) if len(c.parties) == 4)
    ids = [p.id for p in agent_case.parties]
    assert ids == ["p1", "p2", "p3", "p4"]
    agent = agent_case.parties_in(PartyRole.agent)[0]
    assert agent.agent_of == "p3"
    assert agent_case.party("p3").name == "王五"
    closed = upgraded.find(state="closed")[0]
    signatures = closed.details.agreement.signatures
    assert [s.party for s in signatures if s.capacity == "party"] == ["p1", "p2", "p3"]
    assert closed.details.track == "people"
    assert len(closed.details.visits) == 1
    assert closed.documents == ()
    issued = next(c for c in upgraded.find(limit=100) if c.documents)
    assert issued.documents[0].kind == "registration"


def test_old_cases_go_on_with_new_steps(upgraded: Engine) -> None:
    """An old paused case resumes; its log now mixes both formats and still verifies."""
    case = upgraded.find(state="suspended")[0]
    paused = next(d for d in case.deadlines if d.status is DeadlineStatus.paused)
    assert case.updated_at == at("2026-06-01")  # its last step: supervision of the watch clock
    with pytest.raises(ValidationError, match="time never runs backwards"):
        upgraded.fire(case.id, "resume", actor=MEDIATOR, at=at("2026-03-16"))
    resumed = upgraded.fire(case.id, "resume", actor=MEDIATOR, at=at("2026-06-02"))
    assert resumed.deadline(paused.id).status is DeadlineStatus.running
    # (03-09, 06-02]: March 16 + April 21 (清明 4-6 off) + May 19 (5-1..5-5 off, 5-9 worked)
    # + June 2 = 58 working days of appraisal not counted (医疗纠纷条例 第三十八条)
    assert resumed.deadline(paused.id).paused == 58
    assert upgraded.verify(case.id).ok


def test_the_migration_rewrote_rows_and_columns(upgraded: Engine, tmp_path: Path) -> None:
    """Alembic moved the file to the latest revision: party ids stored, the track column gone."""
    head = upgraded._store._head()  # type: ignore[attr-defined]
    upgraded.close()
    with sqlite3.connect(tmp_path / "old.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
        assert "track" not in [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
        pids = {r[0] for r in conn.execute("SELECT DISTINCT pid FROM parties")}
        assert pids == {"p1", "p2", "p3", "p4"}
        body = conn.execute("SELECT body FROM cases WHERE state = 'closed'").fetchone()[0]
        assert '"details"' in body
        assert '"agreement"' not in body.split('"details"')[0]
