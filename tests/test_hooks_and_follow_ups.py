"""Rules across workflows (hooks), and steps that act on other cases (follow-ups).

Both are extension points the later features stand on: 领导包案's sign-off
before any case closes and the record of where a case was resolved are hooks;
访调对接 (a petition handed to people's mediation, the result flowing back)
is a step that opens a linked case, and a step that notifies the first. The
workflows, steps and hooks here are written in this file only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest

from mediation import (
    Actor,
    Case,
    Context,
    Decision,
    Engine,
    Hook,
    LabeledEnum,
    Link,
    LinkKind,
    Risk,
    Role,
    RuleRejectedError,
    Step,
    Transition,
    ValidationError,
    WorkflowDefinition,
)
from mediation.rules.base import ALLOW, NoInputs, field, refuse
from mediation.workflows.definition import Site, closing

from .conftest import make_engine
from .helpers import CLERK, DIRECTOR, at, parties


class State(LabeledEnum):
    open = "open", "办理中"
    waiting = "waiting", "等待结果"
    done = "done", "办结"


class Trigger(LabeledEnum):
    hand_off = "hand_off", "移交"
    result = "result", "收到结果"
    close = "close", "办结"


class Extra(LabeledEnum):
    sign_off = "sign_off", "包案领导签字"
    put_under_leader = "put_under_leader", "领导包案"


@attrs.frozen
class Leader:
    """An overlay: the case is under a leader (包案), signed off or not."""

    leader: str
    signed: bool = False


@attrs.frozen
class Resolved:
    """An overlay the closing hook writes: where the case ended."""

    unit: str
    level: str | None
    state: str


@attrs.frozen
class HandOffInputs:
    unit: str = field("接收单位")


@attrs.frozen
class ResultInputs:
    outcome: str = field("结果")


@attrs.frozen
class LeaderInputs:
    leader: str = field("包案领导")


def on_hand_off(case: Case, ctx: Context[HandOffInputs]) -> Case:
    ctx.open_case(
        workflow="receiving",
        unit=ctx.inputs.unit,
        channel="walk_in",
        category=case.category,
        parties=case.parties,
        summary=case.summary,
        note="访调对接",
        overlays={k: v for k, v in case.overlays.items() if k == "leader"},
        risk=case.risk,
    )
    return case


def on_result(case: Case, ctx: Context[ResultInputs]) -> Case:
    return attrs.evolve(case, outcome=ctx.inputs.outcome)


def report_back(case: Case, ctx: Context[ResultInputs]) -> Case:
    origin = next(link for link in case.links if link.kind is LinkKind.handed_off_from)
    ctx.notify(origin.case_id, "result", outcome=ctx.inputs.outcome)
    return attrs.evolve(case, outcome=ctx.inputs.outcome)


SENDING = WorkflowDefinition(
    name="sending",
    version=1,
    kind="sending",
    label="移交方",
    states=State,
    triggers=Trigger,
    initial=State.open,
    finals=frozenset({State.done}),
    closed=frozenset({State.done}),
    transitions=(
        Transition(
            Trigger.hand_off,
            State.open,
            State.waiting,
            effects=on_hand_off,
            inputs=HandOffInputs,
            roles={Role.clerk},
        ),
        Transition(
            Trigger.result,
            State.waiting,
            State.done,
            effects=on_result,
            inputs=ResultInputs,
            roles={Role.clerk},
        ),
        Transition(Trigger.close, State.open, State.done, roles={Role.director}),
    ),
)


class RState(LabeledEnum):
    received = "received", "已接收"
    finished = "finished", "已办结"


class RTrigger(LabeledEnum):
    finish = "finish", "办结并反馈"


RECEIVING = WorkflowDefinition(
    name="receiving",
    version=1,
    kind="receiving",
    label="接收方",
    states=RState,
    triggers=RTrigger,
    initial=RState.received,
    finals=frozenset({RState.finished}),
    closed=frozenset({RState.finished}),
    transitions=(
        Transition(
            RTrigger.finish,
            RState.received,
            RState.finished,
            effects=report_back,
            inputs=ResultInputs,
            roles={Role.mediator},
        ),
    ),
)


def put_under_leader(case: Case, ctx: Context[LeaderInputs]) -> Case:
    return attrs.evolve(case, overlays=case.overlays.set("leader", Leader(ctx.inputs.leader)))


def sign(case: Case, ctx: Context[Any]) -> Case:
    found = case.overlays.get("leader")
    if not isinstance(found, Leader):
        return case
    return attrs.evolve(
        case, overlays=case.overlays.set("leader", attrs.evolve(found, signed=True))
    )


def needs_leader(case: Case, ctx: Context[Any]) -> Decision:
    return ALLOW if isinstance(case.overlays.get("leader"), Leader) else refuse("sign", "未包案")


UNDER_LEADER = Step(
    Extra.put_under_leader,
    inputs=LeaderInputs,
    roles={Role.director},
    effects=put_under_leader,
    overlays={"leader": Leader},
)
SIGN_OFF = Step(
    Extra.sign_off, inputs=NoInputs, roles={Role.director}, guards=needs_leader, effects=sign
)


def signed_off(before: Case, after: Case, ctx: Context[Any]) -> Decision:
    found = after.overlays.get("leader")
    if isinstance(found, Leader) and not found.signed:
        return refuse("close", f"包案案件须经包案领导{found.leader}签字销号后方可办结", "测试规则")
    return ALLOW


def record_resolution(case: Case, ctx: Context[Any]) -> Case:
    return attrs.evolve(
        case, overlays=case.overlays.set("resolved", Resolved(case.unit, case.level, case.state))
    )


SIGN_OFF_HOOK = Hook("leader_sign_off", when=closing, checks=signed_off)
RESOLUTION_HOOK = Hook(
    "resolution", when=closing, effects=record_resolution, overlays={"resolved": Resolved}
)


def _engine(spec: str) -> Engine:
    engine = make_engine(spec)
    for item in (SENDING, RECEIVING, UNDER_LEADER, SIGN_OFF, SIGN_OFF_HOOK, RESOLUTION_HOOK):
        engine.register(item)
    return engine


def _register(engine: Engine, workflow: str = "sending", risk: str = "low") -> Case:
    return engine.intake(
        workflow=workflow,
        risk=risk,
        channel="walk_in",
        category="neighbor",
        parties=parties(),
        summary="邻里排水纠纷",
        unit="qt-dm-dmc",
        actor=CLERK,
        at=at("2026-03-02", 9),
    )


@pytest.fixture(params=["memory", "sqlite"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    spec = "memory" if request.param == "memory" else f"sqlite:///{tmp_path / 'h.db'}"
    eng = _engine(spec)
    yield eng
    eng.close()


def test_a_hook_refuses_closing_any_workflow_until_the_leader_signs(engine: Engine) -> None:
    """The check runs on every closing step of every workflow, in fire and in
    available_triggers alike, and its refusal writes nothing."""
    case = _register(engine)
    engine.fire(case.id, "put_under_leader", actor=DIRECTOR, at=at("2026-03-03"), leader="县长")
    before = engine.history(case.id)
    with pytest.raises(RuleRejectedError, match="签字销号"):
        engine.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-04"))
    assert engine.history(case.id) == before
    (option,) = [
        o
        for o in engine.available_triggers(case.id, DIRECTOR, at("2026-03-04"))
        if o.trigger == "close"
    ]
    assert not option.allowed
    assert "签字销号" in option.reason
    engine.fire(case.id, "sign_off", actor=DIRECTOR, at=at("2026-03-05"))
    done = engine.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-06"))
    assert done.overlays.get("resolved") == Resolved("qt-dm-dmc", None, "done")
    assert engine.verify(case.id).ok


def test_a_hook_selects_by_site() -> None:
    """`closing` selects open → closed steps only; a hook may select by name too."""
    site = Site(SENDING, "close", "open", "done", False)
    assert closing(site)
    assert not closing(Site(SENDING, "hand_off", "open", "waiting", False))
    with pytest.raises(Exception, match="identifier"):
        Hook("not a name")


def test_a_hook_runs_only_on_the_cases_its_test_admits(tmp_path: Path) -> None:
    """``only_if`` on the decided case: a hook selected on every step runs its check and
    effect where the test holds (a case under a leader) and is skipped elsewhere, in fire,
    in available_triggers and in replay alike; a test that is not callable is refused."""
    seen: list[str] = []

    def refuse_unsigned(before: Case, after: Case, ctx: Context[Any]) -> Decision:
        seen.append(after.id)
        return signed_off(before, after, ctx)

    def led(case: Case) -> bool:
        return "leader" in case.overlays

    hook = Hook("led_only", when=closing, checks=refuse_unsigned, only_if=led)
    engine = make_engine("memory")
    for item in (SENDING, UNDER_LEADER, SIGN_OFF, hook):
        engine.register(item)
    plain, under = _register(engine), _register(engine)
    engine.fire(under.id, "put_under_leader", actor=DIRECTOR, at=at("2026-03-03"), leader="县长")
    engine.fire(plain.id, "close", actor=DIRECTOR, at=at("2026-03-04"))
    assert seen == []
    with pytest.raises(RuleRejectedError, match="签字销号"):
        engine.fire(under.id, "close", actor=DIRECTOR, at=at("2026-03-04"))
    assert seen == [under.id]
    engine.fire(under.id, "sign_off", actor=DIRECTOR, at=at("2026-03-05"))
    engine.fire(under.id, "close", actor=DIRECTOR, at=at("2026-03-06"))
    assert engine.verify(plain.id).ok
    assert engine.verify(under.id).ok
    with pytest.raises(Exception, match="callable"):
        Hook("bad_test", only_if="leader")  # type: ignore[arg-type]


def test_a_step_opens_a_linked_case_and_the_result_flows_back(engine: Engine) -> None:
    """访调对接 in miniature: the hand-off opens a case at the receiving unit, linked
    both ways, in one transaction; finishing it takes the result step on the first."""
    case = _register(engine)
    handed = engine.fire(case.id, "hand_off", actor=CLERK, at=at("2026-03-03"), unit="qt-dm")
    (link,) = handed.links
    assert link.kind is LinkKind.handed_off_to
    other = engine.get(link.case_id)
    assert other.workflow == "receiving"
    assert other.unit == "qt-dm"
    assert other.links == (Link(LinkKind.handed_off_from, case.id, "访调对接"),)
    assert [p.name for p in other.parties] == [p.name for p in case.parties]
    assert engine.history(other.id)[0].actor == f"system:{CLERK.id}"
    mediator = Actor("m", {Role.mediator.value}, "qt-dm", "镇调解员")
    engine.fire(other.id, "finish", actor=mediator, at=at("2026-03-10"), outcome="达成协议")
    back = engine.get(case.id)
    assert back.state == "done"
    assert back.outcome == "达成协议"
    assert back.overlays.get("resolved") is not None
    for cid in (case.id, other.id):
        assert engine.verify(cid).ok
        assert engine.replay(cid) == engine.get(cid)


def test_an_overlay_carries_over_to_the_case_handed_off_to(engine: Engine) -> None:
    """A 包案 assignment survives the hand-off: the new case starts under the same leader,
    and cannot close without that leader's sign-off either."""
    case = _register(engine)
    engine.fire(case.id, "put_under_leader", actor=DIRECTOR, at=at("2026-03-03"), leader="县长")
    handed = engine.fire(case.id, "hand_off", actor=CLERK, at=at("2026-03-04"), unit="qt-dm")
    other = engine.get(handed.links[0].case_id)
    assert other.overlays.get("leader") == Leader("县长")
    assert engine.verify(other.id).ok
    with pytest.raises(ValidationError, match=r"overlays\.nope"):
        engine.intake(
            workflow="receiving",
            channel="walk_in",
            category="neighbor",
            parties=parties(),
            summary="x",
            unit="qt-dm-dmc",
            actor=CLERK,
            overlays={"nope": Leader("x")},
        )


def test_the_case_handed_off_to_keeps_the_matter_s_risk(engine: Engine) -> None:
    """A high-risk matter stays high-risk where it goes: the step that opens the case passes
    its escalation risk on (``open_case(risk=…)``), recorded in the new case's intake."""
    case = _register(engine, risk="high")
    handed = engine.fire(case.id, "hand_off", actor=CLERK, at=at("2026-03-04"), unit="qt-dm")
    other = engine.get(handed.links[0].case_id)
    assert other.risk is Risk.high
    assert engine.verify(other.id).ok
    assert engine.replay(other.id) == other
    low = _register(engine)
    handed = engine.fire(low.id, "hand_off", actor=CLERK, at=at("2026-03-04"), unit="qt-dm")
    assert engine.get(handed.links[0].case_id).risk is Risk.low


def test_a_refused_follow_up_refuses_the_step_and_writes_nothing(engine: Engine) -> None:
    """A hand-off to an unknown unit: the new case cannot be registered, so the step
    is refused; neither case nor link nor event is written."""
    case = _register(engine)
    before = engine.history(case.id)
    count = len(engine.find())
    with pytest.raises(ValidationError, match="unit"):
        engine.fire(case.id, "hand_off", actor=CLERK, at=at("2026-03-03"), unit="nowhere")
    assert engine.history(case.id) == before
    assert engine.get(case.id).links == ()
    assert len(engine.find()) == count
    # a refused notify (the origin is not waiting) refuses the step that sent it
    other = engine.fire(case.id, "hand_off", actor=CLERK, at=at("2026-03-04"), unit="qt-dm")
    target = other.links[0].case_id
    engine.fire(case.id, "put_under_leader", actor=DIRECTOR, at=at("2026-03-05"), leader="镇长")
    mediator = Actor("m", {Role.mediator.value}, "qt-dm", "镇调解员")
    # available_triggers tries the follow-up too: "allowed" only when fire would succeed
    (option,) = [
        o
        for o in engine.available_triggers(
            target, mediator, at("2026-03-06"), inputs={"finish": {"outcome": "调解不成"}}
        )
        if o.trigger == "finish"
    ]
    assert not option.allowed
    assert "签字销号" in option.reason
    with pytest.raises(RuleRejectedError, match="签字销号"):
        engine.fire(target, "finish", actor=mediator, at=at("2026-03-06"), outcome="调解不成")
    assert engine.get(target).state == "received"
    assert engine.get(case.id).state == "waiting"
