"""The app's own data: users, sessions, failed sign-ins, the sign-in audit, API tokens, webhooks.

SQLAlchemy Core on the engine's database (the tables of :mod:`mediation.web.schema`,
created by the store's Alembic migration ``0005``). Passwords are hashed
with Argon2id (argon2-cffi); session ids and API tokens are random and only
their sha256 is stored, so a copy of the database signs nobody in. Every
database error becomes a :class:`~mediation.PersistenceError`; bad input a
:class:`~mediation.ValidationError` naming the field, with the rule in Chinese.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from mediation import PersistenceError, ValidationError
from mediation.web import schema
from mediation.web.values import (
    ApiAccount,
    AuditEntry,
    Delivery,
    Session,
    User,
    Webhook,
    check_login,
    check_password,
    check_roles,
    check_unit,
    from_utc_text,
    sha256,
    utc_text,
)

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = ["WebStore"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


class WebStore:
    """The app's tables on the engine's database.

    Args:
        url: SQLAlchemy URL of the database the engine uses.
        hasher: The Argon2 password hasher (argon2-cffi's defaults if omitted).
        clock: Returns "now" (timezone-aware); tests move it.
    """

    def __init__(
        self,
        url: str | sa.URL,
        *,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        try:
            self._engine = sa.create_engine(url)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise PersistenceError(f"cannot open {url!r}: {exc}") from exc
        if self._engine.dialect.name == "sqlite":
            sa_event.listen(self._engine, "connect", _sqlite_pragmas)
        self._hasher = hasher
        self.clock = clock
        self._dummy_hash: str | None = None
        try:
            names = set(sa.inspect(self._engine).get_table_names())
        except SQLAlchemyError as exc:
            raise PersistenceError(f"cannot read the database: {exc}") from exc
        missing = sorted(set(schema.metadata.tables) - names)
        if missing:
            self._engine.dispose()
            raise PersistenceError(
                f"the database lacks the app's tables ({', '.join(missing)}): "
                "open it once with the engine (Engine.sqlite / Engine.from_url) to migrate it"
            )

    @classmethod
    def sqlite(cls, path: str | PathLike[str], **kwargs: Any) -> WebStore:
        """The app's tables in an SQLite file (already migrated by the engine)."""
        return cls(sa.URL.create("sqlite", database=str(Path(path))), **kwargs)

    def close(self) -> None:
        """Release the connections."""
        self._engine.dispose()

    @property
    def hasher(self) -> PasswordHasher:
        """The password hasher (argon2-cffi, imported on first use)."""
        if self._hasher is None:
            self._hasher = _hasher()
        return self._hasher

    # -- plumbing ---------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            raise PersistenceError(f"the app's tables: {exc}") from exc

    def _rows(self, stmt: sa.Executable) -> list[Any]:
        with self._tx() as conn:
            return list(conn.execute(stmt))

    def _now_text(self) -> str:
        return utc_text(self.clock())

    # -- settings ---------------------------------------------------------------

    def secret_key(self) -> bytes:
        """The key that signs session cookies (made once, kept in ``web_settings``)."""
        t = schema.settings
        rows = self._rows(sa.select(t.c.value).where(t.c.key == "secret_key"))
        if rows:
            return bytes.fromhex(rows[0][0])
        try:
            with self._tx() as conn:
                conn.execute(sa.insert(t).values(key="secret_key", value=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another process made it first
        return self.secret_key()

    # -- users ------------------------------------------------------------------

    @staticmethod
    def _user(row: Any) -> User:
        return User(
            row.login, row.name, frozenset(row.roles.split(",")), row.unit, bool(row.active)
        )

    def add_user(
        self, login: str, *, password: str, roles: Iterable[str], unit: str, name: str = ""
    ) -> User:
        """Add a user (the password is hashed with Argon2id).

        Raises:
            ValidationError: a bad login, password, role or unit, or the login is taken.
        """
        login = check_login(login)
        check_password(password)
        role_set = check_roles(roles)
        unit = check_unit(unit)
        name = (name or login).strip()
        now = self._now_text()
        try:
            with self._tx() as conn:
                conn.execute(
                    sa.insert(schema.users).values(
                        login=login,
                        name=name,
                        password_hash=self.hasher.hash(password),
                        roles=",".join(sorted(role_set)),
                        unit=unit,
                        active=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            raise ValidationError("login", login, "该登录名已被使用") from None
        return User(login, name, role_set, unit)

    def user(self, login: str) -> User | None:
        """The user of ``login`` (``None`` if there is none)."""
        t = schema.users
        rows = self._rows(sa.select(t).where(t.c.login == login))
        return self._user(rows[0]) if rows else None

    def users(self, units: Collection[str] | None = None) -> list[User]:
        """Every user (of ``units`` only, if given), by login."""
        t = schema.users
        stmt = sa.select(t).order_by(t.c.login)
        if units is not None:
            stmt = stmt.where(t.c.unit.in_(sorted(units)))
        return [self._user(r) for r in self._rows(stmt)]

    def count_users(self) -> int:
        """How many users there are."""
        return int(self._rows(sa.select(sa.func.count()).select_from(schema.users))[0][0])

    def update_user(
        self,
        login: str,
        *,
        name: str | None = None,
        roles: Iterable[str] | None = None,
        unit: str | None = None,
        active: bool | None = None,
    ) -> User:
        """Change a user's name, roles, unit or whether it may sign in.

        Disabling a user ends its sessions.

        Raises:
            ValidationError: no such user, or a bad role or unit.
        """
        values: dict[str, Any] = {"updated_at": self._now_text()}
        if name is not None:
            values["name"] = name.strip() or login
        if roles is not None:
            values["roles"] = ",".join(sorted(check_roles(roles)))
        if unit is not None:
            values["unit"] = check_unit(unit)
        if active is not None:
            values["active"] = int(active)
        t = schema.users
        with self._tx() as conn:
            done = conn.execute(sa.update(t).where(t.c.login == login).values(**values))
            if done.rowcount == 0:
                raise ValidationError("login", login, "没有这个用户")
            if active is False or unit is not None or roles is not None:
                conn.execute(sa.delete(schema.sessions).where(schema.sessions.c.login == login))
        found = self.user(login)
        assert found is not None
        return found

    def set_password(self, login: str, password: str) -> None:
        """Set a user's password and end its sessions.

        Raises:
            ValidationError: no such user, or too short a password.
        """
        check_password(password)
        t = schema.users
        with self._tx() as conn:
            done = conn.execute(
                sa.update(t)
                .where(t.c.login == login)
                .values(password_hash=self.hasher.hash(password), updated_at=self._now_text())
            )
            if done.rowcount == 0:
                raise ValidationError("login", login, "没有这个用户")
            conn.execute(sa.delete(schema.sessions).where(schema.sessions.c.login == login))

    def authenticate(self, login: str, password: str) -> User | None:
        """The active user whose password this is, or ``None``.

        An unknown login costs the same hash verification as a wrong password,
        so timing does not tell which logins exist. A hash made with older
        parameters is upgraded.
        """
        from argon2.exceptions import InvalidHashError, VerificationError

        t = schema.users
        rows = self._rows(sa.select(t).where(t.c.login == login)) if login else []
        stored = rows[0].password_hash if rows else self._dummy()
        try:
            self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if not rows or not rows[0].active:
            return None
        if self.hasher.check_needs_rehash(stored):
            with self._tx() as conn:
                conn.execute(
                    sa.update(t)
                    .where(t.c.login == login)
                    .values(password_hash=self.hasher.hash(password))
                )
        return self._user(rows[0])

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_hex(16))
        return self._dummy_hash

    # -- failed sign-ins ----------------------------------------------------------

    def locked_until(self, login: str) -> dt.datetime | None:
        """Until when sign-ins of ``login`` wait (``None``: they need not)."""
        t = schema.login_throttle
        rows = self._rows(sa.select(t.c.locked_until).where(t.c.login == login[:80]))
        if not rows or not rows[0][0]:
            return None
        until = from_utc_text(rows[0][0])
        return until if until > self.clock() else None

    def record_failure(
        self, login: str, *, free: int, base: dt.timedelta, cap: dt.timedelta, window: dt.timedelta
    ) -> dt.datetime | None:
        """Count a failed sign-in of ``login``; return until when it must wait, if it must.

        After ``free`` consecutive failures each further one doubles the wait,
        from ``base`` up to ``cap``; failures older than ``window`` are forgotten.
        """
        for attempt in range(3):
            try:
                return self._record_failure(login[:80], free, base, cap, window)
            except IntegrityError:  # two first failures at once: the other inserted the row
                if attempt == 2:
                    raise PersistenceError("cannot record a failed sign-in") from None
        raise AssertionError("unreachable")

    def _record_failure(
        self, key: str, free: int, base: dt.timedelta, cap: dt.timedelta, window: dt.timedelta
    ) -> dt.datetime | None:
        t = schema.login_throttle
        now = self.clock()
        with self._tx() as conn:
            # The UPDATE takes the write lock first, so the count read after it is this one's.
            done = conn.execute(
                sa.update(t)
                .where(t.c.login == key)
                .values(
                    failures=sa.case(
                        (t.c.last_failure > utc_text(now - window), t.c.failures + 1), else_=1
                    ),
                    last_failure=utc_text(now),
                )
            )
            if done.rowcount == 0:
                conn.execute(
                    sa.insert(t).values(
                        login=key, failures=1, last_failure=utc_text(now), locked_until=""
                    )
                )
                failures = 1
            else:
                failures = int(
                    conn.execute(sa.select(t.c.failures).where(t.c.login == key)).scalar_one()
                )
            until = now + min(cap, base * (2 ** (failures - free))) if failures >= free else None
            conn.execute(
                sa.update(t)
                .where(t.c.login == key)
                .values(locked_until=utc_text(until) if until is not None else "")
            )
        return until

    def clear_failures(self, login: str) -> None:
        """Forget the failed sign-ins of ``login`` (after a successful one)."""
        t = schema.login_throttle
        with self._tx() as conn:
            conn.execute(sa.delete(t).where(t.c.login == login[:80]))

    # -- sessions -----------------------------------------------------------------

    def create_session(self, login: str, *, idle: dt.timedelta, lifetime: dt.timedelta) -> str:
        """Start a session for ``login``; return its id (for the cookie; only its hash is kept)."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        expires = min(now + idle, now + lifetime)
        with self._tx() as conn:
            conn.execute(
                sa.insert(schema.sessions).values(
                    id_hash=sha256(session_id),
                    login=login,
                    csrf=secrets.token_urlsafe(32),
                    created_at=utc_text(now),
                    seen_at=utc_text(now),
                    expires_at=utc_text(expires),
                )
            )
            conn.execute(
                sa.delete(schema.sessions).where(schema.sessions.c.expires_at < utc_text(now))
            )
        return session_id

    def session(
        self, session_id: str, *, idle: dt.timedelta, lifetime: dt.timedelta
    ) -> Session | None:
        """The live session of ``session_id`` (extended by ``idle``), or ``None`` if expired."""
        t = schema.sessions
        key = sha256(session_id)
        rows = self._rows(sa.select(t).where(t.c.id_hash == key))
        if not rows:
            return None
        row = rows[0]
        now = self.clock()
        found = Session(
            row.id_hash,
            row.login,
            row.csrf,
            from_utc_text(row.created_at),
            from_utc_text(row.seen_at),
            from_utc_text(row.expires_at),
        )
        if found.expires_at <= now:
            self.end_session(session_id)
            return None
        if now - found.seen_at > dt.timedelta(seconds=30):
            # Extending on every request would write on every page view.
            expires = min(now + idle, found.created_at + lifetime)
            with self._tx() as conn:
                conn.execute(
                    sa.update(t)
                    .where(t.c.id_hash == key)
                    .values(seen_at=utc_text(now), expires_at=utc_text(expires))
                )
            found = attrs.evolve(found, seen_at=now, expires_at=expires)
        return found

    def end_session(self, session_id: str) -> None:
        """End a session (sign-out)."""
        t = schema.sessions
        with self._tx() as conn:
            conn.execute(sa.delete(t).where(t.c.id_hash == sha256(session_id)))

    # -- audit --------------------------------------------------------------------

    def audit(self, kind: str, login: str, address: str = "", detail: str = "") -> None:
        """Record a sign-in, failed sign-in, lockout, sign-out or account change."""
        with self._tx() as conn:
            conn.execute(
                sa.insert(schema.audit).values(
                    at=self._now_text(),
                    kind=kind,
                    login=login[:80],
                    address=address[:80],
                    detail=detail,
                )
            )

    def audit_entries(
        self, *, logins: Collection[str] | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """The latest audit entries (of ``logins`` only, if given), newest first."""
        t = schema.audit
        stmt = sa.select(t).order_by(t.c.id.desc()).limit(limit)
        if logins is not None:
            stmt = stmt.where(t.c.login.in_(sorted(logins)))
        return [
            AuditEntry(from_utc_text(r.at), r.kind, r.login, r.address, r.detail)
            for r in self._rows(stmt)
        ]

    # -- API tokens ---------------------------------------------------------------

    @staticmethod
    def _account(row: Any) -> ApiAccount:
        return ApiAccount(
            row.name, frozenset(row.roles.split(",")), row.unit, bool(row.active), row.last_used_at
        )

    def add_token(self, name: str, *, roles: Iterable[str], unit: str) -> tuple[str, ApiAccount]:
        """Create a system account; return its token (shown once: only its hash is kept).

        Raises:
            ValidationError: a bad name, role or unit, or the name is taken.
        """
        name = check_login(name)
        role_set = check_roles(roles)
        unit = check_unit(unit)
        token = "mdt_" + secrets.token_urlsafe(32)
        try:
            with self._tx() as conn:
                conn.execute(
                    sa.insert(schema.tokens).values(
                        name=name,
                        token_hash=sha256(token),
                        roles=",".join(sorted(role_set)),
                        unit=unit,
                        active=1,
                        created_at=self._now_text(),
                        last_used_at="",
                    )
                )
        except IntegrityError:
            raise ValidationError("name", name, "该账户名已被使用") from None
        return token, ApiAccount(name, role_set, unit)

    def account(self, token: str) -> ApiAccount | None:
        """The active account whose token this is, or ``None``."""
        t = schema.tokens
        key = sha256(token)
        rows = self._rows(sa.select(t).where(t.c.token_hash == key, t.c.active == 1))
        if not rows or not hmac.compare_digest(rows[0].token_hash, key):
            return None
        now = self.clock()
        last = rows[0].last_used_at
        if not last or now - from_utc_text(last) > dt.timedelta(minutes=1):
            with self._tx() as conn:
                conn.execute(
                    sa.update(t).where(t.c.token_hash == key).values(last_used_at=utc_text(now))
                )
        return self._account(rows[0])

    def accounts(self) -> list[ApiAccount]:
        """Every API account, by name."""
        t = schema.tokens
        return [self._account(r) for r in self._rows(sa.select(t).order_by(t.c.name))]

    def revoke_token(self, name: str) -> None:
        """Revoke an account's token.

        Raises:
            ValidationError: no such account.
        """
        t = schema.tokens
        with self._tx() as conn:
            done = conn.execute(sa.update(t).where(t.c.name == name).values(active=0))
            if done.rowcount == 0:
                raise ValidationError("name", name, "没有这个接口账户")

    # -- webhooks -----------------------------------------------------------------

    def add_webhook(self, url: str, *, unit: str | None = None) -> Webhook:
        """Register a receiver; its secret signs every delivery.

        Raises:
            ValidationError: not an http(s) URL.
        """
        if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
            raise ValidationError("url", url, "须为 http:// 或 https:// 开头的地址")
        secret = "whsec_" + secrets.token_urlsafe(32)
        with self._tx() as conn:
            result = conn.execute(
                sa.insert(schema.webhooks).values(
                    url=url, secret=secret, unit=unit, active=1, created_at=self._now_text()
                )
            )
            pk = result.inserted_primary_key
        assert pk is not None
        return Webhook(int(pk[0]), url, secret, unit, True)

    def webhooks(self, *, active_only: bool = False) -> list[Webhook]:
        """The receivers, by id."""
        t = schema.webhooks
        stmt = sa.select(t).order_by(t.c.id)
        if active_only:
            stmt = stmt.where(t.c.active == 1)
        return [
            Webhook(int(r.id), r.url, r.secret, r.unit, bool(r.active)) for r in self._rows(stmt)
        ]

    def set_webhook_active(self, webhook_id: int, active: bool) -> None:
        """Enable or disable a receiver.

        Raises:
            ValidationError: no such webhook.
        """
        t = schema.webhooks
        with self._tx() as conn:
            done = conn.execute(sa.update(t).where(t.c.id == webhook_id).values(active=int(active)))
            if done.rowcount == 0:
                raise ValidationError("webhook", webhook_id, "没有这个推送地址")

    def enqueue(self, webhook_ids: Iterable[int], case_id: str, seq: int, payload: str) -> None:
        """Queue an event for receivers; an event already queued for one is not queued again."""
        t = schema.deliveries
        now = self._now_text()
        with self._tx() as conn:
            for webhook_id in webhook_ids:
                exists = conn.execute(
                    sa.select(t.c.id).where(
                        t.c.webhook_id == webhook_id, t.c.case_id == case_id, t.c.seq == seq
                    )
                ).first()
                if exists is None:
                    conn.execute(
                        sa.insert(t).values(
                            webhook_id=webhook_id,
                            case_id=case_id,
                            seq=seq,
                            payload=payload,
                            attempts=0,
                            next_at=now,
                            delivered=0,
                        )
                    )

    def next_delivery(self, webhook_id: int) -> Delivery | None:
        """The oldest event not yet delivered to ``webhook_id`` (sent strictly in order)."""
        t = schema.deliveries
        rows = self._rows(
            sa.select(t)
            .where(t.c.webhook_id == webhook_id, t.c.delivered == 0)
            .order_by(t.c.id)
            .limit(1)
        )
        if not rows:
            return None
        r = rows[0]
        return Delivery(
            int(r.id),
            int(r.webhook_id),
            r.case_id,
            int(r.seq),
            r.payload,
            int(r.attempts),
            from_utc_text(r.next_at),
        )

    def delivered(self, delivery_id: int) -> None:
        """Mark a delivery done."""
        t = schema.deliveries
        with self._tx() as conn:
            conn.execute(
                sa.update(t)
                .where(t.c.id == delivery_id)
                .values(delivered=1, delivered_at=self._now_text(), attempts=t.c.attempts + 1)
            )

    def failed(self, delivery_id: int, error: str, retry_at: dt.datetime) -> None:
        """Record a failed attempt and when to try again."""
        t = schema.deliveries
        with self._tx() as conn:
            conn.execute(
                sa.update(t)
                .where(t.c.id == delivery_id)
                .values(
                    attempts=t.c.attempts + 1, last_error=error[:500], next_at=utc_text(retry_at)
                )
            )

    def delivery_counts(self, webhook_id: int) -> tuple[int, int, str]:
        """(delivered, pending, the latest error) of a receiver."""
        t = schema.deliveries
        rows = self._rows(
            sa.select(t.c.delivered, sa.func.count())
            .where(t.c.webhook_id == webhook_id)
            .group_by(t.c.delivered)
        )
        counts = {int(r[0]): int(r[1]) for r in rows}
        errors = self._rows(
            sa.select(t.c.last_error)
            .where(t.c.webhook_id == webhook_id, t.c.delivered == 0, t.c.last_error != "")
            .order_by(t.c.id)
            .limit(1)
        )
        return counts.get(1, 0), counts.get(0, 0), errors[0][0] if errors else ""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    try:
        cur.execute("PRAGMA busy_timeout = 30000")
    finally:
        cur.close()
