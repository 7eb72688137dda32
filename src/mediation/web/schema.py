"""The committee app's own tables (SQLAlchemy Core), beside the engine's.

Alembic migration ``0005`` (``mediation/store/migrations/versions/0005_web.py``)
creates exactly these tables; a test compares the two. The engine never reads
them: they hold who may sign in (users, sessions, failed sign-ins, the
sign-in audit), which systems may call the JSON API (tokens), and where
committed events are delivered (webhooks and their delivery queue).

Times are fixed-width UTC text (``2026-03-02T01:10:00.000000Z``), as in the
engine's tables: they sort as the instants do on every backend.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

__all__ = [
    "audit",
    "deliveries",
    "login_throttle",
    "metadata",
    "sessions",
    "settings",
    "tokens",
    "users",
    "webhooks",
]

metadata = MetaData()

_ID = BigInteger().with_variant(Integer, "sqlite")
"""An autoincrementing id (SQLite's rowid alias must be INTEGER)."""

users = Table(
    "web_users",
    metadata,
    Column("login", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("roles", String(200), nullable=False),
    Column("unit", String(80), nullable=False),
    Column("active", Integer, nullable=False, server_default=text("1")),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Index("ix_web_users_unit", "unit"),
)
"""People who sign in; each is an engine actor (id = login, roles, unit)."""

sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("login", String(80), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("seen_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Index("ix_web_sessions_login", "login"),
)
"""Signed-in sessions: the sha256 of the cookie's session id, never the id itself."""

login_throttle = Table(
    "web_login_throttle",
    metadata,
    Column("login", String(80), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", String(40), nullable=False),
    Column("locked_until", String(40), nullable=False),
)
"""Consecutive failed sign-ins per login name (known or not), and until when it waits."""

audit = Table(
    "web_audit",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("login", String(80), nullable=False),
    Column("address", String(80), nullable=False),
    Column("detail", Text, nullable=False),
    Index("ix_web_audit_at", "at"),
)
"""Sign-ins, failed sign-ins, lockouts, sign-outs and account changes."""

tokens = Table(
    "web_tokens",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column("roles", String(200), nullable=False),
    Column("unit", String(80), nullable=False),
    Column("active", Integer, nullable=False, server_default=text("1")),
    Column("created_at", String(40), nullable=False),
    Column("last_used_at", String(40), nullable=False, server_default=text("''")),
    Index("ix_web_tokens_hash", "token_hash", unique=True),
)
"""API tokens, one per system account (the sha256 of the token is stored)."""

webhooks = Table(
    "web_webhooks",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("secret", String(100), nullable=False),
    Column("unit", String(80)),
    Column("active", Integer, nullable=False, server_default=text("1")),
    Column("created_at", String(40), nullable=False),
)
"""Receivers of committed events; ``unit`` limits one to the cases of a subtree."""

deliveries = Table(
    "web_deliveries",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("webhook_id", Integer, nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_at", String(40), nullable=False),
    Column("delivered", Integer, nullable=False, server_default=text("0")),
    Column("delivered_at", String(40), nullable=False, server_default=text("''")),
    Column("last_error", Text, nullable=False, server_default=text("''")),
    UniqueConstraint("webhook_id", "case_id", "seq", name="uq_web_deliveries_event"),
    Index("ix_web_deliveries_pending", "webhook_id", "delivered", "id"),
)
"""The delivery queue (and cursor): one row per (webhook, event), sent in id order."""

settings = Table(
    "web_settings",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)
"""The app's own settings (the key that signs session cookies)."""
