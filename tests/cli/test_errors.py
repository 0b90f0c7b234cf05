"""Every user error is one ``error: ...`` line on stderr and exit status 1, never a traceback."""

from __future__ import annotations

import sys

import pytest

from .harness import SCRIPT, cli, free_port


def assert_one_error_line(result, *fragments: str) -> str:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["no_such_module_xyz"], "error: module 'no_such_module_xyz' not found"),
        (
            ["no_such_package_xyz.app:api"],
            "error: module 'no_such_package_xyz.app' not found (no module named "
            "'no_such_package_xyz')",
        ),
        (["tests.cli.apps.no_such_app"], "error: module 'tests.cli.apps.no_such_app' not found"),
        (["tests/cli/apps/missing.py"], "error: file 'tests/cli/apps/missing.py' not found"),
        (["tests/cli/apps"], "error: 'tests/cli/apps' is a directory, not a .py file"),
        (
            ["tests/cli/apps/hello_app.py:nope"],
            "error: 'tests/cli/apps/hello_app.py' has no attribute 'nope' (its APIs: api, other)",
        ),
        (
            ["tests.cli.apps.hello_app:api.nope"],
            "error: module 'tests.cli.apps.hello_app' has no attribute 'api.nope'",
        ),
        (
            ["tests.cli.apps:api"],
            "error: module 'tests.cli.apps' has no attribute 'api' (it has no responder.API)",
        ),
        (
            ["tests.cli.apps.hello_app:not_an_api"],
            "error: tests.cli.apps.hello_app:not_an_api is not a responder.API (it is 'dict')",
        ),
        (
            ["tests/cli/apps/hello_app.py:pid"],
            "is not a responder.API (it is 'function')",
        ),
        (["hello_app.py:not-a-name"], "error: invalid API name 'not-a-name' after ':'"),
        (["foo-bar"], "error: 'foo-bar' is neither a module name nor a path to a .py file"),
        (["http://127.0.0.1:1/app.py#x-y"], "error: invalid API name 'x-y' after '#'"),
        (["http://127.0.0.1:1/app"], "error: URL 'http://127.0.0.1:1/app' does not name a .py"),
        (["http:///app.py"], "error: could not download 'http:///app.py'"),
        (
            ["no-such-scheme://bucket/app.py"],
            "error: could not fetch 'no-such-scheme://bucket/app.py': Protocol not known",
        ),
        (
            ["tests/cli/apps/hello_app.py", "--reload", "--workers", "2"],
            "error: --reload and --workers cannot be used together",
        ),
        (["http://127.0.0.1:1/app.py", "--reload"], "error: --reload cannot watch a URL"),
    ],
)
def test_run_errors(args, expected):
    assert expected in assert_one_error_line(cli(["run", *args]))


def test_connection_refused():
    url = f"http://127.0.0.1:{free_port()}/hello_app.py"  # nothing listens there
    assert_one_error_line(cli(["run", url]), f"error: could not download {url!r}", "refused")


def test_http_404(files_url):
    url = f"{files_url}/missing.py#api"
    line = assert_one_error_line(cli(["run", url]))
    assert line == f"error: could not download {url.split('#')[0]!r}: HTTP 404 File not found"


def test_too_big_to_download(files_url, monkeypatch):
    code = (
        "import sys, responder.cli as c, responder._download as d; d.MAX_DOWNLOAD_BYTES = 100; "
        "raise SystemExit(c.main(['run', sys.argv[1]]))"
    )
    url = f"{files_url}/hello_app.py"
    result = cli(["-c", code, url], command=[sys.executable])
    assert_one_error_line(result, f"error: could not download {url!r}: larger than")


def test_fsspec_not_installed():
    # fsspec is a test dependency; here the import is blocked, as on a machine without it.
    code = (
        "import sys; sys.modules['fsspec'] = None\n"
        "from responder.cli import main\n"
        "raise SystemExit(main(['run', 's3://bucket/app.py#api']))\n"
    )
    result = cli(["-c", code], command=[sys.executable])
    line = assert_one_error_line(result)
    assert line == (
        "error: s3:// URLs are fetched with fsspec, which is not installed: pip install fsspec"
    )


def test_fsspec_file_not_found():
    assert_one_error_line(
        cli(["run", "memory://nowhere/app.py"]), "error: could not fetch 'memory://nowhere/app.py'"
    )


def test_bad_port_environment_variable():
    result = cli(["run", "tests.cli.apps.hello_app"], env={"PORT": "http"})
    assert assert_one_error_line(result) == (
        "error: the PORT environment variable is not a port number: 'http'"
    )


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("tests/cli/apps/broken_app.py", "RuntimeError: broken at import time"),
        (
            "tests.cli.apps.needs_missing_dep",
            "ModuleNotFoundError: No module named 'responder_cli_test_no_such_dependency'",
        ),
    ],
)
def test_errors_in_the_users_module_show_its_traceback(target, shown):
    result = cli(["run", target])
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert shown in result.stderr
    assert lines[-1] == (
        f"error: importing {target!r} failed (the traceback above is from its code)"
    )
    # The traceback starts in the user's file, not in the CLI or importlib.
    assert "responder/cli.py" not in result.stderr
    assert "importlib" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run"],
        ["run", "app.py", "--port", "http"],
        ["run", "app.py", "--port", "70000"],
        ["run", "app.py", "--workers", "0"],
        ["serve", "app.py"],
    ],
)
def test_usage_errors_exit_2(args):
    result = cli(args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("usage: responder")
    assert "error: " in result.stderr.splitlines()[-1]


def test_module_errors_from_the_script(tmp_path):
    # From another directory the repo's modules are not importable.
    result = cli(["run", "tests.cli.apps.hello_app"], cwd=tmp_path, command=[str(SCRIPT)])
    assert_one_error_line(result, "error: module 'tests.cli.apps.hello_app' not found")


def test_file_name_that_is_not_a_module_name(tmp_path):
    (tmp_path / "hello-world.py").write_text("")
    result = cli(["run", "hello-world.py"], cwd=tmp_path)
    assert assert_one_error_line(result) == (
        "error: cannot import 'hello-world.py': 'hello-world' is not a valid module name"
    )


def test_file_shadowed_by_an_imported_module(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "json.py").write_text("")
    result = cli(["run", "app/json.py"], cwd=tmp_path)
    assert_one_error_line(result, "error: 'app/json.py' is shadowed by the module 'json' from ")
