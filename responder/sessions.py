"""Signed-cookie sessions: ``req.session`` / ``resp.session``.

The session is a dict stored in one cookie, JSON-encoded and signed (with a
timestamp) by itsdangerous, so the client can read it but not change it. A
tampered, malformed or expired cookie gives an empty session, never an
error. The cookie is written only when the session changed.

A signed cookie cannot be revoked: the server keeps no record of it, so an
old cookie a client replays stays valid until ``max_age`` after it was
written. Changing the secret key ends every session at once.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from dataclasses import replace
from typing import Any, Protocol

from ._lazy import compiled_on_first_use
from ._records import record

__all__ = [
    "DEFAULT_SESSION_MAX_AGE",
    "CodecMaker",
    "Session",
    "SessionCodec",
    "SessionOptions",
    "SessionSettings",
]

logger = logging.getLogger("responder")

#: Two weeks: how long a session cookie is honoured after it was last written.
DEFAULT_SESSION_MAX_AGE = 14 * 24 * 3600
SAME_SITE_VALUES = ("lax", "strict", "none")
# RFC 6265 cookie-name token: anything else would break the Set-Cookie header.
_COOKIE_NAME: re.Pattern[str] = compiled_on_first_use(
    "_COOKIE_NAME", r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", globals()
)


@record(frozen=True)
class SessionOptions:
    """The session cookie's settings, checked once, when the API is created.

    Attributes:
        secret_key: the signing key; when None, a random per-process key is
            used and a warning says sessions will not survive a restart or be
            shared between workers.
        cookie_name: the cookie's name.
        max_age: seconds a session stays valid after it was last written
            (also the cookie's Max-Age); older cookies give an empty session.
        https_only: mark the cookie Secure, so browsers send it over HTTPS only.
        same_site: the cookie's SameSite attribute: lax, strict or none
            (stored lower-cased, as the cookie says it).

    Raises:
        ValueError: the name is not a cookie token, ``max_age`` is not a
            positive number of seconds, ``same_site`` is not lax, strict or
            none, or it is none on a cookie that is not Secure (browsers drop those).
    """

    secret_key: str | None = None
    cookie_name: str = "session"
    max_age: int = DEFAULT_SESSION_MAX_AGE
    https_only: bool = False
    same_site: str = "lax"

    def __post_init__(self) -> None:
        name, max_age, same_site = self.cookie_name, self.max_age, self.same_site
        if not isinstance(name, str) or not _COOKIE_NAME.fullmatch(name):
            raise ValueError(f"The session cookie name {name!r} is not a cookie token.")
        if isinstance(max_age, bool) or not isinstance(max_age, int) or max_age <= 0:
            raise ValueError(
                f"session_max_age must be a positive number of seconds, not {max_age!r}."
            )
        value = same_site.lower() if isinstance(same_site, str) else same_site
        if value not in SAME_SITE_VALUES:
            raise ValueError(
                f"session_same_site must be 'lax', 'strict' or 'none', not {same_site!r}."
            )
        if value == "none" and not self.https_only:
            raise ValueError(
                "session_same_site='none' needs a Secure cookie, which browsers require: "
                "pass session_https_only=True (or enable_hsts=True)."
            )
        object.__setattr__(self, "same_site", value)


class Session(dict[str, Any]):
    """A dict that remembers whether it was changed, and (server-side) its id.

    With a session store (``API(sessions=...)``), ``session_id`` is the id the
    store keeps it under (None for a new session) and ``rotate`` asks for a
    new id when it is saved: :meth:`clear` and :meth:`regenerate` set it, so
    the old id is revoked in the store.
    """

    modified: bool = False
    session_id: str | None = None
    rotate: bool = False

    def _touch(self) -> None:
        self.modified = True

    def regenerate(self) -> None:
        """Keep the data under a new session id (call it at login), revoking the old id.

        With signed-cookie sessions, which have no id, the cookie is simply
        written again.
        """
        self.rotate = True
        self._touch()

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._touch()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._touch()

    def clear(self) -> None:
        """Empty the session (the cookie is then cleared; a stored session is revoked)."""
        super().clear()
        self.rotate = True
        self._touch()

    def pop(self, key: str, *default: Any) -> Any:
        """Remove and return ``key``."""
        self._touch()
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the last item."""
        self._touch()
        return super().popitem()

    def setdefault(self, key: str, default: Any = None) -> Any:
        """``dict.setdefault``, marking the session changed."""
        self._touch()
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """``dict.update``, marking the session changed."""
        super().update(*args, **kwargs)
        self._touch()


class SessionCodec:
    """Reads and writes the session cookie, as its :class:`SessionOptions` say."""

    def __init__(self, options: SessionOptions) -> None:
        # Imported here: secrets, hmac and hashlib load with the first session.
        import secrets

        from ._csrf_token import derive_key

        secret_key = options.secret_key
        if not secret_key:
            logger.warning(
                "No secret_key given: sessions are signed with a random key for this "
                "process, so they will not survive a restart or work across workers."
            )
            secret_key = secrets.token_urlsafe(32)
        # Imported here: itsdangerous loads with the first session, not with responder.
        from itsdangerous import BadSignature, TimestampSigner

        self.signer = TimestampSigner(secret_key, salt="responder.session")
        #: What ``signer.unsign`` raises for a forged, malformed or expired cookie.
        self.bad_signature: type[Exception] = BadSignature
        #: Signs the CSRF tokens bound to these sessions (see ``responder.csrf``).
        self.csrf_key = derive_key(secret_key)
        self.cookie_name = options.cookie_name
        self.max_age = options.max_age
        self.https_only = options.https_only
        self.same_site = options.same_site

    def load(self, cookie: str | None) -> Session:
        """The session in ``cookie``; empty when absent, tampered, malformed or expired."""
        session = Session()
        if not cookie:
            return session
        try:
            payload = self.signer.unsign(cookie, max_age=self.max_age)
            data = json.loads(base64.urlsafe_b64decode(payload))
        except (self.bad_signature, ValueError, TypeError):
            return session
        if isinstance(data, dict):
            dict.update(session, data)
        return session

    def set_cookie_header(self, session: Session) -> bytes:
        """The ``Set-Cookie`` value that stores ``session`` (or deletes an empty one)."""
        if not session:
            return self.cookie_header(None)
        payload = base64.urlsafe_b64encode(json.dumps(session, separators=(",", ":")).encode())
        return self.cookie_header(self.signer.sign(payload).decode("ascii"))

    def cookie_header(self, value: str | None) -> bytes:
        """The ``Set-Cookie`` value carrying ``value``, or deleting the cookie when None."""
        attributes = f"; Path=/; HttpOnly; SameSite={self.same_site}"
        if self.https_only:
            attributes += "; Secure"
        if value is None:
            return f"{self.cookie_name}=; Max-Age=0{attributes}".encode("latin-1")
        return f"{self.cookie_name}={value}; Max-Age={self.max_age}{attributes}".encode("latin-1")


class CodecMaker(Protocol):
    """A session store, seen from here: it makes the codec that reads and writes its cookie."""

    def codec(self, options: SessionOptions) -> SessionCodec:
        """The codec for cookies naming sessions in this store."""
        ...


class SessionSettings:
    """The API's session options and the codec made from them (a mixin of ``API``)."""

    session_options: SessionOptions
    #: The server-side store given as ``API(sessions=...)``; None for signed-cookie sessions.
    session_store: CodecMaker | None = None
    _session_codec: SessionCodec | None = None

    @property
    def secret_key(self) -> str | None:
        """The key that signs session cookies."""
        return self.session_options.secret_key

    @secret_key.setter
    def secret_key(self, value: str | None) -> None:
        # Counts until the first session is read or written; the codec is fixed from then on.
        if self._session_codec is not None:
            raise RuntimeError("Set secret_key before the first session is used.")
        self.session_options = replace(self.session_options, secret_key=value)

    @property
    def session_codec(self) -> SessionCodec:
        """What signs and reads session cookies (to make or check a cookie in a test, say).

        Made on first use, so a late ``api.secret_key = ...`` counts.
        """
        if self._session_codec is None:
            store, options = self.session_store, self.session_options
            self._session_codec = SessionCodec(options) if store is None else store.codec(options)
        return self._session_codec

    def _sessions(self) -> SessionCodec:
        return self.session_codec
