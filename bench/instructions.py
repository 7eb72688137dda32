"""Instructions per persisted fire, this tree against a release: the processor's work counted,
not timed.

Line (b=) of ``bench/engine.py`` times one persisted ``triage`` fire on a RAM disk, the disk
left out; on this 2-core virtual machine the time of one run against the next varies by a
third (other guests share the processors), so a tenth's difference between two trees is
hard to read off a clock. Valgrind's ``cachegrind`` counts every instruction the process
executes in user space (Python, SQLite, the C library), the same on every run. This script
runs the procedure of ``bench/_persisted.py`` — N intakes, their log copied, one ``triage``
fire per case, the fires' log copied — under ``cachegrind`` for this tree and for the
release (a git worktree), once with the fires and once without, and prints the difference
per fire: instructions, and the misses of the simulated caches (first-level instruction
and data caches ``I1`` and ``D1``, last level ``LL``).

    .venv/bin/python bench/instructions.py --release=92fa70e [N]

Needs ``valgrind`` (Debian package ``valgrind``); prints a line saying so and exits 0 if it
is missing. Takes about four minutes for N = 1,000 (the four runs two at a time).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = "--child"


def child(n: int, fires: int, where: str) -> None:
    """The measured procedure (run under ``cachegrind`` with the tree's ``src`` importable)."""
    sys.path.insert(0, str(Path.cwd() / "bench"))
    from _persisted import _copy_log as copy_log  # type: ignore[import-not-found]
    from _same import engine_options, intakes  # type: ignore[import-not-found]
    from engine import AT1  # type: ignore[import-not-found]  # the tree's own bench

    from mediation import Engine
    from mediation._demo import CLERK, policy

    kwargs, workflow = engine_options()
    with tempfile.TemporaryDirectory(dir=where) as d:
        path = Path(d) / "i.db"
        engine = Engine.sqlite(str(path), policy=policy(), **kwargs)
        ids = intakes(engine, n, 0, workflow)
        copy_log(path)
        for cid in ids[:fires]:
            engine.fire(cid, "triage", actor=CLERK, at=AT1, track="people", level="village")
        copy_log(path)
        engine.close()


_COUNT = re.compile(r"^==\d+== (I|I1|D1|LL)\s+(refs|misses):\s+([\d,]+)", re.M)


def counted(tree: Path, n: int, fires: int, where: str) -> dict[str, int]:
    """Instructions (``I refs``) and cache misses (``I1``, ``D1``, ``LL misses``) of one run."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=yes",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            str(Path(__file__).resolve()),
            CHILD,
            str(n),
            str(fires),
            where,
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {f"{m[0]} {m[1]}": int(m[2].replace(",", "")) for m in _COUNT.findall(done.stderr)}


def main() -> None:
    if CHILD in sys.argv:
        at = sys.argv.index(CHILD)
        child(int(sys.argv[at + 1]), int(sys.argv[at + 2]), sys.argv[at + 3])
        return
    ref = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--release=")), "")
    rest = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(rest[0]) if rest else 1_000
    if not ref:
        raise SystemExit("usage: bench/instructions.py --release=REF [N]")
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (apt-get install valgrind); skipped")
        return
    where = "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from engine import release_tree  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory() as d, release_tree(ROOT, ref, Path(d) / "release") as rel:
        runs = [(t, f) for t in (ROOT, rel) for f in (0, n)]
        with ThreadPoolExecutor(2) as pool:
            found = list(pool.map(lambda r: counted(r[0], n, r[1], where), runs))
    per = {}
    for name, (idle, busy) in (("this tree", found[:2]), (f"release {ref}", found[2:])):
        per[name] = {k: (busy[k] - idle[k]) / n for k in busy}
    ours, theirs = per["this tree"], per[f"release {ref}"]
    print(f"instructions per persisted triage fire ({n:,} fires, cachegrind, on {where}):")
    for name, got in per.items():
        print(
            f"  {name:18s} {got['I refs']:10,.0f} instructions, {got['I1 misses']:7,.0f} I1 "
            f"misses, {got['D1 misses']:7,.0f} D1 misses, {got['LL misses']:6,.0f} LL misses"
        )
    kinds = (("instructions", "I refs"), ("I1", "I1 misses"), ("D1", "D1 misses"))
    ratios = [f"{label} {ours[key] / theirs[key]:.2f}x" for label, key in kinds if theirs[key]]
    print("  ratio this/release: " + ", ".join(ratios))


if __name__ == "__main__":
    main()
