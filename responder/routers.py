"""Routers: routes declared in one module and included into the API elsewhere.

A :class:`Router` records what its decorators say and does nothing else; the
routes exist once ``api.include_router(router, prefix=...)`` adds them, with
the prefixes composed, the tags merged, the names namespaced (``users:detail``)
and the router's own before hooks run only for its routes. A router may be
included more than once (at two prefixes, say) and may include other routers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ._api_helpers import VerbRoutes
from .errors import RouteNotFoundError
from .resources.auth import NOT_GIVEN, check_auth
from .resources.hooks import Hook

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .resources.spec import RouteOptions

__all__ = [
    "Include",
    "RouteNotFoundError",
    "Router",
    "RouterEntry",
    "add_routes_of",
    "route_name",
    "with_context",
]

E = TypeVar("E")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Include:
    """What one inclusion adds around a router's routes (outermost first when nested)."""

    prefix: str = ""
    tags: tuple[str, ...] = ()
    name: str | None = None
    hooks: tuple[Hook, ...] = ()
    dependencies: tuple[Any, ...] = ()
    auth: Any = NOT_GIVEN

    def around(self, inner: Include) -> Include:
        """Wrap ``inner`` in this inclusion: prefixes and names compose, tags merge.

        Hooks and dependencies concatenate, this inclusion's first; the
        inner ``auth`` wins when it was given.
        """
        names = [n for n in (self.name, inner.name) if n]
        return Include(
            prefix=self.prefix + inner.prefix,
            tags=tuple(dict.fromkeys((*self.tags, *inner.tags))),
            name=":".join(names) or None,
            hooks=(*self.hooks, *inner.hooks),
            dependencies=(*self.dependencies, *inner.dependencies),
            auth=self.auth if inner.auth is NOT_GIVEN else inner.auth,
        )


@dataclass(frozen=True)
class RouterEntry:
    """One registration a router recorded: an HTTP route or a WebSocket route."""

    path: str
    endpoint: Any
    options: dict[str, Any] = field(default_factory=dict)
    websocket: bool = False


def _prefix(prefix: str, what: str) -> str:
    if prefix and not prefix.startswith("/"):
        raise ValueError(f"A {what} prefix must start with '/': {prefix!r}.")
    return prefix.rstrip("/")


class Router(VerbRoutes):
    """Routes (and before hooks) to include into an API, under a prefix.

    Args:
        prefix: put before every path of the router (``"/users"``).
        tags: OpenAPI tags added to every route of the router.
        dependencies: ``Depends(...)`` guards run before each of the router's
            HTTP routes' own (after the API's and any outer router's).
        before_request: hooks ``hook(req, resp)`` run before each of the
            router's HTTP routes (and only those), after the API's own before
            hooks; one that sets ``resp.status_code`` answers the request.
        name: namespaces the router's route names: a route named ``detail``
            in a router named ``users`` is ``url_for("users:detail")``.
        auth: the scheme (``responder.ext.auth``) guarding its HTTP routes,
            unless a route says otherwise; None opts them out of the API's.
    """

    def __init__(
        self,
        prefix: str = "",
        *,
        tags: Sequence[str] = (),
        dependencies: Sequence[Any] = (),
        before_request: Sequence[Callable[..., Any]] = (),
        name: str | None = None,
        auth: Any = NOT_GIVEN,
    ) -> None:
        self.prefix = _prefix(prefix, "router")
        self.tags = tuple(tags)
        self.dependencies = tuple(dependencies)
        self.name = name
        self.auth = check_auth(auth, "Router(...)")
        self.hooks: list[Hook] = [Hook(hook) for hook in before_request]
        self.entries: list[RouterEntry | tuple[Router, Include]] = []

    def route(self, path: str, **options: Unpack[RouteOptions]) -> Callable[[E], E]:
        """Decorate a view or resource class, as :meth:`API.route` does."""

        def decorator(endpoint: E) -> E:
            self.add_route(path, endpoint, **options)
            return endpoint

        return decorator

    def add_route(self, path: str, endpoint: Any, **options: Unpack[RouteOptions]) -> None:
        """Record a route, as :meth:`API.add_route` would add it; added on inclusion."""
        if options.get("before_request") or options.get("static"):
            raise TypeError(
                "A router records routes only: use router.before_request() for hooks, "
                "and api.add_spa() for a single-page app."
            )
        if options.get("websocket"):
            self.add_websocket_route(path, endpoint, name=options.get("name"))
            return
        self.entries.append(RouterEntry(path, endpoint, dict(options)))

    def add_websocket_route(self, path: str, endpoint: Any, *, name: str | None = None) -> None:
        """Record a WebSocket route; added on inclusion."""
        self.entries.append(RouterEntry(path, endpoint, {"name": name}, websocket=True))

    def before_request(self) -> Callable[[F], F]:
        """Decorate ``hook(req, resp)`` to run before each of this router's HTTP routes."""

        def decorator(func: F) -> F:
            self.hooks.append(Hook(func))
            return func

        return decorator

    def include_router(
        self,
        router: Router,
        *,
        prefix: str = "",
        tags: Sequence[str] = (),
        dependencies: Sequence[Any] = (),
        auth: Any = NOT_GIVEN,
    ) -> None:
        """Nest ``router`` under this one (its prefix after ``prefix``; tags merged).

        ``dependencies`` guard its routes, after this router's own; ``auth``
        guards those of its routes that (nor whose router) say otherwise.
        """
        if router is self:
            raise ValueError("A router cannot include itself.")
        include = Include(
            _prefix(prefix, "include"),
            tuple(tags),
            dependencies=tuple(dependencies),
            auth=check_auth(auth, "include_router(...)"),
        )
        self.entries.append((router, include))

    def walk(self, outer: Include) -> Iterator[tuple[RouterEntry, Include]]:
        """Every registration, nested routers included, with what surrounds it."""
        own = Include(
            self.prefix, self.tags, self.name, tuple(self.hooks), self.dependencies, self.auth
        )
        context = outer.around(own)
        for entry in self.entries:
            if isinstance(entry, RouterEntry):
                yield entry, context
            else:
                router, include = entry
                yield from router.walk(context.around(include))


def route_name(entry: RouterEntry, context: Include) -> str | None:
    """The entry's full name: its ``name=`` (or the endpoint's ``__name__``), namespaced."""
    own = entry.options.get("name") or getattr(entry.endpoint, "__name__", None)
    if not own:
        return None
    return f"{context.name}:{own}" if context.name else own


def with_context(entry: RouterEntry, context: Include) -> dict[str, Any]:
    """The entry's ``add_route`` options once its inclusion is applied."""
    options = dict(entry.options)
    tags = (*context.tags, *(options.get("tags") or ()))
    if tags:
        options["tags"] = list(dict.fromkeys(tags))
    options["name"] = route_name(entry, context)
    if context.dependencies:  # outermost first, the route's own last
        options["dependencies"] = [*context.dependencies, *(options.get("dependencies") or ())]
    if "auth" not in options and context.auth is not NOT_GIVEN:  # the route's own wins
        options["auth"] = context.auth
    return options


def add_routes_of(
    api: Any,
    router: Router,
    prefix: str,
    tags: Sequence[str],
    dependencies: Sequence[Any],
    name: str | None,
    auth: Any,
) -> None:
    """Add ``router``'s routes to ``api``: the work of :meth:`responder.API.include_router`."""
    outer = Include(
        prefix=_prefix(prefix, "include"),
        tags=tuple(tags),
        name=name,
        dependencies=tuple(dependencies),
        auth=check_auth(auth, "include_router(...)"),
    )
    for entry, context in router.walk(outer):
        path = context.prefix + entry.path
        if entry.websocket:
            api.add_websocket_route(path, entry.endpoint, name=route_name(entry, context))
            continue
        # API.add_route puts these hooks on the route's spec (RouteSpec.before).
        api._router_hooks = context.hooks
        try:
            api.add_route(path, entry.endpoint, **with_context(entry, context))
        finally:
            api._router_hooks = ()
