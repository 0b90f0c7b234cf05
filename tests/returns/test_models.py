"""Response models, from ``response_model=`` or the return annotation: check, coerce, strip."""

from __future__ import annotations

import logging
import sys

import marshmallow
import pytest

import responder

from .models import Item, Other, Pet, Point


def test_the_annotation_strips_extra_fields_and_coerces():
    api = responder.API()

    @api.route("/")
    async def view(req, resp) -> Item:
        return {"name": "lamp", "price": "3.5", "cost_to_us": 1.0}

    assert api.requests.get("/").json() == {"name": "lamp", "price": 3.5}


def test_a_list_of_models_from_the_annotation_of_a_resource_responder():
    class Items:
        def on_get(self, req, resp) -> list[Item]:
            return [{"name": "a", "price": 1, "secret": "x"}, Item(name="b", price=2)]

        def on_post(self, req, resp) -> dict:  # a plain type: nothing to check
            return {"anything": "goes"}

    api = responder.API()
    api.add_route("/items", Items)
    assert api.requests.get("/items").json() == [
        {"name": "a", "price": 1.0},
        {"name": "b", "price": 2.0},
    ]
    assert api.requests.post("/items").json() == {"anything": "goes"}


def test_a_union_annotation_picks_the_member_that_fits():
    api = responder.API()

    @api.route("/{kind}")
    def view(req, resp, *, kind) -> Item | Other:
        if kind == "item":
            return {"name": "a", "price": 1, "extra": True}
        return {"code": "7", "extra": True}

    assert api.requests.get("/item").json() == {"name": "a", "price": 1.0}
    assert api.requests.get("/other").json() == {"code": 7}


def test_dataclass_and_typeddict_annotations():
    api = responder.API()

    @api.route("/point")
    async def point(req, resp) -> Point:
        return {"x": "1", "y": 2}

    @api.route("/pet")
    async def pet(req, resp) -> Pet:
        return {"name": "rex", "owner": "hidden"}

    assert api.requests.get("/point").json() == {"x": 1, "y": 2}
    assert api.requests.get("/pet").json() == {"name": "rex"}


def test_a_tuple_annotation_checks_its_body():
    api = responder.API()

    @api.post("/items")
    async def create(req, resp) -> tuple[Item, int]:
        return {"name": "a", "price": 1, "internal": 1}, 201

    r = api.requests.post("/items")
    assert (r.status_code, r.json()) == (201, {"name": "a", "price": 1.0})


def test_the_keyword_wins_over_the_annotation_and_checks_mutated_media():
    api = responder.API()

    @api.route("/", response_model=Other)
    async def view(req, resp) -> Item:
        resp.media = {"code": 3, "name": "not in Other"}

    assert api.requests.get("/").json() == {"code": 3}


def test_response_model_false_opts_out_of_the_annotation():
    api = responder.API()

    @api.route("/", response_model=False)
    async def view(req, resp) -> Item:
        return {"whatever": True}

    assert api.requests.get("/").json() == {"whatever": True}


def test_a_marshmallow_schema_still_works_as_response_model():
    class ItemSchema(marshmallow.Schema):
        name = marshmallow.fields.Str(required=True)

    api = responder.API()

    @api.route("/", response_model=ItemSchema)
    async def view(req, resp):
        return {"name": "a", "password": "x"}

    assert api.requests.get("/").json() == {"name": "a"}


@pytest.mark.parametrize("debug", [False, True])
def test_a_response_that_does_not_fit_fails_closed(debug, caplog):
    api = responder.API(debug=debug)

    @api.route("/")
    async def leaky(req, resp) -> Item:
        return {"name": "a", "password": "hunter2"}  # no price

    client = api.session(raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="responder"):
        r = client.get("/")
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert any("leaky" in m and "response_model" in m for m in caplog.messages)
    if debug:
        assert "price" in r.json()["detail"]  # debug says what did not fit
        with pytest.raises(ValueError, match="price"):
            api.requests.get("/")  # and re-raises it, for the server's log and tests
    else:
        assert "hunter2" not in r.text
        assert r.json()["detail"] == (
            "The server produced a response that does not fit its own schema."
        )
        assert api.requests.get("/").status_code == 500  # handled: not re-raised


def test_error_answers_are_not_checked_against_the_model():
    api = responder.API()

    @api.route("/")
    async def view(req, resp) -> Item:
        return {"error": "no such item"}, 404

    r = api.requests.get("/")
    assert (r.status_code, r.json()) == (404, {"error": "no such item"})


class Undefined:
    pass


def test_an_annotation_that_cannot_be_resolved_is_refused_at_registration():
    api = responder.API()

    async def view(req, resp) -> NoSuchModel:  # noqa: F821
        return {}

    with pytest.raises(TypeError, match=r"return annotation 'NoSuchModel' of .*view"):
        api.add_route("/", view)
    api.add_route("/", view, response_model=False)  # the way out
    assert api.requests.get("/").json() == {}


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="pydantic takes typing.TypedDict there")
def test_a_type_pydantic_cannot_use_is_refused_at_registration_naming_the_view():
    from typing import TypedDict  # pydantic wants typing_extensions' on Python < 3.12

    class Loose(TypedDict):
        name: str

    api = responder.API()

    async def view(req, resp):
        return None

    with pytest.raises(TypeError, match=r"cannot be the response model of .*view"):
        api.add_route("/", view, response_model=list[Loose])


def test_only_the_return_annotation_is_resolved():
    api = responder.API()

    async def view(req, resp, *, extra: NotDefinedAnywhere = None) -> Item:  # noqa: F821
        return {"name": "a", "price": 1, "x": 1}

    api.add_route("/", view)
    assert api.requests.get("/").json() == {"name": "a", "price": 1.0}


@pytest.mark.parametrize("annotation", ["int", "float", "set[int]", "Undefined", "Item | int"])
def test_an_annotation_no_response_can_be_made_of_is_refused_at_registration(annotation):
    api = responder.API()

    async def view(req, resp):
        return None

    view.__annotations__ = {"return": annotation}
    name = annotation.split("[")[0].split(" | ")[-1]
    with pytest.raises(TypeError, match=f"view is annotated to return {name}"):
        api.add_route("/", view)


@pytest.mark.parametrize("annotation", ["None", "str", "bytes", "dict[str, int]", "list"])
def test_plain_annotations_are_accepted_and_not_checked(annotation):
    api = responder.API()

    async def view(req, resp):
        return None

    view.__annotations__ = {"return": annotation}
    api.add_route("/", view)
    handler = api.router.match("/")[0].handlers["GET"]
    assert handler.direct is not None  # no check after it: still the fast path
