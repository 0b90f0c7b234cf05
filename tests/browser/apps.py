"""Apps the browser tests serve with real uvicorn (by import string, e.g. ``apps:smoke_app``)."""

from __future__ import annotations

import graphene

import responder

from .vendor import VendorFiles
from .vendor_pages import PAGES

SMOKE_SUMMARY = "List every pet in the shelter"

SMOKE_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Smoke shelter", "version": "1.0.0"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "summary": SMOKE_SUMMARY,
                "responses": {"200": {"description": "The pets."}},
            }
        }
    },
}

# Swagger UI from the local npm files; the validator badge would call out, so it is off.
SMOKE_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Smoke: Swagger UI</title>
  <link rel="stylesheet" href="/vendor/swagger-ui-dist/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/vendor/swagger-ui-dist/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/spec.json", dom_id: "#swagger-ui", validatorUrl: null});
  </script>
</body>
</html>
"""


def _smoke_api() -> responder.API:
    api = responder.API()

    @api.route("/")
    def index(req, resp):
        resp.html = SMOKE_PAGE

    @api.route("/spec.json")
    def spec(req, resp):
        resp.media = SMOKE_SPEC

    return api


smoke_app = VendorFiles(_smoke_api())


class _Query(graphene.ObjectType):
    hello = graphene.String(name=graphene.String(default_value="browser"))

    def resolve_hello(self, info, name):
        return f"Hello, {name}!"


_SCHEMA = graphene.Schema(query=_Query)


def _vendor_pages_api() -> responder.API:
    """``/page/{ui}`` for each page in :data:`vendor_pages.PAGES`, the spec, and ``/graphql``."""
    api = _smoke_api()

    @api.route("/page/{ui}")
    def page(req, resp, *, ui):
        if ui not in PAGES:
            resp.status_code = 404
            return
        target = "/graphql" if ui == "graphiql" else "/spec.json"
        resp.html = PAGES[ui].replace("{spec}", target)

    @api.route("/graphql", methods=["POST"])
    async def graphql(req, resp):
        body = await req.media("json")
        result = await _SCHEMA.execute_async(
            body["query"],
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
        )
        answer: dict[str, object] = {"data": result.data}
        if result.errors:
            answer["errors"] = [{"message": str(error)} for error in result.errors]
        resp.media = answer

    return api


vendor_pages_app = VendorFiles(_vendor_pages_api())
