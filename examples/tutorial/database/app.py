"""The reading list of the tutorial "A database" (docs/tutorial/database.md).

The REST API tutorial's articles, stored in SQLite through SQLAlchemy 2.x
(async, with the aiosqlite driver): an engine for the app's life, a session
per request, pages of results, 404 for a missing article and 409 for a URL
that is stored already.

It needs ``pip install "sqlalchemy[asyncio]" aiosqlite``. Serve it from the
repository's root with either of::

    python -m examples.tutorial.database.app
    responder run examples.tutorial.database.app:api

The database is the SQLAlchemy URL in ``READING_LIST_DB``, by default
``sqlite+aiosqlite:///reading-list.db`` (a file in the current directory,
made with its table on the first request).
"""

import os
from collections.abc import AsyncIterator
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import responder
from responder import Depends, HTTPConflict, HTTPNotFound, Query

DATABASE_URL = os.environ.get("READING_LIST_DB", "sqlite+aiosqlite:///reading-list.db")


# Step 1: the table.
class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    read: Mapped[bool] = mapped_column(default=False)


# Step 2: an engine for the app's life, a session per request.
api = responder.API(
    title="Reading list",
    version="2.0",
    description="Articles saved to read later, kept in a database.",
    openapi="3.1.0",
    docs_route="/docs",
)


@api.dependency(scope="app")
async def engine() -> AsyncIterator[AsyncEngine]:
    """The connection pool: made by the first request that needs it, closed at shutdown."""
    made = create_async_engine(DATABASE_URL)
    async with made.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield made
    await made.dispose()


async def get_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """One session per request; closing it rolls back whatever was not committed."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session


DB = Annotated[AsyncSession, Depends(get_session)]


async def commit(db: AsyncSession) -> None:
    """Commit, turning a broken unique constraint into a 409 the client can act on."""
    try:
        await db.commit()
    except IntegrityError:
        raise HTTPConflict(detail="That URL is on the list already.") from None


# Step 3: what clients send and receive.
class ArticleIn(BaseModel):
    url: str = Field(pattern=r"^https?://", max_length=2000)
    title: str = Field(min_length=1, max_length=200)
    read: bool = False


class Article(ArticleIn):
    model_config = ConfigDict(from_attributes=True)

    id: int


class ArticleChanges(BaseModel):
    url: str | None = Field(None, pattern=r"^https?://", max_length=2000)
    title: str | None = Field(None, min_length=1, max_length=200)
    read: bool | None = None


class Page(BaseModel):
    items: list[Article]
    total: int
    limit: int
    offset: int


# Step 4: the collection, a page at a time.
@api.get("/articles", tags=["articles"])
async def list_articles(
    req,
    resp,
    *,
    db: DB,
    read: bool | None = Query(None, description="Only read (true) or unread (false) ones."),
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page:
    """List the saved articles, oldest first, a page at a time."""
    chosen = select(ArticleRow)
    if read is not None:
        chosen = chosen.where(ArticleRow.read == read)
    total = await db.scalar(select(func.count()).select_from(chosen.subquery()))
    rows = await db.scalars(chosen.order_by(ArticleRow.id).limit(limit).offset(offset))
    items = [Article.model_validate(row) for row in rows]
    return Page(items=items, total=total or 0, limit=limit, offset=offset)


@api.post(
    "/articles",
    status_code=201,
    tags=["articles"],
    responses={409: {"description": "The URL is on the list already."}},
)
async def add_article(req, resp, *, article: ArticleIn, db: DB) -> Article:
    """Save an article to read later."""
    row = ArticleRow(**article.model_dump())
    db.add(row)
    await commit(db)
    resp.headers["Location"] = f"/articles/{row.id}"
    return Article.model_validate(row)


# Step 5: one article.
@api.route(
    "/articles/{article_id:int}",
    tags=["articles"],
    responses={404: {"description": "No such article."}},
)
class ArticleResource:
    """One saved article: read it, change it, delete it."""

    async def on_request(self, req, resp, *, article_id: int, db: DB):
        row = await db.get(ArticleRow, article_id)
        if row is None:
            raise HTTPNotFound(detail=f"There is no article {article_id}.")
        self.db, self.row = db, row

    async def on_get(self, req, resp, *, article_id: int) -> Article:
        """Read one article."""
        return Article.model_validate(self.row)

    async def on_patch(self, req, resp, *, article_id: int, changes: ArticleChanges) -> Article:
        """Change an article's URL or title, or mark it read."""
        for field, value in changes.model_dump(exclude_none=True).items():
            setattr(self.row, field, value)
        await commit(self.db)
        return Article.model_validate(self.row)

    async def on_delete(self, req, resp, *, article_id: int):
        """Delete an article.

        ---
        responses:
          "204":
            description: Deleted.
        """
        await self.db.delete(self.row)
        await commit(self.db)
        resp.no_content()


if __name__ == "__main__":
    api.run()
