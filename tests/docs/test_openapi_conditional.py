"""``@responder.conditional`` in the OpenAPI document: 304, 412, 428 and the headers read."""

import pytest
from openapi_spec_validator import validate

import responder
from responder.docs.openapi import build_spec

PROBLEM = {"$ref": "#/components/schemas/Problem"}


def tag(req, params):
    return "v1"


def changed(req, params):
    return None


def document(version="3.1.0", **options):
    api = responder.API(openapi=version)

    @api.route("/docs/{id}")
    @responder.conditional(etag=tag, **options)
    class Doc:
        def on_get(self, req, resp, *, id):
            resp.text = "doc"

        def on_put(self, req, resp, *, id):
            resp.text = "doc"

        def on_post(self, req, resp, *, id):
            resp.text = "doc"

    @api.route("/dated", methods=["GET", "DELETE"])
    @responder.conditional(last_modified=changed, require_if_match=True)
    def dated(req, resp):
        """Read or remove the dated thing.
        ---
        responses:
          304:
            description: Still fresh.
        """

    @api.route("/plain", methods=["GET", "PUT"])
    def plain(req, resp):
        resp.text = "plain"

    doc = build_spec(api, api.docs_options)
    validate(doc)
    return doc["paths"]


def headers(operation):
    return {p["name"]: p["required"] for p in operation["parameters"] if p["in"] == "header"}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_get_documents_the_304_and_if_none_match(version):
    get = document(version)["/docs/{id}"]["get"]
    assert get["responses"]["304"]["description"].startswith("Not Modified")
    assert "content" not in get["responses"]["304"]
    assert get["responses"]["304"]["headers"]["ETag"]["schema"] == {"type": "string"}
    assert headers(get) == {"If-None-Match": False}
    assert "412" not in get["responses"]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_unsafe_methods_document_the_412_and_if_match(version):
    for method in ("put", "post"):
        operation = document(version)["/docs/{id}"][method]
        failed = operation["responses"]["412"]
        assert failed["content"]["application/problem+json"]["schema"] == PROBLEM
        assert "ETag" in failed["headers"]
        assert headers(operation) == {"If-Match": False, "If-None-Match": False}
        assert "304" not in operation["responses"] and "428" not in operation["responses"]


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_require_if_match_documents_the_428_and_a_required_if_match(version):
    paths = document(version, require_if_match=True)
    put = paths["/docs/{id}"]["put"]
    assert put["responses"]["428"]["content"]["application/problem+json"]["schema"] == PROBLEM
    assert headers(put)["If-Match"] is True
    post = paths["/docs/{id}"]["post"]  # POST is no change require_if_match guards
    assert "428" not in post["responses"] and headers(post)["If-Match"] is False


def test_a_last_modified_validator_documents_the_date_headers():
    dated = document()["/dated"]
    assert headers(dated["get"]) == {"If-Modified-Since": False}
    assert dated["get"]["responses"]["304"] == {"description": "Still fresh."}  # docstring wins
    delete = dated["delete"]
    assert headers(delete) == {"If-Match": True, "If-Unmodified-Since": False}
    assert {"412", "428"} <= set(delete["responses"])
    assert "headers" not in delete["responses"]["412"]  # no ETag to send back


def test_a_route_without_conditional_documents_none_of_it():
    plain = document()["/plain"]
    for operation in plain.values():
        assert not {"304", "412", "428"} & set(operation["responses"])
        assert "parameters" not in operation


def test_a_header_the_docstring_declares_is_not_declared_twice():
    api = responder.API()

    @api.route("/doc", methods=["GET"])
    @responder.conditional(etag=tag)
    def read(req, resp):
        """Read it.
        ---
        parameters:
          - name: if-none-match
            in: header
            description: Our own words.
            schema: {type: string}
        """

    doc = build_spec(api, api.docs_options)
    validate(doc)
    parameters = doc["paths"]["/doc"]["get"]["parameters"]
    assert [p["description"] for p in parameters] == ["Our own words."]
