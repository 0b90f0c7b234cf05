"""The stop signal, as the streams of each event loop see it.

When the server begins to stop (the API's stop-signal handler calls
:func:`begin` on the loop), every server-sent event stream on that loop ends
after its current event, so that the server's graceful shutdown is not held
up by streams that never finish. Signals are per process; the event is per
loop (tests run several loops in one process).
"""

from __future__ import annotations

import asyncio
import weakref

__all__ = ["begin", "stopping"]

_events: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = (
    weakref.WeakKeyDictionary()
)


def stopping() -> asyncio.Event:
    """The running loop's stop event: set once the server begins to stop."""
    loop = asyncio.get_running_loop()
    event = _events.get(loop)
    if event is None:
        event = _events[loop] = asyncio.Event()
    return event


def begin() -> None:
    """Set the running loop's stop event (call on the loop)."""
    stopping().set()
