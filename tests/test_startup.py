"""Start-up: ``import responder`` and a hello app load only what serving them needs.

Optional parts load on first use: Jinja2 with the first template, PyYAML and
msgpack with the first body in their format, and the extras' libraries only
when their feature is configured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAZY = (
    "jinja2",
    "yaml",
    "msgpack",
    "pydantic",
    "jwt",
    "taskiq",
    "redis",
    "prometheus_client",
    "opentelemetry",
    "graphene",
)

HELLO = """
import json, sys
import responder

api = responder.API()

@api.route("/hello/{who}")
async def hello(req, resp, *, who):
    resp.media = {"hello": who}

assert api.requests.get("/hello/ann").json() == {"hello": "ann"}
"""


def loaded_after(code: str) -> list[str]:
    """The lazy libraries that running ``code`` in a fresh interpreter loaded."""
    probe = f"{code}\nprint(json.dumps([m for m in {LAZY!r} if m in sys.modules]))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_hello_app_loads_no_optional_library():
    assert loaded_after(HELLO) == []


def test_yaml_loads_with_the_first_yaml_body():
    code = HELLO + (
        "\nassert api.requests.get('/hello/bo', headers={'Accept': 'application/x-yaml'})"
        ".text == 'hello: bo\\n'"
    )
    assert loaded_after(code) == ["yaml"]


def test_msgpack_loads_with_the_first_msgpack_body():
    code = HELLO + (
        "\nassert api.requests.get('/hello/bo', headers={'Accept': 'application/x-msgpack'})"
        ".content == b'\\x81\\xa5hello\\xa2bo'"
    )
    assert loaded_after(code) == ["msgpack"]


def test_jinja2_loads_with_the_first_template():
    code = HELLO + "\nassert api.template_string('{{ 1 + 1 }}') == '2'"
    assert loaded_after(code) == ["jinja2"]


# Responder's own optional parts, and the libraries only they use: absent after a
# hello app answered a request, loaded by the first request (or setting) that needs them.
LAZY_PARTS = (
    "starlette.websockets",
    "responder.websockets",
    "starlette.responses",
    "responder.streaming",
    "itsdangerous",
    "markupsafe",
    "html",
    "responder.docs.ui",
    "responder.docs.assets",
    "responder.layers.cors",
    "responder.layers.hosts",
    "responder.layers.hsts",
    "responder.layers.security",
    "responder.layers.request_id",
    "decimal",
    "pkgutil",
    "python_multipart",
    "responder.uploads",
    "responder.media.multipart",
    "shutil",
    "tempfile",
    "hashlib",
    "hmac",
    "secrets",
    "http.cookies",
    "responder.broadcast",
    "responder.session_stores",
    "responder.preconditions",
    "responder.task_options",
    "responder.routers",
    "responder.csrf",
    "responder.resources.csrf_guard",
    "responder.ext",
    "responder.staticfiles",
    "responder.validators",
    "responder._cache_control",
    "responder._files",
    "unicodedata",
    "queue",
    "concurrent.futures.thread",
    "responder.templates",
    "responder.problems",
    "responder._draining",
    "responder.dependencies.overrides",
    "responder.layers.observe",
    "gc",
    "responder.resources.validation",
    "responder.layers.compression",
    "responder.layers._asgi",
    "responder.log",
    "starlette.datastructures",
    "anyio",
    "http.client",
)

# Drives the app through ASGI in-process: the test client would itself load
# starlette.websockets and starlette.responses.
ASGI = """
import asyncio, json, sys
import responder

def call(app, path, headers=(), scope_type="http", incoming=(), method="GET"):
    scope = {"type": scope_type, "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http" if scope_type == "http" else "ws",
             "path": path.split("?")[0], "raw_path": path.split("?")[0].encode(),
             "query_string": path.partition("?")[2].encode(), "root_path": "",
             "headers": [(b"host", b"testserver"), *headers],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    inbox = list(incoming) or [{"type": "http.request", "body": b"", "more_body": False}]
    sent = []

    async def receive():
        if inbox:
            return inbox.pop(0)
        if scope_type == "websocket":
            return {"type": "websocket.disconnect", "code": 1000}
        await asyncio.Future()  # the client stays until the response is sent

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent

def answer(sent):
    head = dict(sent[0]["headers"])
    return sent[0]["status"], head, b"".join(m.get("body", b"") for m in sent[1:])
"""

HELLO_ASGI = """
api = responder.API(**OPTIONS)

@api.route("/hello/{who}")
async def hello(req, resp, *, who):
    resp.media = {"hello": who}

assert answer(call(api, "/hello/ann"))[::2] == (200, b'{"hello":"ann"}')
"""


def parts_after(
    code: str, options: str = "{}", watched: tuple[str, ...] = LAZY_PARTS + LAZY
) -> list[str]:
    """Which of ``watched`` (LAZY_PARTS and LAZY) a fresh interpreter running ``code`` loaded."""
    script = f"{ASGI}\nOPTIONS = {options}\n{code}\n"
    script += f"print(json.dumps([m for m in {watched!r} if m in sys.modules]))"
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_hello_app_answering_a_request_loads_no_optional_part():
    assert parts_after(HELLO_ASGI) == []


def test_websockets_load_with_the_first_connection():
    code = (
        HELLO_ASGI
        + """
@api.route("/ws", websocket=True)
async def echo(ws):
    await ws.accept()
    await ws.send_text("hi " + await ws.receive_text())
    await ws.close()

assert "starlette.websockets" not in sys.modules
sent = call(api, "/ws", scope_type="websocket", incoming=[
    {"type": "websocket.connect"}, {"type": "websocket.receive", "text": "bo"}])
assert [m["type"] for m in sent] == ["websocket.accept", "websocket.send", "websocket.close"]
assert sent[1]["text"] == "hi bo"
"""
    )
    assert {"starlette.websockets", "responder.websockets"} <= set(parts_after(code))


def test_an_unknown_websocket_path_is_still_refused():
    code = (
        HELLO_ASGI
        + """
sent = call(api, "/nowhere", scope_type="websocket", incoming=[{"type": "websocket.connect"}])
assert sent == [{"type": "websocket.close", "code": 1008, "reason": ""}], sent
"""
    )
    assert "responder.websockets" in parts_after(code)


def test_static_files_load_the_file_streaming_with_the_first_file(tmp_path):
    (tmp_path / "a.txt").write_text("static hello")
    code = (
        HELLO_ASGI
        + """
assert "responder.streaming" not in sys.modules
status, head, body = answer(call(api, "/static/a.txt"))
assert (status, body) == (200, b"static hello")
assert head[b"content-type"].startswith(b"text/plain")
"""
    )
    loaded = parts_after(code, options=f"{{'static_dir': {str(tmp_path)!r}}}")
    expected = {"responder.staticfiles", "responder._files", "unicodedata", "responder.streaming"}
    assert expected | {"starlette.responses"} <= set(loaded)


def test_the_static_files_app_is_made_on_first_access_with_the_apis_directories(tmp_path):
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "b.txt").write_text("extra file")
    code = (
        HELLO_ASGI
        + f"""
api.static_dir = "elsewhere"  # read when the API was made, as before
assert "responder.staticfiles" not in sys.modules
assert api.static_app is api.static_app and api.static_app.directories == [{str(tmp_path)!r}]
api.static_app.add_directory({str(tmp_path / "extra")!r})
assert answer(call(api, "/static/b.txt"))[::2] == (200, b"extra file")
assert answer(call(api, "/static/nope.txt"))[0] == 404
"""
    )
    assert "responder.staticfiles" in parts_after(code, f"{{'static_dir': {str(tmp_path)!r}}}")


def test_itsdangerous_loads_with_the_first_session():
    code = (
        HELLO_ASGI
        + """
@api.route("/login")
async def login(req, resp):
    resp.session["user"] = "ann"

assert "itsdangerous" not in sys.modules
status, head, _ = answer(call(api, "/login"))
assert status == 200 and head[b"set-cookie"].startswith(b"session=")
"""
    )
    loaded = parts_after(code, options="{'secret_key': 'k' * 32}")
    # The signer, and what signs the session's CSRF tokens (secrets, hmac, hashlib); the
    # cookie is read from the scope, so Starlette's headers (and anyio) stay out.
    assert sorted(loaded) == ["hashlib", "hmac", "itsdangerous", "secrets"]


def test_the_docs_ui_tables_load_with_a_docs_route():
    code = """
import responder
for theme in ("swagger_ui", "nope"):
    try:
        responder.API(docs_route="/docs", openapi="3.0.2", openapi_theme=theme)
    except ValueError as exc:
        assert "Unknown docs theme 'nope'" in str(exc), exc
    else:
        assert theme != "nope"
"""
    loaded = parts_after(code)
    assert {"responder.docs.ui", "responder.docs.assets"} <= set(loaded)


def test_each_layer_loads_only_when_configured():
    options = (
        "{'cors': True, 'allowed_hosts': ['testserver'], 'enable_hsts': False,"
        " 'security_headers': True, 'request_id': True}"
    )
    code = (
        HELLO_ASGI
        + """
status, head, _ = answer(call(api, "/hello/bo"))
assert head[b"x-content-type-options"] == b"nosniff" and len(head[b"x-request-id"]) == 32
assert answer(call(api, "/hello/bo", headers=[(b"host", b"evil.example")]))[0] == 400
"""
    )
    loaded = parts_after(code, options)
    # Not layers: their shared helpers, and the observing layer's module (which
    # Observability.layer loads when it builds the request-ID layer).
    helpers = ("responder.layers._asgi", "responder.layers.observe")
    built = [m for m in loaded if m.startswith("responder.layers.") and m not in helpers]
    assert built == [
        "responder.layers.cors",
        "responder.layers.hosts",
        "responder.layers.security",
        "responder.layers.request_id",
    ]


def test_a_decimal_is_still_written_as_its_exact_text():
    code = (
        HELLO_ASGI
        + """
from decimal import Decimal

@api.route("/price")
async def price(req, resp):
    resp.media = {"price": Decimal("19.90")}

assert answer(call(api, "/price"))[2] == b'{"price":"19.90"}'
"""
    )
    assert parts_after(code) == ["decimal"]


MULTIPART = (
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="note"\r\n\r\n'
    b"hi\r\n"
    b"--XyZ\r\n"
    b'Content-Disposition: form-data; name="doc"; filename="a.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\n"
    b"file body\r\n"
    b"--XyZ--\r\n"
)


def test_the_multipart_parser_and_upload_files_load_with_the_first_multipart_body():
    code = (
        HELLO_ASGI
        + f"""
@api.route("/upload", methods=["POST"])
async def upload(req, resp):
    form = await req.media("files")
    resp.media = {{"note": form["note"], "doc": (await form["doc"].read()).decode(),
                   "type": type(form["doc"]).__name__}}

assert "python_multipart" not in sys.modules
body = {MULTIPART!r}
status, _, out = answer(call(api, "/upload", method="POST", headers=[
    (b"content-type", b"multipart/form-data; boundary=XyZ"),
    (b"content-length", str(len(body)).encode())],
    incoming=[{{"type": "http.request", "body": body, "more_body": False}}]))
expected = {{"note": "hi", "doc": "file body", "type": "UploadFile"}}
assert (status, json.loads(out)) == (200, expected)
"""
    )
    loaded = set(parts_after(code))
    assert {"python_multipart", "responder.media.multipart", "responder.uploads"} <= loaded


def test_a_urlencoded_form_is_still_read():
    code = (
        HELLO_ASGI
        + """
@api.route("/form", methods=["POST"])
async def form(req, resp):
    resp.media = await req.media("form")

body = b"a=1&b=2&a=3"
status, _, out = answer(call(api, "/form", method="POST", headers=[
    (b"content-type", b"application/x-www-form-urlencoded")],
    incoming=[{"type": "http.request", "body": body, "more_body": False}]))
assert (status, json.loads(out)) == (200, {"a": ["1", "3"], "b": "2"})
"""
    )
    parts_after(code)  # runs the assertions above (it loads media.multipart for collect())


def test_http_cookies_load_with_the_first_cookie_set():
    code = (
        HELLO_ASGI
        + """
@api.route("/cookie")
async def cookie(req, resp):
    resp.cookies["flavour"] = "oat"

assert "http.cookies" not in sys.modules
status, head, _ = answer(call(api, "/cookie"))
assert status == 200 and head[b"set-cookie"].startswith(b"flavour=oat"), head
"""
    )
    assert parts_after(code) == ["http.cookies"]


def test_hashlib_and_the_validators_load_with_the_first_etag():
    code = """
api = responder.API(auto_etag=True)

@api.route("/")
async def hello(req, resp):
    resp.text = "hello"

assert "hashlib" not in sys.modules
status, head, _ = answer(call(api, "/"))
assert status == 200 and head[b"etag"].startswith(b'"'), head
assert answer(call(api, "/", headers=[(b"if-none-match", head[b"etag"])]))[0] == 304
# Resolved once: the response module now calls the validators directly.
import responder.response, responder.validators
assert responder.response.evaluate is responder.validators.evaluate
"""
    # The 304 goes through the compressor (which labels it as the 200 was labelled).
    loaded = ["hashlib", "responder.validators", "responder.layers.compression"]
    assert parts_after(code) == [*loaded, "responder.layers._asgi"]


def test_the_caching_and_download_helpers_load_with_their_first_use(tmp_path):
    (tmp_path / "report.txt").write_text("numbers")
    code = (
        HELLO_ASGI
        + f"""
from datetime import datetime, timezone

@api.route("/report")
async def report(req, resp):
    resp.download({str(tmp_path / "report.txt")!r}, filename="résumé.txt")
    resp.cache_control(max_age=60, public=True)
    resp.last_modified = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

status, head, body = answer(call(api, "/report"))
assert (status, body) == (200, b"numbers")
assert head[b"cache-control"] == b"public, max-age=60"
assert head[b"last-modified"] == b"Tue, 02 Jan 2024 03:04:05 GMT"
assert head[b"content-disposition"].startswith(b"attachment; filename=")
assert b"filename*=UTF-8''r%C3%A9sum%C3%A9.txt" in head[b"content-disposition"]
"""
    )
    loaded = set(parts_after(code))
    assert {"responder._cache_control", "responder._files", "responder.validators"} <= loaded


def test_the_in_memory_broadcast_is_made_on_first_use():
    code = (
        HELLO_ASGI
        + """
assert "responder.broadcast" not in sys.modules

async def roundtrip():
    async with api.broadcast.subscribe("news") as events:
        await api.broadcast.publish("news", {"n": 1})
        async for event in events:
            return event.channel, event.message

assert asyncio.run(roundtrip()) == ("news", {"n": 1})
assert api.broadcast is api.broadcast
"""
    )
    assert parts_after(code) == ["responder.broadcast"]


def test_a_broadcast_that_is_not_one_is_still_refused():
    code = """
import responder
try:
    responder.API(broadcast="redis://localhost")
except TypeError as exc:
    assert "broadcast= takes a Broadcast" in str(exc), exc
else:
    raise AssertionError("accepted")
"""
    assert "responder.broadcast" in parts_after(code)


def test_a_session_store_loads_its_module_and_keeps_sessions():
    code = (
        HELLO_ASGI
        + """
@api.route("/count")
async def count(req, resp):
    req.session["n"] = req.session.get("n", 0) + 1
    resp.media = req.session["n"]

status, head, out = answer(call(api, "/count"))
cookie = head[b"set-cookie"].split(b";")[0]
assert (status, out) == (200, b"1")
assert answer(call(api, "/count", headers=[(b"cookie", cookie)]))[2] == b"2"
"""
    )
    loaded = parts_after(code, options="{'sessions': responder.MemorySessions()}")
    assert "responder.session_stores" in loaded


def test_starlettes_datastructures_load_with_the_first_request_that_reads_them():
    # A hello app never reads headers, query or URL: anyio and http.client stay out too.
    code = (
        HELLO_ASGI
        + """
@api.route("/who")
async def who(req, resp):
    resp.media = {
        "q": req.params.get_list("q"),
        "agent": req.headers.get("user-agent"),
        "url": str(req.url),
        "client": req.client.host,
    }
    req.state.seen = True

assert "starlette.datastructures" not in sys.modules
sent = call(api, "/who?q=1&q=2", headers=[(b"user-agent", b"t")])
assert json.loads(answer(sent)[2]) == {
    "q": ["1", "2"], "agent": "t", "url": "http://testserver/who?q=1&q=2", "client": "127.0.0.1"
}
from responder._query_params import QueryParams
from starlette.datastructures import Headers
api2 = responder.API()
@api2.route("/t")
async def t(req, resp):
    assert type(req.params) is QueryParams and type(req.headers) is Headers
    resp.text = "ok"
assert answer(call(api2, "/t"))[2] == b"ok"
"""
    )
    loaded = parts_after(code)
    assert {"starlette.datastructures", "anyio", "http.client"} <= set(loaded)


def test_the_log_module_loads_with_an_api_that_logs_or_asks_for_its_logger():
    # The plain hello (test_a_hello_app_answering_a_request_loads_no_optional_part) never loads it.
    logging_on = (
        HELLO_ASGI
        + """
assert "responder.log" in sys.modules
import logging
records = []
handler = logging.Handler()
handler.emit = records.append
logging.getLogger("responder.access").addHandler(handler)
assert answer(call(api, "/hello/bo"))[0] == 200
assert records[-1].route == "/hello/{who}"
"""
    )
    assert "responder.log" in parts_after(logging_on, options='{"enable_logging": True}')
    asked = (
        HELLO_ASGI
        + """
assert "responder.log" not in sys.modules
assert api.log is api.log and api.log.logger.name == "responder.app"
assert responder.log.get_logger("mine").logger.name == "mine"
"""
    )
    assert "responder.log" in parts_after(asked)


def test_the_lazy_names_of_the_package_are_there_when_asked_for():
    code = """
import responder
from responder import Broadcast, MemorySessions, RedisSessions, UploadFile, conditional
from responder.params import UploadFile as ParamsUploadFile
from responder.uploads import UploadFile as Real

assert UploadFile is ParamsUploadFile is Real
assert Broadcast.__module__ == "responder.broadcast" and callable(conditional)
assert MemorySessions.__module__ == RedisSessions.__module__ == "responder.session_stores"
assert set(responder.__all__) <= set(dir(responder))
assert "responder.ext" not in sys.modules
from responder import ext
assert ext is responder.ext and ext.__name__ == "responder.ext" and "GraphQLView" in ext.__all__
try:
    responder.Nope
except AttributeError as exc:
    assert "has no attribute 'Nope'" in str(exc)
"""
    loaded = parts_after(code)
    expected = {"responder.uploads", "responder.broadcast", "responder.preconditions"}
    assert expected | {"responder.ext"} <= set(loaded)


def test_the_multipart_handler_spools_as_much_as_an_upload_file():
    from responder.media import MultipartHandler
    from responder.uploads import DEFAULT_SPOOL_SIZE

    assert MultipartHandler().spool_size == DEFAULT_SPOOL_SIZE


def test_task_options_load_with_the_first_background_task():
    code = (
        HELLO_ASGI
        + """
assert "responder.task_options" not in sys.modules
tries = []

@api.background.task(retries=1, backoff=0)
async def flaky(x):
    tries.append(x)
    if len(tries) == 1:
        raise RuntimeError("first try fails")
    return x * 2

async def main():
    return await flaky(21)

assert asyncio.run(main()) == 42 and tries == [21, 21]
"""
    )
    assert parts_after(code) == ["responder.task_options"]


PLAIN_ASGI = """
api = responder.API()

@api.route("/")
async def hello(req, resp):
    resp.text = "hello"

assert answer(call(api, "/"))[::2] == (200, b"hello")
"""


def test_a_view_that_declares_nothing_loads_no_parameter_planner():
    loaded = parts_after(PLAIN_ASGI, watched=("responder.params.plan", "responder.params.call"))
    assert loaded == []


def test_the_planner_loads_with_the_first_view_that_declares_something():
    code = (
        PLAIN_ASGI
        + """
from responder import Query

@api.route("/items/{id:int}")
async def item(req, resp, *, id: int, limit: int = Query(10, le=100)):
    resp.media = {"id": id, "limit": limit}

assert "responder.params.plan" in sys.modules
assert answer(call(api, "/items/3"))[::2] == (200, b'{"id":3,"limit":10}')
assert answer(call(api, "/items/3?limit=500"))[0] == 422
"""
    )
    assert parts_after(code, watched=("responder.params.plan",)) == ["responder.params.plan"]


def test_routers_load_with_the_first_router():
    code = (
        HELLO_ASGI
        + """
assert "responder.routers" not in sys.modules
users = responder.Router(prefix="/users", tags=["users"])

@users.get("/{name}")
async def detail(req, resp, *, name):
    resp.media = {"user": name}

api.include_router(users, prefix="/v1", name="users")
assert answer(call(api, "/v1/users/ann"))[::2] == (200, b'{"user":"ann"}')
assert api.url_for("users:detail", name="bo") == "/v1/users/bo"
"""
    )
    assert parts_after(code) == ["responder.routers"]


def test_the_csrf_check_loads_only_with_csrf_on():
    code = (
        HELLO_ASGI
        + """
@api.route("/buy", methods=["POST"])
async def buy(req, resp):
    resp.text = "bought"

@api.route("/hook", methods=["POST"])
@responder.csrf_exempt
async def hook(req, resp):
    resp.text = "hooked"

cookie = [(b"cookie", b"session=anything")]
assert answer(call(api, "/buy", headers=cookie, method="POST"))[0] == 403
assert answer(call(api, "/hook", headers=cookie, method="POST"))[::2] == (200, b"hooked")
"""
    )
    loaded = parts_after(code, options="{'csrf': True, 'secret_key': 'k' * 32}")
    assert {"responder.csrf", "responder.resources.csrf_guard"} <= set(loaded)


def test_threads_reading_the_broadcast_first_at_once_share_one():
    code = (
        HELLO_ASGI
        + """
import threading

seen, start = [], threading.Barrier(8)

def read():
    start.wait()
    seen.append(api.broadcast)

threads = [threading.Thread(target=read) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert len(seen) == 8 and len({id(b) for b in seen}) == 1
"""
    )
    assert parts_after(code) == ["responder.broadcast"]


def test_the_worker_threads_start_with_the_first_sync_view():
    code = (
        HELLO_ASGI
        + """
import threading

@api.route("/sync")
def sync_view(req, resp):
    resp.media = {"thread": threading.current_thread().name}

assert "queue" not in sys.modules
status, _, out = answer(call(api, "/sync"))
assert status == 200 and json.loads(out)["thread"].startswith("responder-"), out
assert answer(call(api, "/sync"))[0] == 200
from responder import _concurrency
assert type(_concurrency._workers) is _concurrency.Workers  # run_sync calls it directly now
"""
    )
    assert parts_after(code) == ["queue"]


def test_the_background_pool_loads_with_the_first_sync_background_job():
    code = (
        HELLO_ASGI
        + """
import threading

async def main():
    job = api.background(lambda: threading.current_thread().name)
    return await job

assert "concurrent.futures.thread" not in sys.modules
assert asyncio.run(main()).startswith("responder-background")
"""
    )
    assert parts_after(code) == ["queue", "concurrent.futures.thread"]


def test_the_templates_module_loads_with_the_first_template():
    code = HELLO_ASGI + "\nassert api.template_string('{{ 1 + 1 }}') == '2'\n"
    assert {"responder.templates", "jinja2"} <= set(parts_after(code))


def test_the_problem_details_load_with_the_first_error_answer():
    code = (
        HELLO_ASGI
        + """
assert "responder.problems" not in sys.modules
for _ in range(2):  # the second answer calls the real function directly
    status, head, body = answer(call(api, "/nowhere"))
    assert (status, head[b"content-type"]) == (404, b"application/problem+json"), head
    assert json.loads(body)["status"] == 404
import responder.problems, responder.response
assert responder.response.problem_handler is responder.problems.problem_handler
"""
    )
    assert parts_after(code) == ["responder.problems"]


def test_the_drain_loads_with_the_first_stop_signal():
    code = (
        HELLO_ASGI
        + """
import os, signal, time

handed_on = []
signal.signal(signal.SIGTERM, lambda signum, frame: handed_on.append(signum))

async def stop():
    api.health.start()  # what the lifespan startup does: wraps the server's handler
    os.kill(os.getpid(), signal.SIGTERM)
    deadline = time.monotonic() + 10
    while not handed_on and time.monotonic() < deadline:
        await asyncio.sleep(0.01)

assert "responder._draining" not in sys.modules
asyncio.run(stop())
assert handed_on == [signal.SIGTERM] and api.health.draining
"""
    )
    assert parts_after(code) == ["responder._draining"]


def test_dependency_overrides_load_with_the_first_request_that_resolves_a_dependency():
    code = (
        HELLO_ASGI
        + """
def db():
    return "real"

@api.route("/db", dependencies=[])
async def uses_db(req, resp, *, db: str = responder.Depends(db)):
    resp.text = db

assert "responder.dependencies.overrides" not in sys.modules
assert answer(call(api, "/db"))[::2] == (200, b"real")
with api.dependency_overrides({db: lambda: "fake"}):
    assert answer(call(api, "/db"))[::2] == (200, b"fake")
assert answer(call(api, "/db"))[::2] == (200, b"real")
"""
    )
    assert "responder.dependencies.overrides" in parts_after(code)


def test_the_observing_layer_loads_with_the_stack_of_an_observed_app():
    code = (
        HELLO_ASGI
        + """
import logging

lines = []
handler = logging.Handler()
handler.emit = lambda record: lines.append(record.getMessage())
logging.getLogger("responder.access").addHandler(handler)
status, head, _ = answer(call(api, "/hello/bo"))
assert status == 200 and len(head[b"x-request-id"]) == 32
assert len(lines) == 1 and "route=/hello/{who}" in lines[0], lines
"""
    )
    assert "responder.layers.observe" in parts_after(code, "{'enable_logging': True}")


def test_model_validation_loads_with_the_first_route_that_names_a_model():
    code = (
        HELLO_ASGI
        + """
import pydantic

class Item(pydantic.BaseModel):
    name: str

assert "responder.resources.validation" not in sys.modules

@api.route("/items", methods=["POST"], request_model=Item, response_model=Item)
async def create(req, resp):
    resp.media = {"name": (await req.media())["name"], "extra": 1}

def post(body):
    return answer(call(api, "/items", method="POST", headers=[
        (b"content-type", b"application/json")],
        incoming=[{"type": "http.request", "body": body, "more_body": False}]))

assert post(b'{"name": "ann"}')[::2] == (200, b'{"name":"ann"}')
assert post(b'{"nom": "ann"}')[0] == 422
"""
    )
    assert "responder.resources.validation" in parts_after(code)


def test_a_debug_app_still_shows_the_response_model_mismatch_itself():
    code = (
        HELLO_ASGI
        + """
import pydantic

class Item(pydantic.BaseModel):
    name: str

@api.route("/bad", response_model=Item)
async def bad(req, resp):
    resp.media = {"nom": 1}

assert answer(call(api, "/bad"))[0] == 500
api.debug = True
try:
    call(api, "/bad")
except ValueError as exc:  # the mismatch itself, not the wrapper the 500 is made from
    assert type(exc) is ValueError and "validation error for Item" in str(exc), exc
else:
    raise AssertionError("a debug app re-raises the mismatch")
"""
    )
    assert "responder.resources.validation" in parts_after(code)


def test_the_compressor_loads_with_the_first_body_worth_compressing(tmp_path):
    (tmp_path / "big.txt").write_text("static " * 200)
    code = (
        HELLO_ASGI
        + """
import gzip

@api.route("/big")
async def big(req, resp):
    resp.media = {"items": list(range(300))}

gz = [(b"accept-encoding", b"gzip")]
assert answer(call(api, "/hello/bo", headers=gz))[1].get(b"content-encoding") is None
assert "responder.layers.compression" not in sys.modules  # a small body never needs it
status, head, body = answer(call(api, "/big", headers=gz))
assert (status, head[b"content-encoding"]) == (200, b"gzip")
assert json.loads(gzip.decompress(body)) == {"items": list(range(300))}
status, head, body = answer(call(api, "/static/big.txt", headers=gz))
assert (status, head[b"content-encoding"]) == (200, b"gzip")
assert gzip.decompress(body) == b"static " * 200
from responder.layers import response_headers, set_header  # the seam, for layers elsewhere
assert callable(response_headers) and callable(set_header)
"""
    )
    loaded = set(parts_after(code, f"{{'static_dir': {str(tmp_path)!r}}}"))
    assert {"responder.layers.compression", "responder.layers._asgi"} <= loaded


def test_a_static_route_without_gzip_stays_uncompressed(tmp_path):
    (tmp_path / "big.txt").write_text("static " * 200)
    code = (
        HELLO_ASGI
        + """
api.gzip = True  # read when the API was made (gzip=False), as before
status, head, body = answer(call(api, "/static/big.txt", headers=[(b"accept-encoding", b"gzip")]))
assert (status, body) == (200, b"static " * 200) and b"content-encoding" not in head
"""
    )
    options = f"{{'static_dir': {str(tmp_path)!r}, 'gzip': False}}"
    assert "responder.layers.compression" not in parts_after(code, options)


# Standard and third-party modules a hello app never needs, loaded by the first use.
FIRST_USE = ("orjson", "email.utils", "datetime", "uuid")


def test_a_text_hello_loads_no_json_writer_date_or_uuid_module():
    assert parts_after(PLAIN_ASGI, watched=FIRST_USE) == []


def test_orjson_loads_with_the_first_json_answer_and_the_first_json_body():
    code = (
        PLAIN_ASGI
        + """
@api.route("/echo", methods=["POST"])
async def echo(req, resp):
    resp.media = await req.media()

assert "orjson" not in sys.modules
body = {"type": "http.request", "body": b'{"a": [1, 2.5, "x"]}', "more_body": False}
status, _, sent = answer(call(api, "/echo", method="POST", incoming=[body],
                              headers=[(b"content-type", b"application/json")]))
assert (status, sent) == (200, b'{"a":[1,2.5,"x"]}'), (status, sent)
"""
    )
    # orjson itself loads datetime and uuid (it writes both).
    assert parts_after(code, watched=FIRST_USE) == ["orjson", "datetime", "uuid"]


def test_uuid_loads_with_the_first_uuid_route():
    code = (
        PLAIN_ASGI
        + """
assert "uuid" not in sys.modules

@api.route("/things/{key:uuid}")  # the route's converter is typed: loaded here
async def thing(req, resp, *, key):
    resp.text = type(key).__name__ + " " + str(key)

key = "12345678-1234-5678-1234-567812345678"
assert answer(call(api, "/things/" + key))[::2] == (200, ("UUID " + key).encode())
assert "uuid" in sys.modules and "orjson" not in sys.modules
assert answer(call(api, "/things/nope"))[0] == 404  # a JSON problem: orjson loads
"""
    )
    assert parts_after(code, watched=FIRST_USE) == ["orjson", "datetime", "uuid"]


def test_dates_load_with_the_first_cookie_or_last_modified_date():
    code = (
        PLAIN_ASGI
        + """
@api.route("/dated")
async def dated(req, resp):
    from datetime import datetime, timezone
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    resp.set_cookie("until", "x", expires=when)
    resp.last_modified = datetime(2001, 2, 3, 4, 5, 6)  # naive: taken as UTC
    resp.text = "dated"

@api.route("/bye")
async def bye(req, resp):
    resp.delete_cookie("until")

assert "email.utils" not in sys.modules
_, head, _ = answer(call(api, "/bye"))
assert b"expires=Thu, 01 Jan 1970 00:00:00 GMT" in head[b"set-cookie"], head
assert "email.utils" not in sys.modules and "datetime" not in sys.modules
_, head, _ = answer(call(api, "/dated"))
assert b"expires=Wed, 02 Jan 2030 03:04:05 GMT" in head[b"set-cookie"], head
assert head[b"last-modified"] == b"Sat, 03 Feb 2001 04:05:06 GMT", head
"""
    )
    assert set(parts_after(code, watched=FIRST_USE)) == {"email.utils", "datetime"}
