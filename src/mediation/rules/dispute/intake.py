"""Intake (受理登记), a registration complete before triage (补正), and triage (分流)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from mediation.model import Case, Link, LinkKind, PartyRole, Risk, evolve
from mediation.rules import baoan, deadlines
from mediation.rules.base import ALLOW, Context, Decision, field, nonblank, refuse, refuse_input
from mediation.rules.categories import ancestors
from mediation.rules.dispute._common import (
    ACCEPTANCE,
    ESCALATION_REPORT,
    MEDICAL_ADMIN_ACCEPT,
    TRAFFIC_APPLY,
    TRAFFIC_SWITCH,
    RegistrationPolicy,
    v4,
    v10,
)
from mediation.rules.dispute.details import (
    DisputeDetails,
    TrackFacts,
    _level,
    _matter,
    details,
)
from mediation.rules.dispute.limitation import pending_again
from mediation.rules.org import UnitKind
from mediation.rules.policy import Policy

# -- intake -----------------------------------------------------------------------------


@attrs.frozen(slots=True)
class DisputeIntake:
    """What a dispute's registration may carry beyond the generic fields.

    Attributes:
        track: The track, when known at registration (a case handed off from another).
        received_on: The day the application reached this body (default: the registration day).
        certificate_received_on: Traffic: when the accident report was received.
        mediation_start_on: Traffic: the start of mediation the rule names.
        materials_signed_on: Court delegation: when the mediator signed for the materials.
        court: Court delegation: the people's court that invited the mediation (its
            agreement is confirmed there: 《民事诉讼法》第二百零五条第一项).
        online: Court delegation on the court's online platform (《人民法院在线调解规则》
            第二十四条): ``materials_signed_on`` is then the day the mediator confirmed there.
        joint_application: Traffic police mediation: all parties applied jointly in
            writing (程序规定 第八十六条).
        duplicate_decision: The clerk's decision when an open case on the same
            matter exists: ``new_case`` (register anyway; give the reason).
        duplicate_reason: Why a second case is opened.
        handed_from: The track this case was handed off from (set by the hand-off that
            opens the case, with its ``handed_off_from`` link).
        mediation_ended_on: Traffic: the parties apply to the traffic police after a
            people's mediation committee ended its mediation without agreement on this day
            (程序规定 第八十五条: within 3 working days of it, instead of 第八十六条's 10 of
            the report).
    """

    track: str | None = field("调解途径", default=None)
    received_on: dt.date | None = field("收到申请日期", default=None)
    certificate_received_on: dt.date | None = field("收到事故认定书日期", default=None)
    mediation_start_on: dt.date | None = field("调解开始日期", default=None)
    materials_signed_on: dt.date | None = field("签收委派材料日期", default=None)
    court: str | None = field(
        "委派调解的人民法院", default=None, validator=attrs.validators.optional(nonblank)
    )
    online: bool = field("在线诉前调解", default=False)
    joint_application: bool = field("各方当事人共同书面申请", default=False)
    duplicate_decision: str | None = field("重复登记处理", default=None)
    duplicate_reason: str = field("另行立案理由", default="")
    handed_from: str | None = field("移交自", default=None)
    mediation_ended_on: dt.date | None = field("人民调解委员会终止调解之日", default=None)


def intake_guard(case: Case, ctx: Context[DisputeIntake]) -> Decision:
    """A second case on an open matter needs the clerk's reason; traffic police mediation
    needs a joint application in time.

    - Duplicates (issue 10; 《信访工作条例》第十九条第三款 by analogy): the clerk
      is shown the open case with the same parties and category and links to
      it (records the contact there) instead of opening another, unless the
      decision ``new_case`` is recorded with a reason.
    - 《道路交通事故处理程序规定》第八十六条: all parties apply jointly, in
      writing, within 10 working days of receiving the accident report; after failed
      people's mediation, within 3 working days of its end instead (第八十五条; the
      hand-off checks that window; applying directly, the parties give the day the
      committee ended, ``mediation_ended_on``; version 4 on).
    - ``handed_from`` is the hand-off's, with its ``handed_off_from`` link: a clerk cannot
      set it to skip the application window (version 4 on).
    """
    given = ctx.inputs
    if (
        given.handed_from is not None
        and v4(case)
        and not any(link.kind is LinkKind.handed_off_from for link in case.links)
    ):
        return refuse_input(
            "intake",
            "handed_from",
            given.handed_from,
            "set by the hand-off that opens the case (a handed_off_from link), not at registration",
        )
    matter = _matter(case)
    open_same = [r for r in ctx.related if matter in r.matched and not r.closed]
    if open_same and given.duplicate_decision != "new_case":
        codes = "、".join(r.code for r in open_same)
        return refuse(
            "intake",
            f"相同当事人的同类纠纷正在办理（{codes}）：请在原案件登记，或注明另行立案的理由",
            "受理登记防重复 (PRACTICE)；《信访工作条例》第十九条第三款",
        )
    if given.duplicate_decision == "new_case" and not given.duplicate_reason.strip():
        return refuse_input(
            "intake",
            "duplicate_reason",
            given.duplicate_reason,
            "state why a second case is opened",
        )
    if given.duplicate_decision not in (None, "new_case"):
        return refuse_input(
            "intake", "duplicate_decision", given.duplicate_decision, "new_case or nothing"
        )
    if given.track is not None and given.track not in ctx.policy.tracks:
        return refuse_input(
            "intake", "track", given.track, f"unknown track; one of {', '.join(ctx.policy.tracks)}"
        )
    if given.received_on is not None and given.received_on > ctx.day and v4(case):
        return refuse_input(
            "intake",
            "received_on",
            given.received_on.isoformat(),
            "an application cannot reach the body after it was registered",
        )
    if v4(case):
        # The days the track's periods count from have come by the registration: a later
        # one would put a statutory period off (程序规定 第八十五、八十六、九十条;
        # 特邀调解规定 第二十七条).
        late = past_days("intake", given, _PAST_FACTS, ctx.day, "the registration")
        if not late.allowed:
            return late
    if _traffic_police(case, given.track, ctx):
        if not given.joint_application:
            return refuse(
                "intake",
                "交警调解须由各方当事人共同书面申请",
                "《道路交通事故处理程序规定》第八十六条",
            )
        # A switch after failed people's mediation has its own 3 working days from the
        # termination (第八十五条), checked by the hand-off, not the report's 10 (第八十六条);
        # the parties may also apply directly, giving the day the committee ended (v4).
        # The application was made the day it reached the police (received_on, version 4
        # on; as triage judges it), not the day it was registered.
        applied = (given.received_on if v4(case) else None) or ctx.day
        if given.mediation_ended_on is not None and given.handed_from is None and v4(case):
            return _switched_in_time(ctx, given.mediation_ended_on, applied)
        if given.certificate_received_on is not None and given.handed_from is None:
            return _applied_in_time("intake", case, ctx, given.certificate_received_on, applied)
        if given.handed_from is None and given.mediation_ended_on is None and v10(case):
            return _report_day_needed("intake")
    return ALLOW


def _report_day_needed(action: str) -> Decision:
    """An application for traffic police mediation gives the day the parties received the
    accident report (认定书, or the 证明 or review conclusion): the 10 working days to apply
    run from it (《道路交通事故处理程序规定》第八十六条), and without it they cannot be
    checked. Dispute workflow version 10 on; earlier versions took the application
    unchecked."""
    return refuse_input(
        action,
        "certificate_received_on",
        None,
        "交警调解须自收到道路交通事故认定书（或者证明、复核结论）之日起十日内共同申请："
        "写明收到之日，以核对申请期限",
        "《道路交通事故处理程序规定》第八十六条",
    )


_PAST_FACTS = (
    ("certificate_received_on", "a day that has come"),
    ("mediation_start_on", "a day that has come"),
    ("materials_signed_on", "a day that has come"),
    ("mediation_ended_on", "a day that has come"),
)
"""Registration facts a period counts from: each a day that has come."""


def past_days(
    rule: str, given: Any, names: Iterable[tuple[str, str]], day: dt.date, step: str
) -> Decision:
    """Refuse the first of the dates ``names`` (input name, what it must be) that ``given``
    dates after ``day``, the day of ``step``: a period counts from a day that has come."""
    for name, wanted in names:
        value: dt.date | None = getattr(given, name)
        if value is not None and value > day:
            return refuse_input(
                rule, name, value.isoformat(), f"{wanted}: not after {step} ({day.isoformat()})"
            )
    return ALLOW


def _switched_in_time(
    ctx: Context[DisputeIntake], ended_on: dt.date, applied_on: dt.date
) -> Decision:
    """A joint application to the traffic police, made on ``applied_on``, after the people's
    mediation committee ended its mediation on ``ended_on``: within 3 working days of it
    (程序规定 第八十五条)."""
    if ended_on > applied_on:
        return refuse_input(
            "intake", "mediation_ended_on", ended_on.isoformat(), "a day after the application"
        )
    due, _ = ctx.clocks.due(TRAFFIC_SWITCH.id, ended_on)
    if applied_on <= due.due:
        return ALLOW
    return refuse_input(
        "intake",
        "mediation_ended_on",
        ended_on.isoformat(),
        f"人民调解终止后申请交警调解的期间已届满（{due.due.isoformat()}）",
        "《道路交通事故处理程序规定》第八十五条、第一百一十二条",
    )


def _applied_in_time(
    rule: str, case: Case, ctx: Context[Any], report_on: dt.date, applied_on: dt.date
) -> Decision:
    """The joint application for traffic police mediation, made on ``applied_on``, within
    10 working days of receiving the accident report on ``report_on`` (程序规定 第八十六条),
    which came before it (version 4 on)."""
    if report_on > applied_on and v4(case):
        return refuse_input(
            rule,
            "certificate_received_on",
            report_on.isoformat(),
            f"a report received by the application ({applied_on.isoformat()})",
        )
    due, _ = ctx.clocks.due(TRAFFIC_APPLY.id, report_on)
    if applied_on <= due.due:
        return ALLOW
    return refuse_input(
        rule,
        "certificate_received_on",
        report_on.isoformat(),
        f"the joint application was due by {due.due.isoformat()} "
        "(10 working days from the accident report)",
        "《道路交通事故处理程序规定》第八十六条、第一百一十二条",
    )


def on_intake(case: Case, ctx: Context[DisputeIntake]) -> Case:
    """Register: level from the unit, facts, links to related cases, the acceptance clock.

    The health department decides on acceptance in 5 working days from
    receipt (《医疗纠纷预防和处理条例》第四十条); other bodies decide promptly
    (2002 规定 第二十三、二十四条; the practice clock ``dispute_acceptance``).

    A claimant's limitation record carried from another body's case (a hand-off) is a claim
    pending again here (:func:`~.limitation.pending_again`); a 包案 assignment carried with
    it takes over its timetable and reminders (version 4 on; RULES.md §7.1).
    """
    case = pending_again(case)
    if v4(case):
        # A 包案 assignment handed on with the matter: its clocks go on here (一抓到底).
        case = baoan.take_over(case, ctx)
    given = ctx.inputs
    received = given.received_on or ctx.day
    facts = TrackFacts(
        received_on=received,
        certificate_received_on=given.certificate_received_on,
        mediation_start_on=given.mediation_start_on,
        materials_signed_on=given.materials_signed_on,
        court=given.court.strip() if given.court else None,
        online=given.online,
    )
    links = list(case.links)
    matter = _matter(case)
    for r in ctx.related:
        if any(link.case_id == r.id for link in links):
            continue
        kind = LinkKind.repeat_of if matter in r.matched else LinkKind.related
        links.append(Link(kind, r.id, r.code))
    case = evolve(
        case,
        level=_level(case, ctx),
        links=tuple(links),
        details=DisputeDetails(track=given.track, facts=facts, handed_from=given.handed_from),
    )
    case = _open_acceptance(case, ctx, given.track, received)
    if case.risk is Risk.high:
        case = deadlines.open_clock(case, ctx, ESCALATION_REPORT)
    return case


def _open_acceptance(case: Case, ctx: Context[Any], track: str | None, received: dt.date) -> Case:
    if track == "administrative" and "medical" in ancestors(case.category, ctx.policy.categories):
        return deadlines.open_clock(case, ctx, MEDICAL_ADMIN_ACCEPT, received)
    return deadlines.open_clock(case, ctx, ACCEPTANCE)


def _police_kind(case: Case, track: str | None, policy: Policy) -> str | None:
    """``"traffic"`` (交警调解) or ``"public_order"`` (治安调解) when the administrative track
    of ``case`` is the police's mediation; else ``None``."""
    if track != "administrative":
        return None
    org = policy.org
    if org is not None and case.unit in org and org.get(case.unit).kind != UnitKind.police.value:
        return None
    found = ancestors(case.category, policy.categories)
    return next((k for k in ("traffic", "public_order") if k in found), None)


def police_mediation(case: Case, policy: Policy) -> bool:
    """Whether ``case`` is in police mediation (治安调解 or 交警调解), which is not begun
    again once it ended (程序规定 第九十条、第一百八十三条、第一百八十五条)."""
    return _police_kind(case, details(case).track, policy) is not None


def traffic_police_mediation(case: Case, policy: Policy) -> bool:
    """Whether ``case`` is in traffic police mediation of damages (交警调解: the police's
    administrative track for a road-traffic accident, 《道路交通安全法》第七十四条;
    《道路交通事故处理程序规定》第八十四条至第九十五条)."""
    return _police_kind(case, details(case).track, policy) == "traffic"


def _traffic_police(case: Case, track: str | None, ctx: Context[Any]) -> bool:
    return _police_kind(case, track, ctx.policy) == "traffic"


def _public_order(case: Case, track: str | None, ctx: Context[Any]) -> bool:
    return _police_kind(case, track, ctx.policy) == "public_order"


# -- registration: complete before triage -----------------------------------------------


def registration_problems(case: Case, policy: RegistrationPolicy) -> tuple[tuple[str, str], ...]:
    """``(field, what is missing)`` for every required registration field not filled in."""
    problems: list[tuple[str, str]] = []
    if policy.party_contact:
        for i, p in enumerate(case.parties):
            if p.role is PartyRole.agent:
                continue
            if not (p.phone or p.address or p.identifier):
                problems.append(
                    (f"parties[{i}]", f"当事人{p.name}缺少联系方式（电话、住址或证件号）")
                )
    if policy.place and not case.location:
        problems.append(("location", "缺少纠纷发生地"))
    return tuple(problems)


# -- triage -----------------------------------------------------------------------------


@attrs.frozen(slots=True)
class TriageInputs:
    """分流: the track; the category if the clerk corrects it; the level if stated (it must
    be the unit's); the risk. Into traffic police mediation, unless the registration chose
    it: whether every party applied jointly in writing, and the day they received the
    accident report (程序规定 第八十六条; version 3 checks them)."""

    track: str = field("调解途径")
    category: str | None = field("纠纷类别", default=None)
    level: str | None = field("层级", default=None)
    risk: Risk | None = field("激化风险", default=None)
    note: str = field("备注", default="")
    joint_application: bool = field("各方当事人共同书面申请", default=False)
    certificate_received_on: dt.date | None = field("收到事故认定书之日", default=None)


def triage_guard(case: Case, ctx: Context[TriageInputs]) -> Decision:
    """Triage needs a complete registration, a known track, and the unit's own level.

    2002 规定 第二十一条 (the competent committee by where the parties are or the
    dispute arose; village → township for difficult, cross-area disputes);
    《信访工作条例》第三十七条 (三调联动 tracks). A matter reserved to another organ
    (a criminal matter) is not triaged: it is transferred out (2002 规定 第二十二条).
    """
    given = ctx.inputs
    policy = ctx.policy
    if given.category is not None and given.category not in policy.categories:
        return refuse_input(
            "triage",
            "category",
            given.category,
            f"unknown category; one of {', '.join(policy.categories)}",
        )
    if given.category is not None:
        case = evolve(case, intake=evolve(case.intake, category=given.category))
    missing = registration_problems(case, policy.part(RegistrationPolicy))
    if missing:
        fld, what = missing[0]
        return refuse_input(
            "triage", fld, None, f"登记信息不完整，请先补正：{what}", "受理登记表 (PRACTICE)"
        )
    category = policy.categories.get(case.category)
    if category is not None and category.reserved_to:
        return refuse(
            "triage",
            f"{category.label}依法由{category.reserved_to}处理，人民调解委员会不得受理，应当移送",
            "《人民调解工作若干规定》第二十二条第一项",
        )
    if given.track not in policy.tracks:
        return refuse_input(
            "triage",
            "track",
            given.track,
            f"unknown track; one of {', '.join(policy.tracks)}",
            "《信访工作条例》第三十七条",
        )
    level = _level(case, ctx)
    if given.level is not None and level is not None and given.level != level:
        return refuse_input(
            "triage",
            "level",
            given.level,
            f"the level is the owning unit's ({level}); refer the case to move it",
            "《人民调解工作若干规定》第二十一条",
        )
    if given.level is not None and given.level not in policy.ladder:
        return refuse_input(
            "triage",
            "level",
            given.level,
            f"unknown level; one of {', '.join(lv.name for lv in policy.ladder.levels)}",
        )
    return ALLOW


def traffic_application_guard(case: Case, ctx: Context[TriageInputs]) -> Decision:
    """Triage into traffic police mediation needs what the intake checks when it names the
    track (《道路交通事故处理程序规定》第八十六条): all parties applied jointly, in writing,
    within 10 working days of receiving the accident report (the application is the
    registration; the report's day given here or at intake — from version 10 it must be
    given, :func:`_report_day_needed`)."""
    given = ctx.inputs
    found = details(case)
    if given.category is not None:
        case = evolve(case, intake=evolve(case.intake, category=given.category))
    if found.track == given.track or not _traffic_police(case, given.track, ctx):
        return ALLOW
    if not given.joint_application:
        return refuse_input(
            "triage",
            "joint_application",
            False,
            "交警调解须由各方当事人共同书面申请",
            "《道路交通事故处理程序规定》第八十六条",
        )
    report_on = given.certificate_received_on or found.facts.certificate_received_on
    if report_on is None and v10(case):
        return _report_day_needed("triage")
    if report_on is None:
        return ALLOW
    applied_on = found.facts.received_on or case.received_at.astimezone(ctx.policy.tz).date()
    return _applied_in_time("triage", case, ctx, report_on, applied_on)


def on_triage(case: Case, ctx: Context[TriageInputs]) -> Case:
    """Set the track, the level (the unit's) and the risk; the acceptance clock follows the track.

    Triage to the health department's mediation replaces the practice
    acceptance clock by its statutory 5 working days from receipt
    (《医疗纠纷预防和处理条例》第四十条).
    """
    given = ctx.inputs
    found = details(case)
    risk = case.risk if given.risk is None else given.risk
    if given.category is not None and given.category != case.category:
        case = evolve(case, intake=evolve(case.intake, category=given.category))
    found = (
        found
        if given.certificate_received_on is None
        else evolve(
            found,
            facts=evolve(found.facts, certificate_received_on=given.certificate_received_on),
        )
    )
    case = evolve(
        case,
        level=_level(case, ctx) or given.level,
        risk=risk,
        details=evolve(found, track=given.track),
    )
    if given.track != found.track and (
        given.track == "administrative"
        and "medical" in ancestors(case.category, ctx.policy.categories)
    ):
        case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == ACCEPTANCE.id)
        received = found.facts.received_on or case.received_at.astimezone(ctx.policy.tz).date()
        case = deadlines.open_clock(case, ctx, MEDICAL_ADMIN_ACCEPT, received)
    return _risk_clock(case, ctx, risk)


def _risk_clock(case: Case, ctx: Context[Any], risk: Risk) -> Case:
    """A high risk owes a report (第二十五条): open the clock once, until reported."""
    owed = any(d.period == ESCALATION_REPORT.id and d.is_open for d in case.deadlines)
    reported = any(r.reported_to for r in details(case).risk_reports)
    if risk is Risk.high and not owed and not reported:
        return deadlines.open_clock(case, ctx, ESCALATION_REPORT)
    return case
