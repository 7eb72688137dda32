"""The engine end to end, on every backend: intake, fire, refusals, queries, audit, outbox."""

from __future__ import annotations

import pytest

from mediation import (
    Actor,
    AuthorizationError,
    CaseNotFoundError,
    DeadlineStatus,
    Engine,
    RuleRejectedError,
    TransitionNotAllowedError,
    ValidationError,
)
from mediation._demo import run

from .helpers import ADMIN, CLERK, DIRECTOR, MEDIATOR, agreement, at, intake, to_state


def test_demo_case_runs_to_closure_and_verifies(engine: Engine) -> None:
    """The three-party demo closes, no clock runs on the closed case (DESIGN.md), the chain
    and replay verify. (The parties may still apply for 司法确认 within their 30 days,
    《人民调解法》第三十三条: tests/law/test_closing.py.)"""
    case = run(engine)
    assert case.state == "closed"
    assert case.code == "（2026）东调字第0001号"
    assert case.version == len(engine.history(case.id)) == 16
    assert not case.open_deadlines
    assert {d.period for d in case.deadlines} >= {
        "dispute_acceptance",
        "people_mediation",
        "agreement_performance",
        "judicial_confirmation_apply",
        "callback_visit",
    }
    assert engine.verify(case.id).ok
    assert engine.replay(case.id) == engine.get(case.id)


def test_case_codes_are_gap_free_per_unit_and_year(engine: Engine) -> None:
    """Codes run 0001, 0002... per unit and year, restarting for another unit or year."""
    codes = [intake(engine).code for _ in range(3)]
    assert codes == [f"（2026）东调字第000{i}号" for i in (1, 2, 3)]
    town = intake(engine, unit="qt-dm", actor=Actor("c2", {"clerk"}, "qt-dm"))
    assert town.code == "（2026）东镇调字第0001号"
    next_year = intake(engine, when=at("2025-12-31", 23))
    assert next_year.code == "（2025）东调字第0001号"


def _snapshot(engine: Engine, case_id: str) -> tuple[object, int]:
    return engine.get(case_id), len(engine.history(case_id))


@pytest.mark.parametrize(
    ("trigger", "actor", "data", "error"),
    [
        ("fly", MEDIATOR, {}, TransitionNotAllowedError),
        ("close", DIRECTOR, {}, TransitionNotAllowedError),
        ("terminate", MEDIATOR, {"reason": "分歧大"}, RuleRejectedError),
        ("agree", MEDIATOR, {"agreement": {"form": "written", "terms": ["x"]}}, RuleRejectedError),
        ("suspend", MEDIATOR, {"reason": "lunch"}, ValidationError),
        ("suspend", MEDIATOR, {"color": "red"}, ValidationError),
        ("suspend", CLERK, {"reason": "appraisal"}, AuthorizationError),
        ("suspend", Actor("m2", {"mediator"}, "qt"), {"reason": "appraisal"}, None),
    ],
)
def test_refused_steps_change_nothing(
    engine: Engine,
    trigger: str,
    actor: Actor,
    data: dict[str, object],
    error: type[Exception] | None,
) -> None:
    """Every kind of refusal raises its typed error and leaves case and history untouched."""
    case = to_state(engine, intake(engine).id, "mediating")
    before = _snapshot(engine, case.id)
    if error is None:  # a county mediator is above the village: in scope
        engine.fire(case.id, trigger, actor=actor, at=at("2026-03-04"), **data)
        return
    with pytest.raises(error):
        engine.fire(case.id, trigger, actor=actor, at=at("2026-03-04"), **data)
    assert _snapshot(engine, case.id) == before


def test_guard_refusal_says_why_and_cites_the_law(engine: Engine) -> None:
    """Terminating without informing the parties of remedies cites 人民调解法 第二十六条."""
    case = to_state(engine, intake(engine).id, "mediating")
    with pytest.raises(RuleRejectedError) as err:
        engine.fire(case.id, "terminate", actor=MEDIATOR, at=at("2026-03-05"), reason="差距大")
    assert "第二十六条" in err.value.basis
    assert "仲裁" in err.value.reason


def test_missing_agreement_items_are_named(engine: Engine) -> None:
    """A written agreement without the place of performance is refused, naming 履行的地点."""
    case = to_state(engine, intake(engine).id, "mediating")
    items = agreement()
    items["performance_place"] = ""
    with pytest.raises(RuleRejectedError) as err:
        engine.fire(case.id, "agree", actor=MEDIATOR, at=at("2026-03-05"), agreement=items)
    assert "履行的地点" in err.value.reason


def test_out_of_scope_actor_is_refused(engine: Engine) -> None:
    """A mediator of another village cannot touch this village's case."""
    case = intake(engine)
    outsider = Actor("x", {"clerk"}, "qt-dm")  # the town is above: in scope
    engine.fire(
        case.id, "triage", actor=outsider, at=at("2026-03-02", 10), track="people", level="village"
    )
    other = Actor("y", {"clerk", "mediator", "director"}, "elsewhere")
    with pytest.raises((AuthorizationError, ValidationError)):
        engine.fire(case.id, "accept", actor=other, at=at("2026-03-02", 11))


def test_available_triggers_explain_what_may_happen(engine: Engine) -> None:
    """Allowed triggers, needed inputs, and refusals with reasons are all reported."""
    case = intake(engine)
    options = {o.trigger: o for o in engine.available_triggers(case.id, CLERK, at("2026-03-02"))}
    assert not options["triage"].allowed
    assert options["triage"].needs == ("track",)
    given = {"triage": {"track": "people", "level": "village"}}
    with_inputs = engine.available_triggers(case.id, CLERK, at("2026-03-02"), inputs=given)
    assert {o.trigger: o for o in with_inputs}["triage"].allowed
    assert not options["close"].allowed
    assert options["close"].reason
    assert not options["record_callback"].allowed
    director = {o.trigger: o for o in engine.available_triggers(case.id, MEDIATOR)}
    assert not director["triage"].allowed  # a mediator does not triage


def test_deadlines_follow_the_case(engine: Engine) -> None:
    """Intake opens the acceptance clock; acceptance meets it and opens the one-month clock."""
    case = intake(engine)
    assert [d.period for d in case.open_deadlines] == ["dispute_acceptance"]
    case = to_state(engine, case.id, "accepted")
    by_period = {d.period: d for d in case.deadlines}
    assert by_period["dispute_acceptance"].status is DeadlineStatus.met
    mediation = by_period["people_mediation"]
    # accepted 2026-03-02; one month → 2026-04-02 (Thursday, a working day)
    assert mediation.start.isoformat() == "2026-03-02"
    assert mediation.due.isoformat() == "2026-04-02"


def test_pause_for_appraisal_moves_a_working_day_clock(engine: Engine) -> None:
    """Appraisal time is not counted in medical mediation (医疗纠纷条例 第三十八条)."""
    case = intake(engine, category="medical")
    case = to_state(engine, case.id, "mediating")
    clock = next(d for d in case.deadlines if d.period == "medical_people_mediation")
    engine.fire(case.id, "suspend", actor=MEDIATOR, at=at("2026-03-09"), reason="appraisal")
    paused = engine.get(case.id).deadline(clock.id)
    assert paused.status is DeadlineStatus.paused
    resumed = engine.fire(case.id, "resume", actor=MEDIATOR, at=at("2026-03-16")).deadline(clock.id)
    # 2026-03-09 (Mon) → 2026-03-16 (Mon): 5 working days paused
    assert resumed.paused == 5
    assert resumed.due > clock.due


def test_lookups_by_state_level_unit_category_party(engine: Engine) -> None:
    """find() filters by state, level, unit, subtree, category and party ID."""
    a = intake(engine)
    b = to_state(engine, intake(engine, category="family").id, "accepted")
    assert {c.id for c in engine.find(state="received")} == {a.id}
    # the level is the owning unit's, from registration on (never given apart from it)
    assert {c.id for c in engine.find(level="village")} == {a.id, b.id}
    assert engine.find(level="town") == []
    assert {c.id for c in engine.find(category="family")} == {b.id}
    assert {c.id for c in engine.find(unit="qt-dm-dmc")} == {a.id, b.id}
    assert {c.id for c in engine.find(within="qt")} == {a.id, b.id}
    assert {c.id for c in engine.find(party_id="332522196503120014")} == {a.id, b.id}
    assert engine.find(party_id="110105194912310029") == []


def test_unknown_case_is_a_lookup_error(engine: Engine) -> None:
    """A missing case raises CaseNotFoundError, which is also a LookupError."""
    with pytest.raises(CaseNotFoundError):
        engine.get("nope")
    with pytest.raises(LookupError):
        engine.fire("nope", "triage", actor=CLERK, at=at("2026-03-02"))


def test_subscribers_get_every_event_in_order(engine: Engine) -> None:
    """Committed events reach subscribers after commit, in order."""
    seen: list[tuple[str, int]] = []
    engine.subscribe(lambda e: seen.append((e.trigger, e.seq)))
    case = to_state(engine, intake(engine).id, "accepted")
    assert seen == [("intake", 1), ("triage", 2), ("accept", 3)]
    assert case.version == 3


def test_a_failing_subscriber_gets_the_event_again(engine: Engine) -> None:
    """At least once: an event whose handler raised is delivered again later."""
    calls: list[int] = []

    def flaky(event: object) -> None:
        calls.append(event.seq)
        if len(calls) == 1:
            raise RuntimeError("mail server down")

    engine.subscribe(flaky)
    case = intake(engine)
    assert calls == [1]
    engine.fire(
        case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people", level="village"
    )
    assert calls == [1, 1, 2]


def test_workflow_migration_is_explicit_and_audited(engine: Engine) -> None:
    """A running case keeps its workflow version until migrated; migration is logged and replays."""
    import attrs

    from mediation.workflows.dispute import DISPUTE

    case = to_state(engine, intake(engine).id, "accepted")
    later = DISPUTE.version + 1
    engine.register(attrs.evolve(DISPUTE, version=later))
    assert engine.get(case.id).workflow_version == DISPUTE.version
    assert intake(engine).workflow_version == later
    with pytest.raises(AuthorizationError):
        engine.migrate_case(case.id, to_version=later, actor=CLERK, at=at("2026-03-03"))
    moved = engine.migrate_case(case.id, to_version=later, actor=ADMIN, at=at("2026-03-03"))
    assert moved.workflow_version == later
    assert moved.state == "accepted"
    assert engine.history(case.id)[-1].trigger == "migrate_workflow"
    assert engine.verify(case.id).ok
    engine.fire(case.id, "inform_rights", actor=MEDIATOR, at=at("2026-03-04"))
    engine.fire(case.id, "start_mediation", actor=MEDIATOR, at=at("2026-03-04"))
    assert engine.verify(case.id).ok


def test_batch_commits_all_or_nothing(engine: Engine) -> None:
    """Fires inside a batch land together; an error inside rolls them all back."""
    ids = [intake(engine).id for _ in range(3)]
    with engine.batch():
        for cid in ids:
            engine.fire(
                cid, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people", level="village"
            )
    assert all(engine.get(cid).state == "triaged" for cid in ids)

    def interrupted_batch() -> None:
        with engine.batch():
            for cid in ids:
                engine.fire(cid, "accept", actor=CLERK, at=at("2026-03-02", 11))
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        interrupted_batch()
    assert all(engine.get(cid).state == "triaged" for cid in ids)
    assert all(engine.verify(cid).ok for cid in ids)


def test_withdrawal_cancels_every_clock(engine: Engine) -> None:
    """A withdrawn case (人民调解法 第二十三条) has no open clock."""
    case = to_state(engine, intake(engine).id, "mediating")
    done = engine.fire(
        case.id, "withdraw", actor=MEDIATOR, at=at("2026-03-04"), reason="申请人撤回", by="张三"
    )
    assert done.state == "withdrawn"
    assert not done.open_deadlines
    assert {d.status for d in done.deadlines} <= {DeadlineStatus.cancelled, DeadlineStatus.met}


def test_close_requires_the_callback_visit(engine: Engine) -> None:
    """An agreed case cannot close before its callback visit (人民调解法 第三十一条)."""
    case = to_state(engine, intake(engine).id, "callback")
    with pytest.raises(RuleRejectedError, match="回访"):
        engine.fire(case.id, "close", actor=DIRECTOR, at=at("2026-03-30"))


def test_a_signature_given_again_does_not_move_the_effective_day(engine: Engine) -> None:
    """人民调解法 第二十九条第二款: effective from the day the set of signatures is complete.
    Each signer signs once: a party signing again on 03-20 is refused, and the agreement stays
    effective from 03-06, as the confirmation window has it."""
    from mediation.rules.dispute import effective

    case = to_state(engine, intake(engine).id, "agreed")
    signers = [{"party": p.id, "capacity": "party"} for p in case.principals]
    for given in (
        *signers,
        {"signer": "陈", "capacity": "mediator"},
        {"signer": "东门村人民调解委员会", "capacity": "committee"},
    ):
        case = engine.fire(
            case.id,
            "sign",
            actor=MEDIATOR,
            at=at("2026-03-06", 10),
            signed_at=at("2026-03-06", 10),
            **given,
        )
    assert effective(case) == at("2026-03-06", 10)
    with pytest.raises(ValidationError) as again:
        engine.fire(
            case.id,
            "sign",
            actor=MEDIATOR,
            at=at("2026-03-20"),
            signed_at=at("2026-03-20"),
            **signers[0],
        )
    assert again.value.field == "party"
    after = engine.get(case.id)
    assert after == case
    assert effective(after) == at("2026-03-06", 10)
    window = next(d for d in after.deadlines if d.period == "judicial_confirmation_apply")
    assert window.start.isoformat() == "2026-03-06"


def test_signatures_make_the_agreement_effective(engine: Engine) -> None:
    """The confirmation clock starts on the day the last signature/seal is added (第三十三条)."""
    case = to_state(engine, intake(engine).id, "agreed")
    assert not any(d.period == "judicial_confirmation_apply" for d in case.deadlines)
    signers = [{"party": p.id, "capacity": "party"} for p in case.principals]
    for given in (*signers, {"signer": "陈", "capacity": "mediator"}):
        case = engine.fire(
            case.id,
            "sign",
            actor=MEDIATOR,
            at=at("2026-03-06", 10),
            signed_at=at("2026-03-06", 10),
            **given,
        )
    assert not any(d.period == "judicial_confirmation_apply" for d in case.deadlines)
    case = engine.fire(
        case.id,
        "sign",
        actor=MEDIATOR,
        at=at("2026-03-07", 10),
        signer="东门村人民调解委员会",
        capacity="committee",
        signed_at=at("2026-03-07", 10),
    )
    clock = next(d for d in case.deadlines if d.period == "judicial_confirmation_apply")
    assert clock.start.isoformat() == "2026-03-07"
    # 30 days → 2026-04-06, a 清明 rest day (4-4..4-6) → rolls to 2026-04-07
    assert clock.due.isoformat() == "2026-04-07"
    with pytest.raises(ValidationError):
        engine.fire(
            case.id,
            "sign",
            actor=MEDIATOR,
            at=at("2026-03-07"),
            party="p9",
            capacity="party",
            signed_at=at("2026-03-07"),
        )


def test_parties_are_identified_by_id_not_by_name(engine: Engine) -> None:
    """Two parties may share a name: ids tell them apart in signatures and for agents."""
    from mediation import Party

    twins = [
        Party.person("张伟", role="applicant", address="东门村1号"),
        Party.person("张伟", role="applicant", address="东门村2号"),
        Party.person("王五", role="respondent", address="东门村14号"),
    ]
    with pytest.raises(ValidationError) as err:
        intake(engine, parties=[*twins, Party.person("赵律师", role="agent", agent_of="张伟")])
    assert err.value.field == "parties[3].agent_of"
    case = intake(engine, parties=[*twins, Party.person("赵律师", role="agent", agent_of="p2")])
    assert [p.id for p in case.parties] == ["p1", "p2", "p3", "p4"]
    assert case.party("p4").agent_of == "p2"
    case = to_state(engine, case.id, "agreed")
    signed = engine.fire(
        case.id,
        "sign",
        actor=MEDIATOR,
        at=at("2026-03-06", 10),
        party="p2",
        capacity="party",
        signed_at=at("2026-03-06", 10),
    )
    from mediation.rules.agreement import unsigned

    pending = unsigned(signed.details.agreement, signed.parties)
    assert pending == ("张伟", "王五", "mediator", "committee")  # p1 has not signed, p2 has
    assert signed.details.agreement.signatures[0].party == "p2"
    with pytest.raises(ValidationError) as err:
        engine.fire(
            case.id,
            "sign",
            actor=MEDIATOR,
            at=at("2026-03-06", 10),
            party="p4",  # an agent is not a party to the agreement
            capacity="party",
            signed_at=at("2026-03-06", 10),
        )
    assert err.value.field == "party"  # the step's input
