"""The one exception hierarchy of ``mediation``.

Every error the library raises is a :class:`MediationError`; errors of the
libraries underneath (transitions, SQLAlchemy, Jinja2, python-stdnum) are
mapped at the boundary with ``raise ... from exc`` and never escape raw::

    MediationError
    ├── DefinitionError            bad workflow / rule definition (at build time)
    ├── TransitionError
    │   ├── TransitionNotAllowedError   .state .trigger
    │   └── RuleRejectedError           .rule .reason .basis
    ├── ValidationError            bad input: .field .value .rule
    │   └── ArgumentError          a call's arguments do not fit the method (also TypeError)
    ├── AuthorizationError         the actor may not do this: .actor .action
    ├── CaseNotFoundError          (also LookupError)
    ├── ConcurrentUpdateError      .case_id .expected_version
    ├── PersistenceError           wraps SQLAlchemy errors
    │   └── CorruptRowError        a stored row that cannot be read: .seq
    ├── CalendarError              no official holiday data for a date, ...
    └── DocumentRenderError        wraps Jinja errors
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

__all__ = [
    "ArgumentError",
    "AuthorizationError",
    "CalendarError",
    "CaseNotFoundError",
    "ConcurrentUpdateError",
    "CorruptRowError",
    "DefinitionError",
    "DocumentRenderError",
    "MediationError",
    "PersistenceError",
    "RuleRejectedError",
    "TransitionError",
    "TransitionNotAllowedError",
    "ValidationError",
]


class MediationError(Exception):
    """Root of every error raised by ``mediation``."""


class DefinitionError(MediationError):
    """A workflow or rule definition is malformed (raised when it is built)."""


class TransitionError(MediationError):
    """A trigger could not be fired on a case."""


class TransitionNotAllowedError(TransitionError):
    """The trigger does not exist or has no transition from the case's state.

    Attributes:
        state: The state the case is in.
        trigger: The trigger that was asked for.
        basis: The legal source that makes the state final (the workflow's
            :attr:`~mediation.WorkflowDefinition.endings`), or ``""``.
    """

    def __init__(
        self, state: str, trigger: str, message: str | None = None, basis: str = ""
    ) -> None:
        self.state = state
        self.trigger = trigger
        self.basis = basis
        super().__init__(
            message or f"trigger {_short(trigger)} is not allowed in state {_short(state)}"
        )


class RuleRejectedError(TransitionError):
    """A guard (a rule) refused the transition.

    Attributes:
        rule: The rule's name.
        reason: Why it refused, in words a clerk can act on.
        basis: The legal source the rule cites (law and article), or ``""``.
    """

    def __init__(self, rule: str, reason: str, basis: str = "") -> None:
        self.rule = rule
        self.reason = reason
        self.basis = basis
        suffix = f" ({basis})" if basis else ""
        super().__init__(f"{rule}: {reason}{suffix}")


class ValidationError(MediationError, ValueError):
    """Bad input.

    Attributes:
        field: The input field at fault (dotted path, e.g. ``parties[1].id_number``).
        value: The offending value.
        rule: The rule it breaks, in words.
        basis: The legal source of the rule, where there is one.
    """

    def __init__(self, field: str, value: Any, rule: str, basis: str = "") -> None:
        self.field = field
        self.value = value
        self.rule = rule
        self.basis = basis
        suffix = f"（{basis}）" if basis else ""
        super().__init__(f"{field}: {rule}{suffix} (got {_short(value)})")


class ArgumentError(ValidationError, TypeError):
    """A call's arguments do not fit the method: one it does not take, a required one
    missing, or one given twice. The field is the argument's name.

    Also a :class:`TypeError`, which Python raises for the same mistake, so code that
    catches either keeps working.
    """


_P = ParamSpec("_P")
_R = TypeVar("_R")
_NAMED = re.compile(r"'(\w+)'")


def checked_arguments(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """``func``, raising :class:`ArgumentError` naming the argument where a call's
    arguments do not bind to its signature (a misspelt keyword, a missing one).

    Nothing is checked before the call: only when it raises :class:`TypeError` is the
    call bound again, and a ``TypeError`` from inside ``func`` goes on as it was.
    """
    signature = inspect.signature(func)
    name = func.__qualname__.removesuffix(".__init__")  # Engine.intake, Engine

    @functools.wraps(func)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return func(*args, **kwargs)
        except TypeError:
            try:
                signature.bind(*args, **kwargs)
            except TypeError as bad:
                raise _argument_error(name, signature, kwargs, str(bad)) from None
            raise

    return call


def _argument_error(
    name: str, signature: inspect.Signature, given: dict[str, Any], why: str
) -> ArgumentError:
    params = signature.parameters
    takes = [p for p in params if p not in ("self", "cls")]
    takes = [p for p in takes if params[p].kind is not inspect.Parameter.VAR_KEYWORD]
    # A misspelt keyword first: it is why the right one is missing, too.
    unknown = [k for k in given if k not in params or params[k].kind.name.startswith("VAR")]
    if unknown and not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        field = unknown[0]
        rule = f"{name}() takes no argument {field!r}; it takes {', '.join(takes)}"
        return ArgumentError(field, given[field], rule)
    found = _NAMED.search(why)
    field = found.group(1) if found else "arguments"
    if "missing" in why:
        return ArgumentError(field, None, f"{name}() needs {field!r}")
    if "multiple values" in why:
        return ArgumentError(field, given.get(field), f"{name}() got {field!r} twice")
    return ArgumentError(field, None, f"{name}(): {why}; it takes {', '.join(takes)}")


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # a value whose repr fails must not hide the error itself
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


class AuthorizationError(MediationError):
    """The actor is not permitted to perform the action on this case.

    Attributes:
        actor: The actor's id.
        action: The trigger or operation refused.
    """

    def __init__(self, actor: str, action: str, reason: str) -> None:
        self.actor = actor
        self.action = str(action)
        self.reason = reason
        super().__init__(f"actor {_short(actor)} may not {_short(self.action)}: {reason}")


class CaseNotFoundError(MediationError, LookupError):
    """No case has the given id."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(f"no case with id {_short(case_id)}")


class ConcurrentUpdateError(MediationError):
    """Another writer changed the case first; nothing was written.

    Attributes:
        case_id: The case.
        expected_version: The version this writer read.
    """

    def __init__(self, case_id: str, expected_version: int) -> None:
        self.case_id = case_id
        self.expected_version = expected_version
        super().__init__(
            f"case {case_id!r} was changed concurrently (expected version {expected_version})"
        )


class PersistenceError(MediationError):
    """The database refused or failed an operation."""


class CorruptRowError(PersistenceError):
    """A stored row cannot be read (edited or damaged outside the library).

    Attributes:
        case_id: The case the row belongs to.
        seq: The audit event's number, when the row is an event.
    """

    def __init__(self, case_id: str, what: str, seq: int | None = None) -> None:
        self.case_id = case_id
        self.seq = seq
        where = f"event {seq} of case {case_id!r}" if seq is not None else f"case {case_id!r}"
        super().__init__(f"{where}: {what}")


class CalendarError(MediationError):
    """The calendar cannot answer, e.g. no official holiday notice for a year.

    Attributes:
        year: The year without data, where that is the cause.
    """

    def __init__(self, message: str, *, year: int | None = None) -> None:
        self.year = year
        super().__init__(message)


class DocumentRenderError(MediationError):
    """A document could not be rendered (template error, missing variable, sandbox)."""
