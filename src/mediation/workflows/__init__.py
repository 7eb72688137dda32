"""Declarative workflows: state graphs as data, validated when built, and steps outside them."""

from __future__ import annotations

from mediation.workflows.baoan import BAOAN_HOOKS, BAOAN_STEPS
from mediation.workflows.definition import (
    Ending,
    Hook,
    Numbering,
    Step,
    Transition,
    WorkflowDefinition,
)
from mediation.workflows.dispute import (
    AMEND,
    DISPUTE,
    DISPUTE_HOOKS,
    DISPUTE_STEPS,
    DISPUTE_V1,
    DISPUTE_V2,
    DISPUTE_V3,
    DISPUTE_V4,
    DISPUTE_V5,
    DISPUTE_V6,
    DISPUTE_V7,
    DISPUTE_V8,
    DISPUTE_V9,
    DISPUTE_V10,
    DISPUTE_V11,
)
from mediation.workflows.fangtiao import FANGTIAO_HOOK
from mediation.workflows.onestop import ONESTOP_HOOK, ONESTOP_PERMIT
from mediation.workflows.petition import (
    PETITION,
    PETITION_HOOKS,
    PETITION_STEPS,
    PETITION_V1,
    PETITION_V2,
    PETITION_V3,
    PETITION_V4,
    PETITION_V5,
    PETITION_V6,
)
from mediation.workflows.registry import Registry
from mediation.workflows.steps import CORE_STEPS

__all__ = [
    "BUILTIN_HOOKS",
    "BUILTIN_STEPS",
    "BUILTIN_WORKFLOWS",
    "CORE_STEPS",
    "Ending",
    "Numbering",
    "Registry",
    "Step",
    "Transition",
    "WorkflowDefinition",
    "builtin_registry",
]

BUILTIN_WORKFLOWS: tuple[WorkflowDefinition, ...] = (
    DISPUTE_V1,
    DISPUTE_V2,
    DISPUTE_V3,
    DISPUTE_V4,
    DISPUTE_V5,
    DISPUTE_V6,
    DISPUTE_V7,
    DISPUTE_V8,
    DISPUTE_V9,
    DISPUTE_V10,
    DISPUTE_V11,
    DISPUTE,
    PETITION_V1,
    PETITION_V2,
    PETITION_V3,
    PETITION_V4,
    PETITION_V5,
    PETITION_V6,
    PETITION,
)
"""The workflows every engine knows."""

BUILTIN_STEPS: tuple[Step, ...] = (
    AMEND,
    *DISPUTE_STEPS,
    *PETITION_STEPS,
    *BAOAN_STEPS,
    ONESTOP_PERMIT,
)
"""The library's steps outside any graph beside the engine's own (the parts add theirs)."""

BUILTIN_HOOKS: tuple[Hook, ...] = (
    *BAOAN_HOOKS,
    *DISPUTE_HOOKS,
    *PETITION_HOOKS,
    ONESTOP_HOOK,
    FANGTIAO_HOOK,
)
"""The library's rules across workflows (the parts add theirs)."""


def builtin_registry() -> Registry:
    """A registry with the built-in workflows, the engine's own steps and the library's parts."""
    registry = Registry()
    for step in (*CORE_STEPS, *BUILTIN_STEPS):
        registry.add_step(step)
    for definition in BUILTIN_WORKFLOWS:
        registry.add_workflow(definition)
    for hook in BUILTIN_HOOKS:
        registry.add_hook(hook)
    return registry
