"""Run the ``responder`` command as a real subprocess, and speak HTTP to what it serves."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.server import ROOT, free_port

__all__ = ["APPS", "ROOT", "SCRIPT", "Server", "cli", "free_port", "get", "serving"]

APPS = ROOT / "tests" / "cli" / "apps"
#: The console script that `pip install` made from [project.scripts].
SCRIPT = Path(sys.executable).with_name("responder")
PYTHON_M = [sys.executable, "-m", "responder"]


def env_for(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The test's environment, less a PORT that would change where servers bind."""
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    return {**env, **(extra or {})}


def cli(
    args: Sequence[str],
    *,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    command: Sequence[str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``responder ARGS`` (``python -m responder`` unless ``command``) to completion."""
    return subprocess.run(
        [*(command or PYTHON_M), *args],
        cwd=cwd,
        env=env_for(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_until_listening(server: Server, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"server exited with {server.proc.returncode}:\n{server.output()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"server on port {port} not ready after {timeout}s:\n{server.output()}")


def _exited(pid: int, timeout: float) -> bool:
    """Wait for ``pid`` to exit without reaping it, so its id cannot be reused meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        time.sleep(0.05)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the process group that ``proc`` leads (uvicorn's workers are in it too)."""
    if proc.returncode is None:  # not reaped yet, so the group id is still ours
        os.killpg(proc.pid, signal.SIGTERM)
        _exited(proc.pid, timeout=10)
        # Whatever is left of the group (a stuck leader, orphaned workers) is killed.
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@contextlib.contextmanager
def serving(
    argv: Sequence[str],
    port: int,
    *,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    timeout: float = 30,
) -> Iterator[Server]:
    """Start ``argv`` in its own process group; yield once ``port`` accepts connections."""
    with tempfile.TemporaryDirectory(prefix="responder-cli-test-") as tmp:
        log = Path(tmp, "output.log")
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=env_for(env),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(f"http://127.0.0.1:{port}", proc, log)
        try:
            _wait_until_listening(server, port, timeout)
            yield server
        finally:
            _stop(proc)


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    """GET over a new connection; the status and the body, for error statuses too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()
