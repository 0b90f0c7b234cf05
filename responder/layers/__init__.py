"""Optional layers around the app: request IDs, security headers, trusted hosts, HTTPS, CORS.

Each layer is present only when the API is configured for it. They wrap the
app (and any ``add_middleware`` middleware) in this order, outermost first::

    RequestIDLayer      request_id=True (or enable_logging=True)
    ObserveLayer        metrics_route=, enable_logging=True, ext.otel.install
                        (assigns the request IDs itself when both are present)
    SecurityHeadersLayer  security_headers=True or {...}
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
- **Observing** next, so metrics, access lines and traces count every
  answer, the other layers' refusals included, and know the request's ID.
- **Security headers** next, for the same reason: the layers' own answers
  get ``nosniff`` and the rest too. A header already set inside is kept.
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

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..media import MediaRegistry
from ..types import ASGIApp
from .options import LayerOptions

if TYPE_CHECKING:
    from ._asgi import response_headers, set_header
    from .compression import GZipLayer
    from .cors import CORSLayer
    from .hosts import TrustedHostLayer
    from .hsts import HSTSLayer
    from .request_id import RequestIDLayer
    from .security import SecurityHeadersLayer

__all__ = [
    "CORSLayer",
    "GZipLayer",
    "HSTSLayer",
    "LayerOptions",
    "RequestIDLayer",
    "SecurityHeadersLayer",
    "TrustedHostLayer",
    "response_headers",
    "set_header",
    "wrap",
]


#: The layer classes and the header seam, each loaded from its module on first use (an API without
#: that layer never imports it).
_LAZY = {
    "response_headers": "_asgi",
    "set_header": "_asgi",
    "CORSLayer": "cors",
    "GZipLayer": "compression",
    "HSTSLayer": "hsts",
    "RequestIDLayer": "request_id",
    "SecurityHeadersLayer": "security",
    "TrustedHostLayer": "hosts",
}


def __getattr__(name: str) -> Any:
    """``responder.layers.CORSLayer``, the other layers and the header seam, loaded when asked."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def wrap(
    app: ASGIApp,
    options: LayerOptions,
    media: MediaRegistry,
    observe: Callable[[ASGIApp, bool], ASGIApp] | None = None,
) -> ASGIApp:
    """Wrap ``app`` in the layers ``options`` asks for, and only those.

    ``media`` writes the layers' own refusals in the client's format;
    ``observe(app, request_ids)`` wraps in the observing layer, which also
    assigns the request IDs when they are on.
    """
    if options.cors is not None:
        from .cors import CORSLayer

        app = CORSLayer(app, media, options.cors)
    if options.enable_hsts:
        from .hsts import HSTSLayer

        app = HSTSLayer(app, media)
    if options.allowed_hosts is not None:
        from .hosts import TrustedHostLayer

        app = TrustedHostLayer(app, options.allowed_hosts, media)
    if options.security is not None:
        from .security import SecurityHeadersLayer

        app = SecurityHeadersLayer(app, options.security)
    if observe is not None:
        # The observing layer assigns request IDs itself: one send wrapper, not two.
        app = observe(app, options.request_id)
    elif options.request_id:
        from .request_id import RequestIDLayer

        app = RequestIDLayer(app)
    return app
