"""Request IDs: generated, forwarded when sane, replaced when not, on every response."""

import re
from contextlib import asynccontextmanager

import pytest

import responder
from responder.layers import RequestIDLayer
from responder.layers.request_id import is_sane_request_id

from .asgi import call, headers_of, http_scope

HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(params=["alone", "observed"])
def id_options(request):
    """Request IDs from their own layer, and from the observing layer (logging on)."""
    if request.param == "alone":
        return {"request_id": True}
    return {"request_id": True, "enable_logging": True}


@pytest.fixture
def api(id_options):
    api = responder.API(**id_options)

    @api.route("/", methods=["GET"])
    def home(req, resp):
        resp.media = {"id": req.state.request_id}

    @api.route("/boom")
    def boom(req, resp):
        raise RuntimeError("kaput")

    return api


def test_a_new_id_is_generated_and_shared_with_the_view(api):
    r = api.requests.get("/")
    assert HEX32.fullmatch(r.headers["x-request-id"])
    assert r.json()["id"] == r.headers["x-request-id"]
    assert api.requests.get("/").headers["x-request-id"] != r.headers["x-request-id"]


@pytest.mark.parametrize(
    "sent",
    [
        "abc",
        "7f3c2a1e-1d2b-4c5d-9e8f-0a1b2c3d4e5f",
        "01HZX3J7Q8R9S0T1V2W3X4Y5Z6",
        "svc.api:42_a-b",
        "x" * 128,
        "0",
    ],
)
def test_a_sane_incoming_id_is_forwarded(api, sent):
    r = api.requests.get("/", headers={"X-Request-ID": sent})
    assert r.headers["x-request-id"] == sent
    assert r.json()["id"] == sent


@pytest.mark.parametrize(
    "sent",
    [
        "x" * 129,  # too long
        "",  # empty
        "has space",
        "semi;colon",
        "slash/",
        "quote'",
        '"quoted"',
        "<script>",
        "tab\there",
        "comma,list",
    ],
)
def test_an_insane_incoming_id_is_replaced(api, sent):
    r = api.requests.get("/", headers={"X-Request-ID": sent})
    assert HEX32.fullmatch(r.headers["x-request-id"])
    assert r.json()["id"] == r.headers["x-request-id"]


@pytest.mark.parametrize(
    "sent",
    [b"abc\r\nSet-Cookie: evil=1", b"abc\ndef", b"abc\r", b"caf\xc3\xa9", b"\x00", b"a\x7f"],
)
def test_raw_bytes_and_line_breaks_are_replaced(sent):
    layer = RequestIDLayer(_echo_state)
    messages = call(layer, http_scope(headers=[(b"x-request-id", sent)]))
    headers = headers_of(messages)
    assert HEX32.fullmatch(headers[b"x-request-id"].decode())
    assert b"set-cookie" not in headers


def test_two_incoming_ids_are_ambiguous_and_replaced():
    layer = RequestIDLayer(_echo_state)
    twice = [(b"x-request-id", b"one"), (b"x-request-id", b"two")]
    headers = headers_of(call(layer, http_scope(headers=twice)))
    assert HEX32.fullmatch(headers[b"x-request-id"].decode())


def test_sanity_rule():
    assert is_sane_request_id(b"a" * 128)
    assert not is_sane_request_id(b"a" * 129)
    assert not is_sane_request_id(b"abc\n")  # no $-before-newline loophole


async def _echo_state(scope, receive, send):
    body = scope["state"]["request_id"].encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def test_the_id_is_on_error_responses(api):
    r = api.requests.get("/nowhere", headers={"X-Request-ID": "trace-404"})
    assert r.status_code == 404
    assert r.headers["x-request-id"] == "trace-404"
    r = api.requests.delete("/", headers={"X-Request-ID": "trace-405"})
    assert (r.status_code, r.headers["x-request-id"]) == (405, "trace-405")
    client = api.session(raise_server_exceptions=False)
    r = client.get("/boom", headers={"X-Request-ID": "trace-500"})
    assert r.status_code == 500
    assert r.headers["x-request-id"] == "trace-500"


def test_the_id_is_on_answers_other_layers_give(id_options):
    api = responder.API(
        **id_options,
        allowed_hosts=["example.com"],
        enable_hsts=True,
        cors=True,
    )
    bad_host = api.requests.get("/", headers={"Host": "evil.com", "X-Request-ID": "h"})
    assert (bad_host.status_code, bad_host.headers["x-request-id"]) == (400, "h")
    redirect = api.requests.get(
        "/", headers={"Host": "example.com", "X-Request-ID": "r"}, follow_redirects=False
    )
    assert (redirect.status_code, redirect.headers["x-request-id"]) == (301, "r")
    preflight = api.session(base_url="https://example.com").options(
        "/",
        headers={
            "Origin": "https://a.test",
            "Access-Control-Request-Method": "GET",
            "X-Request-ID": "p",
        },
    )
    assert (preflight.status_code, preflight.headers["x-request-id"]) == (403, "p")


def test_the_app_cannot_send_a_different_id(api):
    @api.route("/own")
    def own(req, resp):
        resp.headers["X-Request-ID"] = "mine"
        resp.text = req.state.request_id

    r = api.requests.get("/own")
    assert r.headers.get_list("x-request-id") == [r.text]


def test_lifespan_state_is_kept_alongside(id_options):
    @asynccontextmanager
    async def lifespan(api):
        yield {"db": "connected"}

    api = responder.API(**id_options, lifespan=lifespan)

    @api.route("/")
    def home(req, resp):
        resp.media = {"db": req.state.db, "id": req.state.request_id}

    with api.session() as client:
        r = client.get("/", headers={"X-Request-ID": "with-state"})
        assert r.json() == {"db": "connected", "id": "with-state"}
        assert "request_id" not in client.app_state  # per request, not shared


def test_websockets_get_an_id_too(id_options):
    api = responder.API(**id_options)

    @api.route("/ws", websocket=True)
    async def ws_view(ws):
        await ws.accept()
        await ws.send_text(ws.state.request_id)
        await ws.close()

    with api.requests.websocket_connect("/ws", headers={"X-Request-ID": "ws-1"}) as ws:
        assert ws.receive_text() == "ws-1"
        assert (b"x-request-id", b"ws-1") in [tuple(h) for h in ws.extra_headers]


def test_lifespan_passes_through(id_options):
    events = []
    api = responder.API(**id_options)
    api.add_event_handler("startup", lambda: events.append("up"))
    with api.session():
        assert events == ["up"]


def test_with_an_observer_the_observing_layer_assigns_the_ids_itself():
    """One send wrapper per request, not two: no request-ID layer of its own."""
    from responder.layers.observe import ObserveLayer

    api = responder.API(enable_logging=True)
    stack = api.middleware_stack
    assert type(stack) is ObserveLayer
    assert not isinstance(stack.app, RequestIDLayer)
    assert responder.API(request_id=True).middleware_stack.__class__ is RequestIDLayer


def _layers(app):
    """``app`` behind each layer that assigns request IDs."""
    from responder.layers.observe import ObserveLayer

    return [RequestIDLayer(app), ObserveLayer(app, request_ids=True)]


@pytest.mark.parametrize("position", [0, 1])
def test_a_prebuilt_start_message_is_tagged_anew_each_time_and_left_as_it_was(position):
    prebuilt = [(b"content-type", b"text/plain"), (b"content-length", b"2")]

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": prebuilt})
        await send({"type": "http.response.body", "body": b"ok"})

    layer = _layers(app)[position]
    first = headers_of(call(layer, http_scope()))[b"x-request-id"]
    second = headers_of(call(layer, http_scope()))[b"x-request-id"]
    assert HEX32.fullmatch(first.decode()) and HEX32.fullmatch(second.decode())
    assert first != second
    assert prebuilt == [(b"content-type", b"text/plain"), (b"content-length", b"2")]


@pytest.mark.parametrize("position", [0, 1])
def test_an_id_the_app_set_in_any_case_is_replaced_by_the_requests(position):
    async def app(scope, receive, send):
        headers = [(b"X-Request-ID", b"mine"), (b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    scope = http_scope(headers=[(b"host", b"example.com"), (b"x-request-id", b"theirs")])
    headers = headers_of(call(_layers(app)[position], scope))  # asserts no duplicates
    assert headers[b"x-request-id"] == b"theirs"
