"""JSON Web Tokens as bearer tokens, verified with PyJWT: one secret, fixed keys, or a JWKS URL.

What a token may choose is checked before PyJWT sees it: its ``alg`` must be
one the app accepts (so ``none`` and HS/RS confusion are refused outright), and
its ``kid`` picks the key. Every way a token can be wrong is a 401 with an
RFC 6750 ``error_description`` naming what is wrong; never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._jwks import JWKSCache, keys_from_jwks
from ._schemes import BearerAuth

__all__ = ["JWTAuth"]

_HMAC = frozenset({"HS256", "HS384", "HS512"})


def _jwt() -> Any:
    try:
        import jwt
    except ImportError:  # pragma: no cover - the [auth] extra installs it
        raise ImportError('JWTAuth needs PyJWT: pip install "responder[auth]".') from None
    return jwt


def _messages(jwt: Any) -> list[tuple[Any, str]]:
    """PyJWT's errors → what the client is told, the more specific first."""
    errors = jwt.exceptions
    return [
        (jwt.ExpiredSignatureError, "The token has expired."),
        (jwt.ImmatureSignatureError, "The token is not valid yet."),
        (jwt.InvalidAudienceError, "The token is not meant for this audience."),
        (jwt.InvalidIssuerError, "The token's issuer is not accepted."),
        (errors.InvalidSubjectError, "The token's sub claim is not a string."),
        (jwt.InvalidIssuedAtError, "The token's iat claim is not a time in the past."),
        (jwt.InvalidSignatureError, "The token's signature does not verify."),
        (jwt.InvalidAlgorithmError, "The token's algorithm is not accepted."),
        (jwt.InvalidKeyError, "The token's signature does not verify."),
        (jwt.DecodeError, "The token is malformed."),
        # The key its kid names cannot check its alg (an RSA token, an EC key).
        ((ValueError, TypeError), "The token's signature does not verify."),
    ]


class JWTAuth(BearerAuth):
    """Bearer JWTs, verified by signature and claims; the principal is the claims dict.

    Give exactly one source of keys:

    Args:
        secret: the HMAC secret (``HS256`` and friends).
        jwks_url: an identity provider's JWKS document: fetched off the event
            loop, cached ``jwks_ttl`` seconds, fetched again for a ``kid`` it
            does not have (at most once per ``jwks_min_refresh`` seconds).
        keys: public keys: a ``{kid: key}`` mapping (PEM text, a
            ``cryptography`` key, or a JWK dict), a JWKS dict, or one key.
        algorithms: the ``alg`` values accepted (``["HS256"]`` with a secret,
            ``["RS256"]`` otherwise); HMAC and public-key ones never mix.
        audience: the ``aud`` a token must carry, if given.
        issuer: the ``iss`` a token must carry, if given.
        leeway: seconds of clock skew allowed on ``exp``, ``nbf`` and ``iat``.
        required_claims: claims every token must have (``exp`` by default).
        jwks_ttl: seconds a fetched JWKS document is kept.
        jwks_min_refresh: the fewest seconds between two fetches.
        **options: ``max_length``, the longest token read (a longer one is a 401);
            ``realm``, ``scheme_name``, ``description``: see
            :class:`~responder.ext.auth.AuthScheme`.
    """

    default_name = "jwtAuth"
    bearer_format = "JWT"

    def __init__(
        self,
        secret: str | bytes | None = None,
        *,
        jwks_url: str | None = None,
        keys: Any = None,
        algorithms: Sequence[str] | None = None,
        audience: str | Iterable[str] | None = None,
        issuer: str | Sequence[str] | None = None,
        leeway: float = 0,
        required_claims: Sequence[str] = ("exp",),
        jwks_ttl: float = 300,
        jwks_min_refresh: float = 30,
        **options: Any,
    ) -> None:
        jwt = _jwt()
        if sum(source is not None for source in (secret, jwks_url, keys)) != 1:
            raise TypeError("JWTAuth takes exactly one of secret=, jwks_url= or keys=.")
        self.algorithms = _algorithms(algorithms, hmac=secret is not None, known=jwt)
        if secret is not None:
            _check_secret(secret, self.algorithms)
        super().__init__(self._claims, **options)
        self._secret = secret
        self._keys = _key_map(keys) if keys is not None else None
        self._jwks = JWKSCache(jwks_url, jwks_ttl, jwks_min_refresh) if jwks_url else None
        self.audience = list(audience) if audience and not isinstance(audience, str) else audience
        self.issuer, self.leeway = issuer, leeway
        self.required_claims = list(required_claims)
        self._errors = _messages(jwt)
        self._jwt = jwt

    async def _claims(self, token: str) -> Any:
        """The verified claims of ``token``; a 401 naming the problem otherwise."""
        jwt = self._jwt
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise self.unauthorized("The token is malformed.", "invalid_token") from None
        alg, kid = header.get("alg"), header.get("kid")
        if not isinstance(alg, str) or alg not in self.algorithms:
            raise self.unauthorized("The token's algorithm is not accepted.", "invalid_token")
        if kid is not None and not isinstance(kid, str):
            raise self.unauthorized("The token's kid is not a string.", "invalid_token")
        key = await self._key(kid)
        if key is None:
            raise self.unauthorized("The token's kid names no known key.", "invalid_token")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": self.required_claims},
            )
        except jwt.MissingRequiredClaimError as exc:
            raise self.unauthorized(
                f"The token has no {exc.claim} claim.", "invalid_token"
            ) from None
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise self.unauthorized(self._describe(exc), "invalid_token") from None
        if not isinstance(claims.get("sub", ""), str):  # whatever PyJWT's version checks
            raise self.unauthorized("The token's sub claim is not a string.", "invalid_token")
        return claims

    def _describe(self, error: Exception) -> str:
        for kind, message in self._errors:
            if isinstance(error, kind):
                return message
        return "The token is not valid."

    async def _key(self, kid: str | None) -> Any:
        if self._secret is not None:
            return self._secret
        if self._jwks is not None:
            return await self._jwks.key(kid)
        keys = self._keys or {}
        if kid is None and len(keys) == 1:
            return next(iter(keys.values()))
        return keys.get(kid)


def _algorithms(given: Sequence[str] | None, *, hmac: bool, known: Any) -> list[str]:
    """The accepted algorithms, checked: never ``none``, never HMAC beside public keys.

    Raises:
        ValueError: an unknown algorithm, ``none``, or a family that does not fit the keys.
    """
    algorithms = list(given) if given is not None else (["HS256"] if hmac else ["RS256"])
    if isinstance(given, str) or not algorithms:
        raise ValueError('algorithms= is a non-empty list, e.g. ["RS256"].')
    supported = known.algorithms.get_default_algorithms()
    for alg in algorithms:
        if alg not in supported or alg.lower() == "none":
            raise ValueError(f"{alg!r} is not an algorithm JWTAuth accepts.")
        if (alg in _HMAC) != hmac:
            raise ValueError(
                f"{alg!r} does not fit the keys: secret= takes HS256/384/512, public keys "
                "(keys=, jwks_url=) the others; mixing them invites algorithm confusion."
            )
    return algorithms


def _check_secret(secret: str | bytes, algorithms: Sequence[str]) -> None:
    """Refuse an HMAC secret shorter than its hash (RFC 7518 section 3.2).

    Raises:
        ValueError: the secret is too short for the strongest algorithm listed.
    """
    raw = secret.encode() if isinstance(secret, str) else secret
    need = max(int(alg[2:]) // 8 for alg in algorithms)
    if len(raw) < need:
        raise ValueError(
            f"secret= is {len(raw)} bytes; {', '.join(algorithms)} needs at least {need} "
            "(e.g. secrets.token_urlsafe(32))."
        )


def _key_map(keys: Any) -> dict[str | None, Any]:
    """``keys=`` as ``{kid: key}``: a mapping, a JWKS dict, or one key (kid None)."""
    if isinstance(keys, Mapping) and "keys" in keys:
        return keys_from_jwks(dict(keys))
    if isinstance(keys, Mapping) and "kty" not in keys:
        return {kid: _key(value) for kid, value in keys.items()}
    return {None: _key(keys)}


def _key(value: Any) -> Any:
    """A JWK dict as a key object; PEM text and key objects as they are."""
    if isinstance(value, Mapping):
        return _jwt().PyJWK(dict(value)).key
    return value
