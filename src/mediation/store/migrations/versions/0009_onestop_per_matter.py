"""One-stop places counted once per matter: on the case the matter ended in.

A matter a one-stop centre routed to another unit opens a case there that carries
every place of the ``onestop`` overlay; the statistics counted both cases, so one
party sent on counted twice in the one-place rate (最多跑一地, RULES.md §7.2).
:class:`mediation.statistics.CaseFacts` now leaves ``places`` empty on the case that
handed the matter on (its overlay's last hand-off is to another unit), and ``verify``
checks the stored column against that reading.

This revision empties ``places`` on the rows stored before that whose case handed the
matter on, reading their stored body (the same reading as
:meth:`mediation.rules.onestop.OneStop.handed_on`, written out here so that this
revision keeps meaning what it meant when later ones change the code). Downgrading
puts back the count the write path stored before (the distinct places, a 复查 or 复核
request's excepted).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_CHUNK = 2_000
_STATUTORY = "statutory_review"


def _places(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    overlays = body.get("overlays") or {}
    stop = overlays.get("onestop") if isinstance(overlays, Mapping) else None
    if not isinstance(stop, Mapping) or not isinstance(stop.get("places"), list):
        return []
    return [p for p in stop["places"] if isinstance(p, Mapping)]


def handed_on(unit: str, body: Mapping[str, Any]) -> bool:
    """Whether the case at ``unit`` handed its matter on: its last hand-off is elsewhere."""
    last = next((p for p in reversed(_places(body)) if p.get("via") == "hand_off"), None)
    return last is not None and last.get("unit") != unit


def visited(body: Mapping[str, Any]) -> int:
    """The places the party was asked to go, as the write path counted them before."""
    return len({p.get("place") for p in _places(body) if p.get("reason") != _STATUTORY})


def _rewrite(where: str, value: Any) -> None:
    bind = op.get_bind()
    read = sa.text(
        f"SELECT id, unit, body FROM cases WHERE {where} AND id > :after ORDER BY id LIMIT :limit"
    )
    write = sa.text("UPDATE cases SET places = :places WHERE id = :id")
    after = ""
    while True:
        rows = bind.execute(read, {"after": after, "limit": _CHUNK}).fetchall()
        if not rows:
            break
        changed = []
        for case_id, unit, text in rows:
            body = json.loads(text)
            if handed_on(unit, body):
                changed.append({"id": case_id, "places": value(body)})
        if changed:
            bind.execute(write, changed)
        after = rows[-1][0]


def upgrade() -> None:
    _rewrite("places IS NOT NULL", lambda body: None)


def downgrade() -> None:
    _rewrite("places IS NULL", visited)
