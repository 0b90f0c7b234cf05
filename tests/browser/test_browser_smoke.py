"""Smoke: the browser plumbing end to end, without the docs feature.

A Responder app served by real uvicorn renders Swagger UI from the local npm files against a
hand-written OpenAPI document; Chromium opens it and must show the spec's operation. The
docs UI tests follow the same pattern.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from .apps import SMOKE_SUMMARY
from .vendor import NODE_MODULES, VendorFiles


def test_swagger_ui_renders_a_spec_from_local_files(browser, page, page_log, serve_app, artifacts):
    url = serve_app("tests.browser.apps:smoke_app")
    vendor_responses = []
    page.on(
        "response",
        lambda r: vendor_responses.append((r.url, r.status)) if "/vendor/" in r.url else None,
    )

    page.goto(f"{url}/")
    operation = page.locator(".opblock-summary", has_text=SMOKE_SUMMARY)
    expect(operation).to_be_visible(timeout=20_000)
    expect(operation.locator(".opblock-summary-path")).to_have_text("/pets")
    expect(page.locator(".info .title")).to_contain_text("Smoke shelter")
    page.screenshot(path=artifacts / "browser-smoke-swagger-ui.png", full_page=True)

    assert {path.rsplit("/vendor/", 1)[1]: status for path, status in vendor_responses} == {
        "swagger-ui-dist/swagger-ui.css": 200,
        "swagger-ui-dist/swagger-ui-bundle.js": 200,
    }
    assert page_log.offsite == []
    assert page_log.page_errors == []
    assert page_log.console_errors == []


def _get(app, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request straight through the ASGI interface."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": []}
    # In a thread of its own: while the browser is open, Playwright's loop counts as running
    # on this one, and asyncio.run() refuses to start here.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start, body = sent[0], b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


async def _inner(scope, receive, send):
    await send({"type": "http.response.start", "status": 299, "headers": []})
    await send({"type": "http.response.body", "body": b"inner"})


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/vendor/swagger-ui-dist/swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ("/vendor/swagger-ui-dist/swagger-ui.css", "text/css; charset=utf-8"),
        ("/vendor/swagger-ui-dist/swagger-ui-bundle.js.map", "application/json; charset=utf-8"),
        ("/vendor/swagger-ui-dist/favicon-32x32.png", "image/png"),
    ],
)
def test_vendor_files_serve_node_modules(browser_deps, path, content_type):
    status, headers, body = _get(VendorFiles(_inner), path)
    assert (status, headers["content-type"]) == (200, content_type)
    expected = (NODE_MODULES / path.removeprefix("/vendor/")).read_bytes()
    assert body == expected
    assert headers["content-length"] == str(len(expected))


def test_vendor_files_head_and_method(browser_deps):
    app = VendorFiles(_inner)
    status, headers, body = _get(app, "/vendor/swagger-ui-dist/swagger-ui.css", "HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["content-length"]) > 0
    assert _get(app, "/vendor/swagger-ui-dist/swagger-ui.css", "POST")[0] == 405


@pytest.mark.parametrize(
    "path",
    [
        "/vendor/../package.json",
        "/vendor/swagger-ui-dist/../../package-lock.json",
        "/vendor/swagger-ui-dist/../../../vendor.py",
        "/vendor/./swagger-ui-dist/swagger-ui.css",
        "/vendor//etc/passwd",
        "/vendor/swagger-ui-dist\\..\\..\\vendor.py",
        "/vendor/swagger-ui-dist",
        "/vendor/",
        "/vendor/no-such-package/index.js",
    ],
)
def test_vendor_files_refuse_escapes_and_misses(browser_deps, path):
    assert _get(VendorFiles(_inner), path)[0] == 404


def test_vendor_files_pass_everything_else_on():
    app = VendorFiles(_inner)
    assert _get(app, "/")[2] == b"inner"
    assert _get(app, "/vendorish/x.js")[2] == b"inner"
    assert _get(app, "/vendor")[2] == b"inner"
