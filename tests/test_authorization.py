"""Authorization on every read and write: units scope data, roles gate steps, moves check both ends.

Issue 8 §1: an actor without a unit is refused unless it is a system actor;
supervise authorizes its actor; a move is checked against the destination as
well as the source; reads are scoped like writes; one string is not a set of
roles.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest

from mediation import (
    Actor,
    AuthorizationError,
    Engine,
    OrgTree,
    Policy,
    Role,
    Unit,
    ValidationError,
)

from .conftest import make_engine
from .helpers import CLERK, MEDIATOR, at, hard_limits, intake, to_state

ORG = OrgTree(
    [
        Unit("qt", "青田县矛调中心", "county", None, "青调"),
        Unit("qt-dm", "东门镇人民调解委员会", "town", "qt", "东镇调"),
        Unit("qt-dm-dmc", "东门村人民调解委员会", "village", "qt-dm", "东调"),
        Unit("qt-dm-xc", "西村人民调解委员会", "village", "qt-dm", "西调"),
        Unit("qt-hs", "鹤城街道人民调解委员会", "town", "qt", "鹤调"),
    ]
)
WEST_CLERK = Actor("west", {"clerk", "mediator", "director"}, "qt-dm-xc", "西村")
TOWN = Actor("town", {"clerk", "director", "leader"}, "qt-dm", "镇")
OTHER_TOWN = Actor("hs", {"clerk", "director", "leader", "admin"}, "qt-hs", "鹤城")


@pytest.fixture
def engine(backend: str) -> Iterator[Engine]:
    eng = make_engine(backend, policy=hard_limits(Policy(org=ORG)), reader=None)
    try:
        yield eng
    finally:
        eng.close()


def _snapshot(engine: Engine, case_id: str) -> tuple[object, int]:
    system = Actor.system()
    return engine.get(case_id, actor=system), len(engine.history(case_id, actor=system))


def test_an_actor_without_a_unit_is_refused_unless_system(engine: Engine) -> None:
    """No unit, no scope: refused everything; Actor.system() is the explicit exception."""
    nobody = Actor("ghost", {"clerk", "admin"}, None)
    with pytest.raises(AuthorizationError):
        intake(engine, actor=nobody)
    case = intake(engine)
    before = _snapshot(engine, case.id)
    with pytest.raises(AuthorizationError):
        engine.fire(
            case.id,
            "triage",
            actor=nobody,
            at=at("2026-03-02", 10),
            track="people",
            level="village",
        )
    with pytest.raises(AuthorizationError):
        engine.get(case.id, actor=nobody)
    assert _snapshot(engine, case.id) == before
    done = engine.fire(
        case.id,
        "triage",
        actor=Actor.system(),
        at=at("2026-03-02", 10),
        track="people",
        level="village",
    )
    assert done.state == "triaged"


def test_supervise_authorizes_its_actor(engine: Engine) -> None:
    """An actor with no role that supervises writes nothing; a leader in scope may."""
    case = intake(engine)
    late = at("2026-04-01", 9)
    with pytest.raises(AuthorizationError):
        engine.supervise(at=late, actor=Actor("x", frozenset(), "qt-dm-dmc"))
    assert len(engine.history(case.id, actor=Actor.system())) == 1
    with pytest.raises(AuthorizationError):
        engine.supervise(at=late, actor=OTHER_TOWN)  # a leader, but not of this town
    events = engine.supervise(at=late, actor=TOWN)
    assert [e.trigger for e in events] == ["supervise"]


def test_a_move_is_authorized_at_the_destination_too(engine: Engine) -> None:
    """A step that moves a case needs the actor's authority at the destination; a
    referral (a step that sends) is authorized where the case is, and its rules
    decide where it may go (up one level, across to a sibling — not anywhere)."""
    from mediation import LabeledEnum, Step
    from mediation.rules.base import field

    class Move(LabeledEnum):
        relocate = "relocate", "改变承办单位"

    @attrs.frozen
    class To:
        unit: str = field("单位")

    engine.register(
        Step(
            Move.relocate,
            inputs=To,
            roles={Role.clerk},
            effects=lambda case, ctx: attrs.evolve(case, unit=ctx.inputs.unit),
        )
    )
    case = intake(engine)
    before = _snapshot(engine, case.id)
    with pytest.raises(AuthorizationError, match="qt-dm-xc"):
        engine.fire(case.id, "relocate", actor=CLERK, at=at("2026-03-02", 10), unit="qt-dm-xc")
    assert _snapshot(engine, case.id) == before
    moved = engine.fire(case.id, "relocate", actor=TOWN, at=at("2026-03-02", 10), unit="qt-dm-xc")
    assert moved.unit == "qt-dm-xc"
    with pytest.raises(AuthorizationError):
        engine.get(case.id, actor=CLERK)  # it left the east village's scope

    other = intake(engine)
    with pytest.raises(ValidationError, match="across"):
        engine.fire(
            other.id, "refer", actor=CLERK, at=at("2026-03-02", 10), to="qt-hs", reason="complex"
        )
    sent = engine.fire(
        other.id, "refer", actor=CLERK, at=at("2026-03-02", 10), to="qt-dm", reason="complex"
    )
    assert (sent.unit, sent.level, sent.state) == ("qt-dm", "town", "referred")
    with pytest.raises(AuthorizationError):
        engine.get(other.id, actor=CLERK)  # now the town's
    assert engine.get(other.id, actor=TOWN).unit == "qt-dm"


def test_reads_are_scoped_like_writes(engine: Engine) -> None:
    """Another village sees nothing of this case: not by id, not in lists, not its documents."""
    case = to_state(engine, intake(engine).id, "accepted")
    for read in (
        lambda: engine.get(case.id, actor=WEST_CLERK),
        lambda: engine.history(case.id, actor=WEST_CLERK),
        lambda: engine.render(case.id, "registration", actor=WEST_CLERK),
        lambda: engine.available_triggers(case.id, WEST_CLERK, at("2026-03-03")),
        lambda: engine.explain(case.id, case.open_deadlines[0].id, actor=WEST_CLERK),
        lambda: engine.verify(case.id, actor=WEST_CLERK),
        lambda: engine.replay(case.id, actor=WEST_CLERK),
        lambda: engine.fire(case.id, "start_mediation", actor=WEST_CLERK, at=at("2026-03-03")),
    ):
        with pytest.raises(AuthorizationError):
            read()
    assert engine.find(actor=WEST_CLERK) == []
    assert engine.due(at=at("2026-06-01"), actor=WEST_CLERK) == []
    assert [c.id for c in engine.find(actor=CLERK)] == [case.id]
    assert [c.id for c in engine.find(actor=TOWN, within="qt-dm-dmc")] == [case.id]
    assert engine.find(actor=OTHER_TOWN, within="qt-hs") == []
    assert [i.case_id for i in engine.due(at=at("2026-06-01"), actor=TOWN)] == [case.id]
    assert engine.get(case.id, actor=MEDIATOR).id == case.id


def test_reads_name_their_actor_unless_the_engine_has_a_system_reader(engine: Engine) -> None:
    """No actor and no default reader: refused, with how to choose the system scope."""
    case = intake(engine)
    with pytest.raises(AuthorizationError, match=r"reader=Actor\.system\(\)"):
        engine.get(case.id)
    with pytest.raises(AuthorizationError):
        engine.find()


def test_one_string_is_not_a_set_of_roles() -> None:
    """Actor("x", "admin") would be the roles {a, d, i, m, n}: refused."""
    with pytest.raises(ValidationError, match="roles"):
        Actor("x", "admin")  # type: ignore[arg-type]
