"""The committee app's tables (``mediation serve``): users, sessions, tokens, webhooks.

The engine never reads them. ``web_users`` are the people who sign in (each
an engine actor: login, roles, unit); ``web_sessions`` their signed-in
sessions (the sha256 of the session id); ``web_login_throttle`` consecutive
failed sign-ins per login name; ``web_audit`` sign-ins and sign-outs;
``web_tokens`` the JSON API's system accounts (the sha256 of each token);
``web_webhooks`` and ``web_deliveries`` where committed events go and the
queue (and cursor) of their delivery; ``web_settings`` the cookie-signing
key. ``mediation.web.schema`` declares the same tables.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("login", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(80), nullable=False),
        sa.Column("active", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_web_users_unit", "web_users", ["unit"])
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("login", sa.String(80), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("seen_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_web_sessions_login", "web_sessions", ["login"])
    op.create_table(
        "web_login_throttle",
        sa.Column("login", sa.String(80), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure", sa.String(40), nullable=False),
        sa.Column("locked_until", sa.String(40), nullable=False),
    )
    op.create_table(
        "web_audit",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("login", sa.String(80), nullable=False),
        sa.Column("address", sa.String(80), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_web_audit_at", "web_audit", ["at"])
    op.create_table(
        "web_tokens",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("roles", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(80), nullable=False),
        sa.Column("active", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("last_used_at", sa.String(40), nullable=False, server_default=sa.text("''")),
    )
    op.create_index("ix_web_tokens_hash", "web_tokens", ["token_hash"], unique=True)
    op.create_table(
        "web_webhooks",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(80)),
        sa.Column("active", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "web_deliveries",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("webhook_id", sa.Integer, nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("next_at", sa.String(40), nullable=False),
        sa.Column("delivered", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("delivered_at", sa.String(40), nullable=False, server_default=sa.text("''")),
        sa.Column("last_error", sa.Text, nullable=False, server_default=sa.text("''")),
        sa.UniqueConstraint("webhook_id", "case_id", "seq", name="uq_web_deliveries_event"),
    )
    op.create_index(
        "ix_web_deliveries_pending", "web_deliveries", ["webhook_id", "delivered", "id"]
    )
    op.create_table(
        "web_settings",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_settings")
    op.drop_index("ix_web_deliveries_pending", "web_deliveries")
    op.drop_table("web_deliveries")
    op.drop_table("web_webhooks")
    op.drop_index("ix_web_tokens_hash", "web_tokens")
    op.drop_table("web_tokens")
    op.drop_index("ix_web_audit_at", "web_audit")
    op.drop_table("web_audit")
    op.drop_table("web_login_throttle")
    op.drop_index("ix_web_sessions_login", "web_sessions")
    op.drop_table("web_sessions")
    op.drop_index("ix_web_users_unit", "web_users")
    op.drop_table("web_users")
