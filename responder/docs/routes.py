"""The schema and docs routes: served documents, cached until routes change.

``docs`` produces the routes and the API adds them (``docs`` never calls
back into the API): :func:`docs_routes` returns ``(path, view)`` pairs.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import yaml

from ..layers.security import extend_policy
from ..media.negotiation import parse_accept, quality
from .openapi import SpecSource, build_spec
from .options import DocsOptions
from .ui import DEFAULT_ASSETS_URL, get_theme

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["DocsView", "docs_routes", "json_route_for"]

#: A GET view of the schema or the docs page.
DocsView = Callable[["Request", "Response"], None]

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

    def __init__(self, api: SpecSource, options: DocsOptions) -> None:
        self.api = api
        self.options = options
        self._version = -1
        self._yaml = b""
        self._json = b""

    def _refresh(self) -> None:
        if self._version != self.api.routes_version:
            document = build_spec(self.api, self.options)
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


def docs_routes(
    api: SpecSource, options: DocsOptions, csp: str | None = None
) -> list[tuple[str, DocsView]]:
    """The schema routes and, with ``options.docs_route``, the docs page: ``(path, view)`` pairs.

    ``options.openapi_route`` serves YAML (JSON when the client prefers it)
    and has a JSON twin, unless it ends in ``.json``: then it serves JSON, and
    is the only schema route. ``csp``, the API's Content-Security-Policy: the
    docs page sends it extended with what its theme needs (its assets' origin,
    its inline script's hash), so the page works under it.
    """
    openapi_route, docs_route = options.openapi_route, options.docs_route
    cache = _SpecCache(api, options)
    json_route = json_route_for(openapi_route)

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

    # The extension names the format: a ".json" route is JSON whatever Accept says.
    routes: list[tuple[str, DocsView]] = [(json_route, schema_json)]
    if json_route != openapi_route:
        routes.insert(0, (openapi_route, schema))
    if docs_route:
        theme, assets_url = get_theme(options.theme), options.assets_url or DEFAULT_ASSETS_URL
        title = options.title or "API documentation"
        page = theme.render(title=title, spec_url=json_route, assets_url=assets_url)
        headers = {}
        if csp is not None:  # escaped as in the page, so the hash matches what the browser reads
            spec_url = html.escape(json_route, quote=True)
            sources = theme.csp_sources(spec_url, assets_url)
            headers["content-security-policy"] = extend_policy(csp, sources)

        def docs(req: Request, resp: Response) -> None:
            resp.html = page
            if headers:
                resp.headers.update(headers)

        routes.append((docs_route, docs))
    return routes
