"""The engine's own steps outside any state graph: extend, supervise, issue, migrate, recount.

Each is declared once, as data, and runs through the engine's one pipeline
like every transition. Embedders and later features add theirs the same way
(``Engine(steps=[...])`` or ``engine.register(step)``).
"""

from __future__ import annotations

from mediation.model import LabeledEnum, Role
from mediation.rules import deadlines, records, supervision
from mediation.workflows.definition import Numbering, Step

__all__ = ["CORE_STEPS", "CoreStep"]


class CoreStep(LabeledEnum):
    """The names of the engine's own steps."""

    extend_deadline = "extend_deadline", "延长期限"
    supervise = "supervise", "督办"
    issue_document = "issue_document", "出具文书"
    migrate_workflow = "migrate_workflow", "迁移流程版本"
    recount_clocks = "recount_clocks", "按新日历重算期限"


_LEADERS = {Role.director, Role.leader}

EXTEND = Step(
    CoreStep.extend_deadline,
    inputs=supervision.ExtendInputs,
    roles=_LEADERS,
    guards=supervision.extend_guard,
    effects=supervision.on_extend,
    reads_actor_unit=True,
)
"""An approved extension, capped by the clock's rule and approved at the unit it names
(RULES.md §5.6; 《信访工作条例》第三十四条)."""

SUPERVISE = Step(
    CoreStep.supervise,
    inputs=supervision.SuperviseInputs,
    roles=_LEADERS,
    guards=supervision.supervise_guard,
    effects=supervision.escalate,
    listed=False,
)
"""督办 of one breach, exactly once (run by ``Engine.supervise``)."""

ISSUE = Step(
    CoreStep.issue_document,
    inputs=records.IssueInputs,
    roles={Role.clerk, Role.mediator, Role.director, Role.leader},
    guards=records.issue_guard,
    effects=records.on_issue,
    open_only=False,
    numbering=Numbering("number", lambda case, inputs: f"{case.unit}:{inputs.kind}"),
)
"""A document's number, gap-free per unit, kind and year."""

MIGRATE = Step(
    CoreStep.migrate_workflow,
    inputs=records.MigrateInputs,
    roles={Role.admin},
    effects=records.on_migrate,
    open_only=False,
    listed=False,
)
"""Move a case to another version of its workflow (checked by ``Engine.migrate_case``)."""

RECOUNT = Step(
    CoreStep.recount_clocks,
    roles={Role.admin},
    guards=deadlines.recount_guard,
    effects=deadlines.on_recount,
    open_only=False,
    listed=False,
)
"""Count a case's provisional clocks afresh once their year's notice is loaded (RULES.md §8).

Run by ``Engine.recompute_provisional``.
"""

CORE_STEPS = (EXTEND, SUPERVISE, ISSUE, MIGRATE, RECOUNT)
"""Registered in every engine."""
