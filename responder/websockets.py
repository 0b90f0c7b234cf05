"""WebSocket connections: Starlette's WebSocket, plus an idle timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from starlette.websockets import WebSocket as _StarletteWebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from .types import Message, Receive, Scope, Send

__all__ = ["WebSocket", "WebSocketDisconnect", "WebSocketState"]

#: Close code sent when a connection idles past its timeout (RFC 6455: going away).
IDLE_CLOSE_CODE = 1001


class WebSocket(_StarletteWebSocket):
    """What a WebSocket route receives as ``ws``.

    ``accept``, ``send_text`` / ``send_json`` / ``send_bytes``, ``receive_text``
    / ``receive_json`` / ``receive_bytes``, ``close(code)``, ``path_params``.

    Args:
        idle_timeout: seconds to wait for the client's next message; past it
            the connection is closed with code 1001 and the handler sees
            ``WebSocketDisconnect``. None waits forever.
    """

    def __init__(
        self, scope: Scope, receive: Receive, send: Send, idle_timeout: float | None = None
    ) -> None:
        super().__init__(scope, receive, send)
        self.idle_timeout = idle_timeout

    async def accept(
        self,
        subprotocol: str | None = None,
        headers: Iterable[tuple[bytes, bytes]] | None = None,
    ) -> None:
        """Accept the connection; once accepted, accepting again does nothing.

        Responder 3.3's tutorial accepts in a before-request hook *and* in the
        handler, so the second call must be harmless.
        """
        if self.application_state == WebSocketState.CONNECTED:
            return
        await super().accept(subprotocol=subprotocol, headers=headers)

    async def receive(self) -> Message:
        """Receive the next ASGI message, within the idle timeout once connected."""
        if self.idle_timeout is None or self.client_state != WebSocketState.CONNECTED:
            return await super().receive()
        try:
            return await asyncio.wait_for(super().receive(), self.idle_timeout)
        except asyncio.TimeoutError:
            await self.close(code=IDLE_CLOSE_CODE, reason="idle timeout")
            raise WebSocketDisconnect(code=IDLE_CLOSE_CODE, reason="idle timeout") from None
