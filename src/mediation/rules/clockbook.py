"""The clock table an engine runs with: which rule each clock follows, and its due dates.

A clock follows either a period of the table (:class:`~mediation.rules.periods.PeriodRule`:
counted on the official calendar) or a date the parties fixed
(:class:`FixedClock`: an agreement's performance date). The table is the
national one (:data:`~mediation.rules.periods.PERIODS`), plus the clocks the
registered workflows bring, with the policy's own rules over both (a
locality's acceptance period, say).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from mediation._errors import DefinitionError
from mediation.model import Deadline
from mediation.rules.counting import DueDate, compute_due, end_of_day
from mediation.rules.periods import PERIODS, PauseReason, PeriodRule

if TYPE_CHECKING:
    from mediation.rules.policy import Policy

__all__ = ["ClockBook", "ClockRule", "FixedClock"]


@attrs.frozen(slots=True)
class FixedClock:
    """A clock whose last day is fixed by the parties, not counted from a period.

    Attributes:
        id: Stored on the deadline as its ``period``.
        name_zh: Chinese name.
        basis: The legal source.
        pausable_by: Reasons that stop it (none by default).
    """

    id: str
    name_zh: str
    basis: str
    pausable_by: frozenset[PauseReason] = frozenset()


ClockRule = PeriodRule | FixedClock
"""What a deadline follows."""


class ClockBook:
    """Clock rules by id, and cached due-date arithmetic on the policy's calendar.

    Args:
        policy: The engine's policy (calendar, roll policy, close of business,
            time zone, and its own period rules, which win).
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._extra: dict[str, ClockRule] = {}
        self._cache: dict[tuple[object, ...], tuple[DueDate, dt.datetime]] = {}

    def add(self, rule: ClockRule) -> None:
        """Make a workflow's own clock known (the same id twice must be the same rule).

        Raises:
            DefinitionError: another rule already has this id.
        """
        if not isinstance(rule, PeriodRule | FixedClock):
            raise DefinitionError(f"a clock is a PeriodRule or FixedClock, not {rule!r}")
        known = self._extra.get(rule.id) or PERIODS.get(rule.id)
        if known is not None and known != rule:
            raise DefinitionError(f"clock id {rule.id!r} is already taken by another rule")
        self._extra[rule.id] = rule

    @property
    def extra(self) -> Mapping[str, ClockRule]:
        """The clocks the registered workflows brought."""
        return dict(self._extra)

    def rule(self, clock_id: str) -> ClockRule:
        """The rule a clock follows.

        Raises:
            DefinitionError: unknown id.
        """
        found = self.policy.periods.get(clock_id) or self._extra.get(clock_id)
        if found is None:
            found = PERIODS.get(clock_id)
        if found is None:
            raise DefinitionError(f"unknown clock id {clock_id!r}")
        return found

    def period(self, clock_id: str) -> PeriodRule:
        """The period rule of a counted clock.

        Raises:
            DefinitionError: unknown id, or a clock on an agreed date.
        """
        rule = self.rule(clock_id)
        if not isinstance(rule, PeriodRule):
            raise DefinitionError(f"clock {clock_id!r} is a date the parties agreed, not a period")
        return rule

    def due(
        self, clock_id: str, start: dt.date, *, paused: int = 0, extension: int = 0
    ) -> tuple[DueDate, dt.datetime]:
        """Compute (and cache) the due date and instant of a period.

        Raises:
            DefinitionError: unknown period.
            CalendarError: the period reaches a year without official holiday data.
        """
        key = (clock_id, start, paused, extension)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        rule = self.period(clock_id)
        policy = self.policy
        due = compute_due(
            start,
            rule.length,
            rule.unit,
            calendar=policy.calendar,
            paused=paused,
            extension=extension,
            roll=policy.roll,
        )
        result = (due, self.end_of(due.due))
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def end_of(self, day: dt.date) -> dt.datetime:
        """The instant a period whose last day is ``day`` ends (民法典 第二百零三条第二款)."""
        policy = self.policy
        return end_of_day(day, close_of_business=policy.close_of_business, tz=policy.tz)

    def warn_from(self, deadline: Deadline) -> dt.date:
        """The first day the policy's warnings flag a deadline."""
        return self.policy.warnings.yellow_from(deadline.start, deadline.due)
