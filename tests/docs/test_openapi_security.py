"""The OpenAPI document's security: schemes in the components, a requirement per operation."""

import importlib.util
from pathlib import Path

import pytest
from openapi_spec_validator import validate

import responder
from responder import Router
from responder.docs.openapi import build_spec
from responder.ext.auth import APIKeyAuth, BasicAuth, BearerAuth, JWTAuth, requires

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "petstore.py"


def document(api):
    return build_spec(api, api.docs_options)


def secured_api(version):
    api = responder.API(openapi=version, auth=JWTAuth(secret="s" * 32))

    @api.route("/default", methods=["GET"])
    def default(req, resp):
        pass

    @api.route("/open", methods=["GET"], auth=None)
    def open_(req, resp):
        pass

    @api.route("/write", methods=["POST"], dependencies=[requires("books:write")])
    def write(req, resp):
        pass

    @api.route("/key", methods=["GET"], auth=APIKeyAuth(keys=["k"], location="query", name="k"))
    def key(req, resp):
        pass

    router = Router("/staff", auth=BasicAuth(credentials={"ada": "pw"}))

    @router.get("/list")
    def staff(req, resp):
        pass

    api.include_router(router)
    return api


@pytest.mark.parametrize("version", ["3.1.0", "3.0.3"])
def test_schemes_and_requirements_are_documented(version):
    doc = document(secured_api(version))
    validate(doc)
    assert doc["components"]["securitySchemes"] == {
        "jwtAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "apiKeyAuth": {"type": "apiKey", "in": "query", "name": "k"},
        "basicAuth": {"type": "http", "scheme": "basic"},
    }
    paths = doc["paths"]
    assert paths["/default"]["get"]["security"] == [{"jwtAuth": []}]
    assert paths["/open"]["get"]["security"] == []  # opted out of the API's scheme
    assert paths["/key"]["get"]["security"] == [{"apiKeyAuth": []}]
    assert paths["/staff/list"]["get"]["security"] == [{"basicAuth": []}]
    # Scopes are listed where the version allows them for any scheme (3.1).
    scopes = ["books:write"] if version.startswith("3.1") else []
    assert paths["/write"]["post"]["security"] == [{"jwtAuth": scopes}]


def test_guarded_operations_document_their_401_and_403():
    paths = document(secured_api("3.1.0"))["paths"]
    default = paths["/default"]["get"]["responses"]
    assert default["401"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    assert "403" not in default
    assert "books:write" in paths["/write"]["post"]["responses"]["403"]["description"]
    assert "401" not in paths["/open"]["get"]["responses"]


def test_an_api_without_auth_documents_no_security():
    api = responder.API(openapi="3.1.0")

    @api.route("/x", methods=["GET"])
    def x(req, resp):
        pass

    doc = document(api)
    assert "security" not in doc["paths"]["/x"]["get"]
    assert "securitySchemes" not in doc.get("components", {})


def test_two_schemes_with_one_name_get_two_entries():
    api = responder.API(openapi="3.1.0")
    api.add_route("/a", lambda req, resp: None, methods=["GET"], auth=BearerAuth(tokens=["a"]))
    api.add_route("/b", lambda req, resp: None, methods=["GET"], auth=BearerAuth(tokens=["b"]))
    described = BearerAuth(tokens=["c"], description="Other tokens.")
    api.add_route("/c", lambda req, resp: None, methods=["GET"], auth=described, name="c")
    doc = document(api)
    assert set(doc["components"]["securitySchemes"]) == {"bearerAuth", "bearerAuth_2"}
    assert doc["paths"]["/b"]["get"]["security"] == [{"bearerAuth": []}]  # same entry
    assert doc["paths"]["/c"]["get"]["security"] == [{"bearerAuth_2": []}]


def test_a_docstring_security_wins():
    api = responder.API(openapi="3.1.0", auth=BearerAuth(tokens=["t"]))

    @api.route("/x", methods=["GET"])
    def x(req, resp):
        """X.

        ---
        security: [{custom: []}]
        """

    assert document(api)["paths"]["/x"]["get"]["security"] == [{"custom": []}]


def test_the_pet_store_asks_for_a_token_to_add_a_pet():
    spec = importlib.util.spec_from_file_location("petstore_for_security", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    api = module.make_api()
    doc = api.requests.get("/schema.json").json()
    assert doc["components"]["securitySchemes"]["bearerAuth"]["type"] == "http"
    assert doc["paths"]["/pets"]["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in doc["paths"]["/pets"]["get"]
    pet = {"name": "Rex", "species": "dog"}
    assert api.requests.post("/pets", json=pet).status_code == 401
    token = {"Authorization": f"Bearer {module.DEMO_TOKEN}"}
    assert api.requests.post("/pets", json=pet, headers=token).status_code == 201
