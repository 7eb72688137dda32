"""The organisation stored with the cases, with its audited history.

``org_events`` holds every change of the organisation (a tree loaded, a unit
added, renamed, moved or merged), hash-chained like a case's events; the tree
an engine opened on the database uses is the replay of these changes. A
database written before holds no changes: its engines use the tree their
policy gives until one is loaded.

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


def downgrade() -> None:
    op.drop_table("org_events")
