"""What a rule sees of a related case's end: how it was resolved (``RelatedCase.resolution``).

The engine tells a rule about the cases sharing a key as they stand, and logs what it told
with the event; a closed case says how it ended (an agreement, a failure, a withdrawal…), so
a rule can tell a matter another body resolved from one it merely closed.
"""

from __future__ import annotations

from mediation import Engine

from ._support import actor, at, engine, register
from .test_committee_bars import _organ_accepts

COURT = "qt-fy"


def _court_case(e: Engine, end: str) -> str:
    case_id = _organ_accepts(e, COURT, "judicial")
    if end == "withdrawn":
        e.fire(case_id, "withdraw", actor=actor(COURT), at=at("2026-09-14", 15), reason="原告撤诉")
    return case_id


def test_a_related_case_says_how_it_ended_and_a_replay_reads_it_back() -> None:
    e = engine()
    open_id = _court_case(e, "open")
    ended_id = _court_case(e, "withdrawn")
    village = register(e, "qt-dm-dmc", at("2026-09-15"))
    seen = {r.id: r.resolution for r in e.related(village.id)}
    assert seen == {open_id: None, ended_id: "withdrawn"}
    (intake,) = e.history(village.id)
    logged = {row["id"]: row.get("resolution") for row in intake.facts["related"]}
    assert logged == {open_id: None, ended_id: "withdrawn"}
    assert "resolution" not in next(r for r in intake.facts["related"] if r["id"] == open_id)
    assert e.verify(village.id).ok
