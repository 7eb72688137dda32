"""A party may have the mediator changed (《人民调解法》第十九条、第二十三条第一项).

The committee designates one or more mediators, or the parties choose them (第十九条); a
party may choose or accept a mediator (第二十三条第一项) — so one who does not accept the
mediator asks for another, and the committee changes them while the mediation is under
way (``change_mediators``). The new mediators take the case over.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, RuleRejectedError, ValidationError
from mediation._demo import MEDIATOR, run
from mediation.rules.policy import Policy

from ._support import at


def _demo() -> Engine:
    from mediation._demo import ORG as DEMO_ORG

    return Engine.in_memory(policy=Policy(org=DEMO_ORG), reader=Actor.system())


def test_a_party_s_request_changes_the_mediators() -> None:
    e = _demo()
    case = run(e, stop_before="agree")
    assert case.state == "mediating"
    asked = case.parties[-1].id
    changed = e.fire(case.id, "change_mediators", actor=MEDIATOR, at=at("2026-03-05"),
                     mediators=["mediator-liu"], reason="被申请人认为原调解员与申请人系亲属",
                     requested_by=asked)  # fmt: skip
    assert changed.assignees == ("mediator-liu",)
    assert changed.state == "mediating"
    [event] = [ev for ev in e.history(case.id) if ev.trigger == "change_mediators"]
    assert event.data["requested_by"] == asked
    assert e.verify(case.id).ok


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"mediators": ["王五"]}, "mediators[0]"),
        ({"requested_by": "赵六"}, "requested_by"),
    ],
)
def test_a_party_cannot_mediate_and_only_a_party_asks(given: dict[str, object], field: str) -> None:
    e = _demo()
    case = run(e, stop_before="agree")
    before = e.get(case.id)
    inputs = {"mediators": ["mediator-liu"], "reason": "当事人申请更换", **given}
    with pytest.raises(ValidationError) as refused:
        e.fire(case.id, "change_mediators", actor=MEDIATOR, at=at("2026-03-05"), **inputs)
    assert refused.value.field == field
    assert e.get(case.id) == before


def test_not_once_the_mediation_has_ended() -> None:
    """An agreement reached: the mediation is over (a closed file takes no step at all)."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    assert case.state == "agreed"
    with pytest.raises(RuleRejectedError, match="调解结束前"):
        e.fire(case.id, "change_mediators", actor=MEDIATOR, at=at("2026-03-10"),
               mediators=["mediator-liu"], reason="更换")  # fmt: skip
