"""``@responder.conditional``: validators checked before the view runs.

The decorator is a before hook (:func:`responder.before`), so it goes on a
function view, on one responder (``on_put``) or on a whole resource class,
and it costs nothing to routes that do not use it. Per request it:

1. on PUT, PATCH and DELETE with ``require_if_match=True``, answers 428 when
   ``If-Match`` is missing, before computing anything;
2. asks the ``etag`` and ``last_modified`` callables for the current
   validators (``None`` from all of them: the resource has no current
   representation, which is what ``If-Match: *`` and ``If-None-Match: *`` ask);
3. evaluates the preconditions of RFC 9110 §13.2.2
   (:func:`responder.validators.evaluate`): a GET or HEAD whose copy is
   current gets 304 without calling the view; a failed precondition is 412
   problem details, in the negotiated format, with the current ``ETag``;
4. on GET and HEAD, sets the validators on the response, so the view need
   not (a value the view sets wins).

A validator is called as ``func(req, params)``: ``params`` are the route
parameters. Async ones are awaited on the loop; sync ones (both, if both are
sync) run in one hop to the thread pool, since they usually read storage.
:func:`_validator` is the one place a callable becomes a validator, so that
injecting dependencies there later changes nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ._concurrency import is_async_callable, run_sync
from .errors import HTTPPreconditionFailed, HTTPPreconditionRequired
from .resources.hooks import before
from .validators import evaluate, format_etag, parse_http_date

if TYPE_CHECKING:
    from .request import Request
    from .response import Response

__all__ = ["conditional"]

T = TypeVar("T")
Params = dict[str, Any]
#: A validator as the hook calls it: ``(req, params)``, sync or async.
Validator = Callable[["Request", Params], Any]

#: Methods whose changes ``require_if_match`` guards.
_CHANGES = frozenset({"PUT", "PATCH", "DELETE"})
_SAFE = frozenset({"GET", "HEAD"})
_CONDITIONS = (
    b"if-match",
    b"if-none-match",
    b"if-modified-since",
    b"if-unmodified-since",
)


def conditional(
    etag: Validator | None = None,
    last_modified: Validator | None = None,
    *,
    require_if_match: bool = False,
) -> Callable[[T], T]:
    """Answer conditional requests from validators, before the view runs.

    Args:
        etag: ``(req, params)`` → the current ETag (as ``resp.etag`` takes it),
            or None when the resource does not exist.
        last_modified: ``(req, params)`` → when it last changed (``datetime`` or
            HTTP-date), or None.
        require_if_match: on PUT, PATCH and DELETE, a request without
            ``If-Match`` is refused with 428, so no client overwrites a change
            it has not seen.

    Raises:
        TypeError: neither validator is given, or one is not callable.
    """
    if etag is None and last_modified is None:
        raise TypeError("conditional() needs etag=, last_modified= or both.")
    for name, func in (("etag", etag), ("last_modified", last_modified)):
        if func is not None and not callable(func):
            raise TypeError(f"conditional({name}=...) takes a callable (req, params).")
    return before(_Preconditions(etag, last_modified, require_if_match))


class _Preconditions:
    """The before hook ``conditional`` installs; all choices made at decoration."""

    def __init__(
        self, etag: Validator | None, last_modified: Validator | None, require_if_match: bool
    ) -> None:
        self.require_if_match = require_if_match
        validators = [_validator(func) for func in (etag, last_modified)]
        self.current = _current(*validators)

    async def __call__(self, req: Request, resp: Response, resource: Any, params: Params) -> None:
        method = req.scope["method"]
        header = req.header
        if self.require_if_match and method in _CHANGES and header(b"if-match") is None:
            raise HTTPPreconditionRequired(
                detail="Send If-Match with the ETag of the version this request changes."
            )
        safe = method in _SAFE
        if not safe and all(header(name) is None for name in _CONDITIONS):
            return  # nothing to check, and a change's answer needs no old validators
        etag, modified = await self.current(req, params)
        exists = etag is not None or modified is not None
        outcome = evaluate(method, header, etag, modified, exists)
        if outcome == 412:
            raise HTTPPreconditionFailed(
                detail="The resource is not in the state this request's preconditions name.",
                headers={"ETag": etag} if etag is not None else None,
            )
        if safe:
            if etag is not None and resp.etag is None:
                resp.etag = etag
            if modified is not None and resp.last_modified is None:
                resp.last_modified = modified
            if outcome == 304:
                resp.status_code = 304


Current = Callable[["Request", Params], Awaitable[tuple["str | None", "datetime | None"]]]


def _validator(func: Validator | None) -> tuple[Validator, bool] | None:
    """A user callable as a validator and whether it is async (the place DI would hook in)."""
    return None if func is None else (func, is_async_callable(func))


def _current(
    etag: tuple[Validator, bool] | None, last_modified: tuple[Validator, bool] | None
) -> Current:
    """One coroutine giving ``(etag, last_modified)``, formatted; sync ones share a thread hop."""

    def call_sync(req: Request, params: Params) -> tuple[Any, Any]:
        return (
            etag[0](req, params) if etag is not None and not etag[1] else None,
            last_modified[0](req, params)
            if last_modified is not None and not last_modified[1]
            else None,
        )

    any_sync = any(v is not None and not v[1] for v in (etag, last_modified))

    async def current(req: Request, params: Params) -> tuple[str | None, datetime | None]:
        tag, modified = await run_sync(call_sync, req, params) if any_sync else (None, None)
        if etag is not None and etag[1]:
            tag = await etag[0](req, params)
        if last_modified is not None and last_modified[1]:
            modified = await last_modified[0](req, params)
        return _formatted(tag, modified)

    return current


def _formatted(tag: Any, modified: Any) -> tuple[str | None, datetime | None]:
    """The validators as the evaluation reads them.

    Raises:
        ValueError: a tag no ETag can carry, or a date that is no HTTP-date
            (the app's mistake: a 500, not the client's).
    """
    etag = format_etag(str(tag)) if tag is not None else None
    if isinstance(modified, str):
        parsed = parse_http_date(modified)
        if parsed is None:
            raise ValueError(f"last_modified gave {modified!r}, which is not an HTTP-date.")
        modified = parsed
    if modified is not None and not isinstance(modified, datetime):
        raise ValueError(f"last_modified must give a datetime or an HTTP-date, not {modified!r}.")
    return etag, modified
