"""In-process mode: call each ASGI app directly to measure framework overhead.

No sockets and no server: a tight loop awaits ``app(scope, receive, send)`` with
a prebuilt scope, so the time per request is the framework's own work plus a
small constant cost of this driver (visible in the raw ASGI column).
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.apps import FRAMEWORKS, LoadedApp, load
from bench.results import Cell, RunResult, describe
from bench.scenarios import Scenario

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Clock = Callable[[], float]

#: ``wall`` (default) counts elapsed time; ``cpu`` counts only this process's
#: CPU time (all its threads), so other load on a busy machine barely moves it.
CLOCKS: dict[str, Clock] = {"wall": time.perf_counter, "cpu": time.process_time}


class LifespanDriver:
    """Runs an app's lifespan protocol around the benchmark, when it has one."""

    def __init__(self, app: Any, timeout: float = 10.0) -> None:
        self.app = app
        self.timeout = timeout
        self.state: dict[str, Any] = {}
        self._inbox: asyncio.Queue[Message] = asyncio.Queue()
        self._outbox: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def startup(self) -> None:
        """Send lifespan.startup; an app that returns or raises has no lifespan."""
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self.state,
        }
        lifespan = self.app(scope, self._inbox.get, self._outbox.put)
        self._task = asyncio.ensure_future(lifespan)
        await self._inbox.put({"type": "lifespan.startup"})
        reply = asyncio.ensure_future(self._outbox.get())
        done, _ = await asyncio.wait(
            {reply, self._task},
            timeout=self.timeout,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if reply in done:
            message = reply.result()
            if message["type"] != "lifespan.startup.complete":
                detail = message.get("message", "")
                raise RuntimeError(f"lifespan startup failed: {detail}")
            return
        reply.cancel()
        if self._task in done:  # lifespan unsupported: fine per the ASGI spec
            self._task.exception()  # retrieve it so asyncio does not warn
            self._task = None
            return
        raise TimeoutError("lifespan startup timed out")

    async def shutdown(self) -> None:
        """Send lifespan.shutdown and wait for the app to finish."""
        if self._task is None:
            return
        await self._inbox.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(self._outbox.get(), self.timeout)
        await asyncio.wait_for(self._task, self.timeout)


class Sink:
    """Minimal ASGI ``send``: remembers status, headers and body."""

    __slots__ = ("chunks", "headers", "status")

    def __init__(self) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", ()))
        elif kind == "http.response.body":
            self.chunks.append(message.get("body", b""))

    def verify(self, scenario: Scenario) -> str | None:
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in self.headers}
        return scenario.verify(self.status, headers, b"".join(self.chunks))


def make_receive(body: bytes) -> Receive:
    """Minimal ASGI ``receive``: the whole body once, then disconnect."""
    pending = True

    async def receive() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def build_scope(scenario: Scenario) -> dict[str, Any]:
    """The HTTP scope a server like uvicorn would build for this scenario."""
    path, _, query = scenario.path.partition("?")
    own = [(k.lower().encode(), v.encode()) for k, v in scenario.headers]
    defaults = [
        (b"host", b"127.0.0.1:8000"),
        (b"user-agent", b"bench"),
        (b"accept", b"*/*"),
    ]
    # A scenario's own header (e.g. Accept) replaces the default, never doubles it.
    headers = [h for h in defaults if h[0] not in {k for k, _ in own}] + own
    if scenario.body:
        headers.append((b"content-length", str(len(scenario.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": scenario.method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def run_requests(
    app: Any, scope: dict[str, Any], state: dict[str, Any], body: bytes, n: int
) -> Sink:
    """Issue ``n`` requests back to back; returns the last response for checking."""
    sink = Sink()
    for _ in range(n):
        sink = Sink()
        # Frameworks write into the scope (path params, router, ...): copy it.
        await app({**scope, "state": state.copy()}, make_receive(body), sink)
    return sink


async def time_round(
    app: Any,
    scope: dict[str, Any],
    body: bytes,
    state: dict[str, Any],
    n: int,
    clock: Clock = time.perf_counter,
) -> tuple[float, Sink]:
    """One timed round: microseconds per request, plus the last response."""
    gc.collect()  # start every round from the same garbage level
    start = clock()
    last = await run_requests(app, scope, state, body, n)
    return (clock() - start) / n * 1e6, last


@dataclass
class _Job:
    """One (framework, scenario) pair being measured."""

    app: LoadedApp
    state: dict[str, Any]
    scenario: Scenario
    scope: dict[str, Any]
    samples: list[float] = field(default_factory=list)
    error: str = ""


async def _prepare(job: _Job, warmup: int) -> None:
    """Verify one response, then warm up; a wrong response marks the job failed."""
    try:
        first = await run_requests(job.app.app, job.scope, job.state, job.scenario.body, 1)
        job.error = first.verify(job.scenario) or ""
        if not job.error:
            await run_requests(job.app.app, job.scope, job.state, job.scenario.body, warmup)
    except Exception as exc:  # noqa: BLE001 - a crashing app is a result
        job.error = describe(exc)


async def _time_job(job: _Job, requests: int, clock: Clock) -> None:
    """Add one timed round to ``job`` and re-check the last response."""
    scope, body = job.scope, job.scenario.body
    try:
        us, last = await time_round(job.app.app, scope, body, job.state, requests, clock)
        job.error = last.verify(job.scenario) or ""
    except Exception as exc:  # noqa: BLE001
        job.error = describe(exc)
    else:
        job.samples.append(us)


async def _start(
    apps: list[LoadedApp],
    scenarios: list[Scenario],
    result: RunResult,
    lifespans: list[LifespanDriver],
) -> list[_Job]:
    """Run each app's lifespan startup and list the jobs it can run."""
    jobs: list[_Job] = []
    for loaded in apps:
        lifespan = LifespanDriver(loaded.app)
        try:
            await lifespan.startup()
        except Exception as exc:  # noqa: BLE001
            result.skip(loaded.name, f"lifespan startup failed: {describe(exc)}")
            continue
        lifespans.append(lifespan)
        for scenario in scenarios:
            reason = loaded.skip_reason(scenario.name)
            if reason:
                result.set(loaded.name, scenario.name, Cell(status="n/a", note=reason))
            else:
                scope = build_scope(scenario)
                jobs.append(_Job(loaded, lifespan.state, scenario, scope))
    return jobs


async def _measure_all(
    apps: list[LoadedApp],
    scenarios: list[Scenario],
    result: RunResult,
    rounds: int,
    requests: int,
    warmup: int,
    clock: Clock,
) -> None:
    """Start every app, then interleave rounds so noise hits all frameworks alike."""
    lifespans: list[LifespanDriver] = []
    try:
        jobs = await _start(apps, scenarios, result, lifespans)
        for job in jobs:
            await _prepare(job, warmup)
        for round_no in range(1, rounds + 1):
            print(f"  round {round_no}/{rounds}", flush=True)
            for job in jobs:
                if not job.error:
                    await _time_job(job, requests, clock)
        for job in jobs:
            if job.error:
                cell = Cell(status="FAIL", note=job.error)
            else:
                median, best = statistics.median(job.samples), min(job.samples)
                cell = Cell(value=median, note=f"best {best:.2f}")
            result.set(job.app.name, job.scenario.name, cell)
    finally:
        for lifespan in lifespans:
            try:
                await lifespan.shutdown()
            except Exception as exc:  # noqa: BLE001
                result.notes.append(f"lifespan shutdown failed: {describe(exc)}")


def new_loop() -> asyncio.AbstractEventLoop:
    """uvloop when available, matching what the HTTP mode serves with."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(
    frameworks: list[str],
    scenarios: list[Scenario],
    rounds: int = 5,
    requests: int = 2000,
    warmup: int = 500,
    clock: str = "wall",
) -> RunResult:
    """Measure every (framework, scenario) pair in this process."""
    result = RunResult(
        "inprocess",
        [f for f in FRAMEWORKS if f in frameworks],
        [s.name for s in scenarios],
    )
    apps = []
    for name in result.frameworks:
        try:
            apps.append(load(name))
        except Exception as exc:  # noqa: BLE001
            result.skip(name, f"import failed: {describe(exc)}")
    with asyncio.Runner(loop_factory=new_loop) as runner:
        runner.run(_measure_all(apps, scenarios, result, rounds, requests, warmup, CLOCKS[clock]))
    result.notes.append(
        f"median of {rounds} interleaved rounds x {requests} requests, after verifying "
        f"each response and {warmup} warm-up requests; µs per request"
        + (" of process CPU time (--clock cpu)" if clock == "cpu" else "")
    )
    return result
