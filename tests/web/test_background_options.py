"""In-process `@api.background.task(retries=, backoff=, timeout=)`: what a queue honours too."""

from __future__ import annotations

import asyncio
import threading

import pytest

import responder
from responder.task_options import MAX_BACKOFF, TaskOptions


def test_async_task_is_retried_until_it_succeeds_and_the_caller_gets_its_value():
    api = responder.API()
    attempts = []

    @api.background.task(retries=2, backoff=0)
    async def flaky(x):
        attempts.append(x)
        if len(attempts) < 3:
            raise RuntimeError("not yet")
        return x * 2

    @api.route("/")
    async def view(req, resp):
        resp.media = {"value": await flaky(21)}

    with api.requests as client:
        assert client.get("/").json() == {"value": 42}
    assert attempts == [21, 21, 21]


def test_sync_task_gives_up_after_its_retries_and_the_failure_reaches_the_caller():
    api = responder.API()
    attempts = []

    @api.background.task(retries=1, backoff=0)
    def broken():
        attempts.append(1)
        raise ValueError("always")

    future = broken()
    with pytest.raises(ValueError, match="always"):
        future.result(timeout=5)
    assert len(attempts) == 2


def test_timeout_fails_an_async_attempt_that_runs_too_long():
    api = responder.API()
    release = asyncio.Event()

    @api.background.task(timeout=0.05)
    async def slow():
        await release.wait()

    @api.route("/")
    async def view(req, resp):
        try:
            await slow()
        except asyncio.TimeoutError:
            resp.media = {"timed out": True}

    with api.requests as client:
        assert client.get("/").json() == {"timed out": True}


def test_timeout_on_a_sync_function_is_refused_when_decorated():
    api = responder.API()
    with pytest.raises(ValueError, match="timeout= needs an async function"):

        @api.background.task(timeout=1)
        def sync_job():
            pass


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"retries": -1}, "retries must be 0 or more"),
        ({"retries": 1.5}, "retries must be a whole number"),
        ({"backoff": -1}, "backoff must be seconds"),
        ({"timeout": 0}, "timeout must be a positive number"),
        ({"name": ""}, "name must be a non-empty string"),
    ],
)
def test_options_out_of_range_are_refused_when_decorating(options, message):
    api = responder.API()
    with pytest.raises(ValueError, match=message):
        api.background.task(**options)


def test_backoff_doubles_up_to_a_cap_or_follows_a_callable():
    assert [TaskOptions(backoff=0.5).delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert TaskOptions(backoff=1).delay(30) == MAX_BACKOFF
    assert TaskOptions(backoff=lambda n: n * 10).delay(3) == 30


def test_bare_decorator_still_returns_a_future_from_a_sync_caller():
    api = responder.API()
    ran = threading.Event()

    @api.background.task
    def job():
        ran.set()
        return "done"

    assert job().result(timeout=5) == "done"
    assert ran.is_set()
