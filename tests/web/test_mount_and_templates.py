import asyncio

import pytest
from flask import Flask, request

import responder


def flask_app():
    app = Flask(__name__)

    @app.route("/")
    def index():
        return "flask root"

    @app.route("/hello/<name>", methods=["GET", "POST"])
    def hello(name):
        return {"hello": name, "script_root": request.script_root, "method": request.method}

    return app


def test_flask_app_mounted_answers_through_responder():
    api = responder.API()
    api.mount("/flask", flask_app())
    api.add_route("/", lambda req, resp: setattr(resp, "text", "responder root"))
    assert api.requests.get("/flask").text == "flask root"
    assert api.requests.get("/flask/hello/ann").json() == {
        "hello": "ann",
        "script_root": "/flask",
        "method": "GET",
    }
    assert api.requests.post("/flask/hello/bob").json()["method"] == "POST"
    assert api.requests.get("/").text == "responder root"
    assert api.requests.get("/flask/nope").status_code == 404


def test_asgi_app_mounted_sees_the_whole_path_and_the_prefix_as_root_path():
    seen = {}

    async def asgi(scope, receive, send):
        seen.update(path=scope["path"], root_path=scope["root_path"], raw=scope["raw_path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"asgi"})

    api = responder.API()
    api.mount("/sub/", asgi)
    assert api.requests.get("/sub/a/b?x=1").text == "asgi"
    assert seen == {"path": "/sub/a/b", "root_path": "/sub", "raw": b"/sub/a/b"}


def test_mount_prefix_matches_segment_boundaries_longest_first():
    def answer(text):
        async def app(scope, receive, send):
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": text.encode()})

        return app

    api = responder.API()
    api.mount("/api", answer("api"))
    api.mount("/api/v2", answer("v2"))
    api.add_route("/apiary", lambda req, resp: setattr(resp, "text", "route"))
    assert api.requests.get("/api/x").text == "api"
    assert api.requests.get("/api/v2/x").text == "v2"
    assert api.requests.get("/api/v2").text == "v2"
    assert api.requests.get("/apiary").text == "route"


def test_mount_refuses_bad_prefixes():
    api = responder.API()
    with pytest.raises(ValueError):
        api.mount("/", flask_app())
    with pytest.raises(ValueError):
        api.mount("flask", flask_app())


@pytest.fixture
def templates_dir(tmp_path):
    (tmp_path / "hello.html").write_text("<h1>Hello, {{ name }}!</h1><p>{{ api.title }}</p>")
    return tmp_path


def test_api_template_renders_files_with_autoescape_and_api_in_context(templates_dir):
    api = responder.API(templates_dir=str(templates_dir), title="Zoo")

    @api.route("/hello/{name}")
    def hello(req, resp, *, name):
        resp.html = api.template("hello.html", name=name)

    r = api.requests.get("/hello/<script>")
    assert r.text == "<h1>Hello, &lt;script&gt;!</h1><p>Zoo</p>"
    assert r.headers["content-type"] == "text/html; charset=utf-8"


def test_template_string_is_autoescaped_too(templates_dir):
    api = responder.API(templates_dir=str(templates_dir))
    assert api.template_string("{{ x }}", x="<b>") == "&lt;b&gt;"
    off = responder.API(templates_dir=str(templates_dir), auto_escape=False)
    assert off.template_string("{{ x }}", x="<b>") == "<b>"


def test_templates_class_sync_and_async(templates_dir):
    from responder.templates import Templates

    templates = Templates(directory=templates_dir, context={"api": {"title": "T"}})
    assert templates.render("hello.html", name="x") == "<h1>Hello, x!</h1><p>T</p>"
    async_templates = Templates(directory=templates_dir, enable_async=True)
    rendered = asyncio.run(async_templates.render_async("hello.html", name="y", api=None))
    assert rendered.startswith("<h1>Hello, y!</h1>")


def test_api_mounted_in_starlette_routes_and_its_mounts_build_their_own_urls():
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount, Route
    from starlette.testclient import TestClient

    async def item(request):
        return PlainTextResponse(str(request.url_for("item", id=request.path_params["id"])))

    inner = Starlette(routes=[Route("/items/{id:int}", item, name="item")])
    api = responder.API(static_route=None)
    api.mount("/sub", inner)
    api.add_route("/hello", lambda req, resp: setattr(resp, "text", req.url.path))
    outer = Starlette(routes=[Mount("/outer", app=api)])
    with TestClient(outer, base_url="http://example.com") as client:
        assert client.get("/outer/hello").text == "/outer/hello"
        # The outer router and its app_root_path are not the mounted app's own.
        assert client.get("/outer/sub/items/5").text == "http://example.com/outer/sub/items/5"
        assert client.get("/outer/sub/sub/items/5").status_code == 404


def test_static_files_are_found_under_the_mount_prefix(tmp_path):
    (tmp_path / "app.js").write_text("console.log(1);")
    api = responder.API(static_dir=str(tmp_path))
    assert api.requests.get("/static/app.js").text == "console.log(1);"
    assert api.requests.get("/static/static/app.js").status_code == 404
