"""Declarative workflow definitions and steps, validated when built.

A :class:`WorkflowDefinition` is data: ``StrEnum`` states and triggers,
transitions whose guards and effects are references to ``rules`` callables
(never names in strings), the ``attrs`` class of each trigger's inputs, the
``details`` type its cases carry, the clocks its rules open, the roles that may
act, and the documents that apply. A :class:`Step` is the same for an action
outside the state graph (extend a clock, supervise, issue a document, refer,
link, assign a leader...). A typo fails when the definition is built — an
``AttributeError`` at import, or :class:`DefinitionError` here — not when a
clerk fires the trigger.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any

import attrs

from mediation._errors import DefinitionError
from mediation.model import Case, ClockKind
from mediation.rules.base import Decision, Effect, Guard, NoInputs
from mediation.rules.clockbook import ClockRule, FixedClock
from mediation.rules.periods import PeriodRule

ReadsRelated = bool | Callable[[Case, Any], bool]
"""Whether a step's rules see the related cases: always, never, or per case — a predicate of
the case and the engine's :class:`~mediation.rules.policy.Policy`."""

__all__ = [
    "Check",
    "Facts",
    "Hook",
    "Numbering",
    "Site",
    "Step",
    "Transition",
    "WorkflowDefinition",
    "closing",
    "every",
]

Facts = Callable[[Case, Any], dict[str, Any]]
"""``(case, policy) -> plain data`` a workflow adds to the ``case`` of its documents."""


def _tuple(value: Any) -> tuple[Any, ...]:
    """Accept one item or an iterable of them (a string counts as one item)."""
    if isinstance(value, str | bytes) or callable(value) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def _roles(value: Any) -> frozenset[Any]:
    return frozenset(_tuple(value))


def _check_roles(where: str, roles: Iterable[Any]) -> None:
    for role in roles:
        if not isinstance(role, StrEnum):
            raise DefinitionError(
                f"{where}: role {role!r} must be a member of a role enum (e.g. Role.clerk), "
                "so that a misspelling fails at import"
            )


def _check_inputs(where: str, cls: Any) -> None:
    if not (isinstance(cls, type) and attrs.has(cls)):
        raise DefinitionError(f"{where}: inputs must be an attrs class, not {cls!r}")


def _check_callables(where: str, fns: Iterable[Any]) -> None:
    for fn in fns:
        if isinstance(fn, str) or not callable(fn):
            raise DefinitionError(f"{where}: guards and effects must be callables, not {fn!r}")


@attrs.frozen(slots=True)
class Ending:
    """Why a final state ends the matter, for the refusal of anything asked of it after.

    Attributes:
        reason: In words a clerk can act on (``"复核意见为最终意见……不再受理"``).
        basis: The legal source (law and article).
    """

    reason: str
    basis: str


@attrs.frozen(slots=True)
class Transition:
    """One arrow of the state graph.

    Attributes:
        trigger: The trigger (a member of the definition's trigger enum).
        source: States it leaves from.
        dest: The state it enters.
        guards: Rules that must allow it; the first refusal stops it.
        effects: Rules that compute the new case (clocks, level, details...).
        roles: Role enum members the default authorization lets fire it.
        inputs: The ``attrs`` class its inputs are parsed into (the same for
            every transition of one trigger).
        sends: It sends the case to another unit (a referral, a return): the
            actor is authorized where the case is, and its guards decide where
            it may go (an authorizer sees ``Access.sending``); otherwise a move
            needs the actor's authority at the destination too.
        reads_related: Its rules see the other cases sharing a key with the case,
            as they stood at the step's ``at`` (``Context.related``, as an intake's
            do); the engine looks them up and logs them with the event, so a replay
            sees the same.
            ``True``, or a predicate of the case and the engine's policy saying
            for which cases (the lookup costs a query: only those that need it).
    """

    trigger: StrEnum
    source: tuple[StrEnum, ...] = attrs.field(converter=_tuple)
    dest: StrEnum
    guards: tuple[Guard, ...] = attrs.field(default=(), converter=_tuple)
    effects: tuple[Effect, ...] = attrs.field(default=(), converter=_tuple)
    roles: frozenset[StrEnum] = attrs.field(default=frozenset(), converter=_roles)
    inputs: type = NoInputs
    sends: bool = False
    reads_related: ReadsRelated = False


@attrs.frozen(slots=True)
class Numbering:
    """A number a step takes from a gap-free counter, in the step's own transaction.

    Attributes:
        field: The input that receives the number (the caller leaves it empty).
        scope: ``(case, inputs) -> counter scope``; numbers run per scope and year.
    """

    field: str
    scope: Callable[[Case, Any], str]


@attrs.frozen(slots=True)
class Step:
    """An action outside the state graph, declared once and run by the engine's one pipeline.

    The case keeps its state; the step's effects change the rest (clocks,
    overlays, links, documents...). It is audited, authorized and written
    exactly like a transition.

    Attributes:
        name: The step (a member of a ``LabeledEnum``: its value is logged,
            its label shown).
        inputs: The ``attrs`` class its inputs are parsed into.
        roles: Role enum members the default authorization lets take it.
        guards: Rules that must allow it.
        effects: Rules that compute the new case.
        clocks: Clocks its effects may open (besides those of the workflow).
        open_only: Refused on a closed case (a case in a closed state of its workflow).
        workflows: Names of the workflows it applies to (``None``: all).
        numbering: A gap-free number the engine allocates for it.
        listed: Offered by ``available_triggers`` (scanner and admin steps are not).
        overlays: The overlays its effects put on cases, by name, with their
            ``attrs`` types (so stored cases read them back).
        sends: It sends the case to another unit (see :attr:`Transition.sends`).
        on_due: A clock whose falling due calls for this step (a reminder's
            cadence): :meth:`Engine.run_scheduled <mediation.Engine.run_scheduled>`
            takes it, with no inputs, on every case where a clock of that period
            is open and due; the step's guards still decide. Its inputs must all
            have defaults.
        reads_related: Its rules see the cases sharing a key with the case (see
            :attr:`Transition.reads_related`).
        reads_actor_unit: Its rules see the unit the actor works in
            (``ctx.actor.unit``; the event logs it, so a replay sees it too). Other
            steps see the actor as an id only. A system actor has no unit.
    """

    name: StrEnum
    inputs: type = NoInputs
    roles: frozenset[StrEnum] = attrs.field(default=frozenset(), converter=_roles)
    guards: tuple[Guard, ...] = attrs.field(default=(), converter=_tuple)
    effects: tuple[Effect, ...] = attrs.field(default=(), converter=_tuple)
    clocks: tuple[ClockRule, ...] = attrs.field(default=(), converter=_tuple)
    open_only: bool = True
    workflows: frozenset[str] | None = None
    numbering: Numbering | None = None
    listed: bool = True
    overlays: Mapping[str, type] = attrs.field(factory=dict, converter=dict)
    sends: bool = False
    on_due: ClockRule | None = None
    reads_related: ReadsRelated = False
    reads_actor_unit: bool = False

    def __attrs_post_init__(self) -> None:
        where = f"step {self.name!r}"
        for name, value_type in self.overlays.items():
            if not (isinstance(name, str) and name.isidentifier()):
                raise DefinitionError(f"{where}: overlay name {name!r} is not an identifier")
            if not (isinstance(value_type, type) and attrs.has(value_type)):
                raise DefinitionError(f"{where}: overlay {name!r} must be an attrs class")
        if not isinstance(self.name, StrEnum):
            raise DefinitionError(f"{where}: the name must be a member of a StrEnum")
        _check_inputs(where, self.inputs)
        _check_roles(where, self.roles)
        _check_callables(where, (*self.guards, *self.effects))
        _check_clocks(where, self.clocks)
        if self.on_due is not None:
            _check_clocks(where, (self.on_due,))
            needed = [a.name for a in attrs.fields(self.inputs) if a.default is attrs.NOTHING]
            if needed:
                raise DefinitionError(
                    f"{where}: a step taken when a clock falls due takes no required "
                    f"inputs (needs {', '.join(needed)})"
                )
        if self.numbering is not None and self.numbering.field not in {
            a.name for a in attrs.fields(self.inputs)
        }:
            raise DefinitionError(f"{where}: numbering field {self.numbering.field!r} is no input")

    @property
    def label(self) -> str:
        """The step's Chinese label."""
        return str(getattr(self.name, "label", self.name.value))


def _check_clocks(where: str, clocks: Iterable[Any]) -> None:
    for clock in clocks:
        if not isinstance(clock, PeriodRule | FixedClock):
            raise DefinitionError(
                f"{where}: clocks are PeriodRule or FixedClock values (period('...') checks "
                f"the id at import), not {clock!r}"
            )


def _kinds(value: Mapping[str, ClockKind]) -> Mapping[str, ClockKind]:
    return dict(value)


def _types(value: Mapping[str, type]) -> Mapping[str, type]:
    return dict(value)


def _endings(value: Mapping[Any, Ending]) -> dict[StrEnum, Ending]:
    return dict(value)


@attrs.frozen(slots=True, repr=False)
class WorkflowDefinition:
    """A complete, validated workflow.

    Attributes:
        name: Stored with each case (``"dispute"``); several workflows may
            serve one kind, and an engine can hold any number.
        version: Stored with each case; a running case keeps its version.
        kind: The kind of matter its cases are (``"dispute"``, ``"petition"``...).
        label: The workflow's Chinese name.
        states: The state enum.
        triggers: The trigger enum.
        initial: The state a case enters at intake.
        finals: States with no way out.
        closed: States in which a case counts as closed (no clock runs);
            every final state is closed.
        transitions: The arrows.
        details: The ``attrs`` type of the case's workflow data (``None``: none).
        intake_inputs: The ``attrs`` class of workflow-specific intake data.
        intake_effects: Effects applied when a case is received (e.g. open
            the acceptance clock); they see the parsed intake inputs.
        intake_roles: Role enum members that may register a case on it (empty: any role).
        clocks: Every clock its rules open (national periods by their rule,
            and the workflow's own periods, which the engine adds to its table).
        documents: The document kinds that apply to its cases.
        facts: Plain data it adds to the ``case`` its documents print.
        clock_kinds: Kinds its clocks open with where they differ from the
            rule's (:class:`~mediation.model.ClockKind`): a version frozen for
            cases recorded under earlier semantics keeps them.
        keys: Derives a case's lookup keys from its registration (parties'
            IDs, a normalised name and address, a matter's fingerprint); the
            engine indexes them and shows an intake the cases that share one
            (``ctx.related``). Called when the registration is first made or
            changed, so it reads only ``case.intake`` (and the identity fields).
        intake_guards: Rules that must allow a registration; they see
            ``ctx.related``.
        overlays: The overlays its effects put on cases, by name, with their
            ``attrs`` types (so stored cases read them back).
        endings: For a final state that the law makes final, why (:class:`Ending`):
            a trigger asked of a case there is refused with that reason and basis
            (:class:`~mediation.TransitionNotAllowedError` ``.basis``).

    Raises:
        DefinitionError: see :meth:`validate`.
    """

    name: str
    version: int
    kind: str
    label: str
    states: type[StrEnum]
    triggers: type[StrEnum]
    initial: StrEnum
    finals: frozenset[StrEnum]
    closed: frozenset[StrEnum]
    transitions: tuple[Transition, ...]
    details: type | None = None
    intake_inputs: type = NoInputs
    intake_effects: tuple[Effect, ...] = attrs.field(default=(), converter=_tuple)
    intake_roles: frozenset[StrEnum] = attrs.field(default=frozenset(), converter=_roles)
    clocks: tuple[ClockRule, ...] = attrs.field(default=(), converter=_tuple)
    documents: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    facts: Facts | None = None
    clock_kinds: Mapping[str, ClockKind] = attrs.field(factory=dict, converter=_kinds)
    keys: Callable[[Case], Iterable[str]] | None = None
    intake_guards: tuple[Guard, ...] = attrs.field(default=(), converter=_tuple)
    overlays: Mapping[str, type] = attrs.field(factory=dict, converter=_types)
    endings: Mapping[StrEnum, Ending] = attrs.field(factory=dict, converter=_endings)

    def __attrs_post_init__(self) -> None:
        self.validate()

    def __repr__(self) -> str:
        return f"WorkflowDefinition({self.name!r} v{self.version}, kind={str(self.kind)!r})"

    def validate(self) -> None:
        """Check the graph; raise :class:`DefinitionError` naming the first fault.

        Checks: states and triggers are enums; every source, destination and
        trigger exists; one initial state; every state reachable from it;
        final states have no exits and are closed; no two unguarded
        transitions share a (trigger, source); every guard and effect is a
        callable (a string is refused); roles are enum members; inputs and
        details are attrs classes, one inputs class per trigger; clocks are
        clock rules; every trigger is used; endings are of final states.
        """
        where = f"workflow {self.name!r} v{self.version}"
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise DefinitionError(f"{where}: the name must be an identifier")
        if type(self.version) is not int or self.version < 1:
            raise DefinitionError(f"{where}: the version must be a positive integer")
        for enum_type, what in ((self.states, "states"), (self.triggers, "triggers")):
            if not (isinstance(enum_type, type) and issubclass(enum_type, StrEnum)):
                raise DefinitionError(f"{where}: {what} must be a StrEnum class")
        states = set(self.states)
        if self.initial not in states:
            raise DefinitionError(f"{where}: initial state {self.initial!r} is not a state")
        for group, what in ((self.finals, "final"), (self.closed, "closed")):
            for s in group:
                if s not in states:
                    raise DefinitionError(f"{where}: {what} state {s!r} is not a state")
        if not self.finals <= self.closed:
            raise DefinitionError(f"{where}: every final state must also be closed")
        if self.details is not None:
            if not (isinstance(self.details, type) and attrs.has(self.details)):
                raise DefinitionError(
                    f"{where}: details must be an attrs class, not {self.details!r}"
                )
            try:
                self.details()
            except Exception as exc:
                raise DefinitionError(
                    f"{where}: a new case gets empty details: {self.details.__name__}() "
                    f"must work (give every field a default): {exc}"
                ) from exc
        _check_inputs(f"{where}: intake", self.intake_inputs)
        _check_roles(f"{where}: intake", self.intake_roles)
        _check_callables(f"{where}: intake", (*self.intake_effects, *self.intake_guards))
        if self.keys is not None:
            _check_callables(f"{where}: keys", (self.keys,))
        _check_clocks(where, self.clocks)
        for name, value_type in self.overlays.items():
            if not (isinstance(name, str) and name.isidentifier()):
                raise DefinitionError(f"{where}: overlay name {name!r} is not an identifier")
            if not (isinstance(value_type, type) and attrs.has(value_type)):
                raise DefinitionError(f"{where}: overlay {name!r} must be an attrs class")
        for state, ending in self.endings.items():
            if state not in self.finals or not isinstance(ending, Ending):
                raise DefinitionError(
                    f"{where}: endings maps final states to Ending values, "
                    f"not {state!r}: {ending!r}"
                )
        for clock_id, kind in self.clock_kinds.items():
            if not isinstance(clock_id, str) or not isinstance(kind, ClockKind):
                raise DefinitionError(
                    f"{where}: clock_kinds maps clock ids to ClockKind members, "
                    f"not {clock_id!r}: {kind!r}"
                )
        used: set[StrEnum] = set()
        inputs_of: dict[StrEnum, type] = {}
        unguarded: dict[tuple[StrEnum, StrEnum], int] = {}
        edges: dict[StrEnum, set[StrEnum]] = defaultdict(set)
        for i, t in enumerate(self.transitions):
            label = f"{where}: transition #{i} ({t.trigger!s})"
            if not isinstance(t.trigger, self.triggers):
                raise DefinitionError(
                    f"{label}: trigger {t.trigger!r} is not one of {self.triggers.__name__}"
                )
            if not t.source:
                raise DefinitionError(f"{label}: no source state")
            for s in (*t.source, t.dest):
                if not isinstance(s, self.states):
                    raise DefinitionError(
                        f"{label}: {s!r} is not a state of {self.states.__name__}"
                    )
            _check_callables(label, (*t.guards, *t.effects))
            _check_roles(label, t.roles)
            _check_inputs(label, t.inputs)
            if inputs_of.setdefault(t.trigger, t.inputs) is not t.inputs:
                raise DefinitionError(
                    f"{label}: every transition of one trigger takes the same inputs class"
                )
            used.add(t.trigger)
            for s in t.source:
                if s in self.finals:
                    raise DefinitionError(f"{label}: final state {s!s} must have no exits")
                edges[s].add(t.dest)
                if not t.guards:
                    key = (t.trigger, s)
                    if key in unguarded:
                        raise DefinitionError(
                            f"{label}: duplicates unguarded transition #{unguarded[key]} "
                            f"for ({t.trigger!s}, {s!s})"
                        )
                    unguarded[key] = i
        unused = set(self.triggers) - used
        if unused:
            raise DefinitionError(f"{where}: triggers never used: {sorted(unused)}")
        seen = {self.initial}
        todo = deque([self.initial])
        while todo:
            for nxt in edges[todo.popleft()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        unreachable = states - seen
        if unreachable:
            raise DefinitionError(f"{where}: unreachable states: {sorted(unreachable)}")

    def state(self, value: str) -> StrEnum:
        """The state member for a stored value.

        Raises:
            DefinitionError: the stored state is not in this definition.
        """
        try:
            return self.states(value)
        except ValueError:
            raise DefinitionError(
                f"workflow {self.name!r} v{self.version} has no state {value!r}"
            ) from None

    def has_state(self, value: str) -> bool:
        """Whether ``value`` is a state of this definition."""
        return any(s.value == value for s in self.states)

    def is_closed(self, state: str) -> bool:
        """Whether a case in ``state`` counts as closed."""
        return any(s.value == state for s in self.closed)

    def by_trigger(self, trigger: str) -> tuple[Transition, ...]:
        """Transitions of ``trigger`` (empty if unknown)."""
        return tuple(t for t in self.transitions if t.trigger.value == trigger)

    def inputs_of(self, trigger: str) -> type:
        """The inputs class of ``trigger`` (:class:`NoInputs` if unknown)."""
        found = self.by_trigger(trigger)
        return found[0].inputs if found else NoInputs

    def label_of(self, value: str) -> str:
        """The Chinese label of a state or trigger value (the value itself if none)."""
        for enum_type in (self.states, self.triggers):
            try:
                return str(getattr(enum_type(value), "label", value))
            except ValueError:
                continue
        return value


Check = Callable[[Case, Case, Any], Decision]
"""``(before, after, ctx) -> Decision``: a hook's check of a decided step (``after`` in its
new state, the step's effects applied)."""


@attrs.frozen(slots=True)
class Site:
    """Where a step is taken, for a hook to decide whether it applies.

    Attributes:
        definition: The case's workflow.
        name: The trigger or step.
        source: The state before.
        dest: The state after.
        step: A step outside the graph (not a transition).
    """

    definition: WorkflowDefinition
    name: str
    source: str
    dest: str
    step: bool

    @property
    def closing(self) -> bool:
        """The step closes the case (an open state to a closed one)."""
        closed = self.definition.closed
        return self.dest in closed and self.source not in closed


def closing(site: Site) -> bool:
    """Select the steps that close a case, in any workflow (see :attr:`Site.closing`)."""
    return site.closing


def every(site: Site) -> bool:
    """Select every step of every workflow."""
    return True


@attrs.frozen(slots=True)
class Hook:
    """A rule across workflows: checks and effects on every step it selects.

    What belongs to no single workflow — a case under 领导包案 cannot close
    without its leader's sign-off; a party received at a one-stop centre is
    not sent to a second place; where a case was resolved is recorded when it
    closes — is a hook: selected by :attr:`when`, run by the engine's one
    pipeline after the step's own effects (so also in replay and in
    ``available_triggers``).

    Attributes:
        name: A stable name (for errors and listings).
        when: Selects the steps it applies to (pure: the same site, the same answer).
        checks: ``(before, after, ctx) -> Decision``; a refusal refuses the step.
        effects: ``(case, ctx) -> case``, applied after the checks pass.
        overlays: The overlays its effects put on cases, by name, with their types.
        only_if: ``(case) -> bool`` on the decided case (before its new state): the hook
            runs only where it holds. For a hook :attr:`when` selects on every step but
            that concerns few cases (a one-stop case): the others skip it at the cost of
            one call. Pure, and true wherever a check could refuse or an effect change
            the case.
    """

    name: str
    when: Callable[[Site], bool] = every
    checks: tuple[Check, ...] = attrs.field(default=(), converter=_tuple)
    effects: tuple[Effect, ...] = attrs.field(default=(), converter=_tuple)
    overlays: Mapping[str, type] = attrs.field(factory=dict, converter=dict)
    only_if: Callable[[Case], bool] | None = None

    def __attrs_post_init__(self) -> None:
        where = f"hook {self.name!r}"
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise DefinitionError(f"{where}: the name must be an identifier")
        tests = () if self.only_if is None else (self.only_if,)
        _check_callables(where, (self.when, *self.checks, *self.effects, *tests))
        for name, value_type in self.overlays.items():
            if not (isinstance(name, str) and name.isidentifier()):
                raise DefinitionError(f"{where}: overlay name {name!r} is not an identifier")
            if not (isinstance(value_type, type) and attrs.has(value_type)):
                raise DefinitionError(f"{where}: overlay {name!r} must be an attrs class")
