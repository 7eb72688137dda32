"""Bad input: each failure is a typed MediationError naming the field; nothing is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

import mediation
from mediation import Engine, MediationError, Party, ValidationError

from .helpers import CLERK, MEDIATOR, at, intake, parties, to_state


def _count(engine: Engine) -> int:
    return len(engine.find(limit=10_000))


BAD_INTAKES: list[tuple[str, Callable[[], dict[str, object]], str]] = [
    (
        "invalid ID checksum",
        lambda: {"parties": [Party.person("张三", id_number="332522196503120015"), *parties()[2:]]},
        "id_number",
    ),
    ("no respondent", lambda: {"parties": parties()[:2]}, "parties"),
    ("unknown category", lambda: {"category": "alien_abduction"}, "category"),
    ("unknown channel", lambda: {"channel": "pigeon"}, "channel"),
    ("naive datetime", lambda: {"at": dt.datetime(2026, 3, 2, 9)}, "at"),
    ("empty summary", lambda: {"summary": "  "}, "summary"),
    ("unknown unit", lambda: {"unit": "nowhere"}, "unit"),
    ("float amount", lambda: {"amount": 12.5}, "amount"),
    (
        "duplicate ID",
        lambda: {
            "parties": [
                *parties(),
                Party.person("张三丰", id_number="332522196503120014", role="third_party"),
            ]
        },
        "parties",
    ),
    # The workflow's intake inputs are named as the caller wrote them, under ``details``.
    ("unknown track in details", lambda: {"details": {"track": "nonsense"}}, "details.track"),
    ("bad date in details", lambda: {"details": {"received_on": "x"}}, "details.received_on"),
    ("unknown detail", lambda: {"details": {"level": "village"}}, "details.level"),
]


@pytest.mark.parametrize(("what", "change", "field"), BAD_INTAKES, ids=[b[0] for b in BAD_INTAKES])
def test_bad_intake_is_refused_naming_the_field(
    engine: Engine, what: str, change: Callable[[], dict[str, object]], field: str
) -> None:
    """Each bad intake raises ValidationError with the field; no case is written."""
    before = _count(engine)
    with pytest.raises(ValidationError) as err:
        intake(engine, **change())
    assert err.value.field == field, err.value
    assert field in str(err.value)
    assert _count(engine) == before


def test_bad_party_inputs_fail_before_the_engine() -> None:
    """Party construction already refuses a bad checksum, naming id_number."""
    with pytest.raises(ValidationError, match="id_number"):
        Party.person("张三", id_number="332522196503120015")


def test_unknown_trigger_is_named(engine: Engine) -> None:
    """An unknown trigger raises a TransitionError that names it and lists the known ones."""
    case = intake(engine)
    with pytest.raises(mediation.TransitionNotAllowedError) as err:
        engine.fire(case.id, "teleport", actor=CLERK, at=at("2026-03-02"))
    assert err.value.trigger == "teleport"
    assert "triage" in str(err.value)
    assert engine.get(case.id).version == 1


def test_naive_fire_time_is_refused(engine: Engine) -> None:
    """fire(at=naive) raises ValidationError(field='at') and writes nothing."""
    case = intake(engine)
    with pytest.raises(ValidationError) as err:
        engine.fire(
            case.id,
            "triage",
            actor=CLERK,
            at=dt.datetime(2026, 3, 2, 10),
            track="people",
            level="village",
        )
    assert err.value.field == "at"
    assert engine.get(case.id).version == 1


def test_unknown_track_and_level_are_named(engine: Engine) -> None:
    """Triage with an unknown track or level names that field."""
    case = intake(engine)
    for data, field in (
        ({"track": "magic", "level": "village"}, "track"),
        ({"track": "people", "level": "galaxy"}, "level"),
    ):
        with pytest.raises(ValidationError) as err:
            engine.fire(case.id, "triage", actor=CLERK, at=at("2026-03-02"), **data)
        assert err.value.field == field


def test_only_mediation_errors_escape_the_public_api(engine: Engine) -> None:
    """A tour of failures through the public API: every exception is a MediationError."""
    case = to_state(engine, intake(engine).id, "mediating")
    attempts: list[Callable[[], object]] = [
        lambda: engine.get("missing"),
        lambda: engine.history("missing"),
        lambda: engine.fire(case.id, "close", actor=MEDIATOR, at=at("2026-03-04")),
        lambda: engine.fire(
            case.id, "agree", actor=MEDIATOR, at=at("2026-03-04"), agreement="not a mapping"
        ),
        lambda: engine.fire(
            case.id,
            "agree",
            actor=MEDIATOR,
            at=at("2026-03-04"),
            agreement={"form": "sung", "terms": ["x"]},
        ),
        lambda: engine.fire(
            case.id,
            "agree",
            actor=MEDIATOR,
            at=at("2026-03-04"),
            agreement={"terms": ["x"], "performance_deadline": "soon"},
        ),
        lambda: engine.fire(
            case.id, "suspend", actor=MEDIATOR, at=at("2026-03-04"), reason=object()
        ),
        lambda: engine.fire(
            case.id, "suspend", actor=MEDIATOR, at=at("2026-03-04"), reason=float("nan")
        ),
        lambda: engine.fire(
            case.id, "suspend", actor=CLERK, at=at("2026-03-04"), reason="appraisal"
        ),
        lambda: engine.intake(
            kind="lawsuit",
            channel="walk_in",
            category="neighbor",
            parties=parties(),
            summary="x",
            unit="qt-dm-dmc",
        ),
        lambda: engine.migrate_case(case.id, to_version=99, actor=CLERK),
        lambda: engine.find(within="nowhere"),
        lambda: engine.definition("nonexistent"),
        lambda: engine.definition(["dispute"]),  # type: ignore[arg-type]
        lambda: engine.definition("dispute", version=[1]),  # type: ignore[arg-type]
        lambda: engine.diagram({"a": 1}),  # type: ignore[arg-type]
        lambda: engine.fire(
            case.id,
            "amend_registration",
            actor=CLERK,
            at=at("2026-03-04"),
            reason="补正",
            amount="NaN",
        ),
        lambda: engine.statistics(since=dt.date(2026, 3, 1), until=dt.date(9999, 12, 31)),
        lambda: engine.statistics(since=dt.date(1, 1, 1), until=dt.date(2026, 3, 31)),
        lambda: engine.find_related(kind="dispute", parties=None),  # type: ignore[arg-type]
        lambda: engine.find_related(kind="dispute", parties=parties(), category=None),  # type: ignore[arg-type]
        lambda: engine.find_related(kind="dispute", parties=parties(), category="a\ud800"),
        lambda: engine.find_related(kind="dispute", parties=parties(), claims=5),  # type: ignore[arg-type]
        lambda: engine.find_related(kind="dispute", parties=parties(), location=None),  # type: ignore[arg-type]
        lambda: Engine.from_url("sqlite:////nonexistent-dir/x/y.db"),
    ]
    for attempt in attempts:
        with pytest.raises(MediationError):
            attempt()
    assert engine.get(case.id).version == 5
    assert engine.verify(case.id).ok


def test_an_unknown_party_does_not_refuse_mediation(engine: Engine) -> None:
    """``accept(refused_by=…)`` names a party of the case by id (《人民调解法》第十七条;
    dispute workflow version 5): an unknown id is an error on ``refused_by`` and the case is
    left as it was — not closed as 不予受理 on a refusal nobody made. ``available_triggers``
    says the same; a party's id is taken."""
    case = intake(engine)
    case = engine.fire(
        case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people", level="village"
    )
    when = at("2026-03-02", 11)
    options = engine.available_triggers(
        case.id, CLERK, when, inputs={"accept": {"refused_by": "p9"}}
    )
    assert not {o.trigger: o for o in options}["accept"].allowed
    with pytest.raises(ValidationError) as err:
        engine.fire(case.id, "accept", actor=CLERK, at=when, refused_by="p9")
    assert err.value.field == "refused_by"
    assert "p1, p2, p3" in str(err.value)
    assert engine.get(case.id) == case
    assert engine.fire(case.id, "accept", actor=CLERK, at=when, refused_by="p3").state == (
        "not_accepted"
    )


def test_a_handler_that_cannot_be_called_is_refused(engine: Engine) -> None:
    """Registered, it would fail on every event and hold back the other subscribers'."""
    with pytest.raises(ValidationError) as err:
        engine.subscribe(5)  # type: ignore[arg-type]
    assert err.value.field == "handler"
    got: list[int] = []
    engine.subscribe(lambda event: got.append(event.seq))
    intake(engine)
    assert got == [1]


@pytest.mark.parametrize("bad", [5, None, True, b"x.db"])
def test_a_database_path_is_a_path(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        Engine.sqlite(bad)  # type: ignore[arg-type]
    assert err.value.field == "path"


def test_a_misspelt_or_missing_argument_is_named(engine: Engine) -> None:
    """A keyword the method does not take, or a required one left out, is an ArgumentError
    (a ValidationError, and a TypeError as Python's own is) naming it; nothing is written."""
    before = _count(engine)
    with pytest.raises(mediation.ArgumentError) as err:
        intake(engine, sumary="邻里排水纠纷")
    assert err.value.field == "sumary"
    assert "summary" in str(err.value)  # the arguments it does take are listed
    assert isinstance(err.value, ValidationError)
    assert isinstance(err.value, TypeError)
    kwargs = {"kind": "dispute", "channel": "walk_in", "category": "neighbor"}
    with pytest.raises(ValidationError) as missing:
        engine.intake(**kwargs, parties=parties(), unit="qt-dm-dmc", actor=CLERK)  # type: ignore[call-arg]
    assert missing.value.field == "summary"
    assert _count(engine) == before
    case = intake(engine)
    window = {"since": dt.date(2026, 3, 1), "until": dt.date(2026, 3, 31)}
    calls: list[tuple[Callable[[], object], str]] = [
        (lambda: engine.statistics(**window, whithin="qt-dm"), "whithin"),  # type: ignore[call-arg]
        (lambda: engine.find(limt=5), "limt"),  # type: ignore[call-arg]
        (lambda: engine.get(case.id, actr=CLERK), "actr"),  # type: ignore[call-arg]
        (lambda: engine.extend_deadline(case.id), "deadline_id"),  # type: ignore[call-arg]
        (lambda: Engine.in_memory(polcy=None), "polcy"),
    ]
    for call, field in calls:
        with pytest.raises(mediation.ArgumentError) as bad:
            call()
        assert bad.value.field == field, bad.value
    assert engine.get(case.id).version == 1


def test_a_type_error_inside_a_method_is_not_taken_for_bad_arguments() -> None:
    """Only a call whose arguments do not bind is an ArgumentError: a TypeError raised
    inside the method goes on as it was."""
    from mediation._errors import checked_arguments

    class Store:
        @checked_arguments
        def put(self, key: str, *, value: int) -> int:
            return value + key  # type: ignore[operator]  # the method's own mistake

    with pytest.raises(TypeError) as inside:
        Store().put("k", value=1)
    assert not isinstance(inside.value, mediation.ArgumentError)
    with pytest.raises(mediation.ArgumentError) as bad:
        Store().put("k", valeu=1)  # type: ignore[call-arg]
    assert bad.value.field == "valeu"


def test_fire_without_its_trigger_is_named(engine: Engine) -> None:
    case = intake(engine)
    with pytest.raises(mediation.ArgumentError) as err:
        engine.fire(case.id, actor=CLERK, at=at("2026-03-02", 10))  # type: ignore[call-arg]
    assert err.value.field == "trigger"
    assert engine.get(case.id).version == 1


# -- an engine's parts, and the arguments an audit found unchecked ---------------------------


def test_an_engine_of_the_wrong_parts_is_refused_naming_the_part() -> None:
    """Each part of the wrong kind is named when the engine is made, not at the first step
    that uses it (a clock of text failed at intake; a renderer of text at render)."""
    from mediation.store.base import MemoryStore
    from mediation.workflows import DISPUTE

    parts: list[tuple[Callable[[], object], str]] = [
        (lambda: Engine(None), "store"),  # type: ignore[arg-type]
        (lambda: Engine("store"), "store"),  # type: ignore[arg-type]
        (lambda: Engine.in_memory(policy="x"), "policy"),
        (lambda: Engine.in_memory(workflows=5), "workflows"),
        (lambda: Engine.in_memory(workflows=[DISPUTE, "x"]), "workflows[1]"),
        (lambda: Engine.in_memory(steps=["x"]), "steps[0]"),
        (lambda: Engine.in_memory(hooks=["x"]), "hooks[0]"),
        (lambda: Engine.in_memory(clock="now"), "clock"),
        (lambda: Engine.in_memory(authorizer="x"), "authorizer"),
        (lambda: Engine.in_memory(documents="x"), "documents"),
        (lambda: Engine.in_memory(require_seals="yes"), "require_seals"),
        (lambda: Engine(MemoryStore()).register("x"), "item"),  # type: ignore[arg-type]
    ]
    for make, field in parts:
        with pytest.raises(ValidationError) as err:
            make()
        assert err.value.field == field, err.value


def test_an_authorizer_answering_a_bool_is_a_setup_error_and_writes_nothing() -> None:
    """An embedder's authorizer that answers ``True`` (not a Decision) is named as a setup
    error — at intake, at a step, at a read — rather than an ``AttributeError`` from inside
    the engine; nothing is written."""
    from mediation import DefinitionError
    from mediation.rules.base import ALLOW

    from .conftest import policy

    answers: list[object] = [ALLOW]
    engine = Engine.in_memory(policy=policy(), authorizer=lambda actor, access: answers[0])
    case = intake(engine)
    answers[0] = True
    with pytest.raises(DefinitionError, match="returns a Decision"):
        intake(engine)
    with pytest.raises(DefinitionError, match="'triage'"):
        engine.fire(case.id, "triage", actor=CLERK, at=at("2026-03-02", 10), track="people")
    with pytest.raises(DefinitionError, match="bool"):
        engine.get(case.id, actor=CLERK)
    answers[0] = ALLOW
    assert len(engine.find(limit=10, actor=CLERK)) == 1
    assert engine.get(case.id, actor=CLERK) == case
    assert engine.verify(case.id, actor=CLERK).ok


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("tz", "Asia/Shanghai"),
        ("calendar", "x"),
        ("roll", "x"),
        ("close_of_business", "17:00"),
        ("categories", 5),
        ("periods", 5),
        ("channels", ["a"]),
        ("ladder", "x"),
        ("org", "qt"),
        ("parts", 5),
    ],
)
def test_a_policy_setting_of_the_wrong_kind_is_named(setting: str, value: object) -> None:
    from mediation.rules.policy import Policy

    with pytest.raises(ValidationError) as err:
        Policy(**{setting: value})  # type: ignore[arg-type]
    assert err.value.field == setting


def test_a_refused_sqlite_engine_leaves_no_file(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "new.db"
    for bad, field in (
        ({"policy": "x"}, "policy"),
        ({"audit_key": b"short"}, "audit_key"),
        ({"synchronous": 5}, "synchronous"),
        ({"create": "no"}, "create"),
        ({"readonly": 1}, "readonly"),
    ):
        with pytest.raises(ValidationError) as err:
            Engine.sqlite(path, **bad)  # type: ignore[arg-type]
        assert err.value.field == field
        assert not list(Path(str(tmp_path)).iterdir()), bad
    existing = Path(str(tmp_path)) / "old.db"
    Engine.sqlite(existing).close()
    with pytest.raises(ValidationError):
        Engine.sqlite(existing, policy="x")  # type: ignore[arg-type]
    assert existing.exists()  # a file it did not create stays


def test_unchecked_arguments_are_named(engine: Engine) -> None:
    """deliver's limit (SQL read -1 as no limit), due's flags ("false" was True), an
    agreement with a key that is not text."""
    case = to_state(engine, intake(engine).id, "mediating")
    for limit in ("x", -1, 0, True):
        with pytest.raises(ValidationError) as err:
            engine.deliver(limit)  # type: ignore[arg-type]
        assert err.value.field == "limit"
    for flag in ("warnings", "unescalated"):
        with pytest.raises(ValidationError) as bad:
            engine.due(**{flag: "false"})  # type: ignore[arg-type]
        assert bad.value.field == flag
    with pytest.raises(ValidationError) as key:
        engine.fire(case.id, "agree", actor=MEDIATOR, at=at("2026-03-05"),
                    agreement={"form": "written", 5: "x"})  # fmt: skip
    assert key.value.field == "agreement.5"
    assert engine.get(case.id) == case


def test_the_organisation_log_is_checked_like_a_case_s() -> None:
    """load_org of no list; a merge into an unknown unit names ``into``; a change dated
    before the last is refused (time never runs backwards), and nothing is stored."""
    from mediation import Actor, Unit

    engine = Engine.in_memory(reader=Actor.system())
    system = Actor.system()
    for units in (5, None, "qt"):
        with pytest.raises(ValidationError) as err:
            engine.load_org(units, actor=system)  # type: ignore[arg-type]
        assert err.value.field == "units"
    units = [
        Unit("qt", "青田县矛盾纠纷调处化解中心", "county", None, "青调", kind="centre"),
        Unit("qt-dm", "东门镇人民调解委员会", "town", "qt", "东镇调"),
        Unit("qt-dm-dmc", "东门村人民调解委员会", "village", "qt-dm", "东调"),
    ]
    engine.load_org(units, actor=system, at=at("2026-03-01"))
    for into in (5, "nope"):
        with pytest.raises(ValidationError) as merge:
            engine.merge_unit("qt-dm-dmc", into=into, actor=system, at=at("2026-03-02"))  # type: ignore[arg-type]
        assert merge.value.field == "into"
    with pytest.raises(ValidationError) as late:
        engine.put_unit(units[2], actor=system, at=at("2020-01-01"))
    assert late.value.field == "at"
    assert len(engine.org_history()) == 1
    assert engine.verify_org() is None
