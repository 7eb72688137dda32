"""Printed periods come from the policy's period table, as the clocks do.

RULES.md §5.2: a province whose petition regulation says otherwise supplies its own table;
the documents then print its periods (length, unit, extension cap and source), next to the
due dates computed from the same rules. Nothing in a template or builder fixes a period.
"""

from __future__ import annotations

from typing import Any

import attrs

from mediation import Engine
from mediation.rules.periods import PERIODS, Extension, PeriodRule
from tests.petition.conftest import (
    BUREAU,
    COUNTY,
    OPINION_DATA,
    TOWN,
    at,
    engine,
    letter,
    petitioners,
)

LOCAL_BASIS = "《某省信访条例》第二十条"


def _local_table() -> dict[str, PeriodRule]:
    """A hypothetical province: 30 days to handle (+ at most 15), 10 days to tell the
    petitioner of a transferred matter, 3 working days to object, 20 days to ask for review
    or re-review."""
    table = dict(PERIODS)

    def change(period_id: str, **kw: Any) -> None:
        table[period_id] = attrs.evolve(table[period_id], **kw)

    change(
        "petition_handling",
        length=30,
        extension=Extension("organ_head", 15, notify_petitioner=True),
        basis=LOCAL_BASIS,
    )
    change("petition_transfer_notice", length=10)
    change("petition_objection", length=3)
    change("petition_review_request", length=20)
    change("petition_rereview_request", length=20)
    return table


def _render(e: Engine, case_id: str, kind: str) -> list[str]:
    return [str(e.render(case_id, kind, format=fmt)) for fmt in ("text", "html")]


def _accepted(e: Engine) -> str:
    case = letter(e, "2026-03-02", unit="qt-dm", actor=TOWN, parties=petitioners(respondent=True))
    return e.fire(case.id, "accept", actor=TOWN, at=at("2026-03-03", 10)).id


def test_the_acceptance_notice_prints_the_locality_s_handling_period() -> None:
    """A 30-day handling period (extension ≤ 15 日, the local source) prints 30日 and its due
    date, not the national 60 + 30 (《信访工作条例》第三十四条)."""
    e = engine(periods=_local_table())
    cid = _accepted(e)
    due = next(d for d in e.get(cid).deadlines if d.period == "petition_handling").due
    assert due.isoformat() == "2026-04-02"
    for out in _render(e, cid, "petition_acceptance_notice"):
        assert "自受理之日起30日内办结（至2026年4月2日）" in out
        assert "延长期限不超过15日" in out
        assert f"（{LOCAL_BASIS}）" in out
        assert "60日" not in out
        assert "不超过30日" not in out


def test_the_national_table_still_prints_60_and_30_days() -> None:
    """The national defaults: 60 日, extension ≤ 30 日, 《信访工作条例》第三十四条."""
    e = engine()
    cid = _accepted(e)
    for out in _render(e, cid, "petition_acceptance_notice"):
        assert "自受理之日起60日内办结" in out
        assert "延长期限不超过30日，并告知你（们）延期理由（《信访工作条例》第三十四条）" in out


def test_simplified_handling_prints_its_own_period_and_no_extension() -> None:
    """简易办理 (2016 办法): 10 个工作日, and the table gives it no extension clause."""
    e = engine()
    case = letter(e, "2026-02-12", unit="qt-dm", actor=TOWN, details={"simple": True})
    cid = e.fire(case.id, "accept", actor=TOWN, at=at("2026-02-24", 9)).id
    for out in _render(e, cid, "petition_acceptance_notice"):
        assert "自受理之日起10个工作日（简易办理）内办结（至2026年3月9日）" in out
        assert "《信访事项简易办理办法(试行)》" in out
        assert "延长" not in out


def test_the_transfer_letter_prints_the_locality_s_notice_and_objection_periods() -> None:
    """第二十三条第三款 as configured: 10日 to tell the petitioner, 3个工作日 to object."""
    e = engine(periods=_local_table())
    case = letter(e, "2026-03-02")
    cid = e.fire(
        case.id, "route", actor=BUREAU, at=at("2026-03-03"), to="qt-dm", mode="transfer"
    ).id
    for out in _render(e, cid, "petition_transfer_letter"):
        assert "自收到之日起10日内书面告知信访人是否受理" in out
        assert "自收到之日起3个工作日内提出并说明理由" in out
        assert "15日" not in out
        assert "5个工作日" not in out


def test_opinions_print_the_locality_s_review_periods() -> None:
    """第三十五条 / 第三十六条第一款 as configured: 20日 to ask for review and re-review."""
    e = engine(periods=_local_table())
    cid = _accepted(e)
    e.fire(cid, "opine", actor=TOWN, at=at("2026-03-20", 15), **OPINION_DATA)
    for out in _render(e, cid, "petition_handling_opinion"):
        assert "自收到本意见书之日起20日内" in out
        assert "30日" not in out
    case = e.fire(cid, "request_review", actor=COUNTY, at=at("2026-03-25"), reason="不服")
    review = case.links[-1].case_id
    e.fire(review, "opine", actor=COUNTY, at=at("2026-04-10"), **OPINION_DATA)
    for out in _render(e, review, "petition_review_opinion"):
        assert "自收到本意见书之日起20日内" in out
        assert "30日" not in out
