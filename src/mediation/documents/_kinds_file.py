"""Documents about the file and its clocks: 结案报告, 卷宗目录, 督办通知.

Sources: 《人民调解法》第二十七条 (立卷归档: registration, records and agreement
filed as a dossier); RULES.md §2.1 (the dossier list of the 2010 司法部 forms as
used by counties); 结案报告表 (local practice: 结案时间 = performance complete).
"""

from __future__ import annotations

from typing import Any

from mediation._errors import ValidationError
from mediation.documents._facts import (
    cn_date,
    cn_datetime,
    display_name,
    due_text,
    local_date,
    satisfaction_label,
)
from mediation.documents._kinds_agreement import court_name, written_form
from mediation.documents._kinds_case import ending
from mediation.documents._kinds_dispute import SLIP_TITLES, mediation_name, organ_form, unit_name
from mediation.documents._registry import Source, document
from mediation.model import AgreementForm, ClockKind, Deadline, DeadlineStatus, PartyRole
from mediation.rules import deadlines
from mediation.rules.dispute import details
from mediation.rules.dispute.court import Ruling
from mediation.workflows.dispute import DisputeState

__all__: list[str] = []

_CLOSED = frozenset({DisputeState.closed.value, DisputeState.archived.value})


def _rule(src: Source, period_id: str) -> tuple[str, str]:
    rule = src.clock_rule(period_id)
    return str(getattr(rule, "name_zh", period_id)), str(getattr(rule, "basis", ""))


def _result(src: Source) -> str:
    agreement = details(src.case).agreement
    if agreement is not None:
        return "达成书面调解协议" if agreement.form is AgreementForm.written else "达成口头调解协议"
    if src.last("terminate") is not None or src.case.state == DisputeState.failed.value:
        return "调解不成，终止调解"
    return src.case.outcome or "—"


def _check_closed(src: Source) -> None:
    if src.case.state not in _CLOSED:
        raise ValidationError(
            "case.state", src.case.state, "the case is not closed (trigger 'close')"
        )


@document(
    "closing_report",
    "人民调解结案报告表",
    order=100,
    basis="《人民调解法》第二十七条、第三十一条",
    check=_check_closed,
)
def closing_report(src: Source) -> dict[str, Any]:
    """Context of 结案报告表: result, performance, callbacks, clocks and the closure."""
    accept = src.last("accept")
    performed = src.last("confirm_performed")
    not_performed = src.last("report_not_performed")
    close = src.last("close")
    found = details(src.case)
    visits = found.visits
    if performed is not None:
        performance = f"已履行（{cn_date(performed.at)}确认）"
    elif not_performed is not None:
        performance = f"未履行（{cn_date(not_performed.at)}报告）"
    else:
        performance = "不适用" if found.agreement is None else "—"
    clocks = []
    people = not organ_form(src, "closing_report", "人民调解结案报告表")
    for d in src.case.deadlines:
        name, basis = _rule(src, d.period)
        if not people and "人民调解" in basis:
            # The workflow's practice clocks cite the people's-mediation rules; an organ's
            # mediation is not under them (RULES.md §6.3–§6.5, §6.7): no basis is printed.
            basis = ""
        status = deadlines.status_text(src.case, d)
        clocks.append({"name": name, "basis": basis, "due": due_text(d), "status": status})
    last_visit = visits[-1] if visits else None
    # 结案时间 is when the matter was concluded — an agreement performed: its performance
    # (RULES.md §2.1, local practice W7) —; the approval of the file is the closing step.
    concluded = close.at if close is not None else None
    agreement = found.agreement
    again = src.last("reopen", "remediate")
    if (
        performed is not None
        and agreement is not None
        and performed.at >= agreement.reached_at
        and (again is None or again.at < performed.at)  # not mediated again since
    ):
        concluded = performed.at
    return {
        **organ_form(src, "closing_report", "人民调解结案报告表"),
        "concluded_at": cn_datetime(concluded) if concluded is not None else "",
        "accepted_at": cn_date(accept.at) if accept is not None else "",
        "result": _result(src),
        "performance": performance,
        "performed_at": cn_date(performed.at) if performed is not None else "",
        "callbacks": {
            "count": len(visits),
            "satisfaction": satisfaction_label(last_visit.satisfaction) if last_visit else "",
            "last_at": cn_date(last_visit.at) if last_visit else "",
        },
        "clocks": clocks,
        "closed_at": cn_datetime(close.at) if close is not None else "",
        "closed_by": display_name(src, close.actor) if close is not None else "",
        "closing_note": str(close.data.get("note") or "") if close is not None else "",
    }


def _entry(no: str, title: str, required: bool, status: str) -> dict[str, Any]:
    return {
        "no": no,
        "title": title,
        "requirement": "必须" if required else "按需",
        "status": status,
    }


def _issued(src: Source, kind: str, default: str = "已生成") -> str:
    """A document's status in the index: its number once issued."""
    number = src.case.document_number(kind)
    return f"已出具（{number}）" if number else default


def _confirmation_status(src: Source) -> str:
    """The 司法确认 papers (§2.1 #11): attached once the parties applied, with the ruling."""
    applied = details(src.case).confirmation
    if applied is None:
        return "如已申请则附"
    out = f"须附（{cn_date(applied.applied_at)}向{court_name(src, applied.court)}申请"
    if applied.ruling is not None:
        out += f"；{Ruling(applied.ruling).label}"
    return out + "）"


def _rights_status(src: Source, mediated: bool) -> str:
    """The rights notice (2002 规定 第三十条): issued, told (when, how), or still owed."""
    number = src.case.document_number("rights_notice")
    if number:
        return f"已出具（{number}），须附签收件"
    told = details(src.case).rights_informed_at
    if told is not None:
        event = src.last("inform_rights")
        written = event is None or event.data.get("written", True) is not False
        how = "书面告知，须附签收件" if written else "口头告知，记入调解笔录"
        return f"已告知（{cn_date(told)}，{how}）"
    return "须附签收件" if mediated else "本案未进入调解"


def _attached(src: Source) -> list[dict[str, Any]]:
    """The documents of the case's course beyond the list: refusal, referral slips and
    reports back, the transfer letter, the termination notice (each when its step happened)."""
    found = details(src.case)
    out = []
    if src.last("refuse") is not None or any(
        e.dest == DisputeState.not_accepted.value for e in src.history
    ):
        out.append(_entry("附", "不予受理告知书", False, _issued(src, "non_acceptance_notice")))
    for r in found.referrals:
        title = SLIP_TITLES[r.direction]
        out.append(
            _entry(
                "附",
                f"{title}（{cn_date(r.at)}，{unit_name(src, r.to_unit)}）",
                False,
                _issued(src, "referral_slip"),
            )
        )
    for f in found.feedback:
        out.append(
            _entry(
                "附",
                f"交办事项反馈报告（{cn_date(f.at)}，{unit_name(src, f.unit)}）",
                False,
                _issued(src, "feedback_report"),
            )
        )
    if src.last("transfer_out", "hand_off") is not None:
        out.append(_entry("附", "移送函", False, _issued(src, "transfer_letter")))
    ended = src.last("terminate") is not None or any(
        e.trigger == "party_refuses" and e.dest == DisputeState.failed.value for e in src.history
    )
    if ended:
        out.append(_entry("附", ending(src).title, False, _issued(src, "termination_notice")))
    return out


@document("dossier_index", "人民调解卷宗卷内目录", order=110, basis="《人民调解法》第二十七条")
def dossier_index(src: Source) -> dict[str, Any]:
    """Context of the dossier cover and index (RULES.md §2.1 list, with this case's status).

    An organ's mediation (治安调解, 交警调解, 医疗纠纷行政调解, 行政调解; a labour or land
    committee's) lists its documents by the titles they are issued under (治安调解受理登记表,
    道路交通事故损害赔偿调解书…), not as people's mediation papers; its agreement is not
    one 司法确认 applies to (《人民调解法》第三十三条; RULES.md §6.3–§6.7)."""
    case = src.case
    archive = src.last("archive")
    found = details(case)
    agreement = found.agreement
    mediated = src.last("start_mediation") is not None or agreement is not None
    principals = [p for p in case.parties if p.role is not PartyRole.agent]
    has_agent = any(p.role is PartyRole.agent for p in case.parties)
    not_mediated = "本案未进入调解"
    own = organ_form(src, "dossier_index", "人民调解卷宗卷内目录")
    what = mediation_name(src)

    def named(title: str) -> str:
        return title.replace("人民调解", what) if own else title

    form = written_form(src)
    oral = named("人民调解口头协议登记表") if own else "口头协议登记表"
    if agreement is None:
        agreement_status = "未达成协议"
    elif agreement.form is AgreementForm.written:
        agreement_status = f"已生成（{form.title}）"
    else:
        agreement_status = f"已生成（{oral}）"
    confirmation = (
        _confirmation_status(src) if form.confirmation else f"不适用（{form.title}不申请司法确认）"
    )
    entries = [
        _entry("1", named("人民调解申请书或人民调解受理登记表"), True, "已生成"),
        _entry("2", named("人民调解当事人权利义务告知书"), True, _rights_status(src, mediated)),
        _entry("3", "当事人身份证明", True, f"须附（{len(principals)}人）"),
        _entry("4", "授权委托书", False, "须附" if has_agent else "本案无"),
        _entry("5", named("人民调解调查记录"), False, "如有则附"),
        _entry("6", named("人民调解证据材料"), False, "如有则附"),
        _entry(
            "7", named("人民调解记录（调解笔录）"), True, "已生成" if mediated else not_mediated
        ),
        _entry("8", f"{form.title}或{oral}", True, agreement_status),
        _entry(
            "9",
            "履行凭证（收条、汇款单等）",
            False,
            "须附" if src.last("confirm_performed") is not None else "本案无",
        ),
        _entry(
            "10",
            named("人民调解回访记录"),
            False,
            f"已生成（{len(found.visits)}次）" if found.visits else "本案无",
        ),
        _entry("11", "司法确认有关材料", False, confirmation),
        _entry("12", "卷宗情况说明、封面、卷内目录、封底", True, "已生成（封面、卷内目录）"),
    ]
    others = _attached(src)
    if case.state in _CLOSED:
        others.append(_entry("附", named("人民调解结案报告表"), False, "已生成"))
    dossier_no = src.extra.get("dossier_no") or (archive.data.get("dossier_no") if archive else "")
    return {
        **own,
        # An organ files its mediation as people's mediation files are filed (RULES.md
        # §6.7: 参照); its dossier number is its own, not a committee's 人调字.
        "filing_basis": "参照《人民调解法》第二十七条" if own else "《人民调解法》第二十七条",
        "dossier_word": "　" if own else "人调",
        "dossier_no": str(dossier_no or ""),
        # The file is numbered in the year it was filed, whenever the index is printed.
        "dossier_year": local_date(archive.at).year if archive is not None else src.today.year,
        "filed_by": display_name(src, archive.actor) if archive is not None else "",
        "filed_at": cn_date(archive.at) if archive is not None else "",
        "retention": str(src.extra.get("retention") or ""),
        "result": _result(src),
        "entries": entries + others,
    }


def _overdue(src: Source) -> Deadline:
    """The overdue clock the notice is about: one of the unit's own (a duty or a target) —
    a party's period (the performance of the agreement, the 30 days for 司法确认) or a
    court's is not the unit's to meet, and nobody supervises the unit for it."""
    wanted = src.extra.get("deadline")
    candidates = [
        d
        for d in src.case.deadlines
        if (d.is_open or d.status is DeadlineStatus.breached)
        and d.due < src.today
        and d.kind.is_own
    ]
    if wanted is not None:
        for d in src.case.deadlines:
            if d.id == wanted:
                if d not in candidates:
                    raise ValidationError(
                        "extra.deadline", wanted, f"that deadline is not overdue on {src.today}"
                    )
                return d
        raise ValidationError("extra.deadline", wanted, "no such deadline on the case")
    if not candidates:
        raise ValidationError(
            "case.deadlines",
            src.today.isoformat(),
            "no deadline of the case is overdue on that day",
        )
    return min(candidates, key=lambda d: (d.due, d.id))


def _supervisor(src: Source) -> str:
    """The unit that supervises the case's owner: its superior, when the policy raises a
    supervised case to it (the ``supervisor:<unit>`` it records), by name."""
    org = src.policy.org
    if not src.policy.supervision.raise_to_superior or org is None or src.case.unit not in org:
        return ""
    parent = org.parent(src.case.unit)
    return parent.name if parent is not None else ""


def _check_overdue(src: Source) -> None:
    _overdue(src)
    reply = src.extra.get("reply_days", src.policy.supervision.reply_days)
    if not isinstance(reply, int) or isinstance(reply, bool) or not 0 < reply <= 60:
        raise ValidationError("extra.reply_days", reply, "a number of days from 1 to 60")


@document(
    "supervision_notice",
    "督办通知",
    order=120,
    basis="《信访工作条例》第四十五条（信访事项）；地方矛盾纠纷调处化解督办制度（调解事项）",
    check=_check_overdue,
)
def supervision_notice(src: Source) -> dict[str, Any]:
    """Context of 督办通知 for the most overdue clock (or ``extra["deadline"]``).

    A target clock (一般期限) passed reads 已超过一般期限, not 已超期: its rule sets the
    usual time, not a limit (2002 规定 第三十三条: "一般在一个月内调结"); ``deadline.target``
    tells the template.
    """
    d = _overdue(src)
    name, basis = _rule(src, d.period)
    return {
        "deadline": {
            "id": d.id,
            "name": name,
            "basis": basis,
            "start": cn_date(d.start),
            "due": due_text(d),
            "days_overdue": (src.today - d.due).days,
            "status": deadlines.status_text(src.case, d),
            "target": d.kind is ClockKind.target,
        },
        "issuer": str(src.extra.get("issuer") or _supervisor(src)),
        "reply_days": src.extra.get("reply_days", src.policy.supervision.reply_days),
    }
