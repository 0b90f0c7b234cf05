"""The problems the bookstore answers with, beyond the framework's own 404s and 422s."""

from __future__ import annotations

import sqlite3
from typing import Any

import responder
from responder import HTTPConflict, HTTPNotFound


def not_found(kind: str, key: int) -> HTTPNotFound:
    """A 404 problem for a missing ``kind`` (``"book"``, ``"author"``) with this id."""
    return HTTPNotFound(detail=f"There is no {kind} with id {key}.")


def refused_by_the_database(req: Any, resp: Any, exc: sqlite3.IntegrityError) -> None:
    """A constraint the database enforced (an unknown author, an author still with books).

    The database is the one place that checks these without a race, so its
    refusal becomes a 409 problem, in the format the client accepts; the
    request's session rolls the change back in its teardown.
    """
    raise HTTPConflict(detail=f"The database refused the change: {exc}.") from exc


def install(api: responder.API) -> None:
    """Answer the database's refusals as problems on ``api``."""
    api.exception_handler(sqlite3.IntegrityError)(refused_by_the_database)
