"""Leaders' reception days (领导接访日) and the leader roster.

County party secretaries and county heads receive visitors about one day a
month, city leaders about one day a quarter, township leaders at any time
(中办、国办转发《关于领导干部定期接待群众来访的意见》, 2009, RULES.md §4.1);
《信访工作条例》第十八条第二款 (定期接待群众来访). A petitioner is booked on a
rostered leader's reception day (step ``book_reception``); the reception held
is recorded (``reception_held``) and counts as the leader's 接访 duty on a case
the leader has under 包案. The roster (:class:`~mediation.rules.baoan.Leader`)
is policy data read from a TOML file (``examples/county/leaders.toml``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from mediation._errors import ValidationError
from mediation.model import Case, evolve
from mediation.rules import deadlines
from mediation.rules.baoan import (
    OVERLAY,
    BaoanPolicy,
    Duty,
    DutyKind,
    Leader,
    assignment,
    roster_problem,
)
from mediation.rules.base import ALLOW, Context, Decision, field, refuse, refuse_input
from mediation.rules.calendar import Calendar, is_working_day
from mediation.rules.clockbook import FixedClock
from mediation.rules.org import OrgTree

__all__ = [
    "RECEPTION",
    "RECEPTION_OVERLAY",
    "BookInputs",
    "Booking",
    "HeldInputs",
    "Reception",
    "book_guard",
    "held_guard",
    "on_book",
    "on_held",
    "reception_days",
    "roster_from_data",
    "roster_from_file",
]

RECEPTION_OVERLAY = "reception"
"""The overlay of a petitioner's bookings on leaders' reception days."""

_RECEPTION_BASIS = (
    "《信访工作条例》第十八条第二款（定期接待群众来访）；"
    "中办、国办转发《关于领导干部定期接待群众来访的意见》(2009)"
)

RECEPTION = FixedClock(
    "leader_reception",
    "领导接访日",
    _RECEPTION_BASIS,
    holder="unit",
    soft=True,
)
"""A petitioner's appointment on a leader's reception day."""


@attrs.frozen(slots=True)
class Booking:
    """A petitioner booked on a leader's reception day."""

    leader: str
    day: dt.date
    booked_at: dt.datetime
    held: bool = False
    note: str = ""


@attrs.frozen(slots=True)
class Reception:
    """The ``reception`` overlay: a case's bookings on leaders' reception days."""

    bookings: tuple[Booking, ...] = ()


@attrs.frozen(slots=True)
class BookInputs:
    """预约领导接访: which leader, which reception day."""

    leader: str = field("接访领导")
    day: dt.date = field("接访日期")


@attrs.frozen(slots=True)
class HeldInputs:
    """领导接访已进行: which leader's reception, and what came of it."""

    leader: str = field("接访领导")
    note: str = field("接访情况", default="")


# -- reception days -----------------------------------------------------------------


def _first_working_on_or_after(day: dt.date, calendar: Calendar) -> dt.date:
    while not is_working_day(day, calendar):
        day += dt.timedelta(days=1)
    return day


def reception_days(
    leader: Leader, start: dt.date, end: dt.date, calendar: Calendar, policy: BaoanPolicy
) -> tuple[dt.date, ...]:
    """The leader's reception days in ``[start, end]``.

    Announced days if the roster lists them; else by level: about one day a
    month for county leaders, one a quarter for city leaders (the first working
    day on or after the policy's day of the month), any working day for
    township leaders (随时). Source: 2009 接访意见 (RULES.md §4.1).

    Raises:
        CalendarError: a day consulted has no calendar data.
    """
    if leader.reception_days:
        return tuple(d for d in sorted(leader.reception_days) if start <= d <= end)
    out: list[dt.date] = []
    if leader.level in policy.reception_monthly or leader.level in policy.reception_quarterly:
        months = range(1, 13) if leader.level in policy.reception_monthly else (1, 4, 7, 10)
        for year in range(start.year, end.year + 1):
            for month in months:
                day = _first_working_on_or_after(
                    dt.date(year, month, min(policy.reception_day, 28)), calendar
                )
                if start <= day <= end:
                    out.append(day)
        return tuple(out)
    day = start
    while day <= end:
        if is_working_day(day, calendar):
            out.append(day)
        day += dt.timedelta(days=1)
    return tuple(out)


def book_guard(case: Case, ctx: Context[BookInputs]) -> Decision:
    """Book a petitioner on a reception day of a rostered leader, not in the past.

    Source: 《信访工作条例》第十八条第二款; 2009 接访意见 (RULES.md §4.1).
    """
    given = ctx.inputs
    policy = ctx.policy.part(BaoanPolicy)
    entry = policy.leader(given.leader)
    if entry is None:
        return refuse_input("book_reception", "leader", given.leader, "不在领导名册中")
    if given.day < ctx.day:
        return refuse_input("book_reception", "day", given.day.isoformat(), "接访日期已过")
    days = reception_days(entry, given.day, given.day, ctx.policy.calendar, policy)
    if given.day not in days:
        return refuse_input(
            "book_reception",
            "day",
            given.day.isoformat(),
            f"{entry.name}当日不接访",
            _RECEPTION_BASIS,
        )
    found = case.overlays.get(RECEPTION_OVERLAY)
    if isinstance(found, Reception) and any(
        b.leader == given.leader and not b.held for b in found.bookings
    ):
        return refuse_input("book_reception", "leader", given.leader, "已预约该领导接访")
    return ALLOW


def on_book(case: Case, ctx: Context[BookInputs]) -> Case:
    """Record the booking and open the appointment's clock on the day."""
    found = case.overlays.get(RECEPTION_OVERLAY)
    state = found if isinstance(found, Reception) else Reception()
    booking = Booking(ctx.inputs.leader, ctx.inputs.day, ctx.at)
    state = evolve(state, bookings=(*state.bookings, booking))
    case = evolve(case, overlays=case.overlays.set(RECEPTION_OVERLAY, state))
    return deadlines.open_fixed(case, ctx, RECEPTION, ctx.inputs.day)


def held_guard(case: Case, ctx: Context[HeldInputs]) -> Decision:
    """A reception is recorded against an open booking with that leader, on or after its day."""
    found = case.overlays.get(RECEPTION_OVERLAY)
    booking = None
    if isinstance(found, Reception):
        booking = next(
            (b for b in found.bookings if b.leader == ctx.inputs.leader and not b.held), None
        )
    if booking is None:
        return refuse_input("reception_held", "leader", ctx.inputs.leader, "没有该领导的接访预约")
    if ctx.day < booking.day:
        return refuse("reception_held", "未到预约的接访日", _RECEPTION_BASIS)
    return ALLOW


def on_held(case: Case, ctx: Context[HeldInputs]) -> Case:
    """Mark the booking held; its clock is met (a 包案 case also records the duty 接访)."""
    found = case.overlays.get(RECEPTION_OVERLAY)
    assert isinstance(found, Reception)
    leader = ctx.inputs.leader
    done = False
    bookings = []
    for b in found.bookings:
        if not done and b.leader == leader and not b.held:
            b = evolve(b, held=True, note=ctx.inputs.note.strip())
            done = True
        bookings.append(b)
    case = evolve(case, overlays=case.overlays.set(RECEPTION_OVERLAY, Reception(tuple(bookings))))
    case = deadlines.close(case, ctx, (RECEPTION,))
    state = assignment(case)
    if state is not None and state.signed_off is None and state.leader == leader:
        duty = Duty(DutyKind.reception, ctx.at, ctx.actor.id, ctx.inputs.note.strip())
        case = evolve(
            case, overlays=case.overlays.set(OVERLAY, evolve(state, duties=(*state.duties, duty)))
        )
    return case


# -- the roster file -----------------------------------------------------------------

_LEADER_FIELDS = {a.name for a in attrs.fields(Leader)}


def roster_from_data(data: Any) -> tuple[Leader, ...]:
    """Leaders from parsed TOML or JSON: ``{"leaders": [...]}`` or a list of tables.

    Raises:
        ValidationError: naming the entry (``leaders[2].level``) and what is wrong.
    """
    if isinstance(data, Mapping) and "leaders" in data:
        data = data["leaders"]
    if not isinstance(data, list) or not data:
        raise ValidationError("leaders", data, "a non-empty list of leaders")
    out: list[Leader] = []
    for i, item in enumerate(data):
        where = f"leaders[{i}]"
        if not isinstance(item, Mapping):
            raise ValidationError(where, item, "a table of leader fields")
        for key in item:
            if key not in _LEADER_FIELDS:
                raise ValidationError(f"{where}.{key}", item[key], "unknown field")
        for key in ("id", "name", "title", "unit", "level"):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ValidationError(f"{where}.{key}", value, "required text")
        days = item.get("reception_days", [])
        if not isinstance(days, list) or not all(
            isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in days
        ):
            raise ValidationError(f"{where}.reception_days", days, "a list of dates")
        out.append(
            Leader(
                item["id"],
                item["name"],
                item["title"],
                item["unit"],
                item["level"],
                tuple(days),
            )
        )
    ids = [x.id for x in out]
    if len(set(ids)) != len(ids):
        raise ValidationError("leaders", ids, "leader ids must be distinct")
    return tuple(out)


def roster_from_file(path: str | Path, org: OrgTree | None = None) -> tuple[Leader, ...]:
    """The leader roster of a TOML file (e.g. ``examples/county/leaders.toml``).

    With ``org``, every leader's unit must be one of its units and the level its level.

    Raises:
        ValidationError: unreadable, not TOML, or not a valid roster.
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValidationError("leaders", str(p), f"cannot be read: {exc}") from exc
    roster = roster_from_data(data)
    problem = None if org is None else roster_problem(roster, org)
    if problem is not None:
        where, value, why = problem
        raise ValidationError(f"leaders{where}", value, why)
    return roster
