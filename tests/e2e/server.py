"""Start a real server in a subprocess on a free loopback port, and always stop it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_listening(proc: subprocess.Popen[bytes], port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read().decode() if proc.stdout else ""
            raise RuntimeError(f"server exited with {proc.returncode}:\n{output}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"server on port {port} not ready after {timeout}s")


@contextlib.contextmanager
def serve(args: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``python <args>`` from the repo root; yield the base URL once it listens."""
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_listening(proc, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
        if proc.stdout:
            proc.stdout.close()


@contextlib.contextmanager
def serve_uvicorn(target: str) -> Iterator[str]:
    """Run ``uvicorn target`` (``"package.module:api"``) on a free loopback port; yield its URL."""
    port = free_port()
    args = ["-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port)]
    with serve([*args, "--log-level", "warning"], port) as url:
        yield url


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a process we started, then kill it if it does not go within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
