"""The clocks the dispute rules open, the tracks each kind of unit runs, and the policies
that configure the rules (registration, agreements).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from mediation.rules.clockbook import FixedClock
from mediation.rules.counting import PeriodUnit
from mediation.rules.linkage import MEDIATION_PERIODS
from mediation.rules.org import UnitKind
from mediation.rules.periods import ClockHolder, PeriodRule, period

ACCEPTANCE = period("dispute_acceptance")
SUSPENSION = period("suspension_review")
TRAFFIC_START = period("traffic_start_review")
CALLBACK = period("callback_visit")
CONFIRMATION = period("judicial_confirmation_apply")
COURT_ACCEPT = period("judicial_confirmation_accept")
COURT_EXAMINE = period("judicial_confirmation_examine")
COURT_STATUTORY = period("judicial_confirmation_statutory")
OBJECTION = period("confirmation_objection_party")
OBJECTION_INTERESTED = period("confirmation_objection_interested")
RULING_OBJECTIONS = frozenset({OBJECTION.id, OBJECTION_INTERESTED.id})
"""The periods to object to a court's ruling on an agreement (民诉法解释 第三百七十二条): a
party's and an interested person's rights against the court, which mediation does not end."""
ENFORCEMENT = period("enforcement_apply")
LIMITATION = period("limitation_period")
LABOUR_TIME_BAR = period("labour_arbitration_time_bar")
LAND_TIME_BAR = period("land_arbitration_time_bar")
MEDICAL_ADMIN_ACCEPT = period("medical_admin_accept")
TRAFFIC_APPLY = period("traffic_police_apply")
TRAFFIC_SWITCH = period("traffic_switch_to_police")
TRAFFIC_NOTICE = period("traffic_session_notice")
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
_COURT_ONLINE = period("court_online_prefiling")

MEDIATION_CLOCKS: tuple[PeriodRule, ...] = (
    *MEDIATION_PERIODS,
    _COURT_ENTRUSTED_SIMPLE,
    _COURT_ONLINE,
    PS_FIRST,
    PS_SECOND,
)
"""The clocks a mediation runs on, by track and category: version 1's
(:data:`~mediation.rules.linkage.MEDIATION_PERIODS`), the simplified procedure's
entrusted mediation, online pre-filing mediation and 治安调解's two sessions."""

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

FEEDBACK_TARGET = FixedClock(
    "assignment_feedback_target",
    "交办事项反馈（默认期限）",
    "分流交办、办结反馈 (PRACTICE, RULES.md §7.3)；交办未定期限的，按默认期限反馈",
    holder=ClockHolder.unit,
    soft=True,
)
"""The report-back date of a 交办 that named none (dispute v4 on): the policy's default
(:data:`FEEDBACK_DEFAULT`, a practice number) is a target, not a limit whose breach is
supervised — the assigning unit set no date."""

FEEDBACK_CLOCKS = frozenset({FEEDBACK.id, FEEDBACK_TARGET.id})
"""The clocks of a report back owed on an assignment (交办)."""

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


V4 = 4
"""Dispute workflow version 4 (not in any release yet; version 5, which adds guards only, is
the current one). The rules that would change how a case recorded under versions 2 and 3
replays apply from it on — each use says which; those versions replay as recorded."""


def v4(case: Any) -> bool:
    """Whether ``case`` runs under the rules of dispute workflow version 4 or later (:data:`V4`)."""
    return bool(case.workflow_version >= V4)


V8 = 8
"""Dispute workflow version 8: a people's mediation committee does not accept a dispute
between organisations only (2002 规定 第二十条; :func:`~.acceptance.not_civil_dispute`);
a medium risk, like a high one, needs measures (《人民调解法》第二十五条;
:func:`~.mediation.risk_guard`); a high-risk case is eased before it is handed off
(2002 规定 第二十四条; :func:`~.referral.hand_off_guard`); an administrative organ does not
mediate a dispute held in people's mediation, by a court or in arbitration (RULES.md §6.7;
:func:`~.acceptance.medical_exclusive_guard`); a labour agreement is confirmed on payment
obligations only, by the committee's court (劳动争议解释（一）第五十二条;
:func:`~.court.labour_confirmation_problem`); a labour or land-contract claim runs its
arbitration time bar (:func:`~.limitation.time_bar`); a rejection keeps both its grounds
(:func:`~.court.on_court_rules`)."""


def v8(case: Any) -> bool:
    """Whether ``case`` runs under the rules of dispute workflow version 8 or later (:data:`V8`)."""
    return bool(case.workflow_version >= V8)


V10 = 10
"""Dispute workflow version 10: a callback visit records whom it visited and, when the case
has an agreement, what it found of the agreement's performance — the callback record's items
(《人民调解法》第三十一条第二款; RULES.md §7.5; :func:`~.performance.callback_guard`)."""


def v10(case: Any) -> bool:
    """Whether ``case`` runs under the rules of dispute workflow version 10 or later (:data:`V10`)."""
    return bool(case.workflow_version >= V10)


V11 = 11
"""Dispute workflow version 11: traffic police mediation starts only on a recorded notice
of the session, given three working days before it (《道路交通事故处理程序规定》第八十八条、
第一百一十二条; :func:`~.mediation.traffic_session_guard`); and the time a medical
dispute's appraisal took is left out of its 30 working days whenever the appraisal falls
within them (《医疗纠纷预防和处理条例》第三十八条、第四十条; :func:`~.acceptance.on_appraisal`)."""


def v11(case: Any) -> bool:
    """Whether ``case`` runs under the rules of dispute workflow version 11 or later (:data:`V11`)."""
    return bool(case.workflow_version >= V11)


V12 = 12
"""Dispute workflow version 12: 治安调解 starts only with its presiding officer named — the
mediators given when it starts, or assigned before — as the 治安调解协议书 states who
presided (《公安机关办理行政案件程序规定》第一百八十四条;
:func:`~.mediation.presiding_officer_guard`); parties who settle by themselves and perform
may have no penalty on their joint application before the police's own mediation begins,
as 《公安机关办理行政案件程序规定》第一百八十六条 asks only that no decision was made
(:mod:`~.jingtiao`), after which the police mediate no more and no handling period restarts;
an accepted 治安调解 is not withdrawn — a party's wish to stop fails it, and the police decide
the penalty (第一百八十五条; :func:`~.mediation.public_order_pending`); and a hand-off into
traffic police mediation gives the day the parties received the accident report, as a direct
application has since version 10 (《道路交通事故处理程序规定》第八十六条;
:func:`~.referral.hand_off_in_time_guard`). On 司法确认: a higher court named by its unit id
is refused as one named in words, and a ruling on an accepted application is not served
before the acceptance; after a non-acceptance the same agreement goes again only to another
court, and only when the first lacked jurisdiction; a court's delegation is accepted naming
the court (民诉法 第二百零五条; 解释 第三百五十二条、
第三百五十五条、第三百七十二条;
:func:`~.court.apply_confirmation_guard`, :func:`~.court.court_rules_guard`). The traffic
police's 调解书 takes effect on every party's signature and states the items of
《道路交通事故处理程序规定》第九十二条 (:func:`~.agreement.parties_sign_alone`)."""


def v12(case: Any) -> bool:
    """Whether ``case`` runs under the rules of dispute workflow version 12 or later (:data:`V12`)."""
    return bool(case.workflow_version >= V12)
