"""The behaviour table of the petition workflow (信访事项办理), with its default numbers.

Every number here is a default a scenario may change under
``[behaviour.petition.<state>.<row>]``. The rows choose which trigger or step
to take and when; the rules of the 《信访工作条例》(2022) decide whether it may
be taken (the engine refuses a row at odds with them, and the runner counts
the refusal as an error).

- ``registered.route``: the petition office (信访部门) 转送 the matter to the
  organ that handles it within 15 日 (第二十二条第一款). ``at_centre`` is the share
  of petitions received in person at a one-stop centre (最多跑一地) that the
  centre keeps; the rest go to the matter's local organ (属地管理、分级负责), which
  takes a permit for a second place first (``registered.permit``).
- ``registered.not_accept``: 不予受理 where the engine found a ground at intake:
  a 越级走访 (第二十条第一款; the petitioner is guided back to the competent
  organ), the same matter already answered or pending (第十九条第三款), or
  concluded by 复核 (第三十六条第三款).
- ``registered.accept``: the receiving organ accepts and tells the petitioner
  within 15 日 (第二十三条第二、三款).
- ``registered.opine``: a 复查 or 复核 opinion within 30 日 (第三十五条, 第三十六条).
- ``registered.baoan``, ``accepted.baoan``: 领导包案 of a case the policy selects
  (a repeat petition at registration, the assignment going on with the matter
  when it is routed; a backlog case at acceptance: 第十八条第二款), by the
  lowest-level leader of the roster over the case at the level the rules ask
  (or one named, without a roster); ``*.sign_off``: the leader's 签字销号 before
  the case may close.
- ``accepted.extend``: the handling period extended by at most 30 日 with the
  organ head's approval, the petitioner told why (第三十四条).
- ``accepted.mediation``: 访调对接 — the matter handed to people's mediation with
  both parties' consent (第三十一条第六项, 第三十三条; 2025 司法部、国家信访局意见);
  the petition waits in ``mediating`` for the result the dispute reports.
- ``accepted.opine``: the handling opinion within 60 日 of acceptance (第三十二条,
  第三十四条); ``support`` and ``explain`` are the shares of the outcomes.
- ``replied.review`` / ``replied.rereview``: the petitioner asks for 复查 within
  30 日 of the reply (第三十五条) or 复核 within 30 日 of the review opinion
  (第三十六条第一款), where there is an organ above; ``replied.conclude``: 办结
  once the 30 日 have run.
- ``concluded.repeat``, ``final.repeat``: the petitioner comes back on the same
  matter (重复信访): a new petition the engine links as a repeat and, after an
  answer or 复核, refuses to accept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from mediation import Actor, Policy, Role, WorkflowDefinition
from mediation.rules import baoan
from mediation.rules.onestop import OVERLAY as ONESTOP
from mediation.rules.onestop import OneStop, OneStopPolicy
from mediation.rules.petition import (
    HANDLING,
    REREVIEW_REQUEST,
    REVIEW_REQUEST,
    PetitionDetails,
    PetitionPolicy,
    PetitionStage,
    details,
)
from mediation.rules.petition_review import reviewer
from mediation.simulation._behaviour import (
    Choice,
    Param,
    Spawn,
    SpawnPlan,
    StateBehaviour,
    StepContext,
    WorkflowBehaviour,
)
from mediation.simulation._distributions import Delay, Keyed
from mediation.simulation._routing import Matter, Routing
from mediation.workflows.baoan import BaoanStep
from mediation.workflows.onestop import OneStopStep
from mediation.workflows.petition import PetitionState, PetitionTrigger
from mediation.workflows.steps import CoreStep

__all__ = ["REPEAT_NOTE", "petition_behaviour", "petition_intake"]

S, T = PetitionState, PetitionTrigger
_ASSIGN = BaoanStep.baoan_assign.value
_SIGN_OFF = BaoanStep.baoan_sign_off.value
_PERMIT = OneStopStep.onestop_permit.value
_EXTEND = CoreStep.extend_deadline.value

REPEAT_NOTE = "重复信访"
"""The note of the ``repeat_of`` link a repeat petition carries to the case it repeats."""

assert HANDLING.extension is not None
assert HANDLING.extension.max_length is not None
_EXTENSION = HANDLING.extension
"""Who extends the handling period and by how much at most (第三十四条), from its rule."""
_EXTENSION_CAP = float(HANDLING.extension.max_length)

_REQUEST_DAYS = max(REVIEW_REQUEST.length, REREVIEW_REQUEST.length)
"""The petitioner's days to ask for 复查 / 复核 (第三十五条, 第三十六条), from their rules."""

_ROLL_FORWARD = 15
"""Days the office waits past them for a holiday roll-forward and delivery (behaviour)."""

_TARGET = "petition_target"
"""memo key: the unit the office routes the matter to."""


def _gamma(mean: float, cv: float = 0.5, unit: str = "wd") -> Keyed[Delay]:
    return Keyed.of(Delay("gamma", mean, unit, cv=cv))


def _fixed(value: float, unit: str = "wd") -> Keyed[Delay]:
    return Keyed.of(Delay("fixed", value, unit))


def _uniform(low: float, high: float, unit: str = "d") -> Keyed[Delay]:
    return Keyed.of(Delay("uniform", (low + high) / 2, unit, low=low, high=high))


def _const(**inputs: Any) -> Any:
    def build(_ctx: StepContext) -> Mapping[str, Any]:
        return inputs

    return build


# -- intake --------------------------------------------------------------------------


def petition_intake(
    matter: Matter, channel: str, routing: Routing, policy: Policy
) -> Mapping[str, Any]:
    """The intake details of a petition: an oral petition's faithful record (第十九条第一款);
    for a 越级走访, the organ competent for the matter (where triage sends it), so the
    engine finds the skipped levels (第二十条第一款)."""
    out: dict[str, Any] = {}
    petitions = policy.part(PetitionPolicy)
    if channel in petitions.oral_channels | petitions.oral_channels_v2:
        label = policy.categories[matter.category].label
        out["oral_record"] = f"（模拟）来访人口述：{label}，请求依法处理。"
    if matter.skip_level:
        out["competent"] = routing.triage(matter, None)[1]
    return out


# -- where the matter goes, and 最多跑一地 --------------------------------------------------


def _bureau(ctx: StepContext) -> bool:
    org = ctx.routing.org
    kinds = ctx.policy.part(PetitionPolicy).bureau_kinds
    return org.get(ctx.case.unit).kind in kinds


def _found(ctx: StepContext) -> PetitionDetails:
    return details(ctx.case)


def _onestop(ctx: StepContext) -> OneStop | None:
    found = ctx.case.overlays.get(ONESTOP)
    return found if isinstance(found, OneStop) else None


def _target(ctx: StepContext) -> str:
    """The organ the office routes the matter to (drawn once per case)."""
    found = ctx.memo.get(_TARGET)
    if found is None:
        stop = _onestop(ctx)
        keep = ctx.rng.random() < ctx.row_param("route", "at_centre")
        if stop is not None and keep:
            found = stop.centre
        else:
            found = ctx.routing.triage(ctx.matter, None)[1]
        ctx.memo[_TARGET] = found
    return str(found)


def _outside(ctx: StepContext, unit: str) -> bool:
    """Sending the one-stop party to ``unit`` is a second place (最多跑一地)."""
    stop = _onestop(ctx)
    if stop is None:
        return False
    centre = ctx.routing.org.centre_of(unit)
    return centre is None or centre.id != stop.centre


def _permitted(ctx: StepContext, unit: str) -> bool:
    stop = _onestop(ctx)
    return stop is not None and any(p.unit == unit and not p.used for p in stop.permits)


def _may_permit(ctx: StepContext) -> bool:
    stop = _onestop(ctx)
    cap = ctx.policy.part(OneStopPolicy).max_breaches
    if stop is None or cap is None:
        return True
    pending = sum(1 for p in stop.permits if not p.used)
    return len(stop.breaches) + pending < cap


def _reachable(ctx: StepContext, unit: str) -> bool:
    """The party may be sent to ``unit``: inside the centre, permitted, or a permit possible."""
    return not _outside(ctx, unit) or _permitted(ctx, unit) or _may_permit(ctx)


def _ready(ctx: StepContext, unit: str) -> bool:
    """A move to ``unit`` may be taken now (no permit to ask for first)."""
    return not _outside(ctx, unit) or _permitted(ctx, unit)


def _skip_level(ctx: StepContext) -> bool:
    found = _found(ctx)
    return found.bar is not None and found.bar.value == "skip_level"


def _guide(ctx: StepContext) -> str | None:
    """Where a 越级 visitor is guided back: the competent organ (第二十条第一款)."""
    return _found(ctx).competent if _skip_level(ctx) else None


def _next_place(ctx: StepContext) -> str | None:
    """Where this case's next step in ``registered`` sends the party, if anywhere."""
    found = _found(ctx)
    if found.bar is not None:
        return _guide(ctx)
    if found.stage is PetitionStage.handling and _bureau(ctx):
        return _target(ctx)
    return None


def _needs_permit(ctx: StepContext) -> bool:
    unit = _next_place(ctx)
    return unit is not None and not _ready(ctx, unit) and _may_permit(ctx)


def _permit(ctx: StepContext) -> Mapping[str, Any]:
    unit = _next_place(ctx)
    reason = "statutory_jurisdiction" if _skip_level(ctx) else "on_site"
    return {"to": unit, "reason": reason, "note": "（模拟）须到属地机关办理"}


def _barred(ctx: StepContext) -> bool:
    if _found(ctx).bar is None:
        return False
    unit = _guide(ctx)
    return unit is None or _ready(ctx, unit)


def _not_accept(ctx: StepContext) -> Mapping[str, Any]:
    unit = _guide(ctx)
    return {} if unit is None else {"guide_unit": unit}


def _routable(ctx: StepContext) -> bool:
    found = _found(ctx)
    if found.bar is not None or found.stage is not PetitionStage.handling or not _bureau(ctx):
        return False
    unit = _target(ctx)
    return unit != ctx.case.unit and _ready(ctx, unit)


def _route(ctx: StepContext) -> Mapping[str, Any]:
    return {"to": _target(ctx), "mode": "transfer"}


def _acceptable(ctx: StepContext) -> bool:
    found = _found(ctx)
    if found.bar is not None or found.stage is not PetitionStage.handling:
        return False
    return not _bureau(ctx) or _target(ctx) == ctx.case.unit


# -- 领导包案 --------------------------------------------------------------------------


def _unsigned(ctx: StepContext) -> bool:
    """The case is under 包案 here, not yet signed off (it cannot close: 签字销号)."""
    found = baoan.assignment(ctx.case)
    return found is not None and not found.handed_to and found.signed_off is None


def _signed(ctx: StepContext) -> bool:
    return not _unsigned(ctx)


def _leader(ctx: StepContext) -> tuple[str, str, str, str]:
    """(id, name, level, unit) of the leader who takes the case: the lowest-level leader of
    the roster over the case's territory at the level the rules ask, else one named."""
    policy = ctx.policy.part(baoan.BaoanPolicy)
    reasons = baoan.candidates(ctx.case, ctx.at, policy)
    needed = baoan.leader_level(ctx.case, reasons, policy)
    org = ctx.routing.org
    ladder = org.ladder
    rank = ladder.rank(needed) if needed in ladder else 0
    fits = [
        x
        for x in policy.roster
        if x.level in ladder and ladder.rank(x.level) >= rank and org.within(ctx.case.unit, x.unit)
    ]
    if fits:
        x = min(fits, key=lambda x: (ladder.rank(x.level), x.id))
        return x.id, f"{x.title}{x.name}", x.level, x.unit
    unit = org.at_level(ctx.case.unit, needed)
    where = unit.id if unit is not None else ctx.case.unit
    return f"leader@{where}", "（模拟）包案领导", needed, where


def _may_assign(ctx: StepContext) -> bool:
    if baoan.assignment(ctx.case) is not None:
        return False
    policy = ctx.policy.part(baoan.BaoanPolicy)
    if not baoan.candidates(ctx.case, ctx.at, policy):
        return False
    return not policy.roster or _leader(ctx)[0] in {x.id for x in policy.roster}


def _may_assign_here(ctx: StepContext) -> bool:
    """At registration: a matter not barred, before the office acts on it."""
    found = _found(ctx)
    if found.bar is not None or found.stage is not PetitionStage.handling:
        return False
    return ctx.fired.get(_PERMIT, 0) == 0 and _may_assign(ctx)


def _assign(ctx: StepContext) -> Mapping[str, Any]:
    leader, name, level, _ = _leader(ctx)
    due = ctx.at.date() + dt.timedelta(days=round(ctx.param("timetable_days")))
    return {
        "leader": leader,
        "leader_name": name,
        "level": level,
        "officer": "（模拟）责任人",
        "plan": "（模拟）化解方案：接访、下访，依法依规化解。",
        "timetable": [{"due": due.isoformat(), "task": "（模拟）化解到位"}],
    }


def _leader_actor(ctx: StepContext) -> Actor:
    found = baoan.assignment(ctx.case)
    assert found is not None
    entry = ctx.policy.part(baoan.BaoanPolicy).leader(found.leader)
    unit = entry.unit if entry is not None else ctx.case.unit
    return Actor(found.leader, frozenset({Role.leader.value}), unit, found.leader_name)


def _final_stage(ctx: StepContext) -> bool:
    return _unsigned(ctx) and _found(ctx).stage is PetitionStage.rereview


def _sign_off(when: Any = _unsigned) -> Choice:
    return Choice(
        _SIGN_OFF,
        None,
        _gamma(5),
        _const(result="（模拟）信访事项已化解"),
        when,
        name="sign_off",
        actor=_leader_actor,
        doc="包案领导签字销号（第十八条第二款）",
    )


# -- handling ---------------------------------------------------------------------------


def _handling_clock(ctx: StepContext) -> str | None:
    found = [d for d in ctx.case.deadlines if d.period == HANDLING.id and d.status.is_open]
    return found[0].id if found and found[0].due_at > ctx.at else None


def _may_extend(ctx: StepContext) -> bool:
    return ctx.fired.get(_EXTEND, 0) == 0 and _handling_clock(ctx) is not None


def _extend(ctx: StepContext) -> Mapping[str, Any]:
    return {
        "deadline": _handling_clock(ctx),
        "length": round(ctx.param("days")),
        "approver": _EXTENSION.approver.value,
        "reason": "（模拟）情况复杂，需进一步调查核实",
        "petitioner_notified": _EXTENSION.notify_petitioner,
    }


def _committee(ctx: StepContext) -> str | None:
    """The people's mediation committee for 访调对接: the industry committee of the
    matter's category, else the organ itself if it is a committee; only where the
    one-stop party need not go elsewhere."""
    kinds = ctx.policy.part(PetitionPolicy).mediation_units
    org = ctx.routing.org
    found = ctx.routing.industry.get(ctx.matter.category)
    if found is None and org.get(ctx.case.unit).kind in kinds:
        found = ctx.case.unit
    if found is None or org.get(found).kind not in kinds or _outside(ctx, found):
        return None
    if ctx.matter.category in ctx.policy.part(PetitionPolicy).mediation_excluded:
        return None
    has_other = any(p.role.value == "respondent" for p in ctx.case.principals)
    return found if has_other else None


def _may_mediate(ctx: StepContext) -> bool:
    return ctx.fired.get(T.hand_to_mediation.value, 0) == 0 and _committee(ctx) is not None


def _mediate(ctx: StepContext) -> Mapping[str, Any]:
    return {
        "committee": _committee(ctx),
        "consents": [p.id for p in ctx.case.principals],
        "note": "（模拟）双方当事人同意人民调解",
    }


def _opine(ctx: StepContext) -> Mapping[str, Any]:
    u = ctx.rng.random()
    support, explain = ctx.param("support"), ctx.param("explain")
    outcome = "support" if u < support else "explain" if u < support + explain else "not_support"
    return {
        "outcome": outcome,
        "request": "（模拟）信访请求",
        "facts": "（模拟）经调查核实的事实",
        "reasons": "（模拟）处理理由",
        "basis": "（模拟）有关法律、法规、规章及政策规定",
        "delivered_on": ctx.at.date().isoformat(),
    }


_OUTCOMES = {
    "support": Param(Keyed.of(0.3), doc="支持"),
    "explain": Param(Keyed.of(0.4), doc="解释说明"),
}


def _opinable(ctx: StepContext) -> bool:
    found = _found(ctx)
    if found.stage is PetitionStage.handling:
        return False
    return found.stage is PetitionStage.review or _signed(ctx)


def _reviewer(ctx: StepContext) -> str | None:
    """The organ ``request_review`` opens the review at, if the case has one (a court's is
    the court above it, petition version 7)."""
    up = reviewer(ctx.case, ctx.routing.org, None)
    return up if isinstance(up, str) else None


def _may_ask(stage: PetitionStage) -> Any:
    def when(ctx: StepContext) -> bool:
        if _found(ctx).stage is not stage or ctx.fired.get(_SIGN_OFF, 0):
            return False
        up = _reviewer(ctx)
        return up is not None and _ready(ctx, up)

    return when


def _may_ask_after_permit(stage: PetitionStage) -> Any:
    def when(ctx: StepContext) -> bool:
        if _found(ctx).stage is not stage or ctx.fired.get(_SIGN_OFF, 0):
            return False
        up = _reviewer(ctx)
        return up is not None and not _ready(ctx, up) and _reachable(ctx, up)

    return when


def _ask_permit(ctx: StepContext) -> Mapping[str, Any]:
    return {"to": _reviewer(ctx), "reason": "higher_authority", "note": "（模拟）复查、复核"}


def _request(ctx: StepContext) -> Mapping[str, Any]:
    return {"reason": "（模拟）信访人不服处理意见"}


def _repeat(ctx: StepContext) -> SpawnPlan | None:
    """The petitioner comes back on the same matter: a new petition at the petition office
    (the engine finds and links the earlier one by its fingerprint)."""
    unit = _arrival(ctx.matter, ctx.routing, ctx.policy)
    return SpawnPlan(unit, None, "walk_in", f"repeat_of:{ctx.case.id}", "petition")


def _states() -> dict[str, StateBehaviour]:
    rest = None
    repeat = Spawn(
        "repeat",
        Keyed.of(0.03),
        _gamma(60, 0.6, "d"),
        _repeat,
        doc="重复信访（同一事项再次来访）",
    )
    review_rows = (
        Choice(
            _PERMIT,
            rest,
            _fixed(1),
            _ask_permit,
            _may_ask_after_permit(PetitionStage.handling),
            name="review_permit",
            role="director",
            doc="准予到上一级机关请求复查（最多跑一地）",
        ),
        Choice(
            T.request_review.value,
            Keyed.of(0.1),
            _uniform(3, 25),
            _request,
            _may_ask(PetitionStage.handling),
            name="review",
            doc="请求复查（第三十五条：收到书面答复之日起30日内）",
        ),
        Choice(
            T.request_review.value,
            Keyed.of(0.05),
            _uniform(3, 25),
            _request,
            _may_ask(PetitionStage.review),
            name="rereview",
            doc="请求复核（第三十六条第一款：收到复查意见之日起30日内）",
        ),
    )
    baoan_params = {"timetable_days": Param(Keyed.of(60.0), 1.0, 3650.0, doc="包案化解时限（日）")}
    return {
        S.registered.value: StateBehaviour(
            (
                Choice(
                    _ASSIGN,
                    Keyed.of(0.5),
                    _gamma(2),
                    _assign,
                    _may_assign_here,
                    params=baoan_params,
                    name="baoan",
                    role="director",
                    doc="领导包案（第十八条第二款：重复信访等，包案随事项转送）",
                ),
                Choice(
                    _PERMIT,
                    rest,
                    _fixed(0.5),
                    _permit,
                    _needs_permit,
                    name="permit",
                    role="director",
                    doc="准予另行前往（最多跑一地）",
                ),
                Choice(
                    T.not_accept.value,
                    rest,
                    _gamma(3),
                    _not_accept,
                    _barred,
                    doc="不予受理（第十九条第三款、第二十条第一款、第三十六条第三款）",
                ),
                Choice(
                    T.route.value,
                    rest,
                    _gamma(4),
                    _route,
                    _routable,
                    params={"at_centre": Param(Keyed.of(0.8), doc="一站式中心留办比例")},
                    doc="转送（第二十二条：15日内）",
                ),
                Choice(
                    T.accept.value,
                    rest,
                    _gamma(4),
                    None,
                    _acceptable,
                    doc="受理并告知（第二十三条：15日内）",
                ),
                _sign_off(_final_stage),
                Choice(
                    T.opine.value,
                    rest,
                    _gamma(15, 0.4, "d"),
                    _opine,
                    _opinable,
                    params=_OUTCOMES,
                    doc="复查、复核意见（第三十五条、第三十六条：30日内）",
                ),
            )
        ),
        S.accepted.value: StateBehaviour(
            (
                Choice(
                    _ASSIGN,
                    Keyed.of(0.5),
                    _gamma(5),
                    _assign,
                    _may_assign,
                    params=baoan_params,
                    name="baoan",
                    role="director",
                    doc="领导包案（第十八条第二款：重复信访、信访积案）",
                ),
                Choice(
                    _EXTEND,
                    Keyed.of(0.05),
                    _gamma(30, 0.3, "d"),
                    _extend,
                    _may_extend,
                    params={
                        "days": Param(
                            Keyed.of(_EXTENSION_CAP), 1.0, _EXTENSION_CAP, doc="延长（日）"
                        )
                    },
                    name="extend",
                    role="director",
                    doc="延长办理期限（第三十四条：不超过30日）",
                ),
                Choice(
                    T.hand_to_mediation.value,
                    Keyed.of(0.15),
                    _gamma(3),
                    _mediate,
                    _may_mediate,
                    name="mediation",
                    doc="访调对接（第三十一条第六项、第三十三条）",
                ),
                Choice(
                    T.withdraw.value,
                    Keyed.of(0.02),
                    _gamma(10),
                    _const(reason="信访人撤回信访事项"),
                    _signed,
                    doc="撤回",
                ),
                Choice(
                    T.opine.value,
                    rest,
                    _gamma(35, 0.4, "d"),
                    _opine,
                    params=_OUTCOMES,
                    doc="出具处理意见（第三十二条；第三十四条：60日内）",
                ),
            )
        ),
        S.mediated.value: StateBehaviour(
            (
                _sign_off(),
                Choice(T.conclude.value, rest, _fixed(2), None, _signed, doc="办结"),
            )
        ),
        S.replied.value: StateBehaviour(
            (
                *review_rows,
                _sign_off(),
                Choice(
                    T.conclude.value,
                    rest,
                    # after the petitioner's days to ask (第三十五条), holidays rolled forward
                    _fixed(_REQUEST_DAYS + _ROLL_FORWARD, "d"),
                    None,
                    _signed,
                    doc="办结（复查、复核请求期限届满）",
                ),
            )
        ),
        S.concluded.value: StateBehaviour((), (repeat,)),
        # the same matter after 复核 comes back more often (and is not accepted again)
        S.final.value: StateBehaviour((), (attrs.evolve(repeat, p=Keyed.of(0.05)),)),
    }


def _arrival(matter: Matter, routing: Routing, policy: Policy) -> str:
    """Where a petition is brought: the petition office for the parties' place."""
    kinds = policy.part(PetitionPolicy).bureau_kinds
    return routing.petition_unit(matter.unit, kinds, matter.track)


def petition_behaviour(definition: WorkflowDefinition | None = None) -> WorkflowBehaviour:
    """The petition workflow's behaviour table (versions 1 to 7: one graph; version 2
    changes a clock's kind only, version 3 refuses more, versions 4 and 5 find more grounds
    at registration — a barred petition takes the table's refusal row whatever its ground —
    version 6 keeps the 包案 leader's clocks to the sign-off the table takes anyway, and
    version 7's objection clock and court reviews bind steps the table does not take),
    with its default numbers.

    Raises:
        DefinitionError: no table for that version (see :func:`dispute_behaviour`).
    """
    if definition is not None and definition.version not in (1, 2, 3, 4, 5, 6, 7):
        from mediation import DefinitionError

        raise DefinitionError(
            f"the simulation has no behaviour table for workflow 'petition' "
            f"v{definition.version} (it has v1 to v7): add one in "
            "mediation.simulation._petition"
        )
    return WorkflowBehaviour(
        workflow="petition",
        states=_states(),
        transferred=frozenset({S.transferred.value}),
        steps=frozenset({_ASSIGN, _SIGN_OFF, _PERMIT, _EXTEND}),
        waits=frozenset({S.mediating.value}),
        intake=petition_intake,
        arrival=_arrival,
    )
