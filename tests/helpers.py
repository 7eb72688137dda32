"""Small builders shared by the tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mediation import Actor, Case, Engine, Role
from mediation._demo import CLERK, DIRECTOR, MEDIATOR, agreement, at, parties

__all__ = [
    "ADMIN",
    "CLERK",
    "DIRECTOR",
    "MEDIATOR",
    "agreement",
    "at",
    "intake",
    "parties",
    "to_state",
]

ADMIN = Actor("admin", {Role.admin.value}, "qt", "管理员")


def intake(engine: Engine, *, when: dt.datetime | None = None, **overrides: Any) -> Case:
    """Register the demo dispute (or a variant) at the village committee."""
    kwargs: dict[str, Any] = {
        "kind": "dispute",
        "channel": "walk_in",
        "category": "neighbor",
        "parties": parties(),
        "summary": "邻里排水纠纷",
        "unit": "qt-dm-dmc",
        "actor": CLERK,
        "at": when or at("2026-03-02", 9, 0),
    }
    kwargs.update(overrides)
    return engine.intake(**kwargs)


def to_state(engine: Engine, case_id: str, target: str) -> Case:
    """Drive a case along the happy path until it reaches ``target``."""
    steps: list[tuple[str, Actor, dt.datetime, dict[str, Any]]] = [
        ("triage", CLERK, at("2026-03-02", 10), {"track": "people", "level": "village"}),
        ("accept", CLERK, at("2026-03-02", 11), {}),
        ("start_mediation", MEDIATOR, at("2026-03-03", 9), {"mediators": [MEDIATOR.id]}),
        ("agree", MEDIATOR, at("2026-03-06", 9), {"agreement": agreement()}),
        ("begin_performance", MEDIATOR, at("2026-03-09", 9), {}),
        ("confirm_performed", MEDIATOR, at("2026-03-18", 9), {}),
        ("start_callback", MEDIATOR, at("2026-03-30", 9), {}),
        ("record_callback", MEDIATOR, at("2026-03-30", 10), {"visitor": "陈调解"}),
        ("close", DIRECTOR, at("2026-03-31", 9), {}),
        ("archive", CLERK, at("2026-04-01", 9), {}),
    ]
    case = engine.get(case_id, actor=Actor.system())
    for trigger, actor, when, data in steps:
        if case.state == target:
            return case
        case = engine.fire(case_id, trigger, actor=actor, at=when, **data)
    assert case.state == target, f"{case.state} != {target}"
    return case
