"""Referral up, down and across (:mod:`mediation.rules.referral`) and hand-offs between
tracks (三调联动) that open a linked case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, Deadline, DeadlineStatus, Risk, evolve
from mediation.rules import baoan, deadlines, onestop
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.base import nonblank as _nonblank
from mediation.rules.categories import ancestors
from mediation.rules.dispute import jingtiao
from mediation.rules.dispute._common import (
    _ORGAN_TRACKS,
    ACCEPTANCE,
    FEEDBACK,
    FEEDBACK_CLOCKS,
    FEEDBACK_DEFAULT,
    FEEDBACK_TARGET,
    MEDIATION_CLOCKS,
    PS_HANDLING,
    SUSPENSION,
    TRAFFIC_SWITCH,
    v4,
    v8,
    v12,
)
from mediation.rules.dispute.acceptance import (
    HANDLED_BASIS,
    _exclusion,
    _held_elsewhere,
    held_by_organ,
    mediation_clock,
)
from mediation.rules.dispute.details import Feedback, PoliceReferral, Referral, _with, details
from mediation.rules.dispute.intake import _applied_in_time, _report_day_needed
from mediation.rules.org import UnitKind
from mediation.rules.referral import Direction, ReferralPolicy, direction, referral_problem
from mediation.rules.resolution import record_resolution

# -- referral ---------------------------------------------------------------------------


@attrs.frozen(slots=True)
class ReferInputs:
    """上报 / 交办 / 转办: to which unit, for which reason; an assignment's report-back date."""

    to: str = field("接收单位", validator=_nonblank)
    reason: str = field("理由", validator=_nonblank)
    note: str = field("说明", default="")
    feedback_by: dt.date | None = field("反馈期限", default=None)


def refer_guard(case: Case, ctx: Context[ReferInputs]) -> Decision:
    """The referral policy allows the move (:func:`mediation.rules.referral.referral_problem`)."""
    org = ctx.policy.org
    if org is None:
        return refuse("refer", "未配置组织机构，无法分流", "《人民调解工作若干规定》第二十一条")
    if case.unit not in org:
        return refuse_input("refer", "to", ctx.inputs.to, "the owning unit is not in the org tree")
    attempts: dict[str, int] = {}
    for level in details(case).attempts:
        attempts[level] = attempts.get(level, 0) + 1
    problem = referral_problem(
        case, org, ctx.inputs.to, ctx.inputs.reason, ctx.policy.part(ReferralPolicy), attempts
    )
    if not problem.allowed:
        return problem
    given = ctx.inputs
    if given.feedback_by is not None and given.feedback_by <= ctx.day:
        return refuse_input(
            "refer", "feedback_by", given.feedback_by.isoformat(), "a report-back date is later"
        )
    return ALLOW


def refer_fit_guard(case: Case, ctx: Context[ReferInputs]) -> Decision:
    """Version 6: a referral goes to a unit that runs the case's track, and only an
    assignment (交办, down) sets a report-back date.

    - 《信访工作条例》第三十七条 (三调联动): each track is run by its own kind of organ — a
      people's-mediation case is referred among the units that run people's mediation
      (as :func:`accept_guard` accepts it); to another track's organ it is handed off
      (``hand_off``), with the parties' consent.
    - 第二十二条第一款第三项: a report-back date (办结反馈) is set by the unit that assigns
      the case down; a unit sending a case up or across sets none on the receiver.
    """
    org = ctx.policy.org
    given = ctx.inputs
    track = details(case).track
    if org is not None and given.to in org and track is not None and track in _ORGAN_TRACKS:
        target = org.get(given.to)
        if target.kind not in _ORGAN_TRACKS[track]:
            label = ctx.policy.tracks[track].label if track in ctx.policy.tracks else track
            return refuse_input(
                "refer",
                "to",
                given.to,
                f"{target.name}不办理{label}：移交其他调解途径的机关，请用 hand_off（三调联动）",
                "《信访工作条例》第三十七条",
            )
    known = org is not None and given.to in org and case.unit in org
    if given.feedback_by is not None and known:
        assert org is not None
        if direction(org, case.unit, given.to) is not Direction.down:
            return refuse_input(
                "refer",
                "feedback_by",
                given.feedback_by.isoformat(),
                "只有向下交办可以设定反馈期限（上报、转办不设）",
                "《信访工作条例》第二十二条第一款第三项",
            )
    return ALLOW


def refer_reason_guard(case: Case, ctx: Context[ReferInputs]) -> Decision:
    """Version 7: a reason that states a fact about the case's handling holds. 超期未化解
    (``clock_breached``: 《信访工作条例》第四十五条; 跟踪督办, PRACTICE) sends a case up only
    when one of the referring unit's own clocks (a hard limit or a target) has run past its
    day unresolved: one still running past its last instant, or one that closed breached
    while the case was at this unit. A unit that is within its periods refers for what is
    true of the case (疑难复杂, 本级调解不成 …), not for a lateness it has not incurred."""
    if ctx.inputs.reason != _CLOCK_BREACHED:
        return ALLOW
    since = _held_since(case)
    for d in case.deadlines:
        if not d.kind.is_own:
            continue
        if d.status is DeadlineStatus.running and ctx.at > d.due_at:
            return ALLOW
        closed = d.closed_at
        late = d.status is DeadlineStatus.breached and closed is not None
        # A clock closed at the very instant the case came here closed at the sender.
        if late and (since is None or (closed is not None and closed > since)):
            return ALLOW
    found = ctx.policy.part(ReferralPolicy).reasons.get(_CLOCK_BREACHED)
    return refuse_input(
        "refer",
        "reason",
        _CLOCK_BREACHED,
        "本单位办理本案的期限均未超过，不得以“超期未化解”为由上报",
        found.basis if found is not None else "《信访工作条例》第四十五条",
    )


_CLOCK_BREACHED = "clock_breached"


def _held_since(case: Case) -> dt.datetime | None:
    """When the case last came to the unit holding it (``None``: it has been there since
    intake)."""
    since = None
    for at, _sender, receiver in details(case).unit_moves():
        if receiver == case.unit:
            since = at
    return since


def on_refer(case: Case, ctx: Context[ReferInputs]) -> Case:
    """Send the case: it is the receiver's now (exactly one owner), awaiting its decision.

    The sender's clocks close (it acted by referring); the receiver has the
    acceptance-decision clock. A 交办 (down) carries a report-back date (the
    policy's default if none is given).
    """
    org = ctx.policy.org
    assert org is not None
    given = ctx.inputs
    way = direction(org, case.unit, given.to)
    feedback_by = given.feedback_by
    defaulted = False
    if way is Direction.down and feedback_by is None:
        # The default period rolls past a rest day like any period (民法典 第二百零三条);
        # its length is policy data (Policy(periods=...)), recorded for replay.
        feedback_by = ctx.clocks.due(FEEDBACK_DEFAULT.id, ctx.day)[0].due
        defaulted = v4(case)
    referral = Referral(
        way,
        case.unit,
        given.to,
        given.reason,
        ctx.at,
        case.state,
        given.note,
        feedback_by,
        feedback_default=defaulted,
    )
    if v4(case):
        # A paused clock keeps the days it was paused for (a suspended mediation referred
        # on): resumed to the referral, then closed; a return pauses it again.
        case = deadlines.resume(case, ctx)
    case = deadlines.close(case, ctx, where=lambda d: d.kind.is_own)
    case = evolve(case, unit=given.to, level=org.level_of(given.to))
    case = _with(case, referrals=(*details(case).referrals, referral))
    return deadlines.open_clock(case, ctx, ACCEPTANCE)


def _last_referral(case: Case) -> Referral | None:
    found = details(case).referrals
    return found[-1] if found and found[-1].outcome == "pending" else None


def referral_from(*states: str) -> Any:
    """A guard: the pending referral left one of ``states`` (a take or return restores them)."""

    def guard(case: Case, ctx: Context[Any]) -> Decision:
        pending = _last_referral(case)
        if pending is None or pending.from_state not in states:
            return refuse("referral", "not this branch")
        return ALLOW

    guard.__name__ = f"referral_from_{'_'.join(states)}"
    return guard


@attrs.frozen(slots=True)
class TakeReferralInputs:
    """接收: an optional note."""

    note: str = field("备注", default="")


def on_take(case: Case, ctx: Context[Any]) -> Case:
    """The receiver takes the case. Referred before acceptance, it is triaged here and the
    acceptance decision runs on; referred after, it is accepted here (the decision met)
    and its mediation clock opens at this level. An assignment (交办) owes its report
    back by the date set."""
    pending = _last_referral(case)
    assert pending is not None
    taken = evolve(pending, outcome="taken", decided_at=ctx.at)
    found = details(case)
    case = _with(case, referrals=(*found.referrals[:-1], taken))
    if "labour" in ancestors(case.category, ctx.policy.categories):
        case = _with(case, facts=evolve(details(case).facts, received_on=ctx.day))
    if pending.feedback_by is not None:
        # A date the sender set is a limit; the policy's default, a target (v4 on).
        clock = FEEDBACK_TARGET if pending.feedback_default else FEEDBACK
        # Taken after the report-back day, the period ran from the assignment and is
        # overdue at once: never a clock due before it starts. (Such a take used to be
        # refused by the SQL stores and to open an impossible clock in memory; a take in
        # time opens as it always did, so recorded cases replay unchanged.)
        late = pending.feedback_by < ctx.day
        sent = pending.at.astimezone(ctx.policy.tz).date() if late else None
        case = deadlines.open_fixed(case, ctx, clock, pending.feedback_by, start=sent)
    if pending.from_state in ("received", "triaged"):
        return case  # the acceptance decision is still to take, here
    case = deadlines.close(case, ctx, (ACCEPTANCE,))
    rule, start = mediation_clock(case, ctx)
    return deadlines.open_clock(case, ctx, rule, max(start, ctx.day))


def take_held_elsewhere_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Version 7: a case referred after its acceptance is accepted by the receiver when it
    takes it (:func:`on_take`), so the bars on accepting a dispute another body holds apply
    to the take as they do to an acceptance (the step reads the cases of the same matter,
    ``reads_related``):

    - a people's mediation committee does not take a dispute a people's court, a
      public-security organ or another administrative organ has accepted and still holds
      (2002 规定 第二十二条第二项: 不得受理);
    - a medical dispute is mediated by one body at a time (《医疗纠纷预防和处理条例》
      第三十一条、第四十条), and the traffic police do not take a dispute a court has
      accepted (《道路交通安全法实施条例》第九十六条).

    The receiver returns the case to the sender instead (``return_referral``), naming the
    other body's case.
    """
    held = held_by_organ(case, ctx)
    if held is not None:
        name, code = held
        return refuse(
            "take_referral",
            f"同一纠纷已由{name}受理（{code}），人民调解委员会不得接收：请退回移送单位",
            HANDLED_BASIS,
        )
    other = _held_elsewhere(case, ctx)  # found only where a rule bars (_exclusion)
    if other is None:
        return ALLOW
    name, code, basis = other
    rule = _exclusion(case, ctx.policy)
    assert rule is not None
    return refuse(
        "take_referral",
        f"{rule[1]}：同一纠纷已由{name}受理（{code}），不得接收：请退回移送单位",
        basis,
    )


def taken_before_acceptance_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Version 7's guard of the take that leaves acceptance to the receiver: the pending
    referral left the case received or triaged. When it left it later, the other take
    decides (it accepts the case here, :func:`take_held_elsewhere_guard`); if that one
    refuses too, its reason is given here, since the first refusal is the one reported."""
    pending = _last_referral(case)
    if pending is not None and pending.from_state in ("received", "triaged"):
        return ALLOW
    other = take_held_elsewhere_guard(case, ctx)
    return other if not other.allowed else refuse("referral", "not this branch")


def on_refused_while_referred(case: Case, ctx: Context[Any]) -> Case:
    """A party refused mediation while the case waited to be taken (《人民调解法》第十七条、
    第二十三条): the referral ends there, neither taken nor returned, and the case stays
    with the unit that sent it — the receiver never took it; the sender closes it. Dispute
    v4."""
    pending = _last_referral(case)
    assert pending is not None
    ended = evolve(pending, outcome="refused", decided_at=ctx.at)
    case = _with(case, referrals=(*details(case).referrals[:-1], ended))
    # The receiver's decision is no longer owed: cancelled, neither met nor late.
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == ACCEPTANCE.id)
    return _to_sender(case, ctx, pending)


def _to_sender(case: Case, ctx: Context[Any], pending: Referral) -> Case:
    """The case back with the unit that referred it, at that unit's level."""
    org = ctx.policy.org
    level = org.level_of(pending.from_unit) if org is not None else case.level
    return evolve(case, unit=pending.from_unit, level=level)


@attrs.frozen(slots=True)
class ReturnReferralInputs:
    """退回: why the receiver returns the case."""

    reason: str = field("退回理由", validator=_nonblank)


def _returned(case: Case, ctx: Context[ReturnReferralInputs], pending: Referral) -> Case:
    """The referral marked returned with the receiver's reasons, the receiver's acceptance
    decision met, the case back with the sender."""
    returned = evolve(
        pending, outcome="returned", decided_at=ctx.at, return_reason=ctx.inputs.reason
    )
    case = _with(case, referrals=(*details(case).referrals[:-1], returned))
    case = deadlines.close(case, ctx, (ACCEPTANCE,))
    return _to_sender(case, ctx, pending)


def on_return(case: Case, ctx: Context[ReturnReferralInputs]) -> Case:
    """The receiver returns the case to the sender, with its reasons; the sender resumes."""
    pending = _last_referral(case)
    assert pending is not None
    case = _returned(case, ctx, pending)
    if pending.from_state in ("received", "triaged"):
        return deadlines.open_clock(case, ctx, ACCEPTANCE)
    if v4(case):
        resumed = _run_on_returned(case, ctx, pending)
        if resumed is not None:
            return resumed
    rule, start = mediation_clock(case, ctx)
    return deadlines.open_clock(case, ctx, rule, max(start, ctx.day))


def on_return_current(case: Case, ctx: Context[ReturnReferralInputs]) -> Case:
    """Version 7: the receiver returns the case and the sender takes up where it stood.

    Every one of the sender's own clocks that the referral closed runs on from its own
    start (:func:`~mediation.rules.deadlines.run_on`), as its mediation's periods already did
    (:func:`on_return`), and no period is opened afresh for a state that has none:

    - a mediation that had failed (调解不成, 《人民调解法》第二十六条) comes back failed, its
      file still to close (:data:`CLOSING`, 第二十七条): no new mediation period opens;
    - an assignment (交办) the sender had taken still owes its report back by the date set
      (《信访工作条例》第二十二条第一款第三项): referring the case on did not report it.

    Referred before acceptance, the sender decides on acceptance again from the return, as
    before.
    """
    pending = _last_referral(case)
    assert pending is not None
    if pending.from_state != "failed":
        case = on_return(case, ctx)
        return _run_on_sender(case, ctx, pending, FEEDBACK_CLOCKS)
    return _run_on_sender(_returned(case, ctx, pending), ctx, pending, None)


def _run_on_sender(
    case: Case, ctx: Context[Any], pending: Referral, periods: frozenset[str] | None
) -> Case:
    """Run on the sender's own clocks (of ``periods``; all but the acceptance decision if
    ``None``) that ``pending`` closed and that nothing has reopened since."""
    reopened = {d.period for d in case.deadlines if d.is_open}
    for d in case.deadlines:
        if d.closed_at != pending.at or not d.kind.is_own or d.period in reopened:
            continue
        if d.period == ACCEPTANCE.id or (periods is not None and d.period not in periods):
            continue
        case = deadlines.run_on(case, ctx, d)
    return case


_RUN_ON = frozenset({*(rule.id for rule in MEDIATION_CLOCKS), PS_HANDLING.id, SUSPENSION.id})
"""The sender's periods a return runs on: its mediation's, the police's case-handling period,
the suspension watch."""


def _run_on_returned(case: Case, ctx: Context[Any], pending: Referral) -> Case | None:
    """The sender resumes its own mediation (dispute v4): the periods the referral closed run
    on from their legal start (labour: the application's receipt, 《劳动争议调解仲裁法》
    第十四条; a court's delegation: the signing for the materials, 特邀调解规定 第二十七条;
    治安: acceptance, 程序规定 第一百六十五条), not afresh from the return. Referred while
    suspended, the clocks the referral resumed are paused again from the referral day: the
    time away does not count either (e.g. appraisal, 医疗条例 第三十八条). ``None``: no
    mediation period to run on."""
    latest: dict[str, Deadline] = {}
    for d in case.deadlines:
        if d.period in _RUN_ON and d.closed_at == pending.at:
            latest[d.period] = d
    if not any(p in _MEDIATION_IDS for p in latest):
        return None
    referred_on = pending.at.astimezone(ctx.policy.tz).date()
    for d in latest.values():
        case = deadlines.run_on(case, ctx, d)
        if pending.from_state == "suspended" and d.pauses and d.pauses[-1].until == referred_on:
            case = deadlines.pause_from(case, d.id, referred_on)
    return case


_MEDIATION_IDS = frozenset(rule.id for rule in MEDIATION_CLOCKS)


@attrs.frozen(slots=True)
class FeedbackInputs:
    """反馈: the report to the unit that assigned the case."""

    report: str = field("反馈报告", validator=_nonblank)


def feedback_guard(case: Case, ctx: Context[FeedbackInputs]) -> Decision:
    """A report back is owed only on an assigned case (交办, 《信访工作条例》第二十二条)."""
    if not any(d.period in FEEDBACK_CLOCKS and d.is_open for d in case.deadlines):
        return refuse("report_feedback", "本案无待反馈的交办事项", "《信访工作条例》第二十二条")
    return ALLOW


def on_feedback(case: Case, ctx: Context[FeedbackInputs]) -> Case:
    """Record the report and meet the report-back clock."""
    taken = [r for r in details(case).referrals if r.outcome == "taken" and r.feedback_by]
    to_unit = taken[-1].from_unit if taken else ""
    report = Feedback(ctx.at, case.unit, to_unit, ctx.inputs.report.strip())
    case = _with(case, feedback=(*details(case).feedback, report))
    return deadlines.close(case, ctx, (FEEDBACK, FEEDBACK_TARGET))


# -- hand-off between tracks (三调联动) ----------------------------------------------------


@attrs.frozen(slots=True)
class HandOffInputs:
    """移交: to which track and organ, why, and the facts the receiving track's clock needs.

    Attributes:
        track: The receiving track.
        unit: The receiving organ (a unit of the org tree).
        reason: Why.
        consent: The parties agreed to the hand-off (jointly, in writing, where
            the receiving procedure requires it: traffic police mediation).
        certificate_received_on: Traffic: when the accident report was received.
        mediation_start_on: Traffic: the start of mediation the rule names.
        measures: For a dispute that may escalate: the easing measures taken before it is
            handed over (2002 规定 第二十四条; required from dispute workflow version 8 on).
    """

    track: str = field("移交调解途径")
    unit: str = field("接收机关")
    reason: str = field("移交理由", validator=_nonblank)
    consent: bool = field("当事人同意", default=False)
    certificate_received_on: dt.date | None = field("收到事故认定书日期", default=None)
    mediation_start_on: dt.date | None = field("调解开始日期", default=None)
    measures: str = field("已采取的疏导措施", default="")


def hand_off_track_guard(case: Case, ctx: Context[HandOffInputs]) -> Decision:
    """Version 6: a hand-off goes to another track (三调联动, 《信访工作条例》第三十七条).

    A move on the same track is a referral among that track's units, with its reasons and
    its ladder (2002 规定 第二十一条: no level skipped but for a major or urgent matter,
    RULES.md §7.4): a hand-off on the same track would move the case to any unit of the
    tree, the county's included, without them.
    """
    current = details(case).track
    if current is not None and ctx.inputs.track == current:
        return refuse_input(
            "hand_off",
            "track",
            ctx.inputs.track,
            "移交（三调联动）是移交其他调解途径；同一途径内移送其他单位请用 refer（分流交办）",
            "《人民调解工作若干规定》第二十一条；《信访工作条例》第三十七条",
        )
    return ALLOW


def hand_off_guard(case: Case, ctx: Context[HandOffInputs]) -> Decision:
    """Another track's organ of the right kind; the parties' consent; a switch from failed
    people's mediation to police traffic mediation within 3 working days (程序规定 第八十五条);
    a dispute that may escalate eased first (version 8 on).

    《信访工作条例》第三十七条 (三调联动); 《人民调解法》第十八条 (courts and police
    refer parties to committees); 《道路交通事故处理程序规定》第八十五、八十六条;
    2002 规定 第二十四条 (a dispute that may escalate at any time: easing and guidance
    first, then handed promptly to the relevant organ, as ``transfer_out`` and a refused
    acceptance already ask).
    """
    given = ctx.inputs
    policy = ctx.policy
    if given.track not in policy.tracks:
        return refuse_input("hand_off", "track", given.track, f"one of {', '.join(policy.tracks)}")
    org = policy.org
    if org is None or given.unit not in org:
        return refuse_input("hand_off", "unit", given.unit, "unknown unit (not in the org tree)")
    target = org.get(given.unit)
    if not target.active:
        return refuse_input("hand_off", "unit", given.unit, f"merged into {target.successor}")
    if target.kind not in _ORGAN_TRACKS[given.track]:
        return refuse_input(
            "hand_off",
            "unit",
            given.unit,
            f"{target.name} does not run {policy.tracks[given.track].label}",
            "《信访工作条例》第三十七条",
        )
    if given.unit == case.unit and given.track == details(case).track:
        return refuse_input("hand_off", "unit", given.unit, "the case is already there")
    if not given.consent:
        return refuse_input(
            "hand_off",
            "consent",
            False,
            "调解以当事人自愿为原则，移交须经当事人同意",
            "《人民调解法》第三条、第十七条",
        )
    if v8(case) and case.risk is Risk.high and not given.measures.strip():
        return refuse_input(
            "hand_off",
            "measures",
            "",
            "纠纷有激化可能，须先采取疏导措施再移交",
            "《人民调解工作若干规定》第二十四条",
        )
    # 第八十五条's 3 working days bind the parties' application to the traffic police only:
    # a hand-off to another organ's mediation is not one (version 4 on; earlier versions
    # applied them to any administrative hand-off).
    traffic = (
        given.track == "administrative"
        and (target.kind == UnitKind.police.value or not v4(case))
        and "traffic" in ancestors(case.category, policy.categories)
    )
    if traffic and case.state == "failed":
        # 第八十五条 counts from the day the committee ended mediation, not from the
        # case's last change (a later note must not reopen the window).
        ended = details(case).ended_at or case.updated_at or ctx.at
        due, _ = ctx.clocks.due(TRAFFIC_SWITCH.id, ended.astimezone(policy.tz).date())
        if ctx.day > due.due:
            return refuse(
                "hand_off",
                f"人民调解终止后申请交警调解的期间已届满（{due.due.isoformat()}）",
                "《道路交通事故处理程序规定》第八十五条",
            )
    return ALLOW


_POLICE = UnitKind.police.value


def hand_off_in_time_guard(case: Case, ctx: Context[HandOffInputs]) -> Decision:
    """A hand-off to the traffic police's mediation other than the switch after a failed
    people's mediation is the parties' joint application of 第八十六条: within 10 working
    days of receiving the accident report, as when they apply to the police directly
    (《道路交通事故处理程序规定》第八十六条、第一百一十二条). The receiving case is
    registered as handed on, so the check is made here; the report's date is the one
    given with the hand-off, else the one recorded on the case. Workflow version 4 on; from
    version 12 the day must be known (:data:`~._common.V12`), as for a direct application."""
    given = ctx.inputs
    org = ctx.policy.org
    received = given.certificate_received_on or details(case).facts.certificate_received_on
    if (
        case.state == "failed"
        or given.track != "administrative"
        or (org is not None and given.unit in org and org.get(given.unit).kind != _POLICE)
        or "traffic" not in ancestors(case.category, ctx.policy.categories)
    ):
        return ALLOW
    if received is None:
        # Version 12 on: without the report's day the 10 working days cannot be checked, as
        # for a direct application since version 10 (version 11 and earlier let it through).
        return _report_day_needed("hand_off") if v12(case) else ALLOW
    return _applied_in_time("hand_off", case, ctx, received, ctx.day)


_COURT_REFERRAL = "court_referral"


def _court_delegates(case: Case, ctx: Context[HandOffInputs], given: HandOffInputs) -> bool:
    """Whether the hand-off is a court delegating a matter to people's mediation (委派)."""
    org = ctx.policy.org
    return (
        v4(case)
        and given.track == "people"
        and org is not None
        and case.unit in org
        and org.get(case.unit).kind == UnitKind.court.value
    )


def on_hand_off(case: Case, ctx: Context[HandOffInputs]) -> Case:
    """Open the receiving track's case at its organ (parties, claims and overlays carried;
    both linked); this case ends as handed on, its clocks cancelled — the hand-off is not a
    breach, though a clock already past its last day closes late (version 4 on).

    A court that hands a matter to a mediation organisation before filing delegates it
    (委派, 诉调对接; version 4 on): the receiving case comes by court referral and records
    the court, so it runs on the court-delegated clock from the materials' receipt and
    reports to the court when it ends (特邀调解规定 第二十六条、第二十七条; RULES.md §6.6).

    The police handing a 治安 case to people's mediation before deciding on the penalty
    (警调对接, version 4 on) keep it to decide on: the receiving case reports its result
    back, and the police then approve the parties' joint application for no penalty or
    decide the penalty (《公安机关办理行政案件程序规定》第一百八十六条;
    :mod:`mediation.rules.dispute.jingtiao`).
    """
    given = ctx.inputs
    found = details(case)
    delegated = _court_delegates(case, ctx, given)
    current = v4(case)
    overlays = dict(case.overlays)
    if current:
        # One matter, one record (RULES.md §7.1, §7.2): the 最多跑一地 record with this
        # hand-off in it, and the 包案 assignment handed on with its clocks.
        overlays = dict(onestop.carry(case, ctx, given.unit))
        overlays.pop(baoan.OVERLAY, None)
        assignment = baoan.carried(case)
        if assignment is not None:
            overlays[baoan.OVERLAY] = assignment
    # A committee's case handing the matter on has reported to the police (``handed_off``
    # ends its mediation): the next case does not report again.
    overlays.pop(jingtiao.OVERLAY, None)
    police = current and jingtiao.handed_to_committee(case, ctx, given.track)
    if police:
        overlays[jingtiao.OVERLAY] = jingtiao.Jingtiao(case.id)
    new_id = ctx.open_case(
        workflow="dispute",
        unit=given.unit,
        channel=_COURT_REFERRAL if delegated else case.channel,
        category=case.category,
        parties=case.parties,
        summary=case.summary,
        claims=case.claims,
        amount=case.amount,
        location=case.location,
        details={
            "track": given.track,
            "handed_from": found.track or "people",
            "joint_application": given.consent,
            "duplicate_decision": "new_case",
            "duplicate_reason": f"由{case.code}移交",
            **(
                {"certificate_received_on": given.certificate_received_on.isoformat()}
                if given.certificate_received_on
                else {}
            ),
            **(
                {"mediation_start_on": given.mediation_start_on.isoformat()}
                if given.mediation_start_on
                else {}
            ),
            **({"court": case.unit} if delegated else {}),
        },
        note=given.reason,
        overlays=overlays,
        risk=case.risk if current else Risk.low,
    )
    if current:
        case = baoan.passed_on(case, ctx, new_id)
    if police:
        case = _with(case, police_referral=PoliceReferral(new_id))
    case = deadlines.cancel_all(case, ctx, late=v4(case))
    case = evolve(case, outcome=f"移交{ctx.policy.tracks[given.track].label}：{given.reason}")
    return record_resolution(case, ctx, "handed_off", found.track)
