"""Several server processes, one real redis-server: one chat room, one set of sessions.

The chat tutorial runs as two "hosts", each ``responder run --workers 2``, so
clients land on four worker processes; every message reaches every client.
The session app runs as two uvicorn processes on two ports.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import urllib.request
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from ..e2e.server import free_port, serve
from ..guide.test_websocket_chat import chat_in_room

pytestmark = pytest.mark.redis


def run(coro):
    """Run one conversation with a deadline, so a hang fails instead of stalling."""
    return asyncio.run(asyncio.wait_for(coro, 30))


@contextlib.contextmanager
def two_hosts(args: list[str], env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """``python <args> --port P`` twice, on two free ports; yield both base URLs."""
    with contextlib.ExitStack() as stack:
        urls = []
        for _ in range(2):
            port = free_port()
            urls.append(stack.enter_context(serve([*args, "--port", str(port)], port, env)))
        yield urls[0], urls[1]


@pytest.fixture(scope="module")
def chat_hosts(redis_url):
    args = ["-m", "responder", "run", "examples/websocket_chat.py:api", "--workers", "2"]
    with two_hosts(args, {"REDIS_URL": redis_url}) as urls:
        yield [url.replace("http://", "ws://") for url in urls]


def test_a_chat_message_reaches_every_client_on_every_worker_of_every_host(chat_hosts):
    # Clients alternate between the hosts; which worker of a host takes one, the OS picks.
    names = [f"client{number}" for number in range(6)]
    heard = run(chat_in_room(chat_hosts, names, "client3"))
    for number, name in enumerate(names):
        later = [f"{other} joined" for other in names[number:]]
        assert heard[name] == [*later, "hello from client3"], name


@pytest.fixture(scope="module")
def app_hosts(redis_url):
    env = {"REDIS_URL": redis_url, "SHARED_PREFIX": f"test:{uuid.uuid4().hex}:"}
    args = ["-m", "uvicorn", "tests.shared.shared_app:api", "--host", "127.0.0.1"]
    with two_hosts([*args, "--log-level", "warning"], env) as urls:
        yield urls


def get(url: str, cookie: str | None = None) -> tuple[dict, str | None]:
    request = urllib.request.Request(url, headers={"cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        set_cookie = response.headers.get("set-cookie")
        body = response.read()
    value = set_cookie.split(";", 1)[0] if set_cookie else None
    return (json.loads(body) if body else {}), value


def test_a_session_made_on_one_host_is_read_and_revoked_on_the_other(app_hosts):
    one, two = app_hosts
    _, cookie = get(f"{one}/login/ann")
    assert cookie is not None and "ann" not in cookie
    on_one, _ = get(f"{one}/me", cookie)
    on_two, _ = get(f"{two}/me", cookie)
    assert on_one["user"] == on_two["user"] == "ann"
    assert on_one["pid"] != on_two["pid"]
    _, deleted = get(f"{two}/logout", cookie)
    assert deleted == "session="
    assert get(f"{one}/me", cookie)[0]["user"] is None  # the replayed cookie is dead


def test_an_event_published_on_one_host_reaches_a_stream_on_the_other(app_hosts):
    one, two = app_hosts
    address = urlsplit(two)
    stream = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        stream.request("GET", "/news")
        response = stream.getresponse()
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.readline() == b": subscribed\n"
        assert response.readline() == b"\n"
        body = json.dumps({"headline": "shared"}).encode()
        request = urllib.request.Request(f"{one}/publish", data=body, method="POST")
        request.add_header("content-type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as published:
            assert published.status == 204
        event = [response.readline() for _ in range(3)]
        assert event == [b"event: news\n", b'data: {"headline":"shared"}\n', b"\n"]
    finally:
        stream.close()
