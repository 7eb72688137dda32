"""What the pages and the JSON API do with the engine, written once for both.

Everything here goes through the public API of :class:`mediation.Engine`
with the signed-in user's (or API account's) actor, so the engine's
authorization and data scope apply to every read and write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import attrs

from mediation import (
    Actor,
    Case,
    ConcurrentUpdateError,
    Deadline,
    Engine,
    Party,
    Place,
    TriggerOption,
    ValidationError,
    WorkflowDefinition,
)
from mediation.model import RelatedCase
from mediation.rules.warnings import WarningLevel
from mediation.web.forms import FieldSpec, resolved_fields

__all__ = [
    "Registration",
    "StepView",
    "case_warning",
    "fire_checked",
    "intake_from_data",
    "parties_from_data",
    "registration_from_data",
    "steps_of",
    "warning_of",
]

_PARTY_KEYS = frozenset(
    {"kind", "name", "role", "id", "id_number", "org_code", "phone", "address", "agent_of"}
)
_INTAKE_KEYS = frozenset(
    {
        "workflow",
        "kind",
        "channel",
        "category",
        "unit",
        "summary",
        "parties",
        "claims",
        "amount",
        "location",
        "risk",
        "flags",
        "details",
        "case_id",
    }
)
OWN_STEP_PAGES = frozenset({"issue_document"})
"""Steps with a page of their own (documents), left out of the case page's step buttons."""


def parties_from_data(items: object) -> list[Party]:
    """Parties from plain data (a list of mappings of :class:`~mediation.Party` fields).

    Raises:
        ValidationError: naming the party and the field (``parties[1].id_number``).
    """
    if not isinstance(items, list):
        raise ValidationError("parties", items, "a case needs a list of at least one party")
    out = []
    for i, item in enumerate(items):
        where = f"parties[{i}]"
        if not isinstance(item, Mapping):
            raise ValidationError(
                where, item, "build parties with Party.person / Party.organisation"
            )
        for key in item:
            if key not in _PARTY_KEYS:
                raise ValidationError(f"{where}.{key}", item[key], "not an input of this step")
        values: dict[str, Any] = {k: (v if v != "" else None) for k, v in item.items()}
        kind = values.pop("kind", None) or "person"
        name = values.pop("name", None)
        role = values.pop("role", None) or "applicant"
        values["id"] = values.get("id") or ""
        if "id_number" in values and isinstance(values["id_number"], str):
            values["id_number"] = values["id_number"].strip().upper()
        try:
            out.append(Party(kind, name, role, **values))
        except ValidationError as exc:
            field = exc.field if exc.field != "kind" or "kind" not in item else "kind"
            raise ValidationError(f"{where}.{field}", exc.value, exc.rule, exc.basis) from exc
        except TypeError as exc:
            raise ValidationError(where, dict(item), f"a field has the wrong type: {exc}") from exc
    return out


def _places(value: object) -> list[Place]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [p for p in re.split(r"[/／>\s]+", value) if p]
    if not isinstance(value, list):
        raise ValidationError("location", value, "a list of Place values, county first")
    out = []
    for i, item in enumerate(value):
        try:
            if isinstance(item, str):
                out.append(Place(item))
            elif isinstance(item, Mapping):
                out.append(Place(**{k: item[k] for k in ("name", "code") if k in item}))
            else:
                raise ValidationError(f"location[{i}]", item, "a place name or {name, code}")
        except ValidationError as exc:
            raise ValidationError(f"location[{i}]", exc.value, exc.rule) from exc
    return out


def _texts(name: str, value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ValidationError(name, value, "a list of non-empty texts")


@attrs.frozen(slots=True)
class Registration:
    """A registration read from plain data, ready for :meth:`mediation.Engine.intake`."""

    workflow: str | None
    kind: str | None
    channel: str
    category: str
    unit: str
    summary: str
    parties: tuple[Party, ...]
    claims: tuple[str, ...]
    amount: str | None
    location: tuple[Place, ...]
    risk: str
    details: Mapping[str, Any]
    case_id: str | None = None

    def related(self, engine: Engine, actor: Actor) -> list[RelatedCase]:
        """The cases this registration would match (duplicates), those ``actor`` may read."""
        return engine.find_related(
            parties=self.parties,
            summary=self.summary,
            category=self.category,
            workflow=self.workflow,
            kind=None if self.workflow is not None else self.kind,
            claims=self.claims,
            location=self.location,
            actor=actor,
        )

    def register(self, engine: Engine, actor: Actor) -> Case:
        """Register the case as ``actor``."""
        return engine.intake(
            workflow=self.workflow,
            kind=None if self.workflow is not None else self.kind,
            channel=self.channel,
            category=self.category,
            unit=self.unit,
            summary=self.summary,
            parties=self.parties,
            claims=self.claims,
            amount=self.amount,
            location=self.location,
            risk=self.risk,
            details=self.details,
            actor=actor,
            case_id=self.case_id,
        )


def _text(data: Mapping[str, Any], name: str, default: str = "") -> str:
    value = data.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValidationError(name, value, "must be text")
    return value.strip()


def registration_from_data(data: Mapping[str, Any], default_unit: str | None) -> Registration:
    """A registration from plain data (the API's JSON body, or a form read into the same shape).

    Raises:
        ValidationError: naming the field.
    """
    if not isinstance(data, Mapping):
        raise ValidationError("body", data, "a JSON object")
    for key in data:
        if key not in _INTAKE_KEYS:
            raise ValidationError(str(key), data[key], "not an input of this step")
    workflow = _text(data, "workflow") or None
    kind = _text(data, "kind") or None
    if workflow is None and kind is None:
        workflow = "dispute"
    amount = data.get("amount")
    if amount is not None and not isinstance(amount, str | int):
        raise ValidationError("amount", amount, "not a decimal amount in yuan")
    details = data.get("details") or {}
    if not isinstance(details, Mapping):
        raise ValidationError("details", details, "a JSON object")
    case_id = data.get("case_id")
    return Registration(
        workflow=workflow,
        kind=kind,
        channel=_text(data, "channel"),
        category=_text(data, "category"),
        unit=_text(data, "unit") or (default_unit or ""),
        summary=_text(data, "summary"),
        parties=tuple(parties_from_data(data.get("parties"))),
        claims=tuple(_texts("claims", data.get("claims"))),
        amount=None if amount in (None, "") else str(amount),
        location=tuple(_places(data.get("location"))),
        risk=_text(data, "risk") or "low",
        details=details,
        case_id=case_id if isinstance(case_id, str) and case_id else None,
    )


def intake_from_data(engine: Engine, actor: Actor, data: Mapping[str, Any]) -> Case:
    """Register a case from plain data as ``actor``."""
    return registration_from_data(data, actor.unit).register(engine, actor)


def fire_checked(
    engine: Engine,
    case_id: str,
    name: str,
    *,
    actor: Actor,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> Case:
    """Take a step on a case only if the case is still at ``expected_version``.

    The check and the step run in one transaction of the store
    (:meth:`mediation.Engine.batch`): on SQLite the write lock is held from
    the read to the commit, and on every backend the case row is written
    with its version checked, so of two clerks acting on one case the
    second gets :class:`~mediation.ConcurrentUpdateError` and nothing of theirs
    is written.

    Raises:
        ConcurrentUpdateError: the case changed since the form was shown.
        MediationError: whatever the step itself raises.
    """
    clash = {"actor", "at"} & set(data)
    if clash:
        raise ValidationError(sorted(clash)[0], None, "not an input of this step")
    with engine.batch():
        case = engine.get(case_id, actor=actor)
        if expected_version is not None and case.version != expected_version:
            raise ConcurrentUpdateError(case_id, expected_version)
        return engine.fire(case_id, name, actor=actor, **data)


@attrs.frozen(slots=True)
class StepView:
    """A step as the case page shows it.

    Attributes:
        name: The trigger or step name.
        label: Its Chinese label.
        allowed: It can be taken now (once its required inputs are filled in).
        reason: Why not, when refused.
        basis: The article a refusal cites.
        inputs: The inputs class (its fields make the form).
        step: A step outside the workflow's graph.
    """

    name: str
    label: str
    allowed: bool
    reason: str
    basis: str
    inputs: type
    step: bool

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """The form fields."""
        return resolved_fields(self.inputs)


def _from_state(definition: WorkflowDefinition, trigger: str, state: str) -> bool:
    return any(state in {s.value for s in t.source} for t in definition.by_trigger(trigger))


def steps_of(engine: Engine, case: Case, actor: Actor) -> list[StepView]:
    """The steps the case page offers: the workflow's triggers that leave the case's state
    and the listed steps outside the graph, each allowed or refused with the reason.

    A step refused only for inputs not given yet is offered (its form asks for them).
    """
    definition = engine.definition(case.workflow, case.workflow_version)
    closed = definition.is_closed(case.state)
    options: list[TriggerOption] = engine.available_triggers(case.id, actor)
    out = []
    for option in options:
        if option.trigger in OWN_STEP_PAGES:
            continue
        if option.step:
            if closed and not option.allowed:
                continue
        elif not _from_state(definition, option.trigger, case.state):
            continue
        allowed = option.allowed or bool(option.needs)
        reason = option.reason.replace(f"“{option.trigger}”", f"“{option.label}”")
        out.append(
            StepView(
                option.trigger,
                option.label,
                allowed,
                "" if allowed else reason,
                "" if allowed else option.basis,
                option.inputs,
                option.step,
            )
        )
    return out


def warning_of(engine: Engine, deadline: Deadline, now: dt.datetime) -> WarningLevel:
    """The warning level of an open clock now (overdue once its period has ended)."""
    if now > deadline.due_at:
        return WarningLevel.overdue
    today = now.astimezone(engine.policy.tz).date()
    return engine.policy.warnings.level(deadline.start, deadline.due, today)


_SEVERITY = {
    WarningLevel.normal: 0,
    WarningLevel.yellow: 1,
    WarningLevel.red: 2,
    WarningLevel.overdue: 3,
}


def case_warning(
    engine: Engine, case: Case, now: dt.datetime
) -> tuple[WarningLevel, Deadline | None]:
    """The most pressing of the case's own open clocks (hard limits and targets) and its level."""
    worst: tuple[WarningLevel, Deadline | None] = (WarningLevel.normal, None)
    for d in case.open_deadlines:
        if not d.kind.is_own:
            continue
        level = warning_of(engine, d, now)
        current, best = worst
        if (
            best is None
            or _SEVERITY[level] > _SEVERITY[current]
            or (_SEVERITY[level] == _SEVERITY[current] and d.due < best.due)
        ):
            worst = (level, d)
    return worst
