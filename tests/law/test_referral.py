"""Referral among village, town and county (issue 10 §2, §4): reasons, no level skipped,
交办 with a report back, 转办 across, take or return, the 331 ladder, duplicates, levels.

Sources: 2002 规定 第二十一条; 《信访工作条例》第十五条第三款, 第十九条第三款, 第二十二条;
RULES.md §7.3, §7.4. Feedback dates are counted by hand (calendar days, RULES.md §5.2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import RuleRejectedError, ValidationError
from mediation.model import DeadlineStatus, LinkKind
from mediation.rules.policy import Policy
from mediation.rules.referral import ReferralPolicy

from ..conftest import make_engine
from ._support import ORG, actor, at, clock, clocks, day, engine, register

VILLAGE = actor("qt-dm-dmc")
WEST = actor("qt-dm-xc")
TOWN = actor("qt-dm")
COUNTY = actor("qt")
YT = actor("qt-yt")


def _triaged(e, unit="qt-dm-dmc", who=VILLAGE, when="2026-03-02", **kw):  # type: ignore[no-untyped-def]
    case = register(e, unit, at(when), **kw)
    return e.fire(case.id, "triage", actor=who, at=at(when, 10), track="people")


def _mediating(e, unit="qt-dm-dmc", who=VILLAGE, when="2026-03-02", **kw):  # type: ignore[no-untyped-def]
    case = _triaged(e, unit, who, when, **kw)
    e.fire(case.id, "accept", actor=who, at=at(when, 11))
    e.fire(case.id, "inform_rights", actor=who, at=at(when, 12))
    return e.fire(case.id, "start_mediation", actor=who, at=at(when, 14), mediators=["m"])


# -- up ---------------------------------------------------------------------------------


def test_refer_up_one_level_with_a_reason_then_the_town_takes_it() -> None:
    """Village → town for 疑难复杂 (2002 规定 第二十一条): the town owns the case at once (one
    owner), its level is the town's, and the town takes it."""
    e = engine()
    case = _mediating(e)
    sent = e.fire(
        case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-dm", reason="complex"
    )
    assert (sent.state, sent.unit, sent.level) == ("referred", "qt-dm", "town")
    ref = sent.details.referrals[-1]  # type: ignore[union-attr]
    assert (ref.direction.value, ref.reason, ref.from_unit, ref.outcome) == (
        "up",
        "complex",
        "qt-dm-dmc",
        "pending",
    )
    taken = e.fire(case.id, "take_referral", actor=TOWN, at=at("2026-03-04"))
    assert (taken.state, taken.unit, taken.level) == ("accepted", "qt-dm", "town")
    assert taken.details.referrals[-1].outcome == "taken"  # type: ignore[union-attr]
    # 一个月 from the take on 2026-03-04: 2026-04-04 (Sat, 清明 04-04–06) → Tue 2026-04-07.
    assert clock(taken, "people_mediation").due == day("2026-04-07")


def test_a_party_may_refuse_while_the_case_waits_to_be_taken() -> None:
    """《人民调解法》第十七条、第二十三条 (dispute v4): referred before acceptance, a party's
    clear refusal means the case is not accepted (no remedies to tell); referred while
    mediating, it ends the mediation (the remedies told, 第二十六条). Either way the referral
    ends there, neither taken nor returned."""
    e = engine()
    before = e.fire(_triaged(e).id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-dm",
                    reason="complex")  # fmt: skip
    refused = e.fire(before.id, "party_refuses", actor=TOWN, at=at("2026-03-04"),
                     party=before.parties[1].id, statement="不愿调解")  # fmt: skip
    assert refused.state == "not_accepted"
    assert "第十七条" in (refused.outcome or "")
    assert refused.details.referrals[-1].outcome == "refused"  # type: ignore[union-attr]
    assert not any(d.is_open for d in refused.deadlines)

    during = e.fire(_mediating(e).id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-dm",
                    reason="complex")  # fmt: skip
    with pytest.raises(RuleRejectedError, match="第二十六条"):
        e.fire(during.id, "party_refuses", actor=TOWN, at=at("2026-03-04"),
               party=during.parties[1].id)  # fmt: skip
    failed = e.fire(during.id, "party_refuses", actor=TOWN, at=at("2026-03-04"),
                    party=during.parties[1].id, remedies_informed=True)  # fmt: skip
    assert failed.state == "failed"
    assert (failed.unit, refused.unit) == ("qt-dm-dmc", "qt-dm-dmc")  # the sender closes it
    assert failed.details.referrals[-1].outcome == "refused"  # type: ignore[union-attr]
    for case_id in (before.id, during.id):
        assert e.verify(case_id).ok


def test_refer_up_never_skips_a_level_without_a_policy_reason() -> None:
    """Village → county skips the town: refused for 疑难复杂; allowed for 重大、紧急."""
    e = engine()
    case = _mediating(e)
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt", reason="complex")
    assert "越级" in err.value.reason
    sent = e.fire(
        case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt", reason="major_urgent"
    )
    assert (sent.unit, sent.level) == ("qt", "county")


def test_a_reason_serves_only_its_direction_and_threshold_reasons_need_the_threshold() -> None:
    """``assigned`` (交办) cannot send a case up; ``collective`` needs five parties or more
    (《信访工作条例》第二十条第三款); ``high_risk`` a high-risk finding; unknown reasons fail."""
    e = engine()
    case = _mediating(e)
    for reason in ("assigned", "collective", "high_risk", "no_such_reason", "amount"):
        with pytest.raises((RuleRejectedError, ValidationError)):
            e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-dm", reason=reason)
    assert e.get(case.id).unit == "qt-dm-dmc"


# -- down: 交办 with a report back ---------------------------------------------------------


def test_assign_down_with_a_report_back_clock_that_closure_waits_for() -> None:
    """Town → village (交办, 《信访工作条例》第二十二条第一款第三项): the default report-back date is
    15 days after the assignment of Mon 2026-03-09 → Tue 2026-03-24; the village takes it, the
    clock runs (a target: the town set no date); closure is refused until the report is made;
    the report meets the clock."""
    e = engine()
    case = _triaged(e, "qt-dm", TOWN, "2026-03-09")
    sent = e.fire(
        case.id, "refer", actor=TOWN, at=at("2026-03-09", 11), to="qt-dm-dmc", reason="territorial"
    )
    assert sent.details.referrals[-1].direction.value == "down"  # type: ignore[union-attr]
    assert sent.details.referrals[-1].feedback_by == day("2026-03-24")  # type: ignore[union-attr]
    taken = e.fire(case.id, "take_referral", actor=VILLAGE, at=at("2026-03-10"))
    feedback = clock(taken, "assignment_feedback_target")
    assert feedback.due == day("2026-03-24")
    assert feedback.is_open
    e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-03-10", 11))
    e.fire(case.id, "inform_rights", actor=VILLAGE, at=at("2026-03-10", 12))
    e.fire(case.id, "start_mediation", actor=VILLAGE, at=at("2026-03-11"), mediators=["m"])
    e.fire(
        case.id,
        "terminate",
        actor=VILLAGE,
        at=at("2026-03-12"),
        reason="双方分歧较大",
        remedies_informed=True,
    )
    with pytest.raises(RuleRejectedError):
        e.fire(case.id, "close", actor=VILLAGE, at=at("2026-03-13"))
    reported = e.fire(
        case.id,
        "report_feedback",
        actor=VILLAGE,
        at=at("2026-03-13"),
        report="调解不成，已告知诉讼途径",
    )
    assert clock(reported, "assignment_feedback_target").status is DeadlineStatus.met
    assert reported.details.feedback[-1].to_unit == "qt-dm"  # type: ignore[union-attr]
    assert e.fire(case.id, "close", actor=VILLAGE, at=at("2026-03-13", 10)).state == "closed"


def test_the_county_assigns_straight_to_the_village_where_the_dispute_arose() -> None:
    """County centre → village committee, past the town: a case sent down goes to the unit
    that handles it (2002 规定 第二十一条: the village committee mediates its village's
    disputes; 《信访工作条例》第二十二条: 属地管理, 交办). Only the way up is rung by rung:
    before, this was refused as 越级. The county is a one-stop centre: its head first
    allows the parties a second place (the village, to handle it on the spot: 最多跑一地).
    The village takes it and reports back to the county."""
    e = engine()
    case = _triaged(e, "qt", COUNTY, "2026-03-09")
    e.fire(case.id, "onestop_permit", actor=COUNTY, at=at("2026-03-09", 10), to="qt-dm-dmc",
           reason="on_site", note="纠纷发生地就地化解")  # fmt: skip
    sent = e.fire(case.id, "refer", actor=COUNTY, at=at("2026-03-09", 11), to="qt-dm-dmc",
                  reason="assigned")  # fmt: skip
    assert (sent.unit, sent.level) == ("qt-dm-dmc", "village")
    assert sent.details.referrals[-1].direction.value == "down"  # type: ignore[union-attr]
    taken = e.fire(case.id, "take_referral", actor=VILLAGE, at=at("2026-03-10"))
    assert clock(taken, "assignment_feedback_target").due == day("2026-03-24")
    reported = e.fire(case.id, "report_feedback", actor=VILLAGE, at=at("2026-03-11"),
                      report="已受理，正在调解")  # fmt: skip
    assert reported.details.feedback[-1].to_unit == "qt"  # type: ignore[union-attr]
    assert e.verify(case.id).ok


def test_the_default_report_back_date_rolls_past_the_national_day_holiday() -> None:
    """An assignment on Wed 2026-09-16 with no date: 15 days end on Thu 10-01, inside the
    国庆 holiday (10-01 … 10-07, official notice for 2026); the last day of a period that
    falls on a statutory holiday is the day after the holiday (《民法典》第二百零三条):
    Thu 2026-10-08."""
    e = engine()
    case = _triaged(e, "qt-dm", TOWN, "2026-09-16")
    sent = e.fire(
        case.id, "refer", actor=TOWN, at=at("2026-09-16", 11), to="qt-dm-dmc", reason="territorial"
    )
    assert sent.details.referrals[-1].feedback_by == day("2026-10-08")  # type: ignore[union-attr]
    assert e.verify(case.id).ok  # the computed default replays


def test_a_default_report_back_date_is_a_target_a_set_one_a_limit() -> None:
    """The town assigns two cases to the village on 09-16: one with no date (the policy's
    default, 15 days: a practice number, RULES.md §7.3), one with the report due on 09-30
    (set by the town). On 10-12 both are past due: the set date is the village's breach,
    supervised; the default is a target, shown late but not supervised. The report closes
    it (late)."""
    e = engine()
    ids = []
    for date in ({}, {"feedback_by": "2026-09-30"}):
        case = _triaged(e, "qt-dm", TOWN, "2026-09-16")
        e.fire(case.id, "refer", actor=TOWN, at=at("2026-09-16", 11), to="qt-dm-dmc",
               reason="assigned", **date)  # fmt: skip
        e.fire(case.id, "take_referral", actor=VILLAGE, at=at("2026-09-17"))
        ids.append(case.id)
    default, set_ = (e.get(i) for i in ids)
    target = clock(default, "assignment_feedback_target")
    assert (target.kind.value, target.due) == ("target", day("2026-10-08"))
    assert not clocks(default, "assignment_feedback")
    assert clock(set_, "assignment_feedback").kind.value == "duty"
    supervised = {ev.case_id for ev in e.supervise(at=at("2026-10-12", 9))}
    assert supervised == {set_.id}
    reported = e.fire(default.id, "report_feedback", actor=VILLAGE, at=at("2026-10-12"),
                      report="已调解，正在履行")  # fmt: skip
    late = clock(reported, "assignment_feedback_target")
    assert (late.is_open, late.status) == (False, DeadlineStatus.breached)  # late, not supervised
    assert late.escalated_at is None
    assert e.verify(default.id).ok


def test_a_report_back_date_set_by_the_assigner_across_the_year_end() -> None:
    """An assignment on Mon 2026-12-28 with the report due Mon 2027-01-04 (set by the town)."""
    e = engine()
    case = _triaged(e, "qt-dm", TOWN, "2026-12-28")
    e.fire(
        case.id,
        "refer",
        actor=TOWN,
        at=at("2026-12-28", 11),
        to="qt-dm-dmc",
        reason="assigned",
        feedback_by="2027-01-04",
    )
    taken = e.fire(case.id, "take_referral", actor=VILLAGE, at=at("2026-12-29"))
    assert clock(taken, "assignment_feedback").due == day("2027-01-04")


@pytest.mark.parametrize("spec", ["memory", "sqlite"])
def test_an_assignment_taken_after_its_report_back_day_is_overdue_at_once(
    spec: str, tmp_path: Path
) -> None:
    """The town assigns a case on Wed 09-16 with the report due Wed 09-30; the village takes
    it only on 10-08. The report-back clock runs from the assignment (09-16), not from the
    take: it is overdue at once, never due before it starts. (The take used to be refused
    by the SQL store, and in memory it opened a clock due before its start.)"""
    url = None if spec == "memory" else f"sqlite:///{tmp_path / 'cases.db'}"
    e = engine() if url is None else make_engine(url, policy=Policy(org=ORG))
    case = _triaged(e, "qt-dm", TOWN, "2026-09-16")
    e.fire(case.id, "refer", actor=TOWN, at=at("2026-09-16", 11), to="qt-dm-dmc",
           reason="assigned", feedback_by="2026-09-30")  # fmt: skip
    taken = e.fire(case.id, "take_referral", actor=VILLAGE, at=at("2026-10-08", 9))
    report = clock(taken, "assignment_feedback")
    assert (report.start, report.due) == (day("2026-09-16"), day("2026-09-30"))
    assert all(d.start <= d.due for d in taken.deadlines)
    assert report.is_open
    assert {ev.case_id for ev in e.supervise(at=at("2026-10-08", 10))} == {case.id}
    assert e.verify(case.id).ok
    on_time = _triaged(e, "qt-dm", TOWN, "2026-09-16")
    e.fire(on_time.id, "refer", actor=TOWN, at=at("2026-09-16", 11), to="qt-dm-dmc",
           reason="assigned", feedback_by="2026-09-30")  # fmt: skip
    in_time = e.fire(on_time.id, "take_referral", actor=VILLAGE, at=at("2026-09-17", 9))
    assert clock(in_time, "assignment_feedback").start == day("2026-09-17")  # as before
    e.close()


# -- across ------------------------------------------------------------------------------


def test_transfer_across_to_a_sibling_or_the_industry_committee_only() -> None:
    """转办: to a sibling village of the same town; to the medical committee for a medical
    matter; not to a village of another town."""
    e = engine()
    case = _triaged(e)
    sent = e.fire(
        case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-dm-xc", reason="territorial"
    )
    assert sent.details.referrals[-1].direction.value == "across"  # type: ignore[union-attr]
    other = _triaged(e)
    with pytest.raises(ValidationError):
        e.fire(
            other.id,
            "refer",
            actor=VILLAGE,
            at=at("2026-03-03"),
            to="qt-hx-v",
            reason="territorial",
        )
    medical = _triaged(e, category="medical")
    # the village sits below the county centre, the 医调委 at the county: for a village this is
    # not across but up two levels; from the town it is across to the industry committee.
    town_case = _triaged(e, "qt-dm", TOWN, category="medical")
    sent = e.fire(
        town_case.id, "refer", actor=TOWN, at=at("2026-03-03"), to="qt-yt", reason="specialised"
    )
    assert sent.unit == "qt-yt"
    assert medical.unit == "qt-dm-dmc"


# -- return --------------------------------------------------------------------------------


def test_the_receiver_returns_a_referral_with_reasons_and_the_sender_resumes() -> None:
    """The town returns a case it finds within the village's competence: unit, level and
    state are restored; the return reason is recorded."""
    e = engine()
    case = _mediating(e)
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-dm", reason="complex")
    back = e.fire(
        case.id, "return_referral", actor=TOWN, at=at("2026-03-04"), reason="属本村调解范围"
    )
    assert (back.state, back.unit, back.level) == ("mediating", "qt-dm-dmc", "village")
    ref = back.details.referrals[-1]  # type: ignore[union-attr]
    assert (ref.outcome, ref.return_reason) == ("returned", "属本村调解范围")
    assert any(d.is_open for d in back.deadlines)


def test_a_returned_referral_runs_the_sender_s_period_on_from_its_start() -> None:
    """A labour dispute the village received Mon 2026-03-02 has 15 days from that receipt
    (《劳动争议调解仲裁法》第十四条第三款) → Tue 03-17. Referred up 03-05 and returned 03-09,
    the village's mediation resumes on the same period, still due 03-17 — not 15 days from
    the return (dispute v4)."""
    e = engine()
    case = _mediating(e, category="labour", details={"received_on": "2026-03-02"})
    assert clock(case, "labour_mediation").due == day("2026-03-17")
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-05"), to="qt-dm", reason="complex")
    back = e.fire(case.id, "return_referral", actor=TOWN, at=at("2026-03-09"),
                  reason="属本村调解范围")  # fmt: skip
    [resumed] = clocks(back, "labour_mediation")  # the same clock, run on: counted once
    assert (resumed.status, resumed.start, resumed.due) == (
        DeadlineStatus.running,
        day("2026-03-02"),
        day("2026-03-17"),
    )


def test_a_suspended_mediation_referred_and_returned_keeps_its_appraisal_time() -> None:
    """医疗条例 第三十八条: 30 working days from acceptance (Mon 2026-03-02), appraisal time
    excluded. Suspended for an appraisal on 03-04, referred up on 03-10 and returned on 03-12,
    resumed on 04-20: due Mon 06-01, as without the referral — the time away is not counted,
    and the returned clock is the same clock run on, not a second one."""

    def medical(e):  # type: ignore[no-untyped-def]
        case = register(e, "qt-dm-dmc", at("2026-03-02"), category="medical")
        e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-03-02", 10), track="people")
        e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-03-02", 11), other_side_consents=True)
        e.fire(case.id, "inform_rights", actor=VILLAGE, at=at("2026-03-02", 12))
        e.fire(case.id, "start_mediation", actor=VILLAGE, at=at("2026-03-03"), mediators=["m"])
        e.fire(case.id, "suspend", actor=VILLAGE, at=at("2026-03-04"), reason="appraisal")
        return case

    control = engine()
    plain = medical(control)
    plain = control.fire(plain.id, "resume", actor=VILLAGE, at=at("2026-04-20"))
    e = engine()
    case = medical(e)
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-10"), to="qt-dm", reason="complex")
    back = e.fire(case.id, "return_referral", actor=TOWN, at=at("2026-03-12"), reason="退回")
    assert back.state == "suspended"
    [period] = clocks(back, "medical_people_mediation")
    assert period.status is DeadlineStatus.paused
    resumed = e.fire(case.id, "resume", actor=VILLAGE, at=at("2026-04-20"))
    assert clock(resumed, "medical_people_mediation").due == day("2026-06-01")
    assert clock(plain, "medical_people_mediation").due == day("2026-06-01")
    assert e.verify(case.id).ok


def test_an_assignment_returned_by_the_village_goes_back_to_the_town() -> None:
    """A 交办 the village cannot handle is returned (with reasons) to the town that assigned it:
    the village clerk may send it back up although the town is outside the village's scope."""
    e = engine()
    case = _triaged(e, "qt-dm", TOWN, "2026-03-09")
    e.fire(
        case.id, "refer", actor=TOWN, at=at("2026-03-09", 11), to="qt-dm-dmc", reason="territorial"
    )
    back = e.fire(
        case.id, "return_referral", actor=VILLAGE, at=at("2026-03-10"), reason="当事人均不在本村"
    )
    assert (back.state, back.unit, back.level) == ("triaged", "qt-dm", "town")
    assert not clocks(back, "assignment_feedback")


# -- the 331 ladder ------------------------------------------------------------------------


def _fail_round(e, case_id, who, when):  # type: ignore[no-untyped-def]
    e.fire(
        case_id, "terminate", actor=who, at=at(when, 15), reason="调解不成", remedies_informed=True
    )


def _again(e, case_id, who, when):  # type: ignore[no-untyped-def]
    e.fire(case_id, "start_callback", actor=who, at=at(when, 9))
    e.fire(case_id, "reopen", actor=who, at=at(when, 10), reason="当事人同意再次调解", consent=True)


def test_the_331_ladder_three_at_village_three_at_town_one_at_county_then_court() -> None:
    """江阴 "331" as policy data: ``mediation_failed`` sends a case up only after three
    attempts at the village and three at the town; after one at the county it is not
    referred further (the parties are told to sue, 《人民调解法》第二十六条)."""
    ladder = ReferralPolicy(ladder=(("village", 3), ("town", 3), ("county", 1)))
    e = engine(Policy(org=ORG, parts=[ladder]))
    case = _mediating(e)
    up = {"to": "qt-dm", "reason": "mediation_failed"}
    # village: rounds on 03-03, 03-04, 03-05 (each ended, then reopened the next morning)
    for n, (end, again) in enumerate(
        (("2026-03-03", "2026-03-04"), ("2026-03-04", "2026-03-05"), ("2026-03-05", None)),
        start=1,
    ):
        _fail_round(e, case.id, VILLAGE, end)
        if again is not None:
            with pytest.raises(RuleRejectedError) as err:
                e.fire(case.id, "refer", actor=VILLAGE, at=at(end, 16), **up)
            assert f"已调解{n}次" in err.value.reason
            _again(e, case.id, VILLAGE, again)
    sent = e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-05", 16), **up)
    assert sent.unit == "qt-dm"
    e.fire(case.id, "take_referral", actor=TOWN, at=at("2026-03-06"))
    e.fire(case.id, "inform_rights", actor=TOWN, at=at("2026-03-06", 9, 30))
    e.fire(case.id, "start_mediation", actor=TOWN, at=at("2026-03-09"), mediators=["m"])
    for end, again in (("2026-03-09", "2026-03-10"), ("2026-03-10", "2026-03-11")):
        _fail_round(e, case.id, TOWN, end)
        _again(e, case.id, TOWN, again)
    _fail_round(e, case.id, TOWN, "2026-03-11")
    sent = e.fire(
        case.id, "refer", actor=TOWN, at=at("2026-03-11", 16), to="qt", reason="mediation_failed"
    )
    assert sent.unit == "qt"
    e.fire(case.id, "take_referral", actor=COUNTY, at=at("2026-03-12"))
    e.fire(case.id, "inform_rights", actor=COUNTY, at=at("2026-03-12", 9, 30))
    e.fire(case.id, "start_mediation", actor=COUNTY, at=at("2026-03-13"), mediators=["m"])
    _fail_round(e, case.id, COUNTY, "2026-03-13")
    attempts = e.get(case.id).details.attempts  # type: ignore[union-attr]
    assert attempts == ("village",) * 3 + ("town",) * 3 + ("county",)


def test_the_ladder_top_is_not_passed_after_its_attempts() -> None:
    """At the ladder's top (here the town: "33"), a case mediated there the ladder's times is
    not referred further for ``mediation_failed``: the parties are told to sue (第二十六条)."""
    ladder = ReferralPolicy(ladder=(("village", 1), ("town", 1)))
    e = engine(Policy(org=ORG, parts=[ladder]))
    case = _mediating(e, "qt-dm", TOWN)
    _fail_round(e, case.id, TOWN, "2026-03-03")
    with pytest.raises(RuleRejectedError) as err:
        e.fire(
            case.id,
            "refer",
            actor=TOWN,
            at=at("2026-03-03", 16),
            to="qt",
            reason="mediation_failed",
        )
    assert "诉讼" in err.value.reason


# -- level, duplicates -------------------------------------------------------------------


def test_the_level_is_always_the_owning_units() -> None:
    """``level="county"`` on a village committee's case is refused at triage; the stored
    level is the unit's from intake on."""
    e = engine()
    case = register(e, "qt-dm-dmc", at("2026-03-02"))
    assert case.level == "village"
    with pytest.raises(ValidationError) as err:
        e.fire(
            case.id,
            "triage",
            actor=VILLAGE,
            at=at("2026-03-02", 10),
            track="people",
            level="county",
        )
    assert err.value.field == "level"
    ok = e.fire(
        case.id, "triage", actor=VILLAGE, at=at("2026-03-02", 10), track="people", level="village"
    )
    assert ok.level == "village"


def test_a_duplicate_at_intake_is_shown_and_opened_only_by_the_clerks_recorded_decision() -> None:
    """Same parties (by ID), same category, an open case: the second registration is refused
    and names the open case; with ``new_case`` and a reason it opens, linked as a repeat."""
    from mediation import Place
    from mediation._demo import parties

    e = engine()
    first = register(e, "qt-dm-dmc", at("2026-03-02"))
    kw = {
        "kind": "dispute",
        "channel": "hotline",
        "category": "neighbor",
        "parties": parties(),
        "summary": "同一纠纷再次反映",
        "location": [Place("青田县")],
        "unit": "qt-dm-dmc",
        "actor": VILLAGE,
        "at": at("2026-03-03"),
    }
    with pytest.raises(RuleRejectedError) as err:
        e.intake(**kw)  # type: ignore[arg-type]
    assert first.code in err.value.reason
    with pytest.raises(ValidationError):
        e.intake(**kw, details={"duplicate_decision": "new_case"})  # type: ignore[arg-type]
    second = e.intake(
        **kw,  # type: ignore[arg-type]
        details={"duplicate_decision": "new_case", "duplicate_reason": "新发生的损害"},
    )
    assert any(lk.kind is LinkKind.repeat_of and lk.case_id == first.id for lk in second.links)
    # another category between the same parties is related, not a repeat
    third = register(e, "qt-dm-dmc", at("2026-03-04"), category="debt", details={})
    assert any(lk.kind is LinkKind.related for lk in third.links)
    assert not any(lk.kind is LinkKind.repeat_of for lk in third.links)


_ = WEST, YT


# -- properties ----------------------------------------------------------------------------


@settings(max_examples=30)
@given(
    moves=st.lists(
        st.tuples(
            st.sampled_from(["qt", "qt-dm", "qt-dm-dmc", "qt-dm-xc", "qt-hx", "qt-hx-v", "qt-yt"]),
            st.sampled_from(["complex", "major_urgent", "territorial", "assigned", "specialised"]),
            st.booleans(),
        ),
        max_size=6,
    )
)
def test_referrals_never_skip_a_level_without_a_reason_and_one_unit_owns_the_case(
    moves: list[tuple[str, str, bool]],
) -> None:
    """Random referrals, each taken or returned: a move up that skips a level has a reason
    that allows it; after every step exactly one unit owns the case and the level is its own."""
    from mediation import MediationError
    from mediation.rules.referral import DEFAULT_REASONS

    e = engine()
    case = _triaged(e)
    for n, (to, reason, take) in enumerate(moves):
        when = at("2026-03-03") + dt.timedelta(hours=n)
        source = case.unit
        who = actor(source)
        try:
            case = e.fire(case.id, "refer", actor=who, at=when, to=to, reason=reason)
        except MediationError:
            continue
        gap = ORG.rank(to) - ORG.rank(source)
        if gap > 1 and ORG.within(source, to):  # up, past a level
            assert DEFAULT_REASONS[reason].skips_levels
        assert (case.unit, case.level) == (to, ORG.level_of(to))
        decide = "take_referral" if take else "return_referral"
        data = {} if take else {"reason": "退回"}
        case = e.fire(case.id, decide, actor=actor(to), at=when + dt.timedelta(minutes=30), **data)
        assert case.unit == (to if take else source)
        assert case.level == ORG.level_of(case.unit)


def test_a_party_who_refused_is_not_mediated_again_after_a_referral() -> None:
    """A respondent refuses during mediation (《人民调解法》第二十三条): mediation ends; the
    village refers the failed case up and the town takes it back to accepted — the town
    may not start people's mediation on it again (第十七条), though the refusal does not
    stop a hand-off to another track."""
    e = engine()
    case = _mediating(e)
    e.fire(
        case.id,
        "party_refuses",
        actor=VILLAGE,
        at=at("2026-03-03"),
        party="p3",
        remedies_informed=True,
    )
    e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-04"), to="qt-dm", reason="complex")
    taken = e.fire(case.id, "take_referral", actor=TOWN, at=at("2026-03-05"))
    assert taken.state == "accepted"
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "start_mediation", actor=TOWN, at=at("2026-03-06"), mediators=["m"])
    assert "拒绝调解" in err.value.reason
    assert "第十七条" in err.value.basis
    assert e.get(case.id).state == "accepted"  # refused: nothing written
