"""CORS: restrictive defaults, simple requests, preflights, and refused configurations."""

import pytest

import responder
from responder.layers import CORSLayer
from responder.layers.cors import CORSOptions

from .asgi import call, cors_headers, headers_of, http_scope

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


def make_api(**params):
    api = responder.API(cors=True, cors_params=params)
    calls = []

    @api.route("/things")
    def things(req, resp):
        calls.append(req.method)
        resp.media = {"ok": True}

    api.calls = calls
    return api


def preflight(api, origin=APP, method="POST", headers=None, path="/things"):
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        request_headers["Access-Control-Request-Headers"] = headers
    return api.requests.options(path, headers=request_headers)


# -- defaults: nothing allowed ---------------------------------------------------


def test_defaults_allow_no_origin():
    api = make_api()
    r = api.requests.get("/things", headers={"Origin": APP})
    assert r.status_code == 200
    assert cors_headers(r.headers) == {}
    assert "Origin" in r.headers["vary"]


def test_defaults_refuse_every_preflight():
    api = make_api()
    r = preflight(api, method="GET")
    assert r.status_code == 403
    assert cors_headers(r.headers) == {}
    assert api.calls == []


def test_default_policy_values():
    policy = CORSOptions()
    assert (policy.origins, policy.any_origin, policy.credentials) == (frozenset(), False, False)
    assert policy.methods == ("GET",)
    assert policy.max_age == 600


# -- simple (actual) requests --------------------------------------------------------


def test_allowed_origin_gets_its_origin_back():
    api = make_api(allow_origins=[APP])
    r = api.requests.get("/things", headers={"Origin": APP})
    assert r.json() == {"ok": True}
    assert cors_headers(r.headers) == {"access-control-allow-origin": APP}
    assert [v.strip() for v in r.headers["vary"].split(",")] == ["Accept", "Origin"]


def test_denied_origin_gets_no_cors_headers_even_with_everything_configured():
    api = make_api(
        allow_origins=[APP],
        allow_methods=["GET", "POST"],
        allow_credentials=True,
        expose_headers=["X-Total"],
    )
    r = api.requests.get("/things", headers={"Origin": EVIL})
    assert r.status_code == 200  # CORS does not block the request, only the page's reading
    assert cors_headers(r.headers) == {}
    assert "Origin" in r.headers["vary"]


def test_no_origin_no_cors_headers_but_vary():
    api = make_api(allow_origins=[APP])
    r = api.requests.get("/things")
    assert cors_headers(r.headers) == {}
    assert "Origin" in r.headers["vary"]


def test_method_not_allowed_for_cors_gets_no_headers():
    api = make_api(allow_origins=[APP])  # GET only
    r = api.requests.post("/things", headers={"Origin": APP})
    assert r.status_code == 200
    assert cors_headers(r.headers) == {}
    r = api.requests.head("/things", headers={"Origin": APP})  # GET implies HEAD
    assert r.headers["access-control-allow-origin"] == APP


def test_credentials_and_exposed_headers():
    api = make_api(allow_origins=[APP], allow_credentials=True, expose_headers=["X-Total", "ETag"])
    r = api.requests.get("/things", headers={"Origin": APP})
    assert cors_headers(r.headers) == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "X-Total, ETag",
    }


def test_any_origin_without_credentials_is_a_star():
    api = make_api(allow_origins=["*"])
    r = api.requests.get("/things", headers={"Origin": EVIL})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers


def test_error_responses_carry_cors_headers_too():
    api = make_api(allow_origins=[APP])
    r = api.requests.get("/missing", headers={"Origin": APP})
    assert r.status_code == 404
    assert r.headers["access-control-allow-origin"] == APP


def test_origins_compare_without_case():
    api = make_api(allow_origins=["https://App.Example.com"])
    r = api.requests.get("/things", headers={"Origin": APP})
    assert r.headers["access-control-allow-origin"] == APP


def test_origin_regex_must_match_the_whole_origin():
    api = make_api(allow_origin_regex=r"https://[a-z]+\.example\.com")
    ok = api.requests.get("/things", headers={"Origin": APP})
    assert ok.headers["access-control-allow-origin"] == APP
    for origin in (APP + ".evil.net", "http://app.example.com", "https://a.b.example.com"):
        r = api.requests.get("/things", headers={"Origin": origin})
        assert cors_headers(r.headers) == {}, origin


def test_null_origin_only_when_listed():
    r = make_api(allow_origins=[APP]).requests.get("/things", headers={"Origin": "null"})
    assert cors_headers(r.headers) == {}
    r = make_api(allow_origins=["null"]).requests.get("/things", headers={"Origin": "null"})
    assert r.headers["access-control-allow-origin"] == "null"


def test_app_set_cors_headers_are_replaced_not_duplicated():
    api = responder.API(cors=True, cors_params={"allow_origins": [APP]})

    @api.route("/")
    def home(req, resp):
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Vary"] = "Cookie"
        resp.text = "hi"

    app = api.middleware_stack
    messages = call(app, http_scope(headers=[(b"host", b"x"), (b"origin", APP.encode())]))
    headers = headers_of(messages)
    assert headers[b"access-control-allow-origin"] == APP.encode()
    assert headers[b"vary"] == b"Cookie, Origin"


# -- preflights ----------------------------------------------------------------------


def test_allowed_preflight_is_answered_by_the_layer():
    api = make_api(
        allow_origins=[APP],
        allow_methods=["GET", "PUT"],
        allow_headers=["X-Token"],
        allow_credentials=True,
        max_age=120,
    )
    r = preflight(api, method="PUT", headers="x-token, content-type")
    assert r.status_code == 204
    assert r.content == b""
    assert cors_headers(r.headers) == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, PUT",
        "access-control-allow-headers": "x-token, content-type",
        "access-control-max-age": "120",
    }
    assert r.headers["vary"] == (
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    )
    assert "content-length" not in r.headers  # 204
    assert api.calls == []  # the app never saw it


def test_preflight_for_a_path_without_route_is_answered_too():
    api = make_api(allow_origins=[APP])
    r = preflight(api, method="GET", path="/nowhere")
    assert r.status_code == 204


@pytest.mark.parametrize(
    ("origin", "method", "headers", "reason"),
    [
        (EVIL, "GET", None, "origin"),
        (APP, "DELETE", None, "method 'DELETE'"),
        (APP, "GET", "X-Secret", "x-secret"),
        (APP, "GET", "X-Token, X-Secret", "x-secret"),
        (APP, "GE T", None, "method"),
    ],
)
def test_refused_preflights_get_403_without_cors_headers(origin, method, headers, reason):
    api = make_api(allow_origins=[APP], allow_headers=["X-Token"], expose_headers=["X-Total"])
    r = preflight(api, origin=origin, method=method, headers=headers)
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    assert reason in r.json()["detail"]
    assert cors_headers(r.headers) == {}
    assert api.calls == []


def test_safelisted_request_headers_need_no_listing():
    api = make_api(allow_origins=[APP])
    r = preflight(api, method="GET", headers="Content-Type, Accept")
    assert r.status_code == 204
    assert r.headers["access-control-allow-headers"] == "content-type, accept"


def test_any_method_and_any_header_mirror_the_request():
    api = make_api(allow_origins=[APP], allow_methods=["*"], allow_headers=["*"])
    r = preflight(api, method="PATCH", headers="X-Anything")
    assert r.status_code == 204
    assert r.headers["access-control-allow-methods"] == "PATCH"
    assert r.headers["access-control-allow-headers"] == "x-anything"


def test_options_without_request_method_is_not_a_preflight():
    api = make_api(allow_origins=[APP], allow_methods=["GET", "OPTIONS"])
    r = api.requests.options("/things", headers={"Origin": APP})
    assert "access-control-allow-methods" not in r.headers
    assert r.headers["access-control-allow-origin"] == APP


def test_preflight_problem_follows_accept():
    api = make_api()
    r = api.requests.options(
        "/things",
        headers={
            "Origin": APP,
            "Access-Control-Request-Method": "GET",
            "Accept": "application/x-yaml",
        },
    )
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+yaml"


# -- refused configurations ---------------------------------------------------------------


def test_any_origin_with_credentials_is_refused():
    with pytest.raises(ValueError, match="allow_credentials=True"):
        CORSLayer(None, allow_origins=["*"], allow_credentials=True)
    with pytest.raises(ValueError, match="any origin"):
        CORSLayer(None, allow_origins=[APP, "*"], allow_credentials=True)


def test_unknown_keys_are_named():
    with pytest.raises(ValueError, match=r"'allow_origin', 'credentials'"):
        CORSLayer(None, allow_origin=[APP], credentials=True)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"allow_origins": APP}, TypeError),  # one string, not a list
        ({"allow_methods": "GET"}, TypeError),
        ({"allow_origins": [APP + "/"]}, ValueError),  # trailing slash never matches
        ({"allow_origins": ["app.example.com"]}, ValueError),  # no scheme
        ({"allow_origins": [APP + "/path"]}, ValueError),
        ({"allow_origins": [1]}, TypeError),
        ({"allow_methods": ["GET POST"]}, ValueError),
        ({"allow_headers": ["X-A: b"]}, ValueError),
        ({"allow_credentials": "yes"}, TypeError),
        ({"max_age": -1}, ValueError),
        ({"max_age": "600"}, ValueError),
        ({"allow_origin_regex": 5}, TypeError),
        ({"allow_origin_regex": "https://(unclosed"}, ValueError),
        ({"allow_origins": ["https://user@app.example.com"]}, ValueError),
        ({"allow_origins": [" " + APP]}, ValueError),
    ],
)
def test_malformed_params_are_refused(params, error):
    with pytest.raises(error, match=r"cors|CORS"):
        CORSOptions.from_params(params)


def test_websockets_pass_untouched():
    api = responder.API(cors=True, cors_params={"allow_origins": [APP]})

    @api.route("/ws", websocket=True)
    async def ws_view(ws):
        await ws.accept()
        await ws.send_text("hi")
        await ws.close()

    with api.requests.websocket_connect("/ws", headers={"Origin": EVIL}) as ws:
        assert ws.receive_text() == "hi"
