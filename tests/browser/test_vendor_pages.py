"""Each vendored UI renders from the local npm files alone, as README.md lists them.

One standalone page per UI (see ``vendor_pages.py``), served with real uvicorn next to the
smoke spec and a tiny GraphQL endpoint; Chromium must show the spec's operation (or run a
GraphQL query), leave the machine for nothing but the known exceptions, and throw no errors.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .apps import SMOKE_SUMMARY
from .harness import running_app
from .vendor_pages import OFFSITE, PAGES

OPENAPI_UIS = [ui for ui in PAGES if ui != "graphiql"]


@pytest.fixture(scope="module")
def pages_url():
    with running_app("tests.browser.apps:vendor_pages_app") as url:
        yield url


def assert_clean(page_log, ui):
    assert page_log.offsite == OFFSITE.get(ui, [])
    assert page_log.page_errors == []
    # A blocked offsite request logs one "Failed to load resource" error; nothing else may.
    others = [e for e in page_log.console_errors if not e.startswith("Failed to load resource")]
    assert others == []
    assert len(page_log.console_errors) - len(others) == len(page_log.offsite)


@pytest.mark.parametrize("ui", OPENAPI_UIS)
def test_openapi_ui_renders_from_local_files(page, page_log, pages_url, artifacts, ui):
    page.goto(f"{pages_url}/page/{ui}")
    expect(page.get_by_text(SMOKE_SUMMARY).first).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Smoke shelter").first).to_be_visible()
    page.screenshot(path=artifacts / f"browser-vendor-{ui}.png")
    assert_clean(page_log, ui)


def test_graphiql_runs_a_query_from_local_files(page, page_log, pages_url, artifacts):
    page.goto(f"{pages_url}/page/graphiql")
    run = page.locator(".graphiql-execute-button")
    expect(run).to_be_visible(timeout=20_000)
    run.click()
    expect(page.locator(".result-window")).to_contain_text("Hello, browser!", timeout=10_000)
    page.screenshot(path=artifacts / "browser-vendor-graphiql.png")
    assert_clean(page_log, "graphiql")
