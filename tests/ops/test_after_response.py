"""resp.background: calls queued by a view run after the response, in order, never on a failure."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

import responder


def test_queued_calls_run_in_order_sync_in_the_background_pool_async_on_the_loop():
    api = responder.API()
    ran: list[tuple[str, str]] = []

    def sync_step(name, *, greeting):
        ran.append((f"{greeting} {name}", threading.current_thread().name))

    async def async_step(name):
        asyncio.get_running_loop()  # raises unless on the event loop
        ran.append((name, threading.current_thread().name))

    @api.route("/order")
    def order(req, resp):
        resp.background(sync_step, "first", greeting="hello")
        resp.background(async_step, "second")
        resp.background(sync_step, "third", greeting="bye")
        resp.text = "queued"

    assert api.requests.get("/order").text == "queued"
    assert [name for name, _ in ran] == ["hello first", "second", "bye third"]
    assert ran[0][1].startswith("responder-background")
    assert ran[2][1].startswith("responder-background")
    assert not ran[1][1].startswith("responder")


def test_a_failing_call_is_logged_with_the_request_id_and_the_next_ones_still_run(caplog):
    api = responder.API(request_id=True)
    ran = []

    def broken():
        raise RuntimeError("mail server down")

    @api.route("/signup")
    async def signup(req, resp):
        resp.background(broken)
        resp.background(ran.append, "audit")
        resp.media = {"ok": True}

    with caplog.at_level(logging.ERROR, logger="responder"):
        r = api.requests.get("/signup", headers={"X-Request-ID": "req-42"})
    assert r.json() == {"ok": True}
    assert ran == ["audit"]
    [record] = [r for r in caplog.records if "resp.background" in r.getMessage()]
    assert "req-42" in record.getMessage()
    assert "broken" in record.getMessage()
    assert "GET /signup" in record.getMessage()
    assert record.exc_info is not None and "mail server down" in str(record.exc_info[1])


def test_nothing_queued_runs_when_the_view_fails_or_times_out():
    api = responder.API()
    ran = []

    @api.route("/crash")
    def crash(req, resp):
        resp.background(ran.append, "crash")
        raise RuntimeError("bug")

    @api.route("/slow", timeout=0.1)
    async def slow(req, resp):
        resp.background(ran.append, "slow")
        await asyncio.sleep(30)

    @api.route("/refused")
    def refused(req, resp):
        resp.background(ran.append, "refused")
        raise responder.HTTPError(409, detail="taken")

    assert api.session(raise_server_exceptions=False).get("/crash").status_code == 500
    assert api.requests.get("/slow").status_code == 504
    # An HTTPError is an answer the view chose: its work still runs.
    assert api.requests.get("/refused").status_code == 409
    assert ran == ["refused"]


def test_queueing_something_that_cannot_be_called_fails_in_the_view():
    api = responder.API()

    @api.route("/oops")
    def oops(req, resp):
        with pytest.raises(TypeError, match="needs a function"):
            resp.background("send_mail")
        resp.text = "checked"

    assert api.requests.get("/oops").text == "checked"
