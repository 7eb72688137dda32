"""Arrivals: Poisson streams per category, shaped by month, weekday and rest days.

A category's ``rate`` is its expected number of matters per calendar year.
Each day gets a weight — the month's factor times the weekday's factor on a
working day, or the rest-day factor on a rest day (weekends and the official
holidays of the policy calendar; a make-up working Saturday is a working
day) — and the day's expected count is the rate times its share of the
year's total weight. Each day's count is Poisson; arrival times fall
uniformly within office hours. A scripted stream lists its arrivals instead.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
import random
from collections.abc import Callable, Collection
from decimal import Decimal

import attrs

from mediation import OrgTree, Policy
from mediation.rules.calendar import DayKind
from mediation.simulation._routing import Matter, TriagePolicy, pick_track
from mediation.simulation._timeline import DAY, Timeline
from mediation.simulation._toml import Node

__all__ = ["Amount", "ArrivalStream", "Profile", "derive_seed", "generate", "poisson"]


def derive_seed(seed: int, *labels: object) -> int:
    """A seed for one purpose of one replication (the same on every platform and run)."""
    text = ":".join(str(x) for x in (seed, *labels)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson-distributed count with mean ``lam`` (exact, by products of uniforms)."""
    n = 0
    while lam > 500.0:
        n += poisson(rng, 500.0)
        lam -= 500.0
    if lam <= 0.0:
        return n
    limit = math.exp(-lam)
    p = rng.random()
    while p > limit:
        n += 1
        p *= rng.random()
    return n


@attrs.frozen(slots=True)
class Profile:
    """Seasonal and weekly shape of arrivals.

    Attributes:
        months: Factor per month (January first).
        weekdays: Factor per weekday on working days (Monday first; a make-up
            working Saturday uses Saturday's factor).
        rest_day: Factor on every rest day (weekends and official holidays).
    """

    months: tuple[float, ...] = (1.0,) * 12
    weekdays: tuple[float, ...] = (1.0,) * 7
    rest_day: float = 0.3

    @classmethod
    def parse(cls, node: Node, default: Profile | None = None) -> Profile:
        """A profile table (``months``, ``weekdays``, ``rest_day``); missing keys from ``default``."""
        base = default or cls()
        node.table({"months", "weekdays", "rest_day"})
        months = node.get("months").numbers(12) if node.has("months") else base.months
        weekdays = node.get("weekdays").numbers(7) if node.has("weekdays") else base.weekdays
        rest = node.get("rest_day", base.rest_day).number(low=0.0)
        if sum(months) <= 0 or (sum(weekdays) <= 0 and rest <= 0):
            raise node.fail("a profile with some positive factor")
        return cls(months, weekdays, rest)

    def weight(self, day: dt.date, kind: DayKind) -> float:
        """The day's weight."""
        factor = self.rest_day if kind is DayKind.rest else self.weekdays[day.weekday()]
        return self.months[day.month - 1] * factor


@attrs.frozen(slots=True)
class Amount:
    """Amount in dispute: log-normal with this median (yuan) and spread (``sigma`` 0: fixed)."""

    median: float
    sigma: float = 0.0

    def sample(self, rng: random.Random) -> Decimal:
        """Draw one amount, in whole yuan."""
        value = (
            self.median
            if self.sigma == 0.0
            else rng.lognormvariate(math.log(self.median), self.sigma)
        )
        return Decimal(round(value))


@attrs.frozen(slots=True)
class ArrivalStream:
    """The matters of one category.

    Attributes:
        category: The dispute category.
        rate: Expected matters per calendar year (Poisson streams).
        channels: (channel, share) pairs, shares adding up to 1.
        profile: Seasonal and weekly shape.
        amount: Amount in dispute, if any.
        skip_level: Share going straight to the county (越级); for petitions, the
            share of 越级走访 (the visit skips the competent level and the one above,
            《信访工作条例》第二十条第一款).
        scripted: Arrival instants of a scripted stream (empty: Poisson).
        receiving: Receiving units and weights, if not the scenario's.
        workflow: The workflow its matters are registered on (``None``: the
            scenario's; ``"petition"``: a 信访事项 brought to the petition office).
    """

    category: str
    rate: float
    channels: tuple[tuple[str, float], ...]
    profile: Profile
    amount: Amount | None = None
    skip_level: float = 0.0
    scripted: tuple[dt.datetime, ...] = ()
    receiving: tuple[tuple[str, float], ...] = ()
    workflow: str | None = None

    @classmethod
    def parse(
        cls,
        node: Node,
        category: str,
        policy: Policy,
        profile: Profile,
        org: OrgTree,
        start: dt.date,
        days: int,
        workflows: Collection[str] = (),
    ) -> ArrivalStream:
        """One ``[arrivals.<category>]`` table (``workflows``: the names ``workflow`` may take)."""
        node.table(
            {
                "rate",
                "process",
                "at",
                "channels",
                "amount",
                "skip_level",
                "profile",
                "receiving",
                "workflow",
            }
        )
        workflow = node.get("workflow").text(workflows) if node.has("workflow") else None
        process = node.get("process", "poisson").text({"poisson", "scripted"})
        scripted: tuple[dt.datetime, ...] = ()
        rate = 0.0
        if process == "poisson":
            if node.has("at"):
                raise node.get("at").fail("only a scripted stream lists its arrivals")
            rate = node.get("rate").number(low=0.0)
        else:
            if node.has("rate"):
                raise node.get("rate").fail("a scripted stream lists its arrivals in 'at'")
            scripted = tuple(
                _instant(item, policy, start, days) for item in node.get("at").entries()
            )
        channels = tuple(
            (channel, share.probability())
            for channel, share in node.get("channels", {"walk_in": 1.0})
            .table(policy.channels.keys())
            .items()
        )
        if abs(sum(s for _, s in channels) - 1.0) > 1e-9:
            raise node.get("channels").fail("channel shares add up to 1")
        amount = None
        if node.has("amount"):
            spec = node.get("amount")
            if spec.is_table():
                spec.table({"median", "sigma"})
                amount = Amount(
                    spec.get("median").number(low=1.0),
                    spec.get("sigma", 0.0).number(low=0.0, high=5.0),
                )
            else:
                amount = Amount(spec.number(low=0.0))
        receiving: tuple[tuple[str, float], ...] = ()
        if node.has("receiving"):
            receiving = tuple(
                (unit, w.number(low=0.0)) for unit, w in node.get("receiving").table().items()
            )
            if not receiving or sum(w for _, w in receiving) <= 0:
                raise node.get("receiving").fail("at least one unit with a positive weight")
        return cls(
            category=category,
            rate=rate,
            channels=channels,
            profile=Profile.parse(node.get("profile"), profile) if node.has("profile") else profile,
            amount=amount,
            skip_level=node.get("skip_level", 0.0).probability(),
            scripted=scripted,
            receiving=receiving,
            workflow=workflow,
        )


def _instant(node: Node, policy: Policy, start: dt.date, days: int) -> dt.datetime:
    value = node.instant()
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(9, 0))
    when = value.replace(tzinfo=policy.tz)
    first = dt.datetime.combine(start, dt.time(0), policy.tz)
    if not first <= when < first + dt.timedelta(days=days):
        raise node.fail(f"an arrival within the {days} days from {start.isoformat()}")
    return when


def _picker(pairs: tuple[tuple[str, float], ...]) -> Callable[[random.Random], str]:
    if len(pairs) == 1:
        only = pairs[0][0]
        return lambda _rng: only
    names = [name for name, _ in pairs]
    cumulative: list[float] = []
    total = 0.0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)

    def pick(rng: random.Random) -> str:
        i = bisect.bisect_right(cumulative, rng.random() * total)
        return names[min(i, len(names) - 1)]

    return pick


class _YearWeights:
    """Total profile weight of each calendar year (cached)."""

    def __init__(self, profile: Profile, policy: Policy) -> None:
        self.profile = profile
        self.policy = policy
        self.totals: dict[int, float] = {}

    def total(self, year: int) -> float:
        found = self.totals.get(year)
        if found is None:
            day = dt.date(year, 1, 1)
            found = 0.0
            while day.year == year:
                found += self.profile.weight(day, self.policy.calendar.day_kind(day))
                day += dt.timedelta(days=1)
            self.totals[year] = found
        return found


def generate(
    streams: tuple[ArrivalStream, ...],
    *,
    seed: int,
    days: int,
    scale: float,
    timeline: Timeline,
    policy: Policy,
    receiving: tuple[tuple[str, float], ...],
    triage: TriagePolicy | None = None,
) -> list[Matter]:
    """Every matter of a replication, in arrival order.

    The draws come from one stream seeded by ``seed`` in a fixed order, so two
    scenarios with the same arrivals and seed receive the same matters.
    """
    rng = random.Random(derive_seed(seed, "arrivals"))
    opens, span = timeline.opens, timeline.office_seconds
    default_unit = _picker(receiving)
    raw: list[tuple[int, int, ArrivalStream]] = []
    order = 0
    weights = {id(s.profile): _YearWeights(s.profile, policy) for s in streams}
    for day in range(days):
        date = timeline.date(day)
        kind = DayKind.work if timeline.working(day) else DayKind.rest
        for stream in streams:
            if stream.scripted or stream.rate == 0.0:
                continue
            year = weights[id(stream.profile)]
            total = year.total(date.year)
            lam = stream.rate * scale * stream.profile.weight(date, kind) / total if total else 0.0
            for _ in range(poisson(rng, lam)):
                raw.append((day * DAY + opens + int(rng.random() * span), order, stream))
                order += 1
    origin = timeline.origin
    for stream in streams:
        for when in stream.scripted:
            raw.append((int((when - origin).total_seconds()), order, stream))
            order += 1
    raw.sort(key=lambda r: (r[0], r[1]))
    pickers = {
        id(s): (_picker(s.channels), _picker(s.receiving) if s.receiving else default_unit)
        for s in streams
    }
    matters = []
    for index, (t, _, stream) in enumerate(raw):
        channel_of, unit_of = pickers[id(stream)]
        matters.append(
            Matter(
                index=index,
                t=t,
                category=stream.category,
                channel=channel_of(rng),
                unit=unit_of(rng),
                amount=stream.amount.sample(rng) if stream.amount is not None else None,
                skip_level=stream.skip_level > 0.0 and rng.random() < stream.skip_level,
                seed=derive_seed(seed, "matter", index),
                track=pick_track(triage or TriagePolicy(), stream.category, rng),
                workflow=stream.workflow,
            )
        )
    return matters
