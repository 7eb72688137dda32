"""Clock effects: open, meet, pause, resume, extend and cancel deadlines.

These are the effects workflows attach to transitions. Each takes a case and
returns a new case whose ``deadlines`` changed; the engine writes the change
in the same transaction as the state change.

A deadline closed after its due instant is ``breached``, before it ``met``:
the two never both hold. Paused time does not count (RULES.md §5.6): for a
working-day clock only the working days paused are added back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

import attrs

from mediation._errors import ValidationError
from mediation.model import Case, Deadline, DeadlineStatus, replace
from mediation.rules.base import Context
from mediation.rules.counting import PeriodUnit, end_of_day, working_days_between
from mediation.rules.periods import check_extension

__all__ = [
    "FIXED_CLOCKS",
    "FixedClock",
    "cancel_all",
    "close",
    "extend",
    "open_clock",
    "open_fixed",
    "pause",
    "resume",
]


@attrs.frozen(slots=True)
class FixedClock:
    """A clock whose last day is fixed by the parties, not counted from a period.

    Attributes:
        id: Stored on the deadline as its ``period``.
        name_zh: Chinese name.
        basis: The legal source.
    """

    id: str
    name_zh: str
    basis: str
    pausable_by: frozenset[str] = frozenset()


FIXED_CLOCKS = {
    "agreement_performance": FixedClock(
        "agreement_performance",
        "调解协议履行期限",
        "《人民调解法》第三十一条（人民调解委员会应当对调解协议的履行情况进行监督）",
    ),
}
"""Clocks on agreed dates (the performance date of a mediation agreement)."""


def _replace(case: Case, changed: dict[str, Deadline]) -> Case:
    if not changed:
        return case
    return replace(case, deadlines=tuple(changed.get(d.id, d) for d in case.deadlines))


def open_clock(case: Case, ctx: Context, period_id: str, start: dt.date | None = None) -> Case:
    """Open a clock for period ``period_id`` starting on ``start`` (default: today).

    The start day itself is not counted (民法典 第二百零一条).
    """
    start = start or ctx.day
    due, due_at = ctx.policy.due(period_id, start)
    deadline = Deadline(
        id=f"{period_id}-{ctx.seq}",
        period=period_id,
        start=start,
        due=due.due,
        due_at=due_at,
        estimated=due.estimated,
    )
    return replace(case, deadlines=(*case.deadlines, deadline))


def open_fixed(case: Case, ctx: Context, period_id: str, due: dt.date) -> Case:
    """Open a clock whose last day was fixed by the parties (e.g. the performance date)."""
    if due < ctx.day:
        raise ValidationError(period_id, due.isoformat(), "the agreed date is already past")
    if period_id not in FIXED_CLOCKS:
        raise ValidationError("period", period_id, "not a clock on an agreed date")
    deadline = Deadline(
        id=f"{period_id}-{ctx.seq}",
        period=period_id,
        start=ctx.day,
        due=due,
        due_at=end_of_day(due, close_of_business=ctx.policy.close_of_business, tz=ctx.policy.tz),
    )
    return replace(case, deadlines=(*case.deadlines, deadline))


def close(
    case: Case,
    ctx: Context,
    periods: Collection[str] | None = None,
    *,
    where: Callable[[Deadline], bool] | None = None,
) -> Case:
    """Close open clocks (all, or those of ``periods``): met if on time, else breached."""
    changed: dict[str, Deadline] = {}
    for d in case.deadlines:
        if not d.status.is_open:
            continue
        if periods is not None and d.period not in periods:
            continue
        if where is not None and not where(d):
            continue
        late = d.status is DeadlineStatus.running and ctx.at > d.due_at
        changed[d.id] = replace(
            d,
            status=DeadlineStatus.breached if late else DeadlineStatus.met,
            closed_at=ctx.at,
            paused_since=None,
        )
    return _replace(case, changed)


def cancel_all(
    case: Case, ctx: Context, *, where: Callable[[Deadline], bool] | None = None
) -> Case:
    """Cancel every open clock (withdrawal, transfer, refusal: nothing left to time).

    With ``where``, only the open clocks it selects.
    """
    changed = {
        d.id: replace(d, status=DeadlineStatus.cancelled, closed_at=ctx.at, paused_since=None)
        for d in case.deadlines
        if d.status.is_open and (where is None or where(d))
    }
    return _replace(case, changed)


def pause(case: Case, ctx: Context, reason: str) -> Case:
    """Pause every running clock whose rule lets ``reason`` stop it.

    E.g. appraisal (鉴定) stops the medical-mediation clock (医疗纠纷预防和处理条例
    第三十八条); a hearing (听证) stops the 复核 clock (信访工作条例 第三十六条).
    Clocks whose rule does not name ``reason`` keep running.
    """
    changed: dict[str, Deadline] = {}
    for d in case.deadlines:
        if d.status is not DeadlineStatus.running:
            continue
        if reason in ctx.policy.clock_rule(d.period).pausable_by:
            changed[d.id] = replace(d, status=DeadlineStatus.paused, paused_since=ctx.day)
    return _replace(case, changed)


def _paused_amount(case_day: dt.date, since: dt.date, unit: PeriodUnit, ctx: Context) -> int:
    if case_day <= since:
        return 0
    if unit is PeriodUnit.working_days:
        return working_days_between(since, case_day, ctx.policy.calendar)
    return (case_day - since).days


def resume(case: Case, ctx: Context) -> Case:
    """Resume paused clocks; the time paused is added back to each.

    For working-day periods the working days in (paused_since, today] are
    added; for calendar periods the calendar days.
    """
    changed: dict[str, Deadline] = {}
    for d in case.deadlines:
        if d.status is not DeadlineStatus.paused or d.paused_since is None:
            continue
        rule = ctx.policy.period(d.period)
        paused = d.paused + _paused_amount(ctx.day, d.paused_since, rule.unit, ctx)
        due, due_at = ctx.policy.due(d.period, d.start, paused=paused, extension=d.extension)
        changed[d.id] = attrs.evolve(
            d,
            status=DeadlineStatus.running,
            paused_since=None,
            paused=paused,
            due=due.due,
            due_at=due_at,
            estimated=d.estimated or due.estimated,
        )
    return _replace(case, changed)


def extend(case: Case, ctx: Context, deadline_id: str, length: int, approver: str) -> Case:
    """Extend an open clock by ``length`` (in its period's unit), within the rule's cap.

    Raises:
        ValidationError: the clock is closed, the approver is not the one the
            rule names, or the cap would be exceeded.
    """
    d = case.deadline(deadline_id)
    if not d.status.is_open:
        raise ValidationError("deadline", deadline_id, "only an open clock can be extended")
    if d.period in FIXED_CLOCKS:
        raise ValidationError(
            "deadline", deadline_id, "an agreed date is changed by amending the agreement"
        )
    rule = ctx.policy.period(d.period)
    check_extension(rule, length, d.extension, approver)
    extension = d.extension + length
    due, due_at = ctx.policy.due(d.period, d.start, paused=d.paused, extension=extension)
    new = attrs.evolve(
        d,
        extension=extension,
        due=max(due.due, d.due),
        due_at=max(due_at, d.due_at),
        estimated=d.estimated or due.estimated,
    )
    return _replace(case, {d.id: new})
