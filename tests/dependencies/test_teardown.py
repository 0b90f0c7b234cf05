"""Generator teardown: after the response is sent, last first, also on errors; app scope."""

from __future__ import annotations

import pytest

import responder
from responder import Depends


def _recording_api(events: list[str]) -> responder.API:
    api = responder.API()

    def first():
        events.append("open first")
        yield "first"
        events.append("close first")

    async def second(f=Depends(first)):
        events.append("open second")
        try:
            yield "second"
        finally:
            events.append("close second")

    @api.route("/ok")
    async def ok(req, resp, *, a=Depends(first), b=Depends(second)):
        events.append("view")
        resp.text = "ok"

    @api.route("/boom")
    def boom(req, resp, *, b=Depends(second)):
        events.append("view")
        raise RuntimeError("boom")

    @api.route("/refused")
    async def refused(req, resp, *, b=Depends(second)):
        raise responder.HTTPConflict()

    return api


def test_teardown_runs_after_the_response_is_sent_in_reverse_order():
    events: list[str] = []
    api = _recording_api(events)
    sent = []

    async def send(message):
        events.append(message["type"])
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    import asyncio

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/ok",
        "raw_path": b"/ok",
        "query_string": b"",
        "headers": [],
        "root_path": "",
    }
    asyncio.run(api(scope, receive, send))
    assert events == [
        "open first",
        "open second",
        "view",
        "http.response.start",
        "http.response.body",
        "close second",
        "close first",
    ]


def test_teardown_runs_when_the_view_raised():
    events: list[str] = []
    api = _recording_api(events)
    with pytest.raises(RuntimeError):
        api.requests.get("/boom")
    assert events[-1] == "close first"
    assert events[-2] == "close second"
    client = api.session(raise_server_exceptions=False)
    assert client.get("/boom").status_code == 500
    events.clear()
    assert api.requests.get("/refused").status_code == 409
    assert events == ["open first", "open second", "close second", "close first"]


def test_a_failing_teardown_is_logged_and_the_others_still_run(caplog):
    api = responder.API()
    events = []

    def fine():
        yield 1
        events.append("fine closed")

    def broken():
        yield 2
        raise ValueError("teardown broke")

    @api.route("/")
    async def view(req, resp, *, a=Depends(fine), b=Depends(broken)):
        resp.text = "ok"

    assert api.requests.get("/").text == "ok"
    assert events == ["fine closed"]
    assert "A dependency's teardown failed" in caplog.text


def test_websocket_teardown_runs_when_the_socket_closes():
    api = responder.API()
    events = []

    async def conn():
        events.append("open")
        yield "c"
        events.append("closed")

    @api.route("/ws", websocket=True)
    async def handler(ws, *, c=Depends(conn)):
        await ws.accept()
        events.append("accepted")
        await ws.receive_text()
        events.append("handler done")

    with api.requests.websocket_connect("/ws") as ws:
        assert events == ["open", "accepted"]
        ws.send_text("bye")
    assert events[-2:] == ["handler done", "closed"]


def test_app_scope_runs_once_and_tears_down_at_shutdown():
    api = responder.API()
    events = []

    @api.dependency(scope="app")
    async def pool():
        events.append("pool open")
        yield {"connections": 3}
        events.append("pool closed")

    @api.dependency()
    def session(pool):
        events.append("session")
        yield pool["connections"]
        events.append("session closed")

    @api.route("/")
    async def view(req, resp, *, session, pool):
        resp.media = {"session": session}

    with api.requests as client:
        assert client.get("/").json() == {"session": 3}
        assert client.get("/").json() == {"session": 3}
        assert events.count("pool open") == 1
        assert events.count("session") == 2
        assert "pool closed" not in events
    assert events[-1] == "pool closed"
    # A new server life makes it again.
    with api.requests as client:
        client.get("/")
    assert events.count("pool open") == 2
