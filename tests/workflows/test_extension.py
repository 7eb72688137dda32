"""The workflow is the unit of extension: a workflow written in a test file runs on every backend.

``consultation.py`` defines 法律咨询 with its own details, intake inputs, a
clock of its own period, a step outside its graph and a document template,
and touches no core module. Here it goes through intake, fire,
available_triggers, history, replay, verify, due and render on memory,
SQLite and PostgreSQL, beside the built-in dispute workflow.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mediation import (
    Actor,
    DeadlineStatus,
    DefinitionError,
    Engine,
    Party,
    RuleRejectedError,
    Step,
    TransitionNotAllowedError,
    ValidationError,
)
from mediation.documents import DocumentRenderer

from ..conftest import make_engine
from ..helpers import at, intake
from .consultation import (
    CHASE,
    CONSULTATION,
    REFERRAL,
    REPLY,
    REPLY_DOCUMENT,
    ConsultationStep,
    ReferralInputs,
)

CLERK = Actor("clerk", {"clerk"}, "qt-dm-dmc")
LAWYER = Actor("lawyer", {"mediator"}, "qt-dm-dmc")
HEAD = Actor("head", {"director"}, "qt-dm-dmc")


@pytest.fixture
def engine(backend: str) -> Iterator[Engine]:
    eng = make_engine(
        backend,
        workflows=[CONSULTATION],
        steps=[REFERRAL, CHASE],
        documents=DocumentRenderer(kinds=[REPLY_DOCUMENT]),
    )
    try:
        yield eng
    finally:
        eng.close()


def _ask(engine: Engine) -> str:
    case = engine.intake(
        workflow="consultation",
        channel="phone",
        category="other",
        parties=[Party.person("赵咨询", role="applicant", phone="13900000001")],
        summary="宅基地继承问题咨询",
        unit="qt-dm-dmc",
        actor=CLERK,
        at=at("2026-03-02", 9),
        details={"question": "父亲去世后宅基地如何继承？"},
    )
    return case.id


def test_a_test_workflow_runs_end_to_end(engine: Engine) -> None:
    """intake → step outside the graph → answer → close, each audited; replay and verify hold."""
    case = engine.get(_ask(engine))
    assert (case.kind, case.workflow, case.state) == ("consultation", "consultation", "received")
    assert case.details.question == "父亲去世后宅基地如何继承？"
    reply = case.open_deadlines[0]
    # 5 working days from Mon 2026-03-02: 03-09
    assert (reply.period, reply.due.isoformat()) == ("consultation_reply", "2026-03-09")

    referred = engine.fire(
        case.id, "record_referral", actor=LAWYER, at=at("2026-03-03"), to="县法律援助中心"
    )
    assert referred.state == "received"
    assert referred.details.referred_to == "县法律援助中心"
    assert "referred" in referred.flags
    assert referred.overlays["referral"].to == "县法律援助中心"
    assert engine.get(case.id).overlays == referred.overlays  # read back from the store

    answered = engine.fire(
        case.id, "answer", actor=LAWYER, at=at("2026-03-04"), answer="依照民法典继承编办理。"
    )
    assert answered.state == "answered"
    assert answered.deadline(reply.id).status is DeadlineStatus.met
    assert [d.period for d in answered.open_deadlines] == ["callback_visit"]
    closed = engine.fire(case.id, "close", actor=HEAD, at=at("2026-03-05"))
    assert closed.state == "closed"
    assert not closed.open_deadlines

    history = engine.history(case.id)
    assert [e.trigger for e in history] == ["intake", "record_referral", "answer", "close"]
    assert history[1].source == history[1].dest == "received"
    assert engine.replay(case.id) == engine.get(case.id)
    assert engine.verify(case.id).ok


def test_available_triggers_cover_its_triggers_and_steps(engine: Engine) -> None:
    """The test workflow's triggers and its step are offered, refused or needing inputs."""
    cid = _ask(engine)
    options = {o.trigger: o for o in engine.available_triggers(cid, LAWYER, at("2026-03-03"))}
    assert options["answer"].needs == ("answer",)
    assert not options["close"].allowed
    assert "不能" in options["close"].reason
    assert options["record_referral"].step
    assert options["record_referral"].needs == ("to",)
    assert "triage" not in options  # dispute triggers are not this workflow's
    given = {"answer": {"answer": "好"}, "record_referral": {"to": "司法所"}}
    checked = {
        o.trigger: o for o in engine.available_triggers(cid, LAWYER, at("2026-03-03"), inputs=given)
    }
    assert checked["record_referral"].allowed
    assert not checked["answer"].allowed
    assert checked["answer"].basis == "测试流程规则第1条"
    with pytest.raises(RuleRejectedError) as err:
        engine.fire(cid, "answer", actor=LAWYER, at=at("2026-03-03"), answer="好")
    assert err.value.reason == checked["answer"].reason


def test_its_clock_is_on_the_due_list(engine: Engine) -> None:
    """The workflow's own period is counted, listed overdue and explained like a national one."""
    cid = _ask(engine)
    items = engine.due(at=at("2026-03-10"))
    assert [(i.case_id, i.deadline.period) for i in items] == [(cid, "consultation_reply")]
    explanation = engine.explain(cid, items[0].deadline.id)
    assert explanation.due.isoformat() == "2026-03-09"


def test_its_scheduled_step_is_taken_when_its_clock_falls_due(engine: Engine) -> None:
    """A step with ``on_due`` is taken by ``run_scheduled`` on the clock's last day, once,
    audited; not before, not after its guard refuses, not once the clock is closed."""
    cid = _ask(engine)
    other = _ask(engine)
    engine.fire(other, "answer", actor=LAWYER, at=at("2026-03-04"), answer="依法由继承人继承")
    assert engine.run_scheduled(at=at("2026-03-06", 18)) == []  # due Mon 9 Mar
    events = engine.run_scheduled(at=at("2026-03-09", 8))
    assert [(e.case_id, e.trigger, e.actor) for e in events] == [(cid, "chase", "system")]
    assert "chased" in engine.get(cid).flags
    assert engine.run_scheduled(at=at("2026-03-09", 9)) == []  # its guard: once
    assert "chased" not in engine.get(other).flags  # answered: its clock closed
    assert [e.trigger for e in engine.history(cid)][-1] == "chase"
    assert engine.verify(cid).ok
    with pytest.raises(DefinitionError, match="no required inputs"):
        Step(ConsultationStep.record_referral, inputs=ReferralInputs, on_due=REPLY)


def test_its_document_prints_its_own_state_labels(engine: Engine) -> None:
    """The document comes from the test's template directory; labels from the case's definition."""
    cid = _ask(engine)
    engine.fire(cid, "answer", actor=LAWYER, at=at("2026-03-04"), answer="依照民法典继承编办理。")
    text = engine.render(cid, "consultation_reply")
    assert isinstance(text, str)
    assert "法律咨询答复书" in text
    assert "当前状态：已答复" in text
    assert "办理经过：已登记咨询 → 已答复" in text
    assert "父亲去世后宅基地如何继承？" in text
    html = engine.render(cid, "consultation_reply", format="html")
    assert "已答复" in html
    with pytest.raises(ValidationError, match="not a document of workflow"):
        engine.render(cid, "mediation_agreement")
    number = engine.issue_document(cid, "consultation_reply", actor=LAWYER, at=at("2026-03-05"))
    assert number == "（2026）东调字第0001号"


def test_both_workflows_live_side_by_side(engine: Engine) -> None:
    """A dispute and a consultation in one engine; each step only where it belongs."""
    dispute = intake(engine)
    consult = _ask(engine)
    assert {c.workflow for c in engine.find(limit=10)} == {"dispute", "consultation"}
    assert [c.id for c in engine.find(workflow="consultation")] == [consult]
    assert [c.id for c in engine.find(kind="dispute")] == [dispute.id]
    with pytest.raises(TransitionNotAllowedError):
        engine.fire(dispute.id, "record_referral", actor=LAWYER, at=at("2026-03-03"), to="x")
    with pytest.raises(TransitionNotAllowedError):
        engine.fire(consult, "triage", actor=CLERK, at=at("2026-03-03"))
    with pytest.raises(ValidationError, match="question"):
        engine.intake(
            workflow="consultation",
            channel="phone",
            category="other",
            parties=[Party.person("钱", role="applicant")],
            summary="x",
            unit="qt-dm-dmc",
            actor=CLERK,
            at=at("2026-03-02"),
        )


def test_several_workflows_serve_one_kind(backend: str) -> None:
    """A kind's default is its first workflow; another is chosen by name; each keeps its own."""
    import attrs

    express = attrs.evolve(CONSULTATION, name="consultation_express", label="快速咨询")
    with make_engine(backend, workflows=[CONSULTATION, express], steps=[REFERRAL]) as eng:
        by_kind = eng.intake(
            kind="consultation",
            channel="phone",
            category="other",
            parties=[Party.person("甲", role="applicant")],
            summary="咨询",
            unit="qt-dm-dmc",
            actor=CLERK,
            at=at("2026-03-02"),
            details={"question": "问"},
        )
        by_name = eng.intake(
            workflow="consultation_express",
            channel="phone",
            category="other",
            parties=[Party.person("乙", role="applicant")],
            summary="咨询",
            unit="qt-dm-dmc",
            actor=CLERK,
            at=at("2026-03-02"),
            details={"question": "问"},
        )
        assert (by_kind.workflow, by_name.workflow) == ("consultation", "consultation_express")
        assert eng.get(by_name.id).workflow == "consultation_express"
        assert eng.verify(by_name.id).ok
