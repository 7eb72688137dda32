"""Sealed events, the facts a step looked up, and the time of each case's latest step.

``events.seal`` holds the HMAC of an event's hash under the embedder's audit
key (empty for events written without a key). ``events.facts`` holds what the
step looked up from data that changes over time (the due dates it computed),
so that replay reproduces it (``{}`` for older events, which replay computes).
``deadlines.provisional`` marks the clocks whose due date was computed before
its year's holiday notice, so that they are found when it arrives;
``deadlines.kind`` whose period a clock is (release 0.1 had only the unit's
hard limits: ``duty``). Each case's stored body gains
``updated_at``, the business time of its latest event, so that a step dated
before it is refused (time never runs backwards within a case); existing rows
take it from their log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("seal", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("facts", sa.Text, nullable=False, server_default="{}"))
    with op.batch_alter_table("deadlines") as batch:
        batch.add_column(sa.Column("provisional", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="duty"))
    op.create_index("ix_deadlines_provisional", "deadlines", ["provisional", "status", "case_id"])
    bind = op.get_bind()
    bind.execute(
        sa.text("UPDATE deadlines SET provisional = 1 WHERE body LIKE :pattern"),
        {"pattern": '%"estimated":true%'},
    )
    latest: dict[str, str] = dict(
        bind.execute(
            sa.text(
                "SELECT e.case_id, e.at FROM events e JOIN cases c "
                "ON c.id = e.case_id AND e.seq = c.version"
            )
        ).fetchall()
    )
    for case_id, body_text in bind.execute(sa.text("SELECT id, body FROM cases")).fetchall():
        body = json.loads(body_text)
        if "updated_at" in body or case_id not in latest:
            continue
        body["updated_at"] = latest[case_id]
        bind.execute(
            sa.text("UPDATE cases SET body = :body WHERE id = :id"),
            {
                "id": case_id,
                "body": json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            },
        )


def downgrade() -> None:
    op.drop_index("ix_deadlines_provisional", "deadlines")
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("kind")
        batch.drop_column("provisional")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("facts")
        batch.drop_column("seal")
