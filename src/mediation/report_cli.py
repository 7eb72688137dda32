"""``mediation report``: the periodic figures (日碰头 / 周会商 / 月研判) as text, CSV and a chart.

``register(app)`` adds the command to the ``mediation`` command line::

    mediation report cases.db --month 2026-03 --unit qt-dm [--format text|csv] [--chart out.png]
    mediation report cases.db --month 2026-03 --chart out.svg   # or .pdf
    mediation report cases.db --week 2026-W10      # or any day of the week: --week 2026-03-04
    mediation report cases.db --day 2026-03-04
    mediation report postgresql+psycopg://…/db --month 2026-03

The figures are :meth:`Engine.statistics <mediation.Engine.statistics>` over
the unit's subtree (computed in the database). The chart needs matplotlib
(the ``simulation`` extra) and a CJK font; without matplotlib the chart is
skipped with a note on stderr, everything else is printed.

Exit codes: 0 success; 2 a usage or input problem (one line on stderr).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from mediation._errors import MediationError, ValidationError

if TYPE_CHECKING:
    from mediation.engine import Engine
    from mediation.statistics import Statistics

__all__ = ["REPORT_KINDS", "period_of", "register", "render_chart", "render_csv", "render_text"]

REPORT_KINDS = {"day": "日碰头", "week": "周会商", "month": "月研判"}
"""The meeting each report period serves."""

HOW_LABELS = {
    "agreement": "调解成功（达成协议）",
    "failed": "调解不成",
    "transferred_out": "移送有关机关",
    "handed_off": "移交其他调解渠道",
    "withdrawn": "撤回",
    "not_accepted": "不予受理",
    "closed": "办结（未记录结果）",
}
"""Chinese labels of how cases ended (the workflows' words)."""

CHART_SUFFIXES = (".png", ".svg", ".pdf")
"""The chart's formats, chosen by the file name's suffix (any case)."""

CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC")
"""CJK fonts looked for, in order (as the simulation's charts)."""


def _fail(message: str) -> NoReturn:
    line = "; ".join(part.strip() for part in message.splitlines() if part.strip())
    typer.secho(f"error: {line}", err=True, fg="red")
    raise typer.Exit(2)


def period_of(
    *, month: str | None = None, week: str | None = None, day: str | None = None
) -> tuple[str, dt.date, dt.date]:
    """The report kind and its first and last day, from exactly one of the options.

    Args:
        month: ``YYYY-MM``.
        week: ``YYYY-Www`` (ISO week) or any day of the week (``YYYY-MM-DD``), Monday to Sunday.
        day: ``YYYY-MM-DD``.

    Raises:
        ValidationError: none or several given, or one that does not parse (naming it).
    """
    given = [(k, v) for k, v in (("month", month), ("week", week), ("day", day)) if v is not None]
    if len(given) != 1:
        raise ValidationError("period", None, "give exactly one of --month, --week, --day")
    kind, text = given[0]
    try:
        if kind == "month":
            if not re.fullmatch(r"\d{4}-\d{2}", text):
                raise ValueError(text)
            first = dt.date.fromisoformat(f"{text}-01")
            after = (first + dt.timedelta(days=32)).replace(day=1)
            return kind, first, after - dt.timedelta(days=1)
        if kind == "week":
            found = re.fullmatch(r"(\d{4})-W(\d{2})", text)
            if found:
                first = dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
            else:
                some = dt.date.fromisoformat(text)
                first = some - dt.timedelta(days=some.weekday())
            return kind, first, first + dt.timedelta(days=6)
        the_day = dt.date.fromisoformat(text)
        return kind, the_day, the_day
    except ValueError:
        formats = {"month": "YYYY-MM", "week": "YYYY-Www or YYYY-MM-DD", "day": "YYYY-MM-DD"}
        raise ValidationError(kind, text, f"a {formats[kind]}") from None


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} 日"


def _unit_name(engine: Engine, unit: str | None) -> str:
    org = engine.org
    if unit is None:
        return "全部"
    return org.get(unit).name if org is not None and unit in org else unit


def _period_label(engine: Engine, period: str) -> str:
    try:
        return engine.clocks.rule(period).name_zh
    except MediationError:
        return period


def render_text(engine: Engine, s: Statistics, kind: str) -> str:
    """The report as Chinese text (one figure a line)."""
    policy = engine.policy
    lines = [
        f"{REPORT_KINDS[kind]}统计：{_unit_name(engine, s.unit)}",
        f"期间：{s.since.isoformat()} 至 {s.until.isoformat()}",
        "",
        f"受理案件：{s.received} 件",
    ]
    channels = policy.channels.labels
    lines += [f"  {channels.get(k, k)}：{n}" for k, n in s.by_channel.items() if n]
    lines.append("按类别：")
    for code, n in s.by_category.items():
        if n:
            category = policy.categories.get(code)
            lines.append(f"  {category.label if category is not None else code}：{n}")
    lines += [
        f"期末情况：调解成功 {s.resolved}，调解不成 {s.failed}，移送/移交 {s.transferred}，"
        f"其他办结 {s.other_ended}，在办 {s.open}",
        "",
        f"本期办结：{sum(s.closed_by.values())} 件",
    ]
    lines += [f"  {HOW_LABELS.get(k, k)}：{n}" for k, n in s.closed_by.items()]
    lines.append(f"化解率：{_pct(s.success_rate)}")
    ladder = policy.ladder
    lines.append("调解成功案件化解层级（小事不出村、大事不出镇、矛盾不上交）：")
    for level, n in s.resolved_by_level.items():
        label = ladder.label(level) if level in ladder else level
        lines.append(f"  {label}：{n}（{_pct(s.resolved_share.get(level))}）")
    clocks = s.duty_clocks
    lines += [
        f"法定期限按期率：{_pct(s.on_time_duty)}（按期 {clocks['met']}，超期 {clocks['breached']}，"
        f"逾期未办 {clocks['overdue']}，未到期 {clocks['pending']}）",
    ]
    lines += [f"  {_period_label(engine, p)}：{_pct(r)}" for p, r in s.on_time.items()]
    ttc = s.time_to_close
    lines += [
        f"结案用时：平均 {_days(ttc.mean)}，中位数 {_days(ttc.median)}，"
        f"90% 分位 {_days(ttc.p90)}（{ttc.count} 件）",
        f"期末积案（在办）：{s.backlog} 件",
        f"分流交办：{s.referrals} 次（每件 {s.referrals_per_case or 0:.2f}），"
        f"移交：{s.handoffs} 次（每件 {s.handoffs_per_case or 0:.2f}）",
        f"信访事项：{s.petitions} 件，其中重复信访 {s.repeat_petitions} 件；领导包案 {s.baoan} 件",
        f"最多跑一地：{s.one_place}/{s.onestop_ended}（{_pct(s.one_place_rate)}）",
        f"回访满意度：{_pct(s.satisfaction_rate)}（回访 {sum(s.satisfaction.values())} 次）",
    ]
    from mediation.rules.dispute import Satisfaction

    labels = {m.value: m.label for m in Satisfaction}
    lines += [f"  {labels.get(k, k or '（未记录）')}：{n}" for k, n in s.satisfaction.items() if n]
    return "\n".join(lines) + "\n"


def render_csv(s: Statistics) -> str:
    """The report as CSV: ``metric,key,value`` (an empty value where a rate is undefined)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "key", "value"])
    writer.writerow(["since", "", s.since.isoformat()])
    writer.writerow(["until", "", s.until.isoformat()])
    writer.writerow(["unit", "", s.unit or ""])
    for metric, key, value in s.rows():
        writer.writerow([metric, key, "" if value is None else repr(value)])
    return out.getvalue()


def _cjk_font() -> str:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise ValidationError(
        "chart",
        None,
        'a CJK font for the Chinese labels: install "WenQuanYi Micro Hei" '
        "(apt-get install fonts-wqy-microhei)",
    )


def render_chart(engine: Engine, s: Statistics, kind: str, path: Path) -> bool:
    """Draw the report's chart (backlog, channels, levels, on-time) to ``path``.

    Returns:
        False if matplotlib is not installed (nothing written), else True.

    Raises:
        ValidationError: no CJK font is installed (``chart``).
    """
    try:
        from matplotlib.figure import Figure
    except ModuleNotFoundError:
        return False
    import matplotlib

    font = _cjk_font()
    policy = engine.policy
    with matplotlib.rc_context({"font.family": [font, "sans-serif"], "axes.unicode_minus": False}):
        fig = Figure(figsize=(11, 7.5), dpi=100, layout="constrained")
        axes: Any = fig.subplots(2, 2)
        days = [d for d, _ in s.backlog_daily]
        ax = axes[0][0]
        ax.plot(days, [n for _, n in s.backlog_daily], marker="." if len(days) < 40 else None)
        ax.set_title("在办案件数（每日末）")
        ax.set_xlabel("日期")
        ax.set_ylabel("在办案件（件）")
        ax.tick_params(axis="x", labelrotation=30)
        ax.grid(alpha=0.3)
        ax = axes[0][1]
        channels = [(k, n) for k, n in s.by_channel.items() if n] or [("—", 0)]
        ax.bar([policy.channels.labels.get(k, k) for k, _ in channels], [n for _, n in channels])
        ax.set_title("受理案件（按渠道）")
        ax.set_xlabel("受理渠道")
        ax.set_ylabel("案件（件）")
        ax.tick_params(axis="x", labelrotation=30)
        ax = axes[1][0]
        ladder = policy.ladder
        levels = list(s.resolved_by_level.items()) or [("—", 0)]
        ax.bar([ladder.label(k) if k in ladder else k for k, _ in levels], [n for _, n in levels])
        ax.set_title(f"调解成功层级（化解率 {_pct(s.success_rate)}）")
        ax.set_xlabel("层级")
        ax.set_ylabel("调解成功（件）")
        ax = axes[1][1]
        periods = list(s.on_time.items()) or [("—", None)]
        ax.barh(
            [_period_label(engine, p) for p, _ in periods],
            [0 if r is None else r * 100 for _, r in periods],
        )
        ax.set_xlim(0, 100)
        ax.set_title(f"法定期限按期率（合计 {_pct(s.on_time_duty)}）")
        ax.set_xlabel("按期率（%）")
        ax.set_ylabel("期限")
        fig.suptitle(
            f"{REPORT_KINDS[kind]}：{_unit_name(engine, s.unit)} "
            f"{s.since.isoformat()} 至 {s.until.isoformat()}"
        )
        fig.savefig(path)
    return True


def _check_chart(chart: Path) -> None:
    """Refuse a ``--chart`` that is a directory, lies in a missing directory or has no
    supported suffix (:data:`CHART_SUFFIXES`)."""
    if chart.is_dir():
        _fail(f"--chart {chart}: is a directory, not a file")
    if chart.suffix.lower() not in CHART_SUFFIXES:
        _fail(f"--chart {chart}: the file name must end in .png, .svg or .pdf")
    if not chart.parent.is_dir():
        _fail(f"--chart {chart}: no such directory {chart.parent}")


def _open(db: str) -> Engine:
    """A reading engine on an SQLite file (read-only) or a database URL."""
    from mediation.engine import Engine
    from mediation.model import Actor

    if "://" in db:
        return Engine.from_url(db, reader=Actor.system())
    return Engine.sqlite(db, readonly=True, create=False, reader=Actor.system())


def report(
    db: Annotated[str, typer.Argument(help="SQLite file or database URL.")],
    month: Annotated[str | None, typer.Option(help="月研判: YYYY-MM.")] = None,
    week: Annotated[str | None, typer.Option(help="周会商: YYYY-Www or a day of the week.")] = None,
    day: Annotated[str | None, typer.Option(help="日碰头: YYYY-MM-DD.")] = None,
    unit: Annotated[str | None, typer.Option(help="The unit whose subtree is counted.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or csv.")] = "text",
    chart: Annotated[
        Path | None, typer.Option(help="Write a chart here (.png, .svg or .pdf).")
    ] = None,
) -> None:
    """Print the figures of a day, week or month (日碰头 / 周会商 / 月研判) for a unit."""
    if chart is not None:
        _check_chart(chart)
    try:
        if fmt not in ("text", "csv"):
            raise ValidationError("format", fmt, "text or csv")
        kind, since, until = period_of(month=month, week=week, day=day)
        engine = _open(db)
        try:
            if unit is not None and engine.org is None:
                raise ValidationError("unit", unit, "the database stores no organisation")
            stats = engine.statistics(within=unit, since=since, until=until)
            typer.echo(
                render_text(engine, stats, kind) if fmt == "text" else render_csv(stats), nl=False
            )
            if chart is not None and not render_chart(engine, stats, kind, chart):
                print("note: matplotlib is not installed: chart skipped", file=sys.stderr)
        finally:
            engine.close()
    except (MediationError, OSError) as exc:
        _fail(str(exc) or type(exc).__name__)


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to the ``mediation`` command line."""
    app.command("report")(report)
