"""Initial schema: cases, parties, deadlines, events, outbox, counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("code", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("workflow", sa.String(40), nullable=False),
        sa.Column("workflow_version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(80), nullable=False),
        sa.Column("level", sa.String(40)),
        sa.Column("track", sa.String(40)),
        sa.Column("received_at", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("info", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_index("ix_cases_state_unit", "cases", ["state", "unit"])
    op.create_index("ix_cases_unit", "cases", ["unit"])
    op.create_index("ix_cases_level", "cases", ["level"])
    op.create_index("ix_cases_category", "cases", ["category"])
    op.create_index("ix_cases_received", "cases", ["received_at"])
    op.create_index("ix_cases_code", "cases", ["code"], unique=True)

    op.create_table(
        "parties",
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("identifier", sa.String(40)),
        sa.PrimaryKeyConstraint("case_id", "ord"),
    )
    op.create_index("ix_parties_identifier", "parties", ["identifier"])

    op.create_table(
        "deadlines",
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("id", sa.String(80), nullable=False),
        sa.Column("ord", sa.Integer, nullable=False),
        sa.Column("period", sa.String(60), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", sa.String(40), nullable=False),
        sa.Column("warn_from", sa.String(10), nullable=False),
        sa.Column("escalated", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "id"),
    )
    op.create_index("ix_deadlines_due", "deadlines", ["status", "due_at", "case_id", "id"])
    op.create_index(
        "ix_deadlines_warn", "deadlines", ["status", "warn_from", "due_at", "case_id", "id"]
    )

    op.create_table(
        "events",
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("trigger", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("dest", sa.String(40), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "seq"),
    )

    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("delivered", sa.Integer, nullable=False, server_default=sa.text("0")),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["id"],
        sqlite_where=sa.text("delivered = 0"),
        postgresql_where=sa.text("delivered = 0"),
    )

    op.create_table(
        "counters",
        sa.Column("scope", sa.String(120), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("last", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("scope", "year"),
    )


def downgrade() -> None:
    for table in ("counters", "outbox", "events", "deadlines", "parties", "cases"):
        op.drop_table(table)
