"""Canonical encoding: inputs, cases and events to JSON and back; the event hash.

The audit log stores a trigger's inputs in this canonical, JSON-compatible
form, and rules only ever see that form, so replaying the log feeds the
rules exactly the same inputs. The hash of an event is sha256 over its
canonical JSON (sorted keys, no whitespace, UTF-8) followed by the previous
event's hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.model import (
    Agreement,
    AgreementForm,
    Case,
    CaseKind,
    Channel,
    Deadline,
    DeadlineStatus,
    Event,
    Party,
    PartyKind,
    PartyRole,
    Place,
    Risk,
    Signature,
    Visit,
)

__all__ = [
    "STATIC_FIELDS",
    "case_dynamic",
    "case_from_dict",
    "case_from_parts",
    "case_static",
    "case_to_dict",
    "dumps",
    "event_hash",
    "normalize",
    "static_from_dict",
    "static_key",
]

_dumps = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


_PLAIN = frozenset({str, int, bool})


def normalize(value: Any, field: str = "data") -> Any:
    """Turn inputs into canonical JSON-compatible values.

    Dates and datetimes become ISO strings (datetimes must be aware),
    Decimals strings, enums their values, attrs instances dicts, tuples lists.

    Raises:
        ValidationError: a value that has no canonical form (naming its field).
    """
    if type(value) is dict and all(
        type(k) is str and (v is None or type(v) in _PLAIN) for k, v in value.items()
    ):
        return dict(value)  # the common case: flat text and numbers, already canonical
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValidationError(field, value, "not a finite number")
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError(field, value, "naive datetimes are refused")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValidationError(field, k, "mapping keys must be strings")
            out[k] = normalize(v, f"{field}.{k}")
        return out
    if isinstance(value, (list, tuple, frozenset, set)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [normalize(v, f"{field}[{i}]") for i, v in enumerate(items)]
    if attrs.has(type(value)):
        return {
            a.name: normalize(getattr(value, a.name), f"{field}.{a.name}")
            for a in attrs.fields(type(value))
        }
    raise ValidationError(field, value, f"{type(value).__name__} values cannot be recorded")


def dumps(value: Any) -> str:
    """Canonical JSON text of an already-normalised value."""
    return _dumps(value)


def event_hash(
    case_id: str,
    seq: int,
    trigger: str,
    actor: str,
    at: str,
    source: str,
    dest: str,
    data: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """sha256 (hex) over the event's fields and the previous event's hash.

    Each field is framed by its length (``<len>:<text>``), so no choice of
    field values can make two different events hash alike; ``data`` enters as
    its canonical JSON (sorted keys, no whitespace, UTF-8).
    """
    body = _dumps(data) if data else "{}"
    parts = (case_id, str(seq), trigger, actor, at, source, dest, body, prev_hash)
    framed = "".join(f"{len(p)}:{p}" for p in parts)
    return hashlib.sha256(framed.encode()).hexdigest()


def recompute_hash(event: Event) -> str:
    """The hash ``event`` should carry, from its own fields."""
    return event_hash(
        event.case_id,
        event.seq,
        event.trigger,
        event.actor,
        event.at.isoformat(),
        event.source,
        event.dest,
        event.data,
        event.prev_hash,
    )


# -- cases --------------------------------------------------------------------


_ZONES: dict[dt.timedelta | None, dt.tzinfo] = {}


def _instant(value: str) -> dt.datetime:
    """Parse an ISO instant, sharing one tzinfo object per UTC offset (not one per value)."""
    parsed = dt.datetime.fromisoformat(value)
    offset = parsed.utcoffset()
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES.setdefault(offset, parsed.tzinfo or dt.UTC)
    return parsed if parsed.tzinfo is zone else parsed.replace(tzinfo=zone)


def _intern(value: str | None) -> str | None:
    """Share vocabulary strings (states, units, levels, tracks) among loaded cases."""
    return None if value is None else sys.intern(value)


def _dt(value: str | None) -> dt.datetime | None:
    return None if value is None else _instant(value)


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def deadline_to_dict(d: Deadline) -> dict[str, Any]:
    """Canonical dict of a deadline."""
    return {
        "id": d.id,
        "period": d.period,
        "start": d.start.isoformat(),
        "due": d.due.isoformat(),
        "due_at": d.due_at.isoformat(),
        "status": d.status.value,
        "paused": d.paused,
        "paused_since": None if d.paused_since is None else d.paused_since.isoformat(),
        "extension": d.extension,
        "estimated": d.estimated,
        "closed_at": None if d.closed_at is None else d.closed_at.isoformat(),
        "escalated_at": None if d.escalated_at is None else d.escalated_at.isoformat(),
    }


def deadline_from_dict(d: Mapping[str, Any]) -> Deadline:
    """Inverse of :func:`deadline_to_dict`."""
    return Deadline(
        id=d["id"],
        period=sys.intern(d["period"]),
        start=dt.date.fromisoformat(d["start"]),
        due=dt.date.fromisoformat(d["due"]),
        due_at=_instant(d["due_at"]),
        status=DeadlineStatus(d["status"]),
        paused=d["paused"],
        paused_since=_date(d["paused_since"]),
        extension=d["extension"],
        estimated=d["estimated"],
        closed_at=_dt(d["closed_at"]),
        escalated_at=_dt(d["escalated_at"]),
    )


STATIC_FIELDS = (
    "id",
    "code",
    "kind",
    "workflow",
    "category",
    "summary",
    "channel",
    "received_at",
    "parties",
    "claims",
    "amount",
    "location",
)
"""Fields set at intake that no transition of the built-in workflows changes."""


def case_static(case: Case) -> dict[str, Any]:
    """Canonical dict of the fields fixed at intake (written once by the SQL store)."""
    return {name: normalize(getattr(case, name), name) for name in STATIC_FIELDS}


def static_key(case: Case) -> tuple[Any, ...]:
    """The static fields themselves, to tell cheaply whether a step changed any."""
    return tuple(getattr(case, name) for name in STATIC_FIELDS)


def case_dynamic(case: Case) -> dict[str, Any]:
    """Canonical dict of the fields transitions change (not the deadlines: they are rows)."""
    return {
        "workflow_version": case.workflow_version,
        "state": case.state,
        "unit": case.unit,
        "level": case.level,
        "track": case.track,
        "assignees": list(case.assignees),
        "risk": case.risk.value,
        "flags": sorted(case.flags),
        "agreement": None if case.agreement is None else normalize(case.agreement, "agreement"),
        "visits": [normalize(v, "visits") for v in case.visits],
        "documents": [list(d) for d in case.documents],
        "outcome": case.outcome,
        "links": list(case.links),
        "version": case.version,
        "head": case.head,
    }


def case_to_dict(case: Case, *, deadlines: bool = True) -> dict[str, Any]:
    """Canonical dict of a case (optionally without its deadlines, stored as rows)."""
    out = case_static(case)
    out.update(case_dynamic(case))
    out["deadlines"] = [deadline_to_dict(d) for d in case.deadlines] if deadlines else []
    return out


def static_from_dict(c: Mapping[str, Any]) -> dict[str, Any]:
    """Decode the static part into ready field values (cacheable: all immutable)."""
    return {
        "id": c["id"],
        "code": c["code"],
        "kind": CaseKind(c["kind"]),
        "workflow": c["workflow"],
        "category": c["category"],
        "summary": c["summary"],
        "channel": Channel(c["channel"]),
        "received_at": _instant(c["received_at"]),
        "parties": tuple(_party(p) for p in c["parties"]),
        "claims": tuple(c["claims"]),
        "amount": None if c["amount"] is None else Decimal(c["amount"]),
        "location": tuple(Place(p["name"], p.get("code")) for p in c["location"]),
    }


def case_from_parts(
    static: Mapping[str, Any], c: Mapping[str, Any], deadlines: tuple[Deadline, ...]
) -> Case:
    """Build a case from decoded static fields, the dynamic dict and the deadline rows."""
    return Case(
        **static,
        workflow_version=c["workflow_version"],
        state=sys.intern(c["state"]),
        unit=sys.intern(c["unit"]),
        level=_intern(c["level"]),
        track=_intern(c["track"]),
        assignees=tuple(c["assignees"]),
        risk=Risk(c["risk"]),
        flags=frozenset(c["flags"]),
        deadlines=deadlines,
        agreement=_agreement(c["agreement"]),
        visits=tuple(_visit(v) for v in c["visits"]),
        documents=tuple((k, n) for k, n in c["documents"]),
        outcome=c["outcome"],
        links=tuple(c["links"]),
        version=c["version"],
        head=c["head"],
    )


def _visit(v: Mapping[str, Any]) -> Visit:
    return Visit(
        at=_instant(v["at"]),
        visitor=v["visitor"],
        party=v["party"],
        performance=v["performance"],
        satisfaction=v["satisfaction"],
        recurrence=v["recurrence"],
    )


def _party(p: Mapping[str, Any]) -> Party:
    return Party(
        kind=PartyKind(p["kind"]),
        name=p["name"],
        role=PartyRole(p["role"]),
        id_number=p.get("id_number"),
        org_code=p.get("org_code"),
        phone=p.get("phone"),
        address=p.get("address"),
        agent_of=p.get("agent_of"),
    )


def _agreement(a: Mapping[str, Any] | None) -> Agreement | None:
    if a is None:
        return None
    return Agreement(
        form=AgreementForm(a["form"]),
        reached_at=_instant(a["reached_at"]),
        facts=a["facts"],
        disputed_matters=a["disputed_matters"],
        responsibilities=a["responsibilities"],
        terms=tuple(a["terms"]),
        performance_manner=a["performance_manner"],
        performance_place=a["performance_place"],
        performance_deadline=_date(a["performance_deadline"]),
        signatures=tuple(
            Signature(s["signer"], s["capacity"], _instant(s["signed_at"])) for s in a["signatures"]
        ),
        number=a.get("number"),
    )


def case_from_dict(c: Mapping[str, Any], deadlines: tuple[Deadline, ...] | None = None) -> Case:
    """Inverse of :func:`case_to_dict`; ``deadlines`` replaces the dict's own if given."""
    if deadlines is None:
        deadlines = tuple(deadline_from_dict(d) for d in c["deadlines"])
    return case_from_parts(static_from_dict(c), c, deadlines)
