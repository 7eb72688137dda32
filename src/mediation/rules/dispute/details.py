"""What the dispute workflow records on a case (:class:`DisputeDetails`), and the keys that
find duplicates and related cases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable
from typing import Any

import attrs

from mediation.model import (
    Agreement,
    Case,
    Intake,
    LabeledEnum,
    Party,
    PartyRole,
    Risk,
    Visit,
    evolve,
)
from mediation.rules.base import Context
from mediation.rules.referral import Direction

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
        court: The people's court that delegated (委派) or entrusted (委托) the mediation:
            judicial confirmation of its agreement is applied for there (《民事诉讼法》
            第二百零五条第一项).
        online: Court delegation before filing on the court's online platform: 30 days
            from the mediator's confirming on the platform, appraisal time excluded
            (《人民法院在线调解规则》第二十四条、第二十六条).
    """

    received_on: dt.date | None = None
    certificate_received_on: dt.date | None = None
    mediation_start_on: dt.date | None = None
    materials_signed_on: dt.date | None = None
    appraisal_issued_on: dt.date | None = None
    simplified: bool = False
    court: str | None = None
    online: bool = False


@attrs.frozen(slots=True)
class Refusal:
    """A party's refusal of mediation (《人民调解法》第十七条、第二十三条)."""

    party: str
    at: dt.datetime
    stage: str
    statement: str = ""


_BACK_TO_SENDER = frozenset({"returned", "refused"})
"""The outcomes of a referral after which the sender holds the case again."""


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
        outcome: ``pending``, ``taken``, ``returned``, or ``refused`` (a party refused
            mediation before the receiver took it, dispute v4 on).
        decided_at: When the receiver took or returned it.
        return_reason: Why the receiver returned it.
        feedback_default: ``feedback_by`` is the policy's default, the sender having set no
            date (dispute v4 on): the report back is then a target, not a limit.
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
    feedback_default: bool = False

    @property
    def went_back(self) -> bool:
        """Whether the case went back to the sender: returned (退回), or a party refused
        mediation while the receiver had not yet taken it (the sender closes it)."""
        return self.outcome in _BACK_TO_SENDER


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
class PoliceReferral:
    """警调对接, on the police case: the committee's case it was handed to, what that case
    reported, and the police's decision on the parties' joint application
    (《公安机关办理行政案件程序规定》第一百八十六条; :mod:`mediation.rules.dispute.jingtiao`).

    Attributes:
        committee_case: The case opened at the committee.
        result: The last result it reported (``performed``, ``not_performed``, ``failed``;
            ``""``: none yet).
        reported_at: When that result was reported.
        waived_at: When the police approved the parties' joint written application.
        applied_on: The date of that application.
    """

    committee_case: str
    result: str = ""
    reported_at: dt.datetime | None = None
    waived_at: dt.datetime | None = None
    applied_on: dt.date | None = None


@attrs.frozen(slots=True, weakref_slot=False)
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
        performed_at: When performance of an agreement was last confirmed (workflow
            version 4 on; the agreement performed is the one reached before it).
        police_referral: 警调对接: a 治安 case the police handed to a committee before
            deciding on the penalty (workflow version 4 on).
        penalty_waived_at: 治安: when the police approved the parties' joint written
            application after they settled themselves and performed, and imposed no
            penalty (程序规定 第一百八十六条).
        rights_informed_to: The parties (ids) told their rights and duties, as told each
            time (workflow version 4 on): a party registered after is told before mediation.
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
    performed_at: dt.datetime | None = None
    police_referral: PoliceReferral | None = None
    penalty_waived_at: dt.datetime | None = None
    rights_informed_to: tuple[str, ...] = ()

    def unit_moves(self) -> tuple[tuple[dt.datetime, str, str], ...]:
        """Every change of the unit holding the case, in order: (when, from, to).

        A referral moves the case to the receiver when it is sent; one that went back
        (:attr:`Referral.went_back`) moves it back to the sender when decided. Statistics
        read this to count each clock for the unit that held the case while it ran
        (:func:`mediation.statistics.clock_units`).
        """
        moves: list[tuple[dt.datetime, str, str]] = []
        for r in self.referrals:
            moves.append((r.at, r.from_unit, r.to_unit))
            if r.went_back and r.decided_at is not None:
                moves.append((r.decided_at, r.to_unit, r.from_unit))
        return tuple(moves)


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


_KEYS: dict[int, tuple[Intake, tuple[str, ...]]] = {}
"""The keys of the last few registrations, by identity: id → (the registration, its keys)."""
_KEYS_KEPT = 16


def dispute_keys(case: Case) -> Iterable[str]:
    """Lookup keys of a dispute: each party, and the matter (same parties, same category).

    A party is known by its ID where given, else by normalised name and
    address; the matter by the sorted parties (agents excluded) and the
    category (issue 10: same parties and same matter → show the open case).

    The keys depend on the registration alone (frozen): an intake asks for them
    several times (related cases, guards, effects, the stored keys), so the last
    few registrations' keys are remembered by identity.
    """
    registration = case.intake
    hit = _KEYS.get(id(registration))
    if hit is not None and hit[0] is registration:
        return hit[1]
    people = sorted({_person(p) for p in registration.parties if p.role is not PartyRole.agent})
    digest = hashlib.sha256(("|".join(people) + "#" + registration.category).encode())
    keys = (*(f"party:{person}" for person in people), f"matter:{digest.hexdigest()[:32]}")
    if len(_KEYS) >= _KEYS_KEPT:
        try:
            del _KEYS[next(iter(_KEYS))]
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            _KEYS.clear()
    _KEYS[id(registration)] = (registration, keys)
    return keys
