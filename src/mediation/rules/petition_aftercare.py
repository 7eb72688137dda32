"""The work that goes on after a matter is finally closed (《信访工作条例》第三十七条第三款).

A matter closed by 复核 (终结) is not accepted again on the same facts and reasons
(第三十六条第三款), and a litigation matter concluded under the law leaves petition
handling for good; yet the organs go on with 教育疏导, 矛盾化解 and 帮扶救助 for the people
concerned (第三十七条第三款). The step ``record_aftercare`` records that work on the closed
case — what was done, for whom — without reopening it: it runs no clock and changes no state.

It applies to a petition closed by 复核 (``final``), and to one diverted to litigation,
a procuratorate or the police (诉访分离) once the organ records that the legal
procedure has concluded.
"""

from __future__ import annotations

import datetime as dt

import attrs

from mediation.model import Case, LabeledEnum, evolve
from mediation.rules.base import ALLOW, Context, Decision, field, nonblank, refuse, refuse_input
from mediation.rules.petition import (
    ART,
    DivertRoute,
    PetitionStage,
    check_parties,
    details,
    v2,
)

__all__ = [
    "BASIS",
    "OVERLAY",
    "Aftercare",
    "AftercareInputs",
    "AftercareKind",
    "AftercareRecord",
    "aftercare_guard",
    "on_aftercare",
]

BASIS = f"{ART}第三十七条第三款"

OVERLAY = "aftercare"
"""The overlay holding the records (:class:`Aftercare`)."""

_LITIGATION = frozenset({DivertRoute.litigation, DivertRoute.procuratorate, DivertRoute.police})
"""Diversions into a legal procedure: 涉法涉诉 matters (第二十八条第二款)."""


class AftercareKind(LabeledEnum):
    """The work 第三十七条第三款 names."""

    guidance = "guidance", "教育疏导"
    resolution = "resolution", "矛盾化解"
    relief = "relief", "帮扶救助"


@attrs.frozen(slots=True)
class AftercareRecord:
    """One piece of work: what, for whom, by whom, when."""

    kind: AftercareKind
    measures: str
    at: dt.datetime
    actor: str
    parties: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class Aftercare:
    """The records on a finally closed matter, oldest first."""

    records: tuple[AftercareRecord, ...] = ()


@attrs.frozen(slots=True)
class AftercareInputs:
    """记录终结后工作: the kind of work, what was done, for which parties; on a matter
    diverted into litigation, that the legal procedure has concluded."""

    kind: AftercareKind = field("工作类别")
    measures: str = field("工作内容", validator=nonblank)
    parties: tuple[str, ...] = field("涉及的当事人", default=())
    procedure_concluded: bool = field("涉法涉诉事项已依法终结", default=False)


def aftercare_guard(case: Case, ctx: Context[AftercareInputs]) -> Decision:
    """Only on a matter finally closed: 复核终结, or a 涉法涉诉 matter whose legal
    procedure the organ records as concluded (第三十七条第三款); petition v2 on."""
    if not v2(case):
        return refuse("record_aftercare", "本流程版本（信访 v1）没有终结后工作记录", BASIS)
    given = ctx.inputs
    known = check_parties(case, "record_aftercare", "parties", given.parties)
    if not known.allowed:
        return known
    found = details(case)
    if found.stage is PetitionStage.rereview and found.opinion is not None:
        return ALLOW  # 复核终结 (第三十六条第三款)
    diversion = found.diversion
    if diversion is not None and diversion.route in _LITIGATION:
        if given.procedure_concluded:
            return ALLOW
        return refuse_input(
            "record_aftercare",
            "procedure_concluded",
            False,
            "涉法涉诉事项须已依法终结（由政法机关依法处理完毕）",
            BASIS,
        )
    return refuse(
        "record_aftercare",
        "本案不是经复核终结的信访事项，也不是依法终结的涉法涉诉信访事项：终结后的教育疏导、"
        "矛盾化解、帮扶救助记录在复核终结的案件上；未终结的事项依法继续办理",
        BASIS,
    )


def on_aftercare(case: Case, ctx: Context[AftercareInputs]) -> Case:
    """Add the record; nothing else changes."""
    given = ctx.inputs
    found = case.overlays.get(OVERLAY)
    held = found if isinstance(found, Aftercare) else Aftercare()
    record = AftercareRecord(
        given.kind,
        given.measures.strip(),
        ctx.at,
        ctx.actor.id,
        tuple(dict.fromkeys(given.parties)),
    )
    held = evolve(held, records=(*held.records, record))
    return evolve(case, overlays=case.overlays.set(OVERLAY, held))
