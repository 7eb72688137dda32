"""Races: many writers fire conflicting triggers on one case; exactly one wins each race."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mediation import ConcurrentUpdateError, Engine

from .conftest import make_engine
from .helpers import MEDIATOR, at, intake, to_state

RACES = 500


class _BarrierStore:
    """Wraps a store so every racer reads the case before anyone writes."""

    def __init__(self, store: Any, barrier: Any) -> None:
        self._store = store
        self._barrier = barrier

    def load(self, case_id: str) -> Any:
        case = self._store.load(case_id)
        self._barrier.wait(timeout=60)
        return case

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _race_step(engine: Engine, case_id: str, racer: int, race: int) -> str:
    """Fire the trigger that conflicts with every other racer's; report the outcome."""
    trigger, data = ("suspend", {"reason": "party_wait"}) if race % 2 == 0 else ("resume", {})
    try:
        engine.fire(
            case_id,
            trigger,
            actor=MEDIATOR,
            at=at("2026-03-04", 9) + dt.timedelta(minutes=race),
            note=f"racer {racer}",
            **data,
        )
    except ConcurrentUpdateError:
        return "conflict"
    return "won"


def _check_history(engine: Engine, case_id: str, races: int) -> None:
    history = engine.history(case_id)
    seqs = [e.seq for e in history]
    assert seqs == list(range(1, len(history) + 1))
    assert len(history) == 5 + races  # intake, triage, accept, inform, start + one per race
    assert engine.verify(case_id).ok


def test_threads_race_on_one_sqlite_case(tmp_path: Path) -> None:
    """8 threads × 500 races on an SQLite file: one winner per race, 7 conflicts, no duplicate."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    engine = make_engine(url)
    case = to_state(engine, intake(engine).id, "mediating")
    threads = 8
    barrier = threading.Barrier(threads)
    engine._store = _BarrierStore(engine._store, barrier)  # type: ignore[assignment]
    outcomes: list[Counter[str]] = [Counter() for _ in range(RACES)]
    errors: list[BaseException] = []

    def racer(i: int, race_barrier: threading.Barrier) -> None:
        try:
            for race in range(RACES):
                outcomes[race][_race_step(engine, case.id, i, race)] += 1
                race_barrier.wait(timeout=60)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()
            race_barrier.abort()

    end_of_race = threading.Barrier(threads)
    pool = [threading.Thread(target=racer, args=(i, end_of_race)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors[:1]
    for race, outcome in enumerate(outcomes):
        assert outcome == Counter(won=1, conflict=threads - 1), (race, outcome)
    engine._store = engine._store._store  # type: ignore[attr-defined]
    _check_history(engine, case.id, RACES)
    engine.close()


def _pg_racer(url: str, case_id: str, racer: int, barrier: Any, results: Any) -> None:
    engine = make_engine(url)
    engine._store = _BarrierStore(engine._store, barrier)  # type: ignore[assignment]
    try:
        for race in range(RACES):
            results.put((race, _race_step(engine, case_id, racer, race)))
            barrier.wait(timeout=60)
    finally:
        engine._store = engine._store._store  # type: ignore[attr-defined]
        engine.close()


@pytest.mark.postgres
def test_processes_race_on_one_postgres_case(pg_database: str) -> None:
    """4 processes × 500 races on PostgreSQL: one winner per race, 3 conflicts, no duplicate."""
    engine = make_engine(pg_database)
    case = to_state(engine, intake(engine).id, "mediating")
    procs = 4
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(procs)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_pg_racer, args=(pg_database, case.id, i, barrier, results))
        for i in range(procs)
    ]
    for w in workers:
        w.start()
    outcomes: list[Counter[str]] = [Counter() for _ in range(RACES)]
    for _ in range(RACES * procs):
        race, outcome = results.get(timeout=120)
        outcomes[race][outcome] += 1
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    for race, outcome in enumerate(outcomes):
        assert outcome == Counter(won=1, conflict=procs - 1), (race, outcome)
    _check_history(engine, case.id, RACES)
    engine.close()
