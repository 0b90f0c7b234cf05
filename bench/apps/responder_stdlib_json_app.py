"""Responder with its JSON handler forced to the stdlib ``json`` module.

The same routes as ``responder_app`` (a second ``build()``), for the ``json``,
``echo`` and ``big`` scenarios only: its column against ``responder`` is what
orjson buys. The switch is ``responder.media.handlers.orjson``: a module global the
JSON handler reads on every call, ``None`` meaning "use the stdlib".

In-process mode runs every app in one interpreter, so setting it for good
would also switch the ``responder`` column. It is therefore set only while
this app handles an HTTP request, and put back when the last of its
overlapping requests finishes (so concurrent requests under uvicorn all see
the stdlib). The wrapper is one extra coroutine frame per request: about
1.4 µs in-process on the 2-core bench machine (against ~23 µs for Responder's
``json``), so this column overstates the stdlib's cost by roughly that much.
"""

from __future__ import annotations

from typing import Any

import responder.media.handlers as h
from bench.apps.responder_app import build

ONLY = frozenset({"json", "echo", "big"})

_api = build()
_ORJSON = h.orjson
_active = 0


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Serve ``_api`` with ``h.orjson = None`` for the duration of each request."""
    global _active
    if scope["type"] != "http":
        # The lifespan call lasts the whole run: switching there would switch
        # every other Responder app in the process too.
        await _api(scope, receive, send)
        return
    _active += 1
    h.orjson = None
    try:
        await _api(scope, receive, send)
    finally:
        _active -= 1
        if not _active:
            h.orjson = _ORJSON
