"""The 3.3 quick start's code as one app, for ``test_quickstart.py``.

Every route the quick start shows, in its order. Where the guide shows a line
without a route around it (``resp.file(...)``, ``req.params[...]``), the route
is ours and the line is the guide's. ``write_app_files`` lays out the files the
guide refers to (templates, a PDF, a photo), because a 3.3 app finds
``templates/`` and ``reports/`` relative to the directory it runs in.
"""

from __future__ import annotations

import threading
from pathlib import Path

import responder
from responder.templates import Templates

PDF = b"%PDF-1.4 annual report"
JPEG = b"\xff\xd8\xff\xe0 a cat"
PNG = b"\x89PNG\r\n\x1a\n..."


def write_app_files(root: Path) -> None:
    """Create the templates, report and photo the quick start's routes read."""
    (root / "templates").mkdir()
    (root / "templates" / "hello.html").write_text("<h1>Hello, {{ name }}!</h1>")
    (root / "templates" / "page.html").write_text("<title>{{ title }}</title> (async)")
    (root / "my_templates").mkdir()
    (root / "my_templates" / "page.html").write_text("<title>{{ title }}</title>")
    (root / "reports").mkdir()
    (root / "reports" / "annual.pdf").write_bytes(PDF)
    (root / "photos").mkdir()
    (root / "photos" / "cat.jpg").write_bytes(JPEG)


api = responder.API()
#: What the background task saw, and whether the test had opened the gate by then.
processed: list = []
gate = threading.Event()
finished = threading.Event()


@api.route("/")
def hello_world(req, resp):
    resp.text = "hello, world!"


@api.route("/hello/{who}")
def hello_to(req, resp, *, who):
    resp.text = f"hello, {who}!"


@api.route("/add/{a:int}/{b:int}")
async def add(req, resp, *, a, b):
    resp.text = f"{a} + {b} = {a + b}"


@api.route("/price/{amount:float}")
def price(req, resp, *, amount):
    resp.media = {"amount": amount, "type": type(amount).__name__}


@api.route("/orders/{order_id:uuid}")
def order(req, resp, *, order_id):
    resp.media = {"hex": order_id.hex, "type": type(order_id).__name__}


@api.route("/files/{filepath:path}")
def files(req, resp, *, filepath):
    resp.text = filepath


@api.route("/text")
def text(req, resp):
    resp.text = "plain text response"


@api.route("/html")
def html(req, resp):
    resp.html = "<h1>HTML response</h1>"


@api.route("/hello/{who}/json")
def hello_json(req, resp, *, who):
    resp.media = {"hello": who}


@api.route("/download")
def download(req, resp):
    resp.file("reports/annual.pdf")


@api.route("/image")
def image(req, resp):
    resp.file("photos/cat.jpg", content_type="image/jpeg")


@api.route("/logo")
def logo(req, resp):
    resp.content = PNG


@api.route("/created")
def created(req, resp):
    resp.status_code = 201
    resp.headers["X-Custom"] = "value"


@api.route("/old-url")
def old_url(req, resp):
    api.redirect(resp, location="/new-url")


@api.route("/inspect")
def inspect(req, resp):
    resp.media = {
        "method": req.method,
        "full_url": req.full_url,
        "path": req.url.path,
        "type": [req.headers["Content-Type"], req.headers["content-type"]],
        "params": dict(req.params),
        "is_json": req.is_json,
        "cookies": req.cookies,
        "client": list(req.client),
        "is_secure": req.is_secure,
    }


@api.route("/body/{kind}", methods=["POST"])
async def body(req, resp, *, kind):
    if kind == "raw":
        resp.media = {"raw": (await req.content).decode()}
    elif kind == "files":
        resp.media = {name: part["filename"] for name, part in (await req.media(kind)).items()}
    else:
        resp.media = await req.media(None if kind == "json" else kind)


@api.route("/hello/{name}/html")
def hello_html(req, resp, *, name):
    resp.html = api.template("hello.html", name=name)


templates = Templates(directory="my_templates")
async_templates = Templates(directory="templates", enable_async=True)


@api.route("/page")
def page(req, resp):
    resp.html = templates.render("page.html", title="Hello")


@api.route("/page/async")
async def page_async(req, resp):
    resp.html = await async_templates.render_async("page.html", title="Hello")


@api.route("/template-string")
def template_string(req, resp):
    resp.html = api.template_string("Hello, {{ name }}!", name="world")


@api.route("/incoming")
async def receive_incoming(req, resp):
    @api.background.task
    def process_data(data):
        # Stands in for slow work: it cannot finish until the test opens the gate.
        processed.append((data, gate.wait(timeout=10)))
        finished.set()

    data = await req.media()
    process_data(data)
    resp.media = {"status": "accepted"}
