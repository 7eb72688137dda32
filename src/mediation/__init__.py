"""mediation: a case-workflow engine for grassroots dispute mediation and petitions.

The public API is what this module exports; everything else is an
implementation detail. The extension points are exported too: a
:class:`WorkflowDefinition` (with its :class:`Transition` arrows) or a
:class:`Step` outside any graph, registered with an :class:`Engine`; a
:class:`Store` for another database; an :data:`Authorizer`; a
:class:`DocumentRenderer` with document kinds of your own.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from mediation._errors import ArgumentError as ArgumentError
from mediation._errors import AuthorizationError as AuthorizationError
from mediation._errors import CalendarError as CalendarError
from mediation._errors import CaseNotFoundError as CaseNotFoundError
from mediation._errors import ConcurrentUpdateError as ConcurrentUpdateError
from mediation._errors import CorruptRowError as CorruptRowError
from mediation._errors import DefinitionError as DefinitionError
from mediation._errors import DocumentRenderError as DocumentRenderError
from mediation._errors import MediationError as MediationError
from mediation._errors import PersistenceError as PersistenceError
from mediation._errors import RuleRejectedError as RuleRejectedError
from mediation._errors import TransitionError as TransitionError
from mediation._errors import TransitionNotAllowedError as TransitionNotAllowedError
from mediation._errors import ValidationError as ValidationError
from mediation.engine import AuditReport as AuditReport
from mediation.engine import Checkpoint as Checkpoint
from mediation.engine import DueItem as DueItem
from mediation.engine import Engine as Engine
from mediation.engine import MovedDate as MovedDate
from mediation.engine import RecountReport as RecountReport
from mediation.engine import TriggerOption as TriggerOption
from mediation.engine import VerifyReport as VerifyReport
from mediation.model import Actor as Actor
from mediation.model import Agreement as Agreement
from mediation.model import AgreementForm as AgreementForm
from mediation.model import Case as Case
from mediation.model import CaseKind as CaseKind
from mediation.model import Channel as Channel
from mediation.model import ClockKind as ClockKind
from mediation.model import Deadline as Deadline
from mediation.model import DeadlineStatus as DeadlineStatus
from mediation.model import Event as Event
from mediation.model import Intake as Intake
from mediation.model import IssuedDocument as IssuedDocument
from mediation.model import LabeledEnum as LabeledEnum
from mediation.model import Link as Link
from mediation.model import LinkKind as LinkKind
from mediation.model import Overlays as Overlays
from mediation.model import Party as Party
from mediation.model import PartyKind as PartyKind
from mediation.model import PartyRole as PartyRole
from mediation.model import Place as Place
from mediation.model import Risk as Risk
from mediation.model import Role as Role
from mediation.model import Signature as Signature
from mediation.model import SignerCapacity as SignerCapacity
from mediation.model import Unit as Unit
from mediation.model import Visit as Visit
from mediation.rules.authz import Access as Access
from mediation.rules.authz import Authorizer as Authorizer
from mediation.rules.authz import RolePolicy as RolePolicy
from mediation.rules.base import Context as Context
from mediation.rules.base import Decision as Decision
from mediation.rules.base import NoInputs as NoInputs
from mediation.rules.clockbook import FixedClock as FixedClock
from mediation.rules.org import OrgTree as OrgTree
from mediation.rules.periods import PeriodRule as PeriodRule
from mediation.rules.policy import CallbackPolicy as CallbackPolicy
from mediation.rules.policy import Policy as Policy
from mediation.store.base import Store as Store
from mediation.workflows.definition import Hook as Hook
from mediation.workflows.definition import Numbering as Numbering
from mediation.workflows.definition import Site as Site
from mediation.workflows.definition import Step as Step
from mediation.workflows.definition import Transition as Transition
from mediation.workflows.definition import WorkflowDefinition as WorkflowDefinition

if TYPE_CHECKING:
    from mediation.documents import DocumentRenderer as DocumentRenderer

from mediation.statistics import Durations as Durations
from mediation.statistics import Statistics as Statistics

try:
    __version__ = version("mediation")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"


def __getattr__(name: str) -> Any:
    """``DocumentRenderer`` is imported on first use: Jinja2 loads only when documents are made."""
    if name == "DocumentRenderer":
        from mediation.documents import DocumentRenderer

        return DocumentRenderer
    raise AttributeError(f"module 'mediation' has no attribute {name!r}")


__all__ = [
    "Access",
    "Actor",
    "Agreement",
    "AgreementForm",
    "ArgumentError",
    "AuditReport",
    "AuthorizationError",
    "Authorizer",
    "CalendarError",
    "CallbackPolicy",
    "Case",
    "CaseKind",
    "CaseNotFoundError",
    "Channel",
    "Checkpoint",
    "ClockKind",
    "ConcurrentUpdateError",
    "Context",
    "CorruptRowError",
    "Deadline",
    "DeadlineStatus",
    "Decision",
    "DefinitionError",
    "DocumentRenderError",
    "DocumentRenderer",
    "DueItem",
    "Durations",
    "Engine",
    "Event",
    "FixedClock",
    "Hook",
    "Intake",
    "IssuedDocument",
    "LabeledEnum",
    "Link",
    "LinkKind",
    "MediationError",
    "MovedDate",
    "NoInputs",
    "Numbering",
    "OrgTree",
    "Overlays",
    "Party",
    "PartyKind",
    "PartyRole",
    "PeriodRule",
    "PersistenceError",
    "Place",
    "Policy",
    "RecountReport",
    "Risk",
    "Role",
    "RolePolicy",
    "RuleRejectedError",
    "Signature",
    "SignerCapacity",
    "Site",
    "Statistics",
    "Step",
    "Store",
    "Transition",
    "TransitionError",
    "TransitionNotAllowedError",
    "TriggerOption",
    "Unit",
    "ValidationError",
    "VerifyReport",
    "Visit",
    "WorkflowDefinition",
    "__version__",
]
