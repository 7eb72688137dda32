"""The notices that end a mediation follow its procedure and what the parties still have.

- A traffic-police or health-department mediation is not a people's mediation: its
  termination notice is the organ's (本机关), under its own rule (《道路交通事故处理程序规定》
  第九十条 调解终结书; 《医疗纠纷预防和处理条例》第四十条; RULES.md §6.7 otherwise), and never
  offers the procedure that just ended (RULES.md §6.3, §6.4, §6.7).
- 2002 规定 第三十七条 and 《人民调解法》第三十二条 are about an agreement not performed or in
  dispute: cited only where an agreement exists. The not-accepted notice sends the parties
  on under 2002 规定 第二十四条, not 第二十六条 (a failed mediation) (RULES.md §1, §2).
- Labour disputes go to arbitration (《劳动争议调解仲裁法》), as 第十四条第三款 only once the
  15 days lapsed; after an agreement not performed, 第十五条 and the 支付令 of 第十六条; never
  a suit under 《人民调解法》第三十二条 (RULES.md §6.1).

Every case is taken through the engine and rendered by it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mediation import Actor, Engine
from mediation._demo import CLERK, MEDIATOR, policy, run
from mediation.rules.calendar import is_working_day
from mediation.rules.dispute import remedies
from tests.law._support import actor, at, engine, register

FORMATS = ("text", "html")


def _render(e: Engine, case_id: str, kind: str) -> list[str]:
    out = [e.render(case_id, kind, format=fmt) for fmt in FORMATS]
    assert all(isinstance(o, str) for o in out)
    return [str(o) for o in out]


def _terminate(e: Engine, unit: str, when: str, *, category: str, **kw: Any) -> str:
    """Register at ``unit`` on the administrative track, accept, mediate, terminate: the same
    day, or — the traffic police's, whose parties are told of the session three working days
    before (程序规定 第八十八条) — told on the day, the session three working days later."""
    who = actor(unit)
    details = {"track": "administrative", **kw.pop("details", {})}
    case = register(e, unit, at(when), category=category, details=details)
    e.fire(case.id, "triage", actor=who, at=at(when, 10), track="administrative")
    e.fire(case.id, "accept", actor=who, at=at(when, 11), **kw)
    session, notice = when, {}
    if category == "traffic":
        day, worked = dt.date.fromisoformat(when), 0
        while worked < 3:
            day += dt.timedelta(days=1)
            worked += is_working_day(day, e.policy.calendar)
        session, notice = day.isoformat(), {"notified_on": when}
    e.fire(case.id, "start_mediation", actor=who, at=at(session, 14), mediators=[who.id],
           **notice)  # fmt: skip
    e.fire(
        case.id,
        "terminate",
        actor=who,
        at=at(session, 16),
        reason="双方分歧较大",
        remedies_informed=True,
    )
    return case.id


# -- finding 1: the administrative track -------------------------------------------------


def test_traffic_police_mediation_ends_with_a_调解终结书_and_the_civil_suit() -> None:
    """程序规定 第九十条: the traffic police's mediation ends with a 调解终结书; what is left is
    the civil suit (《道路交通安全法》第七十四条), not the police mediation that just ended
    (第八十五条), and nothing of people's mediation (人民调解法 第二十六条, 本委员会)."""
    e = engine()
    cid = _terminate(
        e,
        "qt-jj",
        "2026-09-21",
        category="traffic",
        details={"joint_application": True, "certificate_received_on": "2026-09-18"},
        mediation_start_on="2026-09-21",
    )
    for out in _render(e, cid, "termination_notice"):
        assert "道路交通事故损害赔偿调解终结书" in out
        assert "根据《道路交通事故处理程序规定》第九十条的规定，本机关终结调解" in out
        assert "本机关于2026年9月21日受理后" in out
        assert "向人民法院提起民事诉讼（《道路交通安全法》第七十四条）" in out
        for wrong in ("人民调解", "本委员会", "第二十六条", "第八十五条", "交通管理部门调解"):
            assert wrong not in out


def test_health_department_mediation_ends_as_an_administrative_mediation() -> None:
    """条例 第四十条: the health department's mediation is administrative; the parties are told
    of the medical committee (第三十一条) and the court, not of the health department again."""
    e = engine()
    cid = _terminate(e, "qt-wjj", "2026-09-30", category="medical", other_side_consents=True)
    for out in _render(e, cid, "termination_notice"):
        assert "终止医疗纠纷行政调解告知书" in out
        assert "根据《医疗纠纷预防和处理条例》第四十条的规定，本机关决定终止调解" in out
        assert "向医疗纠纷人民调解委员会申请调解（《医疗纠纷预防和处理条例》第三十一条）" in out
        assert "依法向人民法院提起诉讼" in out
        for wrong in ("人民调解告知书", "本委员会", "人民调解法", "申请医疗纠纷行政调解"):
            assert wrong not in out


def test_other_administrative_mediation_points_to_people_s_mediation_and_the_court() -> None:
    """RULES.md §6.7: a town government's mediation is administrative (no national statute);
    people's mediation (《人民调解法》第十七条) and the court remain, not an administrative organ."""
    e = engine()
    cid = _terminate(e, "qt-dmz", "2026-09-07", category="neighbor")
    for out in _render(e, cid, "termination_notice"):
        assert "终止行政调解告知书" in out
        assert "依照行政调解的有关规定，本机关决定终止调解" in out
        assert "调解途径：向人民调解委员会申请调解（《人民调解法》第十七条）" in out
        assert "司法途径：依法向人民法院提起诉讼" in out
        for wrong in ("本委员会", "第二十六条", "有关行政机关处理", "第三十七条"):
            assert wrong not in out


def test_the_dossier_lists_the_termination_notice_by_its_own_title() -> None:
    """The 卷内目录 names the notice the traffic police issued, not a people's-mediation one."""
    e = engine()
    cid = _terminate(
        e,
        "qt-jj",
        "2026-09-21",
        category="traffic",
        details={"joint_application": True, "certificate_received_on": "2026-09-18"},
        mediation_start_on="2026-09-21",
    )
    e.fire(cid, "close", actor=actor("qt-jj"), at=at("2026-09-25"), note="调解终结")
    text = str(e.render(cid, "dossier_index"))
    assert "道路交通事故损害赔偿调解终结书" in text
    assert "终止人民调解告知书" not in text
    # Every paper by the title it is issued under; the organ's agreement is not confirmed
    # by a court under 《人民调解法》第三十三条.
    assert text.splitlines()[1].strip() == "道路交通事故损害赔偿调解卷宗卷内目录"
    for title in (
        "道路交通事故损害赔偿调解申请书或道路交通事故损害赔偿调解受理登记表",
        "道路交通事故损害赔偿调解当事人权利义务告知书",
        "道路交通事故损害赔偿调解记录（调解笔录）",
        "道路交通事故损害赔偿调解书或道路交通事故损害赔偿调解口头协议登记表",
        "司法确认有关材料　按需　不适用（道路交通事故损害赔偿调解书不申请司法确认）",
        "道路交通事故损害赔偿调解结案报告表",
    ):
        assert title in text, title
    entries = [line for line in text.splitlines() if line[:1].isdigit() or line[:1] == "附"]
    assert len(entries) >= 13
    assert not [line for line in entries if "人民调解" in line]
    assert "卷内目录（参照《人民调解法》第二十七条" in text  # filed as those are (§6.7)
    assert "人调字" not in text


def test_a_people_s_mediation_dossier_keeps_the_standard_list() -> None:
    """The control: a committee's dossier lists the people's mediation papers (§2.1)."""
    e = Engine.in_memory(policy=policy(), reader=Actor.system())
    cid = run(e).id
    text = str(e.render(cid, "dossier_index"))
    assert "人民调解卷宗卷内目录" in text
    assert "人民调解协议书或口头协议登记表" in text
    assert "司法确认有关材料　按需　如已申请则附" in text


@pytest.mark.parametrize(
    ("unit", "category", "offered"),
    [
        ("qt-yt", "medical", "申请医疗纠纷行政调解（《医疗纠纷预防和处理条例》第四十条）"),
        (
            "qt-dm-dmc",
            "traffic",
            "交通管理部门调解损害赔偿（《道路交通事故处理程序规定》第八十五条）",
        ),
    ],
)
def test_a_failed_people_s_mediation_still_offers_the_other_track(
    unit: str, category: str, offered: str
) -> None:
    """A people's mediation that failed leaves the health department (第四十条) or the traffic
    police (程序规定 第八十五条: within 3 working days of the termination) open."""
    e = engine()
    who = actor(unit)
    case = register(e, unit, at("2026-09-01"), category=category)
    e.fire(case.id, "triage", actor=who, at=at("2026-09-01", 10), track="people")
    consent = {"other_side_consents": True} if category == "medical" else {}
    e.fire(case.id, "accept", actor=who, at=at("2026-09-01", 11), **consent)
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-09-01", 11, 30))
    e.fire(case.id, "start_mediation", actor=who, at=at("2026-09-02"), mediators=[who.id])
    e.fire(
        case.id, "terminate", actor=who, at=at("2026-09-03"), reason="分歧", remedies_informed=True
    )
    for out in _render(e, case.id, "termination_notice"):
        assert "终止人民调解告知书" in out
        assert offered in out


# -- finding 11: agreement articles only with an agreement ---------------------------------


def _people_engine() -> Engine:
    return Engine.in_memory(policy=policy(), reader=Actor.system())


def test_a_termination_without_agreement_cites_no_agreement_articles() -> None:
    """No agreement: 2002 规定 第三十七条 and 人民调解法 第三十二条 do not apply; 第二十六条 does."""
    e = _people_engine()
    cid = run(e, stop_before="agree").id
    e.fire(
        cid, "terminate", actor=MEDIATOR, at=at("2026-03-05"), reason="分歧", remedies_informed=True
    )
    for out in _render(e, cid, "termination_notice"):
        assert "第三十七条" not in out
        assert "第三十二条" not in out
        assert "依法请求基层人民政府或者有关行政机关处理（《人民调解法》第二十六条）" in out
        assert "依法向人民法院提起诉讼（《人民调解法》第二十六条）" in out


def test_a_failed_re_mediation_of_an_agreement_not_performed_cites_37_and_32() -> None:
    """An agreement not performed, re-mediated without success (2002 规定 第三十七条): the
    basic-level government (第三十七条) and the suit on the agreement (人民调解法 第三十二条)."""
    e = _people_engine()
    cid = run(e, stop_before="confirm_performed").id
    e.fire(cid, "report_not_performed", actor=MEDIATOR, at=at("2026-03-20"), note="未付维修费")
    e.fire(
        cid, "remediate", actor=MEDIATOR, at=at("2026-03-21"), reason="督促后仍不履行", consent=True
    )
    e.fire(
        cid,
        "terminate",
        actor=MEDIATOR,
        at=at("2026-03-25"),
        reason="拒绝履行",
        remedies_informed=True,
    )
    for out in _render(e, cid, "termination_notice"):
        assert "请求基层人民政府处理（《人民调解工作若干规定》第三十七条）" in out
        assert "向人民法院提起诉讼（《人民调解法》第三十二条）" in out


def test_the_not_accepted_notice_sends_the_parties_on_under_article_24() -> None:
    """2002 规定 第二十四条: not accepted → the competent organ or the court; not 人民调解法
    第二十六条 (a failed mediation), nor the agreement's articles (no agreement exists)."""
    e = _people_engine()
    cid = run(e, stop_before="accept").id
    e.fire(
        cid,
        "accept",
        actor=CLERK,
        at=at("2026-03-03", 9),
        handled_by="青田县人民法院",
        note="该纠纷已由法院立案",
    )
    for out in _render(e, cid, "non_acceptance_notice"):
        assert "向有权处理的机关或者人民法院依法提出（《人民调解工作若干规定》第二十四条）" in out
        assert "根据《人民调解工作若干规定》第二十二条第二项的规定，本委员会决定不予受理" in out
        for wrong in ("第二十六条", "第三十七条", "第三十二条"):
            assert wrong not in out


def test_the_health_department_does_not_accept_as_an_organ() -> None:
    """A health department that does not accept speaks as 本机关 and cites 条例 第四十条, not the
    people's-mediation rules."""
    e = engine()
    who = actor("qt-wjj")
    case = register(
        e, "qt-wjj", at("2026-09-01"), category="medical", details={"track": "administrative"}
    )
    e.fire(case.id, "triage", actor=who, at=at("2026-09-01", 10), track="administrative")
    done = e.fire(case.id, "accept", actor=who, at=at("2026-09-02"), handled_by="青田县人民法院")
    assert done.outcome == (
        "纠纷已由青田县人民法院受理或者解决，不予受理（《医疗纠纷预防和处理条例》第四十条）"
    )
    for out in _render(e, case.id, "non_acceptance_notice"):
        assert "根据《医疗纠纷预防和处理条例》第四十条的规定，本机关决定不予受理" in out
        for wrong in ("本委员会", "人民调解工作若干规定", "人民调解法", "申请医疗纠纷行政调解"):
            assert wrong not in out


def test_a_police_station_records_no_people_s_mediation_ground() -> None:
    """治安调解 has no national rule for a matter another organ already handles (RULES.md
    §6.5): the outcome names no article rather than the committees' 2002 规定 第二十二条;
    the case's replay reproduces it."""
    e = engine()
    who = actor("qt-pcs")
    case = register(e, "qt-pcs", at("2026-09-01"), category="public_order")
    e.fire(case.id, "triage", actor=who, at=at("2026-09-01", 10), track="administrative")
    done = e.fire(case.id, "accept", actor=who, at=at("2026-09-02"), handled_by="青田县人民法院")
    assert done.outcome == "纠纷已由青田县人民法院受理或者解决，不予受理"
    assert e.verify(case.id).ok


# -- finding 6: labour ------------------------------------------------------------------------

LABOUR_UNIT = "qt-dm-dmc"


def _labour(e: Engine, received: str) -> str:
    who = actor(LABOUR_UNIT)
    case = register(
        e,
        LABOUR_UNIT,
        at(received),
        category="labour",
        summary="拖欠工资",
        amount="8000",
        details={"received_on": received},
    )
    e.fire(case.id, "triage", actor=who, at=at(received, 10), track="people")
    e.fire(case.id, "accept", actor=who, at=at(received, 11))
    e.fire(case.id, "inform_rights", actor=who, at=at(received, 11, 30))
    e.fire(case.id, "start_mediation", actor=who, at=at(received, 14), mediators=[who.id])
    return case.id


def _no_court_suit_on_the_agreement(out: str) -> None:
    assert "人民调解法》第三十二条" not in out
    assert "第三十七条" not in out
    assert "依法向人民法院提起诉讼（《人民调解法》" not in out


def test_labour_refusal_before_the_15_days_names_arbitration_in_general_terms() -> None:
    """Ended on day 2: 第十四条第三款 (15 days lapsed without agreement) is not yet the ground;
    the arbitration route is named in general terms, and no direct suit is offered."""
    e = engine()
    cid = _labour(e, "2026-09-01")
    e.fire(
        cid,
        "party_refuses",
        actor=actor(LABOUR_UNIT),
        at=at("2026-09-03"),
        party="p3",
        statement="不同意调解",
        remedies_informed=True,
    )
    for out in _render(e, cid, "termination_notice"):
        assert "仲裁途径：向劳动人事争议仲裁委员会申请仲裁（《劳动争议调解仲裁法》）" in out
        assert "第十四条第三款" not in out
        _no_court_suit_on_the_agreement(out)


def test_labour_after_the_15_days_names_article_14_3() -> None:
    """Received 09-14, due 09-29, ended 10-13 without agreement: 第十四条第三款."""
    e = engine()
    cid = _labour(e, "2026-09-14")
    e.fire(
        cid,
        "terminate",
        actor=actor(LABOUR_UNIT),
        at=at("2026-10-13"),
        reason="用人单位拒不到场",
        remedies_informed=True,
    )
    for out in _render(e, cid, "termination_notice"):
        assert "可以向劳动人事争议仲裁委员会申请仲裁（《劳动争议调解仲裁法》第十四条第三款）" in out
        _no_court_suit_on_the_agreement(out)


def _signed_agreement(e: Engine, cid: str, when: dt.datetime) -> dict[str, Any]:
    case = e.get(cid)
    signatures = [
        {"party": p.id, "capacity": "party", "signed_at": when} for p in case.principals
    ] + [
        {"capacity": "mediator", "signer": "东门村调解员", "signed_at": when},
        {"capacity": "committee", "signer": "东门村人民调解委员会", "signed_at": when},
    ]
    return {
        "form": "written",
        "facts": "用人单位拖欠工资8000元。",
        "disputed_matters": "工资数额及支付时间。",
        "responsibilities": "用人单位应当支付。",
        "terms": ["用人单位于2026年9月20日前支付工资8000元。"],
        "performance_manner": "银行转账",
        "performance_place": "青田县东门镇",
        "performance_deadline": "2026-09-20",
        "signatures": signatures,
    }


def test_a_labour_agreement_not_performed_goes_to_arbitration_and_the_payment_order() -> None:
    """第十五条 (arbitration after non-performance) and 第十六条 (支付令 for agreements on unpaid
    wages, work-injury medical costs, economic compensation or damages); not 人民调解法
    第三十二条 nor 2002 规定 第三十七条."""
    e = engine()
    cid = _labour(e, "2026-09-01")
    who = actor(LABOUR_UNIT)
    when = at("2026-09-04", 16)
    e.fire(cid, "agree", actor=who, at=when, agreement=_signed_agreement(e, cid, when))
    e.fire(cid, "begin_performance", actor=who, at=at("2026-09-07"))
    e.fire(cid, "report_not_performed", actor=who, at=at("2026-09-22"), note="未支付")
    e.fire(cid, "remediate", actor=who, at=at("2026-09-23"), reason="督促后仍不履行", consent=True)
    e.fire(
        cid, "terminate", actor=who, at=at("2026-09-24"), reason="拒绝履行", remedies_informed=True
    )
    for out in _render(e, cid, "termination_notice"):
        assert (
            "调解协议不履行的，可以向劳动人事争议仲裁委员会申请仲裁（《劳动争议调解仲裁法》第十五条）"
            in out
        )
        assert "拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金" in out
        assert "申请支付令（《劳动争议调解仲裁法》第十六条）" in out
        _no_court_suit_on_the_agreement(out)


def test_a_township_s_labour_agreement_also_names_the_payment_order() -> None:
    """The labour statute governs whichever body mediates (第十条): a township government's
    劳动争议调解协议书 prints arbitration on non-performance (第十五条) and the 支付令 for an
    agreement on unpaid wages (第十六条), as a committee's does."""
    from mediation._demo import agreement
    from tests.helpers import signed_by_all

    e = engine()
    who = actor("qt-dmz")
    case = register(e, "qt-dmz", at("2026-02-09"), category="labour", summary="拖欠工资",
                    details={"received_on": "2026-02-09", "track": "administrative"})  # fmt: skip
    e.fire(case.id, "triage", actor=who, at=at("2026-02-09", 10), track="administrative")
    e.fire(case.id, "accept", actor=who, at=at("2026-02-09", 11))
    mediating = e.fire(case.id, "start_mediation", actor=who, at=at("2026-02-10", 9),
                       mediators=[who.id])  # fmt: skip
    terms = agreement("2026-03-13")
    terms["signatures"] = signed_by_all(mediating, at("2026-02-13", 10), "调解员", "东门镇人民政府")
    e.fire(case.id, "agree", actor=who, at=at("2026-02-13", 10), agreement=terms)
    for out in _render(e, case.id, "mediation_agreement"):
        assert "劳动争议调解协议书" in out
        assert "申请仲裁（《劳动争议调解仲裁法》第十五条）" in out
        assert "申请支付令（《劳动争议调解仲裁法》第十六条）" in out


# -- remedies() never offers the procedure that ended ----------------------------------------


@pytest.mark.parametrize(
    ("unit", "category", "same"),
    [
        ("qt-jj", "traffic", "交通管理部门调解"),
        ("qt-wjj", "medical", "行政调解"),
        ("qt-dmz", "neighbor", "人民政府"),
    ],
)
def test_remedies_never_offer_the_procedure_that_ended(unit: str, category: str, same: str) -> None:
    """Read from the case's track (its details), the organ and the category."""
    e = engine()
    extra: dict[str, Any] = {}
    if category == "traffic":
        extra = {
            "details": {"joint_application": True, "certificate_received_on": "2026-09-18"},
            "mediation_start_on": "2026-09-21",
        }
    if category == "medical":
        extra = {"other_side_consents": True}
    cid = _terminate(e, unit, "2026-09-21", category=category, **extra)
    told = remedies(e.get(cid), e.policy)
    assert told
    assert not [r for r in told if same in r]


@pytest.mark.parametrize(
    ("category", "said", "basis"),
    [
        ("labour", "十五日内未达成调解协议的", "《劳动争议调解仲裁法》第十四条第三款"),
        ("land_contract", "农村土地承包仲裁委员会申请仲裁", "第四条"),
        ("neighbor", None, None),
    ],
)
def test_a_committee_s_rights_notice_tells_the_routes_of_the_category_s_statute(
    category: str, said: str | None, basis: str | None
) -> None:
    """RULES.md §6.1, §6.2: a committee mediating a labour dispute tells the parties they may
    go to arbitration once 15 days pass without an agreement (《劳动争议调解仲裁法》第十四条
    第三款, 第十五条); one mediating a land-contract dispute, to its arbitration commission
    or the court (《农村土地承包经营纠纷调解仲裁法》第四条). A neighbour dispute's notice
    adds nothing."""
    e = engine()
    who = actor("qt-dm-dmc")
    case = register(e, "qt-dm-dmc", at("2026-09-14"), category=category,
                    details={"received_on": "2026-09-14"})  # fmt: skip
    e.fire(case.id, "triage", actor=who, at=at("2026-09-14", 10), track="people")
    e.fire(case.id, "accept", actor=who, at=at("2026-09-14", 11))
    e.fire(case.id, "inform_rights", actor=who, at=at("2026-09-14", 12))
    for out in _render(e, case.id, "rights_notice"):
        assert "人民调解" in out
        if said is None:
            assert "本纠纷属" not in out
        else:
            assert said in out
            assert basis in out
