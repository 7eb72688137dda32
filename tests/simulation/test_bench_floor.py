"""The simulation bench's floor (a runner with the engine replaced by a state token)
keeps up with the runner: it runs the example county without an error."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_simulation.py"


def test_the_floor_runs_the_example_county() -> None:
    spec = importlib.util.spec_from_file_location("bench_simulation_under_test", BENCH)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    try:
        spec.loader.exec_module(bench)
        scenario = bench.scenario_for(2_000, days=60)
        stats = bench.floor_runner(
            scenario.variant({"behaviour.dispute.closed.repeat.p": 0.0})
        ).run()
    finally:
        del sys.modules[spec.name]
    assert stats.arrivals > 200
    assert stats.errors == {}
