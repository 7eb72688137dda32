"""What if 东门镇 had two more mediators? The example county, simulated on the real engine.

Run from the repository root (needs the ``simulation`` extra)::

    .venv/bin/python examples/simulate_county.py [OUT] [--days N] [--replications N] [--workers N]

Both scenarios run with the same seed, so they see the same matters and the same
party behaviour (common random numbers): the differences come from the two
mediators. Writes kpis.csv, summary.csv, backlog.csv, results.json and the
charts into OUT (default ``simulation-out``) and prints the main figures.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from mediation.simulation import Result, load_scenario, render_charts, run, write_outputs

HERE = Path(__file__).resolve().parent

SHOWN = (
    ("arrivals", "来案（件）", "{:,.0f}"),
    ("success_rate", "化解率", "{:.1%}"),
    ("resolved.village", "村级化解占比", "{:.1%}"),
    ("on_time.duty", "按期率（法定期限）", "{:.1%}"),
    ("time_to_close.median", "结案用时中位数（日）", "{:.1f}"),
    ("wait_days.town", "镇级排队（日）", "{:.1f}"),
    ("utilisation.town", "镇级调解员占用率", "{:.1%}"),
    ("matters.open", "期末未结（事项）", "{:,.0f}"),
    ("petitions", "信访案件（件）", "{:,.0f}"),
    ("petitions.repeats", "重复信访（件）", "{:,.0f}"),
    ("baoan", "领导包案（件）", "{:,.0f}"),
    ("one_place_rate", "最多跑一地率", "{:.1%}"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="simulation-out")
    parser.add_argument("--days", type=int, default=None, help="days of arrivals (default 365)")
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    results: list[Result] = []
    for name in ("baseline", "two_more_town_mediators"):
        scenario = load_scenario(HERE / "scenarios" / f"{name}.toml")
        if args.days is not None:
            scenario = scenario.variant({"scenario.days": args.days})
        results.append(
            run(scenario, seed=args.seed, replications=args.replications, workers=args.workers)
        )

    out = Path(args.out)
    paths = write_outputs(results, out, overwrite=True)
    paths += render_charts(results, out, overwrite=True)

    table = Table(title="东门镇增加两名调解员：情景对比（均值）")
    table.add_column("指标")
    for result in results:
        table.add_column(result.scenario.title, justify="right")
    summaries = [r.summary() for r in results]
    for key, label, fmt in SHOWN:
        means = [summary[key].mean for summary in summaries]
        table.add_row(label, *("—" if m is None else fmt.format(m) for m in means))
    Console(width=100).print(table)
    problems = [p for r in results for rep in r.replications for p in rep.problems]
    print("conservation:", problems if problems else "ok")
    for path in paths:
        print("wrote", path)


if __name__ == "__main__":
    main()
