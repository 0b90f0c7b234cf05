"""SQLite through the stdlib: an app-scoped pool of connections and a session per request.

``Pool`` is made once (the app-scoped dependency ``pool`` in ``app.py``) and
closed at shutdown. ``session`` is a request-scoped generator provider: it
takes a connection from the pool, hands the view a ``Session``, and in its
teardown rolls back whatever the view did not commit and gives the
connection back.

Why the view commits, not the teardown: a provider's teardown runs after the
response has been sent, and is not told whether the view raised. A commit
there would tell the client "created" before the row is stored, and the
client's next request could miss it. So a view that writes calls
``db.commit()`` as its last step, before it answers; any error before that
(an exception, a refused constraint) leaves the transaction open, and the
teardown rolls it back.

The providers are sync generators: the framework runs them, and the sync
views that use them, in its thread pool, so sqlite3's blocking calls never
hold up the event loop. One request uses its connection from one thread at a
time, so connections are opened with ``check_same_thread=False``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

from responder import Depends

SCHEMA = """
CREATE TABLE IF NOT EXISTS authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS books (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES authors (id),
    year INTEGER
);
CREATE INDEX IF NOT EXISTS books_by_author ON books (author_id);
"""


class Pool:
    """Connections to one SQLite file, reused across requests; the schema made on opening.

    Args:
        path: the database file (made if missing).
        keep: how many idle connections to keep for the next requests.
    """

    def __init__(self, path: str | Path, keep: int = 4) -> None:
        self.path, self.keep = str(path), keep
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()  # acquire and release run in pool threads
        self.closed = False
        conn = self._connect()
        try:
            conn.execute("PRAGMA journal_mode = WAL")  # readers go on while one request writes
            conn.executescript(SCHEMA)
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def acquire(self) -> sqlite3.Connection:
        """An idle connection, or a new one when none is idle."""
        with self._lock:
            if self.closed:
                raise RuntimeError("the pool is closed")
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def release(self, conn: sqlite3.Connection) -> None:
        """Take a connection back: kept for the next request, or closed if enough are idle."""
        with self._lock:
            if not self.closed and len(self._idle) < self.keep:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        """Close the idle connections; those in use are closed as they come back."""
        with self._lock:
            self.closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class Session:
    """One request's unit of work on a connection: queries, and the commit the view asks for."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def one(self, sql: str, args: Sequence[Any] = ()) -> dict[str, Any] | None:
        """The first row ``sql`` selects, as a dict, or None."""
        row = self.conn.execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    def all(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Every row ``sql`` selects, as dicts."""
        return [dict(row) for row in self.conn.execute(sql, args)]

    def scalar(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """The first column of the first row ``sql`` selects."""
        return self.conn.execute(sql, args).fetchone()[0]

    def execute(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run a statement that changes rows (sqlite3 opens the transaction)."""
        return self.conn.execute(sql, args)

    def insert(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run an INSERT; the new row's id."""
        row_id = self.conn.execute(sql, args).lastrowid
        if row_id is None:
            raise RuntimeError(f"no row was inserted by {sql!r}")
        return row_id

    def commit(self) -> None:
        """Store what this request changed: the view's last step before it answers."""
        self.conn.commit()


def open_session(pool: Pool) -> Iterator[Session]:
    """A session on a connection of ``pool``; afterwards, roll back what is not committed."""
    conn = pool.acquire()
    try:
        yield Session(conn)
    finally:
        if conn.in_transaction:  # the view raised, or answered without committing
            conn.rollback()
        pool.release(conn)


def session(pool: Pool) -> Iterator[Session]:
    """The request-scoped session; ``pool`` is the app-scoped dependency ``app.py`` registers."""
    yield from open_session(pool)


#: A view's database session: ``def view(req, resp, *, db: DB)``.
DB = Annotated[Session, Depends(session)]
