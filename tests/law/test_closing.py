"""Closing a dispute (dispute workflow version 4): what it ends and what it does not.

- The parties' 30 days to apply for 司法确认 are theirs (《人民调解法》第三十三条;
  《民事诉讼法》第二百零五条): the committee closing its file does not end them.
- The callback visits a closing counts are those on the current round of mediation
  (《人民调解法》第三十一条第二款; 2002 规定 第三十六条).
- A labour dispute's agreement is written (《劳动争议调解仲裁法》第十四条第一款).
- The practice default for administrative mediation is a target (RULES.md §6.7).
"""

from __future__ import annotations

import pytest

from mediation import Actor, Engine, RuleRejectedError, ValidationError
from mediation._demo import DIRECTOR, MEDIATOR, agreement, run
from mediation.model import ClockKind, DeadlineStatus
from mediation.rules.policy import Policy
from mediation.workflows.dispute import DISPUTE

from ..conftest import make_engine
from ..helpers import ADMIN, intake, signed_by_all, to_state
from ._support import ORG, actor, at, clock, clocks, day, engine, register


def _demo() -> Engine:
    from mediation._demo import ORG as DEMO_ORG

    return Engine.in_memory(policy=Policy(org=DEMO_ORG), reader=Actor.system())


def _apply(e: Engine, case_id: str, when: str) -> object:
    return e.fire(
        case_id,
        "apply_confirmation",
        actor=MEDIATOR,
        at=at(when, 10),
        court="青田县人民法院",
        joint=True,
    )


def test_the_parties_may_apply_for_confirmation_after_the_committee_closes() -> None:
    """The demo agreement took effect on Fri 2026-03-06: the 30 days end on Sun 04-05, in
    清明 (04-04..04-06), so on Tue 04-07. The committee closes on 03-31; the parties apply
    on 04-01, in time. A closed case runs no clock (DESIGN.md): closing met the committee's
    clocks and cancelled the window's — the parties' right does not end with it (the guard
    reads the dates), and the court's stage on the closed file opens no clock either."""
    e = _demo()
    case = run(e)
    assert (case.state, case.workflow_version) == ("closed", DISPUTE.version)
    window = clock(case, "judicial_confirmation_apply")
    assert (window.status, window.due.isoformat()) == (DeadlineStatus.cancelled, "2026-04-07")
    assert not case.open_deadlines
    applied = _apply(e, case.id, "2026-04-01")
    assert applied.details.confirmation.court == "青田县人民法院"  # type: ignore[union-attr]
    assert not applied.open_deadlines  # type: ignore[attr-defined]


def test_after_the_thirty_days_a_closed_case_cannot_apply() -> None:
    """04-08 is a day past the window: refused, naming its last day."""
    e = _demo()
    case = run(e)
    with pytest.raises(RuleRejectedError, match="2026-04-07"):
        _apply(e, case.id, "2026-04-08")


def test_a_version_3_case_closed_inside_the_window_may_still_apply() -> None:
    """Versions 2 and 3 cancelled the window on closing; the application is still taken
    within the 30 days (the guard reads the dates), and the recorded case replays."""
    with make_engine("memory") as e:
        first = intake(e)
        e.migrate_case(first.id, to_version=3, actor=ADMIN, at=at("2026-03-02", 9, 30))
        case = to_state(e, first.id, "closed")
        assert case.workflow_version == 3
        assert clock(case, "judicial_confirmation_apply").status is DeadlineStatus.cancelled
        _apply(e, case.id, "2026-04-01")
        assert e.verify(case.id).ok


def test_a_visit_on_a_replaced_agreement_does_not_close_the_new_one() -> None:
    """Visited on 03-30, then re-mediated: a new agreement on 04-08, performed 04-20. The
    close on 04-21 needs a visit on the new agreement, or the reason none was made."""
    e = _demo()
    case = run(e, stop_before="close")
    assert len(case.details.visits) == 1
    assert case.outcome == "达成调解协议，已履行完毕"  # what the 卷宗 says of it
    reopened = e.fire(
        case.id,
        "reopen",
        actor=MEDIATOR,
        at=at("2026-03-31"),
        reason="回访发现矛盾反复",
        consent=True,
    )
    assert reopened.outcome is None  # mediating again: not ended
    new = agreement()
    new["performance_deadline"] = "2026-04-20"
    e.fire(case.id, "agree", actor=MEDIATOR, at=at("2026-04-08"), agreement=new)
    for s in signed_by_all(e.get(case.id), at("2026-04-08", 11), "陈调解", "东门村人民调解委员会"):
        e.fire(case.id, "sign", actor=MEDIATOR, at=at("2026-04-08", 11), **s)
    e.fire(case.id, "begin_performance", actor=MEDIATOR, at=at("2026-04-09"))
    e.fire(case.id, "confirm_performed", actor=MEDIATOR, at=at("2026-04-20"))
    e.fire(case.id, "start_callback", actor=MEDIATOR, at=at("2026-04-21"))
    with pytest.raises(RuleRejectedError, match="已回访0次"):
        e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-04-21", 10))
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-04-22"), visitor="陈调解",
           party="p1", finding="performed")  # fmt: skip
    closed = e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-04-22", 10))
    assert closed.state == "closed"
    assert closed.outcome == "达成调解协议，已履行完毕"
    assert clock(closed, "callback_visit").status is DeadlineStatus.met


def test_a_labour_dispute_is_not_settled_orally() -> None:
    """A labour dispute at the village committee: an oral agreement is refused, naming the
    form and 第十四条; the written one is taken."""
    e = engine()
    case = register(e, "qt-dm-dmc", at("2026-09-14"), category="labour")
    who = actor("qt-dm-dmc")
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track="people", level="village")
    e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11))
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-09-14", 12))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-15"), mediators=[who.id])
    oral = agreement("2026-10-20")
    oral["form"] = "oral"
    with pytest.raises(ValidationError, match="第十四条") as err:
        e.fire(case.id, "agree", actor=who, at=at("2026-09-16"), agreement=oral)
    assert err.value.field == "agreement.form"
    done = e.fire(
        case.id, "agree", actor=who, at=at("2026-09-16"), agreement=agreement("2026-10-20")
    )
    assert done.state == "agreed"


def test_a_land_contract_dispute_is_not_settled_orally_either() -> None:
    """The township government mediating a land-contract dispute writes its agreement
    (《农村土地承包经营纠纷调解仲裁法》第十条)."""
    e = engine()
    case = register(e, "qt-dmz", at("2026-09-14"), category="land_contract")
    who = actor("qt-dmz")
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track="administrative")
    e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-15"), mediators=[who.id])
    oral = agreement("2026-10-20")
    oral["form"] = "oral"
    with pytest.raises(ValidationError, match="第十条"):
        e.fire(case.id, "agree", actor=who, at=at("2026-09-16"), agreement=oral)


@pytest.mark.parametrize(
    ("unit", "track", "category", "article"),
    [
        ("qt-pcs", "administrative", "labour", "第十条"),  # a police station
        ("qt-wjj", "administrative", "labour", "第十条"),  # the health department
        ("qt-yt", "people", "labour", "第十条"),  # the medical 医调委: not its field
        ("qt-pcs", "administrative", "land_contract", "第七条"),
        ("qt-wjj", "administrative", "land_contract", "第七条"),
    ],
)
def test_only_the_organisations_the_statute_names_accept_labour_and_land_disputes(
    unit: str, track: str, category: str, article: str
) -> None:
    """劳动争议调解仲裁法 第十条: an enterprise's committee, a basic-level people's mediation
    organisation, a township (street) body; 农村土地承包经营纠纷调解仲裁法 第七条: the
    villagers' committee or the township government. Others refuse, naming the article."""
    e = engine()
    case = register(e, unit, at("2026-09-14"), category=category)
    who = actor(unit)
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track=track)
    with pytest.raises(RuleRejectedError, match=article) as err:
        e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11), other_side_consents=True)
    assert "不能受理" in err.value.reason


@pytest.mark.parametrize(
    ("unit", "track", "category"),
    [
        ("qt-dm-dmc", "people", "labour"),
        ("qt-dmz", "administrative", "labour"),
        ("qt-dm-dmc", "people", "land_contract"),
        ("qt-dmz", "administrative", "land_contract"),
    ],
)
def test_the_named_organisations_accept_them(unit: str, track: str, category: str) -> None:
    """The village committee and the township government take both."""
    e = engine()
    case = register(e, unit, at("2026-09-14"), category=category)
    who = actor(unit)
    level = {"track": track, "level": "village"} if track == "people" else {"track": track}
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), **level)
    assert e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11)).state == "accepted"


def test_a_town_government_s_land_contract_agreement_follows_its_statute() -> None:
    """《农村土地承包经营纠纷调解仲裁法》第十条 (RULES.md §6.2): the town government's
    agreement on a land-contract dispute is signed, sealed or fingerprinted by the parties,
    signed by the mediators and sealed by the body; not performed, the parties go to
    arbitration or court (第四条). Not a 人民调解协议书, no 司法确认, not the local rules."""
    from mediation._demo import agreement

    e = engine()
    town = actor("qt-dmz")
    case = register(e, "qt-dmz", at("2026-03-02"), category="land_contract")
    e.fire(case.id, "triage", actor=town, at=at("2026-03-02", 10), track="administrative")
    e.fire(case.id, "accept", actor=town, at=at("2026-03-02", 11))
    e.fire(case.id, "inform_rights", actor=town, at=at("2026-03-02", 12))
    e.fire(case.id, "start_mediation", actor=town, at=at("2026-03-03"), mediators=["m"])
    e.fire(case.id, "agree", actor=town, at=at("2026-03-05"), agreement=agreement("2026-03-20"))
    text = str(e.render(case.id, "mediation_agreement"))
    assert "农村土地承包经营纠纷调解协议书" in text
    assert (
        "经调解人员签名并加盖调解组织印章后生效（《农村土地承包经营纠纷调解仲裁法》第十条）" in text
    )
    assert "第四条" in text
    for wrong in ("人民调解协议书", "司法确认", "各地行政调解办法"):
        assert wrong not in text, wrong
    notice = str(e.render(case.id, "rights_notice"))  # told under the same statute
    assert "农村土地承包经营纠纷调解当事人权利义务告知书" in notice
    assert "第七条" in notice
    assert "第四条" in notice
    for wrong in ("司法确认", "各地行政调解办法", "RULES.md"):
        assert wrong not in notice, wrong


def test_administrative_mediation_by_default_is_a_target_not_a_duty() -> None:
    """The 20 working days are a locality's practice (RULES.md §6.7, PRACTICE): a target,
    reminded and never supervised as a breach. Version 3 opened it as a duty."""
    e = engine()
    case = register(e, "qt-dmz", at("2026-09-01"), category="neighbor")
    who = actor("qt-dmz")
    e.fire(case.id, "triage", actor=who, at=at("2026-09-01", 10), track="administrative")
    accepted = e.fire(case.id, "accept", actor=who, at=at("2026-09-01", 11))
    assert clock(accepted, "administrative_mediation").kind is ClockKind.target
    assert ORG.get("qt-dmz").kind == "government"


def test_a_court_delegated_mediation_is_reported_to_the_court_before_closing() -> None:
    """委派 before filing (特邀调解规定 第二十六条): mediation ends without agreement; the
    mediator reports in writing and returns the file before the case closes. The report is
    taken once per round, only after the round ended, and only on a court's mediation."""
    e = engine()
    who = actor("qt-dm")
    case = register(
        e,
        "qt-dm",
        at("2026-09-07"),
        channel="court_referral",
        details={"materials_signed_on": "2026-09-07", "court": "青田县人民法院"},
    )
    e.fire(case.id, "triage", actor=who, at=at("2026-09-07", 10), track="people")
    e.fire(case.id, "accept", actor=who, at=at("2026-09-07", 11))
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-09-07", 12))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-08"), mediators=[who.id])
    with pytest.raises(RuleRejectedError, match="调解尚未结束"):
        e.fire(case.id, "report_to_court", actor=who, at=at("2026-09-09"), text="调解中")
    e.fire(
        case.id,
        "terminate",
        actor=who,
        at=at("2026-09-10"),
        reason="双方分歧较大",
        remedies_informed=True,
    )
    with pytest.raises(RuleRejectedError, match="第二十六条") as err:
        e.fire(case.id, "close", actor=who, at=at("2026-09-11"))
    assert "书面报告人民法院" in err.value.reason
    # A report without the file does not discharge 第二十六条 (version 10): the return is
    # reported when the file goes back, and the case closes only then.
    e.fire(case.id, "report_to_court", actor=who, at=at("2026-09-11", 8), text="调解不成",
           materials_returned=False)  # fmt: skip
    with pytest.raises(RuleRejectedError, match="第二十六条"):
        e.fire(case.id, "close", actor=who, at=at("2026-09-11", 8, 30))
    reported = e.fire(
        case.id, "report_to_court", actor=who, at=at("2026-09-11", 9), text="调解不成，退回材料"
    )
    report = reported.overlays.get("court_report")
    assert (report.agreed, report.materials_returned) == (False, True)
    with pytest.raises(RuleRejectedError, match="已经书面报告"):
        e.fire(case.id, "report_to_court", actor=who, at=at("2026-09-11", 10), text="再报")
    assert e.fire(case.id, "close", actor=who, at=at("2026-09-11", 11)).state == "closed"
    assert e.verify(case.id).ok


def test_a_court_s_mediation_refused_or_withdrawn_is_reported_on_its_closed_file() -> None:
    """特邀调解规定 第二十六条 ends a delegated mediation on a party's refusal or a withdrawal
    too, and the court is told in writing: the report is taken on the closed file, once."""
    e = engine()
    who = actor("qt-dm")
    ended = []
    for how in ("refused", "withdrawn"):
        case = register(e, "qt-dm", at("2026-09-07"), channel="court_referral",
                        details={"materials_signed_on": "2026-09-07"})  # fmt: skip
        e.fire(case.id, "triage", actor=who, at=at("2026-09-07", 10), track="people")
        if how == "refused":
            done = e.fire(case.id, "accept", actor=who, at=at("2026-09-07", 11),
                          refused_by=case.parties[1].id)  # fmt: skip
        else:
            done = e.fire(case.id, "withdraw", actor=who, at=at("2026-09-07", 11), reason="撤回")
        assert e.definition("dispute").is_closed(done.state)
        reported = e.fire(case.id, "report_to_court", actor=who, at=at("2026-09-08"),
                          text="当事人拒绝调解（撤回申请），退回材料")  # fmt: skip
        assert reported.overlays.get("court_report").agreed is False
        with pytest.raises(RuleRejectedError, match="已经书面报告"):
            e.fire(case.id, "report_to_court", actor=who, at=at("2026-09-09"), text="再报")
        ended.append(reported.state)
    assert ended == ["not_accepted", "withdrawn"]


def test_only_a_court_s_mediation_is_reported_to_it() -> None:
    """A walk-in people's mediation owes the court nothing: the step is refused."""
    e = engine()
    who = actor("qt-dm-dmc")
    case = register(e, "qt-dm-dmc", at("2026-09-07"))
    e.fire(case.id, "triage", actor=who, at=at("2026-09-07", 10), track="people", level="village")
    with pytest.raises(RuleRejectedError, match="委派、委托"):
        e.fire(case.id, "report_to_court", actor=who, at=at("2026-09-08"), text="无")


def _delegated_agreement(e: Engine, **accept: object) -> str:
    """A mediation the county court delegated (委派) before filing, its agreement signed by
    everyone on Wed 2026-09-09: the 30 days for 司法确认 run."""
    who = actor("qt-dm")
    details = {"materials_signed_on": "2026-09-07"}
    if not accept:
        details["court"] = "青田县人民法院"
    case = register(e, "qt-dm", at("2026-09-07"), channel="court_referral", details=details)
    e.fire(case.id, "triage", actor=who, at=at("2026-09-07", 10), track="people")
    e.fire(case.id, "accept", actor=who, at=at("2026-09-07", 11), **accept)
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-09-07", 12))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-08"), mediators=[who.id])
    e.fire(case.id, "agree", actor=who, at=at("2026-09-09"), agreement=agreement("2026-10-20"))
    for s in signed_by_all(e.get(case.id), at("2026-09-09", 11), who.id, "qt-dm"):
        e.fire(case.id, "sign", actor=who, at=at("2026-09-09", 11), **s)
    return case.id


@pytest.mark.parametrize("given_at", ["intake", "accept"])
def test_a_court_delegated_agreement_is_confirmed_by_the_inviting_court(given_at: str) -> None:
    """《民事诉讼法》第二百零五条第一项: when a court invited the mediation, the parties apply
    for 司法确认 to that court, not to one where a party lives. The court's name is recorded
    at registration or at acceptance; another court is refused, naming the field, the
    inviting court and the article, and the case is left as it was."""
    e = engine()
    accept = {} if given_at == "intake" else {"court": "青田县人民法院"}
    case_id = _delegated_agreement(e, **accept)
    who = actor("qt-dm")
    before = e.get(case_id)
    assert clock(before, "judicial_confirmation_apply").is_open
    with pytest.raises(ValidationError, match="第二百零五条第一项") as err:
        e.fire(
            case_id,
            "apply_confirmation",
            actor=who,
            at=at("2026-09-10"),
            court="丽水市莲都区人民法院",
            joint=True,
        )
    assert err.value.field == "court"
    assert "青田县人民法院" in str(err.value)
    assert e.get(case_id) == before
    applied = e.fire(
        case_id,
        "apply_confirmation",
        actor=who,
        at=at("2026-09-10"),
        court=" 青田县人民法院 ",
        joint=True,
    )
    assert applied.details.confirmation.court == "青田县人民法院"
    assert e.verify(case_id).ok


def test_the_inviting_court_may_be_recorded_by_its_unit() -> None:
    """The court recorded as its unit of the org tree (``qt-fy``, 青田县人民法院): an
    application naming the court or its unit is taken; another court is refused by name."""
    e = engine()
    case_id = _delegated_agreement(e, court="qt-fy")
    who = actor("qt-dm")
    with pytest.raises(ValidationError, match="青田县人民法院"):
        e.fire(case_id, "apply_confirmation", actor=who, at=at("2026-09-10"),
               court="丽水市中级人民法院", joint=True)  # fmt: skip
    applied = e.fire(case_id, "apply_confirmation", actor=who, at=at("2026-09-10"),
                     court="青田县人民法院", joint=True)  # fmt: skip
    assert applied.details.confirmation.court == "青田县人民法院"


def test_a_committee_s_own_agreement_may_go_to_any_competent_court() -> None:
    """第二百零五条第二项: mediation the committee began itself goes to a basic-level court
    where a party lives, the subject matter lies or the committee sits: no inviting court is
    recorded, and the parties' choice is taken."""
    e = _demo()
    case = run(e, stop_before="close")
    assert case.details.facts.court is None
    applied = e.fire(
        case.id,
        "apply_confirmation",
        actor=MEDIATOR,
        at=at("2026-03-31", 10),
        court="丽水市莲都区人民法院",
        joint=True,
    )
    assert applied.details.confirmation.court == "丽水市莲都区人民法院"


def test_an_agreement_not_performed_closes_once_the_parties_were_told_their_remedies() -> None:
    """人民调解法 第三十二条 (a suit on the agreement), 2002 规定 第三十七条: a case whose
    agreement was not performed is not closed as if all were settled — the closing records
    that the parties were told what they may do. A performed one closes without it."""
    e = _demo()
    case = run(e, stop_before="confirm_performed")
    e.fire(case.id, "report_not_performed", actor=MEDIATOR, at=at("2026-03-25"))
    e.fire(case.id, "start_callback", actor=MEDIATOR, at=at("2026-03-26"))
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-03-27"), visitor="陈调解",
           party="张三", performance="未履行", satisfaction="unsatisfied")  # fmt: skip
    before = e.get(case.id)
    with pytest.raises(RuleRejectedError, match="第三十二条"):
        e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-31"))
    assert e.get(case.id) == before
    closed = e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-31"), remedies_informed=True)
    assert closed.state == "closed"
    assert run(e).state == "closed"  # performed: no such question


def test_a_high_court_does_not_confirm_a_committee_s_agreement() -> None:
    """民诉法 第二百零五条第二项, 解释 第三百五十二条: a basic-level court (or the intermediate
    court where the dispute is its): an application to a high court is refused naming
    ``court``, the case left as it was; the county court takes it."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09"),
               court="浙江省高级人民法院", joint=True)  # fmt: skip
    assert err.value.field == "court"
    assert "第三百五十二条" in str(err.value)
    assert e.get(case.id) == before
    e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09"),
           court="青田县人民法院", joint=True)  # fmt: skip


@pytest.mark.parametrize(
    ("court", "why"),
    [
        ("东门镇人民政府", "不是人民法院"),  # a name that is not a court's
        ("qt-dmz", "不是人民法院"),  # a unit of the org tree that is not a court
    ],
)
def test_judicial_confirmation_is_applied_for_at_a_court(court: str, why: str) -> None:
    """民诉法 第二百零五条, 人民调解法 第三十三条: the parties apply to a people's court. An
    application addressed to a town government — by name or by its unit id — is refused
    naming ``court``, the case left as it was; the county court takes it."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    before = e.get(case.id)
    with pytest.raises(ValidationError) as err:
        e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09"),
               court=court, joint=True)  # fmt: skip
    assert err.value.field == "court"
    assert why in str(err.value)
    assert e.get(case.id) == before
    applied = e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09"),
                     court="青田县人民法院", joint=True)  # fmt: skip
    assert applied.details.confirmation is not None  # type: ignore[union-attr]


def test_a_court_of_the_org_tree_is_named_by_its_unit_id() -> None:
    """The county court of the org tree (kind ``court``) is accepted by its unit id."""
    e = engine()  # the demo's units and the county court
    case = run(e, stop_before="begin_performance")
    applied = e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-03-09"),
                     court="qt-fy", joint=True)  # fmt: skip
    assert applied.details.confirmation is not None  # type: ignore[union-attr]


def test_a_court_handing_a_matter_to_a_committee_delegates_it() -> None:
    """诉调对接 (RULES.md §6.6, §7.7): the county court hands a matter to the village committee
    before filing (委派). The committee's case comes by court referral, records the court,
    runs the court-delegated 30 days from the materials' receipt (特邀调解规定 第二十七条:
    signed for on Thu 03-05 → Sat 04-04, in 清明 to Mon 04-06 → Tue 04-07) and does not
    close before its written report to the court (第二十六条)."""
    court, village = actor("qt-fy"), actor("qt-dm-dmc")
    e = engine()
    case = register(e, "qt-fy", at("2026-03-02"))
    e.fire(case.id, "triage", actor=court, at=at("2026-03-02", 10), track="judicial")
    e.fire(case.id, "accept", actor=court, at=at("2026-03-02", 11))
    handed = e.fire(case.id, "hand_off", actor=court, at=at("2026-03-04"), track="people",
                    unit="qt-dm-dmc", reason="诉前委派调解", consent=True)  # fmt: skip
    committee = e.get(handed.links[-1].case_id)
    assert committee.channel == "court_referral"
    assert committee.details.facts.court == "qt-fy"  # type: ignore[union-attr]
    letter = str(e.render(case.id, "transfer_letter"))  # the court writes as a court
    assert "本院登记了" in letter
    assert "《中华人民共和国民事诉讼法》第一百二十五条" in letter
    assert "本委员会" not in letter
    e.fire(committee.id, "triage", actor=village, at=at("2026-03-05", 9), track="people")
    accepted = e.fire(committee.id, "accept", actor=village, at=at("2026-03-05", 10),
                      materials_signed_on="2026-03-05")  # fmt: skip
    delegated = clock(accepted, "court_delegated")
    assert (delegated.start.isoformat(), delegated.due.isoformat()) == ("2026-03-05", "2026-04-07")
    e.fire(committee.id, "inform_rights", actor=village, at=at("2026-03-06", 9), written=True)
    e.fire(committee.id, "start_mediation", actor=village, at=at("2026-03-06", 10),
           mediators=[village.id])  # fmt: skip
    e.fire(committee.id, "terminate", actor=village, at=at("2026-03-09"), reason="分歧大",
           remedies_informed=True)  # fmt: skip
    with pytest.raises(RuleRejectedError, match="report_to_court"):
        e.fire(committee.id, "close", actor=village, at=at("2026-03-10"),
               no_visit_reason="调解不成")  # fmt: skip


@pytest.mark.parametrize(
    ("channel", "track"),
    [("court_referral", "people"), ("court_referral", "judicial"), ("walk_in", "people")],
)
def test_a_court_delegated_agreement_takes_effect_on_the_parties_signatures(
    channel: str, track: str
) -> None:
    """特邀调解规定 第二十四条 (RULES.md §6.6): an agreement reached in mediation a court
    delegated before filing (委派) takes effect on the parties' signatures, on whichever
    track the committee triaged it (version 10: the judicial track's 委派 too, which ran on
    委派's 30 日); the mediator's signature and the seal, given later, do not move it. A
    walk-in people's mediation's agreement waits for them (《人民调解法》第二十九条第二款):
    performance is refused and the case is left as it was."""
    e = engine()
    who = actor("qt-dm")
    details = {"materials_signed_on": "2026-09-07", "court": "青田县人民法院"}
    case = register(e, "qt-dm", at("2026-09-07"), channel=channel,
                    **({"details": details} if channel == "court_referral" else {}))  # fmt: skip
    e.fire(case.id, "triage", actor=who, at=at("2026-09-07", 10), track=track)
    e.fire(case.id, "accept", actor=who, at=at("2026-09-07", 11))
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-09-07", 12))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-08"), mediators=[who.id])
    e.fire(case.id, "agree", actor=who, at=at("2026-09-09"), agreement=agreement("2026-10-20"))
    everyone = signed_by_all(e.get(case.id), at("2026-09-09", 11), who.id, "qt-dm")
    for s in everyone[:-2]:  # the parties only
        e.fire(case.id, "sign", actor=who, at=at("2026-09-09", 11), **s)
    signed = e.get(case.id)
    text = str(e.render(case.id, "mediation_agreement"))
    if channel == "walk_in":
        assert not clocks(signed, "judicial_confirmation_apply")
        assert "待：调解员签名、人民调解委员会盖章" in text
        with pytest.raises(RuleRejectedError, match="尚缺：调解员签名、调解委员会盖章"):
            e.fire(case.id, "begin_performance", actor=who, at=at("2026-09-10"))
        assert e.get(case.id) == signed
        return
    confirm = clock(signed, "judicial_confirmation_apply")
    assert confirm.is_open
    assert confirm.start == day("2026-09-09")
    assert "特邀调解的规定》第二十四条" in text
    assert "本协议已于2026年9月9日" in text
    application = str(e.render(case.id, "judicial_confirmation_application"))
    assert (
        "经各方当事人签名（《最高人民法院关于人民法院特邀调解的规定》第二十四条）后生效"
        in application
    )
    assert "加盖人民调解委员会印章后生效" not in application
    for s in everyone[-2:]:  # the mediator and the seal, a day later: the effect stays put
        e.fire(
            case.id,
            "sign",
            actor=who,
            at=at("2026-09-10", 9),
            **{**s, "signed_at": at("2026-09-10", 9)},
        )
    assert clock(e.get(case.id), "judicial_confirmation_apply").start == day("2026-09-09")
    assert (
        e.fire(case.id, "begin_performance", actor=who, at=at("2026-09-10")).state == "performing"
    )
    assert e.verify(case.id).ok


def test_a_failed_re_mediation_leaves_the_agreement_and_its_confirmation_window() -> None:
    """《人民调解法》第三十一条、第三十三条; 2002 规定 第三十七条第二项: an agreement in effect
    binds until a new one changes it. The demo's agreement took effect Fri 03-06 (window to
    Tue 04-07, past 清明); it is mediated again on 03-23 and that round fails on 03-24: the
    window still runs and the parties apply on 03-25. A round that reaches a new agreement
    supersedes it: the old window is cancelled and the new agreement's own opens."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    e.fire(case.id, "begin_performance", actor=MEDIATOR, at=at("2026-03-09"))
    e.fire(case.id, "report_not_performed", actor=MEDIATOR, at=at("2026-03-23"))
    e.fire(case.id, "remediate", actor=MEDIATOR, at=at("2026-03-23", 10),
           reason="协商变更履行方式", consent=True)  # fmt: skip
    failed = e.fire(case.id, "terminate", actor=MEDIATOR, at=at("2026-03-24"),
                    reason="变更协商未果", remedies_informed=True)  # fmt: skip
    window = clock(failed, "judicial_confirmation_apply")
    assert (window.status, window.due) == (DeadlineStatus.running, day("2026-04-07"))
    applied = _apply(e, case.id, "2026-03-25")
    assert applied.details.confirmation is not None  # type: ignore[attr-defined]

    again = run(e, stop_before="begin_performance")
    e.fire(again.id, "begin_performance", actor=MEDIATOR, at=at("2026-03-09"))
    e.fire(again.id, "report_not_performed", actor=MEDIATOR, at=at("2026-03-23"))
    e.fire(again.id, "remediate", actor=MEDIATOR, at=at("2026-03-23", 10),
           reason="双方要求变更", consent=True)  # fmt: skip
    assert clock(e.get(again.id), "judicial_confirmation_apply").is_open
    e.fire(
        again.id, "agree", actor=MEDIATOR, at=at("2026-03-24"), agreement=agreement("2026-04-20")
    )
    for s in signed_by_all(e.get(again.id), at("2026-03-24", 10), MEDIATOR.id, "qt-dm-dmc"):
        e.fire(again.id, "sign", actor=MEDIATOR, at=at("2026-03-24", 10), **s)
    windows = clocks(e.get(again.id), "judicial_confirmation_apply")
    assert [w.status for w in windows] == [DeadlineStatus.cancelled, DeadlineStatus.running]
    assert windows[-1].start == day("2026-03-24")
    assert e.verify(again.id).ok


def test_an_agreement_performed_on_the_spot_may_be_entered_after_the_holiday() -> None:
    """《人民调解法》第二十九条第二款: a written agreement takes effect on the day the last
    signature and the seal are given. Reached and signed by everyone on Thu 2026-04-30 at 16:00,
    to be performed that day, it is entered after the 劳动节 break, on Wed 05-06, dated as it
    happened: it is in effect from 04-30 and the parties' 30 days run to Sat 05-30 → Mon
    06-01. Entering the signatures on 05-06 works the same way."""
    e = engine()
    who = actor("qt-dm-dmc")
    ended = []
    for with_signatures in (True, False):
        case = register(e, "qt-dm-dmc", at("2026-04-27"))
        e.fire(case.id, "triage", actor=who, at=at("2026-04-27", 10), track="people",
               level="village")  # fmt: skip
        e.fire(case.id, "accept", actor=who, at=at("2026-04-27", 11))
        e.fire(case.id, "inform_rights", actor=who, at=at("2026-04-28"), written=True)
        e.fire(case.id, "start_mediation", actor=who, at=at("2026-04-30", 14), mediators=[who.id])
        given = agreement("2026-04-30")
        signatures = signed_by_all(e.get(case.id), at("2026-04-30", 16), who.id, "qt-dm-dmc")
        if with_signatures:
            given["signatures"] = signatures
            e.fire(case.id, "agree", actor=who, at=at("2026-05-06", 9),
                   reached_at=at("2026-04-30", 15), agreement=given)  # fmt: skip
        else:
            e.fire(case.id, "agree", actor=who, at=at("2026-04-30", 15), agreement=given)
            for s in signatures:
                e.fire(case.id, "sign", actor=who, at=at("2026-05-06", 9), **s)
        window = clock(e.get(case.id), "judicial_confirmation_apply")
        ended.append((window.start, window.due))
    assert ended == [(day("2026-04-30"), day("2026-06-01"))] * 2


def test_the_closing_report_s_time_is_not_a_performance_mediated_again_since() -> None:
    """RULES.md §2.1: 结案时间 is when performance completed — not a performance the matter
    was mediated again after. The demo's agreement was performed on 03-18; mediation
    reopened on 03-31 and failed on 04-10; the file closed on 04-22: 结案时间 is the closing."""
    e = _demo()
    case = run(e, stop_before="close")
    e.fire(case.id, "reopen", actor=MEDIATOR, at=at("2026-03-31"), reason="矛盾反复", consent=True)
    e.fire(case.id, "terminate", actor=MEDIATOR, at=at("2026-04-10", 16),
           reason="再次调解不成", remedies_informed=True)  # fmt: skip
    e.fire(case.id, "start_callback", actor=MEDIATOR, at=at("2026-04-20"))
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-04-21"), visitor="陈调解",
           party="p1", performance="原协议已履行，矛盾反复，再次调解不成")  # fmt: skip
    e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-04-22"))
    text = str(e.render(case.id, "closing_report"))
    assert "结案时间：2026年4月22日" in text
