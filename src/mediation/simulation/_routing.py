"""Where cases go: the arrivals' matters, the unit of each level and track, triage.

The routing is the scenario's triage policy (分流: by category, amount,
industry and track) applied to the organisation tree. A matter arrives where
the party goes: a village committee on the people's track, the organ of its
track otherwise (the police for administrative mediation, a court for
judicial), the county for a party going straight there (越级). Triage then
names the unit that should mediate it; the engine's rules check the move
(version 1: triage names the unit; version 2: a referral, 上报/转办).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal

import attrs

from mediation import Actor, OrgTree, Role, ValidationError

__all__ = [
    "MEDIATING_KINDS",
    "TRACK_KINDS",
    "Matter",
    "Routing",
    "TriagePolicy",
    "base_level",
    "pick_track",
]

TRACK_KINDS: Mapping[str, tuple[str, ...]] = {
    "people": ("committee", "industry_committee", "centre"),
    "administrative": ("police",),
    "judicial": ("court",),
}
"""Which kinds of unit mediate on each track (三调联动, 《信访工作条例》第三十七条), preferred first."""

MEDIATING_KINDS = tuple(sorted({k for kinds in TRACK_KINDS.values() for k in kinds}))
"""Unit kinds that mediate cases on some track (and so have mediators)."""


def base_level(org: OrgTree) -> str:
    """The org's lowest level (by its ladder) with an active unit that mediates: where a
    matter is first mediated unless the scenario says otherwise (小事不出村).

    Raises:
        ValidationError: the org has no mediating unit.
    """
    ranks = [org.ladder.rank(u.level) for u in org if u.active and u.kind in MEDIATING_KINDS]
    if not ranks:
        raise ValidationError("units", "", "no active unit that mediates")
    return org.ladder.levels[min(ranks)].name


@attrs.frozen(slots=True)
class Matter:
    """One arrival: a matter brought to a unit, and the cases it becomes.

    Attributes:
        index: Its number in arrival order (0, 1, 2...).
        t: Arrival time (virtual seconds).
        category: Dispute category.
        channel: Intake channel.
        unit: The village the parties live in (where a people's-track matter arrives).
        amount: Amount in dispute, in yuan, if any.
        skip_level: The party went straight to the county (越级).
        seed: Seed of the matter's own random stream.
        track: The track it is mediated on.
        workflow: The workflow it is registered on (``None``: the scenario's).
    """

    index: int
    t: int
    category: str
    channel: str
    unit: str
    amount: Decimal | None
    skip_level: bool
    seed: int
    track: str = "people"
    workflow: str | None = None


@attrs.frozen(slots=True)
class TriagePolicy:
    """分流: which level and track a new matter goes to.

    Attributes:
        levels: The lowest level per category (``default`` for the rest; without it,
            the org's lowest level that has a mediating unit: :func:`base_level`).
        amounts: (amount in yuan, level): a matter over the amount goes at least that high.
        industry: Categories sent to an industry committee of that category, where one exists.
        tracks: Track shares per category (``default`` for the rest).
    """

    levels: Mapping[str, str] = attrs.field(factory=dict)
    amounts: tuple[tuple[Decimal, str], ...] = ()
    industry: frozenset[str] = frozenset()
    tracks: Mapping[str, tuple[tuple[str, float], ...]] = attrs.field(
        factory=lambda: {"default": (("people", 1.0),)}
    )


def pick_track(policy: TriagePolicy, category: str, rng: random.Random) -> str:
    """Draw a matter's track from the policy's shares for its category."""
    shares = policy.tracks.get(category) or policy.tracks.get("default") or (("people", 1.0),)
    if len(shares) == 1:
        return shares[0][0]
    u = rng.random()
    acc = 0.0
    for name, share in shares:
        acc += share
        if u < acc:
            return name
    return shares[-1][0]


class Routing:
    """The triage policy applied to an organisation tree.

    Args:
        org: The units.
        policy: The triage policy.
    """

    def __init__(self, org: OrgTree, policy: TriagePolicy) -> None:
        self.org = org
        self.policy = policy
        self.ladder = org.ladder
        self._levels = [lv.name for lv in org.ladder.levels]
        self.base = base_level(org)
        self._units: dict[tuple[str, str, str], str | None] = {}
        self._actors: dict[tuple[str, str], Actor] = {}
        self.industry: dict[str, str] = {}
        for category in sorted(policy.industry):
            found = org.find(kind="industry_committee", category=category)
            if found:
                self.industry[category] = found[0].id

    def rank(self, level: str) -> int:
        """The level's rung (0 = lowest)."""
        return self.ladder.rank(level)

    def unit_for(self, origin: str, level: str, track: str = "people") -> str | None:
        """The unit that mediates on ``track`` at ``level`` for matters from ``origin``.

        The nearest ancestor at that level if it runs the track, else its child
        at the same level of the track's kinds (preferred in :data:`TRACK_KINDS`
        order); ``None`` when there is none.
        """
        key = (origin, level, track)
        if key in self._units:
            return self._units[key]
        kinds = TRACK_KINDS.get(track, TRACK_KINDS["people"])
        found: str | None = None
        anchor = self.org.at_level(origin, level)
        if anchor is not None:
            if anchor.kind in kinds and anchor.active:
                found = anchor.id
            else:
                below = [c for c in self.org.children(anchor.id) if c.level == level and c.active]
                for kind in kinds:
                    match = [c for c in below if c.kind == kind]
                    if match:
                        found = match[0].id
                        break
        self._units[key] = found
        return found

    def next_level(self, origin: str, level: str, track: str = "people") -> str | None:
        """The next level up with a unit of ``track`` for ``origin``'s matters."""
        for above in self._levels[self.rank(level) + 1 :]:
            if self.unit_for(origin, above, track) is not None:
                return above
        return None

    def first_level(self, origin: str, level: str, track: str = "people") -> str:
        """``level`` or the first level above it with a unit of ``track``.

        Raises:
            ValidationError: there is none.
        """
        if self.unit_for(origin, level, track) is not None:
            return level
        above = self.next_level(origin, level, track)
        if above is None:
            raise ValidationError("unit", origin, f"no unit runs the {track} track above it")
        return above

    def top_level(self, origin: str, track: str = "people") -> str:
        """The highest level with a unit of ``track`` for ``origin``'s matters."""
        for level in reversed(self._levels):
            if self.unit_for(origin, level, track) is not None:
                return level
        raise ValidationError("unit", origin, f"no unit runs the {track} track above it")

    def arrival_unit(self, matter: Matter) -> str:
        """Where the matter is registered: the parties' village on the people's track (the
        county for a party going straight there); on another track, the organ that runs
        it at the level triage needs (a party files with the court or the police; moving a
        case between organs of a line, 条, is not a referral between levels)."""
        origin = matter.unit
        if matter.track != "people":
            return self.triage(matter, None)[1]
        if matter.skip_level:
            level = self.top_level(origin, matter.track)
        else:
            level = self.first_level(origin, self.org.level_of(origin), matter.track)
        found = self.unit_for(origin, level, matter.track)
        assert found is not None
        return found

    def petition_unit(self, origin: str, kinds: frozenset[str], track: str = "people") -> str:
        """Where a petition on a matter from ``origin`` is registered: the nearest unit of a
        petition-office kind (``kinds``, the policy's 信访部门, 《信访工作条例》第二十二条)
        among ``origin``'s ancestors and the units stationed beside them, else (an org
        without one) the highest unit of ``track``, where a party going straight up goes.
        """
        key = (origin, "petition", track)
        if key in self._units:
            found = self._units[key]
            assert found is not None
            return found
        org = self.org
        found = None
        for anchor in org.ancestors(origin):
            if org.get(anchor).kind in kinds and org.get(anchor).active:
                found = anchor
                break
            beside = sorted(c.id for c in org.children(anchor) if c.kind in kinds and c.active)
            if beside:
                found = beside[0]
                break
        if found is None:
            found = self.unit_for(origin, self.top_level(origin, track), track)
        assert found is not None
        self._units[key] = found
        return found

    def triage(self, matter: Matter, floor: str | None) -> tuple[str, str]:
        """(level, unit) that should mediate a matter's case (``floor``: the lowest level)."""
        origin, track = matter.unit, matter.track
        if floor is None and matter.skip_level:
            floor = self.top_level(origin, track)
        if floor is None and track == "people" and matter.category in self.industry:
            unit = self.industry[matter.category]
            return self.org.level_of(unit), unit
        policy = self.policy
        level = policy.levels.get(matter.category, policy.levels.get("default", self.base))
        if matter.amount is not None:
            for threshold, at_least in policy.amounts:
                if matter.amount > threshold and self.rank(at_least) > self.rank(level):
                    level = at_least
        if floor is not None and self.rank(floor) > self.rank(level):
            level = floor
        level = self.first_level(origin, level, track)
        found = self.unit_for(origin, level, track)
        assert found is not None
        return level, found

    def actor(self, unit: str, role: str) -> Actor:
        """A member of ``unit`` in ``role`` (one per unit and role)."""
        key = (unit, role)
        found = self._actors.get(key)
        if found is None:
            found = Actor(f"{role}@{unit}", frozenset({role}), unit, f"{unit}{Role(role).label}")
            self._actors[key] = found
        return found

    def common(self, a: str, b: str) -> str:
        """The nearest unit whose subtree holds both ``a`` and ``b``."""
        mine = self.org.ancestors(a)
        theirs = set(self.org.ancestors(b))
        for unit in mine:
            if unit in theirs:
                return unit
        return mine[-1]
