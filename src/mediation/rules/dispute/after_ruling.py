"""After a 司法确认 ruling: an objection to it, and the application to enforce it.

- An objection (异议) to the ruling, to the court that made it (民诉法解释 (2022)
  第三百七十二条; RULES.md §0 row 5, §3): a party within 15 days of receiving the ruling;
  an interested person (利害关系人) within 6 months of the day they knew or should have
  known that it harmed their civil rights. A late objection is refused. A rejection
  confirms nothing that could harm a third party: only a party objects to it (the party's
  15 days open on both rulings, :func:`~.court._after_ruling`).
- The application to enforce a confirmed agreement (申请执行, 《民事诉讼法》第二百零六条、
  第二百五十条; row 6): 2 years from the last day of the agreement's performance period.
  That period is suspended and interrupted as a limitation period is, and a court accepts
  an application made after it and refuses enforcement only on the respondent's objection
  (民诉法解释 (2022) 第四百八十一条): a late application is therefore recorded, its clock
  closing as lapsed, not refused.

Workflow version 4 on: both steps, recorded on the case in the :data:`AFTER_RULING`
overlay (:class:`AfterRuling`), on an open or a closed file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, DeadlineStatus, LabeledEnum, PartyRole, evolve
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.dispute._common import ENFORCEMENT, OBJECTION, OBJECTION_INTERESTED, v4
from mediation.rules.dispute.court import Ruling
from mediation.rules.dispute.details import details

__all__ = [
    "AFTER_RULING",
    "OBJECTION_BASIS",
    "AfterRuling",
    "EnforcementInputs",
    "Objection",
    "ObjectionInputs",
    "Objector",
    "enforcement_guard",
    "objection_guard",
    "on_enforcement",
    "on_objection",
]

AFTER_RULING = "after_ruling"
"""The overlay that records objections to the ruling and the enforcement application."""

OBJECTION_BASIS = "民诉法解释 第三百七十二条"
ENFORCEMENT_BASIS = "《民事诉讼法》第二百零六条、第二百五十条"


class Objector(LabeledEnum):
    """Who objects to a ruling (民诉法解释 第三百七十二条)."""

    party = "party", "当事人"
    interested = "interested", "利害关系人"


@attrs.frozen(slots=True)
class Objection:
    """One objection on record.

    Attributes:
        by: A party or an interested person (:class:`Objector`).
        who: The party's id, or the interested person's name.
        filed_on: The day it was made to the court.
        due: Its last day (15 days from the ruling's receipt; 6 months from knowing).
        knew_on: An interested person's day of knowing (``None`` for a party).
        reason: What the objection says.
        recorded_at: When it was recorded.
    """

    by: str
    who: str
    filed_on: dt.date
    due: dt.date
    recorded_at: dt.datetime
    knew_on: dt.date | None = None
    reason: str = ""


@attrs.frozen(slots=True)
class AfterRuling:
    """What followed the ruling.

    Attributes:
        objections: The objections, in the order recorded.
        enforcement_applied_on: The day a party applied for enforcement, if one did.
        enforcement_in_time: Whether that day was within the 2 years (``None`` if there
            was no clock to judge it by: none ran).
    """

    objections: tuple[Objection, ...] = ()
    enforcement_applied_on: dt.date | None = None
    enforcement_in_time: bool | None = None


def _record(case: Case) -> AfterRuling:
    found = case.overlays.get(AFTER_RULING)
    return found if isinstance(found, AfterRuling) else AfterRuling()


def _set(case: Case, record: AfterRuling) -> Case:
    return evolve(case, overlays=case.overlays.set(AFTER_RULING, record))


def _ruled_on(case: Case, ctx: Context[Any]) -> tuple[str, dt.date] | None:
    confirmation = details(case).confirmation
    if confirmation is None or confirmation.ruling is None or confirmation.ruled_at is None:
        return None
    return confirmation.ruling, confirmation.ruled_at.astimezone(ctx.policy.tz).date()


def _version(rule: str, case: Case) -> Decision:
    if v4(case):
        return ALLOW
    return refuse(
        rule, "请先把案件迁移到现行版本的调解流程（第四版起记录裁定之后的异议和申请执行）"
    )


def _filed_on(
    rule: str,
    given: dt.date | None,
    ruled: dt.date,
    ctx: Context[Any],
    name: str = "filed_on",
) -> Decision:
    if given is None:
        return ALLOW
    if given > ctx.day:
        return refuse_input(rule, name, given.isoformat(), "不能记录将来的日期")
    if given < ruled:
        return refuse_input(
            rule, name, given.isoformat(), f"早于人民法院作出裁定之日（{ruled.isoformat()}）"
        )
    return ALLOW


# -- objection ------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class ObjectionInputs:
    """对司法确认裁定提出异议.

    Attributes:
        by: A party or an interested person.
        party: The objecting party's id (a party objects).
        name: The interested person's name (an interested person objects).
        knew_on: The day the interested person knew or should have known that the ruling
            harmed their civil rights.
        filed_on: The day the objection was made to the court (default: the step's day).
        served_on: The day the objecting party received the ruling (default: as recorded
            with the ruling — the start of the party's clock —, else the ruling's day).
        reason: What the objection says.
    """

    by: Objector = field("异议人")
    party: str | None = field("提出异议的当事人", default=None)
    name: str = field("利害关系人姓名或名称", default="")
    knew_on: dt.date | None = field("知道或者应当知道民事权益受到侵害之日", default=None)
    filed_on: dt.date | None = field("提出异议日期", default=None)
    served_on: dt.date | None = field("收到裁定日期", default=None)
    reason: str = field("异议理由", default="")


def _objection_due(case: Case, ctx: Context[ObjectionInputs], ruled: dt.date) -> dt.date:
    """The objection's last day: a party's 15 days from receiving the ruling (its clock's
    start, else the ruling's day), an interested person's 6 months from knowing."""
    given = ctx.inputs
    if given.by is Objector.interested:
        assert given.knew_on is not None
        return ctx.clocks.due(OBJECTION_INTERESTED.id, given.knew_on)[0].due
    served = given.served_on or max(
        (d.start for d in case.deadlines if d.period == OBJECTION.id),
        default=ruled,
    )
    return ctx.clocks.due(OBJECTION.id, served)[0].due


def _objector_problem(
    case: Case, given: ObjectionInputs, ruled: dt.date, today: dt.date
) -> Decision:
    rule = "file_objection"
    if given.by is Objector.party:
        principals = {p.id for p in case.parties if p.role is not PartyRole.agent}
        if given.party not in principals:
            return refuse_input(
                rule, "party", given.party, "提出异议的当事人须是本案的一方当事人", OBJECTION_BASIS
            )
        served = given.served_on
        if served is not None and not ruled <= served <= (given.filed_on or today):
            return refuse_input(
                rule,
                "served_on",
                served.isoformat(),
                f"收到裁定之日不能早于裁定（{ruled.isoformat()}），也不能晚于提出异议之日",
                OBJECTION_BASIS,
            )
        return ALLOW
    name = given.name.strip()
    if not name:
        return refuse_input(rule, "name", given.name, "写明利害关系人的姓名或名称", OBJECTION_BASIS)
    if name in {p.name for p in case.parties}:
        return refuse_input(
            rule,
            "name",
            name,
            "本案当事人按当事人提出异议（by=party），不是利害关系人",
            OBJECTION_BASIS,
        )
    if given.knew_on is None:
        return refuse_input(
            rule,
            "knew_on",
            None,
            "利害关系人的异议期间自其知道或者应当知道民事权益受到侵害之日起计算：写明该日",
            OBJECTION_BASIS,
        )
    if given.knew_on < ruled:
        return refuse_input(
            rule,
            "knew_on",
            given.knew_on.isoformat(),
            f"裁定（{ruled.isoformat()}）作出之前，其民事权益不会因裁定受到侵害",
            OBJECTION_BASIS,
        )
    return ALLOW


def objection_guard(case: Case, ctx: Context[ObjectionInputs]) -> Decision:
    """An objection to a ruling on record, by a party of the case or an interested person
    who is not one, made in its period (民诉法解释 第三百七十二条), once by each."""
    rule = "file_objection"
    found = _version(rule, case)
    if not found.allowed:
        return found
    ruled = _ruled_on(case, ctx)
    given = ctx.inputs
    allowed: tuple[str, ...] = (Ruling.valid.value,)
    if given.by is Objector.party:
        allowed = (Ruling.valid.value, Ruling.rejected.value)
    if ruled is None or ruled[0] not in allowed:
        what = "确认调解协议有效的裁定" if given.by is Objector.interested else "司法确认裁定"
        return refuse(rule, f"没有可以提出异议的{what}", OBJECTION_BASIS)
    for problem in (
        _objector_problem(case, given, ruled[1], ctx.day),
        _filed_on(rule, given.filed_on, ruled[1], ctx),
    ):
        if not problem.allowed:
            return problem
    who = given.party if given.by is Objector.party else given.name.strip()
    if any(o.by == given.by.value and o.who == who for o in _record(case).objections):
        return refuse(rule, f"{given.by.label}已经对该裁定提出异议", OBJECTION_BASIS)
    filed = given.filed_on or ctx.day
    due = _objection_due(case, ctx, ruled[1])
    if filed > due:
        limit = (
            "收到裁定之日起十五日" if given.by is Objector.party else "知道或者应当知道之日起六个月"
        )
        return refuse_input(
            rule,
            "filed_on",
            filed.isoformat(),
            f"异议应当自{limit}内提出，期间已于{due.isoformat()}届满",
            OBJECTION_BASIS,
        )
    return ALLOW


def on_objection(case: Case, ctx: Context[ObjectionInputs]) -> Case:
    """Record the objection; a party's objection meets the party's clock (made in time)."""
    given = ctx.inputs
    ruled = _ruled_on(case, ctx)
    assert ruled is not None
    objection = Objection(
        by=given.by.value,
        who=(given.party or "") if given.by is Objector.party else given.name.strip(),
        filed_on=given.filed_on or ctx.day,
        due=_objection_due(case, ctx, ruled[1]),
        recorded_at=ctx.at,
        knew_on=given.knew_on if given.by is Objector.interested else None,
        reason=given.reason.strip(),
    )
    record = _record(case)
    case = _set(case, evolve(record, objections=(*record.objections, objection)))
    if given.by is Objector.party:
        case = _end_clock(case, ctx, OBJECTION.id, DeadlineStatus.met)
    return case


def _end_clock(case: Case, ctx: Context[Any], period_id: str, status: DeadlineStatus) -> Case:
    """End the open clock of ``period_id`` with ``status``, judged by the day the party acted
    (recorded later, an act on time is still on time)."""
    changed = tuple(
        evolve(d, status=status, closed_at=ctx.at, paused_since=None)
        if d.period == period_id and d.status.is_open
        else d
        for d in case.deadlines
    )
    return evolve(case, deadlines=changed) if changed != case.deadlines else case


# -- enforcement ----------------------------------------------------------------------------


@attrs.frozen(slots=True)
class EnforcementInputs:
    """申请执行: the day a party applied to the court to enforce the confirmed agreement.

    Attributes:
        applied_on: The day of the application (default: the step's day).
    """

    applied_on: dt.date | None = field("申请执行日期", default=None)


def enforcement_guard(case: Case, ctx: Context[EnforcementInputs]) -> Decision:
    """Only a confirmed agreement (裁定调解协议有效) not performed is enforced, once
    (《民事诉讼法》第二百零六条): after the day to perform it has passed, or earlier on a
    refusal to perform already reported."""
    rule = "apply_enforcement"
    found = _version(rule, case)
    if not found.allowed:
        return found
    ruled = _ruled_on(case, ctx)
    if ruled is None or ruled[0] != Ruling.valid.value:
        return refuse(rule, "只有人民法院裁定确认有效的调解协议可以申请执行", ENFORCEMENT_BASIS)
    found_details = details(case)
    agreement = found_details.agreement
    performed = found_details.performed_at
    if agreement is not None and performed is not None and performed >= agreement.reached_at:
        return refuse(rule, "调解协议已履行完毕，没有需要执行的内容", ENFORCEMENT_BASIS)
    if _record(case).enforcement_applied_on is not None:
        return refuse(rule, "已经申请执行", ENFORCEMENT_BASIS)
    due = agreement.performance_deadline if agreement is not None else None
    applied = ctx.inputs.applied_on or ctx.day
    if due is not None and applied <= due and case.state != "not_performed":
        # Enforced when a party "拒绝履行或者未全部履行": before the day to perform has
        # passed, only a refusal already reported (``report_not_performed``) is one.
        return refuse(
            rule,
            f"调解协议约定的履行期限（{due.isoformat()}）尚未届满，且未报告一方拒绝履行："
            "一方拒绝履行或者未全部履行的，方可申请强制执行",
            ENFORCEMENT_BASIS,
        )
    return _filed_on(rule, ctx.inputs.applied_on, ruled[1], ctx, "applied_on")


def on_enforcement(case: Case, ctx: Context[EnforcementInputs]) -> Case:
    """Record the application; the 2-year clock ends met, or lapsed if it had run out (the
    court still accepts it, 民诉法解释 第四百八十一条)."""
    applied = ctx.inputs.applied_on or ctx.day
    clocks = [d for d in case.deadlines if d.period == ENFORCEMENT.id]
    in_time = None if not clocks else applied <= clocks[-1].due
    record = evolve(_record(case), enforcement_applied_on=applied, enforcement_in_time=in_time)
    case = _set(case, record)
    status = DeadlineStatus.lapsed if in_time is False else DeadlineStatus.met
    return _end_clock(case, ctx, ENFORCEMENT.id, status)
