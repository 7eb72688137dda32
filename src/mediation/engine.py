"""The engine: the one entry point that receives cases, fires transitions and answers queries.

Only the engine touches the store and fires transitions. One ``fire`` is:

1. load the case (one query) and check the actor may fire the trigger;
2. run the guards (rules) — a refusal raises a typed error that says why;
3. move the state and apply the effects (clocks, level, track, agreement...);
4. append a hash-chained audit event and an outbox row, and write all of it
   in ONE transaction with an optimistic version check;
5. after commit, deliver outbox events to subscribers (at least once).

Time is always passed in (``at=``) or read from the injectable clock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from mediation import _codec
from mediation._errors import (
    AuthorizationError,
    DefinitionError,
    TransitionNotAllowedError,
    ValidationError,
)
from mediation._journal import (
    EXTEND,
    INTAKE,
    ISSUE,
    MIGRATE,
    OVERLAY_ROLES,
    RESERVED,
    SUPERVISE,
    Journal,
    VerifyReport,
)
from mediation._machine import CompiledWorkflow, compile_workflow, mermaid
from mediation._outbox import Outbox
from mediation.model import (
    CHINA_TZ,
    Actor,
    Case,
    CaseKind,
    Channel,
    Deadline,
    Event,
    Party,
    Place,
    Risk,
    aware,
)
from mediation.rules.authz import Authorizer, RolePolicy
from mediation.rules.base import Context, Decision
from mediation.rules.counting import Explanation
from mediation.rules.deadlines import FIXED_CLOCKS
from mediation.rules.intake import case_code, check_intake
from mediation.rules.policy import Policy
from mediation.rules.warnings import WarningLevel
from mediation.store.base import CaseQuery, DueQuery, MemoryStore, Store
from mediation.workflows.definition import WorkflowDefinition

if TYPE_CHECKING:
    from mediation.documents import DocumentRenderer
from mediation.workflows.dispute import DISPUTE

__all__ = ["DueItem", "Engine", "TriggerOption", "VerifyReport"]


@attrs.frozen(slots=True)
class TriggerOption:
    """What :meth:`Engine.available_triggers` says of one trigger.

    Attributes:
        trigger: The trigger value.
        label: Its Chinese label.
        allowed: Whether it may be fired now (inputs still to be checked).
        reason: Why not, when refused.
        basis: The legal source of a refusal.
        needs: Inputs the trigger still needs before its guards can decide.
    """

    trigger: str
    label: str
    allowed: bool
    reason: str = ""
    basis: str = ""
    needs: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class DueItem:
    """An open clock on the due list.

    Attributes:
        case_id: The case.
        deadline: The clock.
        warning: Its warning level at the time asked.
    """

    case_id: str
    deadline: Deadline
    warning: WarningLevel


def _default_clock() -> dt.datetime:
    return dt.datetime.now(CHINA_TZ)


class Engine:
    """Runs cases on their workflows over a store.

    Build one with :meth:`sqlite`, :meth:`from_url` or :meth:`in_memory`.

    Args:
        store: The backend.
        policy: Calendar, periods and thresholds (national defaults if omitted).
        workflows: Extra workflow definitions (the dispute workflow is built in).
        clock: Returns "now" (timezone-aware) when ``at`` is not given.
        authorizer: Who may do what; defaults to :class:`RolePolicy` on the policy's org tree.
        documents: The document renderer (official templates if omitted; pass one
            built with ``overrides=`` for committee-edited templates).

    Example:
        >>> engine = Engine.in_memory()
        >>> start = engine.definition("dispute").initial
        >>> start.value, start.label
        ('received', '已登记')
    """

    def __init__(
        self,
        store: Store,
        *,
        policy: Policy | None = None,
        workflows: Iterable[WorkflowDefinition] = (),
        clock: Callable[[], dt.datetime] = _default_clock,
        authorizer: Authorizer | None = None,
        documents: DocumentRenderer | None = None,
    ) -> None:
        self._store = store
        self._documents = documents
        self.policy = policy or Policy()
        self._clock = clock
        self._authorize: Authorizer = authorizer or RolePolicy(self.policy.org)
        self._compiled: dict[tuple[str, int], CompiledWorkflow] = {}
        self._latest: dict[str, WorkflowDefinition] = {}
        for definition in (DISPUTE, *workflows):
            self.register(definition)
        self._journal = Journal(self.policy, self._compiled_of)
        self._outbox = Outbox(store)
        warnings = self.policy.warnings
        store.warn_from = lambda d: warnings.yellow_from(d.start, d.due)

    # -- construction ---------------------------------------------------------

    @classmethod
    def in_memory(cls, **kwargs: Any) -> Engine:
        """An engine whose cases live in process memory (tests, simulations)."""
        return cls(MemoryStore(), **kwargs)

    @classmethod
    def sqlite(cls, path: str, *, synchronous: str = "NORMAL", **kwargs: Any) -> Engine:
        """An engine on an SQLite file in WAL mode (created and migrated if needed)."""
        from mediation.store.sql import SqlStore

        return cls(SqlStore(f"sqlite:///{path}", sqlite_synchronous=synchronous), **kwargs)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Engine:
        """An engine on any supported SQLAlchemy URL (``postgresql+psycopg://...``)."""
        from mediation.store.sql import SqlStore

        return cls(SqlStore(url), **kwargs)

    def register(self, definition: WorkflowDefinition) -> None:
        """Add a workflow definition; new intakes use the highest version of each name."""
        reserved = set(RESERVED) & {t.value for t in definition.triggers}
        if reserved:
            raise DefinitionError(
                f"workflow {definition.name!r}: trigger names reserved by the engine: "
                f"{sorted(reserved)}"
            )
        key = (definition.name, definition.version)
        self._compiled[key] = compile_workflow(definition)
        latest = self._latest.get(definition.name)
        if latest is None or latest.version < definition.version:
            self._latest[definition.name] = definition

    def close(self) -> None:
        """Release the store's connections."""
        self._store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers --------------------------------------------------------------

    def _at(self, at: dt.datetime | None) -> dt.datetime:
        return aware(self._clock() if at is None else at, "at")

    def _compiled_of(self, name: str, version: int) -> CompiledWorkflow:
        compiled = self._compiled.get((name, version))
        if compiled is None:
            raise TransitionNotAllowedError(
                "", "*", f"workflow {name!r} v{version} is not registered"
            )
        return compiled

    def _workflow(self, case: Case) -> CompiledWorkflow:
        compiled = self._compiled.get((case.workflow, case.workflow_version))
        if compiled is None:
            raise TransitionNotAllowedError(
                case.state,
                "*",
                f"workflow {case.workflow!r} v{case.workflow_version} is not registered",
            )
        return compiled

    def definition(self, name: str, version: int | None = None) -> WorkflowDefinition:
        """A registered workflow definition (the latest version if none given).

        Raises:
            ValidationError: no such workflow.
        """
        if version is None:
            found = self._latest.get(name)
        else:
            compiled = self._compiled.get((name, version))
            found = None if compiled is None else compiled.definition
        if found is None:
            raise ValidationError("workflow", name, "no such workflow is registered")
        return found

    def diagram(self, name: str = "dispute", version: int | None = None) -> str:
        """A Mermaid state diagram of a workflow, with Chinese labels."""
        return mermaid(self.definition(name, version))

    # -- intake ---------------------------------------------------------------

    def intake(
        self,
        *,
        kind: CaseKind | str = CaseKind.dispute,
        channel: Channel | str,
        category: str,
        parties: Sequence[Party],
        summary: str,
        unit: str,
        actor: Actor | None = None,
        at: dt.datetime | None = None,
        claims: Sequence[str] = (),
        amount: Decimal | str | int | None = None,
        location: Sequence[Place] = (),
        risk: Risk | str = Risk.low,
        flags: Iterable[str] = (),
        case_id: str | None = None,
    ) -> Case:
        """Register a new case (受理登记) and start its first clock.

        Args:
            kind: ``dispute`` or ``petition``.
            channel: How it arrived (see :class:`~mediation.model.Channel`).
            category: A category of the policy's category table.
            parties: Applicants, respondents, third parties, agents.
            summary: The request, facts and reasons.
            unit: The receiving unit's id; the case code is numbered per unit and year.
            actor: Who registers it (the system if omitted).
            at: When it was received (default: the clock).
            claims: The applicants' requests, one per item.
            amount: Amount in dispute, in yuan.
            location: Region path, county first (e.g. county, town, village).
            risk: Escalation risk.
            flags: Free markers (e.g. ``"collective"``).
            case_id: Use the embedder's id instead of a generated one.

        Returns:
            The registered case.

        Raises:
            ValidationError: a field is missing or wrong (the field is named).
            CalendarError: the first clock would reach a year without holiday data.
        """
        at = self._at(at)
        actor = actor or Actor.system()
        try:
            kind_value = CaseKind(kind)
        except ValueError:
            raise ValidationError("kind", kind, f"one of {', '.join(CaseKind)}") from None
        try:
            risk_value = Risk(risk)
        except ValueError:
            raise ValidationError("risk", risk, f"one of {', '.join(Risk)}") from None
        parties = list(parties)
        check_intake(
            kind=kind_value,
            channel=str(channel),
            category=category,
            parties=parties,
            summary=summary,
            categories=self.policy.categories,
        )
        org = self.policy.org
        prefix = org.get(unit).code_prefix if org is not None else "调"
        definition = self._workflow_for(kind_value)
        compiled = self._compiled[(definition.name, definition.version)]
        decision = self._authorize(actor, _probe_case(unit, kind_value), INTAKE, ())
        if not decision.allowed:
            raise AuthorizationError(actor.id, INTAKE, decision.reason)
        year = at.astimezone(self.policy.tz).year
        new_id = case_id or uuid.uuid4().hex
        channel_value = Channel(channel)

        def make(code: str) -> Case:
            return Case(
                id=new_id,
                code=code,
                kind=kind_value,
                workflow=definition.name,
                workflow_version=definition.version,
                state=definition.initial.value,
                category=category,
                summary=summary.strip(),
                channel=channel_value,
                received_at=at,
                unit=unit,
                parties=tuple(parties),
                claims=tuple(claims),
                amount=amount,
                location=tuple(location),
                risk=risk_value,
                flags=frozenset(flags),
            )

        make("")  # converters validate amount etc. before a number is allocated

        def build(number: int) -> tuple[Case, Event]:
            initial = make(case_code(prefix, year, number))
            return self._journal.intake(
                compiled, initial, _codec.case_to_dict(initial), actor.id, at
            )

        case = self._store.create(unit, year, build)
        self._outbox.after_commit()
        return case

    def _workflow_for(self, kind: CaseKind) -> WorkflowDefinition:
        for definition in self._latest.values():
            if definition.kind is kind:
                return definition
        raise ValidationError("kind", kind.value, "no workflow registered for this kind of case")

    # -- firing ---------------------------------------------------------------

    def fire(
        self,
        case_id: str,
        trigger: str,
        *,
        actor: Actor,
        at: dt.datetime | None = None,
        **data: Any,
    ) -> Case:
        """Fire ``trigger`` on a case and write the result atomically.

        Args:
            case_id: The case.
            trigger: A trigger of the case's workflow.
            actor: Who fires it.
            at: Business time (default: the clock). Timezone-aware.
            **data: The trigger's inputs (see the workflow's ``params``).

        Returns:
            The case after the transition.

        Raises:
            CaseNotFoundError: no such case.
            AuthorizationError: the actor may not fire it.
            TransitionNotAllowedError: unknown trigger, or not from this state.
            RuleRejectedError: a guard refused (``.reason``, ``.basis``).
            ValidationError: bad input (``.field``).
            ConcurrentUpdateError: someone changed the case meanwhile; nothing written.
        """
        at = self._at(at)
        case = self._store.load(case_id)
        compiled = self._workflow(case)
        roles = compiled.roles.get(trigger)
        if roles is not None:
            decision = self._authorize(actor, case, trigger, roles)
            if not decision.allowed:
                raise AuthorizationError(actor.id, trigger, decision.reason)
            allowed_params = compiled.params[trigger]
            for key in data:
                if key not in allowed_params:
                    raise ValidationError(
                        key,
                        data[key],
                        f"trigger {trigger!r} accepts only: {', '.join(sorted(allowed_params))}",
                    )
        norm = _codec.normalize(data) if data else {}
        new = self._journal.step(compiled, case, trigger, actor.id, at, norm)
        self._store.commit(case.version, new[0], new[1], case)
        self._outbox.after_commit()
        return new[0]

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Commit every intake and fire inside the block in one transaction.

        For bulk imports and simulations. If anything inside raises, nothing
        of the batch is written. Subscribers are notified after the batch.
        """
        with self._outbox.held(), self._store.batch():
            yield

    # -- workflow migration ---------------------------------------------------

    def migrate_case(
        self, case_id: str, *, to_version: int, actor: Actor, at: dt.datetime | None = None
    ) -> Case:
        """Move a running case to another version of its workflow, as an audited step.

        The case keeps its state, which must exist in the target version.

        Raises:
            ValidationError: unknown target version or the state does not exist there.
            AuthorizationError: only admins migrate.
        """
        at = self._at(at)
        case = self._store.load(case_id)
        target = self._compiled.get((case.workflow, to_version))
        if target is None:
            raise ValidationError(
                "to_version", to_version, "no such workflow version is registered"
            )
        decision = self._authorize(actor, case, MIGRATE, {"admin"})
        if not decision.allowed:
            raise AuthorizationError(actor.id, MIGRATE, decision.reason)
        data = {"from": case.workflow_version, "to": to_version}
        new, event = self._journal.migrate(case, target, actor.id, at, data)
        self._store.commit(case.version, new, event, case)
        self._outbox.after_commit()
        return new

    # -- overlays: steps outside the workflow graph ---------------------------

    def extend_deadline(
        self,
        case_id: str,
        deadline_id: str,
        *,
        length: int,
        approver: str,
        reason: str,
        actor: Actor,
        petitioner_notified: bool = False,
        at: dt.datetime | None = None,
    ) -> Case:
        """Extend an open clock with approval, as an audited step.

        The rule of the clock decides who approves and the cap (e.g. 信访 handling:
        the organ head, at most 30 days, and the petitioner must be told why —
        《信访工作条例》第三十四条). An extension never shortens a clock.

        Raises:
            ValidationError: unknown clock, wrong approver, beyond the cap, closed clock.
            RuleRejectedError: the petitioner was not told where the rule requires it.
            AuthorizationError: the actor may not approve extensions.
        """
        data = {
            "deadline": deadline_id,
            "length": length,
            "approver": approver,
            "reason": reason,
            "petitioner_notified": petitioner_notified,
        }
        return self._overlay(case_id, EXTEND, actor, at, data)

    def supervise(
        self, *, at: dt.datetime | None = None, limit: int = 100, actor: Actor | None = None
    ) -> list[Event]:
        """Escalate every overdue clock not yet escalated (督办), each exactly once.

        Safe to run in several processes at once on PostgreSQL: each batch of
        breaches is claimed with ``FOR UPDATE SKIP LOCKED``. The escalation is an
        audited ``supervise`` event on the case (subscribers are notified
        through the outbox) and, per the policy, raises the case to the owning
        unit's superior and proposes 领导包案.

        Returns:
            The supervise events written by this call.
        """
        at = self._at(at)
        actor = actor or Actor.system()
        written: list[Event] = []
        while True:
            batch: list[Event] = []
            with self._store.batch():
                claimed = self._store.claim_overdue(at, limit)
                for case_id, deadline_id in claimed:
                    case = self._store.load(case_id)
                    data = {"deadline": deadline_id}
                    new, event = self._journal.overlay(case, SUPERVISE, actor.id, at, data)
                    self._store.commit(case.version, new, event, case)
                    batch.append(event)
            written += batch
            self._outbox.after_commit()
            if len(claimed) < limit:
                return written

    def _overlay(
        self, case_id: str, name: str, actor: Actor, at: dt.datetime | None, data: dict[str, Any]
    ) -> Case:
        at = self._at(at)
        case = self._store.load(case_id)
        decision = self._authorize(actor, case, name, OVERLAY_ROLES[name])
        if not decision.allowed:
            raise AuthorizationError(actor.id, name, decision.reason)
        new, event = self._journal.overlay(case, name, actor.id, at, _codec.normalize(data))
        self._store.commit(case.version, new, event, case)
        self._outbox.after_commit()
        return new

    # -- documents ------------------------------------------------------------

    @property
    def documents(self) -> DocumentRenderer:
        """The document renderer (built on first use: Jinja2 loads only when needed)."""
        if self._documents is None:
            from mediation.documents import DocumentRenderer

            self._documents = DocumentRenderer()
        return self._documents

    def issue_document(
        self, case_id: str, kind: str, *, actor: Actor, at: dt.datetime | None = None
    ) -> str:
        """Give a document of the case its number (once), as an audited step; return it.

        Numbers run per unit, kind and year without gaps: the counter moves in
        the same transaction as the audit event, so a refused or conflicting
        step leaves no hole. Issuing a kind already numbered returns its number.

        Raises:
            ValidationError: unknown document kind.
            AuthorizationError: the actor may not issue documents for this case.
        """
        at = self._at(at)
        if kind not in {k.kind for k in self.documents.kinds()}:
            raise ValidationError("kind", kind, "unknown document kind")
        with self._store.batch():
            case = self._store.load(case_id)
            existing = case.document_number(kind)
            if existing is not None:
                return existing
            decision = self._authorize(actor, case, ISSUE, OVERLAY_ROLES[ISSUE])
            if not decision.allowed:
                raise AuthorizationError(actor.id, ISSUE, decision.reason)
            org = self.policy.org
            prefix = org.get(case.unit).code_prefix if org is not None else "调"
            year = at.astimezone(self.policy.tz).year
            number = case_code(prefix, year, self._store.next_number(f"{case.unit}:{kind}", year))
            data = {"kind": kind, "number": number}
            new, event = self._journal.overlay(case, ISSUE, actor.id, at, data)
            self._store.commit(case.version, new, event, case)
        self._outbox.after_commit()
        return number

    def render(
        self,
        case_id: str,
        kind: str,
        *,
        format: str = "text",
        extra: Mapping[str, Any] | None = None,
        today: dt.date | None = None,
    ) -> str | bytes:
        """Render a document of the case: ``text``/``html`` give str, ``docx``/``pdf`` bytes.

        The context is built from the case, its history, its unit and the
        policy's clocks; the number is the one issued with :meth:`issue_document`
        (a draft without a number otherwise).

        Raises:
            CaseNotFoundError: no such case.
            ValidationError: unknown kind or format, or the case lacks what the
                document must state (e.g. an agreement item).
            DocumentRenderError: the template failed or ran past its bounds.
        """
        case = self._store.load(case_id)
        org = self.policy.org
        if kind == "supervision_notice":
            extra = {"reply_days": self.policy.supervision.reply_days, **(extra or {})}
        return self.documents.render(
            kind,
            case,
            format=format,
            history=self._store.events(case_id),
            unit=org.get(case.unit) if org is not None else None,
            number=case.document_number(kind),
            extra=extra,
            clock_rule=self.policy.clock_rule,
            today=today,
        )

    # -- queries --------------------------------------------------------------

    def get(self, case_id: str) -> Case:
        """The case as stored now.

        Raises:
            CaseNotFoundError: no such case.
        """
        return self._store.load(case_id)

    def find(
        self,
        *,
        state: str | None = None,
        level: str | None = None,
        unit: str | None = None,
        within: str | None = None,
        category: str | None = None,
        party_id: str | None = None,
        kind: CaseKind | str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Case]:
        """Cases by state, level, unit (or org subtree ``within``), category or party ID."""
        units = None
        if within is not None:
            org = self.policy.org
            if org is None:
                raise ValidationError("within", within, "needs an org tree in the policy")
            org.get(within)
            units = frozenset(u.id for u in org if org.within(u.id, within))
        return self._store.find(
            CaseQuery(
                state=state,
                level=level,
                unit=unit,
                units=units,
                category=category,
                party_id=party_id,
                kind=None if kind is None else CaseKind(kind).value,
                limit=limit,
                offset=offset,
            )
        )

    def history(self, case_id: str) -> list[Event]:
        """The case's audit log, oldest first.

        Raises:
            CaseNotFoundError: no such case.
        """
        return self._store.events(case_id)

    def available_triggers(
        self, case_id: str, actor: Actor, at: dt.datetime | None = None
    ) -> list[TriggerOption]:
        """Every trigger of the case's workflow, and whether ``actor`` may fire it now.

        Guards that need inputs are reported as allowed with ``needs`` set.
        """
        at = self._at(at)
        case = self._store.load(case_id)
        compiled = self._workflow(case)
        ctx = Context(at, actor, {}, self.policy, case.version + 1)
        out = []
        for trig in compiled.definition.triggers:
            transitions = compiled.definition.by_trigger(trig.value)
            roles = set().union(*(t.roles for t in transitions))
            label = str(getattr(trig, "label", trig.value))
            auth = self._authorize(actor, case, trig.value, roles)
            if not auth.allowed:
                out.append(TriggerOption(trig.value, label, False, auth.reason, auth.basis))
                continue
            try:
                decision: Decision = compiled.check(case, trig.value, ctx)
            except ValidationError as exc:
                out.append(TriggerOption(trig.value, label, True, needs=(exc.field,)))
                continue
            out.append(
                TriggerOption(trig.value, label, decision.allowed, decision.reason, decision.basis)
            )
        return out

    def explain(self, case_id: str, deadline_id: str) -> Explanation:
        """How a clock's due date was computed: start, unit, length, pauses, rolls, the law.

        Raises:
            CaseNotFoundError: no such case.
            ValidationError: no such clock, or one on a date the parties agreed
                (nothing to compute).
        """
        clock = self._store.load(case_id).deadline(deadline_id)
        if clock.period in FIXED_CLOCKS:
            raise ValidationError(
                "deadline", deadline_id, "a date the parties agreed is not computed"
            )
        due, _ = self.policy.due(
            clock.period, clock.start, paused=clock.paused, extension=clock.extension
        )
        return due.explanation

    def due(
        self,
        *,
        at: dt.datetime | None = None,
        warnings: bool = False,
        periods: Iterable[str] | None = None,
        level: str | None = None,
        within: str | None = None,
        unescalated: bool = False,
        limit: int = 100,
    ) -> list[DueItem]:
        """Overdue clocks (and, with ``warnings``, those in their warning window).

        Served by the (status, due_at) index: the first page is fast however many
        cases are open.
        """
        at = self._at(at)
        today = at.astimezone(self.policy.tz).date()
        units = None
        if within is not None:
            org = self.policy.org
            if org is None:
                raise ValidationError("within", within, "needs an org tree in the policy")
            units = frozenset(u.id for u in org if org.within(u.id, within))
        query = DueQuery(
            until=at,
            warn_until=today if warnings else None,
            periods=None if periods is None else frozenset(periods),
            level=level,
            units=units,
            unescalated=unescalated,
            limit=limit,
        )
        policy = self.policy.warnings
        rows = self._store.due(query, lambda d: policy.yellow_from(d.start, d.due))
        return [
            DueItem(
                cid,
                d,
                policy.level(d.start, d.due, today) if at <= d.due_at else WarningLevel.overdue,
            )
            for cid, d in rows
        ]

    # -- audit ----------------------------------------------------------------

    def replay(self, case_id: str) -> Case:
        """Rebuild a case from its audit log alone (the rules are re-run on the logged inputs)."""
        return self._journal.replay(self._store.events(case_id))

    def verify(self, case_id: str) -> VerifyReport:
        """Check the case's hash chain and that replaying it reproduces the stored case.

        Returns a report naming the first bad event; never raises for a bad chain.
        """
        events = self._store.events(case_id)
        return self._journal.verify(events, self._store.load(case_id, fresh=True))

    # -- outbox ---------------------------------------------------------------

    def subscribe(self, handler: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``handler`` with every committed event, at least once, in commit order.

        Events committed while nobody listened (or before a restart) are
        delivered when a handler subscribes. A handler that raises leaves its
        event pending; it is delivered again on the next delivery.

        Returns:
            A function that unsubscribes the handler.
        """
        return self._outbox.subscribe(handler)

    def deliver(self, limit: int = 1000) -> int:
        """Deliver pending outbox events to the subscribers; return how many were delivered."""
        return self._outbox.deliver(limit)


def _probe_case(unit: str, kind: CaseKind) -> Case:
    """A stand-in case for authorising an intake (scope is decided by the unit)."""
    return Case(
        id="",
        code="",
        kind=kind,
        workflow="",
        workflow_version=0,
        state="",
        category="",
        summary="",
        channel=Channel.walk_in,
        received_at=dt.datetime(2000, 1, 1, tzinfo=CHINA_TZ),
        unit=unit,
        parties=(),
    )
