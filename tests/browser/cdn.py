"""Stand in for jsDelivr in the browser: its npm URLs answered from ``node_modules``.

The machine has no internet access, so a page that loads its UI from the CDN
default (``https://cdn.jsdelivr.net/npm/<package>@<version>/<path>``) gets
each file from the installed npm package instead, byte for byte, with the
CORS header jsDelivr sends; the browser then checks the tags' integrity hashes
against the real files. Only the installed release is served: a page asking
for any other version gets a 404, as a drifted pin should.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .vendor import NODE_MODULES, content_type

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

CDN = "https://cdn.jsdelivr.net/npm/"
# <package>@<version>/<path>, the package maybe scoped: @stoplight/elements@9.0.25/styles.min.css
_NPM_URL = re.compile(r"(?P<package>(?:@[^/@]+/)?[^/@]+)@(?P<version>[^/]+)/(?P<path>.+)")


def installed_version(package: str) -> str | None:
    """The release of ``package`` in ``node_modules``, or None when it is not there."""
    manifest = NODE_MODULES / package / "package.json"
    if not manifest.is_file():
        return None
    version: str = json.loads(manifest.read_text())["version"]
    return version


def serve_cdn(page: Page, tamper: Callable[[bytes], bytes] | None = None) -> list[str]:
    """Answer the page's jsDelivr requests from ``node_modules``; return the URLs served.

    ``tamper`` changes each body before it is sent (to see integrity refuse it).
    Page routes take precedence over the ``page`` fixture's, which would block
    these requests as off the machine.
    """
    served: list[str] = []

    def fulfil(route: Route) -> None:
        url = route.request.url
        match = _NPM_URL.fullmatch(url.removeprefix(CDN).split("?")[0])
        file = None
        if match and installed_version(match["package"]) == match["version"]:
            root = (NODE_MODULES / match["package"]).resolve()
            candidate = (root / match["path"]).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                file = candidate
        if file is None:
            route.fulfill(status=404, body="not on this stand-in CDN\n")
            return
        body = file.read_bytes()
        served.append(url)
        route.fulfill(
            status=200,
            body=tamper(body) if tamper else body,
            # As jsDelivr: CORS open, so crossorigin="anonymous" tags may load and be checked.
            headers={"content-type": content_type(file), "access-control-allow-origin": "*"},
        )

    page.route(f"{CDN}**", fulfil)
    return served
