"""What an engine can run: workflows by name and version, and steps outside the graph.

An embedder registers its own workflows and steps beside the built-in ones;
several workflows may serve one kind of case (the first registered is the
kind's default). Names are checked when registered: a step cannot take the
name of a workflow's trigger, nor a workflow a trigger named like a step.
"""

from __future__ import annotations

from collections.abc import Iterator

from mediation._errors import DefinitionError, ValidationError
from mediation.workflows.definition import Hook, Site, Step, WorkflowDefinition

__all__ = ["INTAKE", "Registry"]

INTAKE = "intake"
"""The name of the first event of every case."""


class Registry:
    """Workflow definitions and steps, by name."""

    def __init__(self) -> None:
        self._workflows: dict[tuple[str, int], WorkflowDefinition] = {}
        self._latest: dict[str, WorkflowDefinition] = {}
        self._defaults: dict[str, str] = {}
        self._steps: dict[str, Step] = {}
        self._triggers: set[str] = set()
        self._hooks: dict[str, Hook] = {}
        self._selected: dict[tuple[str, int, str, str, str, bool], tuple[Hook, ...]] = {}

    def add_workflow(self, definition: WorkflowDefinition) -> None:
        """Register a workflow version; new intakes use the highest version of each name.

        Raises:
            DefinitionError: not a definition, the version is already registered
                with another definition, or a trigger takes a reserved name.
        """
        if not isinstance(definition, WorkflowDefinition):
            raise DefinitionError(f"not a WorkflowDefinition: {definition!r}")
        key = (definition.name, definition.version)
        known = self._workflows.get(key)
        if known is not None:
            if known is definition:
                return
            raise DefinitionError(f"workflow {definition.name!r} v{definition.version} exists")
        triggers = {t.value for t in definition.triggers}
        taken = triggers & ({INTAKE} | set(self._steps))
        if taken:
            raise DefinitionError(
                f"workflow {definition.name!r}: trigger names taken by steps: {sorted(taken)}"
            )
        self._workflows[key] = definition
        self._triggers |= triggers
        latest = self._latest.get(definition.name)
        if latest is None or latest.version < definition.version:
            self._latest[definition.name] = definition
        self._defaults.setdefault(definition.kind, definition.name)

    def add_step(self, step: Step) -> None:
        """Register a step outside the graph.

        Raises:
            DefinitionError: not a step, or its name is taken.
        """
        if not isinstance(step, Step):
            raise DefinitionError(f"not a Step: {step!r}")
        name = step.name.value
        known = self._steps.get(name)
        if known is not None:
            if known is step:
                return
            raise DefinitionError(f"step {name!r} is already registered")
        if name == INTAKE or name in self._triggers:
            raise DefinitionError(f"step {name!r}: the name is a workflow trigger")
        self._steps[name] = step

    def add_hook(self, hook: Hook) -> None:
        """Register a hook (it applies to steps taken from now on, and in replays).

        Raises:
            DefinitionError: not a hook, or its name is taken.
        """
        if not isinstance(hook, Hook):
            raise DefinitionError(f"not a Hook: {hook!r}")
        known = self._hooks.get(hook.name)
        if known is not None:
            if known is hook:
                return
            raise DefinitionError(f"hook {hook.name!r} is already registered")
        self._hooks[hook.name] = hook
        self._selected.clear()

    def hooks(self) -> Iterator[Hook]:
        """Every registered hook, in the order registered."""
        return iter(self._hooks.values())

    def hooks_for(self, site: Site) -> tuple[Hook, ...]:
        """The hooks that apply to a step taken at ``site`` (cached: selectors are pure)."""
        return self.hooks_at(site.definition, site.name, site.source, site.dest, site.step)

    def hooks_at(
        self, definition: WorkflowDefinition, name: str, source: str, dest: str, step: bool
    ) -> tuple[Hook, ...]:
        """:meth:`hooks_for` the site these parts make (the site is built only on a miss)."""
        if not self._hooks:
            return ()
        key = (definition.name, definition.version, name, source, dest, step)
        found = self._selected.get(key)
        if found is None:
            site = Site(definition, name, source, dest, step)
            found = tuple(h for h in self._hooks.values() if h.when(site))
            if len(self._selected) > 10_000:
                self._selected.clear()
            self._selected[key] = found
        return found

    def workflow(self, name: str, version: int | None = None) -> WorkflowDefinition:
        """A registered definition (the latest version if none given).

        Raises:
            ValidationError: no such workflow or version.
        """
        if not isinstance(name, str):
            raise ValidationError("workflow", name, "a workflow's name (text)")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            raise ValidationError("version", version, "a version number (int)")
        found = self._latest.get(name) if version is None else self._workflows.get((name, version))
        if found is None:
            what = name if version is None else f"{name} v{version}"
            raise ValidationError("workflow", what, "no such workflow is registered")
        return found

    def for_kind(self, kind: str) -> WorkflowDefinition:
        """The default workflow of a kind of case (the first registered for it).

        Raises:
            ValidationError: no workflow serves that kind.
        """
        name = self._defaults.get(kind) if isinstance(kind, str) else None
        if name is None:
            raise ValidationError(
                "kind", kind, f"no workflow registered for it; one of {', '.join(self._defaults)}"
            )
        return self._latest[name]

    def step(self, name: str) -> Step | None:
        """The step called ``name``, if any."""
        return self._steps.get(name)

    def steps(self) -> Iterator[Step]:
        """Every registered step."""
        return iter(self._steps.values())

    def workflows(self) -> Iterator[WorkflowDefinition]:
        """Every registered definition, every version."""
        return iter(self._workflows.values())
