"""security_headers=: strict browser headers on every response, never over the response's own."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

import responder
from responder.layers.security import DEFAULT_CSP, extend_policy

BASIC = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def _api(**options):
    api = responder.API(**options)

    @api.route("/page")
    def page(req, resp):
        resp.html = "<p>hi</p>"

    @api.route("/embeddable")
    def embeddable(req, resp):
        resp.headers["X-Frame-Options"] = "SAMEORIGIN"
        resp.text = "frame me"

    return api


def test_true_sends_the_three_basic_headers_on_answers_and_errors():
    api = _api(security_headers=True)
    for path, status in (("/page", 200), ("/missing", 404)):
        r = api.requests.get(path)
        assert r.status_code == status
        assert {k: r.headers.get(k) for k in BASIC} == BASIC
        assert "content-security-policy" not in r.headers


def test_a_header_the_view_set_is_kept():
    r = _api(security_headers=True).requests.get("/embeddable")
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_off_by_default_and_no_layer_is_built():
    api = _api()
    r = api.requests.get("/page")
    assert not any(name in r.headers for name in BASIC)
    assert not api.layers.any


def test_a_mapping_adds_defaults_with_true_sets_values_and_drops_with_none():
    api = _api(
        security_headers={
            "Content-Security-Policy": True,
            "Cross-Origin-Opener-Policy": True,
            "Permissions-Policy": "camera=()",
            "referrer-policy": None,
            "Cross-Origin-Resource-Policy": "same-origin",
        }
    )
    r = api.requests.get("/page")
    assert r.headers["content-security-policy"] == DEFAULT_CSP
    assert r.headers["cross-origin-opener-policy"] == "same-origin"
    assert r.headers["permissions-policy"] == "camera=()"
    assert r.headers["cross-origin-resource-policy"] == "same-origin"
    assert "referrer-policy" not in r.headers
    assert r.headers["x-frame-options"] == "DENY"


def test_the_layers_own_refusals_and_mounted_apps_get_them_too(tmp_path):
    (tmp_path / "a.txt").write_text("static")
    api = responder.API(
        security_headers=True, allowed_hosts=["example.com"], static_dir=str(tmp_path)
    )
    refused = api.requests.get("/page", headers={"host": "evil.test"})
    assert refused.status_code == 400
    assert refused.headers["x-content-type-options"] == "nosniff"
    api = responder.API(security_headers=True, static_dir=str(tmp_path))
    static = api.requests.get("/static/a.txt")
    assert (static.text, static.headers["x-frame-options"]) == ("static", "DENY")


@pytest.mark.parametrize(
    ("setting", "error"),
    [
        ({"Bad Header": "x"}, ValueError),
        ({"X-Thing": "a\r\nSet-Cookie: x=1"}, ValueError),
        ({"X-Thing": "é"}, ValueError),
        ({"X-Thing": True}, ValueError),  # no default to use
        ({"X-Thing": 3}, TypeError),
        ("yes", TypeError),
    ],
)
def test_bad_settings_are_refused_when_the_api_is_made(setting, error):
    with pytest.raises(error, match="security_headers"):
        responder.API(security_headers=setting)


@pytest.mark.parametrize(
    "assets", ["https://cdn.example.com/{package}@{version}", "/vendor/{package}"]
)
def test_the_docs_page_allows_its_own_inline_script_by_hash_and_its_assets(assets):
    api = responder.API(
        docs_route="/docs",
        docs_assets_url=assets,
        security_headers={"Content-Security-Policy": True},
    )
    r = api.requests.get("/docs")
    policy = dict(
        (part.split()[0], part.split()[1:])
        for part in r.headers["content-security-policy"].split(";")
    )
    [script] = re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    origin = "https://cdn.example.com" if assets.startswith("https") else "'self'"
    assert f"'sha256-{digest}'" in policy["script-src"]
    assert origin in policy["script-src"] and origin in policy["style-src"]
    assert policy["frame-ancestors"] == ["'none'"]  # the rest of the policy stays as strict
    assert "'unsafe-inline'" not in policy["script-src"]
    # Every other page gets the API's policy as it is.
    assert api.requests.get("/schema.json").headers["content-security-policy"] == DEFAULT_CSP


def test_without_a_csp_the_docs_page_sends_none():
    api = responder.API(docs_route="/docs", security_headers=True)
    assert "content-security-policy" not in api.requests.get("/docs").headers


def test_extend_policy_starts_a_missing_directive_from_default_src():
    policy = "default-src 'self'; img-src 'none'"
    assert extend_policy(policy, {"script-src": ("https://cdn",), "img-src": ("data:",)}) == (
        "default-src 'self'; img-src data:; script-src 'self' https://cdn"
    )
