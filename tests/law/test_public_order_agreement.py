"""The 治安调解协议书 (《公安机关办理行政案件程序规定》第一百八十四条, RULES.md §6.5).

- Made under the police's presiding, signed by both parties: it takes effect on their
  signatures — no committee mediator's signature, no committee's seal (dispute workflow
  version 7; before, the case waited in ``agreed`` for a seal a police station does not
  have, and its 30-day case-handling period ran on).
- It states the organ, the presiding officer, the parties and others present, the facts,
  the terms, the time limit and manner of performance: the document that prints it asks
  for those, as the step that recorded it did — not the people's mediation rules' place of
  performance, disputed matters and responsibilities.
- It is not a people's mediation agreement: 司法确认 is refused as such
  (《人民调解法》第三十三条), not as a window "run out" that never opened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mediation import Engine, RuleRejectedError
from mediation._demo import agreement
from mediation.model import Case, DeadlineStatus

from ..helpers import signed_by_all
from ._support import actor, at, clock, engine, register

POLICE = actor("qt-pcs")


def _mediating(e: Engine, version: int | None = None) -> Case:
    case = register(e, "qt-pcs", at("2026-03-02"), category="public_order",
                    channel="police_110")  # fmt: skip
    if version is not None:
        from mediation import Actor

        e.migrate_case(case.id, to_version=version, actor=Actor.system(), at=at("2026-03-02", 9))
    e.fire(case.id, "triage", actor=POLICE, at=at("2026-03-02", 10), track="administrative")
    e.fire(case.id, "accept", actor=POLICE, at=at("2026-03-02", 11), act="assault",
           ground="trifles")  # fmt: skip
    return e.fire(case.id, "start_mediation", actor=POLICE, at=at("2026-03-04", 9),
                  mediators=["民警甲"])  # fmt: skip


def _by_the_parties(case: Case, when: dt.datetime) -> dict[str, Any]:
    terms = agreement("2026-03-31")
    terms["signatures"] = [
        {"party": p.id, "capacity": "party", "signed_at": when} for p in case.principals
    ]
    return terms


def test_signed_by_both_parties_it_takes_effect_and_the_police_case_is_disposed_of() -> None:
    e = engine()
    case = _mediating(e)
    agreed = e.fire(case.id, "agree", actor=POLICE, at=at("2026-03-04", 11),
                    agreement=_by_the_parties(case, at("2026-03-04", 11)))  # fmt: skip
    # 《治安管理处罚法》第九条: an agreement in effect, no penalty: the handling period is met.
    assert clock(agreed, "public_security_handling").status is DeadlineStatus.met
    assert [d for d in agreed.deadlines if d.period == "agreement_signing" and d.is_open] == []
    performing = e.fire(case.id, "begin_performance", actor=POLICE, at=at("2026-03-05"))
    assert performing.state == "performing"


def test_one_party_not_signed_it_binds_no_one_and_says_whose_signature_is_missing() -> None:
    e = engine()
    case = _mediating(e)
    terms = _by_the_parties(case, at("2026-03-04", 11))
    terms["signatures"] = terms["signatures"][:1]
    e.fire(case.id, "agree", actor=POLICE, at=at("2026-03-04", 11), agreement=terms)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(case.id, "begin_performance", actor=POLICE, at=at("2026-03-05"))
    assert "第一百八十四条" in refused.value.basis
    assert "调解委员会盖章" not in str(refused.value)
    assert "调解员签名" not in str(refused.value)


def test_version_6_waited_for_a_committee_s_seal() -> None:
    """The defect version 7 mends, kept for the cases recorded on version 6."""
    e = engine()
    case = _mediating(e, version=6)
    agreed = e.fire(case.id, "agree", actor=POLICE, at=at("2026-03-04", 11),
                    agreement=_by_the_parties(case, at("2026-03-04", 11)))  # fmt: skip
    assert clock(agreed, "public_security_handling").status is DeadlineStatus.running
    with pytest.raises(RuleRejectedError, match="调解委员会盖章"):
        e.fire(case.id, "begin_performance", actor=POLICE, at=at("2026-03-05"))


def test_the_document_asks_for_the_police_form_s_items_and_prints_its_effect() -> None:
    """An agreement without a place of performance, disputed matters or responsibilities
    (items the 程序规定 does not name) is recorded and printed; its effect clause is the
    police form's, not a court delegation's."""
    e = engine()
    case = _mediating(e)
    terms = _by_the_parties(case, at("2026-03-04", 11))
    for item in ("disputed_matters", "responsibilities", "performance_place"):
        terms[item] = ""
    e.fire(case.id, "agree", actor=POLICE, at=at("2026-03-04", 11), agreement=terms)
    text = e.render(case.id, "mediation_agreement")
    assert isinstance(text, str)
    assert "治安调解协议书" in text
    assert "第一百八十四条" in text
    assert "委派" not in text
    assert "已生效" in text or "生效" in text


def test_the_people_s_mediation_items_are_still_asked_of_a_committee_s_agreement() -> None:
    """A committee's agreement without them is refused by the step, as before."""
    e = engine()
    village = actor("qt-dm-dmc")
    case = register(e, "qt-dm-dmc", at("2026-03-02"))
    e.fire(case.id, "triage", actor=village, at=at("2026-03-02", 10), track="people")
    e.fire(case.id, "accept", actor=village, at=at("2026-03-02", 11))
    e.fire(case.id, "inform_rights", actor=village, at=at("2026-03-02", 12))
    e.fire(case.id, "start_mediation", actor=village, at=at("2026-03-02", 14), mediators=["m"])
    terms = agreement("2026-03-31")
    terms["performance_place"] = ""
    terms["signatures"] = signed_by_all(e.get(case.id), at("2026-03-04"), "m", "东门村调委会")
    with pytest.raises(RuleRejectedError, match="履行的地点"):
        e.fire(case.id, "agree", actor=village, at=at("2026-03-04"), agreement=terms)


def test_judicial_confirmation_of_a_police_agreement_is_refused_as_such() -> None:
    e = engine()
    case = _mediating(e)
    e.fire(case.id, "agree", actor=POLICE, at=at("2026-03-04", 11),
           agreement=_by_the_parties(case, at("2026-03-04", 11)))  # fmt: skip
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(case.id, "apply_confirmation", actor=POLICE, at=at("2026-03-06"),
               court="青田县人民法院", joint=True)  # fmt: skip
    assert "不是人民调解协议" in str(refused.value)
    assert "届满" not in str(refused.value)
    assert "第三十三条" in refused.value.basis
    assert e.get(case.id) == before
