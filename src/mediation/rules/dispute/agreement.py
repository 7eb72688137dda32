"""The mediation agreement (《人民调解法》第二十八、二十九条; 2002 规定 第三十四至三十七条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Agreement, AgreementForm, Case, DeadlineStatus, SignerCapacity, evolve
from mediation.rules import agreement as agreement_rules
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.categories import Category, ancestors
from mediation.rules.dispute._common import (
    _MEDICAL_ADMIN,
    _MEDICAL_PEOPLE,
    _TRAFFIC_POLICE,
    CALLBACK,
    CONFIRMATION,
    MEDIATION_CLOCKS,
    PS_HANDLING,
    PS_SECOND,
    SIGNING,
    AgreementPolicy,
    v4,
    v10,
    v12,
)
from mediation.rules.dispute.details import _with, details
from mediation.rules.dispute.procedure import Procedure, procedure

# -- agreement --------------------------------------------------------------------------


@attrs.frozen(slots=True)
class AgreeInputs:
    """达成协议: the agreement's items, when it was reached, and who asked for writing."""

    agreement: agreement_rules.AgreementInput = field("调解协议")
    reached_at: dt.datetime | None = field("达成时间", default=None)
    writing_requested_by: tuple[str, ...] = field("要求书面协议的当事人", default=())
    on_the_spot_video: bool = field("治安当场调解并全程录音录像", default=False)


def _reached(ctx: Context[AgreeInputs]) -> dt.datetime:
    return ctx.inputs.reached_at or ctx.at


def agree_guard(case: Case, ctx: Context[AgreeInputs]) -> Decision:
    """An agreement in the form the law requires, with every item, and dates that hold.

    - 2002 规定 第三十四条: in writing when civil rights and obligations are
      involved (an amount above the policy's oral limit) or a party asks.
    - 《人民调解法》第二十九条; 2002 规定 第三十五条: the items of a written agreement; a
      治安调解协议书's items are 程序规定 第一百八十四条's (version 4 on).
    - Reached no later than now, and not before mediation began (``reached_at``).
    - Every signature dated between the agreement and now; a performance date
      not before the agreement takes effect (both named ``agreement.<field>``).
    """
    given = ctx.inputs.agreement
    reached = _reached(ctx)
    if reached > ctx.at:
        return refuse_input(
            "agree",
            "reached_at",
            reached.isoformat(),
            "an agreement is not reached later",
        )
    lapsed = _medical_lapse(case, reached)
    if lapsed is not None:
        last, basis = lapsed
        extended = "且未经各方同意延长" if basis.endswith("第三十八条") else ""
        return refuse(
            "agree",
            f"医疗纠纷调解期限已于{last.isoformat()}届满{extended}，视为调解不成；应当终止调解",
            basis,
        )
    started = details(case).started_at
    if started is not None and reached < started:
        return refuse_input(
            "agree",
            "reached_at",
            reached.isoformat(),
            f"an agreement cannot be reached before mediation began ({started.isoformat()})",
        )
    if v4(case):
        ids = {p.id for p in agreement_rules.principals(case.parties)}
        for i, pid in enumerate(ctx.inputs.writing_requested_by):
            if pid not in ids:
                return refuse_input(
                    "agree",
                    f"writing_requested_by[{i}]",
                    pid,
                    f"要求书面协议的须是本案当事人（{', '.join(sorted(ids))}）",
                    "《人民调解工作若干规定》第三十四条",
                )
    if given.form is AgreementForm.oral:
        limit = ctx.policy.part(AgreementPolicy).oral_limit
        asked = [p for p in ctx.inputs.writing_requested_by if p]
        if asked or (case.amount is not None and case.amount > limit):
            why = (
                "当事人要求书面协议" if asked else f"纠纷涉及民事权利义务（争议金额超过{limit}元）"
            )
            return refuse_input(
                "agree",
                "agreement.form",
                given.form.value,
                f"{why}，应当制作书面调解协议",
                "《人民调解工作若干规定》第三十四条",
            )
    for i, sig in enumerate(given.signatures):
        problem = agreement_rules.signature_problem(sig, case, f"agreement.signatures[{i}].party")
        if not problem.allowed:
            return problem
        problem = _signature_date(
            sig.signed_at, reached, ctx, f"agreement.signatures[{i}].signed_at"
        )
        if not problem.allowed:
            return problem
    agreement = agreement_rules.build_agreement(given, case, reached)
    missing = missing_items(case, agreement, ctx.policy)
    proc = procedure(case, ctx.policy) if v4(case) else None
    if missing:
        names = "、".join(i.label for i in missing)
        if proc is Procedure.public_order:
            basis = _PUBLIC_ORDER_BASIS
        elif proc is Procedure.traffic_police and v12(case):
            basis = TRAFFIC_EFFECT_BASIS
        else:
            basis = missing[0].basis
        return refuse("agree", f"调解协议缺少：{names}", basis)
    return _deadline_problem(agreement, case, ctx)


_PUBLIC_ORDER_ITEMS = frozenset(
    {"parties", "facts", "terms", "performance_manner", "performance_deadline"}
)
"""What a 治安调解协议书 states (程序规定 第一百八十四条: the parties and others present, the
facts of the case, the terms, the time limit and manner of performance; the organ and the
presiding officer are printed by the document) — not the people's mediation rules' place
of performance, disputed matters or responsibilities (2002 规定 第三十五条)."""

_PUBLIC_ORDER_BASIS = "《公安机关办理行政案件程序规定》第一百八十四条"

_TRAFFIC_ITEMS = frozenset(
    {"parties", "facts", "responsibilities", "terms", "performance_manner", "performance_deadline"}
)
"""What a 道路交通事故损害赔偿调解书 states (《道路交通事故处理程序规定》第九十二条: the basis
of the mediation, the basic facts and losses the accident report found, the items and amounts
of compensation, each side's liability and its share, the manner and time limit of
performance, the date; the basis and the date are printed by the document) — not the people's
mediation rules' place of performance or disputed matters (2002 规定 第三十五条). Version 12 on."""

TRAFFIC_EFFECT_BASIS = "《道路交通事故处理程序规定》第九十二条"
"""The traffic police's 调解书 takes effect on every party's signature (version 12 on)."""


def missing_items(
    case: Case, agreement: Agreement, policy: Any
) -> tuple[agreement_rules.RequiredItem, ...]:
    """The items a written agreement of ``case`` must state and does not: a 治安调解协议书
    its own (:data:`_PUBLIC_ORDER_ITEMS`, 程序规定 第一百八十四条; workflow version 4 on),
    any other the people's mediation rules' (:func:`mediation.rules.agreement.missing_items`).
    The step that records the agreement and the document that prints it ask the same."""
    missing = agreement_rules.missing_items(agreement, agreement_rules.principals(case.parties))
    proc = procedure(case, policy) if v4(case) else None
    if proc is Procedure.public_order:
        return tuple(i for i in missing if i.field in _PUBLIC_ORDER_ITEMS)
    if proc is Procedure.traffic_police and v12(case):
        return tuple(i for i in missing if i.field in _TRAFFIC_ITEMS)
    return missing


def written_required(category: str, policy: Any) -> Category | None:
    """The category (or broader one) whose statute requires a written 调解协议书, if any
    (:attr:`~mediation.rules.categories.Category.written`: labour, 《劳动争议调解仲裁法》
    第十四条第一款; land contract, 《农村土地承包经营纠纷调解仲裁法》第十条; medical,
    《医疗纠纷预防和处理条例》第三十九条、第四十条)."""
    table = policy.categories
    return next((table[c] for c in ancestors(category, table) if table[c].written), None)


def organ_statute(case: Case, policy: Any) -> str | None:
    """The code of the category whose own statute governs an organ's (administrative)
    mediation of ``case`` — labour, land contract (RULES.md §6.1, §6.2) — if any: its
    documents follow that statute rather than the local rules on administrative mediation."""
    if procedure(case, policy) is not Procedure.administrative:
        return None
    found = written_required(case.category, policy)
    return found.code if found is not None else None


def written_only_guard(case: Case, ctx: Context[AgreeInputs]) -> Decision:
    """No oral agreement where the law requires a written one (workflow version 4 on):

    - the category's statute requires a 调解协议书 (:func:`written_required`);
    - the traffic police end their mediation with a 调解书 (《道路交通事故处理程序规定》
      第九十条);
    - 治安调解 makes a 治安调解协议书 (《公安机关办理行政案件程序规定》第一百八十四条),
      unless mediated on the spot with the whole of it recorded on video (第一百七十八条).
    """
    given = ctx.inputs.agreement
    if given.form is not AgreementForm.oral:
        return ALLOW
    found = written_required(case.category, ctx.policy)
    if found is not None:
        return refuse_input(
            "agree",
            "agreement.form",
            given.form.value,
            f"{found.label}经调解达成协议的，应当制作调解协议书",
            found.written,
        )
    proc = procedure(case, ctx.policy)
    if proc is Procedure.traffic_police:
        return refuse_input(
            "agree",
            "agreement.form",
            given.form.value,
            "交通事故损害赔偿经公安机关交通管理部门调解达成协议的，制作调解书",
            "《道路交通事故处理程序规定》第九十条",
        )
    if proc is Procedure.public_order and not ctx.inputs.on_the_spot_video:
        return refuse_input(
            "agree",
            "agreement.form",
            given.form.value,
            "治安调解达成协议的，制作治安调解协议书；当场调解并全程录音录像的，可以不制作",
            f"{_PUBLIC_ORDER_BASIS}、第一百七十八条",
        )
    return ALLOW


def medical_period_over(case: Case, reached: dt.datetime) -> dt.date | None:
    """The last day of a medical dispute's mediation whose 30 working days (appraisal
    excluded) ended before ``reached``: it is then deemed failed — a committee's, extended
    only by agreement (《医疗纠纷预防和处理条例》第三十八条), or, workflow version 4 on, the
    health department's, with no extension (第四十条: 超过调解期限未达成调解协议的，视为调解
    不成); ``None`` while it runs."""
    lapsed = _medical_lapse(case, reached)
    return None if lapsed is None else lapsed[0]


def _medical_lapse(case: Case, reached: dt.datetime) -> tuple[dt.date, str] | None:
    """:func:`medical_period_over`, with the article that deems the mediation failed."""
    for d in case.deadlines:
        if d.status is not DeadlineStatus.running or reached <= d.due_at:
            continue
        if d.period == _MEDICAL_PEOPLE.id:
            return d.due, "《医疗纠纷预防和处理条例》第三十八条"
        if d.period == _MEDICAL_ADMIN.id and v4(case):
            return d.due, "《医疗纠纷预防和处理条例》第四十条"
    return None


def police_period_guard(case: Case, ctx: Context[AgreeInputs]) -> Decision:
    """An agreement reached after the police's one mediation period has run out is refused:
    the mediation has then failed (:func:`police_period_over`). Workflow version 5 on."""
    lapsed = _police_lapse(case, _reached(ctx))
    if lapsed is None:
        return ALLOW
    last, traffic = lapsed
    if traffic:
        return refuse(
            "agree",
            f"交警调解期间已于{last.isoformat()}届满，未达成协议的应当制作调解终结书，"
            "不再制作调解书",
            "《道路交通事故处理程序规定》第九十条；《道路交通安全法实施条例》第九十五条",
        )
    return refuse(
        "agree",
        f"治安调解应当在第一次调解后七个工作日内完成（至{last.isoformat()}），"
        "期满未达成协议的，依法处罚",
        "《公安机关办理行政案件程序规定》第一百八十三条、第一百八十五条",
    )


def police_period_over(case: Case, reached: dt.datetime) -> dt.date | None:
    """The last day of the police's one mediation period, if it ended before ``reached``
    (``None`` while it runs, or where the police do not mediate):

    - 交警调解: one period of 10 working days from the start of mediation, no extension,
      ending in a 调解书 or, without agreement, a 调解终结书 (《道路交通事故处理程序规定》
      第九十条; 《道路交通安全法实施条例》第九十五条).
    - 治安调解: one session, one more if needed, completed within 7 working days after the
      first (程序规定 第一百八十三条); without an agreement in that time the police decide
      the case under the law (第一百八十五条).

    A clock paused (an appraisal, a suspension) has not run out.
    """
    lapsed = _police_lapse(case, reached)
    return None if lapsed is None else lapsed[0]


def _police_lapse(case: Case, reached: dt.datetime) -> tuple[dt.date, bool] | None:
    """:func:`police_period_over`, and whether it is the traffic police's period."""
    for d in case.deadlines:
        if reached <= d.due_at:
            continue
        if d.period == _TRAFFIC_POLICE.id and d.status is DeadlineStatus.running:
            return d.due, True
        if d.period == PS_SECOND.id and d.status in _PS_WINDOW_HELD:
            return d.due, False
    return None


_PS_WINDOW_HELD = frozenset({DeadlineStatus.running, DeadlineStatus.met})
"""The states of the 治安调解 session window that still bound the mediation: open, or met by
the second session held in it (the mediation is to be completed within it either way)."""


def _signature_date(
    signed_at: dt.datetime, reached: dt.datetime, ctx: Context[Any], name: str
) -> Decision:
    if signed_at < reached:
        return refuse_input(
            "sign",
            name,
            signed_at.isoformat(),
            f"a signature cannot precede the agreement (reached {reached.isoformat()})",
            "《人民调解法》第二十九条第二款",
        )
    if signed_at > ctx.at:
        return refuse_input(
            "sign", name, signed_at.isoformat(), "a signature cannot be dated in the future"
        )
    return ALLOW


def _deadline_problem(agreement: Agreement, case: Case, ctx: Context[Any]) -> Decision:
    """The performance date is not before the agreement takes effect (《人民调解法》第二十九条
    第二款): an agreement reached and signed on 04-30 to be performed that day may be
    entered after the holiday, dated as it happened."""
    deadline = agreement.performance_deadline
    if deadline is None:
        return ALLOW
    effective = agreement_rules.effective_at(
        agreement, case.parties, parties_only=parties_sign_alone(case)
    )
    start = (effective or agreement.reached_at).astimezone(ctx.policy.tz).date()
    if deadline < start:
        return refuse_input(
            "agree",
            "agreement.performance_deadline",
            deadline.isoformat(),
            f"the performance date is before the agreement takes effect ({start.isoformat()})",
            "《人民调解法》第二十九条第二款、第三十一条",
        )
    if deadline < ctx.day and not v4(case):
        # Versions 1-3 also judged it by the day of entry, which refused an agreement
        # performed on the spot and entered later (version 4 judges it by its effect).
        return refuse_input(
            "agree",
            "agreement.performance_deadline",
            deadline.isoformat(),
            "the agreed performance date is already past",
        )
    return ALLOW


def on_agree(case: Case, ctx: Context[AgreeInputs]) -> Case:
    """Record the agreement (an earlier one is superseded), meet the mediation clock, and
    open the performance and confirmation clocks once it takes effect."""
    agreement = agreement_rules.build_agreement(ctx.inputs.agreement, case, _reached(ctx))
    if v4(case):
        # No second 治安调解 session was needed (程序规定 第一百八十三条): its window closes
        # unused, not breached; one held met it.
        case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == PS_SECOND.id)
    case = deadlines.close(case, ctx, MEDIATION_CLOCKS)
    found = details(case)
    superseded = (
        found.superseded if found.agreement is None else (*found.superseded, found.agreement)
    )
    # Version 4: an agreement in effect binds until the new one takes effect (《人民调解法》
    # 第二十九条第二款、第三十一条): its window for 司法确认 and its court stage are ended by
    # the new agreement's effect (:func:`_on_effective`), not by recording a proposal.
    binding = v4(case) and effective(case) is not None
    if v4(case) and found.agreement is not None and not binding:
        case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == CONFIRMATION.id)
    confirmation = found.confirmation if binding else None
    case = _with(case, agreement=agreement, superseded=superseded, confirmation=confirmation)
    if effective(case) is None:
        case = deadlines.open_clock(case, ctx, SIGNING)
    return _on_effective(case, ctx)


COURT_REFERRAL = "court_referral"
"""The channel of a matter a people's court delegated before filing (委派)."""

DELEGATED_EFFECT_BASIS = "《最高人民法院关于人民法院特邀调解的规定》第二十四条"


def parties_sign_alone(case: Case) -> bool:
    """Whether the case's written agreement takes effect on the parties' signatures alone:

    - mediation a people's court delegated before filing (委派 — the case came by court
      referral), 特邀调解规定 第二十四条 (RULES.md §6.6; workflow version 4 on). Versions 4
      to 9 left out such a case triaged to the judicial track, though it ran on 委派's
      30 日 (:func:`~.acceptance.mediation_clock`): every party signed and it never took
      effect. Version 10 holds every 委派 to 第二十四条 (entrusted mediation after filing,
      委托, comes on the judicial track by another channel);
    - 治安调解: the police make the agreement and both parties sign it (程序规定
      第一百八十四条, RULES.md §6.5) — no committee's mediator or seal (workflow version 7
      on). A 治安调解 is the case the police accepted as one: its case-handling period
      (第一百六十五条) opened at acceptance;
    - 交警调解: the 道路交通事故损害赔偿调解书 takes effect once every party signed it
      (《道路交通事故处理程序规定》第九十二条: 调解书经各方当事人共同签字后生效; workflow
      version 12 on, :data:`~._common.V12` — earlier versions asked the officer's signature
      and the organ's seal too, as of a committee). A 交警调解 is the case the traffic police
      accepted as one: its mediation period (第九十条) opened at acceptance.

    Elsewhere the mediator signs and the committee seals too (《人民调解法》第二十九条第二款).
    """
    if not v4(case):
        return False
    if case.channel == COURT_REFERRAL and (v10(case) or details(case).track != "judicial"):
        return True
    if v12(case) and _traffic_police_case(case):
        return True
    return case.workflow_version >= _V7 and any(d.period == PS_HANDLING.id for d in case.deadlines)


def _traffic_police_case(case: Case) -> bool:
    """The traffic police's own mediation of damages: accepted, its period opened."""
    return any(d.period == _TRAFFIC_POLICE.id for d in case.deadlines)


_V7 = 7
"""The dispute workflow version from which a 治安调解 agreement takes effect on the parties'
signatures (:func:`parties_sign_alone`)."""


def effect_basis(case: Case) -> str:
    """The rule that says who signs the case's agreement for it to take effect."""
    if not parties_sign_alone(case):
        return "《人民调解法》第二十九条第二款"
    if case.channel == COURT_REFERRAL:
        return DELEGATED_EFFECT_BASIS
    if _traffic_police_case(case):
        return TRAFFIC_EFFECT_BASIS
    return _PUBLIC_ORDER_BASIS


def unsigned(case: Case) -> tuple[str, ...]:
    """Who still has to sign or seal the case's written agreement (see
    :func:`parties_sign_alone`); empty when there is none."""
    agreement = details(case).agreement
    if agreement is None:
        return ()
    return agreement_rules.unsigned(agreement, case.parties, parties_only=parties_sign_alone(case))


def effective(case: Case) -> dt.datetime | None:
    """When the case's agreement took effect (``None``: not yet, or none); a 委派
    agreement on the parties' signatures (:func:`parties_sign_alone`)."""
    agreement = details(case).agreement
    if agreement is None:
        return None
    return agreement_rules.effective_at(
        agreement, case.parties, parties_only=parties_sign_alone(case)
    )


def _on_effective(case: Case, ctx: Context[Any]) -> Case:
    """Once the agreement takes effect: the performance clock on the agreed date, and the
    parties' 30-day window to apply for judicial confirmation (《人民调解法》第三十三条;
    《民事诉讼法》第二百零五条), counted from the effective day.

    A 治安调解 agreement in effect disposes of the police case — no penalty
    (《治安管理处罚法》第九条) —, so its case-handling period from acceptance is met
    (《公安机关办理行政案件程序规定》第一百六十五条); non-performance opens it afresh
    (第一百八十五条)."""
    agreement = details(case).agreement
    when = effective(case)
    if agreement is None or when is None:
        return case
    case = deadlines.close(case, ctx, (SIGNING,))
    if v4(case) and details(case).superseded:
        # The agreement it replaces ends now (2002 规定 第三十七条第二项): its parties'
        # window for 司法确认, and what its court stage left, go with it.
        day = when.astimezone(ctx.policy.tz).date()
        case = deadlines.cancel_all(
            case, ctx, where=lambda d: d.period == CONFIRMATION.id and d.start < day
        )
        earlier = details(case).confirmation
        if earlier is not None and earlier.applied_at < agreement.reached_at:
            case = _with(case, confirmation=None)
    if procedure(case, ctx.policy) is Procedure.public_order:
        case = deadlines.close(case, ctx, (PS_HANDLING,))
    open_periods = {d.period for d in case.deadlines if d.is_open}
    if agreement.performance_deadline is not None:
        if agreement_rules.PERFORMANCE.id not in open_periods:
            case = deadlines.open_fixed(
                case, ctx, agreement_rules.PERFORMANCE, agreement.performance_deadline
            )
        if v4(case) and CALLBACK.id not in open_periods:
            # The committee supervises performance (《人民调解法》第三十一条第二款): its
            # callback is scheduled from the agreed performance date (RULES.md §7.5), so
            # an agreement no one reports on still comes due.
            case = deadlines.open_clock(case, ctx, CALLBACK, agreement.performance_deadline)
    elif CALLBACK.id not in open_periods:
        case = deadlines.open_clock(case, ctx, CALLBACK)
    people = not v4(case) or procedure(case, ctx.policy) is Procedure.people
    if agreement.form is AgreementForm.written and people and CONFIRMATION.id not in open_periods:
        # 司法确认 is for a people's mediation agreement (《人民调解法》第三十三条); an organ's
        # agreement (police, traffic police, health department) has no such window (v4 on).
        start = when.astimezone(ctx.policy.tz).date()
        case = deadlines.open_clock(case, ctx, CONFIRMATION, start)
    return case


def sign_guard(case: Case, ctx: Context[agreement_rules.SignatureInput]) -> Decision:
    """A signature on a written agreement by one of its signers, dated between the agreement
    and now; the signature that makes it effective must not make the performance date early.

    《人民调解法》第二十九条第二款.
    """
    agreement = details(case).agreement
    if agreement is None or agreement.form is not AgreementForm.written:
        return refuse("sign", "只有书面调解协议需要签名、盖章", "《人民调解法》第二十九条第二款")
    problem = agreement_rules.signature_problem(ctx.inputs, case, "party")
    if not problem.allowed:
        return problem
    problem = _signature_date(ctx.inputs.signed_at, agreement.reached_at, ctx, "signed_at")
    if not problem.allowed:
        return problem
    sig = agreement_rules.signature(ctx.inputs, case)
    signed = evolve(agreement, signatures=(*agreement.signatures, sig))
    return _deadline_problem(signed, case, ctx)


def on_sign(case: Case, ctx: Context[agreement_rules.SignatureInput]) -> Case:
    """Add a signature; when the agreement takes effect, its clocks open."""
    agreement = details(case).agreement
    assert agreement is not None
    sig = agreement_rules.signature(ctx.inputs, case)
    signed = evolve(agreement, signatures=(*agreement.signatures, sig))
    return _on_effective(_with(case, agreement=signed), ctx)


def performance_guard(case: Case, ctx: Context[Any]) -> Decision:
    """Performance begins only once the agreement has taken effect (《人民调解法》第二十九、三十条)."""
    agreement = details(case).agreement
    if agreement is None or effective(case) is None:
        missing = "、".join(
            {"mediator": "调解员签名", "committee": "调解委员会盖章"}.get(x, f"{x}签名")
            for x in unsigned(case)
        )
        return refuse(
            "begin_performance",
            f"调解协议尚未生效（尚缺：{missing}），不能进入履行",
            effect_basis(case),
        )
    return ALLOW


def unsigned_guard(case: Case, ctx: Context[Any]) -> Decision:
    """An agreement reached but not yet in effect — a party has not signed — does not bind
    (《人民调解法》第二十九条第二款): a party may still refuse to go on or demand that
    mediation end (第二十三条), the mediator may end it (第二十六条), the applicant may
    withdraw. Once in effect it binds the parties (第三十一条): what follows is its
    performance, a dispute over it (第三十二条) or re-mediation with both parties' consent.
    Workflow version 4 on."""
    when = effective(case)
    if when is None:
        return ALLOW
    return refuse(
        "agreement_binds",
        f"调解协议已于{when.astimezone(ctx.policy.tz).date().isoformat()}生效，对双方当事人具有"
        "法律约束力：应当履行，不再终止调解",
        "《人民调解法》第三十一条",
    )


def on_unsigned_dropped(case: Case, ctx: Context[Any]) -> Case:
    """Mediation ends on an agreement that never took effect: its signing clock is
    cancelled, not met (《人民调解法》第二十九条第二款). The proposal stays on the case,
    marked 尚未生效 in its documents — unless it was to replace an agreement in effect
    (re-mediation, 2002 规定 第三十七条第二项): that one never stopped binding (第三十一条)
    and is the case's agreement again (version 4 on; the proposal stays in the log)."""
    case = deadlines.cancel_all(case, ctx, where=lambda d: d.period == SIGNING.id)
    found = details(case)
    if v4(case) and found.superseded and effective(case) is None:
        prior = _with(case, agreement=found.superseded[-1], superseded=found.superseded[:-1])
        if effective(prior) is not None:
            return prior
    return case


def binding_stage_guard(case: Case, ctx: Context[AgreeInputs]) -> Decision:
    """No new agreement while the one in effect is before a court or confirmed by it
    (《人民调解法》第三十三条; 《民事诉讼法》第二百零五条、第二百零六条): an application
    pending is withdrawn or ruled on first; an agreement ruled valid is enforced, not
    replaced by mediation. Workflow version 4 on."""
    confirmation = details(case).confirmation
    if confirmation is None or effective(case) is None:
        return ALLOW
    if confirmation.ruling is None:
        return refuse(
            "agree",
            f"调解协议的司法确认申请尚在{confirmation.court}审查中：撤回申请或者人民法院裁定后，"
            "方可达成新的调解协议",
            "《人民调解法》第三十三条；《民事诉讼法》第二百零五条",
        )
    if confirmation.ruling == "valid":
        return refuse(
            "agree",
            "人民法院已裁定调解协议有效：一方拒绝履行或者未全部履行的，对方可以申请人民法院强制执行，"
            "不以重新调解变更",
            "《人民调解法》第三十三条第二款；《民事诉讼法》第二百零六条",
        )
    return ALLOW


def signer_guard(case: Case, ctx: Context[agreement_rules.SignatureInput]) -> Decision:
    """The mediator's signature and the committee's seal are the case's own
    (:func:`_signer_problem`). Workflow version 4 on."""
    return _signer_problem(ctx.inputs, case, ctx, "signer")


def signed_once_guard(case: Case, ctx: Context[agreement_rules.SignatureInput]) -> Decision:
    """Each signer signs the agreement once: a party, each mediator, the committee's seal
    (《人民调解法》第二十九条第二款). A second signature would move the day the agreement
    took effect — and with it the parties' 30 days to apply for 司法确认 (第三十三条) —
    after the clocks were opened on the first. Workflow version 4 on."""
    agreement = details(case).agreement
    if agreement is None:
        return ALLOW
    given = ctx.inputs
    for sig in agreement.signatures:
        if sig.capacity is not given.capacity:
            continue
        if given.capacity is SignerCapacity.party:
            same = sig.party == given.party
            field_name, value = "party", given.party
        elif given.capacity is SignerCapacity.committee:
            same = True
            field_name, value = "signer", given.signer
        else:
            same = sig.signer == (given.signer or "").strip()
            field_name, value = "signer", given.signer
        if same:
            when = sig.signed_at.astimezone(ctx.policy.tz)
            return refuse_input(
                "sign",
                field_name,
                value,
                f"{sig.signer or '签署人'}已于{when.date().isoformat()}签署本协议：每一签署人签署一次",
                "《人民调解法》第二十九条第二款",
            )
    return ALLOW


def agreement_signers_guard(case: Case, ctx: Context[AgreeInputs]) -> Decision:
    """:func:`signer_guard` for the signatures recorded with the agreement itself."""
    for given in ctx.inputs.agreement.signatures:
        problem = _signer_problem(given, case, ctx, "agreement.signatures.signer")
        if not problem.allowed:
            return problem
    return ALLOW


def _signer_problem(
    given: agreement_rules.SignatureInput, case: Case, ctx: Context[Any], field_name: str
) -> Decision:
    """《人民调解法》第二十九条第二款: the agreement is signed by the mediator who presided and
    sealed by the committee that presided — no party signs as the mediator, and the seal is
    the owning unit's (by name or id) when the org tree knows it."""
    name = (given.signer or "").strip()
    if given.capacity is SignerCapacity.mediator and name in {p.name for p in case.parties}:
        return refuse_input(
            "sign",
            field_name,
            name,
            "当事人不能以调解员身份签名：调解协议由主持调解的调解员签名",
            "《人民调解法》第二十九条第二款",
        )
    org = ctx.policy.org
    if given.capacity is SignerCapacity.committee and org is not None and case.unit in org:
        unit = org.get(case.unit)
        if name not in (unit.name, unit.id):
            return refuse_input(
                "sign",
                field_name,
                name,
                f"加盖主持调解的组织（{unit.name}）的印章，不是其他组织的",
                "《人民调解法》第二十九条第二款",
            )
    return ALLOW
