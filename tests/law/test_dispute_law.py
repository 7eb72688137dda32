"""The dispute workflow to the letter of the law (issue 9 §2–§5): scenario tests and properties.

Dates are worked out by hand from RULES.md §5 and the 2026 notice (§8.3): 清明
2026-04-04 (Sat)–04-06 (Mon); 劳动节 05-01–05-05, make-up Sat 05-09; 国庆
10-01–10-07, make-up Sun 09-20 and Sat 10-10. The start day is never counted
(民法典 第二百零一条); a last day on a rest day rolls to the next day after the rest
(第二百零三条).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import Party, RuleRejectedError, TransitionNotAllowedError, ValidationError
from mediation.model import ClockKind, DeadlineStatus
from mediation.rules.dispute import effective, remedies

from ..conftest import make_engine
from ..helpers import (
    CLERK,
    DIRECTOR,
    MEDIATOR,
    SIGNATURES,
    agreement,
    at,
    hard_limits,
    intake,
    to_state,
)
from ._support import clock, clocks, day


def _engine(**kw: Any) -> Any:
    return make_engine("memory", **kw)


def _sign(e: Any, case_id: str, when: dt.datetime, signed: dt.datetime | None = None) -> Any:
    case = None
    for trigger, who, _, data in SIGNATURES:
        case = e.fire(case_id, trigger, actor=who, at=when, **{**data, "signed_at": signed or when})
    return case


# -- §2 clocks at the right moment, on the right party ------------------------------------


def test_the_confirmation_window_is_the_parties_period_never_the_committees_breach() -> None:
    """Effective Fri 2026-03-06 (last signature and seal): 30 days → Sun 04-05, inside 清明
    (04-04–06) → Tue 2026-04-07 (《人民调解法》第三十三条). It is a party period: not in the
    committee's overdue list, not supervised, it lapses; ``due(kinds=party)`` reminds."""
    e = _engine()
    case = to_state(e, intake(e).id, "performing")
    window = clock(case, "judicial_confirmation_apply")
    assert (window.start, window.due, window.kind) == (
        day("2026-03-06"),
        day("2026-04-07"),
        ClockKind.party,
    )
    late = at("2026-04-20")
    assert not [i for i in e.due(at=late) if i.deadline.period == window.period]
    assert [i for i in e.due(at=late, kinds=["party"]) if i.deadline.period == window.period]
    events = e.supervise(at=late)
    assert all(ev.data.get("deadline") != window.id for ev in events)
    case = e.fire(case.id, "confirm_performed", actor=MEDIATOR, at=at("2026-04-20", 10))
    assert clock(case, "judicial_confirmation_apply").status is not DeadlineStatus.breached


def test_a_remediated_agreement_opens_its_own_confirmation_window() -> None:
    """2002 规定 第三十七条: not performed → re-mediated on 03-24; the old agreement binds
    until a new one changes it, so its window runs on (《人民调解法》第三十一条、第三十三条),
    and the new agreement cancels it (not breached, not lapsed). The new agreement is signed
    Thu 03-26: 30 days → Sat 04-25 (a rest day; no make-up that day) → Mon 2026-04-27."""
    e = _engine()
    case = to_state(e, intake(e).id, "performing")
    e.fire(case.id, "report_not_performed", actor=MEDIATOR, at=at("2026-03-23"))
    case = e.fire(
        case.id,
        "remediate",
        actor=MEDIATOR,
        at=at("2026-03-24"),
        reason="变更履行方式",
        consent=True,
    )
    old = clocks(case, "judicial_confirmation_apply")
    assert [d.status for d in old] == [DeadlineStatus.running]
    e.fire(case.id, "agree", actor=MEDIATOR, at=at("2026-03-25"), agreement=agreement("2026-04-10"))
    case = _sign(e, case.id, at("2026-03-26"))
    windows = clocks(case, "judicial_confirmation_apply")
    assert len(windows) == 2
    assert windows[0].status is DeadlineStatus.cancelled
    assert windows[-1].is_open
    assert (windows[-1].start, windows[-1].due) == (day("2026-03-26"), day("2026-04-27"))
    assert len(case.details.superseded) == 1  # type: ignore[union-attr]


def test_the_callback_clock_is_met_by_the_visit_not_by_closing() -> None:
    """The agreement is to be performed by Fri 2026-03-20: the callback is scheduled from that
    date when the agreement takes effect (人民调解法 第三十一条第二款, RULES.md §7.5; dispute
    v4), 15 days → Sat 04-04, in the 清明 break to Mon 04-06 → Tue 04-07; performance
    confirmed early (03-18) keeps it. The visit of 03-30 meets it then; closing on 03-31
    does not touch it."""
    e = _engine()
    case = to_state(e, intake(e).id, "callback")
    callback = clock(case, "callback_visit")
    assert (callback.start, callback.due) == (day("2026-03-20"), day("2026-04-07"))
    case = e.fire(
        case.id,
        "record_callback",
        actor=MEDIATOR,
        at=at("2026-03-30", 10),
        visitor="陈调解",
        party="p1",
        finding="performed",
    )
    met = clock(case, "callback_visit")
    assert met.status is DeadlineStatus.met
    assert met.closed_at == at("2026-03-30", 10)
    case = e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-31"))
    assert clock(case, "callback_visit").closed_at == at("2026-03-30", 10)


def test_an_agreement_nobody_reports_on_comes_due_for_its_callback() -> None:
    """人民调解法 第三十一条第二款: the committee supervises performance. Performance due
    03-20 and nothing reported: the callback is owed from 03-20 and shows in ``due`` once
    past its last day (04-07), on the case still 履行中."""
    e = _engine()
    case = to_state(e, intake(e).id, "performing")
    assert case.state == "performing"
    owed = clock(case, "callback_visit")
    assert (owed.start, owed.due, owed.is_open) == (day("2026-03-20"), day("2026-04-07"), True)
    assert not [i for i in e.due(at=at("2026-04-07")) if i.deadline.id == owed.id]
    assert [i for i in e.due(at=at("2026-04-08")) if i.deadline.id == owed.id]


def test_a_case_without_the_required_visit_closes_only_with_a_reason_and_not_as_met() -> None:
    """《人民调解法》第三十一条第二款: one visit by default; without it closure needs a reason,
    and the callback clock is not counted as met."""
    e = _engine()
    case = to_state(e, intake(e).id, "callback")
    with pytest.raises(RuleRejectedError):
        e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-31"))
    case = e.fire(
        case.id, "close", actor=DIRECTOR, at=at("2026-03-31"), no_visit_reason="当事人外出务工"
    )
    assert clock(case, "callback_visit").status is not DeadlineStatus.met
    assert case.details.closed_without_visit == "当事人外出务工"  # type: ignore[union-attr]


def test_a_soft_target_warns_but_is_not_supervised_unless_the_locality_makes_it_hard() -> None:
    """Registered Tue 2026-09-29: acceptance decision within 3 working days (practice) →
    09-30 (1), [国庆], 10-08 (2), 10-09 (3) → Fri 2026-10-09. On 10-12 it is overdue as a target
    (一般…, not hard) and ``supervise`` escalates nothing; a county that makes it hard gets a
    duty clock that is supervised."""
    soft = _engine()
    case = intake(soft, when=at("2026-09-29"))
    assert clock(case, "dispute_acceptance").due == day("2026-10-09")
    items = [i for i in soft.due(at=at("2026-10-12")) if i.case_id == case.id]
    assert [(i.kind, i.hard) for i in items] == [(ClockKind.target, False)]
    assert soft.supervise(at=at("2026-10-12")) == []
    hard = _engine(policy=hard_limits())
    case = intake(hard, when=at("2026-09-29"))
    items = [i for i in hard.due(at=at("2026-10-12")) if i.case_id == case.id]
    assert [(i.kind, i.hard) for i in items] == [(ClockKind.duty, True)]
    assert len(hard.supervise(at=at("2026-10-12"))) == 1


# -- §3 agreements that are legally effective ---------------------------------------------


def test_a_written_agreement_is_performed_only_once_every_party_the_mediator_and_the_seal_signed() -> (
    None
):
    """《人民调解法》第二十九条第二款: effective from the last of all signatures and the seal."""
    e = _engine()
    case = to_state(e, intake(e).id, "agreed")
    when = at("2026-03-06", 10)
    for trigger, who, _, data in SIGNATURES[:-1]:
        case = e.fire(case.id, trigger, actor=who, at=when, **data)
        assert effective(case) is None
        with pytest.raises(RuleRejectedError) as err:
            e.fire(case.id, "begin_performance", actor=MEDIATOR, at=at("2026-03-06", 11))
        assert "尚未生效" in err.value.reason
    trigger, who, _, data = SIGNATURES[-1]
    case = e.fire(case.id, trigger, actor=who, at=when, **data)
    assert effective(case) == when
    assert clock(case, "agreement_signing").status is DeadlineStatus.met
    performing = e.fire(case.id, "begin_performance", actor=MEDIATOR, at=at("2026-03-09"))
    assert performing.state == "performing"


def test_signatures_dated_before_the_agreement_or_in_the_future_are_refused() -> None:
    """Reached 2026-03-06 09:00: a signature of 03-05 or one dated after now is refused, named
    ``signed_at`` (the step's input)."""
    e = _engine()
    case = to_state(e, intake(e).id, "agreed")
    _, who, _, data = SIGNATURES[0]
    for signed in (at("2026-03-05", 16), at("2026-03-07", 9)):
        with pytest.raises(ValidationError) as err:
            e.fire(
                case.id, "sign", actor=who, at=at("2026-03-06", 10), **{**data, "signed_at": signed}
            )
        assert err.value.field == "signed_at"


def test_a_performance_date_before_the_agreement_takes_effect_is_refused() -> None:
    """Agreed on 03-06 to perform by Tue 03-10: an agreement naming 03-05 is refused; and the
    seal dated 03-11 would make it take effect after that date — refused too
    (``agreement.performance_deadline``)."""
    e = _engine()
    case = to_state(e, intake(e).id, "mediating")
    with pytest.raises(ValidationError) as err:
        e.fire(
            case.id, "agree", actor=MEDIATOR, at=at("2026-03-06"), agreement=agreement("2026-03-05")
        )
    assert err.value.field == "agreement.performance_deadline"
    e.fire(case.id, "agree", actor=MEDIATOR, at=at("2026-03-06"), agreement=agreement("2026-03-10"))
    for trigger, who, _, data in SIGNATURES[:-1]:
        e.fire(case.id, trigger, actor=who, at=at("2026-03-06", 10), **data)
    trigger, who, _, data = SIGNATURES[-1]
    with pytest.raises(ValidationError) as err:
        e.fire(
            case.id,
            trigger,
            actor=who,
            at=at("2026-03-11"),
            **{**data, "signed_at": at("2026-03-11")},
        )
    assert err.value.field == "agreement.performance_deadline"


def _oral() -> dict[str, Any]:
    return {**agreement(), "form": "oral"}


def test_an_oral_agreement_is_refused_where_writing_is_required() -> None:
    """2002 规定 第三十四条: written when civil rights and obligations are involved (an amount in
    dispute above the policy's oral limit, 0 by default) or a party asks for writing."""
    e = _engine()
    money = to_state(e, intake(e, amount="3000").id, "mediating")
    with pytest.raises(ValidationError) as err:
        e.fire(money.id, "agree", actor=MEDIATOR, at=at("2026-03-06"), agreement=_oral())
    assert err.value.field == "agreement.form"
    asked = to_state(e, intake(e).id, "mediating")
    with pytest.raises(ValidationError):
        e.fire(
            asked.id,
            "agree",
            actor=MEDIATOR,
            at=at("2026-03-06"),
            agreement=_oral(),
            writing_requested_by=["p3"],
        )
    # Only a party of the case asks: an unknown id is refused as such, not read as a request.
    with pytest.raises(ValidationError) as unknown:
        e.fire(
            asked.id,
            "agree",
            actor=MEDIATOR,
            at=at("2026-03-06"),
            agreement={**agreement()},
            writing_requested_by=["p9"],
        )
    assert unknown.value.field == "writing_requested_by[0]"
    oral = e.fire(asked.id, "agree", actor=MEDIATOR, at=at("2026-03-06"), agreement=_oral())
    assert oral.state == "agreed"
    assert not clocks(oral, "judicial_confirmation_apply")  # only a written one is confirmed
    # The court is handed the agreement itself (民诉法解释 第三百五十三条): none to hand.
    with pytest.raises(RuleRejectedError) as no_paper:
        e.fire(oral.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-07"),
               court="青田县人民法院", joint=True)  # fmt: skip
    assert "口头调解协议" in no_paper.value.reason
    assert "第三百五十三条" in no_paper.value.basis
    assert e.get(oral.id).version == oral.version


# -- §4 refusal, risk and the court --------------------------------------------------------


def test_a_refusal_stated_at_acceptance_is_recorded_and_ends_the_case() -> None:
    """《人民调解法》第十七条: one party clearly refuses → no mediation. The refusal is an event
    and a record; a second ``accept`` cannot go through."""
    e = _engine()
    case = intake(e)
    e.fire(case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people")
    ended = e.fire(case.id, "accept", actor=CLERK, at=at("2026-03-02", 11), refused_by="p3")
    assert ended.state == "not_accepted"
    refusal = ended.details.refusals[-1]  # type: ignore[union-attr]
    assert (refusal.party, refusal.stage) == ("p3", "acceptance")
    assert e.history(case.id)[-1].trigger == "accept"
    with pytest.raises(TransitionNotAllowedError):
        e.fire(case.id, "accept", actor=CLERK, at=at("2026-03-02", 12))


def test_a_refusal_after_acceptance_ends_mediation_with_the_remedies_told() -> None:
    """第二十三条 (refuse at any time) and 第二十六条 (terminate, tell the remedies)."""
    e = _engine()
    case = to_state(e, intake(e).id, "mediating")
    with pytest.raises(RuleRejectedError):
        e.fire(case.id, "party_refuses", actor=MEDIATOR, at=at("2026-03-04"), party="p3")
    failed = e.fire(
        case.id,
        "party_refuses",
        actor=MEDIATOR,
        at=at("2026-03-04"),
        party="p3",
        remedies_informed=True,
    )
    assert failed.state == "failed"
    assert not [d for d in failed.deadlines if d.is_open and d.period == "people_mediation"]
    told = remedies(failed, e.policy)
    assert any("诉讼" in r for r in told)
    assert any("人民政府" in r for r in told)


def test_a_party_who_refused_is_not_mediated_again_by_reopening() -> None:
    """第十七条: a party who clearly refuses is not mediated; ending the case in a callback
    and reopening it does not get round that, nor does re-mediation (第二十三条)."""
    e = _engine()
    case = to_state(e, intake(e).id, "mediating")
    e.fire(
        case.id,
        "party_refuses",
        actor=MEDIATOR,
        at=at("2026-03-04"),
        party="p2",
        remedies_informed=True,
        statement="不愿调解",
    )
    e.fire(case.id, "start_callback", actor=MEDIATOR, at=at("2026-03-05"))
    with pytest.raises(RuleRejectedError, match="第十七条"):
        e.fire(
            case.id, "reopen", actor=MEDIATOR, at=at("2026-03-06"), reason="重新调解", consent=True
        )
    assert e.get(case.id).state == "callback"
    allowed = {t.trigger: t.allowed for t in e.available_triggers(case.id, MEDIATOR)}
    assert allowed["reopen"] is False


def test_the_notices_name_arbitration_where_the_law_gives_it() -> None:
    """第二十六条 "仲裁、行政、司法": a labour matter names arbitration (劳动争议调解仲裁法
    第十四条); every matter names the administrative and judicial routes."""
    e = _engine()
    labour = intake(e, category="labour")
    told = remedies(labour, e.policy)
    assert any("仲裁" in r for r in told)
    assert any("诉讼" in r for r in told)
    assert any("人民政府" in r for r in told)


def test_escalation_risk_is_a_recorded_step_with_a_report_owed_in_due() -> None:
    """第二十五条: high risk → measures (required) and a report, owed as an action in ``due``
    (found Tue 03-03: the practice day → Wed 2026-03-04) until it is made; ending the
    mediation does not meet it."""
    e = _engine()
    case = to_state(e, intake(e).id, "mediating")
    with pytest.raises(ValidationError) as err:
        e.fire(
            case.id,
            "assess_risk",
            actor=MEDIATOR,
            at=at("2026-03-03"),
            level="high",
            finding="扬言报复",
        )
    assert err.value.field == "measures"
    case = e.fire(
        case.id,
        "assess_risk",
        actor=MEDIATOR,
        at=at("2026-03-03"),
        level="high",
        finding="扬言报复",
        measures="分开疏导，联系村干部陪同",
    )
    owed = clock(case, "escalation_report")
    assert owed.due == day("2026-03-04")
    assert owed.is_open
    assert [i for i in e.due(at=at("2026-03-05")) if i.deadline.id == owed.id]
    case = e.fire(
        case.id,
        "terminate",
        actor=MEDIATOR,
        at=at("2026-03-04"),
        reason="调解不成",
        remedies_informed=True,
    )
    assert clock(case, "escalation_report").is_open
    case = e.fire(
        case.id,
        "assess_risk",
        actor=MEDIATOR,
        at=at("2026-03-04", 10),
        level="high",
        finding="扬言报复",
        measures="已报告",
        reported_to="东门派出所",
    )
    assert clock(case, "escalation_report").status is DeadlineStatus.met


def test_a_new_high_risk_found_after_a_report_owes_its_own_report() -> None:
    """第二十五条 asks that the risk found be reported: a report made on 03-03 covered that
    finding, not a threat found on 03-05 (version 4). Until the new one is reported the
    case does not close."""
    e = _engine()
    case = to_state(e, intake(e).id, "mediating")
    e.fire(case.id, "assess_risk", actor=MEDIATOR, at=at("2026-03-03"), level="high",
           finding="扬言报复", measures="分开疏导", reported_to="东门派出所")  # fmt: skip
    later = e.fire(case.id, "assess_risk", actor=MEDIATOR, at=at("2026-03-05"), level="high",
                   finding="王五扬言持刀报复张三", measures="联系村干部陪同")  # fmt: skip
    owed = [d for d in clocks(later, "escalation_report") if d.is_open]
    assert [d.start for d in owed] == [day("2026-03-05")]
    e.fire(case.id, "terminate", actor=MEDIATOR, at=at("2026-03-06"), reason="调解不成",
           remedies_informed=True)  # fmt: skip
    with pytest.raises(RuleRejectedError, match="第二十五条"):
        e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-09"), no_visit_reason="不回访")


def test_a_dispute_that_may_escalate_is_eased_before_it_is_not_accepted_or_transferred() -> None:
    """2002 规定 第二十四条: easing measures first, then the hand-over."""
    e = _engine()
    case = intake(e, risk="high")
    e.fire(case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people")
    with pytest.raises(ValidationError):
        e.fire(case.id, "accept", actor=CLERK, at=at("2026-03-02", 11), handled_by="青田县人民法院")
    with pytest.raises(ValidationError):
        e.fire(
            case.id,
            "transfer_out",
            actor=CLERK,
            at=at("2026-03-02", 11),
            reason="涉嫌犯罪",
            to="公安机关",
        )
    done = e.fire(
        case.id,
        "transfer_out",
        actor=CLERK,
        at=at("2026-03-02", 11),
        reason="涉嫌犯罪",
        to="公安机关",
        measures="稳定双方情绪",
    )
    assert done.state == "transferred_out"


def test_a_case_owing_an_escalation_report_closes_only_once_it_is_made() -> None:
    """人民调解法 第二十五条: a dispute that may lead to a public-order or criminal case is
    reported to the police or a department. Withdrawing (or any closing that does not put
    the matter before another organ) neither makes nor excuses the report: refused until
    the report is recorded, which meets its clock."""
    e = _engine()
    case = intake(e, risk="high")
    case = e.fire(case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people")
    (owed,) = [d for d in case.deadlines if d.period == "escalation_report"]
    assert owed.is_open
    with pytest.raises(RuleRejectedError) as err:
        e.fire(case.id, "withdraw", actor=CLERK, at=at("2026-03-02", 11), reason="当事人撤回")
    assert "第二十五条" in err.value.basis
    assert e.get(case.id).version == case.version
    e.fire(
        case.id,
        "assess_risk",
        actor=CLERK,
        at=at("2026-03-02", 11),
        level="high",
        finding="双方曾有肢体冲突",
        measures="分别疏导，约定冷静期",
        reported_to="青田县公安局东门派出所",
    )
    case = e.fire(case.id, "withdraw", actor=CLERK, at=at("2026-03-02", 12), reason="当事人撤回")
    assert case.state == "withdrawn"
    assert [d.status.value for d in case.deadlines if d.period == "escalation_report"] == ["met"]
    assert e.verify(case.id).ok


def test_judicial_confirmation_as_a_stage_with_the_courts_periods() -> None:
    """Joint application (民诉法 第二百零五条) on Mon 2026-03-30, inside the window (to 04-07);
    excluded matters refused (解释 第三百五十五条). The court decides on acceptance in 3 days →
    Thu 04-02 (法释〔2011〕5号 第四条); accepted Wed 04-01: 15 days → Thu 2026-04-16 (第五条) and
    the statute's 30 → Fri 05-01 (劳动节 05-01–05) → Wed 2026-05-06 (第一百八十七条). A rejection
    names its ground (第三百五十八条); the parties may then re-mediate (第二百零六条)."""
    e = _engine()
    case = to_state(e, intake(e).id, "performing")
    kw = {"actor": MEDIATOR, "at": at("2026-03-30"), "court": "青田县人民法院"}
    with pytest.raises(ValidationError):
        e.fire(case.id, "apply_confirmation", **kw)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        e.fire(case.id, "apply_confirmation", joint=True, matters=["status"], **kw)  # type: ignore[arg-type]
    case = e.fire(case.id, "apply_confirmation", joint=True, **kw)  # type: ignore[arg-type]
    assert clock(case, "judicial_confirmation_apply").status is DeadlineStatus.met
    accept = clock(case, "judicial_confirmation_accept")
    assert (accept.due, accept.kind) == (day("2026-04-02"), ClockKind.external)
    case = e.fire(case.id, "court_accepts", actor=MEDIATOR, at=at("2026-04-01"))
    assert clock(case, "judicial_confirmation_examine").due == day("2026-04-16")
    assert clock(case, "judicial_confirmation_statutory").due == day("2026-05-06")
    with pytest.raises(ValidationError):
        e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-04-10"), ruling="rejected")
    case = e.fire(
        case.id,
        "court_rules",
        actor=MEDIATOR,
        at=at("2026-04-10"),
        ruling="rejected",
        rejection="unclear",
    )
    assert case.details.confirmation.ruling == "rejected"  # type: ignore[union-attr]
    again = e.fire(
        case.id,
        "remediate",
        actor=MEDIATOR,
        at=at("2026-04-13"),
        reason="协议内容不明确，重新调解",
        consent=True,
    )
    assert again.state == "mediating"


def test_a_late_application_for_confirmation_is_refused() -> None:
    """The window ended Tue 2026-04-07: an application on Wed 04-08 is out of time."""
    e = _engine()
    case = to_state(e, intake(e).id, "performing")
    with pytest.raises(RuleRejectedError):
        e.fire(
            case.id,
            "apply_confirmation",
            actor=MEDIATOR,
            at=at("2026-04-08"),
            court="青田县人民法院",
            joint=True,
        )


@pytest.mark.parametrize("ruling", ["not_accepted", "withdrawn"])
def test_an_application_not_accepted_or_withdrawn_may_be_made_again_within_the_window(
    ruling: str,
) -> None:
    """The agreement took effect Fri 2026-03-06; 30 days end Tue 04-07 (清明 04-04–06). An
    application to a court without jurisdiction, not accepted (民诉法解释 第三百五十五条),
    or withdrawn, decides nothing on the agreement: the parties apply again to the
    competent court on 03-12 (第三十三条; 民事诉讼法 第二百零五条), not after 04-07."""
    e = _engine()
    case = to_state(e, intake(e).id, "performing")
    e.fire(
        case.id,
        "apply_confirmation",
        actor=MEDIATOR,
        at=at("2026-03-10"),
        court="外县人民法院",
        joint=True,
    )
    extra = {"exclusion": "jurisdiction"} if ruling == "not_accepted" else {}
    ruled = e.fire(
        case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-11"), ruling=ruling, **extra
    )
    window = clocks(ruled, "judicial_confirmation_apply")
    assert [(d.due, d.is_open) for d in window] == [
        (day("2026-04-07"), False),
        (day("2026-04-07"), True),
    ]
    again = e.fire(
        case.id,
        "apply_confirmation",
        actor=MEDIATOR,
        at=at("2026-03-12"),
        court="青田县人民法院",
        joint=True,
    )
    assert again.details.confirmation.court == "青田县人民法院"
    assert not any(d.is_open for d in clocks(again, "judicial_confirmation_apply"))


def test_after_a_ruling_on_the_agreement_the_window_stays_closed() -> None:
    """A ruling that the agreement is valid decides it: no second application (第二百零六条)."""
    e = _engine()
    case = to_state(e, intake(e).id, "performing")
    e.fire(
        case.id,
        "apply_confirmation",
        actor=MEDIATOR,
        at=at("2026-03-10"),
        court="青田县人民法院",
        joint=True,
    )
    e.fire(case.id, "court_accepts", actor=MEDIATOR, at=at("2026-03-11"))
    e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-20"), ruling="valid")
    with pytest.raises(RuleRejectedError):
        e.fire(
            case.id,
            "apply_confirmation",
            actor=MEDIATOR,
            at=at("2026-03-23"),
            court="青田县人民法院",
            joint=True,
        )


def test_rights_and_duties_are_told_before_mediation_starts() -> None:
    """2002 规定 第三十条: the 权利义务告知书 before people's mediation starts."""
    e = _engine()
    case = to_state(e, intake(e).id, "accepted")
    with pytest.raises(RuleRejectedError):
        e.fire(
            case.id, "start_mediation", actor=MEDIATOR, at=at("2026-03-03"), mediators=[MEDIATOR.id]
        )
    e.fire(case.id, "inform_rights", actor=CLERK, at=at("2026-03-03"))
    ok = e.fire(
        case.id, "start_mediation", actor=MEDIATOR, at=at("2026-03-03", 10), mediators=[MEDIATOR.id]
    )
    assert ok.details.rights_informed_at == at("2026-03-03")  # type: ignore[union-attr]


# -- §5 case data a committee can maintain -------------------------------------------------


def test_an_incomplete_registration_is_completed_by_an_audited_amendment_before_triage() -> None:
    """补正: a party without any contact blocks triage (受理登记表); the amendment completes it,
    and the registered values stay in the history."""
    from mediation._demo import parties

    e = _engine()
    people = [*parties()[:2], Party.person("王五", role="respondent")]
    case = intake(e, parties=people)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people")
    assert err.value.field == "parties[2]"
    # step inputs are plain data (as a form or the CLI sends them)
    fixed = [
        {
            "kind": p.kind.value,
            "name": p.name,
            "role": p.role.value,
            "id_number": p.id_number,
            "phone": p.phone,
            "address": p.address,
        }
        for p in parties()[:2]
    ] + [{"kind": "person", "name": "王五", "role": "respondent", "phone": "13800000003"}]
    case = e.fire(
        case.id,
        "amend_registration",
        actor=CLERK,
        at=at("2026-03-02", 10),
        reason="补充电话",
        parties=fixed,
    )
    assert case.parties[2].phone == "13800000003"
    case = e.fire(case.id, "triage", actor=CLERK, at=at("2026-03-02", 11), track="people")
    assert case.state == "triaged"
    first = e.history(case.id)[0]
    assert "13800000003" not in str(first.data)
    assert e.verify(case.id).ok


def test_an_amendment_takes_parties_as_values_too_and_still_refuses_bad_ones() -> None:
    """补正 with ``Party`` values, as intake takes them (an embedder's own objects): taken
    as built; a mapping with a bad ID number is refused naming the party and its field."""
    from mediation._demo import parties

    e = _engine()
    people = [*parties()[:2], Party.person("王五", role="respondent")]
    case = intake(e, parties=people)
    fixed = [*parties()[:2], Party.person("王五", role="respondent", phone="13800000003")]
    case = e.fire(
        case.id,
        "amend_registration",
        actor=CLERK,
        at=at("2026-03-02", 10),
        reason="补充电话",
        parties=fixed,
    )
    assert [p.id for p in case.parties] == ["p1", "p2", "p3"]
    assert case.parties[2].phone == "13800000003"
    bad = {"kind": "person", "name": "王五", "role": "respondent", "id_number": "332522"}
    with pytest.raises(ValidationError) as err:
        e.fire(
            case.id,
            "amend_registration",
            actor=CLERK,
            at=at("2026-03-02", 11),
            reason="补充身份证号",
            parties=[*fixed[:2], bad],
        )
    assert err.value.field.startswith("parties[2]")
    assert e.get(case.id).version == case.version
    assert e.verify(case.id).ok


# -- properties ----------------------------------------------------------------------------

_DAYS = st.integers(min_value=0, max_value=90)


@settings(max_examples=15)
@given(gaps=st.lists(_DAYS, min_size=5, max_size=5), scan=st.integers(0, 400))
def test_no_committee_breach_is_ever_recorded_for_a_parties_period(
    gaps: list[int], scan: int
) -> None:
    """Whatever the pace after the agreement, a parties' period (申请司法确认, the agreed
    performance date) never becomes the committee's breach, nor is it supervised."""
    e = _engine()
    case = to_state(e, intake(e).id, "agreed")
    when = at("2026-03-06", 10)
    case = _sign(e, case.id, when)
    for trigger, data, gap in zip(
        ("begin_performance", "confirm_performed", "start_callback", "record_callback", "close"),
        ({}, {}, {}, {"visitor": "陈调解", "party": "p1", "finding": "performed"}, {}),
        gaps,
        strict=True,
    ):
        when = when + dt.timedelta(days=gap, hours=1)
        who = DIRECTOR if trigger == "close" else MEDIATOR
        case = e.fire(case.id, trigger, actor=who, at=when, **data)
    events = e.supervise(at=when + dt.timedelta(days=scan))
    party = {d.id for d in e.get(case.id).deadlines if not d.kind.is_own}
    assert party
    for d in e.get(case.id).deadlines:
        if not d.kind.is_own:
            assert d.status is not DeadlineStatus.breached, d
    assert not [ev for ev in events if ev.data.get("deadline") in party]


@settings(max_examples=15)
@given(signed=st.lists(st.integers(0, len(SIGNATURES) - 1), unique=True, max_size=len(SIGNATURES)))
def test_a_written_agreement_never_reaches_performance_unsigned(signed: list[int]) -> None:
    """Performance begins iff every party, the mediator and the committee signed (第二十九条)."""
    e = _engine()
    case = to_state(e, intake(e).id, "agreed")
    for i in signed:
        trigger, who, when, data = SIGNATURES[i]
        e.fire(case.id, trigger, actor=who, at=when, **data)
    try:
        case = e.fire(case.id, "begin_performance", actor=MEDIATOR, at=at("2026-03-09"))
    except RuleRejectedError:
        assert len(signed) < len(SIGNATURES)
        return
    assert len(signed) == len(SIGNATURES)
    assert case.state == "performing"
    assert effective(case) is not None


@settings(max_examples=25)
@given(offsets=st.lists(st.integers(-3 * 24, 3 * 24), min_size=1, max_size=5))
def test_every_signature_date_lies_between_the_agreement_and_the_present(
    offsets: list[int],
) -> None:
    """A signature is accepted iff dated from the agreement (03-06 09:00) to the step's time."""
    e = _engine()
    case = to_state(e, intake(e).id, "agreed")
    reached = at("2026-03-06", 9)
    now = at("2026-03-07", 9)
    for (trigger, who, _, data), hours in zip(SIGNATURES, offsets, strict=False):
        signed = reached + dt.timedelta(hours=hours)
        try:
            e.fire(case.id, trigger, actor=who, at=now, **{**data, "signed_at": signed})
        except ValidationError:
            assert not (reached <= signed <= now)
        else:
            assert reached <= signed <= now
    agreed = e.get(case.id).details.agreement  # type: ignore[union-attr]
    for sig in agreed.signatures:
        assert reached <= sig.signed_at <= now


@pytest.mark.parametrize("who", ["name", "id", "agent"])
def test_a_party_or_a_party_s_agent_is_never_the_case_s_mediator(who: str) -> None:
    """《人民调解法》第十九条 (mediators designated by the committee or chosen by the parties),
    第十五条第一项 (no siding with a party): a party, named by its name or id, or a party's
    agent, cannot be among the mediators; the case is left as it was, and the committee's
    own mediator starts it."""
    e = _engine()
    people = [
        Party.person("张三", role="applicant", id="p1", phone="13800000001"),
        Party.person("王五", role="respondent", id="p2", phone="13800000002"),
        Party.person("钱律师", role="agent", agent_of="p1", id="p1-agent", phone="13900000000"),
    ]
    case = intake(e, parties=people)
    to_state(e, case.id, "accepted")
    e.fire(case.id, "inform_rights", actor=CLERK, at=at("2026-03-02", 11, 30))
    named = {"name": "王五", "id": "p2", "agent": "钱律师"}[who]
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "start_mediation", actor=MEDIATOR, at=at("2026-03-03", 9),
               mediators=[MEDIATOR.id, named])  # fmt: skip
    assert err.value.field == "mediators[1]"
    assert "第十九条" in (err.value.basis or "")
    assert e.get(case.id) == before
    started = e.fire(case.id, "start_mediation", actor=MEDIATOR, at=at("2026-03-03", 9),
                     mediators=[MEDIATOR.id])  # fmt: skip
    assert started.state == "mediating"


def test_only_an_applicant_withdraws_the_application() -> None:
    """《人民调解法》第二十三条: the applicant may withdraw; the respondent 王五 who no longer
    wants mediation refuses it (party_refuses, with the remedies of 第二十六条) — a
    ``withdraw`` in his name is refused and the case left as it was."""
    e = _engine()
    case = intake(e)
    to_state(e, case.id, "mediating")
    before = e.get(case.id)
    respondent = next(p for p in before.principals if p.role.value == "respondent")
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "withdraw", actor=MEDIATOR, at=at("2026-03-04"), reason="不想调了",
               by=respondent.name)  # fmt: skip
    assert (err.value.field, err.value.basis) == ("by", "《人民调解法》第二十三条")
    assert e.get(case.id) == before
    applicant = next(p for p in before.principals if p.role.value == "applicant")
    done = e.fire(case.id, "withdraw", actor=MEDIATOR, at=at("2026-03-04"), reason="申请人撤回",
                  by=applicant.id)  # fmt: skip
    assert done.state == "withdrawn"


def test_a_party_registered_after_the_rights_notice_is_told_before_mediation() -> None:
    """2002 规定 第三十条 (dispute v4): the parties are told their rights and duties before
    mediation — each of them. 赵六, added as a respondent by 补正 after the notice, has not
    been told: starting is refused naming him, and the case is left as it was; told again,
    mediation starts, and the record names everyone told."""
    from mediation._demo import parties

    e = _engine()
    case = to_state(e, intake(e).id, "accepted")
    case = e.fire(case.id, "inform_rights", actor=CLERK, at=at("2026-03-02", 11, 30))
    told = tuple(p.id for p in case.parties if p.role.value != "agent")
    assert case.details.rights_informed_to == told
    zhao = Party.person("赵六", role="respondent", phone="13800000006", address="东门村16号")
    e.fire(case.id, "amend_registration", actor=CLERK, at=at("2026-03-02", 15),
           reason="追加被申请人", parties=[*parties(), zhao])  # fmt: skip
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError, match="赵六") as err:
        e.fire(case.id, "start_mediation", actor=MEDIATOR, at=at("2026-03-03", 9))
    assert "第三十条" in (err.value.basis or "")
    assert e.get(case.id) == before
    e.fire(case.id, "inform_rights", actor=CLERK, at=at("2026-03-03", 9))
    started = e.fire(case.id, "start_mediation", actor=MEDIATOR, at=at("2026-03-03", 9, 30))
    assert started.state == "mediating"
    assert started.details.rights_informed_to == (*told, started.parties[-1].id)
    assert e.verify(case.id).ok


def test_a_party_registered_during_mediation_is_told_before_it_goes_on() -> None:
    """2002 规定 第三十条 (dispute v4): 赵六, registered by 补正 while mediation is suspended,
    has not been told his rights: resuming is refused naming him, leaving the case as it
    was; the notice is given in place (``inform_rights`` while suspended), and mediation
    resumes."""
    from mediation._demo import parties

    e = _engine()
    case = to_state(e, intake(e).id, "mediating")
    e.fire(case.id, "suspend", actor=MEDIATOR, at=at("2026-03-04", 9), reason="party_wait")
    zhao = Party.person("赵六", role="respondent", phone="13800000006", address="东门村16号")
    e.fire(case.id, "amend_registration", actor=CLERK, at=at("2026-03-04", 10),
           reason="追加被申请人", parties=[*parties(), zhao])  # fmt: skip
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError, match="赵六"):
        e.fire(case.id, "resume", actor=MEDIATOR, at=at("2026-03-05", 9))
    assert e.get(case.id) == before
    told = e.fire(case.id, "inform_rights", actor=CLERK, at=at("2026-03-05", 9))
    assert told.state == "suspended"
    assert e.fire(case.id, "resume", actor=MEDIATOR, at=at("2026-03-05", 10)).state == "mediating"
    assert e.verify(case.id).ok
