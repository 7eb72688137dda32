"""Intake checks (受理登记): what a case must have before it is registered.

Sources: 《人民调解法》第十七条 (a party applies; mediation needs parties on
both sides), 2002 规定 第二十条 (民间纠纷: between citizens, or citizens and
organisations), 第二十三条 (every acceptance is registered); 《信访工作条例》
第十九条第一款 (a petition states name, address, request, facts and reasons).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from mediation._errors import ValidationError
from mediation.model import CaseKind, Party, PartyRole, check_text, evolve
from mediation.rules.categories import Category
from mediation.rules.vocabulary import Vocabulary

__all__ = ["age_on", "assign_party_ids", "birth_date", "case_code", "check_intake"]


def check_intake(
    *,
    kind: str,
    channel: object,
    category: object,
    parties: Sequence[object],
    summary: object,
    categories: Mapping[str, Category],
    channels: Vocabulary,
) -> None:
    """Refuse an intake that lacks what registration needs.

    Raises:
        ValidationError: naming the field (``channel``, ``category``,
            ``parties``, ``parties[i]``, ``summary``) and the rule.
    """
    channels.require(channel, "channel")
    if not isinstance(category, str) or category not in categories:
        raise ValidationError(
            "category", category, f"unknown category; one of {', '.join(categories)}"
        )
    if not isinstance(summary, str) or not summary.strip():
        raise ValidationError(
            "summary", summary, "state the request, facts and reasons (信访工作条例 第十九条)"
        )
    check_text("summary", summary)
    if isinstance(parties, str | bytes) or not isinstance(parties, Sequence) or not parties:
        raise ValidationError("parties", parties, "a case needs a list of at least one party")
    for i, p in enumerate(parties):
        if not isinstance(p, Party):
            raise ValidationError(
                f"parties[{i}]", p, "build parties with Party.person / Party.organisation"
            )
    typed = [p for p in parties if isinstance(p, Party)]
    roles = [p.role for p in typed]
    if PartyRole.applicant not in roles:
        raise ValidationError("parties", [p.name for p in typed], "at least one applicant (申请人)")
    if kind == CaseKind.dispute and PartyRole.respondent not in roles:
        raise ValidationError(
            "parties",
            [p.name for p in typed],
            "a dispute needs at least one respondent (被申请人): 民间纠纷 is between parties "
            "(《人民调解工作若干规定》第二十条)",
        )
    ids = [p.identifier for p in typed if p.identifier]
    if len(ids) != len(set(ids)):
        raise ValidationError("parties", ids, "the same ID number appears twice")


def assign_party_ids(parties: Sequence[Party]) -> tuple[Party, ...]:
    """Give every party a stable id (``p1``, ``p2``... where none was given) and resolve agents.

    An agent's ``agent_of`` names the party represented by id, or by name when
    exactly one principal has that name; it is stored as the id.

    Raises:
        ValidationError: a duplicate id, or an agent whose principal is unknown or ambiguous.
    """
    taken = {p.id for p in parties if p.id}
    if len(taken) != len([p for p in parties if p.id]):
        raise ValidationError("parties", [p.id for p in parties], "party ids must be distinct")
    numbered: list[Party] = []
    n = 0
    for p in parties:
        if p.id:
            numbered.append(p)
            continue
        n += 1
        while f"p{n}" in taken:
            n += 1
        numbered.append(evolve(p, id=f"p{n}"))
    principals = [p for p in numbered if p.role is not PartyRole.agent]
    by_id = {p.id: p for p in principals}
    out: list[Party] = []
    for i, p in enumerate(numbered):
        if p.role is PartyRole.agent:
            target = p.agent_of or ""
            if target not in by_id:
                named = [q for q in principals if q.name == target]
                if len(named) != 1:
                    why = "names no party of the case" if not named else "is ambiguous: give the id"
                    raise ValidationError(f"parties[{i}].agent_of", p.agent_of, why)
                p = evolve(p, agent_of=named[0].id)
        out.append(p)
    return tuple(out)


def case_code(prefix: str, year: int, number: int) -> str:
    """The human-readable case code, e.g. ``（2026）东调字第0001号``.

    The form follows the dossier cover "( )人调字第 号" of the MOJ 人民调解文书格式
    (RULES.md §2.1); numbers run per unit and year without gaps.
    """
    return f"（{year}）{prefix}字第{number:04d}号"


def birth_date(id_number: str | None) -> dt.date | None:
    """The date of birth a resident ID states (GB 11643: digits 7–14), if it states one."""
    if not id_number or len(id_number) != 18:
        return None
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def age_on(party: Party, day: dt.date) -> int | None:
    """A person's age in full years on ``day``, from the resident ID (None if unknown)."""
    birth = birth_date(party.id_number)
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
