"""The API's hook registration, its helpers for views, and serving and testing it.

Mixins of :class:`responder.API`, kept apart so that ``api.py`` holds the
configuration and registration. Nothing here runs per request, except what a
view calls itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from .app import ExceptionHandlers, Hooks
from .lifespan import Lifespan

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .csrf import CSRF
    from .resources.spec import RouteOptions
    from .response import Response
    from .templates import Templates
    from .testing import TestClient

__all__ = [
    "HookRegistration",
    "OptionField",
    "RouteGroup",
    "ServingHelpers",
    "VerbRoutes",
    "ViewHelpers",
    "bind_address",
]

F = TypeVar("F", bound=Callable[..., Any])
E = TypeVar("E")
V = TypeVar("V")

DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 5042


class OptionField(Generic[V]):
    """A read-only attribute of the API showing one field of one of its options objects.

    ``api.title`` reads ``api.docs_options.title``: the options object is the
    one place the value lives, and setting the attribute says where to set it.
    """

    def __init__(self, options: str, name: str) -> None:
        self.options, self.name = options, name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> OptionField[V]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> V: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(getattr(obj, self.options), self.name)

    def __set__(self, obj: object, value: V) -> None:
        raise AttributeError(
            f"{self.name} is read-only here; pass it to API(...) "
            f"(it lives in api.{self.options}.{self.name})."
        )


class VerbRoutes:
    """``get``, ``post``, ``put``, ``patch`` and ``delete``: one route per method.

    ``@api.get("/items")`` is ``@api.route("/items", methods=["GET"])`` that may
    share its path with the other verbs, so no ``check_existing=False`` is
    needed; the same method twice on one path is still refused.
    """

    route: Callable[..., Any]  # API.route, RouteGroup.route or Router.route
    add_websocket_route: Callable[..., Any]

    def get(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        """Route GET (and HEAD) at ``path`` to the decorated view."""
        return self._verb("GET", path, options)

    def post(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        """Route POST at ``path`` to the decorated view."""
        return self._verb("POST", path, options)

    def put(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        """Route PUT at ``path`` to the decorated view."""
        return self._verb("PUT", path, options)

    def patch(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        """Route PATCH at ``path`` to the decorated view."""
        return self._verb("PATCH", path, options)

    def delete(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        """Route DELETE at ``path`` to the decorated view."""
        return self._verb("DELETE", path, options)

    def websocket_route(self, path: str, *, name: str | None = None) -> Callable[[E], E]:
        """Decorate ``async def handler(ws, **params)`` to answer WebSockets at ``path``."""

        def decorator(endpoint: E) -> E:
            self.add_websocket_route(path, endpoint, name=name)
            return endpoint

        return decorator

    def _verb(self, method: str, path: str, options: RouteOptions) -> Callable[[E], E]:
        if "methods" in options:
            raise TypeError(f"{method.lower()}() routes {method} only; use route(methods=...).")
        options.setdefault("check_existing", False)
        decorator: Callable[[E], E] = self.route(path, methods=[method], **options)
        return decorator


class RouteGroup(VerbRoutes):
    """Routes that share a path prefix (and guards); made by :meth:`API.group`."""

    def __init__(self, api: Any, prefix: str, dependencies: tuple[Any, ...] = ()) -> None:
        if not prefix.startswith("/"):
            raise ValueError(f"A group prefix must start with '/': {prefix!r}.")
        self.api = api
        self.prefix = prefix.rstrip("/")
        self.dependencies = dependencies

    def route(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        """Like :meth:`API.route`, under this group's prefix."""
        decorator: Callable[[E], E] = self.api.route(self.prefix + path, **self._with(options))
        return decorator

    def add_route(self, path: str, endpoint: Any = None, **options: Unpack[RouteOptions]) -> Any:
        """Like :meth:`API.add_route`, under this group's prefix."""
        return self.api.add_route(self.prefix + path, endpoint, **self._with(options))

    def add_websocket_route(self, path: str, endpoint: Any, *, name: str | None = None) -> Any:
        """Like :meth:`API.add_websocket_route`, under this group's prefix."""
        return self.api.add_websocket_route(self.prefix + path, endpoint, name=name)

    def group(self, prefix: str, *, dependencies: list[Any] | None = None) -> RouteGroup:
        """A nested group: ``api.group("/v1").group("/admin")``; guards add up, outer first."""
        inner = self._with({"dependencies": dependencies}).get("dependencies")
        return RouteGroup(self.api, self.prefix + prefix, tuple(inner or ()))

    def _with(self, options: RouteOptions) -> RouteOptions:
        """``options`` with this group's guards before the route's own."""
        if self.dependencies:
            options = {
                **options,
                "dependencies": [*self.dependencies, *(options.get("dependencies") or ())],
            }
        return options


class HookRegistration:
    """``before_request``, ``after_request``, ``exception_handler`` and ``on_event``."""

    hooks: Hooks
    exception_handlers: ExceptionHandlers
    lifespan: Lifespan

    def before_request(self, websocket: bool = False) -> Callable[[F], F]:
        """Decorate ``hook(req, resp)`` (or ``hook(ws)``) to run before every request.

        A hook that sets ``resp.status_code`` answers the request itself: the
        route's responder is skipped.
        """

        def decorator(func: F) -> F:
            target = self.hooks.websocket_before if websocket else self.hooks.before
            target.append(Hooks.entry(func))
            return func

        return decorator

    def after_request(self) -> Callable[[F], F]:
        """Decorate ``hook(req, resp)`` to run after every request, errors included."""

        def decorator(func: F) -> F:
            self.hooks.after.append(Hooks.entry(func))
            return func

        return decorator

    def exception_handler(self, exc_class: type[BaseException]) -> Callable[[F], F]:
        """Decorate ``handler(req, resp, exc)`` to answer ``exc_class`` and its subclasses."""

        def decorator(func: F) -> F:
            self.exception_handlers.add(exc_class, func)
            return func

        return decorator

    def on_event(self, event: str) -> Callable[[F], F]:
        """Decorate a function to run at ``"startup"`` or ``"shutdown"``.

        Raises:
            ValueError: ``event`` is neither.
        """
        Lifespan.check_event(event)  # when decorating, not when the function is given

        def decorator(func: F) -> F:
            self.lifespan.add(event, func)
            return func

        return decorator

    def add_event_handler(self, event: str, func: Callable[[], Any]) -> None:
        """Run ``func`` at ``"startup"`` or ``"shutdown"``."""
        self.lifespan.add(event, func)


class ViewHelpers:
    """``api.template``, ``api.template_string`` and ``api.redirect``."""

    templates_dir: str
    auto_escape: bool
    _templates: Templates | None

    @property
    def templates(self) -> Templates:
        """The Jinja2 templates of ``templates_dir``.

        Every template sees ``api``, and ``csrf_token()`` and ``csrf_input()``
        (for an API with ``csrf=``, see docs/security.md).
        """
        if self._templates is None:
            from .csrf import TEMPLATE_GLOBALS  # csrf_token() and csrf_input()
            from .templates import Templates  # loaded with an API's first template

            self._templates = Templates(
                self.templates_dir,
                autoescape=self.auto_escape,
                context={"api": self, **TEMPLATE_GLOBALS},
            )
        return self._templates

    def template(
        self, name: str, context: Mapping[str, Any] | None = None, /, **values: Any
    ) -> str:
        """Render the template file ``name`` from ``templates_dir``.

        Values come as a mapping (``api.template("t.html", {"a": 1})``), as
        keywords, or both; a keyword wins over the same name in the mapping.
        """
        return self.templates.render(name, context, **values)

    def template_string(
        self, source: str, context: Mapping[str, Any] | None = None, /, **values: Any
    ) -> str:
        """Render a template given as a string (autoescaped like the files), values as above."""
        return self.templates.render_string(source, context, **values)

    @staticmethod
    def redirect(
        resp: Response, location: str, *, set_text: bool = True, status_code: int = 301
    ) -> None:
        """Redirect the client to ``location`` (301 by default).

        With ``set_text`` (the default, as in Responder 3.3) the body is a line of
        text that names ``location``, for clients that do not follow redirects;
        ``set_text=False`` leaves the body empty.
        """
        resp.redirect(location, status_code=status_code)
        if set_text:
            resp.text = f"Redirecting to {location}"


class ServingHelpers:
    """``api.run`` / ``api.serve`` (uvicorn, granian or hypercorn) and the test clients."""

    debug: bool
    _client: TestClient | None

    def serve(
        self,
        *,
        address: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        server: str = "uvicorn",
        **options: Any,
    ) -> None:
        """Serve with uvicorn (or granian, or hypercorn) on 127.0.0.1:5042 by default.

        Args:
            address: the interface to bind.
            port: the port to bind. When it is not given and the ``PORT``
                environment variable is set, serve on that port on all
                interfaces (0.0.0.0), as hosting platforms expect.
            debug: when given, sets ``api.debug`` first (tracebacks in 500
                responses); the server then logs at debug level too.
            server: ``"uvicorn"``, ``"granian"`` or ``"hypercorn"`` (the
                last two are extras: ``pip install "responder[granian]"``).
            **options: passed on to ``uvicorn.run`` (``log_level``, ``workers``…).
                Proxy headers (``X-Forwarded-For``, ``X-Forwarded-Proto``) are
                ignored unless ``proxy_headers=True`` or ``forwarded_allow_ips``
                (the proxies' addresses) is given: uvicorn's own default trusts
                them from 127.0.0.1, where any local client could claim any address.
                Under granian and hypercorn, ``log_level``, ``access_log``,
                ``proxy_headers``, ``forwarded_allow_ips`` and
                ``timeout_graceful_shutdown`` mean the same; any other option is
                that server's own (a ``granian.server.Server`` keyword, a
                ``hypercorn.config.Config`` attribute).

        Raises:
            ValueError: ``PORT`` is not a port number, the server is unknown,
                or it cannot honour an option (``workers``/``reload`` need
                ``responder run --server``).
            ImportError: the chosen server is not installed.
        """
        if debug is not None:
            self.debug = debug
        host, port = bind_address(address, port)
        options.setdefault("log_level", "debug" if self.debug else "info")
        if server != "uvicorn":
            self._serve_with(server, host, port, options)
            return
        import uvicorn

        options.setdefault("proxy_headers", options.get("forwarded_allow_ips") is not None)
        options.update(server_log_options(self, options))
        app: Any = self
        uvicorn.run(app, host=host, port=port, **options)

    def _serve_with(self, server: str, host: str, port: int, options: dict[str, Any]) -> None:
        """Serve with granian or hypercorn, the shared options put in their words."""
        import signal

        from . import servers

        trusted = servers.trusted_proxies(
            bool(options.pop("proxy_headers", False)), options.pop("forwarded_allow_ips", None)
        )
        settings = servers.ServeOptions(
            host=host,
            port=port,
            workers=options.pop("workers", 1),
            reload_dirs=() if options.pop("reload", False) else None,
            log_level=options.pop("log_level"),
            access_log=options.pop("access_log", self.observability.access_log is None),  # type: ignore[attr-defined]
            grace=options.pop("timeout_graceful_shutdown", None),
            trusted=trusted,
            shutdown_delay=self.health.options.shutdown_delay,  # type: ignore[attr-defined]
            extra=options,
        )
        if servers.serve(server, settings, app=self) == signal.SIGTERM:
            signal.raise_signal(signal.SIGTERM)  # end by it, as uvicorn does

    def run(
        self,
        *,
        address: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        server: str = "uvicorn",
        **options: Any,
    ) -> None:
        """Serve with uvicorn (or ``server=``); the same as :meth:`serve`."""
        self.serve(address=address, port=port, debug=debug, server=server, **options)

    def session(
        self,
        base_url: str = "http://;",
        *,
        overrides: Mapping[Any, Any] | None = None,
        **options: Any,
    ) -> TestClient:
        """A new in-process test client; ``with`` it to run startup and shutdown.

        ``overrides`` (``{provider: replacement}``) replace dependencies for
        this client's requests only (see ``docs/dependencies.md``).
        """
        from .testing import TestClient

        app: Any = self.with_overrides(overrides) if overrides else self  # type: ignore[attr-defined]
        return TestClient(app, base_url=base_url, **options)

    @property
    def requests(self) -> TestClient:
        """A shared in-process test client (Starlette's TestClient)."""
        if self._client is None:
            self._client = self.session()
        return self._client


def server_log_options(api: Any, given: Mapping[str, Any]) -> dict[str, Any]:
    """The uvicorn logging options for ``api``: with ``enable_logging``, ours replace its own.

    Our access line replaces uvicorn's, and uvicorn's other records go
    through the handler ``enable_logging`` set up (one format for every line).
    """
    if api.observability.access_log is None:
        return {}
    return {"access_log": given.get("access_log", False), "log_config": given.get("log_config")}


def bind_address(address: str | None, port: int | None) -> tuple[str, int]:
    """Where to serve: 127.0.0.1:5042 unless told; ``PORT`` (on 0.0.0.0) when no port is given.

    Shared by ``api.run`` and ``responder run``; ``port=0`` asks for any free port.

    Raises:
        ValueError: ``PORT`` is set but is not a port number.
    """
    env_port = os.environ.get("PORT")
    if port is None and env_port:
        port = _port_from_env(env_port)
        address = address or "0.0.0.0"  # noqa: S104 - what PORT-setting platforms require
    return address or DEFAULT_ADDRESS, DEFAULT_PORT if port is None else port


def _port_from_env(value: str) -> int:
    """The ``PORT`` environment variable as a port number, or a clear error."""
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 < port <= 65535:
        raise ValueError(f"The PORT environment variable is not a port number: {value!r}.")
    return port


def csrf_options(setting: bool | CSRF | None) -> CSRF | None:
    """``API(csrf=...)`` as ``CSRF.from_setting`` reads it; the CSRF module loads only when on."""
    if setting is None or setting is False:  # off, as from_setting says, without importing it
        return None
    from .csrf import CSRF

    return CSRF.from_setting(setting)
