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
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.model import Agreement, AgreementForm, Case, Party, PartyRole, Signature

__all__ = [
    "REQUIRED_ITEMS",
    "RequiredItem",
    "copies",
    "effective_at",
    "missing_items",
    "parse_agreement",
    "parse_signature",
    "principals",
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


def _party_complete(p: Party) -> bool:
    return bool(p.name and (p.identifier or p.address))


def missing_items(agreement: Agreement, parties: Sequence[Party]) -> tuple[RequiredItem, ...]:
    """Required items absent from a written agreement (none for an oral one).

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


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"agreement.{key}", value, "must be text")
    return value.strip()


def _datetime(value: Any, field: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        out = value
    else:
        try:
            out = dt.datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationError(field, value, "not an ISO date-time") from exc
    if out.tzinfo is None:
        raise ValidationError(field, value, "naive datetimes are refused")
    return out


def parse_agreement(data: Mapping[str, Any], *, reached_at: dt.datetime) -> Agreement:
    """Build an :class:`Agreement` from a trigger's normalised ``agreement`` input.

    Raises:
        ValidationError: a field has the wrong type (the field is named).
    """
    if not isinstance(data, Mapping):
        raise ValidationError("agreement", data, "must be a mapping of agreement items")
    try:
        form = AgreementForm(data.get("form", "written"))
    except ValueError as exc:
        raise ValidationError("agreement.form", data.get("form"), "written or oral") from exc
    terms = data.get("terms", ())
    if isinstance(terms, str) or not all(isinstance(t, str) and t.strip() for t in terms):
        raise ValidationError("agreement.terms", terms, "a list of non-empty agreed terms")
    deadline_raw = data.get("performance_deadline")
    deadline = None
    if deadline_raw:
        try:
            deadline = dt.date.fromisoformat(str(deadline_raw))
        except ValueError as exc:
            raise ValidationError(
                "agreement.performance_deadline", deadline_raw, "not an ISO date"
            ) from exc
    sigs = tuple(_signature(s, i) for i, s in enumerate(data.get("signatures", ())))
    return Agreement(
        form=form,
        reached_at=reached_at,
        facts=_text(data, "facts"),
        disputed_matters=_text(data, "disputed_matters"),
        responsibilities=_text(data, "responsibilities"),
        terms=tuple(t.strip() for t in terms),
        performance_manner=_text(data, "performance_manner"),
        performance_place=_text(data, "performance_place"),
        performance_deadline=deadline,
        signatures=sigs,
        number=data.get("number") or None,
    )


_CAPACITIES = ("party", "mediator", "committee")


def _signature(raw: Any, index: int) -> Signature:
    field = f"agreement.signatures[{index}]"
    if not isinstance(raw, Mapping):
        raise ValidationError(field, raw, "a signature is a mapping of signer, capacity, signed_at")
    return parse_signature(raw, field)


def parse_signature(raw: Mapping[str, Any], field: str = "signature") -> Signature:
    """Build a :class:`Signature` from normalised input.

    Raises:
        ValidationError: missing signer, unknown capacity, naive time.
    """
    signer = raw.get("signer")
    if not isinstance(signer, str) or not signer.strip():
        raise ValidationError(f"{field}.signer", signer, "who signed, sealed or fingerprinted")
    capacity = raw.get("capacity")
    if capacity not in _CAPACITIES:
        raise ValidationError(f"{field}.capacity", capacity, f"one of {', '.join(_CAPACITIES)}")
    return Signature(
        signer=signer.strip(),
        capacity=str(capacity),
        signed_at=_datetime(raw.get("signed_at"), f"{field}.signed_at"),
    )


def unsigned(agreement: Agreement, parties: Sequence[Party]) -> tuple[str, ...]:
    """Who still has to sign or seal a written agreement (第二十九条第二款).

    Returns party names, then ``"mediator"`` and ``"committee"`` where missing.
    """
    signed_parties = {s.signer for s in agreement.signatures if s.capacity == "party"}
    out = [p.name for p in principals(parties) if p.name not in signed_parties]
    capacities = {s.capacity for s in agreement.signatures}
    out += [c for c in ("mediator", "committee") if c not in capacities]
    return tuple(out)


def effective_at(agreement: Agreement, parties: Sequence[Party]) -> dt.datetime | None:
    """When the agreement took effect, ``None`` if it has not.

    Written: the latest of every party's signature, the mediator's signature
    and the committee seal (人民调解法 第二十九条第二款). Oral: when reached (第三十条).
    """
    if agreement.form is AgreementForm.oral:
        return agreement.reached_at
    if unsigned(agreement, parties):
        return None
    return max(s.signed_at for s in agreement.signatures)


def copies(case: Case) -> int:
    """Copies of a written agreement: one per party plus one kept (第二十九条第二款)."""
    return len(principals(case.parties)) + 1


def principals(parties: Sequence[Party]) -> tuple[Party, ...]:
    """The parties proper: everyone but agents (an agent signs for a party)."""
    return tuple(p for p in parties if p.role is not PartyRole.agent)
