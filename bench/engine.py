"""Benchmark of the engine against its baselines, measured in the same run.

Run from the repository root (``make bench`` runs it too)::

    .venv/bin/python bench/engine.py [--quick] [--no-due] [--release=REF]

Prints medians and ratios for:
  (a) an in-memory ``fire`` vs a raw ``transitions`` trigger on one shared
      Machine of the same workflow (``machine.events[name].trigger(model)``);
  (b) persisted fires per second on an SQLite file (WAL) vs raw sqlite3 doing
      one UPDATE + one event INSERT per transaction on the same kind of file (ours
      is timed up to the log copied back into the database: see ``checkpoint``);
  (c) memory per case: loaded from SQLite, held by the in-memory store, and a
      transitions Machine per case for comparison;
  (d) the first 100 due clocks among 1,000,000 open ones vs the raw indexed query;
  (e) fires committed in batches of 1,000 per transaction;
  (f) persisted fires through all six steps, the log copied back at 1,000 pages vs
      the store's 10,000;
  (a1) (a) on version 1 of the dispute workflow — release 0.1's graph and rules under
      today's engine — which separates the engine's cost from the law added since;
  with ``--release=REF`` (e.g. ``92fa70e``, release 0.1 when issue 7 was filed), that
  commit's own benchmark run from a git worktree in the same run: before and after;
  (a=) then (a) for both by one procedure, in turns (``bench/_in_memory.py``);
  (b=) and (b) for both by one procedure, in turns (``bench/_persisted.py``), on the disk
      and on a RAM disk (the processor's work alone).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bigdb
import attrs
from transitions import Machine

from mediation import Actor, Engine, Party, Place
from mediation._demo import CLERK, MEDIATOR, parties, policy
from mediation.model import CHINA_TZ
from mediation.workflows.dispute import DISPUTE, DISPUTE_V1

QUICK = "--quick" in sys.argv
SKIP_DUE = "--no-due" in sys.argv
RELEASE = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--release=")), "")
"""``--release=REF``: also run that commit's own benchmark in this run (a git worktree)."""
N = 1_000 if QUICK else 3_000
REPEATS = 3 if QUICK else 5
WARM = 20
"""Cases fired before timing: the steady state is measured, not an engine's first calls."""
AT0 = dt.datetime(2026, 3, 2, 9, tzinfo=CHINA_TZ)
AT1 = dt.datetime(2026, 3, 3, 9, tzinfo=CHINA_TZ)
PLACE = (Place("青田县", "331121000000"), Place("东门镇"), Place("东门村"))
STEPS: list[tuple[str, Any, dict[str, Any]]] = [
    ("triage", CLERK, {"track": "people", "level": "village"}),
    ("accept", CLERK, {}),
    ("inform_rights", CLERK, {"written": True}),
    ("start_mediation", MEDIATOR, {}),
    ("suspend", MEDIATOR, {"reason": "party_wait"}),
    ("resume", MEDIATOR, {}),
]


_TEMPLATE = parties()


def distinct_parties(i: int) -> list[Party]:
    """The demo's parties, renamed per case: the same people twice is a duplicate intake."""
    return [
        Party.person(f"{p.name}{i}", role=p.role, phone=p.phone, address=p.address)
        for p in _TEMPLATE
    ]


def intake_many(engine: Engine, n: int, first: int = 0, workflow: str | None = None) -> list[str]:
    with engine.batch():
        return [
            engine.intake(
                workflow=workflow,
                kind="dispute",
                channel="walk_in",
                category="neighbor",
                parties=distinct_parties(first + i),
                location=PLACE,
                summary="基准测试",
                unit="qt-dm-dmc",
                actor=CLERK,
                at=AT0,
            ).id
            for i in range(n)
        ]


def per_fire_us(run: Callable[[], int]) -> float:
    began = time.perf_counter()
    fires = run()
    return (time.perf_counter() - began) / fires * 1e6


def bench_in_memory() -> tuple[float, float]:
    ours, raw = [], []
    for _ in range(REPEATS):
        engine = Engine.in_memory(policy=policy(), reader=Actor.system())
        warm = intake_many(engine, WARM, first=10 * N)
        ids = intake_many(engine, N)

        def fire_all(ids: list[str] = ids) -> int:
            for name, actor, data in STEPS:
                for cid in ids:
                    engine.fire(cid, name, actor=actor, at=AT1, **data)
            return len(ids) * len(STEPS)

        fire_all(warm)  # an engine builds its codec's converters on first use: not timed
        ours.append(per_fire_us(fire_all))
        machine = Machine(
            model=None,
            states=[s.value for s in DISPUTE.states],
            transitions=[
                {
                    "trigger": t.trigger.value,
                    "source": [s.value for s in t.source],
                    "dest": t.dest.value,
                }
                for t in DISPUTE.transitions
            ],
            initial=DISPUTE.initial.value,
            auto_transitions=False,
            send_event=True,
            model_override=True,
        )

        class Token:
            __slots__ = ("state",)

            def __init__(self) -> None:
                self.state = "received"

        tokens = [Token() for _ in range(N)]
        warm_tokens = [Token() for _ in range(WARM)]
        for name, _, _ in STEPS:  # the same warm-up as ours
            for token in warm_tokens:
                machine.events[name].trigger(token)

        def raw_all() -> int:
            for name, _, _ in STEPS:
                event = machine.events[name]
                for token in tokens:
                    event.trigger(token)
            return len(tokens) * len(STEPS)

        raw.append(per_fire_us(raw_all))
    return statistics.median(ours), statistics.median(raw)


def bench_in_memory_v1() -> float:
    """In-memory fire on version 1 of the dispute workflow: release 0.1's graph and rules
    (frozen in ``rules/dispute_v1.py``) under today's engine, 0.1's five steps."""
    v1 = attrs.evolve(DISPUTE_V1, name="dispute_r01")
    steps = [s for s in STEPS if s[0] != "inform_rights"]
    ours = []
    for _ in range(REPEATS):
        engine = Engine.in_memory(policy=policy(), reader=Actor.system(), workflows=[v1])

        def fire_all(ids: list[str]) -> int:
            for name, actor, data in steps:
                for cid in ids:
                    engine.fire(cid, name, actor=actor, at=AT1, **data)
            return len(ids) * len(steps)

        fire_all(intake_many(engine, WARM, 10 * N, v1.name))
        ids = intake_many(engine, N, 0, v1.name)
        ours.append(per_fire_us(lambda ids=ids: fire_all(ids)))
    return statistics.median(ours)


def bench_release(ref: str) -> list[str]:
    """Run release ``ref``'s own bench/engine.py (quick) from a git worktree, in this run.

    Its lines (a), (b), (c) and (e) are returned; its (d) is not waited for. Then lines
    (a) and (b) again for both, each by one procedure: see :func:`same_a` and :func:`same_b`.
    """
    root = Path(__file__).resolve().parent.parent
    out: list[str] = []
    with tempfile.TemporaryDirectory() as d, release_tree(root, ref, Path(d) / "release") as tree:
        env = {**os.environ, "PYTHONPATH": str(tree / "src"), "TMPDIR": d}
        child = subprocess.Popen(
            [sys.executable, "bench/engine.py", "--quick"],
            cwd=tree,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith(("(a)", "(b)", "(c)", "(e)")):
                out.append(line.rstrip())
            if line.startswith("(e)"):
                break
        child.kill()
        child.wait()
        out.append(same_a(root, tree, env))
        out.extend(same_b(root, tree, env))
    return out


@contextmanager
def release_tree(root: Path, ref: str, tree: Path) -> Iterator[Path]:
    """Commit ``ref`` of the repository at ``root`` checked out at ``tree`` (a git
    worktree), removed again afterwards."""
    subprocess.run(
        ["git", "-C", str(root), "worktree", "add", "--detach", str(tree), ref],
        check=True,
        capture_output=True,
    )
    try:
        yield tree
    finally:
        subprocess.run(
            ["git", "-C", str(root), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )


SAME_TURNS = 7 if QUICK else 11
"""Turns of (b=): one persisted fire on a file is dominated by the disk, whose time varies
by a tenth from one run to the next here; the median of many turns, in alternation, and
each turn's own ratio, say more than three."""

RAM_DISK = Path("/dev/shm")


def _in_turns(script: str, runs: list[tuple[Path, dict[str, str], list[str]]]) -> list[list[float]]:
    """Each of ``runs`` (tree, environment, arguments) of ``script`` :data:`SAME_TURNS`
    times, each time in a fresh process, in turns; the figure each printed last.

    Who goes first rotates: a process run right after another is not timed alike (the
    processor's clock and caches), so no run always gets that place.
    """
    out: list[list[float]] = [[] for _ in runs]
    for turn in range(SAME_TURNS):
        shift = turn % len(runs)
        for k in [*range(shift, len(runs)), *range(shift)]:
            cwd, child_env, args = runs[k]
            done = subprocess.run(
                [sys.executable, script, *args],
                cwd=cwd,
                env=child_env,
                check=True,
                capture_output=True,
                text=True,
            )
            out[k].append(float(done.stdout.split()[-1]))
    return out


def _spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):.1f} us ({min(xs):.1f}-{max(xs):.1f})"


def _ratios(ours: list[float], theirs: list[float]) -> str:
    a, b = statistics.median(ours), statistics.median(theirs)
    turns = statistics.median(x / y for x, y in zip(ours, theirs, strict=True))
    return f"ratio of medians {a / b:.2f}x, median of the turns' ratios {turns:.2f}x"


RELEASE_RUN = 2
"""Where the release stands among the runs of :func:`_compare` (the ratios' baseline)."""


def _compare(
    what: str,
    script: str,
    root: Path,
    tree: Path,
    env: dict[str, str],
    args: list[str],
    more: tuple[tuple[str, list[str]], ...] = (),
) -> str:
    """One line of (a=) or (b=): ``script`` run in turns for this tree, for this tree on
    version 1 of the dispute workflow (release 0.1's law: ``--v1``), for the release, and
    for this tree with each of ``more`` (a label, and the arguments added to ``args``)."""
    ours_env = {**os.environ, "PYTHONPATH": str(root / "src")}
    runs = [
        ("this tree", root, ours_env, args),
        ("this tree on version 1", root, ours_env, [*args, "--v1"]),
        ("the release", tree, env, args),
        *((label, root, ours_env, [*args, *extra]) for label, extra in more),
    ]
    got = _in_turns(script, [(cwd, child_env, a) for _, cwd, child_env, a in runs])
    theirs = got[RELEASE_RUN]
    labels = [run[0] for run in runs]
    parts = [f"{label} {_spread(xs)}" for label, xs in zip(labels, got, strict=True)]
    ratios = [
        f"{label}: {_ratios(xs, theirs)}"
        for k, (label, xs) in enumerate(zip(labels, got, strict=True))
        if k != RELEASE_RUN
    ]
    return (
        f"{what} ({SAME_TURNS} turns): {'; '.join(parts)}. Against the release, {'; '.join(ratios)}"
    )


def same_a(root: Path, tree: Path, env: dict[str, str]) -> str:
    """(a=) Line (a) for this tree and for the release by one procedure, in turns.

    The release's own (a) times an engine's first calls (its converters are built on
    first use) with the fires; this tree's (a) fires a few cases first. Here both run
    ``bench/_in_memory.py`` (warmed, release 0.1's five steps timed), each in a fresh
    process, :data:`SAME_TURNS` times; this tree also on version 1 of the workflow.
    """
    script = str(Path(__file__).resolve().parent / "_in_memory.py")
    return _compare(
        "(a=) in-memory fire, one procedure for all (bench/_in_memory.py)",
        script,
        root,
        tree,
        env,
        [str(N)],
    )


def same_b(root: Path, tree: Path, env: dict[str, str]) -> list[str]:
    """(b=) Line (b) for this tree and for the release by the same procedure, in turns.

    The release's own (b) leaves up to 1,000 pages of its log uncopied when its clock
    stops and does not copy the intakes' log first; this tree's (b) does both. Here both
    run ``bench/_persisted.py`` (the intakes' log copied first, the fires' copy timed),
    each in a fresh process, in turns, :data:`SAME_TURNS` times: once on a file in the
    temporary directory (the disk) and, where the machine has one, once on a RAM disk
    (the processor's work alone, the disk left out). This tree runs on its own workflow
    and on version 1; on the RAM disk also with the log copied back every 1,000 pages,
    which separates the cost of the store's longer log (line (f) shows it pays on the
    disk) from the code's.
    """
    script = str(Path(__file__).resolve().parent / "_persisted.py")
    lines = [
        _compare(
            "(b=) persisted fire on the disk, one procedure for all (bench/_persisted.py)",
            script,
            root,
            tree,
            env,
            [str(N)],
        )
    ]
    if RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK):
        lines.append(
            _compare(
                "(b=) persisted fire on the RAM disk, one procedure for all (bench/_persisted.py)",
                script,
                root,
                tree,
                env,
                [str(N), str(RAM_DISK)],
                more=(("this tree on version 1 with the release's log setting", ["1000", "--v1"]),),
            )
        )
    return lines


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def checkpoint(path: Path) -> None:
    """Copy the write-ahead log into the database now, inside the timed run.

    The store copies it back only every 10,000 pages, which 1,000 fires may not
    reach: the copy the run owes is timed with it, not left for after the clock.
    """
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        conn.close()


def bench_persisted(tmp: Path) -> tuple[float, float, float]:
    import sqlite3

    ours, raw, batched = [], [], []
    for r in range(REPEATS):
        path = tmp / f"ours{r}.db"
        _fresh(path)
        engine = Engine.sqlite(str(path), policy=policy(), reader=Actor.system())
        ids = intake_many(engine, N)

        def fire_each() -> int:
            for cid in ids:
                engine.fire(cid, "triage", actor=CLERK, at=AT1, track="people", level="village")
            checkpoint(path)
            return len(ids)

        checkpoint(path)  # the intakes' log is not the fires' to copy
        ours.append(per_fire_us(fire_each))

        def fire_batched() -> int:
            fired = 0
            for name, actor, data in STEPS[1:]:
                for start in range(0, len(ids), 1000):
                    with engine.batch():
                        for cid in ids[start : start + 1000]:
                            engine.fire(cid, name, actor=actor, at=AT1, **data)
                            fired += 1
            checkpoint(path)
            return fired

        batched.append(per_fire_us(fire_batched))
        engine.close()

        rpath = tmp / f"raw{r}.db"
        _fresh(rpath)
        conn = sqlite3.connect(rpath, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("CREATE TABLE cases (id TEXT PRIMARY KEY, state TEXT, version INT, body TEXT)")
        conn.execute(
            "CREATE TABLE events (case_id TEXT, seq INT, data TEXT, PRIMARY KEY (case_id, seq))"
        )
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO cases VALUES (?, 'received', 1, '{}')", [(i,) for i in ids])
        conn.execute("COMMIT")
        body = '{"state":"triaged","level":"village","track":"people"}'

        def raw_each() -> int:
            for cid in ids:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "UPDATE cases SET state = 'triaged', version = 2, body = ? "
                    "WHERE id = ? AND version = 1",
                    (body, cid),
                )
                conn.execute("INSERT INTO events VALUES (?, 2, ?)", (cid, body))
                conn.execute("COMMIT")
            return len(ids)

        raw.append(per_fire_us(raw_each))
        conn.close()
    return statistics.median(ours), statistics.median(raw), statistics.median(batched)


def bench_log_copy(tmp: Path) -> dict[int, float]:
    """(f) Persisted fires, each case stepped through the six steps one commit at a time,
    with the log copied back at SQLite's default of 1,000 pages and at the store's 10,000.

    Every copy the run owes is timed (``checkpoint``), so a longer log saves only
    what it really saves: a page written by many commits copied back once.
    """
    from mediation.store.sql import SqlStore

    cases = 1_000 if QUICK else 3_000
    out: dict[int, list[float]] = {1_000: [], 10_000: []}
    for r in range(REPEATS):
        for pages in out:
            path = tmp / f"log{pages}-{r}.db"
            _fresh(path)
            store = SqlStore.sqlite(path, wal_autocheckpoint=pages)
            engine = Engine(store, policy=policy(), reader=Actor.system())
            ids = intake_many(engine, cases)
            checkpoint(path)

            def fire_all(ids: list[str] = ids, path: Path = path) -> int:
                for name, actor, data in STEPS:
                    for cid in ids:
                        engine.fire(cid, name, actor=actor, at=AT1, **data)
                checkpoint(path)
                return len(ids) * len(STEPS)

            out[pages].append(per_fire_us(fire_all))
            engine.close()
    return {pages: statistics.median(times) for pages, times in out.items()}


def bench_memory(tmp: Path) -> tuple[float, float, float]:
    n = 2_000
    path = tmp / "mem.db"
    _fresh(path)
    engine = Engine.sqlite(str(path), policy=policy(), reader=Actor.system())
    ids = intake_many(engine, n)
    engine.close()
    engine = Engine.sqlite(
        str(path), policy=policy(), reader=Actor.system()
    )  # empty caches: every load decodes
    engine.get(ids[0])
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loaded = [engine.get(cid) for cid in ids[1:]]
    loaded_bytes = (tracemalloc.get_traced_memory()[0] - before) / len(loaded)
    tracemalloc.stop()
    del loaded
    engine.close()

    mem = Engine.in_memory(policy=policy(), reader=Actor.system())
    intake_many(mem, 10, first=n)  # warm caches and interned strings
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    intake_many(mem, n)
    held_bytes = (tracemalloc.get_traced_memory()[0] - before) / n
    tracemalloc.stop()

    spec = [
        {"trigger": t.trigger.value, "source": [s.value for s in t.source], "dest": t.dest.value}
        for t in DISPUTE.transitions
    ]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    machines = [
        Machine(
            model=None,
            states=[s.value for s in DISPUTE.states],
            transitions=spec,
            initial="received",
            auto_transitions=False,
        )
        for _ in range(200)
    ]
    machine_bytes = (tracemalloc.get_traced_memory()[0] - before) / len(machines)
    tracemalloc.stop()
    return loaded_bytes, held_bytes, machine_bytes


def main() -> None:
    print(
        f"mediation engine benchmark ({'quick' if QUICK else 'full'}: {N} cases, "
        f"{REPEATS} repeats, medians)"
    )
    ours, raw = bench_in_memory()
    print(
        f"(a) in-memory fire: {ours:.1f} us; raw transitions trigger: {raw:.1f} us; "
        f"ratio {ours / raw:.2f}x (target <= 2x)"
    )
    v1 = bench_in_memory_v1()
    print(
        f"(a1) the same on version 1 of the dispute workflow (0.1's graph and rules, its "
        f"five steps): {v1:.1f} us; ratio {v1 / raw:.2f}x"
    )
    if RELEASE:
        print(f"release {RELEASE}, its own bench (quick), in this run:")
        for line in bench_release(RELEASE):
            print(f"  {line}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        each, raw_each, batched = bench_persisted(tmp)
        print(
            f"(b) persisted fire on SQLite (WAL): {each:.0f} us = {1e6 / each:,.0f}/s; "
            f"raw sqlite3 UPDATE+INSERT+COMMIT: {raw_each:.0f} us = {1e6 / raw_each:,.0f}/s; "
            f"ours = {raw_each / each:.0%} of raw (target >= 25%)"
        )
        loaded, held, machine = bench_memory(tmp)
        print(
            f"(c) memory per case: loaded from SQLite {loaded:,.0f} B; held open by the "
            f"in-memory store (case + intake event + outbox) {held:,.0f} B; "
            f"a transitions Machine per case {machine:,.0f} B (target <= 2 KB)"
        )
        print(
            f"(e) fires in batches of 1,000 per transaction: {batched:.1f} us = "
            f"{1e6 / batched:,.0f}/s (target >= 50,000/s)"
        )
        log = bench_log_copy(tmp)
        print(
            f"(f) persisted fire, six steps per case, log copied back every 1,000 pages "
            f"(SQLite's default): {log[1_000]:.0f} us; every 10,000 (the store's): "
            f"{log[10_000]:.0f} us; ratio {log[10_000] / log[1_000]:.2f}x"
        )
    if SKIP_DUE:
        return
    total = 100_000 if QUICK else 1_000_000
    path = _bigdb.default_path() if not QUICK else Path(tempfile.gettempdir()) / "mb-100k.db"
    began = time.perf_counter()
    _bigdb.build(path, total)
    built = time.perf_counter() - began
    due_ms, raw_ms, open_count = _bigdb.time_due(path)
    print(
        f"(d) engine.due first page of 100 among {open_count:,} open clocks: {due_ms:.2f} ms; "
        f"raw indexed query {raw_ms:.2f} ms; ratio {due_ms / raw_ms:.1f}x (target <= 5 ms; "
        f"database ready in {built:.0f} s)"
    )


if __name__ == "__main__":
    main()
