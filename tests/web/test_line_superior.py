"""A line superior (条) in the committee app: it sees its line's organs' cases as the engine
lets it read them (``OrgTree.oversees``; 《信访工作条例》第三十五条 asks a department's 复查 of
its superior organ), in its case list, its unit filter and its 工作台 — not only the cases of
its territorial subtree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mediation import Actor, Engine, Party, Place
from mediation.model import CHINA_TZ
from mediation.rules.org import units_from_file
from mediation.web import WebStore

from .conftest import CHEAP, PASSWORD, Server, Session, person, text_of

COUNTY = Path(__file__).resolve().parents[2] / "examples" / "county" / "units.toml"
USERS = {
    # login: (roles, unit, name): the county police bureau, line superior of 东门派出所; the
    # county court, line superior of 东门人民法庭 only; the 派出所 itself.
    "gaj": (["clerk", "mediator", "director"], "qt-gaj", "县局民警"),
    "fy": (["clerk", "mediator", "director"], "qt-fy", "县法院书记员"),
    "pcs": (["clerk", "mediator", "director"], "qt-dm-pcs", "派出所民警"),
}


def _prepare(db: Path) -> str:
    """The example county, its users, and one case registered at 东门派出所 (unassigned)."""
    with Engine.sqlite(str(db), reader=Actor.system()) as engine:
        engine.load_org(units_from_file(COUNTY), actor=Actor.system())
        parties = [person("applicant"), person("respondent")]
        case = engine.intake(
            workflow="dispute",
            channel="walk_in",
            category="neighbor",
            unit="qt-dm-pcs",
            summary="邻里因宅前通道发生争执，申请调解。",
            parties=[
                Party.person(p["name"], id_number=p["id_number"], role=p["role"]) for p in parties
            ],
            location=[Place("青田县"), Place("东门镇")],
            actor=Actor("pcs-li", frozenset({"clerk"}), unit="qt-dm-pcs"),
            at=dt.datetime.now(CHINA_TZ) - dt.timedelta(days=1),
        )
    store = WebStore.sqlite(db, hasher=CHEAP)
    try:
        for login, (roles, unit, name) in USERS.items():
            store.add_user(login, password=PASSWORD, roles=roles, unit=unit, name=name)
    finally:
        store.close()
    return case.id


def test_a_line_superior_lists_and_filters_its_line_organs_cases(tmp_path: Path) -> None:
    db = tmp_path / "line.db"
    case_id = _prepare(db)
    server = Server(db)
    sessions: list[Session] = []
    try:

        def signed_in(login: str) -> Session:
            s = Session(server.url)
            assert s.login(login).url.path == "/"
            sessions.append(s)
            return s

        gaj = signed_in("gaj")
        listed = gaj.get("/cases")
        assert listed.status_code == 200
        assert case_id in listed.text
        # The unit filter offers the line's organ, and filtering by it finds the case.
        assert 'value="qt-dm-pcs"' in listed.text
        assert case_id in gaj.get("/cases", params={"unit": "qt-dm-pcs"}).text
        # Its 工作台 queues the unassigned case for it as for the 派出所.
        assert f"/cases/{case_id}" in gaj.get("/").text
        assert f"/cases/{case_id}" in signed_in("pcs").get("/").text
        # The county court is another line: it neither lists the case nor may filter to it.
        fy = signed_in("fy")
        assert case_id not in fy.get("/cases").text
        text = fy.get("/cases", params={"unit": "qt-dm-pcs"}).text
        assert case_id not in text
        assert 'value="qt-dm-pcs"' not in text
        assert "东门派出所" not in text_of(fy.get("/").text)
    finally:
        for s in sessions:
            s.close()
        server.stop()
