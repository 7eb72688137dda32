"""Clocks on cases: extensions with approval, supervision of breaches exactly once, due lists."""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

import pytest

from mediation import (
    Actor,
    AuthorizationError,
    DeadlineStatus,
    Engine,
    ValidationError,
)
from mediation.rules.warnings import WarningLevel

from .conftest import make_engine
from .helpers import CLERK, at, hard_limits, intake, to_state


@pytest.fixture
def engine(backend: str) -> Any:
    """An engine on each backend with the practice targets made hard limits."""
    eng = make_engine(backend, policy=hard_limits())
    try:
        yield eng
    finally:
        eng.close()


def test_due_lists_overdue_and_warnings_by_level(engine: Engine) -> None:
    """due() lists overdue clocks, and with warnings the yellow/red ones, earliest first."""
    early = intake(engine, when=at("2026-03-02", 9))  # acceptance due 2026-03-05
    late = intake(engine, when=at("2026-03-04", 9))  # due 2026-03-09 (Mon)
    items = engine.due(at=at("2026-03-06", 9))
    assert [(i.case_id, i.warning) for i in items] == [(early.id, WarningLevel.overdue)]
    assert [i.case_id for i in engine.due(at=at("2026-03-06", 9), warnings=True)] == [early.id]
    warned = engine.due(at=at("2026-03-09", 9), warnings=True)  # the late one's due day
    assert [(i.case_id, i.warning) for i in warned] == [
        (early.id, WarningLevel.overdue),
        (late.id, WarningLevel.red),
    ]
    assert engine.due(at=at("2026-03-06", 9), level="town") == []
    assert engine.due(at=at("2026-03-06", 9), periods=["people_mediation"]) == []
    assert [i.case_id for i in engine.due(at=at("2026-03-06", 9), within="qt")] == [early.id]


def test_supervision_escalates_each_breach_once(engine: Engine) -> None:
    """The scanner writes one audited supervise event per breach; a second run does nothing."""
    a = intake(engine, when=at("2026-03-02", 9))
    b = intake(engine, when=at("2026-03-02", 9))
    to_state(engine, b.id, "accepted")  # its acceptance clock was met in time
    seen: list[str] = []
    engine.subscribe(lambda e: seen.append(e.trigger))
    events = engine.supervise(at=at("2026-03-20", 9))
    assert [(e.case_id, e.trigger) for e in events] == [(a.id, "supervise")]
    assert "supervise" in seen
    case = engine.get(a.id)
    clock = case.deadline(events[0].data["deadline"])
    assert clock.escalated_at is not None
    assert clock.status is DeadlineStatus.running
    assert {"supervised", "supervisor:qt-dm"} <= case.flags
    assert engine.supervise(at=at("2026-03-21", 9)) == []
    assert engine.verify(a.id).ok


def test_a_second_breach_proposes_leader_case_ownership(engine: Engine) -> None:
    """Two escalated breaches on one case propose 领导包案 (policy: baoan_after=2)."""
    case = intake(engine, when=at("2026-03-02", 9))
    engine.supervise(at=at("2026-03-10", 9))
    engine.fire(
        case.id, "triage", actor=CLERK, at=at("2026-03-11", 9), track="people", level="village"
    )
    engine.fire(case.id, "accept", actor=CLERK, at=at("2026-03-11", 10))  # late: breached
    engine.supervise(at=at("2026-05-10", 9))  # the one-month mediation clock is overdue
    after = engine.get(case.id)
    assert "baoan_candidate" in after.flags
    assert any(d.status is DeadlineStatus.breached for d in after.deadlines)
    assert engine.verify(case.id).ok


def test_extension_needs_the_right_approver_and_respects_the_cap(engine: Engine) -> None:
    """Administrative mediation: +10 working days with the organ head's approval, no more."""
    town = Actor("zf-director", {"director", "clerk"}, "qt-dmz", "东门镇副镇长")
    case = intake(engine, unit="qt-dmz", actor=town)
    engine.fire(case.id, "triage", actor=town, at=at("2026-03-02", 10), track="administrative")
    case = engine.fire(case.id, "accept", actor=town, at=at("2026-03-02", 11))
    clock = next(d for d in case.deadlines if d.period == "administrative_mediation")
    with pytest.raises(ValidationError, match="organ_head"):
        engine.extend_deadline(
            case.id,
            clock.id,
            length=5,
            approver="court_president",
            reason="案情复杂",
            actor=town,
            at=at("2026-03-10"),
        )
    with pytest.raises(AuthorizationError):
        engine.extend_deadline(
            case.id,
            clock.id,
            length=5,
            approver="organ_head",
            reason="案情复杂",
            actor=Actor("zf-clerk", {"clerk"}, "qt-dmz", "镇政府文员"),
            at=at("2026-03-10"),
        )
    longer = engine.extend_deadline(
        case.id,
        clock.id,
        length=10,
        approver="organ_head",
        reason="案情复杂",
        actor=town,
        at=at("2026-03-10"),
    )
    extended = longer.deadline(clock.id)
    assert extended.extension == 10
    assert extended.due > clock.due
    with pytest.raises(ValidationError, match="at most"):
        engine.extend_deadline(
            case.id,
            clock.id,
            length=1,
            approver="organ_head",
            reason="再延",
            actor=town,
            at=at("2026-03-11"),
        )
    assert engine.verify(case.id).ok


def test_petition_extension_requires_telling_the_petitioner(mem_engine: Engine) -> None:
    """A 信访 handling extension is refused unless the petitioner was told (第三十四条)."""
    import attrs

    from mediation.rules import deadlines
    from mediation.rules.base import Context
    from mediation.rules.periods import Approver
    from mediation.rules.supervision import ExtendInputs, extend_guard, on_extend

    engine = mem_engine
    case = intake(engine)
    head = Actor("head", {"director"}, case.unit)  # 本机关负责人
    ctx = Context(at("2026-03-02"), head, None, engine.policy, engine.clocks, 99)
    with_clock = deadlines.open_clock(case, ctx, "petition_handling")
    clock = with_clock.deadline("petition_handling-99")
    ask = ExtendInputs(clock.id, 30, Approver.organ_head, "复杂")
    refusal = extend_guard(with_clock, attrs.evolve(ctx, inputs=ask))
    assert not refusal.allowed
    assert "告知信访人" in refusal.reason
    told = attrs.evolve(ctx, inputs=attrs.evolve(ask, petitioner_notified=True))
    assert extend_guard(with_clock, told).allowed
    assert on_extend(with_clock, told).deadline(clock.id).extension == 30


def _scan(url: str, when: str, out: Any) -> None:
    engine = make_engine(url, policy=hard_limits())
    try:
        out.put(len(engine.supervise(at=at(when, 9), limit=50)))
    finally:
        engine.close()


@pytest.mark.postgres
def test_three_scanners_escalate_ten_thousand_breaches_exactly_once(pg_database: str) -> None:
    """3 processes scan 10,000 overdue cases on PostgreSQL: every breach once, none missed."""
    from mediation import Party

    engine = make_engine(pg_database, policy=hard_limits())
    with engine.batch():
        ids = [
            intake(
                engine,
                when=at("2026-03-02", 9),
                parties=[
                    Party.person(f"申请人{n}", role="applicant", phone="13800000001"),
                    Party.person(f"被申请人{n}", role="respondent", phone="13800000002"),
                ],
            ).id
            for n in range(10_000)
        ]
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    scanners = [ctx.Process(target=_scan, args=(pg_database, "2026-04-01", out)) for _ in range(3)]
    for p in scanners:
        p.start()
    counts = [out.get(timeout=600) for _ in scanners]
    for p in scanners:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sum(counts) == 10_000
    assert min(counts) > 0  # the work was shared
    import psycopg

    with psycopg.connect(pg_database.replace("postgresql+psycopg", "postgresql")) as conn:
        rows = conn.execute(
            "SELECT case_id, count(*) FROM events WHERE trigger = 'supervise' GROUP BY case_id"
        ).fetchall()
    assert len(rows) == 10_000
    assert all(n == 1 for _, n in rows)
    assert {r[0] for r in rows} == set(ids)
    assert engine.supervise(at=at("2026-04-02", 9)) == []
    for cid in ids[:50]:
        assert engine.verify(cid).ok
    engine.close()


def test_every_computed_due_date_explains_itself(mem_engine: Engine) -> None:
    """explain() gives start, unit, length, the rolls and the article, and replays to the date."""
    case = intake(mem_engine, when=at("2026-09-30", 9))  # 3 working days over 国庆
    clock = case.open_deadlines[0]
    explanation = mem_engine.explain(case.id, clock.id)
    assert explanation.due == clock.due
    assert explanation.due.isoformat() == "2026-10-10"  # make-up Saturday counts
    assert explanation.replay(mem_engine.policy.calendar) == clock.due
    assert "2026-10-10" in explanation.describe()
    with pytest.raises(ValidationError):
        mem_engine.explain(case.id, "nope")


def test_a_year_without_holiday_data_is_refused_or_flagged() -> None:
    """2027 has no official notice in the data: refused when strict; provisional by default."""
    import attrs

    from mediation import CalendarError, Policy
    from mediation._demo import ORG
    from mediation.documents._facts import ESTIMATED_NOTE
    from mediation.rules.calendar import OfficialCalendar

    strict = Engine.in_memory(
        policy=Policy(org=ORG, calendar=OfficialCalendar(strict=True)), reader=Actor.system()
    )
    with pytest.raises(CalendarError) as err:
        intake(strict, when=at("2027-01-04", 9))
    assert err.value.year == 2027
    assert "2027" in str(err.value)
    assert strict.find() == []

    estimated = Engine.in_memory(
        policy=attrs.evolve(hard_limits(), calendar=OfficialCalendar()), reader=Actor.system()
    )
    case = intake(estimated, when=at("2027-01-04", 9))
    (clock,) = case.open_deadlines
    assert clock.estimated
    (item,) = estimated.due(at=at("2027-01-20", 9))
    assert item.deadline.estimated
    estimated.supervise(at=at("2027-01-20", 9))
    notice = str(estimated.render(case.id, "supervision_notice"))
    assert ESTIMATED_NOTE in notice
