"""The command line: the README's demo and the workflow diagram."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
