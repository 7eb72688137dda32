"""最多跑一地 on any case: one registration at the centre, internal hand-offs, breaches counted
(《信访工作条例》第十八条第三款、第二十条第四款; RULES.md §7.2)."""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, Role, RuleRejectedError, ValidationError
from mediation.rules import onestop
from mediation.rules.onestop import OneStop, OneStopPolicy
from mediation.rules.petition import details

from .conftest import BUREAU, at, dispute, engine, letter, visit

CENTRE_HEAD = Actor("zx-head", {Role.director.value, Role.clerk.value}, "qt", "中心主任")


def places(e: Engine, case_id: str) -> OneStop:
    found = e.get(case_id).overlays.get("onestop")
    assert isinstance(found, OneStop)
    return found


def test_a_visit_at_the_centre_registers_once_and_hands_off_inside() -> None:
    """A visit to the petition bureau stationed at the centre: one code, a one-stop record;
    handing the matter to the court stationed there is internal (places visited stays 1)."""
    e = engine()
    case = visit(e, "2026-03-02", "qt-xfj", BUREAU)
    state = places(e, case.id)
    assert (state.centre, state.places_visited) == ("qt-zx", 1)
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-tw")
    court_case = e.get(case.links[0].case_id)
    assert places(e, case.id).places_visited == 1
    assert places(e, court_case.id).places_visited == 1
    assert [p.via for p in places(e, case.id).places] == ["intake", "hand_off"]
    assert e.verify(case.id).ok
    assert e.verify(court_case.id).ok


def test_a_second_place_is_refused_unless_permitted_with_a_reason_and_then_counted() -> None:
    """Sending the party to the town government (not stationed) is refused; a permit with a
    reason of the policy lets it through once, recorded as a breach."""
    e = engine()
    case = visit(e, "2026-03-02", "qt-xfj", BUREAU)
    with pytest.raises(RuleRejectedError, match="最多跑一地") as err:
        e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm")
    assert "第十八条第三款" in err.value.basis
    assert e.get(case.id).state == "registered"
    with pytest.raises(ValidationError) as bad:
        e.fire(
            case.id,
            "onestop_permit",
            actor=CENTRE_HEAD,
            at=at("2026-03-03"),
            to="qt-dm",
            reason="x",
        )
    assert bad.value.field == "reason"
    with pytest.raises(ValidationError, match="内部流转"):
        e.fire(
            case.id,
            "onestop_permit",
            actor=CENTRE_HEAD,
            at=at("2026-03-03"),
            to="qt-fy",
            reason="on_site",
        )
    e.fire(
        case.id,
        "onestop_permit",
        actor=CENTRE_HEAD,
        at=at("2026-03-03"),
        to="qt-dm",
        reason="on_site",
        note="须到现场核查",
    )
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03", 10), to="qt-dm")
    state = places(e, case.id)
    assert state.places_visited == 2
    assert [(b.unit, b.reason) for b in state.breaches] == [("qt-dm", "on_site")]
    town = e.get(case.links[0].case_id)
    assert places(e, town.id).places_visited == 2
    assert e.verify(case.id).ok
    assert e.verify(town.id).ok


def test_a_policy_may_forbid_any_second_place() -> None:
    """``allow_breach=False``: no permit at all."""
    e = engine(OneStopPolicy(allow_breach=False))
    case = visit(e, "2026-03-02", "qt-xfj", BUREAU)
    with pytest.raises(RuleRejectedError, match="不允许"):
        e.fire(
            case.id,
            "onestop_permit",
            actor=CENTRE_HEAD,
            at=at("2026-03-03"),
            to="qt-dm",
            reason="on_site",
        )


def test_a_diversion_names_the_organ_and_outside_the_centre_needs_a_permit() -> None:
    """诉访分离 from the centre: the court is stationed there (internal); telling the party to go
    to the town government is a second place."""
    e = engine()
    case = visit(e, "2026-03-02", "qt-xfj", BUREAU)
    base = {"route": "litigation", "where": "青田县人民法院", "told": True}
    with pytest.raises(ValidationError) as bad:
        e.fire(case.id, "divert", actor=BUREAU, at=at("2026-03-03"), **base)
    assert bad.value.field == "to_unit"
    other = visit(e, "2026-03-02", "qt-xfj", BUREAU, summary="另一事项：劳动报酬")
    with pytest.raises(ValidationError) as outside:
        e.fire(other.id, "divert", actor=BUREAU, at=at("2026-03-03"), to_unit="qt-dm", **base)
    assert outside.value.field == "to_unit"
    case = e.fire(case.id, "divert", actor=BUREAU, at=at("2026-03-03"), to_unit="qt-fy", **base)
    assert places(e, case.id).places_visited == 1
    assert e.verify(case.id).ok


def test_guidance_at_the_centre_names_the_organ_and_outside_needs_a_permit() -> None:
    """最多跑一地 (RULES.md §7.2): an organ stationed at the centre (the county labour
    arbitration committee) refusing a visit for want of competence names the organ in
    ``guide_unit`` — free text would send the visitor to a second place unseen — and one
    outside the centre needs a permit, as a diversion does."""
    arbitration = Actor("ldzc-clerk", {Role.clerk.value, Role.director.value}, "qt-ldzc", "仲裁委")
    e = engine()
    case = visit(e, "2026-03-02", "qt-ldzc", arbitration)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "not_accept", actor=arbitration, at=at("2026-03-03"),
               reason="属镇职权", guide_to="东门镇人民政府")  # fmt: skip
    assert err.value.field == "guide_unit"
    with pytest.raises(ValidationError, match="最多跑一地") as err:
        e.fire(case.id, "not_accept", actor=arbitration, at=at("2026-03-03"),
               reason="属镇职权", guide_unit="qt-dm")  # fmt: skip
    assert err.value.field == "guide_unit"
    assert e.get(case.id).state == "registered"


def test_a_letter_sends_nobody_anywhere() -> None:
    """Only a party received in person is a one-stop party (policy channels)."""
    e = engine()
    case = letter(e, "2026-03-02")
    assert "onestop" not in case.overlays
    case = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm")
    assert case.state == "transferred"


def test_a_dispute_at_the_centre_is_held_by_the_same_rule() -> None:
    """Not petition-only: a dispute received in person at the centre's committee may move to
    the stationed court (internal) but not up to the county government without a permit
    (dispute version 5; version 6 refuses the county government as a receiver anyway: it
    does not run people's mediation)."""
    e = engine()
    head = Actor("tw-head", {r.value for r in Role}, "qt", "中心调委会主任")
    case = dispute(e, unit="qt-tw", actor=head)
    e.migrate_case(case.id, to_version=5, actor=Actor.system(), at=at("2026-03-02", 9, 30))
    case = e.fire(case.id, "triage", actor=head, at=at("2026-03-02", 10), track="people")
    assert places(e, case.id).places_visited == 1
    refer = {"to": "qt", "reason": "complex"}
    with pytest.raises(RuleRejectedError, match="最多跑一地"):
        e.fire(case.id, "refer", actor=head, at=at("2026-03-02", 11), **refer)
    assert e.verify(case.id).ok


def test_statistics_give_each_centre_its_share_of_cases_resolved_in_one_place() -> None:
    """Per case: places visited; per centre: the share resolved with one place."""
    e = engine()
    one = visit(e, "2026-03-02", "qt-xfj", BUREAU)
    one = e.fire(
        one.id,
        "divert",
        actor=BUREAU,
        at=at("2026-03-03"),
        route="litigation",
        where="县法院",
        told=True,
        to_unit="qt-fy",
    )
    two = visit(e, "2026-03-02", "qt-xfj", BUREAU, summary="另一事项：宅基地")
    e.fire(
        two.id,
        "onestop_permit",
        actor=CENTRE_HEAD,
        at=at("2026-03-03"),
        to="qt-dm",
        reason="on_site",
    )
    two = e.fire(
        two.id,
        "divert",
        actor=BUREAU,
        at=at("2026-03-03", 10),
        route="administrative",
        where="东门镇人民政府（宅基地确权）",
        told=True,
        to_unit="qt-dm",
    )
    open_case = visit(e, "2026-03-04", "qt-xfj", BUREAU, summary="第三事项：噪声")
    cases = e.find(workflow="petition")
    definition = e.definition("petition")
    figures = onestop.stats(cases, resolved=lambda c: definition.is_closed(c.state))
    row = figures["qt-zx"]
    assert (row.cases, row.resolved, row.one_place, row.breaches) == (3, 2, 1, 1)
    assert row.share == 0.5
    assert onestop.places_visited(e.get(two.id)) == 2
    assert onestop.places_visited(e.get(open_case.id)) == 1


def test_review_and_re_review_are_the_petitioner_s_right_not_a_second_place() -> None:
    """A walk-in at the centre's petition bureau, routed with a permit to the town; the
    town's opinion; the petitioner asks the county for 复查 and the city for 复核
    (信访工作条例 第三十五条、第三十六条). 最多跑一地 is a practice rule: it neither refuses
    these requests nor counts them against the cap of second places (one permit used)."""
    from mediation import Actor, Role

    from .conftest import CITY, COUNTY, OPINION_DATA, TOWN, visit

    head = Actor("zx-head", {Role.clerk.value, Role.director.value}, "qt", "中心主任")
    e = engine()
    case = visit(e, "2026-03-02", "qt-xfj", BUREAU)
    e.fire(case.id, "onestop_permit", actor=head, at=at("2026-03-03"), to="qt-dm",
           reason="statutory_jurisdiction")  # fmt: skip
    routed = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-03", 10), to="qt-dm")
    town = routed.links[0].case_id
    e.fire(town, "accept", actor=TOWN, at=at("2026-03-04"))
    e.fire(town, "opine", actor=TOWN, at=at("2026-03-20", 15), delivered_on="2026-03-20",
           **OPINION_DATA)  # fmt: skip
    asked = e.fire(town, "request_review", actor=COUNTY, at=at("2026-04-03", 10), reason="不服")
    county = asked.links[-1].case_id
    e.fire(county, "opine", actor=COUNTY, at=at("2026-04-20", 9), delivered_on="2026-04-20",
           **OPINION_DATA)  # fmt: skip
    again = e.fire(county, "request_review", actor=CITY, at=at("2026-05-06"), reason="不服复查意见")
    city = e.get(again.links[-1].case_id)
    record = city.overlays["onestop"]
    assert len(record.breaches) == 1  # the permitted route to the town only
    assert record.places_visited == 2  # the centre and the town
    assert e.verify(city.id).ok


@pytest.mark.parametrize(
    ("to", "taken"), [("qt-xfj", True), ("qt-fy", False), ("qt-ldzc", False), ("qt-tw", False)]
)
def test_the_centre_routes_its_one_record_to_a_stationed_department(to: str, taken: bool) -> None:
    """RULES.md §7.2 (最多跑一地): the party registers once at the county centre; the one
    record (一案一码) goes to the stationed organ that handles it — the petition bureau —
    not back to the party with a pointer to register again. Not as a petition to the court
    or the arbitration commission (诉访分离, 第二十八条第二款), nor to the committee, which
    takes a matter by 访调对接 with the parties' consent."""
    e = engine()
    centre = Actor("zx-staff", {"clerk", "director"}, "qt-zx", "县社会治理中心窗口")
    case = visit(e, "2026-03-02", "qt-zx", centre)
    if not taken:
        with pytest.raises(ValidationError) as err:
            e.fire(case.id, "route", actor=centre, at=at("2026-03-03"), to=to, told=True)
        assert err.value.field == "to"
        return
    routed = e.fire(case.id, "route", actor=centre, at=at("2026-03-03"), to=to, told=True)
    assert routed.state == "transferred"
    received = e.get(routed.links[-1].case_id)
    assert received.unit == to
    assert details(received).root == case.id
