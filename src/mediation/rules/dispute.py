"""The dispute workflow's rules, version 2: people's mediation and its sister tracks, to the letter.

Each function is pure: ``(case, context) -> Decision`` for a guard,
``(case, context) -> Case`` for an effect; the workflow in
:mod:`mediation.workflows.dispute` wires them to transitions with the inputs
class of each trigger defined here. Cases recorded under release 0.1 run on
version 1 (:mod:`mediation.rules.dispute_v1`, frozen); both share
:class:`DisputeDetails`, so a running case can be migrated.

What version 2 applies (RULES.md is the source for each; the articles are
cited where they apply):

- **Registration** complete before triage (parties' contact, the place); the
  level is always the owning unit's; duplicates are shown at intake and a new
  case beside an open one on the same matter needs the clerk's reason.
- **Acceptance**: 《人民调解法》第十七条 (a party's clear refusal is recorded and
  ends the case as not accepted), 2002 规定 第二十二条 (matters reserved to
  another organ or already handled are not accepted), 第二十四条 (a dispute
  that may escalate is stabilised before it is handed over).
- **Clocks at the right moment**: labour mediation counts 15 days from the day
  the body received the application (《劳动争议调解仲裁法》第十四条); police
  traffic mediation 10 working days from the start the rule names
  (《道路交通事故处理程序规定》第九十条); the health department decides on
  acceptance in 5 working days (《医疗纠纷预防和处理条例》第四十条); 治安调解
  holds at most two sessions, the first within 3 working days, the second
  within 7 (《公安机关办理行政案件程序规定》第一百八十三条).
- **Rights and duties** told before mediation starts (2002 规定 第三十条).
- **Agreements that are legally effective**: written where 2002 规定 第三十四条
  requires; effective only when every party and the mediator have signed and
  the committee has sealed (《人民调解法》第二十九条), and only then performed;
  signatures dated between the agreement and now; a performance date not
  before the agreement takes effect; a re-mediated agreement (2002 规定
  第三十七条) replaces the old one and opens its own confirmation window.
- **Refusal at any time** (《人民调解法》第十七条、第二十三条) ends mediation with
  the remedies of 第二十六条; **escalation risk** (第二十五条) is a recorded step
  and an owed report; **judicial confirmation** is a stage with the court's
  periods (《民事诉讼法》第二百零五、二百零六条; 民诉法解释 第三百五十五、三百五十八条).
- **Callbacks**: the callback clock is met by the visit, not by closing; a
  case closes without the visits its policy requires only with a stated
  reason, and then the clock is not counted as met.
- **Referral** up, down and across with reason codes (:mod:`mediation.rules.referral`),
  and **hand-offs** between tracks (三调联动) that open a linked case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.model import (
    Agreement,
    AgreementForm,
    Case,
    LabeledEnum,
    Link,
    LinkKind,
    Party,
    PartyRole,
    Risk,
    SignerCapacity,
    Visit,
    evolve,
)
from mediation.rules import agreement as agreement_rules
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.base import nonblank as _nonblank
from mediation.rules.base import nonblank_items as _ids
from mediation.rules.categories import ancestors
from mediation.rules.clockbook import FixedClock
from mediation.rules.counting import PeriodUnit
from mediation.rules.org import UnitKind
from mediation.rules.periods import ClockHolder, PauseReason, PeriodRule, period
from mediation.rules.referral import Direction, ReferralPolicy, direction, referral_problem
from mediation.rules.resolution import record_resolution

__all__ = [
    "ACCEPTANCE",
    "CALLBACK",
    "CLOSING",
    "CONFIRMATION",
    "ESCALATION_REPORT",
    "FEEDBACK",
    "FEEDBACK_DEFAULT",
    "MEDIATION_CLOCKS",
    "SIGNING",
    "AgreementPolicy",
    "Confirmation",
    "DisputeDetails",
    "DisputeIntake",
    "Feedback",
    "Referral",
    "Refusal",
    "RegistrationPolicy",
    "RiskReport",
    "Satisfaction",
    "TrackFacts",
    "details",
    "dispute_facts",
    "dispute_keys",
    "registration_problems",
    "remedies",
]

ACCEPTANCE = period("dispute_acceptance")
SUSPENSION = period("suspension_review")
CALLBACK = period("callback_visit")
CONFIRMATION = period("judicial_confirmation_apply")
COURT_ACCEPT = period("judicial_confirmation_accept")
COURT_EXAMINE = period("judicial_confirmation_examine")
COURT_STATUTORY = period("judicial_confirmation_statutory")
MEDICAL_ADMIN_ACCEPT = period("medical_admin_accept")
TRAFFIC_APPLY = period("traffic_police_apply")
TRAFFIC_SWITCH = period("traffic_switch_to_police")
PS_FIRST = period("public_security_first_session")
PS_SECOND = period("public_security_second_session")
PS_HANDLING = period("public_security_handling")

_PEOPLE = period("people_mediation")
_LABOUR = period("labour_mediation")
_MEDICAL_PEOPLE = period("medical_people_mediation")
_MEDICAL_ADMIN = period("medical_admin_mediation")
_TRAFFIC_POLICE = period("traffic_police_mediation")
_ADMINISTRATIVE = period("administrative_mediation")
_COURT_DELEGATED = period("court_delegated")
_COURT_ENTRUSTED = period("court_entrusted_ordinary")
_COURT_ENTRUSTED_SIMPLE = period("court_entrusted_simplified")

MEDIATION_CLOCKS: tuple[PeriodRule, ...] = (
    _PEOPLE,
    _LABOUR,
    _MEDICAL_PEOPLE,
    _MEDICAL_ADMIN,
    _TRAFFIC_POLICE,
    _ADMINISTRATIVE,
    _COURT_DELEGATED,
    _COURT_ENTRUSTED,
    _COURT_ENTRUSTED_SIMPLE,
    PS_FIRST,
    PS_SECOND,
)
"""The clocks a mediation runs on, by track and category."""

ESCALATION_REPORT = PeriodRule(
    id="escalation_report",
    name_zh="激化风险报告",
    length=1,
    unit=PeriodUnit.days,
    starts_on="发现纠纷有可能引起治安案件、刑事案件之日",
    basis="《人民调解法》第二十五条（及时报告）",
    status="PRACTICE",
    note="法律只要求“及时”报告当地公安机关或者其他有关部门；一日为实践做法，可配置。",
)
"""The owed report of a dispute that may lead to a public-order or criminal case."""

SIGNING = PeriodRule(
    id="agreement_signing",
    name_zh="调解协议签名盖章",
    length=3,
    unit=PeriodUnit.days,
    starts_on="达成调解协议之日",
    basis="《人民调解法》第二十九条第二款（各方签名、调解员签名并加盖人民调解委员会印章之日起生效）",
    status="PRACTICE",
    soft=True,
    note="法律未规定签署期限：提醒在协议达成后及时完成签名、盖章，使协议生效。",
)
"""A reached written agreement waits for its signatures and seal (a target, not a limit)."""

CLOSING = PeriodRule(
    id="dispute_closing",
    name_zh="结案",
    length=15,
    unit=PeriodUnit.days,
    starts_on="调解终结或者回访完成之日",
    basis="《人民调解法》第二十七条（立卷归档）",
    status="PRACTICE",
    soft=True,
    note="法律未规定结案期限：提醒及时结案、立卷归档，可按地方规定配置。",
)
"""A case whose work is done waits to be closed (a target, not a limit)."""

FEEDBACK_DEFAULT = PeriodRule(
    id="assignment_feedback_default",
    name_zh="交办事项反馈（默认期限）",
    length=15,
    unit=PeriodUnit.days,
    starts_on="交办之日",
    basis="《信访工作条例》第二十二条第一款第三项（交办并规定办结报告期限）；《民法典》第二百零三条",
    status="PRACTICE",
    soft=True,
    note="交办未定反馈期限时的默认（15日，参照第二十二条）；届满日为法定休假日的，以休假日结束的"
    "次日为届满日；可按地方规定以 Policy(periods=…) 配置。",
)
"""The report-back period of a 交办 that names no date: only its end date is used (the
clock itself is :data:`FEEDBACK`, fixed on that date)."""

FEEDBACK = FixedClock(
    "assignment_feedback",
    "交办事项反馈",
    "《信访工作条例》第二十二条第一款第三项（交办并规定办结报告期限）；分流交办、办结反馈 (PRACTICE)",
    holder=ClockHolder.unit,
)
"""The date by which a unit a case was assigned to (交办) reports back (反馈)."""

_ORGAN_TRACKS: Mapping[str, frozenset[str]] = {
    "people": frozenset(
        {
            UnitKind.committee.value,
            UnitKind.industry_committee.value,
            UnitKind.centre.value,
            UnitKind.justice_office.value,
            UnitKind.grid.value,
        }
    ),
    "administrative": frozenset(
        {
            UnitKind.police.value,
            UnitKind.department.value,
            UnitKind.government.value,
            UnitKind.justice_office.value,
        }
    ),
    "judicial": frozenset(
        {
            UnitKind.court.value,
            UnitKind.committee.value,
            UnitKind.industry_committee.value,
            UnitKind.centre.value,
        }
    ),
}
"""Which kinds of unit run which track (三调联动: 《信访工作条例》第三十七条)."""


# -- policy -----------------------------------------------------------------------------


@attrs.frozen(slots=True)
class RegistrationPolicy:
    """What a registration must hold before triage (PRACTICE: the 受理登记表).

    Attributes:
        party_contact: Every party (not an agent) gives a phone, an address or an ID.
        place: The place of the dispute is recorded (2002 规定 第二十一条 decides the
            competent committee by where the parties are or the dispute arose).
    """

    party_contact: bool = True
    place: bool = True


@attrs.frozen(slots=True)
class AgreementPolicy:
    """When an agreement must be in writing (2002 规定 第三十四条).

    The rule: in writing where the dispute involves civil rights and
    obligations, or a party asks. How much "involves" means is local: an oral
    agreement is refused when the amount in dispute is above ``oral_limit``
    (default 0: any amount in dispute needs writing) or a party asks for
    writing.

    Attributes:
        oral_limit: The largest amount in dispute an oral agreement may settle.
    """

    oral_limit: Decimal = Decimal(0)


# -- details ----------------------------------------------------------------------------


class Satisfaction(LabeledEnum):
    """A party's satisfaction recorded at a callback visit (回访记录: 满意程度)."""

    satisfied = "satisfied", "满意"
    fair = "fair", "基本满意"
    unsatisfied = "unsatisfied", "不满意"
    unknown = "unknown", "未表态"


@attrs.frozen(slots=True)
class TrackFacts:
    """Dates the track's clocks are counted from, recorded as facts on the case.

    Attributes:
        received_on: The day this mediation body received the application
            (labour: 《劳动争议调解仲裁法》第十四条; default the registration day).
        certificate_received_on: Traffic: the day the parties received the
            accident report or the review conclusion (程序规定 第八十六条).
        mediation_start_on: Traffic: the start of mediation the rule names —
            end of the funeral, of treatment, the disability assessment, or the
            day the loss was fixed (程序规定 第九十条).
        materials_signed_on: Court delegation: the day the mediator signed for the
            court's materials (特邀调解规定 第二十七条).
        appraisal_issued_on: 治安调解: the day the injury or value appraisal was
            issued (程序规定 第一百八十三条; 工作规范 第九条).
        simplified: Court-entrusted mediation of a case in simplified procedure (7 日).
    """

    received_on: dt.date | None = None
    certificate_received_on: dt.date | None = None
    mediation_start_on: dt.date | None = None
    materials_signed_on: dt.date | None = None
    appraisal_issued_on: dt.date | None = None
    simplified: bool = False


@attrs.frozen(slots=True)
class Refusal:
    """A party's refusal of mediation (《人民调解法》第十七条、第二十三条)."""

    party: str
    at: dt.datetime
    stage: str
    statement: str = ""


@attrs.frozen(slots=True)
class Referral:
    """One move of the case between units (分流交办).

    Attributes:
        direction: Up, down or across.
        from_unit: The sender.
        to_unit: The receiver.
        reason: The policy's reason code.
        at: When it was sent.
        from_state: The state it left (a return restores it).
        note: Why, in words.
        feedback_by: For an assignment (交办): the day the receiver reports back by.
        outcome: ``pending``, ``taken`` or ``returned``.
        decided_at: When the receiver took or returned it.
        return_reason: Why the receiver returned it.
    """

    direction: Direction
    from_unit: str
    to_unit: str
    reason: str
    at: dt.datetime
    from_state: str
    note: str = ""
    feedback_by: dt.date | None = None
    outcome: str = "pending"
    decided_at: dt.datetime | None = None
    return_reason: str = ""


@attrs.frozen(slots=True)
class Feedback:
    """A report back (反馈) from the unit a case was assigned to."""

    at: dt.datetime
    unit: str
    to_unit: str
    report: str


@attrs.frozen(slots=True)
class RiskReport:
    """An escalation-risk finding and what was done (《人民调解法》第二十五条).

    Attributes:
        at: When it was found or updated.
        level: The risk level.
        finding: What may happen (激化, 治安案件, 刑事案件).
        measures: The targeted preventive measures taken.
        reported_to: The public-security organ or department it was reported to.
    """

    at: dt.datetime
    level: Risk
    finding: str
    measures: str = ""
    reported_to: str = ""


@attrs.frozen(slots=True)
class Confirmation:
    """The judicial-confirmation stage (司法确认, 《民事诉讼法》第二百零五、二百零六条).

    Attributes:
        court: The court applied to.
        applied_at: When the parties applied (jointly).
        accepted_at: When the court accepted the application.
        ruling: ``valid`` (裁定调解协议有效), ``rejected`` (裁定驳回申请),
            ``not_accepted`` (裁定不予受理) or ``withdrawn``.
        ruled_at: When the court ruled.
        grounds: The ground of a rejection or a non-acceptance, as ruled.
    """

    court: str
    applied_at: dt.datetime
    accepted_at: dt.datetime | None = None
    ruling: str | None = None
    ruled_at: dt.datetime | None = None
    grounds: str = ""


@attrs.frozen(slots=True)
class DisputeDetails:
    """What the dispute workflow records on a case beyond the generic core.

    Version 1 uses the first three fields only.

    Attributes:
        track: The 三调联动 track (people's, administrative, judicial mediation).
        agreement: The mediation agreement in force, once reached.
        visits: Callback visits (回访).
        rights_informed_at: When the parties were told their rights and duties
            (2002 规定 第三十条).
        refusals: Parties' refusals of mediation.
        referrals: Every move between units.
        feedback: Reports back on assignments.
        risk_reports: Escalation-risk findings (第二十五条).
        confirmation: The judicial-confirmation stage.
        sessions: 治安调解: when each session was held (at most two).
        attempts: The levels mediation was started at, in order (for a ladder).
        superseded: Agreements replaced by a later one (2002 规定 第三十七条).
        facts: Dates the track's clocks are counted from.
        handed_from: The track the case was handed off from, if any.
        penalty_decided_at: 治安调解 failed: when the police penalty decision was made.
        closed_without_visit: Why the case closed without the callback visits
            its policy requires.
        started_at: When the current round of mediation began (an agreement
            cannot be reached before it).
        ended_at: When the last round of mediation ended without agreement
            (terminated, or a party refused to go on): the day the 3 working days
            to switch to traffic police mediation count from (程序规定 第八十五条).
    """

    track: str | None = None
    agreement: Agreement | None = None
    visits: tuple[Visit, ...] = ()
    rights_informed_at: dt.datetime | None = None
    refusals: tuple[Refusal, ...] = ()
    referrals: tuple[Referral, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    risk_reports: tuple[RiskReport, ...] = ()
    confirmation: Confirmation | None = None
    sessions: tuple[dt.datetime, ...] = ()
    attempts: tuple[str, ...] = ()
    superseded: tuple[Agreement, ...] = ()
    facts: TrackFacts = TrackFacts()
    handed_from: str | None = None
    penalty_decided_at: dt.datetime | None = None
    closed_without_visit: str = ""
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None


def details(case: Case) -> DisputeDetails:
    """The case's dispute details (empty ones before any is recorded)."""
    found = case.details
    return found if isinstance(found, DisputeDetails) else DisputeDetails()


def _with(case: Case, **changes: Any) -> Case:
    return evolve(case, details=evolve(details(case), **changes))


def _level(case: Case, ctx: Context[Any], unit: str | None = None) -> str | None:
    """The owning unit's level: a case's level is never given apart from its unit."""
    org = ctx.policy.org
    unit = unit or case.unit
    if org is None or unit not in org:
        return case.level
    return org.level_of(unit)


def _unit_kind(case: Case, ctx: Context[Any]) -> str | None:
    org = ctx.policy.org
    return org.get(case.unit).kind if org is not None and case.unit in org else None


# -- keys: duplicates and related cases -------------------------------------------------


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _person(p: Party) -> str:
    if p.identifier:
        return f"id:{p.identifier}"
    return f"name:{_norm(p.name)}|{_norm(p.address or '')}"


def _matter(case: Case) -> str:
    return next(k for k in dispute_keys(case) if k.startswith("matter:"))


def dispute_keys(case: Case) -> Iterable[str]:
    """Lookup keys of a dispute: each party, and the matter (same parties, same category).

    A party is known by its ID where given, else by normalised name and
    address; the matter by the sorted parties (agents excluded) and the
    category (issue 10: same parties and same matter → show the open case).
    """
    people = sorted({_person(p) for p in case.parties if p.role is not PartyRole.agent})
    for person in people:
        yield f"party:{person}"
    digest = hashlib.sha256(("|".join(people) + "#" + case.category).encode()).hexdigest()
    yield f"matter:{digest[:32]}"


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
        joint_application: Traffic police mediation: all parties applied jointly in
            writing (程序规定 第八十六条).
        duplicate_decision: The clerk's decision when an open case on the same
            matter exists: ``new_case`` (register anyway; give the reason).
        duplicate_reason: Why a second case is opened.
        handed_from: The track this case was handed off from.
    """

    track: str | None = field("调解途径", default=None)
    received_on: dt.date | None = field("收到申请日期", default=None)
    certificate_received_on: dt.date | None = field("收到事故认定书日期", default=None)
    mediation_start_on: dt.date | None = field("调解开始日期", default=None)
    materials_signed_on: dt.date | None = field("签收委派材料日期", default=None)
    joint_application: bool = field("各方当事人共同书面申请", default=False)
    duplicate_decision: str | None = field("重复登记处理", default=None)
    duplicate_reason: str = field("另行立案理由", default="")
    handed_from: str | None = field("移交自", default=None)


def intake_guard(case: Case, ctx: Context[DisputeIntake]) -> Decision:
    """A second case on an open matter needs the clerk's reason; traffic police mediation
    needs a joint application in time.

    - Duplicates (issue 10; 《信访工作条例》第十九条第三款 by analogy): the clerk
      is shown the open case with the same parties and category and links to
      it (records the contact there) instead of opening another, unless the
      decision ``new_case`` is recorded with a reason.
    - 《道路交通事故处理程序规定》第八十六条: all parties apply jointly, in
      writing, within 10 working days of receiving the accident report.
    """
    given = ctx.inputs
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
    if _traffic_police(case, given.track, ctx):
        if not given.joint_application:
            return refuse(
                "intake",
                "交警调解须由各方当事人共同书面申请",
                "《道路交通事故处理程序规定》第八十六条",
            )
        if given.certificate_received_on is not None:
            due, _ = ctx.clocks.due(TRAFFIC_APPLY.id, given.certificate_received_on)
            if ctx.day > due.due:
                return refuse_input(
                    "intake",
                    "certificate_received_on",
                    given.certificate_received_on.isoformat(),
                    f"the joint application was due by {due.due.isoformat()} "
                    "(10 working days from the accident report)",
                    "《道路交通事故处理程序规定》第八十六条、第一百一十二条",
                )
    return ALLOW


def on_intake(case: Case, ctx: Context[DisputeIntake]) -> Case:
    """Register: level from the unit, facts, links to related cases, the acceptance clock.

    The health department decides on acceptance in 5 working days from
    receipt (《医疗纠纷预防和处理条例》第四十条); other bodies decide promptly
    (2002 规定 第二十三、二十四条; the practice clock ``dispute_acceptance``).
    """
    given = ctx.inputs
    received = given.received_on or ctx.day
    facts = TrackFacts(
        received_on=received,
        certificate_received_on=given.certificate_received_on,
        mediation_start_on=given.mediation_start_on,
        materials_signed_on=given.materials_signed_on,
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


def _traffic_police(case: Case, track: str | None, ctx: Context[Any]) -> bool:
    return (
        track == "administrative"
        and "traffic" in ancestors(case.category, ctx.policy.categories)
        and _unit_kind(case, ctx) in (None, UnitKind.police.value)
    )


def _public_order(case: Case, track: str | None, ctx: Context[Any]) -> bool:
    return (
        track == "administrative"
        and "public_order" in ancestors(case.category, ctx.policy.categories)
        and _unit_kind(case, ctx) in (None, UnitKind.police.value)
    )


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
    be the unit's); the risk."""

    track: str = field("调解途径")
    category: str | None = field("纠纷类别", default=None)
    level: str | None = field("层级", default=None)
    risk: Risk | None = field("激化风险", default=None)
    note: str = field("备注", default="")


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


# -- acceptance -------------------------------------------------------------------------


class PublicOrderAct(LabeledEnum):
    """Acts 治安调解 may cover, arising from civil disputes, minor (程序规定 第一百七十八条)."""

    assault = "assault", "殴打他人"
    injury = "injury", "故意伤害"
    insult = "insult", "侮辱"
    defamation = "defamation", "诽谤"
    false_accusation = "false_accusation", "诬告陷害"
    property_damage = "property_damage", "故意损毁财物"
    disturbance = "disturbance", "干扰他人正常生活"
    privacy = "privacy", "侵犯隐私"
    trespass = "trespass", "非法侵入住宅"


class PublicOrderExclusion(LabeledEnum):
    """Cases 治安调解 may not cover (程序规定 第一百七十九条)."""

    hired = "hired", "雇凶伤害他人"
    gang = "gang", "结伙斗殴或者其他寻衅滋事"
    repeat = "repeat", "多次实施违反治安管理行为"
    unwilling = "unwilling", "当事人明确表示不愿意调解处理"
    new_violation = "new_violation", "在调解过程中又针对对方实施违反治安管理行为"
    fled = "fled", "调解过程中，违法嫌疑人逃跑"
    other = "other", "其他不宜调解处理的"


@attrs.frozen(slots=True)
class AcceptInputs:
    """受理: what may bar acceptance, and the facts a track's clock needs.

    Attributes:
        refused_by: A party (id) who clearly refuses mediation (第十七条).
        handled_by: The organ that already accepted or resolved it (2002 规定 第二十二条).
        other_side_consents: Medical people's mediation: the other side applied or consents
            (《医疗纠纷预防和处理条例》第三十一条).
        act: 治安调解: the act (程序规定 第一百七十八条).
        excluded_by: 治安调解: a ground that excludes mediation (第一百七十九条).
        appraisal_issued_on: 治安调解: when the appraisal was issued (the first session counts
            from it).
        mediation_start_on: Traffic: the start of mediation the rule names.
        materials_signed_on: Court delegation: when the mediator signed for the materials.
        simplified: Court-entrusted mediation in simplified procedure.
        measures: For a case that may escalate and is not accepted: the easing measures taken
            first (2002 规定 第二十四条).
    """

    refused_by: str | None = field("明确拒绝调解的当事人", default=None)
    handled_by: str | None = field("已受理或者处理的机关", default=None)
    other_side_consents: bool = field("对方当事人同意调解", default=False)
    act: PublicOrderAct | None = field("违反治安管理行为", default=None)
    excluded_by: PublicOrderExclusion | None = field("不适用调解的情形", default=None)
    appraisal_issued_on: dt.date | None = field("鉴定意见出具日期", default=None)
    mediation_start_on: dt.date | None = field("调解开始日期", default=None)
    materials_signed_on: dt.date | None = field("签收委派材料日期", default=None)
    simplified: bool = field("简易程序", default=False)
    measures: str = field("已采取的疏导措施", default="")
    note: str = field("备注", default="")


def _bar(case: Case, ctx: Context[AcceptInputs]) -> tuple[str, str] | None:
    """Why the case may not be accepted, ``(reason, basis)``, if anything bars it."""
    given = ctx.inputs
    track = details(case).track
    if given.refused_by:
        name = _party_name(case, given.refused_by)
        return f"当事人{name}明确拒绝调解，不得调解", "《人民调解法》第十七条"
    if given.handled_by:
        return (
            f"纠纷已由{given.handled_by}受理或者解决，不予受理",
            "《人民调解工作若干规定》第二十二条第二项",
        )
    if _public_order(case, track, ctx) and given.excluded_by is not None:
        return (
            f"{given.excluded_by.label}，不适用治安调解，依法处罚",
            "《公安机关办理行政案件程序规定》第一百七十九条",
        )
    return None


def _party_name(case: Case, party_id: str) -> str:
    try:
        return case.party(party_id).name
    except ValidationError:
        return party_id


def accept_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """Accept only what the law lets this body mediate, on the right track.

    - Nothing bars it (:func:`not_accepted_guard` takes the other branch).
    - The case was triaged to a track this unit runs (三调联动: a committee
      does not run the police's mediation; it hands the case off).
    - Medical people's mediation: both sides applied, or the other consents
      (《医疗纠纷预防和处理条例》第三十一条).
    - 治安调解: an act the rule lists (程序规定 第一百七十八条).
    - The amount in dispute within the level's limit (local PRACTICE): else refer up.
    """
    given = ctx.inputs
    if _bar(case, ctx) is not None:
        # The other branch decides; when it refuses too (第二十四条: easing measures first),
        # say why here, since the first refusal is the one reported.
        other = not_accepted_guard(case, ctx)
        return other if not other.allowed else refuse("accept", "not this branch")
    track = details(case).track
    if track is None:
        return refuse("accept", "未分流：须先确定调解途径", "受理登记 → 分流")
    kind = _unit_kind(case, ctx)
    if kind is not None and kind not in _ORGAN_TRACKS.get(track, frozenset({kind})):
        label = ctx.policy.tracks[track].label
        return refuse(
            "accept",
            f"本单位不办理{label}：请移交相应机关（三调联动）",
            "《信访工作条例》第三十七条",
        )
    cats = ancestors(case.category, ctx.policy.categories)
    if "medical" in cats and track == "people" and not given.other_side_consents:
        return refuse_input(
            "accept",
            "other_side_consents",
            False,
            "医疗纠纷人民调解须双方共同申请，或一方申请、另一方同意",
            "《医疗纠纷预防和处理条例》第三十一条",
        )
    if _public_order(case, track, ctx) and given.act is None:
        return refuse_input(
            "accept",
            "act",
            None,
            "治安调解须为因民间纠纷引起、情节较轻的法定行为",
            "《公安机关办理行政案件程序规定》第一百七十八条",
        )
    level = _level(case, ctx)
    limits = ctx.policy.part(ReferralPolicy).amount_limits
    if (
        level is not None
        and case.amount is not None
        and level in limits
        and case.amount > limits[level]
    ):
        return refuse(
            "accept",
            f"争议金额超过本级受理标准（{limits[level]}元），应当上报",
            "地方调解层级规定 (PRACTICE)；《人民调解工作若干规定》第二十一条",
        )
    return ALLOW


def not_accepted_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """The other branch of acceptance: something bars it; high risk needs easing first.

    2002 规定 第二十四条: a dispute that may escalate at any time is first eased
    and guided, then handed promptly to the relevant organ.
    """
    if _bar(case, ctx) is None:
        return refuse("accept", "not this branch")
    if case.risk is Risk.high and not ctx.inputs.measures.strip():
        return refuse_input(
            "accept",
            "measures",
            "",
            "纠纷有激化可能，须先采取疏导措施再移交",
            "《人民调解工作若干规定》第二十四条",
        )
    return ALLOW


def on_not_accepted(case: Case, ctx: Context[AcceptInputs]) -> Case:
    """Record why it was not accepted (a party's refusal as a refusal), end every clock."""
    reason, basis = _bar(case, ctx) or ("不予受理", "")
    given = ctx.inputs
    if given.refused_by:
        refusal = Refusal(given.refused_by, ctx.at, "acceptance", given.note)
        case = _with(case, refusals=(*details(case).refusals, refusal))
    case = deadlines.cancel_all(case, ctx)
    case = evolve(case, outcome=f"{reason}（{basis}）")
    return record_resolution(case, ctx, "not_accepted", details(case).track)


def on_accept(case: Case, ctx: Context[AcceptInputs]) -> Case:
    """Meet the acceptance clock; open the track's mediation clock from the moment its rule names."""
    given = ctx.inputs
    found = details(case)
    facts = found.facts
    facts = evolve(
        facts,
        mediation_start_on=given.mediation_start_on or facts.mediation_start_on,
        materials_signed_on=given.materials_signed_on or facts.materials_signed_on,
        appraisal_issued_on=given.appraisal_issued_on or facts.appraisal_issued_on,
        simplified=given.simplified or facts.simplified,
    )
    case = _with(case, facts=facts)
    case = deadlines.close(case, ctx, (ACCEPTANCE, MEDICAL_ADMIN_ACCEPT))
    rule, start = mediation_clock(case, ctx)
    return deadlines.open_clock(case, ctx, rule, start)


def mediation_clock(case: Case, ctx: Context[Any]) -> tuple[PeriodRule, dt.date]:
    """The period a mediation runs on, and the day it counts from (the day itself excluded).

    - Court delegation before filing (委派): 30 days from the mediator's signing
      for the materials (特邀调解规定 第二十七条); entrusted after filing (委托):
      15 days, 7 in simplified procedure.
    - Labour: 15 days from the day this body received the application
      (《劳动争议调解仲裁法》第十四条第三款) — not from acceptance.
    - Medical: 30 working days from acceptance, by a committee (第三十八条) or
      the health department (第四十条).
    - Traffic, by the police: 10 working days from the start of mediation the
      rule names, or acceptance if later (程序规定 第九十条).
    - 治安调解: the first session within 3 working days of acceptance or of the
      appraisal (程序规定 第一百八十三条; 工作规范 第九条).
    - Other administrative mediation: the local rule's period.
    - People's mediation: "一般在一个月内调结" from acceptance (2002 规定 第三十三条).
    """
    found = details(case)
    facts = found.facts
    track = found.track or "people"
    today = ctx.day
    cats = ancestors(case.category, ctx.policy.categories)
    if case.channel == "court_referral":
        return _COURT_DELEGATED, facts.materials_signed_on or today
    if track == "judicial":
        rule = _COURT_ENTRUSTED_SIMPLE if facts.simplified else _COURT_ENTRUSTED
        return rule, facts.materials_signed_on or today
    if "labour" in cats:
        return _LABOUR, facts.received_on or today
    if "medical" in cats:
        return (_MEDICAL_ADMIN if track == "administrative" else _MEDICAL_PEOPLE), today
    if _traffic_police(case, track, ctx):
        start = facts.mediation_start_on
        return _TRAFFIC_POLICE, max(start, today) if start is not None else today
    if _public_order(case, track, ctx):
        return PS_FIRST, facts.appraisal_issued_on or today
    if track == "administrative":
        return _ADMINISTRATIVE, today
    return _PEOPLE, today


# -- rights and duties, mediation -------------------------------------------------------


@attrs.frozen(slots=True)
class InformInputs:
    """告知权利义务: how the parties were told (2002 规定 第三十条: orally or in writing)."""

    written: bool = field("书面告知", default=True)
    note: str = field("备注", default="")


def on_informed(case: Case, ctx: Context[InformInputs]) -> Case:
    """Record that the parties were told the nature, principles and effect of mediation and
    their rights and duties (2002 规定 第三十条; 《人民调解法》第二十三条)."""
    return _with(case, rights_informed_at=ctx.at)


@attrs.frozen(slots=True)
class MediatorsInputs:
    """开始调解: the mediators (人民调解法 第十九条: designated or chosen)."""

    mediators: tuple[str, ...] = field("调解员", default=(), validator=_ids)
    note: str = field("备注", default="")


def start_guard(case: Case, ctx: Context[MediatorsInputs]) -> Decision:
    """People's mediation starts only after the parties were told their rights and duties.

    2002 规定 第三十条 (before mediating, tell the parties orally or in writing
    the nature, principles and effect of people's mediation and their rights
    and duties: the 权利义务告知书).

    A party who refused is never mediated on this case again on the people's track
    (《人民调解法》第十七条: a party who clearly refuses is not mediated; 第二十三条: the
    right to refuse or end mediation) — also not after a referral brings the case back
    to accepted; another track may still take it by hand-off.
    """
    found = details(case)
    people = (found.track or "people") == "people"
    if people and found.refusals:
        refusal = found.refusals[-1]
        return refuse(
            "start_mediation",
            f"当事人{_party_name(case, refusal.party)}已拒绝调解，不得进行人民调解",
            "《人民调解法》第十七条、第二十三条",
        )
    if people and found.rights_informed_at is None:
        return refuse(
            "start_mediation",
            "调解前须告知当事人权利义务（人民调解当事人权利义务告知书）",
            "《人民调解工作若干规定》第三十条",
        )
    return ALLOW


def on_start(case: Case, ctx: Context[MediatorsInputs]) -> Case:
    """Assign the mediators, count the attempt at this level; 治安调解: the first session.

    治安调解 (《公安机关办理行政案件程序规定》第一百八十三条): the first session meets
    its clock, and the window for the one further session the rule allows — 7
    working days after the first — runs while the police decide (an agreement or
    a termination ends it).
    """
    found = details(case)
    attempts = (*found.attempts, _level(case, ctx) or "")
    case = _with(case, attempts=attempts, started_at=ctx.at)
    if ctx.inputs.mediators:
        case = evolve(case, assignees=ctx.inputs.mediators)
    if _public_order(case, found.track, ctx):
        case = deadlines.close(case, ctx, (PS_FIRST,))
        case = _with(case, sessions=(ctx.at,))
        case = deadlines.open_clock(case, ctx, PS_SECOND, ctx.day)
    return case


def second_session_guard(case: Case, ctx: Context[Any]) -> Decision:
    """治安调解 is one session, with one more if needed, within 7 working days after the first.

    《公安机关办理行政案件程序规定》第一百八十三条 (调解一般为一次; 必要时可以增加一次,
    在第一次调解后七个工作日内完成): at most two sessions, the second in time.
    """
    found = details(case)
    if not _public_order(case, found.track, ctx):
        return refuse("second_session", "只有治安调解可以再次调解", "程序规定 第一百八十三条")
    if len(found.sessions) != 1:
        return refuse(
            "second_session",
            "治安调解一般为一次，必要时可以增加一次",
            "《公安机关办理行政案件程序规定》第一百八十三条",
        )
    first = found.sessions[0].astimezone(ctx.policy.tz).date()
    due, _ = ctx.clocks.due(PS_SECOND.id, first)
    if ctx.day > due.due:
        return refuse(
            "second_session",
            f"再次调解应当在第一次调解后七个工作日内完成（至{due.due.isoformat()}）",
            "《公安机关办理行政案件程序规定》第一百八十三条",
        )
    return ALLOW


def on_second_session(case: Case, ctx: Context[Any]) -> Case:
    """Record the second session, held within 7 working days after the first (第一百八十三条).

    The window opened at the first session keeps running until the mediation
    ends (agreement or termination); a case recorded before the window was
    opened at the first session gets it now.
    """
    first = details(case).sessions[0].astimezone(ctx.policy.tz).date()
    case = _with(case, sessions=(*details(case).sessions, ctx.at))
    if any(d.period == PS_SECOND.id and d.is_open for d in case.deadlines):
        return case
    return deadlines.open_clock(case, ctx, PS_SECOND, first)


@attrs.frozen(slots=True)
class SuspendInputs:
    """中止调解: why (only a reason a clock's rule names stops that clock)."""

    reason: PauseReason = field("中止原因")
    note: str = field("备注", default="")


def on_suspend(case: Case, ctx: Context[SuspendInputs]) -> Case:
    """Pause the clocks the reason may stop, and open the resume-or-terminate watch.

    Appraisal time is excluded from medical mediation (《医疗纠纷预防和处理条例》
    第三十八、四十条) and online court mediation (在线调解规则 第二十六条).
    """
    case = deadlines.pause(case, ctx, ctx.inputs.reason)
    return deadlines.open_clock(case, ctx, SUSPENSION)


def on_resume(case: Case, ctx: Context[Any]) -> Case:
    """Meet the watch clock and resume paused clocks (paused time not counted)."""
    case = deadlines.close(case, ctx, (SUSPENSION,))
    return deadlines.resume(case, ctx)


# -- refusal and failure ----------------------------------------------------------------


@attrs.frozen(slots=True)
class PartyRefusesInputs:
    """当事人拒绝调解: who, what they said, and that they were told their remedies."""

    party: str = field("拒绝调解的当事人", validator=_nonblank)
    statement: str = field("当事人陈述", default="")
    remedies_informed: bool = field("已告知其他救济途径", default=False)


def party_refuses_guard(case: Case, ctx: Context[PartyRefusesInputs]) -> Decision:
    """A party may refuse or demand termination at any time (《人民调解法》第十七条、第二十三条).

    The party must be one of the case's; once mediation has begun, ending it
    requires telling the parties their other remedies (第二十六条).
    """
    given = ctx.inputs
    principals = {p.id for p in agreement_rules.principals(case.parties)}
    if given.party not in principals:
        return refuse_input(
            "party_refuses",
            "party",
            given.party,
            f"a party of the case ({', '.join(sorted(principals))})",
            "《人民调解法》第二十三条",
        )
    mediating = case.state not in ("received", "triaged")
    if mediating and not given.remedies_informed:
        return refuse(
            "party_refuses",
            "终止调解须告知当事人可以依法通过仲裁、行政、司法等途径维护权利",
            "《人民调解法》第二十六条",
        )
    return ALLOW


def on_party_refuses(case: Case, ctx: Context[PartyRefusesInputs]) -> Case:
    """Record the refusal; before acceptance it ends the case, after it ends mediation.

    《人民调解法》第十七条 (one party clearly refuses: no mediation),
    第二十三条 (the right to demand termination), 第二十六条 (termination with remedies).
    """
    given = ctx.inputs
    stage = "acceptance" if case.state in ("received", "triaged") else "mediation"
    refusal = Refusal(given.party, ctx.at, stage, given.statement)
    case = _with(case, refusals=(*details(case).refusals, refusal))
    name = _party_name(case, given.party)
    if stage == "acceptance":
        case = deadlines.cancel_all(case, ctx)
        case = evolve(case, outcome=f"当事人{name}明确拒绝调解，不予调解（《人民调解法》第十七条）")
        return record_resolution(case, ctx, "not_accepted", details(case).track)
    case = _close_work(case, ctx)
    case = evolve(case, outcome=f"当事人{name}拒绝继续调解，终止调解（《人民调解法》第二十三条）")
    return _after_failure(case, ctx)


@attrs.frozen(slots=True)
class TerminateInputs:
    """终止调解: why, and that the parties were told their other remedies."""

    reason: str = field("终止理由", validator=_nonblank)
    remedies_informed: bool = field("已告知其他救济途径", default=False)


def terminate_guard(case: Case, ctx: Context[TerminateInputs]) -> Decision:
    """Terminating a failed mediation requires telling the parties their other remedies.

    《人民调解法》第二十六条: the mediator terminates and informs the parties
    that they may seek arbitration, administrative or judicial remedies.
    """
    if not ctx.inputs.remedies_informed:
        return refuse(
            "terminate",
            "终止调解须告知当事人可以依法通过仲裁、行政、司法等途径维护权利",
            "《人民调解法》第二十六条",
        )
    return ALLOW


def on_terminate(case: Case, ctx: Context[TerminateInputs]) -> Case:
    """Close mediation clocks, record why; after failure the policy's callbacks, or the
    police penalty procedure for 治安调解 (程序规定 第一百八十五条)."""
    case = _close_work(case, ctx)
    case = evolve(case, outcome=ctx.inputs.reason)
    return _after_failure(case, ctx)


_OWED = frozenset({FEEDBACK.id, ESCALATION_REPORT.id})


def _close_work(case: Case, ctx: Context[Any]) -> Case:
    """Close the clocks of the round of mediation that ends, not the actions still owed.

    A report back on an assignment (交办: 《信访工作条例》第二十二条第一款第三项) and
    the report of an escalation risk (《人民调解法》第二十五条) are met only by making
    them: ending or reopening mediation neither makes them nor excuses them.
    """
    return deadlines.close(case, ctx, where=lambda d: d.period not in _OWED)


def _after_failure(case: Case, ctx: Context[Any]) -> Case:
    """治安调解 failed: the case-handling clock restarts from today (第一百八十五条);
    else the callback watch if the policy asks for visits after a failure. The
    day mediation ended is recorded (程序规定 第八十五条 counts from it)."""
    case = _with(case, ended_at=ctx.at)
    if _public_order(case, details(case).track, ctx):
        return deadlines.open_clock(case, ctx, PS_HANDLING)
    if ctx.policy.callbacks.after_failure:
        return deadlines.open_clock(case, ctx, CALLBACK)
    return deadlines.open_clock(case, ctx, CLOSING)


def penalty_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Only a failed 治安调解 goes back to the police penalty procedure (程序规定 第一百八十五条)."""
    found = details(case)
    if not _public_order(case, found.track, ctx) or found.penalty_decided_at is not None:
        return refuse(
            "decide_penalty",
            "只有调解不成的治安调解案件依法作出处罚决定",
            "程序规定 第一百八十五条",
        )
    return ALLOW


def on_penalty(case: Case, ctx: Context[Any]) -> Case:
    """Record the penalty decision: the case-handling clock is met (程序规定 第一百六十五、一百八十五条)."""
    case = deadlines.close(case, ctx, (PS_HANDLING,))
    case = _with(case, penalty_decided_at=ctx.at)
    return deadlines.open_clock(case, ctx, CLOSING)


# -- agreement --------------------------------------------------------------------------


@attrs.frozen(slots=True)
class AgreeInputs:
    """达成协议: the agreement's items, when it was reached, and who asked for writing."""

    agreement: agreement_rules.AgreementInput = field("调解协议")
    reached_at: dt.datetime | None = field("达成时间", default=None)
    writing_requested_by: tuple[str, ...] = field("要求书面协议的当事人", default=())


def _reached(ctx: Context[AgreeInputs]) -> dt.datetime:
    return ctx.inputs.reached_at or ctx.at


def agree_guard(case: Case, ctx: Context[AgreeInputs]) -> Decision:
    """An agreement in the form the law requires, with every item, and dates that hold.

    - 2002 规定 第三十四条: in writing when civil rights and obligations are
      involved (an amount above the policy's oral limit) or a party asks.
    - 《人民调解法》第二十九条; 2002 规定 第三十五条: the items of a written agreement.
    - Reached no later than now, and not before mediation began.
    - Every signature dated between the agreement and now; a performance date
      not before the agreement takes effect (both named ``agreement.<field>``).
    """
    given = ctx.inputs.agreement
    reached = _reached(ctx)
    if reached > ctx.at:
        return refuse_input(
            "agree",
            "agreement.reached_at",
            reached.isoformat(),
            "an agreement is not reached later",
        )
    started = details(case).started_at
    if started is not None and reached < started:
        return refuse_input(
            "agree",
            "agreement.reached_at",
            reached.isoformat(),
            f"an agreement cannot be reached before mediation began ({started.isoformat()})",
        )
    if given.form is AgreementForm.oral:
        limit = ctx.policy.part(AgreementPolicy).oral_limit
        asked = [p for p in ctx.inputs.writing_requested_by if p]
        if asked or (case.amount is not None and case.amount > limit):
            why = (
                "当事人要求书面协议" if asked else f"纠纷涉及民事权利义务（争议金额超过{limit}元）"
            )
            return refuse_input(
                "agree",
                "agreement.form",
                given.form.value,
                f"{why}，应当制作书面调解协议",
                "《人民调解工作若干规定》第三十四条",
            )
    for i, sig in enumerate(given.signatures):
        problem = agreement_rules.signature_problem(sig, case, f"agreement.signatures[{i}].party")
        if not problem.allowed:
            return problem
        problem = _signature_date(
            sig.signed_at, reached, ctx, f"agreement.signatures[{i}].signed_at"
        )
        if not problem.allowed:
            return problem
    agreement = agreement_rules.build_agreement(given, case, reached)
    missing = agreement_rules.missing_items(agreement, agreement_rules.principals(case.parties))
    if missing:
        names = "、".join(i.label for i in missing)
        return refuse("agree", f"调解协议缺少：{names}", missing[0].basis)
    return _deadline_problem(agreement, case, ctx)


def _signature_date(
    signed_at: dt.datetime, reached: dt.datetime, ctx: Context[Any], name: str
) -> Decision:
    if signed_at < reached:
        return refuse_input(
            "sign",
            name,
            signed_at.isoformat(),
            f"a signature cannot precede the agreement (reached {reached.isoformat()})",
            "《人民调解法》第二十九条第二款",
        )
    if signed_at > ctx.at:
        return refuse_input(
            "sign", name, signed_at.isoformat(), "a signature cannot be dated in the future"
        )
    return ALLOW


def _deadline_problem(agreement: Agreement, case: Case, ctx: Context[Any]) -> Decision:
    """The performance date is not before the agreement takes effect (nor already past)."""
    deadline = agreement.performance_deadline
    if deadline is None:
        return ALLOW
    effective = agreement_rules.effective_at(agreement, case.parties)
    start = (effective or agreement.reached_at).astimezone(ctx.policy.tz).date()
    if deadline < start:
        return refuse_input(
            "agree",
            "agreement.performance_deadline",
            deadline.isoformat(),
            f"the performance date is before the agreement takes effect ({start.isoformat()})",
            "《人民调解法》第二十九条第二款、第三十一条",
        )
    if deadline < ctx.day:
        return refuse_input(
            "agree",
            "agreement.performance_deadline",
            deadline.isoformat(),
            "the agreed performance date is already past",
        )
    return ALLOW


def on_agree(case: Case, ctx: Context[AgreeInputs]) -> Case:
    """Record the agreement (an earlier one is superseded), meet the mediation clock, and
    open the performance and confirmation clocks once it takes effect."""
    agreement = agreement_rules.build_agreement(ctx.inputs.agreement, case, _reached(ctx))
    case = deadlines.close(case, ctx, MEDIATION_CLOCKS)
    found = details(case)
    superseded = (
        found.superseded if found.agreement is None else (*found.superseded, found.agreement)
    )
    case = _with(case, agreement=agreement, superseded=superseded, confirmation=None)
    if effective(case) is None:
        case = deadlines.open_clock(case, ctx, SIGNING)
    return _on_effective(case, ctx)


def effective(case: Case) -> dt.datetime | None:
    """When the case's agreement took effect (``None``: not yet, or none)."""
    agreement = details(case).agreement
    if agreement is None:
        return None
    return agreement_rules.effective_at(agreement, case.parties)


def _on_effective(case: Case, ctx: Context[Any]) -> Case:
    """Once the agreement takes effect: the performance clock on the agreed date, and the
    parties' 30-day window to apply for judicial confirmation (《人民调解法》第三十三条;
    《民事诉讼法》第二百零五条), counted from the effective day."""
    agreement = details(case).agreement
    when = effective(case)
    if agreement is None or when is None:
        return case
    case = deadlines.close(case, ctx, (SIGNING,))
    open_periods = {d.period for d in case.deadlines if d.is_open}
    if agreement.performance_deadline is not None:
        if agreement_rules.PERFORMANCE.id not in open_periods:
            case = deadlines.open_fixed(
                case, ctx, agreement_rules.PERFORMANCE, agreement.performance_deadline
            )
    elif CALLBACK.id not in open_periods:
        case = deadlines.open_clock(case, ctx, CALLBACK)
    if agreement.form is AgreementForm.written and CONFIRMATION.id not in open_periods:
        start = when.astimezone(ctx.policy.tz).date()
        case = deadlines.open_clock(case, ctx, CONFIRMATION, start)
    return case


def sign_guard(case: Case, ctx: Context[agreement_rules.SignatureInput]) -> Decision:
    """A signature on a written agreement by one of its signers, dated between the agreement
    and now; the signature that makes it effective must not make the performance date early.

    《人民调解法》第二十九条第二款.
    """
    agreement = details(case).agreement
    if agreement is None or agreement.form is not AgreementForm.written:
        return refuse("sign", "只有书面调解协议需要签名、盖章", "《人民调解法》第二十九条第二款")
    problem = agreement_rules.signature_problem(ctx.inputs, case, "agreement.signatures.party")
    if not problem.allowed:
        return problem
    problem = _signature_date(
        ctx.inputs.signed_at, agreement.reached_at, ctx, "agreement.signatures.signed_at"
    )
    if not problem.allowed:
        return problem
    sig = agreement_rules.signature(ctx.inputs, case)
    signed = evolve(agreement, signatures=(*agreement.signatures, sig))
    return _deadline_problem(signed, case, ctx)


def on_sign(case: Case, ctx: Context[agreement_rules.SignatureInput]) -> Case:
    """Add a signature; when the agreement takes effect, its clocks open."""
    agreement = details(case).agreement
    assert agreement is not None
    sig = agreement_rules.signature(ctx.inputs, case)
    signed = evolve(agreement, signatures=(*agreement.signatures, sig))
    return _on_effective(_with(case, agreement=signed), ctx)


def performance_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Performance begins only once the agreement has taken effect (《人民调解法》第二十九、三十条)."""
    agreement = details(case).agreement
    if agreement is None or effective(case) is None:
        missing = "、".join(
            {"mediator": "调解员签名", "committee": "调解委员会盖章"}.get(x, f"{x}签名")
            for x in (agreement_rules.unsigned(agreement, case.parties) if agreement else ())
        )
        return refuse(
            "begin_performance",
            f"调解协议尚未生效（尚缺：{missing}），不能进入履行",
            "《人民调解法》第二十九条第二款",
        )
    return ALLOW


# -- performance and callbacks ----------------------------------------------------------


@attrs.frozen(slots=True)
class NoteInputs:
    """A step with an optional note."""

    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class PerformedInputs:
    """确认履行: a note and the evidence of performance (履行凭证)."""

    note: str = field("备注", default="")
    evidence: str = field("履行凭证", default="")


def on_performed(case: Case, ctx: Context[Any]) -> Case:
    """Meet the performance clock; schedule the callback visit (RULES.md §7.5).

    Non-performance closes the performance clock the same way; the callback
    then urges performance or tells the parties they may sue (《人民调解法》第三十二条;
    2002 规定 第三十七条).
    """
    case = deadlines.close(case, ctx, (agreement_rules.PERFORMANCE,))
    if any(d.period == CALLBACK.id and d.is_open for d in case.deadlines):
        return case
    return deadlines.open_clock(case, ctx, CALLBACK)


@attrs.frozen(slots=True)
class CallbackInputs:
    """记录回访: who visited whom, performance, satisfaction (structured), recurrence."""

    visitor: str = field("回访人", validator=_nonblank)
    party: str = field("被回访人", default="")
    performance: str = field("履行情况", default="")
    satisfaction: Satisfaction = field("满意程度", default=Satisfaction.unknown)
    recurrence: str = field("有无反复", default="")


def on_callback(case: Case, ctx: Context[CallbackInputs]) -> Case:
    """Record a visit; the callback clock is met by the visit itself, not by closing.

    《人民调解法》第三十一条第二款; 2002 规定 第三十六条.
    """
    given = ctx.inputs
    visit = Visit(
        at=ctx.at,
        visitor=given.visitor.strip(),
        party=given.party,
        performance=given.performance,
        satisfaction=given.satisfaction.value,
        recurrence=given.recurrence,
    )
    case = _with(case, visits=(*details(case).visits, visit))
    case = deadlines.close(case, ctx, (CALLBACK,))
    if not any(d.period == CLOSING.id and d.is_open for d in case.deadlines):
        case = deadlines.open_clock(case, ctx, CLOSING)
    return case


@attrs.frozen(slots=True)
class ReasonInputs:
    """A step that must state why (重新调解, 重新启动)."""

    reason: str = field("理由", validator=_nonblank)


def remediate_guard(case: Case, ctx: Context[ReasonInputs]) -> Decision:
    """Re-mediation (2002 规定 第三十七条第二项) reopens the agreement; after a rejected
    confirmation the parties may change it by mediation (《民事诉讼法》第二百零六条)."""
    confirmation = details(case).confirmation
    if case.state in ("agreed", "performing") and (
        confirmation is None or confirmation.ruling != "rejected"
    ):
        return refuse(
            "remediate",
            "协议履行中只有司法确认被驳回后才能重新调解变更协议",
            "《民事诉讼法》第二百零六条",
        )
    return ALLOW


def on_reopen(case: Case, ctx: Context[Any]) -> Case:
    """Reopen mediation: the old agreement's periods (its confirmation window, its
    performance date) are cancelled — not breached, not lapsed; the unit's open clocks
    close; a new mediation clock opens.

    A reopened mediation is a new attempt at this level: a ladder such as 江阴's
    "331" counts it (issue 10 §4; RULES.md §7.4, PRACTICE; 2002 规定 第三十七条
    for re-mediation of an agreement)."""
    case = deadlines.cancel_all(case, ctx, where=lambda d: not d.kind.is_own)
    case = _close_work(case, ctx)
    attempts = (*details(case).attempts, _level(case, ctx) or "")
    case = _with(case, started_at=ctx.at, attempts=attempts)
    rule, start = mediation_clock(case, ctx)
    return deadlines.open_clock(case, ctx, rule, max(start, ctx.day))


@attrs.frozen(slots=True)
class CloseInputs:
    """结案: a note; without the visits the policy requires, the reason they were not made."""

    note: str = field("备注", default="")
    no_visit_reason: str = field("未回访原因", default="")


def _visits_needed(case: Case, ctx: Context[Any]) -> int:
    found = details(case)
    return (
        ctx.policy.callbacks.after_agreement
        if found.agreement is not None
        else ctx.policy.callbacks.after_failure
    )


def close_guard(case: Case, ctx: Context[CloseInputs]) -> Decision:
    """Closure needs the callback visits the policy asks for, or the reason they were not made;
    a 交办 case needs its report back; a failed 治安调解 its penalty decision.

    《人民调解法》第三十一条第二款; 2002 规定 第三十六条; 程序规定 第一百八十五条.
    """
    found = details(case)
    needed = _visits_needed(case, ctx)
    if len(found.visits) < needed and not ctx.inputs.no_visit_reason.strip():
        return refuse(
            "close",
            f"结案前须回访{needed}次，已回访{len(found.visits)}次；未能回访的须写明原因",
            "《人民调解法》第三十一条第二款；《人民调解工作若干规定》第三十六条",
        )
    pending = [d for d in case.deadlines if d.period == FEEDBACK.id and d.is_open]
    if pending:
        return refuse(
            "close", "交办案件须先向交办单位反馈办理结果", "《信访工作条例》第二十二条第一款第三项"
        )
    if (
        _public_order(case, found.track, ctx)
        and case.state == "failed"
        and found.penalty_decided_at is None
    ):
        return refuse("close", "治安调解不成的，须依法作出处罚决定", "程序规定 第一百八十五条")
    return ALLOW


def on_close(case: Case, ctx: Context[CloseInputs]) -> Case:
    """End every clock: the unit's met or breached; the parties' cancelled; a callback clock
    with no visit made is not counted as met (cancelled, or breached if already late)."""
    found = details(case)
    reason = ctx.inputs.no_visit_reason.strip()
    late = [
        d for d in case.deadlines if d.period == CALLBACK.id and d.is_open and ctx.at > d.due_at
    ]
    case = deadlines.cancel_all(
        case, ctx, where=lambda d: not d.kind.is_own or (d.period == CALLBACK.id and d not in late)
    )
    case = deadlines.close(case, ctx)
    if reason:
        case = _with(case, closed_without_visit=reason)
    how = "agreement" if found.agreement is not None else "failed"
    return record_resolution(case, ctx, how, found.track)


@attrs.frozen(slots=True)
class ArchiveInputs:
    """立卷归档: the dossier number."""

    dossier_no: str = field("卷宗号", default="")


@attrs.frozen(slots=True)
class WithdrawInputs:
    """撤回: why, and who withdrew."""

    reason: str = field("撤回理由", validator=_nonblank)
    by: str = field("撤回人", default="")


@attrs.frozen(slots=True)
class TransferInputs:
    """移送: why, to which organ, and (for a dispute that may escalate) the easing measures."""

    reason: str = field("移送理由", validator=_nonblank)
    to: str = field("移送机关", validator=_nonblank)
    measures: str = field("已采取的疏导措施", default="")


def transfer_guard(case: Case, ctx: Context[TransferInputs]) -> Decision:
    """A dispute that may escalate is first eased, then handed over (2002 规定 第二十四条)."""
    if case.risk is Risk.high and not ctx.inputs.measures.strip():
        return refuse_input(
            "transfer_out",
            "measures",
            "",
            "纠纷有激化可能，须先采取疏导措施再移送",
            "《人民调解工作若干规定》第二十四条",
        )
    return ALLOW


def on_transfer(case: Case, ctx: Context[TransferInputs]) -> Case:
    """Transferred to the competent organ: every clock cancelled, the organ recorded."""
    case = deadlines.cancel_all(case, ctx)
    case = evolve(case, outcome=f"移送{ctx.inputs.to.strip()}：{ctx.inputs.reason.strip()}")
    return record_resolution(case, ctx, "transferred_out", details(case).track)


def on_withdraw(case: Case, ctx: Context[WithdrawInputs]) -> Case:
    """Withdrawn by the applicant (《人民调解法》第二十三条): every clock cancelled."""
    case = deadlines.cancel_all(case, ctx)
    case = evolve(case, outcome=ctx.inputs.reason)
    return record_resolution(case, ctx, "withdrawn", details(case).track)


# -- escalation risk --------------------------------------------------------------------


@attrs.frozen(slots=True)
class RiskInputs:
    """风险研判: the finding, the level, the measures, and whom it was reported to."""

    level: Risk = field("风险等级")
    finding: str = field("研判情况", validator=_nonblank)
    measures: str = field("已采取的预防措施", default="")
    reported_to: str = field("已报告的机关", default="")


def risk_guard(case: Case, ctx: Context[RiskInputs]) -> Decision:
    """A high risk is met with targeted measures (《人民调解法》第二十五条)."""
    given = ctx.inputs
    if given.level is Risk.high and not given.measures.strip():
        return refuse_input(
            "assess_risk",
            "measures",
            "",
            "发现纠纷有可能激化的，应当采取有针对性的预防措施",
            "《人民调解法》第二十五条",
        )
    return ALLOW


def on_risk(case: Case, ctx: Context[RiskInputs]) -> Case:
    """Record the finding; a high risk owes a report to the police or a department, due
    at once (the clock shows in ``due`` as the action owed) until it is made."""
    given = ctx.inputs
    report = RiskReport(ctx.at, given.level, given.finding, given.measures, given.reported_to)
    case = _with(case, risk_reports=(*details(case).risk_reports, report))
    case = evolve(case, risk=given.level)
    if given.reported_to.strip():
        return deadlines.close(case, ctx, (ESCALATION_REPORT,))
    return _risk_clock(case, ctx, given.level)


def report_owed_check(before: Case, after: Case, ctx: Context[Any]) -> Decision:
    """A case that owes the report of an escalation risk is not closed before it is made.

    《人民调解法》第二十五条: a dispute that may lead to a public-order or criminal
    case is reported to the local police or another department 及时 (promptly).
    Ending the case — an agreement, a failure, a withdrawal, not accepting it —
    neither makes the report nor excuses it, and closing would end its clock as if
    it had been made. Record it first (``assess_risk`` naming ``reported_to``). (The
    workflow does not ask it of a transfer or hand-off, which puts the matter before
    another organ.)
    """
    if not any(d.period == ESCALATION_REPORT.id and d.is_open for d in before.deadlines):
        return ALLOW
    return refuse(
        "escalation_report",
        "本案有激化风险，须先向当地公安机关或者其他有关部门报告并登记"
        "（风险研判：填写“已报告的机关”），方可结案",
        "《人民调解法》第二十五条",
    )


# -- judicial confirmation --------------------------------------------------------------


class ConfirmationExclusion(LabeledEnum):
    """Applications a court does not accept (民诉法解释 第三百五十五条)."""

    outside_remit = "outside_remit", "不属于人民法院受理范围"
    jurisdiction = "jurisdiction", "不属于收到申请的人民法院管辖"
    status = "status", "确认身份关系（婚姻、亲子、收养）"
    special_procedure = "special_procedure", "涉及适用其他特别程序、公示催告程序、破产程序"
    property_title = "property_title", "调解协议内容涉及物权、知识产权确权"


class RejectionGround(LabeledEnum):
    """Grounds on which a court rejects an application (民诉法解释 第三百五十八条)."""

    mandatory_law = "mandatory_law", "违反法律强制性规定"
    public_interest = "public_interest", "损害国家利益、社会公共利益、他人合法权益"
    good_morals = "good_morals", "违背公序良俗"
    not_voluntary = "not_voluntary", "违反自愿原则"
    unclear = "unclear", "内容不明确"
    other = "other", "其他不能进行司法确认的情形"


@attrs.frozen(slots=True)
class ApplyConfirmationInputs:
    """申请司法确认: the court, that both parties apply, and the matters the agreement covers."""

    court: str = field("受理法院", validator=_nonblank)
    joint: bool = field("双方当事人共同申请", default=False)
    matters: tuple[ConfirmationExclusion, ...] = field("涉及事项", default=())


def apply_confirmation_guard(case: Case, ctx: Context[ApplyConfirmationInputs]) -> Decision:
    """A written, effective agreement; both parties; within 30 days; not an excluded matter.

    《人民调解法》第三十三条; 《民事诉讼法》第二百零五条 (jointly, within 30 days of
    the effective date: a late application is not accepted, RULES.md §3);
    民诉法解释 第三百五十五条 (matters the court does not accept).
    """
    found = details(case)
    agreement = found.agreement
    if agreement is None or agreement.form is not AgreementForm.written or effective(case) is None:
        return refuse(
            "apply_confirmation",
            "只有已生效的书面调解协议可以申请司法确认",
            "《人民调解法》第三十三条",
        )
    if found.confirmation is not None and found.confirmation.ruling is None:
        return refuse("apply_confirmation", "司法确认申请正在审查中", "《民事诉讼法》第二百零五条")
    if not ctx.inputs.joint:
        return refuse_input(
            "apply_confirmation",
            "joint",
            False,
            "双方当事人应当共同向人民法院申请司法确认",
            "《民事诉讼法》第二百零五条",
        )
    window = [d for d in case.deadlines if d.period == CONFIRMATION.id]
    if not window or not window[-1].is_open or ctx.at > window[-1].due_at:
        due = window[-1].due.isoformat() if window else "—"
        return refuse(
            "apply_confirmation",
            f"申请司法确认的期间已届满（自协议生效之日起三十日，至{due}）",
            "《人民调解法》第三十三条；《民事诉讼法》第二百零五条",
        )
    if ctx.inputs.matters:
        labels = "、".join(m.label for m in ctx.inputs.matters)
        return refuse_input(
            "apply_confirmation",
            "matters",
            [m.value for m in ctx.inputs.matters],
            f"人民法院裁定不予受理的事项：{labels}",
            "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百五十五条",
        )
    return ALLOW


def on_apply_confirmation(case: Case, ctx: Context[ApplyConfirmationInputs]) -> Case:
    """The window is met; the court's 3 days to decide on acceptance start (法释〔2011〕5号 第四条)."""
    case = deadlines.close(case, ctx, (CONFIRMATION,))
    confirmation = Confirmation(ctx.inputs.court.strip(), ctx.at)
    case = _with(case, confirmation=confirmation)
    return deadlines.open_clock(case, ctx, COURT_ACCEPT)


def court_accepts_guard(case: Case, ctx: Context[Any]) -> Decision:
    """The court accepts an application it has received (法释〔2011〕5号 第四条)."""
    confirmation = details(case).confirmation
    if confirmation is None or confirmation.ruling is not None:
        return refuse("court_accepts", "没有待法院处理的司法确认申请", "《民事诉讼法》第二百零五条")
    if confirmation.accepted_at is not None:
        return refuse("court_accepts", "法院已受理该申请", "法释〔2011〕5号 第四条")
    return ALLOW


def on_court_accepts(case: Case, ctx: Context[Any]) -> Case:
    """Accepted: 15 days to decide (+10 with the president's approval, 第五条), within the
    statute's 30 days from filing (《民事诉讼法》第一百八十七条)."""
    found = details(case)
    assert found.confirmation is not None
    case = deadlines.close(case, ctx, (COURT_ACCEPT,))
    case = _with(case, confirmation=evolve(found.confirmation, accepted_at=ctx.at))
    case = deadlines.open_clock(case, ctx, COURT_EXAMINE)
    return deadlines.open_clock(case, ctx, COURT_STATUTORY)


class Ruling(LabeledEnum):
    """What the court decided on an application for confirmation."""

    valid = "valid", "裁定调解协议有效"
    rejected = "rejected", "裁定驳回申请"
    not_accepted = "not_accepted", "裁定不予受理"
    withdrawn = "withdrawn", "按撤回申请处理"


@attrs.frozen(slots=True)
class CourtRulesInputs:
    """法院裁定: the ruling and, for a rejection or non-acceptance, its ground."""

    ruling: Ruling = field("裁定结果")
    rejection: RejectionGround | None = field("驳回理由", default=None)
    exclusion: ConfirmationExclusion | None = field("不予受理理由", default=None)


def court_rules_guard(case: Case, ctx: Context[CourtRulesInputs]) -> Decision:
    """A ruling on an application (《民事诉讼法》第二百零六条): valid or rejected after
    acceptance, not accepted before it; a rejection names its ground (民诉法解释
    第三百五十八条), a non-acceptance its ground (第三百五十五条)."""
    given = ctx.inputs
    confirmation = details(case).confirmation
    if confirmation is None or confirmation.ruling is not None:
        return refuse("court_rules", "没有待法院处理的司法确认申请", "《民事诉讼法》第二百零五条")
    accepted = confirmation.accepted_at is not None
    if given.ruling in (Ruling.valid, Ruling.rejected) and not accepted:
        return refuse("court_rules", "法院尚未受理该申请", "法释〔2011〕5号 第五条")
    if given.ruling is Ruling.not_accepted and accepted:
        return refuse(
            "court_rules",
            "受理后发现不应受理的，裁定驳回申请",
            "民诉法解释 第三百五十五条第二款",
        )
    if given.ruling is Ruling.rejected and given.rejection is None:
        return refuse_input(
            "court_rules",
            "rejection",
            None,
            "state the ground of the rejection",
            "民诉法解释 第三百五十八条",
        )
    if given.ruling is Ruling.not_accepted and given.exclusion is None:
        return refuse_input(
            "court_rules",
            "exclusion",
            None,
            "state the ground of the non-acceptance",
            "民诉法解释 第三百五十五条",
        )
    return ALLOW


def on_court_rules(case: Case, ctx: Context[CourtRulesInputs]) -> Case:
    """Record the ruling; the court's clocks are met.

    Valid: a party that does not perform may be compelled (the other may
    apply for enforcement, 《民事诉讼法》第二百零六条、第二百五十条). Rejected: the
    parties may change the agreement or reach a new one by mediation, or sue.
    """
    given = ctx.inputs
    found = details(case)
    assert found.confirmation is not None
    ground = given.rejection or given.exclusion
    ruled = evolve(
        found.confirmation,
        ruling=given.ruling.value,
        ruled_at=ctx.at,
        grounds="" if ground is None else ground.label,
    )
    case = deadlines.close(case, ctx, (COURT_ACCEPT, COURT_EXAMINE, COURT_STATUTORY))
    return _with(case, confirmation=ruled)


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
    if way is Direction.down and feedback_by is None:
        # The default period rolls past a rest day like any period (民法典 第二百零三条);
        # its length is policy data (Policy(periods=...)), recorded for replay.
        feedback_by = ctx.clocks.due(FEEDBACK_DEFAULT.id, ctx.day)[0].due
    referral = Referral(
        way, case.unit, given.to, given.reason, ctx.at, case.state, given.note, feedback_by
    )
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
        case = deadlines.open_fixed(case, ctx, FEEDBACK, pending.feedback_by)
    if pending.from_state in ("received", "triaged"):
        return case  # the acceptance decision is still to take, here
    case = deadlines.close(case, ctx, (ACCEPTANCE,))
    rule, start = mediation_clock(case, ctx)
    return deadlines.open_clock(case, ctx, rule, max(start, ctx.day))


@attrs.frozen(slots=True)
class ReturnReferralInputs:
    """退回: why the receiver returns the case."""

    reason: str = field("退回理由", validator=_nonblank)


def on_return(case: Case, ctx: Context[ReturnReferralInputs]) -> Case:
    """The receiver returns the case to the sender, with its reasons; the sender resumes."""
    pending = _last_referral(case)
    assert pending is not None
    returned = evolve(
        pending, outcome="returned", decided_at=ctx.at, return_reason=ctx.inputs.reason
    )
    found = details(case)
    case = _with(case, referrals=(*found.referrals[:-1], returned))
    case = deadlines.close(case, ctx, (ACCEPTANCE,))
    org = ctx.policy.org
    level = org.level_of(pending.from_unit) if org is not None else case.level
    case = evolve(case, unit=pending.from_unit, level=level)
    if pending.from_state in ("received", "triaged"):
        return deadlines.open_clock(case, ctx, ACCEPTANCE)
    rule, start = mediation_clock(case, ctx)
    return deadlines.open_clock(case, ctx, rule, max(start, ctx.day))


@attrs.frozen(slots=True)
class FeedbackInputs:
    """反馈: the report to the unit that assigned the case."""

    report: str = field("反馈报告", validator=_nonblank)


def feedback_guard(case: Case, ctx: Context[FeedbackInputs]) -> Decision:
    """A report back is owed only on an assigned case (交办, 《信访工作条例》第二十二条)."""
    if not any(d.period == FEEDBACK.id and d.is_open for d in case.deadlines):
        return refuse("report_feedback", "本案无待反馈的交办事项", "《信访工作条例》第二十二条")
    return ALLOW


def on_feedback(case: Case, ctx: Context[FeedbackInputs]) -> Case:
    """Record the report and meet the report-back clock."""
    taken = [r for r in details(case).referrals if r.outcome == "taken" and r.feedback_by]
    to_unit = taken[-1].from_unit if taken else ""
    report = Feedback(ctx.at, case.unit, to_unit, ctx.inputs.report.strip())
    case = _with(case, feedback=(*details(case).feedback, report))
    return deadlines.close(case, ctx, (FEEDBACK,))


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
    """

    track: str = field("移交调解途径")
    unit: str = field("接收机关")
    reason: str = field("移交理由", validator=_nonblank)
    consent: bool = field("当事人同意", default=False)
    certificate_received_on: dt.date | None = field("收到事故认定书日期", default=None)
    mediation_start_on: dt.date | None = field("调解开始日期", default=None)


def hand_off_guard(case: Case, ctx: Context[HandOffInputs]) -> Decision:
    """Another track's organ of the right kind; the parties' consent; a switch from failed
    people's mediation to police traffic mediation within 3 working days (程序规定 第八十五条).

    《信访工作条例》第三十七条 (三调联动); 《人民调解法》第十八条 (courts and police
    refer parties to committees); 《道路交通事故处理程序规定》第八十五、八十六条.
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
    traffic = given.track == "administrative" and "traffic" in ancestors(
        case.category, policy.categories
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


def on_hand_off(case: Case, ctx: Context[HandOffInputs]) -> Case:
    """Open the receiving track's case at its organ (parties, claims and overlays carried;
    both linked); this case ends as handed on, its clocks cancelled — not breached."""
    given = ctx.inputs
    found = details(case)
    ctx.open_case(
        workflow="dispute",
        unit=given.unit,
        channel=case.channel,
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
        },
        note=given.reason,
        overlays=dict(case.overlays),
    )
    case = deadlines.cancel_all(case, ctx)
    case = evolve(case, outcome=f"移交{ctx.policy.tracks[given.track].label}：{given.reason}")
    return record_resolution(case, ctx, "handed_off", found.track)


# -- documents --------------------------------------------------------------------------


def remedies(case: Case, policy: Any) -> tuple[str, ...]:
    """Every remedy the parties may still pursue, for the 不予受理 and 终止 notices.

    《人民调解法》第二十六条 (arbitration, administrative or judicial channels as
    the law provides); 第三十二条 (suit on the agreement); 2002 规定 第三十七条
    (the basic-level government); the special statutes of RULES.md §6 by category.
    """
    cats = ancestors(case.category, policy.categories)
    out: list[str] = []
    if "labour" in cats:
        out.append("向劳动人事争议仲裁委员会申请仲裁（《劳动争议调解仲裁法》第十四条第三款）")
    if "land_contract" in cats:
        out.append("向农村土地承包仲裁委员会申请仲裁（《农村土地承包经营纠纷调解仲裁法》第四条）")
    if "medical" in cats:
        out.append("向县级卫生主管部门申请医疗纠纷行政调解（《医疗纠纷预防和处理条例》第四十条）")
    if "traffic" in cats:
        out.append(
            "共同书面申请公安机关交通管理部门调解损害赔偿（《道路交通事故处理程序规定》第八十五条）"
        )
    if "public_order" in cats:
        out.append("由公安机关依法处理（《治安管理处罚法》第九条）")
    out.append("请求基层人民政府处理（《人民调解工作若干规定》第三十七条）")
    out.append("依法向人民法院提起诉讼（《人民调解法》第二十六条、第三十二条）")
    return tuple(out)


def dispute_facts(case: Case, policy: Any) -> dict[str, Any]:
    """What dispute documents print about the case beyond the generic core."""
    found = details(case)
    track = policy.tracks.get(found.track) if found.track else None
    agreement = found.agreement
    signatures = agreement.signatures if agreement is not None else ()
    when = effective(case)
    pending = [
        {"missing": m}
        for m in (agreement_rules.unsigned(agreement, case.parties) if agreement else ())
    ]
    confirmation = found.confirmation
    return {
        "track": found.track or "",
        "track_label": track.label if track is not None else (found.track or ""),
        "agreement_form": agreement.form.value if agreement is not None else "",
        "written_agreement": bool(agreement and agreement.form is AgreementForm.written),
        "agreement_effective": when is not None,
        "agreement_effective_at": when.isoformat() if when is not None else "",
        "agreement_unsigned": pending,
        "mediator_signers": [s.signer for s in signatures if s.capacity == SignerCapacity.mediator],
        "committee_seal": next(
            (s.signer for s in signatures if s.capacity == SignerCapacity.committee), ""
        ),
        "remedies": list(remedies(case, policy)),
        "rights_informed_at": found.rights_informed_at.isoformat()
        if found.rights_informed_at
        else "",
        "referrals": [
            {
                "direction": r.direction.value,
                "direction_label": r.direction.label,
                "from_unit": r.from_unit,
                "to_unit": r.to_unit,
                "reason": r.reason,
                "at": r.at.isoformat(),
                "note": r.note,
                "feedback_by": r.feedback_by.isoformat() if r.feedback_by else "",
                "outcome": r.outcome,
                "return_reason": r.return_reason,
            }
            for r in found.referrals
        ],
        "feedback": [
            {"at": f.at.isoformat(), "unit": f.unit, "to_unit": f.to_unit, "report": f.report}
            for f in found.feedback
        ],
        "confirmation": None
        if confirmation is None
        else {
            "court": confirmation.court,
            "applied_at": confirmation.applied_at.isoformat(),
            "ruling": confirmation.ruling or "",
            "grounds": confirmation.grounds,
        },
        "refusals": [
            {"party": _party_name(case, r.party), "stage": r.stage, "statement": r.statement}
            for r in found.refusals
        ],
        "closed_without_visit": found.closed_without_visit,
        "handed_from": found.handed_from or "",
    }
