"""The engine: the one entry point that receives cases, runs steps and answers queries.

Only the engine touches the store. Every change to a case — a workflow
trigger or a step outside the graph (extend, supervise, issue a document,
migrate, and whatever steps are registered) — goes through one pipeline:

1. load the case (one query);
2. authorize: the actor may take this step on this case (and, if the step
   moves the case to another unit, on the destination too);
3. decide: parse the inputs into the step's inputs class, run the guards
   and the effects (:meth:`mediation._journal.Journal.decide`, the one
   evaluator, also used by :meth:`Engine.available_triggers` and by replay);
4. journal: a hash-chained audit event with the canonical inputs;
5. commit: case, changed clocks, event and outbox row in ONE transaction,
   with an optimistic version check;
6. deliver: after commit, outbox events to subscribers (at least once).

Time is always passed in (``at=``) or read from the injectable clock.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

import attrs

from mediation._audit import Auditor, AuditReport, Checkpoint
from mediation._codec import Codec
from mediation._errors import (
    AuthorizationError,
    CaseNotFoundError,
    ConcurrentUpdateError,
    DefinitionError,
    MediationError,
    RuleRejectedError,
    TransitionNotAllowedError,
    ValidationError,
    checked_arguments,
)
from mediation._journal import INTAKE, Journal, VerifyReport
from mediation._machine import CompiledWorkflow, compile_workflow, mermaid
from mediation._org import OrgBook
from mediation._outbox import Outbox
from mediation.model import (
    CHINA_TZ,
    Actor,
    Case,
    ClockKind,
    Deadline,
    DeadlineStatus,
    Event,
    Intake,
    Link,
    OrgEvent,
    Overlays,
    Party,
    Place,
    RelatedCase,
    Risk,
    Role,
    Unit,
    aware,
    check_day,
    check_text,
    evolve,
    maker,
    parse_enum,
)
from mediation.rules.authz import Access, Authorizer, RolePolicy
from mediation.rules.base import Decision, FollowUp, NoInputs, OpenCase
from mediation.rules.clockbook import ClockBook, FixedClock
from mediation.rules.counting import Explanation
from mediation.rules.intake import assign_party_ids, case_code, check_intake
from mediation.rules.org import OrgTree
from mediation.rules.policy import Policy
from mediation.rules.resolution import resolution_of
from mediation.rules.warnings import WarningLevel
from mediation.store.base import CaseQuery, DueQuery, MemoryStore, Store
from mediation.workflows import BUILTIN_WORKFLOWS, builtin_registry
from mediation.workflows.definition import Hook, Step, WorkflowDefinition
from mediation.workflows.steps import CoreStep

if TYPE_CHECKING:
    from mediation.documents import DocumentRenderer
    from mediation.statistics import Statistics

__all__ = [
    "AuditReport",
    "Checkpoint",
    "DueItem",
    "Engine",
    "MovedDate",
    "RecountReport",
    "TriggerOption",
    "VerifyReport",
]


@attrs.frozen(slots=True)
class TriggerOption:
    """What :meth:`Engine.available_triggers` says of one trigger or step.

    Attributes:
        trigger: The trigger or step name.
        label: Its Chinese label.
        allowed: Firing it now with the inputs given would succeed.
        reason: Why not, when refused (the same words the error of ``fire`` carries).
        basis: The legal source of a refusal.
        needs: Required inputs not given yet (no inputs were given for it).
        field: The input at fault, when the refusal is about one input.
        step: True for a step outside the workflow's graph.
        inputs: The inputs class (its fields tell a form what to ask).
    """

    trigger: str
    label: str
    allowed: bool
    reason: str = ""
    basis: str = ""
    needs: tuple[str, ...] = ()
    field: str | None = None
    step: bool = False
    inputs: type = attrs.field(default=NoInputs, eq=False, repr=False)


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

    @property
    def kind(self) -> ClockKind:
        """Whose period it is: a hard limit, a target, a parties' or another organ's."""
        return self.deadline.kind

    @property
    def hard(self) -> bool:
        """A hard limit of the unit: supervised (督办) when breached."""
        return self.deadline.kind is ClockKind.duty


_OWN_KINDS = frozenset({ClockKind.duty.value, ClockKind.target.value})
_KIND_VALUES = frozenset(k.value for k in ClockKind)


@attrs.frozen(slots=True)
class MovedDate:
    """One clock whose due date a recount changed.

    Attributes:
        case_id: The case.
        deadline_id: The clock.
        period: Its rule.
        before: The provisional last day.
        after: The last day counted on today's data.
        provisional: Still provisional (its year still has no notice).
    """

    case_id: str
    deadline_id: str
    period: str
    before: dt.date
    after: dt.date
    provisional: bool


@attrs.frozen(slots=True)
class RecountReport:
    """What :meth:`Engine.recompute_provisional` did.

    Attributes:
        examined: Cases with an open provisional clock that were looked at.
        changed: Cases written (one ``recount_clocks`` event each).
        moved: Every clock whose due date moved (a clock that only stopped
            being provisional, on the same day, is not listed).
        cleared: Clocks no longer provisional.
        still_provisional: Open clocks still provisional (their year has no notice yet).
        skipped: Cases not recounted, with why (e.g. a later step was dated after ``at``).
    """

    examined: int
    changed: int
    moved: tuple[MovedDate, ...]
    cleared: int
    still_provisional: int
    skipped: tuple[tuple[str, str], ...] = ()


_FOLLOW_DEPTH = 3
"""A step may take a step on another case, which may take one on a third, and no further."""


def _unnumbered(_step: Step, _inputs: Any) -> str:
    """The number a numbered step shows while it is only being tried (nothing drawn)."""
    return "（待编号）"


RELATED_LIMIT = 50
"""At most this many related cases are shown to an intake (the oldest first)."""

_AS_OF_CACHE = 4096
"""Entries kept by each of the engine's two caches of earlier states (:meth:`Engine._as_of`)."""


def _default_clock() -> dt.datetime:
    return dt.datetime.now(CHINA_TZ)


def _reason(exc: MediationError) -> tuple[str, str, str | None]:
    """(reason, basis, field) of an error, as ``available_triggers`` reports it."""
    if isinstance(exc, RuleRejectedError):
        return exc.reason, exc.basis, None
    if isinstance(exc, ValidationError):
        return exc.rule, exc.basis, exc.field
    if isinstance(exc, AuthorizationError):
        return exc.reason, "", None
    if isinstance(exc, TransitionNotAllowedError):
        return str(exc), exc.basis, None
    return str(exc), "", None


def _check_setup(
    store: object,
    policy: object,
    workflows: object,
    steps: object,
    hooks: object,
    clock: object,
    authorizer: object,
    documents: object,
) -> None:
    """Refuse an engine's parts of the wrong kind, naming the argument, before any is used."""
    if not all(callable(getattr(store, m, None)) for m in ("attach", "load", "commit", "create")):
        raise ValidationError("store", store, "a Store (MemoryStore, SqlStore or the protocol's)")
    if policy is not None and not isinstance(policy, Policy):
        raise ValidationError("policy", policy, "a Policy")
    for name, items, kind in (
        ("workflows", workflows, WorkflowDefinition),
        ("steps", steps, Step),
        ("hooks", hooks, Hook),
    ):
        if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
            raise ValidationError(name, items, f"a list of {kind.__name__} values")
        if isinstance(items, list | tuple):
            for i, item in enumerate(items):
                if not isinstance(item, kind):
                    raise ValidationError(f"{name}[{i}]", item, f"a {kind.__name__}")
    if not callable(clock):
        raise ValidationError("clock", clock, "a function returning the aware current time")
    if authorizer is not None and not callable(authorizer):
        raise ValidationError("authorizer", authorizer, "an Authorizer: (actor, access) → Decision")
    if documents is not None and not callable(getattr(documents, "render", None)):
        raise ValidationError("documents", documents, "a DocumentRenderer")


def _flag(field: str, value: object) -> bool:
    """``value`` if it is True or False, else refuse it (``"false"`` is not False)."""
    if not isinstance(value, bool):
        raise ValidationError(field, value, "True or False")
    return value


def _page(limit: object, offset: object) -> None:
    """Refuse a page that is not a sensible pair of whole numbers."""
    if type(limit) is not int or not 0 < limit <= 100_000:
        raise ValidationError("limit", limit, "a page size from 1 to 100000")
    if type(offset) is not int or not 0 <= offset <= 1_000_000_000:
        raise ValidationError("offset", offset, "a whole number from 0 to 10^9")


def _cursor(field: str, value: object) -> tuple[dt.datetime, str]:
    """A keyset cursor for :meth:`Engine.find`: a (timezone-aware received_at, case id) pair."""
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not isinstance(value[0], dt.datetime)
        or value[0].utcoffset() is None
        or not isinstance(value[1], str)
        or not value[1]
    ):
        raise ValidationError(field, value, "a (timezone-aware received_at, case id) pair")
    return value[0], check_text(field, value[1])


def _list(field: str, value: object) -> tuple[Any, ...]:
    """A list, tuple or set given where several values belong (one string is refused)."""
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError(field, value, "a list")
    return tuple(value)


_ACCESS = maker(Access)
"""Makes an :class:`Access` (every step asks for one)."""


def _text_arg(field: str, value: object) -> str:
    """``value`` if it is non-empty text that can be stored and looked up, else refuse it."""
    if not isinstance(value, str) or not value:
        raise ValidationError(field, value, "non-empty text")
    return check_text(field, value)


def _case_id(value: object) -> str:
    """A case id as the store takes it: text of at most 64 characters."""
    if not isinstance(value, str) or not value or len(value) > 64:
        raise ValidationError("case_id", value, "a case id is text of 1 to 64 characters")
    return check_text("case_id", value)


def _as_detail(exc: ValidationError, inputs: type | None) -> ValidationError:
    """``exc`` about one of the workflow's intake inputs, named as the caller wrote it
    (``details.track``); an error about another argument (``at``, ``parties``) as it is.

    ``inputs`` is the intake inputs class (``None``: every field is one of its inputs).
    """
    head = re.split(r"[.\[]", exc.field, maxsplit=1)[0]
    if inputs is not None and head not in {a.name for a in attrs.fields(inputs)}:
        return exc
    return ValidationError(f"details.{exc.field}", exc.value, exc.rule, exc.basis)


def _texts_arg(field: str, value: object) -> tuple[str, ...]:
    """A list (or tuple or set) of non-empty texts, each checked; one string is refused."""
    if not isinstance(value, list | tuple | set | frozenset):
        raise ValidationError(field, value, "a list of non-empty texts")
    for i, item in enumerate(value):
        _text_arg(f"{field}[{i}]", item)
    return tuple(value)


def _required(cls: type) -> tuple[str, ...]:
    return tuple(a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING)


class Engine:
    """Runs cases on their workflows over a store.

    Build one with :meth:`sqlite`, :meth:`from_url` or :meth:`in_memory`.

    Args:
        store: The backend.
        policy: Calendar, periods, vocabularies and thresholds (national defaults if omitted).
        workflows: Workflow definitions beside the built-in ones (any number per kind).
        steps: Steps outside the graph beside the engine's own.
        hooks: Rules across workflows (checks and effects on the steps they select).
        clock: Returns "now" (timezone-aware) when ``at`` is not given.
        authorizer: Who may do what; defaults to :class:`RolePolicy` on the policy's org tree.
        reader: The actor reads run as when none is passed: ``None`` (the
            default) makes every read name its actor; ``Actor.system()`` is the
            explicit unscoped scope, for an embedder that checks access itself.
        audit_key: A secret (at least 16 bytes) the database does not hold:
            every event is sealed with it (HMAC), so a rewrite of the chain by
            someone who can write the database but lacks the key is detected.
        require_seals: Every event must be sealed (set it for a database that
            has had the key from its first case).
        documents: The document renderer (official templates if omitted; pass one
            built with ``overrides=`` for committee-edited templates, or with
            ``kinds=`` for documents of your own workflows).

    Example:
        >>> engine = Engine.in_memory()
        >>> start = engine.definition("dispute").initial
        >>> start.value, start.label
        ('received', '已登记')
    """

    @checked_arguments
    def __init__(
        self,
        store: Store,
        *,
        policy: Policy | None = None,
        workflows: Iterable[WorkflowDefinition] = (),
        steps: Iterable[Step] = (),
        hooks: Iterable[Hook] = (),
        clock: Callable[[], dt.datetime] = _default_clock,
        authorizer: Authorizer | None = None,
        documents: DocumentRenderer | None = None,
        reader: Actor | None = None,
        audit_key: bytes | None = None,
        require_seals: bool = False,
    ) -> None:
        _check_setup(store, policy, workflows, steps, hooks, clock, authorizer, documents)
        _flag("require_seals", require_seals)
        self._store = store
        self._default_reader = None if reader is None else self._actor(reader)
        self._documents = documents
        self.policy = policy or Policy()
        self.clocks = ClockBook(self.policy)
        self._clock = clock
        self._role_policy = RolePolicy(self.policy.org) if authorizer is None else None
        self._authorize: Authorizer = authorizer or cast(RolePolicy, self._role_policy)
        self._codec = Codec()
        self._registry = builtin_registry()
        self._compiled: dict[tuple[str, int], CompiledWorkflow] = {}
        self._step_times: dict[tuple[str, int], tuple[tuple[dt.datetime, ...], tuple[str, ...]]]
        self._step_times = {}
        """Each (case id, version): its events' times and hashes (:meth:`_as_of`)."""
        self._earlier: dict[tuple[str, int, str], Case] = {}
        """Each (case id, n, hash of event n): the case replayed to its n-th event."""
        for step in self._registry.steps():
            self._add_clocks(step.clocks)
            for name, value_type in step.overlays.items():
                self._codec.register_overlay(name, value_type)
        for hook in self._registry.hooks():
            for name, value_type in hook.overlays.items():
                self._codec.register_overlay(name, value_type)
        for definition in (*BUILTIN_WORKFLOWS, *workflows):
            self.register(definition)
        for step in steps:
            self.register(step)
        for hook in hooks:
            self.register(hook)
        if audit_key is not None and not (isinstance(audit_key, bytes) and len(audit_key) >= 16):
            raise ValidationError("audit_key", None, "a secret of at least 16 bytes")
        self._audit_key = audit_key
        self._journal = Journal(
            self._registry,
            self._compiled_of,
            self._codec,
            self.policy,
            self.clocks,
            key=audit_key,
            require_seals=require_seals,
            org_at=self._org_at,
        )
        self._org_book = OrgBook(store, self._codec, self.policy.ladder)
        self._org_stored = self.policy.org is None
        """The engine uses the organisation stored with the cases (its policy gives none)."""
        if self._org_stored:
            tree = self._org_book.refresh()
            if tree is not None:
                self._set_org(tree)
        self._auditor = Auditor(store, self._journal)
        self._outbox = Outbox(store)
        store.attach(self._codec, self.clocks.warn_from)

    # -- construction ---------------------------------------------------------

    @classmethod
    @checked_arguments
    def in_memory(cls, **kwargs: Any) -> Engine:
        """An engine whose cases live in process memory (tests, simulations)."""
        return cls(MemoryStore(), **kwargs)

    @classmethod
    @checked_arguments
    def sqlite(
        cls,
        path: str | os.PathLike[str],
        *,
        synchronous: str = "NORMAL",
        readonly: bool = False,
        create: bool = True,
        **kwargs: Any,
    ) -> Engine:
        """An engine on an SQLite file in WAL mode (created and migrated if needed).

        Args:
            path: The file (a plain path: nothing in it is read as URL syntax).
            synchronous: ``PRAGMA synchronous``: ``NORMAL`` survives process
                crashes in WAL mode, ``FULL`` power loss too.
            readonly: Only read (works on a read-only file; never migrates).
            create: Create the file if missing (``False``: refuse).
            **kwargs: As for :class:`Engine`.

        Raises:
            ValidationError: ``path`` is not a path (text or :class:`os.PathLike`).
            PersistenceError: not a database, a directory, a missing file or
                directory, or (read-only) a schema older than this release.
        """
        from mediation.store.sql import SqlStore

        if not isinstance(synchronous, str):
            raise ValidationError("synchronous", synchronous, "NORMAL, FULL, OFF or EXTRA")
        _flag("readonly", readonly)
        _flag("create", create)
        new = isinstance(path, str | os.PathLike) and not os.path.exists(path)
        store = SqlStore.sqlite(path, synchronous=synchronous, readonly=readonly, create=create)
        try:
            return cls(store, **kwargs)
        except BaseException:
            # A refused engine leaves nothing behind: not the file this call created.
            store.close()
            if new:
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.remove(f"{os.fspath(path)}{suffix}")
            raise

    @classmethod
    @checked_arguments
    def from_url(cls, url: str, **kwargs: Any) -> Engine:
        """An engine on any supported SQLAlchemy URL (``postgresql+psycopg://...``)."""
        from mediation.store.sql import SqlStore

        return cls(SqlStore(url), **kwargs)

    @checked_arguments
    def register(self, item: WorkflowDefinition | Step | Hook) -> None:
        """Add a workflow definition (new intakes use the highest version of each name), a
        step, or a hook.

        Raises:
            ValidationError: ``item`` is none of the three.
            DefinitionError: a name is taken, or a clock id clashes with another rule.
        """
        if not isinstance(item, WorkflowDefinition | Step | Hook):
            raise ValidationError("item", item, "a WorkflowDefinition, a Step or a Hook")
        if isinstance(item, Hook):
            self._registry.add_hook(item)
            for name, value_type in item.overlays.items():
                self._codec.register_overlay(name, value_type)
            return
        if isinstance(item, Step):
            self._registry.add_step(item)
            self._add_clocks(item.clocks)
            for name, value_type in item.overlays.items():
                self._codec.register_overlay(name, value_type)
            return
        self._registry.add_workflow(item)
        self._add_clocks(item.clocks)
        for name, value_type in item.overlays.items():
            self._codec.register_overlay(name, value_type)
        self._compiled[(item.name, item.version)] = compile_workflow(item)
        self._codec.register_details(item.name, item.version, item.details)

    def _add_clocks(self, clocks: Iterable[Any]) -> None:
        for clock in clocks:
            self.clocks.add(clock)

    def close(self) -> None:
        """Release the store's connections."""
        self._store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers --------------------------------------------------------------

    def _at(self, at: dt.datetime | None) -> dt.datetime:
        """The business time of a call, in the policy's time zone.

        Converting once at the door keeps every stored instant comparable: a
        local time in another zone's daylight-saving fold would otherwise
        never compare equal to its own stored copy.
        """
        return aware(self._clock() if at is None else at, "at").astimezone(self.policy.tz)

    def _compiled_of(self, name: str, version: int) -> CompiledWorkflow:
        compiled = self._compiled.get((name, version))
        if compiled is None:
            raise TransitionNotAllowedError(
                "", "*", f"workflow {name!r} v{version} is not registered"
            )
        return compiled

    @staticmethod
    def _actor(actor: object) -> Actor:
        if not isinstance(actor, Actor):
            raise ValidationError("actor", actor, "an Actor (who takes the step)")
        return actor

    def _access(self, actor: Actor, access: Access) -> Decision:
        """The authorizer's decision on ``access``; an embedder's authorizer that answers
        with anything but a :class:`~mediation.rules.base.Decision` is a setup error named
        as such, not an ``AttributeError`` deep in a step (nothing has been written)."""
        decision = self._authorize(actor, access)
        if self._role_policy is None and not isinstance(decision, Decision):
            raise self._bad_answer(access, decision)
        return decision

    def _bad_answer(self, access: Access, decision: object) -> DefinitionError:
        return DefinitionError(
            f"the authorizer {self._authorize!r} answered {access.action!r} with "
            f"{decision!r}: an Authorizer returns a Decision (ALLOW, or refuse(rule, "
            f"reason) from mediation.rules.base), not a {type(decision).__name__}"
        )

    def _allow(self, actor: Actor, access: Access) -> None:
        # Every step passes here: the check of :meth:`_access`, inlined.
        decision = self._authorize(actor, access)
        if self._role_policy is None and not isinstance(decision, Decision):
            raise self._bad_answer(access, decision)
        if not decision.allowed:
            raise AuthorizationError(actor.id, access.action, decision.reason)

    @checked_arguments
    def definition(self, name: str, version: int | None = None) -> WorkflowDefinition:
        """A registered workflow definition (the latest version if none given).

        Raises:
            ValidationError: no such workflow.
        """
        return self._registry.workflow(name, version)

    def workflows(self) -> list[WorkflowDefinition]:
        """Every registered workflow definition (every version)."""
        return list(self._registry.workflows())

    @checked_arguments
    def diagram(self, name: str, version: int | None = None) -> str:
        """A Mermaid state diagram of a workflow, with Chinese labels."""
        return mermaid(self.definition(name, version))

    # -- intake ---------------------------------------------------------------

    @checked_arguments
    def intake(
        self,
        *,
        workflow: str | None = None,
        kind: str | None = None,
        channel: str,
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
        details: Mapping[str, Any] | None = None,
        case_id: str | None = None,
        links: Sequence[Link] = (),
        overlays: Mapping[str, Any] | None = None,
    ) -> Case:
        """Register a new case (受理登记) and start its first clock.

        Args:
            workflow: The workflow to run it on (default: the kind's default workflow).
            kind: The kind of matter (``dispute``, ``petition``...): its default
                workflow runs the case when no workflow is named.
            channel: How it arrived (the policy's channel vocabulary).
            category: A category of the policy's category table.
            parties: Applicants, respondents, third parties, agents; each gets a
                stable id (``p1``, ``p2``... unless given).
            summary: The request, facts and reasons.
            unit: The receiving unit's id; the case code is numbered per unit and year.
            actor: Who registers it (the system if omitted).
            at: When it was received (default: the clock).
            claims: The applicants' requests, one per item.
            amount: Amount in dispute, in yuan.
            location: Region path, county first (e.g. county, town, village).
            risk: Escalation risk.
            flags: Free markers (e.g. ``"collective"``).
            details: Workflow-specific intake data (its ``intake_inputs`` class).
            case_id: Use the embedder's id instead of a generated one.
            links: Links to existing cases (a case the clerk found with
                :meth:`find_related`, the case this one was handed off from).
            overlays: Overlays the case starts with (each of a type a registered
                step or hook declares), e.g. a 领导包案 assignment carried over
                from the case this one was handed off from.

        Returns:
            The registered case.

        Raises:
            ValidationError: a field is missing or wrong (the field is named).
            AuthorizationError: the actor may not register cases at that unit.
            CalendarError: the first clock would reach a year without holiday data.
        """
        case = self._intake(
            False,
            workflow=workflow,
            kind=kind,
            channel=channel,
            category=category,
            parties=parties,
            summary=summary,
            unit=unit,
            actor=actor,
            at=at,
            claims=claims,
            amount=amount,
            location=location,
            risk=risk,
            flags=flags,
            details=details,
            case_id=case_id,
            links=links,
            overlays=overlays,
        )
        assert case is not None
        return case

    def _intake(
        self,
        dry: bool,
        *,
        follow: bool = False,
        workflow: str | None = None,
        kind: str | None = None,
        channel: str,
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
        details: Mapping[str, Any] | None = None,
        case_id: str | None = None,
        links: Sequence[Link] = (),
        overlays: Mapping[str, Any] | None = None,
    ) -> Case | None:
        """:meth:`intake`; with ``dry``, its checks, guards and first clocks only — nothing
        numbered or written (:meth:`_dry_follow` tries a step's new case out). A ``follow``
        (a case a step opens) names a bad intake input bare, as the step's rules wrote it;
        a caller's own intake names it under ``details``."""
        at = self._at(at)
        actor = self._actor(Actor.system() if actor is None else actor)
        if workflow is not None:
            definition = self._registry.workflow(_text_arg("workflow", workflow))
            if kind is not None and kind != definition.kind:
                raise ValidationError(
                    "kind", kind, f"workflow {workflow!r} serves {definition.kind!r} cases"
                )
        elif kind is not None:
            definition = self._registry.for_kind(_text_arg("kind", kind))
        else:
            raise ValidationError("workflow", None, "name the workflow or the kind of the case")
        org = self.policy.org
        if not isinstance(unit, str) or (org is not None and unit not in org):
            raise ValidationError("unit", unit, "unknown unit (not in the org tree)")
        if org is not None and not org.get(unit).active:
            successor = org.current(unit)
            raise ValidationError(
                "unit", unit, f"the unit was merged into {successor.id} ({successor.name})"
            )
        self._allow(
            actor,
            Access(INTAKE, unit, frozenset(r.value for r in definition.intake_roles)),
        )
        check_intake(
            kind=definition.kind,
            channel=channel,
            category=category,
            parties=parties,
            summary=summary,
            categories=self.policy.categories,
            channels=self.policy.channels,
        )
        numbered = assign_party_ids(parties)
        if details is not None and not isinstance(details, Mapping):
            raise ValidationError("details", details, "a mapping of the workflow's intake inputs")
        try:
            inputs: Any = self._codec.parse_inputs(definition.intake_inputs, details or {})
        except ValidationError as exc:
            if follow:
                raise
            raise _as_detail(exc, None) from exc
        risk_value = parse_enum(Risk, "risk", risk)
        claims = _texts_arg("claims", claims)
        flags = _texts_arg("flags", flags)
        if not isinstance(location, list | tuple) or not all(
            isinstance(p, Place) for p in location
        ):
            raise ValidationError("location", location, "a list of Place values, county first")
        if case_id is not None:
            _case_id(case_id)
        if not isinstance(links, list | tuple) or not all(isinstance(x, Link) for x in links):
            raise ValidationError("links", links, "a list of Link values")
        for i, link in enumerate(links):
            _case_id(link.case_id)
            if link.note:
                check_text(f"links[{i}].note", link.note)
        if overlays is None:
            overlays = {}
        if not isinstance(overlays, Mapping):
            raise ValidationError("overlays", overlays, "a mapping of overlay names to values")
        for name, value in overlays.items():
            known = self._codec.overlay_type(name) if isinstance(name, str) else None
            if known is None or type(value) is not known:
                raise ValidationError(
                    f"overlays.{name}", value, "an overlay of the type its step or hook registers"
                )
        prefix = org.get(unit).code_prefix if org is not None else "调"
        year = at.astimezone(self.policy.tz).year
        new_id = case_id or uuid.uuid4().hex

        registration = Intake(
            category=category,
            summary=summary.strip(),
            channel=channel,
            received_at=at,
            parties=numbered,
            claims=tuple(claims),
            amount=amount,
            location=tuple(location),
        )

        def make(code: str) -> Case:
            return Case(
                id=new_id,
                code=code,
                kind=definition.kind,
                workflow=definition.name,
                workflow_version=definition.version,
                state=definition.initial.value,
                unit=unit,
                intake=registration,
                risk=risk_value,
                flags=frozenset(flags),
                links=tuple(links),
                overlays=Overlays(overlays),
                details=None if definition.details is None else definition.details(),
            )

        related: tuple[RelatedCase, ...] = ()
        if definition.keys is not None:
            related = self._related(frozenset(definition.keys(make(""))), None, at)

        def build(number: int) -> tuple[Case, Event]:
            initial = make(case_code(prefix, year, number))
            try:
                return self._journal.intake(
                    definition, initial, inputs, actor.id, at, None, related
                )
            except ValidationError as exc:
                if follow:
                    raise
                raise _as_detail(exc, definition.intake_inputs) from exc

        if dry:
            build(0)
            return None
        case = self._store.create(unit, year, build)
        self._outbox.after_commit()
        return case

    def _related(
        self, keys: frozenset[str], exclude: str | None, at: dt.datetime | None = None
    ) -> tuple[RelatedCase, ...]:
        """The cases holding any of ``keys`` (at most :data:`RELATED_LIMIT`): as they stand,
        or, with ``at``, as they stood then.

        A step is judged by the world of its own day, not of the day it is entered (a
        record made after the fact): with ``at``, a case received later is left out, and
        one that moved since is read as its log had it at ``at`` (:meth:`_as_of`). E.g. a
        committee's acceptance dated before a court accepted the same medical dispute was
        not barred (《医疗纠纷预防和处理条例》第三十一条), whenever it is recorded.
        """
        if not keys:
            return ()
        matched: dict[str, set[str]] = {}
        for case_id, key in self._store.find_keys(keys, limit=RELATED_LIMIT * 8, exclude=exclude):
            if case_id in matched or len(matched) < RELATED_LIMIT:
                matched.setdefault(case_id, set()).add(key)
        out = []
        for case_id, found in matched.items():
            other = self._store.load(case_id)
            if at is not None and other.updated_at is not None and other.updated_at > at:
                then = self._as_of(other, at)
                if then is None:
                    continue
                other = then
            definition = self._journal.workflow(other).definition
            duties = sorted(
                (d.due_at, d.period)
                for d in other.deadlines
                if d.status is DeadlineStatus.running and d.kind is ClockKind.duty
            )
            ended = resolution_of(other)
            out.append(
                RelatedCase(
                    id=other.id,
                    code=other.code,
                    kind=other.kind,
                    workflow=other.workflow,
                    state=other.state,
                    closed=definition.is_closed(other.state),
                    unit=other.unit,
                    received_at=other.received_at,
                    outcome=other.outcome,
                    flags=other.flags,
                    matched=frozenset(found),
                    duty_due=duties[0][0] if duties else None,
                    duties=tuple((period, due) for due, period in duties),
                    resolution=None if ended is None else ended.how,
                )
            )
        return tuple(sorted(out, key=lambda r: (r.received_at, r.id)))

    def _as_of(self, case: Case, at: dt.datetime) -> Case | None:
        """``case`` as its log had it at ``at`` (its steps up to then, replayed); ``None`` if it
        was not yet received.

        A log only grows and its hashes chain, so the first n events of a case, named by the
        n-th hash, replay to the same case whenever asked: both the times of a version's
        events and each replayed prefix are kept (a step reads up to
        :data:`RELATED_LIMIT` related cases, and many steps are dated alike).
        """
        if case.received_at > at:
            return None
        key = (case.id, case.version)
        found = self._step_times.get(key)
        events = None
        if found is None:
            events = self._store.events(case.id)
            found = (tuple(e.at for e in events), tuple(e.hash for e in events))
            if len(self._step_times) >= _AS_OF_CACHE:
                self._step_times.clear()
            self._step_times[key] = found
        times, hashes = found
        n = bisect.bisect_right(times, at)  # a case's steps are in time order
        if n == 0:
            return None
        prefix = (case.id, n, hashes[n - 1])
        earlier = self._earlier.get(prefix)
        if earlier is None:
            events = events if events is not None else self._store.events(case.id)
            earlier = self._journal.replay(events[:n])
            if len(self._earlier) >= _AS_OF_CACHE:
                self._earlier.clear()
            self._earlier[prefix] = earlier
        return earlier

    @checked_arguments
    def related(self, case_id: str, *, actor: Actor | None = None) -> list[RelatedCase]:
        """Other cases sharing a key with ``case_id`` (same party ID, same matter...),
        those ``actor`` may read, oldest first.

        Raises:
            CaseNotFoundError, AuthorizationError: as for :meth:`get`.
        """
        reader = self._reader(actor)
        case = self.get(case_id, actor=reader)
        found = self._related(case.keys, case.id)
        return [r for r in found if self._may_read(reader, self._store.load(r.id))]

    @checked_arguments
    def find_related(
        self,
        *,
        parties: Sequence[Party],
        summary: str = "",
        category: str = "other",
        workflow: str | None = None,
        kind: str | None = None,
        claims: Sequence[str] = (),
        location: Sequence[Place] = (),
        actor: Actor | None = None,
        at: dt.datetime | None = None,
    ) -> list[RelatedCase]:
        """Before registering: the cases a registration with these details would match.

        Lets a clerk see an existing case (and link to it, or record a
        contact on it) instead of opening a second one. Nothing is written.
        With ``at`` (a registration dated then), the cases as they stood at ``at``, as the
        intake will judge them; without, as they stand now.

        Raises:
            ValidationError: unknown workflow or kind, or malformed parties.
        """
        reader = self._reader(actor)
        if workflow is not None:
            definition = self.definition(workflow)
        elif kind is not None:
            definition = self._registry.for_kind(kind)
        else:
            raise ValidationError("workflow", None, "name the workflow or the kind of the case")
        if definition.keys is None:
            return []
        if not isinstance(parties, list | tuple) or not all(isinstance(p, Party) for p in parties):
            raise ValidationError("parties", parties, "a list of Party values")
        for name, text in (("summary", summary), ("category", category)):
            if not isinstance(text, str):
                raise ValidationError(name, text, "text")
            check_text(name, text)
        if not isinstance(claims, list | tuple) or not all(isinstance(c, str) for c in claims):
            raise ValidationError("claims", claims, "a list of texts")
        if not isinstance(location, list | tuple) or not all(
            isinstance(p, Place) for p in location
        ):
            raise ValidationError("location", location, "a list of Place values")
        probe = Case(
            id="",
            code="",
            kind=definition.kind,
            workflow=definition.name,
            workflow_version=definition.version,
            state=definition.initial.value,
            unit="",
            intake=Intake(
                category=category,
                summary=summary,
                channel="",
                received_at=self._at(at),  # checked here: a naive ``at`` is refused
                parties=assign_party_ids(parties),
                claims=tuple(claims),
                location=tuple(location),
            ),
        )
        when = None if at is None else probe.received_at
        found = self._related(frozenset(definition.keys(probe)), None, when)
        return [r for r in found if self._may_read(reader, self._store.load(r.id))]

    # -- the pipeline ---------------------------------------------------------

    def _decide(
        self,
        case: Case,
        name: str,
        actor: Actor,
        at: dt.datetime,
        data: Mapping[str, Any],
        number: Callable[[Step, Any], str] | None,
    ) -> tuple[Case, Event, list[FollowUp]]:
        """Authorize, parse, decide and journal one step on ``case`` (nothing written).

        Raises:
            TransitionNotAllowedError, AuthorizationError, ValidationError,
            RuleRejectedError: why the step cannot be taken.
        """
        if not isinstance(name, str):
            raise ValidationError("trigger", name, "a trigger or step name")
        if case.updated_at is not None and at < case.updated_at:
            raise ValidationError(
                "at",
                at.isoformat(),
                f"a step cannot be dated before the case's last step "
                f"({case.updated_at.isoformat()}): time never runs backwards within a case",
            )
        journal = self._journal
        try:
            plan = journal.plan(case, name)
        except TransitionNotAllowedError:
            # Who may not see the case learns nothing of its state.
            self._allow(actor, Access("read", case.unit, frozenset(), case))
            raise
        self._allow(actor, _ACCESS(name, case.unit, plan.roles, case))
        if name == CoreStep.migrate_workflow:
            self._check_migration(case, data)
        inputs: Any = self._codec.parse_inputs(plan.inputs, data)
        step = plan.step
        if step is not None and step.numbering is not None and number is not None:
            inputs = evolve(inputs, **{step.numbering.field: number(step, inputs)})
        reads = journal.reads_related(plan, case)
        related = self._related(case.keys, case.id, at) if reads else ()
        unit = actor.unit if plan.actor_unit else None
        ctx = journal.context(case, actor.id, at, inputs, related=related, actor_unit=unit)
        moved, dest = journal.decide(case, plan, ctx)
        if moved.unit != case.unit:
            self._allow(actor, Access(name, moved.unit, plan.roles, moved, plan.sends))
        data_out = self._codec.encode_inputs(inputs)
        new, event = journal.record(
            case, moved, dest, name, actor.id, at, data_out, journal.facts(ctx)
        )
        return new, event, ctx.follow_ups

    def _step(
        self,
        case: Case,
        name: str,
        actor: Actor,
        at: dt.datetime,
        data: Mapping[str, Any],
        number: Callable[[Step, Any], str] | None,
        depth: int = 0,
    ) -> tuple[Case, Event]:
        """Decide one step on a loaded case and commit it (the caller delivers).

        What the step asked to do on other cases (open a linked case, take a
        step on one) is done in the same transaction: if it is refused, so is
        the step, and nothing is written.
        """
        new, event, follow = self._decide(case, name, actor, at, data, number)
        if not follow:
            self._store.commit(case.version, new, event, case)
            return new, event
        if depth >= _FOLLOW_DEPTH:
            raise ValidationError(
                "follow_ups", name, f"steps on other cases chain at most {_FOLLOW_DEPTH} deep"
            )
        with self._outbox.held(), self._store.batch():
            self._store.commit(case.version, new, event, case)
            self._follow(follow, new, actor, at, depth + 1)
        return new, event

    def _follow(
        self, follow: Sequence[FollowUp], origin: Case, actor: Actor, at: dt.datetime, depth: int
    ) -> None:
        """Do what a step asked on other cases, as the system on the actor's behalf."""
        on_behalf = Actor.system(id=f"system:{actor.id}"[:80], name=actor.name)
        for item in follow:
            if isinstance(item, OpenCase):
                self._intake(
                    False,
                    follow=True,
                    workflow=item.workflow,
                    unit=item.unit,
                    channel=item.channel,
                    category=item.category,
                    parties=list(item.parties),
                    summary=item.summary,
                    claims=list(item.claims),
                    amount=item.amount,
                    location=list(item.location),
                    details=item.details,
                    actor=on_behalf,
                    at=at,
                    case_id=item.case_id,
                    links=[Link(item.back, origin.id, item.note)],
                    overlays=item.overlays,
                    risk=item.risk,
                )
            else:
                other = self._store.load(_case_id(item.case_id))
                self._step(other, item.step, on_behalf, at, item.data, None, depth)

    def _dry_follow(
        self,
        follow: Sequence[FollowUp],
        origin: Case,
        actor: Actor,
        at: dt.datetime,
        depth: int,
    ) -> None:
        """Decide, without writing, the steps a step asks on other cases, as :meth:`_follow`
        would take them: a refused one refuses the step in :meth:`available_triggers` too.

        Steps on the same case see each other's result. A new case (``OpenCase``) is
        tried out too: its intake's checks, guards and first clocks, nothing numbered or
        written — so a step whose new case would be refused is refused here as well.
        """
        if not follow:
            return
        if depth > _FOLLOW_DEPTH:
            raise ValidationError(
                "follow_ups", "", f"steps on other cases chain at most {_FOLLOW_DEPTH} deep"
            )
        on_behalf = Actor.system(id=f"system:{actor.id}"[:80], name=actor.name)
        seen: dict[str, Case] = {}
        for item in follow:
            if isinstance(item, OpenCase):
                self._intake(
                    True,
                    follow=True,
                    workflow=item.workflow,
                    unit=item.unit,
                    channel=item.channel,
                    category=item.category,
                    parties=list(item.parties),
                    summary=item.summary,
                    claims=list(item.claims),
                    amount=item.amount,
                    location=list(item.location),
                    details=item.details,
                    actor=on_behalf,
                    at=at,
                    case_id=item.case_id,
                    links=[Link(item.back, origin.id, item.note)],  # as _follow links it
                    overlays=item.overlays,
                    risk=item.risk,
                )
                continue
            other = seen.get(item.case_id) or self._store.load(_case_id(item.case_id))
            new, _, more = self._decide(other, item.step, on_behalf, at, item.data, _unnumbered)
            seen[item.case_id] = new
            self._dry_follow(more, new, actor, at, depth + 1)

    def _run(
        self, case_id: str, name: str, actor: Actor, at: dt.datetime | None, data: Mapping[str, Any]
    ) -> Case:
        """The one pipeline: load → authorize → decide → journal → commit → deliver."""
        at = self._at(at)
        actor = self._actor(actor)
        _case_id(case_id)
        step = self._registry.step(name) if isinstance(name, str) else None
        if step is not None and step.numbering is not None:
            # A numbered step draws from its counter in the same transaction as its event.
            with self._store.batch():
                case = self._store.load(case_id)
                new, _ = self._step(case, name, actor, at, data, self._allocate(case, at))
        else:
            case = self._store.load(case_id)
            new, _ = self._step(case, name, actor, at, data, None)
        self._outbox.after_commit()
        return new

    def _allocate(self, case: Case, at: dt.datetime) -> Callable[[Step, Any], str]:
        """Draws a step's number from its counter, inside the step's transaction."""

        def number(step: Step, inputs: Any) -> str:
            assert step.numbering is not None
            org = self.policy.org
            prefix = org.get(case.unit).code_prefix if org is not None else "调"
            year = at.astimezone(self.policy.tz).year
            n = self._store.next_number(step.numbering.scope(case, inputs), year)
            return case_code(prefix, year, n)

        return number

    @checked_arguments
    def fire(
        self,
        case_id: str,
        trigger: str,
        *,
        actor: Actor,
        at: dt.datetime | None = None,
        **data: Any,
    ) -> Case:
        """Fire ``trigger`` (or take a registered step) on a case and write the result atomically.

        Args:
            case_id: The case.
            trigger: A trigger of the case's workflow, or a step's name.
            actor: Who fires it.
            at: Business time (default: the clock). Timezone-aware.
            **data: The inputs (the fields of the trigger's inputs class).

        Returns:
            The case after the step.

        Raises:
            CaseNotFoundError: no such case.
            AuthorizationError: the actor may not fire it.
            TransitionNotAllowedError: unknown trigger, or not from this state.
            RuleRejectedError: a guard refused (``.reason``, ``.basis``).
            ValidationError: bad input (``.field``).
            ConcurrentUpdateError: someone changed the case meanwhile; nothing written.
        """
        return self._run(case_id, trigger, actor, at, data)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Commit every intake and fire inside the block in one transaction.

        For bulk imports and simulations. If anything inside raises, nothing
        of the batch is written. Subscribers are notified after the batch.
        """
        with self._outbox.held(), self._store.batch():
            yield

    # -- steps outside the graph ----------------------------------------------

    @checked_arguments
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
        return self._run(case_id, CoreStep.extend_deadline, actor, at, data)

    @checked_arguments
    def supervise(
        self, *, at: dt.datetime | None = None, limit: int = 100, actor: Actor | None = None
    ) -> list[Event]:
        """Escalate every overdue clock not yet escalated (督办), each exactly once.

        Safe to run in several processes at once on PostgreSQL: each batch of
        breaches is claimed with ``FOR UPDATE SKIP LOCKED``. The escalation is an
        audited ``supervise`` step on the case (subscribers are notified
        through the outbox) and, per the policy, raises the case to the owning
        unit's superior and proposes 领导包案.

        Returns:
            The supervise events written by this call.
        """
        at = self._at(at)
        actor = self._actor(Actor.system() if actor is None else actor)
        if type(limit) is not int or not 0 < limit <= 100_000:
            raise ValidationError("limit", limit, "a page size from 1 to 100000")
        written: list[Event] = []
        while True:
            batch: list[Event] = []
            with self._store.batch():
                claimed = self._store.claim_overdue(at, limit)
                for case_id, deadline_id in claimed:
                    case = self._store.load(case_id)
                    data = {"deadline": deadline_id}
                    batch.append(self._step(case, CoreStep.supervise, actor, at, data, None)[1])
            written += batch
            self._outbox.after_commit()
            if len(claimed) < limit:
                return written

    @checked_arguments
    def run_scheduled(
        self, *, at: dt.datetime | None = None, limit: int = 100, actor: Actor | None = None
    ) -> list[Event]:
        """Take every step a clock calls for (:attr:`Step.on_due`): a reminder's cadence.

        For each registered step with ``on_due``, on every case where a clock of
        that period is open and falls due on or before the day of ``at``, the
        step is taken with no inputs, as ``actor`` (default: the system), through
        the one pipeline — audited, and refused by its guards when it no longer
        applies (the case moved on meanwhile). A refused step, or one another
        process took first (a concurrent update), is skipped: run it as often as
        you like, from as many processes as you like.

        Returns:
            The events written by this call.
        """
        at = self._at(at)
        actor = self._actor(Actor.system() if actor is None else actor)
        if type(limit) is not int or not 0 < limit <= 100_000:
            raise ValidationError("limit", limit, "a page size from 1 to 100000")
        by_period: dict[str, list[str]] = {}
        for step in self._registry.steps():
            if step.on_due is not None:
                by_period.setdefault(step.on_due.id, []).append(step.name.value)
        if not by_period:
            return []
        # Clocks due on any instant of today: the guard decides on the day.
        tomorrow = at.date() + dt.timedelta(days=1)
        until = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=self.policy.tz)
        written: list[Event] = []
        tried: set[tuple[str, str]] = set()  # each step at most once a case a call
        while True:
            wanted = limit + len(tried)
            rows = self._store.due(
                DueQuery(until=until, periods=frozenset(by_period), limit=wanted)
            )
            progress = False
            for case_id, clock in rows:
                for name in by_period[clock.period]:
                    if (case_id, name) in tried:
                        continue
                    tried.add((case_id, name))
                    progress = True
                    try:
                        case = self._store.load(case_id)
                        if case.updated_at is not None and at < case.updated_at:
                            continue  # its latest step is dated later: next time
                        written.append(self._step(case, name, actor, at, {}, None)[1])
                    except (RuleRejectedError, TransitionNotAllowedError, ConcurrentUpdateError):
                        continue  # no longer applies, or another process took it
                    self._outbox.after_commit()
            if not progress or len(rows) < wanted:
                return written

    @checked_arguments
    def recompute_provisional(
        self, *, at: dt.datetime | None = None, actor: Actor | None = None, limit: int = 200
    ) -> RecountReport:
        """Count every open provisional clock afresh, now that new calendar data is loaded.

        A due date computed before its year's holiday notice (国务院办公厅关于
        部分节假日安排的通知, RULES.md §8) is provisional. Once the notice is
        loaded (:meth:`mediation.rules.calendar.OfficialCalendar.add`), this
        counts each such clock again from its start, pauses and extensions:
        one audited ``recount_clocks`` event per changed case, written
        atomically; met, breached and cancelled clocks are never touched. A
        case changed concurrently is retried; a case whose latest step is
        dated after ``at`` is skipped and reported.

        Returns:
            Every date that moved, and what is still provisional.
        """
        at = self._at(at)
        actor = self._actor(Actor.system() if actor is None else actor)
        if type(limit) is not int or not 0 < limit <= 100_000:
            raise ValidationError("limit", limit, "a page size from 1 to 100000")
        examined = changed = cleared = still = 0
        moved: list[MovedDate] = []
        skipped: list[tuple[str, str]] = []
        after = ""
        while True:
            page = self._store.provisional_cases(after=after, limit=limit)
            for case_id in page:
                examined += 1
                for attempt in range(3):
                    before = self._store.load(case_id)
                    try:
                        new = self._run(case_id, CoreStep.recount_clocks, actor, at, {})
                    except RuleRejectedError as exc:
                        if exc.rule != "recount":
                            skipped.append((case_id, str(exc)))
                        new = before
                    except ConcurrentUpdateError:
                        if attempt == 2:
                            raise
                        continue
                    except ValidationError as exc:
                        skipped.append((case_id, str(exc)))
                        new = before
                    break
                if new is not before:
                    changed += 1
                old = {d.id: d for d in before.deadlines}
                for d in new.deadlines:
                    was = old.get(d.id)
                    if d.is_open and d.estimated:
                        still += 1
                    if was is None or not was.estimated or not was.is_open:
                        continue
                    if not d.estimated:
                        cleared += 1
                    if d.due != was.due:
                        moved.append(
                            MovedDate(case_id, d.id, d.period, was.due, d.due, d.estimated)
                        )
            if len(page) < limit:
                break
            after = page[-1]
        return RecountReport(examined, changed, tuple(moved), cleared, still, tuple(skipped))

    @checked_arguments
    def migrate_case(
        self, case_id: str, *, to_version: int, actor: Actor, at: dt.datetime | None = None
    ) -> Case:
        """Move a running case to another version of its workflow, as an audited step.

        The case keeps its state, which must exist in the target version, and
        its details, whose type must be the same.

        Raises:
            ValidationError: unknown target version, the state does not exist
                there, or the details type differs.
            AuthorizationError: only admins migrate.
        """
        case = self.get(case_id, actor=actor)
        data = {"from_version": case.workflow_version, "to_version": to_version}
        return self._run(case_id, CoreStep.migrate_workflow, actor, at, data)

    def _check_migration(self, case: Case, data: Mapping[str, Any]) -> None:
        """The target version exists, has the case's state and the same details type.

        Raises:
            ValidationError: naming ``from_version`` or ``to_version``.
        """
        given, to_version = data.get("from_version"), data.get("to_version")
        if type(to_version) is not int:
            raise ValidationError("to_version", to_version, "a workflow version number")
        if given != case.workflow_version:
            raise ValidationError(
                "from_version", given, f"the case runs on version {case.workflow_version}"
            )
        target = self._compiled.get((case.workflow, to_version))
        if target is None or to_version == case.workflow_version:
            raise ValidationError(
                "to_version", to_version, "no other version of the workflow is registered so"
            )
        current = self._journal.workflow(case).definition
        if not target.definition.has_state(case.state):
            raise ValidationError(
                "to_version", to_version, f"state {case.state!r} does not exist in that version"
            )
        if target.definition.details is not current.details:
            raise ValidationError(
                "to_version", to_version, "that version's cases carry another details type"
            )

    # -- the organisation -----------------------------------------------------

    @property
    def org(self) -> OrgTree | None:
        """The organisation this engine runs with: its policy's, or the one stored."""
        return self.policy.org

    def _set_org(self, tree: OrgTree) -> None:
        self.policy = attrs.evolve(self.policy, org=tree)
        self.clocks.policy = self.policy
        self._journal.policy = self.policy
        if self._role_policy is not None:
            self._role_policy.org = tree

    def _org_at(self, seq: int) -> OrgTree:
        if seq > self._org_book.seq:
            self._org_book.refresh()
        return self._org_book.tree_at(seq)

    def refresh_org(self) -> OrgTree | None:
        """Read the stored organisation again (after another process changed it)."""
        tree = self._org_book.refresh()
        if tree is not None and self._org_stored:
            self._set_org(tree)
        return tree

    def _change_org(
        self,
        op: str,
        data: Mapping[str, Any],
        actor: Actor,
        at: dt.datetime | None,
        units: Iterable[str],
    ) -> OrgTree:
        """Authorize, apply and store one change of the organisation."""
        actor = self._actor(actor)
        if not self._org_stored:
            raise ValidationError(
                "org",
                op,
                "this engine runs with the organisation its policy gives; open it without "
                "policy.org to keep the organisation in the database",
            )
        if not actor.is_system:
            if Role.admin.value not in actor.roles:
                raise AuthorizationError(actor.id, "org", "只有管理员可以维护组织机构")
            if self.org is not None:
                for unit in units:
                    if unit in self.org:
                        self._allow(actor, Access("org", unit, frozenset({Role.admin.value})))
        when = self._at(at)
        for attempt in range(3):
            try:
                tree, _ = self._org_book.change(op, data, actor.id, when)
                break
            except ConcurrentUpdateError:
                if attempt == 2:
                    raise
                self._org_book.refresh()
        self._set_org(tree)
        return tree

    @checked_arguments
    def load_org(
        self, units: Iterable[Unit], *, actor: Actor, at: dt.datetime | None = None
    ) -> OrgTree:
        """Store the whole organisation (the first load, or a reload of the office's list).

        One audited change; the tree is checked before anything is written.
        Units are never deleted: one of the current tree missing from
        ``units`` is refused (merge it or mark it inactive).

        Raises:
            ValidationError: the units do not make a valid tree, or one is missing.
            AuthorizationError: only an admin of a root unit (or a system actor).
        """
        if isinstance(units, OrgTree):
            units = units.units
        if isinstance(units, str | bytes | Mapping) or not isinstance(units, Iterable):
            raise ValidationError("units", units, "a list of Unit values")
        given = list(units)
        if not all(isinstance(u, Unit) for u in given):
            raise ValidationError("units", given, "a list of Unit values")
        data = {"units": [self._codec.encode(u) for u in given]}
        roots = [u.id for u in self.org if u.parent is None] if self.org is not None else []
        return self._change_org("load", data, actor, at, roots)

    @checked_arguments
    def put_unit(self, unit: Unit, *, actor: Actor, at: dt.datetime | None = None) -> OrgTree:
        """Add a unit, or change one (rename, move, line parent, centre), as one audited change.

        Raises:
            ValidationError: the change breaks the tree (unknown parent, cycle...).
            AuthorizationError: only an admin whose subtree holds the unit and its new parent.
        """
        if not isinstance(unit, Unit):
            raise ValidationError("unit", unit, "a Unit value")
        touched = [u for u in (unit.id, unit.parent) if u is not None]
        if self.org is not None and unit.id in self.org:
            old_parent = self.org.get(unit.id).parent
            if old_parent is not None:
                touched.append(old_parent)
        return self._change_org("put", {"unit": self._codec.encode(unit)}, actor, at, touched)

    @checked_arguments
    def merge_unit(
        self, unit_id: str, *, into: str, actor: Actor, at: dt.datetime | None = None
    ) -> OrgTree:
        """Merge a unit into another (撤并): inactive, its cases readable under its successor.

        Raises:
            ValidationError: unknown units, or a merge into itself or a unit below it.
            AuthorizationError: only an admin whose subtree holds both.
        """
        data = {"unit": unit_id, "into": into}
        return self._change_org("merge", data, actor, at, [unit_id, into])

    def org_history(self) -> list[OrgEvent]:
        """Every stored change of the organisation, oldest first."""
        return self._store.org_events()

    def verify_org(self) -> str | None:
        """The first problem of the stored organisation's log, or ``None`` when it verifies."""
        return self._org_book.verify()

    # -- documents ------------------------------------------------------------

    @property
    def documents(self) -> DocumentRenderer:
        """The document renderer (built on first use: Jinja2 loads only when needed)."""
        if self._documents is None:
            from mediation.documents import DocumentRenderer

            self._documents = DocumentRenderer()
        return self._documents

    def _document_kind(self, case: Case, kind: str) -> None:
        if not isinstance(kind, str) or kind not in {k.kind for k in self.documents.kinds()}:
            raise ValidationError("kind", kind, "unknown document kind")
        definition = self._journal.workflow(case).definition
        if kind not in definition.documents:
            raise ValidationError(
                "kind",
                kind,
                f"not a document of workflow {definition.name!r} "
                f"(its documents: {', '.join(definition.documents) or 'none'})",
            )

    @checked_arguments
    def issue_document(
        self, case_id: str, kind: str, *, actor: Actor, at: dt.datetime | None = None
    ) -> str:
        """Give a document of the case its number (once), as an audited step; return it.

        Numbers run per unit, kind and year without gaps: the counter moves in
        the same transaction as the audit event, so a refused or conflicting
        step leaves no hole. Issuing a kind already numbered returns its number.

        Raises:
            ValidationError: unknown document kind, or not one of the case's workflow.
            AuthorizationError: the actor may not issue documents for this case.
        """
        case = self.get(case_id, actor=actor)
        self._document_kind(case, kind)
        existing = case.document_number(kind)
        if existing is not None:
            return existing
        new = self._run(case_id, CoreStep.issue_document, actor, at, {"kind": kind})
        number = new.document_number(kind)
        assert number is not None
        return number

    @checked_arguments
    def render(
        self,
        case_id: str,
        kind: str,
        *,
        format: str = "text",
        extra: Mapping[str, Any] | None = None,
        today: dt.date | None = None,
        actor: Actor | None = None,
    ) -> str | bytes:
        """Render a document of the case: ``text``/``html`` give str, ``docx``/``pdf`` bytes.

        The context is built from the case, its history, its unit, its
        workflow (labels) and the policy (vocabularies, clocks); the number is
        the one issued with :meth:`issue_document` (a draft without a number
        otherwise).

        Raises:
            CaseNotFoundError: no such case.
            AuthorizationError: ``actor`` may not read the case.
            ValidationError: unknown kind or format, a kind of another workflow,
                or the case lacks what the document must state (e.g. an
                agreement item).
            DocumentRenderError: the template failed or ran past its bounds.
        """
        if today is not None:
            if type(today) is not dt.date:
                raise ValidationError("today", today, "a datetime.date (the date printed)")
            check_day("today", today)
        case = self.get(case_id, actor=actor)
        self._document_kind(case, kind)
        org = self.policy.org
        return self.documents.render(
            kind,
            case,
            format=format,
            history=self._store.events(case_id),
            unit=org.get(case.unit) if org is not None and case.unit in org else None,
            number=case.document_number(kind),
            extra=extra,
            clock_rule=self.clocks.rule,
            today=today,
            definition=self._journal.workflow(case).definition,
            policy=self.policy,
            linked=self._linked_codes(case),
        )

    def _linked_codes(self, case: Case) -> dict[str, str]:
        """The codes of the cases ``case`` links to (a code names a case; nothing else of
        the other case is read), for documents that cite the case on the other side."""
        codes: dict[str, str] = {}
        for link in case.links:
            with contextlib.suppress(CaseNotFoundError):
                codes[link.case_id] = self._store.load(link.case_id).code
        return codes

    # -- queries: every read is scoped like a write ---------------------------

    def _reader(self, actor: Actor | None) -> Actor:
        if actor is None:
            actor = self._default_reader
            if actor is None:
                raise AuthorizationError(
                    "-",
                    "read",
                    "reads need an actor: pass actor=…, or build the engine with "
                    "reader=Actor.system() if your system checks access itself",
                )
        return self._actor(actor)

    def _may_read(self, actor: Actor, case: Case) -> bool:
        return self._access(actor, Access("read", case.unit, frozenset(), case)).allowed

    def _scope(self, actor: Actor, within: str | None, unit: str | None) -> frozenset[str] | None:
        """The units a list query may return: the actor's scope, within ``within``."""
        units_of = getattr(self._authorize, "units", None)
        scope: frozenset[str] | None = units_of(actor) if callable(units_of) else None
        if within is not None:
            subtree = self._subtree(within)
            scope = subtree if scope is None else scope & subtree
        if unit is not None and not isinstance(unit, str):
            raise ValidationError("unit", unit, "a unit id")
        return scope

    @checked_arguments
    def get(self, case_id: str, *, actor: Actor | None = None) -> Case:
        """The case as stored now, if ``actor`` may see it.

        Raises:
            CaseNotFoundError: no such case.
            AuthorizationError: the actor may not read it (outside its unit's subtree).
        """
        reader = self._reader(actor)
        case = self._store.load(_case_id(case_id))
        self._allow(reader, Access("read", case.unit, frozenset(), case))
        return case

    def _subtree(self, within: str) -> frozenset[str]:
        org = self.policy.org
        if org is None:
            raise ValidationError("within", within, "needs an org tree in the policy")
        if not isinstance(within, str):
            raise ValidationError("within", within, "a unit id")
        org.get(within)
        return frozenset(u.id for u in org if org.within(u.id, within))

    @checked_arguments
    def find(
        self,
        *,
        state: str | None = None,
        level: str | None = None,
        unit: str | None = None,
        within: str | None = None,
        category: str | None = None,
        party_id: str | None = None,
        kind: str | None = None,
        workflow: str | None = None,
        limit: int = 100,
        offset: int = 0,
        after: tuple[dt.datetime, str] | None = None,
        before: tuple[dt.datetime, str] | None = None,
        assignee: str | None = None,
        unassigned: bool = False,
        actor: Actor | None = None,
    ) -> list[Case]:
        """Cases ``actor`` may see, by state, level, unit (or org subtree ``within``), category,
        party ID, kind or workflow, oldest received first (by ``received_at``, then ``id``).

        Page with a keyset cursor rather than a growing ``offset``: pass the
        ``(received_at, id)`` of the last case of a page as ``after`` to get the
        next page, or of the first case as ``before`` to get the page preceding
        it (still oldest first). Either reads only the page from the index,
        however deep it is, and a case received meanwhile never shifts a page
        already shown. ``offset`` skips that many cases further (from the
        cursor, walking away from it).

        Paging through every case, 50 at a time::

            page = engine.find(limit=50)
            while page:
                ...
                page = engine.find(after=(page[-1].received_at, page[-1].id), limit=50)

        Args:
            limit: At most this many cases (1 to 100000).
            offset: Skip this many matching cases first.
            after: Only cases after this (received_at, id) position.
            before: Only cases before this (received_at, id) position: the
                ``limit`` nearest to it. Not together with ``after``.
            assignee: Only cases this actor id handles (承办人, :attr:`Case.assignees`):
                a mediator's own cases, however many others the unit has.
            unassigned: Only cases nobody handles yet (a queue to assign from). Not
                together with ``assignee``.

        Raises:
            ValidationError: a filter of the wrong type, a negative page, or a
                cursor that is not a (timezone-aware datetime, case id) pair.
            AuthorizationError: no actor (and no default reader).
        """
        reader = self._reader(actor)
        for name, value in (
            ("state", state),
            ("level", level),
            ("unit", unit),
            ("within", within),
            ("category", category),
            ("party_id", party_id),
            ("kind", kind),
            ("workflow", workflow),
            ("assignee", assignee),
        ):
            if value is not None:
                _text_arg(name, value)
        _page(limit, offset)
        if after is not None and before is not None:
            raise ValidationError("before", before, "not together with after")
        if type(unassigned) is not bool:
            raise ValidationError("unassigned", unassigned, "True or False")
        if unassigned and assignee is not None:
            raise ValidationError("unassigned", unassigned, "not together with assignee")
        query = CaseQuery(
            after=None if after is None else _cursor("after", after),
            before=None if before is None else _cursor("before", before),
            state=state,
            level=level,
            unit=unit,
            units=self._scope(reader, within, unit),
            category=category,
            party_id=party_id,
            kind=kind,
            workflow=workflow,
            limit=limit,
            offset=offset,
            assignee=assignee,
            unassigned=unassigned,
        )
        found = self._store.find(query)
        if callable(getattr(self._authorize, "units", None)):
            return found
        return [c for c in found if self._may_read(reader, c)]

    @checked_arguments
    def history(self, case_id: str, *, actor: Actor | None = None) -> list[Event]:
        """The case's audit log, oldest first.

        Raises:
            CaseNotFoundError: no such case.
            AuthorizationError: the actor may not read it.
        """
        self.get(case_id, actor=actor)
        return self._store.events(case_id)

    @checked_arguments
    def available_triggers(
        self,
        case_id: str,
        actor: Actor,
        at: dt.datetime | None = None,
        *,
        inputs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> list[TriggerOption]:
        """Every trigger of the case's workflow and every listed step, and whether ``actor`` may take it.

        The answer comes from the same code as :meth:`fire` (nothing is
        written): ``allowed`` is True exactly when firing it now with the
        inputs in ``inputs[name]`` (none if absent) would succeed, and a
        refusal carries the reason, basis and field of the error ``fire``
        would raise. When the refusal is for required inputs not given,
        ``needs`` lists them: the step is possible once they are filled in.

        Raises:
            AuthorizationError: the actor may not read the case.
        """
        at = self._at(at)
        actor = self._actor(actor)
        case = self.get(case_id, actor=actor)
        if inputs is not None and not isinstance(inputs, Mapping):
            raise ValidationError("inputs", inputs, "a mapping of trigger name to its inputs")
        compiled = self._journal.workflow(case)
        names: list[tuple[str, str, bool]] = [
            (t.value, str(getattr(t, "label", t.value)), False)
            for t in compiled.definition.triggers
        ]
        for step in self._registry.steps():
            if step.listed and (step.workflows is None or case.workflow in step.workflows):
                names.append((step.name.value, step.label, True))
        out = []
        for name, label, is_step in names:
            cls = self._journal.inputs_class(case, name)
            given = {} if inputs is None else inputs.get(name) or {}
            try:
                _, _, follow = self._decide(case, name, actor, at, given, _unnumbered)
                self._dry_follow(follow, case, actor, at, 1)
            except MediationError as exc:
                reason, basis, fld = _reason(exc)
                missing = tuple(
                    n
                    for n in _required(cls)
                    if not isinstance(given, Mapping) or given.get(n) in (None, "")
                )
                needs = missing if isinstance(exc, ValidationError) and fld in missing else ()
                out.append(
                    TriggerOption(name, label, False, reason, basis, needs, fld, is_step, cls)
                )
                continue
            out.append(TriggerOption(name, label, True, step=is_step, inputs=cls))
        return out

    @checked_arguments
    def explain(self, case_id: str, deadline_id: str, *, actor: Actor | None = None) -> Explanation:
        """How a clock's due date was computed: start, unit, length, pauses, rolls, the law.

        Raises:
            CaseNotFoundError: no such case.
            AuthorizationError: the actor may not read it.
            ValidationError: no such clock, or one on a date the parties agreed
                (nothing to compute).
        """
        clock = self.get(case_id, actor=actor).deadline(deadline_id)
        if isinstance(self.clocks.rule(clock.period), FixedClock):
            raise ValidationError(
                "deadline", deadline_id, "a date the parties agreed is not computed"
            )
        due, _ = self.clocks.due(
            clock.period, clock.start, paused=clock.paused, extension=clock.extension
        )
        assert due.explanation is not None  # computed now, not read from a log
        return due.explanation

    @checked_arguments
    def due(
        self,
        *,
        at: dt.datetime | None = None,
        warnings: bool = False,
        periods: Iterable[str] | None = None,
        kinds: Iterable[ClockKind | str] | None = None,
        level: str | None = None,
        within: str | None = None,
        unescalated: bool = False,
        limit: int = 100,
        actor: Actor | None = None,
    ) -> list[DueItem]:
        """Overdue clocks of the cases ``actor`` may see (and, with ``warnings``, those in
        their warning window), earliest first.

        By default the unit's own clocks: hard limits (``duty``, supervised
        when breached) and targets (``target``: 一般…, a warning only) — each
        item says which (:attr:`DueItem.kind`, :attr:`DueItem.hard`). A
        parties' period (申请司法确认…) or another organ's is listed only when
        asked for with ``kinds`` (to remind the parties): it is never the
        unit's breach.

        Served by the (status, due_at) index: the first page is fast however many
        cases are open.
        """
        reader = self._reader(actor)
        at = self._at(at)
        _page(limit, 0)
        _flag("warnings", warnings)
        _flag("unescalated", unescalated)
        if periods is not None:
            periods = frozenset(_texts_arg("periods", periods))
        if kinds is None:
            wanted = _OWN_KINDS
        else:
            wanted = frozenset(
                parse_enum(ClockKind, "kinds", k).value for k in _list("kinds", kinds)
            )
        for name, value in (("level", level), ("within", within)):
            if value is not None:
                _text_arg(name, value)
        today = at.astimezone(self.policy.tz).date()
        query = DueQuery(
            until=at,
            warn_until=today if warnings else None,
            periods=periods,
            kinds=wanted,
            level=level,
            units=self._scope(reader, within, None),
            unescalated=unescalated,
            limit=limit,
        )
        policy = self.policy.warnings
        rows = self._store.due(query)
        if not callable(getattr(self._authorize, "units", None)):
            rows = [(cid, d) for cid, d in rows if self._may_read(reader, self._store.load(cid))]
        return [
            DueItem(
                cid,
                d,
                # At 24:00 of the last day itself the period has not run out (《民法典》第二百零三条
                # 第二款): its own day's warning, not overdue.
                policy.level(d.start, d.due, min(today, d.due))
                if at <= d.due_at
                else WarningLevel.overdue,
            )
            for cid, d in rows
        ]

    # -- audit ----------------------------------------------------------------

    @checked_arguments
    def replay(self, case_id: str, *, actor: Actor | None = None) -> Case:
        """Rebuild a case from its audit log alone (the rules are re-run on the logged inputs)."""
        self.get(case_id, actor=actor)
        return self._journal.replay(self._store.events(case_id))

    @checked_arguments
    def verify(self, case_id: str, *, actor: Actor | None = None) -> VerifyReport:
        """Check one case: its hash chain (and seals), replay, and every column queries read.

        Returns a report naming the case and its first bad event; never raises
        for a bad chain or a corrupt row (see the README, "What verify proves").

        Raises:
            CaseNotFoundError: no such case.
            AuthorizationError: the actor may not read it.
        """
        reader = self._reader(actor)
        unit = self._store.unit_of(_case_id(case_id))
        self._allow(reader, Access("read", unit, frozenset(), None))
        return self._auditor.verify(case_id)

    @checked_arguments
    def verify_all(
        self, *, checkpoint: Checkpoint | None = None, actor: Actor | None = None
    ) -> AuditReport:
        """Verify every case the actor may see; with a checkpoint, also that none was
        deleted, rolled back or rewritten since it was taken.

        Returns a report listing each bad case with its first bad event.
        """
        reader = self._reader(actor)
        if checkpoint is not None and not isinstance(checkpoint, Checkpoint):
            raise ValidationError("checkpoint", checkpoint, "a Checkpoint")
        units = self._scope(reader, None, None)
        return self._auditor.verify_all(units, checkpoint, self._audit_key)

    @checked_arguments
    def checkpoint(
        self, *, at: dt.datetime | None = None, actor: Actor | None = None
    ) -> Checkpoint:
        """Every case's chain head now: store it outside the database (``to_json``), and
        later :meth:`verify_all` against it to detect deleted, rolled-back or rewritten cases.

        Raises:
            AuthorizationError: only a system actor takes checkpoints of the whole database.
        """
        reader = self._reader(actor)
        if not reader.is_system:
            raise AuthorizationError(
                reader.id, "checkpoint", "only a system actor (Actor.system())"
            )
        return self._auditor.checkpoint(self._at(at), self._audit_key)

    # -- outbox ---------------------------------------------------------------

    @checked_arguments
    def subscribe(self, handler: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``handler`` with every committed event, at least once, in commit order.

        Events committed while nobody listened (or before a restart) are
        delivered when a handler subscribes. A handler that raises leaves its
        event pending; it is delivered again on the next delivery.

        Returns:
            A function that unsubscribes the handler.

        Raises:
            ValidationError: ``handler`` cannot be called (delivery would fail on every event
                and hold back the other subscribers' events).
        """
        if not callable(handler):
            raise ValidationError("handler", repr(handler), "a callable taking an Event")
        return self._outbox.subscribe(handler)

    @checked_arguments
    def deliver(self, limit: int = 1000) -> int:
        """Deliver pending outbox events to the subscribers; return how many were delivered.

        Raises:
            ValidationError: ``limit`` is not a whole number from 1 to 100000.
        """
        _page(limit, 0)
        return self._outbox.deliver(limit)

    # -- statistics -----------------------------------------------------------

    @checked_arguments
    def statistics(
        self,
        *,
        actor: Actor | None = None,
        within: str | None = None,
        since: dt.date,
        until: dt.date,
        at: dt.datetime | None = None,
    ) -> Statistics:
        """The figures of the cases ``actor`` may see (within ``within``'s subtree) over the
        days ``since`` … ``until`` (both included, in the policy's time zone).

        Received by channel and category; ended by how and at which level
        (小事不出村、大事不出镇); 化解率; on-time rate of duty clocks per period; time to
        close; backlog at the end of each day; referrals and hand-offs; petitions,
        repeat petitions, 包案, 最多跑一地; callback satisfaction. Definitions:
        :mod:`mediation.statistics`. The SQL store computes them in the database
        (``GROUP BY``), the memory store in Python: the figures are the same.

        Args:
            actor: Who reads (the data scope of :meth:`find`).
            within: Only this unit's subtree.
            since: First day.
            until: Last day.
            at: "Now" for clocks still open (default the engine's clock; at most
                the end of the window).

        Raises:
            ValidationError: ``since``/``until`` not dates or in the wrong order, an
                unknown ``within``.
            AuthorizationError: no actor (and no default reader).
        """
        from mediation import statistics as stats

        reader = self._reader(actor)
        if within is not None:
            _text_arg("within", within)
        tz = self.policy.tz
        start, end = stats.window(since, until, tz)
        as_of = min(self._at(at), end)
        units = self._scope(reader, within, None)
        if not callable(getattr(self._authorize, "units", None)) and not reader.is_system:
            # A custom authorizer without a scope answer: ask it unit by unit.
            org = self.policy.org
            if org is None:
                raise AuthorizationError(
                    reader.id, "statistics", "the authorizer gives no data scope and no org tree"
                )
            allowed = frozenset(
                u.id for u in org if self._access(reader, Access("read", u.id)).allowed
            )
            units = allowed if units is None else units & allowed
        closed = frozenset(
            f"{d.name} {s.value}" for d in self._registry.workflows() for s in d.closed
        )
        query = stats.StatsQuery(start, end, as_of, units, closed)
        tally_of = getattr(self._store, "statistics", None)
        if callable(tally_of):
            tally = tally_of(query)
        else:
            # Every case: a case that moved on still has clocks that count for the units
            # that held it (statistics.clock_units); the tally scopes each figure.
            ids: list[str] = []
            while batch := self._store.case_ids(
                after=ids[-1] if ids else None, limit=10_000, units=None
            ):
                ids += batch
            tally = stats.tally_cases((self._store.load(i) for i in ids), query)
        return stats.build(
            query,
            tally,
            unit=within,
            levels=[
                lv.name
                for lv in self.policy.ladder.levels
                if self.policy.org is None or any(u.level == lv.name for u in self.policy.org)
            ],
            channels=self.policy.channels.labels,
            categories=self.policy.categories,
            tz=tz,
        )
