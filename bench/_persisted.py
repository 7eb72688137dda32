"""One run of line (b) — persisted ``triage`` fires on an SQLite file — by one procedure for
whichever release of the library is importable, so two releases are timed alike.

Run by ``bench/engine.py --release=REF`` in a child process, once with this tree's
``src`` and once with the release's (its ``bench/engine.py`` gives the intakes)::

    cd TREE && PYTHONPATH=TREE/src python /path/to/bench/_persisted.py N [DIR [PAGES]] [--v1]

``DIR``: where the database file goes (default: the system's temporary directory; a RAM
disk such as ``/dev/shm`` leaves the disk out and times the processor's work alone).
``PAGES``: copy the log back every so many pages instead of the store's own setting (this
tree only: 1,000 is the release's, SQLite's default). ``--v1``: this tree on release 0.1's
law (``_same.py``).

Prints the microseconds per fire. The procedure: N intakes; the intakes' log copied
into the database (it is not the fires' to copy); one ``triage`` fire per case, each
its own transaction; then the log the fires wrote copied back, inside the timed region.
Each store copies its log back when its own setting says (the release every 1,000 pages,
this tree every 10,000): with the last copy timed, neither leaves work after the clock.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd() / "bench"))

from _same import ARGS, engine_options, intakes  # type: ignore[import-not-found]
from engine import AT1  # type: ignore[import-not-found]  # the tree's own bench

from mediation import Engine
from mediation._demo import CLERK, policy


def _copy_log(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        conn.close()


def main() -> None:
    n = int(ARGS[0])
    where = ARGS[1] if len(ARGS) > 1 else None
    pages = int(ARGS[2]) if len(ARGS) > 2 else None
    kwargs, workflow = engine_options()
    with tempfile.TemporaryDirectory(dir=where) as d:
        path = Path(d) / "b.db"
        if pages is None:
            engine = Engine.sqlite(str(path), policy=policy(), **kwargs)
        else:
            from mediation.store.sql import SqlStore

            engine = Engine(
                SqlStore.sqlite(path, wal_autocheckpoint=pages), policy=policy(), **kwargs
            )
        ids = intakes(engine, n, 0, workflow)
        _copy_log(path)
        began = time.perf_counter()
        for cid in ids:
            engine.fire(cid, "triage", actor=CLERK, at=AT1, track="people", level="village")
        _copy_log(path)
        took = time.perf_counter() - began
        engine.close()
    print(f"{took / n * 1e6:.1f}")


if __name__ == "__main__":
    main()
