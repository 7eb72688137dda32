"""Tables (SQLAlchemy Core). The Alembic migration in ``migrations/`` creates the same schema.

Columns the engine filters on are real columns with indexes; the rest of a
case is canonical JSON: ``info`` holds what is fixed at intake (parties,
summary...), written once; ``body`` what transitions change. Every clock is a row of
``deadlines``; the due scan reads only the (status, due_at) index.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

__all__ = [
    "STATS_COLUMNS",
    "case_keys",
    "cases",
    "counters",
    "deadlines",
    "events",
    "metadata",
    "org_events",
    "outbox",
    "parties",
]

metadata = MetaData()

STATS_COLUMNS = (
    Column("channel", String(40)),
    Column("rec_s", BigInteger),
    Column("end_how", String(40)),
    Column("end_s", BigInteger),
    Column("end_level", String(40)),
    Column("last_s", BigInteger),
    Column("refs", Integer),
    Column("hands", Integer),
    Column("repeats", Integer),
    Column("baoan_s", BigInteger),
    Column("places", Integer),
    Column("visits", Text),
)
"""The columns of :meth:`mediation.statistics.CaseFacts.row` on ``cases`` (revision 0007)."""

cases = Table(
    "cases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("code", String(80), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("workflow", String(40), nullable=False),
    Column("workflow_version", Integer, nullable=False),
    Column("state", String(40), nullable=False),
    Column("category", String(40), nullable=False),
    Column("unit", String(80), nullable=False),
    Column("level", String(40)),
    Column("received_at", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("info", Text, nullable=False),
    Column("body", Text, nullable=False),
    # What the statistics count, kept with the case (0007; :meth:`CaseFacts.row
    # <mediation.statistics.CaseFacts.row>`): instants as epoch seconds, the callback
    # visits as JSON. A statistic reads these, never the body.
    *STATS_COLUMNS,
    # Every transition changes ``state``: each index holding it moves per step, so there is
    # one, (state, received_at, id): a state in list order, as find pages it (keyset) and
    # the dashboard reads it (0006). A unit's cases are read through (unit, received_at,
    # id), which no step moves: in list order, a state within it filtered as read (0008).
    Index("ix_cases_state_received", "state", "received_at", "id"),
    Index("ix_cases_unit_received", "unit", "received_at", "id"),
    Index("ix_cases_level", "level"),
    Index("ix_cases_category", "category"),
    Index("ix_cases_received", "received_at"),
    Index("ix_cases_code", "code", unique=True),
)

parties = Table(
    "parties",
    metadata,
    Column("case_id", String(64), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("pid", String(40), nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("identifier", String(40)),
    PrimaryKeyConstraint("case_id", "ord"),
    Index("ix_parties_identifier", "identifier"),
)

deadlines = Table(
    "deadlines",
    metadata,
    Column("case_id", String(64), nullable=False),
    Column("id", String(80), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("period", String(60), nullable=False),
    Column("status", String(16), nullable=False),
    # UTC instant as ISO text with a fixed width: sorts like the instant on every backend.
    Column("due_at", String(40), nullable=False),
    Column("warn_from", String(10), nullable=False),
    Column("escalated", Integer, nullable=False, server_default=text("0")),
    Column("body", Text, nullable=False),
    Column("provisional", Integer, nullable=False, server_default=text("0")),
    Column("kind", String(16), nullable=False, server_default=text("'duty'")),
    # The unit the clock counts for (mediation.statistics.clock_units): the one that held
    # the case when it closed, or holds it now. Revision 0010.
    Column("unit", String(64)),
    PrimaryKeyConstraint("case_id", "id"),
    Index("ix_deadlines_due", "status", "due_at", "case_id", "id"),
    Index("ix_deadlines_provisional", "provisional", "status", "case_id"),
    Index("ix_deadlines_warn", "status", "warn_from", "due_at", "case_id", "id"),
    # A unit's duty clocks due in a window (statistics within a subtree); only duty
    # clocks are counted, so only they are indexed (revision 0010).
    Index(
        "ix_deadlines_unit_duty",
        "unit",
        "due_at",
        sqlite_where=text("kind = 'duty'"),
        postgresql_where=text("kind = 'duty'"),
    ),
)

events = Table(
    "events",
    metadata,
    Column("case_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("trigger", String(40), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("at", String(40), nullable=False),
    Column("source", String(40), nullable=False),
    Column("dest", String(40), nullable=False),
    Column("data", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("seal", String(64), nullable=False, server_default=text("''")),
    Column("facts", Text, nullable=False, server_default=text("'{}'")),
    PrimaryKeyConstraint("case_id", "seq"),
)

outbox = Table(
    "outbox",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("case_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("delivered", Integer, nullable=False, server_default=text("0")),
    Index(
        "ix_outbox_pending",
        "id",
        sqlite_where=text("delivered = 0"),
        postgresql_where=text("delivered = 0"),
    ),
)

counters = Table(
    "counters",
    metadata,
    Column("scope", String(120), nullable=False),
    Column("year", Integer, nullable=False),
    Column("last", Integer, nullable=False),
    PrimaryKeyConstraint("scope", "year"),
)

org_events = Table(
    "org_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("op", String(20), nullable=False),
    Column("data", Text, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("at", String(40), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
"""The organisation's audited history: the tree is the replay of these changes."""

case_keys = Table(
    "case_keys",
    metadata,
    Column("case_id", String(64), nullable=False),
    Column("key", String(200), nullable=False),
    PrimaryKeyConstraint("case_id", "key"),
    Index("ix_case_keys_key", "key", "case_id"),
)
"""What each case is looked up by (its workflow's keys): duplicates, repeat petitions."""
