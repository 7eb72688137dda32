"""A scenario small enough to work out by hand is reproduced exactly by the simulation,
and the SQLite file a run writes is a normal database that gives the same figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mediation import Actor, Engine
from mediation.simulation import case_figures, parse_scenario, simulate

from .tiny import VERSION, tiny

# Mon 2, Tue 3, Wed 4 March 2026 at 09:00, one village mediator holding one case.
# Every step takes whole working days of office time (08:30-17:30): mediation 2, then
# performance, callback start, callback visit and closing 1 each, everything else 0.
#   A: in Mon 2, mediates Mon 2 -> Wed 4, performed Thu 5, callback Fri 6, visit Mon 9,
#      closed Tue 10 (8 days).
#   B: in Tue 3, waits for A's slot until Wed 4 (1 day), mediates Wed 4 -> Fri 6,
#      performed Mon 9, callback Tue 10, visit Wed 11, closed Thu 12 (9 days).
#   C: in Wed 4, queued behind B until Fri 6 (2 days), mediates Fri 6 -> Tue 10,
#      performed Wed 11, callback Thu 12, visit Fri 13, closed Mon 16 (12 days).
# Slot busy 2 + 2 + 4 = 8 of the 90 simulated days.
TINY_BACKLOG = [1, 2, 3, 3, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 0]


def test_tiny_scenario_matches_the_hand_computation() -> None:
    """Counts, durations (mean, median, nearest-rank p90), waits, occupancy, clocks and the
    daily backlog are exactly the hand-computed ones.

    Paths (the comment above): closed after 8, 9 and 12 days: mean 29/3, median 9,
    nearest-rank p90 = the ceil(0.9 * 3) = 3rd smallest = 12. Waits 0 + 1 + 2 over 3
    cases = 1 day. Village slot busy 8 of 90 days; the town never used.

    Clocks (workflow v2). Each neighbour dispute under people's mediation opens four,
    all the unit's own targets (``soft``, ClockKind.target), none a duty clock:

    ====================  ==========================  =======  =======  =======
    clock                 opens / length              A        B        C
    ====================  ==========================  =======  =======  =======
    dispute_acceptance    intake, 3 working days      due 3-5  due 3-6  due 3-9
                          met at accept               met 3-2  met 3-3  met 3-4
    people_mediation      acceptance, 1 month         due 4-2  due 4-3  due 4-7 *
                          met at agree                met 3-4  met 3-6  met 3-10
    callback_visit        agreement effect, 15 days   due 3-19 due 3-23 due 3-25
                          (oral, no performance       met 3-9  met 3-11 met 3-13
                          date), met at the visit
    dispute_closing       visit, 15 days              due 3-24 due 3-26 due 3-30
                          met at close                met 3-10 met 3-12 met 3-16
    ====================  ==========================  =======  =======  =======

    (* 4 April 2026 is a Saturday in the 清明 holiday, 4-6 April: due Tue 7; B's 21 and
    C's 28 March fall on Saturdays and roll to Monday.) So 4 x 3 = 12 target clocks met,
    none breached, lapsed or cancelled, and no duty clock at all: the on-time rate the
    unit is assessed on (duty clocks only, issue 12) has no denominator and is ``None``;
    the target on-time rate, shown beside it, is 12/12. The first version of this test
    expected 9 met duty clocks: it counted v1's three clocks (no closing clock) and
    took every clock for a duty one, as release 0.1 did (``DISPUTE_V1.clock_kinds``).
    """
    rep = simulate(parse_scenario(tiny()))
    k = rep.kpis
    assert rep.errors == {}
    assert rep.problems == ()
    assert (k["arrivals"], k["arrivals.category.neighbor"], k["arrivals.channel.walk_in"]) == (
        3,
        3,
        3,
    )
    assert (k["cases"], k["cases.closed"], k["cases.open"], k["cases.transferred_out"]) == (
        3,
        3,
        0,
        0,
    )
    assert (k["matters.closed"], k["matters.open"], k["matters.transferred_out"]) == (3, 0, 0)
    assert (k["agreements"], k["success_rate"], k["resolved.village"], k["resolved.town"]) == (
        3,
        1.0,
        1.0,
        0.0,
    )
    assert [
        k[f"funnel.village.{s}"] for s in ("cases", "accepted", "mediated", "agreed", "failed")
    ] == [3, 3, 3, 3, 0]
    assert k["time_to_close.mean"] == pytest.approx(29 / 3)
    assert (k["time_to_close.median"], k["time_to_close.p90"]) == (9.0, 12.0)
    assert k["wait_days.village"] == pytest.approx(1.0)
    assert k["utilisation.village"] == pytest.approx(8 / 90)
    assert k["utilisation.town"] == 0.0
    # Per case: acceptance, mediation, callback and closing clocks, all targets, all met.
    assert {key: v for key, v in k.items() if key.startswith("clocks.") and v} == {
        "clocks.target.met": 12
    }
    assert (k["on_time.duty"], k["on_time.target"]) == (None, 1.0)
    assert (k["on_time.party"], k["on_time.external"]) == (None, None)
    assert sum(int(v or 0) for key, v in k.items() if key.startswith("breaches.")) == 0
    assert list(rep.backlog[: len(TINY_BACKLOG)]) == TINY_BACKLOG
    assert set(rep.backlog[len(TINY_BACKLOG) :]) == {0}
    assert (k["backlog.2026-03"], k["backlog.2026-04"]) == (0, 0)


def test_office_time_skips_the_national_day_holiday_and_counts_the_make_up_saturday() -> None:
    """One matter on Wed 30 Sep 2026: 2 working days of mediation end Fri 9 Oct (1-7 Oct are
    the holiday); the next step lands on Sat 10 Oct, a make-up working day (调休上班); the
    case closes Wed 14 Oct, 14 days after it came in."""
    data = tiny(
        scenario={"start": "2026-09-28", "days": 7, "drain_days": 40},
        arrivals={"neighbor": {"at": ["2026-09-30T09:00"]}},
    )
    scenario = parse_scenario(data)
    engine = Engine.in_memory(policy=scenario.engine_policy(), reader=Actor.system())
    from mediation.simulation._runner import Runner

    Runner(scenario, 1, engine=engine).run()
    (case,) = engine.find()
    steps = {e.trigger: e.at for e in engine.history(case.id)}
    day = dt.datetime.fromisoformat
    assert steps["agree"] == day("2026-10-09T09:00+08:00")
    assert steps["confirm_performed"] == day("2026-10-10T09:00+08:00")
    assert steps["start_callback"] == day("2026-10-12T09:00+08:00")
    assert steps["close"] == day("2026-10-14T09:00+08:00")
    kpis, _ = case_figures(engine, scenario)
    assert kpis["time_to_close.mean"] == 14.0


def test_a_failed_village_mediation_is_referred_to_the_town() -> None:
    """Village mediation fails (p=0) and is referred up; the town settles it: one matter,
    resolved at the town level, referred up once from the village. With the referral step
    (workflow v2) the same case moves (上报, then 接收); without it (v1) a new case is
    registered at the town, flagged with the first."""
    data = tiny(
        arrivals={"neighbor": {"at": ["2026-03-02T09:00"]}},
        behaviour={
            "dispute": {
                "mediating": {"agree": {"p": {"village": 0.0, "town": 1.0}}},
                "failed": {"refer_up": {"p": {"village": 1.0}, "delay": 1}},
            }
        },
    )
    rep = simulate(parse_scenario(data))
    k = rep.kpis
    assert rep.problems == ()
    assert rep.errors == {}
    assert (k["arrivals"], k["matters.closed"], k["success_rate"]) == (1, 1, 1.0)
    assert (k["funnel.village.failed"], k["funnel.village.referred_up"]) == (1, 1)
    assert (k["funnel.town.cases"], k["funnel.town.agreed"]) == (1, 1)
    assert (k["resolved.village"], k["resolved.town"]) == (0.0, 1.0)
    if VERSION >= 2:
        assert (k["cases"], k["cases.referred_up"], k["cases.closed"]) == (1, 0, 1)
    else:
        assert (k["cases"], k["cases.referred_up"], k["cases.closed"]) == (2, 1, 2)


def test_refusals_and_transfers_end_as_the_workflow_says() -> None:
    """Every party refuses (人民调解法 第十七条): three cases not accepted, counted closed, none
    agreed; with transfer instead, three transferred out (neither closed nor open)."""
    refuse = tiny(behaviour={"dispute": {"triaged": {"refuse": {"p": 1}}}})
    k = simulate(parse_scenario(refuse)).kpis
    assert (k["cases.closed"], k["funnel.village.refused"], k["agreements"], k["success_rate"]) == (
        3,
        3,
        0,
        0.0,
    )
    transfer = tiny(behaviour={"dispute": {"triaged": {"transfer_out": {"p": 1}}}})
    k = simulate(parse_scenario(transfer)).kpis
    assert (k["cases.transferred_out"], k["matters.transferred_out"], k["cases.closed"]) == (
        3,
        3,
        0,
    )
    assert k["success_rate"] is None  # nothing ended in the committee's hands


def test_the_sqlite_file_is_a_normal_database_with_the_same_figures(tmp_path: Path) -> None:
    """A run on SQLite gives the in-memory figures; any engine opens the file (the
    organisation is stored in it), its audit chains verify, and the figures read from it
    afterwards are the run's."""
    scenario = parse_scenario(tiny())
    db = tmp_path / "tiny.db"
    stored = simulate(scenario, database=db)
    assert stored.kpis == simulate(scenario).kpis
    with Engine.sqlite(db, readonly=True, reader=Actor.system()) as engine:
        assert engine.org is not None
        assert "v1" in engine.org
        assert engine.verify_all().ok
        assert len(engine.find()) == 3
        kpis, backlog = case_figures(engine, scenario)
    assert {
        k: v for k, v in kpis.items() if not k.startswith(("utilisation", "wait_days", "errors"))
    } == {
        k: v
        for k, v in stored.kpis.items()
        if not k.startswith(("utilisation", "wait_days", "errors"))
    }
    assert backlog == list(stored.backlog)


def test_a_run_never_overwrites_a_database(tmp_path: Path) -> None:
    """An existing file is refused, naming it."""
    from mediation import ValidationError

    db = tmp_path / "x.db"
    db.write_bytes(b"keep me")
    with pytest.raises(ValidationError, match="exists already"):
        simulate(parse_scenario(tiny()), database=db)
    assert db.read_bytes() == b"keep me"


def test_the_engine_runs_on_the_virtual_clock() -> None:
    """The engine a run builds reads the run's virtual clock: asked without at=, it answers
    as of the simulated instant, not the wall clock."""
    from mediation.simulation._runner import Runner

    scenario = parse_scenario(tiny())
    runner = Runner(scenario, 1)
    runner.run()
    end = dt.datetime(2026, 5, 31, tzinfo=scenario.policy.tz)  # 2 March + 90 days
    assert runner.now() == end
    (first,) = [e for e in runner.engine.history("c0000000") if e.trigger == "intake"]
    assert first.at == dt.datetime(2026, 3, 2, 9, tzinfo=scenario.policy.tz)
    case = runner.engine.intake(
        kind="dispute",
        channel="walk_in",
        category="neighbor",
        parties=runner.engine.get("c0000000").parties,
        summary="不传 at 的登记",
        unit="v1",
    )
    assert case.received_at == end


def test_supervision_escalates_each_breached_hard_limit_once() -> None:
    """Labour mediation has a 15-day hard limit (劳动争议调解仲裁法 第十四条); mediation taking
    20 working days breaches it in every case; with the daily 督办 scan on, each breach is
    supervised exactly once and the run still conserves every case."""
    data = tiny(
        scenario={"supervise_every_days": 1},
        capacity={"village": {"cases_each": 3}},
        behaviour={"dispute": {"mediating": {"agree": {"delay": 20}}}},
    )
    data["arrivals"] = {"labour": data["arrivals"]["neighbor"]}
    rep = simulate(parse_scenario(data))
    assert rep.errors == {}
    assert rep.problems == ()
    assert rep.kpis["arrivals.category.labour"] == 3
    assert rep.kpis["supervised"] == rep.kpis["breaches.duty"]
    assert rep.kpis["supervised"] >= 3


def test_a_medical_mediation_past_its_period_ends_failed_without_a_refused_step() -> None:
    """A medical dispute mediated by the village committee on Mon 2 March 2026: its 30
    working days (医疗纠纷预防和处理条例 第三十八条) end on Tue 14 April. The parties would
    agree after 45 working days, but by then the mediation is deemed failed: the case does
    not try the agreement the rules refuse (no problem is reported); it is terminated."""
    scenario = tiny(
        arrivals={
            "neighbor": {"at": []},
            "medical": {
                "process": "scripted",
                "at": ["2026-03-02T09:00"],
                "channels": {"walk_in": 1.0},
            },
        },
        behaviour={
            "dispute": {
                "mediating": {
                    "agree": {"p": 1, "delay": {"value": 45, "unit": "wd"}},
                    "terminate": {"delay": {"value": 46, "unit": "wd"}},
                }
            }
        },
        scenario={"drain_days": 120},
    )
    rep = simulate(parse_scenario(scenario))
    assert rep.errors == {}
    assert rep.problems == ()
    k = rep.kpis
    assert (k["arrivals.category.medical"], k["funnel.village.mediated"]) == (1, 1)
    assert k["funnel.village.failed"] == 1
    assert k["clocks.duty.breached"] == 1  # the 30 working days ran out unextended


def test_a_run_on_sqlite_reads_the_organisation_as_the_rules_do(tmp_path: Path) -> None:
    """The organisation is stored in the file once the run begins; the rows' conditions must
    then see it as the engine's rules do. A court mediating its own case (the judicial track
    at the court) owes itself no written report (特邀调解规定 第二十六条 binds a mediator the
    court invited): before, a run on SQLite read the policy without the organisation, took
    the court's case for an invited mediation and tried the report, which the engine refused.
    With the organisation read, the file and memory give the same figures and no refusal."""
    from .tiny import UNITS, small

    court = {"id": "ct", "name": "某县人民法院", "level": "county", "parent": "cz", "kind": "court",
             "code_prefix": "某法"}  # fmt: skip
    scenario = parse_scenario(
        small(
            rate=150.0,
            days=30,
            units=[*UNITS, court],
            receiving={"ct": 1.0},
            capacity={"units": {"ct": {"mediators": 3, "cases_each": 3}}},
            arrivals={
                "neighbor": {"rate": 0.0},
                "labour": {"rate": 0.0},
                "contract": {"rate": 150.0},
            },
            triage={"levels": {"default": "county"}, "tracks": {"contract": {"judicial": 1.0}}},
        )
    )
    stored = simulate(scenario, database=tmp_path / "court.db")
    assert stored.errors == {}
    assert stored.kpis["cases.closed"] > 0
    assert stored.kpis == simulate(scenario).kpis
