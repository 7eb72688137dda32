"""The examples run as shipped (the README points newcomers to them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_embedding_example_runs(tmp_path: Path) -> None:
    """examples/embed.py registers, refuses, accepts, supervises, renders and verifies."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "embed.py"), str(tmp_path / "e.db")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    for needle in (
        "（2026）一村调字第0001号",
        "refused:",
        "第三十条",
        "已超期",
        "supervised: 0",
        "人民调解受理登记表",
        "ok=True",
    ):
        assert needle in out.stdout, needle
