"""The police's one mediation period (dispute workflow version 5): an agreement reached after
it is refused, the mediation having failed.

- 交警调解: one period of 10 working days from the start, no extension, ending in a 调解书 or a
  调解终结书 (《道路交通事故处理程序规定》第九十条、第一百一十二条(五); 《道路交通安全法实施条例》
  第九十五条).
- 治安调解: one session, one more if needed, completed within 7 working days after the first
  (《公安机关办理行政案件程序规定》第一百八十三条); no agreement then, the police decide the
  case (第一百八十五条).

Dates (RULES.md §8.3, 2026): 02-14 and 02-28 are make-up working Saturdays; 02-15 to 02-23
is the Spring Festival.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mediation import Actor, Case, DeadlineStatus, Engine, RuleRejectedError
from mediation._demo import agreement
from tests.helpers import signed_by_all

from ._support import actor, at, clock, engine, register

TRAFFIC = actor("qt-jj")
POLICE = actor("qt-pcs")


def _traffic(e: Engine) -> Case:
    """A traffic accident's damages before the police, accepted Mon 02-09 (the start: the
    loss fixed earlier), the parties told that day of the session, held three working days
    later, Thu 02-12 (第八十八条). 10 working days: 10, 11, 12, 13, 14 (made up), 24, 25,
    26, 27, 28 (made up) — the period's last day is 02-28."""
    case = register(
        e,
        "qt-jj",
        at("2026-02-09"),
        category="traffic",
        details={
            "track": "administrative",
            "joint_application": True,
            "certificate_received_on": "2026-02-06",
        },
    )
    e.fire(case.id, "triage", actor=TRAFFIC, at=at("2026-02-09", 10), track="administrative")
    e.fire(case.id, "accept", actor=TRAFFIC, at=at("2026-02-09", 11))
    return e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-02-12"), mediators=["m"],
                  notified_on="2026-02-09")  # fmt: skip


def _public_order(e: Engine) -> Case:
    """A minor assault between neighbours, accepted by the police station Thu 02-12, the first
    session Tue 02-24. The second session's window: 25, 26, 27, 28 (made up), 03-02, 03-03,
    03-04."""
    case = register(
        e,
        "qt-pcs",
        at("2026-02-11"),
        category="public_order",
        channel="police_110",
        details={"track": "administrative"},
    )
    e.fire(case.id, "triage", actor=POLICE, at=at("2026-02-11", 10), track="administrative")
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-02-12"), act="assault", ground="trifles")
    return e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-02-24", 9), mediators=["m"])


def _agree(e: Engine, case: Case, who: Any, when: dt.datetime, seal: str) -> Case:
    terms = agreement("2026-03-31")
    terms["signatures"] = signed_by_all(case, when, "民警甲", seal)
    return e.fire(case.id, "agree", actor=who, at=when, agreement=terms)


def test_the_traffic_polices_period_ends_on_its_tenth_working_day() -> None:
    case = _traffic(engine())
    assert case.workflow_version >= 5  # the police period rule (version 5 on)
    assert clock(case, "traffic_police_mediation").due == dt.date(2026, 2, 28)


def test_a_traffic_agreement_on_the_last_day_is_the_polices_agreement() -> None:
    e = engine()
    case = _traffic(e)
    agreed = _agree(e, case, TRAFFIC, at("2026-02-28", 16), "qt-jj")
    assert agreed.state == "agreed"


def test_a_traffic_agreement_after_the_period_is_refused_and_changes_nothing() -> None:
    """03-02 is after 02-28: the mediation ended without agreement — the police make a
    调解终结书, not a 调解书. The refusal names the last day and both articles; the case is
    left as it was, and ``available_triggers`` says the same as ``fire``."""
    e = engine()
    case = _traffic(e)
    late = at("2026-03-02", 10)
    terms = agreement("2026-03-31")
    terms["signatures"] = signed_by_all(case, late, "民警甲", "qt-jj")
    with pytest.raises(RuleRejectedError, match="2026-02-28届满") as err:
        e.fire(case.id, "agree", actor=TRAFFIC, at=late, agreement=terms)
    assert "第九十条" in err.value.basis
    assert "第九十五条" in err.value.basis
    assert e.get(case.id) == case
    options = e.available_triggers(case.id, TRAFFIC, late, inputs={"agree": {"agreement": terms}})
    offered = {o.trigger: o for o in options}
    assert not offered["agree"].allowed
    assert "2026-02-28" in offered["agree"].reason
    ended = e.fire(
        case.id,
        "terminate",
        actor=TRAFFIC,
        at=late,
        reason="调解期满未达成协议",
        remedies_informed=True,
    )
    assert ended.state == "failed"


def test_an_agreement_reached_in_time_and_entered_later_is_taken() -> None:
    """The date that counts is when the agreement was reached (``reached_at``), not when the
    step is entered."""
    e = engine()
    case = _traffic(e)
    reached = at("2026-02-27", 15)
    terms = agreement("2026-03-31")
    terms["signatures"] = signed_by_all(case, reached, "民警甲", "qt-jj")
    agreed = e.fire(
        case.id, "agree", actor=TRAFFIC, at=at("2026-03-02", 9), agreement=terms, reached_at=reached
    )
    assert agreed.state == "agreed"


def test_a_public_order_agreement_inside_the_window_is_taken() -> None:
    e = engine()
    case = _public_order(e)
    assert clock(case, "public_security_second_session").due == dt.date(2026, 3, 4)
    agreed = _agree(e, case, POLICE, at("2026-03-04", 15), "东门派出所")
    assert agreed.state == "agreed"


@pytest.mark.parametrize("second_session", [False, True])
def test_a_public_order_agreement_after_the_window_is_refused(second_session: bool) -> None:
    """03-05 is past 03-04, whether or not a second session was held in the window: the
    mediation was to be completed in it; the police penalise under the law."""
    e = engine()
    case = _public_order(e)
    if second_session:
        case = e.fire(case.id, "second_session", actor=POLICE, at=at("2026-03-03"))
        window = clock(case, "public_security_second_session")
        assert window.status is DeadlineStatus.met
    with pytest.raises(RuleRejectedError, match="至2026-03-04") as err:
        _agree(e, case, POLICE, at("2026-03-05", 10), "东门派出所")
    assert "第一百八十三条" in err.value.basis
    assert "第一百八十五条" in err.value.basis
    assert e.get(case.id) == case


def test_a_version_4_case_replays_its_late_agreement() -> None:
    """A case recorded under version 4, which took the late agreement, keeps its history: it
    replays and verifies on version 4's rules."""
    e = engine()
    case = _traffic(e)
    e.migrate_case(case.id, to_version=4, actor=Actor.system(), at=at("2026-02-12", 12))
    late = _agree(e, e.get(case.id), TRAFFIC, at("2026-03-02", 10), "qt-jj")
    assert (late.state, late.workflow_version) == ("agreed", 4)
    assert e.replay(case.id) == late
    assert e.verify(case.id).ok
