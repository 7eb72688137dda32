"""The dispute-mediation workflow (矛盾纠纷调解), as data.

::

    received → triaged → accepted → mediating ⇄ suspended
                       ↘ not_accepted / transferred_out
    mediating → agreed → performing → performed | not_performed → callback → closed → archived
    mediating → failed → closed;  callback → mediating (reopen);  withdrawn from any open step
"""

from __future__ import annotations

from mediation.model import CaseKind, LabeledEnum, Role
from mediation.rules import dispute as r
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

DISPUTE = WorkflowDefinition(
    name="dispute",
    version=1,
    kind=CaseKind.dispute,
    states=DisputeState,
    triggers=DisputeTrigger,
    initial=S.received,
    finals=frozenset({S.archived, S.withdrawn, S.not_accepted, S.transferred_out}),
    closed=frozenset({S.closed, S.archived, S.withdrawn, S.not_accepted, S.transferred_out}),
    intake_effects=(r.on_intake,),
    transitions=(
        Transition(
            T.triage,
            S.received,
            S.triaged,
            guards=r.triage_guard,
            effects=r.on_triage,
            roles=_CLERKS,
            params={"track", "level", "unit", "risk", "note"},
        ),
        Transition(
            T.accept,
            S.triaged,
            S.accepted,
            guards=r.accept_guard,
            effects=r.on_accept,
            roles=_CLERKS,
            params={"refused_by", "handled_by", "note"},
        ),
        Transition(
            T.refuse,
            S.triaged,
            S.not_accepted,
            guards=r.reason_guard,
            effects=r.on_end,
            roles=_CLERKS,
            params={"reason", "ground"},
        ),
        Transition(
            T.transfer_out,
            S.triaged,
            S.transferred_out,
            guards=r.reason_guard,
            effects=r.on_end,
            roles=_CLERKS,
            params={"reason", "to"},
        ),
        Transition(
            T.start_mediation,
            S.accepted,
            S.mediating,
            effects=r.on_mediators,
            roles=_MEDIATORS,
            params={"mediators", "note"},
        ),
        Transition(
            T.suspend,
            S.mediating,
            S.suspended,
            effects=r.on_suspend,
            roles=_MEDIATORS,
            params={"reason", "note"},
        ),
        Transition(
            T.resume,
            S.suspended,
            S.mediating,
            effects=r.on_resume,
            roles=_MEDIATORS,
            params={"note"},
        ),
        Transition(
            T.agree,
            S.mediating,
            S.agreed,
            guards=r.agree_guard,
            effects=r.on_agree,
            roles=_MEDIATORS,
            params={"agreement"},
        ),
        Transition(
            T.sign,
            S.agreed,
            S.agreed,
            guards=r.sign_guard,
            effects=r.on_sign,
            roles=_MEDIATORS,
            params={"signer", "capacity", "signed_at"},
        ),
        Transition(T.begin_performance, S.agreed, S.performing, roles=_MEDIATORS, params={"note"}),
        Transition(
            T.confirm_performed,
            S.performing,
            S.performed,
            effects=r.on_performed,
            roles=_MEDIATORS,
            params={"note", "evidence"},
        ),
        Transition(
            T.report_not_performed,
            S.performing,
            S.not_performed,
            effects=r.on_not_performed,
            roles=_MEDIATORS,
            params={"note"},
        ),
        Transition(
            T.remediate,
            S.not_performed,
            S.mediating,
            guards=r.reason_guard,
            effects=r.on_reopen,
            roles=_MEDIATORS,
            params={"reason"},
        ),
        Transition(
            T.terminate,
            (S.mediating, S.suspended),
            S.failed,
            guards=r.terminate_guard,
            effects=r.on_terminate,
            roles=_MEDIATORS,
            params={"reason", "remedies_informed"},
        ),
        Transition(
            T.start_callback,
            (S.performed, S.not_performed, S.failed),
            S.callback,
            roles=_MEDIATORS,
            params={"note"},
        ),
        Transition(
            T.record_callback,
            S.callback,
            S.callback,
            effects=r.on_callback,
            roles=_MEDIATORS,
            params={"visitor", "party", "performance", "satisfaction", "recurrence"},
        ),
        Transition(
            T.reopen,
            S.callback,
            S.mediating,
            guards=r.reason_guard,
            effects=r.on_reopen,
            roles=_MEDIATORS,
            params={"reason"},
        ),
        Transition(
            T.close,
            (S.callback, S.failed),
            S.closed,
            guards=r.close_guard,
            effects=r.on_close,
            roles={Role.director},
            params={"note"},
        ),
        Transition(T.archive, S.closed, S.archived, roles=_CLERKS, params={"dossier_no"}),
        Transition(
            T.withdraw,
            (S.received, S.triaged, S.accepted, S.mediating, S.suspended),
            S.withdrawn,
            guards=r.reason_guard,
            effects=r.on_end,
            roles=_ANYONE,
            params={"reason", "by"},
        ),
    ),
)
"""The dispute workflow, version 1."""
