"""The in-process test client (``api.requests``, ``api.session()``).

Imported only when a test asks for it, so production never loads httpx.
"""

from __future__ import annotations

from starlette.testclient import TestClient as _StarletteTestClient

__all__ = ["TestClient"]


class TestClient(_StarletteTestClient):
    """Starlette's TestClient, with Responder's default base URL ``http://;``."""

    __test__ = False  # not a pytest test class
