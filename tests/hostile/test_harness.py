"""The hostile suite's own tools work: a live server's URL, PID, memory and log; raw requests."""

from tests.e2e.server import live_uvicorn, raw_request


def test_live_server_reports_memory_and_answers_raw_requests():
    with live_uvicorn("tests.cli.apps.hello_app:api") as server:
        assert server.rss_kib() > 1000
        answer = raw_request(server.url, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200 ")
        assert answer.endswith(b"hello from api")
