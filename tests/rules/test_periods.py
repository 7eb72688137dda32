"""Every statutory period of RULES.md §0, on worked dates around the 2025/2026 holidays.

The expected dates are computed by hand from the State Council schedules in
RULES.md §8.2 / §8.3 and written as literals; the comment on each vector shows
the count. Holidays used:

2025: 元旦 01-01; 春节 01-28..02-04 (make-up Sun 01-26, Sat 02-08); 清明 04-04..06;
劳动节 05-01..05 (make-up Sun 04-27); 端午 05-31..06-02; 国庆+中秋 10-01..08
(make-up Sun 09-28, Sat 10-11).
2026: 元旦 01-01..03 (make-up Sun 01-04); 春节 02-15..23 (make-up Sat 02-14, 02-28);
清明 04-04..06; 劳动节 05-01..05 (make-up Sat 05-09); 端午 06-19..21; 中秋 09-25..27;
国庆 10-01..07 (make-up Sun 09-20, Sat 10-10).
"""

from __future__ import annotations

from datetime import date

import pytest
from attrs import evolve as replace

from mediation._errors import CalendarError, DefinitionError, ValidationError
from mediation.rules.calendar import OfficialCalendar
from mediation.rules.counting import PeriodUnit, RollPolicy, compute_due
from mediation.rules.periods import (
    PERIODS,
    Extension,
    PeriodRule,
    check_extension,
    period,
)

CAL = OfficialCalendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


# (rule id, start, expected due, how the count goes)
VECTORS: list[tuple[str, str, str, str]] = [
    (
        "people_mediation",
        "2026-01-15",
        "2026-02-24",
        "1 month -> Sun 02-15 in 春节 02-15..23 -> Tue",
    ),
    ("judicial_confirmation_apply", "2025-09-08", "2025-10-09", "+30 -> Wed 10-08 last 国庆 day"),
    ("judicial_confirmation_accept", "2026-09-30", "2026-10-08", "+3 -> Sat 10-03 国庆 -> Thu"),
    (
        "judicial_confirmation_examine",
        "2026-01-30",
        "2026-02-14",
        "+15 -> Sat 02-14 make-up: stays",
    ),
    ("judicial_confirmation_statutory", "2025-12-02", "2026-01-04", "+30 -> 01-01 -> Sun make-up"),
    ("confirmation_objection_party", "2025-04-16", "2025-05-06", "+15 -> Thu 05-01 劳动节 -> Tue"),
    ("confirmation_objection_interested", "2025-08-31", "2026-02-28", "6 months, no 02-31 -> Sat"),
    ("enforcement_apply", "2024-02-29", "2026-02-28", "2 years, no 2026-02-29 -> make-up Sat"),
    ("petition_register", "2026-09-16", "2026-10-08", "+15 -> Thu 10-01 国庆 -> Thu 10-08"),
    ("petition_notice", "2026-02-05", "2026-02-24", "+15 -> Fri 02-20 in 春节 -> Tue"),
    ("petition_transfer_notice", "2025-01-13", "2025-02-05", "+15 -> Tue 01-28 除夕 -> Wed 02-05"),
    ("petition_objection", "2026-09-30", "2026-10-13", "8,9,Sat 10(make-up),12,13"),
    ("petition_handling", "2026-08-02", "2026-10-08", "+60 -> Thu 10-01 国庆 -> Thu 10-08"),
    ("petition_review_request", "2025-12-04", "2026-01-04", "+30 -> Sat 01-03 元旦 -> Sun make-up"),
    ("petition_review_opinion", "2025-04-01", "2025-05-06", "+30 -> Thu 05-01 -> Tue 05-06"),
    ("petition_rereview_request", "2025-09-01", "2025-10-09", "+30 -> Wed 10-01 -> Thu 10-09"),
    ("petition_rereview_opinion", "2026-03-06", "2026-04-07", "+30 -> Sun 04-05 清明 -> Tue"),
    ("petition_simple_accept", "2026-02-12", "2026-02-24", "13, Sat 14(make-up), 春节, 24"),
    ("petition_simple_handle", "2025-04-24", "2025-05-12", "25,Sun 27,28,29,30,6,7,8,9,12"),
    ("petition_simple_transfer", "2026-01-03", "2026-01-04", "Sun 01-04 make-up is the 1st"),
    ("labour_mediation", "2026-06-04", "2026-06-22", "+15 -> Fri 06-19 端午 -> Mon"),
    ("labour_arbitration_time_bar", "2025-10-01", "2026-10-08", "1 year -> Thu 10-01 国庆 -> Thu"),
    ("medical_people_mediation", "2026-09-01", "2026-10-19", "30 wd across 中秋 and 国庆"),
    ("medical_admin_accept", "2025-01-24", "2025-02-07", "Sun 26(make-up),27,春节,5,6,7"),
    ("medical_admin_mediation", "2025-09-15", "2025-10-31", "30 wd across 国庆+中秋 2025"),
    ("traffic_police_apply", "2026-04-28", "2026-05-14", "29,30,6,7,8,Sat 9,11,12,13,14"),
    ("traffic_switch_to_police", "2025-12-31", "2026-01-06", "元旦, Sun 01-04(make-up),5,6"),
    ("traffic_session_notice", "2026-09-23", "2026-09-29", "24, 中秋 25-27, 28, 29"),
    ("traffic_police_mediation", "2025-05-29", "2025-06-13", "30, 端午, 3,4,5,6,9..13"),
    ("public_security_first_session", "2025-10-09", "2025-10-13", "10, Sat 11(make-up), 13"),
    ("public_security_second_session", "2026-02-10", "2026-02-26", "11,12,13,Sat 14,春节,24,25,26"),
    ("public_security_handling", "2026-03-31", "2026-04-30", "+30 -> Thu 04-30, a working day"),
    ("court_delegated", "2025-05-02", "2025-06-03", "+30 -> Sun 06-01 端午 -> Tue 06-03"),
    ("court_online_prefiling", "2026-01-14", "2026-02-13", "+30 -> Fri 02-13, a working day"),
    ("court_entrusted_ordinary", "2026-09-12", "2026-09-28", "+15 -> Sun 09-27 中秋 -> Mon"),
    ("court_entrusted_simplified", "2026-09-13", "2026-09-20", "+7 -> Sun 09-20 make-up: stays"),
    ("land_arbitration_time_bar", "2024-10-03", "2026-10-08", "2 years -> Sat 10-03 国庆 -> Thu"),
    ("land_arbitration_accept", "2025-09-26", "2025-10-10", "Sun 28(make-up),29,30,国庆,9,10"),
    ("land_arbitration_award", "2025-12-02", "2026-02-02", "+60 -> Sat 01-31 -> Mon 02-02"),
    ("land_award_sue", "2026-04-05", "2026-05-06", "+30 -> Tue 05-05 劳动节 -> Wed"),
    ("limitation_period", "2023-01-31", "2026-02-02", "3 years -> Sat 01-31 -> Mon 02-02"),
    # Practice defaults (RULES.md §7), configurable.
    ("dispute_acceptance", "2026-09-30", "2026-10-10", "国庆 skipped; 10-08, 09, make-up Sat 10"),
    ("suspension_review", "2026-01-16", "2026-02-24", "+30 -> Sun 02-15 春节 to 02-23 -> Tue"),
    ("traffic_start_review", "2026-09-14", "2026-10-14", "+30 -> Wed 10-14, a working day"),
    ("callback_visit", "2025-09-16", "2025-10-09", "+15 -> 10-01 国庆/中秋 to 10-08 -> Thu"),
    ("administrative_mediation", "2026-04-27", "2026-05-27", "20 wd, 劳动节 out, Sat 05-09 in"),
]


def test_every_master_table_row_has_a_worked_vector() -> None:
    """Protects: no period in the table goes untested (one vector per PeriodRule)."""
    assert sorted(v[0] for v in VECTORS) == sorted(PERIODS)


@pytest.mark.parametrize(
    ("rule_id", "start", "expected", "why"), VECTORS, ids=[v[0] for v in VECTORS]
)
def test_rule_due_on_hand_computed_date(rule_id: str, start: str, expected: str, why: str) -> None:
    """Protects: each statutory period's length, unit and roll on official 2025/2026 dates."""
    result = period(rule_id).due(d(start), CAL)
    assert result.due == d(expected), why
    assert result.estimated is False
    assert result.explanation.replay(CAL) == result.due


# The master table's numbers, written out once more so a typo in the table fails.
MASTER_NUMBERS: dict[str, tuple[int, PeriodUnit]] = {
    "people_mediation": (1, PeriodUnit.months),
    "judicial_confirmation_apply": (30, PeriodUnit.days),
    "judicial_confirmation_accept": (3, PeriodUnit.days),
    "judicial_confirmation_examine": (15, PeriodUnit.days),
    "judicial_confirmation_statutory": (30, PeriodUnit.days),
    "confirmation_objection_party": (15, PeriodUnit.days),
    "confirmation_objection_interested": (6, PeriodUnit.months),
    "enforcement_apply": (2, PeriodUnit.years),
    "petition_register": (15, PeriodUnit.days),
    "petition_notice": (15, PeriodUnit.days),
    "petition_transfer_notice": (15, PeriodUnit.days),
    "petition_objection": (5, PeriodUnit.working_days),
    "petition_handling": (60, PeriodUnit.days),
    "petition_review_request": (30, PeriodUnit.days),
    "petition_review_opinion": (30, PeriodUnit.days),
    "petition_rereview_request": (30, PeriodUnit.days),
    "petition_rereview_opinion": (30, PeriodUnit.days),
    "petition_simple_accept": (3, PeriodUnit.working_days),
    "petition_simple_handle": (10, PeriodUnit.working_days),
    "petition_simple_transfer": (1, PeriodUnit.working_days),
    "labour_mediation": (15, PeriodUnit.days),
    "labour_arbitration_time_bar": (1, PeriodUnit.years),
    "medical_people_mediation": (30, PeriodUnit.working_days),
    "medical_admin_accept": (5, PeriodUnit.working_days),
    "medical_admin_mediation": (30, PeriodUnit.working_days),
    "traffic_police_apply": (10, PeriodUnit.working_days),
    "traffic_switch_to_police": (3, PeriodUnit.working_days),
    "traffic_session_notice": (3, PeriodUnit.working_days),
    "traffic_police_mediation": (10, PeriodUnit.working_days),
    "public_security_first_session": (3, PeriodUnit.working_days),
    "public_security_second_session": (7, PeriodUnit.working_days),
    "public_security_handling": (30, PeriodUnit.days),
    "court_delegated": (30, PeriodUnit.days),
    "court_online_prefiling": (30, PeriodUnit.days),
    "court_entrusted_ordinary": (15, PeriodUnit.days),
    "court_entrusted_simplified": (7, PeriodUnit.days),
    "land_arbitration_time_bar": (2, PeriodUnit.years),
    "land_arbitration_accept": (5, PeriodUnit.working_days),
    "land_arbitration_award": (60, PeriodUnit.days),
    "land_award_sue": (30, PeriodUnit.days),
    "limitation_period": (3, PeriodUnit.years),
    "dispute_acceptance": (3, PeriodUnit.working_days),
    "suspension_review": (30, PeriodUnit.days),
    "traffic_start_review": (30, PeriodUnit.days),
    "callback_visit": (15, PeriodUnit.days),
    "administrative_mediation": (20, PeriodUnit.working_days),
}


def test_table_numbers_match_master_table() -> None:
    """Protects: every period's length and unit equal RULES.md §0 (a typo fails here)."""
    assert {k: (r.length, r.unit) for k, r in PERIODS.items()} == MASTER_NUMBERS


def test_pauses_and_extensions_match_rules_5_6() -> None:
    """Protects: the excluded-time and extension clauses of RULES.md §5.6."""
    pausable = {k: r.pausable_by for k, r in PERIODS.items() if r.pausable_by}
    assert pausable == {
        "petition_rereview_opinion": frozenset({"hearing"}),
        "medical_people_mediation": frozenset({"appraisal"}),
        "medical_admin_mediation": frozenset({"appraisal"}),
        "public_security_handling": frozenset({"appraisal"}),
        "court_online_prefiling": frozenset({"appraisal"}),
        # Not excluded time of §5.6: 第二十三条第三款's other branch. An organ that objected
        # in time owes no notice while the office verifies (petition_flow.on_object).
        "petition_transfer_notice": frozenset({"objection"}),
        "petition_simple_accept": frozenset({"objection"}),
    }
    ext = {k: r.extension for k, r in PERIODS.items() if r.extension}
    assert ext["petition_handling"] == Extension("organ_head", 30, notify_petitioner=True)
    assert ext["judicial_confirmation_examine"] == Extension("court_president", 10)
    assert ext["judicial_confirmation_statutory"] == Extension("court_president", None)
    assert ext["public_security_handling"] == Extension("higher_public_security", 30)
    for rid in ("court_delegated", "court_online_prefiling", "court_entrusted_ordinary"):
        assert ext[rid] == Extension("parties_consent", None)
    assert ext["medical_people_mediation"].approver == "parties_consent"
    for rid in ("labour_mediation", "medical_admin_mediation", "traffic_police_mediation"):
        assert PERIODS[rid].extension is None


def test_only_people_mediation_and_the_objection_right_are_soft() -> None:
    """Protects: "一般在一个月内" is flagged soft; statutory limits are hard.

    Practice defaults that stand in where the law sets no number are soft too.
    """
    statutory = [k for k, r in PERIODS.items() if r.soft and r.status != "PRACTICE"]
    # 信访工作条例 第二十三条第三款: the window to object is the organ's right, not its duty.
    assert sorted(statutory) == ["people_mediation", "petition_objection"]
    assert {k for k, r in PERIODS.items() if r.soft and r.status == "PRACTICE"} == {
        "dispute_acceptance",
        "suspension_review",
        "traffic_start_review",
        "callback_visit",
        "administrative_mediation",
    }


def test_every_rule_cites_a_basis_and_a_status() -> None:
    """Protects: each rule names its legal source (STYLE: a rule cites its article)."""
    for rule in PERIODS.values():
        assert "第" in rule.basis or "《" in rule.basis, rule.id
        assert rule.status in {"V-PRIMARY", "V-SECONDARY", "PRACTICE", "UNVERIFIED"}


# --- month ends (《民法典》第二百零二条) -------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-01-31", "2026-02-28"),  # no 02-31; last day Sat 02-28 is a make-up working day
        ("2025-01-31", "2025-02-28"),  # Fri, working
        ("2024-01-31", "2024-02-29"),  # leap year: Thu 02-29
        ("2025-03-31", "2025-04-30"),  # no 04-31; Wed
        ("2025-08-31", "2025-09-30"),  # no 09-31; Tue
    ],
)
def test_one_month_from_month_end_is_last_day_of_next_month(start: str, expected: str) -> None:
    """Protects: a month period without a corresponding day ends on the month's last day."""
    assert period("people_mediation").due(d(start), CAL).due == d(expected)


# --- roll policy (RULES.md §5.4) ---------------------------------------------------------


def test_rules_5_4_example_literal_rolls_to_make_up_sunday() -> None:
    """Protects: a last day of 2026-01-01 rolls to make-up Sun 01-04 under the literal policy."""
    rule = period("petition_review_request")
    assert rule.due(d("2025-12-02"), CAL).explanation.raw_end == d("2026-01-01")
    assert rule.due(d("2025-12-02"), CAL).due == d("2026-01-04")


def test_rules_5_4_example_weekday_policy_rolls_to_monday() -> None:
    """Protects: the weekday policy rolls 2026-01-01 to Mon 01-05."""
    due = period("petition_review_request").due(d("2025-12-02"), CAL, roll=RollPolicy.weekday)
    assert due.due == d("2026-01-05")


def test_weekday_policy_leaves_a_make_up_working_day_that_is_the_last_day() -> None:
    """Protects: RULES.md §5.4(1): a make-up working Sunday (2026-09-20) or Saturday
    (2026-02-14) that is the last day is not a rest day: it stays, under the weekday policy
    too, which only decides where a roll off a rest day ends (§5.4(2): 2026-01-01 → Mon
    01-05, not the make-up Sunday 01-04)."""
    rule = period("court_entrusted_simplified")
    assert rule.due(d("2026-09-13"), CAL).due == d("2026-09-20")
    assert rule.due(d("2026-09-13"), CAL, roll=RollPolicy.weekday).due == d("2026-09-20")
    notice = period("petition_notice")
    assert notice.due(d("2026-01-30"), CAL, roll=RollPolicy.weekday).due == d("2026-02-14")
    one_day = compute_due(
        d("2025-12-31"), 1, PeriodUnit.days, calendar=CAL, roll=RollPolicy.weekday
    )
    assert one_day.due == d("2026-01-05")


def test_make_up_saturday_last_day_stays_under_literal_policy() -> None:
    """Protects: RULES.md §5.4(1): a make-up working Saturday is not a rest day."""
    assert period("petition_notice").due(d("2026-01-30"), CAL).due == d("2026-02-14")
    assert period("petition_notice").due(d("2025-01-24"), CAL).due == d("2025-02-08")


# --- working days across holidays --------------------------------------------------------


def test_five_working_days_from_national_day_eve_count_make_up_saturday() -> None:
    """Protects: make-up Sat 2026-10-10 counts; 国庆 10-01..07 and Sun 10-11 do not."""
    result = period("petition_objection").due(d("2026-09-30"), CAL)
    assert result.due == d("2026-10-13")
    kinds = [(s.kind, s.day) for s in result.explanation.steps]
    assert ("count", d("2026-10-10")) in kinds
    assert ("skip", d("2026-10-11")) in kinds
    assert sum(1 for k, _ in kinds if k == "skip") == 8


def test_working_day_period_pause_adds_working_days() -> None:
    """Protects: appraisal time (鉴定) excluded from medical mediation adds working days."""
    rule = period("medical_people_mediation")
    # Unpaused due Mon 10-19; 5 more working days: 20, 21, 22, 23, 26.
    assert rule.due(d("2026-09-01"), CAL, paused=5).due == d("2026-10-26")


def test_calendar_period_pause_shifts_raw_end_then_rolls() -> None:
    """Protects: hearing time (听证) shifts a 复核 last day by calendar days, then rolls."""
    rule = period("petition_rereview_opinion")
    # Raw end Sun 04-05; +7 paused -> Sun 04-12 -> Mon 04-13.
    assert rule.due(d("2026-03-06"), CAL, paused=7).due == d("2026-04-13")
    # Online pre-filing: raw end Fri 02-13; +2 paused -> Sun 02-15 (春节) -> Tue 02-24.
    assert period("court_online_prefiling").due(d("2026-01-14"), CAL, paused=2).due == d(
        "2026-02-24"
    )


# --- extensions --------------------------------------------------------------------------


def test_petition_handling_extension_within_cap() -> None:
    """Protects: 信访 handling 60 + 30 日 (条例 第三十四条): Sat 10-31 rolls to Mon 11-02."""
    rule = period("petition_handling")
    check_extension(rule, 30, 0, "organ_head")
    assert rule.due(d("2026-08-02"), CAL, extension=30).due == d("2026-11-02")


def test_judicial_confirmation_extension_of_ten_days() -> None:
    """Protects: 15 + 10 日 with the court president's approval (法释〔2011〕5号 第五条)."""
    rule = period("judicial_confirmation_examine")
    check_extension(rule, 10, 0, "court_president")
    assert rule.due(d("2026-01-30"), CAL, extension=10).due == d("2026-02-24")


def test_public_security_extension_and_land_award_extension() -> None:
    """Protects: +30 日 clauses land on hand-computed dates (Sat 05-30 -> Mon 06-01)."""
    assert period("public_security_handling").due(d("2026-03-31"), CAL, extension=30).due == d(
        "2026-06-01"
    )
    assert period("land_arbitration_award").due(d("2025-12-02"), CAL, extension=30).due == d(
        "2026-03-02"
    )


@pytest.mark.parametrize(
    ("rule_id", "requested", "already", "approver", "field"),
    [
        ("petition_handling", 31, 0, "organ_head", "extension"),
        ("petition_handling", 16, 15, "organ_head", "extension"),
        ("petition_handling", 10, 0, "court_president", "approver"),
        ("judicial_confirmation_examine", 11, 0, "court_president", "extension"),
        ("public_security_handling", 30, 0, "organ_head", "approver"),
        ("labour_mediation", 5, 0, "parties_consent", "extension"),
        ("medical_admin_mediation", 5, 0, "parties_consent", "extension"),
        ("petition_handling", 0, 0, "organ_head", "extension"),
        ("petition_handling", -3, 0, "organ_head", "extension"),
    ],
)
def test_check_extension_refuses(
    rule_id: str, requested: int, already: int, approver: str, field: str
) -> None:
    """Protects: wrong approver, exceeded cap, or no extension clause is refused, with the basis."""
    rule = period(rule_id)
    with pytest.raises(ValidationError) as info:
        check_extension(rule, requested, already, approver)
    assert info.value.field == field
    assert rule_id in str(info.value)
    assert rule.basis in str(info.value)


def test_uncapped_extension_by_consent_is_allowed() -> None:
    """Protects: court mediation may be extended without limit by party consent."""
    check_extension(period("court_delegated"), 365, 100, "parties_consent")
    check_extension(period("judicial_confirmation_statutory"), 90, 0, "court_president")


def test_due_refuses_extension_beyond_cap() -> None:
    """Protects: PeriodRule.due does not compute a date the law does not allow."""
    with pytest.raises(ValidationError):
        period("petition_handling").due(d("2026-08-02"), CAL, extension=31)
    with pytest.raises(ValidationError):
        period("labour_mediation").due(d("2026-06-04"), CAL, extension=1)


# --- table integrity ---------------------------------------------------------------------


def test_unknown_period_id_raises_definition_error_naming_it() -> None:
    """Protects: a misspelled period id fails loudly, naming the id."""
    with pytest.raises(DefinitionError, match="petition_handlng"):
        period("petition_handlng")


def test_periods_table_is_read_only() -> None:
    """Protects: the shared table cannot be changed at run time."""
    with pytest.raises(TypeError):
        PERIODS["x"] = PERIODS["people_mediation"]  # type: ignore[index]


@pytest.mark.parametrize(
    "changes",
    [
        {"id": "Bad-Id"},
        {"length": 0},
        {"status": "VERIFIED"},
        {"pausable_by": frozenset({"lunch"})},
        {"basis": ""},
        {"unit": "days"},
    ],
)
def test_malformed_rule_is_refused_when_built(changes: dict[str, object]) -> None:
    """Protects: a bad PeriodRule raises DefinitionError at build time, not when used."""
    with pytest.raises(DefinitionError):
        replace(PERIODS["people_mediation"], **changes)  # type: ignore[arg-type]


def test_unknown_extension_approver_is_refused() -> None:
    """Protects: an approver outside the vocabulary fails at build time."""
    with pytest.raises(DefinitionError):
        Extension("mayor", 10)
    with pytest.raises(DefinitionError):
        Extension("organ_head", 0)


def test_rule_label_is_chinese() -> None:
    """Protects: display of a period as written in the law (e.g. 30个工作日)."""
    assert period("medical_people_mediation").label == "30个工作日"
    assert period("people_mediation").label == "1个月"
    assert period("limitation_period").label == "3年"
    assert period("petition_handling").label == "60日"


def test_period_reaching_2027_is_provisional_or_refused_by_a_strict_calendar() -> None:
    """Protects: a deadline in a year without an official notice is flagged provisional;
    a strict calendar refuses it, naming the year."""
    due = period("petition_simple_transfer").due(d("2026-12-31"), CAL)
    # 1 working day after 12-31: 2027-01-01 is 元旦 by rule, Sat, Sun -> Mon 01-04.
    assert (due.due, due.estimated) == (d("2027-01-04"), True)
    with pytest.raises(CalendarError) as info:
        period("petition_simple_transfer").due(d("2026-12-31"), OfficialCalendar(strict=True))
    assert info.value.year == 2027


def test_rule_is_a_frozen_value() -> None:
    """Protects: a PeriodRule cannot be mutated in place."""
    rule: PeriodRule = period("people_mediation")
    with pytest.raises(AttributeError):
        rule.length = 2  # type: ignore[misc]
