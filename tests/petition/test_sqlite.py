"""One petition course end to end on SQLite: 交办, 包案 carried on, 访调对接, the result back,
the sign-off; then the file reopened by a fresh engine reads and verifies every case."""

from __future__ import annotations

from pathlib import Path

from mediation import Actor, Engine
from mediation._demo import agreement
from mediation.rules.baoan import Baoan
from mediation.rules.petition import details

from .conftest import (
    BUREAU,
    COUNTY_LEADER,
    MEDIATOR,
    TOWN,
    at,
    engine,
    letter,
    mediate,
    petitioners,
    policy,
)


def test_a_petition_course_on_sqlite_replays_after_reopening(tmp_path: Path) -> None:
    """Every case of the course is stored, read back by a new engine on the same file (the
    overlays' and details' types registered by the built-in parts), and replays."""
    url = f"sqlite:///{tmp_path / 'petitions.db'}"
    e = engine(spec=url)
    case = letter(e, "2026-03-02", parties=petitioners(respondent=True))
    e.fire(
        case.id,
        "baoan_assign",
        actor=COUNTY_LEADER,
        at=at("2026-03-02", 10),
        leader="ld-county",
        reason="上级交办",
        officer="李华",
        plan="组织调解",
        timetable=[{"due": "2026-04-30", "task": "化解"}],
    )
    case = e.fire(
        case.id,
        "route",
        actor=BUREAU,
        at=at("2026-03-03"),
        to="qt-dm",
        mode="assign",
        report_due="2026-04-30",
    )
    town = case.links[0].case_id
    e.fire(town, "accept", actor=TOWN, at=at("2026-03-04"))
    handed = e.fire(
        town,
        "hand_to_mediation",
        actor=TOWN,
        at=at("2026-03-05"),
        committee="qt-dm-tw",
        consents=["p1", "p2"],
    )
    dispute = handed.links[-1].case_id
    mediate(e, dispute, day="2026-03-06")
    e.fire(dispute, "agree", actor=MEDIATOR, at=at("2026-03-09", 9), agreement=agreement())
    assert e.get(town).state == "mediated"
    e.fire(town, "baoan_sign_off", actor=COUNTY_LEADER, at=at("2026-03-10"), result="调解成功")
    e.fire(town, "conclude", actor=TOWN, at=at("2026-03-10", 10))
    ids = [case.id, town, dispute]
    e.close()
    again = Engine.from_url(url, policy=policy(), reader=Actor.system())
    office, handled = again.get(case.id), again.get(town)
    assert office.state == "concluded"  # the 办结报告 came back with the mediation's result
    assert handled.code in (office.outcome or "")
    assert handled.state == "concluded"
    found = handled.overlays.get("baoan")
    assert isinstance(found, Baoan)
    assert found.signed_off is not None
    record = details(handled).mediation
    assert record is not None
    assert record.result == "agreement"
    for cid in ids:
        assert again.verify(cid).ok
    again.close()
