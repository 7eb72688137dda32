"""A court's delegation before filing (委派) is not in simplified procedure (特邀调解规定
第二十七条; RULES.md §0 rows 18 and 18b; dispute workflow version 8).

委派 runs 30 days; 委托 — entrusted after filing — 15, or 7 in simplified procedure. A case
registered on the ``court_referral`` channel (委派) and marked simplified got the 30 days
with the mark silently ignored: the clerk meant 委托 or erred. Version 8 refuses the mark
there, naming the field; 委托 in simplified procedure keeps its 7 days.
"""

from __future__ import annotations

import pytest

from mediation import ValidationError

from ._support import actor, at, clock, engine, register

TOWN = "qt-dm"


def test_a_delegation_marked_simplified_is_refused_and_left_as_it_was() -> None:
    e = engine()
    who = actor(TOWN)
    case = register(e, TOWN, at("2026-09-24"), channel="court_referral",
                    details={"materials_signed_on": "2026-09-24", "court": "青田县人民法院"})  # fmt: skip
    e.fire(case.id, "triage", actor=who, at=at("2026-09-24", 10), track="judicial")
    before = e.get(case.id)
    with pytest.raises(ValidationError, match="第二十七条") as refused:
        e.fire(case.id, "accept", actor=who, at=at("2026-09-24", 11), simplified=True)
    assert refused.value.field == "simplified"
    assert e.get(case.id) == before
    accepted = e.fire(case.id, "accept", actor=who, at=at("2026-09-24", 11))
    assert clock(accepted, "court_delegated").due.isoformat() == "2026-10-26"


def test_an_entrusted_mediation_in_simplified_procedure_runs_seven_days() -> None:
    e = engine()
    who = actor(TOWN)
    case = register(e, TOWN, at("2026-09-24"), details={"materials_signed_on": "2026-09-24"})
    e.fire(case.id, "triage", actor=who, at=at("2026-09-24", 10), track="judicial")
    accepted = e.fire(case.id, "accept", actor=who, at=at("2026-09-24", 11), simplified=True)
    assert clock(accepted, "court_entrusted_simplified").due.isoformat() == "2026-10-08"
