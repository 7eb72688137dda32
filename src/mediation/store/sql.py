"""The SQL backend: SQLite (one file, WAL) or PostgreSQL (psycopg 3), via SQLAlchemy 2.

SQLAlchemy gives us the engine, the pool, the dialects, the schema and its
Alembic migration. The hot path (load one case, commit one transition) runs
statements compiled once per dialect on a connection each thread holds, in
an explicit transaction: ``BEGIN IMMEDIATE`` on SQLite (writers queue up
instead of failing halfway), ``BEGIN`` on PostgreSQL, where the version check
in ``UPDATE ... WHERE version = :expected`` makes a concurrent writer lose
cleanly. Any driver error is rolled back and raised as
:class:`PersistenceError`; a lost race as :class:`ConcurrentUpdateError`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import SQLAlchemyError

from mediation import _codec
from mediation._codec import Codec
from mediation._errors import (
    CaseNotFoundError,
    ConcurrentUpdateError,
    CorruptRowError,
    PersistenceError,
    ValidationError,
)
from mediation.model import Case, Deadline, DeadlineStatus, Event, Intake, OrgEvent
from mediation.statistics import (
    StatsQuery,
    Tally,
    case_facts,
    clock_units,
    epoch,
    same_facts,
)
from mediation.store import schema
from mediation.store.base import CaseQuery, DueQuery, changed_deadlines

__all__ = ["SqlStore", "utc_text"]

_UTC = dt.UTC


def _why(exc: BaseException) -> str:
    """The driver's own words for a database error, without SQLAlchemy's decoration."""
    orig = getattr(exc, "orig", None)
    return str(orig) if orig is not None else str(exc).split("\n(Background", 1)[0]


def utc_text(value: dt.datetime) -> str:
    """Fixed-width UTC text of an instant: sorts as the instant does, on every backend."""
    return value.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _keyset(cursor: tuple[dt.datetime, str], *, later: bool) -> sa.ColumnElement[bool]:
    """Cases after (``later``) or before the keyset position ``cursor`` = (received_at, id).

    Spelled as a range on ``received_at`` plus a tie-break rather than a row-value
    comparison, so SQLite and PostgreSQL both seek the (…, received_at, id) indexes.
    """
    c = schema.cases
    at, case_id = utc_text(cursor[0]), cursor[1]
    if later:
        return sa.and_(c.c.received_at >= at, sa.or_(c.c.received_at > at, c.c.id > case_id))
    return sa.and_(c.c.received_at <= at, sa.or_(c.c.received_at < at, c.c.id < case_id))


_STATS = tuple(c.name for c in schema.STATS_COLUMNS)
"""The columns of what the statistics count (:meth:`CaseFacts.row`), written with every step."""
_LAST_S = _STATS.index("last_s")

_SQL = {
    "load": (
        "SELECT c.info, c.body, c.version, d.body, c.id, c.code, c.kind, c.workflow "
        "FROM cases c LEFT JOIN deadlines d "
        "ON d.case_id = c.id WHERE c.id = :id ORDER BY d.ord"
    ),
    "insert_case": (
        "INSERT INTO cases (id, code, kind, workflow, workflow_version, state, category, unit, "
        f"level, received_at, version, info, body, {', '.join(_STATS)}) VALUES (:id, :code, "
        ":kind, :workflow, :workflow_version, :state, :category, :unit, :level, :received_at, "
        f":version, :info, :body, {', '.join(':' + c for c in _STATS)})"
    ),
    "insert_party": (
        "INSERT INTO parties (case_id, ord, pid, name, role, identifier) "
        "VALUES (:case_id, :ord, :pid, :name, :role, :identifier)"
    ),
    "delete_parties": "DELETE FROM parties WHERE case_id = :case_id",
    "insert_key": "INSERT INTO case_keys (case_id, key) VALUES (:case_id, :key)",
    "delete_keys": "DELETE FROM case_keys WHERE case_id = :case_id",
    "index_keys": "SELECT key FROM case_keys WHERE case_id = :case_id ORDER BY key",
    "insert_deadline": (
        "INSERT INTO deadlines (case_id, id, ord, period, status, due_at, warn_from, escalated, "
        "body, provisional, kind, unit) VALUES (:case_id, :id, :ord, :period, :status, "
        ":due_at, :warn_from, :escalated, :body, :provisional, :kind, :unit)"
    ),
    "update_deadline": (
        "UPDATE deadlines SET status = :status, due_at = :due_at, warn_from = :warn_from, "
        "escalated = :escalated, body = :body, provisional = :provisional, kind = :kind, "
        "unit = :unit WHERE case_id = :case_id AND id = :id"
    ),
    "provisional": (
        "SELECT DISTINCT case_id FROM deadlines WHERE provisional = 1 "
        "AND status IN ('running', 'paused') AND case_id > :after ORDER BY case_id LIMIT :limit"
    ),
    "insert_event": (
        "INSERT INTO events (case_id, seq, trigger, actor, at, source, dest, data, prev_hash, "
        "hash, seal, facts) VALUES (:case_id, :seq, :trigger, :actor, :at, :source, :dest, "
        ":data, :prev_hash, :hash, :seal, :facts)"
    ),
    "insert_outbox": "INSERT INTO outbox (case_id, seq, delivered) VALUES (:case_id, :seq, 0)",
    "events": (
        "SELECT case_id, seq, trigger, actor, at, source, dest, data, prev_hash, hash, seal, "
        "facts FROM events WHERE case_id = :case_id ORDER BY seq"
    ),
    "unit_of": "SELECT unit FROM cases WHERE id = :id",
    "heads": (
        "SELECT c.id, c.version, e.hash FROM cases c JOIN events e "
        "ON e.case_id = c.id AND e.seq = c.version"
    ),
    "orphans": (
        "SELECT DISTINCT e.case_id FROM events e LEFT JOIN cases c ON c.id = e.case_id "
        "WHERE c.id IS NULL ORDER BY e.case_id"
    ),
    "index_case": (
        "SELECT code, kind, workflow, workflow_version, state, category, unit, level, "
        f"received_at, version, {', '.join(_STATS)} FROM cases WHERE id = :id"
    ),
    "index_deadlines": (
        "SELECT id, ord, period, status, due_at, warn_from, escalated, provisional, kind, "
        "unit FROM deadlines WHERE case_id = :case_id ORDER BY ord"
    ),
    "index_parties": (
        "SELECT ord, pid, name, role, identifier FROM parties WHERE case_id = :case_id ORDER BY ord"
    ),
    "exists": "SELECT 1 FROM cases WHERE id = :id",
    "version": "SELECT version FROM cases WHERE id = :id",
    "claim_overdue": (
        "SELECT d.case_id, d.id FROM deadlines d JOIN cases c ON c.id = d.case_id "
        "WHERE d.status = 'running' AND d.kind = 'duty' AND d.escalated = 0 "
        "AND d.due_at < :until "
        "ORDER BY d.due_at, d.case_id, d.id LIMIT :limit"
    ),
    "org_events": ("SELECT seq, op, data, actor, at, prev_hash, hash FROM org_events ORDER BY seq"),
    "insert_org": (
        "INSERT INTO org_events (seq, op, data, actor, at, prev_hash, hash) "
        "VALUES (:seq, :op, :data, :actor, :at, :prev_hash, :hash) ON CONFLICT (seq) DO NOTHING"
    ),
    "update_info": "UPDATE cases SET info = :info, category = :category WHERE id = :id",
    "next_number": (
        "INSERT INTO counters (scope, year, last) VALUES (:scope, :year, 1) "
        "ON CONFLICT (scope, year) DO UPDATE SET last = counters.last + 1 RETURNING last"
    ),
    "pending": (
        "SELECT o.id, e.case_id, e.seq, e.trigger, e.actor, e.at, e.source, e.dest, e.data, "
        "e.prev_hash, e.hash, e.seal, e.facts FROM outbox o JOIN events e ON e.case_id = o.case_id "
        "AND e.seq = o.seq WHERE o.delivered = 0 ORDER BY o.id LIMIT :limit"
    ),
}


_INDEXED = ("state", "level", "unit", "category", "workflow_version")

_MIGRATION_LOCK = threading.Lock()
"""Alembic's environment is process-global: one migration at a time per process."""

_LOCK_KEY = 0x6D656469  # "medi": the PostgreSQL advisory lock key of the migration
"""Case columns kept beside the JSON body for queries."""


class _Batch:
    """An open batch: its cursor, and the writes held back until it ends.

    Inside a batch the per-step writes are collected and sent with
    ``executemany`` when the batch ends (or before any read that must see
    them); each case is written once, with the version check against the
    version it had when the batch first touched it.
    """

    __slots__ = ("cases", "cur", "deadlines", "events", "expected", "keys_changed", "old", "outbox")

    def __init__(self, cur: Any) -> None:
        self.cur = cur
        self.keys_changed = False
        """A held case's keys differ from those stored (a lookup by key sends the writes)."""
        self.cases: dict[str, Case] = {}
        self.old: dict[str, Case | None] = {}
        self.expected: dict[str, int] = {}
        self.deadlines: dict[tuple[str, str], tuple[int, Deadline, bool]] = {}
        self.events: list[dict[str, Any]] = []
        self.outbox: list[dict[str, Any]] = []

    def __bool__(self) -> bool:
        return bool(self.cases or self.events)


class _Compiled:
    """A statement compiled once for the dialect: its text and how to bind it."""

    __slots__ = ("positional", "sql")

    def __init__(self, sql: str, positional: tuple[str, ...] | None) -> None:
        self.sql = sql
        self.positional = positional

    def bind(self, params: Mapping[str, Any]) -> Any:
        if self.positional is None:
            return params
        return tuple(params[name] for name in self.positional)


class SqlStore:
    """A store on SQLite or PostgreSQL.

    Args:
        url: SQLAlchemy URL (``sqlite:///cases.db``, ``postgresql+psycopg://...``).
        migrate: Bring the schema to the latest Alembic revision on open.
        sqlite_synchronous: ``PRAGMA synchronous`` for SQLite; ``NORMAL`` is safe
            in WAL mode against process crashes (a power loss may lose the last
            commits), ``FULL`` survives power loss too.
        busy_timeout_ms: How long an SQLite writer waits for the lock.
        sqlite_wal_autocheckpoint: ``PRAGMA wal_autocheckpoint`` for SQLite, in pages
            (the write-ahead log is copied into the database once it holds this many).
            SQLite's default of 1,000 copies a page as often as every few commits when
            a few pages are written over and over (the rows of open cases, the top of
            an index); 10,000 pages (about 40 MB of log with 4 KB pages) copies each
            such page once for many commits, which made a persisted step about a
            sixth cheaper (``bench/engine.py``). The price: the log file grows to that
            size, and opening after a crash replays up to that much.

    Attributes:
        cache_size: Committed cases kept in memory; a load checks the stored
            version (one indexed lookup) before serving one.
    """

    cache_size = 10_000

    def __init__(
        self,
        url: str | sa.URL,
        *,
        migrate: bool = True,
        sqlite_synchronous: str = "NORMAL",
        busy_timeout_ms: int = 30_000,
        sqlite_wal_autocheckpoint: int = 10_000,
        readonly: bool = False,
    ) -> None:
        self.readonly = readonly
        try:
            self._engine = sa.create_engine(url, **self._engine_options(url))
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise PersistenceError(f"cannot open {url!r}: {exc}") from exc
        self.dialect = self._engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise PersistenceError(
                f"unsupported database {self.dialect!r}: use SQLite or PostgreSQL"
            )
        self._sqlite = self.dialect == "sqlite"
        if self._sqlite:
            self._install_sqlite_pragmas(
                sqlite_synchronous, busy_timeout_ms, sqlite_wal_autocheckpoint
            )
        self._begin = "BEGIN IMMEDIATE" if self._sqlite else "BEGIN"
        self._stmts = {name: self._compile(sql) for name, sql in _SQL.items()}
        self._version_stmt = self._stmts["version"]
        self._update_case: dict[tuple[tuple[str, ...], tuple[str, ...]], _Compiled] = {}
        self._find_keys: dict[tuple[int, bool], _Compiled] = {}
        self._local = threading.local()
        self._static_cache: dict[str, Intake] = {}
        self._cases: dict[str, Case] = {}
        # The statistics columns as this store last committed them, by case: (version,
        # values in ``_STATS`` order). A step then writes only the columns it changes.
        self._stats: dict[str, tuple[int, tuple[Any, ...]]] = {}
        self._codec = Codec()
        self._warn_from: Callable[[Deadline], dt.date] = lambda d: d.due
        self._all_connections: list[Any] = []
        self._conn_lock = threading.Lock()
        if readonly:
            self._check_revision()
        elif migrate:
            self.migrate()

    @classmethod
    def sqlite(
        cls,
        path: str | os.PathLike[str],
        *,
        synchronous: str = "NORMAL",
        readonly: bool = False,
        create: bool = True,
        wal_autocheckpoint: int = 10_000,
    ) -> SqlStore:
        """A store on an SQLite file, named as a plain path (``?`` and ``#`` are part of the name).

        Args:
            path: The file.
            synchronous: ``PRAGMA synchronous`` (see the class).
            readonly: Open for reading only (the file may be read-only; it is
                never written, and must already be at the latest schema revision).
            create: Create the file if it does not exist (else refuse).
            wal_autocheckpoint: ``PRAGMA wal_autocheckpoint`` (see the class).

        Raises:
            ValidationError: ``path`` is not a path (text or :class:`os.PathLike`).
            PersistenceError: a directory, a missing file (when not creating),
                a missing parent directory, or not a database.
        """
        if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
            raise ValidationError("path", repr(path), "a database file path (text or a Path)")
        p = Path(path)
        if p.is_dir():
            raise PersistenceError(f"{p}: is a directory, not a database file")
        if not p.exists():
            if readonly or not create:
                raise PersistenceError(f"{p}: no such database file")
            if not p.parent.is_dir():
                raise PersistenceError(f"{p.parent}: no such directory")
        if readonly:
            url = sa.URL.create(
                "sqlite",
                database=f"file:{quote(str(p.resolve()))}",
                query={"mode": "ro", "uri": "true"},
            )
        else:
            url = sa.URL.create("sqlite", database=str(p))
        return cls(
            url,
            sqlite_synchronous=synchronous,
            sqlite_wal_autocheckpoint=wal_autocheckpoint,
            readonly=readonly,
        )

    @staticmethod
    def _engine_options(url: str | sa.URL) -> dict[str, Any]:
        if str(url).startswith("sqlite"):
            return {"paramstyle": "named"}
        return {"pool_pre_ping": True}

    def _install_sqlite_pragmas(self, synchronous: str, busy_ms: int, checkpoint: int) -> None:
        sync = synchronous.upper()
        if sync not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise PersistenceError(f"bad sqlite_synchronous {synchronous!r}")
        if isinstance(checkpoint, bool) or not isinstance(checkpoint, int) or checkpoint < 0:
            raise PersistenceError(
                f"bad sqlite_wal_autocheckpoint {checkpoint!r}: a number of pages, 0 or more"
            )

        @sa_event.listens_for(self._engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Autocommit at the driver: we issue BEGIN IMMEDIATE / COMMIT ourselves,
            # which pysqlite's implicit transactions would otherwise get in the way of.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
            if not self.readonly and self._engine.url.database not in (None, "", ":memory:"):
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")
            cur.execute(f"PRAGMA synchronous = {sync}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.close()

    def _compile(self, sql: str) -> _Compiled:
        compiled = sa.text(sql).compile(dialect=self._engine.dialect)
        positional = getattr(compiled, "positiontup", None)
        if self._engine.dialect.paramstyle in ("named", "pyformat"):
            positional = None
        return _Compiled(compiled.string, tuple(positional) if positional else None)

    def attach(self, codec: Codec, warn_from: Callable[[Deadline], dt.date]) -> None:
        """Encode and decode cases with the engine's codec; index warnings with ``warn_from``."""
        self._codec = codec
        self._warn_from = warn_from
        self._static_cache.clear()
        self._cases.clear()
        self._stats.clear()

    # -- connections ----------------------------------------------------------

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                proxied = self._engine.raw_connection()
            except SQLAlchemyError as exc:
                raise PersistenceError(f"cannot connect: {_why(exc)}") from exc
            conn = proxied.driver_connection
            if conn is None:
                raise PersistenceError("the pool returned a closed connection")
            if not self._sqlite:
                conn.autocommit = True
            self._local.conn = conn
            self._local.proxied = proxied
            with self._conn_lock:
                self._all_connections.append(proxied)
        return conn

    def _run(self, cur: Any, name: str, params: Mapping[str, Any]) -> Any:
        stmt = self._stmts[name]
        cur.execute(stmt.sql, stmt.bind(params))
        return cur

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """One write transaction on this thread's connection (or the open batch)."""
        batch = getattr(self._local, "batch", None)
        if batch is not None:
            yield batch.cur
            return
        conn = self._conn()
        cur = conn.cursor()
        self._local.pending = []
        self._local.pending_stats = []
        try:
            cur.execute(self._begin)
            yield cur
            cur.execute("COMMIT")
            for case in self._local.pending:
                self._remember(case)
            stats = self._stats
            for case_id, version, values in self._local.pending_stats:
                if len(stats) >= self.cache_size:
                    stats.clear()
                stats[case_id] = (version, values)
        except BaseException as exc:
            with suppress(Exception):
                cur.execute("ROLLBACK")
            if isinstance(exc, self._driver_errors()):
                raise PersistenceError(f"database error: {exc}") from exc
            raise
        finally:
            self._local.pending = []
            self._local.pending_stats = []
            cur.close()

    def _driver_errors(self) -> tuple[type[BaseException], ...]:
        return (self._engine.dialect.loaded_dbapi.Error,)

    @contextmanager
    def _read(self, *, flush: bool = True) -> Iterator[Any]:
        """A cursor for reading; inside a batch, held writes are sent first (``flush``)."""
        batch = getattr(self._local, "batch", None)
        if batch is not None:
            if flush and batch:
                self._flush(batch)
            yield batch.cur
            return
        snapshot = getattr(self._local, "snapshot", None)
        cur = snapshot or self._conn().cursor()
        try:
            yield cur
        except self._driver_errors() as exc:
            raise PersistenceError(f"database error: {exc}") from exc
        finally:
            if snapshot is None:
                cur.close()

    # -- schema ---------------------------------------------------------------

    def _alembic(self) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
        return cfg

    def _head(self) -> str:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(self._alembic()).get_current_head()
        assert head is not None
        return str(head)

    def revision(self) -> str | None:
        """The schema revision the database is at (``None`` for an empty database).

        Raises:
            PersistenceError: the file is not a database, or cannot be read.
        """
        try:
            with self._engine.connect() as connection:
                if not sa.inspect(connection).has_table("alembic_version"):
                    return None
                row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        except SQLAlchemyError as exc:
            raise PersistenceError(f"cannot read the database: {_why(exc)}") from exc
        return None if row is None else str(row[0])

    def migrate(self) -> None:
        """Upgrade the schema to the latest revision (Alembic), idempotently and safely.

        Any number of threads and processes may open one new database at once:
        the migration runs under an exclusive lock (``BEGIN EXCLUSIVE`` on
        SQLite, a transaction-scoped advisory lock on PostgreSQL, and a
        process-wide lock around Alembic, whose context is global), and the
        revision is read again inside the lock. SQLite may answer "database is
        locked" at once where its busy handler cannot help (a new file still
        changing its journal mode): that is retried for up to a minute.

        Raises:
            PersistenceError: the database refused or failed the migration.
        """
        delay = 0.01
        deadline = time.monotonic() + 60
        while True:
            try:
                self._migrate_once()
                return
            except PersistenceError as exc:
                locked = self._sqlite and "database is locked" in str(exc)
                if not locked or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _migrate_once(self) -> None:
        head = self._head()
        if self.revision() == head:
            return
        from alembic import command

        cfg = self._alembic()
        with _MIGRATION_LOCK:
            try:
                with self._engine.connect() as connection:
                    if self._sqlite:
                        connection.exec_driver_sql("BEGIN EXCLUSIVE")
                    else:
                        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
                    cfg.attributes["connection"] = connection
                    try:
                        command.upgrade(cfg, "head")
                    except BaseException:
                        if self._sqlite:
                            with suppress(Exception):
                                connection.exec_driver_sql("ROLLBACK")
                        raise
                    if self._sqlite:
                        connection.exec_driver_sql("COMMIT")
                    connection.commit()
            except SQLAlchemyError as exc:
                raise PersistenceError(f"migration failed: {_why(exc)}") from exc

    def _check_revision(self) -> None:
        """A store opened read-only needs a database already at the latest revision."""
        found, head = self.revision(), self._head()
        if found is None:
            raise PersistenceError(
                "not a mediation database (it has no schema revision): nothing to read"
            )
        if found != head:
            raise PersistenceError(
                f"the database is at schema revision {found or 'none'}, this release needs "
                f"{head}: open it once writable to upgrade it"
            )

    # -- writes ---------------------------------------------------------------

    def _deadline_params(
        self, case_id: str, ord_: int, d: Deadline, warn: dt.date, unit: str
    ) -> dict[str, Any]:
        return {
            "case_id": case_id,
            "id": d.id,
            "ord": ord_,
            "period": d.period,
            "status": d.status.value,
            "due_at": utc_text(d.due_at),
            "warn_from": warn.isoformat(),
            "escalated": 0 if d.escalated_at is None else 1,
            "body": _codec.dumps(self._codec.deadline_to_dict(d)),
            "provisional": 1 if d.estimated else 0,
            "kind": d.kind.value,
            "unit": unit,
        }

    @staticmethod
    def _event_params(e: Event) -> dict[str, Any]:
        return {
            "case_id": e.case_id,
            "seq": e.seq,
            "trigger": e.trigger,
            "actor": e.actor,
            "at": e.at.isoformat(),
            "source": e.source,
            "dest": e.dest,
            "data": _codec.event_text(e.data),
            "prev_hash": e.prev_hash,
            "hash": e.hash,
            "seal": e.seal,
            "facts": _codec.event_text(e.facts) if e.facts else "{}",
        }

    def _row_params(self, case: Case) -> dict[str, Any]:
        """The case row's columns but the statistics ones."""
        return {
            "id": case.id,
            "state": case.state,
            "level": case.level,
            "unit": case.unit,
            "category": case.category,
            "workflow_version": case.workflow_version,
            "version": case.version,
            "body": _codec.dumps(self._codec.case_body(case)),
        }

    def _case_params(self, case: Case) -> dict[str, Any]:
        params = self._row_params(case)
        params.update(case_facts(case).row())
        return params

    def _write_parties(self, cur: Any, case: Case) -> None:
        for i, p in enumerate(case.parties):
            self._run(
                cur,
                "insert_party",
                {
                    "case_id": case.id,
                    "ord": i,
                    "pid": p.id,
                    "name": p.name,
                    "role": p.role.value,
                    "identifier": p.identifier,
                },
            )

    def _write_keys(self, cur: Any, case: Case) -> None:
        if case.keys:
            stmt = self._stmts["insert_key"]
            cur.executemany(
                stmt.sql, [stmt.bind({"case_id": case.id, "key": k}) for k in sorted(case.keys)]
            )

    def find_keys(
        self, keys: Collection[str], *, limit: int, exclude: str | None = None
    ) -> list[tuple[str, str]]:
        if not keys:
            return []
        shape = (len(keys), exclude is not None)
        stmt = self._find_keys.get(shape)
        if stmt is None:
            # Compiled once per number of keys: a step that reads related cases
            # (``reads_related``) asks at each step, and building and compiling the
            # statement each time cost more than running it.
            marks = ", ".join(f":k{i}" for i in range(len(keys)))
            other = " AND case_id != :exclude" if exclude is not None else ""
            stmt = self._find_keys[shape] = self._compile(
                f"SELECT case_id, key FROM case_keys WHERE key IN ({marks}){other} "
                "ORDER BY case_id, key LIMIT :limit"
            )
        params: dict[str, Any] = {f"k{i}": key for i, key in enumerate(sorted(keys))}
        params.update(exclude=exclude, limit=limit)
        # Inside a batch, the held writes are sent first only if one of them changes a case's
        # keys (the keys of cases created in the batch are written at once): otherwise a
        # step that reads related cases would end the batching of every step after it.
        batch: _Batch | None = getattr(self._local, "batch", None)
        with self._read(flush=batch is not None and batch.keys_changed) as cur:
            cur.execute(stmt.sql, stmt.bind(params))
            return [(str(r[0]), str(r[1])) for r in cur.fetchall()]

    def create(self, unit: str, year: int, build: Callable[[int], tuple[Case, Event]]) -> Case:
        with self._tx() as cur:
            number = self._run(cur, "next_number", {"scope": unit, "year": year}).fetchone()[0]
            case, event = build(number)
            params = self._case_params(case)
            params.update(
                info=_codec.dumps(self._codec.intake_dict(case)),
                code=case.code,
                kind=case.kind,
                workflow=case.workflow,
                received_at=utc_text(case.received_at),
            )
            self._run(cur, "insert_case", params)
            self._write_parties(cur, case)
            self._write_keys(cur, case)
            units = clock_units(case)
            for i, d, _new in changed_deadlines(None, case):
                self._run(
                    cur,
                    "insert_deadline",
                    self._deadline_params(case.id, i, d, self._warn_from(d), units[i]),
                )
            self._run(cur, "insert_event", self._event_params(event))
            self._run(cur, "insert_outbox", {"case_id": case.id, "seq": event.seq})
            self._local.pending.append(case)
            self._local.pending_stats.append(
                (case.id, case.version, tuple(params[c] for c in _STATS))
            )
        return case

    def commit(
        self, expected_version: int, case: Case, event: Event, old: Case | None = None
    ) -> None:
        """Write one transition atomically; see :class:`~mediation.store.base.Store`.

        Raises:
            ConcurrentUpdateError: the stored version is no longer ``expected_version``.
            CaseNotFoundError: the case does not exist.
            PersistenceError: the database failed.
        """
        batch: _Batch | None = getattr(self._local, "batch", None)
        if batch is not None:
            self._defer(batch, expected_version, case, event, old)
            return
        with self._tx() as cur:
            single = _Batch(cur)
            self._defer(single, expected_version, case, event, old)
            self._flush(single)

    def _defer(
        self, batch: _Batch, expected: int, case: Case, event: Event, old: Case | None
    ) -> None:
        """Hold one transition's writes in the batch (see :class:`_Batch`)."""
        held = batch.cases.get(case.id)
        if held is None:
            batch.expected[case.id] = expected
            batch.old[case.id] = old
        elif held.version != expected:
            raise ConcurrentUpdateError(case.id, expected)
        batch.cases[case.id] = case
        if old is None or old.keys != case.keys:
            batch.keys_changed = True
        for i, d, new in changed_deadlines(old, case):
            key = (case.id, d.id)
            earlier = batch.deadlines.get(key)
            batch.deadlines[key] = (i, d, new or (earlier is not None and earlier[2]))
        if old is not None and old.unit != case.unit:
            # The case moved: its open clocks count for the unit that holds it now
            # (clock_units), though nothing else of them changed.
            for i, d in enumerate(case.deadlines):
                if d.status.is_open:
                    batch.deadlines.setdefault((case.id, d.id), (i, d, False))
        batch.events.append(self._event_params(event))
        batch.outbox.append({"case_id": case.id, "seq": event.seq})
        self._local.pending.append(case)

    def _flush(self, batch: _Batch) -> None:
        """Send the held writes: cases (version-checked), clocks, events, outbox."""
        cur = batch.cur
        # One UPDATE per case, each checking its rowcount: with executemany a lost
        # race could not be told from a concurrent writer reaching the same version.
        for case_id, case in batch.cases.items():
            self._write_case(cur, case, batch.old[case_id], batch.expected[case_id])
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        units: dict[str, tuple[str, ...]] = {}
        for (case_id, _), (i, d, new) in batch.deadlines.items():
            held = units.get(case_id)
            if held is None:
                held = units[case_id] = clock_units(batch.cases[case_id])
            (inserts if new else updates).append(
                self._deadline_params(case_id, i, d, self._warn_from(d), held[i])
            )
        for name, rows in (
            ("insert_deadline", inserts),
            ("update_deadline", updates),
            ("insert_event", batch.events),
            ("insert_outbox", batch.outbox),
        ):
            if rows:
                stmt = self._stmts[name]
                cur.executemany(stmt.sql, [stmt.bind(r) for r in rows])
        for case in batch.cases.values():
            batch.expected[case.id] = case.version
            batch.old[case.id] = case
        batch.cases.clear()
        batch.keys_changed = False
        batch.deadlines.clear()
        batch.events.clear()
        batch.outbox.clear()
        batch.old.clear()
        batch.expected.clear()

    def _write_case(self, cur: Any, case: Case, old: Case | None, expected: int) -> None:
        """UPDATE one case row if it is still at ``expected``; else raise, writing nothing."""
        # Only the indexed columns that changed are written: SQLite then leaves
        # the other indexes alone (about half the cost of a transition).
        changed = tuple(c for c in _INDEXED if old is None or getattr(old, c) != getattr(case, c))
        # Of the statistics columns, those that differ from what this store committed at
        # ``expected`` (the UPDATE only lands on that version); all of them otherwise.
        known = self._stats.get(case.id)
        if known is not None and known[0] == expected and old is not None and same_facts(old, case):
            # Only the latest step moved: the rest stands as committed at ``expected``.
            was = known[1]
            last_s = None if case.updated_at is None else epoch(case.updated_at)
            values = (*was[:_LAST_S], last_s, *was[_LAST_S + 1 :])
            params = self._row_params(case)
            params["last_s"] = last_s
            stats: tuple[str, ...] = ("last_s",) if last_s != was[_LAST_S] else ()
        else:
            params = self._case_params(case)
            values = tuple(params[c] for c in _STATS)
            if known is not None and known[0] == expected:
                stats = tuple(c for c, v, w in zip(_STATS, values, known[1], strict=True) if v != w)
            else:
                stats = _STATS
        params["expected"] = expected
        stmt = self._update_stmt(changed, stats)
        cur.execute(stmt.sql, stmt.bind(params))
        if cur.rowcount != 1:
            if self._run(cur, "exists", {"id": case.id}).fetchone() is None:
                raise CaseNotFoundError(case.id)
            raise ConcurrentUpdateError(case.id, expected)
        self._local.pending_stats.append((case.id, case.version, values))
        if old is None or (old.intake is not case.intake and old.intake != case.intake):
            info = _codec.dumps(self._codec.intake_dict(case))
            self._run(cur, "update_info", {"id": case.id, "category": case.category, "info": info})
            if old is None or old.parties != case.parties:
                self._run(cur, "delete_parties", {"case_id": case.id})
                self._write_parties(cur, case)
        if old is None or old.keys != case.keys:
            self._run(cur, "delete_keys", {"case_id": case.id})
            self._write_keys(cur, case)

    def _update_stmt(self, changed: tuple[str, ...], stats: tuple[str, ...]) -> _Compiled:
        key = (changed, stats)
        stmt = self._update_case.get(key)
        if stmt is None:
            if len(self._update_case) >= 1024:
                self._update_case.clear()
            sets = "".join(f", {c} = :{c}" for c in (*changed, *stats))
            stmt = self._update_case[key] = self._compile(
                f"UPDATE cases SET version = :version, body = :body{sets} "
                "WHERE id = :id AND version = :expected"
            )
        return stmt

    def next_number(self, scope: str, year: int) -> int:
        """Allocate the next number of (scope, year) in its own transaction: gap-free."""
        with self._tx() as cur:
            return int(self._run(cur, "next_number", {"scope": scope, "year": year}).fetchone()[0])

    # -- the organisation -----------------------------------------------------

    def org_events(self) -> list[OrgEvent]:
        with self._read() as cur:
            rows = self._run(cur, "org_events", {}).fetchall()
        out = []
        for seq, op, data, actor, at, prev, digest in rows:
            try:
                when = dt.datetime.fromisoformat(at)
                parsed = json.loads(data)
                if not isinstance(parsed, dict) or when.utcoffset() is None:
                    raise ValueError("not a change's data and aware time")
            except (TypeError, ValueError) as exc:
                raise CorruptRowError("(organisation)", f"change {seq}: {exc}") from exc
            out.append(OrgEvent(int(seq), str(op), parsed, str(actor), when, prev, digest))
        return out

    def append_org(self, event: OrgEvent) -> None:
        params = {
            "seq": event.seq,
            "op": event.op,
            "data": _codec.dumps(event.data),
            "actor": event.actor,
            "at": event.at.isoformat(),
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }
        with self._tx() as cur:
            if self._run(cur, "insert_org", params).rowcount != 1:
                raise ConcurrentUpdateError("org", event.seq - 1)

    # -- reads ----------------------------------------------------------------

    def _remember(self, case: Case) -> None:
        """Cache a committed case; :meth:`load` serves it while the stored version matches."""
        if len(self._cases) >= self.cache_size:
            self._cases.clear()
        self._cases[case.id] = case

    def load(self, case_id: str, *, fresh: bool = False) -> Case:
        batch: _Batch | None = getattr(self._local, "batch", None)
        if batch is not None and case_id in batch.cases:
            return batch.cases[case_id]
        cached = None if fresh else self._cases.get(case_id)
        if cached is not None and batch is not None:
            # Inside a batch the version is checked once, when the batch writes the
            # case: a stale copy then fails the batch with ConcurrentUpdateError.
            return cached
        # A version number is never reused for different content: it only moves
        # when a commit lands, and rolled-back commits never reach the cache.
        if cached is not None and self._version(case_id) == cached.version:
            return cached
        case = self._load(case_id)
        if getattr(self._local, "batch", None) is None:
            self._remember(case)
        return case

    def _version(self, case_id: str) -> int | None:
        """The stored version of a case (``None``: no such case): one indexed read.

        :meth:`_read` spelled out, as every cached load asks it.
        """
        snapshot = getattr(self._local, "snapshot", None)
        cur = snapshot or self._conn().cursor()
        stmt = self._version_stmt
        try:
            row = cur.execute(stmt.sql, stmt.bind({"id": case_id})).fetchone()
        except self._driver_errors() as exc:
            raise PersistenceError(f"database error: {exc}") from exc
        finally:
            if snapshot is None:
                cur.close()
        return None if row is None else int(row[0])

    def _load(self, case_id: str) -> Case:
        with self._read(flush=False) as cur:
            rows = self._run(cur, "load", {"id": case_id}).fetchall()
        if not rows:
            raise CaseNotFoundError(case_id)
        info, body, version, _, *ids = rows[0]
        codec = self._codec
        try:
            deadlines = tuple(
                codec.deadline_from_dict(json.loads(r[3])) for r in rows if r[3] is not None
            )
            identity = dict(zip(_codec.IDENTITY_FIELDS, ids, strict=True))
            case = codec.case_from_parts(identity, self._static(info), json.loads(body), deadlines)
        except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as exc:
            # (a ValidationError is a ValueError)
            raise CorruptRowError(case_id, f"the stored case cannot be read: {exc}") from exc
        if case.version != version:
            raise CorruptRowError(case_id, "body and version column disagree")
        return case

    def _static(self, info: str) -> Intake:
        """The decoded registration, cached by its exact text (the values are immutable)."""
        hit = self._static_cache.get(info)
        if hit is None:
            if len(self._static_cache) >= 1024:
                self._static_cache.clear()
            hit = self._static_cache[info] = self._codec.intake_value(json.loads(info))
        return hit

    @staticmethod
    def _event(row: Sequence[Any]) -> Event:
        try:
            at = dt.datetime.fromisoformat(row[4])
            data = json.loads(row[7])
            facts = json.loads(row[11] or "{}")
            if not isinstance(data, dict) or not isinstance(facts, dict) or at.utcoffset() is None:
                raise ValueError("not an event's data and aware time")
            return Event(
                case_id=row[0],
                seq=row[1],
                trigger=row[2],
                actor=row[3],
                at=at,
                source=row[5],
                dest=row[6],
                data=data,
                prev_hash=row[8],
                hash=row[9],
                seal=row[10] or "",
                facts=facts,
            )
        except (ValueError, TypeError, RecursionError) as exc:
            raise CorruptRowError(
                str(row[0]), f"the stored event cannot be read: {exc}", row[1]
            ) from exc

    def events(self, case_id: str) -> list[Event]:
        with self._read() as cur:
            rows = self._run(cur, "events", {"case_id": case_id}).fetchall()
            if not rows and self._run(cur, "exists", {"id": case_id}).fetchone() is None:
                raise CaseNotFoundError(case_id)
        return [self._event(r) for r in rows]

    def _core(self, stmt: sa.ClauseElement) -> tuple[str, Any]:
        """Compile a Core statement for this dialect: SQL text and its parameters."""
        compiled = stmt.compile(
            dialect=self._engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        params: Any = compiled.params
        positional = getattr(compiled, "positiontup", None)
        if self._engine.dialect.paramstyle not in ("named", "pyformat") and positional:
            params = tuple(compiled.params[n] for n in positional)
        return compiled.string, params

    def _select(self, stmt: sa.Select[Any]) -> list[Any]:
        sql, params = self._core(stmt)
        with self._read() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())

    def _cases_by_id(self, ids: Sequence[str]) -> list[Case]:
        return [self.load(i) for i in ids]

    def find(self, query: CaseQuery) -> list[Case]:
        c = schema.cases
        stmt = sa.select(c.c.id)
        if query.state is not None:
            stmt = stmt.where(c.c.state == query.state)
        if query.level is not None:
            stmt = stmt.where(c.c.level == query.level)
        if query.unit is not None:
            stmt = stmt.where(c.c.unit == query.unit)
        if query.units is not None:
            stmt = stmt.where(c.c.unit.in_(sorted(query.units)))
        if query.category is not None:
            stmt = stmt.where(c.c.category == query.category)
        if query.kind is not None:
            stmt = stmt.where(c.c.kind == query.kind)
        if query.workflow is not None:
            stmt = stmt.where(c.c.workflow == query.workflow)
        if query.party_id is not None:
            p = schema.parties
            stmt = stmt.where(
                c.c.id.in_(sa.select(p.c.case_id).where(p.c.identifier == query.party_id))
            )
        if query.assignee is not None:
            stmt = stmt.where(self._handled_by(query.assignee))
        if query.unassigned:
            stmt = stmt.where(self._unhandled())
        if query.after is not None:
            stmt = stmt.where(_keyset(query.after, later=True))
        if query.before is not None:
            stmt = stmt.where(_keyset(query.before, later=False))
            # The page nearest the cursor: read backwards along the index, then turn it round.
            stmt = stmt.order_by(c.c.received_at.desc(), c.c.id.desc())
        else:
            stmt = stmt.order_by(c.c.received_at, c.c.id)
        stmt = stmt.limit(query.limit).offset(query.offset)
        ids = [r[0] for r in self._select(stmt)]
        return self._cases_by_id(ids[::-1] if query.before is not None else ids)

    def _handled_by(self, actor_id: str) -> sa.ColumnElement[bool]:
        """The case's ``assignees`` (in its JSON body) hold ``actor_id``."""
        body = schema.cases.c.body
        if self._sqlite:
            each = sa.func.json_each(body, "$.assignees").table_valued("value").alias("handler")
            return sa.exists(
                sa.select(sa.literal(1)).select_from(each).where(each.c.value == actor_id)
            )
        given = sa.cast(sa.literal(json.dumps([actor_id]), sa.Text), JSONB)
        return sa.cast(body, JSONB)["assignees"].contains(given)

    def _unhandled(self) -> sa.ColumnElement[bool]:
        """The case's ``assignees`` (in its JSON body) are empty."""
        body = schema.cases.c.body
        if self._sqlite:
            count = sa.func.json_array_length(body, "$.assignees")
        else:
            count = sa.func.jsonb_array_length(sa.cast(body, JSONB)["assignees"])
        return sa.func.coalesce(count, 0) == 0

    def due(self, query: DueQuery) -> list[tuple[str, Deadline]]:
        d, c = schema.deadlines, schema.cases
        conditions = [d.c.due_at <= utc_text(query.until)]
        if query.warn_until is not None:
            conditions.append(d.c.warn_from <= query.warn_until.isoformat())
        rows: dict[tuple[str, str], tuple[str, str]] = {}
        for cond in conditions:
            stmt = sa.select(d.c.case_id, d.c.id, d.c.due_at, d.c.body).where(
                d.c.status == DeadlineStatus.running.value, cond
            )
            if query.periods is not None:
                stmt = stmt.where(d.c.period.in_(sorted(query.periods)))
            if query.kinds is not None:
                stmt = stmt.where(d.c.kind.in_(sorted(query.kinds)))
            if query.unescalated:
                stmt = stmt.where(d.c.escalated == 0)
            if query.level is not None or query.units is not None:
                stmt = stmt.join(c, c.c.id == d.c.case_id)
                if query.level is not None:
                    stmt = stmt.where(c.c.level == query.level)
                if query.units is not None:
                    stmt = stmt.where(c.c.unit.in_(sorted(query.units)))
            stmt = stmt.order_by(d.c.due_at, d.c.case_id, d.c.id).limit(query.limit)
            for case_id, did, due_at, body in self._select(stmt):
                rows[(case_id, did)] = (due_at, body)
        ordered = sorted(rows.items(), key=lambda kv: (kv[1][0], kv[0]))[: query.limit]
        return [(k[0], self._codec.deadline_from_dict(json.loads(v[1]))) for k, v in ordered]

    def claim_overdue(self, until: dt.datetime, limit: int) -> list[tuple[str, str]]:
        """Overdue, unescalated running clocks, locked for this transaction.

        Call inside :meth:`batch`. On PostgreSQL the rows (and their cases) are
        claimed with ``FOR UPDATE SKIP LOCKED``: scanners running side by side
        each get different breaches and none waits. SQLite's single writer
        lock (``BEGIN IMMEDIATE``) gives the same guarantee.
        """
        stmt = self._stmts["claim_overdue"]
        sql = stmt.sql
        if not self._sqlite:
            sql += " FOR UPDATE OF d, c SKIP LOCKED"
        with self._read() as cur:
            cur.execute(sql, stmt.bind({"until": utc_text(until), "limit": limit}))
            return [(r[0], r[1]) for r in cur.fetchall()]

    # -- audit ----------------------------------------------------------------

    def unit_of(self, case_id: str) -> str:
        with self._read() as cur:
            row = self._run(cur, "unit_of", {"id": case_id}).fetchone()
        if row is None:
            raise CaseNotFoundError(case_id)
        return str(row[0])

    def case_ids(self, *, after: str | None, limit: int, units: frozenset[str] | None) -> list[str]:
        c = schema.cases
        stmt = sa.select(c.c.id).order_by(c.c.id).limit(limit)
        if after is not None:
            stmt = stmt.where(c.c.id > after)
        if units is not None:
            stmt = stmt.where(c.c.unit.in_(sorted(units)))
        return [str(r[0]) for r in self._select(stmt)]

    def heads(self) -> list[tuple[str, int, str]]:
        with self._read() as cur:
            return [(str(r[0]), int(r[1]), str(r[2])) for r in self._run(cur, "heads", {})]

    def provisional_cases(self, *, after: str, limit: int) -> list[str]:
        with self._read() as cur:
            rows = self._run(cur, "provisional", {"after": after, "limit": limit}).fetchall()
        return [str(r[0]) for r in rows]

    def orphan_events(self) -> list[str]:
        with self._read() as cur:
            return [str(r[0]) for r in self._run(cur, "orphans", {})]

    def index_problems(self, case: Case) -> list[str]:
        """Compare every column queries read with what writing ``case`` would store."""
        problems: list[str] = []
        with self._read() as cur:
            row = self._run(cur, "index_case", {"id": case.id}).fetchone()
            deadline_rows = self._run(cur, "index_deadlines", {"case_id": case.id}).fetchall()
            party_rows = self._run(cur, "index_parties", {"case_id": case.id}).fetchall()
            key_rows = self._run(cur, "index_keys", {"case_id": case.id}).fetchall()
        if row is None:
            return ["the case row is gone"]
        facts = case_facts(case).row()
        expected = (
            case.code,
            case.kind,
            case.workflow,
            case.workflow_version,
            case.state,
            case.category,
            case.unit,
            case.level,
            utc_text(case.received_at),
            case.version,
            *(facts[c] for c in _STATS),
        )
        names = (
            "code",
            "kind",
            "workflow",
            "workflow_version",
            "state",
            "category",
            "unit",
            "level",
            "received_at",
            "version",
            *_STATS,
        )
        for name, value, stored in zip(names, expected, row, strict=True):
            if value != stored:
                problems.append(f"cases.{name} is {stored!r}, the log says {value!r}")
        want_deadlines = [
            (
                d.id,
                i,
                d.period,
                d.status.value,
                utc_text(d.due_at),
                self._warn_from(d).isoformat(),
                0 if d.escalated_at is None else 1,
                1 if d.estimated else 0,
                d.kind.value,
                unit,
            )
            for i, (d, unit) in enumerate(zip(case.deadlines, clock_units(case), strict=True))
        ]
        got_deadlines = [tuple(r) for r in deadline_rows]
        for want, got in zip(want_deadlines, got_deadlines, strict=False):
            if want != got:
                problems.append(f"deadlines row {want[0]} is {got!r}, the log says {want!r}")
        if len(want_deadlines) != len(got_deadlines):
            problems.append(
                f"{len(got_deadlines)} deadline rows, the log has {len(want_deadlines)} clocks"
            )
        want_parties = [
            (i, p.id, p.name, p.role.value, p.identifier) for i, p in enumerate(case.parties)
        ]
        got_parties = [tuple(r) for r in party_rows]
        if want_parties != got_parties:
            problems.append(f"parties rows are {got_parties!r}, the log says {want_parties!r}")
        got_keys = [str(r[0]) for r in key_rows]
        if got_keys != sorted(case.keys):
            problems.append(f"case_keys rows are {got_keys!r}, the log says {sorted(case.keys)!r}")
        return problems

    # -- outbox ---------------------------------------------------------------

    def pending_outbox(self, limit: int) -> list[tuple[int, Event]]:
        with self._read() as cur:
            rows = self._run(cur, "pending", {"limit": limit}).fetchall()
        return [(r[0], self._event(r[1:])) for r in rows]

    def mark_delivered(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        o = schema.outbox
        sql, params = self._core(sa.update(o).where(o.c.id.in_(list(ids))).values(delivered=1))
        with self._tx() as cur:
            cur.execute(sql, params)

    # -- batches and lifecycle -----------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run every commit inside the block in one transaction (bulk import, simulation).

        A failure anywhere rolls the whole batch back.
        """
        if getattr(self._local, "batch", None) is not None:
            yield
            return
        with self._tx() as cur:
            batch = _Batch(cur)
            self._local.batch = batch
            try:
                yield
                self._flush(batch)
            finally:
                self._local.batch = None

    def close(self) -> None:
        """Close every connection this store opened and dispose of the pool."""
        with self._conn_lock:
            for proxied in self._all_connections:
                with suppress(Exception):
                    proxied.close()
            self._all_connections.clear()
        self._local = threading.local()
        self._engine.dispose()

    # -- statistics -------------------------------------------------------------

    def statistics(self, query: StatsQuery) -> Tally:
        """Tally the cases of ``query`` in the database (``GROUP BY``; see ``_stats_sql``).

        Its statements read one snapshot (a read-only transaction), so the clocks and
        the cases agree however busy the database. On PostgreSQL the transaction turns
        JIT compilation off: the planner's cost of a county's year on a large table
        passes every JIT threshold, and compiling its ~130 expressions took about a
        fifth of the query (0.9 of 5 s on 1,000,000 cases) to save nothing on a scan.
        """
        from mediation.store import _stats_sql

        with self._snapshot():
            return _stats_sql.tally(self, query, postgres=not self._sqlite)

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Run this thread's reads in one read-only transaction (inside a batch: the batch's)."""
        if getattr(self._local, "batch", None) is not None:
            yield
            return
        cur = self._conn().cursor()
        try:
            if self._sqlite:
                cur.execute("BEGIN")
            else:
                cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cur.execute("SET LOCAL jit = off")
        except self._driver_errors() as exc:
            cur.close()
            raise PersistenceError(f"database error: {exc}") from exc
        self._local.snapshot = cur
        try:
            yield
        finally:
            self._local.snapshot = None
            with suppress(Exception):
                cur.execute("ROLLBACK")
            cur.close()

    def _select_any(self, stmt: sa.ClauseElement) -> list[Any]:
        """Rows of any Core statement (a ``text()`` one included), compiled for the dialect."""
        sql, params = self._core(stmt)
        with self._read() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())
