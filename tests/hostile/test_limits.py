"""Hostile input against the rate limiter, over real sockets: nobody slips past, nothing breaks.

Each row of ``ROWS`` is one way of trying to get more than the limit (3 per
hour) out of a live server: rotating a claimed address, hitting static files
or mounted apps, and so on. Every response must be a non-5xx, the fourth a
429 problem in the client's format. The memory rows measure the server's RSS
before and after a flood; the Redis rows stop and pause a real redis-server.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import yaml

from tests.cli.harness import serving
from tests.e2e.server import LiveServer, free_port, live_uvicorn, raw_request

from ..ext.redis_server import RedisServer, redis_server

TIMEOUT = 5  # seconds any one request may take before it counts as a hang


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def send(url: str, method: str, path: str, headers: dict[str, str]) -> Answer:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    try:
        conn.request(method, path, headers=headers)
        r = conn.getresponse()
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, LiveServer]]:
    """The limits apps: ``api`` under ``responder run`` (its defaults), the rest under uvicorn."""
    port = free_port()
    argv = [sys.executable, "-m", "responder", "run", "tests/hostile/limits_app.py:api"]
    with (
        serving([*argv, "--port", str(port)], port) as run,
        live_uvicorn("tests.hostile.limits_app:proxied") as proxied,
        live_uvicorn("tests.hostile.limits_app:xff_proxied") as xff_proxied,
    ):
        yield {
            "run": LiveServer(run.proc, run.url, run.log),
            "proxied": proxied,
            "xff_proxied": xff_proxied,
        }


@dataclass
class Row:
    """Four requests, the i-th with ``headers(i)``; the fourth must be refused."""

    server: str
    path: str
    headers: Callable[[int], dict[str, str]] = lambda i: {}
    method: str = "GET"
    accept: str = "application/json"
    problem_type: str = "application/problem+json"
    bodies: list[bytes] = field(default_factory=list)


ROWS = {
    # Claimed addresses, with no proxy trusted: uvicorn must not take them either.
    "x-forwarded-for rotation": Row("run", "/", lambda i: {"X-Forwarded-For": f"198.51.100.{i}"}),
    "forwarded rotation": Row("run", "/", lambda i: {"Forwarded": f"for=198.51.100.{i}"}),
    "x-real-ip rotation": Row("run", "/", lambda i: {"X-Real-IP": f"198.51.100.{i}"}),
    "huge x-forwarded-for": Row("run", "/", lambda i: {"X-Forwarded-For": f"{i}." * 8000}),
    # What a before hook never saw: static files and mounted apps.
    "static file": Row("run", "/static/hello.txt", bodies=[b"static hello\n"] * 3),
    "starlette mount": Row("run", "/starlette/hello", bodies=[b"starlette hello"] * 3),
    "flask mount": Row("run", "/flask/hello", bodies=[b"flask hello"] * 3),
    "head on a static file": Row("run", "/static/hello.txt", method="HEAD"),
    "429 in yaml": Row(
        "run", "/", accept="application/x-yaml", problem_type="application/problem+yaml"
    ),
    # Behind a proxy: the client's own header never beats the proxy's.
    "x-forwarded-for under a proxy's forwarded": Row(
        "proxied",
        "/",
        lambda i: {"Forwarded": "for=203.0.113.7", "X-Forwarded-For": f"198.51.100.{i}"},
    ),
    "forwarded prepended by the client": Row(
        "proxied", "/", lambda i: {"Forwarded": f"for=198.51.100.{i}, for=203.0.113.7"}
    ),
    "x-forwarded-for prepended by the client": Row(
        "xff_proxied", "/", lambda i: {"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.7"}
    ),
    "forwarded where the proxy appends x-forwarded-for": Row(
        "xff_proxied",
        "/",
        lambda i: {"Forwarded": f"for=198.51.100.{i}", "X-Forwarded-For": "203.0.113.7"},
    ),
}


def parse_problem(answer: Answer) -> dict:
    if answer.headers["content-type"] == "application/problem+yaml":
        return yaml.safe_load(answer.body)
    return json.loads(answer.body)


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_nobody_gets_past_the_limit(servers, row: Row):
    server = servers[row.server]
    before = server.rss_kib()
    tag = {"X-Row": uuid.uuid4().hex, "Accept": row.accept}
    answers = [send(server.url, row.method, row.path, {**tag, **row.headers(i)}) for i in range(4)]
    statuses = [a.status for a in answers]
    assert all(status < 500 for status in statuses), statuses
    assert statuses[3] == 429, (statuses, server.log())
    assert 429 not in statuses[:3]
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    if row.bodies:
        assert [a.body for a in answers[:3]] == row.bodies
    refused = answers[3]
    assert refused.headers["retry-after"] == "1200"
    assert refused.headers["content-type"] == row.problem_type
    if row.method == "HEAD":
        assert refused.body == b""
    else:
        assert parse_problem(refused)["status"] == 429
    assert server.rss_kib() - before < 20 * 1024


def test_404s_at_changing_paths_share_the_limit(servers):
    server, tag = servers["run"], {"X-Row": uuid.uuid4().hex}
    statuses = [send(server.url, "GET", f"/nothing/{i}", tag).status for i in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_a_raw_request_with_a_forged_forwarded_for_is_refused_in_turn(servers):
    """The bytes as written, so no client library drops or merges the forged headers."""
    url, row = servers["run"].url, uuid.uuid4().hex.encode()
    heads = []
    for i in range(4):
        request = (
            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Row: " + row + b"\r\n"
            b"X-Forwarded-For: 198.51.100.%d\r\nX-Forwarded-For: 203.0.113.%d\r\n\r\n" % (i, i)
        )
        heads.append(raw_request(url, request, timeout=TIMEOUT).split(b"\r\n", 1)[0])
    assert heads[:3] == [b"HTTP/1.1 200 OK"] * 3
    assert heads[3] == b"HTTP/1.1 429 Too Many Requests"


# -- memory -------------------------------------------------------------------------------------


def test_a_flood_of_64_kb_keys_leaves_memory_bounded():
    """2,000 distinct 64 KB keys were 128 MB of state before keys were bounded."""
    with live_uvicorn("tests.hostile.limits_app:big_keys") as server:
        host, port = server.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
        try:
            conn.request("GET", "/", headers={"X-Api-Key": "warm-up"})
            conn.getresponse().read()
            before = server.rss_kib()
            for i in range(2_000):
                conn.request("GET", "/", headers={"X-Api-Key": f"{i:05d}" + "k" * 65_530})
                r = conn.getresponse()
                r.read()
                assert r.status == 404
            after = server.rss_kib()
        finally:
            conn.close()
    assert after - before < 40 * 1024, f"RSS grew by {(after - before) // 1024} MB"


# -- Redis down or stalled ------------------------------------------------------------------------


@pytest.fixture
def redis(tmp_path) -> Iterator[RedisServer]:
    with redis_server(tmp_path) as server:
        yield server


def redis_app(redis: RedisServer, fail_open: bool):
    env = {
        "RATELIMIT_REDIS_URL": redis.url,
        "RATELIMIT_PREFIX": f"hostile:{uuid.uuid4().hex}:",
        "RATELIMIT_REQUESTS": "100",
        "RATELIMIT_PERIOD": "60",
        "RATELIMIT_FAIL_OPEN": "1" if fail_open else "0",
        # Longer than the default 0.25 s, so that a busy machine does not fail a healthy Redis.
        "RATELIMIT_TIMEOUT": "1",
    }
    return live_uvicorn("tests.ext.ratelimit_app:api", env=env)


def test_redis_down_lets_requests_through_and_logs_one_line(redis):
    with redis_app(redis, fail_open=True) as server:
        assert send(server.url, "GET", "/", {}).headers["x-ratelimit-remaining"] == "99"
        redis.stop()
        answers = [send(server.url, "GET", "/", {}) for _ in range(30)]
        log = server.log()
    assert {a.status for a in answers} == {200}
    assert not any("x-ratelimit-limit" in a.headers for a in answers)
    assert log.count("Rate limit store failing") == 1, log
    assert "Traceback" not in log


def test_redis_down_fails_closed_with_a_503_problem(redis):
    with redis_app(redis, fail_open=False) as server:
        redis.stop()
        answers = [
            send(server.url, "GET", "/", {"Accept": "application/x-yaml"}) for _ in range(5)
        ]
    assert {a.status for a in answers} == {503}
    assert answers[0].headers["content-type"] == "application/problem+yaml"
    assert yaml.safe_load(answers[0].body)["status"] == 503
    assert answers[0].headers["retry-after"] == "1"


def test_a_stalled_redis_freezes_nobody(redis):
    """Paused by SIGSTOP: every request is still answered, in parallel, within the timeout."""
    with redis_app(redis, fail_open=True) as server:
        redis.pause()
        try:
            answers: list[Answer] = []
            threads = [
                threading.Thread(target=lambda: answers.append(send(server.url, "GET", "/", {})))
                for _ in range(10)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(TIMEOUT * 2)
            log = server.log()
        finally:
            redis.resume()
    assert [a.status for a in answers] == [200] * 10
    assert log.count("Rate limit store failing") == 1, log
    assert "no answer within 1 s" in log
