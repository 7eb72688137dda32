"""Supervision (督办) of overdue clocks, and approved extensions, as pure effects.

Sources: 《信访工作条例》第三十四条 (an extension of the handling period needs
the organ head's approval and the petitioner must be told why), 第四十四、
四十五条 (accountability for missing time limits: 督办 in practice, RULES.md §7.3
跟踪督办); RULES.md §7.1 (领导包案 for long-unresolved cases, PRACTICE).
"""

from __future__ import annotations

import attrs

from mediation._errors import RuleRejectedError, ValidationError
from mediation.model import Case, DeadlineStatus, replace
from mediation.rules import deadlines
from mediation.rules.base import Context

__all__ = ["SupervisionPolicy", "escalate", "extend"]

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


def escalate(case: Case, ctx: Context) -> Case:
    """Mark one overdue clock escalated (exactly once) and apply the policy's actions.

    Inputs: ``deadline`` (its id). The notification itself is the audit event,
    which reaches the embedder's subscribers through the outbox.

    Raises:
        ValidationError: unknown clock, or one that is not overdue and running.
        RuleRejectedError: the breach was already escalated.
    """
    deadline_id = str(ctx.require("deadline"))
    d = case.deadline(deadline_id)
    if d.status is not DeadlineStatus.running or ctx.at <= d.due_at:
        raise ValidationError(
            "deadline", deadline_id, "only a running, overdue clock is supervised"
        )
    if d.escalated_at is not None:
        raise RuleRejectedError("supervise", "该超期已督办，不重复督办", "督办一次一案")
    new = replace(d, escalated_at=ctx.at)
    case = replace(case, deadlines=tuple(new if x.id == d.id else x for x in case.deadlines))
    flags = set(case.flags) | {SUPERVISED}
    policy: SupervisionPolicy = ctx.policy.supervision
    if policy.raise_to_superior and ctx.policy.org is not None:
        parent = ctx.policy.org.parent(case.unit)
        if parent is not None:
            flags.add(f"supervisor:{parent.id}")
    escalated = sum(1 for x in case.deadlines if x.escalated_at is not None)
    if policy.baoan_after is not None and escalated >= policy.baoan_after:
        flags.add(BAOAN_CANDIDATE)
    return replace(case, flags=frozenset(flags))


def extend(case: Case, ctx: Context) -> Case:
    """Extend an open clock with approval, capped by its rule.

    Inputs: ``deadline``, ``length`` (in the period's unit), ``approver``,
    ``reason``, and ``petitioner_notified`` where the rule requires the
    petitioner to be told (信访工作条例 第三十四条).

    Raises:
        ValidationError: bad input, wrong approver, beyond the cap.
        RuleRejectedError: the petitioner has not been told.
    """
    deadline_id = str(ctx.require("deadline"))
    length = ctx.require("length")
    if not isinstance(length, int) or isinstance(length, bool):
        raise ValidationError("length", length, "a whole number of the period's units")
    approver = str(ctx.require("approver"))
    ctx.require("reason")
    d = case.deadline(deadline_id)
    rule = ctx.policy.clock_rule(d.period)
    ext = getattr(rule, "extension", None)
    if (
        ext is not None
        and ext.notify_petitioner
        and ctx.data.get("petitioner_notified") is not True
    ):
        raise RuleRejectedError(
            "extend", "延长办理期限须告知信访人延期理由", f"{rule.basis}（延期须告知信访人）"
        )
    return deadlines.extend(case, ctx, deadline_id, length, approver)
