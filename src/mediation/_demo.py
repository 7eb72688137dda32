"""The demo case: a three-party neighbour dispute taken from intake to closure.

Used by ``mediation demo``, the examples and the tests. The people and IDs
are invented (the ID numbers carry valid GB 11643 check digits).
"""

from __future__ import annotations

import datetime as dt

from mediation.engine import Engine
from mediation.model import CHINA_TZ, Actor, Case, Party, Place, Role, Unit
from mediation.rules.org import OrgTree
from mediation.rules.policy import Policy

__all__ = ["CLERK", "DIRECTOR", "MEDIATOR", "ORG", "agreement", "parties", "policy", "run"]

ORG = OrgTree(
    [
        Unit("qt", "青田县矛盾纠纷调处化解中心", "county", None, "青调", kind="centre"),
        Unit("qt-dm", "东门镇人民调解委员会", "town", "qt", "东镇调"),
        Unit("qt-dm-dmc", "东门村人民调解委员会", "village", "qt-dm", "东调"),
        Unit("qt-dmz", "东门镇人民政府", "town", "qt", "东政", kind="government"),
    ]
)
"""A county (its one-stop centre) → town → village tree, and the town's government
(administrative mediation)."""

CLERK = Actor("clerk-li", {Role.clerk.value}, "qt-dm-dmc", "李登记")
MEDIATOR = Actor("mediator-chen", {Role.mediator.value}, "qt-dm-dmc", "陈调解")
DIRECTOR = Actor("director-wang", {Role.director.value}, "qt-dm-dmc", "王主任")


def policy() -> Policy:
    """The national default policy over the demo org tree."""
    return Policy(org=ORG)


def parties() -> list[Party]:
    """Two applicants and one respondent, neighbours in 东门村."""
    return [
        Party.person(
            "张三",
            id_number="332522196503120014",
            role="applicant",
            phone="13800000001",
            address="青田县东门镇东门村12号",
        ),
        Party.person(
            "李梅",
            id_number="332522197008250027",
            role="applicant",
            phone="13800000002",
            address="青田县东门镇东门村12号",
        ),
        Party.person(
            "王五",
            id_number="332522195811040038",
            role="respondent",
            phone="13800000003",
            address="青田县东门镇东门村14号",
        ),
    ]


def at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A time on ``day`` (ISO date) in China Standard Time."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), CHINA_TZ)


def agreement(performance_deadline: str = "2026-03-20") -> dict[str, object]:
    """The written agreement's items (人民调解法 第二十九条; 2002 规定 第三十五条)."""
    return {
        "form": "written",
        "facts": "王五于2026年2月在自家院墙外加装雨棚，雨水排入张三、李梅家院内，致其墙体受潮。",
        "disputed_matters": "雨棚排水是否侵害申请人相邻权及墙体维修费用的承担。",
        "responsibilities": "王五对排水造成的损害负主要责任；张三、李梅对损害扩大负次要责任。",
        "terms": [
            "王五于2026年3月15日前自行拆除或改造雨棚排水，使雨水不再排入申请人院内。",
            "王五于2026年3月20日前一次性支付张三、李梅墙体维修费人民币三千元。",
            "双方今后和睦相处，不再就此事发生争执。",
        ],
        "performance_manner": "拆除改造雨棚；现金或银行转账支付维修费",
        "performance_place": "青田县东门镇东门村",
        "performance_deadline": performance_deadline,
    }


def _party_signature(party_id: str, when: dt.datetime) -> dict[str, object]:
    return {"party": party_id, "capacity": "party", "signed_at": when}


def run(engine: Engine, *, stop_before: str | None = None) -> Case:
    """Take the demo case from intake to closure on ``engine``; return the case.

    Args:
        engine: Where to run it (its policy must know the demo org tree).
        stop_before: Stop before the first step with this trigger and return the
            case as it then is (e.g. ``"agree"`` leaves it mediating).
    """
    registered = at("2026-03-02", 9, 10)
    open_same = [
        r
        for r in engine.find_related(
            kind="dispute",
            parties=parties(),
            category="neighbor",
            actor=Actor.system(),
            at=registered,
        )
        if not r.closed
    ]
    case = engine.intake(
        kind="dispute",
        channel="walk_in",
        category="neighbor",
        parties=parties(),
        details=(
            {"duplicate_decision": "new_case", "duplicate_reason": "演示：再次运行演示案件"}
            if open_same
            else None
        ),
        summary="邻居王五加装雨棚排水至申请人院内致墙体受潮，申请人请求拆除并赔偿维修费。",
        claims=["拆除或改造雨棚排水", "赔偿墙体维修费3000元"],
        amount="3000",
        location=[Place("青田县", "331121000000"), Place("东门镇"), Place("东门村")],
        unit="qt-dm-dmc",
        actor=CLERK,
        at=registered,
    )
    signed, sealed = at("2026-03-06", 16, 30), at("2026-03-06", 17, 0)
    steps: list[tuple[str, Actor, dt.datetime, dict[str, object]]] = [
        ("triage", CLERK, at("2026-03-02", 9, 40), {"track": "people", "level": "village"}),
        ("accept", CLERK, at("2026-03-02", 10, 0), {}),
        ("inform_rights", CLERK, at("2026-03-02", 10, 20), {"written": True}),
        ("start_mediation", MEDIATOR, at("2026-03-04", 14, 0), {"mediators": [MEDIATOR.id]}),
        ("agree", MEDIATOR, at("2026-03-06", 16, 0), {"agreement": agreement()}),
        *[
            ("sign", MEDIATOR, signed, _party_signature(party.id, signed))
            for party in case.principals
        ],
        (
            "sign",
            MEDIATOR,
            signed,
            {"signer": "陈调解", "capacity": "mediator", "signed_at": signed},
        ),
        (
            "sign",
            MEDIATOR,
            sealed,
            {"signer": "东门村人民调解委员会", "capacity": "committee", "signed_at": sealed},
        ),
        ("begin_performance", MEDIATOR, at("2026-03-09"), {}),
        (
            "confirm_performed",
            MEDIATOR,
            at("2026-03-18", 15, 0),
            {"note": "雨棚已改造，维修费已付清"},
        ),
        ("start_callback", MEDIATOR, at("2026-03-30"), {}),
        (
            "record_callback",
            MEDIATOR,
            at("2026-03-30", 10, 0),
            {
                "visitor": "陈调解",
                "party": "张三",
                "performance": "已全部履行",
                "satisfaction": "satisfied",
                "recurrence": "无",
                "measures": "告知双方如有反复及时联系调委会",
            },
        ),
        ("close", DIRECTOR, at("2026-03-31", 11, 0), {"note": "协议已履行，回访满意"}),
    ]
    for trigger, actor, when, data in steps:
        if trigger == stop_before:
            break
        case = engine.fire(case.id, trigger, actor=actor, at=when, **data)
    return case
