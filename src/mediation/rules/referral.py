"""Referral among village, town and county (分流交办): up, down and across, with reason codes.

Sources: 司法部《人民调解工作若干规定》(2002) 第二十一条 (a village or residents'
committee hands difficult, complex, cross-area or cross-unit disputes to the
township or street committee, or they mediate jointly); 《信访工作条例》
第十五条第三款 (小事不出村、大事不出镇、矛盾不上交), 第二十二条 (属地管理、分级
负责; 交办 with a set deadline for the 办结报告), 第二十条第三款 (collective matters
of more than five people); RULES.md §7.3 (the closed loop 受理登记 → 分流交办 →
跟踪督办 → 办结反馈) and §7.4 (the escalation ladder: local thresholds are
PRACTICE, configurable, none national).

A referral moves the case to the receiving unit at once (exactly one unit
owns a case at any time); the receiver then takes it or returns it with its
reasons. Every referral carries a reason code of the policy; a referral up
never skips a level unless its reason allows it (重大、紧急). A ladder such as
江阴's "331" (three attempts at the village, three at the town, one at the
county, then the court) is :attr:`ReferralPolicy.ladder`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs

from mediation.model import Case, LabeledEnum, Risk
from mediation.rules.base import ALLOW, Decision, refuse, refuse_input
from mediation.rules.org import OrgTree, UnitKind

__all__ = [
    "DEFAULT_REASONS",
    "Direction",
    "ReferralPolicy",
    "ReferralReason",
    "direction",
    "referral_problem",
    "suggested_level",
]


class Direction(LabeledEnum):
    """Which way a case moves between units."""

    up = "up", "上报（提级）"
    down = "down", "交办"
    across = "across", "转办（平级移交）"


@attrs.frozen(slots=True)
class ReferralReason:
    """A reason a case may be referred, with the directions it serves.

    Attributes:
        code: Stored on the referral.
        label: Chinese label.
        basis: The source (law, or PRACTICE with the locality's rule).
        directions: Which ways it may send a case.
        skips_levels: It may send a case past the next level (重大、紧急).
    """

    code: str
    label: str
    basis: str
    directions: frozenset[Direction]
    skips_levels: bool = False


def _reasons(*items: ReferralReason) -> Mapping[str, ReferralReason]:
    return MappingProxyType({r.code: r for r in items})


_UP, _DOWN, _ACROSS = Direction.up, Direction.down, Direction.across
_RULE_2002 = "司法部《人民调解工作若干规定》第二十一条"

DEFAULT_REASONS = _reasons(
    ReferralReason(
        "mediation_failed",
        "本级调解不成",
        f"{_RULE_2002}；《人民调解法》第二十六条",
        frozenset({_UP}),
    ),
    ReferralReason("complex", "疑难复杂，本级难以化解", _RULE_2002, frozenset({_UP})),
    ReferralReason("cross_area", "跨地区、跨单位纠纷", _RULE_2002, frozenset({_UP})),
    ReferralReason(
        "clock_breached",
        "超期未化解",
        "《信访工作条例》第四十五条；跟踪督办 (PRACTICE)",
        frozenset({_UP}),
    ),
    ReferralReason("amount", "争议金额超过本级标准", "地方规定 (PRACTICE)", frozenset({_UP})),
    ReferralReason("many_parties", "当事人人数较多", "地方规定 (PRACTICE)", frozenset({_UP})),
    ReferralReason(
        "collective",
        "群体性纠纷（五人以上）",
        "《信访工作条例》第二十条第三款；PRACTICE",
        frozenset({_UP}),
    ),
    ReferralReason("high_risk", "有激化风险", "《人民调解法》第二十五条", frozenset({_UP})),
    ReferralReason(
        "major_urgent",
        "重大、紧急",
        "《信访工作条例》第二十二条第一款第一项、第二十五条",
        frozenset({_UP}),
        skips_levels=True,
    ),
    ReferralReason(
        "territorial",
        "属地管理，由当事人所在地或者纠纷发生地处理",
        f"{_RULE_2002}；《信访工作条例》第二十二条",
        frozenset({_DOWN, _ACROSS}),
    ),
    ReferralReason(
        "assigned", "上级交办", "《信访工作条例》第二十二条第一款第三项", frozenset({_DOWN})
    ),
    ReferralReason(
        "specialised",
        "行业性、专业性纠纷，由相应的调解组织调解",
        "《人民调解法》第三十四条；PRACTICE",
        frozenset({_ACROSS}),
    ),
    ReferralReason(
        "stationed",
        "一站式中心内部流转至入驻部门",
        "最多跑一地 (RULES.md §7.2, PRACTICE)",
        frozenset({_ACROSS}),
    ),
)
"""The reason codes of the default policy."""


@attrs.frozen(slots=True)
class ReferralPolicy:
    """A locality's referral rules (all PRACTICE, RULES.md §7.4: no national numbers).

    Attributes:
        reasons: The reason codes a referral may carry.
        amount_limits: The largest amount in dispute a level handles, by level
            (above it, triage and acceptance point higher; reason ``amount``).
        collective_size: Parties from which a matter is collective (≥ 5:
            《信访工作条例》第二十条第三款).
        many_parties: Parties from which reason ``many_parties`` applies.
        ladder: Mediation attempts per level before ``mediation_failed`` may
            send a case up, lowest first (江阴 "331": village 3, town 3,
            county 1); empty: no count is required.
    """

    reasons: Mapping[str, ReferralReason] = DEFAULT_REASONS
    amount_limits: Mapping[str, Decimal] = attrs.field(factory=dict)
    collective_size: int = 5
    many_parties: int = 10
    ladder: tuple[tuple[str, int], ...] = ()


def direction(org: OrgTree, source: str, target: str) -> Direction:
    """Up to an ancestor, down to a descendant, across otherwise (the territorial tree)."""
    if org.within(source, target):
        return Direction.up
    if org.within(target, source):
        return Direction.down
    return Direction.across


def suggested_level(case: Case, policy: ReferralPolicy, levels: tuple[str, ...]) -> str | None:
    """The lowest level the policy's thresholds allow to handle ``case`` (``None``: any).

    ``levels`` are the ladder's level names, lowest first.
    """
    needed: str | None = None
    if case.amount is not None:
        for level in levels:
            limit = policy.amount_limits.get(level)
            if limit is None or case.amount <= limit:
                needed = level
                break
    return needed


def _attempts(attempts: Mapping[str, int], level: str, policy: ReferralPolicy) -> int | None:
    """How many attempts the ladder wants at ``level`` (``None``: no rung for it)."""
    for name, count in policy.ladder:
        if name == level:
            return count
    return None


def referral_problem(
    case: Case,
    org: OrgTree,
    target: str,
    reason: str,
    policy: ReferralPolicy,
    attempts: Mapping[str, int],
) -> Decision:
    """Whether ``case`` may be referred to ``target`` for ``reason`` (pure).

    Checks: a known, active, other unit; a known reason serving that direction;
    no level skipped on the way up unless the reason allows it (2002 规定 第二十一条
    sends a village's difficult dispute to the township; 重大、紧急 may go higher); a
    case sent down may go straight to the unit where the parties live or the dispute
    arose (2002 规定 第二十一条: the village committee mediates the disputes of its
    village; 《信访工作条例》第二十二条: 属地管理, 交办 to the organ that handles it —
    "小事不出村" points down, not rung by rung); a threshold reason only
    where the threshold is met; ``mediation_failed`` only after the ladder's
    attempts at this level (and not past its top); across only to a unit of
    the same level under the same superior, an industry committee of the case's
    category, or a department stationed at the same one-stop centre.
    """
    if target not in org:
        return refuse_input("refer", "to", target, "unknown unit (not in the org tree)")
    source = org.get(case.unit)
    dest = org.get(target)
    if dest.id == source.id:
        return refuse_input("refer", "to", target, "the case is already at this unit")
    if not dest.active:
        return refuse_input("refer", "to", target, f"the unit was merged into {dest.successor}")
    found = policy.reasons.get(reason)
    if found is None:
        return refuse_input(
            "refer", "reason", reason, f"unknown reason; one of {', '.join(policy.reasons)}"
        )
    way = direction(org, source.id, dest.id)
    if way not in found.directions:
        return refuse_input(
            "refer",
            "reason",
            reason,
            f"“{found.label}” does not send a case {way.value} ({way.label})",
            found.basis,
        )
    gap = org.rank(dest.id) - org.rank(source.id)
    if way is Direction.up and gap > 1 and not found.skips_levels:
        return refuse(
            "refer",
            f"不得越级：{source.name}（{org.ladder.label(source.level)}）与"
            f"{dest.name}（{org.ladder.label(dest.level)}）之间隔{gap - 1}级，"
            "仅重大、紧急事项可越级",
            f"{_RULE_2002}；小事不出村、大事不出镇、矛盾不上交（《信访工作条例》第十五条第三款）",
        )
    if way is Direction.across:
        problem = _across(case, org, source.id, dest.id)
        if not problem.allowed:
            return problem
    threshold = _threshold_problem(case, reason, policy, source.level, found)
    if not threshold.allowed:
        return threshold
    if reason == "mediation_failed" and policy.ladder:
        wanted = _attempts(attempts, source.level, policy)
        done = attempts.get(source.level, 0)
        top = policy.ladder[-1][0]
        if source.level == top and wanted is not None and done >= wanted:
            return refuse(
                "refer",
                f"{org.ladder.label(top)}一级调解已满{wanted}次，不再上报：告知当事人依法提起诉讼",
                "《人民调解法》第二十六条；地方调解层级规定 (PRACTICE)",
            )
        if wanted is not None and done < wanted:
            return refuse(
                "refer",
                f"本级须调解满{wanted}次方可以调解不成上报，已调解{done}次",
                "地方调解层级规定 (PRACTICE)",
            )
    return ALLOW


def _across(case: Case, org: OrgTree, source: str, target: str) -> Decision:
    dest = org.get(target)
    origin = org.get(source)
    siblings = origin.level == dest.level and origin.parent == dest.parent
    specialised = (
        dest.kind == UnitKind.industry_committee.value and case.category in dest.categories
    )
    centre = org.centre_of(source)
    stationed = centre is not None and org.centre_of(target) == centre
    if siblings or specialised or stationed:
        return ALLOW
    return refuse_input(
        "refer",
        "to",
        target,
        "across only to a sibling unit (same level, same superior), an industry committee of "
        "the case's category, or a department stationed at the same one-stop centre",
        _RULE_2002,
    )


def _threshold_problem(
    case: Case, reason: str, policy: ReferralPolicy, level: str, found: ReferralReason
) -> Decision:
    principals = [p for p in case.parties if p.role.value != "agent"]
    if reason == "amount":
        limit = policy.amount_limits.get(level)
        if limit is None or case.amount is None or case.amount <= limit:
            return refuse(
                "refer",
                "争议金额未超过本级受理标准"
                + ("" if limit is None else f"（{limit}元）")
                + "，不得以此为由上报",
                found.basis,
            )
    if (
        reason == "collective"
        and len(principals) < policy.collective_size
        and ("collective" not in case.flags)
    ):
        return refuse("refer", f"当事人不足{policy.collective_size}人，不属群体性纠纷", found.basis)
    if reason == "many_parties" and len(principals) < policy.many_parties:
        return refuse("refer", f"当事人不足{policy.many_parties}人", found.basis)
    if reason == "high_risk" and case.risk is not Risk.high:
        return refuse("refer", "未评定为高风险，不得以激化风险为由上报", found.basis)
    return ALLOW
