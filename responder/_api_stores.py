"""The API's shared stores: its broadcast and its session store, each loaded when used.

An API that never publishes builds no broadcast (``api.broadcast`` makes the
in-memory one on first access), and one without ``sessions=`` never imports
the session stores: a hello app starts without either module.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .broadcast import Broadcast
    from .session_stores import SessionStore, StoredSessionCodec
    from .sessions import SessionSettings

__all__ = ["Broadcasting", "checked_stores", "stored_sessions"]

#: Held while the in-memory broadcast is made: two worker threads reading
#: ``api.broadcast`` first at once must get the same one.
_MAKING = threading.Lock()


class Broadcasting:
    """``api.broadcast``: the ``broadcast=`` given, else an in-memory one made on first use."""

    _broadcast: Broadcast | None = None

    @property
    def broadcast(self) -> Broadcast:
        """The API's broadcast (``Broadcast("redis://...")`` fans out across processes)."""
        if self._broadcast is None:
            with _MAKING:
                if self._broadcast is None:
                    from .broadcast import Broadcast

                    self._broadcast = Broadcast()
        return self._broadcast

    @broadcast.setter
    def broadcast(self, value: Broadcast) -> None:
        self._broadcast = value


def checked_stores(
    sessions: object, broadcast: object
) -> tuple[SessionStore | None, Broadcast | None]:
    """``API(sessions=, broadcast=)`` as given, each checked (TypeError) when given."""
    store = None
    if sessions is not None:
        from .session_stores import check_store

        store = check_store(sessions)
    if broadcast is not None:
        from .broadcast import as_broadcast

        return store, as_broadcast(broadcast)
    return store, None


def stored_sessions(api: SessionSettings) -> Callable[[], StoredSessionCodec] | None:
    """What gives the pipeline the stored-session codec; None for signed-cookie sessions."""
    if api.session_store is None:
        return None
    from .session_stores import stored_codec

    return stored_codec(api)
