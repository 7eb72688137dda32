"""Indexes for the case list and the dashboard: each filter walks its index in list order.

:meth:`mediation.Engine.find` lists cases by ``(received_at, id)``. Filtered by
state (the dashboard asks per open state; the case list by any), SQLite
walked the ``received_at`` index and read every case row to test the state:
100,000 rows for a state no case is in. ``ix_cases_state_received`` holds the
state in list order, so such a page is a seek and reads only its own rows,
and a keyset cursor (``after=``) continues from the middle of it. The
existing ``ix_cases_state_unit`` stays: it answers a state within one small
unit without reading the state's other cases.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_state_received", "cases", ["state", "received_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_cases_state_received", "cases")
