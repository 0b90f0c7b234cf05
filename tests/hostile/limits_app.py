"""APIs for the hostile limiter suite: a limit of 3 per hour, served by views, files and mounts.

Each test row sends an ``X-Row`` header naming the row, and the key is that name
plus the client's address as the limiter sees it (``client_address``), so rows
do not share a bucket while the address part is exactly what is under attack.

- ``api``: trusts no proxy header (run it with ``responder run``).
- ``proxied``: behind a proxy that sets ``Forwarded`` (``trust_forwarded=True``).
- ``xff_proxied``: behind one proxy that appends to ``X-Forwarded-For``.
- ``big_keys``: keyed by the ``X-Api-Key`` header as the docs show, for memory rows.
"""

from pathlib import Path

from flask import Flask
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import responder
from responder.ext.ratelimit import RateLimiter

STATIC = Path(__file__).with_name("limits_static")


def _starlette() -> Starlette:
    async def hello(request):
        return PlainTextResponse("starlette hello")

    return Starlette(routes=[Route("/hello", hello)])


def _flask() -> Flask:
    app = Flask(__name__)

    @app.route("/hello")
    def hello():
        return "flask hello"

    return app


def build(**options) -> responder.API:
    """An API limited to 3 requests per hour per row and client, with every kind of endpoint."""
    api = responder.API(static_dir=str(STATIC))
    limiter = RateLimiter(requests=3, period=3600, **options)

    def row_key(req):
        return f"{req.headers.get('x-row', '')}|{limiter.client_address(req)}"

    limiter.key = row_key
    limiter.install(api)
    api.mount("/starlette", _starlette())
    api.mount("/flask", _flask())

    @api.route("/")
    def index(req, resp):
        resp.media = {"client": limiter.client_address(req)}

    return api


api = build()
proxied = build(trust_forwarded=True)
xff_proxied = build(trust_forwarded="x-forwarded-for")

big_keys = responder.API()
RateLimiter(
    requests=1000, period=3600, key=lambda req: req.headers.get("x-api-key", "anonymous")
).install(big_keys)
