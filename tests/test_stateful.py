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
    rule,
    run_state_machine_as_test,
)

from mediation import DeadlineStatus, Engine, MediationError
from mediation._demo import parties
from mediation.model import CHINA_TZ, Role

from .conftest import make_engine
from .helpers import ADMIN
from .strategies import business_times, people, trigger_data

START = dt.datetime(2026, 1, 5, 9, tzinfo=CHINA_TZ)
ACTOR = ADMIN.__class__("all", frozenset({Role.clerk, Role.mediator, Role.director}), "qt", "全能")


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
            unit="qt-dm-dmc",
            actor=ACTOR,
            at=self.now,
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
            max_examples=40 if backend == "memory" else 12,
            stateful_step_count=40,
            deadline=None,
        ),
    )
