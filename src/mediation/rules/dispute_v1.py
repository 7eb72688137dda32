"""The rules of the dispute workflow as release 0.1 decided them (workflow version 1), frozen.

Cases recorded on version 1 replay by these functions exactly as they were
decided; new cases run on version 2 (:mod:`mediation.rules.dispute`), which
applies the law more closely. Nothing here changes. The details type is the
shared :class:`~mediation.rules.dispute.DisputeDetails` (its newer fields keep
their defaults on version 1), so a case can be migrated to version 2.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import AgreementForm, Case, Risk, Visit, evolve
from mediation.rules import agreement as agreement_rules
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.base import nonblank as _nonblank
from mediation.rules.base import nonblank_items as _ids
from mediation.rules.dispute import DisputeDetails, details
from mediation.rules.linkage import MEDIATION_PERIODS, mediation_period
from mediation.rules.periods import PauseReason, period

__all__ = [
    "ACCEPTANCE",
    "CALLBACK",
    "CONFIRMATION",
    "PARTY_CLOCKS",
    "SUSPENSION",
    "AcceptInputs",
    "AgreeInputs",
    "ArchiveInputs",
    "CallbackInputs",
    "DisputeDetails",
    "MediatorsInputs",
    "NoteInputs",
    "PerformedInputs",
    "ReasonInputs",
    "RefuseInputs",
    "SuspendInputs",
    "TerminateInputs",
    "TransferInputs",
    "TriageInputs",
    "WithdrawInputs",
    "accept_guard",
    "agree_guard",
    "close_guard",
    "dispute_facts",
    "on_accept",
    "on_agree",
    "on_callback",
    "on_close",
    "on_end",
    "on_intake",
    "on_mediators",
    "on_performed",
    "on_reopen",
    "on_resume",
    "on_sign",
    "on_suspend",
    "on_terminate",
    "on_triage",
    "sign_guard",
    "terminate_guard",
    "triage_guard",
]

ACCEPTANCE = period("dispute_acceptance")
SUSPENSION = period("suspension_review")
CALLBACK = period("callback_visit")
CONFIRMATION = period("judicial_confirmation_apply")

PARTY_CLOCKS = frozenset({CONFIRMATION.id})
"""Clocks on the parties' rights, not the committee's duties: closing the case
cancels them (nobody "met" them) rather than counting them met."""


def _with(case: Case, **changes: Any) -> Case:
    return evolve(case, details=evolve(details(case), **changes))


# -- details and inputs -------------------------------------------------------------


@attrs.frozen(slots=True)
class TriageInputs:
    """分流: the track and level, and optionally the receiving unit and risk."""

    track: str = field("调解途径")
    level: str = field("层级")
    unit: str | None = field("承办单位", default=None)
    risk: Risk | None = field("激化风险", default=None)
    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class AcceptInputs:
    """受理: a party's refusal or another organ's handling, if any, refuses acceptance."""

    refused_by: str | None = field("明确拒绝调解的当事人", default=None)
    handled_by: str | None = field("已受理或者处理的机关", default=None)
    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class RefuseInputs:
    """不予受理: the reason and its ground."""

    reason: str = field("不予受理理由", validator=_nonblank)
    ground: str = field("依据", default="")


@attrs.frozen(slots=True)
class TransferInputs:
    """移送: the reason and the receiving organ."""

    reason: str = field("移送理由", validator=_nonblank)
    to: str = field("移送机关", default="")


@attrs.frozen(slots=True)
class ReasonInputs:
    """A step that must state why (重新调解, 重新启动)."""

    reason: str = field("理由", validator=_nonblank)


@attrs.frozen(slots=True)
class WithdrawInputs:
    """撤回: why, and who withdrew."""

    reason: str = field("撤回理由", validator=_nonblank)
    by: str = field("撤回人", default="")


@attrs.frozen(slots=True)
class MediatorsInputs:
    """开始调解: the mediators (人民调解法 第十九条: designated or chosen)."""

    mediators: tuple[str, ...] = field("调解员", default=(), validator=_ids)
    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class SuspendInputs:
    """中止调解: why (only a reason a clock's rule names stops that clock)."""

    reason: PauseReason = field("中止原因")
    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class NoteInputs:
    """A step with an optional note."""

    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class AgreeInputs:
    """达成协议: the agreement's items."""

    agreement: agreement_rules.AgreementInput = field("调解协议")


@attrs.frozen(slots=True)
class PerformedInputs:
    """确认履行: a note and the evidence of performance (履行凭证)."""

    note: str = field("备注", default="")
    evidence: str = field("履行凭证", default="")


@attrs.frozen(slots=True)
class TerminateInputs:
    """终止调解: why, and that the parties were told their other remedies."""

    reason: str = field("终止理由", validator=_nonblank)
    remedies_informed: bool = field("已告知其他救济途径", default=False)


@attrs.frozen(slots=True)
class CallbackInputs:
    """记录回访: who visited whom, performance, satisfaction, recurrence."""

    visitor: str = field("回访人", validator=_nonblank)
    party: str = field("被回访人", default="")
    performance: str = field("履行情况", default="")
    satisfaction: str = field("满意程度", default="")
    recurrence: str = field("有无反复", default="")


@attrs.frozen(slots=True)
class ArchiveInputs:
    """立卷归档: the dossier number."""

    dossier_no: str = field("卷宗号", default="")


# -- intake -------------------------------------------------------------------------


def on_intake(case: Case, ctx: Context[Any]) -> Case:
    """Open the acceptance-decision clock (2002 规定 第二十三、二十四条: register and decide promptly)."""
    return deadlines.open_clock(case, ctx, ACCEPTANCE)


# -- triage -------------------------------------------------------------------------


def triage_guard(case: Case, ctx: Context[TriageInputs]) -> Decision:
    """The track and level must be known ones; the unit, if given, must exist.

    Source: 2002 规定 第二十一条 (routing among village and township committees);
    信访工作条例 第三十七条 (三调联动 tracks).
    """
    given = ctx.inputs
    policy = ctx.policy
    if given.track not in policy.tracks:
        return refuse_input(
            "triage",
            "track",
            given.track,
            f"unknown track; one of {', '.join(policy.tracks)}",
            "《信访工作条例》第三十七条",
        )
    if given.level not in policy.ladder:
        return refuse_input(
            "triage",
            "level",
            given.level,
            f"unknown level; one of {', '.join(lv.name for lv in policy.ladder.levels)}",
        )
    if given.unit is not None and policy.org is not None and given.unit not in policy.org:
        return refuse_input("triage", "unit", given.unit, "unknown unit (not in the org tree)")
    return ALLOW


def on_triage(case: Case, ctx: Context[TriageInputs]) -> Case:
    """Set track, level, and (if given) the receiving unit and risk."""
    given = ctx.inputs
    return evolve(
        case,
        level=given.level,
        unit=case.unit if given.unit is None else given.unit,
        risk=case.risk if given.risk is None else given.risk,
        details=evolve(details(case), track=given.track),
    )


# -- acceptance ---------------------------------------------------------------------


def accept_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """Refuse acceptance where the law forbids mediation.

    - 《人民调解法》第十七条: a party clearly refuses mediation (input ``refused_by``).
    - 2002 规定 第二十二条第二项: a court, public-security or other administrative
      organ has already accepted or resolved it (input ``handled_by``).
    """
    given = ctx.inputs
    if given.refused_by:
        return refuse(
            "accept", f"当事人{given.refused_by}明确拒绝调解，不得调解", "《人民调解法》第十七条"
        )
    if given.handled_by:
        return refuse(
            "accept",
            f"纠纷已由{given.handled_by}受理或者解决，不予受理",
            "《人民调解工作若干规定》第二十二条",
        )
    if details(case).track is None or case.level is None:
        return refuse("accept", "未分流：须先确定调解途径和层级", "受理登记 → 分流")
    return ALLOW


def on_accept(case: Case, ctx: Context[Any]) -> Case:
    """Meet the acceptance clock, open the mediation clock of the track and category."""
    track = details(case).track
    assert track is not None  # the guard checked it
    return deadlines.close_and_open(case, ctx, (ACCEPTANCE,), mediation_period(case, track))


def on_end(case: Case, ctx: Context[Any]) -> Case:
    """Cancel every clock and record the reason (refused, transferred, withdrawn)."""
    case = deadlines.cancel_all(case, ctx)
    return evolve(case, outcome=ctx.inputs.reason)


# -- mediation ----------------------------------------------------------------------


def on_mediators(case: Case, ctx: Context[MediatorsInputs]) -> Case:
    """Assign the mediators (人民调解法 第十九条: designated or chosen by the parties)."""
    if not ctx.inputs.mediators:
        return case
    return evolve(case, assignees=ctx.inputs.mediators)


def on_suspend(case: Case, ctx: Context[SuspendInputs]) -> Case:
    """Pause the clocks the reason may stop, and open the resume-or-terminate watch.

    Appraisal time is excluded from medical mediation (医疗纠纷预防和处理条例
    第三十八条) and online court mediation (在线调解规则 第二十六条); other clocks
    keep running. The ``suspension_review`` clock keeps a suspended case from
    being forgotten (人民调解法 第二十一条: mediate promptly).
    """
    case = deadlines.pause(case, ctx, ctx.inputs.reason)
    return deadlines.open_clock(case, ctx, SUSPENSION)


def on_resume(case: Case, ctx: Context[Any]) -> Case:
    """Meet the watch clock and resume paused clocks (paused time not counted)."""
    case = deadlines.close(case, ctx, (SUSPENSION,))
    return deadlines.resume(case, ctx)


def terminate_guard(case: Case, ctx: Context[TerminateInputs]) -> Decision:
    """Terminating a failed mediation requires telling the parties their other remedies.

    《人民调解法》第二十六条: the mediator terminates and informs the parties
    that they may seek arbitration, administrative or judicial remedies.
    """
    if not ctx.inputs.remedies_informed:
        return refuse(
            "terminate",
            "终止调解须告知当事人可以依法通过仲裁、行政、司法等途径维护权利",
            "《人民调解法》第二十六条",
        )
    return ALLOW


def on_terminate(case: Case, ctx: Context[TerminateInputs]) -> Case:
    """Close mediation clocks, record why, open the callback watch."""
    case = deadlines.close(case, ctx)
    case = evolve(case, outcome=ctx.inputs.reason)
    return deadlines.open_clock(case, ctx, CALLBACK)


# -- agreement ----------------------------------------------------------------------


def agree_guard(case: Case, ctx: Context[AgreeInputs]) -> Decision:
    """A written agreement must state every required item; its signatures must be the case's.

    《人民调解法》第二十九条; 《人民调解工作若干规定》第三十五条. An agreed
    performance date cannot already be past.
    """
    given = ctx.inputs.agreement
    for i, sig in enumerate(given.signatures):
        problem = agreement_rules.signature_problem(sig, case, f"agreement.signatures[{i}].party")
        if not problem.allowed:
            return problem
    agreement = agreement_rules.build_agreement(given, case, ctx.at)
    missing = agreement_rules.missing_items(agreement, agreement_rules.principals(case.parties))
    if missing:
        names = "、".join(i.label for i in missing)
        return refuse("agree", f"调解协议缺少：{names}", missing[0].basis)
    deadline = given.performance_deadline
    if deadline is not None and deadline < ctx.day:
        return refuse_input(
            "agree",
            "agreement.performance_deadline",
            deadline.isoformat(),
            "the agreed performance date is already past",
        )
    return ALLOW


def on_agree(case: Case, ctx: Context[AgreeInputs]) -> Case:
    """Record the agreement, meet the mediation clock, open performance (and confirmation) clocks."""
    agreement = agreement_rules.build_agreement(ctx.inputs.agreement, case, ctx.at)
    case = deadlines.close(case, ctx, MEDIATION_PERIODS)
    case = _with(case, agreement=agreement)
    if agreement.performance_deadline is not None:
        case = deadlines.open_fixed(
            case, ctx, agreement_rules.PERFORMANCE, agreement.performance_deadline
        )
    else:
        case = deadlines.open_clock(case, ctx, CALLBACK)
    return _open_confirmation(case, ctx)


def _open_confirmation(case: Case, ctx: Context[Any]) -> Case:
    """Open the 30-day judicial-confirmation clock once a written agreement takes effect.

    《人民调解法》第三十三条; 《民事诉讼法》第二百零五条.
    """
    agreement = details(case).agreement
    if agreement is None or agreement.form is not AgreementForm.written:
        return case
    if any(d.period == CONFIRMATION.id for d in case.deadlines):
        return case
    effective = agreement_rules.effective_at(agreement, case.parties)
    if effective is None:
        return case
    start: dt.date = effective.astimezone(ctx.policy.tz).date()
    return deadlines.open_clock(case, ctx, CONFIRMATION, start)


def sign_guard(case: Case, ctx: Context[agreement_rules.SignatureInput]) -> Decision:
    """Only a written agreement is signed; a party signer must be a party of the case.

    《人民调解法》第二十九条第二款.
    """
    agreement = details(case).agreement
    if agreement is None or agreement.form is not AgreementForm.written:
        return refuse("sign", "只有书面调解协议需要签名、盖章", "《人民调解法》第二十九条第二款")
    return agreement_rules.signature_problem(ctx.inputs, case)


def on_sign(case: Case, ctx: Context[agreement_rules.SignatureInput]) -> Case:
    """Add a signature; when the agreement takes effect, start the confirmation clock."""
    agreement = details(case).agreement
    assert agreement is not None
    sig = agreement_rules.signature(ctx.inputs, case)
    signed = evolve(agreement, signatures=(*agreement.signatures, sig))
    return _open_confirmation(_with(case, agreement=signed), ctx)


# -- performance and callbacks ------------------------------------------------------


def on_performed(case: Case, ctx: Context[Any]) -> Case:
    """Meet the performance clock; schedule the callback visit (RULES.md §7.5).

    Non-performance closes the performance clock the same way; the callback
    then urges performance or tells the parties they may sue (人民调解法 第三十二条).
    """
    case = deadlines.close(case, ctx, (agreement_rules.PERFORMANCE,))
    if any(d.period == CALLBACK.id and d.is_open for d in case.deadlines):
        return case
    return deadlines.open_clock(case, ctx, CALLBACK)


def on_callback(case: Case, ctx: Context[CallbackInputs]) -> Case:
    """Record a callback visit (人民调解法 第三十一条第二款; 2002 规定 第三十六条)."""
    given = ctx.inputs
    visit = Visit(
        at=ctx.at,
        visitor=given.visitor.strip(),
        party=given.party,
        performance=given.performance,
        satisfaction=given.satisfaction,
        recurrence=given.recurrence,
    )
    return _with(case, visits=(*details(case).visits, visit))


def on_reopen(case: Case, ctx: Context[Any]) -> Case:
    """Reopen mediation: close the open clocks, open a new mediation clock."""
    track = details(case).track
    assert track is not None
    return deadlines.close_and_open(case, ctx, None, mediation_period(case, track))


def close_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Closure needs the callback visits the policy asks for (DESIGN: closure requires callbacks)."""
    found = details(case)
    needed = (
        ctx.policy.callbacks.after_agreement
        if found.agreement is not None
        else ctx.policy.callbacks.after_failure
    )
    if len(found.visits) < needed:
        return refuse(
            "close",
            f"结案前须回访{needed}次，已回访{len(found.visits)}次",
            "《人民调解法》第三十一条第二款；《人民调解工作若干规定》第三十六条",
        )
    return ALLOW


def on_close(case: Case, ctx: Context[Any]) -> Case:
    """Close every remaining duty clock (met or breached); cancel the parties' clocks."""
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.period in PARTY_CLOCKS)
    return deadlines.close(case, ctx)


# -- documents ----------------------------------------------------------------------


def dispute_facts(case: Case, policy: Any) -> dict[str, Any]:
    """What dispute documents print about the case beyond the generic core."""
    found = details(case)
    track = policy.tracks.get(found.track) if found.track else None
    agreement = found.agreement
    signatures = agreement.signatures if agreement is not None else ()
    return {
        "track": found.track or "",
        "track_label": track.label if track is not None else (found.track or ""),
        "agreement_form": agreement.form.value if agreement is not None else "",
        "written_agreement": bool(agreement and agreement.form is AgreementForm.written),
        "mediator_signers": [s.signer for s in signatures if s.capacity == "mediator"],
        "committee_seal": next((s.signer for s in signatures if s.capacity == "committee"), ""),
    }
