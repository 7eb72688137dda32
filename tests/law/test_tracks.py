"""三调联动: each track on its own clock from RULES.md, and hand-offs between tracks.

Every expected date is worked out by hand from RULES.md §5 (start day excluded,
民法典 第二百零一条; a last day on a rest day rolls to the day after the rest,
第二百零三条; working days per the State Council notices, §5.3, §8) — never
copied from the engine. The 2026 notice (RULES.md §8.3): 中秋 9-25 (Fri)–9-27
(Sun); 国庆 10-1–10-7 with make-up working days Sun 9-20 and Sat 10-10; 元旦
2027-01-01 is a Friday and 2027 has no notice yet (a provisional date).
"""

from __future__ import annotations

from typing import Any

import pytest

from mediation import Role, RuleRejectedError, ValidationError
from mediation.model import ClockKind, DeadlineStatus, LinkKind

from ..helpers import signed_by_all
from ._support import actor, at, clock, clocks, day, engine, register

POLICE = actor("qt-pcs")
TRAFFIC = actor("qt-jj")
HEALTH = actor("qt-wjj")
COURT_DM = actor("qt-dm")  # the town committee takes court-delegated matters
VILLAGE = actor("qt-dm-dmc")


# -- labour: 15 days from the application (劳动争议调解仲裁法 第十四条; RULES row 14) ------


def test_labour_mediation_counts_from_the_application_not_from_acceptance() -> None:
    """The committee received the written application on Mon 2026-09-14, registered it on
    Wed 09-16 and accepted it on Tue 09-22. 15 days from 09-14 (excluded): 09-15 is day 1,
    day 15 is Tue 09-29, a working day → due 2026-09-29. (Counted from acceptance it would
    be 10-07, in the National Day block, rolled to 10-08: the wrong date.)"""
    e = engine()
    case = register(
        e, "qt-dm-dmc", at("2026-09-16"), category="labour", details={"received_on": "2026-09-14"}
    )
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-09-16", 10), track="people")
    case = e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-09-22"))
    labour = clock(case, "labour_mediation")
    assert (labour.start, labour.due) == (day("2026-09-14"), day("2026-09-29"))
    assert labour.kind is ClockKind.duty


def test_a_committee_s_labour_agreement_says_what_the_labour_law_adds() -> None:
    """RULES.md §6.1: the 劳动争议调解仲裁法 governs a labour dispute whichever organisation
    mediates it (第十条). A village committee's agreement on unpaid wages prints, beside the
    司法确认 paragraph, arbitration on non-performance (第十五条) and the 支付令 (第十六条);
    a neighbours' agreement prints neither."""
    from mediation._demo import agreement

    from ..helpers import signed_by_all

    e = engine()
    who = actor("qt-dm-dmc")
    texts = {}
    for category in ("labour", "neighbor"):
        case = register(e, "qt-dm-dmc", at("2026-09-14"), category=category, summary="拖欠工资",
                        details={"received_on": "2026-09-14"} if category == "labour" else {})  # fmt: skip
        e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track="people",
               level="village")  # fmt: skip
        e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11))
        e.fire(case.id, "inform_rights", actor=who, at=at("2026-09-14", 11, 30))
        e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-14", 14), mediators=[who.id])
        terms = agreement("2026-10-20")
        terms["signatures"] = signed_by_all(
            e.get(case.id), at("2026-09-16", 11), "调解员甲", "东门村人民调解委员会"
        )
        e.fire(case.id, "agree", actor=who, at=at("2026-09-16", 11), agreement=terms)
        texts[category] = str(e.render(case.id, "mediation_agreement"))
    assert "申请司法确认" in texts["labour"]
    assert "《劳动争议调解仲裁法》第十五条" in texts["labour"]
    assert "支付令（《劳动争议调解仲裁法》第十六条）" in texts["labour"]
    assert "劳动争议调解仲裁法" not in texts["neighbor"]


def test_labour_period_across_the_year_end_is_provisional() -> None:
    """Received Thu 2026-12-17: day 15 is Fri 2027-01-01 (元旦, a statutory holiday by rule);
    Sat 01-02 and Sun 01-03 are weekend rest days; the period ends Mon 2027-01-04 — a
    provisional date (no 2027 notice: no make-up day can be known)."""
    e = engine()
    case = register(
        e, "qt-dm-dmc", at("2026-12-18"), category="labour", details={"received_on": "2026-12-17"}
    )
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-12-18", 10), track="people")
    case = e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-12-21"))
    labour = clock(case, "labour_mediation")
    assert labour.due == day("2027-01-04")
    assert labour.estimated


# -- traffic police: 10 working days (程序规定 第八十六、九十条, 第一百一十二条(五); rows 16, 16b) --


def _traffic(e, when, received="2026-09-08", **details):  # type: ignore[no-untyped-def]
    return register(
        e,
        "qt-jj",
        when,
        category="traffic",
        details={
            "track": "administrative",
            "joint_application": True,
            "certificate_received_on": received,
            **details,
        },
    )


def test_traffic_mediation_counts_from_a_start_recorded_after_acceptance() -> None:
    """程序规定 第九十条 (RULES.md row 16b): injury — mediation starts when treatment ends.
    Accepted Mon 2026-09-14 while the injured party is in treatment (``start_pending``): no
    period runs. Treatment ends Tue 10-20, recorded that day: 10 working days → Tue 11-03.
    Accepted without saying so, the period counted from acceptance (due 09-28) is replaced,
    cancelled rather than breached. Only a traffic police case accepted and not yet mediated
    takes the step, and only with a start that has happened. While the start is pending a
    30-day reminder (PRACTICE target) runs: an open case keeps a running clock."""
    e = engine()
    case = _traffic(e, at("2026-09-14", 9))
    e.fire(case.id, "triage", actor=TRAFFIC, at=at("2026-09-14", 10), track="administrative")
    case = e.fire(case.id, "accept", actor=TRAFFIC, at=at("2026-09-14", 11), start_pending=True)
    assert clocks(case, "traffic_police_mediation") == []
    with pytest.raises(RuleRejectedError, match="先记录调解开始"):  # its period would never run
        e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-15"), mediators=["m"])
    reminder = clock(case, "traffic_start_review")  # the case is not left without a clock
    assert (reminder.kind, reminder.due) == (ClockKind.target, day("2026-10-14"))
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "record_mediation_start", actor=TRAFFIC, at=at("2026-10-19"),
               start_on="2026-10-20", event="treatment_ended")  # fmt: skip
    assert err.value.field == "start_on"
    case = e.fire(case.id, "record_mediation_start", actor=TRAFFIC, at=at("2026-10-20", 16),
                  start_on="2026-10-20", event="treatment_ended")  # fmt: skip
    period = clock(case, "traffic_police_mediation")
    assert (period.start, period.due) == (day("2026-10-20"), day("2026-11-03"))
    # the reminder (a target, not a duty: no supervision, no on-time figure) ends, late
    assert clock(case, "traffic_start_review").status is DeadlineStatus.breached
    assert case.details.facts.mediation_start_on == day("2026-10-20")  # type: ignore[union-attr]

    other = _traffic(e, at("2026-09-14", 9))
    e.fire(other.id, "triage", actor=TRAFFIC, at=at("2026-09-14", 10), track="administrative")
    other = e.fire(other.id, "accept", actor=TRAFFIC, at=at("2026-09-14", 11))
    assert clock(other, "traffic_police_mediation").due == day("2026-09-28")
    other = e.fire(other.id, "record_mediation_start", actor=TRAFFIC, at=at("2026-10-20", 16),
                   start_on="2026-10-20", event="treatment_ended")  # fmt: skip
    first, again = clocks(other, "traffic_police_mediation")
    assert first.status is DeadlineStatus.cancelled
    assert (again.start, again.due) == (day("2026-10-20"), day("2026-11-03"))
    with pytest.raises(RuleRejectedError, match="只有一个调解期间"):  # once
        e.fire(other.id, "record_mediation_start", actor=TRAFFIC, at=at("2026-10-21"),
               start_on="2026-10-21", event="loss_fixed")  # fmt: skip
    e.fire(other.id, "start_mediation", actor=TRAFFIC, at=at("2026-10-21"), mediators=["m"],
           notified_on="2026-10-15")  # fmt: skip
    with pytest.raises(RuleRejectedError, match="第九十条"):
        e.fire(other.id, "record_mediation_start", actor=TRAFFIC, at=at("2026-10-22"),
               start_on="2026-10-22", event="loss_fixed")  # fmt: skip
    assert e.verify(other.id).ok


def test_traffic_application_within_ten_working_days_of_the_accident_report() -> None:
    """Report received Tue 2026-09-08. Working days after it: 09-09 (1), 10, 11, 14, 15, 16,
    17, 18 (8), Sun 09-20 (a make-up working day, 9), Mon 09-21 (10): the joint application is
    due by 2026-09-21; registered on 09-22 it is refused."""
    import pytest

    from mediation import ValidationError

    e = engine()
    with pytest.raises(ValidationError) as err:
        _traffic(e, at("2026-09-22"))
    assert err.value.field == "details.certificate_received_on"
    assert "2026-09-21" in str(err.value)
    case = _traffic(e, at("2026-09-21"))
    assert case.state == "received"


def test_traffic_police_mediation_counts_from_the_start_the_rule_names() -> None:
    """Injury: mediation starts when treatment ends, Tue 2026-09-22 (程序规定 第九十条), though
    accepted on Mon 09-21. Working days after 09-22: 09-23 (1), 09-24 (2), [中秋 09-25–27],
    09-28 (3), 09-29 (4), 09-30 (5), [国庆 10-01–07], 10-08 (6), 10-09 (7), Sat 10-10 (make-up,
    8), 10-12 (9), 10-13 (10) → due Tue 2026-10-13.

    A start still to come is not a date the clerk foresees (treatment may go on): acceptance
    says it is pending, and the day is recorded when it comes; a start given ahead is refused
    (dispute v4), at registration and at acceptance alike."""
    import pytest

    from mediation import ValidationError

    e = engine()
    with pytest.raises(ValidationError) as err:
        _traffic(e, at("2026-09-21", 9), mediation_start_on="2026-09-22")
    assert err.value.field == "details.mediation_start_on"
    case = _traffic(e, at("2026-09-21", 9))
    e.fire(case.id, "triage", actor=TRAFFIC, at=at("2026-09-21", 10), track="administrative")
    with pytest.raises(ValidationError) as err:
        e.fire(
            case.id,
            "accept",
            actor=TRAFFIC,
            at=at("2026-09-21", 11),
            mediation_start_on="2026-09-22",
        )
    assert err.value.field == "mediation_start_on"
    e.fire(case.id, "accept", actor=TRAFFIC, at=at("2026-09-21", 11), start_pending=True)
    case = e.fire(
        case.id,
        "record_mediation_start",
        actor=TRAFFIC,
        at=at("2026-09-22", 9),
        start_on="2026-09-22",
        event="treatment_ended",
    )
    police = clock(case, "traffic_police_mediation")
    assert (police.start, police.due) == (day("2026-09-22"), day("2026-10-13"))


def test_traffic_joint_written_application_is_required() -> None:
    """程序规定 第八十六条: all parties apply jointly in writing."""
    import pytest

    from mediation import RuleRejectedError

    e = engine()
    with pytest.raises(RuleRejectedError):
        _traffic(e, at("2026-09-21"), joint_application=False)


def test_triage_into_traffic_police_mediation_checks_the_application_too() -> None:
    """Registered at the traffic police without a track, then triaged into its mediation
    (workflow version 3 on): the joint written application (第八十六条) is needed here too,
    and an application on Mon 2026-09-21 for a report received Mon 08-03 is out of its 10
    working days (→ Mon 08-17)."""
    import pytest

    from mediation import ValidationError

    e = engine()
    case = register(e, "qt-jj", at("2026-09-21"), category="traffic")
    assert case.workflow_version >= 3
    with pytest.raises(ValidationError, match="共同书面申请") as err:
        e.fire(case.id, "triage", actor=TRAFFIC, at=at("2026-09-21", 10), track="administrative")
    assert err.value.field == "joint_application"
    with pytest.raises(ValidationError, match="2026-08-17"):
        e.fire(
            case.id,
            "triage",
            actor=TRAFFIC,
            at=at("2026-09-21", 10),
            track="administrative",
            joint_application=True,
            certificate_received_on="2026-08-03",
        )
    triaged = e.fire(
        case.id,
        "triage",
        actor=TRAFFIC,
        at=at("2026-09-21", 10),
        track="administrative",
        joint_application=True,
        certificate_received_on="2026-09-14",
    )
    assert triaged.details.facts.certificate_received_on == day("2026-09-14")
    # People's mediation of the same matter needs none of it.
    other = register(e, "qt-dm-dmc", at("2026-09-21"), category="traffic")
    e.fire(other.id, "triage", actor=VILLAGE, at=at("2026-09-21", 10), track="people")


def test_an_application_for_traffic_police_mediation_gives_the_report_s_day() -> None:
    """第八十六条: the parties apply within 10 working days of receiving the accident report;
    without its day the period cannot be checked. From version 10 the application gives it,
    at registration on the track or at triage into it; version 9 took it without."""
    from mediation import Actor

    e = engine()
    with pytest.raises(ValidationError, match="第八十六条") as at_intake:
        register(e, "qt-jj", at("2026-09-21"), category="traffic",
                 details={"track": "administrative", "joint_application": True})  # fmt: skip
    assert at_intake.value.field.endswith("certificate_received_on")
    case = register(e, "qt-jj", at("2026-09-21"), category="traffic")
    before = e.get(case.id)
    with pytest.raises(ValidationError, match="第八十六条") as at_triage:
        e.fire(case.id, "triage", actor=TRAFFIC, at=at("2026-09-21", 10),
               track="administrative", joint_application=True)  # fmt: skip
    assert at_triage.value.field == "certificate_received_on"
    assert e.get(case.id) == before

    old = register(e, "qt-jj", at("2026-09-21"), category="traffic")
    e.migrate_case(old.id, to_version=9, actor=Actor.system(), at=at("2026-09-21", 9, 30))
    taken = e.fire(old.id, "triage", actor=TRAFFIC, at=at("2026-09-21", 10),
                   track="administrative", joint_application=True)  # fmt: skip
    assert (taken.state, taken.workflow_version) == ("triaged", 9)


def _failed_people_traffic(e):  # type: ignore[no-untyped-def]
    case = register(e, "qt-dm-dmc", at("2026-09-21"), category="traffic")
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-09-21", 10), track="people")
    e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-09-21", 11))
    e.fire(case.id, "inform_rights", actor=VILLAGE, at=at("2026-09-21", 12))
    e.fire(case.id, "start_mediation", actor=VILLAGE, at=at("2026-09-22"), mediators=["m"])
    return e.fire(
        case.id,
        "terminate",
        actor=VILLAGE,
        at=at("2026-09-30", 16),
        reason="双方对赔偿数额分歧过大",
        remedies_informed=True,
    )


def _to_traffic_police(e, case, when):  # type: ignore[no-untyped-def]
    return e.fire(
        case.id,
        "hand_off",
        actor=VILLAGE,
        at=when,
        track="administrative",
        unit="qt-jj",
        reason="人民调解不成，双方共同申请交警调解",
        consent=True,
    )


def test_switch_to_traffic_police_within_three_working_days_of_termination() -> None:
    """People's mediation ended Wed 2026-09-30. Working days after it: [国庆 10-01–07],
    10-08 (1), 10-09 (2), Sat 10-10 (make-up, 3): the switch is due by 2026-10-10
    (程序规定 第八十五条); on Mon 10-12 it is refused, even if the committee recorded
    something on the case in between (the period runs from the termination)."""
    import pytest

    from mediation import RuleRejectedError

    e = engine()
    case = _failed_people_traffic(e)
    e.fire(
        case.id,
        "assess_risk",
        actor=VILLAGE,
        at=at("2026-10-09"),
        level="low",
        finding="双方情绪平稳",
    )
    with pytest.raises(RuleRejectedError) as err:
        _to_traffic_police(e, case, at("2026-10-12"))
    assert "2026-10-10" in err.value.reason
    handed = _to_traffic_police(e, case, at("2026-10-10", 10))
    assert handed.state == "handed_off"


def test_the_three_working_days_bind_only_an_application_to_the_traffic_police() -> None:
    """程序规定 第八十五条's window (to Sat 10-10 here) is for the parties' joint application
    to the traffic police. Handing the failed traffic-damages dispute to the town
    government's administrative mediation on Mon 10-12 is not such an application."""
    e = engine()
    case = _failed_people_traffic(e)
    handed = e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-10-12", 10),
                    track="administrative", unit="qt-dmz", reason="请求镇政府行政调解",
                    consent=True)  # fmt: skip
    assert handed.state == "handed_off"


def test_the_switch_is_not_refused_by_the_accident_report_window() -> None:
    """The accident report came on Tue 2026-08-25: its 10 working days (第八十六条) ended
    long before people's mediation did (Wed 09-30). A switch on Thu 10-08, inside the 3
    working days after the termination (第八十五条), is in time, and the report's date
    is kept on the police case."""
    e = engine()
    case = _failed_people_traffic(e)
    handed = e.fire(
        case.id,
        "hand_off",
        actor=VILLAGE,
        at=at("2026-10-08", 10),
        track="administrative",
        unit="qt-jj",
        reason="人民调解不成，双方共同申请交警调解",
        consent=True,
        certificate_received_on="2026-08-25",
    )
    assert handed.state == "handed_off"
    police = e.get(next(lk.case_id for lk in handed.links if lk.kind is LinkKind.handed_off_to))
    assert police.details.facts.certificate_received_on == day("2026-08-25")


def test_the_parties_may_apply_to_the_traffic_police_themselves_after_the_committee() -> None:
    """程序规定 第八十五条: after the committee ended people's mediation on Wed 2026-09-30, the
    parties themselves apply jointly to the traffic police (not through a hand-off) on Thu
    10-08: in time (3 working days → Sat 10-10, a make-up working day), though the report's
    10 working days (第八十六条, from 08-25) ran out long before. On Mon 10-12 it is late,
    refused naming ``details.mediation_ended_on`` and 第八十五条. A clerk cannot set ``handed_from``
    at registration to skip the window."""
    e = engine()
    _failed_people_traffic(e)
    police = {"track": "administrative", "joint_application": True,
              "certificate_received_on": "2026-08-25", "mediation_ended_on": "2026-09-30"}  # fmt: skip
    with pytest.raises(ValidationError) as late:
        register(e, "qt-jj", at("2026-10-12"), category="traffic", details=police)
    assert late.value.field == "details.mediation_ended_on"
    assert "第八十五条" in late.value.basis
    with pytest.raises(ValidationError) as skipped:
        register(e, "qt-jj", at("2026-10-12"), category="traffic",
                 details={**police, "mediation_ended_on": None, "handed_from": "people"})  # fmt: skip
    assert skipped.value.field == "details.handed_from"
    case = register(e, "qt-jj", at("2026-10-08"), category="traffic", details=police)
    assert case.details.track == "administrative"


# -- medical: 5 working days to accept, 30 working days, appraisal excluded (第四十条; row 15a) --


def test_health_department_decides_on_acceptance_in_five_working_days() -> None:
    """Application received Tue 2026-09-29: 09-30 (1), [国庆], 10-08 (2), 10-09 (3),
    Sat 10-10 (make-up, 4), 10-12 (5) → due Mon 2026-10-12 (not the 3-day practice default)."""
    e = engine()
    case = register(
        e,
        "qt-wjj",
        at("2026-09-30"),
        category="medical",
        details={"track": "administrative", "received_on": "2026-09-29"},
    )
    accept = clock(case, "medical_admin_accept")
    assert (accept.start, accept.due) == (day("2026-09-29"), day("2026-10-12"))
    assert accept.kind is ClockKind.duty
    assert not clocks(case, "dispute_acceptance")


def test_only_the_county_health_department_mediates_a_medical_dispute_administratively() -> None:
    """《医疗纠纷预防和处理条例》第四十条: the application goes to the county-level health
    department where the dispute arose. A town government registering it on the
    administrative track cannot accept it (it hands it on); the county 卫健局 can."""
    e = engine()
    town = actor("qt-dmz")
    case = register(e, "qt-dmz", at("2026-03-02"), category="medical",
                    details={"track": "administrative"})  # fmt: skip
    case = e.fire(case.id, "triage", actor=town, at=at("2026-03-02", 10), track="administrative")
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "accept", actor=town, at=at("2026-03-03"), other_side_consents=True)
    assert err.value.basis == "《医疗纠纷预防和处理条例》第四十条"
    assert e.get(case.id) == case
    health = register(e, "qt-wjj", at("2026-03-02"), category="medical",
                      details={"track": "administrative", "duplicate_decision": "new_case",
                               "duplicate_reason": "向县卫健局申请"})  # fmt: skip
    e.fire(health.id, "triage", actor=HEALTH, at=at("2026-03-02", 10), track="administrative")
    assert (
        e.fire(
            health.id, "accept", actor=HEALTH, at=at("2026-03-03"), other_side_consents=True
        ).state
        == "accepted"
    )


def test_medical_mediation_thirty_working_days_with_appraisal_excluded() -> None:
    """Accepted Fri 2026-10-09. Working days after it: Sat 10-10 (make-up, 1), 10-12–16 (2–6),
    10-19–23 (7–11), 10-26–30 (12–16), 11-02–06 (17–21), 11-09–13 (22–26), 11-16 (27),
    11-17 (28), 11-18 (29), 11-19 (30) → due Thu 2026-11-19. Appraisal from Tue 10-20 to Tue
    10-27 excludes the working days 10-21, 22, 23, 26, 27 (five): 11-20 (1), 11-23 (2),
    11-24 (3), 11-25 (4), 11-26 (5) → due Thu 2026-11-26. Time paused for another reason
    is not excluded."""
    e = engine()
    case = register(
        e, "qt-wjj", at("2026-09-30"), category="medical", details={"track": "administrative"}
    )
    e.fire(case.id, "triage", actor=HEALTH, at=at("2026-09-30", 10), track="administrative")
    case = e.fire(case.id, "accept", actor=HEALTH, at=at("2026-10-09"), other_side_consents=True)
    assert clock(case, "medical_admin_mediation").due == day("2026-11-19")
    e.fire(case.id, "start_mediation", actor=HEALTH, at=at("2026-10-12"), mediators=["m"])
    e.fire(case.id, "suspend", actor=HEALTH, at=at("2026-10-20"), reason="appraisal")
    case = e.fire(case.id, "resume", actor=HEALTH, at=at("2026-10-27"))
    assert clock(case, "medical_admin_mediation").due == day("2026-11-26")


def test_medical_people_mediation_past_its_period_is_deemed_failed() -> None:
    """《医疗纠纷预防和处理条例》第三十八条: 30 working days from acceptance (Mon 2026-03-02
    → Tue 04-14, 清明 04-04–06 skipped); unless every side agrees to extend, an agreement
    after that is refused (视为调解不成) and the mediation is terminated. Extended by the
    parties' consent, the same agreement is taken."""
    import pytest

    from mediation import RuleRejectedError
    from mediation._demo import agreement

    hospital_town = actor("qt-yt")

    def mediating() -> Any:
        case = register(e, "qt-yt", at("2026-03-02"), category="medical")
        e.fire(case.id, "triage", actor=hospital_town, at=at("2026-03-02", 10), track="people")
        e.fire(
            case.id,
            "accept",
            actor=hospital_town,
            at=at("2026-03-02", 11),
            other_side_consents=True,
        )
        e.fire(case.id, "inform_rights", actor=hospital_town, at=at("2026-03-02", 12))
        return e.fire(
            case.id, "start_mediation", actor=hospital_town, at=at("2026-03-03"), mediators=["m"]
        )

    e = engine()
    late = mediating()
    assert clock(late, "medical_people_mediation").due == day("2026-04-14")
    with pytest.raises(RuleRejectedError, match="视为调解不成"):
        e.fire(
            late.id,
            "agree",
            actor=hospital_town,
            at=at("2026-05-06", 10),
            agreement=agreement("2026-05-30"),
        )
    ended = e.fire(
        late.id,
        "terminate",
        actor=hospital_town,
        at=at("2026-05-06", 11),
        reason="期限届满未达成协议",
        remedies_informed=True,
    )
    assert ended.state == "failed"

    extended = mediating()
    e.extend_deadline(
        extended.id,
        clock(extended, "medical_people_mediation").id,
        length=20,
        approver="parties_consent",
        reason="双方同意延长",
        actor=hospital_town,
        at=at("2026-04-10"),
    )
    agreed = e.fire(
        extended.id,
        "agree",
        actor=hospital_town,
        at=at("2026-05-06", 10),
        agreement=agreement("2026-05-30"),
    )
    assert agreed.state == "agreed"


def test_medical_people_mediation_needs_the_other_sides_consent() -> None:
    """《医疗纠纷预防和处理条例》第三十一条: both apply, or one applies and the other consents."""
    import pytest

    from mediation import ValidationError

    e = engine()
    yt = actor("qt-yt")
    case = register(e, "qt-yt", at("2026-03-02"), category="medical")
    e.fire(case.id, "triage", actor=yt, at=at("2026-03-02", 10), track="people")
    with pytest.raises(ValidationError):
        e.fire(case.id, "accept", actor=yt, at=at("2026-03-02", 11))
    case = e.fire(case.id, "accept", actor=yt, at=at("2026-03-02", 11), other_side_consents=True)
    # 30 working days from Mon 03-02: 03-03–06 (1–4), 03-09–13 (5–9), 16–20 (10–14),
    # 23–27 (15–19), 03-30–04-03 (20–24), [清明 04-04–06], 04-07–10 (25–28), 04-13 (29),
    # 04-14 (30) → Tue 2026-04-14.
    assert clock(case, "medical_people_mediation").due == day("2026-04-14")


# -- 治安调解 (程序规定 第一百七十八、一百七十九、一百八十三、一百八十五条; row 17) ----------------


def _public_order(e, when=None):  # type: ignore[no-untyped-def]
    case = register(
        e,
        "qt-pcs",
        when or at("2026-09-28"),
        category="public_order",
        channel="police_110",
        details={"track": "administrative"},
    )
    e.fire(case.id, "triage", actor=POLICE, at=at("2026-09-28", 10), track="administrative")
    return case


def test_public_order_mediation_only_for_an_eligible_act() -> None:
    """第一百七十八条: an act the rule lists is required; 第一百七十九条: an excluded case (a
    party clearly unwilling) is not mediated — it goes to the penalty procedure."""
    import pytest

    from mediation import ValidationError

    e = engine()
    case = _public_order(e)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"))
    assert err.value.field == "act"
    ended = e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), excluded_by="gang")
    assert ended.state == "not_accepted"
    assert "第一百七十九条" in (ended.outcome or "")


@pytest.mark.parametrize("ground", ["trifles", "victim_fault", "conducive"])
def test_a_listed_act_is_mediated_only_in_one_of_the_three_circumstances(ground: str) -> None:
    """第一百七十八条第一款 (dispute v4): a minor act of a civil dispute "且具有下列情形之一的"
    may be mediated — a quarrel over trifles among relatives, neighbours, colleagues or
    students; the victim's own prior fault; or mediation otherwise likelier to resolve it.
    The act alone is refused, naming the missing input and the three circumstances, and the
    case is left as it was; with any one of them the case is accepted and its first session
    is due within 3 working days."""
    e = engine()
    case = _public_order(e)
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault")
    assert err.value.field == "ground"
    assert "第一百七十八条第一款" in str(err.value)
    assert "因琐事发生纠纷" in str(err.value)
    assert "被侵害人事前的过错" in str(err.value)
    assert e.get(case.id) == before
    accepted = e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault",
                      ground=ground)  # fmt: skip
    assert accepted.state == "accepted"
    assert clock(accepted, "public_security_first_session").due == day("2026-10-09")
    assert e.history(case.id)[-1].data["ground"] == ground


def _resident_id(body: str) -> str:
    """A resident ID with its GB 11643 check digit (invented persons)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def _public_order_with(e, *others):  # type: ignore[no-untyped-def]
    """治安调解 between 张三 and a respondent (and whoever else), accepted on 09-29."""
    from mediation import Party

    applicant = Party.person("张三", id_number="332522196503120014", phone="13800000001",
                             address="青田县东门镇东门村12号")  # fmt: skip
    case = register(e, "qt-pcs", at("2026-09-28"), category="public_order", channel="police_110",
                    details={"track": "administrative"}, parties=[applicant, *others])  # fmt: skip
    e.fire(case.id, "triage", actor=POLICE, at=at("2026-09-28", 10), track="administrative")
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    return case


def test_a_minor_is_mediated_with_a_guardian_and_the_violator_sends_no_agent() -> None:
    """程序规定 第一百八十一条 (dispute v4): a 14-year-old respondent is mediated only with a
    parent or guardian present; a minor of 16 living on their own income may agree to go
    without; an adult violator may not send an agent. Each refusal leaves the case as it
    was."""
    import pytest

    from mediation import Party, RuleRejectedError, ValidationError

    e = engine()
    minor = Party.person("王小五", id_number=_resident_id("33112120120315003"), role="respondent",
                         phone="13800000005", address="青田县东门镇东门村14号")  # fmt: skip
    case = _public_order_with(e, minor)
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError, match="监护人"):
        e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09"), mediators=["m"])
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09"), mediators=["m"],
               guardian_not_notified=["p2"])  # fmt: skip
    assert err.value.field == "guardian_not_notified"
    assert e.get(case.id) == before
    guardian = Party.person("王五", role="agent", agent_of="王小五", phone="13800000003")
    guarded = _public_order_with(e, minor, guardian)
    started = e.fire(guarded.id, "start_mediation", actor=POLICE, at=at("2026-10-09"),
                     mediators=["m"])  # fmt: skip
    assert started.state == "mediating"

    working = Party.person("王小六", id_number=_resident_id("33112120100101003"),
                           role="respondent", phone="13800000006", address="东门村15号")  # fmt: skip
    alone = _public_order_with(e, working)  # 16 on 2026-10-09
    e.fire(alone.id, "start_mediation", actor=POLICE, at=at("2026-10-09"), mediators=["m"],
           guardian_not_notified=["p2"])  # fmt: skip

    adult = Party.person("王五", id_number="332522195811040038", role="respondent",
                         phone="13800000003", address="东门村14号")  # fmt: skip
    lawyer = Party.person("钱律师", role="agent", agent_of="王五", phone="13800000009")
    represented = _public_order_with(e, adult, lawyer)
    with pytest.raises(RuleRejectedError, match="不得委托"):
        e.fire(represented.id, "start_mediation", actor=POLICE, at=at("2026-10-09"),
               mediators=["m"])  # fmt: skip


def test_a_mutual_fight_names_both_violators_and_an_injured_respondent_may_send_an_agent() -> None:
    """程序规定 第一百八十一条 (dispute v4): who may not send an agent is the person who violated
    public order, not whoever is registered as respondent. ``violators`` names them: in a
    mutual fight both, so neither is represented; where the applicant struck first, the
    injured respondent's lawyer takes part. A name that is no party, or ``violators`` on
    another track, is refused and leaves the case as it was."""
    import pytest

    from mediation import Party, RuleRejectedError, ValidationError

    e = engine()
    adult = Party.person("王五", id_number="332522195811040038", role="respondent",
                         phone="13800000003", address="东门村14号")  # fmt: skip
    for_respondent = Party.person("钱律师", role="agent", agent_of="王五", phone="13800000009")
    for_applicant = Party.person("孙律师", role="agent", agent_of="张三", phone="13800000008")

    injured = _public_order_with(e, adult, for_respondent)
    with pytest.raises(RuleRejectedError, match="不得委托"):
        e.fire(injured.id, "start_mediation", actor=POLICE, at=at("2026-10-09"), mediators=["m"])
    before = e.get(injured.id)
    with pytest.raises(ValidationError) as err:
        e.fire(injured.id, "start_mediation", actor=POLICE, at=at("2026-10-09"),
               mediators=["m"], violators=["p1", "p3"])  # fmt: skip
    assert err.value.field == "violators[1]"  # p3 is the respondent's agent
    assert e.get(injured.id) == before
    started = e.fire(injured.id, "start_mediation", actor=POLICE, at=at("2026-10-09"),
                     mediators=["m"], violators=["p1"])  # fmt: skip
    assert started.state == "mediating"

    mutual = _public_order_with(e, adult, for_applicant)
    with pytest.raises(RuleRejectedError, match="张三"):
        e.fire(mutual.id, "start_mediation", actor=POLICE, at=at("2026-10-09"),
               mediators=["m"], violators=["p1", "p2"])  # fmt: skip
    plain = _public_order_with(e, adult)
    assert e.fire(plain.id, "start_mediation", actor=POLICE, at=at("2026-10-09"),
                  mediators=["m"], violators=["p1", "p2"]).state == "mediating"  # fmt: skip

    staff = actor("qt-dm-dmc")
    people = register(e, "qt-dm-dmc", at("2026-10-08"))
    for trigger, data in (("triage", {"track": "people", "level": "village"}),
                          ("accept", {}), ("inform_rights", {})):  # fmt: skip
        e.fire(people.id, trigger, actor=staff, at=at("2026-10-08", 10), **data)
    with pytest.raises(ValidationError) as err:
        e.fire(people.id, "start_mediation", actor=staff, at=at("2026-10-09"),
               mediators=["m"], violators=["p2"])  # fmt: skip
    assert err.value.field == "violators"


def test_public_order_first_session_three_working_days_from_acceptance_or_appraisal() -> None:
    """Accepted Tue 2026-09-29: 09-30 (1), [国庆], 10-08 (2), 10-09 (3) → first session due
    Fri 2026-10-09. With the injury appraisal issued Fri 10-09: Sat 10-10 (make-up, 1),
    10-12 (2), 10-13 (3) → due Tue 2026-10-13 (工作规范 第九条)."""
    e = engine()
    case = _public_order(e)
    case = e.fire(
        case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles"
    )
    assert clock(case, "public_security_first_session").due == day("2026-10-09")
    other = _public_order(e)
    other = e.fire(
        other.id, "accept", actor=POLICE, at=at("2026-09-29"), act="injury", ground="trifles"
    )
    with pytest.raises(ValidationError) as err:  # not issued yet: recorded when it is
        e.fire(
            other.id, "record_appraisal", actor=POLICE, at=at("2026-10-08"), issued_on="2026-10-09"
        )
    assert err.value.field == "issued_on"
    other = e.fire(
        other.id, "record_appraisal", actor=POLICE, at=at("2026-10-09", 15), issued_on="2026-10-09"
    )
    assert clock(other, "public_security_first_session").due == day("2026-10-13")


def test_a_party_refusing_public_order_mediation_cites_the_police_rules() -> None:
    """治安调解 (dispute v4): a party clearly unwilling before acceptance — 程序规定
    第一百七十九条, not the People's Mediation Law; a party leaving the session — mediation
    failed, the penalty follows (第一百八十五条) and the handling clock runs again."""
    e = engine()
    before = _public_order(e)
    refused = e.fire(before.id, "party_refuses", actor=POLICE, at=at("2026-09-29"),
                     party=before.parties[0].id)  # fmt: skip
    assert refused.state == "not_accepted"
    assert refused.outcome is not None
    assert refused.outcome.endswith(
        "明确表示不愿意调解处理，不予调解（《公安机关办理行政案件程序规定》第一百七十九条）"
    )
    during = _public_order(e)
    e.fire(during.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    e.fire(during.id, "inform_rights", actor=POLICE, at=at("2026-09-29", 11))
    e.fire(during.id, "start_mediation", actor=POLICE, at=at("2026-09-30"), mediators=[POLICE.id])
    failed = e.fire(during.id, "party_refuses", actor=POLICE, at=at("2026-09-30", 11),
                    party=during.parties[1].id, remedies_informed=True)  # fmt: skip
    assert failed.state == "failed"
    assert "第一百八十五条" in (failed.outcome or "")
    assert "人民调解法" not in (failed.outcome or "")
    assert clock(failed, "public_security_handling").is_open
    assert e.verify(during.id).ok


def test_public_order_appraisal_issued_after_acceptance_restarts_the_first_session() -> None:
    """The usual order: accepted Tue 09-29 (first session due Fri 10-09), the injury
    appraisal issued Fri 10-09 and recorded that day: the 3 working days count again from it
    → Tue 10-13 (10-10 a make-up Saturday); the clock counted from acceptance is cancelled,
    not breached. Once the first session is held, an appraisal no longer moves it."""
    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="injury", ground="trifles")
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "record_appraisal", actor=POLICE, at=at("2026-10-08"),
               issued_on="2026-10-09")  # fmt: skip
    assert err.value.field == "issued_on"
    moved = e.fire(case.id, "record_appraisal", actor=POLICE, at=at("2026-10-09", 16),
                   issued_on="2026-10-09")  # fmt: skip
    firsts = clocks(moved, "public_security_first_session")
    assert [(d.status, d.due) for d in firsts] == [
        (DeadlineStatus.cancelled, day("2026-10-09")),
        (DeadlineStatus.running, day("2026-10-13")),
    ]
    assert moved.state == "accepted"
    e.fire(case.id, "inform_rights", actor=POLICE, at=at("2026-10-12"))
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-13"), mediators=[POLICE.id])
    with pytest.raises(RuleRejectedError, match="第一百八十三条"):
        e.fire(case.id, "record_appraisal", actor=POLICE, at=at("2026-10-14"),
               issued_on="2026-10-14")  # fmt: skip
    assert e.verify(case.id).ok


def test_public_order_appraisal_before_acceptance_counts_from_acceptance() -> None:
    """An appraisal issued Mon 09-21, before the police accepted on Tue 09-29: the session
    cannot come before acceptance, so the 3 working days run from acceptance → Fri 10-09."""
    e = engine()
    case = _public_order(e)
    case = e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="injury", ground="trifles",
                  appraisal_issued_on="2026-09-21")  # fmt: skip
    assert clock(case, "public_security_first_session").due == day("2026-10-09")


def test_only_public_order_mediation_waits_for_an_appraisal() -> None:
    """A village committee's people's mediation has no appraisal-based first session."""
    e = engine()
    case = register(e, "qt-dm-dmc", at("2026-09-28"))
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-09-28", 10), track="people",
           level="village")  # fmt: skip
    e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-09-28", 11))
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError, match="治安调解"):
        e.fire(case.id, "record_appraisal", actor=VILLAGE, at=at("2026-09-29"),
               issued_on="2026-09-29")  # fmt: skip
    assert e.get(case.id) == before


def test_public_order_at_most_two_sessions_the_second_within_seven_working_days() -> None:
    """First session Fri 2026-10-09: Sat 10-10 (make-up, 1), 10-12 (2) … 10-16 (6),
    10-19 (7): a second session is allowed until Mon 2026-10-19 — held on 10-16 it is in
    time; a third is refused (第一百八十三条). While the police decide on a second session
    a clock runs (every open case has one)."""
    import pytest

    from mediation import RuleRejectedError

    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    case = e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09"), mediators=["m"])
    assert clock(case, "public_security_first_session").status is DeadlineStatus.met
    assert any(d.is_open for d in case.deadlines)
    case = e.fire(case.id, "second_session", actor=POLICE, at=at("2026-10-16"))
    assert len(case.details.sessions) == 2  # type: ignore[union-attr]
    with pytest.raises(RuleRejectedError):
        e.fire(case.id, "second_session", actor=POLICE, at=at("2026-10-19"))


def test_public_order_second_session_after_seven_working_days_is_refused() -> None:
    """First session Fri 2026-10-09: Sat 10-10 (1), 10-12 (2) … 10-16 (6), 10-19 (7): a
    second session on Tue 10-20 is out of time (第一百八十三条)."""
    import pytest

    from mediation import RuleRejectedError

    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    case = e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09"), mediators=["m"])
    second = clock(case, "public_security_second_session")
    assert (second.start, second.due) == (day("2026-10-09"), day("2026-10-19"))
    with pytest.raises(RuleRejectedError):
        e.fire(case.id, "second_session", actor=POLICE, at=at("2026-10-20"))


def test_public_order_failure_returns_to_the_penalty_procedure() -> None:
    """Failed on Fri 2026-10-09: the 30-day case-handling period runs afresh from that day
    (第一百八十五条): day 30 is Sun 11-08 → rolls to Mon 2026-11-09. The case cannot close
    until the penalty decision is made; the decision meets the clock."""
    import pytest

    from mediation import RuleRejectedError

    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["m"])
    case = e.fire(
        case.id,
        "terminate",
        actor=POLICE,
        at=at("2026-10-09", 11),
        reason="双方未达成协议",
        remedies_informed=True,
    )
    handling = clock(case, "public_security_handling")
    assert (handling.start, handling.due) == (day("2026-10-09"), day("2026-11-09"))
    with pytest.raises(RuleRejectedError):
        e.fire(case.id, "close", actor=POLICE, at=at("2026-10-20"))
    case = e.fire(case.id, "decide_penalty", actor=POLICE, at=at("2026-10-20"))
    assert clock(case, "public_security_handling").status is DeadlineStatus.met
    case = e.fire(case.id, "close", actor=POLICE, at=at("2026-10-21"))
    assert case.state == "closed"


def test_public_order_handling_period_runs_from_acceptance_and_restarts() -> None:
    """程序规定 第一百六十五条: the police's 30 days run from acceptance — Tue 2026-09-29,
    day 30 Thu 10-29. Mediation fails on Fri 10-09: the period counts afresh from that day
    (第一百八十五条; RULES.md row 17, "restarts") → Mon 11-09; the first is replaced
    (cancelled), not breached. An agreement in effect disposes of the case (治安管理处罚法
    第九条): the period from acceptance is met and nothing is left running."""
    e = engine()
    case = _public_order(e)
    case = e.fire(
        case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles"
    )
    handling = clock(case, "public_security_handling")
    assert (handling.start, handling.due) == (day("2026-09-29"), day("2026-10-29"))
    assert handling.status is DeadlineStatus.running
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["m"])
    failed = e.fire(case.id, "terminate", actor=POLICE, at=at("2026-10-09", 11),
                    reason="双方未达成协议", remedies_informed=True)  # fmt: skip
    first, again = clocks(failed, "public_security_handling")
    assert first.status is DeadlineStatus.cancelled  # replaced in time: no lateness
    assert (again.start, again.due, again.status) == (
        day("2026-10-09"),
        day("2026-11-09"),
        DeadlineStatus.running,
    )

    agreed = _public_order_agreed(e)
    [handling] = clocks(agreed, "public_security_handling")
    assert (handling.start, handling.status) == (day("2026-09-29"), DeadlineStatus.met)
    assert handling.closed_at == at("2026-10-09", 11)
    assert e.verify(agreed.id).ok


def test_public_order_appraisal_time_is_left_out_of_the_handling_period() -> None:
    """程序规定 第一百六十五条 (鉴定期间不计入办案期限; RULES.md §5.6): accepted Tue
    2026-09-29, the handling period due Thu 10-29; the injury appraisal commissioned Wed 09-30
    and issued Fri 11-06, recorded that day: the 37 days (09-30, 11-06] are left out → Sat
    12-05, a rest day → Mon 12-07; the first session counts from the appraisal (Wed 11-11).
    After a failure the restarted period leaves out a later appraisal's time too; an
    appraisal is commissioned before it is issued."""
    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="injury", ground="trifles")
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "record_appraisal", actor=POLICE, at=at("2026-11-06"),
               issued_on="2026-11-06", commissioned_on="2026-11-07")  # fmt: skip
    assert err.value.field == "commissioned_on"
    case = e.fire(case.id, "record_appraisal", actor=POLICE, at=at("2026-11-06"),
                  issued_on="2026-11-06", commissioned_on="2026-09-30")  # fmt: skip
    handling = clock(case, "public_security_handling")
    assert (handling.start, handling.due, handling.paused) == (
        day("2026-09-29"),
        day("2026-12-07"),
        37,
    )
    assert clock(case, "public_security_first_session").due == day("2026-11-11")
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-11-10"), mediators=["m"])
    e.fire(case.id, "terminate", actor=POLICE, at=at("2026-11-10", 11),
           reason="双方未达成协议", remedies_informed=True)  # fmt: skip
    with pytest.raises(RuleRejectedError):  # nothing to do without the commission date
        e.fire(case.id, "record_appraisal", actor=POLICE, at=at("2026-11-20"),
               issued_on="2026-11-20")  # fmt: skip
    case = e.fire(case.id, "record_appraisal", actor=POLICE, at=at("2026-11-20"),
                  issued_on="2026-11-20", commissioned_on="2026-11-12", kind="价格认定")  # fmt: skip
    again = clock(case, "public_security_handling")
    assert (again.start, again.paused, again.due) == (day("2026-11-10"), 8, day("2026-12-18"))
    assert e.verify(case.id).ok


def test_police_mediation_ends_in_a_written_agreement() -> None:
    """治安调解 makes a 治安调解协议书 (程序规定 第一百八十四条), unless mediated on the spot
    and recorded on video (第一百七十八条); the traffic police a 调解书 (第九十条). An oral
    agreement is refused, the case unchanged."""
    from mediation._demo import agreement

    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["m"])
    oral = {**agreement("2026-10-09"), "form": "oral"}
    before = e.get(case.id)
    with pytest.raises(ValidationError, match="第一百八十四条") as err:
        e.fire(case.id, "agree", actor=POLICE, at=at("2026-10-09", 10), agreement=oral)
    assert err.value.field == "agreement.form"
    assert e.get(case.id) == before
    on_the_spot = e.fire(case.id, "agree", actor=POLICE, at=at("2026-10-09", 10),
                         agreement=oral, on_the_spot_video=True)  # fmt: skip
    assert on_the_spot.state == "agreed"

    traffic = _traffic(e, at("2026-09-14", 9))
    e.fire(traffic.id, "triage", actor=TRAFFIC, at=at("2026-09-14", 10), track="administrative")
    e.fire(traffic.id, "accept", actor=TRAFFIC, at=at("2026-09-14", 11))
    e.fire(traffic.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-17"), mediators=["m"],
           notified_on="2026-09-14")  # fmt: skip
    with pytest.raises(ValidationError, match="第九十条"):
        e.fire(traffic.id, "agree", actor=TRAFFIC, at=at("2026-09-18"), agreement=oral)


def test_a_failed_public_order_mediation_is_penalised_before_a_hand_off() -> None:
    """程序规定 第一百八十五条: failed → the police penalise. Handing the case to a committee
    first would end it with the penalty undecided: refused, the case unchanged. After the
    decision the civil claim may go to the committee."""
    e = engine()
    case = _public_order(e)
    e.fire(
        case.id, "accept", actor=POLICE, at=at("2026-09-29", 11), act="assault", ground="trifles"
    )
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-09-30"), mediators=["m"])
    e.fire(case.id, "terminate", actor=POLICE, at=at("2026-09-30", 11),
           reason="未达成协议", remedies_informed=True)  # fmt: skip
    before = e.get(case.id)
    hand_off = {"track": "people", "unit": "qt-dm-dmc", "reason": "转人民调解", "consent": True}
    with pytest.raises(RuleRejectedError, match="第一百八十五条"):
        e.fire(case.id, "hand_off", actor=POLICE, at=at("2026-10-08"), **hand_off)
    assert e.get(case.id) == before
    e.fire(case.id, "decide_penalty", actor=POLICE, at=at("2026-10-09"))
    handed = e.fire(case.id, "hand_off", actor=POLICE, at=at("2026-10-12"), **hand_off)
    assert handed.state == "handed_off"
    # Accepted and not yet mediated, nothing has failed: 警调对接 is open (第一百八十六条).
    other = _public_order(e)
    e.fire(
        other.id, "accept", actor=POLICE, at=at("2026-09-29", 11), act="assault", ground="trifles"
    )
    assert e.fire(other.id, "hand_off", actor=POLICE, at=at("2026-09-30"), **hand_off).state == (
        "handed_off"
    )


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_an_organ_s_rights_notice_is_its_own_not_a_committee_s(fmt: str) -> None:
    """RULES.md §6.4, §6.5: police mediation is not people's mediation. The notice of rights
    and duties of a 治安调解 names the police rules and what an agreement does there (no
    penalty; 治安管理处罚法 第九条) — not 本委员会, not 司法确认, not the choice of a people's
    mediator; the traffic police's names its 调解书 (程序规定 第九十条)."""
    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    e.fire(case.id, "inform_rights", actor=POLICE, at=at("2026-09-29", 11))
    text = str(e.render(case.id, "rights_notice", format=fmt))
    assert "治安调解当事人权利义务告知书" in text
    assert "已由本机关受理" in text
    assert "第一百七十八条" in text
    assert "不予处罚" in text
    for wrong in ("人民调解委员会", "人民调解员", "人民调解的", "本委员会", "司法确认"):
        assert wrong not in text, wrong
    assert "参照《中华人民共和国人民调解法》第二十三条" in text  # the rights, by reference

    traffic = _traffic(e, at("2026-09-14", 9))
    e.fire(traffic.id, "triage", actor=TRAFFIC, at=at("2026-09-14", 10), track="administrative")
    e.fire(traffic.id, "accept", actor=TRAFFIC, at=at("2026-09-14", 11))
    text = str(e.render(traffic.id, "rights_notice", format=fmt))
    assert "道路交通事故损害赔偿调解书" in text
    assert "第九十条" in text
    assert "司法确认" not in text


def test_a_police_case_s_forms_are_titled_as_its_own_mediation() -> None:
    """RULES.md §6.5: the registration form, the mediation record, the callback record and
    the closing report of a 治安调解 are the police's — titled 治安调解…, the record citing
    no 人民调解 rule and the form offering no "人民调解委员会主动调解". A police agreement
    opens no 30 days to apply for 司法确认 (《人民调解法》第三十三条 is for people's
    mediation agreements)."""
    e = engine()
    case = _public_order_agreed(e)
    e.fire(case.id, "confirm_performed", actor=POLICE, at=at("2026-10-13"))
    e.fire(case.id, "start_callback", actor=POLICE, at=at("2026-10-14"))
    e.fire(case.id, "record_callback", actor=POLICE, at=at("2026-10-15"), visitor="民警甲",
           party=case.parties[0].id, finding="performed")  # fmt: skip
    e.fire(case.id, "close", actor=POLICE, at=at("2026-10-16"))
    titles = {
        "registration": "治安调解受理登记表",
        "mediation_record": "治安调解记录（调解笔录）",
        "callback_record": "治安调解回访记录",
        "closing_report": "治安调解结案报告表",
    }
    for kind, title in titles.items():
        text = str(e.render(case.id, kind))
        assert title in text, kind
        assert "人民调解委员会主动调解" not in text, kind
        assert "《人民调解工作若干规定》第三十条" not in text, kind
        assert "申请司法确认" not in text, kind  # no confirmation window for a police agreement
    closed = e.get(case.id)
    assert not clocks(closed, "judicial_confirmation_apply")


def _public_order_agreed(e: Any) -> Any:
    """A 治安调解 accepted Tue 2026-09-29, agreed at the first session on Fri 10-09 with
    performance by Tue 10-20, performance begun Mon 10-12."""
    from mediation._demo import agreement

    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["m"])
    signed = at("2026-10-09", 11)
    terms = agreement("2026-10-20")
    terms["signatures"] = signed_by_all(e.get(case.id), signed, "民警甲", "东门派出所")
    e.fire(case.id, "agree", actor=POLICE, at=signed, agreement=terms)
    return e.fire(case.id, "begin_performance", actor=POLICE, at=at("2026-10-12"))


def test_public_order_agreement_not_performed_returns_to_the_penalty_procedure() -> None:
    """Performance was due Tue 2026-10-20; not performed, reported Wed 10-21 (or only on Mon
    11-16): the police shall penalise, and the 30-day case-handling period runs from the
    day the agreement was not performed, 10-20, not from the report (第一百八十五条: "从…
    调解协议不履行之日起"): day 30 is Thu 11-19. No new mediation; the case closes only
    after the penalty decision."""
    import pytest

    from mediation import RuleRejectedError

    e = engine()
    case = _public_order_agreed(e)
    late = _public_order_agreed(e)
    late = e.fire(late.id, "report_not_performed", actor=POLICE, at=at("2026-11-16"))
    handling = clock(late, "public_security_handling")
    assert (handling.start, handling.due) == (day("2026-10-20"), day("2026-11-19"))
    case = e.fire(case.id, "report_not_performed", actor=POLICE, at=at("2026-10-21"))
    handling = clock(case, "public_security_handling")
    assert (handling.start, handling.due) == (day("2026-10-20"), day("2026-11-19"))
    assert handling.status is DeadlineStatus.running
    with pytest.raises(RuleRejectedError, match="第一百八十五条"):
        e.fire(case.id, "remediate", actor=POLICE, at=at("2026-10-22"), reason="再调", consent=True)
    e.fire(case.id, "start_callback", actor=POLICE, at=at("2026-10-22"))
    with pytest.raises(RuleRejectedError, match="处罚决定"):
        e.fire(case.id, "close", actor=POLICE, at=at("2026-10-23"), no_visit_reason="未回访")
    e.fire(case.id, "record_callback", actor=POLICE, at=at("2026-10-23"), visitor="民警甲",
           party=case.parties[0].id, performance="未履行，依法处罚")  # fmt: skip
    case = e.fire(case.id, "decide_penalty", actor=POLICE, at=at("2026-10-26"))
    assert clock(case, "public_security_handling").status is DeadlineStatus.met
    with pytest.raises(RuleRejectedError, match="第一百八十五条"):
        e.fire(case.id, "decide_penalty", actor=POLICE, at=at("2026-10-27"))
    assert e.fire(case.id, "close", actor=POLICE, at=at("2026-10-27"),
                  remedies_informed=True).state == "closed"  # fmt: skip


def test_a_police_agreement_is_the_police_s_document_not_a_committee_s() -> None:
    """治安调解 (程序规定 第一百八十四条): the agreement is made under the police's presiding —
    titled 治安调解协议书, signed by the parties, kept by the police; non-performance leads
    to the penalty and a civil suit (治安管理处罚法 第九条), and no 司法确认 paragraph or
    people's-mediation effect clause (人民调解法 第二十九条) is printed."""
    e = engine()
    case = _public_order_agreed(e)
    for fmt in ("text", "html"):
        out = e.render(case.id, "mediation_agreement", format=fmt)
        assert "治安调解协议书" in out
        assert "第一百八十四条" in out
        assert "《治安管理处罚法》第九条" in out
        assert "公安机关留存一份" in out
        assert "主持人" in out
        assert "人民调解" not in out
        assert "司法确认" not in out


def _police_mediating(e: Any, mediator: str) -> tuple[Any, Any, dict[str, Any]]:
    """A 治安调解 mediated from Fri 2026-10-09 09:00 by ``mediator``: the case, the time its
    agreement is signed (11:00) and the agreement's terms, unsigned."""
    from mediation._demo import agreement

    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    case = e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9),
                  mediators=[mediator])  # fmt: skip
    return case, at("2026-10-09", 11), agreement("2026-10-20")


def test_a_public_order_agreement_states_what_the_police_rules_require() -> None:
    """程序规定 第一百八十四条: a 治安调解协议书 states the facts, the terms and the time limit
    and manner of performance; one without a time limit is refused citing that article
    (not the people's mediation rules), the case unchanged. The people's mediation items
    it does not list — the place of performance, the disputed matters, each side's
    responsibility (2002 规定 第三十五条) — are not asked of it."""
    e = engine()
    case, signed, terms = _police_mediating(e, "m")
    terms["signatures"] = signed_by_all(case, signed, "民警甲", "东门派出所")
    without = {k: v for k, v in terms.items() if k != "performance_deadline"}
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "agree", actor=POLICE, at=signed, agreement=without)
    assert err.value.basis == "《公安机关办理行政案件程序规定》第一百八十四条"
    assert "履行的期限" in err.value.reason
    assert e.get(case.id) == case
    lean = {k: v for k, v in terms.items()
            if k not in ("performance_place", "disputed_matters", "responsibilities")}  # fmt: skip
    assert e.fire(case.id, "agree", actor=POLICE, at=signed, agreement=lean).state == "agreed"


def test_a_public_order_agreement_names_its_presiding_officer_unsigned() -> None:
    """程序规定 第一百八十四条: the 治安调解协议书 names the organ and the presiding officer
    (主持人). Its effect needs only the parties' signatures, so the officer who presided
    (assigned at the start) is named even without signing; a people's agreement names the
    mediators who sign, as before."""
    e = engine()
    case, signed, terms = _police_mediating(e, "qt-pcs/wang")
    terms["signatures"] = [
        {"party": p.id, "capacity": "party", "signed_at": signed} for p in case.principals
    ]
    e.fire(case.id, "agree", actor=POLICE, at=signed, agreement=terms)
    names = {"names": {"qt-pcs/wang": "王警官"}}
    text = str(e.render(case.id, "mediation_agreement", extra=names))
    assert "主持人 王警官（签名）" in text
    html = str(e.render(case.id, "mediation_agreement", format="html", extra=names))
    assert "<td>王警官</td><td>主持人（签名）</td>" in html


def test_a_medical_committee_does_not_take_what_a_court_accepted() -> None:
    """《医疗纠纷预防和处理条例》第三十一条: a medical dispute the court has accepted is not
    accepted by the medical mediation committee; the outcome cites that article."""
    yt = actor("qt-yt")
    e = engine()
    case = register(e, "qt-yt", at("2026-03-02"), category="medical")
    e.fire(case.id, "triage", actor=yt, at=at("2026-03-02", 10), track="people")
    ended = e.fire(case.id, "accept", actor=yt, at=at("2026-03-02", 11),
                   handled_by="青田县人民法院")  # fmt: skip
    assert ended.state == "not_accepted"
    assert "《医疗纠纷预防和处理条例》第三十一条" in (ended.outcome or "")


def test_a_traffic_police_agreement_is_a_damages_mediation_document() -> None:
    """交警调解 (程序规定 第九十条; 道路交通安全法 第七十四条): 道路交通事故损害赔偿调解书,
    non-performance → a civil suit; no 司法确认 paragraph."""
    from mediation._demo import agreement

    e = engine()
    case = _traffic(e, at("2026-09-21", 9), mediation_start_on="2026-09-21")
    e.fire(case.id, "triage", actor=TRAFFIC, at=at("2026-09-21", 10), track="administrative")
    e.fire(case.id, "accept", actor=TRAFFIC, at=at("2026-09-21", 11))
    e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-24"), mediators=["m"],
           notified_on="2026-09-21")  # fmt: skip
    signed = at("2026-09-24", 11)
    terms = agreement("2026-10-20")
    terms["signatures"] = signed_by_all(e.get(case.id), signed, "民警乙", "qt-jj")
    e.fire(case.id, "agree", actor=TRAFFIC, at=signed, agreement=terms)
    out = e.render(case.id, "mediation_agreement")
    assert "道路交通事故损害赔偿调解书" in out
    assert "《道路交通安全法》第七十四条" in out
    assert "司法确认" not in out
    assert "人民调解" not in out


def test_public_order_not_performed_penalty_then_close() -> None:
    e = engine()
    case = _public_order_agreed(e)
    case = e.fire(case.id, "report_not_performed", actor=POLICE, at=at("2026-10-21"))
    allowed = {t.trigger: t.allowed for t in e.available_triggers(case.id, POLICE)}
    assert allowed["decide_penalty"] is True
    case = e.fire(case.id, "decide_penalty", actor=POLICE, at=at("2026-10-26"))
    assert clock(case, "public_security_handling").status is DeadlineStatus.met
    e.fire(case.id, "start_callback", actor=POLICE, at=at("2026-10-27"))
    case = e.fire(case.id, "close", actor=POLICE, at=at("2026-10-28"), no_visit_reason="已处罚",
                  remedies_informed=True)  # fmt: skip
    assert case.state == "closed"


def test_police_mediation_is_not_begun_again_after_it_failed() -> None:
    """治安调解: at most two sessions, then the penalty (第一百八十三、一百八十五条); 交警调解:
    one period ending in a 调解书 or 调解终结书 (第九十条), then the courts (道交法 第七十四条)."""
    import pytest

    from mediation import RuleRejectedError

    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["m"])
    e.fire(case.id, "second_session", actor=POLICE, at=at("2026-10-12", 9))
    e.fire(
        case.id,
        "terminate",
        actor=POLICE,
        at=at("2026-10-12", 11),
        reason="未达成协议",
        remedies_informed=True,
    )
    e.fire(case.id, "start_callback", actor=POLICE, at=at("2026-10-13"))
    with pytest.raises(RuleRejectedError, match="不再调解"):
        e.fire(
            case.id,
            "reopen",
            actor=POLICE,
            at=at("2026-10-14"),
            reason="当事人要求再调",
            consent=True,
        )
    assert clock(e.get(case.id), "public_security_handling").status is DeadlineStatus.running

    t = register(
        e,
        "qt-jj",
        at("2026-09-21"),
        category="traffic",
        details={
            "track": "administrative",
            "joint_application": True,
            "certificate_received_on": "2026-09-18",
        },
    )
    e.fire(t.id, "triage", actor=TRAFFIC, at=at("2026-09-21", 10), track="administrative")
    e.fire(t.id, "accept", actor=TRAFFIC, at=at("2026-09-21", 11))
    e.fire(t.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-24"), mediators=["m"],
           notified_on="2026-09-21")  # fmt: skip
    e.fire(
        t.id,
        "terminate",
        actor=TRAFFIC,
        at=at("2026-09-30"),
        reason="调解终结",
        remedies_informed=True,
    )
    e.fire(t.id, "start_callback", actor=TRAFFIC, at=at("2026-10-09"))
    with pytest.raises(RuleRejectedError, match="一个调解期间"):
        e.fire(t.id, "reopen", actor=TRAFFIC, at=at("2026-10-12"), reason="再次调解", consent=True)
    assert len(clocks(e.get(t.id), "traffic_police_mediation")) == 1


# -- court delegation and entrustment (特邀调解规定 第二十七条; rows 18, 18b) -----------------


def test_court_delegated_mediation_thirty_days_from_signing_for_the_materials() -> None:
    """委派 before filing: the mediator signed for the court's materials on Mon 2026-12-07;
    day 30 is Wed 2027-01-06 (a working day by rule; provisional: no 2027 notice)."""
    e = engine()
    case = register(
        e,
        "qt-dm",
        at("2026-12-08"),
        channel="court_referral",
        details={"materials_signed_on": "2026-12-07", "court": "青田县人民法院"},
    )
    e.fire(case.id, "triage", actor=COURT_DM, at=at("2026-12-08", 10), track="people")
    case = e.fire(case.id, "accept", actor=COURT_DM, at=at("2026-12-08", 11))
    delegated = clock(case, "court_delegated")
    assert (delegated.start, delegated.due) == (day("2026-12-07"), day("2027-01-06"))
    assert delegated.estimated


def test_online_pre_filing_mediation_excludes_appraisal_time() -> None:
    """Row 18a (《人民法院在线调解规则》第二十四条、第二十六条): on the court's platform the 30
    days count from the mediator's confirming there, Tue 2026-09-01 → Thu 10-01 (国庆) → Thu
    10-08. Suspended for an appraisal from Mon 09-07 to Mon 09-14, the 7 days are not
    counted: the period itself ends 7 days later, on Thu 10-08 — a working day, so it stays
    (the roll is applied to the period's end, not added to). Suspended again Tue 10-06 to
    Wed 10-07 (one day), it ends Fri 10-09. The offline 委派 clock has no such pause."""
    e = engine()
    case = register(
        e,
        "qt-dm",
        at("2026-09-01"),
        channel="court_referral",
        details={"materials_signed_on": "2026-09-01", "online": True, "court": "青田县人民法院"},
    )
    e.fire(case.id, "triage", actor=COURT_DM, at=at("2026-09-01", 10), track="people")
    case = e.fire(case.id, "accept", actor=COURT_DM, at=at("2026-09-01", 11))
    online = clock(case, "court_online_prefiling")
    assert (online.start, online.due) == (day("2026-09-01"), day("2026-10-08"))
    assert not clocks(case, "court_delegated")
    e.fire(case.id, "inform_rights", actor=COURT_DM, at=at("2026-09-02"))
    e.fire(case.id, "start_mediation", actor=COURT_DM, at=at("2026-09-03"),
           mediators=[COURT_DM.id])  # fmt: skip
    e.fire(case.id, "suspend", actor=COURT_DM, at=at("2026-09-07"), reason="appraisal")
    resumed = e.fire(case.id, "resume", actor=COURT_DM, at=at("2026-09-14"))
    paused = clock(resumed, "court_online_prefiling")
    assert (paused.due, paused.pauses[0].counted) == (day("2026-10-08"), 7)
    e.fire(case.id, "suspend", actor=COURT_DM, at=at("2026-10-06"), reason="appraisal")
    again = e.fire(case.id, "resume", actor=COURT_DM, at=at("2026-10-07"))
    assert clock(again, "court_online_prefiling").due == day("2026-10-09")


def test_court_entrusted_mediation_fifteen_days_or_seven_in_simplified_procedure() -> None:
    """委托 after filing, signed for on Thu 2026-09-17: ordinary 15 days → Fri 10-02 (国庆)
    → rolls to Thu 2026-10-08; simplified 7 days → Thu 2026-09-24."""
    e = engine()
    court = actor("qt-fy")
    for simplified, due in ((False, "2026-10-08"), (True, "2026-09-24")):
        case = register(e, "qt-fy", at("2026-09-17"), details={"track": "judicial"})
        e.fire(case.id, "triage", actor=court, at=at("2026-09-17", 10), track="judicial")
        case = e.fire(
            case.id,
            "accept",
            actor=court,
            at=at("2026-09-17", 11),
            materials_signed_on="2026-09-17",
            simplified=simplified,
        )
        period = "court_entrusted_simplified" if simplified else "court_entrusted_ordinary"
        assert clock(case, period).due == day(due)


# -- hand-off keeps parties and history, links both sides (issue 10 §5) -------------------


def test_hand_off_to_police_mediation_keeps_parties_history_and_links_both_sides() -> None:
    """A neighbours' fight turned assault: the village committee hands it to the police
    station's 治安调解. The new case carries the parties, claims and overlays; the two
    cases link each way; the sender's clocks are cancelled (not breached) and its history
    stays; the receiver runs its own acceptance clock."""
    e = engine()
    case = register(e, "qt-dm-dmc", at("2026-09-28"), category="public_order")
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-09-28", 10), track="people")
    handed = e.fire(
        case.id,
        "hand_off",
        actor=VILLAGE,
        at=at("2026-09-28", 11),
        track="administrative",
        unit="qt-pcs",
        reason="殴打他人，移交派出所治安调解",
        consent=True,
    )
    assert handed.state == "handed_off"
    assert all(d.status is DeadlineStatus.cancelled for d in handed.deadlines)
    out = [lk for lk in handed.links if lk.kind is LinkKind.handed_off_to]
    assert len(out) == 1
    received = e.get(out[0].case_id)
    assert received.unit == "qt-pcs"
    assert [p.name for p in received.parties] == [p.name for p in handed.parties]
    assert any(
        lk.kind is LinkKind.handed_off_from and lk.case_id == case.id for lk in received.links
    )
    assert received.details.track == "administrative"  # type: ignore[union-attr]
    assert received.details.handed_from == "people"  # type: ignore[union-attr]
    assert any(d.is_open for d in received.deadlines)
    assert [ev.trigger for ev in e.history(case.id)][-1] == "hand_off"
    assert e.verify(case.id).ok
    assert e.verify(received.id).ok


def test_hand_off_needs_consent_and_an_organ_that_runs_the_track() -> None:
    """《人民调解法》第三条、第十七条 (voluntary); a court does not run administrative mediation."""
    import pytest

    from mediation import ValidationError

    e = engine()
    case = register(e, "qt-dm-dmc", at("2026-09-28"), category="public_order")
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-09-28", 10), track="people")
    kw = {"track": "administrative", "reason": "移交", "actor": VILLAGE, "at": at("2026-09-29")}
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "hand_off", unit="qt-pcs", **kw)  # type: ignore[arg-type]
    assert err.value.field == "consent"
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "hand_off", unit="qt-fy", consent=True, **kw)  # type: ignore[arg-type]
    assert err.value.field == "unit"


def test_a_committee_does_not_run_the_police_track() -> None:
    """A committee triaged to administrative mediation cannot accept it: it hands it off."""
    import pytest

    from mediation import RuleRejectedError

    e = engine()
    case = register(e, "qt-dm-dmc", at("2026-09-28"), category="public_order")
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-09-28", 10), track="administrative")
    with pytest.raises(RuleRejectedError):
        e.fire(
            case.id,
            "accept",
            actor=VILLAGE,
            at=at("2026-09-28", 11),
            act="assault",
            ground="trifles",
        )


_ = Role


@pytest.mark.parametrize("stage", ["triaged", "accepted", "mediating"])
def test_a_hand_off_to_traffic_police_is_an_application_within_ten_working_days(
    stage: str,
) -> None:
    """A committee hands a traffic accident's damages to the traffic police before its own
    mediation failed: that is the parties' joint application of 第八十六条, due within 10
    working days of the accident report. Report received Mon 2026-08-03: the 10 working
    days end Mon 08-17; a hand-off on 09-22 is refused naming the report's date, and the
    case stays where it was. One on 08-17 goes through (dispute v4)."""
    for day0, refused in (("2026-09-22", True), ("2026-08-17", False)):
        e = engine()
        case = register(
            e,
            "qt-dm-dmc",
            at(day0, 8),
            category="traffic",
            details={"certificate_received_on": "2026-08-03"},
        )
        e.fire(case.id, "triage", actor=VILLAGE, at=at(day0, 9), track="people")
        if stage != "triaged":
            e.fire(case.id, "accept", actor=VILLAGE, at=at(day0, 10))
        if stage == "mediating":
            e.fire(case.id, "inform_rights", actor=VILLAGE, at=at(day0, 11))
            e.fire(case.id, "start_mediation", actor=VILLAGE, at=at(day0, 12),
                   mediators=[VILLAGE.id])  # fmt: skip
        before = e.get(case.id)
        kw = {"track": "administrative", "unit": "qt-jj", "reason": "申请交警调解", "consent": True}
        if refused:
            with pytest.raises(ValidationError, match="第八十六条") as err:
                e.fire(case.id, "hand_off", actor=VILLAGE, at=at(day0, 15), **kw)  # type: ignore[arg-type]
            assert err.value.field == "certificate_received_on"
            assert "2026-08-17" in str(err.value)
            assert e.get(case.id) == before
        else:
            done = e.fire(case.id, "hand_off", actor=VILLAGE, at=at(day0, 15), **kw)  # type: ignore[arg-type]
            assert done.state == "handed_off"


@pytest.mark.parametrize("how", ["second_failed", "second_agreed", "one_failed", "one_agreed"])
def test_the_optional_second_public_order_session_is_never_a_breach(how: str) -> None:
    """程序规定 第一百八十三条: 治安调解 is normally one session; one more if needed, held
    within 7 working days after the first. Accepted Tue 2026-09-29, first session Fri 10-09:
    the window runs Sat 10-10 (a make-up working day) … Mon 10-19. A second session held on
    10-16 meets it, also when the outcome is recorded on 10-20; a mediation that ends
    without one owes none, and its window closes unused — never breached."""
    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["民警甲"])
    held = how.startswith("second")
    if held:
        e.fire(case.id, "second_session", actor=POLICE, at=at("2026-10-16", 9))
    session = at("2026-10-16", 10) if held else at("2026-10-09", 10)
    if how.endswith("failed"):
        done = e.fire(case.id, "terminate", actor=POLICE, at=at("2026-10-20", 9),
                      reason="未达成协议", remedies_informed=True)  # fmt: skip
    else:
        from mediation._demo import agreement

        given = agreement("2026-11-30")
        given["signatures"] = signed_by_all(e.get(case.id), session, "民警甲", "东门派出所")
        done = e.fire(case.id, "agree", actor=POLICE, at=at("2026-10-20", 9),
                      reached_at=session, agreement=given)  # fmt: skip
    window = clock(done, "public_security_second_session")
    assert window.due == day("2026-10-19")
    assert window.status is (DeadlineStatus.met if held else DeadlineStatus.cancelled)
    assert e.verify(case.id).ok


@pytest.mark.parametrize("switch", [False, True])
def test_a_traffic_application_is_judged_by_the_day_it_reached_the_police(switch: bool) -> None:
    """程序规定 第八十六条 (10 working days from the accident report, received Thu
    2026-04-30: [劳动节 05-01–05] … Sat 05-09 a make-up day … due Mon 05-18) and 第八十五条
    (3 working days after the committee ended mediation on Wed 09-30: due Sat 10-10): the
    application that reached the traffic police on the last day and was registered on the
    next working day was made in time. A day of receipt after the registration is refused."""
    e = engine()
    if switch:
        facts = {"certificate_received_on": "2026-08-25", "mediation_ended_on": "2026-09-30",
                 "received_on": "2026-10-10"}  # fmt: skip
        registered = at("2026-10-12")
    else:
        facts = {"certificate_received_on": "2026-04-30", "received_on": "2026-05-18"}
        registered = at("2026-05-19")
    details = {"track": "administrative", "joint_application": True, **facts}
    case = register(e, "qt-jj", registered, category="traffic", details=details)
    assert case.state == "received"
    with pytest.raises(ValidationError) as err:
        register(e, "qt-jj", registered, category="traffic",
                 details={**details, "received_on": "2026-12-01"})  # fmt: skip
    assert err.value.field == "details.received_on"


def test_an_organ_s_agreement_has_no_judicial_confirmation_application() -> None:
    """《人民调解法》第三十三条: 司法确认 is the parties' application on a people's mediation
    agreement. A 治安调解协议书 (程序规定 第一百八十四条) is not one: rendering the
    application for it is refused, naming the procedure."""
    e = engine()
    case = _public_order_agreed(e)
    with pytest.raises(ValidationError, match="治安调解协议书") as err:
        e.render(case.id, "judicial_confirmation_application")
    assert err.value.field == "case.procedure"


def test_an_organ_s_mediation_is_applied_for_to_the_organ() -> None:
    """RULES.md §6.4, §6.5: a police or traffic-police mediation is not people's mediation.
    Its application is the organ's own form, made to the organ — the traffic police's by
    all parties jointly (《道路交通事故处理程序规定》第八十六条) — not to a committee."""
    e = engine()
    police = str(e.render(_public_order(e).id, "application"))
    assert "治安调解申请书" in police
    assert "现自愿申请东门派出所进行治安调解" in police
    traffic = str(e.render(_traffic(e, at("2026-09-14", 9)).id, "application"))
    assert "道路交通事故损害赔偿调解申请书" in traffic
    assert "现共同申请" in traffic
    for text in (police, traffic):
        assert "人民调解委员会" not in text
    # Jointly: every party signs the traffic application, the respondent too; the police's
    # is signed by its applicants.
    assert "申请人（各方当事人签名、盖章或按指印）：张三、李梅、王五" in traffic
    assert "申请人（签名、盖章或按指印）：张三、李梅\n" in police


def test_an_on_the_spot_police_agreement_is_registered_as_the_police_s() -> None:
    """程序规定 第一百七十八条: an on-the-spot 治安调解 recorded on video needs no written
    agreement; its oral agreement is registered on the police's own form, citing that
    article — not as a 人民调解口头协议 under 《人民调解法》第三十条."""
    from mediation._demo import agreement

    e = engine()
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["m"])
    oral = {**agreement("2026-10-09"), "form": "oral"}
    e.fire(case.id, "agree", actor=POLICE, at=at("2026-10-09", 10), agreement=oral,
           on_the_spot_video=True)  # fmt: skip
    text = str(e.render(case.id, "oral_agreement_register"))
    assert "治安调解口头协议登记表" in text
    assert "第一百七十八条" in text
    assert "人民调解法" not in text


def test_a_police_closing_report_cites_no_people_s_mediation_rule() -> None:
    """RULES.md §6.5: 治安调解 is the police's, under 程序规定. Its closing report lists its
    time limits with the police rules they come from; the workflow's practice clocks (受理审查,
    履行期限, 回访, 结案) print no 人民调解法 or 2002 规定 basis."""
    e = engine()
    case = _public_order_agreed(e)
    e.fire(case.id, "confirm_performed", actor=POLICE, at=at("2026-10-15"))
    e.fire(case.id, "start_callback", actor=POLICE, at=at("2026-10-16"))
    e.fire(case.id, "record_callback", actor=POLICE, at=at("2026-10-17"), visitor="民警甲",
           party=case.parties[0].id, finding="performed")  # fmt: skip
    e.fire(case.id, "close", actor=POLICE, at=at("2026-10-18"))
    text = str(e.render(case.id, "closing_report"))
    assert "治安调解结案报告表" in text
    assert "第一百六十五条" in text
    assert "人民调解法" not in text
    assert "人民调解工作若干规定" not in text


def test_a_police_transfer_letter_is_the_police_s() -> None:
    """RULES.md §6.5 (程序规定 第一百七十八条: not a public-order violation → tell the parties
    where to go): the police station's 移送函 speaks as the organ (本机关) and cites no
    committee's rule (2002 规定 第二十二、二十四条 are a committee's)."""
    e = engine()
    case = _public_order(e)
    moved = e.fire(case.id, "transfer_out", actor=POLICE, at=at("2026-09-29"),
                   to="青田县人民法院", reason="属于民事纠纷，不属于违反治安管理行为")  # fmt: skip
    letter = str(e.render(moved.id, "transfer_letter"))
    assert "本机关登记了" in letter
    assert "不属于本机关治安调解的范围" in letter
    for wrong in ("本委员会", "人民调解工作若干规定", "人民调解委员会调解的范围"):
        assert wrong not in letter, wrong


@pytest.mark.parametrize(
    ("unit", "track", "handled", "gone", "left"),
    [
        ("qt-wjj", "administrative", "青田县医疗纠纷人民调解委员会", "申请调解", "提起诉讼"),
        ("qt-yt", "people", "青田县卫生健康局", "卫生主管部门", "提起诉讼"),
        ("qt-yt", "people", "青田县人民法院", "卫生主管部门", "有关行政机关处理"),
    ],
)
def test_a_medical_non_acceptance_notice_names_no_route_already_taken_or_barred(
    unit: str, track: str, handled: str, gone: str, left: str
) -> None:
    """《医疗纠纷预防和处理条例》第三十一条、第四十条 (RULES.md §6.3): a medical dispute the
    committee, the health department or a court already accepted is not accepted again;
    the notice does not send the parties back to the body that holds it — nor, once a
    court accepted it, to the health department (第四十条) or to a suit already filed."""
    e = engine()
    who = actor(unit)
    details = {"track": track} if track == "administrative" else {}
    case = register(e, unit, at("2026-09-07", 9), category="medical", details=details)
    e.fire(case.id, "triage", actor=who, at=at("2026-09-07", 10), track=track)
    extra = {} if track == "administrative" else {"other_side_consents": True}
    e.fire(case.id, "accept", actor=who, at=at("2026-09-07", 11), handled_by=handled, **extra)
    text = str(e.render(case.id, "non_acceptance_notice"))
    routes = [line for line in text.splitlines() if "途径：" in line]
    assert routes
    assert not any(gone in line for line in routes)
    assert any(left in line for line in routes)
    if handled.endswith("法院"):
        assert not any("提起诉讼" in line for line in routes)


def test_available_triggers_offers_the_hand_off_that_fire_takes() -> None:
    """One evaluator (issue 7): a hand-off opens the receiving case linked back to this one
    (handed_off_from) — ``available_triggers`` tries that case out with its link, as ``fire``
    opens it, and offers the hand-off ``fire`` then takes."""
    e = engine()
    case = _failed_people_traffic(e)
    given = {"track": "administrative", "unit": "qt-jj", "consent": True,
             "reason": "人民调解不成，双方共同申请交警调解"}  # fmt: skip
    options = e.available_triggers(
        case.id, VILLAGE, at("2026-10-08", 10), inputs={"hand_off": given}
    )
    offered = next(o for o in options if o.trigger == "hand_off")
    assert offered.allowed, offered.reason
    assert e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-10-08", 10), **given).state == (
        "handed_off"
    )


# -- 警调对接: the police keep the penalty to decide (程序规定 第一百八十六条) -----------------

_TO_COMMITTEE = {"track": "people", "unit": "qt-dm-dmc", "reason": "转人民调解", "consent": True}


def _handed_to_committee(e: Any) -> tuple[Any, Any]:
    """A 治安 case accepted Tue 2026-09-29 and handed to the village committee on Wed 09-30,
    before any penalty decision: the police case and the committee's case."""
    police = _public_order(e)
    e.fire(
        police.id, "accept", actor=POLICE, at=at("2026-09-29", 11), act="assault", ground="trifles"
    )
    police = e.fire(police.id, "hand_off", actor=POLICE, at=at("2026-09-30"), **_TO_COMMITTEE)
    link = next(x for x in police.links if x.kind is LinkKind.handed_off_to)
    return police, e.get(link.case_id)


def _committee_agrees(e: Any, case_id: str) -> Any:
    """The committee accepts on Thu 10-08 and the parties agree on Fri 10-09 (performance
    by Tue 10-20); performance begins Mon 10-12."""
    from mediation._demo import agreement

    e.fire(case_id, "triage", actor=VILLAGE, at=at("2026-10-08", 9), track="people")
    e.fire(case_id, "accept", actor=VILLAGE, at=at("2026-10-08", 10), other_side_consents=True)
    e.fire(case_id, "inform_rights", actor=VILLAGE, at=at("2026-10-08", 11))
    e.fire(case_id, "start_mediation", actor=VILLAGE, at=at("2026-10-09", 9),
           mediators=[VILLAGE.id])  # fmt: skip
    signed = at("2026-10-09", 11)
    terms = agreement("2026-10-20")
    terms["signatures"] = signed_by_all(e.get(case_id), signed, "调解员甲", "东门村人民调解委员会")
    e.fire(case_id, "agree", actor=VILLAGE, at=signed, agreement=terms)
    return e.fire(case_id, "begin_performance", actor=VILLAGE, at=at("2026-10-12"))


def test_a_public_order_case_handed_to_a_committee_waits_for_the_agreement_performed() -> None:
    """第一百八十六条: the police handed the 治安 case to the village committee before deciding
    on the penalty. The committee's case reports back when the agreement is performed (Tue
    10-20); only then, on the parties' joint written application (Wed 10-21), do the police
    approve no penalty — refused before, or without the joint application. After that no
    penalty is decided; the police case stays handed off, and both cases verify."""
    e = engine()
    police, committee = _handed_to_committee(e)
    assert police.state == "handed_off"
    assert police.details.police_referral.committee_case == committee.id
    assert committee.overlays.get("jingtiao").police_case == police.id
    with pytest.raises(ValidationError) as stranger:  # only its own committee case reports
        e.fire(police.id, "committee_result", actor=POLICE, at=at("2026-10-08"),
               result="performed", dispute=police.id)  # fmt: skip
    assert stranger.value.field == "dispute"
    apply = {"applied_on": "2026-10-21", "joint_application": True}
    _committee_agrees(e, committee.id)
    with pytest.raises(RuleRejectedError, match="第一百八十六条"):
        e.fire(police.id, "waive_penalty", actor=POLICE, at=at("2026-10-13"), **apply)
    e.fire(committee.id, "confirm_performed", actor=VILLAGE, at=at("2026-10-20"))
    police = e.get(police.id)
    assert police.details.police_referral.result == "performed"
    assert [ev.trigger for ev in e.history(police.id)][-1] == "committee_result"
    before = e.get(police.id)
    with pytest.raises(ValidationError) as err:
        e.fire(police.id, "waive_penalty", actor=POLICE, at=at("2026-10-21"),
               applied_on="2026-10-21")  # fmt: skip
    assert err.value.field == "joint_application"
    assert e.get(police.id) == before
    with pytest.raises(RuleRejectedError, match="调解不成或者协议未履行"):
        e.fire(police.id, "decide_penalty_after_committee", actor=POLICE, at=at("2026-10-21"))
    offered = {o.trigger for o in e.available_triggers(police.id, POLICE, at("2026-10-21"),
                                                       inputs={"waive_penalty": apply})}  # fmt: skip
    assert "waive_penalty" in offered
    waived = e.fire(police.id, "waive_penalty", actor=POLICE, at=at("2026-10-21"), **apply)
    assert waived.state == "handed_off"
    assert waived.details.police_referral.waived_at is not None
    assert "不予治安管理处罚" in (waived.outcome or "")
    with pytest.raises(RuleRejectedError, match="已经批准不予处罚"):
        e.fire(police.id, "decide_penalty_after_committee", actor=POLICE, at=at("2026-10-22"))
    # The committee's later steps still report nothing new and are never held up.
    e.fire(committee.id, "start_callback", actor=VILLAGE, at=at("2026-10-26"))
    assert e.verify(police.id).ok
    assert e.verify(committee.id).ok


def test_a_public_order_case_handed_to_a_committee_is_penalised_when_mediation_fails() -> None:
    """第一百八十六条 with 第一百八十五条: the committee's mediation ended without agreement
    (Fri 10-09): reported to the police case, whose penalty is then decided; no penalty can
    no longer be approved. A police case handed off after its penalty was decided, or before
    the police accepted it, records no 警调对接."""
    e = engine()
    police, committee = _handed_to_committee(e)
    with pytest.raises(RuleRejectedError, match="调解不成或者协议未履行"):
        e.fire(police.id, "decide_penalty_after_committee", actor=POLICE, at=at("2026-10-08"))
    e.fire(committee.id, "triage", actor=VILLAGE, at=at("2026-10-08", 9), track="people")
    e.fire(committee.id, "accept", actor=VILLAGE, at=at("2026-10-08", 10),
           other_side_consents=True)  # fmt: skip
    e.fire(committee.id, "inform_rights", actor=VILLAGE, at=at("2026-10-08", 11))
    e.fire(committee.id, "start_mediation", actor=VILLAGE, at=at("2026-10-09", 9),
           mediators=[VILLAGE.id])  # fmt: skip
    e.fire(committee.id, "terminate", actor=VILLAGE, at=at("2026-10-09", 11),
           reason="未达成协议", remedies_informed=True)  # fmt: skip
    assert e.get(police.id).details.police_referral.result == "failed"
    with pytest.raises(RuleRejectedError, match="第一百八十六条"):
        e.fire(police.id, "waive_penalty", actor=POLICE, at=at("2026-10-10"),
               applied_on="2026-10-10", joint_application=True)  # fmt: skip
    decided = e.fire(police.id, "decide_penalty_after_committee", actor=POLICE,
                     at=at("2026-10-12"))  # fmt: skip
    assert decided.details.penalty_decided_at is not None
    with pytest.raises(RuleRejectedError, match="已经作出处罚决定"):
        e.fire(police.id, "decide_penalty_after_committee", actor=POLICE, at=at("2026-10-13"))
    assert e.verify(police.id).ok
    # Penalty decided first, then the civil claim handed on: nothing is left to decide.
    other = _public_order(e)
    e.fire(
        other.id, "accept", actor=POLICE, at=at("2026-09-29", 11), act="assault", ground="trifles"
    )
    e.fire(other.id, "start_mediation", actor=POLICE, at=at("2026-09-30"), mediators=["m"])
    e.fire(other.id, "terminate", actor=POLICE, at=at("2026-09-30", 11),
           reason="未达成协议", remedies_informed=True)  # fmt: skip
    e.fire(other.id, "decide_penalty", actor=POLICE, at=at("2026-10-09"))
    handed = e.fire(other.id, "hand_off", actor=POLICE, at=at("2026-10-12"), **_TO_COMMITTEE)
    assert handed.details.police_referral is None
    civil = next(x for x in handed.links if x.kind is LinkKind.handed_off_to)
    assert "jingtiao" not in e.get(civil.case_id).overlays
    # Before accepting it the police only point the parties to a committee (人民调解法 第十八条).
    early = _public_order(e)
    told = e.fire(early.id, "hand_off", actor=POLICE, at=at("2026-09-28", 11), **_TO_COMMITTEE)
    assert told.details.police_referral is None


# -- traffic police sessions: notice and attendance (程序规定 第八十八、八十九条) --------------


def _traffic_crowd(e: Any) -> Any:
    """A traffic case accepted Mon 2026-09-21: four applicants (one with an agent) and one
    respondent; mediation starts on acceptance."""
    from mediation import Party

    people = [Party.person(name, role="applicant", phone=f"1380000000{i}", id=f"a{i}")
              for i, name in enumerate(("张三", "李梅", "王五", "赵六"), 1)]  # fmt: skip
    people.append(Party.person("钱律师", role="agent", agent_of="a1", phone="13900000000",
                               id="a1-agent"))  # fmt: skip
    people.append(Party.person("孙七", role="respondent", phone="13700000000", id="r1"))
    case = register(e, "qt-jj", at("2026-09-21", 9), category="traffic", parties=people,
                    details={"track": "administrative", "joint_application": True,
                             "certificate_received_on": "2026-09-18"})  # fmt: skip
    e.fire(case.id, "triage", actor=TRAFFIC, at=at("2026-09-21", 10), track="administrative")
    return e.fire(case.id, "accept", actor=TRAFFIC, at=at("2026-09-21", 11))


def test_traffic_mediation_admits_three_people_a_side() -> None:
    """第八十九条: at most three people of each side (parties and agents) take part. The
    applicants' side is five people (four applicants and one agent): the session is refused
    until three of them are named; an unknown id is refused; the respondent's side of one
    is not concerned. Each refusal leaves the case as it was. A people's committee mediates
    the same parties without the rule (the traffic police's procedure only)."""
    e = engine()
    case = _traffic_crowd(e)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-28"), mediators=["m"],
               notified_on="2026-09-21")  # fmt: skip
    assert err.value.field == "attendees"
    assert "第八十九条" in (err.value.basis or "")
    assert "5人" in str(err.value)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-28"), mediators=["m"],
               notified_on="2026-09-21", attendees=["a1", "a2", "a3", "a1-agent", "r1"])  # fmt: skip
    assert err.value.field == "attendees"
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-28"), mediators=["m"],
               notified_on="2026-09-21", attendees=["a1", "a9", "r1"])  # fmt: skip
    assert "a9" in str(err.value)
    assert e.get(case.id) == case
    started = e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-28"),
                     mediators=["m"], notified_on="2026-09-21", attendees=["a1", "a1-agent", "a2", "r1"])  # fmt: skip
    assert started.state == "mediating"
    # The traffic police's procedure only: a committee mediates the same five without naming.
    other = register(e, "qt-dm-dmc", at("2026-09-21", 9), category="neighbor",
                     parties=case.parties)  # fmt: skip
    e.fire(other.id, "triage", actor=VILLAGE, at=at("2026-09-21", 10), track="people")
    e.fire(other.id, "accept", actor=VILLAGE, at=at("2026-09-21", 11))
    e.fire(other.id, "inform_rights", actor=VILLAGE, at=at("2026-09-21", 12))
    assert e.fire(other.id, "start_mediation", actor=VILLAGE, at=at("2026-09-22"),
                  mediators=["m"]).state == "mediating"  # fmt: skip


def test_traffic_session_is_notified_three_working_days_before() -> None:
    """第八十八条 (its 日 are working days, 第一百一十二条): notified Wed 2026-09-23, the
    working days after it are 09-24 (1), [中秋 09-25–27], 09-28 (2), 09-29 (3): the session
    may be held from Tue 09-29, not on Mon 09-28. A notice dated after the session is
    refused too."""
    e = engine()
    case = _traffic_crowd(e)
    three = ["a1", "a2", "a3", "r1"]
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-28", 9),
               mediators=["m"], attendees=three, notified_on="2026-09-23")  # fmt: skip
    assert err.value.field == "notified_on"
    assert "2026-09-29" in str(err.value)
    assert "第八十八条" in (err.value.basis or "")
    with pytest.raises(ValidationError):
        e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-28", 9),
               mediators=["m"], attendees=three, notified_on="2026-09-30")  # fmt: skip
    started = e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-29", 9),
                     mediators=["m"], attendees=three, notified_on="2026-09-23")  # fmt: skip
    assert started.state == "mediating"


# -- 治安: the parties settle themselves (程序规定 第一百八十六条) -------------------------------


def _public_order_failed(e: Any) -> Any:
    """治安调解 accepted 09-29, failed Fri 2026-10-09: the penalty is owed."""
    case = _public_order(e)
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles")
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["m"])
    return e.fire(case.id, "terminate", actor=POLICE, at=at("2026-10-09", 11),
                  reason="双方未达成协议", remedies_informed=True)  # fmt: skip


def test_parties_who_settle_themselves_and_perform_are_not_penalised() -> None:
    """第一百八十六条: after the police's mediation failed (the penalty owed, 第一百八十五条)
    the parties settle by themselves, perform, and apply jointly in writing: the police
    approve and impose no penalty — the case-handling clock is met by that decision, no
    penalty can follow, and the case may close. Refused first: an application that does
    not say the settlement was performed, or is not joint (each naming the input)."""
    e = engine()
    case = _public_order_failed(e)
    waive = {"settlement": "parties", "applied_on": "2026-10-15"}
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "waive_penalty", actor=POLICE, at=at("2026-10-16"), **waive,
               joint_application=True)  # fmt: skip
    assert err.value.field == "performed"
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "waive_penalty", actor=POLICE, at=at("2026-10-16"), **waive,
               performed=True)  # fmt: skip
    assert err.value.field == "joint_application"
    assert e.get(case.id) == case
    waived = e.fire(case.id, "waive_penalty", actor=POLICE, at=at("2026-10-16"), **waive,
                    performed=True, joint_application=True)  # fmt: skip
    assert waived.details.penalty_waived_at == at("2026-10-16")
    assert clock(waived, "public_security_handling").status is DeadlineStatus.met
    assert "自行和解" in (waived.outcome or "")
    with pytest.raises(RuleRejectedError, match="不予处罚"):
        e.fire(case.id, "decide_penalty", actor=POLICE, at=at("2026-10-17"))
    with pytest.raises(RuleRejectedError, match="已经批准不予处罚"):
        e.fire(case.id, "waive_penalty", actor=POLICE, at=at("2026-10-17"), **waive,
               performed=True, joint_application=True)  # fmt: skip
    closed = e.fire(case.id, "close", actor=POLICE, at=at("2026-10-19"))
    assert closed.state == "closed"
    assert e.verify(case.id).ok


def test_self_settlement_comes_too_late_after_the_penalty_and_too_early_in_mediation() -> None:
    """第一百八十六条: not once the police decided on the penalty (但公安机关已依法作出处理
    决定的除外); nor while their own mediation is still going on (it ends in an agreement,
    第一百八十四条, or fails first); nor on a case that is not 治安."""
    e = engine()
    apply = {"settlement": "parties", "applied_on": "2026-10-15", "performed": True,
             "joint_application": True}  # fmt: skip
    decided = _public_order_failed(e)
    e.fire(decided.id, "decide_penalty", actor=POLICE, at=at("2026-10-14"))
    with pytest.raises(RuleRejectedError, match="已经作出处罚决定"):
        e.fire(decided.id, "waive_penalty", actor=POLICE, at=at("2026-10-16"), **apply)
    mediating = _public_order(e)
    e.fire(
        mediating.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles"
    )
    e.fire(mediating.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["m"])
    with pytest.raises(RuleRejectedError, match="自行和解并履行"):
        e.fire(mediating.id, "waive_penalty", actor=POLICE, at=at("2026-10-16"), **apply)
    civil = register(e, "qt-dm-dmc", at("2026-09-28"))
    with pytest.raises(RuleRejectedError, match="治安案件"):
        e.fire(civil.id, "waive_penalty", actor=VILLAGE, at=at("2026-10-16"), **apply)


def test_after_a_failed_committee_mediation_the_parties_may_still_settle() -> None:
    """警调对接 then 自行和解 (第一百八十六条 names both): the committee reports its mediation
    failed; the parties then settle by themselves and perform; the police approve on the
    handed-off case, and no penalty decision can follow."""
    e = engine()
    police, committee = _handed_to_committee(e)
    e.fire(committee.id, "triage", actor=VILLAGE, at=at("2026-10-12", 9), track="people")
    e.fire(committee.id, "accept", actor=VILLAGE, at=at("2026-10-12", 10),
           other_side_consents=True)  # fmt: skip
    e.fire(committee.id, "inform_rights", actor=VILLAGE, at=at("2026-10-12", 11))
    e.fire(committee.id, "start_mediation", actor=VILLAGE, at=at("2026-10-13"),
           mediators=[VILLAGE.id])  # fmt: skip
    e.fire(committee.id, "terminate", actor=VILLAGE, at=at("2026-10-14"), reason="调解不成",
           remedies_informed=True)  # fmt: skip
    reported = e.get(police.id)
    assert reported.details.police_referral.result == "failed"
    waived = e.fire(police.id, "waive_penalty", actor=POLICE, at=at("2026-10-20"),
                    settlement="parties", applied_on="2026-10-19", performed=True,
                    joint_application=True)  # fmt: skip
    assert waived.details.police_referral.waived_at == at("2026-10-20")
    assert "自行和解" in (waived.outcome or "")
    with pytest.raises(RuleRejectedError, match="已经批准不予处罚"):
        e.fire(police.id, "decide_penalty_after_committee", actor=POLICE, at=at("2026-10-21"))


# -- medical: one body at a time (医疗纠纷预防和处理条例 第三十一条、第四十条) -----------------

MEDICAL_COMMITTEE = actor("qt-yt")


def _medical_at_health(e: Any, when: str) -> Any:
    case = register(e, "qt-wjj", at(when), category="medical",
                    details={"track": "administrative"})  # fmt: skip
    return e.fire(case.id, "triage", actor=HEALTH, at=at(when, 10), track="administrative")


def _medical_at_committee(e: Any, when: str) -> Any:
    case = register(e, "qt-yt", at(when), category="medical")
    return e.fire(case.id, "triage", actor=MEDICAL_COMMITTEE, at=at(when, 10), track="people")


def test_the_medical_committee_does_not_take_what_the_health_department_accepted() -> None:
    """第三十一条: the health department accepted the dispute on 03-03; the same parties' same
    dispute, brought to the medical committee on 03-05, is not accepted there — the step reads
    the health department's case as it stands, names it, and leaves the case as it was (the
    clerk records the non-acceptance with ``handled_by``). Once the department's mediation
    failed, the committee may take it: the bar is on a matter held, not on one tried."""
    e = engine()
    health = _medical_at_health(e, "2026-03-02")
    health = e.fire(
        health.id, "accept", actor=HEALTH, at=at("2026-03-03"), other_side_consents=True
    )
    committee = _medical_at_committee(e, "2026-03-05")
    with pytest.raises(RuleRejectedError, match=health.code) as err:
        e.fire(committee.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-03-05", 11),
               other_side_consents=True)  # fmt: skip
    assert err.value.basis == "《医疗纠纷预防和处理条例》第三十一条"
    assert e.get(committee.id) == committee
    e.fire(health.id, "start_mediation", actor=HEALTH, at=at("2026-03-06"), mediators=["m"])
    e.fire(health.id, "terminate", actor=HEALTH, at=at("2026-03-09"), reason="调解不成",
           remedies_informed=True)  # fmt: skip
    taken = e.fire(committee.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-03-10"),
                   other_side_consents=True)  # fmt: skip
    assert taken.state == "accepted"
    assert e.verify(committee.id).ok


def test_the_health_department_does_not_take_what_the_committee_accepted() -> None:
    """第四十条: registered at the health department first (03-02), then at the committee
    (03-03); the committee accepts first (03-04): the department, whose case is the older
    one, does not accept after it. What the refused step saw is not logged (nothing is
    written); what an accepted one saw is, and the case replays from it later."""
    e = engine()
    health = _medical_at_health(e, "2026-03-02")
    committee = _medical_at_committee(e, "2026-03-03")
    accepted = e.fire(committee.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-03-04"),
                      other_side_consents=True)  # fmt: skip
    assert [r["id"] for r in e.history(committee.id)[-1].facts["related"]] == [health.id]
    with pytest.raises(RuleRejectedError, match=accepted.code) as err:
        e.fire(health.id, "accept", actor=HEALTH, at=at("2026-03-05"), other_side_consents=True)
    assert err.value.basis == "《医疗纠纷预防和处理条例》第四十条"
    assert e.get(health.id) == health
    assert e.verify(committee.id).ok


def test_another_matter_of_the_same_parties_is_not_barred() -> None:
    """The bar is the same dispute: the same parties' neighbour dispute accepted by a village
    committee does not stop the medical committee accepting their medical dispute. Only a
    medical dispute's acceptance looks the other cases up (and logs them)."""
    e = engine()
    village = register(e, "qt-dm-dmc", at("2026-03-02"))
    e.fire(village.id, "triage", actor=VILLAGE, at=at("2026-03-02", 10), track="people")
    e.fire(village.id, "accept", actor=VILLAGE, at=at("2026-03-02", 11))
    assert "related" not in e.history(village.id)[-1].facts
    committee = _medical_at_committee(e, "2026-03-03")
    taken = e.fire(committee.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-03-04"),
                   other_side_consents=True)  # fmt: skip
    assert taken.state == "accepted"
    # it saw the village case (the same parties) and let it be: another matter
    seen = e.history(committee.id)[-1].facts["related"]
    assert [r["id"] for r in seen] == [village.id]


def test_a_court_is_not_barred_by_a_mediation_body_holding_the_matter() -> None:
    """第三十一条、第四十条 bar the committee and the health department, not the court: with the
    health department holding the dispute, the county court still accepts it on its own
    (judicial) track."""
    e = engine()
    health = _medical_at_health(e, "2026-03-02")
    e.fire(health.id, "accept", actor=HEALTH, at=at("2026-03-03"), other_side_consents=True)
    court = actor("qt-fy")
    case = register(e, "qt-fy", at("2026-03-04"), category="medical")
    e.fire(case.id, "triage", actor=court, at=at("2026-03-04", 10), track="judicial")
    assert e.fire(case.id, "accept", actor=court, at=at("2026-03-04", 11),
                  other_side_consents=True).state == "accepted"  # fmt: skip


def test_a_court_s_later_acceptance_ends_the_committee_s_medical_mediation() -> None:
    """第三十一条: "已经受理的，终止调解". The medical committee accepted (03-02) and is mediating
    (03-03); the county court accepts the same dispute on 03-04. The committee's mediation
    does not go on: its agreement is refused, naming the court's case, and the case is left
    as it was; it ends its mediation (terminate). Before the court accepted, nothing was
    in the way: the mediation started."""
    from mediation._demo import agreement

    e = engine()
    committee = _medical_at_committee(e, "2026-03-02")
    e.fire(committee.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 11),
           other_side_consents=True)  # fmt: skip
    e.fire(committee.id, "inform_rights", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 12))
    mediating = e.fire(committee.id, "start_mediation", actor=MEDICAL_COMMITTEE,
                       at=at("2026-03-03"), mediators=[MEDICAL_COMMITTEE.id])  # fmt: skip
    court = actor("qt-fy")
    suit = register(e, "qt-fy", at("2026-03-04"), category="medical")
    e.fire(suit.id, "triage", actor=court, at=at("2026-03-04", 10), track="judicial")
    suit = e.fire(suit.id, "accept", actor=court, at=at("2026-03-04", 11),
                  other_side_consents=True)  # fmt: skip
    signed = at("2026-03-05", 11)
    terms = agreement("2026-03-20")
    terms["signatures"] = signed_by_all(
        mediating, signed, "调解员甲", "青田县医疗纠纷人民调解委员会"
    )
    with pytest.raises(RuleRejectedError, match=suit.code) as err:
        e.fire(committee.id, "agree", actor=MEDICAL_COMMITTEE, at=signed, agreement=terms)
    assert err.value.basis == "《医疗纠纷预防和处理条例》第三十一条"
    assert e.get(committee.id) == mediating
    ended = e.fire(committee.id, "terminate", actor=MEDICAL_COMMITTEE, at=at("2026-03-05", 12),
                   reason="人民法院已受理，终止调解", remedies_informed=True)  # fmt: skip
    assert ended.state == "failed"
    assert e.verify(committee.id).ok
