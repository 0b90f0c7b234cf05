"""The API object: configuration and registration, and the ASGI entry point.

``API`` holds no per-request logic. It records routes, hooks and handlers,
and on the first connection builds the middleware stack around the request
pipeline in :mod:`responder.app`, once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from . import status_codes
from ._api_builtins import BuiltinRoutes
from ._api_helpers import (
    HookRegistration,
    OptionField,
    RouteGroup,
    ServingHelpers,
    VerbRoutes,
    ViewHelpers,
    csrf_options,
)
from ._api_inputs import DependencyRegistration, Deps, as_depends, route_checks
from ._api_routers import RouterInclusion
from ._api_stack import Stack
from ._api_stores import Broadcasting, checked_stores, stored_sessions
from .app import App, ExceptionHandlers, Hooks
from .background import DEFAULT_BACKGROUND_QUEUE_SIZE, DEFAULT_BACKGROUND_THREADS, BackgroundQueue
from .docs.options import DocsOptions
from .health import Health, HealthOptions, HealthRegistration
from .layers import LayerOptions
from .lifespan import Lifespan
from .media import MediaRegistry
from .observability import Observability, ObservabilityRegistration
from .request import DEFAULT_MAX_REQUEST_SIZE
from .resources import Route, RouteSpec
from .resources import Router as PathRouter
from .resources.adapters import is_resource
from .resources.auth import NOT_GIVEN, check_auth, choose_auth
from .resources.convertors import DEFAULT_MAX_NUMBER_LENGTH
from .resources.spec import RouteOptions
from .resources.table import RouteTable, WebSocketRun
from .resources.timeouts import check_timeout
from .sessions import DEFAULT_SESSION_MAX_AGE, SessionOptions, SessionSettings
from .types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from os import PathLike

    from typing_extensions import Unpack

    from .broadcast import Broadcast
    from .csrf import CSRF
    from .session_stores import SessionStore
    from .task_options import TaskBackend
    from .templates import Templates
    from .testing import TestClient

__all__ = ["API", "RouteGroup"]

E = TypeVar("E")


class API(
    Stack,
    BuiltinRoutes,
    VerbRoutes,
    RouterInclusion,
    ViewHelpers,
    ServingHelpers,
    HookRegistration,
    DependencyRegistration,
    SessionSettings,
    HealthRegistration,
    ObservabilityRegistration,
    Broadcasting,
):
    """A Responder application; itself an ASGI app.

    Templates, redirects, serving and the test clients come from the mixins
    in :mod:`responder._api_helpers`; the session codec from
    :class:`responder.sessions.SessionSettings`.

    Args:
        debug: show tracebacks in 500 responses.
        title: the OpenAPI ``info.title`` of the generated schema.
        version: its ``info.version``.
        description: its ``info.description``.
        terms_of_service: its ``info.termsOfService``.
        contact: its ``info.contact``.
        license: its ``info.license``.
        openapi: the OpenAPI version to generate (e.g. ``"3.0.2"``).
        openapi_route: where the schema is served.
        openapi_theme: the interactive docs page's UI.
        docs_route: where the interactive docs page is served.
        static_dir: the directory of static files.
        static_route: the path they are served under.
        templates_dir: the directory of Jinja2 templates.
        auto_escape: escape HTML in templates.
        secret_key: signs session cookies.
        session_cookie: the session cookie's name.
        session_max_age: its lifetime in seconds.
        session_https_only: its Secure flag (None: on with ``enable_hsts``).
        session_same_site: its SameSite attribute (see docs/web.md).
        sessions: a server-side session store (``MemorySessions()``,
            ``RedisSessions(url)``): the cookie then carries a signed id only,
            and sessions can be revoked (see docs/web.md). None: signed cookies.
        broadcast: what ``api.broadcast`` is: ``Broadcast("redis://...")`` to
            fan out across processes; an in-memory one by default.
        websocket_idle_timeout: close WebSockets silent for this many seconds.
        enable_hsts: redirect HTTP to HTTPS and send HSTS (an optional layer,
            present only when configured, as are the next four; see ``responder.layers``).
        cors: answer cross-origin requests.
        cors_params: the CORS settings.
        allowed_hosts: the ``Host`` values accepted (trusted hosts).
        request_id: give every request an ID, echoed in a response header.
        gzip: compress responses of 500 bytes or more for clients that accept
            gzip, mounted apps and static files included (on by default;
            see ``responder.layers.compression``). Read when the API is created.
        lifespan: an async context manager factory ``lifespan(api)`` run
            around the server's life.
        background_threads: the threads of background work's own pool.
        background_queue_size: how many background jobs may wait.
        tasks: a job queue (``responder.tasks.Queue("redis://...")``) that
            ``@api.background.task`` functions go to, run by ``responder worker``.
        max_request_size: the largest request body accepted, in bytes (413 beyond).
        strict_negotiation: answer 406 when no format fits ``Accept``,
            instead of falling back to JSON.
        docs_assets_url: where the docs page loads its UI from: a template
            with ``{package}`` and ``{version}`` (a CDN by default).
        docs_assets: a ``node_modules`` directory to serve the docs page's
            (and GraphiQL's) files from, at ``/docs-assets`` (docs/openapi.md).
        spa_exclude: path prefixes the SPA fallback never answers (``["/api"]``).
        max_number_param_length: the most characters of an int/float route parameter.
        redirect_slashes: answer ``/users/`` with a 307 to ``/users`` when only
            that is routed (and the other way round); False: strict matching.
        dependencies: ``Depends(...)`` guards run before every HTTP route's own.
        auth: the scheme (``responder.ext.auth``) guarding every HTTP route that
            (nor whose router) says otherwise; ``auth=None`` on a route opts out.
        auto_etag: give every 200 to GET or HEAD with a body in hand an ``ETag``
            hashed from it, so repeat requests get 304 (see docs/caching.md).
        request_timeout: seconds a route's handlers have before the client gets
            a 504 (``timeout=`` on a route overrides it; see docs/operations.md).
        security_headers: True for ``nosniff``, ``X-Frame-Options: DENY`` and a
            ``Referrer-Policy``; a mapping of header → value, True (our default,
            e.g. a Content-Security-Policy) or None to choose.
        health_route: the health route (see ``responder.health``).
        ready_route: the readiness route (its checks: ``api.add_health_check``).
        shutdown_delay: seconds to keep serving after a stop signal, with
            readiness at 503.
        csrf: True or a ``responder.CSRF(...)``: unsafe requests carrying the
            session cookie need a token and a same-site origin (docs/security.md).
        metrics_route: serve Prometheus metrics at this path (see
            ``responder.observability``).
        enable_logging: one access line per request, and request fields on log
            records (``api.log``); turns ``request_id`` on.
        log_format: those lines as ``"text"`` or ``"json"``.
        log_batch: write the access lines of requests that end in the same turn
            of the event loop together, at the end of that turn: cheaper under
            load, but a line may appear just after its response (see
            docs/observability.md).
    """

    status_codes = status_codes
    _stack: ASGIApp | None = None  # built on the first connection
    _client: TestClient | None = None
    _templates: Templates | None = None
    schemas: dict[str, Any]  # name → model, listed in the OpenAPI components

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
        sessions: SessionStore | None = None,
        broadcast: Broadcast | None = None,
        background_threads: int = DEFAULT_BACKGROUND_THREADS,
        background_queue_size: int = DEFAULT_BACKGROUND_QUEUE_SIZE,
        websocket_idle_timeout: float | None = None,
        max_request_size: int = DEFAULT_MAX_REQUEST_SIZE,
        strict_negotiation: bool = False,
        docs_assets_url: str | None = None,
        docs_assets: str | PathLike[str] | None = None,
        spa_exclude: list[str] | None = None,
        max_number_param_length: int = DEFAULT_MAX_NUMBER_LENGTH,
        redirect_slashes: bool = True,
        dependencies: list[Any] | None = None,
        auto_etag: bool = False,
        request_timeout: float | None = None,
        security_headers: bool | dict[str, Any] | None = None,
        health_route: str | None = None,
        ready_route: str | None = None,
        shutdown_delay: float = 0.0,
        csrf: bool | CSRF | None = None,
        auth: Any = None,
        tasks: TaskBackend | None = None,
        metrics_route: str | None = None,
        enable_logging: bool = False,
        log_format: str = "text",
        log_batch: bool = False,
    ) -> None:
        self._debug = debug
        # Each component gets its own settings, checked here, once (see ARCHITECTURE.md).
        self.docs_options = DocsOptions(
            openapi_version=openapi,
            openapi_route=openapi_route,
            docs_route=docs_route,
            theme=openapi_theme,
            assets_url=docs_assets_url,
            assets_dir=None if docs_assets is None else str(docs_assets),
            title=title,
            version=version,
            description=description,
            terms_of_service=terms_of_service,
            contact=contact,
            license=license,
        )
        https_only = enable_hsts if session_https_only is None else session_https_only
        self.session_options = SessionOptions(  # the fields in order: key, name, age, ...
            secret_key, session_cookie, session_max_age, https_only, session_same_site
        )
        request_ids = request_id or enable_logging  # access lines name their request
        self.layers = LayerOptions.from_settings(  # the same keywords, in order
            cors, cors_params, enable_hsts, allowed_hosts, request_ids, security_headers
        )
        self.request_timeout = check_timeout(request_timeout, "request_timeout")
        self.csrf = csrf_options(csrf)
        self.health = Health(HealthOptions(health_route, ready_route, shutdown_delay))
        self.observability = Observability.of(metrics_route, enable_logging, log_format, log_batch)
        self.static_dir, self.static_route, self.gzip = static_dir, static_route, gzip
        self.templates_dir, self.auto_escape, self.schemas = templates_dir, auto_escape, {}
        self.routes = RouteTable(max_number_param_length)
        self.media, self.hooks = MediaRegistry(), Hooks()
        self.exception_handlers = ExceptionHandlers()
        self.background = BackgroundQueue(background_threads, background_queue_size, tasks)
        self.lifespan = Lifespan(self, lifespan, self.background)
        self.session_store, self._broadcast = checked_stores(sessions, broadcast)
        self.lifespan.manage(sessions, broadcast)  # their connections live with the app
        self._setup_dependencies(dependencies, auth)
        self.app = App(
            router=self.routes.router,
            websocket_router=self.routes.websocket_router,
            media=self.media,
            hooks=self.hooks,
            exception_handlers=self.exception_handlers,
            lifespan=self.lifespan,
            debug=debug,
            max_request_size=max_request_size,
            strict_negotiation=strict_negotiation,
            sessions=self._sessions,
            stored_sessions=stored_sessions(self),
            websocket_idle_timeout=websocket_idle_timeout,
            gzip=gzip,
            spa_exclude=spa_exclude or (),
            redirect_slashes=redirect_slashes,
            auto_etag=auto_etag,
        )
        self._middleware: list[tuple[Callable[..., ASGIApp], dict[str, Any]]] = []
        self._add_builtin_routes()

    # The 3.3 attributes, read-only views of the options they now live in.
    title = OptionField[str | None]("docs_options", "title")
    version = OptionField[str | None]("docs_options", "version")
    description = OptionField[str | None]("docs_options", "description")
    openapi_version = OptionField[str | None]("docs_options", "openapi_version")
    openapi_route = OptionField[str]("docs_options", "openapi_route")
    docs_route = OptionField[str | None]("docs_options", "docs_route")
    docs_assets_url = OptionField[str | None]("docs_options", "assets_url")

    @property
    def router(self) -> PathRouter[Route]:
        """The HTTP routes (read by the pipeline and the OpenAPI generator)."""
        return self.routes.router

    @property
    def websocket_router(self) -> PathRouter[WebSocketRun]:
        """The WebSocket routes."""
        return self.routes.websocket_router

    @property
    def routes_version(self) -> int:
        """Bumped whenever routes or schemas change, so generated documents know to rebuild."""
        return self.routes.version

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

    # -- routes -------------------------------------------------------------------

    def route(self, path: str | None = None, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
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
        name: str | None = None,
        websocket: bool = False,
        before_request: bool = False,
        check_existing: bool = True,
        request_model: Any = None,
        response_model: Any = None,
        status_code: int | None = None,
        static: bool = False,
        include_in_schema: bool = True,
        tags: list[str] | None = None,
        summary: str | None = None,
        description: str | None = None,
        operation_id: str | None = None,
        deprecated: bool = False,
        responses: dict[Any, Any] | None = None,
        params_model: Any = None,
        dependencies: list[Any] | None = None,
        timeout: float | bool | None = None,
        auth: Any = NOT_GIVEN,
        sync_to_thread: bool = True,
    ) -> Any:
        """Route ``path`` to ``endpoint``: a function, a resource class or a resource instance.

        The keywords are :class:`~responder.resources.spec.RouteOptions` (what each
        means: :class:`~responder.resources.spec.RouteSpec`). The 3.3 flags forward:
        ``websocket=True`` to :meth:`add_websocket_route`, ``static=True`` to
        :meth:`add_spa`, ``before_request=True`` to :meth:`before_request`.

        Returns:
            The resource object (the instance, for a class).

        Raises:
            ValueError: the path or a given name is taken (``check_existing=False``
                shares a path by method).
            TypeError: the endpoint cannot answer requests, or a parameter has no source.
        """
        if before_request:
            return self.before_request(websocket=websocket)(endpoint)
        if static:
            return self.add_spa(path or "/")
        if _is_graphene_schema(endpoint):  # 3.3 routed a bare schema; api.graphql says it
            endpoint = self._graphql_view(endpoint)
        if websocket:
            return self.add_websocket_route(
                _required(path), endpoint, name=name, dependencies=dependencies
            )
        spec = RouteSpec(
            path=_required(path),
            methods=tuple(m.upper() for m in methods) if methods is not None else None,
            name=name or getattr(endpoint, "__name__", None),
            request_model=request_model,
            response_model=response_model,
            status_code=status_code,
            tags=tuple(tags or ()),
            summary=summary,
            description=description,
            operation_id=operation_id,
            deprecated=deprecated,
            responses=dict(responses or {}),
            include_in_schema=include_in_schema,
            # A function view with no methods= answers everything; its docs say what it means.
            all_methods=methods is None and not is_resource(endpoint),
            before=self._router_hooks,
            params_model=params_model,
            dependencies=as_depends(dependencies),
            timeout=self.request_timeout if timeout is None else check_timeout(timeout),
            csrf=self.csrf,
            auth=choose_auth(check_auth(auth, f"Route {path!r}:"), self.auth),
            sync_to_thread=sync_to_thread,
        )
        return self.routes.add_http(
            spec,
            endpoint,
            check_existing,
            named=name is not None,
            checks=route_checks(spec),
            inputs=lambda template: self.route_inputs(
                template, (*self.api_dependencies, *spec.dependencies), auth=spec.auth
            ),
        )

    def add_websocket_route(
        self, path: str, endpoint: Any, *, name: str | None = None, dependencies: Deps = None
    ) -> Any:
        """Route WebSocket connections to ``path`` to ``async def endpoint(ws, **params)``.

        ``name`` is what ``url_for(name)`` finds (the endpoint's ``__name__``
        when not given).

        Returns:
            The endpoint, unchanged.

        Raises:
            TypeError: the endpoint is not a coroutine function, or its keywords
                do not match the route's parameters.
        """
        return self.routes.add_websocket(
            path,
            endpoint,
            name,
            lambda template: self.route_inputs(template, as_depends(dependencies), websocket=True),
        )

    def schema(self, name: str) -> Callable[[E], E]:
        """Decorate a marshmallow schema or pydantic model to list it in the OpenAPI components."""

        def decorator(model: E) -> E:
            self.schemas[name] = model
            self.routes.version += 1
            return model

        return decorator

    def group(self, prefix: str, *, dependencies: list[Any] | None = None) -> RouteGroup:
        """A router whose routes all live under ``prefix`` (e.g. ``"/v1"``), with its guards."""
        return RouteGroup(self, prefix, as_depends(dependencies))

    def url_for(self, endpoint: Any, **params: Any) -> str:
        """The path of ``endpoint`` (a view, class, instance or view name), params filled in.

        Raises:
            ValueError: the endpoint is not routed, or a value would not route back.
            KeyError: a path parameter is missing.
        """
        return self.routes.url_for(endpoint, params)


def _required(path: str | None) -> str:
    """The route's path, or a clear error when a registration forgot it."""
    if path is None:
        raise TypeError("A route needs a path.")
    return path


def _is_graphene_schema(obj: Any) -> bool:
    return type(obj).__module__.startswith("graphene") and hasattr(obj, "graphql_schema")
