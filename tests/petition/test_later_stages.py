"""Petition workflow version 4: the grounds at registration read the earlier petition's
later stages.

- 第三十五条、第三十六条 ("answered": have the opinion reviewed) is not the ground once the
  petitioner did request review: the review is the matter's stage. Within its 30 days the
  matter is pending there (第十九条第三款); past them, the organ above accepts it, as for any
  lapsed period.
- A matter concluded by a mediation or settlement agreement (第三十三条) is not accepted
  again (国家信访局 2014 办法: 已经办结; RULES.md §4.1).

Version 3 replays as recorded: its cases keep the grounds they were registered with (the
recorded-release fixture replays in tests/store).
"""

from __future__ import annotations

from mediation import Engine
from mediation.model import Case
from mediation.rules.petition import Bar, details

from .conftest import CITY, COUNTY, OPINION_DATA, TOWN, at, engine, letter, petitioners


def _review_requested(e: Engine) -> Case:
    """The town's opinion, received 03-20; 复查 requested of the county on 04-03: the county's
    opinion is due 30 days from the request (05-03, a holiday: 05-06)."""
    case = letter(e, "2025-12-15", unit="qt-dm", actor=TOWN)
    e.fire(case.id, "accept", actor=TOWN, at=at("2025-12-18", 10))
    e.fire(case.id, "opine", actor=TOWN, at=at("2026-03-20", 15), **OPINION_DATA)
    return e.fire(case.id, "request_review", actor=COUNTY, at=at("2026-04-03"), reason="不服")


def test_a_review_within_its_period_makes_the_matter_pending_not_answered() -> None:
    e = engine()
    original = _review_requested(e)
    review = e.get(original.links[-1].case_id)
    new = letter(e, "2026-04-20", unit="ls", actor=CITY)
    assert new.workflow_version >= 4
    assert details(new).bar is Bar.pending
    assert details(new).bar_case == review.id


def test_a_review_past_its_period_lets_the_organ_above_accept_the_matter() -> None:
    """The county gave no 复查 opinion by 05-06; the petitioner writes to the city on 05-10.
    Version 3 told them to request the review they had requested ("answered")."""
    e = engine()
    _review_requested(e)
    new = letter(e, "2026-05-10", unit="ls", actor=CITY)
    assert details(new).bar is None
    accepted = e.fire(new.id, "accept", actor=CITY, at=at("2026-05-11", 10))
    assert accepted.state == "accepted"
    assert e.verify(new.id).ok


def test_a_matter_settled_by_agreement_is_not_accepted_again_above() -> None:
    """The town mediated (第三十三条): both sides signed, the matter concluded on 03-10. The
    petitioner writes to the county on 03-20 on the same matter: not accepted, naming the
    town's case."""
    e = engine()
    town = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True))
    town = e.fire(town.id, "accept", actor=TOWN, at=at("2026-03-03", 10))
    ids = [p.id for p in town.parties]
    settled = e.fire(town.id, "settle", actor=TOWN, at=at("2026-03-10"), form="mediation",
                     terms="王五拆除雨棚", signed_by=ids, consents=ids,
                     within_discretion=True)  # fmt: skip
    assert settled.state == "concluded"
    new = letter(e, "2026-03-20", unit="qt", actor=COUNTY, parties=petitioners(respondent=True))
    assert (details(new).bar, details(new).bar_case) == (Bar.concluded, town.id)
    refused = e.fire(new.id, "not_accept", actor=COUNTY, at=at("2026-03-21"))
    assert "第三十三条" in details(refused).refusal.basis  # type: ignore[union-attr]
    assert town.code in (refused.outcome or "")
