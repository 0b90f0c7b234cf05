"""Apps for the live operations tests: work after the response, readiness during shutdown."""

from __future__ import annotations

import asyncio
import os
import threading

import responder

# -- after the response --------------------------------------------------------

api = responder.API(request_id=True)
log: list[str] = []
release = threading.Event()


def wait_for_release() -> None:
    # Blocks until the test has read the whole response and asked for /release.
    log.append("released" if release.wait(30) else "never released")


async def after_the_sync_one() -> None:
    log.append("async task")


@api.route("/work")
async def work(req, resp):
    resp.background(wait_for_release)
    resp.background(after_the_sync_one)
    resp.media = {"accepted": True, "items": list(range(50))}


@api.route("/release")
def release_it(req, resp):
    release.set()
    resp.text = "released"


@api.route("/log")
def show_log(req, resp):
    resp.media = log


# -- readiness -------------------------------------------------------------------

ready_api = responder.API(
    health_route="/health",
    ready_route="/ready",
    shutdown_delay=float(os.environ.get("SHUTDOWN_DELAY", "0")),
)
in_flight: list[str] = []


@ready_api.route("/slow")
async def slow(req, resp):
    # In flight until the worker drains: it answers what readiness was when it ended.
    in_flight.append("slow")
    for _ in range(1000):
        if ready_api.health.draining:
            break
        await asyncio.sleep(0.02)
    resp.media = {"saw_draining": ready_api.health.draining}


@ready_api.route("/in-flight")
def show_in_flight(req, resp):
    resp.media = in_flight


@ready_api.route("/hello")
def hello(req, resp):
    resp.text = "still serving"
