"""The mediation agreement: required items, parsing, and when it takes effect.

Sources:
- 《人民调解法》第二十八条 (written, or oral if the parties see no need),
  第二十九条 (contents; effective once every party has signed, sealed or
  fingerprinted, the mediator signed and the committee sealed; copies = parties
  + 1), 第三十条 (oral: effective when reached), 第三十三条 (30 days to apply for
  judicial confirmation, counted from the effective date).
- 司法部《人民调解工作若干规定》(2002) 第三十五条: the stricter list ("应当载明"),
  which adds the **place** of performance. RULES.md recommends making all of it
  required; so do we.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from mediation._errors import ValidationError
from mediation.model import (
    Agreement,
    AgreementForm,
    Case,
    Party,
    PartyRole,
    Signature,
    SignerCapacity,
)
from mediation.rules.base import ALLOW, Decision, field, refuse_input
from mediation.rules.clockbook import FixedClock

__all__ = [
    "PERFORMANCE",
    "REQUIRED_ITEMS",
    "AgreementInput",
    "RequiredItem",
    "SignatureInput",
    "build_agreement",
    "copies",
    "effective_at",
    "missing_items",
    "principals",
    "signature",
    "signature_problem",
    "unsigned",
]

_BASIS_29 = "《人民调解法》第二十九条"
_BASIS_2002 = "《人民调解工作若干规定》第三十五条"


@attrs.frozen(slots=True)
class RequiredItem:
    """One item a written agreement must state.

    Attributes:
        field: The :class:`~mediation.model.Agreement` field (or ``parties``).
        label: Chinese name of the item.
        basis: The article requiring it.
    """

    field: str
    label: str
    basis: str


REQUIRED_ITEMS: tuple[RequiredItem, ...] = (
    RequiredItem("parties", "当事人的基本情况", f"{_BASIS_29}第一款第一项；{_BASIS_2002}第一项"),
    RequiredItem("facts", "纠纷的主要事实", f"{_BASIS_29}第一款第二项；{_BASIS_2002}第二项"),
    RequiredItem("disputed_matters", "争议事项", f"{_BASIS_29}第一款第二项；{_BASIS_2002}第二项"),
    RequiredItem(
        "responsibilities", "各方当事人的责任", f"{_BASIS_29}第一款第二项；{_BASIS_2002}第二项"
    ),
    RequiredItem(
        "terms",
        "达成协议的内容（当事人的权利义务）",
        f"{_BASIS_29}第一款第三项；{_BASIS_2002}第三项",
    ),
    RequiredItem(
        "performance_manner", "履行的方式", f"{_BASIS_29}第一款第三项；{_BASIS_2002}第四项"
    ),
    RequiredItem("performance_place", "履行的地点", f"{_BASIS_2002}第四项"),
    RequiredItem(
        "performance_deadline", "履行的期限", f"{_BASIS_29}第一款第三项；{_BASIS_2002}第四项"
    ),
)
"""Items every written agreement must state, in the order of the form."""


PERFORMANCE = FixedClock(
    "agreement_performance",
    "调解协议履行期限",
    "《人民调解法》第三十一条（人民调解委员会应当对调解协议的履行情况进行监督）",
)
"""The clock on the performance date the parties agreed."""


def _terms(_inst: object, _attr: object, value: tuple[str, ...]) -> None:
    for i, term in enumerate(value):
        if not term.strip():
            raise ValidationError(f"terms[{i}]", term, "an agreed term must not be empty")


@attrs.frozen(slots=True)
class SignatureInput:
    """One signature, seal or fingerprint as given (第二十九条第二款).

    Attributes:
        capacity: Party, mediator, or committee (the seal).
        signed_at: When.
        party: For a party: the party's id.
        signer: For the mediator or committee: the name as printed.
    """

    capacity: SignerCapacity = field("签署身份")
    signed_at: dt.datetime = field("签署时间")
    party: str | None = field("当事人", default=None)
    signer: str | None = field("签署人", default=None)


@attrs.frozen(slots=True)
class AgreementInput:
    """The items of a mediation agreement as the mediator records them.

    Which of them must be present is :func:`missing_items`' decision.
    """

    form: AgreementForm = field("协议形式", default=AgreementForm.written)
    facts: str = field("纠纷的主要事实", default="")
    disputed_matters: str = field("争议事项", default="")
    responsibilities: str = field("各方当事人的责任", default="")
    terms: tuple[str, ...] = field("协议内容", default=(), validator=_terms)
    performance_manner: str = field("履行方式", default="")
    performance_place: str = field("履行地点", default="")
    performance_deadline: dt.date | None = field("履行期限", default=None)
    signatures: tuple[SignatureInput, ...] = field("签名、盖章", default=())
    number: str | None = field("协议编号", default=None)


def _party_complete(p: Party) -> bool:
    return bool(p.name and (p.identifier or p.address))


def missing_items(agreement: Agreement, parties: Sequence[Party]) -> tuple[RequiredItem, ...]:
    """Required items absent from a written agreement (none for an oral one but its content).

    An oral agreement needs only its content (第二十八条: the mediator records it).
    """
    if agreement.form is AgreementForm.oral:
        return () if agreement.terms else (REQUIRED_ITEMS[4],)
    missing: list[RequiredItem] = []
    for item in REQUIRED_ITEMS:
        if item.field == "parties":
            ok = bool(parties) and all(_party_complete(p) for p in parties)
        else:
            ok = bool(getattr(agreement, item.field))
        if not ok:
            missing.append(item)
    return tuple(missing)


def signature_problem(given: SignatureInput, case: Case, field_name: str = "party") -> Decision:
    """Whether a signature can be on this case's agreement (第二十九条第二款).

    A party's signature names a party of the case who is not an agent; the
    mediator's and the committee's name who signed.
    """
    if given.capacity is SignerCapacity.party:
        ids = {p.id for p in principals(case.parties)}
        if given.party not in ids:
            return refuse_input(
                "sign",
                field_name,
                given.party,
                f"当事人签名须写明本案当事人的编号（{', '.join(sorted(ids))}）",
                "《人民调解法》第二十九条第二款",
            )
    elif not (given.signer and given.signer.strip()):
        return refuse_input(
            "sign", "signer", given.signer, "调解员签名、调解委员会盖章须写明签署人名称"
        )
    return ALLOW


def signature(given: SignatureInput, case: Case) -> Signature:
    """The signature as recorded: a party's printed name is the party's name on the case."""
    if given.capacity is SignerCapacity.party and given.party is not None:
        return Signature(given.capacity, given.signed_at, given.party, case.party(given.party).name)
    return Signature(given.capacity, given.signed_at, None, (given.signer or "").strip())


def build_agreement(given: AgreementInput, case: Case, reached_at: dt.datetime) -> Agreement:
    """The agreement recorded from the mediator's input, reached at ``reached_at``."""
    return Agreement(
        form=given.form,
        reached_at=reached_at,
        facts=given.facts.strip(),
        disputed_matters=given.disputed_matters.strip(),
        responsibilities=given.responsibilities.strip(),
        terms=tuple(t.strip() for t in given.terms),
        performance_manner=given.performance_manner.strip(),
        performance_place=given.performance_place.strip(),
        performance_deadline=given.performance_deadline,
        signatures=tuple(signature(s, case) for s in given.signatures),
        number=given.number or None,
    )


def unsigned(
    agreement: Agreement, parties: Sequence[Party], *, parties_only: bool = False
) -> tuple[str, ...]:
    """Who still has to sign or seal a written agreement (第二十九条第二款).

    Returns the names of the parties who have not signed, then ``"mediator"``
    and ``"committee"`` where missing. With ``parties_only`` (an agreement
    reached in mediation a court delegated before filing, 委派: it takes effect
    on the parties' signatures, 《最高人民法院关于人民法院特邀调解的规定》第二十四条;
    RULES.md §6.6), only the parties who have not signed.
    """
    signed = {s.party for s in agreement.signatures if s.capacity is SignerCapacity.party}
    out = [p.name for p in principals(parties) if p.id not in signed]
    if parties_only:
        return tuple(out)
    capacities = {s.capacity for s in agreement.signatures}
    out += [
        c.value for c in (SignerCapacity.mediator, SignerCapacity.committee) if c not in capacities
    ]
    return tuple(out)


def effective_at(
    agreement: Agreement, parties: Sequence[Party], *, parties_only: bool = False
) -> dt.datetime | None:
    """When the agreement took effect, ``None`` if it has not.

    Written: the day the set is complete — every party has signed, the mediator has
    signed and the committee has sealed (人民调解法 第二十九条第二款): the latest of each
    signer's first signature, so a signature given again later does not move it. Oral:
    when reached (第三十条). With ``parties_only`` (委派: 特邀调解规定 第二十四条), the
    day the last party signed; the mediator's signature and the seal do not count.
    """
    if agreement.form is AgreementForm.oral:
        return agreement.reached_at
    if unsigned(agreement, parties, parties_only=parties_only):
        return None
    first: dict[tuple[SignerCapacity, str | None], dt.datetime] = {}
    for s in agreement.signatures:
        if parties_only and s.capacity is not SignerCapacity.party:
            continue
        who = (s.capacity, s.party if s.capacity is SignerCapacity.party else None)
        if who not in first or s.signed_at < first[who]:
            first[who] = s.signed_at
    return max(first.values())


def copies(case: Case) -> int:
    """Copies of a written agreement: one per party plus one kept (第二十九条第二款)."""
    return len(principals(case.parties)) + 1


def principals(parties: Sequence[Party]) -> tuple[Party, ...]:
    """The parties proper: everyone but agents (an agent signs for a party)."""
    agent = PartyRole.agent
    return tuple([p for p in parties if p.role is not agent])


def principal_problem(
    parties: Sequence[Party], rule: str, field_name: str, party_id: str, basis: str
) -> Decision:
    """``party_id`` names one of the parties proper (not an agent) by id; else refused as
    the input ``field_name``, listing them — e.g. the party who refuses mediation
    (《人民调解法》第十七条、第二十三条)."""
    ids = sorted(p.id for p in principals(parties))
    if party_id in ids:
        return ALLOW
    return refuse_input(
        rule, field_name, party_id, f"a party of the case ({', '.join(ids)})", basis
    )
