"""Documents through the engine: gap-free numbers, rendering from the stored case."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from mediation import Actor, AuthorizationError, Engine, ValidationError
from mediation._demo import run

from .conftest import make_engine
from .helpers import CLERK, MEDIATOR, at, hard_limits, intake, signed_by_all, to_state


def test_numbers_are_issued_once_per_kind_and_run_without_gaps(engine: Engine) -> None:
    """Each case's agreement gets the next number of the unit's agreement series; twice = same."""
    a = to_state(engine, intake(engine).id, "agreed")
    b = to_state(engine, intake(engine).id, "agreed")
    first = engine.issue_document(a.id, "mediation_agreement", actor=MEDIATOR, at=at("2026-03-07"))
    again = engine.issue_document(a.id, "mediation_agreement", actor=MEDIATOR, at=at("2026-03-07"))
    second = engine.issue_document(b.id, "mediation_agreement", actor=MEDIATOR, at=at("2026-03-07"))
    assert (first, again, second) == (
        "（2026）东调字第0001号",
        "（2026）东调字第0001号",
        "（2026）东调字第0002号",
    )
    notice = engine.issue_document(a.id, "registration", actor=CLERK, at=at("2026-03-07"))
    assert notice == "（2026）东调字第0001号"  # its own series
    assert engine.history(a.id)[-2].trigger == "issue_document"
    assert engine.verify(a.id).ok
    assert "（2026）东调字第0001号" in str(engine.render(a.id, "mediation_agreement"))


def test_refused_issue_burns_no_number(engine: Engine) -> None:
    """An unauthorised or unknown issue leaves the counter where it was."""
    case = intake(engine)
    with pytest.raises(ValidationError):
        engine.issue_document(case.id, "love_letter", actor=CLERK, at=at("2026-03-03"))
    outsider = Actor("x", {"clerk"}, "elsewhere")
    with pytest.raises((AuthorizationError, ValidationError)):
        engine.issue_document(case.id, "registration", actor=outsider, at=at("2026-03-03"))
    assert engine.issue_document(case.id, "registration", actor=CLERK, at=at("2026-03-03")) == (
        "（2026）东调字第0001号"
    )


def test_concurrent_issues_get_distinct_gap_free_numbers(tmp_path: Path) -> None:
    """8 threads issuing for 8 cases at once on SQLite get numbers 1..8, no repeat, no gap."""
    engine = make_engine(f"sqlite:///{tmp_path / 'n.db'}")
    ids = [intake(engine).id for _ in range(8)]
    numbers: list[str] = []
    lock = threading.Lock()

    def issue(cid: str) -> None:
        n = engine.issue_document(cid, "registration", actor=CLERK, at=at("2026-03-03"))
        with lock:
            numbers.append(n)

    threads = [threading.Thread(target=issue, args=(cid,)) for cid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == [f"（2026）东调字第{i:04d}号" for i in range(1, 9)]
    engine.close()


def test_engine_renders_every_format_from_the_stored_case(tmp_path: Path) -> None:
    """render() builds the context from the stored case: names, terms and clocks appear."""
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    case = run(engine)
    text = engine.render(case.id, "mediation_agreement")
    assert isinstance(text, str)
    for needle in ("张三", "李梅", "王五", "三千元", "2026年3月20日", "一式四份"):
        assert needle in text, needle
    html = engine.render(case.id, "closing_report", format="html")
    assert isinstance(html, str)
    assert "<" in html
    assert "按期完成" in html
    docx = engine.render(case.id, "mediation_agreement", format="docx")
    assert isinstance(docx, bytes)
    assert docx[:2] == b"PK"
    engine.close()


def test_cli_render_writes_a_docx(tmp_path: Path) -> None:
    """`mediation render DB CASE KIND --format docx -o FILE` writes the Word file."""
    from typer.testing import CliRunner

    from mediation.cli import app

    db = tmp_path / "cli.db"
    engine = Engine.sqlite(str(db), policy=make_engine("memory").policy)
    case = run(engine)
    engine.close()
    out = tmp_path / "agreement.docx"
    result = CliRunner().invoke(
        app, ["render", str(db), case.id, "mediation_agreement", "--format", "docx", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    import docx

    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "人民调解协议书" in text
    result = CliRunner().invoke(app, ["render", str(db), case.id, "mediation_agreement"])
    assert "张三" in result.output


def test_supervision_notice_names_the_escalated_clock() -> None:
    """After supervision, the 督办通知 names the overdue clock, its due day and days overdue."""
    mem_engine = make_engine("memory", policy=hard_limits())
    case = intake(mem_engine, when=at("2026-03-02", 9))  # acceptance due 2026-03-05
    (event,) = mem_engine.supervise(at=at("2026-03-10", 9))
    text = str(
        mem_engine.render(case.id, "supervision_notice", extra={"deadline": event.data["deadline"]})
    )
    assert "督办通知" in text
    assert "受理审查" in text
    assert "2026年3月5日" in text
    assert "已超期5日" in text  # a duty clock (a hard limit): overdue, not past a target
    assert "超期原因" in text
    assert "一般期限" not in text
    assert "3日" in text  # reply days from the policy
    # signed by the unit the case was raised to (the village's parent, the town committee)
    assert text.rstrip().splitlines()[-2] == "东门镇人民调解委员会"


def test_a_new_agreement_after_a_refused_confirmation_prints_its_own_window() -> None:
    """人民调解法 第三十三条: 30 days from the day *the* agreement takes effect. After the court
    refuses confirmation and the parties agree anew (民事诉讼法 第二百零六条), the documents
    print and check the new agreement's window, as the engine enforces it."""
    from mediation._demo import agreement, policy

    engine = Engine.in_memory(policy=policy())
    case = run(engine, stop_before="begin_performance")
    engine.fire(
        case.id,
        "apply_confirmation",
        actor=MEDIATOR,
        at=at("2026-03-10"),
        court="青田县人民法院",
        joint=True,
    )
    engine.fire(case.id, "court_accepts", actor=MEDIATOR, at=at("2026-03-11"))
    engine.fire(
        case.id,
        "court_rules",
        actor=MEDIATOR,
        at=at("2026-03-20"),
        ruling="rejected",
        rejection="unclear",
    )
    case = engine.fire(
        case.id,
        "remediate",
        actor=MEDIATOR,
        at=at("2026-04-20"),
        reason="驳回后重新调解",
        consent=True,
    )
    signed = at("2026-04-22", 10)
    terms = agreement("2026-05-30")
    terms["signatures"] = signed_by_all(case, signed, "陈调解", "东门村人民调解委员会")
    case = engine.fire(case.id, "agree", actor=MEDIATOR, at=signed, agreement=terms)
    windows = [d for d in case.deadlines if d.period == "judicial_confirmation_apply"]
    assert [d.due for d in windows] == [dt.date(2026, 4, 7), dt.date(2026, 5, 22)]
    today = dt.date(2026, 4, 23)
    application = str(
        engine.render(
            case.id, "judicial_confirmation_application", format="text", today=today, actor=MEDIATOR
        )
    )
    assert "至2026年5月22日" in application
    text = str(
        engine.render(case.id, "mediation_agreement", format="text", today=today, actor=MEDIATOR)
    )
    assert "申请期限至2026年5月22日" in text
    assert "2026年4月7日" not in text


def test_a_mediation_past_its_one_month_reads_past_the_usual_time_not_overdue(
    engine: Engine,
) -> None:
    """2002 规定 第三十三条: "一般在一个月内调结" is the usual time, not a limit. A people's
    mediation accepted Mon 2026-03-02 that failed on 04-10 closes its clock after its day
    (04-02); the closing report prints it 超过一般期限, not 超期, which is kept for a
    limit — as a county that makes the month binding (``hard_limits``) prints it."""
    from mediation.model import PAST_TARGET, DeadlineStatus

    from .helpers import DIRECTOR

    def failed_and_closed(e: Engine) -> str:
        case = to_state(e, intake(e).id, "accepted")
        e.fire(case.id, "inform_rights", actor=CLERK, at=at("2026-03-02", 11, 30))
        e.fire(case.id, "start_mediation", actor=MEDIATOR, at=at("2026-03-03", 9),
               mediators=[MEDIATOR.id])  # fmt: skip
        e.fire(case.id, "terminate", actor=MEDIATOR, at=at("2026-04-10", 9),
               reason="双方分歧较大", remedies_informed=True)  # fmt: skip
        closed = e.fire(case.id, "close", actor=DIRECTOR, at=at("2026-04-11", 9))
        month = next(d for d in closed.deadlines if d.period == "people_mediation")
        assert month.status is DeadlineStatus.breached
        return closed.id

    text = str(engine.render(failed_and_closed(engine), "closing_report"))
    assert PAST_TARGET in text
    assert "超期" not in text
    hard = make_engine("memory", policy=hard_limits())
    assert "超期" in str(hard.render(failed_and_closed(hard), "closing_report"))


@pytest.mark.parametrize("today", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(9999, 12, 31)])
def test_a_printed_date_outside_the_business_years_is_refused(
    engine: Engine, today: dt.date
) -> None:
    """The date a document prints is a business date: year 1 or 9999 is a typo, refused with
    the field named, as every other date the engine takes."""
    case = intake(engine)
    with pytest.raises(ValidationError) as err:
        engine.render(case.id, "registration", today=today, actor=CLERK)
    assert err.value.field == "today"
    assert "1900" in str(err.value)
    assert engine.render(case.id, "registration", today=dt.date(2026, 3, 2), actor=CLERK)
