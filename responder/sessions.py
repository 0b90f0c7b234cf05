"""Signed-cookie sessions: ``req.session`` / ``resp.session``.

The session is a dict stored in one cookie, JSON-encoded and signed (with a
timestamp) by itsdangerous, so the client can read it but not change it. A
tampered, malformed or expired cookie gives an empty session, never an
error. The cookie is written only when the session changed.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
from typing import Any

from itsdangerous import BadSignature, TimestampSigner

__all__ = ["Session", "SessionCodec"]

logger = logging.getLogger("responder")


class Session(dict[str, Any]):
    """A dict that remembers whether it was changed."""

    modified: bool = False

    def _touch(self) -> None:
        self.modified = True

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._touch()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._touch()

    def clear(self) -> None:
        """Empty the session (the cookie is then cleared)."""
        super().clear()
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
    """Reads and writes the session cookie.

    Args:
        secret_key: the signing key; when None, a random per-process key is
            used and a warning says sessions will not survive a restart or be
            shared between workers.
        cookie_name: the cookie's name.
        max_age: seconds a session stays valid (also the cookie's Max-Age).
        https_only: mark the cookie Secure.
        same_site: the cookie's SameSite attribute.
    """

    def __init__(
        self,
        secret_key: str | None,
        *,
        cookie_name: str = "session",
        max_age: int = 14 * 24 * 3600,
        https_only: bool = False,
        same_site: str = "lax",
    ) -> None:
        if not secret_key:
            logger.warning(
                "No secret_key given: sessions are signed with a random key for this "
                "process, so they will not survive a restart or work across workers."
            )
            secret_key = secrets.token_urlsafe(32)
        self.signer = TimestampSigner(secret_key, salt="responder.session")
        self.cookie_name = cookie_name
        self.max_age = max_age
        self.https_only = https_only
        self.same_site = same_site

    def load(self, cookie: str | None) -> Session:
        """The session in ``cookie``; empty when absent, tampered, malformed or expired."""
        session = Session()
        if not cookie:
            return session
        try:
            payload = self.signer.unsign(cookie, max_age=self.max_age)
            data = json.loads(base64.urlsafe_b64decode(payload))
        except (BadSignature, ValueError, TypeError):
            return session
        if isinstance(data, dict):
            dict.update(session, data)
        return session

    def set_cookie_header(self, session: Session) -> bytes:
        """The ``Set-Cookie`` value that stores ``session`` (or deletes an empty one)."""
        attributes = f"; Path=/; HttpOnly; SameSite={self.same_site}"
        if self.https_only:
            attributes += "; Secure"
        if not session:
            return f"{self.cookie_name}=; Max-Age=0{attributes}".encode("latin-1")
        payload = base64.urlsafe_b64encode(json.dumps(session, separators=(",", ":")).encode())
        value = self.signer.sign(payload).decode("ascii")
        return f"{self.cookie_name}={value}; Max-Age={self.max_age}{attributes}".encode("latin-1")
