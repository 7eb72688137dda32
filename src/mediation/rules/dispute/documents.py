"""What the dispute documents are built from."""

from __future__ import annotations

from typing import Any

import attrs

from mediation.model import AgreementForm, Case, DeadlineStatus, SignerCapacity
from mediation.rules import agreement as agreement_rules
from mediation.rules.categories import ancestors
from mediation.rules.dispute._common import _LABOUR
from mediation.rules.dispute.acceptance import _party_name
from mediation.rules.dispute.agreement import effective, parties_sign_alone, unsigned
from mediation.rules.dispute.details import details
from mediation.rules.dispute.procedure import Procedure, procedure
from mediation.rules.org import UnitKind

__all__ = [
    "Procedure",
    "Remedy",
    "agreement_routes",
    "dispute_facts",
    "procedure",
    "remedies",
    "remedy_routes",
]

# -- remedies ---------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Remedy:
    """A route the parties may still take.

    Attributes:
        channel: ``仲裁``, ``行政``, ``司法`` (the channels 《人民调解法》第二十六条
            names) or ``调解`` (another mediation procedure).
        text: The route and its legal source, as printed.
        to: The body the route goes to, where a matter another body already holds may
            close it: ``court`` (a suit), ``health`` (the health department's mediation),
            ``committee`` (a people's mediation committee); ``""`` otherwise.
    """

    channel: str
    text: str
    to: str = ""


_LAW = "《人民调解法》"
_RULE_2002 = "《人民调解工作若干规定》"
_LABOUR_LAW = "《劳动争议调解仲裁法》"
_MEDICAL = "《医疗纠纷预防和处理条例》"
_TRAFFIC = "《道路交通事故处理程序规定》"
_PUBLIC_ORDER = "《治安管理处罚法》"


def _labour_lapsed(case: Case) -> bool:
    """Whether the 15 days of 《劳动争议调解仲裁法》第十四条第三款 ran out without agreement
    before mediation ended (or before the clock was closed otherwise)."""
    ended = details(case).ended_at
    for d in case.deadlines:
        if d.period != _LABOUR.id:
            continue
        if d.status in (DeadlineStatus.breached, DeadlineStatus.lapsed):
            return True
        end = ended or d.closed_at
        if end is not None and end > d.due_at:
            return True
    return False


def _labour(case: Case, policy: Any, agreed: bool) -> list[Remedy]:
    """RULES.md §6.1: arbitration, never a suit on the agreement under 人民调解法 第三十二条."""
    if agreed:
        return [
            Remedy(
                "仲裁",
                f"调解协议不履行的，可以向劳动人事争议仲裁委员会申请仲裁（{_LABOUR_LAW}第十五条）",
            ),
            Remedy(
                "司法",
                "就支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，"
                "用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令"
                f"（{_LABOUR_LAW}第十六条）",
            ),
        ]
    if _labour_lapsed(case):
        rule = policy.periods.get(_LABOUR.id, _LABOUR)
        arbitration = (
            f"自调解组织收到调解申请之日起{rule.label}内未达成调解协议，可以向劳动人事争议仲裁委员会"
            f"申请仲裁（{_LABOUR_LAW}第十四条第三款）"
        )
    else:
        arbitration = f"向劳动人事争议仲裁委员会申请仲裁（{_LABOUR_LAW}）"
    return [
        Remedy("仲裁", arbitration),
        Remedy("司法", f"对仲裁裁决不服的，可以依法向人民法院提起诉讼（{_LABOUR_LAW}）"),
    ]


def agreement_routes(case: Case, policy: Any) -> tuple[str, ...]:
    """What the category's own statute says follows an agreement not performed, for the
    agreement to print beside 司法确认: for a labour dispute, arbitration (《劳动争议调解
    仲裁法》第十五条) and the 支付令 (第十六条) — the statute governs a labour dispute
    whichever organisation mediated it (第十条, RULES.md §6.1). Empty for other categories."""
    if "labour" not in ancestors(case.category, policy.categories):
        return ()
    return tuple(r.text for r in _labour(case, policy, agreed=True))


_ORDER = {"仲裁": 0, "调解": 1, "行政": 2, "司法": 3}
"""The order the notices list the channels in (《人民调解法》第二十六条: 仲裁、行政、司法)."""


def remedy_routes(case: Case, policy: Any) -> tuple[Remedy, ...]:
    """Every route the parties may still take, in channel order (:func:`_routes`)."""
    return tuple(sorted(_routes(case, policy), key=lambda r: _ORDER.get(r.channel, len(_ORDER))))


def _routes(case: Case, policy: Any) -> tuple[Remedy, ...]:
    """Every route the parties may still take, for the 不予受理 and 终止 notices.

    The routes follow the procedure that ended (:func:`procedure`, never that
    same procedure again), the case's category (RULES.md §6) and whether an
    agreement exists:

    - People's mediation terminated: 《人民调解法》第二十六条 (arbitration,
      administrative or judicial channels as the law provides); not accepted:
      the same channels, under 2002 规定 第二十四条 (the notice cites it). Only
      where an agreement exists
      (so it was not performed or is disputed, and re-mediation failed):
      2002 规定 第三十七条 (the basic-level government) and 《人民调解法》
      第三十二条 (suit on the agreement); an agreement a court ruled valid is enforced
      instead (第三十三条第二款; 民诉法 第二百零六条).
    - Labour (《劳动争议调解仲裁法》): arbitration, as 第十四条第三款 once the
      15 days lapsed without agreement; after an agreement, arbitration
      (第十五条) and the 支付令 for the kinds of agreement of 第十六条.
    - Traffic police mediation ended: civil suit (《道路交通安全法》第七十四条).
    - Health-department mediation ended: people's mediation (条例 第三十一条)
      or suit; a people's mediation ended: the health department (第四十条).
    - 治安调解 ended: the police decide the violation; the civil claim goes to
      court (《治安管理处罚法》第九条).
    - Other administrative mediation (RULES.md §6.7): people's mediation
      (《人民调解法》第十七条) or suit.
    """
    found = details(case)
    cats = ancestors(case.category, policy.categories)
    proc = procedure(case, policy)
    refused = case.state == "not_accepted"
    # An agreement that never took effect (a party did not sign, 《人民调解法》第二十九条
    # 第二款) binds no one: nothing to perform, nothing to sue on under 第三十二条.
    agreed = not refused and any(
        agreement_rules.effective_at(a, case.parties, parties_only=parties_sign_alone(case))
        is not None
        for a in (*found.superseded, *((found.agreement,) if found.agreement else ()))
    )
    labour = "labour" in cats
    if proc is Procedure.traffic_police:
        return (Remedy("司法", "向人民法院提起民事诉讼（《道路交通安全法》第七十四条）"),)
    if proc is Procedure.public_order:
        return (
            Remedy(
                "行政",
                "由公安机关依法对违反治安管理行为作出处理"
                f"（{_PUBLIC_ORDER}第九条；《公安机关办理行政案件程序规定》第一百八十五条）",
            ),
            Remedy("司法", f"就民事争议依法向人民法院提起民事诉讼（{_PUBLIC_ORDER}第九条）"),
        )
    out: list[Remedy] = []
    if labour:
        out.extend(_labour(case, policy, agreed))
    if "land_contract" in cats:
        out.append(
            Remedy(
                "仲裁",
                "向农村土地承包仲裁委员会申请仲裁（《农村土地承包经营纠纷调解仲裁法》第四条）",
            )
        )
    if "medical" in cats:
        if proc is Procedure.medical_admin:
            out.append(
                Remedy(
                    "调解", f"向医疗纠纷人民调解委员会申请调解（{_MEDICAL}第三十一条）", "committee"
                )
            )
        else:
            out.append(
                Remedy(
                    "行政",
                    f"向县级卫生主管部门申请医疗纠纷行政调解（{_MEDICAL}第四十条）",
                    "health",
                )
            )
    if "traffic" in cats:
        article = "第八十五条" if proc is Procedure.people and not refused else "第八十六条"
        out.append(
            Remedy(
                "行政",
                f"共同书面申请公安机关交通管理部门调解损害赔偿（{_TRAFFIC}{article}）",
            )
        )
    if "public_order" in cats:
        out.append(Remedy("行政", f"由公安机关依法处理（{_PUBLIC_ORDER}第九条）"))
    if proc is Procedure.people:
        confirmed = found.confirmation is not None and found.confirmation.ruling == "valid"
        if agreed and not labour and confirmed:
            # Ruled valid (《人民调解法》第三十三条第二款): the agreement is enforced, not sued
            # on again — the court's ruling settles its validity.
            out.append(
                Remedy(
                    "司法",
                    "一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行"
                    f"（{_LAW}第三十三条第二款；《中华人民共和国民事诉讼法》第二百零六条）",
                    "court",
                )
            )
        elif agreed and not labour:
            out.append(
                Remedy(
                    "行政",
                    f"调解协议经督促仍不履行的，请求基层人民政府处理（{_RULE_2002}第三十七条）",
                )
            )
            out.append(
                Remedy(
                    "司法",
                    f"就调解协议的履行或者内容发生争议的，向人民法院提起诉讼（{_LAW}第三十二条）",
                )
            )
        else:
            # Not accepted: the notice cites 2002 规定 第二十四条 for where to go; a
            # terminated mediation tells the channels of 《人民调解法》第二十六条.
            cite = "" if refused else f"（{_LAW}第二十六条）"
            out.append(Remedy("行政", f"依法请求基层人民政府或者有关行政机关处理{cite}"))
            if not labour:
                out.append(Remedy("司法", f"依法向人民法院提起诉讼{cite}", "court"))
        return tuple(out)
    if proc is Procedure.administrative and "medical" not in cats:
        out.append(Remedy("调解", f"向人民调解委员会申请调解（{_LAW}第十七条）", "committee"))
    if not labour:
        out.append(Remedy("司法", "依法向人民法院提起诉讼", "court"))
    return tuple(out)


def closed_routes(case: Case, policy: Any, handled: str) -> frozenset[str]:
    """The routes (:attr:`Remedy.to`) a matter another body already accepted or resolved
    may no longer take: that body's own — the court's suit, the health department's
    mediation, a committee's — and, for a medical dispute a court accepted, the health
    department's and a committee's too (《医疗纠纷预防和处理条例》第三十一条、第四十条).
    The body is known by its unit in the organisation, else by its name."""
    if not handled:
        return frozenset()
    org = policy.org
    unit = org.get(handled) if org is not None and handled in org else None
    name = unit.name if unit is not None else handled
    kind = unit.kind if unit is not None else ""
    medical = "medical" in ancestors(case.category, policy.categories)
    if kind == UnitKind.court.value or "法院" in name or "法庭" in name:
        return frozenset({"court", "health", "committee"} if medical else {"court"})
    if "卫生" in name or "卫健" in name:
        return frozenset({"health"})
    committees = (UnitKind.committee.value, UnitKind.industry_committee.value)
    if kind in committees or "调解委员会" in name or "医调委" in name:
        return frozenset({"committee"})
    return frozenset()


def remedies(case: Case, policy: Any) -> tuple[str, ...]:
    """Every remedy the parties may still pursue, as printed (:func:`remedy_routes`)."""
    return tuple(r.text for r in remedy_routes(case, policy))


def dispute_facts(case: Case, policy: Any) -> dict[str, Any]:
    """What dispute documents print about the case beyond the generic core."""
    found = details(case)
    track = policy.tracks.get(found.track) if found.track else None
    agreement = found.agreement
    signatures = agreement.signatures if agreement is not None else ()
    when = effective(case)
    pending = [{"missing": m} for m in unsigned(case)]
    confirmation = found.confirmation
    return {
        "track": found.track or "",
        "track_label": track.label if track is not None else (found.track or ""),
        "agreement_form": agreement.form.value if agreement is not None else "",
        "written_agreement": bool(agreement and agreement.form is AgreementForm.written),
        "agreement_effective": when is not None,
        "agreement_effective_at": when.isoformat() if when is not None else "",
        "agreement_unsigned": pending,
        "mediator_signers": [s.signer for s in signatures if s.capacity == SignerCapacity.mediator],
        "committee_seal": next(
            (s.signer for s in signatures if s.capacity == SignerCapacity.committee), ""
        ),
        "remedies": list(remedies(case, policy)),
        "rights_informed_at": found.rights_informed_at.isoformat()
        if found.rights_informed_at
        else "",
        "referrals": [
            {
                "direction": r.direction.value,
                "direction_label": r.direction.label,
                "from_unit": r.from_unit,
                "to_unit": r.to_unit,
                "reason": r.reason,
                "at": r.at.isoformat(),
                "note": r.note,
                "feedback_by": r.feedback_by.isoformat() if r.feedback_by else "",
                "outcome": r.outcome,
                "return_reason": r.return_reason,
            }
            for r in found.referrals
        ],
        "feedback": [
            {"at": f.at.isoformat(), "unit": f.unit, "to_unit": f.to_unit, "report": f.report}
            for f in found.feedback
        ],
        "confirmation": None
        if confirmation is None
        else {
            "court": confirmation.court,
            "applied_at": confirmation.applied_at.isoformat(),
            "ruling": confirmation.ruling or "",
            "grounds": confirmation.grounds,
        },
        "refusals": [
            {"party": _party_name(case, r.party), "stage": r.stage, "statement": r.statement}
            for r in found.refusals
        ],
        "closed_without_visit": found.closed_without_visit,
        "handed_from": found.handed_from or "",
    }
