"""Where a case was resolved, and how: the record every ending writes.

"小事不出村、大事不出镇、矛盾不上交" (《信访工作条例》第十五条第三款) is measured by
where cases end: each workflow's ending effects call :func:`record_resolution`,
which puts a :class:`Resolution` overlay on the case — the level, unit and
track that held it at the end, and how it ended. Statistics read it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, evolve
from mediation.rules.base import Context

__all__ = ["RESOLUTION", "Resolution", "record_resolution", "resolution_of"]

RESOLUTION = "resolution"
"""The overlay name."""


@attrs.frozen(slots=True)
class Resolution:
    """How and where a case ended.

    Attributes:
        how: ``agreement``, ``failed``, ``withdrawn``, ``not_accepted``,
            ``transferred_out``, ``handed_off`` (the workflow's words).
        unit: The unit that held the case at the end.
        level: Its level.
        track: The track it was on, if the workflow has tracks.
        at: When it ended.
        referrals: How many times it moved between units before.
    """

    how: str
    unit: str
    level: str | None
    track: str | None
    at: dt.datetime
    referrals: int = 0


def record_resolution(case: Case, ctx: Context[Any], how: str, track: str | None) -> Case:
    """The case with its resolution recorded (the unit and level that hold it now)."""
    moves = getattr(case.details, "referrals", ())
    taken = sum(1 for r in moves if getattr(r, "outcome", "taken") != "returned")
    found = Resolution(how, case.unit, case.level, track, ctx.at, taken)
    return evolve(case, overlays=case.overlays.set(RESOLUTION, found))


def resolution_of(case: Case) -> Resolution | None:
    """The case's resolution, if it has ended."""
    found = case.overlays.get(RESOLUTION)
    return found if isinstance(found, Resolution) else None
