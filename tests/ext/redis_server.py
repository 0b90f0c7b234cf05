"""A real ``redis-server`` on a free loopback port, for the rate limiter's Redis tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..e2e.server import free_port, stop


@dataclass
class RedisServer:
    """A running redis-server: its URL and process (stop, pause and resume it by PID)."""

    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def pause(self) -> None:
        """SIGSTOP: connections are still accepted by the kernel, nothing is answered."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after :meth:`pause`."""
        os.kill(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Stop it for good (resumed first, so that SIGTERM is handled at once)."""
        if self.proc.poll() is None:
            self.resume()
            stop(self.proc)


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[RedisServer]:
    """Start redis-server on a free loopback port; yield once it answers PING; always stop it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "redis-server is not installed, and the Redis tests need a real one: "
            "apt-get install -y redis-server (Debian/Ubuntu)."
        )
    import redis

    port = free_port()
    log = workdir / "redis.log"
    command = [binary, "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", str(workdir)]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    server = RedisServer(f"redis://127.0.0.1:{port}/0", proc, log)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
        deadline = time.monotonic() + 15
        while True:
            if proc.poll() is not None:
                pytest.fail(f"redis-server exited with {proc.returncode}:\n{log.read_text()}")
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server did not answer PING within 15 s:\n{log.read_text()}")
            time.sleep(0.05)
        client.close()
        yield server
    finally:
        server.stop()
