"""Major and urgent petition matters are reported (《信访工作条例》第二十五条): to the party
committee and government at the organ's level, and from a petition office also to the
office one level up and to 国家信访局. A finding without its report owes it at once (a
practice day: the regulation says "及时"), and the case is not closed while it is owed."""

from __future__ import annotations

import pytest

from mediation import RuleRejectedError, ValidationError

from .conftest import BUREAU, TOWN, at, due, engine, letter

_TOWN_LEVEL = ["中共东门镇委员会", "东门镇人民政府"]


def test_a_finding_owes_its_report_and_holds_the_case_open_until_it_is_made() -> None:
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    flagged = e.fire(case.id, "flag_major", actor=TOWN, at=at("2026-03-03"), nature="urgent",
                     finding="信访人扬言到县政府门前聚集")  # fmt: skip
    assert due(flagged, "petition_major_report") == "2026-03-04"
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError, match="第二十五条"):
        e.fire(
            case.id,
            "not_accept",
            actor=TOWN,
            at=at("2026-03-04"),
            reason="不属本机关职权",
            guide_to="青田县人民政府",
        )
    assert e.get(case.id) == before
    reported = e.fire(case.id, "report_major", actor=TOWN, at=at("2026-03-04"),
                      reported_to=_TOWN_LEVEL)  # fmt: skip
    clock = next(d for d in reported.deadlines if d.period == "petition_major_report")
    assert clock.status.value == "met"
    done = e.fire(
        case.id,
        "not_accept",
        actor=TOWN,
        at=at("2026-03-04", 10),
        reason="不属本机关职权",
        guide_to="青田县人民政府",
    )
    assert done.state == "not_accepted"
    assert e.verify(case.id).ok


def test_a_petition_office_reports_up_and_to_the_national_office() -> None:
    e = engine()
    case = letter(e, "2026-03-02")
    e.fire(case.id, "flag_major", actor=BUREAU, at=at("2026-03-02", 10), nature="major",
           finding="涉及三十余户的集体诉求")  # fmt: skip
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "report_major", actor=BUREAU, at=at("2026-03-02", 11),
               reported_to=["中共青田县委", "青田县人民政府"])  # fmt: skip
    assert err.value.field == "reported_to"
    assert "国家信访局" in str(err.value)
    assert e.get(case.id) == before
    e.fire(case.id, "report_major", actor=BUREAU, at=at("2026-03-02", 11),
           reported_to=["中共青田县委", "青田县人民政府", "丽水市信访局", "国家信访局"])  # fmt: skip


def test_a_report_made_with_the_finding_owes_nothing_more() -> None:
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    flagged = e.fire(case.id, "flag_major", actor=TOWN, at=at("2026-03-03"), nature="major",
                     finding="群体性诉求", reported_to=_TOWN_LEVEL)  # fmt: skip
    assert not [d for d in flagged.deadlines if d.period == "petition_major_report"]
    with pytest.raises(RuleRejectedError):
        e.fire(case.id, "flag_major", actor=TOWN, at=at("2026-03-03"), nature="major",
               finding="再次认定")  # fmt: skip


def test_no_report_without_a_finding() -> None:
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    with pytest.raises(RuleRejectedError, match="flag_major"):
        e.fire(case.id, "report_major", actor=TOWN, at=at("2026-03-03"), reported_to=_TOWN_LEVEL)
