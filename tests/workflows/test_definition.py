"""Workflow definitions are validated when built; the dispute graph is complete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import attrs
import pytest

from mediation import DefinitionError, RuleRejectedError, TransitionNotAllowedError
from mediation._machine import compile_workflow, mermaid
from mediation.model import CaseKind, LabeledEnum
from mediation.rules.base import ALLOW, Decision
from mediation.workflows.definition import Ending, Transition, WorkflowDefinition
from mediation.workflows.dispute import DISPUTE, DisputeState, DisputeTrigger


class S(LabeledEnum):
    a = "a", "甲"
    b = "b", "乙"
    c = "c", "丙"


class T(LabeledEnum):
    go = "go", "去"
    back = "back", "回"


class Other(LabeledEnum):
    x = "x", "外"


def _guard(case: Any, ctx: Any) -> Any:
    return ALLOW


@attrs.frozen
class _Other:
    x: str = ""


@attrs.frozen
class _NeedsValue:
    x: str


def build(transitions: tuple[Transition, ...], **kw: Any) -> WorkflowDefinition:
    args: dict[str, Any] = {
        "name": "t",
        "version": 1,
        "kind": CaseKind.dispute,
        "label": "测试流程",
        "states": S,
        "triggers": T,
        "initial": S.a,
        "finals": frozenset({S.c}),
        "closed": frozenset({S.c}),
        "transitions": transitions,
    }
    args.update(kw)
    return WorkflowDefinition(**args)


GOOD = (
    Transition(T.go, S.a, S.b),
    Transition(T.back, S.b, S.a),
    Transition(T.go, S.b, S.c),
)


def test_a_well_formed_definition_builds() -> None:
    """The reference graph passes validation."""
    assert build(GOOD).initial is S.a


BAD: list[tuple[str, Callable[[], WorkflowDefinition], str]] = [
    ("unknown destination", lambda: build((*GOOD, Transition(T.go, S.a, Other.x))), "not a state"),
    (
        "unreachable state",
        lambda: build((Transition(T.go, S.a, S.c), Transition(T.back, S.a, S.a))),
        "unreachable",
    ),
    (
        "exit from a final state",
        lambda: build((*GOOD, Transition(T.back, S.c, S.a))),
        "final state",
    ),
    ("duplicate unguarded", lambda: build((*GOOD, Transition(T.go, S.a, S.c))), "duplicates"),
    (
        "string guard",
        lambda: build((*GOOD[:2], Transition(T.go, S.b, S.c, guards="_guard"))),
        "callables",
    ),
    (
        "string effect",
        lambda: build((*GOOD[:2], Transition(T.go, S.b, S.c, effects=["x"]))),
        "callables",
    ),
    ("unknown initial", lambda: build(GOOD, initial=Other.x), "initial"),
    (
        "unused trigger",
        lambda: build((Transition(T.go, S.a, S.b), Transition(T.go, S.b, S.c))),
        "never used",
    ),
    ("states not an enum", lambda: build(GOOD, states=str), "StrEnum"),
    ("final not closed", lambda: build(GOOD, closed=frozenset()), "closed"),
    (
        "role as a string",
        lambda: build((*GOOD[:2], Transition(T.go, S.b, S.c, roles={"clerk"}))),
        "role enum",
    ),
    (
        "inputs not an attrs class",
        lambda: build((*GOOD[:2], Transition(T.go, S.b, S.c, inputs=dict))),
        "attrs class",
    ),
    (
        "two inputs classes for one trigger",
        lambda: build((*GOOD[:2], Transition(T.go, S.b, S.c, inputs=_Other))),
        "same inputs class",
    ),
    ("clock named by a string", lambda: build(GOOD, clocks=("people_mediation",)), "PeriodRule"),
    ("details not an attrs class", lambda: build(GOOD, details=dict), "details"),
    ("details without defaults", lambda: build(GOOD, details=_NeedsValue), "default"),
    (
        "ending of a state that is not final",
        lambda: build(GOOD, endings={S.b: Ending("不再办理", "某法第一条")}),
        "endings",
    ),
    ("ending not an Ending", lambda: build(GOOD, endings={S.c: "某法第一条"}), "endings"),
]


@pytest.mark.parametrize(("what", "make", "message"), BAD, ids=[b[0] for b in BAD])
def test_malformed_definitions_fail_when_built(
    what: str, make: Callable[[], WorkflowDefinition], message: str
) -> None:
    """Each malformation raises DefinitionError at build time, naming the fault."""
    with pytest.raises(DefinitionError, match=message):
        make()


def test_a_misspelled_period_fails_at_import() -> None:
    """Protects: a clock named by a wrong id is a DefinitionError where it is named, not at run time."""
    from mediation.rules.periods import period

    with pytest.raises(DefinitionError, match="unknown period id"):
        period("people_mediaton")


def test_guarded_alternatives_may_share_a_trigger_and_source() -> None:
    """Two transitions on one (trigger, source) are fine when guarded."""
    build((*GOOD, Transition(T.go, S.a, S.c, guards=_guard)))


def test_dispute_workflow_validates_and_covers_the_graph() -> None:
    """The built-in dispute graph has every state of the issue and validates."""
    DISPUTE.validate()
    names = {s.value for s in DisputeState}
    assert {
        "received",
        "triaged",
        "accepted",
        "not_accepted",
        "transferred_out",
        "mediating",
        "suspended",
        "agreed",
        "performing",
        "performed",
        "not_performed",
        "callback",
        "closed",
        "archived",
        "failed",
        "withdrawn",
        "referred",
        "handed_off",
    } <= names
    edges = {
        (s.value, t.trigger.value, t.dest.value) for t in DISPUTE.transitions for s in t.source
    }
    for edge in [
        ("received", "triage", "triaged"),
        ("triaged", "accept", "accepted"),
        ("triaged", "accept", "not_accepted"),
        ("triaged", "transfer_out", "transferred_out"),
        ("triaged", "refer", "referred"),
        ("referred", "take_referral", "accepted"),
        ("referred", "return_referral", "triaged"),
        ("accepted", "hand_off", "handed_off"),
        ("failed", "hand_off", "handed_off"),
        ("accepted", "inform_rights", "accepted"),
        ("agreed", "sign", "agreed"),
        ("not_performed", "remediate", "mediating"),
        ("mediating", "party_refuses", "failed"),
        ("failed", "start_callback", "callback"),
        ("accepted", "start_mediation", "mediating"),
        ("mediating", "suspend", "suspended"),
        ("suspended", "resume", "mediating"),
        ("mediating", "agree", "agreed"),
        ("agreed", "begin_performance", "performing"),
        ("performing", "confirm_performed", "performed"),
        ("performing", "report_not_performed", "not_performed"),
        ("performed", "start_callback", "callback"),
        ("callback", "close", "closed"),
        ("closed", "archive", "archived"),
        ("mediating", "terminate", "failed"),
        ("failed", "close", "closed"),
        ("callback", "reopen", "mediating"),
        ("callback", "record_callback", "callback"),
        ("mediating", "withdraw", "withdrawn"),
    ]:
        assert edge in edges, edge
    for member in (*DisputeState, *DisputeTrigger):
        assert member.label != member.value


def test_mermaid_diagram_lists_every_state_and_transition_with_labels() -> None:
    """The Mermaid diagram is drawn from the definition, with Chinese labels."""
    text = mermaid(DISPUTE)
    assert text.startswith("---")
    assert "stateDiagram-v2" in text
    for s in DisputeState:
        assert f'state "{s.value} {s.label}" as {s.value}' in text
    assert "received --> triaged: triage 分流" in text
    assert "[*] --> received" in text


def test_version_1_of_the_dispute_workflow_is_kept_for_its_cases() -> None:
    """Cases begun under version 1 replay on its frozen graph (DESIGN: a workflow's
    version is part of its cases)."""
    from mediation.workflows.dispute import DISPUTE_V1

    DISPUTE_V1.validate()
    assert (DISPUTE_V1.name, DISPUTE_V1.version) == (DISPUTE.name, 1)
    assert DISPUTE.version == 12
    edges = {
        (s.value, t.trigger.value, t.dest.value) for t in DISPUTE_V1.transitions for s in t.source
    }
    assert ("triaged", "refuse", "not_accepted") in edges
    assert not any(trigger == "refer" for _, trigger, _ in edges)


def _refuse(reason: str) -> Callable[[Any, Any], Decision]:
    def guard(case: Any, ctx: Any) -> Decision:
        return Decision(False, reason, f"第{reason}条", "rule_" + reason)

    return guard


@attrs.frozen
class _Held:
    state: str
    marks: tuple[str, ...] = ()


def _mark(name: str) -> Callable[[Any, Any], Any]:
    def effect(case: _Held, ctx: Any) -> _Held:
        return attrs.evolve(case, marks=(*case.marks, name))

    return effect


def test_fire_tries_the_candidates_in_order_and_raises_the_first_refusal() -> None:
    """Protects: of guarded alternatives on one (trigger, source), the first allowed one
    fires and only its effects run; when all refuse, the first refusal met is the error."""
    allowed = compile_workflow(
        build(
            (
                Transition(T.go, S.a, S.c, guards=_refuse("一"), effects=_mark("first")),
                Transition(T.go, S.a, S.b, guards=_guard, effects=_mark("second")),
                *GOOD[1:],
            )
        )
    )
    case, dest = allowed.fire(cast(Any, _Held("a")), "go", cast(Any, None))
    assert (dest, case.marks) == ("b", ("second",))

    refused = compile_workflow(
        build(
            (
                Transition(T.go, S.a, S.c, guards=(_refuse("一"), _refuse("三"))),
                Transition(T.go, S.a, S.b, guards=_refuse("二")),
                *GOOD[1:],
            )
        )
    )
    with pytest.raises(RuleRejectedError) as caught:
        refused.fire(cast(Any, _Held("a")), "go", cast(Any, None))
    assert (caught.value.rule, caught.value.basis) == ("rule_一", "第一条")
    with pytest.raises(TransitionNotAllowedError):
        refused.fire(cast(Any, _Held("c")), "go", cast(Any, None))
    with pytest.raises(TransitionNotAllowedError, match="unknown trigger"):
        refused.fire(cast(Any, _Held("a")), "jump", cast(Any, None))


def test_a_final_state_s_ending_gives_the_refusal_its_reason_and_basis() -> None:
    """A trigger asked of a case in a final state that the law makes final is refused with
    the definition's reason and basis, by ``fire`` and ``available_triggers`` alike; a final
    state without an ending is refused as before, with no basis."""
    from mediation import Actor, Party

    from ..conftest import make_engine

    ended = build(
        GOOD,
        name="ended",
        endings={S.c: Ending("该事项已终结，不再办理", "《某某条例》第九条第三款")},
    )
    engine = make_engine("memory", workflows=[ended, build(GOOD, name="plain")])
    actor = Actor("clerk", {"clerk"}, "qt-dm-dmc")
    for name, basis in (("ended", "《某某条例》第九条第三款"), ("plain", "")):
        case = engine.intake(
            workflow=name,
            channel="walk_in",
            category="neighbor",
            parties=[
                Party.person(f"甲{name}", role="applicant", phone="13900000001"),
                Party.person(f"乙{name}", role="respondent", phone="13900000002"),
            ],
            summary="测试",
            unit="qt-dm-dmc",
            actor=actor,
        )
        engine.fire(case.id, "go", actor=actor)
        case = engine.fire(case.id, "go", actor=actor)
        assert case.state == "c"
        with pytest.raises(TransitionNotAllowedError) as refused:
            engine.fire(case.id, "back", actor=actor)
        assert refused.value.basis == basis
        assert ("该事项已终结，不再办理" in str(refused.value)) is bool(basis)
        (option,) = (
            o for o in engine.available_triggers(case.id, actor=actor) if o.trigger == "back"
        )
        assert (option.allowed, option.basis, option.reason) == (False, basis, str(refused.value))
        assert engine.get(case.id) == case
