"""Server time of the committee app's case list and case page with 100,000 cases in SQLite.

Run from the repository root (needs the ``web`` extra)::

    .venv/bin/python bench/bench_web.py [--cases 100000] [--repeats 40]

The database is built once through the engine (every row is one the engine
wrote: intake, then triage and acceptance for some) and kept between runs in
``$MEDIATION_BENCH_DIR`` (default /tmp). The app runs in-process under
uvicorn; a small ASGI wrapper records the time each request spends in the
server (from the request's arrival to the last byte of the response), so the
client's own overhead is not counted. Prints the median and the 90th
percentile per page; the target for the list and the case page is a median
of at most 50 ms. The dashboard, the search by name and the statistics are
measured too (no target).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import socket
import sqlite3
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from argon2 import PasswordHasher

from mediation import Actor, Engine, Party, Place, Unit
from mediation._demo import ORG
from mediation.model import CHINA_TZ
from mediation.web import WebStore
from mediation.web.app import create_app
from mediation.web.context import WebConfig

VILLAGE2 = Unit("qt-dm-xc", "西村人民调解委员会", "village", "qt-dm", "西调")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
PASSWORD = "bench-password-1"
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def build(path: Path, total: int) -> None:
    """Register ``total`` cases (skip if the file already holds them)."""
    if path.exists():
        with sqlite3.connect(path) as conn:
            (n,) = conn.execute("SELECT count(*) FROM cases").fetchone()
        if n == total:
            return
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    rng = random.Random(13)
    clerk = Actor("bench-clerk", {"clerk", "mediator"}, "qt-dm", "基准")
    began = time.perf_counter()
    with Engine.sqlite(str(path), reader=Actor.system()) as engine:
        engine.load_org([*ORG.units, VILLAGE2], actor=Actor.system())
        start = dt.datetime(2025, 1, 6, 9, tzinfo=CHINA_TZ)
        done = 0
        while done < total:
            with engine.batch():
                for _ in range(min(5_000, total - done)):
                    when = start + dt.timedelta(minutes=done * 7)
                    case = engine.intake(
                        workflow="dispute",
                        channel=rng.choice(["walk_in", "phone", "online"]),
                        category=rng.choice(["neighbor", "family", "homestead", "contract"]),
                        unit="qt-dm-dmc" if rng.random() < 0.8 else "qt-dm-xc",
                        summary="基准测试纠纷：相邻关系、排水、通行。",
                        parties=[
                            Party.person(
                                _name(rng), phone="13900000000", address=f"东门村{done}号"
                            ),
                            Party.person(_name(rng), role="respondent", address=f"西村{done}号"),
                        ],
                        location=[Place("青田县"), Place("东门镇"), Place("东门村")],
                        actor=clerk,
                        at=when,
                    )
                    if rng.random() < 0.4:
                        later = when + dt.timedelta(hours=1)
                        engine.fire(
                            case.id,
                            "triage",
                            actor=clerk,
                            at=later,
                            track="people",
                            level="village",
                        )
                        engine.fire(case.id, "accept", actor=clerk, at=later)
                    done += 1
            print(f"  built {done:,} cases ({time.perf_counter() - began:.0f} s)", flush=True)
        engine.subscribe(lambda _event: None)  # mark the outbox delivered: nobody waits on it
    store = WebStore.sqlite(path, hasher=CHEAP)
    for login, roles, unit in (
        ("clerk", ["clerk"], "qt-dm-dmc"),
        ("director", ["director"], "qt-dm"),
    ):
        if store.user(login) is None:
            store.add_user(login, password=PASSWORD, roles=roles, unit=unit)
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("ANALYZE")


class Timed:
    """ASGI wrapper that records each request's time in the server."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: list[tuple[str, float]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()

        async def timed_send(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times.append((scope["path"], (time.perf_counter() - began) * 1e3))

        await self.app(scope, receive, timed_send)


def serve(path: Path) -> tuple[uvicorn.Server, str, Timed, Engine, WebStore]:
    engine = Engine.sqlite(str(path))
    store = WebStore.sqlite(path, hasher=CHEAP)
    timed = Timed(create_app(engine, store, WebConfig(webhooks=False)))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(timed, log_level="warning", ws="none"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{sock.getsockname()[1]}", timed, engine, store


def login(base: str, who: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=60)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    client.post("/login", data={"login": who, "password": PASSWORD, "csrf_token": token.group(1)})
    return client


def measure(client: httpx.Client, timed: Timed, paths: list[str]) -> tuple[float, float]:
    client.get(paths[0])  # warm
    timed.times.clear()
    for p in paths:
        r = client.get(p)
        assert r.status_code == 200, (p, r.status_code, r.text[:300])
    ms = sorted(t for _, t in timed.times)
    return statistics.median(ms), ms[int(len(ms) * 0.9) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    path = (
        Path(os.environ.get("MEDIATION_BENCH_DIR", "/tmp")) / f"mediation-bench-web-{args.cases}.db"
    )
    print(f"database: {path}")
    build(path, args.cases)
    server, base, timed, engine, store = serve(path)
    rng = random.Random(5)
    try:
        with sqlite3.connect(path) as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM cases WHERE unit = 'qt-dm-dmc'")]
            (count,) = conn.execute("SELECT count(*) FROM cases").fetchone()
            names = [r[0] for r in conn.execute("SELECT name FROM parties LIMIT 200")]
            # A 下一页 link's cursor: the position (UTC received_at, id) of a page's last case.
            cursors = [
                f"{at.replace('-', '').replace(':', '')}_{cid}"
                for at, cid in conn.execute("SELECT received_at, id FROM cases")
            ]
        print(f"{count:,} cases; app under uvicorn, server time per request (ms)")
        n = args.repeats
        director = login(base, "director")
        clerk = login(base, "clerk")
        pages = {
            "case list, first page (director: both villages)": (director, ["/cases"] * n),
            "case list, a random page by number (offset)": (
                director,
                [f"/cases?page={rng.randrange(0, count // 50)}" for _ in range(n)],
            ),
            "case list, a random page by its cursor (下一页 link)": (
                director,
                [f"/cases?after={rng.choice(cursors)}&page=9" for _ in range(n)],
            ),
            "case list, by a common state (40% of cases)": (
                director,
                ["/cases?state=accepted"] * n,
            ),
            "case list, by a state no case is in": (director, ["/cases?state=closed"] * n),
            "case list, by category and unit": (
                clerk,
                ["/cases?category=family&unit=qt-dm-dmc"] * n,
            ),
            "case page (random cases)": (clerk, [f"/cases/{rng.choice(ids)}" for _ in range(n)]),
            "case list, by party name (scan, at most 5,000)": (
                clerk,
                [f"/cases?q={rng.choice(names)}" for _ in range(max(5, n // 4))],
            ),
            "dashboard (工作台)": (clerk, ["/"] * max(5, n // 4)),
            "statistics (统计), this year": (director, ["/stats"] * max(5, n // 8)),
            "statistics (统计), since 2025-01-01": (
                director,
                ["/stats?since=2025-01-01"] * max(5, n // 8),
            ),
        }
        for label, (client, paths) in pages.items():
            median, p90 = measure(client, timed, paths)
            print(f"  {label:<52} median {median:7.1f}   p90 {p90:7.1f}")
        director.close()
        clerk.close()
    finally:
        server.should_exit = True
        time.sleep(0.3)
        store.close()
        engine.close()


if __name__ == "__main__":
    main()
