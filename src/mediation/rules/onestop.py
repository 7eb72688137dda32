"""最多跑一地: a party received at a one-stop centre is never sent to a second place.

A one-stop centre (县级矛调中心 / 综治中心, :attr:`UnitKind.centre`) has
departments stationed at it (入驻: court, procuratorate, police, justice bureau,
petition bureau, labour arbitration, industry committees — ``Unit.centre``).
A party received there registers once (一案一码); a hand-off to a department
stationed at the same centre is internal, the party stays where they are.

The case carries the ``onestop`` overlay (:class:`OneStop`): the centre, every
place the party was asked to go, and the permits for a second place. The
:data:`~mediation.workflows.onestop.ONESTOP_HOOK` runs on every step of every
workflow: a step that moves the case to a unit outside the centre, or hands it
to one (``ctx.open_case``), is refused unless a permit (step ``onestop_permit``,
with a reason of the policy's vocabulary) names that unit; the permitted move
is recorded as a breach, counted in the statistics (:func:`stats`).

Sources: 《信访工作条例》第十八条第三款 (联合接访，"一站式解决信访问题"),
第二十条第四款 (就地解决); RULES.md §7.2 ("只进一扇门、最多跑一地", PRACTICE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from mediation.model import Case, Unit, evolve
from mediation.rules.base import ALLOW, Context, Decision, OpenCase, field, refuse, refuse_input
from mediation.rules.org import OrgTree
from mediation.rules.vocabulary import Vocabulary

__all__ = [
    "BASIS",
    "DEFAULT_REASONS",
    "OVERLAY",
    "OneStop",
    "OneStopPolicy",
    "OneStopStats",
    "Permit",
    "PermitInputs",
    "PlaceRecord",
    "carry",
    "check_send",
    "check_step",
    "concerns",
    "on_permit",
    "on_step",
    "permit_guard",
    "places_visited",
    "record_send",
    "start",
    "stats",
    "statutory_route",
]

OVERLAY = "onestop"
"""The overlay's name on a case."""

BASIS = "《信访工作条例》第十八条第三款、第二十条第四款；最多跑一地（RULES.md §7.2，地方实践）"
"""What a refusal cites."""

DEFAULT_REASONS = Vocabulary(
    "onestop_reason",
    {
        "statutory_jurisdiction": "法律规定由中心以外的机关管辖",
        "higher_authority": "依法须由上级机关处理（复查、复核等）",
        "on_site": "须到现场调查处理",
        "party_choice": "当事人自愿选择到其他地方办理",
    },
)
"""Reasons a party may be sent to a second place (PRACTICE: configure per locality)."""


@attrs.frozen(slots=True)
class OneStopPolicy:
    """How 最多跑一地 is applied (PRACTICE, RULES.md §7.2: configure per locality).

    Attributes:
        attach: A case received in person at a one-stop centre becomes a
            one-stop case by itself; ``False``: only cases registered with the
            overlay (``intake(overlays=...)``) are.
        channels: The channels by which a party comes in person (a letter or an
            online petition sends nobody anywhere).
        allow_breach: A second place may be permitted with a reason (then counted
            as a breach); ``False``: never.
        reasons: The reasons a permit may give.
        max_breaches: Second places one case may have at most (``None``: no cap).
    """

    attach: bool = True
    channels: frozenset[str] = frozenset({"walk_in"})
    allow_breach: bool = True
    reasons: Vocabulary = DEFAULT_REASONS
    max_breaches: int | None = 2


@attrs.frozen(slots=True)
class PlaceRecord:
    """A place the party was asked to go (or a hand-off inside the centre).

    Attributes:
        unit: The unit the case went to.
        place: The place the party goes: the centre for a stationed department,
            else the unit itself.
        at: When.
        via: How: ``intake``, ``move`` (the case moved), ``hand_off`` (a linked
            case opened there) or the input of a step that told the party to go.
        internal: A hand-off inside the centre (the party goes nowhere).
        reason: For a second place: the permit's reason code.
    """

    unit: str
    place: str
    at: dt.datetime
    via: str
    internal: bool = True
    reason: str = ""


@attrs.frozen(slots=True)
class Permit:
    """Permission to send the party to a second place, once, for a reason.

    Attributes:
        unit: The unit outside the centre.
        reason: A code of the policy's reasons.
        note: Why, in words.
        at: When it was given.
        by: Who gave it (actor id).
        used: Whether a hand-off has used it.
    """

    unit: str
    reason: str
    note: str
    at: dt.datetime
    by: str
    used: bool = False


@attrs.frozen(slots=True)
class OneStop:
    """The ``onestop`` overlay: the centre a party was received at, and where they were sent.

    Attributes:
        centre: The one-stop centre's unit id.
        current: The unit holding the case as last recorded.
        places: Every hand-off and place, the centre itself first.
        permits: Permits for a second place.
    """

    centre: str
    current: str
    places: tuple[PlaceRecord, ...] = ()
    permits: tuple[Permit, ...] = ()

    @property
    def places_visited(self) -> int:
        """How many places the party was asked to go (the centre counts once); the organs a
        petitioner takes a 复查 or 复核 request to (their statutory right) are not counted."""
        return len({p.place for p in self.places if p.reason != STATUTORY})

    def handed_on(self, unit: str) -> bool:
        """Whether the matter went on from the case at ``unit`` to a case opened elsewhere
        (its last hand-off is to another unit): the party's places are then counted once, on
        the case the matter ended in, which carries them all (RULES.md §7.2)."""
        last = next((p for p in reversed(self.places) if p.via == "hand_off"), None)
        return last is not None and last.unit != unit

    @property
    def breaches(self) -> tuple[PlaceRecord, ...]:
        """The second places (each with its permit's reason); not the statutory review."""
        return tuple(p for p in self.places if not p.internal and p.reason != STATUTORY)


@attrs.frozen(slots=True)
class PermitInputs:
    """准予另行前往: the unit outside the centre, the reason (policy vocabulary), a note."""

    to: str = field("前往单位")
    reason: str = field("理由")
    note: str = field("说明", default="")


def _found(case: Case) -> OneStop | None:
    value = case.overlays.get(OVERLAY)
    return value if isinstance(value, OneStop) else None


def places_visited(case: Case) -> int | None:
    """The places a party of a one-stop case was asked to go (``None``: not a one-stop case)."""
    found = _found(case)
    return None if found is None else found.places_visited


def _centre(org: OrgTree, unit: str) -> Unit | None:
    return org.centre_of(unit) if unit in org else None


def start(case: Case, ctx: Context[Any], unit: str | None = None) -> OneStop | None:
    """The overlay a case received in person at ``unit`` (default its own) starts with, if
    that is at a centre (and the policy attaches it)."""
    org = ctx.policy.org
    policy = ctx.policy.part(OneStopPolicy)
    if org is None or not policy.attach or case.channel not in policy.channels:
        return None
    where = unit or case.unit
    centre = _centre(org, where)
    if centre is None:
        return None
    first = PlaceRecord(where, centre.id, ctx.at, "intake")
    return OneStop(centre.id, where, (first,))


def _visit(
    state: OneStop, org: OrgTree, unit: str, ctx: Context[Any], via: str
) -> OneStop | Decision:
    """``state`` after sending the party to ``unit``, or the refusal."""
    centre = _centre(org, unit)
    if centre is not None and centre.id == state.centre:
        record = PlaceRecord(unit, state.centre, ctx.at, via)
        return evolve(state, current=unit, places=(*state.places, record))
    if any(p.unit == unit and p.reason == STATUTORY for p in state.places):
        # The petitioner's own request for review there (:func:`statutory_route`).
        return evolve(state, current=unit)
    permit = next((p for p in state.permits if p.unit == unit and not p.used), None)
    name = org.get(unit).name if unit in org else unit
    if permit is None:
        return refuse(
            "onestop",
            f"当事人已在{org.get(state.centre).name}登记受理，不得要求其另行前往{name}"
            f"（最多跑一地）；确需前往的，须先经批准并说明理由（onestop_permit）",
            BASIS,
        )
    permits = tuple(evolve(p, used=True) if p is permit else p for p in state.permits)
    record = PlaceRecord(unit, unit, ctx.at, via, internal=False, reason=permit.reason)
    return evolve(state, current=unit, places=(*state.places, record), permits=permits)


STATUTORY = "statutory_review"
"""A place's reason when the petitioner took a 复查 or 复核 request there."""


def statutory_route(case: Case, ctx: Context[Any], unit: str) -> Case:
    """Record that a one-stop petitioner takes a request for 复查 or 复核 to ``unit``: their
    statutory right (《信访工作条例》第三十五条、第三十六条), which a practice rule does not
    refuse — no permit, not a breach, not a second place in the one-place rate."""
    state = _found(case)
    if state is None:
        return case
    record = PlaceRecord(unit, unit, ctx.at, "request_review", internal=False, reason=STATUTORY)
    state = evolve(state, places=(*state.places, record))
    return evolve(case, overlays=case.overlays.set(OVERLAY, state))


def _moves(before_unit: str | None, after: Case, ctx: Context[Any]) -> list[tuple[str, str]]:
    """The units a step sends the case to: a move of the case, and each case it opens."""
    out = [(after.unit, "move")] if before_unit is not None and after.unit != before_unit else []
    out.extend((f.unit, "hand_off") for f in ctx.follow_ups if isinstance(f, OpenCase))
    return out


def _first_centre(before_unit: str | None, after: Case, org: OrgTree) -> str | None:
    """Where a case without the overlay is received at a centre at this step, if it is: its
    first step after intake, from a centre or to one. Only a case registered at a centre is
    a one-stop case (a case referred to the centre later was received elsewhere)."""
    if after.version != 1:
        return None
    if before_unit is not None and _centre(org, before_unit) is not None:
        return before_unit
    if after.unit != before_unit and _centre(org, after.unit) is not None:
        return after.unit
    return None


def _run(before_unit: str | None, after: Case, ctx: Context[Any]) -> OneStop | Decision | None:
    """The overlay after a step (``None``: not a one-stop case), or why the step is refused.

    A case registered without the overlay (its workflow's intake does not know
    最多跑一地) becomes a one-stop case at its first step if it was received
    in person at a centre.
    """
    org = ctx.policy.org
    if org is None:
        return None
    state = _found(after)
    if state is None:
        where = _first_centre(before_unit, after, org)
        state = None if where is None else start(after, ctx, where)
        if state is None:
            return None
        before_unit = where
    else:
        before_unit = state.current
    for unit, via in _moves(before_unit, after, ctx):
        found = _visit(state, org, unit, ctx, via)
        if isinstance(found, Decision):
            return found
        state = found
    # A hand-off by a linked case does not move this case: it stays where it is.
    return evolve(state, current=after.unit)


def concerns(case: Case) -> bool:
    """Whether a step on ``case`` (as decided, before its new state) may concern 最多跑一地:
    it is a one-stop case, or this is its first step after intake, where a case received
    at a centre becomes one (:func:`_run`). Every other case skips the hook."""
    return OVERLAY in case.overlays or case.version == 1


def check_step(before: Case, after: Case, ctx: Context[Any]) -> Decision:
    """Refuse a step that sends a one-stop party to a second place without a permit.

    Source: :data:`BASIS` (最多跑一地, 只进一扇门).
    """
    org = ctx.policy.org
    if _found(after) is None and (org is None or _first_centre(before.unit, after, org) is None):
        return ALLOW  # not a one-stop case, nor one from this step (:func:`_run`)
    found = _before_unit(before, after)
    result = _run(found, after, ctx)
    if isinstance(result, Decision):
        return result
    return ALLOW


def _before_unit(before: Case, after: Case) -> str | None:
    state = _found(after)
    return state.current if state is not None else before.unit


def on_step(case: Case, ctx: Context[Any]) -> Case:
    """Record the places a step sent the party (after :func:`check_step` allowed it)."""
    state = _found(case)
    org = ctx.policy.org
    if state is None and (org is None or _first_centre(None, case, org) is None):
        return case  # not a one-stop case, nor one from this step (:func:`_run`)
    before_unit = state.current if state is not None else None
    result = _run(before_unit, case, ctx)
    if result is None or isinstance(result, Decision) or result == state:
        return case
    return evolve(case, overlays=case.overlays.set(OVERLAY, result))


def check_send(case: Case, ctx: Context[Any], unit: str, what: str) -> Decision:
    """Refuse telling a one-stop party to go to ``unit`` (a diversion, guidance) without a permit.

    Args:
        case: The case.
        ctx: The step's context.
        unit: Where the party would be told to go.
        what: The input naming it (the refusal names this field).
    """
    state = _found(case)
    org = ctx.policy.org
    if state is None or org is None:
        return ALLOW
    if unit not in org:
        return refuse_input("onestop", what, unit, "unknown unit (not in the org tree)")
    found = _visit(state, org, unit, ctx, what)
    if isinstance(found, Decision):
        return refuse_input("onestop", what, unit, found.reason, found.basis)
    return ALLOW


def record_send(case: Case, ctx: Context[Any], unit: str, what: str) -> Case:
    """Record that a one-stop party was told to go to ``unit`` (after :func:`check_send`)."""
    state = _found(case)
    org = ctx.policy.org
    if state is None or org is None:
        return case
    found = _visit(state, org, unit, ctx, what)
    if isinstance(found, Decision):  # the guard refused it already
        return case
    return evolve(case, overlays=case.overlays.set(OVERLAY, evolve(found, current=state.current)))


def carry(case: Case, ctx: Context[Any], unit: str) -> Mapping[str, Any]:
    """The overlays a case handed to ``unit`` starts with: every overlay of ``case``, the
    one-stop record updated with the hand-off (the hook checks it on ``case``)."""
    out = dict(case.overlays.items())
    state = _found(case)
    org = ctx.policy.org
    if state is not None and org is not None:
        found = _visit(state, org, unit, ctx, "hand_off")
        if not isinstance(found, Decision):
            out[OVERLAY] = found
    return out


def permit_guard(case: Case, ctx: Context[PermitInputs]) -> Decision:
    """A second place only if the policy allows it, for one of its reasons, within its cap.

    Source: :data:`BASIS`.
    """
    policy = ctx.policy.part(OneStopPolicy)
    given = ctx.inputs
    org = ctx.policy.org
    if org is None:
        return refuse("onestop_permit", "未配置组织机构，无法判断是否属于矛调中心入驻单位", BASIS)
    if not policy.allow_breach:
        return refuse("onestop_permit", "本地政策不允许要求当事人另行前往其他地方", BASIS)
    if given.reason not in policy.reasons:
        return refuse_input(
            "onestop_permit",
            "reason",
            given.reason,
            f"unknown reason; one of {', '.join(policy.reasons)}",
            BASIS,
        )
    if given.to not in org:
        return refuse_input("onestop_permit", "to", given.to, "unknown unit (not in the org tree)")
    state = _found(case) or start(case, ctx)
    if state is None:
        return refuse("onestop_permit", "本案不是在矛调中心（综治中心）登记受理的案件", BASIS)
    centre = _centre(org, given.to)
    if centre is not None and centre.id == state.centre:
        return refuse_input(
            "onestop_permit", "to", given.to, "该单位入驻本中心，移交属于中心内部流转，无须批准"
        )
    pending = sum(1 for p in state.permits if not p.used)
    cap = policy.max_breaches
    if cap is not None and len(state.breaches) + pending >= cap:
        return refuse("onestop_permit", f"本案另行前往其他地方已达上限（{cap}处）", BASIS)
    return ALLOW


def on_permit(case: Case, ctx: Context[PermitInputs]) -> Case:
    """Record the permit (the next hand-off to that unit uses it and counts as a breach)."""
    state = _found(case) or start(case, ctx)
    assert state is not None  # the guard checked it
    given = ctx.inputs
    permit = Permit(given.to, given.reason, given.note, ctx.at, ctx.actor.id)
    state = evolve(state, permits=(*state.permits, permit))
    return evolve(case, overlays=case.overlays.set(OVERLAY, state))


@attrs.frozen(slots=True)
class OneStopStats:
    """最多跑一地 figures of one centre.

    Attributes:
        centre: The centre.
        cases: One-stop cases received there.
        resolved: Those resolved (closed).
        one_place: Resolved cases whose party went to one place only.
        breaches: Second places recorded, over all its cases.
    """

    centre: str
    cases: int
    resolved: int
    one_place: int
    breaches: int

    @property
    def share(self) -> float:
        """The share of resolved cases resolved with one place (1.0 when none is resolved)."""
        return 1.0 if self.resolved == 0 else self.one_place / self.resolved


def stats(cases: Iterable[Case], *, resolved: Callable[[Case], bool]) -> dict[str, OneStopStats]:
    """Per centre: one-stop cases, those resolved, those resolved with one place, breaches.

    Args:
        cases: Any cases (those without the overlay are skipped).
        resolved: Whether a case counts as resolved (e.g. closed in its workflow).
    """
    table: dict[str, list[int]] = {}
    for case in cases:
        state = _found(case)
        if state is None:
            continue
        row = table.setdefault(state.centre, [0, 0, 0, 0])
        row[0] += 1
        row[3] += len(state.breaches)
        if resolved(case):
            row[1] += 1
            row[2] += state.places_visited == 1
    return {c: OneStopStats(c, *row) for c, row in sorted(table.items())}
