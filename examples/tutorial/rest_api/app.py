"""The reading list of the tutorial "A REST API from scratch" (docs/tutorial/rest-api.md).

Articles saved to read later, kept in memory: create, list (filtered, paged),
read, change and delete them, a small statistics router, and the OpenAPI
document at ``/schema.json`` with its docs page at ``/docs``.

Serve it from the repository's root with either of::

    python -m examples.tutorial.rest_api.app
    responder run examples.tutorial.rest_api.app:api

then try::

    curl -X POST http://127.0.0.1:5042/articles -H 'Content-Type: application/json' \
        -d '{"url": "https://example.com/essay", "title": "An essay"}'
    curl http://127.0.0.1:5042/articles?read=false
    curl -X PATCH http://127.0.0.1:5042/articles/1 -H 'Content-Type: application/json' \
        -d '{"read": true}'
"""

from typing import Annotated

from pydantic import BaseModel, Field

import responder
from responder import Depends, HTTPNotFound, Query, Router

# Step 1: the API, with its OpenAPI document and docs page turned on.
api = responder.API(
    title="Reading list",
    version="1.0",
    description="Articles saved to read later.",
    openapi="3.1.0",
    docs_route="/docs",
)


@api.get("/", include_in_schema=False)
def hello(req, resp):
    resp.text = "Your reading list lives at /articles; its docs at /docs."


# Step 2: the data, and where it is kept.
class ArticleIn(BaseModel):
    """An article as a client sends it: the server picks the id."""

    url: str = Field(pattern=r"^https?://", max_length=2000)
    title: str = Field(min_length=1, max_length=200)
    read: bool = False


class Article(ArticleIn):
    """An article as the API answers with it."""

    id: int


class ArticleChanges(BaseModel):
    """What a PATCH may change; a field left out stays as it was."""

    title: str | None = Field(None, min_length=1, max_length=200)
    read: bool | None = None


class DuplicateURL(ValueError):
    """The URL is on the list already (the store knows nothing of HTTP)."""

    def __init__(self, existing: Article) -> None:
        super().__init__(f"{existing.url} is on the list already.")
        self.existing = existing


class Shelf:
    """Articles in memory, by id."""

    def __init__(self) -> None:
        self.articles: dict[int, Article] = {}
        self.last_id = 0

    def add(self, new: ArticleIn) -> Article:
        for article in self.articles.values():
            if article.url == new.url:
                raise DuplicateURL(article)
        self.last_id += 1
        article = Article(id=self.last_id, **new.model_dump())
        self.articles[article.id] = article
        return article

    def find(self, read: bool | None = None) -> list[Article]:
        return [a for a in self.articles.values() if read is None or a.read == read]


SHELF = Shelf()


def get_shelf() -> Shelf:
    """The shelf every request uses; tests swap it for an empty one."""
    return SHELF


ShelfDep = Annotated[Shelf, Depends(get_shelf)]


# Step 3: the collection, typed.
@api.get("/articles", tags=["articles"])
async def list_articles(
    req,
    resp,
    *,
    shelf: ShelfDep,
    read: bool | None = Query(None, description="Only read (true) or unread (false) ones."),
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Article]:
    """List the saved articles, oldest first."""
    return shelf.find(read)[offset : offset + limit]


@api.post(
    "/articles",
    status_code=201,
    tags=["articles"],
    responses={409: {"description": "The URL is on the list already."}},
)
async def add_article(req, resp, *, article: ArticleIn, shelf: ShelfDep) -> Article:
    """Save an article to read later."""
    added = shelf.add(article)
    resp.headers["Location"] = f"/articles/{added.id}"
    return added


# Step 4: one article, a resource class.
@api.route(
    "/articles/{article_id:int}",
    name="article",
    tags=["articles"],
    responses={404: {"description": "No such article."}},
)
class ArticleResource:
    """One saved article: read it, change it, delete it."""

    def on_request(self, req, resp, *, article_id: int, shelf: ShelfDep):
        article = shelf.articles.get(article_id)
        if article is None:
            raise HTTPNotFound(detail=f"There is no article {article_id}.")
        self.shelf, self.article = shelf, article

    async def on_get(self, req, resp, *, article_id: int) -> Article:
        """Read one article."""
        return self.article

    async def on_patch(self, req, resp, *, article_id: int, changes: ArticleChanges) -> Article:
        """Change an article's title, or mark it read."""
        changed = self.article.model_copy(update=changes.model_dump(exclude_none=True))
        self.shelf.articles[article_id] = changed
        return changed

    async def on_delete(self, req, resp, *, article_id: int):
        """Delete an article.

        ---
        responses:
          "204":
            description: Deleted.
        """
        del self.shelf.articles[article_id]
        resp.no_content()


# Step 5: your own errors, as problem details.
@api.exception_handler(DuplicateURL)
def duplicate_url(req, resp, exc):
    resp.problem(409, detail=str(exc), article_id=exc.existing.id)


# Step 6: a router for the statistics.
stats = Router("/stats", tags=["stats"], name="stats")


class Summary(BaseModel):
    total: int
    read: int
    unread: int


@stats.get("", name="summary")
async def summary(req, resp, *, shelf: ShelfDep) -> Summary:
    """Count the articles, read and unread."""
    unread = len(shelf.find(read=False))
    return Summary(total=len(shelf.articles), read=len(shelf.articles) - unread, unread=unread)


@stats.get("/next", name="next")
async def next_to_read(req, resp, *, shelf: ShelfDep) -> Article:
    """The oldest unread article: what to read next."""
    unread = shelf.find(read=False)
    if not unread:
        raise HTTPNotFound(detail="Nothing left to read.")
    return unread[0]


api.include_router(stats)


if __name__ == "__main__":
    api.run()
