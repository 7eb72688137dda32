"""The one adapter to ``transitions``: a shared Machine per workflow definition.

Configuration follows STYLE.md: ``model_override=True`` (nothing is injected
into our objects), ``auto_transitions=False`` (no ``to_<state>`` shortcuts),
``send_event=True`` (callbacks get the event, not positional guesses). Each
fire binds a private, disposable token that carries the stored state — the
rehydration the library's ``initial=`` does, without registering the token —
so the frozen :class:`~mediation.model.Case` is never touched by the library.

A guard's refusal is recorded on the token and raised as
:class:`RuleRejectedError` with its reason and legal basis; a trigger with no
transition from the state becomes :class:`TransitionNotAllowedError`; any
``MachineError`` is mapped with ``raise ... from``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from transitions import EventData, Machine, MachineError

from mediation._errors import RuleRejectedError, TransitionNotAllowedError
from mediation.model import Case
from mediation.rules.base import Context, Decision, Effect, Guard
from mediation.workflows.definition import WorkflowDefinition

__all__ = ["CompiledWorkflow", "compile_workflow", "mermaid"]


class _Token:
    """What ``transitions`` sees: a state, and the case being computed."""

    __slots__ = ("case", "ctx", "refusal", "state")

    def __init__(self, case: Case, ctx: Context) -> None:
        self.state = case.state
        self.case = case
        self.ctx = ctx
        self.refusal: Decision | None = None


def _condition(guard: Guard) -> Callable[[EventData], bool]:
    def check(event: EventData) -> bool:
        token = cast(_Token, event.model)
        decision = guard(token.case, token.ctx)
        if decision.allowed:
            return True
        if token.refusal is None:
            token.refusal = decision
        return False

    return check


def _apply(effects: tuple[Effect, ...]) -> Callable[[EventData], None]:
    def run(event: EventData) -> None:
        token = cast(_Token, event.model)
        case = token.case
        for effect in effects:
            case = effect(case, token.ctx)
        token.case = case

    return run


class CompiledWorkflow:
    """A definition bound to its one shared ``transitions`` Machine."""

    __slots__ = ("_events", "definition", "machine", "params", "roles")

    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        spec: list[dict[str, Any]] = []
        for t in definition.transitions:
            item: dict[str, Any] = {
                "trigger": t.trigger.value,
                "source": [s.value for s in t.source],
                "dest": t.dest.value,
            }
            if t.guards:
                item["conditions"] = [_condition(g) for g in t.guards]
            if t.effects:
                item["before"] = [_apply(t.effects)]
            spec.append(item)
        self.machine = Machine(
            model=None,
            states=[s.value for s in definition.states],
            transitions=spec,
            initial=definition.initial.value,
            auto_transitions=False,
            send_event=True,
            model_override=True,
        )
        self._events = dict(self.machine.events)
        self.roles: dict[str, frozenset[str]] = {}
        self.params: dict[str, frozenset[str]] = {}
        for trig in definition.triggers:
            ts = definition.by_trigger(trig.value)
            self.roles[trig.value] = frozenset().union(*(t.roles for t in ts))
            self.params[trig.value] = frozenset().union(*(t.params for t in ts))

    def fire(self, case: Case, trigger: str, ctx: Context) -> tuple[Case, str]:
        """Fire ``trigger`` on ``case``: return the case with the effects applied, and the new state.

        The case's ``state`` and ``version`` are not changed here; the engine
        sets them, with the audit head, when it writes.

        Raises:
            TransitionNotAllowedError: unknown trigger or no transition from the state.
            RuleRejectedError: a guard refused.
            ValidationError: an effect found bad input.
        """
        event = self._events.get(trigger)
        if event is None:
            known = ", ".join(t.value for t in self.definition.triggers)
            raise TransitionNotAllowedError(
                case.state,
                trigger,
                f"trigger: unknown trigger {trigger!r} for workflow "
                f"{self.definition.name!r} v{self.definition.version} (known: {known})",
            )
        token = _Token(case, ctx)
        try:
            done = event.trigger(token)
        except MachineError as exc:
            raise TransitionNotAllowedError(
                case.state,
                trigger,
                f"trigger {trigger!r} ({self.definition.label(trigger)}) is not allowed in "
                f"state {case.state!r} ({self.definition.label(case.state)})",
            ) from exc
        if not done:
            refusal = token.refusal or Decision(False, "no transition allowed", "", trigger)
            raise RuleRejectedError(refusal.rule or trigger, refusal.reason, refusal.basis)
        return token.case, token.state

    def check(self, case: Case, trigger: str, ctx: Context) -> Decision:
        """Whether ``trigger`` could fire now, without changing anything."""
        event = self._events.get(trigger)
        if event is None:
            return Decision(False, "unknown trigger", "", trigger)
        candidates = [
            t
            for t in self.definition.by_trigger(trigger)
            if any(s.value == case.state for s in t.source)
        ]
        if not candidates:
            return Decision(
                False,
                f"当前状态“{self.definition.label(case.state)}”不能“{self.definition.label(trigger)}”",
                "",
                trigger,
            )
        first: Decision | None = None
        for t in candidates:
            verdicts = [g(case, ctx) for g in t.guards]
            refusal = next((v for v in verdicts if not v.allowed), None)
            if refusal is None:
                return Decision(True, "", "", trigger)
            first = first or refusal
        assert first is not None
        return first


def compile_workflow(definition: WorkflowDefinition) -> CompiledWorkflow:
    """Build the shared machine for ``definition`` (once per definition)."""
    return CompiledWorkflow(definition)


class _Drawing:
    """A throwaway model for GraphMachine, which draws per model."""


def mermaid(definition: WorkflowDefinition) -> str:
    """A Mermaid ``stateDiagram-v2`` of the definition, drawn by transitions' mermaid engine.

    States and triggers are shown with their Chinese labels.
    """
    from transitions.extensions.diagrams import GraphMachine

    spec = [
        {"trigger": t.trigger.value, "source": [s.value for s in t.source], "dest": t.dest.value}
        for t in definition.transitions
    ]
    drawing = _Drawing()
    GraphMachine(
        model=drawing,
        states=[s.value for s in definition.states],
        transitions=spec,
        initial=definition.initial.value,
        auto_transitions=False,
        graph_engine="mermaid",
        model_override=True,
        title=f"{definition.name} v{definition.version}",
    )
    source: str = drawing.get_graph().source  # type: ignore[attr-defined]
    lines = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(("Class ", "classDef ")):
            continue  # the active-state colouring is noise in a definition diagram
        if stripped.startswith('state "'):
            value = stripped.split(" as ")[-1]
            line = f'  state "{value} {definition.label(value)}" as {value}'
        elif "-->" in stripped and ": " in stripped:
            head, trigger = line.rsplit(": ", 1)
            line = f"{head}: {trigger} {definition.label(trigger)}"
        lines.append(line)
    return "\n".join(lines) + "\n"
