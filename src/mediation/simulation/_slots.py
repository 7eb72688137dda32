"""Mediator slots: each mediating unit's capacity as a SimPy resource, and what it measured.

A unit has ``mediators × cases_each`` slots; a case in a busy state holds one
(and is assigned the least-loaded mediator); others wait in the unit's FIFO
queue. The slots record how long they were occupied and how long cases waited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    import simpy

    from mediation.simulation._sections import Capacity

__all__ = ["Held", "Slots"]

UNLIMITED = 10**9
"""Slots of a unit the scenario gives no capacity (it never makes a case wait)."""


@attrs.define(slots=True)
class Held:
    """A slot a case holds: where, since when, and which mediator (0-based)."""

    unit: str
    request: Any
    since: int
    mediator: int

    @property
    def mediator_id(self) -> str:
        """The mediator's id, as named in the ``mediators`` input (``<unit>/m1``...)."""
        return f"{self.unit}/m{self.mediator + 1}"


class Slots:
    """The mediator slots of every unit in one run.

    Args:
        env: The SimPy environment.
        capacity: Mediators per unit (units not listed are unlimited).
    """

    def __init__(self, env: simpy.Environment, capacity: Mapping[str, Capacity]) -> None:
        import simpy

        self.env = env
        self.capacity = capacity
        self._resource_type = simpy.Resource
        self._resources: dict[str, simpy.Resource] = {}
        self._load: dict[str, list[int]] = {}
        self._busy: Counter[str] = Counter()
        self._wait_total: Counter[str] = Counter()
        self._wait_count: Counter[str] = Counter()
        self._held: dict[int, Held] = {}

    def _resource(self, unit: str) -> simpy.Resource:
        found = self._resources.get(unit)
        if found is None:
            cap = self.capacity.get(unit)
            slots = cap.slots if cap is not None else UNLIMITED
            found = self._resources[unit] = self._resource_type(self.env, capacity=slots)
            self._load[unit] = [0] * (cap.mediators if cap is not None else 1)
        return found

    def acquire(self, unit: str) -> Generator[Any, Any, Held]:
        """Wait (in a SimPy process) for a free slot of ``unit``; return it."""
        request = self._resource(unit).request()
        asked = int(self.env.now)
        yield request
        now = int(self.env.now)
        self._wait_total[unit] += now - asked
        self._wait_count[unit] += 1
        load = self._load[unit]
        mediator = load.index(min(load))
        load[mediator] += 1
        held = Held(unit, request, now, mediator)
        self._held[id(held)] = held
        return held

    def release(self, held: Held) -> None:
        """Free a slot (the next case in the queue takes it at once)."""
        self._resources[held.unit].release(held.request)
        self._busy[held.unit] += int(self.env.now) - held.since
        self._load[held.unit][held.mediator] -= 1
        del self._held[id(held)]

    def busy_seconds(self, end: int) -> dict[str, int]:
        """Slot-seconds occupied per unit up to ``end`` (slots still held count until then)."""
        busy = Counter(self._busy)
        for held in self._held.values():
            busy[held.unit] += end - held.since
        return dict(busy)

    def waits(self) -> dict[str, tuple[int, int]]:
        """(seconds waited in all, number of waits) per unit."""
        return {u: (self._wait_total[u], self._wait_count[u]) for u in self._wait_count}
