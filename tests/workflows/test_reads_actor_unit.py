"""A step may read the unit its actor works in (``reads_actor_unit``); its event logs it.

Rules see the actor as the log knows it, so that a replay sees what the step saw. A rule
that depends on where the actor works (only the organ's own head approves its extension)
needs the unit in the log too. A workflow defined here, 公证 (notarisation), has a
``countersign`` step that only someone of the case's own office may take, and records the
office that signed; its ``note`` step does not read the unit and sees none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from mediation import (
    Actor,
    Case,
    Context,
    Decision,
    Engine,
    LabeledEnum,
    Party,
    Role,
    RuleRejectedError,
    Step,
    Transition,
    WorkflowDefinition,
)
from mediation.rules.base import ALLOW, refuse

from ..conftest import make_engine
from ..helpers import at


class State(LabeledEnum):
    received = "received", "已申请"
    closed = "closed", "已办结"


class Trigger(LabeledEnum):
    close = "close", "办结"


class NotaryStep(LabeledEnum):
    countersign = "countersign", "本处负责人复核签字"
    note = "note", "记录经办人"


@attrs.frozen
class NotaryDetails:
    signed_by: tuple[str, ...] = ()


def own_office_guard(case: Case, ctx: Context[Any]) -> Decision:
    if ctx.actor.unit != case.unit:
        return refuse("countersign", f"复核须由本处负责人签字（{ctx.actor.unit}）", "测试规则第2条")
    return ALLOW


def on_sign(case: Case, ctx: Context[Any]) -> Case:
    seen = ctx.actor.unit or "-"
    return attrs.evolve(case, details=NotaryDetails((*case.details.signed_by, seen)))


NOTARY = WorkflowDefinition(
    name="notary",
    version=1,
    kind="notary",
    label="公证",
    states=State,
    triggers=Trigger,
    initial=State.received,
    finals=frozenset({State.closed}),
    closed=frozenset({State.closed}),
    transitions=(Transition(Trigger.close, State.received, State.closed, roles={Role.clerk}),),
    details=NotaryDetails,
    intake_roles={Role.clerk},
)

COUNTERSIGN = Step(
    NotaryStep.countersign,
    roles={Role.director},
    guards=own_office_guard,
    effects=on_sign,
    workflows=frozenset({"notary"}),
    reads_actor_unit=True,
)

NOTE = Step(
    NotaryStep.note, roles={Role.director}, effects=on_sign, workflows=frozenset({"notary"})
)

CLERK = Actor("clerk", {"clerk"}, "qt-dm-dmc")
HEAD = Actor("head", {"director"}, "qt-dm-dmc")
TOWN_HEAD = Actor("town-head", {"director"}, "qt-dm")


@pytest.fixture
def engine(backend: str) -> Iterator[Engine]:
    eng = make_engine(backend, workflows=[NOTARY], steps=[COUNTERSIGN, NOTE])
    try:
        yield eng
    finally:
        eng.close()


def _apply(e: Engine) -> Case:
    return e.intake(
        workflow="notary",
        channel="walk_in",
        category="other",
        parties=[Party.person("孙公证", role="applicant", phone="13900000003")],
        summary="委托书公证",
        unit="qt-dm-dmc",
        actor=CLERK,
        at=at("2026-03-02", 9),
    )


def test_the_step_sees_the_actors_unit_and_the_log_keeps_it(engine: Engine) -> None:
    """The office's head countersigns; the event logs the office; the case replays and
    verifies (the guard refuses an actor of unknown unit, so a replay that did not read
    the log would fail)."""
    case = _apply(engine)
    signed = engine.fire(case.id, "countersign", actor=HEAD, at=at("2026-03-03", 10))
    assert signed.details == NotaryDetails(("qt-dm-dmc",))
    assert engine.history(case.id)[-1].facts["actor_unit"] == "qt-dm-dmc"
    assert engine.verify(case.id).ok


def test_another_units_head_is_refused_and_nothing_is_written(engine: Engine) -> None:
    """The town's head may act on the committee's cases (its subtree) but is not the
    office's own head: refused, naming the unit, with the same reason offered."""
    case = _apply(engine)
    with pytest.raises(RuleRejectedError, match="qt-dm") as err:
        engine.fire(case.id, "countersign", actor=TOWN_HEAD, at=at("2026-03-03", 10))
    assert engine.get(case.id) == case
    offered = {
        t.trigger: t for t in engine.available_triggers(case.id, TOWN_HEAD, at("2026-03-03"))
    }
    assert not offered["countersign"].allowed
    assert offered["countersign"].reason == err.value.reason
    assert offered["note"].allowed


def test_a_step_that_does_not_read_it_sees_an_id_only(engine: Engine) -> None:
    """``note`` is not declared to read the unit: its rules see none and its event logs
    none; a system actor has no unit either."""
    case = _apply(engine)
    noted = engine.fire(case.id, "note", actor=HEAD, at=at("2026-03-03", 10))
    assert noted.details == NotaryDetails(("-",))
    assert "actor_unit" not in engine.history(case.id)[-1].facts
    with pytest.raises(RuleRejectedError):
        engine.fire(case.id, "countersign", actor=Actor.system(), at=at("2026-03-03", 11))
    assert engine.verify(case.id).ok
