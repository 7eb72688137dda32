"""``mediation simulate`` and the example script, as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from mediation.cli import app

ROOT = Path(__file__).resolve().parents[2]
COUNTY = ROOT / "examples" / "county" / "units.toml"

SCENARIO = """
[scenario]
name = "{name}"
title = "{title}"
org = "{org}"
start = 2026-03-02
days = 15
seed = 9
replications = 2

[capacity.village]
mediators = {mediators}
cases_each = 2

[arrivals.neighbor]
rate = 2000
channels = {{ walk_in = 0.8, police_referral = 0.2 }}

[arrivals.medical]
rate = 100
"""


def scenario(
    folder: Path, name: str = "cli", title: str = "命令行情景", mediators: int = 1
) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(
        SCENARIO.format(name=name, title=title, org=COUNTY.as_posix(), mediators=mediators),
        encoding="utf-8",
    )
    return path


def test_simulate_writes_data_and_charts_and_prints_a_summary(tmp_path: Path) -> None:
    """Exit 0; CSV, JSON and the three charts written; the summary table printed."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["simulate", str(scenario(tmp_path)), "--seed", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for name in (
        "kpis.csv",
        "summary.csv",
        "backlog.csv",
        "results.json",
        "backlog.png",
        "funnel.png",
        "breaches.png",
    ):
        assert (out / name).stat().st_size > 0, name
    assert "化解率" in result.stdout
    assert "命令行情景" in result.stdout


def test_compare_runs_both_with_the_same_seed_and_draws_them_side_by_side(tmp_path: Path) -> None:
    """--compare: both scenarios in the files (the same arrivals), and compare.png."""
    other = scenario(tmp_path, "more", "多两名调解员", mediators=3)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            str(scenario(tmp_path)),
            "--out",
            str(out),
            "--compare",
            str(other),
            "--workers",
            "2",
            "--no-charts",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    arrivals = [r for r in rows if ",arrivals," in r]
    assert [r.split(",")[0] for r in arrivals] == ["cli", "more"]
    assert arrivals[0].split(",")[2:] == arrivals[1].split(",")[2:]
    assert not (out / "compare.png").exists()


def test_the_same_command_twice_writes_the_same_bytes(tmp_path: Path) -> None:
    """Seed given: two runs of the command write identical CSV and JSON files."""
    path = scenario(tmp_path)
    for out in ("a", "b"):
        result = CliRunner().invoke(
            app, ["simulate", str(path), "--seed", "4", "--out", str(tmp_path / out), "--no-charts"]
        )
        assert result.exit_code == 0, result.output
    for name in ("kpis.csv", "summary.csv", "backlog.csv", "results.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_database_writes_a_file_the_core_commands_open(tmp_path: Path) -> None:
    """--database: an SQLite file of one replication; ``mediation overdue`` reads it and the
    figures read back equal the run in memory (no warning, exit 0)."""
    db = tmp_path / "run.db"
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "simulate",
            str(scenario(tmp_path)),
            "--out",
            str(out),
            "-n",
            "1",
            "--database",
            str(db),
            "--no-charts",
        ],
    )
    assert result.exit_code == 0, result.output
    assert db.exists()
    overdue = runner.invoke(app, ["overdue", str(db), "--at", "2026-04-30"])
    assert overdue.exit_code == 0, overdue.output


def test_problems_end_in_one_line_and_exit_code_2(tmp_path: Path) -> None:
    """A missing file, a bad value (named by its key), the same name twice, outputs that
    exist: one line on stderr, exit 2, no traceback."""
    runner = CliRunner()
    path = scenario(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        path.read_text(encoding="utf-8").replace("rate = 2000", "rate = -5"), encoding="utf-8"
    )
    out = tmp_path / "out"
    cases = [
        ["simulate", str(tmp_path / "missing.toml"), "--out", str(out)],
        ["simulate", str(bad), "--out", str(out)],
        ["simulate", str(path), "--out", str(out), "--compare", str(path)],
        [
            "simulate",
            str(path),
            "--out",
            str(out),
            "--compare",
            str(path),
            "--database",
            str(tmp_path / "x.db"),
        ],
        ["simulate", str(path), "--out", str(out), "--sweep", "capacity.village.mediators"],
    ]
    for args in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("error: "), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.output
    assert "arrivals.neighbor.rate" in runner.invoke(app, cases[1]).stderr
    assert (
        runner.invoke(app, ["simulate", str(path), "--out", str(out), "--no-charts"]).exit_code == 0
    )
    again = runner.invoke(app, ["simulate", str(path), "--out", str(out), "--no-charts"])
    assert again.exit_code == 2
    assert "--overwrite" in again.stderr
    assert (
        runner.invoke(
            app, ["simulate", str(path), "--out", str(out), "--no-charts", "--overwrite"]
        ).exit_code
        == 0
    )


def test_a_sweep_from_the_command_line(tmp_path: Path) -> None:
    """--sweep KEY=V1,V2 runs one variant per value, named after it."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            str(scenario(tmp_path)),
            "--out",
            str(out),
            "-n",
            "1",
            "--no-charts",
            "--sweep",
            "capacity.village.mediators=1,2",
        ],
    )
    assert result.exit_code == 0, result.output
    text = (out / "summary.csv").read_text(encoding="utf-8")
    assert "cli[capacity.village.mediators=1]" in text
    assert "cli[capacity.village.mediators=2]" in text


def test_the_core_command_line_does_not_load_the_simulation_dependencies() -> None:
    """Importing the CLI (which registers simulate) loads neither SimPy, matplotlib nor Dask."""
    code = (
        "import sys, mediation.cli; "
        "heavy = {'simpy', 'matplotlib', 'distributed', 'dask', 'numpy'} & set(sys.modules); "
        "print(sorted(heavy)); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_example_script_runs(tmp_path: Path) -> None:
    """examples/simulate_county.py: both scenarios, files and charts, the comparison table."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "simulate_county.py"),
            str(tmp_path),
            "--days",
            "20",
            "--replications",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "conservation: ok" in done.stdout
    assert "东门镇增加两名调解员" in done.stdout
    assert (tmp_path / "compare.png").stat().st_size > 0
