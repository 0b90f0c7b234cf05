"""The docs site as a reader sees it: built with mkdocs, served as files, opened in Chromium.

The site is built once (``mkdocs build --strict``, as ``scripts/check`` does) into a
temporary directory and served by the standard library's HTTP server on a loopback port
the OS picks. Screenshots of the home page and a tutorial page land in ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import ROOT

# The nav's top level, in the order issue 15 gives it.
SECTIONS = [
    "Home",
    "Tutorial",
    "Guides",
    "Reference",
    "Deployment",
    "Migrating from 3.3",
    "Changelog",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the site once and serve it; yield its base URL."""
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    handler = functools.partial(QuietHandler, directory=str(out))
    # Port 0: the OS picks a free port, and the socket is already listening when this returns.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("h1").first).to_be_visible()


def assert_clean(page_log) -> None:
    assert page_log.offsite == []
    assert page_log.page_errors == []
    assert page_log.console_errors == []


def test_home_page_shows_the_sections_in_order_search_and_highlighted_code(
    site, page, page_log, artifacts
):
    open_page(page, f"{site}/")
    # The heading, then its permalink anchor (toc permalink: true).
    expect(page.locator("h1").first).to_have_text(re.compile(r"^Responder\s*¶$"))
    tabs = page.locator(".md-tabs__link")
    expect(tabs).to_have_text(SECTIONS)

    # The first sample's `import responder`: Pygments marks the keyword, so it is coloured.
    keyword = page.locator(".highlight code .kn", has_text="import").first
    expect(keyword).to_be_visible()
    plain = page.locator(".highlight code .nn", has_text="responder").first
    assert keyword.evaluate("e => getComputedStyle(e).color") != plain.evaluate(
        "e => getComputedStyle(e).color"
    )
    # Code blocks get a copy button.
    expect(page.locator("button[title='Copy to clipboard']").first).to_be_attached()
    # The first screen, as a reader lands on it (a full-page shot lets the theme fold its tabs).
    page.screenshot(path=artifacts / "docs-site-home.png")

    # Search: the box is there, and typing finds pages from the built index.
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    expect(search).to_be_visible()
    # Typed key by key, as a reader does: the theme searches on key presses.
    search.press_sequentially("include_router")
    first = page.locator(".md-search-result__item").first
    expect(first).to_be_visible(timeout=20_000)
    expect(page.locator(".md-search-result")).to_contain_text("include_router")
    assert_clean(page_log)


def test_palette_toggle_switches_to_dark_mode(site, page, page_log):
    open_page(page, f"{site}/")
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.locator("label[for='__palette_1']").first.click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    assert_clean(page_log)


def test_a_tutorial_page_renders_under_the_tutorial_tab(site, page, page_log, artifacts):
    open_page(page, f"{site}/tutorial/rest-api/")
    expect(page.locator(".md-tabs__item--active")).to_have_text("Tutorial")
    # The sidebar lists the tutorials, this one marked as the current page.
    expect(page.locator(".md-nav__link--active").first).to_contain_text("REST API")
    page.screenshot(path=artifacts / "docs-site-tutorial-rest-api.png", full_page=True)
    assert_clean(page_log)


def test_reference_pages_render_docstrings(site, page, page_log):
    open_page(page, f"{site}/reference/api/")
    heading = page.locator("[id='responder.API']")
    expect(heading).to_contain_text("API")
    # A method of a mixin, shown on API's page, with its docstring's summary.
    expect(page.locator("[id='responder.API.include_router']")).to_be_attached()
    expect(page.locator(".doc-contents").first).to_contain_text("ASGI app")
    assert_clean(page_log)
