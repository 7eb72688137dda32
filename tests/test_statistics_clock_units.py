"""Each clock counts for the unit that held the case while it ran; a referral that went
back is no referral (``mediation.statistics.clock_units``, schema revision 0010).

A village whose 15-day labour-mediation period (《劳动争议调解仲裁法》第十四条第三款) passed
before it referred the case up to the town (2002 规定 第二十一条) breached that period: the
village's on-time rate carries the breach, the town's only its own clocks. Each unit answers
for its own periods (RULES.md §7.3: 跟踪督办, the unit overdue explains and rectifies).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation import Actor, Engine
from mediation.model import Case
from mediation.rules.policy import Policy
from mediation.statistics import clock_units
from mediation.store.base import MemoryStore

from .conftest import make_engine
from .law._support import ORG, actor, at, register

VILLAGE = actor("qt-dm-dmc")
WEST = actor("qt-dm-xc")
TOWN = actor("qt-dm")
MARCH = {"since": dt.date(2026, 3, 1), "until": dt.date(2026, 3, 31)}
APRIL = {"since": dt.date(2026, 4, 1), "until": dt.date(2026, 4, 30)}


def _engine(spec: str) -> Engine:
    """An engine on ``spec`` with the law tests' org (a county, its towns and villages)."""
    return make_engine(spec, policy=Policy(org=ORG))


def _labour(engine: Engine, unit: str, who: Actor, when: str = "2026-03-02") -> Case:
    """A labour dispute mediated from ``when``: its 15-day duty clock runs."""
    case = register(engine, unit, at(when), category="labour")
    engine.fire(case.id, "triage", actor=who, at=at(when, 10), track="people")
    engine.fire(case.id, "accept", actor=who, at=at(when, 11))
    engine.fire(case.id, "inform_rights", actor=who, at=at(when, 12))
    return engine.fire(case.id, "start_mediation", actor=who, at=at(when, 14), mediators=["m"])


def _duty(engine: Engine, window: dict[str, dt.date], within: str | None, now: str) -> dict:
    s = engine.statistics(**window, within=within, at=at(now, 0))
    return dict(s.duty_clocks)


def test_a_breach_before_a_referral_counts_for_the_unit_that_breached(backend: str) -> None:
    """Village 东门村 mediates a labour dispute from Mon 03-02 (15 日: due Tue 03-17), refers
    it up to the town on 03-25 — its period breached — and the town takes it on 03-26 with
    a fresh period (due Fri 04-10). A second labour dispute at 西村, from 03-02, is still open
    on 04-01: overdue there. March: the breach is 东门村's, the overdue clock 西村's, both
    the town subtree's. April: the town's clock is the town's own, not 东门村's."""
    engine = _engine(backend)
    try:
        case = _labour(engine, "qt-dm-dmc", VILLAGE)
        _labour(engine, "qt-dm-xc", WEST)
        engine.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-25", 9), to="qt-dm",
                    reason="complex")  # fmt: skip
        taken = engine.fire(case.id, "take_referral", actor=TOWN, at=at("2026-03-26", 9))
        assert taken.unit == "qt-dm"
        assert [d.status.value for d in taken.deadlines if d.period == "labour_mediation"] == [
            "breached",
            "running",
        ]
        none = {"met": 0, "breached": 0, "overdue": 0, "pending": 0}
        march = "2026-04-01"
        assert _duty(engine, MARCH, "qt-dm-dmc", march) == {**none, "breached": 1}
        assert _duty(engine, MARCH, "qt-dm-xc", march) == {**none, "overdue": 1}
        assert _duty(engine, MARCH, "qt-dm", march) == {**none, "breached": 1, "overdue": 1}
        assert _duty(engine, MARCH, None, march) == {**none, "breached": 1, "overdue": 1}
        s = engine.statistics(**MARCH, within="qt-dm-dmc", at=at(march, 0))
        assert (s.on_time_duty, dict(s.on_time)) == (0.0, {"labour_mediation": 0.0})
        # The case itself is the town's now: received and open there.
        assert (s.received, s.open) == (0, 0)

        may = "2026-05-01"
        assert _duty(engine, APRIL, "qt-dm-dmc", may) == none
        assert _duty(engine, APRIL, "qt-dm", may) == {**none, "overdue": 1}
        assert engine.verify(case.id).ok
    finally:
        engine.close()


def test_a_returned_case_s_clocks_count_where_they_ran(backend: str) -> None:
    """Referred up on 03-03 while mediating, returned by the town on 03-04 (退回): the case
    is the village's again and its 15-day clock, reopened on the return, runs there; the
    town's acceptance decision counted for the town. The referral went back: no referral."""
    engine = _engine(backend)
    try:
        case = _labour(engine, "qt-dm-dmc", VILLAGE)
        engine.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-03", 9), to="qt-dm",
                    reason="complex")  # fmt: skip
        back = engine.fire(case.id, "return_referral", actor=TOWN, at=at("2026-03-04", 9),
                           reason="村级可以化解")  # fmt: skip
        assert back.unit == "qt-dm-dmc"
        units = dict(zip((d.id for d in back.deadlines), clock_units(back), strict=True))
        accept = next(d.id for d in back.deadlines if d.period == "dispute_acceptance"
                      and d.closed_at == at("2026-03-04", 9))  # fmt: skip
        assert units[accept] == "qt-dm"
        assert {units[d.id] for d in back.deadlines if d.status.is_open} == {"qt-dm-dmc"}
        s = engine.statistics(**MARCH, at=at("2026-04-01", 0))
        assert (s.received, s.referrals) == (1, 0)
        assert engine.verify(case.id).ok
    finally:
        engine.close()


def test_a_referral_refused_before_it_was_taken_is_no_referral(backend: str) -> None:
    """Referred up before acceptance, a party clearly refuses mediation while the town has
    not taken it (《人民调解法》第十七条): the case goes back to the village, which closes it
    as not accepted. Nothing was passed on: no referral counted (it was one before)."""
    engine = _engine(backend)
    try:
        case = register(engine, "qt-dm-dmc", at("2026-03-02"))
        engine.fire(case.id, "triage", actor=VILLAGE, at=at("2026-03-02", 10), track="people")
        engine.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-03", 9), to="qt-dm",
                    reason="complex")  # fmt: skip
        refused = engine.fire(case.id, "party_refuses", actor=TOWN, at=at("2026-03-04", 9),
                              party=case.parties[1].id, statement="不愿调解")  # fmt: skip
        assert (refused.state, refused.unit) == ("not_accepted", "qt-dm-dmc")
        s = engine.statistics(**MARCH, at=at("2026-04-01", 0))
        assert (s.received, s.referrals, s.referrals_per_case) == (1, 0, 0.0)
        assert engine.verify(case.id).ok
    finally:
        engine.close()


class _PlainStore(MemoryStore):
    """An embedder's store that tallies nothing itself: the engine loads and tallies."""

    statistics = None


def test_a_store_without_its_own_statistics_counts_each_clock_where_it_ran() -> None:
    """The engine's fallback for a store without ``statistics`` loads every case, not only
    those a unit holds now: the village's breach on the case it referred up still counts."""
    engine = Engine(_PlainStore(), policy=Policy(org=ORG), reader=Actor.system())
    case = _labour(engine, "qt-dm-dmc", VILLAGE)
    engine.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-25", 9), to="qt-dm",
                reason="complex")  # fmt: skip
    none = {"met": 0, "breached": 0, "overdue": 0, "pending": 0}
    assert _duty(engine, MARCH, "qt-dm-dmc", "2026-04-01") == {**none, "breached": 1}
    s = engine.statistics(**MARCH, within="qt-dm", at=at("2026-04-01", 0))
    assert (s.received, s.referrals, dict(s.duty_clocks)) == (1, 1, {**none, "breached": 1})


# -- properties -------------------------------------------------------------------------

_MOVES = ("refer", "take", "return", "wait")


def _walk(engine: Engine, moves: list[tuple[str, int]]) -> Case:
    """A labour dispute at 东门村 from 03-02, then ``moves`` (each some days after the last)
    between the village and the town, the refusals skipped."""
    case = _labour(engine, "qt-dm-dmc", VILLAGE)
    when = at("2026-03-02", 15)
    for move, days in moves:
        when += dt.timedelta(days=days, hours=1)
        pending = case.state == "referred"
        if move == "refer" and not pending:
            holder = VILLAGE if case.unit == "qt-dm-dmc" else TOWN
            to = "qt-dm" if case.unit == "qt-dm-dmc" else "qt-dm-dmc"
            reason = "complex" if to == "qt-dm" else "assigned"
            case = engine.fire(case.id, "refer", actor=holder, at=when, to=to, reason=reason)
        elif move == "take" and pending:
            who = TOWN if case.unit == "qt-dm" else VILLAGE
            case = engine.fire(case.id, "take_referral", actor=who, at=when)
        elif move == "return" and pending:
            who = TOWN if case.unit == "qt-dm" else VILLAGE
            case = engine.fire(case.id, "return_referral", actor=who, at=when, reason="退回")
    return case


@pytest.mark.parametrize("spec", ["memory", "sqlite"])
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=st.lists(st.tuples(st.sampled_from(_MOVES), st.integers(0, 12)), max_size=6))
def test_every_clock_counts_for_exactly_one_unit_that_held_the_case(
    spec: str, tmp_path: Path, moves: list[tuple[str, int]]
) -> None:
    """Whatever the moves between village and town: an open clock counts for the unit that
    holds the case, every clock for a unit that held it, and the duty clocks of 东门村 and of
    the town's own desk add up to the town subtree's (each counted once); the SQL store's
    figures are the Python ones."""
    db = tmp_path / f"walk-{len(list(tmp_path.iterdir()))}.db"
    engine = _engine("memory" if spec == "memory" else f"sqlite:///{db}")
    try:
        case = _walk(engine, moves)
        units = clock_units(case)
        held = {"qt-dm-dmc", *(m[2] for m in case.details.unit_moves())}  # type: ignore[union-attr]
        for d, unit in zip(case.deadlines, units, strict=True):
            assert unit in held
            if d.status.is_open:
                assert unit == case.unit
        window = {"since": dt.date(2026, 3, 1), "until": dt.date(2026, 12, 31)}
        now = "2027-01-01"
        village, town, both = (_duty(engine, window, w, now) for w in ("qt-dm-dmc", None, "qt-dm"))
        own_desk = {
            k: sum(1 for d, u in zip(case.deadlines, units, strict=True)
                   if u == "qt-dm" and d.kind.value == "duty" and _kind(d) == k)
            for k in village
        }  # fmt: skip
        assert {k: village[k] + own_desk[k] for k in village} == both == town
        assert engine.verify(case.id).ok
    finally:
        engine.close()


def _kind(d: object) -> str:
    """How ``statistics`` files a duty clock due in the window, seen on 2027-01-01."""
    status = d.status.value  # type: ignore[attr-defined]
    if status in ("running", "paused"):
        return "overdue" if d.due_at < at("2027-01-01", 0) else "pending"  # type: ignore[attr-defined]
    return status
