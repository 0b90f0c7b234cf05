import json
import subprocess
import sys
import textwrap
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
    assert api.layers.cors is not None and api.layers.cors.any_origin


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


def test_run_debug_turns_on_debug_and_uvicorn_debug_logging(api, fake_uvicorn):
    api.add_route("/fail", lambda req, resp: 1 / 0)
    api.run(debug=True)
    kwargs = fake_uvicorn.calls[0][1]
    assert "debug" not in kwargs  # uvicorn.run has no such argument
    assert kwargs["log_level"] == "debug"
    assert api.debug is True
    r = api.session(raise_server_exceptions=False).get("/fail")
    assert "ZeroDivisionError" in r.json()["detail"]


def test_serve_debug_and_an_explicit_log_level(api, fake_uvicorn):
    api.serve(debug=True, log_level="warning")
    assert api.debug is True
    assert fake_uvicorn.calls[0][1]["log_level"] == "warning"
    assert "debug" not in fake_uvicorn.calls[0][1]


def test_run_without_debug_leaves_the_setting_alone(fake_uvicorn):
    api = responder.API(debug=True)
    api.run()
    assert api.debug is True
    assert fake_uvicorn.calls[0][1]["log_level"] == "debug"
    api.run(debug=False)
    assert api.debug is False
    assert fake_uvicorn.calls[1][1]["log_level"] == "info"


@pytest.mark.parametrize("value", ["http", "0", "70000"])
def test_a_bad_port_env_is_a_clear_error(api, fake_uvicorn, monkeypatch, value):
    monkeypatch.setenv("PORT", value)
    with pytest.raises(
        ValueError, match=f"PORT environment variable is not a port number: '{value}'"
    ):
        api.run()
    assert fake_uvicorn.calls == []


@pytest.fixture
def templated(tmp_path):
    (tmp_path / "card.html").write_text("{{ name }} is {{ age }} ({{ api.title }})")
    return responder.API(title="Zoo", templates_dir=str(tmp_path))


def test_template_takes_a_context_dict_and_keywords(templated):
    api = templated
    assert api.template("card.html", {"name": "Ann", "age": 3}) == "Ann is 3 (Zoo)"
    assert api.template("card.html", {"name": "Ann", "age": 3}, age=4) == "Ann is 4 (Zoo)"
    assert api.template("card.html", name="<b>", age=5) == "&lt;b&gt; is 5 (Zoo)"
    assert api.template_string("{{ a }}+{{ b }}", {"a": 1}, b=2) == "1+2"
    assert api.template_string("{{ a }}", {"a": "<i>"}) == "&lt;i&gt;"

    @api.route("/card")
    def card(req, resp):
        resp.html = api.template("card.html", dict(req.params))

    assert api.requests.get("/card?name=Bo&age=1").text == "Bo is 1 (Zoo)"


def test_template_context_that_is_not_a_mapping_is_refused(templated):
    with pytest.raises(TypeError, match="mapping of names to values"):
        templated.template("card.html", ["name", "Ann"])


def test_async_rendering_takes_a_context_dict_too(tmp_path):
    import asyncio

    from responder.templates import Templates

    (tmp_path / "t.html").write_text("{{ a }}-{{ b }}")
    templates = Templates(tmp_path, enable_async=True)
    assert asyncio.run(templates.render_async("t.html", {"a": 1, "b": 2}, b=3)) == "1-3"


@pytest.mark.parametrize(
    ("options", "status", "body"),
    [
        ({}, 301, "Redirecting to /new?x=1"),
        ({"set_text": False}, 301, ""),
        ({"status_code": 302}, 302, "Redirecting to /new?x=1"),
        ({"set_text": False, "status_code": 307}, 307, ""),
    ],
)
def test_api_redirect_says_where_unless_told_not_to(api, options, status, body):
    @api.route("/old")
    def old(req, resp):
        api.redirect(resp, "/new?x=1", **options)

    r = api.requests.get("/old", follow_redirects=False)
    assert (r.status_code, r.headers["location"], r.text) == (status, "/new?x=1", body)
    if body:
        assert r.headers["content-type"] == "text/plain; charset=utf-8"


def test_responder_ext_graphql_view_after_a_bare_import():
    # A fresh interpreter: `import responder` alone gives responder.ext.GraphQLView,
    # and graphene is loaded only when a schema is made.
    code = textwrap.dedent(
        """
        import json, sys
        import responder
        loaded = ["graphene" in sys.modules]
        view_class = responder.ext.GraphQLView
        loaded.append("graphene" in sys.modules)
        import graphene

        class Query(graphene.ObjectType):
            hello = graphene.String()

            def resolve_hello(self, info):
                return "world"

        api = responder.API()
        api.add_route("/graphql", view_class(api=api, schema=graphene.Schema(query=Query)))
        data = api.requests.get("/graphql", params={"query": "{ hello }"}).json()
        print(json.dumps({"loaded": loaded, "data": data}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == {
        "loaded": [False, False],
        "data": {"data": {"hello": "world"}},
    }


def test_port_zero_asks_for_any_free_port_as_on_the_command_line(api, fake_uvicorn, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    api.run(port=0)
    api.run()
    assert [call[1]["port"] for call in fake_uvicorn.calls] == [0, 5042]
    assert {call[1]["host"] for call in fake_uvicorn.calls} == {"127.0.0.1"}
