"""The one adapter to ``transitions``: a shared Machine per workflow definition.

Configuration follows STYLE.md: ``model_override=True`` (nothing is injected
into our objects), ``auto_transitions=False`` (no ``to_<state>`` shortcuts),
``send_event=True``. The Machine is built once per definition, and its
table — each trigger's transitions by source state, in the order
``transitions`` evaluates them — is what :meth:`CompiledWorkflow.fire` looks
a trigger up in. The frozen :class:`~mediation.model.Case` is never handed to
the library.

:meth:`CompiledWorkflow.fire` then runs the candidates' guards in that order
and the first allowed candidate's effects; it does not go through
``Event.trigger``, whose per-call machinery (an event queue, an ``EventData``,
callbacks resolved by name, state enter/exit callbacks, logging calls) we use
none of and which cost a third of an in-memory fire. A guard's refusal is
raised as :class:`RuleRejectedError` with its reason and legal basis (or, for a
refusal of one input, :class:`ValidationError` naming it); a trigger with no
transition from the state becomes :class:`TransitionNotAllowedError`.
"""

from __future__ import annotations

from typing import Any, cast

from transitions import EventData, Machine

from mediation._errors import RuleRejectedError, TransitionNotAllowedError, ValidationError
from mediation.model import Case
from mediation.rules.base import Context, Decision, Effect, Guard
from mediation.workflows.definition import ReadsRelated, WorkflowDefinition

__all__ = ["CompiledWorkflow", "compile_workflow", "mermaid", "refusal_error"]


_Candidate = tuple[str, tuple[Guard, ...], tuple[Effect, ...]]
"""One transition of a trigger from a state: its destination, guards and effects."""


class _Marker:
    """Names one of our transitions inside the Machine (its only ``before`` callback).

    The Machine never runs it: :meth:`CompiledWorkflow.fire` reads the Machine's
    table of transitions and runs the guards and effects the marker names.
    """

    __slots__ = ("candidate",)

    def __init__(self, candidate: _Candidate) -> None:
        self.candidate = candidate

    def __call__(self, event: EventData) -> None:  # pragma: no cover - never fired
        raise AssertionError("the workflow's Machine is a lookup table; it is not triggered")


def refusal_error(decision: Decision, default_rule: str) -> Exception:
    """The typed error of a refusal: about one input, or about the case and the law."""
    if decision.field is not None:
        return ValidationError(decision.field, decision.value, decision.reason, decision.basis)
    return RuleRejectedError(decision.rule or default_rule, decision.reason, decision.basis)


class CompiledWorkflow:
    """A definition bound to its one shared ``transitions`` Machine.

    ``transitions`` looks up and orders the candidate transitions of a
    trigger (its table, read once here); :meth:`fire` is the one evaluator:
    the engine calls it to fire, to check what is allowed, and to replay.
    """

    __slots__ = ("_inputs", "_related", "_roles", "_sends", "_table", "definition", "machine")

    def __init__(self, definition: WorkflowDefinition) -> None:
        self.definition = definition
        spec: list[dict[str, Any]] = []
        for t in definition.transitions:
            marker = _Marker((t.dest.value, t.guards, t.effects))
            spec.append(
                {
                    "trigger": t.trigger.value,
                    "source": [s.value for s in t.source],
                    "dest": t.dest.value,
                    "before": [marker],
                }
            )
        self.machine = Machine(
            model=None,
            states=[s.value for s in definition.states],
            transitions=spec,
            initial=definition.initial.value,
            auto_transitions=False,
            send_event=True,
            model_override=True,
        )
        # transitions' own table of each trigger's transitions by source state, in its
        # order of evaluation: the lookup fire runs on.
        self._table: dict[str, dict[str, tuple[_Candidate, ...]]] = {
            name: {
                source: tuple(cast(_Marker, tr.before[0]).candidate for tr in candidates)
                for source, candidates in event.transitions.items()
            }
            for name, event in self.machine.events.items()
        }
        roles: dict[tuple[str, str], frozenset[str]] = {}
        for t in definition.transitions:
            for s in t.source:
                key = (t.trigger.value, s.value)
                roles[key] = roles.get(key, frozenset()) | {r.value for r in t.roles}
        self._roles = roles
        self._inputs = {t.trigger.value: t.inputs for t in definition.transitions}
        self._sends = frozenset(t.trigger.value for t in definition.transitions if t.sends)
        self._related: dict[tuple[str, str], ReadsRelated] = {
            (t.trigger.value, s.value): t.reads_related
            for t in definition.transitions
            if t.reads_related is not False
            for s in t.source
        }

    def knows(self, trigger: str) -> bool:
        """Whether ``trigger`` is a trigger of this workflow."""
        return trigger in self._table

    def inputs(self, trigger: str) -> type:
        """The inputs class of a trigger of this workflow."""
        return self._inputs[trigger]

    def sends(self, trigger: str) -> bool:
        """Whether ``trigger`` sends a case to another unit (:attr:`Transition.sends`)."""
        return trigger in self._sends

    def reads_related(self, trigger: str, state: str) -> ReadsRelated:
        """Whether a transition of ``trigger`` from ``state`` sees the related cases
        (see :attr:`Transition.reads_related`)."""
        return self._related.get((trigger, state), False)

    def roles(self, trigger: str, state: str) -> frozenset[str] | None:
        """Roles that may fire ``trigger`` from ``state`` (``None``: no transition from there)."""
        return self._roles.get((trigger, state))

    def not_allowed(self, case: Case, trigger: str) -> TransitionNotAllowedError:
        """The error for a trigger that is unknown or has no transition from the case's state."""
        d = self.definition
        if trigger not in self._table:
            known = ", ".join(t.value for t in d.triggers)
            return TransitionNotAllowedError(
                case.state,
                trigger,
                f"trigger: unknown trigger {trigger!r} for workflow {d.name!r} v{d.version} "
                f"(known: {known})",
            )
        ending = d.endings.get(case.state)  # type: ignore[call-overload]
        why, basis = ("", "") if ending is None else (f"：{ending.reason}", ending.basis)
        return TransitionNotAllowedError(
            case.state,
            trigger,
            f"当前状态“{d.label_of(case.state)}”不能“{d.label_of(trigger)}”{why} "
            f"(trigger {trigger!r} is not allowed in state {case.state!r})",
            basis,
        )

    def fire(self, case: Case, trigger: str, ctx: Context[Any]) -> tuple[Case, str]:
        """Fire ``trigger`` on ``case``: return the case with the effects applied, and the new state.

        The case's ``state`` and ``version`` are not changed here; the engine
        sets them, with the audit head, when it writes.

        Raises:
            TransitionNotAllowedError: unknown trigger or no transition from the state.
            RuleRejectedError: a guard refused on the case or the law.
            ValidationError: a guard refused one of the inputs (``field`` names it).

        The candidates are tried in ``transitions``' order; a candidate's guards stop
        at its first refusal, and when none is allowed the first refusal met is raised.
        """
        candidates = self._table.get(trigger, _NONE).get(case.state)
        if candidates is None:
            raise self.not_allowed(case, trigger)
        refusal: Decision | None = None
        for dest, guards, effects in candidates:
            for guard in guards:
                decision = guard(case, ctx)
                if not decision.allowed:
                    if refusal is None:
                        refusal = decision
                    break
            else:
                for effect in effects:
                    case = effect(case, ctx)
                return case, dest
        raise refusal_error(
            refusal or Decision(False, "no transition allowed", "", trigger), trigger
        )


_NONE: dict[str, tuple[_Candidate, ...]] = {}


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
