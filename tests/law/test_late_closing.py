"""A clock whose time ran out stays late (RULES.md §5.6; DESIGN.md: a duty clock can be
breached): the step that ends the matter — a withdrawal, a hand-off — closes it as breached,
not cancelled, and a pause after its last day does not give the time back. The on-time rate
counts them (dispute v4).

Four medical people's mediations accepted Mon 2026-01-05, each 30 working days to Sat
2026-02-14 (a make-up working day); on 03-01/02 each ends otherwise: 0 of 4 on time.
"""

from __future__ import annotations

import datetime as dt

from mediation import Actor
from mediation.model import DeadlineStatus

from ._support import actor, at, clock, engine, register

HOSPITAL = "qt-yt"
PERIOD = "medical_people_mediation"


def _mediating(e, who: str):  # type: ignore[no-untyped-def]
    staff = actor(HOSPITAL)
    case = register(e, HOSPITAL, at("2026-01-05"), category="medical", summary=who)
    e.fire(case.id, "triage", actor=staff, at=at("2026-01-05", 10), track="people")
    e.fire(case.id, "accept", actor=staff, at=at("2026-01-05", 11), other_side_consents=True)
    e.fire(case.id, "inform_rights", actor=staff, at=at("2026-01-05", 12), written=True)
    return e.fire(case.id, "start_mediation", actor=staff, at=at("2026-01-05", 13),
                  mediators=[staff.id])  # fmt: skip


def test_a_late_clock_is_breached_however_the_matter_ends() -> None:
    e = engine()
    staff = actor(HOSPITAL)
    ended = {}
    a = _mediating(e, "A")
    assert clock(a, PERIOD).due.isoformat() == "2026-02-14"
    ended["terminated"] = e.fire(a.id, "terminate", actor=staff, at=at("2026-03-02"),
                                 reason="分歧大", remedies_informed=True)  # fmt: skip
    b = _mediating(e, "B")
    ended["withdrawn"] = e.fire(b.id, "withdraw", actor=staff, at=at("2026-03-02"),
                                reason="申请人撤回")  # fmt: skip
    c = _mediating(e, "C")
    ended["handed off"] = e.fire(c.id, "hand_off", actor=staff, at=at("2026-03-02"),
                                 track="administrative", unit="qt-wjj", reason="转卫生健康局",
                                 consent=True)  # fmt: skip
    d = _mediating(e, "D")
    paused = e.fire(d.id, "suspend", actor=staff, at=at("2026-03-01"), reason="appraisal")
    assert clock(paused, PERIOD).status is DeadlineStatus.running  # time already spent
    ended["paused late"] = e.fire(d.id, "terminate", actor=staff, at=at("2026-03-02"),
                                  reason="分歧大", remedies_informed=True)  # fmt: skip
    for how, case in ended.items():
        late = clock(case, PERIOD)
        assert (how, late.status, late.due.isoformat()) == (
            how,
            DeadlineStatus.breached,
            "2026-02-14",
        )
    figures = e.statistics(actor=Actor.system(), since=dt.date(2026, 2, 1),
                           until=dt.date(2026, 2, 28))  # fmt: skip
    assert figures.on_time.get(PERIOD) == 0.0
    assert figures.duty_clocks["met"] == 0


def test_a_pause_before_the_last_day_still_stops_the_clock() -> None:
    """Suspended for appraisal on 02-10, before the last day: the pause holds (appraisal
    time is excluded, 医疗纠纷预防和处理条例 第三十八条)."""
    e = engine()
    staff = actor(HOSPITAL)
    case = _mediating(e, "E")
    paused = e.fire(case.id, "suspend", actor=staff, at=at("2026-02-10"), reason="appraisal")
    assert clock(paused, PERIOD).status is DeadlineStatus.paused


def test_the_last_day_s_24_00_is_not_yet_overdue_in_the_due_list() -> None:
    """《民法典》第二百零三条第二款: a period ends at 24:00 of its last day. The health
    department's 30 working days from Fri 2026-10-09 run to Thu 11-19; at 11-20 00:00 (that
    24:00) the due list shows the clock as due today, not overdue, as closing it then is on
    time; a second later it is overdue."""
    from mediation.model import CHINA_TZ
    from mediation.rules.warnings import WarningLevel

    health = actor("qt-wjj")
    e = engine()
    case = register(e, "qt-wjj", at("2026-09-30"), category="medical",
                    details={"track": "administrative"})  # fmt: skip
    e.fire(case.id, "triage", actor=health, at=at("2026-09-30", 10), track="administrative")
    e.fire(case.id, "accept", actor=health, at=at("2026-10-09"), other_side_consents=True)
    midnight = dt.datetime(2026, 11, 20, tzinfo=CHINA_TZ)

    def level(when: dt.datetime) -> WarningLevel:
        items = [i for i in e.due(at=when) if i.deadline.period == "medical_admin_mediation"]
        assert len(items) == 1
        return items[0].warning

    assert level(midnight) is not WarningLevel.overdue
    assert level(midnight + dt.timedelta(seconds=1)) is WarningLevel.overdue
