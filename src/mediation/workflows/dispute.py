"""The dispute-mediation workflow (矛盾纠纷调解), as data: the current version, 6, and the
earlier ones kept for their recorded cases (1 frozen from release 0.1).

Versions 2 to 6 share one graph (version 4 adds a few transitions; the later versions add
and swap rules, each described where it is defined)::

    received ─triage→ triaged ─accept→ accepted ─inform_rights→ accepted ─start_mediation→ mediating
        │                 ├─accept (a bar: refusal, handled elsewhere)→ not_accepted
        │                 ├─transfer_out→ transferred_out
        ├─party_refuses→ not_accepted (before acceptance) / failed (after)
        ├─refer→ referred ─take_referral→ triaged | accepted;  ─return_referral→ (where it was)
        └─hand_off→ handed_off (a linked case opens on the receiving track)
    mediating ⇄ suspended;  mediating ─agree→ agreed ─sign…→ agreed ─begin_performance (effective)→
    performing → performed | not_performed → callback ─record_callback…→ callback ─close→ closed → archived
    mediating ─terminate→ failed ─close→ closed;  not_performed/callback ─remediate/reopen→ mediating

Steps outside the graph: amend_registration (补正), assess_risk (第二十五条),
apply_confirmation / court_accepts / court_rules (司法确认), report_feedback (交办反馈).

Version 1 keeps release 0.1's graph and rules (:mod:`mediation.rules.dispute_v1`)
for the cases recorded under it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from mediation.model import CaseKind, ClockKind, LabeledEnum, Role
from mediation.rules import dispute as d
from mediation.rules import dispute_v1 as r
from mediation.rules import registration
from mediation.rules.agreement import PERFORMANCE, SignatureInput
from mediation.rules.clockbook import ClockRule
from mediation.rules.dispute import jingtiao as jt
from mediation.rules.linkage import MEDIATION_PERIODS
from mediation.rules.resolution import RESOLUTION, Resolution
from mediation.workflows.definition import Hook, Site, Step, Transition, WorkflowDefinition

__all__ = [
    "DISPUTE",
    "DISPUTE_HOOKS",
    "DISPUTE_STEPS",
    "DISPUTE_V1",
    "DISPUTE_V2",
    "DISPUTE_V3",
    "DISPUTE_V4",
    "DISPUTE_V5",
    "DISPUTE_V6",
    "DISPUTE_V7",
    "DISPUTE_V8",
    "DISPUTE_V9",
    "DisputeState",
    "DisputeStep",
    "DisputeTrigger",
]


class DisputeStateV1(LabeledEnum):
    """States of a dispute case on version 1."""

    received = "received", "已登记"
    triaged = "triaged", "已分流"

    accepted = "accepted", "已受理"
    not_accepted = "not_accepted", "不予受理"
    transferred_out = "transferred_out", "已移送"
    mediating = "mediating", "调解中"
    suspended = "suspended", "中止调解"
    agreed = "agreed", "达成协议"
    performing = "performing", "履行中"
    performed = "performed", "已履行"
    not_performed = "not_performed", "未履行"
    failed = "failed", "调解不成"
    callback = "callback", "回访中"
    closed = "closed", "已结案"
    archived = "archived", "已归档"
    withdrawn = "withdrawn", "已撤回"


class DisputeTriggerV1(LabeledEnum):
    """Triggers of version 1."""

    triage = "triage", "分流"
    accept = "accept", "受理"
    refuse = "refuse", "不予受理"
    transfer_out = "transfer_out", "移送"
    start_mediation = "start_mediation", "开始调解"
    suspend = "suspend", "中止调解"
    resume = "resume", "恢复调解"
    agree = "agree", "达成协议"
    sign = "sign", "签名盖章"
    begin_performance = "begin_performance", "开始履行"
    confirm_performed = "confirm_performed", "确认履行"
    report_not_performed = "report_not_performed", "报告未履行"
    remediate = "remediate", "重新调解"
    terminate = "terminate", "终止调解"
    start_callback = "start_callback", "开始回访"
    record_callback = "record_callback", "记录回访"
    reopen = "reopen", "重新启动"
    close = "close", "结案"
    archive = "archive", "立卷归档"
    withdraw = "withdraw", "撤回"


class DisputeStep(LabeledEnum):
    """Steps of dispute cases outside the state graph."""

    assess_risk = "assess_risk", "风险研判"
    apply_confirmation = "apply_confirmation", "申请司法确认"
    court_accepts = "court_accepts", "法院受理司法确认申请"
    court_rules = "court_rules", "法院作出司法确认裁定"
    report_feedback = "report_feedback", "反馈办理结果"
    report_to_court = "report_to_court", "书面报告人民法院"
    record_appraisal = "record_appraisal", "记录鉴定意见出具"
    record_mediation_start = "record_mediation_start", "记录调解开始"
    record_limitation = "record_limitation", "登记诉讼时效起算日"
    file_objection = "file_objection", "对司法确认裁定提出异议"
    apply_enforcement = "apply_enforcement", "申请执行"
    committee_result = "committee_result", "人民调解结果反馈（警调对接）"
    waive_penalty = "waive_penalty", "不予处罚（警调对接）"
    decide_penalty_after_committee = (
        "decide_penalty_after_committee",
        "作出处罚决定（人民调解不成）",
    )
    change_mediators = "change_mediators", "更换调解员"


S, T = DisputeStateV1, DisputeTriggerV1
_CLERKS = {Role.clerk, Role.director}
_MEDIATORS = {Role.mediator, Role.director}
_ANYONE = {Role.clerk, Role.mediator, Role.director}

_CLOCKS: tuple[ClockRule, ...] = (
    r.ACCEPTANCE,
    r.SUSPENSION,
    r.CALLBACK,
    r.CONFIRMATION,
    PERFORMANCE,
    *MEDIATION_PERIODS,
)

DISPUTE_V1 = WorkflowDefinition(
    name="dispute",
    version=1,
    kind=CaseKind.dispute,
    label="矛盾纠纷调解",
    states=DisputeStateV1,
    triggers=DisputeTriggerV1,
    initial=S.received,
    finals=frozenset({S.archived, S.withdrawn, S.not_accepted, S.transferred_out}),
    closed=frozenset({S.closed, S.archived, S.withdrawn, S.not_accepted, S.transferred_out}),
    details=r.DisputeDetails,
    intake_effects=r.on_intake,
    intake_roles=_ANYONE,
    clocks=_CLOCKS,
    documents=(
        "application",
        "registration",
        "non_acceptance_notice",
        "mediation_record",
        "mediation_agreement",
        "oral_agreement_register",
        "judicial_confirmation_application",
        "termination_notice",
        "callback_record",
        "closing_report",
        "dossier_index",
        "supervision_notice",
    ),
    facts=r.dispute_facts,
    # Release 0.1 treated every clock as the unit's hard limit; cases recorded on
    # this version replay as they were decided.
    clock_kinds=dict.fromkeys((c.id for c in _CLOCKS), ClockKind.duty),
    transitions=(
        Transition(
            T.triage,
            S.received,
            S.triaged,
            guards=r.triage_guard,
            effects=r.on_triage,
            roles=_CLERKS,
            inputs=r.TriageInputs,
        ),
        Transition(
            T.accept,
            S.triaged,
            S.accepted,
            guards=r.accept_guard,
            effects=r.on_accept,
            roles=_CLERKS,
            inputs=r.AcceptInputs,
        ),
        Transition(
            T.refuse,
            S.triaged,
            S.not_accepted,
            effects=r.on_end,
            roles=_CLERKS,
            inputs=r.RefuseInputs,
        ),
        Transition(
            T.transfer_out,
            S.triaged,
            S.transferred_out,
            effects=r.on_end,
            roles=_CLERKS,
            inputs=r.TransferInputs,
        ),
        Transition(
            T.start_mediation,
            S.accepted,
            S.mediating,
            effects=r.on_mediators,
            roles=_MEDIATORS,
            inputs=r.MediatorsInputs,
        ),
        Transition(
            T.suspend,
            S.mediating,
            S.suspended,
            effects=r.on_suspend,
            roles=_MEDIATORS,
            inputs=r.SuspendInputs,
        ),
        Transition(
            T.resume,
            S.suspended,
            S.mediating,
            effects=r.on_resume,
            roles=_MEDIATORS,
            inputs=r.NoteInputs,
        ),
        Transition(
            T.agree,
            S.mediating,
            S.agreed,
            guards=r.agree_guard,
            effects=r.on_agree,
            roles=_MEDIATORS,
            inputs=r.AgreeInputs,
        ),
        Transition(
            T.sign,
            S.agreed,
            S.agreed,
            guards=r.sign_guard,
            effects=r.on_sign,
            roles=_MEDIATORS,
            inputs=SignatureInput,
        ),
        Transition(
            T.begin_performance, S.agreed, S.performing, roles=_MEDIATORS, inputs=r.NoteInputs
        ),
        Transition(
            T.confirm_performed,
            S.performing,
            S.performed,
            effects=r.on_performed,
            roles=_MEDIATORS,
            inputs=r.PerformedInputs,
        ),
        Transition(
            T.report_not_performed,
            S.performing,
            S.not_performed,
            effects=r.on_performed,
            roles=_MEDIATORS,
            inputs=r.NoteInputs,
        ),
        Transition(
            T.remediate,
            S.not_performed,
            S.mediating,
            effects=r.on_reopen,
            roles=_MEDIATORS,
            inputs=r.ReasonInputs,
        ),
        Transition(
            T.terminate,
            (S.mediating, S.suspended),
            S.failed,
            guards=r.terminate_guard,
            effects=r.on_terminate,
            roles=_MEDIATORS,
            inputs=r.TerminateInputs,
        ),
        Transition(
            T.start_callback,
            (S.performed, S.not_performed, S.failed),
            S.callback,
            roles=_MEDIATORS,
            inputs=r.NoteInputs,
        ),
        Transition(
            T.record_callback,
            S.callback,
            S.callback,
            effects=r.on_callback,
            roles=_MEDIATORS,
            inputs=r.CallbackInputs,
        ),
        Transition(
            T.reopen,
            S.callback,
            S.mediating,
            effects=r.on_reopen,
            roles=_MEDIATORS,
            inputs=r.ReasonInputs,
        ),
        Transition(
            T.close,
            (S.callback, S.failed),
            S.closed,
            guards=r.close_guard,
            effects=r.on_close,
            roles={Role.director},
            inputs=r.NoteInputs,
        ),
        Transition(T.archive, S.closed, S.archived, roles=_CLERKS, inputs=r.ArchiveInputs),
        Transition(
            T.withdraw,
            (S.received, S.triaged, S.accepted, S.mediating, S.suspended),
            S.withdrawn,
            effects=r.on_end,
            roles=_ANYONE,
            inputs=r.WithdrawInputs,
        ),
    ),
)
"""The dispute workflow, version 1 (release 0.1), frozen for the cases recorded under it."""


class DisputeState(LabeledEnum):
    """States of a dispute case (version 2)."""

    received = "received", "已登记"
    triaged = "triaged", "已分流"
    referred = "referred", "待接收"
    accepted = "accepted", "已受理"
    not_accepted = "not_accepted", "不予受理"
    transferred_out = "transferred_out", "已移送"
    handed_off = "handed_off", "已移交"
    mediating = "mediating", "调解中"
    suspended = "suspended", "中止调解"
    agreed = "agreed", "达成协议"
    performing = "performing", "履行中"
    performed = "performed", "已履行"
    not_performed = "not_performed", "未履行"
    failed = "failed", "调解不成"
    callback = "callback", "回访中"
    closed = "closed", "已结案"
    archived = "archived", "已归档"
    withdrawn = "withdrawn", "已撤回"


class DisputeTrigger(LabeledEnum):
    """Triggers of the dispute workflow (version 2)."""

    triage = "triage", "分流"
    accept = "accept", "受理"
    transfer_out = "transfer_out", "移送"
    refer = "refer", "上报/交办/转办"
    take_referral = "take_referral", "接收"
    return_referral = "return_referral", "退回"
    hand_off = "hand_off", "移交（三调联动）"
    inform_rights = "inform_rights", "告知权利义务"
    start_mediation = "start_mediation", "开始调解"
    second_session = "second_session", "再次调解"
    suspend = "suspend", "中止调解"
    resume = "resume", "恢复调解"
    agree = "agree", "达成协议"
    sign = "sign", "签名盖章"
    begin_performance = "begin_performance", "开始履行"
    confirm_performed = "confirm_performed", "确认履行"
    report_not_performed = "report_not_performed", "报告未履行"
    remediate = "remediate", "重新调解"
    party_refuses = "party_refuses", "当事人拒绝调解"
    terminate = "terminate", "终止调解"
    decide_penalty = "decide_penalty", "作出处罚决定"
    start_callback = "start_callback", "开始回访"
    record_callback = "record_callback", "记录回访"
    reopen = "reopen", "重新启动"
    close = "close", "结案"
    archive = "archive", "立卷归档"
    withdraw = "withdraw", "撤回"


S2, T2 = DisputeState, DisputeTrigger
_OPEN_BEFORE = (S2.received, S2.triaged)
_REFERABLE = (S2.received, S2.triaged, S2.accepted, S2.mediating, S2.suspended, S2.failed)

_CLOCKS_V2: tuple[ClockRule, ...] = (
    d.ACCEPTANCE,
    d.MEDICAL_ADMIN_ACCEPT,
    d.SUSPENSION,
    d.CALLBACK,
    d.CONFIRMATION,
    d.COURT_ACCEPT,
    d.COURT_EXAMINE,
    d.COURT_STATUTORY,
    d.PS_HANDLING,
    d.TRAFFIC_APPLY,
    d.TRAFFIC_SWITCH,
    d.ESCALATION_REPORT,
    d.FEEDBACK_DEFAULT,
    d.FEEDBACK,
    d.FEEDBACK_TARGET,
    d.SIGNING,
    d.CLOSING,
    PERFORMANCE,
    *d.MEDIATION_CLOCKS,
)


def _returns() -> tuple[Transition, ...]:
    """A return restores the state the case was referred from (one arrow per state)."""
    return tuple(
        Transition(
            T2.return_referral,
            S2.referred,
            state,
            guards=d.referral_from(state.value),
            effects=d.on_return,
            roles=_CLERKS,
            inputs=d.ReturnReferralInputs,
            # The receiver sends it back to a unit outside its own scope (a village
            # returns a town's 交办): authorized where the case is, like the referral.
            sends=True,
        )
        for state in _REFERABLE
    )


DISPUTE_V2 = WorkflowDefinition(
    name="dispute",
    version=2,
    kind=CaseKind.dispute,
    label="矛盾纠纷调解",
    states=DisputeState,
    triggers=DisputeTrigger,
    initial=S2.received,
    finals=frozenset(
        {S2.archived, S2.withdrawn, S2.not_accepted, S2.transferred_out, S2.handed_off}
    ),
    closed=frozenset(
        {
            S2.closed,
            S2.archived,
            S2.withdrawn,
            S2.not_accepted,
            S2.transferred_out,
            S2.handed_off,
        }
    ),
    details=d.DisputeDetails,
    intake_inputs=d.DisputeIntake,
    intake_guards=d.intake_guard,
    intake_effects=d.on_intake,
    intake_roles=_ANYONE,
    keys=d.dispute_keys,
    overlays={RESOLUTION: Resolution},
    clocks=_CLOCKS_V2,
    # The practice default for administrative mediation is a target from version 4 on
    # (RULES.md §6.7: no national period); versions 2 and 3 opened it as a duty.
    clock_kinds={d.ADMINISTRATIVE.id: ClockKind.duty},
    documents=(
        "application",
        "registration",
        "rights_notice",
        "non_acceptance_notice",
        "referral_slip",
        "feedback_report",
        "transfer_letter",
        "mediation_record",
        "mediation_agreement",
        "oral_agreement_register",
        "judicial_confirmation_application",
        "termination_notice",
        "callback_record",
        "closing_report",
        "dossier_index",
        "supervision_notice",
    ),
    facts=d.dispute_facts,
    transitions=(
        Transition(
            T2.triage,
            S2.received,
            S2.triaged,
            guards=d.triage_guard,
            effects=d.on_triage,
            roles=_CLERKS,
            inputs=d.TriageInputs,
        ),
        Transition(
            T2.accept,
            S2.triaged,
            S2.accepted,
            guards=d.accept_guard,
            effects=d.on_accept,
            roles=_CLERKS,
            inputs=d.AcceptInputs,
        ),
        Transition(
            T2.accept,
            S2.triaged,
            S2.not_accepted,
            guards=d.not_accepted_guard,
            effects=d.on_not_accepted,
            roles=_CLERKS,
            inputs=d.AcceptInputs,
        ),
        Transition(
            T2.transfer_out,
            _OPEN_BEFORE,
            S2.transferred_out,
            guards=d.transfer_guard,
            effects=d.on_transfer,
            roles=_CLERKS,
            inputs=d.TransferInputs,
        ),
        Transition(
            T2.refer,
            _REFERABLE,
            S2.referred,
            guards=d.refer_guard,
            effects=d.on_refer,
            roles=_ANYONE,
            inputs=d.ReferInputs,
            sends=True,
        ),
        Transition(
            T2.take_referral,
            S2.referred,
            S2.triaged,
            guards=d.referral_from(S2.received.value, S2.triaged.value),
            effects=d.on_take,
            roles=_CLERKS,
            inputs=d.TakeReferralInputs,
        ),
        Transition(
            T2.take_referral,
            S2.referred,
            S2.accepted,
            guards=d.referral_from(
                S2.accepted.value, S2.mediating.value, S2.suspended.value, S2.failed.value
            ),
            effects=d.on_take,
            roles=_CLERKS,
            inputs=d.TakeReferralInputs,
        ),
        *_returns(),
        Transition(
            T2.hand_off,
            (S2.triaged, S2.accepted, S2.mediating, S2.suspended, S2.failed),
            S2.handed_off,
            guards=d.hand_off_guard,
            effects=d.on_hand_off,
            roles=_ANYONE,
            inputs=d.HandOffInputs,
        ),
        Transition(
            T2.inform_rights,
            S2.accepted,
            S2.accepted,
            effects=d.on_informed,
            roles=_ANYONE,
            inputs=d.InformInputs,
        ),
        Transition(
            T2.start_mediation,
            S2.accepted,
            S2.mediating,
            guards=d.start_guard,
            effects=d.on_start,
            roles=_MEDIATORS,
            inputs=d.MediatorsInputs,
        ),
        Transition(
            T2.second_session,
            S2.mediating,
            S2.mediating,
            guards=d.second_session_guard,
            effects=d.on_second_session,
            roles=_MEDIATORS,
            inputs=d.NoteInputs,
        ),
        Transition(
            T2.suspend,
            S2.mediating,
            S2.suspended,
            effects=d.on_suspend,
            roles=_MEDIATORS,
            inputs=d.SuspendInputs,
        ),
        Transition(
            T2.resume,
            S2.suspended,
            S2.mediating,
            effects=d.on_resume,
            roles=_MEDIATORS,
            inputs=d.NoteInputs,
        ),
        Transition(
            T2.agree,
            S2.mediating,
            S2.agreed,
            guards=d.agree_guard,
            effects=d.on_agree,
            roles=_MEDIATORS,
            inputs=d.AgreeInputs,
        ),
        Transition(
            T2.sign,
            S2.agreed,
            S2.agreed,
            guards=d.sign_guard,
            effects=d.on_sign,
            roles=_MEDIATORS,
            inputs=SignatureInput,
        ),
        Transition(
            T2.begin_performance,
            S2.agreed,
            S2.performing,
            guards=d.performance_guard,
            roles=_MEDIATORS,
            inputs=d.NoteInputs,
        ),
        Transition(
            T2.confirm_performed,
            S2.performing,
            S2.performed,
            effects=d.on_performed,
            roles=_MEDIATORS,
            inputs=d.PerformedInputs,
        ),
        Transition(
            T2.report_not_performed,
            S2.performing,
            S2.not_performed,
            effects=d.on_not_performed,
            roles=_MEDIATORS,
            inputs=d.NoteInputs,
        ),
        Transition(
            T2.remediate,
            (S2.not_performed, S2.agreed, S2.performing),
            S2.mediating,
            guards=(d.police_mediation_once, d.refusal_guard, d.remediate_guard),
            effects=d.on_reopen,
            roles=_MEDIATORS,
            inputs=d.ReasonInputs,
        ),
        Transition(
            T2.party_refuses,
            _OPEN_BEFORE,
            S2.not_accepted,
            guards=d.party_refuses_guard,
            effects=d.on_party_refuses,
            roles=_ANYONE,
            inputs=d.PartyRefusesInputs,
        ),
        Transition(
            T2.party_refuses,
            (S2.accepted, S2.mediating, S2.suspended),
            S2.failed,
            guards=d.party_refuses_guard,
            effects=d.on_party_refuses,
            roles=_ANYONE,
            inputs=d.PartyRefusesInputs,
        ),
        Transition(
            T2.terminate,
            (S2.mediating, S2.suspended),
            S2.failed,
            guards=d.terminate_guard,
            effects=d.on_terminate,
            roles=_MEDIATORS,
            inputs=d.TerminateInputs,
        ),
        # 程序规定 第一百八十五条: a 治安调解 that failed or was not performed goes to the penalty,
        # in whichever of these states the case waits (the state does not change).
        *(
            Transition(
                T2.decide_penalty,
                state,
                state,
                guards=d.penalty_guard,
                effects=d.on_penalty,
                roles=_ANYONE,
                inputs=d.NoteInputs,
            )
            for state in (S2.failed, S2.not_performed, S2.callback)
        ),
        Transition(
            T2.start_callback,
            (S2.performed, S2.not_performed, S2.failed),
            S2.callback,
            roles=_MEDIATORS,
            inputs=d.NoteInputs,
        ),
        Transition(
            T2.record_callback,
            S2.callback,
            S2.callback,
            effects=d.on_callback,
            roles=_MEDIATORS,
            inputs=d.CallbackInputs,
        ),
        Transition(
            T2.reopen,
            S2.callback,
            S2.mediating,
            guards=(d.police_mediation_once, d.refusal_guard),
            effects=d.on_reopen,
            roles=_MEDIATORS,
            inputs=d.ReasonInputs,
        ),
        Transition(
            T2.close,
            (S2.callback, S2.failed),
            S2.closed,
            guards=d.close_guard,
            effects=d.on_close,
            roles={Role.director},
            inputs=d.CloseInputs,
        ),
        Transition(T2.archive, S2.closed, S2.archived, roles=_CLERKS, inputs=d.ArchiveInputs),
        Transition(
            T2.withdraw,
            (S2.received, S2.triaged, S2.referred, S2.accepted, S2.mediating, S2.suspended),
            S2.withdrawn,
            effects=d.on_withdraw,
            roles=_ANYONE,
            inputs=d.WithdrawInputs,
        ),
    ),
)
"""The dispute workflow, version 2, kept for the cases recorded under it."""

DISPUTE_V3 = attrs.evolve(
    DISPUTE_V2,
    version=3,
    transitions=tuple(
        attrs.evolve(t, guards=(*t.guards, d.traffic_application_guard))
        if t.trigger is T2.triage
        else t
        for t in DISPUTE_V2.transitions
    ),
)
"""The dispute workflow, version 3, kept for the cases recorded under it. Version 2's graph
and rules, and triage into traffic police mediation checks the joint written application
and its 10 working days (《道路交通事故处理程序规定》第八十六条) as the intake does when it
names the track."""


_V4_SWAPS: dict[Callable[..., Any], Callable[..., Any]] = {
    d.close_guard: d.close_guard_current,
    d.on_party_refuses: d.on_party_refuses_current,
    d.on_performed: d.on_performed_current,
    d.on_not_accepted: d.on_not_accepted_current,
}
"""Version 3's guards and effects that version 4 replaces, wherever they appear."""

_V4_DROPS: frozenset[Callable[..., Any]] = frozenset({d.remediate_guard})
"""Version 3's guards that version 4 no longer runs: an agreement in performance may be
mediated again to change it with both parties' consent (2002 规定 第三十七条第二项; the
consent is :func:`~mediation.rules.dispute.consent_guard`'s), not only after a court
rejected it."""

_AGAIN = (d.confirmed_agreement_guard, d.consent_guard)
_V4_GUARDS: dict[DisputeTrigger, tuple[Callable[..., Any], ...]] = {
    T2.agree: (
        d.written_only_guard,
        d.agreement_signers_guard,
        d.binding_stage_guard,
        d.told_guard,
    ),
    T2.resume: (d.told_guard,),
    T2.sign: (d.signer_guard, d.signed_once_guard),
    T2.start_mediation: (
        d.mediator_not_party_guard,
        d.committee_rights_guard,
        d.public_order_parties_guard,
        d.told_guard,
        d.start_pending_guard,
        d.traffic_session_guard,
    ),
    T2.remediate: _AGAIN,
    T2.reopen: _AGAIN,
    T2.hand_off: (d.hand_off_in_time_guard, d.penalty_first_guard),
    T2.withdraw: (d.withdraw_guard,),
}
"""Guards version 4 adds to a trigger's transitions (acceptance: :func:`_v4`)."""


_MEDIATES = frozenset({T2.start_mediation, T2.resume, T2.second_session, T2.agree, T2.sign})
"""The triggers that carry a mediation on, to an agreement in effect: refused for a medical
dispute a court has since accepted (医疗条例 第三十一条、第四十条: 已经受理的，终止调解), and
for traffic police mediation a party has since sued over (程序规定 第九十四条第一项)."""


def _v4(t: Transition) -> Transition:
    """Version 3's transition ``t`` as version 4 has it (see :data:`DISPUTE_V4`)."""
    extra = _V4_GUARDS.get(t.trigger, ())  # type: ignore[call-overload]
    accepts = t.trigger is T2.accept and t.dest is S2.accepted
    mediates = t.trigger in _MEDIATES
    if accepts:
        # 医疗条例 第三十一、四十条: acceptance reads the other bodies' cases of the matter.
        extra = (
            d.accept_dates_guard,
            d.competence_guard,
            d.medical_exclusive_guard,
            d.handled_elsewhere_guard,
        )
    elif mediates:
        extra = (*extra, d.court_took_over_guard)
    return attrs.evolve(
        t,
        guards=(*(_V4_SWAPS.get(g, g) for g in t.guards if g not in _V4_DROPS), *extra),
        effects=tuple(_V4_SWAPS.get(e, e) for e in t.effects),
        inputs=d.RemediateInputs if t.trigger in (T2.remediate, T2.reopen) else t.inputs,
        reads_related=(
            d.reads_other_bodies if accepts else d.one_body_dispute if mediates else t.reads_related
        ),
    )


_V4_ADDED: tuple[Transition, ...] = (
    # A party registered during mediation is told their rights before it goes on (2002
    # 规定 第三十条; :func:`~mediation.rules.dispute.told_guard`): the notice again, in place.
    *(
        Transition(
            T2.inform_rights,
            here,
            here,
            effects=d.on_informed,
            roles=_ANYONE,
            inputs=d.InformInputs,
        )
        for here in (S2.mediating, S2.suspended)
    ),
    # An agreement reached but not in effect binds no one (《人民调解法》第二十九条第二款):
    # a party may still refuse (第二十三条), the mediator end it (第二十六条), the
    # applicant withdraw.
    Transition(
        T2.party_refuses,
        S2.agreed,
        S2.failed,
        guards=(d.unsigned_guard, d.party_refuses_guard),
        effects=(d.on_unsigned_dropped, d.on_party_refuses_current),
        roles=_ANYONE,
        inputs=d.PartyRefusesInputs,
    ),
    Transition(
        T2.terminate,
        S2.agreed,
        S2.failed,
        guards=(d.unsigned_guard, d.terminate_guard),
        effects=(d.on_unsigned_dropped, d.on_terminate),
        roles=_MEDIATORS,
        inputs=d.TerminateInputs,
    ),
    Transition(
        T2.withdraw,
        S2.agreed,
        S2.withdrawn,
        guards=(d.unsigned_guard, d.withdraw_guard),
        effects=d.on_withdraw,
        roles=_ANYONE,
        inputs=d.WithdrawInputs,
    ),
    # A party may refuse while the case waits to be taken (《人民调解法》第十七条、第二十三条):
    # referred before acceptance, it is not accepted; after, mediation ends.
    Transition(
        T2.party_refuses,
        S2.referred,
        S2.not_accepted,
        # The party's guard first: a refusal that lacks something says so on either branch.
        guards=(d.party_refuses_guard, d.referral_from(S2.received.value, S2.triaged.value)),
        effects=(d.on_refused_while_referred, d.on_party_refuses_current),
        roles=_ANYONE,
        inputs=d.PartyRefusesInputs,
    ),
    Transition(
        T2.party_refuses,
        S2.referred,
        S2.failed,
        guards=(
            d.party_refuses_guard,
            d.referral_from(S2.accepted.value, S2.mediating.value, S2.suspended.value),
        ),
        effects=(d.on_refused_while_referred, d.on_party_refuses_current),
        roles=_ANYONE,
        inputs=d.PartyRefusesInputs,
    ),
)
"""Transitions version 4 adds to version 3's graph."""

DISPUTE_V4 = attrs.evolve(
    DISPUTE_V3,
    version=4,
    clock_kinds={},
    clocks=(*DISPUTE_V3.clocks, d.TRAFFIC_START),
    transitions=(*(_v4(t) for t in DISPUTE_V3.transitions), *_V4_ADDED),
)
"""The dispute workflow, version 4, kept for the cases recorded under it. Version 3's graph
and rules, and:

- closing counts only the callback visits made since the current round of mediation
  began (《人民调解法》第三十一条第二款; 2002 规定 第三十六条), and waits for the written
  report to the court of a mediation it delegated or entrusted (特邀调解规定 第二十六条;
  the ``report_to_court`` step);
- a labour or land-contract dispute is accepted only by the organisations its statute names,
  and its agreement is written (《劳动争议调解仲裁法》第十条、第十四条;
  《农村土地承包经营纠纷调解仲裁法》第七条、第十条);
- the practice default for administrative mediation is a target, not a duty (RULES.md §6.7);
- a matter another organ handles is recorded as not accepted on the ground of the case's own
  procedure, not always the people's-mediation rule, and so is a party's refusal of
  mediation (治安调解: 程序规定 第一百七十九条、第一百八十五条; traffic police 第九十四条);
- a hand-off to the traffic police's mediation, other than the switch after a failed people's
  mediation, is made within 10 working days of the accident report (程序规定 第八十六条), as
  an application made to the police directly;
- 治安调解 has a minor party's guardian present and no agent for the violator (程序规定
  第一百八十一条);
- a committee tells the parties their rights before it mediates on a court's entrustment
  too (2002 规定 第三十条), and does not accept a dispute that a court, the police or another
  administrative organ has accepted and still holds, when that organ's case is in the system
  (第二十二条第二项: acceptance reads the cases of the same matter);
- the mediator's signature is not a party's, and the seal is the presiding unit's
  (《人民调解法》第二十九条第二款);
- an agreement reached but not yet in effect (a party has not signed) does not hold the case:
  a party may refuse to go on, the mediator may end the mediation, the applicant may
  withdraw (《人民调解法》第二十三条、第二十六条、第二十九条第二款); once in effect it binds
  (第三十一条);
- an agreement a court ruled valid is enforced, not mediated again (《人民调解法》第三十三条
  第二款), nor replaced by a new one while it is before the court; an agreement in effect
  binds until a new one takes effect — a proposal dropped unsigned leaves it in force, with
  its window for 司法确认 (第二十九条第二款、第三十一条); each signer signs once; an
  agreement in performance may be mediated again to change it, both parties consenting
  (2002 规定 第三十七条第二项), not only after a court rejected it; mediating again, to change an agreement or on a dispute that recurred, records both
  parties' consent (2002 规定 第三十七条第二项; 《人民调解法》第三条);
- a court's ruling on 司法确认 starts the parties' 15 days to object and, when the agreement
  is valid, their 2 years to apply for enforcement (民诉法解释 第三百七十二条; 《民事诉讼法》
  第二百五十条) — as clocks while the case is open; on a closed file (a closed case runs no
  clock, DESIGN.md) the ruling and its dates are recorded, and the court's own clocks are
  not opened either.

Stricter or different from version 3, so versions 2 and 3 stay for their recorded cases."""


def _v5(t: Transition) -> Transition:
    """Version 4's transition ``t`` as version 5 has it (see :data:`DISPUTE_V5`)."""
    if t.trigger is T2.accept:
        return attrs.evolve(t, guards=(d.refused_by_guard, *t.guards))
    if t.trigger is T2.agree:
        return attrs.evolve(t, guards=(*t.guards, d.police_period_guard))
    return t


DISPUTE_V5 = attrs.evolve(
    DISPUTE_V4,
    version=5,
    transitions=tuple(_v5(t) for t in DISPUTE_V4.transitions),
)
"""The dispute workflow, version 5, kept for the cases recorded under it. Version 4's graph
and rules, and:

- an agreement the police reach after their one mediation period is refused — the mediation
  has failed (:func:`~mediation.rules.dispute.police_period_guard`): 交警调解's 10 working
  days (《道路交通事故处理程序规定》第九十条; 《道路交通安全法实施条例》第九十五条),
  治安调解's 7 working days after the first session (程序规定 第一百八十三条、第一百八十五条);
- the party who refused mediation at acceptance is one of the case's parties, by id
  (:func:`~mediation.rules.dispute.refused_by_guard`; 《人民调解法》第十七条).

Stricter than version 4, so version 4 stays for its recorded cases."""


def _v6(t: Transition) -> Transition:
    """Version 5's transition ``t`` as version 6 has it (see :data:`DISPUTE_V6`)."""
    if t.trigger is T2.refer:
        return attrs.evolve(t, guards=(*t.guards, d.refer_fit_guard))
    if t.trigger is T2.hand_off:
        return attrs.evolve(t, guards=(d.hand_off_track_guard, *t.guards))
    return t


DISPUTE_V6 = attrs.evolve(
    DISPUTE_V5,
    version=6,
    transitions=tuple(_v6(t) for t in DISPUTE_V5.transitions),
)
"""The dispute workflow, version 6, kept for the cases recorded under it. Version 5's graph
and rules, and:

- a referral (分流交办) goes to a unit that runs the case's track; to another track's organ
  the case is handed off, with the parties' consent (《信访工作条例》第三十七条;
  :func:`~mediation.rules.dispute.refer_fit_guard`);
- only an assignment down (交办) sets a report-back date: a unit sending a case up or across
  sets none on the receiver (第二十二条第一款第三项);
- a hand-off (三调联动) goes to another track: on the same track a case moves by referral,
  with its reasons and its ladder (2002 规定 第二十一条; RULES.md §7.4;
  :func:`~mediation.rules.dispute.hand_off_track_guard`).

Stricter than version 5, so version 5 stays for its recorded cases."""


def _v7(t: Transition) -> Transition:
    """Version 6's transition ``t`` as version 7 has it (see :data:`DISPUTE`)."""
    if t.trigger is T2.refer:
        return attrs.evolve(t, guards=(*t.guards, d.refer_reason_guard))
    if t.trigger is T2.take_referral:
        # Both takes leave the referred state: the one that accepts reads the cases of the
        # same matter, and the other reports its refusal (the first one is reported).
        taken_before = t.dest is S2.triaged
        return attrs.evolve(
            t,
            guards=(
                (d.taken_before_acceptance_guard,)
                if taken_before
                else (*t.guards, d.take_held_elsewhere_guard)
            ),
            reads_related=d.reads_other_bodies,
        )
    if t.trigger is T2.return_referral:
        return attrs.evolve(t, effects=d.on_return_current)
    return t


DISPUTE_V7 = attrs.evolve(
    DISPUTE_V6,
    version=7,
    transitions=tuple(_v7(t) for t in DISPUTE_V6.transitions),
)
"""The dispute workflow, version 7. Version 6's graph and rules, and:

- a receiver that takes a case referred after acceptance accepts it, so it does not take a
  dispute a court, the police or another administrative organ has accepted and still holds
  (2002 规定 第二十二条第二项), nor a medical or traffic-police dispute another body holds
  (《医疗纠纷预防和处理条例》第三十一条、第四十条; 《道路交通安全法实施条例》第九十六条):
  the take reads the cases of the same matter, as acceptance does
  (:func:`~mediation.rules.dispute.take_held_elsewhere_guard`);
- a returned case takes up where it stood: a failed mediation comes back failed with its file
  still to close, not with a new mediation period; an assignment's report back is still
  owed by its date (《人民调解法》第二十六条、第二十七条; 《信访工作条例》第二十二条第一款
  第三项; :func:`~mediation.rules.dispute.on_return_current`);
- 超期未化解 (``clock_breached``) sends a case up only when one of the unit's own clocks is
  past its day (《信访工作条例》第四十五条;
  :func:`~mediation.rules.dispute.refer_reason_guard`).

Stricter than version 6, so version 6 stays for its recorded cases."""


def _v8(t: Transition) -> Transition:
    """Version 7's transition ``t`` as version 8 has it (see :data:`DISPUTE`)."""
    if t.trigger is T2.record_callback:
        return attrs.evolve(t, guards=(*t.guards, d.callback_guard))
    return t


DISPUTE_V8 = attrs.evolve(
    DISPUTE_V7,
    version=8,
    transitions=tuple(_v8(t) for t in DISPUTE_V7.transitions),
)
"""The dispute workflow, version 8, kept for the cases recorded under it. Version 7's graph and rules, and
(each rule gated on the version):

- a people's mediation committee does not accept a dispute whose sides are organisations
  only: it is no 民间纠纷 (2002 规定 第二十条; 《人民调解法》第二条). Acceptance takes its
  other branch (not accepted), and the parties are told where to go. An industry committee,
  and the other tracks, are not held to it
  (:func:`~mediation.rules.dispute.acceptance.not_civil_dispute`);
- ``assess_risk`` at ``medium`` (the dispute may intensify) needs the targeted measures, as
  at ``high`` (《人民调解法》第二十五条; :func:`~mediation.rules.dispute.mediation.risk_guard`);
- ``hand_off`` of a high-risk case needs the easing measures first, as ``transfer_out`` does
  (2002 规定 第二十四条; :func:`~mediation.rules.dispute.referral.hand_off_guard`);
- an administrative organ does not accept for its own mediation a dispute a committee, a
  court or an arbitration commission holds, and a suit accepted during it ends it (RULES.md
  §6.7; :func:`~mediation.rules.dispute.acceptance.medical_exclusive_guard`,
  :func:`~mediation.rules.dispute.acceptance.court_took_over_guard`);
- ``apply_confirmation`` of a labour agreement needs ``payment_only`` and the committee's
  court (劳动争议解释（一）第五十二条;
  :func:`~mediation.rules.dispute.court.labour_confirmation_problem`);
- ``record_limitation`` of a labour or land-contract dispute counts its arbitration time
  bar (1 or 2 years; :func:`~mediation.rules.dispute.limitation.time_bar`);
- a rejection given both a 第三百五十八条 ground and a 第三百五十五条 matter keeps both;
- a court's delegation before filing (``court_referral``) accepted as simplified is refused
  (特邀调解规定 第二十七条: 7 days are 委托's, after filing);
- ``record_callback`` visits a party of the case, and one that finds the agreement not
  performed (``finding="not_performed"``) records the measures taken (《人民调解法》第三十一条第二款;
  2002 规定 第三十七条; :func:`~mediation.rules.dispute.performance.callback_guard`).
- an agreement reported not performed ends its performance period cancelled (lapsed past
  its deadline), not met.

Stricter than version 7, so version 7 stays for its recorded cases."""

DISPUTE_V9 = attrs.evolve(DISPUTE_V8, version=9)
"""The dispute workflow, version 9, kept for the cases recorded under it. Version 8's graph and rules, and
the 包案 steps hold the case to :data:`~mediation.rules.baoan.STRICT_SINCE`: a case owned
above the county needs a 包案 leader of its level, and another leader does not record a
duty (四包) of the one in charge (RULES.md §7.1).

Stricter 包案 steps, so version 8 stays for its recorded cases."""


def _v10(t: Transition) -> Transition:
    """Version 9's transition ``t`` as version 10 has it (see :data:`DISPUTE`)."""
    if t.trigger is T2.accept:
        return attrs.evolve(t, guards=(d.handled_by_guard, *t.guards))
    return t


DISPUTE_V10 = attrs.evolve(
    DISPUTE_V9,
    version=10,
    transitions=tuple(_v10(t) for t in DISPUTE_V9.transitions),
)
"""The dispute workflow, version 10, kept for the cases recorded under it. Version 9's graph and rules, and
``record_callback`` holds the callback record's items (RULES.md §7.5; 《人民调解法》
第三十一条第二款): the party visited (``party``) and, the case having an agreement, what the
visit found of its performance (``finding``, or ``performance`` in words). Version 9 counted a
visit naming only its visitor toward closing
(:func:`~mediation.rules.dispute.performance.callback_guard`); and a committee's
non-acceptance because the matter is handled elsewhere (``handled_by``) names a people's
court, a public-security organ or another administrative organ — a unit of another kind is
refused — and records the unit's name, not its id (2002 规定 第二十二条第二项;
:func:`~mediation.rules.dispute.acceptance.handled_by_guard`); a mediation a court delegated
before filing (委派) triaged to the judicial track takes effect on the parties' signatures,
as on the others (特邀调解规定 第二十四条;
:func:`~mediation.rules.dispute.agreement.parties_sign_alone`); and a report to the court
made without the file leaves the report owed until the file goes back (第二十六条;
:func:`~mediation.rules.dispute.court.court_report_owed`); and an application for traffic
police mediation gives the day the accident report was received, at registration on the
track or at triage into it, so that its 10 working days are checked (《道路交通事故处理
程序规定》第八十六条; :func:`~mediation.rules.dispute.intake.traffic_application_guard`).

Stricter guards, so version 9 stays for its recorded cases."""

DISPUTE_V11 = attrs.evolve(DISPUTE_V10, version=11)
"""The dispute workflow, version 11, kept for the cases recorded under it. Version 10's graph and rules, and
(each rule gated on the version, :data:`~mediation.rules.dispute._common.V11`):

- traffic police mediation starts only on a recorded notice of the session
  (``start_mediation``'s ``notified_on``), given three working days before it
  (《道路交通事故处理程序规定》第八十八条、第一百一十二条); version 10 checked the three days only
  when the notice was recorded (:func:`~mediation.rules.dispute.traffic_session_guard`);
- a medical dispute's appraisal is recorded with ``record_appraisal`` (the days it was
  commissioned and issued) whenever it falls within the 30 working days — before the first
  session as well as during mediation — and its time is left out of them
  (《医疗纠纷预防和处理条例》第三十八条、第四十条;
  :func:`~mediation.rules.dispute.acceptance.on_appraisal`). Version 10 could leave it out
  only by suspending a mediation already begun.

Stricter on the traffic notice, so version 10 stays for its recorded cases."""


def _v12(t: Transition) -> Transition:
    """Version 11's transition ``t`` as version 12 has it (see :data:`DISPUTE`)."""
    if t.trigger is T2.start_mediation:
        return attrs.evolve(t, guards=(*t.guards, d.presiding_officer_guard, d.decided_start_guard))
    return t


DISPUTE = attrs.evolve(
    DISPUTE_V11,
    version=12,
    transitions=tuple(_v12(t) for t in DISPUTE_V11.transitions),
)
"""The dispute workflow, version 12: new cases run on it. Version 11's graph and rules, and
(each rule gated on the version, :data:`~mediation.rules.dispute._common.V12`):

- 治安调解 starts only with its presiding officer named: the mediators given to
  ``start_mediation``, or assigned before. Its 治安调解协议书 states who presided
  (《公安机关办理行政案件程序规定》第一百八十四条: 调解机关名称、主持人); version 11 let it
  start with no one named, and the agreement then named no presiding officer
  (:func:`~mediation.rules.dispute.presiding_officer_guard`);
- parties who settle by themselves and perform may have no penalty (``waive_penalty`` with
  ``settlement="parties"``) on a case the police accepted and have not begun to mediate, not
  only after its mediation failed: 第一百八十六条 asks only that no decision was made (once
  the police mediate, the terms are that mediation's agreement, or it fails first). The
  police then mediate no more (:func:`~mediation.rules.dispute.decided_start_guard`), their
  sessions are owed no more, and the case's end restarts no handling period (第一百八十五条
  is for a penalty still owed);
- an accepted 治安调解 the police have not decided is not withdrawn (``withdraw`` is refused):
  without an agreement it goes to the penalty (第一百八十五条;《治安管理处罚法》第九条), so a
  party's wish to stop is a refusal (``party_refuses``), which fails the mediation and
  restarts the handling period; version 11's withdrawal ended the police case undecided
  (:func:`~mediation.rules.dispute.public_order_pending`);
- a hand-off into traffic police mediation (other than the switch after a failed people's
  mediation) gives the day the parties received the accident report, so that its 10 working
  days are checked, as a direct application has had to since version 10
  (《道路交通事故处理程序规定》第八十六条;
  :func:`~mediation.rules.dispute.referral.hand_off_in_time_guard`). Version 11 let a
  hand-off without the day through unchecked.

- 司法确认: a higher court named by its unit id is refused, as one named in words was
  (民诉法 第二百零五条第二项); a ruling on an accepted application is not served before the
  acceptance, which would start the 15 days to object before it existed (民诉法解释
  第三百七十二条). After a non-acceptance the same agreement is applied for again only when
  the first court lacked jurisdiction, and then to another court (第三百五十五条): version 11
  reopened the 30 days on any ground and let it go back to the same court. A court's
  delegation (委派) is accepted naming the court that made it, so that the inviting-court
  check can be made (version 11 took it with the court unknown, and any court then). The
  inviting court is found by unit id or by name, however it was recorded (第二百零五条第一项;
  every version);
- the traffic police's 道路交通事故损害赔偿调解书 takes effect once every party signed it
  (《道路交通事故处理程序规定》第九十二条); version 11 waited for the officer's signature
  and the organ's seal, as a committee's agreement does. It states the items of that article
  — not the people's mediation rules' place of performance or disputed matters
  (:func:`~mediation.rules.dispute.agreement.parties_sign_alone`).

Stricter, so version 11 stays for its recorded cases."""

_DISPUTES = frozenset({"dispute"})

DISPUTE_STEPS: tuple[Step, ...] = (
    # 警调对接 (程序规定 第一百八十六条): on the police case, handed off to a committee and
    # closed there, the committee's result and the police's decision (version 4 on).
    Step(
        DisputeStep.committee_result,
        inputs=jt.CommitteeResultInputs,
        roles=_ANYONE,
        guards=jt.committee_result_guard,
        effects=jt.on_committee_result,
        workflows=_DISPUTES,
        open_only=False,
        listed=False,
    ),
    Step(
        DisputeStep.waive_penalty,
        inputs=jt.WaiveInputs,
        roles=_ANYONE,
        guards=jt.waive_guard,
        effects=jt.on_waive,
        workflows=_DISPUTES,
        open_only=False,
    ),
    Step(
        DisputeStep.decide_penalty_after_committee,
        inputs=d.NoteInputs,
        roles=_ANYONE,
        guards=jt.penalty_after_committee_guard,
        effects=jt.on_penalty_after_committee,
        workflows=_DISPUTES,
        open_only=False,
    ),
    Step(
        DisputeStep.record_appraisal,
        inputs=d.AppraisalInputs,
        roles=_ANYONE,
        guards=d.appraisal_guard,
        effects=d.on_appraisal,
        workflows=_DISPUTES,
    ),
    Step(
        DisputeStep.record_mediation_start,
        inputs=d.MediationStartInputs,
        roles=_ANYONE,
        guards=d.mediation_start_guard,
        effects=d.on_mediation_start,
        workflows=_DISPUTES,
    ),
    Step(
        DisputeStep.assess_risk,
        inputs=d.RiskInputs,
        roles=_ANYONE,
        guards=d.risk_guard,
        effects=d.on_risk,
        workflows=_DISPUTES,
    ),
    Step(
        DisputeStep.apply_confirmation,
        inputs=d.ApplyConfirmationInputs,
        roles=_ANYONE,
        guards=d.apply_confirmation_guard,
        effects=d.on_apply_confirmation,
        workflows=_DISPUTES,
        open_only=False,
    ),
    Step(
        DisputeStep.court_accepts,
        inputs=d.NoteInputs,
        roles={Role.court_liaison, Role.director, Role.mediator},
        guards=d.court_accepts_guard,
        effects=d.on_court_accepts,
        workflows=_DISPUTES,
        open_only=False,
    ),
    Step(
        DisputeStep.court_rules,
        inputs=d.CourtRulesInputs,
        roles={Role.court_liaison, Role.director, Role.mediator},
        guards=d.court_rules_guard,
        effects=d.on_court_rules,
        clocks=(d.OBJECTION, d.ENFORCEMENT),
        workflows=_DISPUTES,
        open_only=False,
    ),
    Step(
        DisputeStep.report_to_court,
        inputs=d.CourtReportInputs,
        roles=_ANYONE,
        guards=d.court_report_guard,
        effects=d.on_court_report,
        workflows=_DISPUTES,
        open_only=False,  # a mediation refused or withdrawn is reported on its closed file
        overlays={d.COURT_REPORT: d.CourtReport},  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        DisputeStep.change_mediators,
        inputs=d.ChangeMediatorsInputs,
        roles=_MEDIATORS,
        guards=d.change_mediators_guard,
        effects=d.on_change_mediators,
        workflows=_DISPUTES,
    ),
    Step(
        DisputeStep.record_limitation,
        inputs=d.LimitationInputs,
        roles=_ANYONE,
        guards=d.limitation_guard,
        effects=d.on_limitation,
        clocks=(d.LIMITATION, d.LABOUR_TIME_BAR, d.LAND_TIME_BAR),
        workflows=_DISPUTES,
        overlays={d.LIMITATION_RECORD: d.Limitation},  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        DisputeStep.file_objection,
        inputs=d.ObjectionInputs,
        roles=_ANYONE,
        guards=d.objection_guard,
        effects=d.on_objection,
        workflows=_DISPUTES,
        open_only=False,  # the parties' rights outlast the committee's file
        overlays={d.AFTER_RULING: d.AfterRuling},  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        DisputeStep.apply_enforcement,
        inputs=d.EnforcementInputs,
        roles=_ANYONE,
        guards=d.enforcement_guard,
        effects=d.on_enforcement,
        workflows=_DISPUTES,
        open_only=False,
        overlays={d.AFTER_RULING: d.AfterRuling},  # type: ignore[arg-type]  # core: converter=dict
    ),
    Step(
        DisputeStep.report_feedback,
        inputs=d.FeedbackInputs,
        roles=_ANYONE,
        guards=d.feedback_guard,
        effects=d.on_feedback,
        workflows=_DISPUTES,
    ),
)
"""The dispute workflow's steps outside its graph."""

_PASSED_ON = frozenset({S2.transferred_out.value, S2.handed_off.value})
"""Closings that put the matter before another organ: 移送 (2002 规定 第二十二条、第二十四条:
easing measures, then 提交有关机关处理) and a 三调联动 hand-off — the report's purpose."""


def _closing_v2(site: Site) -> bool:
    """A step that closes a case of version 2 without passing the matter to another organ
    (version 1 replays 0.1's rules unchanged)."""
    d = site.definition
    if not (site.closing and d.name == DISPUTE.name and d.version >= DISPUTE_V2.version):
        return False
    return site.dest not in _PASSED_ON


def _procedure_ends(site: Site) -> bool:
    """A step of a version-2-or-later dispute case that ends the procedure a claim started
    (no agreement, not accepted, withdrawn, an agreement not performed) or puts the claim
    before a body again (:data:`_CLAIM_MOVES`)."""
    wf = site.definition
    return (
        wf.name == DISPUTE.name
        and wf.version >= DISPUTE_V2.version
        and site.dest in _CLAIM_MOVES
        and site.source != site.dest
    )


_CLAIM_MOVES = d.PROCEDURE_ENDS | {S2.mediating.value, S2.handed_off.value}
"""Where the claim's procedure ends (the period runs anew), or the claim is pending again:
mediated again, or before another body (a hand-off)."""


def _reports_to_police(site: Site) -> bool:
    """The dispute steps ending the committee's part in a 警调对接: an agreement performed or
    not, or mediation there ended without one (:data:`jingtiao.REPORTED`)."""
    return site.definition.name == "dispute" and not site.step and site.dest in jt.REPORTED


DISPUTE_HOOKS: tuple[Hook, ...] = (
    Hook("escalation_report_owed", when=_closing_v2, checks=d.report_owed_check),
    Hook(
        "jingtiao_result",
        when=_reports_to_police,
        effects=jt.report_to_police,
        overlays={jt.OVERLAY: jt.Jingtiao},  # type: ignore[arg-type]  # core: converter=dict
        only_if=lambda case: jt.OVERLAY in case.overlays,
    ),
    Hook(
        "limitation_restarts",
        when=_procedure_ends,
        effects=d.on_procedure_end,
        only_if=lambda case: d.LIMITATION_RECORD in case.overlays,
    ),
)
"""A case owing the report of an escalation risk is not closed (人民调解法 第二十五条); a
committee's case handed from the police (警调对接) reports its result to the police case
(程序规定 第一百八十六条; :mod:`mediation.rules.dispute.jingtiao`); the claimant's
limitation period, once its start is recorded, runs again when the procedure ends
(《民法典》第一百九十五条; :mod:`mediation.rules.dispute.limitation`)."""

AMEND = Step(
    registration.RegistrationStep.amend_registration,
    inputs=registration.AmendInputs,
    roles=_ANYONE,
    guards=registration.amend_guard,
    effects=registration.on_amend,
)
"""补正 for every workflow's cases."""
