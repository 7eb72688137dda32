"""The petition workflow (信访事项办理, 《信访工作条例》2022), as data.

One case is one organ's handling; hand-offs open a linked case at the next organ::

    registered ─route─→ transferred (转送) │ assigned (交办, awaiting the 办结报告)
               ─accept─→ accepted ─opine─→ replied ─request_review─→ review_requested
               ─divert─→ diverted (诉访分离, 第三十一条第一至五项)
               ─not_accept─→ not_accepted
               ─object─→ objected ─return_materials─→ returned
    accepted ─hand_to_mediation─→ mediating ─mediation_result─→ concluded │ mediated │ accepted
    registered ─hand_to_mediation─→ mediating (a petition office; a failure: back to registered)
    accepted ─settle─→ concluded │ mediated (the organ's own mediation or the parties'
             settlement, 第三十三条; mediated: waits for the 包案 sign-off)
    mediating ─mediation_moved─→ mediating (the committee handed the matter on, 三调联动)
    replied ─conclude─→ concluded;  registered (复查) ─opine─→ replied;
    registered (复核) ─opine─→ final (终结);  registered ⇄ hearing (复核听证)
"""

from __future__ import annotations

import attrs

from mediation.model import CaseKind, ClockKind, LabeledEnum, Role
from mediation.rules import fangtiao as ft
from mediation.rules import petition as r
from mediation.rules import petition_aftercare as pa
from mediation.rules import petition_flow as f
from mediation.rules import petition_intake as pi
from mediation.rules import petition_major as pm
from mediation.rules import petition_recusal as pr
from mediation.rules import petition_review as rv
from mediation.rules import petition_settlement as ps
from mediation.rules.petition import PetitionStage, RouteMode
from mediation.rules.resolution import RESOLUTION, Resolution
from mediation.workflows.definition import (
    Ending,
    Hook,
    Site,
    Step,
    Transition,
    WorkflowDefinition,
    closing,
)

__all__ = [
    "PETITION",
    "PETITION_HOOKS",
    "PETITION_STEPS",
    "PETITION_V3",
    "PETITION_V4",
    "PETITION_V5",
    "PETITION_V6",
    "PetitionState",
    "PetitionStep",
    "PetitionTrigger",
]


class PetitionState(LabeledEnum):
    """States of a petition case."""

    registered = "registered", "已登记"
    accepted = "accepted", "办理中"
    transferred = "transferred", "已转送"
    assigned = "assigned", "已交办"
    objection_review = "objection_review", "异议核实中"
    objected = "objected", "已提出异议"
    returned = "returned", "已交还"
    diverted = "diverted", "已依法分流"
    not_accepted = "not_accepted", "不予受理"
    mediating = "mediating", "人民调解中"
    mediated = "mediated", "已调解待办结"
    replied = "replied", "已书面答复"
    review_requested = "review_requested", "已请求复查（复核）"
    hearing = "hearing", "听证中"
    concluded = "concluded", "已办结"
    final = "final", "复核终结"
    withdrawn = "withdrawn", "已撤回"


class PetitionTrigger(LabeledEnum):
    """Triggers of the petition workflow."""

    route = "route", "转送、交办"
    accept = "accept", "受理"
    divert = "divert", "依法分流"
    not_accept = "not_accept", "不予受理"
    object = "object", "提出异议"
    objection_received = "objection_received", "收到异议"
    agree_objection = "agree_objection", "同意异议"
    reject_objection = "reject_objection", "不同意异议"
    return_materials = "return_materials", "交还材料"
    objection_rejected = "objection_rejected", "异议未获同意"
    assignment_reported = "assignment_reported", "收到办结报告"
    hand_to_mediation = "hand_to_mediation", "访调对接"
    mediation_result = "mediation_result", "调解结果反馈"
    mediation_moved = "mediation_moved", "调解案件移交"
    settle = "settle", "调解、和解办结"
    opine = "opine", "出具意见"
    request_review = "request_review", "请求复查（复核）"
    conclude = "conclude", "办结"
    hold_hearing = "hold_hearing", "举行听证"
    end_hearing = "end_hearing", "听证结束"
    withdraw = "withdraw", "撤回"


S, T = PetitionState, PetitionTrigger
_CLERKS = {Role.clerk, Role.director}
_HEADS = {Role.director}
_HANDLING, _REVIEW, _REREVIEW = PetitionStage.handling, PetitionStage.review, PetitionStage.rereview

PETITION_V2 = WorkflowDefinition(
    name="petition",
    version=2,
    kind=CaseKind.petition,
    label="信访事项办理",
    states=PetitionState,
    triggers=PetitionTrigger,
    initial=S.registered,
    finals=frozenset(
        {
            S.returned,
            S.diverted,
            S.not_accepted,
            S.review_requested,
            S.concluded,
            S.final,
            S.withdrawn,
        }
    ),
    closed=frozenset(
        {
            S.transferred,
            S.returned,
            S.diverted,
            S.not_accepted,
            S.review_requested,
            S.concluded,
            S.final,
            S.withdrawn,
        }
    ),
    details=r.PetitionDetails,
    intake_inputs=r.PetitionIntake,
    endings={
        S.final: Ending(*rv.ENDED_BY_REREVIEW),
        S.review_requested: Ending(*rv.REVIEW_TAKEN_UP),
    },
    intake_guards=pi.intake_guard,
    intake_effects=pi.on_intake,
    intake_roles=_CLERKS,
    keys=pi.keys,
    clocks=r.CLOCKS,
    documents=(
        "petition_acceptance_notice",
        "petition_extension_notice",
        "petition_non_acceptance_notice",
        "petition_transfer_letter",
        "petition_handling_opinion",
        "petition_review_opinion",
        "petition_rereview_opinion",
        "baoan_plan",
        "baoan_sign_off",
        "fangtiao_consent",
        "petition_settlement",
    ),
    transitions=(
        Transition(
            T.route,
            S.registered,
            S.transferred,
            guards=(f.route_guard, f.route_mode(RouteMode.transfer)),
            effects=f.on_route,
            roles=_CLERKS,
            inputs=f.RouteInputs,
        ),
        Transition(
            T.route,
            S.registered,
            S.assigned,
            guards=(f.route_guard, f.route_mode(RouteMode.assign)),
            effects=f.on_route,
            roles=_CLERKS,
            inputs=f.RouteInputs,
        ),
        Transition(
            T.accept,
            S.registered,
            S.accepted,
            guards=(f.stage(_HANDLING), f.accept_guard),
            effects=f.on_accept,
            roles=_CLERKS,
            inputs=f.AcceptInputs,
        ),
        Transition(
            T.divert,
            (S.registered, S.accepted),
            S.diverted,
            guards=f.divert_guard,
            effects=f.on_divert,
            roles=_CLERKS,
            inputs=f.DivertInputs,
        ),
        Transition(
            T.not_accept,
            S.registered,
            S.not_accepted,
            guards=f.not_accept_guard,
            effects=f.on_not_accept,
            roles=_HEADS,
            inputs=f.NotAcceptInputs,
            # A matter reworded is still the same (第三十六条第三款): the clerk names the
            # earlier petition among this petitioner's (``same_as``). Only a refusal that
            # names one reads them, so every version takes the input.
            reads_related=True,
        ),
        Transition(
            T.object,
            S.registered,
            S.objected,
            guards=f.object_guard,
            effects=f.on_object,
            roles=_CLERKS,
            inputs=f.ObjectInputs,
        ),
        Transition(
            T.objection_received,
            (S.transferred, S.assigned),
            S.objection_review,
            guards=f.objection_guard,
            effects=f.on_objection,
            roles=_CLERKS,
            inputs=f.ObjectionInputs,
        ),
        Transition(
            T.agree_objection,
            S.objection_review,
            S.registered,
            guards=f.agree_objection_guard,
            effects=f.on_agree_objection,
            roles=_HEADS,
            inputs=f.NoteInputs,
        ),
        Transition(
            T.reject_objection,
            S.objection_review,
            S.transferred,
            guards=f.not_assigned,
            effects=f.on_reject_objection,
            roles=_HEADS,
            inputs=f.ReasonInputs,
        ),
        Transition(
            T.reject_objection,
            S.objection_review,
            S.assigned,
            guards=f.assigned,
            effects=f.on_reject_objection,
            roles=_HEADS,
            inputs=f.ReasonInputs,
        ),
        # 第二十三条第三款: the materials go back once the routing office has verified and
        # agreed — its agree_objection takes this step (as the system); not the receiving
        # organ's clerks on their own. An administrator records an agreement made outside.
        Transition(
            T.return_materials,
            S.objected,
            S.returned,
            effects=f.on_returned,
            roles={Role.admin},
            inputs=f.NoteInputs,
        ),
        Transition(
            T.objection_rejected,
            S.objected,
            S.registered,
            effects=f.on_objection_rejected,
            roles=_CLERKS,
            inputs=f.ReasonInputs,
        ),
        Transition(
            T.assignment_reported,
            S.assigned,
            S.concluded,
            guards=f.report_guard,
            effects=f.on_report,
            roles=_CLERKS,
            inputs=f.ReportInputs,
        ),
        Transition(
            T.hand_to_mediation,
            S.accepted,
            S.mediating,
            guards=ft.hand_guard,
            effects=ft.on_hand,
            roles=_CLERKS,
            inputs=ft.HandInputs,
        ),
        # The 2025 意见: a petition office hands a matter over from registration (it does
        # not accept matters itself, 第二十二条); a failure brings it back to be routed.
        Transition(
            T.hand_to_mediation,
            S.registered,
            S.mediating,
            guards=ft.hand_registered_guard,
            effects=ft.on_hand,
            roles=_CLERKS,
            inputs=ft.HandInputs,
        ),
        # The result reaching the petition: an agreement concludes it (or waits for the 包案
        # sign-off); a failure resumes handling, or, for a matter a petition office handed
        # over from registration, brings it back there to be routed.
        *(
            Transition(
                T.mediation_result,
                S.mediating,
                dest,
                guards=(ft.result_guard, *guards),
                effects=ft.on_result,
                roles=_CLERKS,
                inputs=ft.ResultInputs,
            )
            for dest, guards in (
                (S.concluded, (ft.result_agreed, ft.signed_or_free)),
                (S.mediated, (ft.result_agreed, ft.unsigned)),
                (S.accepted, (ft.result_failed, ft.was_accepted)),
                (S.registered, (ft.result_failed, ft.from_registration)),
            )
        ),
        Transition(
            T.settle,
            S.accepted,
            S.concluded,
            guards=(ps.settle_guard, ps.signed_off_or_free),
            effects=ps.on_settle,
            roles=_CLERKS,
            inputs=ps.SettleInputs,
        ),
        Transition(
            T.settle,
            S.accepted,
            S.mediated,
            guards=(ps.settle_guard, ps.sign_off_pending),
            effects=ps.on_settle,
            roles=_CLERKS,
            inputs=ps.SettleInputs,
        ),
        Transition(
            T.mediation_moved,
            S.mediating,
            S.mediating,
            guards=ft.moved_guard,
            effects=ft.on_moved,
            roles=_CLERKS,
            inputs=ft.MovedInputs,
        ),
        Transition(
            T.opine,
            S.accepted,
            S.replied,
            guards=(f.stage(_HANDLING), rv.opine_guard),
            effects=rv.on_opine,
            roles=_HEADS,
            inputs=rv.OpineInputs,
        ),
        Transition(
            T.opine,
            S.registered,
            S.replied,
            guards=(f.stage(_REVIEW), rv.opine_guard),
            effects=rv.on_opine,
            roles=_HEADS,
            inputs=rv.OpineInputs,
        ),
        Transition(
            T.opine,
            S.registered,
            S.final,
            guards=(f.stage(_REREVIEW), rv.opine_guard),
            effects=rv.on_opine,
            roles=_HEADS,
            inputs=rv.OpineInputs,
        ),
        Transition(
            T.request_review,
            S.replied,
            S.review_requested,
            guards=rv.review_guard,
            effects=rv.on_review,
            roles=_CLERKS,
            inputs=rv.ReviewInputs,
        ),
        Transition(
            T.conclude,
            S.replied,
            S.concluded,
            guards=rv.conclude_guard,
            effects=rv.on_conclude,
            roles=_HEADS,
            inputs=rv.ConcludeInputs,
        ),
        Transition(
            T.conclude,
            S.mediated,
            S.concluded,
            effects=rv.on_conclude,
            roles=_HEADS,
            inputs=rv.ConcludeInputs,
        ),
        Transition(
            T.hold_hearing,
            S.registered,
            S.hearing,
            guards=rv.hearing_guard,
            effects=rv.on_hearing,
            roles=_HEADS,
            inputs=rv.HearingInputs,
        ),
        # 第三十一条第六项: a matter being handled may be heard too; its period runs on.
        Transition(
            T.hold_hearing,
            S.accepted,
            S.hearing,
            guards=rv.handling_hearing_guard,
            roles=_HEADS,
            inputs=rv.HearingInputs,
        ),
        Transition(
            T.end_hearing,
            S.hearing,
            S.accepted,
            guards=rv.handling_hearing_guard,
            effects=rv.on_end_hearing,
            roles=_HEADS,
            inputs=rv.HearingInputs,
        ),
        Transition(
            T.end_hearing,
            S.hearing,
            S.registered,
            effects=rv.on_end_hearing,
            roles=_HEADS,
            inputs=rv.HearingInputs,
        ),
        Transition(
            T.withdraw,
            (S.registered, S.accepted, S.replied, S.hearing),
            S.withdrawn,
            effects=f.on_withdraw,
            roles=_CLERKS,
            inputs=f.ReasonInputs,
        ),
    ),
)
"""The petition workflow, version 2, kept for the cases recorded under it: the receiving
organ's 5 working days to object (《信访工作条例》第二十三条第三款) are its right, not a
duty — not supervised, and cancelled, not breached, when it accepts instead."""


def _v3(t: Transition) -> Transition:
    """Version 2's transition ``t`` as version 3 has it (see :data:`PETITION_V3`)."""
    if t.trigger is T.accept and t.dest is S.accepted:
        return attrs.evolve(t, guards=(*t.guards, f.reserved_guard))
    if t.trigger is T.hand_to_mediation:
        bar = (ft.hand_bar_guard,) if S.registered in t.source else ()
        return attrs.evolve(t, guards=(ft.hand_refused_by_guard, *bar, *t.guards))
    return t


PETITION_V3 = attrs.evolve(
    PETITION_V2, version=3, transitions=tuple(_v3(t) for t in PETITION_V2.transitions)
)
"""The petition workflow, version 3, kept for the cases recorded under it. Version 2's graph
and rules, and:

- a matter a ground bars (after 复核, pending at a lower organ, a skip-level visit, an
  answered matter) is not handed to people's mediation from registration either
  (:func:`~mediation.rules.fangtiao.hand_bar_guard`; 第三十六条第三款, 第十九条第三款,
  第二十条第一款, 第三十五条);
- a matter of a category reserved to a specialised organ's procedure (a criminal matter) is
  not accepted as a 第三十一条第六项 petition: it is diverted to that procedure
  (:func:`~mediation.rules.petition_flow.reserved_guard`; 第三十一条第一项, 第二十八条第二款);
- the party who refused to be mediated is one of the petition's parties, by id
  (:func:`~mediation.rules.fangtiao.hand_refused_by_guard`; 《人民调解法》第十七条).

Stricter than version 2, so version 2 stays for its recorded cases."""

PETITION_V4 = attrs.evolve(PETITION_V3, version=4)
"""The petition workflow, version 4, kept for the cases recorded under it. Version 3's graph
and rules, and
the grounds found at registration read the earlier petitions' later stages
(:mod:`mediation.rules.petition_intake`):

- a matter whose opinion the petitioner had reviewed is not refused as "answered, to be
  reviewed" (第三十五条、第三十六条): the review is its stage — pending while in its period
  (第十九条第三款), else lapsed, and the organ above accepts the matter as for any lapsed
  period;
- a matter concluded by a mediation or settlement agreement (第三十三条) is not accepted
  again (国家信访局 2014 办法: 已经办结).

Different grounds at registration, so version 3 stays for its recorded cases."""

PETITION_V5 = attrs.evolve(PETITION_V4, version=5)
"""The petition workflow, version 5, kept for the cases recorded under it. Version 4's graph and rules, and a
matter whose review (复查 or 复核) ended without an opinion — the petitioner withdrew the
request, or it was not accepted — stands answered by its last opinion (第三十五条、
第三十六条): a new petition on it is refused as answered, not handled anew with a fresh
60 days (:func:`~mediation.rules.petition_intake._review_dropped`). Version 4 handled it
anew. And ``divert`` naming a unit of the org tree names one that runs the route's
procedure (第三十一条第一至五项: a court for a suit, an arbitration commission for
arbitration, an administrative organ for an administrative procedure;
:attr:`~mediation.rules.petition.DivertRoute.organ_kinds`); a matter ended by 复核 is not
diverted either (第三十六条第三款); the skip-level rule counts the organ a competent
committee stands under (第二十条第一款: 机关).

Stricter at registration and diversion, so version 4 stays for its recorded cases."""

PETITION_V6 = attrs.evolve(PETITION_V5, version=6)
"""The petition workflow, version 6, kept for the cases recorded under it. Version 5's graph and rules, and
the 领导包案 followed through to the sign-off (一抓到底, RULES.md §7.1):

- accepting the matter, or answering it with an opinion the petitioner may still take to
  复查 or 复核, leaves the 包案's timetable, its reminders and a booked leader's reception
  running (:func:`~mediation.rules.petition_flow.leader_clocks`); version 5 closed them as
  met, so the leader was reminded no more and a reception not yet held read as held;
- the 包案 steps hold the case to :data:`~mediation.rules.baoan.STRICT_SINCE`: a case owned
  above the county needs a leader of its level, and another leader does not record a duty
  of the one in charge.

Different clocks and stricter 包案 steps, so version 5 stays for its recorded cases."""

PETITION = attrs.evolve(PETITION_V6, version=7)
"""The petition workflow, version 7: new cases run on it. Version 6's graph and rules, and

- an organ that objects to a transferred or assigned matter (第二十三条第三款) keeps its
  15 日 to decide and tell the petitioner (and 简易办理's days) running from receipt while
  the office verifies: no rule leaves the verification out (RULES.md §0 rows 9 and 13,
  §5.6). Version 6 stopped the period meanwhile, so an objection rejected late left the
  organ not late (:func:`~mediation.rules.petition_flow.on_object`);
- a people's court's 复查 is the court above it, not the government where it sits
  (第三十五条: the organ one level above the original handler): with no superior court in
  the org, ``request_review`` is refused rather than opened at the government
  (:func:`~mediation.rules.petition_review.reviewer`).

Different clocks and review organs, so version 6 stays for its recorded cases."""

PETITION_V1 = attrs.evolve(PETITION_V2, version=1, clock_kinds={r.OBJECTION.id: ClockKind.duty})
"""Version 1, kept for the cases begun under it: their window to object opened as a duty
clock (supervised; met or breached when the organ accepted), and replays so."""


class PetitionStep(LabeledEnum):
    """Steps of petition cases outside the state graph."""

    flag_major = "flag_major", "认定重大、紧急信访事项"
    report_major = "report_major", "报告重大、紧急信访事项"
    record_aftercare = "record_aftercare", "记录终结后工作"
    recuse = "recuse", "回避"
    record_delivery = "record_delivery", "记录书面答复送达"


_PETITIONS = frozenset({PETITION.name})
_MAJOR: dict[str, type] = {pm.OVERLAY: pm.Major}

PETITION_STEPS: tuple[Step, ...] = (
    Step(
        PetitionStep.record_delivery,
        inputs=rv.DeliveryInputs,
        roles=_CLERKS,
        guards=rv.delivery_guard,
        effects=rv.on_delivery,
        workflows=_PETITIONS,
    ),
    Step(
        PetitionStep.flag_major,
        inputs=pm.FlagInputs,
        roles=_CLERKS,
        guards=pm.flag_guard,
        effects=pm.on_flag,
        clocks=(pm.MAJOR_REPORT,),
        workflows=_PETITIONS,
        overlays=_MAJOR,  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        PetitionStep.report_major,
        inputs=pm.ReportInputs,
        roles=_CLERKS,
        guards=pm.report_guard,
        effects=pm.on_report,
        workflows=_PETITIONS,
        overlays=_MAJOR,  # type: ignore[arg-type]  # core: converter=dict
        open_only=False,
    ),
    Step(
        PetitionStep.record_aftercare,
        inputs=pa.AftercareInputs,
        roles=_CLERKS,
        guards=pa.aftercare_guard,
        effects=pa.on_aftercare,
        workflows=_PETITIONS,
        overlays={pa.OVERLAY: pa.Aftercare},  # type: ignore[arg-type]  # core: converter=dict
        open_only=False,
    ),
    Step(
        PetitionStep.recuse,
        inputs=pr.RecusalInputs,
        roles=_CLERKS,
        guards=pr.recuse_guard,
        effects=pr.on_recuse,
        workflows=_PETITIONS,
        overlays={pr.OVERLAY: pr.Recusals},  # type: ignore[arg-type]  # core: converter=dict
    ),
)
"""Major and urgent matters (《信访工作条例》第二十五条): the finding and the report; the work
after a matter is finally closed (第三十七条第三款: 教育疏导、矛盾化解、帮扶救助); recusal
(第二十八条第三款)."""


def _petition_closing(site: Site) -> bool:
    """Select the steps that close a petition (any petition workflow)."""
    return site.definition.kind == CaseKind.petition and site.closing


def _petition_reopening(site: Site) -> bool:
    """Select the steps that take a closed petition up again (a closed state to an open one)."""
    closed = site.definition.closed
    return (
        site.definition.kind == CaseKind.petition
        and site.source in closed
        and site.dest not in closed
    )


PETITION_HOOKS: tuple[Hook, ...] = (
    Hook(
        "petition_end",
        when=_petition_closing,
        effects=f.record_end,
        overlays={RESOLUTION: Resolution},  # type: ignore[arg-type]  # core: converter=dict
    ),
    Hook("petition_reopened", when=_petition_reopening, effects=f.clear_end),
    Hook(
        "major_report_owed",
        when=closing,
        checks=pm.report_owed_check,
        only_if=lambda case: pm.OVERLAY in case.overlays,
    ),
    Hook(
        "recused_staff",
        checks=pr.check_not_recused,
        only_if=lambda case: pr.OVERLAY in case.overlays,
    ),
)
"""A petition owing the report of a major or urgent matter is not closed (第二十五条); staff
who withdrew from a case take no step on it (第二十八条第三款)."""
