"""HTTPS only: redirect plain HTTP to HTTPS, and tell browsers to never come back on HTTP.

Plain ``http://`` requests are redirected to the same URL on ``https://``:
**301** for GET and HEAD, **308** for every other method (so a POST is
repeated as a POST, with its body). WebSocket handshakes on ``ws://`` are sent
to ``wss://`` the same way (or refused when the server cannot send an HTTP
answer to a handshake). Every HTTPS response carries
``Strict-Transport-Security``.

Behind a proxy that terminates TLS, the app sees the proxy's scheme: run
uvicorn with ``--proxy-headers --forwarded-allow-ips=<proxy address>`` so
that ``X-Forwarded-Proto: https`` is believed; otherwise every request looks
like plain HTTP and is redirected forever.
"""

from __future__ import annotations

from urllib.parse import quote

from ..errors import HTTPBadRequest
from ..media import MediaRegistry
from ..problems import send_answer, send_problem
from ..types import ASGIApp, Message, Receive, Scope, Send
from ._asgi import get_header, parse_host, request_header, response_headers

__all__ = ["STRICT_TRANSPORT_SECURITY", "HSTSLayer"]

#: The ``Strict-Transport-Security`` value: one year, subdomains included.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

_SECURE = {"http": "https", "ws": "wss"}
# Characters kept as they are in the redirect's path and query; the rest is percent-encoded,
# so that whatever the request line held, Location is a valid header and a valid URL.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"


class HSTSLayer:
    """Redirect HTTP to HTTPS and add ``Strict-Transport-Security`` to HTTPS responses.

    The redirect goes to the host named by the request's ``Host`` header. Port
    80 is dropped (HTTPS is on 443); any other explicit port is kept, which is
    what browsers do for an HSTS host (RFC 6797 §8.3). A request with no usable
    ``Host`` gets 400, as there is nowhere to send it.

    A response that already has ``Strict-Transport-Security`` keeps its own.

    Args:
        app: the ASGI app.
        media: the registry that encodes problem details (the API's).

    Attributes:
        sts: the header value sent; :data:`STRICT_TRANSPORT_SECURITY` unless
            changed on the class (before the first request) or on an instance.
    """

    sts: str = STRICT_TRANSPORT_SECURITY

    def __init__(self, app: ASGIApp, media: MediaRegistry | None = None) -> None:
        self.app = app
        self.media = media if media is not None else MediaRegistry()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Redirect insecure connections; mark secure responses."""
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scheme = scope.get("scheme") or ("http" if kind == "http" else "ws")
        if scheme in _SECURE:
            await self.redirect(scope, send, _SECURE[scheme])
        elif kind == "http":
            value = self.sts.encode("latin-1")

            async def send_with_sts(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = response_headers(message)
                    if get_header(headers, b"strict-transport-security") is None:
                        headers.append((b"strict-transport-security", value))
                await send(message)

            await self.app(scope, receive, send_with_sts)
        else:
            await self.app(scope, receive, send)

    async def redirect(self, scope: Scope, send: Send, scheme: str) -> None:
        """Answer with a redirect to the same URL on ``scheme``."""
        parsed = parse_host(request_header(scope, b"host"))
        if parsed is None:
            detail = "The request has no valid Host header to redirect to HTTPS."
            await send_problem(scope, send, self.media, HTTPBadRequest(detail=detail))
            return
        host, port = parsed
        netloc = host if port in (None, "80", "443") else f"{host}:{port}"
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        location = f"{scheme}://{netloc}{quote(raw_path, safe=_PATH_SAFE)}"
        query = scope.get("query_string", b"")
        if query:
            location += "?" + quote(query, safe=_QUERY_SAFE)
        status = 301 if scope.get("method", "GET") in ("GET", "HEAD") else 308
        await send_answer(scope, send, status, [(b"location", location.encode("ascii"))])
