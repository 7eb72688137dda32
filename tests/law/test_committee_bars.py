"""What binds a people's mediation committee whoever sent it the case.

- 2002 规定 第三十条: the committee tells the parties their rights and duties before it
  mediates — also when a court entrusted the mediation (the judicial track at a committee);
  a court mediating its own case is not a committee.
- 2002 规定 第二十二条第二项: a committee does not accept a dispute that a people's court,
  a public-security organ or another administrative organ has accepted — seen by the
  engine when that organ's case is in the system, not only when the clerk says so; one it
  resolved is the clerk's to recognise (a new dispute between the same parties is not).
  The organ the clerk names (``handled_by``) is one of those: another mediation committee
  is not (dispute workflow version 10).
"""

from __future__ import annotations

import datetime as dt

import pytest

from mediation import Actor, Engine, RuleRejectedError, ValidationError

from ._support import actor, at, engine, register

VILLAGE = "qt-dm-dmc"
COURT = "qt-fy"
POLICE = "qt-pcs"
RIGHTS = "《人民调解工作若干规定》第三十条"
HANDLED = "《人民调解工作若干规定》第二十二条第二项"


def _entrusted(e: Engine, unit: str) -> str:
    """A case the court entrusted (委托) to ``unit``, accepted there on the judicial track."""
    who = actor(unit)
    case = register(e, unit, at("2026-09-14"))
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track="judicial")
    e.fire(
        case.id,
        "accept",
        actor=who,
        at=at("2026-09-14", 11),
        materials_signed_on=dt.date(2026, 9, 14),
        court=COURT,
    )
    return case.id


def test_a_committee_entrusted_by_a_court_tells_the_rights_before_mediating() -> None:
    e = engine()
    cid = _entrusted(e, VILLAGE)
    who = actor(VILLAGE)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(cid, "start_mediation", actor=who, at=at("2026-09-15"), mediators=[who.id])
    assert refused.value.basis == RIGHTS
    assert e.get(cid).state == "accepted"
    option = next(o for o in e.available_triggers(cid, actor=who) if o.trigger == "start_mediation")
    assert not option.allowed
    assert option.basis == RIGHTS
    e.fire(cid, "inform_rights", actor=who, at=at("2026-09-15", 9), written=True)
    moved = e.fire(cid, "start_mediation", actor=who, at=at("2026-09-15"), mediators=[who.id])
    assert moved.state == "mediating"


def _organ_accepts(e: Engine, unit: str, track: str) -> str:
    """The matter registered at ``unit`` on 09-14 and accepted there on ``track``: its id."""
    who = actor(unit)
    case = register(e, unit, at("2026-09-14"))
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track=track)
    e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11))
    return case.id


def test_a_court_mediating_its_own_case_is_not_a_committee() -> None:
    e = engine()
    who = actor(COURT)
    case_id = _organ_accepts(e, COURT, "judicial")
    moved = e.fire(case_id, "start_mediation", actor=who, at=at("2026-09-15"), mediators=[who.id])
    assert moved.state == "mediating"


def _committee_triaged(e: Engine) -> str:
    who = actor(VILLAGE)
    case = register(e, VILLAGE, at("2026-09-15"))
    e.fire(case.id, "triage", actor=who, at=at("2026-09-15", 10), track="people", level="village")
    return case.id


@pytest.mark.parametrize(("unit", "track"), [(COURT, "judicial"), (POLICE, "administrative")])
def test_a_committee_does_not_accept_what_a_court_or_the_police_accepted(
    unit: str, track: str
) -> None:
    e = engine()
    code = e.get(_organ_accepts(e, unit, track)).code
    cid = _committee_triaged(e)
    who = actor(VILLAGE)
    before = e.get(cid)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(cid, "accept", actor=who, at=at("2026-09-15", 11))
    assert refused.value.basis == HANDLED
    assert code in str(refused.value)
    assert e.get(cid) == before
    # The committee records it as not accepted, on the same ground.
    ended = e.fire(cid, "accept", actor=who, at=at("2026-09-15", 11), handled_by=unit)
    assert ended.state == "not_accepted"
    assert HANDLED in (ended.outcome or "")


def test_the_organ_named_as_handling_it_is_a_court_police_or_administrative_organ() -> None:
    """2002 规定 第二十二条第二项 names a people's court, a public-security organ or another
    administrative organ: the town's mediation committee, named by its unit id, is refused
    on ``handled_by`` (version 10), the case left as it was. A court named by its unit id
    is recorded, and printed, by its name."""
    e = engine()
    cid = _committee_triaged(e)
    who = actor(VILLAGE)
    before = e.get(cid)
    with pytest.raises(ValidationError, match="不是人民法院、公安机关或者其他行政机关") as refused:
        e.fire(cid, "accept", actor=who, at=at("2026-09-15", 11), handled_by="qt-dm")
    assert refused.value.field == "handled_by"
    assert HANDLED in str(refused.value)
    assert e.get(cid) == before
    ended = e.fire(cid, "accept", actor=who, at=at("2026-09-15", 11), handled_by=COURT)
    assert "纠纷已由青田县人民法院受理或者解决" in (ended.outcome or "")
    notice = str(e.render(cid, "non_acceptance_notice"))
    assert "青田县人民法院受理或者解决" in notice
    assert COURT not in notice

    old = engine()
    was = _committee_triaged(old)
    old.migrate_case(was, to_version=9, actor=Actor.system(), at=at("2026-09-15", 10, 30))
    kept = old.fire(was, "accept", actor=who, at=at("2026-09-15", 11), handled_by="qt-dm")
    assert "纠纷已由qt-dm受理或者解决" in (kept.outcome or "")
    assert old.verify(was).ok


def test_a_matter_the_organ_no_longer_holds_does_not_bar() -> None:
    """The court's case ended (withdrawn): nothing is accepted elsewhere any more."""
    e = engine()
    case_id = _organ_accepts(e, COURT, "judicial")
    e.fire(case_id, "withdraw", actor=actor(COURT), at=at("2026-09-14", 15), reason="原告撤诉")
    cid = _committee_triaged(e)
    accepted = e.fire(cid, "accept", actor=actor(VILLAGE), at=at("2026-09-15", 11))
    assert accepted.state == "accepted"


def test_another_committee_s_case_does_not_bar() -> None:
    """The rule names courts, the police and administrative organs, not other committees
    (a second committee's case is the intake's duplicate check, decided by the clerk)."""
    e = engine()
    _organ_accepts(e, "qt-dm", "people")
    cid = _committee_triaged(e)
    accepted = e.fire(cid, "accept", actor=actor(VILLAGE), at=at("2026-09-15", 11))
    assert accepted.state == "accepted"


def test_a_matter_a_court_resolved_is_the_clerk_s_to_recognise() -> None:
    """已经受理或者解决的: the court mediated the matter to an agreement, performed, and closed
    its file. Same parties and category do not tell that dispute from a new one between them,
    so acceptance is not refused; the clerk sees the court's case and how it ended among the
    related cases, and records the same dispute as not accepted (``handled_by``)."""
    from mediation._demo import agreement

    e = engine()
    who = actor(COURT)
    case = register(e, COURT, at("2026-03-01"))
    signed = at("2026-03-02", 10)
    steps: list[tuple[str, str, int, dict[str, object]]] = [
        ("triage", "2026-03-01", 9, {"track": "judicial"}),
        ("accept", "2026-03-01", 10, {}),
        ("start_mediation", "2026-03-01", 11, {"mediators": [who.id]}),
        ("agree", "2026-03-02", 9, {"agreement": agreement("2026-03-05")}),
        *[
            ("sign", "2026-03-02", 10, {"party": p.id, "capacity": "party", "signed_at": signed})
            for p in case.principals
        ],
        ("sign", "2026-03-02", 10, {"signer": "法官甲", "capacity": "mediator", "signed_at": signed}),
        ("sign", "2026-03-02", 10,
         {"signer": "青田县人民法院", "capacity": "committee", "signed_at": signed}),
        ("begin_performance", "2026-03-03", 9, {}),
        ("confirm_performed", "2026-03-05", 9, {}),
        ("start_callback", "2026-03-06", 9, {}),
        ("record_callback", "2026-03-06", 10,
         {"visitor": "法官甲", "party": case.principals[0].id, "finding": "performed"}),
        ("close", "2026-03-06", 12, {}),
    ]  # fmt: skip
    for trigger, day, hour, data in steps:
        e.fire(case.id, trigger, actor=who, at=at(day, hour), **data)
    assert e.get(case.id).state == "closed"
    # The court mediated its own case: no written report to itself (特邀调解规定 第二十六条 is
    # the invited mediator's duty).
    with pytest.raises(RuleRejectedError) as own:
        e.fire(case.id, "report_to_court", actor=who, at=at("2026-03-07"), text="已履行")
    assert "委派、委托" in str(own.value)
    cid = _committee_triaged(e)
    (seen,) = [r for r in e.related(cid) if r.id == case.id]
    assert (seen.closed, seen.resolution) == (True, "agreement")
    option = next(
        o for o in e.available_triggers(cid, actor=actor(VILLAGE)) if o.trigger == "accept"
    )
    assert option.allowed
    ended = e.fire(cid, "accept", actor=actor(VILLAGE), at=at("2026-09-15", 11), handled_by=COURT)
    assert ended.state == "not_accepted"
    assert HANDLED in (ended.outcome or "")
