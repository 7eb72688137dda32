"""The organ's own mediation, and the parties' settlement, of a claim (《信访工作条例》第三十三条).

While handling a 申诉求决 matter the organ may mediate between the two sides with both
sides' consent, within its discretion, or guide them to settle; the result is a 调解协议书
or a 和解协议书, and the matter is concluded (RULES.md §4).
"""

from __future__ import annotations

from typing import Any

import pytest

from mediation import (
    Case,
    Engine,
    Party,
    RuleRejectedError,
    TransitionNotAllowedError,
    ValidationError,
)
from mediation.rules.petition import SettlementForm, details

from .conftest import (
    BUREAU,
    COUNTY,
    COUNTY_LEADER,
    OPINION_DATA,
    TOWN,
    at,
    engine,
    letter,
    petitioners,
)

TERMS = "王五于2026年3月31日前拆除雨棚，赔偿张三墙体维修费2,000元。"


def handling(e: Engine, day: str = "2026-03-10", **kw: Any) -> Case:
    """A neighbour petition with the other side (王五, p2) named, accepted by the town."""
    kw.setdefault("parties", petitioners(respondent=True))
    case = letter(e, day, unit="qt-dm", actor=TOWN, **kw)
    return e.fire(case.id, "accept", actor=TOWN, at=at(day, 10))


def test_the_organ_mediates_only_with_both_sides_consent_and_within_its_discretion() -> None:
    """第三十三条: 经争议双方当事人同意进行调解, 在裁量权范围内、不违反政策法规强制性规定.
    Each refusal names the input and the article and leaves the case as it was; with both
    sides' consent and every signature the petition is concluded on a 调解协议书, its
    handling clock met."""
    e = engine()
    case = handling(e)
    before = e.get(case.id)
    attempts: list[tuple[dict[str, Any], str]] = [
        ({"consents": ["p1"], "within_discretion": True, "signed_by": ["p1", "p2"]}, "consents"),
        ({"consents": ["p1", "p2"], "signed_by": ["p1", "p2"]}, "within_discretion"),
        ({"consents": ["p1", "p2"], "within_discretion": True, "signed_by": ["p1"]}, "signed_by"),
        ({"consents": ["p1", "p9"], "within_discretion": True, "signed_by": ["p1"]}, "consents[1]"),
    ]
    for data, fieldname in attempts:
        with pytest.raises(ValidationError) as err:
            e.fire(case.id, "settle", actor=TOWN, at=at("2026-03-20"), form="mediation",
                   terms=TERMS, **data)  # fmt: skip
        assert err.value.field == fieldname
        assert fieldname == "consents[1]" or "第三十三条" in err.value.basis
        if fieldname == "consents":
            assert "王五未同意" in str(err.value)
    assert e.get(case.id) == before
    case = e.fire(case.id, "settle", actor=TOWN, at=at("2026-03-20"), form="mediation",
                  terms=TERMS, consents=["p1", "p2"], within_discretion=True,
                  signed_by=["p1", "p2"])  # fmt: skip
    assert case.state == "concluded"
    assert case.outcome == "经本机关调解达成调解协议书，信访事项办结"
    found = details(case).settlement
    assert found is not None
    assert (found.form, found.terms, found.signed_by) == (
        SettlementForm.mediation,
        TERMS,
        ("p1", "p2"),
    )
    handling_clock = next(d for d in case.deadlines if d.period == "petition_handling")
    assert handling_clock.status.value == "met"
    assert not case.open_deadlines
    assert e.verify(case.id).ok


def test_a_settlement_needs_no_consent_to_mediate_but_every_signature() -> None:
    """第三十三条: 引导争议双方当事人自愿和解 — the parties settle themselves, so no consent
    to the organ's mediating is asked; the 和解协议书 binds only when both sides signed."""
    e = engine()
    case = handling(e)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "settle", actor=TOWN, at=at("2026-03-20"), form="settlement",
               terms=TERMS, signed_by=["p2"])  # fmt: skip
    assert (err.value.field, "张三未签字" in str(err.value)) == ("signed_by", True)
    case = e.fire(case.id, "settle", actor=TOWN, at=at("2026-03-20"), form="settlement",
                  terms=TERMS, signed_by=["p1", "p2"])  # fmt: skip
    assert (case.state, case.outcome) == (
        "concluded",
        "经争议双方当事人自愿和解达成和解协议书，信访事项办结",
    )
    printed = e.render(case.id, "petition_settlement")
    assert printed.splitlines()[1] == "信访事项和解协议书"
    assert "经本机关引导，双方当事人自愿和解，达成如下协议" in printed


def test_there_must_be_two_sides_and_it_is_the_handling_organs_step() -> None:
    """A petition naming no other party has no dispute to mediate or settle (争议双方);
    an unaccepted petition is not yet being handled."""
    e = engine()
    alone = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    alone = e.fire(alone.id, "accept", actor=TOWN, at=at("2026-03-03"))
    with pytest.raises(RuleRejectedError) as err:
        e.fire(alone.id, "settle", actor=TOWN, at=at("2026-03-10"), form="settlement",
               terms=TERMS, signed_by=["p1"])  # fmt: skip
    assert ("被申请人" in err.value.reason, err.value.basis) == (True, "《信访工作条例》第三十三条")
    fresh = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True))
    with pytest.raises(TransitionNotAllowedError, match="is not allowed in state"):
        e.fire(fresh.id, "settle", actor=TOWN, at=at("2026-03-10"), form="settlement",
               terms=TERMS, signed_by=["p1", "p2"])  # fmt: skip


def test_an_assigned_matter_settled_reports_to_the_office() -> None:
    """第二十二条第一款第三项: a matter assigned (交办) and settled sends its 办结报告 — the
    agreement — to the assigning office, whose case concludes."""
    e = engine()
    office = letter(e, "2026-03-02", parties=petitioners(respondent=True))
    office = e.fire(office.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm",
                    mode="assign", report_due="2026-04-30")  # fmt: skip
    town = e.get(office.links[0].case_id)
    town = e.fire(town.id, "accept", actor=TOWN, at=at("2026-03-05"))
    e.fire(town.id, "settle", actor=TOWN, at=at("2026-03-20"), form="settlement", terms=TERMS,
           signed_by=["p1", "p2"])  # fmt: skip
    office = e.get(office.id)
    assert office.state == "concluded"
    assert "和解协议书" in (office.outcome or "")


def test_under_baoan_the_settlement_waits_for_the_leaders_sign_off() -> None:
    """领导包案 (RULES.md §7.1): the matter settled is 已调解待办结 until the leader signs off;
    then it is concluded."""
    e = engine()
    case = handling(e)
    e.fire(case.id, "baoan_assign", actor=COUNTY_LEADER, at=at("2026-03-10", 11),
           leader="ld-county", reason="群众反映强烈", officer="李华", plan="组织调解",
           timetable=[{"due": "2026-04-30", "task": "化解"}])  # fmt: skip
    case = e.fire(case.id, "settle", actor=TOWN, at=at("2026-03-20"), form="settlement",
                  terms=TERMS, signed_by=["p1", "p2"])  # fmt: skip
    assert case.state == "mediated"
    with pytest.raises(RuleRejectedError, match="签字销号"):
        e.fire(case.id, "conclude", actor=TOWN, at=at("2026-03-21"))
    e.fire(case.id, "baoan_sign_off", actor=COUNTY_LEADER, at=at("2026-03-21"), result="和解")
    case = e.fire(case.id, "conclude", actor=TOWN, at=at("2026-03-21", 10))
    assert case.state == "concluded"
    # no opinion was given, so no period for 复查 ran out (petition v2)
    assert case.outcome == "经争议双方当事人自愿和解达成和解协议书，信访事项办结"
    assert e.verify(case.id).ok


def test_an_agent_signs_for_the_party_it_acts_for() -> None:
    """王五 (p2) signs through his agent (p3): the agreement binds him; the document marks
    王五 as signed."""
    e = engine()
    parties = [*petitioners(respondent=True), Party.person("刘律师", role="agent", agent_of="王五")]
    case = handling(e, parties=parties)
    with pytest.raises(ValidationError, match="王五未签字"):
        e.fire(case.id, "settle", actor=TOWN, at=at("2026-03-20"), form="settlement",
               terms=TERMS, signed_by=["p1"])  # fmt: skip
    case = e.fire(case.id, "settle", actor=TOWN, at=at("2026-03-20"), form="settlement",
                  terms=TERMS, signed_by=["p1", "p3"])  # fmt: skip
    assert case.state == "concluded"
    assert "被申请人：王五（已签名）" in e.render(case.id, "petition_settlement")


def test_a_review_is_not_settled() -> None:
    """复查 reviews the opinion given (第三十五条): it is not ended by the organ's mediation."""
    e = engine()
    case = handling(e)
    case = e.fire(case.id, "opine", actor=TOWN, at=at("2026-03-20"), **OPINION_DATA)
    case = e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-03-25"), reason="不服")
    review = case.links[-1].case_id
    with pytest.raises(TransitionNotAllowedError, match="is not allowed in state"):
        e.fire(review, "settle", actor=COUNTY, at=at("2026-03-26"), form="settlement",
               terms=TERMS, signed_by=["p1", "p2"])  # fmt: skip
