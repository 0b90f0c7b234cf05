"""OpenAPI 3.1 documents rewritten for 3.0: JSON Schema 2020-12 said the 3.0 way.

pydantic writes JSON Schema 2020-12, which OpenAPI 3.1 uses as it is. OpenAPI
3.0 has its own dialect: ``nullable`` instead of ``null`` types, one ``type``,
``example`` instead of ``examples``, boolean exclusive bounds, no ``const``,
no tuples, no siblings beside a ``$ref``. :func:`downgrade` walks a document,
finds its schemas (the components' and every ``schema`` field) and rewrites
each one, keyword by keyword; data inside a schema (``default``, ``enum``,
examples) is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["downgrade"]

#: Keywords whose value is one schema, a list of schemas, or schemas by name.
_ONE = ("items", "additionalProperties", "not")
_LIST = ("allOf", "anyOf", "oneOf")
_BY_NAME = ("properties",)
#: Keywords 3.0 does not know and that carry nothing a 3.0 reader could use.
_DROPPED = (
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "contains",
    "minContains",
    "maxContains",
)
#: Keys outside schemas whose values are data (never walked for schemas).
_DATA = ("example", "examples", "default", "enum", "const", "value")


def downgrade(document: Any) -> Any:
    """A copy of ``document`` with every schema in it written for OpenAPI 3.0."""
    if isinstance(document, list):
        return [downgrade(item) for item in document]
    if not isinstance(document, dict):
        return document
    out: dict[str, Any] = {}
    for key, value in document.items():
        if key == "schema" and isinstance(value, dict):
            out[key] = schema_30(value)
        elif key == "schemas" and isinstance(value, dict):  # components/schemas
            out[key] = {name: schema_30(s) for name, s in value.items()}
        elif key in _DATA:
            out[key] = value
        else:
            out[key] = downgrade(value)
    return out


def schema_30(schema: Any) -> Any:
    """One JSON Schema 2020-12 schema (and those inside it) as OpenAPI 3.0 reads it."""
    if not isinstance(schema, dict):
        return schema
    node = dict(schema)
    _nullable_union(node)  # before the members are rewritten: it looks for {type: null}
    for key in _ONE:
        if isinstance(node.get(key), dict):
            node[key] = schema_30(node[key])
    for key in _LIST:
        if isinstance(node.get(key), list):
            node[key] = [schema_30(s) for s in node[key]]
    for key in _BY_NAME:
        if isinstance(node.get(key), dict):
            node[key] = {name: schema_30(s) for name, s in node[key].items()}
    if isinstance(node.get("prefixItems"), list):
        node["prefixItems"] = [schema_30(s) for s in node["prefixItems"]]
    if isinstance(node.get("patternProperties"), dict):
        node["patternProperties"] = {k: schema_30(s) for k, s in node["patternProperties"].items()}
    for rewrite in _REWRITES:
        rewrite(node)
    for key in _DROPPED:
        node.pop(key, None)
    return _ref_alone(node)


def _nullable_union(node: dict[str, Any]) -> None:
    """``anyOf: [X, {type: null}]`` → X with ``nullable: true``."""
    for key in ("anyOf", "oneOf"):
        options = node.get(key)
        if not isinstance(options, list) or not any(_is_null(o) for o in options):
            continue
        rest = [option for option in options if not _is_null(option)]
        del node[key]
        node["nullable"] = True
        if len(rest) == 1 and "$ref" not in rest[0] and not set(rest[0]) & set(node):
            node.update(rest[0])
        elif rest:
            node[key] = rest


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) == 1


def _type_list(node: dict[str, Any]) -> None:
    """``type: [string, "null"]`` → ``type: string, nullable: true``; two types → ``anyOf``."""
    kind = node.get("type")
    if kind == "null":  # only null: what 3.0 can say is "an enum of null"
        del node["type"]
        node["nullable"] = True
        node.setdefault("enum", [None])
        return
    if not isinstance(kind, list):
        return
    types = [t for t in kind if t != "null"]
    if len(types) < len(kind):
        node["nullable"] = True
    del node["type"]
    if len(types) == 1:
        node["type"] = types[0]
    elif types:
        node["anyOf"] = [{"type": t} for t in types]


def _const(node: dict[str, Any]) -> None:
    if "const" in node:
        node["enum"] = [node.pop("const")]


def _null_in_enum(node: dict[str, Any]) -> None:
    if isinstance(node.get("enum"), list) and None in node["enum"]:
        node["nullable"] = True


def _examples(node: dict[str, Any]) -> None:
    """``examples: [a, b]`` → ``example: a`` (3.0 schemas hold one example)."""
    if "examples" in node:
        examples = node.pop("examples")
        if isinstance(examples, list) and examples:
            node.setdefault("example", examples[0])


def _exclusive_bounds(node: dict[str, Any]) -> None:
    """``exclusiveMinimum: 0`` → ``minimum: 0, exclusiveMinimum: true``."""
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = node.get(bound)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            node[plain] = value
            node[bound] = True


def _tuples(node: dict[str, Any]) -> None:
    """``prefixItems`` (a tuple) → ``items`` that may be any of its members; 3.0 has no tuples.

    ``minItems`` and ``maxItems`` stay, so the length is still said.
    """
    members = node.pop("prefixItems", None)
    if node.get("items") is False:
        del node["items"]
    if not isinstance(members, list):
        return
    if isinstance(node.get("items"), dict):
        members = [*members, node["items"]]
    distinct = [m for i, m in enumerate(members) if m not in members[:i]]
    node["items"] = distinct[0] if len(distinct) == 1 else {"anyOf": distinct}


def _pattern_properties(node: dict[str, Any]) -> None:
    """``patternProperties`` → ``additionalProperties`` (3.0 cannot constrain the keys)."""
    patterns = node.pop("patternProperties", None)
    if not isinstance(patterns, dict) or not patterns:
        return
    if node.get("additionalProperties", True) is True:
        values = list(patterns.values())
        node["additionalProperties"] = values[0] if len(values) == 1 else {"anyOf": values}


def _array_items(node: dict[str, Any]) -> None:
    """3.0 requires ``items`` on an array; any item is allowed when none is said."""
    if node.get("type") == "array" and "items" not in node:
        node["items"] = {}


_REWRITES: tuple[Callable[[dict[str, Any]], None], ...] = (
    _type_list,
    _const,
    _null_in_enum,
    _examples,
    _exclusive_bounds,
    _tuples,
    _pattern_properties,
    _array_items,
)


def _ref_alone(node: dict[str, Any]) -> dict[str, Any]:
    """``{$ref: X, default: d}`` → ``{allOf: [{$ref: X}], default: d}``.

    In 3.0 everything beside a ``$ref`` is ignored, so the default, the
    description or ``nullable`` would be lost without the ``allOf``.
    """
    if "$ref" not in node or len(node) == 1:
        return node
    rest = {key: value for key, value in node.items() if key != "$ref"}
    return {"allOf": [{"$ref": node["$ref"]}], **rest}
