"""People's mediation is for 民间纠纷 (dispute workflow version 8).

《人民调解法》第二条: a people's mediation committee mediates 民间纠纷; 2002 规定 第二十条
defines them as disputes between citizens, or between citizens and legal persons or other
organisations. A dispute between two companies is not one: the committee does not accept it
and tells the parties where to go (``not_accept``). An industry committee (《人民调解法》
第三十四条), and the other tracks — an administrative organ's mediation, a court's — are not
held to it. Version 7 accepted it and stays so for its recorded cases.
"""

from __future__ import annotations

from mediation import Actor, Case, Engine, Party

from ._support import actor, at, engine, register

VILLAGE = actor("qt-dm-dmc")
BASIS = "《人民调解工作若干规定》第二十条"


def _companies() -> list[Party]:
    return [
        Party.organisation("青田某建材有限公司", role="applicant", org_code="91331121MA2E1X2Y3K"),
        Party.organisation("青田某物流有限公司", role="respondent", org_code="91331121MA2E1X2Y4N"),
    ]


def _triaged(e: Engine, parties: list[Party], unit: str = "qt-dm-dmc", track: str = "people",
             category: str = "contract", version: int | None = None) -> Case:  # fmt: skip
    who = actor(unit)
    case = register(e, unit, at("2026-03-02"), category=category, parties=parties, actor=who)
    if version is not None:
        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=at("2026-03-02", 9))
    return e.fire(case.id, "triage", actor=who, at=at("2026-03-02", 10), track=track)


def test_a_committee_does_not_accept_a_dispute_between_two_companies() -> None:
    """Acceptance takes its other branch, as for any bar: not accepted, on 第二十条."""
    e = engine()
    case = _triaged(e, _companies())
    refused = e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-03-02", 11))
    assert refused.state == "not_accepted"
    assert "不属于人民调解的民间纠纷" in (refused.outcome or "")
    assert BASIS in (refused.outcome or "")
    assert e.verify(case.id).ok


def test_a_citizen_against_a_company_is_a_civil_dispute() -> None:
    e = engine()
    parties = [
        Party.person("张三", role="applicant", phone="13900000011"),
        _companies()[1],
    ]
    case = _triaged(e, parties)
    assert e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-03-02", 11)).state == "accepted"


def test_another_track_is_not_held_to_it() -> None:
    """The township government's administrative mediation of two companies' dispute."""
    e = engine()
    case = _triaged(e, _companies(), unit="qt-dmz", track="administrative")
    accepted = e.fire(case.id, "accept", actor=actor("qt-dmz"), at=at("2026-03-02", 11))
    assert accepted.state == "accepted"


def test_version_7_accepted_it() -> None:
    """The defect version 8 mends, kept for the cases recorded on version 7."""
    e = engine()
    case = _triaged(e, _companies(), version=7)
    accepted = e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-03-02", 11))
    assert (accepted.state, accepted.workflow_version) == ("accepted", 7)
