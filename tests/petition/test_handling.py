"""Handling, opinion, 复查, 复核 and finality (《信访工作条例》第三十一至三十六条).

Every due date is computed by hand from the State Council's 2025 and 2026 holiday
notices (RULES.md §8): calendar-day petition periods exclude the start day and a
last day on a rest day rolls to the next working day (RULES.md §5.2).
"""

from __future__ import annotations

import pytest

from mediation import Case, Engine, RuleRejectedError, TransitionNotAllowedError, ValidationError
from mediation.model import DeadlineStatus
from mediation.rules.petition import Bar, Outcome, details

from .conftest import BUREAU, CITY, COUNTY, TOWN, at, due, engine, letter, visit

OPINION = {
    "request": "拆除雨棚并赔偿墙体维修费",
    "facts": "经现场核查，雨棚排水确实流入信访人院内。",
    "reasons": "相邻一方应当为另一方排水提供便利，但不得损害其合法权益。",
    "basis": "《民法典》第二百九十条、第二百九十六条",
}


def flagged_major(e: Engine) -> Case:
    """A letter the town received on 03-02 and accepted on 03-03 (handling to 05-06),
    flagged major on 03-05 without a report in the day (第二十五条)."""
    lower = accepted(e, "2026-03-02", "2026-03-03")
    return e.fire(lower.id, "flag_major", actor=TOWN, at=at("2026-03-05", 10), nature="major",
                  finding="涉及人数多")  # fmt: skip


def accepted(e: Engine, received: str = "2025-12-15", on: str = "2025-12-18") -> Case:
    """A letter received directly by the town government and accepted on ``on``."""
    case = letter(e, received, unit="qt-dm", actor=TOWN)
    return e.fire(case.id, "accept", actor=TOWN, at=at(on, 10))


def replied(e: Engine, delivered: str = "2026-03-06", outcome: str = "not_support") -> Case:
    """An accepted letter whose handling opinion the petitioner received on ``delivered``."""
    case = accepted(e)
    return e.fire(
        case.id,
        "opine",
        actor=TOWN,
        at=at(delivered, 15),
        outcome=outcome,
        delivered_on=delivered,
        **OPINION,
    )


def test_handling_period_runs_60_days_across_the_spring_festival() -> None:
    """第三十四条: 60 日 from acceptance. Accepted 2025-12-18 → day 60 is 2026-02-16, in the
    2026 Spring Festival holiday (2-15 to 2-23) → rolls to Tue 2026-02-24. The notice period
    (第二十三条第二款: 15 日 from receipt 2025-12-15 → Tue 2025-12-30) is met on acceptance."""
    e = engine()
    case = letter(e, "2025-12-15", unit="qt-dm", actor=TOWN)
    assert due(case, "petition_notice") == "2025-12-30"
    case = e.fire(case.id, "accept", actor=TOWN, at=at("2025-12-18", 10))
    assert case.state == "accepted"
    assert case.level == "town"
    assert due(case, "petition_handling") == "2026-02-24"
    notice = next(d for d in case.deadlines if d.period == "petition_notice")
    assert notice.status.value == "met"
    assert e.verify(case.id).ok


def test_the_acceptance_notice_keeps_the_period_it_told_after_an_extension() -> None:
    """第三十四条: the 受理告知书 of 2025-12-18 told 60 日, to Tue 2026-02-24. Extended by 30
    日 on 2026-02-10 (to 03-18), the notice — re-rendered for the file — still reads as it
    was issued: 60 日, to 2026-02-24; the extension is told separately, with its reason."""
    e = engine()
    case = accepted(e)
    clock = next(d for d in case.deadlines if d.period == "petition_handling")
    extended = e.fire(case.id, "extend_deadline", actor=TOWN, at=at("2026-02-10"), length=30,
                      deadline=clock.id, reason="情况复杂", approver="organ_head",
                      petitioner_notified=True)  # fmt: skip
    assert due(extended, "petition_handling") == "2026-03-18"
    text = e.render(case.id, "petition_acceptance_notice")
    assert "自受理之日起60日内办结（至2026年2月24日）" in text
    assert "2026年3月18日" not in text


def test_an_extension_after_the_period_ran_out_is_refused() -> None:
    """第三十四条 extends a period that runs; the handling period accepted 2025-12-18 ended
    Tue 2026-02-24. An extension approved on 03-02 would turn the breach into time kept
    (第四十五条 holds the organ to the period): refused, naming the clock; nothing changes."""
    e = engine()
    case = accepted(e)
    clock = next(d for d in case.deadlines if d.period == "petition_handling")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "extend_deadline", actor=TOWN, at=at("2026-03-02"), length=30,
               deadline=clock.id, reason="情况复杂", approver="organ_head",
               petitioner_notified=True)  # fmt: skip
    assert err.value.field == "deadline"
    assert "2026-02-24" in str(err.value)
    assert e.get(case.id) == before


def test_an_opinion_is_not_received_before_it_is_issued() -> None:
    """The 30 days to ask for 复查 run from receipt of the written opinion (第三十五条): a
    receipt dated before the opinion (issued 03-10) is refused, naming ``delivered_on``."""
    e = engine()
    case = accepted(e)
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "opine", actor=TOWN, at=at("2026-01-10", 10), delivered_on="2026-01-05",
               outcome="not_support", **OPINION)  # fmt: skip
    assert err.value.field == "delivered_on"
    assert e.get(case.id) == before


def test_a_receipt_after_the_issue_moves_the_petitioner_s_window() -> None:
    """第三十五条: 30 日 from receiving the written reply. Issued (and posted) Mon
    2026-03-02, received Fri 03-06: recorded that day, the window counts from it → Sun 04-05
    in 清明 (04-04 to 04-06) → Tue 04-07, and a request on 04-03 is in time. A receipt before
    the issue or after today is refused."""
    e = engine()
    case = accepted(e)
    case = e.fire(case.id, "opine", actor=TOWN, at=at("2026-03-02", 10), outcome="not_support",
                  **OPINION)  # fmt: skip
    assert due(case, "petition_review_request") == "2026-04-01"
    for wrong in ("2026-03-01", "2026-03-07"):
        with pytest.raises(ValidationError) as err:
            e.fire(case.id, "record_delivery", actor=TOWN, at=at("2026-03-06", 16),
                   received_on=wrong)  # fmt: skip
        assert err.value.field == "received_on"
    case = e.fire(case.id, "record_delivery", actor=TOWN, at=at("2026-03-06", 16),
                  received_on="2026-03-06")  # fmt: skip
    assert due(case, "petition_review_request") == "2026-04-07"
    assert details(case).opinion.delivered_on.isoformat() == "2026-03-06"  # type: ignore[union-attr]
    asked = e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-04-03", 9),
                   reason="不服处理意见")  # fmt: skip
    assert asked.state == "review_requested"
    assert e.verify(case.id).ok


def test_a_matter_being_handled_may_be_heard_and_its_period_runs_on() -> None:
    """第三十一条第六项: a major, complex or difficult matter may be heard (听证) while it is
    handled; unlike a 复核 hearing (第三十六条第二款) its time is not left out — the 60 days
    from acceptance on 2025-12-18 still end Tue 2026-02-24."""
    e = engine()
    case = accepted(e)
    heard = e.fire(case.id, "hold_hearing", actor=TOWN, at=at("2026-01-20", 9))
    assert heard.state == "hearing"
    handling = next(d for d in heard.deadlines if d.period == "petition_handling")
    assert handling.status is DeadlineStatus.running
    back = e.fire(case.id, "end_hearing", actor=TOWN, at=at("2026-01-22", 17))
    assert (back.state, details(back).hearings) == ("accepted", 1)
    assert due(back, "petition_handling") == "2026-02-24"
    e.fire(case.id, "opine", actor=TOWN, at=at("2026-02-10", 10), outcome="support", **OPINION)
    assert e.verify(case.id).ok
    # The petitioner may withdraw while a hearing is under way.
    e2 = engine()
    other = accepted(e2)
    e2.fire(other.id, "hold_hearing", actor=TOWN, at=at("2026-01-20", 9))
    gone = e2.fire(other.id, "withdraw", actor=TOWN, at=at("2026-01-21"), reason="已和解")
    assert gone.state == "withdrawn"
    assert not any(d.is_open for d in gone.deadlines)


def test_outside_its_competence_the_organ_tells_the_petitioner_where_to_go() -> None:
    """第二十三条第一款: an organ refusing a matter outside its competence tells the petitioner
    which organ to take it to; without that, the refusal is refused, naming ``guide_to``."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "not_accept", actor=TOWN, at=at("2026-03-03"), reason="不属本镇职权")
    assert err.value.field == "guide_to"
    done = e.fire(case.id, "not_accept", actor=TOWN, at=at("2026-03-03"), reason="不属本镇职权",
                  guide_to="青田县住房和城乡建设局")  # fmt: skip
    assert done.state == "not_accepted"
    assert "青田县住房和城乡建设局" in e.render(case.id, "petition_non_acceptance_notice")


def test_extension_needs_the_heads_approval_at_most_30_days_and_telling_the_petitioner() -> None:
    """第三十四条: +≤30 日 with the organ head's approval, the petitioner told why. From
    2025-12-18, 90 days end Wed 2026-03-18."""
    e = engine()
    case = accepted(e)
    clock = next(d for d in case.deadlines if d.period == "petition_handling")
    ask = {"deadline": clock.id, "reason": "需要现场勘验", "approver": "organ_head"}
    with pytest.raises(RuleRejectedError, match="告知信访人") as err:
        e.fire(case.id, "extend_deadline", actor=TOWN, at=at("2026-02-10"), length=30, **ask)
    assert "第三十四条" in err.value.basis
    with pytest.raises(ValidationError) as bad:
        e.fire(
            case.id,
            "extend_deadline",
            actor=TOWN,
            at=at("2026-02-10"),
            length=31,
            petitioner_notified=True,
            **ask,
        )
    assert bad.value.field == "length"
    with pytest.raises(ValidationError) as who:
        e.fire(
            case.id,
            "extend_deadline",
            actor=TOWN,
            at=at("2026-02-10"),
            length=30,
            petitioner_notified=True,
            **{**ask, "approver": "court_president"},
        )
    assert who.value.field == "approver"
    case = e.fire(
        case.id,
        "extend_deadline",
        actor=TOWN,
        at=at("2026-02-10"),
        length=30,
        petitioner_notified=True,
        **ask,
    )
    assert due(case, "petition_handling") == "2026-03-18"
    assert e.verify(case.id).ok


def test_the_opinion_is_coded_and_starts_the_petitioners_own_review_period() -> None:
    """第三十二条: 支持 / 解释说明 / 不予支持, not free text; 第三十五条: 30 日 from receipt of the
    written reply, the petitioner's period (never the organ's breach). Received Fri 2026-03-06
    → day 30 is Sun 2026-04-05, in 清明 (4-4 to 4-6) → Tue 2026-04-07."""
    e = engine()
    case = accepted(e)
    with pytest.raises(ValidationError) as bad:
        e.fire(case.id, "opine", actor=TOWN, at=at("2026-03-06"), outcome="maybe", **OPINION)
    assert bad.value.field == "outcome"
    case = e.fire(
        case.id,
        "opine",
        actor=TOWN,
        at=at("2026-03-06", 15),
        outcome="explain",
        delivered_on="2026-03-06",
        **OPINION,
    )
    assert case.state == "replied"
    opinion = details(case).opinion
    assert opinion is not None
    assert opinion.outcome is Outcome.explain
    window = next(d for d in case.deadlines if d.is_open)
    assert (window.period, window.due.isoformat(), window.kind.value) == (
        "petition_review_request",
        "2026-04-07",
        "party",
    )
    # the petitioner's period is not the unit's: never due for supervision
    assert all(i.case_id != case.id for i in e.due(at=at("2026-05-01")))
    assert e.verify(case.id).ok


def test_review_outside_its_window_is_refused_citing_article_35() -> None:
    """第三十五条: a 复查 request on 2026-04-08 (the window ended 2026-04-07) is refused."""
    e = engine()
    case = replied(e)
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-04-08", 9), reason="不服")
    assert "第三十五条" in err.value.basis
    assert "2026-04-07" in err.value.reason
    assert "late_reason" in err.value.reason  # the way to state a good reason
    assert e.get(case.id).state == "replied"
    # after the window the organ concludes; the petitioner's period lapsed, not breached
    case = e.fire(case.id, "conclude", actor=TOWN, at=at("2026-04-08", 10))
    assert case.state == "concluded"
    window = next(d for d in case.deadlines if d.period == "petition_review_request")
    assert window.status.value == "lapsed"
    assert e.verify(case.id).ok


def test_a_late_review_request_with_a_good_reason_is_taken() -> None:
    """国家信访局 2014 逐级走访办法 (RULES.md §4.1): a review request after the 30 days is not
    accepted only if late "without good reason". The window ended 2026-04-07; on 04-14 the
    petitioner, in hospital until 04-12, asks for 复查 stating why: the request goes to the
    county, the reason on record; the petitioner's own period closes lapsed."""
    e = engine()
    case = replied(e)
    requested = e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-04-14", 9),
                       reason="不服处理意见", late_reason="4月1日至12日住院治疗，附病历")  # fmt: skip
    assert requested.state == "review_requested"
    window = next(d for d in requested.deadlines if d.period == "petition_review_request")
    assert window.status.value == "lapsed"
    review = e.get(requested.links[-1].case_id)
    assert details(review).stage.value == "review"
    assert e.verify(review.id).ok


def test_conclude_waits_for_the_review_window_unless_the_petitioner_accepts() -> None:
    """第三十五条: the petitioner's 30 days are not cut short; accepting the reply ends them."""
    e = engine()
    case = replied(e)
    with pytest.raises(RuleRejectedError, match="2026-04-07"):
        e.fire(case.id, "conclude", actor=TOWN, at=at("2026-03-10"))
    case = e.fire(case.id, "conclude", actor=TOWN, at=at("2026-03-10"), satisfied=True)
    window = next(d for d in case.deadlines if d.period == "petition_review_request")
    assert (case.state, window.status.value) == ("concluded", "cancelled")
    assert e.verify(case.id).ok


def test_review_and_rereview_go_up_the_org_and_the_rereview_ends_the_matter() -> None:
    """复查 by the superior of the town (the county government, 第三十五条), decided within 30
    日 of the request: received Fri 2026-04-03 → day 30 Sun 2026-05-03 in 劳动节 (5-1 to 5-5)
    → Wed 2026-05-06. 复核 by the city (第三十六条): requested Mon 2026-06-01 → 30 日 Wed
    2026-07-01; a hearing 6-10 → 6-15 does not count (5 days) → Mon 2026-07-06. After 复核 the
    same facts and reasons are not accepted again (第三十六条第三款), the earlier case named."""
    e = engine()
    case = replied(e, delivered="2026-03-20")
    case = e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-04-03", 9), reason="不服")
    assert case.state == "review_requested"
    review = e.get(case.links[-1].case_id)
    assert (review.unit, review.level, review.state) == ("qt", "county", "registered")
    assert details(review).stage.value == "review"
    assert details(review).prior is not None
    assert due(review, "petition_review_opinion") == "2026-05-06"
    with pytest.raises(RuleRejectedError, match="无须受理"):
        e.fire(review.id, "accept", actor=COUNTY, at=at("2026-04-10"))
    # The reviewer answers itself: it does not send the request back down to the town.
    before = e.get(review.id)
    with pytest.raises(RuleRejectedError, match="第三十五条、第三十六条") as refused:
        e.fire(review.id, "route", actor=COUNTY, at=at("2026-04-10"), to="qt-dm", told=True)
    assert "不转送、交办" in refused.value.reason
    assert e.get(review.id) == before
    review = e.fire(
        review.id,
        "opine",
        actor=COUNTY,
        at=at("2026-05-06", 9),
        outcome="not_support",
        delivered_on="2026-05-06",
        **OPINION,
    )
    # received 2026-05-06 → day 30 is Fri 2026-06-05
    assert due(review, "petition_rereview_request") == "2026-06-05"
    review = e.fire(review.id, "request_review", actor=CITY, at=at("2026-06-01", 9), reason="不服")
    rereview = e.get(review.links[-1].case_id)
    assert (rereview.unit, rereview.level) == ("ls", "city")
    assert due(rereview, "petition_rereview_opinion") == "2026-07-01"
    rereview = e.fire(rereview.id, "hold_hearing", actor=CITY, at=at("2026-06-10", 9))
    assert rereview.state == "hearing"
    rereview = e.fire(rereview.id, "end_hearing", actor=CITY, at=at("2026-06-15", 17))
    assert due(rereview, "petition_rereview_opinion") == "2026-07-06"
    rereview = e.fire(
        rereview.id,
        "opine",
        actor=CITY,
        at=at("2026-07-03", 9),
        outcome="not_support",
        **OPINION,
    )
    assert rereview.state == "final"
    assert not rereview.open_deadlines
    # No 复核 of a 复核 (第三十六条第三款); the review's own request was taken up already.
    for ended, article, words in (
        (rereview, "第三十六条第三款", "不再复查、复核"),
        (review, "第三十五条", "由复查（复核）机关在其案件中办理"),
    ):
        before = e.get(ended.id)
        with pytest.raises(TransitionNotAllowedError) as no_more:
            e.fire(ended.id, "request_review", actor=CITY, at=at("2026-07-10", 9), reason="不服")
        assert article in no_more.value.basis
        assert words in str(no_more.value)
        assert e.get(ended.id) == before
    again = letter(e, "2026-08-03", unit="qt-dm", actor=TOWN)
    found = details(again)
    assert (found.bar, found.bar_code) == (Bar.final, rereview.code)
    with pytest.raises(RuleRejectedError) as err:
        e.fire(again.id, "accept", actor=TOWN, at=at("2026-08-03", 10))
    assert "第三十六条第三款" in err.value.basis
    assert rereview.code in err.value.reason
    again = e.fire(again.id, "not_accept", actor=TOWN, at=at("2026-08-03", 11))
    assert again.state == "not_accepted"
    assert rereview.code in (again.outcome or "")
    notice = e.render(again.id, "petition_non_acceptance_notice")
    assert isinstance(notice, str)
    assert notice.count(rereview.code) == 1
    assert "第三十六条第三款" in notice
    for cid in (case.id, review.id, rereview.id, again.id):
        assert e.verify(cid).ok


def test_only_a_rereview_hearing_stops_the_clock() -> None:
    """第三十六条第二款: hearing time is excluded from 复核 only."""
    e = engine()
    case = replied(e, delivered="2026-03-20")
    case = e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-04-03"), reason="不服")
    review = e.get(case.links[-1].case_id)
    with pytest.raises(RuleRejectedError, match="复核"):
        e.fire(review.id, "hold_hearing", actor=COUNTY, at=at("2026-04-10"))


def test_review_of_a_department_goes_to_its_line_superior_or_the_county_government() -> None:
    """第三十五条: 上一级行政机关 (the city bureau, 条) by default, or 本级人民政府 (块) if asked;
    any other reviewer is refused."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-zjj", actor=COUNTY)
    case = e.fire(case.id, "accept", actor=COUNTY, at=at("2026-03-03"))
    case = e.fire(case.id, "opine", actor=COUNTY, at=at("2026-03-20"), outcome="support", **OPINION)
    with pytest.raises(ValidationError) as bad:
        e.fire(
            case.id,
            "request_review",
            actor=COUNTY,
            at=at("2026-03-25"),
            reason="不服",
            reviewer="qt-dm",
        )
    assert bad.value.field == "reviewer"
    line = e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-03-25"), reason="不服")
    assert e.get(line.links[-1].case_id).unit == "ls-zjj"
    other = letter(e, "2026-03-02", unit="qt-zjj", actor=COUNTY, summary="另一事项：小区电梯加装")
    other = e.fire(other.id, "accept", actor=COUNTY, at=at("2026-03-03"))
    other = e.fire(
        other.id, "opine", actor=COUNTY, at=at("2026-03-20"), outcome="support", **OPINION
    )
    other = e.fire(
        other.id, "request_review", actor=COUNTY, at=at("2026-03-25"), reason="不服", reviewer="qt"
    )
    assert e.get(other.links[-1].case_id).unit == "qt"


@pytest.mark.parametrize(
    ("route", "where", "item"),
    [
        ("litigation", "青田县人民法院", "第一项"),
        ("arbitration", "青田县劳动人事争议仲裁委员会", "第二项"),
        ("administrative", "青田县人民政府（行政复议）", "第四项"),
    ],
)
def test_litigation_arbitration_and_reconsideration_are_diverted(
    route: str, where: str, item: str
) -> None:
    """第三十一条第一至四项: out of petition handling, the petitioner told where to go;
    telling is required. 诉访分离 (第二十八条第二款) is cited for a matter of litigation rights
    (the first item) only, not for arbitration or an administrative procedure."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "divert", actor=TOWN, at=at("2026-03-03"), route=route, where=where)
    assert item in err.value.basis
    assert ("第二十八条第二款" in err.value.basis) is (item == "第一项")
    case = e.fire(
        case.id, "divert", actor=TOWN, at=at("2026-03-03"), route=route, where=where, told=True
    )
    assert case.state == "diverted"
    assert where in (case.outcome or "")
    assert not case.open_deadlines
    assert e.verify(case.id).ok
    notice = str(e.render(case.id, "petition_non_acceptance_notice"))
    assert f"第三十一条{item}" in notice
    assert ("第二十八条第二款" in notice) is (item == "第一项")


def test_a_petition_office_transfers_a_litigation_letter_and_guides_a_visitor() -> None:
    """第二十二条第二款: a letter about litigation rights reaching the county 信访局 is
    transferred to the same-level political-legal organ, not turned away with a notice; a
    visitor with one is guided to it there and then. The refusal leaves the case as it was."""
    e = engine()
    case = letter(e, "2026-02-12", summary="不服县法院民事判决，请求再审")
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError, match="转送同级政法机关") as err:
        e.fire(case.id, "divert", actor=BUREAU, at=at("2026-02-13"), route="litigation",
               where="青田县人民法院", to_unit="qt-fy", told=True)  # fmt: skip
    assert err.value.basis == "《信访工作条例》第二十二条第一款、第二款"
    assert e.get(case.id) == before
    routed = e.fire(case.id, "route", actor=BUREAU, at=at("2026-02-13"), to="qt-fy")
    assert e.get(routed.links[-1].case_id).unit == "qt-fy"
    guided = visit(e, "2026-02-12", "qt-xfj", BUREAU, summary="来访：不服县法院民事判决")
    guided = e.fire(guided.id, "divert", actor=BUREAU, at=at("2026-02-13"), route="litigation",
                    where="青田县人民法院", to_unit="qt-fy", told=True)  # fmt: skip
    assert guided.state == "diverted"


@pytest.mark.parametrize(
    "target", [{"where": "东门镇人民政府"}, {"where": "本镇", "to_unit": "qt-dm"}]
)
def test_a_duty_of_the_organ_itself_is_performed_or_answered_not_diverted(
    target: dict[str, str],
) -> None:
    """第三十一条第五项: a request that the organ investigate a violation or protect a
    person's rights, where the duty is the organ's own, is performed or answered by it —
    the petitioner is not told to take it to the organ that holds it. To the organ whose
    duty it is, the diversion goes through."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN, summary="请求镇政府依法查处违法搭建")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "divert", actor=TOWN, at=at("2026-03-03"), route="protective_duty",
               told=True, **target)  # fmt: skip
    assert err.value.field == ("to_unit" if "to_unit" in target else "where")
    assert "第三十一条第五项" in str(err.value)
    assert e.get(case.id) == before
    done = e.fire(case.id, "divert", actor=TOWN, at=at("2026-03-03"), route="protective_duty",
                  where="青田县自然资源和规划局", told=True)  # fmt: skip
    assert done.state == "diverted"


def test_a_matter_pending_below_is_not_accepted_above_and_the_lower_case_is_named() -> None:
    """第十九条第三款: accepted by the town, raised again with the county within the period →
    registered, linked, refused acceptance."""
    e = engine()
    lower = accepted(e)
    upper = letter(e, "2026-01-05", unit="qt", actor=COUNTY)
    found = details(upper)
    assert (found.bar, found.bar_code) == (Bar.pending, lower.code)
    assert [(lk.kind.value, lk.case_id) for lk in upper.links] == [("repeat_of", lower.id)]
    with pytest.raises(RuleRejectedError) as err:
        e.fire(upper.id, "accept", actor=COUNTY, at=at("2026-01-05", 10))
    assert "第十九条第三款" in err.value.basis
    assert lower.code in err.value.reason
    assert e.verify(upper.id).ok


def test_a_matter_only_registered_elsewhere_does_not_bar_the_competent_organ() -> None:
    """第十九条第三款 bars a matter "已经受理或者正在办理": the same letter sent to the county
    government (registered 03-02, not yet decided) and to the competent town (03-03) — the
    town accepts. So does it after a skip-level visit the city registered and cannot accept
    itself. A matter the petition office transferred to the town is being handled there:
    the same letter to the county is barred, the town's case named."""
    e = engine()
    letter(e, "2026-03-02", unit="qt", actor=COUNTY)
    town = letter(e, "2026-03-03", unit="qt-dm", actor=TOWN)
    assert details(town).bar is None
    assert e.fire(town.id, "accept", actor=TOWN, at=at("2026-03-03", 10)).state == "accepted"

    e = engine()
    city = visit(e, "2026-03-02", "ls", CITY, details={"competent": "qt-dm"})
    assert details(city).bar is Bar.skip_level
    town = letter(e, "2026-03-03", unit="qt-dm", actor=TOWN)
    assert details(town).bar is None

    e = engine()
    office = letter(e, "2026-03-02")
    routed = e.fire(office.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm")
    received = e.get(routed.links[0].case_id)
    assert received.state == "registered"
    upper = letter(e, "2026-03-05", unit="qt", actor=COUNTY)
    assert (details(upper).bar, details(upper).bar_code) == (Bar.pending, received.code)


def test_a_matter_left_unanswered_past_its_period_below_is_accepted_above() -> None:
    """第十九条第三款 bars it only "在规定期限内": the town accepted on 18 Dec 2025 and let
    its 60-day handling period (第三十四条) run out unanswered, so the county accepts the
    same matter raised in March — still linked as a repeat, the lower case named."""
    e = engine()
    lower = accepted(e)
    (handling,) = [d for d in lower.deadlines if d.period == "petition_handling"]
    assert handling.due_at < at("2026-03-09", 9)
    upper = letter(e, "2026-03-09", unit="qt", actor=COUNTY)
    assert details(upper).bar is None
    assert [(lk.kind.value, lk.case_id) for lk in upper.links] == [("repeat_of", lower.id)]
    related = e.related(upper.id)
    assert [(r.id, r.duty_due) for r in related] == [(lower.id, handling.due_at)]
    upper = e.fire(upper.id, "accept", actor=COUNTY, at=at("2026-03-09", 10))
    assert upper.state == "accepted"
    assert e.verify(upper.id).ok
    # on the period's last day the same letter is still barred
    other = engine()
    accepted(other)
    early = letter(other, handling.due.isoformat(), unit="qt", actor=COUNTY)
    assert details(early).bar is Bar.pending


@pytest.mark.parametrize(
    ("venue", "name"), [("qt-xfj", "青田县信访局"), ("qt-zx", "青田县社会治理中心")]
)
def test_a_skip_level_visit_may_be_guided_to_the_county_s_reception_place(
    venue: str, name: str
) -> None:
    """第二十条第一款: a visit is made at the reception place the competent organ or the one
    above it set up or designated — the county's petition bureau or its centre, not only the
    county government itself. The city's own departments remain no such place."""
    e = engine()
    case = visit(e, "2026-03-02", "ls", CITY, details={"competent": "qt-dm"})
    with pytest.raises(ValidationError) as bad:
        e.fire(case.id, "not_accept", actor=CITY, at=at("2026-03-02", 10), guide_unit="ls-zjj")
    assert bad.value.field == "guide_unit"
    case = e.fire(case.id, "not_accept", actor=CITY, at=at("2026-03-02", 10), guide_unit=venue)
    assert case.state == "not_accepted"
    refusal = details(case).refusal
    assert refusal is not None
    assert refusal.guide_to == name


def test_a_skip_level_visit_is_guided_to_the_competent_level_and_counted() -> None:
    """第二十条第一款: a visit to the city about a town's matter skips the county → not
    accepted, guided to the town or the county, flagged ``skip_level``."""
    e = engine()
    case = visit(e, "2026-03-02", "ls", CITY, details={"competent": "qt-dm"})
    assert details(case).bar is Bar.skip_level
    assert "skip_level" in case.flags
    with pytest.raises(RuleRejectedError, match="越级走访"):
        e.fire(case.id, "accept", actor=CITY, at=at("2026-03-02", 10))
    with pytest.raises(ValidationError) as bad:
        e.fire(case.id, "not_accept", actor=CITY, at=at("2026-03-02", 10), guide_unit="ls-zjj")
    assert bad.value.field == "guide_unit"
    assert "第二十条第一款" in bad.value.basis
    case = e.fire(case.id, "not_accept", actor=CITY, at=at("2026-03-02", 10), guide_unit="qt")
    assert case.state == "not_accepted"
    refusal = details(case).refusal
    assert refusal is not None
    assert refusal.guide_to == "青田县人民政府"
    # a visit to the county (one level above the town) is not skip-level
    ok = visit(e, "2026-03-03", "qt", COUNTY, details={"competent": "qt-dm"}, summary="另一事项")
    assert details(ok).bar is None
    counted = [c.id for c in e.find(workflow="petition") if "skip_level" in c.flags]
    assert counted == [case.id]
    assert e.verify(case.id).ok


def test_a_matter_answered_is_reviewed_not_petitioned_again() -> None:
    """2014 逐级走访办法: dissatisfied with an opinion → 复查, not a new petition elsewhere."""
    e = engine()
    first = replied(e)
    again = letter(e, "2026-03-20", unit="qt", actor=COUNTY)
    assert details(again).bar is Bar.answered
    assert details(again).bar_code == first.code
    with pytest.raises(RuleRejectedError, match="复查"):
        e.fire(again.id, "accept", actor=COUNTY, at=at("2026-03-20", 10))


def test_a_withdrawal_after_the_notice_period_ran_out_leaves_it_breached() -> None:
    """Registered at the town on Mon 2026-03-02: its written notice was due in 15 days
    (第二十三条第二款, Tue 03-17). Withdrawn on 03-25 (version 2): the notice period was
    already missed, and the withdrawal does not hide it — breached, not cancelled."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    owed = [d for d in case.deadlines if d.is_open and d.kind.value == "duty"]
    assert owed
    done = e.fire(case.id, "withdraw", actor=TOWN, at=at("2026-03-25"), reason="信访人撤回")
    ended = {d.id: d.status.value for d in done.deadlines}
    assert {ended[d.id] for d in owed} == {"breached"}


def test_a_lapsed_report_of_a_major_matter_does_not_end_the_handling_period() -> None:
    """第十九条第三款 counts the 条例's periods: the town accepted on 3 March (handling to
    6 May, 第三十四条) and flagged the matter major on 5 March without reporting it in the
    day. That report running out first does not lift the bar: the city, on 10 March, finds
    the matter pending below and does not accept it."""
    e = engine()
    lower = flagged_major(e)
    report = next(d for d in lower.deadlines if d.period == "petition_major_report")
    handling = next(d for d in lower.deadlines if d.period == "petition_handling")
    assert report.due_at < at("2026-03-10", 9) < handling.due_at
    upper = letter(e, "2026-03-10", unit="ls", actor=CITY)
    assert (details(upper).bar, details(upper).bar_code) == (Bar.pending, lower.code)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(upper.id, "accept", actor=CITY, at=at("2026-03-10", 11))
    assert "第十九条第三款" in refused.value.basis
    assert e.verify(upper.id).ok
