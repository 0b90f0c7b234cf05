"""``responder build``: `npm run build` in a directory, with one-line errors around it."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from .harness import cli


def needs_npm(test):
    """Runs npm: skipped without it; marked ``npm`` so ``scripts/check --fast`` leaves it out."""
    skip = pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
    return pytest.mark.npm(skip(test))


def package(directory, build_script: str) -> None:
    directory.mkdir(exist_ok=True)
    spec = {"name": "cli-build-test", "private": True, "scripts": {"build": build_script}}
    (directory / "package.json").write_text(json.dumps(spec))


def assert_one_error_line(result, expected: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [expected]


@needs_npm
def test_build_runs_npm_in_the_current_directory(tmp_path):
    package(tmp_path, """node -e "require('fs').writeFileSync('built.txt','ok')" """)
    result = cli(["build"], cwd=tmp_path)
    assert result.returncode == 0, result
    assert (tmp_path / "built.txt").read_text() == "ok"


@needs_npm
def test_build_runs_npm_in_dir(tmp_path):
    package(tmp_path / "front", """node -e "require('fs').writeFileSync('built.txt','ok')" """)
    result = cli(["build", "front"], cwd=tmp_path)
    assert result.returncode == 0, result
    assert (tmp_path / "front" / "built.txt").read_text() == "ok"


@needs_npm
def test_build_exits_with_npms_status(tmp_path):
    package(tmp_path, """node -e "process.exit(3)" """)
    assert cli(["build", str(tmp_path)]).returncode == 3


def test_build_without_npm(tmp_path):
    package(tmp_path, "true")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    result = cli(["build", str(tmp_path)], env={"PATH": str(empty)})
    assert_one_error_line(result, "error: npm not found on PATH; install Node.js and npm to build")


def test_build_without_package_json(tmp_path):
    result = cli(["build"], cwd=tmp_path)
    assert_one_error_line(result, "error: no package.json in '.'")


def test_build_in_a_missing_directory(tmp_path):
    missing = os.path.join(str(tmp_path), "nowhere")
    assert_one_error_line(cli(["build", missing]), f"error: directory {missing!r} not found")
