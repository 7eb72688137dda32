"""Migration 0005 (the app's tables) on files an earlier release wrote.

A database written by release 0.1 (``tests/fixtures/release-0.1.db``, revision
0001, no organisation, no app tables) goes through 0002-0005 when the engine
opens it: the app's tables then match ``mediation.web.schema`` exactly, users
can be added, and the app serves the old cases — recorded under version 1 of
the dispute workflow — page by page. A file at 0004 (the release before the
app) is refused by the app's store with the way out in the message, and 0005
downgrades to 0004 and back without touching the cases.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from mediation import Actor, Engine, PersistenceError
from mediation._demo import policy
from mediation.web import WebStore
from mediation.web import schema as web_schema

from ..helpers import alembic, alembic_revision
from .conftest import Server, Session, prepare, text_of

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "release-0.1.db"
WEB_TABLES = frozenset(web_schema.metadata.tables)


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import mediation.store

    cfg = Config()
    cfg.set_main_option(
        "script_location", str(Path(mediation.store.__file__).with_name("migrations"))
    )
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    """A copy of the release 0.1 database (the committed file is never written)."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    assert alembic_revision(path) == "0001"
    assert not _tables(path) & WEB_TABLES
    return path


def test_a_release_0_1_file_gets_exactly_the_apps_tables(old_file: Path) -> None:
    """Opening the engine runs 0002..0005: every app table, column and index as declared,
    and the six old cases still verify."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mediation.store.schema import metadata as core

    with Engine.sqlite(str(old_file), policy=policy(), reader=Actor.system()) as engine:
        cases = engine.find(limit=100)
        assert len(cases) == 6
        assert all(engine.verify(c.id).ok for c in cases)
    assert alembic_revision(old_file) == _head()
    assert _tables(old_file) >= WEB_TABLES
    both = sa.MetaData()
    for table in (*core.tables.values(), *web_schema.metadata.tables.values()):
        table.to_metadata(both)
    eng = sa.create_engine(f"sqlite:///{old_file}")
    try:
        with eng.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), both) == []
    finally:
        eng.dispose()


def test_the_app_serves_the_old_cases_after_the_upgrade(old_file: Path) -> None:
    """Users added to the upgraded file sign in; the list shows the six release 0.1 cases
    and each case page (workflow version 1), its documents and the statistics answer."""
    prepare(old_file)  # migrates, loads the organisation, adds the users
    server = Server(old_file, policy=policy())
    s = Session(server.url)
    try:
        assert s.login("director").url.path == "/"
        listing = s.get("/cases")
        assert listing.status_code == 200
        ids = set(re.findall(r'href="/cases/([0-9a-f]{32})"', listing.text))
        with sqlite3.connect(old_file) as conn:
            old = {r[0] for r in conn.execute("SELECT id FROM cases")}
        assert old <= ids
        for case_id in sorted(old):
            page = s.get(f"/cases/{case_id}")
            assert page.status_code == 200, (case_id, text_of(page.text)[:300])
            assert "<svg" in page.text
            assert s.get(f"/cases/{case_id}/documents").status_code == 200
        closed = s.get("/cases", params={"state": "closed"})
        assert any(case_id in closed.text for case_id in old)
        stats = s.get("/stats", params={"since": "2026-01-01", "until": "2026-12-31"})
        assert stats.status_code == 200
        assert "6 受理（件）" in text_of(stats.text)
    finally:
        s.close()
        server.stop()


def test_a_0004_file_is_refused_by_the_store_and_0005_goes_down_and_up(old_file: Path) -> None:
    """At 0004 (before the app) the store says how to migrate; 0005's downgrade drops only
    the app's tables, and the engine brings them back on the next open."""
    with Engine.sqlite(str(old_file), policy=policy(), reader=Actor.system()) as engine:
        before = sorted(c.id for c in engine.find(limit=100))
    alembic(old_file, "downgrade", "0004")
    assert alembic_revision(old_file) == "0004"
    assert not _tables(old_file) & WEB_TABLES
    with pytest.raises(PersistenceError, match="open it once with the engine"):
        WebStore.sqlite(old_file)
    with Engine.sqlite(str(old_file), policy=policy(), reader=Actor.system()) as engine:
        assert sorted(c.id for c in engine.find(limit=100)) == before
        assert all(engine.verify(c.id).ok for c in engine.find(limit=100))
    assert alembic_revision(old_file) == _head()
    store = WebStore.sqlite(old_file)
    try:
        assert store.count_users() == 0
    finally:
        store.close()


@pytest.mark.postgres
def test_the_apps_tables_on_postgresql(pg_database: str) -> None:
    """On PostgreSQL too, 0005 makes exactly the declared tables, and the app's store works
    on them: users, sessions, API tokens, webhooks."""
    import datetime as dt

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mediation.store.schema import metadata as core

    from .conftest import CHEAP, PASSWORD

    Engine.from_url(pg_database, policy=policy(), reader=Actor.system()).close()
    both = sa.MetaData()
    for table in (*core.tables.values(), *web_schema.metadata.tables.values()):
        table.to_metadata(both)
    eng = sa.create_engine(pg_database)
    try:
        with eng.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), both) == []
    finally:
        eng.dispose()
    store = WebStore(pg_database, hasher=CHEAP)
    try:
        store.add_user("wang", password=PASSWORD, roles=["clerk"], unit="qt-dm-dmc")
        assert store.authenticate("wang", PASSWORD) is not None
        sid = store.create_session(
            "wang", idle=dt.timedelta(minutes=5), lifetime=dt.timedelta(hours=1)
        )
        found = store.session(sid, idle=dt.timedelta(minutes=5), lifetime=dt.timedelta(hours=1))
        assert found is not None
        assert found.login == "wang"
        token, _ = store.add_token("sys", roles=["clerk"], unit="qt-dm-dmc")
        account = store.account(token)
        assert account is not None
        assert account.name == "sys"
        hook = store.add_webhook("http://127.0.0.1:9/hook")
        assert hook.id >= 1
    finally:
        store.close()
