"""Properties of referral and 三调联动 hand-offs (issue 10, "How it is checked"):

- a hand-off preserves parties and history (the linked case has the same parties;
  the sender's history is unchanged and verifies);
- a party who refused never enters people's mediation on that case afterwards;
- every ended case has a resolution with a level;
- ``case.level`` always equals the owning unit's level.

Each property drives random walks over the dispute workflow: at every step a case
is picked, a trigger is chosen among those :meth:`Engine.available_triggers`
allows now (as ``tests/test_stateful.py`` does), and it is fired with good inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation import Actor, Case, Engine, MediationError
from mediation.model import LinkKind, Role
from mediation.rules.dispute import details
from mediation.rules.resolution import resolution_of

from ..helpers import agreement
from ._support import ORG, at, engine, register

START = at("2026-03-02")
ENDED = {"closed", "archived", "not_accepted", "transferred_out", "handed_off", "withdrawn"}
"""States in which a dispute case has ended (each writes the ``resolution`` overlay)."""

EXITS = frozenset(
    {"withdraw", "transfer_out", "party_refuses", "refer", "hand_off", "terminate", "remediate"}
)
"""Triggers that leave the main line (picked less often, as in ``tests/test_stateful.py``)."""

_UNITS = ["qt", "qt-dm", "qt-dm-dmc", "qt-dm-xc", "qt-hx", "qt-hx-v", "qt-yt"]
_REASONS = ["complex", "major_urgent", "territorial", "assigned", "specialised"]

INPUTS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "triage": st.fixed_dictionaries(
        {"track": st.sampled_from(["people", "people", "administrative", "judicial"])}
    ),
    "accept": st.sampled_from(
        [
            {},
            {},
            {"other_side_consents": True},
            {"other_side_consents": True},
            {"refused_by": "p1"},
            {"refused_by": "p3"},
            {"handled_by": "县人民法院"},
            {"act": "assault", "ground": "trifles"},
        ]
    ),
    "inform_rights": st.just({}),
    "start_mediation": st.just({"mediators": ["m"]}),
    "transfer_out": st.just({"reason": "属行政机关职权", "to": "县人社局", "measures": "已疏导"}),
    "party_refuses": st.fixed_dictionaries(
        {"party": st.sampled_from(["p1", "p2", "p3"]), "remedies_informed": st.just(True)}
    ),
    "refer": st.one_of(
        st.sampled_from(
            [{"to": "qt-dm", "reason": "complex"}, {"to": "qt-hx", "reason": "complex"}]
        ),
        st.fixed_dictionaries({"to": st.sampled_from(_UNITS), "reason": st.sampled_from(_REASONS)}),
    ),
    "take_referral": st.just({}),
    "return_referral": st.just({"reason": "不属本级"}),
    "hand_off": st.sampled_from(
        [
            {
                "track": "administrative",
                "unit": "qt-pcs",
                "reason": "移交治安调解",
                "consent": True,
            },
            {"track": "administrative", "unit": "qt-dmz", "reason": "行政调解", "consent": True},
            {"track": "judicial", "unit": "qt-fy", "reason": "委派调解", "consent": True},
            {"track": "people", "unit": "qt-dm", "reason": "转人民调解", "consent": True},
            {"track": "people", "unit": "qt-yt", "reason": "转医调委", "consent": True},
        ]
    ),
    "suspend": st.fixed_dictionaries({"reason": st.sampled_from(["appraisal", "party_wait"])}),
    "resume": st.just({}),
    "agree": st.sampled_from(
        [
            {"agreement": agreement("2026-12-20")},
            {"agreement": {"form": "oral", "terms": ["口头达成：互不追究"]}},
        ]
    ),
    "sign": st.just(
        {"signer": "陈调解", "capacity": "mediator", "signed_at": "2026-09-01T10:00:00+08:00"}
    ),
    "remediate": st.just({"reason": "一方反悔", "consent": True}),
    "terminate": st.just({"reason": "分歧过大", "remedies_informed": True}),
    "record_callback": st.just(
        {"visitor": "陈调解", "party": "p1", "performance": "已履行", "satisfaction": "satisfied"}
    ),
    "reopen": st.just({"reason": "回访发现未履行", "consent": True}),
    "close": st.sampled_from([{}, {"no_visit_reason": "当事人外出务工联系不上"}]),
    "withdraw": st.just({"reason": "申请人撤回"}),
}
"""Good (or plausibly good) inputs per trigger; a refused step is simply skipped."""

_ALL_ROLES = frozenset({Role.clerk, Role.mediator, Role.director, Role.leader, Role.court_liaison})


def staff(unit: str) -> Actor:
    """Someone at ``unit`` who holds every role."""
    return Actor(f"{unit}-all", _ALL_ROLES, unit, f"{unit}全能")


Check = Callable[[Engine, str, Case, Case | None, dict[str, Any], set[str]], None]
"""``(engine, trigger, before, after or None if refused, inputs, known case ids)``."""


def walk(
    data: st.DataObject,
    check: Check,
    *,
    steps: int = 25,
    steer: Mapping[str, frozenset[str]] | None = None,
    prefix: tuple[tuple[str, dict[str, Any]], ...] = (),
) -> None:
    """Register one case at a village and fire ``steps`` allowed triggers on random cases
    (the registered one and every case handed off from it); ``check`` runs after each.

    Inputs are drawn for every trigger first and passed to ``available_triggers``, so
    ``allowed`` means "would succeed with these inputs" (a trigger with required inputs
    is never allowed without them).

    Like ``tests/test_stateful.py``, a step mostly moves forward (an exit — refusal,
    withdrawal, transfer, referral, hand-off — one draw in five); with ``steer``
    (state → triggers), two draws in three pick among the triggers it names for the
    case's state, when one is allowed. ``prefix`` steps are fired on the registered
    case first (each checked like the others), so a walk can start where a property
    bites."""
    e = engine()
    first = register(e, data.draw(st.sampled_from(["qt-dm-dmc", "qt-dm-xc", "qt-hx-v"])), START)
    known: list[str] = [first.id]
    now = START
    for trigger, inputs in prefix:
        now += dt.timedelta(hours=1)
        before = e.get(first.id)
        after = e.fire(first.id, trigger, actor=staff(before.unit), at=now, **inputs)
        check(e, trigger, before, after, inputs, set(known))
    for _ in range(steps):
        now += dt.timedelta(minutes=data.draw(st.integers(30, 3 * 24 * 60)))
        case_id = data.draw(st.sampled_from(known))
        before = e.get(case_id)
        who = staff(before.unit)
        offered = {name: data.draw(strategy) for name, strategy in INPUTS.items()}
        options = e.available_triggers(case_id, who, now, inputs=offered)
        allowed = sorted(o.trigger for o in options if o.allowed)
        if not allowed:
            continue
        liked = [t for t in allowed if t in (steer or {}).get(before.state, ())]
        forward = [t for t in allowed if t not in EXITS]
        if liked and data.draw(st.integers(0, 2)):
            pool = liked
        elif forward and data.draw(st.integers(0, 4)):
            pool = forward
        else:
            pool = allowed
        trigger = data.draw(st.sampled_from(pool))
        inputs = offered.get(trigger, {})
        try:
            after: Case | None = e.fire(case_id, trigger, actor=who, at=now, **inputs)
        except MediationError:
            after = None
        if after is not None:
            for link in after.links:
                if link.kind is LinkKind.handed_off_to and link.case_id not in known:
                    known.append(link.case_id)
        check(e, trigger, before, after, inputs, set(known))


_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _identity(case: Case) -> list[tuple[Any, ...]]:
    return [(p.id, p.name, p.role, p.kind, p.id_number, p.org_code) for p in case.parties]


@_SETTINGS
@given(data=st.data())
def test_a_hand_off_preserves_parties_and_history(data: st.DataObject) -> None:
    """After ``hand_off`` the linked case has the sender's parties (ids, names, identifiers)
    and links back; the sender's history is what it was plus the hand-off, verifies, and
    stays so while the walk goes on."""
    frozen: dict[str, list[Any]] = {}

    def check(
        e: Engine,
        trigger: str,
        before: Case,
        after: Case | None,
        inputs: dict[str, Any],
        known: set[str],
    ) -> None:
        if trigger == "hand_off" and after is not None:
            out = [lk for lk in after.links if lk.kind is LinkKind.handed_off_to]
            assert len(out) == 1, after.links
            received = e.get(out[0].case_id)
            assert _identity(received) == _identity(before)
            assert _identity(after) == _identity(before)
            assert any(
                lk.kind is LinkKind.handed_off_from and lk.case_id == before.id
                for lk in received.links
            )
            history = e.history(before.id)
            assert history[-1].trigger == "hand_off"
            assert e.verify(before.id).ok
            assert e.verify(received.id).ok
            frozen[before.id] = history
        for sender, history in frozen.items():
            assert e.history(sender) == history
            assert e.verify(sender).ok

    steer = {s: frozenset({"hand_off"}) for s in ("triaged", "accepted", "mediating", "failed")}
    walk(data, check, steer=steer)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_party_who_refused_never_enters_peoples_mediation_afterwards(
    data: st.DataObject,
) -> None:
    """《人民调解法》第十七条、第二十三条: once a party has refused (at acceptance, or by
    ``party_refuses``), no later ``start_mediation`` on that case succeeds on the
    people's-mediation track."""
    refused: dict[str, set[str]] = {}

    def check(
        e: Engine,
        trigger: str,
        before: Case,
        after: Case | None,
        inputs: dict[str, Any],
        known: set[str],
    ) -> None:
        if after is None:
            return
        if trigger == "accept" and inputs.get("refused_by"):
            refused.setdefault(before.id, set()).add(inputs["refused_by"])
        if trigger == "party_refuses":
            refused.setdefault(before.id, set()).add(inputs["party"])
        if trigger == "start_mediation" and before.id in refused:
            track = details(after).track or "people"
            assert track != "people", (
                f"people's mediation started on {before.id} after "
                f"{sorted(refused[before.id])} refused"
            )

    # Half the walks start from a refusal during mediation, so that what follows
    # (referral, taking it back, starting again) is tried on a refused case.
    refusal = (
        ("triage", {"track": "people"}),
        ("accept", {}),
        ("inform_rights", {}),
        ("start_mediation", {"mediators": ["m"]}),
        ("party_refuses", {"party": "p3", "remedies_informed": True}),
    )
    walk(
        data,
        check,
        steps=40,
        prefix=refusal if data.draw(st.booleans()) else (),
        steer={
            "accepted": frozenset({"inform_rights", "start_mediation"}),
            "mediating": frozenset({"party_refuses"}),
            "suspended": frozenset({"party_refuses"}),
            "failed": frozenset({"refer"}),
            "referred": frozenset({"take_referral"}),
            "triaged": frozenset({"accept"}),
        },
    )


@_SETTINGS
@given(data=st.data())
def test_every_ended_case_has_a_resolution_with_a_level(data: st.DataObject) -> None:
    """Closed, not accepted, transferred out, handed off, withdrawn (and archived): the
    ``resolution`` overlay is there, with the level of the unit that held the case."""

    def check(
        e: Engine,
        trigger: str,
        before: Case,
        after: Case | None,
        inputs: dict[str, Any],
        known: set[str],
    ) -> None:
        for case_id in known:
            case = e.get(case_id)
            if case.state not in ENDED:
                continue
            found = resolution_of(case)
            assert found is not None, (case.state, case.overlays)
            assert found.level is not None, found
            assert found.level == ORG.level_of(found.unit), found

    walk(data, check)


@_SETTINGS
@given(data=st.data())
def test_level_always_equals_the_owning_units_level(data: st.DataObject) -> None:
    """``level`` is derived from the unit: after every step, on every case of the walk."""

    def check(
        e: Engine,
        trigger: str,
        before: Case,
        after: Case | None,
        inputs: dict[str, Any],
        known: set[str],
    ) -> None:
        for case_id in known:
            case = e.get(case_id)
            assert case.level == ORG.level_of(case.unit), (case.unit, case.level, trigger)

    moves = frozenset({"refer", "hand_off"})
    steer = dict.fromkeys(("received", "triaged", "accepted", "mediating", "failed"), moves)
    steer["referred"] = frozenset({"take_referral", "return_referral"})
    walk(data, check, steer=steer)


_ = pytest
