"""One problem renderer: the same error and ``Accept`` give the same answer wherever it is raised.

Every caller (a view, static files, the trusted-hosts, HTTPS and CORS layers,
the rate limiter, a refused WebSocket handshake) is compared with
:func:`responder.problems.render_problem` for the same error: status, every
header it writes, and the body bytes.
"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import msgpack
import pytest
import yaml

import responder
from responder.errors import (
    HTTPBadRequest,
    HTTPError,
    HTTPForbidden,
    HTTPMethodNotAllowed,
    HTTPNotFound,
)
from responder.ext.ratelimit import MemoryStore, RateLimiter
from responder.layers import HSTSLayer, TrustedHostLayer
from responder.media import MediaRegistry
from responder.problems import render_problem

from .layers.asgi import body_of, call, http_scope, start_of

ACCEPTS = [
    None,
    "application/json",
    "application/yaml",
    "application/msgpack",
    "application/yaml;q=0.5, application/msgpack",
    "text/html",  # nothing fits: JSON
]

NO_SUCH_FILE = "No such file."


def assert_answered_with(
    status: int, headers: dict[str, str], body: bytes, error: HTTPError, accept: str | None
) -> None:
    """The answer is what render_problem writes for ``error`` and ``accept``."""
    want_status, want_headers, want_body = render_problem(error, MediaRegistry(), accept)
    assert status == want_status
    got = {name.lower(): value for name, value in headers.items()}
    for name, value in want_headers:
        assert got[name.decode("latin-1")] == value.decode("latin-1"), name
    assert body == want_body


def get(client: Any, path: str, accept: str | None, **kwargs: Any) -> Any:
    headers = dict(kwargs.pop("headers", {}))
    if accept is not None:
        headers["Accept"] = accept
    return client.request(kwargs.pop("method", "GET"), path, headers=headers, **kwargs)


def of_messages(messages: list[dict[str, Any]]) -> tuple[int, dict[str, str], bytes]:
    start = start_of(messages)
    headers = {bytes(k).decode("latin-1"): bytes(v).decode("latin-1") for k, v in start["headers"]}
    return start["status"], headers, body_of(messages)


@pytest.fixture
def api(tmp_path) -> responder.API:
    (tmp_path / "hello.txt").write_text("hi")
    api = responder.API(static_dir=str(tmp_path))

    @api.route("/missing")
    def missing(req, resp):
        raise HTTPNotFound(detail=NO_SUCH_FILE)

    return api


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_view_error_is_what_render_problem_writes(api, accept):
    r = get(api.requests, "/missing", accept)
    assert_answered_with(
        r.status_code, r.headers, r.content, HTTPNotFound(detail=NO_SUCH_FILE), accept
    )


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_static_miss_answers_as_a_view_does(api, accept):
    static = get(api.requests, "/static/nope.txt", accept)
    view = get(api.requests, "/missing", accept)
    assert (static.status_code, static.content) == (view.status_code, view.content)
    assert static.headers["content-type"] == view.headers["content-type"]
    assert static.headers["vary"] == "Accept"
    assert_answered_with(
        static.status_code,
        static.headers,
        static.content,
        HTTPNotFound(detail=NO_SUCH_FILE),
        accept,
    )


@pytest.mark.parametrize(
    ("accept", "content_type", "load"),
    [
        ("application/yaml", "application/problem+yaml", yaml.safe_load),
        ("application/msgpack", "application/x-msgpack", msgpack.unpackb),
    ],
)
def test_static_405_and_404_speak_the_clients_format(api, accept, content_type, load):
    refused = api.requests.post("/static/hello.txt", headers={"Accept": accept})
    missing = api.requests.get("/static/nope.txt", headers={"Accept": accept})
    for r, status in ((refused, 405), (missing, 404)):
        assert r.headers["content-type"] == content_type
        assert load(r.content)["status"] == status
    assert refused.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_static_405_is_what_render_problem_writes(api, accept):
    r = get(api.requests, "/static/hello.txt", accept, method="DELETE")
    error = HTTPMethodNotAllowed(["GET", "HEAD"])
    assert_answered_with(r.status_code, r.headers, r.content, error, accept)


def test_a_static_miss_for_head_has_headers_only(api):
    # Raw ASGI: the test client drops a HEAD response's body before a test could see it.
    status, headers, body = of_messages(call(api, http_scope("HEAD", "/static/nope.txt")))
    got = api.requests.get("/static/nope.txt")
    assert (status, body) == (404, b"")
    assert headers["content-length"] == str(len(got.content))


def test_static_problems_follow_handlers_registered_later(api):
    from responder.media import JSONHandler

    class Vendor(JSONHandler):
        media_types = ("application/vnd.example",)
        format = "vendor"
        suffix = None

    api.media.register(Vendor())
    r = api.requests.get("/static/nope.txt", headers={"Accept": "application/vnd.example"})
    assert r.headers["content-type"] == "application/vnd.example"
    assert json.loads(r.content)["status"] == 404


@pytest.mark.parametrize("accept", ACCEPTS)
def test_an_untrusted_host_is_what_render_problem_writes(accept):
    api = responder.API(allowed_hosts=["example.com"])
    r = get(api.requests, "/", accept, headers={"Host": "evil.example"})
    error = HTTPBadRequest(detail="This server does not answer for the host in the request.")
    assert_answered_with(r.status_code, r.headers, r.content, error, accept)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_refused_websocket_handshake_carries_the_same_problem(accept):
    layer = TrustedHostLayer(_unreachable, ["example.com"], MediaRegistry())
    headers = [(b"host", b"evil.example")]
    if accept is not None:
        headers.append((b"accept", accept.encode()))
    scope = {
        "type": "websocket",
        "path": "/ws",
        "headers": headers,
        "extensions": {"websocket.http.response": {}},
    }
    status, got, body = of_messages(_run(layer, scope))
    error = HTTPBadRequest(detail="This server does not answer for the host in the request.")
    assert_answered_with(status, got, body, error, accept)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_an_https_redirect_without_a_host_is_what_render_problem_writes(accept):
    headers = [] if accept is None else [(b"accept", accept.encode())]
    messages = call(
        HSTSLayer(_unreachable, MediaRegistry()), http_scope(scheme="http", headers=headers)
    )
    error = HTTPBadRequest(detail="The request has no valid Host header to redirect to HTTPS.")
    assert_answered_with(*of_messages(messages), error, accept)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_refused_cors_preflight_is_what_render_problem_writes(accept):
    api = responder.API(cors=True, cors_params={"allow_origins": ["https://a.example"]})
    preflight = {"Origin": "https://a.example", "Access-Control-Request-Method": "PATCH"}
    r = get(api.requests, "/", accept, method="OPTIONS", headers=preflight)
    detail = json.loads(get(api.requests, "/", None, method="OPTIONS", headers=preflight).content)
    vary = r.headers["vary"].split(", ")
    assert vary[-1] == "Accept" and "Origin" in vary
    error = HTTPForbidden(detail=detail["detail"], headers={"Vary": ", ".join(vary[:-1])})
    assert_answered_with(r.status_code, r.headers, r.content, error, accept)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_rate_limited_request_is_what_render_problem_writes(accept):
    api = responder.API()
    limiter = RateLimiter(requests=1, period=60, store=MemoryStore(clock=lambda: 1000.0))
    limiter.install(api)
    with api.session() as client:
        client.get("/")
        r = get(client, "/", accept)
    retry = SimpleNamespace(retry_after_seconds=int(r.headers["retry-after"]))
    assert_answered_with(r.status_code, r.headers, r.content, limiter.too_many(retry), accept)


def test_errors_are_never_refused_for_strict_negotiation():
    api = responder.API(strict_negotiation=True)

    @api.route("/missing")
    def missing(req, resp):
        raise HTTPNotFound(detail=NO_SUCH_FILE)

    r = api.requests.get("/missing", headers={"Accept": "text/html"})
    assert_answered_with(
        r.status_code, r.headers, r.content, HTTPNotFound(detail=NO_SUCH_FILE), "text/html"
    )


def test_render_problem_merges_vary_and_keeps_the_errors_headers():
    error = HTTPError(
        429, headers={"Retry-After": "3", "Vary": "Origin", "Content-Type": "text/plain"}
    )
    status, headers, body = render_problem(error, MediaRegistry(), "application/yaml")
    assert status == 429
    assert headers == [
        (b"retry-after", b"3"),
        (b"content-type", b"application/problem+yaml"),
        (b"vary", b"Origin, Accept"),
    ]
    assert yaml.safe_load(body) == {
        "type": "about:blank",
        "title": "Too Many Requests",
        "status": 429,
    }


async def _unreachable(scope, receive, send):
    raise AssertionError("the layer let the request through")


def _run(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    return messages
