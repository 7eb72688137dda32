"""The organ's own mediation, or the parties' settlement, of a 申诉求决 matter (第三十三条).

《信访工作条例》第三十三条: while handling a claim or complaint, the organ with the power
to handle it may — without breaking a mandatory rule of policy or law, and within its
discretion — mediate between the two sides of the dispute **with both sides' consent**,
or guide them to settle of their own accord. A mediation ends in a 调解协议书, a
settlement in a 和解协议书; either ends the handling of the matter (RULES.md §4).

This is the organ's own work. Handing the matter to a people's mediation committee
(访调对接) is :mod:`mediation.rules.fangtiao`.

The step is ``settle`` on an accepted petition (workflow version 2 on): it records the
agreement (:class:`Settlement`) and concludes the petition — or, under 领导包案 not yet
signed off, leaves it mediated until the sign-off (as an agreement reached through
访调对接 does).
"""

from __future__ import annotations

from typing import Any

import attrs

from mediation.model import Case, PartyRole
from mediation.rules import baoan
from mediation.rules.base import ALLOW, Context, Decision, field, nonblank, refuse, refuse_input
from mediation.rules.petition import (
    ART,
    Settlement,
    SettlementForm,
    check_parties,
    v2,
    with_details,
)
from mediation.rules.petition_flow import conclude_on_agreement

__all__ = [
    "BASIS",
    "SettleInputs",
    "on_settle",
    "represented",
    "settle_guard",
    "sign_off_pending",
    "signed_off_or_free",
]

BASIS = f"{ART}第三十三条"


@attrs.frozen(slots=True)
class SettleInputs:
    """调解、和解办结 (第三十三条): which agreement, who consented, who signed, its terms.

    Attributes:
        form: The organ mediated (调解协议书) or the parties settled (和解协议书).
        terms: The agreement's content.
        signed_by: The parties (ids) who signed it: every party to the matter, itself or by
            its agent (an agent's id stands for the party it acts for).
        consents: For a mediation, the parties (ids) who consented to the organ's mediating:
            every party (经争议双方当事人同意), itself or by its agent.
        within_discretion: For a mediation, the organ records that it mediates within its
            discretion and breaks no mandatory rule of policy or law.
        note: A note.
    """

    form: SettlementForm = field("协议种类")
    terms: str = field("协议内容", validator=nonblank)
    signed_by: tuple[str, ...] = field("签字的当事人")
    consents: tuple[str, ...] = field("同意由本机关调解的当事人", default=())
    within_discretion: bool = field("在裁量权范围内、不违反政策法规强制性规定", default=False)
    note: str = field("备注", default="")


def settle_guard(case: Case, ctx: Context[SettleInputs]) -> Decision:
    """An accepted 申诉求决 matter between two sides is mediated or settled (第三十三条).

    - Petition workflow version 2 on. The step starts from ``accepted``, which only the
      organ handling the matter reaches: a 复查 or 复核 reviews an opinion and is never
      accepted (第三十五条、第三十六条).
    - There are two sides: a party other than the petitioners (the respondent).
    - A mediation: every party consented to the organ's mediating, and the organ records
      that it mediates within its discretion and breaks no mandatory rule.
    - Every party signed the agreement; the names are parties of the case.
    """
    if not v2(case):
        return refuse("settle", "本流程版本（信访 v1）没有调解、和解办结", BASIS)
    if not any(p.role is PartyRole.respondent for p in case.parties):
        return refuse(
            "settle",
            "调解、和解须在争议双方当事人之间进行：本案没有被申请人（另一方当事人）",
            BASIS,
        )
    given = ctx.inputs
    for name, chosen in (("signed_by", given.signed_by), ("consents", given.consents)):
        known = check_parties(case, "settle", name, chosen)
        if not known.allowed:
            return known
    if given.form is SettlementForm.mediation:
        missing = _missing(case, given.consents)
        if missing:
            return refuse_input(
                "settle",
                "consents",
                list(given.consents),
                f"调解须经争议双方当事人同意：{missing}未同意",
                BASIS,
            )
        if not given.within_discretion:
            return refuse_input(
                "settle",
                "within_discretion",
                False,
                "机关调解须在裁量权范围内进行，不得违反政策法规强制性规定",
                BASIS,
            )
    unsigned = _missing(case, given.signed_by)
    if unsigned:
        return refuse_input(
            "settle",
            "signed_by",
            list(given.signed_by),
            f"{given.form.label}须由各方当事人签字：{unsigned}未签字",
            BASIS,
        )
    return ALLOW


def represented(case: Case, ids: tuple[str, ...]) -> frozenset[str]:
    """The parties ``ids`` stand for: a party itself, an agent the party it acts for."""
    out = set()
    for pid in ids:
        party = case.party(pid)
        out.add(party.agent_of if party.role is PartyRole.agent and party.agent_of else pid)
    return frozenset(out)


def _missing(case: Case, ids: tuple[str, ...]) -> str:
    """The names of the parties (agents aside) that ``ids`` do not stand for, joined."""
    covered = represented(case, ids)
    return "、".join(p.name for p in case.principals if p.id not in covered)


def sign_off_pending(case: Case, ctx: Context[Any]) -> Decision:
    """Under 包案 not yet signed off: the settled matter waits for the sign-off."""
    if baoan.awaiting_sign_off(case):
        return ALLOW
    return refuse("settle", "无须包案领导签字", baoan.BASIS)


def signed_off_or_free(case: Case, ctx: Context[Any]) -> Decision:
    """Not under 包案, or signed off: the settled matter concludes now."""
    if baoan.awaiting_sign_off(case):
        return refuse("settle", "须包案领导签字销号", baoan.BASIS)
    return ALLOW


def on_settle(case: Case, ctx: Context[SettleInputs]) -> Case:
    """Record the agreement; the matter is concluded (its clocks met, an assigning office
    told), unless it waits for the 包案 sign-off."""
    given = ctx.inputs
    settlement = Settlement(
        given.form,
        given.terms.strip(),
        tuple(dict.fromkeys(given.signed_by)),
        tuple(dict.fromkeys(given.consents)),
        ctx.at,
    )
    case = with_details(case, settlement=settlement)
    how = "经本机关调解" if given.form is SettlementForm.mediation else "经争议双方当事人自愿和解"
    return conclude_on_agreement(case, ctx, f"{how}达成{given.form.document}，信访事项办结")
