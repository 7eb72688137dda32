"""最多跑一地 as a step and a hook on any case.

The hook runs on every step of every workflow: a one-stop case is never sent to a
second place without a permit, and every place is recorded (the ``onestop``
overlay). The step ``onestop_permit`` gives a permit, with a reason of the
policy's vocabulary; the move it allows counts as a breach. Source:
《信访工作条例》第十八条第三款、第二十条第四款; RULES.md §7.2.
"""

from __future__ import annotations

from mediation.model import LabeledEnum, Role
from mediation.rules import onestop as o
from mediation.workflows.definition import Hook, Step, every

__all__ = ["ONESTOP_HOOK", "ONESTOP_PERMIT", "OneStopStep"]


class OneStopStep(LabeledEnum):
    """The 最多跑一地 step."""

    onestop_permit = "onestop_permit", "批准另行前往"


ONESTOP_PERMIT = Step(
    OneStopStep.onestop_permit,
    inputs=o.PermitInputs,
    roles={Role.director, Role.leader},
    guards=o.permit_guard,
    effects=o.on_permit,
    overlays={o.OVERLAY: o.OneStop},  # type: ignore[arg-type]  # core: converter=dict
)
"""Permit sending a one-stop party to a second place, for a reason (counted as a breach)."""

ONESTOP_HOOK = Hook(
    "onestop",
    when=every,
    checks=o.check_step,
    effects=o.on_step,
    overlays={o.OVERLAY: o.OneStop},  # type: ignore[arg-type]  # core: converter=dict
    only_if=o.concerns,
)
"""Refuse a second place without a permit; record every place."""
