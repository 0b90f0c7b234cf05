"""An app whose lifespan, event handlers and background tasks log what they do, in order.

Served by uvicorn in ``test_lifespan.py``; each line goes to the file named by
``RESPONDER_EVENTS_LOG``, so the test can read the order after the server exits.
"""

import asyncio
import contextlib
import os
import time

import responder

LOG = os.environ["RESPONDER_EVENTS_LOG"]


def record(event: str) -> None:
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(event + "\n")


@contextlib.asynccontextmanager
async def lifespan(api):
    record("context entered")
    yield
    record("context exiting")


api = responder.API(lifespan=lifespan)


@api.on_event("startup")
def startup():
    record("startup")


@api.on_event("shutdown")
async def shutdown():
    record("shutdown")


# Both tasks outlast the request by far, so they are still running when the signal comes.
@api.background.task
async def slow_async():
    await asyncio.sleep(1)
    record("async task done")


@api.background.task
def slow_sync():
    time.sleep(1)
    record("sync task done")


@api.route("/work")
def work(req, resp):  # a sync view: it runs in a worker thread, with no event loop
    slow_async()
    slow_sync()
    resp.text = "accepted"
