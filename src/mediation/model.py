"""Value types of the domain: cases, parties, deadlines, events, actors.

Every type here is an immutable ``attrs`` value, changed with
:func:`attrs.evolve`. This module imports nothing else of ``mediation`` but
the error hierarchy, so rules and tests can use it without a database.

Every enum value is a stable lower-case string (what is stored) and carries a
Chinese ``label`` for display.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Self, TypeVar, cast
from zoneinfo import ZoneInfo

import attrs
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as _StdnumError

from mediation._errors import ValidationError

__all__ = [
    "CHINA_TZ",
    "Actor",
    "Agreement",
    "AgreementForm",
    "Case",
    "CaseKind",
    "Channel",
    "Deadline",
    "DeadlineStatus",
    "Event",
    "LabeledEnum",
    "Party",
    "PartyKind",
    "PartyRole",
    "Place",
    "Risk",
    "Role",
    "Signature",
    "Unit",
    "Visit",
    "aware",
    "replace",
]

CHINA_TZ = ZoneInfo("Asia/Shanghai")
"""The default time zone (China Standard Time, UTC+8, no daylight saving)."""


class LabeledEnum(StrEnum):
    """A ``StrEnum`` whose members carry a Chinese display label.

    Members are declared as ``name = "value", "标签"``; the stored value is the
    first element, the label the second.
    """

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value
        return obj


class CaseKind(LabeledEnum):
    """What kind of matter a case is."""

    dispute = "dispute", "矛盾纠纷"
    petition = "petition", "信访事项"


class Channel(LabeledEnum):
    """How a matter reached the unit (信访工作条例 第十七条 lists the petition channels)."""

    walk_in = "walk_in", "来访"
    letter = "letter", "来信"
    phone = "phone", "来电"
    online = "online", "网上"
    own_initiative = "own_initiative", "主动排查"
    court_referral = "court_referral", "法院委派"
    police_referral = "police_referral", "公安移交"
    petition_referral = "petition_referral", "信访移交"


class PartyKind(LabeledEnum):
    """Natural person or organisation."""

    person = "person", "自然人"
    organisation = "organisation", "法人或其他组织"


class PartyRole(LabeledEnum):
    """A party's role in the case."""

    applicant = "applicant", "申请人"
    respondent = "respondent", "被申请人"
    third_party = "third_party", "第三人"
    agent = "agent", "代理人"


class Risk(LabeledEnum):
    """Risk of escalation (激化风险), 人民调解法 第二十五条."""

    low = "low", "低"
    medium = "medium", "中"
    high = "high", "高"


class Role(LabeledEnum):
    """Roles of the default authorization policy."""

    clerk = "clerk", "登记员"
    mediator = "mediator", "调解员"
    director = "director", "调委会主任"
    leader = "leader", "包案领导"
    court_liaison = "court_liaison", "法院联络员"
    admin = "admin", "系统管理员"


class DeadlineStatus(LabeledEnum):
    """Where a deadline stands. ``running`` and ``paused`` are open; the rest are final."""

    running = "running", "计时中"
    paused = "paused", "已暂停"
    met = "met", "按期完成"
    breached = "breached", "超期"
    cancelled = "cancelled", "已取消"

    @property
    def is_open(self) -> bool:
        """Whether the clock is still open (running or paused)."""
        return self is DeadlineStatus.running or self is DeadlineStatus.paused


class AgreementForm(LabeledEnum):
    """Written or oral agreement, 人民调解法 第二十八条."""

    written = "written", "书面协议"
    oral = "oral", "口头协议"


def aware(value: dt.datetime, field: str) -> dt.datetime:
    """Return ``value`` if it is timezone-aware, else raise.

    Raises:
        ValidationError: ``value`` is naive or not a datetime.
    """
    if not isinstance(value, dt.datetime):
        raise ValidationError(field, value, "must be a timezone-aware datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            field, value, "naive datetimes are refused: attach a time zone (e.g. Asia/Shanghai)"
        )
    return value


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> frozenset[str]:
    return frozenset(str(v) for v in value)


_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{4,19}$")
_DIVISION_CODE = re.compile(r"^[0-9]{12}$")


@attrs.frozen(slots=True)
class Place:
    """One level of a region path (county, town, village, ...).

    Attributes:
        name: Display name, e.g. ``"青田县"``.
        code: The 12-digit statistical division code (统计用区划代码), if known.
    """

    name: str
    code: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.name:
            raise ValidationError("location.name", self.name, "a place needs a name")
        if self.code is not None and not _DIVISION_CODE.match(self.code):
            raise ValidationError(
                "location.code", self.code, "a division code has exactly 12 digits"
            )


@attrs.frozen(slots=True)
class Party:
    """A party to a case: a natural person or an organisation.

    Build with :meth:`person` or :meth:`organisation`, which validate the
    resident ID (GB 11643, python-stdnum ``cn.ric``) or the unified social
    credit code (GB 32100, ``cn.uscc``).
    """

    kind: PartyKind
    name: str
    role: PartyRole
    id_number: str | None = None
    org_code: str | None = None
    phone: str | None = None
    address: str | None = None
    agent_of: str | None = None

    @classmethod
    def person(
        cls,
        name: str,
        *,
        id_number: str | None = None,
        role: PartyRole | str = PartyRole.applicant,
        phone: str | None = None,
        address: str | None = None,
        agent_of: str | None = None,
    ) -> Party:
        """Build a natural person, validating the resident ID's checksum.

        Raises:
            ValidationError: bad name, role, ID number or phone.
        """
        number = None
        if id_number is not None:
            try:
                number = ric.validate(id_number)
            except _StdnumError as exc:
                raise ValidationError(
                    "id_number", id_number, f"not a valid resident ID (GB 11643): {exc}"
                ) from exc
        return cls._build(
            PartyKind.person,
            name,
            role,
            id_number=number,
            phone=phone,
            address=address,
            agent_of=agent_of,
        )

    @classmethod
    def organisation(
        cls,
        name: str,
        *,
        org_code: str | None = None,
        role: PartyRole | str = PartyRole.respondent,
        phone: str | None = None,
        address: str | None = None,
    ) -> Party:
        """Build an organisation, validating the unified social credit code.

        Raises:
            ValidationError: bad name, role, credit code or phone.
        """
        code = None
        if org_code is not None:
            try:
                code = uscc.validate(org_code)
            except _StdnumError as exc:
                raise ValidationError(
                    "org_code",
                    org_code,
                    f"not a valid unified social credit code (GB 32100): {exc}",
                ) from exc
        return cls._build(
            PartyKind.organisation, name, role, org_code=code, phone=phone, address=address
        )

    @classmethod
    def _build(cls, kind: PartyKind, name: str, role: PartyRole | str, **kw: Any) -> Party:
        if not isinstance(name, str) or not name.strip():
            raise ValidationError("name", name, "a party needs a name")
        try:
            role_value = PartyRole(role)
        except ValueError as exc:
            raise ValidationError(
                "role", role, f"unknown role; one of {', '.join(PartyRole)}"
            ) from exc
        phone = kw.get("phone")
        if phone is not None and not _PHONE.match(phone):
            raise ValidationError("phone", phone, "not a phone number")
        if role_value is PartyRole.agent and not kw.get("agent_of"):
            raise ValidationError("agent_of", None, "an agent must name the party represented")
        return cls(kind=kind, name=name.strip(), role=role_value, **kw)

    @property
    def identifier(self) -> str | None:
        """The resident ID or credit code, whichever applies."""
        return self.id_number if self.kind is PartyKind.person else self.org_code


@attrs.frozen(slots=True)
class Signature:
    """One signature, seal or fingerprint on an agreement (人民调解法 第二十九条第二款).

    Attributes:
        signer: Party name, mediator name, or the committee's name.
        capacity: ``"party"``, ``"mediator"`` or ``"committee"`` (the seal).
        signed_at: When it was signed (timezone-aware).
    """

    signer: str
    capacity: str
    signed_at: dt.datetime


@attrs.frozen(slots=True)
class Agreement:
    """The content of a mediation agreement (人民调解法 第二十八至三十条).

    Which items must be present is decided by ``rules`` (the 2002 规定 第三十五条
    list); this type only carries them.
    """

    form: AgreementForm
    reached_at: dt.datetime
    facts: str = ""
    disputed_matters: str = ""
    responsibilities: str = ""
    terms: tuple[str, ...] = ()
    performance_manner: str = ""
    performance_place: str = ""
    performance_deadline: dt.date | None = None
    signatures: tuple[Signature, ...] = ()
    number: str | None = None


@attrs.frozen(slots=True)
class Visit:
    """A callback visit (回访), 人民调解法 第三十一条第二款; 2002 规定 第三十六条.

    Attributes:
        at: When the visit took place.
        visitor: Who visited (mediator's name or id).
        party: Whom they visited.
        performance: How the agreement is being performed (履行情况).
        satisfaction: The party's satisfaction (满意程度).
        recurrence: Signs of renewed conflict, if any.
    """

    at: dt.datetime
    visitor: str
    party: str = ""
    performance: str = ""
    satisfaction: str = ""
    recurrence: str = ""


@attrs.frozen(slots=True)
class Deadline:
    """A statutory or policy clock on a case. Every clock is a row of its own.

    Attributes:
        id: Stable id, unique within the case (``"<period>-<n>"``).
        period: The id of the rule in ``rules.periods`` it follows.
        start: The day the clock starts (excluded from the count).
        due: The last day (after extension, pauses and roll-forward).
        due_at: The instant the period ends (24:00 of ``due`` or close of business).
        status: Running, paused, met, breached or cancelled.
        paused: Time not counted so far, in the period's pause unit.
        paused_since: When the running pause began, if paused.
        extension: Extension granted so far, in the period's unit.
        estimated: True when computed from estimated holiday data.
        closed_at: When it was met, breached or cancelled.
        escalated_at: When supervision (督办) escalated its breach.
    """

    id: str
    period: str
    start: dt.date
    due: dt.date
    due_at: dt.datetime
    status: DeadlineStatus = DeadlineStatus.running
    paused: int = 0
    paused_since: dt.date | None = None
    extension: int = 0
    estimated: bool = False
    closed_at: dt.datetime | None = None
    escalated_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        """Whether the clock still runs (or is paused)."""
        return self.status.is_open


@attrs.frozen(slots=True)
class Unit:
    """An organisational unit: a committee, a town office, a county centre...

    Attributes:
        id: Stable id chosen by the embedder.
        name: Display name, e.g. ``"东门村人民调解委员会"``.
        level: The level name from the level ladder in ``rules`` (e.g. ``"village"``).
        parent: The parent unit's id, ``None`` for a root.
        code_prefix: The abbreviation in case and document codes, e.g. ``"东调"``
            gives ``（2026）东调字第0001号``.
    """

    id: str
    name: str
    level: str
    parent: str | None = None
    code_prefix: str = "调"


@attrs.frozen(slots=True)
class Actor:
    """Who fires a trigger: a user of the embedding system.

    Attributes:
        id: The embedder's user id.
        roles: Role values (see :class:`Role`; embedders may add their own).
        unit: The unit the actor works in; the default policy scopes data to its subtree.
        name: Display name.
    """

    id: str
    roles: frozenset[str] = attrs.field(converter=_strings)
    unit: str | None = None
    name: str = ""

    @classmethod
    def system(cls) -> Actor:
        """The engine itself (scanners, migrations)."""
        return cls(id="system", roles=frozenset({Role.admin.value}), name="系统")


def _amount(value: Decimal | int | str | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):
        raise ValidationError("amount", value, "give amounts as Decimal or str, not float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValidationError("amount", value, "not a decimal amount in yuan") from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError("amount", value, "an amount in yuan is finite and >= 0")
    return amount


@attrs.frozen(slots=True)
class Case:
    """A dispute or petition and everything the engine knows of it.

    Change a case only through the engine (``Engine.fire``); a ``Case`` in
    hand is a snapshot at ``version``. ``version`` equals the number of audit
    events, and ``head`` is the hash of the latest one. ``documents`` holds the
    (kind, number) of every document issued with a number.
    """

    id: str
    code: str
    kind: CaseKind
    workflow: str
    workflow_version: int
    state: str
    category: str
    summary: str
    channel: Channel
    received_at: dt.datetime
    unit: str
    parties: tuple[Party, ...] = attrs.field(converter=_tuple)
    claims: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    amount: Decimal | None = attrs.field(default=None, converter=_amount)
    location: tuple[Place, ...] = attrs.field(default=(), converter=_tuple)
    level: str | None = None
    track: str | None = None
    assignees: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    risk: Risk = Risk.low
    flags: frozenset[str] = attrs.field(default=frozenset(), converter=_strings)
    deadlines: tuple[Deadline, ...] = attrs.field(default=(), converter=_tuple)
    agreement: Agreement | None = None
    visits: tuple[Visit, ...] = attrs.field(default=(), converter=_tuple)
    documents: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_tuple)
    outcome: str | None = None
    links: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    version: int = 1
    head: str = ""

    @property
    def open_deadlines(self) -> tuple[Deadline, ...]:
        """The deadlines still running or paused."""
        return tuple(d for d in self.deadlines if d.status.is_open)

    def deadline(self, deadline_id: str) -> Deadline:
        """Return the deadline with this id.

        Raises:
            ValidationError: no such deadline on the case.
        """
        for d in self.deadlines:
            if d.id == deadline_id:
                return d
        raise ValidationError("deadline", deadline_id, "no such deadline on this case")

    def document_number(self, kind: str) -> str | None:
        """The number a document of ``kind`` was issued under, if any."""
        return next((n for k, n in self.documents if k == kind), None)

    def parties_in(self, role: PartyRole) -> tuple[Party, ...]:
        """The parties in ``role``."""
        return tuple(p for p in self.parties if p.role is role)


@attrs.frozen(slots=True)
class Event:
    """One entry of a case's audit log, hash-chained to the entry before it.

    Attributes:
        case_id: The case.
        seq: 1 for intake, then 2, 3, ... with no gap.
        trigger: The trigger fired (``"intake"`` for the first event).
        actor: The actor's id.
        at: Business time of the step (timezone-aware).
        source: State before.
        dest: State after.
        data: The inputs of the step, JSON-compatible.
        prev_hash: The previous event's hash (``""`` for intake).
        hash: sha256 over the canonical event and ``prev_hash``.
    """

    case_id: str
    seq: int
    trigger: str
    actor: str
    at: dt.datetime
    source: str
    dest: str
    data: Mapping[str, Any]
    prev_hash: str
    hash: str


_FIELDS: dict[type, tuple[str, ...]] = {}
_T = TypeVar("_T")


def replace(inst: _T, **changes: Any) -> _T:
    """Copy a frozen value with some fields changed, without re-running converters.

    The fast twin of :func:`attrs.evolve` for the engine's hot path: the new
    values must already be in canonical form (tuples, not lists; enums, not
    strings), since nothing converts them.

    Raises:
        TypeError: a name that is not a field.
    """
    cls = type(inst)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(a.name for a in attrs.fields(cast(Any, cls)))
    new = object.__new__(cls)
    put = object.__setattr__
    for name in names:
        put(new, name, changes.pop(name) if name in changes else getattr(inst, name))
    if changes:
        raise TypeError(f"{cls.__name__} has no fields {sorted(changes)}")
    return new
