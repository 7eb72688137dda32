"""Dispute workflow version 7: what a referral may claim, what a take accepts, what a
return restores.

- 2002 规定 第二十二条第二项: a committee that takes a case referred after its acceptance
  accepts it there, so it does not take a dispute a court or the police hold.
- 《人民调解法》第二十六条、第二十七条: a mediation that failed and was sent up and back
  comes back failed, its file still to close; no new mediation period opens.
- 《信访工作条例》第二十二条第一款第三项: referring an assigned case on does not report it
  back; returned, the report is still owed by the date set.
- 《信访工作条例》第四十五条 (跟踪督办): 超期未化解 only when a period has run out.

Dates are counted by hand (calendar days; 2002 规定 第三十三条's 一个月 from acceptance).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mediation import Actor, Engine, RuleRejectedError, ValidationError
from mediation.model import Case, DeadlineStatus
from mediation.rules.policy import Policy
from mediation.workflows.dispute import DISPUTE, DISPUTE_V6, DISPUTE_V7

from ..conftest import make_engine
from ._support import ORG, actor, at, day, engine, register

VILLAGE = actor("qt-dm-dmc")
WEST = actor("qt-dm-xc")
TOWN = actor("qt-dm")
COURT = "qt-fy"
POLICE = "qt-pcs"
HANDLED = "《人民调解工作若干规定》第二十二条第二项"


def _mediating(e: Engine, when: str = "2026-03-02", version: int | None = None) -> Case:
    case = register(e, "qt-dm-dmc", at(when))
    if version is not None:
        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=at(when, 9))
    e.fire(case.id, "triage", actor=VILLAGE, at=at(when, 10), track="people")
    e.fire(case.id, "accept", actor=VILLAGE, at=at(when, 11))
    e.fire(case.id, "inform_rights", actor=VILLAGE, at=at(when, 12))
    return e.fire(case.id, "start_mediation", actor=VILLAGE, at=at(when, 14), mediators=["m"])


def _open(case: Case, period: str) -> list[tuple[str, dt.date]]:
    return [(d.id, d.due) for d in case.deadlines if d.period == period and d.is_open]


def test_new_cases_run_on_version_7_or_later() -> None:
    e = engine()
    case = _mediating(e)
    assert (DISPUTE_V7.version, DISPUTE_V6.version) == (7, 6)
    assert (case.workflow, case.workflow_version) == ("dispute", DISPUTE.version)
    assert DISPUTE.version >= 7


# -- a failed mediation returned ------------------------------------------------------------


def _failed_and_returned(e: Engine, version: int | None = None) -> tuple[Case, Case]:
    case = _mediating(e, version=version)
    failed = e.fire(
        case.id,
        "terminate",
        actor=VILLAGE,
        at=at("2026-03-03"),
        reason="双方分歧较大",
        remedies_informed=True,
    )
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-04"), to="qt-dm",
           reason="mediation_failed")  # fmt: skip
    back = e.fire(case.id, "return_referral", actor=TOWN, at=at("2026-03-05"),
                  reason="本级调解即可，已终止的由村结案")  # fmt: skip
    return failed, back


def test_a_failed_mediation_returned_comes_back_failed_with_its_file_to_close() -> None:
    """The village's mediation failed on 03-03 (《人民调解法》第二十六条); its file is to be
    closed within the practice target (15 days: 03-18). Referred up on 03-04 and returned
    on 03-05, the case is failed again, the same closing target runs on to 03-18, and no
    mediation period opens (version 6 opened a new 一个月 to 04-07)."""
    e = engine()
    failed, back = _failed_and_returned(e)
    assert (back.state, back.unit) == ("failed", "qt-dm-dmc")
    closing = _open(failed, "dispute_closing")
    assert closing == [(closing[0][0], day("2026-03-18"))]
    assert _open(back, "dispute_closing") == closing
    assert _open(back, "people_mediation") == []
    assert [d.status for d in back.deadlines if d.period == "people_mediation"] == [
        DeadlineStatus.met
    ]
    # The returned case closes as a failed one does.
    closed = e.fire(back.id, "close", actor=VILLAGE, at=at("2026-03-06"),
                    note="调解不成，已告知当事人依法起诉", remedies_informed=True)  # fmt: skip
    assert closed.state == "closed"


def test_version_6_opened_a_new_mediation_period_on_the_failed_case() -> None:
    """The defect version 7 mends, kept for cases recorded on version 6."""
    e = engine()
    _, back = _failed_and_returned(e, version=6)
    assert back.state == "failed"
    assert [due for _, due in _open(back, "people_mediation")] == [day("2026-04-07")]
    assert _open(back, "dispute_closing") == []


# -- an assignment's report back ------------------------------------------------------------


def test_a_returned_assignment_still_owes_its_report_back() -> None:
    """The town assigns (交办) a dispute to 东门村 with a report due on 03-20. The village
    takes it, sends it across to 西村 (territorial), which returns it. Referring it on was
    no report: the report-back clock runs on to 03-20, and the village reports."""
    e = engine()
    case = register(e, "qt-dm", at("2026-03-02"))
    e.fire(case.id, "triage", actor=TOWN, at=at("2026-03-02", 10), track="people")
    e.fire(case.id, "refer", actor=TOWN, at=at("2026-03-02", 11), to="qt-dm-dmc",
           reason="territorial", feedback_by=dt.date(2026, 3, 20))  # fmt: skip
    taken = e.fire(case.id, "take_referral", actor=VILLAGE, at=at("2026-03-03"))
    owed = _open(taken, "assignment_feedback")
    assert [due for _, due in owed] == [day("2026-03-20")]
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-04"), to="qt-dm-xc",
           reason="territorial")  # fmt: skip
    back = e.fire(case.id, "return_referral", actor=WEST, at=at("2026-03-05"),
                  reason="纠纷发生地在东门村")  # fmt: skip
    assert (back.state, back.unit) == ("triaged", "qt-dm-dmc")
    assert _open(back, "assignment_feedback") == owed
    reported = e.fire(case.id, "report_feedback", actor=VILLAGE, at=at("2026-03-06"),
                      report="已受理，正在调解")  # fmt: skip
    done = [d for d in reported.deadlines if d.id == owed[0][0]]
    assert [d.status for d in done] == [DeadlineStatus.met]


def test_a_report_back_day_passed_while_away_is_overdue_on_return() -> None:
    """The report was due on 03-05; the case came back on 03-09: the clock is overdue (and
    supervised), not met by the referral."""
    e = engine()
    case = register(e, "qt-dm", at("2026-03-02"))
    e.fire(case.id, "triage", actor=TOWN, at=at("2026-03-02", 10), track="people")
    e.fire(case.id, "refer", actor=TOWN, at=at("2026-03-02", 11), to="qt-dm-dmc",
           reason="territorial", feedback_by=dt.date(2026, 3, 5))  # fmt: skip
    e.fire(case.id, "take_referral", actor=VILLAGE, at=at("2026-03-03"))
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-04"), to="qt-dm-xc",
           reason="territorial")  # fmt: skip
    back = e.fire(case.id, "return_referral", actor=WEST, at=at("2026-03-09"),
                  reason="纠纷发生地在东门村")  # fmt: skip
    (owed,) = _open(back, "assignment_feedback")
    assert owed[1] == day("2026-03-05")
    listed = e.due(at=at("2026-03-09", 12))
    assert [item.deadline.id for item in listed if item.case_id == case.id] == [owed[0]]
    events = e.supervise(at=at("2026-03-09", 13), actor=Actor.system())
    assert [ev.case_id for ev in events] == [case.id]
    assert e.get(case.id).deadline(owed[0]).escalated_at is not None


# -- 超期未化解 ------------------------------------------------------------------------------


def test_clock_breached_needs_a_period_that_ran_out() -> None:
    """Accepted 03-02, the village's 一个月 runs to 04-02 (2002 规定 第三十三条). On 03-10 it may
    not refer up as 超期未化解 (the refusal names the reason and leaves the case as it was); on
    04-10 it may."""
    e = engine()
    case = _mediating(e)
    before = e.get(case.id)
    with pytest.raises(ValidationError) as refused:
        e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-10"), to="qt-dm",
               reason="clock_breached")  # fmt: skip
    assert refused.value.field == "reason"
    assert "第四十五条" in refused.value.basis
    assert e.get(case.id) == before
    when = at("2026-03-10")
    for reason, allowed in (("clock_breached", False), ("complex", True)):
        data = {"refer": {"to": "qt-dm", "reason": reason}}
        options = e.available_triggers(case.id, VILLAGE, when, inputs=data)
        option = next(o for o in options if o.trigger == "refer")
        assert option.allowed is allowed
        assert allowed or (option.reason and option.reason in str(refused.value))
    sent = e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-04-10"), to="qt-dm",
                  reason="clock_breached")  # fmt: skip
    assert sent.state == "referred"
    late = [d for d in sent.deadlines if d.period == "people_mediation"]
    assert [d.status for d in late] == [DeadlineStatus.breached]


def test_a_breach_at_an_earlier_unit_is_not_this_unit_s() -> None:
    """The village's period ran out before it sent the case up; the town, within its own new
    month, may not send it on to the county as 超期未化解 — and may once its own runs out."""
    e = engine()
    case = _mediating(e)
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-04-10"), to="qt-dm",
           reason="clock_breached")  # fmt: skip
    taken = e.fire(case.id, "take_referral", actor=TOWN, at=at("2026-04-11"))
    (town_month,) = _open(taken, "people_mediation")
    with pytest.raises(ValidationError):
        e.fire(case.id, "refer", actor=TOWN, at=at("2026-04-20"), to="qt",
               reason="clock_breached")  # fmt: skip
    after = town_month[1] + dt.timedelta(days=2)
    sent = e.fire(case.id, "refer", actor=TOWN, at=at(after.isoformat()), to="qt",
                  reason="clock_breached")  # fmt: skip
    assert sent.unit == "qt"


# -- a take is an acceptance ----------------------------------------------------------------


def _court_accepts(e: Engine, when: str) -> str:
    who = actor(COURT)
    case = register(e, COURT, at(when))
    e.fire(case.id, "triage", actor=who, at=at(when, 10), track="judicial")
    e.fire(case.id, "accept", actor=who, at=at(when, 11))
    return e.get(case.id).code


@pytest.mark.parametrize("organ", [COURT, POLICE])
def test_a_committee_does_not_take_a_dispute_an_organ_holds(organ: str) -> None:
    """The village accepted the dispute on 03-02; the court (or the police) accepted the
    same matter on 03-03. Referred up on 03-04, the town committee may not take it — it
    would accept a dispute the organ holds — and returns it instead."""
    e = engine()
    case = _mediating(e)
    if organ == COURT:
        code = _court_accepts(e, "2026-03-03")
    else:
        who = actor(POLICE)
        held = register(e, POLICE, at("2026-03-03"))
        e.fire(held.id, "triage", actor=who, at=at("2026-03-03", 10), track="administrative")
        e.fire(held.id, "accept", actor=who, at=at("2026-03-03", 11),
               act="assault", ground="trifles")  # fmt: skip
        code = e.get(held.id).code
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-04"), to="qt-dm", reason="complex")
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(case.id, "take_referral", actor=TOWN, at=at("2026-03-05"))
    assert refused.value.basis == HANDLED
    assert code in str(refused.value)
    assert e.get(case.id) == before
    option = next(
        o
        for o in e.available_triggers(case.id, TOWN, at("2026-03-05"))
        if o.trigger == "take_referral"
    )
    assert (option.allowed, option.basis) == (False, HANDLED)
    back = e.fire(case.id, "return_referral", actor=TOWN, at=at("2026-03-05"),
                  reason="法院已受理同一纠纷")  # fmt: skip
    assert back.unit == "qt-dm-dmc"


def test_a_take_before_the_organ_accepted_is_not_barred() -> None:
    """The town took the case on 03-04; the court accepted the same matter on 03-05: the
    take stands (the bar reads the cases as they stood at the take)."""
    e = engine()
    case = _mediating(e)
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-dm", reason="complex")
    taken = e.fire(case.id, "take_referral", actor=TOWN, at=at("2026-03-04"))
    _court_accepts(e, "2026-03-05")
    assert taken.state == "accepted"
    assert e.get(case.id).state == "accepted"


def test_version_6_took_what_an_organ_held() -> None:
    e = engine()
    case = _mediating(e, version=6)
    _court_accepts(e, "2026-03-03")
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-04"), to="qt-dm", reason="complex")
    taken = e.fire(case.id, "take_referral", actor=TOWN, at=at("2026-03-05"))
    assert taken.state == "accepted"


def test_the_take_reads_the_organ_s_case_on_sqlite(tmp_path: Path) -> None:
    """The same bar on a database: the take reads the related cases from the store."""
    e = make_engine(f"sqlite:///{tmp_path / 'bars.db'}", policy=Policy(org=ORG))
    case = _mediating(e)
    code = _court_accepts(e, "2026-03-03")
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-04"), to="qt-dm", reason="complex")
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(case.id, "take_referral", actor=TOWN, at=at("2026-03-05"))
    assert code in str(refused.value)
    assert e.get(case.id).state == "referred"
    assert e.verify(case.id).ok
    e.close()


def test_the_medical_committee_does_not_take_a_dispute_the_health_department_holds() -> None:
    """医疗条例 第三十一条: the village sent a medical dispute to the county's medical committee
    (specialised); meanwhile the health department accepted the same dispute. The medical
    committee does not take it."""
    e = engine()
    committee, health = actor("qt-yt"), actor("qt-wjj")
    case = register(e, "qt-dm-dmc", at("2026-03-02"), category="medical")
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-03-02", 10), track="people")
    e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-03-02", 11), other_side_consents=True)
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-yt", reason="specialised")
    held = register(e, "qt-wjj", at("2026-03-03"), category="medical")
    e.fire(held.id, "triage", actor=health, at=at("2026-03-03", 10), track="administrative")
    e.fire(held.id, "accept", actor=health, at=at("2026-03-03", 11), other_side_consents=True)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(case.id, "take_referral", actor=committee, at=at("2026-03-04"))
    assert refused.value.basis == "《医疗纠纷预防和处理条例》第三十一条"
    assert e.get(held.id).code in str(refused.value)
    assert e.get(case.id).state == "referred"
