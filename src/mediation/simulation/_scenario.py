"""Scenarios: a county, its mediators, arrivals, party behaviour and policy, in one TOML file.

A scenario is validated when it is loaded; every error is a
:class:`~mediation.ValidationError` whose ``field`` is the key path at fault
(``arrivals.neighbor.rate``). The format, key by key, is in the module
:mod:`mediation.simulation` and in ``examples/scenarios/baseline.toml``.
"""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from mediation import OrgTree, Policy, Unit, ValidationError
from mediation.simulation import _sections as read
from mediation.simulation._arrivals import ArrivalStream, Profile
from mediation.simulation._behaviour import WorkflowBehaviour
from mediation.simulation._distributions import KeySpace
from mediation.simulation._routing import Routing, TriagePolicy
from mediation.simulation._sections import Capacity
from mediation.simulation._toml import Node

__all__ = ["Capacity", "Scenario", "load_scenario", "parse_scenario"]

_TOP = frozenset(
    {
        "scenario",
        "units",
        "capacity",
        "receiving",
        "profile",
        "arrivals",
        "triage",
        "policy",
        "behaviour",
    }
)
_SCENARIO = frozenset(
    {
        "name",
        "title",
        "start",
        "days",
        "drain_days",
        "seed",
        "replications",
        "workflow",
        "org",
        "leaders",
        "office",
        "arrival_scale",
        "capacity_scale",
        "supervise_every_days",
        "confidence",
    }
)


@attrs.frozen(eq=False)
class Scenario:
    """A validated scenario (build it with :func:`load_scenario` or :func:`parse_scenario`).

    Attributes:
        name: Short name (file names, the ``scenario`` column of outputs).
        title: Display title (Chinese).
        start: First simulated day.
        days: Days of arrivals.
        drain_days: Days simulated after arrivals stop (cases go on).
        seed: Default seed.
        replications: Default number of replications.
        workflow: The workflow new matters run on.
        units: The organisation.
        office: Opening and closing time of a working day.
        arrival_scale: Multiplies every arrival rate.
        capacity: Mediators per mediating unit (after ``capacity_scale``).
        receiving: Receiving units and their weights (where matters arrive).
        arrivals: One stream per category.
        triage: The triage policy.
        policy: The engine policy (calendar, periods, callbacks, supervision), without the org.
        behaviours: Behaviour tables by workflow name, with the scenario's numbers.
        supervise_every_days: Run the engine's supervision (督办) scan and its scheduled steps
            (领导包案 reminders) every so many days (0: never).
        confidence: Confidence level of the intervals across replications.
        source: The parsed document (to derive variants for sweeps).
        base: The directory relative paths in it are read from.
    """

    name: str
    title: str
    start: dt.date
    days: int
    drain_days: int
    seed: int
    replications: int
    workflow: str
    units: tuple[Unit, ...]
    office: tuple[dt.time, dt.time]
    arrival_scale: float
    capacity: Mapping[str, Capacity]
    receiving: tuple[tuple[str, float], ...]
    arrivals: tuple[ArrivalStream, ...]
    triage: TriagePolicy
    policy: Policy
    behaviours: Mapping[str, WorkflowBehaviour]
    supervise_every_days: int
    confidence: float
    source: Mapping[str, Any] = attrs.field(repr=False)
    base: str = attrs.field(repr=False)

    @property
    def org(self) -> OrgTree:
        """The organisation as a tree."""
        return OrgTree(self.units, self.policy.ladder)

    @property
    def total_days(self) -> int:
        """Days simulated: arrivals plus drain."""
        return self.days + self.drain_days

    def engine_policy(self, *, with_org: bool = True) -> Policy:
        """The engine's policy, with the organisation (or without: stored in the database)."""
        return attrs.evolve(self.policy, org=self.org if with_org else None)

    def routing(self) -> Routing:
        """The triage policy over the organisation."""
        return Routing(self.org, self.triage)

    def key_space(self) -> KeySpace:
        """The names keyed values may use."""
        return read.key_space(self.policy)

    def variant(self, changes: Mapping[str, Any]) -> Scenario:
        """The scenario with values changed by dotted key (``capacity.town.mediators``).

        Raises:
            ValidationError: the changed document is not a valid scenario.
        """
        data = copy.deepcopy(dict(self.source))
        for dotted, value in changes.items():
            keys = dotted.split(".")
            node: Any = data
            for i, key in enumerate(keys[:-1]):
                child = node.setdefault(key, {})
                if not isinstance(child, dict):
                    raise ValidationError(".".join(keys[: i + 1]), child, "a table")
                node = child
            node[keys[-1]] = value
        return parse_scenario(data, base=self.base)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    A file may start from another: ``[scenario] extends = "baseline.toml"``
    (relative to the file) takes every table of that file and changes only
    what this one gives (tables merge key by key; other values replace).

    Raises:
        ValidationError: unreadable, not TOML, or not a valid scenario (naming the key).
    """
    p = Path(path).resolve()
    data = _read(p, ())
    return parse_scenario(data, base=str(p.parent))


def _read(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """A scenario document, with the file it extends merged under it."""
    if path in seen:
        raise ValidationError("scenario.extends", str(path), "a scenario cannot extend itself")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError("scenario", str(path), f"cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError("scenario", str(path), f"not valid TOML: {exc}") from exc
    head = data.get("scenario")
    if not isinstance(head, dict) or "extends" not in head:
        return data
    node = Node(head["extends"], "scenario.extends")
    parent = (path.parent / node.text()).resolve()
    base = _read(parent, (*seen, path))
    for key in ("org", "leaders"):
        if key in base.get("scenario", {}) and key not in head:
            # The path is relative to the file that names it.
            base["scenario"][key] = str(parent.parent / base["scenario"][key])
    del head["extends"]
    return _merge(base, data)


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        below = out.get(key)
        if isinstance(below, dict) and isinstance(value, dict):
            out[key] = _merge(below, value)
        else:
            out[key] = value
    return out


def parse_scenario(data: Mapping[str, Any], *, base: str = ".") -> Scenario:
    """Validate a parsed scenario document.

    Args:
        data: The document (as :mod:`tomllib` parses it).
        base: The directory ``scenario.org`` is relative to.

    Raises:
        ValidationError: naming the key path at fault.
    """
    root = Node(dict(data)).table(_TOP)
    head = root.get("scenario", {}).table(_SCENARIO)
    name = head.get("name").text()
    start = head.get("start").date()
    days = head.get("days").integer(low=1, high=36_600)
    office = read.office(head.get("office", ["08:30", "17:30"]))
    policy = read.policy(root.get("policy", {}))
    units = read.units(root, head, base)
    org = read.org_tree(units, policy)
    if head.has("leaders"):
        policy = read.leaders(head.get("leaders"), org, policy, base)
    workflow = head.get("workflow", "dispute").text(read.BEHAVIOURS.keys())
    space = read.key_space(policy)
    behaviours = read.behaviours(root.get("behaviour", {}), space)
    capacity = read.capacity(
        root.get("capacity", {}), org, head.get("capacity_scale", 1.0).number(low=0.001)
    )
    receiving = read.weights(root.get("receiving"), org)
    triage = read.triage(root.get("triage", {}), policy, org)
    Routing(org, triage)
    profile = Profile.parse(root.get("profile", {}))
    streams = tuple(
        ArrivalStream.parse(node, category, policy, profile, org, start, days, behaviours.keys())
        for category, node in root.get("arrivals").table(policy.categories.keys()).items()
    )
    if not streams:
        raise root.get("arrivals").fail("at least one category of arrivals")
    for stream in streams:
        for unit, _ in stream.receiving or receiving:
            read.check_receiving(org, unit, f"arrivals.{stream.category}.receiving")
    return Scenario(
        name=name,
        title=head.get("title", name).text(),
        start=start,
        days=days,
        drain_days=head.get("drain_days", 0).integer(low=0, high=36_600),
        seed=head.get("seed", 1).integer(low=0),
        replications=head.get("replications", 1).integer(low=1, high=10_000),
        workflow=workflow,
        units=tuple(units),
        office=office,
        arrival_scale=head.get("arrival_scale", 1.0).number(low=0.0),
        capacity=capacity,
        receiving=receiving,
        arrivals=streams,
        triage=triage,
        policy=policy,
        behaviours=behaviours,
        supervise_every_days=head.get("supervise_every_days", 0).integer(low=0),
        confidence=head.get("confidence", 0.95).number(low=0.5, high=0.999),
        source=dict(data),
        base=base,
    )
