"""What a callback visit finds is acted on (《人民调解法》第三十一条第二款; 2002 规定
第三十七条; RULES.md §7.5; dispute workflow version 8).

The committee supervises the agreement's performance; a visit that finds it not performed
records what was done about it — urging performance, mediating again, or telling the
parties their remedies — and the visit is to a party of the case. Version 7 took any name
as the person visited and recorded a finding of non-performance with nothing done.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, ValidationError
from mediation._demo import MEDIATOR, run
from mediation.rules.policy import Policy

from ._support import at


def _demo() -> Engine:
    from mediation._demo import ORG as DEMO_ORG

    return Engine.in_memory(policy=Policy(org=DEMO_ORG), reader=Actor.system())


def _visit(e: Engine, case_id: str, **given: object) -> object:
    return e.fire(case_id, "record_callback", actor=MEDIATOR, at=at("2026-04-01"),
                  visitor="陈调解", **given)  # fmt: skip


def test_a_visit_finding_the_agreement_unperformed_records_the_measures() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    before = e.get(case.id)
    with pytest.raises(ValidationError, match="第三十七条") as refused:
        _visit(e, case.id, party="张三", finding="not_performed")
    assert refused.value.field == "measures"
    assert e.get(case.id) == before
    _visit(e, case.id, party="张三", finding="not_performed", measures="督促王五于4月10日前付清")
    [visit] = e.get(case.id).details.visits  # type: ignore[attr-defined]
    assert (visit.performance, visit.measures) == ("未履行", "督促王五于4月10日前付清")
    assert e.verify(case.id).ok


def test_the_person_visited_is_a_party_named_by_name_or_id() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    before = e.get(case.id)
    with pytest.raises(ValidationError, match="本案当事人") as refused:
        _visit(e, case.id, party="赵六")
    assert refused.value.field == "party"
    assert e.get(case.id) == before
    _visit(e, case.id, party=case.parties[1].id, finding="performed")
    [visit] = e.get(case.id).details.visits  # type: ignore[attr-defined]
    assert visit.performance == "已履行"


def test_version_7_took_them() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    e.migrate_case(case.id, to_version=7, actor=Actor.system(), at=at("2026-03-31"))
    _visit(e, case.id, party="赵六", finding="not_performed")
    assert e.get(case.id).workflow_version == 7
