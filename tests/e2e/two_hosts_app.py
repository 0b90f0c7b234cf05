"""One app, every shared setting on one Redis: served as two hosts and run by one worker.

``tests/e2e/test_two_hosts.py`` serves this module with two ``responder run
--workers 2`` processes and runs its jobs with ``responder worker``. The
environment says where things are: ``REDIS_URL``, ``TWO_HOSTS_PREFIX`` (every
Redis key of one test run starts with it), ``TWO_HOSTS_LOG`` (each job run
appends ``<what> <key> <pid>`` there, as ``tests/tasks/jobs_app.py`` does) and
``TWO_HOSTS_LIMIT`` (requests per hour in one rate-limit bucket).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from starlette.websockets import WebSocketDisconnect

import responder
from responder.ext.ratelimit import RateLimiter, RedisStore
from responder.tasks import Queue
from tests.shared.session_routes import session_routes

REDIS_URL = os.environ["REDIS_URL"]
PREFIX = os.environ["TWO_HOSTS_PREFIX"]
LOG = Path(os.environ["TWO_HOSTS_LOG"])

api = responder.API(
    secret_key="one key for every host",
    sessions=responder.RedisSessions(REDIS_URL, prefix=PREFIX + "session:"),
    broadcast=responder.Broadcast(REDIS_URL, prefix=PREFIX + "broadcast:"),
    tasks=Queue(REDIS_URL, name=PREFIX + "jobs", redeliver_after=1.5, poll=0.2),
    metrics_route="/metrics",
)


def bucket(req: responder.Request) -> str:
    """The ``X-Bucket`` header; without one, a bucket of the request's own (never limited).

    The limiter wraps every route, and only the rate-limit test means to be
    limited: the other tests' requests each count in a fresh bucket of one
    request, which Redis forgets when the test's redis-server stops.
    """
    return req.headers.get("x-bucket") or f"free:{uuid.uuid4().hex}"


RateLimiter(
    requests=int(os.environ.get("TWO_HOSTS_LIMIT", "10")),
    period=3600,  # one request comes back every 3600 / limit s: never during a test
    key=bucket,
    store=RedisStore(REDIS_URL, prefix=PREFIX + "ratelimit:"),
).install(api)


@api.route("/pid")
def pid(req, resp):
    resp.text = str(os.getpid())


# -- a chat room across every process (as examples/websocket_chat.py), saying who serves


@api.route("/chat", websocket=True)
async def chat(ws):
    # The handshake names the worker, so a test knows which process each client is on.
    await ws.accept(headers=[(b"x-worker-pid", str(os.getpid()).encode())])
    async with api.broadcast.subscribe("chat") as events:

        async def hear():
            async for event in events:
                await ws.send_text(event.message)

        hearing = asyncio.create_task(hear())
        try:
            while True:
                await api.broadcast.publish("chat", await ws.receive_text())
        except WebSocketDisconnect:
            pass
        finally:
            hearing.cancel()


# -- sessions in Redis: made on one host, read and revoked on the other


session_routes(api)  # /login/{name}, /me (user and pid), /logout


# -- jobs on the queue, run by ``responder worker``


def record(*parts: object) -> None:
    with LOG.open("a") as out:
        out.write(" ".join(str(part) for part in parts) + "\n")


@api.background.task
async def slow(key: str, seconds: float) -> None:
    record("start", key, os.getpid())
    await asyncio.sleep(seconds)
    record("end", key, os.getpid())


@api.route("/jobs/{key}")
async def enqueue(req, resp, *, key):
    job = await slow(key, float(req.params.get("seconds", "0")))
    resp.media = {"id": job.id, "pid": os.getpid()}
