"""Interactive docs pages: one small class per theme, behind one interface.

Each theme names the npm package it loads, pinned with its files' hashes in
:mod:`responder.docs.assets`; the page fetches them from ``assets_url``, a
template with ``{package}`` and ``{version}``: a CDN by default (each tag
carrying its file's integrity hash), your own copy served by the API
(``API(docs_assets="node_modules")``), or any server
(``API(docs_assets_url="/vendor/{package}")``).
"""

from __future__ import annotations

import base64
import hashlib
import html
from typing import ClassVar
from urllib.parse import urlsplit

from .assets import DEFAULT_ASSETS_URL, PACKAGES, asset_attributes

__all__ = ["DEFAULT_ASSETS_URL", "THEMES", "DocsTheme", "get_theme"]


class DocsTheme:
    """A docs UI: the HTML page that renders an OpenAPI document."""

    name: ClassVar[str] = ""
    package: ClassVar[str] = ""  # its pinned version and files: ``assets.PACKAGES``
    #: Sources the page loads from elsewhere than its assets, by CSP directive.
    elsewhere: ClassVar[dict[str, tuple[str, ...]]] = {}

    @property
    def version(self) -> str:
        """The exact release of the package the page loads."""
        return PACKAGES[self.package].version

    def script(self, assets_url: str, path: str, module: bool = False) -> str:
        """A ``<script>`` tag loading one of the package's files (with its hash from a CDN)."""
        kind = ' type="module"' if module else ""
        return f"<script{kind} {asset_attributes(assets_url, self.package, path)}></script>"

    def stylesheet(self, assets_url: str, path: str) -> str:
        """A ``<link rel="stylesheet">`` tag for one of the package's files."""
        attributes = asset_attributes(assets_url, self.package, path, "href")
        return f'<link rel="stylesheet" {attributes}>\n'

    def body(self, spec_url: str, assets_url: str) -> str:
        """The theme's part of the page: its tags and script."""
        raise NotImplementedError

    def head(self, assets_url: str) -> str:
        """Extra ``<head>`` tags (stylesheets)."""
        return ""

    def inline_script(self, spec_url: str) -> str:
        """The page's inline script, exactly as written in it ("" for none)."""
        return ""

    def csp_sources(self, spec_url: str, assets_url: str) -> dict[str, tuple[str, ...]]:
        """What a Content-Security-Policy must allow for this page to work, by directive.

        The assets' origin for scripts, styles, images and fonts, the inline
        script by its hash (the page is the same for every request, so no
        nonce is needed), inline styles (every theme sets ``style`` attributes
        or injects ``<style>`` tags) and ``data:`` images (icons).
        """
        origin = _origin(assets_url)
        script = self.inline_script(spec_url)
        hashes = (_sha256_source(script),) if script else ()
        sources = {
            "script-src": (origin, *hashes),
            "style-src": (origin, "'unsafe-inline'"),
            "img-src": (origin, "data:"),
            "font-src": (origin, "data:"),
            "connect-src": ("'self'",),
            "worker-src": ("'self'", "blob:"),
        }
        for directive, more in self.elsewhere.items():
            sources[directive] = (*sources.get(directive, ()), *more)
        return sources

    def render(self, *, title: str, spec_url: str, assets_url: str) -> str:
        """The whole HTML page."""
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n'
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n{self.head(assets_url)}</head>\n"
            f"<body>\n{self.body(html.escape(spec_url, quote=True), assets_url)}\n</body>\n"
            "</html>\n"
        )


class SwaggerUI(DocsTheme):
    """Swagger UI: try requests from the page."""

    name = "swagger_ui"
    package = "swagger-ui-dist"

    def head(self, assets_url: str) -> str:
        return self.stylesheet(assets_url, "swagger-ui.css")

    def inline_script(self, spec_url: str) -> str:
        return (
            f'\nwindow.ui = SwaggerUIBundle({{url: "{spec_url}", dom_id: "#swagger-ui", '
            # validatorUrl null: the page must not send the spec to swagger.io.
            "deepLinking: true, validatorUrl: null});\n"
        )

    def body(self, spec_url: str, assets_url: str) -> str:
        return (
            '<div id="swagger-ui"></div>\n'
            f"{self.script(assets_url, 'swagger-ui-bundle.js')}\n"
            f"<script>{self.inline_script(spec_url)}</script>"
        )


class ReDoc(DocsTheme):
    """ReDoc: a three-panel reference."""

    name = "redoc"
    package = "redoc"
    elsewhere = {"img-src": ("https://cdn.redoc.ly",)}  # its footer logo, always from there

    def body(self, spec_url: str, assets_url: str) -> str:
        return (
            f'<redoc spec-url="{spec_url}"></redoc>\n'
            f"{self.script(assets_url, 'bundles/redoc.standalone.js')}"
        )


class RapiDoc(DocsTheme):
    """RapiDoc: a web component with a built-in console."""

    name = "rapidoc"
    package = "rapidoc"

    def body(self, spec_url: str, assets_url: str) -> str:
        return (
            f"{self.script(assets_url, 'dist/rapidoc-min.js', module=True)}\n"
            f'<rapi-doc spec-url="{spec_url}" render-style="read" show-header="false" '
            # load-fonts false: no request to Google Fonts; the page works offline.
            'load-fonts="false"></rapi-doc>'
        )


class Elements(DocsTheme):
    """Stoplight Elements: a sidebar layout."""

    name = "elements"
    package = "@stoplight/elements"

    def head(self, assets_url: str) -> str:
        return self.stylesheet(assets_url, "styles.min.css")

    def body(self, spec_url: str, assets_url: str) -> str:
        return (
            f"{self.script(assets_url, 'web-components.min.js')}\n"
            f'<elements-api apiDescriptionUrl="{spec_url}" router="hash" layout="sidebar">'
            "</elements-api>"
        )


def _origin(assets_url: str) -> str:
    """The CSP source for where assets load from: their origin, or ``'self'`` for a path."""
    parts = urlsplit(assets_url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return "'self'"


def _sha256_source(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


THEMES: dict[str, type[DocsTheme]] = {
    theme.name: theme for theme in (SwaggerUI, ReDoc, RapiDoc, Elements)
}


def get_theme(name: str) -> DocsTheme:
    """The theme called ``name``.

    Raises:
        ValueError: no such theme.
    """
    try:
        return THEMES[name]()
    except KeyError:
        known = ", ".join(THEMES)
        raise ValueError(f"Unknown docs theme {name!r}; choose one of {known}.") from None
