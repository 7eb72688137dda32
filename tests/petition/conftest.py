"""Shared builders of the petition tests: a small city → county → town organisation with a
one-stop centre, the actors of each organ, a leader roster, and engines on it."""

from __future__ import annotations

from typing import Any

from mediation import Actor, Case, Engine, Party, Place, Policy, Role, Unit
from mediation._demo import at
from mediation.rules.baoan import BaoanPolicy, Leader
from mediation.rules.org import OrgTree

__all__ = [
    "BUREAU",
    "CITY",
    "COUNTY",
    "LEADERS",
    "ORG",
    "TOWN",
    "at",
    "dispute",
    "engine",
    "letter",
    "mediate",
    "petitioners",
    "visit",
]

ORG = OrgTree(
    [
        Unit("ls", "丽水市人民政府", "city", None, "丽", kind="government"),
        Unit("ls-zjj", "丽水市住房和城乡建设局", "city", "ls", "丽建", kind="department"),
        Unit("qt", "青田县人民政府", "county", "ls", "青", kind="government"),
        Unit("qt-zx", "青田县社会治理中心", "county", "qt", "青治", kind="centre"),
        Unit(
            "qt-xfj", "青田县信访局", "county", "qt", "青访", kind="petition_bureau", centre="qt-zx"
        ),
        Unit("qt-fy", "青田县人民法院", "county", "qt", "青法", kind="court", centre="qt-zx"),
        Unit(
            "qt-ldzc",
            "青田县劳动人事争议仲裁委员会",
            "county",
            "qt",
            "青劳仲",
            kind="arbitration",
            centre="qt-zx",
        ),
        Unit(
            "qt-tw",
            "青田县人民调解委员会",
            "county",
            "qt",
            "青调",
            kind="committee",
            centre="qt-zx",
        ),
        Unit(
            "qt-zjj",
            "青田县住房和城乡建设局",
            "county",
            "qt",
            "青建",
            kind="department",
            line_parent="ls-zjj",
        ),
        Unit("qt-dm", "东门镇人民政府", "town", "qt", "东镇", kind="government"),
        Unit("qt-dm-tw", "东门镇人民调解委员会", "town", "qt-dm", "东镇调"),
        Unit("qt-dm-01", "东门村人民调解委员会", "village", "qt-dm", "东调"),
        Unit("qt-wx", "温溪镇人民政府", "town", "qt", "温镇", kind="government"),
    ]
)
"""City 丽水 → county 青田 (its centre with the petition bureau, court, arbitration and a
committee stationed) → towns 东门, 温溪."""

LEADERS = (
    Leader("ld-county", "周明", "县委书记", "qt", "county"),
    Leader("ld-town", "吴强", "东门镇镇长", "qt-dm", "town"),
    Leader("ld-wx", "郑华", "温溪镇党委书记", "qt-wx", "town"),
)
"""The 包案 leaders."""

BUREAU = Actor("xfj-clerk", {Role.clerk.value, Role.director.value}, "qt-xfj", "县信访局登记员")
COUNTY = Actor("qt-staff", {Role.clerk.value, Role.director.value}, "qt", "县政府工作人员")
TOWN = Actor("dm-staff", {Role.clerk.value, Role.director.value}, "qt-dm", "东门镇工作人员")
WX = Actor("wx-staff", {Role.clerk.value, Role.director.value}, "qt-wx", "温溪镇工作人员")
CITY = Actor("ls-staff", {Role.clerk.value, Role.director.value}, "ls", "市政府工作人员")
COUNTY_LEADER = Actor("ld-county", {Role.leader.value}, "qt", "周明")
TOWN_LEADER = Actor("ld-town", {Role.leader.value}, "qt-dm", "吴强")
MEDIATOR = Actor(
    "dm-mediator",
    {Role.clerk.value, Role.mediator.value, Role.director.value},
    "qt-dm",
    "东门镇调解员",
)
"""Clerk, mediator and director of the 东门 committees (the town's subtree)."""


def policy(*parts: Any, **kwargs: Any) -> Policy:
    """The national defaults over :data:`ORG`, with the roster and any further parts."""
    found = {type(p) for p in parts}
    extra = [] if BaoanPolicy in found else [BaoanPolicy(roster=LEADERS)]
    return Policy(org=ORG, parts=[*parts, *extra], **kwargs)


def engine(*parts: Any, spec: str = "memory", **kwargs: Any) -> Engine:
    """An engine on :data:`ORG` (in memory unless ``spec`` is an SQL URL)."""
    pol = policy(*parts, **kwargs)
    if spec == "memory":
        return Engine.in_memory(policy=pol, reader=Actor.system())
    return Engine.from_url(spec, policy=pol, reader=Actor.system())


def petitioners(n: int = 1, *, respondent: bool = False) -> list[Party]:
    """``n`` petitioners (invented, valid resident IDs) and optionally a respondent."""
    people = [
        Party.person("张三", id_number="332522196503120014", address="青田县东门镇东门村12号"),
        Party.person("李梅", id_number="332522197008250027", address="青田县东门镇东门村12号"),
        Party.person("赵六", address="青田县东门镇东门村3号"),
        Party.person("钱七", address="青田县东门镇东门村4号"),
        Party.person("孙八", address="青田县东门镇东门村5号"),
        Party.person("周九", address="青田县东门镇东门村6号"),
    ][:n]
    if respondent:
        people.append(
            Party.person(
                "王五", id_number="332522195811040038", role="respondent", address="东门村14号"
            )
        )
    return people


OPINION_DATA = {
    "outcome": "not_support",
    "request": "拆除雨棚并赔偿墙体维修费",
    "facts": "经现场核查，雨棚排水确实流入信访人院内，但墙体受潮另有原因。",
    "reasons": "信访人的请求缺乏事实依据。",
    "basis": "《民法典》第二百九十条、第二百九十六条",
}
"""A handling opinion (第三十二条)."""

SUMMARY = "东门村村民反映：邻居王五加装雨棚致排水侵入院内，请求拆除雨棚并赔偿墙体维修费。"


def letter(e: Engine, day: str, unit: str = "qt-xfj", actor: Actor = BUREAU, **kw: Any) -> Case:
    """Register a letter (来信) at ``unit`` on ``day``."""
    args: dict[str, Any] = {
        "workflow": "petition",
        "channel": "letter",
        "category": "neighbor",
        "parties": petitioners(),
        "summary": SUMMARY,
        "location": [Place("青田县", "331121000000"), Place("东门镇"), Place("东门村")],
        "unit": unit,
        "actor": actor,
        "at": at(day, 9),
    }
    args.update(kw)
    return e.intake(**args)


def visit(e: Engine, day: str, unit: str, actor: Actor, **kw: Any) -> Case:
    """Register a visit (走访), its oral petition recorded."""
    details = {"oral_record": "来访人口述：" + SUMMARY, **kw.pop("details", {})}
    return letter(e, day, unit, actor, channel="walk_in", details=details, **kw)


def due(case: Case, period: str) -> str:
    """The last day of the case's open clock of ``period``, ISO."""
    found = [d for d in case.deadlines if d.period == period and d.status.is_open]
    assert len(found) == 1, (period, case.deadlines)
    return found[0].due.isoformat()


def dispute(e: Engine, unit: str = "qt-dm-01", day: str = "2026-03-02", **kw: Any) -> Case:
    """A neighbour dispute registered in person at ``unit`` (a committee under 东门镇)."""
    args: dict[str, Any] = {
        "workflow": "dispute",
        "channel": "walk_in",
        "category": "neighbor",
        "parties": petitioners(respondent=True),
        "summary": SUMMARY,
        "location": [Place("青田县", "331121000000"), Place("东门镇"), Place("东门村")],
        "unit": unit,
        "actor": MEDIATOR,
        "at": at(day, 9),
    }
    args.update(kw)
    return e.intake(**args)


def mediate(e: Engine, case_id: str, day: str = "2026-03-03") -> Case:
    """Take a dispute from registration to mediation (分流, 受理, 告知权利义务, 开始调解)."""
    steps: list[tuple[str, dict[str, Any]]] = [
        ("triage", {"track": "people"}),
        ("accept", {}),
        ("inform_rights", {}),
        ("start_mediation", {"mediators": [MEDIATOR.id]}),
    ]
    case = e.get(case_id)
    for hour, (name, data) in enumerate(steps, start=9):
        case = e.fire(case_id, name, actor=MEDIATOR, at=at(day, hour), **data)
    return case
