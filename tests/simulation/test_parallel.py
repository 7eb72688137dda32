"""Replications across processes, sweeps, and a Dask cluster give the figures of a plain run."""

from __future__ import annotations

import warnings

import pytest

from mediation.simulation import parse_scenario, run, sweep

from .tiny import small


def _kpis(result: object) -> list[object]:
    return [(r.index, r.seed, r.kpis, r.backlog) for r in result.replications]  # type: ignore[attr-defined]


def test_workers_do_not_change_the_figures() -> None:
    """Three replications on two processes equal the same three in this process."""
    scenario = parse_scenario(small(rate=300.0, days=20))
    here = run(scenario, seed=3, replications=3)
    there = run(scenario, seed=3, replications=3, workers=2)
    assert _kpis(there) == _kpis(here)
    assert len({r.seed for r in here.replications}) == 3


def test_a_sweep_runs_each_value_with_the_same_arrivals() -> None:
    """A sweep over village mediators: one named result per value; the arrivals (common
    random numbers) are the same, the queue waits are not."""
    scenario = parse_scenario(small(rate=900.0, days=30))
    results = sweep(scenario, {"capacity.village.mediators": [1, 4]}, seed=2, replications=1)
    assert [r.name for r in results] == [
        "small[capacity.village.mediators=1]",
        "small[capacity.village.mediators=4]",
    ]
    one, four = (r.replications[0].kpis for r in results)
    assert one["arrivals"] == four["arrivals"]
    assert one["wait_days.village"] > four["wait_days.village"]  # type: ignore[operator]


@pytest.mark.slow
def test_a_local_dask_cluster_gives_the_same_figures() -> None:
    """Two replications on a local Dask cluster (worker processes) equal the plain run."""
    distributed = pytest.importorskip("distributed")
    scenario = parse_scenario(small(rate=300.0, days=20))
    here = run(scenario, seed=4, replications=2)
    with warnings.catch_warnings():
        # The cluster's own start-up chatter is not ours to judge.
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = distributed.Client(cluster)
    try:
        there = run(scenario, seed=4, replications=2, client=client)
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client.close()
            cluster.close()
    assert _kpis(there) == _kpis(here)
