"""Opening databases: from many places at once, read-only, by odd paths — safely and typed."""

from __future__ import annotations

import multiprocessing as mp
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from mediation import Actor, Engine, MediationError, PersistenceError
from mediation._demo import policy, run

from ..conftest import make_engine
from ..helpers import intake


def _open_and_intake(target: str, out: Any) -> None:
    try:
        engine = make_engine(target)
        case = intake(engine)
        engine.close()
        out.put(("ok", case.code))
    except BaseException as exc:  # reported to the parent, which fails the test
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def _race(target: str, *, processes: bool, n: int = 4) -> list[tuple[str, str]]:
    if processes:
        ctx = mp.get_context("spawn")
        queue: Any = ctx.Queue()
        workers: list[Any] = [
            ctx.Process(target=_open_and_intake, args=(target, queue)) for _ in range(n)
        ]
    else:
        import queue as q

        queue = q.Queue()
        workers = [
            threading.Thread(target=_open_and_intake, args=(target, queue)) for _ in range(n)
        ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    return [queue.get(timeout=10) for _ in range(n)]


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_a_new_sqlite_file_opened_from_many_places_at_once(tmp_path: Path, processes: bool) -> None:
    """Four threads (or processes) create and migrate one new file at once: all succeed."""
    for attempt in range(5 if processes else 10):
        target = f"sqlite:///{tmp_path / f'race{attempt}.db'}"
        results = _race(target, processes=processes)
        assert [r[0] for r in results] == ["ok"] * 4, results
        codes = sorted(code for _, code in results)
        assert codes == [f"（2026）东调字第000{i}号" for i in (1, 2, 3, 4)]


@pytest.mark.postgres
def test_a_new_postgres_database_opened_by_four_processes(pg_database: str) -> None:
    """The migration takes an advisory lock: four processes on one empty database all succeed."""
    results = _race(pg_database, processes=True)
    assert [r[0] for r in results] == ["ok"] * 4, results


def test_a_read_only_file_opens_for_reading(tmp_path: Path) -> None:
    """A read-only file (in a read-only directory) is read, verified, and never written."""
    path = tmp_path / "ro" / "cases.db"
    path.parent.mkdir()
    with Engine.sqlite(path, policy=policy(), reader=Actor.system()) as engine:
        case = run(engine)
    before = path.read_bytes()
    path.chmod(stat.S_IRUSR)
    path.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with Engine.sqlite(path, readonly=True, policy=policy(), reader=Actor.system()) as engine:
            assert engine.get(case.id).state == "closed"
            assert engine.verify(case.id).ok
            with pytest.raises(PersistenceError):
                engine.intake(
                    kind="dispute",
                    channel="walk_in",
                    category="neighbor",
                    parties=run.__globals__["parties"](),
                    summary="x",
                    unit="qt-dm-dmc",
                )
    finally:
        path.parent.chmod(stat.S_IRWXU)
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert path.read_bytes() == before


def test_paths_are_paths_not_urls(tmp_path: Path) -> None:
    """``x?mode=ro.db`` is a file of that name; nothing is read as URL syntax."""
    odd = tmp_path / "x?mode=ro#1.db"
    with Engine.sqlite(odd, policy=policy(), reader=Actor.system()) as engine:
        intake(engine)
    assert odd.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == [odd.name]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing" / "x.db", "no such directory"),
        (lambda d: d, "is a directory"),
        (lambda d: _text_file(d), "not a database"),
    ],
    ids=["missing directory", "a directory", "not a database"],
)
def test_bad_paths_are_one_typed_error(tmp_path: Path, make: Any, message: str) -> None:
    """Each bad path is a PersistenceError saying what is wrong; a non-database file is untouched."""
    target = make(tmp_path)
    before = target.read_bytes() if target.is_file() else None
    with pytest.raises(PersistenceError, match=message):
        Engine.sqlite(target)
    if before is not None:
        assert target.read_bytes() == before


def test_reading_never_creates(tmp_path: Path) -> None:
    """Opening without ``create`` (or read-only) refuses a missing file and creates nothing."""
    for kwargs in ({"create": False}, {"readonly": True}):
        with pytest.raises(MediationError, match="no such database file"):
            Engine.sqlite(tmp_path / "nope.db", **kwargs)
    assert not (tmp_path / "nope.db").exists()


def _text_file(d: Path) -> Path:
    p = d / "notes.txt"
    p.write_text("these are not the droids\n" * 100)
    return p


def _checkpoint_pages(store: Any) -> int:
    return int(store._conn().execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def test_the_write_ahead_log_is_copied_back_every_ten_thousand_pages(tmp_path: Path) -> None:
    """Each connection of a file store copies the log back at 10,000 pages unless told
    otherwise; a count that is not one is refused, naming the option."""
    from mediation.store.sql import SqlStore

    store = SqlStore.sqlite(tmp_path / "a.db")
    assert _checkpoint_pages(store) == 10_000
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(_checkpoint_pages(store)))
    worker.start()
    worker.join()
    assert seen == [10_000]  # the connection of another thread too
    store.close()
    store = SqlStore.sqlite(tmp_path / "b.db", wal_autocheckpoint=1_000)
    assert _checkpoint_pages(store) == 1_000
    store.close()
    for bad in (-1, "10000", 1.5, True):
        with pytest.raises(PersistenceError, match="sqlite_wal_autocheckpoint"):
            SqlStore.sqlite(tmp_path / "c.db", wal_autocheckpoint=bad)  # type: ignore[arg-type]
