"""Parameters, request bodies and the 422 from what responders declare in their signatures."""

import enum
from dataclasses import dataclass
from typing import Annotated

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel, Field

import responder
from responder import Body, Cookie, Depends, File, Form, Header, Path, Query, UploadFile
from tests.docs.test_openapi_responses import CSV, WRITTEN

BODY_TYPES = WRITTEN  # every built-in format reads bodies as well as writing them
FORMS = {"application/x-www-form-urlencoded", "multipart/form-data"}


class Color(str, enum.Enum):
    red = "red"
    blue = "blue"


class Order(BaseModel):
    item: str
    quantity: int = Field(ge=1)


class Login(BaseModel):
    user: str
    password: str


class Paging(BaseModel):
    page: int = Field(1, ge=1, description="Which page.")
    size: int = Field(10, le=50)
    tag: list[str] = []


@dataclass
class Point:
    x: int
    y: int


def document(api, version="3.1.0"):
    doc = api.requests.get("/schema.json").json()
    assert doc["openapi"] == version
    validate(doc)
    return doc


def operation(api, path, method="get", version="3.1.0"):
    return document(api, version)["paths"][path][method]


def by_name(op):
    return {(p["in"], p["name"]): p for p in op.get("parameters", [])}


def test_query_header_and_cookie_markers_are_parameters_with_their_schemas():
    api = responder.API(openapi="3.1.0")

    @api.get("/search")
    async def search(
        req,
        resp,
        *,
        q: str = Query(..., min_length=2, description="What to look for."),
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
        tag: list[str] = Query([]),
        color: Color = Query(Color.red),
        old: str | None = Query(None, deprecated=True, pattern="^[a-z]+$"),
        user_agent: str = Header("unknown"),
        token: str = Header(..., alias="X-Token"),
        theme: str | None = Cookie(None),
    ):
        resp.media = {}

    found = by_name(operation(api, "/search"))
    assert set(found) == {
        ("query", "q"),
        ("query", "limit"),
        ("query", "tag"),
        ("query", "color"),
        ("query", "old"),
        ("header", "User-Agent"),
        ("header", "X-Token"),
        ("cookie", "theme"),
    }
    q = found["query", "q"]
    assert q["required"] is True and q["description"] == "What to look for."
    assert q["schema"] == {"type": "string", "minLength": 2}
    limit = found["query", "limit"]
    assert limit["required"] is False
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}
    tag = found["query", "tag"]
    assert tag["schema"]["type"] == "array" and tag["schema"]["items"] == {"type": "string"}
    assert (tag["style"], tag["explode"]) == ("form", True)
    assert found["query", "color"]["schema"]["$ref"] == "#/components/schemas/Color"
    assert found["query", "old"]["deprecated"] is True
    assert found["query", "old"]["schema"]["anyOf"][0]["pattern"] == "^[a-z]+$"
    assert found["header", "X-Token"]["required"] is True
    assert found["header", "User-Agent"]["schema"]["default"] == "unknown"
    assert found["cookie", "theme"]["required"] is False


def test_a_deprecated_parameter_is_read_without_a_warning():
    # pydantic warns on every read of a deprecated field; the marker keeps it for the docs
    api = responder.API()

    @api.get("/old")
    async def old(req, resp, *, q: int = Query(1, deprecated=True)):
        resp.media = {"q": q}

    assert api.requests.get("/old?q=2").json() == {"q": 2}


def test_resource_responders_and_on_request_give_parameters_once_each():
    api = responder.API(openapi="3.1.0")

    @api.route("/books/{id:int}")
    class Book:
        def on_request(self, req, resp, *, lang: str = Header("en", alias="Accept-Language")):
            pass

        async def on_get(self, req, resp, *, id: int, fields: list[str] = Query([])):
            resp.media = {}

        async def on_put(self, req, resp, *, id: int, accept_language: str = Header("en")):
            resp.media = {}

    paths = document(api)["paths"]["/books/{id}"]
    get = by_name(paths["get"])
    assert set(get) == {("path", "id"), ("header", "Accept-Language"), ("query", "fields")}
    assert get["path", "id"]["schema"] == {"type": "integer", "minimum": 0}
    # on_request's header and on_put's are one header: listed once
    put = [p for p in paths["put"]["parameters"] if p["in"] == "header"]
    assert [p["name"] for p in put] == ["Accept-Language"]
    # each method's on_request has its own plan, with the same schema
    assert put[0]["schema"] == get["header", "Accept-Language"]["schema"]
    assert put[0]["schema"] == {"type": "string", "default": "en"}


def test_path_parameters_combine_the_convertor_with_the_marker():
    api = responder.API(openapi="3.1.0")

    @api.get("/a/{id:int}")
    async def a(req, resp, *, id: int = Path(ge=5, le=99, description="An id.")):
        pass

    @api.get("/b/{n}")
    async def b(req, resp, *, n: int = Path(ge=1)):
        pass

    @api.get("/c/{slug}")
    async def c(req, resp, *, slug: str = Path(min_length=3)):
        pass

    paths = document(api)["paths"]
    (a_id,) = paths["/a/{id}"]["get"]["parameters"]
    assert a_id["description"] == "An id." and a_id["required"] is True
    assert a_id["schema"] == {"type": "integer", "minimum": 5, "maximum": 99}
    (b_n,) = paths["/b/{n}"]["get"]["parameters"]
    assert b_n["schema"] == {"type": "integer", "minimum": 1}  # the declared type is sent
    (c_slug,) = paths["/c/{slug}"]["get"]["parameters"]
    assert c_slug["schema"] == {"type": "string", "minLength": 3, "pattern": "^[^/]+$"}


def test_params_model_and_a_query_model_list_the_models_fields():
    api = responder.API(openapi="3.1.0")

    @api.get("/list", params_model=Paging)
    async def listing(req, resp):
        pass

    @api.get("/typed", params_model=Paging)
    async def typed(req, resp, *, paging: Paging = Query()):
        pass

    @api.get("/bare")
    async def bare(req, resp, *, paging: Paging = Query()):
        pass

    paths = document(api)["paths"]
    for path in ("/list", "/typed", "/bare"):
        op = paths[path]["get"]
        assert [p["name"] for p in op["parameters"]] == ["page", "size", "tag"], path
        page, size, tag = op["parameters"]
        assert page["description"] == "Which page." and page["required"] is False
        assert page["schema"] == {"type": "integer", "minimum": 1, "default": 1}
        assert size["schema"]["maximum"] == 50
        assert tag["explode"] is True
        assert "422" in op["responses"]


def test_a_body_parameter_is_the_request_body_in_every_format_that_reads():
    api = responder.API(openapi="3.1.0")
    api.media.register(CSV())

    @api.post("/orders")
    async def create(req, resp, *, order: Order):
        pass

    @api.put("/login")
    async def login(req, resp, *, creds: Login = Body(None)):
        pass

    @api.patch("/points")
    async def points(req, resp, *, points: list[Point] = Body(...)):
        pass

    paths = document(api)["paths"]
    body = paths["/orders"]["post"]["requestBody"]
    assert body["required"] is True
    ref = {"$ref": "#/components/schemas/Order"}
    # Order has an int field: strict formats only, as request_model= lists it
    assert body["content"] == {t: {"schema": ref} for t in BODY_TYPES | {"text/csv"}}
    login_body = paths["/login"]["put"]["requestBody"]
    assert login_body["required"] is False
    assert set(login_body["content"]) >= FORMS  # a model of strings: forms can fill it
    schema = paths["/points"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"type": "array", "items": {"$ref": "#/components/schemas/Point"}}


def test_a_body_parameter_documents_what_it_accepts():
    api = responder.API(openapi="3.1.0")

    @api.post("/orders")
    async def create(req, resp, *, order: Order):
        resp.media = order.model_dump()

    body = operation(api, "/orders", "post")["requestBody"]
    assert "application/x-yaml" in body["content"]
    r = api.requests.post(
        "/orders",
        content="item: tea\nquantity: 2\n",
        headers={"Content-Type": "application/x-yaml"},
    )
    assert r.json() == {"item": "tea", "quantity": 2}


@pytest.mark.parametrize(("version", "marked"), [("3.1.0", True), ("3.0.3", False)])
def test_form_and_file_parameters_are_a_form_body(version, marked):
    api = responder.API(openapi=version)

    @api.post("/profile")
    async def profile(req, resp, *, name: str = Form(..., max_length=20), age: int = Form(0)):
        pass

    @api.post("/upload")
    async def upload(
        req,
        resp,
        *,
        title: str = Form(...),
        doc: UploadFile = File(...),
        extra: list[UploadFile] = File([]),
        raw: bytes | None = File(None),
    ):
        pass

    paths = document(api, version)["paths"]
    profile_body = paths["/profile"]["post"]["requestBody"]
    assert set(profile_body["content"]) == FORMS
    schema = profile_body["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["name"] == {"type": "string", "maxLength": 20}
    assert schema["required"] == ["name"]
    upload_body = paths["/upload"]["post"]["requestBody"]
    assert upload_body["required"] is True
    assert list(upload_body["content"]) == ["multipart/form-data"]  # files need multipart
    properties = upload_body["content"]["multipart/form-data"]["schema"]["properties"]
    binary = {"type": "string", "format": "binary"}
    if marked:
        binary["contentMediaType"] = "application/octet-stream"
    assert properties["doc"] == binary
    assert properties["extra"]["items"] == binary


def test_the_422_is_documented_only_where_values_are_checked():
    api = responder.API(openapi="3.1.0")

    def database():
        return "db"

    @api.get("/typed")
    async def typed(req, resp, *, q: int = Query(1)):
        pass

    @api.get("/plain")
    async def plain(req, resp):
        pass

    @api.get("/injected")
    async def injected(req, resp, *, db: str = Depends(database)):
        pass

    @api.post("/model", request_model=Login)
    async def model(req, resp):
        pass

    doc = document(api)
    paths = doc["paths"]
    invalid = paths["/typed"]["get"]["responses"]["422"]["content"]
    assert invalid["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/InvalidParameters"
    }
    assert "422" not in paths["/plain"]["get"]["responses"]
    assert "422" not in paths["/injected"]["get"]["responses"]
    assert "parameters" not in paths["/injected"]["get"]  # a dependency is no parameter
    body = paths["/model"]["post"]["responses"]["422"]["content"]["application/problem+json"]
    assert body["schema"] == {"$ref": "#/components/schemas/InvalidBody"}
    # what the params module answers has the documented shape
    error = api.requests.get("/typed?q=x").json()["errors"][0]
    shape = doc["components"]["schemas"]["InvalidParameters"]["properties"]["errors"]["items"]
    assert set(error) == set(shape["properties"]) == set(shape["required"])
    assert error["location"] in shape["properties"]["location"]["enum"]
    error = api.requests.post("/model", json={}).json()["errors"][0]
    shape = doc["components"]["schemas"]["InvalidBody"]["properties"]["errors"]["items"]
    assert set(shape["required"]) <= set(error)


def test_a_view_without_methods_that_requires_a_body_is_documented_as_post():
    api = responder.API(openapi="3.1.0")

    @api.route("/orders")
    async def orders(req, resp, *, order: Order):
        pass

    @api.route("/maybe")
    async def maybe(req, resp, *, order: Order | None = None):
        pass

    paths = document(api)["paths"]
    assert list(paths["/orders"]) == ["post"]
    assert set(paths["/maybe"]) == {"get", "post"}
    assert "requestBody" not in paths["/maybe"]["get"]
    assert api.requests.get("/orders").status_code == 422  # what the document leaves out


def test_the_docstring_still_wins_over_the_signature():
    api = responder.API(openapi="3.1.0")

    @api.post("/orders/{id:int}")
    async def create(req, resp, *, id: int = Path(ge=1), q: int = Query(1), order: Order):
        """Create.

        ---
        parameters:
          - name: q
            in: query
            description: Written by hand.
            schema:
              type: integer
          - name: id
            in: path
            required: true
            description: Hand-written too.
            schema:
              type: integer
        requestBody:
          content:
            application/json:
              schema:
                type: object
        """

    op = operation(api, "/orders/{id}", "post")
    found = by_name(op)
    assert len(op["parameters"]) == 2
    assert found["query", "q"]["description"] == "Written by hand."
    assert found["path", "id"]["description"] == "Hand-written too."
    assert op["requestBody"] == {"content": {"application/json": {"schema": {"type": "object"}}}}


@pytest.mark.parametrize("parameter", ["order: Order", "name: str = Form(...)"])
def test_request_model_and_a_body_parameter_are_refused_together(parameter):
    api = responder.API()
    namespace = {"Order": Order, "Form": Form}
    exec(f"async def view(req, resp, *, {parameter}):\n    pass", namespace)
    with pytest.raises(TypeError, match="request_model="):
        api.add_route("/orders", namespace["view"], methods=["POST"], request_model=Login)
    assert api.requests.post("/orders", json={}).status_code == 404  # nothing was added


def test_both_versions_validate_with_every_marker():
    for version in ("3.0.3", "3.1.0"):
        api = responder.API(openapi=version)

        @api.post("/all/{id:int}")
        async def everything(
            req,
            resp,
            *,
            id: int = Path(ge=1),
            color: Color | None = Query(None),
            tags: list[str] = Query([]),
            x_trace: str = Header("", convert_underscores=False),
            session: str = Cookie(""),
            note: str = Form(""),
            file: UploadFile = File(...),
        ):
            pass

        op = operation(api, "/all/{id}", "post", version)
        assert len(op["parameters"]) == 5
        assert ("header", "x_trace") in by_name(op)
