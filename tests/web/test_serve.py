"""``mediation serve cases.db --host 127.0.0.1 --port N``: the one command, as a real process.

On a file that does not exist yet the server creates and migrates it, says
how to add the first user, answers the sign-in page, lets a user added by
``mediation user add`` (password on standard input) sign in while it runs,
and stops cleanly on SIGTERM with no traceback.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import PASSWORD, Session

MEDIATION = Path(sys.executable).with_name("mediation")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"mediation serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("mediation serve did not answer in time")


@pytest.mark.skipif(not MEDIATION.exists(), reason="the mediation script is not installed")
def test_serve_starts_on_a_new_file_and_signs_a_user_in(tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [str(MEDIATION), "serve", str(db), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        _wait_up(url, proc)
        assert db.is_file()
        added = subprocess.run(
            [str(MEDIATION), "user", "add", str(db), "root", "--roles", "admin", "--unit", "town"],
            input=f"{PASSWORD}\n",
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert added.returncode == 0, added.stderr
        s = Session(url)
        try:
            page = s.login("root")
            assert page.url.path == "/", page.text[:300]
            assert "尚未建立组织机构" in page.text  # an empty database: the first unit is asked
        finally:
            s.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    # uvicorn shuts down gracefully, then re-raises the signal it caught (exit status -15)
    assert proc.returncode in (0, -signal.SIGTERM), err
    assert "Application shutdown complete" in err
    assert "has no users yet" in err
    assert "mediation user add" in err
    assert "Traceback" not in err
