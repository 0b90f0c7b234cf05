"""Two hosts, one Redis, one worker: everything that must be shared is, end to end.

Two ``responder run --workers 2`` processes on two ports stand for two hosts
behind a load balancer (four web workers in all); one real redis-server holds
the sessions, the rate limit, the chat room's pub/sub and the job queue; one
``responder worker`` runs the jobs. Each host gets its own ``TMPDIR``, so its
metrics directory is its own, as on two machines. Every process is started by
the module's fixture and stopped by PID, whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import signal
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import websockets

from tests.cli.harness import PYTHON_M, Server, free_port, get, serving
from tests.e2e.server import ROOT, until
from tests.ext.redis_server import redis_server
from tests.guide.test_websocket_chat import hear_until
from tests.observe.test_metrics import _value
from tests.observe.test_workers_live import _pids_answering
from tests.shared.test_across_processes import get as get_with_cookie
from tests.shared.test_across_processes import run
from tests.tasks.conftest import Jobs, Worker, start_worker_process, stop_workers, wait_ready

pytestmark = pytest.mark.redis

APP = "tests.e2e.two_hosts_app:api"
LIMIT = 6  # requests in one rate-limit bucket, across both hosts
WORKERS = 2  # web workers per host
MOST_CLIENTS = 40  # chat clients opened, at most, until every web worker has some


@dataclass
class Deployment:
    """The running hosts, the job log, and the queue's workers (started, in order)."""

    hosts: list[Server]
    tmpdirs: list[Path]
    jobs: Jobs
    workers: list[Worker]
    start_worker: Callable[[], Worker]

    @property
    def urls(self) -> list[str]:
        return [host.url for host in self.hosts]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("two-hosts")
    prefix = f"test:{uuid.uuid4().hex}:"
    with redis_server(root) as redis, contextlib.ExitStack() as stack:
        jobs = Jobs(redis.url, prefix + "jobs", root / "jobs.log")
        env = {
            "REDIS_URL": redis.url,
            "TWO_HOSTS_PREFIX": prefix,
            "TWO_HOSTS_LOG": str(jobs.log),
            "TWO_HOSTS_LIMIT": str(LIMIT),
            "PYTHONPATH": str(ROOT),
        }
        hosts, tmpdirs = [], []
        for number in range(2):
            tmpdirs.append(root / f"host{number}")
            tmpdirs[-1].mkdir()
            port = free_port()
            argv = [*PYTHON_M, "run", APP, "--port", str(port), "--workers", str(WORKERS)]
            host_env = {**env, "TMPDIR": str(tmpdirs[-1])}
            hosts.append(stack.enter_context(serving(argv, port, env=host_env)))
        workers: list[Worker] = []
        stack.callback(stop_workers, workers)  # unwound first: workers, hosts, then Redis

        def start_worker() -> Worker:
            log = root / f"worker-{len(workers)}.log"
            workers.append(start_worker_process(APP, env, log))
            wait_ready(workers[-1])
            return workers[-1]

        start_worker()
        yield Deployment(hosts, tmpdirs, jobs, workers, start_worker)


# -- the chat room: one message reaches clients on every web worker of both hosts


async def chat_on_every_worker(urls: list[str]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Clients join ``/chat`` round the hosts until each host's every worker has one.

    Then the first client speaks. Returns each client's worker PID (from the
    handshake) and what each heard, up to the first client's message.
    """
    pids: dict[str, int] = {}
    heard: dict[str, list[str]] = {}
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        while any(len(workers) < WORKERS for workers in _workers_by_host(pids, urls)):
            number = len(clients)
            assert number < MOST_CLIENTS, f"{number} clients did not reach every worker: {pids}"
            name = f"client{number}"
            url = urls[number % 2].replace("http://", "ws://")
            ws = await stack.enter_async_context(websockets.connect(f"{url}/chat"))
            clients[name], pids[name], heard[name] = (
                ws,
                int(ws.response.headers["x-worker-pid"]),
                [],
            )
            await ws.send(f"{name} joined")  # in the room once its own message comes back
            await hear_until(ws, f"{name} joined", heard[name])
        await clients["client0"].send("hello from client0")
        for name, ws in clients.items():
            await hear_until(ws, "hello from client0", heard[name])
    return pids, heard


def _workers_by_host(pids: dict[str, int], urls: list[str]) -> list[set[int]]:
    """The distinct worker PIDs seen on each host (client N went to host N % 2)."""
    return [
        {pid for name, pid in pids.items() if int(name.removeprefix("client")) % 2 == host}
        for host in range(len(urls))
    ]


def test_a_chat_message_reaches_clients_on_every_worker_of_both_hosts(deployment):
    pids, heard = run(chat_on_every_worker(deployment.urls))
    one, two = _workers_by_host(pids, deployment.urls)
    assert len(one) == len(two) == WORKERS and not one & two  # four processes in one room
    names = list(heard)
    for number, name in enumerate(names):
        later = [f"{other} joined" for other in names[number:]]
        assert heard[name] == [*later, "hello from client0"], name


# -- sessions: made on one host, read and revoked on the other


def test_a_session_made_on_one_host_is_read_and_revoked_on_the_other(deployment):
    one, two = deployment.urls
    _, cookie = get_with_cookie(f"{one}/login/ann")
    assert cookie is not None and "ann" not in cookie  # the cookie holds only a signed id
    assert get_with_cookie(f"{two}/me", cookie)[0]["user"] == "ann"
    _, deleted = get_with_cookie(f"{two}/logout", cookie)
    assert deleted == "session="
    for host in (one, two):  # the replayed cookie is dead everywhere
        assert get_with_cookie(f"{host}/me", cookie)[0]["user"] is None


# -- the rate limit: one bucket across both hosts


def hit(url: str, bucket: str) -> tuple[int, str | None, int | None]:
    """GET ``url`` counted in ``bucket``: the status, requests remaining, the worker's PID."""
    request = urllib.request.Request(url, headers={"X-Bucket": bucket})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.loads(response.read())
            return response.status, response.headers["x-ratelimit-remaining"], body["pid"]
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, refused.headers["x-ratelimit-remaining"], None


def test_the_rate_limit_is_shared_by_both_hosts(deployment):
    bucket = uuid.uuid4().hex
    urls = [f"{url}/me" for url in deployment.urls]
    allowed = [hit(urls[number % 2], bucket) for number in range(LIMIT)]
    assert [status for status, _, _ in allowed] == [200] * LIMIT
    # Each request, on whichever host and worker, took one from the same allowance.
    assert [remaining for _, remaining, _ in allowed] == [str(n) for n in range(LIMIT)][::-1]
    assert len({pid for _, _, pid in allowed}) >= 2
    for url in urls:  # the limit is LIMIT in all, not LIMIT per host
        assert hit(url, bucket)[:2] == (429, "0")
    assert hit(urls[0], uuid.uuid4().hex)[0] == 200  # another client is not limited


# -- jobs: sent from either host, run on the worker; again after the worker is killed


def test_a_job_runs_once_and_again_after_its_worker_is_killed_mid_job(deployment):
    one, two = deployment.urls
    jobs, [first] = deployment.jobs, deployment.workers
    assert get(f"{one}/jobs/quick")[0] == 200
    assert jobs.wait_for("end", "quick") == [first.pid]
    assert get(f"{two}/jobs/long?seconds=2")[0] == 200
    assert jobs.wait_for("start", "long") == [first.pid]
    first.signal(signal.SIGKILL)
    first.wait()
    second = deployment.start_worker()
    # Unacknowledged, the job is claimed by the new worker once redeliver_after (1.5 s) passed.
    assert jobs.wait_for("start", "long", count=2, timeout=30) == [first.pid, second.pid]
    assert jobs.wait_for("end", "long") == [second.pid]
    # The acknowledged job was not run again, though the new worker reclaimed what was pending.
    assert jobs.runs("start", "quick") == [first.pid]


# -- metrics: each host's scrape counts its own workers, and only them


def _pid_count(url: str) -> float:
    """``/pid`` requests counted by one scrape of ``url``."""
    status, text = get(f"{url}/metrics")
    assert status == 200
    return _value(text, "responder_requests_total", route="/pid")


def test_each_hosts_metrics_count_the_requests_of_its_own_workers(deployment):
    counts = []
    for number, url in enumerate(deployment.urls):
        pids, count = _pids_answering(url, want=WORKERS)
        assert len(pids) == WORKERS
        extra = 3 * number  # the hosts' counts differ, so one cannot pass for the other
        assert all(get(f"{url}/pid")[0] == 200 for _ in range(extra))
        counts.append(count + extra)
    for url, count in zip(deployment.urls, counts, strict=True):
        for _ in range(3):  # scrapes land on either worker: each sees its host's sum
            # (a request is counted just after its last byte: wait for it, not race it)
            until(lambda url=url, count=count: _pid_count(url) == count, 10, what="the sum")
    for tmpdir in deployment.tmpdirs:  # one multiprocess directory per host
        [made] = tmpdir.glob("responder-metrics-*")
        assert any(made.iterdir())
