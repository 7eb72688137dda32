"""Dispute workflow version 12 on 司法确认 and on the traffic police's 调解书:

- a higher court named by its unit id is refused as one named in words (民诉法 第二百零五条
  第二项; 解释 第三百五十二条);
- the inviting court is found whether it was recorded, or is named, by unit id or by name
  (第二百零五条第一项);
- a ruling on an accepted application is not served before the acceptance (解释
  第三百七十二条: the 15 days to object run from receipt of the ruling);
- the traffic police's 调解书 takes effect once every party signed it, and states the items
  of 《道路交通事故处理程序规定》第九十二条.

Version 11 stays registered; the stricter rules are pinned beside it."""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, RuleRejectedError, Unit, ValidationError
from mediation._demo import MEDIATOR, agreement, run
from mediation.rules.org import OrgTree
from mediation.rules.policy import Policy

from ._support import ORG, actor, at, clock, engine, register

HIGH = Unit("zj-gy", "浙江省高级人民法院", "county", None, "浙高法", kind="court")


def _agreed(version: int | None = None) -> tuple[Engine, str]:
    """The demo's neighbour dispute, agreed and in effect on 03-06, under the demo org with
    a high court added; pinned to ``version`` if given."""
    from mediation._demo import ORG as DEMO_ORG

    org = OrgTree([*DEMO_ORG.units, HIGH])
    e = Engine.in_memory(policy=Policy(org=org), reader=Actor.system())
    case = run(e, stop_before="begin_performance")
    if version is not None:
        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=case.updated_at)
    return e, case.id


def test_a_higher_court_named_by_its_unit_id_is_refused() -> None:
    e, cid = _agreed()
    before = e.get(cid)
    with pytest.raises(ValidationError, match="基层人民法院") as err:
        e.fire(cid, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09", 10),
               court="zj-gy", joint=True)  # fmt: skip
    assert err.value.field == "court"
    assert e.get(cid) == before
    applied = e.fire(cid, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09", 10),
                     court="青田县人民法院", joint=True)  # fmt: skip
    assert applied.details.confirmation is not None  # type: ignore[attr-defined]


def test_version_11_read_the_court_s_text_only() -> None:
    e, cid = _agreed(version=11)
    applied = e.fire(cid, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09", 10),
                     court="zj-gy", joint=True)  # fmt: skip
    assert applied.details.confirmation.court == "zj-gy"  # type: ignore[attr-defined]


def _accepted(version: int | None = None) -> tuple[Engine, str]:
    e, cid = _agreed(version)
    e.fire(cid, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09", 10),
           court="青田县人民法院", joint=True)  # fmt: skip
    e.fire(cid, "court_accepts", actor=MEDIATOR, at=at("2026-03-10", 10))
    return e, cid


def test_a_ruling_is_not_served_before_the_court_accepted_the_application() -> None:
    """Accepted 03-10: a ruling served 03-09 would start the 15 days to object before it
    existed. Refused on ``served_on``, the case unchanged; served 03-16, the party's 15 days
    run to 03-31."""
    e, cid = _accepted()
    before = e.get(cid)
    with pytest.raises(ValidationError, match="2026-03-10") as err:
        e.fire(cid, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9), ruling="valid",
               served_on="2026-03-09")  # fmt: skip
    assert err.value.field == "served_on"
    assert e.get(cid) == before
    ruled = e.fire(cid, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9), ruling="valid",
                   served_on="2026-03-16")  # fmt: skip
    assert str(clock(ruled, "confirmation_objection_party").due) == "2026-03-31"


def test_version_11_took_a_service_before_the_acceptance() -> None:
    e, cid = _accepted(version=11)
    ruled = e.fire(cid, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9), ruling="valid",
                   served_on="2026-03-09")  # fmt: skip
    assert ruled.details.confirmation.ruling == "valid"  # type: ignore[attr-defined]


def _delegated_agreed(court: str) -> tuple[Engine, str]:
    """A mediation 青田县人民法院 (unit ``qt-fy``) delegated to 东门村's committee before filing,
    the inviting court recorded as ``court``; agreed and signed by the parties on 03-04 (a
    delegated agreement takes effect on their signatures, 特邀调解规定 第二十四条)."""
    e = engine()
    who = actor("qt-dm-dmc")
    case = register(e, "qt-dm-dmc", at("2026-03-02"), channel="court_referral",
                    details={"materials_signed_on": "2026-03-02", "court": court})  # fmt: skip
    e.fire(case.id, "triage", actor=who, at=at("2026-03-02", 10), track="people")
    e.fire(case.id, "accept", actor=who, at=at("2026-03-02", 11))
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-03-02", 12), written=True)
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-03-03", 10), mediators=[who.id])
    e.fire(case.id, "agree", actor=who, at=at("2026-03-04", 10), agreement=agreement("2026-03-31"))
    signed = at("2026-03-04", 11)
    for p in e.get(case.id).principals:
        e.fire(case.id, "sign", actor=who, at=signed, party=p.id, capacity="party",
               signed_at=signed)  # fmt: skip
    return e, case.id


@pytest.mark.parametrize(
    ("recorded", "named"),
    [("青田县人民法院", "qt-fy"), ("qt-fy", "青田县人民法院"), ("qt-fy", "qt-fy")],
)
def test_the_inviting_court_is_found_by_unit_id_or_by_name(recorded: str, named: str) -> None:
    """第二百零五条第一项: a mediation the court invited goes to that court, however the
    record and the application name it; another court is refused."""
    assert "qt-fy" in ORG
    e, cid = _delegated_agreed(recorded)
    who = actor("qt-dm-dmc")
    with pytest.raises(ValidationError, match="第二百零五条第一项"):
        e.fire(cid, "apply_confirmation", actor=who, at=at("2026-03-05"),
               court="杭州市西湖区人民法院", joint=True)  # fmt: skip
    applied = e.fire(cid, "apply_confirmation", actor=who, at=at("2026-03-05"), court=named,
                     joint=True)  # fmt: skip
    assert applied.details.confirmation.court == named  # type: ignore[attr-defined]


TRAFFIC = actor("qt-jj")


def _traffic_agreed(e: Engine, version: int | None = None, **drop: bool) -> str:
    """Damages of an accident on 09-09 mediated by the traffic police; the 调解书 reached on
    09-18 and signed by every party then (no officer's signature, no seal)."""
    case = register(e, "qt-jj", at("2026-09-14", 8), category="traffic",
                    details={"track": "administrative", "joint_application": True,
                             "certificate_received_on": "2026-09-10"})  # fmt: skip
    e.fire(case.id, "triage", actor=TRAFFIC, at=at("2026-09-14", 9), track="administrative",
           joint_application=True, certificate_received_on="2026-09-10")  # fmt: skip
    accepted = e.fire(case.id, "accept", actor=TRAFFIC, at=at("2026-09-14", 11))
    if version is not None:
        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=accepted.updated_at)
    e.fire(case.id, "start_mediation", actor=TRAFFIC, at=at("2026-09-18", 9),
           mediators=["交警甲"], notified_on="2026-09-15")  # fmt: skip
    terms = agreement("2026-10-20")
    for item in drop:
        terms.pop(item, None)
    signed = at("2026-09-18", 11)
    terms["signatures"] = [
        {"party": p.id, "capacity": "party", "signed_at": signed} for p in e.get(case.id).principals
    ]
    e.fire(case.id, "agree", actor=TRAFFIC, at=signed, agreement=terms)
    return case.id


def test_the_traffic_police_s_mediation_book_takes_effect_on_the_parties_signatures() -> None:
    """第九十二条: 调解书经各方当事人共同签字后生效. Signed by every party on 09-18, it is in
    effect: performance may begin, and the document says so, citing the article."""
    e = engine()
    cid = _traffic_agreed(e)
    case = e.get(cid)
    assert case.workflow_version == 12
    assert e.fire(cid, "begin_performance", actor=TRAFFIC, at=at("2026-09-21")).state
    text = str(e.render(cid, "mediation_agreement"))
    assert "经各方当事人共同签字后生效（《道路交通事故处理程序规定》第九十二条）" in text
    assert "尚未生效" not in text


def test_version_11_waited_for_the_officer_and_the_seal() -> None:
    e = engine()
    cid = _traffic_agreed(e, version=11)
    with pytest.raises(RuleRejectedError, match="尚未生效"):
        e.fire(cid, "begin_performance", actor=TRAFFIC, at=at("2026-09-21"))


def test_the_traffic_mediation_book_states_the_items_of_article_92() -> None:
    """第九十二条 lists the facts and losses, the items and amounts, each side's liability and
    share, and the manner and time limit of performance — not the place of performance or the
    disputed matters of people's mediation (2002 规定 第三十五条). A book without the
    liabilities is refused citing 第九十二条; one without a place of performance is taken."""
    e = engine()
    with pytest.raises(RuleRejectedError, match="各方当事人的责任") as err:
        _traffic_agreed(e, responsibilities=True)
    assert err.value.basis == "《道路交通事故处理程序规定》第九十二条"
    e = engine()
    cid = _traffic_agreed(e, performance_place=True, disputed_matters=True)
    assert e.get(cid).state == "agreed"


def _not_accepted(exclusion: str, version: int | None = None) -> tuple[Engine, str]:
    """Applied to 青田县人民法院 on 03-09; not accepted on ``exclusion`` on 03-10."""
    e, cid = _agreed(version)
    e.fire(cid, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09", 10),
           court="青田县人民法院", joint=True)  # fmt: skip
    e.fire(cid, "court_rules", actor=MEDIATOR, at=at("2026-03-10", 10), ruling="not_accepted",
           exclusion=exclusion)  # fmt: skip
    return e, cid


@pytest.mark.parametrize("exclusion", ["property_title", "status", "outside_remit"])
def test_no_second_application_on_a_ground_every_court_holds(exclusion: str) -> None:
    """民诉法解释 第三百五十五条: an agreement on property title, a status relation or a matter
    outside the courts' remit is not accepted by any court: applying again is refused, the
    case unchanged."""
    e, cid = _not_accepted(exclusion)
    before = e.get(cid)
    with pytest.raises(RuleRejectedError, match="第三百五十五条"):
        e.fire(cid, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-11", 10),
               court="丽水市莲都区人民法院", joint=True)  # fmt: skip
    assert e.get(cid) == before


def test_after_a_court_without_jurisdiction_the_parties_apply_to_another() -> None:
    """第三百五十五条第二项: not this court's case — the parties apply again within the 30
    days, to a competent court, not to the same one."""
    e, cid = _not_accepted("jurisdiction")
    with pytest.raises(ValidationError, match="有管辖权") as err:
        e.fire(cid, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-11", 10),
               court="青田县人民法院", joint=True)  # fmt: skip
    assert err.value.field == "court"
    applied = e.fire(cid, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-11", 10),
                     court="丽水市莲都区人民法院", joint=True)  # fmt: skip
    assert applied.details.confirmation.court == "丽水市莲都区人民法院"  # type: ignore[attr-defined]


def test_version_11_took_the_same_agreement_back_to_the_same_court() -> None:
    e, cid = _not_accepted("property_title", version=11)
    applied = e.fire(cid, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-11", 10),
                     court="青田县人民法院", joint=True)  # fmt: skip
    assert applied.details.confirmation.ruling is None  # type: ignore[attr-defined]


def _delegated_triaged(version: int | None = None) -> tuple[Engine, str]:
    """A court's delegation before filing (委派) registered at 东门镇 with no court named."""
    e = engine()
    who = actor("qt-dm")
    case = register(e, "qt-dm", at("2026-09-07"), channel="court_referral",
                    details={"materials_signed_on": "2026-09-07"})  # fmt: skip
    triaged = e.fire(case.id, "triage", actor=who, at=at("2026-09-07", 10), track="people")
    if version is not None:
        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=triaged.updated_at)
    return e, case.id


def test_a_court_s_delegation_is_accepted_naming_the_court() -> None:
    """民诉法 第二百零五条第一项: the agreement of a mediation a court invited goes to that
    court for 司法确认, which is checked only if the court is known. Accepting the delegation
    without it is refused on ``court``, the case unchanged; named, it is recorded."""
    e, cid = _delegated_triaged()
    who = actor("qt-dm")
    before = e.get(cid)
    with pytest.raises(ValidationError, match="第二百零五条第一项") as err:
        e.fire(cid, "accept", actor=who, at=at("2026-09-07", 11))
    assert err.value.field == "court"
    assert e.get(cid) == before
    done = e.fire(cid, "accept", actor=who, at=at("2026-09-07", 11), court="qt-fy")
    assert done.details.facts.court == "qt-fy"  # type: ignore[attr-defined]


def test_version_11_accepted_a_delegation_with_the_court_unknown() -> None:
    e, cid = _delegated_triaged(version=11)
    done = e.fire(cid, "accept", actor=actor("qt-dm"), at=at("2026-09-07", 11))
    assert done.state == "accepted"
