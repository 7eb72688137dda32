"""Clock effects: open, meet, pause, resume, extend and cancel deadlines.

These are the effects workflows and steps attach to what they do. Each takes
a case and returns a new case whose ``deadlines`` changed; the engine writes
the change in the same transaction as the state change.

A deadline closed after its due instant is ``breached`` (the unit's own
clock) or ``lapsed`` (a parties' or another organ's period: never the unit's
breach), before it ``met``: the two never both hold. Paused time does not count (RULES.md §5.6): for a
working-day clock only the working days paused are added back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

from mediation._errors import ValidationError
from mediation.model import Case, ClockKind, Deadline, DeadlineStatus, Pause, evolve, maker
from mediation.rules.base import ALLOW, Context, Decision, refuse
from mediation.rules.clockbook import ClockRule, FixedClock
from mediation.rules.periods import PauseReason, check_extension
from mediation.rules.resolution import resolution_of

__all__ = [
    "cancel_all",
    "close",
    "close_and_open",
    "extend",
    "on_recount",
    "open_clock",
    "open_fixed",
    "pause",
    "recount",
    "recount_guard",
    "resume",
    "status_text",
]

PARTIES_AFTER_END = "当事人的期间，不因结案而终止"
"""How a parties' period reads once the case's end cancelled its clock (:func:`status_text`)."""

ClockRef = ClockRule | str
"""A clock named by its rule (preferred: checked at import) or by its id."""


_DEADLINE = maker(Deadline)
"""Makes a :class:`Deadline` (a clock opened by a step)."""


def _id(ref: ClockRef) -> str:
    return ref if isinstance(ref, str) else ref.id


def _with(case: Case, changed: dict[str, Deadline]) -> Case:
    if not changed:
        return case
    return evolve(case, deadlines=tuple(changed.get(d.id, d) for d in case.deadlines))


def _new_clock(ctx: Context[Any], period: ClockRef, start: dt.date | None) -> Deadline:
    period_id = _id(period)
    start = start or ctx.day
    due, due_at = ctx.clocks.due(period_id, start)
    return _DEADLINE(
        id=f"{period_id}-{ctx.seq}",
        period=period_id,
        start=start,
        due=due.due,
        due_at=due_at,
        estimated=due.estimated,
        kind=ctx.clocks.kind(period_id),
    )


def open_clock(
    case: Case, ctx: Context[Any], period: ClockRef, start: dt.date | None = None
) -> Case:
    """Open a clock of ``period`` starting on ``start`` (default: the step's day).

    The start day itself is not counted (民法典 第二百零一条).
    """
    return evolve(case, deadlines=(*case.deadlines, _new_clock(ctx, period, start)))


def run_on(case: Case, ctx: Context[Any], closed: Deadline) -> Case:
    """Open ``closed`` again, in place: the same clock, with its start, pauses, extension and
    supervision, runs on to the same last day rather than counting afresh (e.g. a referral
    returned to the unit that sent it). Its closing is undone, so the period is counted
    once, not met (or breached) and then kept again. A clock on a date someone fixed (a
    :class:`~mediation.rules.clockbook.FixedClock`: a report-back date set on an assignment)
    keeps that date."""
    if isinstance(ctx.clocks.rule(closed.period), FixedClock):
        again = evolve(closed, status=DeadlineStatus.running, closed_at=None)
        return _with(case, {closed.id: again})
    due, due_at = ctx.clocks.due(
        closed.period, closed.start, paused=closed.paused, extension=closed.extension
    )
    again = evolve(
        closed,
        status=DeadlineStatus.running,
        closed_at=None,
        due=due.due,
        due_at=due_at,
        estimated=due.estimated or closed.estimated,
    )
    return _with(case, {closed.id: again})


def pause_from(case: Case, deadline_id: str, since: dt.date) -> Case:
    """Pause the running clock ``deadline_id`` from ``since`` (a day already past: the
    days after it do not count once the clock resumes, :func:`resume`)."""
    d = case.deadline(deadline_id)
    if d.status is not DeadlineStatus.running:
        return case
    return _with(case, {d.id: evolve(d, status=DeadlineStatus.paused, paused_since=since)})


def close_and_open(
    case: Case,
    ctx: Context[Any],
    periods: Collection[ClockRef] | None,
    period: ClockRef,
    start: dt.date | None = None,
) -> Case:
    """:func:`close` the clocks of ``periods`` (all if ``None``), then :func:`open_clock` ``period``."""
    closed = _closed(case.deadlines, ctx, periods, None)
    return evolve(case, deadlines=(*closed, _new_clock(ctx, period, start)))


def open_fixed(
    case: Case, ctx: Context[Any], clock: FixedClock, due: dt.date, start: dt.date | None = None
) -> Case:
    """Open a clock whose last day was fixed by the parties (e.g. the performance date),
    counted from ``start`` (default: today)."""
    deadline = _DEADLINE(
        id=f"{clock.id}-{ctx.seq}",
        period=clock.id,
        start=ctx.day if start is None else start,
        due=due,
        due_at=ctx.clocks.end_of(due),
        kind=ctx.clocks.kind(clock.id),
    )
    return evolve(case, deadlines=(*case.deadlines, deadline))


def _closed(
    deadlines: tuple[Deadline, ...],
    ctx: Context[Any],
    periods: Collection[ClockRef] | None,
    where: Callable[[Deadline], bool] | None,
    on_time: bool = False,
) -> tuple[Deadline, ...]:
    ids = None if periods is None else {_id(p) for p in periods}
    out: list[Deadline] = []
    changed = False
    for d in deadlines:
        if d.status.is_open and (ids is None or d.period in ids) and (where is None or where(d)):
            status = (None if on_time else _late(d, ctx)) or DeadlineStatus.met
            d = evolve(
                d,
                status=status,
                closed_at=ctx.at,
                paused_since=None,
            )
            changed = True
        out.append(d)
    return tuple(out) if changed else deadlines


def close(
    case: Case,
    ctx: Context[Any],
    periods: Collection[ClockRef] | None = None,
    *,
    where: Callable[[Deadline], bool] | None = None,
    on_time: bool = False,
) -> Case:
    """Close open clocks (all, or those of ``periods``): met if on time, else breached or lapsed.

    With ``on_time``, met: the act was done in time though recorded after the period (a
    document posted before it ran out, 《民事诉讼法》第八十五条第四款).
    """
    closed = _closed(case.deadlines, ctx, periods, where, on_time)
    return case if closed is case.deadlines else evolve(case, deadlines=closed)


def cancel_all(
    case: Case,
    ctx: Context[Any],
    *,
    where: Callable[[Deadline], bool] | None = None,
    late: bool = False,
) -> Case:
    """Cancel every open clock (withdrawal, transfer, refusal: nothing left to time).

    With ``where``, only the open clocks it selects. With ``late``, a clock whose time had
    already run out is closed as breached (the unit's own) or lapsed, not cancelled: the
    step ends the matter, not the lateness (a workflow version that recorded cancellations
    keeps the default, so its cases replay as written).
    """
    changed = {
        d.id: evolve(d, status=_ending(d, ctx, late), closed_at=ctx.at, paused_since=None)
        for d in case.deadlines
        if d.status.is_open and (where is None or where(d))
    }
    return _with(case, changed)


def _ending(d: Deadline, ctx: Context[Any], late: bool) -> DeadlineStatus:
    return (_late(d, ctx) if late else None) or DeadlineStatus.cancelled


def _late(d: Deadline, ctx: Context[Any]) -> DeadlineStatus | None:
    """How a running clock past its due instant ends: breached (the unit's own) or lapsed."""
    if d.status is DeadlineStatus.running and ctx.at > d.due_at:
        return DeadlineStatus.breached if d.kind.is_own else DeadlineStatus.lapsed
    return None


def pause(case: Case, ctx: Context[Any], reason: PauseReason, *, spent: bool = False) -> Case:
    """Pause every running clock whose rule lets ``reason`` stop it.

    With ``spent``, a clock whose time has already run out is not paused: a pause does not
    consume time, nor give back time already spent (RULES.md §5.6); it runs on and closes
    late. (Workflow versions that recorded such pauses keep the default and replay so.)

    E.g. appraisal (鉴定) stops the medical-mediation clock (医疗纠纷预防和处理条例
    第三十八条); a hearing (听证) stops the 复核 clock (信访工作条例 第三十六条).
    Clocks whose rule does not name ``reason`` keep running.
    """
    changed: dict[str, Deadline] = {}
    for d in case.deadlines:
        if d.status is not DeadlineStatus.running or (spent and ctx.at > d.due_at):
            continue
        if reason in ctx.clocks.rule(d.period).pausable_by:
            changed[d.id] = evolve(d, status=DeadlineStatus.paused, paused_since=ctx.day)
    return _with(case, changed)


def resume(case: Case, ctx: Context[Any]) -> Case:
    """Resume paused clocks; the time paused is added back to each (RULES.md §5.6).

    For working-day periods the working days in (paused_since, today] are
    added; for calendar periods the calendar days — none before the clock's start. The pause is kept on the
    clock (:attr:`~mediation.model.Deadline.pauses`) so that a recount on new
    calendar data is exact.
    """
    changed: dict[str, Deadline] = {}
    for d in case.deadlines:
        if d.status is not DeadlineStatus.paused or d.paused_since is None:
            continue
        rule = ctx.clocks.period(d.period)
        # Only time within the period is left out: days before the clock's start were never
        # counted (as exclude() does).
        since = max(d.paused_since, d.start)
        added, provisional = (0, False)
        if ctx.day > since:
            added, provisional = ctx.clocks.paused_span(rule.unit, since, ctx.day)
        pauses = d.pauses
        if ctx.day > since:
            pauses = (*pauses, Pause(since, ctx.day, added))
        paused = d.paused + added
        due, due_at = ctx.clocks.due(d.period, d.start, paused=paused, extension=d.extension)
        changed[d.id] = evolve(
            d,
            status=DeadlineStatus.running,
            paused_since=None,
            paused=paused,
            pauses=pauses,
            due=due.due,
            due_at=due_at,
            estimated=due.estimated or provisional or _pauses_provisional(d, ctx),
        )
    return _with(case, changed)


def exclude(
    case: Case, ctx: Context[Any], period: ClockRef, since: dt.date, until: dt.date
) -> Case:
    """Leave the days in ``(since, until]`` out of the running clocks of ``period``, after
    the fact: time the rule does not count (RULES.md §5.6; e.g. appraisal time in a police
    case, 《公安机关办理行政案件程序规定》第一百六十五条) that was known only once it ended.

    Only the days after the clock's start that no recorded pause already left out are left
    out, so no day is left out twice. Each stretch is recorded as a
    :class:`~mediation.model.Pause`, as :func:`resume` does, so that a recount on new
    calendar data is exact.
    """
    changed: dict[str, Deadline] = {}
    for d in case.deadlines:
        if d.status is not DeadlineStatus.running or d.period != _id(period):
            continue
        gaps = _uncovered(max(since, d.start), until, [(p.since, p.until) for p in d.pauses])
        if not gaps:
            continue
        rule = ctx.clocks.period(d.period)
        pauses, paused, provisional = list(d.pauses), d.paused, False
        for a, b in gaps:
            added, rough = ctx.clocks.paused_span(rule.unit, a, b)
            pauses.append(Pause(a, b, added))
            paused += added
            provisional = provisional or rough
        due, due_at = ctx.clocks.due(d.period, d.start, paused=paused, extension=d.extension)
        changed[d.id] = evolve(
            d,
            paused=paused,
            pauses=tuple(sorted(pauses, key=lambda p: p.since)),
            due=due.due,
            due_at=due_at,
            estimated=due.estimated or provisional or _pauses_provisional(d, ctx),
        )
    return _with(case, changed)


def _uncovered(
    since: dt.date, until: dt.date, covered: list[tuple[dt.date, dt.date]]
) -> list[tuple[dt.date, dt.date]]:
    """The stretches of ``(since, until]`` that none of the ``covered`` ``(a, b]`` holds."""
    gaps: list[tuple[dt.date, dt.date]] = []
    at = since
    for a, b in sorted(covered):
        if b <= at:
            continue
        if a >= until:
            break
        if a > at:
            gaps.append((at, a))
        at = max(at, b)
    if at < until:
        gaps.append((at, until))
    return gaps


def _pauses_provisional(d: Deadline, ctx: Context[Any]) -> bool:
    """Whether an earlier pause of ``d`` was counted on provisional calendar data."""
    if not d.pauses:
        return False
    unit = ctx.clocks.period(d.period).unit
    return any(ctx.clocks.paused_span(unit, p.since, p.until)[1] for p in d.pauses)


def recount(d: Deadline, ctx: Context[Any]) -> Deadline:
    """``d`` counted afresh on today's calendar data (RULES.md §8: the official notice).

    A clock dated before its year's holiday notice is provisional (statutory
    holidays by rule, no make-up working days); when the notice is loaded its
    pauses and due date are counted again from the recorded start, pauses and
    extensions. Closed clocks and clocks on an agreed date are returned as
    they are.
    """
    if not d.status.is_open:
        return d
    rule = ctx.clocks.rule(d.period)
    if isinstance(rule, FixedClock):
        return d
    paused = d.paused
    provisional = False
    pauses = d.pauses
    if pauses:
        # pauses from before release 0.2 were not kept: their count stays as it was
        pauses = tuple(
            Pause(p.since, p.until, ctx.clocks.paused_span(rule.unit, p.since, p.until)[0])
            for p in d.pauses
        )
        paused += sum(p.counted for p in pauses) - sum(p.counted for p in d.pauses)
        provisional = any(ctx.clocks.paused_span(rule.unit, p.since, p.until)[1] for p in pauses)
    due, due_at = ctx.clocks.due(d.period, d.start, paused=paused, extension=d.extension)
    return evolve(
        d,
        paused=paused,
        pauses=pauses,
        due=due.due,
        due_at=due_at,
        estimated=due.estimated or provisional,
    )


def extend(case: Case, ctx: Context[Any], deadline_id: str, length: int, approver: str) -> Case:
    """Extend an open clock by ``length`` (in its period's unit), within the rule's cap.

    Raises:
        ValidationError: the clock is closed or on an agreed date, the approver
            is not the one the rule names, or the cap would be exceeded.
    """
    d = case.deadline(deadline_id)
    if not d.status.is_open:
        raise ValidationError("deadline", deadline_id, "only an open clock can be extended")
    rule = ctx.clocks.rule(d.period)
    if isinstance(rule, FixedClock):
        raise ValidationError(
            "deadline", deadline_id, "an agreed date is changed by amending the agreement"
        )
    check_extension(rule, length, d.extension, approver)
    extension = d.extension + length
    due, due_at = ctx.clocks.due(d.period, d.start, paused=d.paused, extension=extension)
    if due_at >= d.due_at:
        estimated = due.estimated or _pauses_provisional(d, ctx)
        new = evolve(d, extension=extension, due=due.due, due_at=due_at, estimated=estimated)
    else:  # an extension never shortens a clock
        new = evolve(d, extension=extension)
    return _with(case, {d.id: new})


def recount_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Recount only when an open provisional clock would change (RULES.md §8)."""
    if any(d.estimated and recount(d, ctx) != d for d in case.deadlines):
        return ALLOW
    return refuse("recount", "没有需要按新日历数据重新计算的期限", "RULES.md §8（节假日安排通知）")


def on_recount(case: Case, ctx: Context[Any]) -> Case:
    """Count every open provisional clock of ``case`` afresh (:func:`recount`)."""
    changed = {d.id: recount(d, ctx) for d in case.deadlines if d.estimated and d.status.is_open}
    return _with(case, {k: v for k, v in changed.items() if v != case.deadline(k)})


def status_text(case: Case, d: Deadline) -> str:
    """How clock ``d`` of ``case`` reads on a page: :attr:`~mediation.model.Deadline.status_label`,
    except for a parties' period (``ClockKind.party``) that the case's end cancelled.

    A closed case runs no clock (DESIGN.md), so closing cancels the parties' clocks too; but
    their period is theirs and does not end with the unit's file. E.g. the 30 days to apply
    for 司法确认 still run (《人民调解法》第三十三条; 《民事诉讼法》第二百零五条), and an
    application within them is received after the closing. Such a clock reads
    :data:`PARTIES_AFTER_END`, not 已取消.
    """
    ended = resolution_of(case)
    if (
        d.kind is ClockKind.party
        and d.status is DeadlineStatus.cancelled
        and ended is not None
        and d.closed_at == ended.at
    ):
        return PARTIES_AFTER_END
    return d.status_label
