"""Models the return annotations in these tests name (module level, so annotations resolve)."""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel
from typing_extensions import TypedDict


class Item(BaseModel):
    name: str
    price: float


class Other(BaseModel):
    code: int


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Pet(TypedDict):
    name: str
