"""Time ``engine.statistics`` on 1,000,000 cases in PostgreSQL (issue 12: "returns in seconds").

The cases are not registered through ``engine.intake`` (that would take hours):
one real case is run through the engine (the demo dispute, intake to closure)
on a fresh database, and its stored rows — ``cases.info``, ``cases.body`` and
its ``deadlines`` — are the template of every bulk row, sent with ``COPY``.
Each copy gets its own id, code, unit (100 villages, 10 towns, the county
centre), channel, category and registration time (2025-2026), and an outcome:
agreement, failure, transfer or withdrawal at a level, or still open (17 %),
with a callback visit of a random satisfaction; 5 % are petitions (a third of
them repeats, some under 包案); every case has three clocks, one a duty clock.
Each row's statistics columns (schema revision 0007) are filled as that
revision fills a stored row, from the row's own registration and body.

Usage::

    .venv/bin/python bench/bench_statistics.py [--cases 1000000] [--url postgresql+psycopg://…]
        [--repeat 5] [--reuse]

Run it from a checkout of an earlier commit (``PYTHONPATH=<worktree>/src``) for
the figures before a change: the rows and the figures are the same.

Without ``--url`` a throwaway server is started (``tests/pg.py``). Prints the
build time and the median (and min/max) of each statistic query.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import importlib
import json
import random
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mediation import Actor, Engine, Policy, Unit  # noqa: E402
from mediation._demo import run  # noqa: E402
from mediation.model import CHINA_TZ  # noqa: E402
from mediation.rules.org import OrgTree  # noqa: E402
from mediation.store import schema  # noqa: E402
from mediation.store.schema import STATS_COLUMNS  # noqa: E402
from mediation.store.sql import utc_text  # noqa: E402

STATS = tuple(c.name for c in STATS_COLUMNS)
CLOCK_UNITS = "unit" in schema.deadlines.c
"""Schema revision 0010 on: each clock row names the unit it counts for (here the case's:
the bulk cases never moved). A checkout before it has no such column."""

_fill = importlib.import_module("mediation.store.migrations.versions.0007_case_stats")
"""Revision 0007: how it fills a stored row's statistics columns (the bench's rows are copied
in, not written by the store)."""

TOWNS = 10
VILLAGES = 10  # per town
CHANNELS = ("walk_in", "phone", "letter", "online", "hotline", "grid_report", "police_110")
CATEGORIES = ("neighbor", "family", "homestead", "land_contract", "debt", "damage", "labour")
HOWS = ("agreement",) * 8 + ("failed", "transferred_out", "withdrawn")
SATISFACTION = ("satisfied", "satisfied", "satisfied", "fair", "unsatisfied", "unknown")


def org() -> OrgTree:
    """A county centre, 10 towns of 10 villages each."""
    units = [Unit("c", "某县矛盾纠纷调处化解中心", "county", None, "县调", kind="centre")]
    for t in range(TOWNS):
        units.append(Unit(f"t{t}", f"第{t}镇人民调解委员会", "town", "c", f"镇{t}"))
        for v in range(VILLAGES):
            units.append(
                Unit(f"t{t}v{v}", f"第{t}镇第{v}村调委会", "village", f"t{t}", f"村{t}{v}")
            )
    return OrgTree(units)


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


def template(url: str) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """The demo case's stored info, body and clock rows, as written by the engine."""
    import psycopg

    from mediation._demo import policy

    engine = Engine.from_url(url, policy=policy(), reader=Actor.system())
    case = run(engine)
    engine.close()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        info, body = conn.execute(
            "SELECT info, body FROM cases WHERE id = %s", (case.id,)
        ).fetchone()
        cols = [
            "id",
            "ord",
            "period",
            "status",
            "due_at",
            "warn_from",
            "escalated",
            "body",
            "provisional",
            "kind",
        ]
        rows = conn.execute(
            f"SELECT {', '.join(cols)} FROM deadlines WHERE case_id = %s ORDER BY ord", (case.id,)
        ).fetchall()
        conn.execute("DELETE FROM deadlines")
        conn.execute("DELETE FROM parties")
        conn.execute("DELETE FROM case_keys")
        conn.execute("DELETE FROM events")
        conn.execute("DELETE FROM outbox")
        conn.execute("DELETE FROM cases")
    return json.loads(info), json.loads(body), [dict(zip(cols, r, strict=True)) for r in rows]


def rows(
    n: int, info0: dict[str, Any], body0: dict[str, Any], clocks0: list[dict[str, Any]]
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """``n`` case rows and their clock rows (deterministic)."""
    rng = random.Random(12)
    start = dt.datetime(2025, 1, 1, tzinfo=CHINA_TZ)
    span = 730 * 86_400
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
    clocks0 = clocks0[:3]
    body0 = copy.deepcopy(body0)
    body0["details"]["agreement"] = None  # smaller rows; the statistics never read it
    for i in range(n):
        cid = f"b{i:09d}"
        t = rng.randrange(TOWNS)
        r = rng.random()
        unit = "c" if r < 0.05 else f"t{t}" if r < 0.25 else f"t{t}v{rng.randrange(VILLAGES)}"
        level = "county" if unit == "c" else "town" if "v" not in unit else "village"
        received = start + dt.timedelta(seconds=rng.randrange(span))
        petition = rng.random() < 0.05
        info = dict(info0)
        info["channel"] = rng.choice(CHANNELS)
        info["received_at"] = _iso(received)
        body = dict(body0)
        details = dict(body0["details"])
        overlays: dict[str, Any] = {}
        links: list[dict[str, Any]] = []
        ended = rng.random() > 0.17
        end = received + dt.timedelta(seconds=rng.randrange(3600, 75 * 86_400))
        if ended:
            how = rng.choice(HOWS)
            overlays["resolution"] = {
                "at": _iso(end),
                "how": how,
                "level": level,
                "referrals": 0,
                "track": "people",
                "unit": unit,
            }
            state = "closed" if how in ("agreement", "failed") else how
            if how == "agreement":
                visit = dict(details["visits"][0])
                visit["at"] = _iso(end - dt.timedelta(days=1))
                visit["satisfaction"] = rng.choice(SATISFACTION)
                details["visits"] = [visit]
            else:
                details["visits"] = []
        else:
            state = rng.choice(("received", "accepted", "mediating"))
            details["visits"] = []
        if rng.random() < 0.04:
            details["referrals"] = [
                {"outcome": "taken", "from_unit": unit, "to_unit": f"t{t}", "reason": "complex"}
            ]
        else:
            details["referrals"] = []
        if petition:
            if rng.random() < 0.33:
                links.append({"case_id": f"b{max(i - 1, 0):09d}", "kind": "repeat_of", "note": ""})
            if rng.random() < 0.2:
                overlays["baoan"] = {"assigned_at": _iso(received + dt.timedelta(days=2))}
        body["details"] = details
        body["overlays"] = overlays
        body["links"] = links
        body["state"] = state
        body["unit"] = unit
        body["level"] = level
        body["updated_at"] = _iso(end if ended else received)
        kind = "petition" if petition else "dispute"
        # The row's statistics columns, read off the row as revision 0007 fills a stored one.
        kept = _fill.facts(kind, utc_text(received), info, body)
        case = (
            cid,
            f"（{received.year}）批字第{i:07d}号",
            kind,
            kind,
            2,
            state,
            rng.choice(CATEGORIES),
            unit,
            level,
            utc_text(received),
            16,
            dumps(info),
            dumps(body),
            *(kept[c] for c in STATS),
        )
        clocks = []
        for k, c in enumerate(clocks0):
            due = received + dt.timedelta(days=(3, 30, 15)[k])
            status = ("met" if end <= due or k != 1 else "breached") if ended else "running"
            clocks.append(
                (
                    cid,
                    c["id"],
                    k,
                    c["period"],
                    status,
                    utc_text(due),
                    due.date().isoformat(),
                    0,
                    c["body"],
                    0,
                    "duty" if k == 1 else c["kind"],
                    *((unit,) if CLOCK_UNITS else ()),
                )
            )
        yield case, clocks


def build(url: str, n: int) -> float:
    """Fill the database at ``url`` with ``n`` cases; return the seconds it took."""
    import psycopg

    began = time.perf_counter()
    info0, body0, clocks0 = template(url)
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    # Two connections: one COPY at a time per connection.
    with psycopg.connect(conninfo) as conn, psycopg.connect(conninfo) as other:
        with (
            conn.cursor().copy(
                "COPY cases (id, code, kind, workflow, workflow_version, state, category, unit, "
                f"level, received_at, version, info, body, {', '.join(STATS)}) FROM STDIN"
            ) as cases,
            other.cursor().copy(
                "COPY deadlines (case_id, id, ord, period, status, due_at, warn_from, escalated, "
                f"body, provisional, kind{', unit' if CLOCK_UNITS else ''}) FROM STDIN"
            ) as deadlines,
        ):
            for case, clocks in rows(n, info0, body0, clocks0):
                cases.write_row(case)
                for clock in clocks:
                    deadlines.write_row(clock)
        other.commit()
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE cases")
        conn.execute("VACUUM ANALYZE deadlines")
    return time.perf_counter() - began


@contextmanager
def server(url: str | None) -> Iterator[str]:
    if url is not None:
        yield url
        return
    from tests import pg

    with pg.server() as base:
        yield base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--url", help="an empty PostgreSQL database (else a throwaway server)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="the database is already built")
    args = parser.parse_args()
    with server(args.url) as url:
        if args.url is None:
            from tests import pg

            url = pg.fresh_database(url, "bench_statistics")
        if not args.reuse:
            took = build(url, args.cases)
            print(f"built {args.cases:,} cases (COPY) in {took:.1f} s")
        engine = Engine.from_url(url, policy=Policy(org=org()), reader=Actor.system())
        queries = {
            "county, one month (2026-03)": {
                "since": dt.date(2026, 3, 1),
                "until": dt.date(2026, 3, 31),
            },
            "one town, one month (2026-03)": {
                "within": "t3",
                "since": dt.date(2026, 3, 1),
                "until": dt.date(2026, 3, 31),
            },
            "one village, one week": {
                "within": "t3v4",
                "since": dt.date(2026, 3, 2),
                "until": dt.date(2026, 3, 8),
            },
            "county, the year 2026": {
                "since": dt.date(2026, 1, 1),
                "until": dt.date(2026, 12, 31),
            },
        }
        with nullcontext():
            for name, kwargs in queries.items():
                times = []
                s = None
                for _ in range(args.repeat):
                    began = time.perf_counter()
                    s = engine.statistics(at=dt.datetime(2027, 1, 1, tzinfo=CHINA_TZ), **kwargs)
                    times.append(time.perf_counter() - began)
                assert s is not None
                print(
                    f"{name:32s} median {statistics.median(times):6.2f} s "
                    f"(min {min(times):.2f}, max {max(times):.2f}; n={args.repeat}) "
                    f"received {s.received:,}, closed {sum(s.closed_by.values()):,}, "
                    f"化解率 {s.success_rate or 0:.3f}, backlog {s.backlog:,}"
                )
        engine.close()


if __name__ == "__main__":
    main()
