"""A small bookstore service laid out over several modules (see README.md).

``app`` makes the API and includes the routers of ``books`` and ``authors``;
``db`` holds the SQLite pool and the per-request session; ``models`` the
pydantic models; ``errors`` the problems it answers with.
"""
