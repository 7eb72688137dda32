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

from mediation._errors import ValidationError
from mediation.documents._facts import cn_date, cn_datetime, display_name, local_date
from mediation.documents._registry import Source, document
from mediation.model import Event, LinkKind
from mediation.rules.dispute import Feedback, Referral, details
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


@document(
    "rights_notice",
    "人民调解当事人权利义务告知书",
    order=25,
    basis="《人民调解法》第二十三条、第二十四条；《人民调解工作若干规定》第三十条",
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
    return {
        "informed": found.rights_informed_at is not None,
        "informed_at": cn_datetime(found.rights_informed_at),
        "informed_date": cn_date(found.rights_informed_at),
        "informed_by": display_name(src, event.actor) if event is not None else "",
        "manner": "书面告知" if written is not False else "口头告知",
        "principles": list(_PRINCIPLES),
        "principles_basis": f"{_LAW}第三条",
        "rights": list(_RIGHTS),
        "rights_basis": f"{_LAW}第二十三条",
        "duties": list(_DUTIES),
        "duties_basis": f"{_LAW}第二十四条",
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
    if hand_off:
        track = src.policy.tracks.get(_text(event, "track"))
        to = unit_name(src, _text(event, "unit"))
        basis = "《信访工作条例》第三十七条（人民调解、行政调解、司法调解联动）"
        linked = next((k for k in src.case.links if k.kind is LinkKind.handed_off_to), None)
        code = src.extra.get("linked_code")
        if linked is not None and linked.case_id in src.linked:
            code = src.linked[linked.case_id]
        linked_code = str(code) if isinstance(code, str) and code else ""
    else:
        track = None
        to = _text(event, "to")
        basis = "《人民调解工作若干规定》第二十二条、第二十四条"
        linked, linked_code = None, ""
    return {
        "hand_off": hand_off,
        "to": to,
        "track_label": track.label if track is not None else "",
        "reason": _text(event, "reason"),
        "measures": measures,
        "measures_basis": "《人民调解工作若干规定》第二十四条",
        "consent": event.data.get("consent") is True,
        "basis": basis,
        "at": cn_datetime(event.at),
        "date": cn_date(event.at),
        "linked": linked is not None,
        "linked_code": linked_code,
        "sent_by": display_name(src, event.actor),
    }
