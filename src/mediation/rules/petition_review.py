"""The opinion of a petition, 复查 and 复核, and the end of the matter.

The handling opinion (第三十二条: request, facts and reasons, a coded outcome
支持 / 解释说明 / 不予支持, legal basis) starts the petitioner's own 30 days to ask
for 复查 (第三十五条) by the superior organ, found through the stored
organisation's line and territorial parents; the review opinion starts 30 days
for 复核 (第三十六条第一款), whose hearing time is not counted (第二款); the
复核 opinion ends the matter (第三十六条第三款).
"""

from __future__ import annotations

import datetime as dt

import attrs

from mediation.model import Case, DeadlineStatus, evolve
from mediation.rules import deadlines, onestop
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.base import nonblank as _nonblank
from mediation.rules.org import OrgTree, UnitKind
from mediation.rules.periods import PauseReason
from mediation.rules.petition import (
    ART,
    FINAL,
    PARTY_CLOCKS,
    REPLIED,
    REREVIEW_REQUEST,
    REVIEW_REQUEST,
    Opinion,
    Outcome,
    PetitionStage,
    details,
    v2,
    v7,
    with_details,
)
from mediation.rules.petition_flow import (
    close_clocks,
    hand_on,
    handoff_details,
    leader_clocks,
    report_back,
)

__all__ = [
    "ConcludeInputs",
    "HearingInputs",
    "OpineInputs",
    "ReviewInputs",
    "conclude_guard",
    "hearing_guard",
    "on_conclude",
    "on_end_hearing",
    "on_hearing",
    "on_opine",
    "on_review",
    "opine_guard",
    "review_guard",
    "reviewer",
]


@attrs.frozen(slots=True)
class OpineInputs:
    """出具处理（复查、复核）意见书 (第三十二条): request, facts and reasons, outcome, basis;
    and the day the petitioner received it."""

    outcome: Outcome = field("处理意见")
    request: str = field("信访请求", validator=_nonblank)
    facts: str = field("认定的事实", validator=_nonblank)
    reasons: str = field("理由", validator=_nonblank)
    basis: str = field("法律依据", validator=_nonblank)
    delivered_on: dt.date | None = field("信访人收到书面答复之日", default=None)


@attrs.frozen(slots=True)
class ReviewInputs:
    """请求复查 / 复核 (第三十五条、第三十六条): why; the reviewing organ if not the superior."""

    reason: str = field("请求理由", validator=_nonblank)
    reviewer: str | None = field("复查（复核）机关", default=None)
    late_reason: str = field("逾期提出的正当理由", default="")


@attrs.frozen(slots=True)
class ConcludeInputs:
    """办结: the petitioner accepted the reply, or the period for 复查 / 复核 passed."""

    satisfied: bool = field("信访人表示服从处理意见", default=False)
    note: str = field("备注", default="")


@attrs.frozen(slots=True)
class HearingInputs:
    """听证 (第三十一条、第三十六条第二款)."""

    note: str = field("备注", default="")


# -- opinion (第三十二条, 第三十五、三十六条) ----------------------------------------------------


def opine_guard(case: Case, ctx: Context[OpineInputs]) -> Decision:
    """A written opinion states the request, facts and reasons, the outcome and its legal
    basis (第三十二条); the petitioner receives it on the day it is issued (this step) — not
    before: the 30 days to ask for 复查 / 复核 run from receipt (第三十五条、第三十六条), and a
    receipt dated before the opinion would cut them short. (Petition version 1 took any day
    from registration on and replays so.)"""
    delivered = ctx.inputs.delivered_on
    if delivered is not None:
        start = case.received_at.astimezone(ctx.policy.tz).date()
        if v2(case):
            start = ctx.day
        if delivered > ctx.day or delivered < start:
            return refuse_input(
                "opine",
                "delivered_on",
                delivered.isoformat(),
                f"意见书的送达日期不能早于出具之日（{start.isoformat()}），也不能晚于今日",
                f"{ART}第三十二条、第三十五条",
            )
    return ALLOW


def on_opine(case: Case, ctx: Context[OpineInputs]) -> Case:
    """Record the opinion; the organ's clocks are met (the 办结报告 with them, reported to
    the assigning office; version 6 on, not the 包案 leader's: :func:`leader_clocks`); the petitioner's 30 days to ask for 复查 (第三十五条) or 复核
    (第三十六条) start from receipt; a 复核 opinion ends the matter (第三十六条第三款)."""
    given = ctx.inputs
    delivered = given.delivered_on or ctx.day
    opinion = Opinion(
        given.outcome,
        given.request.strip(),
        given.facts.strip(),
        given.reasons.strip(),
        given.basis.strip(),
        ctx.at,
        delivered,
    )
    found = details(case)
    # Version 6 on: an opinion that leaves the matter open to 复查 or 复核 leaves the 包案
    # leader's clocks running to the sign-off; the 复核 opinion ends the matter.
    ends = found.stage is PetitionStage.rereview
    case = close_clocks(case, ctx, keep=frozenset() if ends else leader_clocks(case))
    case = with_details(case, opinion=opinion)
    outcome = f"{found.stage.label}意见：{given.outcome.label}"
    case = report_back(case, ctx, outcome)
    case = evolve(case, outcome=outcome, flags=case.flags | {REPLIED})
    if found.stage is PetitionStage.rereview:
        return evolve(case, flags=case.flags | {FINAL})
    clock = REVIEW_REQUEST if found.stage is PetitionStage.handling else REREVIEW_REQUEST
    return deadlines.open_clock(case, ctx, clock, delivered)


# -- delivery later than the issue (第三十五条、第三十六条) ------------------------------------


@attrs.frozen(slots=True)
class DeliveryInputs:
    """送达: the day the petitioner received the written opinion (e.g. by post)."""

    received_on: dt.date = field("信访人收到书面答复之日")


_WINDOWS = frozenset({REVIEW_REQUEST.id, REREVIEW_REQUEST.id})
"""The petitioner's windows to ask for 复查 and 复核 (第三十五条、第三十六条第一款)."""

ENDED_BY_REREVIEW = (
    "复核意见为最终意见：信访人对复核意见不服，仍以同一事实和理由提出的，不再受理，"
    "也不再复查、复核",
    f"{ART}第三十六条第三款",
)
"""(reason, basis) of a matter concluded by 复核: nothing more is asked of it."""

REVIEW_TAKEN_UP = (
    "已请求复查（复核）：由复查（复核）机关在其案件中办理并出具意见，"
    "对其意见不服的，向其上一级机关请求复核",
    f"{ART}第三十五条、第三十六条第一款",
)
"""(reason, basis) of a matter whose review was asked for: the reviewing organ's case
goes on, and the next step is asked of that case."""


def delivery_guard(case: Case, ctx: Context[DeliveryInputs]) -> Decision:
    """The petitioner's 30 days to ask for 复查 or 复核 run from the day the written reply was
    received (第三十五条、第三十六条第一款), which may come after the opinion was issued:
    recorded while that window is still open, between the issue and today. Petition
    workflow version 2 on."""
    found = details(case)
    opinion = found.opinion
    open_window = any(d.period in _WINDOWS and d.is_open for d in case.deadlines)
    basis = f"{ART}第三十五条、第三十六条第一款"
    if not v2(case) or opinion is None or not open_window:
        return refuse(
            "record_delivery",
            "只有已出具书面答复、请求复查（复核）期间尚未届满的事项记录送达",
            basis,
        )
    issued = opinion.issued_at.astimezone(ctx.policy.tz).date()
    received = ctx.inputs.received_on
    if received < issued or received > ctx.day:
        return refuse_input(
            "record_delivery",
            "received_on",
            received.isoformat(),
            f"a day from the opinion's issue ({issued.isoformat()}) to today "
            f"({ctx.day.isoformat()})",
            basis,
        )
    return ALLOW


def on_delivery(case: Case, ctx: Context[DeliveryInputs]) -> Case:
    """The window counts from the receipt: the one counted from the day recorded before is
    replaced (cancelled, a right not yet used)."""
    found = details(case)
    assert found.opinion is not None
    received = ctx.inputs.received_on
    case = with_details(case, opinion=attrs.evolve(found.opinion, delivered_on=received))
    window = next(d for d in reversed(case.deadlines) if d.period in _WINDOWS and d.is_open)
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.id == window.id)
    return deadlines.open_clock(case, ctx, window.period, received)


# -- 复查, 复核 ---------------------------------------------------------------------------


def reviewer(case: Case, org: OrgTree, wanted: str | None) -> str | Decision:
    """The organ that reviews ``case``: the 上一级行政机关 (line parent, else territorial
    parent: :meth:`OrgTree.superior`), or the 本级人民政府 when asked (第三十五条).

    A people's court's superior is the court above it (its line parent), not the government
    where it sits: from petition version 7 a court's 复查 goes there or nowhere (第三十五条:
    the organ one level above the original handler; the 条例 binds courts, RULES.md §4.3)."""
    basis = f"{ART}第三十五条、第三十六条第一款"
    if case.unit not in org:
        return refuse("request_review", "办理机关不在组织机构中", basis)
    up = org.superior(case.unit)
    parent = org.parent(case.unit)
    court = v7(case) and org.get(case.unit).kind == UnitKind.court.value
    if court:
        up, parent = org.line_parent(case.unit), None
    options = {u.id for u in (up, parent) if u is not None}
    if wanted is None:
        if up is None:
            why = "（人民法院的上一级机关是上一级人民法院，组织机构中未列明）" if court else ""
            return refuse("request_review", f"办理机关没有上一级机关{why}", basis)
        return up.id
    if wanted not in options:
        return refuse_input(
            "request_review",
            "reviewer",
            wanted,
            "复查（复核）由原办理（复查）机关的上一级人民法院进行"
            if court
            else "复查（复核）由原办理（复查）机关的上一级行政机关或者本级人民政府进行",
            basis,
        )
    return wanted


def review_guard(case: Case, ctx: Context[ReviewInputs]) -> Decision:
    """复查 within 30 days of receiving the written reply (第三十五条); 复核 within 30 days
    of receiving the review opinion (第三十六条第一款); by the superior organ.

    A request after the 30 days is refused unless the petitioner had a good reason, stated
    as ``late_reason`` (国家信访局 2014 逐级走访办法: not accepted "逾期…且无正当理由";
    RULES.md §4.1). Petition workflow version 2 on."""
    found = details(case)
    review = found.stage is PetitionStage.handling
    article = "第三十五条" if review else "第三十六条第一款"
    what = "复查" if review else "复核"
    clock_id = REVIEW_REQUEST.id if review else REREVIEW_REQUEST.id
    clock = next((d for d in case.deadlines if d.period == clock_id and d.status.is_open), None)
    if clock is None or ctx.at > clock.due_at:
        lapsed = [
            d
            for d in case.deadlines
            if d.period == clock_id and d.status in (DeadlineStatus.running, DeadlineStatus.lapsed)
        ]
        excused = v2(case) and bool(ctx.inputs.late_reason.strip()) and bool(lapsed)
        if not excused:
            last = f"（至{clock.due.isoformat()}）" if clock is not None else ""
            if clock is None and lapsed:
                last = f"（至{lapsed[-1].due.isoformat()}）"
            return refuse(
                "request_review",
                f"请求{what}应当自收到书面答复之日起30日内提出，已超过期限{last}；"
                "有正当理由的，写明逾期的正当理由（late_reason）",
                f"{ART}{article}；国家信访局《关于进一步规范信访事项受理办理程序引导来访人依法"
                "逐级走访的办法》",
            )
    org = ctx.policy.org
    if org is None:
        return refuse(
            "request_review", "未配置组织机构（policy.org）：无法确定上一级机关", f"{ART}{article}"
        )
    found_reviewer = reviewer(case, org, ctx.inputs.reviewer)
    return found_reviewer if isinstance(found_reviewer, Decision) else ALLOW


def on_review(case: Case, ctx: Context[ReviewInputs]) -> Case:
    """The petitioner's period is met; the superior organ's review (or re-review) case
    opens with its 30-day opinion period; the 包案 assignment goes with it."""
    org = ctx.policy.org
    assert org is not None
    unit = reviewer(case, org, ctx.inputs.reviewer)
    assert isinstance(unit, str)
    found = details(case)
    opinion = found.opinion
    next_stage = (
        PetitionStage.review if found.stage is PetitionStage.handling else PetitionStage.rereview
    )
    note = ctx.inputs.reason.strip()
    if ctx.inputs.late_reason.strip():
        note = f"{note}（逾期的正当理由：{ctx.inputs.late_reason.strip()}）"
    data = handoff_details(case, stage=next_stage.value, note=note)
    if opinion is not None:
        data.update(
            prior_outcome=opinion.outcome.value,
            prior_request=opinion.request,
            prior_facts=opinion.facts,
            prior_reasons=opinion.reasons,
            prior_basis=opinion.basis,
            prior_issued_at=opinion.issued_at.isoformat(),
            prior_delivered_on=opinion.delivered_on.isoformat(),
        )
    case = deadlines.close(case, ctx, (REVIEW_REQUEST, REREVIEW_REQUEST))
    if v2(case):
        case = onestop.statutory_route(case, ctx, unit)
    case, _ = hand_on(case, ctx, unit, case.channel, data)
    return evolve(case, outcome=f"信访人请求{next_stage.label}")


def conclude_guard(case: Case, ctx: Context[ConcludeInputs]) -> Decision:
    """办结 once the petitioner accepts the reply or the 30 days to ask for 复查 / 复核 have
    passed (第三十五条, 第三十六条第一款: the petitioner's right, not cut short)."""
    if ctx.inputs.satisfied:
        return ALLOW
    party = [d for d in case.deadlines if d.period in PARTY_CLOCKS and d.status.is_open]
    if any(ctx.at <= d.due_at for d in party):
        last = max(d.due for d in party).isoformat()
        return refuse(
            "conclude",
            f"信访人请求复查（复核）的期限至{last}届满，期满前不能办结（信访人表示服从的除外）",
            f"{ART}第三十五条、第三十六条第一款",
        )
    return ALLOW


def on_conclude(case: Case, ctx: Context[ConcludeInputs]) -> Case:
    """End the case: the petitioner's period lapses (or is cancelled if they accepted).

    A matter concluded by an agreement (第三十三条; after the 包案 sign-off) had no opinion
    and no period to ask for 复查: from petition version 2 its outcome says nothing of one.
    """
    if ctx.inputs.satisfied:
        case = deadlines.cancel_all(case, ctx, where=lambda d: d.period in PARTY_CLOCKS)
    case = deadlines.close(case, ctx)
    agreed = details(case).opinion is None  # concluded by an agreement (第三十三条)
    if agreed:
        case = report_back(case, ctx, case.outcome or "经人民调解达成协议")
        if v2(case):
            return case
    note = "信访人表示服从处理意见" if ctx.inputs.satisfied else "复查（复核）请求期限届满"
    return evolve(case, outcome=f"{case.outcome or '办结'}；{note}")


def hearing_guard(case: Case, ctx: Context[HearingInputs]) -> Decision:
    """Only a 复核 hearing stops its clock (第三十六条第二款: 听证所需时间不计算在内)."""
    if details(case).stage is not PetitionStage.rereview:
        return refuse("hold_hearing", "只有复核听证的时间不计入复核期限", f"{ART}第三十六条第二款")
    return ALLOW


def handling_hearing_guard(case: Case, ctx: Context[HearingInputs]) -> Decision:
    """A major, complex or difficult matter being handled under 第三十一条第六项 may be heard
    (听证); its handling period runs on — only a 复核 hearing's time is left out (第三十六条
    第二款). Petition workflow version 2 on."""
    if not v2(case) or details(case).stage is not PetitionStage.handling:
        return refuse(
            "hold_hearing",
            "办理中的听证适用于依照第三十一条第六项受理办理的信访事项",
            f"{ART}第三十一条第六项",
        )
    return ALLOW


def on_hearing(case: Case, ctx: Context[HearingInputs]) -> Case:
    """Pause the 复核 period while the hearing lasts."""
    return deadlines.pause(case, ctx, PauseReason.hearing, spent=v2(case))


def on_end_hearing(case: Case, ctx: Context[HearingInputs]) -> Case:
    """Resume the 复核 period; the hearing's days are added back."""
    case = deadlines.resume(case, ctx)
    return with_details(case, hearings=details(case).hearings + 1)
