"""What ``bench/_in_memory.py`` and ``bench/_persisted.py`` share: one procedure run
under whichever release of the library is importable (this tree's or release 0.1's).

``--v1`` (this tree only): run version 1 of the dispute workflow — release 0.1's graph
and rules under today's engine, as line (a1) does — instead of the current one, so the
two trees are timed on the same law.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

from engine import intake_many  # type: ignore[import-not-found]  # the tree's own bench

from mediation import Engine

V1 = "--v1" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--v1"]
"""The positional arguments."""


def engine_options() -> tuple[dict[str, Any], str | None]:
    """Keyword arguments for an engine of the importable release, and the workflow to run."""
    options: dict[str, Any] = {}
    if "reader" not in inspect.signature(Engine.__init__).parameters:
        if V1:
            raise SystemExit("--v1: this release has one dispute workflow only")
        return options, None
    import attrs

    from mediation import Actor

    options["reader"] = Actor.system()
    if not V1:
        return options, None
    from mediation.workflows.dispute import DISPUTE_V1

    v1 = attrs.evolve(DISPUTE_V1, name="dispute_r01")
    options["workflows"] = [v1]
    return options, v1.name


def intakes(engine: Engine, n: int, first: int, workflow: str | None) -> list[str]:
    """``n`` registrations, each with its own parties where the release tells them apart
    (the same people twice is a duplicate intake in this tree)."""
    if "first" in inspect.signature(intake_many).parameters:
        return list(intake_many(engine, n, first, workflow))
    return list(intake_many(engine, n))
