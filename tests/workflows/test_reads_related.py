"""A step may read the cases sharing a key with its case (``reads_related``), as intake does.

A workflow defined here, 法律援助 (legal aid): one applicant's matter is aided by one
office at a time. Its ``accept`` reads the related cases and refuses while another
application on the same matter is accepted and open; its ``note_related`` step records
which related cases it saw; ``note_if_other`` reads them only for a case of the category
``other`` (a predicate). The engine looks them up as they stand, logs them with the event,
and a replay reads them from the log — not from the store as it is later.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from mediation import (
    Actor,
    Case,
    Context,
    Decision,
    Engine,
    LabeledEnum,
    Party,
    Role,
    RuleRejectedError,
    Step,
    Transition,
    WorkflowDefinition,
)
from mediation.rules.base import ALLOW, refuse

from ..conftest import make_engine
from ..helpers import at


class State(LabeledEnum):
    received = "received", "已申请"
    accepted = "accepted", "已受理"
    closed = "closed", "已办结"


class Trigger(LabeledEnum):
    accept = "accept", "受理"
    close = "close", "办结"


class AidStep(LabeledEnum):
    note_related = "note_related", "记录同一事项的其他申请"
    note_if_other = "note_if_other", "记录同一事项的其他申请（仅其他类）"


@attrs.frozen
class AidDetails:
    seen: tuple[str, ...] = ()


def _keys(case: Case) -> list[str]:
    return [
        k for p in case.parties for k in (f"party:{p.phone}", f"matter:{p.phone}:{case.category}")
    ]


def one_office_guard(case: Case, ctx: Context[Any]) -> Decision:
    for r in ctx.related:
        if r.state == State.accepted.value and not r.closed:
            return refuse("accept", f"同一事项已由{r.unit}受理（{r.code}）", "测试流程规则第1条")
    return ALLOW


def on_note(case: Case, ctx: Context[Any]) -> Case:
    return attrs.evolve(case, details=AidDetails(tuple(f"{r.id}:{r.state}" for r in ctx.related)))


AID = WorkflowDefinition(
    name="legal_aid",
    version=1,
    kind="legal_aid",
    label="法律援助",
    states=State,
    triggers=Trigger,
    initial=State.received,
    finals=frozenset({State.closed}),
    closed=frozenset({State.closed}),
    transitions=(
        Transition(
            Trigger.accept,
            State.received,
            State.accepted,
            guards=one_office_guard,
            roles={Role.clerk},
            reads_related=True,
        ),
        Transition(Trigger.close, State.accepted, State.closed, roles={Role.clerk}),
    ),
    details=AidDetails,
    intake_roles={Role.clerk},
    keys=_keys,
)

NOTE = Step(
    AidStep.note_related,
    roles={Role.clerk},
    effects=on_note,
    workflows=frozenset({"legal_aid"}),
    reads_related=True,
)

NOTE_IF_OTHER = Step(
    AidStep.note_if_other,
    roles={Role.clerk},
    effects=on_note,
    workflows=frozenset({"legal_aid"}),
    reads_related=lambda case, policy: case.category == "other",
)

CLERK = Actor("clerk", {"clerk"}, "qt-dm-dmc")
TOWN = Actor("town-clerk", {"clerk"}, "qt-dm")


@pytest.fixture
def engine(backend: str) -> Iterator[Engine]:
    eng = make_engine(backend, workflows=[AID], steps=[NOTE, NOTE_IF_OTHER])
    try:
        yield eng
    finally:
        eng.close()


def _apply(e: Engine, actor: Actor, day: str, category: str = "other") -> Case:
    return e.intake(
        workflow="legal_aid",
        channel="walk_in",
        category=category,
        parties=[Party.person("钱援助", role="applicant", phone="13900000002")],
        summary="工伤赔偿法律援助",
        unit=actor.unit or "",
        actor=actor,
        at=at(day, 9),
    )


def test_a_step_sees_the_related_cases_as_they_stand(engine: Engine) -> None:
    """The village office accepted first: the town's accept is refused, naming it, and
    ``available_triggers`` says so with the same reason; once the village office closed
    its case, the town's is accepted."""
    first = _apply(engine, CLERK, "2026-03-02")
    second = _apply(engine, TOWN, "2026-03-03")
    engine.fire(first.id, "accept", actor=CLERK, at=at("2026-03-03", 10))
    with pytest.raises(RuleRejectedError, match=first.code) as err:
        engine.fire(second.id, "accept", actor=TOWN, at=at("2026-03-04", 10))
    assert engine.get(second.id) == second
    offered = {t.trigger: t for t in engine.available_triggers(second.id, TOWN, at("2026-03-04"))}
    assert not offered["accept"].allowed
    assert offered["accept"].reason == err.value.reason
    engine.fire(first.id, "close", actor=CLERK, at=at("2026-03-05", 10))
    accepted = engine.fire(second.id, "accept", actor=TOWN, at=at("2026-03-06", 10))
    assert accepted.state == "accepted"


def test_what_a_step_saw_is_logged_and_replayed(engine: Engine) -> None:
    """``note_related`` saw the first case accepted; the log keeps that, so the case still
    replays and verifies after the first case closed (the store now says closed). A
    step that does not read them logs none."""
    first = _apply(engine, CLERK, "2026-03-02")
    second = _apply(engine, TOWN, "2026-03-03")
    engine.fire(first.id, "accept", actor=CLERK, at=at("2026-03-03", 10))
    noted = engine.fire(second.id, "note_related", actor=TOWN, at=at("2026-03-04", 10))
    assert noted.details == AidDetails((f"{first.id}:accepted",))
    engine.fire(first.id, "close", actor=CLERK, at=at("2026-03-05", 10))
    logged = engine.history(second.id)[-1]
    assert [r["id"] for r in logged.facts["related"]] == [first.id]
    assert "related" not in engine.history(first.id)[-1].facts
    assert engine.verify(second.id).ok
    again = engine.fire(second.id, "note_related", actor=TOWN, at=at("2026-03-06", 10))
    assert again.details == AidDetails((f"{first.id}:closed",))
    assert engine.verify(second.id).ok


def test_a_predicate_says_for_which_cases_they_are_looked_up(engine: Engine) -> None:
    """``note_if_other`` reads the related cases of an ``other`` case only: a labour case
    sharing the applicant's key (``note_related`` sees the others through it) sees none
    and logs none."""
    first = _apply(engine, CLERK, "2026-03-02")
    labour = _apply(engine, TOWN, "2026-03-03", category="labour")
    other = _apply(engine, TOWN, "2026-03-03")
    assert labour.keys != other.keys  # the matter key holds the category; the party's does not
    engine.fire(first.id, "accept", actor=CLERK, at=at("2026-03-03", 10))
    seen = engine.fire(other.id, "note_if_other", actor=TOWN, at=at("2026-03-04", 10))
    assert seen.details == AidDetails((f"{first.id}:accepted", f"{labour.id}:received"))
    blind = engine.fire(labour.id, "note_if_other", actor=TOWN, at=at("2026-03-04", 10))
    assert blind.details == AidDetails(())
    assert (
        len(engine.fire(labour.id, "note_related", actor=TOWN, at=at("2026-03-05")).details.seen)
        == 2
    )
    assert "related" not in engine.history(labour.id)[-2].facts
    assert engine.verify(labour.id).ok
