"""Bearer tokens, HTTP Basic and API keys: each checked by ``verify=`` or by stored secrets."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..._concurrency import run_sync
from ._base import AuthScheme, as_verifier, quotable
from ._secrets import CredentialTable, SecretSet

if TYPE_CHECKING:
    from ...request import Request

__all__ = ["DEFAULT_MAX_LENGTH", "APIKeyAuth", "BasicAuth", "BearerAuth"]

#: The longest credential read, in characters; longer ones are refused unread.
DEFAULT_MAX_LENGTH = 8192

_LOCATIONS = ("header", "query", "cookie")


def _one_source(verify: Any, stored: Any, what: str, stored_name: str) -> None:
    if (verify is None) == (stored is None):
        raise TypeError(f"{what} takes either verify= or {stored_name}=, exactly one.")


async def _principal(verify: Any, secrets: Any, *credentials: Any) -> Any:
    """What ``verify`` (or the stored secrets) make of the credentials; falsy to refuse."""
    if verify is not None:
        return await verify(*credentials)
    if secrets.hashed:  # argon2 is slow by design: never on the event loop
        return await run_sync(secrets.match, *credentials)
    return secrets.match(*credentials)


def _raw(value: str) -> bytes:
    """The bytes the client sent: headers (and cookies) are read as Latin-1, queries as UTF-8."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


class BearerAuth(AuthScheme):
    """``Authorization: Bearer <token>``, checked by ``verify(token)`` or against ``tokens``.

    Args:
        verify: ``verify(token) -> principal`` (sync, run in the thread pool,
            or async); a falsy result refuses the token.
        tokens: the accepted tokens (each one's principal is ``"token-<i>"``)
            or ``{token: principal}``; a token may be stored as an argon2 hash.
        max_length: the longest token read (a longer one is a 401).
        **options: ``realm``, ``scheme_name``, ``description``: see :class:`AuthScheme`.
    """

    auth_scheme = "Bearer"
    bearer = True
    default_name = "bearerAuth"
    bearer_format: str | None = None

    def __init__(
        self,
        verify: Callable[[str], Any] | None = None,
        *,
        tokens: Iterable[str] | Mapping[str, Any] | None = None,
        max_length: int = DEFAULT_MAX_LENGTH,
        **options: Any,
    ) -> None:
        _one_source(verify, tokens, type(self).__name__, "tokens")
        super().__init__(**options)
        self.max_length = max_length
        self._verify = as_verifier(verify, "BearerAuth") if verify is not None else None
        self._tokens = SecretSet(tokens, "token") if tokens is not None else None

    async def authenticate(self, req: Request) -> Any:
        """The principal of the request's bearer token; 401 without a good one."""
        token = self.token(req)
        presented = token if self._verify is not None else _raw(token)
        principal = await _principal(self._verify, self._tokens, presented)
        if not principal:
            raise self.unauthorized("The token is not valid.", "invalid_token")
        return principal

    def token(self, req: Request) -> str:
        """The bearer token the request carries; 401 when it has none or a malformed one."""
        header = req.headers.get("authorization")
        if header is None:  # RFC 6750 section 3.1: no error code when nothing was sent
            raise self.unauthorized("Send the token as 'Authorization: Bearer <token>'.")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise self.unauthorized(
                "The Authorization header does not carry a Bearer token.", "invalid_request"
            )
        if len(token) > self.max_length:
            raise self.unauthorized(
                f"The token is longer than {self.max_length} characters.", "invalid_token"
            )
        return token

    def openapi(self) -> tuple[str, dict[str, Any]]:
        """An HTTP bearer scheme."""
        entry: dict[str, Any] = {"type": "http", "scheme": "bearer"}
        if self.bearer_format:
            entry["bearerFormat"] = self.bearer_format
        if self.description:
            entry["description"] = self.description
        return self.scheme_name, entry


class BasicAuth(AuthScheme):
    """HTTP Basic (``Authorization: Basic base64(user:password)``), UTF-8 per RFC 7617.

    Args:
        verify: ``verify(username, password) -> principal`` (sync, run in the
            thread pool, or async); a falsy result refuses.
        credentials: ``{username: password}``; a password may be stored as an
            argon2 hash. The principal is the username.
        max_length: the longest credentials read (a longer header is a 401).
        **options: ``realm``, ``scheme_name``, ``description``: see :class:`AuthScheme`.
    """

    auth_scheme = "Basic"
    default_name = "basicAuth"

    def __init__(
        self,
        verify: Callable[[str, str], Any] | None = None,
        *,
        credentials: Mapping[str, str] | None = None,
        max_length: int = DEFAULT_MAX_LENGTH,
        **options: Any,
    ) -> None:
        _one_source(verify, credentials, "BasicAuth", "credentials")
        super().__init__(**options)
        self.max_length = max_length
        self._verify = as_verifier(verify, "BasicAuth") if verify is not None else None
        self._table = CredentialTable(credentials) if credentials is not None else None

    def challenge(self, **params: str) -> dict[str, str]:
        """``Basic realm="...", charset="UTF-8"`` (RFC 7617)."""
        return super().challenge(**params, charset="UTF-8")

    def unauthorized(self, detail: str, error: str | None = None) -> Any:
        """A 401 with the Basic challenge (which has no error codes)."""
        return super().unauthorized(detail)

    async def authenticate(self, req: Request) -> Any:
        """The principal of the request's credentials; 401 without good ones."""
        username, password = self.credentials(req)
        if self._verify is not None:
            principal = await self._verify(username.decode(), password.decode())
        else:
            principal = await _principal(None, self._table, username, password)
        if not principal:
            raise self.unauthorized("The username or password is not valid.")
        return principal

    def credentials(self, req: Request) -> tuple[bytes, bytes]:
        """The username and password sent, as UTF-8 bytes; 401 when absent or malformed."""
        header = req.headers.get("authorization")
        if header is None:
            raise self.unauthorized("Send 'Authorization: Basic <base64 of user:password>'.")
        scheme, _, encoded = header.strip().partition(" ")
        if scheme.lower() != "basic" or len(encoded) > self.max_length:
            raise self.unauthorized("The Authorization header does not carry Basic credentials.")
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True)
            decoded.decode("utf-8")
        except (binascii.Error, ValueError):
            raise self.unauthorized(
                "The Basic credentials are not base64 of UTF-8 text."
            ) from None
        username, colon, password = decoded.partition(b":")
        if not colon:
            raise self.unauthorized("The Basic credentials have no ':' between user and password.")
        return username, password

    def openapi(self) -> tuple[str, dict[str, Any]]:
        """An HTTP basic scheme."""
        entry: dict[str, Any] = {"type": "http", "scheme": "basic"}
        if self.description:
            entry["description"] = self.description
        return self.scheme_name, entry


class APIKeyAuth(AuthScheme):
    """An API key in a header, a query parameter or a cookie.

    The 401 carries ``WWW-Authenticate: APIKey realm="api", in="header",
    name="X-API-Key"`` (RFC 9110 wants a challenge on every 401; API keys have
    no registered scheme, so this one says where the key goes).

    Args:
        verify: ``verify(key) -> principal`` (sync, run in the thread pool, or
            async); a falsy result refuses the key.
        keys: the accepted keys (each one's principal is ``"key-<i>"``) or
            ``{key: principal}``; a key may be stored as an argon2 hash.
        name: the header, query parameter or cookie that carries the key.
        location: ``"header"``, ``"query"`` or ``"cookie"``.
        max_length: the longest key read (a longer one is a 401).
        **options: ``realm``, ``scheme_name``, ``description``: see :class:`AuthScheme`.
    """

    auth_scheme = "APIKey"
    default_name = "apiKeyAuth"

    def __init__(
        self,
        verify: Callable[[str], Any] | None = None,
        *,
        keys: Iterable[str] | Mapping[str, Any] | None = None,
        name: str = "X-API-Key",
        location: str = "header",
        max_length: int = DEFAULT_MAX_LENGTH,
        **options: Any,
    ) -> None:
        _one_source(verify, keys, "APIKeyAuth", "keys")
        if location not in _LOCATIONS:
            raise ValueError(f"location is 'header', 'query' or 'cookie', not {location!r}.")
        super().__init__(**options)
        self.name, self.location = quotable(name, "name"), location
        if not name:
            raise ValueError("name= names the header, parameter or cookie; it cannot be empty.")
        self.max_length = max_length
        self._verify = as_verifier(verify, "APIKeyAuth") if verify is not None else None
        self._keys = SecretSet(keys, "key") if keys is not None else None

    def challenge(self, **params: str) -> dict[str, str]:
        """``APIKey realm="...", in="header", name="X-API-Key"``."""
        return super().challenge(**{"in": self.location, "name": self.name}, **params)

    def unauthorized(self, detail: str, error: str | None = None) -> Any:
        """A 401 with the API key challenge."""
        return super().unauthorized(detail)

    async def authenticate(self, req: Request) -> Any:
        """The principal of the request's key; 401 without a good one."""
        key = self.key(req)
        if self._verify is not None:
            principal = await self._verify(key)
        else:  # a query's text was decoded as UTF-8 (headers and cookies as Latin-1)
            raw = key.encode("utf-8", "surrogatepass") if self.location == "query" else _raw(key)
            principal = await _principal(None, self._keys, raw)
        if not principal:
            raise self.unauthorized(f"The {self._where()} is not a valid key.")
        return principal

    def key(self, req: Request) -> str:
        """The key the request carries; 401 when it has none, or one too long."""
        if self.location == "header":
            value = req.headers.get(self.name)
        elif self.location == "query":
            value = req.params.get(self.name)
        else:
            value = req.cookies.get(self.name)
        if not value:
            raise self.unauthorized(f"Send the API key in the {self._where()}.")
        if len(value) > self.max_length:
            raise self.unauthorized(f"The {self._where()} is longer than {self.max_length}.")
        return value

    def _where(self) -> str:
        return f"{self.name} {self.location if self.location != 'query' else 'query parameter'}"

    def openapi(self) -> tuple[str, dict[str, Any]]:
        """An apiKey scheme: where the key goes."""
        entry: dict[str, Any] = {"type": "apiKey", "in": self.location, "name": self.name}
        if self.description:
            entry["description"] = self.description
        return self.scheme_name, entry
