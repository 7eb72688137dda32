"""What a callback visit finds is acted on (《人民调解法》第三十一条第二款; 2002 规定
第三十七条; RULES.md §7.5; dispute workflow version 8).

The committee supervises the agreement's performance; a visit that finds it not performed
records what was done about it — urging performance, mediating again, or telling the
parties their remedies — and the visit is to a party of the case. Version 7 took any name
as the person visited and recorded a finding of non-performance with nothing done.

From version 10 the visit also records whom it reached and, the case having an agreement,
how the agreement stands (the callback record's items, RULES.md §7.5): version 9 counted a
visit naming only its visitor toward closing the file.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, RuleRejectedError, ValidationError
from mediation._demo import DIRECTOR, MEDIATOR, run
from mediation.rules.policy import Policy

from ._support import at


def _demo() -> Engine:
    from mediation._demo import ORG as DEMO_ORG

    return Engine.in_memory(policy=Policy(org=DEMO_ORG), reader=Actor.system())


def _visit(e: Engine, case_id: str, **given: object) -> object:
    return e.fire(case_id, "record_callback", actor=MEDIATOR, at=at("2026-04-01"),
                  visitor="陈调解", **given)  # fmt: skip


def _refused(e: Engine, case_id: str, field: str, match: str, **given: object) -> ValidationError:
    """The visit ``given`` is refused on ``field`` (message matching ``match``), the case
    left as it was."""
    before = e.get(case_id)
    with pytest.raises(ValidationError, match=match) as refused:
        _visit(e, case_id, **given)
    assert refused.value.field == field
    assert e.get(case_id) == before
    return refused.value


def test_a_visit_finding_the_agreement_unperformed_records_the_measures() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    _refused(e, case.id, "measures", "第三十七条", party="张三", finding="not_performed")
    _visit(e, case.id, party="张三", finding="not_performed", measures="督促王五于4月10日前付清")
    [visit] = e.get(case.id).details.visits  # type: ignore[attr-defined]
    assert (visit.performance, visit.measures) == ("未履行", "督促王五于4月10日前付清")
    assert e.verify(case.id).ok


def test_the_person_visited_is_a_party_named_by_name_or_id() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    _refused(e, case.id, "party", "本案当事人", party="赵六")
    _visit(e, case.id, party=case.parties[1].id, finding="performed")
    [visit] = e.get(case.id).details.visits  # type: ignore[attr-defined]
    assert visit.performance == "已履行"


def test_version_7_took_them() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    e.migrate_case(case.id, to_version=7, actor=Actor.system(), at=at("2026-03-31"))
    _visit(e, case.id, party="赵六", finding="not_performed")
    assert e.get(case.id).workflow_version == 7


def test_a_visit_names_the_party_it_reached() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    assert case.workflow_version >= 10
    for blank in ("", "  "):
        refused = _refused(e, case.id, "party", "被回访的当事人", party=blank, finding="performed")
        assert "第三十一条" in str(refused)
    with pytest.raises(RuleRejectedError, match="已回访0次"):
        e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-04-01", 10))


def test_a_visit_on_an_agreement_says_how_it_stands() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    _refused(e, case.id, "finding", "履行情况", party="张三", performance="  ")
    _visit(e, case.id, party="张三", performance="维修费已付清")
    _visit(e, case.id, party="王五", finding="performed")
    visits = e.get(case.id).details.visits  # type: ignore[attr-defined]
    assert [(v.party, v.performance) for v in visits] == [
        ("张三", "维修费已付清"),
        ("王五", "已履行"),
    ]
    closed = e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-04-01", 10))
    assert closed.state == "closed"
    assert e.verify(case.id).ok


def test_a_visit_after_a_failed_mediation_has_no_performance_to_report() -> None:
    """No agreement was reached: the visit records the party and the rest, not a finding."""
    e = _demo()
    case = run(e, stop_before="agree")
    e.fire(case.id, "terminate", actor=MEDIATOR, at=at("2026-03-06", 9),
           reason="分歧过大", remedies_informed=True)  # fmt: skip
    e.fire(case.id, "start_callback", actor=MEDIATOR, at=at("2026-03-20"))
    with pytest.raises(ValidationError) as refused:
        _visit(e, case.id)
    assert refused.value.field == "party"
    _visit(e, case.id, party="张三", recurrence="无反复")
    [visit] = e.get(case.id).details.visits  # type: ignore[attr-defined]
    assert (visit.party, visit.performance, visit.recurrence) == ("张三", "", "无反复")


def test_version_9_took_a_visit_naming_only_its_visitor() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    e.migrate_case(case.id, to_version=9, actor=Actor.system(), at=at("2026-03-31"))
    _visit(e, case.id)
    case = e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-04-01", 10))
    assert (case.state, case.workflow_version) == ("closed", 9)
    assert e.verify(case.id).ok
