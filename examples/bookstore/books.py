"""The books: one router, its routes named for ``url_for`` (``books:detail``) and tagged.

Listing pages with ``Query`` markers (``limit``, ``offset``, ``q``,
``author_id``); the body arrives as a ``BookIn`` in any format the API reads
(JSON, YAML, MessagePack, forms); answers are returned, and checked against
the return annotation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from responder import Query, Router

from .db import DB, Session
from .errors import not_found
from .models import Book, BookIn, BookPatch, Limit, Offset, Page

router = Router("/books", tags=["books"], name="books")

#: ``api.url_for``, registered by ``app.py`` (a router never imports the API).
UrlFor = Callable[..., str]

COLUMNS = "id, title, author_id, year"


def page_of_books(
    db: Session, *, limit: int, offset: int, q: str | None = None, author_id: int | None = None
) -> Page[Book]:
    """One page of books, filtered by a title fragment and an author; oldest first."""
    where: list[str] = ["1 = 1"]
    args: list[object] = []
    if q is not None:
        where.append("title LIKE ? ESCAPE '\\'")
        args.append("%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if author_id is not None:
        where.append("author_id = ?")
        args.append(author_id)
    clause = " AND ".join(where)
    total = db.scalar(f"SELECT count(*) FROM books WHERE {clause}", args)  # noqa: S608 - fixed text
    rows = db.all(
        f"SELECT {COLUMNS} FROM books WHERE {clause} ORDER BY id LIMIT ? OFFSET ?",  # noqa: S608
        [*args, limit, offset],
    )
    return Page[Book](items=[Book(**row) for row in rows], total=total, limit=limit, offset=offset)


def find_book(db: Session, book_id: int) -> Book:
    """The book with this id, or a 404 problem."""
    row = db.one(f"SELECT {COLUMNS} FROM books WHERE id = ?", [book_id])  # noqa: S608
    if row is None:
        raise not_found("book", book_id)
    return Book(**row)


@router.get("", name="list", summary="List books, a page at a time")
def list_books(
    req: Any,
    resp: Any,
    *,
    db: DB,
    limit: Limit = 20,
    offset: Offset = 0,
    q: Annotated[
        str | None, Query(min_length=1, max_length=100, description="In the title.")
    ] = None,
    author_id: Annotated[int | None, Query(ge=1, description="Only this author's books.")] = None,
) -> Page[Book]:
    """Books, oldest first, filtered by ``q`` (part of the title) and ``author_id``."""
    return page_of_books(db, limit=limit, offset=offset, q=q, author_id=author_id)


@router.get("/{book_id:int}", name="detail", summary="One book")
def get_book(req: Any, resp: Any, *, book_id: int, db: DB) -> Book:
    """The book, or a 404 problem."""
    return find_book(db, book_id)


@router.post("", name="create", status_code=201, summary="Add a book")
def create_book(req: Any, resp: Any, *, book: BookIn, db: DB, url_for: UrlFor) -> Book:
    """Store the book; the answer is it, with its id, and a ``Location`` to find it by."""
    new_id = db.insert(
        "INSERT INTO books (title, author_id, year) VALUES (?, ?, ?)",
        [book.title, book.author_id, book.year],
    )
    created = Book(id=new_id, **book.model_dump())
    resp.headers["Location"] = url_for("books:detail", book_id=created.id)
    db.commit()  # last, once nothing can fail: an error before it leaves no row
    return created


@router.put("/{book_id:int}", name="replace", summary="Replace a book")
def replace_book(req: Any, resp: Any, *, book_id: int, book: BookIn, db: DB) -> Book:
    """Replace every field of the book (a 404 problem if there is none)."""
    find_book(db, book_id)
    db.execute(
        "UPDATE books SET title = ?, author_id = ?, year = ? WHERE id = ?",
        [book.title, book.author_id, book.year, book_id],
    )
    db.commit()
    return Book(id=book_id, **book.model_dump())


@router.patch("/{book_id:int}", name="update", summary="Change some fields of a book")
def update_book(req: Any, resp: Any, *, book_id: int, changes: BookPatch, db: DB) -> Book:
    """Change the fields sent, keep the others."""
    book = find_book(db, book_id).model_copy(update=changes.model_dump(exclude_unset=True))
    db.execute(
        "UPDATE books SET title = ?, author_id = ?, year = ? WHERE id = ?",
        [book.title, book.author_id, book.year, book_id],
    )
    db.commit()
    return book


@router.delete("/{book_id:int}", name="delete", status_code=204, summary="Remove a book")
def delete_book(req: Any, resp: Any, *, book_id: int, db: DB) -> None:
    """Remove the book; a 404 problem if there is none."""
    if db.execute("DELETE FROM books WHERE id = ?", [book_id]).rowcount == 0:
        raise not_found("book", book_id)
    db.commit()
