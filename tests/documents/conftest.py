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

from mediation import Actor, Case, Engine, Event
from mediation._demo import CLERK, MEDIATOR, ORG, agreement, at, policy, run
from mediation.documents import DocumentRenderer
from mediation.rules.dispute import AgreementPolicy

NAMES = {"clerk-li": "李登记", "mediator-chen": "陈调解", "director-wang": "王主任"}
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
    e = Engine.in_memory(policy=attrs.evolve(policy(), parts=parts), reader=Actor.system())
    case = build(e)
    return Scenario(case, e.history(case.id), kwargs)


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
