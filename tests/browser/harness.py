"""The browser tests' plumbing, importable from tests and fixtures alike.

- :data:`CHROMIUM` and :data:`CHROMIUM_ARGS`: Debian's Chromium and the flags it needs here.
- :func:`missing_deps`: what ``scripts/test-deps`` has not installed yet.
- :func:`running_app`: a real uvicorn server in a subprocess, for an app named by import string.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.e2e.server import ROOT, free_port, serve

from .vendor import NODE_MODULES

CHROMIUM = Path("/usr/bin/chromium")
# The background-networking flags matter: without them Chromium keeps dialing out, and this
# machine's closed network refuses it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PACKAGE_LOCK = NODE_MODULES.parent / "package-lock.json"
NPM_STAMP = NODE_MODULES / ".package-lock.json"  # npm writes it at the end of an install
ARTIFACTS = ROOT / "test-artifacts"
INSTALL_HINT = "run scripts/test-deps (it installs Debian's chromium and runs npm ci)"


def missing_deps() -> list[str]:
    """What the browser tests need and do not have; empty when all is in place."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} is missing (Debian package chromium)")
    if not NPM_STAMP.is_file():
        missing.append(f"{NODE_MODULES.relative_to(ROOT)} is missing (npm ci)")
    elif PACKAGE_LOCK.stat().st_mtime > NPM_STAMP.stat().st_mtime:
        missing.append(f"{NODE_MODULES.relative_to(ROOT)} is older than package-lock.json")
    return missing


def import_string(target: str | Callable[..., Any]) -> tuple[str, bool]:
    """``(module:attr, is_factory)`` for an import string or a module-level factory function."""
    if isinstance(target, str):
        if ":" not in target:
            raise ValueError(f"expected 'package.module:attribute', got {target!r}")
        return target, False
    module, name = getattr(target, "__module__", None), getattr(target, "__qualname__", "")
    if not module or not name or "<" in name or "." in name:
        raise TypeError(
            f"{target!r} cannot be imported by name in a subprocess: pass 'module:attr', "
            "or a factory function defined at the top level of a module"
        )
    if module == "__main__" or module not in sys.modules:
        raise TypeError(f"{target!r} lives in {module!r}, which a subprocess cannot import")
    return f"{module}:{name}", True


@contextlib.contextmanager
def running_app(target: str | Callable[..., Any], *, factory: bool = False) -> Iterator[str]:
    """Serve an ASGI app with real uvicorn on a free 127.0.0.1 port; yield its base URL.

    ``target`` is an import string such as ``"tests.browser.apps:smoke_app"``, or a
    module-level function returning the app (then served with uvicorn's ``--factory``; pass
    ``factory=True`` to say the same of an import string). Readiness is a listening port,
    within :func:`tests.e2e.server.serve`'s timeout; the server is always stopped.
    """
    spec, is_factory = import_string(target)
    port = free_port()
    args = ["-m", "uvicorn", spec, "--host", "127.0.0.1", "--port", str(port)]
    # Quiet: serve() reads the server's output only when it dies, so a chatty server would
    # fill the pipe and stall.
    args += ["--log-level", "warning", "--no-access-log"]
    if factory or is_factory:
        args.append("--factory")
    with serve(args, port) as url:
        yield url
