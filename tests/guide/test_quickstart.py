"""The 3.3 quick start (and the testing page and tour samples it leans on), as its reader runs it.

``quickstart_app.py`` is the quick start's code in one app; each test reloads
it, from a temporary working directory holding the files it reads. The guide's closing app is
``examples/quickstart.py``; it is also served live with ``api.run(port=...)``.
The testing page's samples use the shared ``api`` fixture (a fresh
``responder.API()``), as that page does.
"""

from __future__ import annotations

import importlib
import uuid
from contextlib import asynccontextmanager

import httpx2
import pytest
import yaml
from pydantic import BaseModel
from starlette.testclient import TestClient

import responder
from tests.e2e.server import free_port, serve
from tests.guide import quickstart_app
from tests.guide.quickstart_app import JPEG, PDF, PNG, write_app_files
from tests.test_examples import load


@pytest.fixture
def qs(tmp_path, monkeypatch):
    """A fresh copy of the quick start's app, run from a directory holding its files."""
    write_app_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    return importlib.reload(quickstart_app)


@pytest.fixture
def client(qs):
    return qs.api.requests


# -- routes and parameters -------------------------------------------------------------


def test_hello_world(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.text == "hello, world!"
    assert r.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("who", ["world", "guido"])
def test_route_parameter(client, who):
    assert client.get(f"/hello/{who}").text == f"hello, {who}!"


def test_int_convertor_gives_ints(client):
    assert client.get("/add/3/4").text == "3 + 4 = 7"
    assert client.get("/add/3/hello").status_code == 404


def test_float_uuid_and_path_convertors(client):
    assert client.get("/price/9.5").json() == {"amount": 9.5, "type": "float"}
    order_id = uuid.UUID("550e8400-e29b-41d4-a716-446655440000")
    assert client.get(f"/orders/{order_id}").json() == {"hex": order_id.hex, "type": "UUID"}
    assert client.get("/files/docs/guide/intro.md").text == "docs/guide/intro.md"
    assert client.get("/price/cheap").status_code == 404
    assert client.get("/orders/42").status_code == 404


def test_str_parameters_stop_at_a_slash(client):
    assert client.get("/hello/a/b").status_code == 404


# -- sending responses -----------------------------------------------------------------


def test_text_and_html_set_their_content_types(client):
    text, html = client.get("/text"), client.get("/html")
    assert (text.text, html.text) == ("plain text response", "<h1>HTML response</h1>")
    assert text.headers["content-type"].startswith("text/plain")
    assert html.headers["content-type"].startswith("text/html")


def test_media_is_json_unless_yaml_is_asked_for(client):
    r = client.get("/hello/world/json")
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"hello": "world"}
    r = client.get("/hello/world/json", headers={"Accept": "application/x-yaml"})
    assert "yaml" in r.headers["content-type"]
    assert yaml.safe_load(r.text) == {"hello": "world"}


def test_file_gets_its_content_type_from_the_extension(client):
    r = client.get("/download")
    assert (r.status_code, r.content) == (200, PDF)
    assert r.headers["content-type"] == "application/pdf"
    r = client.get("/image")
    assert (r.content, r.headers["content-type"]) == (JPEG, "image/jpeg")


def test_raw_bytes(client):
    assert client.get("/logo").content == PNG


def test_status_code_and_headers(client):
    r = client.get("/created")
    assert r.status_code == 201
    assert r.headers["X-Custom"] == "value"


def test_redirect_is_a_301_by_default(client):
    r = client.get("/old-url", follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == "/new-url"


# -- reading requests ------------------------------------------------------------------


def test_method_urls_headers_and_query_parameters(client):
    r = client.get(
        "http://example.com/inspect?q=python&page=2", headers={"content-type": "text/csv"}
    )
    seen = r.json()
    assert seen["method"] == "get"
    assert seen["full_url"] == "http://example.com/inspect?q=python&page=2"
    assert seen["path"] == "/inspect"
    assert seen["type"] == ["text/csv", "text/csv"]
    assert seen["params"] == {"q": "python", "page": "2"}  # strings, as the guide warns
    assert seen["is_json"] is False
    assert seen["is_secure"] is False


def test_is_json_cookies_client_and_is_secure(client):
    r = client.get(
        "https://example.com/inspect",
        headers={"content-type": "application/json", "cookie": "hello=world"},
    )
    seen = r.json()
    assert seen["is_json"] is True
    assert seen["cookies"] == {"hello": "world"}
    assert len(seen["client"]) == 2  # (host, port)
    assert seen["is_secure"] is True


def test_path_params_are_on_the_request_in_a_before_hook(api):
    seen = []

    @api.route(before_request=True)
    def remember(req, resp):
        seen.append(req.path_params)

    @api.route("/users/{user_id:int}")
    def user(req, resp, *, user_id):
        resp.media = {"same": req.path_params["user_id"] == user_id}

    assert api.requests.get("/users/7").json() == {"same": True}
    assert seen == [{"user_id": 7}]


def test_request_bodies_json_form_files_and_raw(client):
    assert client.post("/body/json", json={"key": "value"}).json() == {"key": "value"}
    assert client.post("/body/form", data={"name": "ann"}).json() == {"name": "ann"}
    files = {"doc": ("doc.txt", b"content", "text/plain")}
    assert client.post("/body/files", files=files).json() == {"doc": "doc.txt"}
    assert client.post("/body/raw", content=b"raw bytes").json() == {"raw": "raw bytes"}


# -- templates -------------------------------------------------------------------------


def test_api_template_renders_from_the_templates_directory(client):
    r = client.get("/hello/guido/html")
    assert r.text == "<h1>Hello, guido!</h1>"
    assert r.headers["content-type"].startswith("text/html")


def test_templates_class_sync_async_and_strings(client):
    assert client.get("/page").text == "<title>Hello</title>"
    assert client.get("/page/async").text == "<title>Hello</title> (async)"
    assert client.get("/template-string").text == "Hello, world!"


# -- background tasks ------------------------------------------------------------------


def test_background_task_runs_after_the_response(qs, client):
    r = client.post("/incoming", json={"file": "big.csv"})
    assert r.json() == {"status": "accepted"}
    assert qs.processed == []  # the response did not wait for the work
    qs.gate.set()
    assert qs.finished.wait(timeout=10)
    assert qs.processed == [({"file": "big.csv"}, True)]


# -- the closing example ---------------------------------------------------------------


def test_putting_it_all_together():
    client = load("quickstart").api.requests
    assert client.get("/").text == "Welcome to the API"
    assert client.get("/hello/world").json() == {"message": "hello, world!"}
    assert client.get("/add/3/4").json() == {"result": 7}
    assert client.post("/echo", json={"key": "value"}).json() == {"received": {"key": "value"}}


def test_the_closing_example_served_with_run_on_a_chosen_port():
    port = free_port()
    code = f"from examples.quickstart import api; api.run(port={port})"
    with serve(["-c", code], port) as base, httpx2.Client(base_url=base, timeout=10) as http:
        assert http.get("/").text == "Welcome to the API"
        assert http.get("/add/3/4").json() == {"result": 7}
        r = http.post("/echo", json={"key": "value"})
        assert r.json() == {"received": {"key": "value"}}


# -- the testing page ------------------------------------------------------------------


def test_url_for_and_the_requests_client(api):
    @api.route("/some-url")
    def some_view(req, resp):
        resp.text = "hello, world!"

    @api.route("/add/{a:int}/{b:int}")
    def adder(req, resp, *, a, b):
        resp.media = {"result": a + b}

    assert api.requests.get(url=api.url_for(some_view)).text == "hello, world!"
    assert api.url_for(adder, a=3, b=4) == "/add/3/4"
    assert api.session().get("http://;/add/3/4").json() == {"result": 7}


def test_json_in_json_out_and_yaml_by_accept(api):
    @api.route("/items")
    async def create_item(req, resp):
        resp.media = {"created": await req.media()}
        resp.status_code = 201

    @api.route("/data")
    def data(req, resp):
        resp.media = {"key": "value"}

    r = api.requests.post(api.url_for(create_item), json={"name": "widget"})
    assert r.status_code == 201
    assert r.json() == {"created": {"name": "widget"}}
    r = api.requests.get("/data", headers={"Accept": "application/x-yaml"})
    assert "key: value" in r.text


class Item(BaseModel):
    name: str
    price: float


def test_validation(api):
    @api.route("/items", methods=["POST"], request_model=Item)
    async def create(req, resp):
        data = await req.media()
        resp.media = data

    r = api.requests.post("/items", json={"name": "thing", "price": 9.99})
    assert r.status_code == 200
    assert r.json() == {"name": "thing", "price": 9.99}
    r = api.requests.post("/items", json={"name": "thing"})
    assert r.status_code == 422
    assert "errors" in r.json()


def test_upload(api):
    @api.route("/upload")
    async def upload(req, resp):
        files = await req.media("files")
        resp.media = {"received": list(files)}

    r = api.requests.post("/upload", files={"doc": ("doc.txt", b"hello", "text/plain")})
    assert r.json() == {"received": ["doc"]}


def test_headers_and_cookies(api):
    @api.route("/")
    def view(req, resp):
        resp.headers["X-Custom"] = "hello"
        resp.cookies["session"] = "abc123"

    r = api.requests.get("/")
    assert r.headers["X-Custom"] == "hello"
    assert "session" in r.cookies
    assert r.cookies["session"] == "abc123"


def test_websocket_with_starlettes_test_client(api):
    @api.route("/ws", websocket=True)
    async def ws(ws):
        await ws.accept()
        name = await ws.receive_text()
        await ws.send_text(f"hello, {name}!")
        await ws.close()

    client = TestClient(api)
    # The testing page names both the view and the connection ``ws``.
    with client.websocket_connect("/ws") as ws:  # noqa: F811
        ws.send_text("world")
        assert ws.receive_text() == "hello, world!"


def test_an_unhandled_error_is_a_500_without_raising(api):
    @api.route("/fail")
    def fail(req, resp):
        raise RuntimeError("boom")

    client = TestClient(api, raise_server_exceptions=False)
    assert client.get(api.url_for(fail)).status_code == 500


def test_custom_error(api):
    @api.exception_handler(ValueError)
    async def handle(req, resp, exc):
        resp.status_code = 400
        resp.media = {"error": str(exc)}

    @api.route("/fail")
    def fail(req, resp):
        raise ValueError("bad input")

    client = TestClient(api, raise_server_exceptions=False)
    r = client.get(api.url_for(fail))
    assert r.status_code == 400
    assert r.json() == {"error": "bad input"}


def test_with_lifespan(api):
    started = {"value": False}

    @api.on_event("startup")
    async def startup():
        started["value"] = True

    @api.route("/")
    def view(req, resp):
        resp.media = {"started": started["value"]}

    with api.requests as session:
        r = session.get("http://;/")
        assert r.json() == {"started": True}


def test_hooks(api):
    @api.route(before_request=True)
    def add_version(req, resp):
        resp.headers["X-Version"] = "3.2"

    @api.after_request()
    def add_timing(req, resp):
        resp.headers["X-Served-By"] = "responder"

    @api.route("/")
    def view(req, resp):
        resp.text = "ok"

    r = api.requests.get("/")
    assert r.headers["X-Version"] == "3.2"
    assert r.headers["X-Served-By"] == "responder"


# -- tour samples the quick start points to --------------------------------------------


def test_class_based_view_on_request_answers_every_method(api):
    @api.route("/{greeting}")
    class GreetingResource:
        def on_request(self, req, resp, *, greeting):
            resp.text = f"{greeting}, world!"
            resp.headers.update({"X-Life": "42"})
            resp.status_code = api.status_codes.HTTP_416

    for method in ["GET", "POST", "DELETE"]:
        r = api.requests.request(method, "/hello")
        assert (r.status_code, r.text, r.headers["X-Life"]) == (416, "hello, world!", "42")


def test_class_based_view_with_method_responders(api):
    @api.route("/things/{id}")
    class ThingResource:
        def on_get(self, req, resp, *, id):
            resp.media = {"id": id}

        def on_post(self, req, resp, *, id):
            resp.text = "created"

    assert api.requests.get("/things/7").json() == {"id": "7"}
    assert api.requests.post("/things/7").text == "created"
    assert api.requests.delete("/things/7").status_code == 405


def test_method_filtering_shares_a_path(api):
    @api.route("/items", methods=["GET"])
    def list_items(req, resp):
        resp.media = {"items": []}

    @api.route("/items", methods=["POST"], check_existing=False)
    async def create_item(req, resp):
        data = await req.media()
        resp.media = {"created": data}

    assert api.requests.get("/items").json() == {"items": []}
    assert api.requests.post("/items", json={"a": 1}).json() == {"created": {"a": 1}}
    assert api.requests.put("/items").status_code == 405


def test_a_before_request_hook_that_sets_a_status_short_circuits(api):
    @api.route(before_request=True)
    def prepare_response(req, resp):
        resp.headers["X-Pizza"] = "42"

    @api.route(before_request=True)
    def auth_check(req, resp):
        if not req.headers.get("Authorization"):
            resp.status_code = 401
            resp.media = {"error": "unauthorized"}

    @api.route("/")
    def secret(req, resp):
        resp.media = {"secret": 1}

    r = api.requests.get("/")
    assert (r.status_code, r.json(), r.headers["X-Pizza"]) == (
        401,
        {"error": "unauthorized"},
        "42",
    )
    assert api.requests.get("/", headers={"Authorization": "x"}).json() == {"secret": 1}


def test_cookies_and_set_cookie(api):
    @api.route("/set")
    def set_cookies(req, resp):
        resp.cookies["hello"] = "world"
        resp.set_cookie("token", value="abc123", max_age=3600, secure=True, httponly=True)

    @api.route("/read")
    def read(req, resp):
        resp.media = req.cookies

    r = api.requests.get("/set")
    token = next(h for h in r.headers.get_list("set-cookie") if h.startswith("token="))
    assert "Max-Age=3600" in token and "Secure" in token and "HttpOnly" in token
    r = api.requests.get("/read", headers={"cookie": "hello=world"})
    assert r.json() == {"hello": "world"}


def test_session_survives_between_requests(api):
    @api.route("/login")
    def login(req, resp):
        resp.session["username"] = "kenneth"

    @api.route("/profile")
    def profile(req, resp):
        resp.media = {"user": req.session.get("username")}

    with api.session() as client:
        assert client.get("/profile").json() == {"user": None}
        client.get("/login")
        assert client.get("/profile").json() == {"user": "kenneth"}


def test_lifespan_context_manager():
    events = []

    @asynccontextmanager
    async def lifespan(app):
        events.append("starting up")
        yield
        events.append("shutting down")

    api = responder.API(lifespan=lifespan)

    @api.route("/")
    def view(req, resp):
        resp.media = list(events)

    with api.requests as client:
        assert client.get("/").json() == ["starting up"]
    assert events == ["starting up", "shutting down"]
