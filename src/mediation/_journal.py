"""The audit journal: how each step is decided, becomes a hash-chained event, and replays.

A case is only ever changed by a step recorded here, and replaying the
recorded steps from intake with the same rules rebuilds it exactly: the
inputs are logged in canonical form and the rules see nothing else (not the
actor's roles, not the clock). :meth:`Journal.decide` is the one evaluator:
the engine calls it to fire a trigger or take a step, to tell what is
allowed, and to replay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from mediation import _codec, _legacy
from mediation._codec import Codec
from mediation._errors import MediationError, TransitionNotAllowedError, ValidationError
from mediation._machine import CompiledWorkflow, refusal_error
from mediation.model import Actor, Case, Event, Link, RelatedCase, evolve, maker
from mediation.rules.base import Context, OpenCase
from mediation.rules.clockbook import ClockBook, StepClocks
from mediation.rules.org import OrgTree
from mediation.rules.policy import Policy
from mediation.workflows.definition import Hook, ReadsRelated, Step, WorkflowDefinition
from mediation.workflows.registry import INTAKE, Registry

__all__ = ["INTAKE", "Journal", "Plan", "VerifyReport"]

_EVENT = maker(Event)
"""Makes an :class:`Event` (one per step)."""


@attrs.frozen(slots=True)
class Plan:
    """A trigger or step resolved on a case: what runs it, who may take it, what it takes.

    Attributes:
        name: The trigger or step name.
        compiled: The case's compiled workflow.
        step: The step, or ``None`` for a trigger of the workflow.
        roles: Role values that may take it (empty: any role).
        inputs: Its inputs class.
        sends: It sends the case to another unit (authorized where the case is).
        related: Its rules see the cases sharing a key with the case (the engine
            looks them up; the event logs them): see :meth:`Journal.reads_related`.
        actor_unit: Its rules see the actor's unit (the event logs it): see
            :attr:`Step.reads_actor_unit`.
    """

    name: str
    compiled: CompiledWorkflow
    step: Step | None
    roles: frozenset[str]
    inputs: type
    sends: bool = False
    related: ReadsRelated = False
    actor_unit: bool = False


@attrs.frozen(slots=True)
class VerifyReport:
    """The result of :meth:`Engine.verify`.

    Attributes:
        ok: The chain verifies and the replay reproduces the stored case.
        events: Number of events checked.
        bad_seq: The first bad event's number, if any.
        problem: What is wrong with it.
        case_id: The case checked.
    """

    ok: bool
    events: int
    bad_seq: int | None = None
    problem: str = ""
    case_id: str = ""


def _related_row(r: RelatedCase) -> dict[str, Any]:
    row = {
        "id": r.id,
        "code": r.code,
        "kind": r.kind,
        "workflow": r.workflow,
        "state": r.state,
        "is_closed": r.closed,
        "unit": r.unit,
        "received_at": r.received_at.isoformat(),
        "outcome": r.outcome,
        "flags": sorted(r.flags),
        "matched": sorted(r.matched),
    }
    if r.duty_due is not None:  # absent, not null: rows logged before it hash as they did
        row["duty_due"] = r.duty_due.isoformat()
    if r.duties:  # likewise
        row["duties"] = [[period, due.isoformat()] for period, due in r.duties]
    if r.resolution is not None:  # likewise
        row["resolution"] = r.resolution
    return row


def _duties(rows: Any) -> tuple[tuple[str, dt.datetime], ...]:
    if not isinstance(rows, list):
        return ()
    return tuple((str(period), dt.datetime.fromisoformat(due)) for period, due in rows)


def _instant(text: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if isinstance(text, str) else None


class Journal:
    """Decides steps, turns them into events, and events back into cases.

    Args:
        registry: The workflows and steps.
        compiled: Looks up the compiled workflow of (name, version).
        codec: The canonical encoding.
        policy: The policy the rules run with.
        clocks: The clock table.
        key: The audit key events are sealed with (``None``: not sealed).
        require_seals: Every event must be sealed (a database written with a key
            from its start); otherwise events before a case's first sealed one may
            be unsealed (written before the key was set).
        org_at: The stored organisation after a given change (a replay judges
            each step on the tree of its day).
    """

    def __init__(
        self,
        registry: Registry,
        compiled: Callable[[str, int], CompiledWorkflow],
        codec: Codec,
        policy: Policy,
        clocks: ClockBook,
        key: bytes | None = None,
        require_seals: bool = False,
        org_at: Callable[[int], OrgTree] | None = None,
    ) -> None:
        self.registry = registry
        self._org_at = org_at
        self._policies: dict[int, Policy] = {}
        self.key = key
        self.require_seals = require_seals
        self._compiled = compiled
        self.codec = codec
        self.policy = policy
        self.clocks = clocks
        self._actors: dict[str, Actor] = {}
        self._plans: dict[tuple[str, int, str, str], Plan] = {}

    def actor(self, actor_id: str) -> Actor:
        """The actor as the log knows it: an id, no roles.

        Rules see only this, so replaying the log gives them exactly what they
        saw (authorization, which needs roles, happens before and outside them).
        """
        actor = self._actors.get(actor_id)
        if actor is None:
            if len(self._actors) > 10_000:
                self._actors.clear()
            actor = self._actors[actor_id] = Actor(actor_id, frozenset())
        return actor

    def context(
        self,
        case: Case,
        actor_id: str,
        at: dt.datetime,
        inputs: Any,
        facts: Mapping[str, Any] | None = None,
        related: Sequence[RelatedCase] = (),
        actor_unit: str | None = None,
    ) -> Context[Any]:
        """The context a rule of the next step on ``case`` sees (``facts``: in a replay, the
        event's, and the related cases and the actor's unit are read from them; ``related``:
        the cases sharing a key, and ``actor_unit``: the actor's unit, for a step that
        reads them)."""
        clocks = StepClocks(
            self.clocks,
            None if facts is None else StepClocks.read(facts.get("clocks")),
            self.workflow(case).definition.clock_kinds,
        )
        policy = self.policy if facts is None else self.policy_of(facts)
        if facts is not None:
            related = self.read_related(facts.get("related"))
            logged = facts.get("actor_unit")
            actor_unit = logged if isinstance(logged, str) else None
        actor = self.actor(actor_id)
        if actor_unit is not None:
            actor = Actor(actor_id, actor.roles, actor_unit)
        return Context(
            at,
            actor,
            inputs,
            policy,
            clocks,
            case.version + 1,
            tuple(related),
            case.id,
        )

    def policy_of(self, facts: Mapping[str, Any]) -> Policy:
        """The policy a logged step ran with: its organisation as of the change it logged."""
        seq = facts.get("org")
        if not isinstance(seq, int) or self._org_at is None:
            return self.policy
        found = self._policies.get(seq)
        if found is None or found.calendar is not self.policy.calendar:
            found = attrs.evolve(self.policy, org=self._org_at(seq))
            if len(self._policies) > 1000:
                self._policies.clear()
            self._policies[seq] = found
        return found

    # -- what a name means on a case ----------------------------------------------

    def workflow(self, case: Case) -> CompiledWorkflow:
        """The compiled workflow the case runs on."""
        return self._compiled(case.workflow, case.workflow_version)

    def plan(self, case: Case, name: str) -> Plan:
        """What trigger or step ``name`` is on ``case`` now: who may take it, what it takes.

        Raises:
            TransitionNotAllowedError: neither a trigger of its workflow nor a
                registered step; no transition from the state; a step that
                does not apply to the workflow or needs an open case.
        """
        key = (case.workflow, case.workflow_version, case.state, name)
        cached = self._plans.get(key)
        if cached is not None:
            return cached
        plan = self._plan(case, name)
        if len(self._plans) > 10_000:
            self._plans.clear()
        self._plans[key] = plan
        return plan

    def _plan(self, case: Case, name: str) -> Plan:
        compiled = self.workflow(case)
        if compiled.knows(name):
            roles = compiled.roles(name, case.state)
            if roles is None:
                raise compiled.not_allowed(case, name)
            return Plan(
                name,
                compiled,
                None,
                roles,
                compiled.inputs(name),
                compiled.sends(name),
                compiled.reads_related(name, case.state),
            )
        step = self.registry.step(name)
        if step is None:
            raise compiled.not_allowed(case, name)
        definition = compiled.definition
        if step.workflows is not None and case.workflow not in step.workflows:
            raise TransitionNotAllowedError(
                case.state, name, f"step {name!r} does not apply to workflow {case.workflow!r}"
            )
        if step.open_only and definition.is_closed(case.state):
            raise TransitionNotAllowedError(
                case.state,
                name,
                f"案件状态为“{definition.label_of(case.state)}”，不能“{step.label}” "
                f"(step {name!r} needs an open case)",
            )
        return Plan(
            name,
            compiled,
            step,
            frozenset(r.value for r in step.roles),
            step.inputs,
            step.sends,
            step.reads_related,
            step.reads_actor_unit,
        )

    def reads_related(self, plan: Plan, case: Case) -> bool:
        """Whether the planned step on ``case`` sees the related cases (its declaration, or
        its predicate on the case and the policy)."""
        when = plan.related
        return when if isinstance(when, bool) else bool(when(case, self.policy))

    def inputs_class(self, case: Case, name: str) -> type:
        """The inputs class of trigger or step ``name`` (in any state).

        Raises:
            TransitionNotAllowedError: neither a trigger of its workflow nor a step.
        """
        compiled = self.workflow(case)
        if compiled.knows(name):
            return compiled.inputs(name)
        step = self.registry.step(name)
        if step is None:
            raise compiled.not_allowed(case, name)
        return step.inputs

    # -- the one evaluator --------------------------------------------------------

    def decide(self, case: Case, plan: Plan, ctx: Context[Any]) -> tuple[Case, str]:
        """Run a planned trigger or step: the case with its effects applied, and the new state.

        The case's ``version`` and ``head`` are left for :meth:`record`, which also sets
        ``state`` (a hook's effect may already have returned it in its new state).

        Raises:
            TransitionNotAllowedError: not from this state.
            RuleRejectedError: a guard refused on the case or the law.
            ValidationError: a guard refused one of the inputs.
        """
        step = plan.step
        before = case
        if step is None:
            case, dest = plan.compiled.fire(case, plan.name, ctx)
        else:
            for guard in step.guards:
                decision = guard(case, ctx)
                if not decision.allowed:
                    raise refusal_error(decision, plan.name)
            for effect in step.effects:
                case = effect(case, ctx)
            dest = case.state
        hooks = self.registry.hooks_at(
            plan.compiled.definition, plan.name, before.state, dest, step is not None
        )
        if hooks:
            case = self._hooked(hooks, before, case, dest, ctx)
        opened = [f for f in ctx.follow_ups if isinstance(f, OpenCase)]
        if opened:
            links = tuple(Link(f.link, f.case_id, f.note) for f in opened)
            case = evolve(case, links=case.links + links)
        return case, dest

    @staticmethod
    def _hooked(
        hooks: Sequence[Hook], before: Case, case: Case, dest: str, ctx: Context[Any]
    ) -> Case:
        """Run the hooks' checks on the decided step (in its new state), then their effects.

        A hook whose :attr:`~Hook.only_if` does not hold for the decided case is skipped;
        when none is left, the case is not copied into its new state here at all.
        """
        hooks = [h for h in hooks if h.only_if is None or h.only_if(case)]
        if not hooks:
            return case
        moved = case if case.state == dest else evolve(case, state=dest)
        after = moved
        for hook in hooks:
            for check in hook.checks:
                decision = check(before, after, ctx)
                if not decision.allowed:
                    raise refusal_error(decision, hook.name)
            for effect in hook.effects:
                after = effect(after, ctx)
        # No hook effect changed it: the case as decided. Otherwise the hooks' result,
        # already in its new state (record sets the state anyway: no copy back).
        return case if after is moved else after

    # -- events -------------------------------------------------------------------

    def _event(
        self,
        case: Case,
        name: str,
        actor_id: str,
        at: dt.datetime,
        dest: str,
        data: Mapping[str, Any],
        facts: Mapping[str, Any],
    ) -> Event:
        seq = case.version + 1
        digest = _codec.event_hash(
            case.id, seq, name, actor_id, at.isoformat(), case.state, dest, data, case.head, facts
        )
        seal = "" if self.key is None else _codec.seal(self.key, digest)
        return _EVENT(
            case.id, seq, name, actor_id, at, case.state, dest, data, case.head, digest, seal, facts
        )

    @staticmethod
    def facts(ctx: Context[Any]) -> dict[str, Any]:
        """What a step looked up from changing data, to log with its event."""
        out: dict[str, Any] = {}
        clocks = ctx.clocks.facts()
        if clocks:
            out["clocks"] = clocks
        org = ctx.policy.org
        if org is not None and org.seq:
            out["org"] = org.seq
        if ctx.related:
            out["related"] = [_related_row(r) for r in ctx.related]
        if ctx.actor.unit is not None:
            out["actor_unit"] = ctx.actor.unit
        return out

    @staticmethod
    def read_related(rows: Any) -> tuple[RelatedCase, ...]:
        """The related cases an intake event logged."""
        if not isinstance(rows, list):
            return ()
        return tuple(
            RelatedCase(
                id=r["id"],
                code=r["code"],
                kind=r["kind"],
                workflow=r["workflow"],
                state=r["state"],
                closed=bool(r["is_closed"]),
                unit=r["unit"],
                received_at=dt.datetime.fromisoformat(r["received_at"]),
                outcome=r.get("outcome"),
                flags=frozenset(r.get("flags", ())),
                matched=frozenset(r.get("matched", ())),
                duty_due=_instant(r.get("duty_due")),
                duties=_duties(r.get("duties")),
                resolution=r.get("resolution"),
            )
            for r in rows
        )

    def record(
        self,
        before: Case,
        moved: Case,
        dest: str,
        name: str,
        actor_id: str,
        at: dt.datetime,
        data: Mapping[str, Any],
        facts: Mapping[str, Any],
    ) -> tuple[Case, Event]:
        """The event of a decided step, and the case as it then stands.

        A step that changed the registration re-derives the case's keys.
        """
        event = self._event(before, name, actor_id, at, dest, data, facts)
        if moved.intake is not before.intake:
            keys = self.workflow(moved).definition.keys
            if keys is not None:
                moved = evolve(moved, keys=frozenset(keys(moved)))
        new = evolve(moved, state=dest, version=event.seq, head=event.hash, updated_at=at)
        return new, event

    def intake(
        self,
        definition: WorkflowDefinition,
        initial: Case,
        inputs: Any,
        actor_id: str,
        at: dt.datetime,
        facts: Mapping[str, Any] | None = None,
        related: Sequence[RelatedCase] = (),
    ) -> tuple[Case, Event]:
        """The intake step: the workflow's intake guards and effects, and event #1.

        ``facts``: in a replay, the intake event's logged facts (the related
        cases are read from them). ``related``: the other cases sharing a key.

        Raises:
            RuleRejectedError, ValidationError: an intake guard refused.
        """
        clocks = StepClocks(
            self.clocks,
            None if facts is None else StepClocks.read(facts.get("clocks")),
            definition.clock_kinds,
        )
        policy = self.policy if facts is None else self.policy_of(facts)
        if facts is not None:
            related = self.read_related(facts.get("related"))
        ctx = Context(
            at, self.actor(actor_id), inputs, policy, clocks, 1, tuple(related), initial.id
        )
        for guard in definition.intake_guards:
            decision = guard(initial, ctx)
            if not decision.allowed:
                raise refusal_error(decision, INTAKE)
        case = initial
        for effect in definition.intake_effects:
            case = effect(case, ctx)
        if definition.keys is not None:
            case = evolve(case, keys=frozenset(definition.keys(case)))
        data = {
            "case": self.codec.case_to_dict(initial),
            "inputs": self.codec.encode_inputs(inputs),
        }
        # The log starts before anything: version 0, no state, no previous hash.
        origin = evolve(case, version=0, state="", head="")
        event = self._event(origin, INTAKE, actor_id, at, case.state, data, self.facts(ctx))
        return evolve(case, version=1, head=event.hash, updated_at=at), event

    # -- replay and verification --------------------------------------------------

    def replay(self, events: Sequence[Event]) -> Case:
        """Rebuild a case from its events alone, re-running the rules on the logged inputs.

        Raises:
            ValidationError: the log does not start with an intake.
            MediationError: a logged step no longer passes its rules.
        """
        if not events or events[0].trigger != INTAKE:
            raise ValidationError("events", len(events), "a log starts with its intake event")
        first = events[0]
        snapshot = first.data["case"]
        legacy = _legacy.is_legacy_case(snapshot)
        if legacy:
            snapshot = _legacy.upgrade_case(snapshot)
        initial = self.codec.case_from_dict(snapshot)
        definition = self.workflow(initial).definition
        inputs: Any = self.codec.parse_inputs(
            definition.intake_inputs, first.data.get("inputs", {})
        )
        case, _ = self.intake(definition, initial, inputs, first.actor, first.at, first.facts)
        case = self._as_logged(case, first)
        for e in events[1:]:
            data: Mapping[str, Any] = e.data
            if legacy:
                parties = [{"id": p.id, "name": p.name, "role": p.role.value} for p in case.parties]
                data = _legacy.upgrade_inputs(e.trigger, data, parties)
            plan = self.plan(case, e.trigger)
            inputs = self.codec.parse_inputs(plan.inputs, data)
            ctx = self.context(case, e.actor, e.at, inputs, e.facts)
            moved, dest = self.decide(case, plan, ctx)
            case, _ = self.record(case, moved, dest, e.trigger, e.actor, e.at, e.data, e.facts)
            case = self._as_logged(case, e)
        return case

    @staticmethod
    def _as_logged(case: Case, event: Event) -> Case:
        """The replayed case at ``event``: it must reach the logged state; its head is the event's.

        The hashes themselves are the chain check's business (:meth:`verify`);
        an event written by an older release hashes its inputs in that
        release's format, so replay takes the head from the log.

        Raises:
            ValidationError: the rules now lead elsewhere than the log says.
        """
        if case.state != event.dest:
            raise ValidationError(
                f"events[{event.seq}]",
                event.trigger,
                f"replay reaches state {case.state!r}, the log says {event.dest!r}",
            )
        return case if case.head == event.hash else evolve(case, head=event.hash)

    def check_chain(self, case_id: str, events: Sequence[Event]) -> VerifyReport | None:
        """The first break of the hash chain (and of the seals, with a key), if any."""
        n = len(events)
        prev = ""
        sealed = False
        for i, e in enumerate(events, start=1):
            if e.seq != i:
                return VerifyReport(False, n, i, f"event {i} is missing (found {e.seq})", case_id)
            if e.case_id != case_id:
                return VerifyReport(False, n, i, "belongs to another case", case_id)
            if e.prev_hash != prev:
                return VerifyReport(False, n, i, "does not chain to the previous event", case_id)
            if _codec.recompute_hash(e) != e.hash:
                return VerifyReport(False, n, i, "content does not match its hash", case_id)
            if self.key is not None:
                if e.seal:
                    if not _codec.seal_ok(self.key, e.hash, e.seal):
                        return VerifyReport(
                            False, n, i, "its seal does not match: the chain was rewritten", case_id
                        )
                    sealed = True
                elif sealed or self.require_seals:
                    return VerifyReport(
                        False, n, i, "is not sealed: events after a sealed one must be", case_id
                    )
            prev = e.hash
        return None

    def verify(self, events: Sequence[Event], stored: Case) -> VerifyReport:
        """Check the hash chain (and seals) of ``events`` and that replaying them gives ``stored``."""
        n = len(events)
        broken = self.check_chain(stored.id, events)
        if broken is not None:
            return broken
        prev = events[-1].hash if events else ""
        if stored.version != n or stored.head != prev:
            return VerifyReport(
                False,
                n,
                n + 1,
                f"the case is at version {stored.version} but the log has {n} events",
                stored.id,
            )
        try:
            replayed = self.replay(events)
        except MediationError as exc:
            return VerifyReport(False, n, None, f"replay failed: {exc}", stored.id)
        if replayed != stored:
            diff = [
                a.name
                for a in attrs.fields(Case)
                if getattr(replayed, a.name) != getattr(stored, a.name)
            ]
            return VerifyReport(
                False, n, None, f"replay differs from the stored case in {diff}", stored.id
            )
        return VerifyReport(True, n, case_id=stored.id)
