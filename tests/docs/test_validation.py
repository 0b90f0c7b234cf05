import logging

import msgpack
import pytest
import yaml
from pydantic import BaseModel, Field

import responder


class Item(BaseModel):
    name: str
    price: float = Field(gt=0)


class Public(BaseModel):
    name: str


def make(kind, **route):
    api = responder.API()
    if kind == "function":

        @api.route("/items", methods=["POST"], **route)
        async def create(req, resp):
            data = await req.media()
            resp.media = {**data, "secret": "s3cret"}

    else:

        class Items:
            async def on_post(self, req, resp):
                data = await req.media()
                resp.media = {**data, "secret": "s3cret"}

        api.add_route("/items", Items, **route)
    return api


@pytest.mark.parametrize("kind", ["function", "class"])
def test_valid_body_reaches_the_view_validated(kind):
    api = make(kind, request_model=Item)
    r = api.requests.post("/items", json={"name": "thing", "price": 9.99})
    assert r.status_code == 200
    assert r.json() == {"name": "thing", "price": 9.99, "secret": "s3cret"}


@pytest.mark.parametrize("kind", ["function", "class"])
def test_invalid_body_is_422_with_field_errors(kind):
    api = make(kind, request_model=Item)
    r = api.requests.post("/items", json={"name": "thing", "price": -1})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    (error,) = r.json()["errors"]
    assert error["field"] == "price"
    assert error["loc"] == ["price"]
    assert "greater than 0" in error["message"]
    r = api.requests.post("/items", json={"name": "thing"})
    assert [e["field"] for e in r.json()["errors"]] == ["price"]


def test_validation_is_strict_about_types():
    api = make("function", request_model=Item)
    assert api.requests.post("/items", json={"name": 5, "price": 1}).status_code == 422
    assert api.requests.post("/items", json={"name": "a", "price": "1"}).status_code == 422
    assert api.requests.post("/items", json={"name": "a", "price": True}).status_code == 422


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-yaml", yaml.safe_dump({"name": "x", "price": 2.5}).encode()),
        ("application/msgpack", msgpack.packb({"name": "x", "price": 2.5})),
        ("application/x-www-form-urlencoded", b"name=x&price=2.5"),
    ],
)
def test_any_registered_format_is_validated(content_type, body):
    api = make("function", request_model=Item)
    r = api.requests.post("/items", content=body, headers={"Content-Type": content_type})
    if content_type.startswith("application/x-www-form"):
        # Form values are strings; a strict model refuses "2.5" for a float.
        assert r.status_code == 422
    else:
        assert r.json()["price"] == 2.5


def test_malformed_body_is_still_400_not_422():
    api = make("function", request_model=Item)
    r = api.requests.post("/items", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400


@pytest.mark.parametrize("kind", ["function", "class"])
def test_response_model_drops_extra_fields(kind):
    api = make(kind, request_model=Item, response_model=Public)
    r = api.requests.post("/items", json={"name": "thing", "price": 1})
    assert r.json() == {"name": "thing"}


def test_response_not_fitting_its_model_is_logged_and_500(caplog):
    api = responder.API()

    @api.route("/broken", response_model=Item)
    def broken(req, resp):
        resp.media = {"name": "x", "price": "free"}

    with caplog.at_level(logging.ERROR, logger="responder"):
        r = api.requests.get("/broken")
    assert r.status_code == 500
    assert "free" not in r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert any("does not fit its response_model" in m for m in caplog.messages)


def test_error_responses_are_not_forced_through_the_response_model():
    api = responder.API()

    @api.route("/missing", response_model=Item)
    def missing(req, resp):
        raise responder.HTTPNotFound()

    assert api.requests.get("/missing").status_code == 404


def test_response_model_can_be_a_list_type():
    api = responder.API()

    @api.route("/many", response_model=list[Public])
    def many(req, resp):
        resp.media = [{"name": "a", "x": 1}, {"name": "b"}]

    assert api.requests.get("/many").json() == [{"name": "a"}, {"name": "b"}]


def test_documented_example_from_testing_guide():
    api = responder.API()

    @api.route("/items", methods=["POST"], request_model=Item)
    async def create(req, resp):
        data = await req.media()
        resp.media = data

    assert api.requests.post("/items", json={"name": "thing", "price": 9.99}).status_code == 200
    r = api.requests.post("/items", json={"name": "thing"})
    assert r.status_code == 422
    assert "errors" in r.json()


def test_integral_floats_count_as_integers_like_json_schema_says():
    class Counted(BaseModel):
        count: int
        ratio: float

    api = responder.API()

    @api.route("/c", methods=["POST"], request_model=Counted)
    async def view(req, resp):
        resp.media = await req.media()

    r = api.requests.post("/c", json={"count": 3.0, "ratio": 2})
    assert r.json() == {"count": 3, "ratio": 2.0}
    assert api.requests.post("/c", json={"count": 3.5, "ratio": 1}).status_code == 422


def _shared_route_api():
    """One function view answering every method, with a request_model."""
    api = responder.API()

    @api.route("/items", request_model=Item)
    async def items(req, resp):
        body = await req.media() if req.method in ("post", "put", "patch", "delete") else None
        resp.media = {"method": req.method, "body": body}

    return api


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_safe_methods_on_a_validated_route_are_not_validated(method):
    api = _shared_route_api()
    r = api.requests.request(method, "/items")
    assert r.status_code == 200
    if method == "GET":
        assert r.json() == {"method": "get", "body": None}


def test_a_get_that_carries_a_body_is_not_validated_either():
    api = _shared_route_api()
    r = api.requests.request("GET", "/items", json={"price": -1})
    assert r.json() == {"method": "get", "body": None}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_methods_with_a_body_are_validated(method):
    api = _shared_route_api()
    r = api.requests.request(method, "/items", json={"name": "x", "price": -1})
    assert r.status_code == 422
    r = api.requests.request(method, "/items", json={"name": "x", "price": 1})
    assert r.json() == {"method": method.lower(), "body": {"name": "x", "price": 1.0}}


def test_delete_is_validated_only_when_it_carries_a_body():
    api = _shared_route_api()

    class Delete:
        async def on_delete(self, req, resp):
            resp.media = {"deleted": True}

    api.add_route("/things/{id}", Delete, request_model=Item)
    assert api.requests.delete("/things/1").json() == {"deleted": True}
    invalid = api.requests.request("DELETE", "/items", json={"name": "x"})
    assert invalid.status_code == 422
    valid = api.requests.request("DELETE", "/items", json={"name": "x", "price": 2})
    assert valid.json()["body"] == {"name": "x", "price": 2.0}


def test_class_resource_get_and_options_skip_validation_post_does_not():
    api = responder.API()

    class Items:
        def on_get(self, req, resp):
            resp.media = ["listed"]

        def on_options(self, req, resp):
            resp.headers["Allow"] = "GET, POST, OPTIONS"

        async def on_post(self, req, resp):
            resp.media = await req.media()

    api.add_route("/items", Items, request_model=Item)
    assert api.requests.get("/items").json() == ["listed"]
    assert api.requests.options("/items").status_code == 200
    assert api.requests.post("/items", json={"name": "x"}).status_code == 422


def test_the_schema_documents_a_request_body_only_where_one_is_validated():
    api = responder.API(openapi="3.0.2")

    @api.route("/items", methods=["GET", "POST", "DELETE"], request_model=Item)
    async def items(req, resp):
        pass

    spec = yaml.safe_load(api.requests.get("/schema.yml").text)
    operations = spec["paths"]["/items"]
    assert "requestBody" not in operations["get"]
    assert operations["post"]["requestBody"]["required"] is True
    assert operations["delete"]["requestBody"]["required"] is False


class Person(BaseModel):
    age: int
    note: str | None = None
    avatar: bytes | None = None
    score: float | None = None


def _people_api():
    api = responder.API()

    @api.route("/people", methods=["POST"], request_model=Person)
    async def create(req, resp):
        data = await req.media()
        resp.media = {"types": {k: type(v).__name__ for k, v in data.items()}, **data}

    return api


MSGPACK = {"Content-Type": "application/x-msgpack"}


def test_a_messagepack_body_holding_bytes_is_still_validated_strictly():
    api = _people_api()
    body = msgpack.packb({"age": "5", "avatar": b"\x89PNG"}, use_bin_type=True)
    r = api.requests.post("/people", content=body, headers=MSGPACK)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["age"]
    body = msgpack.packb({"age": 5, "note": True, "avatar": b"x"}, use_bin_type=True)
    assert api.requests.post("/people", content=body, headers=MSGPACK).status_code == 422


def test_bytes_reach_a_bytes_field_as_the_bytes_sent():
    api = _people_api()
    body = msgpack.packb({"age": 5, "avatar": b"\x89PNG\xff"}, use_bin_type=True)
    r = api.requests.post(
        "/people", content=body, headers={**MSGPACK, "Accept": "application/x-msgpack"}
    )
    assert r.status_code == 200
    got = msgpack.unpackb(r.content)
    assert got["types"]["avatar"] == "bytes"
    assert got["avatar"] == b"\x89PNG\xff"


def test_a_multipart_body_with_a_file_is_validated_strictly():
    class Upload(BaseModel):
        title: str
        count: int = 0
        doc: dict

    api = responder.API()

    @api.route("/up", methods=["POST"], request_model=Upload)
    async def up(req, resp):
        data = await req.media()
        resp.media = {"title": data["title"], "size": len(data["doc"]["content"])}

    files = {"doc": ("a.bin", b"\x00\x01\x02", "application/octet-stream")}
    r = api.requests.post("/up", data={"title": "t"}, files=files)
    assert r.json() == {"title": "t", "size": 3}
    r = api.requests.post("/up", data={"title": "t", "count": "5"}, files=files)
    assert r.status_code == 422  # "5" is text, as every form value is
    assert [e["field"] for e in r.json()["errors"]] == ["count"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"age": 1, "score": 1e999}'),
        ("application/json", b'{"age": 1, "score": 1e999, "note": "12345678901234567890"}'),
        ("application/x-yaml", b"{age: 1, score: .nan}"),
        ("application/x-yaml", b"{age: 1, score: -.inf}"),
        ("application/x-msgpack", msgpack.packb({"age": 1, "score": float("nan")})),
    ],
)
def test_numbers_json_cannot_carry_never_reach_validation(content_type, body):
    r = _people_api().requests.post(
        "/people", content=body, headers={"Content-Type": content_type}
    )
    assert r.status_code == 400
    assert r.json()["title"].startswith(("Malformed", "MessagePack document"))


def test_a_non_finite_number_from_a_custom_handler_is_a_422():
    from responder.media import MediaHandler

    class Lenient(MediaHandler):
        media_types = ("text/x-lenient",)
        format = "lenient"

        def serialize(self, obj):
            return repr(obj).encode()

        def deserialize(self, data, *, charset=None, **_):
            return {"age": 1, "score": float(data)}

    api = _people_api()
    api.media.register(Lenient())
    r = api.requests.post("/people", content=b"inf", headers={"Content-Type": "text/x-lenient"})
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert (error["field"], error["type"]) == ("score", "finite_number")
