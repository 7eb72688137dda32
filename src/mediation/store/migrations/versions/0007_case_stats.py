"""What the statistics count, kept in columns of the case's row.

A statistic used to parse every case's body, and to find (in its text) when each
case ended in order to skip the ones that ended before the window: on 1,000,000
cases in PostgreSQL a county's month took about 9 s and its year about 20 s.
The store now writes, with every step, the case's
:class:`mediation.statistics.CaseFacts` in columns: channel, when it was received,
how, when and at which level it ended (its recorded resolution), its latest step,
referrals, hand-offs, a repeat petition, 包案, one-stop places (instants as epoch
seconds), and its callback visits as a JSON array. A statistic skips a case on
``end_s`` and ``last_s`` and reads the rest from columns, never the body.

This revision adds the columns and fills them for every case already stored,
from the body and the registration as they are stored at revision 0006 (the
same reading as ``CaseFacts``, written out here so that this revision keeps
meaning what it meant when later ones change the code).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SECOND = dt.timedelta(seconds=1)
_CHUNK = 2_000


def _epoch(text: Any) -> int | None:
    """Whole epoch seconds of a stored ISO instant (``Z`` or an offset), rounded down."""
    if not isinstance(text, str) or not text:
        return None
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return (value - _EPOCH) // _SECOND


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("channel", sa.String(40)),
    ("rec_s", sa.BigInteger),
    ("end_how", sa.String(40)),
    ("end_s", sa.BigInteger),
    ("end_level", sa.String(40)),
    ("last_s", sa.BigInteger),
    ("refs", sa.Integer),
    ("hands", sa.Integer),
    ("repeats", sa.Integer),
    ("baoan_s", sa.BigInteger),
    ("places", sa.Integer),
    ("visits", sa.Text),
)


def facts(
    kind: str, received_at: str, info: Mapping[str, Any], body: Mapping[str, Any]
) -> dict[str, Any]:
    """The row's statistics columns, read off its stored registration and body."""
    overlays = body.get("overlays") or {}
    details = body.get("details") or {}
    links = _items(body.get("links"))
    found = overlays.get("resolution")
    resolution: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    lead = overlays.get("baoan")
    stop = overlays.get("onestop")
    visits = [
        [_epoch(v.get("at")), str(v.get("satisfaction", ""))] for v in _items(details.get("visits"))
    ]
    return {
        "channel": info.get("channel", ""),
        "rec_s": _epoch(received_at),
        "end_how": resolution.get("how"),
        "end_s": _epoch(resolution.get("at")),
        "end_level": resolution.get("level"),
        "last_s": _epoch(body.get("updated_at")),
        "refs": sum(1 for r in _items(details.get("referrals")) if r.get("outcome") != "returned"),
        "hands": sum(1 for link in links if link.get("kind") == "handed_off_to"),
        "repeats": int(
            kind == "petition" and any(link.get("kind") == "repeat_of" for link in links)
        ),
        "baoan_s": (
            _epoch(lead.get("assigned_at"))
            if isinstance(lead, Mapping) and not lead.get("handed_to")
            else None
        ),
        "places": (
            len({p.get("place") for p in _items(stop.get("places"))})
            if isinstance(stop, Mapping)
            else None
        ),
        "visits": (
            json.dumps(visits, ensure_ascii=False, separators=(",", ":")) if visits else None
        ),
    }


def upgrade() -> None:
    for name, type_ in _COLUMNS:
        op.add_column("cases", sa.Column(name, type_))
    bind = op.get_bind()
    read = sa.text(
        "SELECT id, kind, received_at, info, body FROM cases WHERE id > :after ORDER BY id "
        "LIMIT :limit"
    )
    sets = ", ".join(f"{name} = :{name}" for name, _ in _COLUMNS)
    write = sa.text(f"UPDATE cases SET {sets} WHERE id = :id")
    after = ""
    while True:
        rows = bind.execute(read, {"after": after, "limit": _CHUNK}).fetchall()
        if not rows:
            break
        bind.execute(
            write,
            [{"id": r[0], **facts(r[1], r[2], json.loads(r[3]), json.loads(r[4]))} for r in rows],
        )
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
