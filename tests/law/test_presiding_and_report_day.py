"""Dispute workflow version 12: 治安调解 starts with its presiding officer named (《公安机关
办理行政案件程序规定》第一百八十四条), and a hand-off into traffic police mediation gives the
day the accident report was received (《道路交通事故处理程序规定》第八十六条). Version 11
stays registered for its recorded cases, and each test pins it beside version 12."""

from __future__ import annotations

import pytest

from mediation import Actor, Case, Engine, ValidationError

from ._support import actor, at, engine, register

POLICE = actor("qt-pcs")
VILLAGE = actor("qt-dm-dmc")


def _pinned(e: Engine, case: Case, version: int | None) -> Case:
    """``case``, moved back to dispute ``version`` (as if recorded under it), if given."""
    if version is None:
        return case
    return e.migrate_case(
        case.id, to_version=version, actor=Actor.system(), at=case.updated_at or at("2026-09-29")
    )


def _public_order_accepted(e: Engine, version: int | None = None) -> Case:
    """A 治安 case of a fight over trifles, accepted by 东门派出所 on Tue 2026-09-29."""
    case = register(
        e,
        "qt-pcs",
        at("2026-09-28"),
        category="public_order",
        channel="police_110",
        details={"track": "administrative"},
    )
    e.fire(case.id, "triage", actor=POLICE, at=at("2026-09-28", 10), track="administrative")
    case = e.fire(
        case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles"
    )
    return _pinned(e, case, version)


def test_public_order_mediation_starts_only_with_its_presiding_officer_named() -> None:
    """第一百八十四条: the 治安调解协议书 states the organ and the officer who presided. A
    start with no mediator named is refused on ``mediators``, citing the article, and the
    case is left as it was; named, it starts, and the officer presides."""
    e = engine()
    case = _public_order_accepted(e)
    assert case.workflow_version == 12
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9))
    assert err.value.field == "mediators"
    assert "第一百八十四条" in str(err.value)
    assert e.get(case.id) == case
    options = {o.trigger: o for o in e.available_triggers(case.id, POLICE, at("2026-10-09", 9))}
    assert not options["start_mediation"].allowed
    assert "主持" in (options["start_mediation"].reason or "")
    started = e.fire(
        case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["民警甲"]
    )
    assert (started.state, started.assignees) == ("mediating", ("民警甲",))


def test_version_11_public_order_mediation_still_starts_unnamed() -> None:
    """A case recorded under version 11 keeps its rules: it starts with no one named."""
    e = engine()
    case = _public_order_accepted(e, version=11)
    assert case.workflow_version == 11
    started = e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9))
    assert (started.state, started.assignees) == ("mediating", ())


def test_a_committee_mediation_still_starts_without_a_named_mediator() -> None:
    """Only 治安调解 is concerned: a people's mediation starts as before."""
    e = engine()
    case = register(e, "qt-dm-dmc", at("2026-09-28", 8))
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-09-28", 9), track="people")
    e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-09-28", 10))
    e.fire(case.id, "inform_rights", actor=VILLAGE, at=at("2026-09-28", 11))
    started = e.fire(case.id, "start_mediation", actor=VILLAGE, at=at("2026-09-29", 9))
    assert started.state == "mediating"


_HAND_OFF = {"track": "administrative", "unit": "qt-jj", "reason": "申请交警调解", "consent": True}


def _traffic_at_committee(e: Engine, version: int | None = None, **details: str) -> Case:
    """A traffic accident's damages registered and accepted at 东门村 on Mon 2026-08-10."""
    case = register(e, "qt-dm-dmc", at("2026-08-10", 8), category="traffic", details=details)
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-08-10", 9), track="people")
    case = e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-08-10", 10))
    return _pinned(e, case, version)


def test_a_hand_off_to_traffic_police_needs_the_report_day() -> None:
    """第八十六条: the parties apply within 10 working days of receiving the accident report;
    a hand-off to the traffic police before the committee's mediation failed is that
    application. Without the report's day it is refused on ``certificate_received_on``,
    citing the article, the case unchanged; given (Mon 08-03, so due Mon 08-17), the
    hand-off on 08-10 goes through."""
    e = engine()
    case = _traffic_at_committee(e)
    assert case.workflow_version == 12
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-08-10", 15), **_HAND_OFF)
    assert err.value.field == "certificate_received_on"
    assert "第八十六条" in str(err.value)
    assert e.get(case.id) == case
    done = e.fire(
        case.id,
        "hand_off",
        actor=VILLAGE,
        at=at("2026-08-10", 15),
        certificate_received_on="2026-08-03",
        **_HAND_OFF,
    )
    assert done.state == "handed_off"


def test_a_report_day_recorded_at_registration_serves_the_hand_off() -> None:
    """The day recorded on the case at registration is the one checked: 07-01 is more than
    10 working days before 08-10, so the hand-off is refused naming its due date."""
    e = engine()
    case = _traffic_at_committee(e, certificate_received_on="2026-07-01")
    with pytest.raises(ValidationError, match="第八十六条") as err:
        e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-08-10", 15), **_HAND_OFF)
    assert err.value.field == "certificate_received_on"
    assert "2026-07-15" in str(err.value)


def test_version_11_hands_off_without_the_report_day() -> None:
    """A case recorded under version 11 keeps its rules: the hand-off goes through unchecked."""
    e = engine()
    case = _traffic_at_committee(e, version=11)
    assert case.workflow_version == 11
    done = e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-08-10", 15), **_HAND_OFF)
    assert done.state == "handed_off"
