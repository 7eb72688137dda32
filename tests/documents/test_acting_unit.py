"""A form attesting an act is headed by the unit that took it, after a referral too.

A village committee registers a dispute, accepts it and tells the parties their rights
(2002 规定 第二十三条、第三十条), then reports it up to the town (第二十一条: a difficult
dispute goes to the township committee). The village's 受理登记表, the 申请书 made to it
and its 权利义务告知书 stay the village's; what the town does after taking the case (its
mediation, its 终止调解告知书) is the town's. A referral the town returns puts the case
back with the village, whose later acts are its own again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mediation import Actor, Engine
from mediation._demo import CLERK, ORG, at, run
from mediation.rules.policy import Policy

VILLAGE = "东门村人民调解委员会"
TOWN = "东门镇人民调解委员会"
TOWN_CLERK = Actor("clerk-zhao", {"clerk"}, "qt-dm", "赵登记")
TOWN_MEDIATOR = Actor("mediator-sun", {"mediator"}, "qt-dm", "孙调解")


@pytest.fixture(params=["memory", "sqlite"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    policy = Policy(org=ORG)
    if request.param == "memory":
        return Engine.in_memory(policy=policy, reader=Actor.system())
    return Engine.sqlite(str(tmp_path / "m.db"), policy=policy, reader=Actor.system())


def _heading(e: Engine, case_id: str, kind: str) -> str:
    text = e.render(case_id, kind, format="text")
    assert isinstance(text, str)
    return text.splitlines()[0]


def _refer_up(e: Engine, case_id: str, when: str = "2026-03-03") -> None:
    e.fire(
        case_id,
        "refer",
        actor=CLERK,
        at=at(when, 9, 30),
        to="qt-dm",
        reason="complex",
        note="雨棚涉及相邻三户排水，村调委会多次协调未果",
    )


def _town_mediates(e: Engine, case_id: str, day: str) -> None:
    """The town's mediator starts mediating the case at 14:00 on ``day``."""
    e.fire(
        case_id, "start_mediation", actor=TOWN_MEDIATOR, at=at(day, 14),
        mediators=[TOWN_MEDIATOR.id],
    )  # fmt: skip


def test_the_village_s_forms_stay_the_village_s_after_the_town_takes_the_case(
    engine: Engine,
) -> None:
    cid = run(engine, stop_before="start_mediation").id  # accepted, rights told: the village
    _refer_up(engine, cid)
    engine.fire(cid, "take_referral", actor=TOWN_CLERK, at=at("2026-03-03", 15))
    for kind in ("registration", "application", "rights_notice"):
        assert _heading(engine, cid, kind) == VILLAGE, kind
    application = engine.render(cid, "application", format="text")
    assert f"{VILLAGE}已将人民调解的性质" in application
    assert TOWN not in application
    # The town's own act: it mediates, then ends the mediation.
    _town_mediates(engine, cid, "2026-03-04")
    engine.fire(
        cid,
        "terminate",
        actor=TOWN_MEDIATOR,
        at=at("2026-03-10", 15),
        reason="双方对赔偿数额分歧较大，经多次调解仍无法达成一致",
        remedies_informed=True,
    )
    assert _heading(engine, cid, "termination_notice") == TOWN
    assert _heading(engine, cid, "rights_notice") == VILLAGE


def test_rights_told_by_the_town_are_the_town_s(engine: Engine) -> None:
    cid = run(engine, stop_before="inform_rights").id
    _refer_up(engine, cid)
    engine.fire(cid, "take_referral", actor=TOWN_CLERK, at=at("2026-03-03", 15))
    engine.fire(cid, "inform_rights", actor=TOWN_CLERK, at=at("2026-03-03", 16), written=True)
    assert _heading(engine, cid, "rights_notice") == TOWN
    assert _heading(engine, cid, "registration") == VILLAGE


def test_after_a_returned_referral_the_village_acts_again(engine: Engine) -> None:
    cid = run(engine, stop_before="inform_rights").id
    _refer_up(engine, cid)
    engine.fire(
        cid,
        "return_referral",
        actor=TOWN_CLERK,
        at=at("2026-03-03", 15),
        reason="纠纷不属复杂疑难，由村调委会就地调解",
    )
    engine.fire(cid, "inform_rights", actor=CLERK, at=at("2026-03-04", 9), written=True)
    for kind in ("registration", "application", "rights_notice"):
        assert _heading(engine, cid, kind) == VILLAGE, kind


def test_a_case_never_referred_is_headed_by_its_unit(engine: Engine) -> None:
    cid = run(engine, stop_before="start_mediation").id
    for kind in ("registration", "application", "rights_notice"):
        assert _heading(engine, cid, kind) == VILLAGE, kind


def _steps(e: Engine, case_id: str) -> list[str]:
    text = e.render(case_id, "mediation_record", format="text")
    assert isinstance(text, str)
    body = text.split("调解经过：", 1)[1].split("调解结果：", 1)[0]
    return [line.strip() for line in body.splitlines() if line.strip()]


def test_a_record_of_a_case_referred_mid_mediation_names_who_held_each_session(
    engine: Engine,
) -> None:
    """The village mediated first, then reported the case up: its session is its own in the
    record, and the referral is among the steps (2002 规定 第二十一条; 《人民调解法》第二十七条)."""
    cid = run(engine, stop_before="agree").id  # the village has started mediating
    _refer_up(engine, cid, "2026-03-06")
    engine.fire(cid, "take_referral", actor=TOWN_CLERK, at=at("2026-03-06", 15))
    _town_mediates(engine, cid, "2026-03-09")
    assert _steps(engine, cid) == [
        f"2026年3月4日14时00分　{VILLAGE}　开始调解",
        f"2026年3月6日9时30分　{VILLAGE}　上报（提级）：移送{TOWN}（雨棚涉及相邻三户排水，"
        "村调委会多次协调未果）",
        f"2026年3月6日15时00分　{TOWN}　接收",
        f"2026年3月9日14时00分　{TOWN}　开始调解",
    ]
    html = engine.render(cid, "mediation_record", format="html")
    assert isinstance(html, str)
    assert f"<td>{VILLAGE}</td><td>开始调解</td>" in html


def test_a_record_held_by_one_unit_names_none(engine: Engine) -> None:
    """Referred before mediation began: every session is the town's, and the record reads as
    one committee's, without the referral or a unit on each step."""
    cid = run(engine, stop_before="inform_rights").id
    _refer_up(engine, cid)
    engine.fire(cid, "take_referral", actor=TOWN_CLERK, at=at("2026-03-03", 15))
    engine.fire(cid, "inform_rights", actor=TOWN_CLERK, at=at("2026-03-03", 16), written=True)
    _town_mediates(engine, cid, "2026-03-04")
    assert _steps(engine, cid) == ["2026年3月4日14时00分　开始调解"]
