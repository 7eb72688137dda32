"""Petition workflow version 5: a review the petitioner dropped leaves the matter answered
(《信访工作条例》第三十五条、第三十六条); a diversion names an organ that runs the procedure
(第三十一条第一至五项).

The town gave its opinion; the petitioner asked the county for 复查 and then withdrew the
request. The town's opinion stands: a new petition on the same matter is told it was
answered (and where a review lies), not handled anew with a fresh 60 days. Version 4 took
the withdrawn review for the matter's pending stage and, with nothing pending, accepted it.
"""

from __future__ import annotations

import pytest

from mediation import Case, Engine, RuleRejectedError, ValidationError
from mediation.rules.petition import Bar, details

from .conftest import (
    BUREAU,
    CITY,
    COUNTY,
    OPINION_DATA,
    TOWN,
    at,
    engine,
    letter,
    petitioners,
    visit,
)


def _review_withdrawn(e: Engine) -> tuple[Case, Case]:
    """The town's opinion of 03-20; 复查 requested of the county on 04-03, withdrawn 04-08."""
    case = letter(e, "2025-12-15", unit="qt-dm", actor=TOWN)
    e.fire(case.id, "accept", actor=TOWN, at=at("2025-12-18", 10))
    e.fire(case.id, "opine", actor=TOWN, at=at("2026-03-20", 15), **OPINION_DATA)
    asked = e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-04-03"), reason="不服")
    review = e.fire(asked.links[-1].case_id, "withdraw", actor=COUNTY, at=at("2026-04-08"),
                    reason="信访人撤回复查请求")  # fmt: skip
    return e.get(case.id), review


def test_a_new_petition_on_a_matter_whose_review_was_withdrawn_is_answered() -> None:
    e = engine()
    original, review = _review_withdrawn(e)
    assert review.state == "withdrawn"
    new = letter(e, "2026-06-01", unit="qt-dm", actor=TOWN)
    assert new.workflow_version >= 5
    assert details(new).bar is Bar.answered
    assert details(new).bar_case in (original.id, review.id)


def _rereview_asked(e: Engine) -> str:
    """The town's opinion of 03-20; 复查 asked of the county (04-03) and answered (04-28);
    复核 asked of the city on 05-06: the 复核 case's id."""
    case = letter(e, "2025-12-15", unit="qt-dm", actor=TOWN)
    e.fire(case.id, "accept", actor=TOWN, at=at("2025-12-18", 10))
    e.fire(case.id, "opine", actor=TOWN, at=at("2026-03-20", 15), **OPINION_DATA)
    asked = e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-04-03"), reason="不服")
    review = e.fire(asked.links[-1].case_id, "opine", actor=COUNTY, at=at("2026-04-28"),
                    **OPINION_DATA)  # fmt: skip
    again = e.fire(review.id, "request_review", actor=CITY, at=at("2026-05-06"), reason="不服复查")
    return again.links[-1].case_id


def test_a_withdrawn_rereview_leaves_the_review_opinion_standing() -> None:
    """复查 answered by the county (04-28); 复核 asked of the city (05-06) and withdrawn
    (05-08): a new petition at the town, the county or the city is told it was answered."""
    e = engine()
    e.fire(_rereview_asked(e), "withdraw", actor=CITY, at=at("2026-05-08"),
           reason="信访人撤回复核请求")  # fmt: skip
    for unit, who in (("qt-dm", TOWN), ("qt", COUNTY), ("ls", CITY)):
        new = letter(e, "2026-07-01", unit=unit, actor=who)
        assert details(new).bar is Bar.answered, unit


@pytest.mark.parametrize(
    ("route", "wrong", "right"),
    [
        ("litigation", "qt-zjj", "qt-fy"),
        ("arbitration", "qt-fy", "qt-ldzc"),
        ("administrative", "qt-fy", "qt"),
    ],
)
def test_a_diversion_names_an_organ_that_runs_the_procedure(
    route: str, wrong: str, right: str
) -> None:
    """第三十一条第一至四项 (petition workflow version 5): a suit goes to a court, arbitration
    to an arbitration commission, reconsideration to an administrative organ; a unit named
    that runs none of it is refused, naming the field, and the case is left as it was."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    before = e.get(case.id)
    with pytest.raises(ValidationError) as refused:
        e.fire(case.id, "divert", actor=TOWN, at=at("2026-03-03"), route=route, where="有关机关",
               to_unit=wrong, told=True)  # fmt: skip
    assert refused.value.field == "to_unit"
    assert "第三十一条" in str(refused.value)
    assert e.get(case.id) == before
    diverted = e.fire(case.id, "divert", actor=TOWN, at=at("2026-03-03"), route=route,
                      where="有关机关", to_unit=right, told=True)  # fmt: skip
    assert diverted.state == "diverted"


def test_a_matter_ended_by_rereview_is_not_diverted_either() -> None:
    """第三十六条第三款: raised again after 复核 on the same facts and reasons, the matter is
    not taken up again — neither accepted nor sent along a legal route; not_accept."""
    e = engine()
    e.fire(_rereview_asked(e), "opine", actor=CITY, at=at("2026-05-25"), **OPINION_DATA)
    new = letter(e, "2026-06-01", unit="ls", actor=CITY)
    assert details(new).bar is Bar.final
    before = e.get(new.id)
    with pytest.raises(RuleRejectedError, match="不再受理"):
        e.fire(new.id, "divert", actor=CITY, at=at("2026-06-02"), route="litigation",
               where="青田县人民法院", told=True)  # fmt: skip
    assert e.get(new.id) == before
    assert e.fire(new.id, "not_accept", actor=CITY, at=at("2026-06-02")).state == "not_accepted"


def test_a_visit_about_a_committee_s_matter_counts_the_organ_above_it() -> None:
    """第二十条第一款 ("本级或者上一级机关"): a village committee is no organ; the town
    government is the competent organ's level, and the county one level above it — a visit
    there is not skip-level. The city is two above: skip-level."""
    e = engine()
    county = visit(e, "2026-03-02", "qt-xfj", BUREAU, details={"competent": "qt-dm-01"})
    assert details(county).bar is None
    city = visit(e, "2026-03-02", "ls", CITY, details={"competent": "qt-dm-01"},
                 parties=petitioners(2))  # fmt: skip
    assert details(city).bar is Bar.skip_level
