"""What the law tests share: a county with every organ of 三调联动, its actors, and readers.

The demo org (``mediation._demo.ORG``) has committees and a town government
only; the tracks need a police station, the traffic police, the health
department, a medical committee and a court. Copied here, not added to the
shared helpers (other tests pin the demo org).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mediation import Actor, Case, Engine, Place, Role, Unit
from mediation._demo import at, parties
from mediation.model import Deadline
from mediation.rules.org import OrgTree
from mediation.rules.policy import Policy

from ..conftest import make_engine

__all__ = ["ORG", "actor", "at", "clock", "clocks", "engine", "register"]

ORG = OrgTree(
    [
        Unit("qt", "青田县矛盾纠纷调处化解中心", "county", None, "青调", kind="centre"),
        Unit("qt-dm", "东门镇人民调解委员会", "town", "qt", "东镇调"),
        Unit("qt-dm-dmc", "东门村人民调解委员会", "village", "qt-dm", "东调"),
        Unit("qt-dm-xc", "西村人民调解委员会", "village", "qt-dm", "西调"),
        Unit("qt-dmz", "东门镇人民政府", "town", "qt", "东政", kind="government"),
        Unit("qt-hx", "鹤溪镇人民调解委员会", "town", "qt", "鹤调"),
        Unit("qt-hx-v", "鹤溪村人民调解委员会", "village", "qt-hx", "鹤村调"),
        Unit("qt-pcs", "东门派出所", "town", "qt", "东派", kind="police"),
        Unit(
            "qt-jj", "青田县公安局交通警察大队", "county", "qt", "交警", kind="police", centre="qt"
        ),
        Unit("qt-wjj", "青田县卫生健康局", "county", "qt", "卫健", kind="department", centre="qt"),
        Unit(
            "qt-yt",
            "青田县医疗纠纷人民调解委员会",
            "county",
            "qt",
            "医调",
            kind="industry_committee",
            categories=frozenset({"medical"}),
        ),
        Unit("qt-fy", "青田县人民法院", "county", "qt", "青法", kind="court"),
    ]
)
"""A county centre; two towns with villages; a town government; police, traffic police,
health department, medical committee (医调委) and court."""


def engine(policy: Policy | None = None, **parts: Any) -> Engine:
    """An in-memory engine on :data:`ORG` (the national defaults unless ``policy``)."""
    return make_engine("memory", policy=policy or Policy(org=ORG, **parts))


def actor(unit: str, *roles: Role) -> Actor:
    """Someone at ``unit`` with ``roles`` (clerk, mediator and director if none given)."""
    names = roles or (Role.clerk, Role.mediator, Role.director)
    return Actor(f"{unit}-staff", {r.value for r in names}, unit, f"{unit}工作人员")


def register(
    eng: Engine, unit: str, when: dt.datetime, *, category: str = "neighbor", **kw: Any
) -> Case:
    """Register the demo parties' matter at ``unit`` (a second case on it is the clerk's decision)."""
    details = {"duplicate_decision": "new_case", "duplicate_reason": "测试：另行立案"}
    details.update(kw.pop("details", {}))
    return eng.intake(
        kind="dispute",
        channel=kw.pop("channel", "walk_in"),
        category=category,
        parties=kw.pop("parties", parties()),
        summary=kw.pop("summary", "纠纷"),
        location=[Place("青田县", "331121000000"), Place("东门镇")],
        unit=unit,
        actor=kw.pop("actor", actor(unit)),
        at=when,
        details=details,
        **kw,
    )


def clocks(case: Case, period: str) -> list[Deadline]:
    """Every clock of ``period`` on the case, oldest first."""
    return [d for d in case.deadlines if d.period == period]


def clock(case: Case, period: str) -> Deadline:
    """The latest clock of ``period`` on the case."""
    found = clocks(case, period)
    assert found, f"no {period} clock on the case: {[d.period for d in case.deadlines]}"
    return found[-1]


def day(iso: str) -> dt.date:
    """A date from ISO text."""
    return dt.date.fromisoformat(iso)
