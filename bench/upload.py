"""Upload mode: one large body to a file, Responder against a raw ASGI app, over HTTP.

``bench/run upload`` (or ``python -m bench.upload``) serves
``bench/apps/upload_apps.py`` with uvicorn (httptools + uvloop), one process
per scenario, and posts ``--size`` MiB from a generator over a raw socket
(the client never holds the body): the raw ASGI app writing each chunk to a
file (the ceiling), Responder's ``req.stream()`` doing the same, and the same
bytes as one file of a multipart body (parsed as a stream, spooled, then
``UploadFile.save``). Rounds are interleaved across scenarios, each round
starting with the next scenario, and every upload starts once the file
systems are synced (the previous upload's writeback would otherwise be
charged to whichever server runs next); each cell is the median throughput.
Memory is the server's peak RSS (``VmHWM``) after all rounds, less its peak
after a 4 MiB warm-up upload.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.http import HOST, ROOT, _stop, _wait_ready, free_port
from bench.report import publish

MiB = 1024 * 1024
BOUNDARY = "bench-upload-b0undary"
RESULTS = Path(__file__).resolve().parent / "results"
#: glibc malloc settings for every server (raw included) with --pin-malloc. By
#: default glibc moves its mmap and trim thresholds as large blocks come and go, so
#: freed body chunks go back to the kernel and are faulted in again, more or less
#: often by the chance of each process's allocations (up to 0.5 s of CPU per GiB,
#: any app). The default run measures that, as users get it; pinned thresholds
#: measure the apps' own work without it.
PINNED_MALLOC = {
    "MALLOC_MMAP_THRESHOLD_": str(32 * MiB),
    "MALLOC_TRIM_THRESHOLD_": str(256 * MiB),
    "MALLOC_TOP_PAD_": str(16 * MiB),
}


@dataclass
class Scenario:
    """One way of sending the bytes: which app, which path, multipart or not."""

    name: str
    target: str
    path: str
    multipart: bool = False
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    rss_growth_kib: int = 0


SCENARIOS = (
    Scenario("raw ASGI, chunks to a file", "bench.apps.upload_apps:raw", "/raw"),
    Scenario("responder req.stream() to a file", "bench.apps.upload_apps:api", "/stream"),
    Scenario(
        "responder multipart + UploadFile.save",
        "bench.apps.upload_apps:api",
        "/multipart",
        multipart=True,
    ),
)


@contextmanager
def serve(target: str, folder: Path, extra_env: dict[str, str]) -> Iterator[tuple[int, int]]:
    """Run uvicorn for ``target`` writing into ``folder``; yield (port, pid), always stop it."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", target, "--host", HOST, "--port", str(port)]
    cmd += ["--http", "httptools", "--loop", "uvloop", "--no-access-log", "--log-level", "warning"]
    path = os.pathsep.join(filter(None, [str(ROOT), os.getenv("PYTHONPATH")]))
    env = {**os.environ, **extra_env, "PYTHONPATH": path}
    env.update(UPLOAD_DIR=str(folder), TMPDIR=str(folder))
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(proc, port, 20.0, log)
            yield port, proc.pid
        finally:
            _stop(proc)


def peak_rss_kib(pid: int) -> int:
    """The process's peak resident memory so far (Linux ``VmHWM``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM line")


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, user and system, all threads (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def upload(port: int, scenario: Scenario, size: int, block: bytes) -> float:
    """Send ``size`` bytes (1 MiB blocks) as the scenario does; seconds until the answer.

    Raises:
        RuntimeError: the server did not answer 200 with the size it wrote.
    """
    head = tail = b""
    content_type = "application/octet-stream"
    if scenario.multipart:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="doc"; '
            'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
    request = (
        f"POST {scenario.path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(head) + size + len(tail)}\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    with socket.create_connection((HOST, port), timeout=300) as sock:
        sock.sendall(request + head)
        left = size
        while left > 0:
            sock.sendall(block[:left])
            left -= len(block)
        sock.sendall(tail)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    seconds = time.perf_counter() - started
    status = answer.split(b" ", 2)[1] if answer else b"none"
    if status != b"200" or not answer.endswith(str(size).encode()):
        raise RuntimeError(f"{scenario.name}: {answer[:300]!r}")
    return seconds


def run(size_mib: int, rounds: int, extra_env: dict[str, str]) -> list[Scenario]:
    """Measure every scenario, rounds interleaved; the scenarios with their timings."""
    block = os.urandom(MiB)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-upload-")))
        servers = []
        for scenario in SCENARIOS:
            port, pid = stack.enter_context(serve(scenario.target, folder, extra_env))
            upload(port, scenario, 4 * MiB, block)  # warm-up: imports, first buffers
            servers.append((scenario, port, pid, peak_rss_kib(pid)))
        for number in range(1, rounds + 1):
            print(f"  round {number}/{rounds}", flush=True)
            # Each round starts with another scenario, so none always follows the same one.
            shift = (number - 1) % len(servers)
            for scenario, port, pid, _ in servers[shift:] + servers[:shift]:
                # The last upload's gigabyte is written out before this one is timed: the
                # kernel charges I/O completions to whichever process runs, and a rename or
                # truncate over a file still being written waits on it.
                os.sync()
                cpu = cpu_seconds(pid)
                scenario.seconds.append(upload(port, scenario, size_mib * MiB, block))
                scenario.cpu_seconds.append(cpu_seconds(pid) - cpu)
        for scenario, _, pid, before in servers:
            scenario.rss_growth_kib = peak_rss_kib(pid) - before
    return list(SCENARIOS)


def render(scenarios: list[Scenario], size_mib: int, rounds: int, pinned: bool) -> str:
    """The Markdown table: throughput, its ratio to the raw app, and peak RSS growth."""
    baseline = statistics.median(scenarios[0].seconds)
    baseline_cpu = statistics.median(scenarios[0].cpu_seconds)
    best_cpu = min(scenarios[0].cpu_seconds)
    lines = [
        "## Upload: one large body to a file over HTTP (higher is better)",
        "",
        f"{size_mib} MiB per request, sent from a generator. Wall: MiB/s as the client saw "
        "it. Server CPU: MiB per second of the server process's CPU time (all its threads), "
        "steadier on a busy machine. Ratios are to the raw ASGI app (1.00 is its ceiling).",
        "",
        "| scenario | wall MiB/s | ÷ raw | server CPU MiB/s | ÷ raw | best round ÷ raw (CPU) "
        "| server peak RSS growth (MiB) | rounds, wall s (CPU s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for scenario in scenarios:
        median = statistics.median(scenario.seconds)
        cpu = statistics.median(scenario.cpu_seconds)
        spread = ", ".join(
            f"{s:.2f} ({c:.2f})"
            for s, c in zip(scenario.seconds, scenario.cpu_seconds, strict=True)
        )
        lines.append(
            f"| {scenario.name} | {size_mib / median:.0f} | {baseline / median:.2f} "
            f"| {size_mib / cpu:.0f} | {baseline_cpu / cpu:.2f} "
            f"| {best_cpu / min(scenario.cpu_seconds):.2f} "
            f"| {scenario.rss_growth_kib / 1024:.1f} | {spread} |"
        )
    lines += [
        "",
        f"- median of {rounds} interleaved rounds, each starting with the next scenario, "
        "the file systems synced before each upload; uvicorn with httptools and uvloop, "
        "one process per scenario; files and spooled parts in one temporary directory; "
        + (
            "glibc malloc thresholds pinned in every server (`--pin-malloc`)."
            if pinned
            else "glibc malloc as it comes (dynamic thresholds)."
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, print and write ``bench/results/upload.md``."""
    parser = argparse.ArgumentParser(prog="bench/run upload", description=__doc__)
    parser.add_argument("--size", type=int, default=1024, help="MiB per upload")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument(
        "--pin-malloc",
        action="store_true",
        help="fix glibc's malloc thresholds in every server (see PINNED_MALLOC)",
    )
    args = parser.parse_args(argv)
    print("upload:", flush=True)
    malloc = PINNED_MALLOC if args.pin_malloc else {}
    text = render(run(args.size, args.rounds, malloc), args.size, args.rounds, bool(malloc))
    publish(text, args.results_dir, "upload")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
