"""Request timeouts: API(request_timeout=) and timeout= on a route give a 504 at the deadline."""

from __future__ import annotations

import asyncio
import threading

import pytest
import yaml

import responder
from responder.resources.timeouts import RequestTimeout

# Deadlines short enough for a quick suite; the views wait on events, never on a clock,
# so each test decides who wins by what it releases, not by how long things take.
DEADLINE = 0.2
NEVER = 30  # seconds a view would wait for an event nobody sets


def test_an_async_view_past_the_api_deadline_gets_a_504_problem_and_is_cancelled():
    api = responder.API(request_timeout=DEADLINE)
    seen = []

    @api.route("/slow")
    async def slow(req, resp):
        try:
            await asyncio.sleep(NEVER)
            resp.text = "finished"
        finally:  # cancelled at the deadline: its cleanup runs
            seen.append("cleaned up")

    r = api.requests.get("/slow")
    assert r.status_code == 504
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "Gateway Timeout"
    assert "0.2 seconds" in r.json()["detail"]
    assert seen == ["cleaned up"]


def test_the_504_comes_in_the_format_the_client_asked_for():
    api = responder.API(request_timeout=DEADLINE)

    @api.route("/slow")
    async def slow(req, resp):
        await asyncio.sleep(NEVER)

    r = api.requests.get("/slow", headers={"Accept": "application/x-yaml"})
    assert r.status_code == 504
    assert "yaml" in r.headers["content-type"]
    assert yaml.safe_load(r.text)["status"] == 504


def test_a_view_within_its_deadline_answers_normally_and_head_is_timed_too():
    api = responder.API(request_timeout=5)

    @api.route("/quick")
    async def quick(req, resp):
        resp.media = {"ok": True}

    assert api.requests.get("/quick").json() == {"ok": True}
    assert api.requests.head("/quick").status_code == 200


def test_a_route_timeout_overrides_the_api_one_and_false_turns_it_off():
    api = responder.API(request_timeout=DEADLINE)

    @api.route("/short", timeout=0.05)
    async def short(req, resp):
        await asyncio.sleep(NEVER)

    @api.route("/untimed", timeout=False)
    async def untimed(req, resp):
        await asyncio.sleep(DEADLINE * 3)  # outlives the API's deadline, then answers
        resp.text = "no deadline here"

    assert api.requests.get("/short").status_code == 504
    r = api.requests.get("/untimed")
    assert (r.status_code, r.text) == (200, "no deadline here")


def test_a_route_timeout_works_without_an_api_timeout_and_through_routers():
    api = responder.API()
    router = responder.Router()

    @router.get("/slow", timeout=DEADLINE)
    async def slow(req, resp):
        await asyncio.sleep(NEVER)

    @api.route("/free")
    async def free(req, resp):
        resp.text = "free"

    api.include_router(router, prefix="/r")
    assert api.requests.get("/r/slow").status_code == 504
    assert api.requests.get("/free").text == "free"
    assert api.router.match("/free")[0].handlers["GET"].direct is not None  # fast path kept


def test_a_class_resource_is_timed_per_method():
    api = responder.API(request_timeout=DEADLINE)

    @api.route("/things")
    class Things:
        async def on_get(self, req, resp):
            await asyncio.sleep(NEVER)

        async def on_post(self, req, resp):
            resp.status_code = 201

    assert api.requests.get("/things").status_code == 504
    assert api.requests.post("/things").status_code == 201


def test_a_sync_view_is_not_interrupted_but_the_504_goes_out_and_its_late_writes_are_dropped():
    api = responder.API(request_timeout=DEADLINE)
    release, finished = threading.Event(), threading.Event()

    @api.route("/blocking")
    def blocking(req, resp):
        release.wait(NEVER)  # a thread cannot be cancelled: it waits on
        resp.status_code = 200
        resp.text = "too late"
        resp.headers["x-late"] = "yes"
        finished.set()

    r = api.requests.get("/blocking")  # answered while the view still blocks
    assert r.status_code == 504
    assert "x-late" not in r.headers
    assert not finished.is_set()
    release.set()
    assert finished.wait(5)  # the view ran to its end, in its thread, after the answer


def test_the_views_own_timeout_error_is_a_500_not_a_504():
    api = responder.API(request_timeout=5)

    @api.route("/socket")
    async def socket(req, resp):
        raise TimeoutError("the upstream socket timed out")

    r = api.session(raise_server_exceptions=False).get("/socket")
    assert r.status_code == 500


def test_after_hooks_run_on_the_504_and_an_exception_handler_can_answer_it():
    api = responder.API(request_timeout=DEADLINE)
    hooked = []

    @api.after_request()
    def after(req, resp):
        hooked.append(resp.status_code)

    @api.exception_handler(RequestTimeout)
    def late(req, resp, exc):
        resp.status_code = 503
        resp.headers["retry-after"] = "3"
        resp.media = {"try": "later", "after": exc.seconds}

    @api.route("/slow")
    async def slow(req, resp):
        resp.headers["x-half-done"] = "yes"
        await asyncio.sleep(NEVER)

    r = api.requests.get("/slow")
    assert (r.status_code, r.headers["retry-after"]) == (503, "3")
    assert r.json() == {"try": "later", "after": DEADLINE}
    assert "x-half-done" not in r.headers  # answered on a fresh response
    assert hooked == [503]


def test_a_stream_is_not_covered_by_the_deadline():
    api = responder.API(request_timeout=DEADLINE)

    @api.route("/events")
    async def events(req, resp):
        @resp.stream
        async def body():
            yield "first "
            await asyncio.sleep(DEADLINE * 3)  # longer than the deadline, while sending
            yield "last"

    r = api.requests.get("/events")
    assert (r.status_code, r.text) == (200, "first last")


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan"), "30", True])
def test_a_bad_timeout_is_refused_when_the_api_or_route_is_made(bad):
    with pytest.raises(ValueError, match="timeout"):
        responder.API(request_timeout=bad)
    api = responder.API()
    with pytest.raises(ValueError, match="timeout"):
        api.add_route("/x", lambda req, resp: None, timeout=bad)
