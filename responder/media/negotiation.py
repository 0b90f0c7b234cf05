"""Parsing of ``Accept`` and ``Content-Type`` headers (RFC 9110 §12.5.1, §8.3).

Everything here is pure and bounded: a hostile header is cut to a fixed
number of entries and characters before it is looked at.
"""

from __future__ import annotations

import codecs
import encodings
import encodings.aliases
import functools
from typing import NamedTuple

__all__ = [
    "MediaRange",
    "body_charset",
    "matches",
    "parse_accept",
    "parse_content_type",
    "quality",
    "text_encoding",
]

MAX_ACCEPT_LENGTH = 4096
MAX_ACCEPT_ENTRIES = 64


class MediaRange(NamedTuple):
    """One entry of an ``Accept`` header."""

    type: str
    subtype: str
    q: float
    specificity: int  # 0 for */*, 1 for type/*, 2 for type/subtype, 3 with parameters

    def matches(self, media_type: str) -> bool:
        """Whether the concrete ``media_type`` falls within this range."""
        return matches(self.type, self.subtype, media_type)


def matches(range_type: str, range_subtype: str, media_type: str) -> bool:
    """Whether ``type/subtype`` (possibly wildcards) covers ``media_type``."""
    if range_type == "*":
        return True
    main, _, sub = media_type.partition("/")
    if range_type != main:
        return False
    return range_subtype in ("*", sub)


def parse_content_type(value: str | None) -> tuple[str, dict[str, str]]:
    """Split a ``Content-Type`` value into a lower-cased mimetype and its parameters."""
    if not value:
        return "", {}
    mimetype, _, rest = value.partition(";")
    params: dict[str, str] = {}
    if rest:
        for item in rest.split(";")[:16]:
            key, sep, val = item.partition("=")
            if sep:
                params[key.strip().lower()] = val.strip().strip('"')
    return mimetype.strip().lower(), params


def text_encoding(name: str, owner: str = "encoding") -> str:
    """The canonical codec name for ``name``, checked to be a character set.

    For names the application gives (``req.encoding = ...``). Python also
    registers codecs such as ``zlib``, ``hex`` and ``rot13`` that
    ``bytes.decode`` refuses, and text codecs such as ``idna`` and
    ``unicode-escape`` that are transforms rather than character sets; they
    are rejected here, where the name is given, rather than when the first
    body is decoded. The canonical name (``iso8859-1`` for ``latin-1``) is
    what ``Content-Type`` charsets are labelled with.

    Args:
        name: an encoding name as Python's ``codecs`` knows it.
        owner: what is being set, for the error message (``"req.encoding"``).

    Raises:
        TypeError: ``name`` is not a string.
        ValueError: there is no such encoding, or it is not a character set.
    """
    if not isinstance(name, str):
        raise TypeError(f"{owner} must be a str naming an encoding, not {type(name).__name__}")
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"{owner}: unknown encoding {name!r}") from None
    if not _is_charset(info):
        raise ValueError(f"{owner}: {name!r} is not a text encoding (not a character set)")
    return info.name


@functools.lru_cache(maxsize=64)  # PERF: bounded, as the names come from clients
def body_charset(name: str) -> str | None:
    """The canonical name of a ``charset`` a client declared; None when it is not one we read.

    Only the encodings shipped with Python are looked up, by their normalised
    name: Python caches every name it is asked about, misses included, so
    looking up whatever a client sends would grow that cache without bound.
    """
    if len(name) > _MAX_CHARSET_LENGTH or not name.isascii():
        return None
    key = encodings.normalize_encoding(name.lower())
    if key not in _known_encodings():
        return None
    try:
        info = codecs.lookup(key)
    except LookupError:  # pragma: no cover - a module of the encodings package went missing
        return None
    return info.name if _is_charset(info) else None


#: Codecs Python registers as text encodings that are not character sets: they
#: transform text (``idna`` folds labels, ``unicode-escape`` reads backslash
#: escapes and can yield lone surrogates) or refuse everything (``undefined``).
#: UTF-7 is a charset, but one the WHATWG Encoding Standard dropped; it too
#: decodes to lone surrogates, which are not text.
_NOT_CHARSETS = frozenset(
    {
        "idna",
        "punycode",
        "unicode-escape",
        "raw-unicode-escape",
        "undefined",
        "mbcs",
        "oem",
        "utf-7",
    }
)
_MAX_CHARSET_LENGTH = 64  # Python's names for its encodings are all under 30 characters


def _is_charset(info: codecs.CodecInfo) -> bool:
    # _is_text_encoding is False for bytes-to-bytes and str-to-str codecs (zlib, rot13).
    return getattr(info, "_is_text_encoding", True) and info.name not in _NOT_CHARSETS


@functools.cache
def _known_encodings() -> frozenset[str]:
    """Every normalised name the standard ``encodings`` package answers to."""
    import pkgutil  # once, for the first charset parameter: not at start-up

    modules = {module.name for module in pkgutil.iter_modules(encodings.__path__)}
    return frozenset(modules | set(encodings.aliases.aliases))


def parse_accept(value: str | None) -> list[MediaRange]:
    """Parse an ``Accept`` header into media ranges, best first.

    Ranges are ordered by q-value, then specificity, then their position in the
    header. Malformed entries are skipped; the header is truncated to bounded
    size first so that parsing cost never depends on the client.
    """
    if not value:
        return [MediaRange("*", "*", 1.0, 0)]
    ranges: list[tuple[float, int, int, MediaRange]] = []
    for index, entry in enumerate(value[:MAX_ACCEPT_LENGTH].split(",")[:MAX_ACCEPT_ENTRIES]):
        mimetype, params = parse_content_type(entry)
        main, sep, sub = mimetype.partition("/")
        if not sep or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = _qvalue(params.pop("q", "1"))
        if q is None:
            continue
        specificity = 0 if main == "*" else 1 if sub == "*" else 3 if params else 2
        ranges.append((-q, -specificity, index, MediaRange(main, sub, q, specificity)))
    ranges.sort()
    return [item[3] for item in ranges]


def _qvalue(raw: str) -> float | None:
    try:
        q = float(raw)
    except ValueError:
        return None
    if not 0.0 <= q <= 1.0:
        return None
    return q


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q-value the client gives ``media_type``: that of the most specific matching range."""
    best: MediaRange | None = None
    for media_range in ranges:
        if media_range.matches(media_type) and (
            best is None or media_range.specificity > best.specificity
        ):
            best = media_range
    return best.q if best is not None else 0.0
