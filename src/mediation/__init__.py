"""mediation: a case-workflow engine for grassroots dispute mediation and petitions.

The public API is what this module exports; everything else is an
implementation detail.
"""

from importlib.metadata import PackageNotFoundError, version

from mediation._errors import AuthorizationError as AuthorizationError
from mediation._errors import CalendarError as CalendarError
from mediation._errors import CaseNotFoundError as CaseNotFoundError
from mediation._errors import ConcurrentUpdateError as ConcurrentUpdateError
from mediation._errors import DefinitionError as DefinitionError
from mediation._errors import DocumentRenderError as DocumentRenderError
from mediation._errors import MediationError as MediationError
from mediation._errors import PersistenceError as PersistenceError
from mediation._errors import RuleRejectedError as RuleRejectedError
from mediation._errors import TransitionError as TransitionError
from mediation._errors import TransitionNotAllowedError as TransitionNotAllowedError
from mediation._errors import ValidationError as ValidationError
from mediation.engine import DueItem as DueItem
from mediation.engine import Engine as Engine
from mediation.engine import TriggerOption as TriggerOption
from mediation.engine import VerifyReport as VerifyReport
from mediation.model import Actor as Actor
from mediation.model import Agreement as Agreement
from mediation.model import AgreementForm as AgreementForm
from mediation.model import Case as Case
from mediation.model import CaseKind as CaseKind
from mediation.model import Channel as Channel
from mediation.model import Deadline as Deadline
from mediation.model import DeadlineStatus as DeadlineStatus
from mediation.model import Event as Event
from mediation.model import Party as Party
from mediation.model import PartyKind as PartyKind
from mediation.model import PartyRole as PartyRole
from mediation.model import Place as Place
from mediation.model import Risk as Risk
from mediation.model import Role as Role
from mediation.model import Signature as Signature
from mediation.model import Unit as Unit
from mediation.model import Visit as Visit
from mediation.rules.org import OrgTree as OrgTree
from mediation.rules.policy import CallbackPolicy as CallbackPolicy
from mediation.rules.policy import Policy as Policy

try:
    __version__ = version("mediation")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Actor",
    "Agreement",
    "AgreementForm",
    "AuthorizationError",
    "CalendarError",
    "CallbackPolicy",
    "Case",
    "CaseKind",
    "CaseNotFoundError",
    "Channel",
    "ConcurrentUpdateError",
    "Deadline",
    "DeadlineStatus",
    "DefinitionError",
    "DocumentRenderError",
    "DueItem",
    "Engine",
    "Event",
    "MediationError",
    "OrgTree",
    "Party",
    "PartyKind",
    "PartyRole",
    "PersistenceError",
    "Place",
    "Policy",
    "Risk",
    "Role",
    "RuleRejectedError",
    "Signature",
    "TransitionError",
    "TransitionNotAllowedError",
    "TriggerOption",
    "Unit",
    "ValidationError",
    "VerifyReport",
    "Visit",
    "__version__",
]
