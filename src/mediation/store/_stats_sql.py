"""The SQL store's statistics: one ``GROUP BY`` statement over the cases, one over the clocks.

:func:`tally` computes in the database what :func:`mediation.statistics.tally_cases`
computes in Python, with the same definitions, so every backend gives the same
:class:`~mediation.statistics.Tally`:

- a materialized CTE ``f`` reads each case of the scope received before the
  window's end once (on PostgreSQL the JSON body is parsed once per row) and
  extracts what is counted: channel, category, how and when it ended, level,
  referrals, hand-offs, repeat links, 包案 and one-stop overlays, visits;
- one statement of ``UNION ALL`` branches groups ``f`` by each dimension;
  the median and 90th percentile come from ``ROW_NUMBER()`` over the durations
  (nearest rank), in the same statement;
- a second statement groups the duty clocks due in the window by period and
  status (the ``deadlines`` table's ``kind``, ``status`` and ``due_at`` columns).

Instants are compared as whole epoch seconds (``strftime('%s')`` on SQLite,
``floor(extract(epoch))`` on PostgreSQL); the window's bounds are whole seconds,
so the comparisons are exact.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mediation.model import CaseKind, ClockKind, LinkKind
from mediation.rules import baoan, onestop
from mediation.rules.resolution import RESOLUTION
from mediation.statistics import (
    AGREEMENT,
    BAOAN,
    CATEGORY,
    CHANNEL,
    CLOSED_DAY,
    CLOSED_HOW,
    COHORT,
    ENDED,
    HANDOFFS,
    LEVEL,
    MEDIAN,
    MORE_PLACES,
    MOVES,
    ONE_PLACE,
    ONESTOP,
    OPEN_AT_START,
    OPENED_DAY,
    P90,
    PETITIONS,
    REFERRALS,
    SATISFACTION,
    StatsQuery,
    Tally,
)
from mediation.store import schema

if TYPE_CHECKING:
    from mediation.store.sql import SqlStore

__all__ = ["tally"]

_ENDED_AT = f'"{RESOLUTION}":{{"at":"'
"""How the canonical body spells the start of the resolution's instant."""


class _Dialect:
    """JSON and time functions of one database, as SQL fragments."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres

    def source(self) -> str:
        if self.postgres:
            # OFFSET 0 keeps the subquery: inlined, every use of x.j would parse the body again.
            return "cases c CROSS JOIN LATERAL (SELECT CAST(c.body AS jsonb) AS j OFFSET 0) x"
        return "cases c"

    def text(self, *path: str) -> str:
        """A scalar of the body as text."""
        if self.postgres:
            return f"(x.j #>> '{{{','.join(path)}}}')"
        return f"json_extract(c.body, '$.{'.'.join(path)}')"

    def array(self, *path: str) -> str:
        """A JSON array of the body (NULL when absent)."""
        if self.postgres:
            return f"(x.j #> '{{{','.join(path)}}}')"
        return f"json_extract(c.body, '$.{'.'.join(path)}')"

    def find(self) -> str:
        """The position of a substring (1-based; 0: absent)."""
        return "strpos" if self.postgres else "instr"

    def channel(self) -> str:
        if self.postgres:
            return "(CAST(c.info AS json) ->> 'channel')"
        return "json_extract(c.info, '$.channel')"

    def each(self, array: str) -> str:
        """The elements of ``array`` as a table ``e`` with a column ``value``."""
        if self.postgres:
            return (
                f"jsonb_array_elements(CASE WHEN jsonb_typeof({array}) = 'array' "
                f"THEN {array} END) AS e(value)"
            )
        return f"json_each(CASE WHEN json_type({array}) = 'array' THEN {array} END) AS e"

    def field(self, name: str) -> str:
        """A field of the current element ``e.value`` as text."""
        if self.postgres:
            return f"(e.value ->> '{name}')"
        return f"json_extract(e.value, '$.{name}')"

    def epoch(self, expr: str) -> str:
        """Whole epoch seconds of an ISO instant."""
        if self.postgres:
            return f"CAST(floor(extract(epoch FROM CAST({expr} AS timestamptz))) AS BIGINT)"
        return f"CAST(strftime('%s', {expr}) AS INTEGER)"

    def days(self, expr: str) -> str:
        """Day index in the window, as text."""
        return f"CAST(({expr} - :start_s) / {86_400} AS TEXT)"


def _facts(q: _Dialect, scoped: bool) -> str:
    """The CTE body: one row per case of the scope received before the window's end."""
    res = RESOLUTION
    closed = "(c.workflow || ' ' || c.state) IN :closed_keys"
    how = f"COALESCE({q.text('overlays', res, 'how')}, CASE WHEN {closed} THEN :closed_how END)"
    end_at = (
        f"COALESCE({q.text('overlays', res, 'at')}, "
        f"CASE WHEN {closed} THEN {q.text('updated_at')} END)"
    )
    in_window = "c.received_at >= :start_t"
    referrals = (
        f"(SELECT COUNT(*) FROM {q.each(q.array('details', 'referrals'))} "
        f"WHERE COALESCE({q.field('outcome')}, '') <> 'returned')"
    )

    def links(kind: LinkKind) -> str:
        return (
            f"(SELECT COUNT(*) FROM {q.each(q.array('links'))} "
            f"WHERE {q.field('kind')} = '{kind.value}')"
        )

    places = (
        f"(SELECT COUNT(DISTINCT {q.field('place')}) "
        f"FROM {q.each(q.array('overlays', onestop.OVERLAY, 'places'))})"
    )
    # A case registered before the window and ended well before it counts for nothing:
    # skip it before its body is parsed. The end instant is read from the canonical text
    # (keys sorted: the resolution's "at" comes first) without parsing; its local time is
    # compared with a bound a day before the window (any UTC offset is less than a day),
    # and a case whose text does not show the pattern is kept.
    found = f"{q.find()}(c.body, '{_ENDED_AT}')"
    ended_text = f"substr(c.body, {found} + {len(_ENDED_AT)}, 19)"
    prune = f"(c.received_at >= :start_t OR {found} = 0 OR {ended_text} >= :prune_t)"
    where = f"c.received_at < :end_t AND {prune}" + (" AND c.unit IN :units" if scoped else "")
    return f"""
        SELECT c.kind AS kind, c.category AS category,
            CASE WHEN {in_window} THEN 1 ELSE 0 END AS fresh,
            {q.epoch("c.received_at")} AS rec_s,
            CASE WHEN {in_window} THEN {q.channel()} END AS channel,
            {how} AS how,
            {q.epoch(end_at)} AS end_s,
            {q.text("overlays", res, "level")} AS lvl,
            CASE WHEN {in_window} THEN {referrals} ELSE 0 END AS refs,
            CASE WHEN {in_window} THEN {links(LinkKind.handed_off_to)} ELSE 0 END AS hands,
            CASE WHEN {in_window} AND c.kind = :petition THEN {links(LinkKind.repeat_of)}
                ELSE 0 END AS repeats,
            CASE WHEN COALESCE({q.text("overlays", baoan.OVERLAY, "handed_to")}, '') = ''
                THEN {q.epoch(q.text("overlays", baoan.OVERLAY, "assigned_at"))} END AS baoan_s,
            CASE WHEN {q.array("overlays", onestop.OVERLAY)} IS NULL THEN NULL
                ELSE {places} END AS places,
            {q.array("details", "visits")} AS visits
        FROM {q.source()}
        WHERE {where}
    """


def _branches(q: _Dialect) -> str:
    """The grouped selects over ``f``: (dimension, key, rows, sum)."""
    ended = "f.end_s >= :start_s AND f.end_s < :end_s"
    live = "(f.fresh = 1 OR f.end_s IS NULL OR f.end_s >= :start_s)"
    visit_s = q.epoch(q.field("at"))
    parts = [
        f"SELECT '{CHANNEL}', COALESCE(f.channel, ''), COUNT(*), 0 FROM f WHERE f.fresh = 1 "
        "GROUP BY f.channel",
        f"SELECT '{CATEGORY}', f.category, COUNT(*), 0 FROM f WHERE f.fresh = 1 "
        "GROUP BY f.category",
        f"SELECT '{COHORT}', g.k, COUNT(*), 0 FROM (SELECT CASE WHEN f.end_s < :end_s "
        "THEN f.how ELSE '' END AS k FROM f WHERE f.fresh = 1) g GROUP BY g.k",
        f"SELECT '{OPENED_DAY}', g.k, COUNT(*), 0 FROM (SELECT {q.days('f.rec_s')} AS k "
        "FROM f WHERE f.fresh = 1) g GROUP BY g.k",
        f"SELECT '{MOVES}', '{REFERRALS}', COUNT(*), SUM(f.refs) FROM f WHERE f.fresh = 1",
        f"SELECT '{MOVES}', '{HANDOFFS}', COUNT(*), SUM(f.hands) FROM f WHERE f.fresh = 1",
        f"SELECT '{PETITIONS}', '', COUNT(*), SUM(CASE WHEN f.repeats > 0 THEN 1 ELSE 0 END) "
        "FROM f WHERE f.fresh = 1 AND f.kind = :petition",
        f"SELECT '{OPEN_AT_START}', '', COUNT(*), 0 FROM f WHERE f.fresh = 0 "
        "AND (f.end_s IS NULL OR f.end_s >= :start_s)",
        f"SELECT '{ENDED}', f.how, COUNT(*), SUM(f.end_s - f.rec_s) FROM f WHERE {ended} "
        "GROUP BY f.how",
        f"SELECT '{CLOSED_DAY}', g.k, COUNT(*), 0 FROM (SELECT {q.days('f.end_s')} AS k "
        f"FROM f WHERE {ended}) g GROUP BY g.k",
        f"SELECT '{LEVEL}', COALESCE(f.lvl, ''), COUNT(*), 0 FROM f WHERE {ended} "
        "AND f.how = :agreement GROUP BY f.lvl",
        f"SELECT '{ONESTOP}', g.k, COUNT(*), 0 FROM (SELECT CASE WHEN f.places <= 1 "
        f"THEN '{ONE_PLACE}' ELSE '{MORE_PLACES}' END AS k FROM f WHERE {ended} "
        "AND f.places IS NOT NULL) g GROUP BY g.k",
        f"SELECT '{BAOAN}', '', COUNT(*), 0 FROM f WHERE f.baoan_s >= :start_s "
        f"AND f.baoan_s < :end_s AND {live}",
        f"SELECT '{SATISFACTION}', g.k, COUNT(*), 0 FROM (SELECT "
        f"COALESCE({q.field('satisfaction')}, '') AS k, {visit_s} AS s FROM f, "
        f"{q.each('f.visits')} WHERE {live}) g WHERE g.s >= :start_s AND g.s < :end_s "
        "GROUP BY g.k",
        f"SELECT '{MEDIAN}', '', 0, r.d FROM r WHERE r.rn = (r.m + 1) / 2",
        f"SELECT '{P90}', '', 0, r.d FROM r WHERE r.rn = (9 * r.m + 9) / 10",
    ]
    return "\nUNION ALL\n".join(parts)


def _statement(q: _Dialect, scoped: bool) -> str:
    ranked = (
        "SELECT f.end_s - f.rec_s AS d, ROW_NUMBER() OVER (ORDER BY f.end_s - f.rec_s) AS rn, "
        "COUNT(*) OVER () AS m FROM f WHERE f.end_s >= :start_s AND f.end_s < :end_s"
    )
    return (
        f"WITH f AS MATERIALIZED ({_facts(q, scoped)}), r AS ({ranked})\n"
        f"SELECT * FROM (\n{_branches(q)}\n) t"
    )


def tally(store: SqlStore, query: StatsQuery, *, postgres: bool) -> Tally:
    """Tally the cases of ``query`` in the database of ``store``."""
    from mediation.store.sql import utc_text

    q = _Dialect(postgres)
    scoped = query.units is not None
    params: dict[str, Any] = {
        "start_t": utc_text(query.start),
        "end_t": utc_text(query.end),
        "start_s": query.start_s,
        "end_s": query.end_s,
        "closed_how": CLOSED_HOW,
        "petition": CaseKind.petition.value,
        "agreement": AGREEMENT,
        "prune_t": (query.start - dt.timedelta(days=1))
        .astimezone(dt.UTC)
        .strftime("%Y-%m-%dT%H:%M:%S"),
    }
    lists = {"closed_keys": sorted(query.closed) or [""]}
    if query.units is not None:
        lists["units"] = sorted(query.units) or [""]
    binds: list[sa.BindParameter[Any]] = [
        sa.bindparam(k, value=v, expanding=True) for k, v in lists.items()
    ]
    simple = {k: v for k, v in params.items() if k not in lists}
    stmt = sa.text(_statement(q, scoped)).bindparams(*binds, **simple)
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    quantiles: dict[str, int] = {}
    for dim, key, rows, total in store._select_any(stmt):
        if dim in (MEDIAN, P90):
            quantiles[str(dim)] = int(total)
        else:
            counts[(str(dim), str(key))] = (int(rows), int(total or 0))
    counts = {k: v for k, v in counts.items() if v[0]}
    return Tally(counts=counts, clocks=_clocks(store, query), quantiles=quantiles)


def _clocks(store: SqlStore, query: StatsQuery) -> dict[tuple[str, str, bool], int]:
    """Duty clocks due in the window by (period, status, due before ``as_of``)."""
    from mediation.store.sql import utc_text

    d, c = schema.deadlines, schema.cases
    late = sa.case((d.c.due_at < utc_text(query.as_of), 1), else_=0)
    stmt = sa.select(d.c.period, d.c.status, late, sa.func.count()).where(
        d.c.kind == ClockKind.duty.value,
        d.c.due_at >= utc_text(query.start),
        d.c.due_at < utc_text(query.end),
    )
    if query.units is not None:
        stmt = stmt.join_from(d, c, c.c.id == d.c.case_id).where(c.c.unit.in_(sorted(query.units)))
    stmt = stmt.group_by(d.c.period, d.c.status, late)
    return {
        (str(period), str(status), bool(is_late)): int(n)
        for period, status, is_late, n in store._select(stmt)
    }
