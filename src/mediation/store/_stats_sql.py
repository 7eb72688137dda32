"""The SQL store's statistics: one ``GROUP BY`` statement over the cases, one over the clocks.

:func:`tally` computes in the database what :func:`mediation.statistics.tally_cases`
computes in Python, with the same definitions, so every backend gives the same
:class:`~mediation.statistics.Tally`:

- a materialized CTE ``f`` reads each case of the scope received before the
  window's end once: the columns of its :class:`~mediation.statistics.CaseFacts`
  the store keeps on its row (channel, how, when and at which level it ended,
  referrals, hand-offs, a repeat petition, 包案, one-stop places, visits), never
  the body. A case that ended before the window is skipped on ``end_s`` and
  ``last_s``;
- one statement of ``UNION ALL`` branches groups ``f`` by each dimension;
  the median and 90th percentile come from ``ROW_NUMBER()`` over the durations
  (nearest rank), in the same statement;
- a second statement groups the duty clocks due in the window by period and
  status (the ``deadlines`` table's ``kind``, ``status`` and ``due_at`` columns), within
  a subtree by the clock's own ``unit`` (revision 0010: the unit that held the case
  while it ran, not the one holding it now).

Instants are whole epoch seconds, as the store wrote them; the window's bounds
are whole seconds, so the comparisons are exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from mediation.model import CaseKind, ClockKind
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


class _Dialect:
    """The JSON functions of one database, as SQL fragments (for the visits' array)."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres

    def each(self, array: str) -> str:
        """The elements of the JSON text ``array`` as a table ``e`` with a column ``value``."""
        if self.postgres:
            return f"jsonb_array_elements(CAST({array} AS jsonb)) AS e(value)"
        return f"json_each({array}) AS e"

    def item(self, index: int) -> str:
        """Item ``index`` of the current element ``e.value`` (a visit's pair), as text."""
        if self.postgres:
            return f"(e.value ->> {index})"
        return f"json_extract(e.value, '$[{index}]')"

    def days(self, expr: str) -> str:
        """Day index in the window, as text."""
        return f"CAST(({expr} - :start_s) / {86_400} AS TEXT)"


def _facts(scoped: bool) -> str:
    """The CTE body: one row per case of the scope received before the window's end.

    A case received before the window that ended before it counts for nothing: it is
    skipped on its row's ``end_s`` and ``last_s``.
    """
    closed = "(c.workflow || ' ' || c.state) IN :closed_keys"
    end_s = f"COALESCE(c.end_s, CASE WHEN {closed} THEN c.last_s END)"
    in_window = "c.received_at >= :start_t"
    prune = f"({in_window} OR {end_s} IS NULL OR {end_s} >= :start_s)"
    where = f"c.received_at < :end_t AND {prune}" + (" AND c.unit IN :units" if scoped else "")
    return f"""
        SELECT c.kind AS kind, c.category AS category,
            CASE WHEN {in_window} THEN 1 ELSE 0 END AS fresh,
            c.rec_s AS rec_s,
            CASE WHEN {in_window} THEN c.channel END AS channel,
            COALESCE(c.end_how, CASE WHEN {closed} THEN :closed_how END) AS how,
            {end_s} AS end_s,
            c.end_level AS lvl,
            CASE WHEN {in_window} THEN c.refs ELSE 0 END AS refs,
            CASE WHEN {in_window} THEN c.hands ELSE 0 END AS hands,
            CASE WHEN {in_window} THEN c.repeats ELSE 0 END AS repeats,
            c.baoan_s AS baoan_s,
            c.places AS places,
            c.visits AS visits
        FROM cases c
        WHERE {where}
    """


def _branches(q: _Dialect, scoped: bool) -> str:
    """The grouped selects over ``f``: (dimension, key, rows, sum)."""
    ended = "f.end_s >= :start_s AND f.end_s < :end_s"
    live = "(f.fresh = 1 OR f.end_s IS NULL OR f.end_s >= :start_s)"
    visit_s = f"CAST({q.item(0)} AS BIGINT)"
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
        # From the cases themselves: a matter put under 包案 in the window and transferred
        # after it is on a case received after it (the assignment keeps its own time).
        f"SELECT '{BAOAN}', '', COUNT(*), 0 FROM cases c WHERE c.baoan_s >= :start_s "
        "AND c.baoan_s < :end_s" + (" AND c.unit IN :units" if scoped else ""),
        f"SELECT '{SATISFACTION}', g.k, COUNT(*), 0 FROM (SELECT "
        f"COALESCE({q.item(1)}, '') AS k, {visit_s} AS s FROM f, "
        f"{q.each('f.visits')} WHERE f.visits IS NOT NULL AND {live}) g "
        "WHERE g.s >= :start_s AND g.s < :end_s GROUP BY g.k",
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
        f"WITH f AS MATERIALIZED ({_facts(scoped)}), r AS ({ranked})\n"
        f"SELECT * FROM (\n{_branches(q, scoped)}\n) t"
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

    d = schema.deadlines
    late = sa.case((d.c.due_at < utc_text(query.as_of), 1), else_=0)
    stmt = sa.select(d.c.period, d.c.status, late, sa.func.count()).where(
        # A literal, not a parameter: the partial index of duty clocks by unit applies.
        d.c.kind == sa.literal_column(f"'{ClockKind.duty.value}'"),
        # Its last day is in the window: due_at is the end of that day (24:00).
        d.c.due_at > utc_text(query.start),
        d.c.due_at <= utc_text(query.end),
    )
    if query.units is not None:
        # Each clock counts for the unit that held the case while it ran (clock_units).
        stmt = stmt.where(d.c.unit.in_(sorted(query.units)))
    stmt = stmt.group_by(d.c.period, d.c.status, late)
    return {
        (str(period), str(status), bool(is_late)): int(n)
        for period, status, is_late, n in store._select(stmt)
    }
