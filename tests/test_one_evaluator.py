"""One evaluator: what ``available_triggers`` says is what ``fire`` does.

For random reachable states of the dispute workflow and of the test
workflow (``tests/workflows/consultation.py``), random actors, random
triggers and steps and random (good or bad) inputs: ``available_triggers``
says allowed exactly when ``fire`` succeeds, and a refusal carries the very
reason, basis and field of the error ``fire`` raises — which leaves the case
as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from mediation import (
    Actor,
    AuthorizationError,
    Engine,
    MediationError,
    Party,
    RuleRejectedError,
    ValidationError,
)
from mediation._demo import parties, policy
from mediation.documents import DocumentRenderer
from mediation.model import CHINA_TZ

from .strategies import inputs_for
from .test_stateful import _EXITS, GOOD_INPUTS
from .workflows.consultation import CONSULTATION, REFERRAL, REPLY_DOCUMENT

START = dt.datetime(2026, 3, 2, 9, tzinfo=CHINA_TZ)
EVERYONE = Actor("all", {"clerk", "mediator", "director", "leader"}, "qt", "全能")
CONSULTATION_INPUTS: dict[str, Any] = {
    "answer": st.sampled_from([{"answer": "依法答复如下。"}, {"answer": "好"}, {}]),
    "close": st.just({}),
    "record_referral": st.sampled_from([{"to": "司法所"}, {}, {"to": 5}]),
    "issue_document": st.sampled_from([{"kind": "registration"}, {"kind": "consultation_reply"}]),
}
STEP_INPUTS: dict[str, Any] = {
    "extend_deadline": st.fixed_dictionaries(
        {
            "deadline": st.sampled_from(["people_mediation-3", "dispute_acceptance-1", "nope"]),
            "length": st.integers(-1, 40),
            "approver": st.sampled_from(["parties_consent", "organ_head", "boss"]),
            "reason": st.sampled_from(["双方同意", ""]),
        }
    ),
    "issue_document": st.sampled_from(
        [{"kind": "registration"}, {"kind": "consultation_reply"}, {}]
    ),
    "supervise": st.just({"deadline": "dispute_acceptance-1"}),
}

actors = st.builds(
    Actor,
    st.just("a"),
    st.frozensets(st.sampled_from(["clerk", "mediator", "director", "leader", "admin"])),
    st.sampled_from([None, "qt", "qt-dm", "qt-dm-dmc", "elsewhere"]),
)


def _engine() -> Engine:
    return Engine.in_memory(
        policy=policy(),
        reader=Actor.system(),
        workflows=[CONSULTATION],
        steps=[REFERRAL],
        documents=DocumentRenderer(kinds=[REPLY_DOCUMENT]),
    )


def _intake(engine: Engine, workflow: str) -> str:
    if workflow == "dispute":
        ps = parties()
        details = None
    else:
        ps = [Party.person("赵咨询", role="applicant")]
        details = {"question": "如何继承？"}
    return engine.intake(
        workflow=workflow,
        channel="walk_in",
        category="medical" if workflow == "dispute" else "other",
        parties=ps,
        summary="随机",
        unit="qt-dm-dmc",
        actor=EVERYONE,
        at=START,
        details=details,
    ).id


def _good(name: str) -> Any:
    return {**GOOD_INPUTS, **CONSULTATION_INPUTS}.get(name, st.just({}))


def _expected(exc: MediationError) -> tuple[str, str, str | None]:
    if isinstance(exc, RuleRejectedError):
        return exc.reason, exc.basis, None
    if isinstance(exc, ValidationError):
        return exc.rule, exc.basis, exc.field
    if isinstance(exc, AuthorizationError):
        return exc.reason, "", None
    return str(exc), "", None


@settings(max_examples=400, deadline=None)
@given(
    data=st.data(),
    workflow=st.sampled_from(["dispute", "consultation"]),
    walk=st.integers(0, 14),
    actor=st.one_of(st.just(EVERYONE), actors),
)
def test_available_triggers_says_allowed_iff_fire_succeeds(
    data: st.DataObject, workflow: str, walk: int, actor: Actor
) -> None:
    engine = _engine()
    cid = _intake(engine, workflow)
    now = START
    for _ in range(walk):  # a random reachable state
        now += dt.timedelta(hours=data.draw(st.integers(1, 240), label="hours"))
        allowed = [o.trigger for o in engine.available_triggers(cid, EVERYONE, now) if o.allowed]
        needing = [
            o.trigger
            for o in engine.available_triggers(cid, EVERYONE, now)
            if o.needs and not o.step
        ]
        choices = sorted(set(allowed) | set(needing))
        forward = [c for c in choices if c not in _EXITS]
        if not choices:
            break
        exit_now = not forward or data.draw(st.integers(0, 9), label="exit") == 0
        name = data.draw(st.sampled_from(choices if exit_now else forward), label="walk")
        with contextlib.suppress(MediationError):
            engine.fire(cid, name, actor=EVERYONE, at=now, **data.draw(_good(name)))
    options = {o.trigger: o for o in engine.available_triggers(cid, EVERYONE, now)}
    possible = sorted(n for n, o in options.items() if o.allowed or o.needs) or ["fly"]
    name = data.draw(
        st.one_of(st.sampled_from(possible), st.sampled_from([*sorted(options), "fly"])),
        label="probe",
    )
    bad = st.one_of(STEP_INPUTS.get(name, st.just({})), inputs_for(name), st.just({"x": 1}))
    good = st.one_of(_good(name), STEP_INPUTS.get(name, _good(name)))
    inputs = data.draw(st.one_of(good, good, bad), label="inputs")
    at = now + dt.timedelta(minutes=5)
    try:
        listed = engine.available_triggers(cid, actor, at, inputs={name: inputs})
    except AuthorizationError:  # the actor may not even see the case: nor act on it
        event("refused: cannot read")
        with pytest.raises(AuthorizationError):
            engine.fire(cid, name, actor=actor, at=at, **inputs)
        return
    option = {o.trigger: o for o in listed}.get(name)
    before = engine.get(cid)
    history = len(engine.history(cid))
    error: MediationError | None = None
    error: MediationError | None = None
    try:
        engine.fire(cid, name, actor=actor, at=at, **inputs)
    except MediationError as exc:
        error = exc
    if error is None:
        event("allowed")
        assert option is not None, name
        assert option.allowed, (name, inputs, option)
        return
    event(f"refused: {type(error).__name__}")
    assert option is None or not option.allowed, (name, inputs, error)
    if option is not None:
        assert (option.reason, option.basis, option.field) == _expected(error)
    assert engine.get(cid) == before
    assert len(engine.history(cid)) == history
