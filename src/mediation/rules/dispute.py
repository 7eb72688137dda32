"""Guards and effects of the dispute-mediation workflow (人民调解 and its sister tracks).

Each function is pure: ``(case, context) -> Decision`` for a guard,
``(case, context) -> Case`` for an effect. The workflow in
:mod:`mediation.workflows.dispute` wires them to transitions.
"""

from __future__ import annotations

import attrs

from mediation._errors import ValidationError
from mediation.model import AgreementForm, Case, Risk, Visit, replace
from mediation.rules import agreement as agreement_rules
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, refuse
from mediation.rules.linkage import mediation_period, track

__all__ = [
    "accept_guard",
    "agree_guard",
    "close_guard",
    "on_accept",
    "on_agree",
    "on_callback",
    "on_close",
    "on_end",
    "on_intake",
    "on_mediators",
    "on_not_performed",
    "on_performed",
    "on_reopen",
    "on_resume",
    "on_sign",
    "on_suspend",
    "on_terminate",
    "on_triage",
    "reason_guard",
    "sign_guard",
    "terminate_guard",
    "triage_guard",
]

PAUSE_REASONS = ("appraisal", "hearing", "party_wait", "other")
"""Why mediation may be suspended: 鉴定, 听证, waiting on a party, other."""

_MEDIATION_PERIODS = frozenset(
    {
        "people_mediation",
        "labour_mediation",
        "medical_people_mediation",
        "medical_admin_mediation",
        "traffic_police_mediation",
        "administrative_mediation",
        "court_delegated",
        "court_entrusted_ordinary",
    }
)


# -- intake -------------------------------------------------------------------


def on_intake(case: Case, ctx: Context) -> Case:
    """Open the acceptance-decision clock (2002 规定 第二十三、二十四条: register and decide promptly)."""
    return deadlines.open_clock(case, ctx, "dispute_acceptance")


# -- triage -------------------------------------------------------------------


def triage_guard(case: Case, ctx: Context) -> Decision:
    """The track and level must be known ones; the unit, if given, must exist.

    Source: 2002 规定 第二十一条 (routing among village and township committees);
    信访工作条例 第三十七条 (三调联动 tracks).
    """
    track(str(ctx.require("track")))
    ctx.policy.ladder.rank(str(ctx.require("level")))
    unit = ctx.data.get("unit")
    if unit is not None and ctx.policy.org is not None:
        ctx.policy.org.get(str(unit))
    risk = ctx.data.get("risk")
    if risk is not None and risk not in Risk.__members__:
        raise ValidationError("risk", risk, f"one of {', '.join(Risk)}")
    return ALLOW


def on_triage(case: Case, ctx: Context) -> Case:
    """Set track, level, and (if given) the receiving unit and risk."""
    unit, risk = ctx.data.get("unit"), ctx.data.get("risk")
    return replace(
        case,
        track=str(ctx.data["track"]),
        level=str(ctx.data["level"]),
        unit=case.unit if unit is None else str(unit),
        risk=case.risk if risk is None else Risk(risk),
    )


# -- acceptance ---------------------------------------------------------------


def accept_guard(case: Case, ctx: Context) -> Decision:
    """Refuse acceptance where the law forbids mediation.

    - 《人民调解法》第十七条: a party clearly refuses mediation (input ``refused_by``).
    - 2002 规定 第二十二条第二项: a court, public-security or other administrative
      organ has already accepted or resolved it (input ``handled_by``).
    """
    if ctx.data.get("refused_by"):
        return refuse(
            "accept",
            f"当事人{ctx.data['refused_by']}明确拒绝调解，不得调解",
            "《人民调解法》第十七条",
        )
    if ctx.data.get("handled_by"):
        return refuse(
            "accept",
            f"纠纷已由{ctx.data['handled_by']}受理或者解决，不予受理",
            "《人民调解工作若干规定》第二十二条",
        )
    if case.track is None or case.level is None:
        return refuse("accept", "未分流：须先确定调解途径和层级", "受理登记 → 分流")
    return ALLOW


def on_accept(case: Case, ctx: Context) -> Case:
    """Meet the acceptance clock, open the mediation clock of the track and category."""
    case = deadlines.close(case, ctx, ("dispute_acceptance",))
    assert case.track is not None  # the guard checked it
    return deadlines.open_clock(case, ctx, mediation_period(case, case.track))


def reason_guard(case: Case, ctx: Context) -> Decision:
    """A refusal, transfer, withdrawal or reopening must state its reason."""
    ctx.require("reason")
    return ALLOW


def on_end(case: Case, ctx: Context) -> Case:
    """Cancel every clock and record the reason (refused, transferred, withdrawn)."""
    case = deadlines.cancel_all(case, ctx)
    reason = ctx.data.get("reason")
    return attrs.evolve(case, outcome=str(reason) if reason else case.outcome)


# -- mediation ----------------------------------------------------------------


def on_mediators(case: Case, ctx: Context) -> Case:
    """Assign the mediators (人民调解法 第十九条: designated or chosen by the parties)."""
    mediators = ctx.data.get("mediators")
    if mediators is None:
        return case
    if isinstance(mediators, str) or not all(isinstance(m, str) and m for m in mediators):
        raise ValidationError("mediators", mediators, "a list of mediator ids")
    return attrs.evolve(case, assignees=tuple(mediators))


def on_suspend(case: Case, ctx: Context) -> Case:
    """Pause the clocks the reason may stop, and open the resume-or-terminate watch.

    Appraisal time is excluded from medical mediation (医疗纠纷预防和处理条例
    第三十八条) and online court mediation (在线调解规则 第二十六条); other clocks
    keep running. The ``suspension_review`` clock keeps a suspended case from
    being forgotten (人民调解法 第二十一条: mediate promptly).
    """
    reason = str(ctx.require("reason"))
    if reason not in PAUSE_REASONS:
        raise ValidationError("reason", reason, f"one of {', '.join(PAUSE_REASONS)}")
    case = deadlines.pause(case, ctx, reason)
    return deadlines.open_clock(case, ctx, "suspension_review")


def on_resume(case: Case, ctx: Context) -> Case:
    """Meet the watch clock and resume paused clocks (paused time not counted)."""
    case = deadlines.close(case, ctx, ("suspension_review",))
    return deadlines.resume(case, ctx)


def terminate_guard(case: Case, ctx: Context) -> Decision:
    """Terminating a failed mediation requires telling the parties their other remedies.

    《人民调解法》第二十六条: the mediator terminates and informs the parties
    that they may seek arbitration, administrative or judicial remedies.
    """
    ctx.require("reason")
    if ctx.data.get("remedies_informed") is not True:
        return refuse(
            "terminate",
            "终止调解须告知当事人可以依法通过仲裁、行政、司法等途径维护权利",
            "《人民调解法》第二十六条",
        )
    return ALLOW


def on_terminate(case: Case, ctx: Context) -> Case:
    """Close mediation clocks, record why, open the callback watch."""
    case = deadlines.close(case, ctx)
    case = attrs.evolve(case, outcome=str(ctx.data["reason"]))
    return deadlines.open_clock(case, ctx, "callback_visit")


# -- agreement ----------------------------------------------------------------


def agree_guard(case: Case, ctx: Context) -> Decision:
    """A written agreement must state every required item.

    《人民调解法》第二十九条; 《人民调解工作若干规定》第三十五条.
    """
    agreement = agreement_rules.parse_agreement(ctx.require("agreement"), reached_at=ctx.at)
    missing = agreement_rules.missing_items(agreement, agreement_rules.principals(case.parties))
    if missing:
        names = "、".join(i.label for i in missing)
        return refuse("agree", f"调解协议缺少：{names}", missing[0].basis)
    return ALLOW


def on_agree(case: Case, ctx: Context) -> Case:
    """Record the agreement, meet the mediation clock, open performance (and confirmation) clocks."""
    agreement = agreement_rules.parse_agreement(ctx.data["agreement"], reached_at=ctx.at)
    case = deadlines.close(case, ctx, _MEDIATION_PERIODS)
    case = attrs.evolve(case, agreement=agreement)
    if agreement.performance_deadline is not None:
        case = deadlines.open_fixed(
            case, ctx, "agreement_performance", agreement.performance_deadline
        )
    else:
        case = deadlines.open_clock(case, ctx, "callback_visit")
    return _open_confirmation(case, ctx)


def _open_confirmation(case: Case, ctx: Context) -> Case:
    """Open the 30-day judicial-confirmation clock once a written agreement takes effect.

    《人民调解法》第三十三条; 《民事诉讼法》第二百零五条.
    """
    agreement = case.agreement
    if agreement is None or agreement.form is not AgreementForm.written:
        return case
    if any(d.period == "judicial_confirmation_apply" for d in case.deadlines):
        return case
    effective = agreement_rules.effective_at(agreement, case.parties)
    if effective is None:
        return case
    return deadlines.open_clock(
        case, ctx, "judicial_confirmation_apply", effective.astimezone(ctx.policy.tz).date()
    )


def sign_guard(case: Case, ctx: Context) -> Decision:
    """Only a written agreement is signed; a party signer must be a party of the case.

    《人民调解法》第二十九条第二款.
    """
    if case.agreement is None or case.agreement.form is not AgreementForm.written:
        return refuse("sign", "只有书面调解协议需要签名、盖章", "《人民调解法》第二十九条第二款")
    sig = agreement_rules.parse_signature(ctx.data, "signature")
    if sig.capacity == "party" and sig.signer not in {
        p.name for p in agreement_rules.principals(case.parties)
    }:
        raise ValidationError("signer", sig.signer, "not a party of this case")
    return ALLOW


def on_sign(case: Case, ctx: Context) -> Case:
    """Add a signature; when the agreement takes effect, start the confirmation clock."""
    assert case.agreement is not None
    sig = agreement_rules.parse_signature(ctx.data, "signature")
    agreement = attrs.evolve(case.agreement, signatures=(*case.agreement.signatures, sig))
    return _open_confirmation(attrs.evolve(case, agreement=agreement), ctx)


# -- performance and callbacks ------------------------------------------------


def on_performed(case: Case, ctx: Context) -> Case:
    """Meet the performance clock; schedule the callback visit (RULES.md §7.5)."""
    case = deadlines.close(case, ctx, ("agreement_performance",))
    if any(d.period == "callback_visit" and d.is_open for d in case.deadlines):
        return case
    return deadlines.open_clock(case, ctx, "callback_visit")


on_not_performed = on_performed
"""Non-performance closes the performance clock the same way; the callback then
urges performance or tells the parties they may sue (人民调解法 第三十二条)."""


def on_callback(case: Case, ctx: Context) -> Case:
    """Record a callback visit (人民调解法 第三十一条第二款; 2002 规定 第三十六条)."""
    visitor = str(ctx.require("visitor"))
    visit = Visit(
        at=ctx.at,
        visitor=visitor,
        party=str(ctx.data.get("party") or ""),
        performance=str(ctx.data.get("performance") or ""),
        satisfaction=str(ctx.data.get("satisfaction") or ""),
        recurrence=str(ctx.data.get("recurrence") or ""),
    )
    return attrs.evolve(case, visits=(*case.visits, visit))


def on_reopen(case: Case, ctx: Context) -> Case:
    """Reopen mediation from a callback: close the callback clock, open a new mediation clock."""
    case = deadlines.close(case, ctx)
    assert case.track is not None
    return deadlines.open_clock(case, ctx, mediation_period(case, case.track))


def close_guard(case: Case, ctx: Context) -> Decision:
    """Closure needs the callback visits the policy asks for (DESIGN: closure requires callbacks)."""
    needed = (
        ctx.policy.callbacks.after_agreement
        if case.agreement is not None
        else ctx.policy.callbacks.after_failure
    )
    if len(case.visits) < needed:
        return refuse(
            "close",
            f"结案前须回访{needed}次，已回访{len(case.visits)}次",
            "《人民调解法》第三十一条第二款；《人民调解工作若干规定》第三十六条",
        )
    return ALLOW


PARTY_CLOCKS = frozenset({"judicial_confirmation_apply"})
"""Clocks on the parties' rights, not the committee's duties: closing the case
cancels them (nobody "met" them) rather than counting them met."""


def on_close(case: Case, ctx: Context) -> Case:
    """Close every remaining duty clock (met or breached); cancel the parties' clocks."""
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.period in PARTY_CLOCKS)
    return deadlines.close(case, ctx)
