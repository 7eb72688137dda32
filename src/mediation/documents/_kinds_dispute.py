"""Dispute documents of version 2: 权利义务告知书, 交办单 / 转办单 / 上报单, 反馈报告, 移送函.

Sources: 《人民调解法》第三条 (principles), 第四条 (free of charge), 第二十三条
(parties' rights), 第二十四条 (parties' duties), 第三十一条、第三十三条 (effect
of an agreement); 司法部《人民调解工作若干规定》(2002) 第二十一条 (difficult,
complex or cross-area disputes go to the township committee), 第二十四条 (a
dispute not for the committee: told where to go; one that may escalate is
eased first, then handed over), 第三十条 (rights and duties told before
mediation); 《信访工作条例》第二十二条 (属地管理、分级负责; 交办 with a set
date for the report back), 第三十七条 (三调联动); RULES.md §7.3 (受理登记 →
分流交办 → 跟踪督办 → 办结反馈, PRACTICE).
"""

from __future__ import annotations

from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.documents._facts import cn_date, cn_datetime, cn_number, display_name, local_date
from mediation.documents._registry import Source, document
from mediation.model import Event, LinkKind
from mediation.rules.counting import PeriodUnit
from mediation.rules.dispute import Feedback, Referral, details
from mediation.rules.dispute.agreement import organ_statute, written_required
from mediation.rules.dispute.procedure import Procedure, procedure
from mediation.rules.org import UnitKind
from mediation.rules.periods import PeriodRule, period
from mediation.rules.referral import Direction, ReferralPolicy
from mediation.workflows.dispute import DisputeState

__all__ = ["SLIP_TITLES"]

SLIP_TITLES = {
    Direction.down: "矛盾纠纷交办单",
    Direction.across: "矛盾纠纷转办单",
    Direction.up: "矛盾纠纷上报单",
}
"""The title a referral slip prints, by the way the case moved (rules.referral.Direction)."""

_OUTCOMES = {
    "pending": "待接收",
    "taken": "已接收",
    "returned": "已退回",
    "refused": "当事人拒绝调解",
}

_ACCEPTED = frozenset(
    s.value
    for s in (
        DisputeState.accepted,
        DisputeState.mediating,
        DisputeState.suspended,
        DisputeState.agreed,
        DisputeState.performing,
        DisputeState.performed,
        DisputeState.not_performed,
        DisputeState.failed,
        DisputeState.callback,
        DisputeState.closed,
        DisputeState.archived,
    )
)


def unit_name(src: Source, unit_id: str | None) -> str:
    """A unit's name from the policy's organisation (the id itself if it is unknown)."""
    if not unit_id:
        return ""
    if src.unit is not None and src.unit.id == unit_id:
        return src.unit.name
    org = src.policy.org
    if org is not None and unit_id in org:
        return org.get(unit_id).name
    return unit_id


def units_held(src: Source) -> dict[int, str]:
    """The unit that held the case when each event of its history was taken, by ``seq``.

    A case moves between units only by referral (分流交办: it is the receiver's from the
    ``refer``; back with the sender if the receiver returns it or a party refuses while
    it waits, 2002 规定 第二十一条). The ``refer`` is the sender's act, and the return the
    receiver's.
    """
    referrals = details(src.case).referrals
    if not referrals:
        return {e.seq: src.case.unit for e in src.history}
    held: dict[int, str] = {}
    unit, k = referrals[0].from_unit, -1
    for e in src.history:
        held[e.seq] = unit
        if e.trigger == "refer" and k + 1 < len(referrals):
            k += 1
            unit = referrals[k].to_unit
        elif (
            k >= 0
            and e.source == DisputeState.referred.value
            and e.dest != DisputeState.referred.value
            and referrals[k].outcome in ("returned", "refused")
            and e.trigger != "take_referral"
        ):
            unit = referrals[k].from_unit
    return held


def unit_when(src: Source, event: Event | None) -> str:
    """The unit that held the case when ``event`` was taken: the one that acted
    (:func:`units_held`). A form attesting an act — the registration, the application
    received, the rights told — is that unit's, not the unit the case has moved to since.
    ``None``: the case's unit now.
    """
    if event is None:
        return src.case.unit
    return units_held(src).get(event.seq, src.case.unit)


def acting_unit(src: Source, event: Event | None) -> dict[str, Any]:
    """The ``unit`` of the context (the form's heading) for a form attesting ``event``: the
    unit that took it (:func:`unit_when`). Empty where that is the case's unit now, so the
    common context stands."""
    unit_id = unit_when(src, event)
    org = src.policy.org
    if unit_id == src.case.unit or org is None or unit_id not in org:
        return {}
    unit = org.get(unit_id)
    return {"unit": {"id": unit.id, "name": unit.name, "level": unit.level}}


def _pick(src: Source, key: str, items: tuple[Any, ...], what: str) -> tuple[int, Any]:
    """The item ``extra[key]`` names (an index, default the latest), and its position."""
    if not items:
        raise ValidationError(f"case.{key}", (), f"no {what} has been recorded")
    index = src.extra.get(key, -1)
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValidationError(f"extra.{key}", index, f"the index of a recorded {what}")
    if not -len(items) <= index < len(items):
        raise ValidationError(f"extra.{key}", index, f"the index of a recorded {what}")
    return index % len(items), items[index]


def _doc(src: Source, kind: str, title: str, basis: str) -> dict[str, Any]:
    """The ``doc`` facts with the title this document prints (a slip's title by direction)."""
    return {
        "kind": kind,
        "title": title,
        "basis": basis,
        "number": src.number or "",
        "date": cn_date(src.today),
        "date_iso": src.today.isoformat(),
    }


# -- 权利义务告知书 ----------------------------------------------------------------------

_LAW = "《中华人民共和国人民调解法》"

_PRINCIPLES = (
    "在当事人自愿、平等的基础上进行调解",
    "不违背法律、法规和国家政策",
    "尊重当事人的权利，不得因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利",
)
"""《人民调解法》第三条."""

_RIGHTS = (
    "选择或者接受人民调解员",
    "接受调解、拒绝调解或者要求终止调解",
    "要求调解公开进行或者不公开进行",
    "自主表达意愿、自愿达成调解协议",
)
"""《人民调解法》第二十三条."""

_DUTIES = (
    "如实陈述纠纷事实",
    "遵守调解现场秩序，尊重人民调解员",
    "尊重对方当事人行使权利",
)
"""《人民调解法》第二十四条."""


_ORGAN_RIGHTS = _RIGHTS[1:]
"""An organ's mediation: the parties do not choose a people's mediator."""

_ORGAN_DUTIES = ("如实陈述纠纷事实", "遵守调解现场秩序，尊重调解人员", "尊重对方当事人行使权利")


@attrs.frozen(slots=True)
class RightsText:
    """How the notice of rights and duties reads for one procedure (RULES.md §6).

    Attributes:
        title: The notice's title.
        source: The rules the notice is given under (printed "根据…的规定").
        organ: How the organ names itself (本委员会, 本机关).
        what: The mediation it is (人民调解, 治安调解...).
        nature: Section one: what the mediation is, with its source.
        effect_heading: Section three's heading.
        effect: Section three: what an agreement does, and what follows its failure.
        closing: The closing paragraph: refusal and remedies.
        lists_basis: How the principles, rights and duties cite 《人民调解法》 (directly, or
            "参照" for an organ's mediation, which no national statute governs as a whole).
    """

    title: str
    source: str
    organ: str
    what: str
    nature: str
    effect_heading: str
    effect: str
    closing: str
    lists_basis: str


_CONFIRM = period("judicial_confirmation_apply")
_MEDICAL_ADMIN = period("medical_admin_mediation")
_LABOUR_PERIOD = period("labour_mediation")


def _days(rule: PeriodRule) -> str:
    """A period as the notices print it, from its rule: 三十日, 30个工作日."""
    if rule.unit is PeriodUnit.working_days:
        return f"{rule.length}个工作日"
    return f"{cn_number(rule.length)}日"


_POLICE = "《公安机关办理行政案件程序规定》"
_TRAFFIC = "《道路交通事故处理程序规定》"
_MEDICAL = "《医疗纠纷预防和处理条例》"

RIGHTS_TEXTS: dict[Procedure, RightsText] = {
    Procedure.people: RightsText(
        "人民调解当事人权利义务告知书",
        "《人民调解工作若干规定》第三十条",
        "本委员会",
        "人民调解",
        "人民调解是人民调解委员会通过说服、疏导等方法，促使当事人在平等协商基础上自愿达成调解"
        f"协议，解决民间纠纷的活动。人民调解委员会调解民间纠纷，不收取任何费用（{_LAW}第二条、"
        "第四条）。",
        "人民调解协议的效力",
        f"经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行（{_LAW}"
        "第三十一条）。经调解达成调解协议后，双方当事人认为有必要的，可以自调解协议生效之日起"
        f"{_days(_CONFIRM)}内共同向人民法院申请司法确认（同法第三十三条）。",
        f"当事人一方明确拒绝调解的，不得调解（{_LAW}第十七条）。调解不成的，当事人可以依法通过"
        "仲裁、行政、司法等途径维护自己的权利（同法第二十六条）。",
        _LAW,
    ),
    Procedure.public_order: RightsText(
        "治安调解当事人权利义务告知书",
        f"{_POLICE}第一百七十八条至第一百八十六条",
        "本机关",
        "治安调解",
        "治安调解是公安机关对因民间纠纷引起的殴打他人、故意伤害、侮辱、诽谤、诬告陷害、故意损毁"
        "财物、干扰他人正常生活、侵犯隐私、非法侵入住宅等违反治安管理行为，情节较轻的，在当事人"
        f"自愿的基础上主持调解的活动（{_POLICE}第一百七十八条）。",
        "治安调解协议的效力",
        "经公安机关调解，当事人达成协议的，不予处罚；未达成协议或者达成协议后不履行的，公安机关"
        "依法予以处罚，并告知当事人可以就民事争议依法向人民法院提起民事诉讼（《中华人民共和国"
        f"治安管理处罚法》第九条；{_POLICE}第一百八十五条）。",
        f"当事人明确表示不愿意调解处理的，不适用调解处理（{_POLICE}第一百七十九条）。",
        f"参照{_LAW}",
    ),
    Procedure.traffic_police: RightsText(
        "道路交通事故损害赔偿调解当事人权利义务告知书",
        f"{_TRAFFIC}第八十四条至第九十五条",
        "本机关",
        "道路交通事故损害赔偿调解",
        "当事人共同申请的，公安机关交通管理部门对道路交通事故损害赔偿进行调解；当事人也可以申请"
        f"人民调解委员会调解，或者直接向人民法院提起民事诉讼（{_TRAFFIC}第八十四条）。",
        "调解的结果",
        "经调解达成协议的，公安机关交通管理部门制作道路交通事故损害赔偿调解书；调解期满未达成"
        f"协议的，制作道路交通事故损害赔偿调解终结书（{_TRAFFIC}第九十条）。调解未达成协议或者"
        "调解书生效后不履行的，当事人可以向人民法院提起民事诉讼（《中华人民共和国道路交通安全法》"
        "第七十四条）。",
        "调解期间，当事人向人民法院提起民事诉讼、无正当理由不参加调解或者放弃调解的，调解终止"
        f"（{_TRAFFIC}第九十四条）。",
        f"参照{_LAW}",
    ),
    Procedure.medical_admin: RightsText(
        "医疗纠纷行政调解当事人权利义务告知书",
        f"{_MEDICAL}第四十条",
        "本机关",
        "医疗纠纷行政调解",
        "医患双方申请医疗纠纷行政调解的，由医疗纠纷发生地县级人民政府卫生主管部门依法调解"
        f"（{_MEDICAL}第四十条）。",
        "调解的期限和结果",
        f"卫生主管部门自受理之日起{_days(_MEDICAL_ADMIN)}内完成调解，需要鉴定的，鉴定时间不计入调解期限；"
        f"调解不成的，当事人可以依法向人民法院提起诉讼（{_MEDICAL}第四十条）。",
        "已经向人民法院提起诉讼并且已被受理，或者已经申请人民调解委员会调解并且已被受理的，"
        f"卫生主管部门不予受理；已经受理的，终止调解（{_MEDICAL}第四十条）。",
        f"参照{_LAW}",
    ),
    Procedure.administrative: RightsText(
        "行政调解当事人权利义务告知书",
        "各地行政调解办法",
        "本机关",
        "行政调解",
        "行政调解是行政机关对与其职权有关的民事纠纷，在当事人自愿的基础上，依照法律、法规和政策"
        "主持调解的活动，不收取费用（各地行政调解办法）。",
        "调解协议",
        "经调解达成的协议，当事人应当履行；调解不成或者一方不履行的，当事人可以依法申请仲裁、"
        "提起诉讼（各地行政调解办法）。",
        "当事人一方明确拒绝调解的，不予调解；纠纷已经进入人民调解、诉讼或者仲裁程序的，不适用"
        "行政调解（各地行政调解办法）。",
        f"参照{_LAW}",
    ),
}
"""The notice of rights and duties by procedure: a mediation by the police, the traffic
police, the health department or another organ is not a people's mediation (RULES.md §6.3–6.5,
§6.7), and its notice neither says so nor promises 司法确认."""


_LAND = "《农村土地承包经营纠纷调解仲裁法》"
_LABOUR = "《劳动争议调解仲裁法》"

STATUTE_RIGHTS: dict[str, RightsText] = {
    "land_contract": RightsText(
        "农村土地承包经营纠纷调解当事人权利义务告知书",
        f"{_LAND}第七条至第十条",
        "本机关",
        "农村土地承包经营纠纷调解",
        "发生农村土地承包经营纠纷的，当事人可以请求村民委员会、乡（镇）人民政府等调解；调解可以"
        f"书面申请，也可以口头申请（{_LAND}第七条、第八条）。",
        "调解协议",
        "经调解达成协议的，制作调解协议书；调解协议书由双方当事人签名、盖章或者按指印，经调解人员"
        f"签名并加盖调解组织印章后生效（{_LAND}第十条）。",
        "当事人和解、调解不成或者不愿和解、调解的，可以向农村土地承包仲裁委员会申请仲裁，也可以"
        f"直接向人民法院起诉（{_LAND}第四条）。",
        f"参照{_LAW}",
    ),
    "labour": RightsText(
        "劳动争议调解当事人权利义务告知书",
        f"{_LABOUR}第十条至第十六条",
        "本机关",
        "劳动争议调解",
        "发生劳动争议，当事人可以到企业劳动争议调解委员会、依法设立的基层人民调解组织、在乡镇、"
        f"街道设立的具有劳动争议调解职能的组织申请调解（{_LABOUR}第十条）。",
        "调解协议",
        "经调解达成协议的，制作调解协议书，由双方当事人签名或者盖章，经调解员签名并加盖调解组织"
        f"印章后生效，对双方当事人具有约束力，当事人应当履行（{_LABOUR}第十四条第一款、第二款）。"
        f"自劳动争议调解组织收到调解申请之日起{_days(_LABOUR_PERIOD)}内未达成调解协议的，当事人可以依法申请仲裁"
        "（同条第三款）。",
        "达成调解协议后，一方当事人在协议约定期限内不履行调解协议的，另一方当事人可以依法申请"
        f"仲裁（{_LABOUR}第十五条）。",
        f"参照{_LAW}",
    ),
}
"""An organ's notice on a category whose own statute governs its mediation (RULES.md §6.1,
§6.2), as :data:`~mediation.documents._kinds_agreement.STATUTE_FORMS` for its agreement."""


STATUTE_NOTES: dict[str, str] = {
    "labour": (
        f"本纠纷属劳动争议：自调解组织收到调解申请之日起{_days(_LABOUR_PERIOD)}内未达成调解协议的，"
        f"当事人可以依法申请仲裁（{_LABOUR}第十四条第三款）；达成调解协议后，一方当事人在协议"
        f"约定期限内不履行的，另一方当事人可以依法申请仲裁（{_LABOUR}第十五条）。"
    ),
    "land_contract": (
        "本纠纷属农村土地承包经营纠纷：当事人和解、调解不成或者不愿和解、调解的，可以向农村土地"
        f"承包仲裁委员会申请仲裁，也可以直接向人民法院起诉（{_LAND}第四条）。"
    ),
}
"""What a committee's notice adds on a category whose own statute sets the routes after
mediation (RULES.md §6.1, §6.2): a labour dispute goes to arbitration when no agreement came
within the statute's days; a land-contract dispute to its arbitration commission or the court.
An organ's notice on such a category is its statute's own (:data:`STATUTE_RIGHTS`)."""


def _statute_note(src: Source) -> str:
    """:data:`STATUTE_NOTES` for a people's mediation of such a category, else empty."""
    if _rights_text(src) is not RIGHTS_TEXTS[Procedure.people]:
        return ""
    found = written_required(src.case.category, src.policy)
    return STATUTE_NOTES.get(found.code, "") if found is not None else ""


def _rights_text(src: Source) -> RightsText:
    code = organ_statute(src.case, src.policy)
    if code in STATUTE_RIGHTS:
        return STATUTE_RIGHTS[code]
    return RIGHTS_TEXTS[procedure(src.case, src.policy)]


def organ_form(src: Source, kind: str, title: str) -> dict[str, Any]:
    """The ``doc`` override of a people's-mediation form used by an organ (police, traffic
    police, health department, another administrative organ): ``人民调解`` in its title
    becomes the organ's own mediation (治安调解受理登记表...). Empty for a people's mediation:
    the form's own title stands. (RULES.md §6.3–6.5, §6.7: an organ's mediation is not
    people's mediation.)"""
    how = _rights_text(src)
    if how is RIGHTS_TEXTS[Procedure.people]:
        return {}
    return {"doc": _doc(src, kind, title.replace("人民调解", how.what, 1), how.source)}


def mediation_name(src: Source) -> str:
    """What the case's mediation is called (人民调解, 治安调解, 行政调解...)."""
    return _rights_text(src).what


def _accepted(src: Source) -> bool:
    if details(src.case).rights_informed_at is not None:
        return True
    if src.history:
        return any(e.dest in _ACCEPTED for e in src.history if e.trigger != "intake")
    return src.case.state in _ACCEPTED


def _check_rights(src: Source) -> None:
    if not _accepted(src):
        raise ValidationError(
            "case.state",
            src.case.state,
            "the case has not been accepted: rights and duties are told once it is, "
            "before mediation starts (《人民调解工作若干规定》第三十条)",
        )


_RIGHTS_BASIS = "《人民调解法》第二十三条、第二十四条；《人民调解工作若干规定》第三十条"


@document(
    "rights_notice",
    "人民调解当事人权利义务告知书",
    order=25,
    basis=_RIGHTS_BASIS,
    check=_check_rights,
)
def rights_notice(src: Source) -> dict[str, Any]:
    """Context of 权利义务告知书: the nature, principles and effect of people's mediation and
    the parties' rights and duties, told before mediation starts.

    2002 规定 第三十条 (told orally or in writing before mediating); 《人民调解法》
    第三条 (principles), 第四条 (free), 第二十三条 (rights), 第二十四条 (duties),
    第三十一条、第三十三条 (effect of an agreement; judicial confirmation).
    """
    found = details(src.case)
    event = src.last("inform_rights")
    written = event.data.get("written", True) if event is not None else True
    how = _rights_text(src)
    people = how is RIGHTS_TEXTS[Procedure.people]
    return {
        # The unit that told them, though the case was referred on since (第二十一条).
        **acting_unit(src, event),
        "doc": _doc(src, "rights_notice", how.title, _RIGHTS_BASIS if people else how.source),
        "text": attrs.asdict(how),
        "informed": found.rights_informed_at is not None,
        "informed_at": cn_datetime(found.rights_informed_at),
        "informed_date": cn_date(found.rights_informed_at),
        "informed_by": display_name(src, event.actor) if event is not None else "",
        "manner": "书面告知" if written is not False else "口头告知",
        "principles": list(_PRINCIPLES),
        "principles_basis": f"{how.lists_basis}第三条",
        "rights": list(_RIGHTS if people else _ORGAN_RIGHTS),
        "rights_basis": f"{how.lists_basis}第二十三条",
        "duties": list(_DUTIES if people else _ORGAN_DUTIES),
        "duties_basis": f"{how.lists_basis}第二十四条",
        # A labour or land-contract dispute at a committee: its statute's routes after it.
        "statute_note": _statute_note(src),
    }


# -- 交办单 / 转办单 / 上报单 ----------------------------------------------------------------


def _referral_facts(src: Source, r: Referral) -> dict[str, Any]:
    reasons = src.policy.part(ReferralPolicy).reasons
    reason = reasons.get(r.reason)
    outcome = _OUTCOMES.get(r.outcome, r.outcome)
    if r.decided_at is not None:
        outcome = f"{outcome}（{cn_datetime(r.decided_at)}）"
    return {
        "direction": r.direction.value,
        "direction_label": r.direction.label,
        "from_unit": unit_name(src, r.from_unit),
        "to_unit": unit_name(src, r.to_unit),
        "reason": r.reason,
        "reason_label": reason.label if reason is not None else r.reason,
        "reason_basis": reason.basis if reason is not None else "",
        "note": r.note,
        "at": cn_datetime(r.at),
        "date": cn_date(r.at),
        "from_state_label": src.definition.label_of(r.from_state),
        "feedback_by": cn_date(r.feedback_by),
        "outcome": r.outcome,
        "outcome_label": outcome,
        "decided_at": cn_datetime(r.decided_at),
        "return_reason": r.return_reason,
    }


def _check_referral(src: Source) -> None:
    _pick(src, "referral", details(src.case).referrals, "referral")


@document(
    "referral_slip",
    "矛盾纠纷分流交办单",
    order=32,
    basis="《人民调解工作若干规定》第二十一条；《信访工作条例》第二十二条",
    check=_check_referral,
)
def referral_slip(src: Source) -> dict[str, Any]:
    """Context of the slip that goes with a referral (``extra["referral"]``, default the latest).

    Its title by direction: 上报单 (up, 2002 规定 第二十一条), 交办单 (down, with the
    date the report back is due: 《信访工作条例》第二十二条第一款第三项), 转办单
    (across, 属地管理 or to an industry committee).
    """
    found = details(src.case).referrals
    index, r = _pick(src, "referral", found, "referral")
    title = SLIP_TITLES[r.direction]
    return {
        "doc": _doc(src, "referral_slip", title, "《人民调解工作若干规定》第二十一条"),
        "referral": _referral_facts(src, r),
        "ordinal": index + 1,
        "count": len(found),
        "sent_by": display_name(src, _sender(src, r)),
    }


def _sender(src: Source, r: Referral) -> str:
    """Who sent the referral (the actor of the ``refer`` event at its time)."""
    for e in src.events("refer"):
        if e.at == r.at:
            return e.actor
    return ""


# -- 反馈报告 -------------------------------------------------------------------------------


def _assignment(src: Source, f: Feedback) -> Referral | None:
    """The assignment (交办) the report answers: the latest taken one to its unit before it."""
    found = [
        r
        for r in details(src.case).referrals
        if r.to_unit == f.unit and r.outcome == "taken" and r.feedback_by is not None
        if r.at <= f.at
    ]
    return found[-1] if found else None


def _check_feedback(src: Source) -> None:
    _pick(src, "feedback", details(src.case).feedback, "report back (反馈)")


@document(
    "feedback_report",
    "交办事项反馈报告",
    order=34,
    basis="《信访工作条例》第二十二条第一款第三项",
    check=_check_feedback,
)
def feedback_report(src: Source) -> dict[str, Any]:
    """Context of 反馈报告: the report the assigned unit sends back (``extra["feedback"]``).

    《信访工作条例》第二十二条第一款第三项 (交办 with a set date for the 办结报告);
    RULES.md §7.3 办结反馈 (PRACTICE). States whether it came by the date set.
    """
    index, f = _pick(src, "feedback", details(src.case).feedback, "report back (反馈)")
    assignment = _assignment(src, f)
    on_time: bool | None = None
    if assignment is not None and assignment.feedback_by is not None:
        on_time = local_date(f.at) <= assignment.feedback_by
    return {
        "feedback": {
            "at": cn_datetime(f.at),
            "date": cn_date(f.at),
            "unit": unit_name(src, f.unit),
            "to_unit": unit_name(src, f.to_unit),
            "report": f.report,
            "on_time": on_time,
            "timeliness": {True: "按期反馈", False: "逾期反馈", None: ""}[on_time],
        },
        "assignment": None if assignment is None else _referral_facts(src, assignment),
        "ordinal": index + 1,
        "state_label": src.definition.label_of(src.case.state),
    }


# -- 移送函 ---------------------------------------------------------------------------------


def _moved(src: Source) -> Event | None:
    return src.last("transfer_out", "hand_off")


def _check_moved(src: Source) -> None:
    if _moved(src) is None:
        raise ValidationError(
            "case.state",
            src.case.state,
            "the case was neither transferred (transfer_out) nor handed off (hand_off)",
        )


def _text(event: Event, key: str) -> str:
    value = event.data.get(key)
    return str(value).strip() if value not in (None, "") else ""


@document(
    "transfer_letter",
    "移送函",
    order=36,
    basis="《人民调解工作若干规定》第二十二条、第二十四条；《信访工作条例》第三十七条",
    check=_check_moved,
)
def transfer_letter(src: Source) -> dict[str, Any]:
    """Context of 移送函: to which organ, why, the easing measures taken, the linked case.

    A transfer (``transfer_out``) sends a dispute that is not for the committee to
    the competent organ, a dispute that may escalate eased first (2002 规定
    第二十二条、第二十四条). A hand-off (``hand_off``) moves it to another track's
    organ, which registers it as a linked case (三调联动, 《信访工作条例》
    第三十七条); its code comes from the linked cases' codes the engine passes
    (``extra["linked_code"]`` when rendering without an engine).
    """
    event = _moved(src)
    assert event is not None  # the check refused otherwise
    found = details(src.case)
    measures = _text(event, "measures")
    if not measures:
        reports = [r for r in found.risk_reports if r.measures.strip() and r.at <= event.at]
        measures = reports[-1].measures.strip() if reports else ""
    hand_off = event.trigger == "hand_off"
    org = src.policy.org
    kind = org.get(src.case.unit).kind if org is not None and src.case.unit in org else ""
    court = kind == UnitKind.court.value
    people = not court and _rights_text(src) is RIGHTS_TEXTS[Procedure.people]
    # Who writes: a committee (本委员会), a court (本院) or another organ (本机关), under its
    # own rules — 2002 规定 第二十二、二十四条 are a committee's (RULES.md §6.5–§6.7).
    we = "本委员会" if people else ("本院" if court else "本机关")
    if hand_off:
        track = src.policy.tracks.get(_text(event, "track"))
        to = unit_name(src, _text(event, "unit"))
        basis = "《信访工作条例》第三十七条（人民调解、行政调解、司法调解联动）"
        if court:
            # A court delegating a matter to a mediation organisation before filing (委派).
            basis = "《中华人民共和国民事诉讼法》第一百二十五条；《最高人民法院关于人民法院特邀调解的规定》"
        linked = next((k for k in src.case.links if k.kind is LinkKind.handed_off_to), None)
        code = src.extra.get("linked_code")
        if linked is not None and linked.case_id in src.linked:
            code = src.linked[linked.case_id]
        linked_code = str(code) if isinstance(code, str) and code else ""
    else:
        track = None
        to = _text(event, "to")
        basis = "《人民调解工作若干规定》第二十二条、第二十四条" if people else ""
        linked, linked_code = None, ""
    return {
        "we": we,
        "outside": "人民调解委员会调解" if people else f"{we}{mediation_name(src)}",
        "hand_off": hand_off,
        "to": to,
        "track_label": track.label if track is not None else "",
        "reason": _text(event, "reason"),
        "measures": measures,
        "measures_basis": "《人民调解工作若干规定》第二十四条" if people else "",
        "consent": event.data.get("consent") is True,
        "basis": basis,
        "at": cn_datetime(event.at),
        "date": cn_date(event.at),
        "linked": linked is not None,
        "linked_code": linked_code,
        "sent_by": display_name(src, event.actor),
    }
