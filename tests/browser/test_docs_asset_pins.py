"""The docs pages' pinned releases and integrity hashes match the npm files installed here.

``responder/docs/assets.py`` keeps the hashes in code; these tests recompute each from
``tests/browser/node_modules`` (what ``npm ci`` installs from package-lock.json), so the
table cannot drift from the files the browser tests, and the CDN, serve.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from responder.docs.assets import PACKAGES

from .cdn import installed_version
from .harness import PACKAGE_LOCK
from .vendor import NODE_MODULES

FILES = [(name, path) for name, package in PACKAGES.items() for path in package.files]


@pytest.mark.parametrize(("name", "path"), FILES)
def test_each_integrity_hash_is_the_sha384_of_the_installed_file(browser_deps, name, path):
    data = (NODE_MODULES / name / path).read_bytes()
    digest = base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")
    assert PACKAGES[name].files[path] == f"sha384-{digest}"


@pytest.mark.parametrize("name", list(PACKAGES))
def test_each_pinned_release_is_the_one_installed_and_locked(browser_deps, name):
    assert installed_version(name) == PACKAGES[name].version
    locked = json.loads(PACKAGE_LOCK.read_text())["packages"][f"node_modules/{name}"]
    assert locked["version"] == PACKAGES[name].version
