"""The authors: a second router, with their books nested under ``/authors/{author_id}/books``."""

from __future__ import annotations

from typing import Any

from responder import Router

from .books import UrlFor, page_of_books
from .db import DB, Session
from .errors import not_found
from .models import Author, AuthorIn, Book, Limit, Offset, Page

router = Router("/authors", tags=["authors"], name="authors")


def find_author(db: Session, author_id: int) -> Author:
    """The author with this id, or a 404 problem."""
    row = db.one("SELECT id, name FROM authors WHERE id = ?", [author_id])
    if row is None:
        raise not_found("author", author_id)
    return Author(**row)


@router.get("", name="list", summary="List authors, a page at a time")
def list_authors(
    req: Any, resp: Any, *, db: DB, limit: Limit = 20, offset: Offset = 0
) -> Page[Author]:
    """Authors, in the order they were added."""
    rows = db.all("SELECT id, name FROM authors ORDER BY id LIMIT ? OFFSET ?", [limit, offset])
    total = db.scalar("SELECT count(*) FROM authors")
    return Page[Author](
        items=[Author(**row) for row in rows], total=total, limit=limit, offset=offset
    )


@router.get("/{author_id:int}", name="detail", summary="One author")
def get_author(req: Any, resp: Any, *, author_id: int, db: DB) -> Author:
    """The author, or a 404 problem."""
    return find_author(db, author_id)


@router.post("", name="create", status_code=201, summary="Add an author")
def create_author(req: Any, resp: Any, *, author: AuthorIn, db: DB, url_for: UrlFor) -> Author:
    """Store the author; the answer carries its id and a ``Location``."""
    new_id = db.insert("INSERT INTO authors (name) VALUES (?)", [author.name])
    created = Author(id=new_id, name=author.name)
    resp.headers["Location"] = url_for("authors:detail", author_id=created.id)
    db.commit()
    return created


@router.delete("/{author_id:int}", name="delete", status_code=204, summary="Remove an author")
def delete_author(req: Any, resp: Any, *, author_id: int, db: DB) -> None:
    """Remove an author who has no books (a 409 problem otherwise, from the database)."""
    if db.execute("DELETE FROM authors WHERE id = ?", [author_id]).rowcount == 0:
        raise not_found("author", author_id)
    db.commit()


@router.get("/{author_id:int}/books", name="books", summary="An author's books")
def books_of(
    req: Any, resp: Any, *, author_id: int, db: DB, limit: Limit = 20, offset: Offset = 0
) -> Page[Book]:
    """One page of the author's books (a 404 problem for an unknown author)."""
    find_author(db, author_id)
    return page_of_books(db, limit=limit, offset=offset, author_id=author_id)
