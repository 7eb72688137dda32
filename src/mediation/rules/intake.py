"""Intake checks (受理登记): what a case must have before it is registered.

Sources: 《人民调解法》第十七条 (a party applies; mediation needs parties on
both sides), 2002 规定 第二十条 (民间纠纷: between citizens, or citizens and
organisations), 第二十三条 (every acceptance is registered); 《信访工作条例》
第十九条第一款 (a petition states name, address, request, facts and reasons).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mediation._errors import ValidationError
from mediation.model import Case, CaseKind, Channel, Party, PartyRole, replace
from mediation.rules.base import Context
from mediation.rules.categories import Category

__all__ = ["case_code", "check_intake", "record_document"]


def check_intake(
    *,
    kind: CaseKind,
    channel: str,
    category: str,
    parties: Sequence[Party],
    summary: str,
    categories: Mapping[str, Category],
) -> None:
    """Refuse an intake that lacks what registration needs.

    Raises:
        ValidationError: naming the field (``channel``, ``category``,
            ``parties``, ``parties[i].agent_of``, ``summary``) and the rule.
    """
    try:
        Channel(channel)
    except ValueError:
        raise ValidationError(
            "channel", channel, f"unknown channel; one of {', '.join(Channel)}"
        ) from None
    if category not in categories:
        raise ValidationError(
            "category", category, f"unknown category; one of {', '.join(categories)}"
        )
    if not isinstance(summary, str) or not summary.strip():
        raise ValidationError(
            "summary", summary, "state the request, facts and reasons (信访工作条例 第十九条)"
        )
    if not parties:
        raise ValidationError("parties", [], "a case needs at least one party")
    for i, p in enumerate(parties):
        if not isinstance(p, Party):
            raise ValidationError(
                f"parties[{i}]", p, "build parties with Party.person / Party.organisation"
            )
    roles = [p.role for p in parties]
    if PartyRole.applicant not in roles:
        raise ValidationError(
            "parties", [p.name for p in parties], "at least one applicant (申请人)"
        )
    if kind is CaseKind.dispute and PartyRole.respondent not in roles:
        raise ValidationError(
            "parties",
            [p.name for p in parties],
            "a dispute needs at least one respondent (被申请人): 民间纠纷 is between parties "
            "(《人民调解工作若干规定》第二十条)",
        )
    names = {p.name for p in parties if p.role is not PartyRole.agent}
    for i, p in enumerate(parties):
        if p.role is PartyRole.agent and p.agent_of not in names:
            raise ValidationError(
                f"parties[{i}].agent_of", p.agent_of, "must name a party of the case"
            )
    ids = [p.identifier for p in parties if p.identifier]
    if len(ids) != len(set(ids)):
        raise ValidationError("parties", ids, "the same ID number appears twice")


def case_code(prefix: str, year: int, number: int) -> str:
    """The human-readable case code, e.g. ``（2026）东调字第0001号``.

    The form follows the dossier cover "( )人调字第 号" of the MOJ 人民调解文书格式
    (RULES.md §2.1); numbers run per unit and year without gaps.
    """
    return f"（{year}）{prefix}字第{number:04d}号"


def record_document(case: Case, ctx: Context) -> Case:
    """Record that a document of ``kind`` was issued under ``number``.

    Numbers run per unit, document kind and year without gaps (the engine
    allocates them in the same transaction); a kind is numbered once per case.

    Raises:
        ValidationError: the kind already has a number on this case.
    """
    kind, number = str(ctx.require("kind")), str(ctx.require("number"))
    existing = case.document_number(kind)
    if existing is not None:
        raise ValidationError("kind", kind, f"already issued as {existing}")
    return replace(case, documents=(*case.documents, (kind, number)))
