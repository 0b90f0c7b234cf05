"""The routes an API adds itself: static files, health, metrics, schema and docs, SPA, GraphQL.

A mixin of :class:`responder.API`, kept apart so that ``api.py`` holds the
configuration and the registration entry points. Each route here is added
through ``add_route`` like a user's, at ``API(...)`` time (or when asked, for
the SPA and GraphQL), and is left out of the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .app import App
    from .docs.openapi import SpecSource
    from .docs.options import DocsOptions
    from .health import Health
    from .layers import LayerOptions
    from .lifespan import Lifespan
    from .media import MediaRegistry
    from .observability import Observability
    from .staticfiles import StaticFiles
    from .types import ASGIApp, Receive, Scope, Send

__all__ = ["BuiltinRoutes"]


class BuiltinRoutes:
    """``api.graphql``, ``api.add_spa`` and the routes ``API(...)`` configures."""

    app: App
    docs_options: DocsOptions
    health: Health
    layers: LayerOptions
    lifespan: Lifespan
    media: MediaRegistry
    observability: Observability
    static_dir: str | None
    static_route: str
    gzip: bool
    _static_dirs: list[str]
    _static_gzip: bool
    _static_app: StaticFiles | None = None
    _static_served: ASGIApp | None = None  # the app, behind gzip if on: made on first request
    add_route: Callable[..., Any]
    mount: Callable[..., None]
    _mount_as_is: Callable[[str, ASGIApp], None]
    _gzipped: Callable[[ASGIApp, bool], ASGIApp]

    def graphql(self, path: str, *, schema: Any, **options: Any) -> Any:
        """Serve a graphene ``schema`` at ``path`` (GraphiQL for browsers).

        Options go to :class:`responder.ext.graphql.GraphQLView`: ``graphiql`` and
        the limits of :class:`responder.ext.graphql.GraphQLLimits` (``max_depth``, …).
        """
        return self.add_route(path, self._graphql_view(schema, **options))

    def _graphql_view(self, schema: Any, **options: Any) -> Any:
        """The GraphQL resource for ``schema``, its GraphiQL page loading from our asset URL."""
        # Imported here so that apps without GraphQL never load graphene.
        from .ext.graphql import GraphQLView

        if self.docs_options.assets_dir is not None and options.get("graphiql", True):
            from .docs.assets import GRAPHIQL_PACKAGES
            from .docs.local_assets import check_packages

            check_packages(self.docs_options.assets_dir, GRAPHIQL_PACKAGES)
        return GraphQLView(schema=schema, assets_url=self.docs_options.assets_url, **options)

    def _add_builtin_routes(self) -> None:
        """Mount the static directory; add the health, schema and docs routes if configured."""
        self._static_dirs = [self.static_dir] if self.static_dir else []
        self._static_gzip = self.gzip  # read now, as mount() reads it
        if self.static_route:
            self._mount_as_is(self.static_route, self._serve_static)
        for path, view in self.health.routes():  # each check has its own timeout
            self.add_route(
                path, view, methods=["GET"], include_in_schema=False, timeout=False, auth=None
            )
        for path, view in self.observability.routes():  # a scrape reads, never times out
            self.add_route(
                path, view, methods=["GET"], include_in_schema=False, timeout=False, auth=None
            )
        self.lifespan.startup.append(self.health.start)
        self.lifespan.stopping.append(self.health.stop)
        self.health.on_drain.append(self.app.close_websockets)
        self.lifespan.shutdown.append(self.observability.stop)
        if self.docs_options.assets_dir is not None:
            self._serve_docs_assets(self.docs_options.assets_dir)
        if not self.docs_options.enabled:
            return
        # Imported here so that apps without docs never load apispec.
        from .docs.routes import docs_routes

        security = self.layers.security
        csp = security.csp if security is not None else None
        for path, view in docs_routes(
            cast("SpecSource", self), self.docs_options, csp
        ):  # open, for Authorize
            self.add_route(path, view, methods=["GET"], include_in_schema=False, auth=None)

    @property
    def static_app(self) -> StaticFiles:
        """``api.static_app``: the static directories' app, made on first use (or request).

        A hello app never loads :mod:`responder.staticfiles`; the directories are
        the ones the API was created with.
        """
        static_app = self._static_app
        if static_app is None:
            from .staticfiles import StaticFiles

            static_app = self._static_app = StaticFiles(self._static_dirs, media=self.media)
        return static_app

    async def _serve_static(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app mounted at ``static_route``: the static files app, made on the first request.

        Behind a ``GZipLayer`` when gzip is on, as ``mount`` would have put it.
        """
        served = self._static_served
        if served is None:
            served = self._static_served = self._gzipped(self.static_app, self._static_gzip)
        await served(scope, receive, send)

    def _serve_docs_assets(self, directory: str) -> None:
        """Mount the UI packages in ``directory``, checking the docs page's are there."""
        from .docs.assets import LOCAL_ASSETS_URL
        from .docs.local_assets import PackageFiles, check_packages
        from .docs.ui import THEMES

        options = self.docs_options
        check_packages(directory, [THEMES[options.theme].package] if options.docs_route else [])
        self.mount(LOCAL_ASSETS_URL.split("/{")[0], PackageFiles(directory, media=self.media))

    def add_spa(self, path: str = "/") -> Any:
        """Serve ``index.html`` of the static directory at ``path`` and for unknown pages.

        The single-page-app setup; ``add_route(path, static=True)`` is the same.
        Paths under the API's ``spa_exclude`` prefixes still get their 404.
        """
        from .staticfiles import spa_view

        view = spa_view(self.static_app)  # open, as the static files it loads are
        self.add_route(path, view, methods=["GET"], include_in_schema=False, auth=None)
        self.app.spa_fallback = view
        return view
