"""The routes an API adds itself: static files, health, metrics, schema and docs, SPA, GraphQL.

A mixin of :class:`responder.API`, kept apart so that ``api.py`` holds the
configuration and the registration entry points. Each route here is added
through ``add_route`` like a user's, at ``API(...)`` time (or when asked, for
the SPA and GraphQL), and is left out of the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from .staticfiles import StaticFiles, spa_view

if TYPE_CHECKING:
    from .app import App
    from .docs.openapi import SpecSource
    from .docs.options import DocsOptions
    from .health import Health
    from .layers import LayerOptions
    from .lifespan import Lifespan
    from .media import MediaRegistry
    from .observability import Observability

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
    static_app: StaticFiles
    add_route: Callable[..., Any]
    mount: Callable[..., None]

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
        self.static_app = StaticFiles(
            [self.static_dir] if self.static_dir else [], media=self.media
        )
        if self.static_route:
            self.mount(self.static_route, self.static_app)
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
        view = spa_view(self.static_app)  # open, as the static files it loads are
        self.add_route(path, view, methods=["GET"], include_in_schema=False, auth=None)
        self.app.spa_fallback = view
        return view
