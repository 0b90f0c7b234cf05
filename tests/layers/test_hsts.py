"""HSTS: plain HTTP is redirected to HTTPS; HTTPS responses carry Strict-Transport-Security."""

import pytest
from starlette.testclient import WebSocketDenialResponse

import responder
from responder.layers import HSTSLayer
from responder.layers.hsts import STRICT_TRANSPORT_SECURITY

from .asgi import body_of, call, headers_of, http_scope, start_of

STS = "max-age=31536000; includeSubDomains"


@pytest.fixture
def api():
    api = responder.API(enable_hsts=True)
    api.seen = []

    @api.route("/")
    def anything(req, resp):
        api.seen.append(req.method)
        resp.text = "secure"

    @api.route("/ws", websocket=True)
    async def ws_view(ws):
        await ws.accept()
        await ws.send_text("over wss")
        await ws.close()

    return api


def plain(api, method, path, host="example.com"):
    return api.requests.request(method, path, headers={"Host": host}, follow_redirects=False)


@pytest.mark.parametrize(("method", "status"), [("GET", 301), ("HEAD", 301)])
def test_get_and_head_are_moved_permanently(api, method, status):
    r = plain(api, method, "/a/b?x=1&y=2")
    assert r.status_code == status
    assert r.headers["location"] == "https://example.com/a/b?x=1&y=2"
    assert r.content == b""
    assert api.seen == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_get_308_so_the_method_and_body_are_kept(api, method):
    r = plain(api, method, "/submit")
    assert r.status_code == 308
    assert r.headers["location"] == "https://example.com/submit"
    assert api.seen == []


def test_redirects_carry_no_sts_header(api):
    # RFC 6797 §7.2: the header means nothing (and must not be sent) over plain HTTP.
    assert "strict-transport-security" not in plain(api, "GET", "/").headers


def test_following_the_redirect_reaches_the_app_over_https(api):
    r = api.requests.get("/", headers={"Host": "example.com"})
    assert r.url == "https://example.com/"
    assert r.text == "secure"
    assert r.history[0].status_code == 301


def test_the_test_client_ends_at_the_page(api):
    # As in 3.3: api.requests (http://;) is redirected to https://; and follows it.
    r = api.requests.get("/")
    assert (r.status_code, r.text, str(r.url)) == (200, "secure", "https://;/")
    assert [step.status_code for step in r.history] == [301]
    assert r.headers["strict-transport-security"] == STS
    r = api.requests.post("/?page=2", json={"item": 1})
    assert (r.status_code, str(r.url)) == (200, "https://;/?page=2")
    assert [step.status_code for step in r.history] == [308]
    assert api.seen == ["get", "post"]


def test_the_test_client_redirect_keeps_its_host(api):
    r = plain(api, "GET", "/a?b=1", host=";")
    assert (r.status_code, r.headers["location"]) == (301, "https://;/a?b=1")


def test_the_test_client_passes_trusted_hosts_and_hsts_together():
    api = responder.API(enable_hsts=True, allowed_hosts=[";", "example.com"])
    api.add_route("/", lambda req, resp: setattr(resp, "text", "both"))
    r = api.requests.get("/")
    assert (r.status_code, r.text, r.history[0].status_code) == (200, "both", 301)
    assert plain(api, "GET", "/", host="evil.com").status_code == 400


@pytest.mark.parametrize(
    ("host", "location"),
    [
        ("example.com:80", "https://example.com/"),
        ("example.com:443", "https://example.com/"),
        ("example.com:8443", "https://example.com:8443/"),
        ("EXAMPLE.com.", "https://example.com/"),
        ("[::1]:8000", "https://[::1]:8000/"),
        ("127.0.0.1", "https://127.0.0.1/"),
    ],
)
def test_location_uses_the_host_header(api, host, location):
    assert plain(api, "GET", "/", host=host).headers["location"] == location


@pytest.mark.parametrize("host", [";;", "example.com/evil", "a b", "user@example.com", ""])
def test_no_usable_host_is_400(api, host):
    r = plain(api, "GET", "/", host=host)
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert "location" not in r.headers


def test_path_and_query_stay_percent_encoded(api):
    r = plain(api, "GET", "/caf%C3%A9/a%2Fb?q=%20x&r=%E2%9C%93")
    assert r.headers["location"] == "https://example.com/caf%C3%A9/a%2Fb?q=%20x&r=%E2%9C%93"


def test_raw_bytes_in_the_request_target_are_encoded_in_location():
    layer = HSTSLayer(None)
    scope = http_scope(path="/é", scheme="http", query=b"a=\xff b")
    scope["raw_path"] = "/é".encode()
    messages = call(layer, scope)
    assert start_of(messages)["status"] == 301
    assert headers_of(messages)[b"location"] == b"https://example.com/%C3%A9?a=%FF%20b"


def test_https_responses_carry_the_header(api):
    client = api.session(base_url="https://example.com")
    r = client.get("/")
    assert r.headers["strict-transport-security"] == STS == STRICT_TRANSPORT_SECURITY
    missing = client.get("/missing")
    assert missing.status_code == 404
    assert missing.headers["strict-transport-security"] == STS


def test_a_view_may_send_its_own_policy(api):
    @api.route("/short")
    def short(req, resp):
        resp.headers["Strict-Transport-Security"] = "max-age=60"
        resp.text = "short"

    r = api.session(base_url="https://example.com").get("/short")
    assert r.headers.get_list("strict-transport-security") == ["max-age=60"]


def test_the_value_is_a_documented_attribute(monkeypatch):
    monkeypatch.setattr(HSTSLayer, "sts", "max-age=63072000; includeSubDomains; preload")
    api = responder.API(enable_hsts=True)
    r = api.session(base_url="https://example.com").get("/")
    assert r.headers["strict-transport-security"].endswith("; preload")


def test_websocket_ws_is_sent_to_wss(api):
    url = "ws://example.com/ws?room=1"
    with pytest.raises(WebSocketDenialResponse) as denied, api.requests.websocket_connect(url):
        pass
    assert denied.value.status_code == 301
    assert denied.value.headers["location"] == "wss://example.com/ws?room=1"


def test_websocket_over_wss_is_served(api):
    client = api.session(base_url="https://example.com")
    with client.websocket_connect("wss://example.com/ws") as ws:
        assert ws.receive_text() == "over wss"


def test_websocket_without_the_response_extension_is_closed(api):
    scope = http_scope(scheme="ws")
    scope.update(type="websocket", subprotocols=[])
    del scope["method"]
    messages = call(api.middleware_stack, scope)
    assert messages == [{"type": "websocket.close", "code": 1008}]


def test_lifespan_passes_through():
    events = []
    api = responder.API(enable_hsts=True)
    api.add_event_handler("startup", lambda: events.append("up"))
    with api.session():
        assert events == ["up"]


def test_missing_scheme_counts_as_plain_http():
    scope = http_scope()
    del scope["scheme"]
    messages = call(HSTSLayer(None), scope)
    assert start_of(messages)["status"] == 301
    assert body_of(messages) == b""
