"""An app for the end-to-end caching tests: validators, @conditional, helpers and root=."""

import os
import tempfile
from datetime import datetime, timezone

import responder

api = responder.API(auto_etag=True)
CHANGED = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
DOCS = {"1": {"version": 1}}

# A directory to serve, with a secret beside it and a symlink pointing at the secret.
_base = tempfile.mkdtemp(prefix="responder-caching-")
ROOT = os.path.join(_base, "public")
os.mkdir(ROOT)
with open(os.path.join(ROOT, "report.txt"), "w") as out:
    out.write("0123456789" * 100)
with open(os.path.join(_base, "secret.txt"), "w") as out:
    out.write("secret")
os.symlink(os.path.join(_base, "secret.txt"), os.path.join(ROOT, "link-out.txt"))


@api.route("/doc")
def doc(req, resp):
    resp.etag = "v1"
    resp.last_modified = CHANGED
    resp.cache_control(public=True, max_age=60)
    resp.vary("Accept-Language")
    resp.media = {"text": "hello"}


@api.route("/auto")
def auto(req, resp):
    resp.media = {"items": list(range(300))}


def version(req, params):
    doc = DOCS.get(params["id"])
    return f"v{doc['version']}" if doc else None


@api.route("/items/{id}")
@responder.conditional(etag=version, require_if_match=True)
class Item:
    def on_get(self, req, resp, *, id):
        resp.media = DOCS[id]

    async def on_put(self, req, resp, *, id):
        DOCS[id]["version"] += 1
        resp.media = DOCS[id]


@api.route("/download/{name:path}")
def download(req, resp, *, name):
    resp.download(name, root=ROOT, filename=req.params.get("as"))


@api.route("/made", methods=["POST"])
def made(req, resp):
    resp.created({"id": 7}, location="/items/7")


@api.route("/oops")
def oops(req, resp):
    resp.problem(402, "Pay up", type="https://example.com/pay", balance=0)


@api.route("/logout")
def logout(req, resp):
    resp.delete_cookie("session-id", path="/")
    resp.no_content()


# @conditional with a validator that reads its store from a generator dependency.
EVENTS: list[str] = []


def versions():
    EVENTS.append("open")
    yield DOCS
    EVENTS.append("close")


def current_version(req, params, docs=responder.Depends(versions)):
    return f"v{docs['1']['version']}"


@api.route("/guarded")
@responder.conditional(etag=current_version)
def guarded(req, resp):
    EVENTS.append("view")
    resp.text = "guarded"


@api.route("/events")
def events(req, resp):
    resp.media = EVENTS
