"""API(...) keywords become frozen option objects, checked once; 3.3 attributes read them."""

import dataclasses

import pytest

import responder
from responder.docs.openapi import build_spec
from responder.docs.options import DocsOptions
from responder.sessions import SessionCodec, SessionOptions


def test_each_component_gets_its_own_frozen_options():
    api = responder.API(
        title="Pets",
        version="2.0",
        openapi="3.0.2",
        docs_route="/docs",
        docs_assets_url="/assets/{package}@{version}",
        secret_key="k",
        session_cookie="sid",
        enable_hsts=True,
        allowed_hosts=["example.com"],
    )
    assert api.docs_options == DocsOptions(
        openapi_version="3.0.2",
        docs_route="/docs",
        assets_url="/assets/{package}@{version}",
        title="Pets",
        version="2.0",
    )
    # The cookie follows HSTS unless told otherwise, decided once, here.
    assert api.session_options == SessionOptions("k", "sid", https_only=True)
    for options in (api.docs_options, api.session_options, api.layers):
        with pytest.raises(dataclasses.FrozenInstanceError):
            options.title = "changed"  # type: ignore[misc, union-attr]


def test_the_33_attributes_are_read_only_views_of_the_options():
    api = responder.API(title="Pets", version="1.0", openapi="3.0.2", docs_route="/docs")
    assert (api.title, api.version, api.openapi_version, api.docs_route) == (
        "Pets",
        "1.0",
        "3.0.2",
        "/docs",
    )
    with pytest.raises(AttributeError, match=r"pass it to API\(...\).*api.docs_options.title"):
        api.title = "Cats"
    assert api.requests.get("/schema.json").json()["info"]["title"] == "Pets"


def test_a_late_secret_key_counts_until_the_first_session():
    api = responder.API()
    api.secret_key = "late"
    assert api.session_options.secret_key == "late"

    @api.route("/login")
    def login(req, resp):
        req.session["user"] = "ada"

    cookie = api.requests.get("/login").cookies["session"]
    assert api.session_codec.load(cookie) == {"user": "ada"}
    with pytest.raises(RuntimeError, match="before the first session"):
        api.secret_key = "too late"
    other = SessionCodec(SessionOptions(secret_key="other"))
    assert other.load(cookie) == {}


def test_bad_options_fail_where_they_are_built():
    with pytest.raises(ValueError, match="not a cookie token"):
        SessionOptions(cookie_name="a b")
    with pytest.raises(ValueError, match="Unknown docs theme 'fancy'"):
        DocsOptions(docs_route="/docs", theme="fancy")
    DocsOptions(theme="fancy")  # no docs page, nothing to theme


def test_the_spec_reads_its_info_from_the_docs_options_alone():
    api = responder.API(title="Ignored", openapi="3.0.2")
    options = DocsOptions(
        openapi_version="3.1.0",
        title="Given",
        description="From the options",
        contact={"name": "Ada"},
    )
    document = build_spec(api, options)
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {
        "title": "Given",
        "version": "1.0.0",
        "description": "From the options",
        "contact": {"name": "Ada"},
    }


def test_a_group_routes_websockets_under_its_prefix():
    api = responder.API()
    v1 = api.group("/v1")

    async def echo(ws):
        await ws.accept()
        await ws.send_text(await ws.receive_text())
        await ws.close()

    v1.add_websocket_route("/echo", echo)
    assert api.url_for(echo) == "/v1/echo"
    with api.requests.websocket_connect("ws://;/v1/echo") as ws:
        ws.send_text("hi")
        assert ws.receive_text() == "hi"
