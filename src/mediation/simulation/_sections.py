"""The tables of a scenario file, each read into its value (errors name the key path)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs

from mediation import (
    CallbackPolicy,
    DefinitionError,
    Engine,
    OrgTree,
    PeriodRule,
    Policy,
    Unit,
    ValidationError,
)
from mediation.rules.baoan import BaoanPolicy
from mediation.rules.baoan_reception import roster_from_file
from mediation.rules.counting import PeriodUnit
from mediation.rules.org import units_from_data, units_from_file
from mediation.rules.periods import PERIODS
from mediation.rules.supervision import SupervisionPolicy
from mediation.simulation._behaviour import WorkflowBehaviour
from mediation.simulation._dispute import dispute_behaviour
from mediation.simulation._distributions import KeySpace
from mediation.simulation._petition import petition_behaviour
from mediation.simulation._routing import MEDIATING_KINDS, TriagePolicy, base_level
from mediation.simulation._toml import Node

__all__ = [
    "BEHAVIOURS",
    "Capacity",
    "behaviours",
    "capacity",
    "check_receiving",
    "key_space",
    "leaders",
    "mediating",
    "office",
    "org_tree",
    "policy",
    "triage",
    "units",
    "weights",
]

BEHAVIOURS = {"dispute": dispute_behaviour, "petition": petition_behaviour}
"""Built-in behaviour tables by workflow name."""


@attrs.frozen(slots=True)
class Capacity:
    """A unit's mediators and how many cases each holds at once.

    Attributes:
        mediators: Mediators (调解员) available.
        cases_each: Cases one mediator works on at the same time.
    """

    mediators: int = 1
    cases_each: int = 5

    @property
    def slots(self) -> int:
        """Cases the unit mediates at the same time; more wait in its queue."""
        return self.mediators * self.cases_each


def key_space(policy: Policy) -> KeySpace:
    """The names keyed values may use: the policy's levels, tracks and categories."""
    return KeySpace(
        frozenset(lv.name for lv in policy.ladder.levels),
        frozenset(policy.tracks),
        frozenset(policy.categories),
    )


def office(node: Node) -> tuple[dt.time, dt.time]:
    items = list(node.entries())
    if len(items) != 2:
        raise node.fail('[opening, closing], e.g. ["08:30", "17:30"]')
    opens, closes = items[0].clock_time(), items[1].clock_time()
    if closes <= opens:
        raise items[1].fail("closing comes after opening")
    return opens, closes


def units(root: Node, head: Node, base: str) -> list[Unit]:
    if root.has("units"):
        if head.has("org"):
            raise head.get("org").fail("give either scenario.org or [[units]], not both")
        return units_from_data(root.get("units").value)
    node = head.get("org")
    path = Path(base) / node.text()
    try:
        return units_from_file(path)
    except ValidationError as exc:
        if exc.field == "units" and exc.value == str(path):
            raise node.fail(exc.rule) from exc
        raise ValidationError(
            f"{node.path} ({path.name}): {exc.field}", exc.value, exc.rule
        ) from exc


def leaders(node: Node, org: OrgTree, policy: Policy, base: str) -> Policy:
    """``scenario.leaders``: the 领导包案 roster file (its leaders' units checked against the org).

    Raises:
        ValidationError: naming ``scenario.leaders`` (and the roster's key at fault).
    """
    path = Path(base) / node.text()
    try:
        roster = roster_from_file(path, org)
    except ValidationError as exc:
        if exc.field == "leaders" and exc.value == str(path):
            raise node.fail(exc.rule) from exc
        raise ValidationError(
            f"{node.path} ({path.name}): {exc.field}", exc.value, exc.rule
        ) from exc
    baoan = attrs.evolve(policy.part(BaoanPolicy), roster=roster)
    parts = [v for k, v in policy.parts.items() if k is not BaoanPolicy]
    return attrs.evolve(policy, parts=[*parts, baoan])


def org_tree(units: list[Unit], policy: Policy) -> OrgTree:
    try:
        return OrgTree(units, policy.ladder)
    except DefinitionError as exc:
        raise ValidationError("scenario.org", None, str(exc)) from exc


def mediating(org: OrgTree) -> list[Unit]:
    return [u for u in org if u.active and u.kind in MEDIATING_KINDS]


def capacity(node: Node, org: OrgTree, scale: float) -> dict[str, Capacity]:
    levels = {lv.name for lv in org.ladder.levels}
    node.table(levels | {"units"})

    def parse(spec: Node, default: Capacity) -> Capacity:
        spec.table({"mediators", "cases_each"})
        return Capacity(
            spec.get("mediators", default.mediators).integer(low=1, high=100_000),
            spec.get("cases_each", default.cases_each).integer(low=1, high=1_000),
        )

    by_level = {level: parse(spec, Capacity()) for level, spec in node.items() if level != "units"}
    overrides: dict[str, Capacity] = {}
    for unit_id, spec in node.get("units", {}).table().items():
        if unit_id not in org or org.get(unit_id).kind not in MEDIATING_KINDS:
            raise spec.fail(f"unknown mediating unit {unit_id!r}")
        overrides[unit_id] = parse(spec, by_level.get(org.get(unit_id).level, Capacity()))
    out = {}
    for unit in mediating(org):
        cap = overrides.get(unit.id) or by_level.get(unit.level, Capacity())
        if scale != 1.0:
            cap = attrs.evolve(cap, mediators=max(1, round(cap.mediators * scale)))
        out[unit.id] = cap
    return out


def check_receiving(org: OrgTree, unit: str, where: str) -> None:
    if unit not in org or not org.get(unit).active:
        raise ValidationError(where, unit, "unknown or inactive unit")


def weights(node: Node, org: OrgTree) -> tuple[tuple[str, float], ...]:
    if node.value is None:
        try:
            base = base_level(org)
        except ValidationError:
            raise node.fail("no committee to receive matters: give [receiving]") from None
        lowest = [u for u in mediating(org) if u.level == base]
        return tuple((u.id, 1.0) for u in lowest)
    weights = tuple((unit, spec.number(low=0.0)) for unit, spec in node.table().items())
    for unit, _ in weights:
        check_receiving(org, unit, node.path)
    if not weights or sum(w for _, w in weights) <= 0:
        raise node.fail("at least one unit with a positive weight")
    return weights


def triage(node: Node, policy: Policy, org: OrgTree) -> TriagePolicy:
    node.table({"levels", "amounts", "industry", "tracks"})
    levels_known = {lv.name for lv in policy.ladder.levels}
    categories = set(policy.categories) | {"default"}
    levels: dict[str, str] = {}  # without "default", routing starts at base_level(org)
    for key, spec in node.get("levels", {}).table(categories).items():
        levels[key] = spec.text(levels_known)
    amounts = []
    for spec in node.get("amounts", []).entries():
        spec.table({"over", "level"})
        amounts.append(
            (Decimal(str(spec.get("over").number(low=0))), spec.get("level").text(levels_known))
        )
    industry = frozenset(
        spec.text(policy.categories.keys()) for spec in node.get("industry", []).entries()
    )
    tracks: dict[str, tuple[tuple[str, float], ...]] = {"default": (("people", 1.0),)}
    for key, spec in node.get("tracks", {}).table(categories).items():
        shares = tuple(
            (track, share.probability())
            for track, share in spec.table(policy.tracks.keys()).items()
        )
        if abs(sum(s for _, s in shares) - 1.0) > 1e-9:
            raise spec.fail("track shares add up to 1")
        tracks[key] = shares
    return TriagePolicy(levels, tuple(sorted(amounts)), industry, tracks)


def policy(node: Node) -> Policy:
    node.table({"callbacks", "periods", "supervision"})
    base = Policy()
    cb = node.get("callbacks", {}).table({"after_agreement", "after_failure"})
    callbacks = CallbackPolicy(
        cb.get("after_agreement", base.callbacks.after_agreement).integer(low=0, high=20),
        cb.get("after_failure", base.callbacks.after_failure).integer(low=0, high=20),
    )
    periods: dict[str, PeriodRule] = dict(PERIODS)
    for period_id, spec in node.get("periods", {}).table(PERIODS.keys()).items():
        spec.table({"length", "unit", "soft"})
        rule = periods[period_id]
        periods[period_id] = attrs.evolve(
            rule,
            length=spec.get("length", rule.length).integer(low=1, high=10_000),
            unit=PeriodUnit(spec.get("unit", rule.unit.value).text({u.value for u in PeriodUnit})),
            soft=spec.get("soft", rule.soft).boolean(),
        )
    sv = node.get("supervision", {}).table({"raise_to_superior", "baoan_after", "reply_days"})
    default = SupervisionPolicy()
    baoan = sv.get("baoan_after", default.baoan_after)
    supervision = SupervisionPolicy(
        sv.get("raise_to_superior", default.raise_to_superior).boolean(),
        None if baoan.value is None or baoan.value == 0 else baoan.integer(low=1),
        sv.get("reply_days", default.reply_days).integer(low=1, high=365),
    )
    return attrs.evolve(base, periods=periods, callbacks=callbacks, supervision=supervision)


def behaviours(node: Node, space: KeySpace) -> dict[str, WorkflowBehaviour]:
    """The built-in tables, each for its workflow's latest version, with the scenario's numbers.

    Raises:
        DefinitionError: a table does not fit its workflow as registered.
        ValidationError: a bad ``[behaviour...]`` value (naming the key).
    """
    engine = Engine.in_memory()
    out = {}
    for name, factory in BEHAVIOURS.items():
        definition = engine.definition(name)
        table = factory(definition)
        table.validate(definition)
        out[name] = table
    for name, spec in node.table(out.keys()).items():
        out[name] = out[name].override(spec, space)
    for table in out.values():
        table.check_sums(space, node.path)
    return out
