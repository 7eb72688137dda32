"""A step is judged by the world of its own day, not of the day it is entered.

Records are often made after the fact: a clerk enters on Wednesday the acceptance made on
Monday. The rules that read other cases — one body at a time for a medical dispute
(《医疗纠纷预防和处理条例》第三十一条、第四十条), a committee not taking what a court
accepted (2002 规定 第二十二条), a matter already in hand at registration — read them as
they stood at the step's ``at``: a case received later is not seen, and one that moved
since is read as its log had it then.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Case, Engine, RuleRejectedError
from mediation.rules.policy import Policy

from ..conftest import make_engine
from ._support import ORG, actor, at, engine, parties, register

HEALTH = actor("qt-wjj")
COMMITTEE = actor("qt-yt")


def _health_accepted(e: Engine, day: str) -> Case:
    case = register(e, "qt-wjj", at("2026-03-02"), category="medical",
                    details={"track": "administrative"})  # fmt: skip
    e.fire(case.id, "triage", actor=HEALTH, at=at("2026-03-02", 10), track="administrative")
    return e.fire(case.id, "accept", actor=HEALTH, at=at(day), other_side_consents=True)


def test_an_acceptance_dated_before_the_other_body_accepted_is_not_barred(backend: str) -> None:
    """The health department registered the dispute on 03-02 and accepted it on 03-04. The
    medical committee had received the same dispute on 03-02 and accepted it on 03-03, but
    its clerk enters both later. On 03-03 no other body held the matter (第三十一条): the
    acceptance stands, and replays from its log. The same acceptance dated 03-05 is refused,
    naming the department's case, and leaves the case as it was. On every backend."""
    e = make_engine(backend, policy=Policy(org=ORG))
    try:
        _accept_on_the_day(e)
    finally:
        e.close()


def _accept_on_the_day(e: Engine) -> None:
    health = _health_accepted(e, "2026-03-04")
    early = register(e, "qt-yt", at("2026-03-02", 15), category="medical")
    e.fire(early.id, "triage", actor=COMMITTEE, at=at("2026-03-02", 16), track="people")
    taken = e.fire(early.id, "accept", actor=COMMITTEE, at=at("2026-03-03"),
                   other_side_consents=True)  # fmt: skip
    assert taken.state == "accepted"
    assert e.verify(early.id).ok
    assert e.replay(early.id) == e.get(early.id)

    late = register(e, "qt-yt", at("2026-03-05"), category="medical")
    late = e.fire(late.id, "triage", actor=COMMITTEE, at=at("2026-03-05", 10), track="people")
    with pytest.raises(RuleRejectedError, match=health.code) as err:
        e.fire(late.id, "accept", actor=COMMITTEE, at=at("2026-03-05", 11),
               other_side_consents=True)  # fmt: skip
    assert err.value.basis == "《医疗纠纷预防和处理条例》第三十一条"
    assert e.get(late.id) == late


def test_available_triggers_judges_a_dated_step_as_fire_does() -> None:
    """The one evaluator: asked with the step's ``at``, available_triggers sees the other
    case as fire will."""
    e = engine()
    _health_accepted(e, "2026-03-04")
    case = register(e, "qt-yt", at("2026-03-02", 15), category="medical")
    e.fire(case.id, "triage", actor=COMMITTEE, at=at("2026-03-02", 16), track="people")
    data = {"accept": {"other_side_consents": True}}
    before = {
        t.trigger: t
        for t in e.available_triggers(case.id, COMMITTEE, at("2026-03-03"), inputs=data)
    }
    after = {
        t.trigger: t
        for t in e.available_triggers(case.id, COMMITTEE, at("2026-03-05"), inputs=data)
    }
    assert before["accept"].allowed
    assert not after["accept"].allowed
    assert "第三十一条" in (after["accept"].basis or "")


def test_a_registration_dated_while_the_same_matter_was_in_hand_is_a_duplicate() -> None:
    """The village committee registered the demo matter on 03-02 and it was withdrawn on
    03-05. A registration of the same matter dated 03-04 was made while it was in hand: it
    asks for the clerk's decision, naming the first case, though that case is closed now.
    Dated 03-06, after the withdrawal, it is a new case linked to the first; dated 03-01,
    before either was received, it sees neither. find_related, given the day, answers as the
    registration will."""
    e = engine()
    clerk = actor("qt-dm-dmc")
    first = e.intake(kind="dispute", channel="walk_in", category="neighbor", parties=parties(),
                     summary="邻里排水纠纷", unit="qt-dm-dmc", actor=clerk,
                     at=at("2026-03-02", 9))  # fmt: skip
    e.fire(first.id, "withdraw", actor=clerk, at=at("2026-03-05"), reason="申请人撤回")

    def again(day: str) -> Case:
        return e.intake(kind="dispute", channel="walk_in", category="neighbor",
                        parties=parties(), summary="邻里排水纠纷", unit="qt-dm-dmc",
                        actor=clerk, at=at(day, 9))  # fmt: skip

    with pytest.raises(RuleRejectedError, match=first.code):
        again("2026-03-04")
    system = Actor.system()
    then = e.find_related(kind="dispute", parties=parties(), category="neighbor",
                          actor=system, at=at("2026-03-04", 9))  # fmt: skip
    now = e.find_related(kind="dispute", parties=parties(), category="neighbor", actor=system)
    assert [(r.code, r.closed) for r in then] == [(first.code, False)]
    assert [(r.code, r.closed) for r in now] == [(first.code, True)]
    assert e.find_related(kind="dispute", parties=parties(), category="neighbor",
                          actor=system, at=at("2026-03-01", 9)) == []  # fmt: skip
    later = again("2026-03-06")
    assert [link.case_id for link in later.links] == [first.id]
    earlier = again("2026-03-01")  # neither the first nor the later case was received yet
    assert earlier.links == ()
