"""The shapes every rule shares: a :class:`Decision` and the :class:`Context` it sees.

A guard is ``(case, context) -> Decision``; an effect is
``(case, context) -> Case``. Both are pure: everything they need (the time,
the actor, the trigger's data, the policy) arrives in the context; they read
no clock and touch no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from mediation._errors import ValidationError
from mediation.model import Actor, Case

if TYPE_CHECKING:
    from mediation.rules.policy import Policy

__all__ = ["ALLOW", "Context", "Decision", "Effect", "Guard", "refuse"]


@attrs.frozen(slots=True)
class Decision:
    """A rule's answer.

    Attributes:
        allowed: Whether the step may go ahead.
        reason: Why not (empty when allowed), in words a clerk can act on.
        basis: The legal source or policy the rule applies.
        rule: The rule's name.
    """

    allowed: bool
    reason: str = ""
    basis: str = ""
    rule: str = ""


ALLOW = Decision(True)
"""The shared "yes"."""


def refuse(rule: str, reason: str, basis: str = "") -> Decision:
    """Build a refusal."""
    return Decision(False, reason, basis, rule)


@attrs.define(slots=True)
class Context:
    """What a rule may look at besides the case.

    Attributes:
        at: Business time of the step (timezone-aware).
        actor: Who fires it.
        data: The trigger's inputs, already normalised to JSON-compatible values.
        policy: The engine's policy (calendar, periods, thresholds).
        seq: The number the audit event of this step will get; deadline ids use it
            so that replaying the log rebuilds the same ids.
    """

    at: dt.datetime
    actor: Actor
    data: Mapping[str, Any]
    policy: Policy
    seq: int

    @property
    def day(self) -> dt.date:
        """The business date of the step in the policy's time zone."""
        return self.at.astimezone(self.policy.tz).date()

    def require(self, name: str) -> Any:
        """Return input ``name`` or raise a :class:`ValidationError` naming it."""
        try:
            value = self.data[name]
        except KeyError:
            raise ValidationError(name, None, "this input is required for this step") from None
        if value is None or value == "":
            raise ValidationError(name, value, "this input is required for this step")
        return value


Guard = Callable[[Case, Context], Decision]
Effect = Callable[[Case, Context], Case]
