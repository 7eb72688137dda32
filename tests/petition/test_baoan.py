"""领导包案 on any case (《信访工作条例》第十八条第二款; RULES.md §7.1, §4.1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mediation import Actor, Engine, Risk, Role, RuleRejectedError, ValidationError
from mediation.rules.baoan import Baoan, BaoanPolicy, DutyKind, Leader
from mediation.rules.baoan_reception import reception_days
from mediation.rules.org import OrgTree
from mediation.rules.petition import details

from .conftest import (
    BUREAU,
    COUNTY,
    COUNTY_LEADER,
    LEADERS,
    MEDIATOR,
    OPINION_DATA,
    TOWN,
    TOWN_LEADER,
    WX,
    at,
    dispute,
    due,
    engine,
    letter,
    mediate,
    petitioners,
    visit,
)

PLAN: dict[str, Any] = {
    "officer": "东门镇信访办主任李华",
    "team": ["镇司法所", "村两委", "镇派出所"],
    "plan": "现场核查排水情况，组织双方协商，必要时依法处理。",
    "timetable": [
        {"due": "2026-03-20", "task": "现场核查"},
        {"due": "2026-04-30", "task": "化解到位"},
    ],
}


def baoan(case_overlays: Any) -> Baoan:
    found = case_overlays.get("baoan")
    assert isinstance(found, Baoan)
    return found


def repeat_petition(e: Engine) -> str:
    """A repeat petition at the town (a 包案 candidate: town leader, reason repeat)."""
    first = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    e.fire(
        first.id,
        "not_accept",
        actor=TOWN,
        at=at("2026-03-02", 10),
        reason="不属本镇职权",
        guide_to="青田县人民政府",
    )
    return letter(e, "2026-03-09", unit="qt-dm", actor=TOWN).id


def test_a_candidate_goes_to_a_leader_of_the_right_level_with_team_plan_and_timetable() -> None:
    """一个问题、一名领导、一套班子、一个方案、一抓到底: a repeat petition at the town goes to a
    town leader of that town; a collective one is the county's hardest (a county leader)."""
    e = engine()
    cid = repeat_petition(e)
    with pytest.raises(ValidationError) as wrong_town:
        e.fire(
            cid, "baoan_assign", actor=COUNTY_LEADER, at=at("2026-03-10"), leader="ld-wx", **PLAN
        )
    assert wrong_town.value.field == "leader"
    with pytest.raises(ValidationError, match="不在包案领导名册"):
        e.fire(cid, "baoan_assign", actor=COUNTY_LEADER, at=at("2026-03-10"), leader="x", **PLAN)
    case = e.fire(
        cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-10"), leader="ld-town", **PLAN
    )
    found = baoan(case.overlays)
    assert (found.leader, found.leader_name, found.level) == ("ld-town", "东门镇镇长吴强", "town")
    assert [r.value for r in found.reasons] == ["repeat"]
    assert found.team == ("镇司法所", "村两委", "镇派出所")
    assert due(case, "baoan_timetable") == "2026-04-30"
    assert due(case, "baoan_reminder") == "2026-03-25"  # every 15 days by default
    with pytest.raises(RuleRejectedError, match="已由"):
        e.fire(
            cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-11"), leader="ld-town", **PLAN
        )
    hard = visit(
        e,
        "2026-03-02",
        "qt-dm",
        TOWN,
        summary="集体反映：征地补偿款未发放",
        details={"collective": True, "people": 12},
    )
    with pytest.raises(ValidationError, match="县"):
        e.fire(
            hard.id,
            "baoan_assign",
            actor=TOWN_LEADER,
            at=at("2026-03-10"),
            leader="ld-town",
            **PLAN,
        )
    hard = e.fire(
        hard.id,
        "baoan_assign",
        actor=COUNTY_LEADER,
        at=at("2026-03-10"),
        leader="ld-county",
        **PLAN,
    )
    assert baoan(hard.overlays).level == "county"
    assert e.verify(cid).ok
    assert e.verify(hard.id).ok


def test_a_case_outside_the_selection_needs_a_stated_reason() -> None:
    """The policy selects; any other case needs the reason written down."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    with pytest.raises(RuleRejectedError, match="选案范围") as err:
        e.fire(
            case.id,
            "baoan_assign",
            actor=TOWN_LEADER,
            at=at("2026-03-03"),
            leader="ld-town",
            **PLAN,
        )
    assert "第十八条第二款" in err.value.basis
    case = e.fire(
        case.id,
        "baoan_assign",
        actor=TOWN_LEADER,
        at=at("2026-03-03"),
        leader="ld-town",
        reason="群众反映强烈",
        **PLAN,
    )
    assert baoan(case.overlays).reasons == ()


def test_a_transferred_matter_stays_collective_and_high_risk_and_so_a_candidate() -> None:
    """The matter the bureau routes is the same matter at the town (第二十二条第一款): a
    collective visit — 30 people, 5 representatives (第二十条第三款) — stays collective, and
    a high-risk letter stays high-risk; both stay 包案 candidates (RULES.md §7.1), and the
    county leader the policy names for a collective matter takes it without stating a
    reason."""
    e = engine()
    high = letter(e, "2026-02-05", risk="high")
    high = e.fire(high.id, "route", actor=BUREAU, at=at("2026-02-06", 10), to="qt-dm")
    town = e.get(high.links[-1].case_id)
    assert town.risk is Risk.high
    assert "baoan_candidate" in town.flags
    crowd = visit(e, "2026-02-05", "qt-xfj", BUREAU, parties=petitioners(5),
                  details={"people": 30})  # fmt: skip
    head = Actor("zx-head", {Role.director.value, Role.clerk.value}, "qt", "中心主任")
    e.fire(crowd.id, "onestop_permit", actor=head, at=at("2026-02-06", 9), to="qt-dm",
           reason="on_site")  # fmt: skip
    crowd = e.fire(crowd.id, "route", actor=BUREAU, at=at("2026-02-06", 10), to="qt-dm")
    there = e.get(crowd.links[-1].case_id)
    assert (details(there).collective, details(there).people) == (True, 30)
    assert {"collective", "baoan_candidate"} <= set(there.flags)
    taken = e.fire(there.id, "baoan_assign", actor=COUNTY_LEADER, at=at("2026-02-09"),
                   leader="ld-county", **PLAN)  # fmt: skip
    assert baoan(taken.overlays).reasons
    for cid in (high.id, town.id, crowd.id, there.id):
        assert e.verify(cid).ok


def test_duties_are_recorded_and_reminders_follow_the_cadence() -> None:
    """接访、下访、约谈、督办、帮扶 as they happen; a reminder each cadence (PRACTICE)."""
    e = engine(BaoanPolicy(roster=LEADERS, remind_days=7))
    cid = repeat_petition(e)
    e.fire(cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-10"), leader="ld-town", **PLAN)
    with pytest.raises(RuleRejectedError, match="未到提醒时间"):
        e.fire(cid, "baoan_remind", actor=TOWN_LEADER, at=at("2026-03-16"))
    case = e.fire(cid, "baoan_remind", actor=TOWN_LEADER, at=at("2026-03-17"))
    assert baoan(case.overlays).reminders == 1
    assert due(case, "baoan_reminder") == "2026-03-24"
    for kind, day in (
        ("visit", "2026-03-18"),
        ("interview", "2026-03-19"),
        ("assist", "2026-03-20"),
    ):
        case = e.fire(cid, "baoan_duty", actor=TOWN_LEADER, at=at(day), kind=kind, note=kind)
    duties = baoan(case.overlays).duties
    assert [d.kind for d in duties] == [DutyKind.visit, DutyKind.interview, DutyKind.assist]
    assert due(case, "baoan_reminder") == "2026-03-27"  # the cadence restarts from the last duty
    assert e.verify(cid).ok


def test_the_scanner_sends_each_reminder_when_the_cadence_falls_due() -> None:
    """``run_scheduled`` takes ``baoan_remind`` on the reminder's day, once, as the system;
    the next one a cadence later; none once the leader has signed off (PRACTICE)."""
    e = engine(BaoanPolicy(roster=LEADERS, remind_days=7))
    cid = repeat_petition(e)
    e.fire(cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-10"), leader="ld-town", **PLAN)
    assert e.run_scheduled(at=at("2026-03-16", 20)) == []
    events = e.run_scheduled(at=at("2026-03-17", 8))
    assert [(ev.case_id, ev.trigger) for ev in events] == [(cid, "baoan_remind")]
    assert e.run_scheduled(at=at("2026-03-17", 9)) == []
    case = e.get(cid)
    assert baoan(case.overlays).reminders == 1
    assert due(case, "baoan_reminder") == "2026-03-24"
    assert [ev.trigger for ev in e.run_scheduled(at=at("2026-03-25"))] == ["baoan_remind"]
    e.fire(cid, "baoan_sign_off", actor=TOWN_LEADER, at=at("2026-03-26"), result="已化解")
    assert e.run_scheduled(at=at("2026-04-30")) == []
    assert baoan(e.get(cid).overlays).reminders == 2
    assert e.verify(cid).ok


def test_a_case_under_baoan_closes_only_after_the_leaders_own_sign_off() -> None:
    """签字销号: closing without it is refused, the sign-off is the leader's own."""
    e = engine()
    cid = repeat_petition(e)
    e.fire(cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-10"), leader="ld-town", **PLAN)
    e.fire(cid, "accept", actor=TOWN, at=at("2026-03-10", 11))
    e.fire(cid, "opine", actor=TOWN, at=at("2026-03-20"), **OPINION_DATA)
    with pytest.raises(RuleRejectedError, match="签字销号") as err:
        e.fire(cid, "conclude", actor=TOWN, at=at("2026-03-21"), satisfied=True)
    assert "第十八条第二款" in err.value.basis
    assert e.get(cid).state == "replied"
    other_leader = Actor("ld-county", {Role.leader.value}, "qt", "周明")
    with pytest.raises(RuleRejectedError, match="本人"):
        e.fire(cid, "baoan_sign_off", actor=other_leader, at=at("2026-03-21"), result="已化解")
    case = e.fire(cid, "baoan_sign_off", actor=TOWN_LEADER, at=at("2026-03-21"), result="已化解")
    found = baoan(case.overlays)
    assert found.signed_off is not None
    assert {d.period: d.status.value for d in case.deadlines if d.period.startswith("baoan")} == {
        "baoan_timetable": "met",
        "baoan_reminder": "met",
    }
    case = e.fire(cid, "conclude", actor=TOWN, at=at("2026-03-21", 10), satisfied=True)
    assert case.state == "concluded"
    assert e.verify(cid).ok


def test_a_leader_who_moves_post_hands_the_case_to_one_who_may_take_it() -> None:
    """一名领导、一抓到底: the town's mayor in charge moves post on 03-15; the case passes to
    the county secretary (a county leader may lead a town's case, over its territory), with
    why, keeping the plan, the team and the timetable; the reminders go to the new leader
    from that day. Refused, the case left as it was: a leader of another town, one not on
    the roster, the leader already in charge, no reason, and a hand-over after the
    sign-off. The sign-off is then the new leader's own."""
    e = engine()
    cid = repeat_petition(e)
    e.fire(cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-10"), leader="ld-town", **PLAN)
    before = e.get(cid)
    when = at("2026-03-15")
    for leader, field in (("ld-wx", "leader"), ("x", "leader"), ("ld-town", "leader")):
        with pytest.raises(ValidationError) as err:
            e.fire(cid, "baoan_handover", actor=COUNTY_LEADER, at=when, leader=leader,
                   reason="原包案领导职务变动")  # fmt: skip
        assert err.value.field == field
    with pytest.raises(ValidationError) as err:
        e.fire(cid, "baoan_handover", actor=COUNTY_LEADER, at=when, leader="ld-county", reason=" ")
    assert err.value.field == "reason"
    assert e.get(cid) == before
    case = e.fire(cid, "baoan_handover", actor=COUNTY_LEADER, at=when, leader="ld-county",
                  reason="原包案领导职务变动")  # fmt: skip
    found = baoan(case.overlays)
    assert (found.leader, found.leader_name, found.level) == ("ld-county", "县委书记周明", "county")
    assert [(h.from_leader, h.from_name, h.reason) for h in found.handovers] == [
        ("ld-town", "东门镇镇长吴强", "原包案领导职务变动")
    ]
    assert (found.plan, found.team, found.timetable) == (
        baoan(before.overlays).plan,
        baoan(before.overlays).team,
        baoan(before.overlays).timetable,
    )
    assert due(case, "baoan_timetable") == "2026-04-30"
    assert due(case, "baoan_reminder") == "2026-03-30"
    e.fire(cid, "accept", actor=TOWN, at=at("2026-03-16", 11))
    e.fire(cid, "opine", actor=TOWN, at=at("2026-03-20"), **OPINION_DATA)
    with pytest.raises(RuleRejectedError, match="本人"):
        e.fire(cid, "baoan_sign_off", actor=TOWN_LEADER, at=at("2026-03-21"), result="已化解")
    e.fire(cid, "baoan_sign_off", actor=COUNTY_LEADER, at=at("2026-03-21"), result="已化解")
    for fmt in ("text", "html"):
        sheet = str(e.render(cid, "baoan_sign_off", format=fmt))
        assert (
            "包案领导调整：2026年3月15日由东门镇镇长吴强调整（原包案领导职务变动）"
            in sheet.replace('<th>包案领导调整</th><td colspan="3">', "包案领导调整：")
        )
        assert "县委书记周明" in sheet
    with pytest.raises(RuleRejectedError, match="签字销号"):
        e.fire(cid, "baoan_handover", actor=COUNTY_LEADER, at=at("2026-03-21", 10),
               leader="ld-town", reason="再次调整")  # fmt: skip
    assert e.fire(cid, "conclude", actor=TOWN, at=at("2026-03-21", 11), satisfied=True).state == (
        "concluded"
    )
    assert e.verify(cid).ok


def test_the_sign_off_does_not_hold_up_what_the_law_or_the_petitioner_ends() -> None:
    """签字销号 is practice (RULES.md §7.1): it waits before the organ concludes a matter, not
    before the petitioner withdraws, nor before 诉访分离 (《信访工作条例》第二十八条第二款);
    a locality may turn it off."""
    e = engine()
    cid = repeat_petition(e)
    e.fire(cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-10"), leader="ld-town", **PLAN)
    e.fire(cid, "accept", actor=TOWN, at=at("2026-03-10", 11))
    assert e.fire(cid, "withdraw", actor=TOWN, at=at("2026-03-12"), reason="信访人撤回").state == (
        "withdrawn"
    )
    e = engine()
    cid = repeat_petition(e)
    e.fire(cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-10"), leader="ld-town", **PLAN)
    e.fire(cid, "accept", actor=TOWN, at=at("2026-03-10", 11))
    diverted = e.fire(
        cid,
        "divert",
        actor=TOWN,
        at=at("2026-03-12"),
        route="litigation",
        where="青田县人民法院",
        told=True,
    )
    assert diverted.state == "diverted"
    assert e.verify(cid).ok

    e = engine(BaoanPolicy(roster=LEADERS, sign_off_required=False))
    cid = repeat_petition(e)
    e.fire(cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-10"), leader="ld-town", **PLAN)
    e.fire(cid, "accept", actor=TOWN, at=at("2026-03-10", 11))
    e.fire(cid, "opine", actor=TOWN, at=at("2026-03-20"), **OPINION_DATA)
    case = e.fire(cid, "conclude", actor=TOWN, at=at("2026-03-21"), satisfied=True)
    assert case.state == "concluded"


def test_the_assignment_survives_transfer_and_review_and_is_signed_where_it_ends() -> None:
    """The 包案 overlay goes with the case through 转送 and 复查; the office's and the first
    organ's cases close (handed on), the reviewing organ's needs the sign-off."""
    e = engine()
    case = letter(e, "2026-03-02", risk="high")
    case = e.fire(
        case.id,
        "baoan_assign",
        actor=COUNTY_LEADER,
        at=at("2026-03-02", 10),
        leader="ld-county",
        **PLAN,
    )
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm")
    assert case.state == "transferred"
    town_id = case.links[0].case_id
    assert baoan(e.get(town_id).overlays).leader == "ld-county"
    assert baoan(case.overlays).handed_to == town_id
    # the bureau's clocks of the 包案 are cancelled: they go on with the matter ...
    assert {d.period: d.status.value for d in case.deadlines if d.period.startswith("baoan")} == {
        "baoan_timetable": "cancelled",
        "baoan_reminder": "cancelled",
    }
    # ... and the town's case takes over the reminders (the timetable's last date is ahead)
    town_case = e.get(town_id)
    assert due(town_case, "baoan_timetable") == "2026-04-30"
    assert due(town_case, "baoan_reminder") == "2026-03-18"
    e.fire(town_id, "accept", actor=TOWN, at=at("2026-03-04"))
    e.fire(town_id, "opine", actor=TOWN, at=at("2026-03-20"), **OPINION_DATA)
    town = e.fire(town_id, "request_review", actor=COUNTY, at=at("2026-03-25"), reason="不服")
    review_id = town.links[-1].case_id
    review = e.get(review_id)
    assert baoan(review.overlays).leader == "ld-county"
    review = e.fire(review_id, "opine", actor=COUNTY, at=at("2026-04-10"), **OPINION_DATA)
    with pytest.raises(RuleRejectedError, match="签字销号"):
        e.fire(review_id, "conclude", actor=COUNTY, at=at("2026-04-11"), satisfied=True)
    e.fire(review_id, "baoan_sign_off", actor=COUNTY_LEADER, at=at("2026-04-11"), result="已化解")
    review = e.fire(review_id, "conclude", actor=COUNTY, at=at("2026-04-11", 10), satisfied=True)
    assert review.state == "concluded"
    for cid in (case.id, town_id, review_id):
        assert e.verify(cid).ok


def test_the_reminders_follow_the_assignment_to_the_organ_and_back() -> None:
    """The routed case takes over the 包案 reminders (一抓到底); when the organ's objection is
    agreed and the materials come back (第二十三条第三款), the office takes them back."""
    e = engine()
    case = letter(e, "2026-04-29", risk="high")
    e.fire(
        case.id,
        "baoan_assign",
        actor=COUNTY_LEADER,
        at=at("2026-04-29", 10),
        leader="ld-county",
        **{**PLAN, "timetable": [{"due": "2026-06-30", "task": "化解到位"}]},
    )
    office = e.fire(case.id, "route", actor=BUREAU, at=at("2026-04-30", 9), to="qt-wx")
    town_id = office.links[0].case_id
    assert due(e.get(town_id), "baoan_reminder") == "2026-05-15"
    assert e.run_scheduled(at=at("2026-05-08", 9)) == []  # not yet due
    e.fire(town_id, "object", actor=WX, at=at("2026-05-11", 16), reason="属东门镇管辖")
    office = e.fire(office.id, "agree_objection", actor=BUREAU, at=at("2026-05-11", 17))
    assert baoan(office.overlays).handed_to == ""
    assert due(office, "baoan_reminder") == "2026-05-26"
    assert due(office, "baoan_timetable") == "2026-06-30"
    town = e.get(town_id)
    assert not [d for d in town.deadlines if d.period.startswith("baoan") and d.is_open]
    for cid in (office.id, town_id):
        assert e.verify(cid).ok


def test_a_dispute_under_baoan_also_waits_for_the_sign_off() -> None:
    """包案 is not petition-only: the closing hook holds for a dispute case too."""
    e = engine()
    case = dispute(e, risk=Risk.high)
    e.fire(
        case.id,
        "baoan_assign",
        actor=COUNTY_LEADER,
        at=at("2026-03-02", 9, 30),
        leader="ld-county",
        **PLAN,
    )
    case = mediate(e, case.id)
    terminate = {"reason": "双方分歧较大", "remedies_informed": True}
    case = e.fire(case.id, "terminate", actor=MEDIATOR, at=at("2026-03-05"), **terminate)
    assert case.state == "failed"
    with pytest.raises(RuleRejectedError, match="签字销号"):
        e.fire(case.id, "close", actor=MEDIATOR, at=at("2026-03-06"))
    e.fire(case.id, "baoan_sign_off", actor=COUNTY_LEADER, at=at("2026-03-06"), result="引导诉讼")
    # a high-risk dispute also owes its report (人民调解法 第二十五条) before it closes
    with pytest.raises(RuleRejectedError, match="第二十五条"):
        e.fire(case.id, "close", actor=MEDIATOR, at=at("2026-03-06", 10))
    e.fire(
        case.id,
        "assess_risk",
        actor=MEDIATOR,
        at=at("2026-03-06", 10),
        level="high",
        finding="双方冲突仍有激化可能",
        measures="分别疏导",
        reported_to="青田县公安局东门派出所",
    )
    case = e.fire(case.id, "close", actor=MEDIATOR, at=at("2026-03-06", 11))
    assert case.state == "closed"
    assert e.verify(case.id).ok


def test_reception_days_follow_the_2009_opinion_and_petitioners_are_booked() -> None:
    """County leaders about one day a month (the first working day from the 15th), township
    leaders any working day; announced days win. 2026-02-15 falls in the Spring Festival →
    2026-02-24; 2025-10-15 is a Wednesday."""
    cal = engine().policy.calendar
    pol = BaoanPolicy(roster=LEADERS)
    county = LEADERS[0]
    days = reception_days(county, dt.date(2026, 1, 1), dt.date(2026, 3, 31), cal, pol)
    assert [d.isoformat() for d in days] == ["2026-01-15", "2026-02-24", "2026-03-16"]
    town = reception_days(LEADERS[1], dt.date(2026, 2, 13), dt.date(2026, 2, 24), cal, pol)
    assert [d.isoformat() for d in town] == ["2026-02-13", "2026-02-14", "2026-02-24"]
    fixed = Leader("x", "某", "副县长", "qt", "county", (dt.date(2026, 5, 20),))
    assert reception_days(fixed, dt.date(2026, 5, 1), dt.date(2026, 5, 31), cal, pol) == (
        dt.date(2026, 5, 20),
    )
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    with pytest.raises(ValidationError) as bad:
        e.fire(
            case.id,
            "book_reception",
            actor=TOWN,
            at=at("2026-03-02"),
            leader="ld-county",
            day="2026-03-17",
        )
    assert bad.value.field == "day"
    case = e.fire(
        case.id,
        "book_reception",
        actor=TOWN,
        at=at("2026-03-02"),
        leader="ld-county",
        day="2026-03-16",
    )
    assert due(case, "leader_reception") == "2026-03-16"
    with pytest.raises(RuleRejectedError, match="未到"):
        e.fire(case.id, "reception_held", actor=TOWN, at=at("2026-03-13"), leader="ld-county")
    case = e.fire(case.id, "reception_held", actor=TOWN, at=at("2026-03-16"), leader="ld-county")
    clock = next(d for d in case.deadlines if d.period == "leader_reception")
    assert clock.status.value == "met"
    assert e.verify(case.id).ok


def test_the_roster_file_refers_to_the_example_county() -> None:
    """examples/county/leaders.toml reads, and its units are the example county's."""
    from pathlib import Path

    from mediation.rules.baoan_reception import roster_from_file
    from mediation.rules.org import units_from_file

    root = Path(__file__).resolve().parents[2] / "examples" / "county"
    org = OrgTree(units_from_file(root / "units.toml"))
    roster = roster_from_file(root / "leaders.toml", org)
    assert {x.level for x in roster} >= {"county", "town"}
    assert all(x.unit in org for x in roster)


def test_a_dispute_handed_to_another_track_takes_its_baoan_along() -> None:
    """一抓到底 (RULES.md §7.1; DESIGN.md: the assignment survives transfers between tracks;
    dispute v4): a dispute under 包案 handed to the court is handed on — its reminders
    cancelled there, taken over by the court's case (a reminder is owed), counted once — and
    a 移送 the law requires is not held up by the sign-off."""
    e = engine()
    case = dispute(e, risk=Risk.high)
    e.fire(case.id, "baoan_assign", actor=COUNTY_LEADER, at=at("2026-03-02", 9, 30),
           leader="ld-county", **PLAN)  # fmt: skip
    mediate(e, case.id)
    handed = e.fire(case.id, "hand_off", actor=MEDIATOR, at=at("2026-03-05"), track="judicial",
                    unit="qt-fy", reason="移交法院", consent=True, measures="已稳控")  # fmt: skip
    assert baoan(handed.overlays).handed_to
    assert not [d for d in handed.deadlines if d.period.startswith("baoan") and d.is_open]
    court = e.get(handed.links[-1].case_id)
    assert court.risk is Risk.high  # the matter's risk goes with it
    assert not baoan(court.overlays).handed_to
    assert {d.period for d in court.deadlines if d.is_open} >= {"baoan_reminder"}
    figures = e.statistics(actor=Actor.system(), since=dt.date(2026, 3, 1),
                           until=dt.date(2026, 3, 31))  # fmt: skip
    assert figures.baoan == 1

    other = dispute(e, risk=Risk.high, details={"duplicate_decision": "new_case",
                                               "duplicate_reason": "另案"})  # fmt: skip
    e.fire(other.id, "baoan_assign", actor=COUNTY_LEADER, at=at("2026-03-02", 9, 30),
           leader="ld-county", **PLAN)  # fmt: skip
    e.fire(other.id, "triage", actor=MEDIATOR, at=at("2026-03-02", 10), track="people")
    e.fire(other.id, "assess_risk", actor=MEDIATOR, at=at("2026-03-02", 11), level="high",
           finding="涉嫌故意伤害", measures="稳控", reported_to="东门派出所")  # fmt: skip
    moved = e.fire(other.id, "transfer_out", actor=MEDIATOR, at=at("2026-03-02", 12),
                   reason="涉嫌违法犯罪，移送公安", to="东门派出所", measures="已稳控")  # fmt: skip
    assert moved.state == "transferred_out"
