"""Who approves an extension: the head of the organ whose period it is, or the organ above.

- 《信访工作条例》第三十四条: the handling period may be extended by up to 30 日 “经本行政机关
  负责人批准” — the head of the organ handling the matter. A county leader (even the one
  who holds the case by 领导包案) is not the town's head: before, anyone with a leader's
  role whose subtree held the case could extend it.
- 《公安机关办理行政案件程序规定》第一百六十五条 (RULES.md §6.5): the 30-day handling period
  of a 治安 case is extended with the approval of the police one level up, never by the
  station handling it.

The approver's unit is the actor's, which the step reads and logs (``reads_actor_unit``),
so the case replays and verifies. A system actor (an embedder's process recording an
approval given outside the org tree) has no unit and is not checked.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, ValidationError

from ..petition.conftest import COUNTY_LEADER, TOWN, TOWN_LEADER, at, engine, letter
from ._support import actor, clock, register
from ._support import at as day
from ._support import engine as dispute_engine

ASK = {
    "length": 30,
    "reason": "需要现场勘验",
    "approver": "organ_head",
    "petitioner_notified": True,
}


def _accepted(e: Engine) -> str:
    """A letter the town government received 2025-12-15 and accepted 12-18 (60 日 to
    Tue 2026-02-24; 90 日 to Wed 2026-03-18)."""
    case = letter(e, "2025-12-15", unit="qt-dm", actor=TOWN)
    return e.fire(case.id, "accept", actor=TOWN, at=at("2025-12-18", 10)).id


def test_a_county_leader_does_not_approve_the_towns_extension() -> None:
    e = engine()
    case_id = _accepted(e)
    before = e.get(case_id)
    handling = clock(before, "petition_handling")
    with pytest.raises(ValidationError) as err:
        e.fire(case_id, "extend_deadline", actor=COUNTY_LEADER, at=at("2026-02-10"),
               deadline=handling.id, **ASK)  # fmt: skip
    assert err.value.field == "approver"
    assert "东门镇" in str(err.value)
    assert "第三十四条" in str(err.value)
    assert e.get(case_id) == before
    given = {"extend_deadline": {"deadline": handling.id, **ASK}}
    offered = {
        t.trigger: t
        for t in e.available_triggers(case_id, COUNTY_LEADER, at("2026-02-10"), inputs=given)
    }
    assert not offered["extend_deadline"].allowed
    assert offered["extend_deadline"].reason == err.value.rule


def test_the_towns_own_head_approves_and_the_case_replays() -> None:
    e = engine()
    case_id = _accepted(e)
    handling = clock(e.get(case_id), "petition_handling")
    extended = e.fire(case_id, "extend_deadline", actor=TOWN_LEADER, at=at("2026-02-10"),
                      deadline=handling.id, **ASK)  # fmt: skip
    assert clock(extended, "petition_handling").due.isoformat() == "2026-03-18"
    assert e.history(case_id)[-1].facts["actor_unit"] == "qt-dm"
    assert e.verify(case_id).ok


def test_a_system_actor_records_an_approval_unchecked() -> None:
    e = engine()
    case_id = _accepted(e)
    handling = clock(e.get(case_id), "petition_handling")
    extended = e.fire(case_id, "extend_deadline", actor=Actor.system(), at=at("2026-02-10"),
                      deadline=handling.id, **ASK)  # fmt: skip
    assert clock(extended, "petition_handling").extension == 30
    assert "actor_unit" not in e.history(case_id)[-1].facts
    assert e.verify(case_id).ok


def test_the_police_station_does_not_extend_its_own_handling_period() -> None:
    """A 治安 case accepted by 东门派出所 on 03-02 (30 日 to 04-01). The station's head
    asks +30 日 "approved by the police above": refused, naming the station; the
    approval of the organ above, recorded by the system, is accepted."""
    e = dispute_engine()
    police = actor("qt-pcs")
    case = register(e, "qt-pcs", day("2026-03-02"), category="public_order",
                    channel="police_110")  # fmt: skip
    e.fire(case.id, "triage", actor=police, at=day("2026-03-02", 10), track="administrative")
    accepted = e.fire(case.id, "accept", actor=police, at=day("2026-03-02", 11), act="assault",
                      ground="trifles")  # fmt: skip
    handling = clock(accepted, "public_security_handling")
    ask = {"deadline": handling.id, "length": 30, "reason": "伤情鉴定未出",
           "approver": "higher_public_security"}  # fmt: skip
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "extend_deadline", actor=police, at=day("2026-03-20"), **ask)
    assert err.value.field == "approver"
    assert "东门派出所" in str(err.value)
    assert "第一百六十五条" in str(err.value)
    assert e.get(case.id) == accepted
    extended = e.fire(case.id, "extend_deadline", actor=Actor.system(), at=day("2026-03-20"),
                      **ask)  # fmt: skip
    assert clock(extended, "public_security_handling").extension == 30
    assert e.verify(case.id).ok
