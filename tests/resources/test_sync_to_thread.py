"""``sync_to_thread=False``: a route's sync views run on the event loop, by explicit opt-in."""

from __future__ import annotations

import concurrent.futures
import time

import httpx2 as httpx
import pytest

import responder
from tests.e2e.server import live_uvicorn
from tests.resources.threads_app import api


@pytest.fixture(scope="module")
def client():
    return api.requests


def test_a_sync_view_runs_on_a_worker_thread_by_default(client):
    assert client.get("/async").text == "loop"
    assert client.get("/threaded").text.startswith("responder-")


@pytest.mark.parametrize("path", ["/inline", "/inline-verb", "/r/inline"])
def test_an_opted_in_sync_view_runs_on_the_loop(client, path):
    assert client.get(path).text == "loop"


def test_typed_parameters_are_filled_for_an_inline_view(client):
    body = client.get("/inline/4", params={"scale": 3}).json()
    assert body == {"n": 12, "thread": "loop"}
    assert client.get("/inline/4", params={"scale": "x"}).status_code == 422


def test_a_resource_class_runs_on_request_and_its_responder_on_the_loop(client):
    response = client.get("/inline-class")
    assert response.text == "loop"
    assert response.headers["x-first"] == "loop"


def test_the_option_takes_only_a_bool():
    api = responder.API()
    with pytest.raises(TypeError, match="sync_to_thread must be True or False"):
        api.add_route("/x", lambda req, resp: None, sync_to_thread="no")


def test_an_async_view_is_unchanged_by_the_option():
    api = responder.API()

    @api.route("/", sync_to_thread=False)
    async def view(req, resp):
        resp.text = "async"

    assert api.requests.get("/").text == "async"


def test_over_a_real_server_an_inline_view_answers_and_blocking_in_it_holds_up_the_worker():
    with live_uvicorn("tests.resources.threads_app:api") as server:
        base = server.url
        assert httpx.get(f"{base}/inline").text == "loop"
        assert httpx.get(f"{base}/threaded").text.startswith("responder-")
        # The documented risk: while an inline view sleeps, the loop answers nobody.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            sleeping = pool.submit(
                httpx.get, f"{base}/inline-sleep", params={"s": "1"}, timeout=10
            )
            time.sleep(0.2)  # let the sleeping request reach the view first
            waited_from = time.monotonic()
            assert httpx.get(f"{base}/async", timeout=10).status_code == 200
            waited = time.monotonic() - waited_from
            assert sleeping.result().text == "slept"
        assert waited > 0.3


def test_a_timeout_cannot_cut_an_inline_view_short_but_does_a_threaded_one():
    api = responder.API()

    @api.route("/inline", sync_to_thread=False, timeout=0.05)
    def inline(req, resp):
        time.sleep(0.3)  # holds up the loop that keeps the deadline
        resp.text = "late"

    @api.route("/threaded", timeout=0.05)
    def threaded(req, resp):
        time.sleep(0.3)
        resp.text = "late"

    assert api.requests.get("/inline").text == "late"
    assert api.requests.get("/threaded").status_code == 504
