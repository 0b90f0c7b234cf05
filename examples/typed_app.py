"""A typed API: every parameter marker, typed bodies and dependencies, on views and resources.

Run it with ``python examples/typed_app.py`` and open http://127.0.0.1:5042/docs:
each parameter, body and 422 in the document comes from the signatures below.
The test suite validates its OpenAPI 3.0 and 3.1 documents and fuzzes it
with schemathesis from them.
"""

import enum
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, Field

import responder
from responder import Body, Cookie, Depends, File, Form, Header, Path, Query, UploadFile


class Shelf(str, enum.Enum):
    """Where a book is kept."""

    fiction = "fiction"
    science = "science"


class BookIn(BaseModel):
    """What a client sends to add a book."""

    title: str = Field(min_length=1, max_length=60)
    pages: int = Field(ge=1, le=5000)
    shelf: Shelf = Shelf.fiction
    tags: list[str] = Field(default_factory=list, max_length=5)


class Note(BaseModel):
    """A note of text only, so a form can carry it too."""

    author: str = Field(min_length=1, max_length=20)
    text: str = Field(max_length=200)


class Paging(BaseModel):
    """Which page of a listing, checked from the whole query string."""

    page: int = Field(1, ge=1, le=1000, description="The page, from 1.")
    size: int = Field(10, ge=1, le=50)


@dataclass
class Mark:
    """A place in a book, as a dataclass."""

    page: int
    line: int


class Store:
    """The books: one per app, handed to each request by a dependency."""

    def __init__(self) -> None:
        self.books: dict[int, BookIn] = {1: BookIn(title="Dune", pages=412)}
        self.ids = itertools.count(2)


def make_api(openapi: str = "3.1.0") -> responder.API:
    """The app, documented in OpenAPI ``openapi``."""
    api = responder.API(title="Typed books", version="1.0", openapi=openapi, docs_route="/docs")

    @api.dependency(scope="app")
    def store() -> Store:
        return Store()

    @api.dependency()
    def books(store: Store) -> Iterator[dict[int, BookIn]]:
        yield store.books  # a request-scoped view of the app-scoped store

    _book_routes(api)
    _other_routes(api)
    return api


def caller(req) -> str:
    # read by hand, so the document cannot show it: declare a Header marker instead
    return req.headers.get("x-caller", "anonymous")


def _book_routes(api: responder.API) -> None:
    """The books: listed, added, read and replaced."""

    @api.get("/books", tags=["books"])
    async def list_books(
        req,
        resp,
        *,
        q: str | None = Query(None, min_length=1, max_length=30, description="Title words."),
        shelf: Annotated[list[Shelf], Query()] = [],  # noqa: B006 (copied per request)
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
        books: dict[int, BookIn],
    ) -> None:
        found = [
            {"id": key, "title": book.title}
            for key, book in books.items()
            if (q is None or q.lower() in book.title.lower())
            and (not shelf or book.shelf in shelf)
        ]
        resp.media = found[:limit]

    @api.post("/books", status_code=201, tags=["books"])
    async def add_book(
        req, resp, *, book: BookIn, store: Store, who: str = Depends(caller)
    ) -> None:
        key = next(store.ids)
        store.books[key] = book
        resp.media = {"id": key, "title": book.title, "added_by": who}

    @api.route("/books/{book_id:int}", tags=["books"])
    class BookResource:
        """One book."""

        def on_request(
            self, req, resp, *, x_request_tag: str = Header("none", max_length=40)
        ) -> None:
            resp.headers["X-Request-Tag"] = x_request_tag

        async def on_get(
            self,
            req,
            resp,
            *,
            book_id: int = Path(ge=1, le=10**6, description="The book's id."),
            fields: Annotated[list[str], Query()] = [],  # noqa: B006
            books: dict[int, BookIn],
        ) -> None:
            book = books.get(book_id)
            if book is None:
                raise responder.HTTPNotFound(detail=f"No book {book_id}.")
            data = book.model_dump(mode="json")
            resp.media = {k: v for k, v in data.items() if not fields or k in fields}

        async def on_put(
            self,
            req,
            resp,
            *,
            book_id: int = Path(ge=1, le=10**6),
            book: BookIn,
            token: str = Header(..., alias="X-Token", min_length=3, max_length=40),
            books: dict[int, BookIn],
        ) -> None:
            """Replace a book.

            ---
            responses:
              "204":
                description: Replaced.
            """
            books[book_id] = book
            resp.status_code = 204


def _other_routes(api: responder.API) -> None:
    """Notes, marks, covers, pages and shelves: a body, a list body, a form, a query model."""

    @api.post("/books/{book_id:int}/notes", status_code=201, tags=["notes"])
    async def add_note(
        req, resp, *, book_id: int = Path(ge=1, le=10**6), note: Note, lang: str = Cookie("en")
    ) -> None:
        resp.media = {"book": book_id, "author": note.author, "lang": lang}

    @api.post("/marks", tags=["notes"])
    async def marks(
        req, resp, *, marks: Annotated[list[Mark], Body(description="Places.")]
    ) -> None:
        resp.media = {"count": len(marks)}

    @api.post("/covers", status_code=201, tags=["books"])
    async def upload_cover(
        req,
        resp,
        *,
        title: str = Form(..., min_length=1, max_length=60),
        caption: str = Form(""),
        cover: Annotated[UploadFile, File()],
        extras: Annotated[list[UploadFile], File()] = [],  # noqa: B006
    ) -> None:
        resp.media = {"title": title, "size": cover.size, "extras": len(extras)}

    @api.get("/pages", params_model=Paging, tags=["books"])
    async def pages(req, resp, *, paging: Annotated[Paging, Query()]) -> None:
        resp.media = paging.model_dump()

    @api.route("/shelves/{name}", tags=["shelves"])
    class ShelfResource:
        """A shelf, by name."""

        async def on_get(
            self,
            req,
            resp,
            *,
            name: Shelf,
            session: str = Cookie(""),
            x_trace: str = Header("", convert_underscores=False, max_length=40),
        ) -> None:
            resp.media = {"shelf": name.value}


api = make_api()

if __name__ == "__main__":
    api.run()
