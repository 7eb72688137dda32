"""An administrative organ's own mediation gives way to people's mediation, a suit or
arbitration already under way (RULES.md §6.7; dispute workflow version 8).

No national statute governs 行政调解; the local rules RULES.md §6.7 cites share the pattern:
the organ does not mediate a dispute already in people's mediation, before a court or in
arbitration. The committee's side of the same exclusion (2002 规定 第二十二条第二项) is in
``test_committee_bars``. Version 7 accepted it and stays so for its recorded cases.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, RuleRejectedError

from ._support import actor, at, engine, register

TOWN = "qt-dmz"
BASIS = "RULES.md §6.7"


def _accepted(e: Engine, unit: str, track: str, day: str = "2026-09-14") -> str:
    """The matter registered at ``unit`` on ``day`` and accepted there on ``track``: its id."""
    who = actor(unit)
    case = register(e, unit, at(day))
    e.fire(case.id, "triage", actor=who, at=at(day, 10), track=track)
    assert e.fire(case.id, "accept", actor=who, at=at(day, 11)).state == "accepted"
    return case.id


def _town_triaged(e: Engine, version: int | None = None) -> str:
    who = actor(TOWN)
    case = register(e, TOWN, at("2026-09-15"))
    if version is not None:
        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=at("2026-09-15", 9))
    e.fire(case.id, "triage", actor=who, at=at("2026-09-15", 10), track="administrative")
    return case.id


@pytest.mark.parametrize(
    ("unit", "track"), [("qt-dm-dmc", "people"), ("qt-dm", "people"), ("qt-fy", "judicial")]
)
def test_the_town_does_not_accept_what_a_committee_or_a_court_holds(unit: str, track: str) -> None:
    e = engine()
    code = e.get(_accepted(e, unit, track)).code
    cid = _town_triaged(e)
    before = e.get(cid)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(cid, "accept", actor=actor(TOWN), at=at("2026-09-15", 11))
    assert BASIS in refused.value.basis
    assert code in str(refused.value)
    assert e.get(cid) == before
    # The organ records it as not accepted: handled by the body that holds it.
    ended = e.fire(cid, "accept", actor=actor(TOWN), at=at("2026-09-15", 11), handled_by=unit)
    assert ended.state == "not_accepted"
    assert e.verify(cid).ok


def test_a_matter_the_committee_no_longer_holds_does_not_bar() -> None:
    """The committee's case was withdrawn: nothing is under way any more."""
    e = engine()
    held = _accepted(e, "qt-dm-dmc", "people")
    e.fire(held, "withdraw", actor=actor("qt-dm-dmc"), at=at("2026-09-14", 15), reason="撤回申请")
    cid = _town_triaged(e)
    assert e.fire(cid, "accept", actor=actor(TOWN), at=at("2026-09-15", 11)).state == "accepted"


def test_a_suit_accepted_during_administrative_mediation_ends_it() -> None:
    """The court accepts the same dispute while the town mediates: the town's mediation does
    not go on (its agreement would be refused, as is a start not yet made); it ends it."""
    e = engine()
    who = actor(TOWN)
    waiting = _town_triaged(e)
    e.fire(waiting, "accept", actor=who, at=at("2026-09-15", 11))
    cid = _town_triaged(e)
    e.fire(cid, "accept", actor=who, at=at("2026-09-15", 11))
    e.fire(cid, "start_mediation", actor=who, at=at("2026-09-15", 14), mediators=[who.id])
    court = _accepted(e, "qt-fy", "judicial", day="2026-09-16")
    code = e.get(court).code
    before = e.get(waiting)
    with pytest.raises(RuleRejectedError, match="终止行政调解") as refused:
        e.fire(waiting, "start_mediation", actor=who, at=at("2026-09-17"), mediators=[who.id])
    assert code in str(refused.value)
    assert e.get(waiting) == before
    ended = e.fire(cid, "terminate", actor=who, at=at("2026-09-17"), reason="当事人已起诉",
                   remedies_informed=True)  # fmt: skip
    assert ended.state == "failed"
    assert e.verify(cid).ok


def test_version_7_accepted_it() -> None:
    """The defect version 8 mends, kept for the cases recorded on version 7."""
    e = engine()
    _accepted(e, "qt-dm-dmc", "people")
    cid = _town_triaged(e, version=7)
    accepted = e.fire(cid, "accept", actor=actor(TOWN), at=at("2026-09-15", 11))
    assert (accepted.state, accepted.workflow_version) == ("accepted", 7)
