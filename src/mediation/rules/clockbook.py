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
from typing import TYPE_CHECKING, Any

import attrs

from mediation._errors import DefinitionError
from mediation.model import ClockKind, Deadline
from mediation.rules.counting import (
    DueDate,
    PeriodUnit,
    compute_due,
    end_of_day,
    working_days_between,
)
from mediation.rules.periods import PERIODS, ClockHolder, PauseReason, PeriodRule, clock_kind

if TYPE_CHECKING:
    from mediation.rules.policy import Policy

__all__ = ["ClockBook", "ClockRule", "FixedClock", "StepClocks"]


@attrs.frozen(slots=True)
class FixedClock:
    """A clock whose last day is fixed by the parties, not counted from a period.

    Attributes:
        id: Stored on the deadline as its ``period``.
        name_zh: Chinese name.
        basis: The legal source.
        pausable_by: Reasons that stop it (none by default).
        holder: Whose date it is (the parties' by default: e.g. performance).
        soft: For the unit's own dates: a target, not a hard limit.
    """

    id: str
    name_zh: str
    basis: str
    pausable_by: frozenset[PauseReason] = frozenset()
    holder: ClockHolder = attrs.field(default=ClockHolder.parties, converter=ClockHolder)
    soft: bool = False

    @property
    def kind(self) -> ClockKind:
        """The kind of clock it opens (see :class:`~mediation.model.ClockKind`)."""
        return clock_kind(self.holder, self.soft)


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
        self._spans: dict[tuple[object, ...], tuple[int, bool]] = {}

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

    def kind(self, clock_id: str) -> ClockKind:
        """The kind of clock its rule opens (:attr:`PeriodRule.kind`)."""
        return self.rule(clock_id).kind

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
        policy = self.policy
        key = (clock_id, start, paused, extension, getattr(policy.calendar, "version", 0))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        rule = self.period(clock_id)
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

    def paused_span(self, unit: PeriodUnit, since: dt.date, until: dt.date) -> tuple[int, bool]:
        """How much of a period a pause over ``(since, until]`` did not count, and if provisionally.

        Paused time does not count (RULES.md §5.6; e.g. 医疗纠纷预防和处理条例
        第三十九条: appraisal time is not counted). For a working-day period
        only the working days of the pause are added back, so the count
        depends on the calendar: it is provisional when the pause crosses a
        year without an official notice.

        Raises:
            CalendarError: a strict calendar has no data for a day of the pause.
        """
        if until <= since:
            return 0, False
        if unit is not PeriodUnit.working_days:
            return (until - since).days, False
        calendar = self.policy.calendar
        key = ("#paused", since, until, getattr(calendar, "version", 0))
        hit = self._spans.get(key)
        if hit is not None:
            return hit
        count = working_days_between(since, until, calendar)
        first = since + dt.timedelta(days=1)
        provisional = any(
            calendar.is_estimate(max(first, dt.date(year, 1, 1)))
            for year in range(first.year, until.year + 1)
        )
        if len(self._spans) > 100_000:
            self._spans.clear()
        self._spans[key] = (count, provisional)
        return count, provisional

    def end_of(self, day: dt.date) -> dt.datetime:
        """The instant a period whose last day is ``day`` ends (民法典 第二百零三条第二款)."""
        policy = self.policy
        return end_of_day(day, close_of_business=policy.close_of_business, tz=policy.tz)

    def warn_from(self, deadline: Deadline) -> dt.date:
        """The first day the policy's warnings flag a deadline."""
        return self.policy.warnings.yellow_from(deadline.start, deadline.due)


_Key = tuple[str, dt.date, int, int]

_TEXTS: dict[int, tuple[dt.datetime, str]] = {}
"""The text of the last few instants a step logged, by identity: id → (the instant, held so
its id is not reused; its text). An instant's ISO text costs more than the rest of its row."""
_TEXTS_KEPT = 64


def _instant_text(at: dt.datetime) -> str:
    """``at.isoformat()``, remembered for the instants the clock table hands out again (a
    due instant is cached with its due date: the clocks opened the same day share it)."""
    hit = _TEXTS.get(id(at))
    if hit is not None and hit[0] is at:
        return hit[1]
    text = at.isoformat()
    if len(_TEXTS) >= _TEXTS_KEPT:
        _TEXTS.clear()
    _TEXTS[id(at)] = (at, text)
    return text


_SpanKey = tuple[str, dt.date, dt.date]


@attrs.frozen(slots=True)
class Recorded:
    """What an event's step computed from the calendar (its ``facts``), for its replay."""

    due: Mapping[_Key, tuple[DueDate, dt.datetime]]
    paused: Mapping[_SpanKey, tuple[int, bool]]


class StepClocks:
    """The clock table as one step sees it: its due dates are recorded, and a replay reuses them.

    A due date depends on calendar data that changes over time (a year's
    official holiday notice arrives; a locality changes its periods). So that
    replaying a case's log reproduces it exactly whatever the data is by then,
    every due date a step computes is logged with its event (the event's
    ``facts``), and a replay of that event answers from the log.

    Args:
        book: The engine's clock table.
        recorded: The answers logged with the event being replayed (``None``
            when the step is taken now).
        kinds: The case's workflow's own clock kinds (see :meth:`kind`).
    """

    __slots__ = ("_given", "_given_spans", "_kinds", "_recorded", "_spans", "book")

    def __init__(
        self,
        book: ClockBook,
        recorded: Recorded | None = None,
        kinds: Mapping[str, ClockKind] | None = None,
    ) -> None:
        self.book = book
        self._kinds = kinds
        self._given = None if recorded is None else recorded.due
        self._given_spans = None if recorded is None else recorded.paused
        self._recorded: dict[_Key, tuple[DueDate, dt.datetime]] = {}
        self._spans: dict[_SpanKey, tuple[int, bool]] = {}

    @property
    def policy(self) -> Policy:
        """The policy of the clock table."""
        return self.book.policy

    def rule(self, clock_id: str) -> ClockRule:
        """See :meth:`ClockBook.rule`."""
        return self.book.rule(clock_id)

    def period(self, clock_id: str) -> PeriodRule:
        """See :meth:`ClockBook.period`."""
        return self.book.period(clock_id)

    def kind(self, clock_id: str) -> ClockKind:
        """The kind a clock of ``clock_id`` opens with on this case's workflow.

        The rule's (:attr:`PeriodRule.kind`), unless the workflow version
        keeps another (:attr:`WorkflowDefinition.clock_kinds`).
        """
        if self._kinds:
            found = self._kinds.get(clock_id)
            if found is not None:
                return found
        return self.book.rule(clock_id).kind

    def end_of(self, day: dt.date) -> dt.datetime:
        """See :meth:`ClockBook.end_of`."""
        return self.book.end_of(day)

    def due(
        self, clock_id: str, start: dt.date, *, paused: int = 0, extension: int = 0
    ) -> tuple[DueDate, dt.datetime]:
        """See :meth:`ClockBook.due`; recorded (or, in a replay, answered from the record)."""
        key = (clock_id, start, paused, extension)
        if self._given is not None:
            found = self._given.get(key)
            if found is not None:
                self._recorded[key] = found
                return found
        result = self.book.due(clock_id, start, paused=paused, extension=extension)
        self._recorded[key] = result
        return result

    def paused_span(self, unit: PeriodUnit, since: dt.date, until: dt.date) -> tuple[int, bool]:
        """See :meth:`ClockBook.paused_span`; recorded (or, in a replay, answered from the record)."""
        key = (unit.value, since, until)
        if self._given_spans is not None:
            found = self._given_spans.get(key)
            if found is not None:
                self._spans[key] = found
                return found
        result = self.book.paused_span(unit, since, until)
        if unit is PeriodUnit.working_days and until > since:
            self._spans[key] = result
        return result

    def facts(self) -> dict[str, list[list[Any]]]:
        """What this step computed from the calendar, as canonical JSON-compatible rows.

        ``due``: ``[clock, start, paused, extension, due, due_at, provisional]``;
        ``paused``: ``[unit, since, until, count, provisional]``. Empty when
        the step computed nothing.
        """
        out: dict[str, list[list[Any]]] = {}
        if self._recorded:
            out["due"] = [
                [
                    k[0],
                    k[1].isoformat(),
                    k[2],
                    k[3],
                    d.due.isoformat(),
                    _instant_text(at),
                    d.estimated,
                ]
                for k, (d, at) in self._recorded.items()
            ]
        if self._spans:
            out["paused"] = [
                [k[0], k[1].isoformat(), k[2].isoformat(), n, provisional]
                for k, (n, provisional) in self._spans.items()
            ]
        return out

    @staticmethod
    def read(facts: Any) -> Recorded:
        """The answers logged by :meth:`facts` (an empty record for anything else)."""
        due: dict[_Key, tuple[DueDate, dt.datetime]] = {}
        paused: dict[_SpanKey, tuple[int, bool]] = {}
        if isinstance(facts, dict):
            for row in facts.get("due", ()):
                clock_id, start, n, extension, day, due_at, estimated = row
                key = (str(clock_id), dt.date.fromisoformat(start), int(n), int(extension))
                due[key] = (
                    DueDate(dt.date.fromisoformat(day), bool(estimated), None),
                    dt.datetime.fromisoformat(due_at),
                )
            for row in facts.get("paused", ()):
                unit, since, until, n, provisional = row
                span = (str(unit), dt.date.fromisoformat(since), dt.date.fromisoformat(until))
                paused[span] = (int(n), bool(provisional))
        return Recorded(due, paused)
