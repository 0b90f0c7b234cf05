"""The "Building a REST API" tutorial's book catalog, as one module.

Full CRUD over ``/books`` with pydantic validation, 201/204/404 answers, a
``ValueError`` handler and interactive docs at ``/docs``. The tutorial keeps
books in a dict (no database), and so does this file.

Serve it with ``python examples/rest_api.py`` and try::

    curl -X POST http://127.0.0.1:5042/books -H 'Content-Type: application/json' \
        -d '{"title": "Dune", "author": "Frank Herbert", "year": 1965}'
    curl http://127.0.0.1:5042/books
    curl http://127.0.0.1:5042/books/1
    curl -X DELETE http://127.0.0.1:5042/books/1
"""

from pydantic import BaseModel

import responder

api = responder.API(
    title="Book Catalog",
    version="1.0",
    openapi="3.0.2",
    docs_route="/docs",
)


class BookIn(BaseModel):
    """A book as a client sends it: the server picks the id."""

    title: str
    author: str
    year: int
    isbn: str | None = None


class Book(BaseModel):
    """A book as the API returns it."""

    id: int
    title: str
    author: str
    year: int
    isbn: str | None = None


books_db: dict[int, dict] = {}
next_id = 1


@api.route("/books", methods=["GET"], response_model=list)
def list_books(req, resp):
    resp.media = list(books_db.values())


@api.route(
    "/books", methods=["POST"], check_existing=False, request_model=BookIn, response_model=Book
)
async def create_book(req, resp):
    global next_id
    data = await req.media()
    book = {"id": next_id, **data}
    books_db[next_id] = book
    next_id += 1
    resp.media = book
    resp.status_code = 201


@api.route("/books/{book_id:int}", methods=["GET"], response_model=Book)
def get_book(req, resp, *, book_id):
    if book_id not in books_db:
        resp.status_code = 404
        resp.media = {"error": f"Book {book_id} not found"}
        return
    resp.media = books_db[book_id]


@api.route(
    "/books/{book_id:int}",
    methods=["PUT"],
    check_existing=False,
    request_model=BookIn,
    response_model=Book,
)
async def update_book(req, resp, *, book_id):
    if book_id not in books_db:
        resp.status_code = 404
        resp.media = {"error": f"Book {book_id} not found"}
        return
    data = await req.media()
    book = {"id": book_id, **data}
    books_db[book_id] = book
    resp.media = book


@api.route("/books/{book_id:int}", methods=["DELETE"], check_existing=False)
def delete_book(req, resp, *, book_id):
    if book_id not in books_db:
        resp.status_code = 404
        resp.media = {"error": f"Book {book_id} not found"}
        return
    del books_db[book_id]
    resp.status_code = 204


@api.exception_handler(ValueError)
async def handle_value_error(req, resp, exc):
    resp.status_code = 400
    resp.media = {"error": str(exc)}


if __name__ == "__main__":
    api.run()
