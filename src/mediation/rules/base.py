"""The shapes every rule shares: a :class:`Decision`, the :class:`Context` it sees, typed inputs.

A guard is ``(case, context) -> Decision``; an effect is
``(case, context) -> Case``. Both are pure: everything they need (the time,
the actor, the step's typed inputs, the policy, the clock table) arrives in the
context; they read no clock and touch no database.

Guards only decide. A refusal about the case or the law is a plain refusal
(raised as :class:`~mediation._errors.RuleRejectedError`); a refusal about one
input given in a particular case (a signer who is not a party, a date before
the agreement) names the input in ``field`` and is raised as
:class:`~mediation._errors.ValidationError`. Malformed inputs never reach a
guard: each step declares an ``attrs`` inputs class, and inputs are parsed
into it, in one place, before anything runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from mediation._errors import ValidationError
from mediation.model import Actor, Case, LinkKind, Party, Place, RelatedCase, Risk

if TYPE_CHECKING:
    from mediation.rules.clockbook import StepClocks
    from mediation.rules.policy import Policy

__all__ = [
    "ALLOW",
    "Context",
    "Decision",
    "Effect",
    "FollowUp",
    "Guard",
    "NoInputs",
    "Notify",
    "OpenCase",
    "field",
    "label_of",
    "nonblank",
    "nonblank_items",
    "refuse",
    "refuse_input",
]


@attrs.frozen(slots=True)
class Decision:
    """A rule's answer.

    Attributes:
        allowed: Whether the step may go ahead.
        reason: Why not (empty when allowed), in words a clerk can act on.
        basis: The legal source or policy the rule applies.
        rule: The rule's name.
        field: The input at fault, when the refusal is about one input.
        value: That input's value.
    """

    allowed: bool
    reason: str = ""
    basis: str = ""
    rule: str = ""
    field: str | None = None
    value: Any = None


ALLOW = Decision(True)
"""The shared "yes"."""


def refuse(rule: str, reason: str, basis: str = "") -> Decision:
    """A refusal on the case or the law (raised as ``RuleRejectedError``)."""
    return Decision(False, reason, basis, rule)


def refuse_input(rule: str, field: str, value: Any, reason: str, basis: str = "") -> Decision:
    """A refusal of one input in this case (raised as ``ValidationError`` naming ``field``)."""
    return Decision(False, reason, basis, rule, field, value)


@attrs.frozen(slots=True)
class NoInputs:
    """The inputs of a step that takes none."""


InputsT = TypeVar("InputsT")


@attrs.frozen(slots=True)
class OpenCase:
    """A follow-up: register a new case, linked both ways with the one at hand.

    Requested with :meth:`Context.open_case`; the engine registers it in the
    same transaction as the step (if it is refused, so is the step).
    """

    case_id: str
    workflow: str
    unit: str
    channel: str
    category: str
    parties: tuple[Party, ...]
    summary: str
    claims: tuple[str, ...] = ()
    amount: Decimal | None = None
    location: tuple[Place, ...] = ()
    details: Mapping[str, Any] | None = None
    link: LinkKind = LinkKind.handed_off_to
    back: LinkKind = LinkKind.handed_off_from
    note: str = ""
    overlays: Mapping[str, Any] = attrs.field(factory=dict)
    risk: Risk = Risk.low


@attrs.frozen(slots=True)
class Notify:
    """A follow-up: take a step on another case (a result flowing back to a linked case).

    Requested with :meth:`Context.notify`; the engine takes it in the same
    transaction as the step (if it is refused, so is the step).
    """

    case_id: str
    step: str
    data: Mapping[str, Any] = attrs.field(factory=dict)


FollowUp = OpenCase | Notify
"""What a step asks the engine to do on other cases, atomically with it."""


@attrs.define(slots=True)
class Context(Generic[InputsT]):
    """What a rule may look at besides the case.

    Attributes:
        at: Business time of the step (timezone-aware).
        actor: Who fires it, as the log knows it (an id; roles are not visible
            to rules, so a replay sees exactly what the step saw). A step declared
            ``reads_actor_unit`` also sees the actor's unit, which its event logs.
        inputs: The step's typed inputs.
        policy: The engine's policy (calendar, vocabularies, thresholds).
        clocks: The clock table as this step sees it (periods and due-date
            arithmetic; the due dates computed are logged with the event).
        seq: The number the audit event of this step will get; deadline ids use it
            so that replaying the log rebuilds the same ids.
        related: At intake, and for a step declared ``reads_related``, the other
            cases sharing a key with this one (duplicates, repeat petitions, the same
            matter before another body), as they stood (logged with the event).
        case_id: The case the step is taken on.
        follow_ups: What the step asked to do on other cases (see
            :meth:`open_case`, :meth:`notify`); the engine does it in the same
            transaction.
    """

    at: dt.datetime
    actor: Actor
    inputs: InputsT
    policy: Policy
    clocks: StepClocks
    seq: int
    related: tuple[RelatedCase, ...] = ()
    case_id: str = ""
    follow_ups: list[FollowUp] = attrs.field(factory=list, init=False, repr=False, eq=False)
    _day: dt.date | None = attrs.field(default=None, init=False, repr=False, eq=False)

    def open_case(
        self,
        *,
        workflow: str,
        unit: str,
        channel: str,
        category: str,
        parties: tuple[Party, ...],
        summary: str,
        claims: tuple[str, ...] = (),
        amount: Decimal | None = None,
        location: tuple[Place, ...] = (),
        details: Mapping[str, Any] | None = None,
        link: LinkKind = LinkKind.handed_off_to,
        back: LinkKind = LinkKind.handed_off_from,
        note: str = "",
        overlays: Mapping[str, Any] | None = None,
        risk: Risk = Risk.low,
    ) -> str:
        """Ask for a new case to be registered with this step; return its id.

        The id is derived from this case, this step and the request's order
        (the same in a replay), so an effect can link to it; the new case
        links back with ``back``. ``overlays`` carry over (a 领导包案
        assignment survives the hand-off); so may the matter's escalation ``risk``
        (the grade it was registered or re-assessed with).
        """
        n = sum(1 for f in self.follow_ups if isinstance(f, OpenCase))
        case_id = hashlib.sha256(f"{self.case_id}|{self.seq}|{n}".encode()).hexdigest()[:32]
        self.follow_ups.append(
            OpenCase(
                case_id,
                workflow,
                unit,
                channel,
                category,
                tuple(parties),
                summary,
                tuple(claims),
                amount,
                tuple(location),
                details,
                link,
                back,
                note,
                dict(overlays or {}),
                risk,
            )
        )
        return case_id

    def notify(self, case_id: str, step: str, **data: Any) -> None:
        """Ask for ``step`` to be taken on another case with this step."""
        self.follow_ups.append(Notify(case_id, step, data))

    @property
    def day(self) -> dt.date:
        """The business date of the step in the policy's time zone."""
        day = self._day
        if day is None:
            day = self._day = self.at.astimezone(self.policy.tz).date()
        return day


Guard = Callable[[Case, Context[Any]], Decision]
Effect = Callable[[Case, Context[Any]], Case]


def field(label: str, *, default: Any = attrs.NOTHING, **kwargs: Any) -> Any:
    """An inputs-class field with its Chinese label (shown by forms and error messages).

    Example:
        >>> @attrs.frozen
        ... class Reason:
        ...     reason: str = field("原因")
        >>> label_of(Reason, "reason")
        '原因'
    """
    metadata = dict(kwargs.pop("metadata", {}))
    metadata["label"] = label
    return attrs.field(default=default, metadata=metadata, **kwargs)


def nonblank(_inst: object, attribute: Any, value: str) -> None:
    """An attrs validator for inputs fields: text that is not only whitespace.

    Raises:
        ValidationError: naming the field.
    """
    if not value.strip():
        raise ValidationError(attribute.name, value, "must not be empty")


def nonblank_items(_inst: object, attribute: Any, value: tuple[str, ...]) -> None:
    """An attrs validator for a tuple of texts: none of them only whitespace.

    Raises:
        ValidationError: naming the field and the item (``mediators[1]``).
    """
    for i, item in enumerate(value):
        if not item.strip():
            raise ValidationError(f"{attribute.name}[{i}]", item, "must not be empty")


def label_of(cls: type, name: str) -> str:
    """The Chinese label of an inputs-class field (its name if none)."""
    for a in attrs.fields(cls):
        if a.name == name:
            return str(a.metadata.get("label", name))
    return name
