"""The API's route table: what is routed where, and how ``url_for`` finds it again.

One :class:`RouteTable` per API holds the HTTP and WebSocket routers, the
convertors its templates use, the index ``url_for`` reads, and a version
counter that generated documents (OpenAPI) watch. Everything here runs at
registration; the pipeline only reads the routers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..errors import RouteNotFoundError
from .adapters import Checks, adapt_websocket
from .convertors import make_convertors
from .planned import Inputs
from .route import Route
from .routing import PathTemplate, Router
from .spec import RouteSpec

__all__ = ["RouteTable", "WebSocketRun"]

#: A resolved WebSocket handler: ``await run(ws, params)``.
WebSocketRun = Callable[[Any, dict[str, Any]], Awaitable[None]]
#: What a route's responders need for typed parameters and guards, made from its template.
InputsFor = Callable[[PathTemplate], Inputs]


class RouteTable:
    """HTTP and WebSocket routes, added once each, and the way back from endpoint to path.

    Args:
        max_number_param_length: the most characters an ``int``/``float``
            route parameter may have.
    """

    def __init__(self, max_number_param_length: int) -> None:
        self.convertors = make_convertors(max_number_param_length)
        self.router: Router[Route] = Router()
        self.websocket_router: Router[WebSocketRun] = Router()
        #: Each WebSocket route's template, by ``id`` of its handler (what observers label).
        self.websocket_paths: dict[int, str] = {}
        #: Bumped whenever routes (or the API's schemas) change, so documents know to rebuild.
        self.version = 0
        # What url_for builds from: the first template an endpoint (or a name) was routed to.
        self._by_endpoint: dict[int, PathTemplate] = {}
        self._by_name: dict[str, PathTemplate] = {}
        #: operation_id= → the path it was given to: an OpenAPI document holds each once.
        self._operation_ids: dict[str, str] = {}

    def add_http(
        self,
        spec: RouteSpec,
        endpoint: Any,
        check_existing: bool,
        *,
        named: bool = False,
        checks: Checks = ((), ()),
        inputs: InputsFor | None = None,
    ) -> Any:
        """Add ``endpoint`` as ``spec`` describes it, to a new route or one it may share.

        ``named``: ``spec.name`` was given (``name=``, or a router's namespace),
        so it must not name another path already. ``checks`` run around each
        responder; ``inputs`` makes what typed parameters and guards need.

        Returns:
            The resource object (the class itself, for a class).

        Raises:
            ValueError: the path is taken (and sharing it was not allowed),
                the given name already names another path, or the
                ``operation_id`` was given to another registration.
            TypeError: the endpoint cannot answer requests or does not take
                the route's parameters; nothing is registered then.
        """
        template = PathTemplate(spec.path, self.convertors)
        if named and spec.name:
            self._check_name(spec.name, template)
        taken = self._operation_ids.get(spec.operation_id) if spec.operation_id else None
        if taken is not None:
            raise ValueError(
                f"operation_id {spec.operation_id!r} is already given to {taken!r}; "
                f"give {spec.path!r} another one (each is unique in the OpenAPI document)."
            )
        existing = self._existing(template, check_existing)
        route = existing or Route(template)
        made = inputs(template) if inputs is not None else None
        resource = route.add(endpoint, spec, checks, made)  # may raise: nothing registered
        self.version += 1
        if existing is None:
            self.router.add(template, route)
        if spec.operation_id:
            self._operation_ids[spec.operation_id] = spec.path
        self._remember(endpoint, resource, template, spec.name)
        return resource

    def add_websocket(
        self,
        path: str,
        endpoint: Any,
        name: str | None = None,
        inputs: InputsFor | None = None,
    ) -> Any:
        """Route WebSocket connections to ``path`` to ``endpoint``; returns it unchanged.

        Raises:
            TypeError: the endpoint is not a coroutine function, or its keywords
                do not match the route's parameters.
        """
        template = PathTemplate(path, self.convertors)
        made = inputs(template) if inputs is not None else None
        run = adapt_websocket(endpoint, template.param_names, path, made)  # may raise
        if name:
            self._check_name(name, template)
        self.websocket_router.add(template, run)
        self.websocket_paths[id(run)] = template.template
        self._remember(endpoint, endpoint, template, name or getattr(endpoint, "__name__", None))
        return endpoint

    def url_for(self, endpoint: Any, params: dict[str, Any]) -> str:
        """The path of ``endpoint`` (a view, class, instance or view name), params filled in.

        Raises:
            RouteNotFoundError: no route has that name or endpoint.
            ValueError: a value would not route back.
            KeyError: a path parameter is missing.
        """
        template = (
            self._by_name.get(endpoint)
            if isinstance(endpoint, str)
            else self._by_endpoint.get(id(endpoint))
        )
        if template is None:
            known = ", ".join(sorted(self._by_name)[:20]) or "none"
            raise RouteNotFoundError(
                f"{endpoint!r} is not routed on this API (route names: {known})."
            )
        return template.format(params)

    def _remember(
        self, endpoint: Any, resource: Any, template: PathTemplate, name: str | None
    ) -> None:
        """Let url_for find ``template`` by endpoint, resource or name (the first one wins)."""
        for key in (endpoint, resource):
            self._by_endpoint.setdefault(id(key), template)
        if name:
            self._by_name.setdefault(name, template)

    def _check_name(self, name: str, template: PathTemplate) -> None:
        """Refuse a given name that already names a different path."""
        taken = self._by_name.get(name)
        if taken is not None and taken.template != template.template:
            raise ValueError(
                f"Route name {name!r} already names {taken.template!r}; "
                f"give {template.template!r} another name."
            )

    def _existing(self, template: PathTemplate, check_existing: bool) -> Route | None:
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
