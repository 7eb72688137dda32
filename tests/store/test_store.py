"""Persistence guarantees: tamper detection, restart safety, schema = migration."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mediation import (
    ConcurrentUpdateError,
    Engine,
    PersistenceError,
    TransitionNotAllowedError,
)

from ..conftest import make_engine
from ..helpers import CLERK, at, intake, to_state


def _sql(spec: str) -> Callable[[str], None]:
    """Run one raw SQL statement against the backend, bypassing the library."""
    if spec.startswith("sqlite"):
        import sqlite3

        def run(sql: str) -> None:
            conn = sqlite3.connect(spec.removeprefix("sqlite:///"))
            conn.execute(sql)
            conn.commit()
            conn.close()

        return run
    import psycopg

    def run_pg(sql: str) -> None:
        with psycopg.connect(
            spec.replace("postgresql+psycopg", "postgresql"), autocommit=True
        ) as c:
            c.execute(sql)  # type: ignore[arg-type]

    return run_pg


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database backends only (raw SQL needs a database)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.db'}"
    return str(request.getfixturevalue("pg_database"))


def test_an_edited_event_is_detected(sql_backend: str) -> None:
    """Changing a logged input breaks the chain at that event."""
    with make_engine(sql_backend) as engine:
        case = to_state(engine, intake(engine).id, "mediating")
        assert engine.verify(case.id).ok
        data = json.dumps({"track": "people", "level": "town"}, ensure_ascii=False)
        _sql(sql_backend)(
            f"UPDATE events SET data = '{data}' WHERE case_id = '{case.id}' AND seq = 2"
        )
        report = engine.verify(case.id)
        assert not report.ok
        assert report.bad_seq == 2


def test_a_deleted_event_is_detected(sql_backend: str) -> None:
    """Removing an event from the middle of the log is reported."""
    with make_engine(sql_backend) as engine:
        case = to_state(engine, intake(engine).id, "mediating")
        _sql(sql_backend)(f"DELETE FROM events WHERE case_id = '{case.id}' AND seq = 3")
        report = engine.verify(case.id)
        assert not report.ok
        assert report.bad_seq == 3


def test_a_forged_case_row_fails_replay(sql_backend: str) -> None:
    """A case row edited behind the log's back no longer matches its replay."""
    with make_engine(sql_backend) as engine:
        case = to_state(engine, intake(engine).id, "accepted")
        _sql(sql_backend)(
            f"UPDATE cases SET body = replace(body, '\"village\"', '\"town\"') "
            f"WHERE id = '{case.id}'"
        )
        report = engine.verify(case.id)
        assert not report.ok
        assert "level" in report.problem


def test_cases_and_undelivered_events_survive_a_restart(sql_backend: str) -> None:
    """Events committed with nobody listening are delivered after a restart."""
    with make_engine(sql_backend) as engine:
        case = to_state(engine, intake(engine).id, "accepted")
    with make_engine(sql_backend) as engine:
        assert engine.get(case.id) == case
        seen: list[int] = []
        engine.subscribe(lambda e: seen.append(e.seq))
        assert seen == [1, 2, 3]
    with make_engine(sql_backend) as engine:
        again: list[int] = []
        engine.subscribe(lambda e: again.append(e.seq))
        assert again == []  # delivered ones are not redelivered


def test_a_case_row_keeps_what_differs_from_the_defaults_and_reads_back_whole(
    sql_backend: str,
) -> None:
    """The row written with each step leaves out what is still at its default (empty
    lists, unset dates); a fresh engine reads every stage of the case back equal."""
    with make_engine(sql_backend) as engine:
        stages = ("received", "accepted", "mediating", "performing", "callback", "archived")
        seen = [to_state(engine, intake(engine).id, target) for target in stages]
    with make_engine(sql_backend) as fresh:
        assert [fresh.get(case.id) for case in seen] == seen
    rows: list[str] = []
    _select(sql_backend, f"SELECT body FROM cases WHERE id = '{seen[-1].id}'", rows)
    body = json.loads(rows[0])
    assert body["details"]["agreement"]["terms"]  # what was given is kept
    assert body["details"]["visits"]
    assert "refusals" not in body["details"]  # an empty list is left out
    assert "risk_reports" not in body["details"]
    assert "documents" not in body
    assert "penalty_decided_at" not in body["details"]  # an unset date is left out
    assert body["outcome"] == "达成调解协议，已履行完毕"  # what was set is kept
    assert seen[-1].details.refusals == ()
    assert seen[-1].documents == ()


def _select(spec: str, sql: str, out: list[str]) -> None:
    """Read one column of raw SQL rows into ``out``, bypassing the library."""
    if spec.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(spec.removeprefix("sqlite:///"))
        out.extend(str(r[0]) for r in conn.execute(sql))
        conn.close()
        return
    import psycopg

    with psycopg.connect(spec.replace("postgresql+psycopg", "postgresql")) as c:
        out.extend(str(r[0]) for r in c.execute(sql))  # type: ignore[arg-type]


def test_stale_writer_gets_a_conflict_and_writes_nothing(backend: str) -> None:
    """A commit based on an old version raises ConcurrentUpdateError; the winner's write stands."""
    with make_engine(backend) as engine:
        case = intake(engine)
        store = engine._store
        engine.fire(
            case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people", level="village"
        )
        new, event, _ = engine._decide(
            case, "triage", CLERK, at("2026-03-02", 10), {"track": "judicial"}, None
        )
        with pytest.raises(ConcurrentUpdateError) as err:
            store.commit(case.version, new, event, case)
        assert err.value.expected_version == 1
        assert engine.get(case.id).details.track == "people"
        assert len(engine.history(case.id)) == 2
        assert engine.verify(case.id).ok


def test_migrated_schema_matches_the_metadata(sql_backend: str) -> None:
    """The Alembic migration creates exactly the tables the store's metadata declares."""
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mediation.store.schema import metadata
    from mediation.web.schema import metadata as web_metadata

    with make_engine(sql_backend):
        pass
    eng = sa.create_engine(sql_backend)
    with eng.connect() as conn:
        context = MigrationContext.configure(conn)
        diff = compare_metadata(context, [metadata, web_metadata])
    eng.dispose()
    assert diff == []


def test_sqlite_file_runs_in_wal_mode(tmp_path: Path) -> None:
    """The default SQLite store uses write-ahead logging."""
    import sqlite3

    path = tmp_path / "wal.db"
    with Engine.sqlite(str(path)):
        pass
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unsupported_url_is_a_persistence_error() -> None:
    """A URL of a database we do not support fails with PersistenceError."""
    with pytest.raises(PersistenceError):
        Engine.from_url("mysql://nowhere/db")


def test_a_batch_on_a_stale_case_fails_whole_and_writes_nothing(sql_backend: str) -> None:
    """Another process changed a case this engine had cached: the batch raises, nothing lands."""
    a, b = make_engine(sql_backend), make_engine(sql_backend)
    try:
        first, second = intake(a), intake(a)
        a.get(first.id)  # cached by engine a
        b.fire(first.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people", note="b")

        def stale_batch() -> None:
            with a.batch():
                a.fire(
                    second.id,
                    "triage",
                    actor=CLERK,
                    at=at("2026-03-02", 11),
                    track="people",
                    level="village",
                )
                a.fire(
                    first.id,
                    "triage",
                    actor=CLERK,
                    at=at("2026-03-02", 11),
                    track="people",
                    level="village",
                )

        with pytest.raises(ConcurrentUpdateError):
            stale_batch()
        assert b.get(second.id).state == "received"
        assert b.get(first.id).state == "triaged"
        assert a.get(first.id).state == "triaged"  # the stale copy is not served again
        assert a.verify(first.id).ok
        assert a.verify(second.id).ok
    finally:
        a.close()
        b.close()


def test_a_step_on_a_stale_cached_case_is_taken_on_the_stored_case(sql_backend: str) -> None:
    """Another process moved a case this engine had cached: a step the stored case allows
    lands on it (not refused on the stale copy), with the next version and a sound log."""
    a, b = make_engine(sql_backend), make_engine(sql_backend)
    try:
        case = intake(a)
        assert a.get(case.id).state == "received"  # cached by engine a
        b.fire(
            case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people", level="village"
        )
        # From "received" (a's copy) accept is not a trigger; from "triaged" it is.
        done = a.fire(
            case.id, "accept", actor=CLERK, at=at("2026-03-02", 11), other_side_consents=True
        )
        assert (done.state, done.version) == ("accepted", 3)
        assert [e.trigger for e in b.history(case.id)][-2:] == ["triage", "accept"]
        assert b.verify(case.id).ok
    finally:
        a.close()
        b.close()


def test_a_step_the_stored_case_refuses_is_refused_though_the_cache_allowed_it(
    sql_backend: str,
) -> None:
    """The stale copy would allow the step; the stored case does not: the caller is told what
    the stored case says, and nothing is written."""
    a, b = make_engine(sql_backend), make_engine(sql_backend)
    try:
        case = intake(a)
        a.get(case.id)  # cached by engine a at "received"
        b.fire(
            case.id,
            "triage",
            actor=CLERK,
            at=at("2026-03-02", 10),
            track="people",
            level="village",
            note="b",
        )
        with pytest.raises(TransitionNotAllowedError) as err:
            a.fire(case.id, "triage", actor=CLERK, at=at("2026-03-02", 11), track="judicial")
        assert err.value.state == "triaged"
        stored = b.get(case.id)
        assert (stored.state, stored.version, stored.details.track) == ("triaged", 2, "people")
        assert len(b.history(case.id)) == 2
        assert a.get(case.id).version == 2
    finally:
        a.close()
        b.close()


def test_statistics_columns_stay_true_when_two_engines_take_turns(sql_backend: str) -> None:
    """A step writes only the statistics columns it changes, against what its own store last
    committed; a step another store wrote in between is never diffed against a stale copy."""
    from mediation.statistics import case_facts

    from ..helpers import happy_path

    steps = happy_path()[:-1]  # to closing (the archive adds nothing to the columns)
    a, b = make_engine(sql_backend), make_engine(sql_backend)
    try:
        case_id = intake(a).id
        # a, a, b, b, a, b, a, a, ...: each store sometimes follows itself, sometimes the other.
        turns = [a, a, b, b, a, b, a, a, b, a, b, b, a, a, b, a]
        for i, ((trigger, actor, when, data), engine) in enumerate(zip(steps, turns, strict=False)):
            case = engine.fire(case_id, trigger, actor=actor, at=when, **data)
            with make_engine(sql_backend) as fresh:
                assert fresh.verify(case_id).ok, trigger
                assert fresh._store.index_problems(case) == [], trigger
            if i + 1 < len(steps) and turns[i + 1] is not engine:
                # What the other store finds is not what this one wrote: it must write
                # every column, not diff against its own copy of an older version.
                _sql(sql_backend)(f"UPDATE cases SET refs = 7 WHERE id = '{case_id}'")
        assert case.state == "closed"
        assert case_facts(case).row()["refs"] == 0
    finally:
        a.close()
        b.close()
