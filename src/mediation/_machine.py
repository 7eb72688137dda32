"""The one adapter to ``transitions``: a shared Machine per workflow definition.

Configuration follows STYLE.md: ``model_override=True`` (nothing is injected
into our objects), ``auto_transitions=False`` (no ``to_<state>`` shortcuts),
``send_event=True`` (callbacks get the event, not positional guesses). Each
fire binds a private, disposable token that carries the stored state — the
rehydration the library's ``initial=`` does, without registering the token —
so the frozen :class:`~mediation.model.Case` is never touched by the library.

A guard's refusal is recorded on the token and raised as
:class:`RuleRejectedError` with its reason and legal basis (or, for a refusal
of one input, :class:`ValidationError` naming it); a trigger with no
transition from the state becomes :class:`TransitionNotAllowedError`; any
``MachineError`` is mapped with ``raise ... from``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from transitions import EventData, Machine, MachineError

from mediation._errors import RuleRejectedError, TransitionNotAllowedError, ValidationError
from mediation.model import Case
from mediation.rules.base import Context, Decision, Effect, Guard
from mediation.workflows.definition import WorkflowDefinition

__all__ = ["CompiledWorkflow", "compile_workflow", "mermaid", "refusal_error"]


class _Token:
    """What ``transitions`` sees: a state, and the case being computed."""

    __slots__ = ("case", "ctx", "refusal", "state")

    def __init__(self, case: Case, ctx: Context[Any]) -> None:
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


def refusal_error(decision: Decision, default_rule: str) -> Exception:
    """The typed error of a refusal: about one input, or about the case and the law."""
    if decision.field is not None:
        return ValidationError(decision.field, decision.value, decision.reason, decision.basis)
    return RuleRejectedError(decision.rule or default_rule, decision.reason, decision.basis)


class CompiledWorkflow:
    """A definition bound to its one shared ``transitions`` Machine.

    ``transitions`` looks up and orders the candidate transitions of a
    trigger and runs their guards; :meth:`fire` is the one evaluator: the
    engine calls it to fire, to check what is allowed, and to replay.
    """

    __slots__ = ("_events", "_inputs", "_roles", "_sends", "definition", "machine")

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
        roles: dict[tuple[str, str], frozenset[str]] = {}
        for t in definition.transitions:
            for s in t.source:
                key = (t.trigger.value, s.value)
                roles[key] = roles.get(key, frozenset()) | {r.value for r in t.roles}
        self._roles = roles
        self._inputs = {t.trigger.value: t.inputs for t in definition.transitions}
        self._sends = frozenset(t.trigger.value for t in definition.transitions if t.sends)

    def knows(self, trigger: str) -> bool:
        """Whether ``trigger`` is a trigger of this workflow."""
        return trigger in self._events

    def inputs(self, trigger: str) -> type:
        """The inputs class of a trigger of this workflow."""
        return self._inputs[trigger]

    def sends(self, trigger: str) -> bool:
        """Whether ``trigger`` sends a case to another unit (:attr:`Transition.sends`)."""
        return trigger in self._sends

    def roles(self, trigger: str, state: str) -> frozenset[str] | None:
        """Roles that may fire ``trigger`` from ``state`` (``None``: no transition from there)."""
        return self._roles.get((trigger, state))

    def not_allowed(self, case: Case, trigger: str) -> TransitionNotAllowedError:
        """The error for a trigger that is unknown or has no transition from the case's state."""
        d = self.definition
        if trigger not in self._events:
            known = ", ".join(t.value for t in d.triggers)
            return TransitionNotAllowedError(
                case.state,
                trigger,
                f"trigger: unknown trigger {trigger!r} for workflow {d.name!r} v{d.version} "
                f"(known: {known})",
            )
        return TransitionNotAllowedError(
            case.state,
            trigger,
            f"当前状态“{d.label_of(case.state)}”不能“{d.label_of(trigger)}” "
            f"(trigger {trigger!r} is not allowed in state {case.state!r})",
        )

    def fire(self, case: Case, trigger: str, ctx: Context[Any]) -> tuple[Case, str]:
        """Fire ``trigger`` on ``case``: return the case with the effects applied, and the new state.

        The case's ``state`` and ``version`` are not changed here; the engine
        sets them, with the audit head, when it writes.

        Raises:
            TransitionNotAllowedError: unknown trigger or no transition from the state.
            RuleRejectedError: a guard refused on the case or the law.
            ValidationError: a guard refused one of the inputs (``field`` names it).
        """
        event = self._events.get(trigger)
        if event is None:
            raise self.not_allowed(case, trigger)
        token = _Token(case, ctx)
        try:
            done = event.trigger(token)
        except MachineError as exc:
            raise self.not_allowed(case, trigger) from exc
        if not done:
            refusal = token.refusal or Decision(False, "no transition allowed", "", trigger)
            raise refusal_error(refusal, trigger)
        return token.case, token.state


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
            line = f'  state "{value} {definition.label_of(value)}" as {value}'
        elif "-->" in stripped and ": " in stripped:
            head, trigger = line.rsplit(": ", 1)
            line = f"{head}: {trigger} {definition.label_of(trigger)}"
        lines.append(line)
    return "\n".join(lines) + "\n"
