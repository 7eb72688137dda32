"""CSV and JSON outputs with a stable schema: the same seed gives byte-identical files.

No wall-clock time, host or absolute path is written; rows come in a fixed
order (scenario, replication, KPI schema order) and numbers in one format
(integers as integers, other numbers to 12 significant digits, undefined
rates empty in CSV and ``null`` in JSON).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mediation.simulation._api import Result
from mediation.simulation._errors import SimulationError
from mediation.simulation._kpis import Value

__all__ = ["OUTPUT_FILES", "SCHEMA_VERSION", "to_json", "write_outputs"]

SCHEMA_VERSION = "mediation.simulation/1"
"""Names the layout of ``results.json`` (bumped when a key's meaning changes)."""

OUTPUT_FILES = ("kpis.csv", "summary.csv", "backlog.csv", "results.json")
"""The data files :func:`write_outputs` writes."""


def number(value: Value) -> int | float | None:
    """A figure as written: integers as they are, other numbers to 12 significant digits."""
    if value is None or isinstance(value, int):
        return value
    return float(f"{value:.12g}")


def _cell(value: Value) -> str:
    shown = number(value)
    return "" if shown is None else repr(shown)


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def kpis_csv(results: Sequence[Result]) -> str:
    """One row per scenario, replication and KPI."""
    rows = [
        (r.name, rep.index, rep.seed, key, _cell(rep.kpis[key]))
        for r in results
        for rep in r.replications
        for key in r.keys
    ]
    return _csv(("scenario", "replication", "seed", "metric", "value"), rows)


def summary_csv(results: Sequence[Result]) -> str:
    """One row per scenario and KPI: mean and confidence interval across replications."""
    rows = []
    for r in results:
        for key, iv in r.summary().items():
            rows.append(
                (r.name, key, iv.n, _cell(iv.mean), _cell(iv.sd), _cell(iv.low), _cell(iv.high))
            )
    return _csv(("scenario", "metric", "n", "mean", "sd", "ci_low", "ci_high"), rows)


def backlog_csv(results: Sequence[Result]) -> str:
    """Cases open at the end of each simulated day, per scenario and replication."""
    rows = []
    for r in results:
        dates = [
            (r.scenario.start + dt.timedelta(days=d)).isoformat()
            for d in range(r.scenario.total_days)
        ]
        for rep in r.replications:
            rows += [
                (r.name, rep.index, day, count)
                for day, count in zip(dates, rep.backlog, strict=True)
            ]
    return _csv(("scenario", "replication", "date", "open"), rows)


def to_json(results: Sequence[Result]) -> dict[str, Any]:
    """Everything, as one JSON-able document."""
    scenarios = []
    for r in results:
        s = r.scenario
        scenarios.append(
            {
                "name": r.name,
                "title": s.title,
                "seed": r.seed,
                "start": s.start.isoformat(),
                "days": s.days,
                "drain_days": s.drain_days,
                "confidence": s.confidence,
                "metrics": r.keys,
                "replications": [
                    {
                        "index": rep.index,
                        "seed": rep.seed,
                        "kpis": {k: number(rep.kpis[k]) for k in r.keys},
                        "backlog": list(rep.backlog),
                        "errors": dict(sorted(rep.errors.items())),
                        "problems": list(rep.problems),
                    }
                    for rep in r.replications
                ],
                "summary": {
                    key: {
                        "n": iv.n,
                        "mean": number(iv.mean),
                        "sd": number(iv.sd),
                        "ci_low": number(iv.low),
                        "ci_high": number(iv.high),
                    }
                    for key, iv in r.summary().items()
                },
            }
        )
    return {"schema": SCHEMA_VERSION, "scenarios": scenarios}


def write_outputs(
    results: Sequence[Result], out: str | Path, *, overwrite: bool = False
) -> list[Path]:
    """Write ``kpis.csv``, ``summary.csv``, ``backlog.csv`` and ``results.json`` into ``out``.

    Args:
        results: One result per scenario (names must differ).
        out: The directory (created if missing).
        overwrite: Replace these files if they exist (otherwise refuse).

    Raises:
        SimulationError: two results share a name, or a file exists and
            ``overwrite`` is false.
    """
    names = [r.name for r in results]
    if len(set(names)) != len(names):
        raise SimulationError(f"scenario names must differ to be written together: {names}")
    folder = Path(out)
    texts = {
        "kpis.csv": kpis_csv(results),
        "summary.csv": summary_csv(results),
        "backlog.csv": backlog_csv(results),
        "results.json": json.dumps(to_json(results), ensure_ascii=False, indent=1) + "\n",
    }
    paths = [folder / name for name in texts]
    if not overwrite:
        existing = [str(p) for p in paths if p.exists()]
        if existing:
            raise SimulationError(
                f"{', '.join(existing)}: exists already (pass overwrite=True / --overwrite)"
            )
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in zip(paths, texts.values(), strict=True):
        path.write_text(text, encoding="utf-8", newline="\n")
    return paths
