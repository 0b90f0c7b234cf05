"""The version has one source, ``responder/_version.py``, which the installed metadata reads."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

import responder
from responder import _version

ROOT = Path(__file__).resolve().parent.parent


def test_installed_metadata_carries_the_packages_version():
    assert importlib.metadata.version("responder") == responder.__version__


def test_pyproject_reads_the_version_from_its_one_source():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "responder._version.__version__"
    assert responder.__version__ is _version.__version__
