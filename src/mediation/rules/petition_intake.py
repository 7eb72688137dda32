"""Petition intake: the matter's fingerprint and keys, repeat petitions, grounds that bar
acceptance, the first clocks; and the statistics of repeats and backlog.

Each registration sees the cases sharing a key (``ctx.related``): the same
petitioners with the same facts and reasons (``petition:<fingerprint>``), or
the same petitioner (``petitioner:<identity>``). See :mod:`mediation.rules.petition`
for why a barred petition is registered and its acceptance refused.

Sources: 《信访工作条例》第十九条, 第二十条, 第二十二条, 第二十三条, 第三十五、三十六条;
RULES.md §4.1 (2014 逐级走访办法, 2016 简易办理办法), §4.2 (重复信访, PRACTICE).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from mediation.model import Case, Link, LinkKind, Party, PartyRole, RelatedCase, evolve
from mediation.rules import baoan, deadlines, onestop
from mediation.rules.base import ALLOW, Context, Decision, refuse, refuse_input
from mediation.rules.org import UnitKind
from mediation.rules.petition import (
    ACCEPTANCE_DECISION,
    ART,
    ASSIGNED_REPORT,
    FINAL,
    HANDLING,
    MATTER,
    NOTICE,
    OBJECTION,
    REGISTER,
    REPLIED,
    REREVIEW_OPINION,
    REVIEW_OPINION,
    SIMPLE_ACCEPT,
    SIMPLE_HANDLE,
    SIMPLE_TRANSFER,
    TRANSFER_NOTICE,
    Bar,
    Opinion,
    PetitionDetails,
    PetitionIntake,
    PetitionPolicy,
    PetitionStage,
    details,
    raised_orally,
    v2,
    v4,
    v5,
)

__all__ = [
    "PetitionStats",
    "fingerprint",
    "intake_guard",
    "keys",
    "normalise",
    "on_intake",
    "petitioner_key",
    "stats",
]


# -- keys ---------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Text compared as the same facts and reasons: NFKC, no spaces, punctuation or symbols."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def petitioner_key(party: Party) -> str:
    """A petitioner's identity: the ID or credit code, else the normalised name and address."""
    if party.identifier:
        return party.identifier
    return f"{normalise(party.name)}|{normalise(party.address or '')}"


def _petitioners(case: Case) -> list[Party]:
    return [p for p in case.principals if p.role is PartyRole.applicant]


def fingerprint(case: Case) -> str:
    """The matter's fingerprint: the petitioners, the category, the same facts and reasons.

    Source: 第三十六条第三款 ("同一事实和理由"); RULES.md §4.2 (重复信访, PRACTICE).
    """
    people = sorted(petitioner_key(p) for p in _petitioners(case))
    text = f"{'/'.join(people)}|{case.category}|{normalise(case.summary)}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def keys(case: Case) -> Iterable[str]:
    """``petition:<fingerprint>`` and ``petitioner:<identity>`` for each petitioner."""
    yield f"petition:{fingerprint(case)}"
    for p in _petitioners(case):
        yield f"petitioner:{petitioner_key(p)}"


def _root(case: Case, ctx: Context[PetitionIntake]) -> str:
    return ctx.inputs.root or case.id


def _root_of(r: RelatedCase) -> str:
    return next((f[len(MATTER) :] for f in r.flags if f.startswith(MATTER)), r.id)


def _others(case: Case, ctx: Context[PetitionIntake]) -> tuple[list[RelatedCase], set[str]]:
    """The petitions on the same matter outside this matter's own chain, and every root
    of this petitioner's earlier petitions."""
    mine = f"petition:{fingerprint(case)}"
    root = _root(case, ctx)
    same: list[RelatedCase] = []
    roots: set[str] = set()
    for r in ctx.related:
        if r.kind != case.kind or _root_of(r) == root:
            continue
        roots.add(_root_of(r))
        if mine in r.matched:
            same.append(r)
    return same, roots


_NOT_ORGANS = frozenset(
    {UnitKind.committee.value, UnitKind.industry_committee.value, UnitKind.grid.value}
)
"""Units that are not organs (机关): a mediation committee, a grid."""


def _organ_of(ctx: Context[Any], unit: str) -> str:
    """The organ a competent unit stands for in the skip-level rule (第二十条第一款:
    "本级或者上一级机关"): the unit itself, or — for a committee or a grid, which is no
    organ — its nearest ancestor that is one. Petition workflow version 5 on; earlier
    versions counted the committee's own level, so a visit to the county about a village
    committee's matter read as skipping the town."""
    org = ctx.policy.org
    if org is None or unit not in org:
        return unit
    for uid in org.ancestors(unit):
        if org.get(uid).kind not in _NOT_ORGANS:
            return uid
    return unit


def _rank(ctx: Context[Any], unit: str) -> int | None:
    org = ctx.policy.org
    if org is None or unit not in org:
        return None
    return org.rank(unit)


def _handled(r: RelatedCase) -> bool:
    """The earlier case was accepted or is being handled (第十九条第三款: "已经受理或者正在
    办理"): accepted, or transferred or assigned to its organ for handling — not one only
    registered where it was filed, awaiting that organ's decision, nor one refused at
    registration on a ground of its own. Petition workflow version 2 on."""
    if NOT_ACCEPTABLE in r.flags:
        return False
    return r.state != _REGISTERED or _root_of(r) != r.id


_REGISTERED = "registered"
NOT_ACCEPTABLE = "not_acceptable"
"""The flag of a petition registered with a ground that bars its acceptance."""


_PRESCRIBED = frozenset(
    rule.id
    for rule in (
        REGISTER,
        NOTICE,
        TRANSFER_NOTICE,
        SIMPLE_ACCEPT,
        SIMPLE_TRANSFER,
        SIMPLE_HANDLE,
        HANDLING,
        REVIEW_OPINION,
        REREVIEW_OPINION,
    )
)
"""The periods 第十九条第三款 means by "规定期限": the organs' periods of the 条例 to register
and route, to tell the petitioner (第二十二条、第二十三条), to handle (第三十四条; 简易办理),
and to review (第三十五条、第三十六条) — not a report or a 交办's own date."""


def _in_period(r: RelatedCase, at: dt.datetime) -> bool:
    """The earlier case is still within its statutory periods at ``at``.

    第十九条第三款 bars the same matter raised again "在规定期限内" while accepted
    or being handled: once the organ has let a period of the 条例 run out (its notice of
    第二十三条, its handling period of 第三十四条) unanswered, the petitioner may
    raise it above, and the organ above accepts it (and answers for the lapse:
    第四十四条、第四十五条). Another duty of the organ that ran out first (the report of a
    major matter, a 交办's report date) does not end those periods (:data:`_PRESCRIBED`).
    A case with none of them running counts as within its period; so does one logged
    before the due date was recorded with related cases. One logged before each clock was
    (:attr:`~mediation.model.RelatedCase.duties`) is read by its first duty clock, as it
    was decided.
    """
    due = r.due_of(_PRESCRIBED) if r.duties else r.duty_due
    return due is None or at < due


_CONCLUDED = "concluded"
_REVIEW_TAKEN = "review_requested"


def _pending(case: Case, r: RelatedCase, at: dt.datetime) -> bool:
    """The earlier matter is accepted or being handled, within its periods, without an
    opinion yet (第十九条第三款)."""
    return (
        not r.closed
        and REPLIED not in r.flags
        and _in_period(r, at)
        and (not v2(case) or _handled(r))
    )


def _settled(r: RelatedCase) -> bool:
    """The earlier matter was concluded by a mediation or settlement agreement (第三十三条):
    concluded without a written opinion (which would be reviewed instead) — petition
    workflow version 4 on (国家信访局 2014 办法: a matter 已经办结 is not accepted)."""
    return r.state == _CONCLUDED and REPLIED not in r.flags and FINAL not in r.flags


def _answered(case: Case, r: RelatedCase, same: list[RelatedCase]) -> bool:
    """The earlier matter has an opinion the petitioner is to have reviewed (第三十五条、
    第三十六条). From petition workflow version 4, not once its review was requested: the
    review is then the matter's stage, pending in its period or, past it, lapsed (the
    organ above then accepts the matter, as for any lapsed period: :func:`_in_period`) —
    the petitioner did ask for review, and is not told to. From version 5, unless that
    review ended without an opinion (:func:`_review_dropped`): the opinion stands."""
    if REPLIED not in r.flags:
        return False
    if not (v4(case) and r.state == _REVIEW_TAKEN):
        return True
    return v5(case) and _review_dropped(r, same)


def _review_dropped(r: RelatedCase, same: list[RelatedCase]) -> bool:
    """A later case of ``r``'s matter — the review it was taken to — ended without an
    opinion: withdrawn by the petitioner, or not accepted (a request out of time). The
    petitioner did not pursue the review; the last opinion answers the matter (第三十五条、
    第三十六条), and a new petition on it is told so, not handled anew."""
    root = _root_of(r)
    return any(
        o.id != r.id
        and _root_of(o) == root
        and o.received_at >= r.received_at
        and o.closed
        and REPLIED not in o.flags
        and FINAL not in o.flags
        for o in same
    )


def _bar(case: Case, ctx: Context[PetitionIntake]) -> tuple[Bar, RelatedCase | None] | None:
    """The ground that bars acceptance, with the earlier case, if any."""
    if ctx.inputs.stage is not PetitionStage.handling or ctx.inputs.origin:
        return None
    same, _ = _others(case, ctx)
    final = [r for r in same if FINAL in r.flags]
    if final:
        return Bar.final, final[-1]
    pending = [r for r in same if _pending(case, r, ctx.at)]
    if pending:
        return Bar.pending, pending[-1]
    if v4(case):
        settled = [r for r in same if _settled(r)]
        if settled:
            return Bar.concluded, settled[-1]
    answered = [r for r in same if _answered(case, r, same)]
    if answered:
        return Bar.answered, answered[-1]
    competent = ctx.inputs.competent
    if competent and v5(case):
        competent = _organ_of(ctx, competent)
    here, there = _rank(ctx, case.unit), _rank(ctx, competent) if competent else None
    visits = ctx.policy.part(PetitionPolicy).visit_channels
    if case.channel in visits and here is not None and there is not None and here - there >= 2:
        return Bar.skip_level, None
    return None


def named_ground(
    case: Case, ctx: Context[Any], named: str
) -> tuple[Bar, RelatedCase] | tuple[None, str]:
    """The ground an earlier petition the clerk names as the same matter gives against
    accepting ``case``, with that petition; else ``(None, why not)``.

    The intake finds an earlier petition on the same facts and reasons by its fingerprint
    (:func:`fingerprint`): the same petitioners, category and wording. A matter raised
    again in other words, or with a co-petitioner added, is still "同一事实和理由"
    (第三十六条第三款) — the clerk, who reads it, recognises it and names the earlier
    petition (its id or code) among the petitions sharing a petitioner with this one (the
    step reads them). The grounds are the intake's, in its order: concluded after 复核
    (第三十六条第三款), accepted or being handled within its periods (第十九条第三款),
    concluded by an agreement (第三十三条; version 4 on), an opinion issued that is to be
    reviewed rather than raised anew (第三十五条、第三十六条).
    """
    root = details(case).root or case.id
    if named in (case.id, case.code):
        return None, "this matter's own petition, not an earlier one"
    for r in ctx.related:
        if named not in (r.id, r.code) or r.kind != case.kind:
            continue
        if r.id == case.id or _root_of(r) == root:
            return None, "this matter's own petition, not an earlier one"
        if FINAL in r.flags:
            return Bar.final, r
        if _pending(case, r, ctx.at):
            return Bar.pending, r
        if v4(case) and _settled(r):
            return Bar.concluded, r
        if _answered(case, r, [o for o in ctx.related if o.kind == case.kind]):
            return Bar.answered, r
        return None, (
            f"{r.code}: neither concluded after 复核, nor accepted and within its periods, nor "
            "answered with an opinion — nothing in it bars accepting this petition"
        )
    return None, "no earlier petition of this petitioner has that id or code"


def _collective(case: Case, ctx: Context[PetitionIntake]) -> bool:
    """Several people raising a common matter (集体访): ticked, or, at a visit, at least
    ``collective_from`` people (5: RULES.md §7.4) came — counted as ``people``, or as the
    petitioners registered if more (第二十条第三款: their representatives are
    registered). Version 1 counted more than five ``people``."""
    given = ctx.inputs
    policy = ctx.policy.part(PetitionPolicy)
    if given.collective:
        return True
    if case.channel not in policy.visit_channels:
        return False
    if not v2(case):
        return given.people > 5
    return max(given.people, len(_petitioners(case))) >= policy.collective_from


IN_FORCE = dt.date(2022, 5, 1)
"""The day the 信访工作条例 came into force (RULES.md §4, §4.3)."""


def intake_guard(case: Case, ctx: Context[PetitionIntake]) -> Decision:
    """What a registration needs (第十九条, 第二十条第三款; 2016 简易办理办法).

    - An oral petition (visit, call) is recorded faithfully: ``oral_record``
      (第十九条第一款).
    - A collective visit elects at most 5 representatives: the applicants
      registered (第二十条第三款).
    - 简易办理 only for first-time petitions that are neither collective nor
      handed down from above.
    - After 复核, with :attr:`PetitionPolicy.refuse_final_at_intake`, the same
      facts and reasons are not registered (第三十六条第三款).
    """
    given = ctx.inputs
    if v2(case) and ctx.day < IN_FORCE:
        return refuse_input(
            "intake",
            "at",
            ctx.day.isoformat(),
            f"a matter received from {IN_FORCE.isoformat()}: the 信访工作条例 governs from then "
            "(RULES.md §4.3); one received earlier follows the 2005 信访条例, not modelled here",
            f"{ART}（2022年5月1日起施行）",
        )
    if given.raised_on is not None and v2(case):
        # Set by the hand-off that opens the case (the day the matter was first received),
        # not by a clerk: a registration's own day is its received_at.
        if not given.origin:
            return refuse_input(
                "intake", "raised_on", given.raised_on.isoformat(), "set only by a hand-off"
            )
        if given.raised_on > ctx.day:
            return refuse_input(
                "intake", "raised_on", given.raised_on.isoformat(), "a day after the registration"
            )
    policy = ctx.policy.part(PetitionPolicy)
    if raised_orally(case, ctx) and not given.origin and not given.oral_record.strip():
        return refuse_input(
            "intake",
            "oral_record",
            given.oral_record,
            "口头提出的信访事项，应当如实记录",
            f"{ART}第十九条第一款",
        )
    applicants = _petitioners(case)
    # more than five petitioners at one visit are "多人…提出共同的信访事项" whether or not
    # the clerk ticked ``collective``: the representative rule applies all the same
    if case.channel in policy.visit_channels and len(applicants) > 5:
        return refuse_input(
            "intake",
            "parties",
            [p.name for p in applicants],
            "多人采用走访形式提出共同的信访事项的，应当推选代表，代表人数不超过5人",
            f"{ART}第二十条第三款",
        )
    if given.people and given.people < len(applicants):
        return refuse_input("intake", "people", given.people, "来访人数少于登记的代表人数")
    org = ctx.policy.org
    if given.competent is not None and (org is None or given.competent not in org):
        return refuse_input(
            "intake", "competent", given.competent, "unknown unit (not in the org tree)"
        )
    if given.stage is not PetitionStage.handling and not given.origin:
        return refuse_input(
            "intake",
            "stage",
            given.stage.value,
            "复查、复核请求在原办理机关的案件上提出（request_review）",
            f"{ART}第三十五条、第三十六条",
        )
    if given.simple:
        same, _ = _others(case, ctx)
        why = ""
        if not policy.simple_handling:
            why = "本地未开展简易办理"
        elif same:
            why = "简易办理仅适用于初次信访事项"
        elif _collective(case, ctx):
            why = "集体访不适用简易办理"
        elif given.assigned or given.stage is not PetitionStage.handling:
            why = "上级交办及复查、复核事项不适用简易办理"
        if why:
            return refuse_input(
                "intake",
                "simple",
                True,
                why,
                "国家信访局《信访事项简易办理办法(试行)》(2016)",
            )
    found = _bar(case, ctx)
    if found is not None and found[0] is Bar.final and policy.refuse_final_at_intake:
        earlier = found[1]
        code = earlier.code if earlier is not None else ""
        return refuse(
            "intake",
            f"同一信访事项已经复核终结（{code}），以同一事实和理由提出的，不再受理",
            Bar.final.basis,
        )
    return ALLOW


def _first_clocks(case: Case, ctx: Context[PetitionIntake]) -> Case:
    given = ctx.inputs
    policy = ctx.policy.part(PetitionPolicy)
    org = ctx.policy.org
    kind = org.get(case.unit).kind if org is not None and case.unit in org else ""
    if given.stage is PetitionStage.review:
        return deadlines.open_clock(case, ctx, REVIEW_OPINION)
    if given.stage is PetitionStage.rereview:
        return deadlines.open_clock(case, ctx, REREVIEW_OPINION)
    if kind in policy.bureau_kinds and given.origin and v2(case):
        # A petition office that receives a matter from the office above registers and
        # passes it on (第二十二条第一款: 15 日; a simple matter, 1 working day a level, row
        # 13): it neither decides acceptance nor owes the receiving organ's notice
        # (第二十三条第三款).
        return deadlines.open_clock(case, ctx, SIMPLE_TRANSFER if given.simple else REGISTER)
    if given.origin:
        if given.simple:
            first = SIMPLE_ACCEPT
        elif not given.name_address_clear and v2(case):
            first = ACCEPTANCE_DECISION  # no written notice can reach the petitioner
        else:
            first = TRANSFER_NOTICE
        case = deadlines.open_clock(case, ctx, first)
        case = deadlines.open_clock(case, ctx, OBJECTION)
        if given.assigned and given.report_due is not None:
            case = deadlines.open_fixed(case, ctx, ASSIGNED_REPORT, given.report_due)
        return case
    if kind in policy.bureau_kinds:
        return deadlines.open_clock(case, ctx, SIMPLE_TRANSFER if given.simple else REGISTER)
    if given.simple:
        return deadlines.open_clock(case, ctx, SIMPLE_ACCEPT)
    if not given.name_address_clear:
        return deadlines.open_clock(case, ctx, ACCEPTANCE_DECISION)
    return deadlines.open_clock(case, ctx, NOTICE)


def _prior(given: PetitionIntake) -> Opinion | None:
    if given.prior_outcome is None or given.prior_issued_at is None:
        return None
    return Opinion(
        given.prior_outcome,
        given.prior_request,
        given.prior_facts,
        given.prior_reasons,
        given.prior_basis,
        given.prior_issued_at,
        given.prior_delivered_on or given.prior_issued_at.date(),
    )


def on_intake(case: Case, ctx: Context[PetitionIntake]) -> Case:
    """Register the petition: details, level, links to earlier petitions, grounds, first clocks.

    - The level is the receiving unit's.
    - Earlier petitions on the same matter are linked as repeats and counted
      (重复信访, RULES.md §4.2); the petitioner's earlier petitions are counted.
    - A ground that bars acceptance is recorded with the earlier case
      (第十九条第三款, 第二十条第一款, 第三十六条第三款).
    - The first clock: the petition office's routing (第二十二条: 15 日; 简易办理
      1 个工作日), a transferred matter's notice and objection periods (第二十三条
      第三款: 15 日, 5 个工作日; when the petitioner's name or address is not clear no
      notice can be sent, and the decision clock of 第二十三条第二款 runs instead), the
      notice to a direct petitioner (第二十三条第二款: 15 日; 简易办理 3 个工作日), or a
      review's opinion (第三十五条、第三十六条: 30 日).
    - Flags for 包案 selection (``repeat``, ``collective``, ``assigned``) and the
      policy's candidate flag; a petition received at a one-stop centre gets
      the 最多跑一地 record.
    - A case that carries a 包案 assignment on (转送, 复查) takes over its
      timetable and reminder clocks (:func:`~mediation.rules.baoan.take_over`).
    """
    given = ctx.inputs
    org = ctx.policy.org
    root = _root(case, ctx)
    same, roots = _others(case, ctx)
    repeat_roots = sorted({_root_of(r) for r in same})
    found = _bar(case, ctx)
    bar, earlier = found if found is not None else (None, None)
    flags = set(case.flags) | {f"{MATTER}{root}", "petition"}
    if repeat_roots:
        flags.add("repeat")
    if _collective(case, ctx):
        flags.add("collective")
    if given.assigned:
        flags.add("assigned")
    if bar is not None:
        flags.add(NOT_ACCEPTABLE)
    if bar is Bar.skip_level:
        flags.add("skip_level")
    links = tuple(Link(LinkKind.repeat_of, r.id, "重复信访") for r in same)
    petition = PetitionDetails(
        stage=given.stage,
        root=root,
        origin=given.origin,
        origin_code=given.origin_code,
        origin_unit=given.origin_unit,
        raised_on=given.raised_on,
        assigned=given.assigned,
        report_due=given.report_due,
        oral_record=given.oral_record.strip(),
        name_address_clear=given.name_address_clear,
        collective=_collective(case, ctx),
        people=given.people or len(_petitioners(case)),
        simple=given.simple,
        competent=given.competent,
        bar=bar,
        bar_case=earlier.id if earlier is not None else "",
        bar_code=earlier.code if earlier is not None else "",
        repeats=tuple(dict.fromkeys(r.code for r in same)),
        petitioner_petitions=len(roots),
        prior=_prior(given),
    )
    level = org.level_of(case.unit) if org is not None and case.unit in org else case.level
    case = evolve(
        case,
        details=petition,
        level=level,
        flags=frozenset(flags),
        links=case.links + links,
    )
    if baoan.candidates(case, ctx.at, ctx.policy.part(baoan.BaoanPolicy)):
        case = evolve(case, flags=case.flags | {baoan.BAOAN_CANDIDATE})
    if onestop.OVERLAY not in case.overlays:
        started = onestop.start(case, ctx)
        if started is not None:
            case = evolve(case, overlays=case.overlays.set(onestop.OVERLAY, started))
    return baoan.take_over(_first_clocks(case, ctx), ctx)


@attrs.frozen(slots=True)
class PetitionStats:
    """Repeat petitions and backlog among a set of petition cases (RULES.md §4.2, §7.1).

    Attributes:
        cases: Petition cases counted.
        matters: Distinct matters (a matter's hand-offs count once).
        repeats: Cases that repeat an earlier petition on the same matter (重复信访).
        backlog: Open cases past a duty clock, or supervised (信访积案).
        final: Matters concluded by 复核 (终结).
        skip_level: Skip-level visits guided back (越级走访).
        by_petitioner: Each petitioner's matters (the identity of :func:`petitioner_key`).
    """

    cases: int
    matters: int
    repeats: int
    backlog: int
    final: int
    skip_level: int
    by_petitioner: Mapping[str, int]


def stats(cases: Iterable[Case], at: dt.datetime) -> PetitionStats:
    """Count repeat petitions, backlog and their petitioners at ``at`` (pure; any cases given:
    those of another workflow are skipped)."""
    seen = [c for c in cases if isinstance(c.details, PetitionDetails)]
    roots: dict[str, set[str]] = {}
    for c in seen:
        for p in _petitioners(c):
            roots.setdefault(petitioner_key(p), set()).add(details(c).root or c.id)
    return PetitionStats(
        cases=len(seen),
        matters=len({details(c).root or c.id for c in seen}),
        repeats=sum(1 for c in seen if details(c).repeats),
        backlog=sum(1 for c in seen if c.open_deadlines and baoan.is_backlog(c, at)),
        final=sum(1 for c in seen if FINAL in c.flags),
        skip_level=sum(1 for c in seen if details(c).bar is Bar.skip_level),
        by_petitioner={k: len(v) for k, v in sorted(roots.items())},
    )
