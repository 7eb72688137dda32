"""Crash safety: a writer SIGKILLed mid-work never leaves a half-written transition."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import make_engine

ROOT = Path(__file__).resolve().parent.parent


def _kill_and_check(url: str, kills: int, seed: int) -> int:
    """Kill a writer ``kills`` times; after each kill, check every case it could have left
    half-written, and at the end every case once more.

    Each child fires only on the cases it registered itself, so after a kill the cases
    already checked and unchanged (equal to the copy checked) are left to the final check,
    which replays and verifies every case in the database: a corruption is never repaired
    by a later child, so it is still there to be found.
    """
    rng = random.Random(seed)
    checked: dict[str, object] = {}
    for k in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_child", url, str(seed + k)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert child.stdout is not None
        # wait until it is really writing, then kill it at a random moment
        first = child.stdout.read(1)
        assert first == b".", child.stderr.read().decode() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.4))
        child.send_signal(signal.SIGKILL)
        child.communicate()
        assert child.returncode == -signal.SIGKILL
        with make_engine(url) as engine:
            cases = engine.find(limit=100_000)
            assert cases
            fresh = [c for c in cases if checked.get(c.id) != c]
            assert fresh, k  # the child registered or moved cases before it was killed
            for case in fresh:
                report = engine.verify(case.id)
                assert report.ok, (k, case.id, report)
                assert engine.replay(case.id) == case
                checked[case.id] = case
    with make_engine(url) as engine:
        cases = engine.find(limit=100_000)
        assert {c.id for c in cases} == set(checked)
        for case in cases:
            assert case == checked[case.id]
            report = engine.verify(case.id)
            assert report.ok, (case.id, report)
            assert engine.replay(case.id) == case
    return len(checked)


def test_sigkill_sqlite_writer_twenty_times(tmp_path: Path) -> None:
    """20 SIGKILLs of an SQLite writer: every case equals its replay and its chain verifies."""
    assert _kill_and_check(f"sqlite:///{tmp_path / 'crash.db'}", 20, 1) > 20


@pytest.mark.postgres
def test_sigkill_postgres_writer_twenty_times(pg_database: str) -> None:
    """20 SIGKILLs of a PostgreSQL writer: every case equals its replay and its chain verifies."""
    assert _kill_and_check(pg_database, 20, 101) > 20
