"""The API's ASGI stack: mounted apps, added middleware, and the layers, built once.

A mixin of :class:`responder.API`, kept apart so that ``api.py`` holds the
configuration and registration. The stack is built on the first connection
from what was configured, and fixed from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._concurrency import is_async_callable
from .app import App
from .layers import LayerOptions, wrap
from .media import MediaRegistry
from .observability import Observability
from .resources.table import RouteTable
from .types import ASGIApp

__all__ = ["Stack"]


class Stack:
    """``api.mount``, ``api.add_middleware`` and ``api.middleware_stack``."""

    app: App
    gzip: bool
    layers: LayerOptions
    media: MediaRegistry
    observability: Observability
    routes: RouteTable
    _middleware: list[tuple[Callable[..., ASGIApp], dict[str, Any]]]
    _stack: ASGIApp | None = None  # built on the first connection

    def mount(self, prefix: str, app: Any) -> None:
        """Serve another ASGI or WSGI app (Flask, Django, …) under ``prefix``.

        The prefix matches on segment boundaries: ``/flask`` serves ``/flask``
        and ``/flask/...``, not ``/flasky``. As the ASGI spec says (and
        Starlette's ``Mount`` does), the app gets the whole ``path`` and the
        prefix added to ``root_path`` (``SCRIPT_NAME`` for WSGI apps), so it
        routes on the rest and the URLs it builds keep the prefix.
        """
        prefix = _checked(prefix)
        if not is_async_callable(app):
            from a2wsgi import WSGIMiddleware

            app = WSGIMiddleware(app)
        self._mount_as_is(prefix, self._gzipped(app, self.gzip))

    def _mount_as_is(self, prefix: str, app: ASGIApp) -> None:
        """Serve ``app`` under ``prefix`` unwrapped (the static route wraps its own, later)."""
        prefix = _checked(prefix)
        self.app.mounts.append((prefix, prefix + "/", app))
        # Longest prefix first, so /api/v2 wins over /api.
        self.app.mounts.sort(key=lambda mount: len(mount[0]), reverse=True)

    @staticmethod
    def _gzipped(app: ASGIApp, gzip: bool) -> ASGIApp:
        """``app`` behind a ``GZipLayer`` when ``gzip``: compressed like the views' responses."""
        if not gzip:
            return app
        from .layers.compression import GZipLayer  # loaded with the first app it wraps

        return GZipLayer(app)

    @property
    def middleware_stack(self) -> ASGIApp:
        """The ASGI app that serves requests, built on first use and then fixed.

        The configured layers and ``add_middleware`` middleware around the
        request pipeline, outermost first; the pipeline alone when nothing is
        configured.
        """
        return self._stack if self._stack is not None else self._build_stack()

    def _build_stack(self) -> ASGIApp:
        # Built once, on the first connection, from only what was configured.
        app: ASGIApp = self.app
        for cls, options in self._middleware:
            app = cls(app, **options)
        observed = self.observability.any
        # PERF: only an observed app writes the matched route into the scope.
        self.app.observed = observed
        if observed:  # the observing layer is built below: its module loads now anyway
            from .layers.observe import ROUTE_SLOT

            self.app.route_slot = ROUTE_SLOT
        self.app.websocket_paths = self.routes.websocket_paths
        if self.layers.any or observed:
            app = wrap(app, self.layers, self.media, self.observability.layer)
        self._stack = app
        return app

    def add_middleware(self, middleware_class: Callable[..., ASGIApp], **options: Any) -> None:
        """Wrap the app in ``middleware_class(app, **options)``; the last added is outermost.

        Raises:
            RuntimeError: the app has already started serving.
        """
        if self._stack is not None:
            raise RuntimeError("Add middleware before the app serves its first request.")
        self._middleware.append((middleware_class, options))


def _checked(prefix: str) -> str:
    """A mount prefix without its trailing ``/``; a clear error for one that cannot be."""
    if not prefix.startswith("/") or prefix == "/":
        raise ValueError(f"A mount prefix must start with '/' and not be '/': {prefix!r}.")
    return prefix.rstrip("/")
