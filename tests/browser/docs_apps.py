"""App factories for the docs UI and GraphiQL browser tests: the real features, local assets."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import graphene

import responder

from .vendor import VendorFiles

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "petstore.py"
LOCAL_ASSETS = "/vendor/{package}"


def _petstore(theme: str, **options: Any) -> Any:
    spec = importlib.util.spec_from_file_location(f"petstore_{theme}", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    api = module.make_api(openapi_theme=theme, docs_assets_url=LOCAL_ASSETS, **options)
    return VendorFiles(api)


#: The strictest setting: every optional header on, the default CSP among them.
ALL_SECURITY_HEADERS = {
    "Content-Security-Policy": True,
    "Permissions-Policy": True,
    "Cross-Origin-Opener-Policy": True,
}


def swagger_ui_csp() -> Any:
    return _petstore("swagger_ui", security_headers=ALL_SECURITY_HEADERS)


def redoc_csp() -> Any:
    return _petstore("redoc", security_headers=ALL_SECURITY_HEADERS)


def rapidoc_csp() -> Any:
    return _petstore("rapidoc", security_headers=ALL_SECURITY_HEADERS)


def elements_csp() -> Any:
    return _petstore("elements", security_headers=ALL_SECURITY_HEADERS)


def swagger_ui() -> Any:
    return _petstore("swagger_ui")


def redoc() -> Any:
    return _petstore("redoc")


def rapidoc() -> Any:
    return _petstore("rapidoc")


def elements() -> Any:
    return _petstore("elements")


class Query(graphene.ObjectType):
    greeting = graphene.String(name=graphene.String(default_value="browser"))

    def resolve_greeting(self, info, name):
        return f"Hello from GraphiQL, {name}!"


def graphiql() -> Any:
    api = responder.API(docs_assets_url=LOCAL_ASSETS)
    api.graphql("/graphql", schema=graphene.Schema(query=Query))
    return VendorFiles(api)
