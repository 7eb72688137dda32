"""Supervision (督办) of overdue clocks, and approved extensions, as pure effects.

Sources: 《信访工作条例》第三十四条 (an extension of the handling period needs
the organ head's approval and the petitioner must be told why), 第四十四、
四十五条 (accountability for missing time limits: 督办 in practice, RULES.md §7.3
跟踪督办); RULES.md §7.1 (领导包案 for long-unresolved cases, PRACTICE).
"""

from __future__ import annotations

import attrs

from mediation._errors import ValidationError
from mediation.model import Case, ClockKind, DeadlineStatus, evolve
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.clockbook import FixedClock
from mediation.rules.periods import Approver, ClockHolder, PeriodRule, check_extension

__all__ = [
    "ExtendInputs",
    "SuperviseInputs",
    "SupervisionPolicy",
    "escalate",
    "extend_guard",
    "on_extend",
    "supervise_guard",
]

SUPERVISED = "supervised"
"""Flag: the case has been supervised (督办) at least once."""

BAOAN_CANDIDATE = "baoan_candidate"
"""Flag: proposed for 领导包案 (RULES.md §7.1)."""


@attrs.frozen(slots=True)
class SupervisionPolicy:
    """What the supervision scanner does for each breach (PRACTICE: configure per locality).

    Attributes:
        raise_to_superior: Copy the case to the owning unit's superior (flag
            ``supervisor:<unit id>``) so it appears on the superior's lists.
        baoan_after: Propose 领导包案 once a case has this many escalated breaches
            (``None``: never).
        reply_days: Days the supervised unit has to report back (督办通知; PRACTICE,
            no national number).
    """

    raise_to_superior: bool = True
    baoan_after: int | None = 2
    reply_days: int = 3


@attrs.frozen(slots=True)
class SuperviseInputs:
    """督办: the overdue clock."""

    deadline: str = field("超期期限")


@attrs.frozen(slots=True)
class ExtendInputs:
    """延长期限: which clock, by how much, approved by whom, why."""

    deadline: str = field("期限")
    length: int = field("延长")
    approver: Approver = field("批准人")
    reason: str = field("延长理由")
    petitioner_notified: bool = field("已告知信访人延期理由", default=False)


def supervise_guard(case: Case, ctx: Context[SuperviseInputs]) -> Decision:
    """Only a running, overdue clock is supervised, and each breach once (督办一次一案)."""
    wanted = ctx.inputs.deadline
    d = next((x for x in case.deadlines if x.id == wanted), None)
    if d is None or d.status is not DeadlineStatus.running or ctx.at <= d.due_at:
        return refuse_input(
            "supervise", "deadline", wanted, "only a running, overdue clock is supervised"
        )
    if d.kind is not ClockKind.duty:
        return refuse_input(
            "supervise",
            "deadline",
            wanted,
            f"a {d.kind.label} ({d.kind.value}) is not supervised: only the unit's hard "
            "limits are (一般期限 warns when passed; a parties' or another organ's period "
            "is never the unit's breach)",
        )
    if d.escalated_at is not None:
        return refuse("supervise", "该超期已督办，不重复督办", "督办一次一案")
    return ALLOW


def escalate(case: Case, ctx: Context[SuperviseInputs]) -> Case:
    """Mark one overdue clock escalated (exactly once) and apply the policy's actions.

    The notification itself is the audit event, which reaches the embedder's
    subscribers through the outbox.
    """
    d = case.deadline(ctx.inputs.deadline)
    new = evolve(d, escalated_at=ctx.at)
    case = evolve(case, deadlines=tuple(new if x.id == d.id else x for x in case.deadlines))
    flags = set(case.flags) | {SUPERVISED}
    policy: SupervisionPolicy = ctx.policy.supervision
    if policy.raise_to_superior and ctx.policy.org is not None and case.unit in ctx.policy.org:
        parent = ctx.policy.org.parent(case.unit)
        if parent is not None:
            flags.add(f"supervisor:{parent.id}")
    escalated = sum(1 for x in case.deadlines if x.escalated_at is not None)
    if policy.baoan_after is not None and escalated >= policy.baoan_after:
        flags.add(BAOAN_CANDIDATE)
    return evolve(case, flags=frozenset(flags))


def extend_guard(case: Case, ctx: Context[ExtendInputs]) -> Decision:
    """An extension needs the approver the rule names, within its cap, and telling the petitioner.

    信访工作条例 第三十四条: the handling period may be extended by at most 30 days
    with the organ head's approval, and the petitioner must be told why; other
    rules name their own approver and cap (RULES.md §5.6). An extension is granted while
    the period runs: one approved after its last day would turn a breach into time kept.
    """
    given = ctx.inputs
    d = next((x for x in case.deadlines if x.id == given.deadline), None)
    if d is None:
        return refuse_input("extend", "deadline", given.deadline, "no such clock on this case")
    if not d.status.is_open:
        return refuse_input("extend", "deadline", d.id, "only an open clock can be extended")
    rule = ctx.clocks.rule(d.period)
    if d.status is DeadlineStatus.running and ctx.at > d.due_at:
        return refuse_input(
            "extend",
            "deadline",
            d.id,
            f"期限已于{d.due.isoformat()}届满：延长须在期限内批准，届满后的延长不能消除超期",
            rule.basis,
        )
    if isinstance(rule, FixedClock):
        return refuse_input(
            "extend", "deadline", d.id, "an agreed date is changed by amending the agreement"
        )
    if not given.reason.strip():
        return refuse_input("extend", "reason", given.reason, "state why the clock is extended")
    try:
        check_extension(rule, given.length, d.extension, given.approver)
    except ValidationError as exc:
        name = "length" if exc.field == "extension" else exc.field
        return refuse_input("extend", name, exc.value, exc.rule, rule.basis)
    wrong = _approver_elsewhere(case, ctx, rule)
    if wrong is not None:
        return wrong
    ext = rule.extension
    if ext is not None and ext.notify_petitioner and not given.petitioner_notified:
        return refuse(
            "extend", "延长办理期限须告知信访人延期理由", f"{rule.basis}（延期须告知信访人）"
        )
    return ALLOW


_OWN_HEAD = frozenset(
    {Approver.organ_head, Approver.court_president, Approver.arbitration_commission_head}
)
"""Approvers who head the body whose period it is (本机关负责人, 本院院长, 仲裁委员会主任)."""


def _unit_name(ctx: Context[ExtendInputs], unit: str) -> str:
    org = ctx.policy.org
    if org is None:
        return unit
    try:
        return f"{org.get(unit).name}（{unit}）"
    except ValidationError:
        return unit


def _approver_elsewhere(
    case: Case, ctx: Context[ExtendInputs], rule: PeriodRule
) -> Decision | None:
    """Refuse an approval given at the wrong unit, for the unit's own period.

    信访工作条例 第三十四条: “经本行政机关负责人批准”, the head of the organ handling the
    matter, not a leader of another organ, even one above it (a county leader who holds
    the case by 领导包案 is not the town's head). The court's period is its president's
    (本院院长) and the arbitration commission's its chair's. 《公安机关办理行政案件程序规定》
    第一百六十五条 (RULES.md §6.5): the handling period is extended with the approval of
    the police one level up, never by the station handling the case. The unit is known for a step that reads it
    (``reads_actor_unit``); a system actor, or an event logged before the unit was,
    has none and is not checked. Another organ's period (its holder is not the unit)
    is approved there, beyond what the case records.
    """
    who = ctx.actor.unit
    ext = rule.extension
    if who is None or ext is None or rule.holder is not ClockHolder.unit:
        return None
    if ext.approver in _OWN_HEAD and who != case.unit:
        return refuse_input(
            "extend",
            "approver",
            ext.approver.value,
            f"{rule.name_zh}的延长须经{_unit_name(ctx, case.unit)}的{ext.approver.label}批准："
            f"{_unit_name(ctx, who)}不是办理本案的机关",
            rule.basis,
        )
    if ext.approver is Approver.higher_public_security and who == case.unit:
        return refuse_input(
            "extend",
            "approver",
            ext.approver.value,
            f"{rule.name_zh}的延长须经{ext.approver.label}批准："
            f"{_unit_name(ctx, who)}是办理本案的机关本身",
            rule.basis,
        )
    return None


def on_extend(case: Case, ctx: Context[ExtendInputs]) -> Case:
    """Extend the clock (an extension never shortens it)."""
    given = ctx.inputs
    return deadlines.extend(case, ctx, given.deadline, given.length, given.approver)
