"""Documents print what the case recorded, however it was given and whenever rendered.

- 受理登记表 (RULES.md §2.1 #1; 2002 规定 第二十三条): the source of the case, ② for a
  committee's own initiative, with the channel given as text (as in the README) and read back
  from SQLite; such a case has no 申请书.
- 司法确认申请书 (§3; 《民事诉讼法》第二百零五条): addressed to the court the parties applied
  to; a timely application renders for the dossier (§2.1 #11) after the window closed.
- 回访记录 (§2.1 #10): the agreement's number, the one its 协议书 was issued under; the
  measures taken (§7.5), kept with the visit on SQLite and replayed from the log; the
  performance as the case recorded it, for a visit that did not describe it (2002 规定
  第三十六条).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mediation import Actor, Engine, ValidationError
from mediation._demo import CLERK, DIRECTOR, MEDIATOR, ORG, at, parties, run
from mediation.rules.policy import Policy


def _demo(path: Path | None = None) -> Engine:
    if path is None:
        return Engine.in_memory(policy=Policy(org=ORG), reader=Actor.system())
    return Engine.sqlite(str(path), policy=Policy(org=ORG), reader=Actor.system())


def _source_line(e: Engine, case_id: str) -> str:
    text = e.render(case_id, "registration", format="text")
    assert isinstance(text, str)
    return next(line for line in text.splitlines() if "纠纷来源" in line)


def test_an_own_initiative_case_ticks_the_committee_s_initiative(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    e = _demo(path)
    case = e.intake(
        kind="dispute",
        channel="own_initiative",
        category="neighbor",
        parties=parties(),
        summary="排查发现邻里排水纠纷，调解委员会主动调解。",
        unit="qt-dm-dmc",
        actor=CLERK,
        at=at("2026-03-02", 9),
    )
    line = _source_line(e, case.id)
    assert "当事人申请（　）" in line
    assert "人民调解委员会主动调解（√）" in line
    with pytest.raises(ValidationError) as err:  # nobody applied (§2.1 #1: 申请书 or 登记表)
        e.render(case.id, "application")
    assert err.value.field == "channel"
    e.close()
    with _demo(path) as again:  # read back from the file
        assert _source_line(again, case.id) == line


@pytest.mark.parametrize(
    ("channel", "ticked"),
    [("grid_report", "人民调解委员会主动调解（√）"), ("police_110", "有关部门委派、移交（√）")],
)
def test_a_grid_finding_is_the_committee_s_own_and_a_110_call_is_handed_over(
    channel: str, ticked: str
) -> None:
    """§2.1 #1: a grid worker's finding (网格员排查) is the committee's own screening, with no
    申请书; a 110 non-police call the police hand over (警调对接, 人民调解法 第十八条) is a
    matter handed over by another body — neither is a party's application."""
    e = _demo()
    case = e.intake(kind="dispute", channel=channel, category="neighbor", parties=parties(),
                    summary="邻里排水纠纷。", unit="qt-dm-dmc", actor=CLERK,
                    at=at("2026-03-02", 9))  # fmt: skip
    line = _source_line(e, case.id)
    assert ticked in line
    assert "当事人申请（　）" in line
    if channel == "grid_report":
        with pytest.raises(ValidationError):
            e.render(case.id, "application")


def _applied(e: Engine, court: str) -> str:
    """The demo agreement (effective Fri 2026-03-06, window to Tue 04-07), applied for on
    04-02 and ruled valid on 04-13."""
    case = run(e, stop_before="begin_performance")
    e.fire(case.id, "apply_confirmation", actor=MEDIATOR, at=at("2026-04-02", 10),
           court=court, joint=True)  # fmt: skip
    e.fire(case.id, "court_accepts", actor=MEDIATOR, at=at("2026-04-03", 10))
    e.fire(case.id, "court_rules", actor=MEDIATOR, at=at("2026-04-13", 9),
           ruling="valid", served_on="2026-04-13")  # fmt: skip
    return case.id


@pytest.mark.parametrize(
    ("court", "printed"),
    [("青田县人民法院", "青田县人民法院"), ("qt-fy", "青田县人民法院")],
)
def test_the_application_is_addressed_to_the_court_applied_to(court: str, printed: str) -> None:
    """Given as a name, or as a court of the organisation (printed by its name)."""
    from ..law._support import ORG as WITH_COURT

    e = Engine.in_memory(policy=Policy(org=WITH_COURT), reader=Actor.system())
    case_id = _applied(e, court)
    text = e.render(case_id, "judicial_confirmation_application", today=at("2026-04-02").date())
    assert isinstance(text, str)
    assert f"此致\n{printed}\n" in text
    assert "＿＿＿＿人民法院" not in text
    named = e.render(
        case_id, "judicial_confirmation_application", extra={"court": "丽水市中级人民法院"}
    )
    assert "此致\n丽水市中级人民法院\n" in str(named)


def test_a_timely_application_renders_after_the_window_closed() -> None:
    e = _demo()
    case_id = _applied(e, "青田县人民法院")
    text = e.render(case_id, "judicial_confirmation_application", today=at("2026-04-20").date())
    assert "至2026年4月7日" in str(text)
    index = str(e.render(case_id, "dossier_index"))
    assert (
        "司法确认有关材料　按需　须附（2026年4月2日向青田县人民法院申请；裁定调解协议有效）"
        in index
    )


def test_without_an_application_a_late_render_is_refused() -> None:
    e = _demo()
    case = run(e, stop_before="begin_performance")
    with pytest.raises(ValidationError) as err:
        e.render(case.id, "judicial_confirmation_application", today=at("2026-04-08").date())
    assert "申请期限" in err.value.rule


def test_the_callback_record_names_the_issued_agreement() -> None:
    e = _demo()
    case = run(e, stop_before="record_callback")
    number = e.issue_document(
        case.id, "mediation_agreement", actor=MEDIATOR, at=at("2026-03-30", 10)
    )
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-03-30", 11),
           visitor="陈调解", party="张三", performance="已履行完毕", satisfaction="satisfied")  # fmt: skip
    text = e.render(case.id, "callback_record", format="text")
    assert f"协议编号：{number}（书面协议）" in str(text)


def test_the_callback_record_keeps_the_measures_taken(tmp_path: Path) -> None:
    """RULES.md §7.5: a callback record holds the measures taken as well as performance,
    satisfaction and recurrence; a visit without them prints the blank."""
    e = _demo(tmp_path / "m.db")
    case = run(e, stop_before="record_callback")
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-03-30", 11),
           visitor="陈调解", party="张三", performance="尚欠500元",
           recurrence="双方又起争执", measures=" 督促李四于4月10日前付清 ")  # fmt: skip
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-03-31", 9),
           visitor="陈调解", party="王五", performance="已付清")  # fmt: skip
    again = _demo(tmp_path / "m.db")
    visits = again.get(case.id).details.visits  # type: ignore[union-attr]
    assert [v.measures for v in visits] == ["督促李四于4月10日前付清", ""]
    first = again.render(case.id, "callback_record", format="text", extra={"visit": 0})
    assert "采取的措施：督促李四于4月10日前付清" in str(first)
    latest = again.render(case.id, "callback_record", format="text")
    assert "采取的措施：＿＿＿＿" in str(latest)
    assert again.verify(case.id).ok


def test_a_visit_that_did_not_describe_performance_prints_the_case_s_record() -> None:
    """2002 规定 第三十六条: the callback records how the agreement is being performed. A
    visit recorded without a word on it prints the performance as the case recorded it at
    the visit (已履行 after the demo's confirm_performed on 03-18), marked as taken from the
    record; a visit that described it prints its own words. Dispute workflow version 9 and
    before: version 10 refuses such a visit (RULES.md §7.5)."""
    e = _demo()
    case = run(e, stop_before="record_callback")
    e.migrate_case(case.id, to_version=9, actor=Actor.system(), at=at("2026-03-30", 9, 30))
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-03-30", 11),
           visitor="陈调解", party="张三")  # fmt: skip
    text = str(e.render(case.id, "callback_record", format="text"))
    assert "履行情况：已履行（据履行记录）" in text
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-03-31", 9),
           visitor="陈调解", party="王五", performance="维修费已付清")  # fmt: skip
    assert "履行情况：维修费已付清" in str(e.render(case.id, "callback_record", format="text"))


def test_a_visit_after_non_performance_prints_not_performed() -> None:
    """Performance was reported as not done (03-23), then the callback visit: 未履行.
    Dispute workflow version 9: version 10 refuses a visit that found nothing."""
    e = _demo()
    case = run(e, stop_before="confirm_performed")
    e.migrate_case(case.id, to_version=9, actor=Actor.system(), at=at("2026-03-18", 9, 30))
    e.fire(case.id, "report_not_performed", actor=MEDIATOR, at=at("2026-03-23", 10),
           note="王五未支付维修费")  # fmt: skip
    e.fire(case.id, "start_callback", actor=MEDIATOR, at=at("2026-03-30"))
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-03-30", 10),
           visitor="陈调解", party="张三")  # fmt: skip
    text = str(e.render(case.id, "callback_record", format="text"))
    assert "履行情况：未履行（据履行记录）" in text


def test_a_supervision_notice_is_not_issued_for_the_parties_own_period() -> None:
    """The demo's agreement took effect 03-06, performance due 03-20; performance began 03-09
    and nothing is confirmed. On 04-06 the only overdue clock is the parties' performance
    period (人民调解法 第三十一条: the committee supervises performance, it does not owe
    it): a 督办通知 is refused. On 04-09 the callback visit (the unit's own, due 04-07) is
    overdue too, and the notice is about it."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    e.fire(case.id, "begin_performance", actor=MEDIATOR, at=at("2026-03-09"))
    with pytest.raises(ValidationError):
        e.render(case.id, "supervision_notice", today=at("2026-04-06").date())
    text = str(e.render(case.id, "supervision_notice", today=at("2026-04-09").date()))
    assert "回访" in text
    assert "履行期限" not in text


def test_a_form_prints_the_ages_of_its_own_day() -> None:
    """A form records the parties as they were on its own day (RULES.md §2.1; 《人民调解法》
    第二十九条: the parties' basic information). 张三 (born 1965-03-12) applied and was
    registered on 2026-03-02 and agreed on 2026-03-06, at 60: rendered on 2026-04-01 the
    受理登记表, the 申请书 and the 协议书 still say 60, while the 司法确认申请书, made on the
    day it is printed, says 61."""
    e = _demo()
    case = run(e, stop_before="begin_performance")
    later = at("2026-04-01").date()
    for kind in ("registration", "application", "mediation_agreement"):
        text = str(e.render(case.id, kind, format="text", today=later))
        assert "申请人：张三，男，60岁" in text, kind
        assert "61岁" not in text, kind
    confirmation = str(
        e.render(case.id, "judicial_confirmation_application", format="text", today=later)
    )
    assert "张三，男，61岁" in confirmation


def test_the_file_is_numbered_in_the_year_it_was_filed() -> None:
    """人民调解法 第二十七条; RULES.md §2.1 #12: the 卷号 "（年）人调字第 号" (its number
    left blank to fill in by hand) carries the year the file was archived, not the year the
    index is printed in."""
    e = _demo()
    case = run(e)
    e.fire(case.id, "archive", actor=DIRECTOR, at=at("2026-12-30"))
    index = str(e.render(case.id, "dossier_index", today=at("2027-01-05").date()))
    assert "卷号：（2026）人调字第　　号" in index


def test_the_callback_record_names_the_party_visited_given_by_id() -> None:
    """RULES.md §2.1 form 10: the record names the party visited, not the case's party id."""
    e = _demo()
    case = run(e, stop_before="record_callback")
    e.fire(case.id, "record_callback", actor=MEDIATOR, at=at("2026-03-30", 11),
           visitor="陈调解", party=case.parties[2].id, finding="performed")  # fmt: skip
    text = str(e.render(case.id, "callback_record", format="text"))
    assert "王五" in text
    assert case.parties[2].id not in text


def test_a_refusal_of_the_committee_s_own_initiative_is_told_to_every_party() -> None:
    """2002 规定 第二十三条: a committee may take a dispute up of its own motion; no one applied.
    The 不予受理告知书 of such a case goes to every party and says the committee meant to
    mediate — not "你（们）…申请调解的" to the applicants alone."""
    e = _demo()
    case = e.intake(kind="dispute", channel="own_initiative", category="neighbor",
                    parties=parties(), summary="邻里排水纠纷", unit="qt-dm-dmc", actor=CLERK,
                    at=at("2026-03-02", 9))  # fmt: skip
    e.fire(case.id, "party_refuses", actor=CLERK, at=at("2026-03-02", 10), party="p3")
    for form in ("text", "html"):
        text = str(e.render(case.id, "non_acceptance_notice", format=form))
        assert "张三、李梅、王五：" in text
        assert "本委员会于2026年3月2日登记拟主动调解的" in text
        assert "申请调解的" not in text
