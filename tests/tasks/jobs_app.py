"""An app whose queued tasks record each run in a file, for ``responder worker`` tests.

``build(url, name, log)`` makes the API; the worker imports ``api``, built from
``JOBS_REDIS_URL``, ``JOBS_QUEUE`` and ``JOBS_LOG``. Each run appends one line
``<what> <key> <pid>`` to the log, so a test sees which process ran what, how often.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import responder
from responder.tasks import Queue


def build(url: str, name: str, log: Path) -> responder.API:
    api = responder.API(tasks=Queue(url, name=name, redeliver_after=1.5, poll=0.2))

    def record(*parts: object) -> None:
        with log.open("a") as out:
            out.write(" ".join(str(part) for part in parts) + "\n")

    def runs(what: str, key: str) -> int:
        lines = log.read_text().splitlines() if log.exists() else []
        return sum(1 for line in lines if line.split()[:2] == [what, key])

    @api.background.task
    async def note(key):
        record("note", key, os.getpid())

    @api.background.task(result=True)
    def multiply(a, b):  # a sync task, run in the worker's threads
        record("multiply", f"{a}x{b}", os.getpid())
        return a * b

    @api.background.task(retries=2, backoff=0.3, result=True)
    async def flaky(key):
        record("flaky", key, os.getpid())
        if runs("flaky", key) < 3:
            raise RuntimeError(f"attempt {runs('flaky', key)} fails")
        return "third time lucky"

    @api.background.task(retries=1, backoff=0, result=True)
    async def doomed(key):
        record("doomed", key, os.getpid())
        raise ValueError("never works")

    @api.background.task(timeout=0.3, result=True)
    async def sleepy(key, seconds):
        record("sleepy", key, os.getpid())
        await asyncio.sleep(seconds)
        return "woke"

    @api.background.task(result=True)
    async def slow(key, seconds):
        record("start", key, os.getpid())
        await asyncio.sleep(seconds)
        record("end", key, os.getpid())
        return os.getpid()

    api.jobs = {  # for tests that call the tasks directly
        "note": note,
        "multiply": multiply,
        "flaky": flaky,
        "doomed": doomed,
        "sleepy": sleepy,
        "slow": slow,
    }
    _routes(api, note, multiply)
    return api


def _routes(api, note, multiply):
    @api.route("/note/{key}")
    async def queue_note(req, resp, *, key):
        job = await note(key)
        resp.media = {"id": job.id}

    @api.route("/sync-note/{key}")
    def queue_note_from_sync_view(req, resp, *, key):
        resp.media = {"id": note(key).id}

    @api.route("/multiply/{a:int}/{b:int}")
    async def product(req, resp, *, a, b):
        job = await multiply(a, b)
        resp.media = {"product": await job.result(timeout=20)}


if "JOBS_REDIS_URL" in os.environ:
    api = build(
        os.environ["JOBS_REDIS_URL"], os.environ["JOBS_QUEUE"], Path(os.environ["JOBS_LOG"])
    )
