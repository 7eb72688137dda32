"""The examples in the library's docstrings run as written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import mediation


def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(mediation.__path__, "mediation."):
        if ".migrations" in info.name:
            continue  # Alembic's env.py only runs inside a migration
        module = importlib.import_module(info.name)
        own = [o for o in vars(module).values() if getattr(o, "__module__", None) == info.name]
        if ">>> " in (module.__doc__ or "") or any(
            ">>> " in (getattr(obj, "__doc__", "") or "") for obj in own
        ):
            names.append(info.name)
    return names


MODULES = _modules_with_examples()


def test_there_are_docstring_examples() -> None:
    """The collection below is not silently empty."""
    assert len(MODULES) >= 3


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    """Every docstring example of the module passes."""
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
