"""Properties of petitions, 包案 and 最多跑一地 under random sequences of steps (hypothesis).

- Nothing is accepted after 终结 on the same fingerprint (《信访工作条例》第三十六条第三款).
- A 包案 case never closes without the leader's sign-off, and no case of the matter loses
  its leader through transfers, reviews or hand-offs.
- A one-stop case's places visited is 1 unless a recorded, permitted breach.
- 复查 outside its window is refused citing 第三十五条; inside it, allowed.

Each example ends with every case replaying (``engine.verify``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import Actor, Case, Engine, MediationError, RuleRejectedError
from mediation.rules.baoan import Baoan, BaoanPolicy
from mediation.rules.calendar import is_working_day
from mediation.rules.onestop import DEFAULT_REASONS, OneStop
from mediation.rules.petition import FINAL, details
from mediation.rules.petition_intake import fingerprint

from .conftest import BUREAU, OPINION_DATA, SUMMARY, at, engine, letter, visit

SYSTEM = Actor.system()
UNITS = ["qt-dm", "qt-wx", "qt-zjj", "qt", "qt-tw", "qt-fy", "qt-xfj"]
STATIONED = {"qt-fy", "qt-tw", "qt-ldzc", "qt-xfj"}
CENTRE_UNITS = [*sorted(STATIONED), "qt-dm", "qt-wx", "qt"]
SETTINGS = settings(max_examples=40, deadline=None)

# the same facts and reasons written differently: spaces and punctuation do not count
VARIANTS = st.sampled_from(
    [SUMMARY, SUMMARY.replace("，", " , "), SUMMARY.replace("：", ":  "), " " + SUMMARY + "。"]
)


def _try(e: Engine, case_id: str, name: str, when: dt.datetime, **data: Any) -> Case | None:
    try:
        return e.fire(case_id, name, actor=SYSTEM, at=when, **data)
    except MediationError:
        return None


def _all(e: Engine) -> list[Case]:
    return e.find(workflow="petition", limit=1000, actor=SYSTEM)


def _drive_to_final(e: Engine, case_id: str, day: dt.date) -> None:
    """Accept, answer, 复查, 复核: as far as the rules allow."""
    when = at(day.isoformat(), 9)
    step = dt.timedelta(hours=1)
    current = case_id
    for _ in range(3):
        if _try(e, current, "accept", when) is not None:
            when += step
        case = _try(e, current, "opine", when, **OPINION_DATA)
        when += step
        if case is None or case.state == "final":
            return
        case = _try(e, current, "request_review", when, reason="不服")
        when += step
        if case is None:
            return
        current = case.links[-1].case_id


ops = st.lists(
    st.one_of(
        st.tuples(st.just("petition"), st.sampled_from(UNITS), VARIANTS),
        st.tuples(st.just("final"), st.integers(0, 20)),
        st.tuples(st.just("accept"), st.integers(0, 20)),
        st.tuples(st.just("route"), st.integers(0, 20), st.sampled_from(UNITS)),
    ),
    min_size=2,
    max_size=12,
)


@SETTINGS
@given(ops)
def test_nothing_is_accepted_after_finality_on_the_same_fingerprint(program: list[Any]) -> None:
    """第三十六条第三款: once a matter is final, no later petition with its fingerprint (outside
    the matter's own chain) is ever accepted or routed, whatever the unit or the wording."""
    e = engine()
    first = letter(e, "2026-03-02", unit="qt-dm", actor=SYSTEM)
    _drive_to_final(e, first.id, dt.date(2026, 3, 2))
    assert any(FINAL in c.flags for c in _all(e))  # every example starts from a final matter
    day = dt.date(2026, 3, 3)
    for op in program:
        day += dt.timedelta(days=1)
        cases = _all(e)
        if op[0] == "petition":
            with contextlib.suppress(MediationError):
                letter(e, day.isoformat(), unit=op[1], actor=SYSTEM, summary=op[2])
        elif cases and op[0] == "final":
            _drive_to_final(e, cases[op[1] % len(cases)].id, day)
        elif cases and op[0] == "accept":
            _try(e, cases[op[1] % len(cases)].id, "accept", at(day.isoformat(), 9))
        elif cases and op[0] == "route":
            _try(e, cases[op[1] % len(cases)].id, "route", at(day.isoformat(), 9), to=op[2])
    cases = _all(e)
    finals = [c for c in cases if FINAL in c.flags]
    for c in cases:
        history = [ev.trigger for ev in e.history(c.id, actor=SYSTEM)]
        for f in finals:
            later = c.received_at > f.updated_at  # type: ignore[operator]
            other_matter = details(c).root != details(f).root
            if later and other_matter and fingerprint(c) == fingerprint(f):
                assert not {"accept", "route"} & set(history), (c.code, history)
                assert details(c).bar is not None
        assert e.verify(c.id, actor=SYSTEM).ok


PLAN: dict[str, Any] = {
    "leader": "ld-county",
    "officer": "李华",
    "plan": "化解方案",
    "timetable": [{"due": "2026-12-31", "task": "化解"}],
    "reason": "群众反映强烈",
}
LEADER = Actor("ld-county", {"leader"}, "qt", "周明")

baoan_ops = st.lists(
    st.tuples(
        st.integers(0, 9),  # which open case
        st.integers(0, 12),  # which of its allowed steps (0: the leader's sign-off)
        st.sampled_from(UNITS),  # where a route sends it
        st.booleans(),  # 转送 or 交办
    ),
    min_size=1,
    max_size=16,
)


def _inputs(to: str, assign: bool) -> dict[str, dict[str, Any]]:
    mode = {"mode": "assign", "report_due": "2026-12-01"} if assign else {}
    return {
        "route": {"to": to, **mode},
        "accept": {},
        "opine": OPINION_DATA,
        "request_review": {"reason": "不服"},
        "conclude": {"satisfied": True},
        "withdraw": {"reason": "撤回"},
        "not_accept": {"reason": "不属本机关", "guide_to": "有权处理的机关"},
        "divert": {"route": "litigation", "where": "法院", "told": True},
        "object": {"reason": "不属本机关"},
        "agree_objection": {"note": "核实同意"},
        "reject_objection": {"reason": "属地管辖"},
        "hold_hearing": {},
        "end_hearing": {},
    }


@SETTINGS
@given(baoan_ops)
def test_baoan_never_closes_unsigned_and_never_loses_its_leader(program: list[Any]) -> None:
    """包案: every closing of a case of the matter either hands the assignment on to a case
    that carries it, or comes after the leader's sign-off, or ends the matter as the law or
    the petitioner does (withdrawal, 诉访分离, 不予受理, the 复核 opinion:
    ``BaoanPolicy.sign_off_exempt``); every case of the matter opened after the assignment
    carries the same leader. A random walk over the steps each case allows (as
    ``available_triggers`` tells), with the leader's sign-off now and then."""
    e = engine()
    first = letter(e, "2026-03-02")
    e.fire(first.id, "baoan_assign", actor=LEADER, at=at("2026-03-02", 10), **PLAN)
    when = at("2026-03-03", 9)
    closed = e.definition("petition").is_closed
    for which, choice, to, assign in program:
        when += dt.timedelta(hours=5)
        cases = [c for c in _all(e) if not closed(c.state)]
        if not cases:
            break
        target = cases[which % len(cases)].id
        if choice == 0:
            with contextlib.suppress(MediationError):
                e.fire(target, "baoan_sign_off", actor=LEADER, at=when, result="化解")
            continue
        given_inputs = _inputs(to, assign)
        options = [
            o.trigger
            for o in e.available_triggers(target, SYSTEM, when, inputs=given_inputs)
            if o.allowed and o.trigger in given_inputs
        ]
        if options:
            name = options[choice % len(options)]
            e.fire(target, name, actor=SYSTEM, at=when, **given_inputs[name])
    definition = e.definition("petition")
    for c in _all(e):
        found = c.overlays.get("baoan")
        assert isinstance(found, Baoan), c.code  # every case of the matter carries it
        assert found.leader == "ld-county"
        if definition.is_closed(c.state) and c.state not in BaoanPolicy().sign_off_exempt:
            assert found.signed_off is not None or found.handed_to, (c.code, c.state)
        if found.handed_to:
            nxt = e.get(found.handed_to, actor=SYSTEM)
            carried = nxt.overlays.get("baoan")
            assert isinstance(carried, Baoan)
            assert carried.leader == found.leader
        assert e.verify(c.id, actor=SYSTEM).ok


onestop_ops = st.lists(
    st.tuples(
        st.integers(0, 9),  # which open case
        st.integers(0, 12),  # which of its allowed steps
        st.sampled_from(CENTRE_UNITS),  # where the step sends the party
        st.sampled_from([*DEFAULT_REASONS, "bogus"]),  # a permit's reason
    ),
    min_size=1,
    max_size=12,
)


@SETTINGS
@given(onestop_ops)
def test_places_visited_is_one_unless_a_recorded_permitted_breach(program: list[Any]) -> None:
    """最多跑一地: for a party received at the centre, every place beyond the centre is a
    recorded breach with a permitted reason; none means places visited is 1. A random walk
    over the steps each case allows: routes, diversions and guidance to units inside and
    outside the centre, permits with good and bad reasons."""
    e = engine()
    visit(e, "2026-03-02", "qt-xfj", BUREAU)
    when = at("2026-03-03", 9)
    closed = e.definition("petition").is_closed
    for which, choice, unit, reason in program:
        when += dt.timedelta(hours=3)
        cases = [c for c in _all(e) if not closed(c.state)]
        if not cases:
            break
        target = cases[which % len(cases)].id
        given_inputs: dict[str, dict[str, Any]] = {
            "onestop_permit": {"to": unit, "reason": reason},
            "route": {"to": unit},
            "divert": {"route": "litigation", "where": "有关机关", "told": True, "to_unit": unit},
            "not_accept": {"reason": "不属本机关", "guide_unit": unit},
            "accept": {},
            "object": {"reason": "不属本机关"},
            "agree_objection": {"note": "同意"},
        }
        options = [
            o.trigger
            for o in e.available_triggers(target, SYSTEM, when, inputs=given_inputs)
            if o.allowed and o.trigger in given_inputs
        ]
        if options:
            name = options[choice % len(options)]
            e.fire(target, name, actor=SYSTEM, at=when, **given_inputs[name])
    for c in _all(e):
        state = c.overlays.get("onestop")
        assert isinstance(state, OneStop)
        breaches = state.breaches
        assert state.places_visited == 1 + len({b.place for b in breaches})
        assert all(b.reason in DEFAULT_REASONS for b in breaches)
        used = [p for p in state.permits if p.used]
        assert {b.unit for b in breaches} <= {p.unit for p in used}
        assert all(b.unit not in STATIONED for b in breaches)
        assert e.verify(c.id, actor=SYSTEM).ok


@SETTINGS
@given(
    st.dates(dt.date(2025, 1, 2), dt.date(2026, 10, 31)),
    st.integers(0, 45),
)
def test_review_outside_its_window_is_refused_citing_article_35(
    delivered: dt.date, after: int
) -> None:
    """第三十五条: 30 日 from receipt of the reply (start day excluded, a last day on a rest day
    rolled to the next working day); a request on a later day is refused citing the article."""
    e = engine()
    case = letter(e, delivered.isoformat(), unit="qt-dm", actor=SYSTEM)
    e.fire(case.id, "accept", actor=SYSTEM, at=at(delivered.isoformat(), 10))
    case = e.fire(
        case.id,
        "opine",
        actor=SYSTEM,
        at=at(delivered.isoformat(), 11),
        delivered_on=delivered,
        **OPINION_DATA,
    )
    window = next(d for d in case.deadlines if d.period == "petition_review_request")
    calendar = e.policy.calendar
    plain = delivered + dt.timedelta(days=30)
    assert window.due >= plain
    assert is_working_day(window.due, calendar)
    # rolled forward only across rest days
    day = plain
    while day < window.due:
        assert not is_working_day(day, calendar)
        day += dt.timedelta(days=1)
    asked = delivered + dt.timedelta(days=after)
    request = {"actor": SYSTEM, "at": at(asked.isoformat(), 12), "reason": "不服"}
    if asked > window.due:
        with pytest.raises(RuleRejectedError) as err:
            e.fire(case.id, "request_review", **request)  # type: ignore[arg-type]
        assert "第三十五条" in err.value.basis
    else:
        assert e.fire(case.id, "request_review", **request).state == "review_requested"  # type: ignore[arg-type]
    assert e.verify(case.id, actor=SYSTEM).ok


def _first_working_on_or_after(day: dt.date, calendar: Any) -> dt.date:
    while not is_working_day(day, calendar):
        day += dt.timedelta(days=1)
    return day


def _nth_working_day_after(day: dt.date, n: int, calendar: Any) -> dt.date:
    while n:
        day += dt.timedelta(days=1)
        n -= is_working_day(day, calendar)
    return day


def _due(case: Case, period: str) -> dt.date:
    found = [d for d in case.deadlines if d.period == period and d.status.is_open]
    assert len(found) == 1, (period, case.deadlines)
    return found[0].due


@SETTINGS
@given(
    st.dates(dt.date(2025, 1, 2), dt.date(2026, 9, 15)),
    st.integers(0, 14),  # days from receipt to routing
    st.integers(0, 4),  # working days from routing to acceptance (inside the objection period)
    st.integers(0, 30),  # days of extension asked (0: none)
    st.integers(0, 29),  # days from the petitioner's receipt of the reply to the 复查 request
    st.booleans(),  # 简易办理
)
def test_every_duty_clock_is_exactly_the_statutory_period_never_earlier(
    received: dt.date, routed_after: int, accepted_after: int, extra: int, asked: int, simple: bool
) -> None:
    """Every duty clock of one course, at any date of 2025-2026 (holidays, make-up working days,
    month and year ends): calendar-day periods end on the first working day on or after the
    plain count (start day excluded, 民法典第二百零一至二百零三条 by analogy, RULES.md §5.2),
    working-day periods after exactly n working days; never earlier than the statute, an
    extension never shortens and never passes 30 日.

    Periods: 第二十二条 (15 日), 第二十三条第三款 (15 日; 5 个工作日), 第三十四条 (60 日 +≤30),
    第三十五条 (30 日); 简易办理 1 / 3 / 10 个工作日 (2016 办法)."""
    e = engine()
    cal = e.policy.calendar
    data = {"simple": True} if simple else {}
    case = letter(e, received.isoformat(), actor=SYSTEM, details=data)
    if simple:
        assert _due(case, "petition_simple_transfer") == _nth_working_day_after(received, 1, cal)
    else:
        plain = received + dt.timedelta(days=15)
        assert _due(case, "petition_register") == _first_working_on_or_after(plain, cal)
    routed = received + dt.timedelta(days=routed_after)
    case = e.fire(case.id, "route", actor=SYSTEM, at=at(routed.isoformat(), 10), to="qt-dm")
    town = e.get(case.links[0].case_id, actor=SYSTEM)
    objection = _due(town, "petition_objection")
    assert objection == _nth_working_day_after(routed, 5, cal)
    if simple:
        assert _due(town, "petition_simple_accept") == _nth_working_day_after(routed, 3, cal)
    else:
        notice = _due(town, "petition_transfer_notice")
        assert notice == _first_working_on_or_after(routed + dt.timedelta(days=15), cal)
    accepted = _nth_working_day_after(routed, accepted_after, cal) if accepted_after else routed
    assert accepted <= objection
    town = e.fire(town.id, "accept", actor=SYSTEM, at=at(accepted.isoformat(), 11))
    if simple:
        handle = _due(town, "petition_simple_handle")
        assert handle == _nth_working_day_after(accepted, 10, cal)
        replied_on = handle
    else:
        plain = accepted + dt.timedelta(days=60)
        handle = _due(town, "petition_handling")
        assert handle == _first_working_on_or_after(plain, cal)
        if extra:
            clock = next(d for d in town.deadlines if d.period == "petition_handling")
            town = e.fire(
                town.id,
                "extend_deadline",
                actor=SYSTEM,
                at=at(accepted.isoformat(), 12),
                deadline=clock.id,
                length=extra,
                reason="案情复杂",
                approver="organ_head",
                petitioner_notified=True,
            )
            extended = _due(town, "petition_handling")
            assert extended >= handle
            plain_ext = plain + dt.timedelta(days=extra)
            assert extended == _first_working_on_or_after(plain_ext, cal)
            handle = extended
        replied_on = handle
    town = e.fire(
        town.id,
        "opine",
        actor=SYSTEM,
        at=at(replied_on.isoformat(), 15),
        delivered_on=replied_on,
        **OPINION_DATA,
    )
    window = _due(town, "petition_review_request")
    assert window == _first_working_on_or_after(replied_on + dt.timedelta(days=30), cal)
    request = replied_on + dt.timedelta(days=asked)
    town = e.fire(
        town.id, "request_review", actor=SYSTEM, at=at(request.isoformat(), 16), reason="不服"
    )
    review = e.get(town.links[-1].case_id, actor=SYSTEM)
    assert review.unit == "qt"  # the town government's superior: the county government
    opinion_due = _due(review, "petition_review_opinion")
    assert opinion_due == _first_working_on_or_after(request + dt.timedelta(days=30), cal)
    for c in (case, town, review):
        assert e.verify(c.id, actor=SYSTEM).ok
