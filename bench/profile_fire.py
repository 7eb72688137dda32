"""Where ``Engine.fire`` and ``Engine.intake`` spend their time on the memory store.

Run from the repository root::

    .venv/bin/python bench/profile_fire.py [--n N] [--top K] [--memory]

Prints cProfile's top functions (by own time and by cumulative time) for
intakes, then for the fires of bench/engine.py's five steps; with
``--memory``, tracemalloc's top allocation sites of cases held open (case,
intake event, outbox row) and of their fired events.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import AT1, STEPS, intake_many  # type: ignore[import-not-found]

from mediation import Actor, Engine
from mediation._demo import policy


def _print(profile: cProfile.Profile, title: str, top: int) -> None:
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats(key).print_stats(top)
        print(f"== {title}: by {key} ==")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


def fire_all(engine: Engine, ids: list[str]) -> None:
    for name, actor, data in STEPS:
        for cid in ids:
            engine.fire(cid, name, actor=actor, at=AT1, **data)


def profile(n: int, top: int) -> None:
    engine = Engine.in_memory(policy=policy(), reader=Actor.system())
    intake_many(engine, 50, first=10 * n)  # warm caches
    prof = cProfile.Profile()
    prof.enable()
    ids = intake_many(engine, n)
    prof.disable()
    _print(prof, f"intake x{n}", top)
    prof = cProfile.Profile()
    prof.enable()
    fire_all(engine, ids)
    prof.disable()
    _print(prof, f"fire x{n * len(STEPS)}", top)


def memory(n: int, top: int) -> None:
    engine = Engine.in_memory(policy=policy(), reader=Actor.system())
    intake_many(engine, 20, first=10 * n)
    gc.collect()
    tracemalloc.start(8)
    snap0 = tracemalloc.take_snapshot()
    ids = intake_many(engine, n)
    gc.collect()
    snap1 = tracemalloc.take_snapshot()
    fire_all(engine, ids)
    gc.collect()
    snap2 = tracemalloc.take_snapshot()
    tracemalloc.stop()
    for title, a, b in (("intake (case + event)", snap0, snap1), ("5 fires", snap1, snap2)):
        diff = b.compare_to(a, "lineno")
        total = sum(d.size_diff for d in diff)
        print(f"== memory: {title}: {total / n:,.0f} B per case ==")
        for d in diff[:top]:
            frame = d.traceback[0]
            print(
                f"{d.size_diff / n:8.0f} B/case {d.count_diff / n:6.1f} obj/case  "
                f"{frame.filename.split('/src/')[-1]}:{frame.lineno}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    if args.memory:
        memory(args.n, args.top)
    else:
        profile(args.n, args.top)


if __name__ == "__main__":
    main()
