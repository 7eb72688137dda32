"""Small builders shared by the tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from mediation import Actor, Case, Engine, Place, Role
from mediation._demo import CLERK, DIRECTOR, MEDIATOR, agreement, at, parties

__all__ = [
    "ADMIN",
    "CLERK",
    "DIRECTOR",
    "MEDIATOR",
    "SIGNATURES",
    "agreement",
    "alembic",
    "at",
    "hard_limits",
    "intake",
    "parties",
    "signed_by_all",
    "to_state",
]

ADMIN = Actor("admin", {Role.admin.value}, "qt", "管理员")


def intake(engine: Engine, *, when: dt.datetime | None = None, **overrides: Any) -> Case:
    """Register the demo dispute (or a variant) at the village committee.

    The tests register the same matter many times on one engine: the clerk's
    decision to open another case is recorded (as the dispute workflow asks
    when an open case on the same matter exists).
    """
    kwargs: dict[str, Any] = {
        "kind": "dispute",
        "channel": "walk_in",
        "category": "neighbor",
        "parties": parties(),
        "summary": "邻里排水纠纷",
        "location": [Place("青田县", "331121000000"), Place("东门镇"), Place("东门村")],
        "unit": "qt-dm-dmc",
        "actor": CLERK,
        "at": when or at("2026-03-02", 9, 0),
        "details": {"duplicate_decision": "new_case", "duplicate_reason": "测试：另行立案"},
    }
    kwargs.update(overrides)
    dispute = kwargs.get("workflow") in (None, "dispute") and kwargs.get("kind") == "dispute"
    if not dispute and "details" not in overrides:
        del kwargs["details"]
    return engine.intake(**kwargs)


_SIGNED = at("2026-03-06", 10)
SIGNATURES: list[tuple[str, Actor, dt.datetime, dict[str, Any]]] = [
    *[
        ("sign", MEDIATOR, _SIGNED, {"party": pid, "capacity": "party", "signed_at": _SIGNED})
        for pid in ("p1", "p2", "p3")
    ],
    ("sign", MEDIATOR, _SIGNED, {"signer": "陈调解", "capacity": "mediator", "signed_at": _SIGNED}),
    (
        "sign",
        MEDIATOR,
        _SIGNED,
        {"signer": "东门村人民调解委员会", "capacity": "committee", "signed_at": _SIGNED},
    ),
]
"""Every party's, the mediator's signature and the committee's seal on the demo agreement."""


def happy_path() -> list[tuple[str, Actor, dt.datetime, dict[str, Any]]]:
    """The demo case's steps from registration to the archive: (trigger, actor, when, inputs)."""
    return [
        ("triage", CLERK, at("2026-03-02", 10), {"track": "people", "level": "village"}),
        ("accept", CLERK, at("2026-03-02", 11), {"other_side_consents": True}),
        ("inform_rights", CLERK, at("2026-03-02", 11, 30), {}),
        ("start_mediation", MEDIATOR, at("2026-03-03", 9), {"mediators": [MEDIATOR.id]}),
        ("agree", MEDIATOR, at("2026-03-06", 9), {"agreement": agreement()}),
        *SIGNATURES,
        ("begin_performance", MEDIATOR, at("2026-03-09", 9), {}),
        ("confirm_performed", MEDIATOR, at("2026-03-18", 9), {}),
        ("start_callback", MEDIATOR, at("2026-03-30", 9), {}),
        (
            "record_callback",
            MEDIATOR,
            at("2026-03-30", 10),
            {"visitor": "陈调解", "party": "p1", "finding": "performed"},
        ),
        ("close", DIRECTOR, at("2026-03-31", 9), {}),
        ("archive", CLERK, at("2026-04-01", 9), {}),
    ]


def to_state(engine: Engine, case_id: str, target: str) -> Case:
    """Drive a case along the happy path until it reaches ``target``."""
    case = engine.get(case_id, actor=Actor.system())
    for trigger, actor, when, data in happy_path():
        if case.state == target:
            return case
        case = engine.fire(case_id, trigger, actor=actor, at=when, **data)
    assert case.state == target, f"{case.state} != {target}"
    return case


def mediating(engine: Engine, case_id: str, mediators: list[str]) -> Case:
    """Drive a case along the happy path into mediation with these handlers (承办人; none:
    a case nobody handles yet)."""
    to_state(engine, case_id, "accepted")
    engine.fire(case_id, "inform_rights", actor=CLERK, at=at("2026-03-02", 11, 30))
    return engine.fire(
        case_id, "start_mediation", actor=MEDIATOR, at=at("2026-03-03", 9), mediators=mediators
    )


def hard_limits(policy: Any = None) -> Any:
    """A policy (the demo's by default) of a locality that makes the practice targets hard.

    Nationally the acceptance decision (3 working days) and the one-month
    mediation period are targets (一般…): they warn and are not supervised. A
    county may make them binding: then they are supervised like statutory limits.
    """
    import attrs

    from mediation._demo import policy as demo_policy
    from mediation.rules.periods import PERIODS

    table = dict(PERIODS)
    for pid in ("dispute_acceptance", "people_mediation"):
        table[pid] = attrs.evolve(table[pid], soft=False)
    return attrs.evolve(policy or demo_policy(), periods=table)


def signed_by_all(
    case: Case, when: dt.datetime, mediator: str, committee: str
) -> list[dict[str, Any]]:
    """The signatures of a written agreement signed at ``when`` by every principal party,
    the mediator and the committee (or the organ): it takes effect then (第二十九条)."""
    return [{"party": p.id, "capacity": "party", "signed_at": when} for p in case.principals] + [
        {"capacity": "mediator", "signer": mediator, "signed_at": when},
        {"capacity": "committee", "signer": committee, "signed_at": when},
    ]


def alembic(path: Path, action: str, target: str) -> None:
    """Run Alembic ``upgrade``/``downgrade`` to ``target`` on the SQLite file ``path``, with
    the store's migrations, as the store runs them."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    import mediation.store

    cfg = Config()
    cfg.set_main_option(
        "script_location", str(Path(mediation.store.__file__).with_name("migrations"))
    )
    eng = sa.create_engine(f"sqlite:///{path}")
    try:
        with eng.connect() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, action)(cfg, target)
            conn.commit()
    finally:
        eng.dispose()


def sqlite_indexes(path: Path) -> set[str]:
    """The names of the indexes in the SQLite file ``path``."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {r[0] for r in rows}


def alembic_revision(path: Path) -> str:
    """The schema revision Alembic recorded in the SQLite file ``path``."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
