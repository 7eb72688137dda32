"""Webhooks: every committed event reaches the receiver, signed, in order per case, across a
server killed in the middle of delivering and started again."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from mediation import Actor, Engine, Party, Place
from mediation.model import CHINA_TZ
from mediation.web import WebStore
from mediation.web.webhooks import sign

from .conftest import CHEAP, prepare


class Receiver:
    """A webhook receiver on localhost: checks each signature, records each delivery."""

    def __init__(self, secret: str, delay: float = 0.0) -> None:
        self.secret = secret
        self.delay = delay
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.bad_signatures = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = int(self.headers["X-Mediation-Timestamp"])
                if not hmac.compare_digest(
                    sign(outer.secret, stamp, body), self.headers["X-Mediation-Signature"]
                ):
                    outer.bad_signatures += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                with outer.lock:
                    outer.received.append((self.headers["X-Mediation-Delivery"], json.loads(body)))
                time.sleep(outer.delay)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def ids(self) -> list[str]:
        with self.lock:
            return [d for d, _ in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """Start ``mediation serve`` in a child process; every child is killed at the end."""
    children: list[subprocess.Popen[bytes]] = []
    logs: list[Any] = []

    def start(db: Path) -> tuple[subprocess.Popen[bytes], str]:
        port = _free_port()
        code = "import sys; from mediation.cli import main; sys.argv[0] = 'mediation'; main()"
        log = (tmp_path / f"serve-{len(children)}.log").open("wb")
        logs.append(log)
        child = subprocess.Popen(
            [sys.executable, "-c", code, "serve", str(db), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        children.append(child)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/login", timeout=1)
                return child, url
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("the server did not start: " + (tmp_path / "serve-0.log").read_text())

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)
    for log in logs:
        log.close()


def _cases(db: Path, names: list[tuple[str, str]]) -> None:
    """Register cases and take two steps on each (another process than the server)."""
    clerk = Actor("clerk-li", {"clerk"}, "qt-dm-dmc", "李登记")
    with Engine.sqlite(str(db)) as engine:
        for applicant, respondent in names:
            now = dt.datetime.now(CHINA_TZ)
            case = engine.intake(
                workflow="dispute",
                channel="walk_in",
                category="neighbor",
                unit="qt-dm-dmc",
                summary=f"{applicant}与{respondent}的纠纷",
                parties=[
                    Party.person(applicant, phone="13900000001", address=f"东门村{applicant}家"),
                    Party.person(respondent, role="respondent", phone="13900000002"),
                ],
                location=[Place("青田县"), Place("东门镇"), Place("东门村")],
                actor=clerk,
                at=now,
            )
            engine.fire(case.id, "triage", actor=clerk, at=now, track="people", level="village")
            engine.fire(case.id, "accept", actor=clerk, at=now)


def _committed(db: Path) -> list[str]:
    with Engine.sqlite(str(db), reader=Actor.system()) as engine:
        cases = engine.find(within="qt", limit=1000)
        return [f"{e.case_id}:{e.seq}" for c in cases for e in engine.history(c.id)]


def _wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_every_event_arrives_in_order_after_a_restart_mid_delivery(
    tmp_path: Path, serve: Any
) -> None:
    """Events committed before the server starts, while it runs and while it is down all reach
    the receiver; the server is killed (SIGKILL) with deliveries pending; after the restart
    the receiver has every event, in order per case; a repeat is only ever of an event the
    kill interrupted (at least once), recognisable by its delivery id."""
    db = tmp_path / "cases.db"
    prepare(db)
    store = WebStore.sqlite(db, hasher=CHEAP)
    hook = store.add_webhook("http://127.0.0.1:1/placeholder")
    store.close()
    receiver = Receiver(hook.secret, delay=0.15)
    try:
        # the URL is only known now: register the receiver (and drop the placeholder)
        store = WebStore.sqlite(db, hasher=CHEAP)
        store.set_webhook_active(hook.id, False)
        live = store.add_webhook(receiver.url)
        store.close()
        receiver.secret = live.secret
        _cases(db, [("甲一", "乙一"), ("甲二", "乙二"), ("甲三", "乙三"), ("甲四", "乙四")])

        child, _url = serve(db)
        _wait(lambda: len(receiver.ids()) >= 3, 30, "the first deliveries")
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        got_before = len(set(receiver.ids()))
        _cases(db, [("甲五", "乙五")])  # committed while the server is down
        expected = _committed(db)
        assert got_before < len(expected), "the kill came after everything was delivered"

        serve(db)
        _wait(lambda: set(receiver.ids()) >= set(expected), 60, "every event")
        ids = receiver.ids()
        assert receiver.bad_signatures == 0
        first_seen = list(dict.fromkeys(ids))
        assert sorted(first_seen) == sorted(expected)
        by_case: dict[str, list[int]] = {}
        for delivery in first_seen:
            case_id, seq = delivery.split(":")
            by_case.setdefault(case_id, []).append(int(seq))
        assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in by_case.values())
        repeats = len(ids) - len(first_seen)
        assert repeats <= 1, ids
        payloads = dict(receiver.received)
        first = payloads[expected[0]]
        assert first["trigger"] == "intake"
        assert first["seq"] == 1
        assert "hash" in first
    finally:
        receiver.close()


def test_a_failing_receiver_is_retried_and_holds_back_later_events(tmp_path: Path) -> None:
    """A receiver answering 500 gets the same event again (after a wait), and nothing after
    it until it is taken."""
    from mediation.web.context import WebConfig
    from mediation.web.webhooks import Deliverer

    db = tmp_path / "cases.db"
    prepare(db)
    _cases(db, [("甲", "乙")])
    calls: list[str] = []

    class Flaky(Receiver):
        pass

    receiver = Flaky("", delay=0)
    store = WebStore.sqlite(db, hasher=CHEAP)
    hook = store.add_webhook(receiver.url)
    receiver.secret = hook.secret
    engine = Engine.sqlite(str(db))
    now = [dt.datetime.now(dt.UTC)]
    store.clock = lambda: now[0]
    deliverer = Deliverer(engine, store, WebConfig(webhook_poll=0.05))
    original = deliverer._post

    def failing_then_ok(h: Any, delivery: Any) -> str | None:
        calls.append(f"{delivery.case_id}:{delivery.seq}")
        if len(calls) <= 2:
            return "HTTP 500"
        return original(h, delivery)

    deliverer._post = failing_then_ok  # type: ignore[method-assign]
    try:
        deliverer.round()
        assert calls == [calls[0]]
        assert receiver.ids() == []
        deliverer.round()  # not yet due: the wait after a failure
        assert len(calls) == 1
        now[0] += dt.timedelta(seconds=1.5)
        deliverer.round()
        assert len(calls) == 2
        assert receiver.ids() == []
        now[0] += dt.timedelta(seconds=2.5)
        deliverer.round()
        assert calls[0] == calls[1] == calls[2]
        assert len(receiver.ids()) == 3
        done, pending, _ = store.delivery_counts(hook.id)
        assert (done, pending) == (3, 0)
    finally:
        deliverer.stop()
        receiver.close()
        store.close()
        engine.close()
