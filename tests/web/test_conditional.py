"""``@responder.conditional``: 304, 412 and 428 answered before the view runs."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import pytest
import yaml

import responder

UTC = dt.timezone.utc
CHANGED = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


class Store:
    """Documents with a version each, and a log of the views that ran."""

    def __init__(self):
        self.docs = {"1": {"version": 1, "text": "hello"}}
        self.ran = []

    def etag(self, req, params):
        doc = self.docs.get(params["id"])
        return f"v{doc['version']}" if doc else None

    async def etag_async(self, req, params):
        return self.etag(req, params)

    def modified(self, req, params):
        return CHANGED if params["id"] in self.docs else None


def function_views(api, store, **options):
    @api.route("/docs/{id}", methods=["GET"])
    @responder.conditional(etag=store.etag, **options)
    def read(req, resp, *, id):
        store.ran.append("GET")
        resp.media = store.docs[id]

    @api.route("/docs/{id}", methods=["PUT", "DELETE", "PATCH"], check_existing=False)
    @responder.conditional(etag=store.etag_async, **options)
    async def change(req, resp, *, id):
        store.ran.append(req.method.upper())
        if req.method == "delete":
            store.docs.pop(id, None)
            resp.no_content()
            return
        doc = store.docs.setdefault(id, {"version": 0, "text": ""})
        doc["version"] += 1
        resp.media = doc


def resource_class(api, store, **options):
    @api.route("/docs/{id}")
    @responder.conditional(etag=store.etag, last_modified=store.modified, **options)
    class Doc:
        def on_get(self, req, resp, *, id):
            store.ran.append("GET")
            resp.media = store.docs[id]

        async def on_put(self, req, resp, *, id):
            store.ran.append("PUT")
            doc = store.docs.setdefault(id, {"version": 0, "text": ""})
            doc["version"] += 1
            resp.media = doc

        def on_delete(self, req, resp, *, id):
            store.ran.append("DELETE")
            store.docs.pop(id, None)
            resp.no_content()


def decorated_responders(api, store, **options):
    @api.route("/docs/{id}")
    class Doc:
        @responder.conditional(etag=store.etag_async, **options)
        async def on_get(self, req, resp, *, id):
            store.ran.append("GET")
            resp.media = store.docs[id]

        @responder.conditional(etag=store.etag, **options)
        def on_put(self, req, resp, *, id):
            store.ran.append("PUT")
            doc = store.docs.setdefault(id, {"version": 0, "text": ""})
            doc["version"] += 1
            resp.media = doc

        @responder.conditional(etag=store.etag, **options)
        def on_delete(self, req, resp, *, id):
            store.ran.append("DELETE")
            store.docs.pop(id, None)
            resp.no_content()


SHAPES = {"functions": function_views, "class": resource_class, "responders": decorated_responders}


@pytest.fixture(params=sorted(SHAPES))
def shape(request):
    return SHAPES[request.param]


@pytest.fixture
def store(api, shape):
    """A store, routed in each shape in turn."""
    store = Store()
    shape(api, store)
    return store


def test_a_current_copy_is_304_and_the_view_never_runs(api, store):
    first = api.requests.get("/docs/1")
    assert first.status_code == 200 and first.headers["etag"] == '"v1"'
    assert store.ran == ["GET"]
    again = api.requests.get("/docs/1", headers={"If-None-Match": '"v1"'})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == '"v1"'
    assert store.ran == ["GET"]
    assert api.requests.head("/docs/1", headers={"If-None-Match": 'W/"v1"'}).status_code == 304
    assert store.ran == ["GET"]


def test_a_stale_copy_gets_the_view(api, store):
    r = api.requests.get("/docs/1", headers={"If-None-Match": '"v0"'})
    assert r.status_code == 200 and r.json()["version"] == 1
    assert store.ran == ["GET"]


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_stale_if_match_is_412_and_nothing_changes(api, store, method):
    r = api.requests.request(method, "/docs/1", headers={"If-Match": '"v0"'})
    assert r.status_code == 412
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "Precondition Failed"
    assert r.headers["etag"] == '"v1"'
    assert store.ran == [] and store.docs["1"]["version"] == 1


def test_a_current_if_match_lets_the_change_through(api, store):
    r = api.requests.put("/docs/1", headers={"If-Match": '"v0", "v1"'})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert store.ran == ["PUT"]
    assert api.requests.put("/docs/1", headers={"If-Match": '"v1"'}).status_code == 412


def test_the_412_speaks_the_negotiated_format(api, store):
    headers = {"If-Match": '"v0"', "Accept": "application/yaml"}
    r = api.requests.put("/docs/1", headers=headers)
    assert r.status_code == 412
    assert r.headers["content-type"] == "application/problem+yaml"
    assert yaml.safe_load(r.text)["status"] == 412


@pytest.mark.parametrize("if_match", ['W/"v1"', "v1", '"v1" junk', ""])
def test_if_match_compares_strongly_and_a_malformed_one_fails(api, store, if_match):
    assert api.requests.put("/docs/1", headers={"If-Match": if_match}).status_code == 412
    assert store.ran == []


def test_if_match_star_needs_the_resource_to_exist(api, store):
    assert api.requests.put("/docs/2", headers={"If-Match": "*"}).status_code == 412
    assert api.requests.put("/docs/1", headers={"If-Match": "*"}).status_code == 200


def test_if_none_match_star_creates_only_once(api, store):
    assert api.requests.put("/docs/2", headers={"If-None-Match": "*"}).status_code == 200
    assert api.requests.put("/docs/2", headers={"If-None-Match": "*"}).status_code == 412
    assert store.ran == ["PUT"]


def test_require_if_match_answers_428_for_changes_without_one(api, shape):
    store = Store()
    shape(api, store, require_if_match=True)
    r = api.requests.delete("/docs/1")
    assert r.status_code == 428
    assert r.headers["content-type"] == "application/problem+json"
    assert "If-Match" in r.json()["detail"]
    assert api.requests.get("/docs/1").status_code == 200  # reads need none
    assert api.requests.delete("/docs/1", headers={"If-Match": '"v1"'}).status_code == 204
    assert store.ran == ["GET", "DELETE"]


def test_if_unmodified_since(api):
    store = Store()
    resource_class(api, store)
    before = format_datetime(CHANGED - dt.timedelta(hours=1), usegmt=True)
    after = format_datetime(CHANGED, usegmt=True)
    assert api.requests.put("/docs/1", headers={"If-Unmodified-Since": before}).status_code == 412
    assert store.ran == []
    assert api.requests.put("/docs/1", headers={"If-Unmodified-Since": after}).status_code == 200
    bad = {"If-Unmodified-Since": "not a date"}  # invalid: as if absent
    assert api.requests.put("/docs/1", headers=bad).status_code == 200


def test_if_match_wins_over_if_unmodified_since(api):
    store = Store()
    resource_class(api, store)
    before = format_datetime(CHANGED - dt.timedelta(hours=1), usegmt=True)
    headers = {"If-Match": '"v1"', "If-Unmodified-Since": before}
    assert api.requests.put("/docs/1", headers=headers).status_code == 200


def test_if_modified_since_from_last_modified_callable(api):
    store = Store()
    resource_class(api, store)
    r = api.requests.get("/docs/1")
    assert r.headers["last-modified"] == "Wed, 01 May 2024 12:00:00 GMT"
    since = {"If-Modified-Since": r.headers["last-modified"]}
    assert api.requests.get("/docs/1", headers=since).status_code == 304
    assert store.ran == ["GET"]


def test_validators_see_the_request_and_its_params(api):
    seen = []

    def etag(req, params):
        seen.append((req.method, dict(params)))
        return "x"

    @api.route("/things/{kind}/{n:int}")
    @responder.conditional(etag=etag)
    def view(req, resp, *, kind, n):
        resp.text = "x"

    api.requests.get("/things/a/3")
    assert seen == [("get", {"kind": "a", "n": 3})]


def test_a_304_keeps_what_after_hooks_add(api):
    def cache(req, resp, resource):
        resp.cache_control(public=True, max_age=30)

    @api.route("/doc")
    @responder.conditional(etag=lambda req, params: "v1")
    @responder.after(cache)
    def view(req, resp):
        resp.text = "hello"

    r = api.requests.get("/doc", headers={"If-None-Match": '"v1"'})
    assert r.status_code == 304
    assert r.headers["cache-control"] == "public, max-age=30"


def test_a_view_that_sets_its_own_etag_wins(api):
    @api.route("/doc")
    @responder.conditional(etag=lambda req, params: "v1")
    def view(req, resp):
        resp.etag = "v1-extra"
        resp.text = "hello"

    assert api.requests.get("/doc").headers["etag"] == '"v1-extra"'


def test_conditional_needs_a_validator():
    with pytest.raises(TypeError, match="etag="):
        responder.conditional()
    with pytest.raises(TypeError, match="callable"):
        responder.conditional(etag="v1")


def test_a_validator_giving_nonsense_is_a_500_not_a_304(api):
    @api.route("/doc")
    @responder.conditional(etag=lambda req, params: "has space")
    def view(req, resp):
        resp.text = "x"

    client = api.session(raise_server_exceptions=False)
    r = client.get("/doc", headers={"If-None-Match": "*"})
    assert r.status_code == 500


def test_412_and_428_are_error_classes_users_can_handle(api):
    @api.exception_handler(responder.HTTPPreconditionFailed)
    def stale(req, resp, exc):
        resp.status_code = 409
        resp.media = {"reload": True}

    store = Store()
    function_views(api, store)
    r = api.requests.put("/docs/1", headers={"If-Match": '"v0"'})
    assert (r.status_code, r.json()) == (409, {"reload": True})
