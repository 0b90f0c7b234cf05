"""Request IDs: one identifier per request, for views, logs and the client.

An incoming ``X-Request-ID`` (set by a proxy or a calling service) is kept
when it is sane, so one ID follows a request across services; otherwise a new
one is made. Views read it as ``req.state.request_id``; every response,
errors included, carries it back in ``X-Request-ID``.
"""

from __future__ import annotations

import os
import re

from ..types import ASGIApp, Message, Receive, Scope, Send
from ._asgi import response_headers, set_header

__all__ = [
    "REQUEST_ID_HEADER",
    "RequestIDLayer",
    "assign_request_id",
    "is_sane_request_id",
    "tag_response",
]

#: The request and response header that carries the ID.
REQUEST_ID_HEADER = "X-Request-ID"

# 1 to 128 characters of letters, digits and ``. _ : -``: enough for UUIDs (with or
# without dashes), ULIDs, trace IDs and ``service:counter`` forms, and nothing that
# could break a log line, a header or a shell (no spaces, quotes, CR/LF, non-ASCII).
_SANE = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")
_CARRIERS = frozenset({"http.response.start", "websocket.accept", "websocket.http.response.start"})


def is_sane_request_id(value: bytes) -> bool:
    """Whether an incoming ``X-Request-ID`` value may be reused as it is."""
    return _SANE.fullmatch(value) is not None


class RequestIDLayer:
    """Give every HTTP request and WebSocket handshake an ID.

    The ID is the client's ``X-Request-ID`` when exactly one is sent and it is
    sane (:func:`is_sane_request_id`); otherwise 16 fresh random bytes from
    ``os.urandom`` as 32 lowercase hex digits (what ``uuid4().hex`` gives, at a
    fifth of its cost: no ``UUID`` object is built). It is
    stored in ``scope["state"]["request_id"]`` (``req.state.request_id``) and
    set as the ``X-Request-ID`` header of the response (or of the WebSocket
    handshake's answer), replacing any the app set.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Assign the ID, then tag the response with it."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = assign_request_id(scope)

        async def send_with_id(message: Message) -> None:
            if message["type"] in _CARRIERS:
                tag_response(message, raw)
            await send(message)

        await self.app(scope, receive, send_with_id)


def assign_request_id(scope: Scope) -> bytes:
    """Give the request its ID, in ``scope["state"]["request_id"]``; returns it as header bytes.

    The observing layer calls this itself when it is present (one ``send``
    wrapper per request instead of two), and tags the response with
    :func:`tag_response`.
    """
    sent = [value for key, value in scope.get("headers", ()) if key == _NAME]
    if len(sent) == 1 and is_sane_request_id(sent[0]):
        raw = bytes(sent[0])
        text = raw.decode("ascii")
    else:
        text = os.urandom(16).hex()
        raw = text.encode("ascii")
    scope.setdefault("state", {})["request_id"] = text
    return raw


def tag_response(message: Message, raw: bytes) -> None:
    """Set ``X-Request-ID: raw`` on a response's start (or handshake) message, replacing any.

    The usual case, an app that set no ID of its own, is one scan of the
    names and a new list with the ID added; the message's own list is never
    changed, as an app may send the same prebuilt one each time.
    """
    headers = message.get("headers", ())
    for key, _ in headers:
        if key.lower() == _NAME:  # the app set one: keep only ours
            set_header(response_headers(message), _NAME, raw)
            return
    message["headers"] = [*headers, (_NAME, raw)]
