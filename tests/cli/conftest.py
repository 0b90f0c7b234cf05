"""A static file server on loopback that the URL targets are downloaded from."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from .harness import APPS, free_port, serving


@pytest.fixture(scope="module")
def files_url() -> Iterator[str]:
    """``http://127.0.0.1:PORT`` serving ``tests/cli/apps/``."""
    port = free_port()
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with serving([*argv, "--directory", str(APPS)], port) as server:
        yield server.url
