"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_blocks_run() -> None:
    """Every ```python block of the README executes without error (its asserts included)."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})


def test_readme_first_commands_are_the_make_targets() -> None:
    """The two first commands of the README are the demo and the test targets CI uses."""
    text = README.read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.*?)```", text, re.S)
    assert first is not None
    assert "make demo" in first.group(1)
    assert "make test" in first.group(1)
    assert "make test" in (README.parent / ".ci" / "run").read_text(encoding="utf-8")
