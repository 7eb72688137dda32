"""A hypothesis state machine drives the engine with random legal and illegal triggers.

After every step: the stored case equals the replay of its log; the chain verifies;
a refused step changed nothing; open cases have a running clock, closed ones none;
no clock is both met and breached.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from mediation import Actor, DeadlineStatus, Engine, MediationError, Place
from mediation._demo import parties
from mediation.model import CHINA_TZ, Role
from mediation.workflows.dispute import DISPUTE

from .conftest import make_engine
from .helpers import agreement
from .strategies import business_times, people, trigger_data

START = dt.datetime(2026, 1, 5, 9, tzinfo=CHINA_TZ)
_EXITS = {
    "withdraw",
    "transfer_out",
    "terminate",
    "reopen",
    "remediate",
    "party_refuses",
    "refer",
    "hand_off",
}
GOOD_INPUTS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "triage": st.fixed_dictionaries({"track": st.sampled_from(["people", "people", "judicial"])}),
    "accept": st.sampled_from([{"other_side_consents": True}, {"handled_by": "县人民法院"}]),
    "transfer_out": st.just({"reason": "属行政机关职权", "to": "县人社局", "measures": "已疏导"}),
    "inform_rights": st.just({}),
    "party_refuses": st.just({"party": "p3", "remedies_informed": True}),
    "refer": st.sampled_from(
        [{"to": "qt-dm", "reason": "complex"}, {"to": "qt-dm-dmc", "reason": "territorial"}]
    ),
    "take_referral": st.just({}),
    "return_referral": st.just({"reason": "不属本级"}),
    "hand_off": st.just(
        {"track": "administrative", "unit": "qt-dmz", "reason": "行政调解", "consent": True}
    ),
    "close": st.sampled_from([{}, {"no_visit_reason": "当事人外出务工联系不上"}]),
    "suspend": st.fixed_dictionaries({"reason": st.sampled_from(["appraisal", "party_wait"])}),
    "agree": st.sampled_from(
        [
            {"agreement": agreement("2026-12-20")},
            {"agreement": {"form": "oral", "terms": ["口头达成：互不追究"]}},
        ]
    ),
    "sign": st.just(
        {"signer": "陈调解", "capacity": "mediator", "signed_at": "2026-09-01T10:00:00+08:00"}
    ),
    "remediate": st.just({"reason": "一方反悔", "consent": True}),
    "terminate": st.just({"reason": "分歧过大", "remedies_informed": True}),
    "record_callback": st.just(
        {"visitor": "陈调解", "party": "p1", "performance": "已履行", "satisfaction": "satisfied"}
    ),
    "reopen": st.just({"reason": "回访发现未履行", "consent": True}),
    "withdraw": st.just({"reason": "申请人撤回"}),
}
ACTOR = Actor(
    "all",
    frozenset({Role.clerk, Role.mediator, Role.director, Role.leader, Role.court_liaison}),
    "qt",
    "全能",
)


_LOOPS = {t.trigger.value for t in DISPUTE.transitions if t.dest in t.source}
"""Triggers that may stay in their state (sign, record_callback, inform_rights, ...)."""


class EngineMachine(RuleBasedStateMachine):
    """Random walks over the dispute workflow."""

    cases = Bundle("cases")
    backend = "memory"
    tmpdir: Path | None = None

    def __init__(self) -> None:
        super().__init__()
        spec = self.backend
        if spec == "sqlite":
            assert self.tmpdir is not None
            path = self.tmpdir / f"sm-{id(self)}.db"
            if path.exists():
                path.unlink()
            spec = f"sqlite:///{path}"
        self.engine: Engine = make_engine(spec)
        self.now = START
        self.known: set[str] = set()

    def teardown(self) -> None:
        self.engine.close()

    @initialize(target=cases)
    def first_case(self) -> str:
        return self._intake(parties())

    @precondition(lambda self: len(self.known) < 3)
    @rule(target=cases, third=st.one_of(st.none(), people("third_party")))
    def intake(self, third: Any) -> str:
        return self._intake(parties() + ([third] if third is not None else []))

    def _intake(self, ps: list[Any]) -> str:
        case = self.engine.intake(
            kind="dispute",
            channel="walk_in",
            category="medical" if len(self.known) % 3 == 2 else "neighbor",
            parties=ps,
            summary="随机纠纷",
            location=[Place("青田县"), Place("东门镇"), Place("东门村")],
            unit="qt-dm-dmc",
            actor=ACTOR,
            at=self.now,
            details={"duplicate_decision": "new_case", "duplicate_reason": "随机测试"},
        )
        self.known.add(case.id)
        return case.id

    @rule(case_id=cases, step=trigger_data(), dt_=business_times(START))
    def fire(self, case_id: str, step: tuple[str, dict[str, Any]], dt_: dt.timedelta) -> None:
        self.now = min(self.now + dt_, dt.datetime(2026, 9, 30, tzinfo=CHINA_TZ))
        trigger, data = step
        before = self.engine.get(case_id)
        history = len(self.engine.history(case_id))
        try:
            after = self.engine.fire(case_id, trigger, actor=ACTOR, at=self.now, **data)
        except MediationError:
            assert self.engine.get(case_id) == before
            assert len(self.engine.history(case_id)) == history
            return
        assert after.version == before.version + 1
        assert len(self.engine.history(case_id)) == history + 1

    @rule(case_id=cases, data=st.data(), dt_=business_times(START))
    def fire_a_legal_trigger(self, case_id: str, data: st.DataObject, dt_: dt.timedelta) -> None:
        """Walk the graph: pick among the triggers allowed now, with good inputs."""
        self.now = min(self.now + dt_, dt.datetime(2026, 9, 30, tzinfo=CHINA_TZ))
        allowed = sorted(
            o.trigger for o in self.engine.available_triggers(case_id, ACTOR, self.now) if o.allowed
        )
        if not allowed:
            return
        forward = [t for t in allowed if t not in _EXITS]
        exit_now = not forward or data.draw(st.integers(0, 9)) == 0
        trigger = data.draw(st.sampled_from(allowed if exit_now else forward))
        inputs = data.draw(GOOD_INPUTS.get(trigger, st.just({})))
        before = self.engine.get(case_id)
        try:
            after = self.engine.fire(case_id, trigger, actor=ACTOR, at=self.now, **inputs)
        except MediationError:
            assert self.engine.get(case_id) == before
            return
        assert after.state != before.state or trigger in _LOOPS

    @rule()
    def supervise(self) -> None:
        for event in self.engine.supervise(at=self.now):
            assert event.trigger == "supervise"
        assert self.engine.supervise(at=self.now) == []  # each breach once

    @rule(case_id=cases, length=st.integers(-1, 40))
    def extend_a_clock(self, case_id: str, length: int) -> None:
        case = self.engine.get(case_id)
        if not case.deadlines:
            return
        clock = case.deadlines[length % len(case.deadlines)]
        try:
            after = self.engine.extend_deadline(
                case_id,
                clock.id,
                length=length,
                approver="parties_consent",
                reason="双方同意",
                actor=ACTOR,
                at=self.now,
            )
        except MediationError:
            assert self.engine.get(case_id) == case
            return
        assert after.deadline(clock.id).due >= clock.due  # an extension never shortens

    @rule(case_id=cases, party=people("third_party"))
    def bad_intake_changes_nothing(self, case_id: str, party: Any) -> None:
        count = len(self.engine.find(limit=10_000))
        with pytest.raises(MediationError):
            self.engine.intake(
                kind="dispute",
                channel="walk_in",
                category="neighbor",
                parties=[party],
                summary="无被申请人",
                unit="qt-dm-dmc",
                actor=ACTOR,
                at=self.now,
            )
        assert len(self.engine.find(limit=10_000)) == count

    @invariant()
    def every_case_agrees_with_its_log(self) -> None:
        for case_id in self.known:
            case = self.engine.get(case_id)
            assert self.engine.verify(case_id).ok
            definition = self.engine.definition(case.workflow, case.workflow_version)
            running = [d for d in case.deadlines if d.status is DeadlineStatus.running]
            if definition.is_closed(case.state):
                assert not case.open_deadlines, (case.state, case.deadlines)
            else:
                assert running, (case.state, case.deadlines)
            for d in case.deadlines:
                assert (d.closed_at is None) == d.status.is_open
                assert d.due >= d.start


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_engine_state_machine(backend: str, tmp_path: Path) -> None:
    """Random legal and illegal trigger sequences keep every invariant."""
    machine = type(
        f"EngineMachine_{backend}", (EngineMachine,), {"backend": backend, "tmpdir": tmp_path}
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=40 if backend == "memory" else 10,
            stateful_step_count=60,
            deadline=None,
        ),
    )
