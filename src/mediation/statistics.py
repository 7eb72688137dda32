"""Statistics of a unit's cases over a date range: the figures a committee or centre reports.

:meth:`Engine.statistics <mediation.Engine.statistics>` returns a
:class:`Statistics`. The work is split in two so that every backend gives the
same figures:

1. a store *tallies* (:class:`Tally`): counts and integer sums grouped by a
   dimension and a key — computed in the database by the SQL store
   (``GROUP BY`` over ``cases``, ``deadlines`` and the JSON the cases carry,
   :mod:`mediation.store._stats_sql`), and here, in Python, for the memory
   store (:func:`tally_cases`);
2. :func:`build` turns a tally into rates, shares and durations (one code path
   for every backend).

Definitions (the window ``W`` is ``since`` 00:00 to the end of ``until``, in the
policy's time zone; "now" is ``as_of``, at most the end of ``W``):

- ``received``: cases registered in ``W``, by channel and by category; of these,
  as they stood at the end of ``W``: ``resolved`` (an agreement), ``failed``,
  ``transferred`` (transferred out or handed off to another track),
  ``other_ended`` (withdrawn, not accepted, closed without a recorded
  resolution) and ``open``. ``received = resolved + failed + transferred +
  other_ended + open``.
- A case *ends* when its workflow records a :class:`~mediation.rules.resolution.Resolution`
  (how, level, when); a case in a closed state without one ends when it was last
  changed, with ``how = "closed"``.
- ``closed_by``: cases that ended in ``W``, by how; ``resolved_by_level`` and
  ``resolved_share`` (小事不出村、大事不出镇、矛盾不上交): the agreements among them by the
  level that held the case (the org's level ladder); ``success_rate`` (化解率):
  agreements over agreements and failures that ended in ``W``.
- ``on_time`` (per clock period) and ``on_time_duty``: **duty clocks only**
  (:attr:`ClockKind.duty <mediation.model.ClockKind>`, the unit's statutory
  limits) due in ``W``: met over met, breached and still open past due at ``as_of``;
  a clock not yet due at ``as_of`` is pending and not counted. Within a subtree, a
  clock counts for the unit that held the case when it closed (:func:`clock_units`:
  a village that let its period pass, then referred the case up, breached it).
- ``time_to_close``: registration to end of the cases that ended in ``W``
  (whole seconds), mean, median and 90th percentile (nearest rank), in days.
- ``backlog``: cases open at the end of ``W``; ``backlog_daily``: at the end of
  each day of ``W`` (any date's backlog is the last day of a window ending there).
- ``referrals`` (moves between units that did not go back: neither returned nor
  refused by a party before the receiver took it) and ``handoffs`` (handed off to
  another track or organ, a ``handed_off_to`` link) of the cases received in ``W``,
  and per case.
- ``petitions`` received in ``W`` (case kind ``petition``), ``repeat_petitions``
  among them (a ``repeat_of`` link), ``baoan`` cases put under 领导包案 in ``W`` (a
  matter once: an assignment handed on with the matter, 转送 or 复查, counts on the
  case it went to), ``one_place_rate`` (最多跑一地): one-stop cases that ended in ``W`` whose party
  went to one place only. Zero (rates ``None``) when no such workflow is used.
- ``satisfaction``: callback visits (回访) made in ``W`` by the satisfaction
  recorded (structured :class:`~mediation.rules.dispute.Satisfaction`);
  ``satisfaction_rate``: satisfied or fairly satisfied over visits with an answer.

A rate with no denominator is ``None``. A case that ended before the window
counts for nothing in it (the SQL store skips it before parsing its body).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from mediation._codec import dumps
from mediation._errors import ValidationError
from mediation.model import (
    FIRST_YEAR,
    LAST_YEAR,
    Case,
    CaseKind,
    ClockKind,
    DeadlineStatus,
    LinkKind,
)
from mediation.rules import baoan, onestop
from mediation.rules.dispute import Satisfaction
from mediation.rules.resolution import resolution_of

__all__ = [
    "CLOSED_HOW",
    "CaseFacts",
    "Durations",
    "Statistics",
    "StatsQuery",
    "Tally",
    "build",
    "case_facts",
    "clock_units",
    "epoch",
    "tally_cases",
]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SECOND = dt.timedelta(seconds=1)
_DAY_S = 86_400

CLOSED_HOW = "closed"
"""How a case ended that is in a closed state without a recorded resolution."""

AGREEMENT = "agreement"
FAILED = "failed"
TRANSFERRED = frozenset({"transferred_out", "handed_off"})
"""Resolution ``how`` values that count as resolved, failed, transferred (the workflows' words)."""

# Dimensions of a tally: (dimension, key) -> (rows, sum).
CHANNEL = "channel"
CATEGORY = "category"
COHORT = "cohort"
"""Cases received in the window, by how they had ended at its end (key ``""``: open)."""
ENDED = "ended"
"""Cases that ended in the window, by how; sum: seconds from registration to end."""
LEVEL = "level"
"""Agreements that ended in the window, by level (key ``""``: none recorded)."""
OPENED_DAY = "opened_day"
CLOSED_DAY = "closed_day"
"""Cases received / ended on day ``key`` of the window (0-based)."""
OPEN_AT_START = "open_at_start"
MOVES = "moves"
"""Cases received in the window; key ``referrals`` or ``handoffs``; sum: how many."""
PETITIONS = "petitions"
"""Petitions received in the window; sum: those repeating an earlier petition."""
BAOAN = "baoan"
ONESTOP = "onestop"
"""One-stop cases that ended in the window; key ``one`` (one place) or ``more``."""
SATISFACTION = "satisfaction"
MEDIAN = "median"
P90 = "p90"
REFERRALS = "referrals"
HANDOFFS = "handoffs"
ONE_PLACE = "one"
MORE_PLACES = "more"
_OPEN_STATUSES = frozenset({DeadlineStatus.running.value, DeadlineStatus.paused.value})
_SATISFIED = frozenset({Satisfaction.satisfied.value, Satisfaction.fair.value})


def epoch(value: dt.datetime) -> int:
    """Whole seconds since 1970-01-01 UTC, rounded down (as the databases compute it)."""
    return (value - _EPOCH) // _SECOND


@attrs.frozen(slots=True)
class StatsQuery:
    """What a store tallies: a window, the moment "now", a data scope.

    Attributes:
        start: The window's first instant (aware).
        end: The instant after the window.
        as_of: "Now" for clocks still open (at most ``end``).
        units: Only cases owned by these units, and only clocks that count for them
            (:func:`clock_units`) (``None``: every unit).
        closed: ``"<workflow> <state>"`` of every closed state: a case there with
            no recorded resolution has ended.
    """

    start: dt.datetime
    end: dt.datetime
    as_of: dt.datetime
    units: frozenset[str] | None = None
    closed: frozenset[str] = frozenset()

    @property
    def start_s(self) -> int:
        """The window's start in epoch seconds."""
        return epoch(self.start)

    @property
    def end_s(self) -> int:
        """The window's end in epoch seconds."""
        return epoch(self.end)

    @property
    def days(self) -> int:
        """Days in the window."""
        return (self.end_s - self.start_s + _DAY_S - 1) // _DAY_S


@attrs.frozen(slots=True)
class Tally:
    """Raw counts a store computes; :func:`build` derives the figures from them.

    Attributes:
        counts: ``(dimension, key) -> (rows, sum)``.
        clocks: Duty clocks due in the window: ``(period, status, late) -> rows``
            (``late``: due before ``as_of``).
        quantiles: ``median`` / ``p90`` -> seconds to close (nearest rank).
    """

    counts: Mapping[tuple[str, str], tuple[int, int]]
    clocks: Mapping[tuple[str, str, bool], int]
    quantiles: Mapping[str, int]


@attrs.frozen(slots=True)
class Durations:
    """Registration to end, in days: how many, mean, median, 90th percentile (nearest rank)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


def _frozen(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value))


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@attrs.frozen(slots=True, eq=True, hash=False)
class Statistics:
    """The figures of a unit's subtree over a window (see the module docstring).

    Attributes:
        unit: The subtree's root (``None``: the actor's whole scope).
        since: First day of the window.
        until: Last day of the window.
        as_of: "Now" for open clocks.
        received: Cases registered in the window.
        by_channel: ... by intake channel (受理渠道).
        by_category: ... by category.
        resolved: Of the cases received, those ended with an agreement by the window's end.
        failed: ... ended as failed (调解不成).
        transferred: ... transferred out or handed off.
        other_ended: ... ended otherwise (withdrawn, not accepted, closed).
        open: ... still open.
        closed_by: Cases that ended in the window, by how.
        resolved_by_level: Agreements in the window by level (the org's ladder).
        resolved_share: ... as shares of every agreement in the window.
        success_rate: 化解率: agreements over agreements and failures in the window.
        duty_clocks: Duty clocks due in the window: met, breached, overdue (open, past due),
            pending (open, not yet due at ``as_of``).
        on_time: Per clock period: met over met, breached and overdue (duty clocks).
        on_time_duty: The same over every duty clock.
        time_to_close: Of the cases that ended in the window.
        backlog: Cases open at the end of the window.
        backlog_daily: ``(day, open at its end)`` for every day of the window.
        referrals: Moves between units of the cases received (not returned).
        handoffs: Hand-offs to another track or organ of the cases received.
        referrals_per_case: ``referrals / received``.
        handoffs_per_case: ``handoffs / received``.
        petitions: Petitions received (信访事项).
        repeat_petitions: ... repeating an earlier petition (重复信访).
        baoan: Matters put under 领导包案 in the window (counted on the case that holds
            the assignment now).
        onestop_ended: One-stop cases that ended in the window.
        one_place: ... whose party went to one place only (最多跑一地).
        one_place_rate: ``one_place / onestop_ended``.
        satisfaction: Callback visits in the window, by satisfaction.
        satisfaction_rate: Satisfied or fairly satisfied over visits with an answer.
    """

    unit: str | None
    since: dt.date
    until: dt.date
    as_of: dt.datetime
    received: int
    by_channel: Mapping[str, int] = attrs.field(converter=_frozen)
    by_category: Mapping[str, int] = attrs.field(converter=_frozen)
    resolved: int
    failed: int
    transferred: int
    other_ended: int
    open: int
    closed_by: Mapping[str, int] = attrs.field(converter=_frozen)
    resolved_by_level: Mapping[str, int] = attrs.field(converter=_frozen)
    resolved_share: Mapping[str, float | None] = attrs.field(converter=_frozen)
    success_rate: float | None
    duty_clocks: Mapping[str, int] = attrs.field(converter=_frozen)
    on_time: Mapping[str, float | None] = attrs.field(converter=_frozen)
    on_time_duty: float | None
    time_to_close: Durations
    backlog: int
    backlog_daily: tuple[tuple[dt.date, int], ...]
    referrals: int
    handoffs: int
    referrals_per_case: float | None
    handoffs_per_case: float | None
    petitions: int
    repeat_petitions: int
    baoan: int
    onestop_ended: int
    one_place: int
    one_place_rate: float | None
    satisfaction: Mapping[str, int] = attrs.field(converter=_frozen)
    satisfaction_rate: float | None

    def rows(self) -> list[tuple[str, str, int | float | None]]:
        """Every figure as ``(metric, key, value)``, in a fixed order (the CSV report's rows)."""
        out: list[tuple[str, str, int | float | None]] = [("received", "", self.received)]
        out += [("received.channel", k, v) for k, v in self.by_channel.items()]
        out += [("received.category", k, v) for k, v in self.by_category.items()]
        for name in ("resolved", "failed", "transferred", "other_ended", "open"):
            out.append((f"received.{name}", "", getattr(self, name)))
        out += [("closed", k, v) for k, v in self.closed_by.items()]
        out += [("resolved.level", k, v) for k, v in self.resolved_by_level.items()]
        out += [("resolved.share", k, v) for k, v in self.resolved_share.items()]
        out.append(("success_rate", "", self.success_rate))
        out += [("duty_clocks", k, v) for k, v in self.duty_clocks.items()]
        out += [("on_time", k, v) for k, v in self.on_time.items()]
        out.append(("on_time_duty", "", self.on_time_duty))
        ttc = self.time_to_close
        out += [
            ("time_to_close.count", "", ttc.count),
            ("time_to_close.mean", "", ttc.mean),
            ("time_to_close.median", "", ttc.median),
            ("time_to_close.p90", "", ttc.p90),
            ("backlog", "", self.backlog),
        ]
        out += [("backlog.daily", d.isoformat(), n) for d, n in self.backlog_daily]
        for name in (
            "referrals",
            "handoffs",
            "referrals_per_case",
            "handoffs_per_case",
            "petitions",
            "repeat_petitions",
            "baoan",
            "onestop_ended",
            "one_place",
            "one_place_rate",
        ):
            out.append((name, "", getattr(self, name)))
        out += [("satisfaction", k, v) for k, v in self.satisfaction.items()]
        out.append(("satisfaction_rate", "", self.satisfaction_rate))
        return out


# -- the memory store's tally (Python) -------------------------------------------------


@attrs.frozen(slots=True)
class CaseFacts:
    """What the statistics read of one case, whatever its window: the one definition of it.

    The memory store tallies these (:func:`tally_cases`); the SQL store keeps them in
    columns of the case's row (:meth:`row`), written with every step, and tallies them
    in the database. Instants are whole epoch seconds (:func:`epoch`).

    Attributes:
        channel: The intake channel.
        rec_s: When it was received.
        how: How it ended, from its recorded resolution (``None``: none recorded).
        end_s: When it ended, from its recorded resolution.
        level: The level that held it when it ended.
        last_s: Its latest step (a case in a closed state with no resolution ended then).
        refs: Moves between units, not returned.
        hands: Hand-offs to another track or organ (``handed_off_to`` links).
        repeat: A petition repeating an earlier one (a ``repeat_of`` link).
        baoan_s: When it was put under 领导包案 (``None``: never, or handed on with the matter).
        places: Places its party went to, for a one-stop (最多跑一地) case (``None``: not one).
        visits: Callback visits: ``(instant, satisfaction)``.
    """

    channel: str
    rec_s: int
    how: str | None
    end_s: int | None
    level: str | None
    last_s: int | None
    refs: int = 0
    hands: int = 0
    repeat: bool = False
    baoan_s: int | None = None
    places: int | None = None
    visits: tuple[tuple[int, str], ...] = ()

    def ended(self, closed: bool) -> tuple[str, int, str | None] | None:
        """How, when and at which level it ended (``closed``: its state is a closed one)."""
        if self.how is not None and self.end_s is not None:
            return self.how, self.end_s, self.level
        if closed and self.last_s is not None:
            return CLOSED_HOW, self.last_s, None
        return None

    def row(self) -> dict[str, Any]:
        """The SQL store's columns of these facts (``visits``: JSON text, ``None`` if none)."""
        return {
            "channel": self.channel,
            "rec_s": self.rec_s,
            "end_how": self.how,
            "end_s": self.end_s,
            "end_level": self.level,
            "last_s": self.last_s,
            "refs": self.refs,
            "hands": self.hands,
            "repeats": int(self.repeat),
            "baoan_s": self.baoan_s,
            "places": self.places,
            "visits": dumps([list(v) for v in self.visits]) if self.visits else None,
        }


def case_facts(case: Case) -> CaseFacts:
    """Read :class:`CaseFacts` off ``case`` (what it reads, :func:`same_facts` compares)."""
    found = resolution_of(case)
    lead = case.overlays.get(baoan.OVERLAY)
    stop = case.overlays.get(onestop.OVERLAY)
    links = case.links
    return CaseFacts(
        channel=case.channel,
        rec_s=epoch(case.received_at),
        how=None if found is None else found.how,
        end_s=None if found is None else epoch(found.at),
        level=None if found is None else found.level,
        last_s=None if case.updated_at is None else epoch(case.updated_at),
        # A referral that went back (returned, or refused before it was taken) moved
        # the case out and back: the sender holds it, nothing was passed on.
        refs=sum(
            1 for r in getattr(case.details, "referrals", ()) if not getattr(r, "went_back", False)
        ),
        hands=sum(1 for link in links if link.kind is LinkKind.handed_off_to),
        repeat=case.kind == CaseKind.petition.value
        and any(link.kind is LinkKind.repeat_of for link in links),
        baoan_s=None if lead is None or lead.handed_to else epoch(lead.assigned_at),
        # 复查 / 复核 requests are the petitioner's right, not second places. A case that
        # handed the matter on to another unit's case is not counted: that case carries
        # every place, and the party's matter counts once, where it ended.
        places=None if stop is None or stop.handed_on(case.unit) else stop.places_visited,
        visits=tuple(
            (epoch(v.at), str(v.satisfaction)) for v in getattr(case.details, "visits", ())
        ),
    )


def clock_units(case: Case) -> tuple[str, ...]:
    """The unit each of ``case.deadlines`` counts for: the one that held the case when
    the clock closed, or holds it now if the clock is open.

    A case moves between units (分流交办, RULES.md §7.3) and each unit answers for its own
    clocks: a village that let its period pass and then referred the case up breached it,
    not the town that received it. The moves come from the details' ``unit_moves()``
    method, if its workflow's details type has one: every change of the holding unit as
    ``(when, from, to)``, in order. A workflow whose cases never move has none, and every
    clock counts for the case's unit. A move at the very instant a clock closed comes
    after it: the step that refers a case closes the sender's clocks first.
    """
    moves_of = getattr(case.details, "unit_moves", None)
    moves: tuple[tuple[dt.datetime, str, str], ...] = () if moves_of is None else moves_of()
    if not moves:
        return (case.unit,) * len(case.deadlines)
    units: list[str] = []
    for d in case.deadlines:
        closed = d.closed_at
        if d.status.is_open or closed is None:
            units.append(case.unit)
            continue
        held = moves[0][1]
        for at, _sender, receiver in moves:
            if at >= closed:
                break
            held = receiver
        units.append(held)
    return tuple(units)


def same_facts(old: Case, new: Case) -> bool:
    """Whether ``new`` has the :class:`CaseFacts` of ``old`` but for ``last_s``.

    True when every value :func:`case_facts` reads, its latest step aside, is the very
    same object in both cases (a step's ``evolve`` keeps what it does not change): a
    store holding ``old``'s facts then only moves ``last_s``. Keep the two in step.
    """
    if new.intake is not old.intake or new.overlays is not old.overlays:
        return False
    if new.links is not old.links or new.unit != old.unit or new.kind != old.kind:
        return False
    if new.details is old.details:
        return True
    a, b = old.details, new.details
    return getattr(a, "referrals", ()) is getattr(b, "referrals", ()) and getattr(
        a, "visits", ()
    ) is getattr(b, "visits", ())


def tally_cases(cases: Iterable[Case], query: StatsQuery) -> Tally:
    """Tally ``cases`` in Python (the memory store; any store that holds case values).

    Mirrors the SQL of :mod:`mediation.store._stats_sql` exactly: both count
    :class:`CaseFacts`.
    """
    counts: Counter[tuple[str, str]] = Counter()
    sums: Counter[tuple[str, str]] = Counter()
    clocks: Counter[tuple[str, str, bool]] = Counter()
    durations: list[int] = []
    start, end, start_s, end_s = query.start, query.end, query.start_s, query.end_s
    as_of = query.as_of

    def add(dim: str, key: str, value: int = 0) -> None:
        counts[(dim, key)] += 1
        sums[(dim, key)] += value

    units = query.units
    for case in cases:
        # Each clock counts for the unit it ran at (clock_units), the rest for the case's.
        held: tuple[str, ...] = () if units is None else clock_units(case)
        for i, d in enumerate(case.deadlines):
            # Due in W: its last day is in W — ``due_at`` is the end of that day (24:00),
            # so the window's own end counts and its start does not.
            due = d.kind is ClockKind.duty and start < d.due_at <= end
            if due and (units is None or held[i] in units):
                clocks[(d.period, d.status.value, d.due_at < as_of)] += 1
        if units is not None and case.unit not in units:
            continue
        f = case_facts(case)
        if f.baoan_s is not None and start_s <= f.baoan_s < end_s:
            # Once per matter, on the case the assignment went to — which a transfer after
            # the window may have opened later (it carries the assignment's own time).
            add(BAOAN, "")
        if case.received_at >= end:
            continue
        rec_s = f.rec_s
        ended = f.ended(f"{case.workflow} {case.state}" in query.closed)
        end_at_s = None if ended is None else ended[1]
        if rec_s >= start_s:
            add(CHANNEL, f.channel)
            add(CATEGORY, case.category)
            how = ended[0] if ended is not None and ended[1] < end_s else ""
            add(COHORT, how)
            add(OPENED_DAY, str((rec_s - start_s) // _DAY_S))
            add(MOVES, REFERRALS, f.refs)
            add(MOVES, HANDOFFS, f.hands)
            if case.kind == CaseKind.petition.value:
                add(PETITIONS, "", int(f.repeat))
        elif end_at_s is None or end_at_s >= start_s:
            add(OPEN_AT_START, "")
        if ended is not None and start_s <= ended[1] < end_s:
            how, at_s, level = ended
            add(ENDED, how, at_s - rec_s)
            durations.append(at_s - rec_s)
            add(CLOSED_DAY, str((at_s - start_s) // _DAY_S))
            if how == AGREEMENT:
                add(LEVEL, level or "")
            if f.places is not None:
                add(ONESTOP, ONE_PLACE if f.places <= 1 else MORE_PLACES)
        if rec_s < start_s and end_at_s is not None and end_at_s < start_s:
            continue  # ended before the window: nothing of it is counted
        for at_s, satisfaction in f.visits:
            if start_s <= at_s < end_s:
                add(SATISFACTION, satisfaction)
    durations.sort()
    quantiles: dict[str, int] = {}
    if durations:
        n = len(durations)
        quantiles[MEDIAN] = durations[(n + 1) // 2 - 1]
        quantiles[P90] = durations[(9 * n + 9) // 10 - 1]
    return Tally(
        counts={k: (counts[k], sums[k]) for k in counts},
        clocks=dict(clocks),
        quantiles=quantiles,
    )


# -- figures from a tally ---------------------------------------------------------------


def _keyed(counts: Mapping[tuple[str, str], tuple[int, int]], dim: str) -> dict[str, int]:
    return {k: n for (d, k), (n, _) in counts.items() if d == dim}


def _ordered(found: Mapping[str, int], first: Iterable[str]) -> dict[str, int]:
    """``found`` with the keys of ``first`` first (zero when absent), the rest sorted."""
    out = {k: found.get(k, 0) for k in first}
    out.update({k: found[k] for k in sorted(found) if k not in out})
    return out


def build(
    query: StatsQuery,
    tally: Tally,
    *,
    unit: str | None,
    levels: Iterable[str],
    channels: Iterable[str] = (),
    categories: Iterable[str] = (),
    tz: dt.tzinfo,
) -> Statistics:
    """The figures from a store's tally (the same code for every backend).

    Args:
        query: What was tallied.
        tally: The store's counts.
        unit: The subtree's root, for display.
        levels: The org's level names, lowest first (keys of ``resolved_by_level``).
        channels: Channel codes listed even when zero.
        categories: Category codes listed even when zero.
        tz: The time zone of the window's days.
    """
    counts = tally.counts

    def one(dim: str, key: str = "") -> tuple[int, int]:
        return counts.get((dim, key), (0, 0))

    cohort = _keyed(counts, COHORT)
    received = sum(cohort.values())
    resolved = cohort.get(AGREEMENT, 0)
    failed = cohort.get(FAILED, 0)
    transferred = sum(n for k, n in cohort.items() if k in TRANSFERRED)
    still_open = cohort.get("", 0)
    other = received - resolved - failed - transferred - still_open

    ended = _keyed(counts, ENDED)
    agreements = ended.get(AGREEMENT, 0)
    level_names = list(levels)
    by_level = _ordered(_keyed(counts, LEVEL), level_names)
    by_level.pop("", None)
    share = {k: _rate(n, agreements) for k, n in by_level.items()}

    met = breached = overdue = pending = 0
    per_period: dict[str, list[int]] = {}
    for (period, status, late), n in sorted(tally.clocks.items()):
        row = per_period.setdefault(period, [0, 0])
        if status == DeadlineStatus.met.value:
            met += n
            row[0] += n
            row[1] += n
        elif status in _OPEN_STATUSES:
            # A paused clock is not late: the time it stands still is not counted, and its
            # due date moves on when it resumes (RULES.md §5.6; ``due`` lists none either).
            if late and status != DeadlineStatus.paused.value:
                overdue += n
                row[1] += n
            else:
                pending += n
        elif status in (DeadlineStatus.breached.value, DeadlineStatus.lapsed.value):
            breached += n
            row[1] += n
    on_time = {p: _rate(ok, all_) for p, (ok, all_) in sorted(per_period.items()) if all_}

    n_closed = sum(ended.values())
    total_s = sum(s for (d, _), (_, s) in counts.items() if d == ENDED)
    median = tally.quantiles.get(MEDIAN)
    p90 = tally.quantiles.get(P90)
    durations = Durations(
        n_closed,
        None if not n_closed else total_s / n_closed / _DAY_S,
        None if median is None else median / _DAY_S,
        None if p90 is None else p90 / _DAY_S,
    )

    opened = _keyed(counts, OPENED_DAY)
    closed_days = _keyed(counts, CLOSED_DAY)
    level = one(OPEN_AT_START)[0]
    first = query.start.astimezone(tz).date()
    daily = []
    for i in range(query.days):
        level += opened.get(str(i), 0) - closed_days.get(str(i), 0)
        daily.append((first + dt.timedelta(days=i), level))

    refs = one(MOVES, REFERRALS)[1]
    hands = one(MOVES, HANDOFFS)[1]
    petitions, repeats = one(PETITIONS)
    stop_one = one(ONESTOP, ONE_PLACE)[0]
    stop_all = stop_one + one(ONESTOP, MORE_PLACES)[0]
    satisfaction = _ordered(_keyed(counts, SATISFACTION), (s.value for s in Satisfaction))
    answered = sum(n for k, n in satisfaction.items() if k != Satisfaction.unknown.value)
    happy = sum(n for k, n in satisfaction.items() if k in _SATISFIED)
    last = query.end.astimezone(tz).date() - dt.timedelta(days=1)
    return Statistics(
        unit=unit,
        since=first,
        until=last,
        as_of=query.as_of,
        received=received,
        by_channel=_ordered(_keyed(counts, CHANNEL), channels),
        by_category=_ordered(_keyed(counts, CATEGORY), categories),
        resolved=resolved,
        failed=failed,
        transferred=transferred,
        other_ended=other,
        open=still_open,
        closed_by=_ordered(ended, ()),
        resolved_by_level=by_level,
        resolved_share=share,
        success_rate=_rate(agreements, agreements + ended.get(FAILED, 0)),
        duty_clocks={"met": met, "breached": breached, "overdue": overdue, "pending": pending},
        on_time=on_time,
        on_time_duty=_rate(met, met + breached + overdue),
        time_to_close=durations,
        backlog=daily[-1][1] if daily else level,
        backlog_daily=tuple(daily),
        referrals=refs,
        handoffs=hands,
        referrals_per_case=_rate(refs, received),
        handoffs_per_case=_rate(hands, received),
        petitions=petitions,
        repeat_petitions=repeats,
        baoan=one(BAOAN)[0],
        onestop_ended=stop_all,
        one_place=stop_one,
        one_place_rate=_rate(stop_one, stop_all),
        satisfaction=satisfaction,
        satisfaction_rate=_rate(happy, answered),
    )


def window(since: object, until: object, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants of a window of days ``since`` … ``until`` (both included) in ``tz``.

    Raises:
        ValidationError: not dates between 1900 and 2199 (``since``/``until`` named), or
            ``until`` before ``since``.
    """
    for name, value in (("since", since), ("until", until)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValidationError(name, value, "a date (datetime.date)")
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(name, value, f"a date between {FIRST_YEAR} and {LAST_YEAR}")
    assert isinstance(since, dt.date)
    assert isinstance(until, dt.date)
    if until < since:
        raise ValidationError("until", until, f"on or after since ({since.isoformat()})")
    start = dt.datetime.combine(since, dt.time(0), tz)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tz)
    return start, end
