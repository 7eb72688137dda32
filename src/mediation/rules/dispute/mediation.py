"""Mediation: rights and duties told first (2002 规定 第三十条), sessions, suspension, a
party's refusal and failure (《人民调解法》第十七、二十三、二十六条), escalation risk (第二十五条).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, PartyRole, Risk, evolve
from mediation.rules import agreement as agreement_rules
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.base import nonblank as _nonblank
from mediation.rules.base import nonblank_items as _ids
from mediation.rules.dispute._common import (
    CALLBACK,
    CLOSING,
    CONFIRMATION,
    ESCALATION_REPORT,
    FEEDBACK_CLOCKS,
    PS_FIRST,
    PS_HANDLING,
    PS_SECOND,
    RULING_OBJECTIONS,
    SUSPENSION,
    TRAFFIC_NOTICE,
    v4,
    v8,
    v11,
    v12,
)
from mediation.rules.dispute.acceptance import _party_name, at_committee
from mediation.rules.dispute.agreement import effective
from mediation.rules.dispute.details import Refusal, RiskReport, _level, _with, details
from mediation.rules.dispute.intake import _police_kind, _public_order, _risk_clock, _traffic_police
from mediation.rules.dispute.procedure import (
    REFUSAL_GROUNDS,
    WITHDRAWAL_GROUNDS,
    Procedure,
    grounded,
    procedure,
)
from mediation.rules.intake import age_on
from mediation.rules.periods import PauseReason
from mediation.rules.policy import Policy
from mediation.rules.resolution import record_resolution

# -- rights and duties, mediation -------------------------------------------------------


@attrs.frozen(slots=True)
class InformInputs:
    """告知权利义务: how the parties were told (2002 规定 第三十条: orally or in writing)."""

    written: bool = field("书面告知", default=True)
    note: str = field("备注", default="")


def on_informed(case: Case, ctx: Context[InformInputs]) -> Case:
    """Record that the parties were told the nature, principles and effect of mediation and
    their rights and duties (2002 规定 第三十条; 《人民调解法》第二十三条); from workflow
    version 4, which parties: those registered when told, with those told before."""
    if not v4(case):
        return _with(case, rights_informed_at=ctx.at)
    told = dict.fromkeys(details(case).rights_informed_to)
    told.update(dict.fromkeys(p.id for p in agreement_rules.principals(case.parties)))
    return _with(case, rights_informed_at=ctx.at, rights_informed_to=tuple(told))


def told_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Mediation starts, goes on, and reaches an agreement only with every party told their
    rights and duties (2002 规定 第三十条): a party registered by 补正 after the notice is
    told (``inform_rights`` again, also while mediating or suspended) before mediation
    starts or resumes or an agreement binds them. The people's track, and a committee on a
    court's entrustment; workflow version 4 on."""
    found = details(case)
    if not v4(case) or not found.rights_informed_to:
        return ALLOW
    track = found.track or "people"
    if track != "people" and not (track == "judicial" and at_committee(case, ctx.policy)):
        return ALLOW
    told = set(found.rights_informed_to)
    for party in agreement_rules.principals(case.parties):
        if party.id not in told:
            return refuse(
                "inform_rights",
                f"当事人{party.name}在告知权利义务后登记，调解前须向其告知权利义务"
                "（再次告知：inform_rights）",
                "《人民调解工作若干规定》第三十条",
            )
    return ALLOW


@attrs.frozen(slots=True)
class MediatorsInputs:
    """开始调解: the mediators (人民调解法 第十九条: designated or chosen); 治安调解: the
    minors mediated without their guardian, and who violated public order where it is not
    the respondent alone (party ids; a mutual fight names both); 交警调解: the day the
    parties were notified of the session and, where a side is more than three people, who
    attends."""

    mediators: tuple[str, ...] = field("调解员", default=(), validator=_ids)
    note: str = field("备注", default="")
    guardian_not_notified: tuple[str, ...] = field(
        "经本人同意不通知监护人的未成年当事人", default=()
    )
    notified_on: dt.date | None = field("通知当事人调解时间的日期", default=None)
    attendees: tuple[str, ...] = field("参加调解的人员（当事人、代理人）", default=())
    violators: tuple[str, ...] = field("违反治安管理行为人", default=())


def start_guard(case: Case, ctx: Context[MediatorsInputs]) -> Decision:
    """People's mediation starts only after the parties were told their rights and duties.

    2002 规定 第三十条 (before mediating, tell the parties orally or in writing
    the nature, principles and effect of people's mediation and their rights
    and duties: the 权利义务告知书).

    A party who refused is never mediated on this case again on the people's track
    (《人民调解法》第十七条: a party who clearly refuses is not mediated; 第二十三条: the
    right to refuse or end mediation) — also not after a referral brings the case back
    to accepted; another track may still take it by hand-off.
    """
    found = details(case)
    people = (found.track or "people") == "people"
    refused = _refused(case, "start_mediation")
    if not refused.allowed:
        return refused
    if people and found.rights_informed_at is None:
        return refuse(
            "start_mediation",
            "调解前须告知当事人权利义务（人民调解当事人权利义务告知书）",
            "《人民调解工作若干规定》第三十条",
        )
    return ALLOW


def committee_rights_guard(case: Case, ctx: Context[MediatorsInputs]) -> Decision:
    """A people's mediation committee tells the parties their rights before it mediates,
    also on a court's entrustment (the judicial track at a committee: 特邀调解).

    2002 规定 第三十条 binds the committee whoever asked it to mediate;
    :func:`start_guard` checks it on the people's track, this guard on the judicial track
    when the case's unit is a committee. A court mediating its own case is not a
    committee and is not concerned. Workflow version 4 on.
    """
    found = details(case)
    if found.track != "judicial" or found.rights_informed_at is not None:
        return ALLOW
    if not at_committee(case, ctx.policy):
        return ALLOW
    return refuse(
        "start_mediation",
        "人民调解委员会调解前须告知当事人权利义务（人民调解当事人权利义务告知书），"
        "受人民法院委托调解的亦同",
        "《人民调解工作若干规定》第三十条",
    )


def mediator_not_party_guard(case: Case, ctx: Context[MediatorsInputs]) -> Decision:
    """No party, and no party's agent, mediates the case: the mediator is designated by the
    body or chosen by the parties (《人民调解法》第十九条) and does not side with a party
    (第十五条第一项) — named by a party's id or name among ``mediators``, refused. Workflow
    version 4 on."""
    return _party_as_mediator(case, ctx.inputs.mediators, "start_mediation")


def _party_as_mediator(case: Case, mediators: tuple[str, ...], rule: str) -> Decision:
    """Refused if one of ``mediators`` is a party or agent of ``case`` (by id or name)."""
    known = {p.id: p.name for p in case.parties} | {p.name: p.name for p in case.parties}
    for i, mediator in enumerate(mediators):
        name = known.get(mediator.strip())
        if name is not None:
            return refuse_input(
                rule,
                f"mediators[{i}]",
                mediator,
                f"当事人及其代理人（{name}）不能担任本案调解员",
                "《人民调解法》第十九条、第十五条第一项",
            )
    return ALLOW


@attrs.frozen(slots=True)
class ChangeMediatorsInputs:
    """更换调解员: the mediators who take over, why, and the party who asked, if one did
    (by party id: 《人民调解法》第二十三条第一项, a party's right to choose or accept a
    mediator)."""

    mediators: tuple[str, ...] = field("调解员", validator=_ids)
    reason: str = field("更换理由", validator=_nonblank)
    requested_by: str = field("提出更换的当事人", default="")


CHANGE_MEDIATORS_BASIS = "《人民调解法》第十九条、第二十三条第一项"

_CHANGEABLE = frozenset({"accepted", "mediating", "suspended"})
"""Where the mediators may be changed: the matter accepted and its mediation not ended."""


def change_mediators_guard(case: Case, ctx: Context[ChangeMediatorsInputs]) -> Decision:
    """The mediators are changed while the mediation is under way — accepted, mediating or
    suspended — by the body's designation or at a party's request: a party may choose or
    accept a mediator (《人民调解法》第二十三条第一项), and the body designates one or more,
    or the parties choose (第十九条). The new mediators are not a party or a party's
    agent (第十五条第一项), nor the same as those mediating; the party who asked is one of
    the case's."""
    given = ctx.inputs
    if case.state not in _CHANGEABLE:
        return refuse(
            "change_mediators",
            "调解员在受理后、调解结束前更换（已受理、调解中、中止调解）",
            CHANGE_MEDIATORS_BASIS,
        )
    party = _party_as_mediator(case, given.mediators, "change_mediators")
    if not party.allowed:
        return party
    if tuple(m.strip() for m in given.mediators) == tuple(case.assignees):
        return refuse_input(
            "change_mediators",
            "mediators",
            list(given.mediators),
            "与现任调解员相同，无须更换",
            CHANGE_MEDIATORS_BASIS,
        )
    asked = given.requested_by.strip()
    if asked and asked not in {p.id for p in case.parties}:
        return refuse_input(
            "change_mediators",
            "requested_by",
            asked,
            "提出更换的当事人应当以本案当事人的编号（party id）写明",
            CHANGE_MEDIATORS_BASIS,
        )
    return ALLOW


def on_change_mediators(case: Case, ctx: Context[ChangeMediatorsInputs]) -> Case:
    """The new mediators take the case over (its assignees); the step's event records who
    asked and why."""
    return evolve(case, assignees=tuple(m.strip() for m in ctx.inputs.mediators))


PS_PARTIES_BASIS = "《公安机关办理行政案件程序规定》第一百八十一条"


def public_order_parties_guard(case: Case, ctx: Context[MediatorsInputs]) -> Decision:
    """Who takes part in 治安调解 (程序规定 第一百八十一条; RULES.md §6.5).

    - A party under 18 on the day has a parent or other guardian present (recorded as an
      agent of that party); only a minor of 16 or 17 living on their own labour income
      who agrees may be mediated without (``guardian_not_notified``).
    - A person who violated public order (违反治安管理行为人) may not be represented by an
      agent; the injured party (被侵害人) may. They are the parties named in ``violators``
      — both, in a mutual fight; the applicant, where the one who struck first applied —
      or, when none is named, the respondents. A minor violator's agent is taken as the
      guardian.

    Workflow version 4 on; ``violators`` on another track is refused, as meaningless there.
    """
    named = ctx.inputs.violators
    if not _public_order(case, details(case).track, ctx):
        if named:
            return refuse_input(
                "start_mediation",
                "violators",
                list(named),
                "only 治安调解 names who violated public order (程序规定 第一百八十一条)",
            )
        return ALLOW
    principals = agreement_rules.principals(case.parties)
    ids = {p.id for p in principals}
    for i, who in enumerate(named):
        if who not in ids:
            return refuse_input(
                "start_mediation",
                f"violators[{i}]",
                who,
                "not a party of this case (a party id; an agent violates nothing here)",
            )
    violators = set(named) or {p.id for p in principals if p.role is PartyRole.respondent}
    waived = set(ctx.inputs.guardian_not_notified)
    represented = {p.agent_of for p in case.parties if p.agent_of}
    for party in principals:
        age = age_on(party, ctx.day)
        minor = age is not None and age < 18
        if party.id in waived and not (minor and age is not None and age >= 16):
            return refuse_input(
                "start_mediation",
                "guardian_not_notified",
                sorted(waived),
                f"只有年满十六周岁、以自己的劳动收入为主要生活来源的未成年当事人本人同意的，"
                f"才可以不通知监护人（{party.name}不符合）",
                PS_PARTIES_BASIS,
            )
        if minor and party.id not in represented and party.id not in waived:
            return refuse(
                "start_mediation",
                f"当事人{party.name}是未成年人，调解时应当通知其父母或者其他监护人到场"
                "（登记为其代理人）",
                PS_PARTIES_BASIS,
            )
        if party.id in violators and not minor and party.id in represented:
            return refuse(
                "start_mediation",
                f"违反治安管理行为人（{party.name}）不得委托他人参加调解",
                PS_PARTIES_BASIS,
            )
    return ALLOW


TRAFFIC_SESSION_BASIS = "《道路交通事故处理程序规定》第八十八条、第一百一十二条"
TRAFFIC_SIDES_BASIS = "《道路交通事故处理程序规定》第八十九条"
TRAFFIC_SIDE_LIMIT = 3
"""At most this many people of one side take part in traffic police mediation (第八十九条)."""


def _sides(case: Case) -> dict[str, PartyRole]:
    """Each party's side: a principal's own role; an agent takes the side of whom it acts for."""
    roles = {p.id: p.role for p in case.parties}
    return {p.id: roles.get(p.agent_of, p.role) if p.agent_of else p.role for p in case.parties}


def presiding_officer_guard(case: Case, ctx: Context[MediatorsInputs]) -> Decision:
    """治安调解 is presided over by an officer, whom its agreement names (《公安机关办理行政
    案件程序规定》第一百八十四条: 调解机关名称、主持人): the mediation starts with the
    mediators given (``mediators``) or assigned before. Workflow version 12 on
    (:data:`~._common.V12`); earlier versions started it with no one named, and its
    agreement then named no presiding officer. Other tracks are not concerned."""
    if not v12(case) or ctx.inputs.mediators or case.assignees:
        return ALLOW
    if not _public_order(case, details(case).track, ctx):
        return ALLOW
    return refuse_input(
        "start_mediation",
        "mediators",
        [],
        "治安调解由公安机关民警主持，调解协议书载明主持人：请指定主持调解的民警",
        "《公安机关办理行政案件程序规定》第一百八十四条",
    )


def decided_start_guard(case: Case, ctx: Context[Any]) -> Decision:
    """A 治安 case the police already decided — no penalty on the parties' joint application
    after they settled by themselves (《公安机关办理行政案件程序规定》第一百八十六条), which
    version 12 takes before the police's mediation — is not mediated by them any more: the
    matter is settled and performed. Workflow version 12 on (:data:`~._common.V12`)."""
    if not v12(case) or not police_decided_already(case):
        return ALLOW
    return refuse(
        "start_mediation",
        "公安机关已对本治安案件作出处理决定（当事人自行和解并履行，不予处罚），不再调解",
        "《公安机关办理行政案件程序规定》第一百八十六条",
    )


def traffic_session_guard(case: Case, ctx: Context[MediatorsInputs]) -> Decision:
    """Traffic police mediation of damages (交警调解), workflow version 4 on:

    - the police notify the parties of the session's time and place three days before it
      (《道路交通事故处理程序规定》第八十八条; its 日 are working days, 第一百一十二条): when
      the notice is recorded (``notified_on``), the session is not held earlier; from
      version 11 the notice must be recorded (:data:`~._common.V11`): without its day the
      three days cannot be checked;
    - at most three people of each side — parties and their agents — take part (第八十九条):
      a side with more names those who attend (``attendees``, party ids).

    Other tracks are not concerned.
    """
    if not _traffic_police(case, details(case).track, ctx):
        return ALLOW
    given = ctx.inputs
    notified = given.notified_on
    if notified is None and v11(case):
        return refuse_input(
            "start_mediation",
            "notified_on",
            None,
            "交警调解应当于调解时间三日前通知当事人：请填写通知当事人调解时间、地点的日期",
            TRAFFIC_SESSION_BASIS,
        )
    if notified is not None:
        if notified > ctx.day:
            return refuse_input(
                "start_mediation",
                "notified_on",
                notified.isoformat(),
                "the notice cannot be dated after the session",
            )
        earliest, _ = ctx.clocks.due(TRAFFIC_NOTICE.id, notified)
        if ctx.day < earliest.due:
            return refuse_input(
                "start_mediation",
                "notified_on",
                notified.isoformat(),
                f"应当于调解时间三日前通知当事人：{notified.isoformat()}通知的，"
                f"{earliest.due.isoformat()}起方可调解",
                TRAFFIC_SESSION_BASIS,
            )
    sides = _sides(case)
    unknown = [a for a in given.attendees if a not in sides]
    if unknown:
        return refuse_input(
            "start_mediation",
            "attendees",
            list(given.attendees),
            f"not a party or agent of this case: {', '.join(unknown)}",
        )
    attending = given.attendees or tuple(sides)
    for role in PartyRole:
        n = sum(1 for a in dict.fromkeys(attending) if sides[a] is role)
        if n > TRAFFIC_SIDE_LIMIT:
            return refuse_input(
                "start_mediation",
                "attendees",
                list(given.attendees),
                f"{role.label}一方参加调解的当事人和代理人有{n}人，每方不得超过"
                f"{TRAFFIC_SIDE_LIMIT}人：请指定参加调解的人员",
                TRAFFIC_SIDES_BASIS,
            )
    return ALLOW


def _refused(case: Case, rule: str) -> Decision:
    """Refused if a party of this people's mediation clearly refused it (第十七条、第二十三条)."""
    found = details(case)
    if (found.track or "people") == "people" and found.refusals:
        refusal = found.refusals[-1]
        return refuse(
            rule,
            f"当事人{_party_name(case, refusal.party)}已拒绝调解，不得进行人民调解",
            "《人民调解法》第十七条、第二十三条",
        )
    return ALLOW


def refusal_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Mediation is not begun again (``reopen``, ``remediate``) over a party's clear refusal:
    《人民调解法》第十七条 (a party who clearly refuses is not mediated), 第二十三条 (the right
    to refuse or to end mediation), as :func:`start_guard` holds for a first start."""
    return _refused(case, "refusal")


def on_start(case: Case, ctx: Context[MediatorsInputs]) -> Case:
    """Assign the mediators, count the attempt at this level; 治安调解: the first session.

    治安调解 (《公安机关办理行政案件程序规定》第一百八十三条): the first session meets
    its clock, and the window for the one further session the rule allows — 7
    working days after the first — runs while the police decide (an agreement or
    a termination ends it).
    """
    found = details(case)
    attempts = (*found.attempts, _level(case, ctx) or "")
    case = _with(case, attempts=attempts, started_at=ctx.at)
    if ctx.inputs.mediators:
        case = evolve(case, assignees=ctx.inputs.mediators)
    if _public_order(case, found.track, ctx):
        case = deadlines.close(case, ctx, (PS_FIRST,))
        case = _with(case, sessions=(ctx.at,))
        case = deadlines.open_clock(case, ctx, PS_SECOND, ctx.day)
    return case


def second_session_guard(case: Case, ctx: Context[Any]) -> Decision:
    """治安调解 is one session, with one more if needed, within 7 working days after the first.

    《公安机关办理行政案件程序规定》第一百八十三条 (调解一般为一次; 必要时可以增加一次,
    在第一次调解后七个工作日内完成): at most two sessions, the second in time.
    """
    found = details(case)
    if not _public_order(case, found.track, ctx):
        return refuse("second_session", "只有治安调解可以再次调解", "程序规定 第一百八十三条")
    if len(found.sessions) != 1:
        return refuse(
            "second_session",
            "治安调解一般为一次，必要时可以增加一次",
            "《公安机关办理行政案件程序规定》第一百八十三条",
        )
    first = found.sessions[0].astimezone(ctx.policy.tz).date()
    due, _ = ctx.clocks.due(PS_SECOND.id, first)
    if ctx.day > due.due:
        return refuse(
            "second_session",
            f"再次调解应当在第一次调解后七个工作日内完成（至{due.due.isoformat()}）",
            "《公安机关办理行政案件程序规定》第一百八十三条",
        )
    return ALLOW


def on_second_session(case: Case, ctx: Context[Any]) -> Case:
    """Record the second session, held within 7 working days after the first (第一百八十三条).

    The window opened at the first session keeps running until the mediation
    ends (agreement or termination); a case recorded before the window was
    opened at the first session gets it now. Version 4 on, the session held in it
    meets it (the guard refused one after it).
    """
    first = details(case).sessions[0].astimezone(ctx.policy.tz).date()
    case = _with(case, sessions=(*details(case).sessions, ctx.at))
    if not any(d.period == PS_SECOND.id and d.is_open for d in case.deadlines):
        case = deadlines.open_clock(case, ctx, PS_SECOND, first)
    if v4(case):
        case = deadlines.close(case, ctx, (PS_SECOND,))
    return case


@attrs.frozen(slots=True)
class SuspendInputs:
    """中止调解: why (only a reason a clock's rule names stops that clock)."""

    reason: PauseReason = field("中止原因")
    note: str = field("备注", default="")


def on_suspend(case: Case, ctx: Context[SuspendInputs]) -> Case:
    """Pause the clocks the reason may stop, and open the resume-or-terminate watch.

    Appraisal time is excluded from medical mediation (《医疗纠纷预防和处理条例》
    第三十八、四十条) and online court mediation (在线调解规则 第二十六条).
    """
    case = deadlines.pause(case, ctx, ctx.inputs.reason, spent=v4(case))
    return deadlines.open_clock(case, ctx, SUSPENSION)


def on_resume(case: Case, ctx: Context[Any]) -> Case:
    """Meet the watch clock and resume paused clocks (paused time not counted)."""
    case = deadlines.close(case, ctx, (SUSPENSION,))
    return deadlines.resume(case, ctx)


# -- refusal and failure ----------------------------------------------------------------


@attrs.frozen(slots=True)
class PartyRefusesInputs:
    """当事人拒绝调解: who, what they said, and that they were told their remedies."""

    party: str = field("拒绝调解的当事人", validator=_nonblank)
    statement: str = field("当事人陈述", default="")
    remedies_informed: bool = field("已告知其他救济途径", default=False)


def _before_acceptance(case: Case) -> bool:
    """Not yet accepted: received or triaged, or referred from there and not yet taken."""
    if case.state == "referred":
        referrals = details(case).referrals
        return bool(referrals) and referrals[-1].from_state in ("received", "triaged")
    return case.state in ("received", "triaged")


def party_refuses_guard(case: Case, ctx: Context[PartyRefusesInputs]) -> Decision:
    """A party may refuse or demand termination at any time (《人民调解法》第十七条、第二十三条).

    The party must be one of the case's; once mediation has begun, ending it
    requires telling the parties their other remedies (第二十六条).
    """
    given = ctx.inputs
    problem = agreement_rules.principal_problem(
        case.parties, "party_refuses", "party", given.party, "《人民调解法》第二十三条"
    )
    if not problem.allowed:
        return problem
    mediating = not _before_acceptance(case)
    if mediating and not given.remedies_informed:
        return refuse(
            "party_refuses",
            "终止调解须告知当事人可以依法通过仲裁、行政、司法等途径维护权利",
            "《人民调解法》第二十六条",
        )
    return ALLOW


def on_party_refuses(case: Case, ctx: Context[PartyRefusesInputs]) -> Case:
    """Record the refusal; before acceptance it ends the case, after it ends mediation.

    《人民调解法》第十七条 (one party clearly refuses: no mediation),
    第二十三条 (the right to demand termination), 第二十六条 (termination with remedies).
    Versions 2 and 3 cite these whatever the organ.
    """
    return _party_refuses(case, ctx, Procedure.people)


def on_party_refuses_current(case: Case, ctx: Context[PartyRefusesInputs]) -> Case:
    """Version 4 on: :func:`on_party_refuses`, on the ground of the case's own procedure —
    治安调解 cites 程序规定 第一百七十九条 before acceptance and 第一百八十五条 after it; the
    traffic police 程序规定 第九十四条; the other administrative procedures no article of
    the People's Mediation Law (:data:`~.procedure.REFUSAL_GROUNDS`,
    :data:`~.procedure.WITHDRAWAL_GROUNDS`)."""
    return _party_refuses(case, ctx, procedure(case, ctx.policy))


def _party_refuses(case: Case, ctx: Context[PartyRefusesInputs], proc: Procedure) -> Case:
    given = ctx.inputs
    stage = "acceptance" if _before_acceptance(case) else "mediation"
    refusal = Refusal(given.party, ctx.at, stage, given.statement)
    case = _with(case, refusals=(*details(case).refusals, refusal))
    name = _party_name(case, given.party)
    if stage == "acceptance":
        basis = REFUSAL_GROUNDS[proc]
        what = "明确表示不愿意调解处理" if proc is Procedure.public_order else "明确拒绝调解"
        case = deadlines.cancel_all(case, ctx, late=v4(case))
        case = evolve(case, outcome=grounded(f"当事人{name}{what}，不予调解", basis))
        return record_resolution(case, ctx, "not_accepted", details(case).track)
    what, basis = WITHDRAWAL_GROUNDS[proc]
    case = _close_work(case, ctx)
    case = evolve(case, outcome=grounded(f"当事人{name}{what}", basis))
    return _after_failure(case, ctx)


@attrs.frozen(slots=True)
class TerminateInputs:
    """终止调解: why, and that the parties were told their other remedies."""

    reason: str = field("终止理由", validator=_nonblank)
    remedies_informed: bool = field("已告知其他救济途径", default=False)


def terminate_guard(case: Case, ctx: Context[TerminateInputs]) -> Decision:
    """Terminating a failed mediation requires telling the parties their other remedies.

    《人民调解法》第二十六条: the mediator terminates and informs the parties
    that they may seek arbitration, administrative or judicial remedies.
    """
    if not ctx.inputs.remedies_informed:
        return refuse(
            "terminate",
            "终止调解须告知当事人可以依法通过仲裁、行政、司法等途径维护权利",
            "《人民调解法》第二十六条",
        )
    return ALLOW


def on_terminate(case: Case, ctx: Context[TerminateInputs]) -> Case:
    """Close mediation clocks, record why; after failure the policy's callbacks, or the
    police penalty procedure for 治安调解 (程序规定 第一百八十五条)."""
    case = _close_work(case, ctx)
    case = evolve(case, outcome=ctx.inputs.reason)
    return _after_failure(case, ctx)


_OWED = FEEDBACK_CLOCKS | {ESCALATION_REPORT.id}
_KEPT = _OWED | {PS_HANDLING.id}


def _close_work(case: Case, ctx: Context[Any]) -> Case:
    """Close the clocks of the round of mediation that ends, not the actions still owed.

    A report back on an assignment (交办: 《信访工作条例》第二十二条第一款第三项) and
    the report of an escalation risk (《人民调解法》第二十五条) are met only by making
    them: ending or reopening mediation neither makes them nor excuses them. Nor is the
    police's case-handling period the round's: a failure restarts it
    (:func:`restart_handling`). Version 4 on, nor are the parties' 30 days to apply for
    司法确认 of an agreement still in effect (《人民调解法》第三十一条、第三十三条): a
    round of re-mediation that ends without a new agreement leaves it binding; nor a
    party's or an interested person's period to object to the court's ruling on it
    (民诉法解释 第三百七十二条), a right against the court that mediation neither uses nor
    ends.
    """
    kept = _KEPT
    if v4(case):
        kept = kept | RULING_OBJECTIONS
        # The second 治安调解 session is held only if needed (第一百八十三条: 必要时可以
        # 增加一次): a mediation that ends without it owes none, and its window closes
        # unused, not breached.
        case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == PS_SECOND.id)
        if effective(case) is not None:
            kept = kept | {CONFIRMATION.id}
    if v12(case) and police_decided_already(case):
        kept = kept | {CLOSING.id}  # decided before its mediation ended: closing runs on
    return deadlines.close(case, ctx, where=lambda d: d.period not in kept)


def _after_failure(case: Case, ctx: Context[Any]) -> Case:
    """治安调解 failed: the case-handling clock restarts from today (第一百八十五条);
    else the callback watch if the policy asks for visits after a failure. The
    day mediation ended is recorded (程序规定 第八十五条 counts from it)."""
    case = _with(case, ended_at=ctx.at)
    if _public_order(case, details(case).track, ctx):
        if not (v12(case) and police_decided_already(case)):
            return restart_handling(case, ctx)
        if any(d.period == CLOSING.id and d.is_open for d in case.deadlines):
            return case  # decided before its mediation ended: its closing clock runs
    if ctx.policy.callbacks.after_failure:
        return deadlines.open_clock(case, ctx, CALLBACK)
    return deadlines.open_clock(case, ctx, CLOSING)


def restart_handling(case: Case, ctx: Context[Any], start: dt.date | None = None) -> Case:
    """治安调解 failed, or its agreement was not performed: the case-handling period counts
    afresh from that day (《公安机关办理行政案件程序规定》第一百八十五条: "从调解未达成协议
    或者调解协议不履行之日起"), ``start`` (default: today). The period counted from
    acceptance (第一百六十五条) is replaced: cancelled, or breached if it had already run
    out (the restart does not undo a lateness)."""
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == PS_HANDLING.id, late=True)
    return deadlines.open_clock(case, ctx, PS_HANDLING, start)


_SESSIONS = frozenset({PS_FIRST.id, PS_SECOND.id})


def police_decided_already(case: Case) -> bool:
    """The police already decided the 治安 case — a penalty, or none on the parties' joint
    application after they settled by themselves (第一百八十六条; version 12 lets them before
    the police's mediation begins): the case ending restarts no handling period."""
    found = details(case)
    return found.penalty_decided_at is not None or found.penalty_waived_at is not None


def public_order_pending(case: Case, policy: Policy) -> bool:
    """A 治安调解 the police accepted and have not decided, under dispute workflow version 12
    (:data:`~._common.V12`): it ends in an agreement, or in the penalty procedure — a party's
    wish to stop is a failure of the mediation (``party_refuses``), not a withdrawal that
    would end the police case undecided (《公安机关办理行政案件程序规定》第一百八十五条;
    《治安管理处罚法》第九条)."""
    return (
        v12(case)
        and not _before_acceptance(case)
        and not police_decided_already(case)
        and _police_kind(case, details(case).track, policy) == "public_order"
    )


def penalty_owed(case: Case, ctx: Context[Any]) -> bool:
    """A 治安调解 that failed or was not performed, whose penalty decision is still to be made:
    its case-handling clock runs again (程序规定 第一百八十五条)."""
    found = details(case)
    if case.state not in _PENALTY_STATES or found.penalty_decided_at is not None:
        return False
    running = any(d.period == PS_HANDLING.id and d.is_open for d in case.deadlines)
    return running and _public_order(case, found.track, ctx)


_PENALTY_STATES = frozenset({"failed", "not_performed", "callback"})
"""Where a 治安调解 waits after a failure or a non-performance (the period running from
acceptance, dispute v4, is not yet the penalty procedure's)."""


def penalty_first_guard(case: Case, ctx: Context[Any]) -> Decision:
    """A 治安调解 that failed, or whose agreement was not performed, is penalised before the
    case leaves the police (程序规定 第一百八十五条): handing it to a committee would end
    the case with its penalty undecided. After the decision the civil claim may go on.
    Workflow version 4 on."""
    if penalty_owed(case, ctx):
        return refuse(
            "hand_off",
            "治安调解不成或者协议未履行的，公安机关应当先依法作出处罚决定，再移交其他组织调解民事争议",
            "程序规定 第一百八十五条",
        )
    return ALLOW


def penalty_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Only a 治安调解 that failed, or whose agreement was not performed, goes back to the
    police penalty procedure (程序规定 第一百八十五条) — unless the police already approved
    the parties' application for no penalty after they settled (第一百八十六条)."""
    if details(case).penalty_waived_at is not None:
        return refuse(
            "decide_penalty",
            "公安机关已经批准不予处罚（当事人自行和解并履行）",
            "《公安机关办理行政案件程序规定》第一百八十六条",
        )
    if not penalty_owed(case, ctx):
        return refuse(
            "decide_penalty",
            "只有调解不成或者协议未履行的治安调解案件依法作出处罚决定",
            "程序规定 第一百八十五条",
        )
    return ALLOW


def police_decided(case: Case, ctx: Context[Any], **decision: Any) -> Case:
    """The police decided on the violation — a penalty, or none (第一百八十六条): the
    case-handling clock is met by that decision (程序规定 第一百六十五、一百八十五条), the
    decision is recorded on the details (``decision``), and the case may close. Decided
    before its own mediation (no penalty on the parties' settlement, version 12), the
    sessions it still owed are owed no more (第一百八十三条's clocks are cancelled)."""
    case = deadlines.close(case, ctx, (PS_HANDLING,))
    if v12(case):
        case = deadlines.cancel_all(case, ctx, where=lambda d: d.period in _SESSIONS)
    case = _with(case, **decision)
    return deadlines.open_clock(case, ctx, CLOSING)


def on_penalty(case: Case, ctx: Context[Any]) -> Case:
    """Record the penalty decision (:func:`police_decided`)."""
    return police_decided(case, ctx, penalty_decided_at=ctx.at)


# -- escalation risk --------------------------------------------------------------------


@attrs.frozen(slots=True)
class RiskInputs:
    """风险研判: the finding, the level, the measures, and whom it was reported to.

    The levels read 《人民调解法》第二十五条's two findings: ``medium``, the dispute may
    intensify (有可能激化); ``high``, it may lead to a public-order or criminal case
    (有可能引起治安案件、刑事案件); ``low``, neither.
    """

    level: Risk = field("风险等级")
    finding: str = field("研判情况", validator=_nonblank)
    measures: str = field("已采取的预防措施", default="")
    reported_to: str = field("已报告的机关", default="")


def risk_guard(case: Case, ctx: Context[RiskInputs]) -> Decision:
    """A dispute found likely to intensify is met with targeted measures (《人民调解法》
    第二十五条): a high risk, and from dispute workflow version 8 on a medium one too (the
    article asks measures of every dispute that may intensify, and the report besides of
    one that may lead to a public-order or criminal case; before, only a high risk)."""
    given = ctx.inputs
    needs = given.level is Risk.high or (given.level is Risk.medium and v8(case))
    if needs and not given.measures.strip():
        return refuse_input(
            "assess_risk",
            "measures",
            "",
            "发现纠纷有可能激化的，应当采取有针对性的预防措施",
            "《人民调解法》第二十五条",
        )
    return ALLOW


def on_risk(case: Case, ctx: Context[RiskInputs]) -> Case:
    """Record the finding; a high risk owes a report to the police or a department, due
    at once (the clock shows in ``due`` as the action owed) until it is made — from
    version 4 on, each high-risk finding, not only the first (《人民调解法》第二十五条)."""
    given = ctx.inputs
    report = RiskReport(ctx.at, given.level, given.finding, given.measures, given.reported_to)
    case = _with(case, risk_reports=(*details(case).risk_reports, report))
    case = evolve(case, risk=given.level)
    if given.reported_to.strip():
        return deadlines.close(case, ctx, (ESCALATION_REPORT,))
    if v4(case) and given.level is Risk.high:
        # Each new finding that the dispute may turn into a public-order or criminal case
        # is reported (第二十五条): an earlier report covered the risk then found.
        owed = any(d.period == ESCALATION_REPORT.id and d.is_open for d in case.deadlines)
        return case if owed else deadlines.open_clock(case, ctx, ESCALATION_REPORT)
    return _risk_clock(case, ctx, given.level)


def report_owed_check(before: Case, after: Case, ctx: Context[Any]) -> Decision:
    """A case that owes the report of an escalation risk is not closed before it is made.

    《人民调解法》第二十五条: a dispute that may lead to a public-order or criminal
    case is reported to the local police or another department 及时 (promptly).
    Ending the case — an agreement, a failure, a withdrawal, not accepting it —
    neither makes the report nor excuses it, and closing would end its clock as if
    it had been made. Record it first (``assess_risk`` naming ``reported_to``). (The
    workflow does not ask it of a transfer or hand-off, which puts the matter before
    another organ.)
    """
    if not any(d.period == ESCALATION_REPORT.id and d.is_open for d in before.deadlines):
        return ALLOW
    return refuse(
        "escalation_report",
        "本案有激化风险，须先向当地公安机关或者其他有关部门报告并登记"
        "（风险研判：填写“已报告的机关”），方可结案",
        "《人民调解法》第二十五条",
    )
