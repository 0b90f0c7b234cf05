"""Each docs theme, and GraphiQL, in a real browser: served by the framework, assets local."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .harness import running_app

THEMES = ["swagger_ui", "redoc", "rapidoc", "elements"]
# The pet store's operations, by their docstring summaries.
OPERATIONS = ["List every pet.", "Add a pet.", "Fetch a pet.", "Look up an owner by name."]
# ReDoc 2 always fetches its footer logo from its CDN (blocked here, and harmless).
ALLOWED_OFFSITE = {"redoc": ["https://cdn.redoc.ly/redoc/logo-mini.svg"]}


@pytest.mark.parametrize("theme", THEMES)
def test_docs_page_shows_the_example_operations(page, page_log, artifacts, theme):
    with running_app(f"tests.browser.docs_apps:{theme}", factory=True) as url:
        page.goto(f"{url}/docs")
        expect(page.get_by_text("Pet Store").first).to_be_visible(timeout=30_000)
        for summary in OPERATIONS:
            expect(page.get_by_text(summary).first).to_be_attached(timeout=20_000)
        expect(page.get_by_text(OPERATIONS[0]).first).to_be_visible()
        page.screenshot(path=artifacts / f"docs-{theme}.png", full_page=True)
    assert page_log.offsite == ALLOWED_OFFSITE.get(theme, [])
    assert page_log.page_errors == []


@pytest.mark.parametrize("theme", THEMES)
def test_docs_page_works_under_the_default_content_security_policy(
    page, page_log, artifacts, theme
):
    with running_app(f"tests.browser.docs_apps:{theme}_csp", factory=True) as url:
        answer = page.goto(f"{url}/docs")
        assert answer is not None
        policy = answer.headers["content-security-policy"]
        assert "'sha256-" in policy or theme != "swagger_ui"  # its inline script, by hash
        assert "'unsafe-eval'" not in policy
        expect(page.get_by_text("Pet Store").first).to_be_visible(timeout=30_000)
        for summary in OPERATIONS:
            expect(page.get_by_text(summary).first).to_be_attached(timeout=20_000)
        page.screenshot(path=artifacts / f"docs-{theme}-csp.png", full_page=True)
    # The browser reports every blocked script, style, image or font as a console error.
    assert [e for e in page_log.console_errors if "Content Security Policy" in e] == []
    assert page_log.page_errors == []


def test_graphiql_renders_and_runs_a_query(page, page_log, artifacts):
    with running_app("tests.browser.docs_apps:graphiql", factory=True) as url:
        page.goto(f"{url}/graphql")
        editor = page.locator(".graphiql-query-editor .CodeMirror").first
        expect(editor).to_be_visible(timeout=30_000)
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.type('{ greeting(name: "chromium") }')
        page.locator(".graphiql-execute-button").click()
        result = page.locator(".result-window")
        expect(result).to_contain_text("Hello from GraphiQL, chromium!", timeout=15_000)
        page.screenshot(path=artifacts / "graphiql.png", full_page=True)
    assert page_log.offsite == []
    assert page_log.page_errors == []
