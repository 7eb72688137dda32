"""Running a scenario: one replication, many (across processes or a Dask cluster), sweeps."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from mediation.simulation._errors import SimulationError
from mediation.simulation._kpis import Value, case_figures, conservation, schema
from mediation.simulation._runner import Progress, Runner, gc_frozen, replication_seed
from mediation.simulation._scenario import Scenario, parse_scenario
from mediation.simulation._stats import Interval, summarize

__all__ = ["Replication", "Result", "run", "simulate", "sweep"]


@attrs.frozen(slots=True)
class Replication:
    """The figures of one replication.

    Attributes:
        scenario: The scenario's name.
        index: Replication number (0, 1, 2...).
        seed: The seed it ran with (derived from the run's seed and ``index``).
        kpis: The KPIs, in schema order (see :mod:`mediation.simulation._kpis`).
        backlog: Cases open at the end of each simulated day.
        errors: Steps the engine refused, by ``trigger: error: reason``.
        problems: What did not add up (conservation); empty when all is well.
    """

    scenario: str
    index: int
    seed: int
    kpis: Mapping[str, Value]
    backlog: tuple[int, ...]
    errors: Mapping[str, int] = attrs.field(factory=dict)
    problems: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Result:
    """The replications of one scenario and their summary.

    Attributes:
        scenario: The scenario.
        seed: The run's seed.
        replications: One per replication, in order.
    """

    scenario: Scenario
    seed: int
    replications: tuple[Replication, ...]

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    @property
    def keys(self) -> list[str]:
        """The KPI keys, in output order."""
        return schema(self.scenario)

    def summary(self) -> dict[str, Interval]:
        """Mean and confidence interval of each KPI across the replications."""
        return summarize((r.kpis for r in self.replications), self.keys, self.scenario.confidence)


def simulate(
    scenario: Scenario,
    *,
    seed: int | None = None,
    replication: int = 0,
    database: str | Path | None = None,
    progress: Progress | None = None,
    batch_days: int | None = None,
) -> Replication:
    """Run one replication of ``scenario`` through the real engine.

    Args:
        scenario: The scenario.
        seed: The run's seed (the scenario's if omitted); the replication's own
            seed is derived from it and ``replication``.
        replication: Which replication this is.
        database: Write the cases to a new SQLite file (with the organisation
            stored in it) instead of memory; any engine opens it.
        progress: Called with (days done, days in all) after each simulated day.
        batch_days: Simulated days per transaction (``engine.batch()``); default 0,
            every step its own transaction.

    Raises:
        ValidationError: ``database`` exists already.
    """
    base = scenario.seed if seed is None else seed
    rep_seed = replication_seed(base, replication)
    # Every step commits on its own by default. In memory a batch only adds its
    # rollback snapshot; on SQLite one transaction a day would be faster, but a
    # batch that flushes part-way (an intake looking up related cases does)
    # then loads cases stale (reported; pass batch_days=1 once that is fixed).
    days = 0 if batch_days is None else batch_days
    with gc_frozen():
        runner = Runner(
            scenario,
            rep_seed,
            database=database,
            progress=progress,
            batch_days=days,
            freeze_gc=True,
        )
        try:
            stats = runner.run()
            kpis, backlog = case_figures(runner.engine, scenario, stats)
        finally:
            runner.engine.close()
            del runner  # frees the run's cases by reference counting before unfreezing
    return Replication(
        scenario=scenario.name,
        index=replication,
        seed=rep_seed,
        kpis=kpis,
        backlog=tuple(backlog),
        errors=stats.errors,
        problems=tuple(conservation(kpis, backlog, stats)),
    )


def portable(scenario: Scenario) -> dict[str, Any]:
    """The scenario's document with its organisation inline (no file to find on a worker)."""
    data = dict(scenario.source)
    head = dict(data.get("scenario", {}))
    head.pop("org", None)
    if "leaders" in head:
        head["leaders"] = str(Path(scenario.base) / head["leaders"])
    head["name"] = scenario.name
    data["scenario"] = head
    data["units"] = [
        {
            key: sorted(value) if isinstance(value, frozenset) else value
            for key, value in attrs.asdict(unit, recurse=False).items()
            if value is not None
        }
        for unit in scenario.units
    ]
    return data


def _task(source: Mapping[str, Any], seed: int, index: int) -> Replication:
    """One replication in a worker process (top level, so it pickles by reference)."""
    return simulate(parse_scenario(source), seed=seed, replication=index)


Done = Callable[[Replication], None]
"""Called as each replication finishes."""


def run(
    scenario: Scenario,
    *,
    seed: int | None = None,
    replications: int | None = None,
    workers: int = 1,
    client: Any = None,
    progress: Progress | None = None,
    done: Done | None = None,
) -> Result:
    """Run several replications of ``scenario`` (the same figures whatever the workers).

    Args:
        scenario: The scenario.
        seed: The run's seed (the scenario's if omitted).
        replications: How many (the scenario's if omitted).
        workers: Processes to spread them over (1: in this process).
        client: A ``dask.distributed.Client``: run them on its cluster instead
            (extra ``mediation[dask]``).
        progress: Per simulated day, when running in this process.
        done: Called as each replication finishes.

    Raises:
        SimulationError: a replication failed in a worker.
    """
    base = scenario.seed if seed is None else seed
    count = scenario.replications if replications is None else replications
    if count < 1 or workers < 1:
        raise SimulationError("replications and workers must be at least 1")
    indices = list(range(count))
    results: list[Replication]
    if client is not None:
        results = _on_dask(client, portable(scenario), base, indices, done)
    elif workers > 1 and count > 1:
        results = _on_processes(portable(scenario), base, indices, workers, done)
    else:
        results = []
        for i in indices:
            rep = simulate(scenario, seed=base, replication=i, progress=progress)
            results.append(rep)
            if done is not None:
                done(rep)
    return Result(scenario, base, tuple(sorted(results, key=lambda r: r.index)))


def _on_processes(
    source: Mapping[str, Any], seed: int, indices: list[int], workers: int, done: Done | None
) -> list[Replication]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # "spawn": a clean interpreter per worker (no state inherited from a threaded parent).
    context = multiprocessing.get_context("spawn")
    out = []
    with ProcessPoolExecutor(max_workers=min(workers, len(indices)), mp_context=context) as pool:
        futures = [pool.submit(_task, source, seed, i) for i in indices]
        for future in as_completed(futures):
            try:
                rep = future.result()
            except Exception as exc:
                raise SimulationError(f"a replication failed in a worker: {exc}") from exc
            out.append(rep)
            if done is not None:
                done(rep)
    return out


def _on_dask(
    client: Any, source: Mapping[str, Any], seed: int, indices: list[int], done: Done | None
) -> list[Replication]:
    try:
        from distributed import as_completed as completed
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise SimulationError(
            "running on a Dask cluster needs the dask extra: pip install 'mediation[dask]'"
        ) from exc
    futures = [client.submit(_task, source, seed, i, pure=False) for i in indices]
    out = []
    for future in completed(futures):  # type: ignore[no-untyped-call]
        try:
            rep = future.result()
        except Exception as exc:
            raise SimulationError(f"a replication failed on the cluster: {exc}") from exc
        out.append(rep)
        if done is not None:
            done(rep)
    return out


def sweep(
    scenario: Scenario,
    changes: Mapping[str, Sequence[Any]],
    *,
    seed: int | None = None,
    replications: int | None = None,
    workers: int = 1,
    client: Any = None,
    done: Done | None = None,
) -> list[Result]:
    """Run every combination of the values in ``changes`` (dotted scenario keys).

    Each variant is named ``<name>[key=value,...]`` and runs with the same
    seed, so the variants see the same arrivals (common random numbers).

    Example: ``sweep(s, {"capacity.units.qt-dm-tw.mediators": [4, 6]})``.

    Raises:
        ValidationError: a variant is not a valid scenario (naming the key).
    """
    keys = list(changes)
    out = []
    for values in itertools.product(*(changes[k] for k in keys)):
        label = ",".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))
        variant = scenario.variant(dict(zip(keys, values, strict=True)))
        variant = attrs.evolve(variant, name=f"{scenario.name}[{label}]")
        out.append(
            run(
                variant,
                seed=seed,
                replications=replications,
                workers=workers,
                client=client,
                done=done,
            )
        )
    return out
