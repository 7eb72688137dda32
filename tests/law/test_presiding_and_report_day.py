"""Dispute workflow version 12: 治安调解 starts with its presiding officer named (《公安机关
办理行政案件程序规定》第一百八十四条); parties who settle by themselves may have no penalty
before the police's mediation is over (第一百八十六条); and a hand-off into traffic police
mediation gives the day the accident report was received (《道路交通事故处理程序规定》
第八十六条). Version 11 stays registered for its recorded cases, and the tests pin it beside
version 12."""

from __future__ import annotations

import pytest

from mediation import Actor, Case, Engine, RuleRejectedError, ValidationError

from ..helpers import signed_by_all
from ._support import actor, at, clock, engine, register

POLICE = actor("qt-pcs")
VILLAGE = actor("qt-dm-dmc")


def _pinned(e: Engine, case: Case, version: int | None) -> Case:
    """``case``, moved back to dispute ``version`` (as if recorded under it), if given."""
    if version is None:
        return case
    return e.migrate_case(
        case.id, to_version=version, actor=Actor.system(), at=case.updated_at or at("2026-09-29")
    )


def _public_order_accepted(e: Engine, version: int | None = None) -> Case:
    """A 治安 case of a fight over trifles, accepted by 东门派出所 on Tue 2026-09-29."""
    case = register(
        e,
        "qt-pcs",
        at("2026-09-28"),
        category="public_order",
        channel="police_110",
        details={"track": "administrative"},
    )
    e.fire(case.id, "triage", actor=POLICE, at=at("2026-09-28", 10), track="administrative")
    case = e.fire(
        case.id, "accept", actor=POLICE, at=at("2026-09-29"), act="assault", ground="trifles"
    )
    return _pinned(e, case, version)


def test_public_order_mediation_starts_only_with_its_presiding_officer_named() -> None:
    """第一百八十四条: the 治安调解协议书 states the organ and the officer who presided. A
    start with no mediator named is refused on ``mediators``, citing the article, and the
    case is left as it was; named, it starts, and the officer presides."""
    e = engine()
    case = _public_order_accepted(e)
    assert case.workflow_version == 12
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9))
    assert err.value.field == "mediators"
    assert "第一百八十四条" in str(err.value)
    assert e.get(case.id) == case
    options = {o.trigger: o for o in e.available_triggers(case.id, POLICE, at("2026-10-09", 9))}
    assert not options["start_mediation"].allowed
    assert "主持" in (options["start_mediation"].reason or "")
    started = e.fire(
        case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["民警甲"]
    )
    assert (started.state, started.assignees) == ("mediating", ("民警甲",))


def test_version_11_public_order_mediation_still_starts_unnamed() -> None:
    """A case recorded under version 11 keeps its rules: it starts with no one named."""
    e = engine()
    case = _public_order_accepted(e, version=11)
    assert case.workflow_version == 11
    started = e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9))
    assert (started.state, started.assignees) == ("mediating", ())


def test_a_committee_mediation_still_starts_without_a_named_mediator() -> None:
    """Only 治安调解 is concerned: a people's mediation starts as before."""
    e = engine()
    case = register(e, "qt-dm-dmc", at("2026-09-28", 8))
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-09-28", 9), track="people")
    e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-09-28", 10))
    e.fire(case.id, "inform_rights", actor=VILLAGE, at=at("2026-09-28", 11))
    started = e.fire(case.id, "start_mediation", actor=VILLAGE, at=at("2026-09-29", 9))
    assert started.state == "mediating"


_SETTLED = {
    "settlement": "parties",
    "performed": True,
    "joint_application": True,
    "applied_on": "2026-10-08",
}
"""The parties settled by themselves, performed, and applied jointly in writing on 10-08."""


def test_parties_who_settle_themselves_get_no_penalty_before_the_police_mediate() -> None:
    """第一百八十六条: where the parties settle by themselves and perform, and apply jointly
    in writing, the police approve and impose no penalty — unless a decision was already
    made. Nothing asks that the police's own mediation failed first. Approved on 10-09 in
    ``accepted``: the case-handling period is met by the decision, the first session is owed
    no more, the police mediate no more, and the case ends as the applicant withdraws."""
    e = engine()
    case = _public_order_accepted(e)
    done = e.fire(case.id, "waive_penalty", actor=POLICE, at=at("2026-10-09", 9), **_SETTLED)
    assert done.details.penalty_waived_at is not None
    assert clock(done, "public_security_handling").status.value == "met"
    assert clock(done, "public_security_first_session").status.value == "cancelled"
    assert clock(done, "dispute_closing").is_open
    with pytest.raises(RuleRejectedError, match="第一百八十六条"):
        e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 10), mediators=["m"])
    assert e.get(case.id) == done
    ended = e.fire(case.id, "withdraw", actor=POLICE, at=at("2026-10-09", 11), reason="自行和解")
    assert ended.state == "withdrawn"
    assert not ended.open_deadlines


def test_a_decided_case_that_ends_in_a_refusal_restarts_no_handling_period() -> None:
    """Approved before the police mediated, the case then ends on a party's refusal: the
    violation is decided, so no handling period restarts from the failure (第一百八十五条
    is for a penalty still owed); the closing clock runs on, and the case closes. During
    the police's own mediation the application is refused: its terms are that mediation's
    agreement (第一百八十四条), or it fails first."""
    e = engine()
    case = _public_order_accepted(e)
    e.fire(case.id, "waive_penalty", actor=POLICE, at=at("2026-10-09", 9), **_SETTLED)
    party = case.principals[0].id
    failed = e.fire(case.id, "party_refuses", actor=POLICE, at=at("2026-10-09", 10),
                    party=party, remedies_informed=True)  # fmt: skip
    assert failed.state == "failed"
    handling = [d for d in failed.deadlines if d.period == "public_security_handling"]
    assert [d.status.value for d in handling] == ["met"]
    assert [d.status.value for d in failed.deadlines if d.period == "dispute_closing"] == [
        "running"
    ]
    assert e.fire(case.id, "close", actor=POLICE, at=at("2026-10-13", 10)).state == "closed"
    other = _public_order_accepted(e)
    mediating = e.fire(other.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9),
                       mediators=["m"])  # fmt: skip
    with pytest.raises(RuleRejectedError, match="第一百八十六条"):
        e.fire(other.id, "waive_penalty", actor=POLICE, at=at("2026-10-12", 9), **_SETTLED)
    assert e.get(other.id) == mediating


def test_no_settlement_waiver_once_the_police_mediation_agreed() -> None:
    """The police's own mediation reached an agreement: it disposes of the violation (《治安
    管理处罚法》第九条), so a parties' application has nothing to waive, and is refused."""
    from mediation._demo import agreement

    e = engine()
    case = _public_order_accepted(e)
    e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-10-09", 9), mediators=["m"])
    signed = at("2026-10-09", 11)
    terms = agreement("2026-10-20")
    terms["signatures"] = signed_by_all(e.get(case.id), signed, "民警甲", "东门派出所")
    agreed = e.fire(case.id, "agree", actor=POLICE, at=signed, agreement=terms)
    with pytest.raises(RuleRejectedError, match="第一百八十六条"):
        e.fire(case.id, "waive_penalty", actor=POLICE, at=at("2026-10-12", 9), **_SETTLED)
    assert e.get(case.id) == agreed


def test_version_11_waives_a_settlement_only_after_the_police_mediation_failed() -> None:
    """A case recorded under version 11 keeps its rules: refused in ``accepted``."""
    e = engine()
    case = _public_order_accepted(e, version=11)
    with pytest.raises(RuleRejectedError, match="调解不成"):
        e.fire(case.id, "waive_penalty", actor=POLICE, at=at("2026-10-09", 9), **_SETTLED)
    assert e.get(case.id) == case


def test_an_accepted_public_order_mediation_is_not_withdrawn_but_fails() -> None:
    """第一百八十五条 (《治安管理处罚法》第九条): a 治安调解 without an agreement goes to the
    penalty. A withdrawal would end the police case undecided, so from version 12 it is
    refused once the police accepted, the case unchanged; the party's wish to stop is a
    refusal, which fails the mediation and restarts the handling period from that day."""
    e = engine()
    case = _public_order_accepted(e)
    with pytest.raises(RuleRejectedError, match="第一百八十五条"):
        e.fire(case.id, "withdraw", actor=POLICE, at=at("2026-10-09", 9), reason="撤回")
    assert e.get(case.id) == case
    options = {o.trigger: o for o in e.available_triggers(case.id, POLICE, at("2026-10-09", 9))}
    assert not options["withdraw"].allowed
    party = case.principals[0].id
    failed = e.fire(case.id, "party_refuses", actor=POLICE, at=at("2026-10-09", 9),
                    party=party, remedies_informed=True)  # fmt: skip
    assert failed.state == "failed"
    handling = clock(failed, "public_security_handling")
    assert (handling.status.value, str(handling.start)) == ("running", "2026-10-09")


def test_a_public_order_case_not_yet_accepted_is_still_withdrawn() -> None:
    """Before the police accepted it there is no police case to decide: it is withdrawn."""
    e = engine()
    case = register(e, "qt-pcs", at("2026-09-28"), category="public_order",
                    channel="police_110", details={"track": "administrative"})  # fmt: skip
    e.fire(case.id, "triage", actor=POLICE, at=at("2026-09-28", 10), track="administrative")
    done = e.fire(case.id, "withdraw", actor=POLICE, at=at("2026-09-28", 11), reason="撤回")
    assert done.state == "withdrawn"


def test_version_11_withdraws_an_accepted_public_order_mediation() -> None:
    """A case recorded under version 11 keeps its rules: the withdrawal ends it."""
    e = engine()
    case = _public_order_accepted(e, version=11)
    done = e.fire(case.id, "withdraw", actor=POLICE, at=at("2026-10-09", 9), reason="撤回")
    assert done.state == "withdrawn"


_HAND_OFF = {"track": "administrative", "unit": "qt-jj", "reason": "申请交警调解", "consent": True}


def _traffic_at_committee(e: Engine, version: int | None = None, **details: str) -> Case:
    """A traffic accident's damages registered and accepted at 东门村 on Mon 2026-08-10."""
    case = register(e, "qt-dm-dmc", at("2026-08-10", 8), category="traffic", details=details)
    e.fire(case.id, "triage", actor=VILLAGE, at=at("2026-08-10", 9), track="people")
    case = e.fire(case.id, "accept", actor=VILLAGE, at=at("2026-08-10", 10))
    return _pinned(e, case, version)


def test_a_hand_off_to_traffic_police_needs_the_report_day() -> None:
    """第八十六条: the parties apply within 10 working days of receiving the accident report;
    a hand-off to the traffic police before the committee's mediation failed is that
    application. Without the report's day it is refused on ``certificate_received_on``,
    citing the article, the case unchanged; given (Mon 08-03, so due Mon 08-17), the
    hand-off on 08-10 goes through."""
    e = engine()
    case = _traffic_at_committee(e)
    assert case.workflow_version == 12
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-08-10", 15), **_HAND_OFF)
    assert err.value.field == "certificate_received_on"
    assert "第八十六条" in str(err.value)
    assert e.get(case.id) == case
    done = e.fire(
        case.id,
        "hand_off",
        actor=VILLAGE,
        at=at("2026-08-10", 15),
        certificate_received_on="2026-08-03",
        **_HAND_OFF,
    )
    assert done.state == "handed_off"


def test_a_report_day_recorded_at_registration_serves_the_hand_off() -> None:
    """The day recorded on the case at registration is the one checked: 07-01 is more than
    10 working days before 08-10, so the hand-off is refused naming its due date."""
    e = engine()
    case = _traffic_at_committee(e, certificate_received_on="2026-07-01")
    with pytest.raises(ValidationError, match="第八十六条") as err:
        e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-08-10", 15), **_HAND_OFF)
    assert err.value.field == "certificate_received_on"
    assert "2026-07-15" in str(err.value)


def test_version_11_hands_off_without_the_report_day() -> None:
    """A case recorded under version 11 keeps its rules: the hand-off goes through unchecked."""
    e = engine()
    case = _traffic_at_committee(e, version=11)
    assert case.workflow_version == 11
    done = e.fire(case.id, "hand_off", actor=VILLAGE, at=at("2026-08-10", 15), **_HAND_OFF)
    assert done.state == "handed_off"
