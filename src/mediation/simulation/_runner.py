"""The runner: drives the real engine on a virtual clock with discrete-event scheduling.

Each matter is a SimPy process: it is registered with ``engine.intake`` at its
arrival instant, then, state after state, the behaviour table draws what
happens next, the process waits the drawn delay on the virtual clock and
fires the trigger through ``engine.fire`` — the same rules, clocks and
holidays as any case. Busy states hold one of the unit's mediator slots (a
``simpy.Resource``); a case waits in the unit's queue until one is free.
The engine's clock is the virtual clock, and every call passes ``at=``.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from mediation import (
    Actor,
    Case,
    CaseKind,
    Engine,
    Link,
    LinkKind,
    MediationError,
    Party,
    Place,
    ValidationError,
)
from mediation.simulation._arrivals import derive_seed, generate
from mediation.simulation._behaviour import Spawn, SpawnPlan, StepContext, WorkflowBehaviour
from mediation.simulation._routing import TRACK_KINDS, Matter, Routing
from mediation.simulation._slots import Held, Slots
from mediation.simulation._timeline import DAY, Timeline

if TYPE_CHECKING:
    from mediation.simulation._scenario import Scenario

__all__ = ["Progress", "RunStats", "Runner", "gc_frozen", "replication_seed"]

Progress = Callable[[int, int], None]
"""Called with (days simulated, days in all) after each simulated day."""

_ROLES = ("clerk", "mediator", "director")
_NO_INPUTS: Mapping[str, Any] = MappingProxyType({})
_SYSTEM = Actor.system()
_PETITION = CaseKind.petition.value
_HANDED_OFF = "handed_off"
"""The spawn count of cases a step opened (a 转送, a 复查, a 访调对接)."""


_ORGANISATIONS = frozenset({"medical", "labour", "consumer", "property_management", "contract"})
"""Categories whose respondent is usually an organisation (a hospital, an employer, a firm)."""


def _parties(matter: Matter) -> tuple[Party, ...]:
    """The matter's two parties: invented, its own (a repeat names the same people)."""
    n = matter.index + 1
    applicant = Party.person(f"申请人{n}", role="applicant", address=f"（模拟）住址{n}-1")
    if matter.category in _ORGANISATIONS:
        respondent = Party.organisation(
            f"被申请单位{n}", role="respondent", address=f"（模拟）住所{n}"
        )
    else:
        respondent = Party.person(f"被申请人{n}", role="respondent", address=f"（模拟）住址{n}-2")
    return applicant, respondent


@attrs.frozen(slots=True)
class RunStats:
    """What the runner itself measured (the engine's data has the rest).

    Attributes:
        arrivals: External arrivals (matters).
        spawned: New cases registered by spawn rows, by row name.
        busy_seconds: Slot-seconds occupied, per unit.
        slots: Mediator slots, per unit.
        waits: (total seconds waited for a slot, number of waits), per unit.
        errors: Steps the engine refused, by ``trigger: reason`` (a behaviour
            table at odds with the rules; a correct scenario has none).
        seconds: Simulated seconds.
        petitions: Petition cases registered, or opened by a step, in the run.
    """

    arrivals: int
    spawned: Mapping[str, int]
    busy_seconds: Mapping[str, int]
    slots: Mapping[str, int]
    waits: Mapping[str, tuple[int, int]]
    errors: Mapping[str, int]
    seconds: int
    petitions: int = 0


class Runner:
    """One replication of a scenario on an engine.

    Args:
        scenario: The scenario.
        seed: This replication's seed.
        engine: The engine to drive; if omitted, one is built (:meth:`engine_for`)
            whose clock is this run's virtual clock (:meth:`now`).
        database: Build that engine on this new SQLite file instead of in memory.
        progress: Called after each simulated day.
        batch_days: Commit each so many simulated days in one transaction
            (``engine.batch()``); 0 commits every step on its own (fastest in
            memory, where a batch only adds its rollback snapshot).
        freeze_gc: Move what survives each simulated day out of the cyclic
            garbage collector's reach (``gc.freeze()``): the store's cases and
            events live until the run ends, and collections that walked all of
            them again and again cost a quarter of a county-year's run (the
            baseline year: 13.6 s, 10.1 s frozen). The caller unfreezes
            (:func:`gc_frozen` does both).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        *,
        engine: Engine | None = None,
        database: str | Path | None = None,
        progress: Progress | None = None,
        batch_days: int = 0,
        freeze_gc: bool = False,
    ) -> None:
        import simpy

        self.scenario = scenario
        self.seed = seed
        self.progress = progress
        self.batch_days = batch_days
        self.freeze_gc = freeze_gc
        self.env = simpy.Environment()
        policy = scenario.policy if engine is None else engine.policy
        self.timeline = Timeline(scenario.start, policy.tz, policy.calendar, scenario.office)
        self.engine = engine or self.engine_for(scenario, database, clock=self.now)
        self.policy = self.engine.policy
        self.routing: Routing = scenario.routing()
        self.behaviours = scenario.behaviours
        self.slots = Slots(self.env, scenario.capacity)
        self._errors: Counter[str] = Counter()
        self._spawned: Counter[str] = Counter()
        self._petitions = 0
        self._next_id = 0
        self._actors: dict[tuple[str, str, str, Any], Actor] = {}
        self._places: dict[str, tuple[Place, ...]] = {}
        self._summaries = {
            c: f"（模拟）{self.policy.categories[c].label}" for c in self.policy.categories
        }
        self._enters_busy: dict[tuple[str, str, str], bool] = {}
        self._roles: dict[tuple[str, str], str] = {}
        for name, table in self.behaviours.items():
            self._index(name, table)

    @staticmethod
    def engine_for(scenario: Scenario, database: str | Path | None = None, **kwargs: Any) -> Engine:
        """An engine for the scenario: in memory, or on a new SQLite file holding its org.

        Raises:
            ValidationError: ``database`` exists already (a run never overwrites a file).
        """
        if database is None:
            return Engine.in_memory(policy=scenario.engine_policy(), reader=_SYSTEM, **kwargs)
        path = Path(database)
        if path.exists():
            raise ValidationError(
                "database", str(path), "exists already; a run never overwrites a file"
            )
        return Engine.sqlite(
            path, policy=scenario.engine_policy(with_org=False), reader=_SYSTEM, **kwargs
        )

    def _index(self, name: str, table: WorkflowBehaviour) -> None:
        definition = self.engine.definition(name)
        for transition in definition.transitions:
            trigger = transition.trigger.value
            roles = {r.value for r in transition.roles}
            role = next((r for r in _ROLES if r in roles), min(roles) if roles else "clerk")
            self._roles.setdefault((name, trigger), role)
            dest_busy = transition.dest.value in table.busy
            for source in transition.source:
                key = (name, source.value, trigger)
                self._enters_busy[key] = self._enters_busy.get(key, False) or (
                    dest_busy and source.value not in table.busy
                )
        for state in table.states.values():
            for choice in state.choices:
                if choice.role is not None:
                    self._roles[(name, choice.trigger)] = choice.role
                elif choice.trigger in table.steps:
                    self._roles.setdefault((name, choice.trigger), "director")

    def now(self) -> dt.datetime:
        """The virtual clock: the business instant the simulation has reached."""
        return self.timeline.at(self._now())

    # -- the run -------------------------------------------------------------------

    def run(self) -> RunStats:
        """Simulate every day of the scenario; return what the runner measured."""
        scenario, env = self.scenario, self.env
        timeline = self.timeline
        if self.engine.org is None:
            self.engine.load_org(scenario.units, actor=_SYSTEM, at=timeline.at(0))
            # The engine's policy now holds the organisation: the rows' conditions read it
            # as the rules do (a court's own mediation is not reported to itself).
            self.policy = self.engine.policy
        matters = generate(
            scenario.arrivals,
            seed=self.seed,
            days=scenario.days,
            scale=scenario.arrival_scale,
            timeline=timeline,
            policy=self.policy,
            receiving=scenario.receiving,
            triage=scenario.triage,
        )
        env.process(self._source(matters))
        total = scenario.total_days
        every = scenario.supervise_every_days
        for day in range(total):
            with self._batch(day):
                env.run(until=(day + 1) * DAY)
            if every and (day + 1) % every == 0:
                end_of_day = timeline.at((day + 1) * DAY - 1)
                self.engine.supervise(at=end_of_day, limit=1000)
                self.engine.run_scheduled(at=end_of_day, limit=1000)  # 包案 reminders
            if self.freeze_gc:
                gc.freeze()
            if self.progress is not None:
                self.progress(day + 1, total)
        end = total * DAY
        return RunStats(
            arrivals=len(matters),
            spawned=dict(self._spawned),
            busy_seconds=self.slots.busy_seconds(end),
            slots={u: cap.slots for u, cap in scenario.capacity.items()},
            waits=self.slots.waits(),
            errors=dict(self._errors),
            seconds=end,
            petitions=self._petitions,
        )

    def _batch(self, day: int) -> Any:
        every = self.batch_days
        if every and day % every == 0:
            return self.engine.batch()
        return nullcontext()

    def _source(self, matters: list[Matter]) -> Generator[Any, Any, None]:
        env = self.env
        default = self.scenario.workflow
        for matter in matters:
            now = self._now()
            if matter.t > now:
                yield env.timeout(matter.t - now)
            rng = random.Random(matter.seed)
            workflow = matter.workflow or default
            arrival = self.behaviours[workflow].arrival
            unit = (
                self.routing.arrival_unit(matter)
                if arrival is None
                else arrival(matter, self.routing, self.policy)
            )
            env.process(self._case(matter, rng, unit, matter.channel, (), None, workflow))

    def _spawn(self, spawn: Spawn, ctx: StepContext, workflow: str) -> None:
        plan = spawn.plan(ctx)
        if plan is None:
            return
        delay = spawn.delay.pick(ctx.level, ctx.track, ctx.matter.category)
        t = self.timeline.advance(self._now(), delay.sample(ctx.rng), delay.unit)
        self.env.process(self._later(t, spawn.name, ctx, plan, plan.workflow or workflow))

    def _later(
        self, t: int, name: str, ctx: StepContext, plan: SpawnPlan, workflow: str
    ) -> Generator[Any, Any, None]:
        env = self.env
        now = self._now()
        if t > now:
            yield env.timeout(t - now)
        self._spawned[name] += 1
        yield from self._case(
            ctx.matter,
            ctx.rng,
            plan.unit,
            plan.channel,
            (plan.flag,),
            plan.floor,
            workflow,
            links=plan.links,
        )

    def _intake(
        self,
        matter: Matter,
        unit: str,
        channel: str,
        flags: tuple[str, ...],
        workflow: str,
        links: tuple[Link, ...] = (),
    ) -> Case:
        case_id = f"c{self._next_id:07d}"
        self._next_id += 1
        build = self.behaviours[workflow].intake
        details = None if build is None else build(matter, channel, self.routing, self.policy)
        return self.engine.intake(
            workflow=workflow,
            channel=channel,
            category=matter.category,
            parties=_parties(matter),
            summary=self._summaries[matter.category],
            unit=unit,
            actor=self.routing.actor(unit, "clerk"),
            at=self.timeline.at(self._now()),
            amount=matter.amount,
            location=self._location(matter.unit),
            flags=flags,
            case_id=case_id,
            details=details,
            links=links,
        )

    def _handed(self, before: Case, after: Case, matter: Matter) -> None:
        """Drive the cases a step opened (转送, 复查, 访调对接) with their workflows' tables."""
        known = {link.case_id for link in before.links if link.kind is LinkKind.handed_off_to}
        for link in after.links:
            if link.kind is not LinkKind.handed_off_to or link.case_id in known:
                continue
            self._spawned[_HANDED_OFF] += 1
            child = self.engine.get(link.case_id)
            self._petitions += child.kind == _PETITION
            if child.workflow not in self.behaviours:
                continue
            rng = random.Random(derive_seed(matter.seed, child.id))
            # the matter goes on where it was handed: on the track that unit runs
            kind = self.routing.org.get(child.unit).kind
            track = next((t for t, kinds in TRACK_KINDS.items() if kind in kinds), matter.track)
            mine = attrs.evolve(matter, skip_level=False, track=track)
            self.env.process(self._drive(child, mine, rng, None, child.workflow))

    def _location(self, unit: str) -> tuple[Place, ...]:
        """Where the matter arose: the units from the county down to the parties' village."""
        found = self._places.get(unit)
        if found is None:
            org = self.routing.org
            chain = reversed(org.ancestors(unit))
            found = self._places[unit] = tuple(Place(org.get(u).name) for u in chain)
        return found

    def _fire(
        self, case: Case, trigger: str, actor: Actor, ctx: StepContext, inputs: Mapping[str, Any]
    ) -> Case:
        return self.engine.fire(case.id, trigger, actor=actor, at=ctx.at, **inputs)

    def _case(
        self,
        matter: Matter,
        rng: random.Random,
        unit: str,
        channel: str,
        flags: tuple[str, ...],
        floor: str | None,
        workflow: str,
        links: tuple[Link, ...] = (),
    ) -> Generator[Any, Any, None]:
        try:
            case = self._intake(matter, unit, channel, flags, workflow, links)
        except MediationError as exc:
            self._error("intake", exc)
            return
        self._petitions += case.kind == _PETITION
        yield from self._drive(case, matter, rng, floor, workflow)

    def _drive(
        self,
        case: Case,
        matter: Matter,
        rng: random.Random,
        floor: str | None,
        workflow: str,
    ) -> Generator[Any, Any, None]:
        env, timeline = self.env, self.timeline
        table = self.behaviours[workflow]
        states, busy, mediators, waits = table.states, table.busy, table.mediators, table.waits
        steps = table.steps
        enters_busy = self._enters_busy
        advance, instant = timeline.advance, timeline.at
        category = matter.category
        ctx = StepContext(case, matter, rng, instant(int(env.now)), self.policy, self.routing)
        ctx.floor = floor
        held: Held | None = None
        fired = ctx.fired
        entered = True
        while True:
            if case.state in waits:
                # another case moves this one (a mediation's result): look each day
                waiting = case.state
                while case.state == waiting:
                    yield env.timeout(DAY)
                    case = self.engine.get(case.id)
                ctx.case = case
                ctx.level = case.level
                entered = True
                continue
            rows = states.get(case.state)
            if rows is None:
                break
            if entered:
                for spawn in rows.spawns:
                    p = spawn.p.get(ctx.level, ctx.track, category) or 0.0
                    if p > 0.0 and rng.random() < p:
                        self._spawn(spawn, ctx, workflow)
            ctx.choices = rows.choices
            choice = rows.pick(ctx)
            if choice is None:
                break
            delay = choice.delay.pick(ctx.level, ctx.track, category)
            now = int(env.now)
            t = advance(now, delay.sample(rng), delay.unit)
            if t > now:
                yield env.timeout(t - now)
                now = t
            trigger = choice.trigger
            if choice.when is not None:
                ctx.at = instant(now)
                if not choice.when(ctx):
                    # What it was drawn for no longer holds after the delay (the clock it
                    # would extend ran out meanwhile): the case chooses again, now.
                    entered = False
                    continue
            if held is None and enters_busy.get((workflow, case.state, trigger), False):
                held = yield from self.slots.acquire(case.unit)
                now = int(env.now)
                ctx.mediator = held.mediator_id
            ctx.at = instant(now)
            if choice.params:
                ctx.params = {
                    name: param.default.pick(ctx.level, ctx.track, category)
                    for name, param in choice.params.items()
                }
            inputs = choice.inputs(ctx) if choice.inputs is not None else _NO_INPUTS
            if mediators is not None and trigger == mediators[0] and ctx.mediator is not None:
                inputs = {**inputs, mediators[1]: [ctx.mediator]}
            if choice.actor is not None:
                actor = choice.actor(ctx)
            else:
                actor = self._actor(workflow, trigger, case.unit, inputs.get("unit"))
            before = case
            try:
                case = self._fire(case, trigger, actor, ctx, inputs)
            except MediationError as exc:
                self._error(trigger, exc)
                break
            entered = case.state != before.state or trigger not in steps
            if len(case.links) != len(before.links):
                self._handed(before, case, matter)
            ctx.case = case
            fired[trigger] = fired.get(trigger, 0) + 1
            ctx.level = case.level
            track = inputs.get("track")
            if track is not None:
                ctx.track = track
            if held is not None:
                if case.state not in busy:
                    self.slots.release(held)
                    held = None
                    ctx.mediator = None
                elif case.unit != held.unit:
                    self.slots.release(held)
                    held = yield from self.slots.acquire(case.unit)
                    ctx.mediator = held.mediator_id
        if held is not None:
            self.slots.release(held)

    def _now(self) -> int:
        """The virtual time (whole seconds: every timeout is a whole number of them)."""
        return int(self.env.now)

    def _actor(self, workflow: str, trigger: str, unit: str, dest: Any) -> Actor:
        key = (workflow, trigger, unit, dest)
        found = self._actors.get(key)
        if found is None:
            role = self._roles.get((workflow, trigger), "clerk")
            where = (
                self.routing.common(unit, dest) if isinstance(dest, str) and dest != unit else unit
            )
            found = self._actors[key] = self.routing.actor(where, role)
        return found

    def _error(self, trigger: str, exc: MediationError) -> None:
        reason = getattr(exc, "reason", None) or getattr(exc, "rule", None) or str(exc)
        self._errors[f"{trigger}: {type(exc).__name__}: {reason}"] += 1


def replication_seed(seed: int, index: int) -> int:
    """The seed of replication ``index`` of a run seeded ``seed``."""
    return derive_seed(seed, "replication", index) % (2**63)


@contextmanager
def gc_frozen() -> Iterator[None]:
    """Let a run freeze what survives each day (see :class:`Runner`); unfreeze afterwards.

    Everything frozen that is garbage by then is freed by reference counting
    as the run's engine goes; unfreezing hands the rest back to the collector.
    """
    try:
        yield
    finally:
        gc.unfreeze()
