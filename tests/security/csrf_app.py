"""A small site with CSRF protection on: a form page, a form post, a JSON API, a webhook.

Served in-process by ``tests/security/test_csrf.py`` and by real uvicorn in the live and
browser tests (``make_api`` is a factory; ``other_site`` is the hostile page on another port).
"""

from __future__ import annotations

import html
from typing import Any

import responder

FORM_PAGE = """<!doctype html>
<title>Notes</title>
<form id="note" method="post" action="/notes">
  {{ csrf_input() }}
  <input name="text" value="from the form">
  <button type="submit">Save</button>
</form>
<p id="token">{{ csrf_token() }}</p>
"""


def make_api(**options: Any) -> responder.API:
    """The site: ``/login`` starts a session; ``/notes`` takes posts that change state."""
    options.setdefault("csrf", responder.CSRF(trusted_origins=["https://admin.example.com"]))
    api = responder.API(secret_key="test secret", **options)
    _pages(api)
    _endpoints(api)
    return api


def _pages(api: responder.API) -> None:
    """The pages, and the views whose state a forged request would change."""
    notes: list[str] = []

    @api.route("/login")
    def login(req, resp):
        req.session["user"] = "ann"
        resp.text = "logged in"

    @api.route("/form", methods=["GET"])
    def form(req, resp):
        resp.html = api.template_string(FORM_PAGE)

    @api.route("/token", methods=["GET"])
    def token(req, resp):
        resp.media = {"token": req.csrf_token}

    @api.route("/notes", methods=["GET", "POST", "DELETE"])
    async def notes_view(req, resp):
        if req.method == "post":
            body = await req.media()
            notes.append(str(body.get("text")))
            resp.status_code = 201
        elif req.method == "delete":
            notes.clear()
        resp.media = {"notes": notes, "user": req.session.get("user")}


def _endpoints(api: responder.API) -> None:
    """An upload, a bearer-token API, an exempt webhook and a resource with an exempt method."""

    @api.route("/upload", methods=["POST"])
    async def upload(req, resp):
        files = await req.media("files")
        resp.media = {"name": files["doc"]["filename"], "size": len(files["doc"]["content"])}

    @api.route("/api/items", methods=["POST"])
    async def items(req, resp):
        if req.headers.get("authorization") != "Bearer good":
            raise responder.HTTPUnauthorized()
        resp.media = await req.media()

    @api.route("/hooks/payment", methods=["POST"])
    @responder.csrf_exempt
    async def webhook(req, resp):
        resp.media = {"received": True}

    @api.route("/things")
    class Things:
        def on_get(self, req, resp):
            resp.media = {"things": []}

        def on_put(self, req, resp):
            resp.media = {"put": True}

        @responder.csrf_exempt
        def on_patch(self, req, resp):
            resp.media = {"patched": True}


api = make_api()

OTHER_PAGE = """<!doctype html>
<title>Win a prize</title>
<form id="attack" method="post" action="{target}/notes">
  <input name="text" value="from the attacker">
  <input name="csrf_token" value="{token}">
  <button type="submit">Claim</button>
</form>
"""


def other_site() -> responder.API:
    """A page on another origin whose form posts to ``?target=`` (the site under attack)."""
    other = responder.API()

    @other.route("/", methods=["GET"])
    def page(req, resp):
        target = html.escape(req.params.get("target", ""))
        token = html.escape(req.params.get("token", ""))
        resp.html = OTHER_PAGE.format(target=target, token=token)

    return other
