"""api.get / post / put / patch / delete: a route per method, several on one path."""

import pytest

import responder


@pytest.fixture
def api():
    return responder.API()


def test_verbs_share_a_path_without_check_existing(api):
    @api.get("/items/{item_id:int}")
    def read(req, resp, *, item_id):
        resp.media = {"read": item_id}

    @api.put("/items/{item_id:int}")
    async def replace(req, resp, *, item_id):
        resp.media = {"replaced": item_id, "with": await req.media()}

    @api.patch("/items/{item_id:int}")
    def update(req, resp, *, item_id):
        resp.media = {"updated": item_id}

    @api.delete("/items/{item_id:int}")
    def remove(req, resp, *, item_id):
        resp.status_code = 204

    @api.post("/items")
    def create(req, resp):
        resp.status_code = 201

    client = api.requests
    assert client.get("/items/3").json() == {"read": 3}
    assert client.head("/items/3").status_code == 200
    assert client.put("/items/3", json={"a": 1}).json() == {"replaced": 3, "with": {"a": 1}}
    assert client.patch("/items/3").json() == {"updated": 3}
    assert client.delete("/items/3").status_code == 204
    assert client.post("/items").status_code == 201
    refused = client.post("/items/3")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
    assert api.url_for(read, item_id=3) == "/items/3"


def test_the_same_verb_twice_on_one_path_is_refused(api):
    @api.get("/a")
    def first(req, resp):
        pass

    with pytest.raises(ValueError, match="already answers GET"):

        @api.get("/a")
        def second(req, resp):
            pass


def test_verbs_take_the_route_options(api):
    from pydantic import BaseModel

    class Item(BaseModel):
        name: str

    @api.post("/things", request_model=Item)
    async def make(req, resp):
        resp.media = await req.media()

    assert api.requests.post("/things", json={"name": "x"}).json() == {"name": "x"}
    assert api.requests.post("/things", json={"name": 1}).status_code == 422
    with pytest.raises(TypeError, match="use route"):
        api.get("/x", methods=["POST"])


def test_groups_have_the_verbs_too(api):
    v1 = api.group("/v1")

    @v1.get("/ping")
    def ping(req, resp):
        resp.text = "pong"

    @v1.post("/ping")
    def ping_post(req, resp):
        resp.text = "posted"

    assert api.requests.get("/v1/ping").text == "pong"
    assert api.requests.post("/v1/ping").text == "posted"
