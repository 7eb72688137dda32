"""Declarative workflows: state graphs as data, validated when built, and steps outside them."""

from __future__ import annotations

from mediation.workflows.definition import Numbering, Step, Transition, WorkflowDefinition
from mediation.workflows.dispute import DISPUTE
from mediation.workflows.registry import Registry
from mediation.workflows.steps import CORE_STEPS

__all__ = [
    "BUILTIN_WORKFLOWS",
    "CORE_STEPS",
    "Numbering",
    "Registry",
    "Step",
    "Transition",
    "WorkflowDefinition",
    "builtin_registry",
]

BUILTIN_WORKFLOWS = (DISPUTE,)
"""The workflows every engine knows."""


def builtin_registry() -> Registry:
    """A registry with the built-in workflows and the engine's own steps."""
    registry = Registry()
    for step in CORE_STEPS:
        registry.add_step(step)
    for definition in BUILTIN_WORKFLOWS:
        registry.add_workflow(definition)
    return registry
