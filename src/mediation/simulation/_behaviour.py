"""The behaviour table: what happens next to a case, with what probability and delay.

A simulation does not script cases by hand: for each workflow it has a
:class:`WorkflowBehaviour`, a table keyed by state. In each state one of the
state's :class:`Choice` rows is drawn (its probability may depend on the
case's level, track and category), the case waits the row's delay, and the
runner fires the row's trigger through the engine with the inputs the row
builds. A :class:`Spawn` row is an independent event on entering a state:
with its probability, a new case is registered later (a referral to the next
level, a repeat petition). States listed as ``busy`` hold one of the owning
unit's mediator slots; a case waits in the unit's queue until one is free.

New kinds of step arrive as rows: when the referral, 三调联动 hand-off or
petition workflows land, their triggers and steps get rows of their own
(and petitions a table of their own), and a scenario tunes their numbers
under ``[behaviour.<workflow>.<state>.<row>]`` like any other.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from mediation import Actor, Case, DefinitionError, Link, Policy, WorkflowDefinition
from mediation.simulation._distributions import Delay, Keyed, KeySpace
from mediation.simulation._toml import Node

if TYPE_CHECKING:
    from mediation.simulation._routing import Matter, Routing

__all__ = [
    "Choice",
    "Param",
    "Spawn",
    "SpawnPlan",
    "StateBehaviour",
    "StepContext",
    "WorkflowBehaviour",
]


@attrs.define(slots=True)
class StepContext:
    """What a row's inputs builder and condition see about the case at hand.

    Attributes:
        case: The case as the engine returned it after its last step.
        matter: The matter (the arrival it came from, with its category and amount).
        rng: The matter's own random stream.
        at: The business instant the step is taken at.
        policy: The engine's policy (callbacks required, tracks...).
        routing: The scenario's triage policy over the org tree.
        fired: How many times each trigger was fired on this case.
        level: The case's level (after triage).
        track: The track chosen at triage.
        mediator: The mediator holding the case, if any.
        floor: The lowest level this case may be triaged to (a referral's level).
        params: The drawn row's tunables, resolved for this case.
        memo: What rows note for later rows of the same case (e.g. triage's target unit).
        choices: The rows of the current state (a condition may need another
            row's number before any row is drawn: :meth:`row_param`).
    """

    case: Case
    matter: Matter
    rng: random.Random
    at: dt.datetime
    policy: Policy
    routing: Routing
    fired: dict[str, int] = attrs.field(factory=dict)
    level: str | None = None
    track: str | None = None
    mediator: str | None = None
    floor: str | None = None
    params: dict[str, float] = attrs.field(factory=dict)
    memo: dict[str, Any] = attrs.field(factory=dict)
    choices: tuple[Choice, ...] = ()

    def param(self, name: str) -> float:
        """A tunable of the row being taken (its scenario value or default)."""
        return self.params[name]

    def row_param(self, row: str, name: str) -> float:
        """A tunable of another row of the current state (its scenario value or default).

        Raises:
            KeyError: the state has no such row, or the row no such tunable.
        """
        for choice in self.choices:
            if choice.key == row:
                param = choice.params[name]
                return param.default.pick(self.level, self.track, self.matter.category)
        raise KeyError(f"no row {row!r} in this state")


InputsBuilder = Callable[[StepContext], Mapping[str, Any]]
"""Builds a trigger's inputs (the fields of its inputs class)."""

ActorBuilder = Callable[[StepContext], Actor]
"""Names who takes a step that only one person may take (a 包案 leader's sign-off)."""

IntakeBuilder = Callable[["Matter", str, "Routing", Policy], Mapping[str, Any]]
"""Builds a workflow's intake details for a matter registered through ``channel``."""

Condition = Callable[[StepContext], bool]
"""Whether a row may be drawn now."""


@attrs.frozen(slots=True)
class Param:
    """A tunable number of a row beyond its probability and delay.

    Attributes:
        default: Its value per level, track and category.
        low: Smallest value allowed.
        high: Largest value allowed.
        doc: What it means.
    """

    default: Keyed[float]
    low: float = 0.0
    high: float = 1.0
    doc: str = ""


@attrs.frozen(slots=True)
class Choice:
    """One way out of a state: fire ``trigger`` after ``delay`` with probability ``p``.

    Attributes:
        trigger: The workflow trigger (or registered step) fired.
        p: Probability per level, track and category; ``None``: the rest
            (one minus the other rows that may be drawn now).
        delay: How long after entering the state it is taken.
        inputs: Builds the trigger's inputs.
        when: Only drawn when this holds (e.g. enough callback visits).
        params: Tunables the inputs builder reads.
        doc: What the row models.
        role: The role that takes it (default: the first of clerk, mediator,
            director the workflow allows for the trigger).
        name: The row's name in a scenario (default: the trigger). Rows that mean
            the same in two versions of a workflow keep one name (``refuse``,
            ``refer_up``) whatever their trigger is called.
        actor: Who takes it, when only one person may (default: a member of
            the case's unit in ``role``).
        counted: Count ``p`` in the check that a state's probabilities add up to at most 1
            even though the row has a condition: for a condition that holds for nearly
            every case (the law refusing the step late), not one that picks among rows.
    """

    trigger: str
    p: Keyed[float] | None
    delay: Keyed[Delay]
    inputs: InputsBuilder | None = None
    when: Condition | None = None
    params: Mapping[str, Param] = attrs.field(factory=dict)
    doc: str = ""
    role: str | None = None
    name: str = ""
    actor: ActorBuilder | None = None
    counted: bool = False

    @property
    def key(self) -> str:
        """The row's name in a scenario."""
        return self.name or self.trigger


@attrs.frozen(slots=True)
class SpawnPlan:
    """Where a spawned case is registered.

    Attributes:
        unit: The receiving unit.
        floor: The lowest level it may be triaged to.
        channel: The intake channel.
        flag: The flag linking it to the case it came from (``referred_from:<id>``).
        workflow: The workflow it runs on (``None``: the same as its origin's).
        links: Typed links it is registered with (a repeat petition's ``repeat_of``).
    """

    unit: str
    floor: str | None
    channel: str
    flag: str
    workflow: str | None = None
    links: tuple[Link, ...] = ()


@attrs.frozen(slots=True)
class Spawn:
    """An independent event on entering a state: a new case registered later.

    Attributes:
        name: The row's name in the scenario (``refer_up``, ``repeat``).
        p: Probability per level, track and category.
        delay: How long after entering the state the new case is registered.
        plan: Where it goes (``None``: nowhere to go, e.g. no level above).
        doc: What the row models.
    """

    name: str
    p: Keyed[float]
    delay: Keyed[Delay]
    plan: Callable[[StepContext], SpawnPlan | None]
    doc: str = ""


@attrs.frozen(slots=True)
class StateBehaviour:
    """The rows of one state: exclusive choices and independent spawns."""

    choices: tuple[Choice, ...] = ()
    spawns: tuple[Spawn, ...] = ()

    def pick(self, ctx: StepContext) -> Choice | None:
        """Draw the row to take now (``None``: the case stays, nothing more happens).

        The rows whose condition holds share the probability: each its own,
        the first ``rest`` row what is left.
        """
        level, track, category = ctx.level, ctx.track, ctx.matter.category
        u = ctx.rng.random()
        acc = 0.0
        rest: Choice | None = None
        for choice in self.choices:
            if choice.when is not None and not choice.when(ctx):
                continue
            if choice.p is None:
                if rest is None:
                    rest = choice
                continue
            acc += choice.p.get(level, track, category) or 0.0
            if u < acc:
                return choice
        return rest


@attrs.frozen(slots=True)
class WorkflowBehaviour:
    """How cases of one workflow behave, and how its steps count in the KPIs.

    Attributes:
        workflow: The workflow's name.
        states: The rows of each state; a state without rows is where a case stays.
        busy: States that hold one of the owning unit's mediator slots.
        mediators: (trigger, input field) that names the mediator, if any.
        triage: The trigger that sets the level and track.
        success: Triggers counted as an agreement (化解).
        failure: Triggers counted as a failed mediation.
        transferred: States counted as transferred out (移送).
        funnel: (stage, trigger) pairs counted per level for the funnel.
        moves: Triggers that move the case to another unit, and the input naming it.
        returns: Triggers that send the case back to the unit it was moved from.
        escalations: States from which a move up counts as a referral up (上报).
        steps: Steps outside the graph that rows fire (领导包案, 最多跑一地 permits,
            extensions): checked against no state, they leave the case where it is.
        waits: States another case moves this one out of (a petition handed to
            people's mediation waits for the result): the runner re-reads the case
            each simulated day until its state changes.
        intake: Builds the intake details of a new case of this workflow.
        arrival: Where a matter arriving on this workflow is registered (default:
            where the party goes, :meth:`~mediation.simulation._routing.Routing.arrival_unit`).
    """

    workflow: str
    states: Mapping[str, StateBehaviour]
    busy: frozenset[str] = frozenset()
    mediators: tuple[str, str] | None = None
    triage: str | None = None
    success: frozenset[str] = frozenset()
    failure: frozenset[str] = frozenset()
    transferred: frozenset[str] = frozenset()
    funnel: tuple[tuple[str, str], ...] = ()
    moves: Mapping[str, str] = attrs.field(factory=dict)
    returns: frozenset[str] = frozenset()
    escalations: frozenset[str] = frozenset()
    steps: frozenset[str] = frozenset()
    waits: frozenset[str] = frozenset()
    intake: IntakeBuilder | None = None
    arrival: Callable[[Matter, Routing, Policy], str] | None = None

    def validate(self, definition: WorkflowDefinition) -> None:
        """Check every state and trigger against the workflow as registered.

        Raises:
            DefinitionError: a state or trigger the workflow does not have, or
                a row whose trigger cannot be fired from its state.
        """
        where = f"behaviour of workflow {self.workflow!r}"
        states = {s.value for s in definition.states}
        triggers = {t.value for t in definition.triggers}
        for state in (
            *self.states,
            *self.busy,
            *self.transferred,
            *self.escalations,
            *self.waits,
        ):
            if state not in states:
                raise DefinitionError(f"{where}: unknown state {state!r}")
        named = [*self.success, *self.failure, *(t for _, t in self.funnel)]
        named += [*self.moves, *self.returns]
        if self.triage is not None:
            named.append(self.triage)
        if self.mediators is not None:
            named.append(self.mediators[0])
        for trigger in named:
            if trigger not in triggers:
                raise DefinitionError(f"{where}: unknown trigger {trigger!r}")
        for state, rows in self.states.items():
            for choice in rows.choices:
                if choice.trigger in self.steps:
                    continue
                sources = {s.value for t in definition.by_trigger(choice.trigger) for s in t.source}
                if choice.trigger not in triggers:
                    raise DefinitionError(f"{where}: unknown trigger {choice.trigger!r}")
                if state not in sources:
                    raise DefinitionError(
                        f"{where}: {choice.trigger!r} cannot be fired from {state!r}"
                    )

    def check_sums(self, space: KeySpace, path: str) -> None:
        """Refuse a state whose probabilities add up to more than 1 for some case.

        Raises:
            ValidationError: naming ``behaviour.<workflow>.<state>``.
        """
        for state, rows in self.states.items():
            fixed = [c for c in rows.choices if c.p is not None and (c.when is None or c.counted)]
            for level, track, category in space.combinations():
                total = sum(c.p.get(level, track, category) or 0.0 for c in fixed if c.p)
                if total > 1.0 + 1e-9:
                    where = ".".join(x for x in (level, track, category) if x)
                    raise Node(None, f"{path}.{self.workflow}.{state}").fail(
                        f"the probabilities add up to {total:g} (> 1) for {where}"
                    )

    def override(self, node: Node, space: KeySpace) -> WorkflowBehaviour:
        """The table with the scenario's ``[behaviour.<workflow>]`` numbers applied.

        Raises:
            ValidationError: an unknown state or row, or a bad value (naming its key).
        """
        states = dict(self.states)
        for state, table in node.table(self.states.keys()).items():
            rows = states[state]
            names = {c.key: c for c in rows.choices} | {s.name: s for s in rows.spawns}
            choices = list(rows.choices)
            spawns = list(rows.spawns)
            for name, spec in table.table(names.keys()).items():
                row = names[name]
                if isinstance(row, Choice):
                    i = choices.index(row)
                    choices[i] = _override_choice(row, spec, space)
                else:
                    i = spawns.index(row)
                    spawns[i] = _override_spawn(row, spec, space)
            states[state] = StateBehaviour(tuple(choices), tuple(spawns))
        return attrs.evolve(self, states=states)


def _probability(node: Node, space: KeySpace) -> Keyed[float]:
    return Keyed.parse(node, space, lambda n: n.probability())


def _delay(node: Node, space: KeySpace, unit: str) -> Keyed[Delay]:
    return Keyed.parse(node, space, lambda n: Delay.parse(n, unit), single=Delay.is_spec)


def _unit_of(delay: Keyed[Delay]) -> str:
    return next(iter(delay.values.values())).unit


def _override_choice(row: Choice, spec: Node, space: KeySpace) -> Choice:
    spec.table({"p", "delay", *row.params})
    p = row.p
    if spec.has("p"):
        given = spec.get("p")
        p = None if given.value == "rest" else _probability(given, space)
    delay = row.delay
    if spec.has("delay"):
        delay = _delay(spec.get("delay"), space, _unit_of(row.delay))
    params = dict(row.params)
    for name, param in row.params.items():
        if spec.has(name):

            def leaf(n: Node, q: Param = param) -> float:
                return n.number(low=q.low, high=q.high)

            params[name] = attrs.evolve(param, default=Keyed.parse(spec.get(name), space, leaf))
    return attrs.evolve(row, p=p, delay=delay, params=params)


def _override_spawn(row: Spawn, spec: Node, space: KeySpace) -> Spawn:
    spec.table({"p", "delay"})
    p = _probability(spec.get("p"), space) if spec.has("p") else row.p
    delay = row.delay
    if spec.has("delay"):
        delay = _delay(spec.get("delay"), space, _unit_of(row.delay))
    return attrs.evolve(row, p=p, delay=delay)
