"""Committed events to webhooks: from the engine's outbox, at least once, in order, signed.

How it works:

1. While a webhook is registered, the app subscribes to the engine
   (:meth:`mediation.Engine.subscribe`). The handler queues each committed
   event for every active webhook whose scope holds the case (a row of
   ``web_deliveries``, unique per webhook and event) and returns; only then
   does the engine mark the outbox row delivered. A crash before the queue
   row is written leaves the outbox row pending: it is queued again at the
   next start, never lost, never queued twice.
2. A worker thread sends each webhook's queue strictly in queue order (so in
   commit order, and in order per case): a failed POST (an error, a timeout,
   a status other than 2xx) is retried with a doubling wait (1 s up to 5
   min) and holds back the events after it. Every ``poll`` seconds it also
   asks the engine to deliver what other processes committed.

Each POST carries the event as JSON and these headers::

    X-Mediation-Delivery:  <case id>:<seq>       (the same on every retry)
    X-Mediation-Event:     <trigger>
    X-Mediation-Timestamp: <unix seconds>
    X-Mediation-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the secret>

A receiver checks the signature with the secret shown when the webhook was
registered, refuses stale timestamps, and drops a delivery id it has seen
(delivery is at least once: a crash between the receiver's answer and the
queue's update sends that event again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import threading
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from mediation import Actor, Engine, Event, MediationError
from mediation.web.encode import dumps
from mediation.web.store import WebStore
from mediation.web.values import Delivery, Webhook

if TYPE_CHECKING:
    from mediation.web.context import WebConfig

__all__ = ["Deliverer", "sign"]

log = logging.getLogger("mediation.web.webhooks")

MAX_BACKOFF = 300.0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value of a delivery."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


class Deliverer:
    """Queues committed events for the webhooks and sends them (a daemon thread)."""

    def __init__(self, engine: Engine, store: WebStore, config: WebConfig) -> None:
        self._engine = engine
        self._store = store
        self._poll = config.webhook_poll
        self._timeout = config.webhook_timeout
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: object = None
        self._hooks: list[Webhook] = []
        self._system = Actor.system("webhooks", "推送")

    def start(self) -> None:
        """Start the worker thread."""
        self._thread = threading.Thread(target=self._run, name="mediation-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker thread (what is queued is sent after the next start)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._timeout + 5)
        unsubscribe = self._unsubscribe
        if callable(unsubscribe):
            unsubscribe()
        self._unsubscribe = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.round()
            except Exception:  # the worker must outlive any one failure
                log.exception("webhook delivery round failed")
            self._stop.wait(self._poll)

    def round(self) -> None:
        """One pass: subscribe while webhooks exist, take pending events, send what is due."""
        self._hooks = self._store.webhooks(active_only=True)
        if self._hooks and self._unsubscribe is None:
            self._unsubscribe = self._engine.subscribe(self._queue)
        elif self._unsubscribe is not None:
            self._engine.deliver()
        for hook in self._hooks:
            self._send_due(hook)

    def _queue(self, event: Event) -> None:
        """The engine's subscriber: queue ``event`` for the webhooks whose scope holds it."""
        hooks = [h for h in self._hooks if h.active]
        if not hooks:
            return
        wanted = [h.id for h in hooks if h.unit is None]
        scoped = [h for h in hooks if h.unit is not None]
        if scoped:
            org = self._engine.org
            try:
                unit = self._engine.get(event.case_id, actor=self._system).unit
            except MediationError:
                unit = None
            for hook in scoped:
                assert hook.unit is not None
                if unit is not None and org is not None and org.within(unit, hook.unit):
                    wanted.append(hook.id)
        if wanted:
            self._store.enqueue(wanted, event.case_id, event.seq, dumps(event))

    def _send_due(self, hook: Webhook) -> None:
        while not self._stop.is_set():
            delivery = self._store.next_delivery(hook.id)
            if delivery is None or delivery.next_at > self._store.clock():
                return
            error = self._post(hook, delivery)
            if error is None:
                self._store.delivered(delivery.id)
                continue
            wait = min(MAX_BACKOFF, 2.0**delivery.attempts)
            retry = self._store.clock() + dt.timedelta(seconds=wait)
            self._store.failed(delivery.id, error, retry)
            log.warning("webhook %s: %s; retry in %.0f s", hook.url, error, wait)
            return

    def _post(self, hook: Webhook, delivery: Delivery) -> str | None:
        """POST one event; ``None`` when the receiver took it (2xx), else why not."""
        body = delivery.payload.encode()
        stamp = int(time.time())
        request = urllib.request.Request(
            hook.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "mediation-webhooks/1",
                "X-Mediation-Delivery": f"{delivery.case_id}:{delivery.seq}",
                "X-Mediation-Event": _trigger(delivery.payload),
                "X-Mediation-Timestamp": str(stamp),
                "X-Mediation-Signature": sign(hook.secret, stamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None if 200 <= status < 300 else f"HTTP {status}"


def _trigger(payload: str) -> str:
    import json

    try:
        value = json.loads(payload).get("trigger", "")
    except (ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""
