"""Every mistake in a declaration is refused when the route is added, naming view and parameter."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

import responder
from responder import Body, Form, Path, Query


class Item(BaseModel):
    name: str


def test_a_plain_view_keeps_its_old_message(api):
    async def view(req, resp, *, missing):
        pass

    with pytest.raises(TypeError, match=r"view requires missing, but the route '/a' gives"):
        api.add_route("/a", view)


def test_a_planned_view_names_the_parameter_without_a_source(api):
    async def view(req, resp, *, q: str = Query("x"), other: int):
        pass

    with pytest.raises(TypeError, match=r"view requires other, but the route '/a' gives"):
        api.add_route("/a", view)


def test_path_marker_for_a_value_the_route_lacks(api):
    async def view(req, resp, *, id: int = Path()):
        pass

    with pytest.raises(TypeError, match=r"view: parameter 'id' reads the route value 'id'"):
        api.add_route("/items", view)


def test_a_body_on_a_get_only_view(api):
    async def view(req, resp, *, item: Item):
        pass

    with pytest.raises(
        TypeError, match=r"parameter 'item' reads the body, but .* only answers GET"
    ):
        api.add_route("/a", view, methods=["GET"])


def test_a_body_on_a_resource_on_get(api):
    class R:
        def on_get(self, req, resp, *, item: Item = Body()):
            pass

    with pytest.raises(TypeError, match=r"R.on_get: parameter 'item' reads the body"):
        api.add_route("/a", R)


def test_two_bodies_and_a_body_with_form_fields(api):
    async def two(req, resp, *, a: Item, b: Item):
        pass

    with pytest.raises(TypeError, match=r"two takes the body as both a, b"):
        api.add_route("/a", two, methods=["POST"])

    async def mixed(req, resp, *, a: Item, b: str = Form()):
        pass

    with pytest.raises(TypeError, match=r"mixed reads the body as a and form fields b"):
        api.add_route("/b", mixed, methods=["POST"])


def test_a_websocket_handler_cannot_read_a_body(api):
    async def ws_view(ws, *, data: str = Body()):
        pass

    with pytest.raises(TypeError, match="a WebSocket handshake does not have"):
        api.add_route("/ws", ws_view, websocket=True)


def test_a_failed_registration_adds_nothing(api):
    async def view(req, resp, *, item: Item):
        pass

    with pytest.raises(TypeError):
        api.add_route("/a", view, methods=["GET"])
    assert api.requests.get("/a").status_code == 404


def test_markers_are_importable_from_responder():
    for name in ("Query", "Header", "Cookie", "Path", "Body", "Form", "File", "UploadFile"):
        assert name in responder.__all__
