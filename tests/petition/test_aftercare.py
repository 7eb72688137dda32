"""Work after a matter is finally closed (《信访工作条例》第三十七条第三款): 教育疏导、矛盾化解、
帮扶救助 go on for a matter closed by 复核 and for a 涉法涉诉 matter concluded under the law,
recorded on the closed case without reopening it."""

from __future__ import annotations

import pytest

from mediation import Engine, RuleRejectedError, ValidationError
from mediation.rules.petition_aftercare import Aftercare, AftercareKind

from .conftest import CITY, COUNTY, OPINION_DATA, TOWN, at, engine, letter, petitioners


def final(e: Engine) -> str:
    """A matter handled by the town, reviewed by the county, re-reviewed by the city (终结)."""
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True))
    e.fire(case.id, "accept", actor=TOWN, at=at("2026-03-03", 10))
    e.fire(case.id, "opine", actor=TOWN, at=at("2026-03-20", 15), **OPINION_DATA)
    case = e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-03-25"), reason="不服")
    review = case.links[-1].case_id
    e.fire(review, "opine", actor=COUNTY, at=at("2026-04-10"), **OPINION_DATA)
    case = e.fire(review, "request_review", actor=CITY, at=at("2026-04-15"), reason="不服")
    rereview = case.links[-1].case_id
    return e.fire(rereview, "opine", actor=CITY, at=at("2026-05-06"), **OPINION_DATA).id


def test_relief_is_recorded_on_a_matter_closed_by_rereview_without_reopening_it() -> None:
    """第三十七条第三款: after 复核终结 the city records 帮扶救助 for the petitioner; the case
    stays final, runs no clock, and its log verifies."""
    e = engine()
    cid = final(e)
    before = e.get(cid)
    assert before.state == "final"
    case = e.fire(cid, "record_aftercare", actor=CITY, at=at("2026-05-20"), kind="relief",
                  measures="协调民政部门为张三办理临时救助", parties=["p1"])  # fmt: skip
    assert (case.state, case.open_deadlines) == ("final", ())
    held = case.overlays.get("aftercare")
    assert isinstance(held, Aftercare)
    (record,) = held.records
    assert (record.kind, record.measures, record.parties, record.actor) == (
        AftercareKind.relief,
        "协调民政部门为张三办理临时救助",
        ("p1",),
        CITY.id,
    )
    case = e.fire(cid, "record_aftercare", actor=CITY, at=at("2026-06-01"), kind="guidance",
                  measures="约谈张三，释法明理")  # fmt: skip
    assert [r.kind.value for r in case.overlays.get("aftercare").records] == ["relief", "guidance"]
    assert e.verify(cid).ok
    with pytest.raises(ValidationError) as err:
        e.fire(cid, "record_aftercare", actor=CITY, at=at("2026-06-02"), kind="relief",
               measures="x", parties=["p7"])  # fmt: skip
    assert err.value.field == "parties[0]"


def test_a_matter_still_being_handled_is_handled_not_cared_for_after() -> None:
    """An accepted matter goes on under the law (handling, opinion, review): the step is
    refused, citing 第三十七条第三款, and the case is left as it was."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    case = e.fire(case.id, "accept", actor=TOWN, at=at("2026-03-03", 10))
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "record_aftercare", actor=TOWN, at=at("2026-03-05"), kind="relief",
               measures="临时救助")  # fmt: skip
    assert err.value.basis == "《信访工作条例》第三十七条第三款"
    assert e.get(case.id) == case


@pytest.mark.parametrize(("route", "allowed"), [("litigation", True), ("arbitration", False)])
def test_a_litigation_matter_once_concluded_under_the_law(route: str, allowed: bool) -> None:
    """依法终结的涉法涉诉信访事项: a matter diverted into litigation qualifies once the organ
    records that the legal procedure has concluded; an arbitration diversion is not a
    涉法涉诉 matter the paragraph names."""
    e = engine()
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    case = e.fire(case.id, "divert", actor=TOWN, at=at("2026-03-03"), route=route,
                  where="青田县人民法院", told=True)  # fmt: skip
    if not allowed:
        with pytest.raises(RuleRejectedError):
            e.fire(case.id, "record_aftercare", actor=TOWN, at=at("2026-09-01"),
                   kind="resolution", measures="组织双方座谈", procedure_concluded=True)  # fmt: skip
        return
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "record_aftercare", actor=TOWN, at=at("2026-09-01"), kind="resolution",
               measures="组织双方座谈")  # fmt: skip
    assert err.value.field == "procedure_concluded"
    case = e.fire(case.id, "record_aftercare", actor=TOWN, at=at("2026-09-01"),
                  kind="resolution", measures="组织双方座谈", procedure_concluded=True)  # fmt: skip
    assert case.state == "diverted"
    assert e.verify(case.id).ok
