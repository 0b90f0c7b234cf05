"""What the bookstore reads and answers: pydantic models, and the paging query values.

``BookIn`` is what a client sends, ``Book`` what it gets back (with the id);
the return annotations of the views name them, so answers are checked and
documented by the same models.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, Field, field_validator

from responder import Query

T = TypeVar("T")

Title = Annotated[str, Field(min_length=1, max_length=200)]
Year = Annotated[int, Field(ge=0, le=2100)]

#: How many items a page holds, and where it starts: ``?limit=20&offset=40``.
Limit = Annotated[int, Query(ge=1, le=100, description="How many items one page holds.")]
Offset = Annotated[int, Query(ge=0, description="How many items to skip.")]


class AuthorIn(BaseModel):
    """An author as a client sends it."""

    name: str = Field(min_length=1, max_length=100)


class Author(AuthorIn):
    """A stored author."""

    id: int


class BookIn(BaseModel):
    """A book as a client sends it, to create it (POST) or replace it (PUT)."""

    title: Title
    author_id: int = Field(ge=1)
    year: Year | None = None


class BookPatch(BaseModel):
    """The fields of a book to change (PATCH); those not sent stay as they are."""

    title: Title | None = None
    author_id: int | None = Field(None, ge=1)
    year: Year | None = None

    @field_validator("title", "author_id")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Runs only for values sent: leaving a field out keeps it, sending null cannot clear it.
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


class Book(BookIn):
    """A stored book."""

    id: int


class Page(BaseModel, Generic[T]):
    """One page of a listing: its items, how many there are in all, and where it stands."""

    items: list[T]
    total: int
    limit: int
    offset: int
