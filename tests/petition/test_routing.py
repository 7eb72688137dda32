"""Routing by the petition office: 转送, 交办, objections, several organs
(《信访工作条例》第二十二条、第二十三条第三款、第二十四条). Due dates by hand (RULES.md §5, §8)."""

from __future__ import annotations

import attrs
import pytest

from mediation import (
    Actor,
    AuthorizationError,
    Engine,
    Party,
    RuleRejectedError,
    ValidationError,
)
from mediation.rules.petition import details

from .conftest import BUREAU, COUNTY, OPINION_DATA, TOWN, WX, at, due, engine, letter, petitioners


def test_the_office_routes_within_15_days_and_the_receiver_gets_its_own_periods() -> None:
    """第二十二条: 15 日 to route from receipt Sat 2025-09-20 → day 15 Sun 2025-10-05 in the
    国庆 holiday (10-1 to 10-8) → Thu 2025-10-09. 第二十三条第三款 at the receiving town from
    Fri 2025-09-26: notice 15 日 → Sat 2025-10-11, a make-up working day, stays; objection 5
    个工作日: 9-28 (make-up Sunday), 9-29, 9-30, 10-9, 10-10 → Fri 2025-10-10."""
    e = engine()
    case = letter(e, "2025-09-20")
    assert (case.code, due(case, "petition_register")) == ("（2025）青访字第0001号", "2025-10-09")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2025-09-26", 9), to="qt-dm")
    assert case.state == "transferred"
    assert not case.open_deadlines
    register = next(d for d in case.deadlines if d.period == "petition_register")
    assert register.status.value == "met"
    town = e.get(case.links[0].case_id)
    assert (town.unit, town.level, town.channel, town.code) == (
        "qt-dm",
        "town",
        "petition_referral",
        "（2025）东镇字第0001号",
    )
    assert [(lk.kind.value, lk.case_id) for lk in town.links] == [("handed_off_from", case.id)]
    assert due(town, "petition_transfer_notice") == "2025-10-11"
    assert due(town, "petition_objection") == "2025-10-10"
    # a hand-off of the same matter is not a repeat petition
    assert details(town).repeats == ()
    assert "repeat" not in town.flags
    assert details(town).root == case.id
    town = e.fire(town.id, "accept", actor=TOWN, at=at("2025-10-09"))
    # Accepting is not objecting: the window to object is a right not used (第二十三条第三款).
    assert {d.period: d.status.value for d in town.deadlines if not d.is_open} == {
        "petition_transfer_notice": "met",
        "petition_objection": "cancelled",
    }
    assert e.verify(case.id).ok
    assert e.verify(town.id).ok


def test_the_report_goes_once_a_withdrawal_after_the_reply_sends_none() -> None:
    """第二十二条: the 办结报告 goes to the assigning office once. The town replied (the report
    concluded the office's case); the petitioner then withdraws: the withdrawal is recorded
    on the town's case and sends no second report (the office's case is concluded)."""
    e = engine()
    case = letter(e, "2026-03-02")
    e.fire(
        case.id,
        "route",
        actor=BUREAU,
        at=at("2026-03-03"),
        to="qt-dm",
        mode="assign",
        report_due="2026-04-30",
    )
    town = e.get(e.get(case.id).links[0].case_id)
    e.fire(town.id, "accept", actor=TOWN, at=at("2026-03-05"))
    replied = e.fire(town.id, "opine", actor=TOWN, at=at("2026-04-20"), **OPINION_DATA)
    assert details(replied).reported
    office_events = len(e.history(case.id))
    withdrawn = e.fire(town.id, "withdraw", actor=TOWN, at=at("2026-04-21"), reason="撤回")
    assert withdrawn.state == "withdrawn"
    assert e.get(case.id).state == "concluded"
    assert len(e.history(case.id)) == office_events
    assert e.verify(town.id).ok


def test_assignment_sets_the_report_date_and_the_result_flows_back() -> None:
    """第二十二条第一款第三项: 交办 with a set date for the 办结报告; the receiving organ's duty,
    tracked by the office; the report (the opinion) closes the office's case."""
    e = engine()
    case = letter(e, "2026-03-02")
    with pytest.raises(ValidationError) as bad:
        e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm", mode="assign")
    assert bad.value.field == "report_due"
    case = e.fire(
        case.id,
        "route",
        actor=BUREAU,
        at=at("2026-03-03"),
        to="qt-dm",
        mode="assign",
        report_due="2026-04-30",
    )
    assert case.state == "assigned"
    tracking = next(d for d in case.deadlines if d.is_open)
    assert (tracking.period, tracking.kind.value, tracking.due.isoformat()) == (
        "petition_assignment_tracking",
        "external",
        "2026-04-30",
    )
    town = e.get(case.links[0].case_id)
    assert details(town).assigned
    assert "assigned" in town.flags
    assert due(town, "petition_assigned_report") == "2026-04-30"
    town = e.fire(town.id, "accept", actor=TOWN, at=at("2026-03-05"))
    assert {d.period for d in town.open_deadlines} == {
        "petition_assigned_report",
        "petition_handling",
    }
    town = e.fire(town.id, "opine", actor=TOWN, at=at("2026-04-20"), **OPINION_DATA)
    office = e.get(case.id)
    assert office.state == "concluded"
    assert town.code in (office.outcome or "")
    report = next(d for d in town.deadlines if d.period == "petition_assigned_report")
    assert report.status.value == "met"
    assert e.verify(case.id).ok
    assert e.verify(town.id).ok


def test_an_objection_within_5_working_days_returns_the_matter_after_the_office_agrees() -> None:
    """第二十三条第三款: received Thu 2026-04-30 → 5 个工作日 are 5-6, 5-7, 5-8, 5-9 (make-up
    Saturday), 5-11 → Mon 2026-05-11. The office verifies (PRACTICE: 5 个工作日), agrees, the
    materials come back, and the office routes again on a fresh 15 日 (→ Tue 2026-05-26)."""
    e = engine()
    case = letter(e, "2026-04-29")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-04-30", 9), to="qt-wx")
    town = e.get(case.links[0].case_id)
    assert due(town, "petition_objection") == "2026-05-11"
    town = e.fire(town.id, "object", actor=WX, at=at("2026-05-11", 16), reason="属东门镇管辖")
    assert town.state == "objected"
    office = e.get(case.id)
    assert office.state == "objection_review"
    assert details(office).objection == "属东门镇管辖"
    office = e.fire(office.id, "agree_objection", actor=BUREAU, at=at("2026-05-11", 17))
    assert office.state == "registered"
    assert due(office, "petition_register") == "2026-05-26"
    assert e.get(town.id).state == "returned"
    office = e.fire(office.id, "route", actor=BUREAU, at=at("2026-05-12"), to="qt-dm")
    assert office.state == "transferred"
    for cid in (office.id, town.id, office.links[-1].case_id):
        assert e.verify(cid).ok


def test_the_receiver_does_not_return_the_materials_before_the_office_agrees() -> None:
    """第二十三条第三款: the materials go back after the routing office verifies and agrees;
    the receiving organ that objected cannot hand the matter back on its own."""
    e = engine()
    case = letter(e, "2026-03-02")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm")
    town_id = case.links[0].case_id
    e.fire(town_id, "object", actor=TOWN, at=at("2026-03-04"), reason="不属于本机关职权")
    with pytest.raises(AuthorizationError):
        e.fire(town_id, "return_materials", actor=TOWN, at=at("2026-03-04", 11))
    assert e.get(town_id).state == "objected"
    assert e.get(case.id).state == "objection_review"
    e.fire(case.id, "agree_objection", actor=BUREAU, at=at("2026-03-05"), note="核实同意")
    assert e.get(town_id).state == "returned"


def test_an_objection_after_5_working_days_is_refused() -> None:
    """第二十三条第三款: on Tue 2026-05-12 the 5 working days (to 5-11) have passed."""
    e = engine()
    case = letter(e, "2026-04-29")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-04-30", 9), to="qt-wx")
    town_id = case.links[0].case_id
    with pytest.raises(RuleRejectedError) as err:
        e.fire(town_id, "object", actor=WX, at=at("2026-05-12", 9), reason="不属本镇")
    assert "第二十三条第三款" in err.value.basis
    assert "5个工作日" in err.value.reason


def test_not_objecting_is_no_breach_the_receiver_has_its_15_days() -> None:
    """第二十三条第三款: an organ that does not object in 5 working days (Mon 2026-03-02 →
    Mon 03-09) is not late; it has 15 日 to tell the petitioner (→ Tue 03-17). A scan on
    03-11 supervises nothing, and accepting on 03-12 meets the notice and leaves the
    objection window cancelled, not breached."""
    e = engine()
    case = letter(e, "2026-03-02")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-02", 10), to="qt-dm")
    town_id = case.links[0].case_id
    assert due(e.get(town_id), "petition_objection") == "2026-03-09"
    assert e.supervise(at=at("2026-03-11", 9)) == []
    town = e.fire(town_id, "accept", actor=TOWN, at=at("2026-03-12"))
    status = {d.period: d.status.value for d in town.deadlines}
    assert status["petition_transfer_notice"] == "met"
    assert status["petition_objection"] == "cancelled"


def test_a_rejected_objection_leaves_the_matter_with_the_receiver() -> None:
    """The office may reject the objection: the receiver handles it, its notice period due
    as from receipt (3 March → 18 March): the objection did not stop it (petition version 7;
    version 6 stopped it from the objection, 4 March, to the rejection, 5 March: 19 March)."""
    e = engine()
    case = letter(e, "2026-03-02")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm")
    town_id = case.links[0].case_id
    e.fire(town_id, "object", actor=TOWN, at=at("2026-03-04"), reason="不属本镇")
    office = e.fire(case.id, "reject_objection", actor=BUREAU, at=at("2026-03-05"), reason="属地")
    assert office.state == "transferred"
    assert not office.open_deadlines
    town = e.get(town_id)
    assert town.state == "registered"
    assert due(town, "petition_transfer_notice") == "2026-03-18"
    with pytest.raises(RuleRejectedError):
        e.fire(town_id, "object", actor=TOWN, at=at("2026-03-06"), reason="仍不属本镇")
    assert e.verify(office.id).ok
    assert e.verify(town_id).ok


def test_several_organs_agree_or_their_common_superior_decides() -> None:
    """第二十四条: the receiver is one of the organs concerned; without agreement their common
    superior (here the county government, above both towns) decides."""
    e = engine()
    case = letter(e, "2026-03-02")
    organs = ["qt-dm", "qt-wx"]
    base = {"actor": BUREAU, "at": at("2026-03-03"), "organs": organs}
    with pytest.raises(ValidationError, match="青田县人民政府") as err:
        e.fire(case.id, "route", to="qt-dm", **base)  # type: ignore[arg-type]
    assert (err.value.field, "第二十四条" in err.value.basis) == ("decided_by", True)
    with pytest.raises(ValidationError) as bad:
        e.fire(case.id, "route", to="qt-dm", decided_by="qt-xfj", **base)  # type: ignore[arg-type]
    assert bad.value.field == "decided_by"
    with pytest.raises(ValidationError) as outside:
        e.fire(case.id, "route", to="qt-zjj", agreed=True, **base)  # type: ignore[arg-type]
    assert outside.value.field == "to"
    case = e.fire(case.id, "route", to="qt-wx", decided_by="qt", **base)  # type: ignore[arg-type]
    assert e.get(case.links[0].case_id).unit == "qt-wx"
    other = letter(e, "2026-03-02", summary="另一事项：两镇交界处道路积水")
    other = e.fire(other.id, "route", to="qt-dm", agreed=True, **base)  # type: ignore[arg-type]
    assert other.state == "transferred"


def test_routing_needs_the_organisation() -> None:
    """Without ``policy.org`` the receiving organ cannot be checked: refused, saying why."""
    e = Engine.in_memory()
    case = e.intake(
        workflow="petition",
        channel="letter",
        category="neighbor",
        parties=petitioners(),
        summary="排水纠纷",
        unit="anywhere",
        at=at("2026-03-02"),
    )
    system = Actor.system()
    with pytest.raises(RuleRejectedError, match=r"policy\.org"):
        e.fire(case.id, "route", actor=system, at=at("2026-03-03"), to="x")
    case = e.fire(case.id, "accept", actor=system, at=at("2026-03-03"))
    case = e.fire(case.id, "opine", actor=system, at=at("2026-03-20"), **OPINION_DATA)
    with pytest.raises(RuleRejectedError, match=r"policy\.org") as err:
        e.fire(case.id, "request_review", actor=system, at=at("2026-03-25"), reason="不服")
    assert "第三十五条" in err.value.basis
    assert e.verify(case.id, actor=system).ok


def test_a_matter_is_routed_to_this_level_or_below_never_up() -> None:
    """第二十二条第一款第一、二项 (the office: organs of its level, or lower ones) and 第二十三条
    第一款 (another organ: the lower organs of its system): a town that received a letter
    directly does not 转送 it up to the county; the refusal names ``to`` and the articles,
    and the case is left as it was. Routing down to a village committee goes through."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    before = e.get(case.id)
    with pytest.raises(ValidationError, match="第二十三条第一款") as err:
        e.fire(case.id, "route", actor=TOWN, at=at("2026-03-03"), to="qt-xfj")
    assert err.value.field == "to"
    assert e.get(case.id) == before
    routed = e.fire(case.id, "route", actor=TOWN, at=at("2026-03-03"), to="qt-dm-01", told=True)
    assert routed.state == "transferred"


def test_the_petition_office_routes_rather_than_handles() -> None:
    """第二十二条第一款: the county petition bureau registers a letter and routes it to the
    competent organ; it does not accept it for handling itself. Refused naming the article,
    the case unchanged; the receiving town accepts it."""
    e = engine()
    case = letter(e, "2026-03-02")
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError, match="第二十二条第一款"):
        e.fire(case.id, "accept", actor=BUREAU, at=at("2026-03-03"))
    # ... nor sends the petitioner away for want of competence: it transfers (第二十三条第一款
    # is the other organs' rule).
    with pytest.raises(RuleRejectedError, match="第二十二条第一款"):
        e.fire(case.id, "not_accept", actor=BUREAU, at=at("2026-03-03"),
               reason="该事项属东门镇职权", guide_to="东门镇人民政府")  # fmt: skip
    assert e.get(case.id) == before
    routed = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm")
    town = e.get(routed.links[0].case_id)
    assert e.fire(town.id, "accept", actor=TOWN, at=at("2026-03-04")).state == "accepted"


@pytest.mark.parametrize(
    ("unit", "actor_unit", "to"),
    [
        ("qt-zjj", "qt-zjj", "qt-wx"),  # a county department to a town: not its system
        ("qt-zjj", "qt-zjj", "qt-dm-01"),  # ... nor a village committee elsewhere in the tree
        ("qt", "qt", "qt-fy"),  # the county government to the court: another system
    ],
)
def test_another_organ_routes_only_to_the_lower_organs_of_its_system(
    unit: str, actor_unit: str, to: str
) -> None:
    """第二十三条第一款: an organ other than the petition office transfers or assigns a matter
    to the lower organs of its own system; outside it, it tells the petitioner where to go.
    Refused naming ``to``; the case left as it was."""
    from mediation import Actor, Role

    staff = Actor(f"{actor_unit}-staff", {Role.clerk.value, Role.director.value}, actor_unit)
    e = engine()
    case = letter(e, "2026-03-02", unit=unit, actor=staff)
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "route", actor=staff, at=at("2026-03-03"), to=to)
    assert err.value.field == "to"
    assert "第二十三条第一款" in str(err.value)
    assert e.get(case.id) == before


def test_the_county_government_routes_down_to_a_town_and_tells_the_petitioner() -> None:
    """第二十三条第一款: an organ other than the petition office may transfer a matter to a
    lower organ of its system, telling the petitioner where it went; without that, refused
    naming ``told``. The petition office (第二十二条) and a petitioner whose name and address
    are not clear (第二十三条第二款) are not told."""
    from mediation import Actor, Role

    staff = Actor("qt-staff", {Role.clerk.value, Role.director.value}, "qt")
    e = engine()
    case = letter(e, "2026-03-02", unit="qt", actor=staff)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "route", actor=staff, at=at("2026-03-03"), to="qt-dm")
    assert (err.value.field, err.value.basis) == (
        "told",
        "《信访工作条例》第二十三条第一款、第二款",
    )
    assert e.get(case.id) == case
    assert (
        e.fire(case.id, "route", actor=staff, at=at("2026-03-03"), to="qt-dm", told=True).state
        == "transferred"
    )
    unclear = letter(e, "2026-03-02", unit="qt", actor=staff, parties=[Party.person("匿名")],
                     details={"name_address_clear": False})  # fmt: skip
    assert e.fire(unclear.id, "route", actor=staff, at=at("2026-03-03"), to="qt-dm").state == (
        "transferred"
    )


def test_an_anonymous_letter_transferred_owes_no_written_notice() -> None:
    """第二十三条第二款、第三款: a letter whose writer's name and address are not clear is
    routed like any other, but no notice can reach the writer: the receiving town keeps the
    15-day decision target (soft) instead of a notice duty it cannot meet, and its 5 个工作日
    to object run as for any transfer. Routed Fri 2025-09-26 → day 15 Sat 2025-10-11 (a
    make-up working day, kept); objection → Fri 2025-10-10."""
    e = engine()
    case = letter(
        e, "2025-09-20", parties=[Party.person("匿名")], details={"name_address_clear": False}
    )
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2025-09-26", 9), to="qt-dm")
    town = e.get(case.links[0].case_id)
    assert not details(town).name_address_clear
    assert {d.period: (d.kind.value, d.due.isoformat()) for d in town.open_deadlines} == {
        "petition_acceptance_decision": ("target", "2025-10-11"),
        "petition_objection": ("target", "2025-10-10"),
    }
    assert e.verify(town.id).ok
    letter_text = e.render(case.id, "petition_transfer_letter")
    assert (
        "信访人姓名（名称）、住址不清，无须书面告知（《信访工作条例》第二十三条第二款）"
        in letter_text
    )
    assert "书面告知信访人是否受理" not in letter_text


def test_the_transfer_letter_of_a_simple_matter_gives_the_receiver_three_working_days() -> None:
    """简易办理办法 (RULES.md §0 row 13): the receiving organ decides on acceptance of a 简易办理
    matter in 3 个工作日 — its clock: routed Wed 2026-04-29 → 04-30, [劳动节 05-01–05], 05-06,
    05-07. The 转送函 says so, not the 15 日 of 第二十三条第三款."""
    e = engine()
    case = letter(e, "2026-04-28", details={"simple": True})
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-04-29", 10), to="qt-dm")
    town = e.get(case.links[0].case_id)
    assert due(town, "petition_simple_accept") == "2026-05-07"
    text = e.render(case.id, "petition_transfer_letter")
    assert (
        "请你单位自收到之日起3个工作日内书面告知信访人是否受理（国家信访局《信访事项简易办理办法(试行)》）"
        in text
    )
    assert "15日内书面告知" not in text


def test_a_transferred_matter_s_notices_say_when_the_petitioner_raised_it() -> None:
    """第二十二条、第二十三条: the letter reached the county bureau on 2026-03-02 and was
    transferred to the town on 03-03. The town's 受理告知书 and the bureau's 转送函 say the
    petitioner raised it on 2026年3月2日, not on the day the town received it."""
    e = engine()
    case = letter(e, "2026-03-02")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03", 10), to="qt-dm")
    town = e.get(case.links[0].case_id)
    assert details(town).raised_on is not None
    e.fire(town.id, "accept", actor=TOWN, at=at("2026-03-04", 10))
    notice = e.render(town.id, "petition_acceptance_notice")
    assert "你（们）于2026年3月2日提出的信访事项" in notice
    assert "于2026年3月2日提出的信访事项" in e.render(case.id, "petition_transfer_letter")
    with pytest.raises(ValidationError) as err:  # a hand-off's fact, not a clerk's
        letter(e, "2026-03-02", details={"raised_on": "2026-12-31"})
    assert err.value.field == "details.raised_on"


def test_a_transfer_taken_back_on_objection_ends_again_where_it_is_routed_again() -> None:
    """第二十三条第三款: the town objects (not its matter) and the bureau agrees: the matter is
    with the bureau again, open — its first transfer no longer its end; routed on to the
    right town, it ends then (the statistics count it once, as transferred)."""
    from mediation.rules.resolution import resolution_of

    e = engine()
    case = letter(e, "2026-04-29")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-04-30", 9), to="qt-wx")
    first = resolution_of(case)
    assert first is not None
    e.fire(
        case.links[0].case_id, "object", actor=WX, at=at("2026-05-11", 16), reason="属东门镇管辖"
    )
    office = e.fire(case.id, "agree_objection", actor=BUREAU, at=at("2026-05-11", 17))
    assert (office.state, resolution_of(office)) == ("registered", None)
    office = e.fire(office.id, "route", actor=BUREAU, at=at("2026-05-12"), to="qt-dm")
    again = resolution_of(office)
    assert again is not None
    assert (again.at, again.how) == (at("2026-05-12"), "transferred_out")
    assert e.verify(office.id).ok


def test_a_receiver_objects_to_the_office_it_does_not_turn_the_petitioner_away() -> None:
    """第二十三条第三款: a transferred matter outside the receiver's competence is objected to,
    within 5 working days, to the office that sent it; the receiver does not itself tell the
    petitioner it will not accept the matter (第二十三条第一款 is about matters received
    directly) — neither within the 5 days nor after them, when it must handle the matter."""
    e = engine()
    case = letter(e, "2026-03-02")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-02", 10), to="qt-dm")
    town_id = case.links[0].case_id
    for day in ("2026-03-04", "2026-03-16"):
        before = e.get(town_id)
        with pytest.raises(RuleRejectedError) as refused:
            e.fire(
                town_id,
                "not_accept",
                actor=TOWN,
                at=at(day, 10),
                reason="不属本镇职权",
                guide_to="青田县住房和城乡建设局",
            )
        assert refused.value.basis == "《信访工作条例》第二十三条第三款"
        assert "object" in refused.value.reason
        assert e.get(town_id) == before
    option = next(o for o in e.available_triggers(town_id, actor=TOWN) if o.trigger == "not_accept")
    assert not option.allowed
    assert e.fire(town_id, "accept", actor=TOWN, at=at("2026-03-16", 11)).state == "accepted"


def test_a_receiver_passing_the_matter_down_still_tells_the_petitioner() -> None:
    """第二十三条第三款: the county government received the matter by transfer and sends it
    down to a town of its system. Its written notice of receipt is still owed: routing on
    without telling is refused, and with it the notice period is met."""
    e = engine()
    case = letter(e, "2026-03-02")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-02", 10), to="qt")
    county_id = case.links[0].case_id
    before = e.get(county_id)
    with pytest.raises(ValidationError) as untold:
        e.fire(county_id, "route", actor=COUNTY, at=at("2026-03-05", 10), to="qt-dm")
    assert untold.value.field == "told"
    assert "第二十三条第三款" in str(untold.value)
    assert e.get(county_id) == before
    county = e.fire(
        county_id, "route", actor=COUNTY, at=at("2026-03-05", 10), to="qt-dm", told=True
    )
    status = {d.period: d.status.value for d in county.deadlines}
    assert status["petition_transfer_notice"] == "met"


def test_a_simple_matter_s_three_working_days_run_on_while_an_objection_is_verified() -> None:
    """简易办理 (row 13): the town received a first-time matter on Mon 2 March, 3 working days
    to decide (→ Thu 5 March); it objected in time on Wed 4 March (第二十三条第三款 gives 5
    working days). No rule leaves the verification out (RULES.md §5.6): on Mon 9 March the
    decision is late, and the office's rejection that day does not move it (petition
    version 7)."""
    e = engine()
    case = letter(e, "2026-03-02", details={"simple": True}, summary="初次来信：路灯损坏")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-02", 15), to="qt-dm")
    town_id = case.links[-1].case_id
    town = e.fire(town_id, "object", actor=TOWN, at=at("2026-03-04", 10), reason="属县住建局职权")
    clock = next(d for d in town.deadlines if d.period == "petition_simple_accept")
    assert (clock.status.value, clock.due.isoformat()) == ("running", "2026-03-05")
    late = [i.deadline.period for i in e.due(at=at("2026-03-09", 9))]
    assert "petition_simple_accept" in late
    e.fire(case.id, "reject_objection", actor=BUREAU, at=at("2026-03-09", 10), reason="属地管理")
    assert due(e.get(town_id), "petition_simple_accept") == "2026-03-05"
    town = e.fire(town_id, "accept", actor=TOWN, at=at("2026-03-10", 14))
    done = next(d for d in town.deadlines if d.period == "petition_simple_accept")
    assert done.status.value == "breached"
    assert e.verify(town_id).ok


def test_version_6_stopped_a_simple_matter_s_days_while_an_objection_was_verified() -> None:
    """Petition version 6: the pause, 4 to 9 March, held the working days 5, 6 and 9 March,
    so the decision fell due Tue 10 March; its cases replay so."""
    e = engine()
    case = letter(e, "2026-03-02", details={"simple": True}, summary="初次来信：路灯损坏")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-02", 15), to="qt-dm")
    town_id = case.links[-1].case_id
    e.migrate_case(town_id, to_version=6, actor=Actor.system(), at=at("2026-03-02", 16))
    assert due(e.get(town_id), "petition_simple_accept") == "2026-03-05"
    town = e.fire(town_id, "object", actor=TOWN, at=at("2026-03-04", 10), reason="属县住建局职权")
    clock = next(d for d in town.deadlines if d.period == "petition_simple_accept")
    assert clock.status.value == "paused"
    assert e.supervise(at=at("2026-03-09", 9)) == []
    e.fire(case.id, "reject_objection", actor=BUREAU, at=at("2026-03-09", 10), reason="属地管理")
    town = e.get(town_id)
    assert due(town, "petition_simple_accept") == "2026-03-10"
    town = e.fire(town_id, "accept", actor=TOWN, at=at("2026-03-10", 14))
    met = next(d for d in town.deadlines if d.period == "petition_simple_accept")
    assert met.status.value == "met"
    assert e.verify(town_id).ok


def test_an_organ_that_objected_keeps_its_fifteen_days_from_receipt() -> None:
    """第二十三条第三款: 15 日 from receipt to decide and tell the petitioner; the objection
    (5 working days) is the other branch, and no rule stops the 15 日 while the office
    verifies (RULES.md §0 row 9, §5.6). The town objected in time (4 March), the office
    took three weeks: on 20 March the town's notice (due 17 March) is late, and stays due
    17 March when the objection is rejected on 23 March (petition version 7)."""
    e = engine()
    case = letter(e, "2026-03-02")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-02", 10), to="qt-dm")
    town_id = case.links[0].case_id
    town = e.fire(town_id, "object", actor=TOWN, at=at("2026-03-04", 10), reason="属县住建局职权")
    notice = next(d for d in town.deadlines if d.period == "petition_transfer_notice")
    assert (notice.status.value, notice.due.isoformat()) == ("running", "2026-03-17")
    overdue = {i.deadline.period for i in e.due(at=at("2026-03-20", 9))}
    assert "petition_transfer_notice" in overdue
    e.fire(case.id, "reject_objection", actor=BUREAU, at=at("2026-03-23", 10), reason="属地管理")
    assert due(e.get(town_id), "petition_transfer_notice") == "2026-03-17"
    assert e.verify(town_id).ok


def test_version_6_stopped_the_fifteen_days_while_the_office_verified() -> None:
    """Petition version 6: the town's 15 日 notice (to 17 March) stopped while the office
    verified: the scan of 20 March lists only the office's own verification target, and
    supervises nothing. The office rejects the objection on 23 March: the notice runs on
    for the days it had left (13 of them, to 5 April, a Sunday of the 清明 holiday: 7 April)."""
    e = engine()
    case = letter(e, "2026-03-02")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-02", 10), to="qt-dm")
    town_id = case.links[0].case_id
    e.migrate_case(town_id, to_version=6, actor=Actor.system(), at=at("2026-03-02", 11))
    town = e.fire(town_id, "object", actor=TOWN, at=at("2026-03-04", 10), reason="属县住建局职权")
    notice = next(d for d in town.deadlines if d.period == "petition_transfer_notice")
    assert (notice.status.value, notice.due.isoformat()) == ("paused", "2026-03-17")
    overdue = e.due(at=at("2026-03-20", 9))
    assert [(i.deadline.period, i.kind.value) for i in overdue] == [
        ("petition_objection_verify", "target")
    ]
    assert e.supervise(at=at("2026-03-20", 9)) == []
    e.fire(case.id, "reject_objection", actor=BUREAU, at=at("2026-03-23", 10), reason="属地管理")
    town = e.get(town_id)
    assert town.state == "registered"
    assert due(town, "petition_transfer_notice") == "2026-04-07"
    assert e.verify(town_id).ok


@pytest.mark.parametrize(
    ("simple", "period", "due_on"),
    [(False, "petition_register", "2026-03-18"), (True, "petition_simple_transfer", "2026-03-04")],
)
def test_a_petition_office_receiving_from_the_office_above_registers_and_passes_it_on(
    simple: bool, period: str, due_on: str
) -> None:
    """第二十二条第一款: the city's petition office transfers a letter to the county's on
    Tue 3 March. The county office is a petition office, not the organ that handles it: it
    registers and routes within 15 日 (→ 18 March) — a simple matter within 1 working day
    for its level (row 13: → 4 March) — owes no receiving organ's notice or objection
    window (第二十三条第三款), and routes it on without one."""
    from mediation import Engine, Role, Unit
    from mediation.rules.org import OrgTree

    from .conftest import ORG, policy

    city_office = Unit("ls-xfj", "丽水市信访局", "city", "ls", "丽访", kind="petition_bureau")
    pol = policy()
    e = Engine.in_memory(
        policy=attrs.evolve(pol, org=OrgTree([*ORG.units, city_office])),
        reader=Actor.system(),
    )
    clerk = Actor("ls-xfj-clerk", {Role.clerk.value, Role.director.value}, "ls-xfj", "市信访局")
    details = {"simple": True} if simple else {}
    case = letter(e, "2026-03-02", unit="ls-xfj", actor=clerk, details=details,
                  summary="初次来信：路灯损坏")  # fmt: skip
    case = e.fire(case.id, "route", actor=clerk, at=at("2026-03-03", 9), to="qt-xfj")
    county = e.get(case.links[-1].case_id)
    assert [(d.period, d.due.isoformat()) for d in county.deadlines] == [(period, due_on)]
    routed = e.fire(county.id, "route", actor=BUREAU, at=at("2026-03-04", 9), to="qt-dm")
    assert routed.state == "transferred"


@pytest.mark.parametrize(
    ("routed_on", "status"), [("2026-03-04", "met"), ("2026-03-05", "breached")]
)
def test_an_organ_passing_a_simple_matter_on_has_one_working_day(
    routed_on: str, status: str
) -> None:
    """Row 13 (简易办理办法): each level a simple matter passes through has 1 working day to
    transfer or assign it; only the organ that decides on acceptance has 3. The county
    government receives a first-time letter from the county office on Tue 3 March and
    passes it to the town: by Wed 4 March (1 working day) it is on time; on Thu 5 March,
    within the 3 working days of a decision (→ Fri 6 March), it is late. Its acceptance
    clock is cancelled, not met: it decided nothing."""
    e = engine()
    case = letter(e, "2026-03-02", details={"simple": True}, summary="初次来信：路灯损坏")
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03", 9), to="qt")
    county = e.get(case.links[-1].case_id)
    assert due(county, "petition_simple_accept") == "2026-03-06"
    county = e.fire(county.id, "route", actor=COUNTY, at=at(routed_on, 9), to="qt-dm")
    clocks = {d.period: (d.due.isoformat(), d.status.value) for d in county.deadlines}
    assert clocks["petition_simple_accept"] == ("2026-03-06", "cancelled")
    assert clocks["petition_simple_transfer"] == ("2026-03-04", status)
    town = e.get(county.links[-1].case_id)
    assert details(town).simple
    assert due(town, "petition_simple_accept") == (
        "2026-03-09" if status == "met" else "2026-03-10"
    )
    assert e.verify(county.id).ok
