"""One run of line (a) — in-memory fires — by one procedure for whichever release of the
library is importable, so two releases are timed alike.

Run by ``bench/engine.py --release=REF`` in a child process, once with this tree's
``src`` and once with the release's (its ``bench/engine.py`` gives the intakes)::

    cd TREE && PYTHONPATH=TREE/src python /path/to/bench/_in_memory.py N [--v1]

Prints the microseconds per fire. The procedure: an in-memory engine; a few cases
fired through the steps first (an engine builds its converters on first use: that is
not a fire's cost); then N cases, each fired through its tree's steps (its
``bench/engine.py``'s ``STEPS``), of which release 0.1's five are timed (triage, accept,
start mediation, suspend, resume). Each tree runs its own dispute workflow: this one's
carries the law added since 0.1, which needs a step more, untimed (the rights told before
mediation starts); with ``--v1`` this tree runs release 0.1's law instead (``_same.py``).

The release's own line (a) times an engine's first calls with its fires, which this
tree's line (a) does not: this script times both trees the same way.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd() / "bench"))

from _same import ARGS, engine_options, intakes  # type: ignore[import-not-found]
from engine import AT1, STEPS  # type: ignore[import-not-found]  # the tree's own bench

from mediation import Engine
from mediation._demo import policy

TIMED = ("triage", "accept", "start_mediation", "suspend", "resume")
"""Release 0.1's five steps, which both trees' dispute workflows have."""

WARM = 20


def main() -> None:
    n = int(ARGS[0])
    options, workflow = engine_options()
    engine = Engine.in_memory(policy=policy(), **options)
    warm = intakes(engine, WARM, 10 * n, workflow)
    ids = intakes(engine, n, 0, workflow)
    # Version 1 has no step of telling the rights: it is fired only where it exists.
    known = None if workflow is None else {t.value for t in engine.definition(workflow).triggers}

    def fire_all(ids: list[str]) -> float:
        took = 0.0
        for name, actor, data in STEPS:
            if known is not None and name not in known:
                continue
            began = time.perf_counter()
            for cid in ids:
                engine.fire(cid, name, actor=actor, at=AT1, **data)
            if name in TIMED:
                took += time.perf_counter() - began
        return took

    fire_all(warm)
    took = fire_all(ids)
    print(f"{took / (n * len(TIMED)) * 1e6:.2f}")


if __name__ == "__main__":
    main()
