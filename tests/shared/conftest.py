"""Fixtures for shared sessions and fan-out: a real redis-server per module, stores."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

import responder
from responder.session_stores import SessionStore

from ..ext.redis_server import redis_server


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server for this module; always stopped by PID."""
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


def make_store(kind: str, request: pytest.FixtureRequest, **options) -> SessionStore:
    """A fresh store of ``kind``; Redis keys under a prefix of this test's own."""
    if kind == "memory":
        return responder.MemorySessions(**options)
    url = request.getfixturevalue("redis_url")
    return responder.RedisSessions(url, prefix=f"test:{uuid.uuid4().hex}:", **options)
