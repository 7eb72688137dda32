"""What binds a people's mediation committee whoever sent it the case.

- 2002 规定 第三十条: the committee tells the parties their rights and duties before it
  mediates — also when a court entrusted the mediation (the judicial track at a committee);
  a court mediating its own case is not a committee.
"""

from __future__ import annotations

import datetime as dt

import pytest

from mediation import Engine, RuleRejectedError

from ._support import actor, at, engine, register

VILLAGE = "qt-dm-dmc"
COURT = "qt-fy"
RIGHTS = "《人民调解工作若干规定》第三十条"


def _entrusted(e: Engine, unit: str) -> str:
    """A case the court entrusted (委托) to ``unit``, accepted there on the judicial track."""
    who = actor(unit)
    case = register(e, unit, at("2026-09-14"))
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track="judicial")
    e.fire(
        case.id,
        "accept",
        actor=who,
        at=at("2026-09-14", 11),
        materials_signed_on=dt.date(2026, 9, 14),
        court=COURT,
    )
    return case.id


def test_a_committee_entrusted_by_a_court_tells_the_rights_before_mediating() -> None:
    e = engine()
    cid = _entrusted(e, VILLAGE)
    who = actor(VILLAGE)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(cid, "start_mediation", actor=who, at=at("2026-09-15"), mediators=[who.id])
    assert refused.value.basis == RIGHTS
    assert e.get(cid).state == "accepted"
    option = next(o for o in e.available_triggers(cid, actor=who) if o.trigger == "start_mediation")
    assert not option.allowed
    assert option.basis == RIGHTS
    e.fire(cid, "inform_rights", actor=who, at=at("2026-09-15", 9), written=True)
    moved = e.fire(cid, "start_mediation", actor=who, at=at("2026-09-15"), mediators=[who.id])
    assert moved.state == "mediating"


def test_a_court_mediating_its_own_case_is_not_a_committee() -> None:
    e = engine()
    who = actor(COURT)
    case = register(e, COURT, at("2026-09-14"))
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track="judicial")
    e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11))
    moved = e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-15"), mediators=[who.id])
    assert moved.state == "mediating"
