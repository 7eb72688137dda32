"""补正: completing or correcting a case's registration after intake, as an audited step.

A clerk registers what the applicant brings; what is missing or wrong
(a party's contact, the place, a claim) is completed later (补正). The step
replaces the registration; the old values stay in the case's history (the
intake snapshot and every earlier 补正 are events). Parties are not changed
once an agreement names them (its signatures refer to them). The category
decides the clocks: a workflow re-categorises at its own triage, not here.

Sources: 司法部《人民调解工作若干规定》第二十三条 (every acceptance registered);
《信访工作条例》第十九条 (a petition states name, address, request, facts and
reasons; the organ records an oral one faithfully).
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from mediation._errors import ValidationError
from mediation.model import Case, LabeledEnum, Party, Place, check_text, evolve
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.intake import assign_party_ids, check_intake

__all__ = ["AmendInputs", "RegistrationStep", "amend_guard", "on_amend"]


class RegistrationStep(LabeledEnum):
    """The registration steps any workflow's cases take."""

    amend_registration = "amend_registration", "补正登记信息"


def _reason(_inst: object, attribute: object, value: str) -> None:
    if not value.strip():
        raise ValidationError("reason", value, "state what is completed or corrected")


@attrs.frozen(slots=True)
class AmendInputs:
    """What is completed or corrected (each field given replaces the registered one)."""

    reason: str = field("补正理由", validator=_reason)
    parties: tuple[Party, ...] | None = field("当事人", default=None)
    claims: tuple[str, ...] | None = field("请求事项", default=None)
    summary: str | None = field("纠纷简要情况", default=None)
    location: tuple[Place, ...] | None = field("纠纷发生地", default=None)
    amount: Decimal | None = field("争议金额", default=None)


def _changes(given: AmendInputs) -> dict[str, object]:
    return {
        name: value
        for name, value in (
            ("parties", given.parties),
            ("claims", given.claims),
            ("summary", given.summary),
            ("location", given.location),
            ("amount", given.amount),
        )
        if value is not None
    }


def amend_guard(case: Case, ctx: Context[AmendInputs]) -> Decision:
    """Something changes; the result is a valid registration; parties stay once agreed on.

    The registration is checked as at intake (applicants and respondents,
    a known category, the facts stated).
    """
    given = ctx.inputs
    changes = _changes(given)
    if not changes:
        return refuse("amend_registration", "没有需要补正的内容", "受理登记 (PRACTICE)")
    if given.parties is not None and getattr(case.details, "agreement", None) is not None:
        return refuse_input(
            "amend_registration",
            "parties",
            None,
            "an agreement names the parties: they are not changed after it",
            "《人民调解法》第二十九条",
        )
    for i, claim in enumerate(given.claims or ()):
        if not claim.strip():
            return refuse_input("amend_registration", f"claims[{i}]", claim, "non-empty text")
        check_text(f"claims[{i}]", claim)
    try:
        check_intake(
            kind=case.kind,
            channel=case.channel,
            category=case.category,
            parties=list(given.parties) if given.parties is not None else list(case.parties),
            summary=changes.get("summary", case.summary),
            categories=ctx.policy.categories,
            channels=ctx.policy.channels,
        )
        if given.parties is not None:
            assign_party_ids(given.parties)
    except ValidationError as exc:
        return refuse_input("amend_registration", exc.field, exc.value, exc.rule, exc.basis)
    if given.amount is not None and (not given.amount.is_finite() or given.amount < 0):
        return refuse_input(
            "amend_registration", "amount", str(given.amount), "a finite amount in yuan, >= 0"
        )
    return ALLOW


def on_amend(case: Case, ctx: Context[AmendInputs]) -> Case:
    """Replace the registration's changed fields (party ids kept; new parties numbered on)."""
    changes = _changes(ctx.inputs)
    if "parties" in changes:
        changes["parties"] = assign_party_ids(ctx.inputs.parties or ())
    if "summary" in changes:
        changes["summary"] = str(changes["summary"]).strip()
    for name in ("claims", "location"):
        if name in changes:
            changes[name] = tuple(changes[name])  # type: ignore[arg-type]
    return evolve(case, intake=evolve(case.intake, **changes))
