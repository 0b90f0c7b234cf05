"""An app that uses every OpenAPI source at once, for validation and fuzzing.

Function views and resource classes, a router included under a prefix, a
group, response models from keywords and from return annotations (a model, a
list, a union, a dataclass, a TypedDict), recursive and nested pydantic
models, enums, Optional, tuples, unions, a marshmallow schema, docstring
YAML, statuses from ``status_code=`` and ``responses=``, and every operation
field. Each view answers what its document says, so schemathesis finds
nothing.
"""

import enum
from dataclasses import dataclass
from typing import Literal

from marshmallow import Schema, fields
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

import responder


class Color(str, enum.Enum):
    """A colour."""

    red = "red"
    green = "green"


class Tag(BaseModel):
    """A label."""

    name: str = Field(min_length=1, max_length=20)


class Category(BaseModel):
    """A category and its sub-categories: a recursive model."""

    name: str = Field(min_length=1, max_length=20)
    children: list["Category"] = Field(default_factory=list, max_length=2)


class ItemIn(BaseModel):
    """What a client sends to create an item."""

    name: str = Field(min_length=1, max_length=40, examples=["lamp"])
    price: float = Field(gt=0, le=10_000)
    color: Color = Color.red
    kind: Literal["item"] = "item"
    size: tuple[int, int] | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=3)
    category: Category | None = None
    note: int | str | None = None


class Item(ItemIn):
    """A stored item."""

    id: int


@dataclass
class Point:
    """A point, as a dataclass."""

    x: int
    y: int


class Totals(TypedDict):
    """How many items there are, as a TypedDict."""

    count: int
    colors: list[Color]


class Signup(BaseModel):
    """A flat model of strings: a form can carry it too."""

    login: str = Field(min_length=1, max_length=20)
    plan: Color


class OwnerSchema(Schema):
    """An owner, as a marshmallow schema."""

    name = fields.Str(required=True)
    city = fields.Str()


ITEMS: dict[int, Item] = {1: Item(id=1, name="lamp", price=19.5)}


def items_router() -> responder.Router:
    """The items, in a router of their own."""
    router = responder.Router("/items", tags=["items"], name="items")

    @router.get("", summary="List items")
    def list_items(req, resp) -> list[Item]:
        return list(ITEMS.values())

    @router.post(
        "",
        request_model=ItemIn,
        status_code=201,
        operation_id="create_item",
        description="Adds an item; the body may be JSON, YAML or MessagePack.",
    )
    async def create_item(req, resp) -> Item:
        data = await req.media()
        return Item(id=len(ITEMS) + 1, **data)

    @router.route("/{item_id:int}")
    class ItemResource:
        """One item."""

        def on_get(self, req, resp, *, item_id) -> Item | Point:
            """Fetch an item (or, for item 0, the origin as a point).

            ---
            responses:
              "404":
                description: No such item.
            """
            if item_id == 0:
                return Point(0, 0)
            if item_id not in ITEMS:
                raise responder.HTTPNotFound(detail=f"No item {item_id}.")
            return ITEMS[item_id]

        async def on_delete(self, req, resp, *, item_id):
            """Remove an item.

            ---
            responses:
              "204":
                description: Removed (or never there).
            """
            resp.status_code = 204

    return router


def make_api(openapi: str = "3.1.0") -> responder.API:
    """The app, documented in OpenAPI ``openapi``."""
    api = responder.API(title="Rich", version="1.0", openapi=openapi)
    api.include_router(items_router(), prefix="/v1")
    stats = api.group("/stats")

    @stats.get("/totals", tags=["stats"])
    def totals(req, resp) -> Totals:
        return {"count": len(ITEMS), "colors": [item.color for item in ITEMS.values()]}

    @stats.get("/origin", tags=["stats"], deprecated=True)
    async def origin(req, resp) -> Point:
        return Point(0, 0)

    @api.post("/signup", request_model=Signup, responses={201: {"description": "Signed up"}})
    async def signup(req, resp) -> Signup:
        return await req.media(), 201

    @api.route("/owners", methods=["POST"], request_model=OwnerSchema, status_code=201)
    async def add_owner(req, resp):
        resp.media = await req.media()

    @api.get("/owners/{name}", response_model=OwnerSchema, operation_id="owner")
    def owner(req, resp, *, name):
        resp.media = {"name": name, "city": "Oslo", "secret": "stripped"}

    @api.get("/raw", response_model=False)
    def raw(req, resp) -> Item:
        return {"anything": "goes"}

    @api.get("/plain")
    def plain(req, resp) -> dict:
        return {"plain": True}

    @api.delete("/cache", status_code=204)
    async def clear_cache(req, resp):
        pass

    @api.get("/hidden", include_in_schema=False)
    def hidden(req, resp):
        resp.text = "not documented"

    return api
