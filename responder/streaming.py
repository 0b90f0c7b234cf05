"""Bodies that are not one block of bytes: files, streams and server-sent events.

Each is an ASGI app built at render time from what the view asked for; the
response's own headers and cookies are added to it. Files get ``ETag`` and
``Last-Modified``, answer conditional requests with 304 and ``Range`` requests
with 206 (or 416), with a bound on the number of ranges.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

import anyio
from starlette.concurrency import iterate_in_threadpool
from starlette.responses import FileResponse, Response, StreamingResponse

from ._draining import stopping
from .media.handlers import JSONHandler
from .types import ASGIApp
from .validators import evaluate, not_modified_headers, parse_http_date

__all__ = ["MAX_RANGES", "encode_event", "file_app", "stream_app"]

#: Most byte ranges one request may ask for; more is refused with 416.
MAX_RANGES = 16

RawHeaders = list[tuple[bytes, bytes]]
_VALIDATORS = frozenset({b"etag", b"last-modified"})


class _BoundedFileResponse(FileResponse):
    max_ranges = MAX_RANGES


def file_app(
    path: str | os.PathLike[str],
    *,
    status: int,
    content_type: str | None,
    headers: RawHeaders,
    request_headers: Any,
    chunk_size: int = 64 * 1024,
) -> ASGIApp:
    """The ASGI app that sends a file, or a 304 when the client's copy is current.

    Raises:
        OSError: the file is gone or cannot be read, found here, before any header
            is sent, so that the failure can still be answered with an error status.
    """
    with open(path, "rb") as file:  # the app opens it again only after the headers went out
        stat = os.fstat(file.fileno())
    response = _BoundedFileResponse(
        path, status_code=status, media_type=content_type, stat_result=stat
    )
    response.chunk_size = chunk_size
    given = {name for name, _ in headers} & _VALIDATORS
    if given:  # an ETag or Last-Modified the view set replaces the file's own
        response.raw_headers[:] = [(k, v) for k, v in response.raw_headers if k not in given]
    response.raw_headers.extend(headers)
    if status == 200 and _not_modified(response, request_headers):
        not_modified = Response(status_code=304)
        not_modified.raw_headers = not_modified_headers(response.raw_headers)
        return not_modified
    return response


def _not_modified(response: FileResponse, request_headers: Any) -> bool:
    """Whether a GET or HEAD of this file is answered 304 (RFC 9110 §13.2.2)."""
    header = _reader(request_headers)
    modified = parse_http_date(response.headers.get("last-modified"))
    return evaluate("GET", header, response.headers.get("etag"), modified) == 304


def _reader(request_headers: Any) -> Callable[[bytes], str | None]:
    """``request_headers`` (a Starlette ``Headers``) read by lower-case byte name."""
    return lambda name: request_headers.get(name.decode("latin-1"))


def stream_app(
    source: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    status: int,
    headers: RawHeaders,
    events: bool = False,
) -> ASGIApp:
    """A streaming response from an async or sync generator function; headers as given.

    With ``events``, each item is a server-sent event (see :func:`encode_event`)
    and the response is marked uncacheable and unbuffered, as event streams must be.
    """
    items = source(*args, **kwargs)
    response = StreamingResponse(_events(items) if events else _chunks(items), status_code=status)
    if events:
        response.raw_headers.extend(
            [(b"cache-control", b"no-cache"), (b"x-accel-buffering", b"no")]
        )
    response.raw_headers.extend(headers)
    return response


def _async_source(items: Any) -> AsyncGenerator[Any, None]:
    """The items as an async generator: an async one as it is, anything else wrapped."""
    if inspect.isasyncgen(items):
        return items  # type: ignore[return-value]
    return _iterate(items)


async def _iterate(items: Any) -> AsyncGenerator[Any, None]:
    if hasattr(items, "__aiter__"):
        async for item in items:
            yield item
    else:  # a sync generator may block: pull it from a worker thread
        async for item in iterate_in_threadpool(items):
            yield item


async def _chunks(items: Any) -> AsyncIterator[bytes]:
    async for item in _async_source(items):
        yield item.encode("utf-8") if isinstance(item, str) else bytes(item)


async def _events(items: Any) -> AsyncIterator[bytes]:
    """Each item as an event, until the items end or the server begins to stop."""
    stop = stopping()
    if stop.is_set():
        return
    source = _async_source(items)
    # PERF: no task per event. The stop signal cancels this task, and only while it
    # waits for the generator's next item; the cancellation is then taken back
    # (``uncancel``) and the stream ends cleanly.
    task = asyncio.current_task()
    waiting = stopped_us = False

    def stopped(_: object) -> None:
        nonlocal stopped_us
        if waiting and task is not None:
            stopped_us = True
            task.cancel()

    waiter = asyncio.ensure_future(stop.wait())
    waiter.add_done_callback(stopped)
    try:
        while not stop.is_set():
            waiting = True
            try:
                item = await source.__anext__()
            except StopAsyncIteration:
                return
            except asyncio.CancelledError:
                if stopped_us and _only_we_cancelled(task):
                    return  # the server is stopping: end the stream cleanly
                raise
            finally:
                waiting = False
            if stopped_us and not _only_we_cancelled(task):  # the generator swallowed it
                raise asyncio.CancelledError
            yield encode_event(item)
    finally:
        waiter.remove_done_callback(stopped)
        waiter.cancel()
        await _close_events(source)


def _only_we_cancelled(task: Any) -> bool:
    """Take back the stop signal's cancellation: whether no other one is pending."""
    uncancel = getattr(task, "uncancel", None)  # Python 3.11+; 3.10 counts none
    return uncancel is None or uncancel() == 0


async def _close_events(source: AsyncGenerator[Any, None]) -> None:
    """End an event stream's generator, its own cleanup included, even when cancelled.

    When the client leaves, the server cancels the stream while it waits in the
    generator, which ends it there; this runs shielded so that a generator that
    stopped elsewhere still runs its ``finally`` (leaving a broadcast channel,
    say) before the response ends. A generator that ignores that is given up
    on after a while.
    """
    with anyio.move_on_after(_CLOSE_GRACE, shield=True):
        await source.aclose()


#: Seconds an event stream's generator may take to clean up once its client left.
_CLOSE_GRACE = 10
_JSON = JSONHandler()
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_EVENT_FIELDS = frozenset({"data", "event", "id", "retry", "comment"})


def encode_event(item: str | dict[str, Any]) -> bytes:
    """Encode one server-sent event.

    A string is the event's data. A dict may hold ``data``, ``event``, ``id``,
    ``retry`` and ``comment``; a ``data`` that is a dict or a list is sent as
    JSON (what a browser's ``JSON.parse(event.data)`` reads), anything else as
    its ``str``. Line breaks in data become several ``data:``
    lines (which the client joins back with newlines); in the single-line
    fields they are replaced by spaces, so no value can ever start a new field
    or end the event early.

    Raises:
        ValueError: an unknown field, or a ``retry`` that is not a whole number.
    """
    # PERF: the usual event, one line of text as a string or as {"data": ...}, in one step.
    data = item if type(item) is str else _lone_data(item)
    if data is not None and "\n" not in data and "\r" not in data:
        return f"data: {data}\n\n".encode()
    fields = {"data": item} if isinstance(item, str) else item
    if not isinstance(fields, dict):
        fields = dict(fields)
    if not fields.keys() <= _EVENT_FIELDS:
        unknown = set(fields) - _EVENT_FIELDS
        raise ValueError(f"Unknown server-sent event fields: {', '.join(sorted(unknown))}.")
    lines: list[str] = []
    if len(fields) > 1 or "data" not in fields:  # PERF: most events carry only data
        _header_lines(fields, lines)
    data = fields.get("data")
    if data is not None:
        text = (
            _JSON.serialize(data).decode("utf-8") if isinstance(data, dict | list) else str(data)
        )
        if "\n" in text or "\r" in text:
            lines.extend(f"data: {line}" for line in _LINE_BREAK.split(text))
        else:
            lines.append(f"data: {text}")
    return ("\n".join(lines) + "\n\n").encode("utf-8")


def _lone_data(item: Any) -> str | None:
    """The data of an event that is a dict holding only a ``data`` string, else None."""
    if type(item) is dict and len(item) == 1:
        data = item.get("data")
        if type(data) is str:
            return data
    return None


def _header_lines(fields: dict[str, Any], lines: list[str]) -> None:
    """An event's comment, ``event``, ``id`` and ``retry`` lines, in that order."""
    if "comment" in fields:
        lines.extend(f": {line}" for line in _LINE_BREAK.split(str(fields["comment"])))
    for name in ("event", "id"):
        if fields.get(name) is not None:
            value = _LINE_BREAK.sub(" ", str(fields[name]))
            lines.append(f"{name}: {value.replace(chr(0), '') if name == 'id' else value}")
    if fields.get("retry") is not None:
        retry = fields["retry"]
        if isinstance(retry, bool) or not str(retry).isdigit():
            raise ValueError(f"retry must be a whole number of milliseconds, not {retry!r}.")
        lines.append(f"retry: {int(retry)}")
