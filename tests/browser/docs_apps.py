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


def _petstore(theme: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"petstore_{theme}", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return VendorFiles(module.make_api(openapi_theme=theme, docs_assets_url=LOCAL_ASSETS))


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
