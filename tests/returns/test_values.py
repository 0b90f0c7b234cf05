"""A view may return its answer: what each value becomes, in every format, for every view kind."""

from __future__ import annotations

import logging

import msgpack
import pytest
import yaml

import responder
from responder.media import MediaHandler

from .models import Item, Point

FORMATS = {
    "application/json": lambda body: __import__("json").loads(body),
    "application/x-yaml": yaml.safe_load,
    "application/x-msgpack": lambda body: msgpack.unpackb(body, raw=False),
}

MEDIA_VALUES = [
    pytest.param(
        lambda: {"name": "lamp", "price": 3.5}, {"name": "lamp", "price": 3.5}, id="dict"
    ),
    pytest.param(lambda: [1, "two", None], [1, "two", None], id="list"),
    pytest.param(lambda: Item(name="lamp", price=3.5), {"name": "lamp", "price": 3.5}, id="model"),
    pytest.param(lambda: Point(1, 2), {"x": 1, "y": 2}, id="dataclass"),
]


@pytest.mark.parametrize("accept", list(FORMATS))
@pytest.mark.parametrize(("make", "expected"), MEDIA_VALUES)
def test_returned_media_is_encoded_in_the_negotiated_format(accept, make, expected):
    api = responder.API()

    @api.route("/")
    async def view(req, resp):
        return make()

    r = api.requests.get("/", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(accept)
    assert FORMATS[accept](r.content) == expected


class Lines(MediaHandler):
    media_types = ("text/x-lines",)
    format = "lines"

    def serialize(self, obj):
        return "".join(f"{item}\n" for item in obj).encode()

    def deserialize(self, data, *, charset=None, **options):
        return data.decode().splitlines()


def test_returned_media_goes_through_a_custom_format():
    api = responder.API()
    api.media.register(Lines())

    @api.route("/")
    async def view(req, resp):
        return ["a", "b"]

    r = api.requests.get("/", headers={"Accept": "text/x-lines"})
    assert (r.headers["content-type"], r.text) == ("text/x-lines", "a\nb\n")


def test_a_returned_str_is_text_and_bytes_are_content():
    api = responder.API()

    @api.route("/text")
    def text(req, resp):
        return "héllo"

    @api.route("/bytes")
    async def raw(req, resp):
        return b"\x00\xff"

    r = api.requests.get("/text")
    assert (r.headers["content-type"], r.text) == ("text/plain; charset=utf-8", "héllo")
    r = api.requests.get("/bytes")
    assert (r.headers["content-type"], r.content) == ("application/octet-stream", b"\x00\xff")


def test_body_and_status_tuple_and_body_status_headers_tuple():
    api = responder.API()

    @api.route("/two")
    async def two(req, resp):
        return {"created": True}, 201

    @api.route("/three")
    def three(req, resp):
        return "gone", 410, {"X-Reason": "moved away"}

    @api.route("/empty")
    async def empty(req, resp):
        return None, 204, {"X-Done": "yes"}

    r = api.requests.get("/two")
    assert (r.status_code, r.json()) == (201, {"created": True})
    r = api.requests.get("/three")
    assert (r.status_code, r.text, r.headers["x-reason"]) == (410, "gone", "moved away")
    r = api.requests.get("/empty")
    assert (r.status_code, r.content, r.headers["x-done"]) == (204, b"", "yes")


def test_returning_none_or_resp_keeps_what_the_view_set():
    api = responder.API()

    @api.route("/none")
    async def none(req, resp):
        resp.media = {"set": "by mutation"}
        resp.status_code = 202

    @api.route("/resp")
    def itself(req, resp):
        resp.text = "kept"
        return resp

    r = api.requests.get("/none")
    assert (r.status_code, r.json()) == (202, {"set": "by mutation"})
    assert api.requests.get("/resp").text == "kept"


def test_a_returned_value_replaces_what_the_view_set_before():
    api = responder.API()

    @api.route("/")
    async def view(req, resp):
        resp.text = "draft"
        resp.headers["X-Kept"] = "1"
        return {"final": True}

    r = api.requests.get("/")
    assert r.json() == {"final": True}
    assert r.headers["x-kept"] == "1"


class Resource:
    def on_get(self, req, resp, *, id):
        return {"id": id, "kind": "class"}

    async def on_post(self, req, resp, *, id):
        return {"id": id}, 201


class AsyncOnly:
    async def on_request(self, req, resp, *, id):
        return f"on_request {id}"


@pytest.mark.parametrize("endpoint", [Resource, Resource()], ids=["class", "instance"])
def test_resource_responders_return_values(endpoint):
    api = responder.API()
    api.add_route("/things/{id:int}", endpoint)
    assert api.requests.get("/things/3").json() == {"id": 3, "kind": "class"}
    r = api.requests.post("/things/4")
    assert (r.status_code, r.json()) == (201, {"id": 4})


def test_an_on_request_only_resource_answers_with_its_return_value():
    api = responder.API()
    api.add_route("/things/{id}", AsyncOnly)
    assert api.requests.delete("/things/x").text == "on_request x"


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_on_request_value_is_settled_then_the_responder_may_replace_it(sync):
    class Sync:
        def on_request(self, req, resp):
            return {"from": "on_request"}

        def on_get(self, req, resp):
            return None

        def on_post(self, req, resp):
            return {"from": "on_post"}

    class Async:
        async def on_request(self, req, resp):
            return {"from": "on_request"}

        async def on_get(self, req, resp):
            return None

        async def on_post(self, req, resp):
            return {"from": "on_post"}

    api = responder.API()
    api.add_route("/", Sync if sync else Async)
    assert api.requests.get("/").json() == {"from": "on_request"}
    assert api.requests.post("/").json() == {"from": "on_post"}


def mark(req, resp, resource, params):
    resp.headers["X-Before"] = "ran"


def seen(req, resp, resource):
    # After hooks see what the view returned, already on resp.
    resp.headers["X-Seen"] = str(resp.media)


@pytest.mark.parametrize("is_async", [True, False], ids=["async", "sync"])
def test_returned_values_with_hooks_are_on_resp_before_the_after_hooks(is_async):
    api = responder.API()
    if is_async:

        async def view(req, resp):
            return {"a": 1}
    else:

        def view(req, resp):
            return {"a": 1}

    api.add_route("/", responder.after(seen)(responder.before(mark)(view)))
    r = api.requests.get("/")
    assert r.json() == {"a": 1}
    assert (r.headers["x-before"], r.headers["x-seen"]) == ("ran", "{'a': 1}")


def test_a_before_hook_that_answers_skips_the_view_and_its_value():
    def deny(req, resp, resource, params):
        resp.status_code = 403
        resp.text = "no"

    @responder.before(deny)
    class Guarded:
        def on_get(self, req, resp):
            return {"secret": True}

    api = responder.API()
    api.add_route("/", Guarded)
    r = api.requests.get("/")
    assert (r.status_code, r.text) == (403, "no")


def test_a_sync_view_value_comes_back_from_the_thread_pool():
    api = responder.API()

    @api.route("/{n:int}")
    def view(req, resp, *, n):
        return {"n": n}

    assert api.requests.get("/7").json() == {"n": 7}


def test_head_gets_the_status_and_headers_of_a_returned_value_without_body():
    api = responder.API()

    @api.route("/", methods=["GET"])
    async def view(req, resp):
        return {"a": 1}, 200, {"X-A": "1"}

    r = api.requests.head("/")
    assert (r.status_code, r.content, r.headers["x-a"]) == (200, b"", "1")


NO_RESPONSES = [
    pytest.param(lambda: 42, "int", id="int"),
    pytest.param(lambda: {1, 2}, "set", id="set"),
    pytest.param(lambda: object(), "object", id="object"),
    pytest.param(lambda: iter([1]), "list_iterator", id="iterator"),
]


@pytest.mark.parametrize(("make", "kind"), NO_RESPONSES)
def test_a_value_that_is_no_response_is_ignored_as_in_33_and_logged_once(make, kind, caplog):
    api = responder.API()

    def sloppy_view(req, resp):
        resp.text = "set by the view"
        return make()

    api.add_route("/", sloppy_view)
    with caplog.at_level(logging.WARNING, logger="responder"):
        for _ in range(3):
            r = api.requests.get("/")
            assert (r.status_code, r.text) == (200, "set by the view")
    warnings = [m for m in caplog.messages if "sloppy_view returned" in m]
    assert len(warnings) == 1
    assert f"of type {kind}, which is no response: it is ignored" in warnings[0]


BAD_TUPLES = [
    pytest.param(lambda: ({"a": 1}, "201"), "'201' as the status", id="str-status"),
    pytest.param(lambda: ({"a": 1}, 999), "999 as the status", id="status-range"),
    pytest.param(lambda: ({"a": 1}, 200, [("X", "1")]), "headers of type list", id="headers"),
    pytest.param(lambda: (1, 2, 3, 4), "tuple of 4 items", id="long-tuple"),
]


@pytest.mark.parametrize(("make", "said"), BAD_TUPLES)
def test_a_malformed_tuple_is_a_500_naming_the_view(make, said):
    api = responder.API()

    def broken_view(req, resp):
        return make()

    api.add_route("/", broken_view)
    r = api.session(raise_server_exceptions=False).get("/")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert "broken_view" not in r.text  # nothing about the code leaks without debug
    with pytest.raises(TypeError, match=f"broken_view returned .*{said}"):
        api.requests.get("/")


def test_debug_shows_which_view_returned_what():
    api = responder.API(debug=True)

    @api.route("/")
    async def sloppy(req, resp):
        return {"a": 1}, "ok"

    r = api.session(raise_server_exceptions=False).get("/")
    assert r.status_code == 500
    assert "sloppy returned 'ok' as the status" in r.json()["detail"]


def test_views_that_mutate_resp_work_unchanged():
    api = responder.API()

    @api.route("/{who}")
    async def hello(req, resp, *, who):
        resp.media = {"hello": who}

    class Old:
        def on_get(self, req, resp):
            resp.text = "old style"

    api.add_route("/old/style", Old)
    assert api.requests.get("/world").json() == {"hello": "world"}
    assert api.requests.get("/old/style").text == "old style"
