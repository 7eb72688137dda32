"""The organisation stored with the cases, with its audited history; case keys.

``org_events`` holds every change of the organisation (a tree loaded, a unit
added, renamed, moved or merged), hash-chained like a case's events; the tree
an engine opened on the database uses is the replay of these changes. A
database written before holds no changes: its engines use the tree their
policy gives until one is loaded.

``case_keys`` indexes what each case is looked up by (keys its workflow
derives from the registration: a party's ID, a petition's fingerprint), so
that an intake sees the cases that share one. Cases from before have none.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "org_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("op", sa.String(20), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )

    op.create_table(
        "case_keys",
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "key"),
    )
    op.create_index("ix_case_keys_key", "case_keys", ["key", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_keys_key", "case_keys")
    op.drop_table("case_keys")
    op.drop_table("org_events")
