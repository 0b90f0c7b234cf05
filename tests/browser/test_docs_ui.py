"""Each docs theme, and GraphiQL, in a real browser: served by the framework, no internet.

Two ways, both under the strictest security headers: the API serving a local
copy (``API(docs_assets=node_modules)``), and the CDN default, whose requests
``cdn.serve_cdn`` answers from the same npm files, so Chromium checks every
tag's integrity hash against the real file.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from responder.docs.assets import GRAPHIQL_PACKAGES, PACKAGES
from responder.docs.ui import get_theme

from .cdn import CDN, serve_cdn
from .harness import running_app

THEMES = ["swagger_ui", "redoc", "rapidoc", "elements"]
# The pet store's operations, by their docstring summaries.
OPERATIONS = ["List every pet.", "Add a pet.", "Fetch a pet.", "Look up an owner by name."]
# ReDoc 2 always fetches its footer logo from its CDN (blocked here, and harmless).
ALLOWED_OFFSITE = {"redoc": ["https://cdn.redoc.ly/redoc/logo-mini.svg"]}


def cdn_urls(*packages: str) -> list[str]:
    """The CDN URLs of every file a page loads from ``packages``, sorted."""
    return sorted(
        f"{CDN}{name}@{PACKAGES[name].version}/{path}"
        for name in packages
        for path in PACKAGES[name].files
    )


def show_operations(page, url):
    answer = page.goto(f"{url}/docs")
    assert answer is not None
    expect(page.get_by_text("Pet Store").first).to_be_visible(timeout=30_000)
    for summary in OPERATIONS:
        expect(page.get_by_text(summary).first).to_be_attached(timeout=20_000)
    expect(page.get_by_text(OPERATIONS[0]).first).to_be_visible()
    return answer.headers["content-security-policy"]


def assert_clean(page_log, theme):
    assert page_log.offsite == ALLOWED_OFFSITE.get(theme, [])
    assert page_log.page_errors == []
    # The browser reports every blocked script, style, image or font, and every file
    # refused for its integrity hash, as a console error.
    refused = ("Content Security Policy", "integrity")
    assert [e for e in page_log.console_errors if any(word in e for word in refused)] == []


@pytest.mark.parametrize("theme", THEMES)
def test_docs_page_renders_from_the_pinned_cdn_files_checked_by_integrity(
    page, page_log, artifacts, theme
):
    served = serve_cdn(page)
    with running_app(f"tests.browser.docs_apps:{theme}_cdn", factory=True) as url:
        policy = show_operations(page, url)
        assert "https://cdn.jsdelivr.net" in policy
        page.screenshot(path=artifacts / f"docs-{theme}-cdn.png", full_page=True)
    assert sorted(served) == cdn_urls(get_theme(theme).package)
    assert_clean(page_log, theme)


@pytest.mark.parametrize("theme", THEMES)
def test_docs_page_renders_from_docs_assets_under_the_default_content_security_policy(
    page, page_log, artifacts, theme
):
    with running_app(f"tests.browser.docs_apps:{theme}_csp", factory=True) as url:
        policy = show_operations(page, url)
        assert "'sha256-" in policy or theme != "swagger_ui"  # its inline script, by hash
        assert "'unsafe-eval'" not in policy
        assert "cdn.jsdelivr.net" not in policy
        page.screenshot(path=artifacts / f"docs-{theme}-local.png", full_page=True)
    assert_clean(page_log, theme)


def test_a_cdn_file_that_does_not_match_its_hash_is_refused(page, page_log):
    serve_cdn(page, tamper=lambda body: body + b"\n/* changed on the way */\n")
    with running_app("tests.browser.docs_apps:swagger_ui_cdn", factory=True) as url:
        with page.expect_console_message(lambda message: "integrity" in message.text):
            page.goto(f"{url}/docs")
        # The bundle never ran, so the page's own script finds no Swagger UI.
        expect(page.locator("#swagger-ui")).to_be_empty()
    assert any("SwaggerUIBundle is not defined" in error for error in page_log.page_errors)


@pytest.mark.parametrize("source", ["local", "cdn"])
def test_graphiql_renders_and_runs_a_query(page, page_log, artifacts, source):
    served = serve_cdn(page)
    app = "graphiql" if source == "local" else "graphiql_cdn"
    with running_app(f"tests.browser.docs_apps:{app}", factory=True) as url:
        page.goto(f"{url}/graphql")
        editor = page.locator(".graphiql-query-editor .CodeMirror").first
        expect(editor).to_be_visible(timeout=30_000)
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.type('{ greeting(name: "chromium") }')
        page.locator(".graphiql-execute-button").click()
        result = page.locator(".result-window")
        expect(result).to_contain_text("Hello from GraphiQL, chromium!", timeout=15_000)
        page.screenshot(path=artifacts / f"graphiql-{source}.png", full_page=True)
    assert sorted(served) == (cdn_urls(*GRAPHIQL_PACKAGES) if source == "cdn" else [])
    assert page_log.offsite == []
    assert page_log.page_errors == []
    assert [e for e in page_log.console_errors if "integrity" in e] == []
