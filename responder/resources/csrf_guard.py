"""The CSRF check around a route's handlers, put there when the route is added.

Only an API made with ``csrf=`` has its routes' handlers wrapped (an API
without it pays nothing per request). Every wrapped handler makes the
request known to the template functions (``{{ csrf_input() }}``); the
handlers of unsafe methods, unless exempt, run :meth:`responder.csrf.CSRF.check`
first, before the route's own hooks, guards and view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..csrf import CSRF, SAFE_METHODS, current, is_exempt
from .adapters import Handler

if TYPE_CHECKING:
    from ..request import Request
    from ..response import Response

__all__ = ["with_csrf"]


def with_csrf(handlers: dict[str, Handler], options: CSRF, endpoint: Any) -> dict[str, Handler]:
    """``handlers`` (by method) wrapped for ``options``; a shared handler stays shared.

    A handler is checked when one of its methods is unsafe and neither
    ``endpoint`` nor its responder is marked ``@csrf_exempt``.
    """
    checked = {
        id(handler)
        for method, handler in handlers.items()
        if method not in SAFE_METHODS and not is_exempt(endpoint, handler.responder)
    }
    wrapped: dict[int, Handler] = {}
    for handler in handlers.values():
        if id(handler) not in wrapped:
            wrapped[id(handler)] = _wrapped(handler, options, id(handler) in checked)
    return {method: wrapped[id(handler)] for method, handler in handlers.items()}


def _wrapped(handler: Handler, options: CSRF, check: bool) -> Handler:
    """``handler``, with the request set for templates and, if ``check``, checked first."""

    async def run(req: Request, resp: Response, params: dict[str, Any]) -> None:
        token = current.set((req, options))
        try:
            # A function view's one handler may answer safe methods too: asked per request.
            if check and req.scope["method"] not in SAFE_METHODS:
                await options.check(req)
            await handler(req, resp, params)
        finally:
            current.reset(token)

    return handler.around(run)
