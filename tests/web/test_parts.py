"""The app's parts without a server: forms and schemas from typed inputs, Chinese messages,
the users store (hashing, throttle, sessions, tokens), its tables, and the commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mediation import Actor, Engine, ValidationError
from mediation.rules.dispute import AgreeInputs, SuspendInputs, TriageInputs
from mediation.web import WebStore
from mediation.web.forms import json_schema, parse_form, resolved_fields
from mediation.web.messages import field_label, rule_zh

from .conftest import CHEAP, PASSWORD, prepare


class Form(dict[str, list[str]]):
    """A submitted form: name → values (what Starlette's FormData offers)."""

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        values = super().get(key)
        return values[0] if values else default

    def getlist(self, key: str) -> list[str]:
        return list(super().get(key, []))


def test_fields_come_from_the_inputs_class_with_their_labels() -> None:
    """Kinds follow the types: enum choices with labels, nested groups, repeatable rows."""
    triage = {f.name: f for f in resolved_fields(TriageInputs)}
    assert (triage["track"].label, triage["track"].kind, triage["track"].required) == (
        "调解途径",
        "text",
        True,
    )
    assert triage["risk"].kind == "enum"
    assert triage["risk"].optional
    assert ("high", "高") in triage["risk"].choices
    assert triage["note"].kind == "textarea"
    assert not triage["note"].required
    suspend = {f.name: f for f in resolved_fields(SuspendInputs)}
    assert ("party_wait", "等待当事人") in suspend["reason"].choices
    agreement = {f.name: f for f in resolved_fields(resolved_fields(AgreeInputs)[0].group_class)}  # type: ignore[arg-type]
    assert agreement["terms"].kind == "lines"
    assert agreement["performance_deadline"].kind == "date"
    assert agreement["signatures"].kind == "rows"
    sig = {f.name: f for f in resolved_fields(agreement["signatures"].item_class)}  # type: ignore[arg-type]
    assert sig["signed_at"].kind == "datetime"
    assert sig["capacity"].kind == "enum"


def test_a_submitted_form_reads_back_into_the_shape_fire_takes() -> None:
    """Lines become lists, rows lists of mappings (blank rows dropped), a local time gets
    China's offset, empty optional fields are left out."""
    form = Form(
        {
            "agreement.form": ["written"],
            "agreement.facts": ["事实"],
            "agreement.terms": ["条款一\n\n条款二 "],
            "agreement.performance_deadline": ["2026-12-20"],
            "agreement.number": [""],
            "agreement.signatures.0.capacity": ["party"],
            "agreement.signatures.0.party": ["p1"],
            "agreement.signatures.0.signed_at": ["2026-12-01T09:30"],
            "agreement.signatures.3.capacity": [""],
            "agreement.signatures.3.signed_at": [""],
        }
    )
    data = parse_form(AgreeInputs, form)
    assert data == {
        "agreement": {
            "form": "written",
            "facts": "事实",
            "terms": ["条款一", "条款二"],
            "performance_deadline": "2026-12-20",
            "signatures": [
                {"capacity": "party", "party": "p1", "signed_at": "2026-12-01T09:30:00+08:00"}
            ],
        },
        "on_the_spot_video": False,  # an unticked checkbox
    }
    engine = Engine.in_memory(reader=Actor.system())
    assert engine.definition("dispute").inputs_of("agree") is AgreeInputs
    # An unticked checkbox is absent from the form: the flag reads back false.
    assert parse_form(TriageInputs, Form({"track": ["people"], "risk": [""]})) == {
        "track": "people",
        "joint_application": False,
    }


def test_the_json_schema_of_an_inputs_class_validates_what_fire_accepts() -> None:
    """The schema takes the demo agreement and refuses an unknown key or a bad enum value."""
    jsonschema = pytest.importorskip("jsonschema")
    from mediation._demo import agreement

    schema = json_schema(AgreeInputs)
    jsonschema.validate({"agreement": agreement()}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"agreement": {**agreement(), "form": "sung"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"agreement": agreement(), "extra": 1}, schema)
    assert schema["properties"]["agreement"]["title"] == "调解协议"


def test_messages_name_the_field_and_say_the_rule_in_chinese() -> None:
    """Paths become labels; English rules are said in Chinese; Chinese rules are kept."""
    assert (
        field_label("agreement.signatures[1].party", AgreeInputs)
        == "调解协议 › 签名、盖章 第2项 › 当事人"
    )
    assert field_label("parties[0].id_number") == "当事人 第1项 › 公民身份号码"
    assert rule_zh("required input missing: track, level") == "必须填写"
    assert rule_zh("not a valid resident ID (GB 11643): bad checksum").startswith(
        "公民身份号码无效"
    )
    assert rule_zh("终止调解须告知当事人") == "终止调解须告知当事人"
    assert rule_zh("something new") == "不符合要求（something new）"


def test_the_migration_creates_exactly_the_declared_tables(tmp_path: Path) -> None:
    """Alembic 0005 and ``mediation.web.schema`` declare the same tables, columns and indexes."""
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mediation.store.schema import metadata as core
    from mediation.web.schema import metadata as web

    db = tmp_path / "m.db"
    Engine.sqlite(str(db)).close()
    both = sa.MetaData()
    for table in (*core.tables.values(), *web.tables.values()):
        table.to_metadata(both)
    eng = sa.create_engine(f"sqlite:///{db}")
    with eng.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), both)
    eng.dispose()
    assert diff == []


def test_passwords_are_argon2_hashes_and_sessions_expire(tmp_path: Path) -> None:
    """The hash is Argon2id (never the password); a wrong password or an unknown login
    authenticates nobody; a disabled user neither; a session ends when idle or too old."""
    db = tmp_path / "u.db"
    Engine.sqlite(str(db)).close()
    now = [dt.datetime(2026, 12, 1, tzinfo=dt.UTC)]
    store = WebStore.sqlite(db, hasher=CHEAP, clock=lambda: now[0])
    user = store.add_user("li", password=PASSWORD, roles=["clerk"], unit="v", name="李")
    assert user.actor.id == "li"
    assert user.actor.roles == {"clerk"}
    import sqlalchemy as sa

    eng = sa.create_engine(f"sqlite:///{db}")
    with eng.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM web_users")).scalar_one()
    eng.dispose()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert store.authenticate("li", PASSWORD) == user
    assert store.authenticate("li", "wrong") is None
    assert store.authenticate("nobody", PASSWORD) is None
    with pytest.raises(ValidationError) as err:
        store.add_user("li", password=PASSWORD, roles=["clerk"], unit="v")
    assert err.value.rule == "该登录名已被使用"
    with pytest.raises(ValidationError):
        store.add_user("x", password="short", roles=["clerk"], unit="v")
    with pytest.raises(ValidationError):
        store.add_user("y", password=PASSWORD, roles=["emperor"], unit="v")
    idle, life = dt.timedelta(minutes=30), dt.timedelta(hours=12)
    sid = store.create_session("li", idle=idle, lifetime=life)
    for _ in range(30):  # used every 25 minutes: alive until the lifetime ends
        now[0] += dt.timedelta(minutes=25)
        if store.session(sid, idle=idle, lifetime=life) is None:
            break
    assert now[0] - dt.datetime(2026, 12, 1, tzinfo=dt.UTC) <= life + dt.timedelta(minutes=25)
    assert store.session(sid, idle=idle, lifetime=life) is None
    sid = store.create_session("li", idle=idle, lifetime=life)
    store.update_user("li", active=False)
    assert store.session(sid, idle=idle, lifetime=life) is None
    assert store.authenticate("li", PASSWORD) is None
    store.close()


def test_failed_sign_ins_wait_longer_each_time(tmp_path: Path) -> None:
    """From the third failure on, each failure doubles the wait; a success clears it."""
    db = tmp_path / "t.db"
    Engine.sqlite(str(db)).close()
    now = [dt.datetime(2026, 12, 1, tzinfo=dt.UTC)]
    store = WebStore.sqlite(db, hasher=CHEAP, clock=lambda: now[0])
    policy = {
        "free": 3,
        "base": dt.timedelta(seconds=30),
        "cap": dt.timedelta(minutes=15),
        "window": dt.timedelta(hours=1),
    }
    waits = [store.record_failure("li", **policy) for _ in range(5)]  # type: ignore[arg-type]
    assert waits[:2] == [None, None]
    assert [w - now[0] for w in waits[2:] if w is not None] == [
        dt.timedelta(seconds=30),
        dt.timedelta(seconds=60),
        dt.timedelta(seconds=120),
    ]
    assert store.locked_until("li") == waits[-1]
    now[0] += dt.timedelta(minutes=3)
    assert store.locked_until("li") is None
    store.clear_failures("li")
    assert store.record_failure("li", **policy) is None  # type: ignore[arg-type]
    store.close()


def test_user_add_reads_the_password_from_standard_input(tmp_path: Path) -> None:
    """``mediation user add`` takes the password on stdin (never as an argument), checks
    the unit against the stored organisation, and fails in one line."""
    from mediation.cli import app

    db = tmp_path / "c.db"
    prepare(db)
    runner = CliRunner()
    ok = runner.invoke(
        app,
        ["user", "add", str(db), "wang", "--roles", "clerk,mediator", "--unit", "qt-dm-dmc"],
        input=f"{PASSWORD}\n",
    )
    assert ok.exit_code == 0, ok.output
    assert "added wang" in ok.output
    store = WebStore.sqlite(db, hasher=CHEAP)
    assert store.authenticate("wang", PASSWORD) is not None
    store.close()
    bad_unit = runner.invoke(
        app, ["user", "add", str(db), "zhao", "--roles", "clerk", "--unit", "mars"], input="x\n"
    )
    assert bad_unit.exit_code == 2
    assert "no such unit" in bad_unit.output
    short = runner.invoke(
        app,
        ["user", "add", str(db), "zhao", "--roles", "clerk", "--unit", "qt-dm-dmc"],
        input="short\n",
    )
    assert short.exit_code == 2
    assert "密码至少8位" in short.output
    assert "Traceback" not in short.output
    token = runner.invoke(
        app, ["token", "add", str(db), "sys1", "--roles", "clerk", "--unit", "qt-dm-dmc"]
    )
    assert token.exit_code == 0
    assert token.output.startswith("mdt_")
    listed = runner.invoke(app, ["user", "list", str(db)])
    assert "wang" in listed.output
    assert "clerk,mediator" in listed.output
    missing = runner.invoke(app, ["user", "list", str(tmp_path / "none.db")])
    assert missing.exit_code == 2
    assert "no such database file" in missing.output


def test_the_dashboard_shows_every_own_case_and_callback_however_busy_the_unit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """我的案件 and 待分派 come from the store's handler filters, not from the first cases of
    each state: with more older cases in the state than the queue reads, a mediator's newest
    case is still in the inbox, another's is not, the newest case nobody handles is in the
    queue, and a running callback clock is listed."""
    from mediation.web import queries

    from ..conftest import make_engine
    from ..helpers import MEDIATOR, at, intake, mediating, to_state

    monkeypatch.setattr(queries, "PER_STATE", 2)
    engine = make_engine("memory")
    others = [
        mediating(engine, intake(engine, when=at("2026-03-01", 6 + day)).id, ["med-2"]).id
        for day in range(3)
    ]
    newest = intake(engine, when=at("2026-03-02", 9))
    mine = to_state(engine, newest.id, "mediating")  # the helper assigns MEDIATOR
    waiting = mediating(engine, intake(engine, when=at("2026-03-02", 9, 30)).id, [])
    called = to_state(engine, intake(engine, when=at("2026-03-01", 5)).id, "callback")
    board = queries.dashboard(engine, MEDIATOR, at("2026-03-31", 9))
    inbox = {c.id for c in board.inbox}
    assert mine.id in inbox
    assert called.id in inbox  # handled by MEDIATOR, still open
    assert not inbox & set(others)
    assert waiting.state == mine.state
    assert not waiting.assignees
    assert waiting.id not in inbox
    assert [q.case.id for q in board.queue if q.case.state == waiting.state] == [waiting.id]
    assert [c.id for c, _ in board.callbacks] == [called.id]
    assert board.callbacks[0][1] == next(
        d.due for d in called.open_deadlines if d.period == queries.CALLBACK_PERIOD
    )
