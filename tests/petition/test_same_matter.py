"""The same facts and reasons in other words (第三十六条第三款, 第十九条第三款).

The intake finds an earlier petition on the same matter by its fingerprint: the same
petitioners, category and wording. A matter reworded, or raised with a co-petitioner added,
is still the same matter; the clerk who reads it names the earlier petition (``same_as``)
and the organ does not accept it on the ground that petition gives — which the organ could
not do before: it had to route (the petition office) or object (the organ it was sent to).
"""

from __future__ import annotations

import pytest

from mediation import Engine, RuleRejectedError, ValidationError
from mediation.model import Case
from mediation.rules.petition import Bar, details

from .conftest import (
    BUREAU,
    CITY,
    COUNTY,
    OPINION_DATA,
    SUMMARY,
    TOWN,
    at,
    engine,
    letter,
    petitioners,
)

FINALITY = "第三十六条第三款"


def _concluded_after_rereview(e: Engine) -> Case:
    """The town's opinion (03-20), the county's 复查 (04-20), the city's 复核 (05-10): final."""
    case = letter(e, "2025-12-15", unit="qt-dm", actor=TOWN)
    e.fire(case.id, "accept", actor=TOWN, at=at("2025-12-18", 10))
    replied = e.fire(case.id, "opine", actor=TOWN, at=at("2026-03-20", 15), **OPINION_DATA)
    e.fire(replied.id, "request_review", actor=COUNTY, at=at("2026-04-03"), reason="不服")
    review = e.get(e.get(case.id).links[-1].case_id)
    e.fire(review.id, "opine", actor=COUNTY, at=at("2026-04-20"), **OPINION_DATA)
    e.fire(review.id, "request_review", actor=CITY, at=at("2026-04-25"), reason="不服")
    rereview = e.get(e.get(review.id).links[-1].case_id)
    final = e.fire(rereview.id, "opine", actor=CITY, at=at("2026-05-10"), **OPINION_DATA)
    assert final.state == "final"
    return final


REWORDED = SUMMARY.replace("王五", "邻居王五")


def test_a_reworded_matter_after_rereview_is_not_accepted_when_the_clerk_names_it() -> None:
    """The fingerprint misses the reworded letter; the petition office, which may not
    refuse for want of competence, refuses it on 第三十六条第三款 once the clerk names the
    earlier petition, and the refusal records that petition as the intake would have."""
    e = engine()
    final = _concluded_after_rereview(e)
    new = letter(e, "2026-06-01", summary=REWORDED)
    assert details(new).bar is None  # not recognised by wording
    with pytest.raises(RuleRejectedError, match="第二十二条第一款"):
        e.fire(new.id, "not_accept", actor=BUREAU, at=at("2026-06-02"), reason="已复核终结")
    assert e.get(new.id) == new
    data = {"same_as": final.code}
    options = e.available_triggers(new.id, BUREAU, at("2026-06-02"), inputs={"not_accept": data})
    assert {o.trigger: o for o in options}["not_accept"].allowed
    refused = e.fire(new.id, "not_accept", actor=BUREAU, at=at("2026-06-02"), **data)
    assert refused.state == "not_accepted"
    found = details(refused)
    assert (found.bar, found.bar_case, found.bar_code) == (Bar.final, final.id, final.code)
    assert FINALITY in found.refusal.basis  # type: ignore[union-attr]
    assert final.code in (refused.outcome or "")
    assert e.verify(new.id).ok


def test_a_co_petitioner_added_does_not_reopen_a_final_matter() -> None:
    """The city receives the matter again from the petitioner and a neighbour: the
    fingerprint differs; named by its id, the earlier matter bars it."""
    e = engine()
    final = _concluded_after_rereview(e)
    new = letter(e, "2026-06-01", unit="ls", actor=CITY, parties=petitioners(2))
    assert details(new).bar is None
    refused = e.fire(new.id, "not_accept", actor=CITY, at=at("2026-06-02"), same_as=final.id)
    assert refused.state == "not_accepted"
    assert details(refused).bar_case == final.id


def test_an_organ_sent_the_matter_refuses_it_on_the_ground_instead_of_objecting() -> None:
    """The office routed the reworded letter to the town (no ground was seen); the town
    recognises its own matter, concluded after 复核: it refuses it on that ground (before,
    it could only object within 5 working days, or handle it a fourth time)."""
    e = engine()
    final = _concluded_after_rereview(e)
    new = letter(e, "2026-06-01", summary=REWORDED)
    routed = e.fire(new.id, "route", actor=BUREAU, at=at("2026-06-02"), to="qt-dm")
    town = e.get(routed.links[-1].case_id)
    with pytest.raises(RuleRejectedError, match="第二十三条第三款"):
        e.fire(town.id, "not_accept", actor=TOWN, at=at("2026-06-03"), reason="已复核终结",
               guide_to="无")  # fmt: skip
    refused = e.fire(town.id, "not_accept", actor=TOWN, at=at("2026-06-03"), same_as=final.code)
    assert refused.state == "not_accepted"
    assert FINALITY in details(refused).refusal.basis  # type: ignore[union-attr]


def test_a_matter_pending_below_named_by_the_clerk_is_not_accepted_above() -> None:
    """第十九条第三款: the town accepted the matter on 03-03 and is within its 60 days; the
    petitioner writes to the county in other words. Named, the town's case bars it."""
    e = engine()
    town = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    town = e.fire(town.id, "accept", actor=TOWN, at=at("2026-03-03", 10))
    new = letter(e, "2026-03-20", unit="qt", actor=COUNTY, summary=REWORDED)
    assert details(new).bar is None
    refused = e.fire(new.id, "not_accept", actor=COUNTY, at=at("2026-03-21"), same_as=town.code)
    assert "第十九条第三款" in details(refused).refusal.basis  # type: ignore[union-attr]


def test_a_named_petition_that_bars_nothing_is_refused_naming_the_input() -> None:
    """The clerk's naming is checked: an unknown code, this matter's own petition, a matter
    that bars nothing (withdrawn), or a ground the intake already found — each a
    ValidationError on ``same_as``; the petition is left as it was."""
    e = engine()
    old = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN)
    e.fire(old.id, "withdraw", actor=TOWN, at=at("2026-03-03"), reason="信访人撤回")
    new = letter(e, "2026-03-20", unit="qt", actor=COUNTY, summary=REWORDED)
    for named, words in (
        ("（2026）无此号", "no earlier petition"),
        (new.id, "own petition"),
        (old.code, "nothing in it bars"),
    ):
        with pytest.raises(ValidationError, match=words) as err:
            e.fire(new.id, "not_accept", actor=COUNTY, at=at("2026-03-21"), same_as=named)
        assert err.value.field == "same_as"
        assert e.get(new.id) == new
    final = _concluded_after_rereview(e)
    again = letter(e, "2026-06-01", unit="qt", actor=COUNTY)  # same wording: found at intake
    assert details(again).bar is not None
    with pytest.raises(ValidationError, match="found at registration") as err:
        e.fire(again.id, "not_accept", actor=COUNTY, at=at("2026-06-02"), same_as=final.code)
    assert err.value.field == "same_as"


def test_the_named_ground_replays_on_sqlite(tmp_path: object) -> None:
    """The step reads the related cases from the store, logs them, and the refusal replays."""
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    e = engine(spec=f"sqlite:///{tmp_path / 'p.db'}")
    final = _concluded_after_rereview(e)
    new = letter(e, "2026-06-01", summary=REWORDED)
    refused = e.fire(new.id, "not_accept", actor=BUREAU, at=at("2026-06-02"), same_as=final.code)
    assert details(refused).bar_case == final.id
    assert e.verify(new.id).ok
    e.close()
