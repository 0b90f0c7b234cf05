"""Proxy headers are ignored unless asked for: ``responder run`` and ``api.run``, over HTTP.

uvicorn's own default trusts ``X-Forwarded-For`` and ``X-Forwarded-Proto`` from
127.0.0.1, so any local client (or a proxy that appends to the header) could
claim any address and slip past a rate limit keyed on it.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

import pytest

from .harness import PYTHON_M, free_port, serving

APP = "tests.cli.apps.whoami_app"
SPOOF = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def ask(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url + "/", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, {}


def responder_run(port: int, *options: str) -> list[str]:
    return [*PYTHON_M, "run", APP, "--port", str(port), *options]


def api_run(port: int, *options: str) -> list[str]:
    """``api.run(port=PORT, *options)``, each option Python source such as ``"x=1"``."""
    arguments = ", ".join([f"port={port}", *options])
    return [sys.executable, "-c", f"from {APP} import api; api.run({arguments})"]


IGNORED = {"client": "127.0.0.1", "scheme": "http"}
HONOURED = {"client": "203.0.113.7", "scheme": "https"}


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        (responder_run, (), IGNORED),
        (responder_run, ("--workers", "2"), IGNORED),
        (responder_run, ("--proxy-headers",), HONOURED),
        (responder_run, ("--forwarded-allow-ips", "127.0.0.1"), HONOURED),
        (responder_run, ("--forwarded-allow-ips", "10.9.9.9"), IGNORED),
        (responder_run, ("--proxy-headers", "--forwarded-allow-ips", "10.9.9.9"), IGNORED),
        (api_run, (), IGNORED),
        (api_run, ("forwarded_allow_ips='127.0.0.1'",), HONOURED),
        (api_run, ("proxy_headers=True",), HONOURED),
    ],
    ids=[
        "run",
        "run-workers",
        "run-proxy-headers",
        "run-allow-us",
        "run-allow-other",
        "run-proxy-headers-allow-other",
        "api.run",
        "api.run-allow-us",
        "api.run-proxy-headers",
    ],
)
def test_who_the_client_is(command, options, expected):
    port = free_port()
    with serving(command(port, *options), port) as server:
        status, seen = ask(server.url, SPOOF)
        assert (status, seen) == (200, expected), server.output()


@pytest.mark.parametrize("command", [responder_run, api_run], ids=["run", "api.run"])
def test_a_claimed_address_does_not_slip_past_the_limit(command):
    port = free_port()
    with serving(command(port), port) as server:
        statuses = [ask(server.url, {"X-Forwarded-For": f"198.51.100.{i}"})[0] for i in range(3)]
    assert statuses == [200, 200, 429]
