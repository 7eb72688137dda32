"""Charts of a run (matplotlib, Chinese labels): backlog, funnel by level, breaches, comparison.

matplotlib is imported here only, when charts are drawn (extra
``mediation[simulation]``). The labels are Chinese, so a CJK font must be
installed: :func:`cjk_font` finds one through ``matplotlib.font_manager`` and
raises :class:`SimulationError` naming the font to install when none is, and
a chart that would still draw a glyph as an empty box is refused the same
way — as the PDF renderer does.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from mediation import ClockKind
from mediation.simulation._api import Result
from mediation.simulation._errors import SimulationError
from mediation.simulation._kpis import levels_of

__all__ = ["CHART_FILES", "CJK_FONTS", "cjk_font", "draw_charts", "render_charts"]

CJK_FONTS = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Sarasa Gothic SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
"""CJK fonts looked for, in order."""

FONT_HINT = (
    'install the CJK font "WenQuanYi Micro Hei" (Debian/Ubuntu: apt-get install '
    'fonts-wqy-microhei) or any font covering CJK such as "Noto Sans CJK SC"'
)

CHART_FILES = ("backlog.png", "funnel.png", "breaches.png", "compare.png")
"""The charts :func:`render_charts` may write (``compare.png`` with two scenarios only)."""

STAGE_LABELS = {
    "cases": "进入本级",
    "accepted": "受理",
    "mediated": "调解",
    "agreed": "达成协议",
    "failed": "调解不成",
    "withdrawn": "撤回",
    "refused": "不予受理",
    "transferred": "移送",
    "referred_up": "报请上级",
    "open": "未结",
}
"""Chinese labels of the funnel stages."""

_FUNNEL = ("cases", "mediated", "agreed", "failed", "referred_up")


def cjk_font() -> str:
    """The name of an installed font that covers Chinese.

    Raises:
        SimulationError: none is installed (naming the font to install).
    """
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise SimulationError(f"charts have Chinese labels but no CJK font is installed: {FONT_HINT}")


@contextmanager
def _no_missing_glyphs() -> Iterator[None]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if missing:
        raise SimulationError(f"a chart would print empty boxes ({missing[0]}): {FONT_HINT}")
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _kpi(result: Result, key: str) -> float:
    values = [float(v) for r in result.replications if (v := r.kpis.get(key)) is not None]
    return _mean(values)


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _style(font: str) -> dict[str, Any]:
    return {"font.family": [font, "sans-serif"], "axes.unicode_minus": False}


def _backlog(ax: Any, results: Sequence[Result]) -> None:
    for result in results:
        start = result.scenario.start
        days = result.scenario.total_days
        x = [start + dt.timedelta(days=d) for d in range(days)]
        series = [rep.backlog for rep in result.replications]
        mean = [_mean([s[d] for s in series]) for d in range(days)]
        (line,) = ax.plot(x, mean, label=result.scenario.title, linewidth=1.4)
        if len(series) > 1:
            low = [min(s[d] for s in series) for d in range(days)]
            high = [max(s[d] for s in series) for d in range(days)]
            ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
    from matplotlib import dates

    locator = dates.AutoDateLocator(maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.set_xlabel("日期")
    ax.set_ylabel("在办（未结）案件数（件）")
    ax.set_title("在办案件数走势（各次重复的均值，阴影为最小至最大）")
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)


def _funnel(ax: Any, result: Result) -> None:
    levels = levels_of(result.scenario)
    ladder = result.scenario.policy.ladder
    width = 0.8 / len(_FUNNEL)
    for i, stage in enumerate(_FUNNEL):
        values = [_kpi(result, f"funnel.{lv}.{stage}") for lv in levels]
        xs = [j + (i - (len(_FUNNEL) - 1) / 2) * width for j in range(len(levels))]
        ax.bar(xs, values, width, label=STAGE_LABELS[stage])
    ax.set_xticks(range(len(levels)), [ladder.label(lv) for lv in levels])
    ax.set_xlabel("层级")
    ax.set_ylabel("案件数（件）")
    ax.set_title(f"分级化解漏斗：{result.scenario.title}")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)


def _breaches(ax: Any, results: Sequence[Result]) -> None:
    kinds = list(ClockKind)
    bars = [
        (r, key, label)
        for r in results
        for key, label in (("breaches", "超期完成"), ("overdue_open", "期末逾期未结"))
    ]
    width = 0.8 / len(bars)
    for i, (result, key, label) in enumerate(bars):
        values = [_kpi(result, f"{key}.{k.value}") for k in kinds]
        xs = [j + (i - (len(bars) - 1) / 2) * width for j in range(len(kinds))]
        name = f"{result.scenario.title}：{label}" if len(results) > 1 else label
        ax.bar(xs, values, width, label=name)
    ax.set_xticks(range(len(kinds)), [k.label for k in kinds])
    ax.set_xlabel("期限类型")
    ax.set_ylabel("期限数（个）")
    ax.set_title("超期情况（按期限类型）")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)


def _compare_bars(
    ax: Any, results: Sequence[Result], keys: Sequence[tuple[str, str]], ylabel: str, title: str
) -> None:
    width = 0.8 / len(results)
    for i, result in enumerate(results):
        summary = result.summary()
        means, errors = [], []
        for key, _ in keys:
            iv = summary[key]
            means.append(iv.mean or 0.0)
            half = (iv.high - iv.mean) if iv.high is not None and iv.mean is not None else 0.0
            errors.append(half)
        xs = [j + (i - (len(results) - 1) / 2) * width for j in range(len(keys))]
        ax.bar(xs, means, width, yerr=errors, capsize=3, label=result.scenario.title)
    ax.set_xticks(range(len(keys)), [label for _, label in keys], rotation=25, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)


def draw_charts(results: Sequence[Result]) -> dict[str, Any]:
    """The charts of ``results`` as matplotlib figures, by file name (nothing is written).

    ``backlog.png`` (backlog over time), ``funnel.png`` (resolution funnel by
    level, one panel per scenario), ``breaches.png`` (by clock kind) and, for
    exactly two scenarios, ``compare.png`` (side by side, with confidence intervals).

    Raises:
        SimulationError: matplotlib or a CJK font is missing.
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise SimulationError(
            "charts need matplotlib: pip install 'mediation[simulation]'"
        ) from exc
    font = cjk_font()
    drawn: dict[str, Any] = {}
    with matplotlib.rc_context(cast(Any, _style(font))):
        fig = _figure(9, 4.5)
        _backlog(fig.add_subplot(), results)
        drawn["backlog.png"] = fig
        fig = _figure(5.5 * len(results), 4.5)
        for i, result in enumerate(results):
            _funnel(fig.add_subplot(1, len(results), i + 1), result)
        drawn["funnel.png"] = fig
        fig = _figure(8, 4.5)
        _breaches(fig.add_subplot(), results)
        drawn["breaches.png"] = fig
        if len(results) == 2:
            drawn["compare.png"] = _compare(results)
    return drawn


def _compare(results: Sequence[Result]) -> Any:
    levels = levels_of(results[0].scenario)
    ladder = results[0].scenario.policy.ladder
    fig = _figure(15, 4.8)
    _backlog(fig.add_subplot(1, 3, 1), results)
    rates = [("success_rate", "化解率"), ("on_time.duty", "按期率（法定期限）")]
    rates += [(f"utilisation.{lv}", f"{ladder.label(lv)}调解员占用率") for lv in levels]
    _compare_bars(fig.add_subplot(1, 3, 2), results, rates, "比率", "主要比率（误差线为置信区间）")
    days = [("time_to_close.median", "结案用时中位数")]
    days += [(f"wait_days.{lv}", f"{ladder.label(lv)}排队") for lv in levels]
    _compare_bars(fig.add_subplot(1, 3, 3), results, days, "天数（日）", "用时（误差线为置信区间）")
    fig.suptitle(f"情景对比：{results[0].scenario.title} 与 {results[1].scenario.title}")
    return fig


def render_charts(
    results: Sequence[Result], out: str | Path, *, overwrite: bool = False
) -> list[Path]:
    """Draw the charts of ``results`` (see :func:`draw_charts`) into ``out`` as PNG files.

    Raises:
        SimulationError: matplotlib or a CJK font is missing, a glyph would be
            drawn as an empty box, or a file exists and ``overwrite`` is false.
    """
    import matplotlib

    font = cjk_font()
    folder = Path(out)
    names = list(CHART_FILES if len(results) == 2 else CHART_FILES[:3])
    paths = [folder / n for n in names]
    if not overwrite:
        existing = [str(p) for p in paths if p.exists()]
        if existing:
            raise SimulationError(
                f"{', '.join(existing)}: exists already (pass overwrite=True / --overwrite)"
            )
    with _no_missing_glyphs():
        figures = draw_charts(results)
        folder.mkdir(parents=True, exist_ok=True)
        with matplotlib.rc_context(cast(Any, _style(font))):
            for path in paths:
                figures[path.name].savefig(path, metadata={"Software": None})
    return paths
