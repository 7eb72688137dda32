"""Dispute workflow version 6: a referral goes to a unit that runs the case's track, only an
assignment down sets a report-back date, and a hand-off goes to another track.

Sources: 《信访工作条例》第三十七条 (三调联动: each track its organs), 第二十二条第一款第三项
(交办 with a report-back date); 2002 规定 第二十一条 and RULES.md §7.4 (the ladder: no level
skipped but for a major or urgent matter). Version 5 allowed all three; its cases replay
as recorded.
"""

from __future__ import annotations

import pytest

from mediation import Actor, ValidationError
from mediation.model import Case

from ._support import actor, at, clocks, engine, register

VILLAGE = actor("qt-dm-dmc")
TOWN = actor("qt-dm")
COUNTY = actor("qt")


def _mediating(e, unit: str = "qt-dm-dmc", who: Actor = VILLAGE) -> Case:  # type: ignore[no-untyped-def]
    case = register(e, unit, at("2026-03-02"))
    e.fire(case.id, "triage", actor=who, at=at("2026-03-02", 10), track="people")
    e.fire(case.id, "accept", actor=who, at=at("2026-03-02", 11))
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-03-02", 12))
    return e.fire(case.id, "start_mediation", actor=who, at=at("2026-03-02", 14), mediators=["m"])


def _unchanged(e, case: Case) -> None:  # type: ignore[no-untyped-def]
    assert e.get(case.id) == case
    assert e.verify(case.id).ok


def test_a_hand_off_on_the_same_track_is_a_referral() -> None:
    """The village cannot "hand off" its people's-mediation case to the county centre, or to
    another town's village, on the people's track: that would skip the ladder (the same
    move by ``refer`` is refused for 疑难复杂, 第二十一条). Another track's organ it may."""
    e = engine()
    case = _mediating(e)
    assert case.workflow_version >= 6
    for unit in ("qt", "qt-hx-v"):
        with pytest.raises(ValidationError) as err:
            e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-03-03"), track="people",
                   unit=unit, reason="疑难", consent=True)  # fmt: skip
        assert err.value.field == "track"
        assert "第二十一条" in err.value.basis
        _unchanged(e, case)
    handed = e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-03-03"),
                    track="administrative", unit="qt-dmz", reason="涉及行政管理事项",
                    consent=True)  # fmt: skip
    assert handed.state == "handed_off"


def test_a_referral_goes_to_a_unit_that_runs_the_track() -> None:
    """东门镇 committee cannot refer its people's-mediation case across to 东门派出所 (the
    police run administrative mediation): refused naming ``to``; to the centre it may go."""
    e = engine()
    case = _mediating(e, "qt-dm", TOWN)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "refer", actor=TOWN, at=at("2026-03-03"), to="qt-pcs",
               reason="territorial")  # fmt: skip
    assert err.value.field == "to"
    assert "第三十七条" in err.value.basis
    _unchanged(e, case)
    sent = e.fire(case.id, "refer", actor=TOWN, at=at("2026-03-03"), to="qt", reason="complex")
    assert (sent.state, sent.unit) == ("referred", "qt")


def test_only_an_assignment_down_sets_a_report_back_date() -> None:
    """The village sending its case up sets no report-back date on the town (第二十二条: the
    assigning unit sets it); the town assigning a case down does."""
    e = engine()
    case = _mediating(e)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-dm",
               reason="complex", feedback_by="2026-03-10")  # fmt: skip
    assert err.value.field == "feedback_by"
    _unchanged(e, case)
    up = e.fire(case.id, "refer", actor=VILLAGE, at=at("2026-03-03"), to="qt-dm", reason="complex")
    taken = e.fire(up.id, "take_referral", actor=TOWN, at=at("2026-03-04"))
    assert not clocks(taken, "assignment_feedback")
    assigned = _mediating(e, "qt-dm", TOWN)
    down = e.fire(assigned.id, "refer", actor=TOWN, at=at("2026-03-03"), to="qt-dm-dmc",
                  reason="assigned", feedback_by="2026-03-17")  # fmt: skip
    assert down.details.referrals[-1].feedback_by.isoformat() == "2026-03-17"  # type: ignore[union-attr]


def test_a_version_5_case_keeps_its_rules() -> None:
    """A case recorded under version 5 hands off on the same track as it did, replays and
    verifies."""
    e = engine()
    case = _mediating(e)
    e.migrate_case(case.id, to_version=5, actor=Actor.system(), at=at("2026-03-02", 15))
    handed = e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-03-03"), track="people",
                    unit="qt", reason="疑难", consent=True)  # fmt: skip
    assert handed.state == "handed_off"
    assert e.replay(case.id) == e.get(case.id)
    assert e.verify(case.id).ok
