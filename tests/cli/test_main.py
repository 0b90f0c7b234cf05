"""``--version``, ``python -m responder`` and the console script, and TARGET parsing."""

from __future__ import annotations

import re

import pytest

import responder
from responder.cli import CLIError, Target, parse_target

from .harness import SCRIPT, cli


@pytest.mark.parametrize("flag", ["--version", "-v"])
@pytest.mark.parametrize("command", ["python -m", "script"])
def test_version_is_printed_bare(command, flag):
    result = cli([flag], command=[str(SCRIPT)] if command == "script" else None)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"{responder.__version__}\n",
        "",
    )
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", result.stdout)  # no program name around it


def test_help_names_the_commands():
    result = cli(["--help"])
    assert result.returncode == 0
    assert "run" in result.stdout and "build" in result.stdout
    assert cli(["run", "--help"]).stdout.count("TARGET") >= 2


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("app", Target("module", "app", "api")),
        ("pkg.app", Target("module", "pkg.app", "api")),
        ("pkg.app:other", Target("module", "pkg.app", "other")),
        ("pkg.app:holder.api", Target("module", "pkg.app", "holder.api")),
        ("app.py", Target("file", "app.py", "api")),
        ("dir/app.py:other", Target("file", "dir/app.py", "other")),
        ("/abs/dir/app.py", Target("file", "/abs/dir/app.py", "api")),
        ("C:\\apps\\app.py", Target("file", "C:\\apps\\app.py", "api")),
        ("http://h:8000/a/app.py", Target("url", "http://h:8000/a/app.py", "api")),
        ("https://h/app.py#other", Target("url", "https://h/app.py", "other")),
        ("s3://bucket/app.py#api", Target("url", "s3://bucket/app.py", "api")),
        ("memory://app.py", Target("url", "memory://app.py", "api")),
        ("http://h/app.py#", Target("url", "http://h/app.py", "api")),
    ],
)
def test_parse_target(text, target):
    assert parse_target(text) == target


@pytest.mark.parametrize(
    "text", ["", "a-b", "app.py:", "app:1x", "http://h/app.py#a b", "pkg..app"]
)
def test_parse_target_rejects(text):
    with pytest.raises(CLIError):
        parse_target(text)
