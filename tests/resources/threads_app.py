"""An app whose views say which thread ran them: the event loop's or a worker's."""

from __future__ import annotations

import asyncio
import threading
import time

import responder
from responder import Query, Router

api = responder.API()


def thread_name() -> str:
    """``loop`` on the event loop's thread, else the worker thread's name."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return threading.current_thread().name
    return "loop"


@api.route("/async")
async def on_loop(req, resp):
    resp.text = thread_name()


@api.route("/threaded")
def threaded(req, resp):
    resp.text = thread_name()


@api.route("/inline", sync_to_thread=False)
def inline(req, resp):
    resp.text = thread_name()


@api.route("/inline/{n:int}", sync_to_thread=False)
def inline_typed(req, resp, *, n: int, scale: int = Query(1)):
    resp.media = {"n": n * scale, "thread": thread_name()}


@api.route("/inline-class", sync_to_thread=False)
class InlineResource:
    def on_request(self, req, resp):
        resp.headers["x-first"] = thread_name()

    def on_get(self, req, resp):
        resp.text = thread_name()


@api.get("/inline-verb", sync_to_thread=False)
def inline_verb(req, resp):
    resp.text = thread_name()


routes = Router(prefix="/r")


@routes.route("/inline", sync_to_thread=False)
def routed_inline(req, resp):
    resp.text = thread_name()


api.include_router(routes)


@api.route("/inline-sleep", sync_to_thread=False)
def inline_sleep(req, resp):
    # What the docs warn about: blocking here holds up every request on this worker.
    time.sleep(float(req.params.get("s", "0.5")))
    resp.text = "slept"
