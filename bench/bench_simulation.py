"""Benchmark of the simulation: a county-year through the real engine, its scaling, its floor.

Run from the repository root (needs the ``simulation`` extra)::

    .venv/bin/python bench/bench_simulation.py [--quick] [--million] [--sizes N,N,...] [--profile]

Prints medians and ratios, measured in the same run:
  (a) a county-year of 50,000 matters through the real engine, in memory: wall time of
      ``simulate`` (run and KPIs) and the peak memory of the process (each repeat in a
      fresh child process, so the peak is the run's own);
  (b) the cost per case at 10k, 100k (and with --million 1M; or --sizes) matters a year,
      arrival rates and mediator counts scaled together, to show how cost grows (the
      in-memory store keeps every case and event: about 18 KB a case, so 1M needs some
      18 GB of memory);
  (c) the floor: the same arrivals and the same behaviour table through the same SimPy
      runner with the engine replaced by a plain state token that only follows the
      workflow graph (no rules, no clocks, no store; disputes only: the petition
      table's conditions read rules off the case); the engine/floor ratio;
  (d) SimPy's own share: a timeout in SimPy vs a push and pop on a plain heap (a
      hand-written loop's cost), times the events of a county-year;
  (e) the same 5,000-matter run on an SQLite file (a transaction per step) vs in memory;
  (f) with --profile: where the time goes inside ``mediation`` (cProfile, top functions).
"""

from __future__ import annotations

import cProfile
import heapq
import io
import json
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "examples" / "scenarios" / "baseline.toml"
BASE_RATE = 15_200  # matters a year in the baseline scenario
QUICK = "--quick" in sys.argv
REPEATS = 1 if QUICK else 3


def scenario_for(matters: int, days: int = 365) -> Any:
    from mediation.simulation import load_scenario

    scale = matters / BASE_RATE
    return load_scenario(BASELINE).variant(
        {
            "scenario.arrival_scale": scale,
            "scenario.capacity_scale": scale,
            "scenario.days": days,
        }
    )


# -- child processes: one measurement each, so the peak memory is the run's own ----------


def child(kind: str, matters: int) -> None:
    """Run one measurement and print it as JSON (called in a fresh process)."""
    from mediation.simulation import simulate

    scenario = scenario_for(matters)
    began = time.perf_counter()
    if kind == "engine":
        rep = simulate(scenario, seed=1)
        cases = int(rep.kpis["cases"] or 0)
        problems = list(rep.problems) + list(rep.errors)
    elif kind == "floor":
        # The petition table's conditions read rules off the case (包案 candidates, the
        # one-stop record); a plain token has none, so the floor runs the disputes alone
        # (repeat petitions are some 400 of a county-year's 51,000 cases).
        runner = floor_runner(scenario.variant({"behaviour.dispute.closed.repeat.p": 0.0}))
        stats = runner.run()
        cases = stats.arrivals + sum(stats.spawned.values())
        problems = list(stats.errors)
    else:
        with tempfile.TemporaryDirectory() as folder:
            rep = simulate(scenario, seed=1, database=Path(folder) / "run.db")
            cases = int(rep.kpis["cases"] or 0)
            problems = list(rep.problems) + list(rep.errors)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "cases": cases, "peak": peak, "problems": problems}))


def measure(kind: str, matters: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(matters)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def median_of(kind: str, matters: int, repeats: int = REPEATS) -> dict[str, Any]:
    runs = [measure(kind, matters) for _ in range(repeats)]
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cases": runs[0]["cases"],
        "peak": max(r["peak"] for r in runs),
        "problems": sorted({p for r in runs for p in r["problems"]}),
    }


# -- the floor: the same runner, the engine replaced by a token on the workflow graph -----


def floor_runner(scenario: Any) -> Any:
    """A runner whose engine calls only move a token along the workflow graph."""
    import attrs

    from mediation import Engine
    from mediation.simulation._runner import Runner

    engine = Engine.in_memory()
    graphs = {
        name: {
            (source.value, t.trigger.value): t.dest.value
            for t in engine.definition(name).transitions
            for source in t.source
        }
        for name in scenario.behaviours
    }

    @attrs.define
    class Token:
        """What the behaviour tables read of a case, with no rule behind it."""

        id: str
        state: str
        unit: str
        channel: str
        workflow: str
        kind: str
        received_at: Any = None
        level: str | None = None
        principals: tuple[Any, ...] = ()
        links: tuple[Any, ...] = ()
        flags: frozenset[str] = frozenset()
        overlays: dict[str, Any] = attrs.field(factory=dict)
        deadlines: tuple[Any, ...] = ()
        details: Any = None
        workflow_version: int = 0
        """No workflow's version: the rules' version gates (``v12(case)``) read as none."""

    class Floor(Runner):
        def _intake(
            self,
            matter: Any,
            unit: str,
            channel: str,
            flags: Any,
            workflow: str,
            links: Any = (),
        ) -> Any:
            self._next_id += 1
            definition = engine.definition(workflow)
            return Token(
                f"c{self._next_id:07d}",
                definition.initial.value,
                unit,
                channel,
                workflow,
                definition.kind,
                self.timeline.at(self._now()),
            )

        def _fire(self, case: Any, trigger: str, actor: Any, ctx: Any, inputs: Any) -> Any:
            # a step outside the graph leaves the state where it is
            case.state = graphs[case.workflow].get((case.state, trigger), case.state)
            case.level = inputs.get("level", case.level)
            case.unit = inputs.get("unit", case.unit)
            return case

    return Floor(scenario, 1)


def simpy_vs_heap(n: int = 200_000) -> tuple[float, float]:
    """Seconds per event: a SimPy timeout resumed in a process vs a heap push and pop."""
    import simpy

    env = simpy.Environment()

    def proc(env: Any) -> Any:
        for _ in range(10):
            yield env.timeout(1)

    for _ in range(n // 10):
        env.process(proc(env))
    began = time.perf_counter()
    env.run()
    simpy_cost = (time.perf_counter() - began) / n
    heap: list[tuple[int, int]] = []
    began = time.perf_counter()
    for i in range(n):
        heapq.heappush(heap, (i % 977, i))
    while heap:
        heapq.heappop(heap)
    return simpy_cost, (time.perf_counter() - began) / n


def profile(matters: int = 5_000) -> str:
    """The top functions inside mediation for a run of ``matters`` a year."""
    from mediation.simulation import simulate

    scenario = scenario_for(matters)
    prof = cProfile.Profile()
    prof.enable()
    simulate(scenario, seed=1)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    areas: dict[str, float] = {}
    for (path, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "/mediation/simulation/" in path:
            area = "mediation.simulation (runner, KPIs)"
        elif "/mediation/" in path:
            area = "mediation." + path.split("/mediation/", 1)[1].split("/")[0].removesuffix(".py")
        elif "simpy" in path:
            area = "simpy"
        elif "transitions" in path:
            area = "transitions"
        elif "cattrs" in path or "attr" in path:
            area = "attrs/cattrs"
        else:
            area = "python and other libraries"
        areas[area] = areas.get(area, 0.0) + tottime
    lines = [
        f"  {share / total:6.1%}  {area}"
        for area, share in sorted(areas.items(), key=lambda x: -x[1])
    ]
    stats.sort_stats("tottime").print_stats(r"/mediation/", 15)
    return "time by area (own time):\n" + "\n".join(lines[:12]) + "\n" + out.getvalue()


def main() -> None:
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        child(sys.argv[i + 1], int(sys.argv[i + 2]))
        return
    mb = 1024 * 1024
    print(f"simulation benchmark ({'quick' if QUICK else f'median of {REPEATS}'})")

    county = median_of("engine", 50_000)
    print(
        f"(a) county-year, 50,000 matters a year, in memory: {county['seconds']:.1f} s "
        f"({county['cases']:,} cases), peak memory {county['peak'] / mb:,.0f} MB "
        f"[target <= 20 s, <= 1024 MB]"
    )
    if county["problems"]:
        print("    problems:", county["problems"])

    sizes = [10_000, 100_000] + ([1_000_000] if "--million" in sys.argv else [])
    if "--sizes" in sys.argv:
        sizes = [int(x) for x in sys.argv[sys.argv.index("--sizes") + 1].split(",")]
    print("(b) cost per case as the county grows (one run each):")
    for matters in sizes:
        m = median_of("engine", matters, 1)
        print(
            f"    {matters:>9,} matters/year: {m['seconds']:8.1f} s, {m['cases']:>9,} cases, "
            f"{m['seconds'] / m['cases'] * 1e6:6.0f} us/case, peak {m['peak'] / mb:,.0f} MB"
        )

    floor = median_of("floor", 50_000)
    print(
        f"(c) the floor (same arrivals, same SimPy runner, no rules): {floor['seconds']:.2f} s; "
        f"engine / floor = {county['seconds'] / floor['seconds']:.1f}x"
    )

    simpy_cost, heap_cost = simpy_vs_heap()
    events = county["cases"] * 9  # about nine scheduled steps per case
    print(
        f"(d) SimPy timeout {simpy_cost * 1e6:.2f} us vs heap push+pop {heap_cost * 1e6:.2f} us "
        f"per event: a hand-written loop would save about "
        f"{events * (simpy_cost - heap_cost):.1f} s of the county-year's {county['seconds']:.1f} s"
    )

    memory = median_of("engine", 5_000)
    sqlite = median_of("sqlite", 5_000)
    print(
        f"(e) 5,000 matters: in memory {memory['seconds']:.1f} s, SQLite file (a transaction a "
        f"step) {sqlite['seconds']:.1f} s ({sqlite['seconds'] / memory['seconds']:.1f}x)"
    )
    if "--profile" in sys.argv:
        print("(f) profile of a 5,000-matter run:")
        print(profile())


if __name__ == "__main__":
    main()
