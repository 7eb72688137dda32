"""司法确认 of a labour dispute's people's mediation agreement (dispute workflow version 8).

劳动争议解释（一）第五十二条 (RULES.md §3, last row): an agreement reached before a people's
mediation committee that settles payment obligations only (仅就给付义务) may be confirmed,
on the parties' joint application to the basic-level court where the committee sits. An
agreement with other content (reinstatement …) binds as a labour contract and goes to
arbitration when not performed; it is not confirmed. Other categories keep the general
rule (民诉法 第二百零五条). Version 7 did not check it and stays so for its recorded cases.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, ValidationError

from ..helpers import signed_by_all
from ._support import actor, at, engine, register

VILLAGE = "qt-dm-dmc"
BASIS = "第五十二条"


def _agreed(e: Engine, category: str = "labour", version: int | None = None) -> str:
    """A village committee's agreement signed by all on 09-16: the case id."""
    from mediation._demo import agreement

    who = actor(VILLAGE)
    details = {"received_on": "2026-09-14"} if category == "labour" else {}
    case = register(e, VILLAGE, at("2026-09-14"), category=category, summary="拖欠工资",
                    details=details)  # fmt: skip
    if version is not None:
        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=at("2026-09-14", 9))
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track="people", level="village")
    e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11))
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-09-14", 11, 30))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-14", 14), mediators=[who.id])
    terms = agreement("2026-10-20")
    terms["signatures"] = signed_by_all(
        e.get(case.id), at("2026-09-16", 11), "调解员甲", "东门村人民调解委员会"
    )
    e.fire(case.id, "agree", actor=who, at=at("2026-09-16", 11), agreement=terms)
    return case.id


def _apply(e: Engine, case_id: str, court: str = "青田县人民法院", **more: object) -> object:
    return e.fire(case_id, "apply_confirmation", actor=actor(VILLAGE), at=at("2026-09-21"),
                  court=court, joint=True, **more)  # fmt: skip


def test_an_agreement_on_payment_only_is_confirmed_by_the_committee_s_court() -> None:
    e = engine()
    cid = _agreed(e)
    applied = _apply(e, cid, payment_only=True)
    assert applied.state == "agreed"  # type: ignore[attr-defined]
    assert e.verify(cid).ok


def test_an_agreement_with_other_terms_is_not_confirmed() -> None:
    e = engine()
    cid = _agreed(e)
    before = e.get(cid)
    with pytest.raises(ValidationError, match=BASIS) as refused:
        _apply(e, cid)
    assert refused.value.field == "payment_only"
    assert "仲裁" in str(refused.value)
    assert e.get(cid) == before


@pytest.mark.parametrize("court", ["北京市朝阳区人民法院", "丽水市中级人民法院"])
def test_only_the_basic_court_where_the_committee_sits(court: str) -> None:
    e = engine()
    cid = _agreed(e)
    before = e.get(cid)
    with pytest.raises(ValidationError, match=BASIS) as refused:
        _apply(e, cid, court=court, payment_only=True)
    assert refused.value.field == "court"
    assert "青田县人民法院" in str(refused.value)
    assert e.get(cid) == before
    # Named by its unit id, the committee's court is the same court.
    assert _apply(e, cid, court="qt-fy", payment_only=True).state == "agreed"  # type: ignore[attr-defined]


def test_other_categories_keep_the_general_rule() -> None:
    """A neighbours' agreement goes to the court where a party lives (民诉法 第二百零五条)."""
    e = engine()
    cid = _agreed(e, category="neighbor")
    assert _apply(e, cid, court="丽水市莲都区人民法院").state == "agreed"  # type: ignore[attr-defined]


def test_version_7_did_not_check_it() -> None:
    e = engine()
    cid = _agreed(e, version=7)
    applied = _apply(e, cid, court="北京市朝阳区人民法院")
    assert applied.workflow_version == 7  # type: ignore[attr-defined]


@pytest.mark.parametrize("category", ["labour", "neighbor"])
def test_a_labour_agreement_tells_the_parties_only_payment_is_confirmed(category: str) -> None:
    """The written agreement's 司法确认 clause, for a labour dispute, says what 第五十二条
    allows: an agreement on payment obligations alone, at the committee's basic court. A
    neighbours' agreement keeps the general clause."""
    e = engine()
    cid = _agreed(e, category)
    for form in ("text", "html"):
        text = str(e.render(cid, "mediation_agreement", format=form))
        assert "申请司法确认" in text
        limited = "仅就给付义务达成的，方可向人民调解委员会所在地的基层人民法院申请司法确认"
        assert (limited in text) is (category == "labour")
