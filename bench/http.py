"""HTTP mode: serve each app with uvicorn (or granian, or hypercorn) and load it with wrk.

Each framework gets its own server process (one worker, on uvloop) on a free
127.0.0.1 port; every scenario is verified with a real request, warmed up,
then measured with ``wrk``. The raw ASGI app gives that server's ceiling.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bench.apps import FRAMEWORKS, load, module_name
from bench.results import Cell, RunResult, describe
from bench.scenarios import Scenario

ROOT = Path(__file__).resolve().parent.parent
POST_LUA = Path(__file__).resolve().parent / "post.lua"
HOST = "127.0.0.1"


def free_port() -> int:
    """Ask the OS for an unused port (tiny race until uvicorn binds it)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(log: IO[bytes], limit: int = 2000) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-limit:].strip()


def _wait_ready(
    proc: subprocess.Popen[bytes],
    port: int,
    timeout: float,
    log: IO[bytes],
) -> None:
    """Poll until the port accepts connections (uvicorn binds after startup)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {_tail(log)}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"server not ready after {timeout}s: {_tail(log)}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate our server by its PID, escalating to SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


#: The servers ``--server`` chooses from, and how each is started (one worker, uvloop, no
#: access log), as a note in the report.
SERVERS = {
    "uvicorn": "uvicorn --http httptools --loop uvloop --workers 1",
    "granian": "granian --interface asgi --loop uvloop --workers 1",
    "hypercorn": "hypercorn --worker-class uvloop --workers 1",
}


def server_command(server: str, target: str, port: int) -> list[str]:
    """The command line that serves ``target`` (``module:app``) with ``server`` on ``port``."""
    python = [sys.executable, "-m", server]
    if server == "granian":
        return [
            *python,
            *("--interface", "asgi", "--host", HOST, "--port", str(port)),
            *("--loop", "uvloop", "--workers", "1", "--no-access-log"),
            *("--log-level", "warning", target),
        ]
    if server == "hypercorn":
        return [
            *python,
            *("--bind", f"{HOST}:{port}", "--worker-class", "uvloop", "--workers", "1"),
            *("--log-level", "warning", target),
        ]
    return [
        *python,
        *(target, "--host", HOST, "--port", str(port), "--http", "httptools"),
        *("--loop", "uvloop", "--workers", "1", "--no-access-log", "--log-level", "warning"),
    ]


def serve_process(
    framework: str, server: str = "uvicorn", timeout: float = 20.0
) -> AbstractContextManager[tuple[int, int]]:
    """Run ``server`` for ``framework``; yields its port and PID, and always stops it."""
    return serve_target(f"{module_name(framework)}:app", server, timeout)


def serve_app(target: str, timeout: float = 20.0) -> AbstractContextManager[int]:
    """Run uvicorn for ``target`` (``module:attribute``); yields the port, always stops it."""
    return _port_of(serve_target(target, "uvicorn", timeout))


@contextmanager
def _port_of(serving: AbstractContextManager[tuple[int, int]]) -> Iterator[int]:
    with serving as (port, _):
        yield port


@contextmanager
def serve_target(
    target: str, server: str = "uvicorn", timeout: float = 20.0
) -> Iterator[tuple[int, int]]:
    """Run ``server`` for ``target`` (``module:app``); yields port and PID, always stops it."""
    port = free_port()
    cmd = server_command(server, target, port)
    path = os.pathsep.join(filter(None, [str(ROOT), os.getenv("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    with tempfile.TemporaryFile() as log:
        stderr = subprocess.STDOUT
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=stderr)
        try:
            _wait_ready(proc, port, timeout, log)
            yield port, proc.pid
        finally:
            _stop(proc)


@contextmanager
def serve(framework: str, server: str = "uvicorn", timeout: float = 20.0) -> Iterator[int]:
    """Run ``server`` for ``framework``; yields the port and always stops it."""
    with serve_process(framework, server, timeout) as (port, _):
        yield port


def _descendants(pid: int) -> list[int]:
    """``pid`` and every live process under it (a server's workers), from /proc."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue += [int(c) for c in (task / "children").read_text().split()]
            except OSError:  # the task ended meanwhile
                continue
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system, every thread) used so far by ``pid`` and its descendants.

    What the server spent, whoever else shares the machine: on a busy 2-core
    box this is far steadier than requests per second.
    """
    ticks = 0
    for member in _descendants(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def fetch(port: int, scenario: Scenario) -> tuple[int, dict[str, str], bytes]:
    """Send the scenario's request once over a real socket."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(
            scenario.method,
            scenario.path,
            scenario.body or None,
            dict(scenario.headers),
        )
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        conn.close()


@dataclass
class WrkResult:
    """The numbers we keep from one wrk run."""

    rps: float
    non_2xx: int
    socket_errors: int
    requests: int = 0
    #: Percentile ("50%", "99%", ...) -> latency in ms, when wrk ran with --latency.
    latency: dict[str, float] = field(default_factory=dict)


def _wrk_command(
    port: int,
    scenario: Scenario,
    duration: int,
    threads: int,
    connections: int,
    body_file: str,
    latency: bool = False,
) -> tuple[list[str], dict[str, str]]:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        *(["--latency"] if latency else []),
    ]
    env = dict(os.environ)
    if scenario.method != "GET" or scenario.body:
        cmd += ["-s", str(POST_LUA)]
        env["BENCH_METHOD"] = scenario.method
        env["BENCH_BODY_FILE"] = body_file  # a file: bodies may be binary
        env["BENCH_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in scenario.headers)
    else:
        for name, value in scenario.headers:
            cmd += ["-H", f"{name}: {value}"]
    cmd.append(f"http://{HOST}:{port}{scenario.path}")
    return cmd, env


def parse_wrk(output: str) -> WrkResult:
    """Pull Requests/sec and error counts out of wrk's report."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None:
        raise RuntimeError(f"could not parse wrk output: {output[-500:]}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    requests = re.search(r"(\d+) requests in", output)
    return WrkResult(
        rps=float(rps.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        requests=int(requests.group(1)) if requests else 0,
        latency=parse_latency(output),
    )


_UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_latency(output: str) -> dict[str, float]:
    """The ``--latency`` distribution (50%, 75%, 90%, 99%) in milliseconds."""
    _, found, table = output.partition("Latency Distribution")
    if not found:
        return {}
    pairs = re.findall(r"^\s*(\d+(?:\.\d+)?%)\s+([\d.]+)(us|ms|s|m)\s*$", table, re.MULTILINE)
    return {pct: float(value) * _UNIT_MS[unit] for pct, value, unit in pairs}


def run_wrk(
    port: int,
    scenario: Scenario,
    duration: int,
    threads: int = 1,
    connections: int = 50,
    latency: bool = False,
) -> WrkResult:
    """Run wrk once against the scenario's URL (with ``latency``, its percentiles too)."""
    with tempfile.NamedTemporaryFile(prefix="bench-body-") as body:
        body.write(scenario.body)
        body.flush()
        args = (port, scenario, duration, threads, connections, body.name, latency)
        cmd, env = _wrk_command(*args)
        done = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=duration + 60, check=True
        )
    return parse_wrk(done.stdout)


def _measure(
    port: int,
    scenario: Scenario,
    duration: int,
    warmup: int,
    pid: int | None = None,
    **load_opts: int,
) -> tuple[Cell, Cell]:
    """Requests per second, and the server's CPU µs per request (when ``pid`` is known)."""
    status, headers, body = fetch(port, scenario)
    error = scenario.verify(status, headers, body)
    if error:
        return Cell(status="FAIL", note=error), Cell(status="FAIL", note=error)
    if warmup > 0:
        run_wrk(port, scenario, warmup, **load_opts)
    before = tree_cpu_seconds(pid) if pid else 0.0
    result = run_wrk(port, scenario, duration, **load_opts)
    spent = tree_cpu_seconds(pid) - before if pid else 0.0
    notes = []
    if result.non_2xx and scenario.status < 300:
        notes.append(f"{result.non_2xx} non-2xx responses")
    if result.socket_errors:
        notes.append(f"{result.socket_errors} socket errors")
    cpu = Cell(value=1e6 * spent / result.requests) if spent and result.requests else Cell()
    return Cell(value=result.rps, note="; ".join(notes)), cpu


def _progress(framework: str, scenario: str, cell: Cell) -> None:
    shown = cell.status if cell.value is None else f"{cell.value:10.0f} req/s"
    print(f"  {framework:<33} {scenario:<15} {shown}", flush=True)


def _mode(kind: str, server: str) -> str:
    """``http`` or ``http-cpu``, suffixed with the server unless it is uvicorn."""
    return kind if server == "uvicorn" else f"{kind}-{server}"


def run(
    frameworks: list[str],
    scenarios: list[Scenario],
    duration: int = 5,
    warmup: int = 1,
    threads: int = 1,
    connections: int = 50,
    servers: tuple[str, ...] = ("uvicorn",),
) -> list[RunResult]:
    """Measure every (framework, scenario) pair over HTTP under each of ``servers``.

    Every process starts up front (idle ones cost no CPU) and the loads run
    scenario-major, then server by server, then framework by framework: slow
    drifts in machine load hit every framework and every server alike. Two
    results per server: requests per second (mode ``http``, or
    ``http-<server>``) and the server's CPU µs per request (``http-cpu...``).
    """
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found on PATH (apt-get install wrk)")
    names = [f for f in FRAMEWORKS if f in frameworks]
    columns = [s.name for s in scenarios]
    rates = {server: RunResult(_mode("http", server), names, columns) for server in servers}
    costs = {server: RunResult(_mode("http-cpu", server), names, columns) for server in servers}
    load_opts = {"threads": threads, "connections": connections}
    with ExitStack() as stack:
        served = {
            server: _start_servers(result, scenarios, stack, server)
            for server, result in rates.items()
        }
        for scenario in scenarios:
            for server, result in rates.items():
                for name, (port, pid) in served[server].items():
                    if result.get(name, scenario.name).status == "n/a":
                        costs[server].set(name, scenario.name, result.get(name, scenario.name))
                        continue
                    try:
                        rate, cost = _measure(port, scenario, duration, warmup, pid, **load_opts)
                    except Exception as exc:  # noqa: BLE001 - a broken app is a result
                        rate = cost = Cell(status="FAIL", note=describe(exc))
                    result.set(name, scenario.name, rate)
                    costs[server].set(name, scenario.name, cost)
                    _progress(f"{name} ({server})", scenario.name, rate)
    for server in servers:
        for result in (rates[server], costs[server]):
            result.notes.append(
                f"{SERVERS[server]}; "
                f"wrk -t{threads} -c{connections} -d{duration}s after a {warmup}s warm-up"
            )
            if len(servers) > 1:
                result.notes.append(f"measured interleaved with {', '.join(servers)} in one run")
    return [*rates.values(), *costs.values()]


def _start_servers(
    result: RunResult, scenarios: list[Scenario], stack: ExitStack, server: str
) -> dict[str, tuple[int, int]]:
    """Import and serve each framework; returns framework -> (port, server PID)."""
    ports: dict[str, tuple[int, int]] = {}
    for name in result.frameworks:
        try:
            loaded = load(name)  # import here first: clearer errors than the server's
        except Exception as exc:  # noqa: BLE001
            result.skip(name, f"import failed: {describe(exc)}")
            continue
        for scenario in scenarios:
            reason = loaded.skip_reason(scenario.name)
            if reason:
                result.set(name, scenario.name, Cell(status="n/a", note=reason))
        if all(loaded.skip_reason(s.name) for s in scenarios):
            continue
        try:
            ports[name] = stack.enter_context(serve_process(name, server))
        except (RuntimeError, TimeoutError) as exc:
            result.skip(name, f"server failed: {exc}")
    return ports
