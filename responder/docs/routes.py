"""The schema and docs routes: served documents, cached until routes change."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import yaml

from ..media.negotiation import parse_accept, quality
from .openapi import build_spec
from .ui import DEFAULT_ASSETS_URL, get_theme

if TYPE_CHECKING:
    from ..api import API
    from ..request import Request
    from ..response import Response

__all__ = ["install", "json_route_for"]

_YAML_TYPES = (
    "application/vnd.oai.openapi",
    "application/x-yaml",
    "application/yaml",
    "text/yaml",
)


def json_route_for(openapi_route: str) -> str:
    """``/schema.yml`` → ``/schema.json``: where the JSON twin lives (``.json`` is its own)."""
    if openapi_route.endswith(".json"):
        return openapi_route
    for suffix in (".yml", ".yaml"):
        if openapi_route.endswith(suffix):
            return openapi_route[: -len(suffix)] + ".json"
    return openapi_route.rstrip("/") + ".json"


class _NoAliasDumper(yaml.SafeDumper):
    """Writes shared sub-documents out in full: no ``&id001`` anchors in the spec."""

    def ignore_aliases(self, data: object) -> bool:
        return True


class _SpecCache:
    """The document and its encodings, rebuilt when the API's routes change."""

    def __init__(self, api: API) -> None:
        self.api = api
        self._version = -1
        self._yaml = b""
        self._json = b""

    def _refresh(self) -> None:
        if self._version != self.api.routes_version:
            document = build_spec(self.api)
            self._json = json.dumps(document, ensure_ascii=False).encode()
            self._yaml = yaml.dump(
                document, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True
            ).encode()
            self._version = self.api.routes_version

    def yaml(self) -> bytes:
        self._refresh()
        return self._yaml

    def json(self) -> bytes:
        self._refresh()
        return self._json


def install(api: API) -> None:
    """Add the schema routes and, if configured, the docs page.

    ``openapi_route`` serves YAML (JSON when the client prefers it) and has a
    JSON twin, unless it ends in ``.json``: then it serves JSON, and is the
    only schema route.
    """
    cache = _SpecCache(api)
    json_route = json_route_for(api.openapi_route)

    def schema(req: Request, resp: Response) -> None:
        ranges = parse_accept(req.headers.get("accept"))
        wants_json = quality(ranges, "application/json") > max(
            quality(ranges, t) for t in _YAML_TYPES
        )
        resp.headers["vary"] = "Accept"
        if wants_json:
            resp.content, resp.headers["content-type"] = cache.json(), "application/json"
        else:
            resp.content = cache.yaml()
            resp.headers["content-type"] = "application/vnd.oai.openapi; charset=utf-8"

    def schema_json(req: Request, resp: Response) -> None:
        resp.content, resp.headers["content-type"] = cache.json(), "application/json"

    if json_route == api.openapi_route:
        # The extension names the format: a ".json" route is JSON whatever Accept says.
        api.add_route(json_route, schema_json, methods=["GET"], include_in_schema=False)
    else:
        api.add_route(api.openapi_route, schema, methods=["GET"], include_in_schema=False)
        api.add_route(json_route, schema_json, methods=["GET"], include_in_schema=False)
    if api.docs_route:
        theme = get_theme(api.openapi_theme)
        page = theme.render(
            title=api.title or "API documentation",
            spec_url=json_route,
            assets_url=api.docs_assets_url or DEFAULT_ASSETS_URL,
        )

        def docs(req: Request, resp: Response) -> None:
            resp.html = page

        api.add_route(api.docs_route, docs, methods=["GET"], include_in_schema=False)
