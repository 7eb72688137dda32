"""Declarative workflow definitions, validated when built.

A :class:`WorkflowDefinition` is data: ``StrEnum`` states and triggers, and
transitions whose guards and effects are references to ``rules`` callables —
never names in strings, so a typo fails when the definition is built (an
``AttributeError`` at import, or :class:`DefinitionError` here), not when a
clerk fires the trigger.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import attrs

from mediation._errors import DefinitionError
from mediation.model import CaseKind
from mediation.rules.base import Effect, Guard

__all__ = ["Transition", "WorkflowDefinition"]


def _tuple(value: Any) -> tuple[Any, ...]:
    """Accept one item or an iterable of them (a string counts as one item)."""
    if isinstance(value, (str, bytes)) or callable(value) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def _strings(value: Iterable[str]) -> frozenset[str]:
    return frozenset(str(v) for v in value)


@attrs.frozen(slots=True)
class Transition:
    """One arrow of the state graph.

    Attributes:
        trigger: The trigger (a member of the definition's trigger enum).
        source: States it leaves from.
        dest: The state it enters.
        guards: Rules that must allow it; the first refusal stops it.
        effects: Rules that compute the new case (clocks, level, track...).
        roles: Roles the default authorization policy lets fire it.
        params: Input names the trigger accepts; anything else is refused.
    """

    trigger: StrEnum
    source: tuple[StrEnum, ...] = attrs.field(converter=_tuple)
    dest: StrEnum
    guards: tuple[Guard, ...] = attrs.field(default=(), converter=_tuple)
    effects: tuple[Effect, ...] = attrs.field(default=(), converter=_tuple)
    roles: frozenset[str] = attrs.field(default=frozenset(), converter=_strings)
    params: frozenset[str] = attrs.field(default=frozenset(), converter=_strings)


@attrs.frozen(slots=True)
class WorkflowDefinition:
    """A complete, validated workflow.

    Attributes:
        name: Stored with each case (``"dispute"``).
        version: Stored with each case; a running case keeps its version.
        kind: Which kind of case runs on it.
        states: The state enum.
        triggers: The trigger enum.
        initial: The state a case enters at intake.
        finals: States with no way out.
        closed: States in which a case counts as closed (no clock runs);
            every final state is closed.
        transitions: The arrows.
        intake_effects: Effects applied when a case is received (e.g. open
            the acceptance clock).

    Raises:
        DefinitionError: see :meth:`validate`.
    """

    name: str
    version: int
    kind: CaseKind
    states: type[StrEnum]
    triggers: type[StrEnum]
    initial: StrEnum
    finals: frozenset[StrEnum]
    closed: frozenset[StrEnum]
    transitions: tuple[Transition, ...]
    intake_effects: tuple[Effect, ...] = ()

    def __attrs_post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check the graph; raise :class:`DefinitionError` naming the first fault.

        Checks: states and triggers are enums; every source, destination and
        trigger exists; one initial state; every state reachable from it;
        final states have no exits and are closed; no two unguarded
        transitions share a (trigger, source); every guard and effect is a
        callable (a string is refused); every trigger is used.
        """
        where = f"workflow {self.name!r} v{self.version}"
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
        used: set[StrEnum] = set()
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
            for fn in (*t.guards, *t.effects):
                if isinstance(fn, str) or not callable(fn):
                    raise DefinitionError(
                        f"{label}: guards and effects must be callables, not {fn!r}"
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
        for fn in self.intake_effects:
            if isinstance(fn, str) or not callable(fn):
                raise DefinitionError(f"{where}: intake effects must be callables, not {fn!r}")

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

    def is_closed(self, state: str) -> bool:
        """Whether a case in ``state`` counts as closed."""
        return any(s.value == state for s in self.closed)

    def by_trigger(self, trigger: str) -> tuple[Transition, ...]:
        """Transitions of ``trigger`` (empty if unknown)."""
        return tuple(t for t in self.transitions if t.trigger.value == trigger)

    def label(self, value: str) -> str:
        """The Chinese label of a state or trigger value (the value itself if none)."""
        for enum_type in (self.states, self.triggers):
            try:
                return str(getattr(enum_type(value), "label", value))
            except ValueError:
                continue
        return value
