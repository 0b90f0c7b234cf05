"""The app the hostile suite attacks for sessions, background work, the SPA and convertors."""

import threading
from pathlib import Path

import responder

SECRET = "hostile-suite-secret"
MAX_AGE = 600
QUEUE_SIZE = 8

api = responder.API(
    secret_key=SECRET,
    session_max_age=MAX_AGE,
    background_threads=2,
    background_queue_size=QUEUE_SIZE,
    static_dir=str(Path(__file__).parent / "smaller_site"),
    spa_exclude=["/api"],
)
api.add_route("/", static=True)


@api.route("/login/{name}")
def login(req, resp, *, name):
    req.session["user"] = name
    resp.media = {"user": name}


@api.route("/me")
def me(req, resp):
    user = req.session.get("user")
    if not isinstance(user, str):
        raise responder.HTTPUnauthorized(detail="Log in first.")
    resp.media = {"user": user}


# Background jobs that hold their place until /jobs/release: a new gate per round.
gate = [threading.Event()]


@api.route("/jobs/start/{n:int}")
def start_jobs(req, resp, *, n):
    for _ in range(n):
        api.background(gate[0].wait, 60)
    resp.media = {"started": n}


@api.route("/jobs/release")
def release_jobs(req, resp):
    gate[0], old = threading.Event(), gate[0]
    old.set()
    resp.media = {"released": True}


@api.route("/jobs/pending")
def pending_jobs(req, resp):
    resp.media = {"pending": len(api.background.pending)}


@api.route("/sync")
def sync_view(req, resp):
    resp.media = {"answered": True}


@api.route("/api/items")
def items(req, resp):
    resp.media = []


@api.route("/items/{id:int}")
def item(req, resp, *, id):
    resp.media = {"id": id}


@api.route("/price/{amount:float}")
def price(req, resp, *, amount):
    resp.media = {"amount": amount}


@api.route("/names/{name}")
def name_view(req, resp, *, name):
    resp.media = {"name": name}


@api.route("/files/{rest:path}")
def files(req, resp, *, rest):
    resp.media = {"rest": rest}
