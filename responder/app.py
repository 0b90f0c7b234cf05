"""The request pipeline: scope → route → req/resp → hooks → responder → render → send.

This module is the hot path. Everything it needs was resolved at registration
(handlers per method, hook lists, convertors); per request it does a route
lookup, builds two small objects, runs the chain and sends two messages.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .after_response import run_after
from .background import BackgroundQueue
from .dependencies.runtime import SCOPE_KEY as DEPENDENCIES
from .errors import HTTPError, HTTPMethodNotAllowed, HTTPNotFound
from .lifespan import Lifespan
from .media import MediaRegistry
from .media.negotiation import parse_accept, quality
from .request import DEFAULT_MAX_REQUEST_SIZE, Request
from .resources import Route, Router
from .resources.hooks import Hook, run_before, run_hooks
from .resources.timeouts import RequestTimeout
from .response import Response
from .types import ASGIApp, Receive, Scope, Send
from .urls import route_path

if TYPE_CHECKING:
    from .session_stores import StoredSessionCodec
    from .sessions import SessionCodec
    from .websockets import WebSocket

__all__ = ["App", "ExceptionHandlers", "Hooks", "set_problem"]

logger = logging.getLogger("responder")


class Hooks:
    """Global before/after hooks, each a :class:`~.resources.hooks.Hook`."""

    def __init__(self) -> None:
        self.before: list[Hook] = []
        self.after: list[Hook] = []
        self.websocket_before: list[Hook] = []

    @staticmethod
    def entry(func: Callable[..., Any]) -> Hook:
        """Wrap ``func`` once, at registration, so every call site just awaits it."""
        return Hook(func)


class ExceptionHandlers:
    """User exception handlers, found along the exception's MRO (cached per type)."""

    def __init__(self) -> None:
        self._handlers: dict[type[BaseException], Hook] = {}
        self._cache: dict[type[BaseException], Hook | None] = {}

    def add(self, exc_class: type[BaseException], handler: Callable[..., Any]) -> None:
        """Register ``handler(req, resp, exc)`` for ``exc_class`` and its subclasses."""
        self._handlers[exc_class] = Hooks.entry(handler)
        self._cache.clear()

    def find(self, exc_class: type[BaseException]) -> Hook | None:
        """The handler for the nearest class in ``exc_class``'s MRO."""
        try:
            return self._cache[exc_class]
        except KeyError:
            pass
        found = next((self._handlers[k] for k in exc_class.__mro__ if k in self._handlers), None)
        self._cache[exc_class] = found
        return found


class App:
    """The innermost ASGI app: everything between the middleware and the views.

    Args:
        router: HTTP routes.
        websocket_router: WebSocket routes (``websocket=True``).
        media: the media registry.
        hooks: global hooks.
        exception_handlers: user exception handlers.
        lifespan: startup/shutdown.
        debug: put tracebacks in 500 responses.
        max_request_size: body limit in bytes (413 beyond it).
        strict_negotiation: 406 instead of falling back to JSON.
        sessions: gives the session codec (built on first use).
        stored_sessions: gives the stored-session codec, when ``API(sessions=...)``
            keeps sessions in a store: they are then read before the hooks and
            written after them.
        websocket_idle_timeout: seconds a WebSocket may stay silent before it is closed.
        gzip: compress large responses for clients that accept gzip.
        spa_exclude: path prefixes the single-page-app fallback never answers.
        redirect_slashes: answer a path no route matches with a 307 to the same
            path with (or without) a trailing slash, when that one is routed.
        auto_etag: give 200s to GET and HEAD an ``ETag`` hashed from the body.

    Raises:
        ValueError: a ``spa_exclude`` prefix does not start with ``/``.
    """

    def __init__(
        self,
        *,
        router: Router[Route],
        websocket_router: Router[Callable[[WebSocket, dict[str, Any]], Awaitable[None]]],
        media: MediaRegistry,
        hooks: Hooks,
        exception_handlers: ExceptionHandlers,
        lifespan: Lifespan,
        debug: bool = False,
        max_request_size: int = DEFAULT_MAX_REQUEST_SIZE,
        strict_negotiation: bool = False,
        sessions: Callable[[], SessionCodec] | None = None,
        stored_sessions: Callable[[], StoredSessionCodec] | None = None,
        websocket_idle_timeout: float | None = None,
        gzip: bool = True,
        spa_exclude: Iterable[str] = (),
        redirect_slashes: bool = True,
        auto_etag: bool = False,
    ) -> None:
        self.router = router
        self.websocket_router = websocket_router
        self.media = media
        self.hooks = hooks
        self.exception_handlers = exception_handlers
        self.lifespan = lifespan
        self.debug = debug
        self.max_request_size = max_request_size
        self.strict_negotiation = strict_negotiation
        self.sessions = sessions
        self.stored_sessions = stored_sessions
        self.websocket_idle_timeout = websocket_idle_timeout
        self.gzip = gzip
        self.redirect_slashes = redirect_slashes
        self.auto_etag = auto_etag
        #: Runs the sync work views queue with ``resp.background`` (the lifespan drains it).
        self.background = lifespan.background or BackgroundQueue()
        #: Mounted apps by prefix, checked before routing: ``(prefix, prefix + "/", app)``.
        self.mounts: list[tuple[str, str, ASGIApp]] = []
        #: The single-page-app view that answers GETs no route matched (``static=True``).
        self.spa_fallback: Callable[[Request, Response], None] | None = None
        #: Prefixes (``/api`` and ``/api/``) under which an unknown path is always a 404.
        self.spa_exclude = tuple(_prefix_pair(prefix) for prefix in spa_exclude)
        #: Whether the observing layer is on: then the matched route's template (a
        #: mount's prefix) is written into ``scope[self.route_slot]`` for its labels.
        self.observed = False
        #: The layer's scope key (``layers.observe.ROUTE_SLOT``), set with ``observed``
        #: when the stack is built: an app that observes nothing never loads the layer.
        self.route_slot = ""
        #: WebSocket routes' templates by ``id`` of their handler (for the observer).
        self.websocket_paths: dict[int, str] = {}
        #: The open WebSocket connections, closed with 1001 when the server stops.
        self.sockets: set[WebSocket] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch by connection type."""
        kind = scope["type"]
        if kind == "lifespan":
            await self.lifespan(scope, receive, send)
            return
        path = scope["path"]
        if scope.get("root_path"):  # served under a prefix (a mount, --root-path)
            path = route_path(scope)
        if self.mounts:
            mounted = self._mounted(scope, path)
            if mounted is not None:
                app, child_scope = mounted
                await app(child_scope, receive, send)
                return
        if kind == "http":
            await self.http(scope, receive, send, path)
        elif kind == "websocket":
            await self.websocket(scope, receive, send, path)

    def _mounted(self, scope: Scope, path: str) -> tuple[ASGIApp, Scope] | None:
        """The mounted app for this path (prefix matched on segment boundaries) and its scope.

        As the ASGI spec says and Starlette's ``Mount`` does: ``path`` and
        ``raw_path`` stay whole and ``root_path`` gains the prefix, so the app
        routes on what follows its root and builds URLs that keep the prefix.
        """
        for prefix, prefix_slash, app in self.mounts:
            if path == prefix or path.startswith(prefix_slash):
                if self.observed and (slot := scope.get(self.route_slot)) is not None:
                    slot[0] = prefix  # no slot: a WebSocket with metrics or logs but no tracer
                root = scope.get("root_path", "") + prefix
                # The mounted app is the top of its own routing tree: Starlette's url_for
                # builds on app_root_path, and a router found in the scope would be the
                # router of an app this API is itself mounted in.
                child = {**scope, "root_path": root, "app_root_path": root}
                child.pop("router", None)
                return app, child
        return None

    # PERF: one coroutine frame for the whole request, so its branches stay inline (C901).
    async def http(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:  # noqa: C901
        """Answer one HTTP request; ``path`` is what this app routes on (after ``root_path``)."""
        match = self.router.match(path)
        params = match[1] if match is not None else {}
        if self.observed and match is not None:
            scope[self.route_slot][0] = match[0].template.template
        req = Request(scope, receive, self.media, self.max_request_size, params, self.sessions)
        resp = Response(req, self.media, strict_negotiation=self.strict_negotiation)
        unhandled: BaseException | None = None
        hooks = self.hooks
        try:
            if self.stored_sessions is not None:  # async store: read before any hook looks
                await self.stored_sessions().preload(req)
            if not (hooks.before and await run_before(hooks.before, resp, req, resp)):
                if match is not None:
                    handler = match[0].handlers.get(scope["method"])
                    if handler is None:
                        raise HTTPMethodNotAllowed(match[0].allowed)
                    direct = handler.direct
                    if direct is not None:
                        value = await direct(req, resp, **params)
                        if value is not None:  # PERF: a view that mutates resp pays this only
                            handler.settle(resp, value)
                    else:
                        await handler(req, resp, params)
                elif not self.unmatched(req, resp, path):
                    # PERF: raised here, not in unmatched: one traceback frame less per 404.
                    raise HTTPNotFound(detail=f"Nothing lives at {scope['path']!r}.")
        except Exception as exc:  # noqa: BLE001 - every failure becomes a response
            resp = self._answering(req, resp, exc)
            unhandled = await self.handle_exception(req, resp, exc)
        if hooks.after:
            try:
                await run_hooks(hooks.after, req, resp)
            except Exception as exc:  # noqa: BLE001 - a failing hook becomes a response too
                unhandled = await self.handle_exception(req, resp, exc) or unhandled
        stored = self.stored_sessions
        if stored is not None and req.loaded_session is not None:
            resp, unhandled = await self._save_session(stored(), req, resp, unhandled)
        head = scope["method"] == "HEAD"
        try:
            await resp.send_to(send, head, self.gzip, self.auto_etag)
        except Exception as exc:  # e.g. media that cannot be encoded
            if resp.started:
                # A second start message would be refused by the server, or (through a
                # compressing middleware) be appended to the body as if it belonged
                # there. Re-raised, the error makes the server log this traceback once
                # and cut the response short, so the client never takes it for complete.
                raise
            resp = Response(req, self.media)
            unhandled = await self.handle_exception(req, resp, exc)
            await resp.send_to(send, head, self.gzip, self.auto_etag)
        finally:
            # Dependencies' teardowns, once the response is out (only if a provider ran).
            used = scope.get(DEPENDENCIES)
            if used is not None:
                await used.close()
            if req.uploads is not None:  # multipart files: closed, those on disk deleted
                req.close_files()
        if unhandled is not None or resp._after is not None:
            await self._after_sending(resp, unhandled)

    async def _save_session(
        self,
        codec: StoredSessionCodec,
        req: Request,
        resp: Response,
        unhandled: BaseException | None,
    ) -> tuple[Response, BaseException | None]:
        """Write a changed stored session, once; a store that fails makes the answer a 503."""
        try:
            await codec.persist(req)
        except Exception as exc:  # noqa: BLE001 - the failure becomes the response
            req.loaded_session = None  # no cookie naming a session that was not saved
            resp = Response(req, self.media, strict_negotiation=self.strict_negotiation)
            unhandled = await self.handle_exception(req, resp, exc) or unhandled
        return resp, unhandled

    async def _after_sending(self, resp: Response, unhandled: BaseException | None) -> None:
        """Run the work the view queued; re-raise a bug once its 500 went out.

        The queued calls run after the request's dependencies were torn down,
        so the resources they held are free; pass a call what it needs. A bug
        is re-raised, so the server logs it and test clients see it. (A bug's
        500 has no queued work: :meth:`handle_exception` dropped it.)
        """
        if unhandled is not None:
            raise unhandled
        await run_after(resp._after or [], self.background, resp.req.scope)

    def _answering(self, req: Request, resp: Response, exc: Exception) -> Response:
        """The response that answers ``exc``: a fresh one after a timeout, else ``resp``.

        A sync view that overran may still be writing to its own, in a thread.
        """
        if isinstance(exc, RequestTimeout):
            return Response(req, self.media, strict_negotiation=self.strict_negotiation)
        return resp

    def unmatched(self, req: Request, resp: Response, path: str) -> bool:
        """Answer a path no route matches with a slash redirect or the SPA page, if either fits.

        Returns:
            Whether it answered; if not, the path gets its 404.
        """
        if self.redirect_slashes and (location := self._other_slash(req.scope, path)):
            resp.redirect(location, status_code=307)
            return True
        if self.spa_fallback is not None and _is_page_request(req, path, self.spa_exclude):
            self.spa_fallback(req, resp)
            return True
        return False

    def _other_slash(self, scope: Scope, path: str) -> str | None:
        """Where ``path`` lives with its trailing slash toggled, if a route answers there.

        The ``Location`` keeps ``root_path`` and the query string. It is always
        a path on this site: a path that would start with ``//`` (``//evil.com/``
        → ``//evil.com``, which a browser reads as another host) gets its 404.
        """
        if path == "/":
            return None
        slash = path.endswith("/")
        if not (slash or self.router.slash_paths):  # PERF: no route could take the slash
            return None
        other = path[:-1] if slash else path + "/"
        location = (scope.get("root_path") or "") + other
        if location.startswith("//") or self.router.match(other) is None:
            return None
        # Escaped as a path: a decoded "?", "#" or "\\" must not change what the URL means.
        location = quote(location, safe="/!$&'()*+,;=:@~", errors="surrogatepass")
        query = scope.get("query_string")
        return f"{location}?{query.decode('latin-1')}" if query else location

    async def handle_exception(
        self, req: Request, resp: Response, exc: Exception
    ) -> BaseException | None:
        """Turn ``exc`` into a response; return it when it is a bug to re-raise.

        A user handler that sets no status answers with the exception's own:
        an ``HTTPError``'s status and headers, or 500 for anything else, never
        a 200 for a failure (nor a status the view set before it raised).
        """
        if self.debug:  # only a debug app looks (its module loads with response models)
            from .resources.validation import ResponseModelError

            if isinstance(exc, ResponseModelError):
                exc = exc.error  # the mismatch itself, shown and re-raised like any bug
        found = self.exception_handlers.find(type(exc))
        if found is not None:
            resp.status_code = None
            try:
                await found(req, resp, exc)
            except Exception as raised:  # noqa: BLE001 - a failing handler is a 500, not a crash
                exc = raised
            else:
                if resp.status_code is None:
                    _default_status(resp, exc)
                return None
        if isinstance(exc, HTTPError):
            set_problem(resp, exc)
            return None
        resp.clear()  # nothing a failed view half-set (headers, cookies) goes out with a 500
        resp.clear_background()  # nor does the work it queued for after its answer
        set_problem(resp, _internal_error(exc, self.debug))
        return exc

    async def websocket(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """Run the WebSocket endpoint for this path, or refuse the handshake.

        A client that goes away ends the handler quietly. Any other exception
        closes the connection with 1011 and is re-raised for the server to log.
        """
        # Imported per connection: an app without WebSockets never loads starlette.websockets.
        from .websockets import WebSocket, WebSocketDisconnect, WebSocketState

        match = self.websocket_router.match(path)
        ws = WebSocket(scope, receive, send, idle_timeout=self.websocket_idle_timeout)
        if match is None:
            await ws.close(code=1008)  # before accepting: the server answers 403
            return
        endpoint, params = match
        scope["path_params"] = params
        self.sockets.add(ws)
        # Only a tracer gives a WebSocket a slot; metrics and access lines count HTTP only.
        if self.observed and (slot := scope.get(self.route_slot)) is not None:
            from .layers.observe import UNMATCHED  # loaded with the layer that made the slot

            slot[0] = self.websocket_paths.get(id(endpoint), UNMATCHED)
        try:
            for hook in self.hooks.websocket_before:
                await hook(ws)
                if ws.application_state == WebSocketState.DISCONNECTED:
                    return  # the hook closed the connection: it answered
            await endpoint(ws, params)
        except WebSocketDisconnect:
            return
        except Exception:
            if ws.application_state != WebSocketState.DISCONNECTED:
                await ws.close(code=1011)
            raise
        finally:
            self.sockets.discard(ws)

    async def close_websockets(self) -> None:
        """Close every open WebSocket with 1001 (going away): the server is stopping."""
        if not self.sockets:
            return
        from .websockets import WebSocketState

        for ws in list(self.sockets):
            if ws.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):  # a peer gone already: nothing to tell
                    await ws.close(code=1001, reason="server shutting down")


def _is_page_request(req: Request, path: str, exclude: tuple[tuple[str, str], ...]) -> bool:
    """A browser navigating: a GET or HEAD naming ``text/html`` in Accept, outside API prefixes.

    A wildcard does not count: curl and ``fetch`` send ``*/*``, and an API
    client that accepts anything must get an honest 404, not ``index.html``.
    """
    if req.scope["method"] not in ("GET", "HEAD"):
        return False
    if any(path == prefix or path.startswith(slash) for prefix, slash in exclude):
        return False
    named = [entry for entry in parse_accept(req.header(b"accept")) if entry.specificity >= 2]
    return quality(named, "text/html") > 0


def _prefix_pair(prefix: str) -> tuple[str, str]:
    """``"/api/"`` → ``("/api", "/api/")``: a prefix matched on segment boundaries."""
    if not isinstance(prefix, str) or not prefix.startswith("/"):
        raise ValueError(f"A spa_exclude prefix must start with '/': {prefix!r}.")
    prefix = prefix.rstrip("/")
    return prefix, prefix + "/"


def set_problem(resp: Response, error: HTTPError) -> None:
    """Make ``resp`` an RFC 9457 problem-details response for ``error``.

    The body is encoded when the response renders, in the format and with the
    type :mod:`responder.problems` gives every error answer; until then after
    hooks see it as ``resp.media`` and it keeps the view's cookies and session.
    """
    resp.status_code = error.status
    resp.forget_representation()  # a Content-Type the view set must not label the problem
    if error.headers:
        resp.headers.update(error.headers)
    resp.media = error.to_dict()
    resp.is_problem = True


def _default_status(resp: Response, exc: Exception) -> None:
    """The status (and headers) a handled exception answers with when its handler set none."""
    if isinstance(exc, HTTPError):
        resp.status_code = exc.status
        for name, value in exc.headers.items():  # e.g. Allow with a 405, Retry-After with a 429
            resp.headers.setdefault(name, value)
    else:
        resp.status_code = 500


def _internal_error(exc: BaseException, debug: bool) -> HTTPError:
    if not debug:
        return HTTPError(500, detail="The server failed to answer this request.")
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return HTTPError(500, detail=f"{type(exc).__name__}: {exc}", traceback="".join(lines))
