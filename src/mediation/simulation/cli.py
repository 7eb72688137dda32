"""``mediation simulate``: run scenarios, write CSV, JSON and charts, show a summary.

``register(app)`` adds the command to the ``mediation`` command line; the
simulation's dependencies (SimPy, matplotlib, Dask) are imported only when
the command runs, so the core command line stays light.

Exit codes: 0 success; 1 the run finished but the engine refused steps or
the figures do not add up (both reported); 2 a usage or input problem (one
line on stderr, never a traceback).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from mediation.simulation._api import Result

__all__ = ["register"]

_KEYS = (
    ("arrivals", "来案（件）"),
    ("cases", "案件（件，含上报、重复）"),
    ("success_rate", "化解率"),
    ("on_time.duty", "按期率（法定期限）"),
    ("time_to_close.median", "结案用时中位数（日）"),
    ("matters.open", "期末未结（事项）"),
    ("petitions", "信访事项（件，含转送）"),
    ("petitions.repeats", "重复信访（件）"),
    ("baoan", "领导包案（件）"),
    ("one_place_rate", "最多跑一地率"),
)


def _fail(message: str) -> NoReturn:
    line = "; ".join(part.strip() for part in message.splitlines() if part.strip())
    typer.secho(f"error: {line}", err=True, fg="red")
    raise typer.Exit(2)


def _value(text: str) -> Any:
    """A ``--sweep`` value read as TOML (``3``, ``0.5``, ``true``, ``"x"``); else as text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _sweeps(specs: list[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for spec in specs:
        key, sep, values = spec.partition("=")
        if not sep or not key.strip() or not values.strip():
            _fail(f"--sweep {spec!r}: write KEY=VALUE[,VALUE...], e.g. capacity.town.mediators=6,8")
        out[key.strip()] = [_value(v.strip()) for v in values.split(",")]
    return out


def _fmt(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.2f}" if abs(x) >= 1 else f"{x:.3f}"


def _table(results: list[Result]) -> Any:
    from rich.table import Table

    table = Table(title="模拟结果（均值与置信区间）")
    table.add_column("指标")
    summaries = [r.summary() for r in results]
    for r in results:
        table.add_column(r.scenario.title)
    for key, label in _KEYS:
        cells = []
        for summary in summaries:
            iv = summary[key]
            if iv.mean is None:
                cells.append("—")
            elif iv.low is None or iv.high is None:
                cells.append(_fmt(iv.mean))
            else:
                cells.append(f"{_fmt(iv.mean)}  [{_fmt(iv.low)}, {_fmt(iv.high)}]")
        table.add_row(label, *cells)
    return table


def simulate(
    scenario: Annotated[Path, typer.Argument(help="The scenario file (TOML).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for CSV, JSON and charts.")],
    seed: Annotated[int | None, typer.Option(help="Seed (default: the scenario's).")] = None,
    compare: Annotated[
        Path | None, typer.Option(help="A second scenario, run with the same seed, side by side.")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes for the replications.")] = 1,
    replications: Annotated[
        int | None, typer.Option("--replications", "-n", min=1, help="Default: the scenario's.")
    ] = None,
    sweep: Annotated[
        list[str] | None,
        typer.Option(help="KEY=V1,V2: run a variant per value (repeat for a grid)."),
    ] = None,
    database: Annotated[
        Path | None,
        typer.Option(help="Also write the cases of one replication to this new SQLite file."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(help="Run on a Dask cluster: its scheduler address, or 'local'."),
    ] = None,
    charts: Annotated[bool, typer.Option(help="Draw the charts (needs a CJK font).")] = True,
    overwrite: Annotated[
        bool, typer.Option(help="Replace output files from an earlier run.")
    ] = False,
) -> None:
    """Simulate case flow on the real engine (情景模拟): KPIs with confidence intervals,
    CSV/JSON with a stable schema, charts; the same seed gives the same files."""
    from mediation import MediationError

    try:
        code = _simulate(
            scenario,
            out,
            seed,
            compare,
            workers,
            replications,
            sweep or [],
            database,
            dask,
            charts,
            overwrite,
        )
    except (MediationError, OSError) as exc:
        _fail(str(exc) or type(exc).__name__)
    raise typer.Exit(code)


def _simulate(
    scenario_path: Path,
    out: Path,
    seed: int | None,
    compare: Path | None,
    workers: int,
    replications: int | None,
    sweeps: list[str],
    database: Path | None,
    dask: str | None,
    charts: bool,
    overwrite: bool,
) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from mediation.simulation import (
        SimulationError,
        load_scenario,
        render_charts,
        run,
        simulate,
        sweep,
        write_outputs,
    )

    scenarios = [load_scenario(scenario_path)]
    if compare is not None:
        scenarios.append(load_scenario(compare))
        if scenarios[0].name == scenarios[1].name:
            _fail(
                f"--compare: both scenarios are named {scenarios[0].name!r}; give them different names"
            )
    if database is not None and (compare is not None or sweeps):
        _fail("--database writes one scenario's replication: not with --compare or --sweep")
    if not overwrite:
        for name in ("kpis.csv", "summary.csv", "backlog.csv", "results.json"):
            if (out / name).exists():
                _fail(f"{out / name}: exists already (pass --overwrite to replace)")
    grid = _sweeps(sweeps)
    err = Console(stderr=True)
    client = _client(dask) if dask is not None else None
    results = []
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar:
            for scenario in scenarios:
                count = replications or scenario.replications
                reps = bar.add_task(
                    f"{scenario.name}: 重复", total=count * max(1, len(_combos(grid)))
                )
                days = bar.add_task(f"{scenario.name}: 模拟日", total=scenario.total_days)

                def day(done: int, total: int, task: Any = days) -> None:
                    bar.update(task, completed=done, total=total)

                def finished(_rep: Any, task: Any = reps) -> None:
                    bar.advance(task)

                if grid:
                    results += sweep(
                        scenario,
                        grid,
                        seed=seed,
                        replications=count,
                        workers=workers,
                        client=client,
                        done=finished,
                    )
                else:
                    results.append(
                        run(
                            scenario,
                            seed=seed,
                            replications=count,
                            workers=workers,
                            client=client,
                            progress=day,
                            done=finished,
                        )
                    )
        stored = None
        if database is not None:
            stored = simulate(scenarios[0], seed=seed, database=database)
    finally:
        if client is not None:
            cluster = client.cluster if dask == "local" else None
            client.close()
            if cluster is not None:
                cluster.close()
    paths = write_outputs(results, out, overwrite=overwrite)
    if charts:
        try:
            paths += render_charts(results, out, overwrite=overwrite)
        except SimulationError as exc:
            _fail(f"{exc} (the data files are written; --no-charts skips the charts)")
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(_table(results))
    for path in paths:
        console.print(f"wrote {path}")
    problems = [
        f"{r.name} #{rep.index}: {p}"
        for r in results
        for rep in r.replications
        for p in (*rep.problems, *(f"engine refused {k} ×{n}" for k, n in rep.errors.items()))
    ]
    if stored is not None and stored.kpis != results[0].replications[0].kpis:
        problems.append(
            f"{database}: the figures read from the database differ from the run in memory"
        )
    for line in problems:
        typer.secho(f"warning: {line}", err=True, fg="yellow")
    return 1 if problems else 0


def _combos(grid: dict[str, list[Any]]) -> list[int]:
    count = 1
    for values in grid.values():
        count *= len(values)
    return list(range(count))


def _client(address: str) -> Any:
    from mediation.simulation import SimulationError

    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise SimulationError("--dask needs the dask extra: pip install 'mediation[dask]'") from exc
    if address == "local":
        cluster = LocalCluster(processes=True, dashboard_address=None)  # type: ignore[no-untyped-call]
        return Client(cluster)  # type: ignore[no-untyped-call]
    return Client(address)  # type: ignore[no-untyped-call]


def register(app: typer.Typer) -> None:
    """Add the ``simulate`` command to the ``mediation`` command line."""
    app.command("simulate")(simulate)
