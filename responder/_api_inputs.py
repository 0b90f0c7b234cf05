"""The API's dependency registration and overrides (a mixin of :class:`responder.API`).

Kept apart from ``api.py`` so that the API holds configuration and routes;
the machinery lives in :mod:`responder.dependencies` and :mod:`responder.params`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._lazy import on_first_call
from .dependencies import DependencyResolutionError, Depends, Injector, Node
from .lifespan import Lifespan
from .resources.auth import (
    AuthScheme,
    check_auth,
    check_requirements,
    choose_auth,
    principal_guard,
    principal_providers,
    required_scopes,
)
from .resources.hooks import Hook
from .resources.planned import Inputs, route_types
from .resources.routing import PathTemplate
from .resources.spec import RouteSpec

if TYPE_CHECKING:
    from .dependencies.overrides import OverridingApp
    from .resources.validation import checks_for
else:  # loaded by the first route with a request model
    checks_for = on_first_call("responder.resources.validation", "checks_for", globals())

__all__ = ["DependencyRegistration", "Deps", "as_depends", "route_checks"]

F = TypeVar("F", bound=Callable[..., Any])
#: A ``dependencies=`` argument: ``Depends(...)`` markers or bare providers.
Deps = list[Any] | None


def as_depends(items: Iterable[Any] | None) -> tuple[Depends, ...]:
    """A ``dependencies=[...]`` list as ``Depends`` markers (a bare provider is wrapped)."""
    return tuple(item if isinstance(item, Depends) else Depends(item) for item in items or ())


def route_checks(spec: RouteSpec) -> tuple[list[Hook], list[Hook]]:
    """The steps around a route's responders: query, request and response model checks."""
    checks: tuple[list[Hook], list[Hook]] = ([], [])
    if spec.request_model is not None:  # response models are per responder (resources.returns)
        checks = checks_for(spec.request_model)
    if spec.params_model is not None:
        from .params import params_check

        checks[0].insert(0, Hook(params_check(spec.params_model)))
    return checks


class DependencyRegistration:
    """``api.dependency``, ``api.add_dependency`` and ``api.dependency_overrides``."""

    injector: Injector
    #: The API's own ``dependencies=[...]``, run before every HTTP route's.
    api_dependencies: tuple[Depends, ...]
    #: The API's ``auth=``: the scheme of every HTTP route that names none.
    auth: AuthScheme | None
    lifespan: Lifespan
    media: Any

    def _setup_dependencies(self, dependencies: Iterable[Any] | None, auth: Any = None) -> None:
        """Make the API's injector (app-scoped values torn down at shutdown); check ``auth``."""
        self.auth = choose_auth(check_auth(auth, "API(...)"), None)
        self.injector = Injector(self.media)
        self.api_dependencies = as_depends(dependencies)
        if required_scopes(self.api_dependencies):  # the open routes would refuse everyone
            raise TypeError(
                "API(dependencies=[requires(...)]) would apply to open routes too (the docs, "
                "health checks, auth=None routes); use API(auth=Scheme(...).requires(...))."
            )
        self.lifespan.add("shutdown", self.injector.app_values.close)

    def dependency(self, name: str | None = None, *, scope: str = "request") -> Callable[[F], F]:
        """Decorate a provider to register it under ``name`` (its ``__name__`` by default).

        Views, resources and other providers then receive it by naming a
        parameter after it. ``scope="app"`` makes it once for the app's life
        (torn down at shutdown); ``"request"`` (the default) once per request.
        Register providers before the routes that name them.
        """

        def decorator(provider: F) -> F:
            self.add_dependency(name or provider.__name__, provider, scope=scope)
            return provider

        return decorator

    def add_dependency(
        self, name: str, provider: Callable[..., Any], *, scope: str = "request"
    ) -> None:
        """Register ``provider`` under ``name``, in ``scope`` (``"request"`` or ``"app"``).

        Raises:
            ValueError: the scope is unknown, or the name is taken.
            DependencyError: the provider's own parameters cannot be resolved.
        """
        self.injector.graph.register(name, provider, scope)
        self.injector.graph.node(provider)  # its errors here, not on the first request

    @contextlib.contextmanager
    def dependency_overrides(self, overrides: Mapping[Any, Any]) -> Iterator[None]:
        """Within the block, requests made from this thread or task use ``overrides``.

        Keys are providers (or registered names), values the providers to use
        instead; each is checked now. Other threads, tasks and clients are not
        affected.
        """
        from .dependencies.overrides import overriding  # only tests that override load it

        with overriding(self.injector.graph, overrides):
            yield

    def with_overrides(self, overrides: Mapping[Any, Any]) -> OverridingApp:
        """The API as an ASGI app whose every connection uses ``overrides`` (for one client)."""
        from .dependencies.overrides import OverridingApp

        return OverridingApp(self, self.injector.graph, overrides)  # type: ignore[arg-type]

    def route_inputs(
        self,
        template: PathTemplate,
        dependencies: Iterable[Depends],
        *,
        websocket: bool = False,
        auth: AuthScheme | None = None,
    ) -> Inputs:
        """What a route's responders need for typed parameters and its guards.

        The auth scheme, if any, is the first guard (so the others see
        ``req.state.user``), and gives the principal to ``user``,
        ``principal`` and ``auth`` parameters.

        Raises:
            DependencyError: a guard cannot be wired, or asks for what the
                route does not have (``req`` on a WebSocket route, ``ws`` on HTTP).
            TypeError: a ``requires(...)`` guard on a route without a scheme.
        """
        dependencies = tuple(dependencies)
        check_requirements(auth, dependencies, template.template)
        if auth is not None:
            first = auth.dependency if websocket else principal_guard(auth)
            dependencies = (Depends(first), *dependencies)
        guards = tuple(self._guard(item, template.template, websocket) for item in dependencies)
        return Inputs(route_types(template), self.injector, guards, principal_providers(auth))

    def _guard(self, item: Depends, path: str, websocket: bool) -> Node:
        node = self.injector.graph.node(item.provider)
        missing = sorted(node.needs - ({"ws"} if websocket else {"req", "resp"}))
        if missing:
            raise DependencyResolutionError(
                f"The dependency {node.name} of route {path!r} needs {', '.join(missing)}, "
                f"which a {'WebSocket' if websocket else 'HTTP'} route does not have."
            )
        return node
