"""Whose period a clock is: the unit's hard limits and targets, the parties' periods, a court's.

DESIGN.md: a duty clock can be breached and supervised; a parties' own period
(申请司法确认, 复查/复核 requests) is shown and reminded, never counted as the
unit's breach. A soft period (一般…) warns when passed, it is not supervised.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import (
    Case,
    ClockKind,
    Context,
    Deadline,
    DeadlineStatus,
    Engine,
    LabeledEnum,
    PeriodRule,
    Role,
    Transition,
    WorkflowDefinition,
)
from mediation.rules import deadlines
from mediation.rules.counting import PeriodUnit
from mediation.rules.periods import PERIODS, ClockHolder, period

from .conftest import make_engine
from .helpers import CLERK, DIRECTOR, at, parties

HARD = PeriodRule(
    id="kinds_hard",
    name_zh="测试：法定期限",
    length=5,
    unit=PeriodUnit.days,
    starts_on="登记之日",
    basis="测试",
    status="PRACTICE",
)
SOFT = PeriodRule(
    id="kinds_soft",
    name_zh="测试：一般期限",
    length=5,
    unit=PeriodUnit.days,
    starts_on="登记之日",
    basis="测试",
    status="PRACTICE",
    soft=True,
)
PARTY = period("judicial_confirmation_apply")
COURT = period("judicial_confirmation_accept")


class State(LabeledEnum):
    open = "open", "办理中"
    done = "done", "办结"


class Trigger(LabeledEnum):
    finish = "finish", "办结"


def _open_all(case: Case, ctx: Context[Any]) -> Case:
    for rule in (HARD, SOFT, PARTY, COURT):
        case = deadlines.open_clock(case, ctx, rule)
    return case


def _close_all(case: Case, ctx: Context[Any]) -> Case:
    return deadlines.close(case, ctx)


KINDS = WorkflowDefinition(
    name="kinds",
    version=1,
    kind="kinds",
    label="期间种类测试",
    states=State,
    triggers=Trigger,
    initial=State.open,
    finals=frozenset({State.done}),
    closed=frozenset({State.done}),
    transitions=(
        Transition(Trigger.finish, State.open, State.done, effects=_close_all, roles={Role.clerk}),
    ),
    intake_effects=_open_all,
    clocks=(HARD, SOFT, PARTY, COURT),
)


def _of(case: Case, period_id: str) -> Deadline:
    return next(d for d in case.deadlines if d.period == period_id)


def _engine(spec: str = "memory") -> Engine:
    engine = make_engine(spec)
    engine.register(KINDS)
    return engine


def _case(engine: Engine, day: str = "2026-03-02") -> Case:
    return engine.intake(
        workflow="kinds",
        channel="walk_in",
        category="other",
        parties=parties(),
        summary="期间种类",
        unit="qt-dm-dmc",
        actor=CLERK,
        at=at(day, 9),
    )


def test_the_table_says_whose_period_each_is() -> None:
    """Parties' rights, the court's periods, the unit's targets and hard limits (RULES.md §0)."""
    assert PERIODS["judicial_confirmation_apply"].kind is ClockKind.party
    assert PERIODS["petition_review_request"].kind is ClockKind.party
    assert PERIODS["petition_rereview_request"].kind is ClockKind.party
    assert PERIODS["traffic_police_apply"].kind is ClockKind.party
    assert PERIODS["judicial_confirmation_accept"].kind is ClockKind.external
    assert PERIODS["judicial_confirmation_examine"].holder is ClockHolder.organ
    assert PERIODS["people_mediation"].kind is ClockKind.target
    assert PERIODS["petition_handling"].kind is ClockKind.duty
    assert PERIODS["medical_people_mediation"].kind is ClockKind.duty


def test_each_clock_opens_with_its_kind() -> None:
    """The kind is fixed on the clock when it opens, from its rule."""
    engine = _engine()
    case = _case(engine)
    kinds = {d.period: d.kind for d in case.deadlines}
    assert kinds == {
        "kinds_hard": ClockKind.duty,
        "kinds_soft": ClockKind.target,
        "judicial_confirmation_apply": ClockKind.party,
        "judicial_confirmation_accept": ClockKind.external,
    }


@pytest.mark.parametrize("spec", ["memory", "sqlite"])
def test_due_lists_the_units_clocks_and_the_parties_only_when_asked(
    spec: str, tmp_path: Any
) -> None:
    """`due` lists the unit's own clocks, each marked hard or not; the parties' and the
    court's periods come only with ``kinds=``; supervision escalates only hard limits."""
    engine = _engine("memory" if spec == "memory" else f"sqlite:///{tmp_path / 'k.db'}")
    case = _case(engine)
    late = at("2026-05-01", 9)
    items = engine.due(at=late)
    assert {(i.deadline.period, i.hard) for i in items} == {
        ("kinds_hard", True),
        ("kinds_soft", False),
    }
    asked = engine.due(at=late, kinds=["party", ClockKind.external])
    assert {i.kind for i in asked} == {ClockKind.party, ClockKind.external}
    written = engine.supervise(at=late, actor=DIRECTOR)
    assert [e.data["deadline"] for e in written] == [_of(case, "kinds_hard").id]
    assert engine.supervise(at=late, actor=DIRECTOR) == []
    with pytest.raises(Exception, match="not supervised"):
        engine.fire(
            case.id,
            "supervise",
            actor=DIRECTOR,
            at=late,
            deadline=_of(case, "judicial_confirmation_apply").id,
        )
    engine.close()


def test_a_passed_period_of_the_parties_lapses_it_is_never_breached() -> None:
    """Closed after its day: the unit's clocks are breached, the others lapse."""
    engine = _engine()
    case = _case(engine)
    done = engine.fire(case.id, "finish", actor=CLERK, at=at("2026-06-01", 9))
    status = {d.period: d.status for d in done.deadlines}
    assert status == {
        "kinds_hard": DeadlineStatus.breached,
        "kinds_soft": DeadlineStatus.breached,
        "judicial_confirmation_apply": DeadlineStatus.lapsed,
        "judicial_confirmation_accept": DeadlineStatus.lapsed,
    }
    assert engine.verify(case.id).ok


def test_a_workflow_version_may_keep_the_kinds_it_was_recorded_with() -> None:
    """A frozen version keeps its semantics (the dispute workflow of release 0.1: all duty)."""
    frozen = WorkflowDefinition(
        **{
            **{a: getattr(KINDS, a) for a in ("kind", "label", "states", "triggers", "initial")},
            "name": "kinds_old",
            "version": 1,
            "finals": KINDS.finals,
            "closed": KINDS.closed,
            "transitions": KINDS.transitions,
            "intake_effects": KINDS.intake_effects,
            "clocks": KINDS.clocks,
            "clock_kinds": {PARTY.id: ClockKind.duty},
        }
    )
    engine = _engine()
    engine.register(frozen)
    case = engine.intake(
        workflow="kinds_old",
        channel="walk_in",
        category="other",
        parties=parties(),
        summary="旧版",
        unit="qt-dm-dmc",
        actor=CLERK,
        at=at("2026-03-02", 9),
    )
    assert _of(case, PARTY.id).kind is ClockKind.duty
    assert _of(case, COURT.id).kind is ClockKind.external


@settings(max_examples=60, deadline=None)
@given(
    opened=st.integers(0, 60),
    closed_after=st.integers(0, 90),
    scans=st.lists(st.integers(0, 90), max_size=4),
)
def test_no_breach_is_ever_recorded_for_a_parties_period(
    opened: int, closed_after: int, scans: list[int]
) -> None:
    """Property (issue 9): whatever the dates, supervision scans and closing, a parties'
    or an organ's period is never breached, never escalated, never on the unit's list."""
    import datetime as dt

    engine = _engine()
    start = dt.date(2026, 1, 5) + dt.timedelta(days=opened)
    case = _case(engine, start.isoformat())
    for n in sorted(scans):
        when = at((start + dt.timedelta(days=n)).isoformat(), 18)
        engine.supervise(at=when, actor=DIRECTOR)
        for item in engine.due(at=when, warnings=True):
            assert item.kind.is_own
    end = at((start + dt.timedelta(days=max([closed_after, *scans]))).isoformat(), 19)
    done = engine.fire(case.id, "finish", actor=CLERK, at=end)
    for d in done.deadlines:
        if not d.kind.is_own:
            assert d.status is not DeadlineStatus.breached
            assert d.escalated_at is None
        elif d.kind is ClockKind.target:
            assert d.escalated_at is None
