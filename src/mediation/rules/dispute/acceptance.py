"""Acceptance (受理) or not: 《人民调解法》第十七条; 2002 规定 第二十二、二十四条; the track's
own acceptance rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.model import Case, LabeledEnum, PartyKind, PartyRole, Risk, evolve
from mediation.rules import deadlines
from mediation.rules.agreement import principal_problem
from mediation.rules.base import ALLOW, Context, Decision, field, nonblank, refuse, refuse_input
from mediation.rules.categories import ancestors
from mediation.rules.channels import OWN_INITIATIVE
from mediation.rules.dispute._common import (
    _ADMINISTRATIVE,
    _COURT_DELEGATED,
    _COURT_ENTRUSTED,
    _COURT_ENTRUSTED_SIMPLE,
    _COURT_ONLINE,
    _LABOUR,
    _MEDICAL_ADMIN,
    _MEDICAL_PEOPLE,
    _ORGAN_TRACKS,
    _PEOPLE,
    _TRAFFIC_POLICE,
    ACCEPTANCE,
    MEDICAL_ADMIN_ACCEPT,
    PS_FIRST,
    PS_HANDLING,
    TRAFFIC_START,
    v4,
    v8,
    v10,
    v11,
    v12,
)
from mediation.rules.dispute.details import Refusal, _level, _matter, _unit_kind, _with, details
from mediation.rules.dispute.intake import _public_order, _traffic_police, past_days
from mediation.rules.dispute.procedure import (
    HANDLED_GROUNDS,
    REFUSAL_GROUNDS,
    Procedure,
    grounded,
    procedure,
)
from mediation.rules.org import UnitKind
from mediation.rules.periods import PeriodRule
from mediation.rules.referral import ReferralPolicy
from mediation.rules.resolution import record_resolution

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


class PublicOrderGround(LabeledEnum):
    """Why a minor act of a civil dispute may be mediated by the police: one of the three
    circumstances of 程序规定 第一百七十八条第一款."""

    trifles = "trifles", "亲友、邻里、同事、在校学生之间因琐事发生纠纷引起的"
    victim_fault = "victim_fault", "行为人的侵害行为系由被侵害人事前的过错行为引起的"
    conducive = "conducive", "其他适用调解处理更易化解矛盾的"


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
        ground: 治安调解: which of the article's three circumstances the act has (dispute
            version 4 on: the act alone does not make a case mediable).
        excluded_by: 治安调解: a ground that excludes mediation (第一百七十九条).
        appraisal_issued_on: 治安调解: when the appraisal was issued (the first session counts
            from it).
        mediation_start_on: Traffic: the start of mediation the rule names.
        start_pending: Traffic: that start has not come yet (treatment, the funeral, the
            disability assessment or the fixing of the loss not over): no mediation period
            runs until it is recorded (``record_mediation_start``).
        materials_signed_on: Court delegation: when the mediator signed for the materials.
        court: Court delegation or entrustment: the people's court that invited the
            mediation, if not given at registration (《民事诉讼法》第二百零五条第一项).
        simplified: Court-entrusted mediation in simplified procedure.
        online: Court delegation on the court's online platform (《人民法院在线调解规则》
            第二十四条): ``materials_signed_on`` is then the day the mediator confirmed there.
        measures: For a case that may escalate and is not accepted: the easing measures taken
            first (2002 规定 第二十四条).
    """

    refused_by: str | None = field("明确拒绝调解的当事人", default=None)
    handled_by: str | None = field("已受理或者处理的机关", default=None)
    other_side_consents: bool = field("对方当事人同意调解", default=False)
    act: PublicOrderAct | None = field("违反治安管理行为", default=None)
    ground: PublicOrderGround | None = field("可以调解处理的情形", default=None)
    excluded_by: PublicOrderExclusion | None = field("不适用调解的情形", default=None)
    appraisal_issued_on: dt.date | None = field("鉴定意见出具日期", default=None)
    mediation_start_on: dt.date | None = field("调解开始日期", default=None)
    start_pending: bool = field("调解开始尚未到来", default=False)
    materials_signed_on: dt.date | None = field("签收委派材料日期", default=None)
    court: str | None = field(
        "委派、委托调解的人民法院", default=None, validator=attrs.validators.optional(nonblank)
    )
    simplified: bool = field("简易程序", default=False)
    online: bool = field("在线诉前调解", default=False)
    measures: str = field("已采取的疏导措施", default="")
    note: str = field("备注", default="")


def _bar(
    case: Case, ctx: Context[AcceptInputs], proc: Procedure = Procedure.people
) -> tuple[str, str] | None:
    """Why the case may not be accepted, ``(reason, basis)``, if anything bars it.

    A party's clear refusal (《人民调解法》第十七条; the ground of ``proc``:
    :data:`~.procedure.REFUSAL_GROUNDS`); the matter already accepted or resolved by another
    organ (:data:`~.procedure.HANDLED_GROUNDS`);
    治安调解 excluded (程序规定 第一百七十九条); no 民间纠纷 (:func:`not_civil_dispute`). The basis may be empty where no national
    rule applies (an administrative organ's own mediation, RULES.md §6.7).
    """
    given = ctx.inputs
    track = details(case).track
    if given.refused_by:
        name = _party_name(case, given.refused_by)
        return f"当事人{name}明确拒绝调解，不得调解", REFUSAL_GROUNDS[proc]
    if given.handled_by:
        basis = HANDLED_GROUNDS[proc]
        if (
            proc is Procedure.people
            and v4(case)
            and "medical" in ancestors(case.category, ctx.policy.categories)
        ):
            basis = MEDICAL_HANDLED
        organ = _organ_name(ctx.policy, given.handled_by) if v10(case) else given.handled_by
        return f"纠纷已由{organ}受理或者解决，不予受理", basis
    if _public_order(case, track, ctx) and given.excluded_by is not None:
        return (
            f"{given.excluded_by.label}，不适用治安调解，依法处罚",
            "《公安机关办理行政案件程序规定》第一百七十九条",
        )
    if not_civil_dispute(case, ctx.policy):
        return (
            "双方当事人均为法人或者其他组织，不属于人民调解的民间纠纷，不予受理；"
            "告知当事人向有关机关申请处理或者依法提起诉讼",
            CIVIL_DISPUTE_BASIS,
        )
    return None


CIVIL_DISPUTE_BASIS = "《人民调解工作若干规定》第二十条；《人民调解法》第二条"

_SIDES = frozenset({PartyRole.applicant, PartyRole.respondent})


def not_civil_dispute(case: Case, policy: Any) -> bool:
    """A dispute on the people's track whose sides are organisations only (version 8 on).

    People's mediation committees mediate 民间纠纷 (《人民调解法》第二条), which 2002 规定
    第二十条 defines as disputes between citizens, or between citizens and legal persons or
    other organisations: one between two companies is not one, and the committee does not
    accept it (第二十四条: it tells the parties where to go). A 行业性、专业性 committee
    (《人民调解法》第三十四条: set up by social organisations, such as a chamber of
    commerce's for its members' disputes) is not held to it, nor are the other tracks
    (administrative, judicial: a court may delegate a dispute between companies).
    """
    if not v8(case) or details(case).track != "people":
        return False
    sides = [p for p in case.parties if p.role in _SIDES]
    if not sides or any(p.kind is PartyKind.person for p in sides):
        return False
    org = policy.org
    if org is None or case.unit not in org:
        return True
    return bool(org.get(case.unit).kind != UnitKind.industry_committee.value)


def refused_by_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """The party who clearly refused mediation (《人民调解法》第十七条) is one of the case's
    parties, named by id: an unknown id is refused, not recorded as a refusal that closes the
    case. Workflow version 5 on (version 1 named parties by name, and versions 2 to 4 took
    any text and replay so)."""
    who = ctx.inputs.refused_by
    if not who:
        return ALLOW
    return principal_problem(case.parties, "accept", "refused_by", who, "《人民调解法》第十七条")


MEDICAL_HANDLED = "《医疗纠纷预防和处理条例》第三十一条；《人民调解工作若干规定》第二十二条第二项"
"""A medical dispute a court or the health department already accepted: the committee does
not accept it (医疗条例 第三十一条, besides the general rule). Version 4 on."""


def _organ_name(policy: Any, organ: str) -> str:
    """The name of ``organ`` when it is a unit of the policy's org (its id given), else the
    text as given (an organ outside the system, named)."""
    org = policy.org
    if org is not None and organ in org:
        return str(org.get(organ).name)
    return organ


def handled_by_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """The organ a people's mediation committee names as having accepted or resolved the
    dispute (``handled_by``) is one 2002 规定 第二十二条第二项 lists: a people's court, a
    public-security organ or another administrative organ. Named by a unit of the org, it is
    a unit of such a kind — not another mediation committee, a villagers' grid or a centre,
    whose handling does not bar the acceptance. An organ named in words (outside the system)
    is the clerk's to recognise. Dispute workflow version 10 on; other procedures cite their
    own rules (a health department is barred by a committee's acceptance, 医疗条例
    第四十条), and are not held to it."""
    organ = (ctx.inputs.handled_by or "").strip()
    org = ctx.policy.org
    if not organ or not v10(case) or org is None or organ not in org:
        return ALLOW
    if procedure(case, ctx.policy) is not Procedure.people:
        return ALLOW
    unit = org.get(organ)
    if unit.kind in _ORGANS:
        return ALLOW
    return refuse_input(
        "accept",
        "handled_by",
        organ,
        f"{unit.name}不是人民法院、公安机关或者其他行政机关，其受理或者处理不构成不予受理的事由",
        HANDLED_GROUNDS[Procedure.people],
    )


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
      (《医疗纠纷预防和处理条例》第三十一条); the health department's too (第四十条, version 4
      on). A committee that took up a major medical dispute itself (第三十一条第三款) is told
      to guide both sides to apply: its own initiative is no application.
    - 治安调解: an act the rule lists, and (dispute version 4 on) one of its three
      circumstances (程序规定 第一百七十八条第一款).
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
    if "medical" in cats and not given.other_side_consents:
        # The health department's mediation is applied for as the committee's is (第四十条:
        # 参照第三十一条第一款、第二款), workflow version 4 on.
        admin = v4(case) and procedure(case, ctx.policy) is Procedure.medical_admin
        if track == "people" or admin:
            applied = "须双方共同申请，或一方申请、另一方同意"
            if admin:
                why, basis = (
                    f"医疗纠纷行政调解{applied}",
                    "《医疗纠纷预防和处理条例》第四十条、第三十一条",
                )
            elif case.channel in OWN_INITIATIVE:
                # 第三十一条第三款: a committee that learns of a major medical dispute may
                # take it up itself, to guide both sides to apply: its initiative is no
                # application.
                why = f"医疗纠纷人民调解委员会主动开展工作的，应当引导医患双方申请调解：{applied}"
                basis = "《医疗纠纷预防和处理条例》第三十一条第一款、第三款"
            else:
                why, basis = f"医疗纠纷人民调解{applied}", "《医疗纠纷预防和处理条例》第三十一条"
            return refuse_input("accept", "other_side_consents", False, why, basis)
    public_order = _public_order(case, track, ctx)
    if public_order and given.act is None:
        return refuse_input(
            "accept",
            "act",
            None,
            "治安调解须为因民间纠纷引起、情节较轻的法定行为",
            "《公安机关办理行政案件程序规定》第一百七十八条",
        )
    if public_order and given.ground is None and v4(case):
        return refuse_input(
            "accept",
            "ground",
            None,
            "治安调解还须具有下列情形之一："
            + "；".join(g.label for g in PublicOrderGround)
            + f"（{', '.join(PublicOrderGround)}）",
            "《公安机关办理行政案件程序规定》第一百七十八条第一款",
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


_COUNTY_LEVEL = "county"
"""The level ladder's 县级 (:data:`~mediation.rules.org.DEFAULT_LADDER`)."""


def competence_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """A unit accepts a category only if the category's statute lets it mediate it: a labour
    dispute at a basic-level mediation organisation, a township (street) body or an
    enterprise's committee (《劳动争议调解仲裁法》第十条), a land-contract dispute at the
    villagers' committee or the township government (《农村土地承包经营纠纷调解仲裁法》
    第七条) — not a police station, a department or a court. An industry committee takes
    only the categories it declares. The category table says which
    (:attr:`~mediation.rules.categories.Category.mediators`). The health department's
    mediation of a medical dispute is the county-level department's
    (《医疗纠纷预防和处理条例》第四十条). Workflow version 4 on."""
    org = ctx.policy.org
    if org is None or case.unit not in org:
        return ALLOW
    unit = org.get(case.unit)
    if procedure(case, ctx.policy) is Procedure.medical_admin and not (
        unit.kind == UnitKind.department.value and unit.level == _COUNTY_LEVEL
    ):
        return refuse(
            "accept",
            f"{unit.name}不是县级人民政府卫生主管部门：医疗纠纷行政调解向医疗纠纷发生地县级"
            "人民政府卫生主管部门申请",
            "《医疗纠纷预防和处理条例》第四十条",
        )
    table = ctx.policy.categories
    cats = ancestors(case.category, table)
    for code in cats:
        found = table[code]
        if not found.mediators:
            continue
        industry = unit.kind == UnitKind.industry_committee.value
        if unit.kind in found.mediators and not (industry and not set(cats) & unit.categories):
            continue
        return refuse(
            "accept",
            f"{unit.name}不是{found.label}的调解组织，不能受理：请移交有权调解的组织",
            found.mediators_basis,
        )
    return ALLOW


_IN_HAND = frozenset({"accepted", "mediating", "suspended", "agreed", "performing", "performed"})
"""The states of a case whose body has accepted the matter and still holds it (mediating it,
or its agreement standing)."""

_EXCLUDES: dict[Procedure, tuple[frozenset[str], str, str]] = {
    Procedure.people: (
        frozenset({UnitKind.court.value, UnitKind.department.value}),
        "当事人已经向人民法院提起诉讼并且已被受理，或者已经申请卫生主管部门调解并且已被受理的，"
        "医疗纠纷人民调解委员会不予受理",
        "《医疗纠纷预防和处理条例》第三十一条",
    ),
    Procedure.medical_admin: (
        frozenset(
            {UnitKind.court.value, UnitKind.committee.value, UnitKind.industry_committee.value}
        ),
        "当事人已经向人民法院提起诉讼并且已被受理，或者已经申请医疗纠纷人民调解委员会调解并且"
        "已被受理的，卫生主管部门不予受理",
        "《医疗纠纷预防和处理条例》第四十条",
    ),
}
"""For each medical procedure: the kinds of body whose acceptance of the same dispute bars it,
the rule, and its article."""


def medical_dispute(case: Case, policy: Any) -> bool:
    """Whether ``case`` is a medical dispute: its acceptance reads the other bodies' cases of
    the same matter (:func:`medical_exclusive_guard`)."""
    return "medical" in ancestors(case.category, policy.categories)


_COURT = frozenset({UnitKind.court.value})

_TRAFFIC_SUIT = (
    _COURT,
    "当事人已经向人民法院提起民事诉讼的，公安机关交通管理部门不再受理调解申请",
    "《道路交通安全法实施条例》第九十六条",
)
"""A suit bars the traffic police's mediation (实施条例 第九十六条)."""

_ADMINISTRATIVE_HELD = (
    frozenset(
        {
            UnitKind.committee.value,
            UnitKind.industry_committee.value,
            UnitKind.court.value,
            UnitKind.arbitration.value,
        }
    ),
    "同一纠纷已进入人民调解、诉讼或者仲裁程序的，行政机关不再进行行政调解",
    "各地行政调解办法（无全国性法律，RULES.md §6.7）",
)
"""People's mediation, a suit or arbitration under way bars an administrative organ's own
mediation of the same dispute (RULES.md §6.7: the common pattern of the local rules, e.g.
《山东省行政调解办法》; dispute workflow version 8 on). The medical and police procedures
have their own rules (:data:`_EXCLUDES`, :data:`_TRAFFIC_SUIT`); 治安调解 none, nor any
mediation at a public-security organ (:func:`_at_police`)."""


def _exclusion(case: Case, policy: Any) -> tuple[frozenset[str], str, str] | None:
    """What bars the case's procedure once another body holds the same dispute — the kinds of
    body, the rule, the article — if anything does: a medical dispute's procedures
    (:data:`_EXCLUDES`), traffic police mediation (a suit: :data:`_TRAFFIC_SUIT`), from
    version 8 on an administrative organ's own mediation (:data:`_ADMINISTRATIVE_HELD`)."""
    proc = procedure(case, policy)
    if proc is Procedure.traffic_police:
        return _TRAFFIC_SUIT
    if medical_dispute(case, policy):
        return _EXCLUDES.get(proc)
    if proc is Procedure.administrative and v8(case) and not _at_police(case, policy):
        return _ADMINISTRATIVE_HELD
    return None


def _at_police(case: Case, policy: Any) -> bool:
    """Whether ``case`` is held by a public-security organ: its mediation, even of another
    category, follows the police's own rules, not the local rules of administrative
    mediation (the police handle a violation whatever body mediates the civil claim)."""
    org = policy.org
    return org is not None and case.unit in org and org.get(case.unit).kind == UnitKind.police.value


def one_body_dispute(case: Case, policy: Any) -> bool:
    """Whether the case's procedure gives way to a court, or to another body, holding the same
    dispute: a medical dispute (医疗条例 第三十一条、第四十条), traffic police mediation
    (实施条例 第九十六条; 程序规定 第九十四条第一项), an administrative organ's own
    mediation (version 8 on; RULES.md §6.7). Its steps then read the related cases."""
    return _exclusion(case, policy) is not None


def _held_elsewhere(
    case: Case, ctx: Context[Any], *, courts_only: bool = False
) -> tuple[str, str, str] | None:
    """The first other body holding the same dispute — ``(its name, its case code, the
    article)`` — of a kind that bars this procedure (:func:`_exclusion`; with
    ``courts_only``, a court); ``None`` if none does, or nothing bars the case's procedure
    (a court is never barred). Held: the same matter (same parties, same category),
    accepted and not ended, as the related cases stood at the step's ``at``."""
    org = ctx.policy.org
    if not ctx.related or org is None:
        return None
    excluded = _exclusion(case, ctx.policy)
    if excluded is None:
        return None
    if case.unit in org and org.get(case.unit).kind == UnitKind.court.value:
        return None
    barring = _COURT if courts_only else excluded[0]
    matter = _matter(case)
    for r in ctx.related:
        if r.kind != case.kind or matter not in r.matched or r.closed or r.state not in _IN_HAND:
            continue
        if r.unit in org and org.get(r.unit).kind in barring:
            return org.get(r.unit).name, r.code, excluded[2]
    return None


def medical_exclusive_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """A medical dispute is mediated by one body at a time (《医疗纠纷预防和处理条例》
    第三十一条、第四十条): the medical committee does not accept it once a court or the
    health department accepted it; the health department does not accept it once a court or
    a committee accepted it. Nor do the traffic police accept a dispute a court has accepted
    (《道路交通安全法实施条例》第九十六条). The step reads the cases sharing its keys as
    they stood at its ``at`` (``reads_related``; :func:`_held_elsewhere`). A court is not barred (a
    suit, or its own mediation, goes on whatever a mediation body holds). Workflow version 4
    on; other categories and procedures are not concerned."""
    held = _held_elsewhere(case, ctx)
    if held is None:
        return ALLOW
    excluded = _exclusion(case, ctx.policy)
    if excluded is None:
        return ALLOW
    name, code, basis = held
    rule = excluded[1]
    return refuse("accept", f"{rule}：同一纠纷已由{name}受理（{code}）", basis)


_ORGANS = frozenset(
    {
        UnitKind.court.value,
        UnitKind.police.value,
        UnitKind.department.value,
        UnitKind.government.value,
    }
)
"""The people's courts, public-security organs and other administrative organs whose
acceptance of a dispute bars a committee's (2002 规定 第二十二条第二项)."""

_COMMITTEES = frozenset({UnitKind.committee.value, UnitKind.industry_committee.value})

HANDLED_BASIS = "《人民调解工作若干规定》第二十二条第二项"


def at_committee(case: Case, policy: Any) -> bool:
    """Whether ``case`` is held by a people's mediation committee (the organisation knows its
    unit as a committee or an industry committee): the body the 2002 规定 binds."""
    org = policy.org
    return org is not None and case.unit in org and org.get(case.unit).kind in _COMMITTEES


def committee_case(case: Case, policy: Any) -> bool:
    """Whether ``case`` is a committee's own people's mediation (the people's track at a
    people's mediation committee): its acceptance reads the other bodies' cases of the same
    matter (:func:`handled_elsewhere_guard`)."""
    return at_committee(case, policy) and (details(case).track or "people") == "people"


def reads_other_bodies(case: Case, policy: Any) -> bool:
    """Whether acceptance of ``case`` reads the cases of the same matter held elsewhere: a
    medical dispute or traffic police mediation (:func:`medical_exclusive_guard`), or a
    committee's own mediation (:func:`handled_elsewhere_guard`)."""
    return one_body_dispute(case, policy) or committee_case(case, policy)


def handled_elsewhere_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """A people's mediation committee does not accept a dispute that a people's court, a
    public-security organ or another administrative organ has accepted (2002 规定
    第二十二条第二项: 不得受理).

    The step reads the cases sharing the matter's key as they stood at its ``at``
    (``reads_related``): one of the same kind, same parties and category, held by such an organ — accepted and
    not ended — bars the acceptance, naming it; the committee then records it as not
    accepted (``handled_by``). A matter such an organ already resolved (已经解决的: its case
    ended) is the clerk's to recognise and record as ``handled_by``, as is what the clerk
    knows without a case in the system: the same parties and category do not tell a
    dispute resolved from a new one between them (neighbours quarrel again), which a
    committee accepts. The related case shows how it ended
    (:attr:`~mediation.model.RelatedCase.resolution`). A committee mediating on a court's entrustment (the
    judicial track) is not concerned, nor is a case the organ handed over (警调对接,
    访调对接: the organ's case no longer holds it). A medical dispute is left to
    :func:`medical_exclusive_guard` (its own, wider rule). Workflow version 4 on.
    """
    held = held_by_organ(case, ctx)
    if held is None:
        return ALLOW
    name, code = held
    return refuse(
        "accept",
        f"同一纠纷已由{name}受理（{code}），人民调解委员会不得受理（不予受理：handled_by）",
        HANDLED_BASIS,
    )


def held_by_organ(case: Case, ctx: Context[Any]) -> tuple[str, str] | None:
    """The people's court, public-security organ or other administrative organ that has
    accepted the same dispute and still holds it — ``(its name, its case code)`` — when
    ``case`` is a committee's own people's mediation of a non-medical dispute; ``None``
    otherwise (2002 规定 第二十二条第二项; see :func:`handled_elsewhere_guard`). Read from
    the related cases as they stood at the step's ``at``."""
    org = ctx.policy.org
    if not ctx.related or org is None or not committee_case(case, ctx.policy):
        return None
    if medical_dispute(case, ctx.policy):
        return None
    matter = _matter(case)
    for r in ctx.related:
        if r.kind != case.kind or matter not in r.matched or r.closed or r.state not in _IN_HAND:
            continue
        if r.unit in org and org.get(r.unit).kind in _ORGANS:
            return org.get(r.unit).name, r.code
    return None


_TRAFFIC_SUED = "《道路交通事故处理程序规定》第九十四条第一项"


def court_took_over_guard(case: Case, ctx: Context[Any]) -> Decision:
    """A medical dispute's mediation does not go on once a court accepted the same dispute:
    "已经受理的，终止调解" (《医疗纠纷预防和处理条例》第三十一条 for the committee, 第四十条
    for the health department); nor does the traffic police's once a party sued during it
    (《道路交通事故处理程序规定》第九十四条第一项: 终止调解); nor, from version 8 on, an
    administrative organ's own mediation once a suit is accepted (RULES.md §6.7). Starting,
    resuming, concluding it or signing an agreement not yet in effect is refused, naming
    the court's case; the body ends it (``terminate``). Workflow version 4 on."""
    held = _held_elsewhere(case, ctx, courts_only=True)
    if held is None:
        return ALLOW
    name, code, basis = held
    proc = procedure(case, ctx.policy)
    if proc is Procedure.traffic_police:
        return refuse(
            "court_took_over",
            f"调解期间当事人已向人民法院提起民事诉讼，{name}已受理（{code}）：应当终止调解",
            _TRAFFIC_SUED,
        )
    if proc is Procedure.administrative:
        return refuse(
            "court_took_over",
            f"调解期间当事人已向人民法院起诉，{name}已受理（{code}）：应当终止行政调解",
            basis,
        )
    return refuse(
        "court_took_over", f"同一医疗纠纷已由{name}受理（{code}）：已经受理的，应当终止调解", basis
    )


_PAST_FACTS = (
    ("appraisal_issued_on", "an appraisal already issued (the first session counts from it)"),
    (
        "mediation_start_on",
        "a start that has happened (one still to come: start_pending, then record_mediation_start)",
    ),
    ("materials_signed_on", "a day the mediator has signed for the court's materials"),
)
"""The dates acceptance takes that a track's clock counts from, and what each must be."""


def accept_dates_guard(case: Case, ctx: Context[AcceptInputs]) -> Decision:
    """The days a track's period counts from are days that have come: the appraisal issued
    (程序规定 第一百八十三条; 工作规范 第九条), the start of traffic mediation (第九十条), the
    mediator's signing for the court's materials (特邀调解规定 第二十七条). A date after the
    acceptance would put the statutory period off to a day of the clerk's choosing, as the
    steps that record them later refuse (``record_appraisal``, ``record_mediation_start``).
    Workflow version 4 on.

    From version 8 on, a court's delegation before filing (委派, the ``court_referral``
    channel: 30 days) is not marked as in simplified procedure: the 7 days of 特邀调解规定
    第二十七条 are those of a mediation entrusted after filing (委托, the judicial track),
    and the mark was silently ignored.

    From version 12 (:data:`~._common.V12`) such a delegation names the court that made it
    (``court``, here or at registration): the agreement's 司法确认 goes to that court
    (《民事诉讼法》第二百零五条第一项), which cannot be checked without it; version 11 took
    the case with the court unknown, and any court then."""
    unknown = ctx.inputs.court is None and details(case).facts.court is None
    if v12(case) and case.channel == "court_referral" and unknown:
        return refuse_input(
            "accept",
            "court",
            None,
            "人民法院委派调解的，写明作出委派的人民法院：司法确认向作出邀请的人民法院申请",
            "《民事诉讼法》第二百零五条第一项；最高法《关于人民法院特邀调解的规定》第二十七条",
        )
    marked = ctx.inputs.simplified or details(case).facts.simplified
    if v8(case) and case.channel == "court_referral" and marked:
        return refuse_input(
            "accept",
            "simplified",
            True,
            "立案前委派调解的期限为三十日，不分简易程序；立案后委托调解（简易程序七日）"
            "请按委托调解登记（渠道不为法院委派，途径为司法调解）",
            "最高法《关于人民法院特邀调解的规定》第二十七条",
        )
    return past_days("accept", ctx.inputs, _PAST_FACTS, ctx.day, "the acceptance")


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
    """Record why it was not accepted (a party's refusal as a refusal), end every clock.

    Versions 2 and 3: a matter another organ handles is recorded on the ground of people's
    mediation (2002 规定 第二十二条第二项) whatever the organ; kept for their recorded cases.
    """
    return _not_accepted(case, ctx, Procedure.people)


def on_not_accepted_current(case: Case, ctx: Context[AcceptInputs]) -> Case:
    """Version 4 on: as :func:`on_not_accepted`, the ground being the case's own procedure's
    — an administrative organ does not cite the rules for people's mediation organisations
    (the health department 《医疗纠纷预防和处理条例》第四十条; the traffic police
    《道路交通安全法实施条例》第九十六条; none national for 治安调解 and other administrative
    mediation, RULES.md §6.5, §6.7)."""
    return _not_accepted(case, ctx, procedure(case, ctx.policy))


def _not_accepted(case: Case, ctx: Context[AcceptInputs], proc: Procedure) -> Case:
    reason, basis = _bar(case, ctx, proc) or ("不予受理", "")
    given = ctx.inputs
    if given.refused_by:
        refusal = Refusal(given.refused_by, ctx.at, "acceptance", given.note)
        case = _with(case, refusals=(*details(case).refusals, refusal))
    case = deadlines.cancel_all(case, ctx, late=v4(case))
    case = evolve(case, outcome=grounded(reason, basis))
    return record_resolution(case, ctx, "not_accepted", details(case).track)


def on_accept(case: Case, ctx: Context[AcceptInputs]) -> Case:
    """Meet the acceptance clock; open the track's mediation clock from the moment its rule names.

    治安调解 (dispute v4 on): the police's 30-day case-handling period runs from acceptance
    too (《公安机关办理行政案件程序规定》第一百六十五条); it is met when an agreement
    takes effect (《治安管理处罚法》第九条: no penalty) and counts afresh from a failure or
    a non-performance (第一百八十五条).
    """
    given = ctx.inputs
    found = details(case)
    facts = found.facts
    if (
        given.mediation_start_on
        or given.materials_signed_on
        or given.appraisal_issued_on
        or given.simplified
        or given.court
        or given.online
    ):
        facts = evolve(
            facts,
            mediation_start_on=given.mediation_start_on or facts.mediation_start_on,
            materials_signed_on=given.materials_signed_on or facts.materials_signed_on,
            appraisal_issued_on=given.appraisal_issued_on or facts.appraisal_issued_on,
            simplified=given.simplified or facts.simplified,
            court=given.court.strip() if given.court else facts.court,
            online=given.online or facts.online,
        )
        case = _with(case, facts=facts)
    accepted = (ACCEPTANCE, MEDICAL_ADMIN_ACCEPT)
    if _start_pending(case, ctx, given):
        # The 10 working days wait for the start (record_mediation_start); meanwhile a
        # reminder runs, so the case is not forgotten.
        return deadlines.close_and_open(case, ctx, accepted, TRAFFIC_START)
    rule, start = mediation_clock(case, ctx)
    case = deadlines.close_and_open(case, ctx, accepted, rule, start)
    if v4(case) and _public_order(case, found.track, ctx):
        case = deadlines.open_clock(case, ctx, PS_HANDLING)
    return case


def _start_pending(case: Case, ctx: Context[Any], given: AcceptInputs) -> bool:
    """Traffic police mediation accepted before the start its rule names: the period waits."""
    return (
        given.start_pending
        and given.mediation_start_on is None
        and v4(case)
        and _traffic_police(case, details(case).track, ctx)
    )


# -- 交警调解: the start of mediation after acceptance ----------------------------------------


class StartEvent(LabeledEnum):
    """What starts traffic police mediation (《道路交通事故处理程序规定》第九十条)."""

    funeral_ended = "funeral_ended", "丧葬事宜结束"
    treatment_ended = "treatment_ended", "治疗终结"
    disability_assessed = "disability_assessed", "定残"
    loss_fixed = "loss_fixed", "损失确定"


@attrs.frozen(slots=True)
class MediationStartInputs:
    """调解开始: the day the event the rule names happened."""

    start_on: dt.date = field("调解开始日期")
    event: StartEvent = field("调解开始事由")


_TRAFFIC_BASIS = "《道路交通事故处理程序规定》第九十条"


def mediation_start_guard(case: Case, ctx: Context[MediationStartInputs]) -> Decision:
    """Traffic police mediation accepted, not yet begun: its start is recorded once it
    happened (程序规定 第九十条: death — the funeral over; injury — treatment ended;
    disability — assessed; property — the loss fixed). Once: the rule gives one period.
    Workflow version 4 on."""
    found = details(case)
    traffic = v4(case) and _traffic_police(case, found.track, ctx)
    if not traffic or case.state != "accepted":
        return refuse(
            "record_mediation_start",
            "只有已受理、尚未开始调解的交警调解案件记录调解开始",
            _TRAFFIC_BASIS,
        )
    if found.facts.mediation_start_on is not None:
        return refuse(
            "record_mediation_start",
            f"调解开始已经记录（{found.facts.mediation_start_on.isoformat()}）：交警调解只有一个"
            "调解期间",
            _TRAFFIC_BASIS,
        )
    if ctx.inputs.start_on > ctx.day:
        return refuse_input(
            "record_mediation_start",
            "start_on",
            ctx.inputs.start_on.isoformat(),
            f"a start that has happened (the step is dated {ctx.day.isoformat()})",
        )
    return ALLOW


def start_pending_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Traffic police mediation does not begin before the start its rule names has been
    recorded, when acceptance said it was still to come (程序规定 第九十条): its one
    period would never run. Workflow version 4 on."""
    if any(d.period == TRAFFIC_START.id and d.is_open for d in case.deadlines):
        return refuse(
            "start_mediation",
            "调解开始之日尚未记录（治疗终结、丧葬事宜结束、定残或者损失确定）：先记录调解开始",
            _TRAFFIC_BASIS,
        )
    return ALLOW


def on_mediation_start(case: Case, ctx: Context[MediationStartInputs]) -> Case:
    """The 10 working days count from the start, or from acceptance if that was later
    (程序规定 第九十条); a period counted from acceptance before it is replaced (cancelled,
    not breached)."""
    found = details(case)
    start = ctx.inputs.start_on
    case = _with(case, facts=evolve(found.facts, mediation_start_on=start))
    case = deadlines.close(case, ctx, (TRAFFIC_START,))
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == _TRAFFIC_POLICE.id)
    return deadlines.open_clock(
        case, ctx, _TRAFFIC_POLICE, _not_before_acceptance(case, ctx, start)
    )


def mediation_clock(case: Case, ctx: Context[Any]) -> tuple[PeriodRule, dt.date]:
    """The period a mediation runs on, and the day it counts from (the day itself excluded).

    - Court delegation before filing (委派): 30 days from the mediator's signing
      for the materials (特邀调解规定 第二十七条) — on the court's online platform, from
      the mediator's confirming there, appraisal time excluded (《人民法院在线调解规则》
      第二十四条、第二十六条); entrusted after filing (委托): 15 days, 7 in simplified
      procedure.
    - Labour: 15 days from the day this body received the application
      (《劳动争议调解仲裁法》第十四条第三款) — not from acceptance.
    - Medical: 30 working days from acceptance, by a committee (第三十八条) or
      the health department (第四十条).
    - Traffic, by the police: 10 working days from the start of mediation the
      rule names, or acceptance if later (程序规定 第九十条).
    - 治安调解: the first session within 3 working days of acceptance or of the
      appraisal, whichever is later (程序规定 第一百八十三条; 工作规范 第九条; an appraisal
      issued after acceptance is recorded with :func:`on_appraisal`).
    - Other administrative mediation: the local rule's period.
    - People's mediation: "一般在一个月内调结" from acceptance (2002 规定 第三十三条).
    """
    found = details(case)
    facts = found.facts
    track = found.track or "people"
    today = ctx.day
    cats = ancestors(case.category, ctx.policy.categories)
    if case.channel == "court_referral":
        rule = _COURT_ONLINE if facts.online else _COURT_DELEGATED
        return rule, facts.materials_signed_on or today
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
        issued = facts.appraisal_issued_on
        return PS_FIRST, max(issued, today) if issued is not None else today
    if track == "administrative":
        return _ADMINISTRATIVE, today
    return _PEOPLE, today


# -- 治安调解: an appraisal issued after acceptance -----------------------------------------


@attrs.frozen(slots=True)
class AppraisalInputs:
    """鉴定意见出具: the day the injury or value appraisal was issued."""

    issued_on: dt.date = field("鉴定意见出具日期")
    kind: str = field("鉴定种类", default="伤情鉴定", validator=nonblank)
    commissioned_on: dt.date | None = field("鉴定委托日期", default=None)


def _first_session_pending(case: Case) -> bool:
    return case.state == "accepted" and not details(case).sessions


def _handling_runs(case: Case) -> bool:
    return any(d.period == PS_HANDLING.id and d.status.is_open for d in case.deadlines)


def _medical_period(case: Case) -> str | None:
    """The medical mediation period open on ``case`` (people's or the health department's
    30 working days, 《医疗纠纷预防和处理条例》第三十八条、第四十条), if one is."""
    medical = (_MEDICAL_PEOPLE.id, _MEDICAL_ADMIN.id)
    return next(
        (d.period for d in case.deadlines if d.period in medical and d.status.is_open), None
    )


MEDICAL_APPRAISAL_BASIS = "《医疗纠纷预防和处理条例》第三十八条、第四十条"


def _medical_appraisal_guard(case: Case, ctx: Context[AppraisalInputs]) -> Decision:
    """A medical dispute's appraisal (version 11): the days from its commission to its issue
    are left out of the 30 working days (第三十八条: 鉴定期间不计入调解期限), so both days
    are needed."""
    given = ctx.inputs
    if given.commissioned_on is None:
        return refuse_input(
            "record_appraisal",
            "commissioned_on",
            None,
            "医疗纠纷调解的鉴定时间不计入调解期限：请填写委托鉴定的日期",
            MEDICAL_APPRAISAL_BASIS,
        )
    return ALLOW


def appraisal_guard(case: Case, ctx: Context[AppraisalInputs]) -> Decision:
    """治安调解 waits for an appraisal before its first session (工作规范 第九条), until the
    first session is held. With the day it was commissioned, the appraisal's time is left out
    of the case-handling period (程序规定 第一百六十五条) whenever that period runs —
    before the first session, or in the penalty procedure after a failure. An appraisal is
    issued by the day it is recorded, and commissioned before it is issued.

    From version 11 (:data:`~._common.V11`), a medical dispute's appraisal is recorded the
    same way while its 30 working days run — before the first session or during mediation —
    and its time is left out of them (《医疗纠纷预防和处理条例》第三十八条、第四十条)."""
    found = details(case)
    given = ctx.inputs
    medical = v11(case) and _medical_period(case) is not None
    if medical:
        decision = _medical_appraisal_guard(case, ctx)
        if not decision.allowed:
            return decision
    elif not _public_order(case, found.track, ctx):
        if v11(case):
            return refuse(
                "record_appraisal",
                "只有治安调解案件（第一次调解自鉴定意见出具之日起计算）和调解期限内的医疗纠纷"
                "（鉴定时间不计入调解期限）记录鉴定意见",
                f"{PS_BASIS}；{MEDICAL_APPRAISAL_BASIS}",
            )
        return refuse(
            "record_appraisal",
            "只有已受理、尚未调解的治安调解案件，第一次调解自鉴定意见出具之日起计算",
            PS_BASIS,
        )
    if (
        not medical
        and not _first_session_pending(case)
        and not (given.commissioned_on is not None and _handling_runs(case))
    ):
        if found.sessions:
            return refuse("record_appraisal", "第一次调解已经进行", PS_BASIS)
        return refuse(
            "record_appraisal",
            "只有已受理、尚未调解的治安调解案件，第一次调解自鉴定意见出具之日起计算",
            PS_BASIS,
        )
    if given.issued_on > ctx.day:
        return refuse_input(
            "record_appraisal",
            "issued_on",
            given.issued_on.isoformat(),
            f"an appraisal not yet issued (the step is dated {ctx.day.isoformat()})",
        )
    if given.commissioned_on is not None and given.commissioned_on > given.issued_on:
        return refuse_input(
            "record_appraisal",
            "commissioned_on",
            given.commissioned_on.isoformat(),
            f"an appraisal commissioned by the day it was issued ({given.issued_on.isoformat()})",
        )
    return ALLOW


def on_appraisal(case: Case, ctx: Context[AppraisalInputs]) -> Case:
    """Before the first session: its 3 working days count again from the appraisal, or
    from acceptance if that was later (程序规定 第一百八十三条; 工作规范 第九条); the clock
    counted from acceptance is replaced (cancelled, not breached).

    With ``commissioned_on``: the days from the commission to the issue are left out of the
    running case-handling period (鉴定期间不计入办案期限, 程序规定 第一百六十五条;
    RULES.md §5.6), whenever they were recorded.

    A medical dispute (version 11): the same days are left out of its running 30 working
    days (《医疗纠纷预防和处理条例》第三十八条、第四十条); nothing else changes."""
    given = ctx.inputs
    medical = _medical_period(case) if v11(case) else None
    if medical is not None and given.commissioned_on is not None:
        return deadlines.exclude(case, ctx, medical, given.commissioned_on, given.issued_on)
    if given.commissioned_on is not None:
        case = deadlines.exclude(case, ctx, PS_HANDLING, given.commissioned_on, given.issued_on)
    if not _first_session_pending(case):
        return case
    found = details(case)
    case = _with(case, facts=evolve(found.facts, appraisal_issued_on=ctx.inputs.issued_on))
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == PS_FIRST.id)
    start = _not_before_acceptance(case, ctx, ctx.inputs.issued_on)
    return deadlines.open_clock(case, ctx, PS_FIRST, start)


def _not_before_acceptance(case: Case, ctx: Context[Any], day: dt.date) -> dt.date:
    """``day``, or the day the case was accepted (its acceptance clock met) if later."""
    accepted = [
        d.closed_at.astimezone(ctx.policy.tz).date()
        for d in case.deadlines
        if d.period in (ACCEPTANCE.id, MEDICAL_ADMIN_ACCEPT.id) and d.closed_at is not None
    ]
    return max(day, *accepted[-1:])


PS_BASIS = "《公安机关办理行政案件程序规定》第一百八十三条；《公安机关治安调解工作规范》第九条"
