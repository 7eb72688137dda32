"""Performance of the agreement, callback visits (回访) and closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, LabeledEnum, PartyRole, Risk, Visit, evolve
from mediation.rules import agreement as agreement_rules
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.base import nonblank as _nonblank
from mediation.rules.dispute._common import (
    CALLBACK,
    CLOSING,
    CONFIRMATION,
    ENFORCEMENT,
    FEEDBACK_CLOCKS,
    RULING_OBJECTIONS,
    v4,
    v8,
    v10,
)
from mediation.rules.dispute.acceptance import mediation_clock
from mediation.rules.dispute.agreement import effective
from mediation.rules.dispute.court import REPORT_BASIS, court_report_owed
from mediation.rules.dispute.details import Satisfaction, _level, _with, details
from mediation.rules.dispute.intake import _public_order, _traffic_police
from mediation.rules.dispute.mediation import (
    _close_work,
    penalty_owed,
    public_order_pending,
    restart_handling,
)
from mediation.rules.dispute.procedure import Procedure, procedure
from mediation.rules.policy import Policy
from mediation.rules.resolution import record_resolution

# -- performance and callbacks ----------------------------------------------------------


@attrs.frozen(slots=True)
class NoteInputs:
    """A step with an optional note."""

    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class PerformedInputs:
    """确认履行: a note and the evidence of performance (履行凭证)."""

    note: str = field("备注", default="")
    evidence: str = field("履行凭证", default="")


def on_performed(case: Case, ctx: Context[Any]) -> Case:
    """Meet the performance clock; schedule the callback visit (RULES.md §7.5)."""
    return _performance_over(case, ctx)


PERFORMED = "达成调解协议，已履行完毕"
"""The outcome of a case whose agreement was performed (dispute v4)."""


def on_performed_current(case: Case, ctx: Context[Any]) -> Case:
    """Version 4 on: :func:`on_performed`, and the performance is recorded; nothing is left
    to enforce, so the parties' 2 years to apply for enforcement of a confirmed agreement
    end, and a ruling made later opens none (《民事诉讼法》第二百五十条). The case's outcome
    says so (the 卷宗情况说明 prints it; 2002 规定 第三十六条 asks the performance recorded)."""
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == ENFORCEMENT.id)
    case = evolve(_with(case, performed_at=ctx.at), outcome=PERFORMED)
    return _performance_over(case, ctx)


def _performance_over(case: Case, ctx: Context[Any], *, performed: bool = True) -> Case:
    """The performance period ends: met by performance in time. Reported not performed,
    from dispute workflow version 8 on, it is not met — a party who refused before the
    deadline ends it cancelled (lapsed once the deadline passed); earlier versions closed it
    as met if reported in time, and the closing report read 按期完成 beside 未履行."""
    if not performed and v8(case):
        period = agreement_rules.PERFORMANCE.id
        case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == period, late=True)
    else:
        case = deadlines.close(case, ctx, (agreement_rules.PERFORMANCE,))
    if any(d.period == CALLBACK.id and d.is_open for d in case.deadlines):
        return case
    return deadlines.open_clock(case, ctx, CALLBACK)


def on_not_performed(case: Case, ctx: Context[Any]) -> Case:
    """报告未履行: the performance clock closes and the callback follows, as on performance;
    the callback then urges performance or tells the parties they may sue (《人民调解法》
    第三十二条; 2002 规定 第三十七条), or, on a confirmed agreement, apply for enforcement.

    A 治安调解 agreement not performed goes back to the penalty procedure: the police
    shall penalise, and the case-handling period starts again from the day of
    non-performance (《公安机关办理行政案件程序规定》第一百八十五条; 《治安管理处罚法》第九条).
    """
    case = _performance_over(case, ctx, performed=False)
    if _public_order(case, details(case).track, ctx):
        return restart_handling(case, ctx, _not_performed_on(case, ctx))
    return case


def _not_performed_on(case: Case, ctx: Context[Any]) -> dt.date:
    """The day the agreement was not performed: its performance date, once passed — the
    police may record it later —, else the day it was reported (a party refused early).
    Version 4 on; earlier versions counted from the report."""
    agreement = details(case).agreement
    deadline = agreement.performance_deadline if agreement is not None else None
    if not v4(case) or deadline is None:
        return ctx.day
    return min(deadline, ctx.day)


def police_mediation_once(case: Case, ctx: Context[Any]) -> Decision:
    """Police mediation is not begun again on the same case.

    - 治安调解: at most two sessions (程序规定 第一百八十三条); no agreement, or an
      agreement not performed, and the police shall penalise (第一百八十五条), not mediate.
    - 交警调解: one mediation period, ending with a 调解书 or a 调解终结书 (程序规定
      第九十条; 实施条例 第九十五条); after that the parties may sue (《道路交通安全法》
      第七十四条).
    """
    found = details(case)
    if _public_order(case, found.track, ctx):
        return refuse(
            "police_mediation_once",
            "治安调解未达成协议或者达成协议后不履行的，公安机关依法处罚，不再调解",
            "《公安机关办理行政案件程序规定》第一百八十三条、第一百八十五条",
        )
    if _traffic_police(case, found.track, ctx):
        return refuse(
            "police_mediation_once",
            "交警调解只有一个调解期间；调解不成或者不履行的，当事人可以向人民法院提起民事诉讼",
            "《道路交通事故处理程序规定》第九十条；《道路交通安全法》第七十四条",
        )
    return ALLOW


class PerformanceFinding(LabeledEnum):
    """What a callback visit found of the agreement's performance (回访记录: 履行情况)."""

    performed = "performed", "已履行"
    not_performed = "not_performed", "未履行"
    unknown = "unknown", "未说明"


@attrs.frozen(slots=True)
class CallbackInputs:
    """记录回访: who visited whom, performance, satisfaction (structured), recurrence, and
    the measures taken (the callback record's items, RULES.md §7.5)."""

    visitor: str = field("回访人", validator=_nonblank)
    party: str = field("被回访人", default="")
    performance: str = field("履行情况", default="")
    satisfaction: Satisfaction = field("满意程度", default=Satisfaction.unknown)
    recurrence: str = field("有无反复", default="")
    measures: str = field("采取的措施", default="")
    finding: PerformanceFinding = field("回访发现的履行情况", default=PerformanceFinding.unknown)


CALLBACK_BASIS = "《人民调解法》第三十一条第二款；《人民调解工作若干规定》第三十七条"


def callback_guard(case: Case, ctx: Context[CallbackInputs]) -> Decision:
    """The visit is to a party of the case (or its agent), named by name or party id; a visit
    that finds the agreement not performed records what was done about it — urging
    performance, mediating again, or telling the parties their remedies (《人民调解法》
    第三十一条第二款: the committee supervises performance; 2002 规定 第三十七条). Dispute
    workflow version 8 on: earlier versions took any name and closed such a file as
    performed, the finding unread (``finding``: :class:`PerformanceFinding`).

    Version 10 on, the record holds the callback record's items (RULES.md §7.5): whom the
    visit reached (``party``), and — the case having an agreement — what it found of the
    agreement's performance, as a ``finding`` or in words (``performance``). Earlier
    versions counted a visit that named only its visitor toward closing the file."""
    given = ctx.inputs
    whom = given.party.strip()
    if not whom and v10(case):
        return refuse_input(
            "record_callback",
            "party",
            "",
            "回访记录应当载明被回访的当事人",
            CALLBACK_BASIS,
        )
    if whom and not any(whom in (p.name, p.id) for p in case.parties):
        names = "、".join(p.name for p in case.parties)
        return refuse_input(
            "record_callback",
            "party",
            whom,
            f"被回访人应当是本案当事人（{names}）",
            CALLBACK_BASIS,
        )
    if (
        v10(case)
        and details(case).agreement is not None
        and given.finding is PerformanceFinding.unknown
        and not given.performance.strip()
    ):
        return refuse_input(
            "record_callback",
            "finding",
            given.finding.value,
            "回访记录应当载明调解协议的履行情况（finding 为 performed 或 not_performed，"
            "或以 performance 文字说明）",
            CALLBACK_BASIS,
        )
    if given.finding is PerformanceFinding.not_performed and not given.measures.strip():
        return refuse_input(
            "record_callback",
            "measures",
            "",
            "回访发现调解协议未履行的，应当督促履行、再次调解或者告知当事人依法维护权利的途径，"
            "并记录采取的措施",
            CALLBACK_BASIS,
        )
    return ALLOW


def _performance(case: Case, given: CallbackInputs) -> str:
    """The visit's 履行情况 as recorded: the text given, or — version 8 on, none given — what
    the structured finding says."""
    found = given.finding
    if given.performance or found is PerformanceFinding.unknown or not v8(case):
        return given.performance
    return found.label


def on_callback(case: Case, ctx: Context[CallbackInputs]) -> Case:
    """Record a visit; the callback clock is met by the visit itself, not by closing.

    《人民调解法》第三十一条第二款; 2002 规定 第三十六条.
    """
    given = ctx.inputs
    visit = Visit(
        at=ctx.at,
        visitor=given.visitor.strip(),
        party=given.party,
        performance=_performance(case, given),
        satisfaction=given.satisfaction.value,
        recurrence=given.recurrence,
        measures=given.measures.strip(),
    )
    case = _with(case, visits=(*details(case).visits, visit))
    case = deadlines.close(case, ctx, (CALLBACK,))
    if not any(d.period == CLOSING.id and d.is_open for d in case.deadlines):
        case = deadlines.open_clock(case, ctx, CLOSING)
    return case


@attrs.frozen(slots=True)
class ReasonInputs:
    """A step that must state why (重新调解, 重新启动)."""

    reason: str = field("理由", validator=_nonblank)


def _again(case: Case) -> str:
    """The trigger that mediates again from the case's state (after a callback: ``reopen``)."""
    return "reopen" if case.state == "callback" else "remediate"


@attrs.frozen(slots=True)
class RemediateInputs:
    """重新调解, 重新启动 (workflow version 4 on): why, and that both parties agreed."""

    reason: str = field("理由", validator=_nonblank)
    consent: bool = field("双方当事人同意重新调解", default=False)


def consent_guard(case: Case, ctx: Context[RemediateInputs]) -> Decision:
    """Mediating an agreement again, or a dispute that recurred, needs both parties' consent:
    mediation is voluntary (《人民调解法》第三条、第十七条), and an agreement is changed by
    re-mediation only with both parties' agreement (2002 规定 第三十七条第二项)."""
    if ctx.inputs.consent:
        return ALLOW
    return refuse_input(
        _again(case),
        "consent",
        False,
        "经双方当事人同意，才能再次调解（变更原协议或者达成新协议）",
        "《人民调解工作若干规定》第三十七条；《人民调解法》第三条",
    )


def remediate_guard(case: Case, ctx: Context[ReasonInputs]) -> Decision:
    """Re-mediation (2002 规定 第三十七条第二项) reopens the agreement; after a rejected
    confirmation the parties may change it by mediation (《民事诉讼法》第二百零六条)."""
    confirmation = details(case).confirmation
    if case.state in ("agreed", "performing") and (
        confirmation is None or confirmation.ruling != "rejected"
    ):
        return refuse(
            "remediate",
            "协议履行中只有司法确认被驳回后才能重新调解变更协议",
            "《民事诉讼法》第二百零六条",
        )
    return ALLOW


def confirmed_agreement_guard(case: Case, ctx: Context[ReasonInputs]) -> Decision:
    """An agreement a court ruled valid is enforced, not mediated again: if a party refuses
    or fails to perform it, the other applies to the court for enforcement (《人民调解法》
    第三十三条第二款; 《民事诉讼法》第二百零六条). Only a ruling that rejects it sends the
    parties back to mediation to change it or make a new one (第三十三条第三款). Workflow
    version 4 on."""
    confirmation = details(case).confirmation
    if confirmation is not None and confirmation.ruling == "valid":
        return refuse(
            _again(case),
            "人民法院已裁定调解协议有效：一方拒绝履行或者未全部履行的，对方可以申请人民法院强制执行，"
            "不再重新调解",
            "《人民调解法》第三十三条第二款；《民事诉讼法》第二百零六条",
        )
    return ALLOW


def on_reopen(case: Case, ctx: Context[Any]) -> Case:
    """Reopen mediation: the old agreement's periods (its confirmation window, its
    performance date) are cancelled — not breached, not lapsed; the unit's open clocks
    close; a new mediation clock opens.

    A reopened mediation is a new attempt at this level: a ladder such as 江阴's
    "331" counts it (issue 10 §4; RULES.md §7.4, PRACTICE; 2002 规定 第三十七条
    for re-mediation of an agreement).

    Version 4 on, an agreement in effect keeps binding while it is mediated again: only a
    new agreement changes it (《人民调解法》第三十一条; 2002 规定 第三十七条第二项), so the
    parties' 30 days to apply for its 司法确认 run on (第三十三条) — a new agreement
    supersedes it and them (:func:`~.agreement.on_agree`).

    Version 4 on, too: a party's or an interested person's period to object to the court's
    ruling (民诉法解释 第三百七十二条) is a right against the court, which mediating
    again does not end; and a callback on the old agreement not yet due is no longer owed
    — cancelled, not met (2002 规定 第三十六条: the visit follows the mediation's end)."""
    binding = v4(case) and effective(case) is not None
    kept = {CONFIRMATION.id} if binding else set()
    if v4(case):
        kept |= RULING_OBJECTIONS
        case = deadlines.cancel_all(
            case, ctx, where=lambda d: d.period == CALLBACK.id and ctx.at <= d.due_at
        )
    case = deadlines.cancel_all(
        case, ctx, where=lambda d: not d.kind.is_own and d.period not in kept
    )
    case = _close_work(case, ctx)
    if case.outcome == PERFORMED:  # mediating again: it has not ended yet
        case = evolve(case, outcome=None)
    attempts = (*details(case).attempts, _level(case, ctx) or "")
    case = _with(case, started_at=ctx.at, attempts=attempts)
    rule, start = mediation_clock(case, ctx)
    return deadlines.open_clock(case, ctx, rule, max(start, ctx.day))


@attrs.frozen(slots=True)
class CloseInputs:
    """结案: a note; without the visits the policy requires, the reason they were not made."""

    note: str = field("备注", default="")
    no_visit_reason: str = field("未回访原因", default="")
    remedies_informed: bool = field("已告知当事人其他救济途径", default=False)


def _needed(case: Case, policy: Policy) -> int:
    callbacks = policy.callbacks
    agreed = details(case).agreement is not None
    return callbacks.after_agreement if agreed else callbacks.after_failure


def _current_visits(case: Case) -> int:
    found = details(case)
    since = found.started_at
    if since is None:
        return len(found.visits)
    return sum(1 for v in found.visits if v.at >= since)


def visits_owed(case: Case, policy: Policy) -> int:
    """The callback visits a closing under workflow version 4 still needs (0: none), as
    :func:`close_guard_current` counts them (《人民调解法》第三十一条第二款; 2002 规定
    第三十六条)."""
    return max(0, _needed(case, policy) - _current_visits(case))


def close_guard(case: Case, ctx: Context[CloseInputs]) -> Decision:
    """Closure needs the callback visits the policy asks for, or the reason they were not made;
    a 交办 case needs its report back; a 治安调解 that failed or was not performed its
    penalty decision (workflow versions 2 and 3: every visit on the case counts).

    《人民调解法》第三十一条第二款; 2002 规定 第三十六条; 程序规定 第一百八十五条.
    """
    return _close_problem(case, ctx, len(details(case).visits))


def close_guard_current(case: Case, ctx: Context[CloseInputs]) -> Decision:
    """:func:`close_guard`, counting only the visits made since the current round of
    mediation began: a visit on an agreement that re-mediation replaced says nothing of
    the performance of the new one (《人民调解法》第三十一条第二款; 2002 规定 第三十六条;
    RULES.md §7.5). A mediation a court delegated or entrusted is first reported to the
    court in writing, with its file (特邀调解规定 第二十六条: ``report_to_court``). A case
    whose agreement was not performed closes once the parties were told what they may do
    (``remedies_informed``: a suit on the agreement, 《人民调解法》第三十二条; 2002 规定
    第三十七条; enforcement of a confirmed one; arbitration for labour).
    Workflow version 4 on."""
    problem = _close_problem(case, ctx, _current_visits(case))
    if problem.allowed and unperformed(case) and not ctx.inputs.remedies_informed:
        return refuse(
            "close",
            "调解协议未履行的，结案前须告知当事人可以依法维护权利（向人民法院提起诉讼，"
            "经司法确认的申请强制执行，劳动争议申请仲裁）：remedies_informed",
            _UNPERFORMED_BASIS.get(
                procedure(case, ctx.policy), _UNPERFORMED_BASIS[Procedure.people]
            ),
        )
    if problem.allowed and court_report_owed(case, ctx.policy):
        return refuse(
            "close",
            "人民法院委派、委托的调解结束后，须先书面报告人民法院并移交案件材料（report_to_court）",
            REPORT_BASIS,
        )
    return problem


_UNPERFORMED_BASIS = {
    Procedure.people: "《人民调解法》第三十二条；《人民调解工作若干规定》第三十七条",
    Procedure.public_order: "《治安管理处罚法》第九条（告知当事人可以就民事争议依法向人民法院提起民事诉讼）",
    Procedure.traffic_police: "《道路交通安全法》第七十四条",
}
"""Whose rule asks that the parties be told their remedies when an agreement is not performed."""


def unperformed(case: Case) -> bool:
    """Whether the agreement of the current round took effect and its performance was not
    confirmed: the case closes on an agreement not performed (workflow version 4 records
    performance, :func:`on_performed_current`)."""
    found = details(case)
    agreement = found.agreement
    if agreement is None or effective(case) is None:
        return False
    if found.started_at is not None and agreement.reached_at < found.started_at:
        return False  # mediation began again after it and ended without a new one
    return found.performed_at is None or found.performed_at < agreement.reached_at


def _close_problem(case: Case, ctx: Context[CloseInputs], visited: int) -> Decision:
    needed = _needed(case, ctx.policy)
    if visited < needed and not ctx.inputs.no_visit_reason.strip():
        return refuse(
            "close",
            f"结案前须回访{needed}次，已回访{visited}次；未能回访的须写明原因",
            "《人民调解法》第三十一条第二款；《人民调解工作若干规定》第三十六条",
        )
    pending = [d for d in case.deadlines if d.period in FEEDBACK_CLOCKS and d.is_open]
    if pending:
        return refuse(
            "close", "交办案件须先向交办单位反馈办理结果", "《信访工作条例》第二十二条第一款第三项"
        )
    if penalty_owed(case, ctx):
        return refuse(
            "close",
            "治安调解不成或者协议未履行的，须依法作出处罚决定",
            "程序规定 第一百八十五条",
        )
    return ALLOW


def on_close(case: Case, ctx: Context[CloseInputs]) -> Case:
    """End every clock: the unit's met or breached; the parties' cancelled; a callback clock
    with no visit made is not counted as met (cancelled, or breached if already late).

    A closed case runs no clock (DESIGN.md). The parties' own periods do not end with the
    committee's file for all that: within its 30 days an agreement may still go to the court
    (《人民调解法》第三十三条: :func:`~.court.apply_confirmation_guard` counts a window the
    closing cancelled), and the notices state the claimant's limitation period from the
    record (:mod:`.limitation`)."""
    return _close(case, ctx)


def _close(case: Case, ctx: Context[CloseInputs]) -> Case:
    found = details(case)
    reason = ctx.inputs.no_visit_reason.strip()
    late = [
        d for d in case.deadlines if d.period == CALLBACK.id and d.is_open and ctx.at > d.due_at
    ]
    case = deadlines.cancel_all(
        case,
        ctx,
        where=lambda d: not d.kind.is_own or (d.period == CALLBACK.id and d not in late),
    )
    case = deadlines.close(case, ctx)
    if reason:
        case = _with(case, closed_without_visit=reason)
    # An agreement that never took effect (a party did not sign: 《人民调解法》第二十九条
    # 第二款) resolved nothing: the mediation failed (version 4 on; earlier versions
    # counted any agreement recorded, and replay so).
    agreed = found.agreement is not None and (not v4(case) or effective(case) is not None)
    how = "agreement" if agreed else "failed"
    return record_resolution(case, ctx, how, found.track)


@attrs.frozen(slots=True)
class ArchiveInputs:
    """立卷归档: the dossier number."""

    dossier_no: str = field("卷宗号", default="")


@attrs.frozen(slots=True)
class WithdrawInputs:
    """撤回: why, and who withdrew."""

    reason: str = field("撤回理由", validator=_nonblank)
    by: str = field("撤回人", default="")


@attrs.frozen(slots=True)
class TransferInputs:
    """移送: why, to which organ, and (for a dispute that may escalate) the easing measures."""

    reason: str = field("移送理由", validator=_nonblank)
    to: str = field("移送机关", validator=_nonblank)
    measures: str = field("已采取的疏导措施", default="")


def transfer_guard(case: Case, ctx: Context[TransferInputs]) -> Decision:
    """A dispute that may escalate is first eased, then handed over (2002 规定 第二十四条)."""
    if case.risk is Risk.high and not ctx.inputs.measures.strip():
        return refuse_input(
            "transfer_out",
            "measures",
            "",
            "纠纷有激化可能，须先采取疏导措施再移送",
            "《人民调解工作若干规定》第二十四条",
        )
    return ALLOW


def on_transfer(case: Case, ctx: Context[TransferInputs]) -> Case:
    """Transferred to the competent organ: every clock cancelled (one already late closes
    late, version 4 on), the organ recorded."""
    case = deadlines.cancel_all(case, ctx, late=v4(case))
    case = evolve(case, outcome=f"移送{ctx.inputs.to.strip()}：{ctx.inputs.reason.strip()}")
    return record_resolution(case, ctx, "transferred_out", details(case).track)


def withdraw_guard(case: Case, ctx: Context[WithdrawInputs]) -> Decision:
    """Withdrawal is the applicant's (《人民调解法》第二十三条: 要求终止调解; the application
    is the applicant's to withdraw): ``by`` naming a respondent or a third party — or such a
    party's agent — is refused; that party's unwillingness is a refusal (``party_refuses``,
    第十七条、第二十三条), which ends the mediation with its remedies told (第二十六条). A
    ``by`` that names no party (free text) is taken as given. Workflow version 4 on.

    From version 12 a 治安调解 the police accepted and have not decided is not withdrawn: a
    party who will not go on makes the mediation fail (``party_refuses``), and the police
    then decide the penalty (《公安机关办理行政案件程序规定》第一百八十五条;
    :func:`~.mediation.public_order_pending`)."""
    if public_order_pending(case, ctx.policy):
        return refuse(
            "withdraw",
            "治安调解不因当事人撤回而终结：当事人不愿继续调解的，按调解未达成协议处理"
            "（party_refuses），公安机关依法作出处理决定",
            "《公安机关办理行政案件程序规定》第一百八十五条；《治安管理处罚法》第九条",
        )
    who = ctx.inputs.by.strip()
    if not who:
        return ALLOW
    found = next((p for p in case.parties if who in (p.id, p.name)), None)
    if found is not None and found.role is PartyRole.agent and found.agent_of:
        found = next((p for p in case.parties if p.id == found.agent_of), found)
    if found is None or found.role is PartyRole.applicant:
        return ALLOW
    return refuse_input(
        "withdraw",
        "by",
        who,
        f"{found.name}不是申请人：撤回申请的是申请人；其他当事人不愿继续调解的，按当事人拒绝调解处理"
        "（party_refuses）",
        "《人民调解法》第二十三条",
    )


def on_withdraw(case: Case, ctx: Context[WithdrawInputs]) -> Case:
    """Withdrawn by the applicant (《人民调解法》第二十三条): every clock cancelled (one
    already late closes late, version 4 on)."""
    case = deadlines.cancel_all(case, ctx, late=v4(case))
    case = evolve(case, outcome=ctx.inputs.reason)
    return record_resolution(case, ctx, "withdrawn", details(case).track)
