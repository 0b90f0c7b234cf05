"""CSRF protection in Chromium: the site's own form posts; a page on another origin cannot."""

from __future__ import annotations

import json
from urllib.parse import quote

from playwright.sync_api import expect


def _submit(page, form: str):
    """Click the form's button; the answer to its POST."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(f"#{form} button").click()
    return answer.value


def test_the_sites_form_posts_and_another_origins_page_is_refused(
    page, page_log, serve_app, artifacts
):
    site = serve_app("tests.security.csrf_app:api")
    other = serve_app("tests.security.csrf_app:other_site", factory=True)
    page.goto(f"{site}/login")
    page.goto(f"{site}/form")
    token = page.locator("#token").inner_text()
    page.screenshot(path=artifacts / "csrf-form.png")

    answer = _submit(page, "note")
    assert answer.status == 201
    assert json.loads(answer.text()) == {"notes": ["from the form"], "user": "ann"}

    # The other origin's page even holds a token of the victim's session: the browser
    # sends the victim's cookie (both sites are 127.0.0.1), and the Origin gives it away.
    page.goto(f"{other}/?target={quote(site)}&token={quote(token)}")
    expect(page.locator("#attack button")).to_be_visible()
    page.screenshot(path=artifacts / "csrf-other-origin.png")
    refused = _submit(page, "attack")
    assert refused.status == 403
    problem = json.loads(refused.text())
    assert problem["reason"] == "cross-origin" and other in problem["detail"]

    page.goto(f"{site}/notes")
    assert json.loads(page.locator("body").inner_text())["notes"] == ["from the form"]
    assert page_log.offsite == [] and page_log.page_errors == []
