"""Dispute workflow version 11: the traffic police's notice of a session (《道路交通事故处理
程序规定》第八十八条) and a medical dispute's appraisal time (《医疗纠纷预防和处理条例》
第三十八条、第四十条), each beside version 10's behaviour on a case pinned to it."""

from __future__ import annotations

from typing import Any

import pytest

from mediation import Actor, Engine, RuleRejectedError, ValidationError

from ._support import actor, at, clock, day, engine, register

TRAFFIC = actor("qt-jj")
HEALTH = actor("qt-wjj")
MEDICAL_COMMITTEE = actor("qt-yt")


def _pin(e: Engine, case: Any, version: int, when: str) -> None:
    e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=at(when, 9, 30))


def _traffic_accepted(e: Engine, version: int | None = None) -> Any:
    """A traffic police case accepted Mon 2026-09-14 (the report received 09-08)."""
    case = register(
        e,
        "qt-jj",
        at("2026-09-14", 9),
        category="traffic",
        details={
            "track": "administrative",
            "joint_application": True,
            "certificate_received_on": "2026-09-08",
        },
    )
    if version is not None:
        _pin(e, case, version, "2026-09-14")
    e.fire(case.id, "triage", actor=TRAFFIC, at=at("2026-09-14", 10), track="administrative")
    return e.fire(case.id, "accept", actor=TRAFFIC, at=at("2026-09-14", 11))


def test_traffic_police_mediation_starts_only_on_a_recorded_notice() -> None:
    """第八十八条: the police notify the parties of the session's time and place three days
    before it (working days, 第一百一十二条). Version 11 needs the notice's day: without it
    the start is refused on ``notified_on``, naming the article, and the case is unchanged.
    Notified Tue 09-15, the session may be held from Fri 09-18, not on Thu 09-17."""
    e = engine()
    case = _traffic_accepted(e)
    assert case.workflow_version >= 11
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-18"), mediators=["m"])
    assert err.value.field == "notified_on"
    assert "第八十八条" in str(err.value)
    assert e.get(case.id) == case
    with pytest.raises(ValidationError, match="2026-09-18起方可调解"):
        e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-17"), mediators=["m"],
               notified_on="2026-09-15")  # fmt: skip
    started = e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-18"),
                     mediators=["m"], notified_on="2026-09-15")  # fmt: skip
    assert started.state == "mediating"
    assert e.verify(case.id).ok


def test_version_10_checks_the_notice_only_when_it_is_recorded() -> None:
    e = engine()
    case = _traffic_accepted(e, version=10)
    started = e.fire(
        case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-15"), mediators=["m"]
    )
    assert (started.workflow_version, started.state) == (10, "mediating")
    assert e.verify(case.id).ok


def test_the_notice_binds_only_the_traffic_police() -> None:
    """A committee's people's mediation of a traffic matter starts without a notice's day."""
    e = engine()
    committee = actor("qt-dm-dmc")
    case = register(e, "qt-dm-dmc", at("2026-09-14", 9), category="traffic")
    e.fire(case.id, "triage", actor=committee, at=at("2026-09-14", 10), track="people",
           level="village")  # fmt: skip
    e.fire(case.id, "accept", actor=committee, at=at("2026-09-14", 11))
    e.fire(case.id, "inform_rights", actor=committee, at=at("2026-09-14", 12))
    started = e.fire(case.id, "start_mediation", actor=committee, at=at("2026-09-15"),
                     mediators=["m"])  # fmt: skip
    assert started.state == "mediating"


def _health_accepted(e: Engine, version: int | None = None) -> Any:
    """The health department's mediation, accepted Fri 2026-10-09: 30 working days → Thu
    11-19 (Sat 10-10 is a make-up working day)."""
    case = register(
        e, "qt-wjj", at("2026-09-30"), category="medical", details={"track": "administrative"}
    )
    if version is not None:
        _pin(e, case, version, "2026-09-30")
    e.fire(case.id, "triage", actor=HEALTH, at=at("2026-09-30", 10), track="administrative")
    return e.fire(case.id, "accept", actor=HEALTH, at=at("2026-10-09"), other_side_consents=True)


def test_a_medical_appraisal_before_the_first_session_is_left_out_of_the_thirty_days() -> None:
    """第三十八条、第四十条: appraisal time is not counted. Commissioned Tue 10-20 and issued
    Tue 10-27, before any session: the working days 10-21, 22, 23, 26, 27 (five) are left
    out → due Thu 11-26, as if the mediation had been suspended for them. Both days are
    needed; an appraisal is issued by the day it is recorded."""
    e = engine()
    case = _health_accepted(e)
    assert clock(case, "medical_admin_mediation").due == day("2026-11-19")
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "record_appraisal", actor=HEALTH, at=at("2026-10-27"),
               issued_on="2026-10-27", kind="医疗损害鉴定")  # fmt: skip
    assert err.value.field == "commissioned_on"
    assert "第三十八条" in str(err.value)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "record_appraisal", actor=HEALTH, at=at("2026-10-26"),
               issued_on="2026-10-27", commissioned_on="2026-10-20")  # fmt: skip
    assert err.value.field == "issued_on"
    assert e.get(case.id) == case
    case = e.fire(case.id, "record_appraisal", actor=HEALTH, at=at("2026-10-27"),
                  issued_on="2026-10-27", commissioned_on="2026-10-20",
                  kind="医疗损害鉴定")  # fmt: skip
    period = clock(case, "medical_admin_mediation")
    assert (period.start, period.paused, period.due) == (day("2026-10-09"), 5, day("2026-11-26"))
    assert case.state == "accepted"
    case = e.fire(case.id, "start_mediation", actor=HEALTH, at=at("2026-10-28"), mediators=["m"])
    assert clock(case, "medical_admin_mediation").due == day("2026-11-26")
    assert e.verify(case.id).ok


def test_a_suspension_for_the_same_appraisal_is_not_left_out_twice() -> None:
    e = engine()
    case = _health_accepted(e)
    e.fire(case.id, "start_mediation", actor=HEALTH, at=at("2026-10-12"), mediators=["m"])
    e.fire(case.id, "suspend", actor=HEALTH, at=at("2026-10-20"), reason="appraisal")
    e.fire(case.id, "resume", actor=HEALTH, at=at("2026-10-27"))
    case = e.fire(case.id, "record_appraisal", actor=HEALTH, at=at("2026-10-27", 15),
                  issued_on="2026-10-27", commissioned_on="2026-10-20")  # fmt: skip
    assert clock(case, "medical_admin_mediation").due == day("2026-11-26")


def test_a_committee_s_medical_mediation_leaves_the_appraisal_out_too() -> None:
    """The medical committee (people's mediation), accepted Mon 2026-03-02: due Tue 04-14
    (清明 04-04–06 skipped). Appraisal commissioned Tue 03-03, issued Tue 03-10: five
    working days (03-04, 05, 06, 09, 10) → due Tue 04-21."""
    e = engine()
    case = register(e, "qt-yt", at("2026-03-02"), category="medical")
    e.fire(case.id, "triage", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 10), track="people")
    case = e.fire(case.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 11),
                  other_side_consents=True)  # fmt: skip
    assert clock(case, "medical_people_mediation").due == day("2026-04-14")
    case = e.fire(case.id, "record_appraisal", actor=MEDICAL_COMMITTEE, at=at("2026-03-10"),
                  issued_on="2026-03-10", commissioned_on="2026-03-03")  # fmt: skip
    assert clock(case, "medical_people_mediation").due == day("2026-04-21")


def test_version_10_records_no_medical_appraisal() -> None:
    e = engine()
    case = _health_accepted(e, version=10)
    with pytest.raises(RuleRejectedError, match="治安调解"):
        e.fire(case.id, "record_appraisal", actor=HEALTH, at=at("2026-10-27"),
               issued_on="2026-10-27", commissioned_on="2026-10-20")  # fmt: skip
    assert clock(e.get(case.id), "medical_admin_mediation").due == day("2026-11-19")


def test_no_appraisal_is_recorded_on_a_medical_case_whose_period_ended() -> None:
    """Once the health department's mediation has failed, its 30 days are over: there is
    nothing to leave the appraisal out of."""
    e = engine()
    case = _health_accepted(e)
    e.fire(case.id, "start_mediation", actor=HEALTH, at=at("2026-10-12"), mediators=["m"])
    e.fire(case.id, "terminate", actor=HEALTH, at=at("2026-10-13"), reason="双方分歧较大",
           remedies_informed=True)  # fmt: skip
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError, match="医疗纠纷"):
        e.fire(case.id, "record_appraisal", actor=HEALTH, at=at("2026-10-27"),
               issued_on="2026-10-27", commissioned_on="2026-10-20")  # fmt: skip
    assert e.get(case.id) == before
