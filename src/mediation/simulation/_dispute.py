"""The behaviour tables of the dispute workflow (矛盾纠纷调解), with their default numbers.

Every number here is a default a scenario may change under
``[behaviour.dispute.<state>.<row>]``. Rows keep one name across versions
of the workflow, whatever their trigger is called, so a scenario file runs
on either:

- ``triaged.refuse``: a party clearly refuses mediation (《人民调解法》第十七条).
- ``triaged.transfer_out``: outside the committee's remit, transferred (移送).
- ``mediating.agree``: settlement, per level and track; ``written`` is the share
  of written agreements (第二十八条; version 2 writes every agreement on an
  amount in dispute, 2002 规定 第三十四条), ``performance_days`` their period.
- ``performing.report_not_performed``: non-performance (第三十二条).
- ``failed.refer_up``: a failed mediation handed to the next level (2002 规定
  第二十一条). Version 2 has the referral step (``refer``, then
  ``take_referral`` by the receiver): the same case moves up. Version 1 has
  none, so there the row is a new case registered at the next level's unit,
  flagged ``referred_from:<case id>``.
- ``closed.repeat``: the party comes back (重复信访): a petition (信访事项, a visit,
  走访) registered at the petition office the org designates for the parties'
  place (a unit of the policy's petition-office kinds, 《信访工作条例》第二十二条;
  without one, the highest unit of the case's track), linked ``repeat_of`` the
  case (as :meth:`Engine.statistics <mediation.Engine.statistics>` counts repeat
  petitions and 领导包案 selects them) and flagged ``repeat_of:<case id>``; the
  petition workflow's table (:func:`~mediation.simulation.petition_behaviour`)
  drives it from there.

Version 2 also routes a matter that triage sends elsewhere by referral
(``triaged.route``: 上报 / 转办 with the reason the move needs), and tells the
parties their rights before mediation (``accepted.inform_rights``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mediation import DefinitionError, Link, LinkKind, WorkflowDefinition
from mediation.rules.categories import ancestors
from mediation.rules.dispute import (
    court_report_owed,
    details,
    medical_period_over,
    police_mediation,
    police_period_over,
    public_order_pending,
    traffic_police_mediation,
    unperformed,
    visits_owed,
    written_required,
)
from mediation.rules.periods import PERIODS
from mediation.rules.petition import PetitionPolicy
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
from mediation.simulation._petition import REPEAT_NOTE
from mediation.workflows.petition import PETITION

PETITION_WORKFLOW = PETITION.name
"""The workflow a repeat (重复信访) is registered on."""

__all__ = ["dispute_behaviour"]

_TARGET = "target"
"""memo key: (level, unit) triage chose for the case."""


def _gamma(mean: float, cv: float = 0.6, unit: str = "wd") -> Delay:
    return Delay("gamma", mean, unit, cv=cv)


def _p(**values: float) -> Keyed[float]:
    return Keyed(dict(values))


def _each(**delays: Delay) -> Keyed[Delay]:
    return Keyed(dict(delays))


def _fixed(value: float, unit: str = "wd") -> Keyed[Delay]:
    return Keyed.of(Delay("fixed", value, unit))


def _const(**inputs: Any) -> Any:
    def build(_ctx: StepContext) -> Mapping[str, Any]:
        return inputs

    return build


# -- shared inputs and conditions -----------------------------------------------------


def _needed(ctx: StepContext) -> int:
    callbacks = ctx.policy.callbacks
    agreed = ctx.fired.get("agree", 0) > 0
    return callbacks.after_agreement if agreed else callbacks.after_failure


def _may_close(ctx: StepContext) -> bool:
    return ctx.fired.get("record_callback", 0) >= _needed(ctx)


def _must_visit(ctx: StepContext) -> bool:
    return not _may_close(ctx)


def _may_close_current(ctx: StepContext) -> bool:
    """Version 4 counts the visits since the current round of mediation (the rule's count),
    and a court's mediation is reported to it first."""
    return visits_owed(ctx.case, ctx.policy) == 0 and not court_report_owed(ctx.case, ctx.policy)


def _report_current(ctx: StepContext) -> bool:
    """Visited as the policy asks, and the court's mediation not yet reported to it."""
    return visits_owed(ctx.case, ctx.policy) == 0 and court_report_owed(ctx.case, ctx.policy)


_REPORT = Choice(
    "report_to_court",
    None,
    _fixed(1),
    _const(text="（模拟）调解情况及结果。"),
    when=_report_current,
    doc="书面报告人民法院并移交材料（特邀调解规定 第二十六条）",
)
"""Version 4: the written report on a mediation a court delegated or entrusted."""


def _must_visit_current(ctx: StepContext) -> bool:
    return visits_owed(ctx.case, ctx.policy) > 0


def _agreement(ctx: StepContext, written: bool) -> Mapping[str, Any]:
    terms = ["双方就争议事项达成一致，按约定履行。"]
    if not written:
        return {"agreement": {"form": "oral", "terms": terms}}
    at = ctx.at
    deadline = at.date() + dt.timedelta(days=round(ctx.param("performance_days")))
    case = ctx.case
    signatures: list[dict[str, Any]] = [
        {"capacity": "party", "party": p.id, "signed_at": at} for p in case.principals
    ]
    signatures.append({"capacity": "mediator", "signer": ctx.mediator or "调解员", "signed_at": at})
    signatures.append({"capacity": "committee", "signer": case.unit, "signed_at": at})
    return {
        "agreement": {
            "form": "written",
            "facts": "（模拟）纠纷的主要事实。",
            "disputed_matters": "（模拟）争议事项。",
            "responsibilities": "（模拟）各方当事人的责任。",
            "terms": terms,
            "performance_manner": "（模拟）履行方式。",
            "performance_place": "（模拟）履行地点。",
            "performance_deadline": deadline.isoformat(),
            "signatures": signatures,
        }
    }


def _agree_v1(ctx: StepContext) -> Mapping[str, Any]:
    return _agreement(ctx, ctx.rng.random() < ctx.param("written"))


def _agree_v2(ctx: StepContext) -> Mapping[str, Any]:
    amount = ctx.matter.amount
    drawn = ctx.rng.random() < ctx.param("written")
    return _agreement(ctx, drawn or (amount is not None and amount > 0))


def _agree_v4(ctx: StepContext) -> Mapping[str, Any]:
    """As version 2; where the category's statute requires writing (labour, land contract:
    the category table's ``written``), always written."""
    if written_required(ctx.matter.category, ctx.policy) is not None:
        ctx.rng.random()  # the draw version 2 makes, so the streams stay aligned
        return _agreement(ctx, True)
    return _agree_v2(ctx)


def _suspend(ctx: StepContext) -> Mapping[str, Any]:
    return {"reason": "appraisal" if ctx.matter.category == "medical" else "party_wait"}


def _closing(ctx: StepContext) -> Mapping[str, Any]:
    """A closing on an agreement not performed records that the parties were told what they
    may do (《人民调解法》第三十二条; version 4's closing asks it)."""
    return {"remedies_informed": True} if unperformed(ctx.case) else {}


def _callback(satisfied: str) -> Any:
    """The visit's record (RULES.md §7.5): the applicant visited, and what was found of the
    agreement — performed, or not performed with the measures taken — or, no agreement
    reached, that there was nothing to perform (version 10 asks for both)."""

    def build(ctx: StepContext) -> Mapping[str, Any]:
        record: dict[str, Any] = {
            "visitor": ctx.mediator or "回访员",
            "party": ctx.case.parties[0].name,  # the applicant (version 8: a party's name)
            "satisfaction": satisfied,
            "recurrence": "无",
        }
        if ctx.fired.get("confirm_performed"):
            record.update(performance="已履行", finding="performed")
        elif ctx.fired.get("report_not_performed"):
            record.update(finding="not_performed", measures="告知当事人依法维护权利的途径")
        else:
            record.update(performance="未达成调解协议，无履行事项")
        return record

    return build


def _repeat(ctx: StepContext) -> SpawnPlan | None:
    kinds = ctx.policy.part(PetitionPolicy).bureau_kinds
    unit = ctx.routing.petition_unit(ctx.matter.unit, kinds, ctx.matter.track)
    link = Link(LinkKind.repeat_of, ctx.case.id, REPEAT_NOTE)
    return SpawnPlan(unit, None, "walk_in", f"repeat_of:{ctx.case.id}", PETITION_WORKFLOW, (link,))


def _in_time(ctx: StepContext) -> bool:
    """No agreement once a medical people's mediation is deemed failed (第三十八条), nor once
    the police's one mediation period has run out (程序规定 第九十条、第一百八十三条: version 5
    refuses it; the case takes its failure row)."""
    return medical_period_over(ctx.case, ctx.at) is None and (
        police_period_over(ctx.case, ctx.at) is None
    )


def _again(ctx: StepContext) -> bool:
    """Mediation may begin again: not police mediation (程序规定 第九十条、第一百八十五条),
    and no party refused it (人民调解法 第十七条)."""
    return not police_mediation(ctx.case, ctx.policy) and not details(ctx.case).refusals


def _tail(
    agree: Any,
    refuse_mediating: Choice | None,
    satisfied: str,
    failed: StateBehaviour,
    *,
    lawful: bool = False,
    closing: tuple[Any, Any] = (_may_close, _must_visit),
    report: Choice | None = None,
    consent: bool = False,
) -> dict[str, StateBehaviour]:
    """The states from mediation on (shared by every version; ``lawful``: the rows keep to
    the rules version 2 added, so a case does not try a step they refuse; ``closing``: when
    a case may close, and when it must be visited first; ``report``: a row to take before
    closing, where the version asks for one; ``consent``: mediating again records both
    parties' consent, as version 4 asks)."""
    agreed = {"consent": True} if consent else {}
    may_close, must_visit = closing
    rest = None
    mediating = [
        Choice(
            "agree",
            _p(village=0.75, town=0.68, county=0.6, default=0.6),
            _each(village=_gamma(5), town=_gamma(8), county=_gamma(12), default=_gamma(8)),
            agree,
            when=_in_time if lawful else None,
            counted=True,
            params={
                "written": Param(
                    _p(village=0.4, town=0.8, county=1.0, default=1.0), doc="书面协议比例"
                ),
                "performance_days": Param(Keyed.of(15.0), 0.0, 3650.0, doc="履行期限（日）"),
            },
            doc="达成协议",
        ),
        Choice(
            "withdraw",
            Keyed.of(0.03),
            Keyed.of(_gamma(4)),
            _const(reason="当事人撤回调解申请"),
            when=_withdrawable,
            counted=True,
        ),
        Choice("suspend", Keyed.of(0.0), _fixed(5), _suspend, doc="中止调解"),
    ]
    if refuse_mediating is not None:
        mediating.append(refuse_mediating)
    mediating.append(
        Choice(
            "terminate",
            rest,
            _each(village=_gamma(8), town=_gamma(12), county=_gamma(18), default=_gamma(12)),
            _const(reason="经调解未能达成协议", remedies_informed=True),
            doc="调解不成，终止调解",
        )
    )
    return {
        "mediating": StateBehaviour(tuple(mediating)),
        "suspended": StateBehaviour(
            (
                Choice(
                    "terminate",
                    Keyed.of(0.2),
                    _fixed(10),
                    _const(reason="中止后未能恢复调解", remedies_informed=True),
                ),
                Choice("resume", rest, Keyed.of(_gamma(10, 0.6, "d")), doc="恢复调解"),
            )
        ),
        "agreed": StateBehaviour((Choice("begin_performance", rest, _fixed(0.5)),)),
        "performing": StateBehaviour(
            (
                Choice(
                    "report_not_performed",
                    Keyed.of(0.06),
                    Keyed.of(_gamma(20, 0.5, "d")),
                    _const(note="当事人未按协议履行"),
                    doc="未履行",
                ),
                Choice(
                    "confirm_performed",
                    rest,
                    Keyed.of(_gamma(10, 0.8, "d")),
                    _const(evidence="（模拟）履行凭证"),
                ),
            )
        ),
        "not_performed": StateBehaviour(
            (
                Choice(
                    "remediate",
                    Keyed.of(0.3),
                    _fixed(3),
                    _const(reason="协议未履行，重新调解", **agreed),
                    when=_again if lawful else None,
                    counted=True,
                ),
                Choice("start_callback", rest, _fixed(5)),
            )
        ),
        "performed": StateBehaviour(
            (Choice("start_callback", rest, Keyed.of(_gamma(7, 0.5, "d"))),)
        ),
        "failed": failed,
        "callback": StateBehaviour(
            (
                Choice(
                    "reopen",
                    Keyed.of(0.0),
                    _fixed(2),
                    _const(reason="回访发现矛盾反复，重新调解", **agreed),
                    when=_again if lawful else None,
                    counted=True,
                ),
                Choice("record_callback", rest, _fixed(1), _callback(satisfied), must_visit),
                Choice("close", rest, _fixed(1), _closing, when=may_close, doc="结案"),
                *((report,) if report is not None else ()),
            )
        ),
        "closed": StateBehaviour(
            (Choice("archive", Keyed.of(0.0), _fixed(10), doc="立卷归档"),),
            (
                Spawn(
                    "repeat",
                    Keyed.of(0.02),
                    Keyed.of(_gamma(30, 0.8, "d")),
                    _repeat,
                    doc="重复信访（当事人再次来访）",
                ),
            ),
        ),
    }


_REFER_UP = _p(village=0.5, town=0.35, default=0.0)
_FUNNEL_COMMON = (
    ("mediated", "start_mediation"),
    ("agreed", "agree"),
    ("failed", "terminate"),
    ("withdrawn", "withdraw"),
    ("transferred", "transfer_out"),
)


# -- version 1: triage names the unit; no referral step --------------------------------


def _triage_v1(ctx: StepContext) -> Mapping[str, Any]:
    level, unit = ctx.routing.triage(ctx.matter, ctx.floor)
    return {"track": ctx.matter.track, "level": level, "unit": unit}


def _refer_up_v1(ctx: StepContext) -> SpawnPlan | None:
    if ctx.level is None:
        return None
    track = ctx.matter.track
    above = ctx.routing.next_level(ctx.case.unit, ctx.level, track)
    if above is None:
        return None
    unit = ctx.routing.unit_for(ctx.case.unit, above, track)
    assert unit is not None
    return SpawnPlan(unit, above, ctx.case.channel, f"referred_from:{ctx.case.id}")


def _version_1() -> WorkflowBehaviour:
    rest = None
    failed = StateBehaviour(
        (
            Choice("close", rest, _fixed(1), when=_may_close, doc="结案"),
            Choice("start_callback", rest, _fixed(5), when=_must_visit),
        ),
        (Spawn("refer_up", _REFER_UP, _fixed(1), _refer_up_v1, doc="报请上一级调解"),),
    )
    states = {
        "received": StateBehaviour(
            (Choice("triage", rest, Keyed.of(_gamma(0.5, 0.5)), _triage_v1, doc="分流"),)
        ),
        "triaged": StateBehaviour(
            (
                Choice(
                    "transfer_out",
                    Keyed.of(0.02),
                    _fixed(1),
                    _const(reason="不属于人民调解受理范围，移送有关机关", to="有关机关"),
                ),
                Choice(
                    "refuse",
                    Keyed.of(0.04),
                    _fixed(1),
                    _const(reason="当事人明确拒绝调解", ground="《人民调解法》第十七条"),
                    doc="当事人拒绝调解",
                ),
                Choice("accept", rest, Keyed.of(_gamma(1, 0.5)), doc="受理"),
            )
        ),
        "accepted": StateBehaviour(
            (
                _early_withdrawal(),
                Choice("start_mediation", rest, Keyed.of(_gamma(1, 0.5)), doc="开始调解"),
            )
        ),
        **_tail(_agree_v1, None, "满意", failed),
    }
    return WorkflowBehaviour(
        workflow="dispute",
        states=states,
        busy=frozenset({"mediating"}),
        mediators=("start_mediation", "mediators"),
        triage="triage",
        success=frozenset({"agree"}),
        failure=frozenset({"terminate"}),
        transferred=frozenset({"transferred_out"}),
        funnel=(("accepted", "accept"), *_FUNNEL_COMMON, ("refused", "refuse")),
        moves={"triage": "unit"},
    )


# -- version 2: referral (上报、转办) is a step; rights are told before mediation ---------


def _triage_v2(ctx: StepContext) -> Mapping[str, Any]:
    ctx.memo[_TARGET] = ctx.routing.triage(ctx.matter, ctx.floor)
    # A matter brought to traffic police mediation comes with the parties' joint written
    # application (程序规定 第八十六条; version 3 checks it at triage), made the day they
    # received the accident report (version 10 asks for that day).
    inputs: dict[str, Any] = {"track": ctx.matter.track, "joint_application": True}
    if ctx.matter.track == "administrative" and "traffic" in ancestors(
        ctx.matter.category, ctx.policy.categories
    ):
        inputs["certificate_received_on"] = ctx.case.received_at.astimezone(ctx.policy.tz).date()
    return inputs


def _elsewhere(ctx: StepContext) -> bool:
    target = ctx.memo.get(_TARGET)
    return target is not None and target[1] != ctx.case.unit


def _accept_inputs(ctx: StepContext) -> Mapping[str, Any]:
    """The other side consents; a court's delegation names the court that made it (version
    12 asks it: the agreement's 司法确认 goes there, 《民事诉讼法》第二百零五条第一项)."""
    inputs: dict[str, Any] = {"other_side_consents": True}
    if ctx.case.channel == "court_referral":
        inputs["court"] = _delegating_court(ctx)
    return inputs


def _delegating_court(ctx: StepContext) -> str:
    """The court nearest the case's unit: of the units of kind ``court`` under its nearest
    ancestor that has one, the first by id (a people's court or tribunal of its area); the
    words 人民法院 where the organisation has no court."""
    org = ctx.routing.org
    for above in org.ancestors(ctx.case.unit):
        courts = sorted(u.id for u in org if u.kind == "court" and org.within(u.id, above))
        if courts:
            return courts[0]
    return "人民法院"


def _here(ctx: StepContext) -> bool:
    return not _elsewhere(ctx)


def _route(ctx: StepContext) -> Mapping[str, Any]:
    """Refer the case where triage sends it, with the reason the move needs."""
    _, target = ctx.memo[_TARGET]
    routing = ctx.routing
    org = routing.org
    here = ctx.case.unit
    if org.get(target).kind == "industry_committee":
        reason = "specialised"
    elif org.within(here, target):
        gap = org.rank(target) - org.rank(here)
        reason = "complex" if gap <= 1 else "major_urgent"
    else:
        reason = "territorial"
    return {"to": target, "reason": reason}


def _above(ctx: StepContext) -> str | None:
    if ctx.level is None:
        return None
    unit = ctx.case.unit
    above = ctx.routing.next_level(unit, ctx.level, ctx.matter.track)
    if above is None:
        return None
    found = ctx.routing.unit_for(unit, above, ctx.matter.track)
    return found if found is not None and ctx.routing.org.within(unit, found) else None


def _can_refer_up(ctx: StepContext) -> bool:
    return _above(ctx) is not None


def _refer_up_v2(ctx: StepContext) -> Mapping[str, Any]:
    return {"to": _above(ctx), "reason": "mediation_failed", "note": "本级调解不成，报请上一级"}


def _informed(ctx: StepContext) -> bool:
    return ctx.fired.get("inform_rights", 0) > 0


def _not_informed(ctx: StepContext) -> bool:
    return not _informed(ctx)


def _withdrawable(ctx: StepContext) -> bool:
    """Not a 治安调解 the police accepted and have not decided: from version 12 its party's
    wish to stop is a refusal, which the rows' failure covers, not a withdrawal
    (《公安机关办理行政案件程序规定》第一百八十五条; :func:`public_order_pending`)."""
    return not public_order_pending(ctx.case, ctx.policy)


def _early_withdrawal() -> Choice:
    """The applicant withdraws before mediation starts (1 in 100, three days on), where the
    rules let a case be withdrawn (:func:`_withdrawable`)."""
    return Choice(
        "withdraw",
        Keyed.of(0.01),
        _fixed(3),
        _const(reason="当事人撤回调解申请"),
        when=_withdrawable,
        counted=True,
    )


def _traffic_session_due(ctx: StepContext) -> bool:
    """Told their rights, before the traffic police (whose sessions are noticed in advance)."""
    return _informed(ctx) and traffic_police_mediation(ctx.case, ctx.policy)


def _session_due(ctx: StepContext) -> bool:
    return _informed(ctx) and not traffic_police_mediation(ctx.case, ctx.policy)


_NOTICE_DAYS = float(PERIODS["traffic_session_notice"].length)
_NOTICE_AHEAD = Keyed.of(
    Delay("uniform", _NOTICE_DAYS + 1, "wd", low=_NOTICE_DAYS, high=_NOTICE_DAYS + 2)
)
"""The traffic police notify the parties of a session the rules' working days ahead
(three: 《道路交通事故处理程序规定》第八十八条): the session follows the notice by that many
to two more."""


def _noticed(ctx: StepContext) -> Mapping[str, Any]:
    """The parties were notified when the session was set, on the case's last step (version
    11 asks for that day, 《道路交通事故处理程序规定》第八十八条)."""
    last = ctx.case.updated_at or ctx.case.received_at
    return {"notified_on": last.astimezone(ctx.policy.tz).date()}


def _version_2(*, current: bool = False) -> WorkflowBehaviour:
    """Versions 2 and 3; with ``current``, version 4 (agreements written where the category's statute says; a closing
    counts the visits of the current round of mediation)."""
    rest = None
    may_close, must_visit = (
        (_may_close_current, _must_visit_current) if current else (_may_close, _must_visit)
    )
    refuses = _const(party="p2", statement="不同意调解")
    failed = StateBehaviour(
        (
            Choice(
                "refer",
                _REFER_UP,
                _fixed(1),
                _refer_up_v2,
                _can_refer_up,
                name="refer_up",
                doc="报请上一级调解",
            ),
            Choice("close", rest, _fixed(1), when=may_close, doc="结案"),
            Choice("start_callback", rest, _fixed(5), when=must_visit),
            *((_REPORT,) if current else ()),
        )
    )
    states = {
        "received": StateBehaviour(
            (Choice("triage", rest, Keyed.of(_gamma(0.5, 0.5)), _triage_v2, doc="分流"),)
        ),
        "triaged": StateBehaviour(
            (
                Choice(
                    "transfer_out",
                    Keyed.of(0.02),
                    _fixed(1),
                    _const(reason="不属于人民调解受理范围，移送有关机关", to="有关机关"),
                ),
                Choice("party_refuses", Keyed.of(0.04), _fixed(1), refuses, name="refuse"),
                Choice(
                    "refer", rest, _fixed(0.5), _route, _elsewhere, name="route", doc="分流交办"
                ),
                Choice(
                    "accept",
                    rest,
                    Keyed.of(_gamma(1, 0.5)),
                    _accept_inputs,
                    _here,
                    doc="受理",
                ),
            )
        ),
        "referred": StateBehaviour(
            (
                Choice(
                    "return_referral", Keyed.of(0.0), _fixed(1), _const(reason="不属本单位管辖")
                ),
                Choice("take_referral", rest, Keyed.of(_gamma(1, 0.5)), doc="接收"),
            )
        ),
        "accepted": StateBehaviour(
            (
                _early_withdrawal(),
                Choice("inform_rights", rest, _fixed(0), when=_not_informed, doc="告知权利义务"),
                *(
                    (
                        Choice(
                            "start_mediation",
                            rest,
                            _NOTICE_AHEAD,
                            _noticed,
                            when=_traffic_session_due,
                            name="start_traffic_mediation",
                            doc="开始交警调解（调解时间三个工作日前通知当事人）",
                        ),
                    )
                    if current
                    else ()
                ),
                Choice(
                    "start_mediation",
                    rest,
                    Keyed.of(_gamma(1, 0.5)),
                    when=_session_due if current else _informed,
                    doc="开始调解",
                ),
            )
        ),
        **_tail(
            _agree_v4 if current else _agree_v2,
            Choice(
                "party_refuses",
                Keyed.of(0.0),
                Keyed.of(_gamma(4)),
                _const(party="p2", statement="不愿继续调解", remedies_informed=True),
                name="refuse",
            ),
            "satisfied",
            failed,
            lawful=True,
            closing=(may_close, must_visit),
            report=_REPORT if current else None,
            consent=current,
        ),
    }
    return WorkflowBehaviour(
        workflow="dispute",
        states=states,
        busy=frozenset({"mediating"}),
        mediators=("start_mediation", "mediators"),
        triage="triage",
        success=frozenset({"agree"}),
        failure=frozenset({"terminate", "party_refuses"}),
        transferred=frozenset({"transferred_out", "handed_off"}),
        funnel=(
            ("accepted", "accept"),
            *_FUNNEL_COMMON,
            ("refused", "party_refuses"),
        ),
        moves={"refer": "to"},
        returns=frozenset({"return_referral"}),
        escalations=frozenset({"failed"}),
        steps=frozenset({"report_to_court"}) if current else frozenset(),
    )


def _version_4() -> WorkflowBehaviour:
    return _version_2(current=True)


_VERSIONS = {
    1: _version_1,
    2: _version_2,
    3: _version_2,
    4: _version_4,
    5: _version_4,
    6: _version_4,
    7: _version_4,
    8: _version_4,
    9: _version_4,
    10: _version_4,
    11: _version_4,
    12: _version_4,
}
"""Versions 3 to 12 have version 2's graph: the same table, with version 4's rules (the
agreement row already keeps to version 5's police periods, :func:`_in_time`; version 6's
referral and hand-off rules bind moves the table does not make: it refers down with
the policy's date, never up with one, and hands off to another track; version 7's refer for
no lateness, take no case another organ holds, and a return restores the clocks the
simulation reads anyway; version 8's committees accept no dispute between organisations
only, and the simulation's applicant is always a person; version 9's 包案 rules bind steps the
table does not take; version 10's callback records what :func:`_callback` always gives; version 11's traffic police
session follows its notice, which version 4's rows already record, by three working days or
more, :func:`_noticed`; its medical appraisal is a step the table does not take; version 12's
治安调解 starts with the mediators the rows assign, and its hand-offs are moves the table
does not make)."""


def dispute_behaviour(definition: WorkflowDefinition | None = None) -> WorkflowBehaviour:
    """The dispute workflow's behaviour table for ``definition``'s version (the latest known
    if none is given), with its default numbers.

    Raises:
        DefinitionError: no table for that version yet (write one here: the rows of the
            version before are the place to start).
    """
    version = max(_VERSIONS) if definition is None else definition.version
    build = _VERSIONS.get(version)
    if build is None:
        known = ", ".join(f"v{v}" for v in sorted(_VERSIONS))
        raise DefinitionError(
            f"the simulation has no behaviour table for workflow 'dispute' v{version} "
            f"(it has {known}): add one in mediation.simulation._dispute"
        )
    return build()
