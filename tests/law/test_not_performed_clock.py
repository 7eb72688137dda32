"""An agreement reported not performed does not meet its performance period (dispute
workflow version 8; 《人民调解法》第三十一条第二款, 2002 规定 第三十七条).

A party may refuse before the deadline (the report is then early); the period is not met
by that: it ends cancelled, or lapsed once the deadline passed. Version 7 closed it as met
when reported in time, and the closing report read 按期完成 beside 未履行.
"""

from __future__ import annotations

from mediation import Actor, Engine
from mediation._demo import DIRECTOR, MEDIATOR, run
from mediation.model import DeadlineStatus
from mediation.rules.policy import Policy

from ._support import at, clock


def _demo() -> Engine:
    from mediation._demo import ORG as DEMO_ORG

    return Engine.in_memory(policy=Policy(org=DEMO_ORG), reader=Actor.system())


def _not_performed(e: Engine, when: str, version: int | None = None) -> str:
    case = run(e, stop_before="confirm_performed")
    if version is not None:
        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=at("2026-03-09", 18))
    e.fire(case.id, "report_not_performed", actor=MEDIATOR, at=at(when))
    return case.id


def test_a_refusal_before_the_deadline_does_not_meet_the_period() -> None:
    e = _demo()
    cid = _not_performed(e, "2026-03-10")
    performance = clock(e.get(cid), "agreement_performance")
    assert performance.status is DeadlineStatus.cancelled
    e.fire(cid, "start_callback", actor=MEDIATOR, at=at("2026-03-11"))
    e.fire(cid, "record_callback", actor=MEDIATOR, at=at("2026-03-11", 11), visitor="陈调解",
           party="张三", finding="not_performed", measures="告知可向人民法院起诉")  # fmt: skip
    e.fire(cid, "close", actor=DIRECTOR, at=at("2026-03-12"), remedies_informed=True)
    report = str(e.render(cid, "closing_report"))
    [line] = [x for x in report.splitlines() if x.strip().startswith("调解协议履行")]
    assert "按期完成" not in line
    assert "已取消" in line
    assert e.verify(cid).ok


def test_reported_after_the_deadline_it_lapsed() -> None:
    e = _demo()
    cid = _not_performed(e, "2026-03-25")
    assert clock(e.get(cid), "agreement_performance").status is DeadlineStatus.lapsed


def test_version_7_met_it() -> None:
    e = _demo()
    cid = _not_performed(e, "2026-03-10", version=7)
    assert clock(e.get(cid), "agreement_performance").status is DeadlineStatus.met
