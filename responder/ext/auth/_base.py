"""What every scheme shares: the guard it runs, its challenges, scopes and ``requires``.

A scheme's :attr:`AuthScheme.dependency` is an ordinary provider: the route
runs it as its first guard (resolved at registration, like any
``dependencies=[...]``), and its value, the principal, is cached for the
request, so a view's ``user`` parameter costs nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..._concurrency import is_async_callable, run_sync
from ...dependencies import Depends
from ...errors import HTTPForbidden, HTTPUnauthorized
from ...resources.auth import SCHEME_KEY

if TYPE_CHECKING:
    from ...request import Request

__all__ = ["SCHEME_KEY", "AuthScheme", "Scoped", "requires", "scopes_of"]

#: RFC 6750 scope-token characters (NQCHAR), one or more.
_SCOPE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
#: What an auth-param's quoted value may hold here: printable ASCII, no quote or backslash.
_QUOTABLE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")


def quotable(value: str, what: str) -> str:
    """``value`` if it can go in a challenge's quoted string as it is.

    Raises:
        ValueError: it holds a quote, a backslash, a control or a non-ASCII character.
    """
    if not isinstance(value, str) or not _QUOTABLE.fullmatch(value):
        raise ValueError(
            f"{what} must be printable ASCII without quotes or backslashes, not {value!r}."
        )
    return value


def check_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """The scopes, each checked (RFC 6750: no spaces, quotes or backslashes).

    Raises:
        ValueError: a scope is empty or has a character a scope cannot have.
    """
    found = tuple(scopes)
    for scope in found:
        if not isinstance(scope, str) or not _SCOPE.fullmatch(scope):
            raise ValueError(f"A scope is a word without spaces or quotes, not {scope!r}.")
    if not found:
        raise ValueError("requires() needs at least one scope.")
    return found


def scopes_of(principal: Any) -> frozenset[str]:
    """The scopes a principal holds: ``scope`` (space-separated), ``scp`` or ``scopes``.

    Read from a mapping's keys (a JWT's claims) or an object's attributes;
    a list or a space-separated string, every other value ignored.
    """
    found: set[str] = set()
    for key in ("scope", "scp", "scopes"):
        if isinstance(principal, Mapping):
            value = principal.get(key)
        else:
            value = getattr(principal, key, None)
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, (list, tuple, set, frozenset)):
            found.update(item for item in value if isinstance(item, str))
    return frozenset(found)


def as_verifier(verify: Callable[..., Any], what: str) -> Callable[..., Awaitable[Any]]:
    """``verify`` as a coroutine function: awaited if async, else run in the thread pool."""
    if not callable(verify):
        raise TypeError(f"{what} verify= must be a function, not {verify!r}.")
    if is_async_callable(verify):
        return verify

    async def in_pool(*args: Any) -> Any:
        return await run_sync(verify, *args)

    return in_pool


class AuthScheme:
    """The base of every scheme: the guard, its challenges, and ``requires``.

    Subclasses implement :meth:`authenticate` and :meth:`openapi`, and set
    ``auth_scheme`` (the challenge's scheme name, e.g. ``"Bearer"``).

    Args:
        realm: the protection space named in the ``WWW-Authenticate`` challenge.
        scheme_name: its name in the OpenAPI ``securitySchemes``.
        description: its description there.
    """

    #: The challenge's auth-scheme (``Bearer``, ``Basic``, ...).
    auth_scheme = ""
    #: Whether 403s carry an RFC 6750 ``insufficient_scope`` challenge.
    bearer = False
    #: The scopes the scheme itself requires (see :meth:`requires`).
    scopes: tuple[str, ...] = ()
    default_name = "auth"

    def __init__(
        self,
        *,
        realm: str = "api",
        scheme_name: str | None = None,
        description: str | None = None,
    ) -> None:
        self.realm = quotable(realm, "realm")
        self.scheme_name = scheme_name or self.default_name
        if not re.fullmatch(r"[A-Za-z0-9._-]+", self.scheme_name):
            raise ValueError(
                f"scheme_name must be letters, digits, '.', '_' or '-': {scheme_name!r}."
            )
        self.description = description
        self.dependency = self._guard()

    async def authenticate(self, req: Request) -> Any:
        """The request's principal (truthy); raises :class:`HTTPUnauthorized` otherwise."""
        raise NotImplementedError

    def openapi(self) -> tuple[str, dict[str, Any]]:
        """The name of its entry in ``components.securitySchemes``, and the entry."""
        raise NotImplementedError

    def requires(self, *scopes: str) -> Scoped:
        """The same scheme, also requiring ``scopes`` (403 for a principal without them)."""
        return Scoped(self, check_scopes(scopes))

    def _guard(self) -> Callable[..., Awaitable[Any]]:
        """The scheme's provider: the principal, or a 401.

        The route records the principal (:func:`responder.resources.auth.principal_guard`).
        """

        async def authenticate(req: Request) -> Any:
            return await self.authenticate(req)

        authenticate.__qualname__ = f"{type(self).__name__}.authenticate"
        return authenticate

    def challenge(self, **params: str) -> dict[str, str]:
        """The ``WWW-Authenticate`` header: the scheme, its realm, then ``params``."""
        parts = [f'realm="{self.realm}"', *(f'{k}="{v}"' for k, v in params.items())]
        return {"WWW-Authenticate": f"{self.auth_scheme} {', '.join(parts)}"}

    def unauthorized(self, detail: str, error: str | None = None) -> HTTPUnauthorized:
        """A 401 with this scheme's challenge; ``error`` adds RFC 6750's error code."""
        params = {"error": error, "error_description": detail} if error else {}
        return HTTPUnauthorized(detail=detail, headers=self.challenge(**params))

    def forbidden(self, missing: Iterable[str], required: Iterable[str]) -> HTTPForbidden:
        """A 403 for a known principal lacking ``missing`` of the ``required`` scopes."""
        wanted = " ".join(required)
        detail = f"This needs the scope {' '.join(missing)}."
        headers = {}
        if self.bearer:  # RFC 6750 section 3.1
            headers = self.challenge(
                error="insufficient_scope", error_description=detail, scope=wanted
            )
        return HTTPForbidden(detail=detail, headers=headers, required_scopes=wanted.split())

    def check_scopes(self, principal: Any, required: tuple[str, ...]) -> None:
        """Refuse (403) a principal that lacks one of ``required``."""
        held = scopes_of(principal)
        missing = [scope for scope in required if scope not in held]
        if missing:
            raise self.forbidden(missing, required)


class Scoped(AuthScheme):
    """A scheme that also requires scopes: ``JWTAuth(...).requires("books:write")``."""

    def __init__(self, inner: AuthScheme, scopes: tuple[str, ...]) -> None:
        self.inner = inner
        self.scopes = tuple(dict.fromkeys((*inner.scopes, *scopes)))
        self.auth_scheme, self.bearer = inner.auth_scheme, inner.bearer
        self.realm, self.scheme_name = inner.realm, inner.scheme_name
        self.description = inner.description
        self.dependency = self._scoped_guard()

    def _scoped_guard(self) -> Callable[..., Awaitable[Any]]:
        """The base scheme's principal (through its provider, so an override applies), checked."""
        base = self.inner.inner if isinstance(self.inner, Scoped) else self.inner
        from_base = Depends(base.dependency)

        async def authenticate(principal: Any = from_base) -> Any:
            self.check_scopes(principal, self.scopes)
            return principal

        authenticate.__qualname__ = f"{type(base).__name__}.requires"
        return authenticate

    async def authenticate(self, req: Request) -> Any:
        """The inner scheme's principal, once its scopes are checked (401, then 403)."""
        base = self.inner.inner if isinstance(self.inner, Scoped) else self.inner
        principal = await base.authenticate(req)
        self.check_scopes(principal, self.scopes)
        return principal

    def openapi(self) -> tuple[str, dict[str, Any]]:
        """The inner scheme's entry: scopes go on each operation's requirement."""
        return self.inner.openapi()

    def requires(self, *scopes: str) -> Scoped:
        """The same scheme, requiring these scopes too."""
        return Scoped(self.inner, (*self.scopes, *check_scopes(scopes)))


class requires:  # lower case: used like a function, dependencies=[requires("x")]
    """A guard that answers 403 unless the request's principal has every one of ``scopes``.

    ``dependencies=[requires("books:write")]`` on a route (a router, a
    group) whose ``auth=`` authenticates; the route's scheme runs first, so
    a request without credentials still gets that scheme's 401.

    Raises:
        ValueError: no scope, or one with a space or a quote.
    """

    def __init__(self, *scopes: str) -> None:
        self.required_scopes = check_scopes(scopes)

    async def __call__(self, req: Request) -> None:
        """Check the scopes of what the route's scheme authenticated."""
        scheme = req.scope.get(SCHEME_KEY)
        if not isinstance(scheme, AuthScheme):
            raise HTTPForbidden(detail="No authenticated principal to check the scopes of.")
        scheme.check_scopes(req.scope.get("state", {}).get("user"), self.required_scopes)

    def __repr__(self) -> str:
        return f"requires({', '.join(map(repr, self.required_scopes))})"
