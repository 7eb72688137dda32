"""Example cases for the document tests, taken through the engine like the demo.

Each scenario runs on its own in-memory engine, so case codes are stable
(``（2026）东调字第0001号``) whatever order the tests run in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

from mediation import Actor, Case, Engine, Event, Place
from mediation._demo import CLERK, MEDIATOR, ORG, agreement, at, parties, policy, run
from mediation.documents import DocumentRenderer
from mediation.rules.dispute import AgreementPolicy

NAMES = {
    "clerk-li": "李登记",
    "mediator-chen": "陈调解",
    "director-wang": "王主任",
    "clerk-zhao": "赵登记",
}
"""Display names of the demo actors (events store actor ids)."""


@attrs.frozen
class Scenario:
    """A case at some moment, with its history and the render arguments."""

    case: Case
    history: list[Event]
    kwargs: dict[str, Any] = attrs.field(factory=dict)

    def render(self, renderer: DocumentRenderer, kind: str, **kw: Any) -> Any:
        """Render ``kind`` of this case (keywords override the scenario's)."""
        args: dict[str, Any] = {
            "history": self.history,
            "unit": ORG.get(self.case.unit),
            "extra": {"names": NAMES},
            **self.kwargs,
            **kw,
        }
        return renderer.render(kind, self.case, **args)


def _start(e: Engine) -> str:
    return run(e, stop_before="accept").id


def _mediate(e: Engine) -> str:
    return run(e, stop_before="agree").id


def _scenario(
    build: Callable[[Engine], Case], parts: tuple[Any, ...] = (), **kwargs: Any
) -> Scenario:
    engine_policy = attrs.evolve(policy(), parts=parts)
    e = Engine.in_memory(policy=engine_policy, reader=Actor.system())
    case = build(e)
    return Scenario(case, e.history(case.id), {"policy": engine_policy, **kwargs})


def closed(e: Engine) -> Case:
    """The demo case, closed after performance and a callback visit."""
    return run(e)


def signed(e: Engine) -> Case:
    """Agreement reached, signed by the three parties and the mediator, sealed."""
    return run(e, stop_before="begin_performance")


def agreed_unsigned(e: Engine) -> Case:
    """Agreement reached; only 张三 has signed so far."""
    cid = _mediate(e)
    e.fire(cid, "agree", actor=MEDIATOR, at=at("2026-03-06", 16, 0), agreement=agreement())
    when = at("2026-03-06", 16, 30)
    return e.fire(
        cid, "sign", actor=MEDIATOR, at=when, party="p1", capacity="party", signed_at=when
    )


def refused(e: Engine) -> Case:
    """Refused: a court has already accepted the dispute (2002 规定 第二十二条)."""
    cid = _start(e)
    return e.fire(
        cid,
        "accept",
        actor=CLERK,
        at=at("2026-03-03", 9, 0),
        handled_by="青田县人民法院",
        note="该纠纷已由青田县人民法院立案受理",
    )


def terminated(e: Engine) -> Case:
    """Mediation failed and was terminated, the remedies told (人民调解法 第二十六条)."""
    cid = _mediate(e)
    return e.fire(
        cid,
        "terminate",
        actor=MEDIATOR,
        at=at("2026-03-10", 15, 0),
        reason="双方对赔偿数额分歧较大，经多次调解仍无法达成一致",
        remedies_informed=True,
    )


def oral(e: Engine) -> Case:
    """An oral agreement performed on the spot (人民调解法 第二十八条、第三十条)."""
    cid = _mediate(e)
    return e.fire(
        cid,
        "agree",
        actor=MEDIATOR,
        at=at("2026-03-04", 16, 0),
        agreement={
            "form": "oral",
            "terms": ["王五当场向张三、李梅赔礼道歉", "王五于当日拆除雨棚排水管"],
            "performance_manner": "当场履行",
            "performance_place": "青田县东门镇东门村",
            "performance_deadline": "2026-03-04",
        },
    )


TOWN_CLERK = Actor("clerk-zhao", {"clerk"}, "qt-dm", "赵登记")
"""The town committee's clerk (东门镇人民调解委员会)."""


def informed(e: Engine) -> Case:
    """Accepted, the rights and duties told in writing; mediation not yet started (2002 规定 第三十条)."""
    return run(e, stop_before="start_mediation")


def referred_up(e: Engine) -> Case:
    """The village committee reports the case up to the town (2002 规定 第二十一条), which takes it."""
    cid = run(e, stop_before="inform_rights").id
    e.fire(
        cid,
        "refer",
        actor=CLERK,
        at=at("2026-03-03", 9, 30),
        to="qt-dm",
        reason="complex",
        note="雨棚涉及相邻三户排水，村调委会多次协调未果",
    )
    return e.fire(cid, "take_referral", actor=TOWN_CLERK, at=at("2026-03-03", 15, 0))


def assigned(e: Engine) -> Case:
    """Registered at the town, assigned down (交办) to the village with a report-back date;
    the village takes it, mediates, and reports back (反馈)."""
    case = e.intake(
        kind="dispute",
        channel="walk_in",
        category="neighbor",
        parties=parties(),
        summary="邻居王五加装雨棚排水至申请人院内致墙体受潮，申请人请求拆除并赔偿维修费。",
        claims=["拆除或改造雨棚排水", "赔偿墙体维修费3000元"],
        amount="3000",
        location=[Place("青田县", "331121000000"), Place("东门镇"), Place("东门村")],
        unit="qt-dm",
        actor=TOWN_CLERK,
        at=at("2026-03-02", 9, 10),
    )
    cid = case.id
    e.fire(cid, "triage", actor=TOWN_CLERK, at=at("2026-03-02", 9, 40), track="people")
    e.fire(
        cid,
        "refer",
        actor=TOWN_CLERK,
        at=at("2026-03-02", 10, 0),
        to="qt-dm-dmc",
        reason="territorial",
        note="纠纷发生在东门村，由村调委会就地调解",
        feedback_by=dt.date(2026, 3, 17),
    )
    e.fire(cid, "take_referral", actor=CLERK, at=at("2026-03-02", 14, 0))
    e.fire(cid, "accept", actor=CLERK, at=at("2026-03-02", 14, 30))
    e.fire(cid, "inform_rights", actor=CLERK, at=at("2026-03-02", 14, 40), written=True)
    e.fire(
        cid,
        "start_mediation",
        actor=MEDIATOR,
        at=at("2026-03-04", 14, 0),
        mediators=[MEDIATOR.id],
    )
    return e.fire(
        cid,
        "report_feedback",
        actor=CLERK,
        at=at("2026-03-09", 10, 0),
        report="村调委会已于3月4日组织双方调解，王五同意改造雨棚排水，维修费数额尚在协商，预计3月20日前调结。",
    )


def transferred(e: Engine) -> Case:
    """A dispute with a threat of violence: eased first, then transferred to the police
    (2002 规定 第二十二条、第二十四条)."""
    cid = run(e, stop_before="triage").id
    e.fire(
        cid,
        "triage",
        actor=CLERK,
        at=at("2026-03-02", 9, 40),
        track="people",
        risk="high",
        note="王五扬言报复",
    )
    return e.fire(
        cid,
        "transfer_out",
        actor=CLERK,
        at=at("2026-03-02", 11, 0),
        to="青田县公安局东门派出所",
        reason="王五持械威胁张三，涉嫌违反治安管理",
        measures="已对双方分别进行劝导，王五交出所持木棍，双方情绪已平稳",
    )


def handed_off(e: Engine) -> Case:
    """Handed to the town government's administrative mediation with the parties' consent
    (三调联动, 《信访工作条例》第三十七条): a linked case opens there."""
    cid = run(e, stop_before="start_mediation").id
    return e.fire(
        cid,
        "hand_off",
        actor=CLERK,
        at=at("2026-03-03", 9, 0),
        track="administrative",
        unit="qt-dmz",
        reason="雨棚系违章搭建，需由镇政府依职权认定",
        consent=True,
    )


def overdue(e: Engine) -> Case:
    """Mediation started on 3月4日 and still running on 4月20日: the 一个月 clock is overdue."""
    return e.get(_mediate(e))


@pytest.fixture(scope="session")
def scenarios() -> dict[str, Scenario]:
    """Every example case, by name."""
    return {
        "closed": _scenario(closed, number="（2026）东调字第0001号"),
        "signed": _scenario(signed, number="（2026）东调字第0001号"),
        "agreed_unsigned": _scenario(agreed_unsigned),
        "refused": _scenario(refused, number="（2026）东调字第0002号"),
        "terminated": _scenario(terminated, number="（2026）东调字第0003号"),
        # 2002 规定 第三十四条: writing is required where civil rights and obligations are
        # involved; a locality that lets small amounts settle orally sets the limit.
        "oral": _scenario(oral, parts=(AgreementPolicy(oral_limit=Decimal("5000")),)),
        "informed": _scenario(informed, number="（2026）东调字第0004号"),
        "referred_up": _scenario(referred_up, number="（2026）东调字第0005号"),
        "assigned": _scenario(assigned),
        "transferred": _scenario(transferred, number="（2026）东调字第0006号"),
        "handed_off": _scenario(
            handed_off,
            number="（2026）东调字第0007号",
            extra={"names": NAMES, "linked_code": "（2026）东政字第0001号"},
        ),
        "overdue": _scenario(
            overdue,
            today=dt.date(2026, 4, 20),
            extra={"names": NAMES, "issuer": "东门镇人民调解委员会"},
        ),
    }


@pytest.fixture(scope="session")
def renderer() -> DocumentRenderer:
    """The renderer with the official templates."""
    return DocumentRenderer()
