"""What the core knows of authentication: which scheme guards a route, chosen at registration.

The schemes live in :mod:`responder.ext.auth`; the core sees each one only
through :class:`AuthScheme`: a provider (its ``dependency``) that runs as the
route's first guard and gives the principal, and what OpenAPI says of it.
``auth=`` is read on the route, the routers it is included through and the
API, the most specific given winning; ``auth=None`` opts out, so "not given"
is :data:`NOT_GIVEN`, never None.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..dependencies import Depends

if TYPE_CHECKING:
    from ..request import Request

__all__ = [
    "NOT_GIVEN",
    "PRINCIPAL_NAMES",
    "SCHEME_KEY",
    "AuthScheme",
    "check_auth",
    "check_requirements",
    "choose_auth",
    "principal_guard",
    "principal_providers",
    "required_scopes",
]


class _NotGiven:
    """The ``auth=`` of a level that said nothing (None means "no authentication")."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_GIVEN"


#: An ``auth=`` that was not given: the next level out decides.
NOT_GIVEN: Any = _NotGiven()

#: The view parameters that receive the principal on a route with a scheme.
PRINCIPAL_NAMES = ("user", "principal", "auth")
#: Where the scheme that authenticated a request is kept in its ASGI scope.
SCHEME_KEY = "responder.auth"

_NONE: Mapping[str, Any] = MappingProxyType({})


@runtime_checkable
class AuthScheme(Protocol):
    """An authentication scheme as routing and OpenAPI see it."""

    #: The provider ``(req) -> principal`` run as the route's first guard; it
    #: answers 401 (or 403) by raising.
    dependency: Callable[..., Any]
    #: The scopes the scheme itself requires (``scheme.requires(...)``).
    scopes: tuple[str, ...]

    def openapi(self) -> tuple[str, dict[str, Any]]:
        """The name of its entry in ``components.securitySchemes``, and the entry."""


def check_auth(value: Any, where: str) -> Any:
    """``value`` if it is an ``auth=`` a route can take (a scheme, None or not given).

    Raises:
        TypeError: anything else, such as the scheme's class instead of an instance.
    """
    if value is None or value is NOT_GIVEN or isinstance(value, AuthScheme):
        return value
    raise TypeError(
        f"{where} auth= takes a scheme from responder.ext.auth (e.g. BearerAuth(...)) "
        f"or None, not {value!r}."
    )


def choose_auth(route: Any, api: Any) -> Any:
    """The scheme of a route: its own ``auth=`` (its routers' applied), else the API's."""
    return api if route is NOT_GIVEN else route


def principal_guard(scheme: AuthScheme) -> Callable[[Request, Any], Awaitable[Any]]:
    """A route's first guard: the scheme's principal, recorded for the request.

    The principal comes from ``scheme.dependency`` as a sub-dependency, so
    an override of it in tests (``api.session(overrides={scheme.dependency:
    ...})``) still sets ``req.state.user`` and is what ``requires(...)``
    guards check.
    """
    from_scheme = Depends(scheme.dependency)

    async def record_principal(req: Request, principal: Any = from_scheme) -> Any:
        state = req.scope.setdefault("state", {})
        state["user"] = state["auth"] = principal
        req.scope[SCHEME_KEY] = scheme
        return principal

    record_principal.__qualname__ = f"{type(scheme).__name__}.record_principal"
    return record_principal


def principal_providers(scheme: AuthScheme | None) -> Mapping[str, Callable[..., Any]]:
    """The parameter names a route's views may take the principal by, and its provider."""
    if scheme is None:
        return _NONE
    return dict.fromkeys(PRINCIPAL_NAMES, scheme.dependency)


def required_scopes(dependencies: Iterable[Any]) -> tuple[str, ...]:
    """The scopes ``requires(...)`` guards among ``Depends`` markers ask for, in order."""
    found: dict[str, None] = {}
    for item in dependencies:
        found.update(dict.fromkeys(getattr(item.provider, "required_scopes", ())))
    return tuple(found)


def check_requirements(scheme: AuthScheme | None, dependencies: Iterable[Any], path: str) -> None:
    """Refuse a ``requires(...)`` guard on a route nothing authenticates.

    Raises:
        TypeError: the route has scope checks but ``auth`` is None.
    """
    if scheme is None and required_scopes(dependencies):
        raise TypeError(
            f"Route {path!r} requires scopes but has no auth=: give it (or its router, "
            "or the API) a scheme, or use auth=Scheme(...).requires(...)."
        )
