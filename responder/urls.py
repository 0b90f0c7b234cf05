"""URLs and paths: one written by hand made fit for a header, and the path an app routes on."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from ._lazy import compiled_on_first_use
from .types import Scope

__all__ = ["encode_url", "route_path"]

# RFC 3986 reserved and unreserved characters, plus "%": left alone, so the URL keeps
# its structure and the escapes it already has.
_SAFE = "!#$&'()*+,/:;=?@[]~%"
_STRAY_PERCENT: re.Pattern[str] = compiled_on_first_use(
    "_STRAY_PERCENT", r"%(?![0-9A-Fa-f]{2})", globals()
)


def encode_url(url: str) -> str:
    """Percent-encode what a URL may not hold as it is; IDNA-encode a non-ASCII host.

    ``/☃`` becomes ``/%E2%98%83``, ``café`` ``caf%C3%A9``, a space ``%20``, a line
    break ``%0D%0A`` (so a header can never be split), a ``%`` that starts no
    escape ``%25``; ``https://café.example/`` becomes ``https://xn--caf-dma.example/``.
    """
    url = _STRAY_PERCENT.sub("%25", url)
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host: encode it all as a path
        return _quote(url)
    netloc = parts.netloc
    if netloc and not netloc.isascii():
        netloc = _ascii_netloc(netloc)
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            _quote(parts.path),
            _quote(parts.query),
            _quote(parts.fragment),
        )
    )


def _ascii_netloc(netloc: str) -> str:
    userinfo, at, host = netloc.rpartition("@")
    name, colon, port = host.partition(":")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:  # not a valid international name: escape it instead
        name = _quote(name, "")
    return (
        quote(userinfo, safe=_SAFE)
        + at
        + name
        + colon
        + quote(port, safe="", errors="surrogatepass")
    )


def _quote(text: str, safe: str = _SAFE) -> str:
    # surrogatepass: a lone surrogate (from a decoded path, say) is escaped, not an error.
    return quote(text, safe=safe, errors="surrogatepass")


def route_path(scope: Scope) -> str:
    """The path an app routes on: the request path after the app's ``root_path``.

    ASGI gives the whole path in ``path`` and the part the app is mounted at
    in ``root_path``; the root itself routes as ``/``.
    """
    path: str = scope["path"]
    root: str = scope.get("root_path") or ""
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :] or "/"
    return path
