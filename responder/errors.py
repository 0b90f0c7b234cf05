"""The HTTP error tree.

Raise any of these from a view, a hook or a media handler; the pipeline turns
it into an RFC 9457 problem-details response. The framework raises the same
classes for its own errors, so one ``exception_handler`` can override both::

    HTTPError
    ├── HTTPBadRequest (400)
    │   └── MediaMalformedError       a body that does not parse
    ├── HTTPUnauthorized (401)
    ├── HTTPForbidden (403)
    ├── HTTPNotFound (404)
    ├── HTTPMethodNotAllowed (405)    carries ``Allow``
    ├── HTTPNotAcceptable (406)
    ├── HTTPConflict (409)
    ├── HTTPGone (410)
    ├── HTTPPreconditionFailed (412)  a stale If-Match / If-Unmodified-Since
    ├── HTTPContentTooLarge (413)
    ├── HTTPUnsupportedMediaType (415)
    ├── HTTPUnprocessableEntity (422)
    ├── HTTPPreconditionRequired (428) a change sent without If-Match
    ├── HTTPTooManyRequests (429)
    ├── HTTPInternalServerError (500)
    └── HTTPServiceUnavailable (503)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

__all__ = [
    "HTTPBadRequest",
    "HTTPConflict",
    "HTTPContentTooLarge",
    "HTTPError",
    "HTTPForbidden",
    "HTTPGone",
    "HTTPInternalServerError",
    "HTTPMethodNotAllowed",
    "HTTPNotAcceptable",
    "HTTPNotFound",
    "HTTPPreconditionFailed",
    "HTTPPreconditionRequired",
    "HTTPServiceUnavailable",
    "HTTPTooManyRequests",
    "HTTPUnauthorized",
    "HTTPUnprocessableEntity",
    "HTTPUnsupportedMediaType",
    "MediaMalformedError",
    "RouteNotFoundError",
]


class RouteNotFoundError(LookupError, ValueError):
    """``url_for`` was asked for a name or endpoint no route has.

    Not an HTTP error: a mistake in the app's code, raised where the URL is
    built. A ``LookupError``; also a ``ValueError``, which ``url_for`` raised
    before routes had names, so older ``except ValueError`` code keeps working.
    """


# RFC 9110 renamed these; older Pythons still carry the RFC 7231 phrases.
_RFC9110_PHRASES = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}


def _phrase(status: int) -> str:
    if status in _RFC9110_PHRASES:
        return _RFC9110_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class HTTPError(Exception):
    """An HTTP error response, raised rather than built.

    Args:
        status: the HTTP status code.
        title: a short summary; defaults to the status phrase.
        detail: a human-readable explanation of this occurrence.
        headers: extra response headers (e.g. ``Retry-After``).
        **extensions: extra members for the problem-details body.
    """

    status: int = 500

    def __init__(
        self,
        status: int | None = None,
        title: str | None = None,
        detail: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        if status is not None:
            self.status = int(status)
        self.title = title or _phrase(self.status)
        self.detail = detail
        self.headers: dict[str, str] = dict(headers or {})
        self.extensions = extensions
        super().__init__(self.status, self.title, detail)

    def __str__(self) -> str:
        text = f"{self.status} {self.title}"
        return f"{text}: {self.detail}" if self.detail else text

    def to_dict(self) -> dict[str, Any]:
        """Return the RFC 9457 problem-details members of this error."""
        problem: dict[str, Any] = {"type": "about:blank", "title": self.title}
        problem["status"] = self.status
        if self.detail is not None:
            problem["detail"] = self.detail
        problem.update(self.extensions)
        return problem


class HTTPBadRequest(HTTPError):
    """400: the request is malformed."""

    status = 400


class MediaMalformedError(HTTPBadRequest):
    """400: a request body could not be decoded in its declared format."""


class HTTPUnauthorized(HTTPError):
    """401: authentication is required."""

    status = 401


class HTTPForbidden(HTTPError):
    """403: the client may not do this."""

    status = 403


class HTTPNotFound(HTTPError):
    """404: no resource at this path."""

    status = 404


class HTTPMethodNotAllowed(HTTPError):
    """405: the resource exists but does not answer this method.

    Args:
        allowed: the methods the resource does answer; sent as ``Allow``.
    """

    status = 405

    def __init__(self, allowed: Iterable[str], **kwargs: Any) -> None:
        self.allowed = list(allowed)
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Allow"] = ", ".join(self.allowed)
        super().__init__(headers=headers, **kwargs)


class HTTPNotAcceptable(HTTPError):
    """406: no representation matches the client's ``Accept``."""

    status = 406


class HTTPConflict(HTTPError):
    """409: the request conflicts with the resource's state."""

    status = 409


class HTTPGone(HTTPError):
    """410: the resource is gone for good."""

    status = 410


class HTTPPreconditionFailed(HTTPError):
    """412: a precondition (``If-Match``, ``If-Unmodified-Since``, ...) is false."""

    status = 412


class HTTPContentTooLarge(HTTPError):
    """413: the request body is over the configured limit."""

    status = 413


class HTTPUnsupportedMediaType(HTTPError):
    """415: the body's ``Content-Type`` is not one the API reads."""

    status = 415


class HTTPUnprocessableEntity(HTTPError):
    """422: the body parsed but does not validate."""

    status = 422


class HTTPPreconditionRequired(HTTPError):
    """428: the request must be conditional (send ``If-Match``) and is not."""

    status = 428


class HTTPTooManyRequests(HTTPError):
    """429: the client is over its rate limit."""

    status = 429


class HTTPInternalServerError(HTTPError):
    """500: the server failed."""

    status = 500


class HTTPServiceUnavailable(HTTPError):
    """503: the server cannot answer right now."""

    status = 503
