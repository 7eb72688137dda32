"""What the command lines share about database files on disk."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

COMPANIONS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database file."""


def with_companions(db: Path) -> list[Path]:
    """``db`` and the files SQLite may keep beside it."""
    return [db, *(db.with_name(db.name + suffix) for suffix in COMPANIONS)]


@contextlib.contextmanager
def removed_on_failure(db: Path) -> Iterator[None]:
    """Remove ``db`` and its companions again if the body fails and created them: a
    refused command leaves nothing behind (a file that was there stays)."""
    paths = with_companions(db)
    existed = {path for path in paths if os.path.lexists(path)}
    try:
        yield
    except BaseException:
        if db not in existed:
            for path in paths:
                if path not in existed:
                    with contextlib.suppress(OSError):
                        path.unlink()
        raise
