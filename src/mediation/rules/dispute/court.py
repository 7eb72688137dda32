"""Judicial confirmation (司法确认) as a stage: 《民事诉讼法》第二百零五、二百零六条;
民诉法解释 第三百五十五、三百五十八条.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import AgreementForm, Case, Deadline, DeadlineStatus, LabeledEnum, evolve
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.base import nonblank as _nonblank
from mediation.rules.categories import ancestors
from mediation.rules.dispute._common import (
    CONFIRMATION,
    COURT_ACCEPT,
    COURT_EXAMINE,
    COURT_STATUTORY,
    ENFORCEMENT,
    OBJECTION,
    v4,
    v8,
    v10,
    v12,
)
from mediation.rules.dispute.acceptance import _organ_name
from mediation.rules.dispute.agreement import effective
from mediation.rules.dispute.details import Confirmation, _with, details
from mediation.rules.dispute.procedure import Procedure, procedure
from mediation.rules.org import UnitKind
from mediation.rules.resolution import resolution_of

# -- judicial confirmation --------------------------------------------------------------


class ConfirmationExclusion(LabeledEnum):
    """Applications a court does not accept (民诉法解释 第三百五十五条)."""

    outside_remit = "outside_remit", "不属于人民法院受理范围"
    jurisdiction = "jurisdiction", "不属于收到申请的人民法院管辖"
    status = "status", "确认身份关系（婚姻、亲子、收养）"
    special_procedure = "special_procedure", "涉及适用其他特别程序、公示催告程序、破产程序"
    property_title = "property_title", "调解协议内容涉及物权、知识产权确权"


class RejectionGround(LabeledEnum):
    """Grounds on which a court rejects an application (民诉法解释 第三百五十八条)."""

    mandatory_law = "mandatory_law", "违反法律强制性规定"
    public_interest = "public_interest", "损害国家利益、社会公共利益、他人合法权益"
    good_morals = "good_morals", "违背公序良俗"
    not_voluntary = "not_voluntary", "违反自愿原则"
    unclear = "unclear", "内容不明确"
    other = "other", "其他不能进行司法确认的情形"


@attrs.frozen(slots=True)
class ApplyConfirmationInputs:
    """申请司法确认: the court, that both parties apply, and the matters the agreement covers.

    Attributes:
        posted_on: The application was sent by post on this day (the step records the
            court's receipt): posted before the 30 days ran out, it is in time however late
            it arrives (《民事诉讼法》第八十五条第四款: 期间不包括在途时间).
        payment_only: A labour dispute's agreement settles payment obligations only
            (给付义务: wages, compensation …): only such an agreement is confirmed
            (:func:`labour_confirmation_problem`).
    """

    court: str = field("受理法院", validator=_nonblank)
    joint: bool = field("双方当事人共同申请", default=False)
    matters: tuple[ConfirmationExclusion, ...] = field("涉及事项", default=())
    posted_on: dt.date | None = field("交邮日期", default=None)
    payment_only: bool = field("仅就给付义务达成", default=False)


def _runs(case: Case, window: Deadline) -> bool:
    """Whether the parties' 30 days still run: open, or cancelled only because the unit
    closed its file, or met by an application the court did not accept or that was
    withdrawn on a closed file. The period is the parties' and does not end with the
    committee's file (《人民调解法》第三十三条)."""
    if window.is_open:
        return True
    ended = resolution_of(case)
    if window.status is DeadlineStatus.cancelled and ended is not None:
        return window.closed_at == ended.at
    # On a closed file (version 4) a ruling that decided nothing does not reopen the window
    # as a clock: the one its application met still counts.
    applied = details(case).confirmation
    return (
        on_closed_file(case)
        and applied is not None
        and applied.ruling in (Ruling.not_accepted.value, Ruling.withdrawn.value)
        and window.closed_at == applied.applied_at
    )


def _not_a_court(court: str, ctx: Context[Any]) -> str | None:
    """Why ``court`` (a unit id or a name) is not a people's court, or ``None`` if it is one:
    a unit of the org tree must be of kind ``court``; a name must be a court's — 人民法院,
    a tribunal (人民法庭), or a specialised court (互联网法院, 金融法院 …)."""
    org = ctx.policy.org
    if org is not None and court in org:
        unit = org.get(court)
        return None if unit.kind == UnitKind.court.value else f"{unit.name}不是人民法院"
    if court.endswith(("法院", "法庭")):
        return None
    return f"“{court}”不是人民法院"


_PRESIDING = {
    Procedure.public_order: "公安机关（治安调解）",
    Procedure.traffic_police: "公安机关交通管理部门",
    Procedure.medical_admin: "卫生主管部门",
    Procedure.administrative: "行政机关",
}
"""Who presides over each procedure whose agreement is not a people's mediation agreement."""


def apply_confirmation_guard(case: Case, ctx: Context[ApplyConfirmationInputs]) -> Decision:
    """A written, effective agreement; both parties; the right court; within 30 days; not an
    excluded matter.

    《人民调解法》第三十三条; 民诉法解释 第三百五十三条 (the agreement itself is filed: an
    oral one cannot be); 《民事诉讼法》第二百零五条 (jointly, within 30 days of
    the effective date: a late application is not accepted, RULES.md §3; a mediation the
    court invited — 委派 or 委托, its name recorded — to the inviting court, 第一项);
    民诉法解释 第三百五十五条 (matters the court does not accept). Version 4 on: the court
    must be a people's court (by unit id, of kind ``court``, or by name), and not a higher
    or the supreme court (第二百零五条第二项; 解释 第三百五十二条) — from version 12 a unit
    id is read by its unit's name for that too (:data:`~._common.V12`).
    """
    found = details(case)
    agreement = found.agreement
    if agreement is not None and agreement.form is not AgreementForm.written:
        # The court is handed the agreement itself (民诉法解释 第三百五十三条); an oral one
        # is binding from the day it is reached (第三十条) but has none to hand.
        return refuse(
            "apply_confirmation",
            "口头调解协议不能申请司法确认：申请须向人民法院提交书面调解协议",
            "《人民调解法》第三十三条；民诉法解释 第三百五十三条",
        )
    proc = procedure(case, ctx.policy)
    if agreement is not None and v4(case) and proc is not Procedure.people:
        # The organ's own agreement opens no window for 司法确认 (version 4 on): say so,
        # rather than that a window which never opened has run out.
        return refuse(
            "apply_confirmation",
            f"本案调解协议由{_PRESIDING.get(proc, '行政机关')}主持达成，不是人民调解协议："
            "司法确认由人民调解委员会调解达成的调解协议的双方当事人申请",
            "《人民调解法》第三十三条；《民事诉讼法》第二百零五条",
        )
    if agreement is None or effective(case) is None:
        return refuse(
            "apply_confirmation",
            "只有已生效的书面调解协议可以申请司法确认",
            "《人民调解法》第三十三条",
        )
    if found.confirmation is not None and found.confirmation.ruling is None:
        return refuse("apply_confirmation", "司法确认申请正在审查中", "《民事诉讼法》第二百零五条")
    ruled = found.confirmation.ruling if found.confirmation is not None else None
    if ruled in _DECIDED:
        return refuse("apply_confirmation", _DECIDED[ruled], "《民事诉讼法》第二百零六条")
    if not ctx.inputs.joint:
        return refuse_input(
            "apply_confirmation",
            "joint",
            False,
            "双方当事人应当共同向人民法院申请司法确认",
            "《民事诉讼法》第二百零五条",
        )
    inviting = found.facts.court
    if inviting is not None and court_mediation(case, ctx.policy):
        # The inviting court may be recorded by its unit id or by its name, and the
        # application may name it either way.
        name = _organ_name(ctx.policy, inviting)
        asked = ctx.inputs.court.strip()
        if asked not in (inviting, name) and _organ_name(ctx.policy, asked) not in (inviting, name):
            return refuse_input(
                "apply_confirmation",
                "court",
                ctx.inputs.court,
                f"人民法院邀请调解组织开展先行调解的，向作出邀请的人民法院（{name}）申请司法确认",
                "《民事诉讼法》第二百零五条第一项",
            )
    court = ctx.inputs.court.strip()
    not_a_court = _not_a_court(court, ctx) if v4(case) else None
    if not_a_court is not None:
        return refuse_input(
            "apply_confirmation",
            "court",
            court,
            f"司法确认向人民法院申请：{not_a_court}",
            "《民事诉讼法》第二百零五条；《人民调解法》第三十三条",
        )
    # Version 12 reads a unit id's name too: version 11 looked at the text given only, and
    # let a higher court named by its unit id through.
    shown = _organ_name(ctx.policy, court) if v12(case) else court
    if v4(case) and any(level in shown for level in _ABOVE_INTERMEDIATE):
        return refuse_input(
            "apply_confirmation",
            "court",
            court,
            "申请确认调解协议，向当事人住所地、标的物所在地、调解组织所在地的基层人民法院提出；"
            "属于中级人民法院管辖的，向相应的中级人民法院提出",
            "《民事诉讼法》第二百零五条第二项；民诉法解释 第三百五十二条",
        )
    again = _again_problem(case, court, ctx) if v12(case) else None
    if again is not None:
        return again
    posted = _posted_problem(ctx, effective(case))
    if not posted.allowed:
        return posted
    window = [d for d in case.deadlines if d.period == CONFIRMATION.id]
    if not window or not _runs(case, window[-1]) or not _in_time(window[-1], ctx):
        due = window[-1].due.isoformat() if window else "—"
        when = (
            "" if ctx.inputs.posted_on is None else f"；交邮日期{ctx.inputs.posted_on.isoformat()}"
        )
        return refuse(
            "apply_confirmation",
            f"申请司法确认的期间已届满（自协议生效之日起三十日，至{due}{when}）",
            "《人民调解法》第三十三条；《民事诉讼法》第二百零五条、第八十五条第四款"
            if ctx.inputs.posted_on is not None
            else "《人民调解法》第三十三条；《民事诉讼法》第二百零五条",
        )
    labour = labour_confirmation_problem(case, ctx)
    if not labour.allowed:
        return labour
    if ctx.inputs.matters:
        labels = "、".join(m.label for m in ctx.inputs.matters)
        return refuse_input(
            "apply_confirmation",
            "matters",
            [m.value for m in ctx.inputs.matters],
            f"人民法院裁定不予受理的事项：{labels}",
            "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百五十五条",
        )
    return ALLOW


_NOWHERE = frozenset(
    e.label
    for e in (
        ConfirmationExclusion.outside_remit,
        ConfirmationExclusion.status,
        ConfirmationExclusion.special_procedure,
        ConfirmationExclusion.property_title,
    )
)
"""Grounds of non-acceptance that hold at every court (民诉法解释 第三百五十五条第一、三、四、
五项): the same agreement is not applied for again. Only a court without jurisdiction
(第二项) leaves the parties another court to apply to."""


def _again_problem(case: Case, court: str, ctx: Context[Any]) -> Decision | None:
    """A second application after the court did not accept the first (dispute version 12):
    not on a ground every court would rule the same (:data:`_NOWHERE`), and not to the court
    that had no jurisdiction (第三百五十五条第二项). Version 11 reopened the 30 days and let
    the same agreement go straight back to the same court."""
    before = details(case).confirmation
    if before is None or before.ruling != Ruling.not_accepted.value:
        return None
    if before.grounds in _NOWHERE:
        return refuse(
            "apply_confirmation",
            f"人民法院已以“{before.grounds}”裁定不予受理：该调解协议不属于司法确认的范围，"
            "不再申请；当事人可以依法提起诉讼",
            "民诉法解释 第三百五十五条",
        )
    earlier = _organ_name(ctx.policy, before.court)
    if before.grounds == ConfirmationExclusion.jurisdiction.label and (
        _organ_name(ctx.policy, court) == earlier
    ):
        return refuse_input(
            "apply_confirmation",
            "court",
            court,
            f"{earlier}已以不属于本院管辖裁定不予受理：向有管辖权的人民法院申请",
            "民诉法解释 第三百五十五条第二项；《民事诉讼法》第二百零五条",
        )
    return None


LABOUR_CONFIRMATION_BASIS = "《最高人民法院关于审理劳动争议案件适用法律问题的解释（一）》第五十二条"


def labour_confirmation_limit(case: Case, policy: Any) -> str:
    """What a labour dispute's written agreement tells the parties of 司法确认 beyond the
    general clause: only an agreement on payment obligations alone is confirmed, by the
    basic-level court where the committee sits (劳动争议解释（一）第五十二条;
    :func:`labour_confirmation_problem` holds the application to it). Empty for other
    categories."""
    if "labour" not in ancestors(case.category, policy.categories):
        return ""
    return (
        "劳动争议调解协议仅就给付义务达成的，方可向人民调解委员会所在地的基层人民法院"
        f"申请司法确认（{LABOUR_CONFIRMATION_BASIS}）"
    )


def labour_confirmation_problem(case: Case, ctx: Context[ApplyConfirmationInputs]) -> Decision:
    """A labour dispute's agreement reached before a people's mediation committee is
    confirmed only if it settles payment obligations alone, and only by the basic-level
    court where the committee sits (劳动争议解释（一）第五十二条: 仅就给付义务达成的调解协议
    …共同向人民调解委员会所在地的基层人民法院申请司法确认; dispute workflow version 8 on).

    The court where the committee sits is read from the org tree: the courts in the
    subtree of the committee's nearest ancestor that has any, intermediate courts left
    out. Where the tree knows none, a court named as intermediate (中级) is refused.
    Other categories are not concerned.
    """
    if not v8(case) or "labour" not in ancestors(case.category, ctx.policy.categories):
        return ALLOW
    if not ctx.inputs.payment_only:
        return refuse_input(
            "apply_confirmation",
            "payment_only",
            False,
            "劳动争议调解协议仅就给付义务达成的，方可申请司法确认；其他内容的调解协议具有"
            "劳动合同的约束力，不履行的可以申请仲裁",
            LABOUR_CONFIRMATION_BASIS,
        )
    court = ctx.inputs.court.strip()
    local = _local_courts(case, ctx.policy)
    if local:
        if court in local or court in local.values():
            return ALLOW
        names = "、".join(local.values())
        return refuse_input(
            "apply_confirmation",
            "court",
            court,
            f"劳动争议调解协议向人民调解委员会所在地的基层人民法院（{names}）申请司法确认",
            LABOUR_CONFIRMATION_BASIS,
        )
    if _INTERMEDIATE in court:
        return refuse_input(
            "apply_confirmation",
            "court",
            court,
            "劳动争议调解协议向人民调解委员会所在地的基层人民法院申请司法确认",
            LABOUR_CONFIRMATION_BASIS,
        )
    return ALLOW


_INTERMEDIATE = "中级人民法院"


def _local_courts(case: Case, policy: Any) -> dict[str, str]:
    """The basic-level courts (and their tribunals) where ``case``'s unit sits, by unit id
    with their names: those in the subtree of its nearest ancestor that holds any court of
    the org tree, intermediate and higher courts left out; empty if the tree knows none."""
    org = policy.org
    if org is None or case.unit not in org:
        return {}
    courts = [
        u
        for u in org.units
        if u.kind == UnitKind.court.value
        and not any(level in u.name for level in (_INTERMEDIATE, *_ABOVE_INTERMEDIATE))
    ]
    for root in org.ancestors(case.unit):
        found = {u.id: u.name for u in courts if org.within(u.id, root)}
        if found:
            return found
    return {}


def _posted_problem(ctx: Context[ApplyConfirmationInputs], since: dt.datetime | None) -> Decision:
    """A posting day that cannot be: after the court's receipt (the step), or before the
    agreement it asks to confirm took effect."""
    posted = ctx.inputs.posted_on
    if posted is None:
        return ALLOW
    if posted > ctx.day:
        return refuse_input(
            "apply_confirmation",
            "posted_on",
            posted.isoformat(),
            f"交邮日期不能晚于法院收到申请之日（{ctx.day.isoformat()}）",
        )
    effective_on = since.astimezone(ctx.policy.tz).date() if since is not None else None
    if effective_on is not None and posted < effective_on:
        return refuse_input(
            "apply_confirmation",
            "posted_on",
            posted.isoformat(),
            f"交邮日期不能早于调解协议生效之日（{effective_on.isoformat()}）",
        )
    return ALLOW


def _in_time(window: Deadline, ctx: Context[ApplyConfirmationInputs]) -> bool:
    """Applied within the 30 days: received by their end, or posted on or before their last
    day (《民事诉讼法》第八十五条第四款)."""
    posted = ctx.inputs.posted_on
    if posted is not None:
        return posted <= window.due
    return ctx.at <= window.due_at


_ABOVE_INTERMEDIATE = ("高级人民法院", "最高人民法院")
"""Courts that never take an application to confirm a mediation agreement (民诉法 第二百零五条:
basic-level, or intermediate where the dispute is theirs)."""


def on_apply_confirmation(case: Case, ctx: Context[ApplyConfirmationInputs]) -> Case:
    """The window is met — by a posted application too, however late it arrived (《民事诉讼法》
    第八十五条第四款) —; the court's 3 days to decide on acceptance start from its receipt
    (法释〔2011〕5号 第四条)."""
    case = deadlines.close(case, ctx, (CONFIRMATION,), on_time=ctx.inputs.posted_on is not None)
    confirmation = Confirmation(ctx.inputs.court.strip(), ctx.at)
    case = _with(case, confirmation=confirmation)
    if on_closed_file(case):
        return case
    return deadlines.open_clock(case, ctx, COURT_ACCEPT)


def court_accepts_guard(case: Case, ctx: Context[Any]) -> Decision:
    """The court accepts an application it has received (法释〔2011〕5号 第四条)."""
    confirmation = details(case).confirmation
    if confirmation is None or confirmation.ruling is not None:
        return refuse("court_accepts", "没有待法院处理的司法确认申请", "《民事诉讼法》第二百零五条")
    if confirmation.accepted_at is not None:
        return refuse("court_accepts", "法院已受理该申请", "法释〔2011〕5号 第四条")
    return ALLOW


def on_court_accepts(case: Case, ctx: Context[Any]) -> Case:
    """Accepted: 15 days to decide (+10 with the president's approval, 第五条), within the
    statute's 30 days from filing (《民事诉讼法》第一百八十七条)."""
    found = details(case)
    assert found.confirmation is not None
    case = deadlines.close(case, ctx, (COURT_ACCEPT,))
    case = _with(case, confirmation=evolve(found.confirmation, accepted_at=ctx.at))
    if on_closed_file(case):
        return case
    case = deadlines.open_clock(case, ctx, COURT_EXAMINE)
    return deadlines.open_clock(case, ctx, COURT_STATUTORY)


class Ruling(LabeledEnum):
    """What the court decided on an application for confirmation."""

    valid = "valid", "裁定调解协议有效"
    rejected = "rejected", "裁定驳回申请"
    not_accepted = "not_accepted", "裁定不予受理"
    withdrawn = "withdrawn", "按撤回申请处理"


_DECIDED: dict[str | None, str] = {
    Ruling.valid.value: "人民法院已裁定调解协议有效：一方拒绝履行或者未全部履行的，对方当事人可以"
    "向人民法院申请执行，不再申请司法确认",
    Ruling.rejected.value: "人民法院已裁定驳回申请：当事人可以通过调解方式变更原调解协议或者达成新的"
    "调解协议，也可以向人民法院提起诉讼",
}
"""Rulings that decided the agreement, and what the parties may do instead of applying again
(《民事诉讼法》第二百零六条)."""


@attrs.frozen(slots=True)
class CourtRulesInputs:
    """法院裁定: the ruling and, for a rejection or non-acceptance, its ground.

    Attributes:
        served_on: The day the parties received the ruling (default: the day of the
            step); their 15 days to object count from it (民诉法解释 第三百七十二条), and a
            ruling that the agreement is valid takes effect on it.
    """

    ruling: Ruling = field("裁定结果")
    rejection: RejectionGround | None = field("驳回理由", default=None)
    exclusion: ConfirmationExclusion | None = field("不予受理理由", default=None)
    served_on: dt.date | None = field("裁定送达日期", default=None)


def court_rules_guard(case: Case, ctx: Context[CourtRulesInputs]) -> Decision:
    """A ruling on an application (《民事诉讼法》第二百零六条): valid or rejected after
    acceptance, not accepted before it; a rejection names its ground (民诉法解释
    第三百五十八条) or the excluded matter found after acceptance (第三百五十五条第二款:
    受理后发现的，裁定驳回申请), a non-acceptance its ground (第三百五十五条)."""
    given = ctx.inputs
    confirmation = details(case).confirmation
    if confirmation is None or confirmation.ruling is not None:
        return refuse("court_rules", "没有待法院处理的司法确认申请", "《民事诉讼法》第二百零五条")
    accepted = confirmation.accepted_at is not None
    if given.ruling in (Ruling.valid, Ruling.rejected) and not accepted:
        return refuse("court_rules", "法院尚未受理该申请", "法释〔2011〕5号 第五条")
    if given.ruling is Ruling.not_accepted and accepted:
        return refuse(
            "court_rules",
            "受理后发现不应受理的，裁定驳回申请",
            "民诉法解释 第三百五十五条第二款",
        )
    if v4(case):
        mismatch = _mismatch(given)
        if mismatch is not None:
            return mismatch
    if given.ruling is Ruling.rejected and given.rejection is None and given.exclusion is None:
        return refuse_input(
            "court_rules",
            "rejection",
            None,
            "state the ground of the rejection (第三百五十八条), or the matter the court "
            "should not have accepted (exclusion, 第三百五十五条第二款)",
            "民诉法解释 第三百五十五条第二款、第三百五十八条",
        )
    if given.ruling is Ruling.not_accepted and given.exclusion is None:
        return refuse_input(
            "court_rules",
            "exclusion",
            None,
            "state the ground of the non-acceptance",
            "民诉法解释 第三百五十五条",
        )
    if given.served_on is not None and not (confirmation.applied_at.date() <= given.served_on):
        return refuse_input(
            "court_rules",
            "served_on",
            given.served_on.isoformat(),
            "a ruling is served after the application was made",
        )
    if (
        v12(case)
        and accepted
        and given.served_on is not None
        and confirmation.accepted_at is not None
        and given.served_on < confirmation.accepted_at.astimezone(ctx.policy.tz).date()
    ):
        # Version 12: a ruling on an accepted application is made, so served, after the
        # acceptance; one dated earlier would start the 15 days to object (民诉法解释
        # 第三百七十二条) before the ruling could exist.
        return refuse_input(
            "court_rules",
            "served_on",
            given.served_on.isoformat(),
            f"a ruling on the application is served after the court accepted it "
            f"({confirmation.accepted_at.astimezone(ctx.policy.tz).date().isoformat()})",
            "民诉法解释 第三百七十二条",
        )
    if given.served_on is not None and given.served_on > ctx.day:
        return refuse_input(
            "court_rules",
            "served_on",
            given.served_on.isoformat(),
            f"a service not yet made (the step is dated {ctx.day.isoformat()})",
        )
    return ALLOW


def _mismatch(given: CourtRulesInputs) -> Decision | None:
    """A ground that does not go with the ruling given (workflow version 4 on): a ground of
    rejection (民诉法解释 第三百五十八条) only with a rejection; a ground of non-acceptance
    (第三百五十五条) only with a non-acceptance or — found after acceptance — a rejection."""
    if given.rejection is not None and given.ruling is not Ruling.rejected:
        return refuse_input(
            "court_rules",
            "rejection",
            given.rejection.value,
            f"驳回理由只适用于驳回申请的裁定，不适用于“{given.ruling.label}”",
            "民诉法解释 第三百五十八条",
        )
    if given.exclusion is not None and given.ruling not in (Ruling.not_accepted, Ruling.rejected):
        return refuse_input(
            "court_rules",
            "exclusion",
            given.exclusion.value,
            f"不予受理的理由只适用于不予受理（受理后发现的，驳回申请），不适用于“{given.ruling.label}”",
            "民诉法解释 第三百五十五条",
        )
    return None


def on_court_rules(case: Case, ctx: Context[CourtRulesInputs]) -> Case:
    """Record the ruling; the court's clocks are met.

    Valid: a party that does not perform may be compelled (the other may
    apply for enforcement, 《民事诉讼法》第二百零六条、第二百五十条). Rejected: the
    parties may change the agreement or reach a new one by mediation, or sue.
    Not accepted (a court without jurisdiction, 民诉法解释 第三百五十五条) or withdrawn:
    nothing was decided on the agreement, and the parties may apply again, to the
    competent court, within what is left of the 30 days from its effect (《人民调解法》
    第三十三条; 《民事诉讼法》第二百零五条): the window opens again with its own last day.
    """
    given = ctx.inputs
    found = details(case)
    assert found.confirmation is not None
    named = [g.label for g in (given.rejection, given.exclusion) if g is not None]
    # Version 8 keeps both grounds of a rejection given both (第三百五十八条 and the matter
    # found after acceptance, 第三百五十五条第二款); earlier versions kept the first.
    grounds = "；".join(named if v8(case) else named[:1])
    ruled = evolve(
        found.confirmation,
        ruling=given.ruling.value,
        ruled_at=ctx.at,
        grounds=grounds,
    )
    case = deadlines.close(case, ctx, (COURT_ACCEPT, COURT_EXAMINE, COURT_STATUTORY))
    case = _with(case, confirmation=ruled)
    if on_closed_file(case):
        return case
    window = [d for d in case.deadlines if d.period == CONFIRMATION.id]
    if given.ruling in (Ruling.not_accepted, Ruling.withdrawn) and window:
        case = deadlines.open_clock(case, ctx, CONFIRMATION, window[-1].start)
    if v4(case):
        case = _after_ruling(case, ctx)
    return case


_CLOSED_FILE = frozenset({"closed", "archived"})


def on_closed_file(case: Case) -> bool:
    """Whether the committee's file is closed (workflow version 4 on): the court's stage and
    the parties' periods after it are recorded, but a closed case runs no clock (DESIGN.md);
    the parties' rights do not depend on it (the guards count from the recorded dates).
    Versions 2 and 3 opened the clocks on a closed file and replay so."""
    return v4(case) and case.state in _CLOSED_FILE


def _after_ruling(case: Case, ctx: Context[CourtRulesInputs]) -> Case:
    """The parties' periods a ruling starts (RULES.md §0 rows 5 and 6).

    - On a ruling that the agreement is valid or a rejection: 15 days from receiving it to
      object to the court that made it (民诉法解释 第三百七十二条).
    - On a ruling that it is valid: 2 years to apply for enforcement if a party does not
      perform (《民事诉讼法》第二百零六条、第二百五十条), counted from the last day of the
      performance period the agreement sets, or, if it sets none, from the ruling's
      effect (its service); none once performance of the agreement was confirmed, and
      performance confirmed afterwards ends it (:func:`~.performance.on_performed_current`).
    """
    given = ctx.inputs
    served = given.served_on or ctx.day
    if given.ruling in (Ruling.valid, Ruling.rejected):
        case = deadlines.open_clock(case, ctx, OBJECTION, served)
    found = details(case)
    agreement = found.agreement
    done = (
        agreement is not None
        and found.performed_at is not None
        and found.performed_at >= agreement.reached_at
    )
    if given.ruling is Ruling.valid and agreement is not None and not done:
        start = agreement.performance_deadline or served
        case = deadlines.open_clock(case, ctx, ENFORCEMENT, start)
    return case


# -- report to the court that delegated or entrusted the mediation ---------------------

REPORT_BASIS = "《最高人民法院关于人民法院特邀调解的规定》第二十六条"
COURT_REPORT = "court_report"
"""The overlay of the written report to the court (:class:`CourtReport`)."""


@attrs.frozen(slots=True)
class CourtReport:
    """The written report to the court on a mediation it delegated (委派) or entrusted (委托),
    with the return of the file (特邀调解规定 第二十六条).

    Attributes:
        at: When it was made.
        agreed: Whether the round it reports ended in an agreement.
        text: What it says (the outcome, and why mediation ended).
        materials_returned: Whether the file went back with it.
    """

    at: dt.datetime
    agreed: bool
    text: str
    materials_returned: bool = True


@attrs.frozen(slots=True)
class CourtReportInputs:
    """书面报告人民法院: what the report says; the file goes back with it."""

    text: str = field("报告内容", validator=_nonblank)
    materials_returned: bool = field("已移交案件材料", default=True)


def court_mediation(case: Case, policy: Any) -> bool:
    """Whether a court delegated (委派, before filing: the case came by court referral) or
    entrusted (委托, after filing: the judicial track) the mediation (RULES.md §6.6) — to a
    mediator outside the court: a court's own case on the judicial track (its unit a court in
    ``policy``'s organisation) is the court's mediation, not one it invited."""
    if case.channel != "court_referral" and details(case).track != "judicial":
        return False
    org = policy.org
    return not (
        org is not None and case.unit in org and org.get(case.unit).kind == UnitKind.court.value
    )


def _round_ended(case: Case) -> dt.datetime | None:
    """When the current round of mediation ended: its agreement, or its end without one —
    including a case that ended before or without mediating, refused by a party or
    withdrawn (特邀调解规定 第二十六条 lists these among the ends the court is told of)."""
    found = details(case)
    agreed = found.agreement.reached_at if found.agreement is not None else None
    started = found.started_at
    ends = [
        t for t in (found.ended_at, agreed) if t is not None and (started is None or t >= started)
    ]
    if not ends:
        ended = resolution_of(case)
        return ended.at if ended is not None else None
    return max(ends)


def court_report_owed(case: Case, policy: Any) -> bool:
    """A court's mediation whose current round ended, with no report on it yet
    (特邀调解规定 第二十六条: the mediator reports in writing and returns the file): a duty of
    the invited mediator, not of a court mediating its own case (:func:`court_mediation`).

    Version 10 on, a report made without the file (``materials_returned=False``) leaves the
    duty owed: the file's return is reported again, and the case does not close before it.
    Earlier versions took the report alone and refused a second one."""
    if not court_mediation(case, policy):
        return False
    ended = _round_ended(case)
    if ended is None:
        return False
    report = case.overlays.get(COURT_REPORT)
    if not isinstance(report, CourtReport) or report.at < ended:
        return True
    return v10(case) and not report.materials_returned


def court_report_guard(case: Case, ctx: Context[CourtReportInputs]) -> Decision:
    """Only a mediation a court delegated or entrusted, once its round has ended, and once
    per round — again when the report went without the file, version 10 on
    (:func:`court_report_owed`; 特邀调解规定 第二十六条)."""
    if not court_mediation(case, ctx.policy):
        return refuse(
            "report_to_court", "只有人民法院委派、委托的调解须书面报告人民法院", REPORT_BASIS
        )
    if _round_ended(case) is None:
        return refuse(
            "report_to_court", "调解尚未结束：达成协议或者终止调解后书面报告", REPORT_BASIS
        )
    if not court_report_owed(case, ctx.policy):
        return refuse("report_to_court", "本轮调解已经书面报告人民法院", REPORT_BASIS)
    return ALLOW


def on_court_report(case: Case, ctx: Context[CourtReportInputs]) -> Case:
    """Record the report (and the return of the file) on the case."""
    report = CourtReport(
        ctx.at,
        details(case).agreement is not None,
        ctx.inputs.text.strip(),
        ctx.inputs.materials_returned,
    )
    return evolve(case, overlays=case.overlays.set(COURT_REPORT, report))
