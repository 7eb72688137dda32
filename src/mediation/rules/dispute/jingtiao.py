"""警调对接: a 治安 case the police handed to a people's mediation committee, and back.

《公安机关办理行政案件程序规定》第一百八十六条 (RULES.md §6.5): for a case of the kind
第一百七十八条 lets the police mediate, where the parties reached an agreement through
people's mediation (or settled themselves) and performed it, and they apply jointly in
writing, the police may approve the application and impose no penalty — unless a
penalty decision has already been made. The violation is not settled by the hand-off:
an agreement that fails, or is not performed, leaves the police to decide on it under
the law (by analogy with 第一百八十五条 for their own mediation).

So a police 治安 case handed to a committee (dispute workflow version 4 on), with no
penalty decided yet, records the committee's case (:class:`PoliceReferral`), and the
committee's case carries the ``jingtiao`` overlay naming the police case. When that case
reaches performance, non-performance or a failure, a hook reports the result to the
police case (``committee_result``). There the police then approve the joint application
(``waive_penalty``: only after the agreement was performed) or decide the penalty
(``decide_penalty_after_committee``: only after it failed or was not performed). The police case stays
``handed_off``; its clocks ended with the hand-off (an ended case runs none).

The same article lets the parties settle by themselves (自行和解): once they performed
what they agreed and apply jointly in writing, the police may approve and impose no
penalty. ``waive_penalty`` with ``settlement="parties"`` records that approval on a 治安
case whose penalty is owed and not yet decided — the police's own mediation failed or was
not performed (第一百八十五条), or the committee's did after a hand-off. From dispute
workflow version 12 (:data:`~._common.V12`) it is also taken on a case the police accepted
and have not begun to mediate: the article asks only that no decision was made. (Once the
police mediate, the parties' terms are that mediation's agreement, 第一百八十四条, or it
fails first.) The police then mediate no more, and the case ends (``withdraw``, or
``party_refuses``) with no handling period restarted (:func:`~.mediation.police_decided_already`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, LabeledEnum, evolve
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.dispute._common import v12
from mediation.rules.dispute.details import PoliceReferral, _with, details
from mediation.rules.dispute.intake import _public_order
from mediation.rules.dispute.mediation import penalty_owed, police_decided

__all__ = [
    "BASIS",
    "OVERLAY",
    "REPORTED",
    "CommitteeResult",
    "CommitteeResultInputs",
    "Jingtiao",
    "PoliceReferral",
    "Settlement",
    "WaiveInputs",
    "committee_result_guard",
    "handed_to_committee",
    "on_committee_result",
    "on_penalty_after_committee",
    "on_waive",
    "penalty_after_committee_guard",
    "referral_of",
    "report_to_police",
    "waive_guard",
]

BASIS = "《公安机关办理行政案件程序规定》第一百八十六条"

OVERLAY = "jingtiao"
"""The overlay on the committee's case naming the police case it came from."""


class CommitteeResult(LabeledEnum):
    """What became of the matter at the committee, as reported to the police."""

    performed = "performed", "调解协议已履行"
    not_performed = "not_performed", "调解协议未履行"
    failed = "failed", "调解不成"


REPORTED: dict[str, CommitteeResult] = {
    "performed": CommitteeResult.performed,
    "not_performed": CommitteeResult.not_performed,
    "failed": CommitteeResult.failed,
    "not_accepted": CommitteeResult.failed,
    "withdrawn": CommitteeResult.failed,
    "transferred_out": CommitteeResult.failed,
    "handed_off": CommitteeResult.failed,
}
"""The committee case's states (by value) that report to the police, with what they report:
an agreement performed or not; otherwise the committee's mediation ended without one —
failed, the case not accepted or withdrawn, or the matter sent on to another body."""


@attrs.frozen(slots=True)
class Jingtiao:
    """On the committee's case: the police case it was handed from, and what was last
    reported to it (``""``: nothing yet)."""

    police_case: str
    reported: str = ""


def referral_of(case: Case) -> PoliceReferral | None:
    """The police case's record of its hand-off to a committee, if it has one."""
    return details(case).police_referral


_ACCEPTED = frozenset({"accepted", "mediating", "suspended", "failed"})
"""Where a 治安 case stands once the police accepted it (the hand-off's other source states)."""


def handed_to_committee(case: Case, ctx: Context[Any], track: str) -> bool:
    """Whether handing ``case`` to ``track`` is a 警调对接 the police still decide on: a 治安
    case the police accepted, no penalty decided yet, handed to people's mediation.

    Before accepting it the police only tell the parties to apply to a committee
    (《人民调解法》第十八条: 受理前告知): nothing is left for them to decide."""
    found = details(case)
    return (
        track == "people"
        and case.state in _ACCEPTED
        and found.penalty_decided_at is None
        and _public_order(case, found.track, ctx)
    )


# -- on the committee's case ------------------------------------------------------------


def report_to_police(case: Case, ctx: Context[Any]) -> Case:
    """On the committee's case: report performance, non-performance or a failure to the
    police case, once per result (a later change — performed after a second mediation —
    is reported again)."""
    found = case.overlays.get(OVERLAY)
    result = REPORTED.get(case.state)
    if not isinstance(found, Jingtiao) or result is None or found.reported == result.value:
        return case
    ctx.notify(
        found.police_case,
        "committee_result",
        result=result.value,
        dispute=case.id,
        dispute_code=case.code,
    )
    return evolve(case, overlays=case.overlays.set(OVERLAY, evolve(found, reported=result.value)))


# -- on the police case -----------------------------------------------------------------


@attrs.frozen(slots=True)
class CommitteeResultInputs:
    """调解结果反馈: the committee's result, from its case."""

    result: CommitteeResult = field("调解结果")
    dispute: str = field("调解案件")
    dispute_code: str = field("调解案件编号", default="")


class Settlement(LabeledEnum):
    """How the parties came to terms, as their application for no penalty states it
    (第一百八十六条)."""

    committee = "committee", "经人民调解委员会调解达成协议并履行"
    parties = "parties", "当事人自行和解并履行"


@attrs.frozen(slots=True)
class WaiveInputs:
    """不予处罚: the parties' joint written application, its date, and how they settled
    (at the committee the case was handed to, or by themselves: then that they performed)."""

    applied_on: dt.date = field("申请日期")
    joint_application: bool = field("双方共同书面申请", default=False)
    settlement: Settlement = field("和解方式", default=Settlement.committee)
    performed: bool = field("和解协议已履行", default=False)
    note: str = field("备注", default="")


def committee_result_guard(case: Case, ctx: Context[CommitteeResultInputs]) -> Decision:
    """Only the committee case this police case was handed to reports to it. A report is
    recorded even after the police decided (the committee's own steps never wait on it)."""
    referral = referral_of(case)
    given = ctx.inputs
    if referral is None or referral.committee_case != given.dispute:
        return refuse_input(
            "committee_result", "dispute", given.dispute, "本案未移交该调解组织案件", BASIS
        )
    return ALLOW


def on_committee_result(case: Case, ctx: Context[CommitteeResultInputs]) -> Case:
    """Record the committee's result."""
    referral = referral_of(case)
    assert referral is not None
    updated = evolve(referral, result=ctx.inputs.result.value, reported_at=ctx.at)
    return _with(case, police_referral=updated)


def _decided(case: Case, rule: str) -> Decision:
    """Refused when the police already decided: a penalty, or no penalty."""
    found = details(case)
    if found.penalty_decided_at is not None:
        return refuse(rule, "公安机关已经作出处罚决定", BASIS)
    referral = found.police_referral
    if found.penalty_waived_at is not None or (referral is not None and referral.waived_at):
        return refuse(rule, "公安机关已经批准不予处罚", BASIS)
    return ALLOW


def _undecided(case: Case, rule: str) -> Decision:
    if referral_of(case) is None:
        return refuse(rule, "本案不是移交人民调解的治安案件（警调对接）", BASIS)
    return _decided(case, rule)


def _committee_performed(case: Case) -> Decision:
    """第一百八十六条 through the committee: its agreement was reached and performed."""
    undecided = _undecided(case, "waive_penalty")
    if not undecided.allowed:
        return undecided
    referral = referral_of(case)
    assert referral is not None
    if referral.result != CommitteeResult.performed.value:
        return refuse(
            "waive_penalty",
            "人民调解达成协议并履行后，方可批准不予处罚",
            BASIS,
        )
    return ALLOW


_BEFORE_MEDIATION = frozenset({"accepted"})
"""The police's own 治安 case, accepted and its mediation not begun: from version 12 the
parties may settle by themselves there too (第一百八十六条 asks only that no decision was
made). Once the police mediate, the terms are that mediation's agreement or it fails first."""


def _settled_by_parties(case: Case, ctx: Context[WaiveInputs]) -> Decision:
    """第一百八十六条 by the parties themselves: a 治安 case the police accepted, whose penalty
    is owed — the police's mediation failed or was not performed (第一百八十五条), or after a
    hand-off the committee's did — and not yet decided; and what they agreed is performed.
    From version 12 also before the police's own mediation begins (:data:`_BEFORE_MEDIATION`)."""
    rule = "waive_penalty"
    found = details(case)
    if not _public_order(case, found.track, ctx):
        return refuse(rule, "本案不是公安机关受理的因民间纠纷引起的治安案件", BASIS)
    decided = _decided(case, rule)
    if not decided.allowed:
        return decided
    referral = found.police_referral
    if referral is not None:
        owed = referral.result in (
            CommitteeResult.failed.value,
            CommitteeResult.not_performed.value,
        )
    else:
        owed = penalty_owed(case, ctx) or (v12(case) and case.state in _BEFORE_MEDIATION)
    if not owed and v12(case) and referral is None:
        return refuse(
            rule,
            "公安机关受理尚未调解，或者调解不成、协议未履行而尚待作出处罚决定的治安案件，"
            "当事人自行和解并履行的，方可申请不予处罚（调解中的，以调解协议结案或者调解不成后"
            "再申请）",
            BASIS,
        )
    if not owed:
        return refuse(
            rule,
            "调解不成或者调解协议未履行、尚待作出处罚决定的治安案件，当事人自行和解并履行的，"
            "方可申请不予处罚",
            BASIS,
        )
    if not ctx.inputs.performed:
        return refuse_input(
            rule, "performed", False, "当事人自行和解并已履行的，方可申请不予处罚", BASIS
        )
    return ALLOW


def waive_guard(case: Case, ctx: Context[WaiveInputs]) -> Decision:
    """No penalty only on the parties' joint written application, after the agreement
    reached at the committee — or by themselves — was performed, and before any penalty
    decision (第一百八十六条)."""
    given = ctx.inputs
    if given.settlement is Settlement.parties:
        settled = _settled_by_parties(case, ctx)
    else:
        settled = _committee_performed(case)
    if not settled.allowed:
        return settled
    if not given.joint_application:
        return refuse_input(
            "waive_penalty",
            "joint_application",
            False,
            "不予处罚须经双方当事人共同书面申请",
            BASIS,
        )
    if given.applied_on > ctx.day:
        return refuse_input(
            "waive_penalty",
            "applied_on",
            given.applied_on.isoformat(),
            "the application cannot be dated after today",
        )
    return ALLOW


def on_waive(case: Case, ctx: Context[WaiveInputs]) -> Case:
    """Record the approval: the police impose no penalty (第一百八十六条).

    On the police's own case that decision meets the case-handling clock, as a penalty
    decision would (第一百六十五、一百八十五条), and the case may then close."""
    given = ctx.inputs
    if given.settlement is Settlement.parties:
        outcome = "当事人自行和解并履行，双方共同书面申请，不予治安管理处罚"
    else:
        outcome = "经人民调解达成协议并履行，双方共同书面申请，不予治安管理处罚"
    referral = referral_of(case)
    if referral is None:
        case = police_decided(case, ctx, penalty_waived_at=ctx.at)
    else:
        updated = evolve(referral, waived_at=ctx.at, applied_on=given.applied_on)
        case = _with(case, police_referral=updated)
    return evolve(case, outcome=outcome)


def penalty_after_committee_guard(case: Case, ctx: Context[Any]) -> Decision:
    """After a hand-off to a committee, the penalty is decided when mediation there failed or
    its agreement was not performed (第一百八十六条; 第一百八十五条 by analogy)."""
    undecided = _undecided(case, "decide_penalty_after_committee")
    if not undecided.allowed:
        return undecided
    referral = referral_of(case)
    assert referral is not None
    if referral.result not in (CommitteeResult.failed.value, CommitteeResult.not_performed.value):
        return refuse(
            "decide_penalty_after_committee",
            "已移交人民调解：调解不成或者协议未履行的，方依法作出处罚决定",
            BASIS,
        )
    return ALLOW


def on_penalty_after_committee(case: Case, ctx: Context[Any]) -> Case:
    """Record the penalty decision on the handed-off case (its clocks ended with the hand-off)."""
    return _with(case, penalty_decided_at=ctx.at)
