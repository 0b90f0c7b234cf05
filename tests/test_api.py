from contextlib import asynccontextmanager

import pytest

import responder
from responder import status_codes


def test_api_is_an_asgi_callable():
    import inspect

    assert inspect.iscoroutinefunction(responder.API().__call__)


def test_lifespan_context_runs_around_the_client_session():
    events = []

    @asynccontextmanager
    async def lifespan(app):
        events.append(("startup", app))
        yield {"db": "connected"}
        events.append(("shutdown", app))

    api = responder.API(lifespan=lifespan)

    @api.route("/")
    def view(req, resp):
        resp.media = {"db": req.state.db}

    with api.requests as session:
        assert events == [("startup", api)]
        assert session.get("http://;/").json() == {"db": "connected"}
    assert events == [("startup", api), ("shutdown", api)]


def test_on_event_handlers_sync_and_async_run_in_order(api):
    events = []

    @api.on_event("startup")
    async def start():
        events.append("async startup")

    @api.on_event("startup")
    def start_sync():
        events.append("sync startup")

    api.add_event_handler("shutdown", lambda: events.append("shutdown"))

    @api.route("/")
    def view(req, resp):
        resp.media = {"started": events[:2] == ["async startup", "sync startup"]}

    with api.requests as session:
        assert session.get("/").json() == {"started": True}
    assert events[-1] == "shutdown"


def test_unknown_event_is_refused(api):
    with pytest.raises(ValueError):
        api.on_event("teatime")


def test_failing_startup_stops_the_client_from_starting():
    @asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("no database")
        yield

    api = responder.API(lifespan=lifespan)
    with pytest.raises(RuntimeError, match="no database"), api.requests:
        pass


def test_without_with_block_lifespan_does_not_run(api):
    started = []
    api.on_event("startup")(lambda: started.append(True))
    api.add_route("/", lambda req, resp: None)
    api.requests.get("/")
    assert started == []


def test_requests_is_shared_and_session_is_new(api):
    assert api.requests is api.requests
    assert api.session() is not api.session()


def test_status_codes_are_constants_with_helpers(api):
    assert status_codes.HTTP_416 == 416
    assert api.status_codes.HTTP_200 == 200
    assert responder.API.status_codes is status_codes
    assert status_codes.is_100(101) and not status_codes.is_100(200)
    assert status_codes.is_200(204) and not status_codes.is_200(300)
    assert status_codes.is_300(301) and not status_codes.is_300(400)
    assert status_codes.is_400(404) and not status_codes.is_400(500)
    assert status_codes.is_500(503) and not status_codes.is_500(600)


def test_every_listed_status_constant_exists():
    for name in status_codes.__all__:
        assert hasattr(status_codes, name)
    constants = [n for n in status_codes.__all__ if n.startswith("HTTP_")]
    assert all(getattr(status_codes, n) == int(n[5:]) for n in constants)


def test_middleware_wraps_the_app_last_added_outermost(api):
    class Tag:
        def __init__(self, app, name):
            self.app, self.name = app, name

        async def __call__(self, scope, receive, send):
            async def tagged(message):
                if message["type"] == "http.response.start":
                    message["headers"].append((b"x-order", self.name.encode()))
                await send(message)

            await self.app(scope, receive, tagged)

    api.add_middleware(Tag, name="inner")
    api.add_middleware(Tag, name="outer")
    api.add_route("/", lambda req, resp: None)
    assert api.requests.get("/").headers.get_list("x-order") == ["inner", "outer"]
    with pytest.raises(RuntimeError):
        api.add_middleware(Tag, name="late")


def test_a_route_needs_a_path(api):
    with pytest.raises(TypeError):
        api.add_route(None, lambda req, resp: None)


class FakeUvicorn:
    def __init__(self):
        self.calls = []

    def run(self, app, **kwargs):
        self.calls.append((app, kwargs))


@pytest.fixture
def fake_uvicorn(monkeypatch):
    import uvicorn

    fake = FakeUvicorn()
    monkeypatch.setattr(uvicorn, "run", fake.run)
    monkeypatch.delenv("PORT", raising=False)
    return fake


def test_run_defaults_to_loopback_5042(api, fake_uvicorn):
    api.run()
    app, kwargs = fake_uvicorn.calls[0]
    assert app is api
    assert (kwargs["host"], kwargs["port"]) == ("127.0.0.1", 5042)


def test_port_env_binds_all_interfaces(api, fake_uvicorn, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    api.serve()
    kwargs = fake_uvicorn.calls[0][1]
    assert (kwargs["host"], kwargs["port"]) == ("0.0.0.0", 8123)


def test_explicit_port_wins_over_port_env(api, fake_uvicorn, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    api.run(address="127.0.0.1", port=9000, workers=1)
    kwargs = fake_uvicorn.calls[0][1]
    assert (kwargs["host"], kwargs["port"], kwargs["workers"]) == ("127.0.0.1", 9000, 1)


def test_constructor_stores_later_configuration():
    api = responder.API(
        title="Pets",
        version="1.0",
        openapi="3.0.2",
        docs_route="/docs",
        secret_key="s",
        cors=True,
        cors_params={"allow_origins": ["*"]},
        allowed_hosts=["example.com"],
    )
    assert (api.title, api.version, api.openapi_version, api.docs_route) == (
        "Pets",
        "1.0",
        "3.0.2",
        "/docs",
    )
    assert api.cors_params == {"allow_origins": ["*"]}


def test_websocket_route_and_hook(api):
    @api.before_request(websocket=True)
    async def accept(ws):
        await ws.accept()

    @api.route("/ws/{name}", websocket=True)
    async def greet(ws, *, name):
        await ws.send_text(f"hello, {name}")
        await ws.close()

    with api.requests.websocket_connect("/ws/ann") as ws:
        assert ws.receive_text() == "hello, ann"


def test_unknown_websocket_path_closes_the_handshake(api):
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect), api.requests.websocket_connect("/nope"):
        pass


def test_debug_can_be_switched_after_construction():
    api = responder.API()
    api.add_route("/fail", lambda req, resp: 1 / 0)
    api.debug = True
    r = api.session(raise_server_exceptions=False).get("/fail")
    assert "ZeroDivisionError" in r.json()["detail"]
