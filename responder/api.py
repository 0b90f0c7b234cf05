"""The API object: configuration and registration, and the ASGI entry point.

``API`` holds no per-request logic. It records routes, hooks and handlers,
and on the first connection builds the middleware stack around the request
pipeline in :mod:`responder.app`, once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from . import status_codes
from ._api_helpers import HookRegistration, RouteGroup, ServingHelpers, VerbRoutes, ViewHelpers
from ._api_inputs import DependencyRegistration, Deps, as_depends, route_checks
from ._concurrency import is_async_callable
from .app import App, ExceptionHandlers, Hooks
from .background import DEFAULT_BACKGROUND_QUEUE_SIZE, DEFAULT_BACKGROUND_THREADS, BackgroundQueue
from .layers.compression import GZipLayer
from .lifespan import Lifespan
from .media import MediaRegistry
from .request import DEFAULT_MAX_REQUEST_SIZE
from .resources import PathTemplate, Route, Router, RouteSpec
from .resources.adapters import adapt_websocket, is_resource
from .resources.convertors import DEFAULT_MAX_NUMBER_LENGTH, make_convertors
from .sessions import (
    DEFAULT_SESSION_MAX_AGE,
    SessionCodec,
    SessionSettings,
    check_session_options,
)
from .staticfiles import StaticFiles, spa_view
from .templates import Templates
from .types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from .layers import LayerOptions
    from .testing import TestClient

__all__ = ["API", "RouteGroup"]

E = TypeVar("E")


class API(
    VerbRoutes,
    ViewHelpers,
    ServingHelpers,
    HookRegistration,
    DependencyRegistration,
    SessionSettings,
):
    """A Responder application; itself an ASGI app.

    Templates, redirects, serving and the test clients come from the mixins
    in :mod:`responder._api_helpers`; the session codec from
    :class:`responder.sessions.SessionSettings`.

    Args:
        debug: show tracebacks in 500 responses.
        title, version, description, terms_of_service, contact, license:
            the OpenAPI ``info`` of the generated schema.
        openapi: the OpenAPI version to generate (e.g. ``"3.0.2"``).
        openapi_route, openapi_theme, docs_route: where the schema and the
            interactive docs are served.
        static_dir, static_route, templates_dir, auto_escape: static files
            and Jinja2 templates.
        secret_key: signs session cookies.
        session_cookie, session_max_age, session_https_only, session_same_site:
            the session cookie's name, lifetime in seconds, Secure flag (None:
            on with ``enable_hsts``) and SameSite (see docs/web.md).
        websocket_idle_timeout: close WebSockets silent for this many seconds.
        enable_hsts, cors, cors_params, allowed_hosts, request_id:
            optional layers, present only when configured (see ``responder.layers``).
        gzip: compress responses of 500 bytes or more for clients that accept
            gzip, mounted apps and static files included (on by default;
            see ``responder.layers.compression``). Read when the API is created.
        lifespan: an async context manager factory ``lifespan(api)`` run
            around the server's life.
        background_threads, background_queue_size: background work's own pool, job limit.
        max_request_size: the largest request body accepted, in bytes (413 beyond).
        strict_negotiation: answer 406 when no format fits ``Accept``,
            instead of falling back to JSON.
        docs_assets_url: where the docs page loads its UI from: a template
            with ``{package}`` and ``{version}`` (a CDN by default).
        spa_exclude, max_number_param_length: path prefixes the SPA fallback never
            answers (``["/api"]``); the most characters of an int/float route parameter.
        dependencies: ``Depends(...)`` guards run before every HTTP route's own.
    """

    status_codes = status_codes

    def __init__(
        self,
        *,
        debug: bool = False,
        title: str | None = None,
        version: str | None = None,
        description: str | None = None,
        terms_of_service: str | None = None,
        contact: dict[str, str] | None = None,
        license: dict[str, str] | None = None,  # noqa: A002 - the documented name
        openapi: str | None = None,
        openapi_route: str = "/schema.yml",
        openapi_theme: str = "swagger_ui",
        docs_route: str | None = None,
        static_dir: str | None = "static",
        static_route: str = "/static",
        templates_dir: str = "templates",
        auto_escape: bool = True,
        secret_key: str | None = None,
        enable_hsts: bool = False,
        cors: bool = False,
        cors_params: dict[str, Any] | None = None,
        allowed_hosts: list[str] | None = None,
        lifespan: Callable[[Any], Any] | None = None,
        request_id: bool = False,
        gzip: bool = True,
        session_cookie: str = "session",
        session_max_age: int = DEFAULT_SESSION_MAX_AGE,
        session_https_only: bool | None = None,
        session_same_site: str = "lax",
        background_threads: int = DEFAULT_BACKGROUND_THREADS,
        background_queue_size: int = DEFAULT_BACKGROUND_QUEUE_SIZE,
        websocket_idle_timeout: float | None = None,
        max_request_size: int = DEFAULT_MAX_REQUEST_SIZE,
        strict_negotiation: bool = False,
        docs_assets_url: str | None = None,
        spa_exclude: list[str] | None = None,
        max_number_param_length: int = DEFAULT_MAX_NUMBER_LENGTH,
        dependencies: list[Any] | None = None,
    ) -> None:
        self._debug = debug
        self.title, self.version, self.description = title, version, description
        self.terms_of_service, self.contact, self.license = terms_of_service, contact, license
        self.openapi_version = openapi
        self.openapi_route, self.openapi_theme, self.docs_route = (
            openapi_route,
            openapi_theme,
            docs_route,
        )
        self.static_dir, self.static_route = static_dir, static_route
        self.templates_dir, self.auto_escape = templates_dir, auto_escape
        self.secret_key = secret_key
        self.enable_hsts, self.cors, self.cors_params = enable_hsts, cors, cors_params or {}
        self.allowed_hosts, self.request_id = allowed_hosts, request_id
        self.gzip = gzip
        self.session_cookie, self.session_max_age = session_cookie, session_max_age
        self.session_https_only, self.session_same_site = session_https_only, session_same_site
        self._session_codec: SessionCodec | None = None
        check_session_options(**self._session_options())  # fails here, not on a request
        self.docs_assets_url = docs_assets_url
        self.schemas: dict[str, Any] = {}
        #: Bumped whenever routes or schemas change, so generated documents know to rebuild.
        self.routes_version = 0

        self._convertors = make_convertors(max_number_param_length)
        self.router: Router[Route] = Router()
        self.websocket_router: Router[Callable[[Any, dict[str, Any]], Awaitable[None]]] = Router()
        self.media = MediaRegistry()
        self.hooks = Hooks()
        self.exception_handlers = ExceptionHandlers()
        self.background = BackgroundQueue(background_threads, background_queue_size)
        self.lifespan = Lifespan(self, lifespan, self.background)
        self._setup_dependencies(dependencies)
        self.app = App(
            router=self.router,
            websocket_router=self.websocket_router,
            media=self.media,
            hooks=self.hooks,
            exception_handlers=self.exception_handlers,
            lifespan=self.lifespan,
            debug=debug,
            max_request_size=max_request_size,
            strict_negotiation=strict_negotiation,
            sessions=self._sessions,
            websocket_idle_timeout=websocket_idle_timeout,
            gzip=gzip,
            spa_exclude=spa_exclude or (),
        )
        # What url_for builds from: the first template an endpoint (or a name) was routed to.
        self._routes_by_endpoint: dict[int, PathTemplate] = {}
        self._routes_by_name: dict[str, PathTemplate] = {}
        self._middleware: list[tuple[Callable[..., ASGIApp], dict[str, Any]]] = []
        self._stack: ASGIApp | None = None
        self._client: TestClient | None = None
        self.layers: LayerOptions | None = None  # the optional layers, checked here, once
        if cors or enable_hsts or allowed_hosts or request_id:
            from .layers import LayerOptions

            self.layers = LayerOptions.from_settings(
                cors=cors,
                cors_params=cors_params,
                enable_hsts=enable_hsts,
                allowed_hosts=allowed_hosts,
                request_id=request_id,
            )
        self._templates: Templates | None = None
        self.static_app = StaticFiles([static_dir] if static_dir else [], media=self.media)
        if static_route:
            self.mount(static_route, self.static_app)
        if openapi or docs_route:
            self._add_docs_routes()

    @property
    def debug(self) -> bool:
        """Whether 500 responses carry the traceback (and logs are verbose)."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = value
        self.app.debug = value

    # -- ASGI -------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        stack = self._stack
        if stack is None:
            stack = self._build_stack()
        await stack(scope, receive, send)

    def mount(self, prefix: str, app: Any) -> None:
        """Serve another ASGI or WSGI app (Flask, Django, …) under ``prefix``.

        The prefix matches on segment boundaries: ``/flask`` serves ``/flask``
        and ``/flask/...``, not ``/flasky``. As the ASGI spec says (and
        Starlette's ``Mount`` does), the app gets the whole ``path`` and the
        prefix added to ``root_path`` (``SCRIPT_NAME`` for WSGI apps), so it
        routes on the rest and the URLs it builds keep the prefix.
        """
        if not prefix.startswith("/") or prefix == "/":
            raise ValueError(f"A mount prefix must start with '/' and not be '/': {prefix!r}.")
        prefix = prefix.rstrip("/")
        if not is_async_callable(app):
            from a2wsgi import WSGIMiddleware

            app = WSGIMiddleware(app)
        if self.gzip:  # compressed like the views' responses, by the same rules
            app = GZipLayer(app)
        self.app.mounts.append((prefix, prefix + "/", app))
        # Longest prefix first, so /api/v2 wins over /api.
        self.app.mounts.sort(key=lambda mount: len(mount[0]), reverse=True)

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
        if self.layers is not None:
            from .layers import wrap

            app = wrap(app, self.layers, self.media)
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

    # -- routes -------------------------------------------------------------------

    def route(self, path: str | None = None, **options: Any) -> Callable[[E], E]:
        """Decorate a function view or a resource class to answer ``path``.

        Takes the options of :meth:`add_route`. ``@api.route(before_request=True)``
        registers a global before hook instead (as in Responder 3.3).
        """

        def decorator(endpoint: E) -> E:
            self.add_route(path, endpoint, **options)
            return endpoint

        return decorator

    def add_route(
        self,
        path: str | None = None,
        endpoint: Any = None,
        *,
        methods: list[str] | None = None,
        websocket: bool = False,
        before_request: bool = False,
        check_existing: bool = True,
        request_model: Any = None,
        response_model: Any = None,
        static: bool = False,
        include_in_schema: bool = True,
        tags: list[str] | None = None,
        summary: str | None = None,
        deprecated: bool = False,
        responses: dict[Any, Any] | None = None,
        params_model: Any = None,
        dependencies: list[Any] | None = None,
    ) -> Any:
        """Route ``path`` to ``endpoint``: a function, a resource class or a resource instance.

        ``tags``, ``summary``, ``deprecated`` and ``responses`` go to the route's OpenAPI
        operations; ``params_model`` checks the query string, ``dependencies`` guard the route.
        The Responder 3.3 flags forward to their own entry points: ``websocket=True`` to
        :meth:`add_websocket_route`, ``static=True`` to :meth:`add_spa`,
        ``before_request=True`` to :meth:`before_request`.

        Returns:
            The resource object (the instance, for a class).

        Raises:
            ValueError: the path is taken (``check_existing=False`` shares it by method).
            TypeError: the endpoint cannot answer requests, or a parameter has no source.
        """
        if before_request:
            return self.before_request(websocket=websocket)(endpoint)
        if static:
            return self.add_spa(path or "/")
        if _is_graphene_schema(endpoint):  # 3.3 routed a bare schema; api.graphql says it
            endpoint = self._graphql_view(endpoint)
        if websocket:
            return self.add_websocket_route(_required(path), endpoint, dependencies=dependencies)
        spec = RouteSpec(
            path=_required(path),
            methods=tuple(m.upper() for m in methods) if methods is not None else None,
            name=getattr(endpoint, "__name__", None),
            request_model=request_model,
            response_model=response_model,
            tags=tuple(tags or ()),
            summary=summary,
            deprecated=deprecated,
            responses=dict(responses or {}),
            include_in_schema=include_in_schema,
            # A function view with no methods= answers everything; its docs say what it means.
            all_methods=methods is None and not is_resource(endpoint),
            params_model=params_model,
            dependencies=as_depends(dependencies),
        )
        return self._add_http_route(spec, endpoint, check_existing)

    def _add_http_route(self, spec: RouteSpec, endpoint: Any, check_existing: bool) -> Any:
        """Add ``endpoint`` as ``spec`` describes it, to a new route or one it may share."""
        template = PathTemplate(spec.path, self._convertors)
        existing = self._existing_route(template, check_existing)
        route = existing or Route(template)
        checks = route_checks(spec)
        inputs = self.route_inputs(template, (*self.api_dependencies, *spec.dependencies))
        resource = route.add(endpoint, spec, checks, inputs)  # may raise: nothing registered
        self.routes_version += 1
        if existing is None:
            self.router.add(template, route)
        self._remember(endpoint, resource, template)
        return resource

    def add_websocket_route(self, path: str, endpoint: Any, *, dependencies: Deps = None) -> Any:
        """Route WebSocket connections to ``path`` to ``async def endpoint(ws, **params)``.

        Returns:
            The endpoint, unchanged.

        Raises:
            TypeError: the endpoint is not a coroutine function, or its keywords
                do not match the route's parameters.
        """
        template = PathTemplate(path, self._convertors)
        inputs = self.route_inputs(template, as_depends(dependencies), websocket=True)
        run = adapt_websocket(endpoint, template.param_names, path, inputs)  # may raise
        self.websocket_router.add(template, run)
        self._remember(endpoint, endpoint, template)
        return endpoint

    def _remember(self, endpoint: Any, resource: Any, template: PathTemplate) -> None:
        """Let url_for find ``template`` by endpoint, resource or name (the first one wins)."""
        for key in (endpoint, resource):
            self._routes_by_endpoint.setdefault(id(key), template)
        name = getattr(endpoint, "__name__", None)
        if name:
            self._routes_by_name.setdefault(name, template)

    def _existing_route(self, template: PathTemplate, check_existing: bool) -> Route | None:
        """The route already at an equivalent path, if sharing it is allowed.

        Raises:
            ValueError: the path is taken and ``check_existing`` is on, or the
                shared path names its parameters differently.
        """
        existing = self.router.get(template)
        if existing is None:
            return None
        path = template.template
        if check_existing:
            raise ValueError(
                f"Route {path!r} already exists (as {existing.path!r}); pass "
                "check_existing=False to add handlers for other methods."
            )
        if existing.template.param_names != template.param_names:
            raise ValueError(
                f"Route {path!r} shares {existing.path!r} but names its parameters "
                "differently; use the same names."
            )
        return existing

    def schema(self, name: str) -> Callable[[E], E]:
        """Decorate a marshmallow schema or pydantic model to list it in the OpenAPI components."""

        def decorator(model: E) -> E:
            self.schemas[name] = model
            self.routes_version += 1
            return model

        return decorator

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

        return GraphQLView(schema=schema, assets_url=self.docs_assets_url, **options)

    def _add_docs_routes(self) -> None:
        """Add the schema routes and, if configured, the docs page; ``docs`` makes them."""
        # Imported here so that apps without docs never load apispec.
        from .docs.routes import docs_routes

        routes = docs_routes(
            self,
            openapi_route=self.openapi_route,
            docs_route=self.docs_route,
            theme=self.openapi_theme,
            title=self.title,
            assets_url=self.docs_assets_url,
        )
        for path, view in routes:
            self.add_route(path, view, methods=["GET"], include_in_schema=False)

    def add_spa(self, path: str = "/") -> Any:
        """Serve ``index.html`` of the static directory at ``path`` and for unknown pages.

        The single-page-app setup; ``add_route(path, static=True)`` is the same.
        Paths under the API's ``spa_exclude`` prefixes still get their 404.
        """
        view = spa_view(self.static_app)
        self.add_route(path, view, methods=["GET"], include_in_schema=False)
        self.app.spa_fallback = view
        return view

    def group(self, prefix: str, *, dependencies: list[Any] | None = None) -> RouteGroup:
        """A router whose routes all live under ``prefix`` (e.g. ``"/v1"``), with its guards."""
        return RouteGroup(self, prefix, as_depends(dependencies))

    def url_for(self, endpoint: Any, **params: Any) -> str:
        """The path of ``endpoint`` (a view, class, instance or view name), params filled in.

        Raises:
            ValueError: the endpoint is not routed, or a value would not route back.
            KeyError: a path parameter is missing.
        """
        template = (
            self._routes_by_name.get(endpoint)
            if isinstance(endpoint, str)
            else self._routes_by_endpoint.get(id(endpoint))
        )
        if template is None:
            raise ValueError(f"{endpoint!r} is not routed on this API.")
        return template.format(params)


def _required(path: str | None) -> str:
    """The route's path, or a clear error when a registration forgot it."""
    if path is None:
        raise TypeError("A route needs a path.")
    return path


def _is_graphene_schema(obj: Any) -> bool:
    return type(obj).__module__.startswith("graphene") and hasattr(obj, "graphql_schema")
