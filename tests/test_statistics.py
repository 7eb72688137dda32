"""``Engine.statistics``: hand-checked figures, the same on every backend, scoped like reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import Actor, Engine, Role
from mediation._demo import CLERK, DIRECTOR, MEDIATOR, at, run
from mediation._errors import AuthorizationError, MediationError, ValidationError
from mediation.statistics import Statistics

from .conftest import make_engine
from .helpers import intake, to_state
from .petition import conftest as petition
from .petition.test_baoan import PLAN

MARCH = {"since": dt.date(2026, 3, 1), "until": dt.date(2026, 3, 31)}
DAY = 86_400


def _fire(engine: Engine, case_id: str, steps: list[tuple[str, Actor, str, int, dict[str, Any]]]):
    for trigger, actor, day, hour, data in steps:
        engine.fire(case_id, trigger, actor=actor, at=at(day, hour), **data)


def disputes(engine: Engine) -> dict[str, str]:
    """Six disputes at the demo village committee (东门村), worked out by hand below.

    - A: the demo case (``run``): walk-in, in Mon 2 Mar 09:10, agreement, closed Tue 31 Mar
      11:00 (29 days 1 h 50 min), callback visit "satisfied" on 30 Mar.
    - G: walk-in, in 2 Mar 09:00, the happy path, closed 31 Mar 09:00 (29 days), callback
      visit with no answer ("unknown").
    - B: phone, in 3 Mar 09:00, mediation terminated 10 Mar, closed 11 Mar 09:00 (8 days).
    - C: letter, in 4 Mar 09:00, transferred out at 11:00 (2 hours).
    - D: walk-in, family, in 5 Mar 09:00, still registered (open).
    - E: walk-in, in 20 Feb, still registered (open; before the window).
    """
    a = run(engine)
    g = intake(engine, when=at("2026-03-02", 9))
    to_state(engine, g.id, "closed")
    b = intake(engine, when=at("2026-03-03", 9), channel="phone")
    _fire(
        engine,
        b.id,
        [
            ("triage", CLERK, "2026-03-03", 10, {"track": "people", "level": "village"}),
            ("accept", CLERK, "2026-03-03", 11, {"other_side_consents": True}),
            ("inform_rights", CLERK, "2026-03-03", 12, {}),
            ("start_mediation", MEDIATOR, "2026-03-04", 9, {"mediators": [MEDIATOR.id]}),
            (
                "terminate",
                MEDIATOR,
                "2026-03-10",
                9,
                {"reason": "分歧较大", "remedies_informed": True},
            ),
            ("close", DIRECTOR, "2026-03-11", 9, {}),
        ],
    )
    c = intake(engine, when=at("2026-03-04", 9), channel="letter")
    _fire(
        engine,
        c.id,
        [
            ("triage", CLERK, "2026-03-04", 10, {"track": "people", "level": "village"}),
            (
                "transfer_out",
                CLERK,
                "2026-03-04",
                11,
                {"to": "青田县公安局", "reason": "涉嫌治安案件"},
            ),
        ],
    )
    d = intake(engine, when=at("2026-03-05", 9), category="family")
    e = intake(engine, when=at("2026-02-20", 9))
    return {"A": a.id, "G": g.id, "B": b.id, "C": c.id, "D": d.id, "E": e.id}


def check_disputes(s: Statistics) -> None:
    """The figures of :func:`disputes` for March 2026, computed by hand."""
    assert s.received == 5  # A, G, B, C, D (E came in February)
    assert dict(s.by_channel)["walk_in"] == 3
    assert (s.by_channel["phone"], s.by_channel["letter"], s.by_channel["online"]) == (1, 1, 0)
    assert (s.by_category["neighbor"], s.by_category["family"]) == (4, 1)
    assert (s.resolved, s.failed, s.transferred, s.other_ended, s.open) == (2, 1, 1, 0, 1)
    assert dict(s.closed_by) == {"agreement": 2, "failed": 1, "transferred_out": 1}
    assert dict(s.resolved_by_level) == {"village": 2, "town": 0, "county": 0}
    assert dict(s.resolved_share) == {"village": 1.0, "town": 0.0, "county": 0.0}
    assert s.success_rate == 2 / 3  # 2 agreements, 1 failure (the transfer is neither)
    # Durations in seconds: C 2 h, B 8 d, G 29 d, A 29 d 1 h 50 min.
    durations = [7_200, 8 * DAY, 29 * DAY, 29 * DAY + 6_600]
    assert s.time_to_close.count == 4
    assert s.time_to_close.mean == sum(durations) / 4 / DAY  # 16.5399… days
    assert s.time_to_close.median == 8.0  # nearest rank: the 2nd of 4
    assert s.time_to_close.p90 == (29 * DAY + 6_600) / DAY  # ceil(0.9 * 4) = 4th
    # E open from February; +A +G on the 2nd, +B the 3rd, C in and out the 4th, +D the
    # 5th, B closed the 11th, A and G the 31st.
    daily = dict(s.backlog_daily)
    assert len(daily) == 31
    assert [daily[dt.date(2026, 3, d)] for d in (1, 2, 3, 4, 5, 10, 11, 30, 31)] == [
        1,
        3,
        4,
        4,
        5,
        5,
        4,
        4,
        2,
    ]
    assert s.backlog == 2  # D and E
    assert (s.referrals, s.handoffs, s.referrals_per_case) == (0, 0, 0.0)
    assert (s.petitions, s.repeat_petitions, s.baoan) == (0, 0, 0)
    assert (s.onestop_ended, s.one_place_rate) == (0, None)
    assert dict(s.satisfaction) == {"satisfied": 1, "fair": 0, "unsatisfied": 0, "unknown": 1}
    assert s.satisfaction_rate == 1.0  # the unanswered visit is not counted
    # Every dispute clock here is a target (一般…), none a duty clock.
    assert s.duty_clocks == {"met": 0, "breached": 0, "overdue": 0, "pending": 0}
    assert (dict(s.on_time), s.on_time_duty) == ({}, None)


def test_hand_checked_dispute_figures_on_every_backend(engine: Engine) -> None:
    """Received, outcomes, 化解率, levels, durations, backlog and satisfaction of six
    disputes are the hand-computed ones on memory, SQLite and PostgreSQL."""
    disputes(engine)
    check_disputes(engine.statistics(**MARCH, at=at("2026-04-01", 0)))


def petitions(engine: Engine) -> None:
    """Three petitions on the petition tests' org:

    - P1: a letter at 东门镇 on Mon 2 Mar 09:00, not accepted at 10:00 (ends, 1 h);
      its notice clock (duty, due 18 Mar) met.
    - P2: a letter on the same matter on 9 Mar (a repeat), put under 包案 on 10 Mar; its
      notice clock (duty, due 25 Mar) still running.
    - P3: a visit at the county petition bureau (stationed at the one-stop centre) on
      3 Mar 09:00, diverted to litigation at the court stationed there at 11:00 (ends, 2 h,
      one place); its registration clock (duty, due 19 Mar) met.
    """
    town, bureau = petition.TOWN, petition.BUREAU
    first = petition.letter(engine, "2026-03-02", unit="qt-dm", actor=town)
    engine.fire(first.id, "not_accept", actor=town, at=at("2026-03-02", 10), reason="不属本镇职权",
                guide_to="青田县住房和城乡建设局")  # fmt: skip
    second = petition.letter(engine, "2026-03-09", unit="qt-dm", actor=town)
    engine.fire(
        second.id,
        "baoan_assign",
        actor=petition.TOWN_LEADER,
        at=at("2026-03-10"),
        leader="ld-town",
        **PLAN,
    )
    third = petition.visit(engine, "2026-03-03", "qt-xfj", bureau)
    engine.fire(third.id, "divert", actor=bureau, at=at("2026-03-03", 11), route="litigation",
                where="青田县人民法院", told=True, to_unit="qt-fy")  # fmt: skip


def check_petitions(s: Statistics, *, late: bool) -> None:
    """The figures of :func:`petitions` for March 2026 (``late``: seen after 25 Mar)."""
    assert s.received == 3
    assert (s.by_channel["letter"], s.by_channel["walk_in"]) == (2, 1)
    assert (s.petitions, s.repeat_petitions, s.baoan) == (3, 2, 1)  # P2 and P3 repeat P1
    assert (s.onestop_ended, s.one_place, s.one_place_rate) == (1, 1, 1.0)
    # Petitions record no resolution: a closed state (不予受理, 分流) ends them, how "closed".
    assert dict(s.closed_by) == {"closed": 2}
    assert (s.resolved, s.failed, s.transferred, s.other_ended, s.open) == (0, 0, 0, 2, 1)
    assert s.success_rate is None  # no agreement, no failure
    assert s.time_to_close.mean == 1.5 / 24
    assert (s.time_to_close.median, s.time_to_close.p90) == (1 / 24, 2 / 24)
    assert s.backlog == 1
    if late:  # P2's notice clock passed due (25 Mar 00:00) while still running
        assert s.duty_clocks == {"met": 2, "breached": 0, "overdue": 1, "pending": 0}
        assert dict(s.on_time) == {"petition_notice": 0.5, "petition_register": 1.0}
        assert s.on_time_duty == 2 / 3
    else:
        assert s.duty_clocks == {"met": 2, "breached": 0, "overdue": 0, "pending": 1}
        assert dict(s.on_time) == {"petition_notice": 1.0, "petition_register": 1.0}
        assert s.on_time_duty == 1.0


def test_hand_checked_petition_figures_on_every_backend(backend: str) -> None:
    """Petitions, repeats, 包案, 最多跑一地 and duty on-time rates are the hand-computed
    ones; a duty clock still running counts late only once it is past due at ``at``."""
    engine = petition.engine(spec=backend)
    try:
        petitions(engine)
        check_petitions(engine.statistics(**MARCH, at=at("2026-04-01", 0)), late=True)
        check_petitions(engine.statistics(**MARCH, at=at("2026-03-25", 0)), late=False)
    finally:
        engine.close()


@pytest.mark.postgres
def test_memory_sqlite_and_postgres_give_identical_figures(
    tmp_path: Path, pg_database: str
) -> None:
    """The same cases through the three backends: every figure equal, to the last bit."""
    found = []
    for spec in ("memory", f"sqlite:///{tmp_path / 'cases.db'}", pg_database):
        engine = make_engine(spec)
        try:
            disputes(engine)
            found.append(
                [
                    engine.statistics(**window, at=at("2026-04-01", 0)).rows()
                    for window in (
                        MARCH,
                        {"since": dt.date(2026, 2, 1), "until": dt.date(2026, 4, 30)},
                        {"since": dt.date(2026, 3, 4), "until": dt.date(2026, 3, 4)},
                    )
                ]
            )
        finally:
            engine.close()
    assert found[0] == found[1] == found[2]


def test_a_village_actor_sees_only_its_village(backend: str) -> None:
    """Statistics are scoped like reads: the village clerk counts the village's cases, the
    town's director the town's subtree, another branch nothing; ``within`` narrows."""
    engine = make_engine(backend)
    try:
        disputes(engine)  # five at the village in March
        town_clerk = Actor("town-clerk", {Role.clerk.value}, "qt-dm", "镇登记员")
        intake(engine, when=at("2026-03-06", 9), unit="qt-dm", actor=town_clerk)
        system = Actor.system()
        assert engine.statistics(actor=CLERK, **MARCH).received == 5
        assert engine.statistics(actor=town_clerk, **MARCH).received == 6
        assert engine.statistics(actor=system, **MARCH).received == 6
        assert engine.statistics(actor=system, within="qt-dm-dmc", **MARCH).received == 5
        # within a unit outside the actor's scope: the intersection is empty
        assert engine.statistics(actor=CLERK, within="qt-dmz", **MARCH).received == 0
        other = Actor("gov", {Role.clerk.value}, "qt-dmz", "镇政府")
        assert engine.statistics(actor=other, **MARCH).received == 0
        assert engine.statistics(actor=other, **MARCH).backlog == 0
    finally:
        engine.close()


def test_bad_arguments_raise_typed_errors_naming_the_field(mem_engine: Engine) -> None:
    """Not a date, a reversed window, an unknown unit, no actor: typed errors only."""
    with pytest.raises(ValidationError) as bad:
        mem_engine.statistics(since="2026-03-01", until=dt.date(2026, 3, 31))  # type: ignore[arg-type]
    assert bad.value.field == "since"
    with pytest.raises(ValidationError) as late:
        mem_engine.statistics(since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 1))
    assert late.value.field == "until"
    with pytest.raises(ValidationError) as unit:
        mem_engine.statistics(within="nowhere", **MARCH)
    assert unit.value.field == "unit"
    bare = Engine.in_memory()
    with pytest.raises(AuthorizationError):
        bare.statistics(**MARCH)
    with pytest.raises(MediationError):
        mem_engine.statistics(since=dt.date(2026, 3, 1), until=dt.datetime(2026, 3, 2))  # type: ignore[arg-type]


# -- properties -------------------------------------------------------------------------

_PATHS = ("open", "transfer", "fail", "terminated")


def _random_case(engine: Engine, day: int, hour: int, path: str, channel: str) -> None:
    when = dt.datetime(2026, 2, 1, hour, tzinfo=at("2026-03-01").tzinfo) + dt.timedelta(days=day)
    case = intake(engine, when=when, channel=channel)
    if path == "open":
        return
    step = dt.timedelta(hours=1)
    engine.fire(case.id, "triage", actor=CLERK, at=when + step, track="people", level="village")
    if path == "transfer":
        engine.fire(
            case.id, "transfer_out", actor=CLERK, at=when + 2 * step, to="公安局", reason="治安"
        )
        return
    engine.fire(case.id, "accept", actor=CLERK, at=when + 2 * step, other_side_consents=True)
    engine.fire(case.id, "inform_rights", actor=CLERK, at=when + 3 * step)
    engine.fire(
        case.id, "start_mediation", actor=MEDIATOR, at=when + 4 * step, mediators=[MEDIATOR.id]
    )
    later = when + dt.timedelta(days=day % 9 + 1)
    engine.fire(
        case.id, "terminate", actor=MEDIATOR, at=later, reason="分歧", remedies_informed=True
    )
    if path == "fail":
        engine.fire(case.id, "close", actor=DIRECTOR, at=later + step)


@settings(max_examples=25)
@given(
    cases=st.lists(
        st.tuples(
            st.integers(0, 80),
            st.integers(8, 20),
            st.sampled_from(_PATHS),
            st.sampled_from(("walk_in", "phone", "letter")),
        ),
        max_size=8,
    ),
    since=st.integers(0, 80),
    length=st.integers(0, 40),
)
def test_figures_add_up_and_rates_are_proportions(
    cases: list[tuple[int, int, str, str]], since: int, length: int
) -> None:
    """received = resolved + failed + transferred + other + open; the channels and
    categories add up to received; every rate is in [0, 1]; the backlog series ends at
    the backlog; the median and p90 lie between the fastest and the mean's bounds."""
    engine = make_engine("memory")
    for day, hour, path, channel in cases:
        _random_case(engine, day, hour, path, channel)
    first = dt.date(2026, 2, 1) + dt.timedelta(days=since)
    s = engine.statistics(since=first, until=first + dt.timedelta(days=length))
    assert s.received == s.resolved + s.failed + s.transferred + s.other_ended + s.open
    assert sum(s.by_channel.values()) == sum(s.by_category.values()) == s.received
    rates = [s.success_rate, s.on_time_duty, s.referrals_per_case, s.satisfaction_rate]
    rates += [*s.resolved_share.values(), *s.on_time.values(), s.one_place_rate]
    assert all(r is None or 0 <= r <= 1 for r in rates)
    assert len(s.backlog_daily) == length + 1
    assert s.backlog == s.backlog_daily[-1][1] >= 0
    assert all(n >= 0 for _, n in s.backlog_daily)
    ttc = s.time_to_close
    assert ttc.count == sum(s.closed_by.values())
    if ttc.count:
        assert ttc.median is not None
        assert ttc.p90 is not None
        assert ttc.mean is not None
        assert 0 <= ttc.median <= ttc.p90
    else:
        assert (ttc.mean, ttc.median, ttc.p90) == (None, None, None)
    # The backlog is at most every case registered by the end of the window.
    end = dt.datetime.combine(s.until + dt.timedelta(days=1), dt.time(0), at("2026-03-01").tzinfo)
    assert s.backlog <= sum(1 for c in engine.find(limit=1000) if c.received_at < end)


def test_baoan_counts_a_matter_once_when_the_assignment_goes_on_with_it(backend: str) -> None:
    """A petition under 包案 routed by the bureau (转送) is two cases carrying the
    assignment, one matter: 包案 counts it once, on the case that holds it now — on the
    county's figures and on the town's (where the routed case is)."""
    engine = petition.engine(spec=backend)
    try:
        case = petition.letter(engine, "2026-03-02", risk="high")
        engine.fire(
            case.id,
            "baoan_assign",
            actor=petition.COUNTY_LEADER,
            at=at("2026-03-02", 10),
            leader="ld-county",
            **PLAN,
        )
        routed = engine.fire(
            case.id, "route", actor=petition.BUREAU, at=at("2026-03-03"), to="qt-dm"
        )
        town_case = routed.links[0].case_id
        assert engine.get(town_case).overlays.get("baoan") is not None
        county = engine.statistics(**MARCH, at=at("2026-04-01", 0))
        assert (county.petitions, county.baoan) == (2, 1)
        town = engine.statistics(**MARCH, within="qt-dm", at=at("2026-04-01", 0))
        assert (town.petitions, town.baoan) == (1, 1)
    finally:
        engine.close()


def test_baoan_in_the_window_counts_when_the_matter_is_routed_after_it(backend: str) -> None:
    """A letter put under 包案 on 03-03 and routed to the town on 04-02: March counts the
    assignment once — on the routed case, received after March but carrying the
    assignment's own time — and April none."""
    engine = petition.engine(spec=backend)
    try:
        case = petition.letter(engine, "2026-03-03", risk="high")
        engine.fire(case.id, "baoan_assign", actor=petition.COUNTY_LEADER,
                    at=at("2026-03-03", 10), leader="ld-county", **PLAN)  # fmt: skip
        engine.fire(case.id, "route", actor=petition.BUREAU, at=at("2026-04-02"), to="qt-dm")
        assert engine.statistics(**MARCH, at=at("2026-04-01", 0)).baoan == 1
        april = {"since": dt.date(2026, 4, 1), "until": dt.date(2026, 4, 30)}
        assert engine.statistics(**april, at=at("2026-05-01", 0)).baoan == 0
    finally:
        engine.close()


def test_a_petition_ends_when_it_closes_not_at_a_later_step(backend: str) -> None:
    """A letter to the town on 03-04, diverted to litigation at 11:00 (第三十一条): it ended
    then. Aftercare recorded on 04-20 (第三十七条第三款) does not move its end: March still
    counts it closed, with nothing open. A transfer (转送) is a transfer."""
    engine = petition.engine(spec=backend)
    try:
        case = petition.letter(engine, "2026-03-04", unit="qt-dm", actor=petition.TOWN)
        engine.fire(case.id, "divert", actor=petition.TOWN, at=at("2026-03-04", 11),
                    route="litigation", where="青田县人民法院", told=True)  # fmt: skip
        before = engine.statistics(**MARCH, within="qt-dm", at=at("2026-04-01", 0))
        engine.fire(case.id, "record_aftercare", actor=petition.TOWN, at=at("2026-04-20", 9),
                    kind="guidance", measures="释法明理", procedure_concluded=True)  # fmt: skip
        after = engine.statistics(**MARCH, within="qt-dm", at=at("2026-04-01", 0))
        assert (after.open, after.backlog, dict(after.closed_by)) == (0, 0, {"closed": 1})
        assert after.rows() == before.rows()
        sent = petition.letter(engine, "2026-03-05")
        engine.fire(sent.id, "route", actor=petition.BUREAU, at=at("2026-03-06"), to="qt-dm")
        bureau = engine.statistics(**MARCH, within="qt-xfj", at=at("2026-04-01", 0))
        assert (bureau.transferred, dict(bureau.closed_by)) == (1, {"transferred_out": 1})
    finally:
        engine.close()


def test_an_agreement_that_never_took_effect_is_no_resolution(backend: str) -> None:
    """《人民调解法》第二十九条第二款: an agreement nobody signed never took effect; the
    mediator ended the mediation (调解不成) and the case closed. 化解率 counts it failed."""
    from mediation._demo import agreement

    engine = make_engine(backend)
    try:
        case = to_state(engine, intake(engine).id, "mediating")
        engine.fire(case.id, "agree", actor=MEDIATOR, at=at("2026-03-06", 9),
                    agreement=agreement("2026-03-30"))  # fmt: skip
        engine.fire(case.id, "terminate", actor=MEDIATOR, at=at("2026-03-06", 15),
                    reason="一方拒绝签字", remedies_informed=True)  # fmt: skip
        engine.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-09"),
                    no_visit_reason="调解不成")  # fmt: skip
        s = engine.statistics(**MARCH, at=at("2026-04-01", 0))
        assert (s.resolved, s.failed, s.success_rate) == (0, 1, 0.0)
    finally:
        engine.close()


def test_a_clock_due_on_the_window_s_last_day_is_due_in_the_window(backend: str) -> None:
    """Two letters to the town on Mon 03-16: their notice periods (第二十三条第二款, 15 日)
    end on Tue 03-31 — one met on 03-20, one still open. Both are due in March (their last
    day is in it), none in April; the single day 03-31 has both, 04-01 none."""
    engine = petition.engine(spec=backend)
    try:
        first = petition.letter(engine, "2026-03-16", unit="qt-dm", actor=petition.TOWN)
        petition.letter(engine, "2026-03-16", unit="qt-dm", actor=petition.TOWN,
                        parties=petition.petitioners(3)[2:])  # fmt: skip
        engine.fire(first.id, "accept", actor=petition.TOWN, at=at("2026-03-20", 10))

        def due(since: dt.date, until: dt.date) -> int:
            s = engine.statistics(since=since, until=until, at=at("2026-04-02", 0))
            return sum(s.duty_clocks.values())

        assert due(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == 2
        assert due(dt.date(2026, 4, 1), dt.date(2026, 4, 30)) == 0
        assert due(dt.date(2026, 3, 31), dt.date(2026, 3, 31)) == 2
        assert due(dt.date(2026, 4, 1), dt.date(2026, 4, 1)) == 0
    finally:
        engine.close()


def test_a_clock_paused_for_an_appraisal_is_not_overdue(backend: str) -> None:
    """A medical dispute accepted on Mon 03-02 has 30 working days (to 04-14, 《医疗纠纷预防和
    处理条例》第三十八条); mediation is suspended for an appraisal on 03-05, whose time is not
    counted (RULES.md §5.6). On 05-01 the clock stands still: April's figures count it
    pending, not overdue — as ``due`` lists nothing late for it."""
    engine = make_engine(backend)
    try:
        case = intake(engine, when=at("2026-03-02", 9), category="medical")
        _fire(
            engine,
            case.id,
            [
                ("triage", CLERK, "2026-03-02", 10, {"track": "people", "level": "village"}),
                ("accept", CLERK, "2026-03-02", 11, {"other_side_consents": True}),
                ("inform_rights", CLERK, "2026-03-02", 12, {}),
                ("start_mediation", MEDIATOR, "2026-03-03", 9, {"mediators": [MEDIATOR.id]}),
                ("suspend", MEDIATOR, "2026-03-05", 9, {"reason": "appraisal"}),
            ],
        )
        clock = next(
            d for d in engine.get(case.id).deadlines if d.period == "medical_people_mediation"
        )
        assert (clock.status.value, clock.due.isoformat()) == ("paused", "2026-04-14")
        s = engine.statistics(
            since=dt.date(2026, 4, 1), until=dt.date(2026, 4, 30), at=at("2026-05-01", 0)
        )
        assert s.duty_clocks == {"met": 0, "breached": 0, "overdue": 0, "pending": 1}
        assert "medical_people_mediation" not in s.on_time
        late = [i.deadline.period for i in engine.due(at=at("2026-05-01", 0))]
        assert "medical_people_mediation" not in late
    finally:
        engine.close()


def test_the_one_place_rate_counts_a_party_s_matter_once(backend: str) -> None:
    """最多跑一地 (RULES.md §7.2): two parties came to the centre (the county petition office).
    One was sent on to the town with a permit — two places — and the matter ended there; the
    other was pointed to the court stationed in the centre — one place. The matter routed on
    is one matter: 1 of 2 in one place, not 1 of 3 (the office's routed case carries the
    same places and is not counted again)."""
    engine = petition.engine(spec=backend)
    centre_head = Actor("zx-head", {"director", "clerk"}, "qt", "中心主任")
    try:
        sent = petition.visit(engine, "2026-03-02", "qt-xfj", petition.BUREAU)
        engine.fire(sent.id, "onestop_permit", actor=centre_head, at=at("2026-03-03", 9),
                    to="qt-dm", reason="on_site", note="现场核查")  # fmt: skip
        routed = engine.fire(sent.id, "route", actor=petition.BUREAU, at=at("2026-03-03", 10),
                             to="qt-dm")  # fmt: skip
        engine.fire(routed.links[0].case_id, "divert", actor=petition.TOWN,
                    at=at("2026-03-05", 11), route="litigation", where="青田县人民法院",
                    told=True, to_unit="qt-fy")  # fmt: skip
        here = petition.visit(engine, "2026-03-04", "qt-xfj", petition.BUREAU,
                              parties=petition.petitioners(4)[2:3])  # fmt: skip
        engine.fire(here.id, "divert", actor=petition.BUREAU, at=at("2026-03-04", 11),
                    route="litigation", where="青田县人民法院", told=True, to_unit="qt-fy")  # fmt: skip
        s = engine.statistics(**MARCH, at=at("2026-04-01", 0))
        assert (s.onestop_ended, s.one_place, s.one_place_rate) == (2, 1, 0.5)
    finally:
        engine.close()


def test_a_petition_settled_by_an_agreement_is_resolved(backend: str) -> None:
    """第三十三条: the town mediated a letter's matter to a 调解协议书, signed on 03-20; that
    petition is resolved (化解) — an agreement at the town, in the success rate — where one
    answered by an opinion or sent to litigation is closed otherwise."""
    engine = petition.engine(spec=backend)
    try:
        case = petition.letter(engine, "2026-03-10", unit="qt-dm", actor=petition.TOWN,
                               parties=petition.petitioners(respondent=True))  # fmt: skip
        engine.fire(case.id, "accept", actor=petition.TOWN, at=at("2026-03-10", 10))
        engine.fire(case.id, "settle", actor=petition.TOWN, at=at("2026-03-20", 10),
                    form="mediation", terms="王五于3月31日前拆除雨棚，赔偿维修费2,000元。",
                    consents=["p1", "p2"], within_discretion=True, signed_by=["p1", "p2"])  # fmt: skip
        other = petition.letter(engine, "2026-03-04", unit="qt-dm", actor=petition.TOWN,
                                parties=petition.petitioners(3)[2:])  # fmt: skip
        engine.fire(other.id, "divert", actor=petition.TOWN, at=at("2026-03-04", 11),
                    route="litigation", where="青田县人民法院", told=True)  # fmt: skip
        s = engine.statistics(**MARCH, within="qt-dm", at=at("2026-04-01", 0))
        assert dict(s.closed_by) == {"agreement": 1, "closed": 1}
        assert (s.resolved, s.success_rate) == (1, 1.0)
        assert s.resolved_by_level["town"] == 1
    finally:
        engine.close()


def test_same_facts_means_only_the_latest_step_moved() -> None:
    """What lets the SQL store write only ``last_s`` after most steps: wherever ``same_facts``
    holds between a step's case before and after, ``case_facts`` differs in ``last_s`` alone;
    and it does not hold where a step changed a fact (the agreement's resolution, a visit)."""
    import attrs

    from mediation.statistics import case_facts, same_facts

    from .helpers import happy_path

    engine = make_engine("memory")
    old = intake(engine)
    held, moved = [], []
    for trigger, actor, when, data in happy_path():
        new = engine.fire(old.id, trigger, actor=actor, at=when, **data)
        before, after = case_facts(old), case_facts(new)
        if same_facts(old, new):
            held.append(trigger)
            assert attrs.evolve(before, last_s=after.last_s) == after, trigger
        elif attrs.evolve(before, last_s=after.last_s) != after:
            moved.append(trigger)
        old = new
    assert {"triage", "accept", "start_mediation"} <= set(held)
    assert {"record_callback", "close"} <= set(moved), moved
