"""The pet store's docs page in Chromium: Authorize, then try the protected operation.

What it expects of the example (``examples/petstore.py``, protected by ``responder.ext.auth``):
``POST /pets`` ("Add a pet.") needs a credential, the OpenAPI document says so (so Swagger UI
shows **Authorize** and a lock on the operation), and the module exports the demo credential
users paste into the dialog as ``DEMO_TOKEN``. Without it the operation answers 401; with it,
201.
"""

from __future__ import annotations

import importlib.util
import json

from playwright.sync_api import expect

from .docs_apps import EXAMPLE
from .harness import running_app

PROTECTED = "Add a pet."
NEW_PET = {"name": "Rex", "species": "dog", "age": 2}


def _demo_token() -> str:
    spec = importlib.util.spec_from_file_location("petstore_authorize", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.DEMO_TOKEN)


def _execute(page, operation) -> int:
    """Try the operation out with a valid pet; the status the page got (and shows)."""
    if not operation.locator("button.execute").is_visible():
        operation.locator("button.try-out__btn").click()
    body = operation.locator("textarea.body-param__text")
    body.fill(json.dumps(NEW_PET))
    posted = lambda r: r.request.method == "POST" and r.url.endswith("/pets")  # noqa: E731
    with page.expect_response(posted) as answer:
        operation.locator("button.execute").click()
    status = answer.value.status
    shown = operation.locator(".live-responses-table tbody td.response-col_status").first
    expect(shown).to_contain_text(str(status))
    return status


def test_authorize_then_try_the_protected_operation(page, page_log, artifacts):
    token = _demo_token()
    with running_app("tests.browser.docs_apps:swagger_ui", factory=True) as url:
        page.goto(f"{url}/docs")
        summary = page.locator(".opblock-summary", has_text=PROTECTED)
        expect(summary).to_be_visible(timeout=30_000)
        operation = page.locator(".opblock", has=summary)
        expect(operation.locator(".authorization__btn")).to_be_visible()  # the lock
        summary.locator(".opblock-summary-control").click()

        assert _execute(page, operation) == 401

        page.locator(".auth-wrapper button.authorize").click()
        dialog = page.locator(".dialog-ux .modal-ux")
        expect(dialog).to_be_visible()
        dialog.locator(".auth-container input").first.fill(token)
        dialog.locator("button.modal-btn.authorize").first.click()
        expect(dialog.get_by_text("Authorized", exact=True).first).to_be_visible()
        page.screenshot(path=artifacts / "petstore-authorize-dialog.png")
        dialog.get_by_role("button", name="Close", exact=True).click()
        expect(dialog).to_be_hidden()

        assert _execute(page, operation) == 201
        operation.scroll_into_view_if_needed()
        page.screenshot(path=artifacts / "petstore-authorized-201.png", full_page=True)
    assert page_log.offsite == [] and page_log.page_errors == []
