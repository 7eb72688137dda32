"""领导包案: a leader takes personal charge of a hard case, and signs it off (签字销号).

"一个问题、一名领导、一套班子、一个方案、一抓到底" (one problem, one leader,
one team, one plan, followed through to the end): a policy selects the cases
(repeat petitions, backlog, collective petitions, matters assigned from above,
high risk — configurable); the assignment names the leader at the right level
(county leaders for the county's hardest cases, town leaders otherwise), the
responsible officer, the team, the plan and the timetable; the leader's duties
are recorded as they happen (接访, 下访, 约谈, 督办, 帮扶); a reminder runs on a
cadence; a case under 包案 closes only after the leader's sign-off (the hook
:data:`~mediation.workflows.baoan.BAOAN_SIGN_OFF_HOOK`), and the assignment —
an overlay, ``baoan`` — travels with the case through every move and hand-off.

Leaders receive petitioners on set days: :mod:`mediation.rules.baoan_reception`.

Sources: 《信访工作条例》第十八条第二款 (领导干部…定期接待群众来访、定期下访，
包案化解群众反映强烈的突出问题); 中办、国办转发《关于领导干部定期接待群众来访的意见》
(2009, RULES.md §4.1); RULES.md §7.1 (华容 "四包", 洛南 formula: PRACTICE,
no national time limit — the timetable is the plan's own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.model import Case, ClockKind, DeadlineStatus, LabeledEnum, LinkKind, Risk, evolve
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, OpenCase, field, refuse, refuse_input
from mediation.rules.base import nonblank as _nonblank
from mediation.rules.clockbook import FixedClock
from mediation.rules.org import OrgTree
from mediation.rules.supervision import BAOAN_CANDIDATE, SUPERVISED

__all__ = [
    "BACKLOG",
    "BAOAN_CANDIDATE",
    "BASIS",
    "CLOCKS",
    "OVERLAY",
    "STRICT_SINCE",
    "AssignInputs",
    "Baoan",
    "BaoanPolicy",
    "BaoanReason",
    "Duty",
    "DutyInputs",
    "DutyKind",
    "Leader",
    "Milestone",
    "SignOff",
    "SignOffInputs",
    "assign_guard",
    "assignment",
    "awaiting_sign_off",
    "candidates",
    "carried",
    "duty_guard",
    "handed",
    "is_backlog",
    "leader_level",
    "needed_level",
    "nominate_guard",
    "on_assign",
    "on_duty",
    "on_nominate",
    "on_remind",
    "on_sign_off",
    "reclaimed",
    "remind_guard",
    "roster_problem",
    "sign_off_check",
    "sign_off_guard",
    "strict",
]

OVERLAY = "baoan"
"""The overlay's name on a case."""

BASIS = "《信访工作条例》第十八条第二款（包案化解）；领导包案“签字销号”（RULES.md §7.1，地方实践）"
"""What a 包案 rule cites."""

BACKLOG = "backlog"
"""Flag: a case unresolved past its clocks (信访积案)."""

TIMETABLE = FixedClock(
    "baoan_timetable",
    "包案化解时限（时间进度表）",
    BASIS,
    holder="unit",
    soft=True,
)
"""The last date of the 包案 timetable (a target the plan sets; no national limit)."""

REMINDER = FixedClock(
    "baoan_reminder",
    "包案督促提醒",
    BASIS,
    holder="unit",
    soft=True,
)
"""The next reminder to the leader (cadence from :class:`BaoanPolicy`)."""

CLOCKS = (TIMETABLE, REMINDER)
_CLOCK_IDS = frozenset(c.id for c in CLOCKS)
"""The clocks the 包案 steps open."""


class BaoanReason(LabeledEnum):
    """Why a case is proposed for 包案 (RULES.md §7.1; PRACTICE)."""

    repeat = "repeat", "重复信访"
    backlog = "backlog", "信访积案（超期未结）"
    collective = "collective", "集体访"
    assigned = "assigned", "上级交办"
    high_risk = "high_risk", "高风险"
    escalated = "escalated", "多次督办"


class DutyKind(LabeledEnum):
    """What the leader did (the "四包" duties of RULES.md §7.1)."""

    reception = "reception", "接访"
    visit = "visit", "下访"
    interview = "interview", "约谈"
    supervise = "supervise", "督办"
    assist = "assist", "帮扶救助"


@attrs.frozen(slots=True)
class Leader:
    """A leader of the roster (领导包案、接访).

    Attributes:
        id: The leader's actor id (the sign-off is the leader's own).
        name: Display name.
        title: Post, e.g. ``"县委书记"``.
        unit: The leader's unit (a county or town government, say).
        level: The level of the post (``"county"``, ``"town"``…).
        reception_days: Reception days announced (接访日); empty: by the policy's cadence.
    """

    id: str
    name: str
    title: str
    unit: str
    level: str
    reception_days: tuple[dt.date, ...] = ()


@attrs.frozen(slots=True)
class BaoanPolicy:
    """Which cases go under 包案, at which level, how often to remind (PRACTICE, RULES.md §7.1).

    Attributes:
        select: The reasons that make a case a candidate.
        repeat_threshold: Earlier petitions on the same matter that make a repeat.
        county_reasons: Reasons that make a case one of the county's hardest (a
            county leader takes it); other candidates go to a town leader.
        county_level: The level of county leaders.
        town_level: The level of town leaders.
        remind_days: Days between reminders to the leader.
        roster: The leaders who may take cases (empty: any leader named, with
            the level given).
        reception_monthly: Levels whose leaders receive about one day a month
            (the first working day on or after ``reception_day``).
        reception_quarterly: Levels whose leaders receive about one day a quarter.
        reception_day: The day of the month reception days are counted from.
        sign_off_required: Whether a case under 包案 waits for the leader's sign-off
            (签字销号) to close at all; off, the leader is reminded, not waited for.
        sign_off_exempt: States a case under 包案 may close into without the sign-off:
            the petitioner's withdrawal, and the ends the law itself prescribes — 诉访分离
            and 不予受理 (《信访工作条例》第二十八条第二款、第三十一条), the 复核 opinion
            that ends the matter (第三十六条), a dispute's 移送 to the competent organ
            (2002 规定 第二十二条、第二十四条: a crime to the police). A practice gate does
            not hold them up.
    """

    select: frozenset[BaoanReason] = frozenset(BaoanReason)
    repeat_threshold: int = 1
    county_reasons: frozenset[BaoanReason] = frozenset(
        {
            BaoanReason.backlog,
            BaoanReason.collective,
            BaoanReason.assigned,
            BaoanReason.high_risk,
            BaoanReason.escalated,
        }
    )
    county_level: str = "county"
    town_level: str = "town"
    remind_days: int = 15
    roster: tuple[Leader, ...] = ()
    reception_monthly: frozenset[str] = frozenset({"county"})
    reception_quarterly: frozenset[str] = frozenset({"city"})
    reception_day: int = 15
    sign_off_required: bool = True
    sign_off_exempt: frozenset[str] = frozenset(
        {"withdrawn", "diverted", "not_accepted", "final", "transferred_out"}
    )

    def leader(self, leader_id: str) -> Leader | None:
        """The roster entry of ``leader_id``."""
        return next((x for x in self.roster if x.id == leader_id), None)

    def check_policy(self, policy: Any) -> None:
        """Check the roster against the policy's org tree, as
        :func:`~mediation.rules.baoan_reception.roster_from_file` does: each leader's unit
        is a unit of the tree and the level is the unit's. A level claimed above the unit's
        would let a town official take the county's hardest cases.

        Raises:
            ValidationError: naming the entry (``BaoanPolicy.roster[0].level``).
        """
        org = policy.org
        if org is None:
            return
        problem = roster_problem(self.roster, org)
        if problem is not None:
            where, value, why = problem
            raise ValidationError(f"BaoanPolicy.roster{where}", value, why)


def roster_problem(roster: Iterable[Leader], org: OrgTree) -> tuple[str, str, str] | None:
    """The first leader of ``roster`` whose unit is not one of ``org``'s, or whose level is
    not the unit's: (``"[i].unit"`` or ``"[i].level"``, the value, why); ``None``: none."""
    for i, leader in enumerate(roster):
        if leader.unit not in org:
            return f"[{i}].unit", leader.unit, "not a unit of the org"
        if org.level_of(leader.unit) != leader.level:
            return f"[{i}].level", leader.level, f"the unit is at {org.level_of(leader.unit)}"
    return None


@attrs.frozen(slots=True)
class Milestone:
    """A line of the timetable (时间进度表): by when, what."""

    due: dt.date = field("完成时间")
    task: str = field("工作内容")


@attrs.frozen(slots=True)
class Duty:
    """A duty the leader performed (接访, 下访, 约谈, 督办, 帮扶)."""

    kind: DutyKind
    at: dt.datetime
    by: str
    note: str = ""


@attrs.frozen(slots=True)
class SignOff:
    """The leader's sign-off (签字销号)."""

    at: dt.datetime
    by: str
    result: str


@attrs.frozen(slots=True)
class Handover:
    """A change of the leader in charge (包案领导调整): from whom, when, by whom, why."""

    at: dt.datetime
    by: str
    from_leader: str
    from_name: str
    reason: str


@attrs.frozen(slots=True)
class Baoan:
    """The ``baoan`` overlay: who leads the case, with whom, by which plan, and what was done.

    Attributes:
        leader: The leader's actor id.
        leader_name: The leader's name and post, as printed.
        level: The leader's level.
        officer: The responsible officer (负责人领办).
        team: The working team (工作专班).
        plan: The resolution plan (化解方案).
        timetable: The timetable (时间进度表).
        reasons: Why the case was put under 包案.
        assigned_at: When.
        assigned_by: Who assigned it.
        duties: The duties performed, in order.
        reminders: Reminders sent so far.
        signed_off: The sign-off, once given.
        handed_to: The case the assignment went on with (转送, 复查…): the
            sign-off belongs there, this case may close without it.
        handovers: The earlier leaders in charge, each with why the case passed on
            (``baoan_handover``): the plan and its timetable stay, one case, one leader at a time.
    """

    leader: str
    leader_name: str
    level: str
    officer: str
    team: tuple[str, ...]
    plan: str
    timetable: tuple[Milestone, ...]
    reasons: tuple[BaoanReason, ...]
    assigned_at: dt.datetime
    assigned_by: str
    duties: tuple[Duty, ...] = ()
    reminders: int = 0
    signed_off: SignOff | None = None
    handed_to: str = ""
    handovers: tuple[Handover, ...] = ()


@attrs.frozen(slots=True)
class AssignInputs:
    """领导包案: leader, officer, team, plan, timetable (一名领导、一套班子、一个方案、一抓到底)."""

    leader: str = field("包案领导", validator=_nonblank)
    officer: str = field("责任人", validator=_nonblank)
    plan: str = field("化解方案", validator=_nonblank)
    timetable: tuple[Milestone, ...] = field("时间进度表")
    team: tuple[str, ...] = field("工作专班", default=())
    leader_name: str = field("领导姓名职务", default="")
    level: str | None = field("领导层级", default=None)
    reason: str = field("包案理由（不属于选案范围时）", default="")


@attrs.frozen(slots=True)
class HandoverInputs:
    """包案领导调整: the leader who takes the case over, and why (the one in charge moved post,
    left office…); without a roster, the new leader's name, post and level."""

    leader: str = field("接任包案领导", validator=_nonblank)
    reason: str = field("调整理由", validator=_nonblank)
    leader_name: str = field("领导姓名职务", default="")
    level: str | None = field("领导层级", default=None)


@attrs.frozen(slots=True)
class DutyInputs:
    """记录包案领导履职: what was done, and a note."""

    kind: DutyKind = field("履职方式")
    note: str = field("情况", default="")


@attrs.frozen(slots=True)
class SignOffInputs:
    """签字销号: the result of the resolution."""

    result: str = field("化解结果", validator=_nonblank)


def assignment(case: Case) -> Baoan | None:
    """The case's 包案 assignment, if it is under 包案."""
    value = case.overlays.get(OVERLAY)
    return value if isinstance(value, Baoan) else None


_found = assignment


def awaiting_sign_off(case: Case) -> bool:
    """The case is under 包案 on its own (not handed on) and the leader has not signed off:
    a resolution reached on it waits for the sign-off (签字销号) before the case concludes."""
    found = _found(case)
    return found is not None and found.signed_off is None and not found.handed_to


def is_backlog(case: Case, at: dt.datetime) -> bool:
    """An open duty clock has passed (信访积案: unresolved past its clocks), or it was
    supervised for a breach, or flagged as backlog."""
    if BACKLOG in case.flags or SUPERVISED in case.flags:
        return True
    return any(
        d.kind is ClockKind.duty and d.status is DeadlineStatus.running and at > d.due_at
        for d in case.deadlines
    )


def candidates(case: Case, at: dt.datetime, policy: BaoanPolicy) -> tuple[BaoanReason, ...]:
    """Why ``case`` is a 包案 candidate under ``policy`` (empty: it is not).

    Pure: reads the case's links (repeat petitions), clocks (backlog), flags
    (``collective``, ``assigned``, the supervision scanner's ``baoan_candidate``)
    and risk. Source: :data:`BASIS`.
    """
    repeats = sum(1 for link in case.links if link.kind is LinkKind.repeat_of)
    found = {
        BaoanReason.repeat: repeats >= policy.repeat_threshold,
        BaoanReason.backlog: is_backlog(case, at),
        BaoanReason.collective: "collective" in case.flags,
        BaoanReason.assigned: "assigned" in case.flags,
        BaoanReason.high_risk: case.risk is Risk.high,
        # the supervision scanner's proposal after repeated breaches (rules.supervision)
        BaoanReason.escalated: BAOAN_CANDIDATE in case.flags and SUPERVISED in case.flags,
    }
    return tuple(r for r in BaoanReason if found[r] and r in policy.select)


def leader_level(case: Case, reasons: Iterable[BaoanReason], policy: BaoanPolicy) -> str:
    """The level of leader a case needs: county for the county's hardest, town otherwise.

    The hardest: a reason of :attr:`BaoanPolicy.county_reasons`, or a case owned
    at county level already. (A case owned above the county needs a leader of its own
    level: :func:`needed_level`.)
    """
    if set(reasons) & policy.county_reasons or case.level == policy.county_level:
        return policy.county_level
    return policy.town_level


STRICT_SINCE: dict[str, int] = {"dispute": 9, "petition": 6}
"""The workflow versions from which the 包案 steps hold a case to the rules below
(:func:`strict`); a workflow not named here (an embedder's own) is held to them always.

- A case owned above the county (a city's) needs a leader of its own level or above, not
  a town leader (:func:`needed_level`; "一名领导" at the level that holds the case,
  RULES.md §7.1, §7.4).
- A duty (四包) is the leader's in charge: another leader of the roster, or a leader the
  case was handed over from, does not record one on it (:func:`duty_guard`).

Earlier versions' cases replay as they were recorded."""


def strict(case: Case) -> bool:
    """Whether the 包案 steps hold ``case`` to the rules of :data:`STRICT_SINCE`."""
    return case.workflow_version >= STRICT_SINCE.get(case.workflow, 1)


def needed_level(
    case: Case, reasons: Iterable[BaoanReason], policy: BaoanPolicy, org: OrgTree | None
) -> str:
    """:func:`leader_level`, and — :func:`strict` — the case's own level where the org's
    ladder ranks it higher (a city's case needs a city leader at least)."""
    needed = leader_level(case, reasons, policy)
    own = case.level
    if (
        strict(case)
        and org is not None
        and own is not None
        and own in org.ladder
        and _rank(org, own) > _rank(org, needed)
    ):
        return own
    return needed


def _rank(org: OrgTree | None, level: str) -> int:
    if org is None or level not in org.ladder:
        return -1
    return org.ladder.rank(level)


def assign_guard(case: Case, ctx: Context[AssignInputs]) -> Decision:
    """A case goes under 包案 once, for a reason, to a leader of the right level and place.

    - Selected by the policy (:func:`candidates`) or with a reason stated.
    - The leader is on the roster (when there is one), at the level
      :func:`leader_level` asks (or above), over the case's territory.
    - A plan, a responsible officer and a timetable not already past.

    Source: :data:`BASIS`.
    """
    given = ctx.inputs
    policy = ctx.policy.part(BaoanPolicy)
    found = _found(case)
    if found is not None:
        return refuse("baoan_assign", f"本案已由{found.leader_name or found.leader}包案", BASIS)
    reasons = candidates(case, ctx.at, policy)
    if not reasons and not given.reason.strip():
        return refuse(
            "baoan_assign",
            "本案不属于包案选案范围（重复信访、信访积案、集体访、上级交办、高风险），"
            "确需包案的须写明理由",
            BASIS,
        )
    if not given.timetable:
        return refuse_input("baoan_assign", "timetable", (), "至少列明一项工作及完成时间", BASIS)
    for i, item in enumerate(given.timetable):
        if item.due < ctx.day:
            return refuse_input(
                "baoan_assign", f"timetable[{i}].due", item.due.isoformat(), "完成时间已过"
            )
        if not item.task.strip():
            return refuse_input("baoan_assign", f"timetable[{i}].task", item.task, "须写明工作内容")
    needed = needed_level(case, reasons, policy, ctx.policy.org)
    return _leader_problem(
        "baoan_assign", case, ctx, needed, given.leader, given.leader_name, given.level
    )


def _leader_problem(
    rule: str,
    case: Case,
    ctx: Context[Any],
    needed: str,
    leader: str,
    leader_name: str,
    level: str | None,
) -> Decision:
    """Whether ``leader`` may lead the case: on the roster (when there is one), at level
    ``needed`` or above, over the case's territory; without a roster, named with a level."""
    policy = ctx.policy.part(BaoanPolicy)
    org = ctx.policy.org
    if policy.roster:
        entry = policy.leader(leader)
        if entry is None:
            return refuse_input(rule, "leader", leader, "不在包案领导名册中")
        if org is None:
            return refuse(rule, "未配置组织机构，无法核对包案领导的辖区", BASIS)
        if _rank(org, entry.level) < _rank(org, needed):
            return refuse_input(
                rule,
                "leader",
                leader,
                f"本案应由{org.ladder.label(needed)}领导包案，{entry.name}为"
                f"{org.ladder.label(entry.level)}领导",
                BASIS,
            )
        if case.unit not in org or not org.within(case.unit, entry.unit):
            return refuse_input(rule, "leader", leader, f"本案不在{entry.name}所在单位的辖区内")
        return ALLOW
    if not leader_name.strip() or level is None:
        return refuse_input(rule, "leader_name", leader_name, "无名册时须写明领导姓名职务和层级")
    if org is not None and level not in org.ladder:
        return refuse_input(rule, "level", level, "unknown level")
    if _rank(org, level) < _rank(org, needed):
        return refuse_input(rule, "level", level, f"本案应由{needed}层级领导包案", BASIS)
    return ALLOW


def _named(
    policy: BaoanPolicy, leader: str, leader_name: str, level: str | None
) -> tuple[str, str]:
    """The leader's name and post as printed, and level: from the roster, else as given."""
    entry = policy.leader(leader) if policy.roster else None
    if entry is not None:
        return f"{entry.title}{entry.name}", entry.level
    return leader_name.strip(), level or policy.town_level


def _restart_reminder(case: Case, ctx: Context[Any]) -> Case:
    case = deadlines.close(case, ctx, (REMINDER,))
    days = ctx.policy.part(BaoanPolicy).remind_days
    return deadlines.open_fixed(case, ctx, REMINDER, ctx.day + dt.timedelta(days=days))


def on_assign(case: Case, ctx: Context[AssignInputs]) -> Case:
    """Put the case under 包案: the overlay, the timetable clock, the first reminder."""
    given = ctx.inputs
    policy = ctx.policy.part(BaoanPolicy)
    reasons = candidates(case, ctx.at, policy)
    name, level = _named(policy, given.leader, given.leader_name, given.level)
    timetable = tuple(sorted(given.timetable, key=lambda m: m.due))
    state = Baoan(
        leader=given.leader,
        leader_name=name,
        level=level,
        officer=given.officer.strip(),
        team=tuple(t.strip() for t in given.team if t.strip()),
        plan=given.plan.strip(),
        timetable=timetable,
        reasons=reasons,
        assigned_at=ctx.at,
        assigned_by=ctx.actor.id,
    )
    case = evolve(
        case,
        overlays=case.overlays.set(OVERLAY, state),
        flags=case.flags | {"baoan"},
    )
    return _open_clocks(case, ctx, timetable[-1].due)


def _open_clocks(case: Case, ctx: Context[Any], last: dt.date) -> Case:
    """The timetable's clock to its last date (if still ahead) and the reminder cadence."""
    if last >= ctx.day:
        case = deadlines.open_fixed(case, ctx, TIMETABLE, last)
    return _restart_reminder(case, ctx)


def _open_under(case: Case, rule: str) -> Baoan | Decision:
    found = _found(case)
    if found is None:
        return refuse(rule, "本案未实行领导包案", BASIS)
    if found.handed_to:
        return refuse(rule, f"包案已随案件移交（{found.handed_to}），在该案件上办理", BASIS)
    if found.signed_off is not None:
        return refuse(rule, "包案领导已签字销号", BASIS)
    return found


def duty_guard(case: Case, ctx: Context[DutyInputs]) -> Decision:
    """Duties are recorded on a case under 包案 not yet signed off (source: :data:`BASIS`).

    :func:`strict`: the duties (四包: 接访下访、教育转化、督促指导、帮扶救助) are the leader's
    in charge — "一名领导" (RULES.md §7.1). The leader records them, or staff on the
    leader's behalf; another leader of the roster, or one the case was handed over from,
    does not: the reception would count for a leader who did not hold it, and put off the
    reminder to the one who must (as :func:`~mediation.rules.baoan_reception.held_guard`
    counts only the leader in charge's reception).
    """
    found = _open_under(case, "baoan_duty")
    if isinstance(found, Decision):
        return found
    who = ctx.actor.id
    if not strict(case) or who == found.leader:
        return ALLOW
    policy = ctx.policy.part(BaoanPolicy)
    former = {h.from_leader for h in found.handovers}
    if who in former or (policy.roster and policy.leader(who) is not None):
        return refuse(
            "baoan_duty",
            f"本案包案领导为{found.leader_name or found.leader}：包案领导履职由其本人或工作人员"
            "代为记录，其他领导不在本案记录履职",
            BASIS,
        )
    return ALLOW


def on_duty(case: Case, ctx: Context[DutyInputs]) -> Case:
    """Record the duty; the reminder cadence starts again from today."""
    found = _found(case)
    assert found is not None
    duty = Duty(ctx.inputs.kind, ctx.at, ctx.actor.id, ctx.inputs.note.strip())
    found = evolve(found, duties=(*found.duties, duty))
    case = evolve(case, overlays=case.overlays.set(OVERLAY, found))
    return _restart_reminder(case, ctx)


def handover_guard(case: Case, ctx: Context[HandoverInputs]) -> Decision:
    """The case passes to another leader while under 包案 and not signed off: one who may
    take it as at assignment (level, territory, roster), not the one already in charge, for
    a stated reason. The sign-off is the leader's own (:func:`sign_off_guard`): a leader who
    moved post could not give it. Source: :data:`BASIS` (一名领导、一抓到底: one leader at a
    time, the plan carried through)."""
    found = _open_under(case, "baoan_handover")
    if isinstance(found, Decision):
        return found
    given = ctx.inputs
    if given.leader == found.leader:
        return refuse_input(
            "baoan_handover",
            "leader",
            given.leader,
            f"{found.leader_name or found.leader}已是本案包案领导",
        )
    needed = needed_level(case, found.reasons, ctx.policy.part(BaoanPolicy), ctx.policy.org)
    return _leader_problem(
        "baoan_handover", case, ctx, needed, given.leader, given.leader_name, given.level
    )


def on_handover(case: Case, ctx: Context[HandoverInputs]) -> Case:
    """The new leader takes the case with its plan, team and timetable; the one before is
    kept with why; the reminder cadence starts again from today, to the new leader."""
    found = _found(case)
    assert found is not None
    given = ctx.inputs
    name, level = _named(ctx.policy.part(BaoanPolicy), given.leader, given.leader_name, given.level)
    record = Handover(ctx.at, ctx.actor.id, found.leader, found.leader_name, given.reason.strip())
    found = evolve(
        found,
        leader=given.leader,
        leader_name=name,
        level=level,
        handovers=(*found.handovers, record),
    )
    case = evolve(case, overlays=case.overlays.set(OVERLAY, found))
    return _restart_reminder(case, ctx)


def remind_guard(case: Case, ctx: Context[Any]) -> Decision:
    """A reminder is sent when the cadence says so (PRACTICE: :attr:`BaoanPolicy.remind_days`)."""
    found = _open_under(case, "baoan_remind")
    if isinstance(found, Decision):
        return found
    due = [d for d in case.deadlines if d.period == REMINDER.id and d.status.is_open]
    if not due or due[0].due > ctx.day:
        return refuse("baoan_remind", "未到提醒时间", BASIS)
    return ALLOW


def on_remind(case: Case, ctx: Context[Any]) -> Case:
    """Count the reminder (the event reaches the leader through the outbox); schedule the next."""
    found = _found(case)
    assert found is not None
    found = evolve(found, reminders=found.reminders + 1)
    case = evolve(case, overlays=case.overlays.set(OVERLAY, found))
    return _restart_reminder(case, ctx)


def sign_off_guard(case: Case, ctx: Context[SignOffInputs]) -> Decision:
    """Only the leader in charge signs off (签字销号), once (source: :data:`BASIS`)."""
    found = _open_under(case, "baoan_sign_off")
    if isinstance(found, Decision):
        return found
    if ctx.actor.id != found.leader:
        return refuse(
            "baoan_sign_off",
            f"签字销号须由包案领导{found.leader_name or found.leader}本人进行",
            BASIS,
        )
    return ALLOW


def on_sign_off(case: Case, ctx: Context[SignOffInputs]) -> Case:
    """Record the sign-off; the timetable and reminder clocks are met."""
    found = _found(case)
    assert found is not None
    signed = evolve(found, signed_off=SignOff(ctx.at, ctx.actor.id, ctx.inputs.result.strip()))
    case = evolve(case, overlays=case.overlays.set(OVERLAY, signed))
    return deadlines.close(case, ctx, (TIMETABLE, REMINDER))


def carried(case: Case) -> Baoan | None:
    """The 包案 assignment a case opened from ``case`` starts with, if any (signed off or not:
    the leader stays on record).

    Pair with :func:`handed`: the assignment survives every hand-off, and the
    leader signs off on the case that carries it on.
    """
    found = _found(case)
    if found is None or found.handed_to:
        return None
    return found


def handed(case: Case, to_case: str) -> Case:
    """``case`` having handed its 包案 assignment on to ``to_case`` (it may close unsigned)."""
    found = _found(case)
    if found is None or found.signed_off is not None or found.handed_to:
        return case
    return evolve(case, overlays=case.overlays.set(OVERLAY, evolve(found, handed_to=to_case)))


def passed_on(case: Case, ctx: Context[Any], to_case: str) -> Case:
    """:func:`handed`, and the case's 包案 clocks cancelled: the timetable and the reminders
    go on with the matter (:func:`take_over`), not here."""
    after = handed(case, to_case)
    if after is case:
        return case
    return deadlines.cancel_all(after, ctx, where=lambda d: d.period in _CLOCK_IDS)


def take_over(case: Case, ctx: Context[Any]) -> Case:
    """A case opened carrying an unsigned 包案 assignment (转送, 复查…) takes over its clocks:
    the timetable's last date while it is still ahead, and the reminder cadence from the
    day the matter arrived (PRACTICE, RULES.md §7.1: the leader follows the matter to
    the end, 一抓到底). The case it came from closed its own."""
    found = _found(case)
    if found is None or found.handed_to or found.signed_off is not None:
        return case
    if any(d.period in (TIMETABLE.id, REMINDER.id) and d.is_open for d in case.deadlines):
        return case
    if not found.timetable:
        return _restart_reminder(case, ctx)
    return _open_clocks(case, ctx, found.timetable[-1].due)


def reclaimed(case: Case) -> Case:
    """``case`` taking back the 包案 assignment it had handed on (the matter came back to it:
    an objection agreed, the materials returned)."""
    found = _found(case)
    if found is None or not found.handed_to:
        return case
    return evolve(case, overlays=case.overlays.set(OVERLAY, evolve(found, handed_to="")))


def sign_off_check(before: Case, after: Case, ctx: Context[Any]) -> Decision:
    """A case under 包案 closes only after the leader's sign-off (where the policy asks
    for it, and not into a state it exempts: :attr:`BaoanPolicy.sign_off_exempt`).

    A closing that hands the case on (a linked case opened carrying the 包案
    overlay: 转送, 复查, 访调对接) is not the resolution: the assignment goes on
    with the new case. Source: :data:`BASIS`.
    """
    found = _found(after)
    if found is None or found.signed_off is not None or found.handed_to:
        return ALLOW
    policy = ctx.policy.part(BaoanPolicy)
    if not policy.sign_off_required or after.state in policy.sign_off_exempt:
        return ALLOW
    for f in ctx.follow_ups:
        if isinstance(f, OpenCase) and isinstance(f.overlays.get(OVERLAY), Baoan):
            return ALLOW
    return refuse(
        "baoan_sign_off",
        f"本案由{found.leader_name or found.leader}包案，须经包案领导签字销号后方可办结",
        BASIS,
    )


def nominate_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Propose a case for 包案 when the policy selects it and it is not proposed already."""
    if _found(case) is not None:
        return refuse("baoan_nominate", "本案已实行领导包案", BASIS)
    if not candidates(case, ctx.at, ctx.policy.part(BaoanPolicy)):
        return refuse("baoan_nominate", "本案不属于包案选案范围", BASIS)
    if BAOAN_CANDIDATE in case.flags and (BACKLOG in case.flags or not is_backlog(case, ctx.at)):
        return refuse("baoan_nominate", "本案已列为包案候选", BASIS)
    return ALLOW


def on_nominate(case: Case, ctx: Context[Any]) -> Case:
    """Flag the candidate (the supervision scanner's flag name), and backlog if it is."""
    flags = {BAOAN_CANDIDATE}
    if is_backlog(case, ctx.at):
        flags.add(BACKLOG)
    return evolve(case, flags=case.flags | flags)
