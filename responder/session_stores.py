"""Server-side sessions: the cookie carries a signed random id, the data lives in a store.

``API(sessions=MemorySessions())`` or ``API(sessions=RedisSessions(url))``.
Unlike a signed cookie, a stored session can be revoked: ``req.session.clear()``
deletes it from the store, so a copy of the old cookie replayed later finds
nothing. ``req.session.regenerate()`` moves the data to a new id (call it at
login, so an id planted before login is worthless after it).

A store is async and ``req.session`` is a plain dict, so the session is read
from the store *before* the before-hooks and the view run, when the request
carries a session cookie (one store read per such request; none without one).
It is written back once, after the view and the after-hooks, only when it
changed. A forged, oversized, expired or unknown cookie gives an empty
session; a store that fails answers 503.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from ._redis_clients import LoopClients, require_redis
from .errors import HTTPServiceUnavailable
from .sessions import Session, SessionCodec, SessionOptions, SessionSettings

if TYPE_CHECKING:
    from .request import Request

__all__ = [
    "MAX_COOKIE_LENGTH",
    "MemorySessions",
    "RedisSessions",
    "SessionStore",
    "SessionStoreUnavailable",
    "StoredSessionCodec",
    "check_store",
    "stored_codec",
]

logger = logging.getLogger("responder")

#: A signed id is about 80 characters; a longer cookie is not ours and is not even unsigned.
MAX_COOKIE_LENGTH = 256
#: Seconds between two sweeps of a memory store's expired sessions.
SWEEP_INTERVAL = 60.0


class SessionStoreUnavailable(HTTPServiceUnavailable):
    """The session store failed or did not answer: the request is answered 503."""


class SessionStore:
    """Where server-side sessions live: JSON text under a random id, each with a lifetime.

    Subclasses implement :meth:`load`, :meth:`save` and :meth:`delete`;
    :meth:`open` and :meth:`aclose` run at the app's startup and shutdown.

    Attributes:
        ttl: seconds a session lives after it was last written (also the
            cookie's ``Max-Age``); None takes the API's ``session_max_age``.
    """

    ttl: int | None = None

    def codec(self, options: SessionOptions) -> StoredSessionCodec:
        """The codec for cookies naming sessions in this store (made once, by the API)."""
        return StoredSessionCodec(options, self)

    async def open(self) -> None:
        """Prepare connections, at the app's startup (nothing by default)."""

    async def aclose(self) -> None:
        """Release connections, at the app's shutdown (nothing by default)."""

    async def load(self, session_id: str) -> str | None:
        """The JSON text stored under ``session_id``; None when unknown or expired."""
        raise NotImplementedError

    async def save(self, session_id: str, data: str, ttl: int) -> None:
        """Store ``data`` under ``session_id`` for ``ttl`` seconds."""
        raise NotImplementedError

    async def delete(self, session_id: str) -> None:
        """Forget ``session_id`` (revoking every copy of its cookie)."""
        raise NotImplementedError


def _check_ttl(ttl: int | None) -> int | None:
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or ttl <= 0):
        raise ValueError(f"ttl must be a positive number of seconds, not {ttl!r}.")
    return ttl


class MemorySessions(SessionStore):
    """Sessions in this process's memory: bounded, least recently used evicted first.

    For one process (tests, a single worker): each worker has its own, so
    behind ``--workers 2`` a client is logged in on one worker only. Use
    :class:`RedisSessions` to share them.

    Args:
        max_keys: sessions kept at most; beyond it the least recently used
            one is dropped (its client gets an empty session).
        ttl: seconds a session lives after it was last written; None takes
            the API's ``session_max_age``.
        clock: seconds as a float (``time.monotonic``); pass one only in tests.

    Raises:
        ValueError: ``max_keys`` or ``ttl`` is not a positive whole number.
    """

    def __init__(
        self,
        max_keys: int = 10_000,
        ttl: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(max_keys, bool) or not isinstance(max_keys, int) or max_keys <= 0:
            raise ValueError(f"max_keys must be a positive whole number, not {max_keys!r}.")
        self.max_keys = max_keys
        self.ttl = _check_ttl(ttl)
        self.clock = clock
        # id -> (expires at, JSON text), least recently used first.
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._next_sweep = clock() + SWEEP_INTERVAL

    def __len__(self) -> int:
        """How many sessions are held (expired ones included until the next sweep)."""
        return len(self._entries)

    async def load(self, session_id: str) -> str | None:
        """The session's JSON text, marking it recently used; None when unknown or expired."""
        entry = self._entries.get(session_id)
        if entry is None:
            return None
        if entry[0] <= self.clock():
            del self._entries[session_id]
            return None
        self._entries.move_to_end(session_id)
        return entry[1]

    async def save(self, session_id: str, data: str, ttl: int) -> None:
        """Store the session, evicting the least recently used beyond ``max_keys``."""
        now = self.clock()
        if now >= self._next_sweep:
            self.sweep()
        self._entries[session_id] = (now + ttl, data)
        self._entries.move_to_end(session_id)
        while len(self._entries) > self.max_keys:
            self._entries.popitem(last=False)

    async def delete(self, session_id: str) -> None:
        """Forget the session."""
        self._entries.pop(session_id, None)

    def sweep(self) -> None:
        """Drop every expired session (done on a save, once a minute at most)."""
        now = self.clock()
        expired = [key for key, (expires, _) in self._entries.items() if expires <= now]
        for key in expired:
            del self._entries[key]
        self._next_sweep = now + SWEEP_INTERVAL


class RedisSessions(LoopClients, SessionStore):
    """Sessions in Redis (or Valkey): shared by every worker and host using the same server.

    Each session is one string key, ``prefix + id``, written with ``SET ...
    EX ttl``, so Redis expires it. A connection pool is opened at the app's
    startup and closed at its shutdown, one per event loop; a request on a
    loop without one (the app's lifespan did not run, as in a test client
    used without ``with``) uses a connection of its own.

    Args:
        url: the Redis URL (``redis://``, ``rediss://`` or ``unix://``).
        ttl: seconds a session lives after it was last written; None takes
            the API's ``session_max_age``.
        prefix: put before every key.
        timeout: seconds one command may take, connecting included, before
            the request is answered 503.
        **options: passed to ``redis.asyncio.Redis.from_url``.

    Raises:
        ImportError: the ``redis`` package is not installed.
        ValueError: ``ttl`` or ``timeout`` is not positive.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        ttl: int | None = None,
        *,
        prefix: str = "responder:session:",
        timeout: float = 1.0,
        **options: Any,
    ) -> None:
        require_redis("RedisSessions")
        if not timeout > 0:
            raise ValueError(f"timeout must be positive, not {timeout!r}.")
        self.url, self.prefix, self.timeout = url, prefix, timeout
        self.ttl = _check_ttl(ttl)
        options.setdefault("socket_timeout", timeout)
        options.setdefault("socket_connect_timeout", timeout)
        self.options = options
        self._clients: dict[asyncio.AbstractEventLoop, Any] = {}

    async def _run(self, command: str, *args: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            client = self._clients.get(asyncio.get_running_loop())
            if client is not None:
                return await asyncio.wait_for(client.execute_command(command, *args), self.timeout)
            async with self._connect() as own:
                return await asyncio.wait_for(own.execute_command(command, *args), self.timeout)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            reason = str(exc) or type(exc).__name__
            logger.warning("The session store at %s failed: %s", self.url, reason)
            raise SessionStoreUnavailable(detail="The session store is unavailable.") from exc

    async def load(self, session_id: str) -> str | None:
        """The session's JSON text; None when unknown or expired."""
        data = await self._run("GET", self.prefix + session_id)
        return None if data is None else bytes(data).decode("utf-8")

    async def save(self, session_id: str, data: str, ttl: int) -> None:
        """``SET prefix+id data EX ttl``."""
        await self._run("SET", self.prefix + session_id, data, "EX", ttl)

    async def delete(self, session_id: str) -> None:
        """``DEL prefix+id``."""
        await self._run("DEL", self.prefix + session_id)


class StoredSessionCodec(SessionCodec):
    """The session cookie as a signed random id, the data in a :class:`SessionStore`.

    The id is signed with the same signer (and secret key) as a signed-cookie
    session; only an id this server made can reach the store.
    """

    def __init__(self, options: SessionOptions, store: SessionStore) -> None:
        super().__init__(options)
        self.store = store
        if store.ttl is not None:
            self.max_age = store.ttl

    def load(self, cookie: str | None) -> Session:
        """An empty session: a stored one was already read by :meth:`preload`, or there is none."""
        return Session()

    async def preload(self, req: Request) -> None:
        """Read the request's session from the store, when it carries a session cookie."""
        cookie = req.cookies.get(self.cookie_name)
        if cookie:
            req.loaded_session = await self.fetch(cookie)

    async def fetch(self, cookie: str) -> Session:
        """The stored session a cookie names; empty when forged, oversized, expired or unknown."""
        session = Session()
        if len(cookie) > MAX_COOKIE_LENGTH:
            return session
        try:
            session_id = self.signer.unsign(cookie, max_age=self.max_age).decode("ascii")
        except (self.bad_signature, UnicodeDecodeError):
            return session
        text = await self.store.load(session_id)
        if text is None:  # revoked or expired: the client's id is never reused
            return session
        try:
            data = json.loads(text)
        except ValueError:
            return session
        if isinstance(data, dict):
            dict.update(session, data)
            session.session_id = session_id
        return session

    async def persist(self, req: Request) -> None:
        """Write a changed session to the store, once, after the view: rotate, save or revoke."""
        session = req.loaded_session
        if session is None or not session.modified:
            return
        if session.session_id is not None and (session.rotate or not session):
            await self.store.delete(session.session_id)
            session.session_id = None
        session.rotate = False
        if session:
            text = json.dumps(session, separators=(",", ":"))
            if session.session_id is None:
                session.session_id = secrets.token_urlsafe(32)
            await self.store.save(session.session_id, text, self.max_age)

    def set_cookie_header(self, session: Session) -> bytes:
        """The ``Set-Cookie`` value carrying the session's signed id (or deleting the cookie)."""
        if not session or session.session_id is None:
            return self.cookie_header(None)
        return self.cookie_header(self.signer.sign(session.session_id).decode("ascii"))


def check_store(store: object) -> SessionStore | None:
    """``store`` if it is a :class:`SessionStore` (or None); TypeError otherwise."""
    if store is not None and not isinstance(store, SessionStore):
        raise TypeError(
            f"sessions= takes a session store (MemorySessions(), RedisSessions(url)), "
            f"not {store!r}."
        )
    return store


def stored_codec(settings: SessionSettings) -> Callable[[], StoredSessionCodec]:
    """What gives the pipeline the API's stored-session codec (built on first use)."""

    def codec() -> StoredSessionCodec:
        return cast(StoredSessionCodec, settings.session_codec)

    return codec
