"""Serve the pinned npm packages to the browser: ``VendorFiles(app)`` answers ``/vendor/...``.

A tiny pure-ASGI wrapper, so a test app loads its front-end files from
``tests/browser/node_modules`` (installed by ``scripts/test-deps``) instead of a CDN:
``GET /vendor/swagger-ui-dist/swagger-ui-bundle.js`` reads
``node_modules/swagger-ui-dist/swagger-ui-bundle.js``. Everything else, and every
non-HTTP scope (lifespan, websocket), goes to the wrapped app untouched.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

NODE_MODULES = Path(__file__).resolve().parent / "node_modules"

# Our own table, so the answer does not depend on the machine's /etc/mime.types or on the
# Python version (3.11's mimetypes says application/javascript for .js).
_TYPES = mimetypes.MimeTypes()
for _ext, _type in {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".cjs": "text/javascript",
    ".css": "text/css",
    ".map": "application/json",
    ".json": "application/json",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
    ".txt": "text/plain",
}.items():
    _TYPES.add_type(_type, _ext)


def content_type(path: Path) -> str:
    """The Content-Type header for a file, with ``charset=utf-8`` for text."""
    kind = _TYPES.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in {"application/json", "image/svg+xml"}:
        kind += "; charset=utf-8"
    return kind


class VendorFiles:
    """Answer ``GET``/``HEAD`` under ``prefix`` from ``root``; pass everything else on."""

    def __init__(
        self, app: ASGIApp, root: str | Path = NODE_MODULES, prefix: str = "/vendor/"
    ) -> None:
        if not prefix.startswith("/") or not prefix.endswith("/"):
            raise ValueError(f"prefix must start and end with '/': {prefix!r}")
        self.app = app
        self.root = Path(root).resolve()
        self.prefix = prefix

    def resolve(self, path: str) -> Path | None:
        """The file for a request path under the prefix, or None if there is none.

        Refuses anything that could leave ``root``: ``..`` or empty segments, backslashes,
        NUL bytes, and symlinks pointing outside it.
        """
        relative = path[len(self.prefix) :]
        parts = relative.split("/")
        if not relative or "\\" in relative or "\0" in relative:
            return None
        if any(part in {"", ".", ".."} for part in parts):
            return None
        candidate = self.root.joinpath(*parts).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        if scope["method"] not in {"GET", "HEAD"}:
            await _respond(send, 405, b"method not allowed\n", [(b"allow", b"GET, HEAD")])
            return
        file = self.resolve(scope["path"])
        if file is None:
            await _respond(send, 404, b"not found\n")
            return
        body = file.read_bytes()
        headers = [
            (b"content-type", content_type(file).encode()),
            (b"cache-control", b"no-cache"),
        ]
        await _respond(send, 200, b"" if scope["method"] == "HEAD" else body, headers, len(body))


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
    length: int | None = None,
) -> None:
    headers = headers or [(b"content-type", b"text/plain; charset=utf-8")]
    headers.append((b"content-length", str(len(body) if length is None else length).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
