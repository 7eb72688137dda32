"""Recusal (《信访工作条例》第二十八条第三款): staff with a direct interest in the matter or
the petitioner withdraw, and take no further step on the case."""

from __future__ import annotations

import pytest

from mediation import Actor, Role, RuleRejectedError, ValidationError
from mediation.rules.petition_recusal import Recusals

from .conftest import BUREAU, OPINION_DATA, TOWN, at, engine, letter, petitioners

OTHER = Actor("dm-staff2", {Role.clerk.value, Role.director.value}, "qt-dm", "东门镇信访办干部")


def test_staff_who_withdrew_take_no_further_step_and_others_go_on() -> None:
    """The petitioner (p1) asks that the clerk who is the respondent's relative withdraw; the
    recusal is recorded; that clerk's opinion is then refused — in fire and in
    available_triggers, with the article — and a colleague gives it."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True))
    case = e.fire(case.id, "accept", actor=TOWN, at=at("2026-03-03", 10))
    case = e.fire(case.id, "recuse", actor=OTHER, at=at("2026-03-04"), staff=TOWN.id,
                  name="东门镇工作人员", reason="系被申请人王五的侄子", requested_by="p1")  # fmt: skip
    held = case.overlays.get("recusals")
    assert isinstance(held, Recusals)
    assert held.covers(TOWN.id)
    (record,) = held.records
    assert (record.requested_by, record.recorded_by) == ("p1", OTHER.id)
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "opine", actor=TOWN, at=at("2026-03-20"), **OPINION_DATA)
    assert err.value.basis == "《信访工作条例》第二十八条第三款"
    options = {
        o.trigger: o
        for o in e.available_triggers(
            case.id, TOWN, at("2026-03-20"), inputs={"opine": OPINION_DATA}
        )
    }
    assert (options["opine"].allowed, options["opine"].basis) == (
        False,
        "《信访工作条例》第二十八条第三款",
    )
    assert e.get(case.id) == case
    case = e.fire(case.id, "opine", actor=OTHER, at=at("2026-03-20"), **OPINION_DATA)
    assert case.state == "replied"
    assert e.verify(case.id).ok


def test_a_recusal_names_a_party_and_is_recorded_once() -> None:
    """The party asking must be a party of the case; the same person withdraws once."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "recuse", actor=OTHER, at=at("2026-03-03"), staff=TOWN.id,
               reason="利害关系", requested_by="p9")  # fmt: skip
    assert err.value.field == "requested_by"
    e.fire(case.id, "recuse", actor=OTHER, at=at("2026-03-03"), staff=TOWN.id, reason="亲属")
    with pytest.raises(ValidationError) as again:
        e.fire(case.id, "recuse", actor=OTHER, at=at("2026-03-04"), staff=TOWN.id, reason="亲属")
    assert again.value.field == "staff"


def test_recusals_stay_with_the_organ_and_a_transferred_matter_is_routed_on_told() -> None:
    """A recusal is the organ's own record: a matter the town received by transfer and routes
    on to a village committee does not take it along. The town still owes the petitioner its
    written notice of receipt (第二十三条第三款): routing the matter on without telling is
    refused, and leaves the case as it was."""
    e = engine()
    office = letter(e, "2026-03-02")
    office = e.fire(office.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm")
    town = office.links[0].case_id
    e.fire(town, "recuse", actor=OTHER, at=at("2026-03-04"), staff="x-staff", reason="亲属")
    before = e.get(town)
    with pytest.raises(ValidationError) as untold:
        e.fire(town, "route", actor=OTHER, at=at("2026-03-05"), to="qt-dm-01")
    assert untold.value.field == "told"
    assert "第二十三条第三款" in str(untold.value)
    assert e.get(town) == before
    routed = e.fire(town, "route", actor=OTHER, at=at("2026-03-05"), to="qt-dm-01", told=True)
    village = e.get(routed.links[-1].case_id)
    assert "recusals" in routed.overlays
    assert "recusals" not in village.overlays
