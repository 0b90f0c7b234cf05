"""Problem details (RFC 9457): the one place an ``HTTPError`` becomes status, headers and body.

Every error answer is written by :func:`render_problem` (or, for views, by its
format choice :func:`problem_handler`), so the same error and ``Accept`` header
give the same bytes wherever the error is raised:

- views, hooks and the framework's own errors, through ``Response`` (which
  keeps what a view set: cookies, the session, after-hooks' changes);
- answers given outside the app with :func:`send_problem`: the layers
  (trusted hosts, HTTPS, CORS), the rate limiter, WebSocket handshakes the
  server lets us answer with a body;
- mounted ASGI apps of our own with :func:`problem_app` (static files).

The format is negotiated through the media registry exactly as for
``resp.media``; when nothing the client accepts fits, the default format
(JSON) answers, even under strict negotiation: an error is never replaced by a
406. Lower in the graph than the app, the layers and the API: it imports only
``_headers``, ``errors``, ``media`` and ``types``.
"""

from __future__ import annotations

from ._headers import RawHeaders, add_vary, request_header, set_header
from .errors import HTTPError
from .media import MediaHandler, MediaRegistry
from .types import ASGIApp, Receive, Scope, Send

__all__ = [
    "RawHeaders",
    "Rendered",
    "problem_app",
    "problem_handler",
    "render_problem",
    "send_answer",
    "send_problem",
]

#: What an answer is made of: status, raw headers (without Content-Length), body.
Rendered = tuple[int, RawHeaders, bytes]


def problem_handler(registry: MediaRegistry, accept: str | None) -> MediaHandler:
    """The handler problem details are written with: the negotiated one, else the default.

    Never strict: a client that accepts nothing we write still learns what went
    wrong, in the default format, rather than getting a 406 in its place.
    """
    choice = registry.negotiate(accept)
    return choice[0] if choice is not None else registry.default


def render_problem(error: HTTPError, registry: MediaRegistry, accept: str | None) -> Rendered:
    """``error`` as problem details in the format ``accept`` asks for.

    The headers are the error's own (``Allow``, ``Retry-After``, …), then the
    problem ``Content-Type`` of the chosen format (replacing any the error
    carried) and ``Accept`` merged into ``Vary``.

    Args:
        error: what to answer with.
        registry: the media registry that negotiates and encodes.
        accept: the request's ``Accept`` header; None when absent.

    Returns:
        The status, the raw headers and the encoded body.
    """
    handler = problem_handler(registry, accept)
    body = handler.serialize(error.to_dict())
    headers: RawHeaders = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in error.headers.items()
    ]
    set_header(headers, b"content-type", handler.problem_content_type.encode("latin-1"))
    add_vary(headers, "Accept")
    return error.status, headers, body


async def send_answer(
    scope: Scope, send: Send, status: int, headers: RawHeaders, body: bytes = b""
) -> None:
    """Answer a request without reaching the app (a layer's refusal, a redirect, a preflight).

    On a WebSocket handshake the answer goes out as an HTTP response when the
    server supports the ``websocket.http.response`` extension; otherwise the
    handshake is refused (the server then answers 403). A HEAD request gets the
    headers only, ``Content-Length`` included.
    """
    if status not in (204, 304) and status >= 200:
        headers = [*headers, (b"content-length", str(len(body)).encode("latin-1"))]
    else:
        body = b""
    if scope["type"] == "websocket":
        if "websocket.http.response" not in (scope.get("extensions") or {}):
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
        return
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


async def send_problem(
    scope: Scope, send: Send, registry: MediaRegistry, error: HTTPError
) -> None:
    """Answer with ``error`` as problem details, negotiated on the request's ``Accept``."""
    status, headers, body = render_problem(error, registry, request_header(scope, b"accept"))
    await send_answer(scope, send, status, headers, body)


def problem_app(error: HTTPError, registry: MediaRegistry) -> ASGIApp:
    """A tiny ASGI app answering every request with ``error``, in the client's format."""

    async def answer(scope: Scope, receive: Receive, send: Send) -> None:
        await send_problem(scope, send, registry, error)

    return answer
