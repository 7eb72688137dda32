"""A workflow defined only here, for the tests: 法律咨询 (a legal consultation).

It touches no core module: its own states and triggers, details type, intake
inputs, a clock from a period of its own, a step outside its graph, and a
document with its own template directory. The engine, model, codec, journal
and store run it as they run the built-in workflows.

    received --answer--> answered --close--> closed
    record_referral: a step outside the graph, in any open state
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs

from mediation import (
    Case,
    Context,
    Decision,
    LabeledEnum,
    PeriodRule,
    Role,
    Step,
    Transition,
    WorkflowDefinition,
)
from mediation.documents import DocumentKind, DocumentSpec, Source
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, field, refuse
from mediation.rules.counting import PeriodUnit
from mediation.rules.periods import period

__all__ = ["CHASE", "CONSULTATION", "REFERRAL", "REPLY", "REPLY_DOCUMENT"]


class State(LabeledEnum):
    received = "received", "已登记咨询"
    answered = "answered", "已答复"
    closed = "closed", "已办结"


class Trigger(LabeledEnum):
    answer = "answer", "答复"
    close = "close", "办结"


class ConsultationStep(LabeledEnum):
    record_referral = "record_referral", "记录引导去向"
    chase = "chase", "催告答复"


REPLY = PeriodRule(
    id="consultation_reply",
    name_zh="法律咨询答复",
    length=5,
    unit=PeriodUnit.working_days,
    starts_on="登记之日",
    basis="测试用约定期限（非法定）",
    status="PRACTICE",
    soft=True,
)
FOLLOW_UP = period("callback_visit")


@attrs.frozen
class ConsultationDetails:
    question: str = ""
    answer: str = ""
    referred_to: str = ""


@attrs.frozen
class AskInputs:
    question: str = field("咨询问题")


@attrs.frozen
class AnswerInputs:
    answer: str = field("答复内容")
    cited: str = field("依据", default="")


@attrs.frozen
class ReferralInputs:
    to: str = field("引导去向")


def _details(case: Case) -> ConsultationDetails:
    assert isinstance(case.details, ConsultationDetails)
    return case.details


def on_intake(case: Case, ctx: Context[AskInputs]) -> Case:
    case = attrs.evolve(case, details=ConsultationDetails(question=ctx.inputs.question))
    return deadlines.open_clock(case, ctx, REPLY)


def answer_guard(case: Case, ctx: Context[AnswerInputs]) -> Decision:
    if len(ctx.inputs.answer.strip()) < 4:
        return refuse("answer", "答复过于简略，须写明处理意见", "测试流程规则第1条")
    return ALLOW


def on_answer(case: Case, ctx: Context[AnswerInputs]) -> Case:
    case = deadlines.close(case, ctx, (REPLY,))
    details = attrs.evolve(_details(case), answer=ctx.inputs.answer.strip())
    return deadlines.open_clock(attrs.evolve(case, details=details), ctx, FOLLOW_UP)


def on_close(case: Case, ctx: Context[Any]) -> Case:
    return deadlines.close(case, ctx)


@attrs.frozen
class Referral:
    """An overlay: where the consultant was sent, and when (independent of the workflow)."""

    to: str
    at: dt.datetime


def on_referral(case: Case, ctx: Context[ReferralInputs]) -> Case:
    details = attrs.evolve(_details(case), referred_to=ctx.inputs.to)
    return attrs.evolve(
        case,
        details=details,
        flags=case.flags | {"referred"},
        overlays=case.overlays.set("referral", Referral(ctx.inputs.to, ctx.at)),
    )


def facts(case: Case, policy: Any) -> dict[str, Any]:
    found = _details(case)
    return {"question": found.question, "answer": found.answer, "referred_to": found.referred_to}


CONSULTATION = WorkflowDefinition(
    name="consultation",
    version=1,
    kind="consultation",
    label="法律咨询",
    states=State,
    triggers=Trigger,
    initial=State.received,
    finals=frozenset({State.closed}),
    closed=frozenset({State.closed}),
    transitions=(
        Transition(
            Trigger.answer,
            State.received,
            State.answered,
            guards=answer_guard,
            effects=on_answer,
            roles={Role.mediator},
            inputs=AnswerInputs,
        ),
        Transition(
            Trigger.close, State.answered, State.closed, effects=on_close, roles={Role.director}
        ),
    ),
    details=ConsultationDetails,
    intake_inputs=AskInputs,
    intake_effects=on_intake,
    intake_roles={Role.clerk},
    clocks=(REPLY, FOLLOW_UP),
    documents=("consultation_reply",),
    facts=facts,
)

REFERRAL = Step(
    ConsultationStep.record_referral,
    inputs=ReferralInputs,
    roles={Role.mediator},
    effects=on_referral,
    workflows=frozenset({"consultation"}),
    overlays={"referral": Referral},
)


def chase_guard(case: Case, ctx: Context[Any]) -> Decision:
    if "chased" in case.flags:
        return refuse("chase", "已催告", "测试流程规则第2条")
    if not any(d.period == REPLY.id and d.is_open for d in case.deadlines):
        return refuse("chase", "已答复，无须催告", "测试流程规则第2条")
    return ALLOW


def on_chase(case: Case, ctx: Context[Any]) -> Case:
    return attrs.evolve(case, flags=case.flags | {"chased"})


CHASE = Step(
    ConsultationStep.chase,
    roles={Role.director},
    guards=chase_guard,
    effects=on_chase,
    workflows=frozenset({"consultation"}),
    listed=False,
    on_due=REPLY,
)
"""Taken by the scanner (:meth:`Engine.run_scheduled`) once the reply falls due."""


def _reply(src: Source) -> dict[str, Any]:
    answered = src.last("answer")
    return {
        "answered_at": answered.at.date().isoformat() if answered is not None else "",
        "states": [src.definition.label_of(e.dest) for e in src.history],
    }


REPLY_DOCUMENT = DocumentSpec(
    DocumentKind("consultation_reply", "法律咨询答复书", "测试流程"),
    _reply,
    templates=Path(__file__).with_name("templates"),
)
