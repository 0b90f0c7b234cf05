"""Optional layers around the app: request IDs, trusted hosts, HTTPS/HSTS and CORS; gzip.

Each layer is present only when the API is configured for it. They wrap the
app (and any ``add_middleware`` middleware) in this order, outermost first::

    RequestIDLayer      request_id=True
    TrustedHostLayer    allowed_hosts=[...]
    HSTSLayer           enable_hsts=True
    CORSLayer           cors=True, cors_params={...}
    (middleware added with api.add_middleware, then the app)

gzip (on by default, ``gzip=False`` turns it off) is not a layer around the
app: a response compresses its own body when it renders, where the body is
already known, so that small responses pay nothing for it. Only mounted apps
(static files, WSGI/ASGI apps) are wrapped in a :class:`GZipLayer`, one each,
when they are mounted; files sent with ``resp.file`` pass through the same
code (:mod:`responder.layers.compression`).

Why this order:

- **Request IDs** first, so that every answer, including the ones the other
  layers give themselves (400 for a bad host, HTTPS redirects, CORS
  preflights), carries an ``X-Request-ID`` to find it in the logs.
- **Trusted hosts** next: a request for a foreign host is refused before any
  other work, and in particular before the HTTPS redirect builds its
  ``Location`` from the ``Host`` header (an attacker's host would otherwise
  make it an open redirect).
- **HSTS** before CORS: plain-HTTP requests, preflights included, are sent to
  HTTPS first; everything answered over HTTPS, preflights included, gets
  ``Strict-Transport-Security``.
- **CORS** last: preflights are answered without reaching the app, and the
  CORS headers go on every response of the app, errors included.

What the layers answer themselves is tiny and never compressed; refusals are
problem details written by :mod:`responder.problems`, as the app's errors are.
``response_headers`` and ``set_header`` are the seam for layers written
elsewhere (the rate limiter) that put headers on the app's responses.
"""

from __future__ import annotations

from typing import Any

from ..types import ASGIApp
from ._asgi import response_headers, set_header
from .compression import GZipLayer
from .cors import CORSLayer, CORSPolicy
from .hosts import HostPatterns, TrustedHostLayer
from .hsts import HSTSLayer
from .request_id import RequestIDLayer

__all__ = [
    "CORSLayer",
    "GZipLayer",
    "HSTSLayer",
    "RequestIDLayer",
    "TrustedHostLayer",
    "response_headers",
    "set_header",
    "validate",
    "wrap",
]


def wrap(app: ASGIApp, api: Any) -> ASGIApp:
    """Wrap ``app`` in the layers ``api`` is configured for, and only those.

    Raises:
        ValueError: ``cors_params`` or ``allowed_hosts`` is malformed, has
            unknown keys, or allows any origin with credentials.
        TypeError: a setting has the wrong type (e.g. a string for a list).
    """
    media = api.media
    if api.cors:
        app = CORSLayer(app, media, **(api.cors_params or {}))
    if api.enable_hsts:
        app = HSTSLayer(app, media)
    if api.allowed_hosts:
        app = TrustedHostLayer(app, api.allowed_hosts, media)
    if api.request_id:
        app = RequestIDLayer(app)
    return app


def validate(api: Any) -> None:
    """Check the layer settings of ``api`` without building anything.

    ``wrap`` runs on the first request; call this at configuration time to
    report a bad ``cors_params`` or ``allowed_hosts`` right away.

    Raises:
        ValueError, TypeError: as :func:`wrap`.
    """
    if api.cors:
        CORSPolicy.from_params(api.cors_params or {})
    if api.allowed_hosts:
        HostPatterns(api.allowed_hosts)
