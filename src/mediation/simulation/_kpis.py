"""The figures of one replication, read back from the engine's cases and audit events.

Everything about cases is computed from what the engine stored — states,
levels, clocks and the audit log, through the public API (``find``,
``history``) — so the same function gives the same figures on the SQLite file
a run wrote, and a later ``engine.statistics`` can be checked against it.
Mediator occupancy and queue waits come from the runner (the engine does not
model mediators' time).

The schema is fixed by the policy's vocabularies, the level ladder and the
simulated months: every key is present in every replication (``None`` where
a rate has no denominator). Definitions:

- ``arrivals``: matters arriving from outside; by category and by channel.
- ``cases``: every case registered (arrivals, repeats, and on a workflow
  without a referral step the cases a referral registers: ``cases.referred_up``);
  ``closed`` (a closed state other than transferred out), ``open``,
  ``transferred_out``; ``matters.*`` the same for each matter's latest case.
  Conservation: ``arrivals = matters.closed + matters.open +
  matters.transferred_out`` and the same for cases.
- ``resolved.<level>``: share of agreements reached at that level (小事不出村…),
  the level where the agreement step was taken.
- ``success_rate`` (化解率): matters whose latest case reached an agreement,
  over matters ended (closed, not transferred out).
- ``funnel.<level>.<stage>``: steps of each stage taken at that level (a step
  counts where the case was when it was taken: a case referred up counts at
  both levels); ``cases`` the cases that were at the level, ``referred_up``
  those sent up from it after mediation failed, ``open`` those still there.
- ``on_time.<kind>``: clocks of that kind (:class:`~mediation.ClockKind`) closed in
  time over those closed met, breached or lapsed. The on-time rate a unit is assessed
  on is ``on_time.duty`` alone (issue 12: only duty clocks count); the other kinds are
  shown beside it and never mixed into it: a target (一般期限) is a reminder, a
  party's period lapses, another organ's period is not the unit's.
- ``breaches.<kind>``, ``overdue_open.<kind>``: clocks closed late; clocks still
  running past their due instant at the end.
- ``time_to_close.*``: days from registration to the closing step (cases);
  p90 is the nearest-rank 90th percentile.
- ``backlog.<YYYY-MM>``: cases open at the end of each month's last day.
- ``cases.handed_off``: cases a step opened at another organ (a petition's 转送,
  复查 or 复核, 访调对接): each is part of the matter it came from.
- ``petitions``, ``petitions.repeats``, ``baoan``, ``onestop_ended``, ``one_place``,
  ``one_place_rate``: as :meth:`Engine.statistics <mediation.Engine.statistics>`
  counts them over the simulated days (every petition case, each organ's
  handling counted; those linked ``repeat_of`` an earlier case, 重复信访; matters put
  under 领导包案, once each; one-stop cases that ended, those whose party went to one place
  only, 最多跑一地, and their share). ``petitions.closed``, ``petitions.open``,
  ``petitions.transferred_out`` split the petition cases by state: they add up
  to ``petitions``.
- ``utilisation.<level>``: mediator slots occupied over slots available;
  ``wait_days.<level>``: mean days a case waited for a slot.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from mediation import Case, CaseKind, ClockKind, DeadlineStatus, Engine, Event, LinkKind, OrgTree
from mediation.simulation._routing import MEDIATING_KINDS
from mediation.simulation._timeline import DAY
from mediation.workflows.steps import CoreStep

if TYPE_CHECKING:
    from mediation.simulation._runner import RunStats
    from mediation.simulation._scenario import Scenario

__all__ = [
    "LINK_FLAGS",
    "PETITION_KEYS",
    "Value",
    "case_figures",
    "conservation",
    "levels_of",
    "schema",
]

Value = int | float | None
"""A figure: a count, a rate or a mean, or ``None`` when undefined."""

LINK_FLAGS = ("referred_from:", "repeat_of:")
"""Flags linking a spawned case to the case it came from."""

PETITION_KEYS = (
    "petitions",
    "petitions.repeats",
    "petitions.closed",
    "petitions.open",
    "petitions.transferred_out",
    "baoan",
    "onestop_ended",
    "one_place",
    "one_place_rate",
)
"""The petition figures (信访, 领导包案, 最多跑一地), in output order."""

_STATISTICS = {
    "petitions": "petitions",
    "petitions.repeats": "repeat_petitions",
    "baoan": "baoan",
    "onestop_ended": "onestop_ended",
    "one_place": "one_place",
    "one_place_rate": "one_place_rate",
}
"""KPI -> the :class:`~mediation.Statistics` attribute it is read from."""

_STAGES = ("cases", "referred_up", "open")
_SUPERVISE = CoreStep.supervise.value
_STATUSES = ("met", "breached", "lapsed", "cancelled")


def levels_of(scenario: Scenario) -> list[str]:
    """The ladder's levels that have a mediating unit, lowest first."""
    used = {u.level for u in scenario.units if u.kind in MEDIATING_KINDS and u.active}
    return [lv.name for lv in scenario.policy.ladder.levels if lv.name in used]


def months_of(scenario: Scenario) -> list[tuple[int, str]]:
    """(day index, ``YYYY-MM``) of each month's last day within the simulated days."""
    out = []
    for day in range(scenario.total_days):
        date = scenario.start + dt.timedelta(days=day)
        if (date + dt.timedelta(days=1)).day == 1:
            out.append((day, f"{date:%Y-%m}"))
    return out


def schema(scenario: Scenario) -> list[str]:
    """Every KPI key of a replication of ``scenario``, in output order."""
    policy = scenario.policy
    levels = levels_of(scenario)
    table = scenario.behaviours[scenario.workflow]
    stages = [*_STAGES[:1], *(s for s, _ in table.funnel), *_STAGES[1:]]
    keys = ["arrivals"]
    keys += [f"arrivals.category.{c}" for c in policy.categories]
    keys += [f"arrivals.channel.{c}" for c in policy.channels]
    for group in ("matters", "cases"):
        if group == "cases":
            keys.append("cases")
        keys += [f"{group}.{s}" for s in ("closed", "open", "transferred_out")]
    keys += ["cases.referred_up", "cases.repeats", "cases.handed_off"]
    keys += ["agreements", "success_rate"]
    keys += [f"resolved.{lv}" for lv in levels]
    keys += [f"funnel.{lv}.{s}" for lv in levels for s in stages]
    kinds = [k.value for k in ClockKind]
    keys += [f"on_time.{k}" for k in kinds]
    keys += [f"breaches.{k}" for k in kinds] + [f"overdue_open.{k}" for k in kinds]
    keys += [f"clocks.{k}.{s}" for k in kinds for s in _STATUSES]
    keys += ["supervised", "time_to_close.mean", "time_to_close.median", "time_to_close.p90"]
    keys += [f"backlog.{m}" for _, m in months_of(scenario)]
    keys += [f"utilisation.{lv}" for lv in levels] + [f"wait_days.{lv}" for lv in levels]
    keys += PETITION_KEYS
    keys.append("errors")
    return keys


def _all_cases(engine: Engine, workflow: str | None) -> Iterator[Case]:
    page = 100_000
    offset = 0
    while True:
        found = engine.find(workflow=workflow, limit=page, offset=offset)
        yield from found
        if len(found) < page:
            return
        offset += page


def _parent(case: Case) -> str | None:
    """The case this one came from: a spawn's flag, or the case that opened it."""
    for flag in case.flags:
        for prefix in LINK_FLAGS:
            if flag.startswith(prefix):
                return flag[len(prefix) :]
    for link in case.links:
        if link.kind is LinkKind.handed_off_from:
            return link.case_id
    return None


def _handed(case: Case) -> bool:
    return any(link.kind is LinkKind.handed_off_from for link in case.links)


def _intake_unit(first: Event, case: Case, org: OrgTree) -> str:
    """The unit a case was registered at (its intake event records the case as registered)."""
    registered = first.data.get("case")
    unit = registered.get("unit") if isinstance(registered, Mapping) else None
    return unit if isinstance(unit, str) and unit in org else case.unit


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def nearest_rank(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile of sorted ``values`` (the smallest value with at
    least a share ``q`` of the values at or below it)."""
    return values[max(0, math.ceil(q * len(values)) - 1)]


def case_figures(
    engine: Engine, scenario: Scenario, stats: RunStats | None = None
) -> tuple[dict[str, Value], list[int]]:
    """The KPIs of one replication and its daily backlog, read from ``engine``.

    Args:
        engine: The engine the replication ran on (or one opened on its SQLite file).
        scenario: The scenario (schema, levels, months, behaviour table).
        stats: What the runner measured (occupancy, waits, errors); without it
            those figures are ``None``.

    Returns:
        (KPIs in :func:`schema` order, cases open at the end of each simulated day).
    """
    table = scenario.behaviours[scenario.workflow]
    tables = scenario.behaviours
    definitions = {name: engine.definition(name) for name in tables}
    org = scenario.org
    levels = levels_of(scenario)
    origin = dt.datetime.combine(scenario.start, dt.time(0), scenario.policy.tz)
    end = origin + dt.timedelta(days=scenario.total_days)
    total_days = scenario.total_days
    out: dict[str, Value] = dict.fromkeys(schema(scenario))
    for key in out:
        if key.startswith(
            (
                "arrivals",
                "matters.",
                "cases",
                "funnel.",
                "breaches.",
                "overdue_open.",
                "clocks.",
                "petitions.",
            )
        ):
            out[key] = 0
    out["agreements"] = out["supervised"] = out["errors"] = 0

    cases = list(_all_cases(engine, None))
    parents = {c.id: _parent(c) for c in cases}
    referred = Counter(
        p
        for c in cases
        if (p := parents[c.id]) is not None and any(f.startswith(LINK_FLAGS[0]) for f in c.flags)
    )
    latest: dict[str, Case] = {}
    diff = [0] * (total_days + 1)
    durations: list[float] = []
    agreed_ids: set[str] = set()
    agreed_level: Counter[str] = Counter()
    clocks: Counter[tuple[str, str]] = Counter()
    funnel: Counter[tuple[str, str]] = Counter()
    stage_of = {trigger: stage for stage, trigger in table.funnel}
    petition = CaseKind.petition.value

    def root(case_id: str) -> str:
        while (up := parents.get(case_id)) is not None and up in parents:
            case_id = up
        return case_id

    for case in cases:
        mine = tables.get(case.workflow, table)
        definition = definitions.get(case.workflow) or engine.definition(case.workflow)
        moves, returns, escalations = mine.moves, mine.returns, mine.escalations
        events: list[Event] = engine.history(case.id)
        unit = _intake_unit(events[0], case, org)
        trail: list[str] = []
        seen: set[str] = set()
        agreed_at: str | None = None
        closed_at = None
        for event in events:
            trigger = event.trigger
            if trigger in moves:
                to = event.data.get(moves[trigger])
                if isinstance(to, str) and to in org and to != unit:
                    if event.source in escalations and org.rank(to) > org.rank(unit):
                        funnel[(org.level_of(unit), "referred_up")] += 1
                    trail.append(unit)
                    unit = to
            elif trigger in returns and trail:
                unit = trail.pop()
            elif trigger == _SUPERVISE:
                out["supervised"] = int(out["supervised"] or 0) + 1
            stage = stage_of.get(trigger) if mine is table else None
            if stage is not None:
                level = org.level_of(unit)
                funnel[(level, stage)] += 1
                seen.add(level)
                if trigger in table.success:
                    agreed_at = level
            if closed_at is None and definition.is_closed(event.dest):
                closed_at = event.at
        level = case.level or org.level_of(case.unit)
        seen.add(level)
        for visited in seen:
            funnel[(visited, "cases")] += 1
        transferred = case.state in mine.transferred
        is_closed = definition.is_closed(case.state)
        bucket = "transferred_out" if transferred else "closed" if is_closed else "open"
        out[f"cases.{bucket}"] = int(out[f"cases.{bucket}"] or 0) + 1
        if case.kind == petition:
            out[f"petitions.{bucket}"] = int(out[f"petitions.{bucket}"] or 0) + 1
        if not is_closed:
            funnel[(level, "open")] += 1
        if case.id in referred:
            funnel[(level, "referred_up")] += 1
        if agreed_at is not None:
            agreed_ids.add(case.id)
            agreed_level[agreed_at] += 1
        if parents[case.id] is None:
            out["arrivals"] = int(out["arrivals"] or 0) + 1
            for key in (f"arrivals.category.{case.category}", f"arrivals.channel.{case.channel}"):
                if key in out:
                    out[key] = int(out[key] or 0) + 1
        elif _handed(case):
            out["cases.handed_off"] = int(out["cases.handed_off"] or 0) + 1
        elif any(f.startswith(LINK_FLAGS[1]) for f in case.flags):
            out["cases.repeats"] = int(out["cases.repeats"] or 0) + 1
        else:
            out["cases.referred_up"] = int(out["cases.referred_up"] or 0) + 1
        head = root(case.id)
        last = latest.get(head)
        if last is None or (case.received_at, case.id) > (last.received_at, last.id):
            latest[head] = case
        start = int((case.received_at - origin).total_seconds()) // DAY
        diff[max(0, min(start, total_days))] += 1
        if closed_at is not None and is_closed:
            stop = int((closed_at - origin).total_seconds()) // DAY
            diff[max(0, min(stop, total_days))] -= 1
            if not transferred:
                durations.append((closed_at - case.received_at).total_seconds() / DAY)
        for d in case.deadlines:
            kind = d.kind.value
            if d.status.is_open:
                if d.status is DeadlineStatus.running and d.due_at < end:
                    out[f"overdue_open.{kind}"] = int(out[f"overdue_open.{kind}"] or 0) + 1
            else:
                clocks[(kind, d.status.value)] += 1
    out["cases"] = len(cases)

    ended = success = 0
    for case in latest.values():
        definition = definitions.get(case.workflow) or engine.definition(case.workflow)
        if case.state in tables.get(case.workflow, table).transferred:
            bucket = "transferred_out"
        elif definition.is_closed(case.state):
            bucket = "closed"
            ended += 1
            success += case.id in agreed_ids
        else:
            bucket = "open"
        out[f"matters.{bucket}"] = int(out[f"matters.{bucket}"] or 0) + 1
    out["success_rate"] = _rate(success, ended)
    agreements = sum(agreed_level.values())
    out["agreements"] = agreements
    for lv in levels:
        out[f"resolved.{lv}"] = _rate(agreed_level[lv], agreements)
        for key in [k for k in out if k.startswith(f"funnel.{lv}.")]:
            out[key] = funnel[(lv, key.rsplit(".", 1)[1])]

    for kind in ClockKind:
        k = kind.value
        for status in _STATUSES:
            out[f"clocks.{k}.{status}"] = clocks[(k, status)]
        met, late = clocks[(k, "met")], clocks[(k, "breached")] + clocks[(k, "lapsed")]
        out[f"on_time.{k}"] = _rate(met, met + late)
        out[f"breaches.{k}"] = clocks[(k, "breached")]

    if durations:
        durations.sort()
        out["time_to_close.mean"] = statistics.fmean(durations)
        out["time_to_close.median"] = statistics.median(durations)
        out["time_to_close.p90"] = nearest_rank(durations, 0.9)
    backlog = []
    running = 0
    for day in range(total_days):
        running += diff[day]
        backlog.append(running)
    for day, month in months_of(scenario):
        out[f"backlog.{month}"] = backlog[day]
    _petition_figures(out, engine, scenario)
    if stats is not None:
        _runner_figures(out, scenario, stats, levels)
    else:
        out["errors"] = None
    return out, backlog


def _petition_figures(out: dict[str, Value], engine: Engine, scenario: Scenario) -> None:
    """Petitions, repeats, 包案 and 最多跑一地, read through ``engine.statistics`` over the
    simulated days (so the simulation and the statistics agree by construction)."""
    last = scenario.start + dt.timedelta(days=scenario.total_days - 1)
    figures = engine.statistics(since=scenario.start, until=last)
    for key, name in _STATISTICS.items():
        value = getattr(figures, name)
        out[key] = value if value is None or isinstance(value, float) else int(value)


def _runner_figures(
    out: dict[str, Value], scenario: Scenario, stats: RunStats, levels: list[str]
) -> None:
    level_of = {u.id: u.level for u in scenario.units}
    busy: Counter[str] = Counter()
    room: Counter[str] = Counter()
    waited: Counter[str] = Counter()
    waits: Counter[str] = Counter()
    for unit, slots in stats.slots.items():
        room[level_of[unit]] += slots * stats.seconds
        busy[level_of[unit]] += stats.busy_seconds.get(unit, 0)
    for unit, (total, count) in stats.waits.items():
        waited[level_of[unit]] += total
        waits[level_of[unit]] += count
    for lv in levels:
        out[f"utilisation.{lv}"] = _rate(busy[lv], room[lv])
        w = _rate(waited[lv], waits[lv])
        out[f"wait_days.{lv}"] = None if w is None else w / DAY
    out["errors"] = sum(stats.errors.values())


def conservation(kpis: Mapping[str, Value], backlog: list[int], stats: RunStats) -> list[str]:
    """What does not add up at the end of a replication (empty: everything is conserved).

    Checks, each from independent sources: the runner's arrivals are the
    engine's matters; ``arrivals = matters.closed + matters.open +
    matters.transferred_out``; the cases the runner registered (arrivals and
    spawns) are the engine's cases and ``cases = cases.closed + cases.open +
    cases.transferred_out``; the cases open by their states are the cases
    open by their audit logs (the last day's backlog); the petition cases the
    runner registered or saw opened are ``engine.statistics``' petitions, and
    ``petitions = petitions.closed + petitions.open + petitions.transferred_out``.
    """

    def parts(group: str) -> int:
        return sum(int(kpis[f"{group}.{s}"] or 0) for s in ("closed", "open", "transferred_out"))

    problems = []
    registered = stats.arrivals + sum(stats.spawned.values())
    checks = (
        ("runner arrivals = engine matters", stats.arrivals, kpis["arrivals"]),
        ("arrivals = matters closed + open + transferred out", kpis["arrivals"], parts("matters")),
        ("cases registered = engine cases", registered, kpis["cases"]),
        ("cases = closed + open + transferred out", kpis["cases"], parts("cases")),
        ("open by state = open by audit log", kpis["cases.open"], backlog[-1] if backlog else 0),
        ("runner petitions = engine petitions", stats.petitions, kpis["petitions"]),
        ("petitions = closed + open + transferred out", kpis["petitions"], parts("petitions")),
    )
    for what, left, right in checks:
        if left != right:
            problems.append(f"{what}: {left} != {right}")
    return problems
