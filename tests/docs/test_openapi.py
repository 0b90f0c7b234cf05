import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from marshmallow import Schema, fields
from openapi_spec_validator import validate
from pydantic import BaseModel

import responder
from responder.docs.openapi import iter_operations

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "petstore.py"


def petstore(openapi="3.1.0", **options):
    spec = importlib.util.spec_from_file_location("petstore_for_docs", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_api(openapi, **options)


def document(api, path="/schema.json"):
    r = api.requests.get(path)
    assert r.status_code == 200
    return r.json()


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_example_spec_validates(version):
    doc = document(petstore(version))
    assert doc["openapi"] == version
    validate(doc)


def test_example_spec_has_one_operation_per_responder():
    doc = document(petstore())
    operations = {(path, method) for path, method, _ in iter_operations(doc)}
    assert operations == {
        ("/pets", "get"),
        ("/pets", "post"),
        ("/pets/{pet_id}", "get"),
        ("/pets/{pet_id}", "delete"),
        ("/owners/{name}", "get"),
    }
    assert "/health" not in doc["paths"]
    assert "/schema.yml" not in doc["paths"] and "/docs" not in doc["paths"]


def test_info_comes_from_the_constructor():
    info = document(petstore())["info"]
    assert info == {
        "title": "Pet Store",
        "version": "1.0.0",
        "description": "Pets, their owners, and the three ways of documenting them.",
        "termsOfService": "https://example.com/terms",
        "contact": {"name": "Pet Store team", "email": "pets@example.com"},
        "license": {"name": "Apache 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
    }


def test_docstrings_give_summary_description_and_yaml():
    doc = document(petstore())
    create = doc["paths"]["/pets"]["post"]
    assert create["summary"] == "Add a pet."
    assert create["description"].startswith("The body is validated")
    fetch = doc["paths"]["/pets/{pet_id}"]["get"]
    assert fetch["responses"]["404"] == {"description": "No such pet."}
    owner = doc["paths"]["/owners/{name}"]["get"]
    assert owner["summary"] == "Look up an owner by name."
    assert owner["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Owner"
    }


def test_path_parameters_are_typed_from_convertors():
    api = responder.API(openapi="3.1.0")
    api.add_route(
        "/t/{a:int}/{b:float}/{c:uuid}/{d}/{e:path}", lambda req, resp, **kw: None, methods=["GET"]
    )
    doc = document(api)
    (path, item), *_ = doc["paths"].items()
    assert path == "/t/{a}/{b}/{c}/{d}/{e}"
    schemas = {p["name"]: p["schema"] for p in item["get"]["parameters"]}
    assert schemas["a"]["type"] == "integer"
    assert schemas["b"]["type"] == "number"
    assert schemas["c"] == {"type": "string", "format": "uuid"}
    assert schemas["d"]["type"] == "string"
    assert schemas["e"] == {"type": "string"}
    assert all(p["required"] and p["in"] == "path" for p in item["get"]["parameters"])


def test_models_become_refs_with_defs_hoisted():
    doc = document(petstore())
    create = doc["paths"]["/pets"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PetIn"}
    assert "2XX" not in create["responses"]  # keyed by the route's status_code=201
    success = create["responses"]["201"]["content"]["application/json"]["schema"]
    assert success == {"$ref": "#/components/schemas/Pet"}
    schemas = doc["components"]["schemas"]
    assert {"Pet", "PetIn", "PetList", "Tag", "Owner", "Problem"} <= set(schemas)
    assert schemas["Pet"]["properties"]["tags"]["items"] == {"$ref": "#/components/schemas/Tag"}
    assert "$defs" not in json.dumps(doc)


def test_every_media_type_is_listed_as_content():
    api = petstore()
    from responder.media import MediaHandler

    class CSV(MediaHandler):
        media_types = ("text/csv",)
        format = "csv"

        def serialize(self, obj):
            return b""

        def deserialize(self, data, *, charset=None, **_):
            return []

    api.media.register(CSV())
    api.routes.version += 1
    create = document(api)["paths"]["/pets"]["post"]
    assert set(create["requestBody"]["content"]) == {
        "application/json",
        "application/x-yaml",
        "application/yaml",
        "text/yaml",
        "application/x-msgpack",
        "application/msgpack",
        "text/csv",
    }
    errors = create["responses"]["default"]["content"]
    assert {"application/problem+json", "application/problem+yaml", "text/csv"} <= set(errors)


def test_schema_decorator_registers_marshmallow_and_pydantic():
    api = responder.API(openapi="3.0.3")

    @api.schema("Thing")
    class ThingSchema(Schema):
        name = fields.Str(required=True)

    @api.schema("Gadget")
    class Gadget(BaseModel):
        size: int | None = None

    schemas = document(api)["components"]["schemas"]
    assert schemas["Thing"]["properties"]["name"]["type"] == "string"
    assert schemas["Gadget"]["properties"]["size"] == {
        "title": "Size",
        "type": "integer",
        "nullable": True,
        "default": None,
    }
    validate(document(api))


def test_marshmallow_models_work_as_request_and_response_models():
    api = responder.API(openapi="3.1.0")

    class ItemSchema(Schema):
        name = fields.Str(required=True)

    @api.route("/items", methods=["POST"], request_model=ItemSchema, response_model=ItemSchema)
    async def create(req, resp):
        resp.media = {**(await req.media()), "ignored": True}

    doc = document(api)
    operation = doc["paths"]["/items"]["post"]
    ref = {"$ref": "#/components/schemas/Item"}
    assert operation["requestBody"]["content"]["application/json"]["schema"] == ref
    assert api.requests.post("/items", json={"name": "x"}).json() == {"name": "x"}
    r = api.requests.post("/items", json={"nope": 1})
    assert r.status_code == 422
    fields_in_error = {e["field"] for e in r.json()["errors"]}
    assert fields_in_error == {"name", "nope"}


def test_function_view_without_methods_is_documented_from_its_docstring():
    api = responder.API(openapi="3.1.0")

    @api.route("/plain")
    def plain(req, resp):
        """Plain."""

    @api.route("/keyed")
    def keyed(req, resp):
        """Keyed.

        ---
        post:
          responses:
            "201":
              description: made
        delete:
          responses:
            "204":
              description: gone
        """

    paths = document(api)["paths"]
    assert set(paths["/plain"]) == {"get"}
    assert set(paths["/keyed"]) == {"post", "delete"}


def test_spec_is_served_as_yaml_and_json():
    api = petstore()
    r = api.requests.get("/schema.yml")
    assert r.headers["content-type"].startswith("application/vnd.oai.openapi")
    as_yaml = yaml.safe_load(r.text)
    assert "&id" not in r.text
    r = api.requests.get("/schema.yml", headers={"Accept": "application/json"})
    assert r.headers["content-type"] == "application/json"
    assert r.json() == as_yaml == document(api)
    assert api.requests.get("/schema.yml").headers["vary"] == "Accept, Accept-Encoding"


def test_custom_openapi_route_gets_a_json_twin():
    api = responder.API(openapi="3.1.0", openapi_route="/openapi")
    assert api.requests.get("/openapi").status_code == 200
    assert api.requests.get("/openapi.json").json()["openapi"] == "3.1.0"


def test_a_json_openapi_route_serves_json_there():
    api = responder.API(openapi="3.0.2", openapi_route="/openapi.json", docs_route="/docs")
    for accept in (None, "application/x-yaml", "application/vnd.oai.openapi"):
        r = api.requests.get("/openapi.json", headers={"Accept": accept} if accept else {})
        assert r.headers["content-type"] == "application/json"
        assert r.json()["openapi"] == "3.0.2"
    assert api.requests.get("/openapi.json.json").status_code == 404
    assert 'url: "/openapi.json"' in api.requests.get("/docs").text  # the docs page reads it


@pytest.mark.parametrize("route", ["/spec.yaml", "/spec.yml"])
def test_a_yaml_openapi_route_stays_yaml_with_a_json_twin(route):
    api = responder.API(openapi="3.0.2", openapi_route=route)
    r = api.requests.get(route)
    assert r.headers["content-type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(r.text)["openapi"] == "3.0.2"
    assert api.requests.get("/spec.json").json()["openapi"] == "3.0.2"


def test_spec_is_regenerated_only_when_routes_change(monkeypatch):
    from responder.docs import routes

    api = responder.API(openapi="3.1.0")
    calls = []
    real = routes.build_spec
    monkeypatch.setattr(routes, "build_spec", lambda *a: calls.append(1) or real(*a))
    document(api)
    document(api)
    assert len(calls) == 1
    api.add_route("/new", lambda req, resp: None, methods=["GET"])
    assert "/new" in document(api)["paths"]
    assert len(calls) == 2


def test_no_openapi_no_schema_route():
    api = responder.API()
    assert api.requests.get("/schema.yml").status_code == 404


def test_malformed_docstring_yaml_fails_loudly():
    api = responder.API(openapi="3.1.0")

    @api.route("/bad", methods=["GET"])
    def bad(req, resp):
        """Bad.

        ---
        responses: [unclosed
        """

    with pytest.raises(ValueError, match="does not parse"):
        api.requests.get("/schema.json")


def test_route_keywords_describe_the_operation():
    api = responder.API(openapi="3.1.0")

    @api.get(
        "/old",
        tags=["legacy"],
        summary="The old way",
        deprecated=True,
        responses={404: {"description": "Gone"}},
    )
    def old(req, resp):
        """A docstring summary the keyword outranks."""

    @api.route("/new", methods=["GET"], summary="From the keyword", tags=["current"])
    def new(req, resp):
        """Ignored summary.

        ---
        summary: From the docstring YAML
        """

    doc = document(api)
    validate(doc)
    operations = {(path, method): op for path, method, op in iter_operations(doc)}
    old_op = operations[("/old", "get")]
    assert old_op["tags"] == ["legacy"]
    assert old_op["summary"] == "The old way"
    assert old_op["deprecated"] is True
    assert old_op["responses"]["404"] == {"description": "Gone"}
    assert "200" in old_op["responses"]  # the declared 404 is no success
    new_op = operations[("/new", "get")]
    assert new_op["summary"] == "From the docstring YAML"  # the YAML is the most explicit
    assert new_op["tags"] == ["current"]
    assert "deprecated" not in new_op
