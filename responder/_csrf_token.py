"""CSRF tokens bound to a session: issued into pages, checked on unsafe requests.

A session that needs a token gets a random secret of its own (stored in the
signed session cookie under :data:`SESSION_KEY`). A token is a fresh random
nonce and an HMAC, under a key derived from the API's secret key, of that
session secret and the nonce. So a token is only good with the session it
was issued for (another session has another secret), cannot be made without
the API's key, and differs on every page even within one session (a
compressed page that repeats it leaks nothing about the next one).

This module knows tokens only; which requests must carry one, and where,
is :mod:`responder.csrf`'s business.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = ["MAX_TOKEN_LENGTH", "SESSION_KEY", "derive_key", "issue", "verify"]

#: Where the session keeps its CSRF secret.
SESSION_KEY = "_csrf"
#: Longer than any token we issue (68 characters): anything past it is refused unread.
MAX_TOKEN_LENGTH = 128
_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{43}")


def derive_key(secret_key: str) -> bytes:
    """The HMAC key for CSRF tokens, derived from (and not equal to) the signing key."""
    return hmac.new(secret_key.encode(), b"responder.csrf", hashlib.sha256).digest()


def issue(session: MutableMapping[str, Any], key: bytes) -> str:
    """A new token for ``session``, giving the session a secret first if it has none."""
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str):
        secret = session[SESSION_KEY] = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_mac(key, secret, nonce)}"


def verify(session: Mapping[str, Any], key: bytes, token: str) -> bool:
    """Whether ``token`` was issued for ``session`` under ``key`` (constant-time compare)."""
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str) or len(token) > MAX_TOKEN_LENGTH:
        return False
    if not _SHAPE.fullmatch(token):
        return False
    nonce, _, mac = token.partition(".")
    return hmac.compare_digest(mac, _mac(key, secret, nonce))


def _mac(key: bytes, secret: str, nonce: str) -> str:
    digest = hmac.new(key, f"{secret}.{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
