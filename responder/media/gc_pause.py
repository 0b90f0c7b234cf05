"""Decoding a large body with the garbage collector paused.

A C decoder (orjson, msgpack) that builds a large document makes thousands
of containers in one call. Every 700 of them start a collection of the
youngest generation, which moves the half-built document to the older ones,
whose collections then scan the whole process: on a 100 KiB JSON echo (1,400
small records) most of the request's time. Pausing the collector for the
call lets the document be built without those passes; reference counting
frees what dies, as always, and the next collection (at the next allocation)
sees the new objects once, as young ones.

Measured in-process, a Responder app alone: a 100 KiB JSON echo took 1.63 ms
with the collector on during the decode and 1.03 ms with it paused; 1 MiB,
17.2 -> 11.8 ms; 10 KiB, no difference (117 -> 114 µs).

The pause covers the decoder's one call, which holds the GIL: other threads
run during it only if the decoder calls back into Python (msgpack's
``ext_hook``), and then they only find a collection put off. A collector
that is off (``gc.disable()`` by the app) is left off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["LARGE_BODY", "decode_without_gc"]

T = TypeVar("T")

#: Bodies from this many bytes are decoded with the collector paused. A smaller
#: one cannot hold enough containers (two bytes each at least) to start more
#: than a young collection or two, which cost less than pausing.
LARGE_BODY = 4096


def decode_without_gc(decode: Callable[[bytes], T], data: bytes) -> T:
    """``decode(data)``, with the garbage collector paused when ``data`` is large."""
    if len(data) < LARGE_BODY:
        return decode(data)
    import gc  # PERF: loaded with the first large body, not by a hello app

    if not gc.isenabled():
        return decode(data)
    gc.disable()
    try:
        return decode(data)
    finally:
        gc.enable()
