"""The dispute-mediation workflow (矛盾纠纷调解), as data.

::

    received → triaged → accepted → mediating ⇄ suspended
                       ↘ not_accepted / transferred_out
    mediating → agreed → performing → performed | not_performed → callback → closed → archived
    mediating → failed → closed;  callback → mediating (reopen);  withdrawn from any open step
"""

from __future__ import annotations

from mediation.model import CaseKind, ClockKind, LabeledEnum, Role
from mediation.rules import dispute as r
from mediation.rules.agreement import PERFORMANCE, SignatureInput
from mediation.rules.clockbook import ClockRule
from mediation.rules.linkage import MEDIATION_PERIODS
from mediation.workflows.definition import Transition, WorkflowDefinition

__all__ = ["DISPUTE", "DisputeState", "DisputeTrigger"]


class DisputeState(LabeledEnum):
    """States of a dispute case."""

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


class DisputeTrigger(LabeledEnum):
    """Triggers of the dispute workflow."""

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


S, T = DisputeState, DisputeTrigger
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

DISPUTE = WorkflowDefinition(
    name="dispute",
    version=1,
    kind=CaseKind.dispute,
    label="矛盾纠纷调解",
    states=DisputeState,
    triggers=DisputeTrigger,
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
"""The dispute workflow, version 1."""
