"""``responder run --server X`` and ``api.run(server=X)``: each server serving, over loopback.

Every server serves a JSON route and a WebSocket echo, runs the lifespan (the
startup handler's effect is in a response; the shutdown handler writes a file
that is read after the server stopped), runs ``--workers 2`` as two processes,
and trusts proxy headers only when told to.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect

from responder import API
from responder.servers import SERVERS

from .harness import PYTHON_M, Server, cli, free_port, get, serving

APP = "tests/cli/apps/lifespan_app.py"
SPOOF = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def run_argv(server: str, port: int, *options: str) -> list[str]:
    return [*PYTHON_M, "run", APP, "--server", server, "--port", str(port), *options]


@contextlib.contextmanager
def run_with_file(server: str, variable: str, path: Path, *options: str) -> Iterator[Server]:
    """``responder run`` the app under ``server``, telling it the file ``path`` by ``variable``."""
    port = free_port()
    with serving(run_argv(server, port, *options), port, env={variable: str(path)}) as running:
        yield running


def api_run_argv(server: str, port: int) -> list[str]:
    code = f"from tests.cli.apps.lifespan_app import api; api.run(server={server!r}, port={port})"
    return [sys.executable, "-c", code]


def get_json(url: str, headers: dict[str, str] | None = None) -> dict[str, object]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        return dict(json.loads(response.read()))


def ws_echo(url: str, *texts: str) -> list[str]:
    with connect(url.replace("http://", "ws://") + "/ws", open_timeout=10) as ws:
        replies = []
        for text in texts:
            ws.send(text)
            replies.append(str(ws.recv(timeout=10)))
        ws.send("bye")
    return replies


def stopped_lines(marker: Path) -> list[str]:
    return marker.read_text().splitlines() if marker.exists() else []


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("how", ["responder run", "api.run"])
def test_serves_http_websockets_and_the_lifespan(server, how, tmp_path):
    marker = tmp_path / "stopped.txt"
    port = free_port()
    argv = run_argv(server, port) if how == "responder run" else api_run_argv(server, port)
    env = {"RESPONDER_TEST_SHUTDOWN_FILE": str(marker)}
    with serving(argv, port, env=env) as running:
        body = get_json(running.url + "/json")
        assert body["hello"] == "world"
        state = get_json(running.url + "/state")
        assert state["started_in"] == state["pid"], running.output()  # startup ran there
        assert ws_echo(running.url, "one", "two") == ["echo: one", "echo: two"]
        assert stopped_lines(marker) == []
    assert stopped_lines(marker) == [f"stopped {state['pid']}"]


@pytest.mark.parametrize("server", SERVERS)
def test_two_workers_are_two_processes_each_with_its_lifespan(server, tmp_path):
    marker = tmp_path / "stopped.txt"
    with run_with_file(
        server, "RESPONDER_TEST_SHUTDOWN_FILE", marker, "--workers", "2"
    ) as running:
        pids: set[int] = set()
        # New connections until both workers answered; the port may accept before the
        # second worker has started (granian binds it in the parent), hence the deadline.
        deadline = time.monotonic() + 30
        while len(pids) < 2 and time.monotonic() < deadline:
            state = get_json(running.url + "/state")
            assert state["started_in"] == state["pid"]
            pids.add(int(str(state["pid"])))
        assert len(pids) == 2, running.output()
        assert running.proc.pid not in pids  # the parent supervises; the workers serve
        assert ws_echo(running.url, "hi") == ["echo: hi"]
    assert sorted(stopped_lines(marker)) == sorted(f"stopped {pid}" for pid in pids)


IGNORED = {"client": "127.0.0.1", "scheme": "http"}
HONOURED = {"client": "203.0.113.7", "scheme": "https"}


@pytest.mark.parametrize("server", ["granian", "hypercorn"])
@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), IGNORED),
        (("--proxy-headers",), HONOURED),
        (("--forwarded-allow-ips", "127.0.0.1", "--workers", "2"), HONOURED),
        (("--forwarded-allow-ips", "10.9.9.9"), IGNORED),
    ],
    ids=["default", "proxy-headers", "allow-us-workers", "allow-other"],
)
def test_proxy_headers_only_when_asked(server, options, expected):
    port = free_port()
    with serving(run_argv(server, port, *options), port) as running:
        assert get_json(running.url + "/client", SPOOF) == expected, running.output()


@pytest.mark.parametrize("server", ["granian", "hypercorn"])
def test_a_missing_server_names_its_extra(server):
    # The package is made unimportable in the child, as if it were not installed.
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules[{server!r}] = None
        from responder.cli import main
        raise SystemExit(main(["run", {APP!r}, "--server", {server!r}, "--port", "1"]))
        """
    )
    done = cli([], command=[sys.executable, "-c", code])
    assert done.returncode == 1
    assert f'pip install "responder[{server}]"' in done.stderr
    assert done.stderr.startswith("error: ")


def test_an_unknown_server_is_refused():
    done = cli(["run", APP, "--server", "gunicorn"])
    assert done.returncode == 2
    assert "invalid choice: 'gunicorn'" in done.stderr
    with pytest.raises(ValueError, match="unknown server 'gunicorn'"):
        API().run(server="gunicorn", port=free_port())


@pytest.mark.parametrize("server", ["granian", "hypercorn"])
@pytest.mark.parametrize("option", [{"workers": 2}, {"reload": True}])
def test_api_run_refuses_what_needs_an_import_string(server, option):
    with pytest.raises(ValueError, match=f"responder run --server {server}"):
        API().run(server=server, port=free_port(), **option)


def test_api_run_refuses_an_unknown_hypercorn_setting():
    with pytest.raises(ValueError, match="hypercorn has no setting 'keep_alive_forever'"):
        API().run(server="hypercorn", port=free_port(), keep_alive_forever=True)


@pytest.mark.parametrize("server", ["granian", "hypercorn"])
def test_debug_shows_tracebacks(server):
    port = free_port()
    argv = [*PYTHON_M, "run", "tests/cli/apps/hello_app.py", "--server", server]
    with serving([*argv, "--port", str(port), "--debug"], port) as running:
        status, body = get(running.url + "/boom")
        assert status == 500
        assert "RuntimeError: boom from the view" in body, running.output()


def test_neither_server_is_imported_until_chosen():
    code = (
        "import sys, responder, responder.cli\n"
        "responder.API()\n"
        "print(sorted(m for m in ('granian', 'hypercorn') if m in sys.modules))"
    )
    done = cli([], command=[sys.executable, "-c", code])
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.parametrize(
    ("server", "options"),
    [("granian", {}), ("hypercorn", {"workers": 2}), ("hypercorn", {"reload": True})],
)
def test_a_shutdown_delay_the_server_cannot_hold_is_refused(server, options, tmp_path):
    app = tmp_path / "delayed.py"
    app.write_text("import responder\napi = responder.API(shutdown_delay=5)\n")
    argv = ["run", str(app), "--server", server, "--port", str(free_port())]
    argv += ["--workers", "2"] if options.get("workers") else []
    argv += ["--reload"] if options.get("reload") else []
    done = cli(argv)
    assert done.returncode == 1
    assert done.stderr.startswith("error: API(shutdown_delay=) holds the server's"), done.stderr


def test_api_run_refuses_a_shutdown_delay_under_granian():
    with pytest.raises(ValueError, match=r"API\(shutdown_delay=\) holds the server's"):
        API(shutdown_delay=5).run(server="granian", port=free_port())


def test_hypercorn_holds_the_stop_for_the_shutdown_delay(tmp_path):
    app = tmp_path / "delayed.py"
    app.write_text(
        "import responder\n"
        "api = responder.API(ready_route='/ready', shutdown_delay=30)\n"
        "@api.route('/')\n"
        "def hello(req, resp):\n"
        "    resp.text = 'still here'\n"
    )
    port = free_port()
    argv = [*PYTHON_M, "run", str(app), "--server", "hypercorn", "--port", str(port)]
    with serving(argv, port, cwd=tmp_path) as running:
        assert get(running.url + "/ready")[0] == 200
        running.proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        status = 200
        while status == 200 and time.monotonic() < deadline:
            status = get(running.url + "/ready")[0]
        assert status == 503, running.output()  # draining, and the balancer can see it
        assert get(running.url + "/") == (200, "still here")  # while it goes on serving


@pytest.mark.parametrize("server", SERVERS)
def test_grace_cuts_a_request_still_running_after_sigterm(server, tmp_path):
    # The view sleeps two minutes; with --grace 1 the server must not wait for it.
    started = tmp_path / "slow.txt"
    with run_with_file(server, "RESPONDER_TEST_SLOW_FILE", started, "--grace", "1") as running:
        outcome: list[object] = []
        client = threading.Thread(target=lambda: outcome.append(_get_or_error(running.url)))
        client.start()
        deadline = time.monotonic() + 20
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), running.output()
        os.killpg(running.proc.pid, signal.SIGTERM)
        running.proc.wait(timeout=60)  # far less than the view's two minutes
        client.join(timeout=30)
        assert outcome and outcome[0] != (200, "finished"), outcome


def _get_or_error(url: str) -> object:
    try:
        return get(url + "/slow", timeout=90)
    except OSError as exc:
        return exc
