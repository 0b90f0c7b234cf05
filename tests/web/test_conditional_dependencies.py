"""``@responder.conditional`` validators that take dependencies, as views do."""

import asyncio
import threading
from typing import Annotated

import pytest

import responder
from responder import Depends

DOCS = {"1": 3}


def _raw_get(api, path, headers=(), events=None):
    """Call the app over raw ASGI, recording each message sent into ``events``."""

    async def send(message):
        events.append(message["type"])
        if message["type"] == "http.response.start":
            events.append(message["status"])

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
        "root_path": "",
    }
    asyncio.run(api(scope, receive, send))


def _generator_api(events, *, is_async):
    """A route whose validator (sync or async) reads a store from a generator provider."""
    api = responder.API()

    def store():
        events.append("open")
        yield DOCS
        events.append("close")

    def sync_tag(req, params, docs=Depends(store)):
        return f"v{docs[params['id']]}"

    async def async_tag(req, params, docs: Annotated[dict, Depends(store)]):
        return f"v{docs[params['id']]}"

    @api.route("/docs/{id}", methods=["GET"])
    @responder.conditional(etag=async_tag if is_async else sync_tag)
    def read(req, resp, *, id):
        events.append("view")
        resp.text = "doc"

    return api


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_a_validator_gets_a_generator_dependency_torn_down_after_the_response(is_async):
    events = []
    api = _generator_api(events, is_async=is_async)
    _raw_get(api, "/docs/1", events=events)
    assert events == ["open", "view", "http.response.start", 200, "http.response.body", "close"]


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_a_304_skips_the_view_and_still_tears_down(is_async):
    events = []
    api = _generator_api(events, is_async=is_async)
    _raw_get(api, "/docs/1", headers=[("If-None-Match", '"v3"')], events=events)
    assert events == ["open", "http.response.start", 304, "http.response.body", "close"]
    r = api.requests.get("/docs/1", headers={"If-None-Match": '"v3"'})
    assert r.status_code == 304 and r.headers["etag"] == '"v3"'


def test_a_named_dependency_reaches_the_validator():
    api = responder.API()
    api.add_dependency("versions", lambda: {"1": 9})

    def tag(req, params, versions):
        return f"v{versions[params['id']]}"

    @api.route("/docs/{id}")
    @responder.conditional(etag=tag)
    class Doc:
        def on_get(self, req, resp, *, id):
            resp.text = "doc"

    assert api.requests.get("/docs/1").headers["etag"] == '"v9"'
    assert api.requests.get("/docs/1", headers={"If-None-Match": '"v9"'}).status_code == 304


def test_one_provider_in_validators_and_view_runs_once_per_request():
    api = responder.API()
    calls = []

    async def connection():
        calls.append("connect")
        return {"1": 2}

    def tag(req, params, conn=Depends(connection)):
        return f"v{conn[params['id']]}"

    async def changed(req, params, conn=Depends(connection)):
        return "Wed, 01 May 2024 12:00:00 GMT"

    @api.route("/docs/{id}")
    @responder.conditional(etag=tag, last_modified=changed)
    async def read(req, resp, *, id, conn=Depends(connection)):
        resp.media = conn

    r = api.requests.get("/docs/1")
    assert r.json() == {"1": 2} and r.headers["etag"] == '"v2"'
    assert r.headers["last-modified"] == "Wed, 01 May 2024 12:00:00 GMT"
    assert calls == ["connect"]
    api.requests.get("/docs/1")
    assert calls == ["connect", "connect"]  # per request, not per app


def test_a_sync_validator_with_dependencies_runs_in_the_thread_pool():
    api = responder.API()
    threads = {}

    async def on_the_loop():
        threads["loop"] = threading.get_ident()
        return "v1"

    def tag(req, params, value=Depends(on_the_loop)):
        threads["validator"] = threading.get_ident()
        return value

    @api.route("/doc")
    @responder.conditional(etag=tag)
    async def read(req, resp):
        resp.text = "doc"

    assert api.requests.get("/doc").headers["etag"] == '"v1"'
    assert threads["validator"] != threads["loop"]


def test_a_provider_that_refuses_answers_with_its_error():
    api = responder.API()

    def token(req):
        if req.headers.get("x-token") != "ok":
            raise responder.HTTPForbidden(detail="no token")
        return "ok"

    @api.route("/doc", methods=["PUT"])
    @responder.conditional(etag=lambda req, params, t=Depends(token): "v1")
    def change(req, resp):
        resp.text = "changed"

    r = api.requests.put("/doc", headers={"If-Match": '"v1"'})
    assert r.status_code == 403 and r.json()["detail"] == "no token"
    ok = api.requests.put("/doc", headers={"If-Match": '"v1"', "X-Token": "ok"})
    assert ok.text == "changed"


def test_overrides_reach_a_validators_dependencies():
    api = responder.API()

    def version():
        return "real"

    @api.route("/doc")
    @responder.conditional(etag=lambda req, params, v=Depends(version): v)
    def read(req, resp):
        resp.text = "doc"

    with api.dependency_overrides({version: lambda: "fake"}):
        assert api.requests.get("/doc").headers["etag"] == '"fake"'
    assert api.requests.get("/doc").headers["etag"] == '"real"'


def test_one_decorated_class_binds_to_each_api_on_its_own():
    def tag(req, params, version):
        return version

    @responder.conditional(etag=tag)
    class Doc:
        def on_get(self, req, resp):
            resp.text = "doc"

    one, two = responder.API(), responder.API()
    one.add_dependency("version", lambda: "one")
    two.add_dependency("version", lambda: "two")
    one.add_route("/doc", Doc)
    two.add_route("/doc", Doc)
    assert one.requests.get("/doc").headers["etag"] == '"one"'
    assert two.requests.get("/doc").headers["etag"] == '"two"'


def test_a_keyword_with_a_plain_default_keeps_it():
    api = responder.API()

    @api.route("/doc")
    @responder.conditional(etag=lambda req, params, prefix="p": f"{prefix}1")
    def read(req, resp):
        resp.text = "doc"

    assert api.requests.get("/doc").headers["etag"] == '"p1"'


def _route(api, validator, role="etag"):
    @api.route("/docs/{id}")
    @responder.conditional(**{role: validator})
    def read(req, resp, *, id):
        resp.text = "doc"


def _cycle_a(b=None):
    return b


def _cycle_b(a=Depends(_cycle_a)):
    return a


_cycle_a.__defaults__ = (Depends(_cycle_b),)


def test_an_unknown_keyword_is_refused_at_registration_naming_the_validator(api):
    def doc_tag(req, params, db):
        return "v1"

    with pytest.raises(responder.DependencyResolutionError) as caught:
        _route(api, doc_tag)
    message = str(caught.value)
    assert "@conditional(etag=" in message and "doc_tag" in message
    assert "'db'" in message and "/docs/{id}" in message
    assert "add_dependency('db'" in message


def test_a_cycle_is_refused_at_registration_naming_the_validator(api):
    def changed(req, params, a=Depends(_cycle_a)):
        return None

    with pytest.raises(responder.DependencyCycleError) as caught:
        _route(api, changed, role="last_modified")
    assert "@conditional(last_modified=" in str(caught.value)
    assert "changed" in str(caught.value) and "cycle" in str(caught.value)


def test_a_provider_needing_a_websocket_is_refused(api):
    def socket_only(ws):
        return ws

    with pytest.raises(responder.DependencyResolutionError, match="needs ws"):
        _route(api, lambda req, params, s=Depends(socket_only): "v1")
