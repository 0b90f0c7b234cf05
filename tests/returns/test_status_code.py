"""``status_code=``: the status of a successful answer whose view set none."""

from __future__ import annotations

import pytest

import responder


def test_a_verb_decorator_status_code_applies_to_returned_and_mutated_answers():
    api = responder.API()

    @api.post("/items", status_code=201)
    async def create(req, resp):
        return {"id": 1}

    @api.put("/items", status_code=201)
    def replace(req, resp):
        resp.media = {"id": 2}

    r = api.requests.post("/items")
    assert (r.status_code, r.json()) == (201, {"id": 1})
    r = api.requests.put("/items")
    assert (r.status_code, r.json()) == (201, {"id": 2})


def test_the_view_status_wins_and_errors_keep_theirs():
    api = responder.API()

    @api.route("/{what}", status_code=201)
    async def view(req, resp, *, what):
        if what == "tuple":
            return {"ok": True}, 200
        if what == "set":
            resp.status_code = 202
            return None
        raise responder.HTTPError(409, detail="taken")

    assert api.requests.get("/tuple").status_code == 200
    assert api.requests.get("/set").status_code == 202
    assert api.requests.get("/error").status_code == 409


def test_a_resource_route_status_code_applies_to_each_responder():
    class Things:
        def on_post(self, req, resp):
            return {"made": True}

        async def on_delete(self, req, resp):
            return None

    api = responder.API()
    api.add_route("/things", Things, status_code=202)
    assert api.requests.post("/things").status_code == 202
    assert api.requests.delete("/things").status_code == 202


def test_a_before_hook_that_answers_keeps_its_status():
    def deny(req, resp, resource, params):
        resp.status_code = 401

    api = responder.API()

    @api.post("/items", status_code=201)
    @responder.before(deny)
    async def create(req, resp):
        return {"id": 1}

    assert api.requests.post("/items").status_code == 401


def test_status_code_is_on_the_route_spec_for_openapi():
    api = responder.API()

    @api.post("/items", status_code=201)
    async def create(req, resp):
        return {"id": 1}

    handler = api.router.match("/items")[0].handlers["POST"]
    assert handler.spec.status_code == 201


@pytest.mark.parametrize("bad", [99, 600, "201", 201.0, True])
def test_a_status_code_that_is_no_status_is_refused_at_registration(bad):
    api = responder.API()
    with pytest.raises(ValueError, match="status_code must be an int from 100 to 599"):
        api.add_route("/", lambda req, resp: None, status_code=bad)
