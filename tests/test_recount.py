"""The year boundary on live cases: provisional clocks, a notice loaded, every clock recounted.

Cases run across 2026-12 → 2027 before the 2027 holiday notice is out
(RULES.md §8). The notice used here is a made-up one (``NOTICE_2027``): the
tests are about what happens when a notice arrives, not about its dates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import DeadlineStatus, Engine, Policy
from mediation._demo import ORG
from mediation.model import Deadline
from mediation.rules.calendar import OfficialCalendar
from mediation.rules.counting import compute_due
from mediation.rules.notices import Notice
from mediation.rules.periods import PERIODS

from .conftest import make_engine
from .helpers import CLERK, MEDIATOR, at, intake

NOTICE_2027 = Notice.from_mapping(
    {
        "year": 2027,
        "source": "测试用通知（非真实）",
        "rest": {
            "元旦": ["2027-01-01/2027-01-03"],
            "春节": ["2027-02-05/2027-02-12"],
            "清明节": ["2027-04-05"],
            "劳动节": ["2027-05-01/2027-05-05"],
        },
        "work": {"春节": ["2027-02-13", "2027-02-20"], "劳动节": ["2027-05-08"]},
    }
)


def _engine(spec: str = "memory") -> Engine:
    return make_engine(spec, policy=Policy(org=ORG, calendar=OfficialCalendar()))


def _accepted(engine: Engine, day: str, category: str = "neighbor") -> str:
    case = intake(engine, category=category, when=at(day, 9))
    engine.fire(case.id, "triage", actor=CLERK, at=at(day, 10), track="people", level="village")
    engine.fire(case.id, "accept", actor=CLERK, at=at(day, 11), other_side_consents=True)
    return case.id


def _fresh(engine: Engine, d: Deadline) -> dt.date:
    rule = engine.clocks.period(d.period)
    return compute_due(
        d.start,
        rule.length,
        rule.unit,
        calendar=engine.policy.calendar,
        paused=d.paused,
        extension=d.extension,
        roll=engine.policy.roll,
    ).due


@pytest.mark.parametrize("spec", ["memory", "sqlite"])
def test_a_case_across_the_new_year_runs_and_is_recounted(spec: str, tmp_path: Path) -> None:
    """Accepted 2026-12-28 before the 2027 notice: it runs on a provisional date, flagged;
    once the notice is loaded, one audited event moves every open provisional clock."""
    engine = _engine("memory" if spec == "memory" else f"sqlite:///{tmp_path / 'c.db'}")
    medical = _accepted(engine, "2026-12-28", category="medical")
    neighbour = _accepted(engine, "2026-12-28")
    clock = next(d for d in engine.get(medical).open_deadlines)
    assert clock.period == "medical_people_mediation"
    assert clock.estimated
    (due_item,) = [i for i in engine.due(at=at("2027-03-01")) if i.case_id == medical]
    assert due_item.deadline.estimated
    assert "暂定" in engine.explain(medical, clock.id).describe()
    before = len(engine.history(medical))

    engine.policy.calendar.add(NOTICE_2027)  # type: ignore[attr-defined]
    report = engine.recompute_provisional(at=at("2026-12-30", 9))

    after = engine.get(medical).deadline(clock.id)
    assert not after.estimated
    assert after.due == _fresh(engine, after)
    # 30 working days from 2026-12-28 across 元旦 (3 days off in the made-up notice)
    assert after.due != clock.due
    assert (medical, clock.id) in {(m.case_id, m.deadline_id) for m in report.moved}
    moved = next(m for m in report.moved if m.deadline_id == clock.id)
    assert (moved.before, moved.after, moved.provisional) == (clock.due, after.due, False)
    events = engine.history(medical)
    assert len(events) == before + 1
    assert events[-1].trigger == "recount_clocks"
    assert engine.verify(medical).ok
    assert engine.replay(medical) == engine.get(medical)
    assert report.examined == 2
    assert report.still_provisional == 0
    assert all(not d.estimated for d in engine.get(neighbour).open_deadlines)
    # nothing left to do: a second run writes nothing
    again = engine.recompute_provisional(at=at("2026-12-30", 10))
    assert (again.examined, again.changed, again.moved) == (0, 0, ())
    assert len(engine.history(medical)) == before + 1
    engine.close()


def test_closed_clocks_are_never_touched() -> None:
    """A met or breached provisional clock keeps its date: history is not rewritten."""
    engine = _engine()
    case = intake(engine, when=at("2026-12-30", 9))
    (acceptance,) = case.open_deadlines
    assert acceptance.estimated  # 3 working days from 12-30 reach into 2027
    engine.fire(
        case.id, "triage", actor=CLERK, at=at("2026-12-30", 10), track="people", level="village"
    )
    engine.fire(case.id, "accept", actor=CLERK, at=at("2026-12-31", 9))
    met = engine.get(case.id).deadline(acceptance.id)
    assert met.status is DeadlineStatus.met
    assert met.estimated
    engine.policy.calendar.add(NOTICE_2027)  # type: ignore[attr-defined]
    engine.recompute_provisional(at=at("2027-01-04", 9))
    assert engine.get(case.id).deadline(acceptance.id) == met


def test_a_pause_over_the_spring_festival_is_recounted() -> None:
    """Medical mediation (30 working days; appraisal not counted, 医疗纠纷预防和处理条例
    第三十九条): a pause across 春节 counted provisionally is counted again with the
    notice's bridged days and make-up Saturdays."""
    engine = _engine()
    case_id = _accepted(engine, "2026-12-21", category="medical")
    engine.fire(case_id, "inform_rights", actor=MEDIATOR, at=at("2026-12-22"))
    engine.fire(
        case_id, "start_mediation", actor=MEDIATOR, at=at("2026-12-22"), mediators=[MEDIATOR.id]
    )
    engine.fire(case_id, "suspend", actor=MEDIATOR, at=at("2027-02-01"), reason="appraisal")
    engine.fire(case_id, "resume", actor=MEDIATOR, at=at("2027-02-26"))
    clock = next(
        d for d in engine.get(case_id).open_deadlines if d.period == "medical_people_mediation"
    )
    assert clock.estimated
    (pause,) = clock.pauses
    assert (pause.since, pause.until) == (dt.date(2027, 2, 1), dt.date(2027, 2, 26))
    # by rule: 19 weekdays in (02-01, 02-26], less 除夕 + 春节 (02-05, 02-06..08 by rule)
    engine.policy.calendar.add(NOTICE_2027)  # type: ignore[attr-defined]
    report = engine.recompute_provisional(at=at("2027-02-26", 12))
    after = engine.get(case_id).deadline(clock.id)
    cal = engine.policy.calendar
    # the notice: 02-05..02-12 off, 02-13 and 02-20 (Saturdays) worked
    worked = sum(
        1
        for n in range(1, 26)
        if cal.day_kind(dt.date(2027, 2, 1) + dt.timedelta(days=n)).value == "work"
    )
    assert after.pauses[0].counted == worked
    assert after.paused == worked
    assert after.due == _fresh(engine, after)
    assert not after.estimated
    assert report.changed == 1
    assert engine.replay(case_id) == engine.get(case_id)


def test_replay_reproduces_provisional_dates_after_the_notice() -> None:
    """Events log what their step computed: a case's log replays to the dates it had then,
    whatever calendar data is loaded now (the recount is its own event)."""
    engine = _engine()
    case_id = _accepted(engine, "2026-12-28", category="medical")
    stored = engine.get(case_id)
    engine.policy.calendar.add(NOTICE_2027)  # type: ignore[attr-defined]
    assert engine.replay(case_id) == stored
    assert engine.verify(case_id).ok


def test_a_strict_calendar_refuses_instead() -> None:
    """For embedders who want it: no date without an official notice (CalendarError)."""
    from mediation import CalendarError

    engine = make_engine("memory", policy=Policy(org=ORG, calendar=OfficialCalendar(strict=True)))
    with pytest.raises(CalendarError) as err:
        intake(engine, when=at("2026-12-30", 9))
    assert err.value.year == 2027
    assert engine.find() == []


_DAYS = st.integers(min_value=0, max_value=150).map(
    lambda n: dt.date(2026, 10, 1) + dt.timedelta(days=n)
)
_CATEGORIES = st.sampled_from(["neighbor", "medical", "labour", "family", "traffic"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_DAYS, _CATEGORIES), min_size=1, max_size=5))
def test_after_a_recount_every_open_clock_is_counted_fresh(
    cases: list[tuple[dt.date, str]],
) -> None:
    """Property (issue 9): after loading the year and recounting, every open clock's date
    equals a fresh computation, and no open clock whose year is known is provisional."""
    engine = _engine()
    ids = [_accepted(engine, day.isoformat(), category) for day, category in cases]
    engine.policy.calendar.add(NOTICE_2027)  # type: ignore[attr-defined]
    engine.recompute_provisional(at=at("2027-06-01", 9))
    for case_id in ids:
        for d in engine.get(case_id).open_deadlines:
            if d.period not in PERIODS:
                continue
            assert d.due == _fresh(engine, d), d
            assert not d.estimated, d
        assert engine.verify(case_id).ok
