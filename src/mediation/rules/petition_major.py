"""Major and urgent petition matters are reported (《信访工作条例》第二十五条; RULES.md §4).

An organ that finds a petition matter major or urgent reports it promptly (及时) to the
party committee and government at its level; a petition office (信访部门) reports it also
to the petition office one level up and to 国家信访局. Two steps on a petition case:

- ``flag_major``: the finding (major or urgent, and why), with the reports already made if
  any; without them a report is owed at once — a practice clock of one day, as the law says
  only "及时" — and the case does not close while it is owed (a hook);
- ``report_major``: the report made, meeting the clock.

Who was reported to is checked as far as a list of names can be: a petition office names
at least three recipients, one of them 国家信访局.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from mediation.model import Case, LabeledEnum, evolve
from mediation.rules import deadlines
from mediation.rules.base import ALLOW, Context, Decision, field, nonblank, refuse, refuse_input
from mediation.rules.counting import PeriodUnit
from mediation.rules.periods import PeriodRule
from mediation.rules.petition import ART, petition_office

__all__ = [
    "BASIS",
    "MAJOR_REPORT",
    "OVERLAY",
    "FlagInputs",
    "Major",
    "MajorReport",
    "Nature",
    "ReportInputs",
    "flag_guard",
    "on_flag",
    "on_report",
    "report_guard",
    "report_owed_check",
]

BASIS = f"{ART}第二十五条"

NATIONAL = "国家信访局"
"""The national petition office every petition office reports to."""

OVERLAY = "major"
"""The overlay holding the finding and its reports (:class:`Major`)."""

MAJOR_REPORT = PeriodRule(
    id="petition_major_report",
    name_zh="重大紧急信访事项报告",
    length=1,
    unit=PeriodUnit.days,
    starts_on="认定为重大、紧急信访事项之日",
    basis=f"{BASIS}（及时报告）",
    status="PRACTICE",
    note="条例只要求“及时”报告本级党委和政府（信访部门并报上一级信访部门、国家信访局）；"
    "一日为实践做法，可配置。",
)
"""The owed report of a major or urgent petition matter."""


class Nature(LabeledEnum):
    """What makes the matter one to report."""

    major = "major", "重大信访事项"
    urgent = "urgent", "紧急信访事项"


@attrs.frozen(slots=True)
class MajorReport:
    """One report: when, and to whom."""

    at: dt.datetime
    to: tuple[str, ...]


@attrs.frozen(slots=True)
class Major:
    """The finding and the reports made on it.

    Attributes:
        nature: Major or urgent.
        finding: Why.
        at: When it was found.
        reports: The reports made, oldest first.
    """

    nature: Nature
    finding: str
    at: dt.datetime
    reports: tuple[MajorReport, ...] = ()


@attrs.frozen(slots=True)
class FlagInputs:
    """认定重大、紧急信访事项: the nature, why, and any report already made."""

    nature: Nature = field("事项性质")
    finding: str = field("认定理由", validator=nonblank)
    reported_to: tuple[str, ...] = field("已报告的机关", default=())


@attrs.frozen(slots=True)
class ReportInputs:
    """报告重大、紧急信访事项: to whom."""

    reported_to: tuple[str, ...] = field("报告的机关")


def _recipients_problem(case: Case, ctx: Context[Any], to: tuple[str, ...], rule: str) -> Decision:
    """Whom the report goes to (第二十五条): at least this level's party committee and
    government; from a petition office also the office one level up and 国家信访局."""
    names = _names(to)
    if not names:
        return refuse_input(
            rule,
            "reported_to",
            list(to),
            "写明报告的机关：本级党委和政府",
            BASIS,
        )
    if petition_office(case, ctx) and (NATIONAL not in names or len(names) < 3):
        return refuse_input(
            rule,
            "reported_to",
            list(to),
            f"信访部门应当及时报告本级党委和政府，并报告上一级信访部门和{NATIONAL}",
            BASIS,
        )
    return ALLOW


def found(case: Case) -> Major | None:
    """The finding on ``case``, if one was made."""
    value = case.overlays.get(OVERLAY)
    return value if isinstance(value, Major) else None


def flag_guard(case: Case, ctx: Context[FlagInputs]) -> Decision:
    """Once per case; reports given with the finding name the right recipients."""
    if found(case) is not None:
        return refuse("flag_major", "该信访事项已认定为重大、紧急事项", BASIS)
    if ctx.inputs.reported_to:
        return _recipients_problem(case, ctx, ctx.inputs.reported_to, "flag_major")
    return ALLOW


def on_flag(case: Case, ctx: Context[FlagInputs]) -> Case:
    """Record the finding; without a report one is owed at once (:data:`MAJOR_REPORT`)."""
    given = ctx.inputs
    reports = (MajorReport(ctx.at, _names(given.reported_to)),) if given.reported_to else ()
    major = Major(given.nature, given.finding.strip(), ctx.at, reports)
    case = evolve(case, overlays=case.overlays.set(OVERLAY, major))
    if reports:
        return case
    return deadlines.open_clock(case, ctx, MAJOR_REPORT)


def report_guard(case: Case, ctx: Context[ReportInputs]) -> Decision:
    """A report on a finding made, to the right recipients."""
    if found(case) is None:
        return refuse("report_major", "该信访事项未认定为重大、紧急事项（flag_major）", BASIS)
    return _recipients_problem(case, ctx, ctx.inputs.reported_to, "report_major")


def on_report(case: Case, ctx: Context[ReportInputs]) -> Case:
    """Record the report; the owed report's clock is met."""
    major = found(case)
    assert major is not None
    report = MajorReport(ctx.at, _names(ctx.inputs.reported_to))
    major = evolve(major, reports=(*major.reports, report))
    case = evolve(case, overlays=case.overlays.set(OVERLAY, major))
    return deadlines.close(case, ctx, (MAJOR_REPORT,))


def report_owed_check(before: Case, after: Case, ctx: Context[Any]) -> Decision:
    """A petition owing the report of a major or urgent matter is not closed before it is
    made: closing neither makes the report nor excuses it (第二十五条)."""
    if not any(d.period == MAJOR_REPORT.id and d.is_open for d in before.deadlines):
        return ALLOW
    return refuse(
        "major_report_owed",
        "重大、紧急信访事项须先及时报告（report_major），方可办结",
        BASIS,
    )


def _names(to: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in to if t.strip()))
