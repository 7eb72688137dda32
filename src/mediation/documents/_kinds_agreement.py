"""Agreement documents: 人民调解协议书, 口头协议登记表, 司法确认申请书.

Sources: 《人民调解法》第二十八条 (written or oral), 第二十九条 (contents,
signatures and seal, copies), 第三十条 (an oral agreement takes effect when
reached), 第三十三条 and 《民事诉讼法》第二百零五条 (joint application for
judicial confirmation within the period of the table (30 days) from the effective date; the court rules by
裁定); 《人民调解工作若干规定》第三十五条 (the items a written agreement must state).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.documents._facts import (
    cn_date,
    cn_datetime,
    cn_number,
    default_clock_rule,
    display_name,
    due_text,
    local_date,
    mediator_names,
    party_facts,
    party_lists,
)
from mediation.documents._kinds_dispute import organ_form
from mediation.documents._registry import Canary, Source, document
from mediation.model import (
    CHINA_TZ,
    Agreement,
    AgreementForm,
    Case,
    CaseKind,
    Channel,
    Deadline,
    Intake,
    Party,
    PartyKind,
    PartyRole,
    Signature,
)
from mediation.rules.agreement import (
    REQUIRED_ITEMS,
    copies,
    effective_at,
    missing_items,
    principals,
    unsigned,
)
from mediation.rules.calendar import OfficialCalendar
from mediation.rules.dispute import DisputeDetails, court_mediation, details
from mediation.rules.dispute.agreement import (
    DELEGATED_EFFECT_BASIS,
    effect_basis,
    organ_statute,
    parties_sign_alone,
)
from mediation.rules.dispute.agreement import missing_items as missing_for
from mediation.rules.dispute.court import labour_confirmation_limit
from mediation.rules.dispute.documents import agreement_routes
from mediation.rules.dispute.procedure import Procedure, procedure
from mediation.rules.periods import period
from mediation.rules.policy import Policy
from mediation.workflows.dispute import DISPUTE

__all__ = ["confirmation_deadline", "written_form"]

_CONFIRMATION = period("judicial_confirmation_apply")
_CONFIRMATION_DAYS = _CONFIRMATION.length
_BASIS_CONFIRM = _CONFIRMATION.basis
_NATIONAL = OfficialCalendar()


def _agreement(src: Source, form: AgreementForm) -> Agreement:
    agreement = details(src.case).agreement
    if agreement is None:
        raise ValidationError("agreement", None, "the case has no mediation agreement yet")
    if agreement.form is not form:
        if form is AgreementForm.written:
            rule = (
                "an oral agreement is recorded in the 口头协议登记表: render "
                "'oral_agreement_register' (《人民调解法》第二十八条)"
            )
        else:
            rule = "a written agreement is rendered as 'mediation_agreement' (人民调解协议书)"
        raise ValidationError("agreement.form", agreement.form.value, rule)
    return agreement


def check_written(src: Source) -> None:
    """A written agreement states every required item, else name the missing ones.

    Raises:
        ValidationError: no agreement, an oral one, or items missing
            (``field`` = ``agreement.<field>``, comma-separated when several).
    """
    agreement = _agreement(src, AgreementForm.written)
    # The items of the case's own form: a 治安调解协议书 states its own (程序规定
    # 第一百八十四条), as the step that recorded it asked.
    missing = missing_for(src.case, agreement, src.policy)
    if missing:
        fields = ", ".join(f"agreement.{i.field}" for i in missing)
        labels = "、".join(i.label for i in missing)
        bases = "；".join(dict.fromkeys(i.basis for i in missing))
        raise ValidationError(fields, None, f"调解协议缺少：{labels}（{bases}）")


def check_oral(src: Source) -> None:
    """An oral agreement's content must be recorded (第二十八条).

    Raises:
        ValidationError: no agreement, a written one, or no agreed content.
    """
    agreement = _agreement(src, AgreementForm.oral)
    if missing_items(agreement, principals(src.case.parties)):
        raise ValidationError(
            "agreement.terms", (), "口头协议须记录协议内容（《人民调解法》第二十八条）"
        )


def confirmation_deadline(src: Source, effective: dt.datetime) -> tuple[dt.date, bool]:
    """Last day to apply for judicial confirmation, and whether it came from the case's clock.

    The engine's latest ``judicial_confirmation_apply`` clock is used when present (a
    new agreement after a refused confirmation has its own window, 人民调解法 第三十三条;
    民事诉讼法 第二百零六条); otherwise the period of the table is computed on the national
    calendar (民法典 第二百零一至二百零三条), as the engine would.
    """
    clock = _window(src)
    if clock is not None:
        return clock.due, True
    return _CONFIRMATION.due(local_date(effective), _NATIONAL).due, False


def _window(src: Source) -> Deadline | None:
    """The case's latest confirmation window: the current agreement's."""
    return next((d for d in reversed(src.case.deadlines) if d.period == _CONFIRMATION.id), None)


def _printed(src: Source, deadline: dt.date) -> str:
    """The confirmation deadline as printed, flagged if the clock rests on estimated data."""
    clock = _window(src)
    return due_text(clock) if clock is not None else cn_date(deadline)


def court_name(src: Source, court: str) -> str:
    """The court as printed: a unit of the organisation by its name, else as recorded."""
    org = src.policy.org
    return org.get(court).name if org is not None and court in org else court


def inviting_court(src: Source) -> str:
    """The court that delegated (委派) or entrusted (委托) the mediation, as printed — the
    court the parties apply to for 司法确认 (《民事诉讼法》第二百零五条第一项) — or ``""``
    when no court invited it or none is recorded."""
    court = details(src.case).facts.court
    if not court or not court_mediation(src.case, src.policy):
        return ""
    return court_name(src, court)


def agreement_number(src: Source, agreement: Agreement) -> str:
    """The number the agreement is known by: its own, else the one its 人民调解协议书 was
    issued under (§2.1 #8, #10, #11 refer to it) — unless an earlier agreement was
    superseded, whose 协议书 that number may be."""
    if agreement.number:
        return agreement.number
    if agreement.form is not AgreementForm.written or details(src.case).superseded:
        return ""
    return src.case.document_number("mediation_agreement") or ""


def _agreement_facts(src: Source, agreement: Agreement, *, itself: bool) -> dict[str, Any]:
    """The agreement's items; ``itself``: the document is the agreement (its number is ours)."""
    number = (agreement.number or src.number or "") if itself else agreement_number(src, agreement)
    return {
        "number": number,
        "form_label": agreement.form.label,
        "reached_at": cn_datetime(agreement.reached_at),
        "reached_date": cn_date(agreement.reached_at),
        "facts": agreement.facts,
        "disputed_matters": agreement.disputed_matters,
        "responsibilities": agreement.responsibilities,
        "terms": list(agreement.terms),
        "performance_manner": agreement.performance_manner,
        "performance_place": agreement.performance_place,
        "performance_deadline": cn_date(agreement.performance_deadline),
    }


def _signature_status(agreement: Agreement, parties: list[Party]) -> dict[str, Any]:
    def status(sigs: list[Signature]) -> dict[str, Any]:
        latest = max((s.signed_at for s in sigs), default=None)
        return {
            "signed": bool(sigs),
            "signers": list(dict.fromkeys(s.signer for s in sigs)),
            "signed_at": cn_datetime(latest),
            "status": f"已签署（{cn_datetime(latest)}）" if latest else "未签署",
        }

    sigs = agreement.signatures
    rows = []
    for p in parties:
        row = status([s for s in sigs if s.capacity == "party" and s.party == p.id])
        rows.append({"name": p.name, "role_label": p.role.label, **row})
    return {
        "parties": rows,
        "mediator": status([s for s in sigs if s.capacity == "mediator"]),
        "committee": status([s for s in sigs if s.capacity == "committee"]),
    }


@attrs.frozen(slots=True)
class WrittenForm:
    """How the written agreement reads for one procedure.

    Attributes:
        title: The document's title.
        effect: The clause on signing and effect, with its legal source.
        after: What follows non-performance, when no 司法确认 paragraph is printed.
        confirmation: Whether the 司法确认 paragraph is printed (《人民调解法》第三十三条).
        kept_by: Who keeps the extra copy.
        mediator: How the presiding mediator's signature line is labelled.
        seal: How the seal line is labelled.
    """

    title: str
    effect: str
    after: str
    confirmation: bool
    kept_by: str
    mediator: str
    seal: str


_PENDING = {"mediator": "调解员签名", "committee": "人民调解委员会盖章"}

_PEOPLE_FORM = WrittenForm(
    "人民调解协议书",
    "本协议自各方当事人签名、盖章或者按指印，调解员签名并加盖人民调解委员会印章之日起生效"
    "（《人民调解法》第二十九条第二款），具有法律约束力，当事人应当按照约定履行",
    "",
    True,
    "人民调解委员会",
    "调解员",
    "人民调解委员会",
)

AGREEMENT_FORMS: dict[Procedure, WrittenForm] = {
    Procedure.people: _PEOPLE_FORM,
    Procedure.public_order: WrittenForm(
        "治安调解协议书",
        "本协议在公安机关主持下制作，双方当事人应当在本协议上签名，并履行本协议"
        "（《公安机关办理行政案件程序规定》第一百八十四条）",
        "当事人不履行本协议的，公安机关依法对违反治安管理行为人给予处罚，当事人可以就民事争议"
        "依法向人民法院提起民事诉讼（《治安管理处罚法》第九条；《公安机关办理行政案件程序规定》"
        "第一百八十五条）",
        False,
        "公安机关",
        "主持人",
        "公安机关",
    ),
    Procedure.traffic_police: WrittenForm(
        "道路交通事故损害赔偿调解书",
        "本调解书由公安机关交通管理部门主持调解制作，经各方当事人共同签字后生效"
        "（《道路交通事故处理程序规定》第九十二条）",
        "当事人不履行本调解书的，可以依法向人民法院提起民事诉讼（《道路交通安全法》第七十四条）",
        False,
        "公安机关交通管理部门",
        "调解人员",
        "公安机关交通管理部门",
    ),
    Procedure.medical_admin: WrittenForm(
        "医疗纠纷行政调解协议书",
        "本协议经卫生主管部门主持调解，由双方当事人签署（《医疗纠纷预防和处理条例》第四十条）",
        "当事人不履行本协议的，可以依法向人民法院提起诉讼（《医疗纠纷预防和处理条例》第四十条、"
        "第五十条）",
        False,
        "卫生主管部门",
        "调解人员",
        "卫生主管部门",
    ),
    Procedure.administrative: WrittenForm(
        "行政调解协议书",
        "本协议经行政机关主持调解，由各方当事人签署（各地行政调解办法；无全国性法律）",
        "当事人不履行本协议的，可以依法通过诉讼等途径维护自己的权利",
        False,
        "行政机关",
        "调解人员",
        "行政机关",
    ),
}
"""The written agreement by procedure (RULES.md §1 第二十九条; §6.3; §6.4; §6.5; §6.7): an
agreement reached before the police, the traffic police, the health department or another
administrative organ is that organ's document, not a people's mediation committee's — its
title, its clause on signing, what follows non-performance, who keeps a copy. The 司法确认
paragraph is printed for a people's mediation only."""


STATUTE_FORMS: dict[str, WrittenForm] = {
    "land_contract": WrittenForm(
        "农村土地承包经营纠纷调解协议书",
        "本协议由双方当事人签名、盖章或者按指印，经调解人员签名并加盖调解组织印章后生效"
        "（《农村土地承包经营纠纷调解仲裁法》第十条）",
        "当事人不履行本协议的，可以向农村土地承包仲裁委员会申请仲裁，也可以直接向人民法院起诉"
        "（《农村土地承包经营纠纷调解仲裁法》第四条）",
        False,
        "乡（镇）人民政府",
        "调解人员",
        "调解组织",
    ),
    "labour": WrittenForm(
        "劳动争议调解协议书",
        "本协议由双方当事人签名或者盖章，经调解员签名并加盖调解组织印章后生效，对双方当事人具有"
        "约束力，当事人应当履行（《劳动争议调解仲裁法》第十四条第一款、第二款）",
        "达成调解协议后，一方当事人在协议约定期限内不履行调解协议的，另一方当事人可以依法申请"
        "仲裁（《劳动争议调解仲裁法》第十五条）。就支付拖欠劳动报酬、工伤医疗费、经济补偿或者"
        "赔偿金事项达成调解协议，用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向"
        "人民法院申请支付令（《劳动争议调解仲裁法》第十六条）",
        False,
        "调解组织",
        "调解员",
        "调解组织",
    ),
}
"""An organ's agreement on a category whose own statute governs it (RULES.md §6.1, §6.2):
a town government mediating a labour or a land-contract dispute signs, seals and warns as
that statute says, not as the local rules on administrative mediation do."""


def written_form(src: Source) -> WrittenForm:
    """How the case's written agreement reads: by the statute of the committee that mediates
    (labour, land contract), else by its procedure (:data:`AGREEMENT_FORMS`)."""
    code = organ_statute(src.case, src.policy)
    if code in STATUTE_FORMS:
        return STATUTE_FORMS[code]
    return AGREEMENT_FORMS[procedure(src.case, src.policy)]


_DELEGATED_EFFECT = (
    "本协议系人民法院委派调解达成，自各方当事人签名、盖章或者按指印之日起生效"
    f"（{DELEGATED_EFFECT_BASIS}），具有法律约束力，当事人应当按照约定履行"
)
"""The effect clause of an agreement reached in mediation a court delegated (委派)."""


@document(
    "mediation_agreement",
    "人民调解协议书",
    order=50,
    basis="《人民调解法》第二十八条、第二十九条；《人民调解工作若干规定》第三十五条",
    check=check_written,
    canary=lambda: agreement_canary(AgreementForm.written),
)
def mediation_agreement(src: Source) -> dict[str, Any]:
    """Context of 人民调解协议书: items, signature status, effect, copies, confirmation deadline."""
    agreement = _agreement(src, AgreementForm.written)
    parties = list(principals(src.case.parties))
    alone = parties_sign_alone(src.case)
    # On the parties' signatures alone: a court's delegation (its own effect clause) or
    # 治安调解 (the police form's clause says so).
    delegated = alone and effect_basis(src.case) == DELEGATED_EFFECT_BASIS
    effective = effective_at(agreement, parties, parties_only=alone)
    confirmation: dict[str, Any] = {
        "days": _CONFIRMATION_DAYS,
        "basis": _BASIS_CONFIRM,
        "court": inviting_court(src),
        "limit": labour_confirmation_limit(src.case, src.policy),
    }
    if effective is not None:
        deadline, from_clock = confirmation_deadline(src, effective)
        confirmation |= {"deadline": _printed(src, deadline), "from_clock": from_clock}
    else:
        confirmation |= {"deadline": "", "from_clock": False}
    n = copies(src.case)
    form = written_form(src)
    signatures = _signature_status(agreement, parties)
    labels = {"mediator": f"{form.mediator}签名", "committee": f"{form.seal}盖章"}
    pending = [labels.get(w, f"{w}签名") for w in unsigned(agreement, parties, parties_only=alone)]
    own: dict[str, Any] = {}
    if form is not _PEOPLE_FORM:
        own["doc"] = {
            "kind": "mediation_agreement",
            "title": form.title,
            "basis": form.effect[form.effect.rindex("（") + 1 : -1],
            "number": src.number or "",
            "date": cn_date(src.today),
            "date_iso": src.today.isoformat(),
        }
    return {
        **own,
        # The parties as they were on the day of the agreement (their ages then).
        **party_lists(src, "mediation_agreement", local_date(agreement.reached_at)),
        "form": {
            "effect": _DELEGATED_EFFECT if delegated else form.effect,
            "after": form.after,
            "confirmation": form.confirmation,
            "kept_by": form.kept_by,
            "mediator": form.mediator,
            "seal": form.seal,
        },
        "agreement": _agreement_facts(src, agreement, itself=True),
        "signatures": signatures,
        # Who presided: the mediators who signed; an organ's agreement names its presiding
        # officer whether or not the officer signs (程序规定 第一百八十四条: 调解机关名称、
        # 主持人), from the case's assignees.
        "presiding": (
            signatures["mediator"]["signers"]
            if form is _PEOPLE_FORM
            else mediator_names(src, signatures["mediator"]["signers"])
        ),
        "effect": {
            "effective": effective is not None,
            "at": cn_datetime(effective),
            "date": cn_date(effective),
            "pending": pending,
            "basis": effect_basis(src.case),
        },
        "confirmation": confirmation,
        # A labour dispute mediated by a committee: its statute's routes on non-performance.
        "statute_routes": list(agreement_routes(src.case, src.policy)) if form.confirmation else [],
        "copies": {"count": n, "count_cn": cn_number(n), "parties": n - 1},
    }


@document(
    "oral_agreement_register",
    "人民调解口头协议登记表",
    order=60,
    basis="《人民调解法》第二十八条、第三十条",
    check=check_oral,
    canary=lambda: agreement_canary(AgreementForm.oral),
)
def oral_agreement_register(src: Source) -> dict[str, Any]:
    """Context of 口头协议登记表: the recorded content, effective when reached (第三十条)."""
    agreement = _agreement(src, AgreementForm.oral)
    agree = src.last("agree")
    own = organ_form(src, "oral_agreement_register", "人民调解口头协议登记表")
    proc = procedure(src.case, src.policy)
    # 人民调解法 第三十条 is people's mediation's; 治安调解 on the spot, recorded on video,
    # is 程序规定 第一百七十八条's; other organs' oral agreements have no national rule.
    basis = {
        Procedure.people: "《人民调解法》第三十条",
        Procedure.public_order: "《公安机关办理行政案件程序规定》第一百七十八条",
    }.get(proc, "")
    return {
        **own,
        **party_lists(src, "oral_agreement_register", local_date(agreement.reached_at)),
        "agreement": _agreement_facts(src, agreement, itself=True),
        "effect": {
            "at": cn_datetime(agreement.reached_at),
            "date": cn_date(agreement.reached_at),
            "basis": basis,
        },
        "recorded_by": display_name(src, agree.actor) if agree is not None else "",
        # Registered when the mediator recorded it (第二十八条: 应当记录协议内容), which
        # may be after the day it was reached; the reaching day is printed above.
        "recorded_on": cn_date(agree.at if agree is not None else agreement.reached_at),
    }


def _check_confirmation(src: Source) -> None:
    check_written(src)
    form = written_form(src)
    if not form.confirmation:
        # 《人民调解法》第三十三条 gives the parties' joint application to a people's
        # mediation agreement; an organ's agreement (治安、交警、卫生主管部门、行政调解)
        # is not one, and its own form prints what follows instead (RULES.md §6.3–§6.7).
        raise ValidationError(
            "case.procedure",
            form.title,
            f"{form.title}不是人民调解协议，不适用司法确认申请（{_BASIS_CONFIRM}）",
        )
    agreement = _agreement(src, AgreementForm.written)
    parties = principals(src.case.parties)
    alone = parties_sign_alone(src.case)
    effective = effective_at(agreement, parties, parties_only=alone)
    if effective is None:
        waiting = "、".join(
            _PENDING.get(w, w) for w in unsigned(agreement, parties, parties_only=alone)
        )
        raise ValidationError(
            "agreement.signatures",
            waiting,
            "调解协议尚未生效，不能申请司法确认（《人民调解法》第二十九条）",
        )
    deadline, _ = confirmation_deadline(src, effective)
    # An application on record was filed on its own day: re-rendered later, for the dossier
    # (§2.1 #11), it is judged by that day, not by the render's.
    applied = details(src.case).confirmation
    filed = src.today if applied is None else local_date(applied.applied_at)
    if filed > deadline:
        raise ValidationError(
            "today",
            filed.isoformat(),
            f"已超过自调解协议生效之日起{_CONFIRMATION_DAYS}日的申请期限（{cn_date(deadline)}届满；{_BASIS_CONFIRM}）",
        )


@document(
    "judicial_confirmation_application",
    "司法确认申请书",
    order=70,
    basis=_BASIS_CONFIRM,
    check=_check_confirmation,
)
def judicial_confirmation_application(src: Source) -> dict[str, Any]:
    """Context of the joint application for judicial confirmation (裁定确认调解协议有效),
    addressed to the court given to the render, else to the court the parties applied to
    (``apply_confirmation``), else to the court that invited the mediation (《民事诉讼法》
    第二百零五条第一项: the parties apply to it)."""
    agreement = _agreement(src, AgreementForm.written)
    effective = effective_at(
        agreement, principals(src.case.parties), parties_only=parties_sign_alone(src.case)
    )
    assert effective is not None  # the check refused otherwise
    deadline, from_clock = confirmation_deadline(src, effective)
    court = src.extra.get("court")
    applied = details(src.case).confirmation
    if not (isinstance(court, str) and court.strip()) and applied is not None:
        court = court_name(src, applied.court)
    if not (isinstance(court, str) and court.strip()):
        court = inviting_court(src)
    # Once filed (apply_confirmation), the application is dated the day it was filed, and the
    # parties' ages are as of that day, however late the dossier copy is printed.
    filed = src.today if applied is None else local_date(applied.applied_at)
    joint = [
        {**party_facts(p, filed, src.case.parties_in(PartyRole.agent)), "role_label": "申请人"}
        for p in principals(src.case.parties)
    ]
    return {
        "filed": {"date": cn_date(filed), "date_iso": filed.isoformat()},
        "parties": joint,
        "agreement": _agreement_facts(src, agreement, itself=False),
        "effect": {
            "at": cn_datetime(effective),
            "date": cn_date(effective),
            "how": (
                f"经各方当事人签名（{effect_basis(src.case)}）"
                if parties_sign_alone(src.case)
                else "经各方当事人签名、调解员签名并加盖人民调解委员会印章"
            ),
        },
        "confirmation": {
            "deadline": _printed(src, deadline),
            "from_clock": from_clock,
            "days": _CONFIRMATION_DAYS,
            "basis": _BASIS_CONFIRM,
        },
        "court": court if isinstance(court, str) else "",
    }


# -- canaries ---------------------------------------------------------------------


def agreement_canary(form: AgreementForm) -> Canary:
    """A case whose agreement items each carry a unique marker (see ``Canary``)."""
    at = dt.datetime(2091, 7, 9, 10, 0, tzinfo=CHINA_TZ)
    marks = {i.field: f"QZX{i.field.replace('_', '')}{n}Q" for n, i in enumerate(REQUIRED_ITEMS)}
    parties = (
        Party(PartyKind.person, "QZXpartyA", PartyRole.applicant, id="p1", address="QZXaddrA"),
        Party(PartyKind.person, "QZXpartyB", PartyRole.respondent, id="p2", address="QZXaddrB"),
    )
    deadline = dt.date(2093, 11, 27)
    agreement = Agreement(
        form=form,
        reached_at=at,
        facts=marks["facts"],
        disputed_matters=marks["disputed_matters"],
        responsibilities=marks["responsibilities"],
        terms=(marks["terms"] + "a", marks["terms"] + "b"),
        performance_manner=marks["performance_manner"],
        performance_place=marks["performance_place"],
        performance_deadline=deadline,
        signatures=(),
    )
    case = Case(
        id="canary",
        code="（2091）QZX字第0001号",
        kind=CaseKind.dispute,
        workflow=DISPUTE.name,
        workflow_version=DISPUTE.version,
        state="agreed",
        unit="canary",
        intake=Intake("neighbor", "QZXsummary", Channel.walk_in, at, parties),
        details=DisputeDetails(track="people", agreement=agreement),
    )
    policy = Policy()
    src = Source(
        case, (), None, None, {}, default_clock_rule(DISPUTE, policy), at.date(), DISPUTE, policy
    )
    needles: dict[str, tuple[str, ...]] = {}
    for item in REQUIRED_ITEMS if form is AgreementForm.written else (REQUIRED_ITEMS[4],):
        key = f"{item.label}（agreement.{item.field}，{item.basis}）"
        if item.field == "parties":
            needles[key] = ("QZXpartyA", "QZXpartyB", "QZXaddrA", "QZXaddrB")
        elif item.field == "terms":
            needles[key] = agreement.terms
        elif item.field == "performance_deadline":
            needles[key] = (cn_date(deadline),)
        else:
            needles[key] = (marks[item.field],)
    return Canary(src, needles)
