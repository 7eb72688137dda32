"""The audit journal: how each step becomes a hash-chained event, and how events replay.

A case is only ever changed by a step recorded here, and replaying the
recorded steps from intake with the same rules rebuilds it exactly: the
inputs are logged in canonical form and the rules see nothing else (not the
actor's roles, not the clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from mediation import _codec
from mediation._errors import MediationError, ValidationError
from mediation._machine import CompiledWorkflow
from mediation.model import Actor, Case, Event, replace
from mediation.rules import supervision
from mediation.rules.base import Context
from mediation.rules.intake import record_document
from mediation.rules.policy import Policy

__all__ = [
    "EXTEND",
    "INTAKE",
    "ISSUE",
    "MIGRATE",
    "OVERLAYS",
    "OVERLAY_ROLES",
    "SUPERVISE",
    "Journal",
    "VerifyReport",
]

INTAKE = "intake"
MIGRATE = "migrate_workflow"
EXTEND = "extend_deadline"
SUPERVISE = "supervise"
ISSUE = "issue_document"

OVERLAYS: dict[str, Callable[[Case, Context], Case]] = {
    EXTEND: supervision.extend,
    SUPERVISE: supervision.escalate,
    ISSUE: record_document,
}
"""Steps that apply to a case in any open state, outside its workflow graph."""

OVERLAY_ROLES: dict[str, frozenset[str]] = {
    EXTEND: frozenset({"director", "leader"}),
    SUPERVISE: frozenset({"director", "leader"}),
    ISSUE: frozenset({"clerk", "mediator", "director", "leader"}),
}
"""Roles the default authorization policy lets take each overlay step."""

RESERVED = frozenset({INTAKE, MIGRATE, *OVERLAYS})
"""Step names no workflow may use as a trigger."""


@attrs.frozen(slots=True)
class VerifyReport:
    """The result of :meth:`Engine.verify`.

    Attributes:
        ok: The chain verifies and the replay reproduces the stored case.
        events: Number of events checked.
        bad_seq: The first bad event's number, if any.
        problem: What is wrong with it.
    """

    ok: bool
    events: int
    bad_seq: int | None = None
    problem: str = ""


class Journal:
    """Turns steps into events and events back into cases.

    Args:
        policy: The policy the rules run with.
        workflow: Looks up the compiled workflow of (name, version).
    """

    def __init__(self, policy: Policy, workflow: Callable[[str, int], CompiledWorkflow]) -> None:
        self.policy = policy
        self._workflow = workflow
        self._actors: dict[str, Actor] = {}

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

    @staticmethod
    def _event(
        case: Case, name: str, actor_id: str, at: dt.datetime, dest: str, data: Mapping[str, Any]
    ) -> Event:
        seq = case.version + 1
        digest = _codec.event_hash(
            case.id, seq, name, actor_id, at.isoformat(), case.state, dest, data, case.head
        )
        return Event(case.id, seq, name, actor_id, at, case.state, dest, data, case.head, digest)

    def intake(
        self,
        compiled: CompiledWorkflow,
        initial: Case,
        snapshot: Mapping[str, Any],
        actor_id: str,
        at: dt.datetime,
    ) -> tuple[Case, Event]:
        """The intake step: the workflow's intake effects and event #1 (with the snapshot)."""
        ctx = Context(at, self.actor(actor_id), {}, self.policy, 1)
        case = initial
        for effect in compiled.definition.intake_effects:
            case = effect(case, ctx)
        # The log starts before anything: version 0, no state, no previous hash.
        origin = replace(case, version=0, state="", head="")
        event = self._event(origin, INTAKE, actor_id, at, case.state, {"case": snapshot})
        return replace(case, version=1, head=event.hash), event

    def step(
        self,
        compiled: CompiledWorkflow,
        case: Case,
        trigger: str,
        actor_id: str,
        at: dt.datetime,
        data: Mapping[str, Any],
    ) -> tuple[Case, Event]:
        """A workflow transition: guards, effects, new state, event."""
        ctx = Context(at, self.actor(actor_id), data, self.policy, case.version + 1)
        moved, dest = compiled.fire(case, trigger, ctx)
        event = self._event(case, trigger, actor_id, at, dest, data)
        return replace(moved, state=dest, version=event.seq, head=event.hash), event

    def overlay(
        self, case: Case, name: str, actor_id: str, at: dt.datetime, data: Mapping[str, Any]
    ) -> tuple[Case, Event]:
        """A step outside the workflow graph (extension, supervision, document number)."""
        ctx = Context(at, self.actor(actor_id), data, self.policy, case.version + 1)
        moved = OVERLAYS[name](case, ctx)
        event = self._event(case, name, actor_id, at, case.state, data)
        return replace(moved, version=event.seq, head=event.hash), event

    def migrate(
        self,
        case: Case,
        target: CompiledWorkflow,
        actor_id: str,
        at: dt.datetime,
        data: Mapping[str, Any],
    ) -> tuple[Case, Event]:
        """Move a case to another version of its workflow, keeping its state.

        Raises:
            ValidationError: the state does not exist in the target version.
        """
        try:
            target.definition.states(case.state)
        except ValueError:
            raise ValidationError(
                "to_version", data["to"], f"state {case.state!r} does not exist in that version"
            ) from None
        event = self._event(case, MIGRATE, actor_id, at, case.state, data)
        new = replace(case, workflow_version=int(data["to"]), version=event.seq, head=event.hash)
        return new, event

    def replay(self, events: Sequence[Event]) -> Case:
        """Rebuild a case from its events alone, re-running the rules on the logged inputs.

        Raises:
            ValidationError: the log does not start with an intake.
            MediationError: a logged step no longer passes its rules.
        """
        if not events or events[0].trigger != INTAKE:
            raise ValidationError("events", len(events), "a log starts with its intake event")
        first = events[0]
        initial = _codec.case_from_dict(first.data["case"])
        compiled = self._workflow(initial.workflow, initial.workflow_version)
        case, _ = self.intake(compiled, initial, first.data["case"], first.actor, first.at)
        for e in events[1:]:
            if e.trigger in OVERLAYS:
                case, _ = self.overlay(case, e.trigger, e.actor, e.at, e.data)
            elif e.trigger == MIGRATE:
                target = self._workflow(case.workflow, int(e.data["to"]))
                case, _ = self.migrate(case, target, e.actor, e.at, e.data)
            else:
                compiled = self._workflow(case.workflow, case.workflow_version)
                case, _ = self.step(compiled, case, e.trigger, e.actor, e.at, e.data)
        return case

    def verify(self, events: Sequence[Event], stored: Case) -> VerifyReport:
        """Check the hash chain of ``events`` and that replaying them gives ``stored``."""
        prev = ""
        for i, e in enumerate(events, start=1):
            if e.seq != i:
                return VerifyReport(False, len(events), i, f"event {i} is missing (found {e.seq})")
            if e.prev_hash != prev:
                return VerifyReport(False, len(events), i, "does not chain to the previous event")
            if _codec.recompute_hash(e) != e.hash:
                return VerifyReport(False, len(events), i, "content does not match its hash")
            prev = e.hash
        if stored.version != len(events) or stored.head != prev:
            return VerifyReport(
                False,
                len(events),
                len(events) + 1,
                f"the case is at version {stored.version} but the log has {len(events)} events",
            )
        try:
            replayed = self.replay(events)
        except MediationError as exc:
            return VerifyReport(False, len(events), None, f"replay failed: {exc}")
        if replayed != stored:
            diff = [
                a.name
                for a in attrs.fields(Case)
                if getattr(replayed, a.name) != getattr(stored, a.name)
            ]
            return VerifyReport(
                False, len(events), None, f"replay differs from the stored case in {diff}"
            )
        return VerifyReport(True, len(events))
