"""What a case records about itself: documents issued under a number, its workflow version.

Sources: 《人民调解法》第二十七条 (records and the dossier); RULES.md §2.1 (the
case and document numbers of the 人民调解文书格式).
"""

from __future__ import annotations

import attrs

from mediation.model import Case, IssuedDocument, evolve
from mediation.rules.base import ALLOW, Context, Decision, field, refuse_input

__all__ = ["IssueInputs", "MigrateInputs", "issue_guard", "on_issue", "on_migrate"]


@attrs.frozen(slots=True)
class IssueInputs:
    """出具文书: the document kind; the engine fills in the number from its counter."""

    kind: str = field("文书种类")
    number: str = field("文书编号", default="")


@attrs.frozen(slots=True)
class MigrateInputs:
    """迁移流程版本: from which version of the case's workflow to which."""

    from_version: int = field("原版本")
    to_version: int = field("新版本")


def issue_guard(case: Case, ctx: Context[IssueInputs]) -> Decision:
    """A kind is numbered once per case (numbers run per unit, kind and year, gap-free)."""
    existing = case.document_number(ctx.inputs.kind)
    if existing is not None:
        return refuse_input(
            "issue_document", "kind", ctx.inputs.kind, f"already issued as {existing}"
        )
    if not ctx.inputs.number:
        return refuse_input("issue_document", "number", "", "the engine allocates the number")
    return ALLOW


def on_issue(case: Case, ctx: Context[IssueInputs]) -> Case:
    """Record that a document of ``kind`` was issued under ``number``."""
    issued = IssuedDocument(ctx.inputs.kind, ctx.inputs.number)
    return evolve(case, documents=(*case.documents, issued))


def on_migrate(case: Case, ctx: Context[MigrateInputs]) -> Case:
    """Move the case to another version of its workflow, keeping its state."""
    return evolve(case, workflow_version=ctx.inputs.to_version)
