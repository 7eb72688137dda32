"""统计: the engine's statistics over a window of days, with the clocks in warning now.

The figures are :meth:`mediation.Engine.statistics` (received by channel and
category, how the cases ended, 化解率, the level that resolved them, on-time
rate of the duty clocks, time to close, the backlog day by day, petitions and
callback satisfaction; definitions in :mod:`mediation.statistics`), computed by
the store in the user's data scope. The clocks in yellow, red or overdue at
this moment come from :meth:`mediation.Engine.due`. This module also shapes
them for the page's charts (inline SVG: bars and the backlog's line).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import attrs

from mediation import Actor, Engine, ValidationError
from mediation.rules.warnings import WarningLevel
from mediation.statistics import Statistics

__all__ = [
    "CAP",
    "HOW_LABELS",
    "Bar",
    "Report",
    "bars",
    "default_window",
    "parse_window",
    "report",
    "sparkline",
]

CAP = 1_000
"""Clocks in warning are counted up to here (shown as "1000+"): enough to see the scale,
and cheap with 100,000 cases."""

HOW_LABELS = {
    "agreement": "达成协议",
    "failed": "调解不成",
    "transferred_out": "移送",
    "handed_off": "移交",
    "withdrawn": "撤回",
    "not_accepted": "不予受理",
    "closed": "结案（未记结果）",
}
"""How a case ended, in Chinese (an unknown word is shown as it is)."""

DUTY_LABELS = {
    "met": "按期完成",
    "breached": "超期完成",
    "overdue": "已超期未完成",
    "pending": "未到期",
}
"""Duty clocks due in the window, by what became of them."""


@attrs.frozen(slots=True)
class Bar:
    """One bar of a chart: a key, its label, its value and its length (0-100)."""

    key: str
    label: str
    value: int
    pct: float


@attrs.frozen(slots=True)
class Report:
    """What the statistics page (and ``GET /api/v1/statistics``) shows.

    Attributes:
        figures: The engine's statistics of the window.
        clocks: Open clocks in scope by warning level now: (level, label, count).
        clocks_capped: The clock counts stopped at :data:`CAP`.
    """

    figures: Statistics
    clocks: tuple[tuple[str, str, int], ...]
    clocks_capped: bool


def default_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """This year to date."""
    return dt.date(today.year, 1, 1), today


def parse_window(since: str | None, until: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The window the query names (``YYYY-MM-DD``), each end defaulting to this year to date.

    Raises:
        ValidationError: a date that does not read, or ``until`` before ``since``.
    """
    first, last = default_window(today)
    out = []
    for name, text, default in (("since", since, first), ("until", until, last)):
        if not text:
            out.append(default)
            continue
        try:
            out.append(dt.date.fromisoformat(text.strip()))
        except ValueError:
            raise ValidationError(name, text, "日期格式应为 年-月-日（如 2026-01-01）") from None
    if out[1] < out[0]:
        raise ValidationError("until", out[1], "截止日期不能早于起始日期")
    return out[0], out[1]


def report(
    engine: Engine,
    actor: Actor,
    now: dt.datetime,
    *,
    since: dt.date,
    until: dt.date,
    within: str | None = None,
) -> Report:
    """The statistics of ``since`` … ``until`` and the clocks in warning now, in ``actor``'s
    scope (within ``within``).

    Raises:
        ValidationError: a bad window or unit.
    """
    figures = engine.statistics(actor=actor, within=within, since=since, until=until, at=now)
    scope = within or actor.unit
    due = engine.due(at=now, warnings=True, within=scope, limit=CAP + 1, actor=actor)
    levels = [WarningLevel.yellow, WarningLevel.red, WarningLevel.overdue]
    clocks = tuple(
        (lv.value, lv.label, sum(1 for i in due[:CAP] if i.warning is lv)) for lv in levels
    )
    return Report(figures, clocks, len(due) > CAP)


def bars(
    values: Mapping[str, int],
    label: Callable[[str], str] | Mapping[str, str] | None = None,
    *,
    keep_zero: bool = False,
) -> list[Bar]:
    """The bars of ``values`` (largest first, zeros left out unless ``keep_zero``)."""

    def name_of(key: str) -> str:
        if isinstance(label, Mapping):
            return str(label.get(key, key))
        return label(key) if label is not None else key

    shown = [(k, v) for k, v in values.items() if v or keep_zero]
    top = max((v for _, v in shown), default=0)
    if not keep_zero:
        shown.sort(key=lambda kv: -kv[1])
    return [Bar(k, name_of(k), v, round(v / top * 100, 1) if top else 0.0) for k, v in shown]


def sparkline(
    points: tuple[tuple[dt.date, int], ...], width: int = 600, height: int = 80
) -> tuple[str, int]:
    """The SVG ``points`` of a line through ``points`` (x: day, y: count), and the highest count."""
    if not points:
        return "", 0
    top = max(n for _, n in points) or 1
    step = width / max(1, len(points) - 1)
    coords = (
        f"{i * step:.1f},{height - n / top * (height - 4) - 2:.1f}"
        for i, (_, n) in enumerate(points)
    )
    return " ".join(coords), max(n for _, n in points)
