"""What the ``typed`` scenario's views share: the body model and the dependency.

Every framework validates the same pydantic model and calls the same provider,
so the scenario compares the typed machinery (query coercion and constraints,
body decoding and validation, dependency resolution), not the work inside it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Item(BaseModel):
    """The request body: validated (and coerced) by each framework."""

    name: str
    price: float
    tags: list[str]


class Db:
    """Stands in for a database session: one per request, from :func:`get_db`."""

    __slots__ = ("status",)

    def __init__(self) -> None:
        self.status = "ok"


async def get_db() -> Db:
    """The dependency provider (async, so no framework sends it to a thread pool)."""
    return Db()


def reply(q: str, limit: int, item: Item, db: Db) -> dict[str, Any]:
    """The response every framework sends: the validated inputs echoed back."""
    return {"q": q, "limit": limit, "item": item.model_dump(), "db": db.status}
