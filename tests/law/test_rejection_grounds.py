"""A rejection after acceptance on a matter the court should not have accepted (民诉法解释
第三百五十五条第二款: 受理后发现有前款情形的，裁定驳回申请; RULES.md §3).

The court records the ruling with the 第三百五十五条 ground alone; no 第三百五十八条 ground
is asked for. Given both, version 8 keeps both.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, ValidationError
from mediation._demo import MEDIATOR, run
from mediation.rules.policy import Policy

from ._support import at


def _accepted_application() -> tuple[Engine, str]:
    from mediation._demo import ORG as DEMO_ORG

    e = Engine.in_memory(policy=Policy(org=DEMO_ORG), reader=Actor.system())
    case = run(e, stop_before="begin_performance")
    e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09", 10),
           court="青田县人民法院", joint=True)  # fmt: skip
    e.fire(case.id, "court_accepts", actor=MEDIATOR, at=at("2026-03-10", 10))
    return e, case.id


def _grounds(e: Engine, case_id: str) -> str:
    confirmation = e.get(case_id).details.confirmation  # type: ignore[attr-defined]
    return str(confirmation.grounds)


def test_an_excluded_matter_found_after_acceptance_is_ground_enough() -> None:
    e, cid = _accepted_application()
    ruled = e.fire(cid, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9),
                   ruling="rejected", exclusion="property_title")  # fmt: skip
    assert ruled.details.confirmation.ruling == "rejected"  # type: ignore[attr-defined]
    assert _grounds(e, cid) == "调解协议内容涉及物权、知识产权确权"
    assert e.verify(cid).ok


def test_a_rejection_names_some_ground() -> None:
    e, cid = _accepted_application()
    before = e.get(cid)
    with pytest.raises(ValidationError, match="第三百五十八条") as refused:
        e.fire(cid, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9), ruling="rejected")
    assert refused.value.field == "rejection"
    assert e.get(cid) == before


def test_both_grounds_are_kept() -> None:
    e, cid = _accepted_application()
    e.fire(cid, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9), ruling="rejected",
           rejection="unclear", exclusion="property_title")  # fmt: skip
    assert _grounds(e, cid) == "内容不明确；调解协议内容涉及物权、知识产权确权"
