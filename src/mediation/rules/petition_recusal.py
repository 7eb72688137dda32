"""Recusal of petition staff with a direct interest (《信访工作条例》第二十八条第三款).

"信访工作人员与信访事项或者信访人有直接利害关系的，应当回避。" The step ``recuse`` records
that a member of staff withdraws from a case — of their own motion, on the petitioner's
request, or on the organ's decision — and why; from then on every step that member would
take on the case is refused (a hook on every step of the workflow), in ``fire`` and in
``available_triggers`` alike. Recording it again for the same person is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, evolve
from mediation.rules.base import ALLOW, Context, Decision, field, nonblank, refuse, refuse_input
from mediation.rules.petition import ART, v2

__all__ = [
    "BASIS",
    "OVERLAY",
    "Recusal",
    "RecusalInputs",
    "Recusals",
    "check_not_recused",
    "on_recuse",
    "recuse_guard",
    "recused",
]

BASIS = f"{ART}第二十八条第三款"

OVERLAY = "recusals"
"""The overlay holding the recusals (:class:`Recusals`)."""


@attrs.frozen(slots=True)
class Recusal:
    """One member of staff withdrawn from the case.

    Attributes:
        staff: Their actor id.
        name: Their name, as recorded.
        reason: The direct interest.
        requested_by: The party (id) who asked for it, if a party did.
        at: When it was recorded.
        recorded_by: Who recorded it.
    """

    staff: str
    name: str
    reason: str
    requested_by: str | None
    at: dt.datetime
    recorded_by: str


@attrs.frozen(slots=True)
class Recusals:
    """The recusals on a case, oldest first."""

    records: tuple[Recusal, ...] = ()

    def covers(self, actor_id: str) -> bool:
        """Whether ``actor_id`` has withdrawn from the case."""
        return any(r.staff == actor_id for r in self.records)


@attrs.frozen(slots=True)
class RecusalInputs:
    """回避: who, the direct interest, and the party who asked for it if one did."""

    staff: str = field("回避的工作人员", validator=nonblank)
    reason: str = field("直接利害关系", validator=nonblank)
    name: str = field("姓名", default="")
    requested_by: str | None = field("申请回避的当事人", default=None)


def recused(case: Case) -> Recusals | None:
    """The recusals on ``case``, if any."""
    found = case.overlays.get(OVERLAY)
    return found if isinstance(found, Recusals) else None


def recuse_guard(case: Case, ctx: Context[RecusalInputs]) -> Decision:
    """Petition v2 on; the party asking is a party of the case; once per person."""
    if not v2(case):
        return refuse("recuse", "本流程版本（信访 v1）没有回避记录", BASIS)
    given = ctx.inputs
    if given.requested_by is not None and given.requested_by not in {p.id for p in case.parties}:
        return refuse_input(
            "recuse", "requested_by", given.requested_by, "not a party of this case"
        )
    held = recused(case)
    if held is not None and held.covers(given.staff.strip()):
        return refuse_input("recuse", "staff", given.staff, "该工作人员已在本案回避", BASIS)
    return ALLOW


def on_recuse(case: Case, ctx: Context[RecusalInputs]) -> Case:
    """Record the recusal."""
    given = ctx.inputs
    held = recused(case) or Recusals()
    record = Recusal(
        given.staff.strip(),
        given.name.strip(),
        given.reason.strip(),
        given.requested_by,
        ctx.at,
        ctx.actor.id,
    )
    held = evolve(held, records=(*held.records, record))
    return evolve(case, overlays=case.overlays.set(OVERLAY, held))


def check_not_recused(before: Case, after: Case, ctx: Context[Any]) -> Decision:
    """A member of staff who withdrew from the case takes no step on it (第二十八条第三款)."""
    held = recused(before)
    if held is None or not held.covers(ctx.actor.id):
        return ALLOW
    return refuse(
        "recused",
        "与信访事项或者信访人有直接利害关系的工作人员已回避，不得办理本案",
        BASIS,
    )
