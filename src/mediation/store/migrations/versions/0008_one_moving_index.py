"""One index that every step moves, not two: the cost of a persisted step.

Every transition changes a case's ``state``, and each index holding ``state``
has its entry moved (deleted in one place, inserted in another) by every step.
There were two: ``ix_cases_state_unit`` (0001) and ``ix_cases_state_received``
(0006). On SQLite each moved entry is about 20 µs of a step's time (pages
written to the log, and copied back at the next checkpoint).

``ix_cases_state_unit`` goes. What it answered — a state within one unit — is
read through the unit's own cases, in list order: ``ix_cases_unit`` (0001)
becomes ``ix_cases_unit_received`` (unit, received_at, id), which no step moves
(only a referral changes the unit) and which also serves a unit's case list
page by page (keyset), as ``ix_cases_state_received`` serves a state's.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_unit_received", "cases", ["unit", "received_at", "id"])
    op.drop_index("ix_cases_unit", "cases")
    op.drop_index("ix_cases_state_unit", "cases")


def downgrade() -> None:
    op.create_index("ix_cases_state_unit", "cases", ["state", "unit"])
    op.create_index("ix_cases_unit", "cases", ["unit"])
    op.drop_index("ix_cases_unit_received", "cases")
