"""The organisation stored with the cases: an audited, hash-chained log of changes.

The tree an engine uses is the replay of the log (:class:`OrgBook`). Each
change is one of:

``load``
    the whole tree, from a list of units (the first load, or a reload from
    the office's file). Units are never deleted: a unit of the current tree
    missing from the list is refused (merge it, or mark it inactive).
``put``
    one unit added or replaced (a rename, a move, a new line parent).
``merge``
    a unit merged into another (inactive, hanging under its successor, its
    sub-units moved to the successor; its cases stay readable).

Every step a case takes logs the number of the change the tree was at
(its event's facts), so a replay judges it on the tree of that day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from mediation import _codec
from mediation._codec import Codec
from mediation._errors import DefinitionError, ValidationError
from mediation.model import OrgEvent, Unit
from mediation.rules.org import LevelLadder, OrgTree
from mediation.store.base import Store

__all__ = ["OrgBook", "org_hash"]

OPS = ("load", "put", "merge")


def org_hash(
    seq: int, op: str, data: Mapping[str, Any], actor: str, at: str, prev_hash: str
) -> str:
    """sha256 (hex) over a change's fields (length-framed) and the previous change's hash."""
    body = _codec.dumps(data)
    parts = (str(seq), op, body, actor, at, prev_hash)
    framed = "".join(f"{len(p)}:{p}" for p in parts)
    return hashlib.sha256(("org|" + framed).encode()).hexdigest()


class OrgBook:
    """The stored organisation of one engine: its log, the tree after each change.

    Args:
        store: Where the log lives.
        codec: Encodes and decodes units.
        ladder: The level ladder units are checked against.
    """

    def __init__(self, store: Store, codec: Codec, ladder: LevelLadder) -> None:
        self._store = store
        self._codec = codec
        self._ladder = ladder
        self._lock = threading.Lock()
        self._log: list[OrgEvent] = []
        self._trees: dict[int, OrgTree] = {}

    @property
    def seq(self) -> int:
        """The number of the latest change read (0: nothing stored)."""
        return len(self._log)

    @property
    def log(self) -> tuple[OrgEvent, ...]:
        """The changes read so far, in order."""
        return tuple(self._log)

    def refresh(self) -> OrgTree | None:
        """Read the log again; return the current tree (``None`` if nothing is stored).

        Raises:
            PersistenceError: a change cannot be read, or the log does not chain.
        """
        events = self._store.org_events()
        with self._lock:
            if [e.hash for e in events[: len(self._log)]] != [e.hash for e in self._log]:
                self._trees.clear()
            self._log = list(events)
        return self.tree_at(len(events)) if events else None

    def tree_at(self, seq: int) -> OrgTree:
        """The tree as it was after change ``seq`` (built once, then cached).

        Raises:
            ValidationError: no such change.
        """
        if type(seq) is not int or not 1 <= seq <= len(self._log):
            raise ValidationError("org", seq, f"no organisation change {seq} is stored")
        cached = self._trees.get(seq)
        if cached is not None:
            return cached
        start, tree = 0, None
        for n in range(seq, 0, -1):
            if n in self._trees:
                start, tree = n, self._trees[n]
                break
        for event in self._log[start:seq]:
            tree = self._apply(tree, event.op, event.data).with_seq(event.seq)
            self._trees[event.seq] = tree
        assert tree is not None
        return tree

    def _units(self, raw: Any, where: str) -> list[Unit]:
        if not isinstance(raw, list) or not raw:
            raise ValidationError(where, raw, "a non-empty list of units")
        return [self._codec.decode(item, Unit, f"{where}[{i}]") for i, item in enumerate(raw)]

    def _apply(self, tree: OrgTree | None, op: str, data: Mapping[str, Any]) -> OrgTree:
        """The tree after one change (pure; refuses a change that breaks the tree).

        Raises:
            ValidationError: the change is malformed, deletes a unit, or breaks the tree.
        """
        kinds = tree.kinds if tree is not None else None
        try:
            if op == "load":
                units = self._units(data.get("units"), "units")
                if tree is not None:
                    given = {u.id for u in units}
                    gone = [u.id for u in tree if u.id not in given]
                    if gone:
                        raise ValidationError(
                            "units",
                            ", ".join(gone),
                            "units are never deleted (their cases must stay readable): "
                            "merge them into another unit or mark them inactive",
                        )
                if kinds is None:
                    return OrgTree(units, self._ladder)
                return OrgTree(units, self._ladder, kinds)
            if tree is None:
                raise ValidationError("op", op, "load the organisation first")
            if op == "put":
                (unit,) = self._units([data.get("unit")], "unit")
                return tree.put(unit)
            if op == "merge":
                unit_id, into = data.get("unit"), data.get("into")
                if not isinstance(unit_id, str):
                    raise ValidationError("unit", unit_id, "merge names a unit and its successor")
                if not isinstance(into, str):
                    raise ValidationError("into", into, "merge names a unit and its successor")
                return tree.merge(unit_id, into)
        except DefinitionError as exc:
            raise ValidationError("units", op, str(exc)) from exc
        raise ValidationError("op", op, f"one of {', '.join(OPS)}")

    def change(
        self, op: str, data: Mapping[str, Any], actor: str, at: dt.datetime
    ) -> tuple[OrgTree, OrgEvent]:
        """Apply and store one change; return the new tree and its event.

        Raises:
            ValidationError: the change is refused (nothing is written).
            ConcurrentUpdateError: another process stored a change first (read
                the tree again and retry).
        """
        with self._lock:
            if self._log and at < self._log[-1].at:
                # As within a case (DESIGN.md: time never runs backwards): the log is the
                # organisation's history, read back at any past instant.
                last = self._log[-1].at.isoformat()
                raise ValidationError("at", at, f"an organisation change after the last ({last})")
            seq = len(self._log) + 1
            current = self.tree_at(seq - 1) if seq > 1 else None
            tree = self._apply(current, op, data).with_seq(seq)
            prev = self._log[-1].hash if self._log else ""
            canonical = json.loads(_codec.dumps(data))
            digest = org_hash(seq, op, canonical, actor, at.isoformat(), prev)
            event = OrgEvent(seq, op, canonical, actor, at, prev, digest)
            self._store.append_org(event)
            self._log.append(event)
            self._trees[seq] = tree
        return tree, event

    def verify(self, events: Sequence[OrgEvent] | None = None) -> str | None:
        """The first problem of the stored log (a broken chain, a change that does not apply)."""
        events = self._store.org_events() if events is None else events
        prev = ""
        tree: OrgTree | None = None
        for i, e in enumerate(events, start=1):
            if e.seq != i:
                return f"organisation change {i} is missing (found {e.seq})"
            if e.prev_hash != prev:
                return f"organisation change {i} does not chain to the previous one"
            if org_hash(e.seq, e.op, e.data, e.actor, e.at.isoformat(), prev) != e.hash:
                return f"organisation change {i}: content does not match its hash"
            try:
                tree = self._apply(tree, e.op, e.data)
            except ValidationError as exc:
                return f"organisation change {i} does not apply: {exc}"
            prev = e.hash
        return None
