"""Routers behind a real uvicorn server: prefixes, names, scoped hooks and WebSockets."""

import asyncio
import json

import httpx2 as httpx
import pytest
import websockets

from tests.e2e.server import live_uvicorn


@pytest.fixture(scope="module")
def server():
    with live_uvicorn("tests.routers.router_app:api") as live:
        yield live


def test_the_routers_hook_guards_its_routes_only(server):
    assert httpx.get(server.url + "/", timeout=10).text == "home"
    refused = httpx.get(server.url + "/v1/users/3", timeout=10)
    assert (refused.status_code, refused.json()) == (401, {"error": "no token"})
    ok = httpx.get(server.url + "/v1/users/3", headers={"authorization": "Bearer ok"}, timeout=10)
    assert ok.json() == {"id": 3, "self": "/v1/users/3"}


def test_a_routers_websocket_route_answers_under_the_prefix(server):
    async def talk():
        async with websockets.connect(server.url.replace("http", "ws") + "/v1/users/9/live") as ws:
            return json.loads(await ws.recv())

    assert asyncio.run(talk()) == {"id": 9}
