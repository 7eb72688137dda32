"""The audit chain proves itself: every kind of tampering is detected or reported, none raises.

Each test writes the demo case (closed, 16 events) to an SQLite file, edits the
file behind the engine's back as an attacker with write access would, opens it
again and asks ``verify`` (one case), ``verify_all`` (every case, orphans), and
``verify_all(checkpoint=...)`` against a checkpoint taken before the edit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from mediation import Actor, Checkpoint, Engine
from mediation._codec import event_hash
from mediation._demo import policy, run

KEY = b"0123456789abcdef-audit-key"
SYSTEM = Actor.system()


def _engine(path: Path, key: bytes | None = None) -> Engine:
    return Engine.sqlite(path, policy=policy(), reader=SYSTEM, audit_key=key)


def _demo(path: Path, key: bytes | None = None) -> tuple[str, Checkpoint]:
    with _engine(path, key) as engine:
        case = run(engine)
        assert engine.verify(case.id).ok
        return case.id, engine.checkpoint()


def _sql(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    with sqlite3.connect(path) as conn:
        for sql, args in statements:
            conn.execute(sql, args)


def _report(path: Path, case_id: str, key: bytes | None = None) -> tuple[bool, str, int | None]:
    with _engine(path, key) as engine:
        report = engine.verify(case_id)
        assert report.case_id == case_id
        return report.ok, report.problem, report.bad_seq


def _event_data(path: Path, case_id: str, seq: int) -> dict[str, object]:
    with sqlite3.connect(path) as conn:
        (data,) = conn.execute(
            "SELECT data FROM events WHERE case_id = ? AND seq = ?", (case_id, seq)
        ).fetchone()
    value: dict[str, object] = json.loads(data)
    return value


AGREE = 6
"""The demo's 'agree' event: intake, triage, accept, inform_rights, start_mediation, agree."""


def _cheaper_agreement(path: Path, case_id: str) -> str:
    """The agreement's 三千元 becomes 三百元 in the logged inputs of 'agree'."""
    data = _event_data(path, case_id, AGREE)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert "三千元" in text
    return text.replace("三千元", "三百元")


def _rewrite_chain_from(path: Path, case_id: str, seq: int, new_data: str) -> None:
    """Replace event ``seq``'s data and recompute its hash and every later one, as an attacker."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT seq, trigger, actor, at, source, dest, data, prev_hash, facts FROM events "
            "WHERE case_id = ? ORDER BY seq",
            (case_id,),
        ).fetchall()
        prev = ""
        for s, trigger, actor, at, source, dest, data, prev_hash, facts in rows:
            if s == seq:
                data = new_data
            if s >= seq:
                prev_hash = prev
            digest = event_hash(
                case_id,
                s,
                trigger,
                actor,
                at,
                source,
                dest,
                json.loads(data),
                prev_hash,
                json.loads(facts),
            )
            conn.execute(
                "UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE case_id = ? AND seq = ?",
                (data, prev_hash, digest, case_id, s),
            )
            prev = digest
        (body,) = conn.execute("SELECT body FROM cases WHERE id = ?", (case_id,)).fetchone()
        body = json.loads(body)
        body["head"] = prev
        body["details"]["agreement"]["terms"] = [
            t.replace("三千元", "三百元") for t in body["details"]["agreement"]["terms"]
        ]
        conn.execute(
            "UPDATE cases SET body = ? WHERE id = ?",
            (json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")), case_id),
        )


Tamper = Callable[[Path, str], None]

COLUMN_EDITS: dict[str, Tamper] = {
    "cases.state": lambda p, c: _sql(
        p, ("UPDATE cases SET state = 'mediating' WHERE id = ?", (c,))
    ),
    "cases.unit": lambda p, c: _sql(p, ("UPDATE cases SET unit = 'qt' WHERE id = ?", (c,))),
    "cases.level": lambda p, c: _sql(p, ("UPDATE cases SET level = 'county' WHERE id = ?", (c,))),
    "cases.category": lambda p, c: _sql(
        p, ("UPDATE cases SET category = 'debt' WHERE id = ?", (c,))
    ),
    "cases.end_s": lambda p, c: _sql(
        p, ("UPDATE cases SET end_s = end_s - 86400 WHERE id = ?", (c,))
    ),
    "cases.visits": lambda p, c: _sql(
        p, ("UPDATE cases SET visits = replace(visits, 'satisfied', 'fair') WHERE id = ?", (c,))
    ),
    "deadlines.status": lambda p, c: _sql(
        p, ("UPDATE deadlines SET status = 'running' WHERE case_id = ? AND ord = 0", (c,))
    ),
    "deadlines.due_at": lambda p, c: _sql(
        p, ("UPDATE deadlines SET due_at = '2099-01-01T00:00:00.000000Z' WHERE case_id = ?", (c,))
    ),
    "deadlines.escalated": lambda p, c: _sql(
        p, ("UPDATE deadlines SET escalated = 1 WHERE case_id = ?", (c,))
    ),
    "parties.identifier": lambda p, c: _sql(
        p,
        (
            "UPDATE parties SET identifier = '110105194912310029' WHERE case_id = ? AND ord = 0",
            (c,),
        ),
    ),
    "a deadline row deleted": lambda p, c: _sql(
        p, ("DELETE FROM deadlines WHERE case_id = ? AND ord = 1", (c,))
    ),
}


@pytest.mark.parametrize("column", sorted(COLUMN_EDITS))
def test_an_edited_column_is_detected(tmp_path: Path, column: str) -> None:
    """What queries read (state, unit, level, category, what the statistics count, clock rows,
    party rows) must agree with the log."""
    path = tmp_path / "t.db"
    case_id, _ = _demo(path)
    COLUMN_EDITS[column](path, case_id)
    ok, problem, _ = _report(path, case_id)
    assert not ok
    assert "disagree" in problem or "replay differs" in problem or "unreadable" in problem


ROW_EDITS: dict[str, tuple[Tamper, str]] = {
    "event data edited": (
        lambda p, c: _sql(
            p,
            (
                f"UPDATE events SET data = ? WHERE case_id = ? AND seq = {AGREE}",
                (_cheaper_agreement(p, c), c),
            ),
        ),
        "does not match its hash",
    ),
    "event actor edited": (
        lambda p, c: _sql(
            p, ("UPDATE events SET actor = 'mallory' WHERE case_id = ? AND seq = 3", (c,))
        ),
        "does not match its hash",
    ),
    "event deleted": (
        lambda p, c: _sql(p, ("DELETE FROM events WHERE case_id = ? AND seq = 4", (c,))),
        "missing",
    ),
    "events reordered": (
        lambda p, c: _sql(
            p,
            ("UPDATE events SET seq = 99 WHERE case_id = ? AND seq = 6", (c,)),
            ("UPDATE events SET seq = 6 WHERE case_id = ? AND seq = 7", (c,)),
            ("UPDATE events SET seq = 7 WHERE case_id = ? AND seq = 99", (c,)),
        ),
        "chain",
    ),
    "corrupt event JSON": (
        lambda p, c: _sql(
            p, ("UPDATE events SET data = '{not json' WHERE case_id = ? AND seq = 2", (c,))
        ),
        "unreadable",
    ),
    "bad event timestamp": (
        lambda p, c: _sql(
            p, ("UPDATE events SET at = 'yesterday' WHERE case_id = ? AND seq = 2", (c,))
        ),
        "unreadable",
    ),
    "corrupt case body": (
        lambda p, c: _sql(p, ("UPDATE cases SET body = '[]' WHERE id = ?", (c,))),
        "unreadable",
    ),
    "case body edited": (
        lambda p, c: _sql(
            p,
            (
                'UPDATE cases SET body = replace(body, \'"outcome":"\', \'"outcome":"x\') '
                "WHERE id = ?",
                (c,),
            ),
        ),
        "replay differs",
    ),
    "version column edited": (
        lambda p, c: _sql(p, ("UPDATE cases SET version = 14 WHERE id = ?", (c,))),
        "unreadable",
    ),
}


@pytest.mark.parametrize("kind", sorted(ROW_EDITS))
def test_an_edited_or_corrupt_row_is_reported(tmp_path: Path, kind: str) -> None:
    """Edits to the log or the case row, and rows that cannot be read, are reported — never raised."""
    path = tmp_path / "t.db"
    case_id, _ = _demo(path)
    tamper, words = ROW_EDITS[kind]
    tamper(path, case_id)
    ok, problem, _ = _report(path, case_id)
    assert not ok
    assert words in problem, problem
    with _engine(path) as engine:
        report = engine.verify_all()
    assert [p.case_id for p in report.problems] == [case_id]


def test_a_full_rewrite_is_caught_by_the_seal_and_the_checkpoint(tmp_path: Path) -> None:
    """三千元 → 三百元 with every later hash and the case row recomputed: the hash chain alone
    cannot tell; the key it was sealed with, or a checkpoint, can."""
    path = tmp_path / "t.db"
    case_id, checkpoint = _demo(path, KEY)
    _rewrite_chain_from(path, case_id, AGREE, _cheaper_agreement(path, case_id))
    assert _report(path, case_id)[0]  # without the key: the chain is consistent again
    ok, problem, seq = _report(path, case_id, KEY)
    assert not ok
    assert seq == AGREE
    assert "seal" in problem
    with _engine(path, KEY) as engine:
        found = engine.verify_all(checkpoint=checkpoint)
    assert sorted((p.case_id, p.bad_seq, p.problem[:20]) for p in found.problems) == [
        (case_id, AGREE, "its seal does not ma"),
        (case_id, 16, "rewritten since the "),
    ]


def test_a_dropped_tail_with_a_rolled_back_row_is_caught_by_the_checkpoint(tmp_path: Path) -> None:
    """The last event removed and the case row put back as it was: only a checkpoint shows it."""
    path = tmp_path / "t.db"
    with _engine(path) as engine:
        before = run(engine, stop_before="close")
    with sqlite3.connect(path) as conn:
        saved_case = conn.execute("SELECT * FROM cases WHERE id = ?", (before.id,)).fetchone()
        saved_deadlines = conn.execute(
            "SELECT * FROM deadlines WHERE case_id = ?", (before.id,)
        ).fetchall()
    with _engine(path) as engine:
        from mediation._demo import DIRECTOR, at

        engine.fire(before.id, "close", actor=DIRECTOR, at=at("2026-03-31", 11))
        checkpoint = engine.checkpoint()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM events WHERE case_id = ? AND seq = 16", (before.id,))
        conn.execute("DELETE FROM cases WHERE id = ?", (before.id,))
        conn.execute(f"INSERT INTO cases VALUES ({','.join('?' * len(saved_case))})", saved_case)
        conn.execute("DELETE FROM deadlines WHERE case_id = ?", (before.id,))
        for row in saved_deadlines:
            conn.execute(f"INSERT INTO deadlines VALUES ({','.join('?' * len(row))})", row)
    assert _report(path, before.id)[0]  # the rolled-back case is consistent in itself
    with _engine(path) as engine:
        found = engine.verify_all(checkpoint=checkpoint)
    assert len(found.problems) == 1
    assert found.problems[0].problem.startswith("rolled back")


def test_a_deleted_case_is_caught(tmp_path: Path) -> None:
    """The case row deleted: its events are orphans, and the checkpoint misses it."""
    path = tmp_path / "t.db"
    case_id, checkpoint = _demo(path)
    _sql(path, ("DELETE FROM cases WHERE id = ?", (case_id,)))
    with _engine(path) as engine:
        found = engine.verify_all(checkpoint=checkpoint)
    problems = sorted(p.problem for p in found.problems)
    assert problems == ["deleted since the checkpoint", "events remain of a case that is gone"]


def test_an_altered_checkpoint_is_refused(tmp_path: Path) -> None:
    """A checkpoint edited to match a rewrite does not match its own digest."""
    path = tmp_path / "t.db"
    case_id, checkpoint = _demo(path, KEY)
    forged = Checkpoint(checkpoint.at, ((case_id, 3, "0" * 64),), checkpoint.digest)
    with _engine(path, KEY) as engine:
        found = engine.verify_all(checkpoint=forged)
        again = engine.verify_all(checkpoint=Checkpoint.from_json(checkpoint.to_json()))
    assert [p.problem for p in found.problems] == ["the checkpoint itself was altered"]
    assert again.ok


def test_an_untouched_database_verifies(tmp_path: Path) -> None:
    """No false alarm: sealed, checkpointed and checked in full, an honest database is clean."""
    path = tmp_path / "t.db"
    case_id, checkpoint = _demo(path, KEY)
    with _engine(path, KEY) as engine:
        report = engine.verify_all(checkpoint=checkpoint)
        assert report.ok
        assert report.checked == 1
        assert all(e.seal for e in engine.history(case_id))
