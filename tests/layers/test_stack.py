"""wrap(): exactly the configured layers, in the documented order."""

import dataclasses

import pytest

import responder
from responder.app import App
from responder.layers import (
    CORSLayer,
    HSTSLayer,
    LayerOptions,
    RequestIDLayer,
    TrustedHostLayer,
    wrap,
)
from responder.layers.cors import CORSOptions
from responder.layers.hosts import HostPatterns

from .asgi import stack_types

SETTINGS = {
    "request_id": ({"request_id": True}, RequestIDLayer),
    "allowed_hosts": ({"allowed_hosts": ["example.com"]}, TrustedHostLayer),
    "enable_hsts": ({"enable_hsts": True}, HSTSLayer),
    "cors": ({"cors": True}, CORSLayer),
}
ORDER = [RequestIDLayer, TrustedHostLayer, HSTSLayer, CORSLayer]


@pytest.mark.parametrize("gzip", [True, False])
def test_no_layer_when_nothing_is_configured(gzip):
    # gzip, on by default, is done by the response itself: no layer around the app.
    api = responder.API(gzip=gzip)
    assert isinstance(api.middleware_stack, App)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_each_setting_adds_its_layer_only(name):
    options, layer = SETTINGS[name]
    assert stack_types(responder.API(**options)) == [layer]


def test_all_layers_in_order_outermost_first():
    options = {}
    for more, _ in SETTINGS.values():
        options.update(more)
    assert stack_types(responder.API(**options)) == ORDER


@pytest.mark.parametrize("left_out", sorted(SETTINGS))
def test_three_layers_keep_their_order(left_out):
    options = {}
    for name, (more, _) in SETTINGS.items():
        if name != left_out:
            options.update(more)
    expected = [layer for layer in ORDER if layer is not SETTINGS[left_out][1]]
    assert stack_types(responder.API(**options)) == expected


def test_falsy_settings_add_nothing():
    # An empty host list or cors_params without cors=True configure no layer.
    api = responder.API(allowed_hosts=[], cors_params={"allow_origins": ["*"]})
    assert stack_types(api) == []


class Tag:
    def __init__(self, app, name):
        self.app, self.name = app, name

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


def test_user_middleware_sits_inside_the_layers():
    api = responder.API(request_id=True)
    api.add_middleware(Tag, name="mine")
    assert stack_types(api) == [RequestIDLayer, Tag]


def test_wrap_uses_the_apis_media_registry():
    api = responder.API(cors=True, allowed_hosts=["a.test"], enable_hsts=True)
    stack = wrap(api.app, api.layers, api.media)
    assert stack.media is api.media
    assert stack.app.media is api.media
    assert stack.app.app.media is api.media


def test_a_request_through_every_layer():
    api = responder.API(
        request_id=True,
        allowed_hosts=["example.com"],
        enable_hsts=True,
        cors=True,
        cors_params={"allow_origins": ["https://app.test"]},
        gzip=True,
    )

    @api.route("/")
    def home(req, resp):
        resp.media = {"id": req.state.request_id, "pad": "x" * 1000}

    client = api.session(base_url="https://example.com")
    r = client.get("/", headers={"Origin": "https://app.test", "Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.json()["id"] == r.headers["x-request-id"]
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["access-control-allow-origin"] == "https://app.test"
    assert r.headers["strict-transport-security"].startswith("max-age=")
    assert [v.strip() for v in r.headers["vary"].split(",")] == [
        "Accept",
        "Accept-Encoding",
        "Origin",
    ]


def test_lifespan_and_websockets_pass_through_every_layer():
    events = []
    api = responder.API(
        request_id=True,
        allowed_hosts=["example.com"],
        enable_hsts=True,
        cors=True,
        gzip=True,
    )
    api.add_event_handler("startup", lambda: events.append("up"))

    @api.route("/ws", websocket=True)
    async def ws_view(ws):
        await ws.accept()
        await ws.send_text(ws.state.request_id)
        await ws.close()

    with api.session(base_url="https://example.com") as client:
        assert events == ["up"]
        with client.websocket_connect("wss://example.com/ws") as ws:
            request_id = ws.receive_text()
            assert dict(ws.extra_headers)[b"x-request-id"] == request_id.encode()


def test_layer_options_are_checked_when_built():
    options = LayerOptions.from_settings(cors=True, allowed_hosts=["example.com"])
    assert options.cors == CORSOptions()  # nothing allowed until origins are listed
    assert options.allowed_hosts == HostPatterns(["Example.com."])
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.cors.max_age = 0  # type: ignore[misc]
    with pytest.raises(ValueError, match=r"Unknown cors_params key\(s\): 'allow_origin';"):
        LayerOptions.from_settings(cors=True, cors_params={"allow_origin": ["https://a.test"]})
    with pytest.raises(ValueError, match="port"):
        LayerOptions.from_settings(allowed_hosts=["example.com:8000"])
    with pytest.raises(TypeError, match="list of host names"):
        LayerOptions.from_settings(allowed_hosts="example.com")


def test_the_api_keeps_its_layer_options_and_wrap_reads_only_them():
    api = responder.API(request_id=True, allowed_hosts=["example.com"])
    hosts = HostPatterns(["example.com"])
    assert api.layers == LayerOptions(allowed_hosts=hosts, request_id=True)
    assert not responder.API().layers.any
    stack = wrap(api.app, api.layers, api.media)
    assert [type(stack), type(stack.app)] == [RequestIDLayer, TrustedHostLayer]


def test_bad_layer_settings_fail_at_construction():
    with pytest.raises(ValueError):
        responder.API(cors=True, cors_params={"allow_origins": ["*"], "allow_credentials": True})
    with pytest.raises(ValueError):
        responder.API(cors=True, cors_params={"allow_orgins": ["https://a.example"]})
