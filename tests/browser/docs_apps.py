"""App factories for the docs UI and GraphiQL browser tests: the real features, no internet.

Each docs theme and GraphiQL come two ways: from a local copy served by the API
itself (``API(docs_assets=node_modules)``), and from the CDN default, which the
tests answer from the same npm files (see ``cdn.py``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import graphene

import responder

from .vendor import NODE_MODULES

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "petstore.py"
LOCAL = {"docs_assets": NODE_MODULES}


def _petstore(theme: str, **options: Any) -> Any:
    spec = importlib.util.spec_from_file_location(f"petstore_{theme}", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_api(openapi_theme=theme, **options)


#: The strictest setting: every optional header on, the default CSP among them.
ALL_SECURITY_HEADERS = {
    "Content-Security-Policy": True,
    "Permissions-Policy": True,
    "Cross-Origin-Opener-Policy": True,
}


# The local copy under the strictest headers.
def swagger_ui_csp() -> Any:
    return _petstore("swagger_ui", security_headers=ALL_SECURITY_HEADERS, **LOCAL)


def redoc_csp() -> Any:
    return _petstore("redoc", security_headers=ALL_SECURITY_HEADERS, **LOCAL)


def rapidoc_csp() -> Any:
    return _petstore("rapidoc", security_headers=ALL_SECURITY_HEADERS, **LOCAL)


def elements_csp() -> Any:
    return _petstore("elements", security_headers=ALL_SECURITY_HEADERS, **LOCAL)


# The CDN default (pinned, with integrity hashes) under the strictest headers.
def swagger_ui_cdn() -> Any:
    return _petstore("swagger_ui", security_headers=ALL_SECURITY_HEADERS)


def redoc_cdn() -> Any:
    return _petstore("redoc", security_headers=ALL_SECURITY_HEADERS)


def rapidoc_cdn() -> Any:
    return _petstore("rapidoc", security_headers=ALL_SECURITY_HEADERS)


def elements_cdn() -> Any:
    return _petstore("elements", security_headers=ALL_SECURITY_HEADERS)


def swagger_ui() -> Any:
    return _petstore("swagger_ui", **LOCAL)


class Query(graphene.ObjectType):
    greeting = graphene.String(name=graphene.String(default_value="browser"))

    def resolve_greeting(self, info, name):
        return f"Hello from GraphiQL, {name}!"


def graphiql() -> Any:
    api = responder.API(**LOCAL)
    api.graphql("/graphql", schema=graphene.Schema(query=Query))
    return api


def graphiql_cdn() -> Any:
    api = responder.API()
    api.graphql("/graphql", schema=graphene.Schema(query=Query))
    return api
