"""Caching validators (``ETag``, ``Last-Modified``) and the preconditions of RFC 9110 §13.

One evaluation, :func:`evaluate`, serves every place that answers a
conditional request: ``@responder.conditional`` before the view runs, a
rendered response that carries validators after it, and files. It follows
§13.2.2's order:

1. ``If-Match`` (strong comparison), else ``If-Unmodified-Since``: false → 412;
2. ``If-None-Match`` (weak comparison), else, for GET and HEAD only,
   ``If-Modified-Since``: false → 304 for GET and HEAD, 412 for other methods.

Hostile or broken values never become a 500: an ``If-None-Match`` that is not a
valid list of entity tags is ignored (the full response is sent); an
``If-Match`` that is not is matched by nothing (412: a change is never made on
a precondition that cannot be read). A date that does not parse, or an
``If-Modified-Since`` later than the server's clock, counts as absent.

A leaf module: it imports nothing of ours but the thread-pool hop.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

from ._concurrency import run_sync

__all__ = [
    "AUTO_ETAG_THREAD_MINIMUM",
    "NOT_MODIFIED_DROPS",
    "body_etag",
    "evaluate",
    "format_etag",
    "format_http_date",
    "not_modified_headers",
    "parse_etags",
    "parse_http_date",
]

#: Bodies at least this large (bytes) are hashed for ``auto_etag`` in a worker thread.
AUTO_ETAG_THREAD_MINIMUM = 256 * 1024
#: Headers a 304 leaves out: they describe a body it does not have (RFC 9110 §15.4.5).
NOT_MODIFIED_DROPS = frozenset(
    {
        b"content-type",
        b"content-length",
        b"content-encoding",
        b"content-language",
        b"content-disposition",
        b"content-range",
    }
)
#: An opaque tag's characters (RFC 9110 §8.8.3: ``%x21 / %x23-7E / obs-text``).
_OPAQUE = r"[\x21\x23-\x7e\x80-\xff]*"
_ETAG = re.compile(rf'(W/)?"({_OPAQUE})"')
_LIST_ITEM = re.compile(rf'[ \t]*(?:(W/)?"({_OPAQUE})")?[ \t]*(?:,|$)')
#: Longer values are no HTTP-date (an IMF-fixdate has 29 characters, the RFC 850 form 33 at most).
_MAX_DATE_LENGTH = 40

Header = Callable[[bytes], "str | None"]


def format_etag(value: str) -> str:
    """An ``ETag`` value from what a view gives: ``abc`` → ``"abc"``; quoted or ``W/`` tags kept.

    Raises:
        ValueError: the tag holds a character an entity tag cannot carry (a
            double quote inside it, a space, a control character).
    """
    weak = value.startswith("W/")
    tag = value[2:] if weak else value
    if not (len(tag) >= 2 and tag[0] == tag[-1] == '"'):
        tag = f'"{tag}"'
    if _ETAG.fullmatch(tag) is None:
        raise ValueError(
            f"An ETag may hold printable ASCII except spaces and double quotes: {value!r}."
        )
    return f"W/{tag}" if weak else tag


def not_modified_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers of a 304 made from a 200's: those describing its body are dropped."""
    return [(k, v) for k, v in headers if k not in NOT_MODIFIED_DROPS]


def parse_etags(value: str) -> list[tuple[bool, str]] | None:
    """The entity tags of an ``If-Match`` / ``If-None-Match`` list as ``(weak, opaque)``.

    Returns:
        ``[]`` for ``*`` (any tag), else the tags; None when the value is not a
        valid list (empty members, as lists allow, are skipped).
    """
    if value.strip() == "*":
        return []
    tags: list[tuple[bool, str]] = []
    position, end = 0, len(value)
    while position < end:
        match = _LIST_ITEM.match(value, position)
        if match is None or match.end() == position:
            return None
        if match.group(2) is not None:
            tags.append((match.group(1) is not None, match.group(2)))
        position = match.end()
    return tags if tags else None


def _opaque(etag: str) -> tuple[bool, str] | None:
    """``W/"x"`` → ``(True, "x")``; None for a value that is no entity tag (set by hand)."""
    match = _ETAG.fullmatch(etag)
    return (match.group(1) is not None, match.group(2)) if match else None


def format_http_date(value: datetime) -> str:
    """An IMF-fixdate (``Sun, 06 Nov 1994 08:49:37 GMT``); a naive datetime is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return format_datetime(value.astimezone(timezone.utc), usegmt=True)


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP-date (any of the three forms RFC 9110 §5.6.7 accepts), or None when invalid."""
    if not value or len(value) > _MAX_DATE_LENGTH:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:  # "-0000" and the asctime form: UTC by definition
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _seconds(value: datetime) -> int:
    """Whole seconds since the epoch: HTTP dates have no finer resolution."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


def evaluate(
    method: str,
    header: Header,
    etag: str | None,
    last_modified: datetime | None,
    exists: bool = True,
) -> int | None:
    """RFC 9110 §13.2.2: the status that answers instead of the method, or None to go on.

    Args:
        method: the request method, upper-case.
        header: reads a request header by lower-case name (``req.header``).
        etag: the current representation's formatted ``ETag``, if it has one.
        last_modified: its modification time, if known.
        exists: whether there is a current representation at all (``If-Match: *``
            and ``If-None-Match: *`` ask exactly that).

    Returns:
        304 (GET/HEAD: the client's copy is current), 412 (a precondition
        failed), or None (evaluate the method).
    """
    if_match = header(b"if-match")
    if if_match is not None:
        if not _matches(parse_etags(if_match), etag, exists, strong=True):
            return 412
    elif last_modified is not None and exists:
        since = parse_http_date(header(b"if-unmodified-since"))
        if since is not None and _seconds(last_modified) > _seconds(since):
            return 412
    safe = method in ("GET", "HEAD")
    if_none_match = header(b"if-none-match")
    tags = parse_etags(if_none_match) if if_none_match is not None else None
    if tags is not None:  # an invalid list is ignored: the full answer is always safe
        if _matches(tags, etag, exists, strong=False):
            return 304 if safe else 412
    elif safe and last_modified is not None and exists:
        since = parse_http_date(header(b"if-modified-since"))
        if since is not None and _not_later_than(last_modified, since):
            return 304
    return None


def _matches(
    tags: list[tuple[bool, str]] | None, etag: str | None, exists: bool, strong: bool
) -> bool:
    """Whether a parsed list names the current tag (``[]`` is ``*``); None matches nothing."""
    if tags is None:
        return False
    if not tags:
        return exists
    current = _opaque(etag) if etag is not None and exists else None
    if current is None:
        return False
    weak, opaque = current
    if strong:
        return not weak and (False, opaque) in tags
    return any(tag == opaque for _, tag in tags)


def _not_later_than(last_modified: datetime, since: datetime) -> bool:
    """``Last-Modified <= If-Modified-Since``, a date after the server's clock not counting.

    A client cannot hold a copy from the future; trusting one would pin a
    stale copy until that date (RFC 7232 called such a date invalid).
    """
    now = datetime.now(timezone.utc)
    return _seconds(since) <= _seconds(now) and _seconds(last_modified) <= _seconds(since)


def _digest(body: bytes) -> str:
    import hashlib  # with the first ETag: an app that sends none never loads it

    digest = hashlib.blake2b(body, digest_size=16).digest()
    return '"' + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=") + '"'


async def body_etag(body: bytes) -> str:
    """A strong ``ETag`` from a body's bytes (BLAKE2b, 128 bits); large bodies off the loop."""
    if len(body) >= AUTO_ETAG_THREAD_MINIMUM:
        return await run_sync(_digest, body)
    return _digest(body)
