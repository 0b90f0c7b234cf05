"""Response helpers built on the state of :class:`~._response_base.ResponseBase`.

Caching validators (``etag``, ``last_modified``), ``cache_control`` and
``vary``, shorthands for common answers (``created``, ``no_content``,
``problem``, ``delete_cookie``), and bodies that stream (files, downloads,
generators, server-sent events). Mixed into :class:`responder.response.Response`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ._lazy import compiled_on_first_use, on_first_call
from ._response_base import _PLAIN_URL, ResponseBase
from .errors import HTTPError, HTTPNotFound
from .urls import encode_url

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from ._cache_control import cache_control_value
    from ._files import content_disposition, safe_join
    from .validators import format_etag, format_http_date, parse_http_date
else:  # PERF: loaded by the first response that uses them, then called directly
    cache_control_value = on_first_call(
        "responder._cache_control", "cache_control_value", globals()
    )
    content_disposition = on_first_call("responder._files", "content_disposition", globals())
    safe_join = on_first_call("responder._files", "safe_join", globals())
    format_etag = on_first_call("responder.validators", "format_etag", globals())
    format_http_date = on_first_call("responder.validators", "format_http_date", globals())
    parse_http_date = on_first_call("responder.validators", "parse_http_date", globals())

__all__ = ["ResponseHelpers"]

_TOKEN: re.Pattern[str] = compiled_on_first_use(
    "_TOKEN", r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", globals()
)
#: The start of 1970 as an HTTP date: when a deleted cookie expired.
_EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"
PathLike = str | os.PathLike[str]


class ResponseHelpers(ResponseBase):
    """Setters for streamed bodies and helpers for common answers (see the methods)."""

    __slots__ = ()

    # -- caching validators and directives ----------------------------------------

    @property
    def etag(self) -> str | None:
        """The ``ETag``, quoted (``"v7"``, or ``W/"v7"`` when weak); None when unset.

        Set a bare value (``"v7"`` is sent as ``"v7"`` in quotes), a quoted one,
        or a weak one (``'W/"v7"'``); None removes it. A GET or HEAD answered
        200 whose ``ETag`` the client already holds (``If-None-Match``) goes
        out as a 304 with no body (see docs/caching.md).

        Raises:
            ValueError: (on assignment) a character no entity tag may hold.
        """
        return self._headers.get("etag") if self._headers else None

    @etag.setter
    def etag(self, value: str | None) -> None:
        if value is None:
            self.headers.pop("etag", None)
        else:
            self.headers["etag"] = format_etag(value)

    @property
    def last_modified(self) -> datetime | None:
        """When the representation last changed, sent as ``Last-Modified``; None when unset.

        Set a ``datetime`` (a naive one is taken as UTC) or an HTTP-date string;
        a time after now is sent as now (RFC 9110 §8.8.2.1). Read back as an
        aware UTC ``datetime``, whole seconds.

        Raises:
            ValueError: (on assignment) a string that is not an HTTP-date.
        """
        value = self._headers.get("last-modified") if self._headers else None
        return parse_http_date(value)

    @last_modified.setter
    def last_modified(self, value: datetime | str | None) -> None:
        # PERF: loaded here, not at import: a hello app never sets a date.
        from datetime import datetime, timezone

        if value is None:
            self.headers.pop("last-modified", None)
            return
        if isinstance(value, str):
            parsed = parse_http_date(value)
            if parsed is None:
                raise ValueError(f"Not an HTTP-date: {value!r}.")
            value = parsed
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        self.headers["last-modified"] = format_http_date(min(value, datetime.now(timezone.utc)))

    def cache_control(
        self,
        *,
        public: bool = False,
        private: bool | str | Iterable[str] = False,
        no_cache: bool | str | Iterable[str] = False,
        no_store: bool = False,
        no_transform: bool = False,
        must_revalidate: bool = False,
        proxy_revalidate: bool = False,
        must_understand: bool = False,
        immutable: bool = False,
        max_age: int | timedelta | None = None,
        s_maxage: int | timedelta | None = None,
        stale_while_revalidate: int | timedelta | None = None,
        stale_if_error: int | timedelta | None = None,
    ) -> None:
        """Set ``Cache-Control`` from checked directives, replacing any set before.

        ``resp.cache_control(public=True, max_age=3600)`` sends
        ``public, max-age=3600``. Ages are whole seconds or a ``timedelta``;
        ``private`` and ``no_cache`` take True or the header names they cover.

        Raises:
            ValueError: no directive, a negative age, ``public`` with ``private``,
                or a header name that is not a token.
            TypeError: an age that is neither a whole number nor a ``timedelta``.
        """
        flags = {
            "public": public,
            "no_store": no_store,
            "no_transform": no_transform,
            "must_revalidate": must_revalidate,
            "proxy_revalidate": proxy_revalidate,
            "must_understand": must_understand,
            "immutable": immutable,
        }
        ages = {
            "max_age": max_age,
            "s_maxage": s_maxage,
            "stale_while_revalidate": stale_while_revalidate,
            "stale_if_error": stale_if_error,
        }
        lists = {"private": private, "no_cache": no_cache}
        self.headers["cache-control"] = cache_control_value(flags, ages, lists)

    def vary(self, *names: str) -> None:
        """Add header names to ``Vary``, once each whatever their case.

        Merged with what negotiation adds when the response is sent
        (``Accept`` for ``media``, ``Accept-Encoding`` for gzip); ``"*"``
        replaces the list.

        Raises:
            ValueError: a name that is not a header field name.
        """
        current = [t.strip() for t in (self.headers.get("vary") or "").split(",") if t.strip()]
        seen = {token.lower() for token in current}
        for name in names:
            if name != "*" and (not isinstance(name, str) or _TOKEN.fullmatch(name) is None):
                raise ValueError(f"Not a header name for Vary: {name!r}.")
            if "*" in seen:
                break
            if name == "*":
                current, seen = ["*"], {"*"}
            elif name.lower() not in seen:
                current.append(name)
                seen.add(name.lower())
        if current:
            self.headers["vary"] = ", ".join(current)

    # -- common answers -------------------------------------------------------------

    def created(self, body: Any = None, *, location: str | None = None) -> None:
        """Answer 201 Created: ``Location`` (encoded as redirects are), ``body`` as ``media``."""
        self.status_code = 201
        if location is not None:
            self.headers["location"] = (
                location if _PLAIN_URL.fullmatch(location) else encode_url(location)
            )
        if body is not None:
            self.media = body

    def no_content(self) -> None:
        """Answer 204 No Content: no body, whatever was set before."""
        self.status_code = 204
        self._kind, self._value = "", None

    def problem(
        self,
        status: int,
        title: str | None = None,
        *,
        type: str | None = None,  # noqa: A002 - the RFC 9457 member's name
        detail: str | None = None,
        **extensions: Any,
    ) -> None:
        """Answer with RFC 9457 problem details, in the format the client accepts.

        The same body an ``HTTPError`` raised here would give (``title``
        defaults to the status phrase, ``type`` to ``about:blank``), plus
        ``extensions`` as members (``instance=``, ``errors=``, ...). Unlike
        raising, it keeps the headers and cookies already set, and after hooks run.

        Raises:
            ValueError: ``status`` is not an error status (400-599).
        """
        if not 400 <= status <= 599:
            raise ValueError(f"A problem answers with an error status (400-599), not {status}.")
        body = HTTPError(status, title=title, detail=detail, **extensions).to_dict()
        if type is not None:
            body["type"] = type
        self.status_code = status
        self.forget_representation()
        self.media = body
        self.is_problem = True

    def delete_cookie(
        self,
        key: str,
        path: str | None = "/",
        domain: str | None = None,
        *,
        secure: bool = False,
        samesite: str | None = "lax",
    ) -> None:
        """Tell the browser to drop cookie ``key``: empty, expired, ``Max-Age=0``.

        ``path`` and ``domain`` must be those the cookie was set with, or the
        browser keeps it. ``__Secure-`` and ``__Host-`` cookies are sent
        ``Secure``, as browsers require to accept the deletion.
        """
        prefixed = key.startswith(("__Secure-", "__Host-"))
        self.set_cookie(
            key,
            "",
            expires=_EPOCH,
            max_age=0,
            domain=domain,
            path=path,
            secure=secure or prefixed,
            samesite=samesite,
        )

    # -- bodies that stream ------------------------------------------------------

    def file(
        self, path: PathLike, content_type: str | None = None, *, root: PathLike | None = None
    ) -> None:
        """Send a file from disk, streamed in chunks.

        The type is guessed from the file name unless given. ``ETag`` and
        ``Last-Modified`` are set; conditional requests get 304 and ``Range``
        requests 206 (or 416).

        With ``root``, ``path`` is read inside that directory and may never
        leave it: ``..``, an absolute path or a symlink pointing outside is a
        404, as is a missing file. Pass ``root`` whenever the path comes from
        the request.

        Raises:
            HTTPNotFound: there is no such file (inside ``root``).
        """
        if root is not None:
            found = safe_join(root, path)
            if found is None:
                raise HTTPNotFound(detail="The requested file does not exist.")
            path = found
        elif not os.path.isfile(path):
            raise HTTPNotFound(detail="The requested file does not exist.")
        self._kind, self._value = "file", (path, content_type)

    def stream_file(
        self, path: PathLike, content_type: str | None = None, *, root: PathLike | None = None
    ) -> None:
        """Send a large file; the same as :meth:`file`, which never loads a whole file."""
        self.file(path, content_type, root=root)

    def download(
        self,
        path: PathLike,
        filename: str | None = None,
        *,
        root: PathLike | None = None,
        content_type: str | None = None,
    ) -> None:
        """Send a file to be saved: :meth:`file` plus ``Content-Disposition: attachment``.

        ``filename`` (the file's own name by default) is what the browser
        saves it as; control characters are dropped, quotes escaped, and a
        name beyond plain ASCII tokens is also sent as ``filename*`` (UTF-8).
        Streamed and resumable (``Range``, ``If-Range``) like any file.

        Raises:
            HTTPNotFound: there is no such file (inside ``root``).
        """
        self.file(path, content_type, root=root)
        name = filename if filename is not None else os.path.basename(os.fspath(path))
        self.headers["content-disposition"] = content_disposition(name)

    def stream(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
        """Send the chunks (``str`` or ``bytes``) that a generator function yields.

        Use as a decorator in a view: ``@resp.stream`` on an async (or sync)
        generator function. ``text/plain; charset=utf-8`` unless a
        ``Content-Type`` header is set.
        """
        self._kind, self._value = "stream", (func, args, kwargs)
        return func

    def sse(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
        """Send server-sent events: a generator yielding strings or event dicts.

        Dicts may hold ``data``, ``event``, ``id``, ``retry`` and ``comment``;
        see :func:`responder.streaming.encode_event` for how line breaks are kept
        from injecting frames.
        """
        self._kind, self._value = "sse", (func, args, kwargs)
        return func
