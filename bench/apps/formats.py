"""Content negotiation and body formats shared by the peer apps (not Responder).

Responder negotiates ``resp.media`` itself. Starlette and FastAPI have no
negotiation, so their apps call :func:`negotiate` here; Falcon negotiates with
its own ``req.client_prefers`` and only borrows the YAML encoder/decoder.

:func:`negotiate` does what Responder's negotiation does: it parses every
``Accept`` entry with its q-value, weighs each offered type by the most
specific range that matches it, and picks the heaviest, ties to the earlier
type; when nothing fits it answers JSON (Responder's non-strict default).
Like Responder (and Falcon's ``lru_cache``-d ``quality``), it remembers its
decision per ``Accept`` text in a bounded cache, so a repeated header costs a
dict lookup everywhere and the scenarios compare frameworks, not caching.

The encoders are the ones Responder uses: PyYAML's C safe dumper/loader with
the same options, and ``msgpack.packb(..., use_bin_type=True)``. Responder's
YAML reader also pre-scans the parser events to bound depth and alias
expansion; the peers do not (no peer framework offers that).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgpack
import yaml

JSON = "application/json"
YAML = "application/x-yaml"
MSGPACK = "application/x-msgpack"

#: (format, media type) a response can be sent as, in order of preference.
RESPONSE_TYPES: tuple[tuple[str, str], ...] = (
    ("json", JSON),
    ("yaml", YAML),
    ("yaml", "application/yaml"),
    ("yaml", "text/yaml"),
    ("msgpack", MSGPACK),
    ("msgpack", "application/msgpack"),
)
#: Request body media type -> format.
BODY_FORMATS: dict[str, str] = {media_type: fmt for fmt, media_type in RESPONSE_TYPES}

_MAX_ACCEPT_LENGTH = 4096
_MAX_ACCEPT_ENTRIES = 64

#: One Accept entry: (type, subtype, q, specificity).
MediaRange = tuple[str, str, float, int]


def parse_accept(header: str) -> list[MediaRange]:
    """Parse an ``Accept`` header; malformed entries and bad q-values are skipped."""
    ranges: list[MediaRange] = []
    for entry in header[:_MAX_ACCEPT_LENGTH].split(",")[:_MAX_ACCEPT_ENTRIES]:
        mimetype, *params = entry.split(";")
        main, sep, sub = mimetype.strip().lower().partition("/")
        if not sep or not main or not sub or (main == "*" and sub != "*"):
            continue
        q, extra = 1.0, False
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0
            else:
                extra = True
        if not 0.0 <= q <= 1.0:
            continue
        specificity = 0 if main == "*" else 1 if sub == "*" else 3 if extra else 2
        ranges.append((main, sub, q, specificity))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q-value of the most specific range that matches ``media_type`` (0 if none)."""
    main, _, sub = media_type.partition("/")
    best_q, best_specificity = 0.0, -1
    for range_main, range_sub, q, specificity in ranges:
        if specificity > best_specificity and (
            range_main == "*" or (range_main == main and range_sub in ("*", sub))
        ):
            best_q, best_specificity = q, specificity
    return best_q


_CACHE_SIZE = 256  # as Responder's: clients cannot grow it without bound
_negotiated: dict[str, tuple[str, str]] = {}


def negotiate(accept: str | None) -> tuple[str, str]:
    """The (format, media type) to answer with: the best by q-value, else JSON."""
    key = accept or ""
    try:
        return _negotiated[key]
    except KeyError:
        pass
    choice = choose(accept)
    if len(_negotiated) >= _CACHE_SIZE:
        _negotiated.clear()
    _negotiated[key] = choice
    return choice


def choose(accept: str | None) -> tuple[str, str]:
    """:func:`negotiate` without the cache."""
    if accept:
        ranges = parse_accept(accept)
        if ranges:
            best, best_q = None, 0.0
            for choice in RESPONSE_TYPES:
                q = quality(ranges, choice[1])
                if q > best_q:
                    best, best_q = choice, q
            if best is not None:
                return best
    return RESPONSE_TYPES[0]


def body_format(content_type: str | None) -> str | None:
    """The format of a request body by its ``Content-Type`` (JSON when absent)."""
    if not content_type:
        return "json"
    return BODY_FORMATS.get(content_type.split(";", 1)[0].strip().lower())


_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def dump_yaml(obj: Any) -> bytes:
    """Block-style YAML, keys in their given order (Responder's options)."""
    text: str = yaml.dump(
        obj, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False
    )
    return text.encode("utf-8")


def load_yaml(data: bytes) -> Any:
    """One YAML document, safe loader only."""
    return yaml.load(data.decode("utf-8"), Loader=_Loader)  # the C *safe* loader


def pack(obj: Any) -> bytes:
    """MessagePack, ``bin`` for bytes and ``str`` for text."""
    packed: bytes = msgpack.packb(obj, use_bin_type=True)
    return packed


def unpack(data: bytes) -> Any:
    """One MessagePack object."""
    return msgpack.unpackb(data, raw=False)


#: Non-JSON formats: JSON goes through each framework's own JSON path.
ENCODERS: dict[str, Callable[[Any], bytes]] = {"yaml": dump_yaml, "msgpack": pack}
DECODERS: dict[str, Callable[[bytes], Any]] = {"yaml": load_yaml, "msgpack": unpack}
