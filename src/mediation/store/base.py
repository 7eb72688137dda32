"""The storage contract the engine writes through, and the in-memory backend.

Every backend gives the same guarantees: one :meth:`Store.commit` is atomic
(case row, deadline rows, audit event and outbox row together or not at
all), checks the version it expects (a concurrent writer gets
:class:`ConcurrentUpdateError`, nothing is overwritten), and numbers cases
gap-free per unit and year.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import threading
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Protocol

import attrs

from mediation import _codec
from mediation._errors import CaseNotFoundError, ConcurrentUpdateError, PersistenceError
from mediation.model import Case, ClockKind, Deadline, DeadlineStatus, Event, OrgEvent, maker

if TYPE_CHECKING:
    from mediation._codec import Codec
    from mediation.statistics import StatsQuery, Tally

__all__ = ["CaseQuery", "DueQuery", "MemoryStore", "Store"]


@attrs.frozen(slots=True)
class CaseQuery:
    """Filters for :meth:`Store.find`; ``None`` means "any".

    Cases come in (received time, id) order. ``after`` (a keyset cursor: the
    ``(received_at, id)`` of the last case already seen) starts the page just
    after that position; ``before`` ends it just before, still in ascending
    order (the page preceding it). ``offset`` then skips that many matches.
    ``assignee``: only cases this actor id handles (one of :attr:`Case.assignees`);
    ``unassigned``: only cases nobody handles yet.
    """

    state: str | None = None
    level: str | None = None
    unit: str | None = None
    units: frozenset[str] | None = None
    category: str | None = None
    party_id: str | None = None
    kind: str | None = None
    workflow: str | None = None
    limit: int = 100
    offset: int = 0
    after: tuple[dt.datetime, str] | None = None
    before: tuple[dt.datetime, str] | None = None
    assignee: str | None = None
    unassigned: bool = False


@attrs.frozen(slots=True)
class DueQuery:
    """Filters for :meth:`Store.due`: open clocks whose ``due_at`` or warning start is due.

    Attributes:
        until: Clocks due (``due_at``) at or before this instant...
        warn_until: ...or, if set, whose warning starts (``warn_from``) on or before this day.
        periods: Only these period ids.
        kinds: Only clocks of these kinds (:class:`~mediation.model.ClockKind` values).
        level: Only cases at this level.
        units: Only cases owned by these units.
        unescalated: Only breaches not yet escalated (supervision).
        limit: Page size.
    """

    until: dt.datetime
    warn_until: dt.date | None = None
    periods: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    level: str | None = None
    units: frozenset[str] | None = None
    unescalated: bool = False
    limit: int = 100


_DUTY = frozenset({ClockKind.duty.value})
"""Only the unit's hard limits are supervised."""


class Store(Protocol):
    """What the engine needs from a backend: the extension point for another database.

    A backend stores cases it does not understand: the engine attaches its
    codec (which knows every registered workflow's details type) and the
    policy's warning rule before it writes anything.
    """

    def attach(self, codec: Codec, warn_from: Callable[[Deadline], dt.date]) -> None:
        """Use ``codec`` to encode and decode cases, and ``warn_from`` for the warning index."""
        ...

    def create(self, unit: str, year: int, build: Callable[[int], tuple[Case, Event]]) -> Case:
        """Allocate the next number for (unit, year), build the case and write it with its event."""
        ...

    def load(self, case_id: str, *, fresh: bool = False) -> Case:
        """The current case; ``fresh`` reads the stored row, bypassing any cache.

        Raises :class:`CaseNotFoundError`.
        """
        ...

    def commit(self, expected_version: int, case: Case, event: Event, old: Case | None) -> None:
        """Write the case, its changed deadlines, its event and an outbox row, atomically.

        ``old`` is the case as loaded, so only the deadlines that changed are written.
        """
        ...

    def events(self, case_id: str) -> list[Event]:
        """The case's audit log in order."""
        ...

    def find(self, query: CaseQuery) -> list[Case]:
        """Cases matching ``query``, by (received time, id), within its cursor and page."""
        ...

    def due(self, query: DueQuery) -> list[tuple[str, Deadline]]:
        """Open running clocks matching ``query``, earliest due first, as (case id, deadline)."""
        ...

    def pending_outbox(self, limit: int) -> list[tuple[int, Event]]:
        """Undelivered outbox entries, oldest first."""
        ...

    def claim_overdue(self, until: dt.datetime, limit: int) -> list[tuple[str, str]]:
        """(case id, deadline id) of overdue unescalated duty clocks, locked until the batch ends."""
        ...

    def mark_delivered(self, ids: Sequence[int]) -> None:
        """Mark outbox entries delivered."""
        ...

    def next_number(self, scope: str, year: int) -> int:
        """Allocate the next gap-free number for (scope, year) in its own transaction."""
        ...

    def batch(self) -> AbstractContextManager[None]:
        """Group many commits into one transaction."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...

    def unit_of(self, case_id: str) -> str:
        """The unit that owns a case (read from what queries read). Raises CaseNotFoundError."""
        ...

    def case_ids(self, *, after: str | None, limit: int, units: frozenset[str] | None) -> list[str]:
        """Case ids in id order, after ``after``, within ``units`` when given."""
        ...

    def heads(self) -> list[tuple[str, int, str]]:
        """``(case id, version, hash of its latest event)`` for every case."""
        ...

    def index_problems(self, case: Case) -> list[str]:
        """Where what queries read (indexed columns, clock rows, party rows) disagrees with ``case``."""
        ...

    def orphan_events(self) -> list[str]:
        """Ids of cases that have events but no case row."""
        ...

    def provisional_cases(self, *, after: str, limit: int) -> list[str]:
        """Ids (in order, after ``after``) of cases with an open provisional clock."""
        ...

    def org_events(self) -> list[OrgEvent]:
        """The organisation's changes, in order (empty when none was stored)."""
        ...

    def find_keys(
        self, keys: Collection[str], *, limit: int, exclude: str | None = None
    ) -> list[tuple[str, str]]:
        """``(case id, key)`` of cases holding any of ``keys`` (not ``exclude``), by case id."""
        ...

    def append_org(self, event: OrgEvent) -> None:
        """Append a change; ``ConcurrentUpdateError`` if another took its number first."""
        ...


def changed_deadlines(old: Case | None, new: Case) -> list[tuple[int, Deadline, bool]]:
    """Deadlines of ``new`` that differ from ``old``: (position, deadline, is_new)."""
    before = {} if old is None else {d.id: d for d in old.deadlines}
    out = []
    for i, d in enumerate(new.deadlines):
        prev = before.get(d.id)
        if prev is None:
            out.append((i, d, True))
        elif prev != d:
            out.append((i, d, False))
    return out


def _matches(c: Case, query: CaseQuery) -> bool:
    """``c`` passes every filter of ``query`` (the memory store's WHERE clause)."""
    return (
        (query.state is None or c.state == query.state)
        and (query.level is None or c.level == query.level)
        and (query.unit is None or c.unit == query.unit)
        and (query.units is None or c.unit in query.units)
        and (query.category is None or c.category == query.category)
        and (query.kind is None or c.kind == query.kind)
        and (query.workflow is None or c.workflow == query.workflow)
        and (query.party_id is None or any(p.identifier == query.party_id for p in c.parties))
        and (query.assignee is None or query.assignee in c.assignees)
        and not (query.unassigned and c.assignees)
    )


_EVENT = maker(Event)
"""Makes an :class:`Event` (one per event read back)."""

_Packed = tuple[str, int, str, str, dt.datetime, str, str, str | bytes, str, str, str, str]
"""An event as the memory store keeps it: its fields, ``data`` and ``facts`` as canonical JSON
(a long ``data`` — an intake's snapshot of the case — deflated)."""

_DEFLATE_FROM = 512
"""Inputs whose JSON is at least this long are kept deflated (zlib): an intake event's
snapshot of the case was some 3 KB of text, two fifths of an open case's memory; deflated
it is about 800 bytes. Shorter inputs (every other step's) are kept as text."""


def _pack(e: Event) -> _Packed:
    """An event kept compact: a county-year holds some 600,000, and their inputs and facts as
    nested dicts were a third of a simulation's memory (the SQL stores keep the same text)."""
    text = _codec.event_text(e.data) if e.data else ""
    data = zlib.compress(text.encode(), 1) if len(text) >= _DEFLATE_FROM else text
    facts = _codec.event_text(e.facts) if e.facts else ""
    return (e.case_id, e.seq, e.trigger, e.actor, e.at, e.source, e.dest, data, e.prev_hash,
            e.hash, e.seal, facts)  # fmt: skip


def _unpack(p: _Packed) -> Event:
    """The event again, its ``data`` and ``facts`` read back as the SQL stores read them."""
    raw = p[7]
    data = json.loads(zlib.decompress(raw) if isinstance(raw, bytes) else raw) if raw else {}
    facts = json.loads(p[11]) if p[11] else {}
    return _EVENT(p[0], p[1], p[2], p[3], p[4], p[5], p[6], data, p[8], p[9], p[10], facts)


class MemoryStore:
    """A store in process memory: the fastest backend, for tests and simulations.

    Same guarantees as the database backends within one process: commits are
    atomic and version-checked under a lock. Nothing survives the process.
    Events are kept with their inputs and facts as canonical JSON text, and read
    back as the SQL stores read theirs.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._cases: dict[str, Case] = {}
        self._events: dict[str, list[_Packed]] = {}
        self._outbox: dict[int, tuple[str, int]] = {}
        """Undelivered events, as (case id, seq) of the log (the SQL stores' outbox rows)."""
        self._outbox_seq = 0
        self._counters: dict[tuple[str, int], int] = {}
        self._order: list[tuple[dt.datetime, str]] = []
        """(received_at, id) of every case, sorted: the order :meth:`find` pages through."""
        self._org: list[OrgEvent] = []
        self._keys: dict[str, list[str]] = {}
        """Each key's case ids, sorted: a lookup reads only the first few, however many share it."""
        self._warn_from: Callable[[Deadline], dt.date] = lambda d: d.due
        self._undo: list[Callable[[], object]] | None = None
        """While a batch runs: how to take back each change it made, in order."""

    def attach(self, codec: Codec, warn_from: Callable[[Deadline], dt.date]) -> None:
        """Cases are kept as values: only the warning rule is needed."""
        self._warn_from = warn_from

    def create(self, unit: str, year: int, build: Callable[[int], tuple[Case, Event]]) -> Case:
        with self._lock:
            n = self._counters.get((unit, year), 0) + 1
            case, event = build(n)
            if case.id in self._cases:
                raise PersistenceError(f"case id {case.id!r} already exists")
            self._set_counter((unit, year), n)
            self._cases[case.id] = case
            self._index_keys(case.id, frozenset(), case.keys)
            self._events[case.id] = [_pack(event)]
            bisect.insort(self._order, (case.received_at, case.id))
            if self._undo is not None:
                self._undo.append(lambda: self._forget(case.id))
            self._push(event)
            return case

    def _forget(self, case_id: str) -> None:
        """Undo a creation (a batch rolled back)."""
        self._order.remove((self._cases[case_id].received_at, case_id))
        del self._cases[case_id]
        del self._events[case_id]

    def _set_counter(self, key: tuple[str, int], n: int) -> None:
        if self._undo is not None:
            before = self._counters.get(key)
            self._undo.append(
                lambda: (
                    self._counters.pop(key)
                    if before is None
                    else self._counters.__setitem__(key, before)
                )
            )
        self._counters[key] = n

    def _index_keys(self, case_id: str, old: frozenset[str], new: frozenset[str]) -> None:
        for key in old - new:
            ids = self._keys.get(key, [])
            i = bisect.bisect_left(ids, case_id)
            if i < len(ids) and ids[i] == case_id:
                del ids[i]
        for key in new - old:
            ids = self._keys.setdefault(key, [])
            i = bisect.bisect_left(ids, case_id)
            if i == len(ids) or ids[i] != case_id:
                ids.insert(i, case_id)
        if self._undo is not None and old != new:
            self._undo.append(lambda: self._index_keys(case_id, new, old))

    def _push(self, event: Event) -> None:
        self._outbox_seq += 1
        seq = self._outbox_seq
        self._outbox[seq] = (event.case_id, event.seq)
        if self._undo is not None:
            self._undo.append(lambda: self._outbox.pop(seq, None))

    def load(self, case_id: str, *, fresh: bool = False) -> Case:
        try:
            return self._cases[case_id]
        except KeyError:
            raise CaseNotFoundError(case_id) from None

    def commit(
        self, expected_version: int, case: Case, event: Event, old: Case | None = None
    ) -> None:
        with self._lock:
            current = self._cases.get(case.id)
            if current is None:
                raise CaseNotFoundError(case.id)
            if current.version != expected_version:
                raise ConcurrentUpdateError(case.id, expected_version)
            if current.keys != case.keys:
                self._index_keys(case.id, current.keys, case.keys)
            self._cases[case.id] = case
            self._events[case.id].append(_pack(event))
            if self._undo is not None:
                self._undo.append(lambda: self._uncommit(current))
            self._push(event)

    def _uncommit(self, previous: Case) -> None:
        """Undo a commit (a batch rolled back): the case and its log as they were."""
        self._cases[previous.id] = previous
        self._events[previous.id].pop()

    def events(self, case_id: str) -> list[Event]:
        self.load(case_id)
        return [_unpack(p) for p in self._events[case_id]]

    def find(self, query: CaseQuery) -> list[Case]:
        order = self._order
        lo = 0 if query.after is None else bisect.bisect_right(order, query.after)
        hi = len(order) if query.before is None else bisect.bisect_left(order, query.before)
        # With ``before`` the page is the matches nearest the cursor: walk back from it.
        positions = range(hi - 1, lo - 1, -1) if query.before is not None else range(lo, hi)
        out: list[Case] = []
        skip, want = query.offset, query.limit
        for i in positions:
            c = self._cases[order[i][1]]
            if not _matches(c, query):
                continue
            if skip:
                skip -= 1
                continue
            out.append(c)
            if len(out) == want:
                break
        return out[::-1] if query.before is not None else out

    def due(self, query: DueQuery) -> list[tuple[str, Deadline]]:
        warn_from = self._warn_from
        hits = []
        for c in self._cases.values():
            if query.level is not None and c.level != query.level:
                continue
            if query.units is not None and c.unit not in query.units:
                continue
            for d in c.deadlines:
                if d.status is not DeadlineStatus.running:
                    continue
                if query.periods is not None and d.period not in query.periods:
                    continue
                if query.kinds is not None and d.kind.value not in query.kinds:
                    continue
                if query.unescalated and d.escalated_at is not None:
                    continue
                if d.due_at <= query.until or (
                    query.warn_until is not None and warn_from(d) <= query.warn_until
                ):
                    hits.append((d.due_at, c.id, d))
        hits.sort(key=lambda h: (h[0], h[1], h[2].id))
        return [(cid, d) for _, cid, d in hits[: query.limit]]

    def claim_overdue(self, until: dt.datetime, limit: int) -> list[tuple[str, str]]:
        query = DueQuery(until=until, unescalated=True, kinds=_DUTY, limit=limit)
        rows = self.due(query)
        return [(cid, d.id) for cid, d in rows if d.due_at < until]

    def pending_outbox(self, limit: int) -> list[tuple[int, Event]]:
        with self._lock:
            rows = sorted(self._outbox.items())[:limit]
            return [(oid, _unpack(self._events[cid][seq - 1])) for oid, (cid, seq) in rows]

    def mark_delivered(self, ids: Sequence[int]) -> None:
        with self._lock:
            for i in ids:
                self._outbox.pop(i, None)

    def next_number(self, scope: str, year: int) -> int:
        with self._lock:
            n = self._counters.get((scope, year), 0) + 1
            self._set_counter((scope, year), n)
            return n

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold the lock for the batch; on error, take back what the batch changed.

        Every change inside records its inverse, so a rollback costs what the
        batch did, not the size of the store. A batch inside a batch joins it.
        """
        with self._lock:
            if self._undo is not None:
                yield
                return
            self._undo = []
            try:
                yield
            except BaseException:
                for undo in reversed(self._undo):
                    undo()
                raise
            finally:
                self._undo = None

    def unit_of(self, case_id: str) -> str:
        return self.load(case_id).unit

    def case_ids(self, *, after: str | None, limit: int, units: frozenset[str] | None) -> list[str]:
        ids = sorted(
            cid
            for cid, c in self._cases.items()
            if (after is None or cid > after) and (units is None or c.unit in units)
        )
        return ids[:limit]

    def heads(self) -> list[tuple[str, int, str]]:
        return [(c.id, c.version, c.head) for c in self._cases.values()]

    def index_problems(self, case: Case) -> list[str]:
        """The memory store keeps the case itself: nothing can disagree."""
        return []

    def orphan_events(self) -> list[str]:
        return sorted(set(self._events) - set(self._cases))

    def provisional_cases(self, *, after: str, limit: int) -> list[str]:
        ids = sorted(
            cid
            for cid, c in self._cases.items()
            if cid > after and any(d.estimated and d.is_open for d in c.deadlines)
        )
        return ids[:limit]

    def org_events(self) -> list[OrgEvent]:
        with self._lock:
            return list(self._org)

    def find_keys(
        self, keys: Collection[str], *, limit: int, exclude: str | None = None
    ) -> list[tuple[str, str]]:
        index = self._keys
        hits: list[tuple[str, str]] = []
        with self._lock:
            # Each key's ids are sorted: its first limit + 1 are all a merged page can need.
            for key in keys if isinstance(keys, (set, frozenset)) else set(keys):
                ids = index.get(key)
                if not ids or (len(ids) == 1 and ids[0] == exclude):
                    continue  # most keys name one matter: the asking case's own
                hits.extend((cid, key) for cid in ids[: limit + 1] if cid != exclude)
        if not hits:
            return hits
        hits.sort()
        return hits[:limit]

    def append_org(self, event: OrgEvent) -> None:
        with self._lock:
            if event.seq != len(self._org) + 1:
                raise ConcurrentUpdateError("org", event.seq - 1)
            self._org.append(event)

    def close(self) -> None:
        """Nothing to release."""

    def statistics(self, query: StatsQuery) -> Tally:
        """Tally the cases of ``query`` in Python (:func:`mediation.statistics.tally_cases`)."""
        from mediation.statistics import tally_cases

        with self._lock:
            cases = list(self._cases.values())
        return tally_cases(cases, query)
