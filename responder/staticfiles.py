"""Static files: one or more directories served under a prefix, never outside them."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.datastructures import Headers

from . import streaming
from .app import problem_app, route_path
from .errors import HTTPMethodNotAllowed, HTTPNotFound
from .types import Receive, Scope, Send

if TYPE_CHECKING:
    from .response import Response
    from .types import ASGIApp

__all__ = ["StaticFiles", "safe_join", "spa_view"]


def safe_join(root: str, relative: str) -> str | None:
    """``root/relative`` when it exists as a file inside ``root``, else None.

    Symlinks and ``..`` are resolved before the check, and backslashes and NUL
    bytes are refused, so no spelling of a path reaches outside the root.
    """
    if "\x00" in relative or "\\" in relative:
        return None
    root_real = os.path.realpath(root)
    candidate = os.path.realpath(os.path.join(root_real, relative.lstrip("/")))
    if os.path.commonpath([root_real, candidate]) != root_real:
        return None
    return candidate if os.path.isfile(candidate) else None


class StaticFiles:
    """Serves files from a list of directories, the first that has the file winning.

    Args:
        directories: the roots, in order of preference; missing ones are skipped.
        index: the file served for a directory path (``/static/docs/``).
    """

    def __init__(self, directories: list[str] | None = None, *, index: str = "index.html") -> None:
        self.directories: list[str] = list(directories or [])
        self.index = index

    def add_directory(self, directory: str) -> None:
        """Serve files from ``directory`` too (after the ones already added)."""
        self.directories.append(directory)

    def find(self, relative: str) -> str | None:
        """The file a relative URL path names, searched in every directory."""
        if relative.endswith("/") or relative == "":
            relative += self.index
        for directory in self.directories:
            if os.path.isdir(directory):
                found = safe_join(directory, relative)
                if found is not None:
                    return found
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer GET and HEAD with a file; anything else is 405, a miss is 404."""
        if scope["type"] != "http":
            await send({"type": "websocket.close", "code": 1000})
            return
        app = self.response_for(scope)
        await app(scope, receive, send)

    def response_for(self, scope: Scope) -> ASGIApp:
        """The ASGI app answering this request: the file, a 304/206, or a problem."""
        if scope["method"] not in ("GET", "HEAD"):
            return problem_app(HTTPMethodNotAllowed(["GET", "HEAD"]))
        path = self.find(route_path(scope))
        if path is None:
            return problem_app(HTTPNotFound(detail="No such file."))
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return streaming.file_app(
            path,
            status=200,
            content_type=content_type,
            headers=[],
            request_headers=Headers(scope=scope),
        )


def spa_view(static_app: StaticFiles) -> Callable[[Any, Response], None]:
    """The view of a single-page app: the static ``index.html``, looked up on each request.

    Looked up each time so that a build that lands after start-up is served.
    """

    def single_page_app(req: Any, resp: Response) -> None:
        index = static_app.find(static_app.index)
        if index is None:
            raise HTTPNotFound(detail="The single-page app has no index.html.")
        resp.file(index, content_type="text/html; charset=utf-8")

    return single_page_app
