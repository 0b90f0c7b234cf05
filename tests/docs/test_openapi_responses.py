"""Success responses keyed by their real status, with the responder's model, in every format."""

from dataclasses import dataclass

import pytest
from marshmallow import Schema, fields
from pydantic import BaseModel
from typing_extensions import TypedDict

import responder
from responder.media import MediaHandler

WRITTEN = {
    "application/json",
    "application/x-yaml",
    "application/yaml",
    "text/yaml",
    "application/x-msgpack",
    "application/msgpack",
}
ITEM = {"$ref": "#/components/schemas/Item"}


class Item(BaseModel):
    name: str


class Other(BaseModel):
    size: int


@dataclass
class Point:
    x: int
    y: int


class Totals(TypedDict):
    count: int


class FlatSchema(Schema):
    name = fields.Str(required=True)
    age = fields.Int()


class NestedSchema(Schema):
    tags = fields.List(fields.Str())


def operation(api, path, method="get"):
    document = api.requests.get("/schema.json").json()
    return document["paths"][path][method]


def success_schemas(op, status):
    """The schema listed under each media type of the ``status`` response."""
    return {t: c["schema"] for t, c in op["responses"][status]["content"].items()}


class CSV(MediaHandler):
    media_types = ("text/csv",)
    format = "csv"

    def serialize(self, obj):
        return b""

    def deserialize(self, data, *, charset=None, **_):
        return {}


def test_a_response_model_is_the_200_response_in_every_format_the_api_writes():
    api = responder.API(openapi="3.1.0")
    api.media.register(CSV())

    @api.get("/item", response_model=Item)
    def item(req, resp):
        resp.media = {"name": "lamp"}

    op = operation(api, "/item")
    assert "2XX" not in op["responses"]
    assert op["responses"]["200"]["description"] == "OK"
    assert success_schemas(op, "200") == dict.fromkeys(WRITTEN | {"text/csv"}, ITEM)


def test_status_code_keys_the_success_response():
    api = responder.API(openapi="3.1.0")

    @api.post("/items", status_code=201, response_model=Item)
    async def create(req, resp):
        resp.media = {"name": "lamp"}

    op = operation(api, "/items", "post")
    assert set(op["responses"]) == {"201", "default"}
    assert op["responses"]["201"]["description"] == "Created"
    assert success_schemas(op, "201")["application/json"] == ITEM
    assert api.requests.post("/items").status_code == 201  # what the document says


def test_a_2xx_declared_in_responses_gets_the_model():
    api = responder.API(openapi="3.1.0")

    @api.post("/items", response_model=Item, responses={202: {"description": "Queued"}})
    async def queue(req, resp):
        return {"name": "lamp"}, 202

    op = operation(api, "/items", "post")
    assert set(op["responses"]) == {"202", "default"}
    assert op["responses"]["202"]["description"] == "Queued"
    assert success_schemas(op, "202")["application/x-msgpack"] == ITEM


def test_a_docstring_success_with_content_is_kept_as_written():
    api = responder.API(openapi="3.1.0")

    @api.get("/item")
    def item(req, resp) -> Item:
        """One item.

        ---
        responses:
          200:
            description: The item, in JSON only.
            content:
              application/json:
                schema:
                  type: object
        """
        return {"name": "lamp"}

    op = operation(api, "/item")
    assert set(op["responses"]) == {"200", "default"}  # the YAML's int 200 is the same status
    assert op["responses"]["200"]["content"] == {
        "application/json": {"schema": {"type": "object"}}
    }


def test_a_docstring_success_without_content_gets_the_model():
    api = responder.API(openapi="3.1.0")

    @api.route("/item")
    class One:
        def on_get(self, req, resp) -> Item:
            """One item.

            ---
            responses:
              "200":
                description: The item.
            """
            return {"name": "lamp"}

    op = operation(api, "/item")
    assert op["responses"]["200"]["description"] == "The item."
    assert success_schemas(op, "200")["application/json"] == ITEM


@pytest.mark.parametrize("status", [204, 304])
def test_a_bodiless_success_has_no_content(status):
    api = responder.API(openapi="3.1.0")

    @api.delete("/items", status_code=status, response_model=Item)
    async def clear(req, resp):
        pass

    op = operation(api, "/items", "delete")
    assert op["responses"][str(status)] == {
        "description": "No Content" if status == 204 else "Not Modified"
    }


def test_the_problem_default_stays_as_it_was():
    api = responder.API(openapi="3.1.0")

    @api.get("/item", response_model=Item)
    def item(req, resp):
        pass

    default = operation(api, "/item")["responses"]["default"]
    assert default["description"] == "An error, as RFC 9457 problem details."
    assert default["content"]["application/problem+json"] == {
        "schema": {"$ref": "#/components/schemas/Problem"}
    }


def function_view(annotation):
    def view(req, resp):
        pass

    view.__annotations__["return"] = annotation
    return view


def resource_class(annotation):
    class Resource:
        def on_get(self, req, resp):
            pass

    Resource.on_get.__annotations__["return"] = annotation
    return Resource


@pytest.mark.parametrize("make", [function_view, resource_class], ids=["function", "resource"])
@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (Item, ITEM),
        (list[Item], {"type": "array", "items": ITEM}),
        (Item | Other, {"anyOf": [ITEM, {"$ref": "#/components/schemas/Other"}]}),
        (Point, {"$ref": "#/components/schemas/Point"}),
        (Totals, {"$ref": "#/components/schemas/Totals"}),
        (tuple[Item, int], ITEM),
    ],
    ids=["model", "list", "union", "dataclass", "typeddict", "tuple"],
)
def test_the_return_annotation_is_the_response_schema(make, annotation, expected):
    api = responder.API(openapi="3.1.0")
    api.add_route("/thing", make(annotation))
    document = api.requests.get("/schema.json").json()
    op = document["paths"]["/thing"]["get"]
    assert success_schemas(op, "200") == dict.fromkeys(WRITTEN, expected)
    named = expected.get("$ref") or expected.get("items", {}).get("$ref")
    if named:
        assert named.rsplit("/", 1)[1] in document["components"]["schemas"]


@pytest.mark.parametrize(
    ("options", "annotation"),
    [({"response_model": False}, Item), ({}, dict), ({}, str), ({}, None)],
    ids=["response_model=False", "dict", "str", "None"],
)
def test_no_model_no_schema(options, annotation):
    api = responder.API(openapi="3.1.0")
    api.add_route("/thing", function_view(annotation), methods=["GET"], **options)
    assert operation(api, "/thing")["responses"]["200"] == {"description": "OK"}


def test_request_bodies_list_every_format_that_reads_them():
    api = responder.API(openapi="3.1.0")
    api.media.register(CSV())

    @api.post("/items", request_model=Item)
    async def create(req, resp):
        pass

    content = operation(api, "/items", "post")["requestBody"]["content"]
    assert set(content) == WRITTEN | {
        "text/csv",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }
    assert all(c["schema"] == ITEM for c in content.values())


FORMS = {"application/x-www-form-urlencoded", "multipart/form-data"}


@pytest.mark.parametrize(
    ("model", "forms"),
    [(Item, True), (Other, False), (list[Item], False), (FlatSchema, True), (NestedSchema, False)],
    ids=["strings", "an int", "a list", "marshmallow-flat", "marshmallow-nested"],
)
def test_forms_are_listed_only_for_models_a_form_can_fill(model, forms):
    api = responder.API(openapi="3.1.0")

    @api.post("/things", request_model=model)
    async def create(req, resp):
        pass

    content = operation(api, "/things", "post")["requestBody"]["content"]
    assert (set(content) >= FORMS) is forms
    assert "application/x-yaml" in content


def test_a_listed_form_body_is_accepted():
    api = responder.API(openapi="3.1.0")

    @api.post("/items", request_model=Item)
    async def create(req, resp) -> Item:
        return await req.media()

    assert api.requests.post("/items", data={"name": "lamp"}).json() == {"name": "lamp"}
    r = api.requests.post("/items", files={"name": (None, "desk")})
    assert r.json() == {"name": "desk"}
