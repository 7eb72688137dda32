"""访调对接: a petition handed to people's mediation with both parties' consent, the result
flowing back (《信访工作条例》第三十三条; 司法部、国家信访局 2025 意见, RULES.md §4.1)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from mediation import Actor, Case, Engine, RuleRejectedError, ValidationError
from mediation._demo import agreement
from mediation.rules.fangtiao import Fangtiao
from mediation.rules.periods import PERIODS, PauseReason
from mediation.rules.petition import Bar, PetitionPolicy, details

from .conftest import (
    BUREAU,
    CITY,
    COUNTY,
    COUNTY_LEADER,
    MEDIATOR,
    OPINION_DATA,
    TOWN,
    at,
    due,
    engine,
    letter,
    mediate,
    petitioners,
)

HAND: dict[str, Any] = {"committee": "qt-dm-tw", "consents": ["p1", "p2"]}


def handling(e: Engine, day: str = "2026-03-10", **kw: Any) -> Case:
    """A neighbour petition with the other side named, accepted by the town on ``day``."""
    case = letter(e, day, unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True), **kw)
    return e.fire(case.id, "accept", actor=TOWN, at=at(day, 10))


@pytest.mark.parametrize(
    ("extra", "message", "basis"),
    [
        ({"refused_by": "p2"}, "当事人王五明确拒绝", "《人民调解法》第十七条"),
        ({"against_organ": True}, "行政争议", "第三十三条"),
        ({"in_litigation": True}, "诉讼", "第三十一条第一项"),
    ],
)
def test_excluded_matters_are_not_handed_over(
    extra: dict[str, Any], message: str, basis: str
) -> None:
    """A refusing party, an administrative dispute with an organ, a matter in litigation."""
    e = engine()
    case = handling(e)
    with pytest.raises(RuleRejectedError, match=message) as err:
        e.fire(case.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND, **extra)
    assert basis in err.value.basis
    assert e.get(case.id).state == "accepted"


def test_a_matter_reserved_to_a_specialised_organ_is_not_handed_over() -> None:
    """访调对接 excludes what only a specialised organ may handle: a criminal matter is the
    public-security organ's (2002 规定 第二十二条第一项; the 2025 意见). Handing it over
    would open a committee case that triage must refuse; the hand-off is refused instead,
    and the petition stays as it was — by a petition office from registration, and by an
    organ handling a matter it accepted under petition workflow version 2."""
    e = engine()
    case = letter(e, "2026-03-10", category="criminal", parties=petitioners(respondent=True))
    with pytest.raises(RuleRejectedError, match="公安机关") as err:
        e.fire(case.id, "hand_to_mediation", actor=BUREAU, at=at("2026-03-11"), **HAND)
    assert "第二十二条第一项" in err.value.basis
    assert e.get(case.id) == case
    old = letter(e, "2026-03-10", unit="qt-dm", actor=TOWN, category="criminal",
                 parties=petitioners(respondent=True))  # fmt: skip
    e.migrate_case(old.id, to_version=2, actor=Actor.system(), at=at("2026-03-10", 9))
    old = e.fire(old.id, "accept", actor=TOWN, at=at("2026-03-10", 10))
    assert old.workflow_version == 2
    with pytest.raises(RuleRejectedError, match="公安机关") as err:
        e.fire(old.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND)
    assert "第二十二条第一项" in err.value.basis
    assert e.get(old.id) == old


def _barred_hand(e: Engine, case: Case, article: str, earlier: Case) -> None:
    """The office's hand-off of ``case`` is refused on its ground, naming the earlier case;
    ``available_triggers`` says the same, and the petition is left as it was."""
    data = {"committee": "qt-dm-tw", "consents": [p.id for p in case.parties]}
    when = at("2026-03-10", 11)
    with pytest.raises(RuleRejectedError, match="不移交人民调解") as err:
        e.fire(case.id, "hand_to_mediation", actor=BUREAU, at=when, **data)
    assert article in err.value.basis
    assert earlier.code in err.value.reason
    assert e.get(case.id) == case
    options = e.available_triggers(case.id, BUREAU, when, inputs={"hand_to_mediation": data})
    assert not {o.trigger: o for o in options}["hand_to_mediation"].allowed


def test_a_matter_pending_below_is_not_handed_to_mediation_above() -> None:
    """第十九条第三款: the matter the town accepted, sent to the county petition office within
    its period, is not accepted there — nor handed to people's mediation from registration
    (petition workflow version 3)."""
    e = engine()
    lower = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True))
    lower = e.fire(lower.id, "accept", actor=TOWN, at=at("2026-03-03", 10))
    upper = letter(e, "2026-03-10", parties=petitioners(respondent=True))
    assert details(upper).bar is Bar.pending
    _barred_hand(e, upper, "第十九条第三款", lower)


def test_a_matter_final_after_rereview_is_not_handed_to_mediation() -> None:
    """第三十六条第三款: after 复核 the same facts and reasons are not accepted again — and
    not taken up by handing them to a committee either, which would end the matter anew."""
    e = engine()
    first = letter(e, "2026-01-05", unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True))
    first = e.fire(first.id, "accept", actor=TOWN, at=at("2026-01-06", 10))
    first = e.fire(first.id, "opine", actor=TOWN, at=at("2026-01-20", 10), **OPINION_DATA)
    first = e.fire(first.id, "request_review", actor=TOWN, at=at("2026-01-21", 9), reason="不服")
    review = e.get(first.links[-1].case_id)
    review = e.fire(review.id, "opine", actor=COUNTY, at=at("2026-02-02", 10), **OPINION_DATA)
    review = e.fire(
        review.id, "request_review", actor=COUNTY, at=at("2026-02-03", 9), reason="不服"
    )
    rereview = e.get(review.links[-1].case_id)
    rereview = e.fire(rereview.id, "opine", actor=CITY, at=at("2026-02-10", 10), **OPINION_DATA)
    assert rereview.state == "final"
    again = letter(e, "2026-03-10", parties=petitioners(respondent=True))
    assert details(again).bar is Bar.final
    _barred_hand(e, again, "第三十六条第三款", rereview)


def test_a_criminal_matter_is_diverted_not_accepted_as_a_petition() -> None:
    """A matter reserved to the police's legal procedure is not accepted for handling as a
    petition under 第三十一条第六项 (60 days, a handling opinion): it follows that procedure
    and the petitioner is told where to go (《信访工作条例》第三十一条第一项、第二十八条第二款
    诉访分离). Refused, the petition is left as it was; ``divert`` takes it (version 3)."""
    e = engine()
    case = letter(e, "2026-03-10", unit="qt-dm", actor=TOWN, category="criminal",
                  parties=petitioners(respondent=True))  # fmt: skip
    assert case.workflow_version >= 3
    with pytest.raises(RuleRejectedError, match="公安机关依照法定程序处理") as err:
        e.fire(case.id, "accept", actor=TOWN, at=at("2026-03-10", 10))
    assert err.value.basis == "《信访工作条例》第三十一条第一项、第二十八条第二款"
    assert e.get(case.id) == case
    options = {o.trigger: o for o in e.available_triggers(case.id, TOWN, at("2026-03-10", 10))}
    assert not options["accept"].allowed
    diverted = e.fire(
        case.id,
        "divert",
        actor=TOWN,
        at=at("2026-03-10", 11),
        route="police",
        where="青田县公安局东门派出所",
        told=True,
    )
    assert diverted.state == "diverted"
    neighbour = letter(e, "2026-03-10", unit="qt-dm", actor=TOWN,
                       parties=petitioners(respondent=True))  # fmt: skip
    assert e.fire(neighbour.id, "accept", actor=TOWN, at=at("2026-03-10", 10)).state == "accepted"


def test_the_party_who_refuses_is_named_by_id() -> None:
    """``refused_by`` is a party of the petition, by id (《人民调解法》第十七条; petition
    workflow version 3): an unknown id is an input error, not a refusal by nobody."""
    e = engine()
    case = handling(e)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND,
               refused_by="王五")  # fmt: skip
    assert err.value.field == "refused_by"
    assert "p1, p2" in str(err.value)
    assert e.get(case.id) == case


def test_both_parties_consent_and_the_unit_is_a_committee() -> None:
    """Every party must consent; the receiver must be a people's mediation committee."""
    e = engine()
    case = handling(e)
    with pytest.raises(ValidationError, match="王五") as err:
        e.fire(
            case.id,
            "hand_to_mediation",
            actor=TOWN,
            at=at("2026-03-11"),
            committee="qt-dm-tw",
            consents=["p1"],
        )
    assert err.value.field == "consents"
    with pytest.raises(ValidationError) as bad:
        e.fire(
            case.id,
            "hand_to_mediation",
            actor=TOWN,
            at=at("2026-03-11"),
            **{**HAND, "committee": "qt-wx"},
        )
    assert bad.value.field == "committee"


def test_the_mediation_case_keeps_the_petition_s_risk() -> None:
    """访调对接 (第三十三条; petition version 2): the committee's case is the same matter, at
    the risk the petition was registered with — a high-risk matter is not mediated as a
    low-risk one."""
    e = engine()
    case = handling(e, risk="high")
    case = e.fire(case.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND)
    dispute = e.get(details(case).mediation.case_id)  # type: ignore[union-attr]
    assert dispute.risk.value == "high"


def test_an_agreement_concludes_the_petition_with_the_agreement_referenced() -> None:
    """The dispute case is linked both ways; its agreement flows back and concludes the
    petition; the 60-day handling clock is met (it kept running: the default policy)."""
    e = engine()
    case = handling(e)
    case = e.fire(case.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND)
    assert case.state == "mediating"
    # 60 日 from Tue 3-10: Sat 2026-05-09, a make-up working day; the clock keeps running
    assert due(case, "petition_handling") == "2026-05-09"
    dispute_id = details(case).mediation.case_id  # type: ignore[union-attr]
    dispute = e.get(dispute_id)
    assert dispute.unit == "qt-dm-tw"
    assert [(lk.kind.value, lk.case_id) for lk in dispute.links] == [("handed_off_from", case.id)]
    assert isinstance(dispute.overlays.get("fangtiao"), Fangtiao)
    mediate(e, dispute_id, day="2026-03-12")
    dispute = e.fire(
        dispute_id, "agree", actor=MEDIATOR, at=at("2026-03-13", 9), agreement=agreement()
    )
    petition = e.get(case.id)
    assert petition.state == "concluded"
    record = details(petition).mediation
    assert record is not None
    assert (record.result, record.dispute_code) == ("agreement", dispute.code)
    assert "王五" in record.agreement
    assert dispute.code in (petition.outcome or "")
    assert not petition.open_deadlines
    assert e.verify(case.id).ok
    assert e.verify(dispute_id).ok


def test_a_pause_the_handling_period_does_not_name_is_refused_when_the_policy_is_built() -> None:
    """A clock stops only for a reason its rule names (RULES.md §5.6): configuring a pause
    for 访调对接 that the handling period does not name would pause nothing — refused at
    once, naming the setting."""
    from mediation import ValidationError

    with pytest.raises(ValidationError) as err:
        engine(PetitionPolicy(mediation_pause=PauseReason.party_wait))
    assert err.value.field == "PetitionPolicy.mediation_pause"


def _mediation_fails(e: Engine, petition: Case) -> str:
    """The committee the petition went to mediates on 03-12 and ends without agreement on
    03-13 (人民调解法 第二十六条); the failure reaches the petition. Its case id."""
    dispute_id = details(petition).mediation.case_id  # type: ignore[union-attr]
    mediate(e, dispute_id, day="2026-03-12")
    e.fire(
        dispute_id,
        "terminate",
        actor=MEDIATOR,
        at=at("2026-03-13", 9),
        reason="双方分歧较大",
        remedies_informed=True,
    )
    return dispute_id


def test_a_failure_resumes_handling_on_the_petitions_own_clock_paused_by_policy() -> None:
    """With the policy pausing the handling clock during mediation (the period must name the
    reason: a locality's override of the table), the days of mediation are added back: handed
    over Wed 2026-03-11, failed Fri 2026-03-13 (2 days) → 60 日 from 3-10 plus 2 → Mon
    2026-05-11 (instead of Sat 2026-05-09)."""
    rule = attrs.evolve(PERIODS["petition_handling"], pausable_by={PauseReason.party_wait})
    e = engine(
        PetitionPolicy(mediation_pause=PauseReason.party_wait),
        periods={**PERIODS, "petition_handling": rule},
    )
    case = handling(e)
    case = e.fire(case.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND)
    clock = next(d for d in case.deadlines if d.period == "petition_handling")
    assert clock.status.value == "paused"
    dispute_id = _mediation_fails(e, case)
    petition = e.get(case.id)
    assert petition.state == "accepted"
    assert details(petition).mediation.result == "failure"  # type: ignore[union-attr]
    assert due(petition, "petition_handling") == "2026-05-11"
    assert e.verify(case.id).ok
    assert e.verify(dispute_id).ok


def test_under_baoan_the_agreement_waits_for_the_leaders_sign_off() -> None:
    """The petition keeps its 包案 (the dispute case does not take it): the agreement brings
    it to 已调解待办结; it concludes after the leader signs off."""
    e = engine()
    case = handling(e)
    e.fire(
        case.id,
        "baoan_assign",
        actor=COUNTY_LEADER,
        at=at("2026-03-10", 11),
        leader="ld-county",
        reason="群众反映强烈",
        officer="李华",
        plan="组织调解",
        timetable=[{"due": "2026-04-30", "task": "化解"}],
    )
    case = e.fire(case.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND)
    dispute_id = details(case).mediation.case_id  # type: ignore[union-attr]
    assert "baoan" not in e.get(dispute_id).overlays
    mediate(e, dispute_id, day="2026-03-12")
    e.fire(dispute_id, "agree", actor=MEDIATOR, at=at("2026-03-13", 9), agreement=agreement())
    petition = e.get(case.id)
    assert petition.state == "mediated"
    assert due(petition, "petition_handling") == "2026-05-09"
    with pytest.raises(RuleRejectedError, match="签字销号"):
        e.fire(case.id, "conclude", actor=TOWN, at=at("2026-03-14"))
    e.fire(
        case.id, "baoan_sign_off", actor=COUNTY_LEADER, at=at("2026-03-14"), result="调解达成协议"
    )
    petition = e.fire(case.id, "conclude", actor=TOWN, at=at("2026-03-14", 10))
    assert petition.state == "concluded"
    assert e.verify(case.id).ok
    assert e.verify(dispute_id).ok


def test_the_hook_names_states_and_the_workflow_that_exist() -> None:
    """The 访调对接 hook selects the dispute workflow and its states by value: pinned here, so a
    rename in the dispute workflow fails this test instead of silencing the report."""
    from mediation.workflows.fangtiao import DISPUTE_WORKFLOW, REPORTING

    e = engine()
    for definition in e.workflows():
        if definition.name == DISPUTE_WORKFLOW:
            assert all(definition.has_state(s) for s in REPORTING), definition.version
    assert any(d.name == DISPUTE_WORKFLOW for d in e.workflows())


def test_a_dispute_handed_on_to_another_committee_reports_from_where_it_ends() -> None:
    """三调联动 inside 访调对接 (《信访工作条例》第三十七条): the committee hands the matter on
    (dispute v2 ``hand_off``, overlays carried); the petition follows the matter to the new
    case (``mediation_moved``, the first case's code kept), and the agreement reached there
    concludes it, naming that case's code."""
    from mediation import Actor, Role

    county = Actor(
        "tw-mediator",
        {Role.clerk.value, Role.mediator.value, Role.director.value},
        "qt-tw",
        "县调委会调解员",
    )
    e = engine()
    case = handling(e)
    case = e.fire(case.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND)
    first = details(case).mediation.case_id  # type: ignore[union-attr]
    e.fire(first, "triage", actor=MEDIATOR, at=at("2026-03-12", 9), track="people")
    e.fire(first, "accept", actor=MEDIATOR, at=at("2026-03-12", 10))
    # A hand-off on the same track (committee to committee): dispute version 5 allows it;
    # version 6 moves such a case by referral (tests/law/test_referral_fit.py).
    e.migrate_case(first, to_version=5, actor=Actor.system(), at=at("2026-03-12", 10, 30))
    handed = e.fire(
        first,
        "hand_off",
        actor=MEDIATOR,
        at=at("2026-03-12", 11),
        track="people",
        unit="qt-tw",
        reason="案情复杂，提交县调委会",
        consent=True,
    )
    assert handed.state == "handed_off"
    petition = e.get(case.id)
    assert petition.state == "mediating"  # no result from the case handed on: it followed
    moved = details(petition).mediation
    assert moved is not None
    assert (moved.committee, moved.via, moved.result) == ("qt-tw", (handed.code,), "")
    second = e.get(moved.case_id)
    assert second.unit == "qt-tw"
    assert isinstance(second.overlays.get("fangtiao"), Fangtiao)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("accept", {}),
        ("inform_rights", {}),
        ("start_mediation", {"mediators": [county.id]}),
        ("agree", {"agreement": agreement()}),
    ]
    if second.state == "received":
        steps.insert(0, ("triage", {"track": "people"}))
    for hour, (name, data) in enumerate(steps, start=9):
        second = e.fire(second.id, name, actor=county, at=at("2026-03-13", hour), **data)
    petition = e.get(case.id)
    assert petition.state == "concluded"
    record = details(petition).mediation
    assert record is not None
    assert (record.result, record.dispute_code) == ("agreement", second.code)
    for c in (case.id, first, second.id):
        assert e.verify(c).ok


def test_available_triggers_tries_out_the_case_a_hand_off_would_open() -> None:
    """One evaluator (issue 7): the dispute case 访调对接 would open at the committee is
    tried out by ``available_triggers`` as ``fire`` opens it. The same parties' neighbour
    dispute is already being mediated at a committee of the town (the intake's duplicate
    rule refuses a second one): both say refused, with the same reason, and the petition
    is left as it was."""
    from .conftest import dispute

    e = engine()
    dispute(e, unit="qt-dm-01", parties=petitioners(respondent=True))
    case = handling(e)
    options = e.available_triggers(
        case.id, TOWN, at("2026-03-11"), inputs={"hand_to_mediation": HAND}
    )
    offered = next(o for o in options if o.trigger == "hand_to_mediation")
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND)
    assert not offered.allowed
    assert offered.reason == err.value.reason
    assert e.get(case.id) == before


# -- a petition office hands over from registration (the 2025 意见; 第二十二条) ----------


def _at_the_bureau(e: Engine) -> Case:
    """A neighbour letter with the other side named, registered at the county bureau on
    Tue 2026-03-10: 15 日 to route it → Wed 2026-03-25 (第二十二条)."""
    case = letter(e, "2026-03-10", parties=petitioners(respondent=True))
    assert due(case, "petition_register") == "2026-03-25"
    return case


def test_a_petition_office_hands_a_matter_over_from_registration() -> None:
    """The office does not accept matters itself (第二十二条): it hands one over as it is
    registered, with both parties' consent; the agreement concludes the petition and its
    routing clock is met."""
    e = engine()
    case = _at_the_bureau(e)
    bare = {t.trigger: t for t in e.available_triggers(case.id, BUREAU, at("2026-03-11"))}
    assert bare["hand_to_mediation"].needs  # offered, once its inputs are filled in
    given = e.available_triggers(
        case.id, BUREAU, at("2026-03-11"), inputs={"hand_to_mediation": HAND}
    )
    assert {t.trigger: t.allowed for t in given}["hand_to_mediation"] is True
    with pytest.raises(RuleRejectedError, match="信访部门"):
        e.fire(case.id, "accept", actor=BUREAU, at=at("2026-03-11"))
    case = e.fire(case.id, "hand_to_mediation", actor=BUREAU, at=at("2026-03-11"), **HAND)
    assert case.state == "mediating"
    assert due(case, "petition_register") == "2026-03-25"  # the default: it keeps running
    dispute_id = details(case).mediation.case_id  # type: ignore[union-attr]
    dispute = e.get(dispute_id)
    assert (dispute.unit, dispute.channel) == ("qt-dm-tw", "petition_referral")
    assert [(lk.kind.value, lk.case_id) for lk in dispute.links] == [("handed_off_from", case.id)]
    mediate(e, dispute_id, day="2026-03-12")
    e.fire(dispute_id, "agree", actor=MEDIATOR, at=at("2026-03-13", 9), agreement=agreement())
    petition = e.get(case.id)
    assert petition.state == "concluded"
    register = next(d for d in petition.deadlines if d.period == "petition_register")
    assert register.status.value == "met"
    assert e.verify(case.id).ok
    assert e.verify(dispute_id).ok


def test_a_failed_mediation_brings_the_matter_back_to_the_office_to_route() -> None:
    """Mediation failed: the matter is registered again at the office, which routes it to
    the organ with the power to handle it (第二十二条第一款), on its own clock."""
    e = engine()
    case = _at_the_bureau(e)
    case = e.fire(case.id, "hand_to_mediation", actor=BUREAU, at=at("2026-03-11"), **HAND)
    dispute_id = _mediation_fails(e, case)
    petition = e.get(case.id)
    assert petition.state == "registered"
    assert details(petition).mediation.result == "failure"  # type: ignore[union-attr]
    assert due(petition, "petition_register") == "2026-03-25"
    routed = e.fire(case.id, "route", actor=BUREAU, at=at("2026-03-16", 9), to="qt-dm")
    assert routed.state == "transferred"
    assert e.verify(case.id).ok
    assert e.verify(dispute_id).ok


def test_an_organ_accepts_a_matter_before_it_hands_it_over() -> None:
    """Only a petition office hands over from registration: an organ tells the petitioner
    it accepted the matter first (第二十三条) and hands it over while handling it
    (第三十三条). Refused, the case is as it was; available_triggers says the same."""
    e = engine()
    case = letter(e, "2026-03-10", unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True))
    with pytest.raises(RuleRejectedError, match="受理后") as err:
        e.fire(case.id, "hand_to_mediation", actor=TOWN, at=at("2026-03-11"), **HAND)
    assert "第二十三条" in err.value.basis
    assert e.get(case.id) == case
    options = e.available_triggers(
        case.id, TOWN, at("2026-03-11"), inputs={"hand_to_mediation": HAND}
    )
    offered = {t.trigger: t for t in options}
    assert not offered["hand_to_mediation"].allowed
    assert "受理后" in offered["hand_to_mediation"].reason
