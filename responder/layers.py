"""Optional layers around the app (CORS, HSTS, trusted hosts, gzip, request IDs).

Placeholder: being written now.
"""

from __future__ import annotations

from typing import Any

from .types import ASGIApp


def wrap(app: ASGIApp, api: Any) -> ASGIApp:
    """Wrap ``app`` in the layers ``api`` is configured for."""
    raise NotImplementedError("layers are not implemented yet")
