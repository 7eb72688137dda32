"""Facts every document prints: dates in Chinese, parties, the case, the unit.

Templates receive plain data only (``str``, ``int``, ``bool``, ``None``, lists
and dicts of them): every value is formatted here, so templates never query
anything and cannot reach a live object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from mediation._errors import DefinitionError, ValidationError
from mediation.documents._registry import Source, Spec
from mediation.model import (
    CHINA_TZ,
    Case,
    Deadline,
    Party,
    PartyKind,
    PartyRole,
    check_day,
    check_instant,
    check_text,
)
from mediation.rules.clockbook import ClockBook
from mediation.rules.dispute import Satisfaction
from mediation.rules.intake import birth_date
from mediation.rules.masking import MaskingPolicy, mask_id, mask_phone, mask_text
from mediation.rules.policy import Policy

__all__ = [
    "base_context",
    "cn_date",
    "cn_datetime",
    "cn_number",
    "default_clock_rule",
    "default_today",
    "display_name",
    "local_date",
    "mediator_names",
    "party_facts",
    "party_lists",
    "plain",
]

_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Write ``n`` (0-99) in Chinese numerals, as in "一式四份"; larger numbers in digits."""
    if not 0 <= n < 100:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def local_date(value: dt.datetime) -> dt.date:
    """The calendar date of ``value`` in China Standard Time."""
    return value.astimezone(CHINA_TZ).date()


def cn_date(value: dt.date | dt.datetime | None) -> str:
    """``2026年3月6日`` (``""`` for ``None``)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_date(value)
    return f"{value.year}年{value.month}月{value.day}日"


ESTIMATED_NOTE = "（暂定：该年度节假日安排尚未公布）"
"""Printed after a provisional due date: computed before its year's official holiday
notice, by the statutory holidays alone (rules.calendar)."""


def due_text(deadline: Deadline) -> str:
    """A clock's last day in Chinese, flagged when it is provisional."""
    return cn_date(deadline.due) + (ESTIMATED_NOTE if deadline.estimated else "")


def cn_datetime(value: dt.datetime | None) -> str:
    """``2026年3月6日16时30分`` in China Standard Time (``""`` for ``None``)."""
    if value is None:
        return ""
    local = value.astimezone(CHINA_TZ)
    return f"{cn_date(local.date())}{local.hour}时{local.minute:02d}分"


def default_clock_rule(definition: Any, policy: Policy) -> Any:
    """The rule behind a deadline of ``definition``'s cases under ``policy`` (no engine at hand).

    Returns ``period id -> rule``; raises ``DefinitionError`` for an unknown id.
    """
    book = ClockBook(policy)
    for clock in definition.clocks:
        book.add(clock)
    return book.rule


def default_today(case: Case, history: Iterable[Any]) -> dt.date:
    """The render date when none is given: the latest event's date, else the case's latest fact."""
    moments = [e.at for e in history]
    if not moments:
        moments.append(case.received_at)
        moments.extend(d.closed_at for d in case.deadlines if d.closed_at is not None)
        moments.extend(_instants(case.details))
    return local_date(max(moments))


def _instants(value: Any, depth: int = 0) -> list[dt.datetime]:
    """Every datetime inside a details value (agreement, signatures, visits...)."""
    if isinstance(value, dt.datetime):
        return [value]
    if depth > 6 or value is None or isinstance(value, str | bytes):
        return []
    if isinstance(value, tuple | list):
        return [m for v in value for m in _instants(v, depth + 1)]
    slots = getattr(type(value), "__attrs_attrs__", None)
    if slots is None:
        return []
    return [m for a in slots for m in _instants(getattr(value, a.name), depth + 1)]


def display_name(src: Source, actor_id: str) -> str:
    """An actor's display name from ``extra["names"]`` (the id itself if not given)."""
    names = src.extra.get("names")
    if isinstance(names, Mapping):
        name = names.get(actor_id)
        if isinstance(name, str) and name:
            return name
    return actor_id


def mediator_names(src: Source, signers: Iterable[str] = ()) -> list[str]:
    """The mediators: those who signed as mediators, else the assignees' display names."""
    signed = list(dict.fromkeys(signers))
    return signed or [display_name(src, a) for a in src.case.assignees]


def _birth_and_gender(id_number: str | None) -> tuple[dt.date | None, str]:
    birth = birth_date(id_number)
    if birth is None or id_number is None:
        return None, ""
    return birth, ("男" if int(id_number[16]) % 2 else "女")


def party_facts(
    p: Party,
    on: dt.date,
    agents: Iterable[Party] = (),
    names: Mapping[str, str] | None = None,
    *,
    masked: bool = False,
) -> dict[str, Any]:
    """A party as the forms print it; gender and age are read from the resident ID (GB 11643).

    ``names`` maps party ids to names, so an agent prints whom it represents.
    ``masked``: the resident ID and the phone number print masked
    (:mod:`mediation.rules.masking`; an organisation's credit code is not
    personal information and prints in full).
    """
    birth, gender = _birth_and_gender(p.id_number)
    age = None
    if birth is not None:
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    person = p.kind is PartyKind.person
    identifier = p.identifier or ""
    phone = p.phone or ""
    if masked:
        identifier = mask_id(identifier) if person else identifier
        phone = mask_phone(phone)
    return {
        "name": p.name,
        "role": p.role.value,
        "role_label": p.role.label,
        "kind_label": p.kind.label,
        "is_person": person,
        "identifier": identifier,
        "identifier_label": "公民身份号码" if person else "统一社会信用代码",
        "gender": gender,
        "birth": cn_date(birth),
        "age": age,
        "phone": phone,
        "address": p.address or "",
        "address_label": "住址" if person else "住所",
        "agent_of": (names or {}).get(p.agent_of or "", p.agent_of or ""),
        "agents": [a.name for a in agents if a.agent_of == p.id],
        "agents_label": _agency(age),
    }


def _agency(age: int | None) -> str:
    """What a party's agent is to them: a minor's (under 18) is the guardian, the 法定代理人
    (《民法典》第二十三条: the guardian of a person of no or limited capacity is their
    法定代理人; 第十七条、第十九条); anyone else's acts on the party's entrustment, a
    委托代理人 (第一百六十三条). The engine takes a minor's agent as the guardian (治安调解,
    程序规定 第一百八十一条)."""
    return "法定代理人" if age is not None and age < 18 else "委托代理人"


def _label(mapping: Mapping[str, Any], key: str | None) -> str:
    if key is None:
        return ""
    found = mapping.get(key)
    return str(found.label) if found is not None else key


def base_context(src: Source, spec: Spec) -> dict[str, Any]:
    """The part of every context that does not depend on the kind.

    Keys: ``doc``, ``case``, ``unit``, ``parties`` (principals), ``applicants``,
    ``respondents``, ``third_parties``, ``agents``, ``mediators``, ``extra``.
    Labels come from the case's own workflow (states) and the policy
    (categories, channels, levels); the workflow's ``facts`` add what its
    details hold to ``case``, and may name ``mediator_signers`` (who signed as
    mediators) and ``committee_seal`` (the committee that sealed), which the
    forms print when no unit is given.

    Resident ID and phone numbers print masked, and so do any written into the
    summary or the claims, unless the policy's :class:`MaskingPolicy` names
    the kind among those that need them in full (issue 9 §5;
    《个人信息保护法》第五十一条).
    """
    case = src.case
    definition = src.definition
    policy = src.policy
    on = src.today
    masked = not policy.part(MaskingPolicy).full(spec.info.kind)
    text = mask_text if masked else _same
    people = party_lists(src, spec.info.kind, on)
    level = case.level or ""
    unit = src.unit
    category = policy.categories.get(case.category)
    facts = {
        "id": case.id,
        "code": case.code,
        "kind": case.kind,
        "kind_label": definition.label,
        "workflow_label": definition.label,
        "category": case.category,
        "category_label": category.label if category is not None else case.category,
        "summary": text(case.summary),
        "channel": case.channel,
        "channel_label": policy.channels.label(case.channel),
        "received_at": cn_datetime(case.received_at),
        "received_date": cn_date(case.received_at),
        "state": case.state,
        "state_label": definition.label_of(case.state),
        "claims": [text(c) for c in case.claims],
        "amount": _amount(case.amount),
        "location": "".join(p.name for p in case.location),
        "level_label": policy.ladder.label(level) if level in policy.ladder else level,
        "risk_label": case.risk.label,
        "outcome": case.outcome or "",
    }
    if definition.facts is not None:
        facts.update(definition.facts(case, policy))
    signers = facts.pop("mediator_signers", ())
    seal = facts.pop("committee_seal", "")
    committee = unit.name if unit is not None else (seal or case.unit)
    return {
        "doc": {
            "kind": spec.info.kind,
            "title": spec.info.title,
            "basis": spec.info.basis,
            "number": src.number or "",
            "date": cn_date(on),
            "date_iso": on.isoformat(),
        },
        "case": facts,
        "unit": {
            "id": unit.id if unit is not None else case.unit,
            "name": committee,
            "level": unit.level if unit is not None else "",
        },
        **people,
        "mediators": mediator_names(src, signers),
        "extra": plain(src.extra, "extra"),
    }


def party_lists(src: Source, kind: str, on: dt.date) -> dict[str, Any]:
    """The parties as a form of ``kind`` prints them, their ages as of ``on``: ``parties``
    (principals), ``applicants``, ``respondents``, ``third_parties``, ``agents`` (each with
    its ``agency``, 法定代理人 or 委托代理人), and ``agents_label`` (what they are together:
    either of those, or 代理人 when they differ).

    A form prints the facts of its own day: every form of :func:`base_context` as of its
    render date; the 受理登记表 as of the registration (a party who turned 61 since is
    registered at 60)."""
    case = src.case
    masked = not src.policy.part(MaskingPolicy).full(kind)
    agents = case.parties_in(PartyRole.agent)
    principals = case.principals
    parties = [party_facts(p, on, agents, masked=masked) for p in principals]
    names = {q.id: q.name for q in case.parties}
    agency = {p.id: facts["agents_label"] for p, facts in zip(principals, parties, strict=True)}
    agent_facts = [
        {
            **party_facts(a, on, names=names, masked=masked),
            "agency": agency.get(a.agent_of or "", _agency(None)),
        }
        for a in agents
    ]
    kinds = {a["agency"] for a in agent_facts}
    return {
        "parties": parties,
        "applicants": [p for p in parties if p["role"] == PartyRole.applicant.value],
        "respondents": [p for p in parties if p["role"] == PartyRole.respondent.value],
        "third_parties": [p for p in parties if p["role"] == PartyRole.third_party.value],
        "agents": agent_facts,
        "agents_label": kinds.pop() if len(kinds) == 1 else "代理人",
    }


def _same(text: str) -> str:
    return text


def _amount(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return f"人民币{amount:f}元"


MAX_DEPTH = 12
"""Template data nests at most this deep (a form needs two or three levels)."""

MAX_EXTRA_TEXT = 10_000
"""A text the caller passes in ``extra`` (a place, a name, a file number) is at most this long."""

_MAX_NUMBER = 10**15


def plain(value: Any, field: str, depth: int = 0) -> Any:
    """Copy ``value`` as plain template data, refusing anything else.

    Text must be storable and printable as given (no control or direction
    characters, no lone surrogates); whole numbers stay below 10^15 and
    dates within the business years; nesting stops at :data:`MAX_DEPTH`
    (which also ends a structure that contains itself).

    Raises:
        ValidationError: ``value`` (caller data under ``field``) holds a non-plain object.
    """
    if depth > MAX_DEPTH:
        raise ValidationError(field, "…", f"template data nests at most {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if len(value) > MAX_EXTRA_TEXT and field.startswith("extra"):
            raise ValidationError(
                field, value[:40], f"caller text is at most {MAX_EXTRA_TEXT} characters"
            )
        return check_text(field, value)
    if isinstance(value, int):
        if abs(value) >= _MAX_NUMBER:
            raise ValidationError(field, "…", "whole numbers in template data are below 10^15")
        return value
    if isinstance(value, float):
        if value != value or abs(value) >= _MAX_NUMBER:
            raise ValidationError(field, value, "a finite number below 10^15")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value) >= _MAX_NUMBER:
            raise ValidationError(field, value, "a finite amount below 10^15")
        return f"{value:f}"
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise ValidationError(field, value, "a timezone-aware datetime")
        return cn_datetime(check_instant(field, value))
    if isinstance(value, dt.date):
        return cn_date(check_day(field, value))
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError(field, key, "template data keys are strings")
            check_text(field, key)
            out[key] = plain(item, f"{field}.{key}", depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [plain(item, f"{field}[{i}]", depth + 1) for i, item in enumerate(value)]
    raise ValidationError(
        field, value, "template data is plain text, numbers, dates, lists and mappings"
    )


def check_builder_output(kind: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a builder's output as plain data (a builder bug is a definition error)."""
    try:
        return dict(plain(context, kind))
    except ValidationError as exc:
        raise DefinitionError(
            f"context builder of {kind!r} returned non-plain data: {exc}"
        ) from exc


def satisfaction_label(value: str) -> str:
    """The Chinese label of a recorded satisfaction (free text from version 1 as written)."""
    try:
        return Satisfaction(value).label
    except ValueError:
        return value
