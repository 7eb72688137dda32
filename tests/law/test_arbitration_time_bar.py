"""A labour or land-contract claim is barred by its arbitration time bar, not by the
3-year limitation period (dispute workflow version 8).

《劳动争议调解仲裁法》第二十七条 (RULES.md §6.1): 1 year from the day the party knew or
should have known of the infringement; a claim for relief to a mediation body interrupts
it, and it runs anew from then (第二款) — here, as for the limitation period, from the end
of the mediation. 《农村土地承包经营纠纷调解仲裁法》第十八条 (RULES.md §6.2, row 19a): 2
years. Their disputes go to arbitration when mediation fails, so a notice that named the
3-year 诉讼时效 would mislead the claimant. Version 7 counted 3 years and stays so for its
recorded cases.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine
from mediation.rules.dispute.limitation import LIMITATION_RECORD, Limitation

from ._support import actor, at, clocks, engine, register

VILLAGE = "qt-dm-dmc"


def _failed(e: Engine, category: str, known_on: str, version: int | None = None) -> str:
    """A village committee's case registered 09-14, the day of knowledge recorded, and its
    mediation terminated on Mon 2026-10-12: the case id."""
    who = actor(VILLAGE)
    details = {"received_on": "2026-09-14"} if category == "labour" else {}
    case = register(e, VILLAGE, at("2026-09-14"), category=category, details=details)
    if version is not None:
        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=at("2026-09-14", 9))
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track="people", level="village")
    e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11))
    e.fire(case.id, "record_limitation", actor=who, at=at("2026-09-14", 12), known_on=known_on)
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-09-14", 13))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-14", 14), mediators=[who.id])
    e.fire(case.id, "terminate", actor=who, at=at("2026-10-12", 16), reason="双方分歧过大",
           remedies_informed=True)  # fmt: skip
    return case.id


@pytest.mark.parametrize(
    ("category", "period", "due", "named"),
    [
        ("labour", "labour_arbitration_time_bar", "2027-10-12", "劳动争议申请仲裁时效"),
        ("land_contract", "land_arbitration_time_bar", "2028-10-12", "申请仲裁时效"),
        ("neighbor", "limitation_period", "2029-10-12", "诉讼时效"),
    ],
)
def test_the_period_that_runs_anew_is_the_category_s(
    category: str, period: str, due: str, named: str
) -> None:
    e = engine()
    cid = _failed(e, category, "2026-06-01")
    failed = e.get(cid)
    [clock] = clocks(failed, period)
    assert (clock.start.isoformat(), clock.due.isoformat()) == ("2026-10-12", due)
    record = failed.overlays[LIMITATION_RECORD]
    assert isinstance(record, Limitation)
    assert record.period == period
    text = e.render(cid, "termination_notice")
    assert f"申请人的{named}期间因申请调解而中断" in text
    assert e.verify(cid).ok


def test_a_labour_time_bar_run_out_before_the_claim_is_not_revived() -> None:
    """Known on 2025-06-01: the year ran out on Mon 2026-06-01, before the claim of 09-14
    (three years would still run): the notice says the time bar had run out."""
    e = engine()
    cid = _failed(e, "labour", "2025-06-01")
    record = e.get(cid).overlays[LIMITATION_RECORD]
    assert isinstance(record, Limitation)
    assert (record.interrupted, record.expires_on.isoformat()) == (False, "2026-06-01")
    text = e.render(cid, "termination_notice")
    assert "劳动争议申请仲裁时效期间已于2026年6月1日届满" in text
    assert "第二十七条" in text


def test_version_7_counted_three_years() -> None:
    e = engine()
    cid = _failed(e, "labour", "2026-06-01", version=7)
    [clock] = clocks(e.get(cid), "limitation_period")
    assert clock.due.isoformat() == "2029-10-12"
