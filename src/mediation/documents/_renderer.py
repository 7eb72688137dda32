"""The public renderer: kind + case → text, HTML, DOCX or PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from mediation._errors import DocumentRenderError, ValidationError
from mediation.documents import (  # noqa: F401 - registers
    _kinds_agreement,
    _kinds_case,
    _kinds_dispute,
    _kinds_file,
    _kinds_petition,
)
from mediation.documents._docx import html_to_docx
from mediation.documents._facts import (
    base_context,
    check_builder_output,
    default_clock_rule,
    default_today,
    plain,
)
from mediation.documents._pdf import html_to_pdf
from mediation.documents._registry import REGISTRY, DocumentKind, Source, Spec
from mediation.documents._render import TemplateRenderer
from mediation.model import Case, Event, Unit
from mediation.rules.policy import Policy
from mediation.workflows import builtin_registry
from mediation.workflows.definition import WorkflowDefinition

__all__ = ["FORMATS", "DocumentRenderer"]

FORMATS = ("text", "html", "docx", "pdf")
"""Output formats: ``text`` and ``html`` give ``str``; ``docx`` and ``pdf`` give ``bytes``."""

_SUFFIX = {"text": "txt", "html": "html"}


class DocumentRenderer:
    """Render the mediation documents (人民调解文书) of a case.

    Templates are Jinja2 files ``<kind>.txt.j2`` and ``<kind>.html.j2``; DOCX is
    laid out from the HTML rendering with python-docx, PDF with WeasyPrint.
    Every template, official or committee-edited, renders in a bounded immutable
    sandbox (see :mod:`mediation.documents`).

    Args:
        overrides: A directory of committee-edited templates. A file there
            replaces the official template of the same name (``_base.html.j2``
            included). Checked when the renderer is built: every template in it
            must compile, and the kinds with required items (the agreement, the
            oral-agreement register, the termination notice) must still print
            every item, tested by rendering with a canary case whose items each
            carry a unique marker. Templates are read once (no auto-reload), so
            an edit cannot bypass the check: build a new renderer after editing.
        max_output: Largest output, and largest value built while rendering, in
            characters.
        timeout: Seconds one template render may take (checked cooperatively
            at every loop iteration, call, operator, filter and output chunk).
        kinds: Document kinds beside the built-in ones (e.g. a form of the
            embedder's own workflow), each with the directory of its templates.

    Raises:
        ValidationError: ``overrides`` is not a directory, or a bound is not positive.
        DocumentRenderError: an override does not compile or drops a required item.

    Example:
        >>> from mediation.documents import DocumentRenderer
        >>> [k.kind for k in DocumentRenderer().kinds()][:2]
        ['application', 'registration']
    """

    def __init__(
        self,
        *,
        overrides: str | Path | None = None,
        max_output: int = 2_000_000,
        timeout: float = 5.0,
        kinds: Sequence[Spec] = (),
    ) -> None:
        if isinstance(max_output, bool) or not isinstance(max_output, int) or max_output < 1:
            raise ValidationError("max_output", max_output, "a positive number of characters")
        if not isinstance(timeout, int | float) or not timeout > 0:
            raise ValidationError("timeout", timeout, "a positive number of seconds")
        directory = None
        if overrides is not None:
            directory = Path(overrides)
            if not directory.is_dir():
                raise ValidationError("overrides", str(overrides), "not a directory")
        self._specs: dict[str, Spec] = dict(REGISTRY)
        dirs: list[Path] = []
        for spec in kinds:
            if not isinstance(spec, Spec):
                raise ValidationError("kinds", spec, "document kinds are DocumentSpec values")
            if spec.info.kind in self._specs:
                raise ValidationError(
                    "kinds", spec.info.kind, "a document kind of that name exists"
                )
            self._specs[spec.info.kind] = spec
            if spec.templates is not None:
                dirs.append(Path(spec.templates))
        self._templates = TemplateRenderer(directory, max_output, float(timeout), tuple(dirs))
        if directory is not None:
            self._check_overrides(directory)

    # -- public ---------------------------------------------------------------------

    def kinds(self) -> list[DocumentKind]:
        """The document kinds, each with its Chinese title and legal basis."""
        return sorted((spec.info for spec in self._specs.values()), key=lambda k: k.order)

    def render(
        self,
        kind: str,
        case: Case,
        *,
        format: str = "text",
        history: Sequence[Event] = (),
        unit: Unit | None = None,
        number: str | None = None,
        extra: Mapping[str, Any] | None = None,
        clock_rule: Callable[[str], Any] | None = None,
        today: dt.date | None = None,
        definition: WorkflowDefinition | None = None,
        policy: Policy | None = None,
        linked: Mapping[str, str] | None = None,
    ) -> str | bytes:
        """Render document ``kind`` of ``case``.

        The template context is built from the arguments only; templates query
        nothing.

        Args:
            kind: A kind id (see :meth:`kinds`).
            case: The case.
            format: ``"text"`` or ``"html"`` (``str``), ``"docx"`` or ``"pdf"`` (``bytes``).
            history: The case's events (``Engine.history``); documents about the
                course of the case read dates, actors and reasons from them.
            unit: The case's unit (its name heads the documents).
            number: The document number to print, e.g. ``（2026）东调字第0001号``.
            extra: Plain caller data; read by builders (``names``: actor id →
                display name; ``place``, ``recorder``, ``court``, ``issuer``,
                ``reply_days``, ``deadline``, ``visit``, ``dossier_no``,
                ``retention``) and available to templates as ``extra``.
            clock_rule: Period id → rule with ``name_zh`` and ``basis``
                (``Engine.clocks.rule``); the national table and the workflow's
                own clocks by default.
            today: The render date; default the latest event's date (never the clock).
            definition: The case's workflow (labels); a built-in one is found by name.
            policy: Vocabularies and labels (national defaults if omitted).
            linked: Codes of the linked cases (case id → code; ``Engine.render`` passes
                them), for documents that name the case on the other side.

        Returns:
            The document.

        Raises:
            ValidationError: unknown kind or format, bad ``extra``, or the case
                does not support this document (e.g. a required agreement item
                is missing — ``field`` names it as ``agreement.<field>`` — or an
                oral agreement asked for as ``mediation_agreement``).
            DocumentRenderError: the template failed (missing variable, sandbox,
                size or time bound), or the DOCX/PDF extra is not installed.
        """
        spec = self._spec(kind)
        if format not in FORMATS:
            raise ValidationError("format", format, f"one of {', '.join(FORMATS)}")
        if not isinstance(case, Case):
            raise ValidationError("case", case, "a Case")
        if definition is None:
            definition = builtin_registry().workflow(case.workflow, case.workflow_version)
        policy = policy or Policy()
        history = tuple(sorted(history, key=lambda e: e.seq))
        src = Source(
            case=case,
            history=history,
            unit=unit,
            number=number,
            extra=plain(_mapping(extra), "extra"),
            clock_rule=clock_rule or default_clock_rule(definition, policy),
            today=today or default_today(case, history),
            definition=definition,
            policy=policy,
            linked=dict(linked or {}),
        )
        if spec.check is not None:
            spec.check(src)
        context = self._context(spec, src)
        if format == "text":
            return self._templates.render(f"{kind}.txt.j2", context)
        html = self._templates.render(f"{kind}.html.j2", context)
        if format == "html":
            return html
        if format == "docx":
            return html_to_docx(html, str(context["doc"]["title"]))
        return html_to_pdf(html)

    # -- internals ------------------------------------------------------------------

    def _spec(self, kind: str) -> Spec:
        spec = self._specs.get(kind) if isinstance(kind, str) else None
        if spec is None:
            raise ValidationError("kind", kind, f"one of {', '.join(self._specs)}")
        return spec

    @staticmethod
    def _context(spec: Spec, src: Source) -> dict[str, Any]:
        context = base_context(src, spec)
        context.update(spec.build(src))
        return check_builder_output(spec.info.kind, context)

    def _check_overrides(self, directory: Path) -> None:
        """Compile every override; verify the canary of every kind that has one."""
        for path in sorted(directory.rglob("*.j2")):
            name = path.relative_to(directory).as_posix()
            try:
                self._templates.compile(name)
            except DocumentRenderError as exc:
                raise DocumentRenderError(f"override {name} does not compile: {exc}") from exc
        for spec in self._specs.values():
            if spec.canary is None:
                continue
            canary = spec.canary()
            context = self._context(spec, canary.source)
            for suffix in _SUFFIX.values():
                name = f"{spec.info.kind}.{suffix}.j2"
                output = self._templates.render(name, context)
                dropped = [
                    item
                    for item, marks in canary.needles.items()
                    if not all(m in output for m in marks)
                ]
                if dropped:
                    raise DocumentRenderError(
                        f"template {name} (overrides {directory}) does not print required "
                        f"item(s): {'；'.join(dropped)}"
                    )


def _mapping(extra: object) -> dict[str, Any]:
    """The caller's ``extra`` as a dict (``None``: empty); anything but a mapping is refused."""
    if extra is None:
        return {}
    if not isinstance(extra, Mapping):
        raise ValidationError("extra", extra, "a mapping of names to plain template data")
    return dict(extra)
