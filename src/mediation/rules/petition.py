"""Petitions (信访事项) under the 《信访工作条例》(2022): periods, vocabulary, details, policy.

One case is one organ's handling of a petition: the petition office that
registers and routes it (第二十二条), the organ that receives it directly or by
转送 / 交办 (第二十三条) and handles it (第三十一至三十四条), the superior
organ that reviews it (复查, 第三十五条) and the one above that re-reviews it
(复核, 第三十六条). Each hand-off opens a linked case at the next organ
(``ctx.open_case``); all the cases of one matter share its root (flag
``matter:<root id>``), so a hand-off is never mistaken for a repeat petition.

A petition's keys (:mod:`mediation.rules.petition_intake`) are its fingerprint — the petitioners and the same facts and
reasons (``petition:<hash>``) — and each petitioner (``petitioner:<id or
name|address>``). At intake the cases sharing a key (``ctx.related``) decide:

- a repeat petition (重复信访: the same matter, another root) is linked
  (``repeat_of``) and counted, per case and per petitioner;
- the same matter after 复核 is not accepted again (第三十六条第三款), the
  same matter pending within its periods is not accepted (第十九条第三款 at a
  higher organ; the 2014 逐级走访办法 otherwise — once the organ has let a duty
  period run out, the matter is accepted above), a matter answered is reviewed, not petitioned
  again (2014 办法), and a visit that skips the competent level and the one
  above is not accepted (第二十条第一款). The case is **registered** all the
  same — 第二十二条 and 第四十三条 require every petition to be registered, a
  clerk needs the record to print the 不予受理告知书 naming the earlier case,
  and repeat petitions must be counted — and its acceptance is refused with
  the ground and the earlier case (:func:`bar_guard`). A locality that prefers
  to refuse registration after 复核 sets :attr:`PetitionPolicy.refuse_final_at_intake`.

Periods: :mod:`mediation.rules.periods` rows 7-13 (calendar days counted by the
民法典 method, RULES.md §5.2), and the practice defaults here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.model import (
    Case,
    LabeledEnum,
    evolve,
)
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.clockbook import FixedClock
from mediation.rules.counting import PeriodUnit
from mediation.rules.org import UnitKind
from mediation.rules.periods import PauseReason, PeriodRule, period

__all__ = [
    "ACCEPTANCE_DECISION",
    "ASSIGNED_REPORT",
    "ASSIGNMENT_TRACKING",
    "CLOCKS",
    "FINAL",
    "HANDLING",
    "NOTICE",
    "OBJECTION",
    "OBJECTION_VERIFY",
    "REGISTER",
    "REPLIED",
    "REREVIEW_OPINION",
    "REREVIEW_REQUEST",
    "REVIEW_OPINION",
    "REVIEW_REQUEST",
    "SIMPLE_ACCEPT",
    "SIMPLE_HANDLE",
    "SIMPLE_TRANSFER",
    "TRANSFER_NOTICE",
    "V2",
    "Bar",
    "Diversion",
    "DivertRoute",
    "Mediation",
    "Opinion",
    "Outcome",
    "PetitionDetails",
    "PetitionIntake",
    "PetitionPolicy",
    "PetitionStage",
    "Refusal",
    "Route",
    "RouteMode",
    "Settlement",
    "SettlementForm",
    "bar_guard",
    "check_parties",
    "check_unit",
    "details",
    "petition_office",
    "raised_orally",
    "v2",
    "v4",
    "with_details",
]

ART = "《信访工作条例》"

REGISTER = period("petition_register")
NOTICE = period("petition_notice")
TRANSFER_NOTICE = period("petition_transfer_notice")
OBJECTION = period("petition_objection")
HANDLING = period("petition_handling")
REVIEW_REQUEST = period("petition_review_request")
REVIEW_OPINION = period("petition_review_opinion")
REREVIEW_REQUEST = period("petition_rereview_request")
REREVIEW_OPINION = period("petition_rereview_opinion")
SIMPLE_ACCEPT = period("petition_simple_accept")
SIMPLE_HANDLE = period("petition_simple_handle")
SIMPLE_TRANSFER = period("petition_simple_transfer")

ACCEPTANCE_DECISION = PeriodRule(
    id="petition_acceptance_decision",
    name_zh="决定是否受理（信访人姓名、住址不清，无须书面告知）",
    length=15,
    unit=PeriodUnit.days,
    starts_on="收到信访事项之日",
    basis=f"{ART}第二十三条第二款（姓名、住址不清的除外）",
    status="PRACTICE",
    soft=True,
    note="法律对无法告知的信访事项未另设期限；参照书面告知的15日作为办理目标，可按地方规定配置。",
)
"""A target where no notice is owed (name or address unclear): the case still needs a clock."""

OBJECTION_VERIFY = PeriodRule(
    id="petition_objection_verify",
    name_zh="转送、交办机关核实异议",
    length=5,
    unit=PeriodUnit.working_days,
    starts_on="收到承办机关异议之日",
    basis=f"{ART}第二十三条第三款（经转送、交办的信访部门或者机关核实同意后交还）",
    status="PRACTICE",
    soft=True,
    note="法律未规定核实期限；参照提出异议的5个工作日，可按地方规定配置。",
)
"""How long the transferring office takes to verify an objection (PRACTICE target)."""

ASSIGNED_REPORT = FixedClock(
    "petition_assigned_report",
    "报送交办事项办结报告",
    f"{ART}第二十二条第一款第三项（交办并要求在指定办理期限内反馈结果、提交办结报告）",
    holder="unit",
)
"""The receiving organ's duty: the 办结报告 by the date the assigning office set."""

ASSIGNMENT_TRACKING = FixedClock(
    "petition_assignment_tracking",
    "交办事项办结报告（承办机关报送）",
    f"{ART}第二十二条第一款第三项",
    holder="organ",
)
"""On the assigning office's case: the receiving organ's report date, tracked."""

CLOCKS = (
    REGISTER,
    NOTICE,
    TRANSFER_NOTICE,
    OBJECTION,
    HANDLING,
    REVIEW_REQUEST,
    REVIEW_OPINION,
    REREVIEW_REQUEST,
    REREVIEW_OPINION,
    SIMPLE_ACCEPT,
    SIMPLE_HANDLE,
    SIMPLE_TRANSFER,
    ACCEPTANCE_DECISION,
    OBJECTION_VERIFY,
    ASSIGNED_REPORT,
    ASSIGNMENT_TRACKING,
)
"""Every clock a petition case opens."""

PARTY_CLOCKS = frozenset({REVIEW_REQUEST.id, REREVIEW_REQUEST.id})
"""The petitioner's own periods (ClockKind.party): shown and reminded, never the organ's breach."""

FINAL = "petition_final"
"""Flag: the matter was concluded by 复核 (第三十六条第三款)."""

REPLIED = "petition_replied"
"""Flag: a handling or review opinion was given in writing."""

MATTER = "matter:"
"""Flag prefix: the root case of the matter (every hand-off of one petition shares it)."""


class PetitionStage(LabeledEnum):
    """Which handling a case is: the first (办理), 复查 (第三十五条) or 复核 (第三十六条)."""

    handling = "handling", "办理"
    review = "review", "复查"
    rereview = "rereview", "复核"


class RouteMode(LabeledEnum):
    """How a petition office routes a matter (第二十二条第一款)."""

    transfer = "transfer", "转送"
    assign = "assign", "交办"


class DivertRoute(LabeledEnum):
    """Where a 申诉求决 matter goes instead of petition handling (第三十一条第一至五项; 第二十八条)."""

    litigation = "litigation", "诉讼（人民法院）"
    procuratorate = "procuratorate", "检察机关立案或者法律监督"
    police = "police", "公安机关法律程序"
    arbitration = "arbitration", "仲裁"
    party_discipline = "party_discipline", "党员申诉、申请复审"
    administrative = "administrative", "行政复议、裁决、确认、许可、处罚等行政程序"
    protective_duty = "protective_duty", "查处违法行为、履行保护人身权或者财产权等合法权益职责"

    @property
    def item(self) -> str:
        """The item of 第三十一条 it falls under."""
        return {
            "litigation": "第一项",
            "procuratorate": "第一项",
            "police": "第一项",
            "arbitration": "第二项",
            "party_discipline": "第三项",
            "administrative": "第四项",
            "protective_duty": "第五项",
        }[self.value]

    @property
    def organ_kinds(self) -> frozenset[str]:
        """The kinds of unit (:class:`~mediation.rules.org.UnitKind`) that run the procedure
        this route points to, for a diversion naming a unit of the org tree: a suit to a
        court, the police's procedure to the police, arbitration to an arbitration
        commission; reconsideration, rulings, permits and penalties, and the protective duty
        to administrative organs (the police among them: 治安处罚). Empty where the org tree
        has no kind for it (the procuratorate, the party's discipline organs)."""
        return _ORGAN_KINDS.get(self.value, frozenset())

    @property
    def basis(self) -> str:
        """The articles a diversion by this route cites: its item of 第三十一条, and for a
        matter of litigation rights (the first item: to the courts, the procuratorate, the
        police) 诉访分离, 第二十八条第二款 — not for arbitration, a party appeal or an
        administrative procedure, which that paragraph does not govern."""
        own = f"{ART}第三十一条{self.item}"
        return f"{own}、第二十八条第二款" if self.item == "第一项" else own


_ADMINISTRATIVE_ORGANS = frozenset(
    {
        UnitKind.government.value,
        UnitKind.department.value,
        UnitKind.police.value,
        UnitKind.justice_office.value,
    }
)

_ORGAN_KINDS: dict[str, frozenset[str]] = {
    "litigation": frozenset({UnitKind.court.value}),
    "police": frozenset({UnitKind.police.value}),
    "arbitration": frozenset({UnitKind.arbitration.value}),
    "administrative": _ADMINISTRATIVE_ORGANS,
    "protective_duty": _ADMINISTRATIVE_ORGANS,
}
"""Which kinds of unit run each route's procedure (:attr:`DivertRoute.organ_kinds`;
《信访工作条例》第三十一条第一至五项)."""


class Outcome(LabeledEnum):
    """The handling opinion's outcome (第三十二条), also the review's and re-review's."""

    support = "support", "支持"
    explain = "explain", "解释说明"
    not_support = "not_support", "不予支持"


class Bar(LabeledEnum):
    """Why a registered petition cannot be accepted."""

    final = "final", "该事项已经复核终结，以同一事实和理由提出的不再受理"
    pending = "pending", "同一信访事项已经受理、正在办理"
    answered = "answered", "该事项已出具处理意见，不服的应当依法请求复查、复核"
    skip_level = "skip_level", "该事项属于越级走访，应当向有权处理的本级或者上一级机关提出"
    concluded = "concluded", "该事项已经调解或者和解达成协议办结"

    @property
    def basis(self) -> str:
        """The article the ground rests on."""
        return {
            "final": f"{ART}第三十六条第三款",
            "pending": f"{ART}第十九条第三款；国家信访局《关于进一步规范信访事项受理办理程序"
            "引导来访人依法逐级走访的办法》(2014)",
            "answered": f"{ART}第三十五条、第三十六条；国家信访局《关于进一步规范信访事项受理"
            "办理程序引导来访人依法逐级走访的办法》(2014)",
            "skip_level": f"{ART}第二十条第一款",
            "concluded": f"{ART}第三十三条；国家信访局《关于进一步规范信访事项受理办理程序"
            "引导来访人依法逐级走访的办法》(2014)",
        }[self.value]


@attrs.frozen(slots=True)
class PetitionPolicy:
    """Petition practice a locality configures (PRACTICE where not national law).

    Attributes:
        oral_channels_v2: Channels whose petitions are oral too from petition workflow
            version 2 on (the 12345 hotline: a call): a version 1 case registered from one
            without a record replays as it was.
        oral_channels: Channels whose petitions are oral (走访, 电话): the organ
            records them faithfully (第十九条第一款).
        visit_channels: Channels that are visits (走访): the level rule of 第二十条
            applies to them.
        collective_from: How many people at a visit make it collective (集体访): 5 or more
            (RULES.md §7.4, practice; local rules differ). Version 2 on; version 1
            counted more than five.
        refuse_final_at_intake: Refuse even to register a matter concluded by
            复核 (the default registers it and refuses acceptance, citing the
            earlier case: see the module docstring).
        simple_handling: Offer 简易办理 (国家信访局 2016 办法) for first-time petitions.
        bureau_kinds: Unit kinds that are petition offices (第二十二条 applies to them).
        mediation_pause: During 访调对接, pause the handling clock for this reason
            (the handling period's rule must name it); ``None``: the clock keeps
            running (the default: the 2025 意见 is silent, RULES.md §9 q6).
        mediation_units: Unit kinds a matter may be handed to for people's mediation.
        mediation_excluded: Categories never handed to people's mediation.
    """

    oral_channels: frozenset[str] = frozenset({"walk_in", "phone"})
    oral_channels_v2: frozenset[str] = frozenset({"hotline"})
    visit_channels: frozenset[str] = frozenset({"walk_in"})
    collective_from: int = 5
    refuse_final_at_intake: bool = False
    simple_handling: bool = True
    bureau_kinds: frozenset[str] = frozenset({UnitKind.petition_bureau.value})
    mediation_pause: PauseReason | None = None
    mediation_units: frozenset[str] = frozenset(
        {UnitKind.committee.value, UnitKind.industry_committee.value}
    )
    mediation_excluded: frozenset[str] = frozenset()

    def check_policy(self, policy: Any) -> None:
        """Refuse a ``mediation_pause`` the handling period does not name (it would pause
        nothing: RULES.md §5.6, a clock stops only for a reason its rule names).

        Raises:
            ValidationError: naming ``PetitionPolicy.mediation_pause``.
        """
        reason = self.mediation_pause
        if reason is None:
            return
        rule = policy.periods.get(HANDLING.id, HANDLING)
        if reason not in rule.pausable_by:
            raise ValidationError(
                "PetitionPolicy.mediation_pause",
                reason.value,
                f"the handling period {HANDLING.id!r} does not stop for {reason.value!r}: "
                "name it in that period's pausable_by (Policy(periods=…)), or pause nothing",
            )


# -- details ------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Route:
    """A 转送 or 交办 by this office: to whom, when, the report date, the case opened."""

    mode: RouteMode
    to: str
    at: dt.datetime
    case_id: str
    report_due: dt.date | None = None


@attrs.frozen(slots=True)
class Diversion:
    """A matter taken out of petition handling (第三十一条第一至五项; 诉访分离 第二十八条)."""

    route: DivertRoute
    where: str
    to_unit: str | None
    at: dt.datetime


@attrs.frozen(slots=True)
class Refusal:
    """不予受理: the reason, its ground, where the petitioner was guided."""

    reason: str
    basis: str
    guide_to: str
    at: dt.datetime


@attrs.frozen(slots=True)
class Opinion:
    """A written handling, review or re-review opinion (第三十二条): request, facts and
    reasons, outcome, legal basis; when issued and when the petitioner received it."""

    outcome: Outcome
    request: str
    facts: str
    reasons: str
    basis: str
    issued_at: dt.datetime
    delivered_on: dt.date


@attrs.frozen(slots=True)
class Mediation:
    """访调对接: the people's mediation case the matter is with, and its result.

    ``case_id`` follows the matter when a committee hands it on (三调联动,
    第三十七条): ``via`` keeps the codes of the cases it left.
    """

    case_id: str
    committee: str
    at: dt.datetime
    result: str = ""
    dispute_code: str = ""
    agreement: str = ""
    via: tuple[str, ...] = ()


class SettlementForm(LabeledEnum):
    """How a 申诉求决 matter was resolved between its two sides by the organ (第三十三条)."""

    mediation = "mediation", "机关调解"
    settlement = "settlement", "引导和解"

    @property
    def document(self) -> str:
        """The agreement it ends in: 调解协议书 or 和解协议书."""
        return "调解协议书" if self is SettlementForm.mediation else "和解协议书"


@attrs.frozen(slots=True)
class Settlement:
    """The organ's mediation, or the parties' settlement, of the matter (第三十三条).

    Attributes:
        form: Mediated by the organ, or settled by the parties.
        terms: The agreement's content.
        signed_by: The parties (ids) who signed it.
        consents: The parties (ids) who consented to the organ's mediating.
        at: When it was recorded.
    """

    form: SettlementForm
    terms: str
    signed_by: tuple[str, ...]
    consents: tuple[str, ...]
    at: dt.datetime


@attrs.frozen(slots=True)
class PetitionDetails:
    """What a petition case records beyond the generic core.

    Attributes:
        stage: 办理, 复查 or 复核.
        root: The first case of the matter (shared by every hand-off).
        origin: The case this one was handed from (转送, 交办, 复查, 复核).
        origin_code: Its code.
        origin_unit: Its unit.
        raised_on: The day the petitioner raised the matter where it was first received
            (a case handed on keeps it: its documents say when the petitioner raised it,
            not when this organ received it; ``None``: this case's registration day).
        assigned: Received by 交办 (a 办结报告 is due).
        reported: The 办结报告 went to the assigning office (it goes once).
        report_due: The date the 办结报告 is due.
        oral_record: The faithful record of an oral petition (第十九条第一款).
        name_address_clear: The petitioner's name and address are known (第二十三条).
        collective: Several people raising a common matter (集体访).
        people: How many came.
        simple: 简易办理.
        competent: The organ competent for the matter, if the clerk named it.
        bar: Why it cannot be accepted, if it cannot.
        bar_case: The earlier case the ground rests on.
        bar_code: Its code.
        repeats: Codes of earlier petitions on the same matter (重复信访).
        petitioner_petitions: Earlier petitions by the same petitioner(s), any matter.
        route: This office's 转送 or 交办.
        accepted_at: When accepted.
        diversion: Where it was diverted.
        refusal: The 不予受理 decision.
        objection: The objection raised (第二十三条第三款).
        mediation: 访调对接.
        settlement: The organ's own mediation, or the parties' settlement (第三十三条).
        opinion: This organ's written opinion.
        prior: The opinion under review (复查, 复核).
        hearings: 听证 held (复核).
    """

    stage: PetitionStage = PetitionStage.handling
    root: str = ""
    origin: str = ""
    origin_code: str = ""
    origin_unit: str = ""
    raised_on: dt.date | None = None
    assigned: bool = False
    reported: bool = False
    report_due: dt.date | None = None
    oral_record: str = ""
    name_address_clear: bool = True
    collective: bool = False
    people: int = 0
    simple: bool = False
    competent: str | None = None
    bar: Bar | None = None
    bar_case: str = ""
    bar_code: str = ""
    repeats: tuple[str, ...] = ()
    petitioner_petitions: int = 0
    route: Route | None = None
    accepted_at: dt.datetime | None = None
    diversion: Diversion | None = None
    refusal: Refusal | None = None
    objection: str = ""
    mediation: Mediation | None = None
    settlement: Settlement | None = None
    opinion: Opinion | None = None
    prior: Opinion | None = None
    hearings: int = 0


def details(case: Case) -> PetitionDetails:
    """The case's petition details (empty ones if none are recorded)."""
    found = case.details
    return found if isinstance(found, PetitionDetails) else PetitionDetails()


def with_details(case: Case, **changes: Any) -> Case:
    """``case`` with its petition details changed."""
    return evolve(case, details=evolve(details(case), **changes))


# -- intake inputs ------------------------------------------------------------------


@attrs.frozen(slots=True)
class PetitionIntake:
    """What a petition's registration records beyond the generic intake.

    The hand-off fields (``stage``, ``root``, ``origin``…, ``prior_*``) are
    filled by the step that opens the case (转送, 交办, 复查, 复核), not by a clerk.
    """

    oral_record: str = field("口头信访记录", default="")
    name_address_clear: bool = field("姓名（名称）、住址清楚", default=True)
    collective: bool = field("多人反映共同事项（集体访）", default=False)
    people: int = field("来访人数", default=0)
    simple: bool = field("简易办理", default=False)
    competent: str | None = field("有权处理的机关", default=None)
    stage: PetitionStage = field("阶段", default=PetitionStage.handling)
    root: str = field("首个案件", default="")
    origin: str = field("移交自", default="")
    origin_code: str = field("移交案件编号", default="")
    origin_unit: str = field("移交单位", default="")
    raised_on: dt.date | None = field("信访人提出日期", default=None)
    assigned: bool = field("交办", default=False)
    report_due: dt.date | None = field("办结报告期限", default=None)
    prior_outcome: Outcome | None = field("原处理意见", default=None)
    prior_request: str = field("原信访请求", default="")
    prior_facts: str = field("原认定事实", default="")
    prior_reasons: str = field("原理由", default="")
    prior_basis: str = field("原依据", default="")
    prior_issued_at: dt.datetime | None = field("原意见出具时间", default=None)
    prior_delivered_on: dt.date | None = field("原意见送达日期", default=None)


def bar_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Refuse accepting or routing a petition that a ground bars, naming the earlier case.

    The grounds and their articles: :class:`Bar` (第十九条第三款, 第二十条第一款,
    第三十五条、第三十六条, 第三十六条第三款).
    """
    return bar_refusal(case, "accept", "不予受理")


def bar_refusal(case: Case, rule: str, what: str) -> Decision:
    """Refuse ``rule`` on the ground found at intake, if any (:class:`Bar`), naming the
    earlier case: "<ground>（<its code>），<what>：请出具不予受理告知书"."""
    found = details(case)
    if found.bar is None:
        return ALLOW
    earlier = f"（{found.bar_code}）" if found.bar_code else ""
    return refuse(
        rule, f"{found.bar.label}{earlier}，{what}：请出具不予受理告知书", found.bar.basis
    )


def raised_orally(case: Case, ctx: Context[Any]) -> bool:
    """Whether the petitioner raised the matter orally — a visit, a call (第十九条第一款:
    the organ records it faithfully): the policy's oral channels, the version 2 ones too."""
    policy = ctx.policy.part(PetitionPolicy)
    return case.channel in policy.oral_channels or (
        v2(case) and case.channel in policy.oral_channels_v2
    )


def petition_office(case: Case, ctx: Context[Any]) -> bool:
    """Whether the unit holding ``case`` is a petition office (信访部门: the policy's
    :attr:`PetitionPolicy.bureau_kinds`), which registers and routes (第二十二条)."""
    org = ctx.policy.org
    if org is None or case.unit not in org:
        return False
    return org.get(case.unit).kind in ctx.policy.part(PetitionPolicy).bureau_kinds


def check_parties(case: Case, rule: str, name: str, ids: tuple[str, ...]) -> Decision:
    """Each of ``ids`` is a party of ``case``; else refused naming ``name[i]``."""
    known = {p.id for p in case.parties}
    for i, pid in enumerate(ids):
        if pid not in known:
            return refuse_input(rule, f"{name}[{i}]", pid, "not a party of this case")
    return ALLOW


def check_unit(ctx: Context[Any], unit: str, what: str) -> Decision:
    """``unit`` must be an active unit of the organisation (which must be configured)."""
    org = ctx.policy.org
    if org is None:
        return refuse(what, "未配置组织机构（policy.org）：无法确定接收机关", f"{ART}第二十二条")
    if unit not in org:
        return refuse_input(what, what, unit, "unknown unit (not in the org tree)")
    if not org.get(unit).active:
        return refuse_input(what, what, unit, "the unit was merged into another")
    return ALLOW


V2 = 2
"""Petition workflow version 2, the current one (not in any release yet). The rules that would
change how a case recorded under version 1 replays apply from it on — each use says which;
version 1 replays as recorded."""


def v2(case: Case) -> bool:
    """Whether ``case`` runs under the rules of petition workflow version 2 or later (:data:`V2`)."""
    return case.workflow_version >= V2


V4 = 4
"""Petition workflow version 4: the grounds found at registration read the earlier
petitions' later stages (a review taken up; a matter concluded by agreement)."""


def v4(case: Case) -> bool:
    """Whether ``case`` runs under the rules of petition workflow version 4 or later (:data:`V4`)."""
    return case.workflow_version >= V4


V5 = 5
"""Petition workflow version 5: a matter whose review (复查 or 复核) was withdrawn, or not
accepted, stands answered by its last opinion (第三十五条、第三十六条); a diversion names an
organ that runs the route's procedure (第三十一条第一至五项), and none is made of a matter
ended by 复核 (第三十六条第三款); a competent committee counts as the organ above it in the
skip-level rule (第二十条第一款)."""


def v5(case: Case) -> bool:
    """Whether ``case`` runs under the rules of petition workflow version 5 or later (:data:`V5`)."""
    return case.workflow_version >= V5


V6 = 6
"""Petition workflow version 6: accepting a matter under 领导包案, or answering it with an
opinion that does not end it, leaves the 包案's timetable, its reminders and a booked
leader's reception open — the leader follows the matter through to the sign-off (一抓到底,
RULES.md §7.1) — where version 5 closed them as met; and the 包案 steps hold the case to
:data:`~mediation.rules.baoan.STRICT_SINCE`'s rules."""


def v6(case: Case) -> bool:
    """Whether ``case`` runs under the rules of petition workflow version 6 or later (:data:`V6`)."""
    return case.workflow_version >= V6


V7 = 7
"""Petition workflow version 7: an organ's objection to a transferred or assigned matter
(第二十三条第三款) no longer stops its 15 日 to decide and tell the petitioner, nor the
简易办理 days: the period runs from receipt, and RULES.md §5.6 leaves no time out for the
verification (§0 rows 9 and 13: no pause); and a court's 复查 is its superior court's, not
the government's where it sits (第三十五条: the organ one level above the original handler)."""


def v7(case: Case) -> bool:
    """Whether ``case`` runs under the rules of petition workflow version 7 or later (:data:`V7`)."""
    return case.workflow_version >= V7
