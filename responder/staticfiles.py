"""Static files: one or more directories served under a prefix, never outside them.

``safe_join`` (kept importable from here) lives in :mod:`responder._files`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.datastructures import Headers

from ._files import safe_join
from .errors import HTTPMethodNotAllowed, HTTPNotFound
from .media import MediaRegistry
from .problems import problem_app
from .types import Receive, Scope, Send
from .urls import route_path

if TYPE_CHECKING:
    from .response import Response
    from .types import ASGIApp

__all__ = ["StaticFiles", "safe_join", "spa_view"]


class StaticFiles:
    """Serves files from a list of directories, the first that has the file winning.

    Args:
        directories: the roots, in order of preference; missing ones are skipped.
        index: the file served for a directory path (``/static/docs/``).
        media: the registry the 404 and 405 problem details are negotiated with (the
            API's); the built-in formats when omitted.
    """

    def __init__(
        self,
        directories: list[str] | None = None,
        *,
        index: str = "index.html",
        media: MediaRegistry | None = None,
    ) -> None:
        self.directories: list[str] = list(directories or [])
        self.index = index
        self.media = media if media is not None else MediaRegistry()
        # PERF: the answers to a wrong method and a miss are the same each time.
        self._not_allowed = problem_app(HTTPMethodNotAllowed(["GET", "HEAD"]), self.media)
        self._not_found = problem_app(HTTPNotFound(detail="No such file."), self.media)

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
        """The ASGI app answering this request: the file, a 304/206, or a problem.

        The problem is in the format the client accepts, as the app's own errors are.
        """
        if scope["method"] not in ("GET", "HEAD"):
            return self._not_allowed
        path = self.find(route_path(scope))
        if path is None:
            return self._not_found
        # Imported here: an app that never serves a file loads neither (nor starlette.responses).
        import mimetypes

        from . import streaming

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
