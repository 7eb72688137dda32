"""Petition documents (信访文书) and the 包案 and 访调对接 forms.

Sources: 《信访工作条例》(2022) 第二十二条 (转送、交办), 第二十三条 (书面告知),
第三十一条 (依法分流), 第三十二条 (信访处理意见书), 第三十三条 (调解), 第三十五条
(复查意见), 第三十六条 (复核意见, finality); RULES.md §7.1 (领导包案, PRACTICE),
§4.1 (司法部、国家信访局 2025 访调对接意见).
"""

from __future__ import annotations

import re
from typing import Any

from mediation._errors import DefinitionError, ValidationError
from mediation.documents._facts import (
    ESTIMATED_NOTE,
    cn_date,
    cn_datetime,
    display_name,
    due_text,
)
from mediation.documents._registry import Source, document
from mediation.model import Deadline
from mediation.rules import baoan
from mediation.rules.org import UnitKind
from mediation.rules.periods import Approver, PeriodRule
from mediation.rules.petition import Opinion, PetitionStage, SettlementForm, details
from mediation.rules.petition_review import reviewer
from mediation.rules.petition_settlement import represented

__all__: list[str] = []

_ART = "《信访工作条例》"


def _unit_name(src: Source, unit_id: str | None) -> str:
    if not unit_id:
        return ""
    org = src.policy.org
    if org is not None and unit_id in org:
        return org.get(unit_id).name
    return unit_id


def _superior_name(src: Source) -> str:
    """The organ the opinion names for 复查 (复核): the one ``request_review`` would open the
    review at (:func:`~mediation.rules.petition_review.reviewer`; a court's is the court
    above it, petition version 7 on)."""
    org = src.policy.org
    unit = src.case.unit
    if org is None or unit not in org:
        return "上一级行政机关"
    up = reviewer(src.case, org, None)
    if isinstance(up, str):
        return str(org.get(up).name)
    court = org.get(unit).kind == UnitKind.court.value
    return "上一级人民法院" if court else "上一级行政机关"


def _clock(src: Source, *periods: str) -> Deadline | None:
    found = [d for d in src.case.deadlines if d.period in periods]
    return found[-1] if found else None


def _period(src: Source, period_id: str) -> PeriodRule:
    """The rule of a petition period as the engine's policy configures it (a locality's
    own table wins over the national one: ``Source.clock_rule``).

    Raises:
        DefinitionError: the policy gives that clock no counted period.
    """
    rule = src.clock_rule(period_id)
    if not isinstance(rule, PeriodRule):
        raise DefinitionError(f"clock {period_id!r} is not a counted period: {rule!r}")
    return rule


_YEAR = re.compile(r"\s*\(\d{4}\)")


def _cite(basis: str) -> str:
    """A rule's basis as a document cites it: ``《信访工作条例》(2022) 第三十四条`` →
    ``《信访工作条例》第三十四条`` (the edition year and spacing are for the table)."""
    return re.sub(r"》\s+", "》", _YEAR.sub("", basis)).strip()


def _period_facts(rule: PeriodRule) -> dict[str, Any]:
    """A period as a document prints it: its length (``60日``), the extension cap and
    who approves it (none when the rule has no extension clause), and its source."""
    ext = rule.extension
    approver = ""
    if ext is not None:
        approver = "本机关负责人" if ext.approver is Approver.organ_head else ext.approver.label
    return {
        "length": rule.label,
        "extendable": ext is not None,
        "extension": ""
        if ext is None or ext.max_length is None
        else f"{ext.max_length}{rule.unit.label}",
        "approver": approver,
        "tell_reason": ext is not None and ext.notify_petitioner,
        "basis": _cite(rule.basis),
    }


def _opinion(found: Opinion | None) -> dict[str, Any]:
    if found is None:
        return {
            "outcome": "",
            "outcome_label": "",
            "request": "",
            "facts": "",
            "reasons": "",
            "basis": "",
            "issued_at": "",
            "delivered_on": "",
        }
    return {
        "outcome": found.outcome.value,
        "outcome_label": found.outcome.label,
        "request": found.request,
        "facts": found.facts,
        "reasons": found.reasons,
        "basis": found.basis,
        "issued_at": cn_date(found.issued_at),
        "delivered_on": cn_date(found.delivered_on),
    }


def _petition(src: Source) -> None:
    if src.case.workflow != "petition":
        raise ValidationError("case.workflow", src.case.workflow, "a petition case")


# -- 受理告知书 (第二十三条) -------------------------------------------------------------------


def _check_accepted(src: Source) -> None:
    _petition(src)
    if details(src.case).accepted_at is None:
        raise ValidationError("case.state", src.case.state, "the petition was not accepted")


@document(
    "petition_acceptance_notice",
    "信访事项受理告知书",
    order=210,
    basis=f"{_ART}第二十三条、第三十四条",
    check=_check_accepted,
)
def petition_acceptance_notice(src: Source) -> dict[str, Any]:
    """Context of 受理告知书: received, accepted, by whom, and the handling period."""
    found = details(src.case)
    clock = _clock(src, "petition_handling", "petition_simple_handle")
    rule = _period(src, "petition_simple_handle" if found.simple else "petition_handling")
    handling = _period_facts(rule)
    return {
        "received": _raised(src),
        "accepted": cn_date(found.accepted_at),
        "period": handling["length"] + ("（简易办理）" if found.simple else ""),
        "handling": handling,
        "due": _as_told(src, clock, rule) if clock is not None else "",
        "origin_code": found.origin_code,
        "origin_unit": _unit_name(src, found.origin_unit),
    }


def _raised(src: Source) -> str:
    """When the petitioner raised the matter: where it was first received — not when a
    transfer or an assignment brought it here (第二十二条、第二十三条). A 复查 or 复核
    request is raised the day it was made (this case's registration)."""
    found = details(src.case)
    if found.stage is PetitionStage.handling and found.raised_on is not None:
        return cn_date(found.raised_on)
    return cn_date(src.case.received_at)


def _as_told(src: Source, clock: Deadline, rule: PeriodRule) -> str:
    """The handling period's last day as the notice told it at acceptance (第三十四条): the
    period from acceptance, before any extension granted later or any pause — the notice
    does not change its date when the period is extended (the petitioner is told of the
    extension and its reason separately)."""
    if clock.extension == 0 and clock.paused == 0:
        return due_text(clock)
    first = rule.due(clock.start, src.policy.calendar, roll=src.policy.roll)
    return cn_date(first.due) + (ESTIMATED_NOTE if first.estimated else "")


# -- 延期告知 (第三十四条) ---------------------------------------------------------------------


def _extensions(src: Source) -> tuple[Deadline, list[Any]]:
    """The handling clock and the extensions granted on it (``extend_deadline`` events)."""
    clock = _clock(src, "petition_handling")
    if clock is None or clock.extension == 0:
        raise ValidationError(
            "case.deadlines",
            src.case.state,
            "the handling period was not extended (step 'extend_deadline')",
        )
    granted = [e for e in src.events("extend_deadline") if e.data.get("deadline") == clock.id]
    return clock, granted


def _check_extended(src: Source) -> None:
    _petition(src)
    _extensions(src)


@document(
    "petition_extension_notice",
    "信访事项延期办理告知书",
    order=215,
    basis=f"{_ART}第三十四条",
    check=_check_extended,
)
def petition_extension_notice(src: Source) -> dict[str, Any]:
    """Context of 延期告知: the handling period extended with the organ head's approval, and
    the reason the petitioner is told (第三十四条: 延长期限不得超过30日，并告知信访人延期理由).

    It states the period as told at acceptance, the extension granted (in all, and by the
    latest step), the new last day and the reason given with the latest extension; it is
    dated the day that extension was granted."""
    found = details(src.case)
    clock, granted = _extensions(src)
    rule = _period(src, "petition_handling")
    latest = granted[-1] if granted else None
    approver = str(latest.data.get("approver", "")) if latest is not None else ""
    return {
        "received": _raised(src),
        "accepted": cn_date(found.accepted_at),
        "handling": _period_facts(rule),
        "first_due": _as_told(src, clock, rule),
        "due": due_text(clock),
        "extension": f"{clock.extension}{rule.unit.label}",
        "reason": str(latest.data.get("reason", "")).strip() if latest is not None else "",
        "approver": "本机关负责人" if approver == Approver.organ_head.value else approver,
        "extended_on": cn_date(latest.at) if latest is not None else "",
    }


# -- 不予受理告知书 (第十九、二十、二十三、三十一、三十六条) ---------------------------------------


def _check_refused(src: Source) -> None:
    _petition(src)
    found = details(src.case)
    if found.refusal is None and found.diversion is None:
        raise ValidationError(
            "case.state", src.case.state, "the petition was neither refused nor diverted"
        )


@document(
    "petition_non_acceptance_notice",
    "信访事项不予受理告知书",
    order=220,
    basis=f"{_ART}第十九条第三款、第二十条、第二十三条、第三十一条、第三十六条第三款",
    check=_check_refused,
)
def petition_non_acceptance_notice(src: Source) -> dict[str, Any]:
    """Context of 不予受理告知书: the ground and its article, the earlier case, where to go."""
    found = details(src.case)
    refusal, diversion = found.refusal, found.diversion
    if diversion is not None:
        reason = f"该事项属于{diversion.route.label}范围，应当依照法定途径提出"
        basis = diversion.route.basis
        guide = diversion.where
        when = diversion.at
    else:
        assert refusal is not None
        reason, basis, guide, when = refusal.reason, refusal.basis, refusal.guide_to, refusal.at
    return {
        "reason": reason,
        "basis": basis,
        "guide_to": guide,
        "decided": cn_date(when),
        "earlier_code": found.bar_code,
        "received": _raised(src),
    }


# -- 转送 / 交办函 (第二十二条) -----------------------------------------------------------------


def _check_routed(src: Source) -> None:
    _petition(src)
    if details(src.case).route is None:
        raise ValidationError("case.route", None, "the petition was not transferred or assigned")


@document(
    "petition_transfer_letter",
    "信访事项转送（交办）函",
    order=230,
    basis=f"{_ART}第二十二条、第二十三条第三款",
    check=_check_routed,
)
def petition_transfer_letter(src: Source) -> dict[str, Any]:
    """Context of 转送 / 交办函: to whom, the matter, for 交办 the 办结报告 date; whether the
    receiver owes the petitioner a written notice (not where name and address are unclear,
    第二十三条第二款)."""
    found = details(src.case)
    route = found.route
    assert route is not None
    return {
        "notify": found.name_address_clear,
        "mode": route.mode.value,
        "mode_label": route.mode.label,
        "to_name": _unit_name(src, route.to),
        "routed": cn_date(route.at),
        "report_due": cn_date(route.report_due),
        "received": _raised(src),
        # A 简易办理 matter: the receiver decides on acceptance in 3 working days, the clock
        # its case runs (简易办理办法; RULES.md §0 row 13), not the 15 days of 第二十三条.
        "notice": _period_facts(
            _period(src, "petition_simple_accept" if found.simple else "petition_transfer_notice")
        ),
        "objection": _period_facts(_period(src, "petition_objection")),
    }


# -- 处理、复查、复核意见书 (第三十二、三十五、三十六条) ---------------------------------------------


def _check_opinion(stage: PetitionStage) -> Any:
    def check(src: Source) -> None:
        _petition(src)
        found = details(src.case)
        if found.stage is not stage:
            raise ValidationError("case.stage", found.stage.value, f"a {stage.label} case")
        if found.opinion is None:
            raise ValidationError("case.opinion", None, "no opinion has been given")

    return check


_NEXT_REQUEST = {
    PetitionStage.handling: "petition_review_request",
    PetitionStage.review: "petition_rereview_request",
}
"""The parties' period to ask for the next stage after an opinion (第三十五条 复查,
第三十六条第一款 复核); a 复核 opinion is final (第三十六条第三款)."""


def _opinion_context(src: Source) -> dict[str, Any]:
    found = details(src.case)
    following = _NEXT_REQUEST.get(found.stage)
    return {
        "request_period": _period_facts(_period(src, following)) if following else None,
        "opinion": _opinion(found.opinion),
        "prior": _opinion(found.prior),
        "origin_code": found.origin_code,
        "origin_unit": _unit_name(src, found.origin_unit),
        "superior": _superior_name(src),
        "received": _raised(src),
        "hearings": found.hearings,
    }


@document(
    "petition_handling_opinion",
    "信访处理意见书",
    order=240,
    basis=f"{_ART}第三十一条第六项、第三十二条、第三十五条",
    check=_check_opinion(PetitionStage.handling),
)
def petition_handling_opinion(src: Source) -> dict[str, Any]:
    """Context of 信访处理意见书: request, facts and reasons, outcome, basis, the 复查 right."""
    return _opinion_context(src)


@document(
    "petition_review_opinion",
    "信访事项复查意见书",
    order=250,
    basis=f"{_ART}第三十五条、第三十六条第一款",
    check=_check_opinion(PetitionStage.review),
)
def petition_review_opinion(src: Source) -> dict[str, Any]:
    """Context of 复查意见书: the opinion reviewed, the review's, the 复核 right."""
    return _opinion_context(src)


@document(
    "petition_rereview_opinion",
    "信访事项复核意见书",
    order=260,
    basis=f"{_ART}第三十六条",
    check=_check_opinion(PetitionStage.rereview),
)
def petition_rereview_opinion(src: Source) -> dict[str, Any]:
    """Context of 复核意见书: the review reviewed, the final opinion, finality (第三十六条第三款)."""
    return _opinion_context(src)


# -- 包案 (第十八条第二款; RULES.md §7.1) ------------------------------------------------------


def _assignment(src: Source) -> baoan.Baoan:
    found = src.case.overlays.get(baoan.OVERLAY)
    if not isinstance(found, baoan.Baoan):
        raise ValidationError("case.overlays.baoan", None, "the case is not under 包案")
    return found


def _check_baoan(src: Source) -> None:
    _assignment(src)


def _baoan_context(src: Source) -> dict[str, Any]:
    found = _assignment(src)
    org = src.policy.org
    level = found.level
    if org is not None and level in org.ladder:
        level = org.ladder.label(level)
    return {
        "leader": found.leader_name or found.leader,
        "level_label": level,
        "officer": found.officer,
        "team": list(found.team),
        "plan": found.plan,
        "timetable": [{"due": cn_date(m.due), "task": m.task} for m in found.timetable],
        "reasons": [r.label for r in found.reasons],
        "assigned": cn_date(found.assigned_at),
        "assigned_by": display_name(src, found.assigned_by),
        "duties": [
            {
                "kind": d.kind.label,
                "at": cn_datetime(d.at),
                "by": display_name(src, d.by),
                "note": d.note,
            }
            for d in found.duties
        ],
        "handovers": [
            {"at": cn_date(h.at), "from": h.from_name or h.from_leader, "reason": h.reason}
            for h in found.handovers
        ],
        "reminders": found.reminders,
        "signed": found.signed_off is not None,
        "signed_at": cn_date(found.signed_off.at) if found.signed_off else "",
        "result": found.signed_off.result if found.signed_off else "",
    }


@document(
    "baoan_plan",
    "领导包案化解方案",
    order=270,
    basis="《信访工作条例》第十八条第二款",
    check=_check_baoan,
)
def baoan_plan(src: Source) -> dict[str, Any]:
    """Context of 包案化解方案: leader, officer, team, plan, timetable (一抓到底)."""
    return _baoan_context(src)


def _check_signed(src: Source) -> None:
    if _assignment(src).signed_off is None:
        raise ValidationError("case.overlays.baoan.signed_off", None, "not signed off yet")


@document(
    "baoan_sign_off",
    "领导包案销号审批表",
    order=280,
    basis="《信访工作条例》第十八条第二款",
    check=_check_signed,
)
def baoan_sign_off(src: Source) -> dict[str, Any]:
    """Context of 包案销号审批表: the duties performed, the result, the leader's sign-off."""
    return _baoan_context(src)


# -- 访调对接同意书 (第三十三条; 2025 意见) ------------------------------------------------------


def _check_handed(src: Source) -> None:
    _petition(src)
    if details(src.case).mediation is None:
        raise ValidationError("case.mediation", None, "the petition was not handed to mediation")


@document(
    "fangtiao_consent",
    "访调对接当事人同意书",
    order=290,
    basis=f"{_ART}第三十三条；司法部、国家信访局《关于进一步深化人民调解参与信访工作对接"
    "推进信访工作法治化的意见》(2025)",
    check=_check_handed,
)
def fangtiao_consent(src: Source) -> dict[str, Any]:
    """Context of 访调对接同意书: the parties consenting, the committee, the date."""
    record = details(src.case).mediation
    assert record is not None
    return {
        "committee": _unit_name(src, record.committee),
        "handed": cn_date(record.at),
        "result": record.result,
        "dispute_code": record.dispute_code,
    }


# -- 调解协议书 / 和解协议书 (第三十三条) --------------------------------------------------------


def _check_settled(src: Source) -> None:
    _petition(src)
    if details(src.case).settlement is None:
        raise ValidationError(
            "case.settlement", None, "the matter was not mediated or settled by the organ"
        )


@document(
    "petition_settlement",
    "信访事项调解（和解）协议书",
    order=300,
    basis=f"{_ART}第三十三条",
    check=_check_settled,
)
def petition_settlement(src: Source) -> dict[str, Any]:
    """Context of the 调解协议书 or 和解协议书 the organ's mediation, or the parties'
    settlement, ended in: its own title, the terms, who signed."""
    found = details(src.case).settlement
    assert found is not None
    mediation = found.form is SettlementForm.mediation
    signed = represented(src.case, found.signed_by)
    return {
        "doc": {
            "kind": "petition_settlement",
            "title": f"信访事项{found.form.document}",
            "basis": f"{_ART}第三十三条",
            "number": src.number or "",
            "date": cn_date(src.today),
            "date_iso": src.today.isoformat(),
        },
        "settlement": {
            "mediation": mediation,
            "terms": found.terms,
            "date": cn_date(found.at),
        },
        # by position in ``parties`` (the principals, in order): two parties may share a name
        "signed": [p.id in signed for p in src.case.principals],
    }
