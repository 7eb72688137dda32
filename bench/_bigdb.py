"""Build an SQLite file with many open clocks and time ``engine.due``'s first page on it.

Shared by ``bench/engine.py`` and ``bench/clocks.py``. Building a million
cases through ``intake`` would take minutes, so 10,000 real cases are
registered through the engine (spread over 2026, so due dates differ) and
then copied with SQL under new ids until the table holds the requested
number of open clocks. Every row is a copy of a row the engine wrote.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import statistics
import time
from pathlib import Path

from mediation import Actor, Engine, Party
from mediation._demo import CLERK, parties, policy
from mediation.model import CHINA_TZ
from mediation.store.sql import utc_text

SEED_CASES = 10_000


def build(path: Path, total: int) -> None:
    """Create ``path`` with ``total`` open acceptance clocks (skip if already built)."""
    if path.exists():
        with sqlite3.connect(path) as conn:
            (n,) = conn.execute("SELECT count(*) FROM deadlines").fetchone()
        if n == total:
            return
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    rng = random.Random(7)
    engine = Engine.sqlite(str(path), policy=policy(), reader=Actor.system())
    template = parties()
    with engine.batch():
        for i in range(SEED_CASES):
            # The same people twice with a case still open is a duplicate intake: rename them.
            ps = [
                Party.person(f"{p.name}{i}", role=p.role, phone=p.phone, address=p.address)
                for p in template
            ]
            day = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(0, 300))
            when = dt.datetime.combine(day, dt.time(9), CHINA_TZ)
            engine.intake(
                kind="dispute",
                channel="walk_in",
                category="neighbor",
                parties=ps,
                summary="批量纠纷",
                unit="qt-dm-dmc",
                actor=CLERK,
                at=when,
            )
    engine.close()
    copies = total // SEED_CASES - 1
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    cols_c = [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
    cols_d = [r[1] for r in conn.execute("PRAGMA table_info(deadlines)")]
    for k in range(1, copies + 1):
        sel_c = ", ".join(
            f"id || '-{k}'" if c == "id" else f"code || '-{k}'" if c == "code" else c
            for c in cols_c
        )
        sel_d = ", ".join(f"case_id || '-{k}'" if c == "case_id" else c for c in cols_d)
        conn.execute(
            f"INSERT INTO cases ({', '.join(cols_c)}) SELECT {sel_c} FROM cases "
            "WHERE id NOT LIKE '%-%'"
        )
        conn.execute(
            f"INSERT INTO deadlines ({', '.join(cols_d)}) SELECT {sel_d} FROM deadlines "
            "WHERE case_id NOT LIKE '%-%'"
        )
        conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def time_due(path: Path, repeats: int = 30) -> tuple[float, float, int]:
    """Median ms of ``engine.due(limit=100)`` and of the raw indexed query; open clock count."""
    at = dt.datetime(2026, 6, 1, 9, tzinfo=CHINA_TZ)
    engine = Engine.sqlite(str(path), policy=policy(), reader=Actor.system())
    engine.due(at=at, limit=100)  # warm the connection and caches
    ours = []
    for _ in range(repeats):
        began = time.perf_counter()
        page = engine.due(at=at, limit=100)
        ours.append((time.perf_counter() - began) * 1e3)
    assert len(page) == 100
    engine.close()
    conn = sqlite3.connect(path)
    (open_count,) = conn.execute(
        "SELECT count(*) FROM deadlines WHERE status = 'running'"
    ).fetchone()
    raw = []
    sql = (
        "SELECT case_id, id, body FROM deadlines WHERE status = 'running' AND due_at <= ? "
        "ORDER BY due_at, case_id, id LIMIT 100"
    )
    until = utc_text(at)
    conn.execute(sql, (until,)).fetchall()
    for _ in range(repeats):
        began = time.perf_counter()
        conn.execute(sql, (until,)).fetchall()
        raw.append((time.perf_counter() - began) * 1e3)
    conn.close()
    return statistics.median(ours), statistics.median(raw), open_count


def default_path() -> Path:
    """Where the big database is kept between runs (``MEDIATION_BENCH_DIR`` or /tmp)."""
    return Path(os.environ.get("MEDIATION_BENCH_DIR", "/tmp")) / "mediation-bench-1m.db"
