"""Documents of the case's course: application, registration, refusal, record, termination, callback.

Sources: 《人民调解法》第十七条 (application; a party's refusal), 第二十六条
(termination and the other remedies), 第二十七条 (records), 第三十一条第二款
(supervising performance: callback visits); 《人民调解工作若干规定》(2002)
第二十二至二十四条 (acceptance and refusal), 第三十条 (rights notice),
第三十六条 (callback). A mediation by the traffic police, the health department or
another administrative organ ends under its own rule (:data:`ENDINGS`; RULES.md §6.3,
§6.4, §6.5, §6.7).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.documents._facts import (
    ESTIMATED_NOTE,
    cn_date,
    cn_datetime,
    display_name,
    local_date,
    party_lists,
    satisfaction_label,
)
from mediation.documents._kinds_agreement import agreement_canary, agreement_number
from mediation.documents._kinds_dispute import (
    acting_unit,
    mediation_name,
    organ_form,
    unit_name,
    unit_when,
    units_held,
)
from mediation.documents._registry import Canary, Source, document
from mediation.model import AgreementForm, Event
from mediation.rules.categories import ancestors
from mediation.rules.channels import HANDED_OVER, OWN_INITIATIVE
from mediation.rules.dispute import Referral, details, limitation
from mediation.rules.dispute._common import v4
from mediation.rules.dispute.acceptance import MEDICAL_HANDLED
from mediation.rules.dispute.documents import closed_routes, remedy_routes
from mediation.rules.dispute.procedure import (
    HANDLED_GROUNDS,
    REFUSAL_GROUNDS,
    Procedure,
    procedure,
)
from mediation.workflows.dispute import DisputeState

__all__ = ["ENDINGS", "REMEDIES", "Ending", "ending", "remedy_facts"]

_MEDIATED = frozenset(
    s.value
    for s in (
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

REMEDIES = (
    {"channel": "仲裁", "text": "依法申请仲裁"},
    {"channel": "行政", "text": "依法请求有关行政机关处理"},
    {"channel": "司法", "text": "依法向人民法院提起诉讼"},
)
"""The three channels 《人民调解法》第二十六条 names (the notices list the case's own
remedies, :func:`remedy_facts`, under this statutory sentence)."""


def remedy_facts(src: Source, closed: frozenset[str] = frozenset()) -> list[dict[str, str]]:
    """Every remedy the parties still have, as the 不予受理 and 终止 notices print them.

    The routes follow the procedure that ended, the case's category and whether
    an agreement exists (:func:`mediation.rules.dispute.documents.remedy_routes`);
    those going to a body in ``closed`` (:func:`~mediation.rules.dispute.documents.closed_routes`) are left out.
    """
    return [
        {"channel": r.channel, "text": r.text}
        for r in remedy_routes(src.case, src.policy)
        if r.to not in closed
    ]


def limitation_fact(src: Source) -> str:
    """The claimant's limitation period, as the 不予受理 and 终止 notices state it, once its
    start was recorded (:mod:`mediation.rules.dispute.limitation`); ``""`` otherwise.

    Interrupted by the claim, it runs anew from the end of the procedure (《民法典》
    第一百九十五条); one that ran out before the claim is stated as such, with the
    obligor's defence (第一百九十二条). A labour or land-contract dispute's arbitration
    time bar is named as such, with its own articles
    (:func:`mediation.rules.dispute.limitation.named`).
    """
    record = limitation.recorded(src.case)
    if record is None:
        return ""
    bar = record.period != limitation.LIMITATION.id
    name, basis = limitation.named(record)
    if not record.interrupted:
        if bar:
            return (
                f"据申请人陈述，其于{cn_date(record.known_on)}知道或者应当知道其权利被侵害，"
                f"{name}期间已于{cn_date(record.expires_on)}届满（{basis}）"
            )
        return (
            f"据申请人陈述，其于{cn_date(record.known_on)}知道权利受到损害以及义务人，"
            f"诉讼时效期间已于{cn_date(record.expires_on)}届满，义务人可以提出不履行义务的抗辩"
            "（《民法典》第一百八十八条、第一百九十二条）"
        )
    if record.restarted_on is None or record.runs_to is None:
        return ""
    runs_to = cn_date(record.runs_to) + (ESTIMATED_NOTE if record.estimated else "")
    return (
        f"申请人的{name}期间因申请调解而中断，自{cn_date(record.restarted_on)}起重新计算，"
        f"至{runs_to}届满（{basis}）"
    )


@attrs.frozen(slots=True)
class Ending:
    """How a notice ending a mediation reads for one procedure.

    Attributes:
        title: The termination notice's title.
        organ: How the organ names itself (本委员会, 本机关).
        grounds: The clause giving the legal basis of the ending.
        decision: What the organ decides.
        basis: The legal source of the notice (``doc.basis``).
        lead: The sentence that introduces the remedies on the termination notice.
    """

    title: str
    organ: str
    grounds: str
    decision: str
    basis: str
    lead: str


_ANY_ROUTE = "你们可以依法通过下列途径维护自己的权利"

ENDINGS: dict[Procedure, Ending] = {
    Procedure.people: Ending(
        "终止人民调解告知书",
        "本委员会",
        "根据《中华人民共和国人民调解法》第二十六条的规定",
        "决定终止调解",
        "《人民调解法》第二十六条",
        "你们可以依法通过仲裁、行政、司法等途径维护自己的权利",
    ),
    Procedure.traffic_police: Ending(
        "道路交通事故损害赔偿调解终结书",
        "本机关",
        "根据《道路交通事故处理程序规定》第九十条的规定",
        "终结调解",
        "《道路交通事故处理程序规定》第九十条；《道路交通安全法》第七十四条",
        _ANY_ROUTE,
    ),
    Procedure.medical_admin: Ending(
        "终止医疗纠纷行政调解告知书",
        "本机关",
        "根据《医疗纠纷预防和处理条例》第四十条的规定",
        "决定终止调解",
        "《医疗纠纷预防和处理条例》第四十条",
        _ANY_ROUTE,
    ),
    Procedure.public_order: Ending(
        "终止治安调解告知书",
        "本机关",
        "根据《中华人民共和国治安管理处罚法》第九条、《公安机关办理行政案件程序规定》"
        "第一百八十五条的规定",
        "决定终止调解",
        "《治安管理处罚法》第九条；《公安机关办理行政案件程序规定》第一百八十五条",
        _ANY_ROUTE,
    ),
    Procedure.administrative: Ending(
        "终止行政调解告知书",
        "本机关",
        "依照行政调解的有关规定",
        "决定终止调解",
        "各地行政调解办法（无全国性法律）",
        _ANY_ROUTE,
    ),
}
"""The termination notice by procedure (RULES.md §1 第二十六条, §6.3, §6.4, §6.5, §6.7):
a mediation by the traffic police or the health department is not a people's mediation."""


def ending(src: Source) -> Ending:
    """How the notice ending this case's mediation reads (its track, organ and category)."""
    return ENDINGS[procedure(src.case, src.policy)]


def _text(event: Event | None, key: str) -> str:
    if event is None:
        return ""
    value = event.data.get(key)
    return str(value) if value not in (None, "") else ""


def _check_application(src: Source) -> None:
    if src.case.channel in OWN_INITIATIVE:
        raise ValidationError(
            "channel",
            src.case.channel,
            "a case the committee took up on its own initiative has no application: its "
            "source is recorded in the 人民调解受理登记表 (《人民调解工作若干规定》第二十三条)",
        )


@document(
    "application",
    "人民调解申请书",
    order=10,
    basis="《人民调解法》第十七条",
    check=_check_application,
)
def application(src: Source) -> dict[str, Any]:
    """Context of 人民调解申请书: the applicants' request and the facts as they state them.

    An organ's mediation is applied for to the organ, as its own (治安调解申请书…; the
    traffic police's by all parties jointly, 《道路交通事故处理程序规定》第八十六条) —
    not to a people's mediation committee (RULES.md §6.3–§6.5, §6.7)."""
    own = organ_form(src, "application", "人民调解申请书")
    what = mediation_name(src)
    traffic = procedure(src.case, src.policy) is Procedure.traffic_police
    intake = src.last("intake")
    # Made to the unit that received it, though the case was referred on since.
    to = unit_when(src, intake)
    # Made on the day it was received: the parties' ages as of that day.
    people = party_lists(src, "application", local_date(src.case.received_at))
    return {
        **acting_unit(src, intake),
        **own,
        **people,
        # The traffic police mediate on all parties' joint written application: each signs.
        "signers": people["parties"] if traffic else people["applicants"],
        "joint": traffic,
        "applied_at": cn_date(src.case.received_at),
        "what": what,
        "request": "现自愿申请人民调解委员会进行调解"
        if not own
        else f"现{'共同' if traffic else '自愿'}申请{unit_name(src, to)}进行{what}",
    }


@document(
    "registration",
    "人民调解受理登记表",
    order=20,
    basis="《人民调解法》第二十七条；《人民调解工作若干规定》第二十三条",
)
def registration(src: Source) -> dict[str, Any]:
    """Context of 受理登记表: source of the case, registration and acceptance."""
    channel = src.case.channel
    intake = src.last("intake")
    refuse = _not_accepted_event(src)
    accept = src.last("accept")
    decided = refuse or accept
    if refuse is not None:
        decision = "不予受理"
    elif accept is not None:
        decision = "受理"
    else:
        decision = "待审查"
    own = organ_form(src, "registration", "人民调解受理登记表")
    initiative = "本机关主动调解" if own else "人民调解委员会主动调解"
    return {
        # The registering unit's form, though the case was referred on since.
        **acting_unit(src, intake),
        **own,
        # the parties as registered: their ages on the day of registration
        **party_lists(src, "registration", local_date(src.case.received_at)),
        "sources": [
            {
                "label": "当事人申请",
                "checked": channel not in OWN_INITIATIVE and channel not in HANDED_OVER,
            },
            {"label": initiative, "checked": channel in OWN_INITIATIVE},
            {"label": "有关部门委派、移交", "checked": channel in HANDED_OVER},
        ],
        "registered_at": cn_datetime(src.case.received_at),
        "registered_by": display_name(src, intake.actor) if intake is not None else "",
        "decision": decision,
        "decided_at": cn_datetime(decided.at) if decided is not None else "",
    }


def _not_accepted_event(src: Source) -> Event | None:
    """The step that ended the case as not accepted (version 1: ``refuse``; version 2:
    ``accept`` barred by the law, or a party's refusal before acceptance)."""
    for event in reversed(src.history):
        if event.dest == DisputeState.not_accepted.value:
            return event
    return None


def _check_refused(src: Source) -> None:
    if _not_accepted_event(src) is None and src.case.state != DisputeState.not_accepted.value:
        raise ValidationError("case.state", src.case.state, "the case was not refused")


@document(
    "non_acceptance_notice",
    "不予受理告知书",
    order=30,
    basis="《人民调解工作若干规定》第二十二条、第二十四条",
    check=_check_refused,
)
def non_acceptance_notice(src: Source) -> dict[str, Any]:
    """Context of 不予受理告知书: why, on what ground, and every remedy left.

    The ground is the rule that barred acceptance: 《人民调解法》第十七条 (a party
    clearly refuses), 2002 规定 第二十二条 (reserved to another organ, or already
    accepted or resolved by one). Where to go instead is 2002 规定 第二十四条 (tell
    the party to take it to the competent organ or the court): the remedies the
    case's category and procedure leave (:func:`remedy_facts`). An administrative
    organ (the traffic police, the health department) speaks as 本机关 and cites
    its own rule, not the people's-mediation rules.
    """
    refuse = _not_accepted_event(src)
    reason, ground = _text(refuse, "reason"), _text(refuse, "ground")
    proc = procedure(src.case, src.policy)
    if refuse is not None and not reason:
        reason, ground = _bar_of(src, refuse, proc)
    people = proc is Procedure.people
    return {
        # 2002 规定 第二十三条: a dispute the committee took up of its own motion was applied
        # for by no one; the notice goes to every party, not to "applicants".
        "own_initiative": src.case.channel in OWN_INITIATIVE,
        "reason": reason or src.case.outcome or "",
        "ground": ground or _NOT_ACCEPTED_GROUNDS[proc],
        "organ": ENDINGS[proc].organ,
        "lead": (
            "你（们）可以通过下列途径，向有权处理的机关或者人民法院依法提出"
            "（《人民调解工作若干规定》第二十四条）"
            if people
            else "你（们）可以依法通过下列途径维护自己的权利"
        ),
        "refused_at": cn_date(refuse.at) if refuse is not None else "",
        "remedies": remedy_facts(
            src, closed_routes(src.case, src.policy, _text(refuse, "handled_by"))
        ),
        "limitation": limitation_fact(src),
    }


_NOT_ACCEPTED_GROUNDS: dict[Procedure, str] = {
    Procedure.people: "《人民调解工作若干规定》第二十二条、第二十四条",
    Procedure.medical_admin: "《医疗纠纷预防和处理条例》第四十条",
    Procedure.traffic_police: "",
    Procedure.public_order: "",
    Procedure.administrative: "",
}
"""The ground printed when the refusal names none: an administrative organ has no
people's-mediation ground (RULES.md §6.3: 条例 第四十条; §6.4, §6.5, §6.7: none national)."""


def _organ(src: Source, organ: str) -> str:
    """An organ as printed: a unit of the org by its name, one named in words as given."""
    org = src.policy.org
    return str(org.get(organ).name) if organ and org is not None and organ in org else organ


def _bar_of(src: Source, event: Event, proc: Procedure) -> tuple[str, str]:
    """The reason and the article of a version-2 non-acceptance, from its event."""
    handled = _organ(src, _text(event, "handled_by"))
    refused = _text(event, "refused_by") or (
        _text(event, "party") if event.trigger == "party_refuses" else ""
    )
    if refused:
        name = next((p.name for p in src.case.parties if p.id == refused), refused)
        return f"当事人{name}明确拒绝调解", REFUSAL_GROUNDS[proc]
    if handled:
        medical = "medical" in ancestors(src.case.category, src.policy.categories)
        if proc is Procedure.people and medical and v4(src.case):
            return f"该纠纷已由{handled}受理或者解决", MEDICAL_HANDLED  # as the refusal cited
        return f"该纠纷已由{handled}受理或者解决", HANDLED_GROUNDS[proc]
    return src.case.outcome or "", ""


def _check_mediated(src: Source) -> None:
    started = src.last("start_mediation") is not None if src.history else None
    if started is False or (started is None and src.case.state not in _MEDIATED):
        raise ValidationError(
            "case.state", src.case.state, "mediation has not started (trigger 'start_mediation')"
        )


_RECORDED = ("start_mediation", "suspend", "resume", "agree", "terminate", "remediate", "reopen")
_MOVES = ("refer", "take_referral", "return_referral")
"""Moves between units, recorded once mediation has started (the case changes hands)."""


def _move_row(src: Source, event: Event, referral: Referral | None) -> tuple[str, str]:
    """The label and detail of a referral's row in the record: which way, to whom, why."""
    if event.trigger == "refer" and referral is not None:
        to = unit_name(src, referral.to_unit)
        why = referral.note or referral.reason
        return referral.direction.label, f"移送{to}" + (f"（{why}）" if why else "")
    return src.definition.label_of(event.trigger), _text(event, "reason") or _text(event, "note")


@document(
    "mediation_record",
    "人民调解记录（调解笔录）",
    order=40,
    basis="《人民调解法》第二十七条；《人民调解工作若干规定》第三十条",
    check=_check_mediated,
)
def mediation_record(src: Source) -> dict[str, Any]:
    """Context of 调解笔录: sessions, steps, and the outcome, from the audit history.

    A case referred while it was being mediated (2002 规定 第二十一条) was mediated by more
    than one committee: the record then lists the referral among the steps, and names on
    every step the unit that held the case when it was taken (:func:`units_held`) — the
    sessions before the referral are the sender's, not the receiver's (《人民调解法》
    第二十七条: a record of the committee's own mediation).
    """
    held = units_held(src)
    referrals = details(src.case).referrals
    steps: list[dict[str, str]] = []
    units: list[str] = []
    started, k = False, -1
    for e in src.history:
        if e.trigger == "refer":
            k += 1
        started = started or e.trigger == "start_mediation"
        if e.trigger in _RECORDED:
            detail = _text(e, "reason") or _text(e, "note")
            if e.trigger == "agree":
                detail = "当事人自愿达成调解协议"
            label = src.definition.label_of(e.trigger)
        elif started and e.trigger in _MOVES:
            label, detail = _move_row(src, e, referrals[k] if 0 <= k < len(referrals) else None)
        else:
            continue
        units.append(held.get(e.seq, src.case.unit))
        steps.append({"at": cn_datetime(e.at), "label": label, "detail": detail, "unit": ""})
    if len(set(units)) > 1:
        for row, unit in zip(steps, units, strict=True):
            row["unit"] = unit_name(src, unit)
    start = src.last("start_mediation")
    terminate = src.last("terminate")
    agreement = details(src.case).agreement
    if agreement is not None:
        outcome, result = "agreed", "经调解，当事人自愿达成如下协议："
    elif terminate is not None or src.case.state == DisputeState.failed.value:
        outcome, result = "failed", "调解不成，终止调解。"
    else:
        outcome, result = "ongoing", "调解尚在进行中。"
    extra = src.extra
    own = organ_form(src, "mediation_record", "人民调解记录（调解笔录）")
    return {
        **own,
        "told": (
            f"调解人员已告知当事人{mediation_name(src)}的性质、原则和效力，以及当事人在调解活动中"
            "享有的权利和承担的义务"
            if own
            else "调解员已告知当事人人民调解的性质、原则和效力，以及当事人在调解活动中享有的权利"
            "和承担的义务（《人民调解工作若干规定》第三十条）"
        ),
        "started_at": cn_datetime(start.at) if start is not None else "",
        "place": str(extra.get("place") or ""),
        "recorder": str(extra.get("recorder") or ""),
        "steps": steps,
        "outcome": outcome,
        "result": result,
        "terms": list(agreement.terms) if agreement is not None else [],
        "termination_reason": _text(terminate, "reason") or (src.case.outcome or ""),
    }


def _ending(src: Source) -> Event | None:
    """The step that ended mediation: ``terminate``, or a party's refusal after acceptance
    (《人民调解法》第二十三条: a party may demand termination)."""
    for event in reversed(src.history):
        if event.trigger == "terminate" or (
            event.trigger == "party_refuses" and event.dest == DisputeState.failed.value
        ):
            return event
    return None


def _check_terminated(src: Source) -> None:
    event = _ending(src)
    if event is None and src.case.state != DisputeState.failed.value:
        raise ValidationError(
            "case.state", src.case.state, "mediation was not terminated (trigger 'terminate')"
        )
    if event is not None and event.data.get("remedies_informed") is not True:
        raise ValidationError(
            "remedies_informed",
            event.data.get("remedies_informed"),
            "终止调解须告知当事人其他救济途径（《人民调解法》第二十六条）",
        )


def _termination_canary() -> Canary:
    src = agreement_canary(AgreementForm.written).source
    needles = tuple(r["channel"] for r in REMEDIES) + tuple(r["text"] for r in remedy_facts(src))
    return Canary(src, {"其他救济途径（《人民调解法》第二十六条）": needles})


@document(
    "termination_notice",
    "终止人民调解告知书",
    order=80,
    basis="《人民调解法》第二十六条",
    check=_check_terminated,
    canary=_termination_canary,
)
def termination_notice(src: Source) -> dict[str, Any]:
    """Context of 终止调解告知书: the reason and every remedy left.

    The notice follows the procedure that ended (:data:`ENDINGS`): a people's
    mediation under 《人民调解法》第二十六条; the traffic police's 调解终结书
    (《道路交通事故处理程序规定》第九十条); the health department's 行政调解
    (《医疗纠纷预防和处理条例》第四十条); 治安调解 (《治安管理处罚法》第九条);
    another organ's 行政调解 (local rules). The remedies are the case's own
    (:func:`remedy_facts`), never the procedure that just ended; a party's
    refusal after acceptance (第二十三条) ends mediation the same way.
    """
    event = _ending(src)
    accept = src.last("accept")
    reason = _text(event, "reason")
    if event is not None and event.trigger == "party_refuses":
        party = _text(event, "party")
        name = next((p.name for p in src.case.parties if p.id == party), party)
        reason = f"当事人{name}要求终止调解"
        if procedure(src.case, src.policy) is Procedure.people:
            reason += "（《人民调解法》第二十三条）"
    how = ending(src)
    return {
        "doc": _doc(src, how.title, how.basis),
        "organ": how.organ,
        "grounds": how.grounds,
        "decision": how.decision,
        "lead": how.lead,
        "reason": reason or (src.case.outcome or ""),
        "terminated_at": cn_date(event.at) if event is not None else "",
        "accepted_at": cn_date(accept.at) if accept is not None else "",
        "remedies": remedy_facts(src),
        "limitation": limitation_fact(src),
    }


def _doc(src: Source, title: str, basis: str) -> dict[str, Any]:
    """The ``doc`` facts of the termination notice, with the title its procedure gives it."""
    return {
        "kind": "termination_notice",
        "title": title,
        "basis": basis,
        "number": src.number or "",
        "date": cn_date(src.today),
        "date_iso": src.today.isoformat(),
    }


def _check_visited(src: Source) -> None:
    visits = details(src.case).visits
    if not visits:
        raise ValidationError("case.visits", (), "no callback visit has been recorded")
    index = src.extra.get("visit", -1)
    if not isinstance(index, int) or not -len(visits) <= index < len(visits):
        raise ValidationError("extra.visit", index, "the index of a recorded visit")


_PERFORMANCE_STATES = frozenset(
    s.value for s in (DisputeState.performing, DisputeState.performed, DisputeState.not_performed)
)


def _performance_on_record(src: Source, at: dt.datetime) -> str:
    """How the agreement stood at ``at`` by the case's own record: the state of its latest
    step into 履行中, 已履行 or 未履行 (empty if none). A visit that did not describe the
    performance still records it (2002 规定 第三十六条: the callback records how the
    agreement is being performed)."""
    found = ""
    for event in src.history:
        if event.at > at:
            break
        if event.dest in _PERFORMANCE_STATES and event.source != event.dest:
            found = event.dest
    return f"{src.definition.label_of(found)}（据履行记录）" if found else ""


@document(
    "callback_record",
    "人民调解回访记录",
    order=90,
    basis="《人民调解法》第三十一条第二款；《人民调解工作若干规定》第三十六条",
    check=_check_visited,
)
def callback_record(src: Source) -> dict[str, Any]:
    """Context of 回访记录 for one visit (``extra["visit"]``, default the latest)."""
    found = details(src.case)
    visits = found.visits
    index = src.extra.get("visit", -1)
    assert isinstance(index, int)
    visit = visits[index]
    agreement = found.agreement
    return {
        **organ_form(src, "callback_record", "人民调解回访记录"),
        "visit": {
            "at": cn_datetime(visit.at),
            "date": cn_date(visit.at),
            "visitor": visit.visitor,
            "party": next((p.name for p in src.case.parties if p.id == visit.party), visit.party),
            "performance": visit.performance
            or (_performance_on_record(src, visit.at) if agreement is not None else ""),
            "satisfaction": satisfaction_label(visit.satisfaction),
            "recurrence": visit.recurrence,
            "measures": visit.measures,
            "ordinal": (index % len(visits)) + 1,
            "count": len(visits),
        },
        "agreement_number": agreement_number(src, agreement) if agreement is not None else "",
        "agreement_form": agreement.form.label if agreement is not None else "未达成协议",
    }
