"""Start a real server in a subprocess on a free loopback port, and always stop it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


class LiveServer:
    """A running server process: its URL and PID, its memory, and what it logged."""

    def __init__(self, proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.proc, self.url, self.log_path = proc, url, log

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_kib(self) -> int:
        """Resident memory of the server process, from /proc (Linux)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS line")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def live_uvicorn(
    target: str, *options: str, env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """Run ``uvicorn target`` on a free port, logging to a file (a full pipe never blocks it).

    Yields a :class:`LiveServer` once it accepts connections; always stops it.
    """
    import tempfile

    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "server.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                [*argv, "--log-level", "warning", *options],
                cwd=ROOT,
                env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_until_listening(proc, port)
                yield LiveServer(proc, f"http://127.0.0.1:{port}", log)
            finally:
                stop(proc)


def raw_request(url: str, request: bytes, timeout: float = 10) -> bytes:
    """Send ``request`` as written (no client normalising it); the raw answer until close."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout) as sock:
        sock.sendall(request)
        chunks = []
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def parse_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names; repeated ones joined by ", ") and body, de-chunked.

    Raises:
        ValueError: the bytes are not a complete HTTP/1.1 response (a truncated
            chunked body, for one).
    """
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    if headers.get("transfer-encoding", "").lower() != "chunked":
        return status, headers, rest
    body = bytearray()
    while True:
        size_line, found, rest = rest.partition(b"\r\n")
        if not found:
            raise ValueError("truncated chunked body: no final chunk")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return status, headers, bytes(body)
        body += rest[:size]
        rest = rest[size + 2 :]


def until(probe: Callable[[], Any], timeout: float = 15, what: str = "") -> Any:
    """Call ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"{what or probe} never came true within {timeout} s")
