"""Over a real uvicorn server: teardown after the response is sent, typed inputs, 422s."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import msgpack
import yaml

from tests.e2e.server import live_uvicorn


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def test_teardown_runs_after_the_client_has_the_response():
    with live_uvicorn("tests.dependencies.live_app:api") as server:
        # The provider's teardown waits until released, so the response below
        # arrives while it is still pending: it was sent before the teardown.
        assert _get(server.url + "/held") == {"value": "held"}
        assert _get(server.url + "/events") == ["open", "view"]
        with urllib.request.urlopen(server.url + "/release", timeout=10):
            pass
        deadline = time.monotonic() + 10
        while _get(server.url + "/events") != ["open", "view", "closed"]:
            assert time.monotonic() < deadline, _get(server.url + "/events")
            time.sleep(0.05)


def _post(url: str, body: bytes, content_type: str, accept: str = "application/json"):
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "Accept": accept, "X-Client": "live"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers["content-type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], error.read()


def test_typed_inputs_in_three_formats_and_422s_over_http():
    order = {"item": "tea", "quantity": 2}
    bodies = [
        (json.dumps(order).encode(), "application/json"),
        (yaml.safe_dump(order).encode(), "application/x-yaml"),
        (msgpack.packb(order), "application/x-msgpack"),
        (b"item=tea&quantity=2", "application/x-www-form-urlencoded"),
    ]
    with live_uvicorn("tests.dependencies.live_app:api") as server:
        for body, content_type in bodies:
            status, _, answer = _post(server.url + "/orders/7?rush=true", body, content_type)
            assert status == 201, answer
            assert json.loads(answer) == {
                "shop": 7,
                "order": order,
                "rush": True,
                "client": "live",
            }
        status, kind, answer = _post(
            server.url + "/orders/7?rush=maybe",
            b"{item: tea, quantity: '2'}",
            "application/x-yaml",
            accept="application/x-yaml",
        )
        assert status == 422
        assert "yaml" in kind
        errors = yaml.safe_load(answer)["errors"]
        assert [(e["location"], e["name"]) for e in errors] == [
            ("query", "rush"),
            ("body", "quantity"),
        ]
