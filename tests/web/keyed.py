"""A workflow of the tests with case keys (a party's ID number), for duplicate warnings."""

from __future__ import annotations

from collections.abc import Iterable

from mediation import Case, CaseKind, LabeledEnum, Role, Transition, WorkflowDefinition


class State(LabeledEnum):
    received = "received", "已登记"
    closed = "closed", "已办结"


class Trigger(LabeledEnum):
    close = "close", "办结"


def keys(case: Case) -> Iterable[str]:
    for p in case.parties:
        if p.identifier:
            yield f"party:{p.identifier}"


KEYED = WorkflowDefinition(
    name="keyed",
    version=1,
    kind=CaseKind.dispute,
    label="登记查重（测试）",
    states=State,
    triggers=Trigger,
    initial=State.received,
    finals=frozenset({State.closed}),
    closed=frozenset({State.closed}),
    transitions=(Transition(Trigger.close, State.received, State.closed, roles={Role.clerk}),),
    keys=keys,
)
