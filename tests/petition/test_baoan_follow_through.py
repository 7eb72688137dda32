"""领导包案 followed through to the sign-off (一抓到底, RULES.md §7.1): petition workflow
version 6 and dispute workflow version 9.

- Accepting a petition under 包案, or answering it with an opinion still open to 复查, leaves
  the 包案's timetable, its reminders and a booked reception running (version 5 closed them
  as met: the leader was reminded no more, a reception not yet held read as held).
- A case owned above the county needs a leader of its own level.
- The 四包 duties are the leader's in charge: another leader does not record one.
- A roster given in the policy is checked against the org tree, as a roster file is.
"""

from __future__ import annotations

from typing import Any

import pytest

from mediation import Actor, Engine, Party, Policy, Risk, RuleRejectedError, ValidationError
from mediation.rules.baoan import Baoan, BaoanPolicy, Leader

from .conftest import (
    CITY,
    COUNTY_LEADER,
    LEADERS,
    OPINION_DATA,
    ORG,
    TOWN,
    TOWN_LEADER,
    at,
    dispute,
    engine,
    letter,
)
from .test_baoan import PLAN, repeat_petition

LEADER_CLOCKS = ("baoan_timetable", "baoan_reminder", "leader_reception")
CITY_LEADER = Actor("ld-city", {"leader"}, "ls", "陈市")


def _status(case: Any) -> dict[str, str]:
    """The 包案 leader's clocks by period: their last status."""
    return {d.period: d.status.value for d in case.deadlines if d.period in LEADER_CLOCKS}


def _under_baoan(e: Engine, *, version: int | None = None) -> str:
    """A repeat petition at the town under the town leader's 包案, a reception booked."""
    cid = repeat_petition(e)
    if version is not None:
        e.migrate_case(cid, to_version=version, actor=Actor.system(), at=at("2026-03-09", 12))
    e.fire(cid, "baoan_assign", actor=TOWN_LEADER, at=at("2026-03-10"), leader="ld-town", **PLAN)
    e.fire(
        cid,
        "book_reception",
        actor=TOWN,
        at=at("2026-03-10", 10),
        leader="ld-town",
        day="2026-03-16",
    )
    return cid


def test_accepting_a_petition_under_baoan_leaves_the_leaders_clocks_running() -> None:
    e = engine()
    cid = _under_baoan(e)
    case = e.fire(cid, "accept", actor=TOWN, at=at("2026-03-10", 11))
    assert case.workflow_version >= 6
    assert _status(case) == dict.fromkeys(LEADER_CLOCKS, "running")
    # The reception is met when held, not when the matter was accepted.
    held = e.fire(cid, "reception_held", actor=TOWN, at=at("2026-03-16", 9), leader="ld-town")
    assert _status(held)["leader_reception"] == "met"
    # The reminder falls due on 03-25 (15 days): the cadence still reminds the leader.
    taken = e.run_scheduled(at=at("2026-03-26"))
    assert [(t.case_id, t.trigger) for t in taken] == [(cid, "baoan_remind")]
    found = e.get(cid).overlays["baoan"]
    assert isinstance(found, Baoan)
    assert found.reminders == 1


def test_version_5_closed_them_as_met_on_acceptance_and_replays_so() -> None:
    e = engine()
    cid = _under_baoan(e, version=5)
    case = e.fire(cid, "accept", actor=TOWN, at=at("2026-03-10", 11))
    assert case.workflow_version == 5
    assert _status(case) == dict.fromkeys(LEADER_CLOCKS, "met")
    assert e.run_scheduled(at=at("2026-04-20")) == []
    assert e.verify(cid).ok


def test_an_opinion_open_to_review_leaves_them_running_to_the_sign_off() -> None:
    e = engine()
    cid = _under_baoan(e)
    e.fire(cid, "accept", actor=TOWN, at=at("2026-03-10", 11))
    e.fire(cid, "reception_held", actor=TOWN, at=at("2026-03-16", 9), leader="ld-town")
    replied = e.fire(cid, "opine", actor=TOWN, at=at("2026-03-20"), **OPINION_DATA)
    assert replied.state == "replied"
    assert _status(replied)["baoan_timetable"] == "running"
    assert _status(replied)["baoan_reminder"] == "running"
    # The leader is reminded on 03-25 and 04-09 while the petitioner may still ask for 复查.
    assert len(e.run_scheduled(at=at("2026-03-26"))) == 1
    assert len(e.run_scheduled(at=at("2026-04-10"))) == 1
    with pytest.raises(RuleRejectedError) as err:
        e.fire(cid, "conclude", actor=TOWN, at=at("2026-04-21"), satisfied=False)
    assert "签字销号" in str(err.value)
    signed = e.fire(
        cid, "baoan_sign_off", actor=TOWN_LEADER, at=at("2026-04-21"), result="已答复，息诉罢访"
    )
    assert _status(signed)["baoan_timetable"] == "met"
    assert _status(signed)["baoan_reminder"] == "met"
    done = e.fire(cid, "conclude", actor=TOWN, at=at("2026-04-21", 10), satisfied=False)
    assert done.state == "concluded"
    assert not [d for d in done.deadlines if d.is_open]
    assert e.verify(cid).ok


def _city_case(e: Engine) -> str:
    return letter(
        e,
        "2026-03-02",
        unit="ls",
        actor=CITY,
        summary="市建设局拖欠工程款，请求督促支付",
        parties=[Party.person("钱七", address="丽水市莲都区")],
    ).id


def _leader_for(e: Engine, cid: str, level: str, title: str) -> Any:
    """Assign ``cid`` a leader named only by ``level`` and ``title`` (no roster)."""
    return e.fire(
        cid,
        "baoan_assign",
        actor=CITY_LEADER,
        at=at("2026-03-03"),
        leader="ld-x",
        leader_name=title,
        level=level,
        reason="群众反映强烈",
        **PLAN,
    )


def _county_leader_for(e: Engine, cid: str) -> Any:
    """The county leader of the roster takes the dispute ``cid`` on."""
    return e.fire(
        cid, "baoan_assign", actor=COUNTY_LEADER, at=at("2026-03-02", 9, 30), leader="ld-county",
        **PLAN,
    )  # fmt: skip


def test_a_city_case_needs_a_leader_of_its_own_level() -> None:
    """No roster: the level named is checked against the case's own (a city's case is not a
    town leader's); version 5 asked a town leader of any case outside the county reasons."""
    e = engine(BaoanPolicy())
    cid = _city_case(e)
    assert e.get(cid).level == "city"
    with pytest.raises(ValidationError) as err:
        _leader_for(e, cid, "town", "某镇镇长")
    assert err.value.field == "level"
    taken = _leader_for(e, cid, "city", "某市副市长")
    assert taken.overlays["baoan"].level == "city"

    old = engine(BaoanPolicy())
    old_id = _city_case(old)
    old.migrate_case(old_id, to_version=5, actor=Actor.system(), at=at("2026-03-02", 12))
    assert _leader_for(old, old_id, "town", "某镇镇长").overlays["baoan"].level == "town"
    assert old.verify(old_id).ok


def test_a_duty_is_recorded_by_the_leader_in_charge_or_staff_not_another_leader() -> None:
    e = engine()
    cid = _under_baoan(e)
    before = e.get(cid)
    with pytest.raises(RuleRejectedError) as err:
        e.fire(cid, "baoan_duty", actor=COUNTY_LEADER, at=at("2026-03-11"), kind="reception")
    assert "吴强" in str(err.value)
    assert e.get(cid) == before  # refused: nothing changed, the reminder not put off
    e.fire(cid, "baoan_duty", actor=TOWN_LEADER, at=at("2026-03-11"), kind="visit", note="下访")
    case = e.fire(cid, "baoan_duty", actor=TOWN, at=at("2026-03-12"), kind="assist", note="代记")
    assert [(d.kind.value, d.by) for d in case.overlays["baoan"].duties] == [
        ("visit", "ld-town"),
        ("assist", "dm-staff"),
    ]


def test_a_leader_handed_over_from_records_no_more_duties() -> None:
    e = engine()
    cid = _under_baoan(e)
    e.fire(
        cid,
        "baoan_handover",
        actor=COUNTY_LEADER,
        at=at("2026-03-11"),
        leader="ld-county",
        reason="原包案领导调任",
    )
    with pytest.raises(RuleRejectedError):
        e.fire(cid, "baoan_duty", actor=TOWN_LEADER, at=at("2026-03-12"), kind="reception")
    case = e.fire(cid, "baoan_duty", actor=COUNTY_LEADER, at=at("2026-03-12"), kind="reception")
    assert case.overlays["baoan"].duties[-1].by == "ld-county"


def test_a_dispute_under_baoan_holds_to_the_same_rules_from_version_9() -> None:
    e = engine()
    case = dispute(e, risk=Risk.high)
    assert case.workflow_version >= 9
    _county_leader_for(e, case.id)
    with pytest.raises(RuleRejectedError):
        e.fire(case.id, "baoan_duty", actor=TOWN_LEADER, at=at("2026-03-03"), kind="visit")

    old = engine()
    was = dispute(old, risk=Risk.high)
    old.migrate_case(was.id, to_version=8, actor=Actor.system(), at=at("2026-03-02", 9, 10))
    _county_leader_for(old, was.id)
    kept = old.fire(was.id, "baoan_duty", actor=TOWN_LEADER, at=at("2026-03-03"), kind="visit")
    assert kept.overlays["baoan"].duties[-1].by == "ld-town"
    assert old.verify(was.id).ok


@pytest.mark.parametrize(
    ("leader", "field"),
    [
        (
            Leader("ld-fake", "冒充", "东门镇副镇长", "qt-dm", "county"),
            "BaoanPolicy.roster[3].level",
        ),
        (Leader("ld-nowhere", "无名", "某县长", "zz", "county"), "BaoanPolicy.roster[3].unit"),
    ],
)
def test_a_roster_in_the_policy_is_checked_against_the_org(leader: Leader, field: str) -> None:
    """A town official listed as county would take the county's hardest cases: refused when
    the policy is built, naming the entry, as ``roster_from_file(org=…)`` refuses it."""
    with pytest.raises(ValidationError) as err:
        Policy(org=ORG, parts=[BaoanPolicy(roster=(*LEADERS, leader))])
    assert err.value.field == field
    assert Policy(org=ORG, parts=[BaoanPolicy(roster=LEADERS)])
    assert Policy(parts=[BaoanPolicy(roster=(*LEADERS, leader))])  # no org: nothing to check
