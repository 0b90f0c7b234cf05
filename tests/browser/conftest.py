"""Fixtures for real-browser tests: Debian's Chromium driven by Playwright, real uvicorn servers.

- ``browser`` (package: launched once for all of ``tests/browser``): a Playwright ``Browser``;
  fails (never skips) when ``scripts/test-deps`` has not been run.
- ``browser_deps``: the same check alone, for tests that read node_modules without a browser.
- ``page``: a fresh context and page; requests that leave 127.0.0.1 are aborted and
  recorded in ``page_log``, as are console errors and uncaught page errors.
- ``serve_app(target, *, factory=False) -> str``: serves an app in a subprocess with uvicorn,
  returns its base URL, stops it after the test.
- ``artifacts``: ``test-artifacts/`` at the repo root, for screenshots.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from .harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    INSTALL_HINT,
    missing_deps,
    running_app,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture(scope="package")
def browser_deps() -> None:
    """Fail, with the fix in one line, when Chromium or the npm files are not installed."""
    missing = missing_deps()
    if missing:
        pytest.fail(
            f"browser tests cannot run: {'; '.join(missing)}. Fix: {INSTALL_HINT}.",
            pytrace=False,
        )


# Package scope, not session: Playwright's sync API keeps an asyncio loop marked as running on
# the main thread while it is open, so every later asyncio.run() (tests/test_request.py has
# some) would fail with "cannot be called from a running event loop". Closing it at the end
# of tests/browser keeps the rest of the suite unaffected. The same holds inside browser
# tests: run coroutines in another thread there.
@pytest.fixture(scope="package")
def browser(browser_deps: None) -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "browser tests need the playwright package: .venv/bin/pip install -e '.[test]'",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        # Playwright's launch uses a fresh temporary profile, removed on close.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclasses.dataclass
class PageLog:
    """What a page did that a test may want to assert against."""

    offsite: list[str] = dataclasses.field(default_factory=list)
    console_errors: list[str] = dataclasses.field(default_factory=list)
    page_errors: list[str] = dataclasses.field(default_factory=list)


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def keep_local(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and (
            urlsplit(url).hostname not in LOOPBACK
        ):
            page_log.offsite.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route("**/*", keep_local)
    new_page = context.new_page()
    new_page.on(
        "console",
        lambda msg: page_log.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    new_page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture
def serve_app() -> Iterator[Callable[..., str]]:
    """``serve_app("tests.browser.apps:smoke_app") -> "http://127.0.0.1:PORT"``."""
    with contextlib.ExitStack() as stack:

        def start(target: str | Callable[..., Any], *, factory: bool = False) -> str:
            return stack.enter_context(running_app(target, factory=factory))

        yield start


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
