"""The in-process test client (``api.requests``, ``api.session()``).

Its library (httpx2) is a dependency of Responder, so a plain install can test
an app; it is imported only when a test asks for a client, so a server never
loads it.
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient as _StarletteTestClient

__all__ = ["DEFAULT_BASE_URL", "TestClient"]

#: Where relative request paths go: ``;`` is Responder's traditional test host.
DEFAULT_BASE_URL = "http://;"


class TestClient(_StarletteTestClient):
    """Starlette's TestClient, with Responder's default base URL ``http://;``."""

    __test__ = False  # not a pytest test class

    def __init__(self, app: Any, base_url: str = DEFAULT_BASE_URL, **options: Any) -> None:
        super().__init__(app, base_url=base_url, **options)
