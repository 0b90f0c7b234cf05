"""A real redis-server per module, and real ``responder worker`` processes, stopped by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..e2e.server import ROOT, stop
from ..ext.redis_server import redis_server
from .jobs_app import build


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@dataclass
class Jobs:
    """One test's queue: its name, the log its tasks write, and the API that enqueues."""

    url: str
    name: str
    log: Path

    def lines(self) -> list[list[str]]:
        text = self.log.read_text() if self.log.exists() else ""
        return [line.split() for line in text.splitlines()]

    def runs(self, what: str, key: str) -> list[int]:
        """The PIDs that ran ``what`` for ``key``, in order."""
        return [int(pid) for w, k, pid in self.lines() if (w, k) == (what, key)]

    def wait_for(self, what: str, key: str, count: int = 1, timeout: float = 20) -> list[int]:
        """Wait (with a deadline) until ``what key`` was logged ``count`` times; its PIDs."""
        deadline = time.monotonic() + timeout
        while len(pids := self.runs(what, key)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{what} {key} ran {len(pids)}x, not {count}x: {self.lines()}"
                )
            time.sleep(0.05)
        return pids


@pytest.fixture
def jobs(redis_url: str, tmp_path: Path) -> Jobs:
    return Jobs(redis_url, f"test:{uuid.uuid4().hex}", tmp_path / "jobs.log")


@pytest.fixture
def api(jobs: Jobs):
    return build(jobs.url, jobs.name, jobs.log)


class Worker:
    """A ``responder worker`` process: its PID, what it logged, how it ended."""

    def __init__(self, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.proc, self.log_path = proc, log

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def signal(self, signum: int) -> None:
        os.kill(self.proc.pid, signum)

    def wait(self, timeout: float = 30) -> int:
        return self.proc.wait(timeout=timeout)


def wait_ready(worker: Worker, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while "Worker ready" not in worker.log():
        if worker.proc.poll() is not None:
            raise RuntimeError(f"worker exited with {worker.proc.returncode}:\n{worker.log()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"worker not ready after {timeout} s:\n{worker.log()}")
        time.sleep(0.05)


def start_worker_process(target: str, env: dict[str, str], log: Path, *options: str) -> Worker:
    """Start ``responder worker TARGET`` with ``env`` added, logging to ``log``; once ready.

    The caller stops it (:func:`stop_workers`), also when readiness fails.
    """
    argv = [sys.executable, "-m", "responder", "worker", target, *options]
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    return Worker(proc, log)


def stop_workers(started: list[Worker]) -> None:
    """Stop every worker still running (a paused one resumed first), by PID."""
    for worker in started:
        if worker.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                worker.signal(signal.SIGCONT)
            stop(worker.proc)


@pytest.fixture
def start_worker(jobs: Jobs, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start ``responder worker tests.tasks.jobs_app:api`` on this test's queue, ready."""
    started: list[Worker] = []
    env = {"JOBS_REDIS_URL": jobs.url, "JOBS_QUEUE": jobs.name, "JOBS_LOG": str(jobs.log)}

    def start(*options: str) -> Worker:
        log = tmp_path / f"worker-{len(started)}.log"
        worker = start_worker_process("tests.tasks.jobs_app:api", env, log, *options)
        started.append(worker)
        wait_ready(worker)
        return worker

    try:
        yield start
    finally:
        stop_workers(started)
