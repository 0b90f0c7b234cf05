"""``responder run``: every TARGET form served for real by uvicorn, over HTTP on loopback."""

from __future__ import annotations

import shutil
import sys
import textwrap
import time

import pytest

from responder.servers import SERVERS

from .harness import APPS, PYTHON_M, SCRIPT, free_port, get, serving

HELLO = APPS / "hello_app.py"


def run(target: str, *options: str, command: list[str] | None = None) -> tuple[list[str], int]:
    port = free_port()
    argv = [*(command or PYTHON_M), "run", target, "--port", str(port), *options]
    return argv, port


@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("tests.cli.apps.hello_app", "hello from api"),
        ("tests.cli.apps.hello_app:other", "hello from other"),
        ("tests/cli/apps/hello_app.py", "hello from api"),
        ("tests/cli/apps/hello_app.py:other", "hello from other"),
    ],
    ids=["module", "module:name", "file", "file:name"],
)
def test_local_targets(target, body):
    argv, port = run(target)
    with serving(argv, port) as server:
        assert get(server.url + "/") == (200, body)


def test_file_outside_any_package_from_another_directory(tmp_path):
    app_dir, elsewhere = tmp_path / "app dir", tmp_path / "elsewhere"
    app_dir.mkdir()
    elsewhere.mkdir()
    shutil.copy(HELLO, app_dir / "standalone.py")
    argv, port = run(str(app_dir / "standalone.py") + ":other")
    with serving(argv, port, cwd=elsewhere) as server:
        assert get(server.url + "/") == (200, "hello from other")


def test_http_url_target(files_url):
    argv, port = run(f"{files_url}/hello_app.py#other")
    with serving(argv, port) as server:
        assert get(server.url + "/") == (200, "hello from other")


def test_http_url_target_default_name(files_url):
    argv, port = run(f"{files_url}/hello_app.py")
    with serving(argv, port) as server:
        assert get(server.url + "/") == (200, "hello from api")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_url_download_is_removed_when_the_server_stops(files_url, tmp_path, workers):
    argv, port = run(f"{files_url}/hello_app.py", "--workers", workers)
    with serving(argv, port, env={"TMPDIR": str(tmp_path)}) as server:
        assert get(server.url + "/") == (200, "hello from api")
        (download,) = tmp_path.glob("responder-run-*")
        assert [p.name for p in download.iterdir()] == ["hello_app.py"]
    assert not download.exists(), server.output()


def test_fsspec_url_target():
    # memory:// lives in one process: the file is put there, then the CLI runs in that process.
    code = textwrap.dedent(
        """
        import pathlib, sys
        import fsspec
        source = pathlib.Path(sys.argv[1]).read_bytes()
        fsspec.filesystem("memory").pipe("/apps/hello_app.py", source)
        from responder.cli import main
        url = "memory://apps/hello_app.py#other"
        raise SystemExit(main(["run", url, "--port", sys.argv[2]]))
        """
    )
    port = free_port()
    with serving([sys.executable, "-c", code, str(HELLO), str(port)], port) as server:
        assert get(server.url + "/") == (200, "hello from other")


@pytest.mark.parametrize(
    "target", ["tests.cli.apps.hello_app:other", "tests/cli/apps/hello_app.py"]
)
def test_installed_script(target):
    assert SCRIPT.is_file(), f"{SCRIPT} is missing: pip install -e '.[test]' makes it"
    argv, port = run(target, command=[str(SCRIPT)])
    with serving(argv, port) as server:
        status, body = get(server.url + "/")
        assert status == 200
        assert body.startswith("hello from ")


def pids_seen(url: str, want: int, timeout: float = 30) -> set[int]:
    """GET /pid on new connections until ``want`` distinct PIDs answered, or the timeout."""
    pids: set[int] = set()
    deadline = time.monotonic() + timeout
    for _ in range(5000):
        if len(pids) >= want or time.monotonic() > deadline:
            break
        status, body = get(url + "/pid")
        assert status == 200
        pids.add(int(body))
    return pids


@pytest.mark.parametrize("form", ["module", "file", "url"])
def test_workers_are_separate_processes(form, files_url):
    target = {
        "module": "tests.cli.apps.hello_app:other",
        "file": "tests/cli/apps/hello_app.py:other",
        "url": f"{files_url}/hello_app.py#other",
    }[form]
    argv, port = run(target, "--workers", "2")
    with serving(argv, port) as server:
        assert get(server.url + "/") == (200, "hello from other")
        pids = pids_seen(server.url, want=2)
        assert len(pids) == 2, f"only {pids} answered:\n{server.output()}"
        assert server.proc.pid not in pids  # the parent supervises; the workers serve


@pytest.mark.parametrize("workers", ["1", "2"])
def test_debug_shows_tracebacks(workers):
    argv, port = run("tests/cli/apps/hello_app.py", "--workers", workers, "--debug")
    with serving(argv, port) as server:
        status, body = get(server.url + "/boom")
        assert status == 500
        assert "RuntimeError: boom from the view" in body
        assert "Traceback" in body


def test_without_debug_no_traceback():
    argv, port = run("tests/cli/apps/hello_app.py")
    with serving(argv, port) as server:
        status, body = get(server.url + "/boom")
        assert status == 500
        assert "Traceback" not in body
        assert "boom from the view" not in body


def test_port_environment_variable():
    port = free_port()
    argv = [*PYTHON_M, "run", "tests.cli.apps.hello_app"]
    with serving(argv, port, env={"PORT": str(port)}) as server:
        assert get(server.url + "/") == (200, "hello from api")
        assert f"http://0.0.0.0:{port}" in server.output()


def test_port_option_wins_over_the_environment():
    port, unused = free_port(), free_port()
    argv = [*PYTHON_M, "run", "tests.cli.apps.hello_app", "--port", str(port)]
    with serving(argv, port, env={"PORT": str(unused)}) as server:
        assert get(server.url + "/") == (200, "hello from api")
        assert f"http://127.0.0.1:{port}" in server.output()


@pytest.mark.parametrize("server", SERVERS)
def test_reload_restarts_on_change(tmp_path, server):
    app = tmp_path / "reloaded.py"
    app.write_text(HELLO.read_text())
    argv, port = run(str(app), "--reload", "--server", server)
    with serving(argv, port, cwd=tmp_path) as server:
        assert get(server.url + "/") == (200, "hello from api")
        changed = HELLO.read_text().replace("hello from api", "hello, reloaded")
        deadline = time.monotonic() + 30
        body, written_at = "", 0.0
        while time.monotonic() < deadline:
            # The watcher may arm after the first answer: a write before that goes unseen,
            # so write again (about once a second) until the new code answers.
            if body != "hello, reloaded" and time.monotonic() - written_at > 1:
                app.write_text(changed)
                written_at = time.monotonic()
            try:
                body = get(server.url + "/", timeout=2)[1]
            except OSError:  # between the old server and the new one
                body = ""
            if body == "hello, reloaded":
                break
            time.sleep(0.2)
        assert body == "hello, reloaded", server.output()
