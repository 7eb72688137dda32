"""Fixtures of the committee app's tests: a prepared database, a real server, HTTP sessions."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

if not os.environ.get("CI"):  # under CI the web extra must be there: a missing one fails
    pytest.importorskip("starlette", reason="the web extra is not installed")

import httpx
import uvicorn
from argon2 import PasswordHasher

from mediation import Actor, Engine, Unit
from mediation._demo import ORG
from mediation.web import WebStore
from mediation.web.app import create_app
from mediation.web.context import WebConfig

PASSWORD = "correct-horse-1"
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""Argon2id with the smallest parameters: the tests hash many passwords."""

VILLAGE2 = Unit("qt-dm-xc", "西村人民调解委员会", "village", "qt-dm", "西调")
USERS = {
    # login: (roles, unit, name)
    "admin": (["admin"], "qt", "管理员"),
    "clerk": (["clerk"], "qt-dm-dmc", "李登记"),
    "mediator": (["mediator"], "qt-dm-dmc", "陈调解"),
    "director": (["director"], "qt-dm-dmc", "王主任"),
    "clerk2": (["clerk", "mediator", "director"], "qt-dm-xc", "赵西村"),
}


_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"
_GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽娟",
    "海涛",
    "春梅",
    "德明",
    "玉兰",
    "国庆",
    "晓燕",
    "文军",
    "桂芳",
]
_people = itertools.count(1)


def person(role: str = "applicant") -> dict[str, str]:
    """A party nobody else in the process has: its own name, resident ID, phone and address
    (so that the intake's duplicate check never matches two tests' cases)."""
    from stdnum.cn import ric

    n = next(_people)
    born = dt.date(1955, 1, 1) + dt.timedelta(days=(n * 37) % 7000)
    body = f"332522{born:%Y%m%d}{n % 1000:03d}"
    return {
        "role": role,
        "kind": "person",
        "name": _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n // len(_SURNAMES)) % len(_GIVEN)],
        "id_number": body + ric.calc_check_digit(body + "0"),  # (the digit passed is ignored)
        "phone": f"139{n:08d}",
        "address": f"青田县东门镇东门村{n}号",
    }


def prepare(path: Path) -> None:
    """A database with the demo organisation plus a second village, and the test users."""
    with Engine.sqlite(str(path), reader=Actor.system()) as engine:
        if engine.org is None:
            engine.load_org([*ORG.units, VILLAGE2], actor=Actor.system())
    store = WebStore.sqlite(path, hasher=CHEAP)
    try:
        for login, (roles, unit, name) in USERS.items():
            if store.user(login) is None:
                store.add_user(login, password=PASSWORD, roles=roles, unit=unit, name=name)
    finally:
        store.close()


class Server:
    """The app served by uvicorn in a thread on a free port of 127.0.0.1."""

    def __init__(self, db: Path, config: WebConfig | None = None, **engine_kwargs: Any) -> None:
        self.engine = Engine.sqlite(str(db), **engine_kwargs)
        self.store = WebStore.sqlite(db, hasher=CHEAP)
        self.app = create_app(self.engine, self.store, config or WebConfig(webhooks=False))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        cfg = uvicorn.Config(self.app, log_level="warning", ws="none", lifespan="on")
        self.server = uvicorn.Server(cfg)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()
        self.store.close()
        self.engine.close()


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Session:
    """One person's browser-like HTTP session (cookies kept, redirects followed)."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, follow_redirects=True, timeout=30)
        self.csrf = ""

    def login(self, login: str, password: str = PASSWORD) -> httpx.Response:
        page = self.http.get("/login")
        token = _CSRF.search(page.text)
        assert token is not None
        response = self.http.post(
            "/login", data={"login": login, "password": password, "csrf_token": token.group(1)}
        )
        found = _CSRF.search(response.text)
        if found is not None and response.url.path != "/login":
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, data: Any = None, *, csrf: bool = True) -> httpx.Response:
        fields: list[tuple[str, str]] = (
            list(data.items()) if isinstance(data, dict) else list(data or [])
        )
        if csrf:
            fields.append(("csrf_token", self.csrf))
        return self.http.post(
            path,
            content=urlencode(fields),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on a prepared database, shared by a module's tests (each makes its own cases)."""
    db = tmp_path_factory.mktemp("site") / "cases.db"
    prepare(db)
    server = Server(db)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def session(site: Server) -> Iterator[Callable[[str], Session]]:
    """Signed-in sessions on the module's server: ``session("clerk")``."""
    opened: list[Session] = []

    def open_session(login: str) -> Session:
        s = Session(site.url)
        response = s.login(login)
        assert response.url.path == "/", response.text[:500]
        opened.append(s)
        return s

    yield open_session
    for s in opened:
        s.close()


def csrf_of(html: str) -> str:
    """The CSRF token of a page."""
    found = _CSRF.search(html)
    assert found is not None
    return found.group(1)


def text_of(html: str) -> str:
    """A page's text without tags (for assertions on what a person reads)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
