"""The claimant's limitation period (诉讼时效) across a mediation: RULES.md §0 row 20.

The period is three years from the day the claimant knew or should have known of the
damage and of the obligor (《民法典》第一百八十八条第一款). A claim made to a people's
mediation committee, or to another body with power to resolve the dispute, interrupts it
from the day the claim is made (最高法《关于审理民事案件适用诉讼时效制度若干问题的规定》
第十二条), and a new full period runs from the day that procedure ends (《民法典》
第一百九十五条: "从中断、有关程序终结时起，诉讼时效期间重新计算"):

- mediation ends without agreement (terminated, a party refuses to go on), the claim is
  not accepted, or the applicant withdraws it: from that day;
- an agreement is not performed: from the day its performance period ran out (an
  agreement is a contract, 《人民调解法》第三十一条; a suit on it, 第三十二条), or from
  the day non-performance was reported if that came first;
- mediation begins again (remediate, reopen): the new claim interrupts the period again,
  and the running one is cancelled (the dispute workflow's reopening cancels the parties'
  periods).

A labour dispute's claim is barred by the 1-year arbitration time bar instead
(《劳动争议调解仲裁法》第二十七条: the claim for relief to a mediation body interrupts it,
第二款, and it runs anew from then), a rural land-contract dispute's by the 2-year one
(《农村土地承包经营纠纷调解仲裁法》第十八条; its interruption follows the limitation rules,
《仲裁法》第七十四条): their disputes go to arbitration, not to a court (dispute workflow
version 8 on; :func:`time_bar`). The labour law's exception for wages owed while the
employment lasts (第二十七条第四款: no bar until it ends) is the clerk's to apply: the
library does not know whether the employment has ended.

A period that ran out before the claim was made is not revived: the claim does not
interrupt it; the obligor may then refuse to perform (第一百九十二条), and neither a court
(第一百九十三条) nor the committee applies it of its own motion — mediation goes on, and
the record says so.

The library cannot know when a party learned of the damage: the day is recorded with the
``record_limitation`` step, and nothing is timed until it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, Deadline, evolve
from mediation.rules import deadlines
from mediation.rules.agreement import PERFORMANCE
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.categories import ancestors
from mediation.rules.dispute._common import LABOUR_TIME_BAR, LAND_TIME_BAR, LIMITATION, v4, v8
from mediation.rules.dispute.details import details
from mediation.rules.periods import PeriodRule

__all__ = [
    "BASIS",
    "LABOUR_TIME_BAR",
    "LAND_TIME_BAR",
    "LIMITATION",
    "LIMITATION_RECORD",
    "PROCEDURE_ENDS",
    "Limitation",
    "LimitationInputs",
    "limitation_guard",
    "named",
    "on_limitation",
    "on_procedure_end",
    "pending_again",
    "recorded",
    "time_bar",
]

LIMITATION_RECORD = "limitation"
"""The overlay that records when the claimant knew of the damage (:class:`Limitation`)."""

BASIS = (
    "《民法典》第一百八十八条、第一百九十五条；"
    "最高法《关于审理民事案件适用诉讼时效制度若干问题的规定》第十二条"
)

PROCEDURE_ENDS = frozenset({"failed", "not_accepted", "withdrawn", "not_performed"})
"""The dispute states in which the procedure the claim started has ended (and the period
runs again): no agreement, not accepted, withdrawn, or an agreement not performed."""

_CLOSED_ENDS = frozenset({"not_accepted", "withdrawn"})
"""Ends of the procedure that also close the case: the period is recorded, no clock runs."""

_RECORDABLE = frozenset(
    {"received", "triaged", "referred", "accepted", "mediating", "suspended", "agreed"}
    | {"performing", "failed", "not_performed"}
)
"""Where the day may be recorded: while the claim is pending, and where its procedure has
just ended (the restart is then known from the case)."""


@attrs.frozen(slots=True)
class Limitation:
    """The claimant's limitation period as the case knows it.

    Attributes:
        known_on: The day the claimant knew or should have known of the damage and of
            the obligor (the period's start, 《民法典》第一百八十八条).
        expires_on: The last day of the period (three years; a time bar's one or two)
            counted from ``known_on``, had nothing interrupted it.
        claimed_on: The day the claim was made to the unit (the case's registration).
        recorded_at: When this was recorded.
        restarted_on: The day the period last ran anew: the end of this case's procedure
            (None while the claim is pending before this unit).
        runs_to: The last day of the period counted anew from ``restarted_on``.
        estimated: ``runs_to`` was counted on provisional holiday data (a year without its
            official notice): printed as provisional.
        period: The id of the period (:func:`time_bar`): the limitation period, or an
            arbitration time bar.
    """

    known_on: dt.date
    expires_on: dt.date
    claimed_on: dt.date
    recorded_at: dt.datetime
    restarted_on: dt.date | None = None
    runs_to: dt.date | None = None
    estimated: bool = False
    period: str = LIMITATION.id

    @property
    def interrupted(self) -> bool:
        """Whether the claim interrupted the period: it was made before the period ran out
        (诉讼时效规定 第十二条); one that had run out is not revived."""
        return self.claimed_on <= self.expires_on


@attrs.frozen(slots=True)
class LimitationInputs:
    """登记诉讼时效起算日: when the claimant knew or should have known of the damage."""

    known_on: dt.date = field("知道或者应当知道权利受到损害以及义务人之日")
    note: str = field("备注", default="")


_BARS: tuple[PeriodRule, ...] = (LIMITATION, LABOUR_TIME_BAR, LAND_TIME_BAR)
_BAR_IDS = frozenset(p.id for p in _BARS)

_BY_CATEGORY = (("labour", LABOUR_TIME_BAR), ("land_contract", LAND_TIME_BAR))
"""The categories whose disputes go to arbitration under their own time bar."""


def time_bar(case: Case, policy: Any) -> PeriodRule:
    """The period that bars the claimant's claim in ``case``: a labour dispute's 1-year
    arbitration time bar (《劳动争议调解仲裁法》第二十七条), a rural land-contract
    dispute's 2-year one (《农村土地承包经营纠纷调解仲裁法》第十八条), from dispute
    workflow version 8 on; otherwise the 3-year limitation period (《民法典》第一百八十八条)."""
    if v8(case):
        found = ancestors(case.category, policy.categories)
        for category, rule in _BY_CATEGORY:
            if category in found:
                return rule
    return LIMITATION


_NAMES = {
    LIMITATION.id: ("诉讼时效", BASIS),
    LABOUR_TIME_BAR.id: ("劳动争议申请仲裁时效", "《劳动争议调解仲裁法》第二十七条"),
    LAND_TIME_BAR.id: (
        "申请仲裁时效",
        "《农村土地承包经营纠纷调解仲裁法》第十八条；《仲裁法》第七十四条",
    ),
}


def named(record: Limitation) -> tuple[str, str]:
    """How a notice names the period of ``record`` — 诉讼时效, or an arbitration time bar
    (:func:`time_bar`) — and the articles it runs and restarts under."""
    return _NAMES.get(record.period, _NAMES[LIMITATION.id])


def recorded(case: Case) -> Limitation | None:
    """The limitation record on ``case``, if one was made."""
    found = case.overlays.get(LIMITATION_RECORD)
    return found if isinstance(found, Limitation) else None


def limitation_guard(case: Case, ctx: Context[LimitationInputs]) -> Decision:
    """The day lies on or before the claim; the case is one whose claim is pending or whose
    procedure has just ended (《民法典》第一百八十八条; 诉讼时效规定 第十二条)."""
    if case.workflow_version < 2:
        return refuse(
            "record_limitation",
            "第一版调解流程的案件请先迁移到现行版本，再登记诉讼时效",
            BASIS,
        )
    if case.state not in _RECORDABLE:
        return refuse(
            "record_limitation",
            "诉讼时效起算日应在调解程序进行中、或者调解不成和协议未履行时登记",
            BASIS,
        )
    claimed = _claimed_on(case, ctx)
    if ctx.inputs.known_on > claimed:
        return refuse_input(
            "record_limitation",
            "known_on",
            ctx.inputs.known_on.isoformat(),
            f"权利人提出调解请求（{claimed.isoformat()}）时应已知道权利受到损害以及义务人："
            "起算日不能晚于请求之日",
            BASIS,
        )
    return ALLOW


def on_limitation(case: Case, ctx: Context[LimitationInputs]) -> Case:
    """Record the day; if the procedure already ended, the new period runs from its end.

    Recording again replaces the record (a running period it started is cancelled and
    counted anew).
    """
    claimed = _claimed_on(case, ctx)
    rule = time_bar(case, ctx.policy)
    due, _ = ctx.clocks.due(rule.id, ctx.inputs.known_on)
    record = Limitation(ctx.inputs.known_on, due.due, claimed, ctx.at, period=rule.id)
    case = _cancel_running(case, ctx)
    return _restart(case, ctx, record, _ended_on(case, ctx, today=False))


def on_procedure_end(case: Case, ctx: Context[Any]) -> Case:
    """The procedure the claim started ended (``case`` is in its new state): a new period
    (:func:`time_bar`) runs from the day it ended (《民法典》第一百九十五条)."""
    record = recorded(case)
    if record is None:
        return case
    if case.state not in PROCEDURE_ENDS:
        # Before another body (a hand-off) or mediated again: the claim is pending anew.
        case = _cancel_running(case, ctx)
        return _set(case, _pending(record))
    return _restart(case, ctx, record, _ended_on(case, ctx, today=True))


def _restart(case: Case, ctx: Context[Any], record: Limitation, on: dt.date | None) -> Case:
    """Record the period running anew from ``on`` (if the claim interrupted it); while the
    case is open its clock runs too — a closed case runs none (DESIGN.md), the record keeps
    the dates."""
    if on is None or not record.interrupted:
        return _set(case, _pending(record))
    due, _ = ctx.clocks.due(record.period, on)
    case = _set(case, evolve(record, restarted_on=on, runs_to=due.due, estimated=due.estimated))
    if case.state in _CLOSED_ENDS:
        return case
    return deadlines.open_clock(case, ctx, record.period, on)


def _pending(record: Limitation) -> Limitation:
    """``record`` with the claim pending: no restart recorded."""
    return evolve(record, restarted_on=None, runs_to=None, estimated=False)


def _set(case: Case, record: Limitation) -> Case:
    return evolve(case, overlays=case.overlays.set(LIMITATION_RECORD, record))


def pending_again(case: Case) -> Case:
    """``case`` with its limitation record, if any, as a claim pending before this unit: a
    record carried from another body's case no longer restarts from that case's end."""
    record = recorded(case)
    if record is None or record.restarted_on is None:
        return case
    return _set(case, _pending(record))


def _claimed_on(case: Case, ctx: Context[Any]) -> dt.date:
    """The day the claim was made: the application reached the committee (its recorded
    ``received_on``, version 4 on — 诉讼时效规定 第十二条 counts from the claim, not from
    its registration), else the registration day."""
    received = details(case).facts.received_on if v4(case) else None
    return received or case.intake.received_at.astimezone(ctx.policy.tz).date()


def _cancel_running(case: Case, ctx: Context[Any]) -> Case:
    return deadlines.cancel_all(case, ctx, where=lambda d: d.period in _BAR_IDS)


def _ended_on(case: Case, ctx: Context[Any], *, today: bool) -> dt.date | None:
    """The day the period runs again from, for a case in ``case.state``; None while the
    claim is pending. ``today``: the step at hand is the one that ended the procedure."""
    if case.state not in PROCEDURE_ENDS:
        return None
    found = details(case)
    if case.state == "not_performed":
        reported = ctx.day if today else _reported_on(case, ctx)
        agreed = found.agreement.performance_deadline if found.agreement is not None else None
        return min(reported, agreed) if agreed is not None else reported
    if today or found.ended_at is None:
        return ctx.day
    return found.ended_at.astimezone(ctx.policy.tz).date()


def _reported_on(case: Case, ctx: Context[Any]) -> dt.date:
    """The day non-performance was reported: its performance clock closed then."""
    closed = [d.closed_at for d in case.deadlines if d.period == PERFORMANCE.id and _closed(d)]
    last = max((c for c in closed if c is not None), default=None)
    return ctx.day if last is None else last.astimezone(ctx.policy.tz).date()


def _closed(d: Deadline) -> bool:
    return not d.status.is_open and d.closed_at is not None
