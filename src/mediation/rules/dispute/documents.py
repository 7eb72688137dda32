"""What the dispute documents are built from."""

from __future__ import annotations

from typing import Any

from mediation.model import AgreementForm, Case, SignerCapacity
from mediation.rules import agreement as agreement_rules
from mediation.rules.categories import ancestors
from mediation.rules.dispute.acceptance import _party_name
from mediation.rules.dispute.agreement import effective
from mediation.rules.dispute.details import details

# -- documents --------------------------------------------------------------------------


def remedies(case: Case, policy: Any) -> tuple[str, ...]:
    """Every remedy the parties may still pursue, for the 不予受理 and 终止 notices.

    《人民调解法》第二十六条 (arbitration, administrative or judicial channels as
    the law provides); 第三十二条 (suit on the agreement); 2002 规定 第三十七条
    (the basic-level government); the special statutes of RULES.md §6 by category.
    """
    cats = ancestors(case.category, policy.categories)
    out: list[str] = []
    if "labour" in cats:
        out.append("向劳动人事争议仲裁委员会申请仲裁（《劳动争议调解仲裁法》第十四条第三款）")
    if "land_contract" in cats:
        out.append("向农村土地承包仲裁委员会申请仲裁（《农村土地承包经营纠纷调解仲裁法》第四条）")
    if "medical" in cats:
        out.append("向县级卫生主管部门申请医疗纠纷行政调解（《医疗纠纷预防和处理条例》第四十条）")
    if "traffic" in cats:
        out.append(
            "共同书面申请公安机关交通管理部门调解损害赔偿（《道路交通事故处理程序规定》第八十五条）"
        )
    if "public_order" in cats:
        out.append("由公安机关依法处理（《治安管理处罚法》第九条）")
    out.append("请求基层人民政府处理（《人民调解工作若干规定》第三十七条）")
    out.append("依法向人民法院提起诉讼（《人民调解法》第二十六条、第三十二条）")
    return tuple(out)


def dispute_facts(case: Case, policy: Any) -> dict[str, Any]:
    """What dispute documents print about the case beyond the generic core."""
    found = details(case)
    track = policy.tracks.get(found.track) if found.track else None
    agreement = found.agreement
    signatures = agreement.signatures if agreement is not None else ()
    when = effective(case)
    pending = [
        {"missing": m}
        for m in (agreement_rules.unsigned(agreement, case.parties) if agreement else ())
    ]
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
