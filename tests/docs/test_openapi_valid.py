"""Both OpenAPI versions validate for an app using every source; 3.0 gets 3.1 schemas its way."""

import json

import pytest
from openapi_spec_validator import validate

from responder.docs.downgrade import downgrade, schema_30
from tests.docs import rich_app


def document(version):
    r = rich_app.make_api(version).requests.get("/schema.json")
    assert r.status_code == 200
    return r.json()


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_the_rich_app_document_validates(version):
    doc = document(version)
    assert doc["openapi"] == version
    validate(doc)
    schemas = doc["components"]["schemas"]
    # what makes the app rich is in the document, so validating it means something
    assert {"Item", "ItemIn", "Point", "Totals", "Signup", "Owner", "Color", "Tag"} <= set(schemas)
    assert any(name.startswith("Category") for name in schemas)
    ops = {(p, m) for p, item in doc["paths"].items() for m in item}
    assert ("/v1/items/{item_id}", "delete") in ops and ("/stats/origin", "get") in ops


def test_the_30_document_has_no_31_constructs():
    text = json.dumps(document("3.0.3"))
    for construct in ('"const"', '"prefixItems"', '"examples"', '"$defs"', '"type": "null"'):
        assert construct not in text
    assert '"type": [' not in text


def test_the_31_document_keeps_json_schema_as_pydantic_wrote_it():
    item_in = document("3.1.0")["components"]["schemas"]["ItemIn"]["properties"]
    assert item_in["kind"]["const"] == "item"
    assert item_in["size"]["anyOf"][0]["prefixItems"] == [{"type": "integer"}] * 2
    assert item_in["name"]["examples"] == ["lamp"]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"const": "a", "type": "string"}, {"enum": ["a"], "type": "string"}),
        ({"examples": [1, 2], "type": "integer"}, {"example": 1, "type": "integer"}),
        (
            {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None},
            {"type": "integer", "nullable": True, "default": None},
        ),
        (
            {"anyOf": [{"$ref": "#/c/A"}, {"type": "null"}]},
            {"anyOf": [{"$ref": "#/c/A"}], "nullable": True},
        ),
        (
            {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]},
            {"anyOf": [{"type": "integer"}, {"type": "string"}], "nullable": True},
        ),
        ({"type": ["string", "null"]}, {"type": "string", "nullable": True}),
        ({"type": ["string", "integer"]}, {"anyOf": [{"type": "string"}, {"type": "integer"}]}),
        ({"type": "null"}, {"nullable": True, "enum": [None]}),
        ({"enum": ["a", None]}, {"enum": ["a", None], "nullable": True}),
        ({"exclusiveMinimum": 0}, {"minimum": 0, "exclusiveMinimum": True}),
        (
            {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}]},
            {"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]}},
        ),
        (
            {"type": "array", "prefixItems": [{"type": "integer"}] * 2, "minItems": 2},
            {"type": "array", "items": {"type": "integer"}, "minItems": 2},
        ),
        ({"type": "array"}, {"type": "array", "items": {}}),
        (
            {"$ref": "#/c/Color", "default": "red"},
            {"allOf": [{"$ref": "#/c/Color"}], "default": "red"},
        ),
        (
            {"type": "object", "patternProperties": {"^a": {"type": "integer"}}},
            {"type": "object", "additionalProperties": {"type": "integer"}},
        ),
        (
            {"type": "string", "contentMediaType": "image/png", "$comment": "x"},
            {"type": "string"},
        ),
    ],
    ids=[
        "const",
        "examples",
        "optional",
        "optional-ref",
        "optional-union",
        "type-list-null",
        "type-list",
        "null",
        "null-in-enum",
        "exclusive-bound",
        "tuple",
        "tuple-of-one-type",
        "array-without-items",
        "ref-with-siblings",
        "pattern-properties",
        "unknown-keywords",
    ],
)
def test_a_31_schema_is_rewritten_for_30(schema, expected):
    assert schema_30(schema) == expected


def test_the_rewrite_reaches_nested_schemas_and_leaves_data_alone():
    data = {"const": 1, "type": ["a"], "examples": [1]}
    schema = {
        "type": "object",
        "properties": {
            "const": {"const": 3},  # a field named like a keyword
            "deep": {"type": "array", "items": {"anyOf": [{"const": 1}, {"type": "null"}]}},
        },
        "default": data,
        "examples": [data],
    }
    out = schema_30(schema)
    assert out["properties"]["const"] == {"enum": [3]}
    assert out["properties"]["deep"]["items"] == {"enum": [1], "nullable": True}
    assert out["default"] == data
    assert out["example"] == data


def test_downgrade_rewrites_only_schemas_in_a_document():
    media_examples = {"one": {"value": {"const": 1}}}
    doc = {
        "paths": {
            "/a": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "schema": {"const": 1}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"type": ["string", "null"]},
                                    "examples": media_examples,
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": {"A": {"examples": ["x"]}}},
    }
    out = downgrade(doc)
    get = out["paths"]["/a"]["get"]
    assert get["parameters"][0]["schema"] == {"enum": [1]}
    content = get["responses"]["200"]["content"]["application/json"]
    assert content["schema"] == {"type": "string", "nullable": True}
    assert content["examples"] == media_examples
    assert out["components"]["schemas"]["A"] == {"example": "x"}
