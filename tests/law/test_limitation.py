"""The claimant's limitation period across a mediation (RULES.md §0 row 20).

Three years from the day the claimant knew of the damage and the obligor (《民法典》
第一百八十八条), interrupted by the claim to the committee (诉讼时效规定 第十二条), and
counted anew from the day the procedure ends (第一百九十五条): mediation fails, the claim
is not accepted or is withdrawn, or — after an agreement — from the end of its
performance period when it is not performed. A period that had run out before the claim
is not revived. It is the parties' period: it lapses, never breaches, and the
committee's closing leaves it running.

The demo case is registered on Mon 2026-03-02 and mediated from 03-04.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, RuleRejectedError, ValidationError
from mediation._demo import CLERK, DIRECTOR, MEDIATOR, run
from mediation.model import ClockKind, DeadlineStatus
from mediation.rules.dispute.limitation import LIMITATION_RECORD, Limitation
from mediation.rules.policy import Policy

from ._support import actor, at, clock, clocks, day, engine, register

PERIOD = "limitation_period"


def _demo() -> Engine:
    from mediation._demo import ORG as DEMO_ORG

    return Engine.in_memory(policy=Policy(org=DEMO_ORG), reader=Actor.system())


def _record(e: Engine, case_id: str, known_on: str, when: str = "2026-03-05") -> None:
    e.fire(case_id, "record_limitation", actor=CLERK, at=at(when, 11), known_on=known_on)


def _terminate(e: Engine, case_id: str, when: str) -> None:
    e.fire(case_id, "terminate", actor=MEDIATOR, at=at(when, 16),
           reason="双方分歧过大", remedies_informed=True)  # fmt: skip


def test_mediation_failing_starts_three_new_years_from_that_day() -> None:
    """Known of the damage on 2024-06-10: three years to Thu 2027-06-10. The claim of
    03-02 interrupts them; nothing is timed while mediation runs. Terminated on Fri 03-20:
    three new years from 03-20 to Tue 2029-03-20 (no 2029 notice: estimated), a parties'
    period; closing the file ends the clock, not the dates recorded."""
    e = _demo()
    case = run(e, stop_before="agree")
    _record(e, case.id, "2024-06-10")
    pending = e.get(case.id)
    record = pending.overlays[LIMITATION_RECORD]
    assert isinstance(record, Limitation)
    assert (record.expires_on.isoformat(), record.claimed_on.isoformat()) == (
        "2027-06-10",
        "2026-03-02",
    )
    assert record.interrupted
    assert clocks(pending, PERIOD) == []
    _terminate(e, case.id, "2026-03-20")
    failed = e.get(case.id)
    [clock] = clocks(failed, PERIOD)
    assert (clock.start.isoformat(), clock.due.isoformat()) == ("2026-03-20", "2029-03-20")
    assert (clock.kind, clock.status, clock.estimated) == (
        ClockKind.party,
        DeadlineStatus.running,
        True,
    )
    closed = e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-31", 11),
                    no_visit_reason="调解不成，当事人拒绝回访")  # fmt: skip
    assert closed.state == "closed"
    # A closed case runs no clock (DESIGN.md); the record keeps the dates for the notices.
    assert not closed.open_deadlines
    kept = closed.overlays[LIMITATION_RECORD]
    assert isinstance(kept, Limitation)
    assert (str(kept.restarted_on), str(kept.runs_to), kept.estimated) == (
        "2026-03-20",
        "2029-03-20",
        True,
    )
    assert "至2029年3月20日（暂定" in e.render(case.id, "termination_notice")
    assert e.verify(case.id).ok


def test_a_period_that_ran_out_before_the_claim_is_not_revived() -> None:
    """Known on 2022-06-10: the three years ended Tue 2025-06-10, before the claim of
    2026-03-02. Mediation still goes on (the obligor may plead it, 《民法典》第一百九十二条;
    no one applies it of their own motion, 第一百九十三条), and its failure starts nothing."""
    e = _demo()
    case = run(e, stop_before="agree")
    _record(e, case.id, "2022-06-10")
    record = e.get(case.id).overlays[LIMITATION_RECORD]
    assert isinstance(record, Limitation)
    assert record.expires_on.isoformat() == "2025-06-10"
    assert not record.interrupted
    _terminate(e, case.id, "2026-03-20")
    assert clocks(e.get(case.id), PERIOD) == []


def test_recorded_after_the_failure_counts_from_the_day_it_failed() -> None:
    e = _demo()
    case = run(e, stop_before="agree")
    _terminate(e, case.id, "2026-03-20")
    _record(e, case.id, "2025-12-01", when="2026-03-25")
    [clock] = clocks(e.get(case.id), PERIOD)
    assert (clock.start.isoformat(), clock.due.isoformat()) == ("2026-03-20", "2029-03-20")


def test_an_agreement_not_performed_counts_from_the_end_of_its_performance_period() -> None:
    """The demo agreement is to be performed by Fri 03-20; non-performance is reported on
    03-25: three years from 03-20. Mediating again (both parties consenting) is a new claim
    that interrupts them again; its failure on 04-10 starts three years from 04-10
    (Tue 2029-04-10)."""
    e = _demo()
    case = run(e, stop_before="confirm_performed")
    _record(e, case.id, "2026-02-20", when="2026-03-09")
    reported = e.fire(case.id, "report_not_performed", actor=MEDIATOR, at=at("2026-03-25"))
    [clock] = clocks(reported, PERIOD)
    assert (clock.start.isoformat(), clock.due.isoformat()) == ("2026-03-20", "2029-03-20")
    again = e.fire(case.id, "remediate", actor=MEDIATOR, at=at("2026-03-26"),
                   reason="双方同意重新调解履行方式", consent=True)  # fmt: skip
    assert clocks(again, PERIOD)[0].status is DeadlineStatus.cancelled
    _terminate(e, case.id, "2026-04-10")
    running = [d for d in clocks(e.get(case.id), PERIOD) if d.is_open]
    assert [(d.start.isoformat(), d.due.isoformat()) for d in running] == [
        ("2026-04-10", "2029-04-10")
    ]
    assert e.verify(case.id).ok


@pytest.mark.parametrize("ending", ["withdraw", "not_accepted"])
def test_withdrawal_or_non_acceptance_ends_the_procedure_too(ending: str) -> None:
    e = _demo()
    case = run(e, stop_before="accept")
    _record(e, case.id, "2025-01-15", when="2026-03-02")
    if ending == "withdraw":
        done = e.fire(case.id, "withdraw", actor=CLERK, at=at("2026-03-03"),
                      reason="申请人撤回", by="张三")  # fmt: skip
    else:
        other = case.parties[1].id
        done = e.fire(case.id, "accept", actor=CLERK, at=at("2026-03-03"), refused_by=other)
    assert done.state in ("withdrawn", "not_accepted")
    assert not done.open_deadlines  # the case is closed: no clock runs on it
    record = done.overlays[LIMITATION_RECORD]
    assert isinstance(record, Limitation)
    assert (str(record.restarted_on), str(record.runs_to)) == (
        "2026-03-03",
        "2029-03-05",  # Sat 2029-03-03 is a rest day: Mon 03-05
    )


def test_a_day_after_the_claim_is_refused_and_the_case_is_left_as_it_was() -> None:
    e = _demo()
    case = run(e, stop_before="agree")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as refused:
        _record(e, case.id, "2026-03-03")
    assert refused.value.field == "known_on"
    assert "第一百八十八条" in str(refused.value)
    assert e.get(case.id) == before


def test_once_the_callback_has_begun_the_day_is_no_longer_recorded() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError) as refused:
        _record(e, case.id, "2025-01-15", when="2026-03-30")
    assert "诉讼时效" in str(refused.value)
    assert e.get(case.id) == before


def test_the_record_and_its_period_survive_the_database(tmp_path: object) -> None:
    """Stored in SQLite, read back by a fresh engine: the record, the running period, and
    a replay that agrees with what was stored."""
    from pathlib import Path

    from mediation._demo import ORG as DEMO_ORG

    db = str(Path(str(tmp_path)) / "limitation.db")
    with Engine.sqlite(db, policy=Policy(org=DEMO_ORG), reader=Actor.system()) as e:
        case = run(e, stop_before="agree")
        _record(e, case.id, "2024-06-10")
        _terminate(e, case.id, "2026-03-20")
        written = e.get(case.id)
    with Engine.sqlite(db, policy=Policy(org=DEMO_ORG), reader=Actor.system()) as e:
        read = e.get(case.id)
        assert read == written
        assert isinstance(read.overlays[LIMITATION_RECORD], Limitation)
        assert clocks(read, PERIOD)[0].due.isoformat() == "2029-03-20"
        assert e.verify(case.id).ok


def test_the_notices_tell_the_applicant_when_the_new_period_ends() -> None:
    """终止调解告知书 and 不予受理告知书 state the restart (《民法典》第一百九十五条), or that
    the period had run out before the claim (第一百九十二条); without a record, nothing."""
    e = _demo()
    case = run(e, stop_before="agree")
    _record(e, case.id, "2024-06-10")
    _terminate(e, case.id, "2026-03-20")
    text = e.render(case.id, "termination_notice")
    assert "自2026年3月20日起重新计算，至2029年3月20日（暂定" in text
    assert "第一百九十五条" in text
    html = e.render(case.id, "termination_notice", format="html")
    assert "至2029年3月20日（暂定" in html

    late = run(e, stop_before="accept")
    _record(e, late.id, "2022-06-10", when="2026-03-02")
    other = late.parties[1].id
    e.fire(late.id, "accept", actor=CLERK, at=at("2026-03-03"), refused_by=other)
    notice = e.render(late.id, "non_acceptance_notice")
    assert "诉讼时效期间已于2025年6月10日届满" in notice
    assert "第一百九十二条" in notice

    plain = run(e, stop_before="agree")
    _terminate(e, plain.id, "2026-03-20")
    assert "诉讼时效" not in e.render(plain.id, "termination_notice")


def test_a_hand_off_carries_the_claim_to_the_next_body() -> None:
    """A traffic matter: people's mediation fails on Wed 2026-09-30 (three new years run), and
    on 10-09 the parties take it to the traffic police (程序规定 第八十五条): a claim to
    another body with power to resolve it interrupts again (诉讼时效规定 第十二条) — the
    sender's period is cancelled, and the receiving case carries the record, so its own end
    starts the three years anew."""
    from .test_tracks import VILLAGE, _to_traffic_police, engine, register

    e = engine()
    case = register(e, "qt-dm-dmc", at("2026-09-21"), category="traffic")
    e.fire(case.id, "record_limitation", actor=VILLAGE, at=at("2026-09-21", 10),
           known_on="2026-09-01")  # fmt: skip
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-09-21", 10), track="people")
    e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-09-21", 11))
    e.fire(case.id, "inform_rights", actor=VILLAGE, at=at("2026-09-21", 12))
    e.fire(case.id, "start_mediation", actor=VILLAGE, at=at("2026-09-22"), mediators=["m"])
    failed = e.fire(case.id, "terminate", actor=VILLAGE, at=at("2026-09-30", 16),
                    reason="分歧过大", remedies_informed=True)  # fmt: skip
    assert [d.status for d in clocks(failed, PERIOD)] == [DeadlineStatus.running]
    handed = _to_traffic_police(e, failed, at("2026-10-09", 10))
    assert [d.status for d in clocks(handed, PERIOD)] == [DeadlineStatus.cancelled]
    police = e.get(handed.links[-1].case_id)
    record = police.overlays[LIMITATION_RECORD]
    assert isinstance(record, Limitation)
    assert record.claimed_on.isoformat() == "2026-09-21"


def test_the_claim_is_made_the_day_the_application_reached_the_committee() -> None:
    """诉讼时效规定 第十二条: the claim interrupts the period the day it is made to the
    committee. The claimant knew of the damage on Thu 2023-03-02, so three years end Mon
    2026-03-02; the application reached the town committee that day and was registered on
    Tue 03-03. The claim interrupted the period; after the mediation fails on 03-10, three
    years run anew from 03-10."""
    from mediation.rules.dispute.limitation import recorded

    e = engine()
    who = actor("qt-dm")
    case = register(e, "qt-dm", at("2026-03-03"), details={"received_on": "2026-03-02"})
    e.fire(case.id, "triage", actor=who, at=at("2026-03-03", 10), track="people")
    e.fire(case.id, "accept", actor=who, at=at("2026-03-03", 11))
    noted = e.fire(case.id, "record_limitation", actor=who, at=at("2026-03-03", 12),
                   known_on="2023-03-02")  # fmt: skip
    record = recorded(noted)
    assert record is not None
    assert (record.claimed_on, record.expires_on, record.interrupted) == (
        day("2026-03-02"),
        day("2026-03-02"),
        True,
    )
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-03-04"))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-03-05"), mediators=[who.id])
    failed = e.fire(case.id, "terminate", actor=who, at=at("2026-03-10"), reason="分歧过大",
                    remedies_informed=True)  # fmt: skip
    assert clock(failed, "limitation_period").start == day("2026-03-10")
