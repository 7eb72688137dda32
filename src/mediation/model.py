"""Value types of the domain: cases, parties, deadlines, events, actors.

Every type here is an immutable ``attrs`` value, changed with :func:`evolve`
(:func:`attrs.evolve`'s semantics: the validators run again). This module imports
nothing else of ``mediation`` but the error hierarchy, so rules and tests can
use it without a database.

A :class:`Case` is a generic core that every workflow shares (id, code,
workflow, state, owning unit, parties with stable ids, clocks, links, flags,
overlays, version) plus a frozen ``details`` value whose type the case's
workflow declares. Nothing here knows any particular workflow.

Every enum value is a stable lower-case string (what is stored) and carries a
Chinese ``label`` for display.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Self, TypeVar, cast
from zoneinfo import ZoneInfo

import attrs
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as _StdnumError

from mediation._errors import ValidationError

__all__ = [
    "CHINA_TZ",
    "IDENTITY",
    "Actor",
    "Agreement",
    "AgreementForm",
    "Case",
    "CaseKind",
    "Channel",
    "ClockKind",
    "Deadline",
    "DeadlineStatus",
    "Event",
    "Intake",
    "IssuedDocument",
    "LabeledEnum",
    "Link",
    "LinkKind",
    "OrgEvent",
    "Overlays",
    "Party",
    "PartyKind",
    "PartyRole",
    "Pause",
    "Place",
    "RelatedCase",
    "Risk",
    "Role",
    "Signature",
    "SignerCapacity",
    "Unit",
    "Visit",
    "aware",
    "evolve",
]

CHINA_TZ = ZoneInfo("Asia/Shanghai")
"""The default time zone (China Standard Time, UTC+8, no daylight saving)."""


class LabeledEnum(StrEnum):
    """A ``StrEnum`` whose members carry a Chinese display label.

    Members are declared as ``name = "value", "标签"``; the stored value is the
    first element, the label the second. This is the one enum style of the
    library: states, triggers, roles, vocabularies.
    """

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value
        return obj


class CaseKind(LabeledEnum):
    """The kinds of matter the built-in workflows handle (embedders may add their own kinds)."""

    dispute = "dispute", "矛盾纠纷"
    petition = "petition", "信访事项"


class Channel(LabeledEnum):
    """How a matter reached the unit (信访工作条例 第十七条 lists the petition channels).

    The default vocabulary of ``Policy.channels``.
    """

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
    """Roles of the default authorization policy (embedders may declare their own enum)."""

    clerk = "clerk", "登记员"
    mediator = "mediator", "调解员"
    director = "director", "调委会主任"
    leader = "leader", "包案领导"
    court_liaison = "court_liaison", "法院联络员"
    admin = "admin", "系统管理员"


class ClockKind(LabeledEnum):
    """Whose period a clock is, and so what passing it means.

    Only the owning unit's own clocks (``duty`` and ``target``) count for or
    against it; only a ``duty`` clock is supervised (督办) when breached. A
    parties' period (申请司法确认, 复查/复核 requests, performance) is shown
    and reminded, and lapses rather than breaches; a court's or another
    organ's period is tracked for the parties.
    """

    duty = "duty", "法定期限"
    target = "target", "一般期限"
    party = "party", "当事人期间"
    external = "external", "他机关期限"

    @property
    def is_own(self) -> bool:
        """The owning unit's own clock (a hard limit or a target)."""
        return self in _OWN_KINDS


_OWN_KINDS = frozenset({ClockKind.duty, ClockKind.target})


class DeadlineStatus(LabeledEnum):
    """Where a deadline stands. ``running`` and ``paused`` are open; the rest are final."""

    running = "running", "计时中"
    paused = "paused", "已暂停"
    met = "met", "按期完成"
    breached = "breached", "超期"
    lapsed = "lapsed", "期间届满"
    cancelled = "cancelled", "已取消"

    @property
    def is_open(self) -> bool:
        """Whether the clock is still open (running or paused)."""
        return self in _OPEN_STATUSES


_OPEN_STATUSES = frozenset({DeadlineStatus.running, DeadlineStatus.paused})


class AgreementForm(LabeledEnum):
    """Written or oral agreement, 人民调解法 第二十八条."""

    written = "written", "书面协议"
    oral = "oral", "口头协议"


class SignerCapacity(LabeledEnum):
    """In what capacity an agreement is signed (人民调解法 第二十九条第二款)."""

    party = "party", "当事人"
    mediator = "mediator", "调解员"
    committee = "committee", "人民调解委员会（盖章）"


class LinkKind(LabeledEnum):
    """How two cases are related."""

    related = "related", "关联案件"
    repeat_of = "repeat_of", "重复事项"
    split_from = "split_from", "拆分自"
    handed_off_to = "handed_off_to", "移交至"
    handed_off_from = "handed_off_from", "移交自"


# -- copies -----------------------------------------------------------------------

_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)


@attrs.frozen(slots=True)
class _Copier:
    """How to rebuild one class: its init fields' values in order, and where each name sits;
    or, for a class copied slot by slot, the function that does it (see :func:`_slot_copy`)."""

    values: Callable[[Any], tuple[Any, ...]]
    index: Mapping[str, int]
    positional: bool
    copy: Callable[[Any, dict[str, Any]], Any] | None


_COPIERS: dict[type, _Copier] = {}


def _copier(cls: Any) -> _Copier:
    fields = [a for a in attrs.fields(cls) if a.init]
    getter = operator.attrgetter(*(a.name for a in fields))
    values: Callable[[Any], tuple[Any, ...]] = getter
    if len(fields) == 1:
        values = lambda obj: (getter(obj),)  # noqa: E731 - attrgetter of one name gives no tuple
    index = {str(a.alias): i for i, a in enumerate(fields)}
    copier = _COPIERS[cls] = _Copier(
        values, index, not any(a.kw_only for a in fields), _slot_copy(cls, fields)
    )
    return copier


def _twin(cls: Any, fields: list[Any]) -> type | None:
    """A mutable class with the slots of ``cls``, a frozen slotted class with nothing to run
    on its fields (no converter, validator or pre- or post-init) whose slots are exactly its
    init fields, if it can have one; else ``None``.

    A frozen class sets each slot through ``object.__setattr__``, a call per field. A value
    is made instead as an instance of the twin, whose slots are stored directly, which then
    becomes an instance of ``cls`` (``__class__`` assignment between classes of one layout).
    A class with a ``__weakref__`` slot never has the twin's layout (CPython places it after
    the fields), nor does one with a base other than ``object``: those are made through
    their constructor.
    """
    slots = cls.__dict__.get("__slots__")
    names = [a.name for a in fields]
    if (
        cls.__bases__ != (object,)
        or slots is None
        or set(slots) != set(names)
        or any(a.alias != a.name for a in fields)
        or any(a.converter is not None or a.validator is not None for a in fields)
        or hasattr(cls, "__attrs_post_init__")
        or hasattr(cls, "__attrs_pre_init__")
    ):
        return None
    twin = type(f"_{cls.__name__}Copy", (), {"__slots__": tuple(slots)})
    try:
        probe: Any = object.__new__(twin)
        for name in names:
            setattr(probe, name, None)
        probe.__class__ = cls
    except TypeError:
        return None
    return twin


def _slot_copy(cls: Any, fields: list[Any]) -> Callable[[Any, dict[str, Any]], Any] | None:
    """``copy(inst, changes)`` for a class with a twin (:func:`_twin`), else ``None``."""
    twin = _twin(cls, fields)
    if twin is None:
        return None
    names = [a.name for a in fields]
    body = "".join(f"    o.{n} = inst.{n}\n" for n in names)
    code = (
        f"def copy(inst, changes):\n    o = new(twin)\n{body}"
        "    for name, value in changes.items():\n"
        "        if name not in fields:\n"
        "            raise TypeError(f'{cls.__name__} has no field {name!r}')\n"
        "        setattr(o, name, value)\n"
        "    o.__class__ = cls\n    return o\n"
    )
    scope: dict[str, Any] = {
        "new": object.__new__,
        "twin": twin,
        "cls": cls,
        "fields": frozenset(names),
    }
    exec(code, scope)  # generated from the class's own field names, as attrs does
    copy: Callable[[Any, dict[str, Any]], Any] = scope["copy"]
    return copy


def maker(cls: Callable[..., _T]) -> Callable[..., _T]:
    """The constructor of the frozen value class ``cls``, made as :func:`evolve` copies: the
    same arguments (by position or by name, with the same defaults) give an equal value.

    For the values the engine makes on every step (an :class:`Event`, a :class:`Deadline`);
    a class without a twin (:func:`_twin`) gets its own constructor back.
    """
    fields = [a for a in attrs.fields(cast(Any, cls)) if a.init]
    twin = None if any(a.kw_only for a in fields) else _twin(cls, fields)
    if twin is None or len(fields) != len(attrs.fields(cast(Any, cls))):
        return cls
    scope: dict[str, Any] = {"new": object.__new__, "twin": twin, "cls": cls, "_unset": _UNSET}
    params: list[str] = []
    body: list[str] = []
    for i, a in enumerate(fields):
        if a.default is attrs.NOTHING:
            params.append(a.name)
        elif isinstance(a.default, attrs.Factory) and not a.default.takes_self:  # type: ignore[arg-type]
            scope[f"factory{i}"] = a.default.factory
            params.append(f"{a.name}=_unset")
            body.append(f"    if {a.name} is _unset:\n        {a.name} = factory{i}()\n")
        elif isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            return cls
        else:
            scope[f"default{i}"] = a.default
            params.append(f"{a.name}=default{i}")
    stores = "".join(f"    o.{a.name} = {a.name}\n" for a in fields)
    code = (
        f"def make({', '.join(params)}):\n{''.join(body)}    o = new(twin)\n{stores}"
        "    o.__class__ = cls\n    return o\n"
    )
    exec(code, scope)  # generated from the class's own field names, as attrs does
    make: Callable[..., _T] = scope["make"]
    return make


_UNSET: Any = object()


def evolve(inst: _T, **changes: Any) -> _T:
    """A copy of the frozen value ``inst`` with ``changes``: the one way values are changed.

    The semantics of :func:`attrs.evolve` — the class is constructed anew, so
    every converter and validator runs on every field — with the fields read
    once per class and passed by position (the engine copies a case several
    times per step; :func:`attrs.evolve` walks the field list and passes
    every field by keyword each time, which cost more than the rest of a step).
    A class with nothing to run on its fields, declared without a ``__weakref__``
    slot (``Case``, ``Deadline``), is copied slot by slot instead: see :func:`_slot_copy`.

    Raises:
        TypeError: a name that is not a field.
    """
    cls: Any = type(inst)
    copier = _COPIERS.get(cls) or _copier(cls)
    if copier.copy is not None:
        return copier.copy(inst, changes)  # type: ignore[no-any-return]
    values = list(copier.values(inst))
    index = copier.index
    for name, value in changes.items():
        at = index.get(name)
        if at is None:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        values[at] = value
    if copier.positional:
        return cls(*values)  # type: ignore[no-any-return]
    return cls(**dict(zip(index, values, strict=True)))  # type: ignore[no-any-return]


# -- validation helpers -----------------------------------------------------------


FIRST_YEAR, LAST_YEAR = 1900, 2199
"""Business dates lie in these years: anything else is a typo, and near the ends of
the calendar (year 1, 9999) date arithmetic would overflow."""

_REFUSED_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufeff\ufff9-\ufffb]"
)
MAX_TEXT = 100_000
"""The longest text any field takes (characters)."""


def check_text(field: str, value: str) -> str:
    """Return ``value`` if it is text that can be stored, hashed and printed as given.

    Refused: control characters (tab, newline and carriage return are text),
    bidirectional overrides and isolates (which make printed text read
    otherwise than stored), lone surrogates (which cannot be encoded), and
    more than :data:`MAX_TEXT` characters.

    Raises:
        ValidationError: naming ``field``.
    """
    if len(value) > MAX_TEXT:
        raise ValidationError(field, value[:40], f"longer than {MAX_TEXT} characters")
    found = _REFUSED_CHARS.search(value)
    if found is not None:
        raise ValidationError(
            field,
            value[:40],
            f"contains the control or direction character U+{ord(found.group()):04X}",
        )
    return value


def check_instant(field: str, value: dt.datetime) -> dt.datetime:
    """Return an aware datetime in the business years, else raise (naming ``field``)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            field, value, "naive datetimes are refused: attach a time zone (e.g. Asia/Shanghai)"
        )
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(field, value, f"a time between {FIRST_YEAR} and {LAST_YEAR}")
    return value


def check_day(field: str, value: dt.date) -> dt.date:
    """Return a date in the business years, else raise (naming ``field``)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(field, value, f"a date between {FIRST_YEAR} and {LAST_YEAR}")
    return value


def aware(value: dt.datetime, field: str) -> dt.datetime:
    """Return ``value`` if it is a timezone-aware datetime in the business years, else raise.

    Raises:
        ValidationError: ``value`` is naive, not a datetime, or out of range.
    """
    if not isinstance(value, dt.datetime):
        raise ValidationError(field, value, "must be a timezone-aware datetime")
    return check_instant(field, value)


def _enum(enum_type: type[StrEnum], field: str) -> Any:
    def convert(value: Any) -> Any:
        if isinstance(value, enum_type):
            return value
        try:
            return enum_type(value)
        except Exception:  # also a value whose repr fails inside the enum's own error
            raise ValidationError(
                field, value, f"one of {', '.join(m.value for m in enum_type)}"
            ) from None

    return convert


def parse_enum(enum_type: type[_E], field: str, value: Any) -> _E:
    """``value`` as a member of ``enum_type``, else :class:`ValidationError` naming ``field``."""
    result: _E = _enum(enum_type, field)(value)
    return result


def _text(field: str, *, required: bool = True) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str):
            raise ValidationError(field, value, "must be text")
        if required and not value.strip():
            raise ValidationError(field, value, "must not be empty")
        check_text(field, value)

    return check


def _strings(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError("roles", value, "a set of role names, not one string")
    for role in value:
        if not isinstance(role, str) or not role:
            raise ValidationError("roles", role, "a role name is non-empty text")
        check_text("roles", role)
    return frozenset(value)


def _flag(field: str) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        if type(value) is not bool:
            raise ValidationError(field, value, "true or false")

    return check


_PHONE = re.compile(r"\+?[0-9][0-9\- ]{4,19}")
_DIVISION_CODE = re.compile(r"[0-9]{12}")


@attrs.frozen(slots=True)
class Place:
    """One level of a region path (county, town, village, ...).

    Attributes:
        name: Display name, e.g. ``"青田县"``.
        code: The 12-digit statistical division code (统计用区划代码), if known.
    """

    name: str = attrs.field(validator=_text("location.name"))
    code: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.code is not None and not (
            isinstance(self.code, str) and _DIVISION_CODE.fullmatch(self.code)
        ):
            raise ValidationError(
                "location.code", self.code, "a division code has exactly 12 digits"
            )


def _resident_id(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("id_number", value, "a resident ID is text")
    try:
        return str(ric.validate(value))
    except _StdnumError as exc:
        raise ValidationError(
            "id_number", value, f"not a valid resident ID (GB 11643): {exc}"
        ) from exc


def _credit_code(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError("org_code", value, "a credit code is text")
    try:
        return str(uscc.validate(value))
    except _StdnumError as exc:
        raise ValidationError(
            "org_code", value, f"not a valid unified social credit code (GB 32100): {exc}"
        ) from exc


def _phone(_inst: Any, _attr: Any, value: str | None) -> None:
    if value is not None and not (isinstance(value, str) and _PHONE.fullmatch(value)):
        raise ValidationError("phone", value, "not a phone number")


def _party_kind(value: Any) -> PartyKind:
    return _enum(PartyKind, "kind")(value)  # type: ignore[no-any-return]


def _party_role(value: Any) -> PartyRole:
    return _enum(PartyRole, "role")(value)  # type: ignore[no-any-return]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


@attrs.frozen(slots=True)
class Party:
    """A party to a case: a natural person or an organisation.

    Construction validates every field, however the value is built: the
    resident ID (GB 11643, python-stdnum ``cn.ric``), the unified social credit
    code (GB 32100, ``cn.uscc``), the phone number, and that an agent names the
    party represented. :meth:`person` and :meth:`organisation` are the usual
    builders.

    Attributes:
        kind: Person or organisation.
        name: Display name.
        role: Applicant, respondent, third party or agent.
        id: Stable id within the case; every later reference (an agent's
            principal, a signature) uses it. Left empty, intake assigns
            ``p1``, ``p2``... in order.
        id_number: Resident ID of a person.
        org_code: Unified social credit code of an organisation.
        phone: Contact number.
        address: Address (住址 / 住所).
        agent_of: For an agent, the id of the party represented. At intake the
            principal's name is also accepted when no other party shares it.
    """

    kind: PartyKind = attrs.field(converter=_party_kind)
    name: str = attrs.field(converter=_strip, validator=_text("name"))
    role: PartyRole = attrs.field(converter=_party_role)
    id: str = attrs.field(default="", validator=_text("id", required=False))
    id_number: str | None = attrs.field(default=None, converter=_resident_id)
    org_code: str | None = attrs.field(default=None, converter=_credit_code)
    phone: str | None = attrs.field(default=None, validator=_phone)
    address: str | None = attrs.field(default=None, validator=_text("address", required=False))
    agent_of: str | None = attrs.field(default=None, validator=_text("agent_of", required=False))

    def __attrs_post_init__(self) -> None:
        if self.kind is PartyKind.person and self.org_code is not None:
            raise ValidationError("org_code", self.org_code, "a person has no credit code")
        if self.kind is PartyKind.organisation and self.id_number is not None:
            raise ValidationError("id_number", self.id_number, "an organisation has no resident ID")
        if self.role is PartyRole.agent and not self.agent_of:
            raise ValidationError("agent_of", None, "an agent must name the party represented")
        if self.role is not PartyRole.agent and self.agent_of is not None:
            raise ValidationError("agent_of", self.agent_of, "only an agent represents a party")

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
        id: str = "",
    ) -> Party:
        """Build a natural person, validating the resident ID's checksum.

        Raises:
            ValidationError: bad name, role, ID number or phone.
        """
        return cls(
            PartyKind.person,
            name,
            role,
            id=id,
            id_number=id_number,
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
        id: str = "",
    ) -> Party:
        """Build an organisation, validating the unified social credit code.

        Raises:
            ValidationError: bad name, role, credit code or phone.
        """
        return cls(
            PartyKind.organisation,
            name,
            role,
            id=id,
            org_code=org_code,
            phone=phone,
            address=address,
        )

    @property
    def identifier(self) -> str | None:
        """The resident ID or credit code, whichever applies."""
        return self.id_number if self.kind is PartyKind.person else self.org_code


@attrs.frozen(slots=True)
class Signature:
    """One signature, seal or fingerprint on an agreement (人民调解法 第二十九条第二款).

    Attributes:
        capacity: Party, mediator, or committee (the seal).
        signed_at: When it was signed (timezone-aware).
        party: For a party's signature, the party's id.
        signer: Who signed as printed: the party's name, the mediator's name or
            the committee's name.
    """

    capacity: SignerCapacity
    signed_at: dt.datetime
    party: str | None = None
    signer: str = ""


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
        measures: What was done about what the visit found (采取的措施: urging
            performance, mediating again, reporting a risk); RULES.md §7.5.
    """

    at: dt.datetime
    visitor: str
    party: str = ""
    performance: str = ""
    satisfaction: str = ""
    recurrence: str = ""
    measures: str = ""


@attrs.frozen(slots=True)
class Pause:
    """A finished pause of a clock: the days in ``(since, until]`` did not count.

    Attributes:
        since: The day the pause began (it still counted).
        until: The day the clock resumed (the last day not counted).
        counted: How much it added back, in the period's unit, as counted then.
    """

    since: dt.date
    until: dt.date
    counted: int


@attrs.frozen(slots=True, weakref_slot=False)
class Deadline:
    """A statutory or policy clock on a case. Every clock is a row of its own.

    Attributes:
        id: Stable id, unique within the case (``"<period>-<n>"``).
        period: The id of its rule (the period table, or a clock on an agreed date).
        start: The day the clock starts (excluded from the count).
        due: The last day (after extension, pauses and roll-forward).
        due_at: The instant the period ends (24:00 of ``due`` or close of business).
        status: Running, paused, met, breached (the unit's own clock closed
            late), lapsed (a parties' or another organ's period passed) or cancelled.
        kind: Whose period it is (fixed when the clock opens, from its rule).
        paused: Time not counted so far, in the period's pause unit.
        paused_since: When the running pause began, if paused.
        extension: Extension granted so far, in the period's unit.
        estimated: True when the date is provisional: computed before its year's
            official holiday notice (statutory holidays by rule, no make-up days);
            the engine re-derives it when the notice is loaded.
        closed_at: When it was met, breached or cancelled.
        escalated_at: When supervision (督办) escalated its breach.
        pauses: The finished pauses, kept so that a recount on new calendar
            data is exact.
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
    pauses: tuple[Pause, ...] = ()
    kind: ClockKind = ClockKind.duty

    @property
    def is_open(self) -> bool:
        """Whether the clock still runs (or is paused)."""
        return self.status.is_open

    @property
    def status_label(self) -> str:
        """The status in words, as documents, pages and the command line print it.

        A target (一般期限) closed after its day reads 超过一般期限, not 超期: its rule sets
        the usual time, not a limit (2002 规定 第三十三条: "一般在一个月内调结").
        """
        if self.status is DeadlineStatus.breached and self.kind is ClockKind.target:
            return PAST_TARGET
        return self.status.label


PAST_TARGET = "超过一般期限"
"""How a target clock closed after its day reads (:attr:`Deadline.status_label`)."""


@attrs.frozen(slots=True)
class Link:
    """A typed link to another case.

    Attributes:
        kind: How the cases are related.
        case_id: The other case.
        note: Why, in words.
    """

    kind: LinkKind
    case_id: str
    note: str = ""


@attrs.frozen(slots=True)
class IssuedDocument:
    """A document of the case issued under a number (gap-free per unit, kind and year).

    Attributes:
        kind: The document kind, e.g. ``"mediation_agreement"``.
        number: The number printed on it.
    """

    kind: str
    number: str


class Overlays(Mapping[str, Any]):
    """Immutable, ordered name → value mapping of a case's overlays.

    An overlay is a typed value (a frozen ``attrs`` instance) that a step puts
    on a case independently of its workflow (领导包案, 最多跑一地...); each
    overlay name is registered with its type so the codec can read it back.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: Mapping[str, Any] = MappingProxyType(dict(sorted(pairs)))

    def __getitem__(self, name: str) -> Any:
        return self._items[name]

    def get(self, name: str, default: Any = None) -> Any:
        """The overlay ``name``, or ``default`` (a rule asks this of every case on every step)."""
        return self._items.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Overlays):
            return dict(self._items) == dict(other._items)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __repr__(self) -> str:
        return f"Overlays({dict(self._items)!r})"

    def set(self, name: str, value: Any) -> Overlays:
        """A copy with overlay ``name`` set to ``value``."""
        return Overlays({**self._items, name: value})

    def without(self, name: str) -> Overlays:
        """A copy without overlay ``name``."""
        return Overlays((k, v) for k, v in self._items.items() if k != name)


NO_OVERLAYS = Overlays()


def _categories(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError("unit.categories", value, "a set of category names, not one string")
    for item in value:
        if not isinstance(item, str) or not item:
            raise ValidationError("unit.categories", item, "a category name is non-empty text")
        check_text("unit.categories", item)
    return frozenset(value)


@attrs.frozen(slots=True)
class Unit:
    """An organisational unit: a committee, a town office, a centre, a court, a police station...

    Units form a tree by their territorial parent (块: village → town →
    county); a department may also have a line parent (条: the county bureau
    above a town office, the public security bureau above a police station),
    and a department stationed at a one-stop centre (矛调中心 / 综治中心) names it.
    A unit is never deleted: a unit merged into another is inactive and names
    its successor, so its old cases stay readable.

    Attributes:
        id: Stable id chosen by the embedder.
        name: Display name, e.g. ``"东门村人民调解委员会"``.
        level: The level name from the level ladder in ``rules`` (e.g. ``"village"``).
        parent: The territorial parent unit's id, ``None`` for a root.
        code_prefix: The abbreviation in case and document codes, e.g. ``"东调"``
            gives ``（2026）东调字第0001号``.
        kind: What it is (``rules.org.UnitKind``: committee, industry_committee,
            government, centre, department, court, police, petition_bureau, grid…).
        line_parent: The superior organ in its line (条), if any.
        centre: The one-stop centre it is stationed at (入驻), if any.
        categories: Matters it specialises in (an industry committee's
            categories, e.g. ``{"medical"}``).
        active: False once merged or retired (no new cases).
        successor: The unit it was merged into.
    """

    id: str = attrs.field(validator=_text("unit.id"))
    name: str = attrs.field(validator=_text("unit.name"))
    level: str = attrs.field(validator=_text("unit.level"))
    parent: str | None = attrs.field(default=None, validator=_text("unit.parent", required=False))
    code_prefix: str = attrs.field(default="调", validator=_text("unit.code_prefix"))
    kind: str = attrs.field(default="committee", validator=_text("unit.kind"))
    line_parent: str | None = attrs.field(
        default=None, validator=_text("unit.line_parent", required=False)
    )
    centre: str | None = attrs.field(default=None, validator=_text("unit.centre", required=False))
    categories: frozenset[str] = attrs.field(default=frozenset(), converter=_categories)
    active: bool = attrs.field(default=True, validator=_flag("unit.active"))
    successor: str | None = attrs.field(
        default=None, validator=_text("unit.successor", required=False)
    )


@attrs.frozen(slots=True)
class RelatedCase:
    """Another case sharing a key with the one at hand, as a step saw it (logged with it).

    Attributes:
        id: The other case.
        code: Its case code.
        kind: Its kind of matter.
        workflow: Its workflow.
        state: Its state then.
        closed: Whether it was closed then.
        unit: Its owning unit then.
        received_at: When it was received.
        outcome: How it ended, if it had.
        flags: Its flags then.
        matched: The keys it shares (e.g. ``"party:3325..."``).
        duty_due: When the first of its running duty clocks (the unit's own
            statutory periods) ran out, or runs out; ``None`` when none was running.
            A rule tells from it whether a matter still pending elsewhere is
            within its period (a step logged before this field existed: ``None``).
        duties: Each of its running duty clocks, as ``(period id, due instant)``, by
            due date: a rule that counts only some periods (a statute's own, not a
            practice reminder) reads them here (a step logged before this field
            existed: empty, and the rule falls back on ``duty_due``).
        resolution: How it ended, if it has (the ``how`` of its recorded resolution:
            ``agreement``, ``failed``, ``withdrawn``…): a rule tells a matter another
            body resolved from one it merely closed (a step logged before this field
            existed: ``None``).
    """

    id: str
    code: str
    kind: str
    workflow: str
    state: str
    closed: bool
    unit: str
    received_at: dt.datetime
    outcome: str | None
    flags: frozenset[str]
    matched: frozenset[str]
    duty_due: dt.datetime | None = None
    duties: tuple[tuple[str, dt.datetime], ...] = ()
    resolution: str | None = None

    def due_of(self, periods: Collection[str]) -> dt.datetime | None:
        """When the first of its running duty clocks of ``periods`` runs out; ``None`` when
        none of them runs (or, logged before :attr:`duties`, none is known)."""
        return next((due for period, due in self.duties if period in periods), None)


@attrs.frozen(slots=True)
class OrgEvent:
    """One audited change of the stored organisation, hash-chained like a case's events.

    Attributes:
        seq: 1, 2, 3... with no gap.
        op: What was done (``"load"``, ``"put"``, ``"merge"``).
        data: The change, canonical JSON-compatible values.
        actor: Who made it.
        at: When (timezone-aware).
        prev_hash: The previous change's hash (``""`` for the first).
        hash: sha256 over the canonical change and ``prev_hash``.
    """

    seq: int
    op: str
    data: Mapping[str, Any]
    actor: str
    at: dt.datetime
    prev_hash: str
    hash: str


@attrs.frozen(slots=True)
class Actor:
    """Who fires a trigger: a user of the embedding system.

    Attributes:
        id: The embedder's user id.
        roles: Role values (see :class:`Role`; embedders may add their own).
            A set: one string is refused (it would be read as its letters).
        unit: The unit the actor works in; the default policy scopes data to
            its subtree. An actor without a unit is refused everything unless
            it is a system actor.
        name: Display name.
        is_system: The engine itself or an embedder's trusted process, not a
            person: unscoped (build it with :meth:`system`, deliberately).
    """

    id: str = attrs.field(validator=_text("actor.id"))
    roles: frozenset[str] = attrs.field(converter=_strings)
    unit: str | None = attrs.field(default=None, validator=_text("actor.unit", required=False))
    name: str = attrs.field(default="", validator=_text("actor.name", required=False))
    is_system: bool = attrs.field(default=False, validator=_flag("actor.is_system"))

    @classmethod
    def system(cls, id: str = "system", name: str = "系统") -> Actor:
        """A system actor: the engine's scanners, or an embedder's process that checks access itself."""
        return cls(id=id, roles=frozenset({Role.admin.value}), name=name, is_system=True)


_MAX_AMOUNT = Decimal(10) ** 15


def _amount(value: Decimal | int | str | None) -> Decimal | None:
    if isinstance(value, bool):
        raise ValidationError("amount", value, "an amount in yuan, not true or false")
    if value is None or type(value) is Decimal:
        if value is not None and (not value.is_finite() or value < 0 or value >= _MAX_AMOUNT):
            raise ValidationError("amount", value, "an amount in yuan is >= 0 and < 10^15")
        return value
    if isinstance(value, float):
        raise ValidationError("amount", value, "give amounts as Decimal or str, not float")
    if not isinstance(value, int | str):
        raise ValidationError("amount", value, "an amount in yuan: Decimal, int or str")
    if isinstance(value, int) and abs(value) >= _MAX_AMOUNT:
        raise ValidationError("amount", "…", "an amount in yuan is >= 0 and < 10^15")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError, OverflowError) as exc:
        raise ValidationError("amount", value, "not a decimal amount in yuan") from exc
    return _amount(amount)


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return value if type(value) is tuple else tuple(value)


IDENTITY: Mapping[str, Any] = MappingProxyType({"identity": True})
"""Field metadata: a case field fixed when the case is created (id, code, kind, workflow)."""


@attrs.frozen(slots=True)
class Intake:
    """The registration (受理登记): what was recorded when the matter was received.

    Steps rarely change it (an amendment, 补正, replaces it whole), so it is
    one value: a store writes it once, and again only when it changes.

    Attributes:
        category: A category of the policy's vocabulary.
        summary: The request, facts and reasons.
        channel: How the matter arrived (the policy's channel vocabulary).
        received_at: When it was received.
        parties: The parties, each with a stable id.
        claims: The requests, one per item.
        amount: Amount in dispute, in yuan.
        location: Region path, county first.
    """

    category: str
    summary: str
    channel: str
    received_at: dt.datetime
    parties: tuple[Party, ...] = attrs.field(converter=_tuple)
    claims: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    amount: Decimal | None = attrs.field(default=None, converter=_amount)
    location: tuple[Place, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen(slots=True, weakref_slot=False)
class Case:
    """A case and everything the engine knows of it: a generic core plus workflow details.

    Change a case only through the engine; a ``Case`` in hand is a snapshot at
    ``version``. ``version`` equals the number of audit events, and ``head`` is
    the hash of the latest one.

    Attributes:
        id: Stable id.
        code: The human-readable code, e.g. ``（2026）东调字第0001号``.
        kind: The kind of matter (``dispute``, ``petition``, or an embedder's).
        workflow: The workflow's name.
        workflow_version: The workflow version the case runs on.
        state: The current state (a value of the workflow's state enum).
        unit: The unit that owns the case now.
        intake: The registration: category, summary, channel, time received,
            parties, claims, amount, location (each also readable on the case).
        level: The level of the owning unit.
        assignees: Who handles it (承办人), actor ids.
        risk: Escalation risk.
        flags: Free markers.
        deadlines: The clocks, open and closed.
        links: Typed links to other cases.
        overlays: Workflow-independent typed values (领导包案, 最多跑一地...).
        documents: Documents issued under a number.
        outcome: How it ended, in words.
        details: The workflow's own data (a frozen value of the type its definition declares).
        version: Number of audit events.
        head: Hash of the latest audit event.
        updated_at: Business time of the latest audit event (time never runs
            backwards within a case).
        keys: What other cases it is looked up by (its workflow derives them
            from the registration: a party's ID, a petition's fingerprint...).
    """

    id: str = attrs.field(metadata=IDENTITY)
    code: str = attrs.field(metadata=IDENTITY)
    kind: str = attrs.field(metadata=IDENTITY)
    workflow: str = attrs.field(metadata=IDENTITY)
    workflow_version: int
    state: str
    unit: str
    intake: Intake
    level: str | None = None
    assignees: tuple[str, ...] = ()
    risk: Risk = Risk.low
    flags: frozenset[str] = frozenset()
    deadlines: tuple[Deadline, ...] = ()
    links: tuple[Link, ...] = ()
    overlays: Overlays = NO_OVERLAYS
    documents: tuple[IssuedDocument, ...] = ()
    outcome: str | None = None
    details: Any = None
    version: int = 1
    head: str = ""
    updated_at: dt.datetime | None = None
    keys: frozenset[str] = frozenset()

    @property
    def category(self) -> str:
        """The category (from the registration)."""
        return self.intake.category

    @property
    def summary(self) -> str:
        """The request, facts and reasons (from the registration)."""
        return self.intake.summary

    @property
    def channel(self) -> str:
        """How the matter arrived (from the registration)."""
        return self.intake.channel

    @property
    def received_at(self) -> dt.datetime:
        """When the matter was received (from the registration)."""
        return self.intake.received_at

    @property
    def parties(self) -> tuple[Party, ...]:
        """The parties (from the registration)."""
        return self.intake.parties

    @property
    def claims(self) -> tuple[str, ...]:
        """The requests (from the registration)."""
        return self.intake.claims

    @property
    def amount(self) -> Decimal | None:
        """The amount in dispute (from the registration)."""
        return self.intake.amount

    @property
    def location(self) -> tuple[Place, ...]:
        """The region path (from the registration)."""
        return self.intake.location

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
        return next((d.number for d in self.documents if d.kind == kind), None)

    def party(self, party_id: str) -> Party:
        """The party with this id.

        Raises:
            ValidationError: no such party on the case.
        """
        for p in self.intake.parties:
            if p.id == party_id:
                return p
        raise ValidationError("party", party_id, "no party of this case has that id")

    def parties_in(self, role: PartyRole) -> tuple[Party, ...]:
        """The parties in ``role``."""
        return tuple(p for p in self.intake.parties if p.role is role)

    @property
    def principals(self) -> tuple[Party, ...]:
        """The parties proper: everyone but agents (an agent acts for a party)."""
        return tuple(p for p in self.intake.parties if p.role is not PartyRole.agent)


@attrs.frozen(slots=True, weakref_slot=False)
class Event:
    """One entry of a case's audit log, hash-chained to the entry before it.

    Attributes:
        case_id: The case.
        seq: 1 for intake, then 2, 3, ... with no gap.
        trigger: The trigger or step (``"intake"`` for the first event).
        actor: The actor's id.
        at: Business time of the step (timezone-aware).
        source: State before.
        dest: State after.
        data: The inputs of the step, canonical JSON-compatible values.
        prev_hash: The previous event's hash (``""`` for intake).
        hash: sha256 over the canonical event and ``prev_hash``.
        seal: HMAC-SHA256 of ``hash`` under the embedder's audit key (``""``
            when the engine has no key): a rewrite of the chain by someone
            without the key is detected.
        facts: What the step looked up from data that changes over time (the
            due dates it computed on the calendar of the day), so that a replay
            reproduces it whatever the data is by then; covered by ``hash``.
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
    seal: str = ""
    facts: Mapping[str, Any] = attrs.field(factory=dict)
