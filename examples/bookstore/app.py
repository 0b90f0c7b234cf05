"""The bookstore's API: made here, the routers included, the app-scoped pool registered.

Serve it with ``responder run examples.bookstore.app:api`` (or ``uvicorn
examples.bookstore.app:api``) from the repository's root; the database is
the file named by ``BOOKSTORE_DB`` (``bookstore.sqlite3`` by default).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import responder

from . import authors, books, errors
from .db import Pool


def create_api(database: str | None = None) -> responder.API:
    """A bookstore API on the SQLite file ``database`` (``$BOOKSTORE_DB`` by default)."""
    path = database or os.environ.get("BOOKSTORE_DB", "bookstore.sqlite3")
    api = responder.API(
        title="Bookstore",
        version="1.0.0",
        description="Books and their authors, in any format the client speaks.",
        openapi="3.1.0",
        docs_route="/docs",
    )

    # Registered before the routers are included: their views and providers name them.
    @api.dependency(scope="app")
    def pool() -> Iterator[Pool]:
        """The connection pool: opened by the first request that needs it, closed at shutdown."""
        opened = Pool(path)
        yield opened
        opened.close()

    @api.dependency(scope="app")
    def url_for() -> Callable[..., str]:
        """``api.url_for``, for views in routers (which never import the API)."""
        return api.url_for

    api.include_router(authors.router, prefix="/api")
    api.include_router(books.router, prefix="/api")
    errors.install(api)
    return api


api = create_api()
