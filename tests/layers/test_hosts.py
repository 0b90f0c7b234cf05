"""Trusted hosts: 400 for any Host not listed; wildcards, ports and odd headers."""

import pytest
from starlette.testclient import WebSocketDenialResponse

import responder
from responder.layers import TrustedHostLayer
from responder.layers.hosts import HostPatterns

from .asgi import body_of, call, headers_of, http_scope, start_of


def make_api(hosts):
    api = responder.API(allowed_hosts=hosts)

    @api.route("/")
    def home(req, resp):
        resp.text = "welcome"

    return api


def status_for(api, host):
    return api.requests.get("/", headers={"Host": host}).status_code


def test_listed_host_passes_and_others_get_problem_details():
    api = make_api(["example.com"])
    assert api.requests.get("/", headers={"Host": "example.com"}).text == "welcome"
    r = api.requests.get("/", headers={"Host": "evil.com"})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "This server does not answer for the host in the request.",
    }
    assert r.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("example.com", 200),
        ("example.com:8000", 200),  # the port is ignored
        ("EXAMPLE.COM", 200),
        ("example.com.", 200),  # the fully qualified form
        ("www.example.com", 400),  # not listed, no wildcard
        ("evil.com", 400),
        ("example.com.evil.com", 400),
        ("evilexample.com", 400),
        ("example.co", 400),
        ("example.com:", 400),  # malformed
        ("example.com:99999999", 400),
        ("example.com/x", 400),
        ("example.com@evil.com", 400),
        ("example.com evil.com", 400),
        ("", 400),
    ],
)
def test_exact_host(host, status):
    assert status_for(make_api(["example.com"]), host) == status


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("a.example.com", 200),
        ("a.b.example.com", 200),
        ("A.Example.Com:443", 200),
        ("example.com", 400),  # the bare domain is not a subdomain
        (".example.com", 400),
        ("evilexample.com", 400),
        ("a.example.com.evil.net", 400),
        ("aexample.com", 400),
    ],
)
def test_wildcard_matches_subdomains_only(host, status):
    assert status_for(make_api(["*.example.com"]), host) == status


def test_wildcard_and_bare_domain_together():
    api = make_api(["example.com", "*.example.com"])
    assert status_for(api, "example.com") == 200
    assert status_for(api, "api.example.com") == 200
    assert status_for(api, "example.org") == 400


def test_star_allows_everything():
    api = make_api(["*"])
    for host in ("anything.test", ";", "example.com/x"):
        assert status_for(api, host) == 200


def test_the_test_client_host_can_be_listed():
    # 3.3 apps list ";" so that api.requests (base URL http://;) passes the check.
    api = make_api(["example.com", ";"])
    r = api.requests.get("/")
    assert (r.status_code, r.text) == (200, "welcome")
    assert api.requests.get("http://;/").text == "welcome"
    assert status_for(api, "example.com") == 200
    assert status_for(api, "evil.com") == 400
    assert status_for(api, ";;") == 400


def test_the_test_client_host_is_refused_unless_listed():
    api = make_api(["example.com"])
    assert api.requests.get("/").status_code == 400


def test_ip_addresses():
    api = make_api(["127.0.0.1", "::1"])
    assert status_for(api, "127.0.0.1:8000") == 200
    assert status_for(api, "[::1]:8000") == 200
    assert status_for(api, "[0:0:0:0:0:0:0:1]") == 200  # the same address
    assert status_for(api, "[::2]") == 400
    assert status_for(api, "[::g]") == 400


def test_missing_or_repeated_host_header_is_400():
    layer = TrustedHostLayer(None, ["example.com"])
    assert start_of(call(layer, http_scope(headers=[])))["status"] == 400
    twice = [(b"host", b"example.com"), (b"host", b"example.com")]
    assert start_of(call(layer, http_scope(headers=twice)))["status"] == 400


def test_head_refusal_has_no_body():
    layer = TrustedHostLayer(None, ["example.com"])
    messages = call(layer, http_scope("HEAD", headers=[(b"host", b"evil.com")]))
    assert start_of(messages)["status"] == 400
    assert int(headers_of(messages)[b"content-length"]) > 0
    assert body_of(messages) == b""


def test_problem_follows_accept_like_every_framework_error():
    api = make_api(["example.com"])
    r = api.requests.get("/", headers={"Host": "evil.com", "Accept": "application/x-yaml"})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+yaml"
    assert "status: 400" in r.text


def test_websocket_handshake_for_a_bad_host_is_refused():
    api = make_api(["example.com"])

    @api.route("/ws", websocket=True)
    async def ws_view(ws):
        await ws.accept()
        await ws.send_text("hi")
        await ws.close()

    bad = {"Host": "evil.com"}
    with (
        pytest.raises(WebSocketDenialResponse) as denied,
        api.requests.websocket_connect("/ws", headers=bad),
    ):
        pass
    assert denied.value.status_code == 400
    with api.requests.websocket_connect("/ws", headers={"Host": "example.com"}) as ws:
        assert ws.receive_text() == "hi"


def test_lifespan_passes_through():
    events = []
    api = make_api(["example.com"])
    api.add_event_handler("startup", lambda: events.append("up"))
    with api.session():
        assert events == ["up"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("*example.com", "not a host name"),
        ("foo.*.com", "not a host name"),
        ("*.*.example.com", "not a host name"),
        ("*.", "not a host name"),
        ("", "not a host name"),
        ("http://example.com", "not a host name"),
        ("example.com/", "not a host name"),
        ("*.;", "not a host name"),
        (";:80", "not a host name"),
        ("example.com:8000", "ports are ignored, list 'example.com'"),
        ("*.example.com:443", "ports are ignored, list '\\*.example.com'"),
    ],
)
def test_malformed_patterns_are_refused(pattern, message):
    with pytest.raises(ValueError, match=message):
        HostPatterns([pattern])


def test_a_single_string_is_refused():
    with pytest.raises(TypeError, match="list of host names"):
        HostPatterns("example.com")
    with pytest.raises(TypeError, match="must be a string"):
        HostPatterns([b"example.com"])


def test_patterns_are_normalised():
    patterns = HostPatterns(["Example.COM.", "*.Sub.Example.com", "[0::1]", ";"])
    assert patterns.exact == {"example.com", "[::1]", ";"}
    assert patterns.suffixes == (".sub.example.com",)
