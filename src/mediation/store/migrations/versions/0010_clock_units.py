"""Each clock counts for the unit that held the case while it ran; a referral that went
back is no referral.

Within a subtree, the statistics counted a case's clocks for the unit holding the case
now: a village that let its period pass and then referred the case up had its breach
counted for the town (RULES.md §7.3: 跟踪督办, the unit overdue explains). The
``deadlines`` table gets a ``unit`` column — the unit that held the case when the clock
closed, or holds it now if open (:func:`mediation.statistics.clock_units`) — and an
index of the duty clocks by it; the statistics select on it. ``cases.refs`` no longer
counts a referral that a party refused before the receiver took it (the case went back
to the sender, as a returned one does).

This revision fills the column from each stored case's own record: the referrals in its
body and each clock's ``closed_at`` (the same reading as ``clock_units`` and
:meth:`mediation.rules.dispute.details.DisputeDetails.unit_moves`, written out here so
that this revision keeps meaning what it meant when later ones change the code).
Downgrading drops the column and puts back the old referral count.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_CHUNK = 2_000
_OPEN = ("running", "paused")
_BACK = ("returned", "refused")


def _referrals(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    details = body.get("details")
    found = details.get("referrals") if isinstance(details, Mapping) else None
    return [r for r in found if isinstance(r, Mapping)] if isinstance(found, list) else []


def moves(body: Mapping[str, Any]) -> list[tuple[dt.datetime, str, str]]:
    """(when, from, to) of every change of the case's unit, in order."""
    out: list[tuple[dt.datetime, str, str]] = []
    for r in _referrals(body):
        sender, receiver = str(r.get("from_unit")), str(r.get("to_unit"))
        out.append((dt.datetime.fromisoformat(str(r["at"])), sender, receiver))
        decided = r.get("decided_at")
        if r.get("outcome", "pending") in _BACK and decided:
            out.append((dt.datetime.fromisoformat(str(decided)), receiver, sender))
    return out


def held(
    unit: str, found: Sequence[tuple[dt.datetime, str, str]], status: str, clock: Mapping[str, Any]
) -> str:
    """The unit a clock counts for: the holder when it closed, the case's own if open."""
    closed = clock.get("closed_at")
    if not found or status in _OPEN or not closed:
        return unit
    at = dt.datetime.fromisoformat(str(closed))
    holder = found[0][1]
    for when, _sender, receiver in found:
        if when >= at:
            break
        holder = receiver
    return holder


def _refs(body: Mapping[str, Any], back: tuple[str, ...]) -> int:
    return sum(1 for r in _referrals(body) if r.get("outcome", "pending") not in back)


def _moved_cases(bind: Any) -> Any:
    """The cases whose body records a referral, in chunks: (id, unit, body)."""
    read = sa.text(
        "SELECT id, unit, body FROM cases WHERE body LIKE :referrals AND id > :after "
        "ORDER BY id LIMIT :limit"
    )
    after = ""
    while True:
        rows = bind.execute(
            read, {"referrals": '%"referrals"%', "after": after, "limit": _CHUNK}
        ).fetchall()
        if not rows:
            return
        yield from rows
        after = rows[-1][0]


_DUTY = sa.text("kind = 'duty'")


def upgrade() -> None:
    op.add_column("deadlines", sa.Column("unit", sa.String(64)))
    op.create_index(
        "ix_deadlines_unit_duty",
        "deadlines",
        ["unit", "due_at"],
        sqlite_where=_DUTY,
        postgresql_where=_DUTY,
    )
    bind = op.get_bind()
    # A case never moved: every clock counts for its unit.
    bind.execute(
        sa.text("UPDATE deadlines SET unit = (SELECT unit FROM cases WHERE id = deadlines.case_id)")
    )
    clocks = sa.text("SELECT id, status, body FROM deadlines WHERE case_id = :case_id")
    set_unit = sa.text("UPDATE deadlines SET unit = :unit WHERE case_id = :case_id AND id = :id")
    set_refs = sa.text("UPDATE cases SET refs = :refs WHERE id = :id")
    for case_id, unit, text in _moved_cases(bind):
        body = json.loads(text)
        found = moves(body)
        rows = bind.execute(clocks, {"case_id": case_id}).fetchall()
        changed = [
            {"case_id": case_id, "id": clock_id, "unit": other}
            for clock_id, status, clock in rows
            if (other := held(unit, found, status, json.loads(clock))) != unit
        ]
        if changed:
            bind.execute(set_unit, changed)
        bind.execute(set_refs, {"id": case_id, "refs": _refs(body, _BACK)})


def downgrade() -> None:
    bind = op.get_bind()
    set_refs = sa.text("UPDATE cases SET refs = :refs WHERE id = :id")
    for case_id, _unit, text in _moved_cases(bind):
        bind.execute(set_refs, {"id": case_id, "refs": _refs(json.loads(text), ("returned",))})
    op.drop_index("ix_deadlines_unit_duty", "deadlines")
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("unit")
