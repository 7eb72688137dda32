"""The course of a petition: routing, acceptance, diversion, refusal and objection.

Guards and effects of the petition workflow's transitions
(:mod:`mediation.workflows.petition`; the opinion, 复查 and 复核 are in
:mod:`mediation.rules.petition_review`), each citing its article of the
《信访工作条例》(2022). Hand-offs open a linked case at the next organ
(``ctx.open_case``) carrying the case's overlays (领导包案, 最多跑一地); results
flow back with ``ctx.notify``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import CHINA_TZ, Case, ClockKind, Deadline, DeadlineStatus, Risk, evolve
from mediation.rules import (
    baoan,
    baoan_reception,
    deadlines,
    onestop,
    petition_aftercare,
    petition_intake,
    petition_recusal,
)
from mediation.rules.base import ALLOW, Context, Decision, Guard, field, refuse, refuse_input
from mediation.rules.base import nonblank as _nonblank
from mediation.rules.org import OrgTree, UnitKind
from mediation.rules.periods import PauseReason
from mediation.rules.petition import (
    ART,
    ASSIGNED_REPORT,
    ASSIGNMENT_TRACKING,
    HANDLING,
    NOTICE,
    OBJECTION,
    OBJECTION_VERIFY,
    PARTY_CLOCKS,
    REGISTER,
    SIMPLE_ACCEPT,
    SIMPLE_HANDLE,
    SIMPLE_TRANSFER,
    TRANSFER_NOTICE,
    Bar,
    Diversion,
    DivertRoute,
    PetitionDetails,
    PetitionStage,
    Refusal,
    Route,
    RouteMode,
    bar_guard,
    bar_refusal,
    check_unit,
    details,
    petition_office,
    raised_orally,
    v2,
    v5,
    v6,
    v7,
    with_details,
)
from mediation.rules.resolution import RESOLUTION, record_resolution, resolution_of

__all__ = [
    "AcceptInputs",
    "DivertInputs",
    "NotAcceptInputs",
    "NoteInputs",
    "ObjectInputs",
    "ObjectionInputs",
    "ReasonInputs",
    "ReportInputs",
    "RouteInputs",
    "accept_guard",
    "agree_objection_guard",
    "assigned",
    "close_clocks",
    "common_superior",
    "divert_guard",
    "hand_on",
    "handoff_details",
    "not_accept_guard",
    "not_assigned",
    "object_guard",
    "objection_guard",
    "on_accept",
    "on_agree_objection",
    "on_divert",
    "on_not_accept",
    "on_object",
    "on_objection",
    "on_objection_rejected",
    "on_reject_objection",
    "on_report",
    "on_returned",
    "on_route",
    "on_withdraw",
    "report_back",
    "report_guard",
    "route_guard",
    "route_mode",
    "stage",
]


# -- inputs ---------------------------------------------------------------------------


@attrs.frozen(slots=True)
class NoteInputs:
    """A step with an optional note."""

    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class ReasonInputs:
    """A step that must say why."""

    reason: str = field("理由", validator=_nonblank)


@attrs.frozen(slots=True)
class RouteInputs:
    """转送 / 交办 (第二十二条第一款): to whom; for 交办 the 办结报告 date; several organs
    concerned (第二十四条): the organs, whether they agreed, or who decided; an organ other
    than the petition office, that it told the petitioner where the matter went
    (第二十三条第一款)."""

    to: str = field("接收机关")
    mode: RouteMode = field("方式", default=RouteMode.transfer)
    report_due: dt.date | None = field("办结报告期限", default=None)
    organs: tuple[str, ...] = field("涉及的机关", default=())
    agreed: bool = field("有关机关协商一致", default=False)
    decided_by: str | None = field("决定受理机关的共同上一级机关", default=None)
    told: bool = field("已告知信访人转送、交办去向", default=False)
    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class AcceptInputs:
    """受理 (第三十一条第六项: handled as a petition)."""

    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class DivertInputs:
    """依法分流 (第三十一条第一至五项; 诉访分离 第二十八条第二款): where the petitioner
    was told to go."""

    route: DivertRoute = field("法定途径")
    where: str = field("告知向何机关提出", validator=_nonblank)
    told: bool = field("已告知信访人", default=False)
    to_unit: str | None = field("有关机关", default=None)


@attrs.frozen(slots=True)
class NotAcceptInputs:
    """不予受理: the reason (the ground found at intake, if any, is added), where to go."""

    reason: str = field("理由", default="")
    guide_to: str = field("引导信访人向何机关提出", default="")
    guide_unit: str | None = field("有权处理的机关", default=None)
    same_as: str | None = field(
        "同一事实和理由的在先信访事项", default=None, validator=attrs.validators.optional(_nonblank)
    )


@attrs.frozen(slots=True)
class ObjectInputs:
    """提出异议 (第二十三条第三款): why the matter is outside this organ's competence."""

    reason: str = field("异议理由", validator=_nonblank)


@attrs.frozen(slots=True)
class ObjectionInputs:
    """The receiving organ's objection, reaching the office that routed the matter."""

    from_case: str = field("承办案件")
    reason: str = field("异议理由")
    code: str = field("承办案件编号", default="")


@attrs.frozen(slots=True)
class ReportInputs:
    """The 办结报告 of an assigned matter, reaching the office that assigned it."""

    from_case: str = field("承办案件")
    outcome: str = field("办理结果")
    code: str = field("承办案件编号", default="")


# -- helpers ------------------------------------------------------------------------


def _unused(d: Deadline) -> bool:
    """A period nobody had to act in: the petitioner's requests; the organ's window to
    object, a right (第二十三条第三款), unless its workflow version kept it a duty."""
    return d.period in PARTY_CLOCKS or (d.period == OBJECTION.id and d.kind is not ClockKind.duty)


LEADER_CLOCKS = frozenset({*(c.id for c in baoan.CLOCKS), baoan_reception.RECEPTION.id})
"""The clocks of the 包案 leader's own work (its timetable, its reminders, a booked
reception): they run to the sign-off or the reception, not to a step of the handling."""


def leader_clocks(case: Case) -> frozenset[str]:
    """The clocks a step of the handling leaves to the 包案 leader (version 6 on:
    :data:`LEADER_CLOCKS`; before, none: accepting or answering closed them as met)."""
    return LEADER_CLOCKS if v6(case) else frozenset()


def close_clocks(case: Case, ctx: Context[Any], *, keep: frozenset[str] = frozenset()) -> Case:
    """Close the case's open clocks but ``keep``: the petitioner's own and the organ's
    window to object are cancelled (a right not used is not late), the organ's duties met
    or breached."""
    case = deadlines.cancel_all(case, ctx, where=_unused)
    return deadlines.close(case, ctx, where=lambda d: d.period not in keep)


def report_back(case: Case, ctx: Context[Any], outcome: str) -> Case:
    """An assigned matter reports its result to the office that assigned it (第二十二条),
    once: a later step of the same case (the petitioner withdrawing after the reply)
    sends no second report to an office whose case the first one concluded."""
    found = details(case)
    if found.assigned and found.origin and not found.reported:
        case = with_details(case, reported=True)
        ctx.notify(
            found.origin,
            "assignment_reported",
            from_case=case.id,
            outcome=outcome,
            code=case.code,
        )
    return case


def conclude_on_agreement(case: Case, ctx: Context[Any], outcome: str) -> Case:
    """An agreement ends the handling (第三十三条): the outcome is recorded and the matter
    concluded — its clocks met, an assigning office sent its 办结报告 — unless it is under
    领导包案 not yet signed off, when it waits for the sign-off (已调解待办结)."""
    case = evolve(case, outcome=outcome)
    if baoan.awaiting_sign_off(case):
        return case
    case = report_back(case, ctx, outcome)
    return deadlines.close(case, ctx)


def stage(*stages: PetitionStage) -> Guard:
    """A guard: the case is at one of ``stages`` (复查 and 复核 cases have no acceptance step)."""

    def guard(case: Case, ctx: Context[Any]) -> Decision:
        found = details(case).stage
        if found in stages:
            return ALLOW
        if found is PetitionStage.handling:
            return refuse(
                "stage", "信访事项须先受理，再出具处理意见", f"{ART}第三十一条、第三十二条"
            )
        return refuse(
            "stage",
            f"{found.label}事项由{found.label}机关直接出具{found.label}意见，无须受理",
            f"{ART}第三十五条、第三十六条",
        )

    guard.__name__ = f"stage_{'_'.join(s.value for s in stages)}"
    return guard


def route_mode(mode: RouteMode) -> Guard:
    """A guard: the route's mode is ``mode`` (转送 and 交办 end in different states)."""

    def guard(case: Case, ctx: Context[RouteInputs]) -> Decision:
        if ctx.inputs.mode is mode:
            return ALLOW
        return refuse("route", f"not a {mode.label}", f"{ART}第二十二条")

    guard.__name__ = f"route_{mode.value}"
    return guard


def assigned(case: Case, ctx: Context[Any]) -> Decision:
    """The office routed the matter by 交办."""
    route = details(case).route
    ok = route is not None and route.mode is RouteMode.assign
    return ALLOW if ok else refuse("route", "not assigned", f"{ART}第二十二条")


def not_assigned(case: Case, ctx: Context[Any]) -> Decision:
    """The office routed the matter by 转送."""
    route = details(case).route
    ok = route is not None and route.mode is RouteMode.transfer
    return ALLOW if ok else refuse("route", "not transferred", f"{ART}第二十二条")


def _superiors(org: OrgTree, unit: str) -> list[str]:
    """``unit``'s superiors, nearest first: line parents (条) and territorial parents (块)."""
    out: list[str] = []
    todo = [unit]
    while todo:
        current = todo.pop(0)
        for up in (org.line_parent(current), org.parent(current)):
            if up is not None and up.id not in out:
                out.append(up.id)
                todo.append(up.id)
    return out


def common_superior(org: OrgTree, units: tuple[str, ...]) -> str | None:
    """The nearest organ above every one of ``units`` (第二十四条: it decides), if any."""
    if not units:
        return None
    chains = [_superiors(org, u) for u in units]
    return next((u for u in chains[0] if all(u in c for c in chains[1:])), None)


# -- routing (第二十二条, 第二十四条) -------------------------------------------------------


def route_guard(case: Case, ctx: Context[RouteInputs]) -> Decision:
    """转送 or 交办 to a competent organ.

    - Not a matter a ground bars (:func:`~mediation.rules.petition.bar_guard`).
    - The receiving organ exists and is another unit at this level or below: a petition
      office routes to the competent organs of its level or to lower ones (第二十二条第一款
      第一、二项), another organ to the lower organs of its system (第二十三条第一款);
      neither sends a matter up.
    - Not a 复查 or 复核 request: the organ one level above the one whose opinion is
      reviewed gives its own opinion in writing (第三十五条、第三十六条); it does not send
      the request back down (version 2 on).
    - 交办 sets the date of the 办结报告, after today (第二十二条第一款第三项).
    - An organ other than the petition office tells the petitioner where the matter went
      (第二十三条第一款; not where name and address are unclear, 第二款). Version 2 on.
    - An organ that received the matter by transfer or assignment and passes it on down
      its system tells the petitioner too, its written notice of receipt (第二十三条第三款)
      being still owed. Version 2 on.
    - Several organs concerned: the receiver is one of them, and they agreed or
      their common superior decided (第二十四条); organs with no common superior
      are coordinated by the joint meeting, recorded as agreed.
    """
    found_stage = details(case).stage
    if found_stage is not PetitionStage.handling and v2(case):
        return refuse(
            "route",
            f"{found_stage.label}请求由原处理机关的上一级机关{found_stage.label}并书面答复，"
            "不转送、交办",
            f"{ART}第三十五条、第三十六条",
        )
    barred = bar_guard(case, ctx)
    if not barred.allowed:
        return barred
    given = ctx.inputs
    known = check_unit(ctx, given.to, "to")
    if not known.allowed:
        return known
    if given.to == case.unit:
        return refuse_input("route", "to", given.to, "转送、交办给其他机关")
    org = ctx.policy.org
    if org is not None and case.unit in org and org.rank(given.to) > org.rank(case.unit):
        return refuse_input(
            "route",
            "to",
            given.to,
            f"转送、交办给本级或者下级有权处理的机关，不向上级机关转送"
            f"（{org.get(given.to).name}在上一级）",
            f"{ART}第二十二条第一款、第二十三条第一款",
        )
    organs = tuple(dict.fromkeys(given.organs))
    if org is not None and len(organs) <= 1 and not _own_system(org, case, ctx, given.to):
        return refuse_input(
            "route",
            "to",
            given.to,
            f"{org.get(given.to).name}不是本系统的下级机关：不属于本机关职权范围的，应当告知信访人"
            "向有权处理的机关提出（not_accept 写明 guide_to），不转送",
            f"{ART}第二十三条第一款",
        )
    if given.mode is RouteMode.assign:
        if given.report_due is None or given.report_due <= ctx.day:
            return refuse_input(
                "route",
                "report_due",
                given.report_due.isoformat() if given.report_due else None,
                "交办须指定办理期限（办结报告日期，晚于今日）",
                f"{ART}第二十二条第一款第三项",
            )
    elif given.report_due is not None:
        return refuse_input(
            "route", "report_due", given.report_due.isoformat(), "转送不设办结报告期限"
        )
    organs = tuple(dict.fromkeys(given.organs))
    if len(organs) > 1:
        org = ctx.policy.org
        assert org is not None  # check_unit refused without one
        for i, unit in enumerate(organs):
            if unit not in org:
                return refuse_input("route", f"organs[{i}]", unit, "unknown unit")
        if given.to not in organs:
            return refuse_input(
                "route", "to", given.to, "接收机关须为涉及的机关之一", f"{ART}第二十四条"
            )
        common = common_superior(org, organs)
        if not given.agreed:
            if common is None:
                return refuse(
                    "route",
                    "涉及的机关没有共同的上一级机关，须由信访工作联席会议协调确定（协商一致后记录）",
                    f"{ART}第二十四条",
                )
            if given.decided_by != common:
                return refuse_input(
                    "route",
                    "decided_by",
                    given.decided_by,
                    f"有关机关协商不一致的，由其共同的上一级机关（{org.get(common).name}）决定",
                    f"{ART}第二十四条",
                )
    if v2(case) and not given.told and _tells_petitioner(case, ctx):
        return refuse_input(
            "route",
            "told",
            False,
            "转送、交办本系统下级机关的，应当告知信访人转送、交办去向",
            f"{ART}第二十三条第一款、第二款",
        )
    if v2(case) and not given.told and _received_and_owes_notice(case):
        return refuse_input(
            "route",
            "told",
            False,
            "对转送、交办的信访事项，接收机关应当书面告知信访人接收情况（再转送、交办的，"
            "告知去向）：告知后方可再转送、交办",
            f"{ART}第二十三条第三款",
        )
    return ALLOW


def _received_and_owes_notice(case: Case) -> bool:
    """Whether a matter this organ received by transfer or assignment still owes the
    petitioner its written notice of receipt (第二十三条第三款: within 15 days) — passing it
    on down its own system does not discharge that notice, telling does. Not where name and
    address are unclear (第二款)."""
    found = details(case)
    if not found.origin or not found.name_address_clear:
        return False
    return any(d.period == TRANSFER_NOTICE.id and d.status.is_open for d in case.deadlines)


def _tells_petitioner(case: Case, ctx: Context[Any]) -> bool:
    """Whether routing the case owes the petitioner word of where it went: a matter the
    organ received directly (not by transfer: 第二十三条第三款 governs those), from an organ
    other than the petition office (第二十三条第一款), to a petitioner whose name and address
    are known (第二款)."""
    found = details(case)
    if not found.name_address_clear or found.origin:
        return False
    org = ctx.policy.org
    return org is not None and case.unit in org and not petition_office(case, ctx)


_ROUTABLE = frozenset(
    {
        UnitKind.government.value,
        UnitKind.department.value,
        UnitKind.justice_office.value,
        UnitKind.police.value,
        UnitKind.centre.value,
        UnitKind.petition_bureau.value,
        UnitKind.committee.value,
        UnitKind.grid.value,
    }
)
"""Units a matter can be transferred or assigned down to: administrative organs, and the
village-level bodies under a township (小事不出村, 第十五条第三款) — not a court, an
arbitration commission or an industry committee, which take matters by their own procedures
(诉访分离, 第二十八条第二款)."""


_MEDIATING = frozenset({UnitKind.committee.value, UnitKind.industry_committee.value})
"""People's mediation committees: a petition reaches one by 访调对接, with consent."""


def _own_system(org: OrgTree, case: Case, ctx: Context[Any], to: str) -> bool:
    """Whether ``to`` is an organ this one may transfer or assign to: a petition office, any
    competent organ of its level or below (第二十二条第一款); another organ, the lower organs
    of its own system — below it in the territory (块) or in its line (条) (第二十三条第一款).
    A one-stop centre sends the one record it registered to the organs stationed at it
    that handle petitions (最多跑一地, "一案一码" routed to stationed departments: RULES.md
    §7.2; version 2 on) — not to a court or an arbitration commission (诉访分离,
    第二十八条第二款), nor to a committee, which takes a matter by 访调对接 with the
    parties' consent (``hand_to_mediation``)."""
    if case.unit not in org or to not in org:
        return True
    if petition_office(case, ctx):
        return True
    here = org.get(case.unit)
    if org.get(to).kind not in _ROUTABLE:
        return False
    there = org.get(to)
    stationed = here.kind == UnitKind.centre.value and there.centre == here.id
    if v2(case) and stationed and there.kind not in _MEDIATING:
        return True
    if org.within(to, case.unit):
        return True
    line = org.line_parent(to)
    while line is not None:
        if line.id == case.unit:
            return True
        line = org.line_parent(line.id)
    return False


def handoff_details(case: Case, **more: Any) -> dict[str, Any]:
    """The intake details of the case a hand-off opens: the matter's first case, this one,
    and the day the petitioner raised the matter (version 2 on).

    Version 2 on, too, a collective matter stays one where it goes, with how many came
    (集体访; 第二十条第三款: the representatives stand for them): it is the same matter,
    a 包案 candidate for that reason (RULES.md §7.1) and never simple (2016 简易办理办法).
    The hand-off passes the matter's escalation risk on as well (:func:`hand_on`)."""
    found = details(case)
    out: dict[str, Any] = {
        "root": found.root or case.id,
        "origin": case.id,
        "origin_code": case.code,
        "origin_unit": case.unit,
    }
    if v2(case):
        raised = found.raised_on or case.received_at.astimezone(CHINA_TZ).date()
        out["raised_on"] = raised.isoformat()
        if found.collective:
            out["collective"] = True
        if found.people:
            out["people"] = found.people
    return {**out, **more}


_ORGAN_OWN = (petition_recusal.OVERLAY, petition_aftercare.OVERLAY)
"""Overlays of one organ's handling that do not go on with the matter: its staff's
recusals (第二十八条第三款) and its work after finality (第三十七条第三款)."""


def hand_on(
    case: Case, ctx: Context[Any], unit: str, channel: str, data: dict[str, Any]
) -> tuple[Case, str]:
    """Open the petition's next case at ``unit``: the overlays go on, 包案 included."""
    note = str(data.pop("note", ""))
    overlays = dict(onestop.carry(case, ctx, unit))
    for own in _ORGAN_OWN:  # the organ's own records stay with its case
        overlays.pop(own, None)
    overlays.pop(baoan.OVERLAY, None)
    assignment = baoan.carried(case)
    if assignment is not None:
        overlays[baoan.OVERLAY] = assignment
    new_id = ctx.open_case(
        workflow=case.workflow,
        unit=unit,
        channel=channel,
        category=case.category,
        parties=case.parties,
        summary=case.summary,
        claims=case.claims,
        amount=case.amount,
        location=case.location,
        details=data,
        note=note,
        overlays=overlays,
        risk=case.risk if v2(case) else Risk.low,
    )
    return baoan.passed_on(case, ctx, new_id), new_id


def _as_a_transfer_level(case: Case, ctx: Context[Any]) -> Case:
    """An organ that passes a 简易办理 matter on, rather than deciding to accept it, is a
    level the matter passes through: it has 1 working day from receipt, not the 3 working
    days of the organ that decides (RULES.md §0 row 13; 国家信访局《信访事项简易办理办法
    (试行)》: 每一中间层级转送、交办 1 个工作日). Its acceptance clock is cancelled and a
    transfer clock from the same receipt, with the same time left out, takes its place, for
    :func:`close_clocks` to judge met or breached. A clock paused while an objection is
    verified is left as it is. (Petition version 2; a petition office already runs the
    transfer clock from receipt.)"""
    ids = {
        d.id
        for d in case.deadlines
        if d.period == SIMPLE_ACCEPT.id and d.status is DeadlineStatus.running
    }
    if not ids or not v2(case):
        return case
    transfer = []
    for d in case.deadlines:
        if d.id in ids:
            due, due_at = ctx.clocks.due(
                SIMPLE_TRANSFER.id, d.start, paused=d.paused, extension=d.extension
            )
            transfer.append(
                evolve(
                    d,
                    id=f"{SIMPLE_TRANSFER.id}-{ctx.seq}",
                    period=SIMPLE_TRANSFER.id,
                    due=due.due,
                    due_at=due_at,
                    estimated=due.estimated or d.estimated,
                    kind=ctx.clocks.kind(SIMPLE_TRANSFER.id),
                )
            )
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.id in ids)
    return evolve(case, deadlines=(*case.deadlines, *transfer))


def on_route(case: Case, ctx: Context[RouteInputs]) -> Case:
    """Hand the matter to the organ: its routing clock is met, a linked case opens there
    with the transfer's notice and objection periods (第二十三条第三款) and, for 交办,
    the 办结报告 date; this office tracks that date (第二十二条第一款第三项)."""
    given = ctx.inputs
    found = details(case)
    data = handoff_details(
        case,
        assigned=given.mode is RouteMode.assign,
        report_due=given.report_due.isoformat() if given.report_due else None,
        simple=found.simple and given.mode is RouteMode.transfer,
    )
    if v2(case) and not found.name_address_clear:
        # Nobody can be told in writing where the matter went (第二十三条第二款).
        data["name_address_clear"] = False
    data["note"] = given.mode.label
    case, new_id = hand_on(case, ctx, given.to, "petition_referral", data)
    case = _as_a_transfer_level(case, ctx)
    case = close_clocks(case, ctx)  # after hand_on: 包案's clocks went on with the matter
    route = Route(given.mode, given.to, ctx.at, new_id, given.report_due)
    case = with_details(case, route=route)
    if given.mode is RouteMode.assign and given.report_due is not None:
        case = deadlines.open_fixed(case, ctx, ASSIGNMENT_TRACKING, given.report_due)
    return evolve(case, outcome=f"已{given.mode.label}{given.to}")


# -- acceptance (第二十三条, 第三十一条第六项, 第三十四条) --------------------------------------


def accept_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """Accept a matter within the organ's competence for handling as a petition.

    Refused where a ground bars it (:func:`~mediation.rules.petition.bar_guard`), and at
    a petition office (信访部门), which registers a matter and routes it — 转送 or 交办 — to
    the organ with the power to handle it within 15 days rather than handling it itself
    (第二十二条第一款).
    Source: 第二十三条第二款、第三款; 第三十一条第六项.
    """
    org = ctx.policy.org
    if org is not None and case.unit in org and org.get(case.unit).kind == _PETITION_BUREAU:
        return refuse(
            "accept",
            "信访部门对收到的信访事项登记后转送、交办有权处理的机关、单位，不自行受理办理",
            f"{ART}第二十二条第一款",
        )
    return bar_guard(case, ctx)


_PETITION_BUREAU = UnitKind.petition_bureau.value


def reserved_guard(case: Case, ctx: Context[Any]) -> Decision:
    """A matter of a category reserved to a specialised organ's legal procedure (a criminal
    matter: the public-security organ, :attr:`~mediation.rules.categories.Category.reserved_to`)
    is not accepted for handling as a petition under 第三十一条第六项: it follows that
    procedure, and the petitioner is told where to go (``divert``; 第三十一条第一项,
    第二十八条第二款 诉访分离). Petition workflow version 3 on."""
    category = ctx.policy.categories.get(case.category)
    if category is None or not category.reserved_to:
        return ALLOW
    return refuse(
        "accept",
        f"{category.label}由{category.reserved_to}依照法定程序处理，不作为信访事项受理办理："
        "请依法分流，告知信访人向该机关提出",
        f"{ART}第三十一条第一项、第二十八条第二款",
    )


def on_accept(case: Case, ctx: Context[AcceptInputs]) -> Case:
    """The notice periods are met (第二十三条); the 60-day handling period starts
    (第三十四条; 简易办理: 10 个工作日). A 交办 report date stays open, and (version 6 on)
    the 包案 leader's clocks (:func:`leader_clocks`)."""
    case = close_clocks(case, ctx, keep=frozenset({ASSIGNED_REPORT.id}) | leader_clocks(case))
    clock = SIMPLE_HANDLE if details(case).simple else HANDLING
    case = with_details(case, accepted_at=ctx.at)
    return deadlines.open_clock(case, ctx, clock)


# -- diversion and refusal (第二十八条, 第三十一条, 第十九、二十、三十六条) ----------------------


def divert_guard(case: Case, ctx: Context[DivertInputs]) -> Decision:
    """A matter for litigation, arbitration, reconsideration… leaves petition handling, and
    the petitioner is told where to go (第三十一条第一至五项; 第二十八条第二款 诉访分离).

    For a one-stop case the organ must be named: telling the party to go outside
    the centre needs a permit (最多跑一地).

    A petition office (信访部门) points only a visitor to a legal procedure — one with a
    matter of litigation rights to the political-legal organ (第二十二条第二款). What
    reaches it in writing (a letter, an online petition, a transfer) it transfers or
    assigns to the organ with the power to handle it, a litigation matter to the
    same-level political-legal organ (第二十二条第一款、第二款; ``route``): the
    classification of 第三十一条 is that organ's. Petition workflow version 2 on.

    From version 5 on, a matter ended by 复核 and raised again on the same facts and
    reasons (the intake's ``final`` ground) is not diverted either: it is not taken up
    again (第三十六条第三款; ``not_accept``).
    """
    given = ctx.inputs
    basis = given.route.basis
    if v5(case) and details(case).bar is Bar.final:
        # 第三十六条第三款: a matter ended by 复核, raised again on the same facts and
        # reasons, is not taken up again — not accepted, nor sent along a legal route.
        return bar_refusal(case, "divert", "不再受理")
    if v2(case) and petition_office(case, ctx) and not raised_orally(case, ctx):
        return refuse(
            "divert",
            "信访部门对来信、网上信访等书面提出的信访事项，应当转送、交办有权处理的机关、"
            "单位；涉及诉讼权利救济的，转送同级政法机关依法处理（转送、交办：route），"
            "不是告知信访人另行提出",
            f"{ART}第二十二条第一款、第二款",
        )
    if not given.told:
        return refuse("divert", "须告知信访人依照法定途径向有关机关提出", basis)
    if given.route is DivertRoute.protective_duty and _names_own_unit(case, ctx, given):
        return refuse_input(
            "divert",
            "to_unit" if given.to_unit else "where",
            given.to_unit or given.where,
            "请求履行保护人身权、财产权等法定职责的事项属于本机关职责的，由本机关依法履行或者"
            "答复，不是告知信访人另向本机关提出",
            f"{ART}第三十一条第五项",
        )
    if onestop.OVERLAY in case.overlays and not given.to_unit:
        return refuse_input(
            "divert", "to_unit", None, "矛调中心受理的案件须写明有关机关（最多跑一地）", basis
        )
    if given.to_unit is not None:
        known = check_unit(ctx, given.to_unit, "to_unit")
        if not known.allowed:
            return known
        unfit = _unfit_organ(case, ctx, given)
        if unfit is not None:
            return unfit
        return onestop.check_send(case, ctx, given.to_unit, "to_unit")
    return ALLOW


def _unfit_organ(case: Case, ctx: Context[DivertInputs], given: DivertInputs) -> Decision | None:
    """A unit named that does not run the route's procedure (petition workflow version 5 on):
    a suit goes to a court, arbitration to an arbitration commission, the police's procedure
    to the police, an administrative procedure to an administrative organ
    (:attr:`~mediation.rules.petition.DivertRoute.organ_kinds`; 第三十一条第一至五项)."""
    kinds = given.route.organ_kinds
    org = ctx.policy.org
    if not v5(case) or not kinds or org is None or given.to_unit is None:
        return None
    unit = org.get(given.to_unit)
    if unit.kind in kinds:
        return None
    return refuse_input(
        "divert",
        "to_unit",
        given.to_unit,
        f"{unit.name}不办理“{given.route.label}”：请写明依法办理该程序的机关",
        given.route.basis,
    )


def _names_own_unit(case: Case, ctx: Context[Any], given: DivertInputs) -> bool:
    """Whether a diversion sends the petitioner to the unit that holds the case."""
    if given.to_unit is not None:
        return given.to_unit == case.unit
    org = ctx.policy.org
    own = org.get(case.unit).name if org is not None and case.unit in org else case.unit
    return given.where.strip() in (own, case.unit)


def on_divert(case: Case, ctx: Context[DivertInputs]) -> Case:
    """Close the clocks, record where the petitioner was sent (and the place, one-stop)."""
    given = ctx.inputs
    case = close_clocks(case, ctx)
    diversion = Diversion(given.route, given.where.strip(), given.to_unit, ctx.at)
    case = with_details(case, diversion=diversion)
    if given.to_unit is not None:
        case = onestop.record_send(case, ctx, given.to_unit, "to_unit")
    outcome = f"依法分流（{given.route.label}）：告知信访人向{given.where.strip()}提出"
    case = report_back(case, ctx, outcome)
    return evolve(case, outcome=outcome)


_VENUES = frozenset({_PETITION_BUREAU, UnitKind.centre.value})


def _reception_venues(org: OrgTree, organs: set[str]) -> set[str]:
    """The reception places the ``organs`` set up or designated (《信访工作条例》第二十条第一款:
    设立或者指定的接待场所): the petition office and the one-stop centre under each (a county's
    信访局, its 社会治理中心), and the centre a unit names as its own."""
    venues: set[str] = set()
    for unit_id in organs:
        venues |= {c.id for c in org.children(unit_id) if c.kind in _VENUES and c.active}
        centre = org.get(unit_id).centre
        if centre is not None and centre in org:
            venues.add(centre)
    return venues


def not_accept_guard(case: Case, ctx: Context[NotAcceptInputs]) -> Decision:
    """不予受理 on a ground found at intake, or for a reason stated (outside the organ's
    competence: tell the petitioner where to go, 第二十三条第一款).

    A skip-level visit is guided to the competent organ or the one above it, or to the
    reception place either set up or designated — its petition office, its centre
    (第二十条第一款): ``guide_unit``; telling a one-stop party to go outside the
    centre needs a permit, and names the unit (最多跑一地, RULES.md §7.2), as
    :func:`divert_guard` does.

    A petition office (信访部门) does not send a matter away for want of competence: it
    registers it and transfers or assigns it to the organ with the power to handle it
    (第二十二条第一款; ``route``), or points the petitioner to a legal procedure
    (``divert``). Only a ground found at intake lets it refuse. (These two: petition
    workflow version 2 on.)

    An organ that received the matter by transfer or assignment and holds it outside its
    competence objects to the office that sent it, within 5 working days (第二十三条第三款;
    ``object``): it does not turn the petitioner away itself, which would leave the
    sender's case waiting on a matter no one handles (version 2 on).
    """
    given = ctx.inputs
    found = details(case)
    if given.same_as is not None:
        named = _named_ground(case, ctx)
        if isinstance(named, Decision):
            return named
        found = named
    org = ctx.policy.org
    at_office = org is not None and case.unit in org and org.get(case.unit).kind == _PETITION_BUREAU
    if found.bar is None and at_office and v2(case):
        return refuse(
            "not_accept",
            "信访部门对收到的信访事项应当登记，并转送、交办有权处理的机关、单位（转送、交办），"
            "或者告知信访人依照法定途径提出（依法分流），不以不属于本机关职权为由不予受理",
            f"{ART}第二十二条第一款",
        )
    if found.bar is None and found.origin and v2(case):
        return refuse(
            "not_accept",
            "对转送、交办的信访事项，认为不属于本机关职权范围的，应当自收到之日起5个工作日内"
            "向转送、交办机关提出异议并详细说明理由（object），经核实同意后交还材料，"
            "不径行告知信访人不予受理",
            f"{ART}第二十三条第三款",
        )
    if found.bar is None and not given.reason.strip():
        return refuse_input(
            "not_accept", "reason", given.reason, "写明不予受理的理由", f"{ART}第二十三条第一款"
        )
    if found.bar is None and not (given.guide_to.strip() or given.guide_unit):
        return refuse_input(
            "not_accept",
            "guide_to",
            given.guide_to,
            "不属于本机关职权范围的，应当告知信访人向有权处理的机关、单位提出：写明引导其向何机关提出",
            f"{ART}第二十三条第一款",
        )
    if found.bar is Bar.skip_level:
        org = ctx.policy.org
        competent = found.competent
        allowed = set()
        if org is not None and competent is not None:
            up = org.superior(competent)
            allowed = {competent} | ({up.id} if up is not None else set())
            allowed |= _reception_venues(org, allowed)
        if given.guide_unit not in allowed:
            return refuse_input(
                "not_accept",
                "guide_unit",
                given.guide_unit,
                "越级走访的，引导信访人到有权处理的本级或者上一级机关提出",
                Bar.skip_level.basis,
            )
    one_stop = onestop.OVERLAY in case.overlays
    if found.bar is None and one_stop and given.guide_unit is None and v2(case):
        return refuse_input(
            "not_accept",
            "guide_unit",
            None,
            "矛调中心受理的案件须写明有权处理的机关（最多跑一地）",
            onestop.BASIS,
        )
    if given.guide_unit is not None:
        known = check_unit(ctx, given.guide_unit, "guide_unit")
        if not known.allowed:
            return known
        return onestop.check_send(case, ctx, given.guide_unit, "guide_unit")
    return ALLOW


def _named_ground(case: Case, ctx: Context[NotAcceptInputs]) -> PetitionDetails | Decision:
    """The case's details with the ground the earlier petition the clerk named
    (``same_as``) gives (:func:`~mediation.rules.petition_intake.named_ground`), or the
    refusal of that input: the intake found a ground already, or the named petition is
    not an earlier one of this petitioner's that bars acceptance."""
    found = details(case)
    named = ctx.inputs.same_as
    assert named is not None
    if found.bar is not None:
        return refuse_input(
            "not_accept",
            "same_as",
            named,
            f"a ground was found at registration already: {found.bar.label}（{found.bar_code}）",
            found.bar.basis,
        )
    bar, earlier = petition_intake.named_ground(case, ctx, named)
    if bar is None:
        assert isinstance(earlier, str)
        return refuse_input("not_accept", "same_as", named, earlier, f"{ART}第三十六条第三款")
    assert not isinstance(earlier, str)
    return evolve(found, bar=bar, bar_case=earlier.id, bar_code=earlier.code)


def on_not_accept(case: Case, ctx: Context[NotAcceptInputs]) -> Case:
    """Close the clocks (the notice is the written reply, 第二十三条), record the ground,
    the earlier case and where the petitioner was guided. A ground the clerk recognised in
    an earlier petition (``same_as``) is recorded as the intake's would be."""
    given = ctx.inputs
    found = details(case)
    if given.same_as is not None:
        named = _named_ground(case, ctx)
        assert not isinstance(named, Decision)
        case = with_details(case, bar=named.bar, bar_case=named.bar_case, bar_code=named.bar_code)
        found = named
    extra = given.reason.strip()
    if found.bar is not None:
        reason = found.bar.label + (f"；{extra}" if extra else "")
        basis = found.bar.basis
    else:
        reason, basis = extra, f"{ART}第二十三条第一款"
    guide = given.guide_to.strip()
    if not guide and given.guide_unit is not None and ctx.policy.org is not None:
        guide = ctx.policy.org.get(given.guide_unit).name
    case = close_clocks(case, ctx)
    case = with_details(case, refusal=Refusal(reason, basis, guide, ctx.at))
    if given.guide_unit is not None:
        case = onestop.record_send(case, ctx, given.guide_unit, "guide_unit")
    earlier = f"（在先事项：{found.bar_code}）" if found.bar_code else ""
    outcome = f"不予受理：{reason}{earlier}"
    case = report_back(case, ctx, outcome)
    return evolve(case, outcome=outcome)


def on_withdraw(case: Case, ctx: Context[ReasonInputs]) -> Case:
    """撤回: cancel every clock (one already late closes late, version 2 on), record why."""
    case = deadlines.cancel_all(case, ctx, late=v2(case))
    outcome = f"信访人撤回：{ctx.inputs.reason.strip()}"
    case = report_back(case, ctx, outcome)
    return evolve(case, outcome=outcome)


# -- objection (第二十三条第三款) -----------------------------------------------------------


def object_guard(case: Case, ctx: Context[ObjectInputs]) -> Decision:
    """A transferred or assigned matter outside this organ's competence: object within
    5 working days of receipt, with reasons (第二十三条第三款)."""
    basis = f"{ART}第二十三条第三款"
    if not details(case).origin:
        return refuse("object", "只有转送、交办的信访事项才能提出异议", basis)
    clock = next((d for d in case.deadlines if d.period == OBJECTION.id and d.status.is_open), None)
    if clock is None or ctx.at > clock.due_at:
        return refuse(
            "object",
            "对转送、交办的信访事项有异议的，应当自收到之日起5个工作日内提出，已超过期限",
            basis,
        )
    return ALLOW


def on_object(case: Case, ctx: Context[ObjectInputs]) -> Case:
    """Meet the objection period; tell the routing office.

    第二十三条第三款 gives the receiver two branches: within its competence, tell the
    petitioner in 15 days; outside it, object in 5 working days and hand the materials back
    once the office agrees. Versions 2 to 6 stopped the notice period while the office
    verified (:data:`~mediation.rules.periods.PauseReason` ``objection``), running on for
    the days left if it did not agree (:func:`on_objection_rejected`). Version 7 keeps it
    running, as version 1 did: the 15 日 (and 简易办理's days) count from receipt, and no
    rule leaves the verification out (RULES.md §0 rows 9 and 13, §5.6).
    """
    case = deadlines.close(case, ctx, (OBJECTION,))
    if v2(case) and not v7(case):
        case = deadlines.pause(case, ctx, PauseReason.objection, spent=True)
    reason = ctx.inputs.reason.strip()
    ctx.notify(
        details(case).origin, "objection_received", from_case=case.id, reason=reason, code=case.code
    )
    return with_details(case, objection=reason)


def objection_guard(case: Case, ctx: Context[ObjectionInputs]) -> Decision:
    """The objection comes from the case this office routed the matter to (第二十三条第三款)."""
    route = details(case).route
    if route is None or route.case_id != ctx.inputs.from_case:
        return refuse_input(
            "objection_received", "from_case", ctx.inputs.from_case, "不是本机关转送、交办的案件"
        )
    return ALLOW


def on_objection(case: Case, ctx: Context[ObjectionInputs]) -> Case:
    """Verify the objection (PRACTICE target: 5 working days)."""
    case = with_details(case, objection=ctx.inputs.reason)
    return deadlines.open_clock(case, ctx, OBJECTION_VERIFY)


def agree_objection_guard(case: Case, ctx: Context[NoteInputs]) -> Decision:
    """Only an objection received is agreed to (第二十三条第三款)."""
    if details(case).route is None:
        return refuse("agree_objection", "没有转送、交办记录", f"{ART}第二十三条第三款")
    return ALLOW


def on_agree_objection(case: Case, ctx: Context[NoteInputs]) -> Case:
    """Agree: the receiving organ returns the materials; the matter is routed again (the
    routing period starts afresh from the return)."""
    route = details(case).route
    assert route is not None
    case = close_clocks(case, ctx)
    ctx.notify(route.case_id, "return_materials", note=ctx.inputs.note)
    case = with_details(baoan.reclaimed(case), route=None)
    case = deadlines.open_clock(case, ctx, REGISTER if petition_office(case, ctx) else NOTICE)
    return evolve(baoan.take_over(case, ctx), outcome=None)  # 包案's clocks come back too


def on_reject_objection(case: Case, ctx: Context[ReasonInputs]) -> Case:
    """Reject: the receiving organ handles the matter (its notice period runs on)."""
    route = details(case).route
    assert route is not None
    case = deadlines.close(case, ctx, (OBJECTION_VERIFY,))
    ctx.notify(route.case_id, "objection_rejected", reason=ctx.inputs.reason)
    return case


def on_returned(case: Case, ctx: Context[NoteInputs]) -> Case:
    """The materials are returned to the routing office: this case ends (its 包案 goes back
    with the matter)."""
    case = baoan.handed(deadlines.cancel_all(case, ctx), details(case).origin)
    return evolve(case, outcome="异议经核实同意，材料已交还转送、交办机关")


def on_objection_rejected(case: Case, ctx: Context[ReasonInputs]) -> Case:
    """The objection was rejected: handle the matter, the notice period running on for the
    days it had left (第二十三条第三款; :func:`on_object`) — from version 7 it never
    stopped, and nothing is paused to resume."""
    case = deadlines.resume(case, ctx)
    return with_details(
        case, objection=f"{details(case).objection}（未获同意：{ctx.inputs.reason})"
    )


def report_guard(case: Case, ctx: Context[ReportInputs]) -> Decision:
    """The 办结报告 comes from the case this office assigned the matter to (第二十二条)."""
    route = details(case).route
    if route is None or route.case_id != ctx.inputs.from_case:
        return refuse_input(
            "assignment_reported", "from_case", ctx.inputs.from_case, "不是本机关交办的案件"
        )
    return ALLOW


def on_report(case: Case, ctx: Context[ReportInputs]) -> Case:
    """The 办结报告 arrived: the tracked date is met (or lapsed); the office's case ends."""
    case = close_clocks(case, ctx)
    return evolve(
        case, outcome=f"承办机关已报送办结报告（{ctx.inputs.code}）：{ctx.inputs.outcome}"
    )


_ENDS = {"transferred": "transferred_out"}
"""How a petition's end is recorded, by the closed state it reaches (default ``closed``):
a transfer (转送) sends the matter on, as a dispute's ``transferred_out``."""


def record_end(case: Case, ctx: Context[Any]) -> Case:
    """Record where and when a petition ended (:func:`~mediation.rules.resolution.
    record_resolution`), on the step that closes it — so a step taken later on the closed
    file (aftercare, a document) does not move its end. Version 2 on; version 1 cases end
    at their last step, as they replay."""
    if not v2(case) or resolution_of(case) is not None:
        return case
    return record_resolution(case, ctx, _how(case), None)


AGREEMENT = "agreement"
"""A petition concluded by an agreement: the organ's mediation or the parties' settlement
(第三十三条: 调解协议书、和解协议书), or 访调对接 that ended in a mediation agreement — a matter
resolved (化解), as a dispute's agreement is."""


def _how(case: Case) -> str:
    found = details(case)
    if case.state == "concluded":
        mediated = found.mediation is not None and found.mediation.result == "agreement"
        if found.settlement is not None or mediated:
            return AGREEMENT
    return _ENDS.get(case.state, "closed")


def clear_end(case: Case, ctx: Context[Any]) -> Case:
    """A petition taken up again (an objection agreed sends it back to the office that
    routed it): its recorded end no longer holds — the step that closes it again records
    the new one (:func:`record_end`). Version 2 on."""
    if not v2(case) or resolution_of(case) is None:
        return case
    return evolve(case, overlays=case.overlays.without(RESOLUTION))
