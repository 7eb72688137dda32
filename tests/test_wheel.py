"""The wheel ships the templates: documents render from the installed package, not the tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import mediation
from mediation import Actor, Engine
from mediation._demo import policy, run
assert mediation.__file__.startswith({target!r}), mediation.__file__
engine = Engine.in_memory(policy=policy(), reader=Actor.system())
case = run(engine)
text = engine.render(case.id, "mediation_agreement")
assert "人民调解协议书" in text and "张三" in text
print("OK", mediation.__file__)
"""


def test_documents_render_from_the_installed_wheel(tmp_path: Path) -> None:
    """Build the wheel, install it alone into a directory, render an agreement from there."""
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("mediation-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "mediation/templates/documents/mediation_agreement.txt.j2" in names
    assert "mediation/py.typed" in names
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # The installed copy comes first on the path; its templates sit beside it, not in the tree.
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(target=str(target))],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert out.stdout.startswith("OK")
