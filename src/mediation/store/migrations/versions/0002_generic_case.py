"""Generic case core: party ids, workflow details, typed links and documents; no track column.

Release 0.1 stored a dispute-shaped case. This revision rewrites every stored
case row into the generic format (``cases.info`` holds the registration;
parties numbered ``p1``, ``p2``... in order, agents and signatures naming
parties by id; the dispute workflow's ``track``, ``agreement`` and ``visits``
under ``details``), gives the ``parties`` rows their ids, and drops the
``cases.track`` column, which only the dispute workflow had. The audit log is not touched: its hashes prove it; replay reads
0.1 events through :mod:`mediation._legacy`, whose format never changes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from mediation._legacy import is_legacy_case, upgrade_case

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, info, body FROM cases")).fetchall()
    for case_id, info_text, body_text in rows:
        info, body = json.loads(info_text), json.loads(body_text)
        if not is_legacy_case(body):
            continue
        merged = upgrade_case({**info, **body})
        for column in ("deadlines", "id", "code", "kind", "workflow"):
            merged.pop(column, None)  # rows and columns of their own
        new_info = merged.pop("intake")
        bind.execute(
            sa.text("UPDATE cases SET info = :info, body = :body WHERE id = :id"),
            {"info": _dumps(new_info), "body": _dumps(merged), "id": case_id},
        )
    with op.batch_alter_table("parties") as batch:
        batch.add_column(sa.Column("pid", sa.String(40), nullable=True))
    bind.execute(sa.text("UPDATE parties SET pid = 'p' || CAST(ord + 1 AS VARCHAR(10))"))
    with op.batch_alter_table("parties") as batch:
        batch.alter_column("pid", existing_type=sa.String(40), nullable=False)
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("track")


def downgrade() -> None:
    raise NotImplementedError("release 0.1 cannot read generic cases; restore a backup instead")
