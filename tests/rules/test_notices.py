"""The year boundary: provisional dates by rule, notices loaded as data, checked on load."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import chinese_calendar
import pytest

from mediation import ValidationError
from mediation.rules.calendar import DayKind, OfficialCalendar, statutory_holidays
from mediation.rules.counting import PeriodUnit, compute_due
from mediation.rules.notices import Notice

NOTICE_2027 = """
year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知（示例）"
published = 2026-11-10

[rest]
"元旦" = ["2027-01-01/2027-01-03"]
"春节" = ["2027-02-05/2027-02-12"]

[work]
"春节" = ["2027-02-13", "2027-02-20"]
"""

_NAMES = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "国庆节": "National Day",
}


@pytest.mark.parametrize("year", range(2008, 2027))
def test_statutory_days_by_rule_are_official_rest_days(year: int) -> None:
    """Cross-check of the rule (holidays' lunar and solar-term arithmetic) with chinesecalendar's
    official notices, 2008-2026: every statutory day by rule was a rest day of that festival."""
    by_rule = statutory_holidays(year)
    assert len(by_rule) >= 9  # 中秋 can fall inside 国庆 (2009, 2020)
    for day, name in by_rule.items():
        rest, official = chinese_calendar.get_holiday_detail(day)
        assert rest, (day, name)
        # 2012-06-23 (端午) is a rest day chinesecalendar leaves unnamed.
        # A day of two festivals (中秋 on 国庆, 2009 and 2020) carries both names.
        assert official in {_NAMES[n] for n in name.split("、")} | {None}, (day, name, official)


def test_the_current_law_gives_thirteen_days() -> None:
    """国务院令第795号 (2025-): 元旦1, 春节4 (除夕+3), 清明1, 劳动节2, 端午1, 中秋1, 国庆3."""
    for year in (2027, 2030, 2041):
        names = list(statutory_holidays(year).values())
        assert len(names) == 13
        assert names.count("春节") == 4
        assert names.count("劳动节") == 2
        assert names.count("国庆节") == 3


def test_a_notice_file_loads_and_makes_its_year_official(tmp_path: Path) -> None:
    """TOML (or JSON) in, the year out of provisional: bridged days off, make-up days worked."""
    path = tmp_path / "2027.toml"
    path.write_text(NOTICE_2027, encoding="utf-8")
    notice = Notice.from_file(path)
    cal = OfficialCalendar()
    before = compute_due(dt.date(2027, 2, 1), 10, PeriodUnit.working_days, calendar=cal)
    assert before.estimated
    version = cal.version
    cal.add(notice)
    assert cal.version > version
    assert cal.covers(2027)
    assert cal.day_kind(dt.date(2027, 2, 11)) is DayKind.rest  # bridged by the notice
    assert cal.day_kind(dt.date(2027, 2, 13)) is DayKind.work  # make-up Saturday
    assert not cal.is_estimate(dt.date(2027, 2, 13))
    after = compute_due(dt.date(2027, 2, 1), 10, PeriodUnit.working_days, calendar=cal)
    assert not after.estimated
    assert after.due != before.due
    as_json = tmp_path / "2027.json"
    as_json.write_text(
        json.dumps(
            {
                "year": 2027,
                "rest": {"元旦": ["2027-01-01/2027-01-03"], "春节": ["2027-02-05/2027-02-12"]},
                "work": {"春节": ["2027-02-13", "2027-02-20"]},
                "source": notice.source,
                "published": "2026-11-10",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert Notice.from_file(as_json) == notice


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('year = 2027\n[rest]\n"元旦" = ["2028-01-01"]\n', "notice.rest"),
        ('year = 2027\n[work]\n"春节" = ["2027-02-10"]\n', "notice.work"),
        ('year = 2027\n[rest]\n"a" = ["2027-02-13"]\n[work]\n"a" = ["2027-02-13"]\n', "notice"),
        ('year = 2027\n[rest]\n"a" = ["2027-02-13"]\n"b" = ["2027-02-13"]\n', "notice.rest.b"),
        ('year = "2027"\n', "notice.year"),
        ("year = 2027\nholidays = 3\n", "notice.holidays"),
        ('year = 2027\n[rest]\n"a" = "2027-01-01"\n', "notice.rest.a"),
        ('year = 2027\n[rest]\n"a" = ["2027-02-30"]\n', "notice.rest.a"),
        ("year = \n", "notice"),
    ],
    ids=[
        "day outside the year",
        "make-up day on a weekday",
        "a day both off and worked",
        "a day listed twice",
        "year as text",
        "unknown key",
        "a string where a list belongs",
        "no such date",
        "not TOML",
    ],
)
def test_a_bad_notice_is_refused_naming_what_is_wrong(
    tmp_path: Path, text: str, field: str
) -> None:
    """Checked on load: dates inside the year, make-up days on weekends, no overlap."""
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        Notice.from_file(path)
    assert info.value.field == field


def test_a_bundled_year_takes_no_notice() -> None:
    """2026 comes from the bundled data: a file cannot replace it."""
    with pytest.raises(ValidationError, match="bundled"):
        OfficialCalendar().add(Notice(2026, {dt.date(2026, 1, 1): "元旦"}, {}))
