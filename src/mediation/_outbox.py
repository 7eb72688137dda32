"""Delivery of committed events to the embedder's subscribers, at least once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from mediation.model import Event
from mediation.store.base import Store

__all__ = ["Outbox"]

log = logging.getLogger("mediation")


class Outbox:
    """Reads the store's outbox rows after commit and hands the events to subscribers.

    Rows are marked delivered only after every subscriber returned, so a
    crash or a failing handler means redelivery, never loss.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._subscribers: list[Callable[[Event], None]] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    def subscribe(self, handler: Callable[[Event], None]) -> Callable[[], None]:
        """Add ``handler``, deliver what is pending, and return the unsubscribe function."""
        self._subscribers.append(handler)
        self.deliver()

        def unsubscribe() -> None:
            if handler in self._subscribers:
                self._subscribers.remove(handler)

        return unsubscribe

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold deliveries on this thread (during a batch) and deliver afterwards."""
        depth = getattr(self._local, "held", 0)
        self._local.held = depth + 1
        try:
            yield
        finally:
            self._local.held = depth
        self.after_commit()

    def after_commit(self) -> None:
        """Deliver now, unless this thread holds deliveries or nobody listens."""
        if self._subscribers and not getattr(self._local, "held", 0):
            self.deliver()

    def deliver(self, limit: int = 1000) -> int:
        """Deliver pending events in commit order; return how many were delivered.

        A handler that raises is logged; its event and the ones after it stay
        pending for the next delivery.
        """
        if not self._subscribers:
            return 0
        delivered = 0
        with self._lock:
            while True:
                pending = self._store.pending_outbox(limit)
                if not pending:
                    return delivered
                done: list[int] = []
                for oid, event in pending:
                    try:
                        for handler in list(self._subscribers):
                            handler(event)
                    except Exception:
                        log.exception(
                            "subscriber failed on %s #%d; will retry", event.case_id, event.seq
                        )
                        self._store.mark_delivered(done)
                        return delivered + len(done)
                    done.append(oid)
                self._store.mark_delivered(done)
                delivered += len(done)
                if len(pending) < limit:
                    return delivered
