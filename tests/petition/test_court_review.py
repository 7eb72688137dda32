"""A people's court's petition is reviewed by the court above it (《信访工作条例》第三十五条:
复查 by the organ one level above the original handler; the 条例 binds courts, RULES.md
§4.3), not by the government where the court sits (petition workflow version 7).
"""

from __future__ import annotations

import attrs
import pytest

from mediation import Actor, Engine, RuleRejectedError, Unit, ValidationError
from mediation.rules.org import OrgTree

from .conftest import OPINION_DATA, ORG, at, letter, policy

COURT = Actor("fy", {"clerk", "director"}, "qt-fy", "县法院")
SUPERIOR = Unit("ls-zy", "丽水市中级人民法院", "city", "ls", "丽中法", kind="court")


def _engine(*, superior: bool) -> Engine:
    """The example org; with ``superior``, the county court under the city's intermediate
    court (its line parent)."""
    units = list(ORG.units)
    if superior:
        court = next(u for u in units if u.id == "qt-fy")
        units = [u for u in units if u is not court]
        units += [attrs.evolve(court, line_parent=SUPERIOR.id), SUPERIOR]
    pol = attrs.evolve(policy(), org=OrgTree(units))
    return Engine.in_memory(policy=pol, reader=Actor.system())


def _answered(e: Engine) -> str:
    """The court took a letter on its canteen's fumes (a matter of its own, not a suit) and
    answered it on 20 March."""
    case = letter(e, "2026-03-02", "qt-fy", COURT, summary="法院食堂油烟扰民")
    e.fire(case.id, "accept", actor=COURT, at=at("2026-03-03"))
    e.fire(case.id, "opine", actor=COURT, at=at("2026-03-20"), **OPINION_DATA)
    return case.id


def test_a_court_s_review_goes_to_the_court_above() -> None:
    e = _engine(superior=True)
    cid = _answered(e)
    assert "向丽水市中级人民法院请求复查" in str(e.render(cid, "petition_handling_opinion"))
    with pytest.raises(ValidationError, match="上一级人民法院") as wrong:
        e.fire(cid, "request_review", actor=COURT, at=at("2026-03-25"), reason="不服",
               reviewer="qt")  # fmt: skip
    assert wrong.value.field == "reviewer"
    asked = e.fire(cid, "request_review", actor=COURT, at=at("2026-03-25"), reason="不服")
    review = e.get(asked.links[-1].case_id)
    assert review.unit == "ls-zy"
    assert e.verify(cid).ok


def test_with_no_court_above_in_the_org_the_review_is_refused_not_sent_to_the_government() -> None:
    e = _engine(superior=False)
    cid = _answered(e)
    assert "向上一级人民法院请求复查" in str(e.render(cid, "petition_handling_opinion"))
    before = e.get(cid)
    with pytest.raises(RuleRejectedError, match="上一级人民法院"):
        e.fire(cid, "request_review", actor=COURT, at=at("2026-03-25"), reason="不服")
    assert e.get(cid) == before


def test_version_6_sent_it_to_the_county_government() -> None:
    e = _engine(superior=False)
    case = letter(e, "2026-03-02", "qt-fy", COURT, summary="法院食堂油烟扰民")
    e.migrate_case(case.id, to_version=6, actor=Actor.system(), at=at("2026-03-02", 10))
    e.fire(case.id, "accept", actor=COURT, at=at("2026-03-03"))
    e.fire(case.id, "opine", actor=COURT, at=at("2026-03-20"), **OPINION_DATA)
    asked = e.fire(case.id, "request_review", actor=COURT, at=at("2026-03-25"), reason="不服")
    assert e.get(asked.links[-1].case_id).unit == "qt"
    assert e.verify(case.id).ok
