"""The docs UIs' files: each npm package pinned to one release, and each file's hash.

Every page a docs theme (or GraphiQL) renders loads a few files from one npm
package. :data:`PACKAGES` pins each package to an exact release and holds the
SHA-384 of every file a page loads from it, so a page that fetches that exact
release (the CDN default) can carry Subresource Integrity: the browser refuses
a file whose bytes differ, should the CDN ever serve other ones.
``tests/browser/test_docs_asset_pins.py`` recomputes every hash from the
installed npm files, and ``tests/docs/test_ui.py`` checks the pins against
``tests/browser/package.json``; bump a version there, then here.

A leaf module: it imports nothing of Responder.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_ASSETS_URL",
    "GRAPHIQL_PACKAGES",
    "LOCAL_ASSETS_URL",
    "PACKAGES",
    "Package",
    "asset_attributes",
    "install_command",
]

#: Where the files load from by default: jsDelivr serves npm releases byte for byte.
DEFAULT_ASSETS_URL = "https://cdn.jsdelivr.net/npm/{package}@{version}"
#: Where ``API(docs_assets=directory)`` serves the packages in that directory.
LOCAL_ASSETS_URL = "/docs-assets/{package}"


@dataclass(frozen=True)
class Package:
    """An npm package a docs page loads files from, pinned to one release.

    Attributes:
        name: the npm name (``@stoplight/elements``).
        version: the exact release: no ranges, so the hashes hold.
        files: every file a page loads, path within the package → its
            ``sha384-...`` integrity value.
    """

    name: str
    version: str
    files: dict[str, str] = field(default_factory=dict)


PACKAGES: dict[str, Package] = {
    package.name: package
    for package in (
        Package(
            "swagger-ui-dist",
            "5.35.0",
            {
                "swagger-ui.css": "sha384-"
                "WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I",
                "swagger-ui-bundle.js": "sha384-"
                "gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9",
            },
        ),
        Package(
            "redoc",
            "2.5.4",
            {
                "bundles/redoc.standalone.js": "sha384-"
                "w447zOpYfw/1Tv/5AK9NfHTlQIqE3RVR6KY62jCyy9zNDgO64cMwGGP1Fj0zJVf5",
            },
        ),
        Package(
            "rapidoc",
            "9.3.8",
            {
                "dist/rapidoc-min.js": "sha384-"
                "szzoYhqSJqZH8X90KwbBjYL1CMLEa3U7xl/oAZg4ViKpYEY5GVhM+peBQB4u7ANM",
            },
        ),
        Package(
            "@stoplight/elements",
            "9.0.25",
            {
                "styles.min.css": "sha384-"
                "NzdOiocfnINlXfuCXi4OpL/xvdbgLiKaLHQ07Z+IwhVaxHqLShn5rVD5OHt/LYgz",
                "web-components.min.js": "sha384-"
                "X5kH2B8aH81JEl8IfSBwwnr8FYcCqMzdxpqjmmlRbhIl7SsQ9Zn0xk+csQmU37zN",
            },
        ),
        # GraphiQL 4 is the last release that runs from plain files (with React 18's UMD builds).
        Package(
            "graphiql",
            "4.1.2",
            {
                "graphiql.min.css": "sha384-"
                "1el1QShFBnnXTx9x/Cprg82hZWKt0ry29OAYIXt05swbi0KcZDFoj0CWguMpopJr",
                "graphiql.min.js": "sha384-"
                "9XdHu7ajgGJziD4J1zNBKQ842Q/+zZfDv+ib1eMhZWBH6hPAs806x+Jbcf0yNO6B",
            },
        ),
        Package(
            "react",
            "18.3.1",
            {
                "umd/react.production.min.js": "sha384-"
                "DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z",
            },
        ),
        Package(
            "react-dom",
            "18.3.1",
            {
                "umd/react-dom.production.min.js": "sha384-"
                "gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1",
            },
        ),
    )
}

#: The packages GraphiQL's page loads, in the order its scripts must run.
GRAPHIQL_PACKAGES = ("react", "react-dom", "graphiql")


def asset_attributes(assets_url: str, package: str, path: str, attribute: str = "src") -> str:
    """The attributes of a ``<script>`` or ``<link>`` tag loading one pinned file, escaped.

    ``attribute`` names the URL (``src`` or ``href``). When ``assets_url``
    names ``{version}``, the URL fetches the pinned release, whose bytes are
    known: the tag then carries their ``integrity`` hash, and
    ``crossorigin="anonymous"`` so the browser may check it on another origin.
    A URL without a version (your own copy, ``API(docs_assets=...)``) serves
    whatever release is installed there, so it gets no hash to fail on.

    Raises:
        KeyError: a package or file missing from :data:`PACKAGES`.
    """
    pinned = PACKAGES[package]
    integrity = pinned.files[path]
    base = assets_url.format(package=package, version=pinned.version).rstrip("/")
    attributes = f'{attribute}="{html.escape(f"{base}/{path}", quote=True)}"'
    if "{version}" in assets_url:
        attributes += f' integrity="{integrity}" crossorigin="anonymous"'
    return attributes


def install_command(packages: list[str] | tuple[str, ...] | None = None) -> str:
    """The ``npm install`` line that fetches ``packages`` (all of them by default), pinned."""
    names = list(PACKAGES) if packages is None else packages
    return "npm install " + " ".join(f"{name}@{PACKAGES[name].version}" for name in names)
