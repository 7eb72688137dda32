"""The registry of document kinds: kind → (Chinese title, context builder, checks).

Adding a document kind takes a template per text format
(``templates/documents/<kind>.txt.j2`` and ``<kind>.html.j2``) and a context
builder decorated with :func:`document`; DOCX and PDF are derived from the
HTML rendering, so nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from mediation._errors import DefinitionError
from mediation.model import Case, Event, Unit
from mediation.rules.policy import Policy
from mediation.workflows.definition import WorkflowDefinition

__all__ = ["REGISTRY", "Canary", "DocumentKind", "Source", "Spec", "document"]


@attrs.frozen(slots=True)
class DocumentKind:
    """A document the renderer can produce.

    Attributes:
        kind: Stable id, e.g. ``"mediation_agreement"`` (also the template's file stem).
        title: Chinese title as printed, e.g. ``"人民调解协议书"``.
        basis: The legal source the document rests on.
        order: Position in the list of kinds (the order of the case's course).
    """

    kind: str
    title: str
    basis: str = ""
    order: int = attrs.field(default=100, eq=False, repr=False)


@attrs.frozen(slots=True)
class Source:
    """Everything a context builder may read: the case and what the caller passed.

    Attributes:
        case: The case snapshot.
        history: Its audit events, oldest first.
        unit: The unit the case belongs to, if the caller knows it.
        number: The document number to print, e.g. ``（2026）东调字第0001号``.
        extra: Caller-supplied values (plain data), e.g. ``names`` (actor id → display name).
        clock_rule: Looks up a deadline's rule (``.name_zh``, ``.basis``) by period id.
        today: The render date.
        definition: The case's workflow (state and trigger labels, facts of its details).
        policy: The policy (vocabularies: categories, channels, levels, tracks).
        linked: The codes of the cases the case links to (case id → code), where the
            caller knows them: a letter names the case on the other side.
    """

    case: Case
    history: tuple[Event, ...]
    unit: Unit | None
    number: str | None
    extra: Mapping[str, Any]
    clock_rule: Callable[[str], Any]
    today: dt.date
    definition: WorkflowDefinition
    policy: Policy
    linked: Mapping[str, str] = attrs.field(factory=dict)

    def events(self, *triggers: str) -> tuple[Event, ...]:
        """The events of ``triggers``, oldest first."""
        return tuple(e for e in self.history if e.trigger in triggers)

    def last(self, *triggers: str) -> Event | None:
        """The latest event of ``triggers``, if any."""
        found = self.events(*triggers)
        return found[-1] if found else None


@attrs.frozen(slots=True)
class Canary:
    """A made-up source whose every required item carries a unique marker.

    Attributes:
        source: The source to render with.
        needles: Required item (label and field) → marker strings that must all
            appear in the output.
    """

    source: Source
    needles: Mapping[str, tuple[str, ...]]


Builder = Callable[[Source], dict[str, Any]]
"""Builds the kind-specific part of the template context from a :class:`Source`."""


@attrs.frozen(slots=True)
class Spec:
    """A registry entry.

    Attributes:
        info: Kind, title and basis.
        build: The context builder.
        check: Validates the source before building (raises ``ValidationError``).
        canary: Makes a :class:`Canary` to verify a committee's template still
            prints every required item.
        templates: The directory of its templates, when they are not among the
            official ones (a workflow of the embedder's own).
    """

    info: DocumentKind
    build: Builder
    check: Callable[[Source], None] | None = None
    canary: Callable[[], Canary] | None = None
    templates: Path | None = None


REGISTRY: dict[str, Spec] = {}
"""Every document kind, by id, in registration order."""


def document(
    kind: str,
    title: str,
    *,
    basis: str = "",
    order: int = 100,
    check: Callable[[Source], None] | None = None,
    canary: Callable[[], Canary] | None = None,
) -> Callable[[Builder], Builder]:
    """Register the decorated function as the context builder of ``kind``.

    ``order`` places the kind in :meth:`DocumentRenderer.kinds` (the order of
    the case's course; ties keep registration order).

    Raises:
        DefinitionError: ``kind`` is registered twice or is not a plain identifier.
    """

    def register(build: Builder) -> Builder:
        if not kind.isidentifier() or kind.startswith("_"):
            raise DefinitionError(f"document kind {kind!r} is not a plain identifier")
        if kind in REGISTRY:
            raise DefinitionError(f"document kind {kind!r} is registered twice")
        REGISTRY[kind] = Spec(DocumentKind(kind, title, basis, order), build, check, canary)
        return build

    return register
