"""The command line: the README's demo and the workflow diagram."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mediation.cli import app


def test_demo_prints_the_timeline_with_chinese_labels(tmp_path: Path) -> None:
    """`mediation demo` closes the neighbour dispute and prints each step in Chinese."""
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    for text in (
        "（2026）东调字第0001号",
        "受理登记",
        "分流",
        "达成协议",
        "确认履行",
        "记录回访",
        "结案",
        "张三",
        "李梅",
        "王五",
        "通过",
    ):
        assert text in result.output, text
    # The parties' 30 days for 司法确认 outlive the closing (《人民调解法》第三十三条).
    window = next(line for line in result.output.splitlines() if "申请司法确认" in line)
    assert "当事人的期间" in window
    assert "已取消" not in window
    assert db.exists()


def test_diagram_prints_mermaid() -> None:
    """`mediation diagram dispute` prints a Mermaid state diagram."""
    result = CliRunner().invoke(app, ["diagram", "dispute"])
    assert result.exit_code == 0
    assert "stateDiagram-v2" in result.output
    assert "mediating 调解中" in result.output


def test_installed_console_script_runs() -> None:
    """The `mediation` entry point is installed with the package."""
    exe = Path(sys.executable).with_name("mediation")
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    assert "demo" in out.stdout


@pytest.mark.parametrize("module", ["mediation.cli", "mediation"])
def test_python_dash_m_runs_the_command(tmp_path: Path, module: str) -> None:
    """`python -m mediation.cli` and `python -m mediation` are the `mediation` command:
    its help, and its one-line error with exit code 2."""
    shown = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    assert "demo" in shown.stdout
    assert "report" in shown.stdout
    assert shown.stderr == ""
    missing = tmp_path / "none.db"
    refused = subprocess.run(
        [sys.executable, "-m", module, "verify", str(missing), "some-case"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.startswith("error: ")
    assert "no such" in refused.stderr
    assert not missing.exists()


NOTICE = """
year = 2027
source = "测试用通知（非真实）"

[rest]
"元旦" = ["2027-01-01/2027-01-03"]
"春节" = ["2027-02-05/2027-02-12"]

[work]
"春节" = ["2027-02-13", "2027-02-20"]
"""


def test_recount_loads_a_notice_and_lists_the_dates_that_moved(tmp_path: Path) -> None:
    """`mediation overdue` marks provisional dates （暂定）; `mediation recount --notice FILE`
    counts them afresh as one audited step per case and lists every date that moved."""
    from mediation import Engine
    from mediation._demo import CLERK, at, policy

    from .helpers import intake

    db = tmp_path / "cases.db"
    with Engine.sqlite(str(db), policy=policy()) as engine:
        case = intake(engine, category="medical", when=at("2026-12-28", 9))
        engine.fire(
            case.id, "triage", actor=CLERK, at=at("2026-12-28", 10), track="people", level="village"
        )
        engine.fire(
            case.id, "accept", actor=CLERK, at=at("2026-12-28", 11), other_side_consents=True
        )
    notice = tmp_path / "2027.toml"
    notice.write_text(NOTICE, encoding="utf-8")
    runner = CliRunner()
    listed = runner.invoke(app, ["overdue", str(db), "--at", "2027-03-01"])
    assert listed.exit_code == 0, listed.output
    assert "（暂定）" in listed.output
    done = runner.invoke(
        app, ["recount", str(db), "--notice", str(notice), "--at", "2026-12-29T09:00"]
    )
    assert done.exit_code == 0, done.output
    assert "1 dates moved" in done.output
    assert "2027-02-11" in done.output  # the provisional day, now moved
    after = runner.invoke(app, ["overdue", str(db), "--at", "2027-03-01", "--notice", str(notice)])
    assert "（暂定）" not in after.output
    bad = tmp_path / "bad.toml"
    bad.write_text(NOTICE.replace('"2027-02-13"', '"2027-02-15"'), encoding="utf-8")
    refused = runner.invoke(app, ["recount", str(db), "--notice", str(bad)])
    assert refused.exit_code == 2
    assert "--notice" in refused.output
    assert "2027-02-15" in refused.output
