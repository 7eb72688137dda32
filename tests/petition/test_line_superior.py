"""The organ one level up in a line (条) takes the 复查 asked of it (《信访工作条例》第三十五条):
its staff record the request on the original organ's case, and see that case; the scope
stops at the line — a sister department's cases stay out of reach."""

from __future__ import annotations

import pytest

from mediation import Actor, AuthorizationError, Role

from .conftest import COUNTY, at, engine, letter
from .test_handling import OPINION

CITY_BUREAU = Actor(
    "zjj-staff", {Role.clerk.value, Role.director.value}, "ls-zjj", "市住建局工作人员"
)


def _answered(e, unit: str = "qt-zjj"):  # type: ignore[no-untyped-def]
    case = letter(e, "2026-03-02", unit=unit, actor=COUNTY)
    e.fire(case.id, "accept", actor=COUNTY, at=at("2026-03-03"))
    return e.fire(case.id, "opine", actor=COUNTY, at=at("2026-03-20"), outcome="support",
                  **OPINION)  # fmt: skip


def test_the_line_superior_records_the_review_asked_of_it() -> None:
    e = engine()
    case = _answered(e)
    assert e.get(case.id, actor=CITY_BUREAU).id == case.id
    asked = e.fire(case.id, "request_review", actor=CITY_BUREAU, at=at("2026-03-25"), reason="不服")
    review = e.get(asked.links[-1].case_id)
    assert review.unit == "ls-zjj"
    assert asked.id in [c.id for c in e.find(actor=CITY_BUREAU)]
    assert e.verify(case.id).ok


def test_the_line_superior_does_not_reach_another_department_or_the_government() -> None:
    """The city bureau oversees the county bureau, not the county government's own cases."""
    e = engine()
    case = _answered(e, unit="qt")
    before = e.get(case.id)
    with pytest.raises(AuthorizationError):
        e.fire(case.id, "request_review", actor=CITY_BUREAU, at=at("2026-03-25"), reason="不服")
    assert e.get(case.id) == before
    assert case.id not in [c.id for c in e.find(actor=CITY_BUREAU)]
