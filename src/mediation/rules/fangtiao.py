"""访调对接: a petition handed to people's mediation with both parties' consent, and back.

While handling a 申诉求决 matter the organ may, with both parties' consent,
mediate or have it mediated (《信访工作条例》第三十三条); the 2025 opinion of the
Ministry of Justice and the National Public Complaints and Proposals
Administration lets petition offices and organs hand such matters to people's
mediation organisations (移交或委托) — disputes between citizens, between
citizens and legal persons, civil-law disputes with an administrative organ —
excluding matters only specialised organs may handle, matters that belong in
litigation, procuratorial or police procedures and are not concluded,
administrative disputes with an organ, and any where a party clearly refuses
(RULES.md §4.1; 《人民调解法》第十七条).

The petition step opens a dispute case at the committee (linked both ways, the
``fangtiao`` overlay naming the petition); the dispute workflow is not changed:
a hook on its agreement, termination and closing steps reports the result
back (``ctx.notify``) — an agreement concludes the petition with the agreement
referenced, a failure resumes petition handling on its own clock (which the
policy may pause meanwhile, :attr:`PetitionPolicy.mediation_pause`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, LabeledEnum, PartyRole, Risk, evolve
from mediation.rules import baoan, deadlines, onestop
from mediation.rules.agreement import principal_problem
from mediation.rules.base import ALLOW, Context, Decision, OpenCase, field, refuse, refuse_input
from mediation.rules.dispute import details as dispute_details
from mediation.rules.petition import (
    ART,
    Mediation,
    PetitionPolicy,
    PetitionStage,
    bar_refusal,
    check_unit,
    details,
    petition_office,
    v2,
    with_details,
)
from mediation.rules.petition_flow import conclude_on_agreement

__all__ = [
    "BASIS",
    "DISPUTE_WORKFLOW",
    "OVERLAY",
    "Fangtiao",
    "HandInputs",
    "MediationResult",
    "MovedInputs",
    "ResultInputs",
    "from_registration",
    "hand_guard",
    "hand_registered_guard",
    "handed_from_petition",
    "moved_guard",
    "on_hand",
    "on_moved",
    "on_result",
    "report_result",
    "result_agreed",
    "result_failed",
    "result_guard",
    "signed_or_free",
    "unsigned",
    "was_accepted",
]

DISPUTE_WORKFLOW = "dispute"
"""The workflow a petition is handed to, by its registered name (the dispute workflow knows
nothing of petitions, and this part does not import it)."""

OVERLAY = "fangtiao"
"""The overlay on the dispute case naming the petition it came from."""

BASIS = (
    f"{ART}第三十三条；司法部、国家信访局《关于进一步深化人民调解参与信访工作对接"
    "推进信访工作法治化的意见》(2025)"
)


class MediationResult(LabeledEnum):
    """How the people's mediation of a petition ended."""

    agreement = "agreement", "达成调解协议"
    failure = "failure", "调解不成"


@attrs.frozen(slots=True)
class Fangtiao:
    """The ``fangtiao`` overlay on the dispute case: the petition it was handed from.

    Attributes:
        petition: The petition case id.
        petition_code: Its code.
        consents: The parties (ids) who consented.
        at: When it was handed over.
        reported: The result has been reported to the petition.
    """

    petition: str
    petition_code: str
    consents: tuple[str, ...]
    at: dt.datetime
    reported: bool = False


@attrs.frozen(slots=True)
class HandInputs:
    """访调对接: the committee, the parties who consented, the exclusions that apply."""

    committee: str = field("人民调解委员会")
    consents: tuple[str, ...] = field("同意调解的当事人")
    against_organ: bool = field("与行政机关之间的行政争议", default=False)
    in_litigation: bool = field("已进入诉讼等法定程序尚未终结", default=False)
    refused_by: str | None = field("明确拒绝调解的当事人", default=None)
    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class ResultInputs:
    """The mediation result, reaching the petition."""

    result: MediationResult = field("调解结果")
    dispute: str = field("调解案件")
    dispute_code: str = field("调解案件编号", default="")
    agreement: str = field("调解协议内容", default="")
    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class MovedInputs:
    """The mediation case handed the matter on (三调联动): from which case, to which."""

    from_case: str = field("原调解案件")
    to_case: str = field("接收调解案件")
    code: str = field("原调解案件编号", default="")
    unit: str = field("接收机关", default="")


def hand_guard(case: Case, ctx: Context[HandInputs]) -> Decision:
    """Hand a civil-type 申诉求决 matter to people's mediation, with both parties' consent.

    Refused (source :data:`BASIS`; 《人民调解法》第十七条): a party refuses; the
    matter is an administrative dispute with an organ, or in litigation or
    another statutory procedure; a category the policy excludes, or one reserved to a
    specialised organ (a criminal matter: 2002 规定 第二十二条第一项); no party on
    the other side; a party who did not consent; a unit that is not a people's
    mediation committee.
    """
    given = ctx.inputs
    policy = ctx.policy.part(PetitionPolicy)
    if given.refused_by:
        # By party id (version 3 checks it, hand_refused_by_guard); version 2 took any text.
        name = next((p.name for p in case.parties if p.id == given.refused_by), given.refused_by)
        return refuse(
            "hand_to_mediation",
            f"当事人{name}明确拒绝调解，不得调解",
            "《人民调解法》第十七条",
        )
    if given.against_organ:
        return refuse("hand_to_mediation", "公民与行政机关之间的行政争议不移交人民调解", BASIS)
    if given.in_litigation:
        return refuse(
            "hand_to_mediation",
            "已进入诉讼、检察、公安法定程序尚未依法终结的事项不移交人民调解",
            f"{BASIS}；{ART}第三十一条第一项",
        )
    if case.category in policy.mediation_excluded:
        return refuse("hand_to_mediation", "该类事项不适用访调对接", BASIS)
    category = ctx.policy.categories.get(case.category)
    if category is not None and category.reserved_to:
        return refuse(
            "hand_to_mediation",
            f"{category.label}依法由{category.reserved_to}处理（专门机关管辖的事项），"
            "不移交人民调解",
            f"{BASIS}；《人民调解工作若干规定》第二十二条第一项",
        )
    known = check_unit(ctx, given.committee, "committee")
    if not known.allowed:
        return known
    org = ctx.policy.org
    assert org is not None
    if org.get(given.committee).kind not in policy.mediation_units:
        return refuse_input(
            "hand_to_mediation", "committee", given.committee, "不是人民调解委员会", BASIS
        )
    principals = case.principals
    if not any(p.role is PartyRole.respondent for p in principals):
        return refuse("hand_to_mediation", "须有对方当事人（民间纠纷发生在当事人之间）", BASIS)
    missing = [p.name for p in principals if p.id not in given.consents]
    if missing:
        return refuse_input(
            "hand_to_mediation",
            "consents",
            list(given.consents),
            f"须经双方当事人同意：{'、'.join(missing)}未同意",
            BASIS,
        )
    return onestop.check_send(case, ctx, given.committee, "committee")


def hand_registered_guard(case: Case, ctx: Context[HandInputs]) -> Decision:
    """访调对接 by a petition office, from registration: it hands the matter over as it
    stands (the 2025 意见 names 信访部门 first among those who may hand over or entrust
    申诉求决 matters), since it does not accept a matter for handling itself — it routes
    it (《信访工作条例》第二十二条第一款). The other exclusions are :func:`hand_guard`'s.

    A first petition only (not a 复查 or 复核 request), at a petition office (the policy's
    :attr:`PetitionPolicy.bureau_kinds`); an organ accepts a matter first (第二十三条) and
    hands it over while handling it (第三十三条). Petition workflow version 2 on.
    """
    if not v2(case):
        return refuse("hand_to_mediation", "受理后方可访调对接（信访事项办理第一版）", BASIS)
    if not petition_office(case, ctx):
        return refuse(
            "hand_to_mediation",
            "有权处理的机关、单位受理后方可在办理中移交人民调解；登记后即移交的，限于信访部门",
            f"{BASIS}；{ART}第二十二条、第二十三条",
        )
    if details(case).stage is not PetitionStage.handling:
        return refuse(
            "hand_to_mediation", "复查、复核请求不移交人民调解", f"{ART}第三十五条、第三十六条"
        )
    return hand_guard(case, ctx)


def hand_refused_by_guard(case: Case, ctx: Context[HandInputs]) -> Decision:
    """The party who clearly refused mediation (《人民调解法》第十七条) is one of the
    petition's parties, named by id: an unknown id is refused as an input, not read as a
    party's refusal. Petition workflow version 3 on."""
    who = ctx.inputs.refused_by
    if not who:
        return ALLOW
    return principal_problem(
        case.parties, "hand_to_mediation", "refused_by", who, "《人民调解法》第十七条"
    )


def hand_bar_guard(case: Case, ctx: Context[HandInputs]) -> Decision:
    """A matter a ground bars is not taken up by handing it to people's mediation either: the
    office tells the petitioner it is not accepted, as it would refuse to route or accept it
    (:class:`~mediation.rules.petition.Bar`: after 复核 the same facts and reasons are not
    accepted again, 《信访工作条例》第三十六条第三款; a matter already accepted and within
    its period is not accepted by a higher organ, 第十九条第三款; a skip-level visit,
    第二十条第一款; an answered matter goes to 复查 or 复核, 第三十五条、第三十六条).
    Petition workflow version 3 on."""
    return bar_refusal(case, "hand_to_mediation", "不予受理，也不移交人民调解")


def from_registration(case: Case, ctx: Context[Any]) -> Decision:
    """The matter was handed to mediation from registration (never accepted here): a
    failure brings it back there, for the office to route (第二十二条第一款)."""
    if details(case).accepted_at is None:
        return ALLOW
    return refuse("mediation_result", "not this branch")


def was_accepted(case: Case, ctx: Context[Any]) -> Decision:
    """The matter was handed to mediation while handled here: a failure resumes handling."""
    if details(case).accepted_at is not None:
        return ALLOW
    return refuse("mediation_result", "not this branch")


def on_hand(case: Case, ctx: Context[HandInputs]) -> Case:
    """Open the dispute case at the committee, linked both ways; pause the handling clock
    if the policy says so. The 包案 assignment stays with the petition, which stays open."""
    given = ctx.inputs
    overlays = dict(onestop.carry(case, ctx, given.committee))
    overlays.pop(baoan.OVERLAY, None)
    overlays[OVERLAY] = Fangtiao(case.id, case.code, tuple(given.consents), ctx.at)
    new_id = ctx.open_case(
        workflow=DISPUTE_WORKFLOW,
        unit=given.committee,
        channel="petition_referral",
        category=case.category,
        parties=case.parties,
        summary=case.summary,
        claims=case.claims,
        amount=case.amount,
        location=case.location,
        note="访调对接",
        overlays=overlays,
        risk=case.risk if v2(case) else Risk.low,
    )
    pause = ctx.policy.part(PetitionPolicy).mediation_pause
    if pause is not None:
        case = deadlines.pause(case, ctx, pause, spent=v2(case))
    return with_details(case, mediation=Mediation(new_id, given.committee, ctx.at))


def result_guard(case: Case, ctx: Context[ResultInputs]) -> Decision:
    """The result comes from the case the petition was handed to (source: :data:`BASIS`)."""
    found = details(case).mediation
    if found is None or found.case_id != ctx.inputs.dispute:
        return refuse_input(
            "mediation_result", "dispute", ctx.inputs.dispute, "不是本信访事项移交调解的案件"
        )
    return ALLOW


def moved_guard(case: Case, ctx: Context[MovedInputs]) -> Decision:
    """The hand-on comes from the case the matter is with (source: :data:`BASIS`;
    《信访工作条例》第三十七条, 三调联动)."""
    found = details(case).mediation
    if found is None or found.case_id != ctx.inputs.from_case:
        return refuse_input(
            "mediation_moved", "from_case", ctx.inputs.from_case, "不是本信访事项移交调解的案件"
        )
    return ALLOW


def on_moved(case: Case, ctx: Context[MovedInputs]) -> Case:
    """Follow the matter to the case it was handed on to: its result is the one awaited."""
    given = ctx.inputs
    found = details(case).mediation
    assert found is not None
    record = evolve(
        found,
        case_id=given.to_case,
        committee=given.unit or found.committee,
        via=(*found.via, given.code or given.from_case),
    )
    return with_details(case, mediation=record)


def result_agreed(case: Case, ctx: Context[ResultInputs]) -> Decision:
    """The mediation reached an agreement."""
    if ctx.inputs.result is MediationResult.agreement:
        return ALLOW
    return refuse("mediation_result", "调解不成", BASIS)


def result_failed(case: Case, ctx: Context[ResultInputs]) -> Decision:
    """The mediation failed."""
    if ctx.inputs.result is MediationResult.failure:
        return ALLOW
    return refuse("mediation_result", "已达成调解协议", BASIS)


def unsigned(case: Case, ctx: Context[Any]) -> Decision:
    """The petition is under 包案 not yet signed off: it waits for the sign-off."""
    return (
        ALLOW
        if baoan.awaiting_sign_off(case)
        else refuse("mediation_result", "无须包案领导签字", BASIS)
    )


def signed_or_free(case: Case, ctx: Context[Any]) -> Decision:
    """The petition is not under 包案, or the leader has signed off: it concludes now."""
    return (
        refuse("mediation_result", "须包案领导签字销号", baoan.BASIS)
        if baoan.awaiting_sign_off(case)
        else ALLOW
    )


def on_result(case: Case, ctx: Context[ResultInputs]) -> Case:
    """Record the result. Agreement: the petition concludes with the agreement referenced
    (its clocks met; under 包案 it waits for the sign-off with its clock running).
    Failure: handling resumes on the petition's own clock — or, for a matter a petition
    office handed over from registration, routing does, on its clock (第二十二条)."""
    given = ctx.inputs
    found = details(case).mediation
    assert found is not None
    record = evolve(
        found,
        result=given.result.value,
        dispute_code=given.dispute_code,
        agreement=given.agreement.strip(),
    )
    case = deadlines.resume(with_details(case, mediation=record), ctx)
    if given.result is MediationResult.failure:
        return case
    return conclude_on_agreement(
        case, ctx, f"经人民调解达成调解协议（{given.dispute_code}），信访事项办结"
    )


def handed_from_petition(case: Case) -> bool:
    """Whether ``case`` was handed from a petition (访调对接): the only cases
    :func:`report_result` has anything to report on."""
    return OVERLAY in case.overlays


def report_result(case: Case, ctx: Context[Any]) -> Case:
    """On the dispute case: report an agreement or a failure to the petition, once.

    Selected by the hook on the dispute steps that reach an agreement or a
    failure, or close the case; a case without the ``fangtiao`` overlay is left
    alone. One handed on with it (三调联动, 《信访工作条例》第三十七条) tells the
    petition where the matter went (``mediation_moved``) and leaves the result
    to the next case.
    """
    found = case.overlays.get(OVERLAY)
    if not isinstance(found, Fangtiao) or found.reported:
        return case
    for f in ctx.follow_ups:
        if isinstance(f, OpenCase) and isinstance(f.overlays.get(OVERLAY), Fangtiao):
            # handed on (三调联动): the petition follows the matter; the case it went to reports
            ctx.notify(
                found.petition,
                "mediation_moved",
                from_case=case.id,
                to_case=f.case_id,
                code=case.code,
                unit=f.unit,
            )
            return evolve(case, overlays=case.overlays.set(OVERLAY, evolve(found, reported=True)))
    agreement = dispute_details(case).agreement
    if agreement is not None:
        result, text = MediationResult.agreement, "；".join(agreement.terms)
    else:
        result, text = MediationResult.failure, ""
    ctx.notify(
        found.petition,
        "mediation_result",
        result=result.value,
        dispute=case.id,
        dispute_code=case.code,
        agreement=text,
        note=case.outcome or "",
    )
    return evolve(case, overlays=case.overlays.set(OVERLAY, evolve(found, reported=True)))
