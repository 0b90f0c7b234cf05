"""Keys from a JWKS URL: fetched off the loop, cached with a TTL, refreshed on a new ``kid``.

An unknown ``kid`` refetches the set (key rotation), but at most once per
``min_refresh`` seconds, so tokens with made-up kids cannot hammer the
identity provider. A failed fetch keeps the keys already known.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.parse
import urllib.request
import weakref
from typing import Any

from ..._concurrency import run_sync
from ...errors import HTTPServiceUnavailable

__all__ = ["JWKSCache", "keys_from_jwks"]

logger = logging.getLogger("responder.auth")

#: The largest JWKS document read, in bytes.
MAX_JWKS_BYTES = 1024 * 1024


def keys_from_jwks(document: Any) -> dict[str | None, Any]:
    """``{kid: key}`` of the signing keys in a JWKS document (``{"keys": [...]}``).

    Keys for encryption (``"use": "enc"``) and keys PyJWT cannot read are left out.

    Raises:
        ValueError: the document is not a JWKS, or holds no usable key.
    """
    import jwt

    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError('A JWKS is a JSON object with a "keys" list.')
    found: dict[str | None, Any] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(entry)
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue  # an unknown key type or a broken entry: others may still serve
        found[key.key_id] = key.key
    if not found:
        raise ValueError("The JWKS holds no signing key PyJWT can use.")
    return found


def _fetch(url: str, timeout: float) -> dict[str | None, Any]:
    """GET the JWKS at ``url`` (blocking: run in the thread pool)."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
        body = response.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        raise ValueError(f"The JWKS is larger than {MAX_JWKS_BYTES} bytes.")
    return keys_from_jwks(json.loads(body))


class JWKSCache:
    """The keys of one JWKS URL, as fresh as ``ttl`` and refreshed for unknown kids.

    Args:
        url: an ``http://`` or ``https://`` URL.
        ttl: seconds the keys are used before they are fetched again.
        min_refresh: the fewest seconds between two fetches caused by
            unknown kids (or failures).
        timeout: seconds one fetch may take.
    """

    def __init__(self, url: str, ttl: float = 300, min_refresh: float = 30, timeout: float = 5):
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"jwks_url must be an http(s) URL, not {url!r}.")
        self.url, self.ttl, self.min_refresh, self.timeout = url, ttl, min_refresh, timeout
        self.keys: dict[str | None, Any] = {}
        self.fetched = -float("inf")  # when the keys were last fetched
        self.attempted = -float("inf")  # when a fetch was last tried
        self.fetches = 0
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def key(self, kid: str | None) -> Any:
        """The key for ``kid`` (None when the set does not have it, even after a refresh).

        Raises:
            HTTPServiceUnavailable: no key was ever fetched.
        """
        now = time.monotonic()
        stale = now - self.fetched >= self.ttl
        if (stale or self._lookup(kid) is None) and now - self.attempted >= self.min_refresh:
            await self._refresh(now)  # expired, or perhaps the keys were rotated
        if not self.keys:
            raise HTTPServiceUnavailable(
                detail="The keys that verify tokens cannot be fetched; try again later.",
                headers={"Retry-After": str(max(1, int(self.min_refresh)))},
            )
        return self._lookup(kid)

    def _lookup(self, kid: str | None) -> Any:
        if kid is None and len(self.keys) == 1:
            return next(iter(self.keys.values()))
        return self.keys.get(kid)

    async def _refresh(self, now: float) -> None:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        async with lock:  # many requests at once: one fetch
            if self.attempted >= now:
                return  # another request fetched while this one waited
            self.attempted = time.monotonic()
            self.fetches += 1
            try:
                self.keys = await run_sync(_fetch, self.url, self.timeout)
                self.fetched = self.attempted
            except (OSError, ValueError) as exc:
                logger.warning("Fetching the JWKS at %s failed: %s", self.url, exc)
