"""Who may mediate a dispute another body holds, and the days a period counts from.

Traffic: a suit bars the police's mediation (《道路交通安全法实施条例》第九十六条) and ends
it (《道路交通事故处理程序规定》第九十四条第一项). Medical: the health department's mediation
is applied for as the committee's (《医疗纠纷预防和处理条例》第四十条, 参照第三十一条) and is
deemed failed when its 30 working days pass (第四十条); a court's acceptance stops an agreement
from coming into effect (第三十一条). The day a track's period counts from is a day that has
come (程序规定 第九十条; 特邀调解规定 第二十七条). Dispute workflow version 4.
"""

from __future__ import annotations

from typing import Any

import pytest

from mediation import RuleRejectedError, ValidationError
from mediation._demo import agreement

from ..helpers import signed_by_all
from ._support import actor, at, clock, day, engine, register

TRAFFIC = actor("qt-jj")
HEALTH = actor("qt-wjj")
COURT = actor("qt-fy")
MEDICAL_COMMITTEE = actor("qt-yt")


def _suit(e: Any, when: str, category: str) -> Any:
    """The same parties sue over the same dispute: the county court accepts it on ``when``."""
    case = register(e, "qt-fy", at(when), category=category)
    e.fire(case.id, "triage", actor=COURT, at=at(when, 10), track="judicial")
    return e.fire(case.id, "accept", actor=COURT, at=at(when, 11), other_side_consents=True)


def _traffic(e: Any, when: str) -> Any:
    """A joint application to the traffic police, the report received Tue 09-08."""
    case = register(
        e,
        "qt-jj",
        at(when),
        category="traffic",
        details={
            "track": "administrative",
            "joint_application": True,
            "certificate_received_on": "2026-09-08",
        },
    )
    return e.fire(case.id, "triage", actor=TRAFFIC, at=at(when, 10), track="administrative")


def test_the_traffic_police_do_not_accept_a_dispute_a_court_has_accepted() -> None:
    """实施条例 第九十六条: once a party sued and the court accepted, the police no longer
    accept mediation. The step reads the court's case, names it, and leaves the case as it
    was; the clerk records the non-acceptance (``handled_by``)."""
    e = engine()
    suit = _suit(e, "2026-09-14", "traffic")
    police = _traffic(e, "2026-09-15")
    with pytest.raises(RuleRejectedError, match=suit.code) as err:
        e.fire(police.id, "accept", actor=TRAFFIC, at=at("2026-09-15", 11))
    assert err.value.basis == "《道路交通安全法实施条例》第九十六条"
    assert e.get(police.id) == police
    ended = e.fire(police.id, "accept", actor=TRAFFIC, at=at("2026-09-15", 11),
                   handled_by="青田县人民法院")  # fmt: skip
    assert ended.state == "not_accepted"


def test_a_suit_during_traffic_police_mediation_ends_it() -> None:
    """程序规定 第九十四条第一项: a party sues during mediation — the police end it. Before
    the suit the session went ahead; after it, neither an agreement nor a signature of one
    reached before it brings it into effect, and the police terminate."""
    e = engine()
    police = _traffic(e, "2026-09-15")
    e.fire(police.id, "accept", actor=TRAFFIC, at=at("2026-09-15", 11),
           mediation_start_on="2026-09-15")  # fmt: skip
    mediating = e.fire(police.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-21"),
                       mediators=[TRAFFIC.id], notified_on="2026-09-15")  # fmt: skip
    terms = agreement("2026-10-20")
    signed = at("2026-09-22", 10)
    terms["signatures"] = signed_by_all(mediating, signed, "民警乙", "qt-jj")[:1]
    agreed = e.fire(police.id, "agree", actor=TRAFFIC, at=signed, agreement=terms)
    assert agreed.state == "agreed"
    suit = _suit(e, "2026-09-23", "traffic")
    rest = signed_by_all(agreed, at("2026-09-24"), "民警乙", "qt-jj")[1:]
    with pytest.raises(RuleRejectedError, match=suit.code) as err:
        e.fire(police.id, "sign", actor=TRAFFIC, at=at("2026-09-24"), **rest[0])
    assert err.value.basis == "《道路交通事故处理程序规定》第九十四条第一项"
    assert e.get(police.id) == agreed
    ended = e.fire(police.id, "terminate", actor=TRAFFIC, at=at("2026-09-24", 11),
                   reason="一方当事人已提起民事诉讼", remedies_informed=True)  # fmt: skip
    assert ended.state == "failed"
    assert e.verify(police.id).ok


def test_a_medical_agreement_signed_after_the_court_accepted_does_not_take_effect() -> None:
    """第三十一条: the committee reached an agreement (03-04) that not every signer has
    signed; the court accepts the same dispute on 03-05: the remaining signatures are refused,
    naming the court's case, so the agreement never takes effect."""
    e = engine()
    case = register(e, "qt-yt", at("2026-03-02"), category="medical")
    e.fire(case.id, "triage", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 10), track="people")
    e.fire(case.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 11),
           other_side_consents=True)  # fmt: skip
    e.fire(case.id, "inform_rights", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 12))
    mediating = e.fire(case.id, "start_mediation", actor=MEDICAL_COMMITTEE, at=at("2026-03-03"),
                       mediators=[MEDICAL_COMMITTEE.id])  # fmt: skip
    terms = agreement("2026-03-20")
    all_signatures = signed_by_all(mediating, at("2026-03-04"), "调解员甲", "医调委")
    terms["signatures"] = all_signatures[:1]
    agreed = e.fire(case.id, "agree", actor=MEDICAL_COMMITTEE, at=at("2026-03-04"),
                    agreement=terms)  # fmt: skip
    suit = _suit(e, "2026-03-05", "medical")
    late = {**all_signatures[1], "signed_at": at("2026-03-06")}
    with pytest.raises(RuleRejectedError, match=suit.code) as err:
        e.fire(case.id, "sign", actor=MEDICAL_COMMITTEE, at=at("2026-03-06"), **late)
    assert err.value.basis == "《医疗纠纷预防和处理条例》第三十一条"
    assert e.get(case.id) == agreed
    assert agreed.deadlines == e.get(case.id).deadlines


def _health(e: Any, when: str, **kw: Any) -> Any:
    case = register(e, "qt-wjj", at(when), category="medical",
                    details={"track": "administrative"})  # fmt: skip
    e.fire(case.id, "triage", actor=HEALTH, at=at(when, 10), track="administrative")
    return e.fire(case.id, "accept", actor=HEALTH, at=at(when, 11), **kw)


def test_the_health_department_needs_both_sides_to_apply() -> None:
    """第四十条: the application to the health department is made as to the committee
    (参照第三十一条第一款、第二款): both sides, or one with the other's consent."""
    e = engine()
    with pytest.raises(ValidationError) as err:
        _health(e, "2026-10-09")
    assert err.value.field == "other_side_consents"
    assert err.value.basis == "《医疗纠纷预防和处理条例》第四十条、第三十一条"
    assert _health(e, "2026-10-12", other_side_consents=True).state == "accepted"


def test_the_health_department_s_mediation_past_its_thirty_working_days_is_deemed_failed() -> None:
    """第四十条: 30 working days from acceptance (Fri 2026-10-09 → Thu 11-19, as
    test_tracks computes it), no extension; past them without an agreement the mediation is
    deemed failed — an agreement on Fri 11-20 is refused, one on 11-19 is not."""
    e = engine()
    case = _health(e, "2026-10-09", other_side_consents=True)
    assert clock(case, "medical_admin_mediation").due == day("2026-11-19")
    e.fire(case.id, "start_mediation", actor=HEALTH, at=at("2026-10-12"), mediators=[HEALTH.id])
    mediating = e.get(case.id)
    late = agreement("2026-12-20")
    late["signatures"] = signed_by_all(
        mediating, at("2026-11-20", 10), "调解员", "青田县卫生健康局"
    )
    with pytest.raises(RuleRejectedError, match="视为调解不成") as err:
        e.fire(case.id, "agree", actor=HEALTH, at=at("2026-11-20", 10), agreement=late)
    assert err.value.basis == "《医疗纠纷预防和处理条例》第四十条"
    assert e.get(case.id) == mediating
    in_time = agreement("2026-12-20")
    in_time["signatures"] = signed_by_all(
        mediating, at("2026-11-19", 16), "调解员", "青田县卫生健康局"
    )
    reached = e.fire(case.id, "agree", actor=HEALTH, at=at("2026-11-19", 16), agreement=in_time)
    assert reached.state in ("agreed", "performing")


@pytest.mark.parametrize("where", ["committee", "health_department"])
def test_a_medical_agreement_is_written_not_oral(where: str) -> None:
    """医疗条例 第三十九条: the committee's agreement takes effect once both sides sign or
    seal it and the mediator signs and the committee seals it — and the committee tells both
    sides of 司法确认; 第四十条: the health department's mediation ends in a signed 调解协议书.
    An oral agreement (《人民调解法》第二十八条's other form) is refused, naming the field, and
    the case is left as it was."""
    e = engine()
    if where == "committee":
        case = register(e, "qt-yt", at("2026-02-09"), category="medical")
        e.fire(case.id, "triage", actor=MEDICAL_COMMITTEE, at=at("2026-02-09", 10),
               track="people")  # fmt: skip
        e.fire(case.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-02-09", 11),
               other_side_consents=True)  # fmt: skip
        e.fire(case.id, "inform_rights", actor=MEDICAL_COMMITTEE, at=at("2026-02-09", 12))
        who = MEDICAL_COMMITTEE
    else:
        case = _health(e, "2026-02-09", other_side_consents=True)
        who = HEALTH
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-02-10"), mediators=[who.id])
    before = e.get(case.id)
    oral = {**agreement("2026-03-20"), "form": "oral"}
    with pytest.raises(ValidationError, match="第三十九条、第四十条") as err:
        e.fire(case.id, "agree", actor=who, at=at("2026-02-13"), agreement=oral)
    assert err.value.field == "agreement.form"
    assert e.get(case.id) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("materials_signed_on", "2026-09-30"), ("certificate_received_on", "2026-09-15")],
)
def test_registration_refuses_a_day_a_period_counts_from_that_has_not_come(
    field: str, value: str
) -> None:
    """特邀调解规定 第二十七条 (the mediator's signing for the court's materials); 程序规定
    第八十六条 (the accident report, received before the application): registered on
    2026-09-14, neither may be later."""
    e = engine()
    details: dict[str, Any] = {field: value}
    unit, channel, category = "qt-dm", "court_referral", "neighbor"
    if field == "certificate_received_on":
        unit, channel, category = "qt-jj", "walk_in", "traffic"
        details.update(track="administrative", joint_application=True)
    with pytest.raises(ValidationError) as err:
        register(e, unit, at("2026-09-14"), category=category, channel=channel, details=details)
    assert err.value.field == f"details.{field}"
    assert not e.find()


def test_acceptance_refuses_the_day_the_court_s_materials_are_signed_for_if_later() -> None:
    """特邀调解规定 第二十七条: court delegation counts 30 days from the mediator's signing for
    the materials; a signing dated after the acceptance would put the period off. The same
    day is taken."""
    e = engine()
    town = actor("qt-dm")
    case = register(e, "qt-dm", at("2026-09-01"), channel="court_referral",
                    details={"court": "青田县人民法院"})  # fmt: skip
    e.fire(case.id, "triage", actor=town, at=at("2026-09-01", 10), track="people")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "accept", actor=town, at=at("2026-09-02"), materials_signed_on="2026-09-03")
    assert err.value.field == "materials_signed_on"
    assert e.get(case.id) == before
    done = e.fire(case.id, "accept", actor=town, at=at("2026-09-02"),
                  materials_signed_on="2026-09-02")  # fmt: skip
    assert clock(done, "court_delegated").start == day("2026-09-02")


def test_a_committee_that_took_up_a_medical_dispute_itself_guides_both_sides_to_apply() -> None:
    """第三十一条第三款: a medical committee that learns of a major dispute may take it up on
    its own initiative, to guide both sides to apply (第一款: jointly, or one with the
    other's consent). Its initiative is no application: acceptance still needs the consent,
    and the refusal says what to do and leaves the case as it was."""
    e = engine()
    case = register(e, "qt-yt", at("2026-03-02"), category="medical", channel="own_initiative")
    triaged = e.fire(case.id, "triage", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 10),
                     track="people")  # fmt: skip
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 11))
    assert err.value.field == "other_side_consents"
    assert "引导医患双方申请调解" in str(err.value)
    assert err.value.basis == "《医疗纠纷预防和处理条例》第三十一条第一款、第三款"
    assert e.get(case.id) == triaged
    accepted = e.fire(case.id, "accept", actor=MEDICAL_COMMITTEE, at=at("2026-03-02", 11),
                      other_side_consents=True)  # fmt: skip
    assert accepted.state == "accepted"
