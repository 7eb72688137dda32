"""The parties' periods a 司法确认 ruling starts (RULES.md §0 rows 5 and 6; dispute v4).

- 15 days from receiving the ruling to object to the court that made it (民诉法解释
  第三百七十二条), after a ruling that the agreement is valid or a rejection.
- 2 years to apply for enforcement of a confirmed agreement a party does not perform
  (《民事诉讼法》第二百零六条、第二百五十条), from the last day of the performance period
  the agreement sets (none set: from the ruling's effect); none once performance was
  confirmed.
Both are the parties' periods: they lapse rather than breach, and the committee's closing
its file leaves them running.
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, RuleRejectedError, ValidationError
from mediation._demo import MEDIATOR, run
from mediation.model import ClockKind, DeadlineStatus, evolve
from mediation.rules.policy import Policy

from ._support import at, clock


def _demo() -> Engine:
    from mediation._demo import ORG as DEMO_ORG

    return Engine.in_memory(policy=Policy(org=DEMO_ORG), reader=Actor.system())


def _to_court(e: Engine, case_id: str, applied: str, accepted: str) -> None:
    e.fire(case_id, "apply_confirmation", actor=MEDIATOR, at=at(applied, 10),
           court="青田县人民法院", joint=True)  # fmt: skip
    e.fire(case_id, "court_accepts", actor=MEDIATOR, at=at(accepted, 10))


def test_a_valid_ruling_before_performance_opens_objection_and_enforcement() -> None:
    """Agreement effective Fri 2026-03-06, performance due Fri 03-20. Applied 03-09,
    accepted 03-10, ruled valid 03-16, served on the parties 03-17: the objection runs 15
    days from 03-17 to Thu 04-01; enforcement 2 years from 03-20, to Mon 2028-03-20 (no 2028
    holiday notice yet: estimated). Confirming performance on 03-18 ends enforcement."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    _to_court(e, case.id, "2026-03-09", "2026-03-10")
    ruled = e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-17", 9),
                   ruling="valid", served_on="2026-03-17")  # fmt: skip
    objection = clock(ruled, "confirmation_objection_party")
    assert (objection.kind, objection.status) == (ClockKind.party, DeadlineStatus.running)
    assert (objection.start.isoformat(), objection.due.isoformat()) == ("2026-03-17", "2026-04-01")
    enforcement = clock(ruled, "enforcement_apply")
    assert enforcement.start.isoformat() == "2026-03-20"
    assert (enforcement.due.isoformat(), enforcement.estimated) == ("2028-03-20", True)
    e.fire(case.id, "begin_performance", actor=MEDIATOR, at=at("2026-03-17", 10))
    done = e.fire(case.id, "confirm_performed", actor=MEDIATOR, at=at("2026-03-18", 15))
    assert clock(done, "enforcement_apply").status is DeadlineStatus.cancelled
    assert clock(done, "confirmation_objection_party").status is DeadlineStatus.running
    assert e.verify(case.id).ok


def test_on_a_closed_file_the_court_s_stage_is_recorded_and_runs_no_clock() -> None:
    """The demo case performed on 03-18 and closed on 03-31; the parties apply on 04-01 and
    the court rules the agreement valid on 04-10. The ruling is recorded; a closed case runs
    no clock (DESIGN.md), so neither the court's nor the parties' periods open on it."""
    e = _demo()
    case = run(e)
    assert case.state == "closed"
    _to_court(e, case.id, "2026-04-01", "2026-04-02")
    ruled = e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-04-10", 9), ruling="valid")
    assert ruled.state == "closed"
    assert ruled.details.confirmation.ruling == "valid"  # type: ignore[union-attr]
    assert not ruled.open_deadlines
    assert e.verify(case.id).ok


def test_a_parties_period_the_closing_cancelled_reads_as_still_theirs() -> None:
    """The demo case closes on 03-31 with the parties' 30 days for 司法确认 still running
    (to 04-07; 《人民调解法》第三十三条). The closing cancels its clock — a closed case runs no
    clock — but every page reads it as the parties' period, not 已取消; the unit's own clocks
    read as they closed, and a parties' period cancelled before the end reads 已取消."""
    from mediation.rules import deadlines

    e = _demo()
    case = run(e)
    window = clock(case, "judicial_confirmation_apply")
    assert window.kind is ClockKind.party
    assert window.status is DeadlineStatus.cancelled
    assert deadlines.status_text(case, window) == "当事人的期间，不因结案而终止"
    for d in case.deadlines:
        if d is not window:
            assert deadlines.status_text(case, d) == d.status_label == "按期完成"
    before = run(_demo(), stop_before="close")
    assert deadlines.status_text(before, clock(before, "judicial_confirmation_apply")) == "计时中"
    early = evolve(window, closed_at=window.due_at)  # not the closing's: cancelled on its own
    assert deadlines.status_text(evolve(case, deadlines=(early,)), early) == "已取消"


def test_on_a_closed_file_an_application_not_accepted_may_be_made_again_in_time() -> None:
    """Applied on 04-01 to a court without jurisdiction, not accepted on 04-02 (民诉法解释
    第三百五十五条): nothing was decided on the agreement, and the rest of the 30 days (to
    04-07) remain for the competent court — on a closed file too; after them, refused."""
    e = _demo()
    case = run(e)
    e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-04-01", 10),
           court="丽水市莲都区人民法院", joint=True)  # fmt: skip
    e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-04-02", 9), ruling="not_accepted",
           exclusion="jurisdiction")  # fmt: skip
    with pytest.raises(RuleRejectedError, match="2026-04-07"):
        e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-04-08", 10),
               court="青田县人民法院", joint=True)  # fmt: skip
    again = e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-04-03", 10),
                   court="青田县人民法院", joint=True)  # fmt: skip
    assert again.details.confirmation.court == "青田县人民法院"  # type: ignore[union-attr]
    assert not again.open_deadlines


def test_an_application_posted_on_the_last_day_is_in_time_however_late_it_arrives() -> None:
    """《民事诉讼法》第八十五条第四款: 期间不包括在途时间，诉讼文书在期满前交邮的，不算过期. The
    agreement took effect Fri 2026-03-06; the 30 days end Tue 04-07 (04-05 falls in 清明's
    rest days). An application posted on 04-07 and received on Thu 04-09 is in time: the
    window is met, and the court's 3 days count from its receipt. Received on 04-09 without
    a posting day, or posted on 04-08, it is refused; a posting day after the receipt or
    before the agreement took effect is a bad input. Each refusal leaves the case as it
    was."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    before = e.get(case.id)
    apply = {"court": "青田县人民法院", "joint": True}
    late = at("2026-04-09", 10)
    with pytest.raises(RuleRejectedError, match="2026-04-07"):
        e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=late, **apply)
    with pytest.raises(RuleRejectedError, match="第八十五条第四款"):
        e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=late, posted_on="2026-04-08",
               **apply)  # fmt: skip
    for bad in ("2026-04-10", "2026-03-05"):
        with pytest.raises(ValidationError) as err:
            e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=late, posted_on=bad,
                   **apply)  # fmt: skip
        assert err.value.field == "posted_on"
    assert e.get(case.id) == before
    applied = e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=late,
                     posted_on="2026-04-07", **apply)  # fmt: skip
    window = clock(applied, "judicial_confirmation_apply")
    assert (window.due.isoformat(), window.status) == ("2026-04-07", DeadlineStatus.met)
    assert clock(applied, "judicial_confirmation_accept").start.isoformat() == "2026-04-09"
    assert e.history(case.id)[-1].data["posted_on"] == "2026-04-07"
    assert e.verify(case.id).ok


def test_a_rejection_opens_only_the_objection() -> None:
    """A rejection (民诉法解释 第三百五十八条) can be objected to within 15 days; there is
    nothing to enforce."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    _to_court(e, case.id, "2026-03-09", "2026-03-10")
    ruled = e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9),
                   ruling="rejected", rejection="unclear")  # fmt: skip
    assert clock(ruled, "confirmation_objection_party").due.isoformat() == "2026-03-31"
    assert not [d for d in ruled.deadlines if d.period == "enforcement_apply"]


@pytest.mark.parametrize("served", ["2026-03-08", "2026-03-20"])
def test_a_service_date_before_the_application_or_after_the_step_is_refused(served: str) -> None:
    """The parties receive the ruling after they applied and not after the step recording
    it; either way the refusal names ``served_on`` and leaves the case as it was."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    _to_court(e, case.id, "2026-03-09", "2026-03-10")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9),
               ruling="valid", served_on=served)  # fmt: skip
    assert err.value.field == "served_on"
    assert e.get(case.id) == before


def test_an_agreement_ruled_valid_is_enforced_not_mediated_again() -> None:
    """《人民调解法》第三十三条第二款: the court ruled the agreement valid; the other party
    does not perform by 03-20; re-mediation is refused, naming the article — the remedy is
    enforcement, whose 2 years run — and the case is left as it was. After a callback visit,
    restarting mediation is refused the same way."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    _to_court(e, case.id, "2026-03-09", "2026-03-10")
    e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9), ruling="valid")
    e.fire(case.id, "begin_performance", actor=MEDIATOR, at=at("2026-03-16", 10))
    failed = e.fire(case.id, "report_not_performed", actor=MEDIATOR, at=at("2026-03-23"))
    assert clock(failed, "enforcement_apply").is_open
    with pytest.raises(RuleRejectedError, match="第三十三条第二款") as err:
        e.fire(
            case.id, "remediate", actor=MEDIATOR, at=at("2026-03-24"), reason="再调", consent=True
        )
    assert "强制执行" in err.value.reason
    assert e.get(case.id) == failed
    e.fire(case.id, "start_callback", actor=MEDIATOR, at=at("2026-03-24", 10))
    with pytest.raises(RuleRejectedError, match="第三十三条第二款"):
        e.fire(case.id, "reopen", actor=MEDIATOR, at=at("2026-03-25"), reason="再调", consent=True)


def test_an_agreement_rejected_by_the_court_may_be_changed_by_mediation() -> None:
    """第三十三条第三款: after a rejection the parties may change the agreement by mediation —
    with both parties' consent, recorded (2002 规定 第三十七条第二项; 《人民调解法》第三条):
    without it the step is refused naming ``consent``, and the case is left as it was."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    _to_court(e, case.id, "2026-03-09", "2026-03-10")
    e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9), ruling="rejected",
           rejection="unclear")  # fmt: skip
    before = e.get(case.id)
    with pytest.raises(ValidationError, match="第三十七条") as err:
        e.fire(case.id, "remediate", actor=MEDIATOR, at=at("2026-03-17"), reason="变更协议")
    assert err.value.field == "consent"
    assert e.get(case.id) == before
    again = e.fire(
        case.id, "remediate", actor=MEDIATOR, at=at("2026-03-17"), reason="变更协议", consent=True
    )
    assert again.state == "mediating"


def test_mediating_again_after_a_rejection_leaves_the_objection_period_running() -> None:
    """民诉法解释 第三百七十二条: the parties' 15 日 to object run against the court's ruling,
    served 2026-03-16 → 03-31; mediating again from 03-17 (第三十三条第三款) neither uses nor
    ends them. The old agreement's callback, not yet due, is no longer owed: cancelled, not
    recorded as made (2002 规定 第三十六条)."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    _to_court(e, case.id, "2026-03-09", "2026-03-10")
    e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9), ruling="rejected",
           rejection="unclear")  # fmt: skip
    again = e.fire(
        case.id, "remediate", actor=MEDIATOR, at=at("2026-03-17"), reason="变更协议", consent=True
    )
    objection = clock(again, "confirmation_objection_party")
    assert (objection.status, str(objection.due)) == (DeadlineStatus.running, "2026-03-31")
    callback = clock(again, "callback_visit")
    assert callback.status is DeadlineStatus.cancelled
    assert clock(again, "people_mediation").status is DeadlineStatus.running
    ended = e.fire(case.id, "terminate", actor=MEDIATOR, at=at("2026-03-20"), reason="failed",
                   remedies_informed=True)  # fmt: skip
    assert clock(ended, "confirmation_objection_party").status is DeadlineStatus.running


@pytest.mark.parametrize(
    ("ruling", "extra", "says"),
    [
        ("valid", {}, "申请执行"),
        ("rejected", {"rejection": "unclear"}, "提起诉讼"),
    ],
)
def test_applying_again_after_a_ruling_is_refused_for_what_the_ruling_decided(
    ruling: str, extra: dict[str, str], says: str
) -> None:
    """A ruling that decided the agreement leaves the parties enforcement (valid) or a new
    agreement or a suit (rejected) — 《民事诉讼法》第二百零六条 — not a second application;
    the refusal says so, not that the 30 days had run out (they had not)."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    _to_court(e, case.id, "2026-03-09", "2026-03-10")
    e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-16"), ruling=ruling, **extra)
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError) as refused:
        e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-21"),
               court="青田县人民法院", joint=True)  # fmt: skip
    assert "第二百零六条" in str(refused.value)
    assert says in str(refused.value)
    assert "届满" not in str(refused.value)
    assert e.get(case.id) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"ruling": "valid", "rejection": "not_voluntary"}, "rejection"),
        ({"ruling": "valid", "exclusion": "status"}, "exclusion"),
    ],
)
def test_a_ground_that_does_not_go_with_the_ruling_is_refused(
    data: dict[str, str], field: str
) -> None:
    """A valid ruling has no ground of rejection (民诉法解释 第三百五十八条) nor of
    non-acceptance (第三百五十五条): the input is refused by name, nothing recorded."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    _to_court(e, case.id, "2026-03-09", "2026-03-10")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as refused:
        e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-16"), **data)
    assert refused.value.field == field
    assert e.get(case.id) == before


def _ruled_valid(e: Engine) -> str:
    """The demo's agreement (effective 03-06, performance due 03-20) ruled valid and served
    on the parties on 03-17: a party's 15 days run to Thu 04-01."""
    case = run(e, stop_before="begin_performance")
    _to_court(e, case.id, "2026-03-09", "2026-03-10")
    e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-03-17", 9),
           ruling="valid", served_on="2026-03-17")  # fmt: skip
    return case.id


def test_a_party_objects_to_the_ruling_within_fifteen_days_of_receiving_it() -> None:
    """民诉法解释 第三百七十二条: a party's objection is made within 15 days of receiving the
    ruling (to Thu 04-01 here). On 04-02 it is refused, naming the field and the article,
    and the case is left as it was; on 04-01 it is recorded and the party's clock is met —
    even when recorded later. The same party does not object twice; a stranger is not a
    party."""
    e = _demo()
    case_id = _ruled_valid(e)
    party = e.get(case_id).principals[0].id
    before = e.get(case_id)
    with pytest.raises(ValidationError, match="第三百七十二条") as err:
        e.fire(case_id, "file_objection", actor=MEDIATOR, at=at("2026-04-02", 10),
               by="party", party=party)  # fmt: skip
    assert err.value.field == "filed_on"
    assert "2026-04-01" in str(err.value)
    assert e.get(case_id) == before
    with pytest.raises(ValidationError) as err:
        e.fire(case_id, "file_objection", actor=MEDIATOR, at=at("2026-03-20", 10),
               by="party", party="nobody")  # fmt: skip
    assert err.value.field == "party"
    done = e.fire(case_id, "file_objection", actor=MEDIATOR, at=at("2026-04-03", 10),
                  by="party", party=party, filed_on="2026-04-01", reason="协议内容违背自愿原则")  # fmt: skip
    assert clock(done, "confirmation_objection_party").status is DeadlineStatus.met
    filed = done.overlays.get("after_ruling").objections  # type: ignore[union-attr]
    assert [(o.by, o.who, o.filed_on.isoformat(), o.due.isoformat()) for o in filed] == [
        ("party", party, "2026-04-01", "2026-04-01")
    ]
    with pytest.raises(RuleRejectedError, match="已经对该裁定提出异议"):
        e.fire(case_id, "file_objection", actor=MEDIATOR, at=at("2026-04-03", 11),
               by="party", party=party, filed_on="2026-04-01")  # fmt: skip
    assert e.verify(case_id).ok


def test_an_interested_person_objects_within_six_months_of_knowing() -> None:
    """民诉法解释 第三百七十二条: an interested person (not a party) objects within 6 months of
    the day they knew or should have known of the harm; the day is required, and cannot
    precede the ruling. Knew on 2026-05-10: in time on 11-10 (a Tuesday), late on 11-11. A
    rejection confirms nothing that could harm them: only a party objects to it."""
    e = _demo()
    case_id = _ruled_valid(e)
    with pytest.raises(ValidationError) as err:
        e.fire(case_id, "file_objection", actor=MEDIATOR, at=at("2026-06-01", 10),
               by="interested", name="赵六")  # fmt: skip
    assert err.value.field == "knew_on"
    with pytest.raises(ValidationError) as err:
        e.fire(case_id, "file_objection", actor=MEDIATOR, at=at("2026-06-01", 10),
               by="interested", name="赵六", knew_on="2026-03-01")  # fmt: skip
    assert err.value.field == "knew_on"
    with pytest.raises(ValidationError, match="2026-11-10") as err:
        e.fire(case_id, "file_objection", actor=MEDIATOR, at=at("2026-11-11", 10),
               by="interested", name="赵六", knew_on="2026-05-10")  # fmt: skip
    assert err.value.field == "filed_on"
    done = e.fire(case_id, "file_objection", actor=MEDIATOR, at=at("2026-11-10", 10),
                  by="interested", name="赵六", knew_on="2026-05-10")  # fmt: skip
    # A third party's objection does not end the parties' own period.
    assert clock(done, "confirmation_objection_party").status is not DeadlineStatus.met

    rejected = run(e, stop_before="begin_performance")
    _to_court(e, rejected.id, "2026-03-09", "2026-03-10")
    e.fire(rejected.id, "court_rules", actor=MEDIATOR, at=at("2026-03-16", 9),
           ruling="rejected", rejection="unclear")  # fmt: skip
    with pytest.raises(RuleRejectedError, match="确认调解协议有效的裁定"):
        e.fire(rejected.id, "file_objection", actor=MEDIATOR, at=at("2026-03-20", 10),
               by="interested", name="赵六", knew_on="2026-03-18")  # fmt: skip


def test_an_enforcement_application_is_recorded_late_as_lapsed_not_refused() -> None:
    """《民事诉讼法》第二百五十条: 2 years from the performance deadline (03-20) to apply for
    enforcement; a court still accepts a late application (民诉法解释 第四百八十一条: the
    respondent objects), so it is recorded and the clock ends lapsed. Only a confirmed
    agreement is enforced, once; none after performance was confirmed."""
    e = _demo()
    case_id = _ruled_valid(e)
    early = e.fire(case_id, "apply_enforcement", actor=MEDIATOR, at=at("2026-04-10", 10))
    assert clock(early, "enforcement_apply").status is DeadlineStatus.met
    assert early.overlays.get("after_ruling").enforcement_in_time is True  # type: ignore[union-attr]
    with pytest.raises(RuleRejectedError, match="已经申请执行"):
        e.fire(case_id, "apply_enforcement", actor=MEDIATOR, at=at("2026-04-11", 10))

    late_id = _ruled_valid(e)
    due = clock(e.get(late_id), "enforcement_apply").due.isoformat()
    assert due == "2028-03-20"
    late = e.fire(late_id, "apply_enforcement", actor=MEDIATOR, at=at("2028-03-22", 10))
    assert clock(late, "enforcement_apply").status is DeadlineStatus.lapsed
    record = late.overlays.get("after_ruling")
    assert (record.enforcement_applied_on.isoformat(), record.enforcement_in_time) == (  # type: ignore[union-attr]
        "2028-03-22",
        False,
    )
    assert e.verify(late_id).ok

    performed = _ruled_valid(e)
    e.fire(performed, "begin_performance", actor=MEDIATOR, at=at("2026-03-17", 10))
    e.fire(performed, "confirm_performed", actor=MEDIATOR, at=at("2026-03-18", 15))
    before = e.get(performed)
    with pytest.raises(RuleRejectedError, match="已履行完毕"):
        e.fire(performed, "apply_enforcement", actor=MEDIATOR, at=at("2026-04-10", 10))
    assert e.get(performed) == before

    unconfirmed = run(e, stop_before="begin_performance")
    with pytest.raises(RuleRejectedError, match="裁定确认有效"):
        e.fire(unconfirmed.id, "apply_enforcement", actor=MEDIATOR, at=at("2026-04-10", 10))


def test_enforcement_waits_for_the_day_to_perform_or_a_refusal() -> None:
    """《民事诉讼法》第二百零六条: enforced when a party "拒绝履行或者未全部履行". The
    agreement ruled valid is to be performed by 03-20: an application on 03-19, with no
    refusal reported, is refused and changes nothing; once the obligor's refusal is reported
    (``report_not_performed``) it is made at once; after 03-20 it needs no report."""
    e = _demo()
    waiting = _ruled_valid(e)
    before = e.get(waiting)
    with pytest.raises(RuleRejectedError, match="尚未届满"):
        e.fire(waiting, "apply_enforcement", actor=MEDIATOR, at=at("2026-03-19", 10))
    assert e.get(waiting) == before
    after = e.fire(waiting, "apply_enforcement", actor=MEDIATOR, at=at("2026-03-21", 10))
    assert after.overlays.get("after_ruling").enforcement_applied_on.isoformat() == "2026-03-21"  # type: ignore[union-attr]

    refused = _ruled_valid(e)
    e.fire(refused, "begin_performance", actor=MEDIATOR, at=at("2026-03-17", 10))
    e.fire(refused, "report_not_performed", actor=MEDIATOR, at=at("2026-03-18", 10),
           note="被申请人明确表示拒绝履行")  # fmt: skip
    made = e.fire(refused, "apply_enforcement", actor=MEDIATOR, at=at("2026-03-19", 10))
    assert made.overlays.get("after_ruling").enforcement_applied_on.isoformat() == "2026-03-19"  # type: ignore[union-attr]


def test_a_filed_application_prints_the_day_it_was_filed_whenever_it_is_printed() -> None:
    """§2.1 #11, 《人民调解法》第三十三条: the joint application filed on 03-09 is a dated
    paper; printed for the dossier after the ruling (03-17), it still says 2026年3月9日 and
    not the print day — the window it was filed in is the one it states."""
    e = _demo()
    case_id = _ruled_valid(e)
    for fmt in ("text", "html"):
        out = e.render(case_id, "judicial_confirmation_application", format=fmt)
        assert "2026年3月9日" in out
        assert "2026年3月17日" not in out


def test_an_agreement_ruled_valid_is_enforced_not_sued_on_again() -> None:
    """《人民调解法》第三十三条第二款: once the court ruled the agreement valid, a party who
    does not perform is met by an application for enforcement (民诉法 第二百零六条); the suit
    on the agreement of 第三十二条 is for an agreement no court confirmed. Before the ruling,
    the parties were told of that suit."""
    from mediation.rules.dispute import remedies

    e = _demo()
    before = run(e, stop_before="begin_performance")
    assert any("第三十二条" in r for r in remedies(before, e.policy))
    case_id = _ruled_valid(e)
    told = remedies(e.get(case_id), e.policy)
    assert any("申请强制执行" in r and "第三十三条第二款" in r for r in told)
    assert not any("第三十二条" in r for r in told)
